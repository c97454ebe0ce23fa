/* todump.c - ToDump: writes packets to a pcap file with libpcap. */

/*
 * =c
 * ToDump(FILENAME [, SNAPLEN, ENCAP, keywords USE_ENCAP_FROM, EXTRA_LENGTH,
 *        UNBUFFERED, NANO])
 *
 * =s traces
 * writes packets to a tcpdump file
 *
 * =d
 * Writes each incoming packet to FILENAME in classic pcap format (what
 * `tcpdump -w' writes), with nanosecond timestamps by default, as Click
 * does. FILENAME "-" is standard output. Each record gets the packet's
 * timestamp annotation (the current time when it is unset), its first
 * SNAPLEN bytes, and its length plus its extra length annotation as wire
 * length.
 *
 * ToDump is agnostic. In push, it writes each packet and then pushes it on
 * output 0 if that output exists, or kills it. With a pull input and no
 * output, a task pulls packets and sleeps while the upstream empty notifier
 * is off. With a pull input and a pull output, it writes the packets that
 * are pulled through it. The file is flushed and closed at cleanup.
 *
 * Keyword arguments:
 *   SNAPLEN        Unsigned. Bytes of each packet written; 0 is unlimited.
 *                  Default 2000.
 *   ENCAP          The link type: ETHER (default), IP (raw IP, LINKTYPE_RAW
 *                  101), FDDI, ATM, SLL, NULL, 802_11, PPP, or a libpcap
 *                  DLT name.
 *   USE_ENCAP_FROM Element names, space separated: take ENCAP from their
 *                  `encap' handlers (they must agree).
 *   EXTRA_LENGTH   Boolean. Add the extra length annotation to the wire
 *                  length. Default true.
 *   UNBUFFERED     Boolean. Flush after every packet. Default false.
 *   NANO           Boolean. Nanosecond timestamps. Default true.
 *
 * =h count read-only       packets written
 * =h reset_counts write    resets count
 * =h filename read-only    the file name
 *
 * =e
 *   FromDump(in.pcap, STOP true) -> Strip(14) -> ToDump(out.pcap, ENCAP IP);
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>

#include "weir/args.h"
#include "weir/element.h"
#include "weir/notifier.h"
#include "weir/packet.h"
#include "weir/router.h"
#include "weir/task.h"

#define TD_BUFFER_SIZE (256 * 1024)
#define TD_NS 1000000000LL
#define TD_PULL_BURST 32

struct todump_pt {
	uint64_t count;
};

struct todump {
	/* arguments */
	char *filename;
	uint32_t snaplen;
	char *encap;
	char *use_encap_from;
	bool extra_length, unbuffered, nano;

	int dlt;
	pcap_t *dead;
	pcap_dumper_t *dumper;
	FILE *fp;
	uint8_t *wbuf; /* records not yet given to stdio */
	size_t wlen;
	bool failed; /* a write failed: stop writing */
	bool task_mode;
	struct weir_task task;
	struct weir_notifier *signal;
};

static const struct weir_arg todump_args[] = {
	{ "FILENAME", WEIR_ARG_STRING, offsetof(struct todump, filename),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "pcap file to write, '-' for stdout" },
	{ "SNAPLEN", WEIR_ARG_UINT, offsetof(struct todump, snaplen), WEIR_ARGF_POSITIONAL,
	  .def = "2000", .help = "bytes written per packet, 0 = all" },
	{ "ENCAP", WEIR_ARG_WORD, offsetof(struct todump, encap), WEIR_ARGF_POSITIONAL,
	  .help = "link type: ETHER, IP, ..." },
	{ "USE_ENCAP_FROM", WEIR_ARG_STRING, offsetof(struct todump, use_encap_from), 0 },
	{ "EXTRA_LENGTH", WEIR_ARG_BOOL, offsetof(struct todump, extra_length), .def = "true" },
	{ "UNBUFFERED", WEIR_ARG_BOOL, offsetof(struct todump, unbuffered), .def = "false" },
	{ "NANO", WEIR_ARG_BOOL, offsetof(struct todump, nano), .def = "true" },
	WEIR_ARG_END
};

