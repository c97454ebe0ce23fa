/* queue_priv.h - the packet ring behind Queue and SimpleQueue (and, later,
 * ThreadSafeQueue): a FIFO of packet pointers with a logical capacity. */
#ifndef WEIR_QUEUE_PRIV_H
#define WEIR_QUEUE_PRIV_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "weir/packet.h"

/*
 * Slots are a power of two so an index is a mask away from a free-running
 * counter; `capacity` (any value up to the slot count) is the logical limit.
 * head and tail run freely (len = tail - head, wrapping is harmless).
 *
 * Synchronisation: single producer, single consumer. Only the producer
 * writes tail, only the consumer writes head; each reads the other's index
 * with acquire and publishes its own with release, so one thread may
 * enqueue while another dequeues (on x86 these are plain moves: the
 * single-threaded Queue pays nothing). Resizing and reset are control-path
 * operations that need both sides quiet.
 */
struct weir_pktring {
	struct weir_packet **slots;
	uint32_t mask;     /* slot count - 1 */
	uint32_t capacity; /* most packets held at once */
	uint32_t head;     /* next packet to dequeue (consumer) */
	uint32_t tail;     /* next free slot (producer) */
};

#define WEIR_PKTRING_MAX_CAPACITY (1u << 30)

static inline uint32_t
weir_pktring_slots_for(uint32_t capacity)
{
	uint32_t n = 1;
	while (n < capacity)
		n <<= 1;
	return n;
}

/* Returns 0, -EINVAL (capacity too large) or -ENOMEM. */
static inline int
weir_pktring_init(struct weir_pktring *r, uint32_t capacity)
{
	if (capacity > WEIR_PKTRING_MAX_CAPACITY)
		return -EINVAL;
	uint32_t n = weir_pktring_slots_for(capacity);
	r->slots = calloc(n, sizeof(*r->slots));
	if (!r->slots)
		return -ENOMEM;
	r->mask = n - 1;
	r->capacity = capacity;
	r->head = r->tail = 0;
	return 0;
}

static inline uint32_t
weir_pktring_len(const struct weir_pktring *r)
{
	return __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE) -
	       __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
}

/* Producer: append up to n packets, in order; returns how many fit. */
static inline uint32_t
weir_pktring_enqueue(struct weir_pktring *r, struct weir_packet *const *pkts, uint32_t n)
{
	uint32_t tail = r->tail;
	uint32_t head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
	uint32_t space = r->capacity - (tail - head);
	if (n > space)
		n = space;
	uint32_t idx = tail & r->mask;
	uint32_t first = WEIR_MIN(n, r->mask + 1 - idx);
	memcpy(&r->slots[idx], pkts, first * sizeof(*pkts));
	memcpy(&r->slots[0], pkts + first, (n - first) * sizeof(*pkts));
	__atomic_store_n(&r->tail, tail + n, __ATOMIC_RELEASE);
	return n;
}

/* Consumer: take up to max packets from the front, in order; returns how many. */
static inline uint32_t
weir_pktring_dequeue(struct weir_pktring *r, struct weir_packet **out, uint32_t max)
{
	uint32_t head = r->head;
	uint32_t tail = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
	uint32_t n = tail - head;
	if (n > max)
		n = max;
	uint32_t idx = head & r->mask;
	uint32_t first = WEIR_MIN(n, r->mask + 1 - idx);
	memcpy(out, &r->slots[idx], first * sizeof(*out));
	memcpy(out + first, &r->slots[0], (n - first) * sizeof(*out));
	__atomic_store_n(&r->head, head + n, __ATOMIC_RELEASE);
	return n;
}

/* Kill every packet held; returns how many. */
static inline uint32_t
weir_pktring_clear(struct weir_pktring *r)
{
	uint32_t n = 0;
	while (r->head != r->tail) {
		weir_packet_kill(r->slots[r->head & r->mask]);
		r->head++;
		n++;
	}
	return n;
}

/*
 * Change the capacity (control path, both sides quiet). Packets beyond the
 * new capacity are killed from the back, as Click's live reconfiguration
 * does. Returns 0, -EINVAL or -ENOMEM (then nothing changed).
 */
static inline int
weir_pktring_resize(struct weir_pktring *r, uint32_t capacity)
{
	if (capacity > WEIR_PKTRING_MAX_CAPACITY)
		return -EINVAL;
	uint32_t n = weir_pktring_slots_for(capacity);
	struct weir_packet **slots = calloc(n, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	uint32_t j = 0;
	for (; r->head != r->tail && j < capacity; r->head++)
		slots[j++] = r->slots[r->head & r->mask];
	weir_pktring_clear(r);
	free(r->slots);
	r->slots = slots;
	r->mask = n - 1;
	r->capacity = capacity;
	r->head = 0;
	r->tail = j;
	return 0;
}

static inline void
weir_pktring_fini(struct weir_pktring *r)
{
	if (r->slots)
		weir_pktring_clear(r);
	free(r->slots);
	r->slots = NULL;
}

#endif
