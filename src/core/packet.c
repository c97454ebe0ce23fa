/* packet.c - packet pools, packet life (make, clone, kill), copy on write and annotations. */

/*
 * Buffers come from three size classes (small, medium, large); the packet
 * header sits at the start of its buffer. Clones are header-only objects from
 * a fourth pool that point into their origin's buffer.
 *
 * Reference counting: an owner's refcnt counts the references to its buffer,
 * itself included; each clone holds one. Taking or dropping a reference
 * skips the atomic when the count is 1: the only reference is then the
 * caller's, so no other thread can touch the count (DPDK does the same for
 * mbufs). Otherwise the count changes with atomic add/sub. An external clone
 * (WEIR_PKT_EXTERNAL) holds no reference: its data outlives it by contract.
 *
 * An owner killed while clones remain leaves its header in the buffer as a
 * husk that only carries refcnt and pool until the last clone goes.
 *
 * The pools are created once (weir_packets_init, by the router, or lazily by
 * the first weir_packet_make) before worker threads start.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "weir/batch.h"
#include "weir/packet.h"
#include "pool_priv.h"

#define PACKET_SHARED_FLAGS (WEIR_PKT_CLONE | WEIR_PKT_EXTERNAL)
#define PACKET_HDR ((uint64_t)sizeof(struct weir_packet))

#define DEFAULT_SMALL_CAP (1ull << 20)
#define DEFAULT_MEDIUM_CAP (1ull << 18)
#define DEFAULT_LARGE_CAP 256ull
#define DEFAULT_CLONE_CAP (1ull << 20)

/* A put_bulk run in kill_bulk (objects from one pool in a row). */
#define KILL_RUN_MAX 64

static struct weir_packet_pools packet_pools;

/* make() requests no class can hold, per thread */
static struct {
	uint64_t n;
} WEIR_CACHE_ALIGNED oversize_failures[WEIR_MAX_THREADS];

/* ---- pools ------------------------------------------------------------------ */

static void
packets_destroy_pools(void)
{
	weir_pool_destroy(packet_pools.small);
	weir_pool_destroy(packet_pools.medium);
	weir_pool_destroy(packet_pools.large);
	weir_pool_destroy(packet_pools.clones);
	memset(&packet_pools, 0, sizeof(packet_pools));
	memset(oversize_failures, 0, sizeof(oversize_failures));
}

int
weir_packets_init(uint64_t small_cap, uint64_t medium_cap, uint64_t large_cap,
		  uint64_t clone_cap)
{
	if (packet_pools.small != NULL)
		return 0;
	packet_pools.small = weir_pool_create("packets-small", WEIR_POOL_SMALL_SIZE,
					      small_cap ? small_cap : DEFAULT_SMALL_CAP);
	packet_pools.medium = weir_pool_create("packets-medium", WEIR_POOL_MEDIUM_SIZE,
					       medium_cap ? medium_cap : DEFAULT_MEDIUM_CAP);
	packet_pools.large = weir_pool_create("packets-large", WEIR_POOL_LARGE_SIZE,
					      large_cap ? large_cap : DEFAULT_LARGE_CAP);
	packet_pools.clones = weir_pool_create("packets-clones", sizeof(struct weir_packet),
					       clone_cap ? clone_cap : DEFAULT_CLONE_CAP);
	if (!packet_pools.small || !packet_pools.medium || !packet_pools.large ||
	    !packet_pools.clones) {
		packets_destroy_pools();
		return -ENOMEM;
	}
	return 0;
}

void
weir_packets_fini(void)
{
	packets_destroy_pools();
}

const struct weir_packet_pools *
weir_packet_pools(void)
{
	return &packet_pools;
}

void
weir_packets_flush_caches(void)
{
	struct weir_pool *pools[] = { packet_pools.small, packet_pools.medium,
				      packet_pools.large, packet_pools.clones };

	for (size_t i = 0; i < WEIR_ARRAY_SIZE(pools); i++) {
		if (pools[i] != NULL)
			weir_pool_flush_cache(pools[i]);
	}
}

static uint64_t
pool_failures(const struct weir_pool *pool)
{
	struct weir_pool_stats st;

	if (pool == NULL)
		return 0;
	weir_pool_stats(pool, &st);
	return st.failures;
}

