/* dag.c - the classifier's hash-consed tables of tests and decision nodes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "classifier_priv.h"

/* ---- hashing -------------------------------------------------------------- */

static uint64_t
test_hash(const struct cls_test *t)
{
	uint64_t h = cls_mix64(((uint64_t)t->mask << 32) | t->value);
	return cls_mix64(h ^ ((uint64_t)t->req << 24) ^ ((uint64_t)t->offset << 8) ^ t->base);
}

static bool
test_eq(const struct cls_test *a, const struct cls_test *b)
{
	return a->mask == b->mask && a->value == b->value && a->req == b->req &&
	       a->offset == b->offset && a->base == b->base;
}

static uint64_t
node_hash(const struct cls_dnode *n)
{
	return cls_mix64(((uint64_t)(uint32_t)n->test << 32) ^
		     cls_mix64(((uint64_t)(uint32_t)n->next[0] << 32) | (uint32_t)n->next[1]));
}

int
cls_idset_init(struct cls_idset *s, uint32_t cap)
{
	s->slot = malloc(cap * sizeof(*s->slot));
	if (!s->slot)
		return -ENOMEM;
	memset(s->slot, 0xff, cap * sizeof(*s->slot));
	s->cap = cap;
	return 0;
}

void
cls_idset_free(struct cls_idset *s)
{
	free(s->slot);
	s->slot = NULL;
	s->cap = 0;
}

int
cls_grow_array(void **arr, int32_t *cap, int32_t want, size_t elt)
{
	if (want <= *cap)
		return 0;
	int32_t ncap = *cap ? *cap * 2 : 256;
	while (ncap < want)
		ncap *= 2;
	void *n = realloc(*arr, (size_t)ncap * elt);
	if (!n)
		return -ENOMEM;
	*arr = n;
	*cap = ncap;
	return 0;
}

/* ---- tests and nodes ------------------------------------------------------ */

static int
tests_rehash(struct cls_tests *ts)
{
	struct cls_idset s;
	if (cls_idset_init(&s, ts->ht.cap ? ts->ht.cap * 2 : 256) < 0)
		return -ENOMEM;
	for (int32_t i = 0; i < ts->n; i++) {
		uint32_t h = (uint32_t)test_hash(&ts->t[i]) & (s.cap - 1);
		while (s.slot[h] >= 0)
			h = (h + 1) & (s.cap - 1);
		s.slot[h] = i;
	}
	cls_idset_free(&ts->ht);
	ts->ht = s;
	return 0;
}

/* The id of test t (added if new), or a negative errno. */
int32_t
cls_test_id(struct cls_tests *ts, const struct cls_test *t)
{
	if ((uint32_t)(ts->n + 1) * 2 > ts->ht.cap && tests_rehash(ts) < 0)
		return -ENOMEM;
	uint32_t h = (uint32_t)test_hash(t) & (ts->ht.cap - 1);
	for (; ts->ht.slot[h] >= 0; h = (h + 1) & (ts->ht.cap - 1))
		if (test_eq(&ts->t[ts->ht.slot[h]], t))
			return ts->ht.slot[h];
	if (cls_grow_array((void **)&ts->t, &ts->cap, ts->n + 1, sizeof(*ts->t)) < 0)
		return -ENOMEM;
	ts->t[ts->n] = *t;
	ts->ht.slot[h] = ts->n;
	return ts->n++;
}

int
cls_nodes_init(struct cls_nodes *ns, int32_t max)
{
	memset(ns, 0, sizeof(*ns));
	ns->max = max;
	return cls_idset_init(&ns->ht, 256);
}

void
cls_nodes_free(struct cls_nodes *ns)
{
	free(ns->v);
	cls_idset_free(&ns->ht);
	memset(ns, 0, sizeof(*ns));
}

static int
nodes_rehash(struct cls_nodes *ns)
{
	struct cls_idset s;
	if (cls_idset_init(&s, ns->ht.cap * 2) < 0)
		return -ENOMEM;
	for (int32_t i = 0; i < ns->n; i++) {
		uint32_t h = (uint32_t)node_hash(&ns->v[i]) & (s.cap - 1);
		while (s.slot[h] >= 0)
			h = (h + 1) & (s.cap - 1);
		s.slot[h] = i;
	}
	cls_idset_free(&ns->ht);
	ns->ht = s;
	return 0;
}

/* The node (test, no, yes), hash-consed; a test whose branches agree is
 * skipped. On failure sets *err and returns a terminal. */
int32_t
cls_mk(struct cls_nodes *ns, int32_t test, int32_t no, int32_t yes, int *err)
{
	if (no == yes || *err)
		return no;
	struct cls_dnode d = { .test = test, .next = { no, yes } };
	if ((uint32_t)(ns->n + 1) * 2 > ns->ht.cap && nodes_rehash(ns) < 0)
		goto nomem;
	uint32_t h = (uint32_t)node_hash(&d) & (ns->ht.cap - 1);
	for (; ns->ht.slot[h] >= 0; h = (h + 1) & (ns->ht.cap - 1)) {
		const struct cls_dnode *x = &ns->v[ns->ht.slot[h]];
		if (x->test == test && x->next[0] == no && x->next[1] == yes)
			return ns->ht.slot[h];
	}
	if (ns->n >= ns->max) {
		*err = -E2BIG;
		return no;
	}
	if (cls_grow_array((void **)&ns->v, &ns->cap, ns->n + 1, sizeof(*ns->v)) < 0)
		goto nomem;
	ns->v[ns->n] = d;
	ns->ht.slot[h] = ns->n;
	return ns->n++;
nomem:
	*err = -ENOMEM;
	return no;
}
