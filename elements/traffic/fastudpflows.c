/* fastudpflows.c - FastUDPFlows: a benchmark source of many UDP flows built from prebuilt packets. */
/*
 * FastUDPFlows(RATE, LIMIT, LENGTH, SRCETH, SRCIP, DSTETH, DSTIP, FLOWS,
 *              FLOWSIZE [, KEYWORDS])
 *
 * creates packets flows with static UDP/IP/Ethernet headers
 *
 * FastUDPFlows is a benchmark tool. At initialization time, FastUDPFlows
 * creates FLOWS number of UDP/IP packets of length LENGTH (min 60), with
 * source ethernet address SRCETH, source IP address SRCIP, destination
 * ethernet address DSTETH, and destination IP address DSTIP. Source and
 * destination ports are randomly generated. The UDP checksum is calculated
 * if CHECKSUM is true; it is true by default. Each time the FastUDPFlows
 * element is called, it selects a flow and emits a clone of that flow's
 * packet (a copy with DUPLICATE true). Therefore, the packet returned by
 * FastUDPFlows should not be modified in place (elements that write
 * uniqueify it first).
 *
 * FastUDPFlows sends packets at RATE packets per second (RATE 0: as fast as
 * it can). It will send LIMIT number of packets in total (LIMIT negative: no
 * limit). Each flow is limited to FLOWSIZE number of packets. After FLOWSIZE
 * number of packets are sent, the source and destination ports of that flow
 * are changed (randomly, or incremented with SEQUENTIAL) and the UDP
 * checksum updated.
 *
 * After FastUDPFlows has sent LIMIT packets, it will calculate the average
 * send rate (packets per second) between the first and last packets sent
 * and make that available in the rate handler.
 *
 * By default FastUDPFlows is ACTIVE. The output may be push or pull. When
 * pushed, a task sends up to 32 packets per run; with a RATE, the rate is
 * Click's gap rate and the task sleeps on a timer until the next packet is
 * due (it never spins on the clock). When pulled, a pull returns the packets
 * due at that moment.
 *
 * Packets are IPv4 with TTL 250, IP ID 0, no fragment bits; the payload is
 * zeroes. The destination IP annotation is DSTIP, and the Ethernet, IP and
 * UDP header annotations are set.
 *
 * Keyword arguments are:
 *   CHECKSUM    Boolean. Compute the UDP checksum. Default true.
 *   ACTIVE      Boolean. Send packets? Default true.
 *   STOP        Boolean. Stop the driver after LIMIT packets. Default false.
 *   FLOWBURST   Integer. Packets sent from one flow before another is chosen.
 *               Default 1.
 *   SEQUENTIAL  Boolean. Choose flows round robin (and increment ports)
 *               instead of at random. Default false.
 *   DUPLICATE   Boolean. Emit copies instead of clones. Default false.
 *
 * Handlers:
 *   count (read-only)    the total number of packets that have been generated
 *   rate (read/write)    reads the average send rate measured over LIMIT
 *                        packets (0 until LIMIT is reached); writes set RATE
 *   reset (write-only)   reset the count and restart
 *   active (read/write)  change ACTIVE (activating also resets the count)
 *   limit (read/write)   the LIMIT (4294967295 means none, as in Click)
 *   length (read/write)  the LENGTH; writing rebuilds the flows' packets
 *   stop (read/write)    the STOP parameter
 *   srceth, dsteth (write-only)  change the Ethernet addresses
 *
 * Example:
 *   FastUDPFlows(100000, 500000, 60,
 *                0:0:0:0:0:0, 1.0.0.1,
 *                1:1:1:1:1:1, 2.0.0.2,
 *                100, 10)
 *     -> ToDump(flows.pcap);
 *
 * See also: RatedSource, InfiniteSource.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/ip.h"
#include "weir/router.h"
#include "weir/task.h"
#include "traffic_priv.h"

static const char fastudpflows_doc[] =
	"FastUDPFlows(RATE, LIMIT, LENGTH, SRCETH, SRCIP, DSTETH, DSTIP, FLOWS,\n"
	"             FLOWSIZE [, KEYWORDS])\n"
	"\n"
	"creates packets flows with static UDP/IP/Ethernet headers\n"
	"\n"
	"FastUDPFlows is a benchmark tool. At initialization time, FastUDPFlows\n"
	"creates FLOWS number of UDP/IP packets of length LENGTH (min 60), with\n"
	"source ethernet address SRCETH, source IP address SRCIP, destination\n"
	"ethernet address DSTETH, and destination IP address DSTIP. Source and\n"
	"destination ports are randomly generated. The UDP checksum is calculated\n"
	"if CHECKSUM is true; it is true by default. Each time the FastUDPFlows\n"
	"element is called, it selects a flow and emits a clone of that flow's\n"
	"packet (a copy with DUPLICATE true). Therefore, the packet returned by\n"
	"FastUDPFlows should not be modified in place (elements that write\n"
	"uniqueify it first).\n"
	"\n"
	"FastUDPFlows sends packets at RATE packets per second (RATE 0: as fast as\n"
	"it can). It will send LIMIT number of packets in total (LIMIT negative: no\n"
	"limit). Each flow is limited to FLOWSIZE number of packets. After FLOWSIZE\n"
	"number of packets are sent, the source and destination ports of that flow\n"
	"are changed (randomly, or incremented with SEQUENTIAL) and the UDP\n"
	"checksum updated.\n"
	"\n"
	"After FastUDPFlows has sent LIMIT packets, it will calculate the average\n"
	"send rate (packets per second) between the first and last packets sent\n"
	"and make that available in the rate handler.\n"
	"\n"
	"By default FastUDPFlows is ACTIVE. The output may be push or pull. When\n"
	"pushed, a task sends up to 32 packets per run; with a RATE, the rate is\n"
	"Click's gap rate and the task sleeps on a timer until the next packet is\n"
	"due (it never spins on the clock). When pulled, a pull returns the packets\n"
	"due at that moment.\n"
	"\n"
	"Packets are IPv4 with TTL 250, IP ID 0, no fragment bits; the payload is\n"
	"zeroes. The destination IP annotation is DSTIP, and the Ethernet, IP and\n"
	"UDP header annotations are set.\n"
	"\n"
	"Keyword arguments are:\n"
	"  CHECKSUM    Boolean. Compute the UDP checksum. Default true.\n"
	"  ACTIVE      Boolean. Send packets? Default true.\n"
	"  STOP        Boolean. Stop the driver after LIMIT packets. Default false.\n"
	"  FLOWBURST   Integer. Packets sent from one flow before another is chosen.\n"
	"              Default 1.\n"
	"  SEQUENTIAL  Boolean. Choose flows round robin (and increment ports)\n"
	"              instead of at random. Default false.\n"
	"  DUPLICATE   Boolean. Emit copies instead of clones. Default false.\n"
	"\n"
	"Handlers:\n"
	"  count (read-only)    the total number of packets that have been generated\n"
	"  rate (read/write)    reads the average send rate measured over LIMIT\n"
	"                       packets (0 until LIMIT is reached); writes set RATE\n"
	"  reset (write-only)   reset the count and restart\n"
	"  active (read/write)  change ACTIVE (activating also resets the count)\n"
	"  limit (read/write)   the LIMIT (4294967295 means none, as in Click)\n"
	"  length (read/write)  the LENGTH; writing rebuilds the flows' packets\n"
	"  stop (read/write)    the STOP parameter\n"
	"  srceth, dsteth (write-only)  change the Ethernet addresses\n"
	"\n"
	"Example:\n"
	"  FastUDPFlows(100000, 500000, 60,\n"
	"               0:0:0:0:0:0, 1.0.0.1,\n"
	"               1:1:1:1:1:1, 2.0.0.2,\n"
	"               100, 10)\n"
	"    -> ToDump(flows.pcap);\n"
	"\n"
	"See also: RatedSource, InfiniteSource.\n";

#define FUF_NO_LIMIT 0xFFFFFFFFu /* Click's NO_LIMIT */
#define FUF_MIN_LENGTH 60
#define FUF_HDR_LEN (WEIR_ETHER_HDR_LEN + WEIR_IP_HDR_LEN + 8)
#define FUF_PUSH_BURST 32 /* packets per task run, as FastClick */
#define FUF_MAX_FLOWS (1u << 24)

