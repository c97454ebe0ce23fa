/* fromdump.c - FromDump: reads packets from a pcap or pcapng file with libpcap. */

/*
 * =c
 * FromDump(FILENAME [, keywords STOP, TIMING, SAMPLE, FORCE_IP, START,
 *          START_AFTER, END, END_AFTER, INTERVAL, END_CALL, ACTIVE, BURST,
 *          MMAP, FILEPOS])
 *
 * =s traces
 * reads packets from a tcpdump (pcap or pcapng) file
 *
 * =d
 * Reads packets from a file written by `tcpdump -w FILENAME', Wireshark or
 * ToDump and emits them on output 0. Classic pcap (microsecond and
 * nanosecond) and pcapng files are read through libpcap. Each packet gets
 * its file timestamp as timestamp annotation, the bytes missing from the
 * capture (wire length - captured length) as extra length annotation, and a
 * MAC header (Ethernet files) or network header (raw IP files) at its start.
 *
 * In push mode a task reads up to BURST packets per run and pushes them as
 * one batch. In pull mode packets are read when pulled, and FromDump is an
 * empty notifier that goes inactive at the end of the file.
 *
 * A file cut in the middle of a packet record is reported on standard error
 * ("FILE: truncated packet record after N packets"); the packets before the
 * cut are emitted and FromDump then ends as at the end of the file. Packets
 * larger than the biggest packet buffer are dropped and counted (one
 * warning).
 *
 * Keyword arguments:
 *   STOP        Boolean. Ask the router to stop at the end. Default false.
 *   TIMING      Boolean. Emit packets at the pace of their timestamps (the
 *               first at once). Default false.
 *   SAMPLE      Real between 0 and 1: keep each packet with this probability
 *               (28-bit fixed point, deterministic generator). Default 1.
 *   FORCE_IP    Boolean. Emit only IP packets (IPv4/IPv6, over Ethernet or
 *               one 802.1Q tag, or raw IP), with their network header set;
 *               others go to output 1 if it exists, else are dropped.
 *               Raw IP files imply FORCE_IP. Default false.
 *   START       Absolute time (seconds since the epoch): skip older packets.
 *   START_AFTER Relative time: skip the first T seconds of the trace.
 *   END         Absolute time: end at the first packet at or after it.
 *   END_AFTER   Relative time: end T seconds after the first timestamp.
 *   INTERVAL    Relative time: end T seconds after the first packet output.
 *   END_CALL    "ELEMENT.HANDLER [VALUE]" write handler to call at the end.
 *               Default with END/END_AFTER/INTERVAL: 'NAME.active false'.
 *               Exclusive with STOP.
 *   ACTIVE      Boolean. If false, emit nothing until `active' is written.
 *               Default true.
 *   BURST       Packets per task run in push mode (FastClick). Default 32.
 *   MMAP        Boolean, accepted for compatibility and ignored: classic
 *               pcap files are always read from a read-only mapping (do not
 *               truncate a file while FromDump reads it), other formats
 *               (pcapng) through libpcap.
 *   FILEPOS     File offset of the first record to read (classic pcap only;
 *               a wrong offset gives garbage or a read error, as in Click).
 *
 * =h count read-only        packets emitted so far
 * =h reset_counts write     resets count
 * =h drops read-only        packets dropped (too large, out of buffers)
 * =h sampling_prob read-only the sampling probability actually used
 * =h active read/write      Boolean
 * =h encap read-only        the file's encapsulation (ETHER, IP, ...)
 * =h filename read-only     the file name
 * =h filesize read-only     the file size in bytes, or "-"
 * =h filepos read-only      offset of the next record, or "-" (pcapng)
 * =h stop write-only        deactivates FromDump and asks the router to stop
 *
 * =e
 *   FromDump(trace.pcap, STOP true) -> Counter -> Discard;
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <pcap/pcap.h>

#include "weir/args.h"
#include "weir/element.h"
#include "weir/notifier.h"
#include "weir/packet.h"
#include "weir/router.h"
#include "weir/task.h"

#define FD_SAMPLING_SHIFT 28
#define FD_SAMPLING_ONE (1u << FD_SAMPLING_SHIFT)
#define FD_NS 1000000000LL
#define FD_MAX_CAPLEN 262144 /* libpcap's limit: larger means a corrupt record */

struct fromdump_pt {
	uint64_t count;
};

struct fromdump {
	/* arguments */
	char *filename;
	bool stop, timing, force_ip, active, mmap;
	double sample;
	int64_t start, start_after, end, end_after, interval;
	bool start_given, start_after_given, end_given, end_after_given, interval_given;
	char *end_call;
	uint32_t burst;
	uint64_t filepos;
	bool filepos_given;

