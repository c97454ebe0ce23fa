/* icmperror.c - ICMPError: builds an ICMP error message about each input packet. */
/*
 * =c
 * ICMPError(SRC, TYPE [, CODE, BADADDRS, I<keywords> MTU, PMTU, SET_FIX_ANNO])
 *
 * =s icmp
 * generates ICMP error packets
 *
 * =d
 * Input packets are IP packets with the IP header annotation set. For each
 * input packet, ICMPError emits an ICMP error message of TYPE and CODE from
 * source address SRC to the input's source address, and kills the input.
 * TYPE is a number or a name (unreachable, sourcequench, redirect,
 * timeexceeded, parameterproblem) and must be an error type; CODE is a
 * number or a name for that type (unreachable: net, host, protocol, port,
 * needfrag, srcroutefail, netunknown, hostunknown, isolated, netprohibited,
 * hostprohibited, tosnet, toshost, filterprohibited, hostprecedence,
 * precedencecutoff; redirect: net, host, tosnet, toshost; timeexceeded:
 * transit, reassembly; parameterproblem: erroratptr, missingopt, length).
 * Default CODE is 0.
 *
 * The output is an IP packet (no link header): a 20-byte IP header (TOS 0,
 * TTL 200, an IP ID counting up from 1 across all ICMPErrors, no fragment
 * flags), plus the reversed source route when the input carried a valid
 * loose or strict source route option; the 8-byte ICMP header; and as much
 * of the input, from its IP header on, as fits in MTU bytes (Click's rule:
 * with the default MTU of 576, a small datagram is quoted whole). The
 * parameter problem pointer comes from the input's ICMP_PARAMPROB
 * annotation (code erroratptr), a redirect's gateway from its destination IP
 * annotation, and a needfrag's next-hop MTU from PMTU. The output's
 * destination IP annotation is its destination address, its timestamp is
 * now, and with SET_FIX_ANNO its FIX_IP_SRC annotation is set.
 *
 * As RFC 1812 requires, no error is made (the input is just dropped) for an
 * ICMP error message, a packet to a broadcast or multicast address (or one
 * of BADADDRS) or received as a link-level broadcast or multicast (packet
 * type annotation), a packet from an invalid source (0.0.0.0/8,
 * 127.0.0.0/8, multicast, class E, broadcast, BADADDRS), a fragment other
 * than the first, a redirect for a source-routed packet, or a packet whose
 * IP header is not in the packet.
 *
 * Keyword arguments are:
 *   SRC           IP address. Source of the errors. Mandatory.
 *   TYPE          ICMP error type (number or name). Mandatory.
 *   CODE          ICMP code (number or name). Default 0.
 *   BADADDRS      Space-separated IP addresses (e.g. local broadcast
 *                 addresses) never to send to or about. Default none.
 *   MTU           Unsigned. Largest error packet made, in bytes (at least
 *                 the headers are always made). Default 576.
 *   PMTU          Unsigned. Next-hop MTU of unreachable/needfrag errors.
 *                 Default 0.
 *   SET_FIX_ANNO  Boolean. Set the FIX_IP_SRC annotation. Default true.
 *
 * =h src read/write
 * =h mtu read/write
 * =h pmtu read/write
 * The SRC, MTU and PMTU values.
 *
 * =e
 *   dt :: DecIPTTL; dt[1] -> ICMPError(10.0.0.1, timeexceeded) -> ...
 *   ICMPError(18.26.4.24, unreachable, needfrag, PMTU 1400)
 *
 * =a DecIPTTL, IPFragmenter, ICMPPingResponder, FixIPSrc
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/task.h"
#include "../tcpudp/l4_priv.h"

static const char icmperror_doc[] =
	"ICMPError(SRC, TYPE [, CODE, BADADDRS, KEYWORDS MTU, PMTU, SET_FIX_ANNO])\n"
	"\n"
	"Generates ICMP error packets.\n"
	"\n"
	"Input packets are IP packets with the IP header annotation set. For each\n"
	"input packet, ICMPError emits an ICMP error message of TYPE and CODE from\n"
	"source address SRC to the input's source address, and kills the input.\n"
	"TYPE is a number or a name (unreachable, sourcequench, redirect,\n"
	"timeexceeded, parameterproblem) and must be an error type; CODE is a\n"
	"number or a name for that type (unreachable: net, host, protocol, port,\n"
	"needfrag, srcroutefail, netunknown, hostunknown, isolated, netprohibited,\n"
	"hostprohibited, tosnet, toshost, filterprohibited, hostprecedence,\n"
	"precedencecutoff; redirect: net, host, tosnet, toshost; timeexceeded:\n"
	"transit, reassembly; parameterproblem: erroratptr, missingopt, length).\n"
	"Default CODE is 0.\n"
	"\n"
	"The output is an IP packet (no link header): a 20-byte IP header (TOS 0,\n"
	"TTL 200, an IP ID counting up from 1 across all ICMPErrors, no fragment\n"
	"flags), plus the reversed source route when the input carried a valid\n"
	"loose or strict source route option; the 8-byte ICMP header; and as much\n"
	"of the input, from its IP header on, as fits in MTU bytes (Click's rule:\n"
	"with the default MTU of 576, a small datagram is quoted whole). The\n"
	"parameter problem pointer comes from the input's ICMP_PARAMPROB\n"
	"annotation (code erroratptr), a redirect's gateway from its destination IP\n"
	"annotation, and a needfrag's next-hop MTU from PMTU. The output's\n"
	"destination IP annotation is its destination address, its timestamp is\n"
	"now, and with SET_FIX_ANNO its FIX_IP_SRC annotation is set.\n"
	"\n"
	"As RFC 1812 requires, no error is made (the input is just dropped) for an\n"
	"ICMP error message, a packet to a broadcast or multicast address (or one\n"
	"of BADADDRS) or received as a link-level broadcast or multicast (packet\n"
	"type annotation), a packet from an invalid source (0.0.0.0/8,\n"
	"127.0.0.0/8, multicast, class E, broadcast, BADADDRS), a fragment other\n"
	"than the first, a redirect for a source-routed packet, or a packet whose\n"
	"IP header is not in the packet.\n"
	"\n"
	"Keyword arguments are:\n"
	"  SRC           IP address. Source of the errors. Mandatory.\n"
	"  TYPE          ICMP error type (number or name). Mandatory.\n"
	"  CODE          ICMP code (number or name). Default 0.\n"
	"  BADADDRS      Space-separated IP addresses (e.g. local broadcast\n"
	"                addresses) never to send to or about. Default none.\n"
	"  MTU           Unsigned. Largest error packet made, in bytes (at least\n"
	"                the headers are always made). Default 576.\n"
	"  PMTU          Unsigned. Next-hop MTU of unreachable/needfrag errors.\n"
	"                Default 0.\n"
	"  SET_FIX_ANNO  Boolean. Set the FIX_IP_SRC annotation. Default true.\n"
	"\n"
	"Handlers:\n"
	"  src (read/write), mtu (read/write), pmtu (read/write)\n"
	"                the SRC, MTU and PMTU values\n"
	"\n"
	"Examples:\n"
	"  dt :: DecIPTTL; dt[1] -> ICMPError(10.0.0.1, timeexceeded) -> ...\n"
	"  ICMPError(18.26.4.24, unreachable, needfrag, PMTU 1400)\n"
	"\n"
	"See also: DecIPTTL, IPFragmenter, ICMPPingResponder, FixIPSrc.\n";

#define ICMPERROR_MAX_BADADDRS 64
#define ICMP_UNREACH_NEEDFRAG 4
#define ICMP_PARAMPROB_ERRATPTR 0
#define ICMPERROR_TTL 200

struct icmperror {
	uint32_t src;        /* network order */
	char *type_str;
	char *code_str;
	char *badaddrs_str;
	uint32_t mtu;
	uint32_t pmtu;
	bool set_fix_anno;
	uint8_t type;
	uint8_t code;
	unsigned nbad;
	uint32_t bad[ICMPERROR_MAX_BADADDRS];
};

