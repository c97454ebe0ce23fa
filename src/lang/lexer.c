/* lexer.c - tokens of the Click language, raw configuration strings, positioned errors. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lang_priv.h"

void
lang_lexer_init(struct lang_lexer *lx, const char *text, size_t len, const char *filename,
		struct weir_errh *errh)
{
	*lx = (struct lang_lexer){
		.text = text,
		.len = len,
		.line = 1,
		.filename = filename,
		.errh = errh,
	};
}

char *
lang_landmark(const char *filename, struct lang_pos pos, bool with_col)
{
	struct weir_strbuf sb = WEIR_STRBUF_INIT;
	if (with_col)
		weir_strbuf_printf(&sb, "%s:%d:%d", filename, pos.line, pos.col);
	else
		weir_strbuf_printf(&sb, "%s:%d", filename, pos.line);
	return weir_strbuf_detach(&sb);
}

int
lang_verror(struct lang_lexer *lx, struct lang_pos pos, const char *fmt, va_list ap)
{
	/* A flood of errors (binary garbage) helps nobody: stop at LANG_MAX_ERRORS. */
	if (lx->nerrors < LANG_MAX_ERRORS) {
		char *lm = lang_landmark(lx->filename, pos, true);
		weir_verror(lx->errh, WEIR_ERR_ERROR, lm, fmt, ap);
		free(lm);
	} else if (lx->nerrors == LANG_MAX_ERRORS) {
		char *lm = lang_landmark(lx->filename, pos, true);
		weir_lerror(lx->errh, lm, "too many errors, giving up");
		free(lm);
	}
	lx->nerrors++;
	return -EINVAL;
}

int
lang_error(struct lang_lexer *lx, struct lang_pos pos, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	lang_verror(lx, pos, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static struct lang_pos
here(const struct lang_lexer *lx, size_t at)
{
	return (struct lang_pos){ .line = lx->line, .col = (int)(at - lx->line_start) + 1 };
}

static void
newline(struct lang_lexer *lx, size_t at)
{
	lx->line++;
	lx->line_start = at + 1;
}

/* Skip a slash-star comment starting at lx->pos; false if unterminated. */
static bool
skip_block_comment(struct lang_lexer *lx)
{
	struct lang_pos start = here(lx, lx->pos);
	size_t i;
	for (i = lx->pos + 2; i < lx->len; i++) {
		if (lx->text[i] == '\n')
			newline(lx, i);
		else if (lx->text[i] == '*' && i + 1 < lx->len && lx->text[i + 1] == '/') {
			lx->pos = i + 2;
			return true;
		}
	}
	lx->pos = lx->len;
	lang_error(lx, start, "unterminated comment (missing '*/')");
	return false;
}

static void
skip_space_and_comments(struct lang_lexer *lx)
{
	while (lx->pos < lx->len) {
		char c = lx->text[lx->pos];
		if (c == '\n') {
			newline(lx, lx->pos);
			lx->pos++;
		} else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
			lx->pos++;
		} else if (c == '/' && lx->pos + 1 < lx->len && lx->text[lx->pos + 1] == '/') {
			while (lx->pos < lx->len && lx->text[lx->pos] != '\n')
				lx->pos++;
		} else if (c == '/' && lx->pos + 1 < lx->len && lx->text[lx->pos + 1] == '*') {
			skip_block_comment(lx);
		} else {
			break;
		}
	}
}

static bool
is_word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '@';
}

static enum lang_tok
keyword_kind(const char *s, size_t n)
{
	if (n == 12 && memcmp(s, "elementclass", 12) == 0)
		return LT_ELEMENTCLASS;
	if (n == 7 && memcmp(s, "require", 7) == 0)
		return LT_REQUIRE;
	if (n == 6 && memcmp(s, "define", 6) == 0)
		return LT_DEFINE;
	return LT_IDENT;
}

/* Length of the operator at p (2 or 3 bytes), and its kind; 0 if none. */
static size_t
operator_at(const struct lang_lexer *lx, size_t p, enum lang_tok *kind)
{
	static const struct {
		const char *s;
		enum lang_tok kind;
	} ops[] = {
		{ "...", LT_DOT3 }, { "->", LT_ARROW }, { "=>", LT_ARROW2 },
		{ "::", LT_COLON2 }, { "||", LT_BAR2 },
	};
	for (size_t i = 0; i < WEIR_ARRAY_SIZE(ops); i++) {
		size_t n = strlen(ops[i].s);
		if (p + n <= lx->len && memcmp(lx->text + p, ops[i].s, n) == 0) {
			*kind = ops[i].kind;
			return n;
		}
	}
	return 0;
}

