/* test_mpring.c - unit tests of ThreadSafeQueue's multi-producer multi-consumer ring, single and concurrent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sched.h>
#include <cmocka.h>
#include "../../../elements/threads/mpring.h"

/* Fake packet pointers: producer p's k-th value is (p << 24 | k) + 1. */
#define PKT(p, k) ((struct weir_packet *)(uintptr_t)((((uintptr_t)(p) << 24) | (k)) + 1))
#define PKT_PRODUCER(x) ((((uintptr_t)(x)) - 1) >> 24)
#define PKT_SEQ(x) ((((uintptr_t)(x)) - 1) & 0xFFFFFF)

static void
test_fifo_and_capacity(void **state)
{
	struct weir_mpring r;
	struct weir_packet *in[10], *out[16];

	assert_int_equal(weir_mpring_init(&r, 6), 0);
	for (int i = 0; i < 10; i++)
		in[i] = PKT(0, i);
	/* 6 fit, in order; the rest are refused */
	assert_int_equal(weir_mpring_enqueue(&r, in, 10), 6);
	assert_int_equal(weir_mpring_len(&r), 6);
	assert_int_equal(weir_mpring_enqueue(&r, in + 6, 4), 0);
	assert_int_equal(weir_mpring_dequeue(&r, out, 4), 4);
	for (int i = 0; i < 4; i++)
		assert_ptr_equal(out[i], in[i]);
	/* wraps around the 8 slots */
	assert_int_equal(weir_mpring_enqueue(&r, in + 6, 4), 4);
	assert_int_equal(weir_mpring_dequeue(&r, out, 16), 6);
	for (int i = 0; i < 6; i++)
		assert_ptr_equal(out[i], in[i + 4]);
	assert_int_equal(weir_mpring_dequeue(&r, out, 16), 0);
	assert_int_equal(weir_mpring_len(&r), 0);
	weir_mpring_fini(&r);
}

#define NPROD 4
#define NCONS 2
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define PER_PRODUCER 20000
#else
#define PER_PRODUCER 200000
#endif

struct stress {
	struct weir_mpring r;
	int consumers_done;
	int producers_left;
	uint32_t *seen[NPROD];     /* per producer: times each value was consumed */
	uint32_t last[NCONS][NPROD]; /* per consumer: last seq + 1 seen from a producer */
	int order_errors;
};

struct worker {
	struct stress *s;
	int id;
};

static void *
producer(void *arg)
{
	struct worker *w = arg;
	struct weir_packet *batch[32];
	uint32_t k = 0;

	while (k < PER_PRODUCER) {
		uint32_t n = 1 + (k % 32);
		if (n > PER_PRODUCER - k)
			n = PER_PRODUCER - k;
		for (uint32_t i = 0; i < n; i++)
			batch[i] = PKT(w->id, k + i);
		uint32_t done = 0;
		while (done < n) {
			uint32_t k2 = weir_mpring_enqueue(&w->s->r, batch + done, n - done);
			if (k2 == 0)
				sched_yield(); /* full: let a consumer run (2 cores, 6 threads) */
			done += k2;
		}
		k += n;
	}
	__atomic_sub_fetch(&w->s->producers_left, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void *
consumer(void *arg)
{
	struct worker *w = arg;
	struct stress *s = w->s;
	struct weir_packet *out[64];

	for (;;) {
		uint32_t n = weir_mpring_dequeue(&s->r, out, 64);
		if (n == 0) {
			if (__atomic_load_n(&s->producers_left, __ATOMIC_ACQUIRE) == 0 &&
			    weir_mpring_len(&s->r) == 0)
				break;
			sched_yield();
			continue;
		}
		for (uint32_t i = 0; i < n; i++) {
			uintptr_t p = PKT_PRODUCER(out[i]), q = PKT_SEQ(out[i]);
			__atomic_add_fetch(&s->seen[p][q], 1, __ATOMIC_RELAXED);
			/* one producer's packets come out in its order */
			if (q + 1 <= s->last[w->id][p])
				s->order_errors++;
			s->last[w->id][p] = (uint32_t)q + 1;
		}
	}
	return NULL;
}

static void
test_concurrent_exactly_once(void **state)
{
	struct stress *s = calloc(1, sizeof(*s));
	pthread_t th[NPROD + NCONS];
	struct worker w[NPROD + NCONS];

	assert_non_null(s);
	assert_int_equal(weir_mpring_init(&s->r, 1000), 0);
	s->producers_left = NPROD;
	for (int p = 0; p < NPROD; p++)
		assert_non_null(s->seen[p] = calloc(PER_PRODUCER, sizeof(uint32_t)));
	for (int i = 0; i < NPROD + NCONS; i++) {
		w[i] = (struct worker){ .s = s, .id = i < NPROD ? i : i - NPROD };
		assert_int_equal(pthread_create(&th[i], NULL, i < NPROD ? producer : consumer, &w[i]), 0);
	}
	for (int i = 0; i < NPROD + NCONS; i++)
		pthread_join(th[i], NULL);
	for (int p = 0; p < NPROD; p++) {
		for (uint32_t k = 0; k < PER_PRODUCER; k++)
			if (s->seen[p][k] != 1)
				fail_msg("producer %d value %u seen %u times", p, k, s->seen[p][k]);
		free(s->seen[p]);
	}
	assert_int_equal(s->order_errors, 0);
	assert_int_equal(weir_mpring_len(&s->r), 0);
	weir_mpring_fini(&s->r);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fifo_and_capacity),
		cmocka_unit_test(test_concurrent_exactly_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
