/* script_engine.c - the Script language: parsing, expansion, the interpreter and its handlers. */
/*
 * Shared by Script and DriverManager (see script_priv.h for the model).
 *
 * Configure turns each argument into one instruction (struct
 * weir_script_insn) and appends an implicit `end` (`stop` for driver
 * scripts). Texts are kept as written and expanded each time they run:
 * $VAR, ${VAR}, $(HANDLER ARGS) (an element handler, a global handler, or one
 * of the functions of script_functions.c), and the specials $? $args $1..$9
 * $# $$. Expansion happens outside single quotes; the `q` instruction forms
 * and `print TEXT` also remove one layer of quotes.
 *
 * The interpreter (script_exec) runs from the instruction pointer until an
 * instruction blocks or ends the script; the instruction that ends a script
 * stays current, so running an ended script ends it again. `goto` resets the
 * step counts of the pauses it jumps back over, and 1000 jumps without
 * blocking disable the script, as in Click.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "weir/args.h"
#include "weir/router.h"
#include "script_priv.h"

enum script_op {
	OP_PAUSE, OP_WAIT, OP_PRINT, OP_PRINTQ, OP_PRINTN, OP_PRINTNQ, OP_READ, OP_READQ,
	OP_WRITE, OP_WRITEQ, OP_SET, OP_SETQ, OP_INIT, OP_INITQ, OP_LABEL, OP_GOTO,
	OP_RETURN, OP_RETURNQ, OP_END, OP_EXIT, OP_STOP, OP_ERROR, OP_ERRORQ,
	/* only while parsing */
	OP_WAIT_ANY, OP_LOOP,
};

/* goto targets that finish the script instead of jumping */
#define TARGET_EXIT (-1)
#define TARGET_END (-2)
#define TARGET_STOP (-3)
#define TARGET_ERROR (-4)

#define SCRIPT_MAX_JUMPS 1000
#define SCRIPT_MAX_DEPTH 32 /* nesting of $( ... ) */

struct weir_script_insn {
	enum script_op op;
	int arg;           /* PAUSE: steps needed; GOTO: target; SET, INIT, RETURN: variable */
	unsigned progress; /* PAUSE: steps received so far */
	int64_t wait_ns;   /* WAIT: the time, or -1 to expand text at run time */
	char *text;        /* the rest of the instruction, as written */
	int argno;         /* 1-based configuration argument, for messages */
};

enum run_result {
	RUN_BLOCKED, /* waiting at pause or wait */
	RUN_ENDED,   /* end, exit, fell off the end, or disabled */
	RUN_RETURNED,
	RUN_STOPPED,
	RUN_ERROR,
};

static const struct {
	const char *name;
	enum script_op op;
} insn_names[] = {
	{ "end", OP_END },	     { "error", OP_ERROR },	{ "errorq", OP_ERRORQ },
	{ "exit", OP_EXIT },	     { "export", OP_INIT },	{ "exportq", OP_INITQ },
	{ "goto", OP_GOTO },	     { "init", OP_INIT },	{ "initq", OP_INITQ },
	{ "label", OP_LABEL },	     { "loop", OP_LOOP },	{ "pause", OP_PAUSE },
	{ "print", OP_PRINT },	     { "printn", OP_PRINTN },	{ "printnq", OP_PRINTNQ },
	{ "printq", OP_PRINTQ },     { "read", OP_READ },	{ "readq", OP_READQ },
	{ "return", OP_RETURN },     { "returnq", OP_RETURNQ }, { "set", OP_SET },
	{ "setq", OP_SETQ },	     { "stop", OP_STOP },	{ "wait", OP_WAIT_ANY },
	{ "wait_for", OP_WAIT },     { "wait_step", OP_PAUSE }, { "wait_stop", OP_PAUSE },
	{ "wait_time", OP_WAIT },    { "write", OP_WRITE },	{ "writeq", OP_WRITEQ },
};

static void expand(struct weir_script *s, const char *t, bool unquote, struct weir_strbuf *out,
		   struct weir_errh *errh, int depth);

static char *
xstrndup(const char *s, size_t n)
{
	char *d = strndup(s, n);
	if (!d)
		abort(); /* control path: out of memory is fatal, as in strbuf */
	return d;
}

/* ---- variables -------------------------------------------------------------- */

static int
find_var(const struct weir_script *s, const char *name, size_t len)
{
	for (int i = 0; i < s->nvars; i++)
		if (strlen(s->vars[i].name) == len && memcmp(s->vars[i].name, name, len) == 0)
			return i;
	return -1;
}

static int
add_var(struct weir_script *s, const char *name, size_t len)
{
	int i = find_var(s, name, len);
	if (i >= 0)
		return i;
	struct weir_script_var *v = realloc(s->vars, (size_t)(s->nvars + 1) * sizeof(*v));
	if (!v)
		abort();
	s->vars = v;
	v[s->nvars].name = xstrndup(name, len);
	v[s->nvars].value = xstrndup("", 0);
	return s->nvars++;
}

static void
set_var(struct weir_script *s, int i, struct weir_strbuf *value)
{
	free(s->vars[i].value);
	s->vars[i].value = weir_strbuf_detach(value);
}

