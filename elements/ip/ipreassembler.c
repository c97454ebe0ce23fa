/* ipreassembler.c - IPReassembler: rebuilds fragmented IP datagrams in bounded memory. */
/*
 * =c
 * IPReassembler([I<keywords> HIMEM, MAX_MTU_ANNO, TIMEOUT, MAX_MEMORY])
 *
 * =s ip
 * reassembles fragmented IP packets
 *
 * =d
 * Expects IP packets with the IP header annotation set. Packets that are not
 * fragments pass unchanged to output 0. Fragments are held until every byte
 * of their datagram (same source, destination, protocol and IP ID) has
 * arrived and the last fragment (more-fragments bit clear) has been seen;
 * the reassembled datagram is then emitted on output 0.
 *
 * A reassembled datagram has the link header, IP header (options included)
 * and annotations of the fragment at offset 0, with IP length, fragment
 * field (DF and RF kept, offset and MF cleared) and checksum set, and the
 * timestamp of the fragment that completed it. Where fragments overlap, the
 * bytes that arrived last win (Click's rule); duplicates are harmless.
 *
 * A datagram still incomplete TIMEOUT after its first fragment arrived is
 * given up (a timer does this, so it happens without further traffic). Its
 * fragments are combined into one packet, all received bytes at their
 * offsets and zeroes in the holes, under the offset-0 fragment's header when
 * there is one (else a 20-byte copy of the first fragment's), and pushed on
 * output 1 if it exists, or dropped. Memory is bounded: whenever the held
 * fragments cost more than HIMEM bytes (each fragment counts its length plus
 * a 128-byte packet header, each datagram 40 bytes), the oldest datagrams
 * are given up the same way until the cost is at most 3/4 of HIMEM. At most
 * HIMEM/160 datagrams are held; a new one beyond that gives up the oldest.
 *
 * Bad fragments are dropped and counted: a fragment whose IP header or IP
 * length is not in the packet, with no data, ending past offset 65535, a
 * non-last fragment whose length is not a multiple of 8, a fragment past the
 * end of its datagram once the last fragment is known, or a second last
 * fragment that disagrees on the end. Packets whose IP header is not in the
 * packet are dropped and counted the same way. A datagram whose pieces leave more
 * than 32 separate holes, or whose reassembled length would pass 65535, is
 * given up.
 *
 * Keyword arguments are:
 *   HIMEM         Unsigned. Memory bound in bytes. Default 262144 (256K).
 *   MAX_MEMORY    Same as HIMEM (a weir synonym).
 *   MAX_MTU_ANNO  Annotation (2 bytes). If given, reassembled datagrams
 *                 get the largest fragment length (from the IP header on) in
 *                 it. Unset by default.
 *   TIMEOUT       Time. How long an incomplete datagram is held. Default 30s
 *                 (Click's fixed value; Click checks it only when packets
 *                 arrive, weir with a timer).
 *
 * =h mem_used read-only
 * Current memory cost of held fragments.
 * =h datagrams read-only
 * Incomplete datagrams held.
 * =h fragments read-only
 * Fragments received.
 * =h reassembled read-only
 * Datagrams completed.
 * =h failed read-only
 * Datagrams given up (timeout, memory, holes).
 * =h bad read-only
 * Bad fragments (and packets without an IP header) dropped.
 * =h dump read-only
 * Counters and the byte ranges held per datagram.
 *
 * =e
 *   ... -> CheckIPHeader -> r :: IPReassembler -> ...;
 *   r[1] -> ICMPError(10.0.0.1, timeexceeded, reassembly) -> ...
 *
 * =a IPFragmenter, ICMPError
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/ip.h"
#include "weir/task.h"

static const char ipreassembler_doc[] =
	"IPReassembler([KEYWORDS HIMEM, MAX_MTU_ANNO, TIMEOUT, MAX_MEMORY])\n"
	"\n"
	"Reassembles fragmented IP packets.\n"
	"\n"
	"Expects IP packets with the IP header annotation set. Packets that are not\n"
	"fragments pass unchanged to output 0. Fragments are held until every byte\n"
	"of their datagram (same source, destination, protocol and IP ID) has\n"
	"arrived and the last fragment (more-fragments bit clear) has been seen;\n"
	"the reassembled datagram is then emitted on output 0.\n"
	"\n"
	"A reassembled datagram has the link header, IP header (options included)\n"
	"and annotations of the fragment at offset 0, with IP length, fragment\n"
	"field (DF and RF kept, offset and MF cleared) and checksum set, and the\n"
	"timestamp of the fragment that completed it. Where fragments overlap, the\n"
	"bytes that arrived last win (Click's rule); duplicates are harmless.\n"
	"\n"
	"A datagram still incomplete TIMEOUT after its first fragment arrived is\n"
	"given up (a timer does this, so it happens without further traffic). Its\n"
	"fragments are combined into one packet, all received bytes at their\n"
	"offsets and zeroes in the holes, under the offset-0 fragment's header when\n"
	"there is one (else a 20-byte copy of the first fragment's), and pushed on\n"
	"output 1 if it exists, or dropped. Memory is bounded: whenever the held\n"
	"fragments cost more than HIMEM bytes (each fragment counts its length plus\n"
	"a 128-byte packet header, each datagram 40 bytes), the oldest datagrams\n"
	"are given up the same way until the cost is at most 3/4 of HIMEM. At most\n"
	"HIMEM/160 datagrams are held; a new one beyond that gives up the oldest.\n"
	"\n"
	"Bad fragments are dropped and counted: a fragment whose IP header or IP\n"
	"length is not in the packet, with no data, ending past offset 65535, a\n"
	"non-last fragment whose length is not a multiple of 8, a fragment past the\n"
	"end of its datagram once the last fragment is known, or a second last\n"
	"fragment that disagrees on the end. Packets whose IP header is not in the\n"
	"packet are dropped and counted the same way. A datagram whose pieces leave more\n"
	"than 32 separate holes, or whose reassembled length would pass 65535, is\n"
	"given up.\n"
	"\n"
	"Keyword arguments are:\n"
	"  HIMEM         Unsigned. Memory bound in bytes. Default 262144 (256K).\n"
	"  MAX_MEMORY    Same as HIMEM (a weir synonym).\n"
	"  MAX_MTU_ANNO  Annotation (2 bytes). If given, reassembled datagrams\n"
	"                get the largest fragment length (from the IP header on) in\n"
	"                it. Unset by default.\n"
	"  TIMEOUT       Time. How long an incomplete datagram is held. Default 30s\n"
	"                (Click's fixed value; Click checks it only when packets\n"
	"                arrive, weir with a timer).\n"
	"\n"
	"Handlers:\n"
	"  mem_used (read-only)     current memory cost of held fragments\n"
	"  datagrams (read-only)    incomplete datagrams held\n"
	"  fragments (read-only)    fragments received\n"
	"  reassembled (read-only)  datagrams completed\n"
	"  failed (read-only)       datagrams given up (timeout, memory, holes)\n"
	"  bad (read-only)          bad fragments (and non-IP packets) dropped\n"
	"  dump (read-only)         counters and the byte ranges held per datagram\n"
	"\n"
	"Example:\n"
	"  ... -> CheckIPHeader -> r :: IPReassembler -> ...;\n"
	"  r[1] -> ICMPError(10.0.0.1, timeexceeded, reassembly) -> ...\n"
	"\n"
	"See also: IPFragmenter, ICMPError.\n";

#define IPR_DGRAM_MEM 40     /* Click's IPH_MEM_USED */
#define IPR_FRAG_OVERHEAD 128 /* a packet header */
#define IPR_MAX_RANGES 32    /* separate received byte ranges per datagram */
#define IPR_MIN_DGRAM_COST 160