struct fuf_flow {
	struct weir_packet *pkt; /* the flow's packet; clones share its data */
	uint32_t count;          /* packets sent since its ports changed */
};

struct fastudpflows {
	/* configuration */
	uint32_t rate;
	int32_t limit_arg;
	uint32_t length;
	uint8_t srceth[6], dsteth[6];
	uint32_t srcip, dstip;
	uint32_t nflows;
	uint32_t flowsize;
	uint32_t flowburst;
	bool cksum, active, stop, sequential, duplicate;
	/* state */
	struct fuf_flow *flows;
	uint32_t limit;      /* FUF_NO_LIMIT: none */
	uint64_t count;
	int64_t first_ns, last_ns;
	uint32_t cur;        /* flow being sent */
	uint32_t burst_left; /* packets left in cur's burst */
	uint64_t rng;
	struct tr_gaprate gr;
	bool stop_sent;
	bool ready;
	bool pull_mode;
	struct weir_task task;
	struct weir_timer timer;
	struct weir_packet *srcs[WEIR_BATCH_MAX];
};

static const struct weir_arg fuf_args[] = {
	{ "RATE", WEIR_ARG_UINT, offsetof(struct fastudpflows, rate),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "packets per second (0: no limit)" },
	{ "LIMIT", WEIR_ARG_INT, offsetof(struct fastudpflows, limit_arg),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "total packets (< 0: no limit)" },
	{ "LENGTH", WEIR_ARG_UINT, offsetof(struct fastudpflows, length),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "packet length (at least 60)" },
	{ "SRCETH", WEIR_ARG_ETHER, offsetof(struct fastudpflows, srceth),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "source Ethernet address" },
	{ "SRCIP", WEIR_ARG_IP4, offsetof(struct fastudpflows, srcip),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "source IP address" },
	{ "DSTETH", WEIR_ARG_ETHER, offsetof(struct fastudpflows, dsteth),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "destination Ethernet address" },
	{ "DSTIP", WEIR_ARG_IP4, offsetof(struct fastudpflows, dstip),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "destination IP address" },
	{ "FLOWS", WEIR_ARG_UINT, offsetof(struct fastudpflows, nflows),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "number of flows" },
	{ "FLOWSIZE", WEIR_ARG_UINT, offsetof(struct fastudpflows, flowsize),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "packets per flow before new ports" },
	{ "CHECKSUM", WEIR_ARG_BOOL, offsetof(struct fastudpflows, cksum), WEIR_ARGF_POSITIONAL,
	  .def = "true", .help = "compute the UDP checksum" },
	{ "ACTIVE", WEIR_ARG_BOOL, offsetof(struct fastudpflows, active), WEIR_ARGF_POSITIONAL,
	  .def = "true", .help = "send packets?" },
	{ "STOP", WEIR_ARG_BOOL, offsetof(struct fastudpflows, stop), 0, .def = "false",
	  .help = "stop the driver after LIMIT packets" },
	{ "FLOWBURST", WEIR_ARG_UINT, offsetof(struct fastudpflows, flowburst), 0, .def = "1",
	  .help = "packets from one flow in a row" },
	{ "SEQUENTIAL", WEIR_ARG_BOOL, offsetof(struct fastudpflows, sequential), 0,
	  .def = "false", .help = "round-robin flows and incrementing ports" },
	{ "DUPLICATE", WEIR_ARG_BOOL, offsetof(struct fastudpflows, duplicate), 0,
	  .def = "false", .help = "emit copies instead of clones" },
	WEIR_ARG_END
};

