/* setipdscp.c - SetIPDSCP: sets the DSCP bits of the IP TOS byte, updating the checksum. */
/*
 * =c
 * SetIPDSCP(DSCP)
 *
 * =s ip
 * sets IP packets' DSCP fields
 *
 * =d
 * Expects IP packets as input and sets their Differential Services Code
 * Point to DSCP, an integer 0..63 (the upper six bits of the TOS byte; the
 * two ECN bits are kept). The IP header checksum is updated incrementally.
 * The network header annotation must be set; packets without a complete IP
 * header there are dropped and counted (Click asserts).
 *
 * Keywords:
 *   DSCP  0..63. Mandatory.
 *
 * =h dscp read/write
 * The DSCP value.
 * =h drops read-only
 * Packets dropped for lack of an IP header (weir extension).
 *
 * =e
 *   ... -> CheckIPHeader -> SetIPDSCP(46) -> ...
 *
 * =a IPEncap, SetIPECN
 */
#include <inttypes.h>
#include <stddef.h>
#include <string.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/ip.h"

static const char setipdscp_doc[] =
	"SetIPDSCP(DSCP)\n"
	"\n"
	"Sets IP packets' DSCP fields.\n"
	"\n"
	"Expects IP packets as input and sets their Differential Services Code\n"
	"Point to DSCP, an integer 0..63 (the upper six bits of the TOS byte; the\n"
	"two ECN bits are kept). The IP header checksum is updated incrementally.\n"
	"The network header annotation must be set; packets without a complete IP\n"
	"header there are dropped and counted (Click asserts).\n"
	"\n"
	"Keyword:\n"
	"  DSCP  0..63. Mandatory.\n"
	"\n"
	"Handlers:\n"
	"  dscp (read/write)  the DSCP value.\n"
	"  drops (read)       packets dropped for lack of an IP header (weir extension).\n"
	"\n"
	"Example:\n"
	"  ... -> CheckIPHeader -> SetIPDSCP(46) -> ...\n";

struct setipdscp {
	uint32_t dscp;
};

struct setipdscp_pt {
	uint64_t drops;
};

static const struct weir_arg setipdscp_args[] = {
	{ "DSCP", WEIR_ARG_UINT, offsetof(struct setipdscp, dscp),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY | WEIR_ARGF_BOUNDED, .min = 0, .max = 63,
	  .help = "diffserv code point, 0..63" },
	WEIR_ARG_END
};

static bool
setipdscp_one(uint8_t dscp, struct weir_packet *p)
{
	uint8_t *nh = weir_packet_network_header(p);
	if (!nh || nh < p->data || nh + WEIR_IP_HDR_LEN > weir_packet_end_data(p))
		return false;
	struct weir_ip_hdr *ip = (struct weir_ip_hdr *)nh;
	uint16_t old, new_;
	memcpy(&old, nh, 2);
	ip->tos = (uint8_t)((ip->tos & 0x3) | (dscp << 2));
	memcpy(&new_, nh, 2);
	ip->sum = weir_cksum_update16(ip->sum, old, new_);
	return true;
}

static void
setipdscp_action(struct weir_element *e, struct weir_batch *b)
{
	const struct setipdscp *s = e->priv;
	uint8_t dscp = (uint8_t)s->dscp;
	for (uint32_t i = 0; i < b->n; i++) {
		struct weir_packet *p = weir_packet_uniqueify(b->pkts[i]);
		if (weir_likely(p && setipdscp_one(dscp, p))) {
			b->pkts[i] = p;
			continue;
		}
		if (p)
			weir_packet_kill(p);
		b->pkts[i] = NULL;
		struct setipdscp_pt *pt = weir_element_pt(e);
		pt->drops++;
	}
}

static int
setipdscp_write_dscp(struct weir_element *e, const char *value, const struct weir_handler *h,
		     struct weir_errh *errh)
{
	struct setipdscp *s = e->priv;
	uint32_t v;
	(void)h;
	if (weir_parse_uint(value, &v) < 0 || v > 63)
		return weir_error(errh, "DSCP: expected 0..63, got '%s'", value);
	s->dscp = v;
	return 0;
}

static int
setipdscp_read_drops(struct weir_element *e, const struct weir_handler *h,
		     struct weir_strbuf *out)
{
	(void)h;
	weir_strbuf_printf(out, "%" PRIu64, WEIR_PT_SUM(e, struct setipdscp_pt, drops));
	return 0;
}

static const struct weir_handler setipdscp_handlers[] = {
	{ .name = "dscp", .read = weir_handler_read_u32, .write = setipdscp_write_dscp,
	  .arg = offsetof(struct setipdscp, dscp) },
	{ .name = "drops", .read = setipdscp_read_drops },
	WEIR_HANDLER_END
};

static const struct weir_element_class setipdscp_class = {
	.name = "SetIPDSCP",
	.port_count = "1/1",
	.processing = "a/a",
	.priv_size = sizeof(struct setipdscp),
	.pt_size = sizeof(struct setipdscp_pt),
	.args = setipdscp_args,
	.simple_action = setipdscp_action,
	.handlers = setipdscp_handlers,
	.doc = setipdscp_doc,
};
WEIR_ELEMENT_REGISTER(setipdscp_class)
