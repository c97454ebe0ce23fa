/* arpprint.c - ARPPrint: prints ARP packets in Click's (tcpdump-like) format. */
/*
 * =c
 * ARPPrint([LABEL, KEYWORDS])
 *
 * =s arp
 * pretty-prints ARP packets a la tcpdump
 *
 * =d
 * Expects ARP packets whose network header annotation points at the ARP
 * header (ARPResponder and ARPQuerier set it on the packets they make;
 * packets without one pass silently, as in Click). Prints one line per
 * packet on standard error, or to OUTFILE:
 *
 *   LABEL: TIMESTAMP: arp who-has 10.0.0.1 tell 10.0.0.2
 *   LABEL: TIMESTAMP: arp reply 10.0.0.1 is-at 02-00-00-00-00-0B
 *
 * Also "arp who-has T (TARGET-ETH) tell S" for a request whose target
 * hardware address is not zero, "rarp who-is", "rarp reply", "invarp
 * who-is", "invarp reply" and "arp-#OP" for other operations; "trailer-"
 * before trailer-protocol packets; "hardware #HRD" after packets whose
 * hardware type is not Ethernet (joined to the text before, as Click does).
 * A packet whose protocol is not IPv4 (or trailer), or whose pln is not 4 or
 * hln 0, prints "arp-#OP for proto #PRO (PLN) hardware #HRD (HLN)" (Click
 * returns without printing this line: weir prints it, as the documentation
 * promises a line per packet). Fewer than 8 bytes of ARP header print
 * "truncated-arp (N)"; so do fewer than the 28 bytes an Ethernet/IPv4 ARP
 * packet needs (where Click reads past the end).
 *
 * Keywords:
 *   LABEL      string; printed first, followed by ": ". Default empty.
 *   TIMESTAMP  Boolean; print the packet timestamp. Default true.
 *   ETHER      Boolean; print the Ethernet source and destination
 *              ("SRC > DST: ") when a MAC header lies before the ARP header.
 *              Default false.
 *   ACTIVE     Boolean; print at all. Default true.
 *   OUTFILE    file name; append lines to this file instead of standard
 *              error.
 *
 * =h active read/write
 * The ACTIVE argument.
 *
 * =e
 *   ar :: ARPResponder(10.0.0.1 02:00:00:00:00:0b) -> ARPPrint(reply) -> ...
 *
 * =a Print, IPPrint, ARPResponder, ARPQuerier
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/ip.h"

static const char arpprint_doc[] =
	"ARPPrint([LABEL, KEYWORDS])\n"
	"\n"
	"Pretty-prints ARP packets a la tcpdump.\n"
	"\n"
	"Expects ARP packets whose network header annotation points at the ARP\n"
	"header (ARPResponder and ARPQuerier set it on the packets they make;\n"
	"packets without one pass silently, as in Click). Prints one line per\n"
	"packet on standard error, or to OUTFILE:\n"
	"\n"
	"  LABEL: TIMESTAMP: arp who-has 10.0.0.1 tell 10.0.0.2\n"
	"  LABEL: TIMESTAMP: arp reply 10.0.0.1 is-at 02-00-00-00-00-0B\n"
	"\n"
	"Also \"arp who-has T (TARGET-ETH) tell S\" for a request whose target\n"
	"hardware address is not zero, \"rarp who-is\", \"rarp reply\", \"invarp\n"
	"who-is\", \"invarp reply\" and \"arp-#OP\" for other operations; \"trailer-\"\n"
	"before trailer-protocol packets; \"hardware #HRD\" after packets whose\n"
	"hardware type is not Ethernet (joined to the text before, as Click does).\n"
	"A packet whose protocol is not IPv4 (or trailer), or whose pln is not 4 or\n"
	"hln 0, prints \"arp-#OP for proto #PRO (PLN) hardware #HRD (HLN)\" (Click\n"
	"returns without printing this line: weir prints it, as the documentation\n"
	"promises a line per packet). Fewer than 8 bytes of ARP header print\n"
	"\"truncated-arp (N)\"; so do fewer than the 28 bytes an Ethernet/IPv4 ARP\n"
	"packet needs (where Click reads past the end).\n"
	"\n"
	"Keywords:\n"
	"  LABEL      string; printed first, followed by \": \". Default empty.\n"
	"  TIMESTAMP  Boolean; print the packet timestamp. Default true.\n"
	"  ETHER      Boolean; print the Ethernet source and destination\n"
	"             (\"SRC > DST: \") when a MAC header lies before the ARP header.\n"
	"             Default false.\n"
	"  ACTIVE     Boolean; print at all. Default true.\n"
	"  OUTFILE    file name; append lines to this file instead of standard\n"
	"             error.\n"
	"\n"
	"Handler:\n"
	"  active (read/write)  the ACTIVE argument\n"
	"\n"
	"Example:\n"
	"  ar :: ARPResponder(10.0.0.1 02:00:00:00:00:0b) -> ARPPrint(reply) -> ...\n";

#define ARPOP_REVREQUEST 3
#define ARPOP_REVREPLY 4
#define ARPOP_INVREQUEST 8
#define ARPOP_INVREPLY 9
#define ETHERTYPE_TRAIL 0x1000
#define ARP_FIXED_LEN 8 /* hrd, pro, hln, pln, op */

