/* null.c - Null: passes packets through unchanged, in push and in pull. */
/*
 * =c
 * Null
 *
 * =s basictransfer
 * passes packets unchanged
 *
 * =d
 * Responds to each pushed packet by pushing it unchanged out its first
 * output, and to each pull request by pulling a packet from its input and
 * returning it unchanged. Null is agnostic: it works in push and in pull
 * paths.
 *
 * =e
 *   FromDump(in.pcap) -> Null -> Discard;
 */
#include "weir/args.h"
#include "weir/element.h"

static const char null_doc[] =
	"Null\n"
	"\n"
	"Passes packets unchanged.\n"
	"\n"
	"Responds to each pushed packet by pushing it unchanged out its first\n"
	"output, and to each pull request by pulling a packet from its input and\n"
	"returning it unchanged. Null is agnostic: it works in push and in pull\n"
	"paths.\n"
	"\n"
	"Example:\n"
	"  FromDump(in.pcap) -> Null -> Discard;\n";

/* No arguments: the empty table makes the framework reject any. */
static const struct weir_arg null_args[] = { WEIR_ARG_END };

static void
null_push(struct weir_element *e, int port, struct weir_batch *b)
{
	(void)port;
	weir_output_push(e, 0, b);
}

static uint32_t
null_pull(struct weir_element *e, int port, struct weir_batch *b, uint32_t max)
{
	(void)port;
	return weir_input_pull(e, 0, b, max);
}

static const struct weir_element_class null_class = {
	.name = "Null",
	.port_count = "1/1",
	.processing = "a/a",
	.args = null_args,
	.push = null_push,
	.pull = null_pull,
	.doc = null_doc,
};
WEIR_ELEMENT_REGISTER(null_class)