static struct lang_token
scan(struct lang_lexer *lx)
{
	skip_space_and_comments(lx);
	struct lang_token t = { .pos = here(lx, lx->pos), .s = lx->text + lx->pos };
	size_t p = lx->pos;
	if (p >= lx->len) {
		t.kind = LT_EOF;
	} else if (is_word_char(lx->text[p])) {
		for (;;) {
			while (p < lx->len && is_word_char(lx->text[p]))
				p++;
			if (p + 1 < lx->len && lx->text[p] == '/' && is_word_char(lx->text[p + 1]))
				p++;
			else
				break;
		}
		t.kind = keyword_kind(t.s, p - lx->pos);
	} else if (lx->text[p] == '$' && p + 1 < lx->len &&
		   (isalnum((unsigned char)lx->text[p + 1]) || lx->text[p + 1] == '_')) {
		p++;
		while (p < lx->len && (isalnum((unsigned char)lx->text[p]) || lx->text[p] == '_'))
			p++;
		t.kind = LT_VARIABLE;
	} else {
		size_t n = operator_at(lx, p, &t.kind);
		if (n) {
			p += n;
		} else {
			t.kind = LT_CHAR;
			t.c = (unsigned char)lx->text[p];
			p++;
		}
	}
	t.len = p - lx->pos;
	if (t.kind == LT_VARIABLE) {
		t.s++;
		t.len--;
	}
	lx->pos = p;
	t.end = p;
	t.end_line = lx->line;
	t.end_line_start = lx->line_start;
	return t;
}

const struct lang_token *
lang_peek(struct lang_lexer *lx, int k)
{
	while (lx->nla <= k)
		lx->la[lx->nla++] = scan(lx);
	return &lx->la[k];
}

struct lang_token
lang_lex(struct lang_lexer *lx)
{
	if (lx->nla == 0)
		return scan(lx);
	struct lang_token t = lx->la[0];
	lx->la[0] = lx->la[1];
	lx->nla--;
	return t;
}

/* Skip a quoted string whose opening quote is at *i; false if unterminated. */
static bool
config_skip_quote(struct lang_lexer *lx, size_t *i)
{
	char q = lx->text[*i];
	struct lang_pos start = here(lx, *i);
	for (size_t j = *i + 1; j < lx->len; j++) {
		char c = lx->text[j];
		if (c == '\n')
			newline(lx, j);
		else if (c == '\\' && q == '"' && j + 1 < lx->len) {
			if (lx->text[j + 1] == '\n')
				newline(lx, j + 1);
			j++;
		} else if (c == q) {
			*i = j;
			return true;
		}
	}
	lang_error(lx, start, "unterminated string (missing %c)", q);
	return false;
}

/* Skip a comment starting at *i (on its first '/'); false if unterminated. */
static bool
config_skip_comment(struct lang_lexer *lx, size_t *i)
{
	if (lx->text[*i + 1] == '/') {
		size_t j = *i;
		while (j + 1 < lx->len && lx->text[j + 1] != '\n')
			j++;
		*i = j;
		return true;
	}
	lx->pos = *i;
	if (!skip_block_comment(lx))
		return false;
	*i = lx->pos - 1;
	return true;
}

char *
lang_lex_config(struct lang_lexer *lx, const struct lang_token *open)
{
	/* Restart right after the '(' whatever was looked ahead. */
	lx->nla = 0;
	lx->pos = open->end;
	lx->line = open->end_line;
	lx->line_start = open->end_line_start;
	size_t start = lx->pos;
	unsigned depth = 1;
	for (size_t i = start; i < lx->len; i++) {
		char c = lx->text[i];
		bool ok = true;
		if (c == '(') {
			depth++;
		} else if (c == ')') {
			if (--depth == 0) {
				lx->pos = i + 1;
				return lang_strndup(lx->text + start, i - start);
			}
		} else if (c == '\n') {
			newline(lx, i);
		} else if (c == '\0') {
			lang_error(lx, here(lx, i), "NUL byte in configuration string");
		} else if (c == '"' || c == '\'') {
			ok = config_skip_quote(lx, &i);
		} else if (c == '/' && i + 1 < lx->len &&
			   (lx->text[i + 1] == '/' || lx->text[i + 1] == '*')) {
			ok = config_skip_comment(lx, &i);
		} else if (c == '\\' && i + 1 < lx->len) {
			if (lx->text[i + 1] == '\n')
				newline(lx, i + 1);
			i++;
		}
		if (!ok) {
			lx->pos = lx->len;
			return NULL;
		}
	}
	lx->pos = lx->len;
	lang_error(lx, open->pos, "unterminated configuration string (missing ')' for this '(')");
	return NULL;
}

const char *
lang_token_describe(const struct lang_token *t, char *buf, size_t n)
{
	switch (t->kind) {
	case LT_EOF:
		snprintf(buf, n, "end of input");
		break;
	case LT_VARIABLE:
		snprintf(buf, n, "'$%.*s%s'", (int)WEIR_MIN(t->len, 40), t->s,
			 t->len > 40 ? "..." : "");
		break;
	case LT_CHAR:
		if (isprint(t->c))
			snprintf(buf, n, "'%c'", t->c);
		else
			snprintf(buf, n, "byte 0x%02x", (unsigned)t->c);
		break;
	default:
		snprintf(buf, n, "'%.*s%s'", (int)WEIR_MIN(t->len, 40), t->s,
			 t->len > 40 ? "..." : "");
		break;
	}
	return buf;
}