/* A byte range [off, end) of a datagram's data that has been received. */
struct ipr_range {
	uint32_t off, end;
};

/* An incomplete datagram. Its fragments are kept in arrival order. */
struct ipr_dgram {
	struct ipr_dgram *hnext;       /* hash chain */
	struct ipr_dgram *older, *newer; /* age list; newer doubles as free list link */
	struct weir_packet *head, *tail; /* fragments, linked through p->next */
	uint32_t src, dst;             /* network order */
	uint16_t id;                   /* network order */
	uint8_t proto;
	bool have_last;
	uint32_t total;                /* data length, once the last fragment is known */
	uint32_t mem;                  /* accounted cost */
	uint32_t max_frag;             /* largest fragment, IP header on */
	int64_t created_ns;
	unsigned nranges;
	struct ipr_range ranges[IPR_MAX_RANGES]; /* sorted, disjoint, not adjacent */
};

struct ipreassembler {
	uint32_t himem;
	uint32_t max_memory;
	bool himem_given, max_memory_given;
	unsigned mtu_anno;
	bool mtu_anno_given;
	int64_t timeout_ns;
	/* state */
	struct ipr_dgram *dgrams;      /* all contexts */
	struct ipr_dgram *free_list;
	struct ipr_dgram **buckets;
	uint32_t nbuckets;             /* power of two */
	uint32_t ndgrams;              /* contexts */
	struct ipr_dgram *oldest, *newest;
	uint32_t held;
	uint64_t mem_used;
	struct weir_timer timer;
	bool timer_ready;
};

