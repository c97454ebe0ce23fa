/* source_priv.h - what InfiniteSource, RatedSource and TimedSource share: Click's
 * default packet data, the template packet they clone, and handler helpers. */
#ifndef WEIR_SOURCE_PRIV_H
#define WEIR_SOURCE_PRIV_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "weir/args.h"
#include "weir/packet.h"
#include "weir/strbuf.h"

/* Click's default DATA for its sources (69 bytes). */
#define WEIR_SOURCE_DEFAULT_DATA \
	"Random bullshit in a packet, at least 64 bytes long. Well, now it is."

/*
 * Replace *data with a malloc'd copy of Click's default data, unless the
 * configuration gave DATA. Returns 0 or -ENOMEM.
 */
static inline int
weir_source_default_data(struct weir_bytes *data, bool given)
{
	if (given)
		return 0;
	size_t len = sizeof(WEIR_SOURCE_DEFAULT_DATA) - 1;
	uint8_t *d = malloc(len);
	if (!d)
		return -ENOMEM;
	memcpy(d, WEIR_SOURCE_DEFAULT_DATA, len);
	free(data->data);
	data->data = d;
	data->len = len;
	return 0;
}

/*
 * The packet a source clones: DATA, truncated to `length` bytes, or DATA
 * repeated until it is `length` bytes long (Click's LENGTH); length < 0 keeps
 * DATA as it is. Returns NULL when out of memory or when the length is too
 * big for any packet pool.
 */
static inline struct weir_packet *
weir_source_template(const struct weir_bytes *data, int64_t length, uint32_t headroom)
{
	size_t len = length < 0 ? data->len : (size_t)length;
	if (len > weir_packet_max_len())
		return NULL;
	struct weir_packet *p = weir_packet_make(headroom, NULL, (uint32_t)len, 0);
	if (!p)
		return NULL;
	if (len && data->len) {
		size_t off = 0;
		while (off < len) {
			size_t n = WEIR_MIN(data->len, len - off);
			memcpy(p->data + off, data->data, n);
			off += n;
		}
	} else if (len) {
		memset(p->data, 0, len);
	}
	return p;
}

/* Append data as a handler value: the raw bytes, like Click's data handler. */
static inline void
weir_source_read_data(const struct weir_bytes *data, struct weir_strbuf *out)
{
	if (data->len)
		weir_strbuf_append(out, (const char *)data->data, data->len);
}

/*
 * A write handler's new DATA: Click treats the handler value as raw bytes.
 * Returns 0 or -ENOMEM; the old bytes are freed on success.
 */
static inline int
weir_source_set_data(struct weir_bytes *data, const char *value)
{
	size_t len = strlen(value);
	uint8_t *d = NULL;
	if (len) {
		d = malloc(len);
		if (!d)
			return -ENOMEM;
		memcpy(d, value, len);
	}
	free(data->data);
	data->data = d;
	data->len = len;
	return 0;
}

#endif
