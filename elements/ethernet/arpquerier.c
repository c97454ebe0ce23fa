/* arpquerier.c - ARPQuerier: resolves next hops with ARP, encapsulates IP packets in Ethernet. */
/*
 * =c
 * ARPQuerier(IP, ETH, KEYWORDS)
 *
 * =s arp
 * encapsulates IP packets in Ethernet headers found via ARP
 *
 * =d
 * Handles most of the ARP protocol. Argument IP should be this host's IP
 * address (an IP/LEN prefix also sets the default BROADCAST), and ETH this
 * host's Ethernet address. (Click's one-argument AddressInfo form is not
 * supported.)
 *
 * Packets arriving on input 0 should be IP packets, and must have their
 * destination address annotations set. If an Ethernet address is already
 * known for the destination, the IP packet is wrapped in an Ethernet header
 * and sent to output 0. Otherwise the IP packet is saved and an ARP query is
 * sent instead. If an ARP response arrives on input 1 for an IP address that
 * we need, the mapping is recorded and any saved IP packets are sent.
 *
 * The ARP reply packets on input 1 should include the Ethernet header. A
 * reply is used when it is at least 42 bytes long, its Ethernet type is ARP,
 * its hardware type Ethernet, its protocol IPv4, its operation REPLY and its
 * sender hardware address not a group address; as in Click, hln and pln are
 * not checked (addresses are read at the fixed Ethernet/IPv4 offsets). Every
 * packet on input 1 is consumed.
 *
 * ARPQuerier may have one or two outputs. If it has two, then ARP queries
 * are sent to the second output. Within one batch, the queries it caused
 * are pushed before the IP packets (as FastClick does in batch mode).
 *
 * ARPQuerier implements special behavior for 0.0.0.0, 255.255.255.255,
 * multicast addresses, and the BROADCAST address. Packets addressed to
 * 0.0.0.0 are dropped (with a one-time warning). Packets for broadcast
 * addresses are forwarded with destination Ethernet address
 * FF-FF-FF-FF-FF-FF. Multicast IP addresses are forwarded to 01-00-5E-xx-yy-zz,
 * where xx-yy-zz are the lower 23 bits of the multicast IP address.
 *
 * Queries: at most 10 a second for any IP address (while packets keep
 * arriving for it), and one every 2 seconds after 10 unanswered ones. A
 * known entry older than POLL_TIMEOUT is renewed by a poll sent when a
 * packet uses it (unicast to the known address unless BROADCAST_POLL). As in
 * Click, queries are sent when packets arrive: by default a saved packet
 * waits for a reply, for capacity pressure, or for its entry to expire (the
 * table's expiry timer runs every TIMEOUT + 1 s). With RETRANSMIT (a weir
 * addition), a timer also re-sends queries for addresses that have saved
 * packets, within the same rate limits, until they are answered or their
 * packets dropped; it is armed only while packets are saved. Queries carry
 * the VLAN TCI and timestamp annotations of the packet that caused them.
 *
 * Keywords:
 *   TABLE                 element; an ARPTable holding this element's ARP
 *                         state. If given, CAPACITY, ENTRY_CAPACITY,
 *                         ENTRY_PACKET_CAPACITY, CAPACITY_SLIM_FACTOR and
 *                         TIMEOUT are ignored.
 *   CAPACITY              unsigned; the maximum number of saved IP packets.
 *                         Default 2048; 0 means unlimited.
 *   ENTRY_CAPACITY        unsigned; the maximum number of ARP entries.
 *                         Default 0 (unlimited; see ARPTable for weir's
 *                         preallocated bound).
 *   ENTRY_PACKET_CAPACITY unsigned; the maximum number of saved packets per
 *                         entry. Default 0 (unlimited).
 *   CAPACITY_SLIM_FACTOR  unsigned; see ARPTable. Default 2.
 *   TIMEOUT               time; ARP entries expire this long after the last
 *                         reply. Default 5 minutes; 0 means never.
 *   POLL_TIMEOUT          time; after this long, a used entry is polled for
 *                         renewal. Default 1 minute; 0 means don't poll.
 *   BROADCAST             IP address; the local broadcast address. Default:
 *                         the broadcast address of IP's prefix, or
 *                         255.255.255.255 when IP is a bare address.
 *   BROADCAST_POLL        Boolean; send renewal polls to the broadcast
 *                         address. Default false.
 *   RETRANSMIT            time; how often to look for unanswered queries to
 *                         re-send (weir addition). Default 0: never, as Click.
 *
 * =h ipaddr read/write
 * This host's IP address (0.0.0.0 drops every IP packet).
 * =h broadcast read/write
 * The IP broadcast address.
 * =h table read-only
 * The ARP table (see ARPTable).
 * =h stats read-only
 * "N packets killed" (own and table drops) and "N ARP queries sent".
 * =h queries read-only
 * ARP queries sent.
 * =h responses read-only
 * ARP responses received (packets of at least 42 bytes on input 1).
 * =h drops read-only
 * IP packets dropped by the querier itself (no IP address, 0.0.0.0
 * destination, no headroom); the table's drops are in stats.
 * =h count read-only
 * Entries in the ARP table.
 * =h length read-only
 * Packets saved in the ARP table.
 * =h insert write-only
 * Adds an entry: "IP ETH".
 * =h delete write-only
 * Invalidates an entry: "IP".
 * =h clear write-only
 * Clears the table and the queries, responses and drops counters.
 *
 * =e
 *   c :: Classifier(12/0806 20/0002, 12/0800, ...);
 *   a :: ARPQuerier(18.26.4.24, 00:00:C0:AE:67:EF);
 *   c[0] -> [1]a;
 *   c[1] -> ... -> [0]a;
 *   a[0] -> ... -> ToDevice(eth0);
 *
 * =a ARPResponder, ARPTable, ARPPrint
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/ip.h"
#include "arptable_priv.h"

static const char arpquerier_doc[] =
	"ARPQuerier(IP, ETH, KEYWORDS)\n"
	"\n"
	"Encapsulates IP packets in Ethernet headers found via ARP.\n"
	"\n"
	"Handles most of the ARP protocol. Argument IP should be this host's IP\n"
	"address (an IP/LEN prefix also sets the default BROADCAST), and ETH this\n"
	"host's Ethernet address. (Click's one-argument AddressInfo form is not\n"
	"supported.)\n"
	"\n"
	"Packets arriving on input 0 should be IP packets, and must have their\n"
	"destination address annotations set. If an Ethernet address is already\n"
	"known for the destination, the IP packet is wrapped in an Ethernet header\n"
	"and sent to output 0. Otherwise the IP packet is saved and an ARP query is\n"
	"sent instead. If an ARP response arrives on input 1 for an IP address that\n"
	"we need, the mapping is recorded and any saved IP packets are sent.\n"
	"\n"
	"The ARP reply packets on input 1 should include the Ethernet header. A\n"
	"reply is used when it is at least 42 bytes long, its Ethernet type is ARP,\n"
	"its hardware type Ethernet, its protocol IPv4, its operation REPLY and its\n"
	"sender hardware address not a group address; as in Click, hln and pln are\n"
	"not checked (addresses are read at the fixed Ethernet/IPv4 offsets). Every\n"
	"packet on input 1 is consumed.\n"
	"\n"
	"ARPQuerier may have one or two outputs. If it has two, then ARP queries\n"
	"are sent to the second output. Within one batch, the queries it caused\n"
	"are pushed before the IP packets (as FastClick does in batch mode).\n"
	"\n"
	"ARPQuerier implements special behavior for 0.0.0.0, 255.255.255.255,\n"
	"multicast addresses, and the BROADCAST address. Packets addressed to\n"
	"0.0.0.0 are dropped (with a one-time warning). Packets for broadcast\n"
	"addresses are forwarded with destination Ethernet address\n"
	"FF-FF-FF-FF-FF-FF. Multicast IP addresses are forwarded to 01-00-5E-xx-yy-zz,\n"
	"where xx-yy-zz are the lower 23 bits of the multicast IP address.\n"
	"\n"
	"Queries: at most 10 a second for any IP address (while packets keep\n"
	"arriving for it), and one every 2 seconds after 10 unanswered ones. A\n"
	"known entry older than POLL_TIMEOUT is renewed by a poll sent when a\n"
	"packet uses it (unicast to the known address unless BROADCAST_POLL). As in\n"
	"Click, queries are sent when packets arrive: by default a saved packet\n"
	"waits for a reply, for capacity pressure, or for its entry to expire (the\n"
	"table's expiry timer runs every TIMEOUT + 1 s). With RETRANSMIT (a weir\n"
	"addition), a timer also re-sends queries for addresses that have saved\n"
	"packets, within the same rate limits, until they are answered or their\n"
	"packets dropped; it is armed only while packets are saved. Queries carry\n"
	"the VLAN TCI and timestamp annotations of the packet that caused them.\n"
	"\n"
	"Keywords:\n"
	"  TABLE                 element; an ARPTable holding this element's ARP\n"
	"                        state. If given, CAPACITY, ENTRY_CAPACITY,\n"
	"                        ENTRY_PACKET_CAPACITY, CAPACITY_SLIM_FACTOR and\n"
	"                        TIMEOUT are ignored.\n"
	"  CAPACITY              unsigned; the maximum number of saved IP packets.\n"
	"                        Default 2048; 0 means unlimited.\n"
	"  ENTRY_CAPACITY        unsigned; the maximum number of ARP entries.\n"
	"                        Default 0 (unlimited; see ARPTable for weir's\n"
	"                        preallocated bound).\n"
	"  ENTRY_PACKET_CAPACITY unsigned; the maximum number of saved packets per\n"
	"                        entry. Default 0 (unlimited).\n"
	"  CAPACITY_SLIM_FACTOR  unsigned; see ARPTable. Default 2.\n"
	"  TIMEOUT               time; ARP entries expire this long after the last\n"
	"                        reply. Default 5 minutes; 0 means never.\n"
	"  POLL_TIMEOUT          time; after this long, a used entry is polled for\n"
	"                        renewal. Default 1 minute; 0 means don't poll.\n"
	"  BROADCAST             IP address; the local broadcast address. Default:\n"
	"                        the broadcast address of IP's prefix, or\n"
	"                        255.255.255.255 when IP is a bare address.\n"
	"  BROADCAST_POLL        Boolean; send renewal polls to the broadcast\n"
	"                        address. Default false.\n"
	"  RETRANSMIT            time; how often to look for unanswered queries to\n"
	"                        re-send (weir addition). Default 0: never, as Click.\n"
	"\n"
	"Handlers:\n"
	"  ipaddr (read/write)    this host's IP address (0.0.0.0 drops every packet)\n"
	"  broadcast (read/write) the IP broadcast address\n"
	"  table (read-only)      the ARP table (see ARPTable)\n"
	"  stats (read-only)      \"N packets killed\" and \"N ARP queries sent\"\n"
	"  queries (read-only)    ARP queries sent\n"
	"  responses (read-only)  ARP responses received (42+ bytes on input 1)\n"
	"  drops (read-only)      IP packets dropped by the querier itself (no IP\n"
	"                         address, 0.0.0.0 destination, no headroom); the\n"
	"                         table's drops are in stats\n"
	"  count (read-only)      entries in the ARP table\n"
	"  length (read-only)     packets saved in the ARP table\n"
	"  insert (write-only)    adds an entry: \"IP ETH\"\n"
	"  delete (write-only)    invalidates an entry: \"IP\"\n"
	"  clear (write-only)     clears the table and the counters\n"
	"\n"
	"Example:\n"
	"  c :: Classifier(12/0806 20/0002, 12/0800, ...);\n"
	"  a :: ARPQuerier(18.26.4.24, 00:00:C0:AE:67:EF);\n"
	"  c[0] -> [1]a;\n"
	"  c[1] -> ... -> [0]a;\n"
	"  a[0] -> ... -> ToDevice(eth0);\n";

#define ARP_FRAME_LEN (WEIR_ETHER_HDR_LEN + (uint32_t)sizeof(struct weir_arp_hdr))

struct arpquerier {
	struct weir_ip4_prefix ip;
	uint8_t eth[6];
	uint32_t my_ip; /* ipaddr handler; starts as ip.addr */
	uint32_t bcast;
	bool bcast_given;
	bool broadcast_poll;
	int64_t poll_timeout;
	struct weir_element *table_elt;
	struct arptable_conf {
		uint32_t capacity, entry_capacity, entry_packet_capacity, slim_factor;
		int64_t timeout;
	} tc;
	struct arpt own;   /* used unless TABLE is given */
	struct arpt *t;
	bool zero_warned;
	int64_t retransmit;
	struct weir_timer rtimer; /* retransmission; armed while packets wait */
	bool rtimer_ready;
};

