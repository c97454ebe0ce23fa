/* checkpaint.c - CheckPaint: splits packets by whether their paint annotation equals a color. */
/*
 * =c
 * CheckPaint(COLOR [, ANNO])
 *
 * =s paint
 * checks packets' paint annotation
 *
 * =d
 * Checks that incoming packets have paint annotation equal to COLOR. If
 * their paints are not equal to COLOR, then they are dropped or emitted on
 * output 1, depending on how many outputs were used. Output 0 may be push or
 * pull; output 1 is push.
 *
 * Keywords:
 *   COLOR  0..255. Mandatory.
 *   ANNO   one-byte annotation to check. Default PAINT.
 *
 * =h color read/write
 * The color checked.
 *
 * =e
 *   ... -> cp :: CheckPaint(2) -> ...;  cp[1] -> Discard;
 *
 * =a Paint, PaintSwitch, PaintTee
 */
#include <stddef.h>
#include "weir/args.h"
#include "weir/element.h"
#include "paintmatch_priv.h"

static const char checkpaint_doc[] =
	"CheckPaint(COLOR [, ANNO])\n"
	"\n"
	"Checks packets' paint annotation.\n"
	"\n"
	"Checks that incoming packets have paint annotation equal to COLOR. If\n"
	"their paints are not equal to COLOR, then they are dropped or emitted on\n"
	"output 1, depending on how many outputs were used. Output 0 may be push or\n"
	"pull; output 1 is push.\n"
	"\n"
	"Keywords:\n"
	"  COLOR  0..255. Mandatory.\n"
	"  ANNO   one-byte annotation to check. Default PAINT.\n"
	"\n"
	"Handler:\n"
	"  color (read/write)  the color checked.\n"
	"\n"
	"Example:\n"
	"  ... -> cp :: CheckPaint(2) -> ...;  cp[1] -> Discard;\n";

static const struct weir_arg checkpaint_args[] = {
	WEIR_PAINT_MATCH_ARGS,
	WEIR_ARG_END
};

static void
checkpaint_classify(struct weir_element *e, struct weir_batch *b, uint8_t *ports)
{
	const struct weir_paint_match *c = e->priv;
	uint8_t other = e->noutputs > 1 ? 1 : WEIR_PORT_DROP;
	for (uint32_t i = 0; i < b->n; i++)
		ports[i] = weir_paint_match(c, b->pkts[i]) ? 0 : other;
}

static const struct weir_handler checkpaint_handlers[] = {
	WEIR_PAINT_MATCH_COLOR_HANDLER,
	WEIR_HANDLER_END
};

static const struct weir_element_class checkpaint_class = {
	.name = "CheckPaint",
	.port_count = "1/1-2",
	.processing = "a/ah",
	.priv_size = sizeof(struct weir_paint_match),
	.args = checkpaint_args,
	.configure = weir_paint_match_configure,
	.classify = checkpaint_classify,
	.handlers = checkpaint_handlers,
	.doc = checkpaint_doc,
};
WEIR_ELEMENT_REGISTER(checkpaint_class)
