/* test_nat.c - the NAT mapping table (elements/nat/rewriter_priv.h): index, overflow, reaping,
 * eviction, checksum deltas and port allocation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "weir/ip.h"
#include "../../../elements/nat/rewriter_priv.h"

static struct rw_key
key(uint32_t s, uint32_t d, uint16_t sp, uint16_t dp, uint8_t proto)
{
	struct rw_key k = { .saddr = htonl(s), .daddr = htonl(d), .sport = htons(sp),
			    .dport = htons(dp), .proto = proto };
	return k;
}

/* Fills flow fi as a NAPT of k to source 192.0.2.1:port and indexes it. */
static void
add(struct rw_table *t, uint32_t fi, struct rw_key k, uint16_t port, uint32_t now)
{
	struct rw_key rk = k;
	rk.saddr = htonl(0xC0000201);
	rk.sport = htons(port);
	struct rw_flow *f = &t->flows[fi];
	f->key[0] = k;
	f->key[1] = rw_key_reverse(&rk);
	f->tclass = 0;
	rw_flow_set_deltas(f);
	rw_table_insert(t, fi, now);
}

static void
check_empty_index(const struct rw_table *t)
{
	for (uint32_t b = 0; b <= t->mask; b++) {
		assert_int_equal(t->buckets[b].overflow, 0);
		for (unsigned s = 0; s < RW_BUCKET_SLOTS; s++)
			assert_int_equal(t->buckets[b].tag[s], 0);
	}
}

static void
test_insert_lookup_remove(void **state)
{
	(void)state;
	struct rw_table t;
	const uint32_t n = 1000;
	assert_int_equal(rw_table_init(&t, n, 1), 0);
	uint32_t fis[1000];
	for (uint32_t i = 0; i < n; i++) {
		fis[i] = rw_table_alloc(&t);
		assert_int_not_equal(fis[i], RW_NONE);
		add(&t, fis[i], key(0x0A000000 + i, 0x08080808, 1000 + i, 53, 17), (uint16_t)(2000 + i), 0);
	}
	assert_int_equal(t.size, n);
	assert_int_equal(rw_table_alloc(&t), RW_NONE);
	for (uint32_t i = 0; i < n; i++) {
		const struct rw_flow *f = &t.flows[fis[i]];
		assert_int_equal(rw_table_lookup(&t, &f->key[0], rw_hash(&f->key[0])), fis[i] << 1);
		assert_int_equal(rw_table_lookup(&t, &f->key[1], rw_hash(&f->key[1])), fis[i] << 1 | 1);
	}
	/* same addresses, other protocol: a different key */
	struct rw_key tcp = key(0x0A000000, 0x08080808, 1000, 53, 6);
	assert_int_equal(rw_table_lookup(&t, &tcp, rw_hash(&tcp)), RW_NONE);
	for (uint32_t i = 0; i < n; i += 2)
		rw_table_remove(&t, fis[i]);
	assert_int_equal(t.size, n / 2);
	for (uint32_t i = 0; i < n; i++) {
		struct rw_key k = key(0x0A000000 + i, 0x08080808, 1000 + i, 53, 17);
		uint32_t ref = rw_table_lookup(&t, &k, rw_hash(&k));
		if (i % 2)
			assert_int_equal(ref, fis[i] << 1);
		else
			assert_int_equal(ref, RW_NONE);
	}
	/* freed slots are reused */
	uint32_t again = rw_table_alloc(&t);
	assert_int_not_equal(again, RW_NONE);
	assert_true(again < n);
	rw_table_clear(&t);
	assert_int_equal(t.size, 0);
	check_empty_index(&t);
	rw_table_free(&t);
}

/* Keys whose home bucket is 0 overflow into the next buckets and are still
 * found; removing them leaves no overflow counts behind. */
