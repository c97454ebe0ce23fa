/* mpring.h - a bounded multi-producer multi-consumer ring of packets (ThreadSafeQueue). */
#ifndef WEIR_MPRING_H
#define WEIR_MPRING_H

#include <errno.h>
#include <stdlib.h>
#include "weir/packet.h"

/*
 * Every slot carries a sequence number saying whose turn it is: slot i of
 * lap L is free for the producer of position p = L*size + i when seq == p,
 * and holds that producer's packet for the consumer when seq == p + 1; the
 * consumer hands it to the next lap by storing p + size. Producers reserve a
 * run of positions with one CAS on enq, consumers with one CAS on deq, so a
 * batch costs two atomic operations per side, not two per packet. A
 * producer whose reserved slot is still being read by a slow consumer waits
 * for it (a few instructions: the consumer has already claimed it).
 * `capacity` (up to the slot count) bounds the packets held.
 */
static inline void
weir_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

struct weir_mpring {
	uint64_t *seq;
	struct weir_packet **slots;
	uint64_t mask;
	uint64_t capacity;
	uint64_t enq WEIR_CACHE_ALIGNED; /* next position to reserve for producing */
	uint64_t deq WEIR_CACHE_ALIGNED; /* next position to reserve for consuming */
};

static inline int
weir_mpring_init(struct weir_mpring *r, uint32_t capacity)
{
	uint64_t n = 1;

	while (n < capacity)
		n <<= 1;
	r->seq = malloc(n * sizeof(*r->seq));
	r->slots = calloc(n, sizeof(*r->slots));
	if (!r->seq || !r->slots) {
		free(r->seq);
		free(r->slots);
		r->seq = NULL;
		r->slots = NULL;
		return -ENOMEM;
	}
	for (uint64_t i = 0; i < n; i++)
		r->seq[i] = i;
	r->mask = n - 1;
	r->capacity = capacity;
	r->enq = r->deq = 0;
	return 0;
}

static inline void
weir_mpring_fini(struct weir_mpring *r)
{
	free(r->seq);
	free(r->slots);
	r->seq = NULL;
	r->slots = NULL;
}

/* Packets held (approximate while others work). */
static inline uint64_t
weir_mpring_len(const struct weir_mpring *r)
{
	uint64_t e = __atomic_load_n(&r->enq, __ATOMIC_SEQ_CST);
	uint64_t d = __atomic_load_n(&r->deq, __ATOMIC_SEQ_CST);
	return e > d ? e - d : 0;
}

/* Any thread: appends up to n packets; returns how many fit (the first ones). */
static inline uint32_t
weir_mpring_enqueue(struct weir_mpring *r, struct weir_packet *const *pkts, uint32_t n)
{
	uint64_t pos = __atomic_load_n(&r->enq, __ATOMIC_RELAXED), k;

	do {
		uint64_t d = __atomic_load_n(&r->deq, __ATOMIC_ACQUIRE);
		uint64_t used = pos - d;
		if (used >= r->capacity)
			return 0;
		k = r->capacity - used;
		if (k > n)
			k = n;
	} while (!__atomic_compare_exchange_n(&r->enq, &pos, pos + k, true, __ATOMIC_ACQ_REL,
					      __ATOMIC_RELAXED));
	for (uint64_t i = 0; i < k; i++) {
		uint64_t p = pos + i, idx = p & r->mask;
		while (__atomic_load_n(&r->seq[idx], __ATOMIC_ACQUIRE) != p)
			weir_cpu_relax();
		r->slots[idx] = pkts[i];
		__atomic_store_n(&r->seq[idx], p + 1, __ATOMIC_RELEASE);
	}
	return (uint32_t)k;
}

/* Any thread: takes up to max packets from the front; returns how many. */
static inline uint32_t
weir_mpring_dequeue(struct weir_mpring *r, struct weir_packet **out, uint32_t max)
{
	uint64_t pos = __atomic_load_n(&r->deq, __ATOMIC_RELAXED), k;

	do {
		/* the run of filled slots from pos */
		for (k = 0; k < max; k++) {
			uint64_t p = pos + k;
			if (__atomic_load_n(&r->seq[p & r->mask], __ATOMIC_ACQUIRE) != p + 1)
				break;
		}
		if (k == 0)
			return 0;
	} while (!__atomic_compare_exchange_n(&r->deq, &pos, pos + k, true, __ATOMIC_ACQ_REL,
					      __ATOMIC_RELAXED));
	for (uint64_t i = 0; i < k; i++) {
		uint64_t p = pos + i, idx = p & r->mask;
		out[i] = r->slots[idx];
		__atomic_store_n(&r->seq[idx], p + r->mask + 1, __ATOMIC_RELEASE);
	}
	return (uint32_t)k;
}

#endif
