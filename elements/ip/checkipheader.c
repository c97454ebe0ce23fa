/* checkipheader.c - CheckIPHeader and CheckIPHeader2: validate IPv4 headers, mark them, trim padding. */
/*
 * =c
 * CheckIPHeader([OFFSET, keywords OFFSET, INTERFACES, BADSRC, GOODDST,
 *               CHECKSUM, VERBOSE, DETAILS])
 * CheckIPHeader2([same arguments])
 *
 * =s ip
 * checks IP header
 *
 * =d
 * Input packets should have IP headers starting OFFSET bytes in (default 0).
 * Checks that the packet is long enough for an IP header, that the version is
 * 4, that the header length is at least 20, that the total length is at least
 * the header length and no more than the packet, and (CHECKSUM) that the
 * header checksum is valid. Checks that the source address is not on the
 * BADSRC list unless the destination is on the GOODDST list (RFC 1812 5.3.7).
 * Valid packets get their network and transport header annotations set, are
 * shortened to the IP total length (Ethernet padding is removed), get the
 * destination IP annotation set to the destination address, and leave on
 * output 0. Invalid packets go to output 1 if it is connected, else they are
 * dropped. The first invalid packet prints "NAME: IP header check failed:
 * REASON" on standard error (every one with VERBOSE).
 *
 * CheckIPHeader2 is the same element with CHECKSUM false by default.
 *
 * Keywords:
 *   CHECKSUM    boolean; check the header checksum. Default true
 *               (CheckIPHeader2: false).
 *   OFFSET      unsigned; byte position of the IP header. Default 0.
 *   BADSRC      space-separated IP addresses; drop packets from them.
 *   GOODDST     space-separated IP addresses; packets to them are exempt
 *               from BADSRC.
 *   INTERFACES  space-separated ADDR/PREFIX; adds each interface's broadcast
 *               address, 0.0.0.0 and 255.255.255.255 to BADSRC and each
 *               address to GOODDST.
 *   VERBOSE     boolean; report every invalid packet. Default false.
 *   DETAILS     boolean; count drops by reason (drop_details). Default false.
 *
 * Old syntax, as Click: CheckIPHeader(BADSRC2, OFFSET): BADSRC2 is like
 * BADSRC plus 0.0.0.0 and 255.255.255.255. A single positional argument that
 * is an integer is OFFSET.
 *
 * =h count read-only
 * Number of valid packets (FastClick).
 * =h drops read-only
 * Number of invalid packets.
 * =h drop_details read-only
 * One line per reason, "COUNT<tab>REASON" as Click prints it (FastClick's
 * newer versions use another layout); only with DETAILS true.
 *
 * =e
 *   FromDump(in.pcap) -> Strip(14) -> c :: CheckIPHeader -> ...; c[1] -> Discard;
 *
 * =a MarkIPHeader, SetIPChecksum, StripIPHeader
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/ip.h"
#include "weir/packet.h"

#define CIH_DOC_BODY                                                                           \
	"Checks IP header.\n"                                                                  \
	"\n"                                                                                   \
	"Input packets should have IP headers starting OFFSET bytes in (default 0).\n"         \
	"Checks that the packet is long enough for an IP header, that the version is\n"        \
	"4, that the header length is at least 20, that the total length is at least\n"        \
	"the header length and no more than the packet, and (CHECKSUM) that the\n"             \
	"header checksum is valid. Checks that the source address is not on the\n"             \
	"BADSRC list unless the destination is on the GOODDST list (RFC 1812 5.3.7).\n"        \
	"Valid packets get their network and transport header annotations set, are\n"         \
	"shortened to the IP total length (Ethernet padding is removed), get the\n"            \
	"destination IP annotation set to the destination address, and leave on\n"             \
	"output 0. Invalid packets go to output 1 if it is connected, else they are\n"         \
	"dropped. The first invalid packet prints \"NAME: IP header check failed:\n"           \
	"REASON\" on standard error (every one with VERBOSE).\n"                               \
	"\n"                                                                                   \
	"CheckIPHeader2 is the same element with CHECKSUM false by default.\n"                 \
	"\n"                                                                                   \
	"Keywords:\n"                                                                          \
	"  CHECKSUM    boolean; check the header checksum. Default true\n"                     \
	"              (CheckIPHeader2: false).\n"                                             \
	"  OFFSET      unsigned; byte position of the IP header. Default 0.\n"                 \
	"  BADSRC      space-separated IP addresses; drop packets from them.\n"                \
	"  GOODDST     space-separated IP addresses; packets to them are exempt\n"             \
	"              from BADSRC.\n"                                                         \
	"  INTERFACES  space-separated ADDR/PREFIX; adds each interface's broadcast\n"          \
	"              address, 0.0.0.0 and 255.255.255.255 to BADSRC and each\n"             \
	"              address to GOODDST.\n"                                                  \
	"  VERBOSE     boolean; report every invalid packet. Default false.\n"                 \
	"  DETAILS     boolean; count drops by reason (drop_details). Default false.\n"        \
	"\n"                                                                                   \
	"Old syntax, as Click: CheckIPHeader(BADSRC2, OFFSET): BADSRC2 is like\n"              \
	"BADSRC plus 0.0.0.0 and 255.255.255.255. A single positional argument that\n"         \
	"is an integer is OFFSET.\n"                                                           \
	"\n"                                                                                   \
	"Handlers:\n"                                                                          \
	"  count (read)         number of valid packets (FastClick).\n"                        \
	"  drops (read)         number of invalid packets.\n"                                  \
	"  drop_details (read)  one line per reason, \"COUNT<tab>REASON\" as Click\n"          \
	"                       prints it; only with DETAILS true.\n"                          \
	"\n"                                                                                   \
	"Example:\n"                                                                           \
	"  FromDump(in.pcap) -> Strip(14) -> c :: CheckIPHeader -> ...; c[1] -> Discard;\n"

static const char checkipheader_doc[] =
	"CheckIPHeader([OFFSET, keywords OFFSET, INTERFACES, BADSRC, GOODDST,\n"
	"              CHECKSUM, VERBOSE, DETAILS])\n"
	"\n" CIH_DOC_BODY;
static const char checkipheader2_doc[] =
	"CheckIPHeader2([OFFSET, keywords OFFSET, INTERFACES, BADSRC, GOODDST,\n"
	"               CHECKSUM, VERBOSE, DETAILS])\n"
	"\n" CIH_DOC_BODY;

enum cih_reason {
	CIH_TINY,
	CIH_BAD_VERSION,
	CIH_BAD_HLEN,
	CIH_BAD_LEN,
	CIH_BAD_CHECKSUM,
	CIH_BAD_SADDR,
	CIH_NREASONS,
	CIH_OK = CIH_NREASONS,
};

static const char *const cih_reason_texts[CIH_NREASONS] = {
	"tiny packet",	   "bad IP version",  "bad IP header length",
	"bad IP length",   "bad IP checksum", "bad source address",
};

/* A growable list of addresses, filled at configure time only. */
struct cih_addrs {
	uint32_t *a; /* network byte order */
	unsigned n, cap;
};

