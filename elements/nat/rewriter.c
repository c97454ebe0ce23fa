/* rewriter.c - the mapping table, input specs, patterns and handlers shared by IPRewriter and IPAddrRewriter. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include "weir/args.h"
#include "rewriter_priv.h"

/* ---- memory ------------------------------------------------------------------------ */

#define RW_HUGE (2u << 20)

/*
 * Zeroed memory that the kernel hands out as it is touched. Regions of 2 MB
 * or more are aligned to 2 MB and asked for transparent huge pages: lookups
 * land on random buckets, and with 4 KB pages nearly every one would also
 * miss the TLB (measured: half the element's time at 1k flows in a 1M table).
 */
static void *
rw_zalloc(size_t size)
{
	if (size < RW_HUGE) {
		void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		return p == MAP_FAILED ? NULL : p;
	}
	size_t len = size + RW_HUGE;
	uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	uint8_t *a = (uint8_t *)(((uintptr_t)p + RW_HUGE - 1) & ~(uintptr_t)(RW_HUGE - 1));
	if (a > p)
		munmap(p, (size_t)(a - p));
	if (a + size < p + len)
		munmap(a + size, (size_t)(p + len - (a + size)));
#ifdef MADV_HUGEPAGE
	madvise(a, size, MADV_HUGEPAGE);
#endif
	return a;
}

static void
rw_zfree(void *p, size_t size)
{
	if (p)
		munmap(p, size);
}

static uint32_t
rw_pow2_at_least(uint64_t n)
{
	uint64_t p = 1;
	while (p < n)
		p <<= 1;
	return (uint32_t)p;
}

/* ---- the table ---------------------------------------------------------------------- */

static size_t
rw_nbuckets_for(uint32_t capacity)
{
	/* 2 keys per flow, 8 slots per bucket, at most half full */
	return rw_pow2_at_least(capacity / 2 > 2 ? capacity / 2 : 2);
}

int
rw_table_init(struct rw_table *t, uint32_t capacity, unsigned nclasses)
{
	memset(t, 0, sizeof(*t));
	if (capacity == 0)
		capacity = 1;
	size_t nb = rw_nbuckets_for(capacity);
	t->buckets = rw_zalloc(nb * sizeof(struct rw_bucket));
	t->flows = rw_zalloc((size_t)capacity * sizeof(struct rw_flow));
	t->free_stack = rw_zalloc((size_t)capacity * sizeof(uint32_t));
	t->mask = (uint32_t)nb - 1;
	t->alloc = t->capacity = capacity;
	t->nclasses = nclasses;
	for (unsigned c = 0; c < RW_MAX_CLASSES; c++)
		t->lists[c].head = t->lists[c].tail = RW_NONE;
	if (!t->buckets || !t->flows || !t->free_stack) {
		rw_table_free(t);
		return -ENOMEM;
	}
	return 0;
}

void
rw_table_free(struct rw_table *t)
{
	rw_zfree(t->buckets, ((size_t)t->mask + 1) * sizeof(struct rw_bucket));
	rw_zfree(t->flows, (size_t)t->alloc * sizeof(struct rw_flow));
	rw_zfree(t->free_stack, (size_t)t->alloc * sizeof(uint32_t));
	t->buckets = NULL;
	t->flows = NULL;
	t->free_stack = NULL;
	t->size = 0;
}

uint32_t
rw_table_alloc(struct rw_table *t)
{
	if (t->size >= t->capacity)
		return RW_NONE;
	if (t->nfree)
		return t->free_stack[--t->nfree];
	if (t->fresh < t->alloc)
		return t->fresh++;
	return RW_NONE;
}

static void
rw_index_add(struct rw_table *t, const struct rw_key *k, uint32_t ref)
{
	uint64_t h = rw_hash(k);
	uint32_t bi = (uint32_t)h & t->mask;
	for (;;) {
		struct rw_bucket *b = &t->buckets[bi];
		for (unsigned s = 0; s < RW_BUCKET_SLOTS; s++) {
			if (!b->tag[s]) {
				b->tag[s] = rw_tag(h);
				b->ref[s] = ref;
				return;
			}
		}
		/* full: the table is at most half full, so a free slot follows */
		b->overflow++;
		bi = (bi + 1) & t->mask;
	}
}

