/*
 * IPAddrRewriter(INPUTSPEC1, ..., INPUTSPECn [, KEYWORDS])
 *
 * rewrites IP packets' addresses
 *
 * Rewrites the source and/or destination addresses of IP packets, with the
 * IP checksum and, on first fragments, the TCP or UDP checksum (a UDP
 * checksum of 0 stays 0): a Basic NAT, where internal hosts get temporary
 * external addresses. It works for every IP protocol; the number of
 * internal hosts that can be mapped at once is limited by the external
 * addresses available. See IPRewriter for address and port translation.
 *
 * The mapping table is indexed by address. A packet is first looked up by
 * its source address (a forward mapping: the source is rewritten), then by
 * its destination address (a reply mapping: the destination is rewritten
 * back); a packet of a known mapping is rewritten and sent to the mapping's
 * output whatever its input. Otherwise the INPUTSPEC of its input decides:
 *   'drop', 'pass OUTPUT', 'keep FOUTPUT ROUTPUT'  as in IPRewriter.
 *   'pattern SADDR[-SADDR2] - FOUTPUT ROUTPUT'  maps the source address to
 *                       SADDR, or to a free address of the range 'A-B' or
 *                       prefix 'A/N' (chosen at random; append '#' to
 *                       allocate sequentially); '-' keeps it. The
 *                       destination must be '-'. If no address is free the
 *                       packet is dropped (a mapping failure).
 *   'pattern PATNAME FOUTPUT ROUTPUT'  a pattern of an IPRewriterPatterns.
 * Packets from the old source address are rewritten and sent to FOUTPUT;
 * packets to the new address are rewritten back and sent to ROUTPUT (with
 * the destination address annotation set to the restored address).
 *
 * Input packets need their IP header annotation (CheckIPHeader); packets
 * without one, or whose IP header does not fit, are dropped (or sent to the
 * OUTPUT of a 'pass' input).
 * The reap timer is armed only while mappings exist; while it is, the
 * router does not stop by itself for lack of work (sources with STOP true or
 * a DriverManager stop it, as usual).
 *
 * Keyword arguments are:
 *   TIMEOUT time         mappings unused for this long expire. Default 5
 *                        minutes, as Click documents (Click's code uses 2
 *                        hours).
 *   GUARANTEE time       a mapping used within this time is never evicted
 *                        for a new one. Default 5 seconds.
 *   REAP_INTERVAL time   (REAP_TIME) how often expired mappings are removed.
 *                        Default 15 minutes; 0 never reaps.
 *   MAPPING_CAPACITY n   (CAPACITY) most mappings; default 1048576, allocated
 *                        at initialize (an integer: Click's sharing of
 *                        another element's capacity is not provided). A full
 *                        table evicts the mapping that expires first among
 *                        those not guaranteed, or refuses the new one.
 *
 * Handlers:
 *   table (read)     one line per direction: "OLD => NEW [*F R] iINPUT
 *                    expSECONDS" for the forward direction, then "NEW =>
 *                    OLD [F *R] ..." for the reply direction (Click prints
 *                    the reply line with both addresses 0.0.0.0).
 *   mappings (read)  same as table.
 *   table_size, nmappings, mapping_failures, size, capacity, clear,
 *   patterns, drops  as in IPRewriter.
 *
 * Example:
 *   IPAddrRewriter(pattern 192.0.2.10-192.0.2.20# - 0 1, drop)
 *
 * See also: IPRewriter, CheckIPHeader.
 */
#include <errno.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/ip.h"
#include "rewriter_priv.h"

