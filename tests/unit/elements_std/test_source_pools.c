/* test_source_pools.c - sources keep their LIMIT when packet pools are tiny:
 * InfiniteSource falls back to copies when clone headers run out, and
 * waits (instead of failing) when every pool is exhausted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "weir/lang.h"
#include "weir/packet.h"
#include "weir/router.h"

#define CLONE_CAP 4

static struct weir_strbuf msgs;
static struct weir_errh errh;

static struct weir_router *
build(const char *text)
{
	struct weir_graph g;
	weir_strbuf_reset(&msgs);
	weir_errh_init_buffer(&errh, &msgs);
	assert_int_equal(weir_lang_parse(text, "t.click", NULL, 0, &g, &errh), 0);
	struct weir_router *r = weir_router_new(&g, NULL, &errh);
	weir_graph_free(&g);
	if (!r)
		fail_msg("router failed:\n%s", weir_strbuf_str(&msgs));
	return r;
}

static const char *
rd(struct weir_router *r, const char *spec)
{
	static char buf[128];
	struct weir_strbuf sb = WEIR_STRBUF_INIT;
	assert_int_equal(weir_router_handler_read(r, spec, &sb, &errh), 0);
	snprintf(buf, sizeof(buf), "%s", weir_strbuf_str(&sb));
	weir_strbuf_free(&sb);
	return buf;
}

static void
test_burst_larger_than_clone_pool(void **state)
{
	struct weir_router *r = build("InfiniteSource(\\<0a0b0c>, LIMIT 100, BURST 50, STOP true)"
				      " -> c :: Counter -> Print(p, ACTIVE false) -> Discard;");
	weir_router_run(r);
	assert_string_equal(rd(r, "c.count"), "100");
	assert_string_equal(rd(r, "c.byte_count"), "300");
	weir_router_free(r);
}

static void
test_queue_holds_more_than_clone_pool(void **state)
{
	/* the queue keeps 20 packets while the source goes on: copies */
	struct weir_router *r = build("InfiniteSource(LIMIT 20, BURST 2) -> q :: Queue -> Idle;");
	weir_router_run(r);
	assert_string_equal(rd(r, "q.length"), "20");
	assert_string_equal(rd(r, "q.drops"), "0");
	weir_router_free(r);
}

static int
setup_pools(void **state)
{
	return weir_packets_init(0, 0, 0, CLONE_CAP);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_larger_than_clone_pool),
		cmocka_unit_test(test_queue_holds_more_than_clone_pool),
	};
	int rc = cmocka_run_group_tests(tests, setup_pools, NULL);
	weir_strbuf_free(&msgs);
	return rc;
}