static void
rw_index_del(struct rw_table *t, const struct rw_key *k, uint32_t ref)
{
	uint64_t h = rw_hash(k);
	uint32_t home = (uint32_t)h & t->mask, bi = home;
	uint16_t tag = rw_tag(h);
	for (uint32_t n = 0; n <= t->mask; n++) {
		struct rw_bucket *b = &t->buckets[bi];
		for (unsigned s = 0; s < RW_BUCKET_SLOTS; s++) {
			if (b->tag[s] == tag && b->ref[s] == ref) {
				b->tag[s] = 0;
				/* undo the overflow counts of the buckets passed over */
				for (uint32_t x = home; x != bi; x = (x + 1) & t->mask)
					t->buckets[x].overflow--;
				return;
			}
		}
		bi = (bi + 1) & t->mask;
	}
}

static void
rw_list_append(struct rw_table *t, unsigned c, uint32_t fi)
{
	struct rw_list *l = &t->lists[c];
	struct rw_flow *f = &t->flows[fi];
	f->next = RW_NONE;
	f->prev = l->tail;
	if (l->tail != RW_NONE)
		t->flows[l->tail].next = fi;
	else
		l->head = fi;
	l->tail = fi;
}

static void
rw_list_unlink(struct rw_table *t, uint32_t fi)
{
	struct rw_flow *f = &t->flows[fi];
	struct rw_list *l = &t->lists[f->tclass];
	if (f->prev != RW_NONE)
		t->flows[f->prev].next = f->next;
	else
		l->head = f->next;
	if (f->next != RW_NONE)
		t->flows[f->next].prev = f->prev;
	else
		l->tail = f->prev;
}

void
rw_table_requeue(struct rw_table *t, uint32_t fi, unsigned c, uint32_t now)
{
	rw_list_unlink(t, fi);
	t->flows[fi].tclass = (uint8_t)c;
	t->flows[fi].enq = now;
	rw_list_append(t, c, fi);
}

void
rw_table_remove(struct rw_table *t, uint32_t fi)
{
	struct rw_flow *f = &t->flows[fi];
	if (!(f->flags & RW_F_LIVE))
		return;
	rw_index_del(t, &f->key[0], fi << 1);
	if (!(f->flags & RW_F_SINGLE))
		rw_index_del(t, &f->key[1], fi << 1 | 1);
	rw_list_unlink(t, fi);
	f->flags = 0;
	t->free_stack[t->nfree++] = fi;
	t->size--;
	if (t->on_free)
		t->on_free(t->on_free_arg, f);
}

void
rw_table_insert(struct rw_table *t, uint32_t fi, uint32_t now)
{
	struct rw_flow *f = &t->flows[fi];
	f->flags = RW_F_LIVE;
	if (rw_key_eq(&f->key[0], &f->key[1])) {
		f->flags |= RW_F_SINGLE;
	} else {
		/* Click: a mapping already holding the reply key is destroyed */
		uint32_t old = rw_table_lookup(t, &f->key[1], rw_hash(&f->key[1]));
		if (old != RW_NONE && (old >> 1) != fi)
			rw_table_remove(t, old >> 1);
	}
	rw_index_add(t, &f->key[0], fi << 1);
	if (!(f->flags & RW_F_SINGLE))
		rw_index_add(t, &f->key[1], fi << 1 | 1);
	f->last = f->enq = now;
	rw_list_append(t, f->tclass, fi);
	t->size++;
}

uint32_t
rw_table_reap(struct rw_table *t, uint32_t now)
{
	uint32_t freed = 0;
	for (unsigned c = 0; c < t->nclasses; c++) {
		uint32_t to = t->timeout[c];
		while (t->lists[c].head != RW_NONE) {
			uint32_t fi = t->lists[c].head;
			struct rw_flow *f = &t->flows[fi];
			if (!rw_time_reached(now, f->enq + to))
				break;
			if (rw_time_reached(now, f->last + to)) {
				rw_table_remove(t, fi);
				freed++;
			} else {
				/* used since it was queued: its turn comes again */
				rw_table_requeue(t, fi, c, now);
			}
		}
	}
	return freed;
}

#define RW_EVICT_STEPS 8