static const char ipaddrrewriter_doc[] =
	"IPAddrRewriter(INPUTSPEC1, ..., INPUTSPECn [, KEYWORDS])\n"
	"\n"
	"rewrites IP packets' addresses\n"
	"\n"
	"Rewrites the source and/or destination addresses of IP packets, with the\n"
	"IP checksum and, on first fragments, the TCP or UDP checksum (a UDP\n"
	"checksum of 0 stays 0): a Basic NAT, where internal hosts get temporary\n"
	"external addresses. It works for every IP protocol; the number of\n"
	"internal hosts that can be mapped at once is limited by the external\n"
	"addresses available. See IPRewriter for address and port translation.\n"
	"\n"
	"The mapping table is indexed by address. A packet is first looked up by\n"
	"its source address (a forward mapping: the source is rewritten), then by\n"
	"its destination address (a reply mapping: the destination is rewritten\n"
	"back); a packet of a known mapping is rewritten and sent to the mapping's\n"
	"output whatever its input. Otherwise the INPUTSPEC of its input decides:\n"
	"  'drop', 'pass OUTPUT', 'keep FOUTPUT ROUTPUT'  as in IPRewriter.\n"
	"  'pattern SADDR[-SADDR2] - FOUTPUT ROUTPUT'  maps the source address to\n"
	"                      SADDR, or to a free address of the range 'A-B' or\n"
	"                      prefix 'A/N' (chosen at random; append '#' to\n"
	"                      allocate sequentially); '-' keeps it. The\n"
	"                      destination must be '-'. If no address is free the\n"
	"                      packet is dropped (a mapping failure).\n"
	"  'pattern PATNAME FOUTPUT ROUTPUT'  a pattern of an IPRewriterPatterns.\n"
	"Packets from the old source address are rewritten and sent to FOUTPUT;\n"
	"packets to the new address are rewritten back and sent to ROUTPUT (with\n"
	"the destination address annotation set to the restored address).\n"
	"\n"
	"Input packets need their IP header annotation (CheckIPHeader); packets\n"
	"without one, or whose IP header does not fit, are dropped (or sent to the\n"
	"OUTPUT of a 'pass' input).\n"
	"The reap timer is armed only while mappings exist; while it is, the\n"
	"router does not stop by itself for lack of work (sources with STOP true or\n"
	"a DriverManager stop it, as usual).\n"
	"\n"
	"Keyword arguments are:\n"
	"  TIMEOUT time         mappings unused for this long expire. Default 5\n"
	"                       minutes, as Click documents (Click's code uses 2\n"
	"                       hours).\n"
	"  GUARANTEE time       a mapping used within this time is never evicted\n"
	"                       for a new one. Default 5 seconds.\n"
	"  REAP_INTERVAL time   (REAP_TIME) how often expired mappings are removed.\n"
	"                       Default 15 minutes; 0 never reaps.\n"
	"  MAPPING_CAPACITY n   (CAPACITY) most mappings; default 1048576, allocated\n"
	"                       at initialize (an integer: Click's sharing of\n"
	"                       another element's capacity is not provided). A full\n"
	"                       table evicts the mapping that expires first among\n"
	"                       those not guaranteed, or refuses the new one.\n"
	"\n"
	"Handlers:\n"
	"  table (read)     one line per direction: \"OLD => NEW [*F R] iINPUT\n"
	"                   expSECONDS\" for the forward direction, then \"NEW =>\n"
	"                   OLD [F *R] ...\" for the reply direction (Click prints\n"
	"                   the reply line with both addresses 0.0.0.0).\n"
	"  mappings (read)  same as table.\n"
	"  table_size, nmappings, mapping_failures, size, capacity, clear,\n"
	"  patterns, drops  as in IPRewriter.\n"
	"\n"
	"Example:\n"
	"  IPAddrRewriter(pattern 192.0.2.10-192.0.2.20# - 0 1, drop)\n"
	"\n"
	"See also: IPRewriter, CheckIPHeader.\n";

struct ipaddrrewriter {
	struct rw_common rw; /* first: the shared handlers find it at priv */
	int64_t timeout, guarantee, reap_interval, alias_reap;
	uint32_t capacity, alias_capacity;
	bool given_reap, given_capacity;
};

#define F(x) offsetof(struct ipaddrrewriter, x)
static const struct weir_arg ipaddrrewriter_args[] = {
	{ "TIMEOUT", WEIR_ARG_SECONDS, F(timeout), 0, .def = "300" },
	{ "GUARANTEE", WEIR_ARG_SECONDS, F(guarantee), 0, .def = "5" },
	{ "REAP_INTERVAL", WEIR_ARG_SECONDS, F(reap_interval), 0, .def = "900" },
	{ "REAP_TIME", WEIR_ARG_SECONDS, F(alias_reap), WEIR_ARGF_GIVEN,
	  .given_offset = F(given_reap) },
	{ "MAPPING_CAPACITY", WEIR_ARG_UINT, F(capacity), WEIR_ARGF_BOUNDED, .def = "1048576",
	  .min = 1, .max = 1u << 30 },
	{ "CAPACITY", WEIR_ARG_UINT, F(alias_capacity), WEIR_ARGF_GIVEN | WEIR_ARGF_BOUNDED,
	  .given_offset = F(given_capacity), .min = 1, .max = 1u << 30 },
	WEIR_ARG_END
};
#undef F

