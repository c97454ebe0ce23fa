/* script_functions.c - Script's expression functions: $(add 1 2), $(lt $x 5), $(sprintf ...). */
/*
 * These are Click's Script "read handlers with parameters" (add, sub, mul,
 * div, idiv, mod, rem, neg, abs, min, max, eq, ne, lt, gt, le, ge, not, and,
 * or, nand, nor, if, in, first, length, unquote, sprintf, now). weir's
 * handlers take no parameters, so the engine calls them directly when a
 * $(NAME ARGS) names one of them (or SCRIPT.NAME for a Script element).
 *
 * Arguments are space-separated words (quotes keep a word together).
 * Numbers are 64-bit integers ("10", "-3", "0x1F") until a word needs a
 * double ("2.5"), as in Click at user level; div always computes in double.
 * Doubles print with 12 significant digits.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "weir/args.h"
#include "weir/task.h"
#include "script_priv.h"

enum fn_op {
	FN_ADD, FN_SUB, FN_MUL, FN_DIV, FN_IDIV, FN_MIN, FN_MAX,
	FN_MOD, FN_REM, FN_NEG, FN_ABS,
	FN_LT, FN_EQ, FN_GT, FN_GE, FN_NE, FN_LE,
	FN_NOT, FN_AND, FN_OR, FN_NAND, FN_NOR, FN_IF, FN_IN,
	FN_FIRST, FN_LENGTH, FN_UNQUOTE, FN_SPRINTF, FN_NOW,
};

struct num {
	bool is_int;
	int64_t i;
	double d;
};

/* Copies the next word of *p into w; false when there is none. */
static bool
next_word(const char **p, struct weir_strbuf *w)
{
	const char *s = weir_script_skip_space(*p);
	weir_strbuf_reset(w);
	*p = s;
	if (!*s)
		return false;
	size_t n = weir_script_word_len(s);
	weir_strbuf_append(w, s, n);
	*p = s + n;
	return true;
}

static bool
parse_num(const char *w, struct num *n)
{
	if (weir_parse_int64(w, &n->i) == 0) {
		n->is_int = true;
		n->d = (double)n->i;
		return true;
	}
	n->is_int = false;
	return weir_parse_double(w, &n->d) == 0;
}

static void
put_double(struct weir_strbuf *out, double d)
{
	weir_strbuf_printf(out, "%.12g", d);
}

static void
put_bool(struct weir_strbuf *out, bool b)
{
	weir_strbuf_puts(out, b ? "true" : "false");
}

/* Integer operations wrap around instead of overflowing (no UB). */
static int64_t
int_op(enum fn_op op, int64_t a, int64_t b)
{
	uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
	switch (op) {
	case FN_ADD:
		return (int64_t)(ua + ub);
	case FN_SUB:
		return (int64_t)(ua - ub);
	case FN_MUL:
		return (int64_t)(ua * ub);
	case FN_MIN:
		return a < b ? a : b;
	default: /* FN_MAX */
		return a > b ? a : b;
	}
}

static double
double_op(enum fn_op op, double a, double b)
{
	switch (op) {
	case FN_ADD:
		return a + b;
	case FN_SUB:
		return a - b;
	case FN_MUL:
		return a * b;
	case FN_DIV:
	case FN_IDIV:
		return a / b;
	case FN_MIN:
		return a < b ? a : b;
	default: /* FN_MAX */
		return a > b ? a : b;
	}
}

/* add, sub, mul, div, idiv, min, max over a list of numbers. */
static int
fn_arith(enum fn_op op, const char *args, struct weir_strbuf *out, struct weir_errh *errh)
{
	struct weir_strbuf w = WEIR_STRBUF_INIT;
	int64_t acc = (op == FN_ADD || op == FN_SUB) ? 0 : 1;
	double dacc = (double)acc;
	bool use_double = (op == FN_DIV || op == FN_IDIV), first = true;
	int rc = 0;
	while (next_word(&args, &w)) {
		struct num n;
		if (!parse_num(weir_strbuf_str(&w), &n)) {
			rc = weir_error(errh, "expected list of numbers, got '%s'", weir_strbuf_str(&w));
			goto out;
		}
		if (!use_double && !n.is_int) {
			use_double = true;
			dacc = (double)acc;
		}
		if (use_double)
			dacc = first ? n.d : double_op(op, dacc, n.d);
		else
			acc = first ? n.i : int_op(op, acc, n.i);
		first = false;
	}
	if (op == FN_IDIV) {
		if (!isfinite(dacc) || dacc >= 9.2e18 || dacc <= -9.2e18) {
			rc = weir_error(errh, "idiv: result out of range (division by zero?)");
			goto out;
		}
		weir_strbuf_printf(out, "%lld", (long long)dacc);
	} else if (use_double) {
		put_double(out, dacc);
	} else {
		weir_strbuf_printf(out, "%lld", (long long)acc);
	}
out:
	weir_strbuf_free(&w);
	return rc;
}

