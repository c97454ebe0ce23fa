/*
 * Queue
 * Queue(CAPACITY)
 * SimpleQueue
 * SimpleQueue(CAPACITY)
 *
 * stores packets in a FIFO queue
 *
 * Stores incoming packets in a first-in-first-out queue. Drops incoming
 * packets if the queue already holds CAPACITY packets. The default for
 * CAPACITY is 1000. Packets are pushed in on the input and pulled out of the
 * output; a pull returns up to as many packets as the puller asks for, oldest
 * first. The first drop prints "NAME :: CLASS: overflow" on standard error,
 * once, as Click does.
 *
 * Queue also has an empty notifier: it is active while the queue holds
 * packets, so pullers downstream (Unqueue, ToDump, Discard) sleep while it is
 * empty. SimpleQueue has none (to pullers it looks always active): its
 * pullers keep polling. This file holds both classes; they share everything
 * else.
 *
 * Handlers:
 *   length (read-only)            current number of packets in the queue
 *   highwater_length (read-only)  most packets that have ever been in the
 *                                 queue at once
 *   capacity (read/write)         the queue's capacity (packets beyond a
 *                                 smaller new capacity are dropped)
 *   drops (read-only)             packets dropped by the queue so far
 *   reset_counts (write-only)     resets drops, and highwater_length to the
 *                                 current length
 *   reset (write-only)            drops all packets in the queue
 *
 * Example:
 *   InfiniteSource(LIMIT 100) -> q :: Queue(10) -> Unqueue -> Discard;
 *
 * See also: Unqueue, Discard.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/notifier.h"
#include "queue_priv.h"

#define QUEUE_DOC_BODY                                                                     \
	"stores packets in a FIFO queue\n"                                                 \
	"\n"                                                                               \
	"Stores incoming packets in a first-in-first-out queue. Drops incoming\n"          \
	"packets if the queue already holds CAPACITY packets. The default for\n"           \
	"CAPACITY is 1000. Packets are pushed in on the input and pulled out of the\n"     \
	"output; a pull returns up to as many packets as the puller asks for, oldest\n"    \
	"first. The first drop prints \"NAME :: CLASS: overflow\" on standard error,\n"    \
	"once, as Click does.\n"                                                           \
	"\n"                                                                               \
	"Queue also has an empty notifier: it is active while the queue holds\n"           \
	"packets, so pullers downstream (Unqueue, ToDump, Discard) sleep while it is\n"    \
	"empty. SimpleQueue has none (to pullers it looks always active): its\n"         \
	"pullers keep polling.\n"                                                         \
	"\n"                                                                               \
	"Handlers:\n"                                                                      \
	"  length (read-only)            current number of packets in the queue\n"         \
	"  highwater_length (read-only)  most packets that have ever been in the\n"        \
	"                                queue at once\n"                                  \
	"  capacity (read/write)         the queue's capacity (packets beyond a\n"         \
	"                                smaller new capacity are dropped)\n"              \
	"  drops (read-only)             packets dropped by the queue so far\n"            \
	"  reset_counts (write-only)     resets drops, and highwater_length to the\n"      \
	"                                current length\n"                                 \
	"  reset (write-only)            drops all packets in the queue\n"                 \
	"\n"                                                                               \
	"Example:\n"                                                                       \
	"  InfiniteSource(LIMIT 100) -> q :: Queue(10) -> Unqueue -> Discard;\n"           \
	"\n"                                                                               \
	"See also: Unqueue, Discard.\n"

static const char queue_doc[] = "Queue\nQueue(CAPACITY)\n\n" QUEUE_DOC_BODY;
static const char simplequeue_doc[] = "SimpleQueue\nSimpleQueue(CAPACITY)\n\n" QUEUE_DOC_BODY;

struct queue {
	uint32_t capacity;
	struct weir_pktring ring;
	uint64_t drops;
	uint32_t highwater;
	bool overflow_reported;
	bool notify;                   /* Queue: keeps empty_note up to date */
	struct weir_notifier empty_note; /* active while non-empty */
};

static const struct weir_arg queue_args[] = {
	{ "CAPACITY", WEIR_ARG_UINT, offsetof(struct queue, capacity),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_BOUNDED, .def = "1000", .min = 0,
	  .max = WEIR_PKTRING_MAX_CAPACITY, .help = "most packets held" },
	WEIR_ARG_END
};

static void
queue_overflow(struct weir_element *e, struct queue *q, struct weir_batch *b, uint32_t from)
{
	struct weir_batch rest;
	rest.n = b->n - from;
	memcpy(rest.pkts, b->pkts + from, rest.n * sizeof(rest.pkts[0]));
	q->drops += rest.n;
	weir_batch_kill(&rest);
	if (!q->overflow_reported && q->capacity > 0) {
		/* Click's one-time click_chatter("%p{element}: overflow") */
		q->overflow_reported = true;
		fprintf(stderr, "%s :: %s: overflow\n", e->name, e->cls->name);
	}
}

static void
queue_push(struct weir_element *e, int port, struct weir_batch *b)
{
	struct queue *q = e->priv;
	uint32_t k = weir_pktring_enqueue(&q->ring, b->pkts, b->n);
	if (weir_unlikely(k < b->n))
		queue_overflow(e, q, b, k);
	b->n = 0;
	uint32_t len = weir_pktring_len(&q->ring);
	if (len > q->highwater)
		q->highwater = len;
	if (q->notify && k) {
		/* pairs with the puller's sleep-then-recheck (several threads) */
		if (weir_element_nthreads(e) > 1)
			weir_smp_mb();
		if (!weir_notifier_active(&q->empty_note))
			weir_notifier_wake(&q->empty_note);
	}
}

