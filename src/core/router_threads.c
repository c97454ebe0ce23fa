/* router_threads.c - worker threads: placement of elements, thread-safety checks, the run loops. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "weir/packet.h"
#include "router_priv.h"

/*
 * Placement. A "runner" is an element whose work starts in its own task:
 * no push input, and a push output or a pull input (sources, Unqueue, a
 * pulling ToDump), or a class flagged WEIR_CLASS_THREAD_BOUNDARY (Pipeliner).
 * Runners get the thread given by StaticThreadSched or a THREAD keyword
 * (e->home_thread >= 0 after configure), else the next thread round-robin.
 * Every other element is reached from runners: downstream along push
 * connections, upstream along pull connections; it records which threads
 * push into it and which pull from it, and lives on the lowest of them
 * (its timers run there). An element reached from several threads whose
 * class says it cannot be is reported.
 */

struct reach {
	uint64_t push; /* threads that push into the element (or run it) */
	uint64_t pull; /* threads that pull from it */
};

static bool
is_runner(const struct weir_element *e)
{
	bool push_in = false, push_out = false, pull_in = false;

	if (e->cls->flags & WEIR_CLASS_THREAD_BOUNDARY)
		return true;
	for (int i = 0; i < e->ninputs; i++) {
		if (e->inputs[i].processing == WEIR_PUSH)
			push_in = true;
		else if (e->inputs[i].connected)
			pull_in = true;
	}
	for (int i = 0; i < e->noutputs; i++)
		if (e->outputs[i].processing == WEIR_PUSH && e->outputs[i].connected)
			push_out = true;
	return !push_in && (push_out || pull_in);
}

static void reach_pull(struct weir_element *e, unsigned t, struct reach *rc);

/* e receives pushes from thread t: so does everything downstream of it. */
static void
reach_push(struct weir_element *e, unsigned t, struct reach *rc, bool start)
{
	struct reach *x = &rc[e->index];
	uint64_t bit = 1ull << t;

	if (!start && (e->cls->flags & WEIR_CLASS_THREAD_BOUNDARY)) {
		x->push |= bit; /* its input side runs on t; its outputs on its own thread */
		return;
	}
	if (!start && (x->push & bit))
		return;
	x->push |= bit;
	for (int i = 0; i < e->noutputs; i++) {
		struct weir_port *o = &e->outputs[i];
		if (o->processing == WEIR_PUSH && o->connected && o->peer)
			reach_push(o->peer, t, rc, false);
	}
	for (int i = 0; i < e->ninputs; i++) {
		struct weir_port *in = &e->inputs[i];
		if (in->processing == WEIR_PULL && in->connected && in->peer)
			reach_pull(in->peer, t, rc);
	}
}

/* Thread t pulls from e: so it pulls from e's pull inputs too, and pushes
 * what e emits on its push outputs (an element that pulls and pushes). */
static void
reach_pull(struct weir_element *e, unsigned t, struct reach *rc)
{
	struct reach *x = &rc[e->index];
	uint64_t bit = 1ull << t;

	if (x->pull & bit)
		return;
	x->pull |= bit;
	for (int i = 0; i < e->ninputs; i++) {
		struct weir_port *in = &e->inputs[i];
		if (in->processing == WEIR_PULL && in->connected && in->peer)
			reach_pull(in->peer, t, rc);
	}
	for (int i = 0; i < e->noutputs; i++) {
		struct weir_port *o = &e->outputs[i];
		if (o->processing == WEIR_PUSH && o->connected && o->peer)
			reach_push(o->peer, t, rc, false);
	}
}

static void
format_threads(uint64_t m, char *buf, size_t len)
{
	size_t n = 0;
	int count = __builtin_popcountll(m), k = 0;

	buf[0] = 0;
	for (unsigned t = 0; t < 64 && n < len; t++) {
		if (!(m & (1ull << t)))
			continue;
		k++;
		n += (size_t)snprintf(buf + n, len - n, "%s%u",
				      k == 1 ? "" : (k == count ? " and " : ", "), t);
	}
}

