/* ipprint.c - IPPrint: prints one tcpdump-like line per IP packet. */
/*
 * =c
 * IPPrint([LABEL, I<keywords> CONTENTS, PAYLOAD, MAXLENGTH, ID, TTL, TOS, LENGTH,
 *          TIMESTAMP, AGGREGATE, PAINT, SWAP, ETHER, ACTIVE, OUTFILE, CHANNEL])
 *
 * =s ip
 * pretty-prints IP packets
 *
 * =d
 * Expects IP packets as input. Should be placed downstream of a
 * CheckIPHeader or equivalent element.
 *
 * Prints out IP packets in a human-readable tcpdump-like format, preceded by
 * the LABEL text. Packets without a network header annotation are passed on
 * silently; packets whose IP header is incomplete print "truncated-ip", and
 * short transport headers print "truncated-tcp", "truncated-udp" or
 * "truncated-icmp", as in Click. Nothing is read past the packet's end.
 *
 * Keyword arguments are:
 *   CONTENTS   Determines whether the packet data is printed. It may be
 *              'NONE' (do not print packet data), 'HEX' (print packet data
 *              in hexadecimal), or 'ASCII' (print packet data in plaintext).
 *              Default is 'NONE'.
 *   PAYLOAD    Like CONTENTS, but prints only the packet payload, rather
 *              than the entire packet. Specify at most one of CONTENTS and
 *              PAYLOAD.
 *   MAXLENGTH  If CONTENTS or PAYLOAD printing is on, then MAXLENGTH
 *              determines the maximum number of bytes to print. -1 means
 *              print the entire packet or payload. Default is 1500.
 *   ID         Boolean. Print IP ID fields. Default false.
 *   TTL        Boolean. Print IP TTL fields. Default false.
 *   TOS        Boolean. Print IP TOS fields. Default false.
 *   LENGTH     Boolean. Print IP length fields. Default false.
 *   TIMESTAMP  Boolean. Print packet timestamps. Default true.
 *   AGGREGATE  Boolean. Print aggregate annotations. Default false.
 *   PAINT      Boolean. Print paint annotations. Default false.
 *   SWAP       Boolean. Print ICMP echo id and sequence in network byte
 *              order (true) or as raw little-endian words (false). Default
 *              true.
 *   ETHER      Boolean. Print Ethernet source and destination before the
 *              IP line, when a MAC header precedes the IP header. Default
 *              false.
 *   ACTIVE     Boolean. If false, print nothing. Default true.
 *   OUTFILE    Filename. Print to this file instead of standard error.
 *   CHANNEL    Accepted for compatibility; ignored (everything goes to
 *              standard error).
 *
 * Timestamps print as seconds with six decimals, or nine when the timestamp
 * is not a whole number of microseconds (as Print does).
 *
 * =h active read/write
 * Whether the element prints.
 *
 * =e
 *   ... -> CheckIPHeader -> IPPrint(ip, TIMESTAMP false) -> ...
 *
 * =a Print, CheckIPHeader
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/ip.h"

static const char ipprint_doc[] =
	"IPPrint([LABEL, keywords CONTENTS, PAYLOAD, MAXLENGTH, ID, TTL, TOS, LENGTH,\n"
	"         TIMESTAMP, AGGREGATE, PAINT, SWAP, ETHER, ACTIVE, OUTFILE, CHANNEL])\n"
	"\n"
	"Pretty-prints IP packets.\n"
	"\n"
	"Expects IP packets as input. Should be placed downstream of a\n"
	"CheckIPHeader or equivalent element.\n"
	"\n"
	"Prints out IP packets in a human-readable tcpdump-like format, preceded by\n"
	"the LABEL text. Packets without a network header annotation are passed on\n"
	"silently; packets whose IP header is incomplete print \"truncated-ip\", and\n"
	"short transport headers print \"truncated-tcp\", \"truncated-udp\" or\n"
	"\"truncated-icmp\", as in Click. Nothing is read past the packet's end.\n"
	"\n"
	"Keyword arguments are:\n"
	"  CONTENTS   'NONE', 'HEX' or 'ASCII' (or a Boolean): print the packet\n"
	"             data. Default 'NONE'.\n"
	"  PAYLOAD    Like CONTENTS, but prints only the packet payload. Specify at\n"
	"             most one of CONTENTS and PAYLOAD.\n"
	"  MAXLENGTH  Maximum number of data bytes to print; -1 means all.\n"
	"             Default 1500.\n"
	"  ID         Boolean. Print IP ID fields. Default false.\n"
	"  TTL        Boolean. Print IP TTL fields. Default false.\n"
	"  TOS        Boolean. Print IP TOS fields. Default false.\n"
	"  LENGTH     Boolean. Print IP length fields. Default false.\n"
	"  TIMESTAMP  Boolean. Print packet timestamps. Default true.\n"
	"  AGGREGATE  Boolean. Print aggregate annotations. Default false.\n"
	"  PAINT      Boolean. Print paint annotations. Default false.\n"
	"  SWAP       Boolean. Print ICMP echo id and sequence in network byte\n"
	"             order (true) or as raw little-endian words. Default true.\n"
	"  ETHER      Boolean. Print Ethernet source and destination. Default false.\n"
	"  ACTIVE     Boolean. If false, print nothing. Default true.\n"
	"  OUTFILE    Filename. Print to this file instead of standard error.\n"
	"  CHANNEL    Accepted for compatibility; ignored.\n"
	"\n"
	"Timestamps print as seconds with six decimals, or nine when the timestamp\n"
	"is not a whole number of microseconds (as Print does).\n"
	"\n"
	"Handler:\n"
	"  active (read/write)  whether the element prints.\n"
	"\n"
	"Example:\n"
	"  ... -> CheckIPHeader -> IPPrint(ip, TIMESTAMP false) -> ...\n";

enum { IPP_NONE = 0, IPP_HEX = 1, IPP_ASCII = 2 };

struct ipprint {
	char *label;
	char *contents_word;
	char *payload_word;
	int32_t maxlength;
	int32_t nbytes;
	bool nbytes_given;
	bool id, ttl, tos, length, timestamp, aggregate, paint, swap, ether, active;
	char *outfile_name;
	char *channel;
	int contents;
	bool payload;
	FILE *outfile;
	struct weir_strbuf line;
};

static const struct weir_arg ipprint_args[] = {
	{ "LABEL", WEIR_ARG_STRING, offsetof(struct ipprint, label), WEIR_ARGF_POSITIONAL,
	  .help = "text printed first" },
	{ "CONTENTS", WEIR_ARG_WORD, offsetof(struct ipprint, contents_word), 0,
	  .help = "NONE, HEX or ASCII" },
	{ "PAYLOAD", WEIR_ARG_WORD, offsetof(struct ipprint, payload_word), 0,
	  .help = "NO, HEX or ASCII" },
	{ "MAXLENGTH", WEIR_ARG_INT, offsetof(struct ipprint, maxlength), 0, .def = "1500",
	  .help = "maximum data bytes printed (-1: all)" },
	{ "NBYTES", WEIR_ARG_INT, offsetof(struct ipprint, nbytes), WEIR_ARGF_GIVEN,
	  .given_offset = offsetof(struct ipprint, nbytes_given), .help = "deprecated MAXLENGTH" },
	{ "ID", WEIR_ARG_BOOL, offsetof(struct ipprint, id), 0, .def = "false", .help = "print IP ID" },
	{ "TIMESTAMP", WEIR_ARG_BOOL, offsetof(struct ipprint, timestamp), 0, .def = "true",
	  .help = "print timestamps" },
	{ "PAINT", WEIR_ARG_BOOL, offsetof(struct ipprint, paint), 0, .def = "false",
	  .help = "print paint annotations" },
	{ "TOS", WEIR_ARG_BOOL, offsetof(struct ipprint, tos), 0, .def = "false",
	  .help = "print IP TOS" },
	{ "TTL", WEIR_ARG_BOOL, offsetof(struct ipprint, ttl), 0, .def = "false",
	  .help = "print IP TTL" },
	{ "SWAP", WEIR_ARG_BOOL, offsetof(struct ipprint, swap), 0, .def = "true",
	  .help = "ICMP id/seq in network order" },
	{ "LENGTH", WEIR_ARG_BOOL, offsetof(struct ipprint, length), 0, .def = "false",
	  .help = "print IP length" },
	{ "AGGREGATE", WEIR_ARG_BOOL, offsetof(struct ipprint, aggregate), 0, .def = "false",
	  .help = "print aggregate annotations" },
	{ "ETHER", WEIR_ARG_BOOL, offsetof(struct ipprint, ether), 0, .def = "false",
	  .help = "print Ethernet addresses" },
	{ "ACTIVE", WEIR_ARG_BOOL, offsetof(struct ipprint, active), 0, .def = "true",
	  .help = "print at all" },
	{ "OUTFILE", WEIR_ARG_STRING, offsetof(struct ipprint, outfile_name), 0,
	  .help = "file to print to" },
	{ "CHANNEL", WEIR_ARG_WORD, offsetof(struct ipprint, channel), 0,
	  .help = "ignored" },
	WEIR_ARG_END
};

static int
ipprint_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct ipprint *s = e->priv;
	bool bv;
	int payload = IPP_NONE;
	(void)conf;
	if (s->nbytes_given)
		s->maxlength = s->nbytes;
	const char *w = s->contents_word ? s->contents_word : "no";
	if (weir_parse_bool(w, &bv) == 0)
		s->contents = bv ? IPP_HEX : IPP_NONE;
	else if (strcasecmp(w, "NONE") == 0)
		s->contents = IPP_NONE;
	else if (strcasecmp(w, "HEX") == 0)
		s->contents = IPP_HEX;
	else if (strcasecmp(w, "ASCII") == 0)
		s->contents = IPP_ASCII;
	else
		return weir_error(errh, "bad contents value '%s'; should be 'NONE', 'HEX', or 'ASCII'",
				  w);
	w = s->payload_word ? s->payload_word : "no";
	if (strcasecmp(w, "NO") == 0 || strcasecmp(w, "FALSE") == 0)
		payload = IPP_NONE;
	else if (strcasecmp(w, "YES") == 0 || strcasecmp(w, "TRUE") == 0 ||
		 strcasecmp(w, "HEX") == 0)
		payload = IPP_HEX;
	else if (strcasecmp(w, "ASCII") == 0)
		payload = IPP_ASCII;
	else
		return weir_error(errh, "bad payload value '%s'; should be 'false', 'hex', or 'ascii'",
				  w);
	if (payload && s->contents)
		return weir_error(errh, "specify at most one of PAYLOAD and CONTENTS");
	if (payload) {
		s->contents = payload;
		s->payload = true;
	}
	return 0;
}

static int
ipprint_initialize(struct weir_element *e, struct weir_errh *errh)
{
	struct ipprint *s = e->priv;
	if (s->outfile_name && s->outfile_name[0]) {
		s->outfile = fopen(s->outfile_name, "wb");
		if (!s->outfile)
			return weir_error(errh, "%s: %s", s->outfile_name, strerror(errno));
	}
	return 0;
}

static void
ipprint_cleanup(struct weir_element *e)
{
	struct ipprint *s = e->priv;
	if (s->outfile)
		fclose(s->outfile);
	s->outfile = NULL;
	weir_strbuf_free(&s->line);
}

/* ---- names (Click's IPNameInfo) ---- */

