/* batch.h - batches: arrays of packet pointers handed from element to element. */
#ifndef WEIR_BATCH_H
#define WEIR_BATCH_H

#include "weir/common.h"
#include "weir/packet.h"

/*
 * A batch is up to WEIR_BATCH_MAX packet pointers, like a VPP vector. An
 * element is called once per batch. Whoever receives a batch in push() owns
 * its packets (must forward, park or kill each); the batch struct itself
 * belongs to the caller and may be reused (modified in place) by the callee
 * during the call only.
 */
#define WEIR_BATCH_MAX 256

/* Port value meaning "drop this packet" in per-packet port arrays. */
#define WEIR_PORT_DROP 0xFF

struct weir_batch {
	uint32_t n;
	struct weir_packet *pkts[WEIR_BATCH_MAX];
};

static inline void
weir_batch_init(struct weir_batch *b)
{
	b->n = 0;
}

static inline bool
weir_batch_add(struct weir_batch *b, struct weir_packet *p)
{
	if (weir_unlikely(b->n >= WEIR_BATCH_MAX))
		return false;
	b->pkts[b->n++] = p;
	return true;
}

/* Kill every packet and empty the batch. */
static inline void
weir_batch_kill(struct weir_batch *b)
{
	if (b->n)
		weir_packet_kill_bulk(b->pkts, b->n);
	b->n = 0;
}

#define weir_batch_foreach(b, i, p) \
	for (uint32_t i = 0; i < (b)->n && ((p) = (b)->pkts[i], 1); i++)

/*
 * Keep only packets for which keep[i] is true, preserving order; kill the
 * others. Returns the number killed.
 */
uint32_t weir_batch_filter(struct weir_batch *b, const uint8_t *keep);

/*
 * Compact away NULL entries (elements set pkts[i] = NULL for packets they
 * consumed or killed themselves). Preserves order.
 */
void weir_batch_compact(struct weir_batch *b);

#endif
