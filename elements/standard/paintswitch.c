/* paintswitch.c - PaintSwitch: sends each packet to the output named by its paint annotation. */
/*
 * =c
 * PaintSwitch([ANNO])
 *
 * =s paint
 * sends packet stream to output chosen per-packet
 *
 * =d
 * PaintSwitch sends every incoming packet to one of its output ports --
 * specifically, output port number K, where K is the value of the incoming
 * packet's paint annotation. If the paint annotation is 255, the packet is
 * duplicated and sent to all outputs (clones to outputs 0 .. N-2, the packet
 * itself to the last one). PaintSwitch can have up to 255 outputs. If there
 * is no output port K, the packet is dropped.
 *
 * PaintSwitch uses the PAINT annotation by default, but the ANNO argument
 * can specify any one-byte annotation.
 *
 * Keyword:
 *   ANNO  annotation to read. Default PAINT.
 *
 * =e
 *   ... -> Paint(1) -> ps :: PaintSwitch; ps[0] -> ...; ps[1] -> ...;
 *
 * =a Paint, CheckPaint, Switch, RoundRobinSwitch
 */
#include <stddef.h>
#include "weir/args.h"
#include "weir/element.h"

static const char paintswitch_doc[] =
	"PaintSwitch([ANNO])\n"
	"\n"
	"Sends packet stream to output chosen per-packet.\n"
	"\n"
	"PaintSwitch sends every incoming packet to one of its output ports --\n"
	"specifically, output port number K, where K is the value of the incoming\n"
	"packet's paint annotation. If the paint annotation is 255, the packet is\n"
	"duplicated and sent to all outputs (clones to outputs 0 .. N-2, the packet\n"
	"itself to the last one). PaintSwitch can have up to 255 outputs. If there\n"
	"is no output port K, the packet is dropped.\n"
	"\n"
	"PaintSwitch uses the PAINT annotation by default, but the ANNO argument\n"
	"can specify any one-byte annotation.\n"
	"\n"
	"Keyword:\n"
	"  ANNO  annotation to read. Default PAINT.\n"
	"\n"
	"Example:\n"
	"  ... -> Paint(1) -> ps :: PaintSwitch; ps[0] -> ...; ps[1] -> ...;\n";

#define PAINTSWITCH_ALL 0xFF /* paint value meaning "every output" */

struct paintswitch {
	unsigned anno;
	bool anno_given;
};

static const struct weir_arg paintswitch_args[] = {
	{ "ANNO", WEIR_ARG_ANNO, offsetof(struct paintswitch, anno),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_GIVEN,
	  .given_offset = offsetof(struct paintswitch, anno_given),
	  .help = "one-byte annotation to read (default PAINT)" },
	WEIR_ARG_END
};

static int
paintswitch_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct paintswitch *ps = e->priv;
	if (!ps->anno_given)
		ps->anno = WEIR_PAINT_ANNO_OFFSET;
	if (ps->anno >= WEIR_ANNO_SIZE)
		return weir_error(errh, "ANNO: annotation offset %u out of range", ps->anno);
	if (e->noutputs > 255)
		return weir_error(errh, "too many outputs (%d, at most 255)", e->noutputs);
	return 0;
}

/* Paint 255: clones to every output but the last; returns the last. */
static uint8_t
paintswitch_all(struct weir_element *e, struct weir_packet *p)
{
	int last = e->noutputs - 1;
	if (last < 0)
		return WEIR_PORT_DROP;
	for (int o = 0; o < last; o++) {
		struct weir_packet *q = weir_packet_clone(p);
		if (q)
			weir_output_push_packet(e, o, q);
	}
	return (uint8_t)last;
}

static void
paintswitch_push(struct weir_element *e, int port, struct weir_batch *b)
{
	const struct paintswitch *ps = e->priv;
	uint8_t ports[WEIR_BATCH_MAX];
	unsigned anno = ps->anno;
	int n = e->noutputs;
	(void)port;
	for (uint32_t i = 0; i < b->n; i++) {
		uint8_t v = weir_anno_u8(b->pkts[i], anno);
		if (weir_likely(v < n))
			ports[i] = v;
		else if (v == PAINTSWITCH_ALL)
			ports[i] = paintswitch_all(e, b->pkts[i]);
		else
			ports[i] = WEIR_PORT_DROP;
	}
	weir_output_push_split(e, b, ports);
}

static const struct weir_element_class paintswitch_class = {
	.name = "PaintSwitch",
	.port_count = "1/-",
	.processing = "h/h",
	.priv_size = sizeof(struct paintswitch),
	.args = paintswitch_args,
	.configure = paintswitch_configure,
	.push = paintswitch_push,
	.doc = paintswitch_doc,
};
WEIR_ELEMENT_REGISTER(paintswitch_class)