struct arpquerier_pt {
	uint64_t queries;
	uint64_t responses;
	uint64_t drops;
};

static const struct weir_arg arpquerier_args[] = {
	{ "IP", WEIR_ARG_IP4_PREFIX, offsetof(struct arpquerier, ip),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "this host's IP address" },
	{ "ETH", WEIR_ARG_ETHER, offsetof(struct arpquerier, eth),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "this host's Ethernet address" },
	{ "TABLE", WEIR_ARG_ELEMENT, offsetof(struct arpquerier, table_elt), 0,
	  .help = "shared ARPTable" },
	{ "CAPACITY", WEIR_ARG_UINT, offsetof(struct arpquerier, tc.capacity), 0, .def = "2048",
	  .help = "saved packets (0: unlimited)" },
	{ "ENTRY_CAPACITY", WEIR_ARG_UINT, offsetof(struct arpquerier, tc.entry_capacity),
	  WEIR_ARGF_BOUNDED, .def = "0", .min = 0, .max = 1u << 24,
	  .help = "entries (0: unlimited)" },
	{ "ENTRY_PACKET_CAPACITY", WEIR_ARG_UINT,
	  offsetof(struct arpquerier, tc.entry_packet_capacity), 0, .def = "0",
	  .help = "saved packets per entry (0: unlimited)" },
	{ "CAPACITY_SLIM_FACTOR", WEIR_ARG_UINT, offsetof(struct arpquerier, tc.slim_factor),
	  WEIR_ARGF_BOUNDED, .def = "2", .min = 1, .max = UINT32_MAX,
	  .help = "fraction of packets removed when full" },
	{ "TIMEOUT", WEIR_ARG_SECONDS, offsetof(struct arpquerier, tc.timeout),
	  WEIR_ARGF_BOUNDED, .def = "300", .min = 0, .max = 4e18,
	  .help = "entry lifetime (0: forever)" },
	{ "POLL_TIMEOUT", WEIR_ARG_SECONDS, offsetof(struct arpquerier, poll_timeout),
	  WEIR_ARGF_BOUNDED, .def = "60", .min = 0, .max = 4e18,
	  .help = "renewal poll age (0: never)" },
	{ "BROADCAST", WEIR_ARG_IP4, offsetof(struct arpquerier, bcast), WEIR_ARGF_GIVEN,
	  .given_offset = offsetof(struct arpquerier, bcast_given),
	  .help = "local broadcast address" },
	{ "BROADCAST_POLL", WEIR_ARG_BOOL, offsetof(struct arpquerier, broadcast_poll), 0,
	  .def = "false", .help = "broadcast renewal polls" },
	{ "RETRANSMIT", WEIR_ARG_SECONDS, offsetof(struct arpquerier, retransmit),
	  WEIR_ARGF_BOUNDED, .def = "0", .min = 0, .max = 4e18,
	  .help = "query retransmission period (0: never)" },
	WEIR_ARG_END
};

