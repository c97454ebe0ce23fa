/* hostetherfilter.c - HostEtherFilter: drops frames for other hosts, sets packet types. */
/*
 * =c
 * HostEtherFilter(ETHER [, DROP_OWN, DROP_OTHER, KEYWORDS OFFSET])
 *
 * =s ethernet
 * drops Ethernet packets sent to other machines
 *
 * =d
 * Expects Ethernet frames (the Ethernet header starting OFFSET bytes into
 * the packet) and sets their packet type annotation: HOST when the
 * destination address is ETHER, BROADCAST for FF-FF-FF-FF-FF-FF, MULTICAST
 * for other group addresses, OTHERHOST for the rest. Frames for other hosts
 * are dropped when DROP_OTHER is true; frames sent by ETHER itself are
 * dropped when DROP_OWN is true. Dropped frames go to output 1 if there is
 * one.
 *
 * Click reads the addresses without checking the length; weir treats a
 * packet shorter than OFFSET + 12 bytes as dropped (output 1, or killed)
 * and counts it in the bad handler.
 *
 * Keywords:
 *   ETHER       Ethernet address; this host's address. Mandatory.
 *   DROP_OWN    Boolean; drop frames whose source is ETHER. Default false.
 *   DROP_OTHER  Boolean; drop frames for other hosts. Default true.
 *   OFFSET      unsigned; offset of the Ethernet header. Default 0.
 *
 * =h ether read/write
 * Return or set the ETHER argument (read as 00-05-4E-50-3C-1A).
 * =h bad read-only
 * Packets too short to hold the Ethernet addresses (weir addition).
 *
 * =e
 *   FromDevice(eth0) -> HostEtherFilter(00:e0:98:09:ab:af) -> ...
 *
 * =a SetPacketType
 */
#include <inttypes.h>
#include <stddef.h>
#include <string.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/ip.h"

static const char hostetherfilter_doc[] =
	"HostEtherFilter(ETHER [, DROP_OWN, DROP_OTHER, KEYWORDS OFFSET])\n"
	"\n"
	"Drops Ethernet packets sent to other machines.\n"
	"\n"
	"Expects Ethernet frames (the Ethernet header starting OFFSET bytes into\n"
	"the packet) and sets their packet type annotation: HOST when the\n"
	"destination address is ETHER, BROADCAST for FF-FF-FF-FF-FF-FF, MULTICAST\n"
	"for other group addresses, OTHERHOST for the rest. Frames for other hosts\n"
	"are dropped when DROP_OTHER is true; frames sent by ETHER itself are\n"
	"dropped when DROP_OWN is true. Dropped frames go to output 1 if there is\n"
	"one.\n"
	"\n"
	"Click reads the addresses without checking the length; weir treats a\n"
	"packet shorter than OFFSET + 12 bytes as dropped (output 1, or killed)\n"
	"and counts it in the bad handler.\n"
	"\n"
	"Keywords:\n"
	"  ETHER       Ethernet address; this host's address. Mandatory.\n"
	"  DROP_OWN    Boolean; drop frames whose source is ETHER. Default false.\n"
	"  DROP_OTHER  Boolean; drop frames for other hosts. Default true.\n"
	"  OFFSET      unsigned; offset of the Ethernet header. Default 0.\n"
	"\n"
	"Handlers:\n"
	"  ether (read/write)  the ETHER argument (read as 00-05-4E-50-3C-1A)\n"
	"  bad (read-only)     packets too short to hold the Ethernet addresses\n"
	"\n"
	"Example:\n"
	"  FromDevice(eth0) -> HostEtherFilter(00:e0:98:09:ab:af) -> ...\n";

struct hostetherfilter {
	uint8_t addr[WEIR_ETHER_ADDR_LEN];
	bool drop_own;
	bool drop_other;
	uint32_t offset;
};

struct hostetherfilter_pt {
	uint64_t bad;
};

