/* router.c - builds a running configuration from a flat graph, runs it, serves handlers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "weir/args.h"
#include "weir/packet.h"
#include "router_priv.h"

/*
 * Building a router follows Click's order: instantiate elements, count ports
 * from the connections, check port counts, configure (by phase), resolve
 * push/pull, check that every port is connected, resolve each connection to
 * a direct function pointer, then initialize. Every step reports all the
 * problems it finds before giving up, and a failed build cleans up whatever
 * it configured. Threads and the run loops are in router_threads.c.
 */

/* ---- port counts ------------------------------------------------------------ */

struct port_range {
	int lo, hi;       /* hi = -1: unlimited */
	bool same_as_in;  /* "=": as many outputs as inputs */
};

static int
parse_range(const char *s, const char **end, struct port_range *r)
{
	r->same_as_in = false;
	if (*s == '=') {
		r->same_as_in = true;
		r->lo = 0;
		r->hi = -1;
		*end = s + 1;
		return 0;
	}
	if (*s == '-') { /* "-": any number */
		r->lo = 0;
		r->hi = -1;
		*end = s + 1;
		return 0;
	}
	char *p;
	long lo = strtol(s, &p, 10);
	if (p == s)
		return -EINVAL;
	r->lo = (int)lo;
	r->hi = (int)lo;
	if (*p == '-') {
		p++;
		if (*p >= '0' && *p <= '9')
			r->hi = (int)strtol(p, &p, 10);
		else
			r->hi = -1;
	}
	*end = p;
	return 0;
}

static int
parse_port_count(const char *spec, struct port_range *in, struct port_range *out)
{
	const char *s = spec ? spec : "1/1";
	const char *e;
	if (parse_range(s, &e, in) < 0)
		return -EINVAL;
	if (*e != '/') { /* "N" alone means N/N */
		*out = *in;
		return *e ? -EINVAL : 0;
	}
	if (parse_range(e + 1, &e, out) < 0 || *e)
		return -EINVAL;
	return 0;
}

/* Processing letter for port i (the last letter repeats). */
static uint8_t
processing_code(const char *spec, bool output, int i)
{
	const char *s = spec ? spec : "a/a";
	const char *slash = strchr(s, '/');
	const char *part = output ? (slash ? slash + 1 : s) : s;
	size_t len = output ? strlen(part) : (slash ? (size_t)(slash - s) : strlen(s));
	if (len == 0)
		return WEIR_AGNOSTIC;
	char c = part[(size_t)i < len ? (size_t)i : len - 1];
	return c == 'h' ? WEIR_PUSH : c == 'l' ? WEIR_PULL : WEIR_AGNOSTIC;
}

static const char *
proc_name(uint8_t p)
{
	return p == WEIR_PUSH ? "push" : p == WEIR_PULL ? "pull" : "agnostic";
}

/* ---- element creation ------------------------------------------------------- */

static char *
xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");
	if (!d)
		abort();
	return d;
}

static void *
xcalloc_aligned(size_t size)
{
	size = WEIR_ALIGN_UP(size ? size : 1, WEIR_CACHE_LINE);
	void *p = aligned_alloc(WEIR_CACHE_LINE, size);
	if (!p)
		abort();
	memset(p, 0, size);
	return p;
}

static struct weir_element *
element_new(struct weir_router *r, const struct weir_graph_element *ge,
	    const struct weir_element_class *cls, int index)
{
	struct weir_element *e = calloc(1, sizeof(*e));
	if (!e)
		abort();
	e->home_thread = -1; /* placed by weir_router_place_threads */
	e->cls = cls;
	e->router = r;
	e->name = xstrdup(ge->name);
	e->config = xstrdup(ge->config);
	e->landmark = xstrdup(ge->landmark);
	e->index = index;
	e->priv = xcalloc_aligned(cls->priv_size);
	e->pt_stride = WEIR_ALIGN_UP(cls->pt_size ? cls->pt_size : 1, WEIR_CACHE_LINE);
	e->pt = xcalloc_aligned(e->pt_stride * r->nthreads);
	struct weir_strbuf sb = WEIR_STRBUF_INIT;
	weir_strbuf_printf(&sb, "while configuring '%s :: %s'", e->name, cls->name);
	e->context = weir_strbuf_detach(&sb);
	return e;
}

