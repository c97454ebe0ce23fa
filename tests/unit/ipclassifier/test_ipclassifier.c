/* test_ipclassifier.c - IPClassifier/IPFilter expressions: matching, program dumps, errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weir/classifier.h"

/* ---- packets --------------------------------------------------------------------- */

/* What a test packet looks like; zero fields get defaults. */
struct pkt_spec {
	const char *src, *dst;  /* IPv4 addresses (default 10.0.0.1 -> 192.168.1.2) */
	uint8_t proto;          /* default 6 (TCP) */
	uint8_t ttl;            /* default 64 */
	uint8_t tos;
	uint8_t ihl;            /* header length in words, default 5 */
	uint16_t frag;          /* flags + offset field, host order */
	uint16_t sport, dport;  /* TCP/UDP ports, default 1234 -> 80 */
	uint8_t tcp_flags;      /* default 0x02 (SYN) */
	uint16_t win;           /* default 8192 */
	uint8_t icmp_type;
	uint32_t truncate;      /* keep only this many bytes of the IP packet (0: all) */
	bool no_net;            /* leave the network header annotation unset */
	bool with_transport;    /* also set the transport annotation */
	const uint8_t *ether_src; /* default 02:00:00:00:00:01 */
};

static struct weir_packet *
make_pkt(const struct pkt_spec *s)
{
	uint8_t buf[128];
	memset(buf, 0, sizeof(buf));
	static const uint8_t edst[6] = { 2, 0, 0, 0, 0, 2 }, esrc[6] = { 2, 0, 0, 0, 0, 1 };
	memcpy(buf, edst, 6);
	memcpy(buf + 6, s->ether_src ? s->ether_src : esrc, 6);
	buf[12] = 0x08;
	uint8_t *ip = buf + 14;
	unsigned ihl = s->ihl ? s->ihl : 5;
	uint8_t proto = s->proto ? s->proto : 6;
	ip[0] = (uint8_t)(0x40 | ihl);
	ip[1] = s->tos;
	ip[4] = 0x12;
	ip[5] = 0x34;
	ip[6] = (uint8_t)(s->frag >> 8);
	ip[7] = (uint8_t)s->frag;
	ip[8] = s->ttl ? s->ttl : 64;
	ip[9] = proto;
	inet_pton(AF_INET, s->src ? s->src : "10.0.0.1", ip + 12);
	inet_pton(AF_INET, s->dst ? s->dst : "192.168.1.2", ip + 16);
	uint8_t *l4 = ip + ihl * 4;
	unsigned l4len = 20;
	uint16_t sp = s->sport ? s->sport : 1234, dp = s->dport ? s->dport : 80;
	if (proto == 6 || proto == 17) {
		l4[0] = (uint8_t)(sp >> 8);
		l4[1] = (uint8_t)sp;
		l4[2] = (uint8_t)(dp >> 8);
		l4[3] = (uint8_t)dp;
	}
	if (proto == 6) {
		l4[12] = 0x50;
		l4[13] = s->tcp_flags ? s->tcp_flags : 0x02;
		uint16_t w = s->win ? s->win : 8192;
		l4[14] = (uint8_t)(w >> 8);
		l4[15] = (uint8_t)w;
	} else if (proto == 17) {
		l4len = 8;
	} else if (proto == 1) {
		l4[0] = s->icmp_type;
		l4len = 8;
	}
	unsigned iplen = ihl * 4 + l4len;
	ip[2] = (uint8_t)(iplen >> 8);
	ip[3] = (uint8_t)iplen;
	if (s->truncate)
		iplen = s->truncate;
	struct weir_packet *p = weir_packet_make(WEIR_DEFAULT_HEADROOM, buf, 14 + iplen, 0);
	assert_non_null(p);
	weir_packet_set_mac_header(p, p->data);
	if (!s->no_net)
		weir_packet_set_network_header(p, p->data + 14);
	if (s->with_transport)
		weir_packet_set_transport_header(p, p->data + 14 + ihl * 4);
	return p;
}

/* ---- compiling --------------------------------------------------------------------- */

static int
compile(int n, const char *const *pats, bool actions, int noutputs, struct weir_cls_program **prog,
	struct weir_strbuf *msgs)
{
	struct weir_errh errh;
	weir_errh_init_buffer(&errh, msgs);
	return weir_cls_compile_ip(n, (char *const *)pats, actions, noutputs, prog, &errh);
}

static struct weir_cls_program *
compile_warn(int n, const char *const *pats, bool actions, int noutputs, bool warn_ok)
{
	struct weir_strbuf sb = WEIR_STRBUF_INIT;
	struct weir_cls_program *prog = NULL;
	int r = compile(n, pats, actions, noutputs, &prog, &sb);
	if (r != 0 || (!warn_ok && weir_strbuf_str(&sb)[0]))
		fail_msg("compiling '%s': r=%d: %s", pats[0], r, weir_strbuf_str(&sb));
	weir_strbuf_free(&sb);
	assert_non_null(prog);
	return prog;
}

