/* rewriter_priv.h - the flow table, input specs and handlers shared by IPRewriter and IPAddrRewriter. */
#ifndef WEIR_NAT_REWRITER_PRIV_H
#define WEIR_NAT_REWRITER_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "weir/element.h"
#include "weir/ip.h"
#include "weir/strbuf.h"
#include "weir/task.h"

/*
 * The mapping table.
 *
 * A flow (Click's IPRewriterFlow) holds two keys: key[0] is the flow as it
 * arrives (the forward direction), key[1] is the reply flow as it arrives
 * (the rewritten flow, reversed). A packet that matches key[d] is rewritten
 * to the reverse of key[!d] and sent to output[d].
 *
 * Flows live in one array allocated at initialize (capacity entries, touched
 * lazily: a fresh index is taken from a bump counter, freed ones from a
 * stack). The hash index is an array of 64-byte buckets of 8 slots, each a
 * 16-bit tag (0 = empty) and a reference (flow index << 1 | direction). An
 * insert that finds its home bucket full goes to the next one and counts
 * itself in the overflow counter of every bucket it passed, so a lookup
 * stops at the first bucket whose overflow is 0 and a removal undoes the
 * counts: no tombstones, no rehash, nothing allocated per packet. Buckets
 * are sized for 2 keys per flow at most 50% full.
 *
 * Expiry: each flow is on the list of its timeout class (TCP without data,
 * TCP with data both ways, TCP done, UDP, UDP streaming; one class for
 * IPAddrRewriter), in the order in which it was put there (enq). A packet
 * only writes the flow's `last` time (and moves it when its class changes,
 * which is rare). The reap timer pops list heads whose enq + timeout has
 * passed: a flow unused since then is freed, a flow used since is put back
 * at the tail. A full table evicts the head flow, among the class heads,
 * whose guarantee has passed and whose expiry comes first (Click's
 * best-effort eviction); if every head is still guaranteed the new flow is
 * refused and counted as a mapping failure.
 *
 * Times are milliseconds since initialize, in 32 bits (differences are
 * compared signed; timeouts are limited to 12 days).
 */

#define RW_NONE UINT32_MAX
#define RW_BUCKET_SLOTS 8
#define RW_MAX_CLASSES 5
#define RW_MAX_TIMEOUT_MS (12u * 24 * 3600 * 1000)

struct rw_key {
	uint32_t saddr; /* network byte order */
	uint32_t daddr;
	uint16_t sport;
	uint16_t dport;
	uint32_t proto; /* IP protocol; the upper bytes stay 0 */
};

struct rw_flow {
	struct rw_key key[2];
	uint32_t last;       /* ms: last packet */
	uint32_t enq;        /* ms: when put on its class list */
	uint32_t next, prev; /* class list links (flow indices) */
	uint16_t ip_delta;   /* checksum delta, forward direction */
	uint16_t l4_delta;
	uint8_t output[2];
	uint8_t input;       /* the input spec that made it */
	uint8_t tclass;      /* timeout class (list) */
	uint8_t tflags;      /* TCP state / UDP packet counts */
	uint8_t flags;       /* RW_F_* */
	uint8_t pad[6];
} __attribute__((aligned(64)));

#define RW_F_LIVE 0x01
#define RW_F_SINGLE 0x02 /* key[1] == key[0]: only key[0] is indexed */

struct rw_bucket {
	uint16_t tag[RW_BUCKET_SLOTS];
	uint32_t ref[RW_BUCKET_SLOTS];
	uint32_t overflow; /* keys that passed over this bucket */
	uint32_t pad[3];
} __attribute__((aligned(64)));

struct rw_list {
	uint32_t head, tail;
};

struct rw_table {
	struct rw_bucket *buckets;
	uint32_t mask;        /* buckets - 1 */
	struct rw_flow *flows;
	uint32_t alloc;       /* flows allocated */
	uint32_t capacity;    /* flows allowed (<= alloc; the capacity handler) */
	uint32_t size;        /* live flows */
	uint32_t fresh;       /* next never-used index */
	uint32_t *free_stack;
	uint32_t nfree;
	unsigned nclasses;
	struct rw_list lists[RW_MAX_CLASSES];
	uint32_t timeout[RW_MAX_CLASSES];   /* ms */
	uint32_t guarantee[RW_MAX_CLASSES]; /* ms */
	/* called for every flow freed, before its slot is reused (may be NULL) */
	void (*on_free)(void *arg, const struct rw_flow *f);
	void *on_free_arg;
};