/* The nth (1-based) word of $args, or the count for n == 0. */
static void
run_arg(const struct weir_script *s, int n, struct weir_strbuf *out)
{
	const char *p = s->run_args ? s->run_args : "";
	int count = 0;
	for (p = weir_script_skip_space(p); *p; p = weir_script_skip_space(p)) {
		size_t l = weir_script_word_len(p);
		if (++count == n) {
			weir_strbuf_append(out, p, l);
			return;
		}
		p += l;
	}
	if (n == 0)
		weir_strbuf_printf(out, "%d", count);
}

/* Appends the value of $name; false when there is no such variable. */
static bool
expand_var(struct weir_script *s, const char *name, size_t len, struct weir_strbuf *out)
{
	int i = find_var(s, name, len);
	if (i >= 0) {
		weir_strbuf_puts(out, s->vars[i].value);
	} else if (len == 1 && *name == '?') {
		weir_strbuf_printf(out, "%d", s->write_status);
	} else if (len == 1 && *name == '#') {
		run_arg(s, 0, out);
	} else if (len == 1 && *name == '$') {
		weir_strbuf_printf(out, "%ld", (long)getpid());
	} else if (len == 4 && memcmp(name, "args", 4) == 0) {
		weir_strbuf_puts(out, s->run_args ? s->run_args : "");
	} else if (len >= 1 && *name >= '1' && *name <= '9') {
		int n = 0;
		for (size_t k = 0; k < len; k++) {
			if (name[k] < '0' || name[k] > '9' || n > 100000)
				return false;
			n = n * 10 + (name[k] - '0');
		}
		run_arg(s, n, out);
	} else {
		return false;
	}
	return true;
}

/* ---- handler calls ---------------------------------------------------------- */

/* A handler spec "elem.handler" or "handler": the element (NULL for names
 * without a dot) and the handler name. Returns 0 or -ENOENT (reported). */
static int
resolve_handler(struct weir_script *s, const char *spec, struct weir_element **ep,
		const char **hname, struct weir_errh *errh)
{
	const char *dot = strrchr(spec, '.');
	*ep = NULL;
	*hname = spec;
	if (!dot)
		return 0;
	char *ename = xstrndup(spec, (size_t)(dot - spec));
	*ep = weir_router_find(s->e->router, ename, s->e);
	*hname = dot + 1;
	int rc = 0;
	if (!*ep)
		rc = weir_error(errh, "no element named '%s'", ename);
	free(ename);
	return rc;
}

/* Splits "NAME ARGS" into a malloc'd NAME and a pointer to ARGS. */
static char *
split_call(const char *call, const char **args)
{
	const char *c = weir_script_skip_space(call);
	size_t n = weir_script_word_len(c);
	*args = weir_script_skip_space(c + n);
	return xstrndup(c, n);
}

/*
 * Calls read handler or function NAME with ARGS ("NAME ARGS", expanded) and
 * appends its value to out. Names without a dot are functions, then this
 * element's handlers, then global handlers. `shown`, when not NULL, receives
 * the handler's full name (for `read`). Returns 0 or a negative errno after
 * reporting through errh.
 */
static int
call_read(struct weir_script *s, const char *call, struct weir_strbuf *out,
	  struct weir_strbuf *shown, struct weir_errh *errh)
{
	const char *args, *hname;
	char *name = split_call(call, &args);
	struct weir_element *e;
	int rc = resolve_handler(s, name, &e, &hname, errh);
	if (rc < 0)
		goto out;
	if (shown)
		weir_strbuf_printf(shown, "%s%s%s", e ? e->name : "", e ? "." : "", hname);
	if (!e || weir_script_is(e)) {
		if (strcmp(hname, "get") == 0) { /* another script's variable */
			struct weir_script *t = e ? e->priv : s;
			int i = find_var(t, args, strlen(args));
			if (i >= 0)
				weir_strbuf_puts(out, t->vars[i].value);
			goto out;
		}
		rc = weir_script_function(hname, args, out, errh);
		if (rc != -ENOENT)
			goto out;
		rc = 0;
	}
	if (!e && !weir_element_find_handler(s->e, hname)) {
		if (*args)
			rc = weir_error(errh, "handler '%s' takes no arguments", hname);
		else
			rc = weir_router_handler_read(s->e->router, hname, out, errh);
		goto out;
	}
	e = e ? e : s->e;
	if (shown) {
		weir_strbuf_reset(shown);
		weir_strbuf_printf(shown, "%s.%s", e->name, hname);
	}
	const struct weir_handler *h = weir_element_find_handler(e, hname);
	if (!h)
		rc = weir_error(errh, "no handler '%s.%s'", e->name, hname);
	else if (!h->read)
		rc = weir_error(errh, "handler '%s.%s' is write-only", e->name, hname);
	else if (*args)
		rc = weir_error(errh, "handler '%s.%s' takes no arguments", e->name, hname);
	else if ((rc = weir_handler_call_read(e, h, out)) < 0)
		weir_error(errh, "reading '%s.%s': %s", e->name, hname, strerror(-rc));
out:
	free(name);
	return rc;
}

