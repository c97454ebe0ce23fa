/* packet.h - packets, their annotations, buffer pools, clones and copy-on-write. */
#ifndef WEIR_PACKET_H
#define WEIR_PACKET_H

#include <string.h>
#include "weir/common.h"

/*
 * A packet is a header (struct weir_packet, two cache lines) at the start of
 * a fixed-size buffer taken from a pool, followed by headroom and data:
 *
 *   | struct weir_packet | headroom ... | data (len) | tailroom ... |
 *   ^buffer              ^buf            ^data                      ^buf+buf_len
 *
 * A clone is a header taken from the header-only pool that points into the
 * data of another packet (its origin) and holds a reference on it.
 * A packet whose data is shared (a clone, a packet with clones, or one made
 * with WEIR_PKT_EXTERNAL data) must be made writable with
 * weir_packet_uniqueify() before its bytes change, as in Click.
 *
 * Offsets of headers (mac, network, transport) are kept relative to `buf`, so
 * they survive push/pull and copies; WEIR_NO_OFFSET means "not set".
 */

#define WEIR_ANNO_SIZE 48
#define WEIR_DEFAULT_HEADROOM 128
#define WEIR_NO_OFFSET 0xFFFF

/* Click's annotation offsets inside anno[] (same numbers as Click's packet_anno.hh). */
#define WEIR_DST_IP_ANNO_OFFSET 0
#define WEIR_DST_IP6_ANNO_OFFSET 0
#define WEIR_PAINT_ANNO_OFFSET 16
#define WEIR_ICMP_PARAMPROB_ANNO_OFFSET 17
#define WEIR_FIX_IP_SRC_ANNO_OFFSET 19
#define WEIR_VLAN_TCI_ANNO_OFFSET 20
#define WEIR_AGGREGATE_ANNO_OFFSET 20
#define WEIR_SEQUENCE_NUMBER_ANNO_OFFSET 24
#define WEIR_EXTRA_PACKETS_ANNO_OFFSET 28
#define WEIR_EXTRA_LENGTH_ANNO_OFFSET 32
#define WEIR_USER_ANNO_OFFSET 36 /* bytes 36..47 are free for users */

/* Click's packet types (SetPacketType, HostEtherFilter). */
enum weir_packet_type {
	WEIR_PKT_HOST = 0,
	WEIR_PKT_BROADCAST = 1,
	WEIR_PKT_MULTICAST = 2,
	WEIR_PKT_OTHERHOST = 3,
	WEIR_PKT_OUTGOING = 4,
	WEIR_PKT_LOOPBACK = 5,
	WEIR_PKT_FASTROUTE = 6,
};

/* flags */
#define WEIR_PKT_CLONE 0x01    /* data belongs to `origin` */
#define WEIR_PKT_EXTERNAL 0x02 /* data belongs to someone who outlives the packet; no refcount */

struct weir_pool;

struct weir_packet {
	/* first cache line: what the fast path touches */
	uint8_t *data;
	uint32_t len;
	uint16_t flags;
	uint8_t packet_type;
	uint8_t pad0;
	uint8_t *buf;                 /* start of headroom */
	struct weir_packet *origin;   /* owner of the data when WEIR_PKT_CLONE */
	struct weir_pool *pool;       /* where this header/buffer returns */
	uint32_t refcnt;              /* references to this buffer's data (itself + clones) */
	uint32_t buf_len;             /* bytes from buf to the end of the data area */
	uint16_t mac_off;             /* offsets from buf, or WEIR_NO_OFFSET */
	uint16_t net_off;
	uint16_t transport_off;
	uint16_t pad1;
	struct weir_packet *next;     /* free for the current owner (queues, lists) */
	/* second cache line: annotations */
	void *flow;                   /* flow control block (flow subsystem) */
	int64_t timestamp_ns;         /* wall-clock timestamp annotation, ns since epoch */
	uint8_t anno[WEIR_ANNO_SIZE];
} WEIR_CACHE_ALIGNED;

