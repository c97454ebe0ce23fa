/* element.h - element classes, element instances, ports and handlers. */
#ifndef WEIR_ELEMENT_H
#define WEIR_ELEMENT_H

#include "weir/common.h"
#include "weir/batch.h"
#include "weir/error.h"
#include "weir/strbuf.h"

struct weir_element;
struct weir_router;
struct weir_arg;
struct weir_notifier;

/* A configuration string split at top-level commas, comments removed, each
 * argument trimmed (Click's cp_argvec). */
struct weir_conf {
	int argc;
	char **argv;
	const char *raw; /* the whole string as written */
};

enum weir_processing {
	WEIR_AGNOSTIC = 0,
	WEIR_PUSH = 1,
	WEIR_PULL = 2,
};

/* push(e, port, batch): e receives the packets of b on input `port`. */
typedef void (*weir_push_fn)(struct weir_element *e, int port, struct weir_batch *b);
/* pull(e, port, batch, max): e fills b (b->n is 0 on entry) with at most
 * `max` packets from output `port`; returns b->n. 0 means nothing now. */
typedef uint32_t (*weir_pull_fn)(struct weir_element *e, int port, struct weir_batch *b,
				 uint32_t max);

/* One end of a connection, resolved once before the run. */
struct weir_port {
	struct weir_element *peer; /* element at the other end */
	int peer_port;
	weir_push_fn push; /* on a push output: the peer's push */
	weir_pull_fn pull; /* on a pull input: the peer's pull */
	uint8_t processing; /* resolved WEIR_PUSH or WEIR_PULL */
	uint8_t connected;
};

/* Handlers: read returns 0 or -errno and appends its value (no trailing
 * newline needed) to out; write returns 0 or -errno and reports through errh. */
struct weir_handler {
	const char *name;
	int (*read)(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out);
	int (*write)(struct weir_element *e, const char *value, const struct weir_handler *h,
		     struct weir_errh *errh);
	intptr_t arg; /* free for the element: a field offset, a selector */
	unsigned flags;
};
#define WEIR_HANDLER_END { .name = NULL }

/* Click's configure phases: lower phases configure first. */
#define WEIR_CONFIGURE_PHASE_FIRST 0
#define WEIR_CONFIGURE_PHASE_INFO 20
#define WEIR_CONFIGURE_PHASE_DEFAULT 100
#define WEIR_CONFIGURE_PHASE_LAST 2000

/* class flags */
#define WEIR_CLASS_THREAD_UNSAFE 0x01   /* may not be called from two threads at once */
#define WEIR_CLASS_SPSC 0x02            /* one pushing thread and one pulling thread at most */
#define WEIR_CLASS_THREAD_BOUNDARY 0x04 /* pushes its output from its own task (Pipeliner) */

struct weir_element_class {
	const char *name;
	/* Click port count: "1/1", "1/1-2", "0/1", "1/-", "-/-", "1-/1", "1/=" */
	const char *port_count;
	/* Click processing: "a/a", "h/h", "l/l", "h/l", "a/ah" (last letter repeats) */
	const char *processing;
	/* Click flow code ("x/x" default: every input reaches every output) */
	const char *flow_code;
	size_t priv_size; /* private state, zeroed, at e->priv */
	size_t pt_size;   /* per-thread state, zeroed, one cache-aligned slot per thread */
	/* Declarative arguments, parsed into priv before configure() is called.
	 * NULL: configure() gets the raw arguments and parses them itself. */
	const struct weir_arg *args;
	int configure_phase;  /* 0: WEIR_CONFIGURE_PHASE_DEFAULT */
	unsigned flags;

	int (*configure)(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh);
	int (*initialize)(struct weir_element *e, struct weir_errh *errh);
	void (*cleanup)(struct weir_element *e);

	/* Data path. An element provides push and/or pull, or one of:
	 * simple_action: works in place on a batch (may set pkts[i] = NULL after
	 *   killing or taking a packet); the framework compacts the batch and
	 *   forwards it on output 0, in push and in pull mode.
	 * classify: writes an output port (or WEIR_PORT_DROP) for each packet; the
	 *   framework splits the batch and pushes each part. In pull mode packets
	 *   for output 0 are returned and the others pushed. */
	weir_push_fn push;
	weir_pull_fn pull;
	void (*simple_action)(struct weir_element *e, struct weir_batch *b);
	void (*classify)(struct weir_element *e, struct weir_batch *b, uint8_t *ports);

	/* Empty notifier for pulls from output `port` (Queue, FromDump); NULL
	 * when the element has none. See notifier.h. */
	struct weir_notifier *(*notifier)(struct weir_element *e, int port);

	const struct weir_handler *handlers; /* ends with WEIR_HANDLER_END */
	const char *doc; /* Click-style documentation shown by weir --doc */
};

struct weir_element {
	const struct weir_element_class *cls;
	struct weir_router *router;
	char *name;     /* "c", "Counter@3", "compound/inner" */
	char *config;   /* configuration string as written */
	char *landmark; /* "file:line" */
	int index;
	int ninputs, noutputs;
	struct weir_port *inputs, *outputs;
	void *priv;
	uint8_t *pt;       /* per-thread slots */
	size_t pt_stride;
	int home_thread;   /* thread its tasks and timers run on; -1 until placed
			    * (configure may set it: StaticThreadSched, THREAD) */
	weir_push_fn push; /* effective push (the class's, or the framework's) */
	weir_pull_fn pull; /* effective pull */
	char *context;     /* "while configuring 'name :: Class'" (for errh) */
};

