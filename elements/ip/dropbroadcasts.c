/* dropbroadcasts.c - DropBroadcasts: drops packets that arrived as link-level broadcast or multicast. */
/*
 * =c
 * DropBroadcasts
 *
 * =s annotations
 * drops link-level broadcast and multicast packets
 *
 * =d
 * Drops packets that arrived as link-level broadcast or multicast, as IP
 * routers must not forward them. Looks at the packet type annotation, which
 * FromDevice and HostEtherFilter set: BROADCAST and MULTICAST packets go to
 * output 1 if it is connected, else they are dropped; the first one prints
 * "DropBroadcasts: dropped a packet" on standard error. Other packets leave
 * on output 0.
 *
 * =h drops read-only
 * Number of broadcast and multicast packets seen.
 *
 * =a FromDevice, HostEtherFilter
 */
#include <stdio.h>
#include "weir/element.h"
#include "weir/packet.h"

static const char dropbroadcasts_doc[] =
	"DropBroadcasts\n"
	"\n"
	"Drops link-level broadcast and multicast packets.\n"
	"\n"
	"Drops packets that arrived as link-level broadcast or multicast, as IP\n"
	"routers must not forward them. Looks at the packet type annotation, which\n"
	"FromDevice and HostEtherFilter set: BROADCAST and MULTICAST packets go to\n"
	"output 1 if it is connected, else they are dropped; the first one prints\n"
	"\"DropBroadcasts: dropped a packet\" on standard error. Other packets leave\n"
	"on output 0.\n"
	"\n"
	"Handler:\n"
	"  drops (read)  number of broadcast and multicast packets seen.\n";

struct dropbroadcasts_pt {
	uint64_t drops;
};

struct dropbroadcasts {
	bool warned;
};

static void
dropbroadcasts_classify(struct weir_element *e, struct weir_batch *b, uint8_t *ports)
{
	struct dropbroadcasts *d = e->priv;
	struct dropbroadcasts_pt *pt = weir_element_pt(e);
	uint8_t bad = e->noutputs > 1 ? 1 : WEIR_PORT_DROP;
	for (uint32_t i = 0; i < b->n; i++) {
		uint8_t t = b->pkts[i]->packet_type;
		if (t != WEIR_PKT_BROADCAST && t != WEIR_PKT_MULTICAST) {
			ports[i] = 0;
			continue;
		}
		if (!d->warned) {
			d->warned = true;
			fprintf(stderr, "DropBroadcasts: dropped a packet\n");
		}
		pt->drops++;
		ports[i] = bad;
	}
}

static int
dropbroadcasts_read_drops(struct weir_element *e, const struct weir_handler *h,
			  struct weir_strbuf *out)
{
	(void)h;
	weir_strbuf_printf(out, "%llu",
			   (unsigned long long)WEIR_PT_SUM(e, struct dropbroadcasts_pt, drops));
	return 0;
}

static const struct weir_handler dropbroadcasts_handlers[] = {
	{ .name = "drops", .read = dropbroadcasts_read_drops },
	WEIR_HANDLER_END
};

static const struct weir_element_class dropbroadcasts_class = {
	.name = "DropBroadcasts",
	.port_count = "1/1-2",
	.processing = "a/ah",
	.priv_size = sizeof(struct dropbroadcasts),
	.pt_size = sizeof(struct dropbroadcasts_pt),
	.classify = dropbroadcasts_classify,
	.handlers = dropbroadcasts_handlers,
	.doc = dropbroadcasts_doc,
};
WEIR_ELEMENT_REGISTER(dropbroadcasts_class)