static void
test_overflow(void **state)
{
	(void)state;
	struct rw_table t;
	assert_int_equal(rw_table_init(&t, 16, 1), 0); /* 8 buckets, 64 slots */
	assert_int_equal(t.mask, 7);
	struct rw_key ks[12];
	int n = 0;
	for (uint32_t i = 0; n < 12; i++) {
		struct rw_key k = key(0x0A000000 + i, 0x01020304, 5, 6, 17);
		if ((rw_hash(&k) & t.mask) == 0)
			ks[n++] = k;
	}
	uint32_t fis[12];
	for (int i = 0; i < 12; i++) {
		fis[i] = rw_table_alloc(&t);
		add(&t, fis[i], ks[i], (uint16_t)(3000 + i), 0);
	}
	assert_true(t.buckets[0].overflow >= 4);
	for (int i = 0; i < 12; i++)
		assert_int_equal(rw_table_lookup(&t, &ks[i], rw_hash(&ks[i])), fis[i] << 1);
	/* remove from the front: later keys must stay reachable */
	for (int i = 0; i < 12; i++) {
		rw_table_remove(&t, fis[i]);
		assert_int_equal(rw_table_lookup(&t, &ks[i], rw_hash(&ks[i])), RW_NONE);
		for (int j = i + 1; j < 12; j++)
			assert_int_equal(rw_table_lookup(&t, &ks[j], rw_hash(&ks[j])), fis[j] << 1);
	}
	check_empty_index(&t);
	rw_table_free(&t);
}

static int freed;
static void
count_free(void *arg, const struct rw_flow *f)
{
	(void)arg;
	(void)f;
	freed++;
}

static void
test_reap(void **state)
{
	(void)state;
	struct rw_table t;
	assert_int_equal(rw_table_init(&t, 8, 1), 0);
	t.timeout[0] = 100;
	t.on_free = count_free;
	freed = 0;
	uint32_t a = rw_table_alloc(&t), b = rw_table_alloc(&t), c = rw_table_alloc(&t);
	add(&t, a, key(1, 2, 3, 4, 17), 10, 0);
	add(&t, b, key(5, 6, 7, 8, 17), 11, 0);
	add(&t, c, key(9, 10, 11, 12, 17), 12, 50);
	t.flows[b].last = 80; /* used since it was queued */
	assert_int_equal(rw_table_reap(&t, 99), 0);
	assert_int_equal(rw_table_reap(&t, 100), 1); /* a */
	assert_int_equal(freed, 1);
	assert_false(t.flows[a].flags & RW_F_LIVE);
	assert_true(t.flows[b].flags & RW_F_LIVE);
	assert_int_equal(rw_table_reap(&t, 150), 1); /* c; b was requeued at 100 */
	assert_int_equal(rw_table_reap(&t, 199), 0);
	assert_int_equal(rw_table_reap(&t, 200), 1); /* b: 80 + 100 passed */
	assert_int_equal(t.size, 0);
	assert_int_equal(freed, 3);
	check_empty_index(&t);
	rw_table_free(&t);
}

static void
test_evict(void **state)
{
	(void)state;
	struct rw_table t;
	assert_int_equal(rw_table_init(&t, 2, 2), 0);
	t.timeout[0] = 1000;
	t.timeout[1] = 300;
	t.guarantee[0] = t.guarantee[1] = 50;
	uint32_t a = rw_table_alloc(&t), b = rw_table_alloc(&t);
	add(&t, a, key(1, 2, 3, 4, 17), 10, 0);
	t.flows[b].tclass = 1;
	struct rw_key kb = key(5, 6, 7, 8, 17);
	t.flows[b].key[0] = kb;
	t.flows[b].key[1] = rw_key_reverse(&kb);
	rw_table_insert(&t, b, 0);
	assert_int_equal(rw_table_alloc(&t), RW_NONE);
	assert_false(rw_table_evict(&t, 10, false)); /* both guaranteed */
	assert_true(rw_table_evict(&t, 60, false));  /* b expires first (class 1) */
	assert_false(t.flows[b].flags & RW_F_LIVE);
	assert_true(t.flows[a].flags & RW_F_LIVE);
	assert_int_not_equal(rw_table_alloc(&t), RW_NONE);
	/* force ignores guarantees */
	t.flows[a].last = 60;
	assert_true(rw_table_evict(&t, 61, true));
	assert_int_equal(t.size, 0);
	rw_table_free(&t);
}

