/* router_priv.h - the router's and worker threads' internals, shared by core files. */
#ifndef WEIR_ROUTER_PRIV_H
#define WEIR_ROUTER_PRIV_H

#include "weir/router.h"
#include "weir/task.h"
#include <pthread.h>

#define WEIR_TICK_SHIFT 10
#define WEIR_TICK_NS (1u << WEIR_TICK_SHIFT)
#define WEIR_WHEEL_BITS 8
#define WEIR_WHEEL_SLOTS (1u << WEIR_WHEEL_BITS)
#define WEIR_WHEEL_LEVELS 4
#define WEIR_WHEEL_FIRING 0xFF

/* One worker thread: its run list of tasks and its timer wheel. */
struct weir_thread {
	unsigned id;
	struct weir_task head; /* sentinel of the circular run list */
	unsigned ntasks;       /* scheduled tasks */
	/* timer wheel (timerwheel.c) */
	struct weir_timer *wheel[WEIR_WHEEL_LEVELS][WEIR_WHEEL_SLOTS];
	uint64_t wheel_bits[WEIR_WHEEL_LEVELS][WEIR_WHEEL_SLOTS / 64];
	uint64_t cur_tick;  /* first tick not yet processed */
	unsigned ntimers;
	struct weir_timer *firing; /* timers of the slot being fired */
	struct weir_task *cursor; /* next task to run (kept valid on unschedule) */
	struct weir_router *router;
	/* other threads' schedule requests (lock-free stack, drained by this thread) */
	struct weir_task *mailbox;
	int sleeping;        /* 1 while idle and not counted in router->active */
	uint32_t wake_seq;   /* futex word: bumped to wake the thread */
	int cpu;             /* pinned CPU, -1 if not pinned */
	pthread_t pthread;
	bool started;
} WEIR_CACHE_ALIGNED;

enum weir_router_state { WEIR_ROUTER_NEW, WEIR_ROUTER_CONFIGURED, WEIR_ROUTER_RUNNING,
			 WEIR_ROUTER_STOPPED };

struct weir_router {
	struct weir_element **elements;
	int nelements;
	int *configured;  /* per element: configure succeeded (so cleanup is due) */
	int *initialized; /* per element: initialize was called */
	struct weir_thread *threads;
	unsigned nthreads;
	int running;        /* atomic: 0 stops every thread */
	int active;         /* atomic: threads not idle (multi-threaded runs) */
	int pending_stops;  /* atomic: please_stop calls from threads other than 0 */
	int quiescent;      /* atomic: times all threads were found idle */
	int *cpus;          /* CPUs to pin threads to (cycled), NULL = the affinity mask */
	int ncpus;
	unsigned rr_next;   /* next thread for automatic placement */
	enum weir_router_state state;
	void (*stop_hook)(void *);
	void *stop_hook_arg;
	char *flatconfig; /* the flattened configuration, for the flatconfig handler */
	struct weir_router_stats stats;
};

void weir_thread_init(struct weir_thread *th, unsigned id, struct weir_router *r);
/* Moves other threads' schedule requests onto th's run list (th's thread only). */
void weir_thread_drain_mailbox(struct weir_thread *th);
/* Wakes th if it sleeps (any thread). */
void weir_thread_wake(struct weir_thread *th);
/* Wakes th whatever it is doing (stops). */
void weir_thread_kick(struct weir_thread *th);
/* th's thread: sleeps until woken (wake_seq moves from seen) or ns pass. */
void weir_thread_wait(struct weir_thread *th, uint32_t seen, int64_t ns);
/* Places elements on threads and reports thread-unsafe sharing (router_threads.c). */
int weir_router_place_threads(struct weir_router *r, struct weir_errh *errh);
void weir_thread_fini(struct weir_thread *th);
/* Run expired timers on th; returns how many fired. */
int weir_thread_run_timers(struct weir_thread *th, int64_t now);
/* Earliest pending timer expiry, or INT64_MAX. */
int64_t weir_thread_next_timer(const struct weir_thread *th);
/* Run each scheduled task once; returns the number that did work. */
unsigned weir_thread_run_tasks(struct weir_thread *th);

#endif
