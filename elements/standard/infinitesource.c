/*
 * InfiniteSource([DATA, LIMIT, BURST, ACTIVE, KEYWORDS])
 *
 * generates packets whenever scheduled
 *
 * Creates packets consisting of DATA. Pushes BURST such packets out its single
 * output every time it is scheduled (which will be often), as one batch (or
 * several when BURST exceeds the largest batch). Stops sending after LIMIT
 * packets are generated; but if LIMIT is negative, sends packets forever.
 * Will send packets only if ACTIVE is true. Default DATA is at least 64 bytes
 * long. Default LIMIT is -1 (send packets forever). Default BURST is 1.
 * When its output is pulled, returns packets on demand (up to what the puller
 * asks for, within LIMIT), and offers an empty notifier that sleeps once
 * LIMIT is reached or ACTIVE is false.
 *
 * Keyword arguments are:
 *   DATA       String. Same as the DATA argument.
 *   LENGTH     Integer. If set, the outgoing packet will have this length
 *              (DATA is truncated, or repeated to fill).
 *   LIMIT      Integer. Same as the LIMIT argument.
 *   BURST      Integer. Same as the BURST argument.
 *   ACTIVE     Boolean. Same as the ACTIVE argument.
 *   STOP       Boolean. If true, then stop the driver once LIMIT packets are
 *              sent. Default is false.
 *   TIMESTAMP  Boolean. If false, do not set the timestamp annotation on
 *              generated packets. Defaults to true.
 *
 * Packets are clones of one template packet: they share its data until an
 * element writes to them. The template outlives them all (a template
 * replaced by the data or length handler is kept until cleanup), so the
 * clones need no reference count.
 *
 * Handlers:
 *   count (read-only)   total number of packets generated
 *   reset (write-only)  resets count to 0; generates another LIMIT packets
 *   data (read/write)   the DATA parameter
 *   length (read/write) the LENGTH parameter
 *   limit (read/write)  the LIMIT parameter
 *   burst (read/write)  the BURST parameter
 *   active (read/write) makes the element active or inactive
 *
 * Example:
 *   InfiniteSource(\<0800>, LIMIT 10, STOP true) -> Queue -> ...
 *
 * See also: RatedSource, TimedSource.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/notifier.h"
#include "weir/router.h"
#include "weir/task.h"
#include "source_priv.h"

static const char infinitesource_doc[] =
	"InfiniteSource([DATA, LIMIT, BURST, ACTIVE, KEYWORDS])\n"
	"\n"
	"generates packets whenever scheduled\n"
	"\n"
	"Creates packets consisting of DATA. Pushes BURST such packets out its single\n"
	"output every time it is scheduled (which will be often), as one batch (or\n"
	"several when BURST exceeds the largest batch). Stops sending after LIMIT\n"
	"packets are generated; but if LIMIT is negative, sends packets forever.\n"
	"Will send packets only if ACTIVE is true. Default DATA is at least 64 bytes\n"
	"long. Default LIMIT is -1 (send packets forever). Default BURST is 1.\n"
	"When its output is pulled, returns packets on demand (up to what the puller\n"
	"asks for, within LIMIT), and offers an empty notifier that sleeps once\n"
	"LIMIT is reached or ACTIVE is false.\n"
	"\n"
	"Keyword arguments are:\n"
	"  DATA       String. Same as the DATA argument.\n"
	"  LENGTH     Integer. If set, the outgoing packet will have this length\n"
	"             (DATA is truncated, or repeated to fill).\n"
	"  LIMIT      Integer. Same as the LIMIT argument.\n"
	"  BURST      Integer. Same as the BURST argument.\n"
	"  ACTIVE     Boolean. Same as the ACTIVE argument.\n"
	"  STOP       Boolean. If true, then stop the driver once LIMIT packets are\n"
	"             sent. Default is false.\n"
	"  TIMESTAMP  Boolean. If false, do not set the timestamp annotation on\n"
	"             generated packets. Defaults to true.\n"
	"\n"
	"Handlers:\n"
	"  count (read-only)   total number of packets generated\n"
	"  reset (write-only)  resets count to 0; generates another LIMIT packets\n"
	"  data (read/write)   the DATA parameter\n"
	"  length (read/write) the LENGTH parameter\n"
	"  limit (read/write)  the LIMIT parameter\n"
	"  burst (read/write)  the BURST parameter\n"
	"  active (read/write) makes the element active or inactive\n"
	"\n"
	"Example:\n"
	"  InfiniteSource(\\<0800>, LIMIT 10, STOP true) -> Queue -> ...\n"
	"\n"
	"See also: RatedSource, TimedSource.\n";

struct infsrc {
	/* configuration */
	struct weir_bytes data;
	bool data_given;
	int64_t limit;
	int32_t burst;
	bool active;
	bool stop;
	int64_t length;
	int64_t datasize; /* deprecated spelling of LENGTH */
	bool datasize_given;
	bool timestamp;
	/* state */
	struct weir_packet *tmpl;
	struct weir_packet *retired; /* earlier templates (linked by next) */
	struct weir_packet *srcs[WEIR_BATCH_MAX]; /* tmpl, repeated: clone sources */
	uint64_t count;
	bool stop_sent; /* please_stop already called for this LIMIT */
	bool pull_mode;
	bool task_ready;
	struct weir_task task;
	struct weir_notifier notifier; /* pull mode: active while packets remain */
};

