/* test_ethernet.c - packet type annotations set by SetPacketType and
 * HostEtherFilter, read through a probe element defined here (no Click
 * element prints the packet type). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "weir/element.h"
#include "weir/lang.h"
#include "weir/router.h"

static struct weir_strbuf msgs;
static struct weir_errh errh;

/* TypeProbe: remembers the packet type of every packet it passes. */
struct probe {
	char types[64];
	unsigned n;
};

static void
probe_action(struct weir_element *e, struct weir_batch *b)
{
	struct probe *pr = e->priv;
	for (uint32_t i = 0; i < b->n; i++)
		if (pr->n + 1 < sizeof(pr->types))
			pr->types[pr->n++] = (char)('0' + b->pkts[i]->packet_type);
}

static int
probe_read(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	struct probe *pr = e->priv;
	weir_strbuf_append(out, pr->types, pr->n);
	return 0;
}

static const struct weir_handler probe_handlers[] = {
	{ .name = "types", .read = probe_read },
	WEIR_HANDLER_END
};

static const struct weir_element_class probe_class = {
	.name = "TypeProbe",
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
	static char buf[512];
	struct weir_strbuf sb = WEIR_STRBUF_INIT;
	if (weir_router_handler_read(r, spec, &sb, &errh) != 0)
		fail_msg("read %s failed: %s", spec, weir_strbuf_str(&msgs));
	snprintf(buf, sizeof(buf), "%s", weir_strbuf_str(&sb));
	weir_strbuf_free(&sb);
	return buf;
}

static void
test_setpackettype(void **state)
{
	struct weir_router *r = build(
		"InfiniteSource(LIMIT 2, STOP true) -> SetPacketType(OTHERHOST) -> a :: TypeProbe"
		" -> s :: SetPacketType(fastroute) -> b :: TypeProbe -> Discard;");
	weir_router_run(r);
	assert_string_equal(rd(r, "a.types"), "33");
	assert_string_equal(rd(r, "b.types"), "66");
	assert_string_equal(rd(r, "s.type"), "FASTROUTE");
	weir_router_free(r);
}

/* Frames: to us, broadcast, multicast, other host, from us to other, 11 bytes. */
#define HEF_SOURCES                                                                    \
	"s1 :: InfiniteSource(DATA \\<020000000001 020000000009 0800>, LIMIT 1, STOP false);" \
	"s2 :: InfiniteSource(DATA \\<ffffffffffff 020000000009 0806>, LIMIT 1, STOP false);" \
	"s3 :: InfiniteSource(DATA \\<01005e000001 020000000009 0800>, LIMIT 1, STOP false);" \
	"s4 :: InfiniteSource(DATA \\<020000000007 020000000009 0800>, LIMIT 1, STOP false);" \
	"s5 :: InfiniteSource(DATA \\<020000000007 020000000001 0800>, LIMIT 1, STOP false);" \
	"s6 :: InfiniteSource(DATA \\<020000000001 0200000000>, LIMIT 1, STOP false);"        \
	"s1 -> Null -> h; s2 -> Null -> h; s3 -> Null -> h; s4 -> Null -> h; s5 -> Null -> h;"  \
	"s6 -> Null -> h;"

static void
test_hostetherfilter_types(void **state)
{
	struct weir_router *r = build(HEF_SOURCES
		"h :: HostEtherFilter(02:00:00:00:00:01, DROP_OWN true, DROP_OTHER false)"
		"  -> ok :: TypeProbe -> Discard; h[1] -> bad :: TypeProbe -> Discard;"
		"DriverManager(wait 50ms, stop);");
	weir_router_run(r);
	const char *ok = rd(r, "ok.types");
	/* each source pushes once; the order of sources is not fixed: sort */
	char sorted[16];
	assert_true(strlen(ok) < sizeof(sorted));
	memcpy(sorted, ok, strlen(ok) + 1);
	size_t n = strlen(sorted);
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (sorted[j] < sorted[i]) {
				char t = sorted[i];
				sorted[i] = sorted[j];
				sorted[j] = t;
			}
	assert_string_equal(sorted, "0123");
	/* from us (type untouched: 0) and the short frame */
	assert_string_equal(rd(r, "bad.types"), "00");
	assert_string_equal(rd(r, "h.bad"), "1");
	assert_string_equal(rd(r, "h.ether"), "02-00-00-00-00-01");
	weir_router_free(r);
}

static void
test_hostetherfilter_drop_other(void **state)
{
	struct weir_router *r = build(HEF_SOURCES
		"h :: HostEtherFilter(02:00:00:00:00:01) -> ok :: Counter -> Discard;"
		"DriverManager(wait 50ms, stop);");
	weir_router_run(r);
	/* to us, broadcast, multicast pass; other, own-to-other and short do not */
	assert_string_equal(rd(r, "ok.count"), "3");
	weir_router_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_setpackettype),
		cmocka_unit_test(test_hostetherfilter_types),
		cmocka_unit_test(test_hostetherfilter_drop_other),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	weir_strbuf_free(&msgs);
	return rc;
}