struct checkipheader {
	uint32_t offset;
	bool checksum;
	bool checksum_given;
	bool verbose;
	bool details;
	bool offset_given;
	bool warned; /* first-drop message printed */
	char *badsrc2_str; /* old positional syntax */
	char *badsrc_str;
	char *gooddst_str;
	char *interfaces_str;
	struct cih_addrs bad_src;
	struct cih_addrs good_dst;
};

struct checkipheader_pt {
	uint64_t count;
	uint64_t drops;
	uint64_t reason[CIH_NREASONS];
};

static const struct weir_arg checkipheader_args[] = {
	{ "BADSRC2", WEIR_ARG_STRING, offsetof(struct checkipheader, badsrc2_str),
	  WEIR_ARGF_POSITIONAL, .help = "old syntax: bad sources plus 0.0.0.0, 255.255.255.255" },
	{ "OFFSET", WEIR_ARG_UINT, offsetof(struct checkipheader, offset),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_GIVEN,
	  .given_offset = offsetof(struct checkipheader, offset_given),
	  .help = "byte position of the IP header" },
	{ "INTERFACES", WEIR_ARG_STRING, offsetof(struct checkipheader, interfaces_str),
	  .help = "ADDR/PREFIX list: this router's interfaces" },
	{ "BADSRC", WEIR_ARG_STRING, offsetof(struct checkipheader, badsrc_str),
	  .help = "bad source addresses" },
	{ "GOODDST", WEIR_ARG_STRING, offsetof(struct checkipheader, gooddst_str),
	  .help = "destinations exempt from BADSRC" },
	{ "CHECKSUM", WEIR_ARG_BOOL, offsetof(struct checkipheader, checksum), WEIR_ARGF_GIVEN,
	  .given_offset = offsetof(struct checkipheader, checksum_given),
	  .help = "check the header checksum" },
	{ "VERBOSE", WEIR_ARG_BOOL, offsetof(struct checkipheader, verbose), .def = "false",
	  .help = "report every bad packet" },
	{ "DETAILS", WEIR_ARG_BOOL, offsetof(struct checkipheader, details), .def = "false",
	  .help = "count drops by reason" },
	WEIR_ARG_END
};