static const struct weir_arg infsrc_args[] = {
	{ "DATA", WEIR_ARG_DATA, offsetof(struct infsrc, data),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_GIVEN, .given_offset = offsetof(struct infsrc, data_given),
	  .help = "packet data" },
	{ "LIMIT", WEIR_ARG_INT64, offsetof(struct infsrc, limit), WEIR_ARGF_POSITIONAL,
	  .def = "-1", .help = "total packet count (-1: no limit)" },
	{ "BURST", WEIR_ARG_INT, offsetof(struct infsrc, burst), WEIR_ARGF_POSITIONAL,
	  .def = "1", .help = "packets per scheduling" },
	{ "ACTIVE", WEIR_ARG_BOOL, offsetof(struct infsrc, active), WEIR_ARGF_POSITIONAL,
	  .def = "true", .help = "generate packets?" },
	{ "STOP", WEIR_ARG_BOOL, offsetof(struct infsrc, stop), 0, .def = "false",
	  .help = "stop the driver when LIMIT packets are sent" },
	{ "LENGTH", WEIR_ARG_INT64, offsetof(struct infsrc, length), 0, .def = "-1",
	  .help = "packet length (-1: the length of DATA)" },
	{ "DATASIZE", WEIR_ARG_INT64, offsetof(struct infsrc, datasize), WEIR_ARGF_GIVEN,
	  .given_offset = offsetof(struct infsrc, datasize_given),
	  .help = "deprecated: same as LENGTH" },
	{ "TIMESTAMP", WEIR_ARG_BOOL, offsetof(struct infsrc, timestamp), 0, .def = "true",
	  .help = "set the timestamp annotation" },
	WEIR_ARG_END
};

/* Packets left before LIMIT (UINT64_MAX when there is no limit). */
static uint64_t
infsrc_remaining(const struct infsrc *s)
{
	if (s->limit < 0)
		return UINT64_MAX;
	return s->count >= (uint64_t)s->limit ? 0 : (uint64_t)s->limit - s->count;
}

static void
infsrc_limit_reached(struct weir_element *e, struct infsrc *s)
{
	if (s->stop && !s->stop_sent) {
		s->stop_sent = true;
		weir_router_please_stop(e->router);
	}
}

/* Clone headers ran out: fill b with copies of the template instead. */
static void __attribute__((noinline))
infsrc_fill_copies(struct infsrc *s, struct weir_batch *b, uint32_t n)
{
	const struct weir_packet *t = s->tmpl;
	uint32_t i;
	for (i = 0; i < n; i++) {
		struct weir_packet *p =
			weir_packet_make(weir_packet_headroom(t), t->data, t->len, 0);
		if (!p)
			break; /* every pool is exhausted: try again next time */
		b->pkts[i] = p;
	}
	b->n = i;
}

/*
 * Fill b with n (<= WEIR_BATCH_MAX) clones of the template (copies when the
 * clone headers run out); returns how many, 0 when no pool has room.
 */
