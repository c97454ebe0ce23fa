/* router.h - a running configuration: elements, connections, threads, handlers. */
#ifndef WEIR_ROUTER_H
#define WEIR_ROUTER_H

#include "weir/common.h"
#include "weir/element.h"
#include "weir/lang.h"

struct weir_router;

struct weir_router_opts {
	unsigned nthreads;      /* worker threads (1 to WEIR_MAX_THREADS) */
	uint64_t pool_packets;  /* capacity of each packet pool class; 0 = default */
};

/*
 * Build a router from a flattened graph: instantiate elements, count ports,
 * check port counts, configure (by phase), resolve push/pull, check that
 * every port is connected, resolve connections and initialize. Reports every
 * problem through errh (with landmarks) and returns NULL on failure, after
 * cleaning up whatever was initialized.
 */
struct weir_router *weir_router_new(const struct weir_graph *g,
				    const struct weir_router_opts *opts,
				    struct weir_errh *errh);
/* Run until stopped. Returns 0. */
int weir_router_run(struct weir_router *r);
void weir_router_free(struct weir_router *r);

/*
 * A source is done (Click's please_stop_driver). Without a stop hook the
 * router stops; with one (DriverManager, Script TYPE DRIVER) the hook
 * decides.
 */
void weir_router_please_stop(struct weir_router *r);
/* Stop at the end of the current loop iteration, whatever hooks say. */
void weir_router_stop(struct weir_router *r);
bool weir_router_running(const struct weir_router *r);
/* hook(arg) is called by weir_router_please_stop instead of stopping. */
void weir_router_set_stop_hook(struct weir_router *r, void (*hook)(void *arg), void *arg);

int weir_router_nelements(const struct weir_router *r);
struct weir_element *weir_router_element(const struct weir_router *r, int i);
/* Find by name. With context, names are first tried relative to the
 * context's compound ("a/b" looks for "a/NAME" first), as Click does. */
struct weir_element *weir_router_find(const struct weir_router *r, const char *name,
				      const struct weir_element *context);
unsigned weir_router_nthreads(const struct weir_router *r);
/* CPUs the worker threads are pinned to, thread i on cpus[i % n]; default:
 * the CPUs of the process's affinity mask. Call before weir_router_run. */
int weir_router_set_cpus(struct weir_router *r, const int *cpus, int n);

/*
 * Handlers by "element.handler" (or a global handler: "version", "list",
 * "classes", "config", "flatconfig", "stop"). Read appends the value to out.
 * Return 0 or -errno, reporting "no element 'x'" / "no handler 'x.h'".
 */
int weir_router_handler_read(struct weir_router *r, const char *spec, struct weir_strbuf *out,
			     struct weir_errh *errh);
int weir_router_handler_write(struct weir_router *r, const char *spec, const char *value,
			      struct weir_errh *errh);
/* Handler by element and name; NULL if none. Includes generic handlers. */
const struct weir_handler *weir_element_find_handler(const struct weir_element *e,
						     const char *name);
/* Names of all handlers of e, one per line, with r/w flags ("count\tr"). */
void weir_element_list_handlers(const struct weir_element *e, struct weir_strbuf *out);
int weir_handler_call_read(struct weir_element *e, const struct weir_handler *h,
			   struct weir_strbuf *out);
int weir_handler_call_write(struct weir_element *e, const struct weir_handler *h,
			    const char *value, struct weir_errh *errh);

/* Packets accepted from sources / killed: global accounting for tests. */
struct weir_router_stats {
	uint64_t iterations;
	uint64_t tasks_run;
	int64_t run_ns;
};
void weir_router_get_stats(const struct weir_router *r, struct weir_router_stats *st);

#endif