static uint32_t
queue_pull(struct weir_element *e, int port, struct weir_batch *b, uint32_t max)
{
	struct queue *q = e->priv;
	if (max > WEIR_BATCH_MAX)
		max = WEIR_BATCH_MAX;
	b->n = weir_pktring_dequeue(&q->ring, b->pkts, max);
	if (q->notify && weir_notifier_active(&q->empty_note) && weir_pktring_len(&q->ring) == 0) {
		weir_notifier_sleep(&q->empty_note);
		/* a producer on another thread may have pushed between the
		 * check and the sleep, seen the note active and not woken it */
		if (weir_pktring_len(&q->ring) != 0)
			weir_notifier_wake(&q->empty_note);
	}
	return b->n;
}

static struct weir_notifier *
queue_notifier(struct weir_element *e, int port)
{
	struct queue *q = e->priv;
	return &q->empty_note;
}

static int
queue_configure_common(struct weir_element *e, bool notify)
{
	struct queue *q = e->priv;
	q->notify = notify;
	/* SimpleQueue's note stays active: pullers poll, and the upstream
	 * notifier search stops here instead of finding one further up */
	weir_notifier_init(&q->empty_note, !notify);
	return 0;
}

static int
queue_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	return queue_configure_common(e, true);
}

static int
simplequeue_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	return queue_configure_common(e, false);
}

static int
queue_initialize(struct weir_element *e, struct weir_errh *errh)
{
	struct queue *q = e->priv;
	if (weir_pktring_init(&q->ring, q->capacity) < 0)
		return weir_error(errh, "out of memory for %" PRIu32 " packets", q->capacity);
	return 0;
}

static void
queue_cleanup(struct weir_element *e)
{
	struct queue *q = e->priv;
	weir_pktring_fini(&q->ring);
}

enum { H_LENGTH, H_HIGHWATER, H_CAPACITY, H_DROPS, H_RESET_COUNTS, H_RESET };

static int
queue_read(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	struct queue *q = e->priv;
	switch (h->arg) {
	case H_LENGTH:
		weir_strbuf_printf(out, "%" PRIu32, q->ring.slots ? weir_pktring_len(&q->ring) : 0);
		return 0;
	case H_HIGHWATER:
		weir_strbuf_printf(out, "%" PRIu32, q->highwater);
		return 0;
	case H_CAPACITY:
		weir_strbuf_printf(out, "%" PRIu32, q->capacity);
		return 0;
	case H_DROPS:
		weir_strbuf_printf(out, "%" PRIu64, q->drops);
		return 0;
	default:
		return -EINVAL;
	}
}

static int
queue_write(struct weir_element *e, const char *value, const struct weir_handler *h,
	    struct weir_errh *errh)
{
	struct queue *q = e->priv;
	uint32_t cap;
	switch (h->arg) {
	case H_CAPACITY:
		if (weir_parse_uint(value, &cap) < 0 || cap > WEIR_PKTRING_MAX_CAPACITY)
			return weir_error(errh, "CAPACITY: expected unsigned integer at most %u, "
					  "got '%s'", WEIR_PKTRING_MAX_CAPACITY, value);
		if (q->ring.slots && weir_pktring_resize(&q->ring, cap) < 0)
			return weir_error(errh, "out of memory for %" PRIu32 " packets", cap);
		q->capacity = cap;
		break;
	case H_RESET_COUNTS:
		q->drops = 0;
		q->highwater = q->ring.slots ? weir_pktring_len(&q->ring) : 0;
		q->overflow_reported = false;
		return 0;
	case H_RESET:
		if (q->ring.slots)
			weir_pktring_clear(&q->ring);
		break;
	default:
		return -EINVAL;
	}
	if (q->notify && q->ring.slots && q->ring.head == q->ring.tail)
		weir_notifier_sleep(&q->empty_note);
	return 0;
}

static const struct weir_handler queue_handlers[] = {
	{ .name = "length", .read = queue_read, .arg = H_LENGTH },
	{ .name = "highwater_length", .read = queue_read, .arg = H_HIGHWATER },
	{ .name = "capacity", .read = queue_read, .write = queue_write, .arg = H_CAPACITY },
	{ .name = "drops", .read = queue_read, .arg = H_DROPS },
	{ .name = "reset_counts", .write = queue_write, .arg = H_RESET_COUNTS },
	{ .name = "reset", .write = queue_write, .arg = H_RESET },
	WEIR_HANDLER_END
};

static const struct weir_element_class queue_class = {
	.name = "Queue",
	.flags = WEIR_CLASS_SPSC,
	.port_count = "1/1",
	.processing = "h/l",
	.priv_size = sizeof(struct queue),
	.args = queue_args,
	.configure = queue_configure,
	.initialize = queue_initialize,
	.cleanup = queue_cleanup,
	.push = queue_push,
	.pull = queue_pull,
	.notifier = queue_notifier,
	.handlers = queue_handlers,
	.doc = queue_doc,
};
WEIR_ELEMENT_REGISTER(queue_class)

static const struct weir_element_class simplequeue_class = {
	.name = "SimpleQueue",
	.flags = WEIR_CLASS_SPSC,
	.port_count = "1/1",
	.processing = "h/l",
	.priv_size = sizeof(struct queue),
	.args = queue_args,
	.configure = simplequeue_configure,
	.initialize = queue_initialize,
	.cleanup = queue_cleanup,
	.push = queue_push,
	.pull = queue_pull,
	.notifier = queue_notifier,
	.handlers = queue_handlers,
	.doc = simplequeue_doc,
};
WEIR_ELEMENT_REGISTER(simplequeue_class)
