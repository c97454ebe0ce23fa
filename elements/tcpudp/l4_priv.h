/* l4_priv.h - bounds-checked IP/transport header access and Click's pseudo-header rules,
 * shared by the tcpudp and icmp elements, and the common part of the
 * CheckTCPHeader, CheckUDPHeader and CheckICMPHeader elements (l4_checker.c). */
#ifndef WEIR_L4_PRIV_H
#define WEIR_L4_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/ip.h"
#include "weir/packet.h"
#include "weir/strbuf.h"

#define L4_IPOPT_EOL 0
#define L4_IPOPT_NOP 1
#define L4_IPOPT_LSRR 131
#define L4_IPOPT_SSRR 137

/*
 * The packet's IP header (network header annotation), or NULL when the
 * annotation is unset or points outside the packet's buffer. *avail is the
 * number of bytes from the IP header to the end of the data (the header may
 * lie before data, e.g. after Strip, but never after its end).
 */
static inline struct weir_ip_hdr *
l4_ip_header(const struct weir_packet *p, uint32_t *avail)
{
	uint8_t *net = weir_packet_network_header(p);
	uint8_t *end = weir_packet_end_data(p);

	if (!net || net < p->buf || net > end)
		return NULL;
	*avail = (uint32_t)(end - net);
	return (struct weir_ip_hdr *)net;
}

/*
 * Destination address for the pseudo-header (network order): the final hop
 * of a loose or strict source route option when there is one, as Click's
 * click_in_cksum_pseudohdr does, else ip->dst. Reads only the hlen header
 * bytes (the caller has checked that they are in the packet).
 */
static inline uint32_t
l4_pseudo_dst(const struct weir_ip_hdr *ip, unsigned hlen)
{
	const uint8_t *opt = (const uint8_t *)ip + WEIR_IP_HDR_LEN;
	const uint8_t *end = (const uint8_t *)ip + hlen;

	while (opt < end) {
		if (*opt == L4_IPOPT_NOP) {
			opt++;
			continue;
		}
		if (*opt == L4_IPOPT_EOL || opt + 1 >= end || opt[1] < 2 || opt + opt[1] > end)
			break;
		if ((*opt == L4_IPOPT_SSRR || *opt == L4_IPOPT_LSRR) && opt[1] >= 7) {
			uint32_t daddr;
			memcpy(&daddr, opt + opt[1] - 4, 4);
			return daddr;
		}
		opt += opt[1];
	}
	return ip->dst;
}

/* Checksum of a transport segment of len bytes over Click's pseudo-header:
 * 0 for a valid received segment; the value to store after zeroing the field. */
static inline uint16_t
l4_cksum(const struct weir_ip_hdr *ip, unsigned hlen, const void *seg, uint16_t len)
{
	return weir_l4_cksum(ip->src, l4_pseudo_dst(ip, hlen), ip->p, seg, len);
}

/* Click's CheckXXXHeader drop reasons. */
enum l4_reason { L4_NOT_PROTO, L4_BAD_LENGTH, L4_BAD_CHECKSUM, L4_NREASONS };

/* FastClick's drop_details format: one line per reason. */
static inline void
l4_format_drop_details(struct weir_strbuf *out, const uint64_t counts[L4_NREASONS],
		       const char *const texts[L4_NREASONS])
{
	for (unsigned i = 0; i < L4_NREASONS; i++)
		weir_strbuf_printf(out, "%15llu packets due to: %24s\n",
				   (unsigned long long)counts[i], texts[i]);
}

/* ---- CheckTCPHeader, CheckUDPHeader, CheckICMPHeader (l4_checker.c) -------- */

struct l4_checker;

/* A checker's per-protocol test: why p fails, or L4_NREASONS when it passes. */
typedef enum l4_reason (*l4_check_fn)(const struct l4_checker *c, const struct weir_packet *p);

/* Private state of a checker element (.priv_size). */
struct l4_checker {
	bool verbose;
	bool details;
	bool checksum;
	bool warned; /* the first failure was reported */
	/* set by l4_checker_configure */
	l4_check_fn check;
	const char *label;          /* "TCP": "NAME: TCP header check failed: REASON" */
	const char *const *reasons; /* L4_NREASONS texts (messages, drop_details) */
};

/* Per-thread state of a checker element (.pt_size). */
struct l4_checker_pt {
	uint64_t count;
	uint64_t drops;
	uint64_t reason[L4_NREASONS];
};

/* The checker arguments (VERBOSE, DETAILS, CHECKSUM, with WEIR_ARG_END), for
 * `static const struct weir_arg x_args[] = { L4_CHECKER_ARGS("...") };`;
 * checksum_help is the CHECKSUM help line. */
#define L4_CHECKER_ARGS(checksum_help)                                                        \
	{ "VERBOSE", WEIR_ARG_BOOL, offsetof(struct l4_checker, verbose), 0, .def = "false",  \
	  .help = "print every failure" },                                                    \
	{ "DETAILS", WEIR_ARG_BOOL, offsetof(struct l4_checker, details), 0, .def = "false",  \
	  .help = "count failures by reason" },                                               \
	{ "CHECKSUM", WEIR_ARG_BOOL, offsetof(struct l4_checker, checksum), 0, .def = "true", \
	  .help = checksum_help },                                                            \
	WEIR_ARG_END

/* Records the element's check function, label and reason texts; the
 * configure of a checker class returns this. */
int l4_checker_configure(struct weir_element *e, l4_check_fn check, const char *label,
			 const char *const reasons[L4_NREASONS]);

/* The classify of a checker: good packets to output 0, bad ones to output 1
 * if it exists (else dropped), counted by reason; the first failure, or every
 * one with VERBOSE, printed to standard error. */
void l4_checker_classify(struct weir_element *e, struct weir_batch *b, uint8_t *ports);

/* The count, drops and drop_details read handlers of a checker. */
extern const struct weir_handler l4_checker_handlers[];

#endif /* WEIR_L4_PRIV_H */