static const struct weir_arg hostetherfilter_args[] = {
	{ "ETHER", WEIR_ARG_ETHER, offsetof(struct hostetherfilter, addr),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "this host's address" },
	{ "DROP_OWN", WEIR_ARG_BOOL, offsetof(struct hostetherfilter, drop_own),
	  WEIR_ARGF_POSITIONAL, .def = "false", .help = "drop frames sent by ETHER" },
	{ "DROP_OTHER", WEIR_ARG_BOOL, offsetof(struct hostetherfilter, drop_other),
	  WEIR_ARGF_POSITIONAL, .def = "true", .help = "drop frames for other hosts" },
	{ "OFFSET", WEIR_ARG_UINT, offsetof(struct hostetherfilter, offset), WEIR_ARGF_BOUNDED,
	  .def = "0", .min = 0, .max = 0xFFFF, .help = "offset of the Ethernet header" },
	WEIR_ARG_END
};

static const uint8_t hostetherfilter_bcast[WEIR_ETHER_ADDR_LEN] = { 0xFF, 0xFF, 0xFF,
								     0xFF, 0xFF, 0xFF };

static void
hostetherfilter_classify(struct weir_element *e, struct weir_batch *b, uint8_t *ports)
{
	const struct hostetherfilter *f = e->priv;
	uint8_t drop = e->noutputs > 1 ? 1 : WEIR_PORT_DROP;
	for (uint32_t i = 0; i < b->n; i++) {
		struct weir_packet *p = b->pkts[i];
		if (weir_unlikely(p->len < f->offset + 2 * WEIR_ETHER_ADDR_LEN)) {
			((struct hostetherfilter_pt *)weir_element_pt(e))->bad++;
			ports[i] = drop;
			continue;
		}
		const struct weir_ether_hdr *eh = (const void *)(p->data + f->offset);
		ports[i] = 0;
		if (f->drop_own && memcmp(eh->src, f->addr, WEIR_ETHER_ADDR_LEN) == 0) {
			ports[i] = drop;
		} else if (memcmp(eh->dst, f->addr, WEIR_ETHER_ADDR_LEN) == 0) {
			p->packet_type = WEIR_PKT_HOST;
		} else if (memcmp(eh->dst, hostetherfilter_bcast, WEIR_ETHER_ADDR_LEN) == 0) {
			p->packet_type = WEIR_PKT_BROADCAST;
		} else if (eh->dst[0] & 0x01) {
			p->packet_type = WEIR_PKT_MULTICAST;
		} else {
			p->packet_type = WEIR_PKT_OTHERHOST;
			if (f->drop_other)
				ports[i] = drop;
		}
	}
}

static int
hostetherfilter_read(struct weir_element *e, const struct weir_handler *h,
		     struct weir_strbuf *out)
{
	const struct hostetherfilter *f = e->priv;
	const uint8_t *a = f->addr;
	weir_strbuf_printf(out, "%02X-%02X-%02X-%02X-%02X-%02X", a[0], a[1], a[2], a[3], a[4],
			   a[5]);
	return 0;
}

static int
hostetherfilter_write(struct weir_element *e, const char *value, const struct weir_handler *h,
		      struct weir_errh *errh)
{
	struct hostetherfilter *f = e->priv;
	if (weir_parse_ether(value, f->addr) < 0)
		return weir_error(errh, "ETHER: expected Ethernet address, got '%s'", value);
	return 0;
}

static int
hostetherfilter_read_bad(struct weir_element *e, const struct weir_handler *h,
			 struct weir_strbuf *out)
{
	weir_strbuf_printf(out, "%" PRIu64, WEIR_PT_SUM(e, struct hostetherfilter_pt, bad));
	return 0;
}

static const struct weir_handler hostetherfilter_handlers[] = {
	{ .name = "ether", .read = hostetherfilter_read, .write = hostetherfilter_write },
	{ .name = "bad", .read = hostetherfilter_read_bad },
	WEIR_HANDLER_END
};

static const struct weir_element_class hostetherfilter_class = {
	.name = "HostEtherFilter",
	.port_count = "1/1-2",
	.processing = "a/ah",
	.priv_size = sizeof(struct hostetherfilter),
	.pt_size = sizeof(struct hostetherfilter_pt),
	.args = hostetherfilter_args,
	.classify = hostetherfilter_classify,
	.handlers = hostetherfilter_handlers,
	.doc = hostetherfilter_doc,
};
WEIR_ELEMENT_REGISTER(hostetherfilter_class)