/* ---- keys and hashing ---------------------------------------------------------- */

/* Hash of a key given as its two 64-bit halves (as laid out in memory). */
static inline uint64_t
rw_hash2(uint64_t a, uint64_t b)
{
	uint64_t h = a * 0x9E3779B97F4A7C15ull;
	h ^= (b + (h >> 29)) * 0xC2B2AE3D27D4EB4Full;
	h ^= h >> 32;
	h *= 0xFF51AFD7ED558CCDull;
	h ^= h >> 29;
	return h;
}

static inline uint64_t
rw_hash(const struct rw_key *k)
{
	uint64_t a, b;
	memcpy(&a, k, 8);
	memcpy(&b, (const uint8_t *)k + 8, 8);
	return rw_hash2(a, b);
}

static inline bool
rw_key_eq(const struct rw_key *x, const struct rw_key *y)
{
	uint64_t a0, a1, b0, b1;
	memcpy(&a0, x, 8);
	memcpy(&a1, (const uint8_t *)x + 8, 8);
	memcpy(&b0, y, 8);
	memcpy(&b1, (const uint8_t *)y + 8, 8);
	return ((a0 ^ b0) | (a1 ^ b1)) == 0;
}

static inline struct rw_key
rw_key_reverse(const struct rw_key *k)
{
	struct rw_key r = { .saddr = k->daddr, .daddr = k->saddr, .sport = k->dport,
			    .dport = k->sport, .proto = k->proto };
	return r;
}

static inline uint16_t
rw_tag(uint64_t h)
{
	uint16_t t = (uint16_t)(h >> 48);
	return t ? t : 1;
}

static inline struct rw_bucket *
rw_bucket_of(const struct rw_table *t, uint64_t h)
{
	return &t->buckets[h & t->mask];
}

/* Reference (flow << 1 | direction) of the key, or RW_NONE. */
static inline uint32_t
rw_table_lookup(const struct rw_table *t, const struct rw_key *k, uint64_t h)
{
	uint16_t tag = rw_tag(h);
	uint32_t bi = (uint32_t)h & t->mask;
	for (uint32_t n = 0; n <= t->mask; n++) {
		const struct rw_bucket *b = &t->buckets[bi];
		for (unsigned s = 0; s < RW_BUCKET_SLOTS; s++) {
			if (b->tag[s] != tag)
				continue;
			uint32_t ref = b->ref[s];
			if (rw_key_eq(&t->flows[ref >> 1].key[ref & 1], k))
				return ref;
		}
		if (!b->overflow)
			return RW_NONE;
		bi = (bi + 1) & t->mask;
	}
	return RW_NONE;
}

/* ---- checksums ------------------------------------------------------------------ */

/* Adds the change of a 32-bit word from old to new to a delta accumulator. */
static inline uint32_t
rw_delta_add32(uint32_t acc, uint32_t old, uint32_t new_)
{
	return acc + (uint16_t)~(old & 0xFFFF) + (uint16_t)~(old >> 16) + (new_ & 0xFFFF) +
	       (new_ >> 16);
}
static inline uint32_t
rw_delta_add16(uint32_t acc, uint16_t old, uint16_t new_)
{
	return acc + (uint16_t)~old + new_;
}
static inline uint16_t
rw_delta_fold(uint32_t acc)
{
	acc = (acc & 0xFFFF) + (acc >> 16);
	acc = (acc & 0xFFFF) + (acc >> 16);
	return (uint16_t)acc;
}
/* Applies a delta to a checksum field; the reverse direction applies its negation. */
static inline uint16_t
rw_csum_apply(uint16_t sum, uint16_t delta, unsigned dir)
{
	if (dir)
		delta = (uint16_t)~delta;
	uint32_t s = (uint32_t)(uint16_t)~sum + delta;
	s = (s & 0xFFFF) + (s >> 16);
	s = (s & 0xFFFF) + (s >> 16);
	return (uint16_t)~s;
}