	/* file: libpcap, or our own reader over a mapping for classic pcap */
	pcap_t *pcap;
	const uint8_t *map; /* NULL: read with libpcap */
	size_t map_size, map_off;
	bool map_swapped, map_nano;
	char errmsg[160];   /* the reader's last error */
	int dlt;
	int64_t filesize; /* -1: unknown */
	uint64_t nread;   /* records read from the file */
	uint64_t drops;
	bool warned_oversize;
	bool eof;         /* no more packets will come */
	bool ended;       /* the end action ran (it runs once) */

	/* sampling */
	uint32_t sampling_prob;
	uint64_t rng;

	/* time window: absolute ns, fixed up with the first timestamp */
	bool have_times, have_first, have_last;
	int64_t first_time, last_time;

	/* timing */
	int64_t timing_ts;   /* trace time of the first packet */
	int64_t timing_real; /* monotonic time when it was emitted */
	struct weir_packet *pending; /* read, waiting for its time */

	/* end call */
	struct weir_element *end_e;
	const struct weir_handler *end_h;
	char *end_spec;  /* global handler name when end_e is NULL */
	char *end_value;

	bool push_mode;
	bool raw_ip;
	struct weir_task task;
	struct weir_timer timer;
	struct weir_notifier notifier;
};

static const struct weir_arg fromdump_args[] = {
	{ "FILENAME", WEIR_ARG_STRING, offsetof(struct fromdump, filename),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "pcap or pcapng file" },
	{ "TIMING", WEIR_ARG_BOOL, offsetof(struct fromdump, timing), WEIR_ARGF_POSITIONAL,
	  .def = "false", .help = "keep the trace's timing" },
	{ "STOP", WEIR_ARG_BOOL, offsetof(struct fromdump, stop), .def = "false",
	  .help = "stop the router at the end" },
	{ "ACTIVE", WEIR_ARG_BOOL, offsetof(struct fromdump, active), .def = "true" },
	{ "SAMPLE", WEIR_ARG_DOUBLE, offsetof(struct fromdump, sample), WEIR_ARGF_BOUNDED,
	  .def = "1", .min = 0, .max = 1e9, .help = "sampling probability" },
	{ "FORCE_IP", WEIR_ARG_BOOL, offsetof(struct fromdump, force_ip), .def = "false" },
	{ "START", WEIR_ARG_SECONDS, offsetof(struct fromdump, start), WEIR_ARGF_GIVEN,
	  .given_offset = offsetof(struct fromdump, start_given) },
	{ "START_AFTER", WEIR_ARG_SECONDS, offsetof(struct fromdump, start_after), WEIR_ARGF_GIVEN,
	  .given_offset = offsetof(struct fromdump, start_after_given) },
	{ "END", WEIR_ARG_SECONDS, offsetof(struct fromdump, end), WEIR_ARGF_GIVEN,
	  .given_offset = offsetof(struct fromdump, end_given) },
	{ "END_AFTER", WEIR_ARG_SECONDS, offsetof(struct fromdump, end_after), WEIR_ARGF_GIVEN,
	  .given_offset = offsetof(struct fromdump, end_after_given) },
	{ "INTERVAL", WEIR_ARG_SECONDS, offsetof(struct fromdump, interval), WEIR_ARGF_GIVEN,
	  .given_offset = offsetof(struct fromdump, interval_given) },
	{ "END_CALL", WEIR_ARG_STRING, offsetof(struct fromdump, end_call), 0,
	  .help = "write handler called at the end" },
	{ "BURST", WEIR_ARG_UINT, offsetof(struct fromdump, burst), WEIR_ARGF_BOUNDED,
	  .def = "32", .min = 1, .max = WEIR_BATCH_MAX },
	{ "MMAP", WEIR_ARG_BOOL, offsetof(struct fromdump, mmap), .def = "false",
	  .help = "ignored" },
	{ "FILEPOS", WEIR_ARG_UINT64, offsetof(struct fromdump, filepos), WEIR_ARGF_GIVEN,
	  .given_offset = offsetof(struct fromdump, filepos_given),
	  .help = "file offset of the first record (classic pcap)" },
	WEIR_ARG_END
};

/* ---- encapsulations ------------------------------------------------------------ */

