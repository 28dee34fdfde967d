// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer harness: split BTF (a module's .BTF) on a fixed base
 * (fuzz/common.h fz_base(): 17 vmlinux-like types).  Ids and string
 * offsets continue after the base's; every accepted blob must resolve
 * across the two, with the invariants of fuzz/common.h.
 */
#include "common.h"

static void on_btf(struct btfx *btf, bool validated, void *arg)
{
	struct fz_check_opts o = { .validated = validated, .layouts = true };

	(void)arg;
	FZ_ASSERT(btfx_start_id(btf) == FZ_BASE_NR_TYPES + 1, "split BTF starts at id %u", btfx_start_id(btf));
	fz_check_btf(btf, &o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_parse_all(data, size, fz_base(), on_btf, NULL);
	return 0;
}