/* Reads exactly `want` words of args into w[]; false otherwise. */
static bool
take_words(const char *args, struct weir_strbuf *w, int want)
{
	struct weir_strbuf extra = WEIR_STRBUF_INIT;
	bool ok = true;
	for (int i = 0; i < want && ok; i++)
		ok = next_word(&args, &w[i]);
	if (ok && next_word(&args, &extra))
		ok = false;
	weir_strbuf_free(&extra);
	return ok;
}

static void
free_words(struct weir_strbuf *w, int n)
{
	for (int i = 0; i < n; i++)
		weir_strbuf_free(&w[i]);
}

/* mod (integers) and rem (doubles too) of two numbers. */
static int
fn_modrem(enum fn_op op, const char *args, struct weir_strbuf *out, struct weir_errh *errh)
{
	struct weir_strbuf w[2] = { WEIR_STRBUF_INIT, WEIR_STRBUF_INIT };
	struct num a, b;
	int rc = 0;
	if (!take_words(args, w, 2) || !parse_num(weir_strbuf_str(&w[0]), &a) ||
	    !parse_num(weir_strbuf_str(&w[1]), &b) || (op == FN_MOD && !(a.is_int && b.is_int))) {
		rc = weir_error(errh, "expected two %s", op == FN_MOD ? "integers" : "numbers");
	} else if (a.is_int && b.is_int) {
		if (b.i == 0)
			rc = weir_error(errh, "division by zero");
		else
			weir_strbuf_printf(out, "%lld", (long long)(b.i == -1 ? 0 : a.i % b.i));
	} else {
		put_double(out, fmod(a.d, b.d));
	}
	free_words(w, 2);
	return rc;
}

/* neg and abs of one number. */
static int
fn_negabs(enum fn_op op, const char *args, struct weir_strbuf *out, struct weir_errh *errh)
{
	struct weir_strbuf w = WEIR_STRBUF_INIT;
	struct num n;
	int rc = 0;
	if (!take_words(args, &w, 1) || !parse_num(weir_strbuf_str(&w), &n))
		rc = weir_error(errh, "expected one number");
	else if (n.is_int)
		weir_strbuf_printf(out, "%lld",
				   (long long)(op == FN_NEG || n.i < 0 ? (int64_t)(0 - (uint64_t)n.i)
								      : n.i));
	else
		put_double(out, op == FN_NEG ? -n.d : fabs(n.d));
	weir_strbuf_free(&w);
	return rc;
}

/* -1, 0 or 1: numerically when both words are numbers, else bytewise on
 * the unquoted words (Click's rule). */
static int
compare_words(const char *x, const char *y)
{
	struct num a, b;
	if (parse_num(x, &a) && parse_num(y, &b)) {
		if (a.is_int && b.is_int)
			return a.i < b.i ? -1 : a.i > b.i;
		return a.d < b.d ? -1 : a.d > b.d;
	}
	const char *err;
	char *ux = weir_unquote(x, &err), *uy = weir_unquote(y, &err);
	int c = strcmp(ux ? ux : x, uy ? uy : y);
	free(ux);
	free(uy);
	return c < 0 ? -1 : c > 0;
}

static int
fn_compare(enum fn_op op, const char *args, struct weir_strbuf *out, struct weir_errh *errh)
{
	struct weir_strbuf w[2] = { WEIR_STRBUF_INIT, WEIR_STRBUF_INIT };
	int rc = 0;
	if (!take_words(args, w, 2)) {
		rc = weir_error(errh, "expected two numbers");
	} else {
		int c = compare_words(weir_strbuf_str(&w[0]), weir_strbuf_str(&w[1]));
		bool r = op == FN_LT ? c < 0 : op == FN_LE ? c <= 0 : op == FN_GT ? c > 0
		       : op == FN_GE ? c >= 0 : op == FN_EQ ? c == 0 : c != 0;
		put_bool(out, r);
	}
	free_words(w, 2);
	return rc;
}

/* not (one boolean), and, or, nand, nor (any number of booleans). */
static int
fn_logic(enum fn_op op, const char *args, struct weir_strbuf *out, struct weir_errh *errh)
{
	struct weir_strbuf w = WEIR_STRBUF_INIT;
	bool acc = (op == FN_AND || op == FN_NAND), any = false;
	int rc = 0;
	while (next_word(&args, &w)) {
		bool b;
		if (weir_parse_bool(weir_strbuf_str(&w), &b) < 0 || (op == FN_NOT && any)) {
			rc = weir_error(errh, "expected boolean%s, got '%s'", op == FN_NOT ? "" : "s",
					weir_strbuf_str(&w));
			goto out;
		}
		acc = (op == FN_AND || op == FN_NAND) ? (acc && b) : op == FN_NOT ? b : (acc || b);
		any = true;
	}
	if (op == FN_NOT && !any) {
		rc = weir_error(errh, "expected boolean");
		goto out;
	}
	put_bool(out, (op == FN_NOT || op == FN_NAND || op == FN_NOR) ? !acc : acc);
out:
	weir_strbuf_free(&w);
	return rc;
}

