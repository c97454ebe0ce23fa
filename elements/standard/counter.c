/*
 * Counter([KEYWORDS NO_RATE, BATCH_PRECISION])
 *
 * measures packet count and rate
 *
 * Passes packets unchanged from its input to its output, maintaining
 * statistics information about packet count and packet rate.
 *
 * The rate is an exponential weighted moving average over 1 ms epochs with
 * weight 1/16 (Click's RateEWMA). The clock is read once per batch, never
 * per packet: the time stamp counter tells when the current epoch may be
 * over, and only then is the system clock read. The packets of a batch count
 * for the epoch in which the batch arrived. Counts are kept per thread and
 * summed by the handlers.
 *
 * Keyword arguments are:
 *   NO_RATE          Boolean. If true, do not measure the rate (the rate
 *                    handlers return 0): the data path only counts.
 *                    Default is false.
 *   BATCH_PRECISION  Boolean. Accepted for FastClick compatibility; the rate
 *                    is always updated once per batch. Default is false.
 *
 * Handlers:
 *   count (read-only)         packets that have passed through since the last
 *                             reset
 *   byte_count (read-only)    bytes that have passed through since the last
 *                             reset
 *   rate (read-only)          recent arrival rate in packets per second
 *   bit_rate (read-only)      recent arrival rate in bits per second
 *   byte_rate (read-only)     recent arrival rate in bytes per second
 *   reset (write-only)        resets the counts and rates to zero
 *   reset_counts (write-only) same as reset
 *
 * Click's COUNT_CALL and BYTE_COUNT_CALL keywords and handlers are not
 * provided.
 *
 * Example:
 *   InfiniteSource(LIMIT 5, STOP true) -> c :: Counter -> Discard;
 *
 * See also: AverageCounter.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/task.h"

static const char counter_doc[] =
	"Counter([KEYWORDS NO_RATE, BATCH_PRECISION])\n"
	"\n"
	"measures packet count and rate\n"
	"\n"
	"Passes packets unchanged from its input to its output, maintaining\n"
	"statistics information about packet count and packet rate.\n"
	"\n"
	"The rate is an exponential weighted moving average over 1 ms epochs with\n"
	"weight 1/16 (Click's RateEWMA). The clock is read once per batch, never\n"
	"per packet: the time stamp counter tells when the current epoch may be\n"
	"over, and only then is the system clock read. The packets of a batch count\n"
	"for the epoch in which the batch arrived. Counts are kept per thread and\n"
	"summed by the handlers.\n"
	"\n"
	"Keyword arguments are:\n"
	"  NO_RATE          Boolean. If true, do not measure the rate (the rate\n"
	"                   handlers return 0): the data path only counts.\n"
	"                   Default is false.\n"
	"  BATCH_PRECISION  Boolean. Accepted for FastClick compatibility; the rate\n"
	"                   is always updated once per batch. Default is false.\n"
	"\n"
	"Handlers:\n"
	"  count (read-only)         packets that have passed through since the last\n"
	"                            reset\n"
	"  byte_count (read-only)    bytes that have passed through since the last\n"
	"                            reset\n"
	"  rate (read-only)          recent arrival rate in packets per second\n"
	"  bit_rate (read-only)      recent arrival rate in bits per second\n"
	"  byte_rate (read-only)     recent arrival rate in bytes per second\n"
	"  reset (write-only)        resets the counts and rates to zero\n"
	"  reset_counts (write-only) same as reset\n"
	"\n"
	"Click's COUNT_CALL and BYTE_COUNT_CALL keywords and handlers are not\n"
	"provided.\n"
	"\n"
	"Example:\n"
	"  InfiniteSource(LIMIT 5, STOP true) -> c :: Counter -> Discard;\n"
	"\n"
	"See also: AverageCounter.\n";

#define COUNTER_EPOCHS_PER_SEC 1000 /* Click's CLICK_HZ at user level */
#define COUNTER_EWMA_SHIFT 4        /* weight 1/16, Click's stability shift */
#define COUNTER_RATE_FRAC_BITS 10   /* Click prints rate with 10 fraction bits */
#define COUNTER_BYTE_RATE_FRAC_BITS 4

struct counter {
	bool no_rate;
	bool batch_precision;
};

#define COUNTER_EPOCH_NS (1000000000 / COUNTER_EPOCHS_PER_SEC)

/*
 * Per thread. The data path touches the first three fields only: the time
 * stamp counter is compared with epoch_end, a TSC value at or before the end
 * of the current epoch. When it is reached, the slow path reads the system
 * clock (which decides epochs) and predicts the next epoch_end with a TSC
 * rate it measures itself (no start-up calibration; a wrong guess only moves
 * the slow path earlier or later, never the epochs).
 */
