/*
 * RatedSource([DATA, RATE, LIMIT, ACTIVE, KEYWORDS])
 *
 * generates packets at specified rate
 *
 * Creates packets consisting of DATA, emitting at most LIMIT such packets out
 * its single output at a rate of RATE packets per second. If LIMIT is
 * negative, sends packets forever. Will send packets only if ACTIVE is true.
 * Default DATA is at least 64 bytes long. Default RATE is 10. Default LIMIT
 * is -1 (send packets forever). Default ACTIVE is true.
 *
 * In push mode a timer wakes the element when the next packet is due; the
 * packets due by then leave as one batch. Like Click's token bucket, at most
 * max(2, RATE/100) packets can be owed after a stall: the rest are forgiven.
 * The first packet leaves at once. In pull mode a pull returns the packets
 * due at that moment (there is no notifier: the puller polls).
 *
 * Keyword arguments are:
 *   DATA       String. Same as the DATA argument.
 *   LENGTH     Integer. If set, the outgoing packet will have this length.
 *   RATE       Integer. Same as the RATE argument.
 *   BANDWIDTH  Bandwidth. Sets RATE from the packet length and this target
 *              bandwidth.
 *   LIMIT      Integer. Same as the LIMIT argument.
 *   HEADROOM   Integer. Headroom on generated packets. Default is the
 *              default packet headroom.
 *   ACTIVE     Boolean. Same as the ACTIVE argument.
 *   STOP       Boolean. If true, then stop the driver once LIMIT packets are
 *              sent. Default is false.
 *
 * Handlers:
 *   count (read-only)    packets generated so far
 *   reset (write-only)   resets count to 0 and restarts the schedule
 *   rate (read/write)    the RATE parameter
 *   data (read/write)    the DATA parameter
 *   length (read/write)  the LENGTH parameter
 *   limit (read/write)   the LIMIT parameter
 *   active (read/write)  the ACTIVE parameter
 *
 * Example:
 *   RatedSource(\<0800>, RATE 1000, LIMIT 100, STOP true) -> Discard;
 *
 * See also: InfiniteSource, TimedSource.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/router.h"
#include "weir/task.h"
#include "source_priv.h"

static const char ratedsource_doc[] =
	"RatedSource([DATA, RATE, LIMIT, ACTIVE, KEYWORDS])\n"
	"\n"
	"generates packets at specified rate\n"
	"\n"
	"Creates packets consisting of DATA, emitting at most LIMIT such packets out\n"
	"its single output at a rate of RATE packets per second. If LIMIT is\n"
	"negative, sends packets forever. Will send packets only if ACTIVE is true.\n"
	"Default DATA is at least 64 bytes long. Default RATE is 10. Default LIMIT\n"
	"is -1 (send packets forever). Default ACTIVE is true.\n"
	"\n"
	"In push mode a timer wakes the element when the next packet is due; the\n"
	"packets due by then leave as one batch. Like Click's token bucket, at most\n"
	"max(2, RATE/100) packets can be owed after a stall: the rest are forgiven.\n"
	"The first packet leaves at once. In pull mode a pull returns the packets\n"
	"due at that moment (there is no notifier: the puller polls).\n"
	"\n"
	"Keyword arguments are:\n"
	"  DATA       String. Same as the DATA argument.\n"
	"  LENGTH     Integer. If set, the outgoing packet will have this length.\n"
	"  RATE       Integer. Same as the RATE argument.\n"
	"  BANDWIDTH  Bandwidth. Sets RATE from the packet length and this target\n"
	"             bandwidth.\n"
	"  LIMIT      Integer. Same as the LIMIT argument.\n"
	"  HEADROOM   Integer. Headroom on generated packets. Default is the\n"
	"             default packet headroom.\n"
	"  ACTIVE     Boolean. Same as the ACTIVE argument.\n"
	"  STOP       Boolean. If true, then stop the driver once LIMIT packets are\n"
	"             sent. Default is false.\n"
	"\n"
	"Handlers:\n"
	"  count (read-only)    packets generated so far\n"
	"  reset (write-only)   resets count to 0 and restarts the schedule\n"
	"  rate (read/write)    the RATE parameter\n"
	"  data (read/write)    the DATA parameter\n"
	"  length (read/write)  the LENGTH parameter\n"
	"  limit (read/write)   the LIMIT parameter\n"
	"  active (read/write)  the ACTIVE parameter\n"
	"\n"
	"Example:\n"
	"  RatedSource(\\<0800>, RATE 1000, LIMIT 100, STOP true) -> Discard;\n"
	"\n"
	"See also: InfiniteSource, TimedSource.\n";

struct ratedsrc {
	/* configuration */
	struct weir_bytes data;
	bool data_given;
	uint64_t rate;
	int64_t limit;
	bool active;
	bool stop;
	int64_t length;
	uint64_t bandwidth;
	bool bandwidth_given;
	uint32_t headroom;
	bool headroom_given;
	/* state */
	struct weir_packet *tmpl;
	uint64_t count;
	uint64_t burst;   /* most packets owed at once */
	int64_t epoch_ns; /* packet k of this schedule is due at epoch + k / rate */
	uint64_t k;       /* packets sent since epoch */
	bool stop_sent;
	bool pull_mode;
	bool timer_ready;
	struct weir_timer timer;
};

