/* test_args.c - unit tests for configuration splitting, unquoting, value parsers and argument tables. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "weir/args.h"
#include "weir/lang.h"
#include "weir/packet.h"
#include "weir/router.h"

/* Fails with both strings printed when needle is not in haystack. */
#define assert_contains(hay, needle)                                                  \
	do {                                                                           \
		const char *_h = (hay), *_n = (needle);                               \
		if (!strstr(_h, _n))                                                   \
			fail_msg("expected '%s' in '%s'", _n, _h);                    \
	} while (0)

/* ---- conf_split, split_words, unquote ----------------------------------------- */

/* Splits text and checks the arguments against expect (NULL-terminated). */
static void
check_split(const char *text, const char *const *expect)
{
	struct weir_conf conf;
	int n = 0;

	assert_int_equal(weir_conf_split(text, &conf), 0);
	while (expect[n])
		n++;
	if (conf.argc != n)
		fail_msg("'%s': %d arguments, expected %d", text, conf.argc, n);
	for (int i = 0; i < n; i++)
		assert_string_equal(conf.argv[i], expect[i]);
	assert_ptr_equal(conf.raw, text);
	weir_conf_free(&conf);
	assert_int_equal(conf.argc, 0);
	assert_null(conf.argv);
}

static void
test_conf_split_basic(void **state)
{
	check_split("", (const char *[]){ NULL });
	check_split("   \n\t ", (const char *[]){ NULL });
	check_split("/* only */ // comments", (const char *[]){ NULL });
	check_split("a", (const char *[]){ "a", NULL });
	check_split("a, b, c", (const char *[]){ "a", "b", "c", NULL });
	check_split("  a  ,\tb\n", (const char *[]){ "a", "b", NULL });
	/* Click: an empty last argument is ignored, others are kept */
	check_split("a, b,", (const char *[]){ "a", "b", NULL });
	check_split("a, b, ", (const char *[]){ "a", "b", NULL });
	check_split("a,,b", (const char *[]){ "a", "", "b", NULL });
	check_split(",", (const char *[]){ "", NULL });
	/* inner space is kept as written */
	check_split("LENGTH   64", (const char *[]){ "LENGTH   64", NULL });
}

static void
test_conf_split_quotes_brackets(void **state)
{
	check_split("\"x, y\", z", (const char *[]){ "\"x, y\"", "z", NULL });
	check_split("'x, y', z", (const char *[]){ "'x, y'", "z", NULL });
	check_split("\"a\\\", b\", c", (const char *[]){ "\"a\\\", b\"", "c", NULL });
	check_split("f(a, b), [c, d], {e, (f, g)}, h",
		    (const char *[]){ "f(a, b)", "[c, d]", "{e, (f, g)}", "h", NULL });
	/* a closing bracket without an opening one does not unbalance */
	check_split("a), b", (const char *[]){ "a)", "b", NULL });
	check_split("\\<00, 11>, x", (const char *[]){ "\\<00, 11>", "x", NULL });
	/* quotes protect brackets and comments */
	check_split("\"(\", x", (const char *[]){ "\"(\"", "x", NULL });
	check_split("\"a // b\", '/* c */'", (const char *[]){ "\"a // b\"", "'/* c */'", NULL });
	/* an unterminated quote runs to the end (unquote reports it) */
	check_split("\"a, b", (const char *[]){ "\"a, b", NULL });
}

static void
test_conf_split_comments(void **state)
{
	check_split("  a /*?*/ b,  c, ", (const char *[]){ "a b", "c", NULL });
	check_split("\"x, y\" // ?", (const char *[]){ "\"x, y\"", NULL });
	check_split("a // one, two\n, b", (const char *[]){ "a", "b", NULL });
	check_split("a /* , */, b", (const char *[]){ "a", "b", NULL });
	check_split("a/**/b", (const char *[]){ "a b", NULL });
	check_split("a /* unterminated, b", (const char *[]){ "a", NULL });
	check_split("LIMIT 5 // five\r\n, BURST 2", (const char *[]){ "LIMIT 5", "BURST 2", NULL });
}

static void
test_split_words(void **state)
{
	char **w;
	int n;

	n = weir_split_words("  a  b\tc ", &w);
	assert_int_equal(n, 3);
	assert_string_equal(w[0], "a");
	assert_string_equal(w[1], "b");
	assert_string_equal(w[2], "c");
	weir_words_free(w, n);

	/* quotes and hex blocks stay in one word, quotes are kept */
	n = weir_split_words("'a b'c \"d \\\" e\" \\<00 11> x/*c*/y // z", &w);
	assert_int_equal(n, 5);
	assert_string_equal(w[0], "'a b'c");
	assert_string_equal(w[1], "\"d \\\" e\"");
	assert_string_equal(w[2], "\\<00 11>");
	assert_string_equal(w[3], "x");
	assert_string_equal(w[4], "y");
	weir_words_free(w, n);

	n = weir_split_words("a  b, c", &w);
	assert_int_equal(n, 3);
	assert_string_equal(w[1], "b,");
	weir_words_free(w, n);

	assert_int_equal(weir_split_words("   ", &w), 0);
	assert_null(w);
	assert_int_equal(weir_split_words("", &w), 0);
	weir_words_free(NULL, 0);
}

static void
check_unquote(const char *in, const char *expect)
{
	const char *err = NULL;
	char *out = weir_unquote(in, &err);
	if (!out)
		fail_msg("unquote '%s' failed: %s", in, err ? err : "?");
	assert_string_equal(out, expect);
	free(out);
}

static void
check_unquote_fails(const char *in, const char *msg_part)
{
	const char *err = NULL;
	char *out = weir_unquote(in, &err);
	if (out)
		fail_msg("unquote '%s' gave '%s', expected an error", in, out);
	assert_non_null(err);
	assert_contains(err, msg_part);
}

