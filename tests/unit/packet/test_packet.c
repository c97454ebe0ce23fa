/* test_packet.c - unit tests for packets: make, clone, kill, copy on write, room, annotations, batches. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "weir/batch.h"
#include "weir/packet.h"

#define SMALL_CAP 512
#define MEDIUM_CAP 64
#define LARGE_CAP 8
#define CLONE_CAP 512

static uint8_t payload[4096];

static int
setup(void **state)
{
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7 + 3);
	return weir_packets_init(SMALL_CAP, MEDIUM_CAP, LARGE_CAP, CLONE_CAP);
}

static int
teardown(void **state)
{
	weir_packets_fini();
	return 0;
}

static uint64_t
in_use(struct weir_pool *pool)
{
	struct weir_pool_stats st;

	weir_pool_stats(pool, &st);
	return st.in_use;
}

/* Every packet pool is empty again. */
static void
assert_all_free(void)
{
	const struct weir_packet_pools *pp = weir_packet_pools();

	assert_int_equal(in_use(pp->small), 0);
	assert_int_equal(in_use(pp->medium), 0);
	assert_int_equal(in_use(pp->large), 0);
	assert_int_equal(in_use(pp->clones), 0);
}

static struct weir_packet *
make_payload(uint32_t len)
{
	struct weir_packet *p = weir_packet_make_simple(payload, len);

	assert_non_null(p);
	return p;
}

/* ---- pools and make --------------------------------------------------------- */

static void
test_init_is_idempotent(void **state)
{
	const struct weir_packet_pools *pp = weir_packet_pools();
	struct weir_pool *small = pp->small;
	struct weir_pool_stats st;

	assert_non_null(small);
	assert_int_equal(weir_packets_init(1, 1, 1, 1), 0);
	assert_ptr_equal(pp->small, small);
	weir_pool_stats(pp->small, &st);
	assert_int_equal(st.capacity, SMALL_CAP);
	assert_int_equal(st.obj_size, WEIR_POOL_SMALL_SIZE);
	weir_pool_stats(pp->clones, &st);
	assert_int_equal(st.obj_size, sizeof(struct weir_packet));
}

static void
test_make_initialises_header(void **state)
{
	struct weir_packet *p = weir_packet_make(64, payload, 100, 10);
	static const uint8_t zero[WEIR_ANNO_SIZE];

	assert_non_null(p);
	assert_ptr_equal(p->pool, weir_packet_pools()->small);
	assert_ptr_equal(p->buf, (uint8_t *)(p + 1));
	assert_int_equal(p->buf_len, WEIR_POOL_SMALL_SIZE - sizeof(struct weir_packet));
	assert_int_equal(weir_packet_headroom(p), 64);
	assert_int_equal(p->len, 100);
	assert_int_equal(weir_packet_tailroom(p), WEIR_POOL_SMALL_SIZE - 128 - 64 - 100);
	assert_memory_equal(p->data, payload, 100);
	assert_int_equal(p->flags, 0);
	assert_int_equal(p->refcnt, 1);
	assert_int_equal(p->packet_type, WEIR_PKT_HOST);
	assert_null(p->origin);
	assert_null(p->next);
	assert_null(p->flow);
	assert_int_equal(p->timestamp_ns, 0);
	assert_memory_equal(p->anno, zero, WEIR_ANNO_SIZE);
	assert_null(weir_packet_mac_header(p));
	assert_null(weir_packet_network_header(p));
	assert_null(weir_packet_transport_header(p));
	assert_false(weir_packet_shared(p));
	assert_int_equal(in_use(weir_packet_pools()->small), 1);
	weir_packet_kill(p);
	assert_all_free();
}

static void
test_make_reinitialises_recycled_buffer(void **state)
{
	struct weir_packet *p = make_payload(60);
	struct weir_packet *q;

	weir_set_paint_anno(p, 9);
	p->timestamp_ns = 5;
	weir_packet_set_network_header(p, p->data);
	weir_packet_kill(p);
	q = weir_packet_make(0, NULL, 10, 0);
	assert_ptr_equal(q, p); /* the cache is LIFO */
	assert_int_equal(weir_paint_anno(q), 0);
	assert_int_equal(q->timestamp_ns, 0);
	assert_null(weir_packet_network_header(q));
	assert_int_equal(q->refcnt, 1);
	weir_packet_kill(q);
}

