/* test_net.c - Internet checksum, pseudo-header, incremental update and prefix helpers
 * (include/weir/ip.h, src/net/cksum.c), and the annotations the core IP
 * elements set, read through a probe element defined here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/ip.h"
#include "weir/lang.h"
#include "weir/packet.h"
#include "weir/router.h"

/* ---- reference implementation: 16-bit big-endian words, byte by byte ---- */

static uint32_t
ref_sum(const uint8_t *b, size_t len, uint32_t s)
{
	for (size_t i = 0; i + 1 < len; i += 2) {
		s += (uint32_t)(b[i] << 8 | b[i + 1]);
		s = (s & 0xFFFF) + (s >> 16);
	}
	if (len & 1) {
		s += (uint32_t)b[len - 1] << 8;
		s = (s & 0xFFFF) + (s >> 16);
	}
	return s;
}

/* Checksum in host order, as a value to compare with ntohs(weir_in_cksum()). */
static uint16_t
ref_cksum(const uint8_t *b, size_t len)
{
	return (uint16_t)~ref_sum(b, len, 0);
}

static uint32_t rng = 12345;
static uint32_t
rnd(void)
{
	rng = rng * 1103515245u + 12345u;
	return rng >> 8;
}

static void
test_rfc1071_example(void **state)
{
	(void)state;
	/* RFC 1071 section 3: the sum of these bytes is ddf2, the checksum 220d */
	const uint8_t b[8] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	uint16_t c = weir_in_cksum(b, sizeof(b));
	const uint8_t *cb = (const uint8_t *)&c;
	assert_int_equal(cb[0], 0x22);
	assert_int_equal(cb[1], 0x0d);
	assert_int_equal(ntohs(c), 0x220d);
	assert_int_equal(weir_in_cksum(b, 0), 0xFFFF);
}

static const uint8_t ip_example[20] = {
	0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
	0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
};

static void
test_ip_header(void **state)
{
	(void)state;
	uint8_t h[21];
	assert_int_equal(weir_in_cksum(ip_example, 20), 0);
	/* at an odd address too */
	memcpy(h + 1, ip_example, 20);
	assert_int_equal(weir_in_cksum(h + 1, 20), 0);
	struct weir_ip_hdr *ip = (struct weir_ip_hdr *)(h + 1);
	ip->sum = 0x1234;
	weir_ip_set_cksum(ip, 20);
	assert_int_equal(ntohs(ip->sum), 0xb861);
	assert_int_equal(weir_ip_hlen(ip), 20);
	assert_int_equal(weir_ip_v(ip), 4);
	assert_false(weir_ip_is_fragment(ip)); /* DF only */
	ip->off = htons(WEIR_IP_MF);
	assert_true(weir_ip_is_fragment(ip));
	assert_true(weir_ip_is_first_fragment(ip));
	ip->off = htons(3);
	assert_true(weir_ip_is_fragment(ip));
	assert_false(weir_ip_is_first_fragment(ip));
}

/* Every length 0..300 at every alignment 0..7 against the reference. */
static void
test_random_buffers(void **state)
{
	(void)state;
	static uint8_t buf[320];
	for (int round = 0; round < 20; round++) {
		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = (uint8_t)(round == 0 ? 0xFF : round == 1 ? 0 : rnd());
		for (size_t align = 0; align < 8; align++)
			for (size_t len = 0; len <= 300; len++) {
				uint16_t c = weir_in_cksum(buf + align, len);
				if (ntohs(c) != ref_cksum(buf + align, len))
					fail_msg("round %d align %zu len %zu: %04x != %04x", round,
						 align, len, ntohs(c), ref_cksum(buf + align, len));
			}
	}
}

/* A partial sum over an even-length prefix chains into the rest. */
static void
test_partial_chaining(void **state)
{
	(void)state;
	uint8_t buf[200];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rnd();
	for (size_t cut = 0; cut <= 120; cut += 2) {
		uint32_t s = weir_cksum_partial(buf, cut, 0);
		assert_true(s <= 0x1FFFF);
		s = weir_cksum_partial(buf + cut, 151 - cut, s);
		assert_int_equal(weir_cksum_fold(s), weir_in_cksum(buf, 151));
	}
}