struct ipreassembler_pt {
	uint64_t fragments;
	uint64_t reassembled;
	uint64_t failed;
	uint64_t bad;
};

static const struct weir_arg ipreassembler_args[] = {
	{ "HIMEM", WEIR_ARG_UINT, offsetof(struct ipreassembler, himem), WEIR_ARGF_GIVEN,
	  .def = "262144", .given_offset = offsetof(struct ipreassembler, himem_given),
	  .help = "memory bound in bytes" },
	{ "MAX_MEMORY", WEIR_ARG_UINT, offsetof(struct ipreassembler, max_memory), WEIR_ARGF_GIVEN,
	  .given_offset = offsetof(struct ipreassembler, max_memory_given),
	  .help = "same as HIMEM" },
	{ "MAX_MTU_ANNO", WEIR_ARG_ANNO, offsetof(struct ipreassembler, mtu_anno), WEIR_ARGF_GIVEN,
	  .given_offset = offsetof(struct ipreassembler, mtu_anno_given),
	  .help = "annotation for the largest fragment size" },
	{ "TIMEOUT", WEIR_ARG_SECONDS, offsetof(struct ipreassembler, timeout_ns), WEIR_ARGF_BOUNDED,
	  .def = "30", .min = 1e6, .max = 86400e9, .help = "how long incomplete datagrams are held" },
	WEIR_ARG_END
};

/* ---- configuration ----------------------------------------------------------------- */

static int
ipreassembler_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct ipreassembler *r = e->priv;

	if (r->himem_given && r->max_memory_given)
		return weir_error(errh, "give HIMEM or MAX_MEMORY, not both");
	if (r->max_memory_given)
		r->himem = r->max_memory;
	if (r->himem < IPR_MIN_DGRAM_COST)
		return weir_error(errh, "HIMEM must be at least %d bytes", IPR_MIN_DGRAM_COST);
	if (r->mtu_anno_given && r->mtu_anno + 2 > WEIR_ANNO_SIZE)
		return weir_error(errh, "MAX_MTU_ANNO: a 2-byte annotation must end by byte %d",
				  WEIR_ANNO_SIZE);
	return 0;
}

static void ipreassembler_expire(struct weir_timer *t, void *arg);

