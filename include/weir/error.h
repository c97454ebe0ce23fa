/* error.h - error handlers: how control-path code reports messages with context. */
#ifndef WEIR_ERROR_H
#define WEIR_ERROR_H

#include <stdarg.h>
#include "weir/common.h"
#include "weir/strbuf.h"

enum weir_errlevel { WEIR_ERR_MESSAGE, WEIR_ERR_WARNING, WEIR_ERR_ERROR };

/*
 * An error handler receives fully formatted messages. Library code never
 * prints: it reports through an errh. The context fields are prefixed to each
 * message as "LANDMARK: CONTEXT: message", e.g.
 *   "router.click:12: while configuring 'dt :: DecIPTTL': TTL must be 1-255".
 */
struct weir_errh {
	void (*emit)(struct weir_errh *errh, enum weir_errlevel level, const char *msg);
	void *user;
	const char *landmark; /* "file:line" or "file:line:col"; may be NULL */
	const char *context;  /* "while configuring 'x :: Class'"; may be NULL */
	int nerrors;
	int nwarnings;
};

/* Prints to stderr ("weir: " prefix when no landmark). */
void weir_errh_init_stderr(struct weir_errh *errh);
/* Collects messages, one per line, into sb (for tests and handlers). */
void weir_errh_init_buffer(struct weir_errh *errh, struct weir_strbuf *sb);
/* Counts but discards. */
void weir_errh_init_silent(struct weir_errh *errh);

/* Report an error; returns -EINVAL so callers can `return weir_error(...)`. */
int weir_error(struct weir_errh *errh, const char *fmt, ...) WEIR_PRINTF(2, 3);
/* Same with an explicit landmark overriding errh->landmark. */
int weir_lerror(struct weir_errh *errh, const char *landmark, const char *fmt, ...)
	WEIR_PRINTF(3, 4);
void weir_warning(struct weir_errh *errh, const char *fmt, ...) WEIR_PRINTF(2, 3);
void weir_lwarning(struct weir_errh *errh, const char *landmark, const char *fmt, ...)
	WEIR_PRINTF(3, 4);
void weir_message(struct weir_errh *errh, const char *fmt, ...) WEIR_PRINTF(2, 3);
int weir_verror(struct weir_errh *errh, enum weir_errlevel level, const char *landmark,
		const char *fmt, va_list ap);

#endif
