/* pipeliner.c - Pipeliner: hands batches from the threads that push into it to its own thread. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/router.h"
#include "weir/task.h"
#include "../standard/queue_priv.h"

/*
 * Pipeliner([CAPACITY, KEYWORDS BLOCKING, BURST])
 *
 * passes packets from one thread to another
 *
 * Packets pushed into Pipeliner on any thread are pushed out of its output
 * by Pipeliner's own task, on Pipeliner's thread (placed like a source:
 * StaticThreadSched, a THREAD keyword, or the next thread). Each pushing
 * thread has its own single-producer ring of CAPACITY packets (default
 * 1024), so the hand-off takes no lock and no atomic read-modify-write.
 * When a ring is full, packets are dropped and counted, or with BLOCKING
 * true the pushing thread waits for room. The task pushes at most BURST
 * packets (default 32) from each ring per run and sleeps while every ring
 * is empty.
 *
 * Handlers:
 *   count (read-only)      packets pushed out
 *   dropped (read-only)    packets dropped because a ring was full
 *   n_dropped (read-only)  same as dropped
 *   length (read-only)     packets waiting in the rings (when the router
 *                          stops at once, as with a source's STOP true,
 *                          these are freed, not pushed; DriverManager(wait,
 *                          wait 10ms, stop) lets them drain first)
 *
 * Example:
 *   FromDump(trace.pcap, THREAD 0) -> Pipeliner(THREAD 1) -> Counter -> Discard;
 */
static const char pipeliner_doc[] =
	"Pipeliner([CAPACITY, KEYWORDS BLOCKING, BURST])\n"
	"\n"
	"passes packets from one thread to another\n"
	"\n"
	"Packets pushed into Pipeliner on any thread are pushed out of its output\n"
	"by Pipeliner's own task, on Pipeliner's thread (placed like a source:\n"
	"StaticThreadSched, a THREAD keyword, or the next thread). Each pushing\n"
	"thread has its own single-producer ring of CAPACITY packets (default\n"
	"1024), so the hand-off takes no lock and no atomic read-modify-write.\n"
	"When a ring is full, packets are dropped and counted, or with BLOCKING\n"
	"true the pushing thread waits for room. The task pushes at most BURST\n"
	"packets (default 32) from each ring per run and sleeps while every ring\n"
	"is empty.\n"
	"\n"
	"Handlers:\n"
	"  count (read-only)      packets pushed out\n"
	"  dropped (read-only)    packets dropped because a ring was full\n"
	"  n_dropped (read-only)  same as dropped\n"
	"  length (read-only)     packets waiting in the rings (when the router\n"
	"                         stops at once, as with a source's STOP true,\n"
	"                         these are freed, not pushed; DriverManager(wait,\n"
	"                         wait 10ms, stop) lets them drain first)\n"
	"\n"
	"Example:\n"
	"  FromDump(trace.pcap, THREAD 0) -> Pipeliner(THREAD 1) -> Counter -> Discard;\n";

struct pipeliner {
	uint32_t capacity;
	bool blocking;
	uint32_t burst;
	unsigned nrings;
	struct weir_pktring *rings; /* one per pushing thread */
	struct weir_task task;
};

struct pipeliner_pt {
	uint64_t count;
	uint64_t drops;
};

static const struct weir_arg pipeliner_args[] = {
	{ "CAPACITY", WEIR_ARG_UINT, offsetof(struct pipeliner, capacity),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_BOUNDED, .def = "1024", .min = 1, .max = 1u << 24,
	  .help = "packets per pushing thread" },
	{ "BLOCKING", WEIR_ARG_BOOL, offsetof(struct pipeliner, blocking), .def = "false",
	  .help = "wait for room instead of dropping" },
	{ "BURST", WEIR_ARG_UINT, offsetof(struct pipeliner, burst), WEIR_ARGF_BOUNDED,
	  .def = "32", .min = 1, .max = WEIR_BATCH_MAX, .help = "packets per ring per run" },
	WEIR_ARG_END
};

static bool
pipeliner_any(struct pipeliner *s)
{
	for (unsigned i = 0; i < s->nrings; i++)
		if (weir_pktring_len(&s->rings[i]))
			return true;
	return false;
}

