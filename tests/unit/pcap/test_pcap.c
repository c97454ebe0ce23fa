/* test_pcap.c - unit tests for FromDump, ToDump, Replay and ReplayUnqueue on generated pcap files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <cmocka.h>
#include <pcap/pcap.h>
#include "weir/element.h"
#include "weir/lang.h"
#include "weir/notifier.h"
#include "weir/router.h"
#include "weir/task.h"

/* ---- test elements: a push sink and a pulling sink that record packets ------------ */

#define REC_MAX 256

struct rec {
	uint32_t len;
	int64_t ts;
	uint8_t first[4];
	int mac_off, net_off;   /* relative to data, -1000 when unset */
	uint32_t extra_len;
	uint8_t paint;
	bool external;
};

static struct rec recs[REC_MAX];
static unsigned nrecs;
static unsigned pokes;
static char poke_value[64];

static void
record(struct weir_packet *p)
{
	if (nrecs < REC_MAX) {
		struct rec *r = &recs[nrecs];
		r->len = p->len;
		r->ts = p->timestamp_ns;
		memcpy(r->first, p->data, p->len < 4 ? p->len : 4);
		r->mac_off = p->mac_off == WEIR_NO_OFFSET ? -1000 : (int)(p->mac_off - (p->data - p->buf));
		r->net_off = p->net_off == WEIR_NO_OFFSET ? -1000 : weir_packet_network_offset(p);
		r->extra_len = weir_anno_u32(p, WEIR_EXTRA_LENGTH_ANNO_OFFSET);
		r->paint = weir_paint_anno(p);
		r->external = (p->flags & WEIR_PKT_EXTERNAL) != 0;
	}
	nrecs++;
}

static void
tsink_push(struct weir_element *e, int port, struct weir_batch *b)
{
	struct weir_packet *p;
	weir_batch_foreach(b, i, p) {
		if (port == 1)
			weir_set_paint_anno(p, 0xEE); /* marks output 1 of a FromDump */
		record(p);
	}
	weir_batch_kill(b);
}

static int
tsink_poke(struct weir_element *e, const char *value, const struct weir_handler *h,
	   struct weir_errh *errh)
{
	pokes++;
	snprintf(poke_value, sizeof(poke_value), "%s", value);
	return 0;
}

static const struct weir_handler tsink_handlers[] = {
	{ .name = "poke", .write = tsink_poke },
	WEIR_HANDLER_END
};

static const struct weir_element_class tsink = {
	.name = "PcapTSink", .port_count = "1-/0", .processing = "h/h",
	.push = tsink_push, .handlers = tsink_handlers,
};

struct tpuller {
	struct weir_task task;
	struct weir_notifier *signal;
};

static bool
tpuller_run(struct weir_task *t, void *arg)
{
	struct weir_element *e = arg;
	struct tpuller *s = weir_element_priv(e);
	struct weir_batch b;
	struct weir_packet *p;

	if (weir_input_pull(e, 0, &b, 8) == 0) {
		if (s->signal && !s->signal->active)
			weir_task_unschedule(t);
		return false;
	}
	weir_batch_foreach(&b, i, p)
		record(p);
	weir_batch_kill(&b);
	return true;
}

static int
tpuller_initialize(struct weir_element *e, struct weir_errh *errh)
{
	struct tpuller *s = weir_element_priv(e);
	weir_task_init(&s->task, e, tpuller_run, e);
	s->signal = weir_notifier_upstream(e, 0);
	if (s->signal)
		weir_notifier_add_listener(s->signal, &s->task);
	weir_task_schedule(&s->task);
	return 0;
}

static void
tpuller_cleanup(struct weir_element *e)
{
	struct tpuller *s = weir_element_priv(e);
	if (s->task.owner)
		weir_task_unschedule(&s->task);
}

static const struct weir_element_class tpuller = {
	.name = "PcapTPuller", .port_count = "1/0", .processing = "l/l",
	.priv_size = sizeof(struct tpuller), .initialize = tpuller_initialize,
	.cleanup = tpuller_cleanup,
};

WEIR_ELEMENT_REGISTER(tsink)
WEIR_ELEMENT_REGISTER(tpuller)

/* ---- helpers ---------------------------------------------------------------------- */

static char dir[64];
static struct weir_strbuf msgs;
static struct weir_errh errh;

static const char *
path(const char *name)
{
	static char buf[4][256];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
	return buf[k];
}

/* Frame i: an Ethernet/IPv4/UDP frame of `len` bytes (ARP when arp). */
static void
make_frame(uint8_t *f, uint32_t len, unsigned i, bool arp)
{
	memset(f, 0, len);
	for (uint32_t k = 0; k < len; k++)
		f[k] = (uint8_t)(i * 7 + k);
	memcpy(f, "\xff\xff\xff\xff\xff\xff\x02\x00\x00\x00\x00\x01", 12);
	f[12] = arp ? 0x08 : 0x08;
	f[13] = arp ? 0x06 : 0x00;
	if (!arp && len >= 34) {
		f[14] = 0x45;
		f[23] = 17;
	}
	f[0] = (uint8_t)i; /* first byte: the packet number */
}

