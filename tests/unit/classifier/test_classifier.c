/* test_classifier.c - tests of the classifier compiler, executor, dump and Classifier patterns. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "weir/classifier.h"

static uint32_t rnd(void);

/* ---- helpers ------------------------------------------------------------------- */

/* Compile patterns; asserts success; warnings (if any) go to *warn. */
static struct weir_cls_program *
compile_ok(int n, const char *const *pats, struct weir_strbuf *warn)
{
	struct weir_strbuf sb = WEIR_STRBUF_INIT;
	struct weir_errh errh;
	struct weir_cls_program *prog = NULL;
	weir_errh_init_buffer(&errh, &sb);
	int r = weir_cls_compile_classifier(n, (char *const *)pats, &prog, &errh);
	if (r != 0)
		fail_msg("compile failed: %s", weir_strbuf_str(&sb));
	assert_int_equal(errh.nerrors, 0);
	assert_non_null(prog);
	if (warn)
		weir_strbuf_puts(warn, weir_strbuf_str(&sb));
	else if (errh.nwarnings)
		fail_msg("unexpected warnings: %s", weir_strbuf_str(&sb));
	weir_strbuf_free(&sb);
	return prog;
}

/* Compile patterns that must fail; returns the error text (caller frees). */
static char *
compile_err(int n, const char *const *pats)
{
	struct weir_strbuf sb = WEIR_STRBUF_INIT;
	struct weir_errh errh;
	struct weir_cls_program *prog = (void *)1;
	weir_errh_init_buffer(&errh, &sb);
	int r = weir_cls_compile_classifier(n, (char *const *)pats, &prog, &errh);
	assert_true(r < 0);
	assert_null(prog);
	assert_true(errh.nerrors > 0);
	return weir_strbuf_detach(&sb);
}

static char *
dump(const struct weir_cls_program *prog)
{
	struct weir_strbuf sb = WEIR_STRBUF_INIT;
	weir_cls_program_dump(prog, &sb);
	return weir_strbuf_detach(&sb);
}

static void
assert_dump(const struct weir_cls_program *prog, const char *want)
{
	char *got = dump(prog);
	if (strcmp(got, want) != 0)
		fail_msg("dump differs\n--- got:\n%s--- want:\n%s", got, want);
	free(got);
}

/*
 * Classify `len` bytes held in a heap buffer of exactly that size, so that
 * AddressSanitizer catches any read past the end. Also runs the packet path
 * (weir_cls_match with a packet header around the same buffer) and checks
 * both agree.
 */
static uint8_t
classify_bytes(const struct weir_cls_program *prog, const uint8_t *bytes, uint32_t len)
{
	uint8_t *buf = malloc(len ? len : 1);
	assert_non_null(buf);
	memcpy(buf, bytes, len);
	uint8_t port = weir_cls_match_data(prog, buf, len);
	struct weir_packet p;
	memset(&p, 0, sizeof(p));
	p.buf = buf;
	p.data = buf;
	p.len = len;
	p.buf_len = len;
	p.net_off = p.transport_off = p.mac_off = WEIR_NO_OFFSET;
	struct weir_packet *pp = &p;
	uint8_t port2 = 0x55;
	weir_cls_classify(prog, &pp, 1, &port2);
	assert_int_equal(port, port2);
	assert_int_equal(port, weir_cls_match(prog, &p));
	free(buf);
	return port;
}

/* Ethernet frame: dst, src, type, then payload bytes (len total). */
static void
ether(uint8_t *f, size_t len, uint16_t type)
{
	memset(f, 0, len);
	for (int i = 0; i < 6; i++)
		f[i] = 0x02, f[6 + i] = (uint8_t)(0x10 + i);
	f[12] = (uint8_t)(type >> 8);
	f[13] = (uint8_t)type;
}

static void
arp(uint8_t *f, uint16_t op)
{
	ether(f, 42, 0x0806);
	f[14] = 0, f[15] = 1, f[16] = 8, f[17] = 0, f[18] = 6, f[19] = 4;
	f[20] = (uint8_t)(op >> 8), f[21] = (uint8_t)op;
}

static void
ipv4(uint8_t *f, size_t len, uint8_t proto)
{
	ether(f, len, 0x0800);
	f[14] = 0x45;
	f[23] = proto;
}

/* ---- Click's example, with its exact program ---------------------------------- */

static const char *const ex_pats[] = { "12/0806 20/0001", "12/0806 20/0002", "12/0800", "-" };

static void
test_click_example_program(void **state)
{
	struct weir_cls_program *prog = compile_ok(4, ex_pats, NULL);
	/* The program Click's documentation shows for these patterns. */
	assert_dump(prog, " 0  12/08060000%ffff0000  yes->step 1  no->step 3\n"
			  " 1  20/00010000%ffff0000  yes->[0]  no->step 2\n"
			  " 2  20/00020000%ffff0000  yes->[1]  no->[3]\n"
			  " 3  12/08000000%ffff0000  yes->[2]  no->[3]\n"
			  "safe length 22\n"
			  "alignment offset 0\n");
	weir_cls_program_free(prog);
}