static void
test_make_picks_smallest_class(void **state)
{
	const struct weir_packet_pools *pp = weir_packet_pools();
	struct weir_packet *p;

	p = make_payload(WEIR_POOL_SMALL_SIZE - 256);
	assert_ptr_equal(p->pool, pp->small);
	weir_packet_kill(p);
	p = make_payload(WEIR_POOL_SMALL_SIZE - 255);
	assert_ptr_equal(p->pool, pp->medium);
	weir_packet_kill(p);
	p = weir_packet_make(0, NULL, 10, 400); /* tailroom counts */
	assert_non_null(p);
	assert_ptr_equal(p->pool, pp->medium);
	assert_true(weir_packet_tailroom(p) >= 400);
	weir_packet_kill(p);
	p = weir_packet_make_simple(NULL, 3000);
	assert_non_null(p);
	assert_ptr_equal(p->pool, pp->large);
	weir_packet_kill(p);
	assert_all_free();
}

static void
test_make_oversize_fails_and_counts(void **state)
{
	uint64_t failures = weir_packets_alloc_failures();
	size_t max = weir_packet_max_len();
	struct weir_packet *p;

	assert_int_equal(max, WEIR_POOL_LARGE_SIZE - 128 - WEIR_DEFAULT_HEADROOM);
	p = weir_packet_make_simple(NULL, (uint32_t)max);
	assert_non_null(p);
	assert_ptr_equal(p->pool, weir_packet_pools()->large);
	weir_packet_kill(p);
	assert_null(weir_packet_make_simple(NULL, (uint32_t)max + 1));
	assert_int_equal(weir_packets_alloc_failures(), failures + 1);
	/* no overflow in the size computation */
	assert_null(weir_packet_make(UINT32_MAX, NULL, UINT32_MAX, UINT32_MAX));
	assert_int_equal(weir_packets_alloc_failures(), failures + 2);
	assert_all_free();
}

static void
test_make_exhaustion_fails_and_counts(void **state)
{
	struct weir_packet *p[LARGE_CAP];
	uint64_t failures = weir_packets_alloc_failures();

	for (unsigned i = 0; i < LARGE_CAP; i++)
		assert_non_null(p[i] = weir_packet_make_simple(NULL, 5000));
	assert_null(weir_packet_make_simple(NULL, 5000));
	assert_int_equal(weir_packets_alloc_failures(), failures + 1);
	/* other classes are unaffected */
	weir_packet_kill(make_payload(60));
	weir_packet_kill_bulk(p, LARGE_CAP);
	assert_non_null(p[0] = weir_packet_make_simple(NULL, 5000));
	weir_packet_kill(p[0]);
	assert_all_free();
}

/* ---- clones ------------------------------------------------------------------ */

static void
test_clone_shares_data_and_annotations(void **state)
{
	const struct weir_packet_pools *pp = weir_packet_pools();
	struct weir_packet *p = make_payload(100);
	struct weir_packet *c;

	weir_set_paint_anno(p, 7);
	p->timestamp_ns = 1234;
	weir_packet_set_network_header(p, p->data + 14);
	c = weir_packet_clone(p);
	assert_non_null(c);
	assert_ptr_not_equal(c, p);
	assert_ptr_equal(c->pool, pp->clones);
	assert_ptr_equal(c->data, p->data);
	assert_ptr_equal(c->buf, p->buf);
	assert_int_equal(c->len, p->len);
	assert_int_equal(c->buf_len, p->buf_len);
	assert_int_equal(c->flags, WEIR_PKT_CLONE);
	assert_ptr_equal(c->origin, p);
	assert_int_equal(p->refcnt, 2);
	assert_int_equal(weir_paint_anno(c), 7);
	assert_int_equal(c->timestamp_ns, 1234);
	assert_ptr_equal(weir_packet_network_header(c), p->data + 14);
	assert_true(weir_packet_shared(p));
	assert_true(weir_packet_shared(c));
	assert_int_equal(in_use(pp->clones), 1);
	assert_int_equal(in_use(pp->small), 1);

	/* the owner dies first: its buffer lives on for the clone */
	weir_packet_kill(p);
	assert_int_equal(in_use(pp->small), 1);
	assert_memory_equal(c->data, payload, 100);
	weir_packet_kill(c);
	assert_all_free();
}

static void
test_clone_killed_before_owner(void **state)
{
	struct weir_packet *p = make_payload(100);
	struct weir_packet *c = weir_packet_clone(p);

	assert_non_null(c);
	weir_packet_kill(c);
	assert_int_equal(p->refcnt, 1);
	assert_false(weir_packet_shared(p));
	assert_int_equal(in_use(weir_packet_pools()->clones), 0);
	assert_int_equal(in_use(weir_packet_pools()->small), 1);
	weir_packet_kill(p);
	assert_all_free();
}

