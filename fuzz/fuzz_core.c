// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer harness: the CO-RE engine.  A fixed BPF object
 * (fuzz/core_local.bpf.c, embedded at build time: every relocation kind)
 * is relocated against a fuzzed target BTF: as vmlinux, and as a module
 * searched after the fixed base (no candidates there).  Every decision,
 * near-miss hint and instruction patch is checked (fuzz/common.h
 * fz_relocate), and a relocated object must reopen without CO-RE records.
 */
#include "common.h"

static struct btfx_obj *obj;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct btfx_error err;

	(void)argc;
	(void)argv;
	obj = btfx_obj_open(fz_file(fz_obj_start, (size_t)(fz_obj_end - fz_obj_start)), &err);
	if (!obj) {
		fprintf(stderr, "fuzz_core: the embedded object does not open: %s\n", err.msg);
		abort();
	}
	return 0;
}

static void on_btf(struct btfx *target, bool validated, void *arg)
{
	const struct btfx *base = fz_base();
	const struct btfx *mods[1] = { target };
	struct fz_check_opts co = { .validated = validated, .max_types = 4096 };

	(void)arg;
	fz_check_btf(target, &co);
	fz_relocate(obj, target, NULL, 0);
	fz_relocate(obj, base, mods, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!obj)
		LLVMFuzzerInitialize(NULL, NULL);
	fz_parse_all(data, size, NULL, on_btf, NULL);
	return 0;
}