static void
test_click_example_classify(void **state)
{
	struct weir_cls_program *prog = compile_ok(4, ex_pats, NULL);
	uint8_t f[64];
	arp(f, 1);
	assert_int_equal(classify_bytes(prog, f, 42), 0);
	arp(f, 2);
	assert_int_equal(classify_bytes(prog, f, 42), 1);
	arp(f, 3);
	assert_int_equal(classify_bytes(prog, f, 42), 3);
	ipv4(f, 60, 6);
	assert_int_equal(classify_bytes(prog, f, 60), 2);
	ether(f, 60, 0x86dd);
	assert_int_equal(classify_bytes(prog, f, 60), 3);
	/* ARP type but too short for the operation: not ARP request/reply */
	arp(f, 1);
	assert_int_equal(classify_bytes(prog, f, 21), 3);
	assert_int_equal(classify_bytes(prog, f, 22), 0);
	weir_cls_program_free(prog);
}

/* ---- the conformance configuration (classifier_ethertypes) -------------------- */

static const char *const conf_pats[] = {
	"12/0806 20/0001", "12/0806 20/0002", "0/01%01 12/0800", "12/0800 23/06",
	"12/0800 23/11%ff", "12/0800", "12/86dd", "12/8100 16/0800", "-",
};

static void
test_conformance_patterns(void **state)
{
	struct weir_cls_program *prog = compile_ok(9, conf_pats, NULL);
	uint8_t f[80];
	arp(f, 1);
	assert_int_equal(classify_bytes(prog, f, 42), 0);
	arp(f, 2);
	assert_int_equal(classify_bytes(prog, f, 42), 1);
	ipv4(f, 60, 17);
	f[0] = 0xff; /* broadcast destination: group bit set */
	assert_int_equal(classify_bytes(prog, f, 60), 2);
	f[0] = 0x01;
	assert_int_equal(classify_bytes(prog, f, 60), 2);
	ipv4(f, 60, 6);
	assert_int_equal(classify_bytes(prog, f, 60), 3);
	ipv4(f, 60, 17);
	assert_int_equal(classify_bytes(prog, f, 60), 4);
	ipv4(f, 60, 1);
	assert_int_equal(classify_bytes(prog, f, 60), 5);
	/* IPv4 type, truncated before the protocol byte: "other IPv4" */
	ipv4(f, 60, 6);
	assert_int_equal(classify_bytes(prog, f, 23), 5);
	assert_int_equal(classify_bytes(prog, f, 14), 5);
	assert_int_equal(classify_bytes(prog, f, 13), 8);
	ether(f, 60, 0x86dd);
	assert_int_equal(classify_bytes(prog, f, 60), 6);
	ether(f, 60, 0x8100);
	f[16] = 0x08, f[17] = 0x00;
	assert_int_equal(classify_bytes(prog, f, 60), 7);
	/* 16/0800 needs bytes 16 and 17 */
	assert_int_equal(classify_bytes(prog, f, 18), 7);
	assert_int_equal(classify_bytes(prog, f, 17), 8);
	f[17] = 0x06;
	assert_int_equal(classify_bytes(prog, f, 60), 8);
	/* empty packet */
	assert_int_equal(classify_bytes(prog, f, 0), 8);
	weir_cls_program_free(prog);
}

/* ---- short packets --------------------------------------------------------------- */

static void
test_short_packets_never_match(void **state)
{
	static const char *const pats[] = { "12/0800", "!12/86dd 14/60", "30/11223344" };
	struct weir_cls_program *prog = compile_ok(3, pats, NULL);
	uint8_t f[64];
	ether(f, 64, 0x0800);
	/* A clause needs only the bytes it names: 14 bytes are enough for 12/0800. */
	for (uint32_t len = 0; len < 14; len++)
		assert_int_equal(classify_bytes(prog, f, len), WEIR_CLS_DROP);
	assert_int_equal(classify_bytes(prog, f, 14), 0);
	ether(f, 64, 0x1234);
	f[14] = 0x60;
	f[30] = 0x11, f[31] = 0x22, f[32] = 0x33, f[33] = 0x44;
	assert_int_equal(classify_bytes(prog, f, 14), WEIR_CLS_DROP);
	assert_int_equal(classify_bytes(prog, f, 15), 1);
	f[14] = 0x61;
	for (uint32_t len = 15; len < 34; len++)
		assert_int_equal(classify_bytes(prog, f, len), WEIR_CLS_DROP);
	assert_int_equal(classify_bytes(prog, f, 34), 2);
	weir_cls_program_free(prog);
}

static void
test_negated_clause_matches_short_packet(void **state)
{
	/* Click: the negation of a clause that reads past the end matches. */
	static const char *const pats[] = { "!12/0800", "-" };
	struct weir_cls_program *prog = compile_ok(2, pats, NULL);
	uint8_t f[64];
	ether(f, 64, 0x0800);
	assert_int_equal(classify_bytes(prog, f, 10), 0);
	assert_int_equal(classify_bytes(prog, f, 13), 0);
	assert_int_equal(classify_bytes(prog, f, 14), 1);
	assert_int_equal(classify_bytes(prog, f, 64), 1);
	ether(f, 64, 0x0806);
	assert_int_equal(classify_bytes(prog, f, 64), 0);
	weir_cls_program_free(prog);
}

/* ---- masks, wildcards, negation, '-' ------------------------------------------------ */

