/* bench_pool.c - microbenchmark of packet life: make, clone, kill, single and bulk. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "weir/batch.h"
#include "weir/packet.h"
#include "weir/task.h"

#define BURST 32

static uint8_t payload[64];
static struct weir_packet *sink[BURST];

struct bench {
	const char *name;
	/* one round: handles `per_round` packets */
	void (*round)(struct weir_packet *orig);
	unsigned per_round;
};

static void
round_pool(struct weir_packet *orig)
{
	struct weir_pool *pool = weir_packet_pools()->clones;

	weir_pool_put(pool, weir_pool_get(pool));
}

static void
round_make(struct weir_packet *orig)
{
	weir_packet_kill(weir_packet_make_simple(payload, sizeof(payload)));
}

static void
round_clone(struct weir_packet *orig)
{
	weir_packet_kill(weir_packet_clone(orig));
}

static void
round_clone_external(struct weir_packet *orig)
{
	weir_packet_kill(weir_packet_clone_external(orig));
}

static void
round_make_bulk(struct weir_packet *orig)
{
	for (unsigned i = 0; i < BURST; i++)
		sink[i] = weir_packet_make_simple(payload, sizeof(payload));
	weir_packet_kill_bulk(sink, BURST);
}

static void
round_clone_bulk(struct weir_packet *orig)
{
	for (unsigned i = 0; i < BURST; i++)
		sink[i] = weir_packet_clone(orig);
	weir_packet_kill_bulk(sink, BURST);
}

static void
round_clone_external_bulk(struct weir_packet *orig)
{
	for (unsigned i = 0; i < BURST; i++)
		sink[i] = weir_packet_clone_external(orig);
	weir_packet_kill_bulk(sink, BURST);
}

static struct weir_packet *srcs[BURST];

static void
round_clone_bulk_api(struct weir_packet *orig)
{
	if (weir_packet_clone_bulk(srcs, sink, BURST) == BURST)
		weir_packet_kill_bulk(sink, BURST);
}

static void
round_clone_external_bulk_api(struct weir_packet *orig)
{
	if (weir_packet_clone_external_bulk(srcs, sink, BURST) == BURST)
		weir_packet_kill_bulk(sink, BURST);
}

static void
round_pool_bulk(struct weir_packet *orig)
{
	struct weir_pool *pool = weir_packet_pools()->clones;

	if (weir_pool_get_bulk(pool, (void **)sink, BURST) == BURST)
		weir_pool_put_bulk(pool, (void *const *)sink, BURST);
}

static const struct bench benches[] = {
	{ "pool get+put", round_pool, 1 },
	{ "make+kill (64 B)", round_make, 1 },
	{ "clone+kill", round_clone, 1 },
	{ "clone_external+kill", round_clone_external, 1 },
	{ "pool get_bulk+put_bulk x32", round_pool_bulk, BURST },
	{ "make x32 + kill_bulk", round_make_bulk, BURST },
	{ "clone x32 + kill_bulk", round_clone_bulk, BURST },
	{ "clone_external x32 + kill_bulk", round_clone_external_bulk, BURST },
	{ "clone_bulk 32 + kill_bulk", round_clone_bulk_api, BURST },
	{ "clone_external_bulk 32 + kill_bulk", round_clone_external_bulk_api, BURST },
};

/*
 * Core clock estimate from a chain of dependent adds (one per cycle), so
 * results can be given in core cycles where no cycle counter is readable
 * (VMs). 0 when unknown.
 */
static double
core_ghz(void)
{
#if defined(__x86_64__)
	const uint64_t iters = 50000000;
	uint64_t x = 0;
	int64_t t0 = weir_time_ns();

	for (uint64_t i = 0; i < iters; i++)
		__asm__ volatile("add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
				 "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0"
				 : "+r"(x));
	return (double)(iters * 8) / (double)(weir_time_ns() - t0);
#else
	return 0;
#endif
}

/* Best of TRIALS runs, so that a noisy neighbour does not decide the number. */
#define TRIALS 3

static void
run(const struct bench *b, struct weir_packet *orig, uint64_t packets)
{
	uint64_t rounds = packets / b->per_round, best_cycles = UINT64_MAX;
	int64_t best_ns = INT64_MAX;
	double ghz = core_ghz();

	for (uint64_t i = 0; i < rounds / 10; i++) /* warm up */
		b->round(orig);
	for (unsigned t = 0; t < TRIALS; t++) {
		int64_t t0 = weir_time_ns();
		uint64_t c0 = weir_rdtsc();

		for (uint64_t i = 0; i < rounds; i++)
			b->round(orig);
		best_cycles = WEIR_MIN(best_cycles, weir_rdtsc() - c0);
		best_ns = WEIR_MIN(best_ns, weir_time_ns() - t0);
	}
	packets = rounds * b->per_round;
	printf("%-36s %7.2f ns/pkt %7.2f tsc/pkt %7.2f cycles/pkt (at %.2f GHz)\n", b->name,
	       (double)best_ns / (double)packets, (double)best_cycles / (double)packets,
	       (double)best_ns / (double)packets * ghz, ghz);
}

int
main(int argc, char **argv)
{
	uint64_t packets = argc > 1 ? strtoull(argv[1], NULL, 0) : 10000000;
	struct weir_packet *orig;

	if (weir_packets_init(0, 0, 0, 0) < 0) {
		fprintf(stderr, "bench_pool: cannot create packet pools\n");
		return 1;
	}
	orig = weir_packet_make_simple(payload, sizeof(payload));
	if (orig == NULL)
		return 1;
	for (unsigned i = 0; i < BURST; i++)
		srcs[i] = orig;
	printf("%" PRIu64 " packets per test, best of %d; TSC ticks are not core cycles\n",
	       packets, TRIALS);
	for (size_t i = 0; i < WEIR_ARRAY_SIZE(benches); i++)
		run(&benches[i], orig, packets);
	weir_packet_kill(orig);
	weir_packets_fini();
	return 0;
}
