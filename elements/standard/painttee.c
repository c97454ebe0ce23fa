/* painttee.c - PaintTee: sends a copy of packets with a given paint annotation to output 1. */
/*
 * =c
 * PaintTee(COLOR [, ANNO])
 *
 * =s paint
 * duplicates packets with given paint annotation
 *
 * =d
 * PaintTee sends every packet through output 0. If the packet's color
 * annotation is equal to COLOR (an integer 0..255), it also sends a copy
 * through output 1 (the copy is pushed before the packet goes on).
 * Output 0 may be push or pull; output 1 is push. A copy that cannot be
 * made (out of packet headers) is counted and not sent.
 *
 * Keywords:
 *   COLOR  0..255. Mandatory.
 *   ANNO   one-byte annotation to check. Default PAINT.
 *
 * =h color read/write
 * The color checked.
 *
 * =e
 * Intended to produce redirect ICMP messages:
 *   rt[0] -> pt :: PaintTee(2) -> ...;  pt[1] -> ICMPError(18.26.4.24, redirect, host) -> ...
 *
 * =a Paint, CheckPaint, PaintSwitch, Tee
 */
#include <stddef.h>
#include "weir/args.h"
#include "weir/element.h"

static const char painttee_doc[] =
	"PaintTee(COLOR [, ANNO])\n"
	"\n"
	"Duplicates packets with given paint annotation.\n"
	"\n"
	"PaintTee sends every packet through output 0. If the packet's color\n"
	"annotation is equal to COLOR (an integer 0..255), it also sends a copy\n"
	"through output 1 (the copy is pushed before the packet goes on).\n"
	"Output 0 may be push or pull; output 1 is push. A copy that cannot be\n"
	"made (out of packet headers) is counted and not sent.\n"
	"\n"
	"Keywords:\n"
	"  COLOR  0..255. Mandatory.\n"
	"  ANNO   one-byte annotation to check. Default PAINT.\n"
	"\n"
	"Handler:\n"
	"  color (read/write)  the color checked.\n"
	"\n"
	"Example:\n"
	"  rt[0] -> pt :: PaintTee(2) -> ...;\n"
	"  pt[1] -> ICMPError(18.26.4.24, redirect, host) -> ...\n";

struct painttee {
	uint32_t color;
	unsigned anno;
	bool anno_given;
};

struct painttee_pt {
	uint64_t clone_failures;
};

static const struct weir_arg painttee_args[] = {
	{ "COLOR", WEIR_ARG_UINT, offsetof(struct painttee, color),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY | WEIR_ARGF_BOUNDED, .min = 0, .max = 255,
	  .help = "color, 0..255" },
	{ "ANNO", WEIR_ARG_ANNO, offsetof(struct painttee, anno),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_GIVEN,
	  .given_offset = offsetof(struct painttee, anno_given),
	  .help = "one-byte annotation to check (default PAINT)" },
	WEIR_ARG_END
};

static int
painttee_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct painttee *t = e->priv;
	(void)conf;
	if (!t->anno_given)
		t->anno = WEIR_PAINT_ANNO_OFFSET;
	if (t->anno >= WEIR_ANNO_SIZE)
		return weir_error(errh, "ANNO: annotation offset %u out of range", t->anno);
	return 0;
}

static void
painttee_action(struct weir_element *e, struct weir_batch *b)
{
	const struct painttee *t = e->priv;
	uint8_t color = (uint8_t)t->color;
	struct weir_batch copies;
	copies.n = 0;
	for (uint32_t i = 0; i < b->n; i++) {
		if (weir_anno_u8(b->pkts[i], t->anno) != color)
			continue;
		struct weir_packet *q = weir_packet_clone(b->pkts[i]);
		if (q) {
			copies.pkts[copies.n++] = q;
		} else {
			struct painttee_pt *pt = weir_element_pt(e);
			pt->clone_failures++;
		}
	}
	weir_output_push(e, 1, &copies);
}

static int
painttee_write_color(struct weir_element *e, const char *value, const struct weir_handler *h,
		     struct weir_errh *errh)
{
	struct painttee *t = e->priv;
	uint32_t v;
	(void)h;
	if (weir_parse_uint(value, &v) < 0 || v > 255)
		return weir_error(errh, "COLOR: expected 0..255, got '%s'", value);
	t->color = v;
	return 0;
}

static const struct weir_handler painttee_handlers[] = {
	{ .name = "color", .read = weir_handler_read_u32, .write = painttee_write_color,
	  .arg = offsetof(struct painttee, color) },
	WEIR_HANDLER_END
};

static const struct weir_element_class painttee_class = {
	.name = "PaintTee",
	.port_count = "1/2",
	.processing = "a/ah",
	.priv_size = sizeof(struct painttee),
	.pt_size = sizeof(struct painttee_pt),
	.args = painttee_args,
	.configure = painttee_configure,
	.simple_action = painttee_action,
	.handlers = painttee_handlers,
	.doc = painttee_doc,
};
WEIR_ELEMENT_REGISTER(painttee_class)
