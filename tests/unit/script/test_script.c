/* test_script.c - Script's expression functions and handlers, and the data
 * paths of the small standard elements that .clicktest files cannot reach
 * (clone failures, network header offsets). */
#include <errno.h>
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
#include "../../../elements/standard/script_priv.h"

/* A tiny clone pool, so Tee runs out of clones. */
#define TEST_CLONE_CAP 4

static struct weir_strbuf msgs;
static struct weir_errh errh;

static int
setup_pools(void **state)
{
	(void)state;
	return weir_packets_init(0, 0, 0, TEST_CLONE_CAP);
}

/* ---- functions ------------------------------------------------------------------ */

/* fn(args) must succeed with exactly `want`. */
static void
fn_ok(const char *fn, const char *args, const char *want)
{
	struct weir_strbuf out = WEIR_STRBUF_INIT;
	weir_strbuf_reset(&msgs);
	weir_errh_init_buffer(&errh, &msgs);
	int rc = weir_script_function(fn, args, &out, &errh);
	if (rc != 0 || strcmp(weir_strbuf_str(&out), want) != 0)
		fail_msg("%s %s: rc %d, got '%s', expected '%s' (%s)", fn, args, rc,
			 weir_strbuf_str(&out), want, weir_strbuf_str(&msgs));
	weir_strbuf_free(&out);
}

/* fn(args) must fail with -EINVAL and report a message containing fragment. */
static void
fn_bad(const char *fn, const char *args, const char *fragment)
{
	struct weir_strbuf out = WEIR_STRBUF_INIT;
	weir_strbuf_reset(&msgs);
	weir_errh_init_buffer(&errh, &msgs);
	int rc = weir_script_function(fn, args, &out, &errh);
	if (rc != -EINVAL || errh.nerrors != 1 || !strstr(weir_strbuf_str(&msgs), fragment))
		fail_msg("%s %s: rc %d, %d errors, messages '%s', expected '%s'", fn, args, rc,
			 errh.nerrors, weir_strbuf_str(&msgs), fragment);
	weir_strbuf_free(&out);
}

static void
test_arithmetic(void **state)
{
	(void)state;
	fn_ok("add", "1 2 3", "6");
	fn_ok("add", "", "0");
	fn_ok("add", "  7  ", "7");
	fn_ok("sub", "10 5 2", "3");
	fn_ok("sub", "5", "5");
	fn_ok("mul", "2 3 4", "24");
	fn_ok("mul", "", "1");
	fn_ok("div", "7 2", "3.5");
	fn_ok("div", "1 0", "inf");
	fn_ok("idiv", "7 2", "3");
	fn_ok("idiv", "-7 2", "-3");
	fn_ok("add", "0x10 1", "17");
	fn_ok("add", "1.5 2", "3.5");
	fn_ok("add", "80000000 4", "80000004");
	fn_ok("add", "9223372036854775807 1", "-9223372036854775808"); /* wraps, no UB */
	fn_ok("min", "4 2 9", "2");
	fn_ok("max", "4 2 9.5", "9.5");
	fn_ok("mod", "7 3", "1");
	fn_ok("mod", "-9223372036854775807 -1", "0");
	fn_ok("rem", "7.5 2", "1.5");
	fn_ok("neg", "5", "-5");
	fn_ok("abs", "-5", "5");
	fn_ok("abs", "-2.5", "2.5");
	fn_bad("add", "1 x", "expected list of numbers, got 'x'");
	fn_bad("idiv", "1 0", "division by zero");
	fn_bad("mod", "1 0", "division by zero");
	fn_bad("mod", "1.5 2", "expected two integers");
	fn_bad("mod", "1", "expected two integers");
	fn_bad("neg", "", "expected one number");
	fn_bad("neg", "1 2", "expected one number");
}