static const struct weir_arg ratedsrc_args[] = {
	{ "DATA", WEIR_ARG_DATA, offsetof(struct ratedsrc, data),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_GIVEN,
	  .given_offset = offsetof(struct ratedsrc, data_given), .help = "packet data" },
	{ "RATE", WEIR_ARG_RATE, offsetof(struct ratedsrc, rate), WEIR_ARGF_POSITIONAL,
	  .def = "10", .help = "packets per second" },
	{ "LIMIT", WEIR_ARG_INT64, offsetof(struct ratedsrc, limit), WEIR_ARGF_POSITIONAL,
	  .def = "-1", .help = "total packet count (-1: no limit)" },
	{ "ACTIVE", WEIR_ARG_BOOL, offsetof(struct ratedsrc, active), WEIR_ARGF_POSITIONAL,
	  .def = "true", .help = "generate packets?" },
	{ "LENGTH", WEIR_ARG_INT64, offsetof(struct ratedsrc, length), 0, .def = "-1",
	  .help = "packet length (-1: the length of DATA)" },
	{ "STOP", WEIR_ARG_BOOL, offsetof(struct ratedsrc, stop), 0, .def = "false",
	  .help = "stop the driver when LIMIT packets are sent" },
	{ "BANDWIDTH", WEIR_ARG_BANDWIDTH, offsetof(struct ratedsrc, bandwidth), WEIR_ARGF_GIVEN,
	  .given_offset = offsetof(struct ratedsrc, bandwidth_given),
	  .help = "sets RATE from a target bandwidth" },
	{ "HEADROOM", WEIR_ARG_UINT, offsetof(struct ratedsrc, headroom), WEIR_ARGF_GIVEN,
	  .given_offset = offsetof(struct ratedsrc, headroom_given),
	  .help = "headroom of generated packets" },
	WEIR_ARG_END
};

static uint64_t
ratedsrc_remaining(const struct ratedsrc *s)
{
	if (s->limit < 0)
		return UINT64_MAX;
	return s->count >= (uint64_t)s->limit ? 0 : (uint64_t)s->limit - s->count;
}

static void
ratedsrc_set_rate(struct ratedsrc *s, uint64_t rate)
{
	s->rate = rate;
	s->burst = rate < 200 ? 2 : rate / 100;
}

/* Packets of this schedule due at `now` (packet 0 is due at the epoch). */
static uint64_t
ratedsrc_due(const struct ratedsrc *s, int64_t now)
{
	if (now < s->epoch_ns || !s->rate)
		return 0;
	double elapsed = (double)(now - s->epoch_ns);
	return (uint64_t)(elapsed * (double)s->rate / 1e9) + 1;
}

static int64_t
ratedsrc_due_time(const struct ratedsrc *s, uint64_t k)
{
	double off = (double)k * 1e9 / (double)s->rate;
	return s->epoch_ns + (int64_t)off + 1;
}

/* How many packets may leave now (owed packets beyond `burst` are forgiven). */
static uint64_t
ratedsrc_owed(struct ratedsrc *s, int64_t now)
{
	uint64_t due = ratedsrc_due(s, now);
	if (due <= s->k)
		return 0;
	if (due - s->k > s->burst)
		s->k = due - s->burst;
	return WEIR_MIN(due - s->k, ratedsrc_remaining(s));
}

static uint32_t
ratedsrc_fill(struct ratedsrc *s, struct weir_batch *b, uint32_t n)
{
	int64_t now = weir_wall_ns();
	uint32_t i;
	for (i = 0; i < n; i++) {
		struct weir_packet *p = weir_packet_clone(s->tmpl);
		if (weir_unlikely(!p))
			break;
		p->timestamp_ns = now;
		b->pkts[i] = p;
	}
	b->n = i;
	s->count += i;
	s->k += i;
	return i;
}

