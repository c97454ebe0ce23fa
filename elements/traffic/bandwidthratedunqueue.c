/* bandwidthratedunqueue.c - BandwidthRatedUnqueue: pulls packets at RATE bytes per second and pushes them. */
/*
 * BandwidthRatedUnqueue(RATE, [KEYWORDS])
 *
 * pull-to-push converter
 *
 * Pulls packets at the given RATE, and pushes them out its single output.
 * It is implemented with a token bucket counted in bytes. The capacity of
 * this token bucket defaults to 20 milliseconds worth of tokens, but can be
 * customized by setting BURST_DURATION or BURST_BYTES. As in Click, the
 * capacity is raised by 131072 bytes and a pull happens only while the
 * bucket holds at least 131072 bytes, so a packet may overdraw it. The
 * bucket starts full. RATE 0 means no limit.
 *
 * Each time it runs it pulls at most BURST packets and pushes them as one
 * batch, then takes their bytes from the bucket (FastClick's batch
 * behaviour). When the bucket is short its task sleeps on a timer; when a
 * pull returns nothing and the upstream empty notifier is asleep, it sleeps
 * until the notifier wakes.
 *
 * Keyword arguments are:
 *   RATE            Bandwidth ("8kbps", "1MBps"; a bare number is bytes per
 *                   second). Token bucket fill rate.
 *   BURST_DURATION  Time. If specified, the capacity of the token bucket is
 *                   calculated as rate * burst_duration (in milliseconds).
 *   BURST_BYTES     Integer. If specified, the capacity of the token bucket
 *                   is set to this value.
 *   BURST           Integer. Most packets pulled at once. Default 32.
 *   ACTIVE          Boolean. If false, pulls nothing. Default true.
 *   EXTRA_LENGTH    Boolean. Count the extra length annotation too. Default
 *                   false.
 *   LINK_RATE       Boolean. Count bits on the link, with 24 bytes of
 *                   framing per packet. Default false.
 *
 * Handlers:
 *   rate (read/write)    the RATE parameter
 *   active (read/write)  the ACTIVE parameter
 *   calls (read-only)    counts of task runs, empty runs, pushes, failed
 *                        pulls and packets
 *
 * Example:
 *   FromDump(in.pcap) -> Queue -> BandwidthRatedUnqueue(10Mbps) -> ...
 *
 * See also: RatedUnqueue, Unqueue, BandwidthShaper, BandwidthRatedSplitter.
 */
#include <stddef.h>
#include "ratedunqueue_priv.h"

static const char bandwidthratedunqueue_doc[] =
	"BandwidthRatedUnqueue(RATE, [KEYWORDS])\n"
	"\n"
	"pull-to-push converter\n"
	"\n"
	"Pulls packets at the given RATE, and pushes them out its single output.\n"
	"It is implemented with a token bucket counted in bytes. The capacity of\n"
	"this token bucket defaults to 20 milliseconds worth of tokens, but can be\n"
	"customized by setting BURST_DURATION or BURST_BYTES. As in Click, the\n"
	"capacity is raised by 131072 bytes and a pull happens only while the\n"
	"bucket holds at least 131072 bytes, so a packet may overdraw it. The\n"
	"bucket starts full. RATE 0 means no limit.\n"
	"\n"
	"Each time it runs it pulls at most BURST packets and pushes them as one\n"
	"batch, then takes their bytes from the bucket (FastClick's batch\n"
	"behaviour). When the bucket is short its task sleeps on a timer; when a\n"
	"pull returns nothing and the upstream empty notifier is asleep, it sleeps\n"
	"until the notifier wakes.\n"
	"\n"
	"Keyword arguments are:\n"
	"  RATE            Bandwidth (\"8kbps\", \"1MBps\"; a bare number is bytes per\n"
	"                  second). Token bucket fill rate.\n"
	"  BURST_DURATION  Time. If specified, the capacity of the token bucket is\n"
	"                  calculated as rate * burst_duration (in milliseconds).\n"
	"  BURST_BYTES     Integer. If specified, the capacity of the token bucket\n"
	"                  is set to this value.\n"
	"  BURST           Integer. Most packets pulled at once. Default 32.\n"
	"  ACTIVE          Boolean. If false, pulls nothing. Default true.\n"
	"  EXTRA_LENGTH    Boolean. Count the extra length annotation too. Default\n"
	"                  false.\n"
	"  LINK_RATE       Boolean. Count bits on the link, with 24 bytes of\n"
	"                  framing per packet. Default false.\n"
	"\n"
	"Handlers:\n"
	"  rate (read/write)    the RATE parameter\n"
	"  active (read/write)  the ACTIVE parameter\n"
	"  calls (read-only)    counts of task runs, empty runs, pushes, failed\n"
	"                       pulls and packets\n"
	"\n"
	"Example:\n"
	"  FromDump(in.pcap) -> Queue -> BandwidthRatedUnqueue(10Mbps) -> ...\n"
	"\n"
	"See also: RatedUnqueue, Unqueue, BandwidthShaper, BandwidthRatedSplitter.\n";

static const struct weir_arg bwratedunqueue_args[] = {
	{ "RATE", WEIR_ARG_BANDWIDTH, offsetof(struct ratedunqueue, bw),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "bandwidth (0: no limit)" },
	{ "BURST_DURATION", WEIR_ARG_SECONDS, offsetof(struct ratedunqueue, burst_duration),
	  WEIR_ARGF_GIVEN, .given_offset = offsetof(struct ratedunqueue, duration_given),
	  .help = "bucket capacity as a time at RATE" },
	{ "BURST_BYTES", WEIR_ARG_UINT, offsetof(struct ratedunqueue, burst_size), WEIR_ARGF_GIVEN,
	  .given_offset = offsetof(struct ratedunqueue, size_given),
	  .help = "bucket capacity in bytes" },
	{ "BURST", WEIR_ARG_UINT, offsetof(struct ratedunqueue, burst), 0, .def = "32",
	  .help = "most packets pulled at once" },
	{ "ACTIVE", WEIR_ARG_BOOL, offsetof(struct ratedunqueue, active), 0, .def = "true",
	  .help = "pull packets?" },
	{ "EXTRA_LENGTH", WEIR_ARG_BOOL, offsetof(struct ratedunqueue, extra_length), 0,
	  .def = "false", .help = "count the extra length annotation" },
	{ "LINK_RATE", WEIR_ARG_BOOL, offsetof(struct ratedunqueue, link_rate), 0,
	  .def = "false", .help = "count bits on the link with framing" },
	WEIR_ARG_END
};

static int
bwratedunqueue_configure(struct weir_element *e, struct weir_conf *conf,
			 struct weir_errh *errh)
{
	struct ratedunqueue *u = e->priv;
	(void)conf;
	u->bandwidth = true;
	return ru_setup(u, errh);
}

static const struct weir_element_class bandwidthratedunqueue_class = {
	.name = "BandwidthRatedUnqueue",
	.port_count = "1/1",
	.processing = "l/h",
	.priv_size = sizeof(struct ratedunqueue),
	.flags = WEIR_CLASS_THREAD_UNSAFE, /* rate state in priv */
	.args = bwratedunqueue_args,
	.configure = bwratedunqueue_configure,
	.initialize = ru_initialize,
	.cleanup = ru_cleanup,
	.handlers = ru_handlers,
	.doc = bandwidthratedunqueue_doc,
};
WEIR_ELEMENT_REGISTER(bandwidthratedunqueue_class)
