/*
 * IPRewriterPatterns(NAME PATTERN, ...)
 *
 * specifies shared IPRewriter patterns
 *
 * Stores patterns that IPRewriter and IPAddrRewriter input specs can use by
 * name ('pattern NAME FOUTPUT ROUTPUT'). Each argument is a name and a
 * pattern, 'NAME SADDR SPORT DADDR DPORT' (or 'NAME SADDR DADDR' for an
 * address-only pattern), in IPRewriter's pattern syntax. Every input spec
 * that names a pattern shares it, including its sequential allocation
 * point, so rewriters that share a port range hand out its ports in one
 * sequence; as in Click, each rewriter checks only its own mappings for
 * conflicts. The names of all IPRewriterPatterns elements of a configuration
 * must be distinct.
 *
 * The element has no ports and no handlers of its own.
 *
 * Example:
 *   IPRewriterPatterns(to_world 192.0.2.1 1024-65535 - -);
 *   rw :: IPRewriter(pattern to_world 0 1, drop);
 *
 * See also: IPRewriter, IPAddrRewriter.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/router.h"
#include "rewriter_priv.h"

static const char iprewriterpatterns_doc[] =
	"IPRewriterPatterns(NAME PATTERN, ...)\n"
	"\n"
	"specifies shared IPRewriter patterns\n"
	"\n"
	"Stores patterns that IPRewriter and IPAddrRewriter input specs can use by\n"
	"name ('pattern NAME FOUTPUT ROUTPUT'). Each argument is a name and a\n"
	"pattern, 'NAME SADDR SPORT DADDR DPORT' (or 'NAME SADDR DADDR' for an\n"
	"address-only pattern), in IPRewriter's pattern syntax. Every input spec\n"
	"that names a pattern shares it, including its sequential allocation\n"
	"point, so rewriters that share a port range hand out its ports in one\n"
	"sequence; as in Click, each rewriter checks only its own mappings for\n"
	"conflicts. The names of all IPRewriterPatterns elements of a configuration\n"
	"must be distinct.\n"
	"\n"
	"The element has no ports and no handlers of its own.\n"
	"\n"
	"Example:\n"
	"  IPRewriterPatterns(to_world 192.0.2.1 1024-65535 - -);\n"
	"  rw :: IPRewriter(pattern to_world 0 1, drop);\n"
	"\n"
	"See also: IPRewriter, IPAddrRewriter.\n";

struct iprwpatterns {
	int n;
	char **names;
	struct rw_pattern *pats;
	bool configured;
};

/* The named pattern in one configured IPRewriterPatterns element, or NULL. */
static struct rw_pattern *
iprwpatterns_find(struct weir_element *e, const char *name)
{
	struct iprwpatterns *ps = e->priv;
	if (strcmp(e->cls->name, "IPRewriterPatterns") || !ps->configured)
		return NULL;
	for (int i = 0; i < ps->n; i++)
		if (!strcmp(ps->names[i], name))
			return &ps->pats[i];
	return NULL;
}

struct rw_pattern *
rw_find_named_pattern(struct weir_element *e, const char *name)
{
	struct weir_router *r = e->router;
	for (int i = 0; r && i < weir_router_nelements(r); i++) {
		struct rw_pattern *p = iprwpatterns_find(weir_router_element(r, i), name);
		if (p)
			return p;
	}
	return NULL;
}

static bool
iprwpatterns_has(const struct iprwpatterns *ps, const char *name)
{
	for (int j = 0; j < ps->n; j++)
		if (!strcmp(ps->names[j], name))
			return true;
	return false;
}

static int
iprewriterpatterns_configure(struct weir_element *e, struct weir_conf *conf,
			     struct weir_errh *errh)
{
	struct iprwpatterns *ps = e->priv;
	int r = 0;
	ps->names = calloc((size_t)conf->argc + 1, sizeof(char *));
	ps->pats = calloc((size_t)conf->argc + 1, sizeof(struct rw_pattern));
	if (!ps->names || !ps->pats)
		return -ENOMEM;
	for (int i = 0; i < conf->argc; i++) {
		char **w = NULL, prefix[64];
		int nw = weir_split_words(conf->argv[i], &w);
		snprintf(prefix, sizeof(prefix), "pattern %d: ", i);
		if (nw < 3) {
			r = weir_error(errh, "%sexpected 'NAME SADDR SPORT DADDR DPORT'", prefix);
		} else if (rw_find_named_pattern(e, w[0]) || iprwpatterns_has(ps, w[0])) {
			r = weir_error(errh, "%spattern name '%s' already used", prefix, w[0]);
		} else if (rw_parse_pattern(w + 1, nw - 1, &ps->pats[ps->n], errh, prefix) < 0) {
			r = -EINVAL;
		} else {
			ps->names[ps->n++] = strdup(w[0]);
		}
		if (nw > 0)
			weir_words_free(w, nw);
	}
	if (r == 0)
		ps->configured = true;
	return r;
}

static void
iprewriterpatterns_cleanup(struct weir_element *e)
{
	struct iprwpatterns *ps = e->priv;
	for (int i = 0; ps->names && i < ps->n; i++)
		free(ps->names[i]);
	free(ps->names);
	free(ps->pats);
	ps->names = NULL;
	ps->pats = NULL;
	ps->n = 0;
	ps->configured = false;
}

static const struct weir_element_class iprewriterpatterns_class = {
	.name = "IPRewriterPatterns",
	.port_count = "0/0",
	.processing = "a/a",
	.priv_size = sizeof(struct iprwpatterns),
	.configure_phase = WEIR_CONFIGURE_PHASE_INFO,
	.configure = iprewriterpatterns_configure,
	.cleanup = iprewriterpatterns_cleanup,
	.doc = iprewriterpatterns_doc,
};
WEIR_ELEMENT_REGISTER(iprewriterpatterns_class)
