/* ipfragmenter.c - IPFragmenter: splits IP datagrams larger than the MTU into fragments. */
/*
 * =c
 * IPFragmenter(MTU [, HONOR_DF, VERBOSE, I<keywords> HEADROOM])
 *
 * =s ip
 * fragments large IP packets
 *
 * =d
 * Expects IP packets with the IP header annotation set. A packet whose
 * length from the IP header to its end is at most MTU bytes passes
 * unchanged to output 0. Larger packets are fragmented, and the fragments
 * are sent to output 0 in order, unless they have the don't-fragment bit set
 * and HONOR_DF is true (or the MTU leaves no room for 8 data bytes after the
 * header): those go to output 1, or are dropped if it does not exist, and
 * are counted in drops.
 *
 * The first fragment is the input packet itself, cut after the first
 * (MTU - header length, rounded down to a multiple of 8) data bytes, with
 * its whole IP header, its link header and its annotations. Each further
 * fragment is a new packet holding a 20-byte IP header, the options of the
 * input whose copied bit is set (NOPs dropped, padded with end-of-options to
 * a multiple of 4), and the next data bytes; it has no link header, HEADROOM
 * bytes of headroom, and the input's annotations. Every fragment's offset,
 * more-fragments bit, length and checksum are set; the last fragment keeps
 * the input's more-fragments bit, so fragments of fragments are correct.
 * When HONOR_DF is false and the input has the don't-fragment bit set, the
 * bit is cleared and the IP ID replaced with a random one.
 *
 * A packet longer than MTU only because of bytes after its IP length passes
 * unchanged except that those bytes are cut (Click would emit a fragment
 * claiming bytes it does not hold). A packet whose IP header is not in the
 * packet goes to output 1 and counts as a drop. Packets are handled one at
 * a time within a batch: all output of one packet leaves before the next
 * packet is looked at (FastClick can stall here; weir follows Click's
 * documented behaviour).
 *
 * Keyword arguments are:
 *   MTU       Unsigned. The largest packet sent to output 0, from the IP
 *             header on. At least 8. Mandatory.
 *   HONOR_DF  Boolean. Send don't-fragment packets to output 1. Default true.
 *   VERBOSE   Boolean. Print a message for every don't-fragment packet (else
 *             only for the first five). Default false.
 *   HEADROOM  Unsigned. Headroom of new fragments. Default 128.
 *
 * =h drops read-only
 * Packets sent to output 1 (or dropped there).
 * =h fragments read-only
 * Fragments emitted.
 *
 * =e
 *   ... -> fr :: IPFragmenter(1500) -> ...; fr[1] -> ICMPError(10.0.0.1, unreachable, needfrag, PMTU 1500) -> ...
 *
 * =a IPReassembler, ICMPError, CheckLength
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/ip.h"
#include "weir/task.h"

static const char ipfragmenter_doc[] =
	"IPFragmenter(MTU [, HONOR_DF, VERBOSE, KEYWORDS HEADROOM])\n"
	"\n"
	"Fragments large IP packets.\n"
	"\n"
	"Expects IP packets with the IP header annotation set. A packet whose\n"
	"length from the IP header to its end is at most MTU bytes passes\n"
	"unchanged to output 0. Larger packets are fragmented, and the fragments\n"
	"are sent to output 0 in order, unless they have the don't-fragment bit set\n"
	"and HONOR_DF is true (or the MTU leaves no room for 8 data bytes after the\n"
	"header): those go to output 1, or are dropped if it does not exist, and\n"
	"are counted in drops.\n"
	"\n"
	"The first fragment is the input packet itself, cut after the first\n"
	"(MTU - header length, rounded down to a multiple of 8) data bytes, with\n"
	"its whole IP header, its link header and its annotations. Each further\n"
	"fragment is a new packet holding a 20-byte IP header, the options of the\n"
	"input whose copied bit is set (NOPs dropped, padded with end-of-options to\n"
	"a multiple of 4), and the next data bytes; it has no link header, HEADROOM\n"
	"bytes of headroom, and the input's annotations. Every fragment's offset,\n"
	"more-fragments bit, length and checksum are set; the last fragment keeps\n"
	"the input's more-fragments bit, so fragments of fragments are correct.\n"
	"When HONOR_DF is false and the input has the don't-fragment bit set, the\n"
	"bit is cleared and the IP ID replaced with a random one.\n"
	"\n"
	"A packet longer than MTU only because of bytes after its IP length passes\n"
	"unchanged except that those bytes are cut (Click would emit a fragment\n"
	"claiming bytes it does not hold). A packet whose IP header is not in the\n"
	"packet goes to output 1 and counts as a drop. Packets are handled one at\n"
	"a time within a batch: all output of one packet leaves before the next\n"
	"packet is looked at (FastClick can stall here; weir follows Click's\n"
	"documented behaviour).\n"
	"\n"
	"Keyword arguments are:\n"
	"  MTU       Unsigned. The largest packet sent to output 0, from the IP\n"
	"            header on. At least 8. Mandatory.\n"
	"  HONOR_DF  Boolean. Send don't-fragment packets to output 1. Default true.\n"
	"  VERBOSE   Boolean. Print a message for every don't-fragment packet (else\n"
	"            only for the first five). Default false.\n"
	"  HEADROOM  Unsigned. Headroom of new fragments. Default 128.\n"
	"\n"
	"Handlers:\n"
	"  drops (read-only)      packets sent to output 1 (or dropped there)\n"
	"  fragments (read-only)  fragments emitted\n"
	"\n"
	"Example:\n"
	"  ... -> fr :: IPFragmenter(1500) -> ...;\n"
	"  fr[1] -> ICMPError(10.0.0.1, unreachable, needfrag, PMTU 1500) -> ...\n"
	"\n"
	"See also: IPReassembler, ICMPError, CheckLength.\n";

#define IPOPT_EOL 0
#define IPOPT_NOP 1
#define IPOPT_COPIED 0x80

struct ipfragmenter {
	uint32_t mtu;
	bool honor_df;
	bool verbose;
	uint32_t headroom;
	uint32_t rng; /* xorshift32 state for IDs of DF packets we fragment anyway */
};