static void
test_unquote(void **state)
{
	check_unquote("abc", "abc");
	check_unquote("\"abc\"", "abc");
	check_unquote("'a\\tb'", "a\\tb");
	check_unquote("\"a\\tb\\n\\\\\\\"\"", "a\tb\n\\\"");
	check_unquote("pre\"mid\"post", "premidpost");
	check_unquote("\"a b\" 'c d'", "a b c d");
	check_unquote("\"\\x41\\x4a\\x4Bz\"", "AJKz");
	check_unquote("\"\\101\\60\"", "A0");
	check_unquote("\"\\<48 65 6c6C 6f>\"", "Hello");
	check_unquote("\\<48 69 /* hi */ 21>", "Hi!");
	check_unquote("\"\\$\\,\\'\"", "$,'");
	check_unquote("\"a\\\nb\"", "ab");
	check_unquote("a\\b", "a\\b"); /* backslash outside quotes is literal */
	check_unquote("\"\\\"\" /* c */ x", "\" x");
	check_unquote("\"/* kept */\"", "/* kept */");
	check_unquote("\"\"", "");
	check_unquote("", "");

	check_unquote_fails("\"abc", "unterminated double quote");
	check_unquote_fails("'abc", "unterminated single quote");
	check_unquote_fails("\"\\<41 4\"", "\\<");
	check_unquote_fails("\\<41 4>", "odd number");
	check_unquote_fails("\\<4g>", "bad character");
	check_unquote_fails("\\<41", "unterminated");
	check_unquote_fails("\"\\xzz\"", "\\x");
	/* err may be NULL */
	assert_null(weir_unquote("\"x", NULL));
}

static void
test_is_keyword(void **state)
{
	assert_true(weir_is_keyword("LENGTH", 6));
	assert_true(weir_is_keyword("_A1_B", 5));
	assert_true(weir_is_keyword("NO_RATE 1", 7));
	assert_false(weir_is_keyword("NO_RATE 1", 8));
	assert_false(weir_is_keyword("Length", 6));
	assert_false(weir_is_keyword("1ABC", 4));
	assert_false(weir_is_keyword("A-B", 3));
	assert_false(weir_is_keyword("", 0));
}

/* ---- integers, bools, doubles --------------------------------------------------- */

static void
test_parse_integers(void **state)
{
	int64_t i64 = 7;
	uint64_t u64 = 7;
	int32_t i32 = 7;
	uint32_t u32 = 7;

	assert_int_equal(weir_parse_int64("0", &i64), 0);
	assert_int_equal(i64, 0);
	assert_int_equal(weir_parse_int64("-42", &i64), 0);
	assert_int_equal(i64, -42);
	assert_int_equal(weir_parse_int64("+42", &i64), 0);
	assert_int_equal(i64, 42);
	assert_int_equal(weir_parse_int64(" 0x1F ", &i64), 0);
	assert_int_equal(i64, 31);
	assert_int_equal(weir_parse_int64("-0x10", &i64), 0);
	assert_int_equal(i64, -16);
	assert_int_equal(weir_parse_int64("9223372036854775807", &i64), 0);
	assert_true(i64 == INT64_MAX);
	assert_int_equal(weir_parse_int64("-9223372036854775808", &i64), 0);
	assert_true(i64 == INT64_MIN);
	assert_int_equal(weir_parse_int64("010", &i64), 0); /* decimal, not octal */
	assert_int_equal(i64, 10);

	i64 = 7;
	const char *bad_signed[] = { "",     " ",  "-",  "+",   "x",   "1x",  "1 2", "0x",
				     "0xg",  "1.5", "--1", "9223372036854775808",
				     "-9223372036854775809", "99999999999999999999999", NULL };
	for (int i = 0; bad_signed[i]; i++)
		if (weir_parse_int64(bad_signed[i], &i64) != -EINVAL)
			fail_msg("int64 accepted '%s'", bad_signed[i]);
	assert_int_equal(i64, 7); /* nothing stored on error */
	assert_int_equal(weir_parse_int64(NULL, &i64), -EINVAL);

	assert_int_equal(weir_parse_uint64("18446744073709551615", &u64), 0);
	assert_true(u64 == UINT64_MAX);
	assert_int_equal(weir_parse_uint64("0xFFFFFFFFFFFFFFFF", &u64), 0);
	assert_true(u64 == UINT64_MAX);
	u64 = 7;
	assert_int_equal(weir_parse_uint64("18446744073709551616", &u64), -EINVAL);
	assert_int_equal(weir_parse_uint64("0x10000000000000000", &u64), -EINVAL);
	assert_int_equal(weir_parse_uint64("-1", &u64), -EINVAL);
	assert_int_equal(u64, 7);

	assert_int_equal(weir_parse_int("2147483647", &i32), 0);
	assert_int_equal(i32, INT32_MAX);
	assert_int_equal(weir_parse_int("-2147483648", &i32), 0);
	assert_int_equal(i32, INT32_MIN);
	i32 = 7;
	assert_int_equal(weir_parse_int("2147483648", &i32), -EINVAL);
	assert_int_equal(weir_parse_int("-2147483649", &i32), -EINVAL);
	assert_int_equal(i32, 7);

	assert_int_equal(weir_parse_uint("4294967295", &u32), 0);
	assert_int_equal(u32, UINT32_MAX);
	assert_int_equal(weir_parse_uint("0x0a", &u32), 0);
	assert_int_equal(u32, 10);
	u32 = 7;
	assert_int_equal(weir_parse_uint("4294967296", &u32), -EINVAL);
	assert_int_equal(weir_parse_uint("-0", &u32), -EINVAL);
	assert_int_equal(weir_parse_uint("12abc", &u32), -EINVAL);
	assert_int_equal(u32, 7);
}