static int
cih_addrs_add(struct cih_addrs *l, uint32_t a)
{
	if (l->n == l->cap) {
		unsigned cap = l->cap ? l->cap * 2 : 8;
		uint32_t *n = realloc(l->a, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		l->a = n;
		l->cap = cap;
	}
	l->a[l->n++] = a;
	return 0;
}

static bool
cih_addrs_has(const struct cih_addrs *l, uint32_t a)
{
	for (unsigned i = 0; i < l->n; i++)
		if (l->a[i] == a)
			return true;
	return false;
}

/* Parses the space-separated list s: addresses into bad (and nothing into
 * good), or with interfaces, ADDR/PREFIX into bad (broadcast) and good. */
static int
cih_parse_list(struct checkipheader *c, const char *s, const char *kw, bool interfaces,
	       struct cih_addrs *bad, struct weir_errh *errh)
{
	char **w = NULL;
	int n = weir_split_words(s, &w);
	int err = 0;
	if (n < 0)
		return weir_error(errh, "out of memory");
	for (int i = 0; i < n && !err; i++) {
		uint32_t a, m = 0xFFFFFFFFu;
		int r = interfaces ? weir_parse_ip4_prefix(w[i], &a, &m, true)
				   : weir_parse_ip4(w[i], &a);
		if (r < 0)
			err = weir_error(errh, "%s: expected %s, got '%s'", kw,
					 interfaces ? "IP address with prefix" : "IP address", w[i]);
		else if (cih_addrs_add(bad, interfaces ? (a & m) | ~m : a) < 0 ||
			 (interfaces && cih_addrs_add(&c->good_dst, a) < 0))
			err = weir_error(errh, "out of memory");
	}
	weir_words_free(w, n);
	return err;
}

/* Adds 0.0.0.0 and 255.255.255.255 to the bad sources. */
static int
cih_add_broadcasts(struct checkipheader *c, struct weir_errh *errh)
{
	if (cih_addrs_add(&c->bad_src, 0) < 0 || cih_addrs_add(&c->bad_src, 0xFFFFFFFFu) < 0)
		return weir_error(errh, "out of memory");
	return 0;
}

static int
cih_configure_common(struct weir_element *e, struct weir_errh *errh, bool checksum_default)
{
	struct checkipheader *c = e->priv;
	uint32_t off;
	int err = 0;
	if (!c->checksum_given)
		c->checksum = checksum_default;
	c->bad_src.n = c->good_dst.n = 0;
	if (c->interfaces_str) {
		err = cih_parse_list(c, c->interfaces_str, "INTERFACES", true, &c->bad_src, errh);
		if (!err)
			err = cih_add_broadcasts(c, errh);
	}
	if (!err && c->badsrc_str)
		err = cih_parse_list(c, c->badsrc_str, "BADSRC", false, &c->bad_src, errh);
	if (!err && c->gooddst_str)
		err = cih_parse_list(c, c->gooddst_str, "GOODDST", false, &c->good_dst, errh);
	if (err || !c->badsrc2_str)
		return err;
	/* old syntax: a lone integer is OFFSET, else BADSRC2 [, OFFSET] */
	if (!c->offset_given && weir_parse_uint(c->badsrc2_str, &off) == 0) {
		c->offset = off;
		return 0;
	}
	err = cih_parse_list(c, c->badsrc2_str, "BADSRC2", false, &c->bad_src, errh);
	return err ? err : cih_add_broadcasts(c, errh);
}

static int
checkipheader_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	(void)conf;
	return cih_configure_common(e, errh, true);
}

static int
checkipheader2_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	(void)conf;
	return cih_configure_common(e, errh, false);
}

static void
checkipheader_cleanup(struct weir_element *e)
{
	struct checkipheader *c = e->priv;
	free(c->bad_src.a);
	free(c->good_dst.a);
	c->bad_src.a = c->good_dst.a = NULL;
}

