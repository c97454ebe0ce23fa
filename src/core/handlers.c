/* handlers.c - handler lookup and calls: element handlers, generic ones, global ones. */
#include <errno.h>
#include <string.h>
#include "weir/args.h"
#include "weir/router.h"
#include "router_priv.h"

static int
read_class(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	(void)h;
	weir_strbuf_puts(out, e->cls->name);
	return 0;
}

static int
read_name(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	(void)h;
	weir_strbuf_puts(out, e->name);
	return 0;
}

static int
read_config(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	(void)h;
	weir_strbuf_puts(out, e->config);
	return 0;
}

static void
ports_side(const struct weir_port *ports, int n, bool output, struct weir_strbuf *out)
{
	weir_strbuf_printf(out, "%d %s%s\n", n, output ? "output" : "input", n == 1 ? "" : "s");
	for (int p = 0; p < n; p++) {
		const struct weir_port *pt = &ports[p];
		weir_strbuf_puts(out, pt->processing == WEIR_PULL ? "pull" : "push");
		if (pt->connected) {
			if (output)
				weir_strbuf_printf(out, "\t-> [%d] %s", pt->peer_port, pt->peer->name);
			else
				weir_strbuf_printf(out, "\t<- %s [%d]", pt->peer->name, pt->peer_port);
		}
		weir_strbuf_putc(out, '\n');
	}
}

static int
read_ports(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	(void)h;
	ports_side(e->inputs, e->ninputs, false, out);
	ports_side(e->outputs, e->noutputs, true, out);
	return 0;
}

static int
read_handlers(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	(void)h;
	weir_element_list_handlers(e, out);
	return 0;
}

static int
read_thread(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	(void)h;
	weir_strbuf_printf(out, "%d", e->home_thread);
	return 0;
}

static const struct weir_handler generic_handlers[] = {
	{ .name = "class", .read = read_class },
	{ .name = "name", .read = read_name },
	{ .name = "config", .read = read_config },
	{ .name = "ports", .read = read_ports },
	{ .name = "handlers", .read = read_handlers },
	{ .name = "thread", .read = read_thread },
	WEIR_HANDLER_END
};

const struct weir_handler *
weir_element_find_handler(const struct weir_element *e, const char *name)
{
	if (e->cls->handlers)
		for (const struct weir_handler *h = e->cls->handlers; h->name; h++)
			if (strcmp(h->name, name) == 0)
				return h;
	for (const struct weir_handler *h = generic_handlers; h->name; h++)
		if (strcmp(h->name, name) == 0)
			return h;
	return NULL;
}

static void
list_one(const struct weir_handler *h, struct weir_strbuf *out)
{
	weir_strbuf_printf(out, "%s\t%s%s\n", h->name, h->read ? "r" : "", h->write ? "w" : "");
}

void
weir_element_list_handlers(const struct weir_element *e, struct weir_strbuf *out)
{
	for (const struct weir_handler *h = generic_handlers; h->name; h++)
		list_one(h, out);
	if (e->cls->handlers)
		for (const struct weir_handler *h = e->cls->handlers; h->name; h++)
			list_one(h, out);
}

int
weir_handler_call_read(struct weir_element *e, const struct weir_handler *h,
		       struct weir_strbuf *out)
{
	if (!h->read)
		return -EACCES;
	return h->read(e, h, out);
}

int
weir_handler_call_write(struct weir_element *e, const struct weir_handler *h, const char *value,
			struct weir_errh *errh)
{
	if (!h->write)
		return -EACCES;
	const char *ctx = errh->context, *lm = errh->landmark;
	errh->context = NULL;
	errh->landmark = NULL;
	int rc = h->write(e, value ? value : "", h, errh);
	errh->context = ctx;
	errh->landmark = lm;
	return rc;
}

/* ---- global handlers (no element) ------------------------------------------- */

static int
global_read(struct weir_router *r, const char *name, struct weir_strbuf *out)
{
	if (strcmp(name, "version") == 0) {
		weir_strbuf_puts(out, WEIR_VERSION);
	} else if (strcmp(name, "list") == 0) {
		weir_strbuf_printf(out, "%d\n", r->nelements);
		for (int i = 0; i < r->nelements; i++)
			weir_strbuf_printf(out, "%s\n", r->elements[i]->name);
	} else if (strcmp(name, "classes") == 0) {
		for (size_t i = 0; i < weir_element_class_count(); i++)
			weir_strbuf_printf(out, "%s\n", weir_element_class_at(i)->name);
	} else if (strcmp(name, "config") == 0 || strcmp(name, "flatconfig") == 0) {
		weir_strbuf_puts(out, r->flatconfig);
	} else {
		return -ENOENT;
	}
	return 0;
}

static int
global_write(struct weir_router *r, const char *name, const char *value)
{
	(void)value;
	if (strcmp(name, "stop") == 0) {
		weir_router_stop(r);
		return 0;
	}
	return -ENOENT;
}

/* Split "elem.handler" at the last '.'; element part empty for globals. */
static struct weir_element *
resolve(struct weir_router *r, const char *spec, const char **hname, struct weir_errh *errh,
	int *rc)
{
	const char *dot = strrchr(spec, '.');
	*rc = 0;
	if (!dot) {
		*hname = spec;
		return NULL;
	}
	*hname = dot + 1;
	struct weir_strbuf sb = WEIR_STRBUF_INIT;
	weir_strbuf_append(&sb, spec, (size_t)(dot - spec));
	struct weir_element *e = weir_router_find(r, weir_strbuf_str(&sb), NULL);
	if (!e)
		*rc = weir_error(errh, "no element named '%s'", weir_strbuf_str(&sb));
	weir_strbuf_free(&sb);
	return e;
}

int
weir_router_handler_read(struct weir_router *r, const char *spec, struct weir_strbuf *out,
			 struct weir_errh *errh)
{
	const char *hname;
	int rc;
	struct weir_element *e = resolve(r, spec, &hname, errh, &rc);
	if (rc < 0)
		return -ENOENT;
	if (!e) {
		rc = global_read(r, hname, out);
		if (rc == -ENOENT)
			weir_error(errh, "no global read handler '%s'", hname);
		return rc;
	}
	const struct weir_handler *h = weir_element_find_handler(e, hname);
	if (!h)
		return weir_error(errh, "no handler '%s'", spec), -ENOENT;
	if (!h->read)
		return weir_error(errh, "handler '%s' is write-only", spec), -EACCES;
	rc = h->read(e, h, out);
	if (rc < 0)
		weir_error(errh, "reading '%s': %s", spec, strerror(-rc));
	return rc;
}

int
weir_router_handler_write(struct weir_router *r, const char *spec, const char *value,
			  struct weir_errh *errh)
{
	const char *hname;
	int rc;
	struct weir_element *e = resolve(r, spec, &hname, errh, &rc);
	if (rc < 0)
		return -ENOENT;
	if (!e) {
		rc = global_write(r, hname, value);
		if (rc == -ENOENT)
			weir_error(errh, "no global write handler '%s'", hname);
		return rc;
	}
	const struct weir_handler *h = weir_element_find_handler(e, hname);
	if (!h)
		return weir_error(errh, "no handler '%s'", spec), -ENOENT;
	if (!h->write)
		return weir_error(errh, "handler '%s' is read-only", spec), -EACCES;
	int before = errh->nerrors;
	rc = weir_handler_call_write(e, h, value, errh);
	if (rc < 0 && errh->nerrors == before)
		weir_error(errh, "writing '%s': %s", spec, strerror(-rc));
	return rc;
}
