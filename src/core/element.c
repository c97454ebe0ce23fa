/* element.c - the framework side of elements: batch forwarding, split, generic handlers. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "weir/element.h"
#include "weir/router.h"
#include "router_priv.h"

unsigned
weir_element_nthreads(const struct weir_element *e)
{
	return e->router ? e->router->nthreads : 1;
}

void
weir_output_push_packet(struct weir_element *e, int port, struct weir_packet *p)
{
	struct weir_batch b;
	b.n = 1;
	b.pkts[0] = p;
	weir_output_push(e, port, &b);
}

/* Push every packet of b whose port is `port` as one batch, in order. */
static void
push_part(struct weir_element *e, const struct weir_batch *b, const uint8_t *ports,
	  uint8_t port, struct weir_batch *tmp)
{
	tmp->n = 0;
	for (uint32_t i = 0; i < b->n; i++)
		if (ports[i] == port)
			tmp->pkts[tmp->n++] = b->pkts[i];
	weir_output_push(e, port, tmp);
}

void
weir_output_push_split(struct weir_element *e, struct weir_batch *b, const uint8_t *ports)
{
	uint32_t n = b->n;
	if (!n)
		return;
	int nout = e->noutputs;
	/* common case: the whole batch goes to one output */
	uint8_t first = ports[0];
	uint32_t i = 1;
	while (i < n && ports[i] == first)
		i++;
	if (i == n) {
		if (first < nout)
			weir_output_push(e, first, b);
		else
			weir_batch_kill(b);
		return;
	}
	/* which outputs are present (ports are bytes: at most 256 distinct) */
	uint64_t present[4] = { 0, 0, 0, 0 };
	uint32_t ndrop = 0;
	for (i = 0; i < n; i++) {
		uint8_t p = ports[i];
		if (p >= nout) {
			ndrop++;
			continue;
		}
		present[p >> 6] |= 1ull << (p & 63);
	}
	struct weir_batch tmp;
	if (ndrop) {
		tmp.n = 0;
		for (i = 0; i < n; i++)
			if (ports[i] >= nout)
				tmp.pkts[tmp.n++] = b->pkts[i];
		weir_batch_kill(&tmp);
	}
	for (int w = 0; w < 4; w++) {
		uint64_t bits = present[w];
		while (bits) {
			int bit = __builtin_ctzll(bits);
			bits &= bits - 1;
			push_part(e, b, ports, (uint8_t)(w * 64 + bit), &tmp);
		}
	}
	b->n = 0;
}

void
weir_simple_push(struct weir_element *e, int port, struct weir_batch *b)
{
	(void)port;
	e->cls->simple_action(e, b);
	weir_batch_compact(b);
	weir_output_push(e, 0, b);
}

uint32_t
weir_simple_pull(struct weir_element *e, int port, struct weir_batch *b, uint32_t max)
{
	(void)port;
	if (!weir_input_pull(e, 0, b, max))
		return 0;
	e->cls->simple_action(e, b);
	weir_batch_compact(b);
	return b->n;
}

void
weir_classify_push(struct weir_element *e, int port, struct weir_batch *b)
{
	(void)port;
	uint8_t ports[WEIR_BATCH_MAX];
	e->cls->classify(e, b, ports);
	weir_output_push_split(e, b, ports);
}

uint32_t
weir_classify_pull(struct weir_element *e, int port, struct weir_batch *b, uint32_t max)
{
	(void)port;
	uint8_t ports[WEIR_BATCH_MAX];
	if (!weir_input_pull(e, 0, b, max))
		return 0;
	e->cls->classify(e, b, ports);
	/* keep output 0's packets, push the others */
	uint32_t i = 0;
	while (i < b->n && ports[i] == 0)
		i++;
	if (i == b->n)
		return b->n;
	struct weir_batch rest;
	uint8_t rest_ports[WEIR_BATCH_MAX];
	rest.n = 0;
	uint32_t k = 0;
	for (uint32_t i = 0; i < b->n; i++) {
		if (ports[i] == 0) {
			b->pkts[k++] = b->pkts[i];
		} else {
			rest_ports[rest.n] = ports[i];
			rest.pkts[rest.n++] = b->pkts[i];
		}
	}
	b->n = k;
	/* a pull output 0 can't receive pushes: route port 0 nowhere else */
	for (uint32_t i = 0; i < rest.n; i++)
		if (rest_ports[i] < e->noutputs && !weir_output_is_push(e, rest_ports[i]))
			rest_ports[i] = WEIR_PORT_DROP;
	weir_output_push_split(e, &rest, rest_ports);
	return b->n;
}

/* ---- handler helpers ----------------------------------------------------- */

int
weir_handler_read_u64(struct weir_element *e, const struct weir_handler *h,
		      struct weir_strbuf *out)
{
	uint64_t v;
	memcpy(&v, (char *)e->priv + h->arg, sizeof(v));
	weir_strbuf_printf(out, "%" PRIu64, v);
	return 0;
}

int
weir_handler_read_u32(struct weir_element *e, const struct weir_handler *h,
		      struct weir_strbuf *out)
{
	uint32_t v;
	memcpy(&v, (char *)e->priv + h->arg, sizeof(v));
	weir_strbuf_printf(out, "%" PRIu32, v);
	return 0;
}

int
weir_handler_read_int(struct weir_element *e, const struct weir_handler *h,
		      struct weir_strbuf *out)
{
	int v;
	memcpy(&v, (char *)e->priv + h->arg, sizeof(v));
	weir_strbuf_printf(out, "%d", v);
	return 0;
}

int
weir_handler_read_bool(struct weir_element *e, const struct weir_handler *h,
		       struct weir_strbuf *out)
{
	bool v;
	memcpy(&v, (char *)e->priv + h->arg, sizeof(v));
	weir_strbuf_puts(out, v ? "true" : "false");
	return 0;
}

const char *
weir_element_declaration(const struct weir_element *e, struct weir_strbuf *sb)
{
	weir_strbuf_printf(sb, "%s :: %s", e->name, e->cls->name);
	return weir_strbuf_str(sb);
}
