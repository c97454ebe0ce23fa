/* exactcpuswitch.c - ExactCPUSwitch: sends each packet to the output of the thread that handles it. */
#include "weir/element.h"

/*
 * ExactCPUSwitch
 *
 * classifies packets by the thread that handles them
 *
 * Packets handled by worker thread T leave on output T modulo the number
 * of outputs: with as many outputs as threads, each thread has an output of
 * its own (a per-thread Queue or ToDump, say). The choice costs nothing per
 * packet: a whole batch goes to one output.
 *
 * Example:
 *   src :: FromDump(t.pcap) -> Pipeliner -> s :: ExactCPUSwitch;
 *   s[0] -> Counter -> Discard; s[1] -> Counter -> Discard;
 */
static const char ecs_doc[] =
	"ExactCPUSwitch\n"
	"\n"
	"classifies packets by the thread that handles them\n"
	"\n"
	"Packets handled by worker thread T leave on output T modulo the number\n"
	"of outputs: with as many outputs as threads, each thread has an output of\n"
	"its own (a per-thread Queue or ToDump, say). The choice costs nothing per\n"
	"packet: a whole batch goes to one output.\n"
	"\n"
	"Example:\n"
	"  src :: FromDump(t.pcap) -> Pipeliner -> s :: ExactCPUSwitch;\n"
	"  s[0] -> Counter -> Discard; s[1] -> Counter -> Discard;\n";

static void
ecs_push(struct weir_element *e, int port, struct weir_batch *b)
{
	weir_output_push(e, (int)(weir_tid % (unsigned)e->noutputs), b);
}

static const struct weir_element_class exactcpuswitch_class = {
	.name = "ExactCPUSwitch",
	.port_count = "1/1-",
	.processing = "h/h",
	.push = ecs_push,
	.doc = ecs_doc,
};
WEIR_ELEMENT_REGISTER(exactcpuswitch_class)
