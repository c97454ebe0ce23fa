/* ip.h - Ethernet, ARP, IPv4, UDP, TCP and ICMP headers, checksums and address helpers. */
#ifndef WEIR_IP_H
#define WEIR_IP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <arpa/inet.h>

/*
 * All header structs are packed (alignment 1): packet data may sit at any
 * offset (an IP header after a 14-byte Ethernet header is 2-byte aligned),
 * and the compiler then emits unaligned-safe loads. Multi-byte fields are in
 * network byte order; use ntohs/htons.
 */
#define WEIR_PACKED __attribute__((packed))

/* ---- Ethernet / ARP --------------------------------------------------------- */
#define WEIR_ETHER_ADDR_LEN 6
#define WEIR_ETHER_HDR_LEN 14
#define WEIR_ETHERTYPE_IP 0x0800
#define WEIR_ETHERTYPE_ARP 0x0806
#define WEIR_ETHERTYPE_VLAN 0x8100
#define WEIR_ETHERTYPE_IP6 0x86DD

struct weir_ether_hdr {
	uint8_t dst[WEIR_ETHER_ADDR_LEN];
	uint8_t src[WEIR_ETHER_ADDR_LEN];
	uint16_t type;
} WEIR_PACKED;

struct weir_vlan_hdr {
	uint8_t dst[WEIR_ETHER_ADDR_LEN];
	uint8_t src[WEIR_ETHER_ADDR_LEN];
	uint16_t tpid; /* 0x8100 */
	uint16_t tci;
	uint16_t type;
} WEIR_PACKED;

#define WEIR_ARP_HRD_ETHER 1
#define WEIR_ARP_OP_REQUEST 1
#define WEIR_ARP_OP_REPLY 2

/* ARP for IPv4 over Ethernet (28 bytes). */
struct weir_arp_hdr {
	uint16_t hrd;  /* 1 = Ethernet */
	uint16_t pro;  /* 0x0800 */
	uint8_t hln;   /* 6 */
	uint8_t pln;   /* 4 */
	uint16_t op;
	uint8_t sha[WEIR_ETHER_ADDR_LEN];
	uint8_t spa[4];
	uint8_t tha[WEIR_ETHER_ADDR_LEN];
	uint8_t tpa[4];
} WEIR_PACKED;

/* ---- IPv4 ------------------------------------------------------------------ */
#define WEIR_IP_HDR_LEN 20
#define WEIR_IP_RF 0x8000
#define WEIR_IP_DF 0x4000
#define WEIR_IP_MF 0x2000
#define WEIR_IP_OFFMASK 0x1FFF

#define WEIR_IPPROTO_ICMP 1
#define WEIR_IPPROTO_IGMP 2
#define WEIR_IPPROTO_TCP 6
#define WEIR_IPPROTO_UDP 17

struct weir_ip_hdr {
	uint8_t vihl;      /* version << 4 | header length in 32-bit words */
	uint8_t tos;
	uint16_t len;      /* total length */
	uint16_t id;
	uint16_t off;      /* flags and fragment offset (8-byte units) */
	uint8_t ttl;
	uint8_t p;         /* protocol */
	uint16_t sum;
	uint32_t src;
	uint32_t dst;
} WEIR_PACKED;

static inline unsigned weir_ip_v(const struct weir_ip_hdr *ip) { return ip->vihl >> 4; }
/* Header length in bytes. */
static inline unsigned weir_ip_hlen(const struct weir_ip_hdr *ip) { return (ip->vihl & 0xF) << 2; }
/* True for a fragment (MF set or a non-zero offset). */
static inline bool
weir_ip_is_fragment(const struct weir_ip_hdr *ip)
{
	return (ntohs(ip->off) & (WEIR_IP_MF | WEIR_IP_OFFMASK)) != 0;
}
/* True for the first (or only) fragment: offset 0. */
static inline bool
weir_ip_is_first_fragment(const struct weir_ip_hdr *ip)
{
	return (ntohs(ip->off) & WEIR_IP_OFFMASK) == 0;
}

/* ---- UDP / TCP / ICMP --------------------------------------------------------- */
struct weir_udp_hdr {
	uint16_t sport;
	uint16_t dport;
	uint16_t len;
	uint16_t sum;
} WEIR_PACKED;

#define WEIR_TH_FIN 0x01
#define WEIR_TH_SYN 0x02
#define WEIR_TH_RST 0x04
#define WEIR_TH_PUSH 0x08
#define WEIR_TH_ACK 0x10
#define WEIR_TH_URG 0x20
#define WEIR_TH_ECE 0x40
#define WEIR_TH_CWR 0x80

struct weir_tcp_hdr {
	uint16_t sport;
	uint16_t dport;
	uint32_t seq;
	uint32_t ack;
	uint8_t off_x2;    /* data offset << 4 */
	uint8_t flags;
	uint16_t win;
	uint16_t sum;
	uint16_t urp;
} WEIR_PACKED;

