/* unstripipheader.c - UnstripIPHeader: moves the data start back to the network header annotation. */
/*
 * =c
 * UnstripIPHeader()
 *
 * =s ip
 * restores outermost IP header
 *
 * =d
 * Puts the outermost IP header back onto packets whose IP header annotation
 * lies before the data (after StripIPHeader or Strip): the data then starts
 * at the network header again. Packets whose data already starts at or
 * before the IP header, and packets without the annotation (Click asserts),
 * pass unchanged. No bytes are copied.
 *
 * =e
 *   ... -> CheckIPHeader -> StripIPHeader -> ... -> UnstripIPHeader -> ...
 *
 * =a StripIPHeader, Unstrip, CheckIPHeader, MarkIPHeader
 */
#include "weir/element.h"
#include "weir/packet.h"

static const char unstripipheader_doc[] =
	"UnstripIPHeader()\n"
	"\n"
	"Restores outermost IP header.\n"
	"\n"
	"Puts the outermost IP header back onto packets whose IP header annotation\n"
	"lies before the data (after StripIPHeader or Strip): the data then starts\n"
	"at the network header again. Packets whose data already starts at or\n"
	"before the IP header, and packets without the annotation (Click asserts),\n"
	"pass unchanged. No bytes are copied.\n"
	"\n"
	"Example:\n"
	"  ... -> CheckIPHeader -> StripIPHeader -> ... -> UnstripIPHeader -> ...\n";

static void
unstripipheader_action(struct weir_element *e, struct weir_batch *b)
{
	(void)e;
	for (uint32_t i = 0; i < b->n; i++) {
		struct weir_packet *p = b->pkts[i];
		if (p->net_off == WEIR_NO_OFFSET)
			continue;
		int off = weir_packet_network_offset(p);
		if (off < 0)
			weir_packet_unstrip(p, (uint32_t)-off);
	}
}

static const struct weir_element_class unstripipheader_class = {
	.name = "UnstripIPHeader",
	.port_count = "1/1",
	.processing = "a/a",
	.simple_action = unstripipheader_action,
	.doc = unstripipheader_doc,
};
WEIR_ELEMENT_REGISTER(unstripipheader_class)
