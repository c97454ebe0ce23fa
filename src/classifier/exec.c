/* exec.c - classifier executor: walks a compiled program for each packet of a batch. */
#include <string.h>
#include "weir/classifier.h"

/*
 * The hot loop is weir_cls_match_data() (classifier.h): per test, one length
 * compare against the precomputed `need`, one unaligned 32-bit load, a mask
 * and a compare. Packets shorter than `need` go through weir_cls_test_short(),
 * which copies only the bytes that exist, so nothing past the end of the data
 * is ever read.
 */

bool
weir_cls_test_short(const struct weir_cls_insn *in, const uint8_t *base, uint32_t avail)
{
	if (avail < in->req)
		return false;
	uint8_t b[4] = { 0, 0, 0, 0 };
	if (avail > in->offset) {
		uint32_t n = WEIR_MIN(avail - in->offset, 4u);
		memcpy(b, base + in->offset, n);
	}
	uint32_t w;
	memcpy(&w, b, 4);
	return (w & in->mask) == in->value;
}

/* Start and length of each base for packet p (length 0 when unset). */
static void
packet_bases(const struct weir_packet *p, const uint8_t *base[WEIR_CLS_NBASES],
	     uint32_t avail[WEIR_CLS_NBASES])
{
	const uint8_t *end = p->data + p->len;
	uint16_t off[WEIR_CLS_NBASES] = { 0, p->net_off, p->transport_off };
	base[WEIR_CLS_BASE_DATA] = p->data;
	avail[WEIR_CLS_BASE_DATA] = p->len;
	for (int i = 1; i < WEIR_CLS_NBASES; i++) {
		const uint8_t *h = p->buf + off[i];
		if (off[i] == WEIR_NO_OFFSET || h > end) {
			base[i] = p->data;
			avail[i] = 0;
		} else {
			base[i] = h;
			avail[i] = (uint32_t)(end - h);
		}
	}
}

uint8_t
weir_cls_match(const struct weir_cls_program *prog, const struct weir_packet *p)
{
	if (!(prog->bases_used & ~(1u << WEIR_CLS_BASE_DATA)))
		return weir_cls_match_data(prog, p->data, p->len);
	const uint8_t *base[WEIR_CLS_NBASES];
	uint32_t avail[WEIR_CLS_NBASES];
	packet_bases(p, base, avail);
	int32_t pos = 0;
	do {
		const struct weir_cls_insn *in = &prog->insn[pos];
		const uint8_t *d = base[in->base];
		uint32_t len = avail[in->base];
		bool yes;
		if (weir_likely(len >= in->need)) {
			uint32_t w;
			memcpy(&w, d + in->offset, 4);
			yes = (w & in->mask) == in->value;
		} else {
			yes = weir_cls_test_short(in, d, len);
		}
		pos = in->next[yes];
	} while (pos >= 0);
	return (uint8_t)~pos;
}

void
weir_cls_classify(const struct weir_cls_program *prog, struct weir_packet *const *pkts,
		  uint32_t n, uint8_t *ports)
{
	if (prog->ninsn == 0) {
		memset(ports, prog->all_port, n);
		return;
	}
	if (prog->bases_used & ~(1u << WEIR_CLS_BASE_DATA)) {
		for (uint32_t i = 0; i < n; i++)
			ports[i] = weir_cls_match(prog, pkts[i]);
		return;
	}
	for (uint32_t i = 0; i < n; i++) {
		const struct weir_packet *p = pkts[i];
		ports[i] = weir_cls_match_data(prog, p->data, p->len);
	}
}