/* The largest IP datagram of 0xFF and of random bytes: no lost carries. */
static void
test_large(void **state)
{
	(void)state;
	size_t n = 65535;
	uint8_t *b = malloc(n + 1);
	assert_non_null(b);
	memset(b, 0xFF, n + 1);
	assert_int_equal(ntohs(weir_in_cksum(b, n)), ref_cksum(b, n));
	assert_int_equal(ntohs(weir_in_cksum(b + 1, n)), ref_cksum(b + 1, n));
	for (size_t i = 0; i <= n; i++)
		b[i] = (uint8_t)rnd();
	assert_int_equal(ntohs(weir_in_cksum(b, n)), ref_cksum(b, n));
	/* a large starting sum is still folded correctly */
	uint32_t s = weir_cksum_partial(b, 1000, 0xFFFFFFFFu);
	assert_int_equal(weir_cksum_fold(s), weir_cksum_fold(weir_cksum_partial(b, 1000, 0xFFFF)));
	free(b);
}

static void
test_fold(void **state)
{
	(void)state;
	assert_int_equal(weir_cksum_fold(0), 0xFFFF);
	assert_int_equal(weir_cksum_fold(0xFFFF), 0);
	assert_int_equal(weir_cksum_fold(0x10000), 0xFFFE);
	assert_int_equal(weir_cksum_fold(0xFFFFFFFFu), 0);
	assert_int_equal(weir_cksum_fold(0x0001FFFEu), 0);
}

/* UDP 10.0.0.1:1000 -> 10.0.0.2:2000 "hello" (13 bytes, odd), checksum 9c47. */
static void
test_udp_pseudo(void **state)
{
	(void)state;
	uint8_t seg[13] = { 0x03, 0xe8, 0x07, 0xd0, 0x00, 0x0d, 0x9c, 0x47,
			    'h',  'e',  'l',  'l',  'o' };
	uint32_t src = htonl(0x0a000001), dst = htonl(0x0a000002);
	assert_int_equal(weir_l4_cksum(src, dst, WEIR_IPPROTO_UDP, seg, 13), 0);
	struct weir_udp_hdr *uh = (struct weir_udp_hdr *)seg;
	uh->sum = 0;
	assert_int_equal(ntohs(weir_l4_cksum(src, dst, WEIR_IPPROTO_UDP, seg, 13)), 0x9c47);
	/* the pseudo-header sum alone equals the reference over its 12 bytes */
	uint8_t ph[12] = { 10, 0, 0, 1, 10, 0, 0, 2, 0, 17, 0, 13 };
	uint32_t ps = weir_cksum_pseudo(src, dst, WEIR_IPPROTO_UDP, 13);
	assert_int_equal(ntohs(weir_cksum_fold(ps)), (uint16_t)~ref_sum(ph, 12, 0));
	/* random TCP-sized segments against the reference over pseudo + segment */
	uint8_t buf[12 + 101];
	for (int r = 0; r < 200; r++) {
		uint16_t len = (uint16_t)(rnd() % 101);
		uint32_t s = rnd() ^ (rnd() << 16), d = rnd() ^ (rnd() << 16);
		memcpy(buf, &s, 4);
		memcpy(buf + 4, &d, 4);
		buf[8] = 0;
		buf[9] = WEIR_IPPROTO_TCP;
		buf[10] = (uint8_t)(len >> 8);
		buf[11] = (uint8_t)len;
		for (int i = 0; i < len; i++)
			buf[12 + i] = (uint8_t)rnd();
		uint16_t c = weir_l4_cksum(s, d, WEIR_IPPROTO_TCP, buf + 12, len);
		assert_int_equal(ntohs(c), ref_cksum(buf, 12 + (size_t)len));
	}
}

/* Incremental updates keep a header valid and agree with a recomputation
 * (up to the two representations of zero). */
