/* switch.c - Switch: sends every packet to one output chosen by a handler. */
/*
 * =c
 * Switch([OUTPUT])
 *
 * =s classification
 * sends packet stream to settable output
 *
 * =d
 * Switch sends every incoming packet to one of its output ports --
 * specifically, OUTPUT. The default OUTPUT is zero. If OUTPUT is negative,
 * or not less than the number of outputs, incoming packets are dropped. The
 * output can be changed with the `switch` write handler.
 *
 * Keyword:
 *   OUTPUT  integer; the active output. Default 0.
 *
 * =h switch read/write
 * The active output; -1 means drop.
 *
 * =e
 *   ... -> s :: Switch(0); s[0] -> ...; s[1] -> ...;
 *   Script(wait 1s, write s.switch 1)
 *
 * =a PaintSwitch, RoundRobinSwitch
 */
#include <stddef.h>
#include "weir/args.h"
#include "weir/element.h"

static const char switch_doc[] =
	"Switch([OUTPUT])\n"
	"\n"
	"Sends packet stream to settable output.\n"
	"\n"
	"Switch sends every incoming packet to one of its output ports --\n"
	"specifically, OUTPUT. The default OUTPUT is zero. If OUTPUT is negative,\n"
	"or not less than the number of outputs, incoming packets are dropped. The\n"
	"output can be changed with the 'switch' write handler.\n"
	"\n"
	"Keyword:\n"
	"  OUTPUT  integer; the active output. Default 0.\n"
	"\n"
	"Handler:\n"
	"  switch (read/write)  the active output; -1 means drop.\n"
	"\n"
	"Example:\n"
	"  ... -> s :: Switch(0); s[0] -> ...; s[1] -> ...;\n"
	"  Script(wait 1s, write s.switch 1)\n";

struct weir_switch {
	int32_t output;
};

static const struct weir_arg switch_args[] = {
	{ "OUTPUT", WEIR_ARG_INT, offsetof(struct weir_switch, output), WEIR_ARGF_POSITIONAL,
	  .def = "0", .help = "active output (-1 drops)" },
	WEIR_ARG_END
};

/* Click keeps -1 for any output that does not exist. */
static int32_t
switch_normalize(const struct weir_element *e, int32_t out)
{
	return out < 0 || out >= e->noutputs ? -1 : out;
}

static int
switch_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct weir_switch *s = e->priv;
	s->output = switch_normalize(e, s->output);
	return 0;
}

static void
switch_push(struct weir_element *e, int port, struct weir_batch *b)
{
	const struct weir_switch *s = e->priv;
	int32_t out = s->output;
	(void)port;
	if (weir_likely(out >= 0))
		weir_output_push(e, out, b);
	else
		weir_batch_kill(b);
}

static int
switch_write(struct weir_element *e, const char *value, const struct weir_handler *h,
	     struct weir_errh *errh)
{
	struct weir_switch *s = e->priv;
	int32_t v;
	if (weir_parse_int(value, &v) < 0)
		return weir_error(errh, "Switch output must be integer, got '%s'", value);
	s->output = switch_normalize(e, v);
	return 0;
}

static const struct weir_handler switch_handlers[] = {
	{ .name = "switch", .read = weir_handler_read_int, .write = switch_write,
	  .arg = offsetof(struct weir_switch, output) },
	WEIR_HANDLER_END
};

static const struct weir_element_class switch_class = {
	.name = "Switch",
	.port_count = "1/-",
	.processing = "h/h",
	.priv_size = sizeof(struct weir_switch),
	.args = switch_args,
	.configure = switch_configure,
	.push = switch_push,
	.handlers = switch_handlers,
	.doc = switch_doc,
};
WEIR_ELEMENT_REGISTER(switch_class)