static void
test_masks_and_wildcards(void **state)
{
	static const char *const pats[] = {
		"14/4?",            /* IPv4 version nibble, any header length */
		"14/?6%0f",         /* low nibble 6 under mask 0f */
		"0/01%01",          /* group bit */
		"20/AbCd%F0f?",     /* upper case; '?' in the mask */
	};
	struct weir_cls_program *prog = compile_ok(4, pats, NULL);
	uint8_t f[64];
	ether(f, 64, 0x0800);
	f[14] = 0x45;
	assert_int_equal(classify_bytes(prog, f, 64), 0);
	f[14] = 0x4f;
	assert_int_equal(classify_bytes(prog, f, 64), 0);
	f[14] = 0x56;
	assert_int_equal(classify_bytes(prog, f, 64), 1);
	f[14] = 0x26;
	assert_int_equal(classify_bytes(prog, f, 64), 1);
	f[14] = 0x55;
	assert_int_equal(classify_bytes(prog, f, 64), WEIR_CLS_DROP);
	f[0] = 0x03;
	assert_int_equal(classify_bytes(prog, f, 64), 2);
	f[0] = 0x02;
	f[20] = 0xa7, f[21] = 0xc0; /* a? and ?c under F0 0? */
	assert_int_equal(classify_bytes(prog, f, 64), 3);
	f[21] = 0xd0;
	assert_int_equal(classify_bytes(prog, f, 64), WEIR_CLS_DROP);
	weir_cls_program_free(prog);
}

static void
test_negation_and_everything(void **state)
{
	static const char *const pats[] = { "!12/0800 !12/86dd", "! 12/0800 14/45", "-" };
	struct weir_cls_program *prog = compile_ok(3, pats, NULL);
	uint8_t f[64];
	ether(f, 64, 0x0806);
	assert_int_equal(classify_bytes(prog, f, 64), 0);
	ether(f, 64, 0x86dd);
	assert_int_equal(classify_bytes(prog, f, 64), 2);
	ipv4(f, 64, 6);
	/* "! 12/0800 14/45" is (!12/0800) and 14/45: IPv4 matches neither */
	assert_int_equal(classify_bytes(prog, f, 64), 2);
	weir_cls_program_free(prog);

	static const char *const all[] = { "-" };
	prog = compile_ok(1, all, NULL);
	assert_dump(prog, "all->[0]\nsafe length 0\nalignment offset 0\n");
	assert_int_equal(classify_bytes(prog, f, 0), 0);
	weir_cls_program_free(prog);
}

static void
test_negated_multiword_clause(void **state)
{
	/* !(12/0800 and 14/45) */
	static const char *const pats[] = { "!12/080045", "-" };
	struct weir_cls_program *prog = compile_ok(2, pats, NULL);
	uint8_t f[64];
	ipv4(f, 64, 6);
	assert_int_equal(classify_bytes(prog, f, 64), 1);
	f[14] = 0x46;
	assert_int_equal(classify_bytes(prog, f, 64), 0);
	ether(f, 64, 0x0806);
	assert_int_equal(classify_bytes(prog, f, 64), 0);
	/* too short for the clause: negation matches */
	ipv4(f, 64, 6);
	assert_int_equal(classify_bytes(prog, f, 14), 0);
	weir_cls_program_free(prog);
}

static void
test_vlan(void **state)
{
	static const char *const pats[] = { "12/8100 14/0064%0fff 16/0800", "12/8100", "-" };
	struct weir_cls_program *prog = compile_ok(3, pats, NULL);
	uint8_t f[64];
	ether(f, 64, 0x8100);
	f[14] = 0x20, f[15] = 0x64, f[16] = 0x08, f[17] = 0x00; /* PCP 1, VID 100, IPv4 */
	assert_int_equal(classify_bytes(prog, f, 64), 0);
	f[15] = 0x65;
	assert_int_equal(classify_bytes(prog, f, 64), 1);
	ether(f, 64, 0x0800);
	assert_int_equal(classify_bytes(prog, f, 64), 2);
	/* one word test at 12 carries both the type and the VLAN id */
	char *d = dump(prog);
	assert_non_null(strstr(d, " 12/81000064%ffff0fff"));
	free(d);
	weir_cls_program_free(prog);
}

static void
test_unaligned_clause_spans_words(void **state)
{
	static const char *const pats[] = { "13/0102030405", "-" };
	struct weir_cls_program *prog = compile_ok(2, pats, NULL);
	uint8_t f[32];
	memset(f, 0, sizeof(f));
	for (int i = 0; i < 5; i++)
		f[13 + i] = (uint8_t)(i + 1);
	assert_int_equal(classify_bytes(prog, f, 32), 0);
	assert_int_equal(classify_bytes(prog, f, 18), 0);
	assert_int_equal(classify_bytes(prog, f, 17), 1);
	f[17] = 9;
	assert_int_equal(classify_bytes(prog, f, 32), 1);
	assert_dump(prog, " 0  12/00010203%00ffffff  yes->step 1  no->[1]\n"
			  " 1  16/04050000%ffff0000  yes->[0]  no->[1]\n"
			  "safe length 18\n"
			  "alignment offset 0\n");
	weir_cls_program_free(prog);
}

/* ---- optimisation ---------------------------------------------------------------- */

static void
test_shared_tests_merged(void **state)
{
	/* 12/0800 is written three times but tested once on every path */
	static const char *const pats[] = { "12/0800 23/06", "12/0800 23/11", "12/0800" };
	struct weir_cls_program *prog = compile_ok(3, pats, NULL);
	assert_dump(prog, " 0  12/08000000%ffff0000  yes->step 1  no->[X]\n"
			  " 1  20/00000006%000000ff  yes->[0]  no->step 2\n"
			  " 2  20/00000011%000000ff  yes->[1]  no->[2]\n"
			  "safe length 24\n"
			  "alignment offset 0\n");
	weir_cls_program_free(prog);
}