static void
element_free(struct weir_element *e)
{
	if (!e)
		return;
	free(e->name);
	free(e->config);
	free(e->landmark);
	free(e->context);
	free(e->priv);
	free(e->pt);
	free(e->inputs);
	free(e->outputs);
	free(e);
}

static void
set_context(struct weir_errh *errh, const struct weir_element *e)
{
	errh->landmark = e ? e->landmark : NULL;
	errh->context = e ? e->context : NULL;
}

static int
create_elements(struct weir_router *r, const struct weir_graph *g, struct weir_errh *errh)
{
	int err = 0;
	r->elements = calloc((size_t)g->nelements + 1, sizeof(*r->elements));
	r->configured = calloc((size_t)g->nelements + 1, sizeof(int));
	r->initialized = calloc((size_t)g->nelements + 1, sizeof(int));
	if (!r->elements || !r->configured || !r->initialized)
		abort();
	for (int i = 0; i < g->nelements; i++) {
		const struct weir_graph_element *ge = &g->elements[i];
		const struct weir_element_class *cls = weir_element_class_find(ge->class_name);
		if (!cls) {
			const char *s = weir_element_class_suggest(ge->class_name);
			if (s)
				err = weir_lerror(errh, ge->landmark,
						  "unknown element class '%s' (did you mean '%s'?)",
						  ge->class_name, s);
			else
				err = weir_lerror(errh, ge->landmark,
						  "unknown element class '%s'", ge->class_name);
			continue;
		}
		r->elements[r->nelements++] = element_new(r, ge, cls, i);
	}
	return err;
}

/* ---- ports ----------------------------------------------------------------- */

static int
count_ports(struct weir_router *r, const struct weir_graph *g, struct weir_errh *errh)
{
	int err = 0;
	for (int i = 0; i < g->nconnections; i++) {
		const struct weir_graph_connection *c = &g->connections[i];
		if (c->from < 0 || c->from >= r->nelements || c->to < 0 ||
		    c->to >= r->nelements || c->from_port < 0 || c->to_port < 0 ||
		    c->from_port > 4095 || c->to_port > 4095)
			return weir_lerror(errh, c->landmark, "bad connection");
		struct weir_element *from = r->elements[c->from], *to = r->elements[c->to];
		if (c->from_port >= from->noutputs)
			from->noutputs = c->from_port + 1;
		if (c->to_port >= to->ninputs)
			to->ninputs = c->to_port + 1;
	}
	for (int i = 0; i < r->nelements; i++) {
		struct weir_element *e = r->elements[i];
		struct port_range in, out;
		struct weir_strbuf sb = WEIR_STRBUF_INIT;
		const char *decl = weir_element_declaration(e, &sb);
		if (parse_port_count(e->cls->port_count, &in, &out) < 0) {
			err = weir_lerror(errh, e->landmark, "'%s': bad port count \"%s\"", decl,
					  e->cls->port_count);
			weir_strbuf_free(&sb);
			continue;
		}
		if (in.hi >= 0 && e->ninputs > in.hi)
			err = weir_lerror(errh, e->landmark,
					  "'%s' has %d inputs, but at most %d allowed", decl,
					  e->ninputs, in.hi);
		if (e->ninputs < in.lo)
			e->ninputs = in.lo;
		if (out.same_as_in) {
			out.lo = out.hi = e->ninputs;
		}
		if (out.hi >= 0 && e->noutputs > out.hi)
			err = weir_lerror(errh, e->landmark,
					  "'%s' has %d outputs, but at most %d allowed", decl,
					  e->noutputs, out.hi);
		if (e->noutputs < out.lo)
			e->noutputs = out.lo;
		weir_strbuf_free(&sb);
		e->inputs = calloc((size_t)e->ninputs + 1, sizeof(struct weir_port));
		e->outputs = calloc((size_t)e->noutputs + 1, sizeof(struct weir_port));
		if (!e->inputs || !e->outputs)
			abort();
		for (int p = 0; p < e->ninputs; p++)
			e->inputs[p].processing = processing_code(e->cls->processing, false, p);
		for (int p = 0; p < e->noutputs; p++)
			e->outputs[p].processing = processing_code(e->cls->processing, true, p);
	}
	return err;
}

