/* pad.c - Pad: extends packets to a minimum length, or by their extra length annotation. */
/*
 * =c
 * Pad([LENGTH, I<keyword> ZERO])
 *
 * =s basicmod
 * extend packet length
 *
 * =d
 * Extend packets to at least LENGTH bytes.
 *
 * If LENGTH is omitted (or 0), then packets are extended by the length
 * indicated in their extra length annotations. Either way, Pad sets the
 * extra length annotation of each packet to 0.
 *
 * If ZERO is true (the default), the new bytes are zero; otherwise they are
 * left as the buffer held them. A packet that cannot be extended (longer
 * than the largest packet buffer) is dropped and counted.
 *
 * Keywords:
 *   LENGTH  unsigned; minimum length. Default 0 (use EXTRA_LENGTH).
 *   ZERO    Boolean. Zero the added bytes. Default true.
 *
 * =h drops read-only
 * Packets that could not be extended (weir extension).
 *
 * =e
 *   ... -> Pad(60) -> ...
 *
 * =a Truncate
 */
#include <inttypes.h>
#include <stddef.h>
#include <string.h>
#include "weir/args.h"
#include "weir/element.h"

static const char pad_doc[] =
	"Pad([LENGTH, keyword ZERO])\n"
	"\n"
	"Extend packet length.\n"
	"\n"
	"Extend packets to at least LENGTH bytes.\n"
	"\n"
	"If LENGTH is omitted (or 0), then packets are extended by the length\n"
	"indicated in their extra length annotations. Either way, Pad sets the\n"
	"extra length annotation of each packet to 0.\n"
	"\n"
	"If ZERO is true (the default), the new bytes are zero; otherwise they are\n"
	"left as the buffer held them. A packet that cannot be extended (longer\n"
	"than the largest packet buffer) is dropped and counted.\n"
	"\n"
	"Keywords:\n"
	"  LENGTH  unsigned; minimum length. Default 0 (use EXTRA_LENGTH).\n"
	"  ZERO    Boolean. Zero the added bytes. Default true.\n"
	"\n"
	"Handler:\n"
	"  drops (read)  packets that could not be extended (weir extension).\n"
	"\n"
	"Example:\n"
	"  ... -> Pad(60) -> ...\n";

struct pad {
	uint32_t length;
	bool zero;
};

struct pad_pt {
	uint64_t drops;
};

static const struct weir_arg pad_args[] = {
	{ "LENGTH", WEIR_ARG_UINT, offsetof(struct pad, length), WEIR_ARGF_POSITIONAL, .def = "0",
	  .help = "minimum length" },
	{ "ZERO", WEIR_ARG_BOOL, offsetof(struct pad, zero), 0, .def = "true",
	  .help = "zero the added bytes" },
	WEIR_ARG_END
};

static struct weir_packet *
pad_one(const struct pad *s, struct weir_packet *p)
{
	uint64_t nput;
	if (s->length)
		nput = p->len < s->length ? s->length - p->len : 0;
	else
		nput = weir_anno_u32(p, WEIR_EXTRA_LENGTH_ANNO_OFFSET);
	if (nput) {
		if (p->len + nput > weir_packet_max_len()) {
			weir_packet_kill(p);
			return NULL;
		}
		p = weir_packet_put(p, (uint32_t)nput);
		if (!p)
			return NULL;
		if (s->zero)
			memset(weir_packet_end_data(p) - nput, 0, nput);
	}
	weir_set_anno_u32(p, WEIR_EXTRA_LENGTH_ANNO_OFFSET, 0);
	return p;
}

static void
pad_action(struct weir_element *e, struct weir_batch *b)
{
	const struct pad *s = e->priv;
	for (uint32_t i = 0; i < b->n; i++) {
		b->pkts[i] = pad_one(s, b->pkts[i]);
		if (weir_unlikely(!b->pkts[i])) {
			struct pad_pt *pt = weir_element_pt(e);
			pt->drops++;
		}
	}
}

static int
pad_read_drops(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	(void)h;
	weir_strbuf_printf(out, "%" PRIu64, WEIR_PT_SUM(e, struct pad_pt, drops));
	return 0;
}

static const struct weir_handler pad_handlers[] = {
	{ .name = "drops", .read = pad_read_drops },
	WEIR_HANDLER_END
};

static const struct weir_element_class pad_class = {
	.name = "Pad",
	.port_count = "1/1",
	.processing = "a/a",
	.priv_size = sizeof(struct pad),
	.pt_size = sizeof(struct pad_pt),
	.args = pad_args,
	.simple_action = pad_action,
	.handlers = pad_handlers,
	.doc = pad_doc,
};
WEIR_ELEMENT_REGISTER(pad_class)
