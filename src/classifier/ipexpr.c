/* ipexpr.c - parser for Click's IPClassifier/IPFilter expressions into classifier expressions. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "ipexpr_priv.h"

/*
 * The grammar (Click's IPFilter):
 *
 *   expr   ::= orexpr | orexpr "?" expr ":" expr
 *   orexpr ::= term { ("or" | "||") term }
 *   term   ::= factor { ["and" | "&&"] factor }      juxtaposition is "and"
 *   factor ::= ("not" | "!") factor | "(" expr ")" | test
 *   test   ::= "true" | "false" | QUALS ["[" POS[:LEN] "]"] ["&" MASK] [RELOP] [DATA]
 *
 * QUALS are "src", "dst", "src and dst", "src or dst", "ip", "ether", a
 * protocol name (tcp, udp, icmp, ...), "not", and one type word (host, net,
 * port, proto, opt, frag, unfrag, ect, ce, vers, hl, tos, dscp, ttl, len, id,
 * win, type). Click's omitted keywords are inferred from the data ("www" is a
 * port, "syn" a TCP flag, "10.0.0.0/8" a net) and, for data alone, from the
 * previous primitive of the pattern ("src port 80 or 81").
 *
 * Each primitive becomes: [protocol test] AND [first-fragment test, for
 * transport fields] AND [the field comparison]. IP fields are tests on
 * WEIR_CLS_BASE_NETWORK, transport fields on WEIR_CLS_BASE_TRANSPORT and
 * Ethernet addresses on WEIR_CLS_BASE_DATA, which weir_cls_classify_ip()
 * points at the MAC header. "DIRECTIVE != V" (and <, >, <=, >=) negates only
 * the comparison, so "tcp port != 80" needs TCP, as Click documents.
 */

#define SD_SRC 1
#define SD_DST 2
#define SD_AND 3
#define SD_OR 4

#define OP_EQ 0
#define OP_GT 1
#define OP_LT 2
#define OP_CONST 3 /* comparison known at compile time: u is its value */

#define MAX_NEST 100

struct ipx_field {
	uint8_t base;
	uint16_t word;  /* offset of the 32-bit word holding the field */
	uint8_t shift;  /* field = (be32(word) >> shift) & (2^nbits - 1) */
	uint8_t nbits;
	int proto;      /* transport protocol the field belongs to, or unknown */
	const char *name;
};

static const struct ipx_field named_fields[] = {
	[IPX_F_VERS - IPX_F_VERS] = { WEIR_CLS_BASE_NETWORK, 0, 28, 4, IPX_PROTO_UNKNOWN, "ip vers" },
	[IPX_F_HL - IPX_F_VERS] = { WEIR_CLS_BASE_NETWORK, 0, 24, 4, IPX_PROTO_UNKNOWN, "ip hl" },
	[IPX_F_TOS - IPX_F_VERS] = { WEIR_CLS_BASE_NETWORK, 0, 16, 8, IPX_PROTO_UNKNOWN, "ip tos" },
	[IPX_F_DSCP - IPX_F_VERS] = { WEIR_CLS_BASE_NETWORK, 0, 18, 6, IPX_PROTO_UNKNOWN, "ip dscp" },
	[IPX_F_TTL - IPX_F_VERS] = { WEIR_CLS_BASE_NETWORK, 8, 24, 8, IPX_PROTO_UNKNOWN, "ip ttl" },
	[IPX_F_LEN - IPX_F_VERS] = { WEIR_CLS_BASE_NETWORK, 0, 0, 16, IPX_PROTO_UNKNOWN, "ip len" },
	[IPX_F_ID - IPX_F_VERS] = { WEIR_CLS_BASE_NETWORK, 4, 16, 16, IPX_PROTO_UNKNOWN, "ip id" },
	[IPX_F_WIN - IPX_F_VERS] = { WEIR_CLS_BASE_TRANSPORT, 12, 0, 16, 6, "tcp win" },
	[IPX_F_ICMPTYPE - IPX_F_VERS] = { WEIR_CLS_BASE_TRANSPORT, 0, 24, 8, 1, "icmp type" },
};

static const struct ipx_field proto_field = { WEIR_CLS_BASE_NETWORK, 8, 16, 8,
					      IPX_PROTO_UNKNOWN, "ip proto" };

struct prim {
	int type;               /* IPX_HOST ... IPX_FIELD; 0 when not given */
	struct ipx_field fld;   /* type IPX_FIELD */
	int data;               /* IPX_NONE, IPX_INT, IPX_HOST, ... */
	struct ipx_field dfld;  /* data IPX_FIELD (a named ICMP type) */
	int srcdst;
	int proto;
	int op;
	bool op_neg;
	uint32_t u, mask;       /* host order */
	uint8_t eth[6], ethmask[6];
};

struct parser {
	struct weir_cls_builder *b;
	struct weir_errh *errh;
	int pat;
	const char *text;
	const struct ipx_tok *t;
	int n, pos;
	struct prim prev;
	int depth;
	bool failed;
};

static void
prim_clear(struct prim *pr)
{
	memset(pr, 0, sizeof(*pr));
	pr->proto = IPX_PROTO_UNKNOWN;
}

/* AND, OR, NOT that pass errors on whatever the other operand is (the
 * builder returns FALSE for "FALSE and <error>"). */
static int
and2(struct weir_cls_builder *b, int x, int y)
{
	return x < 0 ? x : y < 0 ? y : weir_cls_and2(b, x, y);
}

static int
or2(struct weir_cls_builder *b, int x, int y)
{
	return x < 0 ? x : y < 0 ? y : weir_cls_or2(b, x, y);
}

static int
not1(struct weir_cls_builder *b, int x)
{
	return x < 0 ? x : weir_cls_not(b, x);
}