static const char *
ip_proto_name(unsigned p)
{
	switch (p) {
	case 1: return "icmp";
	case 2: return "igmp";
	case 4: return "ipip";
	case 6: return "tcp";
	case 17: return "udp";
	default: return NULL;
	}
}

static const char *const icmp_type_names[] = {
	[0] = "echo-reply", [3] = "unreachable", [4] = "sourcequench", [5] = "redirect",
	[8] = "echo", [9] = "routeradvert", [10] = "routersolicit", [11] = "timeexceeded",
	[12] = "parameterproblem", [13] = "timestamp", [14] = "timestamp-reply",
	[15] = "inforeq", [16] = "inforeq-reply", [17] = "maskreq", [18] = "maskreq-reply",
};

static const char *const icmp_unreach_names[] = {
	"net", "host", "protocol", "port", "needfrag", "srcroutefail", "netunknown",
	"hostunknown", "isolated", "netprohibited", "hostprohibited", "tosnet", "toshost",
	"filterprohibited", "hostprecedence", "precedencecutoff",
};
static const char *const icmp_redirect_names[] = { "net", "host", "tosnet", "toshost" };
static const char *const icmp_timxceed_names[] = { "transit", "reassembly" };
static const char *const icmp_paramprob_names[] = { "erroratptr", "missingopt", "length" };

