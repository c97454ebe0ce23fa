/* args.c - Click's configuration syntax: splitting, quoting, value parsers and argument tables. */

/*
 * Three layers, from the bottom:
 *
 *  1. Scanning (cp_argvec, cp_spacevec, cp_unquote in Click): a configuration
 *     string is split at commas outside quotes, "\<...>" hex blocks and
 *     brackets; comments are removed and whitespace next to a comment becomes
 *     one space, as Click's cp_uncomment does.
 *  2. Value parsers: each reads a whole string (surrounding whitespace is
 *     allowed), stores its result only on success and returns 0 or -EINVAL.
 *     Fixed-point values (times, bandwidths, rates) are computed exactly from
 *     the decimal digits, never through floating point.
 *  3. Argument tables: weir_args_parse() classifies each argument as
 *     positional or "KEYWORD value", parses every value into a scratch slot,
 *     reports every problem it finds, and writes priv only when all of them
 *     parsed (all-or-nothing).
 *
 * Everything here runs on the control path; it allocates freely and never
 * prints (errors go through struct weir_errh).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "weir/args.h"
#include "weir/packet.h"
#include "weir/router.h"

typedef unsigned __int128 u128;

/* ---- scanning ---------------------------------------------------------------- */

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool
is_comment_start(const char *s)
{
	return s[0] == '/' && (s[1] == '/' || s[1] == '*');
}

/* s is at "//" or "/ *": returns the first character after the comment (a
 * "//" comment includes its newline; an unterminated one runs to the end). */
static const char *
skip_comment(const char *s)
{
	if (s[1] == '/') {
		for (s += 2; *s && *s != '\n' && *s != '\r'; s++)
			;
		if (s[0] == '\r' && s[1] == '\n')
			return s + 2;
		return *s ? s + 1 : s;
	}
	for (s += 2; *s; s++)
		if (s[0] == '*' && s[1] == '/')
			return s + 2;
	return s;
}

/* s is at "\<": returns the first character after the closing '>' (or the end). */
static const char *
skip_hex_block(const char *s)
{
	for (s += 2; *s;) {
		if (*s == '>')
			return s + 1;
		s = is_comment_start(s) ? skip_comment(s) : s + 1;
	}
	return s;
}

static const char *
skip_double_quote(const char *s)
{
	for (s++; *s;) {
		if (*s == '"')
			return s + 1;
		if (s[0] == '\\' && s[1] == '<')
			s = skip_hex_block(s);
		else if (s[0] == '\\' && s[1])
			s += 2;
		else
			s++;
	}
	return s;
}

static const char *
skip_single_quote(const char *s)
{
	for (s++; *s; s++)
		if (*s == '\'')
			return s + 1;
	return s;
}

/* One indivisible token: a quoted string, a "\<...>" block or one character. */
static const char *
skip_token(const char *s)
{
	if (*s == '"')
		return skip_double_quote(s);
	if (*s == '\'')
		return skip_single_quote(s);
	if (s[0] == '\\' && s[1] == '<')
		return skip_hex_block(s);
	return s + 1;
}

static const char *
skip_comment_space(const char *s)
{
	while (*s) {
		if (is_space(*s))
			s++;
		else if (is_comment_start(s))
			s = skip_comment(s);
		else
			break;
	}
	return s;
}

/*
 * Append one argument of s to out with comments removed: leading and
 * trailing space and comments go, a gap that contains a comment becomes one
 * space, other gaps are kept as written. With split, stops at a comma outside
 * quotes and (), [], {}. Returns where it stopped (that comma or the end).
 */
static const char *
uncomment(const char *s, bool split, struct weir_strbuf *out)
{
	const char *gap = NULL;
	bool gap_comment = false, any = false;
	int depth = 0;

	while (*s) {
		if (is_space(*s) || is_comment_start(s)) {
			if (!gap)
				gap = s;
			if (is_space(*s)) {
				s++;
			} else {
				s = skip_comment(s);
				gap_comment = true;
			}
			continue;
		}
		if (split && *s == ',' && depth == 0)
			break;
		if (gap && any) {
			if (gap_comment)
				weir_strbuf_putc(out, ' ');
			else
				weir_strbuf_append(out, gap, (size_t)(s - gap));
		}
		gap = NULL;
		gap_comment = false;
		if (*s == '(' || *s == '[' || *s == '{')
			depth++;
		else if ((*s == ')' || *s == ']' || *s == '}') && depth > 0)
			depth--;
		const char *t = skip_token(s);
		weir_strbuf_append(out, s, (size_t)(t - s));
		any = true;
		s = t;
	}
	return s;
}

