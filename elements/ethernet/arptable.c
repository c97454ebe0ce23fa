/* arptable.c - the ARP table used by ARPQuerier, and the ARPTable element that shares one. */
/*
 * =c
 * ARPTable(KEYWORDS)
 *
 * =s arp
 * stores IP-to-Ethernet mappings
 *
 * =d
 * The ARPTable element stores IP-to-Ethernet mappings, such as are useful
 * for the ARP protocol. ARPTable is an information element, with no inputs
 * or outputs. ARPQuerier normally encapsulates access to an ARPTable
 * element. A separate ARPTable is useful if several ARPQuerier elements
 * should share a table (ARPQuerier's TABLE keyword).
 *
 * weir preallocates the entries: ENTRY_CAPACITY + 1 of them, or 4096 when
 * ENTRY_CAPACITY is 0 (unlimited); when those run out the oldest entry is
 * evicted, as if ENTRY_CAPACITY were 4095.
 *
 * Keywords:
 *   CAPACITY              unsigned; the maximum number of saved IP packets
 *                         the table will hold at a time. Default 2048; zero
 *                         means unlimited.
 *   ENTRY_CAPACITY        unsigned; the maximum number of ARP entries.
 *                         Default 0 (unlimited, see above).
 *   ENTRY_PACKET_CAPACITY unsigned; the maximum number of saved packets for
 *                         any one entry. Default 0 (unlimited).
 *   CAPACITY_SLIM_FACTOR  unsigned; on exceeding CAPACITY, 1/FACTOR of the
 *                         saved packets are removed (oldest entries first).
 *                         Default 2; zero is an error.
 *   TIMEOUT               time; an entry expires this long after the last
 *                         reply. Default 5 minutes; zero means never. An
 *                         expiry timer (TIMEOUT + 1 s period) frees expired
 *                         entries and their packets.
 *
 * =h table read-only
 * One line per entry, oldest first: the IP address, 1 if the entry is valid
 * (0 if not), the Ethernet address, and the time since the entry was last
 * updated.
 * =h drops read-only
 * Packets dropped because of timeouts or capacity limits.
 * =h count read-only
 * Entries in the table.
 * =h length read-only
 * Packets stored in the table.
 * =h insert write-only
 * Adds an entry: "IP ETH".
 * =h delete write-only
 * Invalidates an entry: "IP".
 * =h clear write-only
 * Deletes every entry.
 *
 * =e
 *   t :: ARPTable(TIMEOUT 60);
 *   ARPQuerier(10.0.0.1, 02:00:00:00:00:01, TABLE t);
 *
 * =a ARPQuerier
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/ip.h"
#include "arptable_priv.h"

static const char arptable_doc[] =
	"ARPTable(KEYWORDS)\n"
	"\n"
	"Stores IP-to-Ethernet mappings.\n"
	"\n"
	"The ARPTable element stores IP-to-Ethernet mappings, such as are useful\n"
	"for the ARP protocol. ARPTable is an information element, with no inputs\n"
	"or outputs. ARPQuerier normally encapsulates access to an ARPTable\n"
	"element. A separate ARPTable is useful if several ARPQuerier elements\n"
	"should share a table (ARPQuerier's TABLE keyword).\n"
	"\n"
	"weir preallocates the entries: ENTRY_CAPACITY + 1 of them, or 4096 when\n"
	"ENTRY_CAPACITY is 0 (unlimited); when those run out the oldest entry is\n"
	"evicted, as if ENTRY_CAPACITY were 4095.\n"
	"\n"
	"Keywords:\n"
	"  CAPACITY              unsigned; the maximum number of saved IP packets\n"
	"                        the table will hold at a time. Default 2048; zero\n"
	"                        means unlimited.\n"
	"  ENTRY_CAPACITY        unsigned; the maximum number of ARP entries.\n"
	"                        Default 0 (unlimited, see above).\n"
	"  ENTRY_PACKET_CAPACITY unsigned; the maximum number of saved packets for\n"
	"                        any one entry. Default 0 (unlimited).\n"
	"  CAPACITY_SLIM_FACTOR  unsigned; on exceeding CAPACITY, 1/FACTOR of the\n"
	"                        saved packets are removed (oldest entries first).\n"
	"                        Default 2; zero is an error.\n"
	"  TIMEOUT               time; an entry expires this long after the last\n"
	"                        reply. Default 5 minutes; zero means never. An\n"
	"                        expiry timer (TIMEOUT + 1 s period) frees expired\n"
	"                        entries and their packets.\n"
	"\n"
	"Handlers:\n"
	"  table (read-only)   one line per entry, oldest first: IP, 1 if valid\n"
	"                      (0 if not), Ethernet address, time since update\n"
	"  drops (read-only)   packets dropped because of timeouts or capacity\n"
	"  count (read-only)   entries in the table\n"
	"  length (read-only)  packets stored in the table\n"
	"  insert (write-only) adds an entry: \"IP ETH\"\n"
	"  delete (write-only) invalidates an entry: \"IP\"\n"
	"  clear (write-only)  deletes every entry\n"
	"\n"
	"Example:\n"
	"  t :: ARPTable(TIMEOUT 60);\n"
	"  ARPQuerier(10.0.0.1, 02:00:00:00:00:01, TABLE t);\n";

static const uint8_t arpt_bcast[6] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };

/* ---- the table ------------------------------------------------------------------ */