static const struct {
	const char *name;
	int dlt;
} fromdump_encaps[] = {
	{ "ETHER", DLT_EN10MB },
	{ "IP", DLT_RAW },
	{ "IP", DLT_IPV4 },
	{ "FDDI", DLT_FDDI },
	{ "ATM", DLT_ATM_RFC1483 },
	{ "SLL", DLT_LINUX_SLL },
	{ "NULL", DLT_NULL },
	{ "802_11", DLT_IEEE802_11 },
	{ "PPP", DLT_PPP },
};

static const char *
fromdump_encap_name(int dlt)
{
	for (size_t i = 0; i < WEIR_ARRAY_SIZE(fromdump_encaps); i++)
		if (fromdump_encaps[i].dlt == dlt)
			return fromdump_encaps[i].name;
	return NULL;
}

static bool
fromdump_is_raw_ip(int dlt)
{
	return dlt == DLT_RAW || dlt == DLT_IPV4 || dlt == DLT_IPV6;
}

/* ---- the data path ------------------------------------------------------------- */

/* xorshift64*: deterministic, seeded once in configure. */
static inline uint32_t
fromdump_random(struct fromdump *s)
{
	uint64_t x = s->rng;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	s->rng = x;
	return (uint32_t)((x * 0x2545F4914F6CDD1DULL) >> 32);
}

/* The reporting channel of the data path: stderr, with the element's context. */
static void
fromdump_errh(struct weir_element *e, struct weir_errh *errh)
{
	weir_errh_init_stderr(errh);
	errh->landmark = e->landmark;
	errh->context = NULL;
}

static void
fromdump_report_read_error(struct weir_element *e, struct fromdump *s)
{
	struct weir_errh errh;
	const char *msg = s->errmsg;

	fromdump_errh(e, &errh);
	if (strstr(msg, "truncated"))
		weir_error(&errh, "%s: truncated packet record after %" PRIu64 " packets (%s)",
			   s->filename, s->nread, msg);
	else
		weir_error(&errh, "%s: read error after %" PRIu64 " packets: %s", s->filename,
			   s->nread, msg);
}

struct fd_record {
	int64_t ts;
	uint32_t caplen, len;
	const uint8_t *data;
};

static inline uint32_t
fd_u32(const uint8_t *p, bool swapped)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return swapped ? __builtin_bswap32(v) : v;
}

/*
 * Classic pcap over the mapping: one bounds check and one header decode per
 * record, no copy (weir_packet_make copies the data once). Returns 1, 0 at
 * the end of the file, -1 with s->errmsg set.
 */
static inline int
fromdump_next_mapped(struct fromdump *s, struct fd_record *r)
{
	const uint8_t *h = s->map + s->map_off;
	size_t left = s->map_size - s->map_off;
	uint32_t frac;

	if (weir_unlikely(left < 16)) {
		if (left == 0)
			return 0;
		snprintf(s->errmsg, sizeof(s->errmsg),
			 "truncated dump file; record header has %zu of 16 bytes", left);
		return -1;
	}
	r->caplen = fd_u32(h + 8, s->map_swapped);
	r->len = fd_u32(h + 12, s->map_swapped);
	if (weir_unlikely(r->caplen > FD_MAX_CAPLEN)) {
		snprintf(s->errmsg, sizeof(s->errmsg),
			 "invalid packet capture length %u, bigger than %u", r->caplen,
			 FD_MAX_CAPLEN);
		return -1;
	}
	if (weir_unlikely(left - 16 < r->caplen)) {
		snprintf(s->errmsg, sizeof(s->errmsg),
			 "truncated dump file; tried to read %u captured bytes, only got %zu",
			 r->caplen, left - 16);
		return -1;
	}
	frac = fd_u32(h + 4, s->map_swapped);
	r->ts = (int64_t)fd_u32(h, s->map_swapped) * FD_NS +
		(s->map_nano ? (int64_t)frac : (int64_t)frac * 1000);
	r->data = h + 16;
	s->map_off += 16 + (size_t)r->caplen;
	return 1;
}

/* The next record, from the mapping or from libpcap (pcapng, old formats). */
static inline int
fromdump_next(struct fromdump *s, struct fd_record *r)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;

	if (s->map != NULL)
		return fromdump_next_mapped(s, r);
	rc = pcap_next_ex(s->pcap, &h, &data);
	if (rc != 1) {
		if (rc == PCAP_ERROR_BREAK)
			return 0;
		snprintf(s->errmsg, sizeof(s->errmsg), "%s", pcap_geterr(s->pcap));
		return -1;
	}
	r->ts = (int64_t)h->ts.tv_sec * FD_NS + h->ts.tv_usec; /* nanosecond precision */
	r->caplen = h->caplen;
	r->len = h->len;
	r->data = data;
	return 1;
}

