/* pool.c - fixed-size object pools with per-thread caches (packet buffers, headers). */

/*
 * Design. A pool reserves capacity * obj_size bytes of address space up front
 * (MAP_NORESERVE) and touches it lazily: objects never handed out come from a
 * bump index, freed objects go to a shared stack of pointers. Both are shared
 * state protected by a spinlock, and only the slow paths take it.
 *
 * Each thread (weir_tid) owns a cache of up to cache_max object pointers on
 * its own cache lines. get/put work on that cache with no lock and no atomic
 * read-modify-write; when the cache is empty (full) `batch` objects are moved
 * from (to) the shared stack in one locked section. Objects in other threads'
 * caches are not visible to a thread that finds the shared stack empty, which
 * is why small pools get a small cache (capacity / 8).
 *
 * Exhaustion is not an error: get returns NULL and the calling thread's
 * `failures` counter grows. Statistics sum the per-thread counters, so they
 * are approximate while threads run.
 *
 * Under AddressSanitizer, free objects are poisoned, so a use after kill is
 * reported where it happens.
 */
#include <assert.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "weir/packet.h"
#include "pool_priv.h"

#define POOL_SPINS_BEFORE_YIELD 1024

static inline void
pool_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

static void
pool_lock(struct weir_pool *pool)
{
	unsigned spins = 0;

	while (__atomic_exchange_n(&pool->shared.lock, 1, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(&pool->shared.lock, __ATOMIC_RELAXED)) {
			if (++spins % POOL_SPINS_BEFORE_YIELD == 0)
				sched_yield();
			else
				pool_cpu_relax();
		}
	}
}

static void
pool_unlock(struct weir_pool *pool)
{
	__atomic_store_n(&pool->shared.lock, 0, __ATOMIC_RELEASE);
}