/* ---- flow packets ----------------------------------------------------------- */

static inline struct weir_ip_hdr *
fuf_ip(struct weir_packet *p)
{
	return (struct weir_ip_hdr *)(p->data + WEIR_ETHER_HDR_LEN);
}

static inline struct weir_udp_hdr *
fuf_udp(struct weir_packet *p)
{
	return (struct weir_udp_hdr *)(p->data + WEIR_ETHER_HDR_LEN + WEIR_IP_HDR_LEN);
}

static uint16_t
fuf_random_port(struct fastudpflows *s)
{
	return (uint16_t)((tr_random(&s->rng) >> 2) % 0xFFFF);
}

/* Set the UDP ports (host order) and the checksum. */
static void
fuf_set_ports(struct fastudpflows *s, struct weir_packet *p, uint16_t sport, uint16_t dport)
{
	struct weir_udp_hdr *udp = fuf_udp(p);
	uint16_t ulen = (uint16_t)(p->len - WEIR_ETHER_HDR_LEN - WEIR_IP_HDR_LEN);
	udp->sport = htons(sport);
	udp->dport = htons(dport);
	udp->sum = 0;
	if (s->cksum) {
		uint16_t sum = weir_l4_cksum(s->srcip, s->dstip, WEIR_IPPROTO_UDP, udp, ulen);
		udp->sum = sum ? sum : 0xFFFF; /* 0 means "no checksum" in UDP */
	}
}

