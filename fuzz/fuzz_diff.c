// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer harness: btfx_diff_new on two fuzzed BTFs, and on each against
 * the fixed base of fuzz/common.h.  The input is two raw blobs back to
 * back; the first ends where its header says (hdr_len + str_off +
 * str_len), or at the middle when that does not fit.  A BTF compared with
 * itself has no changes.
 */
#include "btfx/diff.h"
#include "common.h"

static void check_diff(const struct btfx *a, const struct btfx *b, const struct btfx_diff_opts *o)
{
	struct btfx_error err;
	struct btfx_diff *d = btfx_diff_new(a, b, o, &err);
	size_t per_change = 0, per_core = 0;

	if (!d) {
		fz_check_err(&err, "btfx_diff_new");
		return;
	}
	FZ_ASSERT(d->nr_entries == 0 || d->entries != NULL, "%zu entries, NULL array", d->nr_entries);
	for (size_t i = 0; i < d->nr_entries; i++) {
		const struct btfx_diff_entry *e = &d->entries[i];
		FZ_ASSERT(e->change >= BTFX_DIFF_TYPE_ADDED && e->change < BTFX_DIFF_CHANGE__NR, "entry %zu: change %d", i,
			  e->change);
		FZ_ASSERT(e->core < BTFX_DIFF_CORE__NR, "entry %zu: core %d", i, e->core);
		FZ_ASSERT(e->type_name != NULL, "entry %zu: no type name", i);
		FZ_ASSERT(e->old_id < btfx_type_cnt(a) && e->new_id < btfx_type_cnt(b), "entry %zu: ids %u/%u", i,
			  e->old_id, e->new_id);
		fz_sink += strlen(e->type_name) + (e->path ? strlen(e->path) : 0) + (e->old_str ? strlen(e->old_str) : 0) +
			   (e->new_str ? strlen(e->new_str) : 0);
		fz_sink += strlen(btfx_diff_change_str(e->change)) + strlen(btfx_diff_core_str(e->core)) +
			   strlen(btfx_diff_core_text(e->core)) + strlen(btfx_diff_kind_str(e->kind));
	}
	for (int c = 0; c < BTFX_DIFF_CHANGE__NR; c++)
		per_change += d->per_change[c];
	for (int c = 0; c < BTFX_DIFF_CORE__NR; c++)
		per_core += d->per_core[c];
	FZ_ASSERT(per_change == d->nr_entries && per_core == d->nr_entries, "counts %zu/%zu for %zu entries",
		  per_change, per_core, d->nr_entries);
	FZ_ASSERT(d->nr_added <= d->nr_types_new && d->nr_removed <= d->nr_types_old, "added/removed counts");
	if (a == b && !o)
		FZ_ASSERT(d->nr_entries == 0, "a BTF differs from itself: %zu entries, first: %s %s", d->nr_entries,
			  btfx_diff_change_str(d->entries[0].change), d->entries[0].type_name);
	btfx_diff_free(d);
}

static struct btfx *parse_one(const uint8_t *data, size_t size)
{
	static const uint32_t flag_sets[] = { 0, BTFX_F_OBJECT, BTFX_F_NO_VALIDATE };

	for (size_t i = 0; i < 3; i++) {
		struct btfx_open_opts o = { .sz = sizeof(o), .flags = flag_sets[i] };
		struct btfx_error err;
		struct btfx *btf = btfx_parse(data, size, "fuzz", true, &o, &err);
		if (btf)
			return btf;
		fz_check_err(&err, "btfx_parse");
	}
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct btfx *base = fz_base();
	struct btfx *a, *b;
	size_t cut = size / 2;

	if (size >= 24 && data[0] == 0x9f && data[1] == 0xeb) {
		uint32_t hl, so, sl;
		uint64_t end;
		memcpy(&hl, data + 4, 4);
		memcpy(&so, data + 16, 4);
		memcpy(&sl, data + 20, 4);
		end = (uint64_t)hl + so + sl;
		if (end > 0 && end < size)
			cut = (size_t)end;
	}
	a = parse_one(data, cut);
	b = parse_one(data + cut, size - cut);
	if (a) {
		check_diff(a, a, NULL);
		check_diff(a, base, NULL);
		check_diff(base, a, NULL);
	}
	if (a && b) {
		const char *name = NULL;
		struct btfx_diff_opts o = { .sz = sizeof(o), .kinds = 1u << BTFX_KIND_STRUCT | 1u << BTFX_KIND_ENUM };
		check_diff(a, b, NULL);
		check_diff(b, a, NULL);
		check_diff(a, b, &o);
		for (uint32_t id = 1; id < btfx_type_cnt(b) && !name; id++) {
			const char *s = btfx_name(b, btfx_type_by_id(b, id));
			if (s && *s)
				name = s;
		}
		if (name) {
			struct btfx_diff_opts on = { .sz = sizeof(on), .names = &name, .nr_names = 1 };
			check_diff(a, b, &on);
		}
	}
	btfx_free(a);
	btfx_free(b);
	return 0;
}
