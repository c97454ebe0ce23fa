/* bandwidthshaper.c - BandwidthShaper: a pull element that passes at most RATE bytes per second. */
/*
 * BandwidthShaper(RATE)
 *
 * shapes traffic to maximum rate (bytes/s)
 *
 * BandwidthShaper is a pull element that allows a maximum bandwidth of RATE
 * to pass through. That is, output traffic is shaped to RATE. If a
 * BandwidthShaper receives a large number of evenly-spaced pull requests,
 * then it will emit packets at the specified RATE with low burstiness.
 *
 * The rate is Click's gap rate counted in bytes: a packet passes when the
 * bytes passed so far in the current second do not exceed the elapsed
 * fraction of the second times RATE (so a packet may overshoot by its own
 * length, as in Click). A pull for a batch returns as many packets as the
 * rate allows at that moment. RATE 0 passes nothing.
 *
 * Keyword arguments are:
 *   RATE  Bandwidth ("8kbps", "1MBps"; a bare number is bytes per second).
 *         Mandatory.
 *
 * Handlers:
 *   rate (read/write)  returns or sets the RATE parameter
 *
 * Example:
 *   FromDump(in.pcap) -> Queue -> BandwidthShaper(1Mbps) -> Unqueue -> ...
 *
 * See also: Shaper, BandwidthRatedSplitter, BandwidthRatedUnqueue.
 */
#include <stddef.h>
#include "shaper_priv.h"

static const char bandwidthshaper_doc[] =
	"BandwidthShaper(RATE)\n"
	"\n"
	"shapes traffic to maximum rate (bytes/s)\n"
	"\n"
	"BandwidthShaper is a pull element that allows a maximum bandwidth of RATE\n"
	"to pass through. That is, output traffic is shaped to RATE. If a\n"
	"BandwidthShaper receives a large number of evenly-spaced pull requests,\n"
	"then it will emit packets at the specified RATE with low burstiness.\n"
	"\n"
	"The rate is Click's gap rate counted in bytes: a packet passes when the\n"
	"bytes passed so far in the current second do not exceed the elapsed\n"
	"fraction of the second times RATE (so a packet may overshoot by its own\n"
	"length, as in Click). A pull for a batch returns as many packets as the\n"
	"rate allows at that moment. RATE 0 passes nothing.\n"
	"\n"
	"Keyword arguments are:\n"
	"  RATE  Bandwidth (\"8kbps\", \"1MBps\"; a bare number is bytes per second).\n"
	"        Mandatory.\n"
	"\n"
	"Handlers:\n"
	"  rate (read/write)  returns or sets the RATE parameter\n"
	"\n"
	"Example:\n"
	"  FromDump(in.pcap) -> Queue -> BandwidthShaper(1Mbps) -> Unqueue -> ...\n"
	"\n"
	"See also: Shaper, BandwidthRatedSplitter, BandwidthRatedUnqueue.\n";

static const struct weir_arg bandwidthshaper_args[] = {
	{ "RATE", WEIR_ARG_BANDWIDTH, offsetof(struct shaper, bw),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "bandwidth" },
	WEIR_ARG_END
};

static int
bandwidthshaper_configure(struct weir_element *e, struct weir_conf *conf,
			  struct weir_errh *errh)
{
	struct shaper *s = e->priv;
	(void)conf;
	(void)errh;
	s->bandwidth = true;
	tr_gaprate_set_rate(&s->gr, s->bw);
	return 0;
}

static const struct weir_element_class bandwidthshaper_class = {
	.name = "BandwidthShaper",
	.port_count = "1/1",
	.processing = "l/l",
	.priv_size = sizeof(struct shaper),
	.flags = WEIR_CLASS_THREAD_UNSAFE, /* rate state in priv */
	.args = bandwidthshaper_args,
	.configure = bandwidthshaper_configure,
	.pull = shaper_pull,
	.handlers = shaper_handlers,
	.doc = bandwidthshaper_doc,
};
WEIR_ELEMENT_REGISTER(bandwidthshaper_class)