/* A new flow packet with these ports; NULL when out of memory. */
static struct weir_packet *
fuf_make(struct fastudpflows *s, uint16_t sport, uint16_t dport)
{
	uint32_t len = s->length;
	struct weir_packet *p = weir_packet_make(WEIR_DEFAULT_HEADROOM, NULL, len, 0);
	if (!p)
		return NULL;
	memset(p->data, 0, len);
	struct weir_ether_hdr *eh = (struct weir_ether_hdr *)p->data;
	memcpy(eh->dst, s->dsteth, 6);
	memcpy(eh->src, s->srceth, 6);
	eh->type = htons(WEIR_ETHERTYPE_IP);
	struct weir_ip_hdr *ip = fuf_ip(p);
	ip->vihl = 0x45;
	ip->len = htons((uint16_t)(len - WEIR_ETHER_HDR_LEN));
	ip->ttl = 250;
	ip->p = WEIR_IPPROTO_UDP;
	ip->src = s->srcip;
	ip->dst = s->dstip;
	weir_ip_set_cksum(ip, WEIR_IP_HDR_LEN);
	struct weir_udp_hdr *udp = fuf_udp(p);
	udp->len = htons((uint16_t)(len - WEIR_ETHER_HDR_LEN - WEIR_IP_HDR_LEN));
	fuf_set_ports(s, p, sport, dport);
	weir_packet_set_mac_header(p, p->data);
	weir_packet_set_network_header(p, (uint8_t *)ip);
	weir_packet_set_transport_header(p, (uint8_t *)udp);
	weir_set_dst_ip_anno(p, s->dstip);
	return p;
}

/* A private copy of a flow packet, header annotations included. */
static struct weir_packet *
fuf_copy(const struct weir_packet *t)
{
	struct weir_packet *q = weir_packet_make(weir_packet_headroom(t), t->data, t->len, 0);
	if (!q)
		return NULL;
	weir_packet_copy_annotations(q, t);
	/* same headroom, so the offsets from buf are the same */
	q->mac_off = t->mac_off;
	q->net_off = t->net_off;
	q->transport_off = t->transport_off;
	return q;
}

/* Give flow f new ports (FLOWSIZE reached). Clones still hold the old
 * packet: then the flow gets a copy. Out of memory: keeps the old ports. */
