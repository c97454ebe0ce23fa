/* paint.c - Paint: sets the paint annotation (or another one-byte annotation) of packets. */
/*
 * =c
 * Paint(COLOR [, ANNO])
 *
 * =s paint
 * sets packet paint annotations
 *
 * =d
 * Sets each packet's paint annotation to COLOR, an integer 0..255.
 *
 * Paint sets the packet's PAINT annotation by default, but the ANNO argument
 * can specify any one-byte annotation (a name such as PAINT or a byte
 * offset in the annotation area).
 *
 * Keywords:
 *   COLOR  0..255. Mandatory.
 *   ANNO   annotation to set. Default PAINT.
 *
 * =h color read/write
 * Get/set the color to paint.
 *
 * =e
 *   c[0] -> Paint(1) -> t;  c[1] -> Paint(2) -> t;  t -> PaintSwitch -> ...
 *
 * =a PaintSwitch, CheckPaint, PaintTee
 */
#include <stddef.h>
#include "weir/args.h"
#include "weir/element.h"

static const char paint_doc[] =
	"Paint(COLOR [, ANNO])\n"
	"\n"
	"Sets packet paint annotations.\n"
	"\n"
	"Sets each packet's paint annotation to COLOR, an integer 0..255.\n"
	"\n"
	"Paint sets the packet's PAINT annotation by default, but the ANNO argument\n"
	"can specify any one-byte annotation (a name such as PAINT or a byte\n"
	"offset in the annotation area).\n"
	"\n"
	"Keywords:\n"
	"  COLOR  0..255. Mandatory.\n"
	"  ANNO   annotation to set. Default PAINT.\n"
	"\n"
	"Handler:\n"
	"  color (read/write)  the color to paint.\n"
	"\n"
	"Example:\n"
	"  c[0] -> Paint(1) -> t;  c[1] -> Paint(2) -> t;  t -> PaintSwitch -> ...\n";

struct paint {
	uint32_t color;
	unsigned anno;
	bool anno_given;
};

static const struct weir_arg paint_args[] = {
	{ "COLOR", WEIR_ARG_UINT, offsetof(struct paint, color),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY | WEIR_ARGF_BOUNDED, .min = 0, .max = 255,
	  .help = "color, 0..255" },
	{ "ANNO", WEIR_ARG_ANNO, offsetof(struct paint, anno),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_GIVEN, .given_offset = offsetof(struct paint, anno_given),
	  .help = "one-byte annotation to set (default PAINT)" },
	WEIR_ARG_END
};

static int
paint_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct paint *p = e->priv;
	if (!p->anno_given)
		p->anno = WEIR_PAINT_ANNO_OFFSET;
	if (p->anno >= WEIR_ANNO_SIZE)
		return weir_error(errh, "ANNO: annotation offset %u out of range", p->anno);
	return 0;
}

static void
paint_action(struct weir_element *e, struct weir_batch *b)
{
	const struct paint *p = e->priv;
	uint8_t color = (uint8_t)p->color;
	unsigned anno = p->anno;
	for (uint32_t i = 0; i < b->n; i++)
		weir_set_anno_u8(b->pkts[i], anno, color);
}

static int
paint_write_color(struct weir_element *e, const char *value, const struct weir_handler *h,
		  struct weir_errh *errh)
{
	struct paint *p = e->priv;
	uint32_t v;
	if (weir_parse_uint(value, &v) < 0 || v > 255)
		return weir_error(errh, "COLOR: expected 0..255, got '%s'", value);
	p->color = v;
	return 0;
}

static const struct weir_handler paint_handlers[] = {
	{ .name = "color", .read = weir_handler_read_u32, .write = paint_write_color,
	  .arg = offsetof(struct paint, color) },
	WEIR_HANDLER_END
};

static const struct weir_element_class paint_class = {
	.name = "Paint",
	.port_count = "1/1",
	.processing = "a/a",
	.priv_size = sizeof(struct paint),
	.args = paint_args,
	.configure = paint_configure,
	.simple_action = paint_action,
	.handlers = paint_handlers,
	.doc = paint_doc,
};
WEIR_ELEMENT_REGISTER(paint_class)