bool
rw_table_evict(struct rw_table *t, uint32_t now, bool force)
{
	uint32_t best = RW_NONE;
	int32_t best_left = 0;
	for (unsigned c = 0; c < t->nclasses; c++) {
		for (unsigned step = 0; step < RW_EVICT_STEPS; step++) {
			uint32_t fi = t->lists[c].head;
			if (fi == RW_NONE)
				break;
			struct rw_flow *f = &t->flows[fi];
			if (!force && !rw_time_reached(now, f->last + t->guarantee[c])) {
				/* still guaranteed: look at the next one */
				if (t->lists[c].head == t->lists[c].tail)
					break;
				rw_table_requeue(t, fi, c, now);
				continue;
			}
			int32_t left = (int32_t)(f->last + t->timeout[c] - now);
			if (best == RW_NONE || left < best_left) {
				best = fi;
				best_left = left;
			}
			break;
		}
	}
	if (best == RW_NONE)
		return false;
	rw_table_remove(t, best);
	return true;
}

void
rw_flow_set_deltas(struct rw_flow *f)
{
	const struct rw_key *o = &f->key[0], *r = &f->key[1];
	/* the forward packet o becomes reverse(r) */
	uint32_t acc = rw_delta_add32(0, o->saddr, r->daddr);
	acc = rw_delta_add32(acc, o->daddr, r->saddr);
	f->ip_delta = rw_delta_fold(acc);
	acc = rw_delta_add16(acc, o->sport, r->dport);
	acc = rw_delta_add16(acc, o->dport, r->sport);
	f->l4_delta = rw_delta_fold(acc);
}

/* ---- flows of an element ----------------------------------------------------------- */

/* The table's on_free hook: a freed flow no longer counts for its input. */
static void
rw_forget(void *arg, const struct rw_flow *f)
{
	struct rw_common *rw = arg;
	if (f->input < rw->ninputs && rw->inputs[f->input].count)
		rw->inputs[f->input].count--;
}

void
rw_table_clear(struct rw_table *t)
{
	if (!t->flows)
		return;
	for (uint32_t fi = 0; fi < t->fresh; fi++)
		if (t->flows[fi].flags & RW_F_LIVE)
			rw_table_remove(t, fi);
}

uint32_t
rw_add_flow(struct rw_common *rw, const struct rw_key *k, const struct rw_key *rk, int input,
	    unsigned c, uint32_t now)
{
	struct rw_table *t = &rw->table;
	struct rw_input *in = &rw->inputs[input];
	uint32_t fi = rw_table_alloc(t);
	if (fi == RW_NONE && rw_table_evict(t, now, false))
		fi = rw_table_alloc(t);
	if (fi == RW_NONE) {
		in->failures++;
		return RW_NONE;
	}
	struct rw_flow *f = &t->flows[fi];
	f->key[0] = *k;
	f->key[1] = rw_key_reverse(rk);
	f->output[0] = (uint8_t)in->foutput;
	f->output[1] = (uint8_t)in->routput;
	f->input = (uint8_t)input;
	f->tclass = (uint8_t)c;
	f->tflags = 0;
	rw_flow_set_deltas(f);
	rw_table_insert(t, fi, now);
	in->count++;
	rw_arm_reaper(rw);
	return fi;
}

/* ---- patterns ---------------------------------------------------------------------- */

static uint32_t
rw_random(struct rw_common *rw)
{
	uint32_t x = rw->rng;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	rw->rng = x;
	return x;
}

bool
rw_pattern_apply(struct rw_common *rw, const struct rw_pattern *cpat, const struct rw_key *k,
		 struct rw_key *out)
{
	struct rw_pattern *pat = (struct rw_pattern *)cpat; /* next_variation moves */
	*out = *k;
	if (pat->saddr)
		out->saddr = pat->saddr;
	if (pat->sport)
		out->sport = pat->sport;
	if (pat->daddr)
		out->daddr = pat->daddr;
	if (pat->dport)
		out->dport = pat->dport;
	if (!pat->variation_top)
		return true;

