/* strip.c - Strip: removes a fixed number of bytes from the front of packets. */
/*
 * =c
 * Strip(LENGTH)
 *
 * =s basicmod
 * strips bytes from front of packets
 *
 * =d
 * Deletes the first LENGTH bytes from each packet. A packet shorter than
 * LENGTH is left empty (Click's Packet::pull takes what there is). No data
 * is copied: only the start of the packet moves, so Unstrip can put the bytes
 * back.
 *
 * Keyword:
 *   LENGTH  unsigned; bytes to strip. Mandatory.
 *
 * =h length read/write
 * The number of bytes stripped.
 *
 * =e
 * Get rid of the Ethernet header:
 *   Classifier(12/0800) -> Strip(14) -> CheckIPHeader -> ...
 *
 * =a Unstrip, StripToNetworkHeader
 */
#include <stddef.h>
#include "weir/args.h"
#include "weir/element.h"

static const char strip_doc[] =
	"Strip(LENGTH)\n"
	"\n"
	"Strips bytes from front of packets.\n"
	"\n"
	"Deletes the first LENGTH bytes from each packet. A packet shorter than\n"
	"LENGTH is left empty (Click's Packet::pull takes what there is). No data\n"
	"is copied: only the start of the packet moves, so Unstrip can put the bytes\n"
	"back.\n"
	"\n"
	"Keyword:\n"
	"  LENGTH  unsigned; bytes to strip. Mandatory.\n"
	"\n"
	"Handler:\n"
	"  length (read/write)  the number of bytes stripped.\n"
	"\n"
	"Example:\n"
	"  Classifier(12/0800) -> Strip(14) -> CheckIPHeader -> ...\n";

struct strip {
	uint32_t length;
};

static const struct weir_arg strip_args[] = {
	{ "LENGTH", WEIR_ARG_UINT, offsetof(struct strip, length),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "bytes to strip" },
	WEIR_ARG_END
};

static void
strip_action(struct weir_element *e, struct weir_batch *b)
{
	const struct strip *s = e->priv;
	uint32_t n = s->length;
	for (uint32_t i = 0; i < b->n; i++)
		weir_packet_pull(b->pkts[i], n);
}

static int
strip_write_length(struct weir_element *e, const char *value, const struct weir_handler *h,
		   struct weir_errh *errh)
{
	struct strip *s = e->priv;
	uint32_t v;
	if (weir_parse_uint(value, &v) < 0)
		return weir_error(errh, "LENGTH: expected unsigned integer, got '%s'", value);
	s->length = v;
	return 0;
}

static const struct weir_handler strip_handlers[] = {
	{ .name = "length", .read = weir_handler_read_u32, .write = strip_write_length,
	  .arg = offsetof(struct strip, length) },
	WEIR_HANDLER_END
};

static const struct weir_element_class strip_class = {
	.name = "Strip",
	.port_count = "1/1",
	.processing = "a/a",
	.priv_size = sizeof(struct strip),
	.args = strip_args,
	.simple_action = strip_action,
	.handlers = strip_handlers,
	.doc = strip_doc,
};
WEIR_ELEMENT_REGISTER(strip_class)
