/* shaper.c - Shaper: a pull element that passes at most RATE packets per second. */
/*
 * Shaper(RATE)
 *
 * shapes traffic to maximum rate (pkt/s)
 *
 * Shaper is a pull element that allows a maximum of RATE packets per second
 * to pass through. That is, traffic is shaped to RATE packets per second.
 * Shaper is dependent on the timing of its pull requests; if it receives
 * only sporadic pull requests, then it will emit packets only sporadically.
 * However, if it receives a large number of evenly-spaced pull requests,
 * then it will emit packets at the specified RATE with low burstiness.
 *
 * The rate is Click's gap rate: within each second, the packets passed by
 * time t are at most the elapsed fraction of the second times RATE; a
 * second that fell short lends its unused packets to the next one. A pull
 * for a batch returns as many packets as the rate allows at that moment.
 * RATE 0 passes nothing.
 *
 * Keyword arguments are:
 *   RATE  Unsigned. Packets per second. Mandatory.
 *
 * Handlers:
 *   rate (read/write)  returns or sets the RATE parameter
 *
 * Example:
 *   FromDump(in.pcap) -> Queue -> Shaper(1000) -> Unqueue -> ToDump(out.pcap);
 *
 * See also: BandwidthShaper, RatedSplitter, RatedUnqueue.
 */
#include <stddef.h>
#include "shaper_priv.h"

static const char shaper_doc[] =
	"Shaper(RATE)\n"
	"\n"
	"shapes traffic to maximum rate (pkt/s)\n"
	"\n"
	"Shaper is a pull element that allows a maximum of RATE packets per second\n"
	"to pass through. That is, traffic is shaped to RATE packets per second.\n"
	"Shaper is dependent on the timing of its pull requests; if it receives\n"
	"only sporadic pull requests, then it will emit packets only sporadically.\n"
	"However, if it receives a large number of evenly-spaced pull requests,\n"
	"then it will emit packets at the specified RATE with low burstiness.\n"
	"\n"
	"The rate is Click's gap rate: within each second, the packets passed by\n"
	"time t are at most the elapsed fraction of the second times RATE; a\n"
	"second that fell short lends its unused packets to the next one. A pull\n"
	"for a batch returns as many packets as the rate allows at that moment.\n"
	"RATE 0 passes nothing.\n"
	"\n"
	"Keyword arguments are:\n"
	"  RATE  Unsigned. Packets per second. Mandatory.\n"
	"\n"
	"Handlers:\n"
	"  rate (read/write)  returns or sets the RATE parameter\n"
	"\n"
	"Example:\n"
	"  FromDump(in.pcap) -> Queue -> Shaper(1000) -> Unqueue -> ToDump(out.pcap);\n"
	"\n"
	"See also: BandwidthShaper, RatedSplitter, RatedUnqueue.\n";

static const struct weir_arg shaper_args[] = {
	{ "RATE", WEIR_ARG_UINT, offsetof(struct shaper, rate),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "packets per second" },
	WEIR_ARG_END
};

static int
shaper_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct shaper *s = e->priv;
	(void)conf;
	(void)errh;
	s->bandwidth = false;
	tr_gaprate_set_rate(&s->gr, s->rate);
	return 0;
}

static const struct weir_element_class shaper_class = {
	.name = "Shaper",
	.port_count = "1/1",
	.processing = "l/l",
	.priv_size = sizeof(struct shaper),
	.flags = WEIR_CLASS_THREAD_UNSAFE, /* rate state in priv */
	.args = shaper_args,
	.configure = shaper_configure,
	.pull = shaper_pull,
	.handlers = shaper_handlers,
	.doc = shaper_doc,
};
WEIR_ELEMENT_REGISTER(shaper_class)
