/* striptonetworkheader.c - StripToNetworkHeader: moves the packet start to the network header. */
/*
 * =c
 * StripToNetworkHeader()
 *
 * =s basicmod
 * strips everything preceding network header
 *
 * =d
 * Strips any data preceding the network header from every passing packet.
 * If the network header annotation points before the start of the packet
 * data, the data pointer moves back to it (no copy). Packets without a
 * network header annotation pass unchanged.
 *
 * =e
 *   Strip(14) -> CheckIPHeader -> ... -> StripToNetworkHeader -> ...
 *
 * =a Strip, Unstrip, CheckIPHeader, MarkIPHeader
 */
#include "weir/args.h"
#include "weir/element.h"

static const char striptonet_doc[] =
	"StripToNetworkHeader()\n"
	"\n"
	"Strips everything preceding network header.\n"
	"\n"
	"Strips any data preceding the network header from every passing packet.\n"
	"If the network header annotation points before the start of the packet\n"
	"data, the data pointer moves back to it (no copy). Packets without a\n"
	"network header annotation pass unchanged.\n"
	"\n"
	"Example:\n"
	"  Strip(14) -> CheckIPHeader -> ... -> StripToNetworkHeader -> ...\n";

/* No arguments: the empty table makes the framework reject any. */
static const struct weir_arg striptonet_args[] = { WEIR_ARG_END };

static void
striptonet_action(struct weir_element *e, struct weir_batch *b)
{
	(void)e;
	for (uint32_t i = 0; i < b->n; i++) {
		struct weir_packet *p = b->pkts[i];
		if (p->net_off == WEIR_NO_OFFSET)
			continue;
		int off = weir_packet_network_offset(p);
		if (off >= 0)
			weir_packet_pull(p, (uint32_t)off);
		else
			weir_packet_unstrip(p, (uint32_t)-off); /* header lies in the buffer */
	}
}

static const struct weir_element_class striptonet_class = {
	.name = "StripToNetworkHeader",
	.port_count = "1/1",
	.processing = "a/a",
	.args = striptonet_args,
	.simple_action = striptonet_action,
	.doc = striptonet_doc,
};
WEIR_ELEMENT_REGISTER(striptonet_class)
