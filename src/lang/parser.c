/* parser.c - Click-language statements into scopes: declarations, connections, elementclass, define, require. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "weir/element.h"
#include "lang_priv.h"

/*
 * Recursive descent over the token stream. Each scope (the file, or the
 * body of an elementclass) collects its elements, connections ("hooks"),
 * defines and class definitions; nothing is expanded here. Class names are
 * resolved when they are read, so element classes are lexically scoped and
 * cannot be recursive, as in Click. Recursion in this file happens only for
 * nested compounds, which LANG_MAX_NESTING bounds; chains, element lists and
 * statement lists are loops.
 */

struct parser {
	struct lang_lexer *lx;
	struct lang_tree *tree;
	struct lang_scope *scope;
	int depth; /* compound nesting */
	const char *defining[LANG_MAX_NESTING + 1];
	int ndefining;
};

struct portlist {
	int *v;
	int n, cap;
	bool given;
};

/* One element reference of a chain, before it is resolved. */
struct item {
	char *name; /* identifier as written; NULL for an anonymous compound */
	struct lang_pos pos;
	bool has_decl, has_config, bare, cls_known, anon_compound;
	struct lang_classref cls;
	char *config;
	struct portlist in, out;
	int elem; /* scope element index once resolved, -1 on error */
};

struct itemset {
	struct item *v;
	int n, cap;
};

static void parse_statements(struct parser *p, bool in_compound);

/* ---- scopes ------------------------------------------------------------------ */

static int
scope_add(struct lang_scope *s, const struct lang_elem *e)
{
	s->elems = lang_grow(s->elems, &s->capelems, s->nelems + 1, sizeof(*s->elems));
	s->elems[s->nelems] = *e;
	return s->nelems++;
}

static void
scope_push_order(struct lang_scope *s, int idx)
{
	s->order = lang_grow(s->order, &s->caporder, s->norder + 1, sizeof(*s->order));
	s->order[s->norder++] = idx;
	s->ndeclared++;
}

static void
scope_init(struct lang_scope *s, struct lang_scope *parent, bool is_compound)
{
	*s = (struct lang_scope){ .parent = parent, .is_compound = is_compound };
	if (!is_compound)
		return;
	static const char *const pseudo[] = { "input", "output" };
	for (int i = 0; i < 2; i++) {
		struct lang_elem e = {
			.name = lang_strdup(pseudo[i]),
			.config = lang_strdup(""),
			.declared = true,
			.pseudo = true,
		};
		lang_names_set(&s->names, pseudo[i], scope_add(s, &e));
	}
}

static void
scope_free(struct lang_scope *s)
{
	for (int i = 0; i < s->nelems; i++) {
		free(s->elems[i].name);
		free(s->elems[i].config);
	}
	for (int i = 0; i < s->ndefs; i++) {
		free(s->defs[i].name);
		free(s->defs[i].value);
	}
	for (int i = 0; i < s->nclasses; i++)
		free(s->classes[i].name);
	free(s->elems);
	free(s->order);
	free(s->hooks);
	free(s->defs);
	free(s->classes);
	lang_names_free(&s->names);
}

void
lang_tree_free(struct lang_tree *tree)
{
	scope_free(&tree->root);
	while (tree->compounds) {
		struct lang_compound *c = tree->compounds;
		tree->compounds = c->next_all;
		for (int i = 0; i < c->nformals; i++) {
			free(c->formals[i].name);
			free(c->formals[i].keyword);
		}
		free(c->formals);
		free(c->name);
		scope_free(&c->body);
		free(c);
	}
	for (int i = 0; i < tree->nreqs; i++)
		free(tree->reqs[i]);
	free(tree->reqs);
	*tree = (struct lang_tree){ 0 };
}

/* ---- class lookup and suggestions ---------------------------------------------- */

static bool
lookup_class(struct parser *p, const char *name, struct lang_classref *out)
{
	for (struct lang_scope *s = p->scope; s; s = s->parent)
		for (int i = s->nclasses - 1; i >= 0; i--)
			if (strcmp(s->classes[i].name, name) == 0) {
				*out = s->classes[i].ref;
				return true;
			}
	const struct weir_element_class *c = weir_element_class_find(name);
	if (!c)
		return false;
	*out = (struct lang_classref){ .builtin = c->name, .written = c->name };
	return true;
}

/* Nearest registered or compound class name, or NULL. */
static const char *
suggest_class(struct parser *p, const char *name)
{
	const char *best = weir_element_class_suggest(name);
	unsigned bestd = best ? lang_edit_distance(name, best) : ~0u;
	for (struct lang_scope *s = p->scope; s; s = s->parent)
		for (int i = 0; i < s->nclasses; i++) {
			unsigned d = lang_edit_distance(name, s->classes[i].name);
			if (d < bestd) {
				bestd = d;
				best = s->classes[i].name;
			}
		}
	if (best && bestd <= 2 * (strlen(name) / 3 + 1))
		return best;
	return NULL;
}