static void
test_compare_and_logic(void **state)
{
	(void)state;
	fn_ok("lt", "1 2", "true");
	fn_ok("lt", "2 1", "false");
	fn_ok("le", "2 2", "true");
	fn_ok("gt", "10 9", "true"); /* numeric, not bytewise */
	fn_ok("ge", "1 2", "false");
	fn_ok("eq", "10 0xA", "true");
	fn_ok("eq", "1.0 1", "true");
	fn_ok("eq", "abc abc", "true");
	fn_ok("eq", "\"abc\" abc", "true"); /* strings compare unquoted */
	fn_ok("ne", "abc abd", "true");
	fn_ok("lt", "abc abd", "true");
	fn_ok("not", "true", "false");
	fn_ok("not", "no", "true");
	fn_ok("and", "true true false", "false");
	fn_ok("and", "", "true");
	fn_ok("or", "false true", "true");
	fn_ok("nand", "true true", "false");
	fn_ok("nor", "false false", "true");
	fn_ok("if", "true a b", "a");
	fn_ok("if", "false a b", "b");
	fn_ok("in", "b a b c", "true");
	fn_ok("in", "d a b c", "false");
	fn_ok("first", "a b c", "a");
	fn_ok("length", "abcd", "4");
	fn_ok("unquote", "\"a b\"", "a b");
	fn_bad("eq", "1", "expected two numbers");
	fn_bad("eq", "1 2 3", "expected two numbers");
	fn_bad("not", "maybe", "expected boolean");
	fn_bad("not", "", "expected boolean");
	fn_bad("not", "true false", "expected boolean");
	fn_bad("and", "true 7x", "expected booleans");
	fn_bad("if", "maybe a b", "expected 'BOOL A B'");
	fn_bad("if", "true a", "expected 'BOOL A B'");
	fn_bad("unquote", "\"open", "unquote:");
}

static void
test_sprintf(void **state)
{
	(void)state;
	fn_ok("sprintf", "\"%05x\" 127", "0007f");
	fn_ok("sprintf", "\"%d-%s-%%\" -4 word", "-4-word-%");
	fn_ok("sprintf", "\"%-4s|\" ab", "ab  |");
	fn_ok("sprintf", "\"%*d\" 5 42", "   42");
	fn_ok("sprintf", "\"%.2f\" 3.14159", "3.14");
	fn_ok("sprintf", "\"%lu %X\" 10 255", "10 FF");
	fn_ok("sprintf", "plain", "plain");
	fn_bad("sprintf", "", "missing format");
	fn_bad("sprintf", "\"%d\"", "not enough arguments");
	fn_bad("sprintf", "\"%d\" 1 2", "too many arguments");
	fn_bad("sprintf", "\"%d\" x", "expected a number");
	fn_bad("sprintf", "\"%d\" 1.5", "expected a number");
	fn_bad("sprintf", "\"%q\" 1", "bad conversion");
	fn_bad("sprintf", "\"%\" 1", "bad conversion");
	fn_bad("sprintf", "\"%*d\" -1 5", "bad '*' argument");
	fn_bad("sprintf", "\"%99999d\" 5", "field width too large");
}

static void
test_unknown_function(void **state)
{
	(void)state;
	struct weir_strbuf out = WEIR_STRBUF_INIT;
	weir_strbuf_reset(&msgs);
	weir_errh_init_buffer(&errh, &msgs);
	assert_int_equal(weir_script_function("frobnicate", "1 2", &out, &errh), -ENOENT);
	assert_int_equal(errh.nerrors, 0);
	assert_int_equal(out.len, 0);
	weir_strbuf_free(&out);
}

/* ---- through a router -------------------------------------------------------------- */

static struct weir_router *
build(const char *text)
{
	struct weir_graph g;
	weir_strbuf_reset(&msgs);
	weir_errh_init_buffer(&errh, &msgs);
	if (weir_lang_parse(text, "t.click", NULL, 0, &g, &errh) < 0)
		fail_msg("parse failed:\n%s", weir_strbuf_str(&msgs));
	struct weir_router *r = weir_router_new(&g, NULL, &errh);
	weir_graph_free(&g);
	return r;
}

static struct weir_router *
build_ok(const char *text)
{
	struct weir_router *r = build(text);
	if (!r)
		fail_msg("router failed:\n%s", weir_strbuf_str(&msgs));
	return r;
}

