/* batch.c - batch helpers: filtering and compacting arrays of packet pointers. */
#include "weir/batch.h"

uint32_t
weir_batch_filter(struct weir_batch *b, const uint8_t *keep)
{
	struct weir_packet *dead[WEIR_BATCH_MAX];
	uint32_t kept = 0, ndead = 0;

	for (uint32_t i = 0; i < b->n; i++) {
		struct weir_packet *p = b->pkts[i];

		if (keep[i])
			b->pkts[kept++] = p;
		else
			dead[ndead++] = p;
	}
	b->n = kept;
	if (ndead)
		weir_packet_kill_bulk(dead, ndead);
	return ndead;
}

void
weir_batch_compact(struct weir_batch *b)
{
	uint32_t j = 0;

	for (uint32_t i = 0; i < b->n; i++) {
		if (b->pkts[i] != NULL)
			b->pkts[j++] = b->pkts[i];
	}
	b->n = j;
}