/* Reports the use of a class inside its own definition; true if it was. */
static bool
recursive_use(struct parser *p, const char *name, struct lang_pos pos)
{
	for (int i = 0; i < p->ndefining; i++)
		if (p->defining[i] && strcmp(p->defining[i], name) == 0) {
			lang_error(p->lx, pos,
				   "element class '%s' used inside its own definition "
				   "(element classes cannot be recursive)",
				   name);
			return true;
		}
	return false;
}

static void
unknown_class(struct parser *p, const char *name, struct lang_pos pos)
{
	if (recursive_use(p, name, pos))
		return;
	const char *s = suggest_class(p, name);
	if (s)
		lang_error(p->lx, pos, "unknown element class '%s' (did you mean '%s'?)", name, s);
	else
		lang_error(p->lx, pos, "unknown element class '%s'", name);
}

/* ---- tokens ----------------------------------------------------------------------- */

static bool
peek_is(struct parser *p, enum lang_tok kind, int c)
{
	const struct lang_token *t = lang_peek(p->lx, 0);
	return t->kind == kind && (kind != LT_CHAR || t->c == c);
}

static bool
tok_is_char(const struct lang_token *t, int c)
{
	return t->kind == LT_CHAR && t->c == c;
}

static int
expected(struct parser *p, const char *what, const struct lang_token *t)
{
	char buf[64];
	return lang_error(p->lx, t->pos, "expected %s, got %s", what,
			  lang_token_describe(t, buf, sizeof(buf)));
}

/* Read a configuration string, its ')' included, reporting nothing: used
 * while skipping a broken statement. */
static void
skip_config(struct parser *p, const struct lang_token *open)
{
	struct weir_errh silent;
	weir_errh_init_silent(&silent);
	struct weir_errh *saved = p->lx->errh;
	int nerrors = p->lx->nerrors;
	p->lx->errh = &silent;
	free(lang_lex_config(p->lx, open));
	p->lx->errh = saved;
	p->lx->nerrors = nerrors;
}

/* Skip the rest of a broken statement: through the next ';' at this brace
 * level, or up to the '}' that closes the current compound. */
static void
recover(struct parser *p)
{
	int braces = 0;
	for (;;) {
		const struct lang_token *t = lang_peek(p->lx, 0);
		if (t->kind == LT_EOF)
			return;
		if (braces == 0 && tok_is_char(t, '}') && p->depth > 0)
			return;
		struct lang_token tok = lang_lex(p->lx);
		if (tok_is_char(&tok, ';') && braces == 0)
			return;
		if (tok_is_char(&tok, '}') && braces == 0)
			return; /* a stray '}' at file level */
		if (tok_is_char(&tok, '{'))
			braces++;
		else if (tok_is_char(&tok, '}') && braces > 0)
			braces--;
		else if (tok_is_char(&tok, '('))
			skip_config(p, &tok);
	}
}

/* ---- ports --------------------------------------------------------------------- */

static void
port_push(struct portlist *pl, int port)
{
	pl->v = lang_grow(pl->v, &pl->cap, pl->n + 1, sizeof(*pl->v));
	pl->v[pl->n++] = port;
}

static int
parse_port_number(struct parser *p, const struct lang_token *t)
{
	char buf[64];
	if (t->kind == LT_IDENT && t->len <= 9) {
		size_t i;
		for (i = 0; i < t->len && isdigit((unsigned char)t->s[i]); i++)
			;
		if (i == t->len) {
			int v = 0;
			for (i = 0; i < t->len; i++)
				v = v * 10 + (t->s[i] - '0');
			if (v <= LANG_MAX_PORT)
				return v;
			return lang_error(p->lx, t->pos, "port number %d too large (at most %d)", v,
					  LANG_MAX_PORT);
		}
	}
	return lang_error(p->lx, t->pos, "bad port number %s: expected a nonnegative integer",
			  lang_token_describe(t, buf, sizeof(buf)));
}

/* '[' N (',' N)* ']' ; "[]" means port 0. */
static int
parse_ports(struct parser *p, struct portlist *pl)
{
	lang_lex(p->lx); /* '[' */
	pl->given = true;
	if (peek_is(p, LT_CHAR, ']')) {
		lang_lex(p->lx);
		port_push(pl, 0);
		return 0;
	}
	for (;;) {
		struct lang_token t = lang_lex(p->lx);
		int port = parse_port_number(p, &t);
		if (port < 0)
			return -1;
		port_push(pl, port);
		t = lang_lex(p->lx);
		if (tok_is_char(&t, ']'))
			return 0;
		if (!tok_is_char(&t, ','))
			return expected(p, "',' or ']' in port list", &t);
	}
}

/* ---- compounds ------------------------------------------------------------------- */

/* Skip tokens through the '}' matching an already-read '{'. */
static void
skip_braces(struct parser *p)
{
	int braces = 1;
	while (braces > 0) {
		struct lang_token t = lang_lex(p->lx);
		if (t.kind == LT_EOF)
			return;
		if (tok_is_char(&t, '{'))
			braces++;
		else if (tok_is_char(&t, '}'))
			braces--;
		else if (tok_is_char(&t, '('))
			skip_config(p, &t);
	}
}

