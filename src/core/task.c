/* task.c - tasks on per-thread run lists, timer wheels in timerwheel.c, TSC calibration. */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "weir/element.h"
#include "weir/notifier.h"
#include "router_priv.h"

/*
 * Each worker thread owns a circular doubly linked run list of scheduled
 * tasks and a timer wheel (timerwheel.c); only that thread touches them.
 * Another thread that schedules a task pushes it on the owner thread's
 * mailbox (a lock-free stack: producers CAS the head, the owner takes the
 * whole stack with one exchange, so there is no ABA), then wakes the owner
 * if it sleeps.
 */

static struct weir_thread *
owner_thread(struct weir_element *owner, int thread)
{
	struct weir_router *r = owner->router;
	unsigned t = (unsigned)thread < r->nthreads ? (unsigned)thread : 0;
	return &r->threads[t];
}

void
weir_thread_init(struct weir_thread *th, unsigned id, struct weir_router *r)
{
	memset(th, 0, sizeof(*th));
	th->router = r;
	th->cpu = -1;
	th->id = id;
	th->head.next = th->head.prev = &th->head;
	th->ntasks = 0;
	th->cursor = &th->head;
}

void
weir_thread_fini(struct weir_thread *th)
{
	(void)th;
}

void
weir_task_init(struct weir_task *t, struct weir_element *owner,
	       bool (*fn)(struct weir_task *t, void *arg), void *arg)
{
	*t = (struct weir_task){ .fn = fn, .arg = arg, .owner = owner,
				 .thread = owner ? owner->home_thread : 0 };
}

/* Owner thread: put t on the run list (before the sentinel: runs at the end of this round). */
static void
task_insert(struct weir_thread *th, struct weir_task *t)
{
	if (t->scheduled)
		return;
	t->prev = th->head.prev;
	t->next = &th->head;
	th->head.prev->next = t;
	th->head.prev = t;
	__atomic_store_n(&t->scheduled, true, __ATOMIC_RELAXED);
	th->ntasks++;
}

/* Any thread: ask th to schedule t. */
static void
task_mail(struct weir_thread *th, struct weir_task *t)
{
	if (__atomic_exchange_n(&t->mail_pending, 1, __ATOMIC_ACQ_REL))
		return; /* already on its way */
	struct weir_task *head = __atomic_load_n(&th->mailbox, __ATOMIC_RELAXED);
	do
		t->mail_next = head;
	while (!__atomic_compare_exchange_n(&th->mailbox, &head, t, true, __ATOMIC_SEQ_CST,
					    __ATOMIC_RELAXED));
	weir_thread_wake(th);
}

/*
 * From another thread the request is always mailed, even when the task looks
 * scheduled: its thread may be about to unschedule it (a puller that found
 * its notifier asleep just before we woke it), and the mailbox re-inserts
 * it after that.
 */
void
weir_task_schedule(struct weir_task *t)
{
	if (!t->owner)
		return;
	struct weir_thread *th = owner_thread(t->owner, t->thread);
	/* before the run (initialize) every list is the caller's to touch */
	if (th->id == weir_tid || th->router->nthreads == 1 ||
	    th->router->state < WEIR_ROUTER_RUNNING)
		task_insert(th, t);
	else
		task_mail(th, t);
}

void
weir_thread_drain_mailbox(struct weir_thread *th)
{
	if (__atomic_load_n(&th->mailbox, __ATOMIC_RELAXED) == NULL)
		return;
	struct weir_task *t = __atomic_exchange_n(&th->mailbox, NULL, __ATOMIC_ACQUIRE);
	while (t) {
		struct weir_task *next = t->mail_next;
		__atomic_store_n(&t->mail_pending, 0, __ATOMIC_RELEASE);
		task_insert(th, t);
		t = next;
	}
}

static long
futex(uint32_t *uaddr, int op, uint32_t val, const struct timespec *timeout)
{
	return syscall(SYS_futex, uaddr, op, val, timeout, NULL, 0);
}

/*
 * th->sleeping: 0 running, 1 idle (not counted in router->active), 2 waiting
 * for a timer (counted). The sleeper stores it (seq_cst) before it looks at
 * its mailbox one last time, the waker exchanges it after its mailbox push
 * (seq_cst): one of them sees the other, so no request is slept through.
 */