static uint32_t
arpt_hash(const struct arpt *t, uint32_t ip)
{
	return (uint32_t)((ip * 2654435761u) >> 7) & (t->nbuckets - 1);
}

static uint32_t
arpt_find(const struct arpt *t, uint32_t ip)
{
	uint32_t i = t->bucket[arpt_hash(t, ip)];
	while (i != ARPT_NONE && t->e[i].ip != ip)
		i = t->e[i].hnext;
	return i;
}

static bool
arpt_expired(const struct arpt *t, const struct arpt_entry *ae, int64_t now)
{
	return t->timeout_ns && ae->live_at + t->timeout_ns < now;
}

static bool
arpt_known(const struct arpt *t, const struct arpt_entry *ae, int64_t now)
{
	return ae->known && !arpt_expired(t, ae, now);
}

static bool
arpt_allow_poll(const struct arpt_entry *ae, int64_t now)
{
	int64_t wait = ae->polls >= 10 ? 2 * ARPT_SEC : ARPT_SEC / 10;
	return now >= ae->polled_at + wait;
}

static void
arpt_mark_poll(struct arpt_entry *ae, int64_t now)
{
	ae->polled_at = now;
	if (ae->polls < 255)
		ae->polls++;
}

static void
arpt_age_remove(struct arpt *t, uint32_t i)
{
	struct arpt_entry *ae = &t->e[i];
	if (ae->age_prev != ARPT_NONE)
		t->e[ae->age_prev].age_next = ae->age_next;
	else
		t->age_head = ae->age_next;
	if (ae->age_next != ARPT_NONE)
		t->e[ae->age_next].age_prev = ae->age_prev;
	else
		t->age_tail = ae->age_prev;
	ae->age_prev = ae->age_next = ARPT_NONE;
}

/* Insert i before `next` (ARPT_NONE: at the tail). */
static void
arpt_age_insert(struct arpt *t, uint32_t i, uint32_t next)
{
	struct arpt_entry *ae = &t->e[i];
	uint32_t prev = next == ARPT_NONE ? t->age_tail : t->e[next].age_prev;
	ae->age_prev = prev;
	ae->age_next = next;
	if (prev != ARPT_NONE)
		t->e[prev].age_next = i;
	else
		t->age_head = i;
	if (next != ARPT_NONE)
		t->e[next].age_prev = i;
	else
		t->age_tail = i;
}

/* Kill the packets stored on an entry (they count as drops). */
static void
arpt_drop_packets(struct arpt *t, struct arpt_entry *ae)
{
	while (ae->head) {
		struct weir_packet *p = ae->head;
		ae->head = p->next;
		p->next = NULL;
		weir_packet_kill(p);
		t->drops++;
	}
	ae->tail = NULL;
	t->packet_count -= ae->npackets;
	ae->npackets = 0;
}