/* ---- errors ------------------------------------------------------------------ */

static uint32_t
tok_col(const struct parser *p, const struct ipx_tok *t)
{
	return t ? t->col : (uint32_t)strlen(p->text) + 1;
}

static void WEIR_PRINTF(3, 4)
perr(struct parser *p, const struct ipx_tok *t, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!p->failed)
		weir_error(p->errh, "pattern %d: column %u: %s", p->pat, (unsigned)tok_col(p, t),
			   msg);
	p->failed = true;
}

static void WEIR_PRINTF(3, 4)
pwarn(struct parser *p, const struct ipx_tok *t, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	weir_warning(p->errh, "pattern %d: column %u: %s", p->pat, (unsigned)tok_col(p, t), msg);
}

static const struct ipx_tok *
cur(const struct parser *p)
{
	return p->pos < p->n ? &p->t[p->pos] : NULL;
}

static const struct ipx_tok *
peek(const struct parser *p, int k)
{
	return p->pos + k < p->n ? &p->t[p->pos + k] : NULL;
}

static bool
at(const struct parser *p, const char *w)
{
	return ipx_tok_is(cur(p), w);
}

/* "'word'" or "end of pattern" for messages. */
static const char *
describe(const struct ipx_tok *t, char *buf, size_t sz)
{
	if (!t)
		return "end of pattern";
	snprintf(buf, sz, "'%.*s'", (int)WEIR_MIN(t->len, 40u), t->s);
	return buf;
}

static const char *
type_name(const struct prim *pr)
{
	switch (pr->type) {
	case IPX_HOST: return "host";
	case IPX_NET: return "net";
	case IPX_ETHER: return "ether host";
	case IPX_PROTO: return "ip proto";
	case IPX_PORT: return "port";
	case IPX_TCPOPT: return "tcp opt";
	case IPX_FRAG: return "ip frag";
	case IPX_UNFRAG: return "ip unfrag";
	case IPX_ECT: return "ip ect";
	case IPX_CE: return "ip ce";
	case IPX_FIELD: return pr->fld.name;
	default: return "primitive";
	}
}

/* ---- building tests ----------------------------------------------------------- */

static int
word_test(struct parser *p, const struct ipx_field *f, uint32_t mask, uint32_t val)
{
	return weir_cls_word(p->b, (enum weir_cls_base)f->base, f->word, htonl(mask << f->shift),
			     htonl((val & mask) << f->shift));
}

/* (field & m) OP u, for OP_EQ, OP_GT, OP_LT (numeric) or OP_CONST. Greater
 * and less than are ORs of prefix tests: one per bit of m where the field can
 * first differ from u in the right direction. */
static int
field_cmp(struct parser *p, const struct ipx_field *f, uint32_t m, int op, uint32_t u)
{
	if (op == OP_CONST)
		return u ? weir_cls_true(p->b) : weir_cls_false(p->b);
	if (op == OP_EQ)
		return word_test(p, f, m, u);
	int acc = weir_cls_false(p->b);
	uint32_t hi = 0; /* bits of m above the current one */
	for (int j = 31; j >= 0 && acc >= 0; j--) {
		uint32_t bit = 1u << j;
		bool mj = m & bit, uj = u & bit;
		if (op == OP_GT) {
			if (mj && !uj)
				acc = or2(p->b, acc, word_test(p, f, hi | bit, (u & hi) | bit));
			else if (!mj && uj)
				break;
		} else if (uj) {
			if (mj) {
				acc = or2(p->b, acc, word_test(p, f, hi | bit, u & hi));
			} else {
				acc = or2(p->b, acc, word_test(p, f, hi, u & hi));
				break;
			}
		}
		if (mj)
			hi |= bit;
	}
	return acc;
}

static int
proto_test(struct parser *p, int proto)
{
	if (proto == IPX_PROTO_TRANSP)
		return weir_cls_true(p->b);
	if (proto == IPX_PROTO_TCPUDP)
		return or2(p->b, word_test(p, &proto_field, 0xFF, 6),
				    word_test(p, &proto_field, 0xFF, 17));
	return word_test(p, &proto_field, 0xFF, (uint32_t)proto);
}

static int
first_fragment(struct parser *p)
{
	static const struct ipx_field fragoff = { WEIR_CLS_BASE_NETWORK, 4, 0, 16,
						  IPX_PROTO_UNKNOWN, "" };
	return word_test(p, &fragoff, 0x1FFF, 0);
}

static int
combine_srcdst(struct parser *p, int srcdst, int s, int d)
{
	switch (srcdst) {
	case SD_SRC: return s;
	case SD_DST: return d;
	case SD_AND: return and2(p->b, s, d);
	default: return or2(p->b, s, d);
	}
}

static int
ether_test(struct parser *p, const struct prim *pr, uint32_t off)
{
	return weir_cls_bytes(p->b, WEIR_CLS_BASE_DATA, off, pr->eth, pr->ethmask, 6);
}

