/* route_table.c - route list, exact-match hash, route syntax and the
 * algorithm-independent add/remove/lookup of the IP route tables. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "weir/args.h"
#include "weir/ip.h"
#include "iproute_priv.h"

/* ---- hash ----------------------------------------------------------------------- */

static inline uint64_t
hkey(uint32_t addr_host, unsigned len)
{
	return (((uint64_t)addr_host << 6) | len) + 1;
}

static inline uint32_t
hslot(const struct iproute_hash *h, uint64_t k)
{
	return (uint32_t)((k * 0x9E3779B97F4A7C15ull) >> 32) & (h->cap - 1);
}

int
iproute_hash_init(struct iproute_hash *h, uint32_t cap)
{
	h->keys = calloc(cap, sizeof(*h->keys));
	h->vals = calloc(cap, sizeof(*h->vals));
	if (!h->keys || !h->vals) {
		free(h->keys);
		free(h->vals);
		h->keys = NULL;
		h->vals = NULL;
		return -ENOMEM;
	}
	h->cap = cap;
	h->n = 0;
	return 0;
}

void
iproute_hash_free(struct iproute_hash *h)
{
	free(h->keys);
	free(h->vals);
	memset(h, 0, sizeof(*h));
}

int64_t
iproute_hash_find(const struct iproute_hash *h, uint64_t k)
{
	for (uint32_t i = hslot(h, k);; i = (i + 1) & (h->cap - 1)) {
		if (h->keys[i] == k)
			return h->vals[i];
		if (!h->keys[i])
			return -1;
	}
}

void
iproute_hash_put_nogrow(struct iproute_hash *h, uint64_t k, uint32_t v)
{
	uint32_t i = hslot(h, k);
	while (h->keys[i] && h->keys[i] != k)
		i = (i + 1) & (h->cap - 1);
	if (!h->keys[i])
		h->n++;
	h->keys[i] = k;
	h->vals[i] = v;
}

/* Makes room for one more key (load kept at most 1/2). */
int
iproute_hash_reserve(struct iproute_hash *h)
{
	if ((h->n + 1) * 2 <= h->cap)
		return 0;
	struct iproute_hash nh;
	if (iproute_hash_init(&nh, h->cap * 2) < 0)
		return -ENOMEM;
	for (uint32_t i = 0; i < h->cap; i++)
		if (h->keys[i])
			iproute_hash_put_nogrow(&nh, h->keys[i], h->vals[i]);
	iproute_hash_free(h);
	*h = nh;
	return 0;
}

/* Linear-probing deletion by backward shift. */
void
iproute_hash_del(struct iproute_hash *h, uint64_t k)
{
	uint32_t m = h->cap - 1, i = hslot(h, k);
	while (h->keys[i] != k) {
		if (!h->keys[i])
			return;
		i = (i + 1) & m;
	}
	h->n--;
	for (uint32_t j = (i + 1) & m; h->keys[j]; j = (j + 1) & m) {
		uint32_t home = hslot(h, h->keys[j]);
		/* move j into the hole at i when its home is not in (i, j] */
		if (((j - home) & m) >= ((j - i) & m)) {
			h->keys[i] = h->keys[j];
			h->vals[i] = h->vals[j];
			i = j;
		}
	}
	h->keys[i] = 0;
}

/* ---- route list ------------------------------------------------------------------ */

static inline unsigned
route_len(const struct iproute_route *r)
{
	return (unsigned)__builtin_popcount(r->mask);
}

static int
rlist_init(struct iproute_rlist *rl, bool lifo)
{
	memset(rl, 0, sizeof(*rl));
	rl->lifo = lifo;
	return iproute_hash_init(&rl->hash, 64);
}

static void
rlist_free(struct iproute_rlist *rl)
{
	free(rl->routes);
	free(rl->freestack);
	iproute_hash_free(&rl->hash);
	memset(rl, 0, sizeof(*rl));
}

static void
rlist_recompute_lens(struct iproute_rlist *rl)
{
	rl->nlens = 0;
	for (int l = 32; l >= 0; l--)
		if (rl->lencount[l])
			rl->lens[rl->nlens++] = (uint8_t)l;
}

