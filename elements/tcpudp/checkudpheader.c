/* checkudpheader.c - CheckUDPHeader: checks UDP lengths and checksums, bad packets to output 1. */
/*
 * =c
 * CheckUDPHeader([KEYWORDS VERBOSE, DETAILS, CHECKSUM])
 *
 * =s udp
 * checks UDP header on UDP/IP packets
 *
 * =d
 * Expects UDP/IP packets as input, with the IP header annotation set
 * (CheckIPHeader or MarkIPHeader). Checks that the UDP header length field is
 * at least 8 and that the packet holds the whole datagram it announces, and
 * that the UDP checksum (when it is not 0) is valid over Click's
 * pseudo-header. Passes packets that pass the checks to output 0. Packets
 * that fail, and packets that are not UDP, go to output 1 if it exists, and
 * are dropped otherwise.
 *
 * The first failure, and every failure when VERBOSE is true, prints a
 * message to standard error.
 *
 * Keyword arguments are:
 *   VERBOSE   Boolean. Print a message for every dropped packet. Default false.
 *   DETAILS   Boolean. Count drops by reason (drop_details handler). Default
 *             false.
 *   CHECKSUM  Boolean. Check the UDP checksum (FastClick's keyword). Default
 *             true.
 *
 * The transport header is taken to start right after the IP header. A packet
 * too short to hold the 8-byte UDP header counts as a bad length (Click would
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
 *   ... -> CheckIPHeader -> cu :: CheckUDPHeader -> ...; cu[1] -> Discard;
 *
 * =a CheckIPHeader, CheckTCPHeader, CheckICMPHeader, SetUDPChecksum
 */
#include "weir/args.h"
#include "weir/element.h"
#include "l4_priv.h"

static const char checkudpheader_doc[] =
	"CheckUDPHeader([KEYWORDS VERBOSE, DETAILS, CHECKSUM])\n"
	"\n"
	"Checks UDP header on UDP/IP packets.\n"
	"\n"
	"Expects UDP/IP packets as input, with the IP header annotation set\n"
	"(CheckIPHeader or MarkIPHeader). Checks that the UDP header length field is\n"
	"at least 8 and that the packet holds the whole datagram it announces, and\n"
	"that the UDP checksum (when it is not 0) is valid over Click's\n"
	"pseudo-header. Passes packets that pass the checks to output 0. Packets\n"
	"that fail, and packets that are not UDP, go to output 1 if it exists, and\n"
	"are dropped otherwise.\n"
	"\n"
	"The first failure, and every failure when VERBOSE is true, prints a\n"
	"message to standard error.\n"
	"\n"
	"Keyword arguments are:\n"
	"  VERBOSE   Boolean. Print a message for every dropped packet. Default false.\n"
	"  DETAILS   Boolean. Count drops by reason (drop_details handler). Default\n"
	"            false.\n"
	"  CHECKSUM  Boolean. Check the UDP checksum (FastClick's keyword). Default\n"
	"            true.\n"
	"\n"
	"The transport header is taken to start right after the IP header. A packet\n"
	"too short to hold the 8-byte UDP header counts as a bad length (Click would\n"
	"read past its end).\n"
	"\n"
	"Handlers:\n"
	"  count (read-only)         packets that passed the checks\n"
	"  drops (read-only)         packets that failed\n"
	"  drop_details (read-only)  with DETAILS: failures by reason\n"
	"\n"
	"Example:\n"
	"  ... -> CheckIPHeader -> cu :: CheckUDPHeader -> ...; cu[1] -> Discard;\n"
	"\n"
	"See also: CheckIPHeader, CheckTCPHeader, CheckICMPHeader, SetUDPChecksum.\n";

static const char *const checkudpheader_reasons[L4_NREASONS] = {
	"not UDP", "bad packet length", "bad UDP checksum"
};

static const struct weir_arg checkudpheader_args[] = {
	L4_CHECKER_ARGS("check the UDP checksum")
};

static enum l4_reason
checkudpheader_check(const struct l4_checker *c, const struct weir_packet *p)
{
	uint32_t avail;
	const struct weir_ip_hdr *ip = l4_ip_header(p, &avail);

	if (!ip || avail < WEIR_IP_HDR_LEN || ip->p != WEIR_IPPROTO_UDP)
		return L4_NOT_PROTO;
	unsigned hlen = weir_ip_hlen(ip);
	if (hlen < WEIR_IP_HDR_LEN || avail < hlen + sizeof(struct weir_udp_hdr))
		return L4_BAD_LENGTH;
	const struct weir_udp_hdr *udp = (const void *)((const uint8_t *)ip + hlen);
	unsigned len = ntohs(udp->len);
	if (len < sizeof(struct weir_udp_hdr) || avail < hlen + len)
		return L4_BAD_LENGTH;
	if (udp->sum != 0 && c->checksum && l4_cksum(ip, hlen, udp, (uint16_t)len) != 0)
		return L4_BAD_CHECKSUM;
	return L4_NREASONS; /* good */
}

static int
checkudpheader_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	return l4_checker_configure(e, checkudpheader_check, "UDP", checkudpheader_reasons);
}

static const struct weir_element_class checkudpheader_class = {
	.name = "CheckUDPHeader",
	.port_count = "1/1-2",
	.processing = "a/ah",
	.priv_size = sizeof(struct l4_checker),
	.pt_size = sizeof(struct l4_checker_pt),
	.args = checkudpheader_args,
	.configure = checkudpheader_configure,
	.classify = l4_checker_classify,
	.handlers = l4_checker_handlers,
	.doc = checkudpheader_doc,
};
WEIR_ELEMENT_REGISTER(checkudpheader_class)