/* The expression for a checked primitive (negation not included). */
static int
prim_expr(struct parser *p, const struct prim *pr)
{
	struct weir_cls_builder *b = p->b;
	int acc = weir_cls_true(b);
	bool transp = pr->type == IPX_PORT || pr->type == IPX_TCPOPT ||
		      (pr->type == IPX_FIELD && pr->fld.base == WEIR_CLS_BASE_TRANSPORT);
	if (pr->proto != IPX_PROTO_UNKNOWN)
		acc = and2(b, acc, proto_test(p, pr->proto));
	if (transp)
		acc = and2(b, acc, first_fragment(p));
	int t;
	switch (pr->type) {
	case IPX_HOST: {
		struct ipx_field src = { WEIR_CLS_BASE_NETWORK, 12, 0, 32, 0, "" };
		struct ipx_field dst = { WEIR_CLS_BASE_NETWORK, 16, 0, 32, 0, "" };
		t = combine_srcdst(p, pr->srcdst, word_test(p, &src, pr->mask, pr->u),
				   word_test(p, &dst, pr->mask, pr->u));
		if (pr->op_neg)
			t = not1(b, t);
		break;
	}
	case IPX_ETHER:
		t = combine_srcdst(p, pr->srcdst, ether_test(p, pr, 6), ether_test(p, pr, 0));
		if (pr->op_neg)
			t = not1(b, t);
		break;
	case IPX_PROTO:
		if (pr->u >= 256 && pr->op != OP_CONST) {
			t = proto_test(p, (int)pr->u);
		} else {
			t = field_cmp(p, &proto_field, pr->mask, pr->op, pr->u);
		}
		if (pr->op_neg)
			t = not1(b, t);
		break;
	case IPX_FRAG: {
		static const struct ipx_field ff = { WEIR_CLS_BASE_NETWORK, 4, 0, 16, 0, "" };
		t = word_test(p, &ff, 0x3FFF, 0); /* not a fragment */
		if (!pr->op_neg)
			t = not1(b, t);
		break;
	}
	case IPX_PORT: {
		struct ipx_field sp = { WEIR_CLS_BASE_TRANSPORT, 0, 16, 16, 0, "" };
		struct ipx_field dp = { WEIR_CLS_BASE_TRANSPORT, 0, 0, 16, 0, "" };
		t = combine_srcdst(p, pr->srcdst, field_cmp(p, &sp, pr->mask, pr->op, pr->u),
				   field_cmp(p, &dp, pr->mask, pr->op, pr->u));
		if (pr->op_neg)
			t = not1(b, t);
		break;
	}
	case IPX_TCPOPT: {
		struct ipx_field fl = { WEIR_CLS_BASE_TRANSPORT, 12, 16, 8, 0, "" };
		t = word_test(p, &fl, pr->u, pr->u);
		break;
	}
	default: /* IPX_FIELD */
		t = field_cmp(p, &pr->fld, pr->mask, pr->op, pr->u);
		if (pr->op_neg)
			t = not1(b, t);
		break;
	}
	return and2(b, acc, t);
}

/* ---- checking a primitive (Click's Primitive::check) ---------------------------- */

static const char *
op_text(const struct prim *pr)
{
	if (pr->op == OP_GT)
		return pr->op_neg ? "<=" : ">";
	if (pr->op == OP_LT)
		return pr->op_neg ? ">=" : "<";
	return pr->op_neg ? "!=" : "==";
}

/* Range check of u against `full`, with an optional mask; relations that are
 * always true or false become OP_CONST with a warning. */
static int
set_mask(struct parser *p, const struct ipx_tok *at_tok, struct prim *pr, uint32_t full,
	 uint32_t pmask)
{
	uint32_t m = pmask ? pmask : full;
	if (m & ~full) {
		perr(p, at_tok, "'%s': mask out of range, bound 0x%X", type_name(pr), full);
		return -EINVAL;
	}
	pr->mask = m;
	if (pr->op == OP_GT || pr->op == OP_LT) {
		int always = -1;
		if (pr->op == OP_LT && pr->u == 0)
			always = 0;
		else if (pr->op == OP_LT && pr->u > m)
			always = 1;
		else if (pr->op == OP_GT && pr->u >= m)
			always = 0;
		if (always >= 0) {
			bool v = pr->op_neg ? !always : always;
			pwarn(p, at_tok, "relation '%s %u' is always %s (range 0-%u)", op_text(pr),
			      pr->u, v ? "true" : "false", m);
			pr->op = OP_CONST;
			pr->u = (uint32_t)always;
		}
		return 0;
	}
	if (pr->u > full) {
		perr(p, at_tok, "'%s': value %u out of range, bound %u", type_name(pr), pr->u, full);
		return -EINVAL;
	}
	return 0;
}

static uint32_t
field_full(const struct ipx_field *f)
{
	return f->nbits >= 32 ? 0xFFFFFFFFu : (1u << f->nbits) - 1;
}

static bool
same_field(const struct ipx_field *a, const struct ipx_field *b)
{
	return a->base == b->base && a->word == b->word && a->shift == b->shift &&
	       a->nbits == b->nbits;
}

static void
set_field_type(struct prim *pr, int named)
{
	pr->type = IPX_FIELD;
	pr->fld = named_fields[named - IPX_F_VERS];
}

/* Infer the type when only data was given. */
static int
infer_type(struct parser *p, const struct ipx_tok *t0, struct prim *pr)
{
	const struct prim *prev = &p->prev;
	if (pr->data == IPX_INT) {
		if (prev->type == IPX_FIELD) {
			pr->data = IPX_FIELD;
			pr->dfld = prev->fld;
		} else if (prev->type == IPX_PROTO || prev->type == IPX_PORT) {
			pr->data = prev->type;
		} else {
			perr(p, t0, "specify header field or 'port'");
			return -EINVAL;
		}
	}
	switch (pr->data) {
	case IPX_HOST:
	case IPX_NET:
	case IPX_TCPOPT:
	case IPX_ETHER:
		pr->type = pr->data;
		if (!pr->srcdst)
			pr->srcdst = prev->srcdst;
		break;
	case IPX_PROTO:
		pr->type = IPX_PROTO;
		break;
	case IPX_PORT:
		pr->type = IPX_PORT;
		if (!pr->srcdst)
			pr->srcdst = prev->srcdst;
		if (pr->proto == IPX_PROTO_UNKNOWN)
			pr->proto = prev->proto;
		break;
	case IPX_FIELD:
		pr->type = IPX_FIELD;
		pr->fld = pr->dfld;
		if (pr->proto == IPX_PROTO_UNKNOWN)
			pr->proto = pr->fld.proto;
		break;
	default:
		if (pr->proto != IPX_PROTO_UNKNOWN) {
			pr->type = IPX_PROTO;
			break;
		}
		perr(p, t0, "partial directive (expected a value after the qualifiers)");
		return -EINVAL;
	}
	return 0;
}

