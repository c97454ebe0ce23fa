/* test_iproute.c - the IP route tables (linear, radix, DIR-24-8) agree with
 * each other and with a brute-force longest-prefix match on 100k random
 * routes, whatever the insertion order; route syntax; ctrl's atomicity. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "weir/lang.h"
#include "weir/router.h"
#include "iproute_priv.h"

#define NROUTES 100000
#define NLOOKUPS 1000000
#define NBRUTE 300
#define NGW 64

static uint64_t rng_state;

static uint32_t
rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 11);
}

static uint32_t
mask_of(unsigned len)
{
	return len ? ~(uint32_t)0 << (32 - len) : 0;
}

static void
shuffle(uint32_t *v, uint32_t n)
{
	for (uint32_t i = n; i > 1; i--) {
		uint32_t j = rnd() % i, t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
}

/* A prefix length: every length occurs, BGP-like weights (/16-/24 most),
 * /0 and /32 included. Short prefixes are few: each one rewrites up to 2^23
 * first-level entries of the DIR-24-8 table. */
static unsigned
rnd_len(void)
{
	uint32_t x = rnd() % 1000;
	if (x < 1)
		return rnd() % 8;        /* /0-/7 */
	if (x < 60)
		return 8 + rnd() % 8;    /* /8-/15 */
	if (x < 750)
		return 16 + rnd() % 9;   /* /16-/24 */
	return 25 + rnd() % 8;           /* /25-/32 */
}

struct world {
	struct iproute_route *routes; /* unique prefixes */
	bool *live;
	uint32_t n;
	struct iproute_table t[3]; /* LINEAR, RADIX, DIRECT */
};

static void
make_route(struct world *w, struct iproute_route *r)
{
	unsigned len = rnd_len();
	uint32_t a = rnd();
	/* a third extend an earlier route: nested, overlapping prefixes */
	if (w->n && rnd() % 3 == 0) {
		const struct iproute_route *base = &w->routes[rnd() % w->n];
		unsigned blen = (unsigned)__builtin_popcount(base->mask);
		if (blen < 32) {
			len = blen + 1 + rnd() % (32 - blen);
			a = ntohl(base->addr) | (rnd() & ~mask_of(blen));
		}
	}
	r->addr = htonl(a & mask_of(len));
	r->mask = htonl(mask_of(len));
	r->gw = rnd() % 4 ? htonl(0x0A000000u + rnd() % (NGW - 1) + 1) : 0;
	r->port = (int32_t)(rnd() % 16);
	r->aux = 0;
}

/* Brute force: the longest live route containing a. */
static int
brute(const struct world *w, uint32_t a_be, uint32_t *gw)
{
	int best = -1, blen = -1;
	for (uint32_t i = 0; i < w->n; i++) {
		const struct iproute_route *r = &w->routes[i];
		if (w->live[i] && (a_be & r->mask) == r->addr &&
		    __builtin_popcount(r->mask) > blen) {
			best = (int)i;
			blen = __builtin_popcount(r->mask);
		}
	}
	*gw = best >= 0 ? w->routes[best].gw : 0;
	return best >= 0 ? w->routes[best].port : -1;
}

/* An address: half inside a random route (often a long one), half random. */
static uint32_t
rnd_addr(const struct world *w)
{
	if (rnd() & 1)
		return htonl(rnd());
	const struct iproute_route *r = &w->routes[rnd() % w->n];
	return r->addr | (htonl(rnd()) & ~r->mask);
}