static uint32_t
infsrc_fill(struct infsrc *s, struct weir_batch *b, uint32_t n)
{
	b->n = weir_packet_clone_external_bulk(s->srcs, b->pkts, n);
	if (weir_unlikely(!b->n))
		infsrc_fill_copies(s, b, n);
	if (s->timestamp && b->n) {
		int64_t now = weir_wall_ns();
		for (uint32_t i = 0; i < b->n; i++)
			b->pkts[i]->timestamp_ns = now;
	}
	s->count += b->n;
	return b->n;
}

/* Make p the template; the old one is kept until cleanup (clones use it). */
static void
infsrc_set_template(struct infsrc *s, struct weir_packet *p)
{
	if (s->tmpl) {
		s->tmpl->next = s->retired;
		s->retired = s->tmpl;
	}
	s->tmpl = p;
	for (unsigned i = 0; i < WEIR_BATCH_MAX; i++)
		s->srcs[i] = p;
}

static bool
infsrc_run(struct weir_task *t, void *arg)
{
	struct weir_element *e = arg;
	struct infsrc *s = e->priv;
	uint64_t left = infsrc_remaining(s);
	if (!s->active || !left || !s->tmpl) {
		weir_task_unschedule(t);
		if (!left)
			infsrc_limit_reached(e, s);
		return false;
	}
	uint64_t n = WEIR_MIN((uint64_t)s->burst, left);
	uint64_t sent = 0;
	struct weir_batch b;
	while (sent < n) {
		uint32_t want = (uint32_t)WEIR_MIN(n - sent, (uint64_t)WEIR_BATCH_MAX);
		uint32_t got = infsrc_fill(s, &b, want);
		weir_output_push(e, 0, &b);
		sent += got;
		if (got < want)
			break;
	}
	/* at LIMIT the next run stops the driver, as in Click: the tasks after
	 * this one get one more round */
	return sent > 0;
}

static uint32_t
infsrc_pull(struct weir_element *e, int port, struct weir_batch *b, uint32_t max)
{
	struct infsrc *s = e->priv;
	uint64_t left = infsrc_remaining(s);
	if (!s->active || !left || !s->tmpl) {
		weir_notifier_sleep(&s->notifier);
		if (!left)
			infsrc_limit_reached(e, s);
		return 0;
	}
	uint32_t n = (uint32_t)WEIR_MIN((uint64_t)WEIR_MIN(max, WEIR_BATCH_MAX), left);
	infsrc_fill(s, b, n);
	if (!infsrc_remaining(s))
		weir_notifier_sleep(&s->notifier);
	return b->n;
}

static struct weir_notifier *
infsrc_notifier(struct weir_element *e, int port)
{
	struct infsrc *s = e->priv;
	return weir_output_is_push(e, 0) ? NULL : &s->notifier;
}

static int
infsrc_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct infsrc *s = e->priv;
	if (s->burst < 1)
		return weir_error(errh, "burst size must be >= 1");
	if (s->datasize_given)
		s->length = s->datasize;
	if ((size_t)WEIR_MAX(s->length, 0) > weir_packet_max_len())
		return weir_error(errh, "LENGTH %" PRId64 " too large (at most %zu)", s->length,
				  weir_packet_max_len());
	if (weir_source_default_data(&s->data, s->data_given) < 0)
		return weir_error(errh, "out of memory");
	weir_notifier_init(&s->notifier, s->active);
	return 0;
}

static int
infsrc_initialize(struct weir_element *e, struct weir_errh *errh)
{
	struct infsrc *s = e->priv;
	struct weir_packet *p = weir_source_template(&s->data, s->length, WEIR_DEFAULT_HEADROOM);
	if (!p)
		return weir_error(errh, "cannot make a %" PRId64 "-byte packet", s->length);
	infsrc_set_template(s, p);
	s->pull_mode = !weir_output_is_push(e, 0);
	if (!s->pull_mode) {
		weir_task_init(&s->task, e, infsrc_run, e);
		s->task_ready = true;
		if (s->active)
			weir_task_schedule(&s->task);
	}
	return 0;
}

static void
infsrc_cleanup(struct weir_element *e)
{
	struct infsrc *s = e->priv;
	if (s->task_ready)
		weir_task_unschedule(&s->task);
	if (s->tmpl)
		weir_packet_kill(s->tmpl);
	s->tmpl = NULL;
	while (s->retired) {
		struct weir_packet *p = s->retired;
		s->retired = p->next;
		weir_packet_kill(p);
	}
}

