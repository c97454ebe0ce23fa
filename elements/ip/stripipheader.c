/* stripipheader.c - StripIPHeader: removes everything up to the transport header annotation. */
/*
 * =c
 * StripIPHeader()
 *
 * =s ip
 * strips outermost IP header
 *
 * =d
 * Strips the outermost IP header from IP packets, based on the IP header
 * annotation (the packet's data then starts at its transport header). The
 * annotations are not changed. Use CheckIPHeader or MarkIPHeader first.
 *
 * Packets without the annotation, or whose transport header lies before the
 * data, pass unchanged (Click's behaviour there is undefined); a transport
 * header past the end leaves an empty packet.
 *
 * =e
 *   ... -> CheckIPHeader -> StripIPHeader -> ... -> UnstripIPHeader -> ...
 *
 * =a CheckIPHeader, CheckIPHeader2, MarkIPHeader, UnstripIPHeader, Strip
 */
#include "weir/element.h"
#include "weir/packet.h"

static const char stripipheader_doc[] =
	"StripIPHeader()\n"
	"\n"
	"Strips outermost IP header.\n"
	"\n"
	"Strips the outermost IP header from IP packets, based on the IP header\n"
	"annotation (the packet's data then starts at its transport header). The\n"
	"annotations are not changed. Use CheckIPHeader or MarkIPHeader first.\n"
	"\n"
	"Packets without the annotation, or whose transport header lies before the\n"
	"data, pass unchanged (Click's behaviour there is undefined); a transport\n"
	"header past the end leaves an empty packet.\n"
	"\n"
	"Example:\n"
	"  ... -> CheckIPHeader -> StripIPHeader -> ... -> UnstripIPHeader -> ...\n";

static void
stripipheader_action(struct weir_element *e, struct weir_batch *b)
{
	(void)e;
	for (uint32_t i = 0; i < b->n; i++) {
		struct weir_packet *p = b->pkts[i];
		if (p->transport_off == WEIR_NO_OFFSET)
			continue;
		int off = weir_packet_transport_offset(p);
		if (off > 0)
			weir_packet_pull(p, (uint32_t)off);
	}
}

static const struct weir_element_class stripipheader_class = {
	.name = "StripIPHeader",
	.port_count = "1/1",
	.processing = "a/a",
	.simple_action = stripipheader_action,
	.doc = stripipheader_doc,
};
WEIR_ELEMENT_REGISTER(stripipheader_class)