static void
build_world(struct world *w)
{
	rng_state = 0x9E3779B97F4A7C15ull;
	w->routes = calloc(NROUTES, sizeof(*w->routes));
	w->live = calloc(NROUTES, sizeof(*w->live));
	assert_non_null(w->routes);
	assert_non_null(w->live);
	for (int k = 0; k < 3; k++)
		assert_int_equal(iproute_table_init(&w->t[k], (enum iproute_kind)k), 0);
	/* unique prefixes, through the linear table (first wins, like Click) */
	w->n = 0;
	while (w->n < NROUTES) {
		struct iproute_route r;
		make_route(w, &r);
		if (w->n == 0) { /* make sure /0 and /32 exist */
			r.addr = r.mask = 0;
		} else if (w->n == 1) {
			r.mask = 0xFFFFFFFFu;
		}
		int rc = iproute_table_add(&w->t[0], &r, false, NULL);
		if (rc == -EEXIST)
			continue;
		assert_int_equal(rc, 0);
		w->routes[w->n] = r;
		w->live[w->n++] = true;
	}
	/* the two other tables, each in its own random order */
	uint32_t *order = malloc(NROUTES * sizeof(*order));
	assert_non_null(order);
	for (int k = 1; k < 3; k++) {
		for (uint32_t i = 0; i < w->n; i++)
			order[i] = i;
		shuffle(order, w->n);
		for (uint32_t i = 0; i < w->n; i++)
			assert_int_equal(
				iproute_table_add(&w->t[k], &w->routes[order[i]], false, NULL), 0);
	}
	/* remove a tenth (the /0 among them), each table in its own order */
	uint32_t nrem = 0;
	for (uint32_t i = 0; i < w->n; i++)
		if (i == 0 || rnd() % 10 == 0) {
			order[nrem++] = i;
			w->live[i] = false;
		}
	for (int k = 0; k < 3; k++) {
		shuffle(order, nrem);
		for (uint32_t i = 0; i < nrem; i++) {
			struct iproute_route q = w->routes[order[i]];
			if (i % 2)
				q.port = -1; /* prefix only */
			assert_int_equal(iproute_table_remove(&w->t[k], &q, NULL), 0);
		}
		assert_int_equal(w->t[k].rl.nroutes, w->n - nrem);
	}
	/* put a third of them back (on trie nodes and chunks given back) */
	for (int k = 0; k < 3; k++) {
		shuffle(order, nrem);
		for (uint32_t i = 0; i < nrem; i++)
			if (order[i] % 3 == 1) {
				const struct iproute_route *r = &w->routes[order[i]];
				assert_int_equal(iproute_table_add(&w->t[k], r, false, NULL), 0);
			}
	}
	for (uint32_t i = 0; i < nrem; i++)
		if (order[i] % 3 == 1)
			w->live[order[i]] = true;
	/* replace a twentieth with `set` (new port and gateway) */
	for (uint32_t i = 0; i < w->n; i += 20) {
		if (!w->live[i])
			continue;
		w->routes[i].port = (w->routes[i].port + 1) % 16;
		w->routes[i].gw = 0;
		for (int k = 0; k < 3; k++)
			assert_int_equal(iproute_table_add(&w->t[k], &w->routes[i], true, NULL), 0);
	}
	free(order);
}

static void
free_world(struct world *w)
{
	for (int k = 0; k < 3; k++)
		iproute_table_free(&w->t[k]);
	free(w->routes);
	free(w->live);
}

static void
test_tables_agree(void **state)
{
	(void)state;
	struct world w;
	build_world(&w);
	uint32_t batch[WEIR_BATCH_MAX], key[WEIR_BATCH_MAX], nh[WEIR_BATCH_MAX];
	for (uint32_t i = 0; i < NLOOKUPS; i++) {
		uint32_t a = rnd_addr(&w), gw[3];
		int port[3];
		/* the batch lookups of the data path give the same answers */
		batch[i % WEIR_BATCH_MAX] = ntohl(a);
		if (i % WEIR_BATCH_MAX == WEIR_BATCH_MAX - 1) {
			iproute_radix_keys(&w.t[1].radix, batch, key, WEIR_BATCH_MAX);
			iproute_direct_nhs(&w.t[2].direct, batch, nh, WEIR_BATCH_MAX);
			for (uint32_t j = 0; j < WEIR_BATCH_MAX; j++) {
				uint32_t x = batch[j];
				assert_int_equal(key[j], iproute_radix_key(&w.t[1].radix, x));
				assert_int_equal(nh[j], iproute_direct_nh(&w.t[2].direct, x));
			}
		}
		for (int k = 0; k < 3; k++)
			port[k] = iproute_table_lookup(&w.t[k], a, &gw[k]);
		if (port[0] != port[1] || port[0] != port[2] || gw[0] != gw[1] || gw[0] != gw[2])
			fail_msg("%08x: linear %d/%08x radix %d/%08x direct %d/%08x", ntohl(a),
				 port[0], gw[0], port[1], gw[1], port[2], gw[2]);
		if (i < NBRUTE) {
			uint32_t bgw;
			int bport = brute(&w, a, &bgw);
			if (bport != port[0] || bgw != gw[0])
				fail_msg("%08x: brute %d/%08x tables %d/%08x", ntohl(a), bport, bgw,
					 port[0], gw[0]);
		}
	}
	free_world(&w);
}

