/* threadsafequeue.c - ThreadSafeQueue: a packet queue any number of threads push into and pull from. */
#include <errno.h>
#include <inttypes.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/notifier.h"
#include "mpring.h"

/*
 * ThreadSafeQueue([CAPACITY])
 *
 * stores packets in a FIFO queue that several threads may use at once
 *
 * Like Queue, but any number of threads may push packets into its input and
 * pull them from its output at the same time, with no lock: a bounded
 * multi-producer, multi-consumer ring where each batch costs one atomic
 * reservation per side. Packets that do not fit are dropped and counted.
 * CAPACITY defaults to 1000. The empty notifier lets a puller on another
 * thread (Unqueue, ToDump) sleep until packets arrive.
 *
 * Handlers:
 *   length (read-only)            current number of packets
 *   highwater_length (read-only)  most packets seen at once (approximate
 *                                 while several threads push)
 *   capacity (read-only)          CAPACITY
 *   drops (read-only)             packets dropped because the queue was full
 *   reset_counts (write-only)     resets drops and highwater_length
 *
 * Example:
 *   s0 :: InfiniteSource(THREAD 0) -> q :: ThreadSafeQueue;
 *   s1 :: InfiniteSource(THREAD 1) -> q;
 *   q -> Unqueue(THREAD 1) -> Discard;
 */
static const char tsq_doc[] =
	"ThreadSafeQueue([CAPACITY])\n"
	"\n"
	"stores packets in a FIFO queue that several threads may use at once\n"
	"\n"
	"Like Queue, but any number of threads may push packets into its input and\n"
	"pull them from its output at the same time, with no lock: a bounded\n"
	"multi-producer, multi-consumer ring where each batch costs one atomic\n"
	"reservation per side. Packets that do not fit are dropped and counted.\n"
	"CAPACITY defaults to 1000. The empty notifier lets a puller on another\n"
	"thread (Unqueue, ToDump) sleep until packets arrive.\n"
	"\n"
	"Handlers:\n"
	"  length (read-only)            current number of packets\n"
	"  highwater_length (read-only)  most packets seen at once (approximate\n"
	"                                while several threads push)\n"
	"  capacity (read-only)          CAPACITY\n"
	"  drops (read-only)             packets dropped because the queue was full\n"
	"  reset_counts (write-only)     resets drops and highwater_length\n"
	"\n"
	"Example:\n"
	"  s0 :: InfiniteSource(THREAD 0) -> q :: ThreadSafeQueue;\n"
	"  s1 :: InfiniteSource(THREAD 1) -> q;\n"
	"  q -> Unqueue(THREAD 1) -> Discard;\n";

struct tsq {
	uint32_t capacity;
	struct weir_mpring ring;
	struct weir_notifier empty_note;
};

struct tsq_pt {
	uint64_t drops;
	uint64_t highwater;
};

static const struct weir_arg tsq_args[] = {
	{ "CAPACITY", WEIR_ARG_UINT, offsetof(struct tsq, capacity),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_BOUNDED, .def = "1000", .min = 1, .max = 1u << 30,
	  .help = "most packets held" },
	WEIR_ARG_END
};

static void
tsq_push(struct weir_element *e, int port, struct weir_batch *b)
{
	struct tsq *q = e->priv;
	struct tsq_pt *pt = weir_element_pt(e);
	uint32_t k = weir_mpring_enqueue(&q->ring, b->pkts, b->n);

	if (weir_unlikely(k < b->n)) {
		pt->drops += b->n - k;
		weir_packet_kill_bulk(b->pkts + k, b->n - k);
	}
	b->n = 0;
	if (k == 0)
		return;
	uint64_t len = weir_mpring_len(&q->ring); /* seq_cst: orders the check below */
	if (len > pt->highwater)
		pt->highwater = len;
	if (!weir_notifier_active(&q->empty_note))
		weir_notifier_wake(&q->empty_note);
}

