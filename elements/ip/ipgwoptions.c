/* ipgwoptions.c - IPGWOptions: processes the Record Route and Timestamp IP options as a router must. */
/*
 * =c
 * IPGWOptions(MYADDR [, OTHERADDRS])
 *
 * =s ip
 * processes router IP options
 *
 * =d
 * Processes the IP options that every router should process, not only the
 * destination: Record Route and Timestamp (not the source route options).
 * MYADDR is the router's IP address on the interface downstream from the
 * element (RFC 1812 4.2.2.2), so IPGWOptions belongs on the output path.
 * Expects packets with the network header annotation set (CheckIPHeader);
 * the options are the bytes between the network and transport headers.
 *
 * Record Route: if there is room, MYADDR is stored at the pointer and the
 * pointer advanced by 4. Timestamp: flag 0 stores milliseconds since
 * midnight UT, flag 1 stores MYADDR and the time, flag 3 stores the time
 * when the pre-specified address is MYADDR or in OTHERADDRS; a full option
 * increments its overflow count. The header checksum is recomputed when an
 * option was processed.
 *
 * Malformed options (a length below 2 or past the header, a bad pointer, an
 * unknown timestamp flag, an overflow count past 15) send the packet to
 * output 1, or drop it when output 1 is not connected, and count it. The
 * ICMP parameter problem annotation (ICMP_PARAMPROB, byte 17) is set to the
 * offset of the bad byte in the IP header, for ICMPError(..., 12, 0).
 * Packets without the network header annotation are dropped (Click asserts).
 *
 * Keywords:
 *   MYADDR      IP address; this router's outgoing address. Mandatory.
 *   OTHERADDRS  space-separated IP addresses; the router's other addresses,
 *               for pre-specified timestamps.
 *
 * =h drops read-only
 * Number of packets with bad options.
 *
 * =a ICMPError, CheckIPHeader
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/task.h"
#include "ip_priv.h"

static const char ipgwoptions_doc[] =
	"IPGWOptions(MYADDR [, OTHERADDRS])\n"
	"\n"
	"Processes router IP options.\n"
	"\n"
	"Processes the IP options that every router should process, not only the\n"
	"destination: Record Route and Timestamp (not the source route options).\n"
	"MYADDR is the router's IP address on the interface downstream from the\n"
	"element (RFC 1812 4.2.2.2), so IPGWOptions belongs on the output path.\n"
	"Expects packets with the network header annotation set (CheckIPHeader);\n"
	"the options are the bytes between the network and transport headers.\n"
	"\n"
	"Record Route: if there is room, MYADDR is stored at the pointer and the\n"
	"pointer advanced by 4. Timestamp: flag 0 stores milliseconds since\n"
	"midnight UT, flag 1 stores MYADDR and the time, flag 3 stores the time\n"
	"when the pre-specified address is MYADDR or in OTHERADDRS; a full option\n"
	"increments its overflow count. The header checksum is recomputed when an\n"
	"option was processed.\n"
	"\n"
	"Malformed options (a length below 2 or past the header, a bad pointer, an\n"
	"unknown timestamp flag, an overflow count past 15) send the packet to\n"
	"output 1, or drop it when output 1 is not connected, and count it. The\n"
	"ICMP parameter problem annotation (ICMP_PARAMPROB, byte 17) is set to the\n"
	"offset of the bad byte in the IP header, for ICMPError(..., 12, 0).\n"
	"Packets without the network header annotation are dropped (Click asserts).\n"
	"\n"
	"Keywords:\n"
	"  MYADDR      IP address; this router's outgoing address. Mandatory.\n"
	"  OTHERADDRS  space-separated IP addresses; the router's other addresses,\n"
	"              for pre-specified timestamps.\n"
	"\n"
	"Handler:\n"
	"  drops (read)  number of packets with bad options.\n";

#define IPOPT_EOL 0
#define IPOPT_NOP 1
#define IPOPT_RR 7
#define IPOPT_TS 68

struct ipgwoptions {
	uint32_t my_addr; /* network byte order */
	char *other_str;  /* OTHERADDRS as written */
	uint32_t *addrs;  /* OTHERADDRS plus MYADDR */
	unsigned naddrs;
};

struct ipgwoptions_pt {
	uint64_t drops;
};

static const struct weir_arg ipgwoptions_args[] = {
	{ "MYADDR", WEIR_ARG_IP4, offsetof(struct ipgwoptions, my_addr),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "outgoing interface address" },
	{ "OTHERADDRS", WEIR_ARG_STRING, offsetof(struct ipgwoptions, other_str),
	  WEIR_ARGF_POSITIONAL, .help = "other interface addresses" },
	WEIR_ARG_END
};

