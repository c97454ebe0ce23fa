/*
 * AverageCounter([IGNORE])
 *
 * measures historical packet count and rate
 *
 * Passes packets unchanged from its input to its output, maintaining
 * statistics information about packet count and packet rate using a strict
 * average.
 *
 * The rate covers only the time between the first and most recent packets
 * (at least 1 ms). The clock is read once per batch: packets of one batch
 * share an arrival time.
 *
 * IGNORE, by default, is 0. If it is greater than 0, the first IGNORE
 * seconds (counted from the first packet) are ignored in the count.
 *
 * Handlers:
 *   count (read-only)      packets that have passed through since the last
 *                          reset (after IGNORE)
 *   byte_count (read-only) bytes that have passed through since the last reset
 *   rate (read-only)       packet arrival rate, packets per second
 *   byte_rate (read-only)  arrival rate in bytes per second
 *   reset (write-only)     resets the count and rate to zero
 *
 * Example:
 *   FromDump(in.pcap, STOP true) -> ac :: AverageCounter -> Discard;
 *
 * See also: Counter.
 */
#include <errno.h>
#include <inttypes.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/task.h"

static const char averagecounter_doc[] =
	"AverageCounter([IGNORE])\n"
	"\n"
	"measures historical packet count and rate\n"
	"\n"
	"Passes packets unchanged from its input to its output, maintaining\n"
	"statistics information about packet count and packet rate using a strict\n"
	"average.\n"
	"\n"
	"The rate covers only the time between the first and most recent packets\n"
	"(at least 1 ms). The clock is read once per batch: packets of one batch\n"
	"share an arrival time.\n"
	"\n"
	"IGNORE, by default, is 0. If it is greater than 0, the first IGNORE\n"
	"seconds (counted from the first packet) are ignored in the count.\n"
	"\n"
	"Handlers:\n"
	"  count (read-only)      packets that have passed through since the last\n"
	"                         reset (after IGNORE)\n"
	"  byte_count (read-only) bytes that have passed through since the last reset\n"
	"  rate (read-only)       packet arrival rate, packets per second\n"
	"  byte_rate (read-only)  arrival rate in bytes per second\n"
	"  reset (write-only)     resets the count and rate to zero\n"
	"\n"
	"Example:\n"
	"  FromDump(in.pcap, STOP true) -> ac :: AverageCounter -> Discard;\n"
	"\n"
	"See also: Counter.\n";

#define AVGCOUNTER_MIN_SPAN_NS 1000000 /* Click's one jiffy */

struct avgcounter {
	int64_t ignore_ns;
};

struct avgcounter_pt {
	uint64_t count;
	uint64_t bytes;
	int64_t first_ns; /* arrival of the first packet since reset; 0: none yet */
	int64_t last_ns;  /* arrival of the most recent packet */
};

static const struct weir_arg avgcounter_args[] = {
	{ "IGNORE", WEIR_ARG_SECONDS, offsetof(struct avgcounter, ignore_ns),
	  WEIR_ARGF_POSITIONAL, .def = "0", .help = "seconds ignored at the start" },
	WEIR_ARG_END
};

static void
avgcounter_account(struct weir_element *e, const struct weir_batch *b)
{
	const struct avgcounter *c = e->priv;
	struct avgcounter_pt *pt = weir_element_pt(e);
	int64_t now = weir_time_ns();
	if (!pt->first_ns)
		pt->first_ns = now;
	if (now - pt->first_ns >= c->ignore_ns) {
		uint64_t bytes = 0;
		for (uint32_t i = 0; i < b->n; i++)
			bytes += b->pkts[i]->len;
		pt->count += b->n;
		pt->bytes += bytes;
	}
	pt->last_ns = now;
}

static void
avgcounter_push(struct weir_element *e, int port, struct weir_batch *b)
{
	avgcounter_account(e, b);
	weir_output_push(e, 0, b);
}

static uint32_t
avgcounter_pull(struct weir_element *e, int port, struct weir_batch *b, uint32_t max)
{
	uint32_t n = weir_input_pull(e, 0, b, max);
	if (n)
		avgcounter_account(e, b);
	return n;
}

static void
avgcounter_reset(struct weir_element *e)
{
	for (unsigned t = 0; t < weir_element_nthreads(e); t++) {
		struct avgcounter_pt *pt = weir_element_pt_at(e, t);
		*pt = (struct avgcounter_pt){ 0 };
	}
}

static int
avgcounter_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct avgcounter *c = e->priv;
	if (c->ignore_ns < 0)
		return weir_error(errh, "IGNORE must not be negative");
	return 0;
}

/* Counted packets (or bytes) per second between first and last arrival. */
static double
avgcounter_rate(struct weir_element *e, bool bytes)
{
	const struct avgcounter *c = e->priv;
	uint64_t total = 0;
	int64_t first = 0, last = 0;
	for (unsigned t = 0; t < weir_element_nthreads(e); t++) {
		const struct avgcounter_pt *pt = weir_element_pt_at(e, t);
		if (!pt->first_ns)
			continue;
		total += bytes ? pt->bytes : pt->count;
		if (!first || pt->first_ns < first)
			first = pt->first_ns;
		if (pt->last_ns > last)
			last = pt->last_ns;
	}
	int64_t span = last - first - c->ignore_ns;
	if (span < AVGCOUNTER_MIN_SPAN_NS)
		span = AVGCOUNTER_MIN_SPAN_NS;
	return (double)total * 1e9 / (double)span;
}

enum { H_COUNT, H_BYTE_COUNT, H_RATE, H_BYTE_RATE };

static int
avgcounter_read(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	switch (h->arg) {
	case H_COUNT:
		weir_strbuf_printf(out, "%" PRIu64, WEIR_PT_SUM(e, struct avgcounter_pt, count));
		return 0;
	case H_BYTE_COUNT:
		weir_strbuf_printf(out, "%" PRIu64, WEIR_PT_SUM(e, struct avgcounter_pt, bytes));
		return 0;
	case H_RATE:
	case H_BYTE_RATE:
		/* Click prints a double with "%.12g" */
		weir_strbuf_printf(out, "%.12g", avgcounter_rate(e, h->arg == H_BYTE_RATE));
		return 0;
	default:
		return -EINVAL;
	}
}

static int
avgcounter_write_reset(struct weir_element *e, const char *value, const struct weir_handler *h,
		       struct weir_errh *errh)
{
	avgcounter_reset(e);
	return 0;
}

static const struct weir_handler avgcounter_handlers[] = {
	{ .name = "count", .read = avgcounter_read, .arg = H_COUNT },
	{ .name = "byte_count", .read = avgcounter_read, .arg = H_BYTE_COUNT },
	{ .name = "rate", .read = avgcounter_read, .arg = H_RATE },
	{ .name = "byte_rate", .read = avgcounter_read, .arg = H_BYTE_RATE },
	{ .name = "reset", .write = avgcounter_write_reset },
	WEIR_HANDLER_END
};

static const struct weir_element_class averagecounter_class = {
	.name = "AverageCounter",
	.port_count = "1/1",
	.processing = "a/a",
	.priv_size = sizeof(struct avgcounter),
	.pt_size = sizeof(struct avgcounter_pt),
	.args = avgcounter_args,
	.configure = avgcounter_configure,
	.push = avgcounter_push,
	.pull = avgcounter_pull,
	.handlers = avgcounter_handlers,
	.doc = averagecounter_doc,
};
WEIR_ELEMENT_REGISTER(averagecounter_class)
