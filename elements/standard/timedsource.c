/*
 * TimedSource([INTERVAL, DATA, KEYWORDS])
 *
 * periodically generates a packet
 *
 * Creates packets consisting of DATA. Pushes such a packet out its single
 * output about once every INTERVAL seconds, the first one INTERVAL after
 * start. Default INTERVAL is 500 milliseconds; default DATA is at least 64
 * bytes long.
 *
 * Keyword arguments are:
 *   DATA      String. Same as the DATA argument.
 *   INTERVAL  Time. Same as the INTERVAL argument.
 *   LIMIT     Integer. Stops sending after LIMIT packets are generated; but if
 *             LIMIT is negative, sends packets forever.
 *   HEADROOM  Unsigned integer. Sets the amount of headroom on generated
 *             packets. Default is the default packet headroom.
 *   ACTIVE    Boolean. If false, send nothing until made active. Default true.
 *   STOP      Boolean. If true, then stop the driver once LIMIT packets are
 *             sent. Default is false.
 *
 * Handlers:
 *   data (read/write)      the DATA parameter
 *   interval (read/write)  the INTERVAL parameter ("500ms", "1.500000s")
 *   limit (read/write)     the LIMIT parameter
 *   active (read/write)    the ACTIVE parameter
 *   count (read-only)      packets sent so far
 *   headroom (read/write)  the HEADROOM parameter
 *   reset (write-only)     resets count to 0 and sends a packet at once
 *
 * Example:
 *   TimedSource(INTERVAL 0.333) -> ...
 *
 * See also: InfiniteSource, RatedSource.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/router.h"
#include "weir/task.h"
#include "source_priv.h"

static const char timedsource_doc[] =
	"TimedSource([INTERVAL, DATA, KEYWORDS])\n"
	"\n"
	"periodically generates a packet\n"
	"\n"
	"Creates packets consisting of DATA. Pushes such a packet out its single\n"
	"output about once every INTERVAL seconds, the first one INTERVAL after\n"
	"start. Default INTERVAL is 500 milliseconds; default DATA is at least 64\n"
	"bytes long.\n"
	"\n"
	"Keyword arguments are:\n"
	"  DATA      String. Same as the DATA argument.\n"
	"  INTERVAL  Time. Same as the INTERVAL argument.\n"
	"  LIMIT     Integer. Stops sending after LIMIT packets are generated; but if\n"
	"            LIMIT is negative, sends packets forever.\n"
	"  HEADROOM  Unsigned integer. Sets the amount of headroom on generated\n"
	"            packets. Default is the default packet headroom.\n"
	"  ACTIVE    Boolean. If false, send nothing until made active. Default true.\n"
	"  STOP      Boolean. If true, then stop the driver once LIMIT packets are\n"
	"            sent. Default is false.\n"
	"\n"
	"Handlers:\n"
	"  data (read/write)      the DATA parameter\n"
	"  interval (read/write)  the INTERVAL parameter (\"500ms\", \"1.500000s\")\n"
	"  limit (read/write)     the LIMIT parameter\n"
	"  active (read/write)    the ACTIVE parameter\n"
	"  count (read-only)      packets sent so far\n"
	"  headroom (read/write)  the HEADROOM parameter\n"
	"  reset (write-only)     resets count to 0 and sends a packet at once\n"
	"\n"
	"Example:\n"
	"  TimedSource(INTERVAL 0.333) -> ...\n"
	"\n"
	"See also: InfiniteSource, RatedSource.\n";

struct timedsrc {
	/* configuration */
	int64_t interval_ns;
	struct weir_bytes data;
	bool data_given;
	int64_t limit;
	bool active;
	bool stop;
	uint32_t headroom;
	bool headroom_given;
	/* state */
	struct weir_packet *tmpl;
	uint64_t count;
	bool stop_sent;
	bool timer_ready;
	struct weir_timer timer;
};

