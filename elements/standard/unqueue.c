/*
 * Unqueue([BURST, KEYWORDS ACTIVE, LIMIT])
 *
 * pull-to-push converter
 *
 * Pulls packets whenever they are available, then pushes them out its single
 * output. Pulls a maximum of BURST packets every time it is scheduled, and
 * pushes what one pull returned as one batch. Default BURST is 1. If BURST
 * is less than 0, pull until nothing comes back (at most 64 full batches per
 * scheduling). When a pull returns nothing and the upstream empty notifier
 * (a Queue's) is asleep, Unqueue sleeps until it wakes; without a notifier
 * upstream it keeps polling.
 *
 * Keyword arguments are:
 *   ACTIVE  If false, does nothing (doesn't pull packets). One possible use
 *           is to set ACTIVE to false in the configuration, and later change
 *           it to true with a handler from DriverManager element. The
 *           default value is true.
 *   LIMIT   If positive, then at most LIMIT packets are pulled. The default
 *           is -1, which means there is no limit.
 *
 * Handlers:
 *   count (read-only)    the count of packets that have passed through
 *   reset (write-only)   resets the count to 0; this may reschedule the
 *                        Unqueue to pull LIMIT more packets
 *   active (read/write)  same as the ACTIVE keyword
 *   limit (read/write)   same as the LIMIT keyword
 *   burst (read/write)   same as the BURST keyword
 *
 * Example:
 *   InfiniteSource(LIMIT 100) -> Queue -> Unqueue(32) -> Discard;
 *
 * See also: Queue, Discard.
 */
#include <errno.h>
#include <inttypes.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/notifier.h"
#include "weir/task.h"

static const char unqueue_doc[] =
	"Unqueue([BURST, KEYWORDS ACTIVE, LIMIT])\n"
	"\n"
	"pull-to-push converter\n"
	"\n"
	"Pulls packets whenever they are available, then pushes them out its single\n"
	"output. Pulls a maximum of BURST packets every time it is scheduled, and\n"
	"pushes what one pull returned as one batch. Default BURST is 1. If BURST\n"
	"is less than 0, pull until nothing comes back (at most 64 full batches per\n"
	"scheduling). When a pull returns nothing and the upstream empty notifier\n"
	"(a Queue's) is asleep, Unqueue sleeps until it wakes; without a notifier\n"
	"upstream it keeps polling.\n"
	"\n"
	"Keyword arguments are:\n"
	"  ACTIVE  If false, does nothing (doesn't pull packets). One possible use\n"
	"          is to set ACTIVE to false in the configuration, and later change\n"
	"          it to true with a handler from DriverManager element. The\n"
	"          default value is true.\n"
	"  LIMIT   If positive, then at most LIMIT packets are pulled. The default\n"
	"          is -1, which means there is no limit.\n"
	"\n"
	"Handlers:\n"
	"  count (read-only)    the count of packets that have passed through\n"
	"  reset (write-only)   resets the count to 0; this may reschedule the\n"
	"                       Unqueue to pull LIMIT more packets\n"
	"  active (read/write)  same as the ACTIVE keyword\n"
	"  limit (read/write)   same as the LIMIT keyword\n"
	"  burst (read/write)   same as the BURST keyword\n"
	"\n"
	"Example:\n"
	"  InfiniteSource(LIMIT 100) -> Queue -> Unqueue(32) -> Discard;\n"
	"\n"
	"See also: Queue, Discard.\n";

#define UNQUEUE_UNBOUNDED_BATCHES 64 /* BURST < 0: full batches per scheduling */

struct unqueue {
	int32_t burst;
	bool active;
	int64_t limit;
	uint64_t count;
	bool task_ready;
	struct weir_task task;
	struct weir_notifier *upstream; /* NULL: none, poll */
};

static const struct weir_arg unqueue_args[] = {
	{ "BURST", WEIR_ARG_INT, offsetof(struct unqueue, burst), WEIR_ARGF_POSITIONAL,
	  .def = "1", .help = "packets per scheduling (< 0: until empty)" },
	{ "ACTIVE", WEIR_ARG_BOOL, offsetof(struct unqueue, active), 0, .def = "true",
	  .help = "pull packets?" },
	{ "LIMIT", WEIR_ARG_INT64, offsetof(struct unqueue, limit), 0, .def = "-1",
	  .help = "most packets pulled (-1: no limit)" },
	WEIR_ARG_END
};

/* Packets this scheduling may pull. */
static uint64_t
unqueue_budget(const struct unqueue *u)
{
	uint64_t budget = u->burst < 0 ? (uint64_t)UNQUEUE_UNBOUNDED_BATCHES * WEIR_BATCH_MAX
				       : (uint64_t)u->burst;
	if (u->limit >= 0) {
		uint64_t left = u->count >= (uint64_t)u->limit ? 0 : (uint64_t)u->limit - u->count;
		budget = WEIR_MIN(budget, left);
	}
	return budget;
}