static int
ipreassembler_initialize(struct weir_element *e, struct weir_errh *errh)
{
	struct ipreassembler *r = e->priv;
	uint32_t n = r->himem / IPR_MIN_DGRAM_COST;

	if (n > (1u << 20))
		n = 1u << 20;
	r->nbuckets = 16;
	while (r->nbuckets < n)
		r->nbuckets <<= 1;
	r->dgrams = calloc(n, sizeof(*r->dgrams));
	r->buckets = calloc(r->nbuckets, sizeof(*r->buckets));
	if (!r->dgrams || !r->buckets)
		return weir_error(errh, "out of memory for %u datagrams", n);
	r->ndgrams = n;
	for (uint32_t i = 0; i < n; i++) {
		r->dgrams[i].newer = r->free_list;
		r->free_list = &r->dgrams[i];
	}
	weir_timer_init(&r->timer, e, ipreassembler_expire, e);
	r->timer_ready = true;
	return 0;
}

/* ---- datagram table ------------------------------------------------------------------ */

static uint32_t
ipr_hash(const struct weir_ip_hdr *ip)
{
	uint32_t h = ip->src * 0x9E3779B1u;
	h ^= ip->dst + 0x7F4A7C15u + (h << 6) + (h >> 2);
	h ^= ((uint32_t)ip->id << 8 | ip->p) * 0x85EBCA77u;
	return h ^ (h >> 15);
}

static struct ipr_dgram **
ipr_slot(struct ipreassembler *r, const struct ipr_dgram *d)
{
	struct weir_ip_hdr key = { .src = d->src, .dst = d->dst, .id = d->id, .p = d->proto };
	return &r->buckets[ipr_hash(&key) & (r->nbuckets - 1)];
}

static struct ipr_dgram *
ipr_find(struct ipreassembler *r, const struct weir_ip_hdr *ip)
{
	struct ipr_dgram *d = r->buckets[ipr_hash(ip) & (r->nbuckets - 1)];

	for (; d; d = d->hnext)
		if (d->id == ip->id && d->src == ip->src && d->dst == ip->dst && d->proto == ip->p)
			return d;
	return NULL;
}

/* Unlinks d from the table and the age list and frees it (not its fragments). */
static void
ipr_release(struct ipreassembler *r, struct ipr_dgram *d)
{
	struct ipr_dgram **pp = ipr_slot(r, d);

	while (*pp != d)
		pp = &(*pp)->hnext;
	*pp = d->hnext;
	if (d->older)
		d->older->newer = d->newer;
	else
		r->oldest = d->newer;
	if (d->newer)
		d->newer->older = d->older;
	else
		r->newest = d->older;
	r->mem_used -= d->mem;
	r->held--;
	/* nothing left to time out: let an idle router stop */
	if (!r->held && r->timer_ready && weir_timer_scheduled(&r->timer))
		weir_timer_unschedule(&r->timer);
	memset(d, 0, sizeof(*d));
	d->newer = r->free_list;
	r->free_list = d;
}

static void
ipr_kill_fragments(struct ipr_dgram *d)
{
	struct weir_packet *p = d->head;

	while (p) {
		struct weir_packet *next = p->next;
		p->next = NULL;
		weir_packet_kill(p);
		p = next;
	}
	d->head = d->tail = NULL;
}

/* ---- fragments ------------------------------------------------------------------------- */

/* Byte offset, data length and header length of a held (validated) fragment. */
static inline const uint8_t *
ipr_frag_data(const struct weir_packet *p, uint32_t *off, uint32_t *dlen)
{
	const struct weir_ip_hdr *ip = (const void *)weir_packet_network_header(p);
	unsigned hlen = weir_ip_hlen(ip);

	*off = (uint32_t)(ntohs(ip->off) & WEIR_IP_OFFMASK) << 3;
	*dlen = ntohs(ip->len) - hlen;
	return (const uint8_t *)ip + hlen;
}

