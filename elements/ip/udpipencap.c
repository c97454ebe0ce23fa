/* udpipencap.c - UDPIPEncap: encapsulates packets in UDP/IP headers. */
/*
 * =c
 * UDPIPEncap(SRC, SPORT, DST, DPORT [, CHECKSUM])
 *
 * =s udp
 * encapsulates packets in static UDP/IP headers
 *
 * =d
 * Encapsulates each incoming packet in a UDP/IP packet with source address
 * SRC, source port SPORT, destination address DST, and destination port
 * DPORT. The UDP checksum is calculated if CHECKSUM is true; it is true by
 * default (a computed checksum of 0 is stored as 0, as Click does).
 *
 * As a special case, if DST is "DST_ANNO", then the destination address is
 * set to the incoming packet's destination address annotation; otherwise the
 * annotation is set to DST.
 *
 * The IP header has TTL 250, TOS 0, no fragment flags, and an IP ID that
 * starts at 0 and increases by one per packet. The network header annotation
 * is set to the new IP header.
 *
 * Documentation and FastClick differ: FastClick leaves CHECKSUM
 * uninitialised when it is not given; weir follows the documentation
 * (default true).
 *
 * Keywords:
 *   SRC       IP address. Mandatory.
 *   SPORT     UDP port 0..65535. Mandatory.
 *   DST       IP address or DST_ANNO. Mandatory.
 *   DPORT     UDP port 0..65535. Mandatory.
 *   CHECKSUM  Boolean. Compute the UDP checksum. Default true.
 *
 * =h src read/write
 * =h sport read/write
 * =h dst read/write
 * =h dport read/write
 * The corresponding arguments.
 *
 * =e
 *   ... -> UDPIPEncap(1.0.0.1, 1234, 2.0.0.2, 1234)
 *       -> EtherEncap(0x0800, 1:1:1:1:1:1, 2:2:2:2:2:2) -> ...
 *
 * =a IPEncap, EtherEncap, StripIPHeader
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/ip.h"

static const char udpipencap_doc[] =
	"UDPIPEncap(SRC, SPORT, DST, DPORT [, CHECKSUM])\n"
	"\n"
	"Encapsulates packets in static UDP/IP headers.\n"
	"\n"
	"Encapsulates each incoming packet in a UDP/IP packet with source address\n"
	"SRC, source port SPORT, destination address DST, and destination port\n"
	"DPORT. The UDP checksum is calculated if CHECKSUM is true; it is true by\n"
	"default (a computed checksum of 0 is stored as 0, as Click does).\n"
	"\n"
	"As a special case, if DST is \"DST_ANNO\", then the destination address is\n"
	"set to the incoming packet's destination address annotation; otherwise the\n"
	"annotation is set to DST.\n"
	"\n"
	"The IP header has TTL 250, TOS 0, no fragment flags, and an IP ID that\n"
	"starts at 0 and increases by one per packet. The network header annotation\n"
	"is set to the new IP header.\n"
	"\n"
	"Documentation and FastClick differ: FastClick leaves CHECKSUM\n"
	"uninitialised when it is not given; weir follows the documentation\n"
	"(default true).\n"
	"\n"
	"Keywords:\n"
	"  SRC       IP address. Mandatory.\n"
	"  SPORT     UDP port 0..65535. Mandatory.\n"
	"  DST       IP address or DST_ANNO. Mandatory.\n"
	"  DPORT     UDP port 0..65535. Mandatory.\n"
	"  CHECKSUM  Boolean. Compute the UDP checksum. Default true.\n"
	"\n"
	"Handlers:\n"
	"  src, sport, dst, dport (read/write)  the corresponding arguments.\n"
	"\n"
	"Example:\n"
	"  ... -> UDPIPEncap(1.0.0.1, 1234, 2.0.0.2, 1234)\n"
	"      -> EtherEncap(0x0800, 1:1:1:1:1:1, 2:2:2:2:2:2) -> ...\n";

#define UDPIP_HLEN (WEIR_IP_HDR_LEN + (uint32_t)sizeof(struct weir_udp_hdr))

struct udpipencap {
	uint32_t src;      /* network order */
	uint32_t sport;
	char *dst_word;
	uint32_t dport;
	bool cksum;
	uint32_t dst;      /* network order */
	bool use_dst_anno;
	_Atomic uint32_t id;
};

struct udpipencap_pt {
	uint64_t drops;
};

static const struct weir_arg udpipencap_args[] = {
	{ "SRC", WEIR_ARG_IP4, offsetof(struct udpipencap, src),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "source address" },
	{ "SPORT", WEIR_ARG_UINT, offsetof(struct udpipencap, sport),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY | WEIR_ARGF_BOUNDED, .min = 0, .max = 65535,
	  .help = "source port" },
	{ "DST", WEIR_ARG_WORD, offsetof(struct udpipencap, dst_word),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "destination address or DST_ANNO" },
	{ "DPORT", WEIR_ARG_UINT, offsetof(struct udpipencap, dport),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY | WEIR_ARGF_BOUNDED, .min = 0, .max = 65535,
	  .help = "destination port" },
	{ "CHECKSUM", WEIR_ARG_BOOL, offsetof(struct udpipencap, cksum), WEIR_ARGF_POSITIONAL,
	  .def = "true", .help = "compute the UDP checksum" },
	WEIR_ARG_END
};

static int
udpipencap_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct udpipencap *u = e->priv;
	(void)conf;
	if (strcmp(u->dst_word, "DST_ANNO") == 0) {
		u->use_dst_anno = true;
		u->dst = 0;
	} else if (weir_parse_ip4(u->dst_word, &u->dst) == 0) {
		u->use_dst_anno = false;
	} else {
		return weir_error(errh, "DST: expected IP address or 'DST_ANNO', got '%s'",
				  u->dst_word);
	}
	return 0;
}

