/* classifier.h - the classifier compiler shared by Classifier, IPClassifier and IPFilter. */
#ifndef WEIR_CLASSIFIER_H
#define WEIR_CLASSIFIER_H

#include "weir/common.h"
#include "weir/error.h"
#include "weir/packet.h"
#include "weir/strbuf.h"

/*
 * One compiler for every pattern-matching classifier.
 *
 * 1. A front end (Classifier's OFFSET/VALUE%MASK patterns here; IPClassifier
 *    and IPFilter expressions later) builds one boolean expression per rule
 *    with a struct weir_cls_builder: word tests, length tests, NOT, AND, OR.
 * 2. weir_cls_compile() turns the rules into a decision DAG of word tests,
 *    `(load32(base + offset) & mask) == value`, where the first matching rule
 *    wins. Identical subtrees are merged (hash-consing), tests already decided
 *    on the path are removed (a packet known to be ARP is not tested for IPv4),
 *    and the rules that can never match are reported.
 * 3. weir_cls_classify() walks the program for a batch of packets, writing one
 *    output port per packet; weir_cls_program_dump() prints it the way Click's
 *    `program` handler does.
 *
 * Packets too short for a word test take its "no" branch (Click: a pattern
 * that reads past the end of the packet does not match; so a negated clause
 * does match a short packet). A test needs only the bytes its mask covers:
 * 12/0800 matches a 14-byte packet. Nothing is ever read past the end of the
 * data. Front ends that want "short means fail" under a NOT can AND the test
 * with a length test.
 *
 * Limits: offsets up to WEIR_CLS_MAX_OFFSET, at most WEIR_CLS_MAX_NODES tests
 * in a program, expressions nested at most WEIR_CLS_MAX_DEPTH deep. Building
 * and compiling use no recursion deeper than the expression nesting, so a
 * hostile configuration cannot exhaust the stack.
 */

/* Where a test's offset is counted from. */
enum weir_cls_base {
	WEIR_CLS_BASE_DATA = 0,      /* start of the packet data */
	WEIR_CLS_BASE_NETWORK = 1,   /* network header annotation (unset: 0 bytes available) */
	WEIR_CLS_BASE_TRANSPORT = 2, /* transport header annotation (unset: 0 bytes available) */
	WEIR_CLS_NBASES = 3,
};

#define WEIR_CLS_MAX_OFFSET 65535
#define WEIR_CLS_MAX_NODES 65536
#define WEIR_CLS_MAX_DEPTH 256
/* Port value for "drop" in rule ports and in classify output (same as WEIR_PORT_DROP). */
#define WEIR_CLS_DROP 0xFF

/* ---- expressions ------------------------------------------------------------ */

/*
 * Expressions live in a builder and are named by non-negative ids. Every
 * constructor returns an id, or a negative errno (-ENOMEM, -E2BIG when a
 * limit is hit, -EINVAL on a bad argument); a constructor given a negative id
 * returns it unchanged, so errors propagate through nested calls and need
 * checking only once at the end.
 */
struct weir_cls_builder;

struct weir_cls_builder *weir_cls_builder_new(void);
void weir_cls_builder_free(struct weir_cls_builder *b);

/* Constants. */
int weir_cls_true(struct weir_cls_builder *b);
int weir_cls_false(struct weir_cls_builder *b);
/*
 * (load32(base + offset) & mask) == value, with mask and value in memory
 * order (the uint32 holding the 4 bytes as they are in the packet; build them
 * with memcpy). value bits outside mask are ignored. A zero mask is "true".
 * offset must be <= WEIR_CLS_MAX_OFFSET.
 */
int weir_cls_word(struct weir_cls_builder *b, enum weir_cls_base base, uint32_t offset,
		  uint32_t mask, uint32_t value);
/*
 * The AND of word tests matching len bytes at base + offset against value
 * under mask (mask NULL: all ones), split on 4-byte boundaries of the offset
 * (so tests from different clauses on the same word can merge). len 0 is
 * "true"; offset + len - 1 must be <= WEIR_CLS_MAX_OFFSET.
 */
