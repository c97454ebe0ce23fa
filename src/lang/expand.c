/* expand.c - flatten parsed scopes: expand compounds, substitute $variables, resolve compound ports. */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "lang_priv.h"

/*
 * Each compound instance "c" becomes two tunnels, one for its inputs and one
 * for its outputs (Click's connection tunnels): outside connections to c
 * [p] end at the input tunnel's port p, inside connections from 'input' [p]
 * start there, and likewise for outputs. Once everything is expanded, every
 * path real -> tunnel -> ... -> tunnel -> real becomes one connection, and a
 * tunnel port used on one side only is an error ("'c' input 0 unused",
 * "'c' has no output 1"). Connections are then sorted and deduplicated.
 *
 * Variables: every compound instance gets an environment holding its formal
 * parameters and its own defines; its parent is the environment of the
 * instance that lexically encloses the compound's definition (Click's
 * scoping). The file's environment holds command-line variables, which
 * override the file's defines.
 */

#define NO_NODE INT_MIN
#define TUNNEL_NODE(t) (-(t)-1)
#define NODE_TUNNEL(n) (-(n)-1)
#define EXPAND_BUDGET 20000000L /* tunnel walk steps */

struct env {
	const struct env *parent;
	int depth;
	char **names, **values;
	int n, cap;
};

struct tunnel {
	char *owner; /* instance name */
	struct lang_pos pos;
	bool input;
};

struct xconn {
	int from, from_port, to, to_port;
	int line;
};

struct expander {
	struct lang_lexer *lx;
	struct weir_graph *g;
	int capelements;
	struct xconn *conns;
	int nconns, capconns;
	struct tunnel *tunnels;
	int ntunnels, captunnels;
	bool overflow;
};

/* ---- variables --------------------------------------------------------------- */

static const char *
env_lookup(const struct env *e, const char *name, size_t len)
{
	for (; e; e = e->parent)
		for (int i = 0; i < e->n; i++)
			if (strlen(e->names[i]) == len && memcmp(e->names[i], name, len) == 0)
				return e->values[i];
	return NULL;
}

static bool
env_has_local(const struct env *e, const char *name)
{
	for (int i = 0; i < e->n; i++)
		if (strcmp(e->names[i], name) == 0)
			return true;
	return false;
}

/* Takes ownership of value. */
static void
env_set(struct env *e, const char *name, char *value)
{
	for (int i = 0; i < e->n; i++)
		if (strcmp(e->names[i], name) == 0) {
			free(e->values[i]);
			e->values[i] = value;
			return;
		}
	int cap = e->cap;
	e->names = lang_grow(e->names, &cap, e->n + 1, sizeof(*e->names));
	e->values = lang_grow(e->values, &e->cap, e->n + 1, sizeof(*e->values));
	e->names[e->n] = lang_strdup(name);
	e->values[e->n++] = value;
}

static void
env_free(struct env *e)
{
	for (int i = 0; i < e->n; i++) {
		free(e->names[i]);
		free(e->values[i]);
	}
	free(e->names);
	free(e->values);
}

static bool
is_var_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* "$name" or "${name}" at s; returns the length consumed (0: not a
 * variable reference) and the name. "$(...)" is never one. */
static size_t
var_ref(const char *s, const char **name, size_t *len)
{
	if (s[1] == '{') {
		size_t n = 2;
		while (is_var_char(s[n]))
			n++;
		if (n == 2 || s[n] != '}')
			return 0;
		*name = s + 2;
		*len = n - 2;
		return n + 1;
	}
	size_t n = 1;
	while (is_var_char(s[n]))
		n++;
	*name = s + 1;
	*len = n - 1;
	return n > 1 ? n : 0;
}

/* Substitute known $variables; single-quoted text, comments and escaped
 * characters are copied as written, as are unknown variables. */
