/* randomsample.c - RandomSample: passes each packet with probability P. */
/*
 * RandomSample([P, KEYWORDS])
 *
 * samples packets with some probability
 *
 * Samples packets with probability P. One out of 1/P packets are sent to the
 * first output. The remaining packets are dropped, unless the element has two
 * outputs, in which case they are emitted on output 1.
 *
 * If you don't specify P, you must supply one of the SAMPLE and DROP keyword
 * arguments.
 *
 * Probabilities are kept as Click keeps them, in fixed point with 28
 * fractional bits. The random numbers come from a per-element xorshift
 * generator seeded at start-up (Click has no SEED keyword), so runs differ.
 * Output 0 may be push or pull; output 1 is push.
 *
 * Keyword arguments are:
 *   SAMPLE P   Sets the sampling probability to P.
 *   DROP Q     The element will drop packets with probability Q. Same as
 *              supplying (1 - Q) as the sampling probability. Give at most
 *              one of SAMPLE and DROP.
 *   ACTIVE     Boolean. RandomSample is active or inactive; when inactive,
 *              it sends all packets to output 0. Default is true (active).
 *
 * Handlers:
 *   sampling_prob (read/write)  the sampling probability
 *   drop_prob (read/write)      the drop probability, 1 minus the sampling
 *                               probability
 *   active (read/write)         makes the element active or inactive
 *   drops (read-only)           the number of packets not sampled (sent to
 *                               output 1 or dropped)
 *
 * Example:
 *   FromDump(in.pcap) -> RandomSample(0.01) -> ToDump(sample.pcap);
 *
 * See also: RandomBitErrors, HashSwitch.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include "weir/args.h"
#include "weir/element.h"
#include "traffic_priv.h"

static const char randomsample_doc[] =
	"RandomSample([P, KEYWORDS])\n"
	"\n"
	"samples packets with some probability\n"
	"\n"
	"Samples packets with probability P. One out of 1/P packets are sent to the\n"
	"first output. The remaining packets are dropped, unless the element has two\n"
	"outputs, in which case they are emitted on output 1.\n"
	"\n"
	"If you don't specify P, you must supply one of the SAMPLE and DROP keyword\n"
	"arguments.\n"
	"\n"
	"Probabilities are kept as Click keeps them, in fixed point with 28\n"
	"fractional bits. The random numbers come from a per-element xorshift\n"
	"generator seeded at start-up (Click has no SEED keyword), so runs differ.\n"
	"Output 0 may be push or pull; output 1 is push.\n"
	"\n"
	"Keyword arguments are:\n"
	"  SAMPLE P   Sets the sampling probability to P.\n"
	"  DROP Q     The element will drop packets with probability Q. Same as\n"
	"             supplying (1 - Q) as the sampling probability. Give at most\n"
	"             one of SAMPLE and DROP.\n"
	"  ACTIVE     Boolean. RandomSample is active or inactive; when inactive,\n"
	"             it sends all packets to output 0. Default is true (active).\n"
	"\n"
	"Handlers:\n"
	"  sampling_prob (read/write)  the sampling probability\n"
	"  drop_prob (read/write)      the drop probability, 1 minus the sampling\n"
	"                              probability\n"
	"  active (read/write)         makes the element active or inactive\n"
	"  drops (read-only)           the number of packets not sampled (sent to\n"
	"                              output 1 or dropped)\n"
	"\n"
	"Example:\n"
	"  FromDump(in.pcap) -> RandomSample(0.01) -> ToDump(sample.pcap);\n"
	"\n"
	"See also: RandomBitErrors, HashSwitch.\n";

#define RS_SHIFT 28
#define RS_ONE (1u << RS_SHIFT)
#define RS_MASK (RS_ONE - 1)

struct randomsample {
	/* configuration */
	double p, sample, drop;
	bool p_given, sample_given, drop_given;
	bool active;
	/* state */
	uint32_t prob; /* sampling probability out of RS_ONE */
};

struct randomsample_pt {
	uint64_t drops;
	uint64_t rng; /* this thread's generator; 0 until seeded */
};

static const struct weir_arg randomsample_args[] = {
	{ "P", WEIR_ARG_DOUBLE, offsetof(struct randomsample, p),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_GIVEN,
	  .given_offset = offsetof(struct randomsample, p_given), .help = "sampling probability" },
	{ "SAMPLE", WEIR_ARG_DOUBLE, offsetof(struct randomsample, sample), WEIR_ARGF_GIVEN,
	  .given_offset = offsetof(struct randomsample, sample_given),
	  .help = "sampling probability" },
	{ "DROP", WEIR_ARG_DOUBLE, offsetof(struct randomsample, drop), WEIR_ARGF_GIVEN,
	  .given_offset = offsetof(struct randomsample, drop_given), .help = "drop probability" },
	{ "ACTIVE", WEIR_ARG_BOOL, offsetof(struct randomsample, active), 0, .def = "true",
	  .help = "sample packets? (false: everything to output 0)" },
	WEIR_ARG_END
};

