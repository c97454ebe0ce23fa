/* etherencap.c - EtherEncap: prepends a fixed Ethernet header to packets. */
/*
 * =c
 * EtherEncap(ETHERTYPE, SRC, DST)
 *
 * =s ethernet
 * encapsulates packets in Ethernet header
 *
 * =d
 * Encapsulates each packet in the Ethernet header specified by its
 * arguments. ETHERTYPE should be in host order. The MAC header annotation is
 * set to the new header. A packet that cannot get 14 bytes of headroom (out
 * of buffers) is dropped.
 *
 * Keywords:
 *   ETHERTYPE  16-bit unsigned; the Ethernet type. Mandatory.
 *   SRC        Ethernet address; the source address. Mandatory.
 *   DST        Ethernet address; the destination address. Mandatory.
 *
 * =h src read/write
 * Returns or sets the SRC argument (read as Click prints Ethernet addresses,
 * 00-05-4E-50-3C-1A).
 * =h dst read/write
 * Returns or sets the DST argument.
 * =h ethertype read/write
 * Returns or sets the ETHERTYPE argument (read in decimal).
 *
 * =e
 * Encapsulate packets in an Ethernet header with type ETHERTYPE_IP (0x0800),
 * source address 1:1:1:1:1:1, and destination address 2:2:2:2:2:2:
 *   EtherEncap(0x0800, 1:1:1:1:1:1, 2:2:2:2:2:2)
 *
 * =a ARPQuerier, EnsureEther, StoreEtherAddress
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/ip.h"

static const char etherencap_doc[] =
	"EtherEncap(ETHERTYPE, SRC, DST)\n"
	"\n"
	"Encapsulates packets in Ethernet header.\n"
	"\n"
	"Encapsulates each packet in the Ethernet header specified by its\n"
	"arguments. ETHERTYPE should be in host order. The MAC header annotation is\n"
	"set to the new header. A packet that cannot get 14 bytes of headroom (out\n"
	"of buffers) is dropped.\n"
	"\n"
	"Keywords:\n"
	"  ETHERTYPE  16-bit unsigned; the Ethernet type. Mandatory.\n"
	"  SRC        Ethernet address; the source address. Mandatory.\n"
	"  DST        Ethernet address; the destination address. Mandatory.\n"
	"\n"
	"Handlers:\n"
	"  src (read/write)        the SRC argument (read as 00-05-4E-50-3C-1A)\n"
	"  dst (read/write)        the DST argument\n"
	"  ethertype (read/write)  the ETHERTYPE argument (read in decimal)\n"
	"\n"
	"Example:\n"
	"  EtherEncap(0x0800, 1:1:1:1:1:1, 2:2:2:2:2:2)\n";

struct etherencap {
	uint32_t ethertype;
	uint8_t src[WEIR_ETHER_ADDR_LEN];
	uint8_t dst[WEIR_ETHER_ADDR_LEN];
	struct weir_ether_hdr hdr; /* prebuilt from the three above */
};

struct etherencap_pt {
	uint64_t drops;
};

static const struct weir_arg etherencap_args[] = {
	{ "ETHERTYPE", WEIR_ARG_UINT, offsetof(struct etherencap, ethertype),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY | WEIR_ARGF_BOUNDED, .min = 0,
	  .max = 0xFFFF, .help = "Ethernet type, host order" },
	{ "SRC", WEIR_ARG_ETHER, offsetof(struct etherencap, src),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "source address" },
	{ "DST", WEIR_ARG_ETHER, offsetof(struct etherencap, dst),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "destination address" },
	WEIR_ARG_END
};

static void
etherencap_build(struct etherencap *ee)
{
	memcpy(ee->hdr.dst, ee->dst, WEIR_ETHER_ADDR_LEN);
	memcpy(ee->hdr.src, ee->src, WEIR_ETHER_ADDR_LEN);
	ee->hdr.type = htons((uint16_t)ee->ethertype);
}

static int
etherencap_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	etherencap_build(e->priv);
	return 0;
}

static void
etherencap_action(struct weir_element *e, struct weir_batch *b)
{
	const struct etherencap *ee = e->priv;
	for (uint32_t i = 0; i < b->n; i++) {
		struct weir_packet *p = weir_packet_push(b->pkts[i], WEIR_ETHER_HDR_LEN);
		b->pkts[i] = p;
		if (weir_unlikely(!p)) {
			((struct etherencap_pt *)weir_element_pt(e))->drops++;
			continue;
		}
		memcpy(p->data, &ee->hdr, WEIR_ETHER_HDR_LEN);
		weir_packet_set_mac_header(p, p->data);
	}
}

enum { H_SRC, H_DST, H_TYPE };

static int
etherencap_read(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	const struct etherencap *ee = e->priv;
	const uint8_t *a = h->arg == H_SRC ? ee->src : ee->dst;
	if (h->arg == H_TYPE) {
		weir_strbuf_printf(out, "%u", ee->ethertype);
		return 0;
	}
	weir_strbuf_printf(out, "%02X-%02X-%02X-%02X-%02X-%02X", a[0], a[1], a[2], a[3], a[4],
			   a[5]);
	return 0;
}

static int
etherencap_write(struct weir_element *e, const char *value, const struct weir_handler *h,
		 struct weir_errh *errh)
{
	struct etherencap *ee = e->priv;
	uint8_t addr[WEIR_ETHER_ADDR_LEN];
	uint32_t type;
	if (h->arg == H_TYPE) {
		if (weir_parse_uint(value, &type) < 0 || type > 0xFFFF)
			return weir_error(errh, "ETHERTYPE: expected 16-bit unsigned, got '%s'",
					  value);
		ee->ethertype = type;
	} else {
		if (weir_parse_ether(value, addr) < 0)
			return weir_error(errh, "%s: expected Ethernet address, got '%s'",
					  h->arg == H_SRC ? "SRC" : "DST", value);
		memcpy(h->arg == H_SRC ? ee->src : ee->dst, addr, WEIR_ETHER_ADDR_LEN);
	}
	etherencap_build(ee);
	return 0;
}

static const struct weir_handler etherencap_handlers[] = {
	{ .name = "src", .read = etherencap_read, .write = etherencap_write, .arg = H_SRC },
	{ .name = "dst", .read = etherencap_read, .write = etherencap_write, .arg = H_DST },
	{ .name = "ethertype", .read = etherencap_read, .write = etherencap_write,
	  .arg = H_TYPE },
	WEIR_HANDLER_END
};

static const struct weir_element_class etherencap_class = {
	.name = "EtherEncap",
	.port_count = "1/1",
	.processing = "a/a",
	.priv_size = sizeof(struct etherencap),
	.pt_size = sizeof(struct etherencap_pt),
	.args = etherencap_args,
	.configure = etherencap_configure,
	.simple_action = etherencap_action,
	.handlers = etherencap_handlers,
	.doc = etherencap_doc,
};
WEIR_ELEMENT_REGISTER(etherencap_class)