static void
test_clone_of_clone_references_owner(void **state)
{
	struct weir_packet *p = make_payload(100);
	struct weir_packet *c1 = weir_packet_clone(p);
	struct weir_packet *c2 = weir_packet_clone(c1);

	assert_non_null(c2);
	assert_ptr_equal(c2->origin, p);
	assert_int_equal(p->refcnt, 3);
	weir_packet_kill(c1);
	weir_packet_kill(p);
	assert_int_equal(in_use(weir_packet_pools()->small), 1);
	assert_memory_equal(c2->data, payload, 100);
	weir_packet_kill(c2);
	assert_all_free();
}

static void
test_clone_exhaustion_takes_no_reference(void **state)
{
	static struct weir_packet *c[CLONE_CAP];
	struct weir_packet *p = make_payload(60);
	uint64_t failures = weir_packets_alloc_failures();

	for (unsigned i = 0; i < CLONE_CAP; i++)
		assert_non_null(c[i] = weir_packet_clone(p));
	assert_int_equal(p->refcnt, CLONE_CAP + 1);
	assert_null(weir_packet_clone(p));
	assert_null(weir_packet_clone_external(p));
	assert_int_equal(p->refcnt, CLONE_CAP + 1);
	assert_int_equal(weir_packets_alloc_failures(), failures + 2);
	weir_packet_kill(p);
	weir_packet_kill_bulk(c, CLONE_CAP);
	assert_all_free();
}

static void
test_clone_external_takes_no_reference(void **state)
{
	struct weir_packet *p = make_payload(100);
	struct weir_packet *e = weir_packet_clone_external(p);
	struct weir_packet *e2;

	assert_non_null(e);
	assert_int_equal(e->flags, WEIR_PKT_EXTERNAL);
	assert_null(e->origin);
	assert_ptr_equal(e->data, p->data);
	assert_int_equal(p->refcnt, 1);
	assert_true(weir_packet_shared(e));
	assert_false(weir_packet_shared(p));
	/* a clone of an external clone is external too */
	e2 = weir_packet_clone(e);
	assert_non_null(e2);
	assert_int_equal(e2->flags, WEIR_PKT_EXTERNAL);
	assert_int_equal(p->refcnt, 1);
	weir_packet_kill(e);
	weir_packet_kill(e2);
	assert_int_equal(in_use(weir_packet_pools()->clones), 0);
	assert_int_equal(in_use(weir_packet_pools()->small), 1);
	weir_packet_kill(p);
	assert_all_free();
}

/* ---- copy on write ---------------------------------------------------------- */

static void
test_uniqueify_unshared_is_a_no_op(void **state)
{
	struct weir_packet *p = make_payload(100);

	assert_ptr_equal(weir_packet_uniqueify(p), p);
	assert_ptr_equal(weir_packet_uniqueify_slow(p), p);
	weir_packet_kill(p);
	assert_all_free();
}

static void
test_uniqueify_clone_copies_data_annotations_offsets(void **state)
{
	struct weir_packet *p = make_payload(100);
	struct weir_packet *c, *u;
	int flow;

	weir_packet_set_mac_header(p, p->data);
	weir_packet_pull(p, 14); /* the MAC header now lies in the headroom */
	weir_packet_set_network_header(p, p->data);
	weir_packet_set_transport_header(p, p->data + 20);
	weir_set_paint_anno(p, 3);
	weir_set_dst_ip_anno(p, 0x0a000001);
	p->timestamp_ns = 99;
	p->packet_type = WEIR_PKT_BROADCAST;
	p->flow = &flow;

	c = weir_packet_clone(p);
	u = weir_packet_uniqueify(c);
	assert_non_null(u);
	assert_ptr_not_equal(u->data, p->data);
	assert_int_equal(u->flags, 0);
	assert_int_equal(u->refcnt, 1);
	assert_false(weir_packet_shared(u));
	assert_int_equal(p->refcnt, 1);
	assert_int_equal(u->len, 86);
	assert_int_equal(weir_packet_headroom(u), weir_packet_headroom(p));
	assert_memory_equal(u->data, payload + 14, 86);
	assert_memory_equal(weir_packet_mac_header(u), payload, 14);
	assert_ptr_equal(weir_packet_network_header(u), u->data);
	assert_ptr_equal(weir_packet_transport_header(u), u->data + 20);
	assert_int_equal(weir_paint_anno(u), 3);
	assert_int_equal(weir_dst_ip_anno(u), 0x0a000001);
	assert_int_equal(u->timestamp_ns, 99);
	assert_int_equal(u->packet_type, WEIR_PKT_BROADCAST);
	assert_ptr_equal(u->flow, &flow);

	u->data[0] ^= 0xff;
	assert_int_equal(p->data[0], payload[14]);
	weir_packet_kill(u);
	weir_packet_kill(p);
	assert_all_free();
}