#define NNAMES(a) (sizeof(a) / sizeof((a)[0]))

static const char *
icmp_type_name(unsigned t)
{
	return t < NNAMES(icmp_type_names) ? icmp_type_names[t] : NULL;
}

static const char *
icmp_code_name(unsigned t, unsigned c)
{
	switch (t) {
	case WEIR_ICMP_UNREACH:
		return c < NNAMES(icmp_unreach_names) ? icmp_unreach_names[c] : NULL;
	case WEIR_ICMP_REDIRECT:
		return c < NNAMES(icmp_redirect_names) ? icmp_redirect_names[c] : NULL;
	case WEIR_ICMP_TIMXCEED:
		return c < NNAMES(icmp_timxceed_names) ? icmp_timxceed_names[c] : NULL;
	case WEIR_ICMP_PARAMPROB:
		return c < NNAMES(icmp_paramprob_names) ? icmp_paramprob_names[c] : NULL;
	default:
		return NULL;
	}
}

/* ---- line pieces ---- */

static void
put_ip(struct weir_strbuf *sb, uint32_t a)
{
	char buf[16];
	weir_format_ip4(a, buf);
	weir_strbuf_puts(sb, buf);
}

static void
put_pair(struct weir_strbuf *sb, const struct weir_ip_hdr *ip)
{
	put_ip(sb, ip->src);
	weir_strbuf_puts(sb, " > ");
	put_ip(sb, ip->dst);
}