/*
 * Writes n frames of `len` bytes (caplen `caplen` when smaller) with
 * timestamps base + i * step_ns; every third one is ARP when mixed.
 */
static void
write_pcap(const char *file, int dlt, bool nano, unsigned n, uint32_t len, uint32_t caplen,
	   int64_t base_ns, int64_t step_ns, bool mixed)
{
	pcap_t *pd = pcap_open_dead_with_tstamp_precision(
		dlt, 262144, nano ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
	pcap_dumper_t *d;
	uint8_t *f = malloc(len);

	assert_non_null(pd);
	assert_non_null(f);
	d = pcap_dump_open(pd, file);
	assert_non_null(d);
	for (unsigned i = 0; i < n; i++) {
		struct pcap_pkthdr h;
		int64_t ts = base_ns + (int64_t)i * step_ns;
		make_frame(f, len, i, mixed && i % 3 == 2);
		h.ts.tv_sec = ts / 1000000000;
		h.ts.tv_usec = nano ? ts % 1000000000 : (ts % 1000000000) / 1000;
		h.caplen = caplen < len ? caplen : len;
		h.len = len;
		pcap_dump((u_char *)d, &h, f);
	}
	pcap_dump_close(d);
	pcap_close(pd);
	free(f);
}

static long
file_size(const char *file)
{
	FILE *fp = fopen(file, "rb");
	long n;
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fclose(fp);
	return n;
}

static void
write_bytes(const char *file, const void *data, size_t n)
{
	FILE *fp = fopen(file, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, n, fp), n);
	fclose(fp);
}

static struct weir_router *
build(const char *text)
{
	struct weir_graph g;
	struct weir_router *r;

	weir_strbuf_reset(&msgs);
	weir_errh_init_buffer(&errh, &msgs);
	if (weir_lang_parse(text, "t.click", NULL, 0, &g, &errh) < 0)
		fail_msg("parse error: %s", weir_strbuf_str(&msgs));
	r = weir_router_new(&g, NULL, &errh);
	weir_graph_free(&g);
	return r;
}

/* Packets and clone headers in use in every pool (all must be back after a run). */
static uint64_t
pools_in_use(void)
{
	const struct weir_packet_pools *pp = weir_packet_pools();
	struct weir_pool *pools[4];
	struct weir_pool_stats st;
	uint64_t n = 0;

	if (pp == NULL || pp->small == NULL)
		return 0;
	pools[0] = pp->small;
	pools[1] = pp->medium;
	pools[2] = pp->large;
	pools[3] = pp->clones;
	for (int i = 0; i < 4; i++) {
		weir_pool_stats(pools[i], &st);
		n += st.in_use;
	}
	return n;
}

/* Runs the configuration with stderr captured into `err` (may be NULL). */
static void
run_config(const char *text, char *err, size_t errlen)
{
	struct weir_router *r;
	int saved = dup(2), fd;
	const char *errfile = path("stderr.txt");

	nrecs = 0;
	pokes = 0;
	fflush(stderr);
	fd = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	dup2(fd, 2);
	close(fd);
	r = build(text);
	if (r == NULL) {
		dup2(saved, 2);
		close(saved);
		fail_msg("router failed: %s", weir_strbuf_str(&msgs));
	}
	weir_router_run(r);
	weir_router_free(r);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	if (pools_in_use() != 0)
		fail_msg("%llu packets still in use after the run",
			 (unsigned long long)pools_in_use());
	if (err) {
		FILE *fp = fopen(errfile, "r");
		size_t n = fread(err, 1, errlen - 1, fp);
		err[n] = '\0';
		fclose(fp);
	}
}

static char *
handler_after_run(const char *text, const char *spec)
{
	static char buf[256];
	struct weir_router *r = build(text);
	struct weir_strbuf sb = WEIR_STRBUF_INIT;

	if (r == NULL)
		fail_msg("router failed: %s", weir_strbuf_str(&msgs));
	nrecs = 0;
	weir_router_run(r);
	assert_int_equal(weir_router_handler_read(r, spec, &sb, &errh), 0);
	snprintf(buf, sizeof(buf), "%s", weir_strbuf_str(&sb));
	weir_strbuf_free(&sb);
	weir_router_free(r);
	return buf;
}

static void
expect_config_error(const char *text, const char *fragment)
{
	struct weir_router *r = build(text);
	if (r)
		weir_router_free(r);
	assert_null(r);
	if (!strstr(weir_strbuf_str(&msgs), fragment))
		fail_msg("expected '%s' in errors:\n%s", fragment, weir_strbuf_str(&msgs));
}

static char config[1024];

static const char *
cfg(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(config, sizeof(config), fmt, ap);
	va_end(ap);
	return config;
}

/* ---- FromDump --------------------------------------------------------------------- */

