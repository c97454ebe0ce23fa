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
#include "paintmatch_priv.h"

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

struct painttee_pt {
	uint64_t clone_failures;
};

static const struct weir_arg painttee_args[] = {
	WEIR_PAINT_MATCH_ARGS,
	WEIR_ARG_END
};

static void
painttee_action(struct weir_element *e, struct weir_batch *b)
{
	const struct weir_paint_match *t = e->priv;
	struct weir_batch copies;
	copies.n = 0;
	for (uint32_t i = 0; i < b->n; i++) {
		if (!weir_paint_match(t, b->pkts[i]))
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

static const struct weir_handler painttee_handlers[] = {
	WEIR_PAINT_MATCH_COLOR_HANDLER,
	WEIR_HANDLER_END
};

static const struct weir_element_class painttee_class = {
	.name = "PaintTee",
	.port_count = "1/2",
	.processing = "a/ah",
	.priv_size = sizeof(struct weir_paint_match),
	.pt_size = sizeof(struct painttee_pt),
	.args = painttee_args,
	.configure = weir_paint_match_configure,
	.simple_action = painttee_action,
	.handlers = painttee_handlers,
	.doc = painttee_doc,
};
WEIR_ELEMENT_REGISTER(painttee_class)
