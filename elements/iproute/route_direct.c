/* route_direct.c - DirectIPLookup's DIR-24-8 tables: updates that keep the
 * exact longest-prefix match whatever the order of insertions and removals. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "iproute_priv.h"

#define TBL24_N (1u << 24)
#define CHUNK_ENTRIES ((size_t)IPROUTE_CHUNK_MAX * 256)

/*
 * Invariant behind the updates: every first-level entry i carries plen24[i],
 * the length of the longest route of at most 24 bits covering it (0 when
 * none), and every chunk entry its own length (chunk entries of length <= 24
 * equal the /24's plen24). A route of length p covers an aligned block in which
 * no entry has a length below p, so an update for a shorter prefix can skip
 * that whole block ("i |= 0xFFFFFF >> p"), and the result never depends on the
 * order in which routes were added.
 */

/* Zeroed memory, mapped on first touch; lookup tables ask for huge pages
 * (fewer TLB misses on a 32 MB table; ignored where THP is off). */
static void *
map_zero(size_t bytes, bool huge)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	if (huge)
		(void)madvise(p, bytes, MADV_HUGEPAGE);
#endif
	return p;
}

static void
unmap(void *p, size_t bytes)
{
	if (p)
		munmap(p, bytes);
}

int
iproute_direct_init(struct iproute_direct *d)
{
	memset(d, 0, sizeof(*d));
	d->tbl24 = map_zero(TBL24_N * sizeof(uint16_t), true);
	d->plen24 = map_zero(TBL24_N, false);
	d->chunks = map_zero(CHUNK_ENTRIES * sizeof(uint16_t), true);
	d->plenc = map_zero(CHUNK_ENTRIES, false);
	d->chunk_free = calloc(IPROUTE_CHUNK_MAX, sizeof(*d->chunk_free));
	d->nh = calloc(IPROUTE_NH_MAX, sizeof(*d->nh));
	d->nh_ref = calloc(IPROUTE_NH_MAX, sizeof(*d->nh_ref));
	d->nh_free = calloc(IPROUTE_NH_MAX, sizeof(*d->nh_free));
	if (!d->tbl24 || !d->plen24 || !d->chunks || !d->plenc || !d->chunk_free || !d->nh ||
	    !d->nh_ref || !d->nh_free || iproute_hash_init(&d->nh_hash, 64) < 0) {
		iproute_direct_free(d);
		return -ENOMEM;
	}
	d->nh[0].port = -1; /* index 0: no route */
	d->nh_ref[0] = 1;
	d->nnh = 1;
	return 0;
}

void
iproute_direct_free(struct iproute_direct *d)
{
	unmap(d->tbl24, TBL24_N * sizeof(uint16_t));
	unmap(d->plen24, TBL24_N);
	unmap(d->chunks, CHUNK_ENTRIES * sizeof(uint16_t));
	unmap(d->plenc, CHUNK_ENTRIES);
	free(d->chunk_free);
	free(d->nh);
	free(d->nh_ref);
	free(d->nh_free);
	iproute_hash_free(&d->nh_hash);
	memset(d, 0, sizeof(*d));
}

static inline uint64_t
nh_key(uint32_t gw, int32_t port)
{
	return (((uint64_t)ntohl(gw) << 32) | (uint32_t)port) + 1;
}

int
iproute_direct_nh_ref(struct iproute_direct *d, uint32_t gw, int32_t port)
{
	uint64_t k = nh_key(gw, port);
	int64_t v = iproute_hash_find(&d->nh_hash, k);
	if (v >= 0) {
		d->nh_ref[v]++;
		return (int)v;
	}
	if (!d->nnh_free && d->nnh == IPROUTE_NH_MAX)
		return -ENOSPC;
	if (iproute_hash_reserve(&d->nh_hash) < 0)
		return -ENOMEM;
	uint32_t i = d->nnh_free ? d->nh_free[--d->nnh_free] : d->nnh++;
	d->nh[i].gw = gw;
	d->nh[i].port = port;
	d->nh_ref[i] = 1;
	iproute_hash_put_nogrow(&d->nh_hash, k, i);
	return (int)i;
}

void
iproute_direct_nh_unref(struct iproute_direct *d, uint32_t i)
{
	if (i == 0 || --d->nh_ref[i])
		return;
	iproute_hash_del(&d->nh_hash, nh_key(d->nh[i].gw, d->nh[i].port));
	d->nh_free[d->nnh_free++] = i;
}

int
iproute_direct_prepare(const struct iproute_direct *d, uint32_t addr, unsigned len)
{
	if (len > 24 && d->tbl24[addr >> 8] < IPROUTE_NH_MAX && !d->nchunk_free &&
	    d->nchunks == IPROUTE_CHUNK_MAX)
		return -E2BIG;
	return 0;
}

