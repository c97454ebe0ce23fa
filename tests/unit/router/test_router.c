/* test_router.c - unit tests for graph checks, push/pull resolution, handlers, tasks and timers. */
#include <stdlib.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "weir/element.h"
#include "weir/notifier.h"
#include "weir/router.h"
#include "weir/task.h"

/* ---- test classes ------------------------------------------------------ */

struct src {
	struct weir_task task;
	int left;
	uint64_t sent;
};

static bool
src_run(struct weir_task *t, void *arg)
{
	struct weir_element *e = arg;
	struct src *s = weir_element_priv(e);
	struct weir_batch b = { .n = 0 };
	while (s->left > 0 && b.n < 4) {
		struct weir_packet *p = weir_packet_make_simple("abcdefgh", 8);
		assert_non_null(p);
		b.pkts[b.n++] = p;
		s->left--;
	}
	s->sent += b.n;
	weir_output_push(e, 0, &b);
	if (s->left == 0) {
		weir_task_unschedule(t);
		weir_router_please_stop(e->router);
	}
	return true;
}

static int
src_initialize(struct weir_element *e, struct weir_errh *errh)
{
	struct src *s = weir_element_priv(e);
	s->left = 10;
	weir_task_init(&s->task, e, src_run, e);
	weir_task_schedule(&s->task);
	return 0;
}

static const struct weir_element_class tsrc = {
	.name = "TSrc", .port_count = "0/1", .processing = "h/h",
	.priv_size = sizeof(struct src), .initialize = src_initialize,
};

struct count_pt {
	uint64_t count;
};

static void
tcount_action(struct weir_element *e, struct weir_batch *b)
{
	struct count_pt *pt = weir_element_pt(e);
	pt->count += b->n;
}

static int
tcount_read(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	weir_strbuf_printf(out, "%llu", (unsigned long long)WEIR_PT_SUM(e, struct count_pt, count));
	return 0;
}

static const struct weir_handler tcount_handlers[] = {
	{ .name = "count", .read = tcount_read },
	WEIR_HANDLER_END
};

static const struct weir_element_class tcount = {
	.name = "TCount", .port_count = "1/1", .processing = "a/a",
	.pt_size = sizeof(struct count_pt), .simple_action = tcount_action,
	.handlers = tcount_handlers,
};

static void
tsink_push(struct weir_element *e, int port, struct weir_batch *b)
{
	weir_batch_kill(b);
}

static const struct weir_element_class tsink = {
	.name = "TSink", .port_count = "1/0", .processing = "h/h", .push = tsink_push,
};

/* A pull-output store of packets ("h/l"), like a Queue without a ring. */
struct tq {
	struct weir_batch held;
	struct weir_notifier notifier;
};

static void
tq_push(struct weir_element *e, int port, struct weir_batch *b)
{
	struct tq *q = weir_element_priv(e);
	for (uint32_t i = 0; i < b->n; i++)
		if (!weir_batch_add(&q->held, b->pkts[i]))
			weir_packet_kill(b->pkts[i]);
	weir_notifier_wake(&q->notifier);
}

static uint32_t
tq_pull(struct weir_element *e, int port, struct weir_batch *b, uint32_t max)
{
	struct tq *q = weir_element_priv(e);
	uint32_t n = WEIR_MIN(max, q->held.n);
	memcpy(b->pkts, q->held.pkts, n * sizeof(b->pkts[0]));
	memmove(q->held.pkts, q->held.pkts + n, (q->held.n - n) * sizeof(b->pkts[0]));
	q->held.n -= n;
	b->n = n;
	if (!q->held.n)
		weir_notifier_sleep(&q->notifier);
	return n;
}

static struct weir_notifier *
tq_notifier(struct weir_element *e, int port)
{
	struct tq *q = weir_element_priv(e);
	return &q->notifier;
}

static void
tq_cleanup(struct weir_element *e)
{
	struct tq *q = weir_element_priv(e);
	weir_batch_kill(&q->held);
}

static const struct weir_element_class tq = {
	.name = "TQ", .port_count = "1/1", .processing = "h/l", .priv_size = sizeof(struct tq),
	.push = tq_push, .pull = tq_pull, .notifier = tq_notifier, .cleanup = tq_cleanup,
};

/* Pulls from its input with a task, sleeping on the upstream notifier. */
struct tunq {
	struct weir_task task;
	struct weir_notifier *up;
	int sleeps;
};

