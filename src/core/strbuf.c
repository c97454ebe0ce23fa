/* strbuf.c - growable byte strings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "weir/strbuf.h"

static void
strbuf_reserve(struct weir_strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;
	if (need <= sb->cap)
		return;
	size_t cap = sb->cap ? sb->cap : 64;
	while (cap < need)
		cap *= 2;
	char *s = realloc(sb->s, cap);
	if (!s)
		abort();
	sb->s = s;
	sb->cap = cap;
}

void
weir_strbuf_append(struct weir_strbuf *sb, const char *s, size_t n)
{
	strbuf_reserve(sb, n);
	if (n)
		memcpy(sb->s + sb->len, s, n);
	sb->len += n;
	sb->s[sb->len] = '\0';
}

void
weir_strbuf_puts(struct weir_strbuf *sb, const char *s)
{
	weir_strbuf_append(sb, s, strlen(s));
}

void
weir_strbuf_putc(struct weir_strbuf *sb, char c)
{
	weir_strbuf_append(sb, &c, 1);
}

void
weir_strbuf_vprintf(struct weir_strbuf *sb, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	strbuf_reserve(sb, (size_t)n);
	vsnprintf(sb->s + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void
weir_strbuf_printf(struct weir_strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	weir_strbuf_vprintf(sb, fmt, ap);
	va_end(ap);
}

void
weir_strbuf_reset(struct weir_strbuf *sb)
{
	sb->len = 0;
	if (sb->s)
		sb->s[0] = '\0';
}

const char *
weir_strbuf_str(struct weir_strbuf *sb)
{
	return sb->s ? sb->s : "";
}

char *
weir_strbuf_detach(struct weir_strbuf *sb)
{
	char *s = sb->s ? sb->s : strdup("");
	if (!s)
		abort();
	sb->s = NULL;
	sb->len = sb->cap = 0;
	return s;
}

void
weir_strbuf_free(struct weir_strbuf *sb)
{
	free(sb->s);
	sb->s = NULL;
	sb->len = sb->cap = 0;
}