static void
test_incremental(void **state)
{
	(void)state;
	uint8_t h[20];
	for (int r = 0; r < 5000; r++) {
		for (int i = 0; i < 20; i++)
			h[i] = (uint8_t)rnd();
		struct weir_ip_hdr *ip = (struct weir_ip_hdr *)h;
		weir_ip_set_cksum(ip, 20);
		if (r & 1) {
			uint16_t old = ip->id, nw = (uint16_t)rnd();
			if (r % 7 == 0)
				nw = 0;
			ip->id = nw;
			ip->sum = weir_cksum_update16(ip->sum, old, nw);
		} else {
			uint32_t old = ip->dst, nw = rnd() ^ (rnd() << 16);
			if (r % 10 == 0)
				nw = 0xFFFFFFFFu;
			ip->dst = nw;
			ip->sum = weir_cksum_update32(ip->sum, old, nw);
		}
		assert_int_equal(weir_in_cksum(h, 20), 0);
		uint16_t inc = ip->sum;
		weir_ip_set_cksum(ip, 20);
		if (inc != ip->sum && !((inc == 0 || inc == 0xFFFF) && (ip->sum == 0 || ip->sum == 0xFFFF)))
			fail_msg("round %d: incremental %04x, full %04x", r, inc, ip->sum);
	}
}

static void
test_prefix(void **state)
{
	(void)state;
	for (unsigned n = 0; n <= 32; n++) {
		uint32_t m = weir_ip4_prefix_to_mask(n);
		assert_int_equal(weir_ip4_mask_to_prefix(m), (int)n);
	}
	assert_int_equal(weir_ip4_prefix_to_mask(0), 0);
	assert_int_equal(weir_ip4_prefix_to_mask(32), 0xFFFFFFFFu);
	assert_int_equal(weir_ip4_prefix_to_mask(24), htonl(0xFFFFFF00u));
	assert_int_equal(weir_ip4_mask_to_prefix(htonl(0xFF00FF00u)), -1);
	assert_int_equal(weir_ip4_mask_to_prefix(htonl(0x00000001u)), -1);
	assert_int_equal(weir_ip4_mask_to_prefix(htonl(0x7FFFFFFFu)), -1);
	assert_int_equal(weir_ip4_mask_to_prefix(htonl(0xFFFFFFFEu)), 31);
}

/* ---- annotations set by the elements ------------------------------------- */

static struct weir_strbuf msgs;
static struct weir_errh errh;

/* IPAnnoProbe: logs "DST NET TRANSPORT PARAMPROB LEN" per packet (header
 * offsets relative to the data, -1 when unset). */
struct probe {
	char log[1024];
	size_t n;
};

static void
probe_action(struct weir_element *e, struct weir_batch *b)
{
	struct probe *pr = e->priv;
	for (uint32_t i = 0; i < b->n; i++) {
		const struct weir_packet *p = b->pkts[i];
		char dst[16];
		weir_format_ip4(weir_dst_ip_anno(p), dst);
		int net = p->net_off == WEIR_NO_OFFSET ? -1 : weir_packet_network_offset(p);
		int th = p->transport_off == WEIR_NO_OFFSET ? -1 : weir_packet_transport_offset(p);
		int k = snprintf(pr->log + pr->n, sizeof(pr->log) - pr->n, "%s %d %d %u %u;", dst,
				 net, th, weir_anno_u8(p, WEIR_ICMP_PARAMPROB_ANNO_OFFSET),
				 (unsigned)p->len);
		if (k > 0 && (size_t)k < sizeof(pr->log) - pr->n)
			pr->n += (size_t)k;
	}
}

static int
probe_read(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	struct probe *pr = e->priv;
	(void)h;
	weir_strbuf_append(out, pr->log, pr->n);
	return 0;
}

static const struct weir_handler probe_handlers[] = {
	{ .name = "log", .read = probe_read },
	WEIR_HANDLER_END
};

static const struct weir_element_class probe_class = {
	.name = "IPAnnoProbe",
	.port_count = "1/1",
	.processing = "a/a",
	.priv_size = sizeof(struct probe),
	.simple_action = probe_action,
	.handlers = probe_handlers,
};
WEIR_ELEMENT_REGISTER(probe_class)

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
	if (!r)
		fail_msg("router failed:\n%s", weir_strbuf_str(&msgs));
	return r;
}

static const char *
rd(struct weir_router *r, const char *spec)
{
	static char buf[1024];
	struct weir_strbuf sb = WEIR_STRBUF_INIT;
	if (weir_router_handler_read(r, spec, &sb, &errh) != 0)
		fail_msg("read %s failed: %s", spec, weir_strbuf_str(&msgs));
	snprintf(buf, sizeof(buf), "%s", weir_strbuf_str(&sb));
	weir_strbuf_free(&sb);
	return buf;
}