static const struct weir_arg timedsrc_args[] = {
	{ "INTERVAL", WEIR_ARG_SECONDS, offsetof(struct timedsrc, interval_ns),
	  WEIR_ARGF_POSITIONAL, .def = "0.5", .help = "time between packets" },
	{ "DATA", WEIR_ARG_DATA, offsetof(struct timedsrc, data),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_GIVEN,
	  .given_offset = offsetof(struct timedsrc, data_given), .help = "packet data" },
	{ "LIMIT", WEIR_ARG_INT64, offsetof(struct timedsrc, limit), 0, .def = "-1",
	  .help = "total packet count (-1: no limit)" },
	{ "ACTIVE", WEIR_ARG_BOOL, offsetof(struct timedsrc, active), 0, .def = "true",
	  .help = "generate packets?" },
	{ "STOP", WEIR_ARG_BOOL, offsetof(struct timedsrc, stop), 0, .def = "false",
	  .help = "stop the driver when LIMIT packets are sent" },
	{ "HEADROOM", WEIR_ARG_UINT, offsetof(struct timedsrc, headroom), WEIR_ARGF_GIVEN,
	  .given_offset = offsetof(struct timedsrc, headroom_given),
	  .help = "headroom of generated packets" },
	WEIR_ARG_END
};

static bool
timedsrc_done(const struct timedsrc *s)
{
	return s->limit >= 0 && s->count >= (uint64_t)s->limit;
}

static void
timedsrc_finish(struct weir_element *e, struct timedsrc *s)
{
	if (s->stop && !s->stop_sent) {
		s->stop_sent = true;
		weir_router_please_stop(e->router);
	}
}

static void
timedsrc_fire(struct weir_timer *t, void *arg)
{
	struct weir_element *e = arg;
	struct timedsrc *s = e->priv;
	if (!s->active || !s->tmpl)
		return;
	if (timedsrc_done(s)) {
		timedsrc_finish(e, s);
		return;
	}
	struct weir_packet *p = weir_packet_clone(s->tmpl);
	if (p) {
		p->timestamp_ns = weir_wall_ns();
		s->count++;
		weir_output_push_packet(e, 0, p);
	}
	if (!timedsrc_done(s))
		weir_timer_schedule_after(t, s->interval_ns);
	else if (s->stop)
		weir_timer_schedule_after(t, 0); /* stop on the next round */
}

static int
timedsrc_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct timedsrc *s = e->priv;
	if (s->interval_ns <= 0)
		return weir_error(errh, "INTERVAL must be greater than 0");
	if (!s->headroom_given)
		s->headroom = WEIR_DEFAULT_HEADROOM;
	if (weir_source_default_data(&s->data, s->data_given) < 0)
		return weir_error(errh, "out of memory");
	return 0;
}

static int
timedsrc_initialize(struct weir_element *e, struct weir_errh *errh)
{
	struct timedsrc *s = e->priv;
	s->tmpl = weir_source_template(&s->data, -1, s->headroom);
	if (!s->tmpl)
		return weir_error(errh, "cannot make a %zu-byte packet", s->data.len);
	weir_timer_init(&s->timer, e, timedsrc_fire, e);
	s->timer_ready = true;
	if (s->active)
		weir_timer_schedule_after(&s->timer, s->interval_ns);
	return 0;
}

static void
timedsrc_cleanup(struct weir_element *e)
{
	struct timedsrc *s = e->priv;
	if (s->timer_ready)
		weir_timer_unschedule(&s->timer);
	if (s->tmpl)
		weir_packet_kill(s->tmpl);
	s->tmpl = NULL;
}

static int
timedsrc_remake(struct timedsrc *s, struct weir_errh *errh)
{
	struct weir_packet *p = weir_source_template(&s->data, -1, s->headroom);
	if (!p)
		return weir_error(errh, "out of memory");
	if (s->tmpl)
		weir_packet_kill(s->tmpl);
	s->tmpl = p;
	return 0;
}

/* Click's Timestamp::unparse_interval: "500ms", "250us", "7ns", "1.500000s". */
static void
timedsrc_unparse_interval(int64_t ns, struct weir_strbuf *out)
{
	int64_t sec = ns / 1000000000, sub = ns % 1000000000;
	if (sec == 0 && sub % 1000000 == 0)
		weir_strbuf_printf(out, "%" PRId64 "ms", sub / 1000000);
	else if (sec == 0 && sub % 1000 == 0)
		weir_strbuf_printf(out, "%" PRId64 "us", sub / 1000);
	else if (sec == 0)
		weir_strbuf_printf(out, "%" PRId64 "ns", sub);
	else if (sub % 1000 == 0)
		weir_strbuf_printf(out, "%" PRId64 ".%06" PRId64 "s", sec, sub / 1000);
	else
		weir_strbuf_printf(out, "%" PRId64 ".%09" PRId64 "s", sec, sub);
}

