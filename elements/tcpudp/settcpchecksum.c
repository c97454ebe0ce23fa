/* settcpchecksum.c - SetTCPChecksum: computes and stores the TCP checksum of TCP/IP packets. */
/*
 * =c
 * SetTCPChecksum([FIXOFF])
 *
 * =s tcp
 * sets TCP packets' checksums
 *
 * =d
 * Input packets must be TCP/IP packets with the IP header annotation set.
 * SetTCPChecksum computes the TCP checksum over the IP payload (IP length
 * minus IP header length) and Click's pseudo-header (the final hop of a
 * source route option stands for the destination) and stores it in the
 * header. The IP checksum is not changed.
 *
 * Packets whose IP payload is shorter than a TCP header or longer than the
 * data present are dropped (the first one prints "bad lengths").
 *
 * Keyword arguments are:
 *   FIXOFF  Boolean. If true, also repair the TCP data offset first: an
 *           offset under 5 words becomes 5, and one past the IP payload
 *           (in a packet that is not a fragment) becomes the payload length
 *           in words. Default false.
 *
 * =h drops read-only
 * Packets dropped for bad lengths (a weir addition).
 *
 * =e
 *   ... -> SetTCPChecksum -> SetIPChecksum -> ...
 *
 * =a CheckTCPHeader, SetUDPChecksum, SetIPChecksum
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include "weir/args.h"
#include "weir/element.h"
#include "l4_priv.h"

static const char settcpchecksum_doc[] =
	"SetTCPChecksum([FIXOFF])\n"
	"\n"
	"Sets TCP packets' checksums.\n"
	"\n"
	"Input packets must be TCP/IP packets with the IP header annotation set.\n"
	"SetTCPChecksum computes the TCP checksum over the IP payload (IP length\n"
	"minus IP header length) and Click's pseudo-header (the final hop of a\n"
	"source route option stands for the destination) and stores it in the\n"
	"header. The IP checksum is not changed.\n"
	"\n"
	"Packets whose IP payload is shorter than a TCP header or longer than the\n"
	"data present are dropped (the first one prints \"bad lengths\").\n"
	"\n"
	"Keyword arguments are:\n"
	"  FIXOFF  Boolean. If true, also repair the TCP data offset first: an\n"
	"          offset under 5 words becomes 5, and one past the IP payload\n"
	"          (in a packet that is not a fragment) becomes the payload length\n"
	"          in words. Default false.\n"
	"\n"
	"Handler:\n"
	"  drops (read-only)  packets dropped for bad lengths (a weir addition)\n"
	"\n"
	"Example:\n"
	"  ... -> SetTCPChecksum -> SetIPChecksum -> ...\n"
	"\n"
	"See also: CheckTCPHeader, SetUDPChecksum, SetIPChecksum.\n";

struct settcpchecksum {
	bool fixoff;
	bool warned;
};

struct settcpchecksum_pt {
	uint64_t drops;
};

static const struct weir_arg settcpchecksum_args[] = {
	{ "FIXOFF", WEIR_ARG_BOOL, offsetof(struct settcpchecksum, fixoff), WEIR_ARGF_POSITIONAL,
	  .def = "false", .help = "repair the TCP data offset" },
	WEIR_ARG_END
};

/* Returns true when the checksum was set, false for a packet to drop. */
static bool
settcpchecksum_one(const struct settcpchecksum *s, struct weir_packet *p)
{
	uint32_t avail;
	struct weir_ip_hdr *ip = l4_ip_header(p, &avail);

	if (!ip || avail < WEIR_IP_HDR_LEN)
		return false;
	unsigned hlen = weir_ip_hlen(ip);
	unsigned ip_len = ntohs(ip->len);
	if (hlen < WEIR_IP_HDR_LEN || ip_len < hlen || avail < hlen)
		return false;
	unsigned plen = ip_len - hlen;
	if (plen < sizeof(struct weir_tcp_hdr) || plen > avail - hlen)
		return false;
	struct weir_tcp_hdr *tcp = (void *)((uint8_t *)ip + hlen);
	if (s->fixoff) {
		unsigned off = weir_tcp_hlen(tcp);
		if (off < sizeof(struct weir_tcp_hdr))
			tcp->off_x2 = (uint8_t)((tcp->off_x2 & 0x0F) | (5 << 4));
		else if (off > plen && !weir_ip_is_fragment(ip))
			tcp->off_x2 = (uint8_t)((tcp->off_x2 & 0x0F) | ((plen >> 2) << 4));
	}
	tcp->sum = 0;
	tcp->sum = l4_cksum(ip, hlen, tcp, (uint16_t)plen);
	return true;
}

static void
settcpchecksum_action(struct weir_element *e, struct weir_batch *b)
{
	struct settcpchecksum *s = e->priv;
	struct settcpchecksum_pt *pt = weir_element_pt(e);

	for (uint32_t i = 0; i < b->n; i++) {
		struct weir_packet *p = weir_packet_uniqueify(b->pkts[i]);
		b->pkts[i] = p;
		if (!p) {
			pt->drops++;
			continue;
		}
		if (weir_likely(settcpchecksum_one(s, p)))
			continue;
		pt->drops++;
		if (!s->warned) {
			s->warned = true;
			fprintf(stderr, "%s: bad lengths\n", e->name);
		}
		weir_packet_kill(p);
		b->pkts[i] = NULL;
	}
}

static int
settcpchecksum_read_drops(struct weir_element *e, const struct weir_handler *h,
			  struct weir_strbuf *out)
{
	weir_strbuf_printf(out, "%" PRIu64, WEIR_PT_SUM(e, struct settcpchecksum_pt, drops));
	return 0;
}

static const struct weir_handler settcpchecksum_handlers[] = {
	{ .name = "drops", .read = settcpchecksum_read_drops },
	WEIR_HANDLER_END
};

static const struct weir_element_class settcpchecksum_class = {
	.name = "SetTCPChecksum",
	.port_count = "1/1",
	.processing = "a/a",
	.priv_size = sizeof(struct settcpchecksum),
	.pt_size = sizeof(struct settcpchecksum_pt),
	.args = settcpchecksum_args,
	.simple_action = settcpchecksum_action,
	.handlers = settcpchecksum_handlers,
	.doc = settcpchecksum_doc,
};
WEIR_ELEMENT_REGISTER(settcpchecksum_class)