struct ipfragmenter_pt {
	uint64_t drops;
	uint64_t fragments;
};

/* Where a batch of output-0 packets builds up; flushed when full and
 * before anything goes to output 1, so outputs keep Click's order. */
struct ipfragmenter_out {
	struct weir_element *e;
	struct weir_batch b;
};

static const struct weir_arg ipfragmenter_args[] = {
	{ "MTU", WEIR_ARG_UINT, offsetof(struct ipfragmenter, mtu),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "largest packet from the IP header on" },
	{ "HONOR_DF", WEIR_ARG_BOOL, offsetof(struct ipfragmenter, honor_df), WEIR_ARGF_POSITIONAL,
	  .def = "true", .help = "send don't-fragment packets to output 1" },
	{ "VERBOSE", WEIR_ARG_BOOL, offsetof(struct ipfragmenter, verbose), WEIR_ARGF_POSITIONAL,
	  .def = "false", .help = "report every don't-fragment packet" },
	{ "HEADROOM", WEIR_ARG_UINT, offsetof(struct ipfragmenter, headroom), WEIR_ARGF_BOUNDED,
	  .def = "128", .min = 0, .max = 4096, .help = "headroom of new fragments" },
	WEIR_ARG_END
};

static int
ipfragmenter_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct ipfragmenter *f = e->priv;

	if (f->mtu < 8)
		return weir_error(errh, "MTU must be at least 8");
	f->rng = (uint32_t)weir_time_ns() | 1u;
	return 0;
}

static void
ipfragmenter_emit(struct ipfragmenter_out *o, struct weir_packet *p)
{
	if (o->b.n == WEIR_BATCH_MAX) {
		weir_output_push(o->e, 0, &o->b);
		o->b.n = 0;
	}
	o->b.pkts[o->b.n++] = p;
}

static void
ipfragmenter_flush(struct ipfragmenter_out *o)
{
	weir_output_push(o->e, 0, &o->b);
	o->b.n = 0;
}

/* Copies the options with the copied bit set from ip (hlen bytes) to out
 * (when not NULL); returns their length padded to a multiple of 4. */
