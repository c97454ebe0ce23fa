/* setipchecksum.c - SetIPChecksum: recomputes the IPv4 header checksum; drops packets too short for their header. */
/*
 * =c
 * SetIPChecksum()
 *
 * =s ip
 * sets IP packets' checksums
 *
 * =d
 * Expects an IP packet as input: its IP header starts at the network header
 * annotation, or at the start of the data when the annotation is not set.
 * Calculates the IP header's checksum and sets the checksum header field.
 * Packets shorter than an IP header, or whose header length (IHL) is less
 * than 20 or runs past the end of the packet, are dropped and counted; the
 * first one prints "SetIPChecksum: bad input packet" on standard error.
 *
 * You will not normally need SetIPChecksum. Most elements that modify an IP
 * header, like DecIPTTL, already update the checksum incrementally.
 *
 * =h drops read-only
 * Number of packets dropped as bad.
 *
 * =a CheckIPHeader, DecIPTTL
 */
#include <stdio.h>
#include "weir/element.h"
#include "ip_priv.h"

static const char setipchecksum_doc[] =
	"SetIPChecksum()\n"
	"\n"
	"Sets IP packets' checksums.\n"
	"\n"
	"Expects an IP packet as input: its IP header starts at the network header\n"
	"annotation, or at the start of the data when the annotation is not set.\n"
	"Calculates the IP header's checksum and sets the checksum header field.\n"
	"Packets shorter than an IP header, or whose header length (IHL) is less\n"
	"than 20 or runs past the end of the packet, are dropped and counted; the\n"
	"first one prints \"SetIPChecksum: bad input packet\" on standard error.\n"
	"\n"
	"You will not normally need SetIPChecksum. Most elements that modify an IP\n"
	"header, like DecIPTTL, already update the checksum incrementally.\n"
	"\n"
	"Handler:\n"
	"  drops (read)  number of packets dropped as bad.\n";

struct setipchecksum_pt {
	uint64_t drops;
};

/* Returns the packet with its checksum set, or NULL (killed). */
static struct weir_packet *
setipchecksum_one(struct weir_packet *p, struct setipchecksum_pt *pt)
{
	p = weir_packet_uniqueify(p);
	if (!p)
		return NULL;
	uint8_t *nh = weir_packet_network_header(p);
	uint8_t *end = weir_packet_end_data(p);
	if (!nh)
		nh = p->data;
	if (nh <= end && end - nh >= WEIR_IP_HDR_LEN) {
		struct weir_ip_hdr *ip = (struct weir_ip_hdr *)nh;
		unsigned hlen = weir_ip_hlen(ip);
		if (hlen >= WEIR_IP_HDR_LEN && hlen <= (unsigned)(end - nh)) {
			weir_ip_set_cksum(ip, hlen);
			return p;
		}
	}
	if (++pt->drops == 1)
		fprintf(stderr, "SetIPChecksum: bad input packet\n");
	weir_packet_kill(p);
	return NULL;
}

static void
setipchecksum_action(struct weir_element *e, struct weir_batch *b)
{
	struct setipchecksum_pt *pt = weir_element_pt(e);
	for (uint32_t i = 0; i < b->n; i++)
		b->pkts[i] = setipchecksum_one(b->pkts[i], pt);
}

static int
setipchecksum_read_drops(struct weir_element *e, const struct weir_handler *h,
			 struct weir_strbuf *out)
{
	(void)h;
	weir_strbuf_printf(out, "%llu",
			   (unsigned long long)WEIR_PT_SUM(e, struct setipchecksum_pt, drops));
	return 0;
}

static const struct weir_handler setipchecksum_handlers[] = {
	{ .name = "drops", .read = setipchecksum_read_drops },
	WEIR_HANDLER_END
};

static const struct weir_element_class setipchecksum_class = {
	.name = "SetIPChecksum",
	.port_count = "1/1",
	.processing = "a/a",
	.pt_size = sizeof(struct setipchecksum_pt),
	.simple_action = setipchecksum_action,
	.handlers = setipchecksum_handlers,
	.doc = setipchecksum_doc,
};
WEIR_ELEMENT_REGISTER(setipchecksum_class)