static bool
unqueue_run(struct weir_task *t, void *arg)
{
	struct weir_element *e = arg;
	struct unqueue *u = e->priv;
	uint64_t budget = u->active ? unqueue_budget(u) : 0;
	if (!budget) {
		weir_task_unschedule(t);
		return false;
	}
	uint64_t got = 0;
	struct weir_batch b;
	while (got < budget) {
		uint32_t want = (uint32_t)WEIR_MIN(budget - got, (uint64_t)WEIR_BATCH_MAX);
		uint32_t n = weir_input_pull(e, 0, &b, want);
		if (!n)
			break;
		u->count += n;
		got += n;
		weir_output_push(e, 0, &b);
		if (n < want)
			break;
	}
	if (!got && u->upstream && !weir_notifier_active(u->upstream))
		weir_task_unschedule(t);
	else if (!unqueue_budget(u))
		weir_task_unschedule(t); /* LIMIT reached */
	return got > 0;
}

static int
unqueue_initialize(struct weir_element *e, struct weir_errh *errh)
{
	struct unqueue *u = e->priv;
	if (u->burst == 0)
		weir_warning(errh, "BURST size 0, no packets will be pulled");
	weir_task_init(&u->task, e, unqueue_run, e);
	u->task_ready = true;
	u->upstream = weir_notifier_upstream(e, 0);
	if (u->upstream && weir_notifier_add_listener(u->upstream, &u->task) < 0)
		u->upstream = NULL; /* listener table full: poll instead */
	if (u->active)
		weir_task_schedule(&u->task);
	return 0;
}

static void
unqueue_cleanup(struct weir_element *e)
{
	struct unqueue *u = e->priv;
	if (u->task_ready)
		weir_task_unschedule(&u->task);
}

enum { H_COUNT, H_ACTIVE, H_LIMIT, H_BURST, H_RESET };

static int
unqueue_read(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	struct unqueue *u = e->priv;
	switch (h->arg) {
	case H_COUNT:
		weir_strbuf_printf(out, "%" PRIu64, u->count);
		return 0;
	case H_ACTIVE:
		weir_strbuf_puts(out, u->active ? "true" : "false");
		return 0;
	case H_LIMIT:
		weir_strbuf_printf(out, "%" PRId64, u->limit);
		return 0;
	case H_BURST:
		weir_strbuf_printf(out, "%" PRId32, u->burst);
		return 0;
	default:
		return -EINVAL;
	}
}

static int
unqueue_write(struct weir_element *e, const char *value, const struct weir_handler *h,
	      struct weir_errh *errh)
{
	struct unqueue *u = e->priv;
	bool bv;
	int64_t v;
	int32_t i;
	switch (h->arg) {
	case H_ACTIVE:
		if (weir_parse_bool(value, &bv) < 0)
			return weir_error(errh, "active parameter must be boolean");
		u->active = bv;
		break;
	case H_LIMIT:
		if (weir_parse_int64(value, &v) < 0)
			return weir_error(errh, "limit parameter must be integer");
		u->limit = v;
		break;
	case H_BURST:
		if (weir_parse_int(value, &i) < 0)
			return weir_error(errh, "burst parameter must be integer");
		u->burst = i;
		break;
	case H_RESET:
		u->count = 0;
		break;
	default:
		return -EINVAL;
	}
	if (u->task_ready && u->active && unqueue_budget(u))
		weir_task_schedule(&u->task);
	return 0;
}

static const struct weir_handler unqueue_handlers[] = {
	{ .name = "count", .read = unqueue_read, .arg = H_COUNT },
	{ .name = "reset", .write = unqueue_write, .arg = H_RESET },
	{ .name = "active", .read = unqueue_read, .write = unqueue_write, .arg = H_ACTIVE },
	{ .name = "limit", .read = unqueue_read, .write = unqueue_write, .arg = H_LIMIT },
	{ .name = "burst", .read = unqueue_read, .write = unqueue_write, .arg = H_BURST },
	WEIR_HANDLER_END
};

static const struct weir_element_class unqueue_class = {
	.name = "Unqueue",
	.port_count = "1/1",
	.processing = "l/h",
	.priv_size = sizeof(struct unqueue),
	.args = unqueue_args,
	.initialize = unqueue_initialize,
	.cleanup = unqueue_cleanup,
	.handlers = unqueue_handlers,
	.doc = unqueue_doc,
};
WEIR_ELEMENT_REGISTER(unqueue_class)