static unsigned
ipfragmenter_optcopy(const struct weir_ip_hdr *ip, unsigned hlen, uint8_t *out)
{
	const uint8_t *o = (const uint8_t *)ip + WEIR_IP_HDR_LEN;
	const uint8_t *end = (const uint8_t *)ip + hlen;
	unsigned pos = 0;

	while (o < end) {
		if (*o == IPOPT_NOP) {
			o++;
			continue;
		}
		if (*o == IPOPT_EOL || o + 1 == end || o[1] < 2 || o + o[1] > end)
			break;
		if (*o & IPOPT_COPIED) {
			if (out)
				memcpy(out + pos, o, o[1]);
			pos += o[1];
		}
		o += o[1];
	}
	for (; pos & 3; pos++)
		if (out)
			out[pos] = IPOPT_EOL;
	return pos;
}

/* A packet that cannot be fragmented: to output 1 (killed when absent). */
static void
ipfragmenter_reject(struct weir_element *e, struct ipfragmenter_out *o, struct weir_packet *p,
		    const struct weir_ip_hdr *ip)
{
	struct ipfragmenter *f = e->priv;
	struct ipfragmenter_pt *pt = weir_element_pt(e);

	if (ip && (f->verbose || pt->drops < 5)) {
		char src[16], dst[16];
		weir_format_ip4(ip->src, src);
		weir_format_ip4(ip->dst, dst);
		fprintf(stderr, "IPFragmenter(%u) DF %s %s len=%u\n", f->mtu, src, dst, p->len);
	}
	pt->drops++;
	if (e->noutputs > 1) {
		ipfragmenter_flush(o);
		weir_output_push_packet(e, 1, p);
	} else {
		weir_packet_kill(p);
	}
}

/* Fragment number > 1, carrying dlen bytes at data offset off. */
static struct weir_packet *
ipfragmenter_make(const struct ipfragmenter *f, const struct weir_packet *p,
		  const struct weir_ip_hdr *ip, unsigned hlen, unsigned out_hlen,
		  unsigned off, unsigned dlen, bool last)
{
	struct weir_packet *q = weir_packet_make(f->headroom, NULL, out_hlen + dlen, 0);

	if (!q)
		return NULL;
	struct weir_ip_hdr *qip = (struct weir_ip_hdr *)q->data;
	memcpy(qip, ip, WEIR_IP_HDR_LEN);
	ipfragmenter_optcopy(ip, hlen, q->data + WEIR_IP_HDR_LEN);
	memcpy(q->data + out_hlen, (const uint8_t *)ip + hlen + off, dlen);
	qip->vihl = (uint8_t)((qip->vihl & 0xF0) | (out_hlen >> 2));
	uint16_t qoff = (uint16_t)(ntohs(ip->off) + (off >> 3));
	if (last)
		qoff &= (uint16_t)~WEIR_IP_MF;
	qip->off = htons(qoff);
	qip->len = htons((uint16_t)(out_hlen + dlen));
	weir_ip_set_cksum(qip, out_hlen);
	weir_packet_set_network_header(q, q->data);
	weir_packet_set_transport_header(q, q->data + out_hlen);
	weir_packet_copy_annotations(q, p);
	return q;
}

