/* prune.c - classifier optimiser: rebuilds the decision DAG without the tests each path decides. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "classifier_priv.h"

/*
 * The DAG is rebuilt from the root carrying the facts known on the path
 * (tests passed and failed). A test those facts decide is skipped, which
 * removes impossible branches and repeated tests. Before entering a node,
 * facts that cannot decide any test below it are forgotten (bitsets of the
 * words and tests below each node say which), and results are memoised on
 * (node, facts), so paths that know the same relevant things share their
 * rebuilt subtree. Dropping a fact is always safe (it only prunes less).
 * Path-sensitive rebuilding can still grow exponentially on hostile rule
 * sets, so it has a work budget; past it, nodes are rebuilt without facts
 * (linear, still correct, less pruned). Everything is iterative: an
 * explicit stack of frames replaces recursion.
 */

#define PRUNE_MAX_EXPANSIONS 50000
#define PRUNE_MAX_SCAN 8000000LL
#define PRUNE_MAX_FACTS (1 << 21)
#define RELEV_MAX_BYTES (32u << 20)

struct fact {
	int32_t parent; /* previous fact on the path, -1 none */
	int32_t test;
	uint8_t yes;
	uint32_t count;
	uint64_t hash; /* order-independent hash of the fact set */
};

struct memo {
	int32_t node, facts, result;
};

struct frame {
	int32_t node;  /* node being rebuilt */
	int32_t facts; /* facts known on entry */
	int32_t yes;   /* rebuilt yes branch (state 2) */
	uint8_t state; /* 0 start, 1 yes branch pending, 2 no branch pending */
};

/*
 * What lies below each node of the input DAG, for forgetting facts: one
 * bitset per node over word ids (a (base, offset) with a masked test), test
 * ids, and bases (any test / a length test). implicants[g] lists the tests
 * that cannot pass when test g failed (g itself, and same-word tests whose
 * mask covers g's with the same value there).
 */
struct relev {
	bool on;
	size_t stride; /* uint64s per node */
	uint32_t nwords, ntests;
	uint64_t *bits;
	int32_t *word; /* per test: word id, -1 for length tests */
	int32_t *imp_start, *imp_n, *imp; /* implicants of g: imp[start[g] .. +n[g]) */
};

struct prune {
	struct cls_cc *c;
	const struct cls_nodes *in;
	struct relev rel;
	bool degraded; /* over budget: no more facts */
	struct cls_nodes out;
	struct fact *f;
	int32_t nf, capf;
	struct memo *memo;
	uint32_t memocap, nmemo;
	struct frame *stk;
	int32_t nstk, capstk;
	int32_t *sa, *sb; /* scratch for fact-set comparison */
	int32_t capsab;
	long long scan;
	int32_t expansions;
	int err;
};

/* -1 undecided, 0 always no, 1 always yes, given the facts. */
static int
decide(struct prune *p, int32_t facts, const struct cls_test *t)
{
	const struct cls_test *tt = p->c->tests.t;
	uint32_t kmask = 0, kval = 0, min_len = 0, max_len = UINT32_MAX;
	for (int32_t i = facts; i >= 0; i = p->f[i].parent) {
		const struct fact *f = &p->f[i];
		const struct cls_test *g = &tt[f->test];
		p->scan++;
		if (g->base != t->base)
			continue;
		if (f->yes) {
			min_len = WEIR_MAX(min_len, g->req);
			if (g->mask && g->offset == t->offset) {
				kmask |= g->mask;
				kval |= g->value;
			}
		} else if (!g->mask) {
			max_len = WEIR_MIN(max_len, g->req - 1);
		} else if (t->mask && g->offset == t->offset && !(g->mask & ~t->mask) &&
			   (t->value & g->mask) == g->value) {
			return 0; /* t passing would make g pass */
		}
	}
	if (max_len < t->req)
		return 0;
	if ((t->value ^ kval) & t->mask & kmask)
		return 0;
	if (!(t->mask & ~kmask) && min_len >= t->req)
		return 1;
	return -1;
}

