/* classifier_priv.h - the classifier's internal expression and test representation. */
#ifndef WEIR_CLASSIFIER_PRIV_H
#define WEIR_CLASSIFIER_PRIV_H

#include "weir/classifier.h"

/*
 * A test: word test (mask != 0): at least `req` bytes from base and
 * (load32(base + offset) & mask) == value; length test (mask == 0): at least
 * `req` bytes from base (offset and value are 0).
 */
struct cls_test {
	uint32_t mask;
	uint32_t value;
	uint32_t req;
	uint16_t offset;
	uint8_t base;
	uint8_t pad;
};

enum cls_kind { CLS_TRUE, CLS_FALSE, CLS_TEST, CLS_NOT, CLS_AND, CLS_OR };

struct cls_expr {
	uint8_t kind;
	uint16_t depth;
	int32_t a;      /* NOT: child; AND/OR: first index in kids[] */
	int32_t n;      /* AND/OR: number of kids */
	struct cls_test t; /* TEST */
};

struct weir_cls_builder {
	struct cls_expr *ex;
	int32_t nex, capex;
	int32_t *kids;
	int32_t nkids, capkids;
	int err; /* first allocation error, sticky */
};

/* Limits on builder size (a config cannot make us allocate without bound). */
#define CLS_MAX_EXPRS (1 << 21)
#define CLS_MAX_KIDS (1 << 22)

/* Bytes needed to evaluate a word test: offset + last masked byte + 1. */
uint32_t cls_word_req(uint32_t offset, uint32_t mask);

/* ---- decision DAG (dag.c) -------------------------------------------------
 * Node references are int32: >= 0 a node, < 0 a terminal ~t. Nodes are
 * created children first, so a forward sweep visits children before
 * parents. */

#define CLS_MAX_DAG (4 * WEIR_CLS_MAX_NODES)

struct cls_dnode {
	int32_t test;
	int32_t next[2]; /* [0] no, [1] yes */
};

/* An open-addressing hash set of int32 ids (-1 empty). */
struct cls_idset {
	int32_t *slot;
	uint32_t cap; /* power of two */
};

struct cls_tests {
	struct cls_test *t;
	int32_t n, cap;
	struct cls_idset ht;
};

struct cls_nodes {
	struct cls_dnode *v;
	int32_t n, cap;
	struct cls_idset ht;
	int32_t max;
};

/* One compilation: the expressions, the tests met so far, the first error. */
struct cls_cc {
	const struct weir_cls_builder *b;
	struct cls_tests tests;
	int err;
};

static inline uint64_t
cls_mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

int cls_idset_init(struct cls_idset *s, uint32_t cap);
void cls_idset_free(struct cls_idset *s);
/* Grow *arr to hold `want` elements of `elt` bytes; 0 or -ENOMEM. */
int cls_grow_array(void **arr, int32_t *cap, int32_t want, size_t elt);
/* The id of test t (added if new), or -ENOMEM. */
int32_t cls_test_id(struct cls_tests *ts, const struct cls_test *t);
int cls_nodes_init(struct cls_nodes *ns, int32_t max);
void cls_nodes_free(struct cls_nodes *ns);
/* The node (test, no, yes), hash-consed; `no` itself when no == yes. On
 * failure (-ENOMEM, -E2BIG past ns->max) sets *err and returns a terminal. */
int32_t cls_mk(struct cls_nodes *ns, int32_t test, int32_t no, int32_t yes, int *err);

/* ---- optimiser (prune.c) ---------------------------------------------------- */

/* A copy of `in` without the tests each path decides, into *out (root
 * *newroot). False when it could not be built (out of memory: c->err set;
 * node cap reached: c->err untouched, keep `in`). */
bool cls_prune(struct cls_cc *c, const struct cls_nodes *in, int32_t root, struct cls_nodes *out,
	       int32_t *newroot);

#endif