static const struct {
	const char *name;
	int dlt;
} todump_encaps[] = {
	{ "ETHER", DLT_EN10MB },
	{ "IP", DLT_RAW },
	{ "FDDI", DLT_FDDI },
	{ "ATM", DLT_ATM_RFC1483 },
	{ "SLL", DLT_LINUX_SLL },
	{ "NULL", DLT_NULL },
	{ "802_11", DLT_IEEE802_11 },
	{ "PPP", DLT_PPP },
};

/* Link type from a Click encapsulation name or a libpcap DLT name; -1 if unknown. */
static int
todump_parse_encap(const char *name)
{
	for (size_t i = 0; i < WEIR_ARRAY_SIZE(todump_encaps); i++)
		if (strcmp(todump_encaps[i].name, name) == 0)
			return todump_encaps[i].dlt;
	return pcap_datalink_name_to_val(name);
}

/* ---- the data path ------------------------------------------------------------- */

/* Hands the gathered records to stdio; false on a write error. */
static bool
todump_flush_records(struct todump *s)
{
	size_t n = s->wlen;

	s->wlen = 0;
	return n == 0 || fwrite(s->wbuf, 1, n, s->fp) == n;
}

/*
 * Appends one record (libpcap's layout: the file header came from
 * pcap_dump_fopen) to the element's buffer: one memcpy per packet and one
 * fwrite per TD_BUFFER_SIZE bytes, where pcap_dump costs two fwrite calls per
 * packet (a quarter of FromDump -> Counter -> ToDump).
 */
static bool
todump_write(struct todump *s, const struct weir_packet *p)
{
	uint32_t rec[4];
	int64_t ts = p->timestamp_ns ? p->timestamp_ns : weir_wall_ns();
	int64_t sec = ts / TD_NS, frac = ts % TD_NS;
	uint32_t caplen = p->len;

	if (s->snaplen && caplen > s->snaplen)
		caplen = s->snaplen;
	if (frac < 0) { /* keep the fraction positive */
		sec -= 1;
		frac += TD_NS;
	}
	rec[0] = (uint32_t)sec;
	rec[1] = (uint32_t)(s->nano ? frac : frac / 1000);
	rec[2] = caplen;
	rec[3] = p->len + (s->extra_length ? weir_anno_u32(p, WEIR_EXTRA_LENGTH_ANNO_OFFSET) : 0);
	if (weir_unlikely(s->wlen + sizeof(rec) + caplen > TD_BUFFER_SIZE)) {
		if (!todump_flush_records(s))
			return false;
		if (sizeof(rec) + caplen > TD_BUFFER_SIZE) /* a huge packet: straight out */
			return fwrite(rec, sizeof(rec), 1, s->fp) == 1 &&
			       fwrite(p->data, 1, caplen, s->fp) == caplen;
	}
	memcpy(s->wbuf + s->wlen, rec, sizeof(rec));
	memcpy(s->wbuf + s->wlen + sizeof(rec), p->data, caplen);
	s->wlen += sizeof(rec) + caplen;
	return true;
}

static void
todump_write_batch(struct weir_element *e, struct todump *s, const struct weir_batch *b)
{
	struct weir_packet *p;
	bool ok = true;

	if (weir_unlikely(s->failed || s->dumper == NULL))
		return;
	weir_batch_foreach(b, i, p)
		ok &= todump_write(s, p);
	if (weir_unlikely(s->unbuffered))
		ok = ok && todump_flush_records(s) && fflush(s->fp) == 0;
	if (weir_unlikely(!ok || ferror(s->fp))) {
		struct weir_errh errh;
		weir_errh_init_stderr(&errh);
		errh.landmark = e->landmark;
		weir_error(&errh, "ToDump(%s): write error: %s", s->filename, strerror(errno));
		s->failed = true;
		return;
	}
	((struct todump_pt *)weir_element_pt(e))->count += b->n;
}

static void
todump_push(struct weir_element *e, int port, struct weir_batch *b)
{
	struct todump *s = e->priv;

	todump_write_batch(e, s, b);
	if (e->noutputs > 0)
		weir_output_push(e, 0, b);
	else
		weir_batch_kill(b);
}

static uint32_t
todump_pull(struct weir_element *e, int port, struct weir_batch *b, uint32_t max)
{
	struct todump *s = e->priv;

	if (weir_input_pull(e, 0, b, max))
		todump_write_batch(e, s, b);
	return b->n;
}