/* Adds [off, end) to the received ranges; false when too many holes. */
static bool
ipr_add_range(struct ipr_dgram *d, uint32_t off, uint32_t end)
{
	unsigned i = 0, j;

	while (i < d->nranges && d->ranges[i].end < off)
		i++;
	j = i;
	while (j < d->nranges && d->ranges[j].off <= end) {
		if (d->ranges[j].off < off)
			off = d->ranges[j].off;
		if (d->ranges[j].end > end)
			end = d->ranges[j].end;
		j++;
	}
	/* ranges i..j-1 merge into [off, end) */
	if (i == j) {
		if (d->nranges == IPR_MAX_RANGES)
			return false;
		memmove(&d->ranges[i + 1], &d->ranges[i], (d->nranges - i) * sizeof(d->ranges[0]));
		d->nranges++;
	} else if (j - i > 1) {
		memmove(&d->ranges[i + 1], &d->ranges[j], (d->nranges - j) * sizeof(d->ranges[0]));
		d->nranges -= j - i - 1;
	}
	d->ranges[i].off = off;
	d->ranges[i].end = end;
	return true;
}

static bool
ipr_complete(const struct ipr_dgram *d)
{
	return d->have_last && d->nranges == 1 && d->ranges[0].off == 0 &&
	       d->ranges[0].end == d->total;
}

/* The last-arrived fragment at offset 0, or NULL. */
static struct weir_packet *
ipr_first_fragment(const struct ipr_dgram *d)
{
	struct weir_packet *first = NULL;

	for (struct weir_packet *p = d->head; p; p = p->next) {
		const struct weir_ip_hdr *ip = (const void *)weir_packet_network_header(p);
		if ((ntohs(ip->off) & WEIR_IP_OFFMASK) == 0)
			first = p;
	}
	return first;
}

/*
 * One packet holding d's data: the offset-0 fragment's bytes up to its
 * transport header (link and IP headers), or a 20-byte copy of the first
 * fragment's IP header, then every fragment's data at its offset, in arrival
 * order (later bytes win); holes are zero. NULL when out of memory.
 */
static struct weir_packet *
ipr_build(const struct ipreassembler *r, const struct ipr_dgram *d, uint32_t dlen)
{
	const struct weir_packet *first = ipr_first_fragment(d);
	const uint8_t *start, *net;
	uint32_t hlen;

	if (first) {
		net = weir_packet_network_header(first);
		hlen = weir_ip_hlen((const struct weir_ip_hdr *)net);
		start = first->data < net ? first->data : net;
	} else {
		first = d->head;
		net = start = weir_packet_network_header(first);
		hlen = WEIR_IP_HDR_LEN;
	}
	uint32_t prefix = (uint32_t)(net - start) + hlen;
	struct weir_packet *q = weir_packet_make(WEIR_DEFAULT_HEADROOM, NULL, prefix + dlen, 0);
	if (!q)
		return NULL;
	memcpy(q->data, start, prefix);
	uint8_t *payload = q->data + prefix;
	memset(payload, 0, dlen);
	for (const struct weir_packet *p = d->head; p; p = p->next) {
		uint32_t off, len;
		const uint8_t *src = ipr_frag_data(p, &off, &len);
		if (off < dlen)
			memcpy(payload + off, src, len < dlen - off ? len : dlen - off);
	}
	weir_packet_copy_annotations(q, first);
	const uint8_t *mac = weir_packet_mac_header(first);
	if (mac && mac >= start && mac <= net)
		weir_packet_set_mac_header(q, q->data + (mac - start));
	struct weir_ip_hdr *qip = (struct weir_ip_hdr *)(q->data + (net - start));
	weir_packet_set_network_header(q, (uint8_t *)qip);
	weir_packet_set_transport_header(q, payload);
	qip->vihl = (uint8_t)((qip->vihl & 0xF0) | (hlen >> 2));
	uint32_t ip_len = hlen + dlen;
	qip->len = htons((uint16_t)(ip_len > 0xFFFF ? 0xFFFF : ip_len));
	qip->off &= htons(WEIR_IP_DF | WEIR_IP_RF | (d->have_last ? 0 : WEIR_IP_MF));
	weir_ip_set_cksum(qip, hlen);
	if (r->mtu_anno_given)
		weir_set_anno_u16(q, r->mtu_anno, (uint16_t)d->max_frag);
	return q;
}

