/*
 * Print([LABEL, MAXLENGTH, KEYWORDS])
 *
 * prints packet contents
 *
 * Prints up to MAXLENGTH bytes of data from each packet, in hex, preceded by
 * the LABEL text, one line per packet on standard error, in Click's format:
 *
 *   LABEL:   98 | 00112233 44556677 8899aabb ...
 *
 * (the length in at least 4 columns, then the bytes in groups of four).
 * Without a LABEL the line starts with the length. Default MAXLENGTH is 24.
 *
 * Keyword arguments are:
 *   MAXLENGTH  Maximum number of content bytes to print. If negative, print
 *              entire packet. Default is 24. (LENGTH and NBYTES are
 *              deprecated synonyms.)
 *   CONTENTS   Determines whether the packet data is printed. May be `NONE'
 *              (do not print packet data), `HEX' (print packet data in
 *              hexadecimal), or `ASCII' (print packet data in plaintext, a
 *              space before every 8 characters, '.' for unprintable ones).
 *              Default is `HEX'.
 *   TIMESTAMP  Boolean. If true, prints each packet's timestamp in seconds
 *              since 1970 before the length. Default is false.
 *   PRINTANNO  Boolean. If true, prints each packet's annotation bytes in hex.
 *              Default is false.
 *   HEADROOM   Boolean. If true, prints each packet's headroom and tailroom,
 *              in the format "(h[headroom] t[tailroom])". Default is false.
 *   ACTIVE     Boolean. If false, don't print messages. Default is true.
 *
 * Handlers:
 *   active (read/write)  the ACTIVE parameter
 *
 * Example:
 *   InfiniteSource(\<0800 4500>, LIMIT 1, STOP true) -> Print(ok) -> Discard;
 * prints "ok:    4 | 08004500".
 *
 * See also: Counter.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include "weir/args.h"
#include "weir/element.h"

static const char print_doc[] =
	"Print([LABEL, MAXLENGTH, KEYWORDS])\n"
	"\n"
	"prints packet contents\n"
	"\n"
	"Prints up to MAXLENGTH bytes of data from each packet, in hex, preceded by\n"
	"the LABEL text, one line per packet on standard error, in Click's format:\n"
	"\n"
	"  LABEL:   98 | 00112233 44556677 8899aabb ...\n"
	"\n"
	"(the length in at least 4 columns, then the bytes in groups of four).\n"
	"Without a LABEL the line starts with the length. Default MAXLENGTH is 24.\n"
	"\n"
	"Keyword arguments are:\n"
	"  MAXLENGTH  Maximum number of content bytes to print. If negative, print\n"
	"             entire packet. Default is 24. (LENGTH and NBYTES are\n"
	"             deprecated synonyms.)\n"
	"  CONTENTS   Determines whether the packet data is printed. May be `NONE'\n"
	"             (do not print packet data), `HEX' (print packet data in\n"
	"             hexadecimal), or `ASCII' (print packet data in plaintext, a\n"
	"             space before every 8 characters, '.' for unprintable ones).\n"
	"             Default is `HEX'.\n"
	"  TIMESTAMP  Boolean. If true, prints each packet's timestamp in seconds\n"
	"             since 1970 before the length. Default is false.\n"
	"  PRINTANNO  Boolean. If true, prints each packet's annotation bytes in hex.\n"
	"             Default is false.\n"
	"  HEADROOM   Boolean. If true, prints each packet's headroom and tailroom,\n"
	"             in the format \"(h[headroom] t[tailroom])\". Default is false.\n"
	"  ACTIVE     Boolean. If false, don't print messages. Default is true.\n"
	"\n"
	"Handlers:\n"
	"  active (read/write)  the ACTIVE parameter\n"
	"\n"
	"Example:\n"
	"  InfiniteSource(\\<0800 4500>, LIMIT 1, STOP true) -> Print(ok) -> Discard;\n"
	"prints \"ok:    4 | 08004500\".\n"
	"\n"
	"See also: Counter.\n";

enum print_contents { PRINT_NONE, PRINT_HEX, PRINT_ASCII };

struct print {
	/* configuration */
	char *label;
	int32_t maxlength;
	int32_t length_kw; /* deprecated LENGTH */
	bool length_given;
	int32_t nbytes_kw; /* deprecated NBYTES */
	bool nbytes_given;
	char *contents_word;
	bool timestamp;
	bool print_anno;
	bool headroom;
	bool active;
	/* derived */
	enum print_contents contents;
	struct weir_strbuf line; /* reused for every batch */
};

static const struct weir_arg print_args[] = {
	{ "LABEL", WEIR_ARG_STRING, offsetof(struct print, label), WEIR_ARGF_POSITIONAL,
	  .help = "text before each line" },
	{ "MAXLENGTH", WEIR_ARG_INT, offsetof(struct print, maxlength), WEIR_ARGF_POSITIONAL,
	  .def = "24", .help = "bytes to print (negative: all)" },
	{ "LENGTH", WEIR_ARG_INT, offsetof(struct print, length_kw), WEIR_ARGF_GIVEN,
	  .given_offset = offsetof(struct print, length_given),
	  .help = "deprecated: same as MAXLENGTH" },
	{ "NBYTES", WEIR_ARG_INT, offsetof(struct print, nbytes_kw), WEIR_ARGF_GIVEN,
	  .given_offset = offsetof(struct print, nbytes_given),
	  .help = "deprecated: same as MAXLENGTH" },
	{ "CONTENTS", WEIR_ARG_WORD, offsetof(struct print, contents_word), 0, .def = "HEX",
	  .help = "NONE, HEX or ASCII" },
	{ "TIMESTAMP", WEIR_ARG_BOOL, offsetof(struct print, timestamp), 0, .def = "false",
	  .help = "print the timestamp annotation" },
	{ "PRINTANNO", WEIR_ARG_BOOL, offsetof(struct print, print_anno), 0, .def = "false",
	  .help = "print the annotation bytes" },
	{ "HEADROOM", WEIR_ARG_BOOL, offsetof(struct print, headroom), 0, .def = "false",
	  .help = "print headroom and tailroom" },
	{ "ACTIVE", WEIR_ARG_BOOL, offsetof(struct print, active), 0, .def = "true",
	  .help = "print at all?" },
	WEIR_ARG_END
};