static void
arpt_free_entry(struct arpt *t, uint32_t i)
{
	struct arpt_entry *ae = &t->e[i];
	arpt_drop_packets(t, ae);
	uint32_t *pp = &t->bucket[arpt_hash(t, ae->ip)];
	while (*pp != i)
		pp = &t->e[*pp].hnext;
	*pp = ae->hnext;
	arpt_age_remove(t, i);
	ae->in_use = false;
	ae->hnext = t->free_head;
	t->free_head = i;
	t->entry_count--;
}

/* Click's slim(): expire old entries, honour ENTRY_CAPACITY and CAPACITY. */
static void
arpt_slim(struct arpt *t, int64_t now)
{
	while (t->age_head != ARPT_NONE &&
	       (arpt_expired(t, &t->e[t->age_head], now) ||
		(t->entry_capacity && t->entry_count > t->entry_capacity)))
		arpt_free_entry(t, t->age_head);

	if (!t->packet_capacity || t->packet_count <= t->packet_capacity)
		return;
	uint32_t slim = t->packet_capacity - t->packet_capacity / t->slim_factor;
	if (slim == 0)
		slim = 1; /* the packet being added is counted but not stored yet */
	for (uint32_t i = t->age_head; i != ARPT_NONE && t->packet_count > slim;
	     i = t->e[i].age_next) {
		struct arpt_entry *ae = &t->e[i];
		while (ae->head && t->packet_count > slim) {
			struct weir_packet *p = ae->head;
			if (!(ae->head = p->next))
				ae->tail = NULL;
			p->next = NULL;
			weir_packet_kill(p);
			t->packet_count--;
			ae->npackets--;
			t->drops++;
		}
	}
}

/* The entry for ip, made if needed (Click's ensure()). */
static uint32_t
arpt_ensure(struct arpt *t, uint32_t ip, int64_t now)
{
	uint32_t i = arpt_find(t, ip);
	if (i != ARPT_NONE)
		return i;
	if (t->free_head == ARPT_NONE) {
		if (t->age_head == ARPT_NONE)
			return ARPT_NONE;
		arpt_free_entry(t, t->age_head); /* preallocated pool full */
	}
	i = t->free_head;
	t->free_head = t->e[i].hnext;
	t->entry_count++;
	if (t->entry_capacity && t->entry_count > t->entry_capacity)
		arpt_slim(t, now);

	struct arpt_entry *ae = &t->e[i];
	memset(ae, 0, sizeof(*ae));
	ae->ip = ip;
	memcpy(ae->eth, arpt_bcast, 6);
	ae->in_use = true;
	ae->live_at = now;
	ae->polled_at = now - ARPT_SEC;
	uint32_t h = arpt_hash(t, ip);
	ae->hnext = t->bucket[h];
	t->bucket[h] = i;
	ae->age_prev = ae->age_next = ARPT_NONE;
	arpt_age_insert(t, i, ARPT_NONE);
	return i;
}

int
arpt_init(struct arpt *t)
{
	uint32_t n = t->entry_capacity ? t->entry_capacity + 1 : ARPT_DEFAULT_ENTRIES;
	uint32_t nb = 16;
	while (nb < n && nb < (1u << 30))
		nb <<= 1;
	t->e = calloc(n, sizeof(*t->e));
	t->bucket = malloc(nb * sizeof(*t->bucket));
	if (!t->e || !t->bucket) {
		arpt_destroy(t);
		return -ENOMEM;
	}
	t->nslots = n;
	t->nbuckets = nb;
	for (uint32_t i = 0; i < nb; i++)
		t->bucket[i] = ARPT_NONE;
	for (uint32_t i = 0; i < n; i++)
		t->e[i].hnext = i + 1 < n ? i + 1 : ARPT_NONE;
	t->free_head = 0;
	t->age_head = t->age_tail = ARPT_NONE;
	t->entry_count = t->packet_count = 0;
	return 0;
}

