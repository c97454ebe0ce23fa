/* arptable_priv.h - the IP-to-Ethernet table behind ARPQuerier and ARPTable. */
#ifndef WEIR_ARPTABLE_PRIV_H
#define WEIR_ARPTABLE_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include "weir/element.h"
#include "weir/packet.h"
#include "weir/strbuf.h"
#include "weir/task.h"

/*
 * Click's ARPTable, with preallocated storage: entries come from an array
 * sized at initialisation (ENTRY_CAPACITY + 1, or ARPT_DEFAULT_ENTRIES when
 * ENTRY_CAPACITY is 0 = unlimited; when that pool runs out the oldest entry
 * is evicted), found through a chained hash on the IP address and kept on an
 * age list (oldest first). Packets waiting for an address are linked through
 * their `next` field. Times are monotonic ns. Single-threaded: the owning
 * elements are WEIR_CLASS_THREAD_UNSAFE.
 */
#define ARPT_DEFAULT_ENTRIES 4096
#define ARPT_NONE UINT32_MAX
#define ARPT_SEC 1000000000LL

struct arpt_entry {
	uint32_t ip; /* network order */
	uint8_t eth[6];
	bool known;
	bool in_use;
	uint8_t polls;      /* polls since the last reply (saturates at 255) */
	int64_t live_at;    /* last reply */
	int64_t polled_at;  /* last query */
	struct weir_packet *head, *tail;
	uint32_t npackets;
	uint32_t hnext;             /* hash chain; free list when unused */
	uint32_t age_prev, age_next; /* age list */
};

struct arpt {
	/* configuration */
	uint32_t entry_capacity;        /* 0: unlimited */
	uint32_t packet_capacity;       /* 0: unlimited */
	uint32_t entry_packet_capacity; /* 0: unlimited */
	uint32_t slim_factor;
	int64_t timeout_ns;             /* 0: never expire */
	/* state */
	struct arpt_entry *e;
	uint32_t nslots;
	uint32_t *bucket;
	uint32_t nbuckets; /* power of two */
	uint32_t free_head;
	uint32_t age_head, age_tail;
	uint32_t entry_count;
	uint32_t packet_count;
	uint64_t drops;
	struct weir_timer timer;
	bool timer_armed;
};

/* Allocate storage (after the configuration fields are set). 0 or -ENOMEM. */
int arpt_init(struct arpt *t);
/* Kill stored packets and free storage; safe on a zeroed or half-built table. */
void arpt_destroy(struct arpt *t);
/* Start the expiry timer (owner: the element whose thread runs it). */
void arpt_start_timer(struct arpt *t, struct weir_element *owner);
/* Drop every entry (stored packets count as drops). */
void arpt_clear(struct arpt *t);
/*
 * Lookup: -1 when ip is not known; else copies the address to eth and returns
 * 1 when a renewal poll should be sent now (poll_timeout_ns > 0 and due), 0
 * otherwise.
 */
int arpt_lookup(struct arpt *t, uint32_t ip, uint8_t eth[6], int64_t poll_timeout_ns);
/* Record ip -> eth (ff-ff-ff-ff-ff-ff makes the entry unknown); if head is
 * not NULL, hands over the packets waiting for ip, oldest first. 0 or -ENOMEM. */
int arpt_insert(struct arpt *t, uint32_t ip, const uint8_t eth[6], struct weir_packet **head);
/*
 * Queue p for ip: -EAGAIN when ip became known (look it up again), -ENOMEM
 * when p was refused (the caller kills it), 1 when stored and a query should
 * be sent, 0 when stored and no query is due.
 */
int arpt_append_query(struct arpt *t, uint32_t ip, struct weir_packet *p);
/*
 * For retransmission: the first saved packet of up to max entries that hold
 * packets, are not known, and may be polled now (the same 100 ms / 2 s
 * limits as arriving packets); marks them polled. Returns how many were put
 * in out; *pending tells whether any entry still holds packets.
 */
unsigned arpt_due_queries(struct arpt *t, const struct weir_packet **out, unsigned max,
			  bool *pending);
/* Click's table handler text: "IP OK ETH AGE" per entry, oldest first. */
void arpt_format(struct arpt *t, struct weir_strbuf *out);
/* Parses "IP ETH" (insert) or "IP" (delete) written to a handler. */
int arpt_write_insert(struct arpt *t, const char *value, struct weir_errh *errh);
int arpt_write_delete(struct arpt *t, const char *value, struct weir_errh *errh);

/* The table of an ARPTable element, or NULL when e is not one. */
struct arpt *arptable_of(struct weir_element *e);

#endif
