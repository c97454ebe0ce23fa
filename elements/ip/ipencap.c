/* ipencap.c - IPEncap: encapsulates packets in a static IP header. */
/*
 * =c
 * IPEncap(PROTO, SRC, DST, I<keywords> TOS, TTL, DSCP, ECT, CE, DF)
 *
 * =s ip
 * encapsulates packets in static IP header
 *
 * =d
 * Encapsulates each incoming packet in an IP packet with protocol PROTO,
 * source address SRC, and destination address DST. This is most useful for
 * IP-in-IP encapsulation. Its destination address annotation is also set to
 * DST. PROTO is a number 0..255 or a name (icmp, igmp, ipip, tcp, udp: the
 * names Click knows).
 *
 * As a special case, if DST is "DST_ANNO", then the destination address is
 * set to the incoming packet's destination address annotation.
 *
 * The result has TTL 250 (unless TTL is given), a zero offset (DF set if DF
 * is true), and an IP ID that starts at 0 and increases by one per packet;
 * its network header annotation points at the new header.
 *
 * Keywords:
 *   TOS   byte. The IP TOS (type of service) field. Default 0. Cannot be
 *         combined with DSCP, ECT or CE.
 *   DSCP  0..63. The DSCP bits of the TOS field. Default 0.
 *   ECT   Boolean or "2". Sets the ECN capable transport bit: ECT(1) when
 *         true, ECT(0) when 2. Default false.
 *   CE    Boolean. Sets the ECN congestion experienced bits. Default false.
 *   TTL   byte. The time-to-live. Default 250.
 *   DF    Boolean. Sets the Don't Fragment flag. Default false.
 *
 * Click's code rejects DSCP 63 although its message and documentation say
 * the maximum is 63; weir follows the documentation and accepts 63.
 *
 * =h src read/write
 * =h dst read/write
 * The source and destination (DST_ANNO when set so).
 *
 * =e
 * Wraps packets in an IP header specifying IP protocol 4 (IP-in-IP), with
 * source 18.26.4.24 and destination 140.247.60.147:
 *   IPEncap(4, 18.26.4.24, 140.247.60.147)
 *
 * =a UDPIPEncap, StripIPHeader
 */
#include <arpa/inet.h>
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/ip.h"

static const char ipencap_doc[] =
	"IPEncap(PROTO, SRC, DST, keywords TOS, TTL, DSCP, ECT, CE, DF)\n"
	"\n"
	"Encapsulates packets in static IP header.\n"
	"\n"
	"Encapsulates each incoming packet in an IP packet with protocol PROTO,\n"
	"source address SRC, and destination address DST. This is most useful for\n"
	"IP-in-IP encapsulation. Its destination address annotation is also set to\n"
	"DST. PROTO is a number 0..255 or a name (icmp, igmp, ipip, tcp, udp: the\n"
	"names Click knows).\n"
	"\n"
	"As a special case, if DST is \"DST_ANNO\", then the destination address is\n"
	"set to the incoming packet's destination address annotation.\n"
	"\n"
	"The result has TTL 250 (unless TTL is given), a zero offset (DF set if DF\n"
	"is true), and an IP ID that starts at 0 and increases by one per packet;\n"
	"its network header annotation points at the new header.\n"
	"\n"
	"Keywords:\n"
	"  TOS   byte. The IP TOS (type of service) field. Default 0. Cannot be\n"
	"        combined with DSCP, ECT or CE.\n"
	"  DSCP  0..63. The DSCP bits of the TOS field. Default 0.\n"
	"  ECT   Boolean or \"2\". Sets the ECN capable transport bit: ECT(1) when\n"
	"        true, ECT(0) when 2. Default false.\n"
	"  CE    Boolean. Sets the ECN congestion experienced bits. Default false.\n"
	"  TTL   byte. The time-to-live. Default 250.\n"
	"  DF    Boolean. Sets the Don't Fragment flag. Default false.\n"
	"\n"
	"Click's code rejects DSCP 63 although its message and documentation say\n"
	"the maximum is 63; weir follows the documentation and accepts 63.\n"
	"\n"
	"Handlers:\n"
	"  src, dst (read/write)  the source and destination (DST_ANNO when set so).\n"
	"\n"
	"Example:\n"
	"  IPEncap(4, 18.26.4.24, 140.247.60.147)\n";

