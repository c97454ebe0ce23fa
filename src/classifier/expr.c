/* expr.c - classifier expressions: the boolean trees front ends build before compiling. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "classifier_priv.h"

/*
 * Expressions are kept in an array and named by index, children before
 * parents. AND and OR are n-ary and flattened as they are built, so a long
 * chain "a or b or c ..." stays one level deep; depth is capped at
 * WEIR_CLS_MAX_DEPTH so the compiler's recursion over expressions is bounded.
 */

enum { ID_TRUE = 0, ID_FALSE = 1 };

uint32_t
cls_word_req(uint32_t offset, uint32_t mask)
{
	uint8_t m[4];
	memcpy(m, &mask, 4);
	for (int i = 3; i >= 0; i--)
		if (m[i])
			return offset + (uint32_t)i + 1;
	return 0;
}

static int
grow(void **arr, int32_t *cap, int32_t want, size_t elt, int32_t max)
{
	if (want <= *cap)
		return 0;
	if (want > max)
		return -E2BIG;
	int32_t ncap = *cap ? *cap : 64;
	while (ncap < want)
		ncap *= 2;
	if (ncap > max)
		ncap = max;
	void *n = realloc(*arr, (size_t)ncap * elt);
	if (!n)
		return -ENOMEM;
	*arr = n;
	*cap = ncap;
	return 0;
}

static int
new_expr(struct weir_cls_builder *b, const struct cls_expr *x)
{
	if (b->err)
		return b->err;
	if (x->depth > WEIR_CLS_MAX_DEPTH)
		return -E2BIG;
	int r = grow((void **)&b->ex, &b->capex, b->nex + 1, sizeof(*b->ex), CLS_MAX_EXPRS);
	if (r < 0)
		return b->err = r;
	b->ex[b->nex] = *x;
	return b->nex++;
}

struct weir_cls_builder *
weir_cls_builder_new(void)
{
	struct weir_cls_builder *b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	struct cls_expr t = { .kind = CLS_TRUE }, f = { .kind = CLS_FALSE };
	if (new_expr(b, &t) != ID_TRUE || new_expr(b, &f) != ID_FALSE) {
		weir_cls_builder_free(b);
		return NULL;
	}
	return b;
}

void
weir_cls_builder_free(struct weir_cls_builder *b)
{
	if (!b)
		return;
	free(b->ex);
	free(b->kids);
	free(b);
}

int
weir_cls_true(struct weir_cls_builder *b)
{
	return ID_TRUE;
}

int
weir_cls_false(struct weir_cls_builder *b)
{
	return ID_FALSE;
}

static bool
valid_id(const struct weir_cls_builder *b, int e)
{
	return e >= 0 && e < b->nex;
}

static int
new_test(struct weir_cls_builder *b, const struct cls_test *t)
{
	struct cls_expr x = { .kind = CLS_TEST, .depth = 1, .t = *t };
	return new_expr(b, &x);
}

int
weir_cls_word(struct weir_cls_builder *b, enum weir_cls_base base, uint32_t offset,
	      uint32_t mask, uint32_t value)
{
	if ((unsigned)base >= WEIR_CLS_NBASES || offset > WEIR_CLS_MAX_OFFSET)
		return -EINVAL;
	if (!mask)
		return ID_TRUE;
	struct cls_test t = {
		.mask = mask,
		.value = value & mask,
		.offset = (uint16_t)offset,
		.base = (uint8_t)base,
		.req = cls_word_req(offset, mask),
	};
	return new_test(b, &t);
}

int
weir_cls_len_ge(struct weir_cls_builder *b, enum weir_cls_base base, uint32_t n)
{
	if ((unsigned)base >= WEIR_CLS_NBASES || n > WEIR_CLS_MAX_OFFSET + 4)
		return -EINVAL;
	if (n == 0)
		return ID_TRUE;
	struct cls_test t = { .base = (uint8_t)base, .req = n };
	return new_test(b, &t);
}

