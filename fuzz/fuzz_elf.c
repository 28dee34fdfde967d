// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer harness: ELF inputs (vmlinux, kernel modules on the fixed base,
 * BPF objects), handed over as a file (a memfd, /proc/self/fd/N):
 * btfx_open on any of them and btfx_obj_open, then every accessor with the
 * invariants of fuzz/common.h, and for objects with CO-RE relocations,
 * relocation against the object's own BTF (fuzzed instructions and
 * records go through the patcher).
 */
#include "common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_check_opts co = { .validated = true, .layouts = true, .max_types = 4096 };
	const char *path = fz_file(data, size);
	struct btfx_error err;
	struct btfx_obj *obj;
	struct btfx *btf;

	btf = fz_open(path, &err);
	if (btf) {
		fz_check_btf(btf, &co);
		btfx_free(btf);
	}

	obj = btfx_obj_open(path, &err);
	if (!obj) {
		fz_check_err(&err, "btfx_obj_open");
		return 0;
	}
	fz_check_obj(obj, data, size);
	fz_relocate(obj, btfx_obj_btf(obj), NULL, 0);
	btfx_obj_free(obj);
	return 0;
}