void
arpt_clear(struct arpt *t)
{
	while (t->e && t->age_head != ARPT_NONE)
		arpt_free_entry(t, t->age_head);
}

void
arpt_destroy(struct arpt *t)
{
	if (t->timer_armed)
		weir_timer_unschedule(&t->timer);
	t->timer_armed = false;
	arpt_clear(t);
	free(t->e);
	free(t->bucket);
	t->e = NULL;
	t->bucket = NULL;
	t->nslots = t->nbuckets = 0;
}

static void
arpt_timer_fire(struct weir_timer *tm, void *arg)
{
	struct arpt *t = arg;
	arpt_slim(t, weir_time_ns());
	weir_timer_schedule_after(tm, t->timeout_ns + ARPT_SEC);
}

void
arpt_start_timer(struct arpt *t, struct weir_element *owner)
{
	if (!t->timeout_ns || t->timer_armed)
		return;
	weir_timer_init(&t->timer, owner, arpt_timer_fire, t);
	weir_timer_schedule_after(&t->timer, t->timeout_ns);
	t->timer_armed = true;
}

int
arpt_lookup(struct arpt *t, uint32_t ip, uint8_t eth[6], int64_t poll_timeout_ns)
{
	uint32_t i = arpt_find(t, ip);
	if (i == ARPT_NONE)
		return -1;
	struct arpt_entry *ae = &t->e[i];
	int64_t now = weir_time_ns();
	if (!arpt_known(t, ae, now))
		return -1;
	memcpy(eth, ae->eth, 6);
	if (poll_timeout_ns && now >= ae->live_at + poll_timeout_ns && arpt_allow_poll(ae, now)) {
		arpt_mark_poll(ae, now);
		return 1;
	}
	return 0;
}

int
arpt_insert(struct arpt *t, uint32_t ip, const uint8_t eth[6], struct weir_packet **head)
{
	int64_t now = weir_time_ns();
	uint32_t i = arpt_ensure(t, ip, now);
	if (i == ARPT_NONE)
		return -ENOMEM;
	struct arpt_entry *ae = &t->e[i];
	memcpy(ae->eth, eth, 6);
	ae->known = memcmp(eth, arpt_bcast, 6) != 0;
	ae->live_at = now;
	ae->polls = 0;
	ae->polled_at = now - ARPT_SEC;
	if (t->age_tail != i) {
		arpt_age_remove(t, i);
		arpt_age_insert(t, i, ARPT_NONE);
	}
	if (head) {
		*head = ae->head;
		ae->head = ae->tail = NULL;
		t->packet_count -= ae->npackets;
		ae->npackets = 0;
	}
	return 0;
}

int
arpt_append_query(struct arpt *t, uint32_t ip, struct weir_packet *p)
{
	int64_t now = weir_time_ns();
	uint32_t i = arpt_ensure(t, ip, now);
	if (i == ARPT_NONE)
		return -ENOMEM;
	struct arpt_entry *ae = &t->e[i];
	if (arpt_known(t, ae, now))
		return -EAGAIN;

	/* still wanted: keep the entry just this side of expiring */
	if (t->timeout_ns && ae->live_at < now - t->timeout_ns) {
		ae->live_at = now - t->timeout_ns;
		uint32_t first = ae->age_next, next = first;
		while (next != ARPT_NONE && t->e[next].live_at < ae->live_at)
			next = t->e[next].age_next;
		if (next != first) {
			arpt_age_remove(t, i);
			arpt_age_insert(t, i, next);
		}
	}

	if (t->entry_packet_capacity && ae->npackets >= t->entry_packet_capacity) {
		t->drops++;
		return -ENOMEM;
	}
	t->packet_count++;
	if (t->packet_capacity && t->packet_count > t->packet_capacity)
		arpt_slim(t, now);

	p->next = NULL;
	if (ae->tail)
		ae->tail->next = p;
	else
		ae->head = p;
	ae->tail = p;
	ae->npackets++;

	if (arpt_allow_poll(ae, now)) {
		arpt_mark_poll(ae, now);
		return 1;
	}
	return 0;
}