static bool
todump_run(struct weir_task *t, void *arg)
{
	struct weir_element *e = arg;
	struct todump *s = e->priv;
	struct weir_batch b;

	if (weir_input_pull(e, 0, &b, TD_PULL_BURST) == 0) {
		if (s->signal != NULL && !weir_notifier_active(s->signal))
			weir_task_unschedule(t); /* the notifier reschedules us */
		return false;
	}
	todump_write_batch(e, s, &b);
	weir_batch_kill(&b);
	return true;
}

/* ---- configuration --------------------------------------------------------------- */

static int
todump_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct todump *s = e->priv;

	if (s->encap && s->use_encap_from)
		return weir_error(errh, "specify at most one of 'ENCAP' and 'USE_ENCAP_FROM'");
	s->dlt = DLT_EN10MB;
	if (s->encap && (s->dlt = todump_parse_encap(s->encap)) < 0)
		return weir_error(errh, "bad encapsulation type '%s'", s->encap);
	return 0;
}

/* ENCAP from the `encap' handlers of the USE_ENCAP_FROM elements. */
static int
todump_encap_from(struct weir_element *e, struct todump *s, struct weir_errh *errh)
{
	char **words = NULL;
	int n = weir_split_words(s->use_encap_from, &words);
	int rc = 0, dlt = -1;

	if (n <= 0) {
		weir_words_free(words, n > 0 ? n : 0);
		return weir_error(errh, "element names missing after 'USE_ENCAP_FROM'");
	}
	for (int i = 0; i < n && rc == 0; i++) {
		struct weir_element *src = weir_router_find(e->router, words[i], e);
		const struct weir_handler *h = src ? weir_element_find_handler(src, "encap") : NULL;
		struct weir_strbuf sb = WEIR_STRBUF_INIT;
		int et;

		if (src == NULL)
			rc = weir_error(errh, "no element '%s'", words[i]);
		else if (h == NULL || h->read == NULL)
			rc = weir_error(errh, "'%s' has no 'encap' read handler", words[i]);
		else if (weir_handler_call_read(src, h, &sb) < 0 ||
			 (et = todump_parse_encap(weir_strbuf_str(&sb))) < 0)
			rc = weir_error(errh, "'%s.encap' did not return a valid encapsulation type",
					words[i]);
		else if (dlt >= 0 && et != dlt)
			rc = weir_error(errh, "source encapsulation types disagree");
		else
			dlt = et;
		weir_strbuf_free(&sb);
	}
	weir_words_free(words, n);
	if (rc == 0)
		s->dlt = dlt;
	return rc;
}

