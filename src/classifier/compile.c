/* compile.c - classifier compiler: rules -> decision DAG -> optimised program of word tests. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "classifier_priv.h"

/*
 * The compiler works in four passes, all iterative or bounded by the
 * expression depth:
 *
 * 1. build: each rule's expression becomes DAG nodes, last rule first, so
 *    that rule i's "no match" edges point at rule i+1's start. AND/OR/NOT
 *    only redirect edges (compile(e, yes, no)), so the DAG is linear in the
 *    size of the expressions. Nodes are hash-consed: a node is (test, no,
 *    yes) and identical subtrees exist once; a test whose branches agree
 *    disappears.
 * 2. prune: the DAG is rebuilt from the root carrying the facts known on the
 *    path (tests passed and failed). A test those facts decide is skipped,
 *    which removes impossible branches and repeated tests. Before entering a
 *    node, facts that cannot decide any test below it are forgotten (bitsets
 *    of the words and tests below each node say which), and results are
 *    memoised on (node, facts), so paths that know the same relevant things
 *    share their rebuilt subtree. Path-sensitive rebuilding can still grow
 *    exponentially on hostile rule sets, so it has a work budget; past it,
 *    nodes are rebuilt without facts (linear, still correct, less pruned).
 * 3. ports: terminals name rules until here, so that rules that can never
 *    match are found even when several rules share a port; they are then
 *    replaced by ports and the DAG hash-consed again.
 * 4. emit: nodes are numbered in preorder from the root (yes branch first,
 *    like Click) into the flat array the executor walks.
 *
 * Node references are int32: >= 0 a node, < 0 a terminal ~t.
 */

/* ---- pass 1: build ------------------------------------------------------- */

/* Recursion depth is bounded by the expression depth (WEIR_CLS_MAX_DEPTH). */
static int32_t
build(struct cls_cc *c, struct cls_nodes *ns, int32_t e, int32_t yes, int32_t no)
{
	const struct cls_expr *x = &c->b->ex[e];
	if (c->err)
		return no;
	switch (x->kind) {
	case CLS_TRUE:
		return yes;
	case CLS_FALSE:
		return no;
	case CLS_TEST: {
		int32_t t = cls_test_id(&c->tests, &x->t);
		if (t < 0) {
			c->err = t;
			return no;
		}
		return cls_mk(ns, t, no, yes, &c->err);
	}
	case CLS_NOT:
		return build(c, ns, x->a, no, yes);
	case CLS_AND: {
		int32_t r = yes;
		for (int32_t i = x->n - 1; i >= 0; i--)
			r = build(c, ns, c->b->kids[x->a + i], r, no);
		return r;
	}
	case CLS_OR: {
		int32_t r = no;
		for (int32_t i = x->n - 1; i >= 0; i--)
			r = build(c, ns, c->b->kids[x->a + i], yes, r);
		return r;
	}
	}
	return no;
}

/* ---- pass 3: reachable rules and ports -------------------------------------- */

static int
mark_reachable(const struct cls_nodes *ns, int32_t root, int nterm, bool *term_used)
{
	if (root < 0) {
		term_used[~root] = true;
		return 0;
	}
	uint8_t *seen = calloc((size_t)ns->n, 1);
	int32_t *stk = malloc((size_t)ns->n * sizeof(*stk));
	int32_t n = 0;
	if (!seen || !stk) {
		free(seen);
		free(stk);
		return -ENOMEM;
	}
	stk[n++] = root;
	seen[root] = 1;
	while (n) {
		const struct cls_dnode *d = &ns->v[stk[--n]];
		for (int k = 0; k < 2; k++) {
			int32_t x = d->next[k];
			if (x < 0) {
				if (~x < nterm)
					term_used[~x] = true;
			} else if (!seen[x]) {
				seen[x] = 1;
				stk[n++] = x;
			}
		}
	}
	free(seen);
	free(stk);
	return 0;
}

static int32_t
map_ref(int32_t x, const int32_t *newid, const uint8_t *term_port)
{
	return x >= 0 ? newid[x] : ~(int32_t)term_port[~x];
}

/* Rebuild with terminals replaced by ports (nodes are in children-first
 * order, so one forward sweep suffices). */
static int
to_ports(const struct cls_nodes *in, int32_t root, const uint8_t *term_port, struct cls_nodes *out,
	 int32_t *newroot)
{
	int err = 0;
	int32_t *newid = malloc(((size_t)in->n + 1) * sizeof(*newid));
	if (!newid || cls_nodes_init(out, CLS_MAX_DAG) < 0) {
		free(newid);
		return -ENOMEM;
	}
	for (int32_t i = 0; i < in->n && !err; i++) {
		const struct cls_dnode *d = &in->v[i];
		newid[i] = cls_mk(out, d->test, map_ref(d->next[0], newid, term_port),
			      map_ref(d->next[1], newid, term_port), &err);
	}
	*newroot = err ? 0 : map_ref(root, newid, term_port);
	free(newid);
	if (err)
		cls_nodes_free(out);
	return err;
}

/* ---- pass 4: emit ----------------------------------------------------------- */