static void
add_formal(struct parser *p, struct lang_compound *c, const struct lang_token *kw,
	   const struct lang_token *var)
{
	char *name = lang_strndup(var->s, var->len);
	for (int i = 0; i < c->nformals; i++)
		if (strcmp(c->formals[i].name, name) == 0) {
			lang_error(p->lx, var->pos, "parameter '$%s' multiply defined", name);
			free(name);
			return;
		}
	char *keyword = kw ? lang_strndup(kw->s, kw->len) : NULL;
	if (c->nformals) {
		const char *prev = c->formals[c->nformals - 1].keyword;
		if ((prev && !keyword) || (prev && strcmp(prev, "__REST__") == 0))
			lang_error(p->lx, kw ? kw->pos : var->pos,
				   "compound element parameters out of order "
				   "(positional, then keywords, then __REST__)");
	}
	int cap = c->nformals;
	c->formals = lang_grow(c->formals, &cap, c->nformals + 1, sizeof(*c->formals));
	c->formals[c->nformals++] = (struct lang_formal){
		.name = name,
		.keyword = keyword,
		.pos = kw ? kw->pos : var->pos,
	};
}

/* Optional formal parameter list: "$a, KEYWORD $b |". */
static void
parse_formals(struct parser *p, struct lang_compound *c)
{
	const struct lang_token *t0 = lang_peek(p->lx, 0);
	if (t0->kind == LT_IDENT) {
		if (lang_peek(p->lx, 1)->kind != LT_VARIABLE)
			return;
	} else if (t0->kind != LT_VARIABLE && !tok_is_char(t0, '|')) {
		return;
	}
	for (;;) {
		struct lang_token t = lang_lex(p->lx);
		if (tok_is_char(&t, '|'))
			return;
		if (t.kind == LT_VARIABLE) {
			add_formal(p, c, NULL, &t);
		} else if (t.kind == LT_IDENT && lang_peek(p->lx, 0)->kind == LT_VARIABLE) {
			struct lang_token var = lang_lex(p->lx);
			add_formal(p, c, &t, &var);
		} else {
			expected(p, "'$variable' in the parameter list", &t);
			return;
		}
		t = lang_lex(p->lx);
		if (tok_is_char(&t, '|'))
			return;
		if (!tok_is_char(&t, ',')) {
			expected(p, "',' or '|' after a compound parameter", &t);
			return;
		}
	}
}

static void scope_finish(struct parser *p, struct lang_scope *s, struct lang_compound *c);

/* Body of a compound after its '{' (open); consumes the closing '}'.
 * Returns NULL after an error that leaves no usable class. */
static struct lang_compound *
parse_compound(struct parser *p, const char *name, const struct lang_token *open)
{
	if (p->depth >= LANG_MAX_NESTING) {
		lang_error(p->lx, open->pos, "compound elements nested too deeply (more than %d levels)",
			   LANG_MAX_NESTING);
		skip_braces(p);
		return NULL;
	}
	struct lang_compound *c = calloc(1, sizeof(*c));
	if (!c)
		abort();
	c->name = name ? lang_strdup(name) : NULL;
	c->pos = open->pos;
	c->depth = p->depth;
	c->next_all = p->tree->compounds;
	p->tree->compounds = c;
	scope_init(&c->body, p->scope, true);

	p->scope = &c->body;
	p->depth++;
	p->defining[p->ndefining++] = c->name;
	parse_formals(p, c);
	parse_statements(p, true);
	const struct lang_token *t = lang_peek(p->lx, 0);
	if (tok_is_char(t, '}'))
		lang_lex(p->lx);
	else
		lang_error(p->lx, open->pos, "unterminated compound element (missing '}' for this '{')");
	p->depth--;
	p->scope = c->body.parent;

	struct lang_scope *b = &c->body;
	if (b->nelems == 2 && !b->nhooks && !b->ndefs && !b->nclasses && !c->nformals)
		lang_error(p->lx, open->pos, "empty compound element%s%s%s", name ? " '" : "",
			   name ? name : "", name ? "'" : "");
	scope_finish(p, b, c);
	p->ndefining--;
	return c;
}

/* ---- elements ------------------------------------------------------------------- */

static void
item_free(struct item *it)
{
	free(it->name);
	free(it->config);
	free(it->in.v);
	free(it->out.v);
}

static void
itemset_free(struct itemset *set)
{
	for (int i = 0; i < set->n; i++)
		item_free(&set->v[i]);
	free(set->v);
	*set = (struct itemset){ 0 };
}

/* The class after '::' (an identifier or a compound body). */
static int
parse_decl_class(struct parser *p, struct item *it)
{
	const struct lang_token *t = lang_peek(p->lx, 0);
	if (t->kind == LT_IDENT) {
		struct lang_token tok = lang_lex(p->lx);
		char *cname = lang_strndup(tok.s, tok.len);
		it->cls_known = lookup_class(p, cname, &it->cls);
		if (!it->cls_known)
			unknown_class(p, cname, tok.pos);
		free(cname);
		return 0;
	}
	if (tok_is_char(t, '{')) {
		struct lang_token open = lang_lex(p->lx);
		it->cls.comp = parse_compound(p, NULL, &open);
		it->cls.written = "";
		it->cls_known = it->cls.comp != NULL;
		return 0;
	}
	return expected(p, "element class after '::'", t);
}