static void
test_read_usec(void **state)
{
	write_pcap(path("a.pcap"), DLT_EN10MB, false, 5, 60, 60, 1000000000LL, 1500000, false);
	run_config(cfg("FromDump(%s, STOP true) -> PcapTSink", path("a.pcap")), NULL, 0);
	assert_int_equal(nrecs, 5);
	for (unsigned i = 0; i < 5; i++) {
		assert_int_equal(recs[i].len, 60);
		assert_int_equal(recs[i].first[0], i);
		assert_int_equal(recs[i].ts, 1000000000LL + i * 1500000LL);
		assert_int_equal(recs[i].mac_off, 0);
		assert_int_equal(recs[i].extra_len, 0);
	}
}

static void
test_filepos(void **state)
{
	char buf[64];

	write_pcap(path("fp.pcap"), DLT_EN10MB, false, 5, 60, 60, 0, 1000, false);
	run_config(cfg("FromDump(%s, FILEPOS %d) -> PcapTSink", path("fp.pcap"), 24 + 2 * 76),
		   NULL, 0);
	assert_int_equal(nrecs, 3);
	assert_int_equal(recs[0].first[0], 2);
	snprintf(buf, sizeof(buf), "%ld", file_size(path("fp.pcap")));
	assert_string_equal(handler_after_run(cfg("f :: FromDump(%s) -> PcapTSink",
						  path("fp.pcap")), "f.filepos"), buf);
	expect_config_error(cfg("FromDump(%s, FILEPOS 10) -> PcapTSink", path("fp.pcap")),
			    "outside");
}

static void
test_read_nsec_and_extra_length(void **state)
{
	write_pcap(path("n.pcap"), DLT_EN10MB, true, 3, 100, 40, 1700000000123456789LL, 7, false);
	run_config(cfg("FromDump(%s) -> PcapTSink", path("n.pcap")), NULL, 0);
	assert_int_equal(nrecs, 3);
	assert_int_equal(recs[0].ts, 1700000000123456789LL);
	assert_int_equal(recs[2].ts, 1700000000123456789LL + 14);
	assert_int_equal(recs[1].len, 40);
	assert_int_equal(recs[1].extra_len, 60);
}

static void
test_read_raw_ip(void **state)
{
	write_pcap(path("ip.pcap"), DLT_RAW, false, 2, 40, 40, 0, 1000, false);
	run_config(cfg("FromDump(%s) -> PcapTSink", path("ip.pcap")), NULL, 0);
	assert_int_equal(nrecs, 2);
	assert_int_equal(recs[0].net_off, 0);
	assert_string_equal(handler_after_run(cfg("f :: FromDump(%s) -> PcapTSink",
						  path("ip.pcap")), "f.encap"), "IP");
}

static void
test_truncated_record(void **state)
{
	char err[2048];
	const char *f = path("t.pcap");

	write_pcap(f, DLT_EN10MB, false, 5, 60, 60, 0, 1000, false);
	/* cut the last record in the middle of its data */
	assert_int_equal(truncate(f, file_size(f) - 30), 0);
	run_config(cfg("FromDump(%s, STOP true) -> PcapTSink", f), err, sizeof(err));
	assert_int_equal(nrecs, 4);
	if (!strstr(err, "truncated packet record after 4 packets") || !strstr(err, f))
		fail_msg("unexpected stderr: %s", err);

	/* cut inside a record header */
	write_pcap(f, DLT_EN10MB, false, 3, 60, 60, 0, 1000, false);
	assert_int_equal(truncate(f, 24 + 2 * 76 + 5), 0);
	run_config(cfg("FromDump(%s, STOP true) -> PcapTSink", f), err, sizeof(err));
	assert_int_equal(nrecs, 2);
	if (!strstr(err, "truncated packet record after 2 packets"))
		fail_msg("unexpected stderr: %s", err);
}

static void
test_empty_file(void **state)
{
	write_pcap(path("e.pcap"), DLT_EN10MB, false, 0, 60, 60, 0, 0, false);
	assert_int_equal(file_size(path("e.pcap")), 24);
	run_config(cfg("FromDump(%s, STOP true) -> PcapTSink", path("e.pcap")), NULL, 0);
	assert_int_equal(nrecs, 0);
	assert_string_equal(handler_after_run(cfg("f :: FromDump(%s) -> PcapTSink",
						  path("e.pcap")), "f.count"), "0");
}

static void
test_bad_files(void **state)
{
	static const char garbage[] = "this is not a pcap file at all, not even close";

	write_bytes(path("bad.pcap"), garbage, sizeof(garbage));
	expect_config_error(cfg("FromDump(%s) -> PcapTSink", path("bad.pcap")), path("bad.pcap"));
	expect_config_error(cfg("FromDump(%s) -> PcapTSink", path("bad.pcap")), "format");
	write_bytes(path("short.pcap"), "\xd4\xc3", 2);
	expect_config_error(cfg("FromDump(%s) -> PcapTSink", path("short.pcap")),
			    path("short.pcap"));
	expect_config_error(cfg("FromDump(%s) -> PcapTSink", path("missing.pcap")),
			    "No such file");
	expect_config_error(cfg("FromDump(%s) -> PcapTSink", path("missing.pcap")),
			    "missing.pcap");
	expect_config_error(cfg("FromDump(%s, STOP true, END_CALL x.y) -> PcapTSink",
				path("e.pcap")), "mutually exclusive");
	expect_config_error(cfg("FromDump(%s, END_CALL nosuch.poke) -> PcapTSink",
				path("e.pcap")), "nosuch");
}

