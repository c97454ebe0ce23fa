/* arpresponder.c - ARPResponder: answers ARP requests for configured addresses and prefixes. */
/*
 * =c
 * ARPResponder(IP/MASK1 [IP/MASK...] ETH1, IP/MASK2 ETH2, ...)
 *
 * =s arp
 * generates responses to ARP queries
 *
 * =d
 * Input should be ARP request packets, including the Ethernet header.
 * Forwards an ARP reply if we know the answer -- that is, if one of the
 * IP/MASK arguments matches the requested IP address, then it outputs an
 * ARP reply giving the corresponding ETH address. Could be used for proxy
 * ARP as well as producing replies for a host's own address. Packets that
 * are not answered (not an Ethernet/IPv4 ARP request of at least 42 bytes,
 * or an address no entry matches) go to output 1, or are dropped if there is
 * no output 1. The request packet itself is consumed when a reply is made.
 *
 * Each argument holds one or more IP addresses or prefixes and one Ethernet
 * address. The netmask can be given in CIDR form (18.26.7.0/24) or dotted
 * decimal form (18.26.7.0/255.255.255.0); a bare address is a /32. When
 * several entries match, the most specific one wins; for identical prefixes
 * the later entry replaces the earlier one (with a warning at configuration).
 *
 * As in Click, the ARP header's hln and pln fields are not checked: the
 * addresses are read at the fixed Ethernet/IPv4 offsets of a 42-byte frame.
 * The reply is a new 42-byte packet: Ethernet header (to the requester's
 * sender hardware address, from ETH), then an ARP reply whose sender is the
 * requested IP address at ETH and whose target is the requester. Its VLAN TCI
 * annotation is copied from the request.
 *
 * =h table read-only
 * One line per entry: "IP/LEN ETH".
 * =h add write-only
 * Adds entries, written in the same form as an argument.
 * =h remove write-only
 * Removes the entry for an IP/MASK.
 *
 * =h lookup read/write
 * Click reads lookup with an IP address parameter; in weir, write the IP
 * address, then read: the Ethernet address that would answer it, or nothing.
 *
 * =e
 * Produce ARP replies for the local machine (18.26.4.24) as well as proxy
 * ARP for all machines on net 18.26.7 directing their packets to the local
 * machine:
 *   c :: Classifier(12/0806 20/0001, ...);
 *   ar :: ARPResponder(18.26.4.24 18.26.7.0/24 00:00:C0:AE:67:EF);
 *   c[0] -> ar;
 *   ar -> ToDevice(eth0);
 *
 * =a ARPQuerier, ARPPrint
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/ip.h"

static const char arpresponder_doc[] =
	"ARPResponder(IP/MASK1 [IP/MASK...] ETH1, IP/MASK2 ETH2, ...)\n"
	"\n"
	"Generates responses to ARP queries.\n"
	"\n"
	"Input should be ARP request packets, including the Ethernet header.\n"
	"Forwards an ARP reply if we know the answer -- that is, if one of the\n"
	"IP/MASK arguments matches the requested IP address, then it outputs an\n"
	"ARP reply giving the corresponding ETH address. Could be used for proxy\n"
	"ARP as well as producing replies for a host's own address. Packets that\n"
	"are not answered (not an Ethernet/IPv4 ARP request of at least 42 bytes,\n"
	"or an address no entry matches) go to output 1, or are dropped if there is\n"
	"no output 1. The request packet itself is consumed when a reply is made.\n"
	"\n"
	"Each argument holds one or more IP addresses or prefixes and one Ethernet\n"
	"address. The netmask can be given in CIDR form (18.26.7.0/24) or dotted\n"
	"decimal form (18.26.7.0/255.255.255.0); a bare address is a /32. When\n"
	"several entries match, the most specific one wins; for identical prefixes\n"
	"the later entry replaces the earlier one (with a warning at configuration).\n"
	"\n"
	"As in Click, the ARP header's hln and pln fields are not checked: the\n"
	"addresses are read at the fixed Ethernet/IPv4 offsets of a 42-byte frame.\n"
	"The reply is a new 42-byte packet: Ethernet header (to the requester's\n"
	"sender hardware address, from ETH), then an ARP reply whose sender is the\n"
	"requested IP address at ETH and whose target is the requester. Its VLAN TCI\n"
	"annotation is copied from the request.\n"
	"\n"
	"Handlers:\n"
	"  table (read-only)   one line per entry: \"IP/LEN ETH\"\n"
	"  add (write-only)    adds entries, written in the same form as an argument\n"
	"  remove (write-only) removes the entry for an IP/MASK\n"
	"\n"
	"  lookup (read/write) write an IP address, then read the Ethernet address\n"
	"                      that would answer it, or nothing (Click reads it\n"
	"                      with a parameter)\n"
	"\n"
	"Example:\n"
	"  c :: Classifier(12/0806 20/0001, ...);\n"
	"  ar :: ARPResponder(18.26.4.24 18.26.7.0/24 00:00:C0:AE:67:EF);\n"
	"  c[0] -> ar;\n"
	"  ar -> ToDevice(eth0);\n";

#define ARP_FRAME_LEN (WEIR_ETHER_HDR_LEN + (uint32_t)sizeof(struct weir_arp_hdr))

struct arpr_entry {
	uint32_t dst;  /* network order, already masked */
	uint32_t mask; /* network order */
	uint8_t ena[WEIR_ETHER_ADDR_LEN];
};

