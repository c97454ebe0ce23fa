/* ethermirror.c - EtherMirror: swaps the Ethernet source and destination addresses. */
/*
 * =c
 * EtherMirror
 *
 * =s ethernet
 * swaps Ethernet source and destination
 *
 * =d
 * Incoming packets are Ethernet. Their source and destination Ethernet
 * addresses are swapped before they are output.
 *
 * Click does not check the length; weir drops packets shorter than an
 * Ethernet header (14 bytes) instead of reading past their end, and counts
 * them in the drops handler.
 *
 * =h drops read-only
 * Packets dropped because they were too short (weir addition).
 *
 * =e
 *   FromDump(in.pcap) -> EtherMirror -> ToDump(out.pcap)
 *
 * =a IPMirror
 */
#include <inttypes.h>
#include <string.h>
#include "weir/element.h"
#include "weir/ip.h"

static const char ethermirror_doc[] =
	"EtherMirror\n"
	"\n"
	"Swaps Ethernet source and destination.\n"
	"\n"
	"Incoming packets are Ethernet. Their source and destination Ethernet\n"
	"addresses are swapped before they are output.\n"
	"\n"
	"Click does not check the length; weir drops packets shorter than an\n"
	"Ethernet header (14 bytes) instead of reading past their end, and counts\n"
	"them in the drops handler.\n"
	"\n"
	"Handler:\n"
	"  drops (read-only)  packets dropped because they were too short\n"
	"\n"
	"Example:\n"
	"  FromDump(in.pcap) -> EtherMirror -> ToDump(out.pcap)\n";

struct ethermirror_pt {
	uint64_t drops;
};

static void
ethermirror_action(struct weir_element *e, struct weir_batch *b)
{
	for (uint32_t i = 0; i < b->n; i++) {
		struct weir_packet *p = b->pkts[i];
		if (weir_unlikely(p->len < WEIR_ETHER_HDR_LEN)) {
			weir_packet_kill(p);
			p = NULL;
		} else {
			p = weir_packet_uniqueify(p);
		}
		b->pkts[i] = p;
		if (weir_unlikely(!p)) {
			((struct ethermirror_pt *)weir_element_pt(e))->drops++;
			continue;
		}
		struct weir_ether_hdr *eh = (struct weir_ether_hdr *)p->data;
		uint8_t tmp[WEIR_ETHER_ADDR_LEN];
		memcpy(tmp, eh->dst, WEIR_ETHER_ADDR_LEN);
		memcpy(eh->dst, eh->src, WEIR_ETHER_ADDR_LEN);
		memcpy(eh->src, tmp, WEIR_ETHER_ADDR_LEN);
	}
}

static int
ethermirror_read_drops(struct weir_element *e, const struct weir_handler *h,
		       struct weir_strbuf *out)
{
	weir_strbuf_printf(out, "%" PRIu64, WEIR_PT_SUM(e, struct ethermirror_pt, drops));
	return 0;
}

static const struct weir_handler ethermirror_handlers[] = {
	{ .name = "drops", .read = ethermirror_read_drops },
	WEIR_HANDLER_END
};

static const struct weir_element_class ethermirror_class = {
	.name = "EtherMirror",
	.port_count = "1/1",
	.processing = "a/a",
	.pt_size = sizeof(struct ethermirror_pt),
	.simple_action = ethermirror_action,
	.handlers = ethermirror_handlers,
	.doc = ethermirror_doc,
};
WEIR_ELEMENT_REGISTER(ethermirror_class)