static void
ipfragmenter_fragment(struct weir_element *e, struct ipfragmenter_out *o, struct weir_packet *p)
{
	struct ipfragmenter *f = e->priv;
	struct ipfragmenter_pt *pt = weir_element_pt(e);
	uint8_t *net = weir_packet_network_header(p);
	uint8_t *end = weir_packet_end_data(p);
	struct weir_ip_hdr *ip = (struct weir_ip_hdr *)net;
	unsigned avail = (unsigned)(end - net); /* > MTU >= 8: the first 4 bytes are there */
	unsigned hlen = weir_ip_hlen(ip);
	unsigned ip_len = ntohs(ip->len);

	if (avail < WEIR_IP_HDR_LEN || hlen < WEIR_IP_HDR_LEN || hlen > avail || ip_len < hlen) {
		ipfragmenter_reject(e, o, p, NULL);
		return;
	}
	int first_dlen = ((int)f->mtu - (int)hlen) & ~7;
	if (((ntohs(ip->off) & WEIR_IP_DF) && f->honor_df) || first_dlen < 8) {
		ipfragmenter_reject(e, o, p, ip);
		return;
	}
	unsigned in_dlen = (ip_len < avail ? ip_len : avail) - hlen;
	if (in_dlen <= (unsigned)first_dlen) {
		/* too long only because of bytes after the IP length */
		weir_packet_take(p, avail - hlen - in_dlen);
		ipfragmenter_emit(o, p);
		return;
	}

	p = weir_packet_uniqueify(p);
	if (!p)
		return;
	ip = (struct weir_ip_hdr *)weir_packet_network_header(p);
	if (ntohs(ip->off) & WEIR_IP_DF) {
		f->rng ^= f->rng << 13;
		f->rng ^= f->rng >> 17;
		f->rng ^= f->rng << 5;
		ip->id = (uint16_t)f->rng;
		ip->off &= htons((uint16_t)~WEIR_IP_DF);
	}
	bool had_mf = (ntohs(ip->off) & WEIR_IP_MF) != 0;
	ip->len = htons((uint16_t)(hlen + first_dlen));
	ip->off |= htons(WEIR_IP_MF);
	weir_ip_set_cksum(ip, hlen);

	/* the first fragment shares the input's data; the input feeds the rest */
	struct weir_packet *first = weir_packet_clone(p);
	if (first) {
		weir_packet_take(first, (uint32_t)(avail - hlen - first_dlen));
		ipfragmenter_emit(o, first);
		pt->fragments++;
	}
	unsigned out_hlen = WEIR_IP_HDR_LEN + ipfragmenter_optcopy(ip, hlen, NULL);
	unsigned step = (f->mtu - out_hlen) & ~7u;
	for (unsigned off = (unsigned)first_dlen; off < in_dlen; off += step) {
		unsigned dlen = off + step > in_dlen ? in_dlen - off : step;
		bool last = off + dlen >= in_dlen && !had_mf;
		struct weir_packet *q = ipfragmenter_make(f, p, ip, hlen, out_hlen, off, dlen, last);
		if (q) {
			ipfragmenter_emit(o, q);
			pt->fragments++;
		}
	}
	weir_packet_kill(p);
}

static void
ipfragmenter_push(struct weir_element *e, int port, struct weir_batch *b)
{
	struct ipfragmenter *f = e->priv;
	struct ipfragmenter_out o = { .e = e };

	for (uint32_t i = 0; i < b->n; i++) {
		struct weir_packet *p = b->pkts[i];
		int noff = weir_packet_network_offset(p);
		uint8_t *net = weir_packet_network_header(p);
		if (weir_likely(net && net >= p->buf && noff <= (int)p->len &&
				(int)p->len - noff <= (int)f->mtu))
			ipfragmenter_emit(&o, p);
		else if (!net || net < p->buf || noff > (int)p->len)
			ipfragmenter_reject(e, &o, p, NULL);
		else
			ipfragmenter_fragment(e, &o, p);
	}
	ipfragmenter_flush(&o);
}

static int
ipfragmenter_read(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	uint64_t v = h->arg ? WEIR_PT_SUM(e, struct ipfragmenter_pt, fragments)
			    : WEIR_PT_SUM(e, struct ipfragmenter_pt, drops);
	weir_strbuf_printf(out, "%" PRIu64, v);
	return 0;
}

static const struct weir_handler ipfragmenter_handlers[] = {
	{ .name = "drops", .read = ipfragmenter_read, .arg = 0 },
	{ .name = "fragments", .read = ipfragmenter_read, .arg = 1 },
	WEIR_HANDLER_END
};

static const struct weir_element_class ipfragmenter_class = {
	.name = "IPFragmenter",
	.port_count = "1/1-2",
	.processing = "h/h",
	.priv_size = sizeof(struct ipfragmenter),
	.pt_size = sizeof(struct ipfragmenter_pt),
	.args = ipfragmenter_args,
	.configure = ipfragmenter_configure,
	.push = ipfragmenter_push,
	.handlers = ipfragmenter_handlers,
	.doc = ipfragmenter_doc,
};
WEIR_ELEMENT_REGISTER(ipfragmenter_class)