/* Calls write handler "NAME VALUE" (expanded); returns its status. */
static int
call_write(struct weir_script *s, const char *call, bool unquote, struct weir_errh *errh)
{
	const char *value, *hname;
	char *name = split_call(call, &value), *uvalue = NULL;
	struct weir_element *e;
	int rc = resolve_handler(s, name, &e, &hname, errh);
	if (rc < 0)
		goto out;
	if (unquote) {
		const char *err;
		uvalue = weir_unquote(value, &err);
		if (!uvalue) {
			rc = weir_error(errh, "%s", err);
			goto out;
		}
		value = uvalue;
	}
	if (!e && !weir_element_find_handler(s->e, hname)) {
		rc = weir_router_handler_write(s->e->router, hname, value, errh);
		goto out;
	}
	e = e ? e : s->e;
	const struct weir_handler *h = weir_element_find_handler(e, hname);
	if (!h)
		rc = weir_error(errh, "no handler '%s.%s'", e->name, hname);
	else if (!h->write)
		rc = weir_error(errh, "handler '%s.%s' is read-only", e->name, hname);
	else {
		int before = errh->nerrors;
		rc = weir_handler_call_write(e, h, value, errh);
		if (rc < 0 && errh->nerrors == before)
			weir_error(errh, "writing '%s.%s': %s", e->name, hname, strerror(-rc));
	}
out:
	free(uvalue);
	free(name);
	return rc;
}

/* ---- expansion -------------------------------------------------------------- */

/* The ')' closing the '(' at p, skipping quoted text; NULL if none. */
static const char *
match_paren(const char *p)
{
	int depth = 0;
	char quote = 0;
	for (; *p; p++) {
		if (quote) {
			if (*p == '\\' && quote == '"' && p[1])
				p++;
			else if (*p == quote)
				quote = 0;
		} else if (*p == '"' || *p == '\'') {
			quote = *p;
		} else if (*p == '(') {
			depth++;
		} else if (*p == ')' && --depth == 0) {
			return p;
		}
	}
	return NULL;
}

/* $( ... ): expand the inside, call it, append the value. */
static const char *
expand_call(struct weir_script *s, const char *t, struct weir_strbuf *out,
	    struct weir_errh *errh, int depth)
{
	const char *end = match_paren(t + 1);
	if (!end) {
		weir_strbuf_putc(out, '$');
		return t + 1;
	}
	if (depth >= SCRIPT_MAX_DEPTH) {
		weir_error(errh, "$(...) nested too deeply");
		return end + 1;
	}
	char *inner = xstrndup(t + 2, (size_t)(end - t - 2));
	struct weir_strbuf call = WEIR_STRBUF_INIT, val = WEIR_STRBUF_INIT;
	expand(s, inner, false, &call, errh, depth + 1);
	if (call_read(s, weir_strbuf_str(&call), &val, NULL, errh) == 0)
		weir_strbuf_append(out, weir_strbuf_str(&val), val.len);
	free(inner);
	weir_strbuf_free(&call);
	weir_strbuf_free(&val);
	return end + 1;
}

/* One $ reference at t; returns where the text continues. Unknown
 * variables are left as written, as Click does. */
static const char *
expand_ref(struct weir_script *s, const char *t, struct weir_strbuf *out, struct weir_errh *errh,
	   int depth)
{
	const char *name = t + 1, *next;
	size_t len;
	if (*name == '(')
		return expand_call(s, t, out, errh, depth);
	if (*name == '{') {
		const char *close = strchr(name, '}');
		if (!close) {
			weir_strbuf_putc(out, '$');
			return t + 1;
		}
		name++;
		len = (size_t)(close - name);
		next = close + 1;
	} else if (*name == '?' || *name == '#' || *name == '$') {
		len = 1;
		next = name + 1;
	} else {
		for (len = 0; isalnum((unsigned char)name[len]) || name[len] == '_'; len++)
			;
		next = name + len;
	}
	if (len == 0 || !expand_var(s, name, len, out))
		weir_strbuf_append(out, t, (size_t)(next - t));
	return next;
}

static char
unescape(char c)
{
	switch (c) {
	case 'n':
		return '\n';
	case 't':
		return '\t';
	case 'r':
		return '\r';
	case 'a':
		return '\a';
	case 'b':
		return '\b';
	case 'f':
		return '\f';
	case 'v':
		return '\v';
	default:
		return c;
	}
}

/*
 * Expands $ references outside single quotes. With unquote, also removes
 * one layer of quotes and processes backslash escapes inside double quotes;
 * substituted values are taken literally (Click's expand-then-unquote with
 * protected substitutions).
 */