static int
arpquerier_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct arpquerier *aq = e->priv;
	aq->my_ip = aq->ip.addr;
	if (!aq->bcast_given) {
		aq->bcast = aq->ip.addr | ~aq->ip.mask;
		if (aq->bcast == aq->ip.addr)
			aq->bcast = 0xFFFFFFFFu;
	}
	if (aq->table_elt) {
		aq->t = arptable_of(aq->table_elt);
		if (!aq->t)
			return weir_error(errh, "TABLE: '%s' is not an ARPTable", aq->table_elt->name);
		return 0;
	}
	aq->own.packet_capacity = aq->tc.capacity;
	aq->own.entry_capacity = aq->tc.entry_capacity;
	aq->own.entry_packet_capacity = aq->tc.entry_packet_capacity;
	aq->own.slim_factor = aq->tc.slim_factor;
	aq->own.timeout_ns = aq->tc.timeout;
	if (arpt_init(&aq->own) < 0)
		return weir_error(errh, "out of memory");
	aq->t = &aq->own;
	return 0;
}

static void arpq_retransmit(struct weir_timer *tm, void *arg);

static int
arpquerier_initialize(struct weir_element *e, struct weir_errh *errh)
{
	struct arpquerier *aq = e->priv;
	if (aq->t == &aq->own)
		arpt_start_timer(&aq->own, e);
	if (aq->retransmit) {
		weir_timer_init(&aq->rtimer, e, arpq_retransmit, e);
		aq->rtimer_ready = true;
	}
	return 0;
}

