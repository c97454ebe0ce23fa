/* truncate.c - Truncate: limits packet length, adding cut bytes to the extra length annotation. */
/*
 * =c
 * Truncate(LENGTH, I<keywords> EXTRA_LENGTH)
 *
 * =s basicmod
 * limit packet length
 *
 * =d
 * Shorten packets to at most LENGTH bytes.
 *
 * The EXTRA_LENGTH keyword argument determines whether packets' extra length
 * annotations are updated to account for any dropped bytes. Default is true.
 *
 * Keywords:
 *   LENGTH        0..65535. Mandatory.
 *   EXTRA_LENGTH  Boolean. Default true.
 *
 * =h length read/write
 * The length limit (weir extension).
 *
 * =e
 *   ... -> Truncate(68) -> ToDump(headers.pcap)
 *
 * =a Pad, Strip
 */
#include <stddef.h>
#include "weir/args.h"
#include "weir/element.h"

static const char truncate_doc[] =
	"Truncate(LENGTH, keywords EXTRA_LENGTH)\n"
	"\n"
	"Limit packet length.\n"
	"\n"
	"Shorten packets to at most LENGTH bytes.\n"
	"\n"
	"The EXTRA_LENGTH keyword argument determines whether packets' extra length\n"
	"annotations are updated to account for any dropped bytes. Default is true.\n"
	"\n"
	"Keywords:\n"
	"  LENGTH        0..65535. Mandatory.\n"
	"  EXTRA_LENGTH  Boolean. Default true.\n"
	"\n"
	"Handler:\n"
	"  length (read/write)  the length limit (weir extension).\n"
	"\n"
	"Example:\n"
	"  ... -> Truncate(68) -> ToDump(headers.pcap)\n";

struct truncate {
	uint32_t length;
	bool extra_length;
};

static const struct weir_arg truncate_args[] = {
	{ "LENGTH", WEIR_ARG_UINT, offsetof(struct truncate, length),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY | WEIR_ARGF_BOUNDED, .min = 0, .max = 65535,
	  .help = "maximum length" },
	{ "EXTRA_LENGTH", WEIR_ARG_BOOL, offsetof(struct truncate, extra_length), 0, .def = "true",
	  .help = "add removed bytes to the extra length annotation" },
	WEIR_ARG_END
};

static void
truncate_action(struct weir_element *e, struct weir_batch *b)
{
	const struct truncate *s = e->priv;
	for (uint32_t i = 0; i < b->n; i++) {
		struct weir_packet *p = b->pkts[i];
		if (p->len <= s->length)
			continue;
		uint32_t n = p->len - s->length;
		if (s->extra_length)
			weir_set_anno_u32(p, WEIR_EXTRA_LENGTH_ANNO_OFFSET,
					  weir_anno_u32(p, WEIR_EXTRA_LENGTH_ANNO_OFFSET) + n);
		weir_packet_take(p, n);
	}
}

static int
truncate_write_length(struct weir_element *e, const char *value, const struct weir_handler *h,
		      struct weir_errh *errh)
{
	struct truncate *s = e->priv;
	uint32_t v;
	(void)h;
	if (weir_parse_uint(value, &v) < 0 || v > 65535)
		return weir_error(errh, "LENGTH: expected 0..65535, got '%s'", value);
	s->length = v;
	return 0;
}

static const struct weir_handler truncate_handlers[] = {
	{ .name = "length", .read = weir_handler_read_u32, .write = truncate_write_length,
	  .arg = offsetof(struct truncate, length) },
	WEIR_HANDLER_END
};

static const struct weir_element_class truncate_class = {
	.name = "Truncate",
	.port_count = "1/1",
	.processing = "a/a",
	.priv_size = sizeof(struct truncate),
	.args = truncate_args,
	.simple_action = truncate_action,
	.handlers = truncate_handlers,
	.doc = truncate_doc,
};
WEIR_ELEMENT_REGISTER(truncate_class)