static void
expand(struct weir_script *s, const char *t, bool unquote, struct weir_strbuf *out,
       struct weir_errh *errh, int depth)
{
	char quote = 0;
	while (*t) {
		char c = *t;
		if (quote == '\'') {
			if (c == '\'')
				quote = 0;
			if (c != '\'' || !unquote)
				weir_strbuf_putc(out, c);
			t++;
		} else if (c == '$') {
			t = expand_ref(s, t, out, errh, depth);
		} else if (c == '"' || (c == '\'' && !quote)) {
			quote = quote ? 0 : c;
			if (!unquote)
				weir_strbuf_putc(out, c);
			t++;
		} else if (c == '\\' && quote == '"' && t[1]) {
			if (unquote) {
				weir_strbuf_putc(out, unescape(t[1]));
			} else {
				weir_strbuf_putc(out, c);
				weir_strbuf_putc(out, t[1]);
			}
			t += 2;
		} else {
			weir_strbuf_putc(out, c);
			t++;
		}
	}
}

/* ---- instructions that do something -------------------------------------------- */

static void
exec_print(struct weir_script *s, const struct weir_script_insn *in, struct weir_errh *errh)
{
	const char *text = weir_script_skip_space(in->text);
	FILE *f = stdout;
	if (*text == '>') {
		bool append = text[1] == '>';
		text = weir_script_skip_space(text + 1 + append);
		size_t n = weir_script_word_len(text);
		char *fname = xstrndup(text, n);
		text = weir_script_skip_space(text + n);
		if (strcmp(fname, "-") != 0 && !(f = fopen(fname, append ? "ab" : "wb")))
			weir_error(errh, "%s: %s", fname, strerror(errno));
		free(fname);
		if (!f)
			return;
	}
	struct weir_strbuf res = WEIR_STRBUF_INIT;
	int before = errh->nerrors;
	if (isalpha((unsigned char)*text) || *text == '@' || *text == '_') {
		/* print HANDLER: the handler's value */
		struct weir_strbuf call = WEIR_STRBUF_INIT;
		expand(s, text, in->op == OP_PRINTQ || in->op == OP_PRINTNQ, &call, errh, 0);
		call_read(s, weir_strbuf_str(&call), &res, NULL, errh);
		weir_strbuf_free(&call);
	} else {
		expand(s, text, true, &res, errh, 0);
	}
	bool newline = in->op == OP_PRINT || in->op == OP_PRINTQ;
	if (newline && errh->nerrors == before && (res.len == 0 || res.s[res.len - 1] != '\n'))
		weir_strbuf_putc(&res, '\n');
	fwrite(weir_strbuf_str(&res), 1, res.len, f);
	if (f == stdout)
		fflush(f);
	else
		fclose(f);
	weir_strbuf_free(&res);
}

/* read HANDLER: "NAME:\nVALUE" on standard error, like Click. */
static void
exec_read(struct weir_script *s, const struct weir_script_insn *in, struct weir_errh *errh)
{
	struct weir_strbuf call = WEIR_STRBUF_INIT, val = WEIR_STRBUF_INIT, name = WEIR_STRBUF_INIT;
	expand(s, in->text, in->op == OP_READQ, &call, errh, 0);
	if (call_read(s, weir_strbuf_str(&call), &val, &name, errh) == 0) {
		fprintf(stderr, "%s:\n%s\n", weir_strbuf_str(&name), weir_strbuf_str(&val));
		fflush(stderr);
	}
	weir_strbuf_free(&call);
	weir_strbuf_free(&val);
	weir_strbuf_free(&name);
}

static void
exec_write(struct weir_script *s, const struct weir_script_insn *in, struct weir_errh *errh)
{
	struct weir_strbuf call = WEIR_STRBUF_INIT;
	expand(s, in->text, false, &call, errh, 0);
	s->write_status = call_write(s, weir_strbuf_str(&call), in->op == OP_WRITEQ, errh);
	weir_strbuf_free(&call);
}

static void
exec_set(struct weir_script *s, const struct weir_script_insn *in, bool unquote,
	 struct weir_errh *errh)
{
	struct weir_strbuf val = WEIR_STRBUF_INIT;
	expand(s, in->text, unquote, &val, errh, 0);
	set_var(s, in->arg, &val);
}

/* The wait time of `wait TIME`; -1 after reporting a bad one. */
static int64_t
wait_time(struct weir_script *s, const struct weir_script_insn *in, struct weir_errh *errh)
{
	if (in->wait_ns >= 0)
		return in->wait_ns;
	struct weir_strbuf t = WEIR_STRBUF_INIT;
	int64_t ns = -1;
	expand(s, in->text, true, &t, errh, 0);
	if (weir_parse_seconds(weir_strbuf_str(&t), &ns) < 0 || ns < 0) {
		weir_error(errh, "bad wait time '%s'", weir_strbuf_str(&t));
		ns = -1;
	}
	weir_strbuf_free(&t);
	return ns;
}

/* ---- the interpreter ---------------------------------------------------------- */

/* Pauses in [from, to) count their steps again (a jump went back over them). */
static void
reset_pauses(struct weir_script *s, int from, int to)
{
	for (int i = from; i < to; i++)
		if (s->insns[i].op == OP_PAUSE)
			s->insns[i].progress = 0;
}

/* `stop`: a driver script stops the router; others ask it to stop, which a
 * driver script (DriverManager) may intercept. */
static enum run_result
do_stop(struct weir_script *s)
{
	if (s->type == WEIR_SCRIPT_DRIVER)
		weir_router_stop(s->e->router);
	else
		weir_router_please_stop(s->e->router);
	return RUN_STOPPED;
}

