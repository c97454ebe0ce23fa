/* ratedunqueue.c - RatedUnqueue: pulls packets at RATE packets per second and pushes them. */
/*
 * RatedUnqueue(RATE, [KEYWORDS])
 *
 * pull-to-push converter
 *
 * Pulls packets at the given RATE in packets per second, and pushes them out
 * its single output. It is implemented with a token bucket. The capacity of
 * this token bucket defaults to 20 milliseconds worth of tokens, but can be
 * customized by setting BURST_DURATION or BURST_SIZE. The bucket starts
 * full. RATE 0 means no limit.
 *
 * Each time it runs, RatedUnqueue pulls as many packets as the bucket holds
 * tokens, at most BURST, and pushes them as one batch (FastClick's batch
 * behaviour). When the bucket is empty its task sleeps on a timer until the
 * next token is due; when a pull returns nothing and the upstream empty
 * notifier (a Queue's) is asleep, it sleeps until the notifier wakes. It
 * never spins on the clock.
 *
 * Keyword arguments are:
 *   RATE            Integer. Token bucket fill rate in packets per second.
 *   BURST_DURATION  Time. If specified, the capacity of the token bucket is
 *                   calculated as rate * burst_duration (in milliseconds).
 *   BURST_SIZE      Integer. If specified, the capacity of the token bucket
 *                   is set to this value.
 *   BURST           Integer. Most packets pulled at once. Default 32.
 *   ACTIVE          Boolean. If false, pulls nothing. Default true.
 *
 * Handlers:
 *   rate (read/write)    the RATE parameter
 *   active (read/write)  the ACTIVE parameter
 *   calls (read-only)    counts of task runs, empty runs, pushes, failed
 *                        pulls and packets
 *
 * Example:
 *   FromDump(in.pcap) -> Queue -> RatedUnqueue(1000) -> ToDump(out.pcap);
 *
 * See also: BandwidthRatedUnqueue, Unqueue, Shaper, RatedSplitter.
 */
#include <stddef.h>
#include "ratedunqueue_priv.h"

static const char ratedunqueue_doc[] =
	"RatedUnqueue(RATE, [KEYWORDS])\n"
	"\n"
	"pull-to-push converter\n"
	"\n"
	"Pulls packets at the given RATE in packets per second, and pushes them out\n"
	"its single output. It is implemented with a token bucket. The capacity of\n"
	"this token bucket defaults to 20 milliseconds worth of tokens, but can be\n"
	"customized by setting BURST_DURATION or BURST_SIZE. The bucket starts\n"
	"full. RATE 0 means no limit.\n"
	"\n"
	"Each time it runs, RatedUnqueue pulls as many packets as the bucket holds\n"
	"tokens, at most BURST, and pushes them as one batch (FastClick's batch\n"
	"behaviour). When the bucket is empty its task sleeps on a timer until the\n"
	"next token is due; when a pull returns nothing and the upstream empty\n"
	"notifier (a Queue's) is asleep, it sleeps until the notifier wakes. It\n"
	"never spins on the clock.\n"
	"\n"
	"Keyword arguments are:\n"
	"  RATE            Integer. Token bucket fill rate in packets per second.\n"
	"  BURST_DURATION  Time. If specified, the capacity of the token bucket is\n"
	"                  calculated as rate * burst_duration (in milliseconds).\n"
	"  BURST_SIZE      Integer. If specified, the capacity of the token bucket\n"
	"                  is set to this value.\n"
	"  BURST           Integer. Most packets pulled at once. Default 32.\n"
	"  ACTIVE          Boolean. If false, pulls nothing. Default true.\n"
	"\n"
	"Handlers:\n"
	"  rate (read/write)    the RATE parameter\n"
	"  active (read/write)  the ACTIVE parameter\n"
	"  calls (read-only)    counts of task runs, empty runs, pushes, failed\n"
	"                       pulls and packets\n"
	"\n"
	"Example:\n"
	"  FromDump(in.pcap) -> Queue -> RatedUnqueue(1000) -> ToDump(out.pcap);\n"
	"\n"
	"See also: BandwidthRatedUnqueue, Unqueue, Shaper, RatedSplitter.\n";

static const struct weir_arg ratedunqueue_args[] = {
	{ "RATE", WEIR_ARG_UINT, offsetof(struct ratedunqueue, rate),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "packets per second (0: no limit)" },
	{ "BURST_DURATION", WEIR_ARG_SECONDS, offsetof(struct ratedunqueue, burst_duration),
	  WEIR_ARGF_GIVEN, .given_offset = offsetof(struct ratedunqueue, duration_given),
	  .help = "bucket capacity as a time at RATE" },
	{ "BURST_SIZE", WEIR_ARG_UINT, offsetof(struct ratedunqueue, burst_size), WEIR_ARGF_GIVEN,
	  .given_offset = offsetof(struct ratedunqueue, size_given),
	  .help = "bucket capacity in packets" },
	{ "BURST", WEIR_ARG_UINT, offsetof(struct ratedunqueue, burst), 0, .def = "32",
	  .help = "most packets pulled at once" },
	{ "ACTIVE", WEIR_ARG_BOOL, offsetof(struct ratedunqueue, active), 0, .def = "true",
	  .help = "pull packets?" },
	WEIR_ARG_END
};

static int
ratedunqueue_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct ratedunqueue *u = e->priv;
	(void)conf;
	u->bandwidth = false;
	return ru_setup(u, errh);
}

static const struct weir_element_class ratedunqueue_class = {
	.name = "RatedUnqueue",
	.port_count = "1/1",
	.processing = "l/h",
	.priv_size = sizeof(struct ratedunqueue),
	.flags = WEIR_CLASS_THREAD_UNSAFE, /* rate state in priv */
	.args = ratedunqueue_args,
	.configure = ratedunqueue_configure,
	.initialize = ru_initialize,
	.cleanup = ru_cleanup,
	.handlers = ru_handlers,
	.doc = ratedunqueue_doc,
};
WEIR_ELEMENT_REGISTER(ratedunqueue_class)