static uint16_t
load16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return v;
}

static void
tcp_line(struct weir_strbuf *sb, const struct weir_packet *p, const struct weir_ip_hdr *ip,
	 const uint8_t *th, int tlen)
{
	bool first = weir_ip_is_first_fragment(ip);
	if (tlen < 4 || !first) {
		put_pair(sb, ip);
		weir_strbuf_puts(sb, first ? ": truncated-tcp" : ": tcp");
		return;
	}
	const struct weir_tcp_hdr *tcp = (const struct weir_tcp_hdr *)th;
	put_ip(sb, ip->src);
	weir_strbuf_printf(sb, ".%u > ", ntohs(tcp->sport));
	put_ip(sb, ip->dst);
	weir_strbuf_printf(sb, ".%u: ", ntohs(tcp->dport));
	if (tlen < 14) {
		weir_strbuf_puts(sb, "truncated-tcp");
		return;
	}
	int ip_len = ntohs(ip->len);
	int seqlen = ip_len - (int)weir_ip_hlen(ip) - (int)weir_tcp_hlen(tcp);
	uint8_t fl = tcp->flags;
	if (fl & WEIR_TH_SYN) {
		weir_strbuf_putc(sb, 'S');
		seqlen++;
	}
	if (fl & WEIR_TH_FIN) {
		weir_strbuf_putc(sb, 'F');
		seqlen++;
	}
	if (fl & WEIR_TH_RST)
		weir_strbuf_putc(sb, 'R');
	if (fl & WEIR_TH_PUSH)
		weir_strbuf_putc(sb, 'P');
	if (!(fl & (WEIR_TH_SYN | WEIR_TH_FIN | WEIR_TH_RST | WEIR_TH_PUSH)))
		weir_strbuf_putc(sb, '.');
	uint32_t seq = ntohl(tcp->seq);
	weir_strbuf_printf(sb, " %" PRIu32 ":%" PRIu32 "(%d,%" PRIu32 ",%d)", seq,
			   seq + (uint32_t)seqlen, seqlen, p->len, ip_len);
	if (fl & WEIR_TH_ACK)
		weir_strbuf_printf(sb, " ack %" PRIu32, (uint32_t)ntohl(tcp->ack));
	if (tlen < 16) {
		weir_strbuf_puts(sb, "truncated-tcp");
		return;
	}
	weir_strbuf_printf(sb, " win %u", ntohs(tcp->win));
}