static void
test_parse_bool(void **state)
{
	const char *yes[] = { "true", "yes", "1", "on", "TRUE", "Yes", "t", "y", " true ", NULL };
	const char *no[] = { "false", "no", "0", "off", "OFF", "f", "n", NULL };
	const char *bad[] = { "", "2", "tru", "truex", "yes no", "-1", NULL };
	bool b;

	for (int i = 0; yes[i]; i++) {
		b = false;
		assert_int_equal(weir_parse_bool(yes[i], &b), 0);
		assert_true(b);
	}
	for (int i = 0; no[i]; i++) {
		b = true;
		assert_int_equal(weir_parse_bool(no[i], &b), 0);
		assert_false(b);
	}
	for (int i = 0; bad[i]; i++) {
		b = true;
		if (weir_parse_bool(bad[i], &b) != -EINVAL)
			fail_msg("bool accepted '%s'", bad[i]);
		assert_true(b);
	}
}

static void
test_parse_double(void **state)
{
	double d = 7;

	assert_int_equal(weir_parse_double("1.5", &d), 0);
	assert_true(d == 1.5);
	assert_int_equal(weir_parse_double("-2e3", &d), 0);
	assert_true(d == -2000);
	assert_int_equal(weir_parse_double(".25", &d), 0);
	assert_true(d == 0.25);
	d = 7;
	const char *bad[] = { "", "x", "1.5x", "inf", "nan", "0x1p3", "1e", ".", "1e999", "1 2",
			      NULL };
	for (int i = 0; bad[i]; i++)
		if (weir_parse_double(bad[i], &d) != -EINVAL)
			fail_msg("double accepted '%s'", bad[i]);
	assert_true(d == 7);
}

/* ---- times, bandwidths, rates ---------------------------------------------------- */

static void
test_parse_seconds(void **state)
{
	static const struct {
		const char *s;
		int64_t ns;
	} good[] = {
		{ "1", 1000000000 },	  { "1.5", 1500000000 },   { "0", 0 },
		{ "10ms", 10000000 },	  { "1.5ms", 1500000 },	   { "2 sec", 2000000000 },
		{ "3s", 3000000000 },	  { "250us", 250000 },	   { "7usec", 7000 },
		{ "5ns", 5 },		  { "5nsec", 5 },	   { "4msec", 4000000 },
		{ "2m", 120000000000 },	  { "1min", 60000000000 }, { "1h", 3600000000000 },
		{ "1hr", 3600000000000 }, { "1d", 86400000000000 }, { "1day", 86400000000000 },
		{ "0.000000001", 1 },	  { ".5s", 500000000 },	   { "1.", 1000000000 },
		{ "0.1", 100000000 },	  { "0.0000000015", 2 }, /* rounded */
	};
	int64_t ns;

	for (size_t i = 0; i < WEIR_ARRAY_SIZE(good); i++) {
		ns = -1;
		if (weir_parse_seconds(good[i].s, &ns) != 0)
			fail_msg("seconds rejected '%s'", good[i].s);
		if (ns != good[i].ns)
			fail_msg("'%s' gave %lld, expected %lld", good[i].s, (long long)ns,
				 (long long)good[i].ns);
	}
	ns = -1;
	const char *bad[] = { "", "s", "-1", "-1s", "1x", "1 s s", "10 parsecs", "1e3",
			      "1.2.3", "99999999999d", "1S", "ms5", NULL };
	for (int i = 0; bad[i]; i++)
		if (weir_parse_seconds(bad[i], &ns) != -EINVAL)
			fail_msg("seconds accepted '%s'", bad[i]);
	assert_int_equal(ns, -1);

	assert_int_equal(weir_parse_msec("100", &ns), 0);
	assert_int_equal(ns, 100000000);
	assert_int_equal(weir_parse_msec("1.5", &ns), 0);
	assert_int_equal(ns, 1500000);
	assert_int_equal(weir_parse_msec("2s", &ns), 0);
	assert_int_equal(ns, 2000000000);
	assert_int_equal(weir_parse_msec("10us", &ns), 0);
	assert_int_equal(ns, 10000);
	assert_int_equal(weir_parse_msec("abc", &ns), -EINVAL);
	assert_int_equal(ns, 10000);
}

static void
test_parse_bandwidth(void **state)
{
	static const struct {
		const char *s;
		uint64_t v;
	} good[] = {
		{ "1000", 1000 },	  { "8bps", 1 },	    { "10Mbps", 1250000 },
		{ "1Gbps", 125000000 },	  { "1kbps", 125 },	    { "1Kbps", 125 },
		{ "1MBps", 1000000 },	  { "2kBps", 2000 },	    { "2KBps", 2000 },
		{ "1GBps", 1000000000 },  { "100Bps", 100 },	    { "1.5MBps", 1500000 },
		{ "2.5 Mbps", 312500 },	  { "10Mb/s", 1250000 },    { "0", 0 },
	};
	uint64_t v;

	for (size_t i = 0; i < WEIR_ARRAY_SIZE(good); i++) {
		v = 7;
		if (weir_parse_bandwidth(good[i].s, &v) != 0)
			fail_msg("bandwidth rejected '%s'", good[i].s);
		if (v != good[i].v)
			fail_msg("'%s' gave %llu, expected %llu", good[i].s,
				 (unsigned long long)v, (unsigned long long)good[i].v);
	}
	v = 7;
	const char *bad[] = { "", "Mbps", "10M", "10mbps", "10 Xbps", "-1Mbps", "1e6",
			      "99999999999999999999GBps", "10Mbpsx", NULL };
	for (int i = 0; bad[i]; i++)
		if (weir_parse_bandwidth(bad[i], &v) != -EINVAL)
			fail_msg("bandwidth accepted '%s'", bad[i]);
	assert_int_equal(v, 7);
}