struct icmperror_pt {
	uint64_t errors;
	uint64_t ignored;
};

/* IP IDs of error packets, shared by every ICMPError as in Click. */
static uint16_t icmperror_next_id = 1;

static const struct weir_arg icmperror_args[] = {
	{ "SRC", WEIR_ARG_IP4, offsetof(struct icmperror, src),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "source address of the errors" },
	{ "TYPE", WEIR_ARG_WORD, offsetof(struct icmperror, type_str),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "ICMP error type" },
	{ "CODE", WEIR_ARG_WORD, offsetof(struct icmperror, code_str), WEIR_ARGF_POSITIONAL,
	  .def = "0", .help = "ICMP code" },
	{ "BADADDRS", WEIR_ARG_STRING, offsetof(struct icmperror, badaddrs_str),
	  WEIR_ARGF_POSITIONAL, .help = "addresses never answered" },
	{ "MTU", WEIR_ARG_UINT, offsetof(struct icmperror, mtu), 0, .def = "576",
	  .help = "largest error packet" },
	{ "PMTU", WEIR_ARG_UINT, offsetof(struct icmperror, pmtu), 0, .def = "0",
	  .help = "next-hop MTU for needfrag" },
	{ "SET_FIX_ANNO", WEIR_ARG_BOOL, offsetof(struct icmperror, set_fix_anno), 0,
	  .def = "true", .help = "set the FIX_IP_SRC annotation" },
	WEIR_ARG_END
};