/* ---- configure ------------------------------------------------------------------ */

/* A class that leaves configure_phase at 0 gets Click's default phase. */
static int
class_phase(const struct weir_element_class *cls)
{
	return cls->configure_phase ? cls->configure_phase : WEIR_CONFIGURE_PHASE_DEFAULT;
}

static int
phase_cmp(const void *a, const void *b)
{
	const struct weir_element *x = *(struct weir_element *const *)a;
	const struct weir_element *y = *(struct weir_element *const *)b;
	int px = class_phase(x->cls), py = class_phase(y->cls);
	if (px != py)
		return px < py ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static struct weir_element **
phase_order(struct weir_router *r)
{
	struct weir_element **v = calloc((size_t)r->nelements + 1, sizeof(*v));
	if (!v)
		abort();
	memcpy(v, r->elements, (size_t)r->nelements * sizeof(*v));
	qsort(v, (size_t)r->nelements, sizeof(*v), phase_cmp);
	return v;
}

static bool
args_have(const struct weir_arg *a, const char *name)
{
	for (; a && a->name; a++)
		if (strcmp(a->name, name) == 0)
			return true;
	return false;
}

/*
 * "THREAD N" in the arguments of an element with declarative arguments
 * that does not define THREAD itself places it on thread N (modulo the
 * number of threads): Click's StaticThreadSched, written on the element.
 */
static int
take_thread_keyword(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	if (!e->cls->args || args_have(e->cls->args, "THREAD"))
		return 0;
	for (int i = 0; i < conf->argc; i++) {
		const char *a = conf->argv[i];
		if (strncmp(a, "THREAD", 6) != 0 || (a[6] != ' ' && a[6] != '\t'))
			continue;
		int32_t t;
		if (weir_parse_int(a + 7, &t) < 0 || t < 0)
			return weir_error(errh, "THREAD: expected a thread number, got '%s'", a + 7);
		e->home_thread = (int)(t % (int32_t)e->router->nthreads);
		free(conf->argv[i]);
		memmove(conf->argv + i, conf->argv + i + 1,
			(size_t)(conf->argc - i - 1) * sizeof(char *));
		conf->argc--;
		i--;
	}
	return 0;
}

static int
configure_one(struct weir_element *e, struct weir_errh *errh)
{
	struct weir_conf conf;
	if (weir_conf_split(e->config, &conf) < 0)
		return weir_error(errh, "out of memory");
	conf.raw = e->config;
	int rc = take_thread_keyword(e, &conf, errh);
	if (rc == 0 && e->cls->args)
		rc = weir_args_parse(e->cls->args, e->priv, &conf, e, errh);
	e->router->configured[e->index] = 1;
	if (rc == 0 && e->cls->configure)
		rc = e->cls->configure(e, &conf, errh);
	weir_conf_free(&conf);
	return rc;
}

static int
configure_all(struct weir_router *r, struct weir_errh *errh)
{
	struct weir_element **order = phase_order(r);
	int err = 0;
	for (int i = 0; i < r->nelements; i++) {
		struct weir_element *e = order[i];
		set_context(errh, e);
		int before = errh->nerrors;
		int rc = configure_one(e, errh);
		if (rc < 0) {
			if (errh->nerrors == before)
				weir_error(errh, "configuration failed (%s)", strerror(-rc));
			err = -EINVAL;
		}
	}
	set_context(errh, NULL);
	free(order);
	return err;
}

/* ---- push/pull resolution ------------------------------------------------------ */

/* Agnostic ports of one element take one value together (flow code "x/x"). */
static bool
element_agnostic_value(const struct weir_element *e, const uint8_t *in_agn,
		       const uint8_t *out_agn, uint8_t *value, int *conflict)
{
	uint8_t v = WEIR_AGNOSTIC;
	for (int p = 0; p < e->ninputs; p++) {
		if (!in_agn[p] || e->inputs[p].processing == WEIR_AGNOSTIC)
			continue;
		if (v != WEIR_AGNOSTIC && v != e->inputs[p].processing)
			*conflict = 1;
		v = e->inputs[p].processing;
	}
	for (int p = 0; p < e->noutputs; p++) {
		if (!out_agn[p] || e->outputs[p].processing == WEIR_AGNOSTIC)
			continue;
		if (v != WEIR_AGNOSTIC && v != e->outputs[p].processing)
			*conflict = 1;
		v = e->outputs[p].processing;
	}
	*value = v;
	return v != WEIR_AGNOSTIC;
}

static bool
element_set_agnostic(struct weir_element *e, const uint8_t *in_agn, const uint8_t *out_agn,
		     uint8_t v)
{
	bool changed = false;
	for (int p = 0; p < e->ninputs; p++)
		if (in_agn[p] && e->inputs[p].processing == WEIR_AGNOSTIC) {
			e->inputs[p].processing = v;
			changed = true;
		}
	for (int p = 0; p < e->noutputs; p++)
		if (out_agn[p] && e->outputs[p].processing == WEIR_AGNOSTIC) {
			e->outputs[p].processing = v;
			changed = true;
		}
	return changed;
}

/* Propagate across connections and through agnostic elements to a fixed point. */
static void
propagate(struct weir_router *r, const struct weir_graph *g, uint8_t **in_agn,
	  uint8_t **out_agn)
{
	bool changed = true;
	while (changed) {
		changed = false;
		for (int i = 0; i < g->nconnections; i++) {
			const struct weir_graph_connection *c = &g->connections[i];
			struct weir_port *o = &r->elements[c->from]->outputs[c->from_port];
			struct weir_port *in = &r->elements[c->to]->inputs[c->to_port];
			if (o->processing == WEIR_AGNOSTIC && in->processing != WEIR_AGNOSTIC) {
				o->processing = in->processing;
				changed = true;
			} else if (in->processing == WEIR_AGNOSTIC &&
				   o->processing != WEIR_AGNOSTIC) {
				in->processing = o->processing;
				changed = true;
			}
		}
		for (int i = 0; i < r->nelements; i++) {
			uint8_t v;
			int conflict = 0;
			if (element_agnostic_value(r->elements[i], in_agn[i], out_agn[i], &v,
						   &conflict) &&
			    element_set_agnostic(r->elements[i], in_agn[i], out_agn[i], v))
				changed = true;
		}
	}
}

static int
check_agnostic_conflicts(struct weir_router *r, uint8_t **in_agn, uint8_t **out_agn,
			 struct weir_errh *errh)
{
	int err = 0;
	for (int i = 0; i < r->nelements; i++) {
		uint8_t v;
		int conflict = 0;
		element_agnostic_value(r->elements[i], in_agn[i], out_agn[i], &v, &conflict);
		if (conflict) {
			struct weir_strbuf sb = WEIR_STRBUF_INIT;
			err = weir_lerror(errh, r->elements[i]->landmark,
					  "'%s': agnostic element used as both push and pull",
					  weir_element_declaration(r->elements[i], &sb));
			weir_strbuf_free(&sb);
		}
	}
	return err;
}

static int
check_connection_processing(struct weir_router *r, const struct weir_graph *g,
			    struct weir_errh *errh)
{
	int err = 0;
	for (int i = 0; i < g->nconnections; i++) {
		const struct weir_graph_connection *c = &g->connections[i];
		struct weir_element *from = r->elements[c->from], *to = r->elements[c->to];
		uint8_t po = from->outputs[c->from_port].processing;
		uint8_t pi = to->inputs[c->to_port].processing;
		if (po != pi) {
			struct weir_strbuf a = WEIR_STRBUF_INIT, b = WEIR_STRBUF_INIT;
			err = weir_lerror(errh, c->landmark,
					  "push/pull conflict: '%s' %s output %d connected to "
					  "'%s' %s input %d",
					  weir_element_declaration(from, &a), proc_name(po),
					  c->from_port, weir_element_declaration(to, &b),
					  proc_name(pi), c->to_port);
			weir_strbuf_free(&a);
			weir_strbuf_free(&b);
		}
	}
	return err;
}

static int
resolve_processing(struct weir_router *r, const struct weir_graph *g, struct weir_errh *errh)
{
	uint8_t **in_agn = calloc((size_t)r->nelements + 1, sizeof(uint8_t *));
	uint8_t **out_agn = calloc((size_t)r->nelements + 1, sizeof(uint8_t *));
	if (!in_agn || !out_agn)
		abort();
	for (int i = 0; i < r->nelements; i++) {
		struct weir_element *e = r->elements[i];
		in_agn[i] = calloc((size_t)e->ninputs + 1, 1);
		out_agn[i] = calloc((size_t)e->noutputs + 1, 1);
		if (!in_agn[i] || !out_agn[i])
			abort();
		for (int p = 0; p < e->ninputs; p++)
			in_agn[i][p] = e->inputs[p].processing == WEIR_AGNOSTIC;
		for (int p = 0; p < e->noutputs; p++)
			out_agn[i][p] = e->outputs[p].processing == WEIR_AGNOSTIC;
	}
	propagate(r, g, in_agn, out_agn);
	/* whatever is still agnostic becomes push, one element at a time */
	for (int i = 0; i < r->nelements; i++) {
		if (element_set_agnostic(r->elements[i], in_agn[i], out_agn[i], WEIR_PUSH))
			propagate(r, g, in_agn, out_agn);
	}
	int err = check_agnostic_conflicts(r, in_agn, out_agn, errh);
	if (check_connection_processing(r, g, errh) < 0)
		err = -EINVAL;
	for (int i = 0; i < r->nelements; i++) {
		free(in_agn[i]);
		free(out_agn[i]);
	}
	free(in_agn);
	free(out_agn);
	return err;
}

/* ---- connections ------------------------------------------------------------------ */

static weir_push_fn
effective_push(const struct weir_element_class *cls)
{
	if (cls->push)
		return cls->push;
	if (cls->simple_action)
		return weir_simple_push;
	if (cls->classify)
		return weir_classify_push;
	return NULL;
}

static weir_pull_fn
effective_pull(const struct weir_element_class *cls)
{
	if (cls->pull)
		return cls->pull;
	if (cls->simple_action)
		return weir_simple_pull;
	if (cls->classify)
		return weir_classify_pull;
	return NULL;
}

static int
connect_one(struct weir_router *r, const struct weir_graph_connection *c,
	    struct weir_errh *errh)
{
	struct weir_element *from = r->elements[c->from], *to = r->elements[c->to];
	struct weir_port *o = &from->outputs[c->from_port];
	struct weir_port *in = &to->inputs[c->to_port];
	struct weir_strbuf a = WEIR_STRBUF_INIT, b = WEIR_STRBUF_INIT;
	int err = 0;
	if (o->processing == WEIR_PUSH && o->connected)
		err = weir_lerror(errh, c->landmark,
				  "'%s' push output %d connected to more than one input",
				  weir_element_declaration(from, &a), c->from_port);
	else if (in->processing == WEIR_PULL && in->connected)
		err = weir_lerror(errh, c->landmark,
				  "'%s' pull input %d connected to more than one output",
				  weir_element_declaration(to, &b), c->to_port);
	else if (o->processing == WEIR_PUSH && !to->push)
		err = weir_lerror(errh, c->landmark, "'%s' cannot receive pushed packets",
				  weir_element_declaration(to, &b));
	else if (in->processing == WEIR_PULL && !from->pull)
		err = weir_lerror(errh, c->landmark, "'%s' cannot be pulled from",
				  weir_element_declaration(from, &a));
	weir_strbuf_free(&a);
	weir_strbuf_free(&b);
	if (err)
		return err;
	if (!o->connected) {
		o->peer = to;
		o->peer_port = c->to_port;
		o->push = to->push;
	}
	if (!in->connected) {
		in->peer = from;
		in->peer_port = c->from_port;
		in->pull = from->pull;
	}
	o->connected = in->connected = 1;
	return 0;
}

static int
check_unused(struct weir_element *e, struct weir_port *ports, int n, const char *what,
	     struct weir_errh *errh)
{
	int err = 0;
	for (int p = 0; p < n; p++) {
		if (ports[p].connected)
			continue;
		struct weir_strbuf sb = WEIR_STRBUF_INIT;
		err = weir_lerror(errh, e->landmark, "'%s' %s %d unused",
				  weir_element_declaration(e, &sb), what, p);
		weir_strbuf_free(&sb);
	}
	return err;
}

static int
connect_all(struct weir_router *r, const struct weir_graph *g, struct weir_errh *errh)
{
	int err = 0;
	for (int i = 0; i < r->nelements; i++) {
		r->elements[i]->push = effective_push(r->elements[i]->cls);
		r->elements[i]->pull = effective_pull(r->elements[i]->cls);
	}
	for (int i = 0; i < g->nconnections; i++)
		if (connect_one(r, &g->connections[i], errh) < 0)
			err = -EINVAL;
	for (int i = 0; i < r->nelements; i++) {
		struct weir_element *e = r->elements[i];
		if (check_unused(e, e->inputs, e->ninputs, "input", errh) < 0)
			err = -EINVAL;
		if (check_unused(e, e->outputs, e->noutputs, "output", errh) < 0)
			err = -EINVAL;
	}
	return err;
}

/* ---- initialize and cleanup ------------------------------------------------------ */

static int
initialize_all(struct weir_router *r, struct weir_errh *errh)
{
	struct weir_element **order = phase_order(r);
	int err = 0;
	for (int i = 0; i < r->nelements && !err; i++) {
		struct weir_element *e = order[i];
		if (!e->cls->initialize)
			continue;
		set_context(errh, e);
		errh->context = NULL;
		struct weir_strbuf sb = WEIR_STRBUF_INIT;
		weir_strbuf_printf(&sb, "while initializing '%s :: %s'", e->name, e->cls->name);
		errh->context = weir_strbuf_str(&sb);
		int before = errh->nerrors;
		r->initialized[e->index] = 1;
		int rc = e->cls->initialize(e, errh);
		if (rc < 0) {
			if (errh->nerrors == before)
				weir_error(errh, "initialization failed (%s)", strerror(-rc));
			err = -EINVAL;
		}
		weir_strbuf_free(&sb);
	}
	set_context(errh, NULL);
	free(order);
	return err;
}

static void
cleanup_all(struct weir_router *r)
{
	struct weir_element **order = phase_order(r);
	for (int i = r->nelements - 1; i >= 0; i--) {
		struct weir_element *e = order[i];
		if (!r->configured[e->index])
			continue;
		if (e->cls->cleanup)
			e->cls->cleanup(e);
		if (e->cls->args)
			weir_args_free(e->cls->args, e->priv);
		r->configured[e->index] = 0;
	}
	free(order);
}

static char *
make_flatconfig(const struct weir_graph *g)
{
	struct weir_strbuf sb = WEIR_STRBUF_INIT;
	for (int i = 0; i < g->nelements; i++) {
		const struct weir_graph_element *ge = &g->elements[i];
		weir_strbuf_printf(&sb, "%s :: %s", ge->name, ge->class_name);
		if (ge->config && *ge->config)
			weir_strbuf_printf(&sb, "(%s)", ge->config);
		weir_strbuf_puts(&sb, ";\n");
	}
	for (int i = 0; i < g->nconnections; i++) {
		const struct weir_graph_connection *c = &g->connections[i];
		weir_strbuf_printf(&sb, "%s [%d] -> [%d] %s;\n", g->elements[c->from].name,
				   c->from_port, c->to_port, g->elements[c->to].name);
	}
	return weir_strbuf_detach(&sb);
}

struct weir_router *
weir_router_new(const struct weir_graph *g, const struct weir_router_opts *opts,
		struct weir_errh *errh)
{
	struct weir_router_opts defaults = { .nthreads = 1 };
	if (!opts)
		opts = &defaults;
	if (weir_packets_init(opts->pool_packets, opts->pool_packets / 4, 0,
			      opts->pool_packets) < 0) {
		weir_error(errh, "cannot create packet pools");
		return NULL;
	}
	struct weir_router *r = calloc(1, sizeof(*r));
	if (!r)
		abort();
	r->nthreads = opts->nthreads ? opts->nthreads : 1;
	r->threads = calloc(r->nthreads, sizeof(*r->threads));
	if (!r->threads)
		abort();
	for (unsigned t = 0; t < r->nthreads; t++)
		weir_thread_init(&r->threads[t], t, r);
	weir_tid = 0;
	r->flatconfig = make_flatconfig(g);
	if (create_elements(r, g, errh) < 0 || count_ports(r, g, errh) < 0)
		goto err_free;
	if (configure_all(r, errh) < 0)
		goto err_cleanup;
	if (resolve_processing(r, g, errh) < 0 || connect_all(r, g, errh) < 0 ||
	    weir_router_place_threads(r, errh) < 0)
		goto err_cleanup;
	r->state = WEIR_ROUTER_CONFIGURED;
	if (initialize_all(r, errh) < 0)
		goto err_cleanup;
	return r;

err_cleanup:
	cleanup_all(r);
err_free:
	weir_router_free(r);
	return NULL;
}

void
weir_router_free(struct weir_router *r)
{
	if (!r)
		return;
	cleanup_all(r);
	for (int i = 0; i < r->nelements; i++)
		element_free(r->elements[i]);
	for (unsigned t = 0; t < r->nthreads; t++)
		weir_thread_fini(&r->threads[t]);
	free(r->threads);
	free(r->cpus);
	free(r->elements);
	free(r->configured);
	free(r->initialized);
	free(r->flatconfig);
	free(r);
}

/* ---- running ------------------------------------------------------------------- */

void
weir_router_set_stop_hook(struct weir_router *r, void (*hook)(void *arg), void *arg)
{
	r->stop_hook = hook;
	r->stop_hook_arg = arg;
}

void
weir_router_get_stats(const struct weir_router *r, struct weir_router_stats *st)
{
	*st = r->stats;
}

int
weir_router_nelements(const struct weir_router *r)
{
	return r->nelements;
}

struct weir_element *
weir_router_element(const struct weir_router *r, int i)
{
	return i >= 0 && i < r->nelements ? r->elements[i] : NULL;
}

unsigned
weir_router_nthreads(const struct weir_router *r)
{
	return r->nthreads;
}

static struct weir_element *
find_exact(const struct weir_router *r, const char *name, size_t len)
{
	for (int i = 0; i < r->nelements; i++) {
		const char *n = r->elements[i]->name;
		if (strlen(n) == len && memcmp(n, name, len) == 0)
			return r->elements[i];
	}
	return NULL;
}

struct weir_element *
weir_router_find(const struct weir_router *r, const char *name, const struct weir_element *context)
{
	if (context) {
		/* "a/b/x" context: try "a/b/NAME", then "a/NAME" */
		const char *cn = context->name;
		size_t plen = strlen(cn);
		struct weir_strbuf sb = WEIR_STRBUF_INIT;
		while (plen > 0) {
			while (plen > 0 && cn[plen - 1] != '/')
				plen--;
			if (plen == 0)
				break;
			weir_strbuf_reset(&sb);
			weir_strbuf_append(&sb, cn, plen);
			weir_strbuf_puts(&sb, name);
			struct weir_element *e = find_exact(r, sb.s, sb.len);
			if (e) {
				weir_strbuf_free(&sb);
				return e;
			}
			plen--;
		}
		weir_strbuf_free(&sb);
	}
	return find_exact(r, name, strlen(name));
}