static void
arpquerier_cleanup(struct weir_element *e)
{
	struct arpquerier *aq = e->priv;
	if (aq->rtimer_ready)
		weir_timer_unschedule(&aq->rtimer);
	aq->rtimer_ready = false;
	arpt_destroy(&aq->own);
	aq->t = NULL;
}

/* Batches being filled during one push: IP packets out, queries out. */
struct arpq_out {
	struct weir_batch data;
	struct weir_batch queries;
};

static void
arpq_flush(struct weir_element *e, struct arpq_out *o)
{
	weir_output_push(e, e->noutputs - 1, &o->queries);
	o->queries.n = 0;
	weir_output_push(e, 0, &o->data);
	o->data.n = 0;
}

static void
arpq_emit(struct weir_element *e, struct arpq_out *o, struct weir_packet *p)
{
	if (o->data.n == WEIR_BATCH_MAX)
		arpq_flush(e, o);
	o->data.pkts[o->data.n++] = p;
}

/* Click's send_query_for(): a request for p's destination annotation. */
static void
arpq_send_query(struct weir_element *e, struct arpq_out *o, const struct weir_packet *p,
		bool unicast)
{
	struct arpquerier *aq = e->priv;
	struct weir_packet *q = weir_packet_make(WEIR_DEFAULT_HEADROOM, NULL, ARP_FRAME_LEN, 0);
	if (!q)
		return;
	struct weir_ether_hdr *eh = (void *)q->data;
	struct weir_arp_hdr *ah = (void *)(q->data + WEIR_ETHER_HDR_LEN);
	uint32_t want = weir_dst_ip_anno(p);
	if (unicast && !aq->broadcast_poll)
		memcpy(eh->dst, p->data, WEIR_ETHER_ADDR_LEN);
	else
		memset(eh->dst, 0xFF, WEIR_ETHER_ADDR_LEN);
	memcpy(eh->src, aq->eth, WEIR_ETHER_ADDR_LEN);
	eh->type = htons(WEIR_ETHERTYPE_ARP);
	ah->hrd = htons(WEIR_ARP_HRD_ETHER);
	ah->pro = htons(WEIR_ETHERTYPE_IP);
	ah->hln = WEIR_ETHER_ADDR_LEN;
	ah->pln = 4;
	ah->op = htons(WEIR_ARP_OP_REQUEST);
	memcpy(ah->sha, aq->eth, WEIR_ETHER_ADDR_LEN);
	memcpy(ah->spa, &aq->my_ip, 4);
	memset(ah->tha, 0, WEIR_ETHER_ADDR_LEN);
	memcpy(ah->tpa, &want, 4);
	weir_packet_set_mac_header(q, q->data);
	weir_packet_set_network_header(q, q->data + WEIR_ETHER_HDR_LEN);
	q->timestamp_ns = p->timestamp_ns;
	weir_set_vlan_tci_anno(q, weir_vlan_tci_anno(p));
	((struct arpquerier_pt *)weir_element_pt(e))->queries++;
	if (o->queries.n == WEIR_BATCH_MAX)
		arpq_flush(e, o);
	o->queries.pkts[o->queries.n++] = q;
}