static void
fromdump_prepare_times(struct fromdump *s, int64_t ts)
{
	if (s->start_after_given)
		s->first_time = ts + s->start_after;
	if (s->end_after_given)
		s->last_time = ts + s->end_after;
	else if (s->interval_given)
		s->last_time = (s->have_first ? s->first_time : ts) + s->interval;
	s->have_times = true;
}

static void fromdump_end(struct weir_element *e, struct fromdump *s);

/*
 * Reads the next packet the element should emit, or NULL with s->eof set
 * (end of file, END reached and deactivated, or an error) or s->active
 * cleared.
 */
static struct weir_packet *
fromdump_read(struct weir_element *e, struct fromdump *s)
{
	struct fd_record r;
	struct weir_packet *p;
	int rc;

	while (!s->eof) {
		rc = fromdump_next(s, &r);
		if (rc != 1) {
			if (rc < 0)
				fromdump_report_read_error(e, s);
			s->eof = true;
			return NULL;
		}
		s->nread++;
		if (weir_unlikely(!s->have_times))
			fromdump_prepare_times(s, r.ts);
		if (weir_unlikely(s->have_first)) {
			if (r.ts < s->first_time)
				continue;
			s->have_first = false;
		}
		if (weir_unlikely(s->have_last) && r.ts >= s->last_time) {
			s->have_last = false;
			fromdump_end(e, s);
			if (!s->active) {
				s->eof = true;
				return NULL;
			}
		}
		if (s->sampling_prob < FD_SAMPLING_ONE &&
		    (fromdump_random(s) & (FD_SAMPLING_ONE - 1)) >= s->sampling_prob)
			continue;
		if (weir_unlikely(r.caplen > weir_packet_max_len())) {
			s->drops++;
			if (!s->warned_oversize) {
				struct weir_errh errh;
				fromdump_errh(e, &errh);
				weir_warning(&errh,
					     "%s: packet %" PRIu64 " has %u captured bytes, more than "
					     "the %zu a packet can hold; dropping such packets",
					     s->filename, s->nread - 1, r.caplen,
					     weir_packet_max_len());
				s->warned_oversize = true;
			}
			continue;
		}
		p = weir_packet_make(WEIR_DEFAULT_HEADROOM, r.data, r.caplen, 0);
		if (weir_unlikely(p == NULL)) {
			s->drops++;
			continue;
		}
		p->timestamp_ns = r.ts;
		weir_set_anno_u32(p, WEIR_EXTRA_LENGTH_ANNO_OFFSET,
				  r.len > r.caplen ? r.len - r.caplen : 0);
		if (s->raw_ip)
			weir_packet_set_network_header(p, p->data);
		else
			weir_packet_set_mac_header(p, p->data);
		return p;
	}
	return NULL;
}

/* FORCE_IP: sets the network (and transport) header of an IP packet; false
 * when the packet is not IP. */
static bool
fromdump_force_ip(struct fromdump *s, struct weir_packet *p)
{
	const uint8_t *d = p->data, *ip = NULL;
	uint32_t len = p->len;

	if (fromdump_is_raw_ip(s->dlt)) {
		ip = d;
	} else if (s->dlt == DLT_EN10MB && len >= 14) {
		uint16_t type = (uint16_t)(d[12] << 8 | d[13]);
		if (type == 0x0800 || type == 0x86DD)
			ip = d + 14;
		else if (type == 0x8100 && len >= 18) {
			type = (uint16_t)(d[16] << 8 | d[17]);
			if (type == 0x0800 || type == 0x86DD)
				ip = d + 18;
		}
	}
	if (ip == NULL || ip >= d + len)
		return false;
	weir_packet_set_network_header(p, ip);
	if ((ip[0] >> 4) == 4 && ip + (ip[0] & 0xF) * 4 <= d + len)
		weir_packet_set_transport_header(p, ip + (ip[0] & 0xF) * 4);
	else if ((ip[0] >> 4) == 6 && ip + 40 <= d + len)
		weir_packet_set_transport_header(p, ip + 40);
	return true;
}

/* Sends a non-IP packet to output 1, or kills it. */
static void
fromdump_reject(struct weir_element *e, struct weir_packet *p)
{
	if (e->noutputs > 1)
		weir_output_push_packet(e, 1, p);
	else
		weir_packet_kill(p);
}

/* Monotonic time at which p is due under TIMING (the first packet: now). */
static int64_t
fromdump_due(struct fromdump *s, const struct weir_packet *p, int64_t now)
{
	if (s->timing_real == 0) {
		s->timing_real = now;
		s->timing_ts = p->timestamp_ns;
	}
	return s->timing_real + (p->timestamp_ns - s->timing_ts);
}