/* Entries are kept more specific first, so the first match is the best. */
struct arpresponder {
	struct arpr_entry *v;
	unsigned n, cap;
	uint32_t lookup_addr; /* the lookup handler's last written address */
	bool has_lookup;
};

static bool
arpr_contains(const struct arpr_entry *outer, const struct arpr_entry *inner)
{
	return (inner->mask & outer->mask) == outer->mask &&
	       (inner->dst & outer->mask) == outer->dst;
}

/* Insert x into the table; replaces an identical prefix. Returns 1 when it
 * replaced one, 0 when added, -ENOMEM. */
static int
arpr_insert(struct arpresponder *ar, const struct arpr_entry *x)
{
	unsigned pos = ar->n;
	for (unsigned i = 0; i < ar->n; i++) {
		if (ar->v[i].dst == x->dst && ar->v[i].mask == x->mask) {
			ar->v[i] = *x;
			return 1;
		}
	}
	for (unsigned i = 0; i < ar->n; i++)
		if (ar->v[i].mask != x->mask && arpr_contains(&ar->v[i], x)) {
			pos = i;
			break;
		}
	if (ar->n == ar->cap) {
		unsigned cap = ar->cap ? ar->cap * 2 : 8;
		struct arpr_entry *nv = realloc(ar->v, cap * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		ar->v = nv;
		ar->cap = cap;
	}
	memmove(&ar->v[pos + 1], &ar->v[pos], (ar->n - pos) * sizeof(*ar->v));
	ar->v[pos] = *x;
	ar->n++;
	return 0;
}

/* Parse one argument ("IP/MASK... ETH") into a malloc'd array of entries at
 * *out. Returns the number of entries, -EINVAL or -ENOMEM. */
static int
arpr_parse_arg(const char *arg, struct arpr_entry **out, struct weir_errh *errh,
	       const char *what)
{
	char **words = NULL;
	int nw = weir_split_words(arg, &words);
	uint8_t ena[WEIR_ETHER_ADDR_LEN];
	bool have_ena = false;
	int n = 0, rc = 0;
	struct arpr_entry *v = nw > 0 ? calloc((size_t)nw, sizeof(*v)) : NULL;

	if (nw > 0 && !v) {
		weir_words_free(words, nw);
		return -ENOMEM;
	}
	for (int i = 0; i < nw && rc == 0; i++) {
		uint32_t addr, mask;
		if (weir_parse_ip4_prefix(words[i], &addr, &mask, true) == 0) {
			v[n].dst = addr & mask;
			v[n].mask = mask;
			n++;
		} else if (weir_parse_ether(words[i], ena) == 0) {
			if (have_ena)
				rc = weir_error(errh, "%s: more than one ETH", what);
			have_ena = true;
		} else {
			rc = weir_error(errh, "%s: expected IP/MASK ETH, got '%s'", what, words[i]);
		}
	}
	if (rc == 0 && n == 0)
		rc = weir_error(errh, "%s: missing IP/MASK", what);
	else if (rc == 0 && !have_ena)
		rc = weir_error(errh, "%s: missing ETH", what);
	weir_words_free(words, nw);
	if (rc < 0) {
		free(v);
		return rc;
	}
	for (int i = 0; i < n; i++)
		memcpy(v[i].ena, ena, WEIR_ETHER_ADDR_LEN);
	*out = v;
	return n;
}

/* Parse and insert one argument; warn about duplicates when warn is set. */
static int
arpr_add_arg(struct arpresponder *ar, const char *arg, struct weir_errh *errh, const char *what,
	     bool warn)
{
	struct arpr_entry *v;
	int n = arpr_parse_arg(arg, &v, errh, what);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		int r = arpr_insert(ar, &v[i]);
		if (r < 0) {
			free(v);
			return weir_error(errh, "out of memory");
		}
		if (r == 1 && warn) {
			char ip[16];
			weir_format_ip4(v[i].dst, ip);
			weir_warning(errh, "multiple entries for %s/%d", ip,
				     weir_ip4_mask_to_prefix(v[i].mask));
		}
	}
	free(v);
	return 0;
}