static enum run_result
finish_target(struct weir_script *s, int target)
{
	switch (target) {
	case TARGET_STOP:
		return do_stop(s);
	case TARGET_ERROR:
		return RUN_ERROR;
	default: /* TARGET_EXIT, TARGET_END */
		return RUN_ENDED;
	}
}

/* goto LABEL [COND]. Returns true when the script finished (result in *r). */
static bool
exec_goto(struct weir_script *s, int ipos, enum run_result *r, unsigned *jumps,
	  struct weir_errh *errh)
{
	const struct weir_script_insn *in = &s->insns[ipos];
	if (*in->text) {
		struct weir_strbuf c = WEIR_STRBUF_INIT;
		bool cond = true;
		expand(s, in->text, false, &c, errh, 0);
		if (c.len && weir_parse_bool(weir_strbuf_str(&c), &cond) < 0) {
			weir_error(errh, "bad condition '%s'", weir_strbuf_str(&c));
			cond = false;
		}
		weir_strbuf_free(&c);
		if (!cond)
			return false;
	}
	if (in->arg < 0) {
		s->pc = ipos;
		*r = finish_target(s, in->arg);
		return true;
	}
	reset_pauses(s, in->arg, ipos);
	s->pc = in->arg;
	(*jumps)++;
	return false;
}

/* error [MSG] */
static enum run_result
exec_error(struct weir_script *s, const struct weir_script_insn *in, struct weir_errh *errh)
{
	struct weir_strbuf msg = WEIR_STRBUF_INIT;
	expand(s, in->text, in->op == OP_ERRORQ, &msg, errh, 0);
	if (msg.len)
		weir_error(errh, "%s", weir_strbuf_str(&msg));
	weir_strbuf_free(&msg);
	return RUN_ERROR;
}

/* pause [COUNT]: takes what it still needs from *credits. */
static bool
exec_pause(struct weir_script_insn *in, unsigned *credits)
{
	unsigned need = (unsigned)in->arg - in->progress;
	unsigned take = WEIR_MIN(need, *credits);
	in->progress += take;
	*credits -= take;
	return in->progress >= (unsigned)in->arg;
}

/*
 * Runs from s->pc with `credits` steps to spend on blocking instructions,
 * until one blocks or the script finishes. The instruction that blocks or
 * finishes stays current.
 */
static enum run_result
script_exec(struct weir_script *s, unsigned credits, struct weir_errh *errh)
{
	unsigned jumps = 0;
	enum run_result r = RUN_ENDED;
	while (s->pc < s->ninsns) {
		if (jumps >= SCRIPT_MAX_JUMPS) {
			weir_error(errh, "too many jumps, giving up");
			s->pc = s->ninsns;
			weir_timer_unschedule(&s->wait_timer);
			return RUN_ENDED;
		}
		int ipos = s->pc++;
		struct weir_script_insn *in = &s->insns[ipos];
		switch (in->op) {
		case OP_PAUSE:
			if (exec_pause(in, &credits))
				break;
			s->pc = ipos;
			return RUN_BLOCKED;
		case OP_WAIT: {
			if (credits) {
				credits--;
				weir_timer_unschedule(&s->wait_timer);
				break;
			}
			int64_t ns = wait_time(s, in, errh);
			s->pc = ipos;
			if (ns < 0)
				return RUN_ERROR;
			weir_timer_schedule_after(&s->wait_timer, ns);
			return RUN_BLOCKED;
		}
		case OP_PRINT:
		case OP_PRINTQ:
		case OP_PRINTN:
		case OP_PRINTNQ:
			exec_print(s, in, errh);
			break;
		case OP_READ:
		case OP_READQ:
			exec_read(s, in, errh);
			break;
		case OP_WRITE:
		case OP_WRITEQ:
			exec_write(s, in, errh);
			break;
		case OP_SET:
		case OP_SETQ:
			exec_set(s, in, in->op == OP_SETQ, errh);
			break;
		case OP_RETURN:
		case OP_RETURNQ:
			exec_set(s, in, in->op == OP_RETURNQ, errh);
			s->pc = ipos;
			return RUN_RETURNED;
		case OP_GOTO:
			if (exec_goto(s, ipos, &r, &jumps, errh))
				return r;
			break;
		case OP_STOP:
			s->pc = ipos;
			return do_stop(s);
		case OP_ERROR:
		case OP_ERRORQ:
			s->pc = ipos;
			return exec_error(s, in, errh);
		case OP_END:
		case OP_EXIT:
			s->pc = ipos;
			return RUN_ENDED;
		default: /* init, label: nothing at run time */
			break;
		}
	}
	return RUN_ENDED;
}

/* Runs the script with `credits` steps. Steps given while it runs (a script
 * writing its own step handler) are spent when the current run blocks. */
