/* graph.c - public entry points of the language: parse text or a file, free and draw the graph. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lang_priv.h"

static int
parse_buffer(const char *text, size_t len, const char *filename, const struct weir_lang_var *vars,
	     int nvars, struct weir_graph *out, struct weir_errh *errh)
{
	struct lang_lexer lx;
	struct lang_tree tree;
	*out = (struct weir_graph){ 0 };
	lang_lexer_init(&lx, text, len, filename ? filename : "<config>", errh);
	int nerrors = lang_parse_tree(&lx, &tree);
	if (!nerrors)
		nerrors = lang_expand(&lx, &tree, vars, nvars, out);
	lang_tree_free(&tree);
	if (nerrors) {
		weir_graph_free(out);
		return -EINVAL;
	}
	return 0;
}

int
weir_lang_parse(const char *text, const char *filename, const struct weir_lang_var *vars,
		int nvars, struct weir_graph *out, struct weir_errh *errh)
{
	return parse_buffer(text ? text : "", text ? strlen(text) : 0, filename, vars, nvars, out,
			    errh);
}

/* Whole contents of f; NULL with errno set on failure. */
static char *
read_all(FILE *f, size_t *len)
{
	struct weir_strbuf sb = WEIR_STRBUF_INIT;
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		weir_strbuf_append(&sb, buf, n);
	if (ferror(f)) {
		int e = errno ? errno : EIO;
		weir_strbuf_free(&sb);
		errno = e;
		return NULL;
	}
	*len = sb.len;
	return weir_strbuf_detach(&sb);
}

int
weir_lang_parse_file(const char *path, const struct weir_lang_var *vars, int nvars,
		     struct weir_graph *out, struct weir_errh *errh)
{
	bool is_stdin = strcmp(path, "-") == 0;
	const char *name = is_stdin ? "<stdin>" : path;
	*out = (struct weir_graph){ 0 };
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	if (!f) {
		int e = errno;
		weir_lerror(errh, name, "%s", strerror(e));
		return -e;
	}
	size_t len = 0;
	char *text = read_all(f, &len);
	int e = errno;
	if (!is_stdin)
		fclose(f);
	if (!text) {
		weir_lerror(errh, name, "%s", strerror(e));
		return -e;
	}
	int r = parse_buffer(text, len, name, vars, nvars, out, errh);
	free(text);
	return r;
}

void
weir_graph_free(struct weir_graph *g)
{
	if (!g)
		return;
	for (int i = 0; i < g->nelements; i++) {
		free(g->elements[i].name);
		free(g->elements[i].class_name);
		free(g->elements[i].config);
		free(g->elements[i].landmark);
	}
	for (int i = 0; i < g->nconnections; i++)
		free(g->connections[i].landmark);
	for (int i = 0; i < g->nrequirements; i++)
		free(g->requirements[i]);
	free(g->elements);
	free(g->connections);
	free(g->requirements);
	*g = (struct weir_graph){ 0 };
}

/* Graphviz double-quoted string contents. */
static void
dot_escape(struct weir_strbuf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			weir_strbuf_putc(out, '\\');
		weir_strbuf_putc(out, *s);
	}
}

void
weir_graph_dot(const struct weir_graph *g, struct weir_strbuf *out)
{
	weir_strbuf_puts(out, "digraph weir {\n\tnode [shape=box];\n");
	for (int i = 0; i < g->nelements; i++) {
		weir_strbuf_printf(out, "\tn%d [label=\"", i);
		dot_escape(out, g->elements[i].name);
		weir_strbuf_puts(out, "\\n");
		dot_escape(out, g->elements[i].class_name);
		weir_strbuf_puts(out, "\"];\n");
	}
	for (int i = 0; i < g->nconnections; i++) {
		const struct weir_graph_connection *c = &g->connections[i];
		weir_strbuf_printf(out, "\tn%d -> n%d", c->from, c->to);
		if (c->from_port || c->to_port)
			weir_strbuf_printf(out, " [label=\"%d\xe2\x86\x92%d\"]", c->from_port, c->to_port);
		weir_strbuf_puts(out, ";\n");
	}
	weir_strbuf_puts(out, "}\n");
}