static int
arpresponder_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct arpresponder *ar = e->priv;
	struct arpresponder nt = { 0 };
	int rc = 0;
	for (int i = 0; i < conf->argc; i++) {
		char what[32];
		snprintf(what, sizeof(what), "argument %d", i + 1);
		if (arpr_add_arg(&nt, conf->argv[i], errh, what, true) < 0)
			rc = -EINVAL;
	}
	if (rc < 0) {
		free(nt.v);
		return rc;
	}
	free(ar->v);
	*ar = nt;
	return 0;
}

static void
arpresponder_cleanup(struct weir_element *e)
{
	struct arpresponder *ar = e->priv;
	free(ar->v);
	ar->v = NULL;
	ar->n = ar->cap = 0;
}

static const struct arpr_entry *
arpr_lookup(const struct arpresponder *ar, uint32_t ip)
{
	for (unsigned i = 0; i < ar->n; i++)
		if ((ip & ar->v[i].mask) == ar->v[i].dst)
			return &ar->v[i];
	return NULL;
}

/* The reply to request p from entry en, or NULL (not a request we answer,
 * or out of packets). */
static struct weir_packet *
arpr_respond(const struct arpresponder *ar, const struct weir_packet *p)
{
	if (p->len < ARP_FRAME_LEN)
		return NULL;
	const struct weir_ether_hdr *eh = (const void *)p->data;
	const struct weir_arp_hdr *ah = (const void *)(p->data + WEIR_ETHER_HDR_LEN);
	if (eh->type != htons(WEIR_ETHERTYPE_ARP) || ah->hrd != htons(WEIR_ARP_HRD_ETHER) ||
	    ah->pro != htons(WEIR_ETHERTYPE_IP) || ah->op != htons(WEIR_ARP_OP_REQUEST))
		return NULL;
	uint32_t tpa;
	memcpy(&tpa, ah->tpa, 4);
	const struct arpr_entry *en = arpr_lookup(ar, tpa);
	if (!en)
		return NULL;

	struct weir_packet *q = weir_packet_make(WEIR_DEFAULT_HEADROOM, NULL, ARP_FRAME_LEN, 0);
	if (!q)
		return NULL;
	struct weir_ether_hdr *qe = (void *)q->data;
	struct weir_arp_hdr *qa = (void *)(q->data + WEIR_ETHER_HDR_LEN);
	memcpy(qe->dst, ah->sha, WEIR_ETHER_ADDR_LEN);
	memcpy(qe->src, en->ena, WEIR_ETHER_ADDR_LEN);
	qe->type = htons(WEIR_ETHERTYPE_ARP);
	qa->hrd = htons(WEIR_ARP_HRD_ETHER);
	qa->pro = htons(WEIR_ETHERTYPE_IP);
	qa->hln = WEIR_ETHER_ADDR_LEN;
	qa->pln = 4;
	qa->op = htons(WEIR_ARP_OP_REPLY);
	memcpy(qa->sha, en->ena, WEIR_ETHER_ADDR_LEN);
	memcpy(qa->spa, ah->tpa, 4);
	memcpy(qa->tha, ah->sha, WEIR_ETHER_ADDR_LEN);
	memcpy(qa->tpa, ah->spa, 4);
	weir_packet_set_mac_header(q, q->data);
	weir_packet_set_network_header(q, q->data + WEIR_ETHER_HDR_LEN);
	weir_set_vlan_tci_anno(q, weir_vlan_tci_anno(p));
	return q;
}

