/* traffic_priv.h - rate helpers shared by the traffic elements: Click's gap
 * rate (Shaper, FastUDPFlows), its token bucket (RatedUnqueue), a small
 * random generator, and handler formatting for rates and probabilities. */
#ifndef WEIR_TRAFFIC_PRIV_H
#define WEIR_TRAFFIC_PRIV_H

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "weir/common.h"
#include "weir/strbuf.h"
#include "weir/task.h"

#define TR_NS_PER_SEC 1000000000LL

/* ---- gap rate ---------------------------------------------------------------
 *
 * Click's GapRate: time is cut into seconds; within a second, the packets
 * allowed by time t are floor(fraction_of_second(t) * rate), counted against
 * sec_count, the packets already sent this second. When a new second starts,
 * sec_count drops by rate (only if it was positive), so a second that fell
 * short lends its unused packets to the next one. After a reset, the first
 * packet may go at once. rate 0 means nothing passes.
 */
struct tr_gaprate {
	uint64_t rate;     /* events per second; 0: none */
	int64_t sec;       /* current second, -1 after a reset */
	int64_t sec_count; /* events counted in this second */
};

static inline void
tr_gaprate_reset(struct tr_gaprate *g)
{
	g->sec = -1;
}

static inline void
tr_gaprate_set_rate(struct tr_gaprate *g, uint64_t rate)
{
	g->rate = rate;
	tr_gaprate_reset(g);
}

/* Events the elapsed part of the current second allows (floor). */
static inline int64_t
tr_gaprate_need(const struct tr_gaprate *g, int64_t subsec_ns)
{
	return (int64_t)(((unsigned __int128)subsec_ns * g->rate) / TR_NS_PER_SEC);
}

/* Advance to time now; returns how many events may happen now (0 or more). */
static inline int64_t
tr_gaprate_allowed(struct tr_gaprate *g, int64_t now)
{
	if (!g->rate)
		return 0;
	int64_t s = now / TR_NS_PER_SEC, sub = now % TR_NS_PER_SEC;
	int64_t need = tr_gaprate_need(g, sub);
	if (g->sec < 0) {
		/* after a reset the next event is due at once when more than half
		 * a gap has passed since the last whole one */
		g->sec = s;
		unsigned __int128 frac = ((unsigned __int128)sub * g->rate) % TR_NS_PER_SEC;
		g->sec_count = need + (frac > TR_NS_PER_SEC / 2);
	} else if (s > g->sec) {
		g->sec = s;
		if (g->sec_count > 0)
			g->sec_count -= (int64_t)WEIR_MIN(g->rate, (uint64_t)INT64_MAX);
	}
	return need >= g->sec_count ? need - g->sec_count + 1 : 0;
}

static inline void
tr_gaprate_update(struct tr_gaprate *g, int64_t n)
{
	g->sec_count += n;
}

/* When the next event is allowed, after tr_gaprate_allowed() said 0. */
static inline int64_t
tr_gaprate_expiry(const struct tr_gaprate *g)
{
	if (!g->rate || g->sec < 0 || g->sec_count <= 0)
		return 0;
	if ((uint64_t)g->sec_count >= g->rate)
		return (g->sec + 1) * TR_NS_PER_SEC;
	/* first subsec with floor(subsec * rate / 1e9) >= sec_count */
	unsigned __int128 num = (unsigned __int128)g->sec_count * TR_NS_PER_SEC;
	int64_t sub = (int64_t)((num + g->rate - 1) / g->rate);
	return g->sec * TR_NS_PER_SEC + sub;
}

/* ---- token bucket -------------------------------------------------------------
 *
 * Click's TokenBucket: fills at `rate` tokens per second up to `capacity`
 * tokens; starts full. rate 0 means unlimited (always full). Tokens are
 * kept in units of 1e-9 token so the fill is exact at any rate.
 */
struct tr_bucket {
	uint64_t rate;      /* tokens per second; 0: unlimited */
	uint64_t capacity;  /* tokens, >= 1 */
	unsigned __int128 credit; /* tokens * 1e9 */
	int64_t last_ns;    /* time of the last refill; 0: never (fills it) */
};

static inline void
tr_bucket_assign(struct tr_bucket *tb, uint64_t rate, uint64_t capacity)
{
	tb->rate = rate;
	tb->capacity = capacity ? capacity : 1;
	tb->last_ns = 0;
}

static inline unsigned __int128
tr_bucket_full(const struct tr_bucket *tb)
{
	return (unsigned __int128)tb->capacity * TR_NS_PER_SEC;
}

static inline void
tr_bucket_refill(struct tr_bucket *tb, int64_t now)
{
	unsigned __int128 full = tr_bucket_full(tb);
	if (!tb->last_ns || !tb->rate) {
		tb->credit = full;
	} else if (now > tb->last_ns) {
		unsigned __int128 add = (unsigned __int128)(now - tb->last_ns) * tb->rate;
		tb->credit = tb->credit + add >= full ? full : tb->credit + add;
	}
	tb->last_ns = now;
}