struct arpprint {
	char *label;
	bool timestamp;
	bool ether;
	bool active;
	char *outfile_name;
	FILE *outfile;
	struct weir_strbuf line;
};

static const struct weir_arg arpprint_args[] = {
	{ "LABEL", WEIR_ARG_STRING, offsetof(struct arpprint, label), WEIR_ARGF_POSITIONAL,
	  .help = "label printed first" },
	{ "TIMESTAMP", WEIR_ARG_BOOL, offsetof(struct arpprint, timestamp), 0, .def = "true",
	  .help = "print the timestamp" },
	{ "ETHER", WEIR_ARG_BOOL, offsetof(struct arpprint, ether), 0, .def = "false",
	  .help = "print Ethernet addresses" },
	{ "ACTIVE", WEIR_ARG_BOOL, offsetof(struct arpprint, active), 0, .def = "true",
	  .help = "print at all?" },
	{ "OUTFILE", WEIR_ARG_STRING, offsetof(struct arpprint, outfile_name), 0,
	  .help = "file to print to" },
	WEIR_ARG_END
};

static void
arpprint_ether(struct weir_strbuf *sb, const uint8_t *a)
{
	weir_strbuf_printf(sb, "%02X-%02X-%02X-%02X-%02X-%02X", a[0], a[1], a[2], a[3], a[4],
			   a[5]);
}