static int
ipgwoptions_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct ipgwoptions *g = e->priv;
	char **w = NULL;
	int n = 0;
	(void)conf;
	if (g->other_str) {
		n = weir_split_words(g->other_str, &w);
		if (n < 0)
			return weir_error(errh, "out of memory");
	}
	g->addrs = calloc((size_t)n + 1, sizeof(*g->addrs));
	if (!g->addrs) {
		weir_words_free(w, n);
		return weir_error(errh, "out of memory");
	}
	int err = 0;
	for (int i = 0; i < n && !err; i++)
		if (weir_parse_ip4(w[i], &g->addrs[g->naddrs++]) < 0)
			err = weir_error(errh, "OTHERADDRS: expected IP address, got '%s'", w[i]);
	weir_words_free(w, n);
	g->addrs[g->naddrs++] = g->my_addr;
	return err;
}

static void
ipgwoptions_cleanup(struct weir_element *e)
{
	struct ipgwoptions *g = e->priv;
	free(g->addrs);
	g->addrs = NULL;
}

static bool
ipgwoptions_mine(const struct ipgwoptions *g, uint32_t a)
{
	for (unsigned i = 0; i < g->naddrs; i++)
		if (g->addrs[i] == a)
			return true;
	return false;
}

/* State of one packet's option walk. */
struct optwalk {
	struct weir_packet *p;
	uint8_t *oa;    /* network header */
	uint32_t avail; /* bytes from oa to the end of the data */
	int hlen;       /* header length (options end) */
	bool written;
	bool have_ms;
	uint32_t ms_be;
};

/* Byte at offset i of the header; 0 past the end of the data. */
static inline unsigned
ow_byte(const struct optwalk *w, int i)
{
	return (uint32_t)i < w->avail ? w->oa[i] : 0;
}

/* Makes the packet writable; false when it was killed. */
static bool
ow_writable(struct optwalk *w)
{
	if (w->written)
		return true;
	int off = (int)(w->oa - w->p->buf);
	w->p = weir_packet_uniqueify(w->p);
	if (!w->p)
		return false;
	w->oa = w->p->buf + off;
	w->written = true;
	return true;
}

static uint32_t
ow_ms(struct optwalk *w)
{
	if (!w->have_ms) {
		int64_t ns = weir_wall_ns();
		int64_t sec = ns / 1000000000LL;
		uint32_t ms = (uint32_t)((sec % 86400) * 1000 + (ns % 1000000000LL) / 1000000);
		w->ms_be = htonl(ms);
		w->have_ms = true;
	}
	return w->ms_be;
}

/* Record Route at oi; returns -1 on success or the offset of the bad byte. */
static int
ow_rr(const struct ipgwoptions *g, struct optwalk *w, int oi, int xlen)
{
	int ptr = (int)ow_byte(w, oi + 2) - 1;
	if (ptr >= 3 && ptr + 4 <= xlen) {
		memcpy(w->oa + oi + ptr, &g->my_addr, 4);
		w->oa[oi + 2] += 4;
	} else if (ptr != xlen) {
		return oi + 2;
	}
	return -1;
}

/* Timestamp at oi; returns -1 on success or the offset of the bad byte. */
static int
ow_ts(const struct ipgwoptions *g, struct optwalk *w, int oi, int xlen)
{
	int ptr = (int)ow_byte(w, oi + 2) - 1;
	unsigned oflw = ow_byte(w, oi + 3) >> 4;
	unsigned flg = ow_byte(w, oi + 3) & 0xF;
	bool overflowed = false;
	if (ptr < 4)
		return oi + 2;
	if (flg == 0) {
		if (ptr + 4 <= xlen) {
			uint32_t ms = ow_ms(w);
			memcpy(w->oa + oi + ptr, &ms, 4);
			w->oa[oi + 2] += 4;
		} else {
			overflowed = true;
		}
	} else if (flg == 1) {
		if (ptr + 8 <= xlen) {
			uint32_t ms = ow_ms(w);
			memcpy(w->oa + oi + ptr, &g->my_addr, 4);
			memcpy(w->oa + oi + ptr + 4, &ms, 4);
			w->oa[oi + 2] += 8;
		} else {
			overflowed = true;
		}
	} else if (flg == 3 && ptr + 8 <= xlen) {
		uint32_t addr;
		memcpy(&addr, w->oa + oi + ptr, 4);
		if (ipgwoptions_mine(g, addr)) {
			uint32_t ms = ow_ms(w);
			memcpy(w->oa + oi + ptr + 4, &ms, 4);
			w->oa[oi + 2] += 8;
		}
	} else {
		return oi + 3;
	}
	if (overflowed) {
		if (oflw >= 15)
			return oi + 3;
		if ((uint32_t)(oi + 3) < w->avail)
			w->oa[oi + 3] = (uint8_t)(((oflw + 1) << 4) | flg);
	}
	return -1;
}

