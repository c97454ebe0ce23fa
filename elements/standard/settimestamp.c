/*
 * SetTimestamp([TIMESTAMP, KEYWORDS FIRST])
 *
 * store the time in the packet's timestamp annotation
 *
 * Store the specified TIMESTAMP (seconds since 1970, e.g. "1000000000.5")
 * in the packet's timestamp annotation. If TIMESTAMP is not specified, then
 * sets the annotation to the system (wall-clock) time when the packet
 * arrived at the SetTimestamp element; the clock is read once per batch, so
 * the packets of one batch get the same time.
 *
 * Keyword arguments are:
 *   FIRST  Boolean. If true, then set the packet's "first timestamp"
 *          annotation, not its timestamp annotation. Default is false. The
 *          first timestamp is 8 bytes (nanoseconds since 1970) at annotation
 *          offset 40, inside the user annotation area, as Click places it.
 *   DELTA  Boolean. Deprecated in Click; rejected (use SetTimestampDelta).
 *
 * Example:
 *   ... -> SetTimestamp(1000.25) -> Print(TIMESTAMP true) -> ...
 * prints "1000.250000:   64 | ...".
 *
 * See also: Print.
 */
#include <string.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/task.h"

static const char settimestamp_doc[] =
	"SetTimestamp([TIMESTAMP, KEYWORDS FIRST])\n"
	"\n"
	"store the time in the packet's timestamp annotation\n"
	"\n"
	"Store the specified TIMESTAMP (seconds since 1970, e.g. \"1000000000.5\")\n"
	"in the packet's timestamp annotation. If TIMESTAMP is not specified, then\n"
	"sets the annotation to the system (wall-clock) time when the packet\n"
	"arrived at the SetTimestamp element; the clock is read once per batch, so\n"
	"the packets of one batch get the same time.\n"
	"\n"
	"Keyword arguments are:\n"
	"  FIRST  Boolean. If true, then set the packet's \"first timestamp\"\n"
	"         annotation, not its timestamp annotation. Default is false. The\n"
	"         first timestamp is 8 bytes (nanoseconds since 1970) at annotation\n"
	"         offset 40, inside the user annotation area, as Click places it.\n"
	"  DELTA  Boolean. Deprecated in Click; rejected (use SetTimestampDelta).\n"
	"\n"
	"Example:\n"
	"  ... -> SetTimestamp(1000.25) -> Print(TIMESTAMP true) -> ...\n"
	"prints \"1000.250000:   64 | ...\".\n"
	"\n"
	"See also: Print.\n";

/* Click's FIRST_TIMESTAMP_ANNO: 8 bytes at offset 40 of the annotation area. */
#define SETTIMESTAMP_FIRST_ANNO_OFFSET 40

_Static_assert(SETTIMESTAMP_FIRST_ANNO_OFFSET + 8 <= WEIR_ANNO_SIZE,
	       "first timestamp annotation fits");

struct settimestamp {
	int64_t when_ns;
	bool when_given;
	bool first;
	bool delta;
};

static const struct weir_arg settimestamp_args[] = {
	{ "TIMESTAMP", WEIR_ARG_SECONDS, offsetof(struct settimestamp, when_ns),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_GIVEN,
	  .given_offset = offsetof(struct settimestamp, when_given),
	  .help = "time to store (default: now)" },
	{ "FIRST", WEIR_ARG_BOOL, offsetof(struct settimestamp, first), 0, .def = "false",
	  .help = "set the first timestamp annotation instead" },
	{ "DELTA", WEIR_ARG_BOOL, offsetof(struct settimestamp, delta), 0, .def = "false",
	  .help = "deprecated" },
	WEIR_ARG_END
};

static void
settimestamp_action(struct weir_element *e, struct weir_batch *b)
{
	const struct settimestamp *s = e->priv;
	int64_t t = s->when_given ? s->when_ns : weir_wall_ns();
	if (s->first) {
		for (uint32_t i = 0; i < b->n; i++)
			memcpy(b->pkts[i]->anno + SETTIMESTAMP_FIRST_ANNO_OFFSET, &t, sizeof(t));
	} else {
		for (uint32_t i = 0; i < b->n; i++)
			b->pkts[i]->timestamp_ns = t;
	}
}

static int
settimestamp_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct settimestamp *s = e->priv;
	if (s->delta)
		return weir_error(errh, "SetTimestamp(DELTA) is deprecated, use "
				  "SetTimestampDelta(TYPE FIRST)");
	if (s->when_given && s->when_ns < 0)
		s->when_given = false; /* Click: a negative time means "now" */
	return 0;
}

static const struct weir_element_class settimestamp_class = {
	.name = "SetTimestamp",
	.port_count = "1/1",
	.processing = "a/a",
	.priv_size = sizeof(struct settimestamp),
	.args = settimestamp_args,
	.configure = settimestamp_configure,
	.simple_action = settimestamp_action,
	.doc = settimestamp_doc,
};
WEIR_ELEMENT_REGISTER(settimestamp_class)