static void
fuf_change_ports(struct fastudpflows *s, struct fuf_flow *f)
{
	struct weir_packet *t = f->pkt;
	if (weir_packet_shared(t)) {
		struct weir_packet *q = fuf_copy(t);
		if (!q)
			return;
		weir_packet_kill(t);
		f->pkt = t = q;
	}
	uint16_t sport, dport;
	if (s->sequential) {
		const struct weir_udp_hdr *udp = fuf_udp(t);
		sport = (uint16_t)((ntohs(udp->sport) + 1u) % 0xFFFF);
		dport = (uint16_t)((ntohs(udp->dport) + 1u) % 0xFFFF);
	} else {
		sport = fuf_random_port(s);
		dport = fuf_random_port(s);
	}
	fuf_set_ports(s, t, sport, dport);
}

static void
fuf_free_flows(struct fastudpflows *s)
{
	if (!s->flows)
		return;
	for (uint32_t i = 0; i < s->nflows; i++)
		if (s->flows[i].pkt)
			weir_packet_kill(s->flows[i].pkt);
	free(s->flows);
	s->flows = NULL;
}

/* Build every flow's packet, keeping the ports of `old` flows when given. */
static int
fuf_build_flows(struct fastudpflows *s, const struct fuf_flow *old)
{
	struct fuf_flow *flows = calloc(s->nflows, sizeof(*flows));
	if (!flows)
		return -ENOMEM;
	for (uint32_t i = 0; i < s->nflows; i++) {
		uint16_t sport, dport;
		if (old) {
			const struct weir_udp_hdr *udp = fuf_udp(old[i].pkt);
			sport = ntohs(udp->sport);
			dport = ntohs(udp->dport);
			flows[i].count = old[i].count;
		} else {
			sport = fuf_random_port(s);
			dport = fuf_random_port(s);
		}
		flows[i].pkt = fuf_make(s, sport, dport);
		if (!flows[i].pkt) {
			struct fastudpflows tmp = { .flows = flows, .nflows = i };
			fuf_free_flows(&tmp);
			return -ENOMEM;
		}
	}
	fuf_free_flows(s);
	s->flows = flows;
	return 0;
}

/* ---- generating -------------------------------------------------------------- */

static inline uint64_t
fuf_remaining(const struct fastudpflows *s)
{
	if (s->limit == FUF_NO_LIMIT)
		return UINT64_MAX;
	return s->count >= s->limit ? 0 : s->limit - s->count;
}

static inline struct fuf_flow *
fuf_pick(struct fastudpflows *s)
{
	if (!s->burst_left) {
		if (s->sequential)
			s->cur = s->cur + 1 >= s->nflows ? 0 : s->cur + 1;
		else
			s->cur = (tr_random(&s->rng) >> 2) % s->nflows;
		s->burst_left = s->flowburst ? s->flowburst : 1;
	}
	s->burst_left--;
	return &s->flows[s->cur];
}

/* Turn srcs[from, to) into packets at b->pkts[from..]; returns how many
 * packets b now holds (less than `to` when out of memory). */
static uint32_t
fuf_emit(struct fastudpflows *s, struct weir_batch *b, uint32_t from, uint32_t to)
{
	uint32_t n = to - from, i;
	if (!n)
		return to;
	if (!s->duplicate && weir_packet_clone_bulk(s->srcs + from, b->pkts + from, n) == n)
		return to;
	for (i = from; i < to; i++) {
		struct weir_packet *p =
			s->duplicate ? fuf_copy(s->srcs[i]) : weir_packet_clone(s->srcs[i]);
		if (!p)
			break;
		b->pkts[i] = p;
	}
	return i;
}

/* Fill b with n (<= WEIR_BATCH_MAX) packets; returns how many it made. */
static uint32_t
fuf_fill(struct fastudpflows *s, struct weir_batch *b, uint32_t n)
{
	uint32_t start = 0, i;
	for (i = 0; i < n; i++) {
		struct fuf_flow *f = fuf_pick(s);
		if (f->count >= s->flowsize) {
			/* packets before i may use this flow's packet: emit them first */
			uint32_t done = fuf_emit(s, b, start, i);
			if (done < i) {
				b->n = done; /* out of memory */
				return done;
			}
			start = i;
			fuf_change_ports(s, f);
			f->count = 0;
		}
		f->count++;
		s->srcs[i] = f->pkt;
	}
	b->n = fuf_emit(s, b, start, i);
	return b->n;
}