/* Walks the options; returns -1 when done, -2 when the packet was killed,
 * or the offset of a bad byte. */
static int
ow_walk(const struct ipgwoptions *g, struct optwalk *w)
{
	int oi = WEIR_IP_HDR_LEN;
	while (oi < w->hlen) {
		unsigned type = w->oa[oi];
		if (type == IPOPT_NOP) {
			oi++;
			continue;
		}
		if (type == IPOPT_EOL)
			break;
		int xlen = (int)ow_byte(w, oi + 1);
		if (xlen < 2 || oi + xlen > w->hlen)
			return oi + 1;
		if (type != IPOPT_RR && type != IPOPT_TS) {
			oi += xlen;
			continue;
		}
		if (!ow_writable(w))
			return -2;
		int bad = type == IPOPT_RR ? ow_rr(g, w, oi, xlen) : ow_ts(g, w, oi, xlen);
		if (bad >= 0)
			return bad;
		oi += xlen;
	}
	return -1;
}

static uint8_t
ipgwoptions_one(const struct ipgwoptions *g, struct weir_batch *b, uint32_t i, uint8_t errport,
		struct ipgwoptions_pt *pt)
{
	struct optwalk w = { .p = b->pkts[i] };
	struct weir_ip_hdr *ip = weir_ip_header_checked(w.p, WEIR_IP_HDR_LEN);
	if (!ip) {
		weir_packet_kill(w.p);
		b->pkts[i] = NULL;
		return WEIR_PORT_DROP;
	}
	if (weir_ip_hlen(ip) <= WEIR_IP_HDR_LEN)
		return 0;
	w.oa = (uint8_t *)ip;
	w.avail = (uint32_t)(weir_packet_end_data(w.p) - w.oa);
	w.hlen = w.p->transport_off == WEIR_NO_OFFSET ? (int)weir_ip_hlen(ip)
						      : (int)w.p->transport_off - (int)w.p->net_off;
	if (w.hlen > (int)w.avail)
		w.hlen = (int)w.avail;
	int bad = ow_walk(g, &w);
	b->pkts[i] = w.p;
	if (bad == -2)
		return WEIR_PORT_DROP;
	if (bad >= 0) {
		pt->drops++;
		weir_set_anno_u8(w.p, WEIR_ICMP_PARAMPROB_ANNO_OFFSET, (uint8_t)bad);
		return errport;
	}
	if (w.written && w.hlen >= WEIR_IP_HDR_LEN)
		weir_ip_set_cksum((struct weir_ip_hdr *)w.oa, (unsigned)w.hlen);
	return 0;
}

static void
ipgwoptions_classify(struct weir_element *e, struct weir_batch *b, uint8_t *ports)
{
	const struct ipgwoptions *g = e->priv;
	struct ipgwoptions_pt *pt = weir_element_pt(e);
	uint8_t errport = e->noutputs > 1 ? 1 : WEIR_PORT_DROP;
	for (uint32_t i = 0; i < b->n; i++)
		ports[i] = ipgwoptions_one(g, b, i, errport, pt);
}

static void
ipgwoptions_push(struct weir_element *e, int port, struct weir_batch *b)
{
	(void)port;
	weir_ip_classify_push(e, b, ipgwoptions_classify);
}

static uint32_t
ipgwoptions_pull(struct weir_element *e, int port, struct weir_batch *b, uint32_t max)
{
	(void)port;
	return weir_ip_classify_pull(e, b, max, ipgwoptions_classify);
}

static int
ipgwoptions_read_drops(struct weir_element *e, const struct weir_handler *h,
		       struct weir_strbuf *out)
{
	(void)h;
	weir_strbuf_printf(out, "%llu",
			   (unsigned long long)WEIR_PT_SUM(e, struct ipgwoptions_pt, drops));
	return 0;
}

static const struct weir_handler ipgwoptions_handlers[] = {
	{ .name = "drops", .read = ipgwoptions_read_drops },
	WEIR_HANDLER_END
};

static const struct weir_element_class ipgwoptions_class = {
	.name = "IPGWOptions",
	.port_count = "1/1-2",
	.processing = "a/ah",
	.priv_size = sizeof(struct ipgwoptions),
	.pt_size = sizeof(struct ipgwoptions_pt),
	.args = ipgwoptions_args,
	.configure = ipgwoptions_configure,
	.cleanup = ipgwoptions_cleanup,
	.push = ipgwoptions_push,
	.pull = ipgwoptions_pull,
	.handlers = ipgwoptions_handlers,
	.doc = ipgwoptions_doc,
};
WEIR_ELEMENT_REGISTER(ipgwoptions_class)