/* if COND A B: A when COND is true, else B. */
static int
fn_if(enum fn_op op, const char *args, struct weir_strbuf *out, struct weir_errh *errh)
{
	struct weir_strbuf w[3] = { WEIR_STRBUF_INIT, WEIR_STRBUF_INIT, WEIR_STRBUF_INIT };
	bool b;
	int rc = 0;
	(void)op;
	if (!take_words(args, w, 3) || weir_parse_bool(weir_strbuf_str(&w[0]), &b) < 0)
		rc = weir_error(errh, "expected 'BOOL A B'");
	else
		weir_strbuf_puts(out, weir_strbuf_str(&w[b ? 1 : 2]));
	free_words(w, 3);
	return rc;
}

/* in X A B ...: is X one of A, B, ...? */
static int
fn_in(enum fn_op op, const char *args, struct weir_strbuf *out, struct weir_errh *errh)
{
	struct weir_strbuf x = WEIR_STRBUF_INIT, w = WEIR_STRBUF_INIT;
	bool found = false;
	(void)op;
	(void)errh;
	if (next_word(&args, &x))
		while (!found && next_word(&args, &w))
			found = strcmp(weir_strbuf_str(&x), weir_strbuf_str(&w)) == 0;
	put_bool(out, found);
	weir_strbuf_free(&x);
	weir_strbuf_free(&w);
	return 0;
}

/* first, length, unquote, now: small string helpers. */
static int
fn_string(enum fn_op op, const char *args, struct weir_strbuf *out, struct weir_errh *errh)
{
	const char *s = weir_script_skip_space(args);
	size_t n = strlen(s);
	while (n && weir_script_space(s[n - 1]))
		n--;
	if (op == FN_FIRST) {
		weir_strbuf_append(out, s, weir_script_word_len(s));
	} else if (op == FN_LENGTH) {
		weir_strbuf_printf(out, "%zu", n);
	} else if (op == FN_NOW) {
		int64_t t = weir_wall_ns();
		weir_strbuf_printf(out, "%lld.%09lld", (long long)(t / 1000000000),
				   (long long)(t % 1000000000));
	} else {
		char *copy = strndup(s, n);
		const char *err = NULL;
		char *u = copy ? weir_unquote(copy, &err) : NULL;
		free(copy);
		if (!u)
			return weir_error(errh, "unquote: %s", err ? err : "out of memory");
		weir_strbuf_puts(out, u);
		free(u);
	}
	return 0;
}

/* ---- sprintf ------------------------------------------------------------------ */

/* Appends one conversion of spec (a printf directive up to, not including,
 * the conversion letter) using the next word of *args. */
static int
sprintf_one(char conv, struct weir_strbuf *spec, const char **args, struct weir_strbuf *out,
	    struct weir_errh *errh)
{
	struct weir_strbuf w = WEIR_STRBUF_INIT;
	struct num n;
	int rc = 0;
	if (conv == '%') {
		weir_strbuf_putc(out, '%');
	} else if (!next_word(args, &w)) {
		rc = weir_error(errh, "sprintf: not enough arguments");
	} else if (conv == 's') {
		const char *err;
		char *u = weir_unquote(weir_strbuf_str(&w), &err);
		weir_strbuf_puts(spec, "s");
		weir_strbuf_printf(out, weir_strbuf_str(spec), u ? u : weir_strbuf_str(&w));
		free(u);
	} else if (!parse_num(weir_strbuf_str(&w), &n) || (strchr("diouxX", conv) && !n.is_int)) {
		rc = weir_error(errh, "sprintf: expected a number, got '%s'", weir_strbuf_str(&w));
	} else if (conv == 'd' || conv == 'i') {
		weir_strbuf_printf(spec, "ll%c", conv);
		weir_strbuf_printf(out, weir_strbuf_str(spec), (long long)n.i);
	} else if (strchr("ouxX", conv)) {
		weir_strbuf_printf(spec, "ll%c", conv);
		weir_strbuf_printf(out, weir_strbuf_str(spec), (unsigned long long)n.i);
	} else {
		weir_strbuf_putc(spec, conv);
		weir_strbuf_printf(out, weir_strbuf_str(spec), n.d);
	}
	weir_strbuf_free(&w);
	return rc;
}