enum item_place {
	PLACE_START,  /* first element of a chain */
	PLACE_AFTER,  /* just after an arrow */
	PLACE_LIST,   /* after a comma */
};

/* Click's implicit compound ports: inside a compound, "[1] -> x" starts at
 * input [1] and "x -> [2];" ends at output [2]. */
static bool
implicit_port(struct parser *p, struct item *it, enum item_place place, struct lang_pos pos)
{
	const struct lang_token *t = lang_peek(p->lx, 0);
	if (!p->scope->is_compound || !it->in.given)
		return false;
	if (place == PLACE_START && (t->kind == LT_ARROW || t->kind == LT_ARROW2)) {
		it->name = lang_strdup("input");
		it->out = it->in;
		it->in = (struct portlist){ 0 };
	} else if (place == PLACE_AFTER && (tok_is_char(t, ';') || tok_is_char(t, '}'))) {
		it->name = lang_strdup("output");
	} else {
		return false;
	}
	it->pos = pos;
	it->bare = true;
	return true;
}

static int
parse_item(struct parser *p, struct item *it, enum item_place place)
{
	*it = (struct item){ .elem = -1 };
	struct lang_pos start = lang_peek(p->lx, 0)->pos;
	if (peek_is(p, LT_CHAR, '[') && parse_ports(p, &it->in) < 0)
		return -1;
	if (implicit_port(p, it, place, start))
		return 0;
	const struct lang_token *t = lang_peek(p->lx, 0);
	if (t->kind == LT_IDENT) {
		struct lang_token tok = lang_lex(p->lx);
		it->name = lang_strndup(tok.s, tok.len);
		it->pos = tok.pos;
		it->bare = true;
		if (peek_is(p, LT_COLON2, 0)) {
			lang_lex(p->lx);
			it->bare = false;
			it->has_decl = true;
			if (parse_decl_class(p, it) < 0)
				return -1;
		}
	} else if (tok_is_char(t, '{')) {
		struct lang_token open = lang_lex(p->lx);
		it->pos = open.pos;
		it->anon_compound = true;
		it->cls.comp = parse_compound(p, NULL, &open);
		it->cls.written = "";
		it->cls_known = it->cls.comp != NULL;
	} else {
		return expected(p, "element name or class", t);
	}
	if (peek_is(p, LT_CHAR, '(')) {
		struct lang_token open = lang_lex(p->lx);
		it->config = lang_lex_config(p->lx, &open);
		if (!it->config)
			return -1;
		it->has_config = true;
		it->bare = false;
	}
	if (peek_is(p, LT_CHAR, '[') && parse_ports(p, &it->out) < 0)
		return -1;
	return 0;
}

static int
parse_element_set(struct parser *p, struct itemset *set, enum item_place place)
{
	for (;;) {
		set->v = lang_grow(set->v, &set->cap, set->n + 1, sizeof(*set->v));
		struct item *it = &set->v[set->n++];
		if (parse_item(p, it, place) < 0)
			return -1;
		if (!peek_is(p, LT_CHAR, ','))
			return 0;
		lang_lex(p->lx);
		place = PLACE_LIST;
	}
}

/* An implicit 'input' or 'output' with no port written ("-> x", "x ->"). */
static void
implicit_item(struct itemset *set, const char *name, struct lang_pos pos)
{
	set->v = lang_grow(set->v, &set->cap, set->n + 1, sizeof(*set->v));
	set->v[set->n++] = (struct item){
		.name = lang_strdup(name), .pos = pos, .bare = true, .elem = -1,
	};
}

/* Click rejects names whose '/'-separated parts are all digits. */
static bool
name_has_digit_part(const char *name)
{
	const char *s = name;
	while (*s) {
		bool digits = true;
		for (; *s && *s != '/'; s++)
			if (!isdigit((unsigned char)*s))
				digits = false;
		if (digits)
			return true;
		if (*s == '/')
			s++;
	}
	return false;
}

static int
declare(struct parser *p, const struct item *it)
{
	struct lang_scope *s = p->scope;
	if (name_has_digit_part(it->name))
		lang_error(p->lx, it->pos, "element name '%s' has an all-digit component", it->name);
	int idx = lang_names_find(&s->names, it->name);
	if (idx >= 0 && s->elems[idx].declared) {
		struct lang_elem *old = &s->elems[idx];
		if (old->pseudo) {
			lang_error(p->lx, it->pos,
				   "redeclaration of element '%s' (reserved inside compound elements)",
				   it->name);
		} else {
			lang_error(p->lx, it->pos,
				   "redeclaration of element '%s' (previously declared at %s:%d:%d)",
				   it->name, p->lx->filename, old->pos.line, old->pos.col);
		}
		return idx;
	}
	struct lang_elem e = {
		.name = lang_strdup(it->name),
		.cls = it->cls_known ? it->cls : (struct lang_classref){ 0 },
		.config = lang_strdup(it->config ? it->config : ""),
		.pos = it->pos,
		.declared = true,
	};
	if (idx >= 0) {
		/* a forward reference becomes a declaration */
		free(s->elems[idx].name);
		free(s->elems[idx].config);
		s->elems[idx] = e;
	} else {
		idx = scope_add(s, &e);
		lang_names_set(&s->names, it->name, idx);
	}
	scope_push_order(s, idx);
	return idx;
}

