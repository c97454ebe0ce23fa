/* roundrobinswitch.c - RoundRobinSwitch: sends successive packets to successive outputs. */
/*
 * =c
 * RoundRobinSwitch
 *
 * =s classification
 * sends packets to round-robin outputs
 *
 * =d
 * Pushes each arriving packet to one of the N outputs. The next packet will
 * be pushed to the following output in round-robin order: the first packet
 * goes to output 0, the second to output 1, and so on, wrapping around.
 * Rotation is per packet (as in Click, not per batch as in FastClick). With
 * several threads, each thread keeps its own rotation.
 *
 * =e
 *   ... -> rr :: RoundRobinSwitch; rr[0] -> q0 :: Queue; rr[1] -> q1 :: Queue;
 *
 * =a Switch, PaintSwitch, RoundRobinSched
 */
#include "weir/element.h"

static const char rrswitch_doc[] =
	"RoundRobinSwitch\n"
	"\n"
	"Sends packets to round-robin outputs.\n"
	"\n"
	"Pushes each arriving packet to one of the N outputs. The next packet will\n"
	"be pushed to the following output in round-robin order: the first packet\n"
	"goes to output 0, the second to output 1, and so on, wrapping around.\n"
	"Rotation is per packet (as in Click, not per batch as in FastClick). With\n"
	"several threads, each thread keeps its own rotation.\n"
	"\n"
	"Example:\n"
	"  ... -> rr :: RoundRobinSwitch; rr[0] -> q0 :: Queue; rr[1] -> q1 :: Queue;\n";

struct rrswitch_pt {
	uint32_t next;
};

static void
rrswitch_classify(struct weir_element *e, struct weir_batch *b, uint8_t *ports)
{
	struct rrswitch_pt *pt = weir_element_pt(e);
	uint32_t n = (uint32_t)e->noutputs;
	uint32_t next = pt->next;
	for (uint32_t i = 0; i < b->n; i++) {
		ports[i] = (uint8_t)next;
		if (++next == n)
			next = 0;
	}
	pt->next = next;
}

static int
rrswitch_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	if (conf->argc > 0)
		return weir_error(errh, "expected no arguments");
	if (e->noutputs > 255)
		return weir_error(errh, "too many outputs (%d, at most 255)", e->noutputs);
	return 0;
}

static const struct weir_element_class rrswitch_class = {
	.name = "RoundRobinSwitch",
	.port_count = "1/1-",
	.processing = "h/h",
	.pt_size = sizeof(struct rrswitch_pt),
	.configure = rrswitch_configure,
	.classify = rrswitch_classify,
	.doc = rrswitch_doc,
};
WEIR_ELEMENT_REGISTER(rrswitch_class)