/* Ensures a slot and a hash entry can be taken without failing. */
static int
rlist_reserve(struct iproute_rlist *rl)
{
	if (iproute_hash_reserve(&rl->hash) < 0)
		return -ENOMEM;
	if (rl->nfree || rl->nslots < rl->cap)
		return 0;
	uint32_t ncap = rl->cap ? rl->cap * 2 : 64;
	struct iproute_route *nr = realloc(rl->routes, ncap * sizeof(*nr));
	if (!nr)
		return -ENOMEM;
	rl->routes = nr;
	uint32_t *nf = realloc(rl->freestack, ncap * sizeof(*nf));
	if (!nf)
		return -ENOMEM;
	rl->freestack = nf;
	rl->cap = ncap;
	return 0;
}

/* Takes a slot (after rlist_reserve) for r and indexes it. */
static uint32_t
rlist_take(struct iproute_rlist *rl, const struct iproute_route *r)
{
	uint32_t s;
	if (rl->nfree && rl->lifo) {
		s = rl->freestack[--rl->nfree];
	} else if (rl->nfree) {
		for (s = rl->lowfree; rl->routes[s].port != IPROUTE_FREE_PORT; s++)
			;
		rl->lowfree = s + 1;
		rl->nfree--;
	} else {
		s = rl->nslots++;
	}
	rl->routes[s] = *r;
	unsigned len = route_len(r);
	iproute_hash_put_nogrow(&rl->hash, hkey(ntohl(r->addr), len), s);
	if (rl->lencount[len]++ == 0)
		rlist_recompute_lens(rl);
	rl->nroutes++;
	return s;
}

/* Frees slot s; unindex: drop its prefix from the hash too (not when a new
 * slot for the same prefix has just been indexed). */
static void
rlist_release(struct iproute_rlist *rl, uint32_t s, bool unindex)
{
	struct iproute_route *r = &rl->routes[s];
	unsigned len = route_len(r);
	if (unindex)
		iproute_hash_del(&rl->hash, hkey(ntohl(r->addr), len));
	if (--rl->lencount[len] == 0)
		rlist_recompute_lens(rl);
	r->port = IPROUTE_FREE_PORT;
	rl->nroutes--;
	if (s + 1 == rl->nslots && !rl->lifo) {
		rl->nslots--;
		return;
	}
	if (!rl->lifo && s < rl->lowfree)
		rl->lowfree = s;
	rl->freestack[rl->nfree++] = s;
}

int64_t
iproute_rlist_find(const struct iproute_rlist *rl, uint32_t addr_host, unsigned len)
{
	return iproute_hash_find(&rl->hash, hkey(addr_host, len));
}

int
iproute_linear_slot(const struct iproute_rlist *rl, uint32_t a)
{
	for (unsigned i = 0; i < rl->nlens; i++) {
		unsigned l = rl->lens[i];
		uint32_t m = l ? ~(uint32_t)0 << (32 - l) : 0;
		int64_t s = iproute_hash_find(&rl->hash, hkey(a & m, l));
		if (s >= 0)
			return (int)s;
	}
	return -1;
}

int64_t
iproute_rlist_covering(const struct iproute_rlist *rl, uint32_t addr_host, unsigned len)
{
	for (unsigned i = 0; i < rl->nlens; i++) {
		unsigned l = rl->lens[i];
		if (l >= len)
			continue;
		uint32_t m = l ? ~(uint32_t)0 << (32 - l) : 0;
		int64_t s = iproute_hash_find(&rl->hash, hkey(addr_host & m, l));
		if (s >= 0)
			return s;
	}
	return -1;
}

/* ---- table -------------------------------------------------------------------------- */

int
iproute_table_init(struct iproute_table *t, enum iproute_kind kind)
{
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	if (rlist_init(&t->rl, kind != IPROUTE_LINEAR) < 0)
		return -ENOMEM;
	int rc = 0;
	if (kind == IPROUTE_RADIX)
		rc = iproute_radix_init(&t->radix);
	else if (kind == IPROUTE_DIRECT)
		rc = iproute_direct_init(&t->direct);
	if (rc < 0)
		iproute_table_free(t);
	return rc;
}