static void
test_uniqueify_owner_with_clones(void **state)
{
	struct weir_packet *p = make_payload(100);
	struct weir_packet *c = weir_packet_clone(p);
	struct weir_packet *q = weir_packet_uniqueify(p);

	assert_non_null(q);
	assert_ptr_not_equal(q, p);
	assert_false(weir_packet_shared(q));
	q->data[0] ^= 0xff;
	assert_int_equal(c->data[0], payload[0]);
	assert_int_equal(in_use(weir_packet_pools()->small), 2);
	weir_packet_kill(c);
	assert_int_equal(in_use(weir_packet_pools()->small), 1);
	weir_packet_kill(q);
	assert_all_free();
}

static void
test_uniqueify_external_clone(void **state)
{
	struct weir_packet *p = make_payload(100);
	struct weir_packet *u = weir_packet_uniqueify(weir_packet_clone_external(p));

	assert_non_null(u);
	assert_false(weir_packet_shared(u));
	assert_memory_equal(u->data, payload, 100);
	u->data[5] ^= 0xff;
	assert_int_equal(p->data[5], payload[5]);
	weir_packet_kill(u);
	weir_packet_kill(p);
	assert_all_free();
}

static void
test_uniqueify_failure_kills_packet(void **state)
{
	struct weir_packet *big[LARGE_CAP];
	struct weir_packet *c;

	for (unsigned i = 0; i < LARGE_CAP; i++)
		assert_non_null(big[i] = weir_packet_make_simple(payload, 3000));
	c = weir_packet_clone(big[0]);
	assert_int_equal(big[0]->refcnt, 2);
	assert_null(weir_packet_uniqueify(c)); /* large class exhausted */
	assert_int_equal(big[0]->refcnt, 1);
	weir_packet_kill_bulk(big, LARGE_CAP);
	assert_all_free();
}

/* ---- room -------------------------------------------------------------------- */

static void
test_push_within_headroom_keeps_packet(void **state)
{
	struct weir_packet *p = make_payload(100);
	uint8_t *data = p->data;

	assert_ptr_equal(weir_packet_push(p, 14), p);
	assert_ptr_equal(p->data, data - 14);
	assert_int_equal(p->len, 114);
	assert_memory_equal(p->data + 14, payload, 100);
	weir_packet_kill(p);
	assert_all_free();
}

static void
test_push_short_headroom_reallocates(void **state)
{
	struct weir_packet *p = weir_packet_make(4, payload, 100, 0);
	struct weir_packet *q;

	weir_packet_set_network_header(p, p->data);
	weir_packet_set_mac_header(p, p->buf); /* in the old headroom */
	weir_set_paint_anno(p, 5);
	q = weir_packet_push(p, 20);
	assert_non_null(q);
	assert_int_equal(q->len, 120);
	assert_int_equal(weir_packet_headroom(q), WEIR_DEFAULT_HEADROOM);
	assert_memory_equal(q->data + 20, payload, 100);
	assert_ptr_equal(weir_packet_network_header(q), q->data + 20);
	assert_ptr_equal(weir_packet_mac_header(q), q->data + 16);
	assert_int_equal(weir_paint_anno(q), 5);
	assert_int_equal(in_use(weir_packet_pools()->small), 1);
	weir_packet_kill(q);
	assert_all_free();
}

static void
test_push_on_clone_copies(void **state)
{
	struct weir_packet *p = make_payload(100);
	struct weir_packet *c = weir_packet_clone(p);
	struct weir_packet *q = weir_packet_push(c, 8);

	assert_non_null(q);
	assert_ptr_not_equal(q->buf, p->buf);
	assert_int_equal(q->len, 108);
	memset(q->data, 0xee, 8);
	assert_memory_equal(q->data + 8, payload, 100);
	assert_memory_equal(p->data, payload, 100);
	assert_int_equal(p->len, 100);
	assert_int_equal(p->refcnt, 1);
	weir_packet_kill(q);
	weir_packet_kill(p);
	assert_all_free();
}