struct icmperror_name {
	const char *name;
	uint8_t value;
};

/* Click's IPNameInfo tables. */
static const struct icmperror_name icmperror_types[] = {
	{ "echo-reply", 0 }, { "unreachable", 3 }, { "sourcequench", 4 }, { "redirect", 5 },
	{ "echo", 8 }, { "routeradvert", 9 }, { "routersolicit", 10 }, { "timeexceeded", 11 },
	{ "parameterproblem", 12 }, { "timestamp", 13 }, { "timestamp-reply", 14 },
	{ "inforeq", 15 }, { "inforeq-reply", 16 }, { "maskreq", 17 }, { "maskreq-reply", 18 },
	{ NULL, 0 }
};
static const struct icmperror_name icmperror_unreach_codes[] = {
	{ "net", 0 }, { "host", 1 }, { "protocol", 2 }, { "port", 3 }, { "needfrag", 4 },
	{ "srcroutefail", 5 }, { "netunknown", 6 }, { "hostunknown", 7 }, { "isolated", 8 },
	{ "netprohibited", 9 }, { "hostprohibited", 10 }, { "tosnet", 11 }, { "toshost", 12 },
	{ "filterprohibited", 13 }, { "hostprecedence", 14 }, { "precedencecutoff", 15 },
	{ NULL, 0 }
};
static const struct icmperror_name icmperror_redirect_codes[] = {
	{ "net", 0 }, { "host", 1 }, { "tosnet", 2 }, { "toshost", 3 }, { NULL, 0 }
};
static const struct icmperror_name icmperror_timxceed_codes[] = {
	{ "transit", 0 }, { "reassembly", 1 }, { NULL, 0 }
};
static const struct icmperror_name icmperror_paramprob_codes[] = {
	{ "erroratptr", 0 }, { "missingopt", 1 }, { "length", 2 }, { NULL, 0 }
};

static bool
icmperror_is_error_type(unsigned type)
{
	return type == WEIR_ICMP_UNREACH || type == WEIR_ICMP_SOURCEQUENCH ||
	       type == WEIR_ICMP_REDIRECT || type == WEIR_ICMP_TIMXCEED ||
	       type == WEIR_ICMP_PARAMPROB;
}

/* A number 0-255 or a name from the table; returns 0 or -EINVAL. */
static int
icmperror_lookup(const char *s, const struct icmperror_name *table, uint8_t *out)
{
	uint32_t v;

	if (weir_parse_uint(s, &v) == 0) {
		if (v > 255)
			return -EINVAL;
		*out = (uint8_t)v;
		return 0;
	}
	for (; table && table->name; table++)
		if (strcasecmp(s, table->name) == 0) {
			*out = table->value;
			return 0;
		}
	return -EINVAL;
}

