// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer harness: struct/union layouts (btfx_record_layout_new) and C
 * declarations (btfx_type_decl) of every type of a raw BTF blob, with two
 * cacheline sizes.  Both must terminate, stay within the type and keep
 * their text NUL-terminated and consistent with the returned length.
 */
#include "common.h"

static void on_btf(struct btfx *btf, bool validated, void *arg)
{
	uint32_t cnt = btfx_type_cnt(btf);
	struct btfx_error err;

	(void)arg;
	for (uint32_t id = 1; id < cnt; id++) {
		const struct btfx_type *t = btfx_type_by_id(btf, id);
		FZ_ASSERT(t != NULL, "[%u] does not resolve", id);
		if (btfx_is_composite(t)) {
			fz_check_layout(btf, id, t, 64, validated);
			fz_check_layout(btf, id, t, 32, validated);
		} else {
			/* modifiers/typedefs of a struct are followed, anything else is E_USAGE */
			struct btfx_record_layout *l = btfx_record_layout_new(btf, id, NULL, &err);
			if (l)
				btfx_record_layout_free(l);
			else
				fz_check_err(&err, "btfx_record_layout_new");
		}
		fz_check_decl(btf, id);
	}
	FZ_ASSERT(!btfx_record_layout_new(btf, cnt, NULL, &err), "layout of id %u (out of range)", cnt);
	fz_check_err(&err, "btfx_record_layout_new(out of range)");
	fz_check_decl(btf, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_parse_all(data, size, NULL, on_btf, NULL);
	return 0;
}
