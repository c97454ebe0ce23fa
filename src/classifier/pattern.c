/* pattern.c - front end for Click's Classifier patterns ("12/0806 20/0001", "!0/01%01", "-"). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "weir/classifier.h"

/*
 * Click's rules, followed here:
 * - a pattern is space-separated clauses OFFSET/VALUE or OFFSET/VALUE%MASK;
 *   OFFSET is decimal, VALUE and MASK are hex with an even number (>= 2) of
 *   digits, MASK as long as VALUE; "?" is a don't-care nibble in either;
 * - "!" before a clause (attached or alone) negates the whole clause;
 * - "-" alone (and the empty pattern) matches every packet;
 * - a pattern matches when all its clauses do; the first match wins.
 * Errors name the pattern by index (= its output port, as Click does).
 */

#define MAX_CLAUSE_BYTES (WEIR_CLS_MAX_OFFSET + 1)

static int
nibble(char c, uint8_t *v, uint8_t *m)
{
	if (c == '?') {
		*v = *m = 0;
		return 0;
	}
	*m = 0xF;
	if (c >= '0' && c <= '9')
		*v = (uint8_t)(c - '0');
	else if (c >= 'a' && c <= 'f')
		*v = (uint8_t)(c - 'a' + 10);
	else if (c >= 'A' && c <= 'F')
		*v = (uint8_t)(c - 'A' + 10);
	else
		return -1;
	return 0;
}

/* Decode hex digits s[0..n) into bytes: val (nibble values) and care (nibble
 * masks, 0 for '?'). n is even. Returns the index of a bad digit or -1. */
static long
decode_hex(const char *s, size_t n, uint8_t *val, uint8_t *care)
{
	for (size_t i = 0; i < n; i += 2) {
		uint8_t hv, hm, lv, lm;
		if (nibble(s[i], &hv, &hm) < 0)
			return (long)i;
		if (nibble(s[i + 1], &lv, &lm) < 0)
			return (long)i + 1;
		val[i / 2] = (uint8_t)(hv << 4 | lv);
		care[i / 2] = (uint8_t)(hm << 4 | lm);
	}
	return -1;
}

static size_t
hex_span(const char *s)
{
	size_t n = 0;
	while (isxdigit((unsigned char)s[n]) || s[n] == '?')
		n++;
	return n;
}

struct clause_buf {
	uint8_t *val, *care, *mval, *mcare;
};

/* One clause "OFFSET/VALUE[%MASK]" (without "!"): its expression, or a
 * negative errno after reporting. */
static int
parse_clause(struct weir_cls_builder *b, int pat, const char *w, struct clause_buf *cb,
	     struct weir_errh *errh)
{
	const char *s = w;
	if (!isdigit((unsigned char)*s))
		return weir_error(errh, "pattern %d: expected OFFSET/VALUE[%%MASK], got '%s'", pat,
				  w);
	unsigned long off = 0;
	while (isdigit((unsigned char)*s)) {
		if (off <= WEIR_CLS_MAX_OFFSET)
			off = off * 10 + (unsigned long)(*s - '0');
		s++;
	}
	if (*s != '/')
		return weir_error(errh, "pattern %d: expected OFFSET/VALUE[%%MASK], got '%s'", pat,
				  w);
	if (off > WEIR_CLS_MAX_OFFSET)
		return weir_error(errh, "pattern %d: offset in '%s' too large (max %d)", pat, w,
				  WEIR_CLS_MAX_OFFSET);
	const char *v = ++s;
	size_t nv = hex_span(v);
	const char *m = NULL;
	size_t nm = 0;
	s = v + nv;
	if (*s == '%') {
		m = s + 1;
		nm = hex_span(m);
		s = m + nm;
	}
	if (*s)
		return weir_error(errh, "pattern %d: bad character '%c' in '%s' (expected hex "
					"digit or '?')", pat, *s, w);
	if (nv < 2)
		return weir_error(errh, "pattern %d: value in '%s' has less than 2 hex digits",
				  pat, w);
	if (nv % 2)
		return weir_error(errh, "pattern %d: value in '%s' has an odd number of hex digits",
				  pat, w);
	if (m && nm != nv)
		return weir_error(errh, "pattern %d: mask in '%s' has too %s hex digits", pat, w,
				  nm > nv ? "many" : "few");
	size_t n = nv / 2;
	if (n - 1 > WEIR_CLS_MAX_OFFSET - off)
		return weir_error(errh, "pattern %d: '%s' reaches past offset %d", pat, w,
				  WEIR_CLS_MAX_OFFSET);
	decode_hex(v, nv, cb->val, cb->care);
	if (m) {
		decode_hex(m, nm, cb->mval, cb->mcare);
		for (size_t i = 0; i < n; i++)
			cb->care[i] &= cb->mval[i] & cb->mcare[i];
	}
	return weir_cls_bytes(b, WEIR_CLS_BASE_DATA, (uint32_t)off, cb->val, cb->care, n);
}