static struct weir_packet *
udpipencap_one(const struct udpipencap *u, struct weir_packet *p, uint16_t id)
{
	p = weir_packet_push(p, UDPIP_HLEN);
	if (!p)
		return NULL;
	if (p->len > 0xFFFF) {
		weir_packet_kill(p);
		return NULL;
	}
	struct weir_ip_hdr *ip = (struct weir_ip_hdr *)p->data;
	struct weir_udp_hdr *udp = (struct weir_udp_hdr *)(p->data + WEIR_IP_HDR_LEN);
	uint32_t dst = u->use_dst_anno ? weir_dst_ip_anno(p) : u->dst;
	uint16_t ulen = (uint16_t)(p->len - WEIR_IP_HDR_LEN);
	ip->vihl = 0x45;
	ip->tos = 0;
	ip->len = htons((uint16_t)p->len);
	ip->id = htons(id);
	ip->off = 0;
	ip->ttl = 250;
	ip->p = WEIR_IPPROTO_UDP;
	ip->src = u->src;
	ip->dst = dst;
	weir_ip_set_cksum(ip, WEIR_IP_HDR_LEN);
	if (!u->use_dst_anno)
		weir_set_dst_ip_anno(p, dst);
	weir_packet_set_network_header(p, p->data);
	weir_packet_set_transport_header(p, p->data + WEIR_IP_HDR_LEN);
	udp->sport = htons((uint16_t)u->sport);
	udp->dport = htons((uint16_t)u->dport);
	udp->len = htons(ulen);
	udp->sum = 0;
	if (u->cksum)
		udp->sum = weir_l4_cksum(u->src, dst, WEIR_IPPROTO_UDP, udp, ulen);
	return p;
}

static void
udpipencap_action(struct weir_element *e, struct weir_batch *b)
{
	struct udpipencap *u = e->priv;
	/* one atomic per batch: IDs stay unique across threads, in packet order */
	uint32_t id = atomic_fetch_add_explicit(&u->id, b->n, memory_order_relaxed);
	for (uint32_t i = 0; i < b->n; i++) {
		b->pkts[i] = udpipencap_one(u, b->pkts[i], (uint16_t)(id + i));
		if (weir_unlikely(!b->pkts[i])) {
			struct udpipencap_pt *pt = weir_element_pt(e);
			pt->drops++;
		}
	}
}

enum { UH_SRC, UH_SPORT, UH_DST, UH_DPORT };

static int
udpipencap_read(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	const struct udpipencap *u = e->priv;
	char buf[16];
	switch (h->arg) {
	case UH_SRC:
		weir_format_ip4(u->src, buf);
		weir_strbuf_printf(out, "%s", buf);
		break;
	case UH_SPORT:
		weir_strbuf_printf(out, "%u", (unsigned)u->sport);
		break;
	case UH_DST:
		if (u->use_dst_anno) {
			weir_strbuf_printf(out, "DST_ANNO");
		} else {
			weir_format_ip4(u->dst, buf);
			weir_strbuf_printf(out, "%s", buf);
		}
		break;
	default:
		weir_strbuf_printf(out, "%u", (unsigned)u->dport);
		break;
	}
	return 0;
}

static int
udpipencap_write(struct weir_element *e, const char *value, const struct weir_handler *h,
		 struct weir_errh *errh)
{
	struct udpipencap *u = e->priv;
	uint32_t v;
	switch (h->arg) {
	case UH_SRC:
		if (weir_parse_ip4(value, &v) < 0)
			return weir_error(errh, "SRC: expected IP address, got '%s'", value);
		u->src = v;
		return 0;
	case UH_DST:
		if (strcmp(value, "DST_ANNO") == 0) {
			u->use_dst_anno = true;
			u->dst = 0;
			return 0;
		}
		if (weir_parse_ip4(value, &v) < 0)
			return weir_error(errh, "DST: expected IP address or 'DST_ANNO', got '%s'",
					  value);
		u->dst = v;
		u->use_dst_anno = false;
		return 0;
	default:
		if (weir_parse_uint(value, &v) < 0 || v > 65535)
			return weir_error(errh, "%s: expected port 0..65535, got '%s'",
					  h->arg == UH_SPORT ? "SPORT" : "DPORT", value);
		if (h->arg == UH_SPORT)
			u->sport = v;
		else
			u->dport = v;
		return 0;
	}
}

static const struct weir_handler udpipencap_handlers[] = {
	{ .name = "src", .read = udpipencap_read, .write = udpipencap_write, .arg = UH_SRC },
	{ .name = "sport", .read = udpipencap_read, .write = udpipencap_write, .arg = UH_SPORT },
	{ .name = "dst", .read = udpipencap_read, .write = udpipencap_write, .arg = UH_DST },
	{ .name = "dport", .read = udpipencap_read, .write = udpipencap_write, .arg = UH_DPORT },
	WEIR_HANDLER_END
};

static const struct weir_element_class udpipencap_class = {
	.name = "UDPIPEncap",
	.port_count = "1/1",
	.processing = "a/a",
	.priv_size = sizeof(struct udpipencap),
	.pt_size = sizeof(struct udpipencap_pt),
	.args = udpipencap_args,
	.configure = udpipencap_configure,
	.simple_action = udpipencap_action,
	.handlers = udpipencap_handlers,
	.doc = udpipencap_doc,
};
WEIR_ELEMENT_REGISTER(udpipencap_class)