/* Reads a field width or precision: digits, or '*' taking the next word. */
static int
sprintf_number(const char **f, const char **args, struct weir_strbuf *spec,
	       struct weir_errh *errh)
{
	long v = 0;
	if (**f == '*') {
		struct weir_strbuf w = WEIR_STRBUF_INIT;
		int32_t x = -1;
		bool ok = next_word(args, &w) && weir_parse_int(weir_strbuf_str(&w), &x) == 0;
		weir_strbuf_free(&w);
		if (!ok || x < 0)
			return weir_error(errh, "sprintf: bad '*' argument");
		v = x;
		(*f)++;
	} else {
		while (**f >= '0' && **f <= '9' && v <= 100000)
			v = v * 10 + (*(*f)++ - '0');
	}
	if (v > 4096)
		return weir_error(errh, "sprintf: field width too large");
	weir_strbuf_printf(spec, "%ld", v);
	return 0;
}

static int
fn_sprintf(enum fn_op op, const char *args, struct weir_strbuf *out, struct weir_errh *errh)
{
	struct weir_strbuf fw = WEIR_STRBUF_INIT, spec = WEIR_STRBUF_INIT;
	const char *err = "missing format";
	char *fmt = next_word(&args, &fw) ? weir_unquote(weir_strbuf_str(&fw), &err) : NULL;
	int rc = 0;
	(void)op;
	if (!fmt) {
		rc = weir_error(errh, "sprintf: %s", err);
		goto out;
	}
	for (const char *f = fmt; *f && rc == 0;) {
		if (*f != '%') {
			weir_strbuf_putc(out, *f++);
			continue;
		}
		weir_strbuf_reset(&spec);
		weir_strbuf_putc(&spec, *f++);
		while (*f && strchr("0#- +", *f))
			weir_strbuf_putc(&spec, *f++);
		if ((*f == '*' || (*f >= '0' && *f <= '9')) &&
		    (rc = sprintf_number(&f, &args, &spec, errh)) < 0)
			break;
		if (*f == '.') {
			weir_strbuf_putc(&spec, *f++);
			if ((rc = sprintf_number(&f, &args, &spec, errh)) < 0)
				break;
		}
		while (*f && strchr("hlLqjzt", *f))
			f++;
		if (!*f || !strchr("diouxXseEfgG%", *f)) {
			rc = weir_error(errh, "sprintf: bad conversion in '%s'", fmt);
			break;
		}
		rc = sprintf_one(*f++, &spec, &args, out, errh);
	}
	if (rc == 0 && *weir_script_skip_space(args))
		rc = weir_error(errh, "sprintf: too many arguments");
out:
	free(fmt);
	weir_strbuf_free(&fw);
	weir_strbuf_free(&spec);
	return rc;
}

/* ---- table -------------------------------------------------------------------- */

static const struct script_fn {
	const char *name;
	int (*fn)(enum fn_op op, const char *args, struct weir_strbuf *out, struct weir_errh *errh);
	enum fn_op op;
} script_fns[] = {
	{ "add", fn_arith, FN_ADD },	   { "sub", fn_arith, FN_SUB },
	{ "mul", fn_arith, FN_MUL },	   { "div", fn_arith, FN_DIV },
	{ "idiv", fn_arith, FN_IDIV },	   { "min", fn_arith, FN_MIN },
	{ "max", fn_arith, FN_MAX },	   { "mod", fn_modrem, FN_MOD },
	{ "rem", fn_modrem, FN_REM },	   { "neg", fn_negabs, FN_NEG },
	{ "abs", fn_negabs, FN_ABS },	   { "lt", fn_compare, FN_LT },
	{ "le", fn_compare, FN_LE },	   { "gt", fn_compare, FN_GT },
	{ "ge", fn_compare, FN_GE },	   { "eq", fn_compare, FN_EQ },
	{ "ne", fn_compare, FN_NE },	   { "not", fn_logic, FN_NOT },
	{ "and", fn_logic, FN_AND },	   { "or", fn_logic, FN_OR },
	{ "nand", fn_logic, FN_NAND },	   { "nor", fn_logic, FN_NOR },
	{ "if", fn_if, FN_IF },		   { "in", fn_in, FN_IN },
	{ "first", fn_string, FN_FIRST },  { "length", fn_string, FN_LENGTH },
	{ "unquote", fn_string, FN_UNQUOTE }, { "now", fn_string, FN_NOW },
	{ "sprintf", fn_sprintf, FN_SPRINTF },
};

int
weir_script_function(const char *name, const char *args, struct weir_strbuf *out,
		     struct weir_errh *errh)
{
	for (size_t i = 0; i < WEIR_ARRAY_SIZE(script_fns); i++)
		if (strcmp(script_fns[i].name, name) == 0)
			return script_fns[i].fn(script_fns[i].op, args, out, errh);
	return -ENOENT;
}