uint64_t
weir_packets_alloc_failures(void)
{
	uint64_t sum = pool_failures(packet_pools.small) + pool_failures(packet_pools.medium) +
		       pool_failures(packet_pools.large) + pool_failures(packet_pools.clones);

	for (unsigned t = 0; t < WEIR_MAX_THREADS; t++)
		sum += __atomic_load_n(&oversize_failures[t].n, __ATOMIC_RELAXED);
	return sum;
}

size_t
weir_packet_max_len(void)
{
	return WEIR_POOL_LARGE_SIZE - PACKET_HDR - WEIR_DEFAULT_HEADROOM;
}

/* ---- allocation --------------------------------------------------------------- */

/* The smallest class whose buffers hold `need` bytes, header included. */
static inline struct weir_pool *
packet_class(uint64_t need)
{
	if (weir_likely(need <= WEIR_POOL_SMALL_SIZE))
		return packet_pools.small;
	if (need <= WEIR_POOL_MEDIUM_SIZE)
		return packet_pools.medium;
	if (need <= WEIR_POOL_LARGE_SIZE)
		return packet_pools.large;
	return NULL;
}

static void
packet_count_oversize(void)
{
	uint64_t *n = &oversize_failures[weir_tid].n;

	__atomic_store_n(n, *n + 1, __ATOMIC_RELAXED);
}

static inline void
packet_init(struct weir_packet *p, struct weir_pool *pool, uint32_t headroom, uint32_t len)
{
	p->buf = (uint8_t *)(p + 1);
	p->data = p->buf + headroom;
	p->len = len;
	p->flags = 0;
	p->packet_type = WEIR_PKT_HOST;
	p->pad0 = 0;
	p->origin = NULL;
	p->pool = pool;
	p->refcnt = 1;
	p->buf_len = (uint32_t)(pool->obj_size - PACKET_HDR);
	p->mac_off = WEIR_NO_OFFSET;
	p->net_off = WEIR_NO_OFFSET;
	p->transport_off = WEIR_NO_OFFSET;
	p->pad1 = 0;
	p->next = NULL;
	p->flow = NULL;
	p->timestamp_ns = 0;
	memset(p->anno, 0, sizeof(p->anno));
}

/* A fresh packet (data uninitialised); NULL, counted, when nothing fits. */
static inline struct weir_packet *
packet_alloc(uint64_t headroom, uint64_t len, uint64_t tailroom)
{
	struct weir_pool *pool;
	struct weir_packet *p;

	if (weir_unlikely(packet_pools.small == NULL) && weir_packets_init(0, 0, 0, 0) < 0)
		return NULL;
	pool = packet_class(PACKET_HDR + headroom + len + tailroom);
	if (weir_unlikely(pool == NULL)) {
		packet_count_oversize();
		return NULL;
	}
	p = weir_pool_get_fast(pool);
	if (weir_likely(p != NULL))
		packet_init(p, pool, (uint32_t)headroom, (uint32_t)len);
	return p;
}

struct weir_packet *
weir_packet_make(uint32_t headroom, const void *data, uint32_t len, uint32_t tailroom)
{
	struct weir_packet *p = packet_alloc(headroom, len, tailroom);

	if (weir_likely(p != NULL) && data != NULL)
		memcpy(p->data, data, len);
	return p;
}

/* ---- references ------------------------------------------------------------------ */

/* Drops a reference on an owner's buffer; true when it was the last. */
static inline bool
packet_unref(struct weir_packet *owner)
{
	return __atomic_load_n(&owner->refcnt, __ATOMIC_ACQUIRE) == 1 ||
	       __atomic_sub_fetch(&owner->refcnt, 1, __ATOMIC_ACQ_REL) == 0;
}

/* Takes a reference on an owner's buffer. At 1 the only reference is the
 * caller's, so no other thread can race and a plain store does (DPDK's trick
 * for mbufs); this keeps Tee-style clone-once-kill-both to one atomic. */
static inline void
packet_ref(struct weir_packet *owner)
{
	if (__atomic_load_n(&owner->refcnt, __ATOMIC_ACQUIRE) == 1)
		__atomic_store_n(&owner->refcnt, 2, __ATOMIC_RELAXED);
	else
		__atomic_add_fetch(&owner->refcnt, 1, __ATOMIC_RELAXED);
}