static void
test_oversize_packet(void **state)
{
	char err[2048];
	uint32_t big = (uint32_t)weir_packet_max_len() + 1;

	write_pcap(path("big.pcap"), DLT_EN10MB, false, 1, big, big, 0, 0, false);
	/* append two normal records by hand (host byte order, as pcap_dump wrote) */
	{
		FILE *fp = fopen(path("big.pcap"), "ab");
		uint8_t f[60];
		assert_non_null(fp);
		for (int i = 0; i < 2; i++) {
			uint32_t rec[4] = { 1, 0, 60, 60 };
			make_frame(f, 60, (unsigned)i + 1, false);
			fwrite(rec, sizeof(rec), 1, fp);
			fwrite(f, 60, 1, fp);
		}
		fclose(fp);
	}
	run_config(cfg("f :: FromDump(%s, STOP true) -> PcapTSink", path("big.pcap")), err,
		   sizeof(err));
	assert_int_equal(nrecs, 2);
	assert_int_equal(recs[0].first[0], 1);
	if (!strstr(err, "dropping"))
		fail_msg("expected a warning, got: %s", err);
	assert_string_equal(handler_after_run(cfg("f :: FromDump(%s) -> PcapTSink",
						  path("big.pcap")), "f.drops"), "1");
}

/* A minimal pcapng file: section header, one Ethernet interface (ns
 * resolution), `n` enhanced packet blocks of 60 bytes. */
static void
write_pcapng(const char *file, unsigned n)
{
	FILE *fp = fopen(file, "wb");
	uint32_t shb[7] = { 0x0A0D0D0A, 28, 0x1A2B3C4D, 0x00000001, 0xFFFFFFFF, 0xFFFFFFFF, 28 };
	/* IDB with option if_tsresol = 9 (ns) */
	uint32_t idb[8] = { 1, 32, 1 /* linktype + reserved */, 0 /* snaplen */, 0, 0, 0, 32 };
	uint8_t *o = (uint8_t *)&idb[4];
	uint8_t f[60];

	assert_non_null(fp);
	o[0] = 9; o[1] = 0; o[2] = 1; o[3] = 0; /* code 9, length 1 */
	o[4] = 9;                               /* 10^-9 */
	/* idb[6] = opt_endofopt */
	fwrite(shb, sizeof(shb), 1, fp);
	fwrite(idb, sizeof(idb), 1, fp);
	for (unsigned i = 0; i < n; i++) {
		uint64_t ts = 5000000000ULL + i;
		uint32_t epb[7] = { 6, 32 + 60, 0, (uint32_t)(ts >> 32), (uint32_t)ts, 60, 60 };
		uint32_t tail = 32 + 60;
		make_frame(f, 60, i, false);
		fwrite(epb, sizeof(epb), 1, fp);
		fwrite(f, 60, 1, fp);
		fwrite(&tail, 4, 1, fp);
	}
	fclose(fp);
}

static void
test_pcapng(void **state)
{
	write_pcapng(path("a.pcapng"), 3);
	run_config(cfg("FromDump(%s, STOP true) -> PcapTSink", path("a.pcapng")), NULL, 0);
	assert_int_equal(nrecs, 3);
	assert_int_equal(recs[2].first[0], 2);
	assert_int_equal(recs[2].ts, 5000000002LL);
}

static void
test_pcapng_truncated(void **state)
{
	char err[2048];
	const char *f = path("t.pcapng");

	write_pcapng(f, 4);
	assert_int_equal(truncate(f, file_size(f) - 10), 0);
	run_config(cfg("FromDump(%s, STOP true) -> PcapTSink", f), err, sizeof(err));
	assert_int_equal(nrecs, 3);
	if (!strstr(err, "truncated packet record after 3 packets"))
		fail_msg("unexpected stderr: %s", err);
}

