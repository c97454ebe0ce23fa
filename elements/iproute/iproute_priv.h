/* iproute_priv.h - shared route-table core of the IPRouteTable elements
 * (LinearIPLookup, StaticIPLookup, RadixIPLookup, DirectIPLookup). */
#ifndef WEIR_IPROUTE_PRIV_H
#define WEIR_IPROUTE_PRIV_H

/*
 * Design. Every table keeps its routes in a route list (struct iproute_rlist):
 * an array of slots in Click's `table` order plus an exact-match hash keyed by
 * (prefix, length). The list answers "is this prefix present", "which route
 * covers this one" and dumps the table; each algorithm adds its own lookup
 * structure beside it:
 *
 *   LINEAR  no extra structure: a lookup probes the hash once per prefix
 *           length present, longest first (at most 33 probes).
 *   RADIX   a multibit trie: a 2^16-entry root, then 16-way nodes (strides
 *           16,4,4,4,4). Each node keeps the route of every prefix that ends
 *           inside it (a binary heap of 2n slots) and the expanded result of
 *           each of its n leaves, so a lookup reads one entry per level and
 *           keeps the last non-zero key.
 *   DIRECT  DIR-24-8: 2^24 16-bit first-level entries (32 MB, mmap'ed) and
 *           256-entry second-level chunks for /24s that hold longer routes.
 *           A first-level value below IPROUTE_NH_MAX is a next-hop index,
 *           above it a chunk number. Prefix lengths are kept beside the
 *           entries so that any insertion or removal order gives the exact
 *           longest-prefix match.
 *
 * All addresses in struct iproute_route are in network byte order; masks are
 * contiguous (weir_parse_ip4_prefix refuses others). Updates are control-path
 * operations (configure, handlers) and may allocate; lookups never allocate.
 * Like Click, an update is not synchronised with lookups running on another
 * thread.
 */

#include <stdbool.h>
#include <stdint.h>
#include <arpa/inet.h>
#include "weir/element.h"
#include "weir/strbuf.h"

struct iproute_route {
	uint32_t addr; /* network order, already masked */
	uint32_t mask; /* network order, contiguous */
	uint32_t gw;   /* network order, 0 = none */
	int32_t port;  /* output port; -1 in a remove request = any */
	uint32_t aux;  /* algorithm data (DIRECT: next-hop index) */
};

/* ---- exact-match hash: (host-order prefix, length) -> slot ------------------- */

struct iproute_hash {
	uint64_t *keys; /* 0 = empty */
	uint32_t *vals;
	uint32_t cap;   /* power of two */
	uint32_t n;
};

/* Keys must not be 0. init: 0 or -ENOMEM; find: value or -1; reserve makes
 * room for one more put (0 or -ENOMEM). */
int iproute_hash_init(struct iproute_hash *h, uint32_t cap);
void iproute_hash_free(struct iproute_hash *h);
int64_t iproute_hash_find(const struct iproute_hash *h, uint64_t k);
void iproute_hash_put_nogrow(struct iproute_hash *h, uint64_t k, uint32_t v);
int iproute_hash_reserve(struct iproute_hash *h);
void iproute_hash_del(struct iproute_hash *h, uint64_t k);

/* ---- route list -------------------------------------------------------------- */

enum iproute_kind {
	IPROUTE_LINEAR, /* LinearIPLookup, StaticIPLookup */
	IPROUTE_RADIX,
	IPROUTE_DIRECT,
};

#define IPROUTE_FREE_PORT INT32_MIN

struct iproute_rlist {
	struct iproute_route *routes; /* slots; port == IPROUTE_FREE_PORT when free */
	uint32_t nslots, cap;
	uint32_t nroutes;
	uint32_t *freestack; /* RADIX/DIRECT: freed slots, reused last-freed first */
	uint32_t nfree;
	uint32_t lowfree;    /* LINEAR: no free slot below this index */
	bool lifo;           /* reuse order of free slots (Click's RadixIPLookup) */
	struct iproute_hash hash;
	uint32_t lencount[33];
	uint8_t lens[33]; /* present prefix lengths, longest first */
	uint8_t nlens;
};

/* ---- radix trie -------------------------------------------------------------- */

struct iproute_radix_ent {
	uint32_t key;   /* route slot + 1 of the longest prefix ending here, 0 none */
	uint32_t child; /* entry offset of the child node, 0 none */
};

#define IPROUTE_RADIX_ROOT_BITS 16
#define IPROUTE_RADIX_BITS 4