/* A longer prefix before the shorter one covering it, then removals in every
 * order: the covering route must come back (FastClick's DIR-24-8 fails this). */
static void
test_order_independent(void **state)
{
	(void)state;
	const char *rs[] = { "10.1.2.128/25 1", "10.1.2.0/24 2", "10.1.0.0/16 3", "10.0.0.0/8 4",
			     "0.0.0.0/0 5", "10.1.2.129/32 6" };
	struct iproute_route r[6];
	for (int i = 0; i < 6; i++)
		assert_int_equal(iproute_parse_route(rs[i], &r[i], false), 0);
	for (int k = 0; k < 3; k++) {
		struct iproute_table t;
		uint32_t gw;
		assert_int_equal(iproute_table_init(&t, (enum iproute_kind)k), 0);
		for (int i = 0; i < 6; i++)
			assert_int_equal(iproute_table_add(&t, &r[i], false, NULL), 0);
		assert_int_equal(iproute_table_add(&t, &r[1], false, NULL), -EEXIST);
		assert_int_equal(iproute_table_lookup(&t, htonl(0x0A010281), &gw), 6);
		assert_int_equal(iproute_table_lookup(&t, htonl(0x0A010282), &gw), 1);
		assert_int_equal(iproute_table_lookup(&t, htonl(0x0A010201), &gw), 2);
		assert_int_equal(iproute_table_lookup(&t, htonl(0x0A010301), &gw), 3);
		assert_int_equal(iproute_table_lookup(&t, htonl(0x0A020301), &gw), 4);
		assert_int_equal(iproute_table_lookup(&t, htonl(0x0B000000), &gw), 5);
		assert_int_equal(iproute_table_remove(&t, &r[5], NULL), 0);
		assert_int_equal(iproute_table_lookup(&t, htonl(0x0A010281), &gw), 1);
		assert_int_equal(iproute_table_remove(&t, &r[1], NULL), 0);
		assert_int_equal(iproute_table_lookup(&t, htonl(0x0A010201), &gw), 3);
		assert_int_equal(iproute_table_lookup(&t, htonl(0x0A010281), &gw), 1);
		assert_int_equal(iproute_table_remove(&t, &r[0], NULL), 0);
		assert_int_equal(iproute_table_lookup(&t, htonl(0x0A010281), &gw), 3);
		assert_int_equal(iproute_table_remove(&t, &r[4], NULL), 0);
		assert_int_equal(iproute_table_lookup(&t, htonl(0x0B000000), &gw), -1);
		assert_int_equal(iproute_table_remove(&t, &r[4], NULL), -ENOENT);
		if (k == IPROUTE_DIRECT) /* the chunk went back when its last /25+ left */
			assert_int_equal(t.direct.nchunk_free, 1);
		if (k == IPROUTE_RADIX) { /* no route below /16 is left: all nodes went back */
			uint32_t nfree = 0;
			for (uint32_t o = t.radix.free_node; o; o = t.radix.pfx[2 * (size_t)o + 1])
				nfree++;
			assert_int_equal(nfree, (t.radix.nent - (1u << IPROUTE_RADIX_ROOT_BITS)) /
							(1u << IPROUTE_RADIX_BITS));
			assert_int_not_equal(nfree, 0);
		}
		/* again, on the nodes and chunks given back */
		for (int i = 0; i < 6; i++)
			if (i != 2 && i != 3)
				assert_int_equal(iproute_table_add(&t, &r[i], false, NULL), 0);
		assert_int_equal(iproute_table_lookup(&t, htonl(0x0A010281), &gw), 6);
		assert_int_equal(iproute_table_lookup(&t, htonl(0x0A010282), &gw), 1);
		assert_int_equal(iproute_table_lookup(&t, htonl(0x0A010201), &gw), 2);
		assert_int_equal(iproute_table_lookup(&t, htonl(0x0A010301), &gw), 3);
		assert_int_equal(iproute_table_lookup(&t, htonl(0x0B000000), &gw), 5);
		if (k == IPROUTE_RADIX)
			assert_int_equal(t.radix.free_node, 0);
		iproute_table_free(&t);
	}
}