static bool
tunq_run(struct weir_task *t, void *arg)
{
	struct weir_element *e = arg;
	struct tunq *u = weir_element_priv(e);
	struct weir_batch b;
	if (!weir_input_pull(e, 0, &b, 8)) {
		if (u->up && !u->up->active) {
			weir_task_unschedule(t);
			u->sleeps++;
		}
		return false;
	}
	weir_output_push(e, 0, &b);
	return true;
}

static int
tunq_initialize(struct weir_element *e, struct weir_errh *errh)
{
	struct tunq *u = weir_element_priv(e);
	weir_task_init(&u->task, e, tunq_run, e);
	u->up = weir_notifier_upstream(e, 0);
	if (u->up)
		weir_notifier_add_listener(u->up, &u->task);
	weir_task_schedule(&u->task);
	return 0;
}

static int
tunq_sleeps(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	struct tunq *u = weir_element_priv(e);
	weir_strbuf_printf(out, "%d", u->sleeps);
	return 0;
}

static const struct weir_handler tunq_handlers[] = {
	{ .name = "sleeps", .read = tunq_sleeps },
	WEIR_HANDLER_END
};

static const struct weir_element_class tunq = {
	.name = "TUnq", .port_count = "1/1", .processing = "l/h",
	.priv_size = sizeof(struct tunq), .initialize = tunq_initialize,
	.handlers = tunq_handlers,
};

/* Fails configure when its config says "fail". */
static int
tfail_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	if (conf->argc && strcmp(conf->argv[0], "fail") == 0)
		return weir_error(errh, "asked to fail");
	return 0;
}

static const struct weir_element_class tfail = {
	.name = "TFail", .port_count = "-/-", .processing = "a/a",
	.configure = tfail_configure, .simple_action = tcount_action,
	.pt_size = sizeof(struct count_pt),
};

/* A timer that fires three times, 1 ms apart, then stops the router. */
struct ttimer {
	struct weir_timer timer;
	int fired;
};

static void
ttimer_fire(struct weir_timer *t, void *arg)
{
	struct weir_element *e = arg;
	struct ttimer *s = weir_element_priv(e);
	if (++s->fired < 3)
		weir_timer_schedule_after(t, 1000000);
}

static int
ttimer_initialize(struct weir_element *e, struct weir_errh *errh)
{
	struct ttimer *s = weir_element_priv(e);
	weir_timer_init(&s->timer, e, ttimer_fire, e);
	weir_timer_schedule_after(&s->timer, 1000000);
	return 0;
}

static int
ttimer_read(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	struct ttimer *s = weir_element_priv(e);
	weir_strbuf_printf(out, "%d", s->fired);
	return 0;
}

static const struct weir_handler ttimer_handlers[] = {
	{ .name = "fired", .read = ttimer_read },
	WEIR_HANDLER_END
};

static const struct weir_element_class ttimer = {
	.name = "TTimer", .port_count = "0/0", .priv_size = sizeof(struct ttimer),
	.initialize = ttimer_initialize, .handlers = ttimer_handlers,
};

WEIR_ELEMENT_REGISTER(tsrc)
WEIR_ELEMENT_REGISTER(tcount)
WEIR_ELEMENT_REGISTER(tsink)
WEIR_ELEMENT_REGISTER(tq)
WEIR_ELEMENT_REGISTER(tunq)
WEIR_ELEMENT_REGISTER(tfail)
WEIR_ELEMENT_REGISTER(ttimer)

/* ---- helpers --------------------------------------------------------------- */

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
	return r;
}

static void
expect_error(const char *text, const char *fragment)
{
	struct weir_router *r = build(text);
	if (r)
		weir_router_free(r);
	assert_null(r);
	if (!strstr(weir_strbuf_str(&msgs), fragment))
		fail_msg("expected '%s' in errors:\n%s", fragment, weir_strbuf_str(&msgs));
}

static char *
read_handler(struct weir_router *r, const char *spec)
{
	static char buf[256];
	struct weir_strbuf sb = WEIR_STRBUF_INIT;
	assert_int_equal(weir_router_handler_read(r, spec, &sb, &errh), 0);
	snprintf(buf, sizeof(buf), "%s", weir_strbuf_str(&sb));
	weir_strbuf_free(&sb);
	return buf;
}

