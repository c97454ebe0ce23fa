/* router_priv.h - the router's and worker threads' internals, shared by core files. */
#ifndef WEIR_ROUTER_PRIV_H
#define WEIR_ROUTER_PRIV_H

#include "weir/router.h"
#include "weir/task.h"

/* One worker thread: its run list of tasks and its timer heap. */
struct weir_thread {
	unsigned id;
	struct weir_task head; /* sentinel of the circular run list */
	unsigned ntasks;       /* scheduled tasks */
	struct weir_timer **heap;
	int nheap, capheap;
	struct weir_task *cursor; /* next task to run (kept valid on unschedule) */
};

enum weir_router_state { WEIR_ROUTER_NEW, WEIR_ROUTER_CONFIGURED, WEIR_ROUTER_RUNNING,
			 WEIR_ROUTER_STOPPED };

struct weir_router {
	struct weir_element **elements;
	int nelements;
	int *configured;  /* per element: configure succeeded (so cleanup is due) */
	int *initialized; /* per element: initialize was called */
	struct weir_thread *threads;
	unsigned nthreads;
	volatile int running;
	enum weir_router_state state;
	void (*stop_hook)(void *);
	void *stop_hook_arg;
	char *flatconfig; /* the flattened configuration, for the flatconfig handler */
	struct weir_router_stats stats;
};

void weir_thread_init(struct weir_thread *th, unsigned id);
void weir_thread_fini(struct weir_thread *th);
/* Run expired timers on th; returns how many fired. */
int weir_thread_run_timers(struct weir_thread *th, int64_t now);
/* Earliest pending timer expiry, or INT64_MAX. */
int64_t weir_thread_next_timer(const struct weir_thread *th);
/* Run each scheduled task once; returns the number that did work. */
unsigned weir_thread_run_tasks(struct weir_thread *th);

#endif