static void
test_same_word_clauses_combined(void **state)
{
	/* type and IP version/header length share one word: one test */
	static const char *const pats[] = { "12/0800 14/45" };
	struct weir_cls_program *prog = compile_ok(1, pats, NULL);
	assert_dump(prog, " 0  12/08004500%ffffff00  yes->[0]  no->[X]\n"
			  "safe length 15\n"
			  "alignment offset 0\n");
	weir_cls_program_free(prog);
}

static void
test_identical_subtrees_shared(void **state)
{
	/* both ARP branches end in the same IPv4 test: it exists once */
	static const char *const pats[] = { "0/ff 12/0806", "12/0800", "-" };
	struct weir_cls_program *prog = compile_ok(3, pats, NULL);
	assert_dump(prog, " 0   0/ff000000%ff000000  yes->step 1  no->step 2\n"
			  " 1  12/08060000%ffff0000  yes->[0]  no->step 2\n"
			  " 2  12/08000000%ffff0000  yes->[1]  no->[2]\n"
			  "safe length 14\n"
			  "alignment offset 0\n");
	weir_cls_program_free(prog);
}

static void
test_impossible_branch_removed(void **state)
{
	/* after 12/0806 succeeded, 12/0800 cannot: the ARP subtree skips it */
	static const char *const pats[] = { "12/0806 20/0001", "12/0800", "!12/0806" };
	struct weir_cls_program *prog = compile_ok(3, pats, NULL);
	assert_dump(prog, " 0  12/08060000%ffff0000  yes->step 1  no->step 2\n"
			  " 1  20/00010000%ffff0000  yes->[0]  no->[X]\n"
			  " 2  12/08000000%ffff0000  yes->[1]  no->[2]\n"
			  "safe length 22\n"
			  "alignment offset 0\n");
	uint8_t f[64];
	arp(f, 2);
	assert_int_equal(classify_bytes(prog, f, 42), WEIR_CLS_DROP);
	/* 13 bytes: 12/0806 fails for shortness, so !12/0806 matches */
	assert_int_equal(classify_bytes(prog, f, 13), 2);
	weir_cls_program_free(prog);
}

static void
test_unreachable_patterns_warned(void **state)
{
	struct weir_strbuf warn = WEIR_STRBUF_INIT;
	static const char *const pats[] = { "12/0800", "12/0800 23/06", "12/0806 12/0800",
					    "-", "12/86dd" };
	struct weir_cls_program *prog = compile_ok(5, pats, &warn);
	const char *w = weir_strbuf_str(&warn);
	assert_non_null(strstr(w, "pattern 1 can never match"));
	assert_non_null(strstr(w, "pattern 2 can never match"));
	assert_non_null(strstr(w, "pattern 4 can never match"));
	assert_null(strstr(w, "pattern 0 "));
	assert_null(strstr(w, "pattern 3 "));
	assert_dump(prog, " 0  12/08000000%ffff0000  yes->[0]  no->[3]\n"
			  "safe length 14\n"
			  "alignment offset 0\n");
	weir_strbuf_free(&warn);
	weir_cls_program_free(prog);
}

/* ---- malformed patterns ------------------------------------------------------------- */

static void
expect_error(const char *pattern, int index, const char *fragment)
{
	const char *pats[3] = { "12/0800", "-", "-" };
	pats[index] = pattern;
	char *err = compile_err(3, pats);
	char want[64];
	snprintf(want, sizeof(want), "pattern %d: ", index);
	if (!strstr(err, want) || !strstr(err, fragment))
		fail_msg("pattern '%s': error '%s' lacks '%s' / '%s'", pattern, err, want,
			 fragment);
	free(err);
}

static void
test_malformed_patterns(void **state)
{
	expect_error("x", 2, "expected OFFSET/VALUE[%MASK], got 'x'");
	expect_error("12", 1, "expected OFFSET/VALUE[%MASK], got '12'");
	expect_error("12-0800", 0, "got '12-0800'");
	expect_error("12/080", 1, "odd number of hex digits");
	expect_error("12/0", 1, "less than 2 hex digits");
	expect_error("12/", 1, "less than 2 hex digits");
	expect_error("12/08g0", 2, "bad character 'g'");
	expect_error("12/0800%ff", 1, "mask in '12/0800%ff' has too few hex digits");
	expect_error("12/0800%ffffff", 1, "too many hex digits");
	expect_error("12/0800%", 1, "too few hex digits");
	expect_error("70000/00", 1, "too large (max 65535)");
	expect_error("99999999999999999999/00", 1, "too large");
	expect_error("65535/0000", 1, "reaches past offset 65535");
	expect_error("12/0800 -", 1, "'-' must be the whole pattern");
	expect_error("12/0800 !", 2, "'!' not followed by a clause");
	expect_error("!!12/0800", 2, "got '!12/0800'");
	expect_error("! !12/0800", 2, "after '!', got '!12/0800'");
	/* 65535/00 is the largest valid clause */
	const char *ok[] = { "65535/00" };
	struct weir_cls_program *prog = compile_ok(1, ok, NULL);
	uint8_t f[1] = { 0 };
	assert_int_equal(classify_bytes(prog, f, 1), WEIR_CLS_DROP);
	weir_cls_program_free(prog);
}

static void
test_every_bad_pattern_reported(void **state)
{
	static const char *const pats[] = { "x", "12/0800", "12/0", "-" };
	char *err = compile_err(4, pats);
	assert_non_null(strstr(err, "pattern 0: "));
	assert_non_null(strstr(err, "pattern 2: "));
	assert_null(strstr(err, "pattern 1: "));
	free(err);
}