/* Big-endian classic pcap, written byte by byte. */
static void
test_big_endian(void **state)
{
	uint8_t buf[24 + 2 * (16 + 20)];
	uint8_t *q = buf;
	static const uint32_t hdr[] = { 0xA1B23C4D, 0x00020004, 0, 0, 65535, 1 };

	for (unsigned i = 0; i < 6; i++) {
		if (i == 1) { /* two 16-bit fields */
			*q++ = 0; *q++ = 2; *q++ = 0; *q++ = 4;
			continue;
		}
		for (int k = 3; k >= 0; k--)
			*q++ = (uint8_t)(hdr[i] >> (8 * k));
	}
	for (unsigned n = 0; n < 2; n++) {
		uint32_t rec[4] = { 7, 500 + n, 20, 30 };
		for (unsigned i = 0; i < 4; i++)
			for (int k = 3; k >= 0; k--)
				*q++ = (uint8_t)(rec[i] >> (8 * k));
		memset(q, 0xA0 + n, 20);
		q += 20;
	}
	write_bytes(path("be.pcap"), buf, sizeof(buf));
	run_config(cfg("FromDump(%s, STOP true) -> PcapTSink", path("be.pcap")), NULL, 0);
	assert_int_equal(nrecs, 2);
	assert_int_equal(recs[1].ts, 7000000501LL);
	assert_int_equal(recs[1].len, 20);
	assert_int_equal(recs[1].extra_len, 10);
	assert_int_equal(recs[1].first[0], 0xA1);
}

/* A record whose caplen is absurd: an error after the good packets. */
static void
test_corrupt_caplen(void **state)
{
	char err[2048];
	const char *f = path("cc.pcap");
	FILE *fp;
	uint32_t rec[4] = { 1, 0, 0x7FFFFFFF, 60 };

	write_pcap(f, DLT_EN10MB, false, 2, 60, 60, 0, 1000, false);
	fp = fopen(f, "ab");
	assert_non_null(fp);
	fwrite(rec, sizeof(rec), 1, fp);
	fwrite("garbage-garbage-garbage", 23, 1, fp);
	fclose(fp);
	run_config(cfg("FromDump(%s, STOP true) -> PcapTSink", f), err, sizeof(err));
	assert_int_equal(nrecs, 2);
	if (!strstr(err, "read error after 2 packets") || !strstr(err, "capture length"))
		fail_msg("unexpected stderr: %s", err);
}

static void
test_sample_deterministic(void **state)
{
	unsigned first;

	write_pcap(path("s.pcap"), DLT_EN10MB, false, 1000, 60, 60, 0, 1000, false);
	run_config(cfg("FromDump(%s, SAMPLE 0.5) -> PcapTSink", path("s.pcap")), NULL, 0);
	first = nrecs;
	assert_in_range(first, 400, 600);
	run_config(cfg("FromDump(%s, SAMPLE 0.5) -> PcapTSink", path("s.pcap")), NULL, 0);
	assert_int_equal(nrecs, first);
	run_config(cfg("FromDump(%s, SAMPLE 0) -> PcapTSink", path("s.pcap")), NULL, 0);
	assert_int_equal(nrecs, 0);
	assert_string_equal(handler_after_run(cfg("f :: FromDump(%s, SAMPLE 0.25) -> PcapTSink",
						  path("s.pcap")), "f.sampling_prob"), "0.25");
}

static void
test_force_ip(void **state)
{
	unsigned ip = 0, other = 0;

	write_pcap(path("m.pcap"), DLT_EN10MB, false, 9, 60, 60, 0, 1000, true);
	run_config(cfg("f :: FromDump(%s, FORCE_IP true); s :: PcapTSink;"
		       "f[0] -> [0] s; f[1] -> [1] s;", path("m.pcap")), NULL, 0);
	assert_int_equal(nrecs, 9);
	for (unsigned i = 0; i < nrecs; i++) {
		if (recs[i].paint == 0xEE) {
			other++;
		} else {
			ip++;
			assert_int_equal(recs[i].net_off, 14);
		}
	}
	assert_int_equal(ip, 6);
	assert_int_equal(other, 3);
	/* one output: non-IP packets are dropped */
	run_config(cfg("FromDump(%s, FORCE_IP true) -> PcapTSink", path("m.pcap")), NULL, 0);
	assert_int_equal(nrecs, 6);
}

static void
test_pull_mode_and_notifier(void **state)
{
	write_pcap(path("p.pcap"), DLT_EN10MB, false, 20, 60, 60, 0, 1000, false);
	/* STOP false: the run ends because the puller sleeps on the notifier */
	run_config(cfg("FromDump(%s) -> PcapTPuller", path("p.pcap")), NULL, 0);
	assert_int_equal(nrecs, 20);
	for (unsigned i = 0; i < 20; i++)
		assert_int_equal(recs[i].first[0], i);
}

static void
test_time_window(void **state)
{
	/* 10 packets 1 s apart from t = 100 s */
	write_pcap(path("w.pcap"), DLT_EN10MB, false, 10, 60, 60, 100000000000LL,
		   1000000000LL, false);
	run_config(cfg("FromDump(%s, START 103, END 106) -> PcapTSink", path("w.pcap")), NULL, 0);
	assert_int_equal(nrecs, 3);
	assert_int_equal(recs[0].first[0], 3);
	run_config(cfg("FromDump(%s, START_AFTER 2, INTERVAL 4.5) -> PcapTSink", path("w.pcap")),
		   NULL, 0);
	assert_int_equal(nrecs, 5);
	assert_int_equal(recs[0].first[0], 2);
	run_config(cfg("FromDump(%s, END_AFTER 5) -> PcapTSink", path("w.pcap")), NULL, 0);
	assert_int_equal(nrecs, 5);
}

