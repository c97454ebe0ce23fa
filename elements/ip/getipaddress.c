/* getipaddress.c - GetIPAddress: sets the destination IP annotation from packet data. */
/*
 * =c
 * GetIPAddress(OFFSET [, ANNO, keyword IP])
 *
 * =s ip
 * sets destination IP address annotation from packet data
 *
 * =d
 * Copies 4 bytes from the packet, starting at OFFSET, to the destination IP
 * address annotation. OFFSET is usually 16, to fetch the destination address
 * from an IP packet.
 *
 * Set ANNO to set a non-default destination IP address annotation.
 *
 * You may also give an IP keyword argument instead of an OFFSET. IP must
 * equal 'src' or 'dst'. The input packet must have its IP header annotation
 * set. The named destination IP address annotation is set to that IP
 * header's source or destination address, respectively. OFFSET may also be
 * 'src' or 'dst', with the same meaning.
 *
 * A packet too short to hold the address (or, for 'src'/'dst', without a
 * complete IP header at its network header annotation) is dropped and
 * counted; Click would read past the packet's end.
 *
 * Keywords:
 *   OFFSET  unsigned byte offset (or src/dst).
 *   ANNO    4-byte annotation to set. Default DST_IP.
 *   IP      'src' or 'dst'.
 *
 * =h drops read-only
 * Packets dropped because they were too short (weir extension).
 *
 * =e
 *   ... -> GetIPAddress(16) -> LookupIPRoute(...) -> ...
 *
 * =a SetIPAddress, StoreIPAddress, ARPQuerier
 */
#include <inttypes.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/ip.h"

static const char getipaddress_doc[] =
	"GetIPAddress(OFFSET [, ANNO, keyword IP])\n"
	"\n"
	"Sets destination IP address annotation from packet data.\n"
	"\n"
	"Copies 4 bytes from the packet, starting at OFFSET, to the destination IP\n"
	"address annotation. OFFSET is usually 16, to fetch the destination address\n"
	"from an IP packet.\n"
	"\n"
	"Set ANNO to set a non-default destination IP address annotation.\n"
	"\n"
	"You may also give an IP keyword argument instead of an OFFSET. IP must\n"
	"equal 'src' or 'dst'. The input packet must have its IP header annotation\n"
	"set. The named destination IP address annotation is set to that IP\n"
	"header's source or destination address, respectively. OFFSET may also be\n"
	"'src' or 'dst', with the same meaning.\n"
	"\n"
	"A packet too short to hold the address (or, for 'src'/'dst', without a\n"
	"complete IP header at its network header annotation) is dropped and\n"
	"counted; Click would read past the packet's end.\n"
	"\n"
	"Keywords:\n"
	"  OFFSET  unsigned byte offset (or src/dst).\n"
	"  ANNO    4-byte annotation to set. Default DST_IP.\n"
	"  IP      'src' or 'dst'.\n"
	"\n"
	"Handler:\n"
	"  drops (read)  packets dropped because they were too short (weir extension).\n"
	"\n"
	"Example:\n"
	"  ... -> GetIPAddress(16) -> LookupIPRoute(...) -> ...\n";

enum { GIA_OFFSET, GIA_SRC, GIA_DST };

struct getipaddress {
	char *offset_word;
	char *ip_word;
	unsigned anno;
	bool anno_given;
	int kind;
	uint32_t offset;
};

struct getipaddress_pt {
	uint64_t drops;
};

static const struct weir_arg getipaddress_args[] = {
	{ "OFFSET", WEIR_ARG_WORD, offsetof(struct getipaddress, offset_word),
	  WEIR_ARGF_POSITIONAL, .help = "byte offset of the address" },
	{ "ANNO", WEIR_ARG_ANNO, offsetof(struct getipaddress, anno),
	  WEIR_ARGF_POSITIONAL | WEIR_ARGF_GIVEN,
	  .given_offset = offsetof(struct getipaddress, anno_given),
	  .help = "4-byte annotation to set (default DST_IP)" },
	{ "IP", WEIR_ARG_WORD, offsetof(struct getipaddress, ip_word), 0,
	  .help = "src or dst" },
	WEIR_ARG_END
};

static int
getipaddress_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct getipaddress *g = e->priv;
	(void)conf;
	if ((g->offset_word != NULL) == (g->ip_word != NULL))
		return weir_error(errh, "set one of OFFSET, IP");
	const char *w = g->offset_word ? g->offset_word : g->ip_word;
	if (strcasecmp(w, "src") == 0)
		g->kind = GIA_SRC;
	else if (strcasecmp(w, "dst") == 0)
		g->kind = GIA_DST;
	else if (g->offset_word && weir_parse_uint(w, &g->offset) == 0)
		g->kind = GIA_OFFSET;
	else if (g->offset_word)
		return weir_error(errh, "OFFSET: expected unsigned integer, got '%s'", w);
	else
		return weir_error(errh, "IP: expected 'src' or 'dst', got '%s'", w);
	if (!g->anno_given)
		g->anno = WEIR_DST_IP_ANNO_OFFSET;
	if (g->anno + 4 > WEIR_ANNO_SIZE)
		return weir_error(errh, "ANNO: annotation offset %u out of range", g->anno);
	return 0;
}

/* Where the 4 address bytes are in p, or NULL when they are not all there. */
static const uint8_t *
getipaddress_source(const struct getipaddress *g, const struct weir_packet *p)
{
	if (g->kind == GIA_OFFSET)
		return (uint64_t)g->offset + 4 <= p->len ? p->data + g->offset : NULL;
	const uint8_t *nh = weir_packet_network_header(p);
	if (!nh || nh < p->data || nh + WEIR_IP_HDR_LEN > weir_packet_end_data(p))
		return NULL;
	return nh + (g->kind == GIA_SRC ? offsetof(struct weir_ip_hdr, src)
					: offsetof(struct weir_ip_hdr, dst));
}

static void
getipaddress_action(struct weir_element *e, struct weir_batch *b)
{
	const struct getipaddress *g = e->priv;
	for (uint32_t i = 0; i < b->n; i++) {
		struct weir_packet *p = b->pkts[i];
		const uint8_t *src = getipaddress_source(g, p);
		if (weir_unlikely(!src)) {
			struct getipaddress_pt *pt = weir_element_pt(e);
			pt->drops++;
			weir_packet_kill(p);
			b->pkts[i] = NULL;
			continue;
		}
		uint32_t a;
		memcpy(&a, src, 4);
		weir_set_anno_u32(p, g->anno, a);
	}
}

static int
getipaddress_read_drops(struct weir_element *e, const struct weir_handler *h,
			struct weir_strbuf *out)
{
	(void)h;
	weir_strbuf_printf(out, "%" PRIu64, WEIR_PT_SUM(e, struct getipaddress_pt, drops));
	return 0;
}

static const struct weir_handler getipaddress_handlers[] = {
	{ .name = "drops", .read = getipaddress_read_drops },
	WEIR_HANDLER_END
};

static const struct weir_element_class getipaddress_class = {
	.name = "GetIPAddress",
	.port_count = "1/1",
	.processing = "a/a",
	.priv_size = sizeof(struct getipaddress),
	.pt_size = sizeof(struct getipaddress_pt),
	.args = getipaddress_args,
	.configure = getipaddress_configure,
	.simple_action = getipaddress_action,
	.handlers = getipaddress_handlers,
	.doc = getipaddress_doc,
};
WEIR_ELEMENT_REGISTER(getipaddress_class)