/* Building must fail with a message containing fragment. */
static void
build_bad(const char *text, const char *fragment)
{
	struct weir_router *r = build(text);
	if (r) {
		weir_router_free(r);
		fail_msg("'%s' built, expected '%s'", text, fragment);
	}
	if (!strstr(weir_strbuf_str(&msgs), fragment))
		fail_msg("expected '%s' in:\n%s", fragment, weir_strbuf_str(&msgs));
}

static const char *
rd(struct weir_router *r, const char *spec)
{
	static char buf[512];
	struct weir_strbuf sb = WEIR_STRBUF_INIT;
	weir_strbuf_reset(&msgs);
	if (weir_router_handler_read(r, spec, &sb, &errh) != 0)
		fail_msg("read %s failed: %s", spec, weir_strbuf_str(&msgs));
	snprintf(buf, sizeof(buf), "%s", weir_strbuf_str(&sb));
	weir_strbuf_free(&sb);
	return buf;
}

static int
wr(struct weir_router *r, const char *spec, const char *value)
{
	weir_strbuf_reset(&msgs);
	return weir_router_handler_write(r, spec, value, &errh);
}

static void
test_passive_run_returns(void **state)
{
	(void)state;
	struct weir_router *r = build_ok(
		"s :: Script(TYPE PASSIVE, return $(mul 6 7));"
		"q :: Script(TYPE PASSIVE, returnq \"a b\");"
		"n :: Script(TYPE PASSIVE, set x 1);"
		"a :: Script(TYPE PASSIVE, set n $#, set one $1, return \"$n:$one\");");
	assert_string_equal(rd(r, "s.run"), "42");
	assert_string_equal(rd(r, "q.run"), "a b");
	assert_string_equal(rd(r, "n.run"), ""); /* ended without return */
	assert_int_equal(wr(r, "a.run", "x y z"), 0);
	assert_string_equal(rd(r, "a.run"), "\"0:\""); /* reading runs with no args */
	weir_router_free(r);
}

static void
test_step_and_goto_handlers(void **state)
{
	(void)state;
	struct weir_router *r = build_ok(
		"s :: Script(pause, set x 1, pause 2, set x 2, label again, set y $(add $y 1), pause);"
		"g :: Script(TYPE PASSIVE, return \"$(s.get x)/$(s.get y)\");");
	/* the first instruction is a pause: nothing runs before a step */
	assert_string_equal(rd(r, "g.run"), "\"/\"");
	assert_int_equal(wr(r, "s.step", ""), 0);
	assert_string_equal(rd(r, "g.run"), "\"1/\"");
	assert_int_equal(wr(r, "s.step", "1"), 0); /* pause 2 needs two */
	assert_string_equal(rd(r, "g.run"), "\"1/\"");
	assert_int_equal(wr(r, "s.step", "1"), 0);
	assert_string_equal(rd(r, "g.run"), "\"2/1\"");
	assert_int_equal(wr(r, "s.goto", "again"), 0);
	assert_string_equal(rd(r, "g.run"), "\"2/2\"");
	assert_int_not_equal(wr(r, "s.goto", "nope"), 0);
	assert_non_null(strstr(weir_strbuf_str(&msgs), "jump to nonexistent label 'nope'"));
	assert_int_not_equal(wr(r, "s.step", "x"), 0);
	assert_non_null(strstr(weir_strbuf_str(&msgs), "expected a count"));
	weir_router_free(r);
}

static void
test_write_status_and_errors(void **state)
{
	(void)state;
	struct weir_router *r = build_ok(
		"Idle -> sw :: Switch -> Discard;"
		"ok :: Script(TYPE PASSIVE, write sw.switch 0, return $?);"
		"bad :: Script(TYPE PASSIVE, write sw.nosuch 1, return $?);"
		"err :: Script(TYPE PASSIVE, error);");
	assert_string_equal(rd(r, "ok.run"), "0");
	assert_string_not_equal(rd(r, "bad.run"), "0");
	assert_int_not_equal(wr(r, "err.run", ""), 0); /* error makes run fail */
	weir_router_free(r);
}