/* Checks one packet; on success marks and trims it. */
static enum cih_reason
cih_check(const struct checkipheader *c, struct weir_packet *p)
{
	if (p->len < c->offset || p->len - c->offset < WEIR_IP_HDR_LEN)
		return CIH_TINY;
	uint32_t plen = p->len - c->offset;
	struct weir_ip_hdr *ip = (struct weir_ip_hdr *)(p->data + c->offset);
	if (weir_ip_v(ip) != 4)
		return CIH_BAD_VERSION;
	unsigned hlen = weir_ip_hlen(ip);
	if (hlen < WEIR_IP_HDR_LEN)
		return CIH_BAD_HLEN;
	unsigned len = ntohs(ip->len);
	if (len > plen || len < hlen)
		return CIH_BAD_LEN;
	if (c->checksum && weir_in_cksum(ip, hlen) != 0)
		return CIH_BAD_CHECKSUM;
	if (c->bad_src.n && cih_addrs_has(&c->bad_src, ip->src) &&
	    !cih_addrs_has(&c->good_dst, ip->dst))
		return CIH_BAD_SADDR;
	weir_packet_set_network_header(p, (uint8_t *)ip);
	weir_packet_set_transport_header(p, (uint8_t *)ip + hlen);
	if (plen > len)
		weir_packet_take(p, plen - len);
	weir_set_dst_ip_anno(p, ip->dst);
	return CIH_OK;
}

static void
checkipheader_classify(struct weir_element *e, struct weir_batch *b, uint8_t *ports)
{
	struct checkipheader *c = e->priv;
	struct checkipheader_pt *pt = weir_element_pt(e);
	uint8_t bad = e->noutputs > 1 ? 1 : WEIR_PORT_DROP;
	/* the headers are usually the first bytes of the packets anyone reads:
	 * start all the batch's cache misses at once */
	for (uint32_t i = 0; i < b->n; i++)
		__builtin_prefetch(b->pkts[i]->data + c->offset);
	for (uint32_t i = 0; i < b->n; i++) {
		enum cih_reason r = cih_check(c, b->pkts[i]);
		if (weir_likely(r == CIH_OK)) {
			pt->count++;
			ports[i] = 0;
			continue;
		}
		if (!c->warned || c->verbose) {
			c->warned = true;
			fprintf(stderr, "%s: IP header check failed: %s\n", e->name,
				cih_reason_texts[r]);
		}
		pt->drops++;
		pt->reason[r]++;
		ports[i] = bad;
	}
}

enum { CIH_H_COUNT, CIH_H_DROPS };

static int
checkipheader_read(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	uint64_t v = h->arg == CIH_H_COUNT ? WEIR_PT_SUM(e, struct checkipheader_pt, count)
					   : WEIR_PT_SUM(e, struct checkipheader_pt, drops);
	weir_strbuf_printf(out, "%llu", (unsigned long long)v);
	return 0;
}

static int
checkipheader_read_details(struct weir_element *e, const struct weir_handler *h,
			   struct weir_strbuf *out)
{
	const struct checkipheader *c = e->priv;
	(void)h;
	if (!c->details)
		return -ENOENT;
	for (int r = 0; r < CIH_NREASONS; r++) {
		uint64_t v = 0;
		for (unsigned t = 0; t < weir_element_nthreads(e); t++)
			v += ((struct checkipheader_pt *)weir_element_pt_at(e, t))->reason[r];
		weir_strbuf_printf(out, "%llu\t%s\n", (unsigned long long)v, cih_reason_texts[r]);
	}
	return 0;
}

static const struct weir_handler checkipheader_handlers[] = {
	{ .name = "count", .read = checkipheader_read, .arg = CIH_H_COUNT },
	{ .name = "drops", .read = checkipheader_read, .arg = CIH_H_DROPS },
	{ .name = "drop_details", .read = checkipheader_read_details },
	WEIR_HANDLER_END
};

static const struct weir_element_class checkipheader_class = {
	.name = "CheckIPHeader",
	.port_count = "1/1-2",
	.processing = "a/ah",
	.priv_size = sizeof(struct checkipheader),
	.pt_size = sizeof(struct checkipheader_pt),
	.args = checkipheader_args,
	.configure = checkipheader_configure,
	.cleanup = checkipheader_cleanup,
	.classify = checkipheader_classify,
	.handlers = checkipheader_handlers,
	.doc = checkipheader_doc,
};
WEIR_ELEMENT_REGISTER(checkipheader_class)

static const struct weir_element_class checkipheader2_class = {
	.name = "CheckIPHeader2",
	.port_count = "1/1-2",
	.processing = "a/ah",
	.priv_size = sizeof(struct checkipheader),
	.pt_size = sizeof(struct checkipheader_pt),
	.args = checkipheader_args,
	.configure = checkipheader2_configure,
	.cleanup = checkipheader_cleanup,
	.classify = checkipheader_classify,
	.handlers = checkipheader_handlers,
	.doc = checkipheader2_doc,
};
WEIR_ELEMENT_REGISTER(checkipheader2_class)