static int
todump_open(struct todump *s, struct weir_errh *errh)
{
	/* the header's snaplen: what Click writes, within what libpcap accepts */
	int snap = s->snaplen == 0 || s->snaplen > 262144 ? 262144 : (int)s->snaplen;

	s->dead = pcap_open_dead_with_tstamp_precision(
		s->dlt, snap, s->nano ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
	if (s->dead == NULL)
		return weir_error(errh, "%s: cannot set up libpcap", s->filename);
	if (strcmp(s->filename, "-") == 0)
		s->fp = stdout;
	else if ((s->fp = fopen(s->filename, "wb")) == NULL)
		return weir_error(errh, "%s: %s", s->filename, strerror(errno));
	s->wbuf = malloc(TD_BUFFER_SIZE);
	if (s->wbuf == NULL) {
		if (s->fp != stdout)
			fclose(s->fp);
		s->fp = NULL;
		return -ENOMEM;
	}
	s->dumper = pcap_dump_fopen(s->dead, s->fp);
	if (s->dumper == NULL) {
		weir_error(errh, "%s: %s", s->filename, pcap_geterr(s->dead));
		if (s->fp != stdout)
			fclose(s->fp);
		s->fp = NULL;
		return -EIO;
	}
	if (s->unbuffered)
		pcap_dump_flush(s->dumper);
	return 0;
}

static int
todump_initialize(struct weir_element *e, struct weir_errh *errh)
{
	struct todump *s = e->priv;
	int rc;

	if (s->use_encap_from && (rc = todump_encap_from(e, s, errh)) < 0)
		return rc;
	if ((rc = todump_open(s, errh)) < 0)
		return rc;
	if (weir_input_is_pull(e, 0) && e->noutputs == 0) {
		s->task_mode = true;
		weir_task_init(&s->task, e, todump_run, e);
		s->signal = weir_notifier_upstream(e, 0);
		if (s->signal && weir_notifier_add_listener(s->signal, &s->task) < 0)
			s->signal = NULL; /* keep polling */
		weir_task_schedule(&s->task);
	}
	return 0;
}

static void
todump_cleanup(struct weir_element *e)
{
	struct todump *s = e->priv;

	if (s->task_mode)
		weir_task_unschedule(&s->task);
	if (s->dumper) {
		if (!s->failed)
			todump_flush_records(s);
		/* pcap_dump_close would fclose stdout too */
		if (s->fp == stdout)
			pcap_dump_flush(s->dumper);
		else
			pcap_dump_close(s->dumper);
		s->dumper = NULL;
		s->fp = NULL;
	}
	if (s->dead)
		pcap_close(s->dead);
	s->dead = NULL;
	free(s->wbuf);
	s->wbuf = NULL;
}

/* ---- handlers ------------------------------------------------------------------ */

static int
todump_read_count(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	weir_strbuf_printf(out, "%" PRIu64, WEIR_PT_SUM(e, struct todump_pt, count));
	return 0;
}

static int
todump_read_filename(struct weir_element *e, const struct weir_handler *h,
		     struct weir_strbuf *out)
{
	struct todump *s = e->priv;

	weir_strbuf_puts(out, strcmp(s->filename, "-") == 0 ? "<stdout>" : s->filename);
	return 0;
}

static int
todump_write_reset(struct weir_element *e, const char *value, const struct weir_handler *h,
		   struct weir_errh *errh)
{
	for (unsigned t = 0; t < weir_element_nthreads(e); t++)
		((struct todump_pt *)weir_element_pt_at(e, t))->count = 0;
	return 0;
}

static const struct weir_handler todump_handlers[] = {
	{ .name = "count", .read = todump_read_count },
	{ .name = "filename", .read = todump_read_filename },
	{ .name = "reset_counts", .write = todump_write_reset },
	WEIR_HANDLER_END
};

static const char todump_doc[] =
	"ToDump(FILENAME [, SNAPLEN, ENCAP, keywords USE_ENCAP_FROM, EXTRA_LENGTH,\n"
	"       UNBUFFERED, NANO])\n"
	"\n"
	"Writes packets to a tcpdump file.\n"
	"\n"
	"Writes each packet to FILENAME ('-' for standard output) in classic pcap format,\n"
	"with nanosecond timestamps by default: the packet's timestamp annotation (now\n"
	"when unset), its first SNAPLEN bytes, and its length plus extra length\n"
	"annotation as wire length. In push, packets continue on output 0 if it exists.\n"
	"With a pull input and no output, a task pulls packets (sleeping on the upstream\n"
	"empty notifier). The file is flushed and closed at cleanup.\n"
	"\n"
	"Keywords:\n"
	"  SNAPLEN         bytes written per packet, 0 = all (default 2000)\n"
	"  ENCAP           ETHER (default), IP (LINKTYPE_RAW), FDDI, ATM, SLL, NULL,\n"
	"                  802_11, PPP, or a libpcap DLT name\n"
	"  USE_ENCAP_FROM  element names whose 'encap' handlers give ENCAP\n"
	"  EXTRA_LENGTH    add the extra length annotation to the wire length (true)\n"
	"  UNBUFFERED      flush after every batch (false)\n"
	"  NANO            nanosecond timestamps (true)\n"
	"\n"
	"Handlers: count, reset_counts, filename.\n"
	"\n"
	"Example: FromDump(in.pcap, STOP true) -> Strip(14) -> ToDump(out.pcap, ENCAP IP);\n";

static const struct weir_element_class todump_class = {
	.name = "ToDump",
	.flags = WEIR_CLASS_THREAD_UNSAFE,
	.port_count = "1/0-1",
	.processing = "a/a",
	.priv_size = sizeof(struct todump),
	.pt_size = sizeof(struct todump_pt),
	.args = todump_args,
	.configure = todump_configure,
	.initialize = todump_initialize,
	.cleanup = todump_cleanup,
	.push = todump_push,
	.pull = todump_pull,
	.handlers = todump_handlers,
	.doc = todump_doc,
};
WEIR_ELEMENT_REGISTER(todump_class)
