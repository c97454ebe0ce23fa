/* setudpchecksum.c - SetUDPChecksum: computes and stores the UDP checksum of UDP/IP packets. */
/*
 * =c
 * SetUDPChecksum
 *
 * =s udp
 * sets UDP packets' checksums
 *
 * =d
 * Input packets must be UDP/IP packets with the IP header annotation set.
 * SetUDPChecksum computes the UDP checksum over the UDP length given in the
 * header and Click's pseudo-header (the final hop of a source route option
 * stands for the destination) and stores it in the header. The IP checksum
 * is not changed.
 *
 * Fragments, and packets too short for their UDP header or for the UDP
 * length, are sent unchanged to output 1 if it exists, and dropped
 * otherwise (the first such packet prints a message then).
 *
 * =h drops read-only
 * Packets sent to output 1 or dropped (a weir addition).
 *
 * =e
 *   ... -> SetUDPChecksum -> SetIPChecksum -> ...
 *
 * =a CheckUDPHeader, SetTCPChecksum, SetIPChecksum
 */
#include <inttypes.h>
#include <stdio.h>
#include "weir/args.h"
#include "weir/element.h"
#include "l4_priv.h"

static const char setudpchecksum_doc[] =
	"SetUDPChecksum\n"
	"\n"
	"Sets UDP packets' checksums.\n"
	"\n"
	"Input packets must be UDP/IP packets with the IP header annotation set.\n"
	"SetUDPChecksum computes the UDP checksum over the UDP length given in the\n"
	"header and Click's pseudo-header (the final hop of a source route option\n"
	"stands for the destination) and stores it in the header. The IP checksum\n"
	"is not changed.\n"
	"\n"
	"Fragments, and packets too short for their UDP header or for the UDP\n"
	"length, are sent unchanged to output 1 if it exists, and dropped\n"
	"otherwise (the first such packet prints a message then).\n"
	"\n"
	"Handler:\n"
	"  drops (read-only)  packets sent to output 1 or dropped (a weir addition)\n"
	"\n"
	"Example:\n"
	"  ... -> SetUDPChecksum -> SetIPChecksum -> ...\n"
	"\n"
	"See also: CheckUDPHeader, SetTCPChecksum, SetIPChecksum.\n";

struct setudpchecksum {
	bool warned;
};

struct setudpchecksum_pt {
	uint64_t drops;
};

/* Returns true when the checksum was set, false for a packet for output 1. */
static bool
setudpchecksum_one(struct weir_packet *p)
{
	uint32_t avail;
	struct weir_ip_hdr *ip = l4_ip_header(p, &avail);

	if (!ip || avail < WEIR_IP_HDR_LEN || weir_ip_is_fragment(ip))
		return false;
	unsigned hlen = weir_ip_hlen(ip);
	if (hlen < WEIR_IP_HDR_LEN || avail < hlen + sizeof(struct weir_udp_hdr))
		return false;
	struct weir_udp_hdr *udp = (void *)((uint8_t *)ip + hlen);
	unsigned len = ntohs(udp->len);
	if (avail - hlen < len || len < sizeof(struct weir_udp_hdr))
		return false;
	udp->sum = 0;
	udp->sum = l4_cksum(ip, hlen, udp, (uint16_t)len);
	return true;
}

static void
setudpchecksum_classify(struct weir_element *e, struct weir_batch *b, uint8_t *ports)
{
	struct setudpchecksum *s = e->priv;
	struct setudpchecksum_pt *pt = weir_element_pt(e);
	uint32_t k = 0;

	for (uint32_t i = 0; i < b->n; i++) {
		struct weir_packet *p = weir_packet_uniqueify(b->pkts[i]);
		if (!p) {
			pt->drops++;
			continue;
		}
		b->pkts[k] = p;
		if (weir_likely(setudpchecksum_one(p))) {
			ports[k++] = 0;
			continue;
		}
		pt->drops++;
		ports[k++] = 1;
		if (e->noutputs == 1 && !s->warned) {
			s->warned = true;
			fprintf(stderr, "%s: fragment or short packet\n", e->name);
		}
	}
	b->n = k;
}

static int
setudpchecksum_read_drops(struct weir_element *e, const struct weir_handler *h,
			  struct weir_strbuf *out)
{
	weir_strbuf_printf(out, "%" PRIu64, WEIR_PT_SUM(e, struct setudpchecksum_pt, drops));
	return 0;
}

static const struct weir_handler setudpchecksum_handlers[] = {
	{ .name = "drops", .read = setudpchecksum_read_drops },
	WEIR_HANDLER_END
};

static const struct weir_element_class setudpchecksum_class = {
	.name = "SetUDPChecksum",
	.port_count = "1/1-2",
	.processing = "a/ah",
	.priv_size = sizeof(struct setudpchecksum),
	.pt_size = sizeof(struct setudpchecksum_pt),
	.classify = setudpchecksum_classify,
	.handlers = setudpchecksum_handlers,
	.doc = setudpchecksum_doc,
};
WEIR_ELEMENT_REGISTER(setudpchecksum_class)
