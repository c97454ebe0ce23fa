/* rsshashswitch.c - RSSHashSwitch: spreads packets over outputs by a symmetric flow hash, as NIC RSS does. */
#include "weir/args.h"
#include "weir/element.h"
#include "weir/ip.h"

/*
 * RSSHashSwitch([MAX, KEYWORDS OFFSET])
 *
 * classifies packets by flow, like a NIC's receive-side scaling
 *
 * Sends every packet of a flow to the same output, so that the outputs (one
 * per thread, typically followed by Pipeliner or ThreadSafeQueue) each see
 * whole flows. The flow is the IPv4 5-tuple (addresses, protocol, and TCP or
 * UDP ports of unfragmented packets and first fragments) of the IP header at
 * OFFSET bytes (default 14, after an Ethernet header; -1 uses the network
 * header annotation). The hash is symmetric: both directions of a connection
 * go to the same output. Packets that are not IPv4 go to output 0. Outputs
 * used are those below MAX (default: all). weir has no NIC hash to reuse,
 * so this one is computed in software.
 *
 * Example:
 *   FromDump(t.pcap) -> r :: RSSHashSwitch;
 *   r[0] -> Pipeliner(THREAD 0) -> Counter -> Discard;
 *   r[1] -> Pipeliner(THREAD 1) -> Counter -> Discard;
 */
static const char rss_doc[] =
	"RSSHashSwitch([MAX, KEYWORDS OFFSET])\n"
	"\n"
	"classifies packets by flow, like a NIC's receive-side scaling\n"
	"\n"
	"Sends every packet of a flow to the same output, so that the outputs (one\n"
	"per thread, typically followed by Pipeliner or ThreadSafeQueue) each see\n"
	"whole flows. The flow is the IPv4 5-tuple (addresses, protocol, and TCP or\n"
	"UDP ports of unfragmented packets and first fragments) of the IP header at\n"
	"OFFSET bytes (default 14, after an Ethernet header; -1 uses the network\n"
	"header annotation). The hash is symmetric: both directions of a connection\n"
	"go to the same output. Packets that are not IPv4 go to output 0. Outputs\n"
	"used are those below MAX (default: all). weir has no NIC hash to reuse,\n"
	"so this one is computed in software.\n"
	"\n"
	"Example:\n"
	"  FromDump(t.pcap) -> r :: RSSHashSwitch;\n"
	"  r[0] -> Pipeliner(THREAD 0) -> Counter -> Discard;\n"
	"  r[1] -> Pipeliner(THREAD 1) -> Counter -> Discard;\n";

struct rss {
	uint32_t max;
	int32_t offset;
	uint32_t n; /* outputs used */
};

static const struct weir_arg rss_args[] = {
	{ "MAX", WEIR_ARG_UINT, offsetof(struct rss, max), WEIR_ARGF_POSITIONAL, .def = "0",
	  .help = "outputs used (0: all)" },
	{ "OFFSET", WEIR_ARG_INT, offsetof(struct rss, offset), WEIR_ARGF_BOUNDED, .def = "14",
	  .min = -1, .max = 65535, .help = "IP header offset (-1: annotation)" },
	WEIR_ARG_END
};

static void
rss_classify(struct weir_element *e, struct weir_batch *b, uint8_t *ports)
{
	const struct rss *s = e->priv;

	for (uint32_t i = 0; i < b->n; i++) {
		const struct weir_packet *p = b->pkts[i];
		const uint8_t *ip;
		uint32_t avail;

		if (s->offset >= 0) {
			ip = p->data + s->offset;
			avail = p->len > (uint32_t)s->offset ? p->len - (uint32_t)s->offset : 0;
		} else {
			ip = weir_packet_network_header(p);
			avail = ip ? (uint32_t)(p->data + p->len - ip) : 0;
		}
		/* after an Ethernet header, the EtherType must say IPv4 */
		if (ip == NULL || avail < WEIR_IP_HDR_LEN || (ip[0] >> 4) != 4 ||
		    (s->offset == 14 && (p->data[12] != 0x08 || p->data[13] != 0x00))) {
			ports[i] = 0;
			continue;
		}
		ports[i] = (uint8_t)(weir_ip_flow_hash(ip, avail) % s->n);
	}
}

static int
rss_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct rss *s = e->priv;

	s->n = (uint32_t)e->noutputs;
	if (s->max > 0 && s->max < s->n)
		s->n = s->max;
	if (s->n > 256)
		return weir_error(errh, "at most 256 outputs, have %d", e->noutputs);
	return 0;
}

static const struct weir_element_class rsshashswitch_class = {
	.name = "RSSHashSwitch",
	.port_count = "1/1-",
	.processing = "h/h",
	.priv_size = sizeof(struct rss),
	.args = rss_args,
	.configure = rss_configure,
	.classify = rss_classify,
	.doc = rss_doc,
};
WEIR_ELEMENT_REGISTER(rsshashswitch_class)