void
iproute_table_free(struct iproute_table *t)
{
	rlist_free(&t->rl);
	iproute_radix_free(&t->radix);
	iproute_direct_free(&t->direct);
}

int
iproute_table_flush(struct iproute_table *t)
{
	struct iproute_table nt;
	if (iproute_table_init(&nt, t->kind) < 0)
		return -ENOMEM; /* the old table stays */
	iproute_table_free(t);
	*t = nt;
	return 0;
}

/* Updates the lookup structure for a prefix whose route is now slot s (or
 * gone, s < 0). */
static void
algo_set(struct iproute_table *t, uint32_t addr_host, unsigned len, int64_t s)
{
	if (t->kind == IPROUTE_RADIX)
		iproute_radix_set(&t->radix, addr_host, len, s >= 0 ? (uint32_t)s + 1 : 0);
}

int
iproute_table_add(struct iproute_table *t, const struct iproute_route *r, bool set,
		  struct iproute_route *old)
{
	struct iproute_rlist *rl = &t->rl;
	unsigned len = route_len(r);
	uint32_t a = ntohl(r->addr);
	int64_t cur = iproute_hash_find(&rl->hash, hkey(a, len));
	struct iproute_route nr = *r;
	int rc;

	if (old)
		old->port = IPROUTE_FREE_PORT;
	if (cur >= 0) {
		if (old)
			*old = rl->routes[cur];
		if (!set)
			return -EEXIST;
	}
	if (t->kind == IPROUTE_LINEAR && cur >= 0) { /* Click replaces in place */
		rl->routes[cur].gw = r->gw;
		rl->routes[cur].port = r->port;
		return 0;
	}
	if ((rc = rlist_reserve(rl)) < 0)
		return rc;
	if (t->kind == IPROUTE_RADIX && (rc = iproute_radix_reserve(&t->radix, a, len)) < 0)
		return rc;
	if (t->kind == IPROUTE_DIRECT) {
		if ((rc = iproute_direct_prepare(&t->direct, a, len)) < 0)
			return rc;
		int nh = iproute_direct_nh_ref(&t->direct, r->gw, r->port);
		if (nh < 0)
			return nh;
		nr.aux = (uint32_t)nh;
	}
	/* as in Click, a replacing route takes a new slot before the old one is
	 * freed (it moves to the end of the table) */
	uint32_t s = rlist_take(rl, &nr);
	if (t->kind == IPROUTE_DIRECT)
		iproute_direct_insert(&t->direct, a, len, (uint16_t)nr.aux);
	else
		algo_set(t, a, len, s);
	if (cur >= 0) {
		uint32_t oldaux = rl->routes[cur].aux;
		rlist_release(rl, (uint32_t)cur, false);
		if (t->kind == IPROUTE_DIRECT)
			iproute_direct_nh_unref(&t->direct, oldaux);
	}
	return 0;
}

int
iproute_table_remove(struct iproute_table *t, const struct iproute_route *r,
		     struct iproute_route *old)
{
	struct iproute_rlist *rl = &t->rl;
	unsigned len = route_len(r);
	uint32_t a = ntohl(r->addr);
	int64_t cur = iproute_hash_find(&rl->hash, hkey(a, len));

	if (old)
		old->port = IPROUTE_FREE_PORT;
	if (cur < 0)
		return -ENOENT;
	const struct iproute_route *e = &rl->routes[cur];
	if (old)
		*old = *e;
	if (r->port >= 0 && (e->gw != r->gw || e->port != r->port))
		return -ENOENT;
	uint32_t aux = e->aux;
	rlist_release(rl, (uint32_t)cur, true);
	if (t->kind == IPROUTE_DIRECT) {
		int64_t c = iproute_rlist_covering(rl, a, len);
		uint16_t nh = c >= 0 ? (uint16_t)rl->routes[c].aux : 0;
		unsigned clen = c >= 0 ? route_len(&rl->routes[c]) : 0;
		iproute_direct_delete(&t->direct, a, len, nh, clen);
		iproute_direct_nh_unref(&t->direct, aux);
	} else {
		algo_set(t, a, len, -1);
	}
	return 0;
}