static void
udp_line(struct weir_strbuf *sb, const struct weir_ip_hdr *ip, const uint8_t *th, int tlen)
{
	bool first = weir_ip_is_first_fragment(ip);
	if (tlen < 4 || !first) {
		put_pair(sb, ip);
		weir_strbuf_puts(sb, first ? ": truncated-udp" : ": udp");
		return;
	}
	const struct weir_udp_hdr *udp = (const struct weir_udp_hdr *)th;
	put_ip(sb, ip->src);
	weir_strbuf_printf(sb, ".%u > ", ntohs(udp->sport));
	put_ip(sb, ip->dst);
	weir_strbuf_printf(sb, ".%u: ", ntohs(udp->dport));
	if (tlen < 8)
		weir_strbuf_puts(sb, "truncated-udp");
	else
		weir_strbuf_printf(sb, "udp %u", ntohs(udp->len));
}

static void
put_proto(struct weir_strbuf *sb, unsigned proto, bool prepend)
{
	const char *n = ip_proto_name(proto);
	if (n)
		weir_strbuf_puts(sb, n);
	else
		weir_strbuf_printf(sb, "%s%u", prepend ? "protocol " : "", proto);
}

/* Returns false when the ICMP message is truncated (caller prints the marker). */
static bool
icmp_unreach(struct weir_strbuf *sb, const uint8_t *th, int tlen)
{
	const struct weir_icmp_hdr *icmp = (const struct weir_icmp_hdr *)th;
	const char *code = icmp_code_name(icmp->type, icmp->code);
	char cbuf[16];
	if (!code) {
		snprintf(cbuf, sizeof(cbuf), "code %u", icmp->code);
		code = cbuf;
	}
	int elen = tlen - WEIR_ICMP_HDR_LEN;
	if (elen < WEIR_IP_HDR_LEN) {
		weir_strbuf_printf(sb, "icmp unreachable %s ", code);
		return false;
	}
	const struct weir_ip_hdr *eip = (const struct weir_ip_hdr *)(th + WEIR_ICMP_HDR_LEN);
	int ehl = (int)weir_ip_hlen(eip);
	int eudp_len = elen - ehl;
	weir_strbuf_puts(sb, "icmp ");
	put_ip(sb, eip->dst);
	weir_strbuf_printf(sb, " unreachable %s", code);
	switch (icmp->code) {
	case 2: /* protocol */
		weir_strbuf_putc(sb, ' ');
		put_proto(sb, eip->p, false);
		break;
	case 3: /* port */
		weir_strbuf_putc(sb, ' ');
		put_proto(sb, eip->p, true);
		if (eudp_len < 4)
			return false;
		weir_strbuf_printf(sb, "/%u", ntohs(load16((const uint8_t *)eip + ehl + 2)));
		break;
	case 4: /* needfrag */
		if (icmp->un.frag.mtu)
			weir_strbuf_printf(sb, " (mtu %u)", ntohs(icmp->un.frag.mtu));
		break;
	}
	return true;
}

static void
icmp_line(const struct ipprint *s, struct weir_strbuf *sb, const struct weir_ip_hdr *ip,
	  const uint8_t *th, int tlen)
{
	put_pair(sb, ip);
	weir_strbuf_puts(sb, ": ");
	if (!weir_ip_is_first_fragment(ip)) {
		weir_strbuf_puts(sb, "icmp");
		return;
	}
	if (tlen < 2)
		goto truncated;
	const struct weir_icmp_hdr *icmp = (const struct weir_icmp_hdr *)th;
	switch (icmp->type) {
	case WEIR_ICMP_ECHOREPLY:
	case WEIR_ICMP_ECHO: {
		weir_strbuf_puts(sb, icmp->type == WEIR_ICMP_ECHO ? "icmp echo " : "icmp echo-reply ");
		if (tlen < 8)
			goto truncated;
		uint16_t id = load16(th + 4), seq = load16(th + 6);
		if (s->swap) {
			id = ntohs(id);
			seq = ntohs(seq);
		} else {
			/* Click prints the raw word as a little-endian host reads it */
			id = (uint16_t)(th[4] | th[5] << 8);
			seq = (uint16_t)(th[6] | th[7] << 8);
		}
		weir_strbuf_printf(sb, "(%u, %u)", id, seq);
		return;
	}
	case WEIR_ICMP_UNREACH:
		if (!icmp_unreach(sb, th, tlen))
			goto truncated;
		return;
	default: {
		const char *n = icmp_type_name(icmp->type);
		const char *c = icmp_code_name(icmp->type, icmp->code);
		if (n)
			weir_strbuf_printf(sb, "icmp %s", n);
		else
			weir_strbuf_printf(sb, "icmp type %u", icmp->type);
		if (c)
			weir_strbuf_printf(sb, " %s", c);
		else if (icmp->code)
			weir_strbuf_printf(sb, " code %u", icmp->code);
		return;
	}
	}
truncated:
	weir_strbuf_puts(sb, "truncated-icmp");
}

