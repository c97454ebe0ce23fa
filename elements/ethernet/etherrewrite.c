/* etherrewrite.c - EtherRewrite: overwrites the Ethernet source and destination addresses. */
/*
 * =c
 * EtherRewrite(SRC, DST)
 *
 * =s ethernet
 * rewrite source and destination Ethernet address
 *
 * =d
 * Rewrites the source and the destination address in the Ethernet header.
 * The ETHERTYPE is left untouched.
 *
 * The addresses are written at the MAC header annotation (as in Click), or
 * at the start of the packet when it has none. Click writes the 12 address
 * bytes without looking at the length; weir drops packets in which fewer
 * than 12 bytes follow that point (counted by the drops handler).
 *
 * Keywords:
 *   SRC  Ethernet address; the new source address. Mandatory.
 *   DST  Ethernet address; the new destination address. Mandatory.
 *
 * =h src read/write
 * Return or set the SRC parameter (read as 00-05-4E-50-3C-1A).
 * =h dst read/write
 * Return or set the DST parameter.
 * =h drops read-only
 * Packets dropped because they were too short (weir addition).
 *
 * =e
 *   EtherRewrite(1:1:1:1:1:1, 2:2:2:2:2:2)
 *
 * =a EtherEncap, EtherMirror, StoreEtherAddress
 */
#include <inttypes.h>
#include <stddef.h>
#include <string.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/ip.h"

static const char etherrewrite_doc[] =
	"EtherRewrite(SRC, DST)\n"
	"\n"
	"Rewrite source and destination Ethernet address.\n"
	"\n"
	"Rewrites the source and the destination address in the Ethernet header.\n"
	"The ETHERTYPE is left untouched.\n"
	"\n"
	"The addresses are written at the MAC header annotation (as in Click), or\n"
	"at the start of the packet when it has none. Click writes the 12 address\n"
	"bytes without looking at the length; weir drops packets in which fewer\n"
	"than 12 bytes follow that point (counted by the drops handler).\n"
	"\n"
	"Keywords:\n"
	"  SRC  Ethernet address; the new source address. Mandatory.\n"
	"  DST  Ethernet address; the new destination address. Mandatory.\n"
	"\n"
	"Handlers:\n"
	"  src (read/write)  the SRC parameter (read as 00-05-4E-50-3C-1A)\n"
	"  dst (read/write)  the DST parameter\n"
	"  drops (read-only) packets dropped because they were too short\n"
	"\n"
	"Example:\n"
	"  EtherRewrite(1:1:1:1:1:1, 2:2:2:2:2:2)\n";

struct etherrewrite {
	uint8_t src[WEIR_ETHER_ADDR_LEN];
	uint8_t dst[WEIR_ETHER_ADDR_LEN];
};

struct etherrewrite_pt {
	uint64_t drops;
};

static const struct weir_arg etherrewrite_args[] = {
	{ "SRC", WEIR_ARG_ETHER, offsetof(struct etherrewrite, src),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "new source address" },
	{ "DST", WEIR_ARG_ETHER, offsetof(struct etherrewrite, dst),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "new destination address" },
	WEIR_ARG_END
};

/* Where the addresses go: the MAC header (Click writes there), else the data. */
static uint8_t *
etherrewrite_target(struct weir_packet *p)
{
	uint8_t *m = weir_packet_mac_header(p);
	if (!m)
		m = p->data;
	if (m < p->buf || m + 2 * WEIR_ETHER_ADDR_LEN > weir_packet_end_data(p))
		return NULL;
	return m;
}

static void
etherrewrite_action(struct weir_element *e, struct weir_batch *b)
{
	const struct etherrewrite *er = e->priv;
	for (uint32_t i = 0; i < b->n; i++) {
		struct weir_packet *p = b->pkts[i];
		uint8_t *m = NULL;
		if (weir_likely(etherrewrite_target(p))) {
			p = weir_packet_uniqueify(p);
			m = p ? etherrewrite_target(p) : NULL;
		}
		if (weir_unlikely(!m)) {
			if (p)
				weir_packet_kill(p);
			b->pkts[i] = NULL;
			((struct etherrewrite_pt *)weir_element_pt(e))->drops++;
			continue;
		}
		b->pkts[i] = p;
		memcpy(m, er->dst, WEIR_ETHER_ADDR_LEN);
		memcpy(m + WEIR_ETHER_ADDR_LEN, er->src, WEIR_ETHER_ADDR_LEN);
	}
}

static int
etherrewrite_read(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	const uint8_t *a = (const uint8_t *)e->priv + h->arg;
	weir_strbuf_printf(out, "%02X-%02X-%02X-%02X-%02X-%02X", a[0], a[1], a[2], a[3], a[4],
			   a[5]);
	return 0;
}

static int
etherrewrite_write(struct weir_element *e, const char *value, const struct weir_handler *h,
		   struct weir_errh *errh)
{
	uint8_t addr[WEIR_ETHER_ADDR_LEN];
	if (weir_parse_ether(value, addr) < 0)
		return weir_error(errh, "%s: expected Ethernet address, got '%s'",
				  h->arg == offsetof(struct etherrewrite, src) ? "SRC" : "DST",
				  value);
	memcpy((uint8_t *)e->priv + h->arg, addr, WEIR_ETHER_ADDR_LEN);
	return 0;
}

static int
etherrewrite_read_drops(struct weir_element *e, const struct weir_handler *h,
			struct weir_strbuf *out)
{
	weir_strbuf_printf(out, "%" PRIu64, WEIR_PT_SUM(e, struct etherrewrite_pt, drops));
	return 0;
}

static const struct weir_handler etherrewrite_handlers[] = {
	{ .name = "src", .read = etherrewrite_read, .write = etherrewrite_write,
	  .arg = offsetof(struct etherrewrite, src) },
	{ .name = "dst", .read = etherrewrite_read, .write = etherrewrite_write,
	  .arg = offsetof(struct etherrewrite, dst) },
	{ .name = "drops", .read = etherrewrite_read_drops },
	WEIR_HANDLER_END
};

static const struct weir_element_class etherrewrite_class = {
	.name = "EtherRewrite",
	.port_count = "1/1",
	.processing = "a/a",
	.priv_size = sizeof(struct etherrewrite),
	.pt_size = sizeof(struct etherrewrite_pt),
	.args = etherrewrite_args,
	.simple_action = etherrewrite_action,
	.handlers = etherrewrite_handlers,
	.doc = etherrewrite_doc,
};
WEIR_ELEMENT_REGISTER(etherrewrite_class)