/* ---- registry --------------------------------------------------------------- */

void weir_element_class_register(const struct weir_element_class *cls);
const struct weir_element_class *weir_element_class_find(const char *name);
/* Classes sorted by name. */
size_t weir_element_class_count(void);
const struct weir_element_class *weir_element_class_at(size_t i);
/* The registered class name closest to `name` (edit distance), or NULL. */
const char *weir_element_class_suggest(const char *name);

/* Registers a class at program start (files are linked whole). */
#define WEIR_ELEMENT_REGISTER(cls)                                                   \
	__attribute__((constructor)) static void weir_register_##cls(void)          \
	{                                                                            \
		weir_element_class_register(&(cls));                                 \
	}

/* ---- per-element access ----------------------------------------------------- */

static inline void *
weir_element_priv(const struct weir_element *e)
{
	return e->priv;
}
/* This thread's per-thread slot. */
static inline void *
weir_element_pt(const struct weir_element *e)
{
	return e->pt + (size_t)weir_tid * e->pt_stride;
}
static inline void *
weir_element_pt_at(const struct weir_element *e, unsigned tid)
{
	return e->pt + (size_t)tid * e->pt_stride;
}
/* Number of per-thread slots (threads of the router). */
unsigned weir_element_nthreads(const struct weir_element *e);

/* Per-thread element state is declared once in the class (.pt_size =
 * sizeof(struct foo_pt), or WEIR_PER_THREAD(struct foo_pt)), reached with
 * weir_element_pt(e) on the data path and summed by handlers with
 * WEIR_PT_SUM: a counter reads the same from one thread or many. */
#define WEIR_PER_THREAD(type) .pt_size = sizeof(type)

/* Sum a uint64_t field of the per-thread state over all threads. */
#define WEIR_PT_SUM(e, type, field)                                                  \
	({                                                                           \
		uint64_t _s = 0;                                                     \
		for (unsigned _t = 0; _t < weir_element_nthreads(e); _t++)           \
			_s += ((type *)weir_element_pt_at((e), _t))->field;          \
		_s;                                                                  \
	})

/* ---- moving packets ---------------------------------------------------------- */

/* Push the batch out of `port` (nothing happens for an empty batch). The
 * packets belong to the receiver afterwards. */
static inline void
weir_output_push(struct weir_element *e, int port, struct weir_batch *b)
{
	if (weir_likely(b->n)) {
		struct weir_port *o = &e->outputs[port];
		o->push(o->peer, o->peer_port, b);
	}
}
/* Pull up to max packets into b (b->n is set to 0 first); returns b->n. */
static inline uint32_t
weir_input_pull(struct weir_element *e, int port, struct weir_batch *b, uint32_t max)
{
	struct weir_port *in = &e->inputs[port];
	b->n = 0;
	if (max > WEIR_BATCH_MAX)
		max = WEIR_BATCH_MAX;
	return in->pull(in->peer, in->peer_port, b, max);
}
static inline bool
weir_output_is_push(const struct weir_element *e, int port)
{
	return e->outputs[port].processing == WEIR_PUSH;
}
static inline bool
weir_input_is_pull(const struct weir_element *e, int port)
{
	return e->inputs[port].processing == WEIR_PULL;
}
/* Push one packet out of port. */
void weir_output_push_packet(struct weir_element *e, int port, struct weir_packet *p);
/*
 * Split b by ports[i] (one per packet) and push each part on its output, in
 * port order, keeping the packets' relative order within each part. Packets
 * whose port is WEIR_PORT_DROP or >= noutputs are killed.
 */
void weir_output_push_split(struct weir_element *e, struct weir_batch *b, const uint8_t *ports);

/* The framework's push/pull for simple_action and classify classes. */
void weir_simple_push(struct weir_element *e, int port, struct weir_batch *b);
uint32_t weir_simple_pull(struct weir_element *e, int port, struct weir_batch *b, uint32_t max);
void weir_classify_push(struct weir_element *e, int port, struct weir_batch *b);
uint32_t weir_classify_pull(struct weir_element *e, int port, struct weir_batch *b, uint32_t max);

/* ---- handler helpers ------------------------------------------------------ */

/* Read handlers for fields of priv, handler arg = offsetof(field). */
int weir_handler_read_u64(struct weir_element *e, const struct weir_handler *h,
			  struct weir_strbuf *out);
int weir_handler_read_u32(struct weir_element *e, const struct weir_handler *h,
			  struct weir_strbuf *out);
int weir_handler_read_int(struct weir_element *e, const struct weir_handler *h,
			  struct weir_strbuf *out);
int weir_handler_read_bool(struct weir_element *e, const struct weir_handler *h,
			   struct weir_strbuf *out);

/* Formats a Click-style element description: "name :: Class". */
const char *weir_element_declaration(const struct weir_element *e, struct weir_strbuf *sb);

#endif
