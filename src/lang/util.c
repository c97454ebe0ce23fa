/* util.c - small helpers of the language code: arrays, strings, name maps, argument splitting. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "lang_priv.h"

void *
lang_grow(void *p, int *cap, int need, size_t size)
{
	if (need <= *cap)
		return p;
	int c = *cap ? *cap : 8;
	while (c < need)
		c *= 2;
	void *q = realloc(p, (size_t)c * size);
	if (!q)
		abort();
	*cap = c;
	return q;
}

char *
lang_strndup(const char *s, size_t n)
{
	char *r = malloc(n + 1);
	if (!r)
		abort();
	memcpy(r, s, n);
	r[n] = '\0';
	return r;
}

char *
lang_strdup(const char *s)
{
	return lang_strndup(s, strlen(s));
}

/* ---- name map: FNV-1a hash, linear probing, never shrinks ---------------------- */

static size_t
name_hash(const char *s)
{
	size_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

int
lang_names_find(const struct lang_names *m, const char *key)
{
	if (!m->cap)
		return -1;
	for (size_t i = name_hash(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (!m->keys[i])
			return -1;
		if (strcmp(m->keys[i], key) == 0)
			return m->vals[i];
	}
}

static void
names_insert(struct lang_names *m, char *key, int val)
{
	size_t i = name_hash(key) & (m->cap - 1);
	while (m->keys[i] && strcmp(m->keys[i], key) != 0)
		i = (i + 1) & (m->cap - 1);
	if (m->keys[i]) {
		free(key);
	} else {
		m->keys[i] = key;
		m->n++;
	}
	m->vals[i] = val;
}

void
lang_names_set(struct lang_names *m, const char *key, int val)
{
	if ((m->n + 1) * 2 > m->cap) {
		struct lang_names old = *m;
		m->cap = old.cap ? old.cap * 2 : 16;
		m->n = 0;
		m->keys = calloc(m->cap, sizeof(*m->keys));
		m->vals = calloc(m->cap, sizeof(*m->vals));
		if (!m->keys || !m->vals)
			abort();
		for (size_t i = 0; i < old.cap; i++)
			if (old.keys[i])
				names_insert(m, old.keys[i], old.vals[i]);
		free(old.keys);
		free(old.vals);
	}
	names_insert(m, lang_strdup(key), val);
}

void
lang_names_free(struct lang_names *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	*m = (struct lang_names){ 0 };
}

/* ---- suggestions ---------------------------------------------------------------- */

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

unsigned
lang_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return ~0u;
	unsigned row[65];
	for (size_t j = 0; j <= lb; j++)
		row[j] = (unsigned)j * 2;
	for (size_t i = 1; i <= la; i++) {
		unsigned diag = row[0];
		row[0] = (unsigned)i * 2;
		for (size_t j = 1; j <= lb; j++) {
			unsigned up = row[j];
			unsigned sub = a[i - 1] == b[j - 1]		  ? 0
				       : lower(a[i - 1]) == lower(b[j - 1]) ? 1
									    : 2;
			unsigned best = WEIR_MIN(diag + sub, WEIR_MIN(up + 2, row[j - 1] + 2));
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

/* ---- argument splitting (Click's cp_argvec) -------------------------------------- */

static void
push_arg(char ***argv, int *argc, int *cap, struct weir_strbuf *sb)
{
	const char *s = weir_strbuf_str(sb);
	size_t b = 0, e = strlen(s);
	while (b < e && isspace((unsigned char)s[b]))
		b++;
	while (e > b && isspace((unsigned char)s[e - 1]))
		e--;
	*argv = lang_grow(*argv, cap, *argc + 1, sizeof(**argv));
	(*argv)[(*argc)++] = lang_strndup(s + b, e - b);
	weir_strbuf_reset(sb);
}

/* Copy the quoted string at s[*i] into sb; *i ends on the closing quote. */
static void
copy_quoted(const char *s, size_t *i, struct weir_strbuf *sb)
{
	char q = s[*i];
	size_t j = *i + 1;
	while (s[j] && s[j] != q) {
		if (s[j] == '\\' && q == '"' && s[j + 1])
			j++;
		j++;
	}
	size_t end = s[j] ? j : j - 1;
	weir_strbuf_append(sb, s + *i, end - *i + 1);
	*i = end;
}

int
lang_split_args(const char *s, char ***argv)
{
	struct weir_strbuf sb = WEIR_STRBUF_INIT;
	int argc = 0, cap = 0;
	bool any = false;
	*argv = NULL;
	for (size_t i = 0; s[i]; i++) {
		char c = s[i];
		if (!isspace((unsigned char)c))
			any = true;
		if (c == ',') {
			push_arg(argv, &argc, &cap, &sb);
		} else if (c == '"' || c == '\'') {
			copy_quoted(s, &i, &sb);
		} else if (c == '\\' && s[i + 1]) {
			weir_strbuf_append(&sb, s + i, 2);
			i++;
		} else if (c == '/' && s[i + 1] == '/') {
			while (s[i + 1] && s[i + 1] != '\n')
				i++;
			weir_strbuf_putc(&sb, ' ');
		} else if (c == '/' && s[i + 1] == '*') {
			const char *e = strstr(s + i + 2, "*/");
			i = e ? (size_t)(e - s) + 1 : strlen(s) - 1;
			weir_strbuf_putc(&sb, ' ');
		} else {
			weir_strbuf_putc(&sb, c);
		}
	}
	if (any)
		push_arg(argv, &argc, &cap, &sb);
	/* Click drops one empty trailing argument: "a, b," has two. */
	if (argc > 1 && (*argv)[argc - 1][0] == '\0')
		free((*argv)[--argc]);
	weir_strbuf_free(&sb);
	if (argc == 1 && (*argv)[0][0] == '\0') {
		free((*argv)[0]);
		argc = 0;
	}
	if (!argc) {
		free(*argv);
		*argv = NULL;
	}
	return argc;
}

void
lang_free_args(char **argv, int argc)
{
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}
