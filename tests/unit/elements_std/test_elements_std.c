/* test_elements_std.c - handler writes of the standard sources, queues and
 * counters, driven through a real router (what .clicktest files cannot reach
 * without a Script element). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "weir/lang.h"
#include "weir/router.h"

static struct weir_strbuf msgs;
static struct weir_errh errh;

static struct weir_router *
build(const char *text)
{
	struct weir_graph g;
	weir_strbuf_reset(&msgs);
	weir_errh_init_buffer(&errh, &msgs);
	if (weir_lang_parse(text, "t.click", NULL, 0, &g, &errh) < 0)
		return NULL;
	struct weir_router *r = weir_router_new(&g, NULL, &errh);
	weir_graph_free(&g);
	if (!r)
		fail_msg("router failed:\n%s", weir_strbuf_str(&msgs));
	return r;
}

static const char *
rd(struct weir_router *r, const char *spec)
{
	static char buf[512];
	struct weir_strbuf sb = WEIR_STRBUF_INIT;
	int rc = weir_router_handler_read(r, spec, &sb, &errh);
	if (rc != 0)
		fail_msg("read %s failed: %s", spec, weir_strbuf_str(&msgs));
	snprintf(buf, sizeof(buf), "%s", weir_strbuf_str(&sb));
	weir_strbuf_free(&sb);
	return buf;
}

static void
wr_ok(struct weir_router *r, const char *spec, const char *value)
{
	weir_strbuf_reset(&msgs);
	if (weir_router_handler_write(r, spec, value, &errh) != 0)
		fail_msg("write %s '%s' failed: %s", spec, value, weir_strbuf_str(&msgs));
}

/* The write must fail and report a message containing `fragment`. */
static void
wr_bad(struct weir_router *r, const char *spec, const char *value, const char *fragment)
{
	weir_strbuf_reset(&msgs);
	assert_int_not_equal(weir_router_handler_write(r, spec, value, &errh), 0);
	if (!strstr(weir_strbuf_str(&msgs), fragment))
		fail_msg("write %s '%s': expected '%s' in '%s'", spec, value, fragment,
			 weir_strbuf_str(&msgs));
}

static void
test_infinitesource_handlers(void **state)
{
	struct weir_router *r = build("is :: InfiniteSource(LIMIT 5) -> c :: Counter -> Discard;");
	weir_router_run(r);
	assert_string_equal(rd(r, "c.count"), "5");

	/* reset: another LIMIT packets */
	wr_ok(r, "is.reset", "");
	assert_string_equal(rd(r, "is.count"), "0");
	weir_router_run(r);
	assert_string_equal(rd(r, "c.count"), "10");

	/* a larger limit resumes from the current count */
	wr_ok(r, "is.limit", "12");
	assert_string_equal(rd(r, "is.limit"), "12");
	weir_router_run(r);
	assert_string_equal(rd(r, "c.count"), "17");

	/* inactive: nothing, even after reset; active again: LIMIT more */
	wr_ok(r, "is.active", "false");
	wr_ok(r, "is.reset", "");
	weir_router_run(r);
	assert_string_equal(rd(r, "c.count"), "17");
	wr_ok(r, "is.active", "true");
	assert_string_equal(rd(r, "is.active"), "true");
	weir_router_run(r);
	assert_string_equal(rd(r, "c.count"), "29");

	/* data and length make a new template */
	wr_ok(r, "is.data", "abc");
	assert_string_equal(rd(r, "is.data"), "abc");
	wr_ok(r, "c.reset", "");
	wr_ok(r, "is.reset", "");
	weir_router_run(r);
	assert_string_equal(rd(r, "c.byte_count"), "36"); /* 12 x 3 */
	wr_ok(r, "is.length", "10");
	assert_string_equal(rd(r, "is.length"), "10");
	wr_ok(r, "c.reset", "");
	wr_ok(r, "is.reset", "");
	weir_router_run(r);
	assert_string_equal(rd(r, "c.byte_count"), "120");

	wr_ok(r, "is.burst", "4");
	assert_string_equal(rd(r, "is.burst"), "4");

	/* malformed values are refused and change nothing */
	wr_bad(r, "is.burst", "0", "burst");
	wr_bad(r, "is.burst", "x", "burst");
	wr_bad(r, "is.limit", "lots", "limit");
	wr_bad(r, "is.active", "maybe", "active");
	wr_bad(r, "is.length", "1000000", "packet");
	wr_bad(r, "is.length", "ten", "length");
	assert_string_equal(rd(r, "is.burst"), "4");
	assert_string_equal(rd(r, "is.limit"), "12");
	assert_string_equal(rd(r, "is.length"), "10");
	weir_router_free(r);
}

static void
test_infinitesource_pull_reset_wakes(void **state)
{
	struct weir_router *r =
		build("is :: InfiniteSource(LIMIT 3) -> u :: Unqueue(2) -> c :: Counter -> Discard;");
	weir_router_run(r);
	assert_string_equal(rd(r, "c.count"), "3");
	/* the notifier slept at LIMIT; reset wakes it and the Unqueue pulls */
	wr_ok(r, "is.reset", "");
	weir_router_run(r);
	assert_string_equal(rd(r, "c.count"), "6");
	weir_router_free(r);
}