struct ipencap {
	char *proto_word;
	uint32_t src;
	char *dst_word;
	uint32_t tos, ttl, dscp;
	bool tos_given, dscp_given;
	char *ect_word;
	bool ce, df;
	struct weir_ip_hdr iph; /* template; dst 0 when use_dst_anno */
	bool use_dst_anno;
	_Atomic uint32_t id;
};

struct ipencap_pt {
	uint64_t drops;
};

static const struct weir_arg ipencap_args[] = {
	{ "PROTO", WEIR_ARG_WORD, offsetof(struct ipencap, proto_word),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "IP protocol, number or name" },
	{ "SRC", WEIR_ARG_IP4, offsetof(struct ipencap, src),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "source address" },
	{ "DST", WEIR_ARG_WORD, offsetof(struct ipencap, dst_word),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_MANDATORY, .help = "destination address or DST_ANNO" },
	{ "TOS", WEIR_ARG_UINT, offsetof(struct ipencap, tos), WEIR_ARGF_BOUNDED | WEIR_ARGF_GIVEN,
	  .min = 0, .max = 255, .given_offset = offsetof(struct ipencap, tos_given),
	  .help = "TOS byte" },
	{ "TTL", WEIR_ARG_UINT, offsetof(struct ipencap, ttl), WEIR_ARGF_BOUNDED, .def = "250",
	  .min = 0, .max = 255, .help = "time to live" },
	{ "DSCP", WEIR_ARG_UINT, offsetof(struct ipencap, dscp), WEIR_ARGF_BOUNDED | WEIR_ARGF_GIVEN,
	  .min = 0, .max = 63, .given_offset = offsetof(struct ipencap, dscp_given),
	  .help = "DSCP, 0..63" },
	{ "ECT", WEIR_ARG_WORD, offsetof(struct ipencap, ect_word), 0,
	  .help = "ECN capable transport: bool or 2" },
	{ "CE", WEIR_ARG_BOOL, offsetof(struct ipencap, ce), 0, .def = "false",
	  .help = "ECN congestion experienced" },
	{ "DF", WEIR_ARG_BOOL, offsetof(struct ipencap, df), 0, .def = "false",
	  .help = "set Don't Fragment" },
	WEIR_ARG_END
};

static const struct {
	const char *name;
	uint8_t proto;
} ipencap_protos[] = {
	{ "icmp", 1 }, { "igmp", 2 }, { "ipip", 4 }, { "tcp", 6 }, { "udp", 17 },
};

static int
ipencap_parse_proto(const char *w, uint8_t *out)
{
	uint32_t v;
	for (size_t i = 0; i < sizeof(ipencap_protos) / sizeof(ipencap_protos[0]); i++)
		if (strcmp(w, ipencap_protos[i].name) == 0) {
			*out = ipencap_protos[i].proto;
			return 0;
		}
	if (weir_parse_uint(w, &v) < 0 || v > 255)
		return -1;
	*out = (uint8_t)v;
	return 0;
}

static int
ipencap_parse_dst(struct ipencap *c, const char *w)
{
	uint32_t a;
	if (strcmp(w, "DST_ANNO") == 0) {
		c->use_dst_anno = true;
		c->iph.dst = 0;
		return 0;
	}
	if (weir_parse_ip4(w, &a) < 0)
		return -1;
	c->use_dst_anno = false;
	c->iph.dst = a;
	return 0;
}