static void
test_put_within_tailroom_keeps_packet(void **state)
{
	struct weir_packet *p = make_payload(100);
	uint32_t tail = weir_packet_tailroom(p);

	assert_ptr_equal(weir_packet_put(p, 10), p);
	assert_int_equal(p->len, 110);
	assert_int_equal(weir_packet_tailroom(p), tail - 10);
	weir_packet_kill(p);
	assert_all_free();
}

static void
test_put_short_tailroom_moves_to_bigger_class(void **state)
{
	struct weir_packet *p = make_payload(200);
	struct weir_packet *q;

	weir_packet_set_network_header(p, p->data + 14);
	assert_true(weir_packet_tailroom(p) < 100);
	q = weir_packet_put(p, 100);
	assert_non_null(q);
	assert_ptr_equal(q->pool, weir_packet_pools()->medium);
	assert_int_equal(q->len, 300);
	assert_int_equal(weir_packet_headroom(q), WEIR_DEFAULT_HEADROOM);
	assert_memory_equal(q->data, payload, 200);
	assert_int_equal(weir_packet_network_offset(q), 14);
	assert_int_equal(in_use(weir_packet_pools()->small), 0);
	weir_packet_kill(q);
	assert_all_free();
}

static void
test_push_put_too_big_kill_packet(void **state)
{
	uint64_t failures = weir_packets_alloc_failures();

	assert_null(weir_packet_put(make_payload(100), 100000));
	assert_null(weir_packet_push(make_payload(100), UINT32_MAX));
	assert_int_equal(weir_packets_alloc_failures(), failures + 2);
	assert_all_free();
}

static void
test_pull_take_unstrip_bounds(void **state)
{
	struct weir_packet *p = make_payload(100);
	uint8_t *end = weir_packet_end_data(p);

	weir_packet_pull(p, 14);
	assert_int_equal(p->len, 86);
	assert_int_equal(weir_packet_headroom(p), WEIR_DEFAULT_HEADROOM + 14);
	weir_packet_take(p, 6);
	assert_int_equal(p->len, 80);
	weir_packet_pull(p, 1000);
	assert_int_equal(p->len, 0);
	assert_ptr_equal(p->data, end - 6);
	weir_packet_take(p, 1);
	assert_int_equal(p->len, 0);
	assert_true(weir_packet_unstrip(p, 94));
	assert_memory_equal(p->data, payload, 94);
	assert_false(weir_packet_unstrip(p, WEIR_DEFAULT_HEADROOM + 1));
	assert_true(weir_packet_unstrip(p, WEIR_DEFAULT_HEADROOM));
	assert_int_equal(weir_packet_headroom(p), 0);
	weir_packet_kill(p);
	assert_all_free();
}

/* ---- annotations ------------------------------------------------------------ */

static void
test_clear_and_copy_annotations(void **state)
{
	struct weir_packet *p = make_payload(60);
	struct weir_packet *q = make_payload(60);
	static const uint8_t zero[WEIR_ANNO_SIZE];
	int flow;

	memset(p->anno, 0xab, WEIR_ANNO_SIZE);
	p->timestamp_ns = 42;
	p->packet_type = WEIR_PKT_MULTICAST;
	p->flow = &flow;
	weir_packet_set_network_header(p, p->data);
	weir_packet_copy_annotations(q, p);
	assert_memory_equal(q->anno, p->anno, WEIR_ANNO_SIZE);
	assert_int_equal(q->timestamp_ns, 42);
	assert_int_equal(q->packet_type, WEIR_PKT_MULTICAST);
	assert_ptr_equal(q->flow, &flow);
	assert_null(weir_packet_network_header(q)); /* offsets are not annotations */

	weir_packet_clear_annotations(p);
	assert_memory_equal(p->anno, zero, WEIR_ANNO_SIZE);
	assert_int_equal(p->timestamp_ns, 0);
	assert_int_equal(p->packet_type, WEIR_PKT_HOST);
	assert_null(p->flow);
	assert_null(weir_packet_network_header(p));
	assert_int_equal(p->len, 60); /* data untouched */
	weir_packet_kill(p);
	weir_packet_kill(q);
}

static void
test_anno_accessors(void **state)
{
	struct weir_packet *p = make_payload(60);

	weir_set_vlan_tci_anno(p, 0x1234);
	assert_int_equal(weir_vlan_tci_anno(p), 0x1234);
	assert_int_equal(weir_anno_u16(p, WEIR_VLAN_TCI_ANNO_OFFSET), 0x1234);
	weir_set_anno_u32(p, 44, 0xdeadbeef);
	assert_int_equal(weir_anno_u32(p, 44), 0xdeadbeef);
	weir_set_anno_u8(p, 47, 9);
	assert_int_equal(weir_anno_u8(p, 47), 9);
	weir_packet_kill(p);
}

