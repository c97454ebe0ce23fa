/* bench_iproute.c - ns per lookup of the route tables (scalar and batched)
 * on a route file ("ADDR/LEN GW" per line) and the destinations of a pcap
 * (Ethernet/IPv4), e.g. the anchors' routes_100k.txt and r100k_4k.pcap.
 * Not a test: bench_iproute ROUTES PCAP [ROUNDS]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "iproute_priv.h"

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint32_t *
read_dsts(const char *fn, uint32_t *n)
{
	FILE *f = fopen(fn, "rb");
	uint8_t hdr[24], rec[16], pkt[65536];
	uint32_t *v = NULL, cap = 0;
	*n = 0;
	if (!f || fread(hdr, 1, 24, f) != 24)
		return NULL;
	while (fread(rec, 1, 16, f) == 16) {
		uint32_t len;
		memcpy(&len, rec + 8, 4);
		if (len > sizeof(pkt) || fread(pkt, 1, len, f) != len)
			break;
		if (len < 34)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 4096;
			v = realloc(v, cap * sizeof(*v));
		}
		uint32_t d;
		memcpy(&d, pkt + 30, 4);
		v[(*n)++] = ntohl(d);
	}
	fclose(f);
	return v;
}

int
main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bench_iproute ROUTES PCAP [ROUNDS]\n");
		return 2;
	}
	int rounds = argc > 3 ? atoi(argv[3]) : 200;
	uint32_t n;
	uint32_t *dst = read_dsts(argv[2], &n);
	if (!dst || !n)
		return 1;
	struct iproute_table t[3];
	for (int k = 0; k < 3; k++)
		iproute_table_init(&t[k], (enum iproute_kind)k);
	FILE *f = fopen(argv[1], "r");
	char line[256];
	unsigned nr = 0;
	while (f && fgets(line, sizeof(line), f)) {
		struct iproute_route r;
		strcat(line, " 0");
		if (iproute_parse_route(line, &r, false) < 0)
			continue;
		for (int k = 0; k < 3; k++)
			iproute_table_add(&t[k], &r, false, NULL);
		nr++;
	}
	printf("%u routes, %u addresses x %d rounds\n", nr, n, rounds);
	const char *names[] = { "linear", "radix", "direct" };
	volatile uint64_t sink = 0;
	for (int k = 0; k < 3; k++) {
		int rr = k == 0 ? rounds / 20 + 1 : rounds;
		double t0 = now();
		for (int r = 0; r < rr; r++)
			for (uint32_t i = 0; i < n; i++) {
				uint32_t gw;
				int port = iproute_table_lookup(&t[k], htonl(dst[i]), &gw);
				sink += (uint64_t)port + gw;
			}
		printf("%-7s scalar: %.2f ns/lookup\n", names[k],
		       (now() - t0) * 1e9 / ((double)rr * n));
	}
	for (int k = 1; k < 3; k++) {
		uint32_t out[32];
		double t0 = now();
		for (int r = 0; r < rounds; r++)
			for (uint32_t i = 0; i + 32 <= n; i += 32) {
				if (k == 1)
					iproute_radix_keys(&t[1].radix, dst + i, out, 32);
				else
					iproute_direct_nhs(&t[2].direct, dst + i, out, 32);
				sink += out[0] + out[31];
			}
		printf("%-7s batch of 32: %.2f ns/lookup\n", names[k],
		       (now() - t0) * 1e9 / ((double)rounds * (n / 32 * 32)));
	}
	for (int k = 0; k < 3; k++)
		iproute_table_free(&t[k]);
	free(dst);
	if (f)
		fclose(f);
	return sink == 42;
}
