/* storeipaddress.c - StoreIPAddress: writes an IP address (or the dst annotation) into packets. */
/*
 * =c
 * StoreIPAddress(OFFSET [, I<keyword> ANNO])
 * StoreIPAddress(ADDR, OFFSET)
 *
 * =s ip
 * stores IP address in packet
 *
 * =d
 * The one-argument form writes the destination IP address annotation into
 * the packet at offset OFFSET, usually an integer. But if the annotation is
 * zero, it doesn't change the packet.
 *
 * The two-argument form writes IP address ADDR into the packet at offset
 * OFFSET. ADDR can be zero.
 *
 * The OFFSET argument may be the special string 'src' or 'dst'. In this
 * case, incoming packets must be IP packets (network header annotation set,
 * at least a 20-byte IP header in the packet). StoreIPAddress writes the
 * address into either the source or destination field of the IP packet
 * header, as specified, and incrementally updates the IP checksum (and, if
 * appropriate, the TCP/UDP checksum: first fragments only, and a UDP
 * checksum of zero is left zero) to account for the change.
 *
 * If OFFSET is out of range, or the packet is not an IP packet for the
 * 'src'/'dst' forms, the packet is dropped or emitted on optional output 1.
 *
 * Differences from FastClick, where it contradicts the documentation: with
 * an integer OFFSET and a zero annotation FastClick may take its 'src'/'dst'
 * path and write before the network header; weir follows the documentation
 * and passes the packet unchanged.
 *
 * Keywords:
 *   ADDR    IP address to store (two-argument form).
 *   OFFSET  byte offset, or 'src' / 'dst'. Mandatory.
 *   ANNO    (weir extension) 4-byte annotation read by the one-argument
 *           form. Default DST_IP.
 *
 * =h drops read-only
 * Packets dropped or sent to output 1 (weir extension).
 *
 * =e
 *   ... -> GetIPAddress(16) -> LookupIPRoute(...) -> StoreIPAddress(dst) -> ...
 *
 * =a GetIPAddress, SetIPAddress, SetIPChecksum
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/ip.h"

static const char storeipaddress_doc[] =
	"StoreIPAddress(OFFSET [, keyword ANNO])\n"
	"StoreIPAddress(ADDR, OFFSET)\n"
	"\n"
	"Stores IP address in packet.\n"
	"\n"
	"The one-argument form writes the destination IP address annotation into\n"
	"the packet at offset OFFSET, usually an integer. But if the annotation is\n"
	"zero, it doesn't change the packet.\n"
	"\n"
	"The two-argument form writes IP address ADDR into the packet at offset\n"
	"OFFSET. ADDR can be zero.\n"
	"\n"
	"The OFFSET argument may be the special string 'src' or 'dst'. In this\n"
	"case, incoming packets must be IP packets (network header annotation set,\n"
	"at least a 20-byte IP header in the packet). StoreIPAddress writes the\n"
	"address into either the source or destination field of the IP packet\n"
	"header, as specified, and incrementally updates the IP checksum (and, if\n"
	"appropriate, the TCP/UDP checksum: first fragments only, and a UDP\n"
	"checksum of zero is left zero) to account for the change.\n"
	"\n"
	"If OFFSET is out of range, or the packet is not an IP packet for the\n"
	"'src'/'dst' forms, the packet is dropped or emitted on optional output 1.\n"
	"\n"
	"Differences from FastClick, where it contradicts the documentation: with\n"
	"an integer OFFSET and a zero annotation FastClick may take its 'src'/'dst'\n"
	"path and write before the network header; weir follows the documentation\n"
	"and passes the packet unchanged.\n"
	"\n"
	"Keywords:\n"
	"  ADDR    IP address to store (two-argument form).\n"
	"  OFFSET  byte offset, or 'src' / 'dst'. Mandatory.\n"
	"  ANNO    (weir extension) 4-byte annotation read by the one-argument\n"
	"          form. Default DST_IP.\n"
	"\n"
	"Handler:\n"
	"  drops (read)  packets dropped or sent to output 1 (weir extension).\n"
	"\n"
	"Example:\n"
	"  ... -> GetIPAddress(16) -> LookupIPRoute(...) -> StoreIPAddress(dst) -> ...\n";

enum { SIA_OFFSET, SIA_SRC, SIA_DST };

struct storeipaddress {
	uint32_t addr;   /* network order */
	char *offset_word;
	unsigned anno;
	bool anno_given;
	bool use_addr;
	int kind;        /* SIA_OFFSET, SIA_SRC, SIA_DST */
	uint32_t offset;
};

