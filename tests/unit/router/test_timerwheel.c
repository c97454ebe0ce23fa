/* test_timerwheel.c - unit tests of the per-thread timer wheel: order, never early, cancel, reschedule, far timers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "weir/lang.h"
#include "weir/router.h"
#include "weir/task.h"
#include "../../../src/core/router_priv.h"

#define NT 5000

static struct weir_router *
build(void)
{
	struct weir_graph g;
	struct weir_errh errh;

	weir_errh_init_stderr(&errh);
	assert_int_equal(weir_lang_parse("i :: Idle", "t.click", NULL, 0, &g, &errh), 0);
	struct weir_router *r = weir_router_new(&g, NULL, &errh);
	weir_graph_free(&g);
	assert_non_null(r);
	return r;
}

struct rec {
	struct weir_timer t;
	int64_t fired_at; /* the fake clock when it fired, 0 if not */
	int order;
	int reschedules;  /* fire again this many times, 3 ms later each */
};

static int64_t fake_now;
static int fire_count;

static void
on_fire(struct weir_timer *t, void *arg)
{
	struct rec *r = arg;
	r->fired_at = fake_now;
	r->order = fire_count++;
	if (r->reschedules > 0) {
		r->reschedules--;
		weir_timer_schedule_at(t, fake_now + 3000000);
	}
}

/* Advances the fake clock in steps of `step` ns up to `until`. */
static void
advance(struct weir_thread *th, int64_t until, int64_t step)
{
	while (fake_now < until) {
		fake_now += step;
		weir_thread_run_timers(th, fake_now);
	}
}

static void
test_random_timers(void **state)
{
	struct weir_router *r = build();
	struct weir_element *e = weir_router_element(r, 0);
	struct weir_thread *th = &r->threads[0];
	struct rec *v = calloc(NT, sizeof(*v));
	int64_t base = weir_time_ns();
	unsigned seed = 12345;

	assert_non_null(v);
	fake_now = base;
	fire_count = 0;
	for (int i = 0; i < NT; i++) {
		seed = seed * 1103515245u + 12345u;
		/* from now to 20 s: every wheel level */
		int64_t off = (int64_t)(seed >> 8) % (i % 4 == 0 ? 20000000000LL :
						      i % 4 == 1 ? 300000000LL :
						      i % 4 == 2 ? 2000000LL : 200000LL);
		weir_timer_init(&v[i].t, e, on_fire, &v[i]);
		weir_timer_schedule_at(&v[i].t, base + off);
		assert_true(weir_timer_scheduled(&v[i].t));
	}
	/* the wheel's clock started at the first schedule, a little after base:
	 * timers due before that fire from then on */
	int64_t start = (int64_t)(th->cur_tick << WEIR_TICK_SHIFT);
	/* cancel every 7th, reschedule every 11th further away */
	for (int i = 0; i < NT; i += 7)
		weir_timer_unschedule(&v[i].t);
	for (int i = 3; i < NT; i += 11)
		if (i % 7)
			weir_timer_schedule_at(&v[i].t, v[i].t.expiry_ns + 1000000);
	assert_true(weir_thread_next_timer(th) >= base);
	/* steps of 37 us for 25 ms, then 1.3 ms steps to 21 s */
	advance(th, base + 25000000, 37000);
	advance(th, base + 21000000000LL, 1300000);
	int fired = 0;
	for (int i = 0; i < NT; i++) {
		if (i % 7 == 0) {
			assert_int_equal(v[i].fired_at, 0);
			assert_false(weir_timer_scheduled(&v[i].t));
			continue;
		}
		fired++;
		/* never early; at most one step plus a tick late */
		assert_true(v[i].fired_at >= v[i].t.expiry_ns);
		int64_t step = v[i].t.expiry_ns < base + 25000000 ? 37000 : 1300000;
		int64_t due = v[i].t.expiry_ns > start ? v[i].t.expiry_ns : start;
		assert_true(v[i].fired_at - due <= step + 1024);
	}
	assert_int_equal(fire_count, fired);
	/* firing order follows expiry, up to the step */
	for (int i = 0; i < NT; i++)
		for (int j = i + 1; j < NT && j < i + 40; j++)
			if (v[i].fired_at && v[j].fired_at && v[i].fired_at < v[j].fired_at)
				assert_true(v[i].t.expiry_ns < v[j].t.expiry_ns + 1024);
	assert_int_equal(th->ntimers, 0);
	assert_int_equal(weir_thread_next_timer(th), INT64_MAX);
	free(v);
	weir_router_free(r);
}

static void
test_reschedule_from_callback(void **state)
{
	struct weir_router *r = build();
	struct weir_element *e = weir_router_element(r, 0);
	struct weir_thread *th = &r->threads[0];
	struct rec a = { .reschedules = 3 };
	int64_t base = weir_time_ns();

	fake_now = base;
	fire_count = 0;
	weir_timer_init(&a.t, e, on_fire, &a);
	weir_timer_schedule_at(&a.t, base - 5000); /* already due */
	/* the clock only moves forward: a run never looks at an earlier time
	 * than the one the wheel last read */
	fake_now = base = weir_time_ns();
	weir_thread_run_timers(th, fake_now);
	assert_int_equal(fire_count, 1);
	/* rescheduled 3 ms later: not before */
	advance(th, base + 2900000, 100000);
	assert_int_equal(fire_count, 1);
	advance(th, base + 20000000, 100000);
	assert_int_equal(fire_count, 4);
	assert_false(weir_timer_scheduled(&a.t));
	/* next_timer is exact for near timers, a lower bound for far ones (the
	 * empty wheel restarts from the real clock) */
	fake_now = weir_time_ns();
	weir_timer_schedule_at(&a.t, fake_now + 100000);
	assert_true(weir_thread_next_timer(th) >= fake_now + 100000);
	assert_true(weir_thread_next_timer(th) <= fake_now + 100000 + 1024);
	weir_timer_schedule_at(&a.t, fake_now + 5000000000LL);
	assert_true(weir_thread_next_timer(th) <= fake_now + 5000000000LL);
	assert_true(weir_thread_next_timer(th) > fake_now);
	weir_timer_unschedule(&a.t);
	weir_timer_unschedule(&a.t); /* twice is harmless */
	assert_int_equal(weir_thread_next_timer(th), INT64_MAX);
	weir_router_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_timers),
		cmocka_unit_test(test_reschedule_from_callback),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