static int
declare_anonymous(struct parser *p, const char *base, const struct lang_classref *cls,
		  const char *config, struct lang_pos pos)
{
	struct lang_scope *s = p->scope;
	struct lang_elem e = {
		.name = lang_strdup(base),
		.cls = *cls,
		.config = lang_strdup(config ? config : ""),
		.pos = pos,
		.declared = true,
		.anon = true,
		.anon_n = s->ndeclared + 1,
	};
	int idx = scope_add(s, &e);
	scope_push_order(s, idx);
	return idx;
}

static int
resolve_item(struct parser *p, struct item *it)
{
	struct lang_scope *s = p->scope;
	if (it->anon_compound) {
		if (!it->cls_known)
			return -1;
		return declare_anonymous(p, "", &it->cls, it->config, it->pos);
	}
	if (it->has_decl)
		return declare(p, it);
	struct lang_classref cls;
	if (it->has_config) {
		if (lookup_class(p, it->name, &cls))
			return declare_anonymous(p, it->name, &cls, it->config, it->pos);
		unknown_class(p, it->name, it->pos);
		return -1;
	}
	int idx = lang_names_find(&s->names, it->name);
	if (idx >= 0)
		return idx;
	if (lookup_class(p, it->name, &cls))
		return declare_anonymous(p, it->name, &cls, NULL, it->pos);
	/* maybe declared later in this scope */
	struct lang_elem e = {
		.name = lang_strdup(it->name),
		.config = lang_strdup(""),
		.pos = it->pos,
	};
	idx = scope_add(s, &e);
	lang_names_set(&s->names, it->name, idx);
	return idx;
}

static void
resolve_set(struct parser *p, struct itemset *set, bool standalone)
{
	/* "a, b :: Class(config);" declares every name of the list */
	struct item *last = &set->v[set->n - 1];
	if (standalone && set->n > 1 && last->has_decl) {
		bool spread = true;
		for (int i = 0; i < set->n; i++)
			if (set->v[i].in.given || set->v[i].out.given ||
			    (i < set->n - 1 && !set->v[i].bare))
				spread = false;
		for (int i = 0; spread && i < set->n - 1; i++) {
			struct item *it = &set->v[i];
			it->has_decl = true;
			it->cls = last->cls;
			it->cls_known = last->cls_known;
			it->config = last->config ? lang_strdup(last->config) : NULL;
		}
	}
	for (int i = 0; i < set->n; i++)
		set->v[i].elem = resolve_item(p, &set->v[i]);
}

/* ---- connections ------------------------------------------------------------------ */

static void
add_hook(struct parser *p, int from, int fport, int to, int tport, struct lang_pos pos)
{
	struct lang_scope *s = p->scope;
	if (s->is_compound && to == 0) {
		lang_error(p->lx, pos, "'input' may only be used as a source ('input -> ...')");
		return;
	}
	if (s->is_compound && from == 1) {
		lang_error(p->lx, pos, "'output' may only be used as a destination ('... -> output')");
		return;
	}
	s->hooks = lang_grow(s->hooks, &s->caphooks, s->nhooks + 1, sizeof(*s->hooks));
	s->hooks[s->nhooks++] = (struct lang_hook){
		.from = from, .from_port = fport, .to = to, .to_port = tport, .pos = pos,
	};
}

struct endpoint {
	int elem, port;
};

/* Flatten one side of a connection: each element with each of its ports. */
static int
endpoints(const struct itemset *set, bool outputs, struct endpoint **out)
{
	int n = 0, cap = 0;
	*out = NULL;
	for (int i = 0; i < set->n; i++) {
		const struct item *it = &set->v[i];
		const struct portlist *pl = outputs ? &it->out : &it->in;
		if (it->elem < 0)
			return -1;
		int np = pl->given ? pl->n : 1;
		*out = lang_grow(*out, &cap, n + np, sizeof(**out));
		for (int k = 0; k < np; k++)
			(*out)[n++] = (struct endpoint){ it->elem, pl->given ? pl->v[k] : 0 };
	}
	return n;
}

static bool
single_portless(const struct itemset *set, bool outputs)
{
	return set->n == 1 && !(outputs ? set->v[0].out.given : set->v[0].in.given);
}

/* Click's rules: one-to-many and many-to-one with '->' or '=>'; pairwise
 * many-to-many only with '=>', where a lone element without ports spreads
 * over ports 0, 1, ... */
