/* args.h - declarative argument tables and Click's value syntaxes. */
#ifndef WEIR_ARGS_H
#define WEIR_ARGS_H

#include "weir/common.h"
#include "weir/error.h"
#include "weir/element.h"

/*
 * An element declares its arguments in a table; the framework parses the
 * configuration into the element's private struct before configure() runs:
 *
 *   static const struct weir_arg counter_args[] = {
 *       { "NO_RATE", WEIR_ARG_BOOL, offsetof(struct counter, no_rate), .def = "false" },
 *       WEIR_ARG_END
 *   };
 *
 * Click's conventions: positional arguments first, in table order, for
 * entries with WEIR_ARGF_POSITIONAL; then "KEYWORD value" arguments in any
 * order (a positional entry may also be given by keyword). An argument is a
 * keyword argument when its first word is an upper-case identifier that names
 * an entry and a value follows it. An unknown "WORD value" is an error
 * ("unknown keyword"), except where the next positional entry is mandatory:
 * then it is that entry's value, as in Click (Print(HELLO world)). Giving an
 * entry twice, or a positional argument after a keyword one, is an error.
 * An empty positional argument ("a, , c") leaves its entry unset.
 *
 * Parsing is all-or-nothing: every error is reported (one per argument), and
 * on error priv is unchanged. On success each given (or defaulted) entry is
 * stored, freeing the string/data the field held before, so a write handler
 * may re-parse into a configured element; an entry neither given nor
 * defaulted keeps its old value. Bounds (WEIR_ARGF_BOUNDED) compare the
 * stored value: ns for SECONDS/MSEC, bytes/s for BANDWIDTH. IP4_PREFIX
 * entries accept a bare address as a /32.
 */
enum weir_arg_type {
	WEIR_ARG_INT,        /* int32_t */
	WEIR_ARG_INT64,      /* int64_t */
	WEIR_ARG_UINT,       /* uint32_t */
	WEIR_ARG_UINT64,     /* uint64_t */
	WEIR_ARG_BOOL,       /* bool */
	WEIR_ARG_DOUBLE,     /* double */
	WEIR_ARG_SECONDS,    /* int64_t ns; bare numbers are seconds ("1.5", "10ms") */
	WEIR_ARG_MSEC,       /* int64_t ns; bare numbers are milliseconds */
	WEIR_ARG_BANDWIDTH,  /* uint64_t bytes per second ("10Mbps", "1MBps") */
	WEIR_ARG_RATE,       /* uint64_t events per second ("1000", "10k", "2M") */
	WEIR_ARG_IP4,        /* uint32_t, network byte order */
	WEIR_ARG_IP4_PREFIX, /* struct weir_ip4_prefix */
	WEIR_ARG_ETHER,      /* uint8_t[6] */
	WEIR_ARG_STRING,     /* char *, unquoted, malloc'd (freed by weir_args_free) */
	WEIR_ARG_WORD,       /* char *, one word, malloc'd */
	WEIR_ARG_DATA,       /* struct weir_bytes: Click data ("\<0a 0b>", escapes) */
	WEIR_ARG_ELEMENT,    /* struct weir_element *, by name */
	WEIR_ARG_ANNO,       /* unsigned: annotation name or byte offset */
};

/* flags */
#define WEIR_ARGF_POSITIONAL 0x01 /* may be given without its keyword */
#define WEIR_ARGF_MANDATORY 0x02  /* must be given */
#define WEIR_ARGF_BOUNDED 0x04    /* value must lie in [min, max] */
#define WEIR_ARGF_GIVEN 0x08      /* set bool at given_offset when given */

struct weir_ip4_prefix {
	uint32_t addr; /* network byte order */
	uint32_t mask; /* network byte order */
};

struct weir_bytes {
	uint8_t *data; /* malloc'd; NULL when len is 0 */
	size_t len;
};

struct weir_arg {
	const char *name; /* KEYWORD; NULL ends the table */
	enum weir_arg_type type;
	size_t offset; /* of the value in priv */
	unsigned flags;
	const char *def; /* default, in the same syntax; NULL: left zero */
	double min, max; /* with WEIR_ARGF_BOUNDED */
	size_t given_offset; /* with WEIR_ARGF_GIVEN: bool in priv */
	const char *help; /* one line for --doc */
};
#define WEIR_ARG_END { .name = NULL }

