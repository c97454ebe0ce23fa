/* lang.h - the Click configuration language: parse text into a flat element graph. */
#ifndef WEIR_LANG_H
#define WEIR_LANG_H

#include "weir/common.h"
#include "weir/error.h"

/*
 * The parser expands compound elements (elementclass), substitutes
 * $variables (define, formal parameters, command-line VAR=VALUE) and returns
 * the flattened graph: every element with its full name ("comp/inner"),
 * class, configuration string and landmark, and every connection between
 * element indices. Anonymous elements are named "Class@N" as in Click.
 * Class names are checked against the registry (weir_element_class_find);
 * an unknown class suggests the nearest registered name.
 *
 * Syntax: declarations ("a, b :: Class(config)"), chains with ports and
 * inline or anonymous elements ("x [1] -> [0] y :: Queue -> Discard"),
 * element lists and port lists ("a, b -> c", "t [0, 1] => [0] x, [0] y"),
 * elementclass with formals ("$a, KEYWORD $b, __REST__ $r |"), synonyms
 * ("elementclass A B"), anonymous compounds, implicit compound ports
 * ("-> x ->"), define, require, $var / ${var} ($(...) and unknown names are
 * left as written; single-quoted text is not expanded), both comment styles;
 * semicolons are optional, as in Click. Not supported (reported as errors):
 * compound overloading ("||", "..."), element groups "( ... )", connection
 * tunnels, "#line" directives.
 *
 * As in Click, an anonymous element's number counts every element of its
 * scope (file or compound body) declared before it, named ones included;
 * a compound instance's input or output port connected on one side only
 * is an error ("'c' input 0 unused", "'c' has no output 1"); duplicate
 * connections are dropped and connections come sorted by (from, from_port,
 * to, to_port). Element landmarks are "file:line"; error messages are
 * "file:line:col: ...". Elements declared later in the file may be
 * connected before their declaration.
 */
struct weir_graph_element {
	char *name;
	char *class_name;
	char *config;   /* after $variable substitution; "" when none */
	char *landmark; /* "file:line" of the declaration */
};

struct weir_graph_connection {
	int from, from_port; /* element index, output port */
	int to, to_port;     /* element index, input port */
	char *landmark;
};

struct weir_graph {
	struct weir_graph_element *elements;
	int nelements;
	struct weir_graph_connection *connections;
	int nconnections;
	char **requirements; /* names given to require() */
	int nrequirements;
};

struct weir_lang_var {
	const char *name; /* without '$' */
	const char *value;
};

/* Parse text (filename used in landmarks; "<expr>" for -e). vars override
 * `define`s of the same name. Returns 0, or -EINVAL after reporting every
 * error found (file:line:col: message). */
int weir_lang_parse(const char *text, const char *filename, const struct weir_lang_var *vars,
		    int nvars, struct weir_graph *out, struct weir_errh *errh);
/* Reads the file (or "-" for stdin) and parses it. */
int weir_lang_parse_file(const char *path, const struct weir_lang_var *vars, int nvars,
			 struct weir_graph *out, struct weir_errh *errh);
void weir_graph_free(struct weir_graph *g);
/* Graphviz rendering of the flattened graph. */
void weir_graph_dot(const struct weir_graph *g, struct weir_strbuf *out);

#endif