static char *
expand_vars(const char *s, const struct env *env)
{
	struct weir_strbuf sb = WEIR_STRBUF_INIT;
	bool dquote = false;
	for (size_t i = 0; s[i];) {
		char c = s[i];
		size_t skip = 1;
		if (c == '\\' && s[i + 1]) {
			skip = 2;
		} else if (c == '"') {
			dquote = !dquote;
		} else if (c == '\'' && !dquote) {
			const char *e = strchr(s + i + 1, '\'');
			skip = e ? (size_t)(e - (s + i)) + 1 : strlen(s + i);
		} else if (c == '/' && !dquote && (s[i + 1] == '/' || s[i + 1] == '*')) {
			const char *e = s[i + 1] == '/' ? strchr(s + i, '\n') : strstr(s + i + 2, "*/");
			skip = e ? (size_t)(e - (s + i)) + (s[i + 1] == '*' ? 2 : 0) : strlen(s + i);
		} else if (c == '$') {
			const char *name;
			size_t len, n = var_ref(s + i, &name, &len);
			const char *value = n ? env_lookup(env, name, len) : NULL;
			if (value) {
				weir_strbuf_puts(&sb, value);
				i += n;
				continue;
			}
			skip = n ? n : 1;
		}
		if (skip == 0)
			skip = 1;
		weir_strbuf_append(&sb, s + i, skip);
		i += skip;
	}
	return weir_strbuf_detach(&sb);
}

/* ---- building the graph ------------------------------------------------------- */

static int
add_element(struct expander *x, char *name, const char *cls, char *config, struct lang_pos pos)
{
	struct weir_graph *g = x->g;
	if (g->nelements >= LANG_MAX_ELEMENTS) {
		if (!x->overflow)
			lang_error(x->lx, pos,
				   "configuration too large: more than %d elements after expanding "
				   "compound elements",
				   LANG_MAX_ELEMENTS);
		x->overflow = true;
		free(name);
		free(config);
		return NO_NODE;
	}
	g->elements = lang_grow(g->elements, &x->capelements, g->nelements + 1,
				sizeof(*g->elements));
	g->elements[g->nelements] = (struct weir_graph_element){
		.name = name,
		.class_name = lang_strdup(cls),
		.config = config,
		.landmark = lang_landmark(x->lx->filename, pos, false),
	};
	return g->nelements++;
}

static int
add_tunnel(struct expander *x, const char *owner, struct lang_pos pos, bool input)
{
	x->tunnels = lang_grow(x->tunnels, &x->captunnels, x->ntunnels + 1, sizeof(*x->tunnels));
	x->tunnels[x->ntunnels] = (struct tunnel){ lang_strdup(owner), pos, input };
	return TUNNEL_NODE(x->ntunnels++);
}

static void
add_conn(struct expander *x, int from, int fport, int to, int tport, int line)
{
	if (x->nconns >= LANG_MAX_CONNECTIONS) {
		if (!x->overflow)
			lang_error(x->lx, (struct lang_pos){ line, 1 },
				   "configuration too large: more than %d connections",
				   LANG_MAX_CONNECTIONS);
		x->overflow = true;
		return;
	}
	x->conns = lang_grow(x->conns, &x->capconns, x->nconns + 1, sizeof(*x->conns));
	x->conns[x->nconns++] = (struct xconn){ from, fport, to, tport, line };
}

/* Bind a compound's formals to the instance's arguments in env. */
static int
bind_arguments(struct expander *x, const struct lang_compound *c, const char *config,
	       const char *instance, struct lang_pos pos, struct env *env)
{
	char **argv;
	int argc = lang_split_args(config, &argv);
	char **vals = calloc((size_t)c->nformals + 1, sizeof(*vals));
	struct weir_strbuf rest = WEIR_STRBUF_INIT;
	int npositional = 0, next = 0, r = 0;
	bool too_many = false;
	if (!vals)
		abort();
	while (npositional < c->nformals && !c->formals[npositional].keyword)
		npositional++;
	for (int a = 0; a < argc; a++) {
		size_t wl = 0;
		while (argv[a][wl] && !isspace((unsigned char)argv[a][wl]))
			wl++;
		int f;
		for (f = npositional; f < c->nformals; f++) {
			const char *kw = c->formals[f].keyword;
			if (strcmp(kw, "__REST__") != 0 && strlen(kw) == wl &&
			    memcmp(kw, argv[a], wl) == 0 && !vals[f])
				break;
		}
		if (f < c->nformals) {
			const char *v = argv[a] + wl;
			while (isspace((unsigned char)*v))
				v++;
			vals[f] = lang_strdup(v);
		} else if (next < npositional) {
			vals[next++] = lang_strdup(argv[a]);
		} else if (c->nformals && c->formals[c->nformals - 1].keyword &&
			   strcmp(c->formals[c->nformals - 1].keyword, "__REST__") == 0) {
			if (rest.len)
				weir_strbuf_puts(&rest, ", ");
			weir_strbuf_puts(&rest, argv[a]);
		} else {
			too_many = true;
		}
	}
	if (too_many || next < npositional) {
		r = lang_error(x->lx, pos,
			       "wrong number of arguments for '%s :: %s': expected %d%s, got %d",
			       instance, c->name ? c->name : "<anonymous>", npositional,
			       npositional < c->nformals ? " and keywords" : "", argc);
	} else {
		for (int f = 0; f < c->nformals; f++) {
			const char *kw = c->formals[f].keyword;
			char *v = vals[f];
			if (kw && strcmp(kw, "__REST__") == 0)
				v = weir_strbuf_detach(&rest);
			env_set(env, c->formals[f].name, v ? v : lang_strdup(""));
			vals[f] = NULL;
		}
	}
	for (int f = 0; f < c->nformals; f++)
		free(vals[f]);
	free(vals);
	weir_strbuf_free(&rest);
	lang_free_args(argv, argc);
	return r;
}