struct counter_pt {
	uint64_t count;
	uint64_t bytes;
	uint64_t epoch_end;  /* TSC value at which the current epoch may end */
	uint64_t count_mark; /* count when the current epoch began */
	uint64_t bytes_mark;
	int64_t epoch;       /* index of the current epoch (system clock / 1 ms) */
	double avg;          /* EWMA of packets per epoch */
	double byte_avg;     /* EWMA of bytes per epoch */
	double tsc_per_ns;   /* measured TSC rate */
	uint64_t cal_tsc;    /* a (TSC, ns) sample to measure it from */
	int64_t cal_ns;
};

static const struct weir_arg counter_args[] = {
	{ "NO_RATE", WEIR_ARG_BOOL, offsetof(struct counter, no_rate), 0, .def = "false",
	  .help = "do not measure the rate" },
	{ "BATCH_PRECISION", WEIR_ARG_BOOL, offsetof(struct counter, batch_precision), 0,
	  .def = "false", .help = "accepted for FastClick compatibility" },
	WEIR_ARG_END
};

/* One epoch's EWMA step with `total`, then `idle` epochs with nothing. */
static double
counter_ewma(double avg, double total, uint64_t idle)
{
	avg += (total - avg) / (double)(1 << COUNTER_EWMA_SHIFT);
	if (idle)
		avg *= pow(1.0 - 1.0 / (double)(1 << COUNTER_EWMA_SHIFT), (double)idle);
	return avg;
}

/* Predict the TSC value at which the epoch holding `ns` ends. */
static void
counter_predict(struct counter_pt *pt, uint64_t tsc, int64_t ns)
{
	if (ns - pt->cal_ns >= 10 * COUNTER_EPOCH_NS) {
		if (pt->cal_ns && tsc > pt->cal_tsc)
			pt->tsc_per_ns = (double)(tsc - pt->cal_tsc) / (double)(ns - pt->cal_ns);
		pt->cal_tsc = tsc;
		pt->cal_ns = ns;
	}
	int64_t left = (pt->epoch + 1) * COUNTER_EPOCH_NS - ns;
	pt->epoch_end = tsc + (uint64_t)((double)left * pt->tsc_per_ns);
}

/* Slow path: the TSC says the epoch may be over; the system clock decides. */
static void __attribute__((noinline))
counter_tick(struct counter_pt *pt, uint64_t tsc)
{
	int64_t ns = weir_time_ns();
	int64_t now = ns / COUNTER_EPOCH_NS;
	if (now > pt->epoch) {
		uint64_t idle = (uint64_t)(now - pt->epoch - 1);
		pt->avg = counter_ewma(pt->avg, (double)(pt->count - pt->count_mark), idle);
		pt->byte_avg =
			counter_ewma(pt->byte_avg, (double)(pt->bytes - pt->bytes_mark), idle);
		pt->count_mark = pt->count;
		pt->bytes_mark = pt->bytes;
		pt->epoch = now;
	}
	counter_predict(pt, tsc, ns);
}

static inline void
counter_account(struct weir_element *e, const struct weir_batch *b)
{
	const struct counter *c = e->priv;
	struct counter_pt *pt = weir_element_pt(e);
	uint64_t bytes = 0;
	for (uint32_t i = 0; i < b->n; i++)
		bytes += b->pkts[i]->len;
	if (!c->no_rate) {
		uint64_t tsc = weir_rdtsc();
		if (weir_unlikely(tsc >= pt->epoch_end))
			counter_tick(pt, tsc);
	}
	pt->count += b->n;
	pt->bytes += bytes;
}

static void
counter_push(struct weir_element *e, int port, struct weir_batch *b)
{
	counter_account(e, b);
	weir_output_push(e, 0, b);
}

static uint32_t
counter_pull(struct weir_element *e, int port, struct weir_batch *b, uint32_t max)
{
	uint32_t n = weir_input_pull(e, 0, b, max);
	if (n)
		counter_account(e, b);
	return n;
}

static void
counter_reset(struct weir_element *e)
{
	const struct counter *c = e->priv;
	uint64_t tsc = c->no_rate ? 0 : weir_rdtsc();
	int64_t ns = c->no_rate ? 0 : weir_time_ns();
	for (unsigned t = 0; t < weir_element_nthreads(e); t++) {
		struct counter_pt *pt = weir_element_pt_at(e, t);
		double tsc_per_ns = pt->tsc_per_ns;
		*pt = (struct counter_pt){ 0 };
		if (c->no_rate)
			continue;
		/* first guess 1 GHz (or what was measured before): too low
		 * only means an early, harmless slow path */
		pt->tsc_per_ns = tsc_per_ns > 0 ? tsc_per_ns : 1.0;
		pt->epoch = ns / COUNTER_EPOCH_NS;
		counter_predict(pt, tsc, ns);
	}
}

static int
counter_initialize(struct weir_element *e, struct weir_errh *errh)
{
	counter_reset(e);
	return 0;
}

/*
 * Click's cp_unparse_real2: a fixed-point value with frac_bits fraction bits
 * in decimal, with the fewest fraction digits that read back to the same
 * fixed-point value ("12", "12.5", "0.0009765").
 */