/* After a handler changed something: resume generating if there is work. */
static void
infsrc_kick(struct infsrc *s)
{
	if (!s->active || !infsrc_remaining(s) || !s->tmpl)
		return;
	if (s->pull_mode)
		weir_notifier_wake(&s->notifier);
	else if (s->task_ready)
		weir_task_schedule(&s->task);
}

static int
infsrc_remake(struct infsrc *s, struct weir_errh *errh)
{
	struct weir_packet *p = weir_source_template(&s->data, s->length, WEIR_DEFAULT_HEADROOM);
	if (!p)
		return weir_error(errh, "cannot make a %" PRId64 "-byte packet", s->length);
	infsrc_set_template(s, p);
	return 0;
}

enum { H_DATA, H_LIMIT, H_BURST, H_ACTIVE, H_COUNT, H_LENGTH, H_RESET };

static int
infsrc_read(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	struct infsrc *s = e->priv;
	switch (h->arg) {
	case H_DATA:
		weir_source_read_data(&s->data, out);
		break;
	case H_LIMIT:
		weir_strbuf_printf(out, "%" PRId64, s->limit);
		break;
	case H_BURST:
		weir_strbuf_printf(out, "%" PRId32, s->burst);
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
infsrc_write(struct weir_element *e, const char *value, const struct weir_handler *h,
	     struct weir_errh *errh)
{
	struct infsrc *s = e->priv;
	int64_t v;
	int32_t i;
	bool bv;
	int rc = 0;
	switch (h->arg) {
	case H_DATA:
		if (weir_source_set_data(&s->data, value) < 0)
			return weir_error(errh, "out of memory");
		rc = infsrc_remake(s, errh);
		break;
	case H_LIMIT:
		if (weir_parse_int64(value, &v) < 0)
			return weir_error(errh, "limit parameter must be integer");
		s->limit = v;
		s->stop_sent = false;
		break;
	case H_BURST:
		if (weir_parse_int(value, &i) < 0 || i < 1)
			return weir_error(errh, "burst parameter must be integer >= 1");
		s->burst = i;
		break;
	case H_ACTIVE:
		if (weir_parse_bool(value, &bv) < 0)
			return weir_error(errh, "active parameter must be boolean");
		s->active = bv;
		if (!bv && s->pull_mode)
			weir_notifier_sleep(&s->notifier);
		break;
	case H_RESET:
		s->count = 0;
		s->stop_sent = false;
		break;
	case H_LENGTH: {
		int64_t old = s->length;
		if (weir_parse_int64(value, &v) < 0)
			return weir_error(errh, "length must be integer");
		s->length = v;
		rc = infsrc_remake(s, errh);
		if (rc < 0)
			s->length = old;
		break;
	}
	default:
		return -EINVAL;
	}
	if (rc == 0)
		infsrc_kick(s);
	return rc;
}

static const struct weir_handler infsrc_handlers[] = {
	{ .name = "count", .read = infsrc_read, .arg = H_COUNT },
	{ .name = "reset", .write = infsrc_write, .arg = H_RESET },
	{ .name = "data", .read = infsrc_read, .write = infsrc_write, .arg = H_DATA },
	{ .name = "length", .read = infsrc_read, .write = infsrc_write, .arg = H_LENGTH },
	{ .name = "limit", .read = infsrc_read, .write = infsrc_write, .arg = H_LIMIT },
	{ .name = "burst", .read = infsrc_read, .write = infsrc_write, .arg = H_BURST },
	{ .name = "active", .read = infsrc_read, .write = infsrc_write, .arg = H_ACTIVE },
	WEIR_HANDLER_END
};

static const struct weir_element_class infinitesource_class = {
	.name = "InfiniteSource",
	.port_count = "0/1",
	.processing = "a/a",
	.priv_size = sizeof(struct infsrc),
	.args = infsrc_args,
	.configure = infsrc_configure,
	.initialize = infsrc_initialize,
	.cleanup = infsrc_cleanup,
	.pull = infsrc_pull,
	.notifier = infsrc_notifier,
	.handlers = infsrc_handlers,
	.doc = infinitesource_doc,
};
WEIR_ELEMENT_REGISTER(infinitesource_class)
