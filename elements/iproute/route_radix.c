/* route_radix.c - RadixIPLookup's multibit trie (strides 16,4,4,4,4) with
 * per-node prefix heaps, so that removals restore the covering route. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "iproute_priv.h"

#define ROOT_N (1u << IPROUTE_RADIX_ROOT_BITS)
#define NODE_N (1u << IPROUTE_RADIX_BITS)
#define MAX_NEW_NODES 4 /* depths 16, 20, 24, 28 below the root */

int
iproute_radix_init(struct iproute_radix *x)
{
	memset(x, 0, sizeof(*x));
	x->capent = ROOT_N + 64 * NODE_N;
	x->ent = calloc(x->capent, sizeof(*x->ent));
	x->pfx = calloc(2 * (size_t)x->capent, sizeof(*x->pfx));
	if (!x->ent || !x->pfx) {
		iproute_radix_free(x);
		return -ENOMEM;
	}
	x->nent = ROOT_N;
	return 0;
}

void
iproute_radix_free(struct iproute_radix *x)
{
	free(x->ent);
	free(x->pfx);
	memset(x, 0, sizeof(*x));
}

int
iproute_radix_reserve(struct iproute_radix *x, uint32_t addr, unsigned len)
{
	(void)addr;
	if (len <= IPROUTE_RADIX_ROOT_BITS || x->nent + MAX_NEW_NODES * NODE_N <= x->capent)
		return 0;
	uint32_t ncap = x->capent * 2;
	struct iproute_radix_ent *ne = realloc(x->ent, ncap * sizeof(*ne));
	if (!ne)
		return -ENOMEM;
	x->ent = ne;
	uint32_t *np = realloc(x->pfx, 2 * (size_t)ncap * sizeof(*np));
	if (!np)
		return -ENOMEM;
	x->pfx = np;
	memset(x->ent + x->capent, 0, (ncap - x->capent) * sizeof(*ne));
	memset(x->pfx + 2 * (size_t)x->capent, 0, 2 * (size_t)(ncap - x->capent) * sizeof(*np));
	x->capent = ncap;
	return 0;
}

/* Recomputes leaves [first, first+count) of the node at offset `node` with n
 * leaves: each takes the key of its longest prefix present in the heap. */
static void
refresh_leaves(struct iproute_radix *x, uint32_t node, uint32_t n, uint32_t first, uint32_t count)
{
	const uint32_t *heap = x->pfx + 2 * (size_t)node;
	for (uint32_t j = first; j < first + count; j++) {
		uint32_t h = n | j;
		while (h > 1 && !heap[h])
			h >>= 1;
		x->ent[node + j].key = heap[h];
	}
}

/* A zeroed node: a freed one (left all zero but its link) or a fresh one
 * (memory made ready by iproute_radix_reserve). */
static uint32_t
node_alloc(struct iproute_radix *x)
{
	uint32_t o = x->free_node;
	if (o) {
		x->free_node = x->pfx[2 * (size_t)o + 1];
		x->pfx[2 * (size_t)o + 1] = 0;
		return o;
	}
	o = x->nent;
	x->nent += NODE_N;
	return o;
}

/* Use count of a non-root node (its prefixes and children) changes by d. */
static inline void
node_use(struct iproute_radix *x, uint32_t node, int d)
{
	if (node)
		x->pfx[2 * (size_t)node] += (uint32_t)d;
}

void
iproute_radix_set(struct iproute_radix *x, uint32_t addr, unsigned len, uint32_t key)
{
	uint32_t pnode[8], pent[8], np = 0;

	if (len == 0) {
		x->default_key = key;
		return;
	}
	uint32_t node = 0, n = ROOT_N;
	unsigned depth = 0, stride = IPROUTE_RADIX_ROOT_BITS;
	while (len > depth + stride) {
		uint32_t j = (addr >> (32 - depth - stride)) & (n - 1);
		struct iproute_radix_ent *e = &x->ent[node + j];
		if (!e->child) {
			if (!key) /* nothing to remove below */
				return;
			uint32_t c = node_alloc(x);
			e = &x->ent[node + j];
			e->child = c;
			node_use(x, node, 1);
		}
		pnode[np] = node;
		pent[np++] = node + j;
		node = e->child;
		depth += stride;
		stride = IPROUTE_RADIX_BITS;
		n = NODE_N;
	}
	unsigned bits = len - depth;
	uint32_t b = (addr >> (32 - len)) & ((1u << bits) - 1);
	uint32_t *slot = &x->pfx[2 * (size_t)node + ((1u << bits) | b)];
	node_use(x, node, (key != 0) - (*slot != 0));
	*slot = key;
	refresh_leaves(x, node, n, b << (stride - bits), 1u << (stride - bits));
	/* give back the nodes left empty, bottom up (all their entries are 0) */
	while (node && !x->pfx[2 * (size_t)node]) {
		np--;
		x->ent[pent[np]].child = 0;
		x->pfx[2 * (size_t)node + 1] = x->free_node;
		x->free_node = node;
		node = pnode[np];
		node_use(x, node, -1);
	}
}

/*
 * Batch lookup, level by level over the whole batch: the next level's entry of
 * every address is prefetched before any is read, so that the cache misses of
 * a batch overlap instead of adding up. n <= WEIR_BATCH_MAX.
 */
void
iproute_radix_keys(const struct iproute_radix *x, uint32_t *a, uint32_t *key, uint32_t n)
{
	const struct iproute_radix_ent *ent = x->ent;
	uint32_t node[WEIR_BATCH_MAX], more = 0;
	int shift = 32 - IPROUTE_RADIX_ROOT_BITS - IPROUTE_RADIX_BITS;

	for (uint32_t i = 0; i < n; i++)
		__builtin_prefetch(&ent[a[i] >> (32 - IPROUTE_RADIX_ROOT_BITS)]);
	for (uint32_t i = 0; i < n; i++) {
		struct iproute_radix_ent r = ent[a[i] >> (32 - IPROUTE_RADIX_ROOT_BITS)];
		key[i] = r.key ? r.key : x->default_key;
		node[i] = r.child;
		if (r.child) {
			__builtin_prefetch(&ent[r.child + ((a[i] >> shift) & (NODE_N - 1))]);
			more = 1;
		}
	}
	for (; more && shift >= 0; shift -= IPROUTE_RADIX_BITS) {
		more = 0;
		for (uint32_t i = 0; i < n; i++) {
			if (!node[i])
				continue;
			uint32_t j = (a[i] >> shift) & (NODE_N - 1);
			struct iproute_radix_ent r = ent[node[i] + j];
			if (r.key)
				key[i] = r.key;
			node[i] = r.child;
			if (r.child) {
				j = (a[i] >> (shift - IPROUTE_RADIX_BITS)) & (NODE_N - 1);
				__builtin_prefetch(&ent[r.child + j]);
				more = 1;
			}
		}
	}
}