static void
test_anno_lookup_names_and_offsets(void **state)
{
	static const struct {
		const char *name;
		unsigned offset, size;
	} good[] = {
		{ "DST_IP", 0, 4 },          { "DST_IP6", 0, 16 },
		{ "PAINT", 16, 1 },          { "ICMP_PARAMPROB", 17, 1 },
		{ "FIX_IP_SRC", 19, 1 },     { "VLAN_TCI", 20, 2 },
		{ "AGGREGATE", 20, 4 },      { "SEQUENCE_NUMBER", 24, 4 },
		{ "EXTRA_PACKETS", 28, 4 },  { "EXTRA_LENGTH", 32, 4 },
		{ "0", 0, 0 },               { "4", 4, 0 },
		{ "47", 47, 0 },
	};
	static const char *const bad[] = {
		"", "48", "100", "-1", "4x", " 4", "paint", "PAINTX", "DST", "99999999999999999999",
	};
	unsigned off, size;

	for (size_t i = 0; i < WEIR_ARRAY_SIZE(good); i++) {
		off = size = 12345;
		assert_int_equal(weir_anno_lookup(good[i].name, &off, &size), 0);
		assert_int_equal(off, good[i].offset);
		assert_int_equal(size, good[i].size);
	}
	for (size_t i = 0; i < WEIR_ARRAY_SIZE(bad); i++) {
		off = 777;
		assert_int_equal(weir_anno_lookup(bad[i], &off, &size), -EINVAL);
		assert_int_equal(off, 777);
	}
	assert_int_equal(weir_anno_lookup(NULL, &off, &size), -EINVAL);
	assert_int_equal(weir_anno_lookup("PAINT", NULL, &size), -EINVAL);
	assert_int_equal(weir_anno_lookup("PAINT", &off, NULL), 0);
	assert_int_equal(off, 16);
}

/* ---- bulk kill and batches --------------------------------------------------- */

static void
test_kill_bulk_mixed_packets(void **state)
{
	struct weir_packet *owner = make_payload(60);
	struct weir_packet *pkts[12];
	unsigned n = 0;

	pkts[n++] = make_payload(60);
	pkts[n++] = make_payload(60);
	pkts[n++] = make_payload(1000);                 /* medium */
	pkts[n++] = weir_packet_clone(owner);
	pkts[n++] = owner;                              /* shared owner */
	pkts[n] = weir_packet_clone(owner);             /* last ref: frees owner */
	n++;
	pkts[n++] = weir_packet_clone_external(pkts[0]);
	pkts[n++] = make_payload(3000);                 /* large */
	pkts[n++] = make_payload(60);
	pkts[n++] = weir_packet_clone(pkts[2]);
	for (unsigned i = 0; i < n; i++)
		assert_non_null(pkts[i]);
	/* the external clone must die before its data: move pkts[0] last */
	pkts[n++] = pkts[0];
	weir_packet_kill_bulk(pkts + 1, n - 1);
	assert_all_free();
}

static void
test_kill_bulk_many(void **state)
{
	static struct weir_packet *pkts[200];
	static struct weir_packet *clones[200];

	for (unsigned i = 0; i < 200; i++) {
		assert_non_null(pkts[i] = make_payload(60));
		assert_non_null(clones[i] = weir_packet_clone(pkts[i]));
	}
	weir_packet_kill_bulk(pkts, 200);
	assert_int_equal(in_use(weir_packet_pools()->small), 200);
	weir_packet_kill_bulk(clones, 200);
	assert_all_free();
	weir_packet_kill_bulk(pkts, 0);
}

static void
test_kill_bulk_same_pool_with_shared_owner(void **state)
{
	struct weir_packet *pkts[6], *c;

	for (unsigned i = 0; i < 6; i++)
		assert_non_null(pkts[i] = make_payload(60));
	c = weir_packet_clone(pkts[4]);
	assert_non_null(c);
	weir_packet_kill_bulk(pkts, 6);
	/* pkts[4]'s buffer survives for its clone */
	assert_int_equal(in_use(weir_packet_pools()->small), 1);
	assert_memory_equal(c->data, payload, 60);
	weir_packet_kill(c);
	assert_all_free();
}

