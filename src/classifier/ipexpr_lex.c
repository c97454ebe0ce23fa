/* ipexpr_lex.c - IPClassifier expression words: tokenizer, names, numbers, addresses. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "ipexpr_priv.h"

/*
 * Words are split the way Click's IPFilter splits them: runs of letters,
 * digits and "-._/@:" form one word ("10.0.0.0/8", "echo-reply", "2:2",
 * "00:11:22:33:44:55"); "&&", "||", "==", "!=", "<=", ">=" and the single
 * characters "&|<>!=()[],;?" are words of their own. So the colon of "?:"
 * must be surrounded by spaces, as Click documents.
 */

static bool
word_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '.' || c == '/' || c == '@' ||
	       c == '_' || c == ':';
}

int
ipx_tokenize(const char *text, struct ipx_tok **out, int *nout)
{
	size_t len = strlen(text);
	struct ipx_tok *t = calloc(len + 1, sizeof(*t));
	int n = 0;
	if (!t)
		return -ENOMEM;
	size_t pos = 0;
	while (pos < len) {
		while (pos < len && isspace((unsigned char)text[pos]))
			pos++;
		if (pos >= len)
			break;
		size_t first = pos;
		char c = text[pos];
		if ((c == '&' || c == '|') && text[pos + 1] == c)
			pos += 2;
		else if ((c == '<' || c == '>' || c == '!' || c == '=') && text[pos + 1] == '=')
			pos += 2;
		else if (!word_char(c))
			pos++;
		else
			while (pos < len && word_char(text[pos]))
				pos++;
		t[n].s = text + first;
		t[n].len = (uint32_t)(pos - first);
		t[n].col = (uint32_t)first + 1;
		n++;
	}
	*out = t;
	*nout = n;
	return 0;
}

bool
ipx_tok_is(const struct ipx_tok *t, const char *w)
{
	size_t n = strlen(w);
	return t && t->len == n && memcmp(t->s, w, n) == 0;
}

/* ---- names ------------------------------------------------------------------ */

struct name_val {
	const char *name;
	uint32_t val;
};

static const struct name_val proto_names[] = {
	{ "icmp", 1 },   { "igmp", 2 },   { "ipip", 4 },
	{ "tcp", 6 },    { "udp", 17 },   { "tcpudp", IPX_PROTO_TCPUDP },
	{ "transp", IPX_PROTO_TRANSP },
};

/* TCP and UDP service names (Click's table). */
static const struct name_val tcp_port_names[] = {
	{ "echo", 7 },         { "discard", 9 },      { "daytime", 13 },   { "chargen", 19 },
	{ "ftp-data", 20 },    { "ftp", 21 },         { "ssh", 22 },       { "telnet", 23 },
	{ "smtp", 25 },        { "domain", 53 },      { "dns", 53 },       { "finger", 79 },
	{ "www", 80 },         { "http", 80 },        { "pop3", 110 },     { "sunrpc", 111 },
	{ "auth", 113 },       { "nntp", 119 },       { "netbios-ns", 137 }, { "netbios-dgm", 138 },
	{ "netbios-ssn", 139 }, { "irc", 194 },       { "imap3", 220 },    { "https", 443 },
	{ "imaps", 993 },      { "pop3s", 995 },
};

static const struct name_val udp_port_names[] = {
	{ "echo", 7 },         { "discard", 9 },      { "daytime", 13 },   { "chargen", 19 },
	{ "domain", 53 },      { "dns", 53 },         { "bootps", 67 },    { "bootpc", 68 },
	{ "tftp", 69 },        { "www", 80 },         { "http", 80 },      { "sunrpc", 111 },
	{ "ntp", 123 },        { "netbios-ns", 137 }, { "netbios-dgm", 138 }, { "netbios-ssn", 139 },
	{ "snmp", 161 },       { "snmp-trap", 162 },  { "https", 443 },    { "rip", 520 },
	{ "route", 520 },
};

static const struct name_val tcpopt_names[] = {
	{ "fin", 0x01 }, { "syn", 0x02 }, { "rst", 0x04 },
	{ "psh", 0x08 }, { "ack", 0x10 }, { "urg", 0x20 },
};