static int32_t
add_fact(struct prune *p, int32_t parent, int32_t test, bool yes)
{
	if (cls_grow_array((void **)&p->f, &p->capf, p->nf + 1, sizeof(*p->f)) < 0) {
		p->err = -ENOMEM;
		return -1;
	}
	struct fact *f = &p->f[p->nf];
	f->parent = parent;
	f->test = test;
	f->yes = yes;
	f->count = (parent >= 0 ? p->f[parent].count : 0) + 1;
	f->hash = (parent >= 0 ? p->f[parent].hash : 0) +
		  cls_mix64(((uint64_t)(uint32_t)test << 1) | yes);
	return p->nf++;
}

static int
cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

static int32_t
collect(const struct prune *p, int32_t facts, int32_t *out)
{
	int32_t n = 0;
	for (int32_t i = facts; i >= 0; i = p->f[i].parent)
		out[n++] = p->f[i].test * 2 + p->f[i].yes;
	qsort(out, (size_t)n, sizeof(*out), cmp_i32);
	return n;
}

static bool
same_facts(struct prune *p, int32_t a, int32_t b)
{
	if (a == b)
		return true;
	if (a < 0 || b < 0)
		return false;
	if (p->f[a].count != p->f[b].count || p->f[a].hash != p->f[b].hash)
		return false;
	int32_t n = (int32_t)p->f[a].count;
	if (n > p->capsab) {
		free(p->sa);
		free(p->sb);
		p->sa = malloc((size_t)n * sizeof(int32_t));
		p->sb = malloc((size_t)n * sizeof(int32_t));
		if (!p->sa || !p->sb) {
			p->err = -ENOMEM;
			p->capsab = 0;
			return false;
		}
		p->capsab = n;
	}
	p->scan += 2 * n;
	collect(p, a, p->sa);
	collect(p, b, p->sb);
	return memcmp(p->sa, p->sb, (size_t)n * sizeof(int32_t)) == 0;
}

static uint32_t
memo_hash(const struct prune *p, int32_t node, int32_t facts)
{
	uint64_t fh = facts >= 0 ? p->f[facts].hash : 0;
	return (uint32_t)cls_mix64(fh ^ ((uint64_t)(uint32_t)node << 20));
}

static int32_t *
memo_find(struct prune *p, int32_t node, int32_t facts, bool *found)
{
	uint32_t h = memo_hash(p, node, facts) & (p->memocap - 1);
	for (; p->memo[h].node >= 0; h = (h + 1) & (p->memocap - 1)) {
		struct memo *m = &p->memo[h];
		if (m->node == node && same_facts(p, m->facts, facts)) {
			*found = true;
			return &m->result;
		}
	}
	*found = false;
	return &p->memo[h].result;
}

static int
memo_grow(struct prune *p)
{
	uint32_t ncap = p->memocap ? p->memocap * 2 : 1024;
	struct memo *old = p->memo;
	uint32_t oldcap = p->memocap;
	p->memo = malloc(ncap * sizeof(*p->memo));
	if (!p->memo) {
		p->memo = old;
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < ncap; i++)
		p->memo[i].node = -1;
	p->memocap = ncap;
	for (uint32_t i = 0; i < oldcap; i++) {
		if (old[i].node < 0)
			continue;
		uint32_t h = memo_hash(p, old[i].node, old[i].facts) & (ncap - 1);
		while (p->memo[h].node >= 0)
			h = (h + 1) & (ncap - 1);
		p->memo[h] = old[i];
	}
	free(old);
	return 0;
}

static void
memo_put(struct prune *p, int32_t node, int32_t facts, int32_t result)
{
	if ((p->nmemo + 1) * 2 > p->memocap && memo_grow(p) < 0) {
		p->err = -ENOMEM;
		return;
	}
	bool found;
	int32_t *slot = memo_find(p, node, facts, &found);
	if (!found) {
		struct memo *m = weir_container_of(slot, struct memo, result);
		m->node = node;
		m->facts = facts;
		p->nmemo++;
	}
	*slot = result;
}