static void
test_clone_bulk(void **state)
{
	struct weir_packet *src[4], *out[4];
	struct weir_packet *owner = make_payload(100);
	struct weir_packet *ext;

	src[0] = owner;
	src[1] = owner;
	src[2] = weir_packet_clone(owner);           /* clone of a clone */
	src[3] = ext = weir_packet_clone_external(owner); /* stays external */
	weir_set_paint_anno(src[2], 4);
	assert_int_equal(owner->refcnt, 2);
	assert_int_equal(weir_packet_clone_bulk(src, out, 4), 4);
	assert_int_equal(owner->refcnt, 5);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(out[i]->flags, WEIR_PKT_CLONE);
		assert_ptr_equal(out[i]->origin, owner);
		assert_ptr_equal(out[i]->data, owner->data);
	}
	assert_int_equal(weir_paint_anno(out[2]), 4);
	assert_int_equal(out[3]->flags, WEIR_PKT_EXTERNAL);
	assert_null(out[3]->origin);
	assert_int_equal(weir_packet_clone_bulk(src, out, 0), 0);
	weir_packet_kill(owner);
	weir_packet_kill_bulk(out, 4);
	assert_int_equal(owner->refcnt, 1);
	weir_packet_kill(ext);
	weir_packet_kill(src[2]);
	assert_all_free();
}

static void
test_clone_external_bulk_all_or_nothing(void **state)
{
	static struct weir_packet *src[CLONE_CAP + 1], *out[CLONE_CAP + 1];
	struct weir_packet *p = make_payload(60);
	uint64_t failures = weir_packets_alloc_failures();

	for (unsigned i = 0; i <= CLONE_CAP; i++)
		src[i] = p;
	assert_int_equal(weir_packet_clone_external_bulk(src, out, CLONE_CAP + 1), 0);
	assert_int_equal(in_use(weir_packet_pools()->clones), 0);
	assert_int_equal(weir_packets_alloc_failures(), failures + CLONE_CAP + 1);
	assert_int_equal(weir_packet_clone_external_bulk(src, out, CLONE_CAP), CLONE_CAP);
	assert_int_equal(p->refcnt, 1);
	for (unsigned i = 0; i < CLONE_CAP; i++) {
		assert_int_equal(out[i]->flags, WEIR_PKT_EXTERNAL);
		assert_ptr_equal(out[i]->data, p->data);
	}
	assert_int_equal(in_use(weir_packet_pools()->clones), CLONE_CAP);
	assert_int_equal(weir_packet_clone_bulk(src, out + CLONE_CAP, 1), 0);
	assert_int_equal(p->refcnt, 1);
	weir_packet_kill_bulk(out, CLONE_CAP);
	weir_packet_kill(p);
	assert_all_free();
}

#define STRESS_CLONES 200

struct stress_arg {
	unsigned tid;
	struct weir_packet **clones;
	unsigned errors;
};

/* Kills its share of clones while making, cloning and killing its own packets. */
static void *
stress_thread(void *varg)
{
	struct stress_arg *a = varg;

	weir_tid = a->tid;
	for (unsigned i = 0; i < STRESS_CLONES; i += 8) {
		struct weir_packet *mine[8];

		for (unsigned j = 0; j < 8; j++) {
			mine[j] = weir_packet_make_simple(payload, 60 + a->tid);
			if (mine[j] == NULL || (mine[j] = weir_packet_uniqueify(mine[j])) == NULL) {
				a->errors++;
				return NULL;
			}
		}
		weir_packet_kill(weir_packet_clone(mine[0]));
		weir_packet_kill_bulk(mine, 8);
		weir_packet_kill_bulk(a->clones + i, 4);
		for (unsigned j = 4; j < 8; j++)
			weir_packet_kill(a->clones[i + j]);
	}
	weir_packets_flush_caches();
	return NULL;
}

static void
test_two_threads_kill_clones_of_one_packet(void **state)
{
	static struct weir_packet *clones[2][STRESS_CLONES];
	struct weir_packet *p = make_payload(60);
	struct stress_arg args[2];
	pthread_t th[2];

	for (unsigned round = 0; round < 20; round++) {
		for (unsigned t = 0; t < 2; t++) {
			for (unsigned i = 0; i < STRESS_CLONES; i++)
				assert_non_null(clones[t][i] = weir_packet_clone(p));
		}
		assert_int_equal(p->refcnt, 2 * STRESS_CLONES + 1);
		for (unsigned t = 0; t < 2; t++) {
			args[t] = (struct stress_arg){ .tid = t + 1, .clones = clones[t] };
			assert_int_equal(pthread_create(&th[t], NULL, stress_thread, &args[t]), 0);
		}
		for (unsigned t = 0; t < 2; t++) {
			assert_int_equal(pthread_join(th[t], NULL), 0);
			assert_int_equal(args[t].errors, 0);
		}
		assert_int_equal(p->refcnt, 1);
		assert_int_equal(in_use(weir_packet_pools()->clones), 0);
		assert_int_equal(in_use(weir_packet_pools()->small), 1);
	}
	weir_packet_kill(p);
	assert_all_free();
}

