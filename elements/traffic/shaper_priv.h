/* shaper_priv.h - what Shaper and BandwidthShaper share: a pull element that
 * lets packets through only as fast as Click's gap rate allows. */
#ifndef WEIR_SHAPER_PRIV_H
#define WEIR_SHAPER_PRIV_H

#include <errno.h>
#include <inttypes.h>
#include "weir/args.h"
#include "weir/element.h"
#include "traffic_priv.h"

struct shaper {
	uint32_t rate;     /* Shaper: packets per second */
	uint64_t bw;       /* BandwidthShaper: bytes per second */
	bool bandwidth;    /* set by the class's configure */
	struct tr_gaprate gr;
};

static inline uint64_t
shaper_rate(const struct shaper *s)
{
	return s->bandwidth ? s->bw : s->rate;
}

/* Packet mode: as many packets as the gap rate allows, in one pull. */
static inline uint32_t
shaper_pull_packets(struct weir_element *e, struct shaper *s, struct weir_batch *b,
		    uint32_t max, int64_t allowed)
{
	uint32_t n = (uint32_t)WEIR_MIN((int64_t)max, allowed);
	uint32_t got = weir_input_pull(e, 0, b, n);
	tr_gaprate_update(&s->gr, got);
	return got;
}

/* Byte mode: one packet at a time while the bytes sent stay within the rate
 * (a packet passes when the rate allows its first byte, as in Click). */
static inline uint32_t
shaper_pull_bytes(struct weir_element *e, struct shaper *s, struct weir_batch *b,
		  uint32_t max, int64_t allowed)
{
	struct weir_batch one;
	uint32_t n = 0;
	while (allowed > 0 && n < max) {
		if (!weir_input_pull(e, 0, &one, 1))
			break;
		struct weir_packet *p = one.pkts[0];
		b->pkts[n++] = p;
		tr_gaprate_update(&s->gr, p->len);
		allowed -= p->len;
	}
	b->n = n;
	return n;
}

static inline uint32_t
shaper_pull(struct weir_element *e, int port, struct weir_batch *b, uint32_t max)
{
	struct shaper *s = e->priv;
	(void)port;
	if (max > WEIR_BATCH_MAX)
		max = WEIR_BATCH_MAX;
	int64_t allowed = tr_gaprate_allowed(&s->gr, weir_time_ns());
	if (allowed <= 0 || !max)
		return 0;
	if (s->bandwidth)
		return shaper_pull_bytes(e, s, b, max, allowed);
	return shaper_pull_packets(e, s, b, max, allowed);
}

static inline int
shaper_read_rate(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	const struct shaper *s = e->priv;
	(void)h;
	if (s->bandwidth)
		tr_format_bandwidth(out, s->bw);
	else
		weir_strbuf_printf(out, "%" PRIu32, s->rate);
	return 0;
}

static inline int
shaper_write_rate(struct weir_element *e, const char *value, const struct weir_handler *h,
		  struct weir_errh *errh)
{
	struct shaper *s = e->priv;
	(void)h;
	if (s->bandwidth) {
		uint64_t bw;
		if (weir_parse_bandwidth(value, &bw) < 0)
			return weir_error(errh, "rate: expected bandwidth, got '%s'", value);
		s->bw = bw;
	} else {
		uint32_t r;
		if (weir_parse_uint(value, &r) < 0)
			return weir_error(errh, "rate: expected packets per second, got '%s'", value);
		s->rate = r;
	}
	tr_gaprate_set_rate(&s->gr, shaper_rate(s));
	return 0;
}

static const struct weir_handler shaper_handlers[] = {
	{ .name = "rate", .read = shaper_read_rate, .write = shaper_write_rate },
	WEIR_HANDLER_END
};

#endif