static enum run_result
script_run(struct weir_script *s, unsigned credits)
{
	if (s->running) {
		s->reentrant_steps += credits;
		return RUN_BLOCKED;
	}
	struct weir_errh errh;
	weir_errh_init_stderr(&errh);
	errh.landmark = s->e->landmark;
	errh.context = s->context;
	s->running = true;
	enum run_result r = script_exec(s, credits, &errh);
	while (s->reentrant_steps) {
		credits = s->reentrant_steps;
		s->reentrant_steps = 0;
		r = script_exec(s, credits, &errh);
	}
	s->running = false;
	return r;
}

/* A stop request reached a driver script: run it; the router stops unless
 * the script now waits (Click's driver runcount). */
static bool
driver_step(struct weir_script *s, unsigned steps)
{
	if (script_run(s, steps) == RUN_BLOCKED)
		return false;
	weir_router_stop(s->e->router);
	return true;
}

/* The first run of an active or driver script, and queued stop requests. */
static void
kick_fire(struct weir_timer *t, void *arg)
{
	struct weir_script *s = arg;
	bool driver = s->type == WEIR_SCRIPT_DRIVER;
	(void)t;
	if (s->initial) {
		s->initial = false;
		if (driver ? driver_step(s, 0) : (script_run(s, 0), false))
			return;
	}
	while (s->pending_stops) {
		unsigned n = s->pending_stops;
		s->pending_stops = 0;
		if (driver_step(s, n))
			return;
	}
}

static void
wait_fire(struct weir_timer *t, void *arg)
{
	(void)t;
	script_run(arg, 1);
}

/* The router's stop hook: queue the request, run it on the next iteration. */
static void
script_stop_hook(void *arg)
{
	struct weir_script *s = arg;
	s->pending_stops++;
	if (!weir_timer_scheduled(&s->kick_timer))
		weir_timer_schedule_after(&s->kick_timer, 0);
}

/* ---- configuration -------------------------------------------------------------- */

#define LABEL_NONE (-1000)

/* Index of LABEL, a finishing target, or LABEL_NONE. */
static int
find_label(const struct weir_script *s, const char *label, size_t len)
{
	static const struct {
		const char *name;
		int target;
	} specials[] = {
		{ "exit", TARGET_EXIT }, { "end", TARGET_END },	 { "stop", TARGET_STOP },
		{ "error", TARGET_ERROR }, { "begin", 0 },	 { "loop", 0 },
	};
	for (int i = 0; i < s->ninsns; i++)
		if (s->insns[i].op == OP_LABEL && strlen(s->insns[i].text) == len &&
		    memcmp(s->insns[i].text, label, len) == 0)
			return i;
	for (size_t i = 0; i < WEIR_ARRAY_SIZE(specials); i++)
		if (strlen(specials[i].name) == len && memcmp(specials[i].name, label, len) == 0)
			return specials[i].target;
	return LABEL_NONE;
}

static void
add_insn(struct weir_script *s, const struct weir_script_insn *in)
{
	struct weir_script_insn *v = realloc(s->insns, (size_t)(s->ninsns + 1) * sizeof(*v));
	if (!v)
		abort();
	s->insns = v;
	v[s->ninsns++] = *in;
}

static enum script_op
lookup_insn(const char *name, size_t len, bool *found)
{
	for (size_t i = 0; i < WEIR_ARRAY_SIZE(insn_names); i++)
		if (strlen(insn_names[i].name) == len && memcmp(insn_names[i].name, name, len) == 0) {
			*found = true;
			return insn_names[i].op;
		}
	*found = false;
	return OP_END;
}

/* pause [COUNT] and wait TIME. */
static int
parse_blocking(struct weir_script_insn *in, const char *rest, struct weir_errh *errh)
{
	if (in->op == OP_WAIT_ANY)
		in->op = *rest ? OP_WAIT : OP_PAUSE;
	if (in->op == OP_PAUSE) {
		uint32_t n = 1;
		if (*rest && weir_parse_uint(rest, &n) < 0)
			return weir_error(errh, "argument %d: bad pause count '%s'", in->argno, rest);
		in->arg = (int)WEIR_MIN(n, (uint32_t)INT32_MAX);
		return 0;
	}
	in->text = xstrndup(rest, strlen(rest));
	if (strchr(rest, '$'))
		return 0; /* expanded at run time */
	if (!*rest || weir_parse_seconds(rest, &in->wait_ns) < 0 || in->wait_ns < 0)
		return weir_error(errh, "argument %d: bad wait time '%s'", in->argno, rest);
	return 0;
}

/* set, init, return: VAR [TEXT]. */
static int
parse_assign(struct weir_script *s, struct weir_script_insn *in, const char *rest,
	     struct weir_errh *errh)
{
	if (in->op == OP_RETURN || in->op == OP_RETURNQ) {
		in->arg = add_var(s, "_", 1);
		in->text = xstrndup(rest, strlen(rest));
		return 0;
	}
	size_t wl = weir_script_word_len(rest);
	const char *text = weir_script_skip_space(rest + wl);
	if (!wl || ((in->op == OP_SET || in->op == OP_SETQ) && !*text))
		return weir_error(errh, "argument %d: expected 'VARIABLE VALUE'", in->argno);
	in->arg = add_var(s, rest, wl);
	in->text = xstrndup(text, strlen(text));
	return 0;
}