static void
arpq_drop(struct weir_element *e, struct weir_packet *p)
{
	weir_packet_kill(p);
	((struct arpquerier_pt *)weir_element_pt(e))->drops++;
}

/* Broadcast and multicast destinations need no ARP: fill in mac and say so. */
static bool
arpq_special_dst(const struct arpquerier *aq, uint32_t dst, uint8_t *mac)
{
	uint32_t h = ntohl(dst);
	if (dst == 0xFFFFFFFFu || dst == aq->bcast) {
		memset(mac, 0xFF, WEIR_ETHER_ADDR_LEN);
		return true;
	}
	if ((h & 0xF0000000u) != 0xE0000000u)
		return false;
	mac[0] = 0x01;
	mac[1] = 0x00;
	mac[2] = 0x5E;
	mac[3] = (uint8_t)((h >> 16) & 0x7F);
	mac[4] = (uint8_t)(h >> 8);
	mac[5] = (uint8_t)h;
	return true;
}

/* A packet without a destination annotation: warn once (as Click), drop. */
static void
arpq_drop_zero(struct weir_element *e, struct weir_packet *p)
{
	struct arpquerier *aq = e->priv;
	if (!aq->zero_warned) {
		fprintf(stderr, "%s :: ARPQuerier: would query for 0.0.0.0; "
				"missing dest IP addr annotation?\n", e->name);
		aq->zero_warned = true;
	}
	arpq_drop(e, p);
}