static void
connect_sets(struct parser *p, const struct itemset *left, const struct itemset *right,
	     enum lang_tok connector, struct lang_pos pos)
{
	struct endpoint *l, *r;
	int nl = endpoints(left, true, &l);
	int nr = endpoints(right, false, &r);
	if (nl < 0 || nr < 0)
		goto out;
	if (connector == LT_ARROW2 && nl != nr) {
		if (nl == 1 && single_portless(left, true)) {
			int cap = nl;
			l = lang_grow(l, &cap, nr, sizeof(*l));
			for (int i = 0; i < nr; i++)
				l[i] = (struct endpoint){ l[0].elem, i };
			nl = nr;
		} else if (nr == 1 && single_portless(right, false)) {
			int cap = nr;
			r = lang_grow(r, &cap, nl, sizeof(*r));
			for (int i = 0; i < nl; i++)
				r[i] = (struct endpoint){ r[0].elem, i };
			nr = nl;
		}
	}
	if (nl == nr && (connector == LT_ARROW2 || nl == 1)) {
		for (int i = 0; i < nl; i++)
			add_hook(p, l[i].elem, l[i].port, r[i].elem, r[i].port, pos);
	} else if (nl == 1 || nr == 1) {
		for (int i = 0; i < nl; i++)
			for (int j = 0; j < nr; j++)
				add_hook(p, l[i].elem, l[i].port, r[j].elem, r[j].port, pos);
	} else if (connector == LT_ARROW2) {
		lang_error(p->lx, pos, "connection mismatch: %d outputs connected to %d inputs", nl, nr);
	} else {
		lang_error(p->lx, pos, "many-to-many connections require '=>'");
	}
out:
	free(l);
	free(r);
}

static void
check_useless_ports(struct parser *p, const struct itemset *set, bool outputs)
{
	for (int i = 0; i < set->n; i++) {
		const struct item *it = &set->v[i];
		if (outputs ? it->out.given : it->in.given) {
			lang_error(p->lx, it->pos,
				   outputs ? "output ports ignored at end of chain"
					   : "input ports ignored at start of chain");
			return;
		}
	}
}

static bool
starts_element(const struct lang_token *t)
{
	return t->kind == LT_IDENT || tok_is_char(t, '[') || tok_is_char(t, '{');
}

/* What may follow a finished statement without a ';' between them. */
static bool
may_follow_statement(struct parser *p, const struct lang_token *t)
{
	switch (t->kind) {
	case LT_EOF:
	case LT_IDENT:
	case LT_ELEMENTCLASS:
	case LT_REQUIRE:
	case LT_DEFINE:
		return true;
	case LT_BAR2:
	case LT_DOT3:
		return p->depth > 0; /* reported by the statement loop */
	case LT_CHAR:
		return t->c == ';' || t->c == '[' || t->c == '{' || (t->c == '}' && p->depth > 0);
	default:
		return false;
	}
}

static void
parse_connection(struct parser *p)
{
	struct itemset prev = { 0 }, cur = { 0 };
	enum lang_tok connector = LT_ARROW;
	struct lang_pos arrow = { 0 };
	bool first = true;
	const struct lang_token *t0 = lang_peek(p->lx, 0);
	if (t0->kind == LT_ARROW || t0->kind == LT_ARROW2) {
		/* only reached inside a compound: "-> x" starts at input */
		implicit_item(&cur, "input", t0->pos);
	} else if (parse_element_set(p, &cur, PLACE_START) < 0) {
		goto fail;
	}
	for (;;) {
		const struct lang_token *t = lang_peek(p->lx, 0);
		bool more = t->kind == LT_ARROW || t->kind == LT_ARROW2;
		resolve_set(p, &cur, first && !more);
		if (first)
			check_useless_ports(p, &cur, false);
		else
			connect_sets(p, &prev, &cur, connector, arrow);
		if (!more) {
			check_useless_ports(p, &cur, true);
			break;
		}
		struct lang_token tok = lang_lex(p->lx);
		connector = tok.kind;
		arrow = tok.pos;
		itemset_free(&prev);
		prev = cur;
		cur = (struct itemset){ 0 };
		first = false;
		t = lang_peek(p->lx, 0);
		if (p->scope->is_compound && (tok_is_char(t, ';') || tok_is_char(t, '}'))) {
			/* "x ->" ends at output */
			implicit_item(&cur, "output", arrow);
		} else if (!starts_element(t)) {
			char what[64];
			snprintf(what, sizeof(what), "element after '%s'",
				 connector == LT_ARROW ? "->" : "=>");
			expected(p, what, t);
			goto fail;
		} else if (parse_element_set(p, &cur, PLACE_AFTER) < 0) {
			goto fail;
		}
	}
	itemset_free(&prev);
	itemset_free(&cur);
	const struct lang_token *t = lang_peek(p->lx, 0);
	if (tok_is_char(t, ';')) {
		lang_lex(p->lx);
	} else if (!may_follow_statement(p, t)) {
		expected(p, "';' or '->'", t);
		recover(p);
	}
	return;
fail:
	itemset_free(&prev);
	itemset_free(&cur);
	recover(p);
}

/* ---- other statements ------------------------------------------------------------- */

static void
add_classdef(struct parser *p, const char *name, const struct lang_classref *ref)
{
	struct lang_scope *s = p->scope;
	s->classes = lang_grow(s->classes, &s->capclasses, s->nclasses + 1, sizeof(*s->classes));
	struct lang_classdef *d = &s->classes[s->nclasses++];
	d->name = lang_strdup(name);
	d->ref = ref ? *ref : (struct lang_classref){ 0 };
	d->ref.written = d->name;
}