static const char *
expected_value(int type)
{
	switch (type) {
	case IPX_HOST: return "an IP address";
	case IPX_NET: return "an IP prefix";
	case IPX_ETHER: return "an Ethernet address";
	case IPX_PORT: return "a port number or name";
	case IPX_PROTO: return "a protocol name or number";
	case IPX_TCPOPT: return "a TCP flag name";
	case IPX_FIELD: return "a number";
	default: return "no value";
	}
}

/* Words that cannot be a value (so "value missing" points at the primitive). */
static bool
ends_value(const struct ipx_tok *t)
{
	static const char *const w[] = { "and", "&&", "or", "||", ")", "?", ":" };
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		if (ipx_tok_is(t, w[i]))
			return true;
	return false;
}

/* Check that type, data, operator and mask agree (header: 'i', 'e' or 0). */
static int
check_prim(struct parser *p, const struct ipx_tok *t0, struct prim *pr, int header,
	   int mask_kind, uint32_t pmask, const uint8_t *pmask_eth)
{
	int old_srcdst = pr->srcdst;
	if (!pr->type && infer_type(p, t0, pr) < 0)
		return -EINVAL;
	if (header == 0)
		header = pr->data == IPX_ETHER ? 'e' : 'i';
	if (header == 'e' && pr->type == IPX_HOST)
		pr->type = IPX_ETHER;
	if (header != 'i' && pr->type != IPX_ETHER) {
		perr(p, t0, "'%s': ip only", type_name(pr));
		return -EINVAL;
	}
	bool op_ok = pr->op == OP_EQ;
	switch (pr->type) {
	case IPX_HOST:
	case IPX_NET:
		if (pr->data != pr->type && !(pr->type == IPX_NET && pr->data == IPX_HOST))
			goto value_missing;
		if (!op_ok)
			goto op_unsupported;
		if (pr->type == IPX_HOST)
			pr->mask = 0xFFFFFFFFu;
		else if (pr->data == IPX_HOST)
			pr->mask = 0xFFFFFFFFu;
		pr->type = IPX_HOST;
		if (mask_kind == IPX_ETHER)
			goto bad_mask;
		if (mask_kind)
			pr->mask = pmask;
		break;
	case IPX_ETHER:
		if (pr->data != IPX_ETHER)
			goto value_missing;
		if (!op_ok)
			goto op_unsupported;
		memset(pr->ethmask, 0xFF, 6);
		if (mask_kind && mask_kind != IPX_ETHER)
			goto bad_mask;
		if (mask_kind)
			memcpy(pr->ethmask, pmask_eth, 6);
		break;
	case IPX_PROTO:
		if (pr->data == IPX_INT || pr->data == IPX_PROTO) {
			if (pr->proto != IPX_PROTO_UNKNOWN && (uint32_t)pr->proto != pr->u) {
				perr(p, t0, "'ip proto': protocol specified twice");
				return -EINVAL;
			}
		} else if (pr->data == IPX_NONE && pr->proto != IPX_PROTO_UNKNOWN) {
			pr->u = (uint32_t)pr->proto;
		} else {
			goto value_missing;
		}
		pr->proto = IPX_PROTO_UNKNOWN;
		if (pr->u >= 256) {
			if (!op_ok || mask_kind) {
				perr(p, t0, "'%s': operator or mask not supported",
				     pr->u == IPX_PROTO_TCPUDP ? "tcpudp" : "transp");
				return -EINVAL;
			}
			pr->mask = 0xFF;
		} else {
			if (mask_kind && mask_kind != IPX_INT)
				goto bad_mask;
			if (set_mask(p, t0, pr, 0xFF, pmask) < 0)
				return -EINVAL;
		}
		if (pr->op == OP_EQ && pr->mask == 0xFF && !pr->op_neg)
			pr->proto = (int)pr->u;
		break;
	case IPX_PORT:
		if (pr->data == IPX_INT)
			pr->data = IPX_PORT;
		if (pr->data != IPX_PORT)
			goto value_missing;
		if (pr->proto == IPX_PROTO_UNKNOWN)
			pr->proto = IPX_PROTO_TCPUDP;
		else if (pr->proto != 6 && pr->proto != 17 && pr->proto != IPX_PROTO_TCPUDP &&
			 pr->proto != 33) {
			perr(p, t0, "'port': bad protocol %d", pr->proto);
			return -EINVAL;
		}
		if (mask_kind && mask_kind != IPX_INT)
			goto bad_mask;
		if (set_mask(p, t0, pr, 0xFFFF, pmask) < 0)
			return -EINVAL;
		break;
	case IPX_TCPOPT:
		if (pr->data == IPX_INT)
			pr->data = IPX_TCPOPT;
		if (pr->data != IPX_TCPOPT)
			goto value_missing;
		if (pr->proto == IPX_PROTO_UNKNOWN)
			pr->proto = 6;
		else if (pr->proto != 6) {
			perr(p, t0, "'tcp opt': bad protocol %d", pr->proto);
			return -EINVAL;
		}
		if (!op_ok || pr->op_neg || mask_kind)
			goto op_unsupported;
		if (pr->u > 255) {
			perr(p, t0, "'tcp opt': value %u out of range", pr->u);
			return -EINVAL;
		}
		break;
	case IPX_ECT:
		if (pr->data != IPX_NONE && pr->data != IPX_INT)
			goto value_missing;
		if (pr->data == IPX_NONE) {
			pr->u = 0;
			pr->op_neg = true;
		} else if (mask_kind && mask_kind != IPX_INT) {
			goto bad_mask;
		}
		if (set_mask(p, t0, pr, 0x3, pmask) < 0)
			return -EINVAL;
		pr->type = IPX_FIELD;
		pr->fld = named_fields[IPX_F_TOS - IPX_F_VERS];
		break;
	case IPX_CE:
		if (pr->data != IPX_NONE || mask_kind)
			goto value_unsupported;
		pr->mask = 3;
		pr->u = 3;
		pr->type = IPX_FIELD;
		pr->fld = named_fields[IPX_F_TOS - IPX_F_VERS];
		break;
	case IPX_FRAG:
	case IPX_UNFRAG:
		if (pr->data != IPX_NONE || mask_kind)
			goto value_unsupported;
		if (pr->type == IPX_UNFRAG)
			pr->op_neg = true;
		pr->type = IPX_FRAG;
		break;
	default: /* IPX_FIELD */
		if (pr->data != IPX_INT && !(pr->data == IPX_FIELD && same_field(&pr->dfld, &pr->fld)))
			goto value_missing;
		if (mask_kind && mask_kind != IPX_INT)
			goto bad_mask;
		if (set_mask(p, t0, pr, field_full(&pr->fld), pmask) < 0)
			return -EINVAL;
		break;
	}
	if (pr->type == IPX_HOST || pr->type == IPX_PORT || pr->type == IPX_ETHER) {
		if (!pr->srcdst)
			pr->srcdst = SD_OR;
	} else if (old_srcdst) {
		pwarn(p, t0, "'%s': 'src' or 'dst' ignored", type_name(pr));
	}
	return 0;
value_missing: {
	char buf[48];
	const struct ipx_tok *vt = cur(p);
	if (vt && ends_value(vt))
		vt = NULL;
	perr(p, vt ? vt : t0, "'%s': value missing (expected %s, got %s)", type_name(pr),
	     expected_value(pr->type), describe(vt, buf, sizeof(buf)));
	return -EINVAL;
}
bad_mask:
	perr(p, t0, "'%s': bad mask", type_name(pr));
	return -EINVAL;
value_unsupported:
	perr(p, t0, "'%s': takes no value", type_name(pr));
	return -EINVAL;
op_unsupported:
	perr(p, t0, "'%s': operator or mask not supported", type_name(pr));
	return -EINVAL;
}