/* Whole tokens in the bucket. */
static inline uint64_t
tr_bucket_size(const struct tr_bucket *tb)
{
	if (!tb->rate)
		return UINT64_MAX;
	return (uint64_t)(tb->credit / TR_NS_PER_SEC);
}

static inline bool
tr_bucket_contains(const struct tr_bucket *tb, uint64_t n)
{
	return !tb->rate || tb->credit >= (unsigned __int128)n * TR_NS_PER_SEC;
}

/* Remove n tokens (the bucket empties when it holds fewer). */
static inline void
tr_bucket_remove(struct tr_bucket *tb, uint64_t n)
{
	unsigned __int128 c = (unsigned __int128)n * TR_NS_PER_SEC;
	tb->credit = tb->credit > c ? tb->credit - c : 0;
}

/* Nanoseconds until the bucket holds n tokens (0 when it does now). */
static inline int64_t
tr_bucket_time_until(const struct tr_bucket *tb, uint64_t n)
{
	if (tr_bucket_contains(tb, n))
		return 0;
	unsigned __int128 missing = (unsigned __int128)n * TR_NS_PER_SEC - tb->credit;
	unsigned __int128 ns = (missing + tb->rate - 1) / tb->rate;
	return ns > (unsigned __int128)INT64_MAX / 2 ? INT64_MAX / 2 : (int64_t)ns;
}

/* ---- random numbers -------------------------------------------------------------- */

/* xorshift64* state; never 0. */
static inline uint64_t
tr_random_seed(const void *salt)
{
	uint64_t s = (uint64_t)weir_time_ns() ^ (uint64_t)weir_wall_ns() ^
		     ((uint64_t)(uintptr_t)salt * 0x9E3779B97F4A7C15ULL);
	/* splitmix64 finaliser spreads the seed over all bits */
	s = (s ^ (s >> 30)) * 0xBF58476D1CE4E5B9ULL;
	s = (s ^ (s >> 27)) * 0x94D049BB133111EBULL;
	s ^= s >> 31;
	return s ? s : 0x2545F4914F6CDD1DULL;
}

/* 32 random bits. */
static inline uint32_t
tr_random(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return (uint32_t)((x * 0x2545F4914F6CDD1DULL) >> 32);
}

/* ---- formatting ------------------------------------------------------------------ */

/* v / 10^digits as a decimal without trailing zeros (Click's cp_unparse_real10). */
static inline void
tr_format_real10(struct weir_strbuf *out, uint64_t v, unsigned digits)
{
	uint64_t scale = 1;
	for (unsigned i = 0; i < digits; i++)
		scale *= 10;
	uint64_t ip = v / scale, fp = v % scale;
	weir_strbuf_printf(out, "%" PRIu64, ip);
	if (!fp)
		return;
	char buf[24];
	snprintf(buf, sizeof(buf), "%0*" PRIu64, (int)digits, fp);
	size_t n = strlen(buf);
	while (n && buf[n - 1] == '0')
		n--;
	weir_strbuf_putc(out, '.');
	weir_strbuf_append(out, buf, n);
}

/* Bytes per second as Click's BandwidthArg::unparse writes it ("8kbps"). */
static inline void
tr_format_bandwidth(struct weir_strbuf *out, uint64_t bytes_per_s)
{
	if (bytes_per_s >= 0x20000000U) {
		tr_format_real10(out, bytes_per_s, 6);
		weir_strbuf_puts(out, "MBps");
	} else if (bytes_per_s >= 125000000) {
		tr_format_real10(out, bytes_per_s * 8, 9);
		weir_strbuf_puts(out, "Gbps");
	} else if (bytes_per_s >= 125000) {
		tr_format_real10(out, bytes_per_s * 8, 6);
		weir_strbuf_puts(out, "Mbps");
	} else {
		tr_format_real10(out, bytes_per_s * 8, 3);
		weir_strbuf_puts(out, "kbps");
	}
}

/*
 * A fixed-point fraction (value / 2^shift) as the shortest decimal that
 * reads back to the same value (Click's cp_unparse_real2 shape: "0.5", "1").
 */
static inline void
tr_format_fixed(struct weir_strbuf *out, uint32_t value, unsigned shift)
{
	double one = (double)(1u << shift), x = (double)value / one;
	char buf[40];
	for (int prec = 0; prec <= 12; prec++) {
		snprintf(buf, sizeof(buf), "%.*f", prec, x);
		if ((uint32_t)llround(strtod(buf, NULL) * one) == value)
			break;
	}
	weir_strbuf_puts(out, buf);
}

#endif