int
weir_cls_bytes(struct weir_cls_builder *b, enum weir_cls_base base, uint32_t offset,
	       const uint8_t *value, const uint8_t *mask, size_t len)
{
	if ((unsigned)base >= WEIR_CLS_NBASES)
		return -EINVAL;
	if (len == 0)
		return ID_TRUE;
	if (offset > WEIR_CLS_MAX_OFFSET || len - 1 > WEIR_CLS_MAX_OFFSET - offset)
		return -EINVAL;
	int acc = ID_TRUE;
	size_t i = 0;
	while (i < len && acc >= 0) {
		uint32_t off = offset + (uint32_t)i;
		uint32_t word = off & ~3u;
		uint8_t m[4] = { 0, 0, 0, 0 }, v[4] = { 0, 0, 0, 0 };
		for (; i < len && ((offset + i) & ~(size_t)3) == word; i++) {
			unsigned k = (offset + (uint32_t)i) & 3;
			m[k] = mask ? mask[i] : 0xFF;
			v[k] = value[i] & m[k];
		}
		uint32_t mw, vw;
		memcpy(&mw, m, 4);
		memcpy(&vw, v, 4);
		acc = weir_cls_and2(b, acc, weir_cls_word(b, base, word, mw, vw));
	}
	return acc;
}

/* The field equals `value` on the bits of `mask` (both field-sized). */
static int
field_prefix(struct weir_cls_builder *b, enum weir_cls_base base, uint32_t offset,
	     unsigned size, uint32_t value, uint32_t mask)
{
	uint8_t v[4], m[4];
	for (unsigned i = 0; i < size; i++) {
		unsigned shift = 8 * (size - 1 - i);
		v[i] = (uint8_t)(value >> shift);
		m[i] = (uint8_t)(mask >> shift);
	}
	return weir_cls_bytes(b, base, offset, v, m, size); /* mask 0: "true" */
}

int
weir_cls_field_range(struct weir_cls_builder *b, enum weir_cls_base base, uint32_t offset,
		     unsigned size, uint32_t lo, uint32_t hi)
{
	if (size < 1 || size > 4 || (unsigned)base >= WEIR_CLS_NBASES ||
	    offset > WEIR_CLS_MAX_OFFSET || size - 1 > WEIR_CLS_MAX_OFFSET - offset)
		return -EINVAL;
	uint64_t top = (1ull << (8 * size)) - 1;
	if (hi > top)
		hi = (uint32_t)top;
	if (lo > hi)
		return ID_FALSE;
	/* split [lo, hi] into aligned power-of-two blocks, largest first */
	int acc = ID_FALSE;
	uint64_t x = lo;
	bool short_ok = false; /* some block ignores the last byte */
	while (x <= hi && acc >= 0) {
		unsigned k = 0;
		while (k < 8 * size && !(x & (1ull << k)) && x + (2ull << k) - 1 <= hi)
			k++;
		uint32_t mask = (uint32_t)(top & ~((1ull << k) - 1));
		short_ok |= k >= 8;
		acc = weir_cls_or2(b, acc, field_prefix(b, base, offset, size, (uint32_t)x, mask));
		x += 1ull << k;
	}
	/* the whole field must be there, even when a block's mask stops short */
	if (short_ok)
		acc = weir_cls_and2(b, weir_cls_len_ge(b, base, offset + size), acc);
	return acc;
}

int
weir_cls_not(struct weir_cls_builder *b, int e)
{
	if (e < 0)
		return e;
	if (!valid_id(b, e))
		return -EINVAL;
	if (e == ID_TRUE)
		return ID_FALSE;
	if (e == ID_FALSE)
		return ID_TRUE;
	if (b->ex[e].kind == CLS_NOT)
		return b->ex[e].a;
	struct cls_expr x = { .kind = CLS_NOT, .depth = b->ex[e].depth + 1, .a = e };
	return new_expr(b, &x);
}

/* A list of kids under construction, in b->kids after the last committed
 * entry (kids are only ever appended, so the scratch area is the tail). */
static int
push_kid(struct weir_cls_builder *b, int32_t e)
{
	int r = grow((void **)&b->kids, &b->capkids, b->nkids + 1, sizeof(*b->kids),
		     CLS_MAX_KIDS);
	if (r < 0)
		return b->err = r;
	b->kids[b->nkids++] = e;
	return 0;
}