static const struct icmperror_name *
icmperror_code_table(uint8_t type)
{
	switch (type) {
	case WEIR_ICMP_UNREACH:
		return icmperror_unreach_codes;
	case WEIR_ICMP_REDIRECT:
		return icmperror_redirect_codes;
	case WEIR_ICMP_TIMXCEED:
		return icmperror_timxceed_codes;
	case WEIR_ICMP_PARAMPROB:
		return icmperror_paramprob_codes;
	default:
		return NULL;
	}
}

static int
icmperror_parse_badaddrs(struct icmperror *ie, struct weir_errh *errh)
{
	char **words = NULL;
	int n;

	ie->nbad = 0;
	if (!ie->badaddrs_str)
		return 0;
	n = weir_split_words(ie->badaddrs_str, &words);
	if (n < 0)
		return weir_error(errh, "BADADDRS: out of memory");
	if (n > ICMPERROR_MAX_BADADDRS) {
		weir_words_free(words, n);
		return weir_error(errh, "BADADDRS: at most %d addresses", ICMPERROR_MAX_BADADDRS);
	}
	for (int i = 0; i < n; i++) {
		if (weir_parse_ip4(words[i], &ie->bad[i]) < 0) {
			int r = weir_error(errh, "BADADDRS: expected IP address, got '%s'", words[i]);
			weir_words_free(words, n);
			return r;
		}
	}
	ie->nbad = (unsigned)n;
	weir_words_free(words, n);
	return 0;
}

static int
icmperror_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct icmperror *ie = e->priv;

	if (icmperror_lookup(ie->type_str, icmperror_types, &ie->type) < 0)
		return weir_error(errh, "TYPE: expected ICMP type (0-255 or name), got '%s'",
				  ie->type_str);
	if (!icmperror_is_error_type(ie->type))
		return weir_error(errh, "TYPE: ICMP type %u is not an error type", ie->type);
	if (icmperror_lookup(ie->code_str, icmperror_code_table(ie->type), &ie->code) < 0)
		return weir_error(errh, "CODE: expected ICMP code (0-255 or name), got '%s'",
				  ie->code_str);
	return icmperror_parse_badaddrs(ie, errh);
}

static bool
icmperror_unicast(const struct icmperror *ie, uint32_t a)
{
	uint32_t ha = ntohl(a);

	if (ha == 0xFFFFFFFFu || (ha & 0xF0000000u) == 0xE0000000u)
		return false;
	for (unsigned i = 0; i < ie->nbad; i++)
		if (ie->bad[i] == a)
			return false;
	return true;
}

/* RFC 1812 5.3.7: a source an error may be sent to. */
static bool
icmperror_valid_source(const struct icmperror *ie, uint32_t a)
{
	unsigned net = ntohl(a) >> 24;

	return icmperror_unicast(ie, a) && net != 0 && net != 127 && (net & 0xF0) != 0xF0;
}

/* The input's loose/strict source route option, or NULL (hlen bytes are readable). */
static const uint8_t *
icmperror_source_route(const struct weir_ip_hdr *ip, unsigned hlen)
{
	const uint8_t *oa = (const uint8_t *)ip;

	for (unsigned oi = WEIR_IP_HDR_LEN; oi < hlen;) {
		unsigned type = oa[oi];
		if (type == L4_IPOPT_NOP) {
			oi++;
			continue;
		}
		if (type == L4_IPOPT_EOL || oi + 1 >= hlen)
			return NULL;
		unsigned xlen = oa[oi + 1];
		if (xlen < 2 || oi + xlen > hlen)
			return NULL;
		if ((type == L4_IPOPT_LSRR || type == L4_IPOPT_SSRR) && oi + 2 < hlen &&
		    oa[oi + 2] >= 4 && oa[oi + 2] % 4 == 0 && oa[oi + 2] <= xlen + 1)
			return oa + oi;
		oi += xlen;
	}
	return NULL;
}