/* Gives d up: its fragments, combined, go to output 1 (or are dropped). */
static void
ipr_fail(struct weir_element *e, struct ipr_dgram *d)
{
	struct ipreassembler *r = e->priv;
	struct ipreassembler_pt *pt = weir_element_pt(e);
	struct weir_packet *q = NULL;

	if (e->noutputs > 1 && d->head) {
		uint32_t end = d->nranges ? d->ranges[d->nranges - 1].end : 0;
		q = ipr_build(r, d, end);
	}
	ipr_kill_fragments(d);
	ipr_release(r, d);
	pt->failed++;
	if (q)
		weir_output_push_packet(e, 1, q);
}

static void
ipr_arm_timer(struct ipreassembler *r)
{
	if (r->oldest && !weir_timer_scheduled(&r->timer))
		weir_timer_schedule_at(&r->timer, r->oldest->created_ns + r->timeout_ns);
}

static void
ipreassembler_expire(struct weir_timer *t, void *arg)
{
	struct weir_element *e = arg;
	struct ipreassembler *r = e->priv;
	int64_t now = weir_time_ns();

	while (r->oldest && r->oldest->created_ns + r->timeout_ns <= now)
		ipr_fail(e, r->oldest);
	ipr_arm_timer(r);
}

/* Keeps memory under HIMEM: gives up the oldest datagrams down to 3/4 of it. */
static void
ipr_reap_overfull(struct weir_element *e)
{
	struct ipreassembler *r = e->priv;
	uint64_t low = (uint64_t)(r->himem >> 2) * 3;

	if (r->mem_used <= r->himem)
		return;
	while (r->oldest && r->mem_used > low)
		ipr_fail(e, r->oldest);
}

static struct ipr_dgram *
ipr_new(struct weir_element *e, const struct weir_ip_hdr *ip, int64_t now)
{
	struct ipreassembler *r = e->priv;

	if (!r->free_list)
		ipr_fail(e, r->oldest);
	struct ipr_dgram *d = r->free_list;
	r->free_list = d->newer;
	memset(d, 0, sizeof(*d));
	d->src = ip->src;
	d->dst = ip->dst;
	d->id = ip->id;
	d->proto = ip->p;
	d->created_ns = now;
	d->mem = IPR_DGRAM_MEM;
	struct ipr_dgram **pp = ipr_slot(r, d);
	d->hnext = *pp;
	*pp = d;
	d->older = r->newest;
	if (r->newest)
		r->newest->newer = d;
	else
		r->oldest = d;
	r->newest = d;
	r->held++;
	r->mem_used += d->mem;
	return d;
}

/*
 * Checks a fragment (Click's rules plus bounds); on success trims it to its
 * IP length and returns its data range. False for a bad fragment.
 */
static bool
ipr_validate(struct weir_packet *p, uint32_t *off, uint32_t *end)
{
	const uint8_t *net = weir_packet_network_header(p);
	const uint8_t *dend = weir_packet_end_data(p);

	if (!net || net < p->buf || net > dend || dend - net < WEIR_IP_HDR_LEN)
		return false;
	const struct weir_ip_hdr *ip = (const void *)net;
	uint32_t avail = (uint32_t)(dend - net);
	unsigned hlen = weir_ip_hlen(ip);
	unsigned ip_len = ntohs(ip->len);
	if (hlen < WEIR_IP_HDR_LEN || ip_len < hlen || avail < ip_len)
		return false;
	*off = (uint32_t)(ntohs(ip->off) & WEIR_IP_OFFMASK) << 3;
	*end = *off + ip_len - hlen;
	if (*end > 0xFFFF || *end <= *off || ((*end & 7) && (ntohs(ip->off) & WEIR_IP_MF)))
		return false;
	weir_packet_take(p, avail - ip_len);
	return true;
}