static struct weir_cls_program *
compile_ok(int n, const char *const *pats, bool actions, int noutputs)
{
	return compile_warn(n, pats, actions, noutputs, false);
}

/* Error/warning text of a compilation expected to fail. */
static char *
compile_err(const char *pat, bool actions, int noutputs)
{
	struct weir_strbuf sb = WEIR_STRBUF_INIT;
	struct weir_cls_program *prog = (void *)1;
	const char *pats[1] = { pat };
	int r = compile(1, pats, actions, noutputs, &prog, &sb);
	if (r >= 0)
		fail_msg("'%s' compiled", pat);
	assert_null(prog);
	return weir_strbuf_detach(&sb);
}

/* The port of p, walking every test and with the chain lookups (which must
 * agree); kills p. */
static uint8_t
port_of(const struct weir_cls_program *prog, struct weir_packet *p)
{
	uint8_t port = 0xAA, port2 = 0xBB;
	struct weir_cls_accel *a = NULL;
	assert_int_equal(weir_cls_accel_build(prog, &a), 0);
	weir_cls_classify_ip(prog, NULL, &p, 1, &port);
	weir_cls_classify_ip(prog, a, &p, 1, &port2);
	weir_cls_accel_free(a);
	weir_packet_kill(p);
	assert_int_equal(port, port2);
	return port;
}

/* Whether the single pattern `expr` matches the packet spec. */
static bool
matches(const char *expr, const struct pkt_spec *s)
{
	const char *pats[1] = { expr };
	struct weir_cls_program *prog = compile_warn(1, pats, false, 1, true);
	uint8_t port = port_of(prog, make_pkt(s));
	weir_cls_program_free(prog);
	assert_true(port == 0 || port == WEIR_CLS_DROP);
	return port == 0;
}

#define MATCH(expr, ...)                                                              \
	do {                                                                          \
		struct pkt_spec s_ = { __VA_ARGS__ };                                 \
		if (!matches(expr, &s_))                                              \
			fail_msg("'%s' should match (line %d)", expr, __LINE__);      \
	} while (0)
#define NOMATCH(expr, ...)                                                            \
	do {                                                                          \
		struct pkt_spec s_ = { __VA_ARGS__ };                                 \
		if (matches(expr, &s_))                                               \
			fail_msg("'%s' should not match (line %d)", expr, __LINE__);  \
	} while (0)

/* ---- primitives --------------------------------------------------------------------- */

static void
test_hosts_and_nets(void **state)
{
	(void)state;
	MATCH("src host 10.0.0.1", .proto = 6);
	NOMATCH("dst host 10.0.0.1", .proto = 6);
	MATCH("host 192.168.1.2", .proto = 6);            /* src or dst */
	MATCH("src or dst host 10.0.0.1", .proto = 6);
	NOMATCH("src and dst host 10.0.0.1", .proto = 6);
	MATCH("src and dst host 10.0.0.1", .src = "10.0.0.1", .dst = "10.0.0.1");
	MATCH("src 10.0.0.1", .proto = 17);               /* omitted "host" */
	MATCH("10.0.0.1", .proto = 17);
	MATCH("dst net 192.168.0.0/16", .proto = 6);
	MATCH("dst net 192.168/16", .proto = 6);          /* partial prefix */
	MATCH("src net 10/8", .proto = 6);
	NOMATCH("src net 11/8", .proto = 6);
	MATCH("src 10.0.0.0/8", .proto = 6);
	MATCH("net 10.0.0.0 mask 255.0.0.0", .proto = 6);
	MATCH("dst net 192.168.1.0/255.255.255.0", .proto = 6);
	MATCH("src host != 10.0.0.2", .proto = 6);
	NOMATCH("src host != 10.0.0.1", .proto = 6);
	MATCH("src host & 255.0.0.0 10.9.9.9", .proto = 6);
	NOMATCH("src host & 255.255.0.0 10.9.9.9", .proto = 6);
	/* data alone inherits the previous qualifiers */
	MATCH("src net 11/8 or 10/8", .proto = 6);
	NOMATCH("dst net 11/8 or 10/8", .proto = 6);
}

static void
test_protocols(void **state)
{
	(void)state;
	MATCH("tcp", .proto = 6);
	NOMATCH("tcp", .proto = 17);
	MATCH("udp", .proto = 17);
	MATCH("icmp", .proto = 1);
	MATCH("igmp", .proto = 2);
	MATCH("ip proto tcp", .proto = 6);
	MATCH("ip proto 17", .proto = 17);
	MATCH("proto 6 or 17", .proto = 17);
	MATCH("ip proto != tcp", .proto = 17);
	NOMATCH("ip proto != tcp", .proto = 6);
	MATCH("ip proto > 10", .proto = 17);
	NOMATCH("ip proto > 10", .proto = 6);
	MATCH("ip proto tcpudp", .proto = 17);
	NOMATCH("ip proto tcpudp", .proto = 1);
	MATCH("not tcp", .proto = 1);
	MATCH("! tcp", .proto = 1);
	MATCH("!tcp", .proto = 17);
}