/* One configuration argument "NAME REST". */
static int
parse_insn(struct weir_script *s, int argno, const char *a, struct weir_errh *errh)
{
	size_t wl = weir_script_word_len(a);
	const char *rest = weir_script_skip_space(a + wl);
	bool found;
	struct weir_script_insn in = { .op = lookup_insn(a, wl, &found), .argno = argno,
				       .wait_ns = -1 };
	int rc = 0;
	if (!found)
		return weir_error(errh, "argument %d: unknown instruction '%.*s'", argno, (int)wl, a);
	switch (in.op) {
	case OP_WAIT_ANY:
	case OP_WAIT:
	case OP_PAUSE:
		rc = parse_blocking(&in, rest, errh);
		break;
	case OP_SET:
	case OP_SETQ:
	case OP_INIT:
	case OP_INITQ:
	case OP_RETURN:
	case OP_RETURNQ:
		rc = parse_assign(s, &in, rest, errh);
		break;
	case OP_LOOP:
		if (*rest)
			rc = weir_error(errh, "argument %d: 'loop' takes no arguments", argno);
		in.op = OP_GOTO;
		in.text = xstrndup("begin", 5);
		break;
	case OP_LABEL:
		if (!*rest || rest[weir_script_word_len(rest)])
			rc = weir_error(errh, "argument %d: expected 'label NAME'", argno);
		break;
	case OP_END:
	case OP_EXIT:
	case OP_STOP:
		if (*rest)
			rc = weir_error(errh, "argument %d: '%.*s' takes no arguments", argno,
					(int)wl, a);
		break;
	case OP_GOTO:
	case OP_READ:
	case OP_READQ:
	case OP_WRITE:
	case OP_WRITEQ:
		if (!*rest)
			rc = weir_error(errh, "argument %d: '%.*s' expects an argument", argno,
					(int)wl, a);
		break;
	default:
		break;
	}
	if (!in.text)
		in.text = xstrndup(rest, strlen(rest));
	if (rc < 0) {
		free(in.text);
		return rc;
	}
	add_insn(s, &in);
	return 0;
}

/* goto LABEL [COND]: LABEL becomes a target, COND stays as text. */
static int
resolve_gotos(struct weir_script *s, struct weir_errh *errh)
{
	int rc = 0;
	for (int i = 0; i < s->ninsns; i++) {
		struct weir_script_insn *in = &s->insns[i];
		if (in->op != OP_GOTO)
			continue;
		size_t wl = weir_script_word_len(in->text);
		in->arg = find_label(s, in->text, wl);
		if (in->arg == LABEL_NONE) {
			rc = weir_error(errh, "argument %d: no such label '%.*s'", in->argno, (int)wl,
					in->text);
			continue;
		}
		const char *cond = weir_script_skip_space(in->text + wl);
		memmove(in->text, cond, strlen(cond) + 1);
	}
	return rc;
}

static int
parse_type(struct weir_script *s, const char *v, struct weir_errh *errh)
{
	v = weir_script_skip_space(v);
	if (strcmp(v, "ACTIVE") == 0)
		s->type = WEIR_SCRIPT_ACTIVE;
	else if (strcmp(v, "PASSIVE") == 0)
		s->type = WEIR_SCRIPT_PASSIVE;
	else if (strcmp(v, "DRIVER") == 0)
		s->type = WEIR_SCRIPT_DRIVER;
	else
		return weir_error(errh, "TYPE: expected ACTIVE, PASSIVE or DRIVER, got '%s'%s", v,
				  strncmp(v, "SIGNAL", 6) && strncmp(v, "PACKET", 6) &&
						  strncmp(v, "PROXY", 5)
					  ? ""
					  : " (not supported by weir)");
	return 0;
}

int
weir_script_configure(struct weir_element *e, struct weir_conf *conf,
		      enum weir_script_type default_type, struct weir_errh *errh)
{
	struct weir_script *s = e->priv;
	int nerrors = 0;
	s->e = e;
	s->type = default_type;
	for (int i = 0; i < conf->argc; i++) {
		const char *a = weir_script_skip_space(conf->argv[i]);
		size_t wl = weir_script_word_len(a);
		if (!*a)
			continue; /* empty arguments are harmless, as in Click */
		if (wl == 4 && memcmp(a, "TYPE", 4) == 0 && a[4]) {
			nerrors += parse_type(s, a + 4, errh) < 0;
			continue;
		}
		nerrors += parse_insn(s, i + 1, a, errh) < 0;
	}
	nerrors += resolve_gotos(s, errh) < 0;
	struct weir_script_insn last = { .op = OP_END, .wait_ns = -1 };
	if (s->type == WEIR_SCRIPT_DRIVER) {
		if (s->ninsns == 0) {
			struct weir_script_insn pause = { .op = OP_PAUSE, .arg = 1, .wait_ns = -1,
							  .text = xstrndup("", 0) };
			add_insn(s, &pause);
		}
		last.op = OP_STOP;
	}
	last.text = xstrndup("", 0);
	add_insn(s, &last);
	return nerrors ? -EINVAL : 0;
}

