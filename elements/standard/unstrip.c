/* unstrip.c - Unstrip: puts bytes back in front of packets (undoes Strip). */
/*
 * =c
 * Unstrip(LENGTH)
 *
 * =s basicmod
 * unstrips bytes from front of packets
 *
 * =d
 * Puts LENGTH bytes back at the front of each packet. These are normally
 * the bytes removed by an earlier Strip: Unstrip only moves the start of
 * the packet back into its headroom, without copying, even when the data is
 * shared with clones (Click's nonunique_push).
 *
 * When the headroom is shorter than LENGTH the packet is copied into a
 * larger buffer; the added bytes are then zero. A packet that cannot be
 * copied (no buffer free) is dropped and counted in `drops`.
 *
 * Keyword:
 *   LENGTH  unsigned; bytes to put back. Mandatory.
 *
 * =h length read/write
 * The number of bytes put back.
 *
 * =h drops read-only
 * Packets dropped because no larger buffer could be had.
 *
 * =e
 * Remove the Ethernet header and put it back on:
 *   Strip(14) -> CheckIPHeader -> IPMirror -> Unstrip(14) -> EtherMirror -> ...
 *
 * =a Strip, EtherEncap
 */
#include <stddef.h>
#include <string.h>
#include "weir/args.h"
#include "weir/element.h"

static const char unstrip_doc[] =
	"Unstrip(LENGTH)\n"
	"\n"
	"Unstrips bytes from front of packets.\n"
	"\n"
	"Puts LENGTH bytes back at the front of each packet. These are normally\n"
	"the bytes removed by an earlier Strip: Unstrip only moves the start of\n"
	"the packet back into its headroom, without copying, even when the data is\n"
	"shared with clones (Click's nonunique_push).\n"
	"\n"
	"When the headroom is shorter than LENGTH the packet is copied into a\n"
	"larger buffer; the added bytes are then zero. A packet that cannot be\n"
	"copied (no buffer free) is dropped and counted in 'drops'.\n"
	"\n"
	"Keyword:\n"
	"  LENGTH  unsigned; bytes to put back. Mandatory.\n"
	"\n"
	"Handlers:\n"
	"  length (read/write)  the number of bytes put back.\n"
	"  drops (read)         packets dropped for want of a larger buffer.\n"
	"\n"
	"Example:\n"
	"  Strip(14) -> CheckIPHeader -> IPMirror -> Unstrip(14) -> EtherMirror -> ...\n";

struct unstrip {
	uint32_t length;
};

struct unstrip_pt {
	uint64_t drops;
};

static const struct weir_arg unstrip_args[] = {
	{ "LENGTH", WEIR_ARG_UINT, offsetof(struct unstrip, length),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "bytes to put back" },
	WEIR_ARG_END
};

/* The rare case: not enough headroom, so copy into a bigger buffer. */
static struct weir_packet *
unstrip_grow(struct weir_element *e, struct weir_packet *p, uint32_t n)
{
	p = weir_packet_push(p, n);
	if (!p) {
		struct unstrip_pt *pt = weir_element_pt(e);
		pt->drops++;
		return NULL;
	}
	memset(p->data, 0, n);
	return p;
}

static void
unstrip_action(struct weir_element *e, struct weir_batch *b)
{
	const struct unstrip *u = e->priv;
	uint32_t n = u->length;
	for (uint32_t i = 0; i < b->n; i++) {
		struct weir_packet *p = b->pkts[i];
		if (weir_unlikely(!weir_packet_unstrip(p, n)))
			b->pkts[i] = unstrip_grow(e, p, n);
	}
}

static int
unstrip_write_length(struct weir_element *e, const char *value, const struct weir_handler *h,
		     struct weir_errh *errh)
{
	struct unstrip *u = e->priv;
	uint32_t v;
	if (weir_parse_uint(value, &v) < 0)
		return weir_error(errh, "LENGTH: expected unsigned integer, got '%s'", value);
	u->length = v;
	return 0;
}

static int
unstrip_read_drops(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	weir_strbuf_printf(out, "%llu",
			   (unsigned long long)WEIR_PT_SUM(e, struct unstrip_pt, drops));
	return 0;
}

static const struct weir_handler unstrip_handlers[] = {
	{ .name = "length", .read = weir_handler_read_u32, .write = unstrip_write_length,
	  .arg = offsetof(struct unstrip, length) },
	{ .name = "drops", .read = unstrip_read_drops },
	WEIR_HANDLER_END
};

static const struct weir_element_class unstrip_class = {
	.name = "Unstrip",
	.port_count = "1/1",
	.processing = "a/a",
	.priv_size = sizeof(struct unstrip),
	.pt_size = sizeof(struct unstrip_pt),
	.args = unstrip_args,
	.simple_action = unstrip_action,
	.handlers = unstrip_handlers,
	.doc = unstrip_doc,
};
WEIR_ELEMENT_REGISTER(unstrip_class)