/* Warns about e when the threads reaching it are more than its class allows. */
static void
check_sharing(struct weir_element *e, const struct reach *x, struct weir_errh *errh)
{
	char buf[256];
	unsigned f = e->cls->flags;
	uint64_t all = x->push | x->pull;

	if ((f & WEIR_CLASS_THREAD_UNSAFE) && __builtin_popcountll(all) > 1) {
		format_threads(all, buf, sizeof(buf));
		weir_lwarning(errh, e->landmark,
			      "'%s :: %s' is not thread-safe but runs on threads %s", e->name,
			      e->cls->name, buf);
	} else if (f & WEIR_CLASS_SPSC) {
		if (__builtin_popcountll(x->push) > 1) {
			format_threads(x->push, buf, sizeof(buf));
			weir_lwarning(errh, e->landmark,
				      "'%s :: %s' takes one pushing thread, but threads %s push "
				      "into it (use ThreadSafeQueue)", e->name, e->cls->name, buf);
		}
		if (__builtin_popcountll(x->pull) > 1) {
			format_threads(x->pull, buf, sizeof(buf));
			weir_lwarning(errh, e->landmark,
				      "'%s :: %s' takes one pulling thread, but threads %s pull "
				      "from it", e->name, e->cls->name, buf);
		}
	}
}

int
weir_router_place_threads(struct weir_router *r, struct weir_errh *errh)
{
	struct reach *rc = calloc((size_t)r->nelements + 1, sizeof(*rc));

	if (!rc)
		return weir_error(errh, "out of memory");
	for (int i = 0; i < r->nelements; i++) {
		struct weir_element *e = r->elements[i];
		if (!is_runner(e))
			continue;
		if (e->home_thread < 0)
			e->home_thread = (int)(r->rr_next++ % r->nthreads);
		else
			e->home_thread %= (int)r->nthreads;
		reach_push(e, (unsigned)e->home_thread, rc, true);
	}
	for (int i = 0; i < r->nelements; i++) {
		struct weir_element *e = r->elements[i];
		uint64_t all = rc[i].push | rc[i].pull;
		if (e->home_thread < 0)
			e->home_thread = all ? __builtin_ctzll(all) : 0;
		else
			e->home_thread %= (int)r->nthreads;
		if (r->nthreads > 1)
			check_sharing(e, &rc[i], errh);
	}
	free(rc);
	return 0;
}

/* ---- running --------------------------------------------------------------- */

static bool
router_running(const struct weir_router *r)
{
	return __atomic_load_n(&r->running, __ATOMIC_ACQUIRE) != 0;
}

static void
wake_all(struct weir_router *r)
{
	for (unsigned t = 0; t < r->nthreads; t++)
		weir_thread_kick(&r->threads[t]);
}

void
weir_router_please_stop(struct weir_router *r)
{
	if (r->nthreads > 1 && weir_tid != 0 && router_running(r)) {
		/* hooks (DriverManager) live on thread 0: hand the request over */
		__atomic_add_fetch(&r->pending_stops, 1, __ATOMIC_ACQ_REL);
		weir_thread_wake(&r->threads[0]);
		return;
	}
	if (r->stop_hook)
		r->stop_hook(r->stop_hook_arg);
	else
		weir_router_stop(r);
}

void
weir_router_stop(struct weir_router *r)
{
	__atomic_store_n(&r->running, 0, __ATOMIC_RELEASE);
	if (r->nthreads > 1)
		wake_all(r);
}

bool
weir_router_running(const struct weir_router *r)
{
	return router_running(r);
}

/* Thread 0: the stop requests other threads handed over. */
static void
take_pending_stops(struct weir_router *r)
{
	if (__atomic_load_n(&r->pending_stops, __ATOMIC_RELAXED) == 0)
		return;
	int n = __atomic_exchange_n(&r->pending_stops, 0, __ATOMIC_ACQ_REL);
	while (n-- > 0 && router_running(r))
		weir_router_please_stop(r);
}

/* Wakes at least every 10 ms to notice stops. */
#define IDLE_WAIT_MAX_NS 10000000LL
/* All threads idle this many times in a row: nothing will happen again. */
#define QUIESCENT_LIMIT 1000

/*
 * Every thread found idle at once (no task, no timer, nothing in a mailbox):
 * nothing can happen again unless a stop hook (DriverManager) does
 * something. Ask the router to stop, as a source with STOP true would; the
 * thread that saw it does so on behalf of thread 0 when it is not thread 0.
 */