/*
 * Click's handle_ip(): emit p with its Ethernet header filled in, save it in
 * the table, or drop it. `saved` packets already carry their header.
 */
static void
arpq_handle_ip(struct weir_element *e, struct arpq_out *o, struct weir_packet *p, bool saved)
{
	struct arpquerier *aq = e->priv;
	if (!aq->my_ip) {
		arpq_drop(e, p);
		return;
	}
	if (!saved) {
		p = weir_packet_push(p, WEIR_ETHER_HDR_LEN);
		if (!p) {
			((struct arpquerier_pt *)weir_element_pt(e))->drops++;
			return;
		}
		weir_packet_set_mac_header(p, p->data);
		((struct weir_ether_hdr *)p->data)->type = htons(WEIR_ETHERTYPE_IP);
	}
	struct weir_ether_hdr *eh = (void *)p->data;
	uint32_t dst = weir_dst_ip_anno(p);
	int r;
	for (;;) {
		r = arpt_lookup(aq->t, dst, eh->dst, aq->poll_timeout);
		if (r >= 0) {
			if (r > 0)
				arpq_send_query(e, o, p, true);
		} else if (arpq_special_dst(aq, dst, eh->dst)) {
			/* broadcast or multicast: send as is */
		} else if (!dst) {
			arpq_drop_zero(e, p);
			return;
		} else {
			r = arpt_append_query(aq->t, dst, p);
			if (r == -EAGAIN)
				continue; /* became known meanwhile: look it up again */
			if (r < 0) {
				weir_packet_kill(p); /* counted by the table */
				return;
			}
			if (r > 0)
				arpq_send_query(e, o, p, false);
			if (aq->rtimer_ready && !weir_timer_scheduled(&aq->rtimer))
				weir_timer_schedule_after(&aq->rtimer, aq->retransmit);
			return;
		}
		break;
	}
	memcpy(eh->src, aq->eth, WEIR_ETHER_ADDR_LEN);
	arpq_emit(e, o, p);
}