static void
put_timestamp(struct weir_strbuf *sb, int64_t ns)
{
	const char *sign = "";
	if (ns < 0) {
		sign = "-";
		ns = -ns;
	}
	int64_t sec = ns / 1000000000, sub = ns % 1000000000;
	if (sub % 1000 == 0)
		weir_strbuf_printf(sb, "%s%" PRId64 ".%06" PRId64, sign, sec, sub / 1000);
	else
		weir_strbuf_printf(sb, "%s%" PRId64 ".%09" PRId64, sign, sec, sub);
}

static void
put_data(const struct ipprint *s, struct weir_strbuf *sb, const uint8_t *data,
	 const uint8_t *end)
{
	static const char hex[] = "0123456789abcdef";
	int64_t bytes = s->maxlength;
	if (data >= end)
		bytes = 0;
	else if (bytes < 0 || end - data < bytes)
		bytes = end - data;
	for (int64_t i = 0; i < bytes; i++) {
		uint8_t c = data[i];
		if (s->contents == IPP_HEX) {
			if (i % 24 == 0)
				weir_strbuf_puts(sb, "\n  ");
			else if (i % 4 == 0)
				weir_strbuf_putc(sb, ' ');
			weir_strbuf_putc(sb, hex[c >> 4]);
			weir_strbuf_putc(sb, hex[c & 15]);
		} else {
			if (i % 48 == 0)
				weir_strbuf_puts(sb, "\n  ");
			else if (i % 8 == 0)
				weir_strbuf_putc(sb, ' ');
			weir_strbuf_putc(sb, c < 32 || c > 126 ? '.' : (char)c);
		}
	}
}

/* Start of the printed payload (PAYLOAD mode); never past end. */
static const uint8_t *
payload_start(const struct weir_ip_hdr *ip, const uint8_t *th, const uint8_t *end)
{
	if (th >= end || !weir_ip_is_first_fragment(ip))
		return th;
	if (ip->p == WEIR_IPPROTO_TCP) {
		if (end - th < 13)
			return end;
		return th + weir_tcp_hlen((const struct weir_tcp_hdr *)th);
	}
	if (ip->p == WEIR_IPPROTO_UDP)
		return th + sizeof(struct weir_udp_hdr);
	return th;
}

static void
ip_line(const struct ipprint *s, struct weir_strbuf *sb, const struct weir_packet *p,
	const uint8_t *nh)
{
	const uint8_t *end = weir_packet_end_data(p);
	if (end - nh < WEIR_IP_HDR_LEN) {
		weir_strbuf_puts(sb, "truncated-ip");
		return;
	}
	const struct weir_ip_hdr *ip = (const struct weir_ip_hdr *)nh;
	int ip_len = ntohs(ip->len);
	int payload_len = ip_len - (int)weir_ip_hlen(ip);
	const uint8_t *th = weir_packet_transport_header(p);
	if (!th || th < nh)
		th = nh + weir_ip_hlen(ip);
	int tlen = (int)(end - th);
	if (tlen > payload_len)
		tlen = payload_len;
	if (s->id)
		weir_strbuf_printf(sb, "id %u ", ntohs(ip->id));
	if (s->ttl)
		weir_strbuf_printf(sb, "ttl %u ", ip->ttl);
	if (s->tos)
		weir_strbuf_printf(sb, "tos %u ", ip->tos);
	if (s->length)
		weir_strbuf_printf(sb, "length %d ", ip_len);
	if (ip->p == WEIR_IPPROTO_TCP)
		tcp_line(sb, p, ip, th, tlen);
	else if (ip->p == WEIR_IPPROTO_UDP)
		udp_line(sb, ip, th, tlen);
	else if (ip->p == WEIR_IPPROTO_ICMP)
		icmp_line(s, sb, ip, th, tlen);
	else {
		put_pair(sb, ip);
		weir_strbuf_printf(sb, ": ip-proto-%u", ip->p);
	}
	if (weir_ip_is_fragment(ip))
		weir_strbuf_printf(sb, " (frag %u:%d@%u%s)", ntohs(ip->id), payload_len,
				   (ntohs(ip->off) & WEIR_IP_OFFMASK) << 3,
				   (ntohs(ip->off) & WEIR_IP_MF) ? "+" : "");
	if (s->contents)
		put_data(s, sb, s->payload ? payload_start(ip, th, end) : p->data, end);
}