	const struct rw_table *t = &rw->table;
	struct rw_key lookup = rw_key_reverse(out);
	uint32_t top = pat->variation_top;
	uint32_t base = pat->is_napt ? ntohs(pat->sport) : ntohl(pat->saddr);
	uint32_t val;
	if (pat->same_first && pat->is_napt && (val = ntohs(k->sport) - base) <= top) {
		lookup.dport = k->sport;
		if (rw_table_lookup(t, &lookup, rw_hash(&lookup)) == RW_NONE)
			goto found;
	}
	if (pat->sequential)
		val = pat->next_variation > top ? 0 : pat->next_variation;
	else
		val = (uint32_t)(((uint64_t)rw_random(rw) * ((uint64_t)top + 1)) >> 32);
	for (uint64_t count = 0; count <= top; count++, val = val == top ? 0 : val + 1) {
		if (pat->is_napt)
			lookup.dport = htons((uint16_t)(base + val));
		else
			lookup.daddr = htonl(base + val);
		if (rw_table_lookup(t, &lookup, rw_hash(&lookup)) == RW_NONE)
			goto found;
	}
	return false;
found:
	if (pat->is_napt)
		out->sport = lookup.dport;
	else
		out->saddr = lookup.daddr;
	pat->next_variation = val + 1;
	return true;
}

/* "-", or strips a trailing '#' / '?' and reports it. */
static size_t
rw_strip_variation_flag(const char *s, struct rw_pattern *pat)
{
	size_t len = strlen(s);
	if (len && s[len - 1] == '#') {
		pat->sequential = true;
		pat->same_first = false;
		len--;
	} else if (len && s[len - 1] == '?') {
		pat->same_first = false;
		len--;
	}
	return len;
}

static int
rw_parse_int_range(const char *s, size_t len, int64_t lo, int64_t hi, int64_t *out)
{
	char buf[32];
	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = 0;
	if (weir_parse_int64(buf, out) < 0 || *out < lo || *out > hi)
		return -EINVAL;
	return 0;
}

/* SADDR: an address, "A-B" or "A/N" (with '#' or '?'). */
static int
rw_parse_saddr(const char *w, struct rw_pattern *pat, uint32_t *variation)
{
	if (weir_parse_ip4(w, &pat->saddr) == 0)
		return 0;
	struct rw_pattern tmp = *pat;
	size_t len = rw_strip_variation_flag(w, &tmp);
	char buf[64];
	if (len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, w, len);
	buf[len] = 0;
	char *dash = strchr(buf, '-');
	uint32_t a, b, mask;
	if (dash) {
		*dash = 0;
		if (weir_parse_ip4(buf, &a) < 0 || weir_parse_ip4(dash + 1, &b) < 0 ||
		    ntohl(b) < ntohl(a))
			return -EINVAL;
		pat->saddr = a;
		*variation = ntohl(b) - ntohl(a);
	} else {
		if (weir_parse_ip4_prefix(buf, &a, &mask, true) < 0 || !a || !mask ||
		    weir_ip4_mask_to_prefix(mask) < 0)
			return -EINVAL;
		if (mask == 0xFFFFFFFFu) {
			pat->saddr = a;
			*variation = 0;
		} else if (mask == htonl(0xFFFFFFFEu)) {
			pat->saddr = a & mask;
			*variation = 1;
		} else {
			/* Click: PREFIX.0 and PREFIX.255 are not used */
			pat->saddr = (a & mask) | htonl(1);
			*variation = ~ntohl(mask) - 2;
		}
	}
	pat->sequential = tmp.sequential;
	pat->same_first = tmp.same_first;
	return 0;
}

/* SPORT: a port, or "L-H" (with '#' or '?'). */
static int
rw_parse_sport(const char *w, struct rw_pattern *pat, uint32_t *variation)
{
	int64_t v, v2;
	if (rw_parse_int_range(w, strlen(w), 1, 65535, &v) == 0) {
		pat->sport = htons((uint16_t)v);
		return 0;
	}
	struct rw_pattern tmp = *pat;
	size_t len = rw_strip_variation_flag(w, &tmp);
	const char *dash = memchr(w, '-', len);
	if (!dash || rw_parse_int_range(w, (size_t)(dash - w), 0, 65535, &v) < 0 ||
	    rw_parse_int_range(dash + 1, len - (size_t)(dash + 1 - w), v, 65535, &v2) < 0)
		return -EINVAL;
	pat->sport = htons((uint16_t)v);
	*variation = (uint32_t)(v2 - v);
	pat->sequential = tmp.sequential;
	pat->same_first = tmp.same_first;
	return 0;
}

