/*
 * Idle
 *
 * discards packets
 *
 * Has zero or more agnostic outputs and zero or more agnostic inputs. It
 * never pushes a packet to any output or pulls a packet from any input. Any
 * packet it does receive is discarded. A pull from any of its outputs
 * returns nothing, and its empty notifier never wakes, so a puller
 * downstream (Unqueue, Discard) goes to sleep. Used to avoid "input not
 * connected" error messages.
 *
 * Example:
 *   Idle -> q :: Queue -> ToDump(out.pcap);
 *
 * See also: Discard.
 */
#include "weir/element.h"
#include "weir/notifier.h"

static const char idle_doc[] =
	"Idle\n"
	"\n"
	"discards packets\n"
	"\n"
	"Has zero or more agnostic outputs and zero or more agnostic inputs. It\n"
	"never pushes a packet to any output or pulls a packet from any input. Any\n"
	"packet it does receive is discarded. A pull from any of its outputs\n"
	"returns nothing, and its empty notifier never wakes, so a puller\n"
	"downstream (Unqueue, Discard) goes to sleep. Used to avoid \"input not\n"
	"connected\" error messages.\n"
	"\n"
	"Example:\n"
	"  Idle -> q :: Queue -> ToDump(out.pcap);\n"
	"\n"
	"See also: Discard.\n";

struct idle {
	struct weir_notifier never; /* always inactive */
};

static void
idle_push(struct weir_element *e, int port, struct weir_batch *b)
{
	weir_batch_kill(b);
}

static uint32_t
idle_pull(struct weir_element *e, int port, struct weir_batch *b, uint32_t max)
{
	return 0;
}

static struct weir_notifier *
idle_notifier(struct weir_element *e, int port)
{
	struct idle *s = e->priv;
	return &s->never;
}

static int
idle_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct idle *s = e->priv;
	if (conf->argc > 0)
		return weir_error(errh, "too many arguments: Idle takes none");
	weir_notifier_init(&s->never, false);
	return 0;
}

static const struct weir_element_class idle_class = {
	.name = "Idle",
	.port_count = "-/-",
	.processing = "a/a",
	.flow_code = "x/y",
	.priv_size = sizeof(struct idle),
	.configure = idle_configure,
	.push = idle_push,
	.pull = idle_pull,
	.notifier = idle_notifier,
	.doc = idle_doc,
};
WEIR_ELEMENT_REGISTER(idle_class)