static int
ipaddrrewriter_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct ipaddrrewriter *w = e->priv;
	if (rw_configure(e, &w->rw, conf, ipaddrrewriter_args, w, true, errh) < 0)
		return -EINVAL;
	if (w->given_reap)
		w->reap_interval = w->alias_reap;
	if (w->given_capacity)
		w->capacity = w->alias_capacity;
	if (w->timeout < 0 || w->timeout / 1000000 > RW_MAX_TIMEOUT_MS)
		return weir_error(errh, "TIMEOUT: must be between 0 and 12 days");
	if (w->guarantee < 0 || w->guarantee / 1000000 > RW_MAX_TIMEOUT_MS)
		return weir_error(errh, "GUARANTEE: must be between 0 and 12 days");
	if (w->reap_interval < 0)
		return weir_error(errh, "REAP_INTERVAL: must not be negative");
	w->rw.capacity = w->capacity;
	w->rw.reap_interval_ns = w->reap_interval;
	return 0;
}

static int
ipaddrrewriter_initialize(struct weir_element *e, struct weir_errh *errh)
{
	struct ipaddrrewriter *w = e->priv;
	if (rw_initialize(e, &w->rw, 1, errh) < 0)
		return -ENOMEM;
	w->rw.table.timeout[0] = (uint32_t)(w->timeout / 1000000);
	w->rw.table.guarantee[0] = (uint32_t)(w->guarantee / 1000000);
	return 0;
}

static void
ipaddrrewriter_cleanup(struct weir_element *e)
{
	struct ipaddrrewriter *w = e->priv;
	rw_cleanup(&w->rw);
}

/* The IP header, or NULL when the annotation is missing or it does not fit. */
static inline struct weir_ip_hdr *
iparw_ip(const struct weir_packet *p)
{
	uint8_t *nh = weir_packet_network_header(p);
	const uint8_t *end = p->data + p->len;
	if (weir_unlikely(!nh || nh < p->data || end - nh < WEIR_IP_HDR_LEN))
		return NULL;
	return (struct weir_ip_hdr *)nh;
}

static inline void
iparw_apply(struct rw_flow *f, unsigned dir, struct weir_packet *p)
{
	struct weir_ip_hdr *ip = (struct weir_ip_hdr *)weir_packet_network_header(p);
	if (!dir) {
		ip->src = f->key[1].daddr;
	} else {
		ip->dst = f->key[0].saddr;
		weir_set_dst_ip_anno(p, ip->dst);
	}
	ip->sum = rw_csum_apply(ip->sum, f->ip_delta, dir);
	if (!weir_ip_is_first_fragment(ip))
		return;
	unsigned hlen = weir_ip_hlen(ip);
	ptrdiff_t tlen = p->data + p->len - ((uint8_t *)ip + hlen);
	if (hlen < WEIR_IP_HDR_LEN)
		return;
	if (ip->p == WEIR_IPPROTO_TCP && tlen >= 18) {
		struct weir_tcp_hdr *th = (struct weir_tcp_hdr *)((uint8_t *)ip + hlen);
		th->sum = rw_csum_apply(th->sum, f->l4_delta, dir);
	} else if (ip->p == WEIR_IPPROTO_UDP && tlen >= 8) {
		struct weir_udp_hdr *uh = (struct weir_udp_hdr *)((uint8_t *)ip + hlen);
		if (uh->sum)
			uh->sum = rw_csum_apply(uh->sum, f->l4_delta, dir);
	}
}

/* Forward mapping of the source, else reply mapping of the destination. */
static inline uint32_t
iparw_lookup(const struct rw_table *t, const struct weir_ip_hdr *ip)
{
	struct rw_key k = { .saddr = ip->src };
	uint32_t ref = rw_table_lookup(t, &k, rw_hash(&k));
	if (ref != RW_NONE)
		return ref;
	struct rw_key r = { .daddr = ip->dst };
	return rw_table_lookup(t, &r, rw_hash(&r));
}