static void
test_too_many_patterns(void **state)
{
	const char **pats = calloc(300, sizeof(*pats));
	for (int i = 0; i < 300; i++)
		pats[i] = "-";
	char *err = compile_err(300, pats);
	assert_non_null(strstr(err, "too many patterns"));
	free(err);
	free(pats);
}

/* ---- generic builder: bases, length tests, OR -------------------------------------- */

static void
test_builder_network_and_transport_bases(void **state)
{
	struct weir_cls_builder *b = weir_cls_builder_new();
	assert_non_null(b);
	uint8_t tcp = 6, udp = 17, port80[2] = { 0, 80 };
	/* rule 0: ip proto tcp && dst port 80; rule 1: ip proto udp || ip len >= 1000 */
	int r0 = weir_cls_and2(b, weir_cls_bytes(b, WEIR_CLS_BASE_NETWORK, 9, &tcp, NULL, 1),
			       weir_cls_bytes(b, WEIR_CLS_BASE_TRANSPORT, 2, port80, NULL, 2));
	int r1 = weir_cls_or2(b, weir_cls_bytes(b, WEIR_CLS_BASE_NETWORK, 9, &udp, NULL, 1),
			      weir_cls_len_ge(b, WEIR_CLS_BASE_NETWORK, 1000));
	assert_true(r0 >= 0 && r1 >= 0);
	struct weir_cls_rule rules[] = { { .expr = r0, .port = 0 }, { .expr = r1, .port = 1 } };
	struct weir_cls_program *prog;
	struct weir_errh errh;
	weir_errh_init_silent(&errh);
	assert_int_equal(weir_cls_compile(b, rules, 2, 2, NULL, &prog, &errh), 0);
	weir_cls_builder_free(b);

	/* after "proto tcp" held, "proto udp" cannot: rule 1 is just the length */
	assert_dump(prog, " 0 net+8/00060000%00ff0000  yes->step 1  no->step 3\n"
			  " 1 tr+0/00000050%0000ffff  yes->[0]  no->step 2\n"
			  " 2 net+len>=1000  yes->[1]  no->[2]\n"
			  " 3 net+8/00110000%00ff0000  yes->[1]  no->step 2\n"
			  "safe length 0\n"
			  "alignment offset 0\n");

	size_t len = 14 + 20 + 8;
	uint8_t *buf = calloc(1, len);
	struct weir_packet p;
	memset(&p, 0, sizeof(p));
	p.buf = p.data = buf;
	p.len = p.buf_len = (uint32_t)len;
	p.mac_off = 0;
	p.net_off = 14;
	p.transport_off = 34;
	buf[14 + 9] = 6;
	buf[34 + 3] = 80;
	assert_int_equal(weir_cls_match(prog, &p), 0);
	buf[34 + 3] = 81;
	assert_int_equal(weir_cls_match(prog, &p), 2);
	buf[14 + 9] = 17;
	assert_int_equal(weir_cls_match(prog, &p), 1);
	/* no transport header annotation: transport tests fail */
	buf[14 + 9] = 6;
	buf[34 + 3] = 80;
	p.transport_off = WEIR_NO_OFFSET;
	assert_int_equal(weir_cls_match(prog, &p), 2);
	/* transport header at the very end: 0 bytes available, no over-read */
	p.transport_off = (uint16_t)len;
	assert_int_equal(weir_cls_match(prog, &p), 2);
	/* no network header: everything fails */
	p.net_off = WEIR_NO_OFFSET;
	assert_int_equal(weir_cls_match(prog, &p), 2);
	struct weir_packet *pp = &p;
	uint8_t port;
	weir_cls_classify(prog, &pp, 1, &port);
	assert_int_equal(port, 2);
	free(buf);
	weir_cls_program_free(prog);
}

static void
test_builder_length_tests(void **state)
{
	struct weir_cls_builder *b = weir_cls_builder_new();
	/* len >= 2 && !(len >= 6): 2..5 bytes */
	int e = weir_cls_and2(b, weir_cls_len_ge(b, WEIR_CLS_BASE_DATA, 2),
			      weir_cls_not(b, weir_cls_len_ge(b, WEIR_CLS_BASE_DATA, 6)));
	/* len >= 3 && len >= 5 merge into len >= 5 */
	int e2 = weir_cls_and2(b, weir_cls_len_ge(b, WEIR_CLS_BASE_DATA, 3),
			       weir_cls_len_ge(b, WEIR_CLS_BASE_DATA, 5));
	struct weir_cls_rule rules[] = { { .expr = e, .port = 0 }, { .expr = e2, .port = 1 } };
	struct weir_cls_program *prog;
	struct weir_errh errh;
	weir_errh_init_silent(&errh);
	assert_int_equal(weir_cls_compile(b, rules, 2, WEIR_CLS_DROP, NULL, &prog, &errh), 0);
	weir_cls_builder_free(b);
	uint8_t f[16] = { 0 };
	assert_int_equal(classify_bytes(prog, f, 0), WEIR_CLS_DROP);
	assert_int_equal(classify_bytes(prog, f, 1), WEIR_CLS_DROP);
	assert_int_equal(classify_bytes(prog, f, 2), 0);
	assert_int_equal(classify_bytes(prog, f, 5), 0);
	assert_int_equal(classify_bytes(prog, f, 6), 1);
	assert_int_equal(classify_bytes(prog, f, 16), 1);
	/* rule 1 after !(len>=6) failed knows len >= 6 >= 5: no second test */
	assert_dump(prog, " 0 len>=2  yes->step 1  no->[X]\n"
			  " 1 len>=6  yes->[1]  no->[0]\n"
			  "safe length 6\n"
			  "alignment offset 0\n");
	weir_cls_program_free(prog);
}