unsigned
arpt_due_queries(struct arpt *t, const struct weir_packet **out, unsigned max, bool *pending)
{
	int64_t now = weir_time_ns();
	unsigned n = 0;
	*pending = false;
	for (uint32_t i = t->age_head; i != ARPT_NONE; i = t->e[i].age_next) {
		struct arpt_entry *ae = &t->e[i];
		if (!ae->head || arpt_known(t, ae, now))
			continue;
		*pending = true;
		if (n < max && arpt_allow_poll(ae, now)) {
			arpt_mark_poll(ae, now);
			out[n++] = ae->head;
		}
	}
	return n;
}

void
arpt_format(struct arpt *t, struct weir_strbuf *out)
{
	int64_t now = weir_time_ns();
	for (uint32_t i = t->age_head; i != ARPT_NONE; i = t->e[i].age_next) {
		const struct arpt_entry *ae = &t->e[i];
		char ip[16];
		const uint8_t *a = ae->eth;
		/* Click's age is in jiffies (ms), printed as a Timestamp */
		int64_t ms = (now - ae->live_at) / 1000000;
		weir_format_ip4(ae->ip, ip);
		weir_strbuf_printf(out, "%s %d %02X-%02X-%02X-%02X-%02X-%02X %" PRId64 ".%06" PRId64 "\n",
				   ip, arpt_known(t, ae, now) ? 1 : 0, a[0], a[1], a[2], a[3], a[4],
				   a[5], ms / 1000, (ms % 1000) * 1000);
	}
}

int
arpt_write_insert(struct arpt *t, const char *value, struct weir_errh *errh)
{
	char **w = NULL;
	int n = weir_split_words(value, &w);
	uint32_t ip;
	uint8_t eth[6];
	int rc = 0;
	if (n != 2)
		rc = weir_error(errh, "insert: expected 'IP ETH', got '%s'", value);
	else if (weir_parse_ip4(w[0], &ip) < 0)
		rc = weir_error(errh, "IP: expected IP address, got '%s'", w[0]);
	else if (weir_parse_ether(w[1], eth) < 0)
		rc = weir_error(errh, "ETH: expected Ethernet address, got '%s'", w[1]);
	if (n > 0)
		weir_words_free(w, n);
	if (rc < 0)
		return rc;
	if (arpt_insert(t, ip, eth, NULL) < 0)
		return weir_error(errh, "insert: table full");
	return 0;
}

int
arpt_write_delete(struct arpt *t, const char *value, struct weir_errh *errh)
{
	char **w = NULL;
	int n = weir_split_words(value, &w);
	uint32_t ip;
	int rc = 0;
	if (n != 1)
		rc = weir_error(errh, "delete: expected 'IP', got '%s'", value);
	else if (weir_parse_ip4(w[0], &ip) < 0)
		rc = weir_error(errh, "IP: expected IP address, got '%s'", w[0]);
	if (n > 0)
		weir_words_free(w, n);
	if (rc < 0)
		return rc;
	/* Click marks the entry unknown rather than removing it */
	if (arpt_insert(t, ip, arpt_bcast, NULL) < 0)
		return weir_error(errh, "delete: table full");
	return 0;
}

/* ---- the ARPTable element --------------------------------------------------------- */

struct arptable {
	struct arpt t;
	int64_t timeout;
};