int
weir_script_initialize(struct weir_element *e, struct weir_errh *errh)
{
	struct weir_script *s = e->priv;
	struct weir_router *r = e->router;
	struct weir_strbuf ctx = WEIR_STRBUF_INIT;
	weir_strbuf_printf(&ctx, "while executing '%s :: %s'", e->name, e->cls->name);
	s->context = weir_strbuf_detach(&ctx);
	weir_timer_init(&s->wait_timer, e, wait_fire, s);
	weir_timer_init(&s->kick_timer, e, kick_fire, s);
	s->timers_ready = true;
	if (s->type == WEIR_SCRIPT_DRIVER) {
		for (int i = 0; i < weir_router_nelements(r); i++) {
			struct weir_element *x = weir_router_element(r, i);
			if (x->index < e->index && weir_script_is(x) &&
			    ((struct weir_script *)x->priv)->type == WEIR_SCRIPT_DRIVER)
				return weir_error(errh, "router has more than one driver script "
							"(also '%s')", x->name);
		}
		weir_router_set_stop_hook(r, script_stop_hook, s);
		s->hooked = true;
	}
	for (int i = 0; i < s->ninsns; i++)
		if (s->insns[i].op == OP_INIT || s->insns[i].op == OP_INITQ)
			exec_set(s, &s->insns[i], s->insns[i].op == OP_INITQ, errh);
	if (s->type != WEIR_SCRIPT_PASSIVE && s->insns[0].op != OP_PAUSE) {
		s->initial = true;
		weir_timer_schedule_after(&s->kick_timer, 0);
	}
	return 0;
}

void
weir_script_cleanup(struct weir_element *e)
{
	struct weir_script *s = e->priv;
	if (s->timers_ready) {
		weir_timer_unschedule(&s->wait_timer);
		weir_timer_unschedule(&s->kick_timer);
	}
	if (s->hooked)
		weir_router_set_stop_hook(e->router, NULL, NULL);
	for (int i = 0; i < s->ninsns; i++)
		free(s->insns[i].text);
	free(s->insns);
	for (int i = 0; i < s->nvars; i++) {
		free(s->vars[i].name);
		free(s->vars[i].value);
	}
	free(s->vars);
	free(s->run_args);
	free(s->context);
	memset(s, 0, sizeof(*s));
}

/* ---- handlers ---------------------------------------------------------------------- */

/* A copy of value without surrounding space. */
static char *
trimmed(const char *value)
{
	const char *v = weir_script_skip_space(value ? value : "");
	size_t n = strlen(v);
	while (n && weir_script_space(v[n - 1]))
		n--;
	return xstrndup(v, n);
}

static int
script_write_step(struct weir_element *e, const char *value, const struct weir_handler *h,
		  struct weir_errh *errh)
{
	struct weir_script *s = e->priv;
	char *v = trimmed(value);
	uint32_t n = 1;
	int rc = 0;
	if (strcmp(v, "router") == 0 && s->type == WEIR_SCRIPT_DRIVER)
		driver_step(s, 1);
	else if (strcmp(v, "router") && *v && weir_parse_uint(v, &n) < 0)
		rc = weir_error(errh, "step: expected a count, got '%s'", v);
	else if (script_run(s, n) == RUN_ERROR)
		rc = -EINVAL;
	free(v);
	return rc;
}

static int
script_write_goto(struct weir_element *e, const char *value, const struct weir_handler *h,
		  struct weir_errh *errh)
{
	struct weir_script *s = e->priv;
	char *v = trimmed(value);
	int target = find_label(s, v, strlen(v));
	int rc = 0;
	if (target < 0) {
		rc = weir_error(errh, "jump to nonexistent label '%s'", v);
	} else {
		reset_pauses(s, target, s->ninsns);
		s->pc = target;
		if (!s->running && script_run(s, 0) == RUN_ERROR)
			rc = -EINVAL;
	}
	free(v);
	return rc;
}

/* run: start again from the first instruction with $args = args. */
static enum run_result
script_run_from_start(struct weir_script *s, const char *args)
{
	free(s->run_args);
	s->run_args = trimmed(args);
	s->pc = 0;
	return script_run(s, 0);
}

static int
script_read_run(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	struct weir_script *s = e->priv;
	if (s->running)
		return -EBUSY;
	enum run_result r = script_run_from_start(s, "");
	int i = find_var(s, "_", 1);
	if (r == RUN_RETURNED && i >= 0)
		weir_strbuf_puts(out, s->vars[i].value);
	return r == RUN_ERROR ? -EINVAL : 0;
}

static int
script_write_run(struct weir_element *e, const char *value, const struct weir_handler *h,
		 struct weir_errh *errh)
{
	struct weir_script *s = e->priv;
	if (s->running)
		return weir_error(errh, "script is already running");
	return script_run_from_start(s, value) == RUN_ERROR ? -EINVAL : 0;
}

const struct weir_handler weir_script_handlers[] = {
	{ .name = "step", .write = script_write_step },
	{ .name = "goto", .write = script_write_goto },
	{ .name = "run", .read = script_read_run, .write = script_write_run },
	WEIR_HANDLER_END
};
