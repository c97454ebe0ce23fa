/*
 * Discard([KEYWORDS ACTIVE, BURST])
 *
 * drops all packets
 *
 * Discards all packets received on its single input. If used in a pull
 * context, it initiates pulls whenever packets are available, and listens for
 * activity notification, such as that available from Queue: it sleeps while
 * the upstream notifier says there is nothing to pull.
 *
 * Keyword arguments are:
 *   ACTIVE  Boolean. If false, then Discard does not pull packets. Default is
 *           true. Only meaningful in pull context.
 *   BURST   Unsigned. Number of packets to pull per scheduling. Default is 1,
 *           at most 256. Only meaningful in pull context.
 *
 * Handlers:
 *   count (read-only)          the number of packets discarded
 *   reset_counts (write-only)  resets "count" to 0
 *   reset (write-only)         same as reset_counts
 *   active (read/write)        the ACTIVE parameter
 *
 * Example:
 *   InfiniteSource(LIMIT 10, STOP true) -> d :: Discard;
 *
 * See also: Idle, Queue.
 */
#include <inttypes.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/notifier.h"
#include "weir/task.h"

static const char discard_doc[] =
	"Discard([KEYWORDS ACTIVE, BURST])\n"
	"\n"
	"drops all packets\n"
	"\n"
	"Discards all packets received on its single input. If used in a pull\n"
	"context, it initiates pulls whenever packets are available, and listens for\n"
	"activity notification, such as that available from Queue: it sleeps while\n"
	"the upstream notifier says there is nothing to pull.\n"
	"\n"
	"Keyword arguments are:\n"
	"  ACTIVE  Boolean. If false, then Discard does not pull packets. Default is\n"
	"          true. Only meaningful in pull context.\n"
	"  BURST   Unsigned. Number of packets to pull per scheduling. Default is 1,\n"
	"          at most 256. Only meaningful in pull context.\n"
	"\n"
	"Handlers:\n"
	"  count (read-only)          the number of packets discarded\n"
	"  reset_counts (write-only)  resets \"count\" to 0\n"
	"  reset (write-only)         same as reset_counts\n"
	"  active (read/write)        the ACTIVE parameter\n"
	"\n"
	"Example:\n"
	"  InfiniteSource(LIMIT 10, STOP true) -> d :: Discard;\n"
	"\n"
	"See also: Idle, Queue.\n";

struct discard {
	bool active;
	uint32_t burst;
	bool pull_mode;
	bool task_ready;
	struct weir_task task;
	struct weir_notifier *upstream; /* NULL: no notifier, keep polling */
};

struct discard_pt {
	uint64_t count;
};

static const struct weir_arg discard_args[] = {
	{ "ACTIVE", WEIR_ARG_BOOL, offsetof(struct discard, active), 0, .def = "true",
	  .help = "pull packets? (pull context)" },
	{ "BURST", WEIR_ARG_UINT, offsetof(struct discard, burst), WEIR_ARGF_BOUNDED,
	  .def = "1", .min = 1, .max = WEIR_BATCH_MAX, .help = "packets per pull" },
	WEIR_ARG_END
};

static void
discard_push(struct weir_element *e, int port, struct weir_batch *b)
{
	struct discard_pt *pt = weir_element_pt(e);
	pt->count += b->n;
	weir_batch_kill(b);
}

static bool
discard_run(struct weir_task *t, void *arg)
{
	struct weir_element *e = arg;
	struct discard *s = e->priv;
	if (!s->active) {
		weir_task_unschedule(t);
		return false;
	}
	struct weir_batch b;
	uint32_t n = weir_input_pull(e, 0, &b, s->burst);
	if (n) {
		struct discard_pt *pt = weir_element_pt(e);
		pt->count += n;
		weir_batch_kill(&b);
		return true;
	}
	if (s->upstream && !weir_notifier_active(s->upstream))
		weir_task_unschedule(t);
	return false;
}

static int
discard_initialize(struct weir_element *e, struct weir_errh *errh)
{
	struct discard *s = e->priv;
	s->pull_mode = weir_input_is_pull(e, 0);
	if (!s->pull_mode)
		return 0;
	weir_task_init(&s->task, e, discard_run, e);
	s->task_ready = true;
	s->upstream = weir_notifier_upstream(e, 0);
	if (s->upstream && weir_notifier_add_listener(s->upstream, &s->task) < 0)
		s->upstream = NULL; /* listener table full: poll instead */
	if (s->active)
		weir_task_schedule(&s->task);
	return 0;
}

static void
discard_cleanup(struct weir_element *e)
{
	struct discard *s = e->priv;
	if (s->task_ready)
		weir_task_unschedule(&s->task);
}

static int
discard_read_count(struct weir_element *e, const struct weir_handler *h,
		   struct weir_strbuf *out)
{
	weir_strbuf_printf(out, "%" PRIu64, WEIR_PT_SUM(e, struct discard_pt, count));
	return 0;
}

static int
discard_write_reset(struct weir_element *e, const char *value, const struct weir_handler *h,
		    struct weir_errh *errh)
{
	for (unsigned t = 0; t < weir_element_nthreads(e); t++)
		((struct discard_pt *)weir_element_pt_at(e, t))->count = 0;
	return 0;
}

static int
discard_write_active(struct weir_element *e, const char *value, const struct weir_handler *h,
		     struct weir_errh *errh)
{
	struct discard *s = e->priv;
	bool v;
	if (weir_parse_bool(value, &v) < 0)
		return weir_error(errh, "active: expected boolean, got '%s'", value);
	s->active = v;
	if (v && s->task_ready)
		weir_task_schedule(&s->task);
	return 0;
}

static const struct weir_handler discard_handlers[] = {
	{ .name = "count", .read = discard_read_count },
	{ .name = "reset_counts", .write = discard_write_reset },
	{ .name = "reset", .write = discard_write_reset },
	{ .name = "active", .read = weir_handler_read_bool, .write = discard_write_active,
	  .arg = offsetof(struct discard, active) },
	WEIR_HANDLER_END
};

static const struct weir_element_class discard_class = {
	.name = "Discard",
	.port_count = "1/0",
	.processing = "a/a",
	.priv_size = sizeof(struct discard),
	.pt_size = sizeof(struct discard_pt),
	.args = discard_args,
	.initialize = discard_initialize,
	.cleanup = discard_cleanup,
	.push = discard_push,
	.handlers = discard_handlers,
	.doc = discard_doc,
};
WEIR_ELEMENT_REGISTER(discard_class)
