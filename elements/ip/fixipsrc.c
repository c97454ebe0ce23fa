/* fixipsrc.c - FixIPSrc: rewrites the IP source address when the Fix IP Source annotation asks for it. */
/*
 * =c
 * FixIPSrc(IPADDR)
 *
 * =s ip
 * sets IP source field if requested by annotation
 *
 * =d
 * Expects an IP packet with the network header annotation set. If its Fix IP
 * Source annotation (FIX_IP_SRC, byte 19 of the annotation area) is set,
 * changes its IP source address field to IPADDR, recomputes the header
 * checksum, and clears the annotation. Used by elements such as ICMPError
 * that are required by standards to use the IP address of the outgoing
 * interface as the source.
 *
 * Packets without the network header annotation pass unchanged. So do
 * packets whose IP header (20 bytes up to the header length IHL) does not
 * fit in the packet (Click reads past it).
 *
 * Keyword:
 *   IPADDR  IP address; the new source address. Mandatory.
 *
 * =a ICMPError
 */
#include <stddef.h>
#include "weir/args.h"
#include "weir/element.h"
#include "ip_priv.h"

static const char fixipsrc_doc[] =
	"FixIPSrc(IPADDR)\n"
	"\n"
	"Sets IP source field if requested by annotation.\n"
	"\n"
	"Expects an IP packet with the network header annotation set. If its Fix IP\n"
	"Source annotation (FIX_IP_SRC, byte 19 of the annotation area) is set,\n"
	"changes its IP source address field to IPADDR, recomputes the header\n"
	"checksum, and clears the annotation. Used by elements such as ICMPError\n"
	"that are required by standards to use the IP address of the outgoing\n"
	"interface as the source.\n"
	"\n"
	"Packets without the network header annotation pass unchanged. So do\n"
	"packets whose IP header (20 bytes up to the header length IHL) does not\n"
	"fit in the packet (Click reads past it).\n"
	"\n"
	"Keyword:\n"
	"  IPADDR  IP address; the new source address. Mandatory.\n";

struct fixipsrc {
	uint32_t addr; /* network byte order */
};

static const struct weir_arg fixipsrc_args[] = {
	{ "IPADDR", WEIR_ARG_IP4, offsetof(struct fixipsrc, addr),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "new source address" },
	WEIR_ARG_END
};

static struct weir_packet *
fixipsrc_one(const struct fixipsrc *f, struct weir_packet *p)
{
	if (!weir_anno_u8(p, WEIR_FIX_IP_SRC_ANNO_OFFSET))
		return p;
	struct weir_ip_hdr *ip = weir_ip_header_checked(p, WEIR_IP_HDR_LEN);
	if (!ip)
		return p;
	unsigned hlen = weir_ip_hlen(ip);
	if (hlen < WEIR_IP_HDR_LEN || !weir_ip_header_checked(p, hlen))
		return p;
	p = weir_packet_uniqueify(p);
	if (!p)
		return NULL;
	ip = (struct weir_ip_hdr *)weir_packet_network_header(p);
	weir_set_anno_u8(p, WEIR_FIX_IP_SRC_ANNO_OFFSET, 0);
	ip->src = f->addr;
	weir_ip_set_cksum(ip, hlen);
	return p;
}

static void
fixipsrc_action(struct weir_element *e, struct weir_batch *b)
{
	const struct fixipsrc *f = e->priv;
	for (uint32_t i = 0; i < b->n; i++)
		b->pkts[i] = fixipsrc_one(f, b->pkts[i]);
}

static const struct weir_element_class fixipsrc_class = {
	.name = "FixIPSrc",
	.port_count = "1/1",
	.processing = "a/a",
	.priv_size = sizeof(struct fixipsrc),
	.args = fixipsrc_args,
	.simple_action = fixipsrc_action,
	.doc = fixipsrc_doc,
};
WEIR_ELEMENT_REGISTER(fixipsrc_class)