/*
 * Parse conf into priv. context (may be NULL) is the element being
 * configured: it resolves WEIR_ARG_ELEMENT names. Errors name the argument
 * ("LENGTH: expected unsigned integer, got 'x'"). Returns 0 or -EINVAL.
 */
int weir_args_parse(const struct weir_arg *table, void *priv, const struct weir_conf *conf,
		    struct weir_element *context, struct weir_errh *errh);
/* Free strings and data that weir_args_parse stored in priv. */
void weir_args_free(const struct weir_arg *table, void *priv);
/* Usage line for --doc: "FILENAME, [COUNT], [STOP bool], INTERVAL time"
 * (positional entries by name, keyword-only ones with their type; optional
 * ones in brackets). */
void weir_args_usage(const struct weir_arg *table, struct weir_strbuf *out);

/* ---- configuration strings --------------------------------------------------- */

/* Split at top-level commas (outside quotes, (), [], {}), strip comments
 * and surrounding space; an empty last argument is dropped ("a, b," has two),
 * an empty string has none. out->raw is set to s (not copied, not freed);
 * out->argv is NULL-terminated. Returns 0 or -ENOMEM. */
int weir_conf_split(const char *s, struct weir_conf *out);
void weir_conf_free(struct weir_conf *conf);
/* Split an argument into words at spaces outside quotes. Returns count;
 * *words is a malloc'd array of malloc'd strings (free with weir_words_free). */
int weir_split_words(const char *s, char ***words);
void weir_words_free(char **words, int n);
/* Remove comments and one level of quotes (Click's cp_unquote): "..." with
 * C escapes (\n \t \\ \" \xHH \ooo) and \<hex bytes>, '...' literal, and
 * \<hex> outside quotes. Returns a malloc'd string, or NULL with *err (if
 * err is not NULL) set to a static message on a malformed string
 * (unterminated quote, bad \<...> block). Bytes after an embedded NUL are
 * lost: use weir_parse_data for binary. */
char *weir_unquote(const char *s, const char **err);
/* Is the string an upper-case keyword ([A-Z_][A-Z0-9_]*)? */
bool weir_is_keyword(const char *s, size_t len);

/* ---- values (each returns 0, or -EINVAL with nothing stored) ---------------
 * Surrounding whitespace is allowed; anything else extra is an error. */

int weir_parse_int64(const char *s, int64_t *out);      /* decimal or 0x hex, sign */
int weir_parse_uint64(const char *s, uint64_t *out);
int weir_parse_int(const char *s, int32_t *out);
int weir_parse_uint(const char *s, uint32_t *out);
int weir_parse_bool(const char *s, bool *out);          /* true/false/yes/no/1/0/on/off/t/f/y/n, any case */
int weir_parse_double(const char *s, double *out);
int weir_parse_seconds(const char *s, int64_t *ns);     /* s sec ms msec us usec ns nsec m min h hr d day */
int weir_parse_msec(const char *s, int64_t *ns);
int weir_parse_bandwidth(const char *s, uint64_t *bytes_per_s);
int weir_parse_rate(const char *s, uint64_t *per_s);
int weir_parse_ip4(const char *s, uint32_t *addr_be);
/* "A.B.C.D/N", "A.B.C.D/M.M.M.M"; a bare address is a /32 when allow_bare. */
int weir_parse_ip4_prefix(const char *s, uint32_t *addr_be, uint32_t *mask_be, bool allow_bare);
int weir_parse_ether(const char *s, uint8_t out[6]);    /* 0:1:2:3:4:5, 00-11-22-33-44-55 */
/* weir_unquote of s, as bytes; out->data is malloc'd (NULL when empty). */
int weir_parse_data(const char *s, struct weir_bytes *out);

/* Formatting helpers shared by handlers. */
void weir_format_ip4(uint32_t addr_be, char buf[16]);
void weir_format_ether(const uint8_t e[6], char buf[18]);

#endif