/* ---- pools ---------------------------------------------------------------- */

/* Pool classes used by weir_packet_make(): buffer sizes including the header. */
#define WEIR_POOL_SMALL_SIZE 512
#define WEIR_POOL_MEDIUM_SIZE 2048
#define WEIR_POOL_LARGE_SIZE (68 * 1024)

struct weir_pool_stats {
	uint64_t capacity;    /* objects */
	uint64_t in_use;      /* objects not free (approximate while threads run) */
	uint64_t failures;    /* allocations refused because the pool was empty */
	size_t obj_size;
};

/*
 * Pools may be used from several threads at once, each with its own weir_tid
 * (< WEIR_MAX_THREADS): every thread has a cache, so objects freed by one
 * thread may sit in its cache, invisible to others, until it flushes.
 *
 * Create a pool of `capacity` objects of `obj_size` bytes (rounded up to a
 * cache line). Memory is reserved up front and touched lazily, so a large
 * capacity costs address space, not resident memory. Returns NULL on failure.
 */
struct weir_pool *weir_pool_create(const char *name, size_t obj_size, uint64_t capacity);
void weir_pool_destroy(struct weir_pool *pool);
/* One object, or NULL when the pool is exhausted (counted in failures). */
void *weir_pool_get(struct weir_pool *pool);
void weir_pool_put(struct weir_pool *pool, void *obj);
/* Bulk versions; get returns how many it got (all-or-nothing: n or 0; a
 * refused request counts n failures). */
unsigned weir_pool_get_bulk(struct weir_pool *pool, void **objs, unsigned n);
void weir_pool_put_bulk(struct weir_pool *pool, void *const *objs, unsigned n);
void weir_pool_stats(const struct weir_pool *pool, struct weir_pool_stats *st);
const char *weir_pool_name(const struct weir_pool *pool);
/* Returns objects held in the calling thread's cache to the shared stack. */
void weir_pool_flush_cache(struct weir_pool *pool);

/*
 * The process-wide packet pools. weir_packets_init() creates them (capacities
 * in packets; 0 picks the default); it is idempotent and called by the router.
 */
struct weir_packet_pools {
	struct weir_pool *small, *medium, *large, *clones;
};
int weir_packets_init(uint64_t small_cap, uint64_t medium_cap, uint64_t large_cap,
		      uint64_t clone_cap);
void weir_packets_fini(void);
const struct weir_packet_pools *weir_packet_pools(void);
/* Returns the calling thread's cached objects of every packet pool to the
 * shared stacks (a worker thread calls it when it stops). */
void weir_packets_flush_caches(void);
/* Total allocation failures over all packet pools. */
uint64_t weir_packets_alloc_failures(void);
/* Largest len weir_packet_make() accepts with the default headroom. */
size_t weir_packet_max_len(void);

/* ---- packet life ---------------------------------------------------------- */

/*
 * New packet with `headroom` bytes before and `tailroom` after `len` bytes of
 * data; copies `data` when not NULL (else the bytes are uninitialised).
 * Returns NULL when no pool class is big enough or the pool is exhausted.
 */
struct weir_packet *weir_packet_make(uint32_t headroom, const void *data, uint32_t len,
				     uint32_t tailroom);
static inline struct weir_packet *
weir_packet_make_simple(const void *data, uint32_t len)
{
	return weir_packet_make(WEIR_DEFAULT_HEADROOM, data, len, 0);
}
/* Drop one reference (p not NULL); frees the buffer when it was the last. */
void weir_packet_kill(struct weir_packet *p);
/* Kill many packets (cheaper than a loop of weir_packet_kill). */
void weir_packet_kill_bulk(struct weir_packet **pkts, unsigned n);
/* A clone shares the data and copies the annotations. NULL when out of headers. */
struct weir_packet *weir_packet_clone(struct weir_packet *p);
/*
 * A clone of a packet whose data stays valid for the life of every clone
 * (Replay's preloaded packets): no reference count is taken.
 */