/* Click's handle_response(): learn from a reply and release saved packets. */
static void
arpq_handle_response(struct weir_element *e, struct arpq_out *o, const struct weir_packet *p)
{
	struct arpquerier *aq = e->priv;
	if (p->len < ARP_FRAME_LEN)
		return;
	((struct arpquerier_pt *)weir_element_pt(e))->responses++;
	const struct weir_ether_hdr *eh = (const void *)p->data;
	const struct weir_arp_hdr *ah = (const void *)(p->data + WEIR_ETHER_HDR_LEN);
	if (eh->type != htons(WEIR_ETHERTYPE_ARP) || ah->hrd != htons(WEIR_ARP_HRD_ETHER) ||
	    ah->pro != htons(WEIR_ETHERTYPE_IP) || ah->op != htons(WEIR_ARP_OP_REPLY) ||
	    (ah->sha[0] & 0x01))
		return;
	uint32_t spa;
	struct weir_packet *saved = NULL;
	memcpy(&spa, ah->spa, 4);
	if (arpt_insert(aq->t, spa, ah->sha, &saved) < 0)
		return;
	while (saved) {
		struct weir_packet *next = saved->next;
		saved->next = NULL;
		arpq_handle_ip(e, o, saved, true);
		saved = next;
	}
}

/* RETRANSMIT timer: re-send due queries; stays armed while packets wait. */
static void
arpq_retransmit(struct weir_timer *tm, void *arg)
{
	struct weir_element *e = arg;
	struct arpquerier *aq = e->priv;
	const struct weir_packet *due[WEIR_BATCH_MAX];
	struct arpq_out o;
	bool pending;
	o.data.n = 0;
	o.queries.n = 0;
	unsigned n = arpt_due_queries(aq->t, due, WEIR_BATCH_MAX, &pending);
	for (unsigned i = 0; i < n; i++)
		arpq_send_query(e, &o, due[i], false);
	arpq_flush(e, &o);
	if (pending)
		weir_timer_schedule_after(tm, aq->retransmit);
}

static void
arpquerier_push(struct weir_element *e, int port, struct weir_batch *b)
{
	struct arpq_out o;
	o.data.n = 0;
	o.queries.n = 0;
	for (uint32_t i = 0; i < b->n; i++) {
		if (port == 0) {
			arpq_handle_ip(e, &o, b->pkts[i], false);
		} else {
			arpq_handle_response(e, &o, b->pkts[i]);
			weir_packet_kill(b->pkts[i]);
		}
	}
	b->n = 0;
	arpq_flush(e, &o);
}

/* ---- handlers ------------------------------------------------------------------- */

enum { H_TABLE, H_STATS, H_COUNT, H_LENGTH, H_QUERIES, H_RESPONSES, H_DROPS, H_IPADDR,
       H_BROADCAST, H_INSERT, H_DELETE, H_CLEAR };

static int
arpquerier_read(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	struct arpquerier *aq = e->priv;
	char ip[16];
	switch (h->arg) {
	case H_TABLE:
		arpt_format(aq->t, out);
		return 0;
	case H_STATS:
		weir_strbuf_printf(out, "%" PRIu64 " packets killed\n%" PRIu64 " ARP queries sent\n",
				   WEIR_PT_SUM(e, struct arpquerier_pt, drops) + aq->t->drops,
				   WEIR_PT_SUM(e, struct arpquerier_pt, queries));
		return 0;
	case H_COUNT:
		weir_strbuf_printf(out, "%" PRIu32, aq->t->entry_count);
		return 0;
	case H_LENGTH:
		weir_strbuf_printf(out, "%" PRIu32, aq->t->packet_count);
		return 0;
	case H_QUERIES:
		weir_strbuf_printf(out, "%" PRIu64, WEIR_PT_SUM(e, struct arpquerier_pt, queries));
		return 0;
	case H_RESPONSES:
		weir_strbuf_printf(out, "%" PRIu64, WEIR_PT_SUM(e, struct arpquerier_pt, responses));
		return 0;
	case H_DROPS:
		weir_strbuf_printf(out, "%" PRIu64, WEIR_PT_SUM(e, struct arpquerier_pt, drops));
		return 0;
	case H_IPADDR:
	case H_BROADCAST:
		weir_format_ip4(h->arg == H_IPADDR ? aq->my_ip : aq->bcast, ip);
		weir_strbuf_puts(out, ip);
		return 0;
	default:
		return -EINVAL;
	}
}