static void
ratedsrc_check_limit(struct weir_element *e, struct ratedsrc *s)
{
	if (!ratedsrc_remaining(s) && s->stop && !s->stop_sent) {
		s->stop_sent = true;
		weir_router_please_stop(e->router);
	}
}

static void
ratedsrc_fire(struct weir_timer *t, void *arg)
{
	struct weir_element *e = arg;
	struct ratedsrc *s = e->priv;
	if (!s->active || !s->rate || !s->tmpl)
		return;
	if (!ratedsrc_remaining(s)) {
		ratedsrc_check_limit(e, s);
		return;
	}
	int64_t now = weir_time_ns();
	uint64_t n = ratedsrc_owed(s, now);
	struct weir_batch b;
	while (n) {
		uint32_t want = (uint32_t)WEIR_MIN(n, (uint64_t)WEIR_BATCH_MAX);
		uint32_t got = ratedsrc_fill(s, &b, want);
		weir_output_push(e, 0, &b);
		if (got < want)
			break; /* out of packets: retry at the next due time */
		n -= got;
	}
	if (!ratedsrc_remaining(s)) {
		/* stop the driver on the next round, as Click's next run does */
		if (s->stop)
			weir_timer_schedule_at(t, now);
		return;
	}
	weir_timer_schedule_at(t, ratedsrc_due_time(s, s->k));
}

static uint32_t
ratedsrc_pull(struct weir_element *e, int port, struct weir_batch *b, uint32_t max)
{
	struct ratedsrc *s = e->priv;
	if (!s->active || !s->rate || !s->tmpl)
		return 0;
	if (!ratedsrc_remaining(s)) {
		ratedsrc_check_limit(e, s);
		return 0;
	}
	uint64_t n = ratedsrc_owed(s, weir_time_ns());
	n = WEIR_MIN(n, (uint64_t)WEIR_MIN(max, WEIR_BATCH_MAX));
	ratedsrc_fill(s, b, (uint32_t)n);
	ratedsrc_check_limit(e, s);
	return b->n;
}

/* Start a new schedule whose first packet is due `delay_ns` from now. */
static void
ratedsrc_restart(struct ratedsrc *s, int64_t delay_ns)
{
	s->epoch_ns = weir_time_ns() + delay_ns;
	s->k = 0;
	if (s->timer_ready && s->active && s->rate && ratedsrc_remaining(s))
		weir_timer_schedule_at(&s->timer, s->epoch_ns);
}

static int
ratedsrc_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct ratedsrc *s = e->priv;
	if (!s->headroom_given)
		s->headroom = WEIR_DEFAULT_HEADROOM;
	if ((size_t)WEIR_MAX(s->length, 0) > weir_packet_max_len())
		return weir_error(errh, "LENGTH %" PRId64 " too large (at most %zu)", s->length,
				  weir_packet_max_len());
	if (weir_source_default_data(&s->data, s->data_given) < 0)
		return weir_error(errh, "out of memory");
	uint64_t rate = s->rate;
	if (s->bandwidth_given) {
		size_t len = s->length < 0 ? s->data.len : (size_t)s->length;
		if (!len)
			return weir_error(errh, "BANDWIDTH needs a non-empty packet");
		rate = s->bandwidth / len;
	}
	ratedsrc_set_rate(s, rate);
	return 0;
}

static int
ratedsrc_initialize(struct weir_element *e, struct weir_errh *errh)
{
	struct ratedsrc *s = e->priv;
	s->tmpl = weir_source_template(&s->data, s->length, s->headroom);
	if (!s->tmpl)
		return weir_error(errh, "cannot make a %" PRId64 "-byte packet", s->length);
	s->pull_mode = !weir_output_is_push(e, 0);
	if (!s->pull_mode) {
		weir_timer_init(&s->timer, e, ratedsrc_fire, e);
		s->timer_ready = true;
	}
	ratedsrc_restart(s, 0);
	return 0;
}

static void
ratedsrc_cleanup(struct weir_element *e)
{
	struct ratedsrc *s = e->priv;
	if (s->timer_ready)
		weir_timer_unschedule(&s->timer);
	if (s->tmpl)
		weir_packet_kill(s->tmpl);
	s->tmpl = NULL;
}