/* ---- parsing ---------------------------------------------------------------------- */

static int parse_expr(struct parser *p);

/* "[POS]", "[POS:LEN]" or "[POS,POS2]" after the qualifiers. */
static int
parse_brackets(struct parser *p, struct prim *pr)
{
	const struct ipx_tok *open = cur(p);
	p->pos++;
	const struct ipx_tok *in = cur(p);
	const struct ipx_tok *close = peek(p, 1);
	char buf[40];
	if (!in || ipx_tok_is(in, "]")) {
		perr(p, in, "expected POS or POS:LEN after '[', got %s", describe(in, buf, sizeof(buf)));
		return -EINVAL;
	}
	uint32_t fpos = 0, len = 1;
	const char *colon = memchr(in->s, ':', in->len);
	bool ok;
	if (colon) {
		size_t n1 = (size_t)(colon - in->s);
		ok = ipx_parse_uint_n(in->s, n1, &fpos) &&
		     ipx_parse_uint_n(colon + 1, in->len - n1 - 1, &len);
	} else {
		ok = ipx_parse_uint(in, &fpos);
		if (ok && ipx_tok_is(close, ",")) { /* [POS,POS2] */
			const struct ipx_tok *second = peek(p, 2);
			uint32_t pos2;
			ok = second && ipx_parse_uint(second, &pos2) && pos2 >= fpos;
			len = ok ? pos2 - fpos + 1 : 0;
			p->pos += 2;
			close = peek(p, 1);
		}
	}
	if (!ok) {
		perr(p, in, "syntax error after '[', expected '[POS]' or '[POS:LEN]', got %s",
		     describe(in, buf, sizeof(buf)));
		return -EINVAL;
	}
	if (!ipx_tok_is(close, "]")) {
		perr(p, close ? close : NULL, "missing ']' to match the '[' at column %u",
		     (unsigned)open->col);
		return -EINVAL;
	}
	if (len < 1 || len > 4) {
		perr(p, in, "LEN in '[POS:LEN]' out of range, should be between 1 and 4");
		return -EINVAL;
	}
	if (fpos > WEIR_CLS_MAX_OFFSET - 3 || (fpos & ~3u) != ((fpos + len - 1) & ~3u)) {
		perr(p, in, "field [%u:%u] does not fit in a single word", fpos, len);
		return -EINVAL;
	}
	p->pos += 2;
	pr->type = IPX_FIELD;
	bool transp = pr->proto != IPX_PROTO_UNKNOWN;
	pr->fld = (struct ipx_field){
		.base = transp ? WEIR_CLS_BASE_TRANSPORT : WEIR_CLS_BASE_NETWORK,
		.word = (uint16_t)(fpos & ~3u),
		.shift = (uint8_t)(32 - 8 * ((fpos & 3) + len)),
		.nbits = (uint8_t)(8 * len),
		.proto = pr->proto,
		.name = transp ? "transp[...]" : "ip[...]",
	};
	return 0;
}

