/* checktcpheader.c - CheckTCPHeader: checks TCP lengths and checksums, bad packets to output 1. */
/*
 * =c
 * CheckTCPHeader([KEYWORDS VERBOSE, DETAILS, CHECKSUM])
 *
 * =s tcp
 * checks TCP header on TCP/IP packets
 *
 * =d
 * Expects TCP/IP packets as input, with the IP header annotation set
 * (CheckIPHeader or MarkIPHeader). Checks that the TCP data offset is at
 * least 5 words and fits in the IP payload (IP length minus IP header
 * length), that the packet holds the whole IP payload, and that the TCP
 * checksum is valid over Click's pseudo-header. Passes packets that pass the
 * checks to output 0. Packets that fail, and packets that are not TCP, go to
 * output 1 if it exists, and are dropped otherwise.
 *
 * The first failure, and every failure when VERBOSE is true, prints a
 * message to standard error.
 *
 * Keyword arguments are:
 *   VERBOSE   Boolean. Print a message for every dropped packet. Default false.
 *   DETAILS   Boolean. Count drops by reason (drop_details handler). Default
 *             false.
 *   CHECKSUM  Boolean. Check the TCP checksum (FastClick's keyword). Default
 *             true.
 *
 * The transport header is taken to start right after the IP header. A packet
 * too short to hold the 20-byte TCP header counts as a bad length (Click would
 * read past its end).
 *
 * =h count read-only
 * Packets that passed the checks.
 * =h drops read-only
 * Packets that failed.
 * =h drop_details read-only
 * With DETAILS: failures by reason (FastClick's format).
 *
 * =e
 *   ... -> CheckIPHeader -> ct :: CheckTCPHeader -> ...; ct[1] -> Discard;
 *
 * =a CheckIPHeader, CheckUDPHeader, CheckICMPHeader, SetTCPChecksum
 */
#include "weir/args.h"
#include "weir/element.h"
#include "l4_priv.h"

static const char checktcpheader_doc[] =
	"CheckTCPHeader([KEYWORDS VERBOSE, DETAILS, CHECKSUM])\n"
	"\n"
	"Checks TCP header on TCP/IP packets.\n"
	"\n"
	"Expects TCP/IP packets as input, with the IP header annotation set\n"
	"(CheckIPHeader or MarkIPHeader). Checks that the TCP data offset is at\n"
	"least 5 words and fits in the IP payload (IP length minus IP header\n"
	"length), that the packet holds the whole IP payload, and that the TCP\n"
	"checksum is valid over Click's pseudo-header. Passes packets that pass the\n"
	"checks to output 0. Packets that fail, and packets that are not TCP, go to\n"
	"output 1 if it exists, and are dropped otherwise.\n"
	"\n"
	"The first failure, and every failure when VERBOSE is true, prints a\n"
	"message to standard error.\n"
	"\n"
	"Keyword arguments are:\n"
	"  VERBOSE   Boolean. Print a message for every dropped packet. Default false.\n"
	"  DETAILS   Boolean. Count drops by reason (drop_details handler). Default\n"
	"            false.\n"
	"  CHECKSUM  Boolean. Check the TCP checksum (FastClick's keyword). Default\n"
	"            true.\n"
	"\n"
	"The transport header is taken to start right after the IP header. A packet\n"
	"too short to hold the 20-byte TCP header counts as a bad length (Click would\n"
	"read past its end).\n"
	"\n"
	"Handlers:\n"
	"  count (read-only)         packets that passed the checks\n"
	"  drops (read-only)         packets that failed\n"
	"  drop_details (read-only)  with DETAILS: failures by reason\n"
	"\n"
	"Example:\n"
	"  ... -> CheckIPHeader -> ct :: CheckTCPHeader -> ...; ct[1] -> Discard;\n"
	"\n"
	"See also: CheckIPHeader, CheckUDPHeader, CheckICMPHeader, SetTCPChecksum.\n";

static const char *const checktcpheader_reasons[L4_NREASONS] = {
	"not TCP", "bad packet length", "bad TCP checksum"
};

static const struct weir_arg checktcpheader_args[] = {
	L4_CHECKER_ARGS("check the TCP checksum")
};

static enum l4_reason
checktcpheader_check(const struct l4_checker *c, const struct weir_packet *p)
{
	uint32_t avail;
	const struct weir_ip_hdr *ip = l4_ip_header(p, &avail);

	if (!ip || avail < WEIR_IP_HDR_LEN || ip->p != WEIR_IPPROTO_TCP)
		return L4_NOT_PROTO;
	unsigned hlen = weir_ip_hlen(ip);
	unsigned ip_len = ntohs(ip->len);
	if (hlen < WEIR_IP_HDR_LEN || ip_len < hlen || avail < hlen + sizeof(struct weir_tcp_hdr))
		return L4_BAD_LENGTH;
	const struct weir_tcp_hdr *tcp = (const void *)((const uint8_t *)ip + hlen);
	unsigned len = ip_len - hlen;
	unsigned thlen = weir_tcp_hlen(tcp);
	if (thlen < sizeof(struct weir_tcp_hdr) || len < thlen || avail < hlen + len)
		return L4_BAD_LENGTH;
	if (c->checksum && l4_cksum(ip, hlen, tcp, (uint16_t)len) != 0)
		return L4_BAD_CHECKSUM;
	return L4_NREASONS; /* good */
}

static int
checktcpheader_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	return l4_checker_configure(e, checktcpheader_check, "TCP", checktcpheader_reasons);
}

static const struct weir_element_class checktcpheader_class = {
	.name = "CheckTCPHeader",
	.port_count = "1/1-2",
	.processing = "a/ah",
	.priv_size = sizeof(struct l4_checker),
	.pt_size = sizeof(struct l4_checker_pt),
	.args = checktcpheader_args,
	.configure = checktcpheader_configure,
	.classify = l4_checker_classify,
	.handlers = l4_checker_handlers,
	.doc = checktcpheader_doc,
};
WEIR_ELEMENT_REGISTER(checktcpheader_class)
