/* tee.c - Tee and PullTee: send a copy of each packet out of every output. */
/*
 * =c
 * Tee([N])
 *
 * PullTee([N])
 *
 * =s basictransfer
 * duplicates packets
 *
 * =d
 * Tee sends a copy of each incoming packet out each output. Copies are
 * clones: they share the packet data (copy on write). As in Click, outputs
 * 0 .. N-2 receive clones, pushed in output order, and the last output
 * receives the original packet. A clone that cannot be made (no packet header
 * free) is not sent and is counted in `drops`.
 *
 * PullTee's input and its first output are pull; its other outputs are push.
 * Each time the pull output pulls packets, it sends a copy of each out the
 * push outputs (output 0 returns the originals).
 *
 * Tee and PullTee have however many outputs are used in the configuration,
 * but you can say how many outputs you expect with the optional argument N;
 * it is an error when N differs from the number of outputs used.
 *
 * Keyword:
 *   N  unsigned; number of outputs expected. Default: as connected.
 *
 * =h drops read-only
 * Copies not made because no packet header was free.
 *
 * =e
 *   ... -> t :: Tee(2); t[0] -> ToDump(a.pcap); t[1] -> Counter -> Discard;
 *
 * =a PaintSwitch
 */
#include <stddef.h>
#include "weir/args.h"
#include "weir/element.h"

static const char tee_doc[] =
	"Tee([N])\n"
	"PullTee([N])\n"
	"\n"
	"Duplicates packets.\n"
	"\n"
	"Tee sends a copy of each incoming packet out each output. Copies are\n"
	"clones: they share the packet data (copy on write). As in Click, outputs\n"
	"0 .. N-2 receive clones, pushed in output order, and the last output\n"
	"receives the original packet. A clone that cannot be made (no packet header\n"
	"free) is not sent and is counted in 'drops'.\n"
	"\n"
	"PullTee's input and its first output are pull; its other outputs are push.\n"
	"Each time the pull output pulls packets, it sends a copy of each out the\n"
	"push outputs (output 0 returns the originals).\n"
	"\n"
	"Tee and PullTee have however many outputs are used in the configuration,\n"
	"but you can say how many outputs you expect with the optional argument N;\n"
	"it is an error when N differs from the number of outputs used.\n"
	"\n"
	"Keyword:\n"
	"  N  unsigned; number of outputs expected. Default: as connected.\n"
	"\n"
	"Handler:\n"
	"  drops (read)  copies not made because no packet header was free.\n"
	"\n"
	"Example:\n"
	"  ... -> t :: Tee(2); t[0] -> ToDump(a.pcap); t[1] -> Counter -> Discard;\n";

struct tee {
	uint32_t n;
	bool n_given;
};

struct tee_pt {
	uint64_t drops;
};

static const struct weir_arg tee_args[] = {
	{ "N", WEIR_ARG_UINT, offsetof(struct tee, n), WEIR_ARGF_POSITIONAL | WEIR_ARGF_GIVEN,
	  .given_offset = offsetof(struct tee, n_given), .help = "number of outputs expected" },
	WEIR_ARG_END
};

static int
tee_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	const struct tee *t = e->priv;
	if (t->n_given && t->n != (uint32_t)e->noutputs)
		return weir_error(errh, "%d outputs implies %u arms", e->noutputs, t->n);
	return 0;
}

/* Push a clone of every packet of b out of `port`; count clones not made. */
static void
tee_push_clones(struct weir_element *e, int port, const struct weir_batch *b)
{
	struct weir_batch c;
	uint32_t failed = 0;
	c.n = 0;
	for (uint32_t i = 0; i < b->n; i++) {
		struct weir_packet *q = weir_packet_clone(b->pkts[i]);
		if (weir_likely(q != NULL))
			c.pkts[c.n++] = q;
		else
			failed++;
	}
	if (weir_unlikely(failed)) {
		struct tee_pt *pt = weir_element_pt(e);
		pt->drops += failed;
	}
	weir_output_push(e, port, &c);
}

static void
tee_push(struct weir_element *e, int port, struct weir_batch *b)
{
	(void)port;
	int last = e->noutputs - 1;
	for (int o = 0; o < last; o++)
		tee_push_clones(e, o, b);
	weir_output_push(e, last, b);
}

static uint32_t
pulltee_pull(struct weir_element *e, int port, struct weir_batch *b, uint32_t max)
{
	(void)port;
	uint32_t n = weir_input_pull(e, 0, b, max);
	if (n)
		for (int o = 1; o < e->noutputs; o++)
			tee_push_clones(e, o, b);
	return b->n;
}

static int
tee_read_drops(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	weir_strbuf_printf(out, "%llu", (unsigned long long)WEIR_PT_SUM(e, struct tee_pt, drops));
	return 0;
}

static const struct weir_handler tee_handlers[] = {
	{ .name = "drops", .read = tee_read_drops },
	WEIR_HANDLER_END
};

static const struct weir_element_class tee_class = {
	.name = "Tee",
	.port_count = "1/1-",
	.processing = "h/h",
	.priv_size = sizeof(struct tee),
	.pt_size = sizeof(struct tee_pt),
	.args = tee_args,
	.configure = tee_configure,
	.push = tee_push,
	.handlers = tee_handlers,
	.doc = tee_doc,
};
WEIR_ELEMENT_REGISTER(tee_class)

static const struct weir_element_class pulltee_class = {
	.name = "PullTee",
	.port_count = "1/1-",
	.processing = "l/lh",
	.priv_size = sizeof(struct tee),
	.pt_size = sizeof(struct tee_pt),
	.args = tee_args,
	.configure = tee_configure,
	.pull = pulltee_pull,
	.handlers = tee_handlers,
	.doc = tee_doc,
};
WEIR_ELEMENT_REGISTER(pulltee_class)