/* The data word of a primitive, if there is one; consumes it. */
static int
parse_data(struct parser *p, struct prim *pr, int header)
{
	const struct ipx_tok *t = cur(p);
	if (!t)
		return 0;
	char why[160];
	uint32_t v;
	int ltype = pr->type;
	if (ltype == IPX_FIELD &&
	    same_field(&pr->fld, &named_fields[IPX_F_ICMPTYPE - IPX_F_VERS]))
		ltype = IPX_F_ICMPTYPE;
	int k = ipx_lookup_data(t, ltype, pr->proto, &v, why, sizeof(why));
	if (k == IPX_AMBIGUOUS || k == IPX_MEANINGLESS) {
		perr(p, t, "'%.*s' is %s here; try %s", (int)t->len, t->s,
		     k == IPX_AMBIGUOUS ? "ambiguous" : "meaningless", why);
		return -EINVAL;
	}
	p->pos++;
	if (k == IPX_F_ICMPTYPE) {
		pr->data = IPX_FIELD;
		pr->dfld = named_fields[IPX_F_ICMPTYPE - IPX_F_VERS];
		pr->u = v;
	} else if (k != IPX_NONE) {
		pr->data = k;
		pr->u = v;
	} else if (ipx_parse_uint(t, &v)) {
		pr->data = IPX_INT;
		pr->u = v;
	} else if (header != 'e' && ipx_parse_ip(t, &pr->u)) {
		const struct ipx_tok *m = cur(p), *mv = peek(p, 1);
		if (ipx_tok_is(m, "mask") && mv && ipx_parse_ip(mv, &pr->mask)) {
			p->pos += 2;
			pr->data = IPX_NET;
		} else {
			pr->data = IPX_HOST;
			pr->mask = 0xFFFFFFFFu;
		}
	} else if (header != 'e' && ipx_parse_prefix(t, &pr->u, &pr->mask)) {
		pr->data = IPX_NET;
	} else if (header != 'i' && ipx_parse_ether(t, pr->eth)) {
		pr->data = IPX_ETHER;
	} else {
		p->pos--;
	}
	if (pr->data == IPX_NET)
		pr->u &= pr->mask;
	return 0;
}

/* The qualifier words; returns the header letter ('i', 'e' or 0). */
static int
parse_quals(struct parser *p, struct prim *pr, bool *negated)
{
	int header = 0;
	for (const struct ipx_tok *t; (t = cur(p)); p->pos++) {
		int type;
		uint32_t v;
		char why[160];
		if (ipx_type_word(t, &type)) {
			if (pr->type) {
				perr(p, t, "type specified twice ('%.*s' after '%s')", (int)t->len,
				     t->s, type_name(pr));
				return -EINVAL;
			}
			if (type >= IPX_F_VERS) {
				set_field_type(pr, type);
				if (pr->fld.proto != IPX_PROTO_UNKNOWN) {
					if (pr->proto != IPX_PROTO_UNKNOWN &&
					    pr->proto != pr->fld.proto) {
						perr(p, t, "transport protocol specified twice");
						return -EINVAL;
					}
					pr->proto = pr->fld.proto;
				}
			} else {
				pr->type = type;
			}
		} else if (!ipx_syntax_word(t) &&
			   ipx_lookup_data(t, 0, IPX_PROTO_UNKNOWN, &v, why, sizeof(why)) ==
				   IPX_PROTO) {
			if (pr->proto != IPX_PROTO_UNKNOWN && pr->proto != (int)v) {
				perr(p, t, "transport protocol specified twice");
				return -EINVAL;
			}
			pr->proto = (int)v;
		} else if (ipx_tok_is(t, "src")) {
			const struct ipx_tok *c = peek(p, 1), *d = peek(p, 2);
			int sd = SD_SRC;
			if (d && (ipx_tok_is(d, "dst") || ipx_tok_is(d, "dest"))) {
				if (ipx_tok_is(c, "and") || ipx_tok_is(c, "&&"))
					sd = SD_AND;
				else if (ipx_tok_is(c, "or") || ipx_tok_is(c, "||"))
					sd = SD_OR;
			}
			if (pr->srcdst) {
				perr(p, t, "'src' or 'dst' specified twice");
				return -EINVAL;
			}
			pr->srcdst = sd;
			if (sd != SD_SRC)
				p->pos += 2;
		} else if (ipx_tok_is(t, "dst") || ipx_tok_is(t, "dest")) {
			if (pr->srcdst) {
				perr(p, t, "'src' or 'dst' specified twice");
				return -EINVAL;
			}
			pr->srcdst = SD_DST;
		} else if (ipx_tok_is(t, "ip") || ipx_tok_is(t, "ether")) {
			if (header)
				break;
			header = t->s[0];
		} else if (ipx_tok_is(t, "not") || ipx_tok_is(t, "!")) {
			*negated = !*negated;
		} else {
			break;
		}
	}
	return header;
}

