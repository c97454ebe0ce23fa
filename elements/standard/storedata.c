/* storedata.c - StoreData: overwrites packet bytes at an offset with fixed, maybe masked, data. */
/*
 * =c
 * StoreData(OFFSET, DATA [, MASK, I<keywords> GROW])
 *
 * =s basicmod
 * changes packet data
 *
 * =d
 * Changes packet data starting at OFFSET to DATA. If MASK is given, only
 * the bits set in MASK are changed: byte i becomes
 * (old & ~MASK[i]) | (DATA[i] & MASK[i]); bytes of DATA beyond MASK are
 * stored whole. A packet no longer than OFFSET is passed unchanged.
 *
 * Keywords:
 *   OFFSET  unsigned byte offset. Mandatory.
 *   DATA    data (Click syntax, e.g. "\<0a0b>"). Mandatory.
 *   MASK    data, no longer than DATA. Default none.
 *   GROW    Boolean. If true, a packet too short to hold all of DATA (but
 *           longer than OFFSET) is extended; otherwise DATA is cut at the
 *           end of the packet. Default false.
 *
 * =h drops read-only
 * Packets dropped because they could not be made writable or grown
 * (weir extension).
 *
 * =e
 *   ... -> StoreData(12, \<0800>) -> ...
 *
 * =a StoreIPAddress, StoreEtherAddress
 */
#include <inttypes.h>
#include <stddef.h>
#include <string.h>
#include "weir/args.h"
#include "weir/element.h"

static const char storedata_doc[] =
	"StoreData(OFFSET, DATA [, MASK, keywords GROW])\n"
	"\n"
	"Changes packet data.\n"
	"\n"
	"Changes packet data starting at OFFSET to DATA. If MASK is given, only\n"
	"the bits set in MASK are changed: byte i becomes\n"
	"(old & ~MASK[i]) | (DATA[i] & MASK[i]); bytes of DATA beyond MASK are\n"
	"stored whole. A packet no longer than OFFSET is passed unchanged.\n"
	"\n"
	"Keywords:\n"
	"  OFFSET  unsigned byte offset. Mandatory.\n"
	"  DATA    data (Click syntax, e.g. \"\\<0a0b>\"). Mandatory.\n"
	"  MASK    data, no longer than DATA. Default none.\n"
	"  GROW    Boolean. If true, a packet too short to hold all of DATA (but\n"
	"          longer than OFFSET) is extended; otherwise DATA is cut at the\n"
	"          end of the packet. Default false.\n"
	"\n"
	"Handler:\n"
	"  drops (read)  packets dropped because they could not be made writable\n"
	"                or grown (weir extension).\n"
	"\n"
	"Example:\n"
	"  ... -> StoreData(12, \\<0800>) -> ...\n";

struct storedata {
	uint32_t offset;
	struct weir_bytes data;
	struct weir_bytes mask;
	bool grow;
};

struct storedata_pt {
	uint64_t drops;
};

static const struct weir_arg storedata_args[] = {
	{ "OFFSET", WEIR_ARG_UINT, offsetof(struct storedata, offset),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "byte offset" },
	{ "DATA", WEIR_ARG_DATA, offsetof(struct storedata, data),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "data to store" },
	{ "MASK", WEIR_ARG_DATA, offsetof(struct storedata, mask), WEIR_ARGF_POSITIONAL,
	  .help = "bits of DATA to store" },
	{ "GROW", WEIR_ARG_BOOL, offsetof(struct storedata, grow), 0, .def = "false",
	  .help = "extend short packets" },
	WEIR_ARG_END
};

static int
storedata_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct storedata *s = e->priv;
	(void)conf;
	if (s->mask.len > s->data.len)
		return weir_error(errh, "MASK must be no longer than DATA");
	for (size_t i = 0; i < s->mask.len; i++)
		s->data.data[i] &= s->mask.data[i];
	return 0;
}

static struct weir_packet *
storedata_one(const struct storedata *s, struct weir_packet *p)
{
	if (p->len <= s->offset)
		return p;
	p = weir_packet_uniqueify(p);
	if (!p)
		return NULL;
	size_t room = p->len - s->offset;
	if (s->grow && s->data.len > room) {
		p = weir_packet_put(p, (uint32_t)(s->data.len - room));
		if (!p)
			return NULL;
		room = p->len - s->offset;
	}
	size_t n = s->data.len < room ? s->data.len : room;
	uint8_t *d = p->data + s->offset;
	size_t m = s->mask.len < n ? s->mask.len : n;
	for (size_t i = 0; i < m; i++)
		d[i] = (uint8_t)((d[i] & ~s->mask.data[i]) | s->data.data[i]);
	if (n > m)
		memcpy(d + m, s->data.data + m, n - m);
	return p;
}

static void
storedata_action(struct weir_element *e, struct weir_batch *b)
{
	const struct storedata *s = e->priv;
	for (uint32_t i = 0; i < b->n; i++) {
		b->pkts[i] = storedata_one(s, b->pkts[i]);
		if (weir_unlikely(!b->pkts[i])) {
			struct storedata_pt *pt = weir_element_pt(e);
			pt->drops++;
		}
	}
}

static int
storedata_read_drops(struct weir_element *e, const struct weir_handler *h,
		     struct weir_strbuf *out)
{
	(void)h;
	weir_strbuf_printf(out, "%" PRIu64, WEIR_PT_SUM(e, struct storedata_pt, drops));
	return 0;
}

static const struct weir_handler storedata_handlers[] = {
	{ .name = "drops", .read = storedata_read_drops },
	WEIR_HANDLER_END
};

static const struct weir_element_class storedata_class = {
	.name = "StoreData",
	.port_count = "1/1",
	.processing = "a/a",
	.priv_size = sizeof(struct storedata),
	.pt_size = sizeof(struct storedata_pt),
	.args = storedata_args,
	.configure = storedata_configure,
	.simple_action = storedata_action,
	.handlers = storedata_handlers,
	.doc = storedata_doc,
};
WEIR_ELEMENT_REGISTER(storedata_class)
