/* setipaddress.c - SetIPAddress: sets the destination IP address annotation to a fixed address. */
/*
 * =c
 * SetIPAddress(IPADDR [, keyword ANNO])
 *
 * =s ip
 * sets destination IP address annotations
 *
 * =d
 * Set the destination IP address annotation of incoming packets to the
 * static IP address IPADDR.
 *
 * Keywords:
 *   IPADDR  IP address. Mandatory.
 *   ANNO    4-byte annotation to set. Default DST_IP.
 *
 * =h addr read/write
 * The address set.
 *
 * =e
 *   ... -> SetIPAddress(10.0.0.1) -> StoreIPAddress(dst) -> ...
 *
 * =a StoreIPAddress, GetIPAddress
 */
#include <stddef.h>
#include "weir/args.h"
#include "weir/element.h"

static const char setipaddress_doc[] =
	"SetIPAddress(IPADDR [, keyword ANNO])\n"
	"\n"
	"Sets destination IP address annotations.\n"
	"\n"
	"Set the destination IP address annotation of incoming packets to the\n"
	"static IP address IPADDR.\n"
	"\n"
	"Keywords:\n"
	"  IPADDR  IP address. Mandatory.\n"
	"  ANNO    4-byte annotation to set. Default DST_IP.\n"
	"\n"
	"Handler:\n"
	"  addr (read/write)  the address set.\n"
	"\n"
	"Example:\n"
	"  ... -> SetIPAddress(10.0.0.1) -> StoreIPAddress(dst) -> ...\n";

struct setipaddress {
	uint32_t addr; /* network order */
	unsigned anno;
	bool anno_given;
};

static const struct weir_arg setipaddress_args[] = {
	{ "IPADDR", WEIR_ARG_IP4, offsetof(struct setipaddress, addr),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "IP address" },
	{ "ANNO", WEIR_ARG_ANNO, offsetof(struct setipaddress, anno), WEIR_ARGF_GIVEN,
	  .given_offset = offsetof(struct setipaddress, anno_given),
	  .help = "4-byte annotation to set (default DST_IP)" },
	WEIR_ARG_END
};

static int
setipaddress_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct setipaddress *s = e->priv;
	(void)conf;
	if (!s->anno_given)
		s->anno = WEIR_DST_IP_ANNO_OFFSET;
	if (s->anno + 4 > WEIR_ANNO_SIZE)
		return weir_error(errh, "ANNO: annotation offset %u out of range", s->anno);
	return 0;
}

static void
setipaddress_action(struct weir_element *e, struct weir_batch *b)
{
	const struct setipaddress *s = e->priv;
	for (uint32_t i = 0; i < b->n; i++)
		weir_set_anno_u32(b->pkts[i], s->anno, s->addr);
}

static int
setipaddress_read_addr(struct weir_element *e, const struct weir_handler *h,
		       struct weir_strbuf *out)
{
	const struct setipaddress *s = e->priv;
	char buf[16];
	(void)h;
	weir_format_ip4(s->addr, buf);
	weir_strbuf_printf(out, "%s", buf);
	return 0;
}

static int
setipaddress_write_addr(struct weir_element *e, const char *value, const struct weir_handler *h,
			struct weir_errh *errh)
{
	struct setipaddress *s = e->priv;
	uint32_t a;
	(void)h;
	if (weir_parse_ip4(value, &a) < 0)
		return weir_error(errh, "IPADDR: expected IP address, got '%s'", value);
	s->addr = a;
	return 0;
}

static const struct weir_handler setipaddress_handlers[] = {
	{ .name = "addr", .read = setipaddress_read_addr, .write = setipaddress_write_addr },
	WEIR_HANDLER_END
};

static const struct weir_element_class setipaddress_class = {
	.name = "SetIPAddress",
	.port_count = "1/1",
	.processing = "a/a",
	.priv_size = sizeof(struct setipaddress),
	.args = setipaddress_args,
	.configure = setipaddress_configure,
	.simple_action = setipaddress_action,
	.handlers = setipaddress_handlers,
	.doc = setipaddress_doc,
};
WEIR_ELEMENT_REGISTER(setipaddress_class)