/* One primitive: QUALS [BRACKETS] [& MASK] [RELOP] [DATA]. */
static int
parse_test(struct parser *p, bool negated)
{
	const struct ipx_tok *t0 = cur(p);
	char buf[48];
	if (ipx_tok_is(t0, "true") || ipx_tok_is(t0, "false")) {
		p->pos++;
		return (ipx_tok_is(t0, "true") != negated) ? weir_cls_true(p->b)
							   : weir_cls_false(p->b);
	}
	int first = p->pos;
	struct prim pr;
	prim_clear(&pr);
	int header = parse_quals(p, &pr, &negated);
	if (header < 0)
		return header;
	if (p->pos != first)
		prim_clear(&p->prev);
	if (p->prev.data == IPX_ETHER && !header)
		header = 'e';
	if (at(p, "[") && p->pos > first && pr.type == IPX_NONE && parse_brackets(p, &pr) < 0)
		return -EINVAL;
	int mask_kind = 0;
	uint32_t pmask = 0;
	uint8_t pmask_eth[6] = { 0 };
	if (at(p, "&") && peek(p, 1)) {
		const struct ipx_tok *mt = peek(p, 1);
		if (ipx_parse_uint(mt, &pmask))
			mask_kind = IPX_INT;
		else if (header != 'e' && ipx_parse_ip(mt, &pmask))
			mask_kind = IPX_HOST;
		else if (header != 'i' && ipx_parse_ether(mt, pmask_eth))
			mask_kind = IPX_ETHER;
		if (!mask_kind) {
			perr(p, mt, "expected a mask after '&', got %s", describe(mt, buf, sizeof(buf)));
			return -EINVAL;
		}
		if (mask_kind != IPX_ETHER && !pmask) {
			perr(p, mt, "zero mask");
			return -EINVAL;
		}
		p->pos += 2;
	}
	const struct ipx_tok *opt = cur(p);
	int before_op = p->pos;
	if (ipx_tok_is(opt, "=") || ipx_tok_is(opt, "=="))
		p->pos++;
	else if (ipx_tok_is(opt, "!="))
		pr.op_neg = true, p->pos++;
	else if (ipx_tok_is(opt, ">"))
		pr.op = OP_GT, p->pos++;
	else if (ipx_tok_is(opt, "<"))
		pr.op = OP_LT, p->pos++;
	else if (ipx_tok_is(opt, ">="))
		pr.op = OP_LT, pr.op_neg = true, p->pos++;
	else if (ipx_tok_is(opt, "<="))
		pr.op = OP_GT, pr.op_neg = true, p->pos++;
	if (parse_data(p, &pr, header) < 0)
		return -EINVAL;
	if (p->pos > before_op && pr.data == IPX_NONE) {
		perr(p, cur(p), "expected a value after '%.*s', got %s", (int)opt->len, opt->s,
		     describe(cur(p), buf, sizeof(buf)));
		return -EINVAL;
	}
	if (p->pos == first) {
		perr(p, t0, "expected a primitive, got %s", describe(t0, buf, sizeof(buf)));
		return -EINVAL;
	}
	if (check_prim(p, t0, &pr, header, mask_kind, pmask, pmask_eth) < 0)
		return -EINVAL;
	p->prev = pr;
	int e = prim_expr(p, &pr);
	return negated ? not1(p->b, e) : e;
}

static bool
ends_term(const struct parser *p)
{
	const struct ipx_tok *t = cur(p);
	return !t || ipx_tok_is(t, ")") || ipx_tok_is(t, "||") || ipx_tok_is(t, "or") ||
	       ipx_tok_is(t, "?") || ipx_tok_is(t, ":");
}

static int
parse_factor(struct parser *p)
{
	char buf[48];
	bool negated = false;
	const struct ipx_tok *t = cur(p), *nt = NULL;
	while (ipx_tok_is(t, "not") || ipx_tok_is(t, "!")) { /* iterative: "not not ..." */
		negated = !negated;
		nt = t;
		p->pos++;
		t = cur(p);
	}
	if (nt && (ends_term(p) || at(p, "and") || at(p, "&&"))) {
		perr(p, t, "expected an expression after '%.*s', got %s", (int)nt->len, nt->s,
		     describe(t, buf, sizeof(buf)));
		return -EINVAL;
	}
	if (!ipx_tok_is(t, "("))
		return parse_test(p, negated);
	p->pos++;
	if (at(p, ")")) {
		perr(p, cur(p), "expected an expression after '('");
		return -EINVAL;
	}
	int e = parse_expr(p);
	if (e < 0)
		return e;
	if (!at(p, ")")) {
		perr(p, cur(p), "expected ')' to match the '(' at column %u, got %s",
		     (unsigned)t->col, describe(cur(p), buf, sizeof(buf)));
		return -EINVAL;
	}
	p->pos++;
	return negated ? not1(p->b, e) : e;
}

static int
parse_term(struct parser *p)
{
	char buf[48];
	if (ends_term(p) || at(p, "and") || at(p, "&&")) {
		perr(p, cur(p), "expected an expression, got %s", describe(cur(p), buf, sizeof(buf)));
		return -EINVAL;
	}
	int acc = parse_factor(p);
	while (acc >= 0 && !ends_term(p)) {
		const struct ipx_tok *t = cur(p);
		if (ipx_tok_is(t, "and") || ipx_tok_is(t, "&&")) {
			p->pos++;
			if (ends_term(p) || at(p, "and") || at(p, "&&")) {
				perr(p, cur(p), "expected an expression after '%.*s', got %s",
				     (int)t->len, t->s, describe(cur(p), buf, sizeof(buf)));
				return -EINVAL;
			}
		}
		acc = and2(p->b, acc, parse_factor(p));
	}
	return acc;
}

static int
parse_or(struct parser *p)
{
	int acc = parse_term(p);
	while (acc >= 0 && (at(p, "or") || at(p, "||"))) {
		const struct ipx_tok *t = cur(p);
		p->pos++;
		if (ends_term(p) || at(p, "and") || at(p, "&&")) {
			char buf[48];
			perr(p, cur(p), "expected an expression after '%.*s', got %s", (int)t->len,
			     t->s, describe(cur(p), buf, sizeof(buf)));
			return -EINVAL;
		}
		acc = or2(p->b, acc, parse_term(p));
	}
	return acc;
}

static int
parse_expr(struct parser *p)
{
	if (++p->depth > MAX_NEST) {
		perr(p, cur(p), "expression nested too deeply (more than %d levels)", MAX_NEST);
		p->depth--;
		return -EINVAL;
	}
	int c = parse_or(p);
	if (c >= 0 && at(p, "?")) {
		const struct ipx_tok *q = cur(p);
		char buf[48];
		p->pos++;
		int y = parse_expr(p);
		if (y >= 0 && !at(p, ":")) {
			perr(p, cur(p), "expected ':' for the '?' at column %u, got %s", (unsigned)q->col,
			     describe(cur(p), buf, sizeof(buf)));
			y = -EINVAL;
		}
		if (y >= 0)
			p->pos++;
		int z = y >= 0 ? parse_expr(p) : y;
		struct weir_cls_builder *b = p->b;
		c = or2(b, and2(b, c, y), and2(b, not1(b, c), z));
	}
	p->depth--;
	return c;
}