/* ---- table ----------------------------------------------------------------------- */

/* Allocates a table for `capacity` flows (memory is touched lazily).
 * Returns 0 or -ENOMEM. */
int rw_table_init(struct rw_table *t, uint32_t capacity, unsigned nclasses);
void rw_table_free(struct rw_table *t);
/* Index of a free flow (not yet indexed), or RW_NONE when `capacity` flows live. */
uint32_t rw_table_alloc(struct rw_table *t);
/* Indexes flow fi (keys and deltas set; class set) at time now: key[0] must be
 * absent. A flow already indexed under key[1] is destroyed first. */
void rw_table_insert(struct rw_table *t, uint32_t fi, uint32_t now);
/* Unindexes and frees flow fi. */
void rw_table_remove(struct rw_table *t, uint32_t fi);
/* Moves flow fi to the tail of class list c. */
void rw_table_requeue(struct rw_table *t, uint32_t fi, unsigned c, uint32_t now);
/* Frees flows whose timeout has passed. Returns how many. */
uint32_t rw_table_reap(struct rw_table *t, uint32_t now);
/* Makes room for one flow by evicting the best-effort flow that expires first.
 * force: ignore guarantees. Returns true when a flow was evicted. */
bool rw_table_evict(struct rw_table *t, uint32_t now, bool force);
/* Frees every flow. */
void rw_table_clear(struct rw_table *t);
/* Computes ip_delta/l4_delta of a flow from its keys (key[0] -> reverse(key[1])). */
void rw_flow_set_deltas(struct rw_flow *f);

static inline bool
rw_time_reached(uint32_t now, uint32_t when)
{
	return (int32_t)(now - when) >= 0;
}

/* ---- input specs ------------------------------------------------------------------ */

enum rw_kind { RW_DROP, RW_PASS, RW_KEEP, RW_PATTERN };

struct rw_pattern {
	uint32_t saddr, daddr; /* network order; 0 = unchanged */
	uint16_t sport, dport; /* network order; 0 = unchanged */
	uint32_t variation_top; /* ports (napt) or addresses to choose among, minus 1 */
	uint32_t next_variation;
	bool is_napt;           /* the pattern names ports */
	bool sequential;        /* '#' */
	bool same_first;        /* prefer the packet's own source port */
};

struct rw_input {
	enum rw_kind kind;
	int foutput, routput;
	struct rw_pattern *pat;  /* &own, or a pattern of an IPRewriterPatterns */
	struct rw_pattern own;
	uint32_t count;    /* live mappings made by this input (Click's count) */
	uint32_t failures; /* mappings refused */
};

/* The part of an element's state the shared code needs. */
struct rw_common {
	struct rw_table table;
	struct rw_input *inputs;
	int ninputs;
	uint32_t rng;            /* xorshift state for random ports */
	int64_t t0_ns;           /* time origin of `now` */
	struct weir_timer reap_timer;
	int64_t reap_interval_ns; /* 0: never */
	uint32_t capacity;        /* MAPPING_CAPACITY */
	bool initialized;
	uint64_t drops;           /* packets dropped (bad, no mapping) */
};

/* Click's pattern syntax, 2 to 4 words (SADDR [SPORT] DADDR [DPORT]); errors
 * start with prefix. Returns 0 or -EINVAL. */
int rw_parse_pattern(char **w, int nw, struct rw_pattern *pat, struct weir_errh *errh,
		     const char *prefix);
/* The pattern NAME of an IPRewriterPatterns element of e's router, or NULL. */
struct rw_pattern *rw_find_named_pattern(struct weir_element *e, const char *name);

/* Parses INPUTSPEC arg for input `i`. addr_only: IPAddrRewriter's patterns
 * (SADDR DADDR, no ports). Returns 0 or -EINVAL through errh. */
