/* route_element.c - what the IPRouteTable elements share: configuration,
 * handlers (add, set, remove, ctrl, table, lookup, flush, drops) and the
 * batch lookups of each algorithm. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "weir/args.h"
#include "weir/packet.h"
#include "iproute_priv.h"

#define MAX_COMPLAINTS 5

/* ---- errors ------------------------------------------------------------------------ */

static int
report(struct weir_element *e, struct weir_errh *errh, int rc, const struct iproute_route *r,
       const struct iproute_route *old)
{
	struct weir_strbuf sb = WEIR_STRBUF_INIT;
	struct iproute_elem *s = e->priv;

	switch (rc) {
	case -EEXIST:
		iproute_route_unparse(old, false, &sb);
		rc = weir_error(errh, "conflict with existing route '%s'", weir_strbuf_str(&sb));
		break;
	case -ENOENT:
		if (s->t.kind == IPROUTE_DIRECT) {
			rc = weir_error(errh, "Entry not found");
			break;
		}
		iproute_route_unparse(r, false, &sb);
		rc = weir_error(errh, "route '%s' not found", weir_strbuf_str(&sb));
		break;
	case -ENOSPC:
		rc = weir_error(errh, "Virtual port table size limit exceeded (at most %u distinct "
				"GATEWAY/OUTPUT pairs)", IPROUTE_NH_MAX - 1);
		break;
	case -E2BIG:
		rc = weir_error(errh, "Secondary lookup table size limit exceeded (at most %u /24s "
				"holding longer routes)", IPROUTE_CHUNK_MAX);
		break;
	default:
		rc = weir_error(errh, "%s", strerror(-rc));
		break;
	}
	weir_strbuf_free(&sb);
	return rc;
}

/* ---- configuration ----------------------------------------------------------------- */

static bool
port_ok(const struct weir_element *e, int32_t port, bool remove)
{
	return port >= (remove ? -1 : 0) && port < e->noutputs;
}

int
iproute_elem_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh,
		       enum iproute_kind kind)
{
	struct iproute_elem *s = e->priv;
	int before = errh->nerrors;

	if (e->noutputs >= WEIR_PORT_DROP)
		return weir_error(errh, "at most %d outputs supported", WEIR_PORT_DROP - 1);
	if (iproute_table_init(&s->t, kind) < 0)
		return weir_error(errh, "out of memory");
	for (int i = 0; i < conf->argc; i++) {
		struct iproute_route r, old;
		int rc;
		if (iproute_parse_route(conf->argv[i], &r, false) < 0 ||
		    !port_ok(e, r.port, false)) {
			weir_error(errh, "argument %d should be 'ADDR/MASK [GATEWAY] OUTPUT'",
				   i + 1);
			continue;
		}
		/* Click keeps the first of two routes for one prefix, silently. */
		rc = iproute_table_add(&s->t, &r, false, &old);
		if (rc < 0 && rc != -EEXIST)
			report(e, errh, rc, &r, &old);
	}
	if (errh->nerrors != before) {
		iproute_table_free(&s->t);
		return -EINVAL;
	}
	s->initialized = true;
	return 0;
}

void
iproute_elem_cleanup(struct weir_element *e)
{
	struct iproute_elem *s = e->priv;
	if (s->initialized)
		iproute_table_free(&s->t);
	s->initialized = false;
}

/* ---- handlers ---------------------------------------------------------------------- */

enum { CMD_ADD, CMD_SET, CMD_REMOVE };

struct undo {
	struct iproute_route r; /* route to restore or remove */
	int cmd;                /* what was done */
};

static int
run_command(struct weir_element *e, int cmd, const char *text, struct undo *u,
	    struct weir_errh *errh)
{
	struct iproute_elem *s = e->priv;
	struct iproute_route r, old;
	bool remove = cmd == CMD_REMOVE;
	int rc;

	if (iproute_parse_route(text, &r, remove) < 0 || !port_ok(e, r.port, remove))
		return weir_error(errh, "expected 'ADDR/MASK [GATEWAY%s'",
				  remove ? " OUTPUT]" : "] OUTPUT");
	if (remove)
		rc = iproute_table_remove(&s->t, &r, &old);
	else
		rc = iproute_table_add(&s->t, &r, cmd == CMD_SET, &old);
	if (rc < 0)
		return report(e, errh, rc, &r, &old);
	if (u) {
		u->cmd = cmd;
		if (old.port == IPROUTE_FREE_PORT) { /* a new route: undo removes it */
			u->r = r;
			u->cmd = CMD_ADD;
		} else {
			u->r = old;
		}
	}
	return 0;
}

