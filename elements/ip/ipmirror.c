/* ipmirror.c - IPMirror: swaps IP source and destination (and TCP/UDP ports). */
/*
 * =c
 * IPMirror([DST_ANNO])
 *
 * =s ip
 * swaps IP source and destination
 *
 * =d
 * Incoming packets must have their IP header annotations set. Swaps packets'
 * source and destination IP addresses. Packets containing TCP or UDP headers
 * -- that is, first fragments of packets with protocol 6 or 17 -- also have
 * their source and destination ports swapped. TCP packets also have their
 * seq and ack numbers swapped. Later fragments keep their bytes after the IP
 * header unchanged.
 *
 * The IP and TCP or UDP checksums are not changed. They don't need to be;
 * these swap operations do not affect checksums.
 *
 * Packets without an IP header annotation, or whose IP header is not
 * complete in the packet, are dropped and counted (Click would read out of
 * bounds). Ports are swapped only when 8 bytes of transport header are
 * present, and TCP seq/ack numbers only when 12 are (Click reads them from
 * 8).
 *
 * Keywords:
 *   DST_ANNO  Boolean. If true, sets the destination IP address annotation
 *             to the new destination address. Default true.
 *
 * =h drops read-only
 * Packets dropped because they had no complete IP header (weir extension).
 *
 * =e
 *   ... -> CheckIPHeader -> IPMirror -> ...
 *
 * =a ICMPPingResponder, EtherMirror
 */
#include <inttypes.h>
#include <stddef.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/ip.h"

static const char ipmirror_doc[] =
	"IPMirror([DST_ANNO])\n"
	"\n"
	"Swaps IP source and destination.\n"
	"\n"
	"Incoming packets must have their IP header annotations set. Swaps packets'\n"
	"source and destination IP addresses. Packets containing TCP or UDP headers\n"
	"-- that is, first fragments of packets with protocol 6 or 17 -- also have\n"
	"their source and destination ports swapped. TCP packets also have their\n"
	"seq and ack numbers swapped. Later fragments keep their bytes after the IP\n"
	"header unchanged.\n"
	"\n"
	"The IP and TCP or UDP checksums are not changed. They don't need to be;\n"
	"these swap operations do not affect checksums.\n"
	"\n"
	"Packets without an IP header annotation, or whose IP header is not\n"
	"complete in the packet, are dropped and counted (Click would read out of\n"
	"bounds). Ports are swapped only when 8 bytes of transport header are\n"
	"present, and TCP seq/ack numbers only when 12 are (Click reads them from\n"
	"8).\n"
	"\n"
	"Keywords:\n"
	"  DST_ANNO  Boolean. If true, sets the destination IP address annotation\n"
	"            to the new destination address. Default true.\n"
	"\n"
	"Handler:\n"
	"  drops (read)  packets dropped for lack of an IP header (weir extension).\n"
	"\n"
	"Example:\n"
	"  ... -> CheckIPHeader -> IPMirror -> ...\n";

struct ipmirror {
	bool dst_anno;
};

struct ipmirror_pt {
	uint64_t drops;
};

static const struct weir_arg ipmirror_args[] = {
	{ "DST_ANNO", WEIR_ARG_BOOL, offsetof(struct ipmirror, dst_anno), WEIR_ARGF_POSITIONAL,
	  .def = "true", .help = "set the destination IP annotation" },
	WEIR_ARG_END
};

/* Mirror p in place; false when p has no complete IP header. */
static bool
ipmirror_one(const struct ipmirror *m, struct weir_packet *p)
{
	uint8_t *nh = weir_packet_network_header(p);
	uint8_t *end = weir_packet_end_data(p);
	if (!nh || nh < p->data || nh + WEIR_IP_HDR_LEN > end)
		return false;
	struct weir_ip_hdr *ip = (struct weir_ip_hdr *)nh;
	uint32_t a = ip->src;
	ip->src = ip->dst;
	ip->dst = a;
	if (m->dst_anno)
		weir_set_dst_ip_anno(p, a);
	if ((ip->p != WEIR_IPPROTO_TCP && ip->p != WEIR_IPPROTO_UDP) ||
	    !weir_ip_is_first_fragment(ip))
		return true;
	uint8_t *th = weir_packet_transport_header(p);
	if (!th)
		th = nh + weir_ip_hlen(ip);
	if (th < p->data || th > end || end - th < 8)
		return true;
	struct weir_udp_hdr *udp = (struct weir_udp_hdr *)th;
	uint16_t port = udp->sport;
	udp->sport = udp->dport;
	udp->dport = port;
	if (ip->p == WEIR_IPPROTO_TCP && end - th >= 12) {
		struct weir_tcp_hdr *tcp = (struct weir_tcp_hdr *)th;
		uint32_t seq = tcp->seq;
		tcp->seq = tcp->ack;
		tcp->ack = seq;
	}
	return true;
}

static void
ipmirror_action(struct weir_element *e, struct weir_batch *b)
{
	const struct ipmirror *m = e->priv;
	for (uint32_t i = 0; i < b->n; i++) {
		struct weir_packet *p = weir_packet_uniqueify(b->pkts[i]);
		if (weir_likely(p && ipmirror_one(m, p))) {
			b->pkts[i] = p;
			continue;
		}
		if (p)
			weir_packet_kill(p);
		b->pkts[i] = NULL;
		struct ipmirror_pt *pt = weir_element_pt(e);
		pt->drops++;
	}
}

static int
ipmirror_read_drops(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	(void)h;
	weir_strbuf_printf(out, "%" PRIu64, WEIR_PT_SUM(e, struct ipmirror_pt, drops));
	return 0;
}

static const struct weir_handler ipmirror_handlers[] = {
	{ .name = "drops", .read = ipmirror_read_drops },
	WEIR_HANDLER_END
};

static const struct weir_element_class ipmirror_class = {
	.name = "IPMirror",
	.port_count = "1/1",
	.processing = "a/a",
	.priv_size = sizeof(struct ipmirror),
	.pt_size = sizeof(struct ipmirror_pt),
	.args = ipmirror_args,
	.simple_action = ipmirror_action,
	.handlers = ipmirror_handlers,
	.doc = ipmirror_doc,
};
WEIR_ELEMENT_REGISTER(ipmirror_class)
