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

struct checkpaint {
	uint32_t color;
	unsigned anno;
	bool anno_given;
};

static const struct weir_arg checkpaint_args[] = {
	{ "COLOR", WEIR_ARG_UINT, offsetof(struct checkpaint, color),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY | WEIR_ARGF_BOUNDED, .min = 0, .max = 255,
	  .help = "color, 0..255" },
	{ "ANNO", WEIR_ARG_ANNO, offsetof(struct checkpaint, anno),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_GIVEN,
	  .given_offset = offsetof(struct checkpaint, anno_given),
	  .help = "one-byte annotation to check (default PAINT)" },
	WEIR_ARG_END
};

static int
checkpaint_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct checkpaint *c = e->priv;
	(void)conf;
	if (!c->anno_given)
		c->anno = WEIR_PAINT_ANNO_OFFSET;
	if (c->anno >= WEIR_ANNO_SIZE)
		return weir_error(errh, "ANNO: annotation offset %u out of range", c->anno);
	return 0;
}

static void
checkpaint_classify(struct weir_element *e, struct weir_batch *b, uint8_t *ports)
{
	const struct checkpaint *c = e->priv;
	uint8_t color = (uint8_t)c->color;
	uint8_t other = e->noutputs > 1 ? 1 : WEIR_PORT_DROP;
	for (uint32_t i = 0; i < b->n; i++)
		ports[i] = weir_anno_u8(b->pkts[i], c->anno) == color ? 0 : other;
}

static int
checkpaint_write_color(struct weir_element *e, const char *value, const struct weir_handler *h,
		       struct weir_errh *errh)
{
	struct checkpaint *c = e->priv;
	uint32_t v;
	(void)h;
	if (weir_parse_uint(value, &v) < 0 || v > 255)
		return weir_error(errh, "COLOR: expected 0..255, got '%s'", value);
	c->color = v;
	return 0;
}

static const struct weir_handler checkpaint_handlers[] = {
	{ .name = "color", .read = weir_handler_read_u32, .write = checkpaint_write_color,
	  .arg = offsetof(struct checkpaint, color) },
	WEIR_HANDLER_END
};

static const struct weir_element_class checkpaint_class = {
	.name = "CheckPaint",
	.port_count = "1/1-2",
	.processing = "a/ah",
	.priv_size = sizeof(struct checkpaint),
	.args = checkpaint_args,
	.configure = checkpaint_configure,
	.classify = checkpaint_classify,
	.handlers = checkpaint_handlers,
	.doc = checkpaint_doc,
};
WEIR_ELEMENT_REGISTER(checkpaint_class)