/* Fills clone header c from p: same data and annotations, `flag` set. */
static inline void
packet_init_clone(struct weir_packet *c, const struct weir_packet *p, uint16_t flag,
		  struct weir_packet *origin, struct weir_pool *pool)
{
	*c = *p;
	c->flags = (uint16_t)((p->flags & ~PACKET_SHARED_FLAGS) | flag);
	c->origin = origin;
	c->pool = pool;
	c->refcnt = 1;
	c->next = NULL;
}

/* The owner of p's data, or NULL when p's data is external. */
static inline struct weir_packet *
packet_data_owner(struct weir_packet *p)
{
	if (weir_unlikely(p->flags & WEIR_PKT_EXTERNAL))
		return NULL;
	return (p->flags & WEIR_PKT_CLONE) ? p->origin : p;
}

static inline struct weir_packet *
packet_new_header(const struct weir_packet *p, uint16_t flag, struct weir_packet *origin)
{
	struct weir_pool *pool = packet_pools.clones;
	struct weir_packet *c;

	if (weir_unlikely(pool == NULL))
		return NULL;
	c = weir_pool_get_fast(pool);
	if (weir_likely(c != NULL))
		packet_init_clone(c, p, flag, origin, pool);
	return c;
}

struct weir_packet *
weir_packet_clone_external(const struct weir_packet *p)
{
	return packet_new_header(p, WEIR_PKT_EXTERNAL, NULL);
}

struct weir_packet *
weir_packet_clone(struct weir_packet *p)
{
	struct weir_packet *owner = packet_data_owner(p), *c;

	if (weir_unlikely(owner == NULL))
		return weir_packet_clone_external(p);
	c = packet_new_header(p, WEIR_PKT_CLONE, owner);
	if (weir_likely(c != NULL))
		packet_ref(owner);
	return c;
}

/* Headers for a bulk clone: all or nothing. */
static inline bool
packet_get_headers(struct weir_packet **out, unsigned n)
{
	struct weir_pool *pool = packet_pools.clones;

	return n && pool != NULL && weir_pool_get_bulk_fast(pool, (void **)out, n) == n;
}

unsigned
weir_packet_clone_external_bulk(struct weir_packet *const *src, struct weir_packet **out,
				unsigned n)
{
	if (!packet_get_headers(out, n))
		return 0;
	for (unsigned i = 0; i < n; i++)
		packet_init_clone(out[i], src[i], WEIR_PKT_EXTERNAL, NULL, packet_pools.clones);
	return n;
}

unsigned
weir_packet_clone_bulk(struct weir_packet *const *src, struct weir_packet **out, unsigned n)
{
	if (!packet_get_headers(out, n))
		return 0;
	for (unsigned i = 0; i < n; i++) {
		struct weir_packet *owner = packet_data_owner(src[i]);

		if (owner == NULL) {
			packet_init_clone(out[i], src[i], WEIR_PKT_EXTERNAL, NULL,
					  packet_pools.clones);
			continue;
		}
		packet_init_clone(out[i], src[i], WEIR_PKT_CLONE, owner, packet_pools.clones);
		packet_ref(owner);
	}
	return n;
}

/* Kills a clone or an external clone: its header goes back, and a clone
 * drops its reference on the origin. */
static void
packet_kill_header(struct weir_packet *p)
{
	struct weir_packet *owner = (p->flags & WEIR_PKT_CLONE) ? p->origin : NULL;

	weir_pool_put_fast(p->pool, p);
	if (owner != NULL && packet_unref(owner))
		weir_pool_put_fast(owner->pool, owner);
}

void
weir_packet_kill(struct weir_packet *p)
{
	if (weir_likely(!(p->flags & PACKET_SHARED_FLAGS))) {
		if (packet_unref(p))
			weir_pool_put_fast(p->pool, p);
		return;
	}
	packet_kill_header(p);
}

/*
 * True when killing p only returns p itself to `pool`: an unshared packet
 * holding the last reference to its buffer, or an external clone.
 */
static inline bool
packet_kill_is_put(const struct weir_packet *p, const struct weir_pool *pool)
{
	if (p->pool != pool || (p->flags & WEIR_PKT_CLONE))
		return false;
	return (p->flags & WEIR_PKT_EXTERNAL) ||
	       __atomic_load_n(&p->refcnt, __ATOMIC_ACQUIRE) == 1;
}

/*
 * Any mix of packets: what goes back is gathered in runs of the same pool,
 * each returned with one put_bulk.
 */