static void
counter_unparse_real2(uint64_t fixed, int frac_bits, struct weir_strbuf *out)
{
	uint64_t one = 1ull << frac_bits;
	uint64_t frac = fixed & (one - 1);
	weir_strbuf_printf(out, "%" PRIu64, fixed >> frac_bits);
	if (!frac)
		return;
	/* frac / 2^frac_bits has at most frac_bits decimal digits: this ends */
	uint64_t pow10 = 1;
	for (int digits = 1; digits <= frac_bits; digits++) {
		pow10 *= 10;
		uint64_t dec = (frac * pow10 + one / 2) / one;
		uint64_t back = (dec * one + pow10 / 2) / pow10;
		if (back == frac || digits == frac_bits) {
			weir_strbuf_printf(out, ".%0*" PRIu64, digits, dec);
			return;
		}
	}
}

/* EWMA per epoch as seen now, summed over threads (read-only: no writes). */
static double
counter_avg_now(struct weir_element *e, bool bytes)
{
	int64_t now = weir_time_ns() / COUNTER_EPOCH_NS;
	double sum = 0;
	for (unsigned t = 0; t < weir_element_nthreads(e); t++) {
		const struct counter_pt *pt = weir_element_pt_at(e, t);
		double avg = bytes ? pt->byte_avg : pt->avg;
		if (now > pt->epoch) {
			double total = bytes ? (double)(pt->bytes - pt->bytes_mark)
					     : (double)(pt->count - pt->count_mark);
			avg = counter_ewma(avg, total, (uint64_t)(now - pt->epoch - 1));
		}
		sum += avg;
	}
	return sum;
}

enum { H_COUNT, H_BYTE_COUNT, H_RATE, H_BIT_RATE, H_BYTE_RATE };

static int
counter_read(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	const struct counter *c = e->priv;
	double per_sec;
	switch (h->arg) {
	case H_COUNT:
		weir_strbuf_printf(out, "%" PRIu64, WEIR_PT_SUM(e, struct counter_pt, count));
		return 0;
	case H_BYTE_COUNT:
		weir_strbuf_printf(out, "%" PRIu64, WEIR_PT_SUM(e, struct counter_pt, bytes));
		return 0;
	case H_RATE:
		per_sec = c->no_rate ? 0 : counter_avg_now(e, false) * COUNTER_EPOCHS_PER_SEC;
		counter_unparse_real2((uint64_t)llround(per_sec * (1 << COUNTER_RATE_FRAC_BITS)),
				      COUNTER_RATE_FRAC_BITS, out);
		return 0;
	case H_BYTE_RATE:
		per_sec = c->no_rate ? 0 : counter_avg_now(e, true) * COUNTER_EPOCHS_PER_SEC;
		counter_unparse_real2(
			(uint64_t)llround(per_sec * (1 << COUNTER_BYTE_RATE_FRAC_BITS)),
			COUNTER_BYTE_RATE_FRAC_BITS, out);
		return 0;
	case H_BIT_RATE:
		/* Click: the byte rate's fixed-point value read with 3 fewer
		 * fraction bits, i.e. times 8 */
		per_sec = c->no_rate ? 0 : counter_avg_now(e, true) * COUNTER_EPOCHS_PER_SEC;
		counter_unparse_real2(
			(uint64_t)llround(per_sec * (1 << COUNTER_BYTE_RATE_FRAC_BITS)),
			COUNTER_BYTE_RATE_FRAC_BITS - 3, out);
		return 0;
	default:
		return -EINVAL;
	}
}

static int
counter_write_reset(struct weir_element *e, const char *value, const struct weir_handler *h,
		    struct weir_errh *errh)
{
	counter_reset(e);
	return 0;
}

static const struct weir_handler counter_handlers[] = {
	{ .name = "count", .read = counter_read, .arg = H_COUNT },
	{ .name = "byte_count", .read = counter_read, .arg = H_BYTE_COUNT },
	{ .name = "rate", .read = counter_read, .arg = H_RATE },
	{ .name = "bit_rate", .read = counter_read, .arg = H_BIT_RATE },
	{ .name = "byte_rate", .read = counter_read, .arg = H_BYTE_RATE },
	{ .name = "reset", .write = counter_write_reset },
	{ .name = "reset_counts", .write = counter_write_reset },
	WEIR_HANDLER_END
};

static const struct weir_element_class counter_class = {
	.name = "Counter",
	.port_count = "1/1",
	.processing = "a/a",
	.priv_size = sizeof(struct counter),
	.pt_size = sizeof(struct counter_pt),
	.args = counter_args,
	.initialize = counter_initialize,
	.push = counter_push,
	.pull = counter_pull,
	.handlers = counter_handlers,
	.doc = counter_doc,
};
WEIR_ELEMENT_REGISTER(counter_class)