/* Pattern `pat` (one configuration argument): its expression or -errno. */
static int
parse_pattern(struct weir_cls_builder *b, int pat, const char *text, struct clause_buf *cb,
	      struct weir_errh *errh)
{
	char *copy = strdup(text);
	if (!copy)
		return -ENOMEM;
	int acc = weir_cls_true(b);
	bool negate = false, any = false;
	char *save = NULL;
	for (char *w = strtok_r(copy, " \t\r\n\f\v", &save); w && acc >= 0;
	     w = strtok_r(NULL, " \t\r\n\f\v", &save)) {
		if (strcmp(w, "-") == 0) {
			if (!any && !negate && !strtok_r(NULL, " \t\r\n\f\v", &save))
				break; /* matches everything */
			acc = weir_error(errh, "pattern %d: '-' must be the whole pattern", pat);
			break;
		}
		any = true;
		if (*w == '!') {
			if (negate) {
				acc = weir_error(errh, "pattern %d: expected OFFSET/VALUE[%%MASK] "
						       "after '!', got '%s'", pat, w);
				break;
			}
			negate = true;
			w++;
		}
		if (!*w)
			continue; /* "!" alone applies to the next clause */
		int c = parse_clause(b, pat, w, cb, errh);
		if (c < 0 && c != -EINVAL)
			c = weir_error(errh, "pattern %d: too complex", pat);
		if (c < 0) {
			acc = c;
			break;
		}
		acc = weir_cls_and2(b, acc, negate ? weir_cls_not(b, c) : c);
		negate = false;
	}
	if (acc >= 0 && negate)
		acc = weir_error(errh, "pattern %d: '!' not followed by a clause", pat);
	if (acc < 0 && acc != -EINVAL)
		acc = weir_error(errh, "pattern %d: too complex", pat);
	free(copy);
	return acc;
}

int
weir_cls_compile_classifier(int npatterns, char *const *patterns,
			    struct weir_cls_program **out, struct weir_errh *errh)
{
	*out = NULL;
	if (npatterns > WEIR_CLS_DROP)
		return weir_error(errh, "too many patterns (%d, at most %d)", npatterns,
				  WEIR_CLS_DROP);
	struct weir_cls_builder *b = weir_cls_builder_new();
	struct weir_cls_rule *rules = calloc((size_t)npatterns + 1, sizeof(*rules));
	bool *reachable = calloc((size_t)npatterns + 1, sizeof(*reachable));
	struct clause_buf cb = {
		.val = malloc(MAX_CLAUSE_BYTES),
		.care = malloc(MAX_CLAUSE_BYTES),
		.mval = malloc(MAX_CLAUSE_BYTES),
		.mcare = malloc(MAX_CLAUSE_BYTES),
	};
	int r = 0;
	if (!b || !rules || !reachable || !cb.val || !cb.care || !cb.mval || !cb.mcare) {
		r = weir_error(errh, "out of memory");
		goto out;
	}
	for (int i = 0; i < npatterns; i++) {
		int e = parse_pattern(b, i, patterns[i], &cb, errh);
		if (e < 0)
			r = e; /* keep going: report every bad pattern */
		rules[i] = (struct weir_cls_rule){ .expr = e, .port = (uint8_t)i };
	}
	if (r < 0)
		goto out;
	r = weir_cls_compile(b, rules, npatterns, WEIR_CLS_DROP, reachable, out, errh);
	if (r == 0)
		for (int i = 0; i < npatterns; i++)
			if (!reachable[i])
				weir_warning(errh, "pattern %d can never match", i);
out:
	weir_cls_builder_free(b);
	free(rules);
	free(reachable);
	free(cb.val);
	free(cb.care);
	free(cb.mval);
	free(cb.mcare);
	return r;
}