static void
arpquerier_reset_counters(struct weir_element *e)
{
	for (unsigned t = 0; t < weir_element_nthreads(e); t++) {
		struct arpquerier_pt *pt = weir_element_pt_at(e, t);
		pt->queries = pt->responses = pt->drops = 0;
	}
}

static int
arpquerier_write(struct weir_element *e, const char *value, const struct weir_handler *h,
		 struct weir_errh *errh)
{
	struct arpquerier *aq = e->priv;
	uint32_t ip;
	switch (h->arg) {
	case H_IPADDR:
	case H_BROADCAST:
		if (weir_parse_ip4(value, &ip) < 0)
			return weir_error(errh, "%s: expected IP address, got '%s'",
					  h->arg == H_IPADDR ? "ipaddr" : "broadcast", value);
		*(h->arg == H_IPADDR ? &aq->my_ip : &aq->bcast) = ip;
		return 0;
	case H_INSERT:
		return arpt_write_insert(aq->t, value, errh);
	case H_DELETE:
		return arpt_write_delete(aq->t, value, errh);
	case H_CLEAR:
		arpquerier_reset_counters(e);
		arpt_clear(aq->t);
		return 0;
	default:
		return -EINVAL;
	}
}

static const struct weir_handler arpquerier_handlers[] = {
	{ .name = "table", .read = arpquerier_read, .arg = H_TABLE },
	{ .name = "stats", .read = arpquerier_read, .arg = H_STATS },
	{ .name = "count", .read = arpquerier_read, .arg = H_COUNT },
	{ .name = "length", .read = arpquerier_read, .arg = H_LENGTH },
	{ .name = "queries", .read = arpquerier_read, .arg = H_QUERIES },
	{ .name = "responses", .read = arpquerier_read, .arg = H_RESPONSES },
	{ .name = "drops", .read = arpquerier_read, .arg = H_DROPS },
	{ .name = "ipaddr", .read = arpquerier_read, .write = arpquerier_write, .arg = H_IPADDR },
	{ .name = "broadcast", .read = arpquerier_read, .write = arpquerier_write,
	  .arg = H_BROADCAST },
	{ .name = "insert", .write = arpquerier_write, .arg = H_INSERT },
	{ .name = "delete", .write = arpquerier_write, .arg = H_DELETE },
	{ .name = "clear", .write = arpquerier_write, .arg = H_CLEAR },
	WEIR_HANDLER_END
};

static const struct weir_element_class arpquerier_class = {
	.name = "ARPQuerier",
	.port_count = "2/1-2",
	.processing = "h/h",
	.flow_code = "xy/x",
	.priv_size = sizeof(struct arpquerier),
	.pt_size = sizeof(struct arpquerier_pt),
	.args = arpquerier_args,
	.configure_phase = WEIR_CONFIGURE_PHASE_DEFAULT,
	.flags = WEIR_CLASS_THREAD_UNSAFE,
	.configure = arpquerier_configure,
	.initialize = arpquerier_initialize,
	.cleanup = arpquerier_cleanup,
	.push = arpquerier_push,
	.handlers = arpquerier_handlers,
	.doc = arpquerier_doc,
};
WEIR_ELEMENT_REGISTER(arpquerier_class)
