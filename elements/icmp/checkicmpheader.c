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
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
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

struct checkicmpheader {
	bool verbose;
	bool details;
	bool checksum;
	bool warned;
};

struct checkicmpheader_pt {
	uint64_t count;
	uint64_t drops;
	uint64_t reason[L4_NREASONS];
};

static const struct weir_arg checkicmpheader_args[] = {
	{ "VERBOSE", WEIR_ARG_BOOL, offsetof(struct checkicmpheader, verbose), 0, .def = "false",
	  .help = "print every failure" },
	{ "DETAILS", WEIR_ARG_BOOL, offsetof(struct checkicmpheader, details), 0, .def = "false",
	  .help = "count failures by reason" },
	{ "CHECKSUM", WEIR_ARG_BOOL, offsetof(struct checkicmpheader, checksum), 0, .def = "true",
	  .help = "check the ICMP checksum" },
	WEIR_ARG_END
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
checkicmpheader_check(const struct checkicmpheader *c, const struct weir_packet *p)
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

static void
checkicmpheader_classify(struct weir_element *e, struct weir_batch *b, uint8_t *ports)
{
	struct checkicmpheader *c = e->priv;
	struct checkicmpheader_pt *pt = weir_element_pt(e);
	uint8_t bad = e->noutputs > 1 ? 1 : WEIR_PORT_DROP;

	for (uint32_t i = 0; i < b->n; i++) {
		enum l4_reason r = checkicmpheader_check(c, b->pkts[i]);
		if (weir_likely(r == L4_NREASONS)) {
			ports[i] = 0;
			pt->count++;
			continue;
		}
		ports[i] = bad;
		pt->drops++;
		pt->reason[r]++;
		if (c->verbose || !c->warned) {
			c->warned = true;
			fprintf(stderr, "%s: ICMP header check failed: %s\n", e->name,
				checkicmpheader_reasons[r]);
		}
	}
}

enum { H_COUNT, H_DROPS, H_DETAILS };

static int
checkicmpheader_read(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	const struct checkicmpheader *c = e->priv;
	uint64_t reasons[L4_NREASONS];

	switch (h->arg) {
	case H_COUNT:
		weir_strbuf_printf(out, "%" PRIu64, WEIR_PT_SUM(e, struct checkicmpheader_pt, count));
		return 0;
	case H_DROPS:
		weir_strbuf_printf(out, "%" PRIu64, WEIR_PT_SUM(e, struct checkicmpheader_pt, drops));
		return 0;
	case H_DETAILS:
		if (!c->details)
			return -ENOENT;
		for (unsigned r = 0; r < L4_NREASONS; r++)
			reasons[r] = WEIR_PT_SUM(e, struct checkicmpheader_pt, reason[r]);
		l4_format_drop_details(out, reasons, checkicmpheader_reasons);
		return 0;
	default:
		return -EINVAL;
	}
}

static const struct weir_handler checkicmpheader_handlers[] = {
	{ .name = "count", .read = checkicmpheader_read, .arg = H_COUNT },
	{ .name = "drops", .read = checkicmpheader_read, .arg = H_DROPS },
	{ .name = "drop_details", .read = checkicmpheader_read, .arg = H_DETAILS },
	WEIR_HANDLER_END
};

static const struct weir_element_class checkicmpheader_class = {
	.name = "CheckICMPHeader",
	.port_count = "1/1-2",
	.processing = "a/ah",
	.priv_size = sizeof(struct checkicmpheader),
	.pt_size = sizeof(struct checkicmpheader_pt),
	.args = checkicmpheader_args,
	.classify = checkicmpheader_classify,
	.handlers = checkicmpheader_handlers,
	.doc = checkicmpheader_doc,
};
WEIR_ELEMENT_REGISTER(checkicmpheader_class)