/* Handles one fragment; returns a complete datagram or NULL. */
static struct weir_packet *
ipr_fragment(struct weir_element *e, struct weir_packet *p, int64_t now)
{
	struct ipreassembler *r = e->priv;
	struct ipreassembler_pt *pt = weir_element_pt(e);
	uint32_t off, end;

	pt->fragments++;
	if (!ipr_validate(p, &off, &end))
		goto bad;
	const struct weir_ip_hdr *ip = (const void *)weir_packet_network_header(p);
	bool last = !(ntohs(ip->off) & WEIR_IP_MF);
	struct ipr_dgram *d = ipr_find(r, ip);
	if (d) {
		uint32_t max_end = d->nranges ? d->ranges[d->nranges - 1].end : 0;
		if ((d->have_last && (end > d->total || (last && end != d->total))) ||
		    (last && max_end > end))
			goto bad;
	} else {
		d = ipr_new(e, ip, now);
	}
	if (!ipr_add_range(d, off, end)) {
		weir_packet_kill(p);
		ipr_fail(e, d);
		return NULL;
	}
	if (last) {
		d->have_last = true;
		d->total = end;
	}
	uint32_t flen = p->len - (uint32_t)weir_packet_network_offset(p);
	if (flen > d->max_frag)
		d->max_frag = flen;
	p->next = NULL;
	if (d->tail)
		d->tail->next = p;
	else
		d->head = p;
	d->tail = p;
	uint32_t cost = p->len + IPR_FRAG_OVERHEAD;
	d->mem += cost;
	r->mem_used += cost;

	if (ipr_complete(d)) {
		const struct weir_packet *first = ipr_first_fragment(d);
		const struct weir_ip_hdr *fip = (const void *)weir_packet_network_header(first);
		if (weir_ip_hlen(fip) + d->total > 0xFFFF) {
			ipr_fail(e, d);
			return NULL;
		}
		struct weir_packet *q = ipr_build(r, d, d->total);
		if (q) {
			q->timestamp_ns = p->timestamp_ns;
			pt->reassembled++;
		} else {
			pt->failed++;
		}
		ipr_kill_fragments(d);
		ipr_release(r, d);
		return q;
	}
	ipr_reap_overfull(e);
	ipr_arm_timer(r);
	return NULL;

bad:
	pt->bad++;
	weir_packet_kill(p);
	return NULL;
}

static void
ipreassembler_action(struct weir_element *e, struct weir_batch *b)
{
	struct ipreassembler_pt *pt = weir_element_pt(e);
	int64_t now = 0;

	for (uint32_t i = 0; i < b->n; i++) {
		struct weir_packet *p = b->pkts[i];
		const uint8_t *net = weir_packet_network_header(p);
		const uint8_t *dend = weir_packet_end_data(p);
		if (!net || net < p->buf || net > dend || dend - net < WEIR_IP_HDR_LEN) {
			pt->bad++;
			weir_packet_kill(p);
			b->pkts[i] = NULL;
			continue;
		}
		if (weir_likely(!weir_ip_is_fragment((const struct weir_ip_hdr *)net)))
			continue;
		if (!now)
			now = weir_time_ns();
		b->pkts[i] = ipr_fragment(e, p, now);
	}
}

static void
ipreassembler_cleanup(struct weir_element *e)
{
	struct ipreassembler *r = e->priv;

	if (r->timer_ready && weir_timer_scheduled(&r->timer))
		weir_timer_unschedule(&r->timer);
	for (uint32_t i = 0; r->dgrams && i < r->ndgrams; i++)
		ipr_kill_fragments(&r->dgrams[i]);
	free(r->dgrams);
	free(r->buckets);
	r->dgrams = NULL;
	r->buckets = NULL;
}