static const struct weir_arg arptable_args[] = {
	{ "CAPACITY", WEIR_ARG_UINT, offsetof(struct arptable, t.packet_capacity), 0,
	  .def = "2048", .help = "saved packets (0: unlimited)" },
	{ "ENTRY_CAPACITY", WEIR_ARG_UINT, offsetof(struct arptable, t.entry_capacity),
	  WEIR_ARGF_BOUNDED, .def = "0", .min = 0, .max = 1u << 24,
	  .help = "entries (0: unlimited)" },
	{ "ENTRY_PACKET_CAPACITY", WEIR_ARG_UINT,
	  offsetof(struct arptable, t.entry_packet_capacity), 0, .def = "0",
	  .help = "saved packets per entry (0: unlimited)" },
	{ "CAPACITY_SLIM_FACTOR", WEIR_ARG_UINT, offsetof(struct arptable, t.slim_factor),
	  WEIR_ARGF_BOUNDED, .def = "2", .min = 1, .max = UINT32_MAX,
	  .help = "fraction of packets removed when full" },
	{ "TIMEOUT", WEIR_ARG_SECONDS, offsetof(struct arptable, timeout), WEIR_ARGF_BOUNDED,
	  .def = "300", .min = 0, .max = 4e18, .help = "entry lifetime (0: forever)" },
	WEIR_ARG_END
};

struct arpt *
arptable_of(struct weir_element *e)
{
	if (!e || strcmp(e->cls->name, "ARPTable") != 0)
		return NULL;
	return &((struct arptable *)e->priv)->t;
}

static int
arptable_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct arptable *at = e->priv;
	at->t.timeout_ns = at->timeout;
	if (arpt_init(&at->t) < 0)
		return weir_error(errh, "out of memory");
	return 0;
}

static int
arptable_initialize(struct weir_element *e, struct weir_errh *errh)
{
	struct arptable *at = e->priv;
	arpt_start_timer(&at->t, e);
	return 0;
}

static void
arptable_cleanup(struct weir_element *e)
{
	struct arptable *at = e->priv;
	arpt_destroy(&at->t);
}

enum { H_TABLE, H_DROPS, H_COUNT, H_LENGTH, H_INSERT, H_DELETE, H_CLEAR };

static int
arptable_read(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	struct arptable *at = e->priv;
	switch (h->arg) {
	case H_TABLE:
		arpt_format(&at->t, out);
		return 0;
	case H_DROPS:
		weir_strbuf_printf(out, "%" PRIu64, at->t.drops);
		return 0;
	case H_COUNT:
		weir_strbuf_printf(out, "%" PRIu32, at->t.entry_count);
		return 0;
	case H_LENGTH:
		weir_strbuf_printf(out, "%" PRIu32, at->t.packet_count);
		return 0;
	default:
		return -EINVAL;
	}
}

static int
arptable_write(struct weir_element *e, const char *value, const struct weir_handler *h,
	       struct weir_errh *errh)
{
	struct arptable *at = e->priv;
	switch (h->arg) {
	case H_INSERT:
		return arpt_write_insert(&at->t, value, errh);
	case H_DELETE:
		return arpt_write_delete(&at->t, value, errh);
	case H_CLEAR:
		arpt_clear(&at->t);
		return 0;
	default:
		return -EINVAL;
	}
}

static const struct weir_handler arptable_handlers[] = {
	{ .name = "table", .read = arptable_read, .arg = H_TABLE },
	{ .name = "drops", .read = arptable_read, .arg = H_DROPS },
	{ .name = "count", .read = arptable_read, .arg = H_COUNT },
	{ .name = "length", .read = arptable_read, .arg = H_LENGTH },
	{ .name = "insert", .write = arptable_write, .arg = H_INSERT },
	{ .name = "delete", .write = arptable_write, .arg = H_DELETE },
	{ .name = "clear", .write = arptable_write, .arg = H_CLEAR },
	WEIR_HANDLER_END
};

static const struct weir_element_class arptable_class = {
	.name = "ARPTable",
	.port_count = "0/0",
	.processing = "a/a",
	.priv_size = sizeof(struct arptable),
	.args = arptable_args,
	.configure_phase = WEIR_CONFIGURE_PHASE_INFO,
	.flags = WEIR_CLASS_THREAD_UNSAFE,
	.configure = arptable_configure,
	.initialize = arptable_initialize,
	.cleanup = arptable_cleanup,
	.handlers = arptable_handlers,
	.doc = arptable_doc,
};
WEIR_ELEMENT_REGISTER(arptable_class)
