/* ipclassifier.c - IPClassifier: sends IP packets to the output of the first pattern they match. */
/*
 * IPClassifier(PATTERN_1, ..., PATTERN_N)
 *
 * classifies IP packets by contents
 *
 * Classifies IP packets according to tcpdump(1)-like patterns. The
 * IPClassifier has N outputs, each associated with the corresponding pattern
 * from the configuration string. The input packets must have their IP header
 * annotation set; CheckIPHeader and MarkIPHeader do this. Packets without it
 * match only patterns that need no header field ("-", "true").
 *
 * Primitives:
 *   ip proto PROTO           IP protocol, by name (icmp, igmp, ipip, tcp, udp,
 *                            tcpudp, transp) or number
 *   [SRCORDST] host IPADDR   SRCORDST is src, dst, src or dst, src and dst
 *                            (default: src or dst)
 *   [SRCORDST] net NETADDR   IPADDR/BITS or IPADDR mask MASK
 *   [SRCORDST] [tcp|udp] port PORT
 *                            a TCP or UDP port name or number; without tcp or
 *                            udp, either is accepted
 *   ip vers V, ip hl HL, ip id ID, ip tos TOS, ip dscp DSCP, ip ttl TTL,
 *   ip len LEN               IP header fields
 *   ip ect, ip ce            ECN capable transport, congestion experienced
 *   ip frag, ip unfrag       fragments (MF set or nonzero offset), and not
 *   tcp opt TCPOPT           TCP flag: syn, fin, ack, rst, psh, urg
 *   tcp win WIN              TCP window (unscaled)
 *   icmp type TYPE           ICMP type, by name (echo, echo-reply,
 *                            unreachable, ...) or number
 *   ip[POS:LEN] VALUE        LEN (1-4) bytes of the IP header at POS, within
 *                            one 4-byte word; ip[POS] is ip[POS:1]
 *   transp[POS:LEN] VALUE    the same on the transport header; tcp[..],
 *                            udp[..], icmp[..] also require the protocol
 *   [SRCORDST] ether host ETH
 *                            Ethernet source/destination address; needs the
 *                            MAC header annotation
 *   true, false
 *
 * Primitives combine with and, or, not (&&, ||, !), the ternary a ? b : c
 * (the colon surrounded by spaces), parentheses, and juxtaposition (= and).
 * All primitives but tcp opt take an operator before the value: == or !=,
 * and <, >, <=, >= for integer values; most also take a bitmask,
 * "DIRECTIVE & MASK [[OP] VALUE]". "src tcp port != 5" matches TCP packets
 * whose source port is not 5 (unlike "not src tcp port 5", which also matches
 * non-TCP packets); the same holds for icmp type and the relations.
 *
 * Keywords may be omitted: "tcp" for "ip proto tcp", "www" for "port www",
 * "syn" for "tcp opt syn", "10.0.0.0/24" for "net 10.0.0.0/24", "unfrag"
 * for "ip unfrag"; "src port 80 or 81" means "src port 80 or src port 81".
 *
 * Port, icmp type, tcp opt, tcp win and transp[] primitives only match the
 * first fragment of a datagram, and do not match packets too short to hold
 * the field. A pattern consisting entirely of "-", "any" or "all" matches
 * every packet.
 *
 * Patterns are tried in order; a packet goes to the output of the first
 * pattern it matches and is dropped when it matches none. A pattern that no
 * packet can reach draws a warning. Errors give the pattern number and the
 * column of the offending word.
 *
 * Handler:
 *   program (read-only)  the compiled program, one test per line: four bytes
 *                        at OFFSET (net+ = network header, tr+ = transport
 *                        header, no prefix = MAC header), ANDed with the mask,
 *                        compared with the value.
 *
 * Example:
 *   IPClassifier(10.0.0.0/24 and syn, 10.0.0.0/24 and fin ack,
 *                10.0.0.0/24 and tcp, -);
 * sends SYN packets from net 10.0.0.x to output 0, FIN+ACK packets from it
 * to output 1, its other TCP packets to output 2, everything else to 3.
 *
 * See also: Classifier, IPFilter, CheckIPHeader, MarkIPHeader.
 */
#include "weir/classifier.h"
#include "weir/element.h"