int rw_parse_input_spec(struct weir_element *e, const char *arg, int i, bool addr_only,
			struct rw_input *in, struct weir_errh *errh);
/*
 * Splits conf->argv into keyword arguments (an upper-case first word) and
 * input specs; parses the keywords with `table` into priv and each spec into
 * rw->inputs (allocated, one per input port). Returns 0 or -EINVAL.
 */
int rw_configure(struct weir_element *e, struct rw_common *rw, const struct weir_conf *conf,
		 const struct weir_arg *table, void *priv, bool addr_only, struct weir_errh *errh);
/* Allocates the table; arms nothing (the reap timer is armed with the first flow). */
int rw_initialize(struct weir_element *e, struct rw_common *rw, unsigned nclasses,
		  struct weir_errh *errh);
void rw_cleanup(struct rw_common *rw);

static inline uint32_t
rw_now(const struct rw_common *rw)
{
	return (uint32_t)((weir_time_ns() - rw->t0_ns) / 1000000);
}

/*
 * Chooses the rewritten flow for a new forward key k per input spec in
 * (kind KEEP or PATTERN): fills *out (the rewritten forward flow). Returns
 * false when the pattern has no free port/address (counted by the caller).
 */
bool rw_pattern_apply(struct rw_common *rw, const struct rw_pattern *pat, const struct rw_key *k,
		      struct rw_key *out);

/*
 * Makes a flow for forward key k rewritten to rk, made by input `input`, in
 * timeout class c. Evicts when the table is full. Returns the flow index or
 * RW_NONE (a mapping failure, counted in the input).
 */
uint32_t rw_add_flow(struct rw_common *rw, const struct rw_key *k, const struct rw_key *rk,
		     int input, unsigned c, uint32_t now);

/* Schedules the reap timer if it is idle. */
static inline void
rw_arm_reaper(struct rw_common *rw)
{
	if (rw->reap_interval_ns > 0 && !weir_timer_scheduled(&rw->reap_timer))
		weir_timer_schedule_after(&rw->reap_timer, rw->reap_interval_ns);
}

/* ---- handlers ------------------------------------------------------------------- */

/* Click's IPFlowID unparse: "(SA, SP, DA, DP)". */
void rw_format_flowid(struct weir_strbuf *out, const struct rw_key *k);
/* " [*F R] iN expT" for direction dir of flow f. */
void rw_format_ports(struct weir_strbuf *out, const struct rw_common *rw, const struct rw_flow *f,
		     unsigned dir, uint32_t now);
/* Click's pattern unparse, with the " [count]" suffix. */
void rw_format_input(struct weir_strbuf *out, const struct rw_input *in);
/* Common handlers: nmappings/table_size, mapping_failures, patterns, size,
 * capacity (rw), clear (w), drops. */
int rw_read_common(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out);
int rw_write_common(struct weir_element *e, const char *value, const struct weir_handler *h,
		    struct weir_errh *errh);
enum { RW_H_NMAPPINGS, RW_H_FAILURES, RW_H_PATTERNS, RW_H_SIZE, RW_H_CAPACITY, RW_H_CLEAR,
       RW_H_DROPS };
/* The element's rw_common lives at the start of its priv. */
#define RW_COMMON_HANDLERS                                                                    \
	{ .name = "table_size", .read = rw_read_common, .arg = RW_H_NMAPPINGS },              \
	{ .name = "nmappings", .read = rw_read_common, .arg = RW_H_NMAPPINGS },               \
	{ .name = "mapping_failures", .read = rw_read_common, .arg = RW_H_FAILURES },         \
	{ .name = "patterns", .read = rw_read_common, .arg = RW_H_PATTERNS },                 \
	{ .name = "size", .read = rw_read_common, .arg = RW_H_SIZE },                         \
	{ .name = "capacity", .read = rw_read_common, .write = rw_write_common,              \
	  .arg = RW_H_CAPACITY },                                                              \
	{ .name = "clear", .write = rw_write_common, .arg = RW_H_CLEAR },                     \
	{ .name = "drops", .read = rw_read_common, .arg = RW_H_DROPS }

#endif /* WEIR_NAT_REWRITER_PRIV_H */