/* Merge test t into an AND's earlier kid on the same word; returns the new
 * kid (or ID_FALSE on a contradiction), or -1 when they do not merge. */
static int
merge_and_test(struct weir_cls_builder *b, const struct cls_test *x, const struct cls_test *t)
{
	if (x->base != t->base)
		return -1;
	struct cls_test m;
	if (!x->mask && !t->mask) { /* len >= a and len >= b */
		m = *x;
		m.req = WEIR_MAX(x->req, t->req);
	} else if (x->mask && t->mask && x->offset == t->offset) {
		if ((x->value ^ t->value) & x->mask & t->mask)
			return ID_FALSE;
		m = *x;
		m.mask = x->mask | t->mask;
		m.value = x->value | t->value;
		m.req = cls_word_req(m.offset, m.mask);
	} else {
		return -1;
	}
	return new_test(b, &m);
}

/* Add kid e to the AND list starting at b->kids[start]. */
static int
and_add(struct weir_cls_builder *b, int32_t start, int32_t e)
{
	if (e == ID_TRUE)
		return 0;
	if (b->ex[e].kind == CLS_TEST) {
		for (int32_t i = start; i < b->nkids; i++) {
			int32_t k = b->kids[i];
			if (b->ex[k].kind != CLS_TEST)
				continue;
			int m = merge_and_test(b, &b->ex[k].t, &b->ex[e].t);
			if (m == -1)
				continue;
			if (m < 0)
				return m;
			if (m == ID_FALSE)
				return ID_FALSE;
			b->kids[i] = m;
			return 0;
		}
	}
	return push_kid(b, e);
}

static int
combine(struct weir_cls_builder *b, enum cls_kind kind, const int *es, int n)
{
	int32_t absorb = kind == CLS_AND ? ID_FALSE : ID_TRUE;
	int32_t unit = kind == CLS_AND ? ID_TRUE : ID_FALSE;
	for (int i = 0; i < n; i++) {
		if (es[i] < 0)
			return es[i];
		if (!valid_id(b, es[i]))
			return -EINVAL;
		if (es[i] == absorb)
			return absorb;
	}
	if (b->err)
		return b->err;
	int32_t start = b->nkids;
	int r = 0;
	for (int i = 0; i < n && r == 0; i++) {
		/* copy: adding kids may reallocate b->ex */
		struct cls_expr x = b->ex[es[i]];
		if (x.kind == (uint8_t)kind) {
			for (int32_t j = 0; j < x.n && r == 0; j++) {
				int32_t k = b->kids[x.a + j];
				r = kind == CLS_AND ? and_add(b, start, k) : push_kid(b, k);
			}
		} else if (es[i] != unit) {
			r = kind == CLS_AND ? and_add(b, start, es[i]) : push_kid(b, es[i]);
		}
		if (r > 0) /* ID_FALSE from and_add: contradiction */
			r = ID_FALSE;
	}
	int32_t cnt = b->nkids - start;
	if (r != 0 || cnt <= 1) {
		int32_t res = r != 0 ? r : cnt == 1 ? b->kids[start] : unit;
		b->nkids = start;
		return res;
	}
	uint16_t depth = 0;
	for (int32_t i = start; i < b->nkids; i++)
		depth = WEIR_MAX(depth, b->ex[b->kids[i]].depth);
	struct cls_expr x = { .kind = kind, .depth = depth + 1, .a = start, .n = cnt };
	int id = new_expr(b, &x);
	if (id < 0)
		b->nkids = start;
	return id;
}

int
weir_cls_and(struct weir_cls_builder *b, const int *es, int n)
{
	return combine(b, CLS_AND, es, n);
}

int
weir_cls_or(struct weir_cls_builder *b, const int *es, int n)
{
	return combine(b, CLS_OR, es, n);
}

int
weir_cls_and2(struct weir_cls_builder *b, int x, int y)
{
	int es[2] = { x, y };
	return combine(b, CLS_AND, es, 2);
}

int
weir_cls_or2(struct weir_cls_builder *b, int x, int y)
{
	int es[2] = { x, y };
	return combine(b, CLS_OR, es, 2);
}
