/* test_pool.c - unit tests for object pools: exhaustion, bulk, caches, threads. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "weir/packet.h"

static struct weir_pool_stats
stats_of(struct weir_pool *pool)
{
	struct weir_pool_stats st;

	weir_pool_stats(pool, &st);
	return st;
}

static int
cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(void *const *)a, y = (uintptr_t)*(void *const *)b;

	return x < y ? -1 : x > y;
}

/* All n pointers distinct, aligned to `align` and within [lo, lo + span). */
static void
assert_distinct(void **objs, unsigned n)
{
	void **sorted = malloc(n * sizeof(void *));

	assert_non_null(sorted);
	memcpy(sorted, objs, n * sizeof(void *));
	qsort(sorted, n, sizeof(void *), cmp_ptr);
	for (unsigned i = 1; i < n; i++)
		assert_ptr_not_equal(sorted[i - 1], sorted[i]);
	free(sorted);
}

static void
test_create_rejects_bad_arguments(void **state)
{
	assert_null(weir_pool_create("zero-size", 0, 10));
	assert_null(weir_pool_create("zero-cap", 64, 0));
	assert_null(weir_pool_create("overflow", (size_t)1 << 30, (uint64_t)1 << 62));
	assert_null(weir_pool_create("huge-obj", (size_t)1 << 31, 1));
}

static void
test_create_rounds_object_size(void **state)
{
	struct weir_pool *pool = weir_pool_create("round", 100, 10);
	struct weir_pool_stats st;

	assert_non_null(pool);
	st = stats_of(pool);
	assert_int_equal(st.obj_size, 128);
	assert_int_equal(st.capacity, 10);
	assert_int_equal(st.in_use, 0);
	assert_int_equal(st.failures, 0);
	assert_string_equal(weir_pool_name(pool), "round");
	weir_pool_destroy(pool);
	weir_pool_destroy(NULL);
}

static void
test_exhaustion_returns_null_and_counts(void **state)
{
	struct weir_pool *pool = weir_pool_create("small", 64, 10);
	void *objs[10];

	for (unsigned i = 0; i < 10; i++) {
		objs[i] = weir_pool_get(pool);
		assert_non_null(objs[i]);
		assert_int_equal((uintptr_t)objs[i] % 64, 0);
		memset(objs[i], 0x5a, 64);
	}
	assert_distinct(objs, 10);
	assert_null(weir_pool_get(pool));
	assert_null(weir_pool_get(pool));
	assert_int_equal(stats_of(pool).failures, 2);
	assert_int_equal(stats_of(pool).in_use, 10);

	weir_pool_put(pool, objs[3]);
	assert_int_equal(stats_of(pool).in_use, 9);
	assert_ptr_equal(weir_pool_get(pool), objs[3]);
	for (unsigned i = 0; i < 10; i++)
		weir_pool_put(pool, objs[i]);
	assert_int_equal(stats_of(pool).in_use, 0);
	assert_int_equal(stats_of(pool).failures, 2);
	weir_pool_destroy(pool);
}

static void
test_bulk_is_all_or_nothing(void **state)
{
	struct weir_pool *pool = weir_pool_create("bulk", 64, 16);
	void *a[16], *b[16];

	assert_int_equal(weir_pool_get_bulk(pool, a, 0), 0);
	assert_int_equal(weir_pool_get_bulk(pool, a, 10), 10);
	assert_int_equal(weir_pool_get_bulk(pool, b, 10), 0);
	assert_int_equal(stats_of(pool).in_use, 10);
	assert_int_equal(stats_of(pool).failures, 10);
	assert_int_equal(weir_pool_get_bulk(pool, a + 10, 6), 6);
	assert_int_equal(weir_pool_get_bulk(pool, b, 1), 0);
	assert_distinct(a, 16);
	assert_int_equal(stats_of(pool).in_use, 16);

	weir_pool_put_bulk(pool, a, 16);
	assert_int_equal(stats_of(pool).in_use, 0);
	assert_int_equal(weir_pool_get_bulk(pool, b, 16), 16);
	assert_distinct(b, 16);
	weir_pool_put_bulk(pool, b, 16);
	assert_int_equal(weir_pool_get_bulk(pool, b, 17), 0);
	weir_pool_destroy(pool);
}

static void
test_bulk_larger_than_cache(void **state)
{
	enum { N = 4096, REQ = 1000 };
	struct weir_pool *pool = weir_pool_create("big-bulk", 64, N);
	static void *objs[N];

	for (unsigned round = 0; round < 3; round++) {
		for (unsigned i = 0; i < 4; i++)
			assert_int_equal(weir_pool_get_bulk(pool, objs + i * REQ, REQ), REQ);
		assert_int_equal(weir_pool_get_bulk(pool, objs + 4 * REQ, REQ), 0);
		assert_int_equal(weir_pool_get_bulk(pool, objs + 4 * REQ, N - 4 * REQ),
				 N - 4 * REQ);
		assert_distinct(objs, N);
		assert_int_equal(stats_of(pool).in_use, N);
		for (unsigned i = 0; i < N; i++)
			weir_pool_put(pool, objs[i]);
		assert_int_equal(stats_of(pool).in_use, 0);
	}
	weir_pool_destroy(pool);
}