static void
test_configure_errors(void **state)
{
	(void)state;
	build_bad("Script(set x 1, frob)", "argument 2: unknown instruction 'frob'");
	build_bad("Script(goto nowhere)", "argument 1: no such label 'nowhere'");
	build_bad("Script(set x)", "argument 1: expected 'VARIABLE VALUE'");
	build_bad("Script(wait -1)", "argument 1: bad wait time '-1'");
	build_bad("Script(pause x)", "argument 1: bad pause count 'x'");
	build_bad("Script(read)", "argument 1: 'read' expects an argument");
	build_bad("Script(loop 3)", "argument 1: 'loop' takes no arguments");
	build_bad("Script(label a b)", "argument 1: expected 'label NAME'");
	build_bad("Script(TYPE BOGUS)", "TYPE: expected ACTIVE, PASSIVE or DRIVER, got 'BOGUS'");
	build_bad("Script(TYPE DRIVER); DriverManager", "more than one driver script");
}

/* ---- data paths ------------------------------------------------------------------------- */

static void
test_tee_counts_failed_clones(void **state)
{
	(void)state;
	struct weir_router *r = build_ok(
		"InfiniteSource(LIMIT 10, BURST 10, STOP true) -> t :: Tee;"
		"t[0] -> a :: Counter -> Discard; t[1] -> b :: Counter -> Discard;"
		"t[2] -> c :: Counter -> Discard;");
	weir_router_run(r);
	long a = atol(rd(r, "a.count")), b = atol(rd(r, "b.count"));
	/* the original always reaches the last output; clones run out */
	assert_string_equal(rd(r, "c.count"), "10");
	assert_true(a >= 0 && a <= TEST_CLONE_CAP);
	assert_true(b >= 0 && b <= TEST_CLONE_CAP);
	assert_int_equal(atol(rd(r, "t.drops")), 20 - a - b);
	assert_true(atol(rd(r, "t.drops")) >= 20 - 2 * TEST_CLONE_CAP);
	weir_router_free(r);
}

static struct weir_packet *
make_packet(uint32_t headroom, uint32_t len)
{
	uint8_t data[64];
	for (uint32_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)i;
	struct weir_packet *p = weir_packet_make(headroom, data, len, 0);
	assert_non_null(p);
	return p;
}

static void
test_strip_to_network_header(void **state)
{
	(void)state;
	const struct weir_element_class *cls = weir_element_class_find("StripToNetworkHeader");
	assert_non_null(cls);
	assert_non_null(cls->simple_action);
	struct weir_element e = { .cls = cls };
	struct weir_batch b = { .n = 3 };
	b.pkts[0] = make_packet(16, 40); /* header 14 bytes in: strip to it */
	weir_packet_set_network_header(b.pkts[0], b.pkts[0]->data + 14);
	b.pkts[1] = make_packet(16, 40); /* header 8 bytes before the data: go back */
	weir_packet_set_network_header(b.pkts[1], b.pkts[1]->data - 8);
	b.pkts[2] = make_packet(16, 40); /* no header annotation: unchanged */
	cls->simple_action(&e, &b);
	assert_int_equal(b.n, 3);
	assert_int_equal(b.pkts[0]->len, 26);
	assert_int_equal(b.pkts[0]->data[0], 14);
	assert_int_equal(weir_packet_network_offset(b.pkts[0]), 0);
	assert_int_equal(b.pkts[1]->len, 48);
	assert_int_equal(b.pkts[1]->data[8], 0);
	assert_int_equal(weir_packet_headroom(b.pkts[1]), 8);
	assert_int_equal(b.pkts[2]->len, 40);
	assert_int_equal(b.pkts[2]->data[0], 0);
	weir_batch_kill(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arithmetic),
		cmocka_unit_test(test_compare_and_logic),
		cmocka_unit_test(test_sprintf),
		cmocka_unit_test(test_unknown_function),
		cmocka_unit_test(test_passive_run_returns),
		cmocka_unit_test(test_step_and_goto_handlers),
		cmocka_unit_test(test_write_status_and_errors),
		cmocka_unit_test(test_configure_errors),
		cmocka_unit_test(test_tee_counts_failed_clones),
		cmocka_unit_test(test_strip_to_network_header),
	};
	int rc = cmocka_run_group_tests(tests, setup_pools, NULL);
	weir_strbuf_free(&msgs);
	return rc;
}