static void
test_queue_capacity_and_resets(void **state)
{
	struct weir_router *r =
		build("InfiniteSource(LIMIT 100, BURST 100) -> q :: Queue(80) -> Idle;");
	weir_router_run(r);
	assert_string_equal(rd(r, "q.length"), "80");
	assert_string_equal(rd(r, "q.drops"), "20");

	/* shrinking drops the newest packets beyond the new capacity */
	wr_ok(r, "q.capacity", "30");
	assert_string_equal(rd(r, "q.capacity"), "30");
	assert_string_equal(rd(r, "q.length"), "30");
	wr_bad(r, "q.capacity", "-1", "CAPACITY");
	wr_bad(r, "q.capacity", "many", "CAPACITY");
	assert_string_equal(rd(r, "q.capacity"), "30");

	/* growing keeps what is there */
	wr_ok(r, "q.capacity", "5000");
	assert_string_equal(rd(r, "q.length"), "30");

	wr_ok(r, "q.reset_counts", "");
	assert_string_equal(rd(r, "q.drops"), "0");
	assert_string_equal(rd(r, "q.highwater_length"), "30");
	wr_ok(r, "q.reset", "");
	assert_string_equal(rd(r, "q.length"), "0");
	weir_router_free(r);
}

static void
test_queue_order_across_wrap(void **state)
{
	/* capacity 5 (8 slots): batches of 3 wrap around the ring */
	struct weir_router *r = build(
		"is :: InfiniteSource(LIMIT 30, BURST 3) -> q :: Queue(5) -> u :: Unqueue(2)"
		" -> c :: Counter -> Discard;");
	weir_router_run(r);
	assert_string_equal(rd(r, "q.length"), "0");
	uint64_t c = strtoull(rd(r, "c.count"), NULL, 10);
	uint64_t d = strtoull(rd(r, "q.drops"), NULL, 10);
	assert_int_equal(c + d, 30);
	assert_true(c >= 10);
	weir_router_free(r);
}

static void
test_counter_reset(void **state)
{
	struct weir_router *r =
		build("InfiniteSource(LIMIT 50, LENGTH 20) -> c :: Counter -> Discard;");
	weir_router_run(r);
	assert_string_equal(rd(r, "c.count"), "50");
	assert_string_equal(rd(r, "c.byte_count"), "1000");
	wr_ok(r, "c.reset_counts", "");
	assert_string_equal(rd(r, "c.count"), "0");
	assert_string_equal(rd(r, "c.byte_count"), "0");
	assert_string_equal(rd(r, "c.rate"), "0");
	assert_string_equal(rd(r, "c.bit_rate"), "0");
	assert_string_equal(rd(r, "c.byte_rate"), "0");
	weir_router_free(r);
}

static void
test_unqueue_handlers(void **state)
{
	struct weir_router *r = build("InfiniteSource(LIMIT 50, BURST 50) -> q :: Queue"
				      " -> u :: Unqueue(4, LIMIT 10) -> c :: Counter -> Discard;");
	weir_router_run(r);
	assert_string_equal(rd(r, "c.count"), "10");
	assert_string_equal(rd(r, "q.length"), "40");
	/* reset: LIMIT more */
	wr_ok(r, "u.reset", "");
	weir_router_run(r);
	assert_string_equal(rd(r, "c.count"), "20");
	/* no limit, larger burst */
	wr_ok(r, "u.burst", "256");
	wr_ok(r, "u.limit", "-1");
	weir_router_run(r);
	assert_string_equal(rd(r, "c.count"), "50");
	assert_string_equal(rd(r, "u.count"), "40"); /* counted since the reset */
	wr_bad(r, "u.active", "sometimes", "active");
	wr_bad(r, "u.limit", "1.5", "limit");
	weir_router_free(r);
}

static void
test_unqueue_inactive_then_active(void **state)
{
	struct weir_router *r = build("InfiniteSource(LIMIT 7, BURST 7) -> q :: Queue"
				      " -> u :: Unqueue(ACTIVE false) -> c :: Counter -> Discard;");
	weir_router_run(r);
	assert_string_equal(rd(r, "c.count"), "0");
	wr_ok(r, "u.active", "true");
	weir_router_run(r);
	assert_string_equal(rd(r, "c.count"), "7");
	weir_router_free(r);
}

static void
test_ratedsource_handlers(void **state)
{
	struct weir_router *r =
		build("rs :: RatedSource(RATE 1000, LIMIT 5) -> c :: Counter -> Discard;");
	weir_router_run(r);
	assert_string_equal(rd(r, "c.count"), "5");
	wr_ok(r, "rs.rate", "2000");
	assert_string_equal(rd(r, "rs.rate"), "2000");
	wr_ok(r, "rs.limit", "8");
	weir_router_run(r);
	assert_string_equal(rd(r, "c.count"), "8");
	wr_ok(r, "rs.reset", "");
	weir_router_run(r);
	assert_string_equal(rd(r, "c.count"), "16");
	wr_ok(r, "rs.data", "xy");
	assert_string_equal(rd(r, "rs.data"), "xy");
	wr_bad(r, "rs.rate", "quick", "rate");
	wr_bad(r, "rs.limit", "z", "limit");
	wr_bad(r, "rs.active", "2", "active");
	assert_string_equal(rd(r, "rs.rate"), "2000");
	weir_router_free(r);
}