int
iproute_table_lookup(const struct iproute_table *t, uint32_t addr_be, uint32_t *gw_be)
{
	uint32_t a = ntohl(addr_be);
	const struct iproute_route *r = NULL;

	*gw_be = 0;
	switch (t->kind) {
	case IPROUTE_LINEAR: {
		int s = iproute_linear_slot(&t->rl, a);
		if (s >= 0)
			r = &t->rl.routes[s];
		break;
	}
	case IPROUTE_RADIX: {
		uint32_t k = iproute_radix_key(&t->radix, a);
		if (k)
			r = &t->rl.routes[k - 1];
		break;
	}
	case IPROUTE_DIRECT: {
		const struct iproute_nexthop *nh = &t->direct.nh[iproute_direct_nh(&t->direct, a)];
		*gw_be = nh->gw;
		return nh->port;
	}
	}
	if (!r)
		return -1;
	*gw_be = r->gw;
	return r->port;
}

/* ---- syntax ----------------------------------------------------------------------- */

static void
put_prefix(const struct iproute_route *r, struct weir_strbuf *sb)
{
	char a[16];
	weir_format_ip4(r->addr, a);
	weir_strbuf_printf(sb, "%s/%u", a, route_len(r));
}

void
iproute_route_unparse(const struct iproute_route *r, bool tabs, struct weir_strbuf *sb)
{
	char tab = tabs ? '\t' : ' ', gw[16];
	size_t l = sb->len;

	put_prefix(r, sb);
	weir_strbuf_putc(sb, tab);
	if (tabs && sb->len < l + 17)
		weir_strbuf_putc(sb, '\t');
	l = sb->len;
	if (r->gw) {
		weir_format_ip4(r->gw, gw);
		weir_strbuf_puts(sb, gw);
	} else {
		weir_strbuf_putc(sb, '-');
	}
	weir_strbuf_putc(sb, tab);
	if (tabs && sb->len < l + 9)
		weir_strbuf_putc(sb, '\t');
	weir_strbuf_printf(sb, "%d", r->port);
}

/* DirectIPLookup prints the gateway as an address even when it is 0.0.0.0. */
static void
unparse_direct(const struct iproute_route *r, struct weir_strbuf *sb)
{
	char gw[16];
	size_t l = sb->len;

	put_prefix(r, sb);
	weir_strbuf_putc(sb, '\t');
	if (sb->len < l + 17)
		weir_strbuf_putc(sb, '\t');
	l = sb->len;
	weir_format_ip4(r->gw, gw);
	weir_strbuf_printf(sb, "%s\t", gw);
	if (sb->len < l + 9)
		weir_strbuf_putc(sb, '\t');
	weir_strbuf_printf(sb, "%d", r->port);
}

void
iproute_table_dump(const struct iproute_table *t, struct weir_strbuf *sb)
{
	for (uint32_t i = 0; i < t->rl.nslots; i++) {
		const struct iproute_route *r = &t->rl.routes[i];
		if (r->port == IPROUTE_FREE_PORT)
			continue;
		if (t->kind == IPROUTE_DIRECT)
			unparse_direct(r, sb);
		else
			iproute_route_unparse(r, t->kind == IPROUTE_RADIX, sb);
		weir_strbuf_putc(sb, '\n');
	}
}

int
iproute_parse_route(const char *s, struct iproute_route *r, bool remove)
{
	char **w;
	int n = weir_split_words(s, &w), i = 1, rc = -EINVAL;
	int32_t port;

	if (n < 1)
		goto out;
	memset(r, 0, sizeof(*r));
	r->port = -1;
	if (weir_parse_ip4_prefix(w[0], &r->addr, &r->mask, true) < 0)
		goto out;
	r->addr &= r->mask;
	/* Click's cp_ip_route: an optional gateway ("-" for none), then the port. */
	if (i < n && (strcmp(w[i], "-") == 0 || weir_parse_ip4(w[i], &r->gw) == 0))
		i++;
	if (i < n) {
		if (weir_parse_int(w[i], &port) < 0)
			goto out;
		r->port = port;
		i++;
	} else if (!remove) {
		goto out;
	}
	if (i == n)
		rc = 0;
out:
	if (n > 0)
		weir_words_free(w, n);
	return rc;
}
