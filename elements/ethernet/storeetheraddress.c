/* storeetheraddress.c - StoreEtherAddress: writes an Ethernet address into packets at an offset. */
/*
 * =c
 * StoreEtherAddress(ADDR, OFFSET)
 *
 * =s ethernet
 * stores Ethernet address in packet
 *
 * =d
 * Writes an Ethernet address ADDR into the packet at offset OFFSET. If
 * OFFSET is "src", writes into the Ethernet source address (offset 6); if it
 * is "dst", into the destination address (offset 0). A packet too short to
 * hold the address at OFFSET is sent to output 1, or dropped if there is no
 * output 1 (drops counted by the drops handler).
 *
 * Keywords:
 *   ADDR    Ethernet address. Mandatory.
 *   OFFSET  unsigned byte offset, or "src" or "dst". Mandatory.
 *
 * =h addr read/write
 * Return or set the ADDR argument (read as 00-05-4E-50-3C-1A).
 * =h drops read-only
 * Short packets dropped because there is no output 1 (weir addition).
 *
 * =e
 *   StoreEtherAddress(0:1:2:3:4:5, src)
 *
 * =a EtherEncap, EtherRewrite, StoreIPAddress
 */
#include <inttypes.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/ip.h"

static const char storeetheraddress_doc[] =
	"StoreEtherAddress(ADDR, OFFSET)\n"
	"\n"
	"Stores Ethernet address in packet.\n"
	"\n"
	"Writes an Ethernet address ADDR into the packet at offset OFFSET. If\n"
	"OFFSET is \"src\", writes into the Ethernet source address (offset 6); if it\n"
	"is \"dst\", into the destination address (offset 0). A packet too short to\n"
	"hold the address at OFFSET is sent to output 1, or dropped if there is no\n"
	"output 1 (drops counted by the drops handler).\n"
	"\n"
	"Keywords:\n"
	"  ADDR    Ethernet address. Mandatory.\n"
	"  OFFSET  unsigned byte offset, or \"src\" or \"dst\". Mandatory.\n"
	"\n"
	"Handlers:\n"
	"  addr (read/write)  the ADDR argument (read as 00-05-4E-50-3C-1A)\n"
	"  drops (read-only)  short packets dropped for lack of output 1\n"
	"\n"
	"Example:\n"
	"  StoreEtherAddress(0:1:2:3:4:5, src)\n";

struct storeetheraddress {
	uint8_t addr[WEIR_ETHER_ADDR_LEN];
	char *offset_word;
	uint32_t offset;
};

struct storeetheraddress_pt {
	uint64_t drops;
};

static const struct weir_arg storeetheraddress_args[] = {
	{ "ADDR", WEIR_ARG_ETHER, offsetof(struct storeetheraddress, addr),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "Ethernet address" },
	{ "OFFSET", WEIR_ARG_WORD, offsetof(struct storeetheraddress, offset_word),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "byte offset, src or dst" },
	WEIR_ARG_END
};

static int
storeetheraddress_configure(struct weir_element *e, struct weir_conf *conf,
			    struct weir_errh *errh)
{
	struct storeetheraddress *s = e->priv;
	if (strcasecmp(s->offset_word, "src") == 0)
		s->offset = WEIR_ETHER_ADDR_LEN;
	else if (strcasecmp(s->offset_word, "dst") == 0)
		s->offset = 0;
	else if (weir_parse_uint(s->offset_word, &s->offset) < 0 || s->offset > 0xFFFF)
		return weir_error(errh, "OFFSET: expected unsigned offset, 'src' or 'dst', got '%s'",
				  s->offset_word);
	return 0;
}

/* Classify, compacting away packets that uniqueify could not copy. */
static void
storeetheraddress_classify(struct weir_element *e, struct weir_batch *b, uint8_t *ports)
{
	const struct storeetheraddress *s = e->priv;
	struct storeetheraddress_pt *pt = weir_element_pt(e);
	uint8_t bad = e->noutputs > 1 ? 1 : WEIR_PORT_DROP;
	uint32_t k = 0;
	for (uint32_t i = 0; i < b->n; i++) {
		struct weir_packet *p = b->pkts[i];
		if (weir_unlikely((uint64_t)s->offset + WEIR_ETHER_ADDR_LEN > p->len)) {
			if (bad == WEIR_PORT_DROP)
				pt->drops++;
			ports[k] = bad;
			b->pkts[k++] = p;
			continue;
		}
		p = weir_packet_uniqueify(p);
		if (weir_unlikely(!p)) {
			pt->drops++;
			continue;
		}
		memcpy(p->data + s->offset, s->addr, WEIR_ETHER_ADDR_LEN);
		ports[k] = 0;
		b->pkts[k++] = p;
	}
	b->n = k;
}

static int
storeetheraddress_read(struct weir_element *e, const struct weir_handler *h,
		       struct weir_strbuf *out)
{
	const struct storeetheraddress *s = e->priv;
	const uint8_t *a = s->addr;
	weir_strbuf_printf(out, "%02X-%02X-%02X-%02X-%02X-%02X", a[0], a[1], a[2], a[3], a[4],
			   a[5]);
	return 0;
}

static int
storeetheraddress_write(struct weir_element *e, const char *value, const struct weir_handler *h,
			struct weir_errh *errh)
{
	struct storeetheraddress *s = e->priv;
	if (weir_parse_ether(value, s->addr) < 0)
		return weir_error(errh, "ADDR: expected Ethernet address, got '%s'", value);
	return 0;
}

static int
storeetheraddress_read_drops(struct weir_element *e, const struct weir_handler *h,
			     struct weir_strbuf *out)
{
	weir_strbuf_printf(out, "%" PRIu64, WEIR_PT_SUM(e, struct storeetheraddress_pt, drops));
	return 0;
}

static const struct weir_handler storeetheraddress_handlers[] = {
	{ .name = "addr", .read = storeetheraddress_read, .write = storeetheraddress_write },
	{ .name = "drops", .read = storeetheraddress_read_drops },
	WEIR_HANDLER_END
};

static const struct weir_element_class storeetheraddress_class = {
	.name = "StoreEtherAddress",
	.port_count = "1/1-2",
	.processing = "a/ah",
	.priv_size = sizeof(struct storeetheraddress),
	.pt_size = sizeof(struct storeetheraddress_pt),
	.args = storeetheraddress_args,
	.configure = storeetheraddress_configure,
	.classify = storeetheraddress_classify,
	.handlers = storeetheraddress_handlers,
	.doc = storeetheraddress_doc,
};
WEIR_ELEMENT_REGISTER(storeetheraddress_class)
