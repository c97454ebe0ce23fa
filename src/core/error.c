/* error.c - error handlers: format messages with landmark and context, then emit. */
#include <errno.h>
#include <stdio.h>
#include "weir/error.h"

static void
emit_stderr(struct weir_errh *errh, enum weir_errlevel level, const char *msg)
{
	(void)errh;
	(void)level;
	fprintf(stderr, "%s\n", msg);
}

static void
emit_buffer(struct weir_errh *errh, enum weir_errlevel level, const char *msg)
{
	(void)level;
	struct weir_strbuf *sb = errh->user;
	weir_strbuf_puts(sb, msg);
	weir_strbuf_putc(sb, '\n');
}

static void
emit_silent(struct weir_errh *errh, enum weir_errlevel level, const char *msg)
{
	(void)errh;
	(void)level;
	(void)msg;
}

static void
errh_init(struct weir_errh *errh,
	  void (*emit)(struct weir_errh *, enum weir_errlevel, const char *), void *user)
{
	*errh = (struct weir_errh){ .emit = emit, .user = user };
}

void
weir_errh_init_stderr(struct weir_errh *errh)
{
	errh_init(errh, emit_stderr, NULL);
}

void
weir_errh_init_buffer(struct weir_errh *errh, struct weir_strbuf *sb)
{
	errh_init(errh, emit_buffer, sb);
}

void
weir_errh_init_silent(struct weir_errh *errh)
{
	errh_init(errh, emit_silent, NULL);
}

int
weir_verror(struct weir_errh *errh, enum weir_errlevel level, const char *landmark,
	    const char *fmt, va_list ap)
{
	struct weir_strbuf sb = WEIR_STRBUF_INIT;
	if (landmark && *landmark)
		weir_strbuf_printf(&sb, "%s: ", landmark);
	if (errh->context && *errh->context)
		weir_strbuf_printf(&sb, "%s: ", errh->context);
	if (level == WEIR_ERR_WARNING)
		weir_strbuf_puts(&sb, "warning: ");
	weir_strbuf_vprintf(&sb, fmt, ap);
	if (level == WEIR_ERR_ERROR)
		errh->nerrors++;
	else if (level == WEIR_ERR_WARNING)
		errh->nwarnings++;
	errh->emit(errh, level, weir_strbuf_str(&sb));
	weir_strbuf_free(&sb);
	return -EINVAL;
}

int
weir_error(struct weir_errh *errh, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = weir_verror(errh, WEIR_ERR_ERROR, errh->landmark, fmt, ap);
	va_end(ap);
	return r;
}

int
weir_lerror(struct weir_errh *errh, const char *landmark, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = weir_verror(errh, WEIR_ERR_ERROR, landmark, fmt, ap);
	va_end(ap);
	return r;
}

void
weir_warning(struct weir_errh *errh, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	weir_verror(errh, WEIR_ERR_WARNING, errh->landmark, fmt, ap);
	va_end(ap);
}

void
weir_lwarning(struct weir_errh *errh, const char *landmark, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	weir_verror(errh, WEIR_ERR_WARNING, landmark, fmt, ap);
	va_end(ap);
}

void
weir_message(struct weir_errh *errh, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const char *ctx = errh->context;
	errh->context = NULL;
	weir_verror(errh, WEIR_ERR_MESSAGE, NULL, fmt, ap);
	errh->context = ctx;
	va_end(ap);
}
