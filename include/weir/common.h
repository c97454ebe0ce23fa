/* common.h - compiler helpers and constants shared by every part of weir. */
#ifndef WEIR_COMMON_H
#define WEIR_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define WEIR_VERSION "0.1.0"

#define WEIR_CACHE_LINE 64
#define WEIR_MAX_THREADS 64

#define weir_likely(x) __builtin_expect(!!(x), 1)
#define weir_unlikely(x) __builtin_expect(!!(x), 0)
#define WEIR_ALIGNED(n) __attribute__((aligned(n)))
#define WEIR_CACHE_ALIGNED WEIR_ALIGNED(WEIR_CACHE_LINE)
#define WEIR_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define WEIR_UNUSED __attribute__((unused))
#define WEIR_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define WEIR_MIN(a, b) ((a) < (b) ? (a) : (b))
#define WEIR_MAX(a, b) ((a) > (b) ? (a) : (b))
#define WEIR_ALIGN_UP(x, a) (((x) + (a) - 1) & ~((size_t)(a) - 1))
#define weir_container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

/* Index of the calling worker thread (0 for the main thread). Set by the
 * thread runtime before a worker runs; read on the fast path to pick
 * per-thread caches and per-thread element state. */
extern _Thread_local unsigned weir_tid __attribute__((tls_model("initial-exec")));

/* Full memory barrier (store-load ordering between threads). ThreadSanitizer
 * does not model fences: under it, a seq_cst read-modify-write of a
 * thread-local word does the same job on x86 and keeps TSan quiet. */
static inline void
weir_smp_mb(void)
{
#if defined(__SANITIZE_THREAD__)
	static __thread int weir_mb_word;
	__atomic_fetch_add(&weir_mb_word, 0, __ATOMIC_SEQ_CST);
#else
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

#endif