struct storeipaddress_pt {
	uint64_t drops;
};

static const struct weir_arg storeipaddress_args1[] = {
	{ "OFFSET", WEIR_ARG_WORD, offsetof(struct storeipaddress, offset_word),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "byte offset, src or dst" },
	{ "ANNO", WEIR_ARG_ANNO, offsetof(struct storeipaddress, anno), WEIR_ARGF_GIVEN,
	  .given_offset = offsetof(struct storeipaddress, anno_given),
	  .help = "4-byte annotation to store (default DST_IP)" },
	WEIR_ARG_END
};

static const struct weir_arg storeipaddress_args2[] = {
	{ "ADDR", WEIR_ARG_IP4, offsetof(struct storeipaddress, addr),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "IP address to store" },
	{ "OFFSET", WEIR_ARG_WORD, offsetof(struct storeipaddress, offset_word),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "byte offset, src or dst" },
	WEIR_ARG_END
};

static bool
arg_is_keyword(const char *arg, const char *kw)
{
	size_t n = strlen(kw);
	return strncmp(arg, kw, n) == 0 && (arg[n] == ' ' || arg[n] == '\t');
}

static int
storeipaddress_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct storeipaddress *s = e->priv;
	int nvalues = 0;
	bool addr_kw = false;
	for (int i = 0; i < conf->argc; i++) {
		if (arg_is_keyword(conf->argv[i], "ADDR"))
			addr_kw = true;
		if (!arg_is_keyword(conf->argv[i], "ANNO"))
			nvalues++;
	}
	if (conf->argc < 1 || conf->argc > 2)
		return weir_error(errh, "expected [ADDR, ] OFFSET");
	s->use_addr = nvalues >= 2 || addr_kw;
	const struct weir_arg *table = s->use_addr ? storeipaddress_args2 : storeipaddress_args1;
	if (weir_args_parse(table, s, conf, e, errh) < 0)
		return -EINVAL;
	int r = 0;
	const char *w = s->offset_word;
	if (strcasecmp(w, "src") == 0) {
		s->kind = SIA_SRC;
	} else if (strcasecmp(w, "dst") == 0) {
		s->kind = SIA_DST;
	} else if (weir_parse_uint(w, &s->offset) == 0) {
		s->kind = SIA_OFFSET;
	} else {
		r = weir_error(errh, "OFFSET: expected 'src', 'dst' or unsigned integer, got '%s'",
			       w);
	}
	weir_args_free(table, s);
	s->offset_word = NULL;
	if (!s->anno_given)
		s->anno = WEIR_DST_IP_ANNO_OFFSET;
	if (r == 0 && s->anno + 4 > WEIR_ANNO_SIZE)
		r = weir_error(errh, "ANNO: annotation offset %u out of range", s->anno);
	return r;
}

