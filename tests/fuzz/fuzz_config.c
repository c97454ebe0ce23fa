/* fuzz_config.c - mutation fuzzing of whole configurations: parse, configure and initialize, never crash. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "weir/lang.h"
#include "weir/router.h"

/*
 * Usage: fuzz_config ITERATIONS SEED_FILE_OR_DIR...
 *
 * Reads every *.click seed, then for ITERATIONS rounds picks one and
 * mutates it (flip, insert or delete bytes, splice lines of two seeds,
 * duplicate an argument, swap digits for huge numbers or negative ones),
 * and gives the text to the parser and, when it parses, to
 * weir_router_new, which configures and initializes every element: each
 * element's argument parser sees malformed arguments. Nothing runs. The
 * run fails only by crashing or by a sanitizer report; it works in a
 * temporary directory (ToDump and friends create files). Deterministic for
 * a given seed set (fixed PRNG seed).
 */

struct corpus {
	char **text;
	size_t n, cap;
};

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void
add_file(struct corpus *c, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return;
	char *buf = malloc(1 << 20);
	size_t len = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
	fclose(f);
	if (!buf)
		return;
	buf[len] = 0;
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 64;
		c->text = realloc(c->text, c->cap * sizeof(*c->text));
		if (!c->text)
			abort();
	}
	c->text[c->n++] = buf;
}

/* Data files (*.pcap) the seeds read: linked into the work directory. */
static char *data_files[256];
static int ndata;

static void
add_data(const char *path)
{
	char *abs = realpath(path, NULL);
	if (abs && ndata < 256)
		data_files[ndata++] = abs;
	else
		free(abs);
}

/* Seeds: *.click files up to two directories deep; *.pcap files found on
 * the way are linked into the work directory for the seeds to read. */
static void
add_path(struct corpus *c, const char *path, int depth)
{
	DIR *d = opendir(path);
	if (!d) {
		add_file(c, path);
		return;
	}
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		char sub[4096];
		size_t l = strlen(de->d_name);
		if (de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name) >= sizeof(sub))
			continue;
		if (l > 6 && strcmp(de->d_name + l - 6, ".click") == 0)
			add_file(c, sub);
		else if (l > 5 && strcmp(de->d_name + l - 5, ".pcap") == 0)
			add_data(sub);
		else if (depth < 2 && de->d_type == DT_DIR)
			add_path(c, sub, depth + 1);
	}
	closedir(d);
}

static const char *const tokens[] = {
	"-1", "0", "4294967296", "99999999999999999999", "1.5", "-0", "0x", "1/", "/0",
	"255.255.255.256", "10.0.0.0/33", "::", "ff:ff", "\"", "\\<", "$X", ",", ", ,",
	"->", "::", "[9]", "[0]", "(", ")", "{", "}", ";", "STOP", "BURST 0", "LIMIT -5",
	"CAPACITY 0", "MTU 0", "OFFSET 100000", "1e400", "nan", "true", "", "\n", "//",
	"/*", "elementclass", "define($X 1)", "require(nothing)", "THREAD 99",
};

/* One mutation of s (malloc'd result). */
static char *
mutate(const struct corpus *c, const char *s)
{
	size_t len = strlen(s), cap = len * 2 + 256;
	char *out = malloc(cap);
	if (!out)
		abort();
	memcpy(out, s, len + 1);
	int rounds = 1 + (int)(next() % 4);
	for (int r = 0; r < rounds; r++) {
		len = strlen(out);
		size_t pos = len ? next() % len : 0;
		switch (next() % 5) {
		case 0: /* flip a byte */
			if (len)
				out[pos] = (char)(next() % 95 + 32);
			break;
		case 1: { /* insert a token */
			const char *t = tokens[next() % (sizeof(tokens) / sizeof(tokens[0]))];
			size_t tl = strlen(t);
			if (len + tl + 1 < cap) {
				memmove(out + pos + tl, out + pos, len - pos + 1);
				memcpy(out + pos, t, tl);
			}
			break;
		}
		case 2: { /* delete a run */
			size_t k = next() % 16;
			if (pos + k > len)
				k = len - pos;
			memmove(out + pos, out + pos + k, len - pos - k + 1);
			break;
		}
		case 3: { /* splice the tail of another seed */
			const char *o = c->text[next() % c->n];
			size_t ol = strlen(o), from = ol ? next() % ol : 0;
			size_t k = ol - from;
			if (pos + k + 1 > cap)
				k = cap - pos - 1;
			memcpy(out + pos, o + from, k);
			out[pos + k] = 0;
			break;
		}
		default: /* replace a digit by a big or negative number */
			for (size_t i = pos; i < len; i++) {
				if (out[i] >= '0' && out[i] <= '9') {
					const char *t = (next() & 1) ? "65536" : "-1";
					size_t tl = strlen(t);
					if (len + tl < cap) {
						memmove(out + i + tl, out + i + 1, len - i);
						memcpy(out + i, t, tl);
					}
					break;
				}
			}
		}
	}
	return out;
}

static long parsed, built;

static void
try_config(const char *text)
{
	struct weir_errh errh;
	struct weir_graph g;
	struct weir_router_opts opts = { .nthreads = 2, .pool_packets = 4096 };

	weir_errh_init_silent(&errh);
	if (weir_lang_parse(text, "fuzz.click", NULL, 0, &g, &errh) == 0) {
		struct weir_router *r = weir_router_new(&g, &opts, &errh);
		parsed++;
		if (r) {
			built++;
			weir_router_free(r);
		}
	}
	weir_graph_free(&g);
}

int
main(int argc, char **argv)
{
	struct corpus c = { 0 };
	char tmpl[] = "/tmp/weir-fuzz-XXXXXX";

	if (argc < 3) {
		fprintf(stderr, "usage: %s ITERATIONS SEED_FILE_OR_DIR...\n", argv[0]);
		return 2;
	}
	long iters = strtol(argv[1], NULL, 10);
	for (int i = 2; i < argc; i++)
		add_path(&c, argv[i], 0);
	if (c.n == 0) {
		fprintf(stderr, "no seed configuration found\n");
		return 77;
	}
	if (!mkdtemp(tmpl) || chdir(tmpl) < 0) {
		perror("temporary directory");
		return 1;
	}
	for (int i = 0; i < ndata; i++) {
		const char *base = strrchr(data_files[i], '/');
		if (symlink(data_files[i], base ? base + 1 : data_files[i]) < 0) {
			/* a second file of the same name: the first one stays */
		}
		free(data_files[i]);
	}
	for (size_t i = 0; i < c.n; i++)
		try_config(c.text[i]);
	for (long i = 0; i < iters; i++) {
		char *m = mutate(&c, c.text[next() % c.n]);
		try_config(m);
		free(m);
	}
	printf("%zu seeds, %ld mutated configurations (%ld parsed, %ld built): no crash\n", c.n,
	       iters, parsed, built);
	for (size_t i = 0; i < c.n; i++)
		free(c.text[i]);
	free(c.text);
	/* files the configurations created */
	if (system("rm -rf -- \"$PWD\"") != 0)
		return 0;
	return 0;
}
