/* checklength.c - CheckLength: splits packets longer than a limit off to output 1. */
/*
 * =c
 * CheckLength(LENGTH)
 *
 * =s classification
 * drops large packets
 *
 * =d
 * CheckLength checks every packet's length against LENGTH. If the packet has
 * length LENGTH or smaller, it is sent to output 0; otherwise, it is sent to
 * output 1 (or dropped if there is no output 1). Output 0 may be push or
 * pull; output 1 is push.
 *
 * Keyword:
 *   LENGTH  unsigned; the largest length sent to output 0. Mandatory.
 *
 * =h length read/write
 * The length limit.
 *
 * =e
 *   FromDump(in.pcap) -> small :: CheckLength(74) -> ...; small[1] -> ...
 *
 * =a Paint, CheckIPHeader
 */
#include <stddef.h>
#include "weir/args.h"
#include "weir/element.h"

static const char checklength_doc[] =
	"CheckLength(LENGTH)\n"
	"\n"
	"Drops large packets.\n"
	"\n"
	"CheckLength checks every packet's length against LENGTH. If the packet has\n"
	"length LENGTH or smaller, it is sent to output 0; otherwise, it is sent to\n"
	"output 1 (or dropped if there is no output 1). Output 0 may be push or\n"
	"pull; output 1 is push.\n"
	"\n"
	"Keyword:\n"
	"  LENGTH  unsigned; the largest length sent to output 0. Mandatory.\n"
	"\n"
	"Handler:\n"
	"  length (read/write)  the length limit.\n"
	"\n"
	"Example:\n"
	"  FromDump(in.pcap) -> small :: CheckLength(74) -> ...; small[1] -> ...\n";

struct checklength {
	uint32_t length;
};

static const struct weir_arg checklength_args[] = {
	{ "LENGTH", WEIR_ARG_UINT, offsetof(struct checklength, length),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "largest length sent to output 0" },
	WEIR_ARG_END
};

static void
checklength_classify(struct weir_element *e, struct weir_batch *b, uint8_t *ports)
{
	const struct checklength *c = e->priv;
	uint32_t max = c->length;
	uint8_t big = e->noutputs > 1 ? 1 : WEIR_PORT_DROP;
	for (uint32_t i = 0; i < b->n; i++)
		ports[i] = b->pkts[i]->len > max ? big : 0;
}

static int
checklength_write_length(struct weir_element *e, const char *value, const struct weir_handler *h,
			 struct weir_errh *errh)
{
	struct checklength *c = e->priv;
	uint32_t v;
	if (weir_parse_uint(value, &v) < 0)
		return weir_error(errh, "LENGTH: expected unsigned integer, got '%s'", value);
	c->length = v;
	return 0;
}

static const struct weir_handler checklength_handlers[] = {
	{ .name = "length", .read = weir_handler_read_u32, .write = checklength_write_length,
	  .arg = offsetof(struct checklength, length) },
	WEIR_HANDLER_END
};

static const struct weir_element_class checklength_class = {
	.name = "CheckLength",
	.port_count = "1/1-2",
	.processing = "a/ah",
	.priv_size = sizeof(struct checklength),
	.args = checklength_args,
	.classify = checklength_classify,
	.handlers = checklength_handlers,
	.doc = checklength_doc,
};
WEIR_ELEMENT_REGISTER(checklength_class)