static uint32_t
iparw_new_flow(struct ipaddrrewriter *w, int port, const struct weir_ip_hdr *ip, uint32_t now)
{
	struct rw_input *in = &w->rw.inputs[port];
	struct rw_key k = { .saddr = ip->src }, rk;
	if (in->kind == RW_KEEP) {
		rk = k;
	} else if (in->kind == RW_PATTERN) {
		if (!rw_pattern_apply(&w->rw, in->pat, &k, &rk)) {
			in->failures++;
			return RW_NONE;
		}
	} else {
		return RW_NONE;
	}
	return rw_add_flow(&w->rw, &k, &rk, port, 0, now);
}

static void
ipaddrrewriter_push(struct weir_element *e, int port, struct weir_batch *b)
{
	struct ipaddrrewriter *w = e->priv;
	struct rw_table *t = &w->rw.table;
	const struct rw_input *in = &w->rw.inputs[port];
	uint8_t miss_port = in->kind == RW_PASS ? (uint8_t)in->foutput : WEIR_PORT_DROP;
	uint8_t ports[WEIR_BATCH_MAX];
	uint32_t now = rw_now(&w->rw), j = 0;

	for (uint32_t i = 0; i < b->n; i++) {
		struct weir_packet *p = b->pkts[i];
		const struct weir_ip_hdr *ip = iparw_ip(p);
		uint8_t out = miss_port;
		if (weir_likely(ip != NULL)) {
			uint32_t ref = iparw_lookup(t, ip);
			if (ref == RW_NONE) {
				uint32_t fi = iparw_new_flow(w, port, ip, now);
				if (fi != RW_NONE)
					ref = fi << 1;
			}
			if (ref != RW_NONE) {
				p = weir_packet_uniqueify(p);
				if (weir_unlikely(!p)) {
					w->rw.drops++;
					continue;
				}
				struct rw_flow *f = &t->flows[ref >> 1];
				iparw_apply(f, ref & 1, p);
				f->last = now;
				out = f->output[ref & 1];
			}
		}
		if (out == WEIR_PORT_DROP)
			w->rw.drops++;
		b->pkts[j] = p;
		ports[j++] = out;
	}
	b->n = j;
	weir_output_push_split(e, b, ports);
}

static int
ipaddrrewriter_read_table(struct weir_element *e, const struct weir_handler *h,
			  struct weir_strbuf *out)
{
	struct ipaddrrewriter *w = e->priv;
	const struct rw_table *t = &w->rw.table;
	(void)h;
	if (!t->flows)
		return 0;
	uint32_t now = rw_now(&w->rw);
	for (uint32_t fi = 0; fi < t->fresh; fi++) {
		const struct rw_flow *f = &t->flows[fi];
		if (!(f->flags & RW_F_LIVE))
			continue;
		char old[16], new_[16];
		weir_format_ip4(f->key[0].saddr, old);
		weir_format_ip4(f->key[1].daddr, new_);
		weir_strbuf_printf(out, "%s => %s", old, new_);
		rw_format_ports(out, &w->rw, f, 0, now);
		weir_strbuf_putc(out, '\n');
		if (f->flags & RW_F_SINGLE)
			continue;
		weir_strbuf_printf(out, "%s => %s", new_, old);
		rw_format_ports(out, &w->rw, f, 1, now);
		weir_strbuf_putc(out, '\n');
	}
	return 0;
}

static const struct weir_handler ipaddrrewriter_handlers[] = {
	{ .name = "table", .read = ipaddrrewriter_read_table },
	{ .name = "mappings", .read = ipaddrrewriter_read_table },
	RW_COMMON_HANDLERS,
	WEIR_HANDLER_END
};

static const struct weir_element_class ipaddrrewriter_class = {
	.name = "IPAddrRewriter",
	.port_count = "1-/1-",
	.processing = "h/h",
	.priv_size = sizeof(struct ipaddrrewriter),
	.flags = WEIR_CLASS_THREAD_UNSAFE,
	.configure_phase = WEIR_CONFIGURE_PHASE_DEFAULT, /* after IPRewriterPatterns */
	.configure = ipaddrrewriter_configure,
	.initialize = ipaddrrewriter_initialize,
	.cleanup = ipaddrrewriter_cleanup,
	.push = ipaddrrewriter_push,
	.handlers = ipaddrrewriter_handlers,
	.doc = ipaddrrewriter_doc,
};
WEIR_ELEMENT_REGISTER(ipaddrrewriter_class)