struct iproute_radix {
	struct iproute_radix_ent *ent; /* root at 0 (2^16 entries), nodes of 16 after */
	uint32_t *pfx;  /* per node at offset o: 2n heap slots at 2o (route key per
			 * prefix, from index 2); slot 0 counts the node's prefixes
			 * and children, slot 1 links free nodes */
	uint32_t nent, capent;
	uint32_t default_key;
	uint32_t free_node; /* first free node (offset), 0 none */
};

/* ---- DIR-24-8 ---------------------------------------------------------------- */

#define IPROUTE_NH_MAX 4096u                        /* distinct (gateway, port) pairs */
#define IPROUTE_CHUNK_MAX (65536u - IPROUTE_NH_MAX) /* second-level chunks */

struct iproute_nexthop {
	uint32_t gw; /* network order */
	int32_t port;
};

struct iproute_direct {
	uint16_t *tbl24;      /* 2^24 entries, mmap'ed */
	uint8_t *plen24;      /* prefix length behind each entry (of the /24's own
			       * covering route when the entry is a chunk) */
	uint16_t *chunks;     /* IPROUTE_CHUNK_MAX * 256 entries, reserved, touched as used */
	uint8_t *plenc;
	uint32_t nchunks;     /* high-water mark */
	uint32_t *chunk_free; /* freed chunk numbers */
	uint32_t nchunk_free;
	struct iproute_nexthop *nh; /* IPROUTE_NH_MAX; nh[0] is "no route" */
	uint32_t *nh_ref;
	uint32_t nnh;               /* high-water mark */
	uint32_t *nh_free;
	uint32_t nnh_free;
	struct iproute_hash nh_hash; /* (gw, port) -> index */
};

/* ---- a table: route list plus one algorithm ---------------------------------- */

struct iproute_table {
	enum iproute_kind kind;
	struct iproute_rlist rl;
	struct iproute_radix radix;
	struct iproute_direct direct;
};

/* Returns 0 or -ENOMEM. */
int iproute_table_init(struct iproute_table *t, enum iproute_kind kind);
void iproute_table_free(struct iproute_table *t);
/* Removes every route (DirectIPLookup's flush); 0, or -ENOMEM with the
 * table unchanged. */
int iproute_table_flush(struct iproute_table *t);
/*
 * Adds r (port >= 0). An existing route for the same prefix is replaced when
 * `set`, else -EEXIST. *old (if not NULL) receives the route replaced or in
 * the way (old->port is IPROUTE_FREE_PORT when there was none). Returns 0,
 * -EEXIST, -ENOSPC (DIRECT: next-hop limit), -E2BIG (DIRECT: chunk limit) or
 * -ENOMEM; on failure
 * the table is unchanged.
 */
int iproute_table_add(struct iproute_table *t, const struct iproute_route *r, bool set,
		      struct iproute_route *old);
/* Removes the route for r's prefix; when r->port >= 0 its gateway and port
 * must match too. Returns 0 or -ENOENT. */
int iproute_table_remove(struct iproute_table *t, const struct iproute_route *r,
			 struct iproute_route *old);
/* Output port for addr (network order), or -1; *gw_be gets the gateway
 * (0 when none). */
int iproute_table_lookup(const struct iproute_table *t, uint32_t addr_be, uint32_t *gw_be);

/* Formats one route like Click's IPRoute::unparse (tabs: column-aligned). */
void iproute_route_unparse(const struct iproute_route *r, bool tabs, struct weir_strbuf *sb);
/* Dumps the table in Click's format for kind. */
void iproute_table_dump(const struct iproute_table *t, struct weir_strbuf *sb);
/*
 * Parses Click's route syntax "ADDR/MASK [GW] OUT" (a bare ADDR is a /32; "-"
 * for GW is no gateway). With `remove`, OUT may be missing (r->port = -1).
 * Returns 0 or -EINVAL.
 */
int iproute_parse_route(const char *s, struct iproute_route *r, bool remove);

/* ---- algorithm internals (route_radix.c, route_direct.c) ---------------------- */

int64_t iproute_rlist_find(const struct iproute_rlist *rl, uint32_t addr_host, unsigned len);
/* Slot of the longest route strictly shorter than len covering addr, or -1. */
int64_t iproute_rlist_covering(const struct iproute_rlist *rl, uint32_t addr_host, unsigned len);

int iproute_radix_init(struct iproute_radix *x);
void iproute_radix_free(struct iproute_radix *x);
/* Sets the key of prefix addr/len (host order; key 0 removes). Never fails:
 * node memory is reserved by iproute_radix_reserve. */
