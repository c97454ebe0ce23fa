/* ip_priv.h - helpers private to elements/ip: classify-style elements whose per-packet step may kill or replace packets. */
#ifndef WEIR_ELEMENTS_IP_PRIV_H
#define WEIR_ELEMENTS_IP_PRIV_H

#include "weir/element.h"
#include "weir/ip.h"
#include "weir/packet.h"

/*
 * A "nullable classify" step writes an output port per packet, like a class's
 * classify(), but may also replace b->pkts[i] (after uniqueify) or set it to
 * NULL (packet killed, e.g. uniqueify failed). The helpers below compact the
 * batch and the ports together and route the packets as the framework's
 * classify push/pull do. Use them from the class's .push and .pull.
 */
typedef void (*weir_ip_classify_fn)(struct weir_element *e, struct weir_batch *b, uint8_t *ports);

/* Removes NULL packets from b, keeping ports[] aligned. */
static inline void
weir_ip_compact_ports(struct weir_batch *b, uint8_t *ports)
{
	uint32_t k = 0;
	for (uint32_t i = 0; i < b->n; i++) {
		if (b->pkts[i]) {
			b->pkts[k] = b->pkts[i];
			ports[k++] = ports[i];
		}
	}
	b->n = k;
}

static inline void
weir_ip_classify_push(struct weir_element *e, struct weir_batch *b, weir_ip_classify_fn fn)
{
	uint8_t ports[WEIR_BATCH_MAX];
	fn(e, b, ports);
	weir_ip_compact_ports(b, ports);
	weir_output_push_split(e, b, ports);
}

/* Pulls from input 0, keeps output 0's packets in b and pushes the others. */
static inline uint32_t
weir_ip_classify_pull(struct weir_element *e, struct weir_batch *b, uint32_t max,
		      weir_ip_classify_fn fn)
{
	uint8_t ports[WEIR_BATCH_MAX];
	struct weir_batch rest;
	uint8_t rest_ports[WEIR_BATCH_MAX];
	if (!weir_input_pull(e, 0, b, max))
		return 0;
	fn(e, b, ports);
	weir_ip_compact_ports(b, ports);
	uint32_t k = 0;
	rest.n = 0;
	for (uint32_t i = 0; i < b->n; i++) {
		if (ports[i] == 0) {
			b->pkts[k++] = b->pkts[i];
			continue;
		}
		uint8_t p = ports[i];
		if (p >= e->noutputs || !weir_output_is_push(e, p))
			p = WEIR_PORT_DROP;
		rest_ports[rest.n] = p;
		rest.pkts[rest.n++] = b->pkts[i];
	}
	b->n = k;
	weir_output_push_split(e, &rest, rest_ports);
	return b->n;
}

/*
 * The packet's IP header from its network header annotation, when at least
 * `need` bytes of it lie inside the packet's buffer up to the end of the data
 * (the header may sit before data, after a Strip). NULL otherwise.
 */
static inline struct weir_ip_hdr *
weir_ip_header_checked(const struct weir_packet *p, uint32_t need)
{
	uint8_t *nh = weir_packet_network_header(p);
	if (!nh || nh > weir_packet_end_data(p) ||
	    (uint32_t)(weir_packet_end_data(p) - nh) < need)
		return NULL;
	return (struct weir_ip_hdr *)nh;
}

#endif /* WEIR_ELEMENTS_IP_PRIV_H */
