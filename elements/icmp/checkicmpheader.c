/* checkicmpheader.c - CheckICMPHeader: checks ICMP lengths and checksums, bad packets to output 1. */
/*
 * =c
 * CheckICMPHeader([KEYWORDS VERBOSE, DETAILS, CHECKSUM])
 *
 * =s icmp
 * checks ICMP header on ICMP packets
 *
 * =d
 * Expects ICMP/IP packets as input, with the IP header annotation set
 * (CheckIPHeader or MarkIPHeader). Checks that the ICMP message (from the
 * end of the IP header to the end of the packet) holds an 8-byte ICMP
 * header, that error messages (unreachable, time exceeded, parameter
 * problem, source quench, redirect) carry at least 28 more bytes, that
 * timestamp requests and replies are exactly 20 bytes and information
 * requests and replies exactly 8, and that the ICMP checksum is valid.
 * Packets that pass go to output 0. Packets that fail, and packets that are
 * not ICMP, go to output 1 if it exists, and are dropped otherwise.
 *
 * The first failure, and every failure when VERBOSE is true, prints a
 * message to standard error.
 *
 * Keyword arguments are:
 *   VERBOSE   Boolean. Print a message for every dropped packet. Default false.
 *   DETAILS   Boolean. Count drops by reason (drop_details handler). Default
 *             false.
 *   CHECKSUM  Boolean. Check the ICMP checksum (FastClick's keyword). Default
 *             true.
 *
 * =h count read-only
 * Packets that passed the checks.
 * =h drops read-only
 * Packets that failed.
 * =h drop_details read-only
 * With DETAILS: failures by reason (FastClick's format).
 *
 * =e
 *   ... -> CheckIPHeader -> ci :: CheckICMPHeader -> ...; ci[1] -> Discard;
 *
 * =a CheckIPHeader, CheckTCPHeader, CheckUDPHeader, ICMPPingResponder
 */
#include "weir/args.h"
#include "weir/element.h"
#include "../tcpudp/l4_priv.h"

static const char checkicmpheader_doc[] =
	"CheckICMPHeader([KEYWORDS VERBOSE, DETAILS, CHECKSUM])\n"
	"\n"
	"Checks ICMP header on ICMP packets.\n"
	"\n"
	"Expects ICMP/IP packets as input, with the IP header annotation set\n"
	"(CheckIPHeader or MarkIPHeader). Checks that the ICMP message (from the\n"
	"end of the IP header to the end of the packet) holds an 8-byte ICMP\n"
	"header, that error messages (unreachable, time exceeded, parameter\n"
	"problem, source quench, redirect) carry at least 28 more bytes, that\n"
	"timestamp requests and replies are exactly 20 bytes and information\n"
	"requests and replies exactly 8, and that the ICMP checksum is valid.\n"
	"Packets that pass go to output 0. Packets that fail, and packets that are\n"
	"not ICMP, go to output 1 if it exists, and are dropped otherwise.\n"
	"\n"
	"The first failure, and every failure when VERBOSE is true, prints a\n"
	"message to standard error.\n"
	"\n"
	"Keyword arguments are:\n"
	"  VERBOSE   Boolean. Print a message for every dropped packet. Default false.\n"
	"  DETAILS   Boolean. Count drops by reason (drop_details handler). Default\n"
	"            false.\n"
	"  CHECKSUM  Boolean. Check the ICMP checksum (FastClick's keyword). Default\n"
	"            true.\n"
	"\n"
	"Handlers:\n"
	"  count (read-only)         packets that passed the checks\n"
	"  drops (read-only)         packets that failed\n"
	"  drop_details (read-only)  with DETAILS: failures by reason\n"
	"\n"
	"Example:\n"
	"  ... -> CheckIPHeader -> ci :: CheckICMPHeader -> ...; ci[1] -> Discard;\n"
	"\n"
	"See also: CheckIPHeader, CheckTCPHeader, CheckUDPHeader, ICMPPingResponder.\n";

static const char *const checkicmpheader_reasons[L4_NREASONS] = {
	"not ICMP", "bad packet length", "bad ICMP checksum"
};

#define ICMP_TSTAMP_LEN 20 /* ICMP header + three 32-bit timestamps */

static const struct weir_arg checkicmpheader_args[] = {
	L4_CHECKER_ARGS("check the ICMP checksum")
};

/* Length rule for the ICMP type: true when icmp_len is acceptable. */
static bool
checkicmpheader_length_ok(uint8_t type, uint32_t icmp_len)
{
	switch (type) {
	case WEIR_ICMP_UNREACH:
	case WEIR_ICMP_TIMXCEED:
	case WEIR_ICMP_PARAMPROB:
	case WEIR_ICMP_SOURCEQUENCH:
	case WEIR_ICMP_REDIRECT:
		/* IP header + first 64 bits of the datagram */
		return icmp_len >= WEIR_ICMP_HDR_LEN + 28;
	case WEIR_ICMP_TSTAMP:
	case WEIR_ICMP_TSTAMPREPLY:
		return icmp_len == ICMP_TSTAMP_LEN;
	case WEIR_ICMP_IREQ:
	case WEIR_ICMP_IREQREPLY:
		return icmp_len == WEIR_ICMP_HDR_LEN;
	default:
		return true;
	}
}

static enum l4_reason
checkicmpheader_check(const struct l4_checker *c, const struct weir_packet *p)
{
	uint32_t avail;
	const struct weir_ip_hdr *ip = l4_ip_header(p, &avail);

	if (!ip || avail < WEIR_IP_HDR_LEN || ip->p != WEIR_IPPROTO_ICMP)
		return L4_NOT_PROTO;
	unsigned hlen = weir_ip_hlen(ip);
	if (hlen < WEIR_IP_HDR_LEN || avail < hlen + WEIR_ICMP_HDR_LEN)
		return L4_BAD_LENGTH;
	const struct weir_icmp_hdr *icmp = (const void *)((const uint8_t *)ip + hlen);
	uint32_t icmp_len = avail - hlen;
	if (!checkicmpheader_length_ok(icmp->type, icmp_len))
		return L4_BAD_LENGTH;
	if (c->checksum && weir_in_cksum(icmp, icmp_len) != 0)
		return L4_BAD_CHECKSUM;
	return L4_NREASONS; /* good */
}

static int
checkicmpheader_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	return l4_checker_configure(e, checkicmpheader_check, "ICMP", checkicmpheader_reasons);
}

static const struct weir_element_class checkicmpheader_class = {
	.name = "CheckICMPHeader",
	.port_count = "1/1-2",
	.processing = "a/ah",
	.priv_size = sizeof(struct l4_checker),
	.pt_size = sizeof(struct l4_checker_pt),
	.args = checkicmpheader_args,
	.configure = checkicmpheader_configure,
	.classify = l4_checker_classify,
	.handlers = l4_checker_handlers,
	.doc = checkicmpheader_doc,
};
WEIR_ELEMENT_REGISTER(checkicmpheader_class)