enum { H_DATA, H_INTERVAL, H_LIMIT, H_ACTIVE, H_COUNT, H_HEADROOM, H_RESET };

static int
timedsrc_read(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	struct timedsrc *s = e->priv;
	switch (h->arg) {
	case H_DATA:
		weir_source_read_data(&s->data, out);
		break;
	case H_INTERVAL:
		timedsrc_unparse_interval(s->interval_ns, out);
		break;
	case H_LIMIT:
		weir_strbuf_printf(out, "%" PRId64, s->limit);
		break;
	case H_ACTIVE:
		weir_strbuf_puts(out, s->active ? "true" : "false");
		break;
	case H_COUNT:
		weir_strbuf_printf(out, "%" PRIu64, s->count);
		break;
	case H_HEADROOM:
		weir_strbuf_printf(out, "%" PRIu32, s->headroom);
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

/* Send the next packet now, if the timer is idle and there is work. */
static void
timedsrc_kick(struct timedsrc *s)
{
	if (s->timer_ready && s->active && !timedsrc_done(s) && !weir_timer_scheduled(&s->timer))
		weir_timer_schedule_after(&s->timer, 0);
}

static int
timedsrc_write(struct weir_element *e, const char *value, const struct weir_handler *h,
	       struct weir_errh *errh)
{
	struct timedsrc *s = e->priv;
	int64_t v;
	uint32_t u;
	bool bv;
	switch (h->arg) {
	case H_DATA:
		if (weir_source_set_data(&s->data, value) < 0)
			return weir_error(errh, "out of memory");
		return timedsrc_remake(s, errh);
	case H_HEADROOM:
		if (weir_parse_uint(value, &u) < 0)
			return weir_error(errh, "bad headroom");
		s->headroom = u;
		return timedsrc_remake(s, errh);
	case H_INTERVAL:
		if (weir_parse_seconds(value, &v) < 0 || v <= 0)
			return weir_error(errh, "bad interval");
		s->interval_ns = v;
		return 0;
	case H_LIMIT:
		if (weir_parse_int64(value, &v) < 0)
			return weir_error(errh, "bad limit");
		s->limit = v;
		s->stop_sent = false;
		timedsrc_kick(s);
		return 0;
	case H_ACTIVE:
		if (weir_parse_bool(value, &bv) < 0)
			return weir_error(errh, "bad active");
		s->active = bv;
		timedsrc_kick(s);
		return 0;
	case H_RESET:
		s->count = 0;
		s->stop_sent = false;
		timedsrc_kick(s);
		return 0;
	default:
		return -EINVAL;
	}
}

static const struct weir_handler timedsrc_handlers[] = {
	{ .name = "data", .read = timedsrc_read, .write = timedsrc_write, .arg = H_DATA },
	{ .name = "interval", .read = timedsrc_read, .write = timedsrc_write, .arg = H_INTERVAL },
	{ .name = "limit", .read = timedsrc_read, .write = timedsrc_write, .arg = H_LIMIT },
	{ .name = "active", .read = timedsrc_read, .write = timedsrc_write, .arg = H_ACTIVE },
	{ .name = "count", .read = timedsrc_read, .arg = H_COUNT },
	{ .name = "headroom", .read = timedsrc_read, .write = timedsrc_write, .arg = H_HEADROOM },
	{ .name = "reset", .write = timedsrc_write, .arg = H_RESET },
	WEIR_HANDLER_END
};

static const struct weir_element_class timedsource_class = {
	.name = "TimedSource",
	.port_count = "0/1",
	.processing = "h/h",
	.priv_size = sizeof(struct timedsrc),
	.args = timedsrc_args,
	.configure = timedsrc_configure,
	.initialize = timedsrc_initialize,
	.cleanup = timedsrc_cleanup,
	.handlers = timedsrc_handlers,
	.doc = timedsource_doc,
};
WEIR_ELEMENT_REGISTER(timedsource_class)
