/* script_priv.h - the Script language engine shared by Script and DriverManager. */
#ifndef WEIR_SCRIPT_PRIV_H
#define WEIR_SCRIPT_PRIV_H

#include "weir/element.h"
#include "weir/task.h"

/*
 * Script and DriverManager are the same element with a different default
 * TYPE: both use struct weir_script as their private state, the functions
 * below as configure/initialize/cleanup, and weir_script_handlers.
 *
 * How a script runs (Click's model): the instruction pointer advances
 * through the instructions until a blocking one (pause, wait TIME) that has
 * not received enough "steps". Steps come from the `step` handler, from the
 * expiry of a wait timer, and, for TYPE DRIVER scripts, from the router's
 * please_stop requests (sources that finish, or a router with nothing left
 * to do). Those requests are queued by the stop hook and run from a timer on
 * the next loop iteration, never inside the caller's stack. A driver script
 * stops the router with `stop`, or when a stop request finds it ended.
 *
 * Threads: everything here runs on the element's home thread (thread 0
 * today). The stop hook must be called from that thread as well.
 */

enum weir_script_type {
	WEIR_SCRIPT_ACTIVE,  /* runs once the router starts */
	WEIR_SCRIPT_PASSIVE, /* runs only through its handlers (run, step, goto) */
	WEIR_SCRIPT_DRIVER,  /* ACTIVE, and decides when the router stops */
};

struct weir_script_insn;

struct weir_script_var {
	char *name;
	char *value;
};

struct weir_script {
	struct weir_element *e;
	enum weir_script_type type;
	struct weir_script_insn *insns;
	int ninsns;
	struct weir_script_var *vars;
	int nvars;
	int pc;                   /* instruction pointer */
	int write_status;         /* $?: result of the last write */
	char *run_args;           /* $args: value written to the run handler */
	char *context;            /* "while executing 'x :: Class'" for run-time errors */
	struct weir_timer wait_timer; /* expiry of `wait TIME` */
	struct weir_timer kick_timer; /* first run, and queued stop requests */
	bool timers_ready;
	bool hooked;              /* holds the router's stop hook */
	bool initial;             /* the first run is still to come */
	bool running;             /* inside the interpreter (re-entrancy guard) */
	unsigned pending_stops;   /* please_stop requests not yet run */
	unsigned reentrant_steps; /* steps asked for while running */
};

/* Parses the instructions (and the TYPE keyword) of conf. */
int weir_script_configure(struct weir_element *e, struct weir_conf *conf,
			  enum weir_script_type default_type, struct weir_errh *errh);
/* Runs init instructions, installs timers and (DRIVER) the stop hook. */
int weir_script_initialize(struct weir_element *e, struct weir_errh *errh);
void weir_script_cleanup(struct weir_element *e);

/* step, goto, run: the handlers of both classes. */
extern const struct weir_handler weir_script_handlers[];

/* Is e a Script or a DriverManager? */
static inline bool
weir_script_is(const struct weir_element *e)
{
	return e->cls->handlers == weir_script_handlers;
}

/*
 * The expression functions ("add", "lt", "sprintf", ...) that $(NAME ARGS)
 * calls without an element. Appends the result to out and returns 0, -ENOENT
 * when no function has that name (nothing reported), or -EINVAL after
 * reporting a bad argument through errh. Exposed for unit tests.
 */
int weir_script_function(const char *name, const char *args, struct weir_strbuf *out,
			 struct weir_errh *errh);

/* ---- words (shared by the engine and the functions) ----------------------- */

static inline bool
weir_script_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static inline const char *
weir_script_skip_space(const char *s)
{
	while (weir_script_space(*s))
		s++;
	return s;
}

/* Length of the first word of s: up to a space outside quotes (Click's
 * space-separated vectors keep "a b" and 'a b' together). */
static inline size_t
weir_script_word_len(const char *s)
{
	const char *p = s;
	char quote = 0;
	for (; *p; p++) {
		if (quote) {
			if (*p == '\\' && quote == '"' && p[1])
				p++;
			else if (*p == quote)
				quote = 0;
		} else if (*p == '"' || *p == '\'') {
			quote = *p;
		} else if (weir_script_space(*p)) {
			break;
		}
	}
	return (size_t)(p - s);
}

#endif