static void
ipprint_packet(const struct ipprint *s, struct weir_strbuf *sb, const struct weir_packet *p)
{
	const uint8_t *nh = weir_packet_network_header(p);
	if (!nh || nh < p->buf)
		return;
	if (s->label && s->label[0])
		weir_strbuf_printf(sb, "%s: ", s->label);
	if (s->timestamp) {
		put_timestamp(sb, p->timestamp_ns);
		weir_strbuf_puts(sb, ": ");
	}
	if (s->aggregate)
		weir_strbuf_printf(sb, "#%" PRIu32, weir_anno_u32(p, WEIR_AGGREGATE_ANNO_OFFSET));
	if (s->paint)
		weir_strbuf_printf(sb, "%s%u", s->aggregate ? "." : "paint ", weir_paint_anno(p));
	if (s->aggregate || s->paint)
		weir_strbuf_puts(sb, ": ");
	if (s->ether) {
		const uint8_t *mh = weir_packet_mac_header(p);
		if (mh && mh >= p->buf && mh + WEIR_ETHER_HDR_LEN <= nh &&
		    mh + WEIR_ETHER_HDR_LEN <= weir_packet_end_data(p)) {
			char a[18], b[18];
			weir_format_ether(mh + 6, a);
			weir_format_ether(mh, b);
			weir_strbuf_printf(sb, "%s > %s: ", a, b);
		}
	}
	ip_line(s, sb, p, nh);
	weir_strbuf_putc(sb, '\n');
}

static void
ipprint_action(struct weir_element *e, struct weir_batch *b)
{
	struct ipprint *s = e->priv;
	if (!s->active || !b->n)
		return;
	weir_strbuf_reset(&s->line);
	for (uint32_t i = 0; i < b->n; i++)
		ipprint_packet(s, &s->line, b->pkts[i]);
	if (!s->line.len)
		return;
	FILE *f = s->outfile ? s->outfile : stderr;
	fwrite(s->line.s, 1, s->line.len, f);
	fflush(f);
}

static int
ipprint_write_active(struct weir_element *e, const char *value, const struct weir_handler *h,
		     struct weir_errh *errh)
{
	struct ipprint *s = e->priv;
	bool v;
	(void)h;
	if (weir_parse_bool(value, &v) < 0)
		return weir_error(errh, "active: expected boolean, got '%s'", value);
	s->active = v;
	return 0;
}

static const struct weir_handler ipprint_handlers[] = {
	{ .name = "active", .read = weir_handler_read_bool, .write = ipprint_write_active,
	  .arg = offsetof(struct ipprint, active) },
	WEIR_HANDLER_END
};

static const struct weir_element_class ipprint_class = {
	.name = "IPPrint",
	.port_count = "1/1",
	.processing = "a/a",
	.priv_size = sizeof(struct ipprint),
	.args = ipprint_args,
	.configure = ipprint_configure,
	.initialize = ipprint_initialize,
	.cleanup = ipprint_cleanup,
	.simple_action = ipprint_action,
	.handlers = ipprint_handlers,
	.doc = ipprint_doc,
};
WEIR_ELEMENT_REGISTER(ipprint_class)