static int
push_frame(struct prune *p, int32_t node, int32_t facts)
{
	if (cls_grow_array((void **)&p->stk, &p->capstk, p->nstk + 1, sizeof(*p->stk)) < 0)
		return p->err = -ENOMEM;
	p->stk[p->nstk++] = (struct frame){ .node = node, .facts = facts };
	return 0;
}

static bool
over_budget(const struct prune *p)
{
	return p->expansions > PRUNE_MAX_EXPANSIONS || p->scan > PRUNE_MAX_SCAN ||
	       p->nf > PRUNE_MAX_FACTS || p->out.n > 4 * p->in->n + 1024;
}

/* Facts on entry to a branch of `test`: the parent's plus the outcome
 * (none at all once over budget). */
static int32_t
child_facts(struct prune *p, int32_t facts, int32_t test, bool yes)
{
	if (p->degraded)
		return -1;
	return add_fact(p, facts, test, yes);
}

static inline bool
bit_get(const uint64_t *b, uint32_t i)
{
	return (b[i >> 6] >> (i & 63)) & 1;
}

static inline void
bit_set(uint64_t *b, uint32_t i)
{
	b[i >> 6] |= 1ull << (i & 63);
}

/* Bit layout: [0, nwords) words, [nwords, +ntests) tests, then per base
 * "any test" and "length test". */
static uint32_t
bit_base_any(const struct relev *r, unsigned base)
{
	return r->nwords + r->ntests + base;
}

static uint32_t
bit_base_len(const struct relev *r, unsigned base)
{
	return r->nwords + r->ntests + WEIR_CLS_NBASES + base;
}

static bool
implies_failure(const struct cls_test *t, const struct cls_test *g)
{
	return t->base == g->base && t->offset == g->offset && t->mask && g->mask &&
	       !(g->mask & ~t->mask) && (t->value & g->mask) == g->value;
}

