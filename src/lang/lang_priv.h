/* lang_priv.h - internals shared by the Click-language lexer, parser and expander. */
#ifndef WEIR_LANG_PRIV_H
#define WEIR_LANG_PRIV_H

#include <stdarg.h>
#include "weir/lang.h"
#include "weir/strbuf.h"

/* Limits that keep hostile input from exhausting the stack or memory. */
#define LANG_MAX_NESTING 64        /* compound definitions inside compounds */
#define LANG_MAX_EXPANSION 100     /* compound instances inside instances */
#define LANG_MAX_ELEMENTS 200000   /* elements after expansion */
#define LANG_MAX_CONNECTIONS 1000000
#define LANG_MAX_PORT 65535
#define LANG_MAX_ERRORS 100

/* ---- lexer ------------------------------------------------------------------ */

enum lang_tok {
	LT_EOF,
	LT_IDENT,       /* a, Counter@2, comp/inner, 12 */
	LT_VARIABLE,    /* $name (s/len exclude the '$') */
	LT_ARROW,       /* -> */
	LT_ARROW2,      /* => */
	LT_COLON2,      /* :: */
	LT_BAR2,        /* || */
	LT_DOT3,        /* ... */
	LT_ELEMENTCLASS,
	LT_REQUIRE,
	LT_DEFINE,
	LT_CHAR,        /* any other single byte, in c */
};

struct lang_pos {
	int line, col; /* 1-based; col counts bytes */
};

struct lang_token {
	enum lang_tok kind;
	int c;          /* LT_CHAR: the byte */
	const char *s;  /* text of the token (not NUL-terminated) */
	size_t len;
	struct lang_pos pos;
	size_t end;     /* offset just past the token */
	int end_line;   /* line counter after the token */
	size_t end_line_start;
};

struct lang_lexer {
	const char *text;
	size_t len, pos;
	int line;
	size_t line_start; /* offset of the first byte of the current line */
	const char *filename;
	struct weir_errh *errh;
	int nerrors;
	struct lang_token la[2]; /* lookahead */
	int nla;
};

void lang_lexer_init(struct lang_lexer *lx, const char *text, size_t len, const char *filename,
		     struct weir_errh *errh);
/* Consume and return the next token. */
struct lang_token lang_lex(struct lang_lexer *lx);
/* Look at token k (0 or 1) ahead without consuming it. */
const struct lang_token *lang_peek(struct lang_lexer *lx, int k);
/* Read a raw configuration string after the '(' token `open` (already
 * consumed) up to the matching ')', which is consumed too. Returns NULL
 * after reporting an error when the ')' is missing. */
char *lang_lex_config(struct lang_lexer *lx, const struct lang_token *open);
/* "'->'", "identifier 'x'", "end of input"... into buf. */
const char *lang_token_describe(const struct lang_token *t, char *buf, size_t n);
/* Report "file:line:col: message"; returns -EINVAL. */
int lang_error(struct lang_lexer *lx, struct lang_pos pos, const char *fmt, ...) WEIR_PRINTF(3, 4);
int lang_verror(struct lang_lexer *lx, struct lang_pos pos, const char *fmt, va_list ap);
/* "file:line:col" / "file:line" into a new string. */
char *lang_landmark(const char *filename, struct lang_pos pos, bool with_col);

/* ---- parse tree --------------------------------------------------------------- */

struct lang_compound;

/* What a class name resolved to: a registered class or a compound. */
struct lang_classref {
	const char *builtin; /* registry name (static storage) */
	struct lang_compound *comp;
	const char *written; /* the name as written (for anonymous names) */
};

struct lang_elem {
	char *name;          /* NULL for an anonymous element until its scope ends */
	struct lang_classref cls;
	char *config;        /* raw, before $variable substitution */
	struct lang_pos pos; /* declaration, or first use of a forward reference */
	bool declared;       /* false: only referred to so far */
	bool anon;
	bool pseudo;         /* the 'input'/'output' pseudo-elements of a compound */
	int anon_n;          /* Click's anonymous counter */
};

struct lang_hook {
	int from, from_port, to, to_port; /* scope element indices */
	struct lang_pos pos;
};

struct lang_vardef {
	char *name;
	char *value;
	struct lang_pos pos;
};

struct lang_classdef {
	char *name;
	struct lang_classref ref;
};

/* Open-addressing map from names to scope element indices. */
struct lang_names {
	char **keys;
	int *vals;
	size_t cap, n;
};

/* The file, or the body of one compound element class. */
struct lang_scope {
	struct lang_scope *parent; /* lexically enclosing scope while parsing */
	bool is_compound;
	struct lang_elem *elems; /* compounds: 0 = input, 1 = output */
	int nelems, capelems;
	int *order; /* declared elements, in declaration order */
	int norder, caporder;
	struct lang_hook *hooks;
	int nhooks, caphooks;
	struct lang_vardef *defs;
	int ndefs, capdefs;
	struct lang_classdef *classes; /* elementclass statements, in order */
	int nclasses, capclasses;
	struct lang_names names;
	int ndeclared; /* real elements declared so far (anonymous counter) */
};

struct lang_formal {
	char *name;    /* without '$' */
	char *keyword; /* NULL for a positional formal */
	struct lang_pos pos;
};

struct lang_compound {
	char *name; /* NULL: anonymous */
	struct lang_pos pos;
	int depth;  /* number of compounds lexically around its definition */
	struct lang_formal *formals;
	int nformals;
	struct lang_scope body;
	struct lang_compound *next_all;
};

/* A parsed file before expansion. */
struct lang_tree {
	struct lang_scope root;
	struct lang_compound *compounds; /* every compound, for freeing */
	char **reqs;
	int nreqs, capreqs;
};

/* ---- helpers shared by the files --------------------------------------------- */

void *lang_grow(void *p, int *cap, int need, size_t size);
char *lang_strndup(const char *s, size_t n);
char *lang_strdup(const char *s);
int lang_names_find(const struct lang_names *m, const char *key);
void lang_names_set(struct lang_names *m, const char *key, int val);
void lang_names_free(struct lang_names *m);
/* Edit distance with cheap case changes, as the registry's suggestion uses. */
unsigned lang_edit_distance(const char *a, const char *b);

/* Split a configuration string at top-level commas (quotes respected,
 * comments removed, arguments trimmed). An empty string gives none. */
int lang_split_args(const char *s, char ***argv);
void lang_free_args(char **argv, int argc);

/* Parse text into tree; returns the number of errors reported. */
int lang_parse_tree(struct lang_lexer *lx, struct lang_tree *tree);
void lang_tree_free(struct lang_tree *tree);
/* Expand compounds and variables into the flat graph; returns errors reported. */
int lang_expand(struct lang_lexer *lx, struct lang_tree *tree, const struct weir_lang_var *vars,
		int nvars, struct weir_graph *g);

#endif