/* A scope's defines, expanded in env, unless env already holds the name
 * (formals, command-line variables). */
static void
define_scope_vars(const struct lang_scope *s, struct env *env)
{
	for (int i = 0; i < s->ndefs; i++)
		if (!env_has_local(env, s->defs[i].name))
			env_set(env, s->defs[i].name, expand_vars(s->defs[i].value, env));
}

static void expand_scope(struct expander *x, const struct lang_scope *s, const char *prefix,
			 const struct env *env, int tin, int tout, int depth);

static void
expand_instance(struct expander *x, const struct lang_elem *e, char *name, char *config,
		const struct env *env, int tin, int tout, int depth)
{
	const struct lang_compound *c = e->cls.comp;
	const struct env *parent = env;
	while (parent && parent->depth > c->depth)
		parent = parent->parent;
	struct env inner = { .parent = parent, .depth = c->depth + 1 };
	if (depth >= LANG_MAX_EXPANSION) {
		if (!x->overflow)
			lang_error(x->lx, e->pos, "compound elements expanded too deeply (limit %d)",
				   LANG_MAX_EXPANSION);
		x->overflow = true;
	} else if (bind_arguments(x, c, config, name, e->pos, &inner) == 0) {
		define_scope_vars(&c->body, &inner);
		size_t n = strlen(name);
		char *prefix = malloc(n + 2);
		if (!prefix)
			abort();
		memcpy(prefix, name, n);
		memcpy(prefix + n, "/", 2);
		expand_scope(x, &c->body, prefix, &inner, tin, tout, depth + 1);
		free(prefix);
	}
	env_free(&inner);
	free(name);
	free(config);
}

static void
expand_scope(struct expander *x, const struct lang_scope *s, const char *prefix,
	     const struct env *env, int tin, int tout, int depth)
{
	int *in = malloc(((size_t)s->nelems + 1) * sizeof(*in));
	int *out = malloc(((size_t)s->nelems + 1) * sizeof(*out));
	if (!in || !out)
		abort();
	for (int i = 0; i < s->nelems; i++)
		in[i] = out[i] = NO_NODE;
	if (s->is_compound) {
		out[0] = tin; /* 'input' is a source inside */
		in[1] = tout; /* 'output' is a destination inside */
	}
	size_t plen = strlen(prefix);
	for (int k = 0; k < s->norder && !x->overflow; k++) {
		int idx = s->order[k];
		const struct lang_elem *e = &s->elems[idx];
		size_t nlen = strlen(e->name);
		char *name = malloc(plen + nlen + 1);
		if (!name)
			abort();
		memcpy(name, prefix, plen);
		memcpy(name + plen, e->name, nlen + 1);
		char *config = expand_vars(e->config, env);
		if (e->cls.builtin) {
			in[idx] = out[idx] = add_element(x, name, e->cls.builtin, config, e->pos);
		} else if (e->cls.comp) {
			in[idx] = add_tunnel(x, name, e->pos, true);
			out[idx] = add_tunnel(x, name, e->pos, false);
			expand_instance(x, e, name, config, env, in[idx], out[idx], depth);
		} else {
			free(name);
			free(config);
		}
	}
	for (int i = 0; i < s->nhooks && !x->overflow; i++) {
		const struct lang_hook *h = &s->hooks[i];
		if (out[h->from] != NO_NODE && in[h->to] != NO_NODE)
			add_conn(x, out[h->from], h->from_port, in[h->to], h->to_port, h->pos.line);
	}
	free(in);
	free(out);
}