static void
fill_batch(struct weir_batch *b, unsigned n)
{
	weir_batch_init(b);
	for (unsigned i = 0; i < n; i++) {
		struct weir_packet *p = make_payload(60);

		weir_set_paint_anno(p, (uint8_t)i);
		assert_true(weir_batch_add(b, p));
	}
}

static void
test_batch_add_limit(void **state)
{
	static struct weir_batch b;
	struct weir_packet *p;

	fill_batch(&b, WEIR_BATCH_MAX);
	p = make_payload(60);
	assert_false(weir_batch_add(&b, p));
	assert_int_equal(b.n, WEIR_BATCH_MAX);
	weir_packet_kill(p);
	weir_batch_kill(&b);
	assert_int_equal(b.n, 0);
	weir_batch_kill(&b);
	assert_all_free();
}

static void
test_batch_filter_keeps_order(void **state)
{
	struct weir_batch b;
	uint8_t keep[10];
	struct weir_packet *p;

	fill_batch(&b, 10);
	for (unsigned i = 0; i < 10; i++)
		keep[i] = (i % 3) == 0; /* 0 3 6 9 */
	assert_int_equal(weir_batch_filter(&b, keep), 6);
	assert_int_equal(b.n, 4);
	weir_batch_foreach(&b, i, p)
		assert_int_equal(weir_paint_anno(p), i * 3);
	assert_int_equal(in_use(weir_packet_pools()->small), 4);
	memset(keep, 1, sizeof(keep));
	assert_int_equal(weir_batch_filter(&b, keep), 0);
	assert_int_equal(b.n, 4);
	memset(keep, 0, sizeof(keep));
	assert_int_equal(weir_batch_filter(&b, keep), 4);
	assert_int_equal(b.n, 0);
	assert_all_free();
}

static void
test_batch_compact_keeps_order(void **state)
{
	struct weir_batch b;
	struct weir_packet *p;
	uint8_t expect[] = { 1, 2, 4, 7 };

	fill_batch(&b, 8);
	for (unsigned i = 0; i < 8; i++) {
		if (i != 1 && i != 2 && i != 4 && i != 7) {
			weir_packet_kill(b.pkts[i]);
			b.pkts[i] = NULL;
		}
	}
	weir_batch_compact(&b);
	assert_int_equal(b.n, 4);
	weir_batch_foreach(&b, i, p)
		assert_int_equal(weir_paint_anno(p), expect[i]);
	weir_batch_kill(&b);
	weir_batch_compact(&b);
	assert_int_equal(b.n, 0);
	assert_all_free();
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_init_is_idempotent),
		T(test_make_initialises_header),
		T(test_make_reinitialises_recycled_buffer),
		T(test_make_picks_smallest_class),
		T(test_make_oversize_fails_and_counts),
		T(test_make_exhaustion_fails_and_counts),
		T(test_clone_shares_data_and_annotations),
		T(test_clone_killed_before_owner),
		T(test_clone_of_clone_references_owner),
		T(test_clone_exhaustion_takes_no_reference),
		T(test_clone_external_takes_no_reference),
		T(test_uniqueify_unshared_is_a_no_op),
		T(test_uniqueify_clone_copies_data_annotations_offsets),
		T(test_uniqueify_owner_with_clones),
		T(test_uniqueify_external_clone),
		T(test_uniqueify_failure_kills_packet),
		T(test_push_within_headroom_keeps_packet),
		T(test_push_short_headroom_reallocates),
		T(test_push_on_clone_copies),
		T(test_put_within_tailroom_keeps_packet),
		T(test_put_short_tailroom_moves_to_bigger_class),
		T(test_push_put_too_big_kill_packet),
		T(test_pull_take_unstrip_bounds),
		T(test_clear_and_copy_annotations),
		T(test_anno_accessors),
		T(test_anno_lookup_names_and_offsets),
		T(test_kill_bulk_mixed_packets),
		T(test_kill_bulk_many),
		T(test_kill_bulk_same_pool_with_shared_owner),
		T(test_clone_bulk),
		T(test_two_threads_kill_clones_of_one_packet),
		T(test_clone_external_bulk_all_or_nothing),
		T(test_batch_add_limit),
		T(test_batch_filter_keeps_order),
		T(test_batch_compact_keeps_order),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
