/* flowhash.c - the symmetric IPv4 5-tuple hash that RSSHashSwitch and ReplayUnqueue(N_QUEUES) share. */
#include <string.h>
#include "weir/ip.h"

static inline uint32_t
flowhash_mix(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x7feb352dU;
	h ^= h >> 15;
	h *= 0x846ca68bU;
	h ^= h >> 16;
	return h;
}

uint32_t
weir_ip_flow_hash(const uint8_t *ip, uint32_t len)
{
	const struct weir_ip_hdr *h = (const struct weir_ip_hdr *)ip;
	unsigned hl = weir_ip_hlen(h);
	uint32_t a = h->src, b = h->dst, ports = 0;

	if ((h->p == WEIR_IPPROTO_TCP || h->p == WEIR_IPPROTO_UDP) && hl >= WEIR_IP_HDR_LEN &&
	    weir_ip_is_first_fragment(h) && len >= hl + 4) {
		uint16_t sp, dp;
		memcpy(&sp, ip + hl, 2);
		memcpy(&dp, ip + hl + 2, 2);
		ports = (uint32_t)(sp ^ dp); /* symmetric */
	}
	return flowhash_mix((a ^ b) + (a + b) * 0x9e3779b9U + ((uint32_t)h->p << 16) + ports);
}