static const struct name_val icmp_type_names[] = {
	{ "echo-reply", 0 },       { "unreachable", 3 },      { "sourcequench", 4 },
	{ "redirect", 5 },         { "echo", 8 },             { "routeradvert", 9 },
	{ "routersolicit", 10 },   { "timeexceeded", 11 },    { "parameterproblem", 12 },
	{ "timestamp", 13 },       { "timestamp-reply", 14 }, { "inforeq", 15 },
	{ "inforeq-reply", 16 },   { "maskreq", 17 },         { "maskreq-reply", 18 },
};

/* Qualifier words that name a primitive's type. */
static const struct name_val type_names[] = {
	{ "ce", IPX_CE },       { "dscp", IPX_F_DSCP },   { "ect", IPX_ECT },
	{ "frag", IPX_FRAG },   { "hl", IPX_F_HL },       { "host", IPX_HOST },
	{ "id", IPX_F_ID },     { "len", IPX_F_LEN },     { "net", IPX_NET },
	{ "opt", IPX_TCPOPT },  { "port", IPX_PORT },     { "proto", IPX_PROTO },
	{ "tos", IPX_F_TOS },   { "ttl", IPX_F_TTL },     { "type", IPX_F_ICMPTYPE },
	{ "unfrag", IPX_UNFRAG }, { "vers", IPX_F_VERS }, { "win", IPX_F_WIN },
};

static const char *const syntax_words[] = { "dest", "dst", "ether", "ip", "not", "src" };

static bool
find_name(const struct name_val *tab, size_t n, const struct ipx_tok *t, uint32_t *val)
{
	for (size_t i = 0; i < n; i++)
		if (ipx_tok_is(t, tab[i].name)) {
			*val = tab[i].val;
			return true;
		}
	return false;
}

#define FIND(tab, t, v) find_name(tab, sizeof(tab) / sizeof(tab[0]), t, v)

bool
ipx_type_word(const struct ipx_tok *t, int *type)
{
	uint32_t v;
	if (!FIND(type_names, t, &v))
		return false;
	*type = (int)v;
	return true;
}

bool
ipx_syntax_word(const struct ipx_tok *t)
{
	for (size_t i = 0; i < sizeof(syntax_words) / sizeof(syntax_words[0]); i++)
		if (ipx_tok_is(t, syntax_words[i]))
			return true;
	return false;
}

static const char *
kind_name(int kind)
{
	switch (kind) {
	case IPX_PROTO: return "proto";
	case IPX_PORT: return "port";
	case IPX_TCPOPT: return "tcp opt";
	default: return "icmp type";
	}
}

int
ipx_lookup_data(const struct ipx_tok *t, int type, int proto, uint32_t *val, char *why,
		size_t whysz)
{
	static const int kinds[5] = { IPX_PROTO, IPX_PORT, IPX_PORT, IPX_TCPOPT,
				      IPX_F_ICMPTYPE };
	bool got[5];
	uint32_t v[5] = { 0, 0, 0, 0, 0 };
	got[0] = FIND(proto_names, t, &v[0]);
	got[1] = FIND(tcp_port_names, t, &v[1]);
	got[2] = FIND(udp_port_names, t, &v[2]);
	got[3] = FIND(tcpopt_names, t, &v[3]);
	got[4] = FIND(icmp_type_names, t, &v[4]);
	if (!got[0] && !got[1] && !got[2] && !got[3] && !got[4])
		return IPX_NONE;
	bool unk = proto == IPX_PROTO_UNKNOWN, tu = proto == IPX_PROTO_TCPUDP;
	bool ok[5];
	ok[0] = got[0] && (type == 0 || type == IPX_PROTO);
	ok[1] = got[1] && (type == 0 || type == IPX_PORT) && (unk || tu || proto == 6);
	ok[2] = got[2] && (type == 0 || type == IPX_PORT) && (unk || tu || proto == 17);
	ok[3] = got[3] && (type == 0 || type == IPX_TCPOPT) && (unk || tu || proto == 6);
	ok[4] = got[4] && (type == 0 || type == IPX_F_ICMPTYPE) && (unk || proto == 1);
	if (ok[1] && ok[2] && v[1] == v[2])
		ok[2] = false;
	int nok = ok[0] + ok[1] + ok[2] + ok[3] + ok[4];
	if (nok == 1)
		for (int i = 0; i < 5; i++)
			if (ok[i]) {
				*val = v[i];
				return kinds[i];
			}
	size_t used = 0;
	why[0] = 0;
	for (int i = 0; i < 5; i++) {
		if (!got[i] || (i == 2 && got[1] && v[1] == v[2]))
			continue;
		int w = snprintf(why + used, whysz - used, "%s'%s %.*s'", used ? ", " : "",
				 kind_name(kinds[i]), (int)t->len, t->s);
		if (w < 0 || (size_t)w >= whysz - used)
			break;
		used += (size_t)w;
	}
	return nok > 1 ? IPX_AMBIGUOUS : IPX_MEANINGLESS;
}