static void
test_field_ranges(void **state)
{
	/* 2-byte field at data offset 2 (like a UDP destination port) and a
	 * 1-byte field at offset 5 (like the IP TTL); 4-byte at 8 */
	static const uint32_t ranges[][3] = {
		{ 2, 1024, 65535 }, { 2, 0, 1023 }, { 2, 80, 80 }, { 2, 0, 65535 }, { 2, 7, 1000 },
		{ 2, 9, 3 }, { 1, 6, 255 }, { 1, 0, 4 }, { 1, 17, 130 }, { 4, 0x0a000000, 0x0affffff },
		{ 4, 5, 0xfffffff0u }, { 4, 0, 0xffffffffu },
	};
	for (size_t r = 0; r < WEIR_ARRAY_SIZE(ranges); r++) {
		unsigned size = ranges[r][0];
		uint32_t lo = ranges[r][1], hi = ranges[r][2];
		uint32_t off = size == 2 ? 2 : size == 1 ? 5 : 8;
		struct weir_cls_builder *b = weir_cls_builder_new();
		int e = weir_cls_field_range(b, WEIR_CLS_BASE_DATA, off, size, lo, hi);
		assert_true(e >= 0);
		struct weir_cls_rule rule = { .expr = e, .port = 0 };
		struct weir_cls_program *prog;
		struct weir_errh errh;
		weir_errh_init_silent(&errh);
		assert_int_equal(weir_cls_compile(b, &rule, 1, 1, NULL, &prog, &errh), 0);
		weir_cls_builder_free(b);
		assert_true(prog->ninsn <= 2 * 8 * size + 1);
		uint8_t f[12] = { 0 };
		for (int k = 0; k < 3000; k++) {
			uint32_t v = k < 2 ? (k ? hi : lo) : k < 4 ? (k == 2 ? lo - 1 : hi + 1) : rnd();
			if (size < 4)
				v &= (1u << (8 * size)) - 1;
			for (unsigned i = 0; i < size; i++)
				f[off + i] = (uint8_t)(v >> (8 * (size - 1 - i)));
			uint8_t want = (v >= lo && v <= hi) ? 0 : 1;
			assert_int_equal(classify_bytes(prog, f, 12), want);
			/* too short for the field: never in range */
			assert_int_equal(classify_bytes(prog, f, off + size - 1), 1);
		}
		weir_cls_program_free(prog);
	}
	struct weir_cls_builder *b = weir_cls_builder_new();
	assert_int_equal(weir_cls_field_range(b, WEIR_CLS_BASE_DATA, 0, 5, 0, 1), -EINVAL);
	assert_int_equal(weir_cls_field_range(b, WEIR_CLS_BASE_DATA, 65534, 4, 0, 1), -EINVAL);
	weir_cls_builder_free(b);
}

static void
test_builder_limits(void **state)
{
	struct weir_cls_builder *b = weir_cls_builder_new();
	/* nesting deeper than WEIR_CLS_MAX_DEPTH is refused, not recursed into */
	int e = weir_cls_word(b, WEIR_CLS_BASE_DATA, 0, 0xff, 1);
	int i;
	for (i = 0; i < 2 * WEIR_CLS_MAX_DEPTH && e >= 0; i++) {
		int w = weir_cls_word(b, WEIR_CLS_BASE_DATA, (uint32_t)(4 * (i % 100)), 0xff,
				      (uint32_t)i);
		e = (i & 1) ? weir_cls_and2(b, weir_cls_not(b, e), w) : weir_cls_or2(b, e, w);
	}
	assert_int_equal(e, -E2BIG);
	assert_true(i > WEIR_CLS_MAX_DEPTH / 2);
	/* errors propagate through constructors */
	assert_int_equal(weir_cls_not(b, -E2BIG), -E2BIG);
	assert_int_equal(weir_cls_and2(b, 0, -ENOMEM), -ENOMEM);
	/* bad arguments */
	assert_int_equal(weir_cls_word(b, WEIR_CLS_NBASES, 0, 1, 1), -EINVAL);
	assert_int_equal(weir_cls_word(b, WEIR_CLS_BASE_DATA, 65536, 1, 1), -EINVAL);
	assert_int_equal(weir_cls_not(b, 1 << 30), -EINVAL);
	uint8_t v[8] = { 0 };
	assert_int_equal(weir_cls_bytes(b, WEIR_CLS_BASE_DATA, 65530, v, NULL, 8), -EINVAL);
	/* compile refuses bad expression ids */
	struct weir_cls_rule bad = { .expr = 1 << 30, .port = 0 };
	struct weir_cls_program *prog;
	struct weir_strbuf sb = WEIR_STRBUF_INIT;
	struct weir_errh errh;
	weir_errh_init_buffer(&errh, &sb);
	assert_true(weir_cls_compile(b, &bad, 1, WEIR_CLS_DROP, NULL, &prog, &errh) < 0);
	assert_null(prog);
	assert_non_null(strstr(weir_strbuf_str(&sb), "rule 0: bad expression"));
	weir_strbuf_free(&sb);
	weir_cls_builder_free(b);
}

