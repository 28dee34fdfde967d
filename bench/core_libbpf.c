// SPDX-License-Identifier: BSD-2-Clause
/*
 * Bench peer for `btftool core explain`: libbpf (Debian 1.1) opening a BPF
 * object with btf_custom_path and applying its CO-RE relocations.  libbpf
 * relocates inside bpf_object__load(); the programs are given an invalid
 * type so that the kernel refuses them at once, without verifying, and the
 * time measured is open + BTF parse + candidate search + relocation.
 * Usage: core_libbpf OBJ TARGET_BTF N  -> prints the median in ms.
 */
#include <bpf/libbpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int quiet(enum libbpf_print_level l, const char *f, va_list a)
{
	(void)l;
	(void)f;
	(void)a;
	return 0;
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int n = argc > 3 ? atoi(argv[3]) : 10;
	double *t;

	if (argc < 3 || n < 1)
		return 2;
	t = calloc((size_t)n, sizeof(*t));
	libbpf_set_print(quiet);
	for (int i = 0; i < n; i++) {
		LIBBPF_OPTS(bpf_object_open_opts, o, .btf_custom_path = argv[2]);
		double t0 = now();
		struct bpf_object *obj = bpf_object__open_file(argv[1], &o);
		struct bpf_program *p;

		if (!obj)
			return 2;
		bpf_object__for_each_program(p, obj)
			bpf_program__set_type(p, BPF_PROG_TYPE_UNSPEC);
		bpf_object__load(obj);
		bpf_object__close(obj);
		t[i] = (now() - t0) * 1e3;
	}
	qsort(t, (size_t)n, sizeof(*t), cmp);
	printf("%.3f\n", t[n / 2]);
	free(t);
	return 0;
}