/* Click's IPRewriterPattern::parse of 2 to 4 words. */
int
rw_parse_pattern(char **w, int nw, struct rw_pattern *pat, struct weir_errh *errh,
		 const char *prefix)
{
	memset(pat, 0, sizeof(*pat));
	pat->same_first = true;
	if (nw < 2 || nw > 4)
		return weir_error(errh, "%ssyntax error", prefix);
	uint32_t variation = 0;
	int i = 0;
	if (strcmp(w[i], "-") && rw_parse_saddr(w[i], pat, &variation) < 0)
		return weir_error(errh, "%sbad source address", prefix);
	if (nw >= 3) {
		i = nw == 3 ? 2 : 1;
		if (strcmp(w[i], "-") && rw_parse_sport(w[i], pat, &variation) < 0)
			return weir_error(errh, "%sbad source port", prefix);
		i = nw == 3 ? 0 : 1;
	}
	i++;
	if (strcmp(w[i], "-") && weir_parse_ip4(w[i], &pat->daddr) < 0)
		return weir_error(errh, "%sbad destination address", prefix);
	if (nw == 4) {
		i++;
		int64_t v;
		if (strcmp(w[i], "-")) {
			if (rw_parse_int_range(w[i], strlen(w[i]), 1, 65535, &v) < 0)
				return weir_error(errh, "%sbad destination port", prefix);
			pat->dport = htons((uint16_t)v);
		}
	}
	pat->is_napt = nw >= 3;
	pat->variation_top = variation;
	return 0;
}

static int
rw_parse_port(const char *s, int *out)
{
	int32_t v;
	if (weir_parse_int(s, &v) < 0)
		return -EINVAL;
	*out = v;
	return 0;
}

int
rw_parse_input_spec(struct weir_element *e, const char *arg, int idx, bool addr_only,
		    struct rw_input *in, struct weir_errh *errh)
{
	char prefix[32];
	snprintf(prefix, sizeof(prefix), "input spec %d: ", idx);
	char **w = NULL;
	int nw = weir_split_words(arg, &w);
	int r = 0;
	memset(in, 0, sizeof(*in));
	in->pat = &in->own;
	in->kind = RW_DROP;
	in->foutput = in->routput = -1;
	if (nw <= 0) {
		r = weir_error(errh, "%sempty argument", prefix);
		goto out;
	}
	const char *word = w[0];
	if (!strcmp(word, "pass") || !strcmp(word, "passthrough") || !strcmp(word, "nochange")) {
		int port = 0;
		if (nw > 2 || (nw == 2 && rw_parse_port(w[1], &port) < 0)) {
			r = weir_error(errh, "%ssyntax error, expected 'nochange [OUTPUT]'", prefix);
			goto out;
		}
		if (port < 0 || port >= e->noutputs) {
			r = weir_error(errh, "%soutput port out of range", prefix);
			goto out;
		}
		in->kind = RW_PASS;
		in->foutput = port;
	} else if (!strcmp(word, "drop") || !strcmp(word, "discard")) {
		if (nw != 1)
			r = weir_error(errh, "%ssyntax error, expected '%s'", prefix, word);
	} else if (!strcmp(word, "keep")) {
		if (nw != 3 || rw_parse_port(w[1], &in->foutput) < 0) {
			r = weir_error(errh, "%sbad forward port", prefix);
			goto out;
		}
		if (rw_parse_port(w[2], &in->routput) < 0) {
			r = weir_error(errh, "%sbad reply port", prefix);
			goto out;
		}
		in->kind = RW_KEEP;
	} else if (!strcmp(word, "pattern") || !strcmp(word, "xpattern")) {
		if (nw - 1 <= 2) {
			r = weir_error(errh, "%ssyntax error", prefix);
			goto out;
		}
		if (nw - 3 == 1) {
			struct rw_pattern *named = rw_find_named_pattern(e, w[1]);
			if (!named) {
				r = weir_error(errh, "%sno such pattern '%s'", prefix, w[1]);
				goto out;
			}
			in->pat = named;
		} else {
			in->pat = &in->own;
			r = rw_parse_pattern(w + 1, nw - 3, in->pat, errh, prefix);
			if (r < 0)
				goto out;
		}
		if (rw_parse_port(w[nw - 2], &in->foutput) < 0) {
			r = weir_error(errh, "%sbad forward port", prefix);
			goto out;
		}
		if (rw_parse_port(w[nw - 1], &in->routput) < 0) {
			r = weir_error(errh, "%sbad reply port", prefix);
			goto out;
		}
		if (addr_only && (in->pat->sport || in->pat->dport || in->pat->daddr ||
				  (in->pat->is_napt && in->pat->variation_top))) {
			r = weir_error(errh, "%sexpected 'pattern SADDR[-SADDR2] - FOUTPUT ROUTPUT'",
				       prefix);
			goto out;
		}
		in->kind = RW_PATTERN;
	} else {
		r = weir_error(errh, "%sunknown specification '%s' (IPMapper elements are not supported)",
			       prefix, word);
		goto out;
	}
	if ((in->kind == RW_KEEP || in->kind == RW_PATTERN) &&
	    (in->foutput < 0 || in->foutput >= e->noutputs || in->routput < 0 ||
	     in->routput >= e->noutputs))
		r = weir_error(errh, "%soutput port out of range", prefix);
out:
	if (nw > 0)
		weir_words_free(w, nw);
	return r;
}