/* ---- handlers --------------------------------------------------------------------------- */

enum { H_MEM, H_DGRAMS, H_FRAGS, H_GOOD, H_FAILED, H_BAD, H_DUMP };

static void
ipreassembler_dump(struct weir_element *e, struct weir_strbuf *out)
{
	struct ipreassembler *r = e->priv;
	char src[16], dst[16];

	weir_strbuf_printf(out,
			   "frags seen total:    %" PRIu64 "\n"
			   "good reassemblies:   %" PRIu64 "\n"
			   "failed reassemblies: %" PRIu64 "\n"
			   "bad fragments seen:  %" PRIu64 "\n"
			   "cached chunk data:\n",
			   WEIR_PT_SUM(e, struct ipreassembler_pt, fragments),
			   WEIR_PT_SUM(e, struct ipreassembler_pt, reassembled),
			   WEIR_PT_SUM(e, struct ipreassembler_pt, failed),
			   WEIR_PT_SUM(e, struct ipreassembler_pt, bad));
	for (const struct ipr_dgram *d = r->oldest; d; d = d->newer) {
		weir_format_ip4(d->src, src);
		weir_format_ip4(d->dst, dst);
		weir_strbuf_printf(out, " (%s -> %s %u) %u", src, dst, d->proto, ntohs(d->id));
		for (unsigned i = 0; i < d->nranges; i++)
			weir_strbuf_printf(out, " (%u,%u)", d->ranges[i].off, d->ranges[i].end);
		weir_strbuf_printf(out, "\n");
	}
}

static int
ipreassembler_read(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	struct ipreassembler *r = e->priv;
	uint64_t v;

	switch (h->arg) {
	case H_MEM:
		v = r->mem_used;
		break;
	case H_DGRAMS:
		v = r->held;
		break;
	case H_FRAGS:
		v = WEIR_PT_SUM(e, struct ipreassembler_pt, fragments);
		break;
	case H_GOOD:
		v = WEIR_PT_SUM(e, struct ipreassembler_pt, reassembled);
		break;
	case H_FAILED:
		v = WEIR_PT_SUM(e, struct ipreassembler_pt, failed);
		break;
	case H_BAD:
		v = WEIR_PT_SUM(e, struct ipreassembler_pt, bad);
		break;
	case H_DUMP:
		ipreassembler_dump(e, out);
		return 0;
	default:
		return -EINVAL;
	}
	weir_strbuf_printf(out, "%" PRIu64, v);
	return 0;
}

static const struct weir_handler ipreassembler_handlers[] = {
	{ .name = "mem_used", .read = ipreassembler_read, .arg = H_MEM },
	{ .name = "datagrams", .read = ipreassembler_read, .arg = H_DGRAMS },
	{ .name = "fragments", .read = ipreassembler_read, .arg = H_FRAGS },
	{ .name = "reassembled", .read = ipreassembler_read, .arg = H_GOOD },
	{ .name = "failed", .read = ipreassembler_read, .arg = H_FAILED },
	{ .name = "bad", .read = ipreassembler_read, .arg = H_BAD },
	{ .name = "dump", .read = ipreassembler_read, .arg = H_DUMP },
	WEIR_HANDLER_END
};

static const struct weir_element_class ipreassembler_class = {
	.name = "IPReassembler",
	.port_count = "1/1-2",
	.processing = "a/ah",
	.flags = WEIR_CLASS_THREAD_UNSAFE,
	.priv_size = sizeof(struct ipreassembler),
	.pt_size = sizeof(struct ipreassembler_pt),
	.args = ipreassembler_args,
	.configure = ipreassembler_configure,
	.initialize = ipreassembler_initialize,
	.cleanup = ipreassembler_cleanup,
	.simple_action = ipreassembler_action,
	.handlers = ipreassembler_handlers,
	.doc = ipreassembler_doc,
};
WEIR_ELEMENT_REGISTER(ipreassembler_class)