/* ---- tests ------------------------------------------------------------------- */

static void
test_push_chain_runs(void **state)
{
	struct weir_router *r = build("TSrc -> c :: TCount -> TSink;");
	assert_non_null(r);
	weir_router_run(r);
	assert_string_equal(read_handler(r, "c.count"), "10");
	assert_string_equal(read_handler(r, "c.class"), "TCount");
	assert_string_equal(read_handler(r, "c.name"), "c");
	weir_router_free(r);
}

static void
test_pull_path_with_notifier(void **state)
{
	/* u is initialized (and scheduled) first: it finds the queue empty,
	 * sleeps, and must be woken by the queue's notifier */
	struct weir_router *r =
		build("u :: TUnq -> TSink; TSrc -> q :: TQ -> c :: TCount -> u;");
	assert_non_null(r);
	weir_router_run(r);
	assert_string_equal(read_handler(r, "c.count"), "10");
	/* the puller slept on the notifier instead of spinning */
	assert_true(atoi(read_handler(r, "u.sleeps")) >= 1);
	/* agnostic TCount was resolved to pull on both sides */
	assert_non_null(strstr(read_handler(r, "c.ports"), "pull"));
	weir_router_free(r);
}

static void
test_timers_fire_then_quiescent_stop(void **state)
{
	struct weir_router *r = build("t :: TTimer;");
	assert_non_null(r);
	weir_router_run(r);
	assert_string_equal(read_handler(r, "t.fired"), "3");
	weir_router_free(r);
}

static void
test_unused_output(void **state)
{
	expect_error("TSrc -> c :: TCount;", "'c :: TCount' output 0 unused");
}

static void
test_unused_input(void **state)
{
	expect_error("c :: TCount -> TSink;", "'c :: TCount' input 0 unused");
}

static void
test_too_many_outputs(void **state)
{
	expect_error("s :: TSrc; s -> TSink; s[1] -> TSink;",
		     "'s :: TSrc' has 2 outputs, but at most 1 allowed");
}

static void
test_push_pull_conflict(void **state)
{
	/* a pull output into a push-only input */
	expect_error("TSrc -> q :: TQ -> TSink;", "push/pull conflict");
}

static void
test_push_output_reused(void **state)
{
	expect_error("s :: TSrc; s -> TSink; s -> TSink;", "connected to more than one input");
}

static void
test_configure_error_has_context(void **state)
{
	expect_error("TSrc -> f :: TFail(fail) -> TSink;",
		     "t.click:1: while configuring 'f :: TFail': asked to fail");
}

static void
test_unknown_handler(void **state)
{
	struct weir_router *r = build("TSrc -> c :: TCount -> TSink;");
	assert_non_null(r);
	struct weir_strbuf sb = WEIR_STRBUF_INIT;
	assert_true(weir_router_handler_read(r, "c.nope", &sb, &errh) < 0);
	assert_true(weir_router_handler_read(r, "zz.count", &sb, &errh) < 0);
	assert_non_null(strstr(weir_strbuf_str(&msgs), "no element named 'zz'"));
	assert_true(weir_router_handler_write(r, "c.count", "1", &errh) < 0);
	assert_string_equal(read_handler(r, "version"), WEIR_VERSION);
	weir_strbuf_free(&sb);
	weir_router_free(r);
}

static void
test_find_relative(void **state)
{
	struct weir_router *r = build("TSrc -> a :: TCount -> TSink;");
	assert_non_null(r);
	struct weir_element *a = weir_router_find(r, "a", NULL);
	assert_non_null(a);
	assert_ptr_equal(weir_router_find(r, "a", a), a);
	assert_null(weir_router_find(r, "b", a));
	weir_router_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_push_chain_runs),
		cmocka_unit_test(test_pull_path_with_notifier),
		cmocka_unit_test(test_timers_fire_then_quiescent_stop),
		cmocka_unit_test(test_unused_output),
		cmocka_unit_test(test_unused_input),
		cmocka_unit_test(test_too_many_outputs),
		cmocka_unit_test(test_push_pull_conflict),
		cmocka_unit_test(test_push_output_reused),
		cmocka_unit_test(test_configure_error_has_context),
		cmocka_unit_test(test_unknown_handler),
		cmocka_unit_test(test_find_relative),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	weir_strbuf_free(&msgs);
	return rc;
}