static void
test_too_many_tests_is_an_error(void **state)
{
	/* An OR of 300000 distinct tests exceeds the node cap: error, no crash. */
	struct weir_cls_builder *b = weir_cls_builder_new();
	int n = 300000;
	int *es = malloc((size_t)n * sizeof(*es));
	for (int i = 0; i < n; i++)
		es[i] = weir_cls_word(b, WEIR_CLS_BASE_DATA, (uint32_t)(i % 16) * 4, 0xffffffff,
				      (uint32_t)i);
	int e = weir_cls_or(b, es, n);
	free(es);
	assert_true(e >= 0);
	struct weir_cls_rule r = { .expr = e, .port = 0 };
	struct weir_cls_program *prog;
	struct weir_strbuf sb = WEIR_STRBUF_INIT;
	struct weir_errh errh;
	weir_errh_init_buffer(&errh, &sb);
	assert_true(weir_cls_compile(b, &r, 1, WEIR_CLS_DROP, NULL, &prog, &errh) < 0);
	assert_non_null(strstr(weir_strbuf_str(&sb), "too large"));
	weir_strbuf_free(&sb);
	weir_cls_builder_free(b);
}

static void
test_long_chain_no_stack_overflow(void **state)
{
	/* 255 patterns of 64 clauses each, all on different words: long paths */
	enum { NP = 255 };
	char **pats = calloc(NP, sizeof(*pats));
	for (int i = 0; i < NP; i++) {
		struct weir_strbuf sb = WEIR_STRBUF_INIT;
		for (int k = 0; k < 64; k++)
			weir_strbuf_printf(&sb, "%d/%02x ", 4 * k, (i + k) & 0xff);
		pats[i] = weir_strbuf_detach(&sb);
	}
	struct weir_cls_program *prog = compile_ok(NP, (const char *const *)pats, NULL);
	uint8_t f[256];
	for (int i = 0; i < NP; i += 37) {
		memset(f, 0, sizeof(f));
		for (int k = 0; k < 64; k++)
			f[4 * k] = (uint8_t)((i + k) & 0xff);
		assert_int_equal(classify_bytes(prog, f, 256), i);
		assert_int_equal(classify_bytes(prog, f, 252), WEIR_CLS_DROP);
	}
	weir_cls_program_free(prog);
	for (int i = 0; i < NP; i++)
		free(pats[i]);
	free(pats);
}

/* ---- randomised comparison with a direct interpreter ------------------------------- */

struct rclause {
	bool neg;
	unsigned off, n;
	uint8_t val[6], care[6];
};
struct rpat {
	int nc;
	bool all;
	struct rclause c[4];
};

static uint32_t rng = 12345;
static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* Click semantics, byte by byte: a clause holds when every byte it cares
 * about exists and matches. */
static bool
ref_clause(const struct rclause *c, const uint8_t *p, uint32_t len)
{
	bool ok = true;
	for (unsigned i = 0; i < c->n; i++) {
		if (!c->care[i])
			continue;
		if (c->off + i >= len || (p[c->off + i] & c->care[i]) != (c->val[i] & c->care[i]))
			ok = false;
	}
	return ok != c->neg;
}

static uint8_t
ref_classify(const struct rpat *ps, int np, const uint8_t *p, uint32_t len)
{
	for (int i = 0; i < np; i++) {
		bool m = true;
		for (int k = 0; k < ps[i].nc && m; k++)
			m = ref_clause(&ps[i].c[k], p, len);
		if (m)
			return (uint8_t)i;
	}
	return WEIR_CLS_DROP;
}

static void
random_pattern(struct rpat *p, char *text, size_t cap)
{
	static const uint8_t vals[] = { 0x00, 0x08, 0x06, 0x45, 0xff, 0x11 };
	size_t o = 0;
	memset(p, 0, sizeof(*p));
	if (rnd() % 10 == 0) {
		p->all = true;
		snprintf(text, cap, "-");
		return;
	}
	p->nc = 1 + (int)(rnd() % 3);
	for (int k = 0; k < p->nc; k++) {
		struct rclause *c = &p->c[k];
		c->neg = rnd() % 4 == 0;
		c->off = rnd() % 14;
		c->n = 1 + rnd() % 4;
		bool mask = rnd() % 3 == 0;
		o += (size_t)snprintf(text + o, cap - o, "%s%u/", c->neg ? "!" : "", c->off);
		for (unsigned i = 0; i < c->n; i++) {
			c->val[i] = vals[rnd() % 6];
			c->care[i] = 0xff;
			if (rnd() % 8 == 0) {
				c->care[i] = 0x0f; /* '?' high nibble */
				o += (size_t)snprintf(text + o, cap - o, "?%x", c->val[i] & 0xf);
			} else {
				o += (size_t)snprintf(text + o, cap - o, "%02x", c->val[i]);
			}
		}
		if (mask) {
			o += (size_t)snprintf(text + o, cap - o, "%%");
			for (unsigned i = 0; i < c->n; i++) {
				uint8_t m = (uint8_t)(rnd() % 3 == 0 ? 0xf0 : 0xff);
				c->care[i] &= m;
				o += (size_t)snprintf(text + o, cap - o, "%02x", m);
			}
		}
		o += (size_t)snprintf(text + o, cap - o, " ");
	}
}