static void
test_parse_rate(void **state)
{
	static const struct {
		const char *s;
		uint64_t v;
	} good[] = {
		{ "1000", 1000 },	 { "10k", 10000 },	 { "10K", 10000 },
		{ "2.5M", 2500000 },	 { "1G", 1000000000 },	 { "500pps", 500 },
		{ "500/s", 500 },	 { "3kpps", 3000 },	 { "1 Mpps", 1000000 },
		{ "0", 0 },
	};
	uint64_t v;

	for (size_t i = 0; i < WEIR_ARRAY_SIZE(good); i++) {
		v = 7;
		if (weir_parse_rate(good[i].s, &v) != 0)
			fail_msg("rate rejected '%s'", good[i].s);
		if (v != good[i].v)
			fail_msg("'%s' gave %llu, expected %llu", good[i].s,
				 (unsigned long long)v, (unsigned long long)good[i].v);
	}
	v = 7;
	const char *bad[] = { "", "k", "-5", "10x", "10 kk", "1.2.3", "99999999999999999999G",
			      NULL };
	for (int i = 0; bad[i]; i++)
		if (weir_parse_rate(bad[i], &v) != -EINVAL)
			fail_msg("rate accepted '%s'", bad[i]);
	assert_int_equal(v, 7);
}

/* ---- addresses ------------------------------------------------------------------ */

