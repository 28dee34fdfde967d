// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer harness: a raw BTF blob (btfx_parse), as read from
 * /sys/kernel/btf/vmlinux or a .BTF section.  Every accepted blob goes
 * through every accessor with the invariants of fuzz/common.h.
 */
#include "common.h"

static void on_btf(struct btfx *btf, bool validated, void *arg)
{
	struct fz_check_opts o = { .validated = validated, .layouts = true };

	(void)arg;
	FZ_ASSERT(btfx_start_id(btf) == 1, "non-split BTF starts at id %u", btfx_start_id(btf));
	fz_check_btf(btf, &o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct btfx_error err;

	fz_parse_all(data, size, NULL, on_btf, NULL);
	/* usage errors */
	FZ_ASSERT(!btfx_parse(NULL, size + 1, NULL, false, NULL, &err), "NULL data accepted");
	fz_check_err(&err, "btfx_parse(NULL)");
	return 0;
}