int weir_cls_bytes(struct weir_cls_builder *b, enum weir_cls_base base, uint32_t offset,
		   const uint8_t *value, const uint8_t *mask, size_t len);
/*
 * lo <= FIELD <= hi for the big-endian unsigned field of `size` bytes (1-4)
 * at base + offset ("ip ttl > 5", "dst port 1024-65535"): an OR of masked
 * prefix tests (at most 2 * 8 * size of them). lo > hi is "false"; a packet
 * too short for the field does not match.
 */
int weir_cls_field_range(struct weir_cls_builder *b, enum weir_cls_base base, uint32_t offset,
			 unsigned size, uint32_t lo, uint32_t hi);
/* True when at least n bytes are available from base (n <= WEIR_CLS_MAX_OFFSET + 4). */
int weir_cls_len_ge(struct weir_cls_builder *b, enum weir_cls_base base, uint32_t n);
int weir_cls_not(struct weir_cls_builder *b, int e);
/* n-ary AND / OR (n == 0: true / false). Word tests of one AND on the same
 * word are merged into one test. */
int weir_cls_and(struct weir_cls_builder *b, const int *es, int n);
int weir_cls_or(struct weir_cls_builder *b, const int *es, int n);
int weir_cls_and2(struct weir_cls_builder *b, int x, int y);
int weir_cls_or2(struct weir_cls_builder *b, int x, int y);

/* ---- programs ---------------------------------------------------------------- */

/*
 * One compiled test. next[k] >= 0 is the index of the next test, next[k] < 0
 * is the terminal ~port (WEIR_CLS_DROP included). A packet takes next[1]
 * when it has at least `req` bytes from the base and its word matches, else
 * next[0]. `need` is max(req, offset + 4): with that many bytes the word is
 * loaded directly, so the common case costs one length compare.
 */
struct weir_cls_insn {
	uint32_t mask;
	uint32_t value;
	uint16_t offset;
	uint8_t base;
	uint8_t pad;
	uint32_t req;
	uint32_t need;
	int32_t next[2]; /* [0] no, [1] yes */
	uint32_t pad2;
};

struct weir_cls_program {
	struct weir_cls_insn *insn; /* insn[0] is the start; NULL when ninsn is 0 */
	uint32_t ninsn;
	uint8_t all_port;     /* the port of every packet when ninsn is 0 */
	uint8_t bases_used;   /* bit per enum weir_cls_base */
	uint32_t safe_length; /* max req over the tests on the data base */
};

struct weir_cls_rule {
	int expr;     /* expression id; the first rule whose expression holds wins */
	uint8_t port; /* output port, or WEIR_CLS_DROP */
};

/*
 * Compile rules (tried in order; no match: default_port) into *out.
 * reachable (may be NULL) receives, per rule, whether some packet can reach
 * it; the front end warns about the others in its own words. The builder
 * stays valid and may be freed afterwards. Returns 0, or a negative errno
 * with an error reported through errh (bad expression id, too many tests).
 */
int weir_cls_compile(struct weir_cls_builder *b, const struct weir_cls_rule *rules, int nrules,
		     uint8_t default_port, bool *reachable, struct weir_cls_program **out,
		     struct weir_errh *errh);
void weir_cls_program_free(struct weir_cls_program *prog);

/*
 * Writes the program, Click style: one line per test
 *   " 0  12/08060000%ffff0000  yes->step 1  no->step 3"
 * ("[N]" is output N, "[X]" drop; offsets on the network or transport header
 * print as "net+9/", "tr+0/"; length tests as "len>=20" / "net len>=20"),
 * then "safe length N" and "alignment offset 0".
 */
void weir_cls_program_dump(const struct weir_cls_program *prog, struct weir_strbuf *out);

/* ---- running ------------------------------------------------------------------- */

/* Slow path of weir_cls_match: the packet has fewer than `need` bytes. */
bool weir_cls_test_short(const struct weir_cls_insn *in, const uint8_t *base, uint32_t avail);