/*
 * Fills b with up to max packets. Returns early, keeping the next packet
 * in s->pending and arming the timer, when TIMING says to wait.
 */
static void
fromdump_fill(struct weir_element *e, struct fromdump *s, struct weir_batch *b, uint32_t max)
{
	int64_t now = s->timing ? weir_time_ns() : 0;

	while (b->n < max && s->active) {
		struct weir_packet *p = s->pending;

		s->pending = NULL;
		if (p == NULL && (p = fromdump_read(e, s)) == NULL)
			break;
		if (s->timing) {
			int64_t due = fromdump_due(s, p, now);
			if (due > now) {
				now = weir_time_ns();
				if (due > now) {
					s->pending = p;
					weir_timer_schedule_at(&s->timer, due);
					break;
				}
			}
		}
		if (s->force_ip && !fromdump_force_ip(s, p)) {
			fromdump_reject(e, p);
			continue;
		}
		b->pkts[b->n++] = p;
	}
	((struct fromdump_pt *)weir_element_pt(e))->count += b->n;
}

static bool
fromdump_run(struct weir_task *t, void *arg)
{
	struct weir_element *e = arg;
	struct fromdump *s = e->priv;
	struct weir_batch b;

	b.n = 0;
	fromdump_fill(e, s, &b, s->burst);
	weir_output_push(e, 0, &b);
	if (s->eof && s->pending == NULL) {
		weir_task_unschedule(t);
		fromdump_end(e, s);
	} else if (!s->active || s->pending != NULL) {
		weir_task_unschedule(t); /* the timer or the active handler reschedules */
	}
	return b.n > 0;
}

static uint32_t
fromdump_pull(struct weir_element *e, int port, struct weir_batch *b, uint32_t max)
{
	struct fromdump *s = e->priv;

	if (!s->active) {
		weir_notifier_sleep(&s->notifier);
		return 0;
	}
	fromdump_fill(e, s, b, max);
	if (s->eof && s->pending == NULL) {
		weir_notifier_sleep(&s->notifier);
		fromdump_end(e, s);
	} else if (b->n == 0 && s->pending != NULL) {
		weir_notifier_sleep(&s->notifier); /* the timer wakes it */
	}
	return b->n;
}

static void
fromdump_timer(struct weir_timer *t, void *arg)
{
	struct weir_element *e = arg;
	struct fromdump *s = e->priv;

	if (!s->active)
		return;
	if (s->push_mode)
		weir_task_schedule(&s->task);
	else
		weir_notifier_wake(&s->notifier);
}

/* The end of the trace (or of the time window): STOP, END_CALL or the default. */
static void
fromdump_end(struct weir_element *e, struct fromdump *s)
{
	struct weir_errh errh;

	if (s->ended)
		return;
	s->ended = true;
	if (s->stop) {
		s->active = false;
		weir_router_please_stop(e->router);
		return;
	}
	fromdump_errh(e, &errh);
	if (s->end_h != NULL)
		weir_handler_call_write(s->end_e, s->end_h, s->end_value, &errh);
	else if (s->end_spec != NULL)
		weir_router_handler_write(e->router, s->end_spec, s->end_value, &errh);
	else if (!s->eof)
		s->active = false; /* END reached: Click's default 'NAME.active false' */
}

static void
fromdump_set_active(struct weir_element *e, struct fromdump *s, bool active)
{
	s->active = active;
	if (!active || s->eof)
		return;
	if (s->push_mode)
		weir_task_schedule(&s->task);
	else
		weir_notifier_wake(&s->notifier);
}

/* ---- configuration --------------------------------------------------------------- */

static int
fromdump_check_times(struct fromdump *s, struct weir_errh *errh)
{
	if (s->start_given && s->start_after_given)
		return weir_error(errh, "START and START_AFTER are mutually exclusive");
	if (s->end_given + s->end_after_given + s->interval_given > 1)
		return weir_error(errh, "END, END_AFTER, and INTERVAL are mutually exclusive");
	s->have_first = s->start_given || s->start_after_given;
	s->first_time = s->start;
	s->have_last = s->end_given || s->end_after_given || s->interval_given;
	s->last_time = s->end;
	return 0;
}

/*
 * Classic pcap version 2.4 (micro- or nanosecond magic, either byte order)
 * is read from a read-only mapping by fromdump_next_mapped: libpcap's stdio
 * reads cost about half of FromDump's time per packet. Anything else (pcapng,
 * old or modified formats), or a failed mapping, stays with libpcap, which
 * has already checked the file header.
 */