static void
test_end_call_and_active(void **state)
{
	write_pcap(path("c.pcap"), DLT_EN10MB, false, 4, 60, 60, 0, 1000, false);
	run_config(cfg("FromDump(%s, END_CALL s.poke hello) -> s :: PcapTSink", path("c.pcap")),
		   NULL, 0);
	assert_int_equal(nrecs, 4);
	assert_int_equal(pokes, 1);
	assert_string_equal(poke_value, "hello");
	run_config(cfg("FromDump(%s, ACTIVE false) -> PcapTSink", path("c.pcap")), NULL, 0);
	assert_int_equal(nrecs, 0);
}

static void
test_timing(void **state)
{
	int64_t t0;

	/* 3 packets 40 ms apart: about 80 ms of run */
	write_pcap(path("tm.pcap"), DLT_EN10MB, false, 3, 60, 60, 0, 40000000LL, false);
	t0 = weir_time_ns();
	run_config(cfg("FromDump(%s, TIMING true) -> PcapTSink", path("tm.pcap")), NULL, 0);
	assert_int_equal(nrecs, 3);
	assert_true(weir_time_ns() - t0 >= 80000000LL);
	t0 = weir_time_ns();
	run_config(cfg("FromDump(%s, TIMING true) -> PcapTPuller", path("tm.pcap")), NULL, 0);
	assert_int_equal(nrecs, 3);
	assert_true(weir_time_ns() - t0 >= 80000000LL);
}

/* ---- ToDump ----------------------------------------------------------------------- */

/* Compare the packet records (caplen, len, data, timestamps) of two pcaps. */
static void
assert_same_packets(const char *a, const char *b, bool same_ts)
{
	char eb[PCAP_ERRBUF_SIZE];
	pcap_t *pa = pcap_open_offline_with_tstamp_precision(a, PCAP_TSTAMP_PRECISION_NANO, eb);
	pcap_t *pb = pcap_open_offline_with_tstamp_precision(b, PCAP_TSTAMP_PRECISION_NANO, eb);
	struct pcap_pkthdr *ha, *hb;
	const u_char *da, *db;
	int ra, rb, n = 0;

	assert_non_null(pa);
	assert_non_null(pb);
	assert_int_equal(pcap_datalink(pa), pcap_datalink(pb));
	for (;;) {
		ra = pcap_next_ex(pa, &ha, &da);
		rb = pcap_next_ex(pb, &hb, &db);
		assert_int_equal(ra, rb);
		if (ra != 1)
			break;
		assert_int_equal(ha->caplen, hb->caplen);
		assert_int_equal(ha->len, hb->len);
		assert_memory_equal(da, db, ha->caplen);
		if (same_ts) {
			assert_int_equal(ha->ts.tv_sec, hb->ts.tv_sec);
			assert_int_equal(ha->ts.tv_usec, hb->ts.tv_usec);
		}
		n++;
	}
	assert_int_equal(ra, PCAP_ERROR_BREAK);
	pcap_close(pa);
	pcap_close(pb);
}

static void
test_round_trip(void **state)
{
	write_pcap(path("in.pcap"), DLT_EN10MB, true, 50, 300, 200, 1600000000000000001LL, 33,
		   false);
	run_config(cfg("FromDump(%s, STOP true) -> ToDump(%s)", path("in.pcap"), path("out.pcap")),
		   NULL, 0);
	assert_same_packets(path("in.pcap"), path("out.pcap"), true);
	/* pull mode: ToDump's task, sleeping on FromDump's notifier */
	run_config(cfg("FromDump(%s) -> ToDump(%s)", path("in.pcap"), path("out2.pcap")), NULL, 0);
	/* the input's processing is agnostic on both sides: resolves to push */
	assert_same_packets(path("in.pcap"), path("out2.pcap"), true);
	/* through ToDump with an output */
	run_config(cfg("FromDump(%s) -> ToDump(%s) -> PcapTSink", path("in.pcap"),
		       path("out3.pcap")), NULL, 0);
	assert_int_equal(nrecs, 50);
	assert_same_packets(path("in.pcap"), path("out3.pcap"), true);
	/* unbuffered: flushed after every batch */
	run_config(cfg("FromDump(%s) -> ToDump(%s, UNBUFFERED true)", path("in.pcap"),
		       path("out4.pcap")), NULL, 0);
	assert_same_packets(path("in.pcap"), path("out4.pcap"), true);
	/* microsecond output */
	run_config(cfg("FromDump(%s) -> ToDump(%s, NANO false)", path("in.pcap"),
		       path("out5.pcap")), NULL, 0);
	assert_same_packets(path("in.pcap"), path("out5.pcap"), false);
}

static void
read_header(const char *file, uint32_t h[6])
{
	FILE *fp = fopen(file, "rb");
	assert_non_null(fp);
	assert_int_equal(fread(h, 4, 6, fp), 6);
	fclose(fp);
}