static void
test_route_syntax(void **state)
{
	(void)state;
	struct iproute_route r;
	struct weir_strbuf sb = WEIR_STRBUF_INIT;

	assert_int_equal(iproute_parse_route("10.1.2.3/8 1.2.3.4 2", &r, false), 0);
	assert_int_equal(r.addr, htonl(0x0A000000));
	assert_int_equal(r.mask, htonl(0xFF000000));
	assert_int_equal(r.gw, htonl(0x01020304));
	assert_int_equal(r.port, 2);
	assert_int_equal(iproute_parse_route("10/8 - 1", &r, false), 0);
	assert_int_equal(r.gw, 0);
	assert_int_equal(iproute_parse_route("1.2.3.4 3", &r, false), 0); /* bare: /32 */
	assert_int_equal(r.mask, 0xFFFFFFFFu);
	assert_int_equal(iproute_parse_route("1.2.3.0/255.255.255.0 0", &r, false), 0);
	assert_int_equal(r.mask, htonl(0xFFFFFF00));
	assert_int_equal(iproute_parse_route("10/8", &r, true), 0);
	assert_int_equal(r.port, -1);
	assert_int_equal(iproute_parse_route("10/8 1.2.3.4", &r, true), 0);
	assert_int_equal(r.port, -1);
	assert_int_equal(iproute_parse_route("10/8", &r, false), -EINVAL);
	assert_int_equal(iproute_parse_route("10/8 1 2", &r, false), -EINVAL);
	assert_int_equal(iproute_parse_route("10/33 1", &r, false), -EINVAL);
	assert_int_equal(iproute_parse_route("10/255.0.255.0 1", &r, false), -EINVAL);
	assert_int_equal(iproute_parse_route("x 1", &r, false), -EINVAL);
	assert_int_equal(iproute_parse_route("10/8 1.2.3.4 x", &r, false), -EINVAL);
	assert_int_equal(iproute_parse_route("", &r, false), -EINVAL);

	assert_int_equal(iproute_parse_route("192.168.100.0/24 10.0.0.1 1", &r, false), 0);
	iproute_route_unparse(&r, false, &sb);
	assert_string_equal(weir_strbuf_str(&sb), "192.168.100.0/24 10.0.0.1 1");
	weir_strbuf_reset(&sb);
	iproute_route_unparse(&r, true, &sb);
	assert_string_equal(weir_strbuf_str(&sb), "192.168.100.0/24\t10.0.0.1\t1");
	weir_strbuf_reset(&sb);
	assert_int_equal(iproute_parse_route("1/8 0", &r, false), 0);
	iproute_route_unparse(&r, true, &sb);
	assert_string_equal(weir_strbuf_str(&sb), "1.0.0.0/8\t\t-\t\t0");
	weir_strbuf_free(&sb);
}