static void
fromdump_map(struct fromdump *s)
{
	uint8_t hdr[24];
	uint32_t magic;
	bool swapped = false, nano;
	void *m;
	int fd;

	fd = open(s->filename, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (pread(fd, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr))
		goto out;
	memcpy(&magic, hdr, 4);
	if (magic == 0xD4C3B2A1 || magic == 0x4D3CB2A1) {
		swapped = true;
		magic = __builtin_bswap32(magic);
	}
	if (magic != 0xA1B2C3D4 && magic != 0xA1B23C4D)
		goto out;
	nano = magic == 0xA1B23C4D;
	if ((swapped ? __builtin_bswap16((uint16_t)(hdr[4] | hdr[5] << 8))
		     : (uint16_t)(hdr[4] | hdr[5] << 8)) != 2 ||
	    (swapped ? __builtin_bswap16((uint16_t)(hdr[6] | hdr[7] << 8))
		     : (uint16_t)(hdr[6] | hdr[7] << 8)) != 4)
		goto out;
	m = mmap(NULL, (size_t)s->filesize, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED)
		goto out;
	madvise(m, (size_t)s->filesize, MADV_SEQUENTIAL);
	s->map = m;
	s->map_size = (size_t)s->filesize;
	s->map_off = 24;
	s->map_swapped = swapped;
	s->map_nano = nano;
out:
	close(fd);
}

static int
fromdump_open(struct weir_element *e, struct fromdump *s, struct weir_errh *errh)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct stat st;
	const char *msg;

	errbuf[0] = '\0';
	s->pcap = pcap_open_offline_with_tstamp_precision(s->filename, PCAP_TSTAMP_PRECISION_NANO,
							  errbuf);
	if (s->pcap == NULL) {
		/* libpcap's message names the file only for system errors */
		msg = errbuf;
		if (strncmp(msg, s->filename, strlen(s->filename)) == 0 &&
		    msg[strlen(s->filename)] == ':')
			msg += strlen(s->filename) + 1;
		while (*msg == ' ')
			msg++;
		return weir_error(errh, "%s: %s", s->filename, msg[0] ? msg : "cannot open");
	}
	s->dlt = pcap_datalink(s->pcap);
	s->filesize = stat(s->filename, &st) == 0 && S_ISREG(st.st_mode) ? (int64_t)st.st_size : -1;
	if (s->filesize > 0)
		fromdump_map(s);
	if (s->filepos_given) {
		if (s->map == NULL)
			return weir_error(errh, "%s: FILEPOS needs a classic pcap file", s->filename);
		if (s->filepos < 24 || s->filepos > s->map_size)
			return weir_error(errh, "%s: FILEPOS %" PRIu64 " is outside the records",
					  s->filename, s->filepos);
		s->map_off = (size_t)s->filepos;
	}
	s->raw_ip = fromdump_is_raw_ip(s->dlt);
	if (s->raw_ip)
		s->force_ip = true;
	else if (s->force_ip && s->dlt != DLT_EN10MB)
		return weir_error(errh, "%s: unknown linktype %d; can't force IP packets", s->filename,
				  s->dlt);
	return 0;
}

static int
fromdump_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct fromdump *s = e->priv;
	int rc;

	if (s->sample > 1) {
		weir_warning(errh, "SAMPLE probability reduced to 1");
		s->sample = 1;
	}
	s->sampling_prob = (uint32_t)(s->sample * FD_SAMPLING_ONE + 0.5);
	if (s->sampling_prob == 0)
		weir_warning(errh, "SAMPLE probability is 0; emitting no packets");
	s->rng = 0x9E3779B97F4A7C15ULL;
	if (s->stop && s->end_call)
		return weir_error(errh, "END_CALL and STOP are mutually exclusive");
	if ((rc = fromdump_check_times(s, errh)) < 0)
		return rc;
	weir_notifier_init(&s->notifier, s->active);
	return fromdump_open(e, s, errh);
}