void iproute_radix_set(struct iproute_radix *x, uint32_t addr, unsigned len, uint32_t key);
/* Makes room for the nodes a prefix of length len needs. 0 or -ENOMEM. */
int iproute_radix_reserve(struct iproute_radix *x, uint32_t addr, unsigned len);

int iproute_direct_init(struct iproute_direct *d);
void iproute_direct_free(struct iproute_direct *d);
/* Checks that addr/len can be inserted (a chunk is free if one is needed):
 * 0 or -E2BIG. Changes nothing. */
int iproute_direct_prepare(const struct iproute_direct *d, uint32_t addr, unsigned len);
/* Next-hop index for (gw, port), taking a reference; -ENOSPC when full. */
int iproute_direct_nh_ref(struct iproute_direct *d, uint32_t gw, int32_t port);
void iproute_direct_nh_unref(struct iproute_direct *d, uint32_t nh);
/* Installs next hop nh for addr/len (replacing a route of the same prefix). */
void iproute_direct_insert(struct iproute_direct *d, uint32_t addr, unsigned len, uint16_t nh);
/* Removes addr/len, giving its addresses to the covering route (nh, clen). */
void iproute_direct_delete(struct iproute_direct *d, uint32_t addr, unsigned len, uint16_t nh,
			   unsigned clen);

/* ---- lookups (inline for the data path) -------------------------------------- */

/* LINEAR: slot of the longest matching route, or -1. */
int iproute_linear_slot(const struct iproute_rlist *rl, uint32_t addr_host);

static inline uint32_t
iproute_radix_key(const struct iproute_radix *x, uint32_t a)
{
	const struct iproute_radix_ent *ent = x->ent;
	struct iproute_radix_ent e = ent[a >> (32 - IPROUTE_RADIX_ROOT_BITS)];
	uint32_t key = e.key ? e.key : x->default_key;
	int shift = 32 - IPROUTE_RADIX_ROOT_BITS - IPROUTE_RADIX_BITS;
	while (e.child) {
		e = ent[e.child + ((a >> shift) & ((1u << IPROUTE_RADIX_BITS) - 1))];
		if (e.key)
			key = e.key;
		shift -= IPROUTE_RADIX_BITS;
	}
	return key;
}

static inline uint32_t
iproute_direct_nh(const struct iproute_direct *d, uint32_t a)
{
	uint32_t v = d->tbl24[a >> 8];
	if (v >= IPROUTE_NH_MAX)
		v = d->chunks[((v - IPROUTE_NH_MAX) << 8) | (a & 0xFF)];
	return v;
}

/* Batch lookups of n <= WEIR_BATCH_MAX host-order addresses: key[i] is the
 * route slot + 1 (0: no route); v[i] the next-hop index (0: no route). */
void iproute_radix_keys(const struct iproute_radix *x, uint32_t *a, uint32_t *key,
			uint32_t n);
void iproute_direct_nhs(const struct iproute_direct *d, uint32_t *a, uint32_t *v,
			uint32_t n);

/* ---- element glue (route_element.c) ----------------------------------------- */

struct iproute_elem {
	struct iproute_table t;
	bool initialized;
	bool has_lookup;      /* the lookup handler's address was written */
	uint32_t lookup_addr; /* network order */
	uint32_t complaints;  /* "no route" messages printed */
};

struct iproute_pt {
	uint64_t drops; /* packets without a route */
};

int iproute_elem_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh,
			   enum iproute_kind kind);
void iproute_elem_cleanup(struct weir_element *e);
void iproute_elem_miss(struct weir_element *e, struct iproute_elem *s, uint32_t addr_be);
/* Batch lookups: output port per packet (WEIR_PORT_DROP and a counted drop
 * when there is no route), the gateway written to the dst IP annotation. */
void iproute_classify_linear(struct weir_element *e, struct weir_batch *b, uint8_t *ports);
void iproute_classify_radix(struct weir_element *e, struct weir_batch *b, uint8_t *ports);
void iproute_classify_direct(struct weir_element *e, struct weir_batch *b, uint8_t *ports);

/* Handler sets: LinearIPLookup/RadixIPLookup (add, set, remove, ctrl, table,
 * lookup, drops), StaticIPLookup (table, lookup, drops), DirectIPLookup (the
 * first set plus flush). */
extern const struct weir_handler iproute_handlers_dynamic[];
extern const struct weir_handler iproute_handlers_static[];
extern const struct weir_handler iproute_handlers_direct[];

#endif