static void
arpresponder_classify(struct weir_element *e, struct weir_batch *b, uint8_t *ports)
{
	const struct arpresponder *ar = e->priv;
	uint8_t other = e->noutputs > 1 ? 1 : WEIR_PORT_DROP;
	for (uint32_t i = 0; i < b->n; i++) {
		struct weir_packet *q = arpr_respond(ar, b->pkts[i]);
		if (q) {
			weir_packet_kill(b->pkts[i]);
			b->pkts[i] = q;
			ports[i] = 0;
		} else {
			ports[i] = other;
		}
	}
}

static int
arpresponder_read_table(struct weir_element *e, const struct weir_handler *h,
			struct weir_strbuf *out)
{
	const struct arpresponder *ar = e->priv;
	for (unsigned i = 0; i < ar->n; i++) {
		const uint8_t *a = ar->v[i].ena;
		char ip[16];
		weir_format_ip4(ar->v[i].dst, ip);
		weir_strbuf_printf(out, "%s/%d %02X-%02X-%02X-%02X-%02X-%02X\n", ip,
				   weir_ip4_mask_to_prefix(ar->v[i].mask), a[0], a[1], a[2], a[3],
				   a[4], a[5]);
	}
	return 0;
}

static int
arpresponder_write_add(struct weir_element *e, const char *value, const struct weir_handler *h,
		       struct weir_errh *errh)
{
	return arpr_add_arg(e->priv, value, errh, "add", false);
}

static int
arpresponder_write_remove(struct weir_element *e, const char *value,
			  const struct weir_handler *h, struct weir_errh *errh)
{
	struct arpresponder *ar = e->priv;
	uint32_t addr, mask;
	char *s = weir_unquote(value, NULL);
	int rc = s ? weir_parse_ip4_prefix(s, &addr, &mask, true) : -EINVAL;
	free(s);
	if (rc < 0)
		return weir_error(errh, "remove: expected IP/MASK, got '%s'", value);
	addr &= mask;
	for (unsigned i = 0; i < ar->n; i++)
		if (ar->v[i].dst == addr && ar->v[i].mask == mask) {
			memmove(&ar->v[i], &ar->v[i + 1], (ar->n - i - 1) * sizeof(*ar->v));
			ar->n--;
			return 0;
		}
	char ip[16];
	weir_format_ip4(addr, ip);
	return weir_error(errh, "%s/%d not found", ip, weir_ip4_mask_to_prefix(mask));
}

static int
arpresponder_write_lookup(struct weir_element *e, const char *value,
			  const struct weir_handler *h, struct weir_errh *errh)
{
	struct arpresponder *ar = e->priv;
	uint32_t a;
	if (weir_parse_ip4(value, &a) < 0)
		return weir_error(errh, "lookup: expected IP address, got '%s'", value);
	ar->lookup_addr = a;
	ar->has_lookup = true;
	return 0;
}

static int
arpresponder_read_lookup(struct weir_element *e, const struct weir_handler *h,
			 struct weir_strbuf *out)
{
	const struct arpresponder *ar = e->priv;
	if (!ar->has_lookup)
		return 0;
	const struct arpr_entry *en = arpr_lookup(ar, ar->lookup_addr);
	if (en)
		weir_strbuf_printf(out, "%02X-%02X-%02X-%02X-%02X-%02X", en->ena[0], en->ena[1],
				   en->ena[2], en->ena[3], en->ena[4], en->ena[5]);
	return 0;
}

static const struct weir_handler arpresponder_handlers[] = {
	{ .name = "table", .read = arpresponder_read_table },
	{ .name = "lookup", .read = arpresponder_read_lookup, .write = arpresponder_write_lookup },
	{ .name = "add", .write = arpresponder_write_add },
	{ .name = "remove", .write = arpresponder_write_remove },
	WEIR_HANDLER_END
};

static const struct weir_element_class arpresponder_class = {
	.name = "ARPResponder",
	.port_count = "1/1-2",
	.processing = "a/ah",
	.priv_size = sizeof(struct arpresponder),
	.flags = WEIR_CLASS_THREAD_UNSAFE,
	.configure = arpresponder_configure,
	.cleanup = arpresponder_cleanup,
	.classify = arpresponder_classify,
	.handlers = arpresponder_handlers,
	.doc = arpresponder_doc,
};
WEIR_ELEMENT_REGISTER(arpresponder_class)