static int
ratedsrc_remake(struct ratedsrc *s, struct weir_errh *errh)
{
	struct weir_packet *p = weir_source_template(&s->data, s->length, s->headroom);
	if (!p)
		return weir_error(errh, "cannot make a %" PRId64 "-byte packet", s->length);
	if (s->tmpl)
		weir_packet_kill(s->tmpl);
	s->tmpl = p;
	return 0;
}

enum { H_DATA, H_RATE, H_LIMIT, H_ACTIVE, H_COUNT, H_RESET, H_LENGTH };

static int
ratedsrc_read(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	struct ratedsrc *s = e->priv;
	switch (h->arg) {
	case H_DATA:
		weir_source_read_data(&s->data, out);
		break;
	case H_RATE:
		weir_strbuf_printf(out, "%" PRIu64, s->rate);
		break;
	case H_LIMIT:
		weir_strbuf_printf(out, "%" PRId64, s->limit < 0 ? -1 : s->limit);
		break;
	case H_ACTIVE:
		weir_strbuf_puts(out, s->active ? "true" : "false");
		break;
	case H_COUNT:
		weir_strbuf_printf(out, "%" PRIu64, s->count);
		break;
	case H_LENGTH:
		weir_strbuf_printf(out, "%" PRId64, s->length);
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

static int
ratedsrc_write(struct weir_element *e, const char *value, const struct weir_handler *h,
	       struct weir_errh *errh)
{
	struct ratedsrc *s = e->priv;
	int64_t v;
	uint64_t u;
	bool bv;
	switch (h->arg) {
	case H_DATA:
		if (weir_source_set_data(&s->data, value) < 0)
			return weir_error(errh, "out of memory");
		return ratedsrc_remake(s, errh);
	case H_RATE:
		if (weir_parse_rate(value, &u) < 0)
			return weir_error(errh, "rate: expected packets per second, got '%s'", value);
		ratedsrc_set_rate(s, u);
		/* the packet just sent counts for the new rate: next one in 1/RATE */
		ratedsrc_restart(s, u ? (int64_t)(1e9 / (double)u) : 0);
		return 0;
	case H_LIMIT:
		if (weir_parse_int64(value, &v) < 0)
			return weir_error(errh, "limit: expected integer, got '%s'", value);
		s->limit = v;
		s->stop_sent = false;
		ratedsrc_restart(s, 0);
		return 0;
	case H_ACTIVE:
		if (weir_parse_bool(value, &bv) < 0)
			return weir_error(errh, "active: expected boolean, got '%s'", value);
		if (bv && !s->active) {
			s->active = true;
			ratedsrc_restart(s, 0);
		}
		s->active = bv;
		return 0;
	case H_RESET:
		s->count = 0;
		s->stop_sent = false;
		ratedsrc_restart(s, 0);
		return 0;
	case H_LENGTH: {
		int64_t old = s->length;
		if (weir_parse_int64(value, &v) < 0)
			return weir_error(errh, "length: expected integer, got '%s'", value);
		s->length = v;
		if (ratedsrc_remake(s, errh) < 0) {
			s->length = old;
			return -EINVAL;
		}
		return 0;
	}
	default:
		return -EINVAL;
	}
}

static const struct weir_handler ratedsrc_handlers[] = {
	{ .name = "count", .read = ratedsrc_read, .arg = H_COUNT },
	{ .name = "reset", .write = ratedsrc_write, .arg = H_RESET },
	{ .name = "rate", .read = ratedsrc_read, .write = ratedsrc_write, .arg = H_RATE },
	{ .name = "data", .read = ratedsrc_read, .write = ratedsrc_write, .arg = H_DATA },
	{ .name = "length", .read = ratedsrc_read, .write = ratedsrc_write, .arg = H_LENGTH },
	{ .name = "limit", .read = ratedsrc_read, .write = ratedsrc_write, .arg = H_LIMIT },
	{ .name = "active", .read = ratedsrc_read, .write = ratedsrc_write, .arg = H_ACTIVE },
	WEIR_HANDLER_END
};

static const struct weir_element_class ratedsource_class = {
	.name = "RatedSource",
	.port_count = "0/1",
	.processing = "a/a",
	.priv_size = sizeof(struct ratedsrc),
	.args = ratedsrc_args,
	.configure = ratedsrc_configure,
	.initialize = ratedsrc_initialize,
	.cleanup = ratedsrc_cleanup,
	.pull = ratedsrc_pull,
	.handlers = ratedsrc_handlers,
	.doc = ratedsource_doc,
};
WEIR_ELEMENT_REGISTER(ratedsource_class)
