/* paintmatch_priv.h - what CheckPaint and PaintTee share: COLOR and ANNO, their checks and the color handler. */
#ifndef WEIR_PAINTMATCH_PRIV_H
#define WEIR_PAINTMATCH_PRIV_H

#include <stddef.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/packet.h"

/* The element's whole private state. */
struct weir_paint_match {
	uint32_t color;
	unsigned anno;
	bool anno_given;
};

#define WEIR_PAINT_MATCH_ARGS                                                                 \
	{ "COLOR", WEIR_ARG_UINT, offsetof(struct weir_paint_match, color),                   \
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY | WEIR_ARGF_BOUNDED, .min = 0, .max = 255, \
	  .help = "color, 0..255" },                                                          \
	{ "ANNO", WEIR_ARG_ANNO, offsetof(struct weir_paint_match, anno),                     \
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_GIVEN,                                             \
	  .given_offset = offsetof(struct weir_paint_match, anno_given),                      \
	  .help = "one-byte annotation to check (default PAINT)" }

static inline bool
weir_paint_match(const struct weir_paint_match *m, const struct weir_packet *p)
{
	return weir_anno_u8(p, m->anno) == (uint8_t)m->color;
}

static inline int
weir_paint_match_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct weir_paint_match *m = e->priv;
	(void)conf;
	if (!m->anno_given)
		m->anno = WEIR_PAINT_ANNO_OFFSET;
	if (m->anno >= WEIR_ANNO_SIZE)
		return weir_error(errh, "ANNO: annotation offset %u out of range", m->anno);
	return 0;
}

static inline int
weir_paint_match_write_color(struct weir_element *e, const char *value,
			     const struct weir_handler *h, struct weir_errh *errh)
{
	struct weir_paint_match *m = e->priv;
	uint32_t v;
	(void)h;
	if (weir_parse_uint(value, &v) < 0 || v > 255)
		return weir_error(errh, "COLOR: expected 0..255, got '%s'", value);
	m->color = v;
	return 0;
}

#define WEIR_PAINT_MATCH_COLOR_HANDLER                                                      \
	{ .name = "color", .read = weir_handler_read_u32, .write = weir_paint_match_write_color, \
	  .arg = offsetof(struct weir_paint_match, color) }

#endif
