// SPDX-License-Identifier: BSD-2-Clause
/*
 * bench_parse: in-process parse+validate cost, libbtfx vs libbpf, on one file.
 *
 *   bench_parse FILE [ROUNDS] [WARMUP]
 *
 * Each round times one btfx_open()+btfx_free() and one btf__parse()+btf__free()
 * on FILE; the order inside a round alternates (AB, BA, AB, ...) so that
 * neither side always runs on a cache warmed by the other.  Prints one
 * key=value line per fact, for bench/run.sh:
 *
 *   btf_bytes=N types=N source=raw|elf|image|compressed
 *   btfx_ns=MEDIAN btfx_min_ns=MIN libbpf_ns=MEDIAN libbpf_min_ns=MIN rounds=N
 *
 * libbpf_ns=NA when libbpf cannot parse FILE (e.g. a compressed image).
 * Exits non-zero only when libbtfx fails.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "btfx/btfx.h"

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static uint64_t median(uint64_t *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_u64);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* one btfx_open+btfx_free; returns elapsed ns or 0 on failure */
static uint64_t run_btfx(const char *path)
{
	struct btfx_error err;
	uint64_t t0 = now_ns();
	struct btfx *b = btfx_open(path, NULL, &err);
	uint64_t t1;

	if (!b) {
		fprintf(stderr, "bench_parse: btfx_open: %s\n", err.msg);
		return 0;
	}
	btfx_free(b);
	t1 = now_ns();
	return t1 > t0 ? t1 - t0 : 1;
}

static uint64_t run_libbpf(const char *path)
{
	uint64_t t0 = now_ns();
	struct btf *b = btf__parse(path, NULL);
	uint64_t t1;

	if (!b)
		return 0;
	btf__free(b);
	t1 = now_ns();
	return t1 > t0 ? t1 - t0 : 1;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/sys/kernel/btf/vmlinux";
	int rounds = argc > 2 ? atoi(argv[2]) : 30;
	int warmup = argc > 3 ? atoi(argv[3]) : 3;
	struct btfx_error err;
	struct btfx *b;
	struct btf *lb;
	uint64_t *ta, *tb, ma, mb;
	bool have_libbpf;
	size_t btf_bytes = 0;
	const char *src = "?";

	if (rounds < 1)
		rounds = 1;
	if (warmup < 0)
		warmup = 0;
	libbpf_set_print(quiet);

	/* facts about the input, and a sanity check that both agree */
	b = btfx_open(path, NULL, &err);
	if (!b) {
		fprintf(stderr, "bench_parse: btfx_open: %s\n", err.msg);
		return 1;
	}
	btfx_raw_data(b, &btf_bytes);
	switch (btfx_source(b)) {
	case BTFX_SRC_RAW: src = "raw"; break;
	case BTFX_SRC_ELF: src = "elf"; break;
	case BTFX_SRC_IMAGE: src = "image"; break;
	case BTFX_SRC_COMPRESSED: src = "compressed"; break;
	}
	printf("btf_bytes=%zu types=%u source=%s\n", btf_bytes, btfx_type_cnt(b) - btfx_start_id(b), src);
	lb = btf__parse(path, NULL);
	have_libbpf = lb != NULL;
	if (lb) {
		if (btf__type_cnt(lb) != btfx_type_cnt(b))
			fprintf(stderr, "bench_parse: warning: type counts differ (btfx %u, libbpf %u)\n",
				btfx_type_cnt(b), btf__type_cnt(lb));
		btf__free(lb);
	} else {
		fprintf(stderr, "bench_parse: libbpf btf__parse cannot read %s\n", path);
	}
	btfx_free(b);

	ta = calloc((size_t)rounds, sizeof(*ta));
	tb = calloc((size_t)rounds, sizeof(*tb));
	if (!ta || !tb)
		return 1;
	for (int i = 0; i < warmup; i++) {
		if (!run_btfx(path))
			return 1;
		if (have_libbpf)
			run_libbpf(path);
	}
	for (int i = 0; i < rounds; i++) {
		if (i % 2 == 0) {
			ta[i] = run_btfx(path);
			tb[i] = have_libbpf ? run_libbpf(path) : 0;
		} else {
			tb[i] = have_libbpf ? run_libbpf(path) : 0;
			ta[i] = run_btfx(path);
		}
		if (!ta[i])
			return 1;
	}
	ma = median(ta, rounds);
	printf("btfx_ns=%llu btfx_min_ns=%llu ", (unsigned long long)ma, (unsigned long long)ta[0]);
	if (have_libbpf) {
		mb = median(tb, rounds);
		printf("libbpf_ns=%llu libbpf_min_ns=%llu ", (unsigned long long)mb, (unsigned long long)tb[0]);
	} else {
		printf("libbpf_ns=NA libbpf_min_ns=NA ");
	}
	printf("rounds=%d\n", rounds);
	free(ta);
	free(tb);
	return 0;
}