static void
test_ports(void **state)
{
	(void)state;
	MATCH("port 80", .proto = 6);
	MATCH("port 80", .proto = 17);
	NOMATCH("port 80", .proto = 1);
	MATCH("tcp port 80", .proto = 6);
	NOMATCH("udp port 80", .proto = 6);
	MATCH("dst port www", .proto = 6);
	MATCH("dst port http", .proto = 6);
	MATCH("www", .proto = 6);                          /* omitted "port" */
	MATCH("src port 1234", .proto = 6);
	NOMATCH("src port 80", .proto = 6);
	MATCH("src or dst port 80", .proto = 6);
	NOMATCH("src and dst port 80", .proto = 6);
	MATCH("dst port ssh", .proto = 6, .dport = 22);
	MATCH("udp dst port dns", .proto = 17, .dport = 53);
	MATCH("udp port domain", .proto = 17, .sport = 53);
	MATCH("src port 80 or 1234", .proto = 6);
	MATCH("dst port > 79", .proto = 6);
	NOMATCH("dst port > 80", .proto = 6);
	MATCH("dst port >= 80", .proto = 6);
	MATCH("dst port <= 80", .proto = 6);
	NOMATCH("dst port < 80", .proto = 6);
	MATCH("dst port < 81", .proto = 6);
	MATCH("dst port != 81", .proto = 6);
	NOMATCH("dst port != 80", .proto = 6);
	/* "!=" needs the protocol, "not" does not */
	NOMATCH("tcp dst port != 81", .proto = 17);
	MATCH("not tcp dst port 81", .proto = 17);
	MATCH("dst port & 0xF0 == 0x50", .proto = 6);     /* 80 = 0x50 */
	MATCH("dst port > 1023", .proto = 6, .dport = 8080);
	NOMATCH("dst port > 1023", .proto = 6, .dport = 1023);
	MATCH("dst port 1024 or dst port > 2000", .proto = 17, .dport = 65535);
	/* non-first fragments never match ports; first fragments do */
	NOMATCH("dst port 80", .proto = 6, .frag = 0x0010);
	MATCH("dst port 80", .proto = 6, .frag = 0x2000);
	MATCH("not dst port 80", .proto = 6, .frag = 0x0010);
	/* options: the transport header follows the IP header length */
	MATCH("dst port 80", .proto = 6, .ihl = 6);
	MATCH("dst port 80", .proto = 6, .ihl = 15, .with_transport = true);
}

static void
test_tcp_fields(void **state)
{
	(void)state;
	MATCH("tcp opt syn", .proto = 6);
	MATCH("syn", .proto = 6);
	NOMATCH("tcp opt ack", .proto = 6);
	MATCH("tcp syn", .proto = 6, .tcp_flags = 0x12);
	MATCH("syn ack", .proto = 6, .tcp_flags = 0x12);   /* juxtaposition */
	MATCH("tcp opt syn && not tcp opt ack", .proto = 6);
	NOMATCH("tcp opt syn && not tcp opt ack", .proto = 6, .tcp_flags = 0x12);
	MATCH("fin or rst", .proto = 6, .tcp_flags = 0x04);
	MATCH("tcp opt psh", .proto = 6, .tcp_flags = 0x18);
	MATCH("tcp opt urg", .proto = 6, .tcp_flags = 0x20);
	NOMATCH("syn", .proto = 17);
	MATCH("tcp win 8192", .proto = 6);
	MATCH("tcp win > 100", .proto = 6);
	NOMATCH("tcp win < 100", .proto = 6);
	MATCH("tcp[13] & 2 != 0", .proto = 6);
	NOMATCH("tcp[13] & 0x10 != 0", .proto = 6);
	MATCH("tcp[2:2] == 80", .proto = 6);
	MATCH("transp[2:2] == 80", .proto = 17);
	MATCH("udp[0:2] 1234", .proto = 17);
	NOMATCH("udp[0:2] 1234", .proto = 6);
}

