/* task.h - tasks (run-to-completion work on a worker thread), timers and clocks. */
#ifndef WEIR_TASK_H
#define WEIR_TASK_H

#include <time.h>
#include "weir/common.h"

struct weir_element;

/*
 * A task is work a worker thread runs repeatedly while it is scheduled:
 * sources (InfiniteSource, FromDump, ReplayUnqueue) and pull drivers
 * (Unqueue, ToDump in pull mode). fn returns true when it did work. A task
 * stays scheduled until it unschedules itself or is unscheduled.
 * Tasks belong to the thread of their owner element (e->home_thread).
 * weir_task_schedule may be called from any thread (a Queue or
 * ThreadSafeQueue waking its puller): from another thread the request goes
 * through the owner thread's mailbox. weir_task_unschedule and all timer
 * calls must be made on the owner's thread (or before the router runs).
 */
struct weir_task {
	bool (*fn)(struct weir_task *t, void *arg);
	void *arg;
	struct weir_element *owner;
	int thread;
	bool scheduled;                /* on its thread's run list (owner thread writes) */
	struct weir_task *prev, *next; /* on the thread's run list */
	/* cross-thread scheduling: a request from another thread waits in the
	 * owner thread's mailbox (a lock-free stack) until that thread runs */
	struct weir_task *mail_next;
	int mail_pending;
};

void weir_task_init(struct weir_task *t, struct weir_element *owner,
		    bool (*fn)(struct weir_task *t, void *arg), void *arg);
void weir_task_schedule(struct weir_task *t);
void weir_task_unschedule(struct weir_task *t);
static inline bool
weir_task_scheduled(const struct weir_task *t)
{
	return __atomic_load_n(&t->scheduled, __ATOMIC_RELAXED);
}

/*
 * Timers fire once at or after their expiry (monotonic clock, about 1 us
 * resolution) on the owner's thread; fn may reschedule. Kept in a
 * per-thread hierarchical timer wheel (O(1) schedule and cancel).
 */
struct weir_timer {
	void (*fn)(struct weir_timer *t, void *arg);
	void *arg;
	struct weir_element *owner;
	int64_t expiry_ns;
	int thread;
	uint8_t level, slot;                  /* where it waits in the wheel */
	struct weir_timer *next, **pprev;     /* pprev NULL when not scheduled */
};

void weir_timer_init(struct weir_timer *t, struct weir_element *owner,
		     void (*fn)(struct weir_timer *t, void *arg), void *arg);
void weir_timer_schedule_at(struct weir_timer *t, int64_t when_ns);
void weir_timer_schedule_after(struct weir_timer *t, int64_t delta_ns);
void weir_timer_unschedule(struct weir_timer *t);
static inline bool
weir_timer_scheduled(const struct weir_timer *t)
{
	return t->pprev != NULL;
}

/* Monotonic time in ns. */
static inline int64_t
weir_time_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}
/* Wall-clock time in ns since the epoch (packet timestamps). */
static inline int64_t
weir_wall_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}
/* Time stamp counter and its frequency (calibrated once). */
static inline uint64_t
weir_rdtsc(void)
{
#if defined(__x86_64__) || defined(__i386__)
	return __builtin_ia32_rdtsc();
#else
	return (uint64_t)weir_time_ns();
#endif
}
uint64_t weir_tsc_hz(void);

#endif