static void
arpprint_ip(struct weir_strbuf *sb, const uint8_t *a)
{
	weir_strbuf_printf(sb, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

/* Click's Timestamp output: "sec.usec", or "sec.nsec" when not whole usecs. */
static void
arpprint_timestamp(struct weir_strbuf *sb, int64_t ns)
{
	const char *sign = "";
	if (ns < 0) {
		sign = "-";
		ns = -ns;
	}
	int64_t sec = ns / 1000000000, sub = ns % 1000000000;
	if (sub % 1000 == 0)
		weir_strbuf_printf(sb, "%s%" PRId64 ".%06" PRId64, sign, sec, sub / 1000);
	else
		weir_strbuf_printf(sb, "%s%" PRId64 ".%09" PRId64, sign, sec, sub);
}

/* The ARP part of the line; the header at ap has netlen bytes. */
static void
arpprint_arp(struct weir_strbuf *sb, const uint8_t *ap, int64_t netlen)
{
	static const uint8_t ezero[WEIR_ETHER_ADDR_LEN];
	if (netlen < ARP_FIXED_LEN) {
		weir_strbuf_printf(sb, "truncated-arp (%" PRId64 ")", netlen);
		return;
	}
	const struct weir_arp_hdr *ah = (const void *)ap;
	unsigned hrd = ntohs(ah->hrd), pro = ntohs(ah->pro), op = ntohs(ah->op);
	unsigned hln = ah->hln, pln = ah->pln;
	if ((pro != WEIR_ETHERTYPE_IP && pro != ETHERTYPE_TRAIL) || pln != 4 || hln == 0) {
		weir_strbuf_printf(sb, "arp-#%u for proto #%u (%u) hardware #%u (%u)", op, pro, pln,
				   hrd, hln);
		return;
	}
	if (netlen < (int64_t)sizeof(struct weir_arp_hdr)) {
		weir_strbuf_printf(sb, "truncated-arp (%" PRId64 ")", netlen);
		return;
	}
	if (pro == ETHERTYPE_TRAIL)
		weir_strbuf_puts(sb, "trailer-");
	switch (op) {
	case WEIR_ARP_OP_REQUEST:
		weir_strbuf_puts(sb, "arp who-has ");
		arpprint_ip(sb, ah->tpa);
		if (memcmp(ezero, ah->tha, hln < WEIR_ETHER_ADDR_LEN ? hln : WEIR_ETHER_ADDR_LEN)) {
			weir_strbuf_puts(sb, " (");
			arpprint_ether(sb, ah->tha);
			weir_strbuf_putc(sb, ')');
		}
		weir_strbuf_puts(sb, " tell ");
		arpprint_ip(sb, ah->spa);
		break;
	case WEIR_ARP_OP_REPLY:
		weir_strbuf_puts(sb, "arp reply ");
		arpprint_ip(sb, ah->spa);
		weir_strbuf_puts(sb, " is-at ");
		arpprint_ether(sb, ah->sha);
		break;
	case ARPOP_REVREQUEST:
	case ARPOP_INVREQUEST:
		weir_strbuf_puts(sb, op == ARPOP_REVREQUEST ? "rarp who-is " : "invarp who-is ");
		arpprint_ether(sb, ah->tha);
		weir_strbuf_puts(sb, " tell ");
		arpprint_ether(sb, ah->sha);
		break;
	case ARPOP_REVREPLY:
	case ARPOP_INVREPLY:
		weir_strbuf_puts(sb, op == ARPOP_REVREPLY ? "rarp reply " : "invarp reply ");
		arpprint_ether(sb, ah->tha);
		weir_strbuf_puts(sb, " at ");
		arpprint_ip(sb, ah->tpa);
		break;
	default:
		weir_strbuf_printf(sb, "arp-#%u", op);
		break;
	}
	if (hrd != WEIR_ARP_HRD_ETHER)
		weir_strbuf_printf(sb, "hardware #%u", hrd);
}

static void
arpprint_packet(const struct arpprint *s, const struct weir_packet *p, struct weir_strbuf *sb)
{
	const uint8_t *nh = weir_packet_network_header(p);
	const uint8_t *end = weir_packet_end_data(p);
	if (s->label && s->label[0])
		weir_strbuf_printf(sb, "%s: ", s->label);
	if (s->timestamp) {
		arpprint_timestamp(sb, p->timestamp_ns);
		weir_strbuf_puts(sb, ": ");
	}
	if (s->ether) {
		const uint8_t *x = weir_packet_mac_header(p);
		if (!x)
			x = p->data;
		if (x >= p->data && x + WEIR_ETHER_HDR_LEN <= nh && x + WEIR_ETHER_HDR_LEN <= end) {
			const struct weir_ether_hdr *eh = (const void *)x;
			arpprint_ether(sb, eh->src);
			weir_strbuf_puts(sb, " > ");
			arpprint_ether(sb, eh->dst);
			weir_strbuf_puts(sb, ": ");
		}
	}
	/* as Click's network_length(): negative when the header lies past the end */
	int64_t netlen = (int64_t)(end - nh);
	arpprint_arp(sb, nh, netlen);
	weir_strbuf_putc(sb, '\n');
}

static void
arpprint_action(struct weir_element *e, struct weir_batch *b)
{
	struct arpprint *s = e->priv;
	if (!s->active)
		return;
	weir_strbuf_reset(&s->line);
	for (uint32_t i = 0; i < b->n; i++)
		if (weir_packet_network_header(b->pkts[i]))
			arpprint_packet(s, b->pkts[i], &s->line);
	if (!s->line.len)
		return;
	FILE *f = s->outfile ? s->outfile : stderr;
	fwrite(s->line.s, 1, s->line.len, f);
	fflush(f);
}

static int
arpprint_initialize(struct weir_element *e, struct weir_errh *errh)
{
	struct arpprint *s = e->priv;
	if (s->outfile_name && s->outfile_name[0]) {
		s->outfile = fopen(s->outfile_name, "wb");
		if (!s->outfile)
			return weir_error(errh, "OUTFILE: %s: %s", s->outfile_name, strerror(errno));
	}
	return 0;
}

static void
arpprint_cleanup(struct weir_element *e)
{
	struct arpprint *s = e->priv;
	if (s->outfile)
		fclose(s->outfile);
	s->outfile = NULL;
	weir_strbuf_free(&s->line);
}

static int
arpprint_write_active(struct weir_element *e, const char *value, const struct weir_handler *h,
		      struct weir_errh *errh)
{
	struct arpprint *s = e->priv;
	bool v;
	if (weir_parse_bool(value, &v) < 0)
		return weir_error(errh, "active: expected boolean, got '%s'", value);
	s->active = v;
	return 0;
}

static const struct weir_handler arpprint_handlers[] = {
	{ .name = "active", .read = weir_handler_read_bool, .write = arpprint_write_active,
	  .arg = offsetof(struct arpprint, active) },
	WEIR_HANDLER_END
};

static const struct weir_element_class arpprint_class = {
	.name = "ARPPrint",
	.port_count = "1/1",
	.processing = "a/a",
	.priv_size = sizeof(struct arpprint),
	.flags = WEIR_CLASS_THREAD_UNSAFE,
	.args = arpprint_args,
	.initialize = arpprint_initialize,
	.cleanup = arpprint_cleanup,
	.simple_action = arpprint_action,
	.handlers = arpprint_handlers,
	.doc = arpprint_doc,
};
WEIR_ELEMENT_REGISTER(arpprint_class)