/* Account for n packets sent: first/last times, STOP at LIMIT. */
static void
fuf_sent(struct weir_element *e, struct fastudpflows *s, uint32_t n)
{
	if (!n)
		return;
	int64_t now = weir_time_ns();
	if (s->count == 0)
		s->first_ns = now;
	s->count += n;
	if (!fuf_remaining(s)) {
		s->last_ns = now;
		if (s->stop && !s->stop_sent) {
			s->stop_sent = true;
			weir_router_please_stop(e->router);
		}
	}
}

/* How many packets may leave now, at most max. */
static uint32_t
fuf_due(struct fastudpflows *s, uint32_t max)
{
	uint64_t n = WEIR_MIN((uint64_t)max, fuf_remaining(s));
	if (s->rate && n) {
		int64_t allowed = tr_gaprate_allowed(&s->gr, weir_time_ns());
		n = allowed <= 0 ? 0 : WEIR_MIN(n, (uint64_t)allowed);
	}
	return (uint32_t)n;
}

static bool
fuf_run(struct weir_task *t, void *arg)
{
	struct weir_element *e = arg;
	struct fastudpflows *s = e->priv;
	if (!s->active || !fuf_remaining(s) || !s->flows) {
		weir_task_unschedule(t);
		return false;
	}
	uint32_t n = fuf_due(s, FUF_PUSH_BURST);
	if (!n) {
		/* not due yet: sleep until the gap rate allows one */
		weir_task_unschedule(t);
		weir_timer_schedule_at(&s->timer, tr_gaprate_expiry(&s->gr));
		return false;
	}
	struct weir_batch b;
	uint32_t got = fuf_fill(s, &b, n);
	if (s->rate)
		tr_gaprate_update(&s->gr, got);
	fuf_sent(e, s, got);
	weir_output_push(e, 0, &b);
	return got > 0;
}

static void
fuf_timer_fire(struct weir_timer *t, void *arg)
{
	struct fastudpflows *s = arg;
	(void)t;
	weir_task_schedule(&s->task);
}

static uint32_t
fuf_pull(struct weir_element *e, int port, struct weir_batch *b, uint32_t max)
{
	struct fastudpflows *s = e->priv;
	(void)port;
	if (!s->active || !fuf_remaining(s) || !s->flows)
		return 0;
	uint32_t n = fuf_due(s, WEIR_MIN(max, WEIR_BATCH_MAX));
	if (!n)
		return 0;
	uint32_t got = fuf_fill(s, b, n);
	if (s->rate)
		tr_gaprate_update(&s->gr, got);
	fuf_sent(e, s, got);
	return got;
}

/* After a handler changed something: resume sending if there is work. */
static void
fuf_kick(struct fastudpflows *s)
{
	if (!s->ready || s->pull_mode || !s->active || !fuf_remaining(s))
		return;
	weir_timer_unschedule(&s->timer);
	weir_task_schedule(&s->task);
}

/* ---- life ---------------------------------------------------------------------- */

static int
fuf_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct fastudpflows *s = e->priv;
	(void)conf;
	if (s->length < FUF_MIN_LENGTH) {
		weir_warning(errh, "packet length < %d, defaulting to %d", FUF_MIN_LENGTH,
			     FUF_MIN_LENGTH);
		s->length = FUF_MIN_LENGTH;
	}
	size_t max = WEIR_MIN(weir_packet_max_len(), (size_t)0xFFFF + WEIR_ETHER_HDR_LEN);
	if (s->length > max)
		return weir_error(errh, "LENGTH %u too large (at most %zu)", s->length, max);
	if (s->nflows == 0)
		return weir_error(errh, "FLOWS must be at least 1");
	if (s->nflows > FUF_MAX_FLOWS)
		return weir_error(errh, "FLOWS %u too large (at most %u)", s->nflows, FUF_MAX_FLOWS);
	if (s->flowburst == 0)
		return weir_error(errh, "FLOWBURST must be at least 1");
	s->limit = s->limit_arg >= 0 ? (uint32_t)s->limit_arg : FUF_NO_LIMIT;
	tr_gaprate_set_rate(&s->gr, s->rate);
	return 0;
}