/* ---- entry points --------------------------------------------------------------------- */

/* Parse tokens [first, n) of a tokenized pattern; an empty range, "-",
 * "any" or "all" match everything. */
static int
parse_tokens(struct weir_cls_builder *b, const char *text, const struct ipx_tok *t, int n,
	     int first, int pat, struct weir_errh *errh)
{
	struct parser p = { .b = b, .errh = errh, .pat = pat, .text = text, .t = t, .n = n,
			    .pos = first };
	prim_clear(&p.prev);
	if (n == first)
		return weir_cls_true(b);
	if (n == first + 1 && (ipx_tok_is(&t[first], "-") || ipx_tok_is(&t[first], "any") ||
			       ipx_tok_is(&t[first], "all")))
		return weir_cls_true(b);
	int e = parse_expr(&p);
	if (e >= 0 && p.pos < n) {
		char buf[48];
		perr(&p, cur(&p), "garbage after expression at %s", describe(cur(&p), buf, sizeof(buf)));
		return -EINVAL;
	}
	if (p.failed)
		return -EINVAL;
	if (e < 0 && e != -EINVAL)
		return weir_error(errh, "pattern %d: too complex", pat);
	return e;
}

int
weir_cls_parse_ip(struct weir_cls_builder *b, const char *text, int pattern,
		  struct weir_errh *errh)
{
	struct ipx_tok *t;
	int n;
	if (ipx_tokenize(text, &t, &n) < 0)
		return weir_error(errh, "out of memory");
	int e = parse_tokens(b, text, t, n, 0, pattern, errh);
	free(t);
	return e;
}

/* IPFilter's ACTION word: the port (WEIR_CLS_DROP for drop/deny), or -EINVAL. */
static int
parse_action(const struct ipx_tok *t, int pat, int noutputs, struct weir_errh *errh)
{
	uint32_t slot;
	if (ipx_tok_is(t, "allow")) {
		if (noutputs == 0)
			return weir_error(errh, "pattern %d: column 1: 'allow' is meaningless, "
						"element has zero outputs", pat);
		return 0;
	}
	if (ipx_tok_is(t, "deny")) {
		if (noutputs > 1)
			weir_warning(errh, "pattern %d: column 1: meaning of 'deny' has changed "
					   "(now it means 'drop')", pat);
		return WEIR_CLS_DROP;
	}
	if (ipx_tok_is(t, "drop"))
		return WEIR_CLS_DROP;
	if (ipx_parse_uint(t, &slot)) {
		if ((int64_t)slot >= noutputs)
			return weir_error(errh, "pattern %d: column %u: slot '%u' out of range "
						"(element has %d outputs)", pat, (unsigned)t->col,
					  slot, noutputs);
		return (int)slot;
	}
	return weir_error(errh, "pattern %d: column %u: unknown slot ID '%.*s' (expected "
				"allow, deny, drop or an output number)", pat, (unsigned)t->col,
			  (int)WEIR_MIN(t->len, 40u), t->s);
}

/* One rule of IPClassifier (actions false: port = index) or IPFilter. */
static int
parse_rule(struct weir_cls_builder *b, const char *text, int idx, bool actions, int noutputs,
	   struct weir_cls_rule *rule, struct weir_errh *errh)
{
	struct ipx_tok *t;
	int n;
	if (ipx_tokenize(text, &t, &n) < 0)
		return weir_error(errh, "out of memory");
	int r = 0, first = 0;
	rule->port = (uint8_t)idx;
	if (actions) {
		if (n == 0) {
			r = weir_error(errh, "empty pattern %d", idx);
			goto out;
		}
		r = parse_action(&t[0], idx, noutputs, errh);
		if (r < 0)
			goto out;
		rule->port = (uint8_t)r;
		first = 1;
	}
	r = parse_tokens(b, text, t, n, first, idx, errh);
	rule->expr = r;
out:
	free(t);
	return r < 0 ? r : 0;
}

int
weir_cls_compile_ip(int nrules, char *const *rules, bool actions, int noutputs,
		    struct weir_cls_program **out, struct weir_errh *errh)
{
	*out = NULL;
	if (nrules > WEIR_CLS_DROP || noutputs > WEIR_CLS_DROP)
		return weir_error(errh, "too many patterns or outputs (at most %d)", WEIR_CLS_DROP);
	struct weir_cls_builder *b = weir_cls_builder_new();
	struct weir_cls_rule *rl = calloc((size_t)nrules + 1, sizeof(*rl));
	bool *reachable = calloc((size_t)nrules + 1, sizeof(*reachable));
	int r = 0;
	if (!b || !rl || !reachable) {
		r = weir_error(errh, "out of memory");
		goto out;
	}
	for (int i = 0; i < nrules; i++) {
		int e = parse_rule(b, rules[i], i, actions, noutputs, &rl[i], errh);
		if (e < 0)
			r = e; /* keep going: report every bad pattern */
	}
	if (r < 0)
		goto out;
	r = weir_cls_compile(b, rl, nrules, WEIR_CLS_DROP, reachable, out, errh);
	if (r == 0)
		for (int i = 0; i < nrules; i++)
			if (!reachable[i])
				weir_warning(errh, "pattern %d can never match", i);
out:
	weir_cls_builder_free(b);
	free(rl);
	free(reachable);
	return r;
}