/* A UDP datagram rewritten with the flow's deltas keeps valid checksums both ways. */
static void
test_deltas(void **state)
{
	(void)state;
	uint8_t pkt[40];
	memset(pkt, 0, sizeof(pkt));
	struct weir_ip_hdr *ip = (struct weir_ip_hdr *)pkt;
	struct weir_udp_hdr *uh = (struct weir_udp_hdr *)(pkt + 20);
	ip->vihl = 0x45;
	ip->len = htons(40);
	ip->ttl = 64;
	ip->p = 17;
	ip->src = htonl(0x0A000001);
	ip->dst = htonl(0x08080808);
	uh->sport = htons(5000);
	uh->dport = htons(53);
	uh->len = htons(20);
	memcpy(pkt + 28, "twelve bytes", 12);
	weir_ip_set_cksum(ip, 20);
	uh->sum = weir_l4_cksum(ip->src, ip->dst, 17, uh, 20);

	struct rw_flow f;
	memset(&f, 0, sizeof(f));
	f.key[0] = key(0x0A000001, 0x08080808, 5000, 53, 17);
	struct rw_key rk = key(0xC0000201, 0x08080808, 61234, 53, 17);
	f.key[1] = rw_key_reverse(&rk);
	rw_flow_set_deltas(&f);
	for (unsigned dir = 0; dir < 2; dir++) {
		const struct rw_key *r = &f.key[!dir];
		ip->src = r->daddr;
		ip->dst = r->saddr;
		ip->sum = rw_csum_apply(ip->sum, f.ip_delta, dir);
		uh->sport = r->dport;
		uh->dport = r->sport;
		uh->sum = rw_csum_apply(uh->sum, f.l4_delta, dir);
		assert_int_equal(weir_in_cksum(ip, 20), 0);
		assert_int_equal(weir_l4_cksum(ip->src, ip->dst, 17, uh, 20), 0);
		if (dir == 0) {
			assert_int_equal(ntohl(ip->src), 0xC0000201);
			assert_int_equal(ntohs(uh->sport), 61234);
			/* the reply: swap so the packet matches key[1] */
			uint32_t a = ip->src;
			ip->src = ip->dst;
			ip->dst = a;
			uint16_t p = uh->sport;
			uh->sport = uh->dport;
			uh->dport = p;
		}
	}
	assert_int_equal(ntohl(ip->dst), 0x0A000001);
	assert_int_equal(ntohs(uh->dport), 5000);
}

/* Ports come from the range, sequentially, never twice for one destination. */
static void
test_pattern_ports(void **state)
{
	(void)state;
	struct rw_common rw;
	struct rw_input in;
	memset(&rw, 0, sizeof(rw));
	memset(&in, 0, sizeof(in));
	assert_int_equal(rw_table_init(&rw.table, 16, 1), 0);
	rw.inputs = &in;
	rw.ninputs = 1;
	rw.rng = 1;
	in.kind = RW_PATTERN;
	in.pat = &in.own;
	in.own.saddr = htonl(0xC0000201);
	in.own.sport = htons(1000);
	in.own.variation_top = 1;
	in.own.is_napt = true;
	in.own.sequential = true;
	struct rw_key k1 = key(0x0A000001, 0x08080808, 5000, 53, 17), out;
	struct rw_key k2 = key(0x0A000002, 0x08080808, 5000, 53, 17);
	struct rw_key k3 = key(0x0A000003, 0x08080808, 5000, 53, 17);
	struct rw_key k4 = key(0x0A000003, 0x09090909, 5000, 53, 17);
	assert_true(rw_pattern_apply(&rw, &in.own, &k1, &out));
	assert_int_equal(ntohs(out.sport), 1000);
	assert_int_equal(ntohl(out.saddr), 0xC0000201);
	assert_int_not_equal(rw_add_flow(&rw, &k1, &out, 0, 0, 0), RW_NONE);
	assert_true(rw_pattern_apply(&rw, &in.own, &k2, &out));
	assert_int_equal(ntohs(out.sport), 1001);
	assert_int_not_equal(rw_add_flow(&rw, &k2, &out, 0, 0, 0), RW_NONE);
	assert_false(rw_pattern_apply(&rw, &in.own, &k3, &out));
	assert_true(rw_pattern_apply(&rw, &in.own, &k4, &out));
	assert_int_equal(ntohs(out.sport), 1000);
	assert_int_equal(in.count, 2);
	rw_table_free(&rw.table);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_insert_lookup_remove),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_reap),
		cmocka_unit_test(test_evict),
		cmocka_unit_test(test_deltas),
		cmocka_unit_test(test_pattern_ports),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