/* ---- tunnels -------------------------------------------------------------------- */

static int
conn_cmp(const void *a, const void *b)
{
	const struct xconn *x = a, *y = b;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	if (x->from_port != y->from_port)
		return x->from_port < y->from_port ? -1 : 1;
	if (x->to != y->to)
		return x->to < y->to ? -1 : 1;
	if (x->to_port != y->to_port)
		return x->to_port < y->to_port ? -1 : 1;
	return 0;
}

static int
sort_unique(struct xconn *c, int n)
{
	if (n == 0)
		return 0;
	qsort(c, (size_t)n, sizeof(*c), conn_cmp);
	int m = 1;
	for (int i = 1; i < n; i++)
		if (conn_cmp(&c[i], &c[m - 1]) != 0)
			c[m++] = c[i];
	return m;
}

struct tport {
	int tunnel, port;
	bool in; /* a connection ends here (else: starts here) */
};

static int
tport_cmp(const void *a, const void *b)
{
	const struct tport *x = a, *y = b;
	if (x->tunnel != y->tunnel)
		return x->tunnel < y->tunnel ? -1 : 1;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	return (int)x->in - (int)y->in;
}

static void
report_tunnel_port(struct expander *x, const struct tunnel *t, int port, bool has_in)
{
	const char *fmt;
	if (t->input)
		fmt = has_in ? "'%s' has no input %d" : "'%s' input %d unused";
	else
		fmt = has_in ? "'%s' output %d unused" : "'%s' has no output %d";
	lang_error(x->lx, t->pos, fmt, t->owner, port);
}

/* Every tunnel port needs connections on both sides. */
static void
check_tunnel_ports(struct expander *x)
{
	int n = 0;
	struct tport *tp = malloc(((size_t)x->nconns * 2 + 1) * sizeof(*tp));
	if (!tp)
		abort();
	for (int i = 0; i < x->nconns; i++) {
		const struct xconn *c = &x->conns[i];
		if (c->to < 0)
			tp[n++] = (struct tport){ NODE_TUNNEL(c->to), c->to_port, true };
		if (c->from < 0)
			tp[n++] = (struct tport){ NODE_TUNNEL(c->from), c->from_port, false };
	}
	qsort(tp, (size_t)n, sizeof(*tp), tport_cmp);
	for (int i = 0; i < n;) {
		int j = i;
		bool has_in = false, has_out = false;
		for (; j < n && tp[j].tunnel == tp[i].tunnel && tp[j].port == tp[i].port; j++) {
			has_in |= tp[j].in;
			has_out |= !tp[j].in;
		}
		if (has_in != has_out)
			report_tunnel_port(x, &x->tunnels[tp[i].tunnel], tp[i].port, has_in);
		i = j;
	}
	free(tp);
}

/* Range [lo, hi) of the sorted connections leaving (node, port). */
static int
out_range(const struct xconn *c, int n, int node, int port, int *hi)
{
	int lo = 0, h = n;
	while (lo < h) {
		int mid = lo + (h - lo) / 2;
		if (c[mid].from < node || (c[mid].from == node && c[mid].from_port < port))
			lo = mid + 1;
		else
			h = mid;
	}
	int e = lo;
	while (e < n && c[e].from == node && c[e].from_port == port)
		e++;
	*hi = e;
	return lo;
}

struct frame {
	int lo, hi, cur;
};

/* Follow the tunnels from connection c (real -> tunnel) to real elements,
 * appending real -> real connections to *res. Iterative, cycle-safe. */