static int
write_add(struct weir_element *e, const char *value, const struct weir_handler *h,
	  struct weir_errh *errh)
{
	return run_command(e, h->arg ? CMD_SET : CMD_ADD, value, NULL, errh);
}

static int
write_remove(struct weir_element *e, const char *value, const struct weir_handler *h,
	     struct weir_errh *errh)
{
	(void)h;
	return run_command(e, CMD_REMOVE, value, NULL, errh);
}

static void
rollback(struct iproute_elem *s, struct undo *u, int n)
{
	while (n-- > 0) {
		if (u[n].cmd == CMD_REMOVE)
			iproute_table_add(&s->t, &u[n].r, false, NULL);
		else if (u[n].cmd == CMD_ADD)
			iproute_table_remove(&s->t, &u[n].r, NULL);
		else
			iproute_table_add(&s->t, &u[n].r, true, NULL);
	}
}

/* One command per line ("add ROUTE", "set ROUTE", "remove ROUTE"), all or none. */
static int
write_ctrl(struct weir_element *e, const char *value, const struct weir_handler *h,
	   struct weir_errh *errh)
{
	struct iproute_elem *s = e->priv;
	struct undo *u = NULL;
	int n = 0, cap = 0, rc = 0;
	const char *line = value;

	(void)h;
	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char *l = strndup(line, len), *cmd = l, *rest;
		line += len + (nl ? 1 : 0);
		if (!l) {
			rc = -ENOMEM;
			break;
		}
		cmd += strspn(cmd, " \t\r");
		rest = cmd + strcspn(cmd, " \t\r");
		if (*rest)
			*rest++ = '\0';
		int c = strcmp(cmd, "add") == 0 ? CMD_ADD : strcmp(cmd, "set") == 0 ? CMD_SET
			: strcmp(cmd, "remove") == 0 ? CMD_REMOVE : -1;
		if (!*cmd) {
			free(l);
			continue;
		}
		if (c < 0) {
			rc = weir_error(errh, "bad command '%s'", cmd);
			free(l);
			break;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			struct undo *nu = realloc(u, (size_t)cap * sizeof(*u));
			if (!nu) {
				free(l);
				rc = -ENOMEM;
				break;
			}
			u = nu;
		}
		rc = run_command(e, c, rest, &u[n], errh);
		free(l);
		if (rc < 0)
			break;
		n++;
	}
	if (rc < 0)
		rollback(s, u, n);
	free(u);
	return rc;
}

static int
write_flush(struct weir_element *e, const char *value, const struct weir_handler *h,
	    struct weir_errh *errh)
{
	struct iproute_elem *s = e->priv;
	(void)value;
	(void)h;
	if (iproute_table_flush(&s->t) < 0)
		return weir_error(errh, "out of memory");
	return 0;
}

static int
read_table(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	struct iproute_elem *s = e->priv;
	(void)h;
	iproute_table_dump(&s->t, out);
	return 0;
}

/* weir handlers take no read parameter: write the address, then read. */
static int
write_lookup(struct weir_element *e, const char *value, const struct weir_handler *h,
	     struct weir_errh *errh)
{
	struct iproute_elem *s = e->priv;
	uint32_t a;
	(void)h;
	if (weir_parse_ip4(value, &a) < 0)
		return weir_error(errh, "expected IP address, not '%s'", value);
	s->lookup_addr = a;
	s->has_lookup = true;
	return 0;
}

static int
read_lookup(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	struct iproute_elem *s = e->priv;
	uint32_t gw;
	char buf[16];
	(void)h;
	if (!s->has_lookup)
		return -EINVAL;
	int port = iproute_table_lookup(&s->t, s->lookup_addr, &gw);
	weir_strbuf_printf(out, "%d", port);
	if (gw) {
		weir_format_ip4(gw, buf);
		weir_strbuf_printf(out, " %s", buf);
	}
	return 0;
}

static int
read_drops(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	(void)h;
	weir_strbuf_printf(out, "%llu",
			   (unsigned long long)WEIR_PT_SUM(e, struct iproute_pt, drops));
	return 0;
}

#define H_TABLE { .name = "table", .read = read_table }
#define H_LOOKUP { .name = "lookup", .read = read_lookup, .write = write_lookup }
#define H_DROPS { .name = "drops", .read = read_drops }
#define H_UPDATE                                                         \
	{ .name = "add", .write = write_add },                           \
	{ .name = "set", .write = write_add, .arg = 1 },                 \
	{ .name = "remove", .write = write_remove },                     \
	{ .name = "ctrl", .write = write_ctrl }