/* ---- numbers and addresses ---------------------------------------------------- */

/* Copy a token into a NUL-terminated buffer; false when too long. */
static bool
tok_str(const struct ipx_tok *t, char *buf, size_t sz)
{
	if (t->len + 1 > sz)
		return false;
	memcpy(buf, t->s, t->len);
	buf[t->len] = 0;
	return true;
}

bool
ipx_parse_uint_n(const char *s, size_t n, uint32_t *v)
{
	char buf[24];
	if (n == 0 || n >= sizeof(buf) || !isdigit((unsigned char)s[0]))
		return false;
	memcpy(buf, s, n);
	buf[n] = 0;
	char *end;
	errno = 0;
	unsigned long long x = strtoull(buf, &end, 0);
	if (*end || errno || x > 0xFFFFFFFFull)
		return false;
	*v = (uint32_t)x;
	return true;
}

bool
ipx_parse_uint(const struct ipx_tok *t, uint32_t *v)
{
	return ipx_parse_uint_n(t->s, t->len, v);
}

/* Dotted quad with 1-4 parts (want4: exactly 4); host-order result. */
static bool
parse_dotted(const char *s, bool want4, uint32_t *addr)
{
	uint32_t a = 0;
	int parts = 0;
	while (1) {
		if (!isdigit((unsigned char)*s))
			return false;
		unsigned v = 0;
		int nd = 0;
		while (isdigit((unsigned char)*s)) {
			v = v * 10 + (unsigned)(*s++ - '0');
			if (++nd > 3 || v > 255)
				return false;
		}
		a |= v << (24 - 8 * parts);
		parts++;
		if (*s == 0)
			break;
		if (*s != '.' || parts == 4)
			return false;
		s++;
	}
	if (want4 && parts != 4)
		return false;
	*addr = a;
	return true;
}

bool
ipx_parse_ip(const struct ipx_tok *t, uint32_t *addr)
{
	char buf[32];
	return tok_str(t, buf, sizeof(buf)) && parse_dotted(buf, true, addr);
}

bool
ipx_parse_prefix(const struct ipx_tok *t, uint32_t *addr, uint32_t *mask)
{
	char buf[48];
	if (!tok_str(t, buf, sizeof(buf)))
		return false;
	char *slash = strchr(buf, '/');
	if (!slash) {
		*mask = 0xFFFFFFFFu;
		return parse_dotted(buf, true, addr);
	}
	*slash = 0;
	if (!parse_dotted(buf, false, addr))
		return false;
	const char *m = slash + 1;
	if (strchr(m, '.'))
		return parse_dotted(m, true, mask);
	uint32_t bits;
	if (!ipx_parse_uint_n(m, strlen(m), &bits) || bits > 32)
		return false;
	*mask = bits ? 0xFFFFFFFFu << (32 - bits) : 0;
	return true;
}

bool
ipx_parse_ether(const struct ipx_tok *t, uint8_t mac[6])
{
	if (t->len != 17)
		return false;
	for (int i = 0; i < 6; i++) {
		const char *p = t->s + 3 * i;
		if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1]))
			return false;
		if (i < 5 && p[2] != ':' && p[2] != '-')
			return false;
		char h[3] = { p[0], p[1], 0 };
		mac[i] = (uint8_t)strtoul(h, NULL, 16);
	}
	return true;
}