static void
test_icmp(void **state)
{
	(void)state;
	MATCH("icmp type echo", .proto = 1, .icmp_type = 8);
	MATCH("icmp type echo-reply", .proto = 1, .icmp_type = 0);
	MATCH("echo-reply", .proto = 1, .icmp_type = 0);
	MATCH("icmp type 3", .proto = 1, .icmp_type = 3);
	MATCH("icmp type unreachable", .proto = 1, .icmp_type = 3);
	MATCH("icmp type timeexceeded", .proto = 1, .icmp_type = 11);
	NOMATCH("icmp type echo", .proto = 1, .icmp_type = 0);
	NOMATCH("icmp type echo", .proto = 6);
	MATCH("icmp type != 8", .proto = 1, .icmp_type = 0);
	NOMATCH("icmp type != 8", .proto = 6);
	MATCH("icmp type echo or echo-reply", .proto = 1, .icmp_type = 0);
	MATCH("icmp type > 10", .proto = 1, .icmp_type = 11);
}

static void
test_ip_fields(void **state)
{
	(void)state;
	MATCH("ip vers 4", .proto = 6);
	NOMATCH("ip vers 6", .proto = 6);
	MATCH("ip hl 5", .proto = 6);
	MATCH("ip hl > 5", .proto = 6, .ihl = 6);
	MATCH("ip ttl 64", .proto = 6);
	MATCH("ip ttl > 5", .proto = 6);
	MATCH("ip ttl >= 64", .proto = 6);
	NOMATCH("ip ttl >= 65", .proto = 6);
	MATCH("ip ttl < 2", .proto = 6, .ttl = 1);
	NOMATCH("ip ttl < 2", .proto = 6, .ttl = 2);
	MATCH("ip ttl <= 2", .proto = 6, .ttl = 2);
	MATCH("ttl 64", .proto = 6);
	MATCH("ip tos 0x2e", .proto = 6, .tos = 0x2e);
	MATCH("ip dscp 46", .proto = 6, .tos = 0xb8);
	NOMATCH("ip dscp 46", .proto = 6, .tos = 0xb4);
	MATCH("ip ect", .proto = 6, .tos = 0x02);
	NOMATCH("ip ect", .proto = 6, .tos = 0x00);
	MATCH("ip ce", .proto = 6, .tos = 0x03);
	NOMATCH("ip ce", .proto = 6, .tos = 0x02);
	MATCH("ip len 40", .proto = 6);
	MATCH("ip id 0x1234", .proto = 6);
	MATCH("ip frag", .proto = 6, .frag = 0x2000);      /* MF */
	MATCH("ip frag", .proto = 6, .frag = 0x0001);      /* offset */
	NOMATCH("ip frag", .proto = 6, .frag = 0x4000);    /* DF only */
	MATCH("ip unfrag", .proto = 6, .frag = 0x4000);
	MATCH("unfrag", .proto = 6);
	MATCH("frag", .proto = 6, .frag = 0x2000);
	MATCH("ip[9] == 6", .proto = 6);
	MATCH("ip[8:2] == 0x4006", .proto = 6);
	MATCH("ip[8,9] == 0x4006", .proto = 6);
	MATCH("ip[0] & 0xf0 == 0x40", .proto = 6);
}