/* Port for one packet whose data (base WEIR_CLS_BASE_DATA) is data/len. */
static inline uint8_t
weir_cls_match_data(const struct weir_cls_program *prog, const uint8_t *data, uint32_t len)
{
	const struct weir_cls_insn *insn = prog->insn;
	int32_t pos = 0;
	if (weir_unlikely(prog->ninsn == 0))
		return prog->all_port;
	do {
		const struct weir_cls_insn *in = &insn[pos];
		bool yes;
		if (weir_likely(len >= in->need)) {
			uint32_t w;
			memcpy(&w, data + in->offset, 4);
			yes = (w & in->mask) == in->value;
		} else {
			yes = weir_cls_test_short(in, data, len);
		}
		pos = in->next[yes];
	} while (pos >= 0);
	return (uint8_t)~pos;
}

/* Port for any packet (all bases). */
uint8_t weir_cls_match(const struct weir_cls_program *prog, const struct weir_packet *p);

/* Classify n packets, writing ports[i] for pkts[i]. */
void weir_cls_classify(const struct weir_cls_program *prog, struct weir_packet *const *pkts,
		       uint32_t n, uint8_t *ports);

/* ---- Click's Classifier patterns ------------------------------------------------ */

/*
 * Parse Click Classifier patterns (one per output, "12/0806 20/0001",
 * "!0/01%01", "-") and compile them: pattern i goes to port i, no match is
 * dropped. Errors name the pattern by its index, which is its output port
 * ("pattern 2: expected OFFSET/VALUE[%MASK], got 'x'"); patterns that can
 * never match are warned about ("pattern 3 can never match"). Returns 0 or a
 * negative errno.
 */
int weir_cls_compile_classifier(int npatterns, char *const *patterns,
				struct weir_cls_program **out, struct weir_errh *errh);

/* ---- Click's IPClassifier / IPFilter expressions (ipexpr.c, ipexec.c) ----------- */

/*
 * Parse one IPClassifier expression (Click's tcpdump-like language: "tcp
 * dst port www and not src net 10/8", "icmp type echo", "ip[9] == 17", ...)
 * into b. IP header tests use WEIR_CLS_BASE_NETWORK, transport header tests
 * WEIR_CLS_BASE_TRANSPORT, and Ethernet address tests ("ether host")
 * WEIR_CLS_BASE_DATA, which weir_cls_classify_ip() maps to the MAC header
 * annotation. Errors name the pattern and the column ("pattern 2: column 7:
 * ..."). The empty expression, "-", "any" and "all" match every packet.
 * Returns the expression id, or a negative errno after reporting.
 */
int weir_cls_parse_ip(struct weir_cls_builder *b, const char *text, int pattern,
		      struct weir_errh *errh);

/*
 * Parse and compile IPClassifier patterns (actions false: pattern i goes to
 * port i) or IPFilter rules (actions true: "ACTION PATTERN" with ACTION
 * allow = 0, deny, drop or an output number < noutputs). No match: drop.
 * Rules that can never match are warned about. Returns 0 or a negative errno.
 */
int weir_cls_compile_ip(int nrules, char *const *rules, bool actions, int noutputs,
			struct weir_cls_program **out, struct weir_errh *errh);

/*
 * Lookup tables for a program: each "no" chain of 3 or more tests on one
 * word (the rules "src net A", "src net B", ...) becomes one hash lookup per
 * distinct mask. *out is NULL for an empty program. Returns 0 or -ENOMEM.
 */
struct weir_cls_accel;
int weir_cls_accel_build(const struct weir_cls_program *prog, struct weir_cls_accel **out);
void weir_cls_accel_free(struct weir_cls_accel *a);

/* Classify n packets with a program from weir_cls_compile_ip() (a from
 * weir_cls_accel_build(), or NULL to walk every test): the bases are the
 * MAC, network and transport header annotations (the transport header from
 * the IP header length when only the network one is set). */
void weir_cls_classify_ip(const struct weir_cls_program *prog, const struct weir_cls_accel *a,
			  struct weir_packet *const *pkts, uint32_t n, uint8_t *ports);

#endif
