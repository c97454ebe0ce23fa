/* hashswitch.c - HashSwitch: picks an output from a hash of some packet bytes. */
/*
 * HashSwitch(OFFSET, LENGTH)
 *
 * classifies packets by hash of contents
 *
 * Can have any number of outputs. Chooses the output on which to emit each
 * packet based on a hash of the LENGTH bytes starting at OFFSET. Could be
 * used for stochastic fair queuing.
 *
 * The hash is Click's: the sum of the bytes; with 2, 4 or 8 outputs the
 * output is (sum ^ (sum >> 4)) & (outputs - 1), otherwise sum % outputs, so
 * a packet leaves on the same output as in Click. Packets shorter than
 * OFFSET + LENGTH go to output 0.
 *
 * Keyword arguments are:
 *   OFFSET  Unsigned. Byte offset of the hashed bytes. Mandatory.
 *   LENGTH  Unsigned, at least 1. Number of hashed bytes. Mandatory.
 *   MAX     Unsigned. Accepted for FastClick compatibility and ignored:
 *           FastClick also hashes over the number of outputs.
 *
 * Example:
 *   This element expects IP packets and chooses the output based on a hash
 *   of the IP destination address:
 *
 *   HashSwitch(16, 4)
 *
 * See also: Switch, RoundRobinSwitch, RandomSample.
 */
#include <stddef.h>
#include "weir/args.h"
#include "weir/element.h"

static const char hashswitch_doc[] =
	"HashSwitch(OFFSET, LENGTH)\n"
	"\n"
	"classifies packets by hash of contents\n"
	"\n"
	"Can have any number of outputs. Chooses the output on which to emit each\n"
	"packet based on a hash of the LENGTH bytes starting at OFFSET. Could be\n"
	"used for stochastic fair queuing.\n"
	"\n"
	"The hash is Click's: the sum of the bytes; with 2, 4 or 8 outputs the\n"
	"output is (sum ^ (sum >> 4)) & (outputs - 1), otherwise sum % outputs, so\n"
	"a packet leaves on the same output as in Click. Packets shorter than\n"
	"OFFSET + LENGTH go to output 0.\n"
	"\n"
	"Keyword arguments are:\n"
	"  OFFSET  Unsigned. Byte offset of the hashed bytes. Mandatory.\n"
	"  LENGTH  Unsigned, at least 1. Number of hashed bytes. Mandatory.\n"
	"  MAX     Unsigned. Accepted for FastClick compatibility and ignored:\n"
	"          FastClick also hashes over the number of outputs.\n"
	"\n"
	"Example:\n"
	"  This element expects IP packets and chooses the output based on a hash\n"
	"  of the IP destination address:\n"
	"\n"
	"  HashSwitch(16, 4)\n"
	"\n"
	"See also: Switch, RoundRobinSwitch, RandomSample.\n";

struct hashswitch {
	uint32_t offset;
	uint32_t length;
	uint32_t max; /* FastClick's MAX, ignored */
};

static const struct weir_arg hashswitch_args[] = {
	{ "OFFSET", WEIR_ARG_UINT, offsetof(struct hashswitch, offset),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "byte offset of the hashed bytes" },
	{ "LENGTH", WEIR_ARG_UINT, offsetof(struct hashswitch, length),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "number of hashed bytes" },
	{ "MAX", WEIR_ARG_UINT, offsetof(struct hashswitch, max), 0,
	  .help = "ignored (FastClick compatibility)" },
	WEIR_ARG_END
};

static int
hashswitch_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct hashswitch *h = e->priv;
	(void)conf;
	if (h->length == 0)
		return weir_error(errh, "LENGTH must be > 0");
	if ((uint64_t)h->offset + h->length > UINT32_MAX)
		return weir_error(errh, "OFFSET + LENGTH too large");
	if (e->noutputs > 255)
		return weir_error(errh, "too many outputs (%d, at most 255)", e->noutputs);
	return 0;
}

/* Click's hash of bytes [o, o + l) over n outputs. */
static inline uint8_t
hashswitch_port(const uint8_t *data, uint32_t o, uint32_t l, int n)
{
	int d = 0;
	for (uint32_t i = o; i < o + l; i++)
		d += data[i];
	if (n == 2 || n == 4 || n == 8)
		return (uint8_t)((d ^ (d >> 4)) & (n - 1));
	return (uint8_t)(d % n);
}

static void
hashswitch_classify(struct weir_element *e, struct weir_batch *b, uint8_t *ports)
{
	const struct hashswitch *h = e->priv;
	uint32_t o = h->offset, l = h->length;
	uint64_t need = (uint64_t)o + l;
	int n = e->noutputs;
	for (uint32_t i = 0; i < b->n; i++) {
		const struct weir_packet *p = b->pkts[i];
		if (weir_unlikely(p->len < need || n <= 0))
			ports[i] = 0;
		else
			ports[i] = hashswitch_port(p->data, o, l, n);
	}
}

static const struct weir_element_class hashswitch_class = {
	.name = "HashSwitch",
	.port_count = "1/1-",
	.processing = "h/h",
	.priv_size = sizeof(struct hashswitch),
	.args = hashswitch_args,
	.configure = hashswitch_configure,
	.classify = hashswitch_classify,
	.doc = hashswitch_doc,
};
WEIR_ELEMENT_REGISTER(hashswitch_class)