static void
test_ether(void **state)
{
	(void)state;
	static const uint8_t mac[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
	MATCH("ether src 00:11:22:33:44:55", .proto = 6, .ether_src = mac);
	MATCH("ether host 00:11:22:33:44:55", .proto = 6, .ether_src = mac);
	NOMATCH("ether dst 00:11:22:33:44:55", .proto = 6, .ether_src = mac);
	MATCH("ether dst 02:00:00:00:00:02", .proto = 6);
	MATCH("ether src 02-00-00-00-00-01", .proto = 6);
	NOMATCH("ether src 00:11:22:33:44:55", .proto = 6);
}

static void
test_connectives(void **state)
{
	(void)state;
	MATCH("true", .proto = 6);
	NOMATCH("false", .proto = 6);
	MATCH("-", .proto = 1);
	MATCH("any", .proto = 1);
	MATCH("all", .proto = 1);
	MATCH("", .proto = 1);
	MATCH("not false", .proto = 6);
	MATCH("tcp and dst port 80", .proto = 6);
	MATCH("tcp && dst port 80", .proto = 6);
	MATCH("tcp dst port 80", .proto = 6);
	MATCH("udp or tcp", .proto = 6);
	MATCH("udp || tcp", .proto = 6);
	MATCH("(udp || tcp) && dst port 80", .proto = 6);
	NOMATCH("!(udp || tcp)", .proto = 6);
	MATCH("not (udp or icmp)", .proto = 6);
	MATCH("udp or tcp and dst port 80", .proto = 17);  /* and binds tighter */
	MATCH("tcp ? dst port 80 : icmp", .proto = 6);
	NOMATCH("tcp ? dst port 81 : icmp", .proto = 6);
	MATCH("tcp ? dst port 81 : icmp", .proto = 1);
	NOMATCH("tcp ? dst port 81 : icmp", .proto = 17);
	MATCH("tcp ? false : udp ? true : false", .proto = 17);
	MATCH("((((tcp))))", .proto = 6);
}

/* Packets without the IP header annotation, or cut short, fail every test
 * that needs a field; negated ones match. */
static void
test_short_and_unmarked(void **state)
{
	(void)state;
	NOMATCH("tcp", .proto = 6, .no_net = true);
	MATCH("not tcp", .proto = 6, .no_net = true);
	MATCH("-", .proto = 6, .no_net = true);
	NOMATCH("dst port 80", .proto = 6, .truncate = 21);
	MATCH("tcp", .proto = 6, .truncate = 20);
	NOMATCH("src host 10.0.0.1", .proto = 6, .truncate = 15);
	NOMATCH("tcp opt syn", .proto = 6, .truncate = 33);
	MATCH("tcp opt syn", .proto = 6, .truncate = 34);
	NOMATCH("ip[20] == 0", .proto = 6, .truncate = 20);
	MATCH("ip[19] == 2", .proto = 6, .truncate = 20);
	MATCH("not tcp opt syn", .proto = 6, .truncate = 33);
}

/* ---- several patterns and IPFilter ------------------------------------------------------ */

static void
test_first_match_wins(void **state)
{
	(void)state;
	const char *pats[] = { "tcp opt syn", "tcp", "udp port 53", "-" };
	struct weir_cls_program *prog = compile_ok(4, pats, false, 4);
	struct pkt_spec syn = { .proto = 6 }, ack = { .proto = 6, .tcp_flags = 0x10 };
	struct pkt_spec dns = { .proto = 17, .dport = 53 }, icmp = { .proto = 1 };
	assert_int_equal(port_of(prog, make_pkt(&syn)), 0);
	assert_int_equal(port_of(prog, make_pkt(&ack)), 1);
	assert_int_equal(port_of(prog, make_pkt(&dns)), 2);
	assert_int_equal(port_of(prog, make_pkt(&icmp)), 3);
	weir_cls_program_free(prog);

	const char *pats2[] = { "tcp", "udp" };
	prog = compile_ok(2, pats2, false, 2);
	assert_int_equal(port_of(prog, make_pkt(&icmp)), WEIR_CLS_DROP);
	weir_cls_program_free(prog);
}

static void
test_ipfilter_actions(void **state)
{
	(void)state;
	const char *rules[] = { "allow udp && dst port 53", "deny src net 8.8.8.0/24",
				"1 tcp && dst port 80 or dst port 443", "2 icmp type echo",
				"drop dst host 255.255.255.255", "3" };
	struct weir_strbuf sb = WEIR_STRBUF_INIT;
	struct weir_cls_program *prog = NULL;
	assert_int_equal(compile(6, rules, true, 4, &prog, &sb), 0);
	/* "deny" on a multi-output element draws Click's compatibility warning */
	assert_non_null(strstr(weir_strbuf_str(&sb), "meaning of 'deny' has changed"));
	weir_strbuf_free(&sb);
	struct pkt_spec dns = { .proto = 17, .dport = 53, .src = "8.8.8.8" };
	struct pkt_spec google = { .proto = 6, .src = "8.8.8.8" };
	struct pkt_spec web = { .proto = 6, .dport = 443 };
	struct pkt_spec ping = { .proto = 1, .icmp_type = 8 };
	struct pkt_spec bcast = { .proto = 17, .dst = "255.255.255.255", .dport = 9 };
	struct pkt_spec other = { .proto = 17, .dport = 9 };
	assert_int_equal(port_of(prog, make_pkt(&dns)), 0);
	assert_int_equal(port_of(prog, make_pkt(&google)), WEIR_CLS_DROP);
	assert_int_equal(port_of(prog, make_pkt(&web)), 1);
	assert_int_equal(port_of(prog, make_pkt(&ping)), 2);
	assert_int_equal(port_of(prog, make_pkt(&bcast)), WEIR_CLS_DROP);
	assert_int_equal(port_of(prog, make_pkt(&other)), 3);
	weir_cls_program_free(prog);

	/* no match: dropped; "deny" on one output: no warning */
	const char *r2[] = { "allow tcp", "deny udp" };
	prog = compile_ok(2, r2, true, 1);
	assert_int_equal(port_of(prog, make_pkt(&ping)), WEIR_CLS_DROP);
	assert_int_equal(port_of(prog, make_pkt(&web)), 0);
	weir_cls_program_free(prog);
	const char *r3[] = { "allow -", "0 any" };
	struct weir_strbuf w = WEIR_STRBUF_INIT;
	assert_int_equal(compile(2, r3, true, 1, &prog, &w), 0);
	assert_non_null(strstr(weir_strbuf_str(&w), "pattern 1 can never match"));
	weir_strbuf_free(&w);
	assert_int_equal(port_of(prog, make_pkt(&ping)), 0);
	weir_cls_program_free(prog);
}

static void
test_unreachable_warning(void **state)
{
	(void)state;
	const char *pats[] = { "tcp", "tcp opt syn", "src port www and src port ftp", "-" };
	struct weir_strbuf sb = WEIR_STRBUF_INIT;
	struct weir_cls_program *prog = NULL;
	assert_int_equal(compile(4, pats, false, 4, &prog, &sb), 0);
	const char *m = weir_strbuf_str(&sb);
	assert_non_null(strstr(m, "pattern 1 can never match"));
	assert_non_null(strstr(m, "pattern 2 can never match"));
	assert_null(strstr(m, "pattern 3 "));
	weir_strbuf_free(&sb);
	weir_cls_program_free(prog);
}

/* ---- program dumps ------------------------------------------------------------------- */

static char *
dump_of(const char *expr)
{
	const char *pats[1] = { expr };
	struct weir_cls_program *prog = compile_ok(1, pats, false, 1);
	struct weir_strbuf sb = WEIR_STRBUF_INIT;
	weir_cls_program_dump(prog, &sb);
	weir_cls_program_free(prog);
	return weir_strbuf_detach(&sb);
}

static void
check_dump(const char *expr, const char *want)
{
	char *got = dump_of(expr);
	if (strcmp(got, want) != 0)
		fail_msg("dump of '%s':\n%s\nwanted:\n%s", expr, got, want);
	free(got);
}

static void
test_program_dump(void **state)
{
	(void)state;
	check_dump("tcp",
		   " 0 net+8/00060000%00ff0000  yes->[0]  no->[X]\n"
		   "safe length 0\n"
		   "alignment offset 0\n");
	check_dump("src host 10.0.0.1",
		   " 0 net+12/0a000001%ffffffff  yes->[0]  no->[X]\n"
		   "safe length 0\n"
		   "alignment offset 0\n");
	check_dump("-",
		   "all->[0]\n"
		   "safe length 0\n"
		   "alignment offset 0\n");
	check_dump("tcp dst port 80",
		   " 0 net+8/00060000%00ff0000  yes->step 1  no->[X]\n"
		   " 1 net+4/00000000%00001fff  yes->step 2  no->[X]\n"
		   " 2 tr+0/00000050%0000ffff  yes->[0]  no->[X]\n"
		   "safe length 0\n"
		   "alignment offset 0\n");
}

/* ---- errors ----------------------------------------------------------------------------- */

static void
check_error(const char *pat, bool actions, const char *want)
{
	char *msg = compile_err(pat, actions, 2);
	if (!strstr(msg, want))
		fail_msg("error for '%s' is '%s', wanted '%s'", pat, msg, want);
	free(msg);
}

static void
test_errors(void **state)
{
	(void)state;
	check_error("tcp or", false,
		    "pattern 0: column 7: expected an expression after 'or', got end of pattern");
	check_error("tcp and", false,
		    "pattern 0: column 8: expected an expression after 'and', got end of pattern");
	check_error("(tcp or udp", false, "column 12: expected ')' to match the '(' at column 1");
	check_error("tcp )", false, "column 5: garbage after expression at ')'");
	check_error("host www", false, "column 6: 'www' is meaningless here");
	check_error("echo", false,
		    "column 1: 'echo' is ambiguous here; try 'port echo', 'icmp type echo'");
	check_error("80", false, "column 1: specify header field or 'port'");
	check_error("src", false, "column 1: partial directive");
	check_error("ip ttl 300", false, "column 1: 'ip ttl': value 300 out of range, bound 255");
	check_error("dst port > ", false,
		    "column 12: expected a value after '>', got end of pattern");
	check_error("dst port", false, "column 1: 'port': value missing");
	check_error("src host 10.0.0.300", false,
		    "column 10: 'host': value missing (expected an IP address, got '10.0.0.300')");
	check_error("tcp opt != syn", false, "'tcp opt': operator or mask not supported");
	check_error("src host > 10.0.0.1", false, "'host': operator or mask not supported");
	check_error("udp opt syn", false, "column 9: 'syn' is meaningless here; try 'tcp opt syn'");
	check_error("icmp port 80", false, "'port': bad protocol 1");
	check_error("ip[1:5] 3", false, "column 4: LEN in '[POS:LEN]' out of range");
	check_error("ip[3:2] 3", false, "field [3:2] does not fit in a single word");
	check_error("ip[x] 3", false, "column 4: syntax error after '['");
	check_error("ip[2 3", false, "missing ']'");
	check_error("tcp ? udp", false, "column 10: expected ':' for the '?' at column 5");
	check_error("ip ttl & 0 == 1", false, "column 10: zero mask");
	check_error("ip ttl & 0x100 == 1", false, "mask out of range");
	check_error("src dst host 1.2.3.4", false, "column 5: 'src' or 'dst' specified twice");
	check_error("host net 1.2.3.4", false, "column 6: type specified twice");
	check_error("tcp == ", false, "column 8: expected a value after '==', got end of pattern");
	check_error("not", false, "column 4: expected an expression after 'not'");
	check_error("dst port == foo", false, "column 13: expected a value after '==', got 'foo'");
	check_error("and tcp", false, "column 1: expected an expression, got 'and'");
	check_error("ether host 1.2.3.4", false, "'ether host': value missing");
	/* an error after an always-false primitive is still an error */
	check_error("ip ttl < 0 [", false, "column 12: expected a primitive, got '['");
	check_error("false and [", false, "column 11: expected a primitive, got '['");
	/* IPFilter actions */
	check_error("5 tcp", true, "pattern 0: column 1: slot '5' out of range");
	check_error("accept tcp", true, "column 1: unknown slot ID 'accept'");
	check_error("", true, "empty pattern 0");
	check_error("allow tcp and", true, "column 14: expected an expression after 'and'");
}

static void
test_deep_nesting_is_an_error(void **state)
{
	(void)state;
	char pat[4096];
	size_t n = 0;
	for (int i = 0; i < 1000; i++)
		pat[n++] = '(';
	memcpy(pat + n, "tcp", 3);
	n += 3;
	for (int i = 0; i < 1000; i++)
		pat[n++] = ')';
	pat[n] = 0;
	char *msg = compile_err(pat, false, 1);
	assert_non_null(strstr(msg, "nested too deeply"));
	free(msg);
	/* a long run of "not" is no recursion at all */
	static char nots[200005];
	n = 0;
	for (int i = 0; i < 50000; i++) {
		memcpy(nots + n, "not ", 4);
		n += 4;
	}
	memcpy(nots + n, "tcp", 4);
	MATCH(nots, .proto = 6);          /* an even number of "not" */
	NOMATCH(nots + 4, .proto = 6);
}

static void
test_warnings(void **state)
{
	(void)state;
	const char *pats[1] = { "tcp win > 70000" };
	struct weir_strbuf sb = WEIR_STRBUF_INIT;
	struct weir_cls_program *prog = NULL;
	assert_int_equal(compile(1, pats, false, 1, &prog, &sb), 0);
	assert_non_null(strstr(weir_strbuf_str(&sb), "relation '> 70000' is always false"));
	weir_strbuf_free(&sb);
	struct pkt_spec tcp = { .proto = 6 };
	assert_int_equal(port_of(prog, make_pkt(&tcp)), WEIR_CLS_DROP);
	weir_cls_program_free(prog);
}

static uint32_t rnd_state = 12345;

static uint32_t
rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 8;
}