const struct weir_handler iproute_handlers_dynamic[] = {
	H_UPDATE, H_TABLE, H_LOOKUP, H_DROPS, WEIR_HANDLER_END
};
const struct weir_handler iproute_handlers_static[] = {
	H_TABLE, H_LOOKUP, H_DROPS, WEIR_HANDLER_END
};
const struct weir_handler iproute_handlers_direct[] = {
	H_UPDATE, { .name = "flush", .write = write_flush }, H_TABLE, H_LOOKUP, H_DROPS,
	WEIR_HANDLER_END
};

/* ---- data path ----------------------------------------------------------------------- */

void
iproute_elem_miss(struct weir_element *e, struct iproute_elem *s, uint32_t addr_be)
{
	char buf[16];
	if (s->t.kind == IPROUTE_DIRECT || s->complaints >= MAX_COMPLAINTS)
		return;
	s->complaints++;
	weir_format_ip4(addr_be, buf);
	fprintf(stderr, "%s: no route for %s\n", e->cls->name, buf);
}

static inline void
finish(struct weir_element *e, struct iproute_elem *s, struct weir_packet *p, uint32_t gw,
       int32_t port, uint8_t *out, uint64_t *drops)
{
	if (weir_unlikely(port < 0)) {
		*out = WEIR_PORT_DROP;
		(*drops)++;
		iproute_elem_miss(e, s, weir_dst_ip_anno(p));
		return;
	}
	if (gw)
		weir_set_dst_ip_anno(p, gw);
	*out = (uint8_t)port;
}

void
iproute_classify_linear(struct weir_element *e, struct weir_batch *b, uint8_t *ports)
{
	struct iproute_elem *s = e->priv;
	struct iproute_pt *pt = weir_element_pt(e);
	const struct iproute_route *routes = s->t.rl.routes;
	uint64_t drops = 0;

	for (uint32_t i = 0; i < b->n; i++) {
		struct weir_packet *p = b->pkts[i];
		int slot = iproute_linear_slot(&s->t.rl, ntohl(weir_dst_ip_anno(p)));
		if (slot >= 0)
			finish(e, s, p, routes[slot].gw, routes[slot].port, &ports[i], &drops);
		else
			finish(e, s, p, 0, -1, &ports[i], &drops);
	}
	pt->drops += drops;
}

void
iproute_classify_radix(struct weir_element *e, struct weir_batch *b, uint8_t *ports)
{
	struct iproute_elem *s = e->priv;
	struct iproute_pt *pt = weir_element_pt(e);
	const struct iproute_route *routes = s->t.rl.routes;
	uint32_t a[WEIR_BATCH_MAX], key[WEIR_BATCH_MAX];
	uint64_t drops = 0;
	uint32_t n = b->n;

	for (uint32_t i = 0; i < n; i++)
		a[i] = ntohl(weir_dst_ip_anno(b->pkts[i]));
	iproute_radix_keys(&s->t.radix, a, key, n);
	for (uint32_t i = 0; i < n; i++)
		if (key[i])
			__builtin_prefetch(&routes[key[i] - 1]);
	for (uint32_t i = 0; i < n; i++) {
		if (key[i])
			finish(e, s, b->pkts[i], routes[key[i] - 1].gw, routes[key[i] - 1].port,
			       &ports[i], &drops);
		else
			finish(e, s, b->pkts[i], 0, -1, &ports[i], &drops);
	}
	pt->drops += drops;
}

void
iproute_classify_direct(struct weir_element *e, struct weir_batch *b, uint8_t *ports)
{
	struct iproute_elem *s = e->priv;
	struct iproute_pt *pt = weir_element_pt(e);
	const struct iproute_nexthop *nhs = s->t.direct.nh;
	uint32_t a[WEIR_BATCH_MAX], v[WEIR_BATCH_MAX];
	uint64_t drops = 0;
	uint32_t n = b->n;

	for (uint32_t i = 0; i < n; i++)
		a[i] = ntohl(weir_dst_ip_anno(b->pkts[i]));
	iproute_direct_nhs(&s->t.direct, a, v, n);
	for (uint32_t i = 0; i < n; i++)
		finish(e, s, b->pkts[i], nhs[v[i]].gw, nhs[v[i]].port, &ports[i], &drops);
	pt->drops += drops;
}