static int
walk_tunnels(struct expander *x, const struct xconn *src, const struct xconn *c, int n,
	     bool *on_path, struct frame *stack, struct xconn **res, int *nres, int *capres,
	     long *budget)
{
	int sp = 0, hi, lo = out_range(c, n, src->to, src->to_port, &hi);
	if (lo < hi) {
		stack[sp++] = (struct frame){ lo, hi, lo };
		on_path[lo] = true;
	}
	while (sp > 0) {
		struct frame *f = &stack[sp - 1];
		if (f->cur == f->hi) {
			on_path[f->lo] = false;
			sp--;
			continue;
		}
		const struct xconn *next = &c[f->cur++];
		if (--*budget < 0)
			return -1;
		if (next->to >= 0) {
			if (*nres >= LANG_MAX_CONNECTIONS)
				return -1;
			*res = lang_grow(*res, capres, *nres + 1, sizeof(**res));
			(*res)[(*nres)++] = (struct xconn){ src->from, src->from_port, next->to,
							    next->to_port, src->line };
			continue;
		}
		lo = out_range(c, n, next->to, next->to_port, &hi);
		if (lo < hi && !on_path[lo]) {
			stack[sp++] = (struct frame){ lo, hi, lo };
			on_path[lo] = true;
		}
	}
	return 0;
}

/* Replace tunnels by direct connections; returns the final list. */
static int
resolve_tunnels(struct expander *x, struct xconn **res)
{
	int n = sort_unique(x->conns, x->nconns);
	struct xconn *c = x->conns;
	bool *on_path = calloc((size_t)n + 1, sizeof(*on_path));
	struct frame *stack = malloc(((size_t)n + 1) * sizeof(*stack));
	int nres = 0, capres = 0;
	long budget = EXPAND_BUDGET;
	if (!on_path || !stack)
		abort();
	*res = NULL;
	for (int i = 0; i < n; i++) {
		if (c[i].from < 0)
			continue;
		if (c[i].to >= 0) {
			*res = lang_grow(*res, &capres, nres + 1, sizeof(**res));
			(*res)[nres++] = c[i];
		} else if (walk_tunnels(x, &c[i], c, n, on_path, stack, res, &nres, &capres,
					&budget) < 0) {
			lang_error(x->lx, (struct lang_pos){ c[i].line, 1 },
				   "configuration too large: compound element connections expand to "
				   "too many connections");
			nres = -1;
			break;
		}
	}
	free(on_path);
	free(stack);
	if (nres < 0) {
		free(*res);
		*res = NULL;
		return -1;
	}
	return sort_unique(*res, nres);
}

static void
build_connections(struct expander *x, const struct xconn *c, int n)
{
	struct weir_graph *g = x->g;
	g->connections = calloc((size_t)n + 1, sizeof(*g->connections));
	if (!g->connections)
		abort();
	for (int i = 0; i < n; i++)
		g->connections[i] = (struct weir_graph_connection){
			.from = c[i].from,
			.from_port = c[i].from_port,
			.to = c[i].to,
			.to_port = c[i].to_port,
			.landmark = lang_landmark(x->lx->filename, (struct lang_pos){ c[i].line, 0 },
						  false),
		};
	g->nconnections = n;
}

static void
copy_requirements(const struct lang_tree *tree, struct weir_graph *g)
{
	g->requirements = calloc((size_t)tree->nreqs + 1, sizeof(*g->requirements));
	if (!g->requirements)
		abort();
	for (int i = 0; i < tree->nreqs; i++)
		g->requirements[i] = lang_strdup(tree->reqs[i]);
	g->nrequirements = tree->nreqs;
}

int
lang_expand(struct lang_lexer *lx, struct lang_tree *tree, const struct weir_lang_var *vars,
	    int nvars, struct weir_graph *g)
{
	struct expander x = { .lx = lx, .g = g };
	struct env root = { 0 };
	int errors = lx->nerrors;
	for (int i = 0; i < nvars; i++)
		if (vars[i].name && vars[i].value)
			env_set(&root, vars[i].name, lang_strdup(vars[i].value));
	define_scope_vars(&tree->root, &root);
	expand_scope(&x, &tree->root, "", &root, NO_NODE, NO_NODE, 0);
	env_free(&root);
	if (lx->nerrors == errors)
		check_tunnel_ports(&x);
	if (lx->nerrors == errors) {
		struct xconn *res;
		int n = resolve_tunnels(&x, &res);
		if (n >= 0)
			build_connections(&x, res, n);
		free(res);
	}
	copy_requirements(tree, g);
	for (int i = 0; i < x.ntunnels; i++)
		free(x.tunnels[i].owner);
	free(x.tunnels);
	free(x.conns);
	return lx->nerrors - errors;
}