/* A large rule set of the shape of bench/anchors' p4 configurations: chains
 * of src nets, dst prefixes of mixed lengths, UDP ports and net && port
 * ranges. Random packets aimed at the rules get the same port with and
 * without the chain lookups, and the lookups give the first matching rule. */
static void
test_chain_lookup_equivalence(void **state)
{
	(void)state;
	static char rules[140][80];
	char *pats[140];
	int n = 0;
	for (int i = 0; i < 30; i++, n++)
		snprintf(rules[n], sizeof(rules[n]), "%d src net 10.%d.0.0/16", n % 3, i * 7 % 256);
	for (int i = 0; i < 30; i++, n++)
		snprintf(rules[n], sizeof(rules[n]), "%d dst net %d.%d.%d.0/%d", n % 3, 20 + i,
			 i * 3 % 256, i * 5 % 256, 16 + i % 9);
	for (int i = 0; i < 20; i++, n++)
		snprintf(rules[n], sizeof(rules[n]), "%d udp dst port %d", n % 3, 1000 + i * 37);
	for (int i = 0; i < 20; i++, n++)
		snprintf(rules[n], sizeof(rules[n]), "%d src net 11.%d.0.0/16 && udp src port > %d",
			 n % 3, i, 20000 + i * 1000);
	/* source and destination ports interleaved: no mask bits in common, so
	 * one table per mask */
	for (int i = 0; i < 12; i++, n++)
		snprintf(rules[n], sizeof(rules[n]), "%d tcp %s port %d", n % 3,
			 i % 2 ? "src" : "dst", 1000 + (i / 2) * 37);
	snprintf(rules[n++], sizeof(rules[0]), "2 tcp opt syn");
	for (int i = 0; i < n; i++)
		pats[i] = rules[i];
	struct weir_cls_program *prog = compile_warn(n, (const char *const *)pats, true, 3, true);
	char src[32], dst[32];
	for (int k = 0; k < 3000; k++) {
		uint32_t r = rnd();
		snprintf(src, sizeof(src), "%u.%u.%u.%u", r % 3 ? 10 + (r >> 2) % 2 : rnd() % 256,
			 r % 5 ? (rnd() % 40) * 7 % 256 : rnd() % 256, rnd() % 256, rnd() % 256);
		unsigned di = rnd() % 32;
		snprintf(dst, sizeof(dst), "%u.%u.%u.%u", 20 + di, di * 3 % 256,
			 rnd() % 2 ? di * 5 % 256 : rnd() % 256, rnd() % 256);
		struct pkt_spec sp = {
			.src = src, .dst = dst, .proto = rnd() % 2 ? 17 : 6,
			.sport = (uint16_t)(rnd() % 2 ? 15000 + rnd() % 30000 : rnd()),
			.dport = (uint16_t)(rnd() % 2 ? 1000 + (rnd() % 25) * 37 : rnd()),
			.tcp_flags = (uint8_t)(rnd() % 2 ? 0x02 : 0x10),
			.truncate = rnd() % 10 == 0 ? rnd() % 40 : 0,
		};
		port_of(prog, make_pkt(&sp)); /* asserts agreement */
	}
	/* first match: 10.0.0.0/16 is rule 0 (port 0) */
	struct pkt_spec first = { .src = "10.0.3.4", .dst = "20.0.0.1", .proto = 17 };
	assert_int_equal(port_of(prog, make_pkt(&first)), 0);
	struct pkt_spec none = { .src = "12.0.3.4", .dst = "1.0.0.1", .proto = 6,
				 .tcp_flags = 0x10 };
	assert_int_equal(port_of(prog, make_pkt(&none)), WEIR_CLS_DROP);
	struct pkt_spec port = { .src = "12.0.3.4", .dst = "1.0.0.1", .proto = 17,
				 .dport = 1000 + 37 * 4 };
	assert_int_equal(port_of(prog, make_pkt(&port)), (60 + 4) % 3);
	weir_cls_program_free(prog);
}