struct weir_packet *weir_packet_clone_external(const struct weir_packet *p);
/*
 * Bulk versions: out[i] becomes a clone (an external clone) of src[i]. All or
 * nothing: returns n, or 0 when the header pool cannot supply n headers
 * (counted as n failures). Cheaper than a loop: one pool access per call.
 */
unsigned weir_packet_clone_bulk(struct weir_packet *const *src, struct weir_packet **out,
				unsigned n);
unsigned weir_packet_clone_external_bulk(struct weir_packet *const *src,
					 struct weir_packet **out, unsigned n);
/* True when writing the data would be seen through another packet. */
static inline bool
weir_packet_shared(const struct weir_packet *p)
{
	return (p->flags & (WEIR_PKT_CLONE | WEIR_PKT_EXTERNAL)) || p->refcnt > 1;
}
/* Make the data private (copy on write). Returns the writable packet, which
 * may be a new one; on failure the packet is killed and NULL returned. */
struct weir_packet *weir_packet_uniqueify_slow(struct weir_packet *p);
static inline struct weir_packet *
weir_packet_uniqueify(struct weir_packet *p)
{
	return weir_likely(!weir_packet_shared(p)) ? p : weir_packet_uniqueify_slow(p);
}

/* ---- room and data ---------------------------------------------------------- */

static inline uint32_t
weir_packet_headroom(const struct weir_packet *p)
{
	return (uint32_t)(p->data - p->buf);
}
static inline uint32_t
weir_packet_tailroom(const struct weir_packet *p)
{
	return p->buf_len - (uint32_t)(p->data - p->buf) - p->len;
}
static inline uint8_t *
weir_packet_end_data(const struct weir_packet *p)
{
	return p->data + p->len;
}

/*
 * push: prepend n bytes (Click's push). Uniqueifies, and reallocates when the
 * headroom is short. Returns the packet (maybe new) or NULL (packet killed).
 */
struct weir_packet *weir_packet_push(struct weir_packet *p, uint32_t n);
/* put: append n bytes at the end; same rules as push. */
struct weir_packet *weir_packet_put(struct weir_packet *p, uint32_t n);
/* pull: remove n bytes from the front (n <= len); never fails, no copy. */
static inline void
weir_packet_pull(struct weir_packet *p, uint32_t n)
{
	if (n > p->len)
		n = p->len;
	p->data += n;
	p->len -= n;
}
/* take: remove n bytes from the end (n <= len). */
static inline void
weir_packet_take(struct weir_packet *p, uint32_t n)
{
	if (n > p->len)
		n = p->len;
	p->len -= n;
}
/* Click's nonunique_push: move data back into headroom without copying
 * (Unstrip); returns false when the headroom is short. */
static inline bool
weir_packet_unstrip(struct weir_packet *p, uint32_t n)
{
	if (weir_packet_headroom(p) < n)
		return false;
	p->data -= n;
	p->len += n;
	return true;
}

/* ---- header offsets -------------------------------------------------------- */

static inline void
weir_packet_set_mac_header(struct weir_packet *p, const uint8_t *h)
{
	p->mac_off = (uint16_t)(h - p->buf);
}
static inline void
weir_packet_set_network_header(struct weir_packet *p, const uint8_t *h)
{
	p->net_off = (uint16_t)(h - p->buf);
}
static inline void
weir_packet_set_transport_header(struct weir_packet *p, const uint8_t *h)
{
	p->transport_off = (uint16_t)(h - p->buf);
}
static inline uint8_t *
weir_packet_mac_header(const struct weir_packet *p)
{
	return p->mac_off == WEIR_NO_OFFSET ? NULL : p->buf + p->mac_off;
}
static inline uint8_t *
weir_packet_network_header(const struct weir_packet *p)
{
	return p->net_off == WEIR_NO_OFFSET ? NULL : p->buf + p->net_off;
}
static inline uint8_t *
weir_packet_transport_header(const struct weir_packet *p)
{
	return p->transport_off == WEIR_NO_OFFSET ? NULL : p->buf + p->transport_off;
}
/* Offsets of the headers from the start of the data (may be negative), as
 * Click's mac_header_offset()/network_header_offset(). */