static void
test_snaplen_and_encap(void **state)
{
	char eb[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	uint32_t hdr[6];
	pcap_t *p;

	write_pcap(path("in.pcap"), DLT_EN10MB, false, 4, 100, 100, 0, 1000, false);
	run_config(cfg("FromDump(%s) -> ToDump(%s, SNAPLEN 10, ENCAP IP)", path("in.pcap"),
		       path("snap.pcap")), NULL, 0);
	read_header(path("snap.pcap"), hdr);
	assert_int_equal(hdr[0], 0xA1B23C4D); /* nanosecond magic, as Click writes */
	assert_int_equal(hdr[4], 10);         /* snaplen */
	assert_int_equal(hdr[5], 101);        /* LINKTYPE_RAW */
	p = pcap_open_offline(path("snap.pcap"), eb);
	assert_non_null(p);
	assert_int_equal(pcap_next_ex(p, &h, &d), 1);
	assert_int_equal(h->caplen, 10);
	assert_int_equal(h->len, 100);
	pcap_close(p);
	/* defaults: Ethernet, snaplen 2000 */
	run_config(cfg("FromDump(%s) -> ToDump(%s)", path("in.pcap"), path("def.pcap")), NULL, 0);
	read_header(path("def.pcap"), hdr);
	assert_int_equal(hdr[4], 2000);
	assert_int_equal(hdr[5], 1);
	/* SNAPLEN 0 writes everything; the default cuts at 2000 bytes */
	write_pcap(path("jumbo.pcap"), DLT_EN10MB, false, 1, 3000, 3000, 0, 0, false);
	run_config(cfg("FromDump(%s) -> ToDump(%s, SNAPLEN 0)", path("jumbo.pcap"),
		       path("j0.pcap")), NULL, 0);
	run_config(cfg("FromDump(%s) -> ToDump(%s)", path("jumbo.pcap"), path("j1.pcap")), NULL,
		   0);
	assert_int_equal(file_size(path("j0.pcap")), 24 + 16 + 3000);
	assert_int_equal(file_size(path("j1.pcap")), 24 + 16 + 2000);
	/* USE_ENCAP_FROM a raw IP FromDump */
	write_pcap(path("ip.pcap"), DLT_RAW, false, 2, 40, 40, 0, 1000, false);
	run_config(cfg("f :: FromDump(%s) -> ToDump(%s, USE_ENCAP_FROM f)", path("ip.pcap"),
		       path("ipout.pcap")), NULL, 0);
	read_header(path("ipout.pcap"), hdr);
	assert_int_equal(hdr[5], 101);
	expect_config_error(cfg("FromDump(%s) -> ToDump(%s, ENCAP BOGUS)", path("in.pcap"),
				path("x.pcap")), "encapsulation");
	expect_config_error(cfg("FromDump(%s) -> ToDump(/nonexistent/dir/x.pcap)",
				path("in.pcap")), "/nonexistent/dir/x.pcap");
}

/* ---- Replay ----------------------------------------------------------------------- */

static void
test_replayunqueue(void **state)
{
	write_pcap(path("r.pcap"), DLT_EN10MB, false, 7, 60, 60, 0, 1000, false);
	for (int qc = 0; qc < 2; qc++) {
		run_config(cfg("FromDump(%s, STOP false) -> ReplayUnqueue(STOP 3, QUICK_CLONE %s, "
			       "BURST 4) -> PcapTSink", path("r.pcap"), qc ? "true" : "false"),
			   NULL, 0);
		assert_int_equal(nrecs, 21);
		for (unsigned i = 0; i < 21; i++) {
			assert_int_equal(recs[i].first[0], i % 7);
			assert_int_equal(recs[i].ts, (int64_t)(i % 7) * 1000);
			assert_int_equal(recs[i].external, qc == 1);
		}
	}
	assert_string_equal(handler_after_run(cfg("FromDump(%s) -> r :: ReplayUnqueue(STOP 5) -> "
						  "PcapTSink", path("r.pcap")), "r.count"), "35");
	/* STOP 0: preload, emit nothing, stop */
	run_config(cfg("FromDump(%s) -> ReplayUnqueue(STOP 0) -> PcapTSink", path("r.pcap")),
		   NULL, 0);
	assert_int_equal(nrecs, 0);
	/* LIMIT */
	run_config(cfg("FromDump(%s) -> ReplayUnqueue(STOP 2, LIMIT 3) -> PcapTSink",
		       path("r.pcap")), NULL, 0);
	assert_int_equal(nrecs, 6);
	/* the last loop hands out the originals */
	run_config(cfg("FromDump(%s) -> ReplayUnqueue(STOP 2, FREEONTERMINATE false) -> "
		       "PcapTSink", path("r.pcap")), NULL, 0);
	assert_int_equal(nrecs, 14);
	/* behind a Queue fed in bursts of 32: preloading waits for the whole trace */
	write_pcap(path("r100.pcap"), DLT_EN10MB, false, 100, 60, 60, 0, 1000, false);
	run_config(cfg("FromDump(%s) -> Queue(1000) -> ReplayUnqueue(STOP 2) -> PcapTSink",
		       path("r100.pcap")), NULL, 0);
	assert_int_equal(nrecs, 200);
	assert_int_equal(recs[199].first[0], 99);
	/* preloaded packets that are themselves clones (Tee): references go to
	 * the data's owner; the pools must be whole again after the run */
	for (int qc = 0; qc < 2; qc++) {
		run_config(cfg("FromDump(%s) -> t :: Tee(2); t[0] -> Queue(1000) -> "
			       "ReplayUnqueue(STOP 3, QUICK_CLONE %s) -> PcapTSink; t[1] -> Discard",
			       path("r.pcap"), qc ? "true" : "false"), NULL, 0);
		assert_int_equal(nrecs, 21);
	}
	/* an empty input */
	run_config(cfg("FromDump(%s) -> ReplayUnqueue(STOP 2) -> PcapTSink", path("e.pcap")),
		   NULL, 0);
	assert_int_equal(nrecs, 0);
}

static void
test_replayunqueue_timing(void **state)
{
	int64_t t0;

	/* 3 packets 30 ms apart, 2 loops at 100%: at least 2 x 60 ms */
	write_pcap(path("rt.pcap"), DLT_EN10MB, false, 3, 60, 60, 0, 30000000LL, false);
	t0 = weir_time_ns();
	run_config(cfg("FromDump(%s) -> ReplayUnqueue(STOP 2, TIMING 100) -> PcapTSink",
		       path("rt.pcap")), NULL, 0);
	assert_int_equal(nrecs, 6);
	assert_true(weir_time_ns() - t0 >= 120000000LL);
	/* 200%: twice as fast */
	t0 = weir_time_ns();
	run_config(cfg("FromDump(%s) -> ReplayUnqueue(STOP 1, TIMING 200) -> PcapTSink",
		       path("rt.pcap")), NULL, 0);
	assert_int_equal(nrecs, 3);
	assert_true(weir_time_ns() - t0 >= 30000000LL);
}

static void
test_replay_pull(void **state)
{
	write_pcap(path("r.pcap"), DLT_EN10MB, false, 7, 60, 60, 0, 1000, false);
	run_config(cfg("FromDump(%s) -> Replay(STOP 4, QUEUE 5, BURST 3) -> PcapTPuller",
		       path("r.pcap")), NULL, 0);
	assert_int_equal(nrecs, 28);
	for (unsigned i = 0; i < 28; i++)
		assert_int_equal(recs[i].first[0], i % 7);
}

static void
test_replay_to_dump(void **state)
{
	char eb[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *p;
	int n = 0;

	write_pcap(path("r.pcap"), DLT_EN10MB, false, 7, 60, 60, 0, 1000, false);
	run_config(cfg("FromDump(%s) -> ReplayUnqueue(STOP 2, QUICK_CLONE true) -> ToDump(%s)",
		       path("r.pcap"), path("rout.pcap")), NULL, 0);
	p = pcap_open_offline(path("rout.pcap"), eb);
	assert_non_null(p);
	while (pcap_next_ex(p, &h, &d) == 1) {
		assert_int_equal(h->caplen, 60);
		assert_int_equal(d[0], n % 7);
		n++;
	}
	assert_int_equal(n, 14);
	pcap_close(p);
	/* ToDump pulling from Replay: its task sleeps on Replay's notifier */
	run_config(cfg("FromDump(%s) -> Replay(STOP 3) -> ToDump(%s)", path("r.pcap"),
		       path("rout2.pcap")), NULL, 0);
	p = pcap_open_offline(path("rout2.pcap"), eb);
	assert_non_null(p);
	for (n = 0; pcap_next_ex(p, &h, &d) == 1; n++)
		assert_int_equal(d[0], n % 7);
	assert_int_equal(n, 21);
	pcap_close(p);
}

static int
setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/weir-pcap-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	weir_strbuf_free(&msgs);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_usec),
		cmocka_unit_test(test_filepos),
		cmocka_unit_test(test_read_nsec_and_extra_length),
		cmocka_unit_test(test_read_raw_ip),
		cmocka_unit_test(test_truncated_record),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_oversize_packet),
		cmocka_unit_test(test_pcapng),
		cmocka_unit_test(test_pcapng_truncated),
		cmocka_unit_test(test_big_endian),
		cmocka_unit_test(test_corrupt_caplen),
		cmocka_unit_test(test_sample_deterministic),
		cmocka_unit_test(test_force_ip),
		cmocka_unit_test(test_pull_mode_and_notifier),
		cmocka_unit_test(test_time_window),
		cmocka_unit_test(test_end_call_and_active),
		cmocka_unit_test(test_timing),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_snaplen_and_encap),
		cmocka_unit_test(test_replayunqueue),
		cmocka_unit_test(test_replayunqueue_timing),
		cmocka_unit_test(test_replay_pull),
		cmocka_unit_test(test_replay_to_dump),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