static uint32_t
tsq_pull(struct weir_element *e, int port, struct weir_batch *b, uint32_t max)
{
	struct tsq *q = e->priv;

	if (max > WEIR_BATCH_MAX)
		max = WEIR_BATCH_MAX;
	b->n = weir_mpring_dequeue(&q->ring, b->pkts, max);
	if (b->n == 0 && weir_notifier_active(&q->empty_note)) {
		weir_notifier_sleep(&q->empty_note);
		/* a producer may have pushed between our look and the sleep */
		if (weir_mpring_len(&q->ring) != 0)
			weir_notifier_wake(&q->empty_note);
	}
	return b->n;
}

static struct weir_notifier *
tsq_notifier(struct weir_element *e, int port)
{
	struct tsq *q = e->priv;
	return &q->empty_note;
}

static int
tsq_initialize(struct weir_element *e, struct weir_errh *errh)
{
	struct tsq *q = e->priv;

	weir_notifier_init(&q->empty_note, false);
	if (weir_mpring_init(&q->ring, q->capacity) < 0)
		return weir_error(errh, "out of memory for %" PRIu32 " packets", q->capacity);
	return 0;
}

static void
tsq_cleanup(struct weir_element *e)
{
	struct tsq *q = e->priv;
	struct weir_batch b;

	if (!q->ring.slots)
		return;
	while ((b.n = weir_mpring_dequeue(&q->ring, b.pkts, WEIR_BATCH_MAX)) > 0)
		weir_batch_kill(&b);
	weir_mpring_fini(&q->ring);
}

enum { H_LENGTH, H_HIGHWATER, H_CAPACITY, H_DROPS, H_RESET_COUNTS };

static int
tsq_read(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	struct tsq *q = e->priv;
	uint64_t hw = 0;

	switch (h->arg) {
	case H_LENGTH:
		weir_strbuf_printf(out, "%" PRIu64, q->ring.slots ? weir_mpring_len(&q->ring) : 0);
		return 0;
	case H_HIGHWATER:
		for (unsigned t = 0; t < weir_element_nthreads(e); t++) {
			const struct tsq_pt *pt = weir_element_pt_at(e, t);
			if (pt->highwater > hw)
				hw = pt->highwater;
		}
		weir_strbuf_printf(out, "%" PRIu64, hw);
		return 0;
	case H_CAPACITY:
		weir_strbuf_printf(out, "%" PRIu32, q->capacity);
		return 0;
	case H_DROPS:
		weir_strbuf_printf(out, "%" PRIu64, WEIR_PT_SUM(e, struct tsq_pt, drops));
		return 0;
	default:
		return -EINVAL;
	}
}

static int
tsq_write(struct weir_element *e, const char *value, const struct weir_handler *h,
	  struct weir_errh *errh)
{
	for (unsigned t = 0; t < weir_element_nthreads(e); t++) {
		struct tsq_pt *pt = weir_element_pt_at(e, t);
		pt->drops = 0;
		pt->highwater = 0;
	}
	return 0;
}

static const struct weir_handler tsq_handlers[] = {
	{ .name = "length", .read = tsq_read, .arg = H_LENGTH },
	{ .name = "highwater_length", .read = tsq_read, .arg = H_HIGHWATER },
	{ .name = "capacity", .read = tsq_read, .arg = H_CAPACITY },
	{ .name = "drops", .read = tsq_read, .arg = H_DROPS },
	{ .name = "reset_counts", .write = tsq_write, .arg = H_RESET_COUNTS },
	WEIR_HANDLER_END
};

static const struct weir_element_class threadsafequeue_class = {
	.name = "ThreadSafeQueue",
	.port_count = "1/1",
	.processing = "h/l",
	.priv_size = sizeof(struct tsq),
	WEIR_PER_THREAD(struct tsq_pt),
	.args = tsq_args,
	.initialize = tsq_initialize,
	.cleanup = tsq_cleanup,
	.push = tsq_push,
	.pull = tsq_pull,
	.notifier = tsq_notifier,
	.handlers = tsq_handlers,
	.doc = tsq_doc,
};
WEIR_ELEMENT_REGISTER(threadsafequeue_class)
