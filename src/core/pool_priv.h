/* pool_priv.h - pool layout and inline fast paths shared by pool.c and packet.c. */
#ifndef WEIR_POOL_PRIV_H
#define WEIR_POOL_PRIV_H

#include <string.h>
#include "weir/packet.h"

#if defined(__SANITIZE_ADDRESS__)
#define WEIR_POOL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WEIR_POOL_ASAN 1
#endif
#endif

#ifdef WEIR_POOL_ASAN
#include <sanitizer/asan_interface.h>
#define weir_pool_poison(p, obj) ASAN_POISON_MEMORY_REGION((obj), (p)->obj_size)
#define weir_pool_unpoison(p, obj) ASAN_UNPOISON_MEMORY_REGION((obj), (p)->obj_size)
#define weir_pool_unpoison_range(addr, len) ASAN_UNPOISON_MEMORY_REGION((addr), (len))
#else
#define weir_pool_poison(p, obj) ((void)(p), (void)(obj))
#define weir_pool_unpoison(p, obj) ((void)(p), (void)(obj))
#define weir_pool_unpoison_range(addr, len) ((void)(addr), (void)(len))
#endif

/* Most objects a per-thread cache holds; pools smaller than 8x this get a
 * smaller cache so one thread cannot hoard the whole pool. */
#define WEIR_POOL_CACHE_MAX 256

/* One thread's cache: only that thread writes it; stats read it relaxed. */
struct weir_pool_cache {
	uint32_t n;
	uint32_t pad;
	uint64_t failures;
	void *objs[WEIR_POOL_CACHE_MAX];
} WEIR_CACHE_ALIGNED;

struct weir_pool {
	/* read-only after create */
	size_t obj_size;
	uint64_t capacity;
	uint32_t cache_max; /* objects a cache may hold */
	uint32_t batch;     /* objects moved per refill/flush */
	uint8_t *base;      /* capacity * obj_size bytes, touched lazily */
	size_t map_len;
	void **stack;       /* shared free stack (capacity slots) */
	size_t stack_len;
	char name[32];
	/* shared state, under lock */
	struct {
		int lock;
		uint64_t bump;  /* objects [0, bump) have been handed out once */
		uint64_t nfree; /* entries on the stack */
	} shared WEIR_CACHE_ALIGNED;
	struct weir_pool_cache caches[WEIR_MAX_THREADS];
};

/* Slow paths in pool.c (cache empty or full). */
void *weir_pool_get_slow(struct weir_pool *pool, struct weir_pool_cache *c);
void weir_pool_put_slow(struct weir_pool *pool, struct weir_pool_cache *c, void *obj);
unsigned weir_pool_get_bulk_slow(struct weir_pool *pool, struct weir_pool_cache *c,
				 void **objs, unsigned n);
void weir_pool_put_bulk_slow(struct weir_pool *pool, struct weir_pool_cache *c,
			     void *const *objs, unsigned n);

static inline void
weir_pool_cache_set_n(struct weir_pool_cache *c, uint32_t n)
{
	__atomic_store_n(&c->n, n, __ATOMIC_RELAXED);
}

static inline void *
weir_pool_get_fast(struct weir_pool *pool)
{
	struct weir_pool_cache *c = &pool->caches[weir_tid];
	uint32_t n = c->n;
	void *obj;

	if (weir_unlikely(n == 0))
		return weir_pool_get_slow(pool, c);
	obj = c->objs[n - 1];
	weir_pool_cache_set_n(c, n - 1);
	weir_pool_unpoison(pool, obj);
	return obj;
}

static inline void
weir_pool_put_fast(struct weir_pool *pool, void *obj)
{
	struct weir_pool_cache *c = &pool->caches[weir_tid];
	uint32_t n = c->n;

	weir_pool_poison(pool, obj);
	if (weir_unlikely(n >= pool->cache_max)) {
		weir_pool_put_slow(pool, c, obj);
		return;
	}
	c->objs[n] = obj;
	weir_pool_cache_set_n(c, n + 1);
}

static inline unsigned
weir_pool_get_bulk_fast(struct weir_pool *pool, void **objs, unsigned n)
{
	struct weir_pool_cache *c = &pool->caches[weir_tid];
	uint32_t cn = c->n;

	if (weir_unlikely(cn < n))
		return weir_pool_get_bulk_slow(pool, c, objs, n);
	cn -= n;
	/* memcpy, not a loop: the compiler cannot prove objs and c->objs apart
	 * and copies one pointer at a time otherwise */
	memcpy(objs, &c->objs[cn], n * sizeof(*objs));
#ifdef WEIR_POOL_ASAN
	for (unsigned i = 0; i < n; i++)
		weir_pool_unpoison(pool, objs[i]);
#endif
	weir_pool_cache_set_n(c, cn);
	return n;
}

static inline void
weir_pool_put_bulk_fast(struct weir_pool *pool, void *const *objs, unsigned n)
{
	struct weir_pool_cache *c = &pool->caches[weir_tid];
	uint32_t cn = c->n;

	if (weir_unlikely(cn + n > pool->cache_max)) {
		weir_pool_put_bulk_slow(pool, c, objs, n);
		return;
	}
#ifdef WEIR_POOL_ASAN
	for (unsigned i = 0; i < n; i++)
		weir_pool_poison(pool, objs[i]);
#endif
	memcpy(&c->objs[cn], objs, n * sizeof(*objs));
	weir_pool_cache_set_n(c, cn + n);
}

#endif