/* A probability 0..1 in fixed point; -EINVAL when out of range. */
static int
randomsample_fixed(double v, uint32_t *out)
{
	if (!(v >= 0.0 && v <= 1.0))
		return -EINVAL;
	*out = (uint32_t)llround(v * (double)RS_ONE);
	return 0;
}

static int
randomsample_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct randomsample *rs = e->priv;
	uint32_t v;
	(void)conf;
	if (rs->sample_given && rs->drop_given)
		return weir_error(errh, "give at most one of SAMPLE and DROP");
	if (rs->drop_given) {
		if (randomsample_fixed(rs->drop, &v) < 0)
			return weir_error(errh, "DROP: probability must be between 0 and 1");
		rs->prob = RS_ONE - v;
	} else if (rs->sample_given || rs->p_given) {
		double s = rs->sample_given ? rs->sample : rs->p;
		if (randomsample_fixed(s, &v) < 0)
			return weir_error(errh, "%s: sampling probability must be between 0 and 1",
					  rs->sample_given ? "SAMPLE" : "P");
		rs->prob = v;
	} else {
		return weir_error(errh, "P: give a sampling probability (P, SAMPLE or DROP)");
	}
	if (e->noutputs > 2)
		return weir_error(errh, "at most 2 outputs");
	return 0;
}

static void
randomsample_classify(struct weir_element *e, struct weir_batch *b, uint8_t *ports)
{
	struct randomsample *rs = e->priv;
	if (!rs->active) {
		memset(ports, 0, b->n);
		return;
	}
	struct randomsample_pt *pt = weir_element_pt(e);
	if (weir_unlikely(!pt->rng))
		pt->rng = tr_random_seed(pt);
	uint32_t prob = rs->prob, drops = 0;
	uint64_t rng = pt->rng;
	for (uint32_t i = 0; i < b->n; i++) {
		uint8_t out = (tr_random(&rng) & RS_MASK) < prob ? 0 : 1;
		ports[i] = out;
		drops += out;
	}
	pt->rng = rng;
	pt->drops += drops;
}

enum { H_SAMPLE, H_DROP, H_ACTIVE, H_DROPS };

static int
randomsample_read(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	struct randomsample *rs = e->priv;
	switch (h->arg) {
	case H_SAMPLE:
		tr_format_fixed(out, rs->prob, RS_SHIFT);
		return 0;
	case H_DROP:
		tr_format_fixed(out, RS_ONE - rs->prob, RS_SHIFT);
		return 0;
	case H_ACTIVE:
		weir_strbuf_puts(out, rs->active ? "true" : "false");
		return 0;
	case H_DROPS:
		weir_strbuf_printf(out, "%" PRIu64, WEIR_PT_SUM(e, struct randomsample_pt, drops));
		return 0;
	default:
		return -EINVAL;
	}
}

static int
randomsample_write(struct weir_element *e, const char *value, const struct weir_handler *h,
		   struct weir_errh *errh)
{
	struct randomsample *rs = e->priv;
	double d;
	uint32_t v;
	bool bv;
	switch (h->arg) {
	case H_SAMPLE:
	case H_DROP:
		if (weir_parse_double(value, &d) < 0 || randomsample_fixed(d, &v) < 0)
			return weir_error(errh, "Must be given a number between 0.0 and 1.0");
		rs->prob = h->arg == H_DROP ? RS_ONE - v : v;
		return 0;
	case H_ACTIVE:
		if (weir_parse_bool(value, &bv) < 0)
			return weir_error(errh, "active: expected boolean, got '%s'", value);
		rs->active = bv;
		return 0;
	default:
		return -EINVAL;
	}
}

static const struct weir_handler randomsample_handlers[] = {
	{ .name = "sampling_prob", .read = randomsample_read, .write = randomsample_write,
	  .arg = H_SAMPLE },
	{ .name = "drop_prob", .read = randomsample_read, .write = randomsample_write,
	  .arg = H_DROP },
	{ .name = "active", .read = randomsample_read, .write = randomsample_write,
	  .arg = H_ACTIVE },
	{ .name = "drops", .read = randomsample_read, .arg = H_DROPS },
	WEIR_HANDLER_END
};

static const struct weir_element_class randomsample_class = {
	.name = "RandomSample",
	.port_count = "1/1-2",
	.processing = "a/ah",
	.priv_size = sizeof(struct randomsample),
	.pt_size = sizeof(struct randomsample_pt),
	.args = randomsample_args,
	.configure = randomsample_configure,
	.classify = randomsample_classify,
	.handlers = randomsample_handlers,
	.doc = randomsample_doc,
};
WEIR_ELEMENT_REGISTER(randomsample_class)