static void *
pool_map(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static uint64_t
pool_available(const struct weir_pool *pool)
{
	return pool->shared.nfree + (pool->capacity - pool->shared.bump);
}

/* Takes up to n objects from the shared state (stack first: its memory is
 * warm). Called with the lock held. Returns how many it took. */
static unsigned
pool_shared_take(struct weir_pool *pool, void **dst, unsigned n)
{
	uint64_t nfree = pool->shared.nfree;
	unsigned k = (unsigned)WEIR_MIN((uint64_t)n, nfree);
	unsigned got;

	memcpy(dst, pool->stack + (nfree - k), k * sizeof(void *));
	pool->shared.nfree = nfree - k;
	for (got = k; got < n && pool->shared.bump < pool->capacity; got++)
		dst[got] = pool->base + pool->shared.bump++ * pool->obj_size;
	return got;
}

/* Pushes n objects on the shared stack. Called with the lock held. */
static void
pool_shared_give(struct weir_pool *pool, void *const *objs, unsigned n)
{
	uint64_t nfree = pool->shared.nfree;

	for (unsigned i = 0; i < n; i++) {
		size_t off = (size_t)((uint8_t *)objs[i] - pool->base);

		/* catches a put into the wrong pool and double frees (cheaply:
		 * no division, this runs once per object moved across threads) */
		assert(off < pool->map_len && off % WEIR_CACHE_LINE == 0);
		assert(nfree < pool->capacity);
		pool->stack[nfree++] = objs[i];
	}
	pool->shared.nfree = nfree;
}

static void
pool_count_failures(struct weir_pool_cache *c, uint64_t n)
{
	__atomic_store_n(&c->failures, c->failures + n, __ATOMIC_RELAXED);
}

void *
weir_pool_get_slow(struct weir_pool *pool, struct weir_pool_cache *c)
{
	unsigned k;
	void *obj;

	assert(weir_tid < WEIR_MAX_THREADS);
	pool_lock(pool);
	k = pool_shared_take(pool, c->objs, pool->batch);
	pool_unlock(pool);
	if (k == 0) {
		pool_count_failures(c, 1);
		return NULL;
	}
	obj = c->objs[k - 1];
	weir_pool_cache_set_n(c, k - 1);
	weir_pool_unpoison(pool, obj);
	return obj;
}

void
weir_pool_put_slow(struct weir_pool *pool, struct weir_pool_cache *c, void *obj)
{
	unsigned k = WEIR_MIN(c->n, pool->batch);

	assert(weir_tid < WEIR_MAX_THREADS);
	pool_lock(pool);
	pool_shared_give(pool, c->objs + (c->n - k), k);
	pool_shared_give(pool, &obj, 1);
	pool_unlock(pool);
	weir_pool_cache_set_n(c, c->n - k);
}

unsigned
weir_pool_get_bulk_slow(struct weir_pool *pool, struct weir_pool_cache *c, void **objs,
			unsigned n)
{
	unsigned got = c->n;

	pool_lock(pool);
	if (pool_available(pool) + got < n) {
		pool_unlock(pool);
		pool_count_failures(c, n);
		return 0;
	}
	memcpy(objs, c->objs, got * sizeof(void *));
	got += pool_shared_take(pool, objs + got, n - got);
	assert(got == n);
	weir_pool_cache_set_n(c, pool_shared_take(pool, c->objs,
						  WEIR_MIN(pool->batch, pool->cache_max)));
	pool_unlock(pool);
	for (unsigned i = 0; i < n; i++)
		weir_pool_unpoison(pool, objs[i]);
	return n;
}

void
weir_pool_put_bulk_slow(struct weir_pool *pool, struct weir_pool_cache *c,
			void *const *objs, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		weir_pool_poison(pool, objs[i]);
	pool_lock(pool);
	pool_shared_give(pool, objs, n);
	pool_unlock(pool);
}

struct weir_pool *
weir_pool_create(const char *name, size_t obj_size, uint64_t capacity)
{
	struct weir_pool *pool;
	size_t map_len;

	if (obj_size == 0 || capacity == 0 || obj_size > ((size_t)1 << 30))
		return NULL;
	obj_size = WEIR_ALIGN_UP(obj_size, WEIR_CACHE_LINE);
	if (__builtin_mul_overflow(obj_size, capacity, &map_len) ||
	    capacity > SIZE_MAX / sizeof(void *))
		return NULL;
	pool = pool_map(sizeof(*pool));
	if (pool == NULL)
		return NULL;
	pool->obj_size = obj_size;
	pool->capacity = capacity;
	pool->cache_max = (uint32_t)WEIR_MIN(capacity / 8, (uint64_t)WEIR_POOL_CACHE_MAX);
	pool->batch = WEIR_MAX(pool->cache_max / 4, 1u);
	snprintf(pool->name, sizeof(pool->name), "%s", name ? name : "");
	pool->map_len = map_len;
	pool->base = pool_map(map_len);
	if (pool->base == NULL)
		goto err_unmap_pool;
	pool->stack_len = capacity * sizeof(void *);
	pool->stack = pool_map(pool->stack_len);
	if (pool->stack == NULL)
		goto err_unmap_base;
	return pool;

err_unmap_base:
	munmap(pool->base, map_len);
err_unmap_pool:
	munmap(pool, sizeof(*pool));
	return NULL;
}

void
weir_pool_destroy(struct weir_pool *pool)
{
	if (pool == NULL)
		return;
	/* the shadow of poisoned objects must not outlive the mapping */
	weir_pool_unpoison_range(pool->base, pool->shared.bump * pool->obj_size);
	munmap(pool->stack, pool->stack_len);
	munmap(pool->base, pool->map_len);
	munmap(pool, sizeof(*pool));
}

void *
weir_pool_get(struct weir_pool *pool)
{
	return weir_pool_get_fast(pool);
}

void
weir_pool_put(struct weir_pool *pool, void *obj)
{
	weir_pool_put_fast(pool, obj);
}

unsigned
weir_pool_get_bulk(struct weir_pool *pool, void **objs, unsigned n)
{
	if (n == 0)
		return 0;
	return weir_pool_get_bulk_fast(pool, objs, n);
}

void
weir_pool_put_bulk(struct weir_pool *pool, void *const *objs, unsigned n)
{
	weir_pool_put_bulk_fast(pool, objs, n);
}

void
weir_pool_flush_cache(struct weir_pool *pool)
{
	struct weir_pool_cache *c = &pool->caches[weir_tid];

	pool_lock(pool);
	pool_shared_give(pool, c->objs, c->n);
	pool_unlock(pool);
	weir_pool_cache_set_n(c, 0);
}

void
weir_pool_stats(const struct weir_pool *cpool, struct weir_pool_stats *st)
{
	/* the lock is the only thing written; the pool itself is not const */
	struct weir_pool *pool = (struct weir_pool *)cpool;
	uint64_t cached = 0, failures = 0, used;

	pool_lock(pool);
	used = pool->shared.bump - pool->shared.nfree;
	pool_unlock(pool);
	for (unsigned t = 0; t < WEIR_MAX_THREADS; t++) {
		cached += __atomic_load_n(&pool->caches[t].n, __ATOMIC_RELAXED);
		failures += __atomic_load_n(&pool->caches[t].failures, __ATOMIC_RELAXED);
	}
	st->capacity = pool->capacity;
	st->in_use = used > cached ? used - cached : 0;
	st->failures = failures;
	st->obj_size = pool->obj_size;
}

const char *
weir_pool_name(const struct weir_pool *pool)
{
	return pool->name;
}
