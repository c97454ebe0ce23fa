/* markipheader.c - MarkIPHeader: sets the network and transport header annotations from an IP header at OFFSET. */
/*
 * =c
 * MarkIPHeader([OFFSET])
 *
 * =s ip
 * sets IP header annotation
 *
 * =d
 * Marks packets as IP packets by setting the IP header annotation: the IP
 * header starts OFFSET bytes into the packet (default 0), and the transport
 * header follows it after the header length given by its IHL field. Does not
 * check the header (see CheckIPHeader) and does not change the data.
 *
 * Where Click would read past the packet, weir clamps: a packet with no byte
 * at OFFSET gets both annotations at the end of its data, and a transport
 * header past the end of the data is set to the end of the data.
 *
 * =e
 *   ... -> Strip(14) -> MarkIPHeader -> ...
 *   ... -> MarkIPHeader(14) -> ...
 *
 * =a CheckIPHeader, CheckIPHeader2, StripIPHeader
 */
#include <stddef.h>
#include "weir/args.h"
#include "weir/element.h"
#include "ip_priv.h"

static const char markipheader_doc[] =
	"MarkIPHeader([OFFSET])\n"
	"\n"
	"Sets IP header annotation.\n"
	"\n"
	"Marks packets as IP packets by setting the IP header annotation: the IP\n"
	"header starts OFFSET bytes into the packet (default 0), and the transport\n"
	"header follows it after the header length given by its IHL field. Does not\n"
	"check the header (see CheckIPHeader) and does not change the data.\n"
	"\n"
	"Where Click would read past the packet, weir clamps: a packet with no byte\n"
	"at OFFSET gets both annotations at the end of its data, and a transport\n"
	"header past the end of the data is set to the end of the data.\n"
	"\n"
	"Example:\n"
	"  ... -> Strip(14) -> MarkIPHeader -> ...\n"
	"  ... -> MarkIPHeader(14) -> ...\n";

struct markipheader {
	uint32_t offset;
};

static const struct weir_arg markipheader_args[] = {
	{ "OFFSET", WEIR_ARG_UINT, offsetof(struct markipheader, offset), WEIR_ARGF_POSITIONAL,
	  .def = "0", .help = "byte position of the IP header" },
	WEIR_ARG_END
};

static void
markipheader_action(struct weir_element *e, struct weir_batch *b)
{
	const struct markipheader *m = e->priv;
	for (uint32_t i = 0; i < b->n; i++) {
		struct weir_packet *p = b->pkts[i];
		uint8_t *end = weir_packet_end_data(p);
		if (m->offset >= p->len) {
			weir_packet_set_network_header(p, end);
			weir_packet_set_transport_header(p, end);
			continue;
		}
		uint8_t *ip = p->data + m->offset;
		uint32_t hlen = weir_ip_hlen((const struct weir_ip_hdr *)ip);
		uint8_t *th = (uint32_t)(end - ip) < hlen ? end : ip + hlen;
		weir_packet_set_network_header(p, ip);
		weir_packet_set_transport_header(p, th);
	}
}

static const struct weir_element_class markipheader_class = {
	.name = "MarkIPHeader",
	.port_count = "1/1",
	.processing = "a/a",
	.priv_size = sizeof(struct markipheader),
	.args = markipheader_args,
	.simple_action = markipheader_action,
	.doc = markipheader_doc,
};
WEIR_ELEMENT_REGISTER(markipheader_class)
