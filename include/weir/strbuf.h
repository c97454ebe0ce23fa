/* strbuf.h - growable byte strings for handler output and messages. */
#ifndef WEIR_STRBUF_H
#define WEIR_STRBUF_H

#include <stdarg.h>
#include <stddef.h>
#include "weir/common.h"

struct weir_strbuf {
	char *s;    /* always NUL-terminated when cap > 0 */
	size_t len;
	size_t cap;
};

#define WEIR_STRBUF_INIT { NULL, 0, 0 }

/* Append; these abort() only on out-of-memory, which is a control-path
 * failure weir does not try to survive. */
void weir_strbuf_append(struct weir_strbuf *sb, const char *s, size_t n);
void weir_strbuf_puts(struct weir_strbuf *sb, const char *s);
void weir_strbuf_putc(struct weir_strbuf *sb, char c);
void weir_strbuf_printf(struct weir_strbuf *sb, const char *fmt, ...) WEIR_PRINTF(2, 3);
void weir_strbuf_vprintf(struct weir_strbuf *sb, const char *fmt, va_list ap);
void weir_strbuf_reset(struct weir_strbuf *sb);
/* Returns the string (never NULL, "" when empty). */
const char *weir_strbuf_str(struct weir_strbuf *sb);
/* Hands the malloc'd string to the caller and resets sb. Never NULL. */
char *weir_strbuf_detach(struct weir_strbuf *sb);
void weir_strbuf_free(struct weir_strbuf *sb);

#endif