/* elementclass NAME { ... }   or   elementclass NAME OTHERNAME */
static void
parse_elementclass(struct parser *p)
{
	lang_lex(p->lx);
	const struct lang_token *t = lang_peek(p->lx, 0);
	if (t->kind != LT_IDENT) {
		expected(p, "element class name after 'elementclass'", t);
		recover(p);
		return;
	}
	struct lang_token ntok = lang_lex(p->lx);
	char *name = lang_strndup(ntok.s, ntok.len);
	t = lang_peek(p->lx, 0);
	if (tok_is_char(t, '{')) {
		struct lang_token open = lang_lex(p->lx);
		struct lang_classref ref = { .comp = parse_compound(p, name, &open) };
		add_classdef(p, name, ref.comp ? &ref : NULL);
	} else if (t->kind == LT_IDENT) {
		struct lang_token stok = lang_lex(p->lx);
		char *other = lang_strndup(stok.s, stok.len);
		struct lang_classref ref;
		if (lookup_class(p, other, &ref)) {
			add_classdef(p, name, &ref);
		} else {
			unknown_class(p, other, stok.pos);
			add_classdef(p, name, NULL);
		}
		free(other);
	} else {
		char what[160];
		snprintf(what, sizeof(what), "'{' or a class name after 'elementclass %.100s'", name);
		expected(p, what, t);
		recover(p);
	}
	free(name);
}

/* keyword '(' config ')': returns the config or NULL after an error. */
static char *
parse_keyword_config(struct parser *p, const char *keyword, struct lang_pos *pos)
{
	struct lang_token kw = lang_lex(p->lx);
	*pos = kw.pos;
	const struct lang_token *t = lang_peek(p->lx, 0);
	if (!tok_is_char(t, '(')) {
		char what[32];
		snprintf(what, sizeof(what), "'(' after '%s'", keyword);
		expected(p, what, t);
		recover(p);
		return NULL;
	}
	struct lang_token open = lang_lex(p->lx);
	return lang_lex_config(p->lx, &open);
}

static char *
unquote_word(const char *w)
{
	size_t n = strlen(w);
	if (n >= 2 && w[0] == '"' && w[n - 1] == '"')
		return lang_strndup(w + 1, n - 2);
	return lang_strdup(w);
}

static void
add_requirement(struct parser *p, const char *arg, struct lang_pos pos)
{
	char word1[256] = "", word2[256] = "", extra[2] = "";
	int n = sscanf(arg, "%255s %255s %1s", word1, word2, extra);
	const char *value = NULL;
	if (n == 1 && strcmp(word1, "compact_config") == 0)
		return;
	if (n == 1)
		value = word1;
	else if (n == 2 && strcmp(word1, "package") == 0)
		value = word2;
	if (!value) {
		lang_error(p->lx, pos, "bad requirement '%s' (expected 'NAME' or 'package NAME')", arg);
		return;
	}
	struct lang_tree *tr = p->tree;
	tr->reqs = lang_grow(tr->reqs, &tr->capreqs, tr->nreqs + 1, sizeof(*tr->reqs));
	tr->reqs[tr->nreqs++] = unquote_word(value);
}

static void
parse_require(struct parser *p)
{
	struct lang_pos pos;
	char *config = parse_keyword_config(p, "require", &pos);
	if (!config)
		return;
	char **argv;
	int argc = lang_split_args(config, &argv);
	for (int i = 0; i < argc; i++)
		if (argv[i][0])
			add_requirement(p, argv[i], pos);
	lang_free_args(argv, argc);
	free(config);
}

static void
add_define(struct parser *p, const char *arg, struct lang_pos pos)
{
	size_t n = 1;
	if (arg[0] == '$')
		while (isalnum((unsigned char)arg[n]) || arg[n] == '_')
			n++;
	if (arg[0] != '$' || n == 1 || (arg[n] && !isspace((unsigned char)arg[n]))) {
		lang_error(p->lx, pos, "bad 'define' declaration: expected '$NAME value', got '%s'", arg);
		return;
	}
	struct lang_scope *s = p->scope;
	char *name = lang_strndup(arg + 1, n - 1);
	for (int i = 0; i < s->ndefs; i++)
		if (strcmp(s->defs[i].name, name) == 0) {
			lang_error(p->lx, pos, "parameter '$%s' multiply defined", name);
			free(name);
			return;
		}
	while (isspace((unsigned char)arg[n]))
		n++;
	s->defs = lang_grow(s->defs, &s->capdefs, s->ndefs + 1, sizeof(*s->defs));
	s->defs[s->ndefs++] = (struct lang_vardef){
		.name = name, .value = lang_strdup(arg + n), .pos = pos,
	};
}

static void
parse_define(struct parser *p)
{
	struct lang_pos pos;
	char *config = parse_keyword_config(p, "define", &pos);
	if (!config)
		return;
	char **argv;
	int argc = lang_split_args(config, &argv);
	for (int i = 0; i < argc; i++)
		if (argv[i][0])
			add_define(p, argv[i], pos);
	lang_free_args(argv, argc);
	free(config);
}