static const char print_hex[] = "0123456789abcdef";

/* Click's Timestamp output: "sec.usec", or "sec.nsec" when not whole usecs. */
static void
print_timestamp(int64_t ns, struct weir_strbuf *sb)
{
	const char *sign = "";
	if (ns < 0) {
		sign = "-";
		ns = -ns;
	}
	int64_t sec = ns / 1000000000, sub = ns % 1000000000;
	if (sub % 1000 == 0)
		weir_strbuf_printf(sb, "%s%" PRId64 ".%06" PRId64, sign, sec, sub / 1000);
	else
		weir_strbuf_printf(sb, "%s%" PRId64 ".%09" PRId64, sign, sec, sub);
}

static void
print_bytes(const struct print *s, const uint8_t *data, uint32_t n, struct weir_strbuf *sb)
{
	weir_strbuf_puts(sb, " | ");
	for (uint32_t i = 0; i < n; i++) {
		if (s->contents == PRINT_HEX) {
			if (i && i % 4 == 0)
				weir_strbuf_putc(sb, ' ');
			weir_strbuf_putc(sb, print_hex[data[i] >> 4]);
			weir_strbuf_putc(sb, print_hex[data[i] & 15]);
		} else {
			if (i % 8 == 0)
				weir_strbuf_putc(sb, ' ');
			weir_strbuf_putc(sb, data[i] < 32 || data[i] > 126 ? '.' : (char)data[i]);
		}
	}
}

static void
print_packet(const struct print *s, const struct weir_packet *p, struct weir_strbuf *sb)
{
	const char *sep = "";
	uint32_t n = s->contents == PRINT_NONE ? 0 : p->len;
	if (s->contents != PRINT_NONE && s->maxlength >= 0 && (uint32_t)s->maxlength < n)
		n = (uint32_t)s->maxlength;
	if (s->label && s->label[0]) {
		weir_strbuf_puts(sb, s->label);
		sep = ": ";
	}
	if (s->timestamp) {
		weir_strbuf_puts(sb, sep);
		print_timestamp(p->timestamp_ns, sb);
		sep = ": ";
	}
	weir_strbuf_printf(sb, "%s%4" PRIu32, sep, p->len);
	if (s->headroom)
		weir_strbuf_printf(sb, " (h%" PRIu32 " t%" PRIu32 ")", weir_packet_headroom(p),
				   weir_packet_tailroom(p));
	if (s->print_anno) {
		weir_strbuf_puts(sb, " | ");
		for (unsigned i = 0; i < WEIR_ANNO_SIZE; i++) {
			weir_strbuf_putc(sb, print_hex[p->anno[i] >> 4]);
			weir_strbuf_putc(sb, print_hex[p->anno[i] & 15]);
		}
	}
	if (n)
		print_bytes(s, p->data, n, sb);
	weir_strbuf_putc(sb, '\n');
}

static void
print_action(struct weir_element *e, struct weir_batch *b)
{
	struct print *s = e->priv;
	if (!s->active || !b->n)
		return;
	weir_strbuf_reset(&s->line);
	for (uint32_t i = 0; i < b->n; i++)
		print_packet(s, b->pkts[i], &s->line);
	/* one write per batch; Print's job is to print */
	fwrite(s->line.s, 1, s->line.len, stderr);
	fflush(stderr);
}

static int
print_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct print *s = e->priv;
	if (s->length_given)
		s->maxlength = s->length_kw;
	if (s->nbytes_given)
		s->maxlength = s->nbytes_kw;
	const char *w = s->contents_word ? s->contents_word : "HEX";
	bool bv;
	if (weir_parse_bool(w, &bv) == 0)
		s->contents = bv ? PRINT_HEX : PRINT_NONE;
	else if (strcasecmp(w, "NONE") == 0)
		s->contents = PRINT_NONE;
	else if (strcasecmp(w, "HEX") == 0)
		s->contents = PRINT_HEX;
	else if (strcasecmp(w, "ASCII") == 0)
		s->contents = PRINT_ASCII;
	else
		return weir_error(errh,
				  "bad contents value '%s'; should be 'NONE', 'HEX', or 'ASCII'", w);
	return 0;
}

static void
print_cleanup(struct weir_element *e)
{
	struct print *s = e->priv;
	weir_strbuf_free(&s->line);
}

static int
print_write_active(struct weir_element *e, const char *value, const struct weir_handler *h,
		   struct weir_errh *errh)
{
	struct print *s = e->priv;
	bool v;
	if (weir_parse_bool(value, &v) < 0)
		return weir_error(errh, "active: expected boolean, got '%s'", value);
	s->active = v;
	return 0;
}

static const struct weir_handler print_handlers[] = {
	{ .name = "active", .read = weir_handler_read_bool, .write = print_write_active,
	  .arg = offsetof(struct print, active) },
	WEIR_HANDLER_END
};

static const struct weir_element_class print_class = {
	.name = "Print",
	.port_count = "1/1",
	.processing = "a/a",
	.priv_size = sizeof(struct print),
	.args = print_args,
	.configure = print_configure,
	.cleanup = print_cleanup,
	.simple_action = print_action,
	.handlers = print_handlers,
	.doc = print_doc,
};
WEIR_ELEMENT_REGISTER(print_class)