static void
packet_kill_bulk_mixed(struct weir_packet **pkts, unsigned n)
{
	void *run[KILL_RUN_MAX];
	struct weir_pool *run_pool = NULL;
	unsigned run_n = 0;

	for (unsigned i = 0; i < n; i++) {
		struct weir_packet *p = pkts[i];

		if (!(p->flags & PACKET_SHARED_FLAGS)) {
			if (!packet_unref(p))
				continue;
		} else if (p->flags & WEIR_PKT_CLONE) {
			struct weir_packet *owner = p->origin;

			if (packet_unref(owner))
				weir_pool_put_fast(owner->pool, owner);
		}
		if (p->pool != run_pool || run_n == KILL_RUN_MAX) {
			if (run_n)
				weir_pool_put_bulk_fast(run_pool, run, run_n);
			run_pool = p->pool;
			run_n = 0;
		}
		run[run_n++] = p;
	}
	if (run_n)
		weir_pool_put_bulk_fast(run_pool, run, run_n);
}

/*
 * The common batch (unshared packets of one class, or external clones from a
 * replayer) is checked with loads only and returned with one put_bulk.
 * bench_pool, EPYC VM at ~3 GHz, release build: clone_external_bulk(32) +
 * kill_bulk costs ~16 cycles per packet, a loop of clone_external + one
 * kill_bulk ~30, single clone_external + kill ~24, clone + kill ~34.
 */
void
weir_packet_kill_bulk(struct weir_packet **pkts, unsigned n)
{
	struct weir_pool *pool;
	unsigned i;

	if (weir_unlikely(n == 0))
		return;
	pool = pkts[0]->pool;
	for (i = 0; i < n; i++) {
		if (!packet_kill_is_put(pkts[i], pool))
			break;
	}
	if (weir_likely(i == n)) {
		weir_pool_put_bulk_fast(pool, (void *const *)pkts, n);
		return;
	}
	packet_kill_bulk_mixed(pkts, n);
}

/* ---- copy on write ------------------------------------------------------------------ */

static uint16_t
packet_shift_off(uint16_t off, int64_t delta)
{
	int64_t n;

	if (off == WEIR_NO_OFFSET)
		return off;
	n = (int64_t)off + delta;
	return (n < 0 || n >= WEIR_NO_OFFSET) ? WEIR_NO_OFFSET : (uint16_t)n;
}

/*
 * A private copy of p whose data starts `headroom` bytes into the buffer,
 * with `tailroom` bytes after it when that fits in a buffer no bigger than
 * p's (so a copy does not climb to a scarcer class for room nobody asked
 * for), else at least `min_tailroom`. The bytes of p's headroom that fit are copied too, so
 * header offsets keep pointing at the same bytes (an offset whose bytes were
 * not copied becomes WEIR_NO_OFFSET). NULL when no buffer is available.
 */
static struct weir_packet *
packet_copy(const struct weir_packet *p, uint64_t headroom, uint64_t tailroom,
	    uint64_t min_tailroom)
{
	uint32_t old_headroom = weir_packet_headroom(p);
	uint32_t keep;
	int64_t delta;
	struct weir_packet *q;

	if (headroom + p->len + tailroom > p->buf_len)
		tailroom = min_tailroom;
	q = packet_alloc(headroom, p->len, tailroom);
	if (q == NULL)
		return NULL;
	keep = (uint32_t)WEIR_MIN((uint64_t)old_headroom, headroom);
	memcpy(q->data - keep, p->data - keep, (size_t)keep + p->len);
	q->flags = (uint16_t)(p->flags & ~PACKET_SHARED_FLAGS);
	q->packet_type = p->packet_type;
	weir_packet_copy_annotations(q, p);
	delta = (int64_t)headroom - old_headroom;
	q->mac_off = packet_shift_off(p->mac_off, delta);
	q->net_off = packet_shift_off(p->net_off, delta);
	q->transport_off = packet_shift_off(p->transport_off, delta);
	return q;
}

struct weir_packet *
weir_packet_uniqueify_slow(struct weir_packet *p)
{
	struct weir_packet *q;

	if (!weir_packet_shared(p))
		return p;
	q = packet_copy(p, weir_packet_headroom(p), weir_packet_tailroom(p), 0);
	weir_packet_kill(p);
	return q;
}