static int
fuf_initialize(struct weir_element *e, struct weir_errh *errh)
{
	struct fastudpflows *s = e->priv;
	s->rng = tr_random_seed(s);
	if (fuf_build_flows(s, NULL) < 0)
		return weir_error(errh, "could not make the flows' packets, out of memory?");
	s->cur = s->nflows - 1; /* SEQUENTIAL starts at flow 0 */
	s->count = 0;
	s->pull_mode = !weir_output_is_push(e, 0);
	weir_task_init(&s->task, e, fuf_run, e);
	weir_timer_init(&s->timer, e, fuf_timer_fire, s);
	s->ready = true;
	if (!s->pull_mode && s->active)
		weir_task_schedule(&s->task);
	return 0;
}

static void
fuf_cleanup(struct weir_element *e)
{
	struct fastudpflows *s = e->priv;
	if (s->ready) {
		weir_task_unschedule(&s->task);
		weir_timer_unschedule(&s->timer);
	}
	fuf_free_flows(s);
}

/* ---- handlers -------------------------------------------------------------------- */

enum { H_COUNT, H_RATE, H_RESET, H_ACTIVE, H_LIMIT, H_LENGTH, H_STOP, H_SRCETH, H_DSTETH };

static void
fuf_reset(struct fastudpflows *s)
{
	s->count = 0;
	s->first_ns = s->last_ns = 0;
	s->stop_sent = false;
}

static int
fuf_read(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	struct fastudpflows *s = e->priv;
	switch (h->arg) {
	case H_COUNT:
		weir_strbuf_printf(out, "%" PRIu64, s->count);
		return 0;
	case H_RATE: {
		if (!s->last_ns) {
			weir_strbuf_puts(out, "0");
			return 0;
		}
		/* Click measures in jiffies (ms): at least one */
		int64_t d = WEIR_MAX(s->last_ns - s->first_ns, (int64_t)1000000);
		uint64_t r = (uint64_t)((unsigned __int128)s->count * TR_NS_PER_SEC / (uint64_t)d);
		weir_strbuf_printf(out, "%" PRIu64, r);
		return 0;
	}
	case H_ACTIVE:
		weir_strbuf_puts(out, s->active ? "true" : "false");
		return 0;
	case H_LIMIT:
		weir_strbuf_printf(out, "%" PRIu32, s->limit);
		return 0;
	case H_LENGTH:
		weir_strbuf_printf(out, "%" PRIu32, s->length);
		return 0;
	case H_STOP:
		weir_strbuf_puts(out, s->stop ? "true" : "false");
		return 0;
	default:
		return -EINVAL;
	}
}

/* New length or addresses: rebuild the flows' packets, keeping their ports. */
static int
fuf_rebuild(struct fastudpflows *s, struct weir_errh *errh)
{
	if (!s->flows)
		return 0;
	if (fuf_build_flows(s, s->flows) < 0)
		return weir_error(errh, "out of memory");
	return 0;
}

static int
fuf_write_length(struct fastudpflows *s, const char *value, struct weir_errh *errh)
{
	uint32_t len, old = s->length;
	if (weir_parse_uint(value, &len) < 0)
		return weir_error(errh, "length parameter must be integer");
	if (len < FUF_MIN_LENGTH)
		len = FUF_MIN_LENGTH;
	if (len > WEIR_MIN(weir_packet_max_len(), (size_t)0xFFFF + WEIR_ETHER_HDR_LEN))
		return weir_error(errh, "length %u too large", len);
	s->length = len;
	if (len != old && fuf_rebuild(s, errh) < 0) {
		s->length = old;
		return -ENOMEM;
	}
	return 0;
}

