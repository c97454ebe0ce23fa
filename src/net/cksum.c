/* cksum.c - Internet checksums (RFC 1071) and the IPv4 pseudo-header, plus prefix-mask helpers. */
#include <string.h>
#include "weir/ip.h"

uint32_t
weir_cksum_partial(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;
	uint64_t acc = sum;

	while (len >= 8) {
		uint32_t a, b;
		memcpy(&a, p, 4);
		memcpy(&b, p + 4, 4);
		acc += (uint64_t)a + b;
		p += 8;
		len -= 8;
	}
	while (len >= 2) {
		uint16_t w;
		memcpy(&w, p, 2);
		acc += w;
		p += 2;
		len -= 2;
	}
	if (len) {
		/* the odd byte is the first byte of a 16-bit word in network order */
		uint16_t w = 0;
		memcpy(&w, p, 1);
		acc += w;
	}
	while (acc >> 32)
		acc = (acc & 0xFFFFFFFFu) + (acc >> 32);
	/* fold to at most 17 bits so callers can keep adding 16-bit words */
	acc = (acc & 0xFFFF) + (acc >> 16);
	acc = (acc & 0xFFFF) + (acc >> 16);
	return (uint32_t)acc;
}

uint32_t
weir_cksum_pseudo(uint32_t src_be, uint32_t dst_be, uint8_t proto, uint16_t len)
{
	uint64_t acc = (uint64_t)(src_be & 0xFFFF) + (src_be >> 16) + (dst_be & 0xFFFF) +
		       (dst_be >> 16) + htons(proto) + htons(len);
	acc = (acc & 0xFFFF) + (acc >> 16);
	acc = (acc & 0xFFFF) + (acc >> 16);
	return (uint32_t)acc;
}

uint16_t
weir_l4_cksum(uint32_t src_be, uint32_t dst_be, uint8_t proto, const void *seg, uint16_t len)
{
	uint32_t s = weir_cksum_pseudo(src_be, dst_be, proto, len);
	return weir_cksum_fold(weir_cksum_partial(seg, len, s));
}

int
weir_ip4_mask_to_prefix(uint32_t mask_be)
{
	uint32_t m = ntohl(mask_be);
	int n = 0;

	while (n < 32 && (m & 0x80000000u)) {
		m <<= 1;
		n++;
	}
	return m == 0 ? n : -1;
}