/* Random word salad from the language's vocabulary: compiling never crashes
 * or leaks (run under ASan), errors are reported with a column, and what
 * compiles classifies short and full packets without reading out of bounds. */
static void
test_random_patterns(void **state)
{
	(void)state;
	static const char *const words[] = {
		"src", "dst", "and", "or", "not", "!", "&&", "||", "(", ")", "?", ":", "host",
		"net", "port", "proto", "tcp", "udp", "icmp", "ip", "ether", "opt", "syn", "ack",
		"type", "echo", "echo-reply", "www", "80", "0x1f", "300", "10.0.0.1", "10/8",
		"1.2.3.0/24", "00:11:22:33:44:55", "==", "!=", "<", ">", "<=", ">=", "&", "[",
		"]", "9", "2:2", ",", "transp", "frag", "unfrag", "ttl", "tos", "dscp", "ect",
		"ce", "vers", "hl", "len", "id", "win", "true", "false", "-", "mask", "255.0.0.0",
		"any", "all", "x", "", "65535", "4294967295", "99999999999",
	};
	const size_t nw = sizeof(words) / sizeof(words[0]);
	struct pkt_spec specs[] = {
		{ .proto = 6 }, { .proto = 17, .truncate = 22 }, { .proto = 1, .truncate = 3 },
		{ .proto = 6, .no_net = true }, { .proto = 6, .ihl = 15, .truncate = 30 },
	};
	int compiled = 0;
	for (int k = 0; k < 3000; k++) {
		char pat[256];
		size_t len = 0;
		int nwords = (int)(rnd() % 8) + 1;
		for (int i = 0; i < nwords; i++) {
			const char *w = words[rnd() % nw];
			int r = snprintf(pat + len, sizeof(pat) - len, "%s%s", i ? " " : "", w);
			len += (size_t)r;
		}
		const char *pats[2] = { pat, "-" };
		struct weir_strbuf sb = WEIR_STRBUF_INIT;
		struct weir_cls_program *prog = NULL;
		int r = compile(2, pats, false, 2, &prog, &sb);
		if (r < 0) {
			assert_null(prog);
			assert_non_null(strstr(weir_strbuf_str(&sb), "pattern 0: "));
		} else {
			compiled++;
			for (size_t j = 0; j < sizeof(specs) / sizeof(specs[0]); j++) {
				uint8_t port = port_of(prog, make_pkt(&specs[j]));
				assert_true(port == 0 || port == 1);
			}
			weir_cls_program_free(prog);
		}
		weir_strbuf_free(&sb);
	}
	assert_true(compiled > 100); /* the salad is not all errors */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hosts_and_nets),
		cmocka_unit_test(test_protocols),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_tcp_fields),
		cmocka_unit_test(test_icmp),
		cmocka_unit_test(test_ip_fields),
		cmocka_unit_test(test_ether),
		cmocka_unit_test(test_connectives),
		cmocka_unit_test(test_short_and_unmarked),
		cmocka_unit_test(test_first_match_wins),
		cmocka_unit_test(test_ipfilter_actions),
		cmocka_unit_test(test_unreachable_warning),
		cmocka_unit_test(test_program_dump),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_deep_nesting_is_an_error),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_chain_lookup_equivalence),
		cmocka_unit_test(test_random_patterns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