/* DirectIPLookup's limits fail cleanly and leave the table as it was. */
static void
test_direct_limits(void **state)
{
	(void)state;
	struct iproute_table t;
	struct iproute_route r = { .mask = 0xFFFFFFFFu };
	uint32_t gw;
	assert_int_equal(iproute_table_init(&t, IPROUTE_DIRECT), 0);
	for (uint32_t i = 1; i < IPROUTE_NH_MAX; i++) {
		r.addr = htonl(i << 8);
		r.gw = htonl(i);
		assert_int_equal(iproute_table_add(&t, &r, false, NULL), 0);
	}
	r.addr = htonl(0x7F000000);
	r.gw = htonl(0x7F000001);
	assert_int_equal(iproute_table_add(&t, &r, false, NULL), -ENOSPC);
	assert_int_equal(iproute_table_lookup(&t, r.addr, &gw), -1);
	assert_int_equal(t.rl.nroutes, IPROUTE_NH_MAX - 1);
	r.gw = htonl(5); /* a next hop in use: fine */
	assert_int_equal(iproute_table_add(&t, &r, false, NULL), 0);
	assert_int_equal(iproute_table_lookup(&t, r.addr, &gw), 0);
	assert_int_equal(gw, htonl(5));
	iproute_table_free(&t);
}

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

static char *
rd(struct weir_router *r, const char *spec)
{
	struct weir_strbuf sb = WEIR_STRBUF_INIT;
	assert_int_equal(weir_router_handler_read(r, spec, &sb, &errh), 0);
	return weir_strbuf_detach(&sb);
}

/* ctrl applies all its commands or none; lookup is a write then a read. */
static void
test_ctrl_handler(void **state)
{
	(void)state;
	static const char *classes[] = { "LinearIPLookup", "RadixIPLookup", "DirectIPLookup" };
	for (int k = 0; k < 3; k++) {
		char cfg[256];
		snprintf(cfg, sizeof(cfg),
			 "rt :: %s(10.0.0.0/8 0, 10.1.0.0/16 1.1.1.1 1); Idle -> rt; "
			 "rt[0] -> Discard; rt[1] -> Discard;", classes[k]);
		struct weir_router *r = build(cfg);
		if (!r)
			fail_msg("%s", weir_strbuf_str(&msgs));
		char *before = rd(r, "rt.table");
		weir_strbuf_reset(&msgs);
		assert_int_not_equal(weir_router_handler_write(r, "rt.ctrl",
			"add 20.0.0.0/8 1\nremove 10.0.0.0/8\nset 10.1.0.0/16 0\nadd 10.1.0.0/16 1",
			&errh), 0);
		assert_non_null(strstr(weir_strbuf_str(&msgs), "conflict with existing route"));
		char *after = rd(r, "rt.table");
		assert_string_equal(before, after);
		free(after);
		assert_int_equal(weir_router_handler_write(r, "rt.ctrl",
			"add 20.0.0.0/8 1\n\nremove 10.0.0.0/8\nset 10.1.0.0/16 0\n", &errh), 0);
		assert_int_equal(weir_router_handler_write(r, "rt.lookup", "20.1.1.1", &errh), 0);
		after = rd(r, "rt.lookup");
		assert_string_equal(after, "1");
		free(after);
		assert_int_equal(weir_router_handler_write(r, "rt.lookup", "10.1.1.1", &errh), 0);
		after = rd(r, "rt.lookup");
		assert_string_equal(after, "0");
		free(after);
		assert_int_equal(weir_router_handler_write(r, "rt.lookup", "10.2.1.1", &errh), 0);
		after = rd(r, "rt.lookup");
		assert_string_equal(after, "-1");
		free(after);
		assert_int_not_equal(
			weir_router_handler_write(r, "rt.ctrl", "frob 1/8 0", &errh), 0);
		assert_non_null(strstr(weir_strbuf_str(&msgs), "bad command 'frob'"));
		free(before);
		weir_router_free(r);
	}
	weir_strbuf_free(&msgs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route_syntax),
		cmocka_unit_test(test_order_independent),
		cmocka_unit_test(test_direct_limits),
		cmocka_unit_test(test_ctrl_handler),
		cmocka_unit_test(test_tables_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