static void
all_idle(struct weir_router *r)
{
	if (__atomic_add_fetch(&r->quiescent, 1, __ATOMIC_ACQ_REL) > QUIESCENT_LIMIT) {
		weir_router_stop(r);
		return;
	}
	weir_router_please_stop(r);
}

/*
 * th stops idling: counted in router->active again, unless a waker already
 * did it. The count goes up before sleeping is cleared, never after: in
 * between, another thread going idle could see the count reach 0 while th
 * is about to work (a false quiescence that stopped runs early).
 */
static void
thread_count_back_in(struct weir_thread *th)
{
	struct weir_router *r = th->router;

	__atomic_add_fetch(&r->active, 1, __ATOMIC_SEQ_CST);
	if (!__atomic_exchange_n(&th->sleeping, 0, __ATOMIC_SEQ_CST))
		__atomic_sub_fetch(&r->active, 1, __ATOMIC_SEQ_CST); /* a waker had */
}

/* Schedule requests, or (thread 0) stop requests, wait for th. */
static bool
thread_has_mail(struct weir_thread *th)
{
	return __atomic_load_n(&th->mailbox, __ATOMIC_SEQ_CST) != NULL ||
	       (th->id == 0 && __atomic_load_n(&th->router->pending_stops, __ATOMIC_SEQ_CST));
}

/*
 * Nothing to do on th: stop being counted as active and sleep until a
 * mailbox request, a stop or the wait limit. Returns when th should look
 * for work again (it is counted as active again then).
 */
static void
thread_idle(struct weir_thread *th)
{
	struct weir_router *r = th->router;
	uint32_t seen = __atomic_load_n(&th->wake_seq, __ATOMIC_ACQUIRE);

	__atomic_store_n(&th->sleeping, 1, __ATOMIC_SEQ_CST);
	/* A request mailed while we still looked busy (the sender saw
	 * sleeping == 0 and counted on us to look): take it before we stop
	 * being counted, or every thread could look idle while it waits. */
	if (thread_has_mail(th)) {
		if (!__atomic_exchange_n(&th->sleeping, 0, __ATOMIC_ACQ_REL))
			__atomic_sub_fetch(&r->active, 1, __ATOMIC_ACQ_REL); /* a waker counted us twice */
		return;
	}
	if (__atomic_sub_fetch(&r->active, 1, __ATOMIC_ACQ_REL) == 0) {
		/* the stop hook may give this thread work (a timer, a task) */
		all_idle(r);
		thread_count_back_in(th);
		return;
	}
	while (router_running(r)) {
		if (thread_has_mail(th))
			break;
		if (!__atomic_load_n(&th->sleeping, __ATOMIC_ACQUIRE))
			return; /* a waker counted us back in */
		weir_thread_wait(th, seen, IDLE_WAIT_MAX_NS);
		seen = __atomic_load_n(&th->wake_seq, __ATOMIC_ACQUIRE);
	}
	thread_count_back_in(th);
}

/* Sleeps until th's next timer, a wake-up or a stop. */
static void
thread_wait_timer(struct weir_thread *th)
{
	uint32_t seen = __atomic_load_n(&th->wake_seq, __ATOMIC_ACQUIRE);
	int64_t d = weir_thread_next_timer(th) - weir_time_ns();

	if (d <= 0)
		return;
	if (d > IDLE_WAIT_MAX_NS)
		d = IDLE_WAIT_MAX_NS;
	__atomic_store_n(&th->sleeping, 2, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&th->mailbox, __ATOMIC_SEQ_CST) == NULL &&
	    !(th->id == 0 && __atomic_load_n(&th->router->pending_stops, __ATOMIC_SEQ_CST)))
		weir_thread_wait(th, seen, d);
	__atomic_store_n(&th->sleeping, 0, __ATOMIC_RELEASE);
}

/* One thread's loop when there are several: mailbox, timers, tasks. */
static void
thread_loop(struct weir_thread *th)
{
	struct weir_router *r = th->router;

	while (router_running(r)) {
		weir_thread_drain_mailbox(th);
		if (th->id == 0)
			take_pending_stops(r);
		if (th->ntimers && weir_thread_next_timer(th) <= weir_time_ns())
			weir_thread_run_timers(th, weir_time_ns());
		if (th->ntasks) {
			if (th->id == 0) {
				r->stats.iterations++;
				r->stats.tasks_run += th->ntasks;
			}
			__atomic_store_n(&r->quiescent, 0, __ATOMIC_RELAXED);
			weir_thread_run_tasks(th);
			continue;
		}
		if (th->ntimers)
			thread_wait_timer(th);
		else
			thread_idle(th);
	}
}