/* Incrementally rewrite the IP src/dst field and the checksums that cover it. */
static bool
store_ip_field(struct weir_packet *p, int kind, uint32_t addr)
{
	uint8_t *nh = weir_packet_network_header(p);
	if (!nh || nh < p->data || nh + WEIR_IP_HDR_LEN > weir_packet_end_data(p))
		return false;
	struct weir_ip_hdr *ip = (struct weir_ip_hdr *)nh;
	unsigned hlen = weir_ip_hlen(ip);
	if (hlen < WEIR_IP_HDR_LEN)
		return false;
	uint32_t old;
	if (kind == SIA_SRC) {
		old = ip->src;
		ip->src = addr;
	} else {
		old = ip->dst;
		ip->dst = addr;
	}
	ip->sum = weir_cksum_update32(ip->sum, old, addr);
	if (!weir_ip_is_first_fragment(ip))
		return true;
	uint8_t *th = nh + hlen;
	size_t tlen = th <= weir_packet_end_data(p) ? (size_t)(weir_packet_end_data(p) - th) : 0;
	if (ip->p == WEIR_IPPROTO_TCP && tlen >= sizeof(struct weir_tcp_hdr)) {
		struct weir_tcp_hdr *tcp = (struct weir_tcp_hdr *)th;
		tcp->sum = weir_cksum_update32(tcp->sum, old, addr);
	} else if (ip->p == WEIR_IPPROTO_UDP && tlen >= sizeof(struct weir_udp_hdr)) {
		struct weir_udp_hdr *udp = (struct weir_udp_hdr *)th;
		if (udp->sum)
			udp->sum = weir_cksum_update32(udp->sum, old, addr);
	}
	return true;
}

/* Returns the output port for p (p may be replaced; *pp NULL when killed). */
static uint8_t
storeipaddress_one(const struct storeipaddress *s, struct weir_packet **pp)
{
	struct weir_packet *p = *pp;
	uint32_t addr = s->use_addr ? s->addr : weir_anno_u32(p, s->anno);
	if (s->kind == SIA_OFFSET) {
		if (!addr && !s->use_addr)
			return 0;
		if ((uint64_t)s->offset + 4 > p->len)
			return 1;
		if (!(p = *pp = weir_packet_uniqueify(p)))
			return WEIR_PORT_DROP;
		memcpy(p->data + s->offset, &addr, 4);
		return 0;
	}
	uint8_t *nh = weir_packet_network_header(p);
	if (!nh || nh < p->data || nh + WEIR_IP_HDR_LEN > weir_packet_end_data(p) ||
	    weir_ip_hlen((const struct weir_ip_hdr *)nh) < WEIR_IP_HDR_LEN)
		return 1;
	if (!(p = *pp = weir_packet_uniqueify(p)))
		return WEIR_PORT_DROP;
	store_ip_field(p, s->kind, addr);
	return 0;
}

static void
storeipaddress_classify(struct weir_element *e, struct weir_batch *b, uint8_t *ports)
{
	const struct storeipaddress *s = e->priv;
	struct storeipaddress_pt *pt = weir_element_pt(e);
	uint8_t bad = e->noutputs > 1 ? 1 : WEIR_PORT_DROP;
	uint32_t k = 0;
	for (uint32_t i = 0; i < b->n; i++) {
		struct weir_packet *p = b->pkts[i];
		uint8_t port = storeipaddress_one(s, &p);
		if (!p) {
			pt->drops++;
			continue;
		}
		if (port != 0) {
			pt->drops++;
			port = bad;
		}
		b->pkts[k] = p;
		ports[k++] = port;
	}
	b->n = k;
}

static int
storeipaddress_read_drops(struct weir_element *e, const struct weir_handler *h,
			  struct weir_strbuf *out)
{
	(void)h;
	weir_strbuf_printf(out, "%" PRIu64, WEIR_PT_SUM(e, struct storeipaddress_pt, drops));
	return 0;
}

static const struct weir_handler storeipaddress_handlers[] = {
	{ .name = "drops", .read = storeipaddress_read_drops },
	WEIR_HANDLER_END
};

static const struct weir_element_class storeipaddress_class = {
	.name = "StoreIPAddress",
	.port_count = "1/1-2",
	.processing = "a/ah",
	.priv_size = sizeof(struct storeipaddress),
	.pt_size = sizeof(struct storeipaddress_pt),
	.configure = storeipaddress_configure,
	.classify = storeipaddress_classify,
	.handlers = storeipaddress_handlers,
	.doc = storeipaddress_doc,
};
WEIR_ELEMENT_REGISTER(storeipaddress_class)