/* Writes the reversed source route after nip; returns the option bytes (padded). */
static unsigned
icmperror_reverse_route(uint8_t *o, const uint8_t *sr)
{
	unsigned olen = sr[2] - 1u;

	o[0] = sr[0];
	o[1] = (uint8_t)olen;
	o[2] = 4;
	o[olen] = L4_IPOPT_EOL;
	uint8_t *w = o + 3;
	for (const uint8_t *r = sr + sr[2] - 5; r >= sr + 3; r -= 4, w += 4)
		memcpy(w, r, 4);
	return ((WEIR_IP_HDR_LEN + olen + 3) & ~3u) - WEIR_IP_HDR_LEN;
}

/* The error message about p, or NULL when none is due (p is not consumed). */
static struct weir_packet *
icmperror_make(const struct icmperror *ie, const struct weir_packet *p, int64_t now)
{
	uint32_t avail;
	const struct weir_ip_hdr *ip = l4_ip_header(p, &avail);

	if (!ip || avail < WEIR_IP_HDR_LEN)
		return NULL;
	unsigned hlen = weir_ip_hlen(ip);
	if (hlen < WEIR_IP_HDR_LEN || avail < hlen)
		return NULL;
	/* RFC 1812 4.3.2.7: never about an ICMP error */
	if (ip->p == WEIR_IPPROTO_ICMP &&
	    (avail < hlen + 4 || icmperror_is_error_type(((const uint8_t *)ip)[hlen])))
		return NULL;
	if (!icmperror_unicast(ie, ip->dst) || p->packet_type == WEIR_PKT_BROADCAST ||
	    p->packet_type == WEIR_PKT_MULTICAST || !icmperror_valid_source(ie, ip->src) ||
	    !weir_ip_is_first_fragment(ip))
		return NULL;

	const uint8_t *sr = icmperror_source_route(ip, hlen);
	uint8_t pp = weir_anno_u8(p, WEIR_ICMP_PARAMPROB_ANNO_OFFSET);
	if (sr) {
		if (ie->type == WEIR_ICMP_REDIRECT)
			return NULL; /* 5.2.7.2 */
		/* 4.3.2.6: ignore a source route the parameter problem is about */
		if (ie->type == WEIR_ICMP_PARAMPROB && ie->code == ICMP_PARAMPROB_ERRATPTR &&
		    sr <= (const uint8_t *)ip + pp && (const uint8_t *)ip + pp < sr + sr[1])
			sr = NULL;
	}

	uint8_t hdr[60 + WEIR_ICMP_HDR_LEN];
	memset(hdr, 0, sizeof(hdr));
	unsigned nhl = WEIR_IP_HDR_LEN + (sr ? icmperror_reverse_route(hdr + WEIR_IP_HDR_LEN, sr) : 0);
	uint32_t xlen = avail;
	if (ie->mtu < nhl + WEIR_ICMP_HDR_LEN)
		xlen = 0;
	else if (xlen > ie->mtu - nhl - WEIR_ICMP_HDR_LEN)
		xlen = ie->mtu - nhl - WEIR_ICMP_HDR_LEN;
	uint32_t total = nhl + WEIR_ICMP_HDR_LEN + xlen;

	struct weir_packet *q = weir_packet_make(WEIR_DEFAULT_HEADROOM, NULL, total, 0);
	if (!q)
		return NULL;
	struct weir_ip_hdr *nip = (struct weir_ip_hdr *)hdr;
	nip->vihl = (uint8_t)(0x40 | (nhl >> 2));
	nip->len = htons((uint16_t)total);
	nip->id = htons(__atomic_fetch_add(&icmperror_next_id, 1, __ATOMIC_RELAXED));
	nip->ttl = ICMPERROR_TTL;
	nip->p = WEIR_IPPROTO_ICMP;
	nip->src = ie->src;
	nip->dst = ip->src;
	weir_ip_set_cksum(nip, nhl);

	struct weir_icmp_hdr *icp = (struct weir_icmp_hdr *)(hdr + nhl);
	icp->type = ie->type;
	icp->code = ie->code;
	if (ie->type == WEIR_ICMP_PARAMPROB && ie->code == ICMP_PARAMPROB_ERRATPTR)
		icp->un.pptr = pp;
	if (ie->type == WEIR_ICMP_REDIRECT)
		icp->un.gateway = weir_dst_ip_anno(p);
	if (ie->type == WEIR_ICMP_UNREACH && ie->code == ICMP_UNREACH_NEEDFRAG)
		icp->un.frag.mtu = htons((uint16_t)ie->pmtu);

	memcpy(q->data, hdr, nhl + WEIR_ICMP_HDR_LEN);
	memcpy(q->data + nhl + WEIR_ICMP_HDR_LEN, ip, xlen);
	icp = (struct weir_icmp_hdr *)(q->data + nhl);
	icp->sum = weir_in_cksum(icp, WEIR_ICMP_HDR_LEN + xlen);

	weir_packet_set_network_header(q, q->data);
	weir_packet_set_transport_header(q, q->data + nhl);
	weir_set_dst_ip_anno(q, ip->src);
	if (ie->set_fix_anno)
		weir_set_anno_u8(q, WEIR_FIX_IP_SRC_ANNO_OFFSET, 1);
	q->timestamp_ns = now;
	return q;
}