/* The single-threaded loop (unchanged semantics, nothing atomic on the way). */
static void
run_single(struct weir_router *r)
{
	struct weir_thread *th = &r->threads[0];
	int quiescent = 0;

	while (router_running(r)) {
		r->stats.iterations++;
		if (th->ntimers && weir_thread_next_timer(th) <= weir_time_ns())
			weir_thread_run_timers(th, weir_time_ns());
		if (th->ntasks) {
			quiescent = 0;
			r->stats.tasks_run += th->ntasks;
			weir_thread_run_tasks(th);
			continue;
		}
		if (th->ntimers) {
			thread_wait_timer(th);
			continue;
		}
		if (++quiescent > QUIESCENT_LIMIT)
			break;
		weir_router_please_stop(r);
	}
}

/* Pins the calling thread to the CPU for thread `id`. */
static void
pin_thread(struct weir_router *r, struct weir_thread *th)
{
	cpu_set_t set;

	if (r->ncpus == 0)
		return;
	th->cpu = r->cpus[th->id % (unsigned)r->ncpus];
	CPU_ZERO(&set);
	CPU_SET(th->cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *
thread_main(void *arg)
{
	struct weir_thread *th = arg;

	weir_tid = th->id;
	pin_thread(th->router, th);
	thread_loop(th);
	weir_packets_flush_caches();
	return NULL;
}

/* CPUs to pin to when none were given: those of the process's affinity mask. */
static void
default_cpus(struct weir_router *r)
{
	cpu_set_t set;

	if (r->cpus || sched_getaffinity(0, sizeof(set), &set) < 0)
		return;
	r->cpus = calloc(CPU_SETSIZE, sizeof(int));
	if (!r->cpus)
		return;
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &set))
			r->cpus[r->ncpus++] = c;
}

static void
run_multi(struct weir_router *r)
{
	cpu_set_t saved;
	bool restore = sched_getaffinity(0, sizeof(saved), &saved) == 0;

	default_cpus(r);
	__atomic_store_n(&r->active, (int)r->nthreads, __ATOMIC_RELEASE);
	for (unsigned t = 1; t < r->nthreads; t++) {
		struct weir_thread *th = &r->threads[t];
		th->started = pthread_create(&th->pthread, NULL, thread_main, th) == 0;
		if (!th->started) {
			/* run without it: its tasks will not run; say so and stop */
			fprintf(stderr, "weir: cannot start thread %u\n", t);
			weir_router_stop(r);
		}
	}
	weir_tid = 0;
	pin_thread(r, &r->threads[0]);
	thread_loop(&r->threads[0]);
	for (unsigned t = 1; t < r->nthreads; t++)
		if (r->threads[t].started)
			pthread_join(r->threads[t].pthread, NULL);
	weir_tid = 0;
	if (restore)
		sched_setaffinity(0, sizeof(saved), &saved);
}

/*
 * Runs until stopped: thread 0 on the calling thread, the others on
 * threads of their own, each pinned to a CPU.
 */
int
weir_router_run(struct weir_router *r)
{
	int64_t t0 = weir_time_ns();

	weir_tid = 0;
	__atomic_store_n(&r->running, 1, __ATOMIC_RELEASE);
	r->state = WEIR_ROUTER_RUNNING;
	if (r->nthreads == 1)
		run_single(r);
	else
		run_multi(r);
	__atomic_store_n(&r->running, 0, __ATOMIC_RELEASE);
	r->state = WEIR_ROUTER_STOPPED;
	r->stats.run_ns = weir_time_ns() - t0;
	return 0;
}

int
weir_router_set_cpus(struct weir_router *r, const int *cpus, int n)
{
	int *c = NULL;

	if (n > 0) {
		c = malloc((size_t)n * sizeof(int));
		if (!c)
			return -ENOMEM;
		memcpy(c, cpus, (size_t)n * sizeof(int));
	}
	free(r->cpus);
	r->cpus = c;
	r->ncpus = n;
	return 0;
}