static void
test_random_against_reference(void **state)
{
	enum { NP = 6, ROUNDS = 400, PKTS = 200 };
	char text[NP][256];
	const char *pats[NP];
	struct rpat ps[NP];
	for (int round = 0; round < ROUNDS; round++) {
		int np = 1 + (int)(rnd() % NP);
		for (int i = 0; i < np; i++) {
			random_pattern(&ps[i], text[i], sizeof(text[i]));
			pats[i] = text[i];
		}
		struct weir_strbuf warn = WEIR_STRBUF_INIT;
		struct weir_cls_program *prog = compile_ok(np, pats, &warn);
		weir_strbuf_free(&warn);
		for (int k = 0; k < PKTS; k++) {
			static const uint8_t vals[] = { 0x00, 0x08, 0x06, 0x45, 0xff, 0x11, 0x46 };
			uint8_t f[20];
			for (int i = 0; i < 20; i++)
				f[i] = vals[rnd() % 7];
			uint32_t len = rnd() % 21;
			uint8_t want = ref_classify(ps, np, f, len);
			uint8_t got = classify_bytes(prog, f, len);
			if (got != want) {
				char *d = dump(prog);
				fail_msg("round %d: len %u: got %u want %u\n%s", round, len, got,
					 want, d);
			}
		}
		weir_cls_program_free(prog);
	}
}

static void
test_hostile_random_rule_set(void **state)
{
	/* 120 random patterns over a few overlapping words make path-sensitive
	 * pruning explode; the compiler must stay fast (work budget, then
	 * unpruned rebuilding) and still classify exactly like the reference. */
	enum { NP = 120, PKTS = 3000 };
	static char text[NP][256];
	const char *pats[NP];
	static struct rpat ps[NP];
	rng = 777;
	for (int i = 0; i < NP; i++) {
		do
			random_pattern(&ps[i], text[i], sizeof(text[i]));
		while (ps[i].all);
		pats[i] = text[i];
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct weir_strbuf warn = WEIR_STRBUF_INIT;
	struct weir_cls_program *prog = compile_ok(NP, pats, &warn);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	weir_strbuf_free(&warn);
	double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	printf("# hostile: %u tests, compiled in %.1f ms\n", prog->ninsn, ms);
	assert_true(ms < 5000); /* generous: sanitizers and a loaded machine */
	for (int k = 0; k < PKTS; k++) {
		static const uint8_t vals[] = { 0x00, 0x08, 0x06, 0x45, 0xff, 0x11, 0x46 };
		uint8_t f[20];
		for (int i = 0; i < 20; i++)
			f[i] = vals[rnd() % 7];
		uint32_t len = rnd() % 21;
		assert_int_equal(classify_bytes(prog, f, len), ref_classify(ps, NP, f, len));
	}
	weir_cls_program_free(prog);
}

/* ---- speed ---------------------------------------------------------------------------- */

static void
test_bench_ethertypes(void **state)
{
	/* Informational: prints ns per packet for Click's 4-pattern example on a
	 * mixed batch; checks the results of the timed run. */
	struct weir_cls_program *prog = compile_ok(4, ex_pats, NULL);
	enum { N = 256 };
	static uint8_t frames[N][64];
	static struct weir_packet pk[N];
	struct weir_packet *pkts[N];
	uint8_t ports[N];
	for (int i = 0; i < N; i++) {
		switch (i % 4) {
		case 0: arp(frames[i], 1); break;
		case 1: arp(frames[i], 2); break;
		case 2: ipv4(frames[i], 64, 6); break;
		default: ether(frames[i], 64, 0x86dd); break;
		}
		memset(&pk[i], 0, sizeof(pk[i]));
		pk[i].buf = pk[i].data = frames[i];
		pk[i].len = 64;
		pkts[i] = &pk[i];
	}
	int iters = 2000;
	double best = 1e30;
	for (int rep = 0; rep < 10; rep++) { /* best of 10: the machine is shared */
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (int it = 0; it < iters; it++) {
			weir_cls_classify(prog, pkts, N, ports);
			__asm__ volatile("" : : "r"(ports) : "memory");
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		double ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 +
			    (double)(t1.tv_nsec - t0.tv_nsec);
		best = WEIR_MIN(best, ns);
	}
	printf("# classify: %.2f ns/packet (4 patterns, batch %d, best of 10)\n",
	       best / ((double)iters * N), N);
	for (int i = 0; i < N; i++)
		assert_int_equal(ports[i], i % 4 == 3 ? 3 : i % 4);
	weir_cls_program_free(prog);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_click_example_program),
		cmocka_unit_test(test_click_example_classify),
		cmocka_unit_test(test_conformance_patterns),
		cmocka_unit_test(test_short_packets_never_match),
		cmocka_unit_test(test_negated_clause_matches_short_packet),
		cmocka_unit_test(test_masks_and_wildcards),
		cmocka_unit_test(test_negation_and_everything),
		cmocka_unit_test(test_negated_multiword_clause),
		cmocka_unit_test(test_vlan),
		cmocka_unit_test(test_unaligned_clause_spans_words),
		cmocka_unit_test(test_shared_tests_merged),
		cmocka_unit_test(test_same_word_clauses_combined),
		cmocka_unit_test(test_identical_subtrees_shared),
		cmocka_unit_test(test_impossible_branch_removed),
		cmocka_unit_test(test_unreachable_patterns_warned),
		cmocka_unit_test(test_malformed_patterns),
		cmocka_unit_test(test_every_bad_pattern_reported),
		cmocka_unit_test(test_too_many_patterns),
		cmocka_unit_test(test_builder_network_and_transport_bases),
		cmocka_unit_test(test_builder_length_tests),
		cmocka_unit_test(test_field_ranges),
		cmocka_unit_test(test_builder_limits),
		cmocka_unit_test(test_too_many_tests_is_an_error),
		cmocka_unit_test(test_long_chain_no_stack_overflow),
		cmocka_unit_test(test_random_against_reference),
		cmocka_unit_test(test_hostile_random_rule_set),
		cmocka_unit_test(test_bench_ethertypes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