void
weir_thread_wake(struct weir_thread *th)
{
	struct weir_router *r = th->router;

	/* an idle thread is counted in router->active again before its
	 * sleeping flag clears (never after: see thread_count_back_in) */
	for (;;) {
		int v = __atomic_load_n(&th->sleeping, __ATOMIC_SEQ_CST);
		if (v == 0)
			return;
		int seen_v = v;
		if (v == 1)
			__atomic_add_fetch(&r->active, 1, __ATOMIC_SEQ_CST);
		if (__atomic_compare_exchange_n(&th->sleeping, &seen_v, 0, false, __ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST))
			break;
		if (v == 1) /* it changed under us: undo, look again */
			__atomic_sub_fetch(&r->active, 1, __ATOMIC_SEQ_CST);
	}
	__atomic_add_fetch(&th->wake_seq, 1, __ATOMIC_RELEASE);
	futex(&th->wake_seq, FUTEX_WAKE_PRIVATE, INT_MAX, NULL);
}

void
weir_thread_kick(struct weir_thread *th)
{
	__atomic_add_fetch(&th->wake_seq, 1, __ATOMIC_RELEASE);
	futex(&th->wake_seq, FUTEX_WAKE_PRIVATE, INT_MAX, NULL);
}

/* Sleeps until woken (wake_seq moves from seen) or until `ns` passes. */
void
weir_thread_wait(struct weir_thread *th, uint32_t seen, int64_t ns)
{
	if (ns <= 0)
		return;
	struct timespec ts = { .tv_sec = ns / 1000000000LL, .tv_nsec = ns % 1000000000LL };
	futex(&th->wake_seq, FUTEX_WAIT_PRIVATE, seen, &ts);
}

void
weir_task_unschedule(struct weir_task *t)
{
	if (!weir_task_scheduled(t))
		return;
	struct weir_thread *th = owner_thread(t->owner, t->thread);
	if (th->cursor == t)
		th->cursor = t->next;
	t->prev->next = t->next;
	t->next->prev = t->prev;
	t->prev = t->next = NULL;
	__atomic_store_n(&t->scheduled, false, __ATOMIC_RELAXED);
	th->ntasks--;
}

unsigned
weir_thread_run_tasks(struct weir_thread *th)
{
	unsigned worked = 0;
	th->cursor = th->head.next;
	while (th->cursor != &th->head) {
		struct weir_task *t = th->cursor;
		th->cursor = t->next;
		if (t->fn(t, t->arg))
			worked++;
	}
	return worked;
}

/* ---- TSC --------------------------------------------------------------------- */

uint64_t
weir_tsc_hz(void)
{
	static uint64_t hz;
	if (hz)
		return hz;
	int64_t t0 = weir_time_ns();
	uint64_t c0 = weir_rdtsc();
	int64_t t1;
	do
		t1 = weir_time_ns();
	while (t1 - t0 < 50000000);
	uint64_t c1 = weir_rdtsc();
	hz = (uint64_t)((double)(c1 - c0) * 1e9 / (double)(t1 - t0));
	return hz;
}

/* ---- notifiers -------------------------------------------------------------- */

void
weir_notifier_init(struct weir_notifier *n, bool active)
{
	n->active = active;
	n->nlisteners = 0;
}

void
weir_notifier_wake(struct weir_notifier *n)
{
	if (__atomic_load_n(&n->active, __ATOMIC_RELAXED) ||
	    __atomic_exchange_n(&n->active, true, __ATOMIC_ACQ_REL))
		return;
	for (int i = 0; i < n->nlisteners; i++)
		weir_task_schedule(n->listeners[i]);
}

void
weir_notifier_sleep(struct weir_notifier *n)
{
	/* seq_cst: the sleeper rechecks its queue after this store */
	__atomic_store_n(&n->active, false, __ATOMIC_SEQ_CST);
}

int
weir_notifier_add_listener(struct weir_notifier *n, struct weir_task *t)
{
	for (int i = 0; i < n->nlisteners; i++)
		if (n->listeners[i] == t)
			return 0;
	if (n->nlisteners >= WEIR_NOTIFIER_MAX_LISTENERS)
		return -ENOSPC;
	n->listeners[n->nlisteners++] = t;
	return 0;
}

struct weir_notifier *
weir_notifier_upstream(struct weir_element *e, int port)
{
	/* bounded walk: a cycle of agnostic elements must not loop forever */
	for (int hops = 0; hops < 64; hops++) {
		if (port < 0 || port >= e->ninputs || !e->inputs[port].connected)
			return NULL;
		struct weir_element *up = e->inputs[port].peer;
		int upport = e->inputs[port].peer_port;
		if (up->cls->notifier) {
			struct weir_notifier *n = up->cls->notifier(up, upport);
			if (n)
				return n;
		}
		/* only walk through elements pulling from upstream: past a push
		 * input (Unqueue, a pull-to-push converter) packets come from
		 * elsewhere */
		if (up->ninputs != 1 || up->inputs[0].processing != WEIR_PULL)
			return NULL;
		e = up;
		port = 0;
	}
	return NULL;
}