static int
fuf_write_eth(struct fastudpflows *s, const char *value, uint8_t *field,
	      struct weir_errh *errh)
{
	uint8_t ea[6], old[6];
	if (weir_parse_ether(value, ea) < 0)
		return weir_error(errh, "expected Ethernet address, got '%s'", value);
	memcpy(old, field, 6);
	memcpy(field, ea, 6);
	if (fuf_rebuild(s, errh) < 0) {
		memcpy(field, old, 6);
		return -ENOMEM;
	}
	return 0;
}

static int
fuf_write(struct weir_element *e, const char *value, const struct weir_handler *h,
	  struct weir_errh *errh)
{
	struct fastudpflows *s = e->priv;
	int32_t i;
	uint32_t u;
	bool bv;
	int rc = 0;
	switch (h->arg) {
	case H_RATE:
		if (weir_parse_uint(value, &u) < 0)
			return weir_error(errh, "rate parameter must be integer >= 0");
		s->rate = u;
		tr_gaprate_set_rate(&s->gr, u);
		break;
	case H_RESET:
		fuf_reset(s);
		break;
	case H_ACTIVE:
		if (weir_parse_bool(value, &bv) < 0)
			return weir_error(errh, "active parameter must be boolean");
		s->active = bv;
		if (bv)
			fuf_reset(s);
		break;
	case H_LIMIT:
		if (weir_parse_int(value, &i) < 0)
			return weir_error(errh, "limit parameter must be integer");
		s->limit = i >= 0 ? (uint32_t)i : FUF_NO_LIMIT;
		s->stop_sent = false;
		break;
	case H_LENGTH:
		rc = fuf_write_length(s, value, errh);
		break;
	case H_STOP:
		if (weir_parse_bool(value, &bv) < 0)
			return weir_error(errh, "stop parameter must be boolean");
		s->stop = bv;
		break;
	case H_SRCETH:
		rc = fuf_write_eth(s, value, s->srceth, errh);
		break;
	case H_DSTETH:
		rc = fuf_write_eth(s, value, s->dsteth, errh);
		break;
	default:
		return -EINVAL;
	}
	if (rc == 0)
		fuf_kick(s);
	return rc;
}

static const struct weir_handler fuf_handlers[] = {
	{ .name = "count", .read = fuf_read, .arg = H_COUNT },
	{ .name = "rate", .read = fuf_read, .write = fuf_write, .arg = H_RATE },
	{ .name = "reset", .write = fuf_write, .arg = H_RESET },
	{ .name = "active", .read = fuf_read, .write = fuf_write, .arg = H_ACTIVE },
	{ .name = "limit", .read = fuf_read, .write = fuf_write, .arg = H_LIMIT },
	{ .name = "length", .read = fuf_read, .write = fuf_write, .arg = H_LENGTH },
	{ .name = "stop", .read = fuf_read, .write = fuf_write, .arg = H_STOP },
	{ .name = "srceth", .write = fuf_write, .arg = H_SRCETH },
	{ .name = "dsteth", .write = fuf_write, .arg = H_DSTETH },
	WEIR_HANDLER_END
};

static const struct weir_element_class fastudpflows_class = {
	.name = "FastUDPFlows",
	.port_count = "0/1",
	.processing = "a/a",
	.priv_size = sizeof(struct fastudpflows),
	.flags = WEIR_CLASS_THREAD_UNSAFE, /* rate state in priv */
	.args = fuf_args,
	.configure = fuf_configure,
	.initialize = fuf_initialize,
	.cleanup = fuf_cleanup,
	.pull = fuf_pull,
	.handlers = fuf_handlers,
	.doc = fastudpflows_doc,
};
WEIR_ELEMENT_REGISTER(fastudpflows_class)