/* Runs one packet (hex) through CHAIN and returns the probe log. */
static const char *
run_one(const char *hex, const char *chain)
{
	char cfg[1024];
	static char out[1024];
	snprintf(cfg, sizeof(cfg),
		 "InfiniteSource(DATA \\<%s>, LIMIT 1, STOP true) -> %s -> p :: IPAnnoProbe -> Discard;",
		 hex, chain);
	struct weir_router *r = build(cfg);
	weir_router_run(r);
	snprintf(out, sizeof(out), "%s", rd(r, "p.log"));
	weir_router_free(r);
	return out;
}

/* Ethernet + the IP header above (total length 0x73 = 115: pad to it) */
#define ETH "020000000002 020000000001 0800"
#define IPH "4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7"
#define IPH_SHORTLEN "4500 001c 0000 4000 4011 b8b8 c0a8 0001 c0a8 00c7"

static void
test_checkipheader_annos(void **state)
{
	(void)state;
	/* 20-byte header, total length 28, 8 bytes payload and 10 of padding */
	const char *pkt = ETH " " IPH_SHORTLEN " 0102030405060708 00000000000000000000";
	/* header at 14: network offset 14, transport 34, dst anno set, trimmed to 14+28 */
	assert_string_equal(run_one(pkt, "CheckIPHeader(14)"), "192.168.0.199 14 34 0 42;");
	assert_string_equal(run_one(pkt, "Strip(14) -> CheckIPHeader"), "192.168.0.199 0 20 0 28;");
	assert_string_equal(run_one(pkt, "Strip(14) -> CheckIPHeader2"), "192.168.0.199 0 20 0 28;");
	/* MarkIPHeader sets the headers only: no dst anno, no trim */
	assert_string_equal(run_one(pkt, "MarkIPHeader(14)"), "0.0.0.0 14 34 0 52;");
	/* StripIPHeader moves the data; offsets follow */
	assert_string_equal(run_one(pkt, "Strip(14) -> CheckIPHeader -> StripIPHeader"),
			    "192.168.0.199 -20 0 0 8;");
	assert_string_equal(
		run_one(pkt, "Strip(14) -> CheckIPHeader -> StripIPHeader -> UnstripIPHeader"),
		"192.168.0.199 0 20 0 28;");
	/* a truncated header: MarkIPHeader clamps the transport header to the end */
	assert_string_equal(run_one(ETH " 4f00001c00000000", "MarkIPHeader(14)"),
			    "0.0.0.0 14 22 0 22;");
	assert_string_equal(run_one(ETH, "MarkIPHeader(14)"), "0.0.0.0 14 14 0 14;");
	assert_string_equal(run_one(ETH, "MarkIPHeader(20)"), "0.0.0.0 14 14 0 14;");
}

/* IPGWOptions sets the parameter problem annotation to the bad byte. */
static void
test_ipgwoptions_paramprob(void **state)
{
	(void)state;
	/* IHL 6, an RR option with pointer 2 (bad): pointer byte at offset 22 */
	const char *rr_bad = "4600 0018 0000 0000 4011 0000 0a000001 0a000002 07040200";
	const char *len_bad = "4600 0018 0000 0000 4011 0000 0a000001 0a000002 01012800";
	const char *ts_flag = "4700 001c 0000 0000 4011 0000 0a000001 0a000002 44080502 00000000";
	const char *chain = "MarkIPHeader -> SetIPChecksum -> g :: IPGWOptions(10.0.0.1) -> Discard; g[1]";
	assert_string_equal(run_one(rr_bad, chain), "0.0.0.0 0 24 22 24;");
	assert_string_equal(run_one(len_bad, chain), "0.0.0.0 0 24 23 24;");
	assert_string_equal(run_one(ts_flag, chain), "0.0.0.0 0 28 23 28;");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc1071_example),
		cmocka_unit_test(test_ip_header),
		cmocka_unit_test(test_random_buffers),
		cmocka_unit_test(test_partial_chaining),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_udp_pseudo),
		cmocka_unit_test(test_incremental),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_checkipheader_annos),
		cmocka_unit_test(test_ipgwoptions_paramprob),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	weir_strbuf_free(&msgs);
	return rc;
}