static bool
rw_is_keyword_arg(const char *a)
{
	size_t n = 0;
	while (a[n] && a[n] != ' ' && a[n] != '\t' && a[n] != '\n' && a[n] != '\r')
		n++;
	return n && a[n] && weir_is_keyword(a, n);
}

int
rw_configure(struct weir_element *e, struct rw_common *rw, const struct weir_conf *conf,
	     const struct weir_arg *table, void *priv, bool addr_only, struct weir_errh *errh)
{
	struct weir_conf kw = { .argc = 0, .argv = NULL, .raw = conf->raw };
	int r = 0, nspecs = 0;
	kw.argv = calloc((size_t)conf->argc + 1, sizeof(char *));
	rw->inputs = calloc((size_t)(e->ninputs > 0 ? e->ninputs : 1), sizeof(struct rw_input));
	if (!kw.argv || !rw->inputs) {
		free(kw.argv);
		return -ENOMEM;
	}
	rw->ninputs = e->ninputs;
	for (int i = 0; i < conf->argc; i++) {
		if (rw_is_keyword_arg(conf->argv[i]))
			kw.argv[kw.argc++] = conf->argv[i];
		else
			nspecs++;
	}
	if (weir_args_parse(table, priv, &kw, e, errh) < 0)
		r = -EINVAL;
	free(kw.argv);
	if (r < 0)
		return r;
	if (nspecs != e->ninputs)
		return weir_error(errh, "need %d arguments, one per input port", e->ninputs);
	int idx = 0;
	for (int i = 0; i < conf->argc; i++) {
		if (rw_is_keyword_arg(conf->argv[i]))
			continue;
		if (rw_parse_input_spec(e, conf->argv[i], idx, addr_only, &rw->inputs[idx], errh) < 0)
			r = -EINVAL;
		idx++;
	}
	return r;
}

static void
rw_reap_timer(struct weir_timer *timer, void *arg)
{
	struct rw_common *rw = arg;
	(void)timer;
	rw_table_reap(&rw->table, rw_now(rw));
	if (rw->table.size)
		rw_arm_reaper(rw);
}

int
rw_initialize(struct weir_element *e, struct rw_common *rw, unsigned nclasses,
	      struct weir_errh *errh)
{
	if (rw_table_init(&rw->table, rw->capacity, nclasses) < 0)
		return weir_error(errh, "out of memory for %u mappings", rw->capacity);
	rw->table.on_free = rw_forget;
	rw->table.on_free_arg = rw;
	rw->t0_ns = weir_time_ns();
	rw->rng = 0x9E3779B9u ^ (uint32_t)e->index;
	weir_timer_init(&rw->reap_timer, e, rw_reap_timer, rw);
	rw->initialized = true;
	return 0;
}

void
rw_cleanup(struct rw_common *rw)
{
	if (rw->initialized && weir_timer_scheduled(&rw->reap_timer))
		weir_timer_unschedule(&rw->reap_timer);
	rw_table_free(&rw->table);
	free(rw->inputs);
	rw->inputs = NULL;
	rw->initialized = false;
}

/* ---- handlers ------------------------------------------------------------------------ */

void
rw_format_flowid(struct weir_strbuf *out, const struct rw_key *k)
{
	char a[16], b[16];
	weir_format_ip4(k->saddr, a);
	weir_format_ip4(k->daddr, b);
	weir_strbuf_printf(out, "(%s, %u, %s, %u)", a, ntohs(k->sport), b, ntohs(k->dport));
}

