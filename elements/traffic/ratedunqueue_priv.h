/* ratedunqueue_priv.h - what RatedUnqueue and BandwidthRatedUnqueue share: a
 * task that pulls while a token bucket has tokens and sleeps on a timer (or
 * on the upstream empty notifier) otherwise. */
#ifndef WEIR_RATEDUNQUEUE_PRIV_H
#define WEIR_RATEDUNQUEUE_PRIV_H

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/notifier.h"
#include "weir/task.h"
#include "traffic_priv.h"

/* Click's tb_bandwidth_thresh: the byte bucket must hold this many tokens
 * before a pull (the capacity is raised by the same amount). */
#define RU_BANDWIDTH_THRESH 131072
#define RU_DEFAULT_BURST_NS (20 * 1000000LL) /* 20 ms of tokens */

struct ratedunqueue {
	/* configuration */
	uint32_t rate;          /* RatedUnqueue: packets per second (0: unlimited) */
	uint64_t bw;            /* BandwidthRatedUnqueue: bytes per second */
	int64_t burst_duration; /* ns */
	bool duration_given;
	uint32_t burst_size;    /* BURST_SIZE / BURST_BYTES */
	bool size_given;
	uint32_t burst;         /* most packets per pull (FastClick's BURST) */
	bool active;
	bool extra_length;      /* count EXTRA_LENGTH_ANNO too */
	bool link_rate;         /* count bits on the wire (+24 bytes of framing) */
	bool bandwidth;         /* set by the class's configure */
	/* state */
	struct tr_bucket tb;
	bool ready;
	struct weir_task task;
	struct weir_timer timer;
	struct weir_notifier *upstream; /* NULL: none, poll */
	uint64_t runs, empty_runs, pushes, failed_pulls, packets;
};

static inline uint64_t
ru_rate(const struct ratedunqueue *u)
{
	return u->bandwidth ? u->bw : u->rate;
}

/* Bucket capacity from RATE and BURST_DURATION or BURST_SIZE (Click's rules). */
static inline uint64_t
ru_capacity(const struct ratedunqueue *u)
{
	uint64_t tokens;
	if (u->size_given) {
		tokens = u->burst_size;
	} else {
		int64_t dur = u->duration_given ? u->burst_duration : RU_DEFAULT_BURST_NS;
		/* Click keeps the duration in milliseconds */
		unsigned __int128 t = (unsigned __int128)ru_rate(u) * (uint64_t)(dur / 1000000);
		t /= 1000;
		tokens = t > UINT_MAX ? UINT_MAX : (uint64_t)t;
	}
	if (u->bandwidth)
		tokens = WEIR_MIN(tokens + RU_BANDWIDTH_THRESH, (uint64_t)UINT_MAX);
	return tokens ? tokens : 1;
}

/* Check and apply the configuration; keeps the tokens already in the bucket. */
static inline int
ru_setup(struct ratedunqueue *u, struct weir_errh *errh)
{
	if (u->duration_given && u->size_given)
		return weir_error(errh, "cannot specify both BURST_DURATION and %s",
				  u->bandwidth ? "BURST_BYTES" : "BURST_SIZE");
	if (u->duration_given && u->burst_duration < 0)
		return weir_error(errh, "BURST_DURATION must not be negative");
	if (u->burst == 0)
		return weir_error(errh, "BURST must be at least 1");
	unsigned __int128 credit = u->tb.credit;
	int64_t last = u->tb.last_ns;
	tr_bucket_assign(&u->tb, ru_rate(u), ru_capacity(u));
	if (last) {
		u->tb.last_ns = last;
		u->tb.credit = WEIR_MIN(credit, tr_bucket_full(&u->tb));
	}
	return 0;
}

/* Tokens one packet costs. */
static inline uint64_t
ru_cost(const struct ratedunqueue *u, const struct weir_packet *p)
{
	if (!u->bandwidth)
		return 1;
	uint64_t len = p->len;
	if (u->extra_length)
		len += weir_anno_u32(p, WEIR_EXTRA_LENGTH_ANNO_OFFSET);
	return u->link_rate ? 8 * len + 8 * 24 : len;
}

static void
ru_timer_fire(struct weir_timer *t, void *arg)
{
	struct ratedunqueue *u = arg;
	(void)t;
	if (u->active)
		weir_task_schedule(&u->task);
}