static int
cmp_word(const void *a, const void *b)
{
	const int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static void
relev_free(struct relev *r)
{
	free(r->bits);
	free(r->word);
	free(r->imp_start);
	free(r->imp_n);
	free(r->imp);
	memset(r, 0, sizeof(*r));
}

/* Implicant lists (CSR) from the tests sorted by word: only same-word pairs
 * are compared. Counts in a first pass, fills in a second. */
static int
relev_implicants(struct relev *r, const struct cls_tests *ts, const int64_t *key)
{
	int32_t n = ts->n, total = 0;
	for (int pass = 0; pass < 2; pass++) {
		total = 0;
		for (int32_t i = 0, j; i < n; i = j) {
			for (j = i; j < n && key[j] >> 32 == key[i] >> 32; j++)
				;
			for (int32_t a = i; a < j; a++) {
				int32_t g = (int32_t)key[a];
				if (pass)
					r->imp_start[g] = total;
				for (int32_t b = i; b < j; b++) {
					int32_t t = (int32_t)key[b];
					if (!implies_failure(&ts->t[t], &ts->t[g]))
						continue;
					if (pass) {
						r->imp[total] = t;
						r->imp_n[g]++;
					}
					total++;
				}
			}
		}
		if (!pass && !(r->imp = malloc(((size_t)total + 1) * sizeof(*r->imp))))
			return -ENOMEM;
	}
	return 0;
}

#define LEN_WORD (1 << 20) /* sort key of length tests: after every word */

/* Word ids, then implicants; gives up (-E2BIG) when one word carries so
 * many tests that comparing them pairwise would be slow. */
static int
relev_words(struct relev *r, const struct cls_tests *ts)
{
	int32_t n = ts->n;
	int64_t *key = malloc(((size_t)n + 1) * sizeof(*key));
	r->word = malloc(((size_t)n + 1) * sizeof(*r->word));
	r->imp_start = calloc((size_t)n + 1, sizeof(*r->imp_start));
	r->imp_n = calloc((size_t)n + 1, sizeof(*r->imp_n));
	int err = -ENOMEM;
	if (!key || !r->word || !r->imp_start || !r->imp_n)
		goto out;
	/* key: word (base, offset) << 32 | test id */
	for (int32_t i = 0; i < n; i++) {
		const struct cls_test *t = &ts->t[i];
		int64_t w = t->mask ? ((int64_t)t->base << 16 | t->offset) : LEN_WORD;
		key[i] = w << 32 | i;
	}
	qsort(key, (size_t)n, sizeof(*key), cmp_word);
	int64_t pairs = 0;
	int32_t nwords = 0;
	for (int32_t i = 0, j; i < n; i = j) {
		int64_t w = key[i] >> 32;
		for (j = i; j < n && key[j] >> 32 == w; j++)
			r->word[(int32_t)key[j]] = w == LEN_WORD ? -1 : nwords;
		if (w != LEN_WORD) {
			nwords++;
			pairs += (int64_t)(j - i) * (j - i);
		}
	}
	r->nwords = (uint32_t)nwords;
	r->ntests = (uint32_t)n;
	err = pairs > 4000000 ? -E2BIG : relev_implicants(r, ts, key);
out:
	free(key);
	return err;
}

static void
relev_init(struct relev *r, const struct cls_nodes *ns, const struct cls_tests *ts)
{
	memset(r, 0, sizeof(*r));
	if (relev_words(r, ts) < 0)
		goto off;
	r->stride = ((size_t)r->nwords + r->ntests + 2 * WEIR_CLS_NBASES + 63) / 64;
	if ((double)r->stride * 8 * (double)ns->n > RELEV_MAX_BYTES)
		goto off;
	r->bits = calloc((size_t)ns->n * r->stride + 1, sizeof(uint64_t));
	if (!r->bits)
		goto off;
	/* nodes are in children-first order */
	for (int32_t i = 0; i < ns->n; i++) {
		const struct cls_dnode *d = &ns->v[i];
		const struct cls_test *t = &ts->t[d->test];
		uint64_t *b = r->bits + (size_t)i * r->stride;
		for (int k = 0; k < 2; k++) {
			if (d->next[k] < 0)
				continue;
			const uint64_t *c = r->bits + (size_t)d->next[k] * r->stride;
			for (size_t x = 0; x < r->stride; x++)
				b[x] |= c[x];
		}
		if (r->word[d->test] >= 0)
			bit_set(b, (uint32_t)r->word[d->test]);
		bit_set(b, r->nwords + (uint32_t)d->test);
		bit_set(b, bit_base_any(r, t->base));
		if (!t->mask)
			bit_set(b, bit_base_len(r, t->base));
	}
	r->on = true;
	return;
off:
	relev_free(r);
}

/* Can fact f help decide a test at or below node x? */
static bool
relevant(const struct prune *p, const struct fact *f, int32_t x)
{
	const struct relev *r = &p->rel;
	const struct cls_test *g = &p->c->tests.t[f->test];
	const uint64_t *b = r->bits + (size_t)x * r->stride;
	if (f->yes) {
		if (bit_get(b, bit_base_len(r, g->base)))
			return true;
		return g->mask && bit_get(b, (uint32_t)r->word[f->test]);
	}
	if (!g->mask)
		return bit_get(b, bit_base_any(r, g->base));
	int32_t end = r->imp_start[f->test] + r->imp_n[f->test];
	for (int32_t i = r->imp_start[f->test]; i < end; i++)
		if (bit_get(b, r->nwords + (uint32_t)r->imp[i]))
			return true;
	return false;
}

/* The facts of list `facts` that matter below node x (sharing the longest
 * tail that is kept whole). */
static int32_t
filter_facts(struct prune *p, int32_t facts, int32_t x)
{
	if (x < 0 || p->degraded)
		return -1;
	if (!p->rel.on)
		return facts;
	int32_t cut = -2, n = 0; /* cut: the last dropped fact (nearest the root) */
	for (int32_t i = facts; i >= 0; i = p->f[i].parent, n++) {
		p->scan++;
		if (!relevant(p, &p->f[i], x))
			cut = i;
	}
	if (cut == -2)
		return facts;
	/* keep = relevant facts before cut, in path order, on top of cut's parent */
	int32_t k = 0;
	if (n > p->capsab) {
		free(p->sa);
		free(p->sb);
		p->sa = malloc((size_t)n * sizeof(int32_t));
		p->sb = malloc((size_t)n * sizeof(int32_t));
		p->capsab = (p->sa && p->sb) ? n : 0;
		if (!p->capsab) {
			p->err = -ENOMEM;
			return -1;
		}
	}
	for (int32_t i = facts; i != cut; i = p->f[i].parent)
		if (relevant(p, &p->f[i], x))
			p->sa[k++] = i;
	int32_t head = p->f[cut].parent;
	while (k-- > 0 && !p->err) {
		const struct fact *f = &p->f[p->sa[k]];
		head = add_fact(p, head, f->test, f->yes);
	}
	return head;
}

/* Rebuild from root into p->out; returns the new root (check p->err). */
static int32_t
prune_run(struct prune *p, int32_t root)
{
	int32_t res = root;
	if (push_frame(p, root, -1) < 0)
		return root;
	while (p->nstk && !p->err) {
		struct frame *fr = &p->stk[p->nstk - 1];
		if (fr->node < 0) { /* terminal */
			res = fr->node;
			goto done;
		}
		const struct cls_dnode *d = &p->in->v[fr->node];
		switch (fr->state) {
		case 0: {
			/* skip decided tests first: only undecided nodes are memoised */
			int dec = decide(p, fr->facts, &p->c->tests.t[d->test]);
			if (dec >= 0) {
				fr->node = d->next[dec];
				continue;
			}
			bool found;
			int32_t *m = memo_find(p, fr->node, fr->facts, &found);
			if (found) {
				res = *m;
				goto done;
			}
			if (++p->expansions, !p->degraded && over_budget(p))
				p->degraded = true;
			fr->state = 1;
			int32_t child = d->next[1];
			int32_t f = filter_facts(p, child_facts(p, fr->facts, d->test, true), child);
			push_frame(p, child, f);
			continue;
		}
		case 1: {
			fr->yes = res;
			fr->state = 2;
			int32_t child = d->next[0];
			int32_t f = filter_facts(p, child_facts(p, fr->facts, d->test, false), child);
			push_frame(p, child, f);
			continue;
		}
		default:
			res = cls_mk(&p->out, d->test, res, fr->yes, &p->err);
			memo_put(p, fr->node, fr->facts, res);
			goto done;
		}
		continue;
	done:
		p->nstk--;
	}
	return res;
}

static void
prune_free(struct prune *p)
{
	relev_free(&p->rel);
	free(p->f);
	free(p->memo);
	free(p->stk);
	free(p->sa);
	free(p->sb);
}

/* Pruned copy of `in` into *out; false (and *out untouched) when it could
 * not be built: out of memory (c->err set), or more nodes than CLS_MAX_DAG
 * (the caller keeps `in`). */
bool
cls_prune(struct cls_cc *c, const struct cls_nodes *in, int32_t root, struct cls_nodes *out,
	  int32_t *newroot)
{
	struct prune p = { .c = c, .in = in };
	relev_init(&p.rel, in, &c->tests);
	if (cls_nodes_init(&p.out, CLS_MAX_DAG) < 0 || memo_grow(&p) < 0) {
		c->err = -ENOMEM;
		cls_nodes_free(&p.out);
		prune_free(&p);
		return false;
	}
	int32_t r = prune_run(&p, root);
	prune_free(&p);
	if (p.err) {
		if (p.err == -ENOMEM)
			c->err = -ENOMEM;
		cls_nodes_free(&p.out);
		return false;
	}
	*out = p.out;
	*newroot = r;
	return true;
}