/* Resolves END_CALL "ELEMENT.HANDLER [VALUE]" (or a global handler). */
static int
fromdump_init_end_call(struct weir_element *e, struct fromdump *s, struct weir_errh *errh)
{
	const char *spec = s->end_call;
	size_t n = strcspn(spec, " \t\n");
	const char *val = spec + n;
	const char *dot;
	char *name;

	while (*val == ' ' || *val == '\t' || *val == '\n')
		val++;
	s->end_value = strdup(val);
	name = strndup(spec, n);
	if (!s->end_value || !name) {
		free(name);
		return -ENOMEM;
	}
	dot = strrchr(name, '.');
	if (dot == NULL) {
		s->end_spec = name; /* a global handler, e.g. "stop" */
		return 0;
	}
	name[dot - name] = '\0';
	s->end_e = weir_router_find(e->router, name, e);
	if (s->end_e == NULL) {
		weir_error(errh, "END_CALL: no element '%s'", name);
		free(name);
		return -EINVAL;
	}
	s->end_h = weir_element_find_handler(s->end_e, dot + 1);
	if (s->end_h == NULL || s->end_h->write == NULL) {
		weir_error(errh, "END_CALL: no write handler '%s.%s'", name, dot + 1);
		free(name);
		return -EINVAL;
	}
	free(name);
	return 0;
}

static int
fromdump_initialize(struct weir_element *e, struct weir_errh *errh)
{
	struct fromdump *s = e->priv;
	int rc;

	if (s->end_call && (rc = fromdump_init_end_call(e, s, errh)) < 0)
		return rc;
	s->push_mode = weir_output_is_push(e, 0);
	weir_timer_init(&s->timer, e, fromdump_timer, e);
	if (s->push_mode) {
		weir_task_init(&s->task, e, fromdump_run, e);
		if (s->active)
			weir_task_schedule(&s->task);
	}
	return 0;
}

static void
fromdump_cleanup(struct weir_element *e)
{
	struct fromdump *s = e->priv;

	if (s->push_mode)
		weir_task_unschedule(&s->task);
	if (s->timer.fn != NULL)
		weir_timer_unschedule(&s->timer);
	if (s->pending)
		weir_packet_kill(s->pending);
	s->pending = NULL;
	if (s->pcap)
		pcap_close(s->pcap);
	s->pcap = NULL;
	if (s->map)
		munmap((void *)s->map, s->map_size);
	s->map = NULL;
	free(s->end_value);
	free(s->end_spec);
	s->end_value = s->end_spec = NULL;
}

static struct weir_notifier *
fromdump_notifier(struct weir_element *e, int port)
{
	struct fromdump *s = e->priv;

	if (port != 0 || weir_output_is_push(e, 0))
		return NULL;
	return &s->notifier;
}

/* ---- handlers ------------------------------------------------------------------ */

enum {
	FD_H_COUNT,
	FD_H_DROPS,
	FD_H_PROB,
	FD_H_ACTIVE,
	FD_H_ENCAP,
	FD_H_FILENAME,
	FD_H_FILESIZE,
	FD_H_FILEPOS,
};

static int
fromdump_read_handler(struct weir_element *e, const struct weir_handler *h,
		      struct weir_strbuf *out)
{
	struct fromdump *s = e->priv;
	const char *name;