static const char ipclassifier_doc[] =
	"IPClassifier(PATTERN_1, ..., PATTERN_N)\n"
	"\n"
	"classifies IP packets by contents\n"
	"\n"
	"Classifies IP packets according to tcpdump(1)-like patterns. The\n"
	"IPClassifier has N outputs, each associated with the corresponding pattern\n"
	"from the configuration string. The input packets must have their IP header\n"
	"annotation set; CheckIPHeader and MarkIPHeader do this. Packets without it\n"
	"match only patterns that need no header field (\"-\", \"true\").\n"
	"\n"
	"Primitives:\n"
	"  ip proto PROTO           IP protocol, by name (icmp, igmp, ipip, tcp, udp,\n"
	"                           tcpudp, transp) or number\n"
	"  [SRCORDST] host IPADDR   SRCORDST is src, dst, src or dst, src and dst\n"
	"                           (default: src or dst)\n"
	"  [SRCORDST] net NETADDR   IPADDR/BITS or IPADDR mask MASK\n"
	"  [SRCORDST] [tcp|udp] port PORT\n"
	"                           a TCP or UDP port name or number; without tcp or\n"
	"                           udp, either is accepted\n"
	"  ip vers V, ip hl HL, ip id ID, ip tos TOS, ip dscp DSCP, ip ttl TTL,\n"
	"  ip len LEN               IP header fields\n"
	"  ip ect, ip ce            ECN capable transport, congestion experienced\n"
	"  ip frag, ip unfrag       fragments (MF set or nonzero offset), and not\n"
	"  tcp opt TCPOPT           TCP flag: syn, fin, ack, rst, psh, urg\n"
	"  tcp win WIN              TCP window (unscaled)\n"
	"  icmp type TYPE           ICMP type, by name (echo, echo-reply,\n"
	"                           unreachable, ...) or number\n"
	"  ip[POS:LEN] VALUE        LEN (1-4) bytes of the IP header at POS, within\n"
	"                           one 4-byte word; ip[POS] is ip[POS:1]\n"
	"  transp[POS:LEN] VALUE    the same on the transport header; tcp[..],\n"
	"                           udp[..], icmp[..] also require the protocol\n"
	"  [SRCORDST] ether host ETH\n"
	"                           Ethernet source/destination address; needs the\n"
	"                           MAC header annotation\n"
	"  true, false\n"
	"\n"
	"Primitives combine with and, or, not (&&, ||, !), the ternary a ? b : c\n"
	"(the colon surrounded by spaces), parentheses, and juxtaposition (= and).\n"
	"All primitives but tcp opt take an operator before the value: == or !=,\n"
	"and <, >, <=, >= for integer values; most also take a bitmask,\n"
	"\"DIRECTIVE & MASK [[OP] VALUE]\". \"src tcp port != 5\" matches TCP packets\n"
	"whose source port is not 5 (unlike \"not src tcp port 5\", which also matches\n"
	"non-TCP packets); the same holds for icmp type and the relations.\n"
	"\n"
	"Keywords may be omitted: \"tcp\" for \"ip proto tcp\", \"www\" for \"port www\",\n"
	"\"syn\" for \"tcp opt syn\", \"10.0.0.0/24\" for \"net 10.0.0.0/24\", \"unfrag\"\n"
	"for \"ip unfrag\"; \"src port 80 or 81\" means \"src port 80 or src port 81\".\n"
	"\n"
	"Port, icmp type, tcp opt, tcp win and transp[] primitives only match the\n"
	"first fragment of a datagram, and do not match packets too short to hold\n"
	"the field. A pattern consisting entirely of \"-\", \"any\" or \"all\" matches\n"
	"every packet.\n"
	"\n"
	"Patterns are tried in order; a packet goes to the output of the first\n"
	"pattern it matches and is dropped when it matches none. A pattern that no\n"
	"packet can reach draws a warning. Errors give the pattern number and the\n"
	"column of the offending word.\n"
	"\n"
	"Handler:\n"
	"  program (read-only)  the compiled program, one test per line: four bytes\n"
	"                       at OFFSET (net+ = network header, tr+ = transport\n"
	"                       header, no prefix = MAC header), ANDed with the mask,\n"
	"                       compared with the value.\n"
	"\n"
	"Example:\n"
	"  IPClassifier(10.0.0.0/24 and syn, 10.0.0.0/24 and fin ack,\n"
	"               10.0.0.0/24 and tcp, -);\n"
	"sends SYN packets from net 10.0.0.x to output 0, FIN+ACK packets from it\n"
	"to output 1, its other TCP packets to output 2, everything else to 3.\n"
	"\n"
	"See also: Classifier, IPFilter, CheckIPHeader, MarkIPHeader.\n";

struct ipclassifier {
	struct weir_cls_program *prog;
	struct weir_cls_accel *accel;
};

static void
ipclassifier_cleanup(struct weir_element *e)
{
	struct ipclassifier *c = weir_element_priv(e);
	weir_cls_accel_free(c->accel);
	weir_cls_program_free(c->prog);
	c->accel = NULL;
	c->prog = NULL;
}

static int
ipclassifier_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct ipclassifier *c = weir_element_priv(e);
	if (conf->argc != e->noutputs)
		return weir_error(errh, "need %d arguments, one per output port", e->noutputs);
	struct weir_cls_program *prog;
	struct weir_cls_accel *accel;
	int r = weir_cls_compile_ip(conf->argc, conf->argv, false, e->noutputs, &prog, errh);
	if (r < 0)
		return r;
	if (weir_cls_accel_build(prog, &accel) < 0) {
		weir_cls_program_free(prog);
		return weir_error(errh, "out of memory");
	}
	ipclassifier_cleanup(e);
	c->prog = prog;
	c->accel = accel;
	return 0;
}

static void
ipclassifier_classify(struct weir_element *e, struct weir_batch *b, uint8_t *ports)
{
	const struct ipclassifier *c = weir_element_priv(e);
	weir_cls_classify_ip(c->prog, c->accel, b->pkts, b->n, ports);
}

static int
ipclassifier_read_program(struct weir_element *e, const struct weir_handler *h,
                          struct weir_strbuf *out)
{
	const struct ipclassifier *c = weir_element_priv(e);
	(void)h;
	if (c->prog)
		weir_cls_program_dump(c->prog, out);
	return 0;
}

static const struct weir_handler ipclassifier_handlers[] = {
	{ .name = "program", .read = ipclassifier_read_program },
	WEIR_HANDLER_END
};

static const struct weir_element_class ipclassifier_class = {
	.name = "IPClassifier",
	.port_count = "1/-",
	.processing = "h/h",
	.priv_size = sizeof(struct ipclassifier),
	.configure = ipclassifier_configure,
	.cleanup = ipclassifier_cleanup,
	.classify = ipclassifier_classify,
	.handlers = ipclassifier_handlers,
	.doc = ipclassifier_doc,
};

WEIR_ELEMENT_REGISTER(ipclassifier_class)
