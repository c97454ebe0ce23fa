/* ipexpr_priv.h - shared between the IPClassifier expression tokenizer and parser. */
#ifndef WEIR_IPEXPR_PRIV_H
#define WEIR_IPEXPR_PRIV_H

#include <stdio.h>
#include "weir/classifier.h"

struct ipx_tok {
	const char *s; /* into the pattern text, not NUL-terminated */
	uint32_t len;
	uint32_t col; /* 1-based column in the pattern text */
};

/* Primitive types (the words "host", "port", ...) and data kinds. */
enum {
	IPX_NONE = 0,
	IPX_INT,     /* data: a number */
	IPX_HOST,
	IPX_NET,
	IPX_ETHER,
	IPX_PROTO,
	IPX_PORT,
	IPX_TCPOPT,
	IPX_FRAG,
	IPX_UNFRAG,
	IPX_ECT,
	IPX_CE,
	IPX_FIELD,   /* a header field (struct ipx_field) */
	/* named fields: the type words, turned into IPX_FIELD */
	IPX_F_VERS,
	IPX_F_HL,
	IPX_F_TOS,
	IPX_F_DSCP,
	IPX_F_TTL,
	IPX_F_LEN,
	IPX_F_ID,
	IPX_F_WIN,
	IPX_F_ICMPTYPE,
	/* lookup failures */
	IPX_AMBIGUOUS = -2,
	IPX_MEANINGLESS = -3,
};

#define IPX_PROTO_UNKNOWN (-1)
#define IPX_PROTO_TCPUDP 256
#define IPX_PROTO_TRANSP 257

int ipx_tokenize(const char *text, struct ipx_tok **out, int *nout);
bool ipx_tok_is(const struct ipx_tok *t, const char *w);
bool ipx_type_word(const struct ipx_tok *t, int *type);
bool ipx_syntax_word(const struct ipx_tok *t);
/* Named data (protocol, port, TCP flag, ICMP type) valid for type/proto:
 * its kind (IPX_PROTO, IPX_PORT, IPX_TCPOPT, IPX_F_ICMPTYPE) and *val;
 * IPX_NONE when the word names nothing; IPX_AMBIGUOUS / IPX_MEANINGLESS
 * with the possible readings in why. */
int ipx_lookup_data(const struct ipx_tok *t, int type, int proto, uint32_t *val, char *why,
		    size_t whysz);
bool ipx_parse_uint(const struct ipx_tok *t, uint32_t *v);
bool ipx_parse_uint_n(const char *s, size_t n, uint32_t *v);
bool ipx_parse_ip(const struct ipx_tok *t, uint32_t *addr);
bool ipx_parse_prefix(const struct ipx_tok *t, uint32_t *addr, uint32_t *mask);
bool ipx_parse_ether(const struct ipx_tok *t, uint8_t mac[6]);

#endif