static void
test_flush_cache_makes_objects_visible_to_other_threads(void **state)
{
	enum { N = 1024 };
	struct weir_pool *pool = weir_pool_create("flush", 64, N);
	static void *objs[N];

	assert_int_equal(weir_pool_get_bulk(pool, objs, 100), 100);
	weir_pool_put_bulk(pool, objs, 100);
	/* thread 1 cannot see what sits in thread 0's cache */
	weir_tid = 1;
	assert_int_equal(weir_pool_get_bulk(pool, objs, N), 0);
	weir_tid = 0;
	weir_pool_flush_cache(pool);
	weir_tid = 1;
	assert_int_equal(weir_pool_get_bulk(pool, objs, N), N);
	assert_distinct(objs, N);
	weir_pool_put_bulk(pool, objs, N);
	weir_pool_flush_cache(pool);
	weir_tid = 0;
	assert_int_equal(stats_of(pool).in_use, 0);
	weir_pool_destroy(pool);
}

static void
test_small_pool_cannot_be_hoarded_by_one_cache(void **state)
{
	enum { N = 256 };
	struct weir_pool *pool = weir_pool_create("hoard", 64, N);
	static void *objs[N];

	for (unsigned i = 0; i < N; i++)
		assert_non_null(objs[i] = weir_pool_get(pool));
	for (unsigned i = 0; i < N; i++)
		weir_pool_put(pool, objs[i]);
	weir_tid = 1;
	/* thread 0 keeps at most N/8 in its cache */
	assert_int_equal(weir_pool_get_bulk(pool, objs, N - N / 8), N - N / 8);
	weir_pool_put_bulk(pool, objs, N - N / 8);
	weir_tid = 0;
	weir_pool_destroy(pool);
}

static long
resident_kib(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long size, resident = -1;

	if (f == NULL)
		return -1;
	if (fscanf(f, "%ld %ld", &size, &resident) != 2)
		resident = -1;
	fclose(f);
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static void
test_memory_is_touched_lazily(void **state)
{
	long before = resident_kib(), after;
	/* 1 GiB of address space */
	struct weir_pool *pool = weir_pool_create("lazy", 2048, 1 << 19);
	void *objs[64];

	assert_non_null(pool);
	assert_int_equal(weir_pool_get_bulk(pool, objs, 64), 64);
	for (unsigned i = 0; i < 64; i++)
		memset(objs[i], 1, 2048);
	after = resident_kib();
	if (before < 0 || after < 0)
		skip();
	/* 64 objects are 128 KiB; allow slack for the allocator and caches */
	assert_true(after - before < 8 * 1024);
	weir_pool_put_bulk(pool, objs, 64);
	weir_pool_destroy(pool);
}

struct stress_arg {
	struct weir_pool *pool;
	unsigned tid;
	unsigned iterations;
	unsigned errors;
};

static void *
stress_thread(void *varg)
{
	struct stress_arg *a = varg;
	unsigned seed = a->tid + 1;
	void *objs[100];

	weir_tid = a->tid;
	for (unsigned it = 0; it < a->iterations; it++) {
		unsigned n = 1 + (unsigned)rand_r(&seed) % 100;
		uint64_t stamp = ((uint64_t)a->tid << 32) | it;

		if (it & 1) {
			if (weir_pool_get_bulk(a->pool, objs, n) != n) {
				a->errors++;
				continue;
			}
		} else {
			for (unsigned i = 0; i < n; i++) {
				objs[i] = weir_pool_get(a->pool);
				if (objs[i] == NULL) {
					a->errors++;
					n = i;
					break;
				}
			}
		}
		for (unsigned i = 0; i < n; i++)
			memcpy(objs[i], &stamp, sizeof(stamp));
		for (unsigned i = 0; i < n; i++) {
			uint64_t v;

			memcpy(&v, objs[i], sizeof(v));
			if (v != stamp)
				a->errors++;
		}
		if (it % 3)
			weir_pool_put_bulk(a->pool, objs, n);
		else
			for (unsigned i = 0; i < n; i++)
				weir_pool_put(a->pool, objs[i]);
	}
	weir_pool_flush_cache(a->pool);
	return NULL;
}

static void
test_two_threads_share_a_pool(void **state)
{
	enum { N = 512 };
	struct weir_pool *pool = weir_pool_create("stress", 64, N);
	struct stress_arg args[2];
	pthread_t th[2];
	static void *objs[N];

	for (unsigned t = 0; t < 2; t++) {
		args[t] = (struct stress_arg){ .pool = pool, .tid = t, .iterations = 100000 };
		assert_int_equal(pthread_create(&th[t], NULL, stress_thread, &args[t]), 0);
	}
	for (unsigned t = 0; t < 2; t++) {
		assert_int_equal(pthread_join(th[t], NULL), 0);
		assert_int_equal(args[t].errors, 0);
	}
	assert_int_equal(stats_of(pool).in_use, 0);
	assert_int_equal(stats_of(pool).failures, 0);
	/* every object is back exactly once */
	assert_int_equal(weir_pool_get_bulk(pool, objs, N), N);
	assert_distinct(objs, N);
	assert_null(weir_pool_get(pool));
	weir_pool_put_bulk(pool, objs, N);
	weir_pool_destroy(pool);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_rejects_bad_arguments),
		cmocka_unit_test(test_create_rounds_object_size),
		cmocka_unit_test(test_exhaustion_returns_null_and_counts),
		cmocka_unit_test(test_bulk_is_all_or_nothing),
		cmocka_unit_test(test_bulk_larger_than_cache),
		cmocka_unit_test(test_flush_cache_makes_objects_visible_to_other_threads),
		cmocka_unit_test(test_small_pool_cannot_be_hoarded_by_one_cache),
		cmocka_unit_test(test_memory_is_touched_lazily),
		cmocka_unit_test(test_two_threads_share_a_pool),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