static uint32_t
be(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return htonl((uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d);
}

static void
test_parse_ip4(void **state)
{
	uint32_t a = 7;
	char buf[16];

	assert_int_equal(weir_parse_ip4("10.0.0.1", &a), 0);
	assert_int_equal(a, be(10, 0, 0, 1));
	assert_int_equal(weir_parse_ip4(" 255.255.255.255 ", &a), 0);
	assert_int_equal(a, be(255, 255, 255, 255));
	assert_int_equal(weir_parse_ip4("0.0.0.0", &a), 0);
	assert_int_equal(a, 0);
	weir_format_ip4(be(192, 168, 1, 20), buf);
	assert_string_equal(buf, "192.168.1.20");
	weir_format_ip4(be(255, 255, 255, 255), buf);
	assert_string_equal(buf, "255.255.255.255");

	a = 7;
	const char *bad[] = { "",	  "1.2.3",   "1.2.3.256", "1.2.3.4.5", "1..2.3",
			      "1.2.3.",	  ".1.2.3",  "a.b.c.d",	  "1.2.3.4x",  "0001.2.3.4",
			      "1.2.3.-4", "1 .2.3.4", "10", NULL };
	for (int i = 0; bad[i]; i++)
		if (weir_parse_ip4(bad[i], &a) != -EINVAL)
			fail_msg("ip4 accepted '%s'", bad[i]);
	assert_int_equal(a, 7);
}

static void
test_parse_ip4_prefix(void **state)
{
	uint32_t a = 7, m = 7;

	assert_int_equal(weir_parse_ip4_prefix("10.0.0.0/8", &a, &m, false), 0);
	assert_int_equal(a, be(10, 0, 0, 0));
	assert_int_equal(m, be(255, 0, 0, 0));
	assert_int_equal(weir_parse_ip4_prefix("18.26.4.9/24", &a, &m, false), 0);
	assert_int_equal(a, be(18, 26, 4, 9)); /* the address is kept as written */
	assert_int_equal(m, be(255, 255, 255, 0));
	assert_int_equal(weir_parse_ip4_prefix("1.2.3.4/255.255.240.0", &a, &m, false), 0);
	assert_int_equal(m, be(255, 255, 240, 0));
	assert_int_equal(weir_parse_ip4_prefix("0.0.0.0/0", &a, &m, false), 0);
	assert_int_equal(m, 0);
	assert_int_equal(weir_parse_ip4_prefix("1.2.3.4/32", &a, &m, false), 0);
	assert_int_equal(m, 0xFFFFFFFFu);
	assert_int_equal(weir_parse_ip4_prefix("1.2.3.4/0.0.0.0", &a, &m, false), 0);
	assert_int_equal(m, 0);
	assert_int_equal(weir_parse_ip4_prefix("10/8", &a, &m, false), 0);
	assert_int_equal(a, be(10, 0, 0, 0));
	assert_int_equal(m, be(255, 0, 0, 0));
	assert_int_equal(weir_parse_ip4_prefix("10.1/16", &a, &m, false), 0);
	assert_int_equal(a, be(10, 1, 0, 0));
	assert_int_equal(m, be(255, 255, 0, 0));
	assert_int_equal(weir_parse_ip4_prefix("1.2.3.4", &a, &m, true), 0);
	assert_int_equal(a, be(1, 2, 3, 4));
	assert_int_equal(m, 0xFFFFFFFFu);

	a = m = 7;
	const char *bad[] = { "10.0.0.0/33", "10.0.0.0/", "/8", "10.0.0.0/-1", "10.0.0.0/8x",
			      "10.0.0.0/255.0.255.0", "10.0.0.0/255.255.255.1",
			      "10.0.0.0/0.255.255.255", "10.0.0.0/255.255.0", "1.2.3.256/8",
			      "10.0.0.0/8/8", "10.0.0.0/008", "10.0.0.0/0x8", "", NULL };
	for (int i = 0; bad[i]; i++)
		if (weir_parse_ip4_prefix(bad[i], &a, &m, true) != -EINVAL)
			fail_msg("prefix accepted '%s'", bad[i]);
	/* bare addresses only when allowed, and only complete ones */
	assert_int_equal(weir_parse_ip4_prefix("1.2.3.4", &a, &m, false), -EINVAL);
	assert_int_equal(weir_parse_ip4_prefix("10", &a, &m, true), -EINVAL);
	assert_int_equal(a, 7);
	assert_int_equal(m, 7);
}

static void
test_parse_ether(void **state)
{
	uint8_t e[6] = { 7, 7, 7, 7, 7, 7 };
	const uint8_t x[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
	const uint8_t y[6] = { 0, 1, 2, 3, 4, 5 };
	const uint8_t z[6] = { 0xaa, 0xBB, 0xcc, 0xdd, 0xee, 0xff };
	const uint8_t sevens[6] = { 7, 7, 7, 7, 7, 7 };
	char buf[18];

	assert_int_equal(weir_parse_ether("00:11:22:33:44:55", e), 0);
	assert_memory_equal(e, x, 6);
	assert_int_equal(weir_parse_ether("0:1:2:3:4:5", e), 0);
	assert_memory_equal(e, y, 6);
	assert_int_equal(weir_parse_ether("00-11-22-33-44-55", e), 0);
	assert_memory_equal(e, x, 6);
	assert_int_equal(weir_parse_ether("AA:bb:Cc:dd:EE:ff", e), 0);
	assert_memory_equal(e, z, 6);
	weir_format_ether(z, buf);
	assert_string_equal(buf, "aa:bb:cc:dd:ee:ff");
	weir_format_ether(y, buf);
	assert_string_equal(buf, "00:01:02:03:04:05");

	memset(e, 7, 6);
	const char *bad[] = { "00:11:22:33:44",	   "00:11:22:33:44:55:66", "gg:11:22:33:44:55",
			      "000:11:22:33:44:55", "00:11-22:33:44:55",   "00:11:22:33:44:",
			      "00::22:33:44:55",    "001122334455",	   "", NULL };
	for (int i = 0; bad[i]; i++)
		if (weir_parse_ether(bad[i], e) != -EINVAL)
			fail_msg("ether accepted '%s'", bad[i]);
	assert_memory_equal(e, sevens, 6);
}

static void
test_parse_data(void **state)
{
	struct weir_bytes b = { NULL, 99 };
	const uint8_t bin[] = { 0x00, 0x11, 0xff, 'a', '\n' };

	assert_int_equal(weir_parse_data("\\<00 11 ff>\"a\\n\"", &b), 0);
	assert_int_equal(b.len, sizeof(bin));
	assert_memory_equal(b.data, bin, sizeof(bin));
	free(b.data);

	assert_int_equal(weir_parse_data("\"\\<00 00>\"", &b), 0);
	assert_int_equal(b.len, 2);
	assert_int_equal(b.data[0], 0);
	assert_int_equal(b.data[1], 0);
	free(b.data);

	assert_int_equal(weir_parse_data("\"\"", &b), 0);
	assert_int_equal(b.len, 0);
	assert_null(b.data);

	b = (struct weir_bytes){ NULL, 99 };
	assert_int_equal(weir_parse_data("\"abc", &b), -EINVAL);
	assert_int_equal(weir_parse_data("\\<0>", &b), -EINVAL);
	assert_null(b.data);
	assert_int_equal(b.len, 99);
}

/* ---- argument tables ------------------------------------------------------------ */

struct cfg {
	struct weir_bytes data;
	uint32_t length;
	int32_t ttl;
	bool active;
	bool active_given;
	char *label;
	char *mode;
	int64_t interval;
	uint64_t bandwidth;
	uint32_t addr;
	struct weir_ip4_prefix net;
	uint8_t eth[6];
	double ratio;
	unsigned anno;
	uint64_t rate;
	int64_t big;
	uint64_t ubig;
	int64_t timeout;
};

static const struct weir_arg cfg_args[] = {
	{ "DATA", WEIR_ARG_DATA, offsetof(struct cfg, data), WEIR_ARGF_POSITIONAL },
	{ "LENGTH", WEIR_ARG_UINT, offsetof(struct cfg, length),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY },
	{ "TTL", WEIR_ARG_INT, offsetof(struct cfg, ttl), WEIR_ARGF_POSITIONAL | WEIR_ARGF_BOUNDED,
	  .def = "64", .min = 1, .max = 255 },
	{ "ACTIVE", WEIR_ARG_BOOL, offsetof(struct cfg, active), WEIR_ARGF_GIVEN, .def = "true",
	  .given_offset = offsetof(struct cfg, active_given) },
	{ "LABEL", WEIR_ARG_STRING, offsetof(struct cfg, label), 0, .def = "\"none yet\"" },
	{ "MODE", WEIR_ARG_WORD, offsetof(struct cfg, mode) },
	{ "INTERVAL", WEIR_ARG_SECONDS, offsetof(struct cfg, interval), 0, .def = "1.5ms" },
	{ "BANDWIDTH", WEIR_ARG_BANDWIDTH, offsetof(struct cfg, bandwidth) },
	{ "ADDR", WEIR_ARG_IP4, offsetof(struct cfg, addr) },
	{ "NET", WEIR_ARG_IP4_PREFIX, offsetof(struct cfg, net) },
	{ "ETH", WEIR_ARG_ETHER, offsetof(struct cfg, eth) },
	{ "RATIO", WEIR_ARG_DOUBLE, offsetof(struct cfg, ratio), WEIR_ARGF_BOUNDED, .min = 0,
	  .max = 1 },
	{ "ANNO", WEIR_ARG_ANNO, offsetof(struct cfg, anno) },
	{ "RATE", WEIR_ARG_RATE, offsetof(struct cfg, rate) },
	{ "BIG", WEIR_ARG_INT64, offsetof(struct cfg, big) },
	{ "UBIG", WEIR_ARG_UINT64, offsetof(struct cfg, ubig), WEIR_ARGF_BOUNDED, .min = 10,
	  .max = 1e6 },
	{ "TIMEOUT", WEIR_ARG_MSEC, offsetof(struct cfg, timeout) },
	WEIR_ARG_END,
};

static struct weir_strbuf errs;

/* Split text and parse it into priv; the messages land in errs. */
static int
parse_text(const struct weir_arg *table, void *priv, const char *text)
{
	struct weir_conf conf;
	struct weir_errh errh;

	weir_strbuf_reset(&errs);
	weir_errh_init_buffer(&errh, &errs);
	assert_int_equal(weir_conf_split(text, &conf), 0);
	int rc = weir_args_parse(table, priv, &conf, NULL, &errh);
	weir_conf_free(&conf);
	if (rc == 0 && errh.nerrors)
		fail_msg("success with errors: %s", weir_strbuf_str(&errs));
	if (rc < 0 && !errh.nerrors)
		fail_msg("failure without a message");
	return rc;
}

static int
teardown_errs(void **state)
{
	weir_strbuf_free(&errs);
	return 0;
}

static void
test_args_positional_and_keywords(void **state)
{
	struct cfg c = { 0 };

	assert_int_equal(parse_text(cfg_args, &c, "\\<01 02>, 60, 3, LABEL \"a b\", MODE fast, "
						  "ADDR 10.0.0.1, NET 10/8, ETH 0:1:2:3:4:5, "
						  "RATIO 0.5, ANNO PAINT, RATE 10k, BIG -5, "
						  "UBIG 100, TIMEOUT 20, BANDWIDTH 8Mbps"),
			 0);
	assert_int_equal(c.data.len, 2);
	assert_int_equal(c.data.data[1], 2);
	assert_int_equal(c.length, 60);
	assert_int_equal(c.ttl, 3);
	assert_true(c.active); /* default */
	assert_false(c.active_given);
	assert_string_equal(c.label, "a b");
	assert_string_equal(c.mode, "fast");
	assert_int_equal(c.interval, 1500000); /* default "1.5ms" */
	assert_int_equal(c.addr, be(10, 0, 0, 1));
	assert_int_equal(c.net.addr, be(10, 0, 0, 0));
	assert_int_equal(c.net.mask, be(255, 0, 0, 0));
	assert_int_equal(c.eth[5], 5);
	assert_true(c.ratio == 0.5);
	assert_int_equal(c.anno, WEIR_PAINT_ANNO_OFFSET);
	assert_int_equal(c.rate, 10000);
	assert_int_equal(c.big, -5);
	assert_int_equal(c.ubig, 100);
	assert_int_equal(c.timeout, 20000000);
	assert_int_equal(c.bandwidth, 1000000);
	weir_args_free(cfg_args, &c);
	assert_null(c.label);
	assert_null(c.mode);
	assert_null(c.data.data);
	assert_int_equal(c.data.len, 0);

	/* positional entries may be given by keyword, in any order */
	memset(&c, 0, sizeof(c));
	assert_int_equal(parse_text(cfg_args, &c, "TTL 9, ACTIVE false, LENGTH 0x10"), 0);
	assert_int_equal(c.length, 16);
	assert_int_equal(c.ttl, 9);
	assert_false(c.active);
	assert_true(c.active_given);
	assert_null(c.data.data);
	assert_string_equal(c.label, "none yet");
	weir_args_free(cfg_args, &c);

	/* an empty positional argument leaves its entry unset */
	memset(&c, 0, sizeof(c));
	assert_int_equal(parse_text(cfg_args, &c, ", 5"), 0);
	assert_int_equal(c.length, 5);
	assert_int_equal(c.data.len, 0);
	assert_int_equal(c.ttl, 64);
	weir_args_free(cfg_args, &c);

	/* a one-word upper-case positional value is a value, not a keyword */
	static const struct weir_arg anno_args[] = {
		{ "ANNO", WEIR_ARG_ANNO, 0, WEIR_ARGF_POSITIONAL },
		WEIR_ARG_END,
	};
	unsigned anno = 99;
	assert_int_equal(parse_text(anno_args, &anno, "PAINT"), 0);
	assert_int_equal(anno, WEIR_PAINT_ANNO_OFFSET);
	assert_int_equal(parse_text(anno_args, &anno, "ANNO 20"), 0);
	assert_int_equal(anno, 20);

	/* a mandatory positional entry takes a value that looks like "KEYWORD value" */
	struct lcfg {
		char *label;
		uint32_t max;
	} lc = { NULL, 0 };
	static const struct weir_arg label_args[] = {
		{ "LABEL", WEIR_ARG_STRING, offsetof(struct lcfg, label),
		  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY },
		{ "MAX", WEIR_ARG_UINT, offsetof(struct lcfg, max), WEIR_ARGF_POSITIONAL },
		WEIR_ARG_END,
	};
	assert_int_equal(parse_text(label_args, &lc, "HELLO world, 5"), 0);
	assert_string_equal(lc.label, "HELLO world");
	assert_int_equal(lc.max, 5);
	assert_int_equal(parse_text(label_args, &lc, "LABEL hi, MAX 6"), 0);
	assert_string_equal(lc.label, "hi");
	assert_int_equal(lc.max, 6);
	assert_int_equal(parse_text(label_args, &lc, "x, BOGUS 7"), -EINVAL);
	assert_contains(weir_strbuf_str(&errs), "unknown keyword 'BOGUS'");
	weir_args_free(label_args, &lc);
	assert_null(lc.label);
}

static void
test_args_errors(void **state)
{
	struct cfg c = { 0 };

	assert_int_equal(parse_text(cfg_args, &c, ""), -EINVAL);
	assert_contains(weir_strbuf_str(&errs), "missing mandatory LENGTH argument");

	assert_int_equal(parse_text(cfg_args, &c, "LENGTH 1, FOO 2"), -EINVAL);
	assert_contains(weir_strbuf_str(&errs), "unknown keyword 'FOO'");
	assert_contains(weir_strbuf_str(&errs), "DATA, LENGTH, TTL");

	assert_int_equal(parse_text(cfg_args, &c, "x, 1, 2, 3"), -EINVAL);
	assert_contains(weir_strbuf_str(&errs), "too many arguments");

	assert_int_equal(parse_text(cfg_args, &c, "LENGTH 1, x"), -EINVAL);
	assert_contains(weir_strbuf_str(&errs), "too many arguments");

	assert_int_equal(parse_text(cfg_args, &c, "LENGTH 1, LENGTH 2"), -EINVAL);
	assert_contains(weir_strbuf_str(&errs), "LENGTH: given more than once");
	assert_int_equal(parse_text(cfg_args, &c, "x, 1, LENGTH 2"), -EINVAL);
	assert_contains(weir_strbuf_str(&errs), "LENGTH: given more than once");

	assert_int_equal(parse_text(cfg_args, &c, "LENGTH x"), -EINVAL);
	assert_contains(weir_strbuf_str(&errs), "LENGTH: expected unsigned integer, got 'x'");

	assert_int_equal(parse_text(cfg_args, &c, "LENGTH 1, TTL 300"), -EINVAL);
	assert_contains(weir_strbuf_str(&errs), "TTL: value 300 out of range [1, 255]");
	assert_int_equal(parse_text(cfg_args, &c, "LENGTH 1, TTL 0"), -EINVAL);
	assert_contains(weir_strbuf_str(&errs), "TTL: value 0 out of range");
	assert_int_equal(parse_text(cfg_args, &c, "LENGTH 1, RATIO 1.5"), -EINVAL);
	assert_contains(weir_strbuf_str(&errs), "RATIO: value 1.5 out of range [0, 1]");
	assert_int_equal(parse_text(cfg_args, &c, "LENGTH 1, UBIG 9"), -EINVAL);
	assert_contains(weir_strbuf_str(&errs), "UBIG: value 9 out of range [10, 1000000]");

	assert_int_equal(parse_text(cfg_args, &c, "LENGTH 1, MODE two words"), -EINVAL);
	assert_contains(weir_strbuf_str(&errs), "MODE: expected word");
	assert_int_equal(parse_text(cfg_args, &c, "LENGTH 1, LABEL \"open"), -EINVAL);
	assert_contains(weir_strbuf_str(&errs), "LABEL: expected string");
	assert_int_equal(parse_text(cfg_args, &c, "LENGTH 1, ADDR 1.2.3"), -EINVAL);
	assert_contains(weir_strbuf_str(&errs), "ADDR: expected IP address, got '1.2.3'");
	assert_int_equal(parse_text(cfg_args, &c, "LENGTH 1, ANNO NOPE"), -EINVAL);
	assert_contains(weir_strbuf_str(&errs), "ANNO: expected annotation");
	assert_int_equal(parse_text(cfg_args, &c, "LENGTH 1, INTERVAL 3 parsecs"), -EINVAL);
	assert_contains(weir_strbuf_str(&errs), "INTERVAL: expected time");
	assert_int_equal(parse_text(cfg_args, &c, "LENGTH 1, ACTIVE yes please"), -EINVAL);
	assert_contains(weir_strbuf_str(&errs), "ACTIVE: expected bool");
	/* a keyword needs a value: a lone keyword is a (surplus) positional argument */
	assert_int_equal(parse_text(cfg_args, &c, "x, 1, 2, ACTIVE"), -EINVAL);
	assert_contains(weir_strbuf_str(&errs), "too many arguments");
	/* an unknown keyword where an optional positional entry is next */
	assert_int_equal(parse_text(cfg_args, &c, "FOO bar, 1"), -EINVAL);
	assert_contains(weir_strbuf_str(&errs), "unknown keyword 'FOO'");

	/* every bad argument is reported, not only the first */
	assert_int_equal(parse_text(cfg_args, &c, "TTL 0, ADDR x, NET 1.2.3.4/33"), -EINVAL);
	assert_contains(weir_strbuf_str(&errs), "TTL:");
	assert_contains(weir_strbuf_str(&errs), "ADDR:");
	assert_contains(weir_strbuf_str(&errs), "NET:");
	assert_contains(weir_strbuf_str(&errs), "missing mandatory LENGTH");

	/* nothing at all was written by the failed parses */
	const struct cfg zero = { 0 };
	assert_memory_equal(&c, &zero, sizeof(c));
}

static void
test_args_broken_default(void **state)
{
	static const struct weir_arg table[] = {
		{ "N", WEIR_ARG_UINT, 0, WEIR_ARGF_POSITIONAL, .def = "lots" },
		WEIR_ARG_END,
	};
	uint32_t n = 3;

	assert_int_equal(parse_text(table, &n, ""), -EINVAL);
	assert_contains(weir_strbuf_str(&errs), "N: bad default: expected unsigned integer");
	assert_int_equal(n, 3);
	/* a given value does not need the default */
	assert_int_equal(parse_text(table, &n, "4"), 0);
	assert_int_equal(n, 4);
}

static void
test_args_all_or_nothing(void **state)
{
	struct cfg c = { 0 }, before;

	assert_int_equal(parse_text(cfg_args, &c, "\"abc\", 10, LABEL first, MODE slow"), 0);
	char *label = c.label, *mode = c.mode;
	uint8_t *data = c.data.data;
	memcpy(&before, &c, sizeof(c));

	/* one bad argument: no field changes, the old strings stay valid */
	assert_int_equal(parse_text(cfg_args, &c, "\"xyz\", 20, LABEL second, MODE fast, TTL 999"),
			 -EINVAL);
	assert_memory_equal(&c, &before, sizeof(c));
	assert_ptr_equal(c.label, label);
	assert_ptr_equal(c.mode, mode);
	assert_ptr_equal(c.data.data, data);
	assert_string_equal(c.label, "first");
	assert_string_equal(c.mode, "slow");
	assert_memory_equal(c.data.data, "abc", 3);

	/* reconfiguring over existing strings replaces (and frees) them */
	assert_int_equal(parse_text(cfg_args, &c, "\"xyz!\", 20, LABEL second"), 0);
	assert_string_equal(c.label, "second");
	assert_int_equal(c.data.len, 4);
	assert_memory_equal(c.data.data, "xyz!", 4);
	assert_string_equal(c.mode, "slow"); /* not given, no default: left alone */
	assert_int_equal(c.length, 20);
	assert_int_equal(parse_text(cfg_args, &c, "LENGTH 30, MODE quick, ACTIVE no"), 0);
	assert_string_equal(c.mode, "quick");
	assert_string_equal(c.label, "none yet"); /* default again */
	assert_true(c.active_given);
	assert_int_equal(parse_text(cfg_args, &c, "LENGTH 30"), 0);
	assert_false(c.active_given);
	assert_true(c.active);
	weir_args_free(cfg_args, &c);
	weir_args_free(cfg_args, &c); /* idempotent */
	assert_null(c.label);
}

static void
test_args_empty_table(void **state)
{
	static const struct weir_arg none[] = { WEIR_ARG_END };
	int dummy = 5;

	assert_int_equal(parse_text(none, &dummy, ""), 0);
	assert_int_equal(parse_text(none, &dummy, "x"), -EINVAL);
	assert_contains(weir_strbuf_str(&errs), "too many arguments");
	assert_int_equal(parse_text(none, &dummy, "FOO 1"), -EINVAL);
	assert_contains(weir_strbuf_str(&errs), "unknown keyword 'FOO'");
	assert_int_equal(dummy, 5);
	/* a NULL configuration is an empty one */
	struct weir_errh errh;
	weir_errh_init_silent(&errh);
	assert_int_equal(weir_args_parse(none, &dummy, NULL, NULL, &errh), 0);
}

static void
test_args_usage(void **state)
{
	static const struct weir_arg table[] = {
		{ "FILENAME", WEIR_ARG_STRING, 0, WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY },
		{ "COUNT", WEIR_ARG_UINT, 0, WEIR_ARGF_POSITIONAL },
		{ "STOP", WEIR_ARG_BOOL, 0 },
		{ "INTERVAL", WEIR_ARG_SECONDS, 0, WEIR_ARGF_MANDATORY },
		WEIR_ARG_END,
	};
	struct weir_strbuf sb = WEIR_STRBUF_INIT;

	weir_args_usage(table, &sb);
	assert_string_equal(weir_strbuf_str(&sb),
			    "FILENAME, [COUNT], [STOP bool], INTERVAL time");
	weir_strbuf_free(&sb);
}

/* ---- ELEMENT arguments, through a real router ------------------------------------ */

struct holder {
	struct weir_element *peer;
};

static const struct weir_arg holder_args[] = {
	{ "PEER", WEIR_ARG_ELEMENT, offsetof(struct holder, peer), WEIR_ARGF_POSITIONAL },
	WEIR_ARG_END,
};

static const struct weir_element_class args_test_holder_class = {
	.name = "ArgsTestHolder",
	.port_count = "0/0",
	.processing = "a/a",
	.priv_size = sizeof(struct holder),
	.args = holder_args,
};
WEIR_ELEMENT_REGISTER(args_test_holder_class)

/* Builds a router of ArgsTestHolder elements "a" (config cfg_a) and "b". */
static struct weir_router *
holder_router(const char *cfg_a, struct weir_strbuf *msgs)
{
	struct weir_graph_element elems[] = {
		{ .name = "a", .class_name = "ArgsTestHolder", .config = (char *)cfg_a,
		  .landmark = "test:1" },
		{ .name = "b", .class_name = "ArgsTestHolder", .config = "", .landmark = "test:2" },
	};
	struct weir_graph g = { .elements = elems, .nelements = 2 };
	struct weir_router_opts opts = { .nthreads = 1 };
	struct weir_errh errh;

	weir_errh_init_buffer(&errh, msgs);
	return weir_router_new(&g, &opts, &errh);
}

static void
test_args_element(void **state)
{
	struct weir_strbuf msgs = WEIR_STRBUF_INIT;
	struct weir_router *r = holder_router("b", &msgs);

	if (!r)
		fail_msg("router failed: %s", weir_strbuf_str(&msgs));
	struct weir_element *a = weir_router_find(r, "a", NULL);
	struct weir_element *b = weir_router_find(r, "b", NULL);
	assert_non_null(a);
	assert_non_null(b);
	assert_ptr_equal(((struct holder *)a->priv)->peer, b);
	assert_null(((struct holder *)b->priv)->peer);
	weir_router_free(r);

	weir_strbuf_reset(&msgs);
	r = holder_router("nosuch", &msgs);
	assert_null(r);
	assert_contains(weir_strbuf_str(&msgs), "PEER: no element named 'nosuch'");

	/* without a context element, names cannot be resolved */
	struct holder h = { NULL };
	assert_int_equal(parse_text(holder_args, &h, "b"), -EINVAL);
	assert_contains(weir_strbuf_str(&errs), "no element named 'b'");
	assert_null(h.peer);
	weir_strbuf_free(&msgs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conf_split_basic),
		cmocka_unit_test(test_conf_split_quotes_brackets),
		cmocka_unit_test(test_conf_split_comments),
		cmocka_unit_test(test_split_words),
		cmocka_unit_test(test_unquote),
		cmocka_unit_test(test_is_keyword),
		cmocka_unit_test(test_parse_integers),
		cmocka_unit_test(test_parse_bool),
		cmocka_unit_test(test_parse_double),
		cmocka_unit_test(test_parse_seconds),
		cmocka_unit_test(test_parse_bandwidth),
		cmocka_unit_test(test_parse_rate),
		cmocka_unit_test(test_parse_ip4),
		cmocka_unit_test(test_parse_ip4_prefix),
		cmocka_unit_test(test_parse_ether),
		cmocka_unit_test(test_parse_data),
		cmocka_unit_test_teardown(test_args_positional_and_keywords, teardown_errs),
		cmocka_unit_test_teardown(test_args_errors, teardown_errs),
		cmocka_unit_test_teardown(test_args_broken_default, teardown_errs),
		cmocka_unit_test_teardown(test_args_all_or_nothing, teardown_errs),
		cmocka_unit_test_teardown(test_args_empty_table, teardown_errs),
		cmocka_unit_test(test_args_usage),
		cmocka_unit_test_teardown(test_args_element, teardown_errs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