void
rw_format_ports(struct weir_strbuf *out, const struct rw_common *rw, const struct rw_flow *f,
		unsigned dir, uint32_t now)
{
	const struct rw_table *t = &rw->table;
	int32_t left = (int32_t)(f->last + t->timeout[f->tclass] + 500 - now);
	weir_strbuf_printf(out, " [%s%u %s%u] i%u exp%" PRId32, dir ? "" : "*", f->output[0],
			   dir ? "*" : "", f->output[1], f->input, left / 1000);
}

void
rw_format_input(struct weir_strbuf *out, const struct rw_input *in)
{
	const struct rw_pattern *p = in->pat;
	char a[16];
	switch (in->kind) {
	case RW_DROP:
		weir_strbuf_puts(out, "<drop>");
		break;
	case RW_PASS:
		weir_strbuf_puts(out, "<nochange>");
		break;
	case RW_KEEP:
		weir_strbuf_puts(out, "<keep>");
		break;
	case RW_PATTERN:
		if (!p->is_napt && p->variation_top) {
			weir_format_ip4(p->saddr, a);
			weir_strbuf_printf(out, "%s-", a);
			weir_format_ip4(htonl(ntohl(p->saddr) + p->variation_top), a);
			weir_strbuf_puts(out, a);
		} else if (p->saddr) {
			weir_format_ip4(p->saddr, a);
			weir_strbuf_puts(out, a);
		} else {
			weir_strbuf_puts(out, "-");
		}
		if (p->is_napt) {
			if (!p->sport)
				weir_strbuf_puts(out, " -");
			else if (p->variation_top)
				weir_strbuf_printf(out, " %u-%u", ntohs(p->sport),
						   ntohs(p->sport) + p->variation_top);
			else
				weir_strbuf_printf(out, " %u", ntohs(p->sport));
		}
		if (p->daddr) {
			weir_format_ip4(p->daddr, a);
			weir_strbuf_printf(out, " %s", a);
		} else {
			weir_strbuf_puts(out, " -");
		}
		if (p->is_napt) {
			if (p->dport)
				weir_strbuf_printf(out, " %u", ntohs(p->dport));
			else
				weir_strbuf_puts(out, " -");
		}
		break;
	}
	if (in->count)
		weir_strbuf_printf(out, " [%u]", in->count);
}

int
rw_read_common(struct weir_element *e, const struct weir_handler *h, struct weir_strbuf *out)
{
	struct rw_common *rw = e->priv;
	uint64_t v = 0;
	switch (h->arg) {
	case RW_H_NMAPPINGS:
		for (int i = 0; i < rw->ninputs; i++)
			v += rw->inputs[i].count;
		break;
	case RW_H_FAILURES:
		for (int i = 0; i < rw->ninputs; i++)
			v += rw->inputs[i].failures;
		break;
	case RW_H_SIZE:
		v = rw->table.size;
		break;
	case RW_H_CAPACITY:
		v = rw->initialized ? rw->table.capacity : rw->capacity;
		break;
	case RW_H_DROPS:
		v = rw->drops;
		break;
	case RW_H_PATTERNS:
		for (int i = 0; i < rw->ninputs; i++) {
			rw_format_input(out, &rw->inputs[i]);
			weir_strbuf_putc(out, '\n');
		}
		return 0;
	default:
		return -EINVAL;
	}
	weir_strbuf_printf(out, "%" PRIu64, v);
	return 0;
}

int
rw_write_common(struct weir_element *e, const char *value, const struct weir_handler *h,
		struct weir_errh *errh)
{
	struct rw_common *rw = e->priv;
	if (!rw->initialized)
		return weir_error(errh, "not initialized");
	if (h->arg == RW_H_CLEAR) {
		rw_table_clear(&rw->table);
		return 0;
	}
	uint32_t cap;
	if (weir_parse_uint(value, &cap) < 0)
		return weir_error(errh, "CAPACITY: expected unsigned integer");
	if (cap > rw->table.alloc)
		return weir_error(errh, "CAPACITY: at most %u (MAPPING_CAPACITY, allocated at initialize)",
				  rw->table.alloc);
	rw->table.capacity = cap;
	uint32_t now = rw_now(rw);
	rw_table_reap(&rw->table, now);
	while (rw->table.size > cap && rw_table_evict(&rw->table, now, true))
		;
	return 0;
}