static int
ipencap_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct ipencap *c = e->priv;
	uint8_t proto, tos = 0;
	int ect = 0;
	(void)conf;
	if (ipencap_parse_proto(c->proto_word, &proto) < 0)
		return weir_error(errh, "PROTO: expected IP protocol (0..255 or name), got '%s'",
				  c->proto_word);
	if (ipencap_parse_dst(c, c->dst_word) < 0)
		return weir_error(errh, "DST argument should be IP address or 'DST_ANNO'");
	if (c->ect_word) {
		bool x;
		if (weir_parse_bool(c->ect_word, &x) == 0)
			ect = x;
		else if (strcmp(c->ect_word, "2") == 0)
			ect = 2;
		else
			return weir_error(errh, "bad ECT value '%s'", c->ect_word);
	}
	if (c->tos_given && c->dscp_given)
		return weir_error(errh, "cannot set both TOS and DSCP");
	if (c->tos_given && (ect || c->ce))
		return weir_error(errh, "cannot set both TOS and ECN bits");
	if (ect && c->ce)
		return weir_error(errh, "can set at most one ECN option");
	if (c->tos_given)
		tos = (uint8_t)c->tos;
	else if (c->dscp_given)
		tos = (uint8_t)(c->dscp << 2);
	if (ect)
		tos |= ect == 1 ? 0x01 : 0x02;
	if (c->ce)
		tos |= 0x03;
	memset(&c->iph, 0, sizeof(c->iph));
	ipencap_parse_dst(c, c->dst_word);
	c->iph.vihl = 0x45;
	c->iph.tos = tos;
	c->iph.off = c->df ? htons(WEIR_IP_DF) : 0;
	c->iph.ttl = (uint8_t)c->ttl;
	c->iph.p = proto;
	c->iph.src = c->src;
	return 0;
}

static struct weir_packet *
ipencap_one(const struct ipencap *c, struct weir_packet *p, uint16_t id)
{
	p = weir_packet_push(p, WEIR_IP_HDR_LEN);
	if (!p)
		return NULL;
	if (p->len > 0xFFFF) {
		weir_packet_kill(p);
		return NULL;
	}
	struct weir_ip_hdr *ip = (struct weir_ip_hdr *)p->data;
	memcpy(ip, &c->iph, sizeof(*ip));
	if (c->use_dst_anno)
		ip->dst = weir_dst_ip_anno(p);
	else
		weir_set_dst_ip_anno(p, ip->dst);
	ip->len = htons((uint16_t)p->len);
	ip->id = htons(id);
	weir_ip_set_cksum(ip, WEIR_IP_HDR_LEN);
	weir_packet_set_network_header(p, p->data);
	weir_packet_set_transport_header(p, p->data + WEIR_IP_HDR_LEN);
	return p;
}

static void
ipencap_action(struct weir_element *e, struct weir_batch *b)
{
	struct ipencap *c = e->priv;
	/* one atomic per batch: IDs stay unique across threads, in packet order */
	uint32_t id = atomic_fetch_add_explicit(&c->id, b->n, memory_order_relaxed);
	for (uint32_t i = 0; i < b->n; i++) {
		b->pkts[i] = ipencap_one(c, b->pkts[i], (uint16_t)(id + i));
		if (weir_unlikely(!b->pkts[i])) {
			struct ipencap_pt *pt = weir_element_pt(e);
			pt->drops++;
		}
	}
}

static int
ipencap_read(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	const struct ipencap *c = e->priv;
	char buf[16];
	if (h->arg == 1 && c->use_dst_anno) {
		weir_strbuf_printf(out, "DST_ANNO");
		return 0;
	}
	weir_format_ip4(h->arg == 0 ? c->iph.src : c->iph.dst, buf);
	weir_strbuf_printf(out, "%s", buf);
	return 0;
}

static int
ipencap_write(struct weir_element *e, const char *value, const struct weir_handler *h,
	      struct weir_errh *errh)
{
	struct ipencap *c = e->priv;
	uint32_t a;
	if (h->arg == 1) {
		if (ipencap_parse_dst(c, value) < 0)
			return weir_error(errh, "DST argument should be IP address or 'DST_ANNO'");
		return 0;
	}
	if (weir_parse_ip4(value, &a) < 0)
		return weir_error(errh, "SRC: expected IP address, got '%s'", value);
	c->src = c->iph.src = a;
	return 0;
}

static const struct weir_handler ipencap_handlers[] = {
	{ .name = "src", .read = ipencap_read, .write = ipencap_write, .arg = 0 },
	{ .name = "dst", .read = ipencap_read, .write = ipencap_write, .arg = 1 },
	WEIR_HANDLER_END
};

static const struct weir_element_class ipencap_class = {
	.name = "IPEncap",
	.port_count = "1/1",
	.processing = "a/a",
	.priv_size = sizeof(struct ipencap),
	.pt_size = sizeof(struct ipencap_pt),
	.args = ipencap_args,
	.configure = ipencap_configure,
	.simple_action = ipencap_action,
	.handlers = ipencap_handlers,
	.doc = ipencap_doc,
};
WEIR_ELEMENT_REGISTER(ipencap_class)
