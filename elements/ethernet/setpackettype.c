/* setpackettype.c - SetPacketType: sets the packet type annotation. */
/*
 * =c
 * SetPacketType(TYPE)
 *
 * =s ethernet
 * sets packet type annotation
 *
 * =d
 * Sets passing packets' packet type annotations to TYPE. TYPE is one of
 * HOST, BROADCAST, MULTICAST, OTHERHOST, OUTGOING, LOOPBACK or FASTROUTE
 * (in any case, as Click), or the type's number 0-6 (a weir addition).
 *
 * Keyword:
 *   TYPE  packet type. Mandatory.
 *
 * =h type read/write
 * Return or set the TYPE argument (read as its name; a weir addition).
 *
 * =e
 *   ... -> SetPacketType(BROADCAST) -> ...
 *
 * =a HostEtherFilter, DropBroadcasts
 */
#include <errno.h>
#include <stddef.h>
#include <strings.h>
#include "weir/args.h"
#include "weir/element.h"

static const char setpackettype_doc[] =
	"SetPacketType(TYPE)\n"
	"\n"
	"Sets packet type annotation.\n"
	"\n"
	"Sets passing packets' packet type annotations to TYPE. TYPE is one of\n"
	"HOST, BROADCAST, MULTICAST, OTHERHOST, OUTGOING, LOOPBACK or FASTROUTE\n"
	"(in any case, as Click), or the type's number 0-6 (a weir addition).\n"
	"\n"
	"Keyword:\n"
	"  TYPE  packet type. Mandatory.\n"
	"\n"
	"Handler:\n"
	"  type (read/write)  the TYPE argument (read as its name; weir addition)\n"
	"\n"
	"Example:\n"
	"  ... -> SetPacketType(BROADCAST) -> ...\n";

static const char *const setpackettype_names[] = {
	[WEIR_PKT_HOST] = "HOST",
	[WEIR_PKT_BROADCAST] = "BROADCAST",
	[WEIR_PKT_MULTICAST] = "MULTICAST",
	[WEIR_PKT_OTHERHOST] = "OTHERHOST",
	[WEIR_PKT_OUTGOING] = "OUTGOING",
	[WEIR_PKT_LOOPBACK] = "LOOPBACK",
	[WEIR_PKT_FASTROUTE] = "FASTROUTE",
};
#define SETPACKETTYPE_N (sizeof(setpackettype_names) / sizeof(setpackettype_names[0]))

struct setpackettype {
	char *type_word;
	uint8_t type;
};

static const struct weir_arg setpackettype_args[] = {
	{ "TYPE", WEIR_ARG_WORD, offsetof(struct setpackettype, type_word),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "packet type" },
	WEIR_ARG_END
};

/* Packet type by name or number; -EINVAL when unknown. */
static int
setpackettype_parse(const char *s, uint8_t *type)
{
	uint32_t v;
	for (unsigned i = 0; i < SETPACKETTYPE_N; i++)
		if (strcasecmp(s, setpackettype_names[i]) == 0) {
			*type = (uint8_t)i;
			return 0;
		}
	if (weir_parse_uint(s, &v) == 0 && v < SETPACKETTYPE_N) {
		*type = (uint8_t)v;
		return 0;
	}
	return -EINVAL;
}

static int
setpackettype_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct setpackettype *s = e->priv;
	if (setpackettype_parse(s->type_word, &s->type) < 0)
		return weir_error(errh, "TYPE: unknown packet type '%s' (expected HOST, BROADCAST, "
				  "MULTICAST, OTHERHOST, OUTGOING, LOOPBACK or FASTROUTE)",
				  s->type_word);
	return 0;
}

static void
setpackettype_action(struct weir_element *e, struct weir_batch *b)
{
	const struct setpackettype *s = e->priv;
	for (uint32_t i = 0; i < b->n; i++)
		b->pkts[i]->packet_type = s->type;
}

static int
setpackettype_read(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	const struct setpackettype *s = e->priv;
	weir_strbuf_puts(out, setpackettype_names[s->type]);
	return 0;
}

static int
setpackettype_write(struct weir_element *e, const char *value, const struct weir_handler *h,
		    struct weir_errh *errh)
{
	struct setpackettype *s = e->priv;
	uint8_t type;
	if (setpackettype_parse(value, &type) < 0)
		return weir_error(errh, "TYPE: unknown packet type '%s'", value);
	s->type = type;
	return 0;
}

static const struct weir_handler setpackettype_handlers[] = {
	{ .name = "type", .read = setpackettype_read, .write = setpackettype_write },
	WEIR_HANDLER_END
};

static const struct weir_element_class setpackettype_class = {
	.name = "SetPacketType",
	.port_count = "1/1",
	.processing = "a/a",
	.priv_size = sizeof(struct setpackettype),
	.args = setpackettype_args,
	.configure = setpackettype_configure,
	.simple_action = setpackettype_action,
	.handlers = setpackettype_handlers,
	.doc = setpackettype_doc,
};
WEIR_ELEMENT_REGISTER(setpackettype_class)