static void
pipeliner_push(struct weir_element *e, int port, struct weir_batch *b)
{
	struct pipeliner *s = e->priv;
	struct weir_pktring *r = &s->rings[weir_tid % s->nrings];
	uint32_t done = weir_pktring_enqueue(r, b->pkts, b->n);

	while (weir_unlikely(done < b->n) && s->blocking && weir_router_running(e->router)) {
		weir_smp_mb();
		weir_task_schedule(&s->task);
		done += weir_pktring_enqueue(r, b->pkts + done, b->n - done);
	}
	if (weir_unlikely(done < b->n)) {
		((struct pipeliner_pt *)weir_element_pt(e))->drops += b->n - done;
		weir_packet_kill_bulk(b->pkts + done, b->n - done);
	}
	b->n = 0;
	/* pairs with the task's unschedule-then-recheck */
	weir_smp_mb();
	if (done)
		weir_task_schedule(&s->task);
}

static bool
pipeliner_run(struct weir_task *t, void *arg)
{
	struct weir_element *e = arg;
	struct pipeliner *s = e->priv;
	struct weir_batch b;
	uint64_t n = 0;

	for (unsigned i = 0; i < s->nrings; i++) {
		b.n = weir_pktring_dequeue(&s->rings[i], b.pkts, s->burst);
		if (b.n) {
			n += b.n;
			weir_output_push(e, 0, &b);
		}
	}
	((struct pipeliner_pt *)weir_element_pt(e))->count += n;
	if (n == 0) {
		weir_task_unschedule(t);
		weir_smp_mb();
		if (pipeliner_any(s))
			weir_task_schedule(t);
	}
	return n > 0;
}

static int
pipeliner_initialize(struct weir_element *e, struct weir_errh *errh)
{
	struct pipeliner *s = e->priv;

	s->nrings = weir_element_nthreads(e);
	s->rings = calloc(s->nrings, sizeof(*s->rings));
	if (!s->rings)
		return weir_error(errh, "out of memory");
	for (unsigned i = 0; i < s->nrings; i++)
		if (weir_pktring_init(&s->rings[i], s->capacity) < 0)
			return weir_error(errh, "out of memory for %" PRIu32 " packets", s->capacity);
	weir_task_init(&s->task, e, pipeliner_run, e);
	return 0;
}

static void
pipeliner_cleanup(struct weir_element *e)
{
	struct pipeliner *s = e->priv;

	for (unsigned i = 0; s->rings && i < s->nrings; i++) {
		if (s->rings[i].slots)
			weir_pktring_clear(&s->rings[i]);
		weir_pktring_fini(&s->rings[i]);
	}
	free(s->rings);
	s->rings = NULL;
}

enum { H_COUNT, H_DROPS, H_LENGTH };

static int
pipeliner_read(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	struct pipeliner *s = e->priv;
	uint64_t v = 0;

	if (h->arg == H_COUNT)
		v = WEIR_PT_SUM(e, struct pipeliner_pt, count);
	else if (h->arg == H_DROPS)
		v = WEIR_PT_SUM(e, struct pipeliner_pt, drops);
	else
		for (unsigned i = 0; s->rings && i < s->nrings; i++)
			v += s->rings[i].slots ? weir_pktring_len(&s->rings[i]) : 0;
	weir_strbuf_printf(out, "%" PRIu64, v);
	return 0;
}

static const struct weir_handler pipeliner_handlers[] = {
	{ .name = "count", .read = pipeliner_read, .arg = H_COUNT },
	{ .name = "dropped", .read = pipeliner_read, .arg = H_DROPS },
	{ .name = "n_dropped", .read = pipeliner_read, .arg = H_DROPS },
	{ .name = "length", .read = pipeliner_read, .arg = H_LENGTH },
	WEIR_HANDLER_END
};

static const struct weir_element_class pipeliner_class = {
	.name = "Pipeliner",
	.port_count = "1/1",
	.processing = "h/h",
	.flags = WEIR_CLASS_THREAD_BOUNDARY,
	.priv_size = sizeof(struct pipeliner),
	WEIR_PER_THREAD(struct pipeliner_pt),
	.args = pipeliner_args,
	.initialize = pipeliner_initialize,
	.cleanup = pipeliner_cleanup,
	.push = pipeliner_push,
	.handlers = pipeliner_handlers,
	.doc = pipeliner_doc,
};
WEIR_ELEMENT_REGISTER(pipeliner_class)
