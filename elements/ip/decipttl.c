/* decipttl.c - DecIPTTL: decrements the IP TTL with an incremental checksum update; expired packets to output 1. */
/*
 * =c
 * DecIPTTL([keywords ACTIVE, MULTICAST])
 *
 * =s ip
 * decrements IP time-to-live, drops dead packets
 *
 * =d
 * Expects IP packets with the network header annotation set (CheckIPHeader,
 * MarkIPHeader). If the TTL is <= 1 (expired), DecIPTTL sends the packet to
 * output 1 (or drops it if there is no output 1). Otherwise it decrements the
 * TTL, updates the checksum incrementally (RFC 1141/1624, the same
 * arithmetic as Click), and sends the packet to output 0.
 *
 * Ordinarily output 1 is connected to an ICMP error generator.
 * Packets without a network header annotation, or whose IP header does not
 * fit in the packet, are dropped (Click asserts).
 *
 * Keywords:
 *   ACTIVE     boolean; if false, leave every packet unchanged. Default true.
 *   MULTICAST  boolean; if false, leave packets to multicast destinations
 *              unchanged. Default true.
 *
 * =h drops read-only
 * Number of expired packets.
 * =h active read/write
 * The ACTIVE setting.
 *
 * =e
 *   ... -> CheckIPHeader -> dt :: DecIPTTL -> ...
 *   dt[1] -> ICMPError(18.26.4.24, 11, 0) -> ...
 *
 * =a ICMPError, CheckIPHeader
 */
#include <errno.h>
#include <stddef.h>
#include "weir/args.h"
#include "weir/element.h"
#include "ip_priv.h"

static const char decipttl_doc[] =
	"DecIPTTL([keywords ACTIVE, MULTICAST])\n"
	"\n"
	"Decrements IP time-to-live, drops dead packets.\n"
	"\n"
	"Expects IP packets with the network header annotation set (CheckIPHeader,\n"
	"MarkIPHeader). If the TTL is <= 1 (expired), DecIPTTL sends the packet to\n"
	"output 1 (or drops it if there is no output 1). Otherwise it decrements the\n"
	"TTL, updates the checksum incrementally (RFC 1141/1624, the same\n"
	"arithmetic as Click), and sends the packet to output 0.\n"
	"\n"
	"Ordinarily output 1 is connected to an ICMP error generator.\n"
	"Packets without a network header annotation, or whose IP header does not\n"
	"fit in the packet, are dropped (Click asserts).\n"
	"\n"
	"Keywords:\n"
	"  ACTIVE     boolean; if false, leave every packet unchanged. Default true.\n"
	"  MULTICAST  boolean; if false, leave packets to multicast destinations\n"
	"             unchanged. Default true.\n"
	"\n"
	"Handlers:\n"
	"  drops (read)         number of expired packets.\n"
	"  active (read/write)  the ACTIVE setting.\n"
	"\n"
	"Example:\n"
	"  ... -> CheckIPHeader -> dt :: DecIPTTL -> ...\n"
	"  dt[1] -> ICMPError(18.26.4.24, 11, 0) -> ...\n";

struct decipttl {
	bool active;
	bool multicast;
};

struct decipttl_pt {
	uint64_t drops;
};

static const struct weir_arg decipttl_args[] = {
	{ "ACTIVE", WEIR_ARG_BOOL, offsetof(struct decipttl, active), .def = "true",
	  .help = "decrement TTLs at all" },
	{ "MULTICAST", WEIR_ARG_BOOL, offsetof(struct decipttl, multicast), .def = "true",
	  .help = "decrement TTLs of multicast packets" },
	WEIR_ARG_END
};

/* Click's update for a TTL decrement: ~(~sum + 0xFEFF), in host order. */
static inline uint16_t
decipttl_sum(uint16_t sum_be)
{
	uint32_t s = (~(uint32_t)ntohs(sum_be) & 0xFFFF) + 0xFEFF;
	return (uint16_t)~htons((uint16_t)(s + (s >> 16)));
}

static uint8_t
decipttl_one(const struct decipttl *d, struct weir_batch *b, uint32_t i, uint8_t expired,
	     struct decipttl_pt *pt)
{
	struct weir_packet *p = b->pkts[i];
	const struct weir_ip_hdr *ip = weir_ip_header_checked(p, WEIR_IP_HDR_LEN);
	if (!ip) {
		weir_packet_kill(p);
		b->pkts[i] = NULL;
		return WEIR_PORT_DROP;
	}
	if (!d->active || (!d->multicast && (ntohl(ip->dst) & 0xF0000000u) == 0xE0000000u))
		return 0;
	if (ip->ttl <= 1) {
		pt->drops++;
		return expired;
	}
	p = weir_packet_uniqueify(p);
	b->pkts[i] = p;
	if (!p)
		return WEIR_PORT_DROP;
	struct weir_ip_hdr *w = (struct weir_ip_hdr *)weir_packet_network_header(p);
	w->ttl--;
	w->sum = decipttl_sum(w->sum);
	return 0;
}

static void
decipttl_classify(struct weir_element *e, struct weir_batch *b, uint8_t *ports)
{
	const struct decipttl *d = e->priv;
	struct decipttl_pt *pt = weir_element_pt(e);
	uint8_t expired = e->noutputs > 1 ? 1 : WEIR_PORT_DROP;
	for (uint32_t i = 0; i < b->n; i++)
		ports[i] = decipttl_one(d, b, i, expired, pt);
}

static void
decipttl_push(struct weir_element *e, int port, struct weir_batch *b)
{
	(void)port;
	weir_ip_classify_push(e, b, decipttl_classify);
}

static uint32_t
decipttl_pull(struct weir_element *e, int port, struct weir_batch *b, uint32_t max)
{
	(void)port;
	return weir_ip_classify_pull(e, b, max, decipttl_classify);
}

static int
decipttl_read_drops(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	(void)h;
	weir_strbuf_printf(out, "%llu",
			   (unsigned long long)WEIR_PT_SUM(e, struct decipttl_pt, drops));
	return 0;
}

static int
decipttl_write_active(struct weir_element *e, const char *value, const struct weir_handler *h,
		      struct weir_errh *errh)
{
	struct decipttl *d = e->priv;
	bool v;
	(void)h;
	if (weir_parse_bool(value, &v) < 0)
		return weir_error(errh, "active: expected boolean, got '%s'", value);
	d->active = v;
	return 0;
}

static const struct weir_handler decipttl_handlers[] = {
	{ .name = "drops", .read = decipttl_read_drops },
	{ .name = "active", .read = weir_handler_read_bool, .write = decipttl_write_active,
	  .arg = offsetof(struct decipttl, active) },
	WEIR_HANDLER_END
};

static const struct weir_element_class decipttl_class = {
	.name = "DecIPTTL",
	.port_count = "1/1-2",
	.processing = "a/ah",
	.priv_size = sizeof(struct decipttl),
	.pt_size = sizeof(struct decipttl_pt),
	.args = decipttl_args,
	.push = decipttl_push,
	.pull = decipttl_pull,
	.handlers = decipttl_handlers,
	.doc = decipttl_doc,
};
WEIR_ELEMENT_REGISTER(decipttl_class)