/* The chunk of /24 number i, made from its first-level entry if needed. */
static uint32_t
chunk_of(struct iproute_direct *d, uint32_t i)
{
	uint16_t v = d->tbl24[i];
	if (v >= IPROUTE_NH_MAX)
		return v - IPROUTE_NH_MAX;
	uint32_t c = d->nchunk_free ? d->chunk_free[--d->nchunk_free] : d->nchunks++;
	size_t base = (size_t)c << 8;
	for (unsigned j = 0; j < 256; j++) {
		d->chunks[base + j] = v;
		d->plenc[base + j] = d->plen24[i];
	}
	__atomic_store_n(&d->tbl24[i], (uint16_t)(IPROUTE_NH_MAX + c), __ATOMIC_RELEASE);
	return c;
}

/* Entries [first, first+count) of chunk c: those of length `from` (or of at
 * most `from` when `upto`) become (nh, len); longer ones are skipped. */
static void
chunk_update(struct iproute_direct *d, uint32_t c, unsigned first, unsigned count, unsigned from,
	     bool upto, uint16_t nh, unsigned len)
{
	size_t base = (size_t)c << 8;
	for (unsigned j = first; j < first + count; j++) {
		unsigned q = d->plenc[base + j];
		if (q == from || (upto && q < from)) {
			d->chunks[base + j] = nh;
			d->plenc[base + j] = (uint8_t)len;
		} else if (q > 24) {
			j |= 0xFFu >> (q - 24);
		}
	}
}

void
iproute_direct_insert(struct iproute_direct *d, uint32_t addr, unsigned len, uint16_t nh)
{
	if (len > 24) {
		uint32_t c = chunk_of(d, addr >> 8);
		chunk_update(d, c, addr & 0xFF, 1u << (32 - len), len, true, nh, len);
		return;
	}
	uint32_t end = (addr >> 8) + (1u << (24 - len));
	for (uint32_t i = addr >> 8; i < end; i++) {
		unsigned p = d->plen24[i];
		if (p > len) {
			i |= 0xFFFFFFu >> p;
			continue;
		}
		uint16_t v = d->tbl24[i];
		if (v >= IPROUTE_NH_MAX)
			chunk_update(d, v - IPROUTE_NH_MAX, 0, 256, len, true, nh, len);
		else
			d->tbl24[i] = nh;
		d->plen24[i] = (uint8_t)len;
	}
}

/* Frees chunk c of /24 i when it holds no route longer than 24 bits. */
static void
chunk_maybe_free(struct iproute_direct *d, uint32_t i, uint32_t c)
{
	size_t base = (size_t)c << 8;
	for (unsigned j = 0; j < 256; j++)
		if (d->plenc[base + j] > 24)
			return;
	__atomic_store_n(&d->tbl24[i], d->chunks[base], __ATOMIC_RELEASE);
	d->chunk_free[d->nchunk_free++] = c;
}

void
iproute_direct_delete(struct iproute_direct *d, uint32_t addr, unsigned len, uint16_t nh,
		      unsigned clen)
{
	if (len > 24) {
		uint32_t i = addr >> 8;
		uint16_t v = d->tbl24[i];
		if (v < IPROUTE_NH_MAX)
			return;
		chunk_update(d, v - IPROUTE_NH_MAX, addr & 0xFF, 1u << (32 - len), len, false, nh,
			     clen);
		chunk_maybe_free(d, i, v - IPROUTE_NH_MAX);
		return;
	}
	uint32_t end = (addr >> 8) + (1u << (24 - len));
	for (uint32_t i = addr >> 8; i < end; i++) {
		unsigned p = d->plen24[i];
		if (p > len) {
			i |= 0xFFFFFFu >> p;
			continue;
		}
		uint16_t v = d->tbl24[i];
		if (v >= IPROUTE_NH_MAX)
			chunk_update(d, v - IPROUTE_NH_MAX, 0, 256, len, false, nh, clen);
		else
			d->tbl24[i] = nh;
		d->plen24[i] = (uint8_t)clen;
	}
}

/* Batch lookup: all first-level entries are prefetched, then all chunk
 * entries, then both are read. */
void
iproute_direct_nhs(const struct iproute_direct *d, uint32_t *a, uint32_t *v, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		__builtin_prefetch(&d->tbl24[a[i] >> 8]);
	for (uint32_t i = 0; i < n; i++) {
		v[i] = d->tbl24[a[i] >> 8];
		if (v[i] >= IPROUTE_NH_MAX)
			__builtin_prefetch(&d->chunks[((size_t)(v[i] - IPROUTE_NH_MAX) << 8) |
						      (a[i] & 0xFF)]);
	}
	for (uint32_t i = 0; i < n; i++)
		if (v[i] >= IPROUTE_NH_MAX)
			v[i] = d->chunks[((size_t)(v[i] - IPROUTE_NH_MAX) << 8) | (a[i] & 0xFF)];
}
