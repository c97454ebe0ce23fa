/* l4_checker.c - the common part of CheckTCPHeader, CheckUDPHeader and CheckICMPHeader:
 * state, classify loop and handlers; each element supplies its check and texts. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include "weir/element.h"
#include "l4_priv.h"

int
l4_checker_configure(struct weir_element *e, l4_check_fn check, const char *label,
		     const char *const reasons[L4_NREASONS])
{
	struct l4_checker *c = e->priv;

	c->check = check;
	c->label = label;
	c->reasons = reasons;
	return 0;
}

void
l4_checker_classify(struct weir_element *e, struct weir_batch *b, uint8_t *ports)
{
	struct l4_checker *c = e->priv;
	l4_check_fn check = c->check;
	struct l4_checker_pt *pt = weir_element_pt(e);
	uint8_t bad = e->noutputs > 1 ? 1 : WEIR_PORT_DROP;

	for (uint32_t i = 0; i < b->n; i++) {
		enum l4_reason r = check(c, b->pkts[i]);
		if (weir_likely(r == L4_NREASONS)) {
			ports[i] = 0;
			pt->count++;
			continue;
		}
		ports[i] = bad;
		pt->drops++;
		pt->reason[r]++;
		if (c->verbose || !c->warned) {
			c->warned = true;
			fprintf(stderr, "%s: %s header check failed: %s\n", e->name, c->label,
				c->reasons[r]);
		}
	}
}

enum { H_COUNT, H_DROPS, H_DETAILS };

static int
l4_checker_read(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	const struct l4_checker *c = e->priv;
	uint64_t reasons[L4_NREASONS];

	switch (h->arg) {
	case H_COUNT:
		weir_strbuf_printf(out, "%" PRIu64, WEIR_PT_SUM(e, struct l4_checker_pt, count));
		return 0;
	case H_DROPS:
		weir_strbuf_printf(out, "%" PRIu64, WEIR_PT_SUM(e, struct l4_checker_pt, drops));
		return 0;
	case H_DETAILS:
		if (!c->details)
			return -ENOENT;
		for (unsigned r = 0; r < L4_NREASONS; r++)
			reasons[r] = WEIR_PT_SUM(e, struct l4_checker_pt, reason[r]);
		l4_format_drop_details(out, reasons, c->reasons);
		return 0;
	default:
		return -EINVAL;
	}
}

const struct weir_handler l4_checker_handlers[] = {
	{ .name = "count", .read = l4_checker_read, .arg = H_COUNT },
	{ .name = "drops", .read = l4_checker_read, .arg = H_DROPS },
	{ .name = "drop_details", .read = l4_checker_read, .arg = H_DETAILS },
	WEIR_HANDLER_END
};