static inline int
weir_packet_network_offset(const struct weir_packet *p)
{
	return (int)p->net_off - (int)(p->data - p->buf);
}
static inline int
weir_packet_transport_offset(const struct weir_packet *p)
{
	return (int)p->transport_off - (int)(p->data - p->buf);
}

/* ---- annotations ------------------------------------------------------------ */

static inline uint8_t
weir_anno_u8(const struct weir_packet *p, unsigned off)
{
	return p->anno[off];
}
static inline void
weir_set_anno_u8(struct weir_packet *p, unsigned off, uint8_t v)
{
	p->anno[off] = v;
}
static inline uint16_t
weir_anno_u16(const struct weir_packet *p, unsigned off)
{
	uint16_t v;
	memcpy(&v, p->anno + off, 2);
	return v;
}
static inline void
weir_set_anno_u16(struct weir_packet *p, unsigned off, uint16_t v)
{
	memcpy(p->anno + off, &v, 2);
}
static inline uint32_t
weir_anno_u32(const struct weir_packet *p, unsigned off)
{
	uint32_t v;
	memcpy(&v, p->anno + off, 4);
	return v;
}
static inline void
weir_set_anno_u32(struct weir_packet *p, unsigned off, uint32_t v)
{
	memcpy(p->anno + off, &v, 4);
}
/* Destination IP annotation, network byte order (Click's DST_IP_ANNO). */
static inline uint32_t
weir_dst_ip_anno(const struct weir_packet *p)
{
	return weir_anno_u32(p, WEIR_DST_IP_ANNO_OFFSET);
}
static inline void
weir_set_dst_ip_anno(struct weir_packet *p, uint32_t addr_be)
{
	weir_set_anno_u32(p, WEIR_DST_IP_ANNO_OFFSET, addr_be);
}
static inline uint8_t
weir_paint_anno(const struct weir_packet *p)
{
	return p->anno[WEIR_PAINT_ANNO_OFFSET];
}
static inline void
weir_set_paint_anno(struct weir_packet *p, uint8_t c)
{
	p->anno[WEIR_PAINT_ANNO_OFFSET] = c;
}
/* VLAN TCI annotation, network byte order (Click's VLAN_TCI_ANNO). */
static inline uint16_t
weir_vlan_tci_anno(const struct weir_packet *p)
{
	return weir_anno_u16(p, WEIR_VLAN_TCI_ANNO_OFFSET);
}
static inline void
weir_set_vlan_tci_anno(struct weir_packet *p, uint16_t tci_be)
{
	weir_set_anno_u16(p, WEIR_VLAN_TCI_ANNO_OFFSET, tci_be);
}
/* Clear all annotations (anno bytes, header offsets, timestamp, type, flow). */
void weir_packet_clear_annotations(struct weir_packet *p);
/* Copy annotations (not data, not header offsets) from src to dst. */
void weir_packet_copy_annotations(struct weir_packet *dst, const struct weir_packet *src);

/*
 * Annotation names accepted by ANNO keywords (Paint's ANNO, etc.): "PAINT",
 * "DST_IP", "VLAN_TCI", "AGGREGATE", ... or a byte offset. Fills offset and
 * size (size 0 means any). Returns 0 or -EINVAL.
 */
int weir_anno_lookup(const char *name, unsigned *offset, unsigned *size);

_Static_assert(sizeof(struct weir_packet) == 128, "packet header is two cache lines");

#endif