static int
emit(const struct cls_cc *c, const struct cls_nodes *ns, int32_t root,
     struct weir_cls_program *prog, struct weir_errh *errh)
{
	if (root < 0) {
		prog->all_port = (uint8_t)~root;
		return 0;
	}
	int32_t *num = malloc((size_t)ns->n * sizeof(*num));
	int32_t *stk = malloc(((size_t)ns->n * 2 + 1) * sizeof(*stk));
	int32_t *order = malloc((size_t)ns->n * sizeof(*order));
	if (!num || !stk || !order) {
		free(num);
		free(stk);
		free(order);
		return -ENOMEM;
	}
	for (int32_t i = 0; i < ns->n; i++)
		num[i] = -1;
	int32_t n = 0, sp = 0;
	stk[sp++] = root;
	while (sp) { /* preorder, yes branch first */
		int32_t x = stk[--sp];
		if (num[x] >= 0)
			continue;
		num[x] = n;
		order[n++] = x;
		for (int k = 0; k < 2; k++)
			if (ns->v[x].next[k] >= 0 && num[ns->v[x].next[k]] < 0)
				stk[sp++] = ns->v[x].next[k];
	}
	free(stk);
	int r = 0;
	if (n > WEIR_CLS_MAX_NODES) {
		r = weir_error(errh, "classifier program too large (%d tests, limit %d)", n,
			       WEIR_CLS_MAX_NODES);
		goto out;
	}
	prog->insn = calloc((size_t)n, sizeof(*prog->insn));
	if (!prog->insn) {
		r = -ENOMEM;
		goto out;
	}
	prog->ninsn = (uint32_t)n;
	for (int32_t i = 0; i < n; i++) {
		const struct cls_dnode *d = &ns->v[order[i]];
		const struct cls_test *t = &c->tests.t[d->test];
		struct weir_cls_insn *in = &prog->insn[i];
		in->mask = t->mask;
		in->value = t->value;
		in->offset = t->offset;
		in->base = t->base;
		in->req = t->req;
		in->need = WEIR_MAX(t->req, (uint32_t)t->offset + 4);
		for (int k = 0; k < 2; k++)
			in->next[k] = d->next[k] >= 0 ? num[d->next[k]] : d->next[k];
		prog->bases_used |= (uint8_t)(1u << t->base);
		if (t->base == WEIR_CLS_BASE_DATA && t->req > prog->safe_length)
			prog->safe_length = t->req;
	}
out:
	free(num);
	free(order);
	return r;
}

/* ---- entry point ------------------------------------------------------------- */

void
weir_cls_program_free(struct weir_cls_program *prog)
{
	if (!prog)
		return;
	free(prog->insn);
	free(prog);
}

static int
check_rules(const struct weir_cls_builder *b, const struct weir_cls_rule *rules, int nrules,
	    struct weir_errh *errh)
{
	if (!b)
		return weir_error(errh, "classifier: no expressions");
	if (b->err)
		return weir_error(errh, "classifier: %s", b->err == -ENOMEM ? "out of memory"
							: "expressions too large");
	if (nrules < 0 || nrules > 0x7ffffff)
		return weir_error(errh, "classifier: bad rule count %d", nrules);
	for (int i = 0; i < nrules; i++) {
		int e = rules[i].expr;
		if (e == -E2BIG)
			return weir_error(errh, "rule %d: expression too large or too deeply nested",
					  i);
		if (e < 0 || e >= b->nex)
			return weir_error(errh, "rule %d: bad expression", i);
	}
	return 0;
}

static int
compile_err(int err, struct weir_errh *errh)
{
	if (err == -E2BIG)
		return weir_error(errh, "classifier program too large (more than %d tests)",
				  CLS_MAX_DAG);
	return weir_error(errh, "classifier: out of memory");
}

int
weir_cls_compile(struct weir_cls_builder *b, const struct weir_cls_rule *rules, int nrules,
		 uint8_t default_port, bool *reachable, struct weir_cls_program **out,
		 struct weir_errh *errh)
{
	*out = NULL;
	int r = check_rules(b, rules, nrules, errh);
	if (r < 0)
		return r;
	struct cls_cc c = { .b = b };
	struct cls_nodes dag, pruned, final;
	int32_t root = ~(int32_t)nrules; /* terminal nrules: no rule matched */
	bool *used = calloc((size_t)nrules + 1, sizeof(*used));
	uint8_t *term_port = malloc((size_t)nrules + 1);
	struct weir_cls_program *prog = calloc(1, sizeof(*prog));
	if (!used || !term_port || !prog || cls_nodes_init(&dag, CLS_MAX_DAG) < 0) {
		free(used);
		free(term_port);
		free(prog);
		return weir_error(errh, "classifier: out of memory");
	}
	for (int i = nrules - 1; i >= 0 && !c.err; i--)
		root = build(&c, &dag, rules[i].expr, ~(int32_t)i, root);
	if (c.err) {
		r = compile_err(c.err, errh);
		goto out_dag;
	}
	int32_t proot;
	if (cls_prune(&c, &dag, root, &pruned, &proot)) {
		cls_nodes_free(&dag);
		dag = pruned;
		root = proot;
	} else if (c.err) {
		r = compile_err(c.err, errh);
		goto out_dag;
	}
	if (mark_reachable(&dag, root, nrules, used) < 0) {
		r = compile_err(-ENOMEM, errh);
		goto out_dag;
	}
	for (int i = 0; i < nrules; i++) {
		term_port[i] = rules[i].port;
		if (reachable)
			reachable[i] = used[i];
	}
	term_port[nrules] = default_port;
	r = to_ports(&dag, root, term_port, &final, &root);
	if (r < 0) {
		r = compile_err(r, errh);
		goto out_dag;
	}
	r = emit(&c, &final, root, prog, errh);
	if (r == -ENOMEM)
		r = compile_err(r, errh);
	cls_nodes_free(&final);
out_dag:
	cls_nodes_free(&dag);
	free(c.tests.t);
	cls_idset_free(&c.tests.ht);
	free(used);
	free(term_port);
	if (r < 0) {
		weir_cls_program_free(prog);
		return r;
	}
	*out = prog;
	return 0;
}