static bool
ru_run(struct weir_task *t, void *arg)
{
	struct weir_element *e = arg;
	struct ratedunqueue *u = e->priv;
	u->runs++;
	if (!u->active) {
		weir_task_unschedule(t);
		return false;
	}
	uint64_t need = u->bandwidth ? RU_BANDWIDTH_THRESH : 1;
	tr_bucket_refill(&u->tb, weir_time_ns());
	if (!tr_bucket_contains(&u->tb, need)) {
		weir_task_unschedule(t);
		weir_timer_schedule_after(&u->timer, tr_bucket_time_until(&u->tb, need));
		u->empty_runs++;
		return false;
	}
	uint64_t want = WEIR_MIN((uint64_t)u->burst, (uint64_t)WEIR_BATCH_MAX);
	if (!u->bandwidth)
		want = WEIR_MIN(want, tr_bucket_size(&u->tb));
	struct weir_batch b;
	uint32_t n = weir_input_pull(e, 0, &b, (uint32_t)want);
	if (!n) {
		u->failed_pulls++;
		u->empty_runs++;
		if (u->upstream && !u->upstream->active)
			weir_task_unschedule(t); /* the notifier wakes us */
		return false;
	}
	uint64_t cost = 0;
	for (uint32_t i = 0; i < n; i++)
		cost += ru_cost(u, b.pkts[i]);
	tr_bucket_remove(&u->tb, cost);
	u->packets += n;
	u->pushes++;
	weir_output_push(e, 0, &b);
	return true;
}

static inline int
ru_initialize(struct weir_element *e, struct weir_errh *errh)
{
	struct ratedunqueue *u = e->priv;
	(void)errh;
	weir_task_init(&u->task, e, ru_run, e);
	weir_timer_init(&u->timer, e, ru_timer_fire, u);
	u->ready = true;
	u->upstream = weir_notifier_upstream(e, 0);
	if (u->upstream && weir_notifier_add_listener(u->upstream, &u->task) < 0)
		u->upstream = NULL; /* listener table full: poll instead */
	if (u->active)
		weir_task_schedule(&u->task);
	return 0;
}

static inline void
ru_cleanup(struct weir_element *e)
{
	struct ratedunqueue *u = e->priv;
	if (!u->ready)
		return;
	weir_task_unschedule(&u->task);
	weir_timer_unschedule(&u->timer);
}

enum { RU_H_CALLS, RU_H_RATE, RU_H_ACTIVE };

static inline int
ru_read(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	const struct ratedunqueue *u = e->priv;
	switch (h->arg) {
	case RU_H_CALLS:
		weir_strbuf_printf(out,
				   "%" PRIu64 " calls to run_task()\n%" PRIu64 " empty runs\n"
				   "%" PRIu64 " pushes\n%" PRIu64 " failed pulls\n%" PRIu64
				   " packets\n",
				   u->runs, u->empty_runs, u->pushes, u->failed_pulls, u->packets);
		return 0;
	case RU_H_RATE:
		if (u->bandwidth)
			tr_format_bandwidth(out, u->bw);
		else
			weir_strbuf_printf(out, "%" PRIu32, u->rate);
		return 0;
	case RU_H_ACTIVE:
		weir_strbuf_puts(out, u->active ? "true" : "false");
		return 0;
	default:
		return -EINVAL;
	}
}

static inline int
ru_write_rate(struct ratedunqueue *u, const char *value, struct weir_errh *errh)
{
	if (u->bandwidth) {
		uint64_t bw;
		if (weir_parse_bandwidth(value, &bw) < 0)
			return weir_error(errh, "rate: expected bandwidth, got '%s'", value);
		u->bw = bw;
	} else {
		uint32_t r;
		if (weir_parse_uint(value, &r) < 0)
			return weir_error(errh, "rate: expected packets per second, got '%s'", value);
		u->rate = r;
	}
	return ru_setup(u, errh);
}

static inline int
ru_write(struct weir_element *e, const char *value, const struct weir_handler *h,
	 struct weir_errh *errh)
{
	struct ratedunqueue *u = e->priv;
	bool bv;
	int rc;
	switch (h->arg) {
	case RU_H_RATE:
		rc = ru_write_rate(u, value, errh);
		break;
	case RU_H_ACTIVE:
		if (weir_parse_bool(value, &bv) < 0)
			return weir_error(errh, "active: expected boolean, got '%s'", value);
		u->active = bv;
		rc = 0;
		break;
	default:
		return -EINVAL;
	}
	if (rc == 0 && u->ready && u->active) {
		/* a new rate changes when the next token is due */
		if (h->arg == RU_H_RATE)
			weir_timer_unschedule(&u->timer);
		if (!weir_timer_scheduled(&u->timer))
			weir_task_schedule(&u->task);
	}
	return rc;
}

static const struct weir_handler ru_handlers[] = {
	{ .name = "calls", .read = ru_read, .arg = RU_H_CALLS },
	{ .name = "rate", .read = ru_read, .write = ru_write, .arg = RU_H_RATE },
	{ .name = "active", .read = ru_read, .write = ru_write, .arg = RU_H_ACTIVE },
	WEIR_HANDLER_END
};

#endif