static struct weir_packet *
packet_push_slow(struct weir_packet *p, uint32_t n)
{
	uint64_t headroom = weir_packet_headroom(p);
	struct weir_packet *q;

	if (headroom < n)
		headroom = (uint64_t)WEIR_DEFAULT_HEADROOM + n;
	q = packet_copy(p, headroom, weir_packet_tailroom(p), 0);
	weir_packet_kill(p);
	if (q != NULL) {
		q->data -= n;
		q->len += n;
	}
	return q;
}

struct weir_packet *
weir_packet_push(struct weir_packet *p, uint32_t n)
{
	if (weir_likely(!weir_packet_shared(p) && weir_packet_headroom(p) >= n)) {
		p->data -= n;
		p->len += n;
		return p;
	}
	return packet_push_slow(p, n);
}

static struct weir_packet *
packet_put_slow(struct weir_packet *p, uint32_t n)
{
	uint64_t tailroom = WEIR_MAX(weir_packet_tailroom(p), n);
	struct weir_packet *q;

	q = packet_copy(p, weir_packet_headroom(p), tailroom, n);
	weir_packet_kill(p);
	if (q != NULL)
		q->len += n;
	return q;
}

struct weir_packet *
weir_packet_put(struct weir_packet *p, uint32_t n)
{
	if (weir_likely(!weir_packet_shared(p) && weir_packet_tailroom(p) >= n)) {
		p->len += n;
		return p;
	}
	return packet_put_slow(p, n);
}

/* ---- annotations ------------------------------------------------------------------ */

void
weir_packet_clear_annotations(struct weir_packet *p)
{
	memset(p->anno, 0, sizeof(p->anno));
	p->mac_off = WEIR_NO_OFFSET;
	p->net_off = WEIR_NO_OFFSET;
	p->transport_off = WEIR_NO_OFFSET;
	p->timestamp_ns = 0;
	p->packet_type = WEIR_PKT_HOST;
	p->flow = NULL;
}

void
weir_packet_copy_annotations(struct weir_packet *dst, const struct weir_packet *src)
{
	memcpy(dst->anno, src->anno, sizeof(dst->anno));
	dst->timestamp_ns = src->timestamp_ns;
	dst->packet_type = src->packet_type;
	dst->flow = src->flow;
}

struct anno_name {
	const char *name;
	unsigned offset;
	unsigned size;
};

static const struct anno_name anno_names[] = {
	{ "DST_IP", WEIR_DST_IP_ANNO_OFFSET, 4 },
	{ "DST_IP6", WEIR_DST_IP6_ANNO_OFFSET, 16 },
	{ "PAINT", WEIR_PAINT_ANNO_OFFSET, 1 },
	{ "ICMP_PARAMPROB", WEIR_ICMP_PARAMPROB_ANNO_OFFSET, 1 },
	{ "FIX_IP_SRC", WEIR_FIX_IP_SRC_ANNO_OFFSET, 1 },
	{ "VLAN_TCI", WEIR_VLAN_TCI_ANNO_OFFSET, 2 },
	{ "AGGREGATE", WEIR_AGGREGATE_ANNO_OFFSET, 4 },
	{ "SEQUENCE_NUMBER", WEIR_SEQUENCE_NUMBER_ANNO_OFFSET, 4 },
	{ "EXTRA_PACKETS", WEIR_EXTRA_PACKETS_ANNO_OFFSET, 4 },
	{ "EXTRA_LENGTH", WEIR_EXTRA_LENGTH_ANNO_OFFSET, 4 },
};

/* A plain decimal byte offset inside anno[]; -EINVAL otherwise. */
static int
anno_parse_offset(const char *s, unsigned *offset)
{
	unsigned v = 0;

	if (*s == '\0')
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (unsigned)(*s - '0');
		if (v >= WEIR_ANNO_SIZE)
			return -EINVAL;
	}
	*offset = v;
	return 0;
}

int
weir_anno_lookup(const char *name, unsigned *offset, unsigned *size)
{
	unsigned off;

	if (name == NULL || offset == NULL)
		return -EINVAL;
	for (size_t i = 0; i < WEIR_ARRAY_SIZE(anno_names); i++) {
		if (strcmp(name, anno_names[i].name) == 0) {
			*offset = anno_names[i].offset;
			if (size)
				*size = anno_names[i].size;
			return 0;
		}
	}
	if (anno_parse_offset(name, &off) < 0)
		return -EINVAL;
	*offset = off;
	if (size)
		*size = 0;
	return 0;
}