	switch (h->arg) {
	case FD_H_COUNT:
		weir_strbuf_printf(out, "%" PRIu64, WEIR_PT_SUM(e, struct fromdump_pt, count));
		break;
	case FD_H_DROPS:
		weir_strbuf_printf(out, "%" PRIu64, s->drops);
		break;
	case FD_H_PROB:
		weir_strbuf_printf(out, "%.7g", (double)s->sampling_prob / FD_SAMPLING_ONE);
		break;
	case FD_H_ACTIVE:
		weir_strbuf_puts(out, s->active ? "true" : "false");
		break;
	case FD_H_ENCAP:
		name = fromdump_encap_name(s->dlt);
		if (name == NULL)
			name = pcap_datalink_val_to_name(s->dlt);
		weir_strbuf_puts(out, name ? name : "??");
		break;
	case FD_H_FILENAME:
		weir_strbuf_puts(out, s->filename);
		break;
	case FD_H_FILESIZE:
		if (s->filesize < 0)
			weir_strbuf_puts(out, "-");
		else
			weir_strbuf_printf(out, "%" PRId64, s->filesize);
		break;
	case FD_H_FILEPOS:
		if (s->map == NULL)
			weir_strbuf_puts(out, "-");
		else
			weir_strbuf_printf(out, "%zu", s->map_off);
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

static int
fromdump_write_active(struct weir_element *e, const char *value, const struct weir_handler *h,
		      struct weir_errh *errh)
{
	bool active;

	if (weir_parse_bool(value, &active) < 0)
		return weir_error(errh, "active: expected boolean, got '%s'", value);
	fromdump_set_active(e, e->priv, active);
	return 0;
}

static int
fromdump_write_stop(struct weir_element *e, const char *value, const struct weir_handler *h,
		    struct weir_errh *errh)
{
	fromdump_set_active(e, e->priv, false);
	weir_router_please_stop(e->router);
	return 0;
}

static int
fromdump_write_reset(struct weir_element *e, const char *value, const struct weir_handler *h,
		     struct weir_errh *errh)
{
	for (unsigned t = 0; t < weir_element_nthreads(e); t++)
		((struct fromdump_pt *)weir_element_pt_at(e, t))->count = 0;
	return 0;
}

static const struct weir_handler fromdump_handlers[] = {
	{ .name = "count", .read = fromdump_read_handler, .arg = FD_H_COUNT },
	{ .name = "drops", .read = fromdump_read_handler, .arg = FD_H_DROPS },
	{ .name = "sampling_prob", .read = fromdump_read_handler, .arg = FD_H_PROB },
	{ .name = "active", .read = fromdump_read_handler, .write = fromdump_write_active,
	  .arg = FD_H_ACTIVE },
	{ .name = "encap", .read = fromdump_read_handler, .arg = FD_H_ENCAP },
	{ .name = "filename", .read = fromdump_read_handler, .arg = FD_H_FILENAME },
	{ .name = "filesize", .read = fromdump_read_handler, .arg = FD_H_FILESIZE },
	{ .name = "filepos", .read = fromdump_read_handler, .arg = FD_H_FILEPOS },
	{ .name = "stop", .write = fromdump_write_stop },
	{ .name = "reset_counts", .write = fromdump_write_reset },
	WEIR_HANDLER_END
};

static const char fromdump_doc[] =
	"FromDump(FILENAME [, keywords STOP, TIMING, SAMPLE, FORCE_IP, START, START_AFTER,\n"
	"         END, END_AFTER, INTERVAL, END_CALL, ACTIVE, BURST, MMAP, FILEPOS])\n"
	"\n"
	"Reads packets from a tcpdump (pcap or pcapng) file.\n"
	"\n"
	"Reads packets from a file written by 'tcpdump -w FILENAME', Wireshark or ToDump\n"
	"and emits them on output 0 (libpcap: classic pcap in micro- or nanoseconds, and\n"
	"pcapng). Packets carry their file timestamp, their missing bytes as extra length\n"
	"annotation, and a MAC header (Ethernet) or network header (raw IP) annotation.\n"
	"In push mode a task pushes up to BURST packets per batch; in pull mode FromDump\n"
	"is an empty notifier that goes inactive at the end of the file. A file cut in\n"
	"the middle of a record is reported ('FILE: truncated packet record after N\n"
	"packets'); the packets before the cut are emitted and the end is handled as at\n"
	"the end of the file. Packets too large for a packet buffer are counted drops.\n"
	"\n"
	"Keywords:\n"
	"  STOP        stop the router at the end (default false)\n"
	"  TIMING      emit packets at the pace of their timestamps (default false)\n"
	"  SAMPLE      keep each packet with this probability (default 1)\n"
	"  FORCE_IP    emit only IP packets with their network header set; others go to\n"
	"              output 1 if present (default false; implied by raw IP files)\n"
	"  START, START_AFTER      skip packets before an absolute / relative time\n"
	"  END, END_AFTER, INTERVAL  end at an absolute / relative time / after output start\n"
	"  END_CALL    'ELEMENT.HANDLER [VALUE]' to call at the end (not with STOP)\n"
	"  ACTIVE      if false, emit nothing until 'active' is written (default true)\n"
	"  BURST       packets per batch in push mode (default 32)\n"
	"  MMAP        accepted and ignored (classic pcap is always read from a mapping)\n"
	"  FILEPOS     file offset of the first record to read (classic pcap)\n"
	"\n"
	"Handlers: count, reset_counts, drops, sampling_prob, active (rw), encap, filename,\n"
	"filesize, filepos, stop (write).\n"
	"\n"
	"Example: FromDump(trace.pcap, STOP true) -> Counter -> Discard;\n";

static const struct weir_element_class fromdump_class = {
	.name = "FromDump",
	.port_count = "0/1-2",
	.processing = "a/ah",
	.priv_size = sizeof(struct fromdump),
	.pt_size = sizeof(struct fromdump_pt),
	.args = fromdump_args,
	.configure = fromdump_configure,
	.initialize = fromdump_initialize,
	.cleanup = fromdump_cleanup,
	.pull = fromdump_pull,
	.notifier = fromdump_notifier,
	.handlers = fromdump_handlers,
	.doc = fromdump_doc,
};
WEIR_ELEMENT_REGISTER(fromdump_class)