static inline unsigned weir_tcp_hlen(const struct weir_tcp_hdr *th) { return (th->off_x2 >> 4) << 2; }

#define WEIR_ICMP_ECHOREPLY 0
#define WEIR_ICMP_UNREACH 3
#define WEIR_ICMP_SOURCEQUENCH 4
#define WEIR_ICMP_REDIRECT 5
#define WEIR_ICMP_ECHO 8
#define WEIR_ICMP_TIMXCEED 11
#define WEIR_ICMP_PARAMPROB 12
#define WEIR_ICMP_TSTAMP 13
#define WEIR_ICMP_TSTAMPREPLY 14
#define WEIR_ICMP_IREQ 15
#define WEIR_ICMP_IREQREPLY 16
#define WEIR_ICMP_MASKREQ 17
#define WEIR_ICMP_MASKREPLY 18

/* ICMP header; the last 4 bytes are type-specific (id/seq for echo, unused, ...). */
struct weir_icmp_hdr {
	uint8_t type;
	uint8_t code;
	uint16_t sum;
	union {
		struct {
			uint16_t id;
			uint16_t seq;
		} WEIR_PACKED echo;
		uint8_t pptr;      /* parameter problem pointer */
		uint32_t gateway;  /* redirect */
		uint32_t unused;
		struct {
			uint16_t unused;
			uint16_t mtu;
		} WEIR_PACKED frag; /* unreachable, needfrag */
	} un;
} WEIR_PACKED;
#define WEIR_ICMP_HDR_LEN 8

/* ---- checksums ----------------------------------------------------------------- */

/* One's-complement sum of len bytes added to sum (not folded, not complemented). */
uint32_t weir_cksum_partial(const void *data, size_t len, uint32_t sum);
/* Folds a 32-bit partial sum to 16 bits and complements it: the checksum field value. */
static inline uint16_t
weir_cksum_fold(uint32_t sum)
{
	sum = (sum & 0xFFFF) + (sum >> 16);
	sum = (sum & 0xFFFF) + (sum >> 16);
	return (uint16_t)~sum;
}
/* Internet checksum of a buffer (Click's click_in_cksum): 0 when a buffer that
 * includes its checksum field is valid. Returned in the byte order in which it
 * is stored (write it into the header as is). */
static inline uint16_t
weir_in_cksum(const void *data, size_t len)
{
	return weir_cksum_fold(weir_cksum_partial(data, len, 0));
}
/* Partial sum of the IPv4 pseudo-header (src, dst network order; proto; len host order). */
uint32_t weir_cksum_pseudo(uint32_t src_be, uint32_t dst_be, uint8_t proto, uint16_t len);
/* Checksum of a TCP/UDP segment of len bytes (header included, its sum field
 * as it is) over the pseudo-header: store it in the sum field after zeroing it;
 * a received segment is valid when the result is 0. */
uint16_t weir_l4_cksum(uint32_t src_be, uint32_t dst_be, uint8_t proto, const void *seg,
		       uint16_t len);
/* Incremental update (RFC 1624) of checksum field `sum` when a 16-bit word
 * changes from old to new (all in network byte order). */
static inline uint16_t
weir_cksum_update16(uint16_t sum, uint16_t old, uint16_t new_)
{
	uint32_t s = (uint16_t)~sum + (uint32_t)(uint16_t)~old + new_;
	return weir_cksum_fold(s);
}
/* Same for a 32-bit field (an IP address), network byte order. */
static inline uint16_t
weir_cksum_update32(uint16_t sum, uint32_t old, uint32_t new_)
{
	uint32_t s = (uint16_t)~sum + (uint32_t)(uint16_t)~(old & 0xFFFF) +
		     (uint32_t)(uint16_t)~(old >> 16) + (new_ & 0xFFFF) + (new_ >> 16);
	return weir_cksum_fold(s);
}
/* Recomputes the IPv4 header checksum in place (hlen bytes). */
static inline void
weir_ip_set_cksum(struct weir_ip_hdr *ip, unsigned hlen)
{
	ip->sum = 0;
	ip->sum = weir_in_cksum(ip, hlen);
}

/* ---- flows ------------------------------------------------------------------- */
/* Symmetric hash of the IPv4 5-tuple at ip (len bytes available, at least a
 * 20-byte header): addresses, protocol, and the TCP/UDP ports of unfragmented
 * packets and first fragments. Both directions of a flow hash alike. */
uint32_t weir_ip_flow_hash(const uint8_t *ip, uint32_t len);

/* ---- addresses -------------------------------------------------------------- */
/* Click's definition of a prefix mask: contiguous ones (network order). Returns
 * the prefix length, or -1 if the mask is not contiguous. */
int weir_ip4_mask_to_prefix(uint32_t mask_be);
/* Mask for a prefix length 0..32, network order. */
static inline uint32_t
weir_ip4_prefix_to_mask(unsigned len)
{
	return len == 0 ? 0 : htonl(~(uint32_t)0 << (32 - len));
}

#endif /* WEIR_IP_H */