static int
strv_push(char ***v, int *n, int *cap, char *s)
{
	if (*n + 1 >= *cap) {
		int ncap = *cap ? *cap * 2 : 8;
		char **nv = realloc(*v, (size_t)ncap * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = ncap;
	}
	(*v)[(*n)++] = s;
	(*v)[*n] = NULL;
	return 0;
}

int
weir_conf_split(const char *s, struct weir_conf *out)
{
	int cap = 0;

	*out = (struct weir_conf){ .raw = s };
	if (!s)
		return 0;
	for (;;) {
		struct weir_strbuf sb = WEIR_STRBUF_INIT;
		const char *stop = uncomment(s, true, &sb);
		bool comma = *stop == ',';

		/* Click ignores an empty last argument: "a, b," has two. */
		if (!comma && sb.len == 0) {
			weir_strbuf_free(&sb);
			return 0;
		}
		char *arg = weir_strbuf_detach(&sb);
		if (strv_push(&out->argv, &out->argc, &cap, arg) < 0) {
			free(arg);
			weir_conf_free(out);
			return -ENOMEM;
		}
		if (!comma)
			return 0;
		s = stop + 1;
	}
}

void
weir_conf_free(struct weir_conf *conf)
{
	if (!conf)
		return;
	for (int i = 0; i < conf->argc; i++)
		free(conf->argv[i]);
	free(conf->argv);
	conf->argv = NULL;
	conf->argc = 0;
}

int
weir_split_words(const char *s, char ***words)
{
	char **v = NULL;
	int n = 0, cap = 0;

	*words = NULL;
	if (!s)
		return 0;
	while (*(s = skip_comment_space(s))) {
		const char *t = s;
		while (*t && !is_space(*t) && !is_comment_start(t))
			t = skip_token(t);
		char *w = strndup(s, (size_t)(t - s));
		if (!w || strv_push(&v, &n, &cap, w) < 0) {
			free(w);
			weir_words_free(v, n);
			return -ENOMEM;
		}
		s = t;
	}
	*words = v;
	return n;
}

void
weir_words_free(char **words, int n)
{
	if (!words)
		return;
	for (int i = 0; i < n; i++)
		free(words[i]);
	free(words);
}

bool
weir_is_keyword(const char *s, size_t len)
{
	if (len == 0 || !((s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_'))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

/* ---- unquoting --------------------------------------------------------------- */

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
fail(const char **err, const char *msg)
{
	if (err)
		*err = msg;
	return -EINVAL;
}

/* *p is at "\<": decode hex digits (spaces and comments ignored) up to '>'. */
static int
decode_hex_block(const char **p, struct weir_strbuf *out, const char **err)
{
	const char *s = *p + 2;
	int byte = 0, ndigits = 0;

	while (*s != '>') {
		int h = hex_value(*s);
		if (!*s)
			return fail(err, "unterminated \\<...> block");
		if (is_space(*s)) {
			s++;
		} else if (is_comment_start(s)) {
			s = skip_comment(s);
		} else if (h < 0) {
			return fail(err, "bad character in \\<...> block (hex digits expected)");
		} else {
			byte = byte * 16 + h;
			if (++ndigits == 2) {
				weir_strbuf_putc(out, (char)byte);
				byte = ndigits = 0;
			}
			s++;
		}
	}
	if (ndigits)
		return fail(err, "odd number of hex digits in \\<...> block");
	*p = s + 1;
	return 0;
}

/* *p is at a backslash inside double quotes: decode one escape (Click's
 * cp_process_backslash: C escapes, octal, \xHH, \<hex>, escaped newline). */
static int
decode_escape(const char **p, struct weir_strbuf *out, const char **err)
{
	const char *s = *p;
	static const char c_from[] = "abfnrtv", c_to[] = "\a\b\f\n\r\t\v";
	const char *c = s[1] ? strchr(c_from, s[1]) : NULL;

	if (s[1] == '<')
		return decode_hex_block(p, out, err);
	if (c) {
		weir_strbuf_putc(out, c_to[c - c_from]);
		*p = s + 2;
	} else if (s[1] == '\n') {
		*p = s + 2;
	} else if (s[1] == '\r') {
		*p = s[2] == '\n' ? s + 3 : s + 2;
	} else if (s[1] >= '0' && s[1] <= '7') {
		int v = 0, d;
		for (d = 1; d <= 3 && s[d] >= '0' && s[d] <= '7'; d++)
			v = v * 8 + (s[d] - '0');
		weir_strbuf_putc(out, (char)(v & 0xFF));
		*p = s + d;
	} else if (s[1] == 'x') {
		int v = 0, d;
		for (d = 2; d < 4 && hex_value(s[d]) >= 0; d++)
			v = v * 16 + hex_value(s[d]);
		if (d == 2)
			return fail(err, "\\x escape without hex digits");
		weir_strbuf_putc(out, (char)v);
		*p = s + d;
	} else if (s[1]) {
		weir_strbuf_putc(out, s[1]); /* \\ \" \' \$ \, and anything else */
		*p = s + 2;
	} else {
		weir_strbuf_putc(out, '\\');
		*p = s + 1;
	}
	return 0;
}

static int
decode_double_quote(const char **p, struct weir_strbuf *out, const char **err)
{
	const char *s = *p + 1;

	while (*s != '"') {
		if (!*s)
			return fail(err, "unterminated double quote");
		if (*s == '\\') {
			int ret = decode_escape(&s, out, err);
			if (ret < 0)
				return ret;
		} else {
			weir_strbuf_putc(out, *s++);
		}
	}
	*p = s + 1;
	return 0;
}

static int
decode_single_quote(const char **p, struct weir_strbuf *out, const char **err)
{
	const char *s = *p + 1;
	const char *end = strchr(s, '\'');

	if (!end)
		return fail(err, "unterminated single quote");
	weir_strbuf_append(out, s, (size_t)(end - s));
	*p = end + 1;
	return 0;
}

/* Click's cp_unquote into out (which may receive NUL bytes). */
static int
unquote_into(const char *s, struct weir_strbuf *out, const char **err)
{
	struct weir_strbuf clean = WEIR_STRBUF_INIT;
	int ret = 0;

	uncomment(s, false, &clean);
	for (const char *p = weir_strbuf_str(&clean); *p && ret == 0;) {
		if (*p == '"')
			ret = decode_double_quote(&p, out, err);
		else if (*p == '\'')
			ret = decode_single_quote(&p, out, err);
		else if (p[0] == '\\' && p[1] == '<')
			ret = decode_hex_block(&p, out, err);
		else
			weir_strbuf_putc(out, *p++);
	}
	weir_strbuf_free(&clean);
	return ret;
}

char *
weir_unquote(const char *s, const char **err)
{
	struct weir_strbuf sb = WEIR_STRBUF_INIT;

	if (!s) {
		fail(err, "missing string");
		return NULL;
	}
	if (unquote_into(s, &sb, err) < 0) {
		weir_strbuf_free(&sb);
		return NULL;
	}
	return weir_strbuf_detach(&sb);
}

int
weir_parse_data(const char *s, struct weir_bytes *out)
{
	struct weir_strbuf sb = WEIR_STRBUF_INIT;

	if (!s || unquote_into(s, &sb, NULL) < 0) {
		weir_strbuf_free(&sb);
		return -EINVAL;
	}
	out->len = sb.len;
	out->data = sb.len ? (uint8_t *)weir_strbuf_detach(&sb) : NULL;
	weir_strbuf_free(&sb);
	return 0;
}

/* ---- numbers ------------------------------------------------------------------ */

/* The string without surrounding whitespace, as [*b, *e). */
static bool
trim_span(const char *s, const char **b, const char **e)
{
	if (!s)
		return false;
	while (is_space(*s))
		s++;
	const char *t = s + strlen(s);
	while (t > s && is_space(t[-1]))
		t--;
	*b = s;
	*e = t;
	return t > s;
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Unsigned decimal or 0x hex filling exactly [b, e), at most max. */
static bool
span_u64(const char *b, const char *e, uint64_t max, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (e - b > 2 && b[0] == '0' && (b[1] == 'x' || b[1] == 'X')) {
		base = 16;
		b += 2;
	}
	if (b == e)
		return false;
	for (; b < e; b++) {
		int d = base == 16 ? hex_value(*b) : (is_digit(*b) ? *b - '0' : -1);
		if (d < 0 || (uint64_t)d > max || v > (max - (uint64_t)d) / base)
			return false;
		v = v * base + (uint64_t)d;
	}
	*out = v;
	return true;
}

/* Optional sign, then span_u64; the result lies in [min, max]. */
static int
parse_signed(const char *s, int64_t min, int64_t max, int64_t *out)
{
	const char *b, *e;
	bool neg = false;
	uint64_t mag;

	if (!trim_span(s, &b, &e))
		return -EINVAL;
	if (*b == '-' || *b == '+')
		neg = *b++ == '-';
	if (!span_u64(b, e, neg ? (uint64_t)0 - (uint64_t)min : (uint64_t)max, &mag))
		return -EINVAL;
	*out = neg ? (int64_t)(0 - mag) : (int64_t)mag;
	return 0;
}

static int
parse_unsigned(const char *s, uint64_t max, uint64_t *out)
{
	const char *b, *e;

	if (!trim_span(s, &b, &e))
		return -EINVAL;
	if (*b == '+')
		b++;
	return span_u64(b, e, max, out) ? 0 : -EINVAL;
}

int
weir_parse_int64(const char *s, int64_t *out)
{
	return parse_signed(s, INT64_MIN, INT64_MAX, out);
}

int
weir_parse_int(const char *s, int32_t *out)
{
	int64_t v;
	if (parse_signed(s, INT32_MIN, INT32_MAX, &v) < 0)
		return -EINVAL;
	*out = (int32_t)v;
	return 0;
}

int
weir_parse_uint64(const char *s, uint64_t *out)
{
	return parse_unsigned(s, UINT64_MAX, out);
}

int
weir_parse_uint(const char *s, uint32_t *out)
{
	uint64_t v;
	if (parse_unsigned(s, UINT32_MAX, &v) < 0)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static bool
span_equals(const char *b, const char *e, const char *word, bool icase)
{
	size_t n = strlen(word);
	if ((size_t)(e - b) != n)
		return false;
	return icase ? strncasecmp(b, word, n) == 0 : memcmp(b, word, n) == 0;
}

int
weir_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "true", "yes", "1", "on", "t", "y" };
	static const char *const no[] = { "false", "no", "0", "off", "f", "n" };
	const char *b, *e;

	if (!trim_span(s, &b, &e))
		return -EINVAL;
	for (size_t i = 0; i < WEIR_ARRAY_SIZE(yes); i++) {
		if (span_equals(b, e, yes[i], true)) {
			*out = true;
			return 0;
		}
		if (span_equals(b, e, no[i], true)) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

int
weir_parse_double(const char *s, double *out)
{
	const char *b, *e;
	char *copy, *end;
	double v;

	if (!trim_span(s, &b, &e))
		return -EINVAL;
	/* strtod also takes "inf", "nan" and hex floats: refuse them. */
	for (const char *p = b; p < e; p++)
		if (!is_digit(*p) && !strchr("+-.eE", *p))
			return -EINVAL;
	copy = strndup(b, (size_t)(e - b));
	if (!copy)
		return -ENOMEM;
	errno = 0;
	v = strtod(copy, &end);
	bool ok = end != copy && *end == '\0' && errno == 0 && isfinite(v);
	free(copy);
	if (!ok)
		return -EINVAL;
	*out = v;
	return 0;
}

/*
 * A non-negative decimal "123.456" at the start of [b, e): the digits as an
 * integer *mant with *scale fraction digits (digits after the 18th are
 * dropped). Returns the end of the number, or NULL without a digit or when
 * the integer part is absurdly long.
 */
static const char *
span_decimal(const char *b, const char *e, u128 *mant, int *scale)
{
	u128 m = 0;
	int sc = 0, ndig = 0;

	for (; b < e && is_digit(*b); b++, ndig++) {
		if (ndig >= 20)
			return NULL;
		m = m * 10 + (u128)(*b - '0');
	}
	if (b < e && *b == '.') {
		for (b++; b < e && is_digit(*b); b++, ndig++) {
			if (sc < 18) {
				m = m * 10 + (u128)(*b - '0');
				sc++;
			}
		}
	}
	if (!ndig)
		return NULL;
	*mant = m;
	*scale = sc;
	return b;
}

/* round(mant / 10^scale * mul / div), when it is at most max. */
static bool
scale_decimal(u128 mant, int scale, uint64_t mul, uint64_t div, uint64_t max, uint64_t *out)
{
	u128 den = div, num, q;

	for (int i = 0; i < scale; i++)
		den *= 10;
	if (mul && mant > ~(u128)0 / mul)
		return false;
	num = mant * mul;
	if (num > ~(u128)0 - den / 2)
		return false;
	q = (num + den / 2) / den;
	if (q > max)
		return false;
	*out = (uint64_t)q;
	return true;
}

struct unit {
	const char *name;
	uint64_t mul, div;
};

/* Number followed (after optional space) by one of units ("" for a bare number). */
static int
parse_with_units(const char *s, const struct unit *units, uint64_t max, uint64_t *out)
{
	const char *b, *e, *p;
	u128 mant;
	int scale;

	if (!trim_span(s, &b, &e))
		return -EINVAL;
	if (*b == '+')
		b++;
	p = span_decimal(b, e, &mant, &scale);
	if (!p)
		return -EINVAL;
	while (p < e && is_space(*p))
		p++;
	for (const struct unit *u = units; u->name; u++)
		if (span_equals(p, e, u->name, false))
			return scale_decimal(mant, scale, u->mul, u->div, max, out) ? 0 : -EINVAL;
	return -EINVAL;
}

#define NS_PER_SEC 1000000000ULL

static const struct unit second_units[] = {
	{ "s", NS_PER_SEC, 1 },	       { "sec", NS_PER_SEC, 1 },
	{ "ms", 1000000, 1 },	       { "msec", 1000000, 1 },
	{ "us", 1000, 1 },	       { "usec", 1000, 1 },
	{ "ns", 1, 1 },		       { "nsec", 1, 1 },
	{ "m", 60 * NS_PER_SEC, 1 },   { "min", 60 * NS_PER_SEC, 1 },
	{ "h", 3600 * NS_PER_SEC, 1 }, { "hr", 3600 * NS_PER_SEC, 1 },
	{ "d", 86400 * NS_PER_SEC, 1 }, { "day", 86400 * NS_PER_SEC, 1 },
	{ "", 0, 1 }, /* bare number: multiplier filled in by the caller */
	{ NULL, 0, 0 },
};

static int
parse_time(const char *s, uint64_t bare_mul, int64_t *ns)
{
	struct unit units[WEIR_ARRAY_SIZE(second_units)];
	uint64_t v;

	memcpy(units, second_units, sizeof(units));
	units[WEIR_ARRAY_SIZE(units) - 2].mul = bare_mul;
	if (parse_with_units(s, units, INT64_MAX, &v) < 0)
		return -EINVAL;
	*ns = (int64_t)v;
	return 0;
}

int
weir_parse_seconds(const char *s, int64_t *ns)
{
	return parse_time(s, NS_PER_SEC, ns);
}

int
weir_parse_msec(const char *s, int64_t *ns)
{
	return parse_time(s, 1000000, ns);
}

int
weir_parse_bandwidth(const char *s, uint64_t *bytes_per_s)
{
	/* Click's BandwidthArg: b = bits, B = bytes, k = K = 1000; a bare
	 * number is bytes per second. */
	static const struct unit units[] = {
		{ "", 1, 1 },
		{ "bps", 1, 8 },	      { "b/s", 1, 8 },
		{ "Bps", 1, 1 },	      { "B/s", 1, 1 },
		{ "kbps", 1000, 8 },	      { "Kbps", 1000, 8 },
		{ "kb/s", 1000, 8 },	      { "Kb/s", 1000, 8 },
		{ "kBps", 1000, 1 },	      { "KBps", 1000, 1 },
		{ "kB/s", 1000, 1 },	      { "KB/s", 1000, 1 },
		{ "Mbps", 1000000, 8 },	      { "Mb/s", 1000000, 8 },
		{ "MBps", 1000000, 1 },	      { "MB/s", 1000000, 1 },
		{ "Gbps", 1000000000, 8 },    { "Gb/s", 1000000000, 8 },
		{ "GBps", 1000000000, 1 },    { "GB/s", 1000000000, 1 },
		{ NULL, 0, 0 },
	};
	return parse_with_units(s, units, UINT64_MAX, bytes_per_s);
}

int
weir_parse_rate(const char *s, uint64_t *per_s)
{
	static const struct unit units[] = {
		{ "", 1, 1 },		  { "pps", 1, 1 },	       { "/s", 1, 1 },
		{ "k", 1000, 1 },	  { "kpps", 1000, 1 },	       { "k/s", 1000, 1 },
		{ "K", 1000, 1 },	  { "Kpps", 1000, 1 },	       { "K/s", 1000, 1 },
		{ "M", 1000000, 1 },	  { "Mpps", 1000000, 1 },      { "M/s", 1000000, 1 },
		{ "G", 1000000000, 1 },	  { "Gpps", 1000000000, 1 },   { "G/s", 1000000000, 1 },
		{ NULL, 0, 0 },
	};
	return parse_with_units(s, units, UINT64_MAX, per_s);
}

/* ---- addresses ---------------------------------------------------------------- */

/* Dotted decimal with 1 to 4 parts filling [b, e); missing bytes are 0. */
static bool
span_ip4_parts(const char *b, const char *e, uint8_t bytes[4], int *nparts)
{
	int n = 0;

	memset(bytes, 0, 4);
	for (;;) {
		unsigned v = 0;
		int nd = 0;
		for (; b < e && is_digit(*b); b++) {
			v = v * 10 + (unsigned)(*b - '0');
			if (++nd > 3)
				return false;
		}
		if (!nd || v > 255 || n == 4)
			return false;
		bytes[n++] = (uint8_t)v;
		if (b == e)
			break;
		if (*b++ != '.')
			return false;
	}
	*nparts = n;
	return true;
}

static uint32_t
bytes_to_be32(const uint8_t bytes[4])
{
	uint32_t v;
	memcpy(&v, bytes, 4);
	return v;
}

static bool
span_ip4(const char *b, const char *e, uint32_t *addr_be)
{
	uint8_t bytes[4];
	int n;

	if (!span_ip4_parts(b, e, bytes, &n) || n != 4)
		return false;
	*addr_be = bytes_to_be32(bytes);
	return true;
}

int
weir_parse_ip4(const char *s, uint32_t *addr_be)
{
	const char *b, *e;

	if (!trim_span(s, &b, &e))
		return -EINVAL;
	return span_ip4(b, e, addr_be) ? 0 : -EINVAL;
}

/* The mask part of a prefix: "24" or "255.255.255.0" (contiguous). */
static bool
span_ip4_mask(const char *b, const char *e, uint32_t *mask_be)
{
	uint64_t len;
	uint32_t m;

	if (memchr(b, '.', (size_t)(e - b))) {
		if (!span_ip4(b, e, &m))
			return false;
		uint32_t inv = ~ntohl(m);
		if (inv & (inv + 1))
			return false;
		*mask_be = m;
		return true;
	}
	if (e - b > 2 || !span_u64(b, e, 32, &len) || !is_digit(*b))
		return false;
	*mask_be = len ? htonl(0xFFFFFFFFu << (32 - len)) : 0;
	return true;
}

int
weir_parse_ip4_prefix(const char *s, uint32_t *addr_be, uint32_t *mask_be, bool allow_bare)
{
	const char *b, *e, *slash;
	uint8_t bytes[4];
	uint32_t mask;
	int n;

	if (!trim_span(s, &b, &e))
		return -EINVAL;
	slash = memchr(b, '/', (size_t)(e - b));
	if (!slash) {
		if (!allow_bare || !span_ip4_parts(b, e, bytes, &n) || n != 4)
			return -EINVAL;
		mask = 0xFFFFFFFFu;
	} else {
		/* "10/8" and "10.1/16" name 10.0.0.0/8 and 10.1.0.0/16, as in Click. */
		if (!span_ip4_parts(b, slash, bytes, &n) || !span_ip4_mask(slash + 1, e, &mask))
			return -EINVAL;
	}
	*addr_be = bytes_to_be32(bytes);
	*mask_be = mask;
	return 0;
}

int
weir_parse_ether(const char *s, uint8_t out[6])
{
	const char *b, *e;
	uint8_t v[6];
	char sep = 0;

	if (!trim_span(s, &b, &e))
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		int nd = 0, x = 0;
		for (; b < e && hex_value(*b) >= 0; b++) {
			x = x * 16 + hex_value(*b);
			if (++nd > 2)
				return -EINVAL;
		}
		if (!nd)
			return -EINVAL;
		v[i] = (uint8_t)x;
		if (i == 5)
			break;
		if (b == e || (*b != ':' && *b != '-') || (sep && *b != sep))
			return -EINVAL;
		sep = *b++;
	}
	if (b != e)
		return -EINVAL;
	memcpy(out, v, 6);
	return 0;
}

void
weir_format_ip4(uint32_t addr_be, char buf[16])
{
	const uint8_t *p = (const uint8_t *)&addr_be;
	snprintf(buf, 16, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
}

void
weir_format_ether(const uint8_t e[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", e[0], e[1], e[2], e[3], e[4], e[5]);
}

/* ---- argument tables ---------------------------------------------------------- */

union arg_value {
	int32_t i32;
	int64_t i64;
	uint32_t u32;
	uint64_t u64;
	bool b;
	double d;
	struct weir_ip4_prefix prefix;
	uint8_t ether[6];
	char *str;
	struct weir_bytes bytes;
	struct weir_element *elem;
	unsigned anno;
};

/* One entry's value while parsing: priv is written only at the end. */
struct arg_slot {
	union arg_value v;
	bool given; /* by the configuration */
	bool have;  /* v holds a value to store (given or default) */
};

struct type_info {
	const char *expect; /* "expected %s" */
	const char *usage;  /* type word in the usage line */
	size_t size;        /* of the field in priv */
	bool numeric;       /* WEIR_ARGF_BOUNDED applies */
};

static const struct type_info type_infos[] = {
	[WEIR_ARG_INT] = { "integer", "int", sizeof(int32_t), true },
	[WEIR_ARG_INT64] = { "integer", "int", sizeof(int64_t), true },
	[WEIR_ARG_UINT] = { "unsigned integer", "unsigned", sizeof(uint32_t), true },
	[WEIR_ARG_UINT64] = { "unsigned integer", "unsigned", sizeof(uint64_t), true },
	[WEIR_ARG_BOOL] = { "bool (true/false)", "bool", sizeof(bool), false },
	[WEIR_ARG_DOUBLE] = { "real number", "real", sizeof(double), true },
	[WEIR_ARG_SECONDS] = { "time in seconds (e.g. 1.5, 10ms)", "time", sizeof(int64_t), true },
	[WEIR_ARG_MSEC] = { "time in milliseconds (e.g. 100, 1s)", "msec", sizeof(int64_t), true },
	[WEIR_ARG_BANDWIDTH] = { "bandwidth (e.g. 10Mbps, 1MBps)", "bandwidth", sizeof(uint64_t),
				 true },
	[WEIR_ARG_RATE] = { "rate (e.g. 1000, 10k, 2.5M)", "rate", sizeof(uint64_t), true },
	[WEIR_ARG_IP4] = { "IP address", "ip", sizeof(uint32_t), false },
	[WEIR_ARG_IP4_PREFIX] = { "IP prefix (A.B.C.D/N)", "prefix",
				  sizeof(struct weir_ip4_prefix), false },
	[WEIR_ARG_ETHER] = { "Ethernet address", "ether", 6, false },
	[WEIR_ARG_STRING] = { "string", "string", sizeof(char *), false },
	[WEIR_ARG_WORD] = { "word", "word", sizeof(char *), false },
	[WEIR_ARG_DATA] = { "data", "data", sizeof(struct weir_bytes), false },
	[WEIR_ARG_ELEMENT] = { "element name", "element", sizeof(struct weir_element *), false },
	[WEIR_ARG_ANNO] = { "annotation name or offset", "anno", sizeof(unsigned), false },
};

static const struct type_info *
type_info(enum weir_arg_type t)
{
	static const struct type_info unknown = { "value", "?", 0, false };
	if ((size_t)t < WEIR_ARRAY_SIZE(type_infos) && type_infos[t].expect)
		return &type_infos[t];
	return &unknown;
}

static bool
owns_memory(enum weir_arg_type t)
{
	return t == WEIR_ARG_STRING || t == WEIR_ARG_WORD || t == WEIR_ARG_DATA;
}

static void
value_free(enum weir_arg_type t, union arg_value *v)
{
	if (t == WEIR_ARG_STRING || t == WEIR_ARG_WORD) {
		free(v->str);
		v->str = NULL;
	} else if (t == WEIR_ARG_DATA) {
		free(v->bytes.data);
		v->bytes = (struct weir_bytes){ NULL, 0 };
	}
}

/* A single word, unquoted; NULL when text is not exactly one word. */
static char *
parse_word(const char *text)
{
	char **words;
	int n = weir_split_words(text, &words);
	char *w = n == 1 ? weir_unquote(words[0], NULL) : NULL;

	if (n > 0)
		weir_words_free(words, n);
	if (w && !*w) {
		free(w);
		w = NULL;
	}
	return w;
}

static int
parse_element(const struct weir_arg *a, const char *text, union arg_value *v,
	      struct weir_element *context, struct weir_errh *errh)
{
	char *name = parse_word(text);
	struct weir_element *found = NULL;

	if (!name)
		return weir_error(errh, "%s: expected element name, got '%s'", a->name, text);
	if (context && context->router)
		found = weir_router_find(context->router, name, context);
	if (!found) {
		weir_error(errh, "%s: no element named '%s'", a->name, name);
		free(name);
		return -EINVAL;
	}
	free(name);
	v->elem = found;
	return 0;
}

/* Parse text by a's type into v; 0, or -EINVAL with nothing to free. */
static int
parse_by_type(const struct weir_arg *a, const char *text, union arg_value *v)
{
	switch (a->type) {
	case WEIR_ARG_INT:
		return weir_parse_int(text, &v->i32);
	case WEIR_ARG_INT64:
		return weir_parse_int64(text, &v->i64);
	case WEIR_ARG_UINT:
		return weir_parse_uint(text, &v->u32);
	case WEIR_ARG_UINT64:
		return weir_parse_uint64(text, &v->u64);
	case WEIR_ARG_BOOL:
		return weir_parse_bool(text, &v->b);
	case WEIR_ARG_DOUBLE:
		return weir_parse_double(text, &v->d);
	case WEIR_ARG_SECONDS:
		return weir_parse_seconds(text, &v->i64);
	case WEIR_ARG_MSEC:
		return weir_parse_msec(text, &v->i64);
	case WEIR_ARG_BANDWIDTH:
		return weir_parse_bandwidth(text, &v->u64);
	case WEIR_ARG_RATE:
		return weir_parse_rate(text, &v->u64);
	case WEIR_ARG_IP4:
		return weir_parse_ip4(text, &v->u32);
	case WEIR_ARG_IP4_PREFIX:
		return weir_parse_ip4_prefix(text, &v->prefix.addr, &v->prefix.mask, true);
	case WEIR_ARG_ETHER:
		return weir_parse_ether(text, v->ether);
	case WEIR_ARG_STRING:
		v->str = weir_unquote(text, NULL);
		return v->str ? 0 : -EINVAL;
	case WEIR_ARG_WORD:
		v->str = parse_word(text);
		return v->str ? 0 : -EINVAL;
	case WEIR_ARG_DATA:
		return weir_parse_data(text, &v->bytes);
	case WEIR_ARG_ANNO: {
		unsigned off, size;
		if (weir_anno_lookup(text, &off, &size) < 0)
			return -EINVAL;
		v->anno = off;
		return 0;
	}
	case WEIR_ARG_ELEMENT: /* handled by parse_element */
		break;
	}
	return -EINVAL;
}

/* The value as a double for bounds, and printed for messages. */
static double
numeric_value(enum weir_arg_type t, const union arg_value *v, char *buf, size_t n)
{
	switch (t) {
	case WEIR_ARG_INT:
		snprintf(buf, n, "%" PRId32, v->i32);
		return v->i32;
	case WEIR_ARG_UINT:
		snprintf(buf, n, "%" PRIu32, v->u32);
		return v->u32;
	case WEIR_ARG_INT64:
	case WEIR_ARG_SECONDS:
	case WEIR_ARG_MSEC:
		snprintf(buf, n, "%" PRId64, v->i64);
		return (double)v->i64;
	case WEIR_ARG_DOUBLE:
		snprintf(buf, n, "%g", v->d);
		return v->d;
	default:
		snprintf(buf, n, "%" PRIu64, v->u64);
		return (double)v->u64;
	}
}

static int
check_bounds(const struct weir_arg *a, const union arg_value *v, struct weir_errh *errh)
{
	char buf[48];
	double x;

	if (!(a->flags & WEIR_ARGF_BOUNDED) || !type_info(a->type)->numeric)
		return 0;
	x = numeric_value(a->type, v, buf, sizeof(buf));
	if (x >= a->min && x <= a->max)
		return 0;
	return weir_error(errh, "%s: value %s out of range [%.15g, %.15g]", a->name, buf, a->min,
			  a->max);
}

/* Parse one value (from the configuration, or the entry's default) and report. */
static int
parse_value(const struct weir_arg *a, const char *text, bool is_default, union arg_value *v,
	    struct weir_element *context, struct weir_errh *errh)
{
	const char *what = is_default ? "bad default: " : "";

	if (a->type == WEIR_ARG_ELEMENT)
		return parse_element(a, text, v, context, errh);
	if (parse_by_type(a, text, v) < 0)
		return weir_error(errh, "%s: %sexpected %s, got '%s'", a->name, what,
				  type_info(a->type)->expect, text);
	if (check_bounds(a, v, errh) < 0) {
		value_free(a->type, v);
		return -EINVAL;
	}
	return 0;
}

static int
table_size(const struct weir_arg *table)
{
	int n = 0;
	while (table && table[n].name)
		n++;
	return n;
}

static int
find_keyword(const struct weir_arg *table, int n, const char *word, size_t len)
{
	for (int i = 0; i < n; i++)
		if (strlen(table[i].name) == len && memcmp(table[i].name, word, len) == 0)
			return i;
	return -1;
}

static void
list_keywords(const struct weir_arg *table, int n, struct weir_strbuf *sb)
{
	for (int i = 0; i < n; i++)
		weir_strbuf_printf(sb, "%s%s", i ? ", " : "", table[i].name);
}

struct parse_state {
	const struct weir_arg *table;
	int n;
	struct arg_slot *slots;
	struct weir_element *context;
	struct weir_errh *errh;
	int errors;
	int next_positional; /* table index to try next */
	bool keywords_started;
	bool too_many_reported;
};

static void
assign(struct parse_state *ps, int k, const char *text)
{
	const struct weir_arg *a = &ps->table[k];
	struct arg_slot *slot = &ps->slots[k];

	if (slot->given) {
		weir_error(ps->errh, "%s: given more than once", a->name);
		ps->errors++;
		return;
	}
	slot->given = true;
	if (parse_value(a, text, false, &slot->v, ps->context, ps->errh) < 0)
		ps->errors++;
	else
		slot->have = true;
}

/* The next entry a positional argument would fill, or -1. */
static int
peek_positional(struct parse_state *ps)
{
	while (ps->next_positional < ps->n &&
	       !(ps->table[ps->next_positional].flags & WEIR_ARGF_POSITIONAL))
		ps->next_positional++;
	return ps->next_positional < ps->n ? ps->next_positional : -1;
}

static void
too_many(struct parse_state *ps)
{
	if (!ps->too_many_reported)
		weir_error(ps->errh, "too many arguments");
	ps->too_many_reported = true;
	ps->errors++;
}

/*
 * One argument of the configuration, classified as Click's Args does: it is
 * "KEYWORD value" when its first word is an upper-case identifier followed by
 * a value. A known keyword sets its entry; an unknown one is an error, except
 * that a mandatory positional entry still takes it as its value (so
 * Print(HELLO world) works). Anything else is positional, and only before
 * the first keyword argument.
 */
static void
classify_argument(struct parse_state *ps, const char *arg)
{
	size_t wl = 0;
	const char *rest;
	int k = -1, p;

	if (!*arg && ps->keywords_started)
		return;
	while (arg[wl] && !is_space(arg[wl]))
		wl++;
	for (rest = arg + wl; is_space(*rest);)
		rest++;
	bool kw = *rest && weir_is_keyword(arg, wl);
	if (kw)
		k = find_keyword(ps->table, ps->n, arg, wl);
	if (k >= 0) {
		ps->keywords_started = true;
		assign(ps, k, rest);
		return;
	}
	p = ps->keywords_started ? -1 : peek_positional(ps);
	if (p >= 0 && (!kw || (ps->table[p].flags & WEIR_ARGF_MANDATORY))) {
		ps->next_positional++;
		if (*arg) /* an empty positional argument leaves its entry unset */
			assign(ps, p, arg);
	} else if (kw) {
		struct weir_strbuf sb = WEIR_STRBUF_INIT;
		list_keywords(ps->table, ps->n, &sb);
		weir_error(ps->errh, "unknown keyword '%.*s' (valid keywords: %s)", (int)wl, arg,
			   ps->n ? weir_strbuf_str(&sb) : "none");
		weir_strbuf_free(&sb);
		ps->keywords_started = true;
		ps->errors++;
	} else {
		too_many(ps);
	}
}

/* Mandatory entries that were not given, and defaults of the others. */
static void
finish_missing(struct parse_state *ps)
{
	for (int k = 0; k < ps->n; k++) {
		const struct weir_arg *a = &ps->table[k];
		struct arg_slot *slot = &ps->slots[k];

		if (slot->given)
			continue;
		if (a->flags & WEIR_ARGF_MANDATORY) {
			weir_error(ps->errh, "missing mandatory %s argument", a->name);
			ps->errors++;
		} else if (a->def) {
			if (parse_value(a, a->def, true, &slot->v, ps->context, ps->errh) < 0)
				ps->errors++;
			else
				slot->have = true;
		}
	}
}

/* Everything parsed: store into priv, freeing what the fields held before. */
static void
commit(const struct weir_arg *table, int n, struct arg_slot *slots, void *priv)
{
	uint8_t *base = priv;

	for (int k = 0; k < n; k++) {
		const struct weir_arg *a = &table[k];
		if (slots[k].have) {
			if (owns_memory(a->type)) {
				union arg_value old;
				memcpy(&old, base + a->offset, type_info(a->type)->size);
				value_free(a->type, &old);
			}
			memcpy(base + a->offset, &slots[k].v, type_info(a->type)->size);
		}
		if (a->flags & WEIR_ARGF_GIVEN)
			memcpy(base + a->given_offset, &slots[k].given, sizeof(bool));
	}
}

int
weir_args_parse(const struct weir_arg *table, void *priv, const struct weir_conf *conf,
		struct weir_element *context, struct weir_errh *errh)
{
	struct parse_state ps = {
		.table = table,
		.n = table_size(table),
		.context = context,
		.errh = errh,
	};

	ps.slots = calloc((size_t)ps.n + 1, sizeof(*ps.slots));
	if (!ps.slots) {
		weir_error(errh, "out of memory");
		return -ENOMEM;
	}
	for (int i = 0; conf && i < conf->argc; i++)
		classify_argument(&ps, conf->argv[i]);
	finish_missing(&ps);
	if (ps.errors) {
		for (int k = 0; k < ps.n; k++)
			if (ps.slots[k].have)
				value_free(table[k].type, &ps.slots[k].v);
	} else {
		commit(table, ps.n, ps.slots, priv);
	}
	free(ps.slots);
	return ps.errors ? -EINVAL : 0;
}

void
weir_args_free(const struct weir_arg *table, void *priv)
{
	uint8_t *base = priv;

	for (int k = 0; table && priv && table[k].name; k++) {
		const struct weir_arg *a = &table[k];
		union arg_value v;
		if (!owns_memory(a->type))
			continue;
		memcpy(&v, base + a->offset, type_info(a->type)->size);
		value_free(a->type, &v);
		memcpy(base + a->offset, &v, type_info(a->type)->size);
	}
}

void
weir_args_usage(const struct weir_arg *table, struct weir_strbuf *out)
{
	for (int k = 0; table && table[k].name; k++) {
		const struct weir_arg *a = &table[k];
		bool optional = !(a->flags & WEIR_ARGF_MANDATORY);

		weir_strbuf_printf(out, "%s%s%s", k ? ", " : "", optional ? "[" : "", a->name);
		if (!(a->flags & WEIR_ARGF_POSITIONAL))
			weir_strbuf_printf(out, " %s", type_info(a->type)->usage);
		if (optional)
			weir_strbuf_putc(out, ']');
	}
}