static void
icmperror_action(struct weir_element *e, struct weir_batch *b)
{
	const struct icmperror *ie = e->priv;
	struct icmperror_pt *pt = weir_element_pt(e);
	int64_t now = weir_wall_ns();

	for (uint32_t i = 0; i < b->n; i++) {
		struct weir_packet *q = icmperror_make(ie, b->pkts[i], now);
		weir_packet_kill(b->pkts[i]);
		b->pkts[i] = q;
		if (q)
			pt->errors++;
		else
			pt->ignored++;
	}
}

enum { H_SRC, H_MTU, H_PMTU, H_ERRORS, H_IGNORED };

static int
icmperror_read(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	const struct icmperror *ie = e->priv;
	char buf[16];

	switch (h->arg) {
	case H_SRC:
		weir_format_ip4(ie->src, buf);
		weir_strbuf_printf(out, "%s", buf);
		return 0;
	case H_MTU:
		weir_strbuf_printf(out, "%" PRIu32, ie->mtu);
		return 0;
	case H_PMTU:
		weir_strbuf_printf(out, "%" PRIu32, ie->pmtu);
		return 0;
	case H_ERRORS:
		weir_strbuf_printf(out, "%" PRIu64, WEIR_PT_SUM(e, struct icmperror_pt, errors));
		return 0;
	case H_IGNORED:
		weir_strbuf_printf(out, "%" PRIu64, WEIR_PT_SUM(e, struct icmperror_pt, ignored));
		return 0;
	default:
		return -EINVAL;
	}
}

static int
icmperror_write(struct weir_element *e, const char *value, const struct weir_handler *h,
		struct weir_errh *errh)
{
	struct icmperror *ie = e->priv;
	uint32_t v;

	if (h->arg == H_SRC) {
		if (weir_parse_ip4(value, &v) < 0)
			return weir_error(errh, "src: expected IP address, got '%s'", value);
		ie->src = v;
		return 0;
	}
	if (weir_parse_uint(value, &v) < 0)
		return weir_error(errh, "%s: expected unsigned integer, got '%s'", h->name, value);
	if (h->arg == H_MTU)
		ie->mtu = v;
	else
		ie->pmtu = v;
	return 0;
}

static const struct weir_handler icmperror_handlers[] = {
	{ .name = "src", .read = icmperror_read, .write = icmperror_write, .arg = H_SRC },
	{ .name = "mtu", .read = icmperror_read, .write = icmperror_write, .arg = H_MTU },
	{ .name = "pmtu", .read = icmperror_read, .write = icmperror_write, .arg = H_PMTU },
	{ .name = "errors", .read = icmperror_read, .arg = H_ERRORS },
	{ .name = "ignored", .read = icmperror_read, .arg = H_IGNORED },
	WEIR_HANDLER_END
};

static const struct weir_element_class icmperror_class = {
	.name = "ICMPError",
	.port_count = "1/1",
	.processing = "a/a",
	.priv_size = sizeof(struct icmperror),
	.pt_size = sizeof(struct icmperror_pt),
	.args = icmperror_args,
	.configure = icmperror_configure,
	.simple_action = icmperror_action,
	.handlers = icmperror_handlers,
	.doc = icmperror_doc,
};
WEIR_ELEMENT_REGISTER(icmperror_class)
