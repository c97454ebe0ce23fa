/* icmppingresponder.c - ICMPPingResponder: turns ICMP echo requests into echo replies in place. */
/*
 * =c
 * ICMPPingResponder()
 *
 * =s icmp
 * responds to ICMP echo requests
 *
 * =d
 * Input packets are IP packets with the IP header annotation set. An ICMP
 * echo request (with at least the 8-byte ICMP header after the IP header)
 * is turned into an echo reply in place and sent to output 0: the source
 * and destination addresses are swapped, the fragment field is cleared, the
 * TTL is set to 255, the ICMP type and code become 0, and both checksums
 * are updated incrementally (RFC 1624), so a request with a bad checksum
 * gets a reply with a bad checksum. The destination IP annotation is set to
 * the reply's destination, the timestamp annotation to now and the paint
 * annotation to 0.
 *
 * Other packets go to output 1 if it exists, and are dropped otherwise.
 *
 * =h replies read-only
 * Echo replies made (a weir addition).
 *
 * =e
 *   ... -> CheckIPHeader -> ICMPPingResponder -> EtherMirror -> ...
 *
 * =a ICMPSendPings, ICMPError, CheckICMPHeader
 */
#include <inttypes.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/task.h"
#include "../tcpudp/l4_priv.h"

static const char icmppingresponder_doc[] =
	"ICMPPingResponder()\n"
	"\n"
	"Responds to ICMP echo requests.\n"
	"\n"
	"Input packets are IP packets with the IP header annotation set. An ICMP\n"
	"echo request (with at least the 8-byte ICMP header after the IP header)\n"
	"is turned into an echo reply in place and sent to output 0: the source\n"
	"and destination addresses are swapped, the fragment field is cleared, the\n"
	"TTL is set to 255, the ICMP type and code become 0, and both checksums\n"
	"are updated incrementally (RFC 1624), so a request with a bad checksum\n"
	"gets a reply with a bad checksum. The destination IP annotation is set to\n"
	"the reply's destination, the timestamp annotation to now and the paint\n"
	"annotation to 0.\n"
	"\n"
	"Other packets go to output 1 if it exists, and are dropped otherwise.\n"
	"\n"
	"Handler:\n"
	"  replies (read-only)  echo replies made (a weir addition)\n"
	"\n"
	"Example:\n"
	"  ... -> CheckIPHeader -> ICMPPingResponder -> EtherMirror -> ...\n"
	"\n"
	"See also: ICMPSendPings, ICMPError, CheckICMPHeader.\n";

struct icmppingresponder_pt {
	uint64_t replies;
};

/* True for an echo request whose headers lie in the packet. */
static bool
icmppingresponder_is_echo(const struct weir_packet *p)
{
	uint32_t avail;
	const struct weir_ip_hdr *ip = l4_ip_header(p, &avail);

	if (!ip || avail < WEIR_IP_HDR_LEN || ip->p != WEIR_IPPROTO_ICMP)
		return false;
	unsigned hlen = weir_ip_hlen(ip);
	if (hlen < WEIR_IP_HDR_LEN || avail < hlen + WEIR_ICMP_HDR_LEN)
		return false;
	const struct weir_icmp_hdr *icmp = (const void *)((const uint8_t *)ip + hlen);
	return icmp->type == WEIR_ICMP_ECHO;
}

/* Click's click_update_zero_in_cksum: all-zero data sums to 0xFFFF, not 0. */
static uint16_t
icmppingresponder_fix_zero(uint16_t sum, const uint8_t *data, uint32_t len)
{
	if (sum != 0)
		return sum;
	for (uint32_t i = 0; i < len; i++)
		if (data[i])
			return sum;
	return 0xFFFF;
}

static void
icmppingresponder_reply(struct weir_packet *p, int64_t now)
{
	uint32_t avail;
	struct weir_ip_hdr *ip = l4_ip_header(p, &avail);
	unsigned hlen = weir_ip_hlen(ip);
	struct weir_icmp_hdr *icmp = (void *)((uint8_t *)ip + hlen);
	uint32_t tmp = ip->dst;
	uint16_t old_word, new_word;

	/* swapping the addresses leaves the checksum valid */
	ip->dst = ip->src;
	ip->src = tmp;
	ip->sum = weir_cksum_update16(ip->sum, ip->off, 0);
	ip->off = 0;
	memcpy(&old_word, &ip->ttl, 2); /* TTL and protocol */
	ip->ttl = 255;
	memcpy(&new_word, &ip->ttl, 2);
	ip->sum = weir_cksum_update16(ip->sum, old_word, new_word);

	weir_set_dst_ip_anno(p, ip->dst);
	p->timestamp_ns = now;
	weir_set_paint_anno(p, 0);

	memcpy(&old_word, &icmp->type, 2); /* type and code */
	icmp->type = WEIR_ICMP_ECHOREPLY;
	icmp->code = 0;
	memcpy(&new_word, &icmp->type, 2);
	icmp->sum = weir_cksum_update16(icmp->sum, old_word, new_word);
	icmp->sum = icmppingresponder_fix_zero(icmp->sum, (const uint8_t *)icmp, avail - hlen);
}

static void
icmppingresponder_classify(struct weir_element *e, struct weir_batch *b, uint8_t *ports)
{
	struct icmppingresponder_pt *pt = weir_element_pt(e);
	uint8_t other = e->noutputs > 1 ? 1 : WEIR_PORT_DROP;
	int64_t now = 0;
	uint32_t k = 0;

	for (uint32_t i = 0; i < b->n; i++) {
		struct weir_packet *p = b->pkts[i];
		if (!icmppingresponder_is_echo(p)) {
			b->pkts[k] = p;
			ports[k++] = other;
			continue;
		}
		p = weir_packet_uniqueify(p);
		if (!p)
			continue;
		if (!now)
			now = weir_wall_ns();
		icmppingresponder_reply(p, now);
		pt->replies++;
		b->pkts[k] = p;
		ports[k++] = 0;
	}
	b->n = k;
}

static int
icmppingresponder_read_replies(struct weir_element *e, const struct weir_handler *h,
			       struct weir_strbuf *out)
{
	weir_strbuf_printf(out, "%" PRIu64, WEIR_PT_SUM(e, struct icmppingresponder_pt, replies));
	return 0;
}

static const struct weir_handler icmppingresponder_handlers[] = {
	{ .name = "replies", .read = icmppingresponder_read_replies },
	WEIR_HANDLER_END
};

static const struct weir_element_class icmppingresponder_class = {
	.name = "ICMPPingResponder",
	.port_count = "1/1-2",
	.processing = "a/ah",
	.pt_size = sizeof(struct icmppingresponder_pt),
	.classify = icmppingresponder_classify,
	.handlers = icmppingresponder_handlers,
	.doc = icmppingresponder_doc,
};
WEIR_ELEMENT_REGISTER(icmppingresponder_class)