static void
test_timedsource_handlers(void **state)
{
	struct weir_router *r =
		build("ts :: TimedSource(0.01, LIMIT 2) -> c :: Counter -> Discard;");
	weir_router_run(r);
	assert_string_equal(rd(r, "c.count"), "2");
	wr_ok(r, "ts.interval", "20ms");
	assert_string_equal(rd(r, "ts.interval"), "20ms");
	wr_ok(r, "ts.interval", "2.5");
	assert_string_equal(rd(r, "ts.interval"), "2.500000s");
	wr_ok(r, "ts.interval", "1ms");
	/* reset sends again at once */
	wr_ok(r, "ts.reset", "");
	weir_router_run(r);
	assert_string_equal(rd(r, "c.count"), "4");
	wr_ok(r, "ts.headroom", "16");
	assert_string_equal(rd(r, "ts.headroom"), "16");
	wr_bad(r, "ts.interval", "0", "interval");
	wr_bad(r, "ts.interval", "later", "interval");
	wr_bad(r, "ts.headroom", "-3", "headroom");
	assert_string_equal(rd(r, "ts.interval"), "1ms");
	weir_router_free(r);
}

static void
test_discard_and_print_handlers(void **state)
{
	struct weir_router *r =
		build("InfiniteSource(LIMIT 9, BURST 9) -> q :: Queue -> d :: Discard(ACTIVE false);"
		      "Idle -> p :: Print(ACTIVE false) -> Discard;");
	weir_router_run(r);
	assert_string_equal(rd(r, "d.count"), "0");
	wr_ok(r, "d.active", "true");
	weir_router_run(r);
	assert_string_equal(rd(r, "d.count"), "9");
	wr_ok(r, "d.reset_counts", "");
	assert_string_equal(rd(r, "d.count"), "0");
	wr_bad(r, "d.active", "x", "active");
	assert_string_equal(rd(r, "p.active"), "false");
	wr_ok(r, "p.active", "true");
	assert_string_equal(rd(r, "p.active"), "true");
	wr_bad(r, "p.active", "ja", "active");
	weir_router_free(r);
}

static void
test_configuration_errors(void **state)
{
	static const struct {
		const char *config, *fragment;
	} cases[] = {
		{ "InfiniteSource(LIMIT x) -> Discard;", "LIMIT" },
		{ "InfiniteSource(BURST -2) -> Discard;", "burst size" },
		{ "Idle -> Queue(-1) -> Discard;", "CAPACITY" },
		{ "Idle -> Queue(2000000000) -> Discard;", "CAPACITY" },
		{ "Idle -> Counter(FOO 1) -> Discard;", "FOO" },
		{ "Idle -> Print(CONTENTS x) -> Discard;", "contents" },
		{ "TimedSource(-1) -> Discard;", "INTERVAL" },
		{ "RatedSource(LENGTH 0, BANDWIDTH 1Mbps) -> Discard;", "BANDWIDTH" },
		{ "Idle -> AverageCounter(IGNORE -2) -> Discard;", "IGNORE" },
		{ "Idle -> SetTimestamp(DELTA true) -> Discard;", "DELTA" },
		{ "Idle -> Unqueue(BURST x) -> Discard;", "BURST" },
		{ "Idle(1) -> Discard;", "too many" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct weir_graph g;
		weir_strbuf_reset(&msgs);
		weir_errh_init_buffer(&errh, &msgs);
		assert_int_equal(weir_lang_parse(cases[i].config, "t.click", NULL, 0, &g, &errh), 0);
		struct weir_router *r = weir_router_new(&g, NULL, &errh);
		weir_graph_free(&g);
		if (r) {
			weir_router_free(r);
			fail_msg("'%s' configured", cases[i].config);
		}
		if (!strstr(weir_strbuf_str(&msgs), cases[i].fragment))
			fail_msg("'%s': expected '%s' in '%s'", cases[i].config, cases[i].fragment,
				 weir_strbuf_str(&msgs));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_infinitesource_handlers),
		cmocka_unit_test(test_infinitesource_pull_reset_wakes),
		cmocka_unit_test(test_queue_capacity_and_resets),
		cmocka_unit_test(test_queue_order_across_wrap),
		cmocka_unit_test(test_counter_reset),
		cmocka_unit_test(test_unqueue_handlers),
		cmocka_unit_test(test_unqueue_inactive_then_active),
		cmocka_unit_test(test_ratedsource_handlers),
		cmocka_unit_test(test_timedsource_handlers),
		cmocka_unit_test(test_discard_and_print_handlers),
		cmocka_unit_test(test_configuration_errors),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	weir_strbuf_free(&msgs);
	return rc;
}