static void
parse_statements(struct parser *p, bool in_compound)
{
	for (;;) {
		if (p->lx->nerrors > LANG_MAX_ERRORS)
			return;
		const struct lang_token *t = lang_peek(p->lx, 0);
		if (t->kind == LT_EOF)
			return;
		if (tok_is_char(t, '}') && in_compound)
			return;
		switch (t->kind) {
		case LT_ELEMENTCLASS:
			parse_elementclass(p);
			break;
		case LT_REQUIRE:
			parse_require(p);
			break;
		case LT_DEFINE:
			parse_define(p);
			break;
		case LT_BAR2:
		case LT_DOT3:
			if (in_compound)
				lang_error(p->lx, t->pos, "compound element overloading "
							  "('||', '...') is not supported");
			else
				expected(p, "statement", t);
			lang_lex(p->lx);
			recover(p);
			break;
		default:
			if (tok_is_char(t, ';')) {
				lang_lex(p->lx);
			} else if (tok_is_char(t, '(')) {
				lang_error(p->lx, t->pos, "element groups '( ... )' are not supported");
				struct lang_token open = lang_lex(p->lx);
				skip_config(p, &open);
			} else if (starts_element(t) ||
				   (in_compound && (t->kind == LT_ARROW || t->kind == LT_ARROW2))) {
				parse_connection(p);
			} else {
				/* skip just this token: the next one may start a good statement */
				expected(p, "statement", t);
				lang_lex(p->lx);
			}
			break;
		}
	}
}

/* ---- end of a scope ------------------------------------------------------------------ */

static void
check_pseudo_ports(struct parser *p, const struct lang_scope *s, const struct lang_compound *c,
		   bool outputs)
{
	int max = -1;
	for (int i = 0; i < s->nhooks; i++) {
		const struct lang_hook *h = &s->hooks[i];
		if (outputs && h->to == 1)
			max = WEIR_MAX(max, h->to_port);
		else if (!outputs && h->from == 0)
			max = WEIR_MAX(max, h->from_port);
	}
	for (int port = 0; port < max; port++) {
		bool used = false;
		for (int i = 0; i < s->nhooks && !used; i++) {
			const struct lang_hook *h = &s->hooks[i];
			used = outputs ? (h->to == 1 && h->to_port == port)
				       : (h->from == 0 && h->from_port == port);
		}
		if (!used) {
			lang_error(p->lx, c->pos, "compound element '%s' %s %d unused",
				   c->name ? c->name : "<anonymous>", outputs ? "output" : "input",
				   port);
			return;
		}
	}
}

static void
scope_finish(struct parser *p, struct lang_scope *s, struct lang_compound *c)
{
	for (int i = 0; i < s->nelems; i++) {
		struct lang_elem *e = &s->elems[i];
		if (e->declared || recursive_use(p, e->name, e->pos))
			continue;
		if (!s->is_compound &&
		    (strcmp(e->name, "input") == 0 || strcmp(e->name, "output") == 0)) {
			lang_error(p->lx, e->pos,
				   "undeclared element '%s' ('%s' is special only inside compound "
				   "elements)",
				   e->name, e->name);
			continue;
		}
		struct lang_scope *saved = p->scope;
		p->scope = s;
		const char *sug = suggest_class(p, e->name);
		p->scope = saved;
		if (sug)
			lang_error(p->lx, e->pos, "undeclared element '%s' (did you mean '%s'?)",
				   e->name, sug);
		else
			lang_error(p->lx, e->pos, "undeclared element '%s'", e->name);
	}
	/* name anonymous elements "Class@N", skipping names already taken */
	struct weir_strbuf sb = WEIR_STRBUF_INIT;
	for (int k = 0; k < s->norder; k++) {
		struct lang_elem *e = &s->elems[s->order[k]];
		if (!e->anon)
			continue;
		for (int n = e->anon_n;; n++) {
			weir_strbuf_reset(&sb);
			weir_strbuf_printf(&sb, "%s@%d", e->name, n);
			if (lang_names_find(&s->names, weir_strbuf_str(&sb)) < 0)
				break;
		}
		free(e->name);
		e->name = lang_strdup(weir_strbuf_str(&sb));
		lang_names_set(&s->names, e->name, s->order[k]);
	}
	weir_strbuf_free(&sb);
	if (c) {
		check_pseudo_ports(p, s, c, false);
		check_pseudo_ports(p, s, c, true);
	}
}

int
lang_parse_tree(struct lang_lexer *lx, struct lang_tree *tree)
{
	*tree = (struct lang_tree){ 0 };
	scope_init(&tree->root, NULL, false);
	struct parser p = { .lx = lx, .tree = tree, .scope = &tree->root };
	for (;;) {
		parse_statements(&p, false);
		const struct lang_token *t = lang_peek(lx, 0);
		if (t->kind == LT_EOF || lx->nerrors > LANG_MAX_ERRORS)
			break;
		/* a '}' with no compound to close */
		expected(&p, "statement", t);
		lang_lex(lx);
	}
	scope_finish(&p, &tree->root, NULL);
	return lx->nerrors;
}
