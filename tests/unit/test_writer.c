// SPDX-License-Identifier: BSD-2-Clause
/*
 * The BTF writer, subsets and sanitization.
 *
 *  - every kind through the typed API, validated, both byte orders, with
 *    and without a layout section, and an unknown kind sized by the layout;
 *  - string dedup (own and base strings of split BTF) and API errors;
 *  - round trip (parse -> write, identical bytes) on every positive crafted
 *    case and on every real kernel BTF and module of the test data: the
 *    running kernel, each MANIFEST vmlinuz and every module of its package
 *    (with the vmlinuz as base).  Kernels (and one module in 32) are also
 *    rebuilt type by type through the public API (strings added in order,
 *    every type copied), which must give the same bytes, and vmlinux BTFs
 *    go through the other byte order and back;
 *  - btfx_write_subset on the running kernel and a module;
 *  - btfx_sanitize for each kernel version of the feature table, on a
 *    crafted BTF with every kind and kind_flag use (and a layout section):
 *    sizes and offsets kept, nothing left the version lacks, and the
 *    running kernel loads every result (BPF_BTF_LOAD through libbpf);
 *    the probed features of the running kernel equal the table's.
 *
 * Kernel data missing makes those tests skip (fail with CI=true).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <bpf/bpf.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "btfx/btfx.h"
#include "btfx/minimize.h"
#include "btfx/sanitize.h"
#include "btfx/writer.h"
#include "helpers/corpus.h"

static bool in_ci(void)
{
	const char *ci = getenv("CI");
	return ci && !strcmp(ci, "true");
}

#define SKIP_OR_FAIL(...)                                                                          \
	do {                                                                                       \
		if (in_ci())                                                                       \
			fail_msg(__VA_ARGS__);                                                     \
		print_message(__VA_ARGS__);                                                        \
		print_message("\n");                                                               \
		skip();                                                                            \
	} while (0)

static struct btfx *parse_ok(const void *data, size_t size, const struct btfx *base, uint32_t flags)
{
	struct btfx_open_opts o = { .sz = sizeof(o), .base = base, .flags = flags | BTFX_F_NO_AUTO_BASE };
	struct btfx_error err;
	struct btfx *b = btfx_parse(data, size, "test", true, &o, &err);

	if (!b)
		fail_msg("parse: %s", err.msg);
	return b;
}

static void *write_ok(struct btfx_writer *w, enum btfx_endian endian, uint32_t flags, size_t *size)
{
	struct btfx_write_opts wo = { .sz = sizeof(wo), .endian = endian, .flags = flags };
	struct btfx_error err;
	void *data;

	if (btfx_writer_write(w, &wo, &data, size, &err))
		fail_msg("write: %s", err.msg);
	return data;
}

/* ------------------------------------------------------------------ */
/* Every kind                                                          */
/* ------------------------------------------------------------------ */

/*
 * A BTF the running kernel loads, with every kind and every kind_flag use:
 *  [1] int  [2] unsigned int  [3] PTR->1  [4] ARRAY int[4]
 *  [5] STRUCT bf {int a:3 (kflag); unsigned b:5; int *p; int arr[4]}
 *  [6] UNION u {int i; float f}  [7] ENUM e signed {N=-1, P=2}
 *  [8] FWD union fu  [9] TYPEDEF t_int->1  [10] VOLATILE->1 [11] CONST->10
 *  [12] RESTRICT->3  [13] FUNC_PROTO int(int x, ...)  [14] FUNC gf global
 *  [15] VAR gv global->1  [16] DATASEC .data {15 @0 sz4}  [17] FLOAT float
 *  [18] DECL_TAG "dtag"->5 member 0  [19] TYPE_TAG "user"->1
 *  [20] PTR->19  [21] ENUM64 e64 signed {BIG=2^40, NEG=-2}
 *  [22] FUNC sf static->13  [23] TYPE_TAG attr "noderef"->1  [24] PTR->23
 *  [25] DECL_TAG attr "aligned(8)"->14 -1  [26] VAR qv static->1
 *  [27] DATASEC ?.bss {26 @0 sz4}  [28] STRUCT holder {e64 x; t_int *y; ...}
 */
static struct btfx_writer *every_kind(void)
{
	struct btfx_error err;
	struct btfx_writer *w = btfx_writer_new(NULL, &err);

	assert_non_null(w);
	assert_int_equal(btfx_writer_add_int(w, "int", 4, BTFX_INT_SIGNED, 0, 32), 1);
	assert_int_equal(btfx_writer_add_int(w, "unsigned int", 4, 0, 0, 32), 2);
	assert_int_equal(btfx_writer_add_ref(w, BTFX_KIND_PTR, NULL, 1), 3);
	assert_int_equal(btfx_writer_add_array(w, 1, 1, 4), 4);
	assert_int_equal(btfx_writer_add_struct(w, "bf", 32), 5);
	assert_int_equal(btfx_writer_add_member(w, "a", 1, 0, 3), 0);
	assert_int_equal(btfx_writer_add_member(w, "b", 2, 3, 5), 0);
	assert_int_equal(btfx_writer_add_member(w, "p", 3, 64, 0), 0);
	assert_int_equal(btfx_writer_add_member(w, "arr", 4, 128, 0), 0);
	assert_int_equal(btfx_writer_add_union(w, "u", 4), 6);
	assert_int_equal(btfx_writer_add_member(w, "i", 1, 0, 0), 0);
	assert_int_equal(btfx_writer_add_member(w, "f", 17, 0, 0), 0);
	assert_int_equal(btfx_writer_add_enum(w, "e", 4, false), 7);
	assert_int_equal(btfx_writer_add_enum_val(w, "N", -1), 0);
	assert_int_equal(btfx_writer_add_enum_val(w, "P", 2), 0);
	assert_int_equal(btfx_writer_add_fwd(w, "fu", true), 8);
	assert_int_equal(btfx_writer_add_ref(w, BTFX_KIND_TYPEDEF, "t_int", 1), 9);
	assert_int_equal(btfx_writer_add_ref(w, BTFX_KIND_VOLATILE, NULL, 1), 10);
	assert_int_equal(btfx_writer_add_ref(w, BTFX_KIND_CONST, NULL, 10), 11);
	assert_int_equal(btfx_writer_add_ref(w, BTFX_KIND_RESTRICT, NULL, 3), 12);
	assert_int_equal(btfx_writer_add_func_proto(w, 1), 13);
	assert_int_equal(btfx_writer_add_param(w, "x", 1), 0);
	assert_int_equal(btfx_writer_add_func(w, "gf", 13, BTFX_LINKAGE_GLOBAL), 14);
	assert_int_equal(btfx_writer_add_var(w, "gv", 1, BTFX_LINKAGE_GLOBAL), 15);
	assert_int_equal(btfx_writer_add_datasec(w, ".data", 4), 16);
	assert_int_equal(btfx_writer_add_secinfo(w, 15, 0, 4), 0);
	assert_int_equal(btfx_writer_add_float(w, "float", 4), 17);
	assert_int_equal(btfx_writer_add_decl_tag(w, "dtag", 5, 0, false), 18);
	assert_int_equal(btfx_writer_add_type_tag(w, "user", 1, false), 19);
	assert_int_equal(btfx_writer_add_ref(w, BTFX_KIND_PTR, NULL, 19), 20);
	assert_int_equal(btfx_writer_add_enum64(w, "e64", 8, false), 21);
	assert_int_equal(btfx_writer_add_enum_val(w, "BIG", 1ll << 40), 0);
	assert_int_equal(btfx_writer_add_enum_val(w, "NEG", -2), 0);
	assert_int_equal(btfx_writer_add_func(w, "sf", 13, BTFX_LINKAGE_STATIC), 22);
	assert_int_equal(btfx_writer_add_type_tag(w, "noderef", 1, true), 23);
	assert_int_equal(btfx_writer_add_ref(w, BTFX_KIND_PTR, NULL, 23), 24);
	assert_int_equal(btfx_writer_add_decl_tag(w, "aligned(8)", 14, -1, true), 25);
	assert_int_equal(btfx_writer_add_var(w, "qv", 1, BTFX_LINKAGE_STATIC), 26);
	assert_int_equal(btfx_writer_add_datasec(w, "?.bss", 4), 27);
	assert_int_equal(btfx_writer_add_secinfo(w, 26, 0, 4), 0);
	assert_int_equal(btfx_writer_add_struct(w, "holder", 48), 28);
	assert_int_equal(btfx_writer_add_member(w, "x", 21, 0, 0), 0);
	assert_int_equal(btfx_writer_add_member(w, "y", 9, 64, 0), 0);
	assert_int_equal(btfx_writer_add_member(w, "z", 20, 128, 0), 0);
	assert_int_equal(btfx_writer_add_member(w, "q", 24, 192, 0), 0);
	assert_int_equal(btfx_writer_add_member(w, "w", 12, 256, 0), 0);
	assert_int_equal(btfx_writer_add_member(w, "v", 11, 320, 0), 0);
	assert_int_equal(btfx_writer_add_member(w, "e", 7, 352, 0), 0);
	/* varargs marker on a second prototype */
	assert_int_equal(btfx_writer_add_func_proto(w, 0), 29);
	assert_int_equal(btfx_writer_add_param(w, "fmt", 3), 0);
	assert_int_equal(btfx_writer_add_param(w, NULL, 0), 0);
	assert_int_equal(btfx_writer_add_ref(w, BTFX_KIND_PTR, NULL, 29), 30);
	assert_int_equal(btfx_writer_type_cnt(w), 31);
	return w;
}

static void test_every_kind(void **state)
{
	struct btfx_writer *w = every_kind(), *w2;
	const struct btfx_type *t;
	size_t size, bsize, lsize, size2;
	void *data = write_ok(w, BTFX_ENDIAN_LITTLE, BTFX_WRITE_VALIDATE, &size), *big, *again;
	struct btfx *btf, *bbtf;
	struct btfx_header_info h;

	(void)state;
	btf = parse_ok(data, size, NULL, 0);
	assert_int_equal(btfx_type_cnt(btf), 31);
	for (unsigned k = 1; k < BTFX_KIND_NR; k++) {
		bool seen = false;
		for (uint32_t id = 1; id < 31 && !seen; id++)
			seen = btfx_kind(btfx_type_by_id(btf, id)) == k;
		if (!seen)
			fail_msg("kind %u (%s) missing", k, btfx_kind_str(k));
	}
	t = btfx_type_by_id(btf, 5);
	assert_true(btfx_kflag(t));
	assert_int_equal(btfx_member_bitfield_size(t, 0), 3);
	assert_int_equal(btfx_member_bit_offset(t, 1), 3);
	assert_int_equal(btfx_member_bitfield_size(t, 1), 5);
	assert_int_equal(btfx_member_bit_offset(t, 3), 128);
	assert_true(btfx_kflag(btfx_type_by_id(btf, 7)));  /* negative enumerator */
	assert_true(btfx_kflag(btfx_type_by_id(btf, 8)));  /* union fwd */
	assert_int_equal(btfx_vlen(btfx_type_by_id(btf, 14)), BTFX_LINKAGE_GLOBAL);
	t = btfx_type_by_id(btf, 21);
	assert_int_equal(btfx_enum64_value(btfx_enums64(t)), 1ull << 40);
	assert_int_equal((int64_t)btfx_enum64_value(btfx_enums64(t) + 1), -2);
	assert_true(btfx_kflag(btfx_type_by_id(btf, 23)));
	assert_true(btfx_kflag(btfx_type_by_id(btf, 25)));
	assert_string_equal(btfx_name(btf, btfx_type_by_id(btf, 27)), "?.bss");
	t = btfx_type_by_id(btf, 29);
	assert_int_equal(btfx_params(t)[1].type, 0);
	assert_int_equal(btfx_params(t)[1].name_off, 0);

	/* big endian: reads back as the same types; new_from keeps the order */
	big = write_ok(w, BTFX_ENDIAN_BIG, BTFX_WRITE_VALIDATE, &bsize);
	assert_int_equal(bsize, size);
	assert_memory_not_equal(big, data, 16);
	bbtf = parse_ok(big, bsize, NULL, 0);
	assert_true(btfx_is_foreign_endian(bbtf));
	for (uint32_t id = 1; id < 31; id++)
		assert_memory_equal(btfx_type_by_id(btf, id), btfx_type_by_id(bbtf, id), 12);
	w2 = btfx_writer_new_from(bbtf, NULL);
	again = write_ok(w2, BTFX_ENDIAN_DEFAULT, 0, &size2);
	assert_int_equal(size2, bsize);
	assert_memory_equal(again, big, bsize);
	free(again);
	again = write_ok(w2, BTFX_ENDIAN_LITTLE, 0, &size2);
	assert_memory_equal(again, data, size);
	free(again);
	btfx_writer_free(w2);

	/* with a layout section: 32-byte header, 20 kinds after the types */
	assert_int_equal(btfx_writer_set_default_layout(w, 0), 0);
	again = write_ok(w, BTFX_ENDIAN_LITTLE, BTFX_WRITE_VALIDATE, &lsize);
	assert_int_equal(lsize, size + 8 + 80);
	btfx_free(bbtf);
	bbtf = parse_ok(again, lsize, NULL, 0);
	btfx_header(bbtf, &h);
	assert_int_equal(h.hdr_len, 32);
	assert_int_equal(h.layout_len, 80);
	assert_int_equal(h.layout_off, h.type_len);
	assert_int_equal(h.str_off, h.type_len + 80);
	/* dropping it again gives the first blob back */
	{
		void *nl = write_ok(w, BTFX_ENDIAN_LITTLE, BTFX_WRITE_NO_LAYOUT, &size2);
		assert_int_equal(size2, size);
		assert_memory_equal(nl, data, size);
		free(nl);
	}
	free(again);
	btfx_free(bbtf);
	btfx_free(btf);
	free(big);
	free(data);
	btfx_writer_free(w);
}

/* An unknown kind (20) is written and read back through the layout. */
static void test_unknown_kind(void **state)
{
	struct btfx_writer *w = btfx_writer_new(NULL, NULL);
	struct btfx_layout table[21];
	uint32_t rec[3 + 2 + 2 * 4];
	struct btfx *btf;
	size_t size;
	void *data;

	(void)state;
	assert_int_equal(btfx_writer_add_int(w, "int", 4, BTFX_INT_SIGNED, 0, 32), 1);
	memset(table, 0, sizeof(table));
	btfx_writer_set_default_layout(w, 20);
	btfx_writer_set_layout(w, NULL, 0);
	assert_false(btfx_writer_has_layout(w));
	assert_int_equal(btfx_writer_set_default_layout(w, 21), 0);
	/* kind 20: info_sz 8, elem_sz 16 */
	{
		struct btfx_writer *t = btfx_writer_new(NULL, NULL);
		(void)t;
		btfx_writer_free(t);
	}
	memset(rec, 0, sizeof(rec));
	rec[1] = 20u << 24 | 2;
	/* without a layout entry for 20 it cannot be added */
	assert_true(btfx_writer_add_raw(w, (const struct btfx_type *)rec, 12 + 8 + 32) < 0);
	assert_true(strlen(btfx_writer_errmsg(w)) > 0);
	{
		struct btfx_layout std[21];
		memset(std, 0, sizeof(std));
		std[1] = (struct btfx_layout){ 4, 0, 0 };
		std[3] = (struct btfx_layout){ 12, 0, 0 };
		std[4] = std[5] = (struct btfx_layout){ 0, 12, 0 };
		std[6] = (struct btfx_layout){ 0, 8, 0 };
		std[13] = (struct btfx_layout){ 0, 8, 0 };
		std[14] = (struct btfx_layout){ 4, 0, 0 };
		std[15] = (struct btfx_layout){ 0, 12, 0 };
		std[17] = (struct btfx_layout){ 4, 0, 0 };
		std[19] = (struct btfx_layout){ 0, 12, 0 };
		std[20] = (struct btfx_layout){ 8, 16, 0 };
		assert_int_equal(btfx_writer_set_layout(w, std, 21), 0);
		/* a known kind with the wrong shape is refused */
		std[1].info_sz = 8;
		assert_true(btfx_writer_set_layout(w, std, 21) < 0);
	}
	assert_int_equal(btfx_writer_add_raw(w, (const struct btfx_type *)rec, 12 + 8 + 32), 2);
	assert_int_equal(btfx_writer_add_ref(w, BTFX_KIND_PTR, NULL, 1), 3);
	data = write_ok(w, BTFX_ENDIAN_HOST, BTFX_WRITE_VALIDATE, &size);
	btf = parse_ok(data, size, NULL, 0);
	assert_int_equal(btfx_kind(btfx_type_by_id(btf, 2)), 20);
	assert_int_equal(btfx_kind(btfx_type_by_id(btf, 3)), BTFX_KIND_PTR);
	/* sanitizing for a kernel without the 7.1 UAPI cannot express kind 20 */
	{
		struct btfx_sanitize_opts so = { .sz = sizeof(so), .features = BTFX_FEAT_ALL & ~BTFX_FEAT_LAYOUT };
		struct btfx_error err;
		void *out;
		size_t osz;
		assert_true(btfx_sanitize(btf, &so, &out, &osz, NULL, &err) < 0);
		assert_int_equal(err.code, BTFX_E_KIND);
		assert_int_equal(err.type_id, 2);
		assert_non_null(strstr(err.msg, "[2]"));
	}
	btfx_free(btf);
	free(data);
	btfx_writer_free(w);
}

/* ------------------------------------------------------------------ */
/* Strings, errors                                                     */
/* ------------------------------------------------------------------ */

static void test_strings(void **state)
{
	struct btfx_writer *w = btfx_writer_new(NULL, NULL), *s;
	struct btfx *base;
	int64_t a, b, c;
	size_t size;
	void *data;

	(void)state;
	assert_int_equal(btfx_writer_add_str(w, ""), 0);
	assert_int_equal(btfx_writer_add_str(w, NULL), 0);
	a = btfx_writer_add_str(w, "alpha");
	b = btfx_writer_add_str(w, "beta");
	assert_int_equal(a, 1);
	assert_int_equal(b, 7);
	assert_int_equal(btfx_writer_add_str(w, "alpha"), a);
	assert_int_equal(btfx_writer_find_str(w, "beta"), b);
	assert_int_equal(btfx_writer_find_str(w, "gamma"), -ENOENT);
	assert_string_equal(btfx_writer_str(w, (uint32_t)b), "beta");
	assert_null(btfx_writer_str(w, 1000));
	/* many strings: the set grows, offsets stay */
	for (int i = 0; i < 5000; i++) {
		char n[32];
		snprintf(n, sizeof(n), "s%d", i);
		c = btfx_writer_add_str(w, n);
		assert_true(c > 0);
		assert_int_equal(btfx_writer_add_str(w, n), c);
	}
	assert_int_equal(btfx_writer_add_str(w, "alpha"), a);
	btfx_writer_add_int(w, "alpha", 4, 0, 0, 32);
	data = write_ok(w, BTFX_ENDIAN_HOST, BTFX_WRITE_VALIDATE, &size);
	base = parse_ok(data, size, NULL, 0);

	/* split: base strings are reused, new ones follow the base's */
	s = btfx_writer_new(base, NULL);
	assert_int_equal(btfx_writer_start_id(s), 2);
	assert_int_equal(btfx_writer_add_str(s, "beta"), b);
	{
		struct btfx_header_info h;
		btfx_header(base, &h);
		assert_int_equal(btfx_writer_add_str(s, "delta"), h.str_len);
		assert_int_equal(btfx_writer_add_str(s, "delta"), h.str_len);
	}
	assert_int_equal(btfx_writer_add_ref(s, BTFX_KIND_TYPEDEF, "delta", 1), 2);
	{
		size_t ssz;
		void *sd = write_ok(s, BTFX_ENDIAN_HOST, BTFX_WRITE_VALIDATE, &ssz);
		struct btfx *split = parse_ok(sd, ssz, base, 0);
		assert_string_equal(btfx_name(split, btfx_type_by_id(split, 2)), "delta");
		btfx_free(split);
		free(sd);
	}
	btfx_writer_free(s);
	btfx_free(base);
	free(data);
	btfx_writer_free(w);
}

static void test_api_errors(void **state)
{
	struct btfx_writer *w = btfx_writer_new(NULL, NULL);
	struct btfx_write_opts wo = { .sz = sizeof(wo), .hdr_len = 20 };
	struct btfx_error err;
	uint32_t rec[4] = { 0, (uint32_t)BTFX_KIND_INT << 24, 4, 32 };
	size_t size;
	void *data;

	(void)state;
	assert_int_equal(btfx_writer_add_member(w, "m", 1, 0, 0), -EINVAL);
	assert_non_null(strstr(btfx_writer_errmsg(w), "add_member"));
	assert_int_equal(btfx_writer_add_int(w, NULL, 4, 0, 0, 32), -EINVAL);
	assert_int_equal(btfx_writer_add_int(w, "i", 4, 0x10, 0, 32), -EINVAL);
	assert_int_equal(btfx_writer_add_ref(w, BTFX_KIND_STRUCT, NULL, 1), -EINVAL);
	assert_int_equal(btfx_writer_add_ref(w, BTFX_KIND_PTR, "named", 1), -EINVAL);
	assert_int_equal(btfx_writer_add_enum(w, "e", 4, false), 1);
	assert_int_equal(btfx_writer_add_enum_val(w, "big", 1ll << 33), -E2BIG);
	assert_int_equal(btfx_writer_add_enum_val(w, NULL, 1), -EINVAL);
	assert_int_equal(btfx_writer_add_param(w, "p", 1), -EINVAL);
	assert_int_equal(btfx_writer_add_struct(w, "s", 4), 2);
	assert_int_equal(btfx_writer_add_member(w, "m", 1, 0, 300), -EINVAL);
	assert_int_equal(btfx_writer_add_raw(w, (const struct btfx_type *)rec, 12), -EINVAL); /* INT is 16 bytes */
	assert_int_equal(btfx_writer_add_raw(w, (const struct btfx_type *)rec, 16), 3);
	assert_int_equal(btfx_writer_add_func(w, "f", 1, 7), -EINVAL);
	assert_int_equal(btfx_writer_add_decl_tag(w, "t", 1, -2, false), -EINVAL);
	assert_null(btfx_writer_type(w, 0));
	assert_null(btfx_writer_type(w, 4));
	assert_int_equal(btfx_kind(btfx_writer_type(w, 3)), BTFX_KIND_INT);
	assert_true(btfx_writer_write(w, &wo, &data, &size, &err) < 0);
	assert_int_equal(err.code, BTFX_E_USAGE);
	/* VALIDATE names the broken type */
	btfx_writer_add_ref(w, BTFX_KIND_PTR, NULL, 99);
	wo.hdr_len = 0;
	wo.flags = BTFX_WRITE_VALIDATE;
	assert_true(btfx_writer_write(w, &wo, &data, &size, &err) < 0);
	assert_int_equal(err.type_id, 4);
	assert_non_null(strstr(err.msg, "[4]"));
	btfx_writer_free(w);
	assert_null(btfx_writer_new_from(NULL, &err));
	assert_int_equal(err.code, BTFX_E_USAGE);
}

/* ------------------------------------------------------------------ */
/* Round trips                                                         */
/* ------------------------------------------------------------------ */

/* parse -> write gives the bytes back; returns false (and says why) if not */
static bool same_bytes(const struct btfx *btf, char *why, size_t whylen)
{
	struct btfx_error err;
	struct btfx_writer *w = btfx_writer_new_from(btf, &err);
	size_t size, rsize;
	const void *raw = btfx_raw_data(btf, &rsize);
	void *data;
	bool same;

	if (!w || btfx_writer_write(w, NULL, &data, &size, &err)) {
		snprintf(why, whylen, "write: %.200s", err.msg);
		btfx_writer_free(w);
		return false;
	}
	same = size == rsize && !memcmp(data, raw, size);
	if (!same)
		snprintf(why, whylen, "new_from: %zu bytes written for %zu read", size, rsize);
	free(data);
	btfx_writer_free(w);
	return same;
}

/* rebuilt through the public API: strings in table order, then each type */
static bool rebuilt_same(const struct btfx *btf, char *why, size_t whylen)
{
	const struct btfx *base = btfx_base(btf);
	struct btfx_writer *w = btfx_writer_new(base, NULL);
	struct btfx_header_info h, bh = { 0 };
	struct btfx_write_opts wo = { .sz = sizeof(wo) };
	size_t size, rsize;
	const void *raw = btfx_raw_data(btf, &rsize);
	uint32_t start = 0;
	void *data;
	bool same;

	btfx_header(btf, &h);
	for (const struct btfx *b = base; b; b = btfx_base(b)) {
		btfx_header(b, &bh);
		start += bh.str_len;
	}
	for (uint32_t off = start; off < start + h.str_len;) {
		const char *s = btfx_str(btf, off);
		int64_t r = btfx_writer_add_str(w, s);
		if (*s && r != off) {
			snprintf(why, whylen, "string '%s' at %u came back at %lld", s, off, (long long)r);
			btfx_writer_free(w);
			return false;
		}
		off += (uint32_t)strlen(s) + 1;
	}
	for (uint32_t id = btfx_start_id(btf); id < btfx_type_cnt(btf); id++)
		if (btfx_writer_copy_type(w, btf, id, NULL, 0) < 0) {
			snprintf(why, whylen, "copy [%u]: %s", id, btfx_writer_errmsg(w));
			btfx_writer_free(w);
			return false;
		}
	wo.hdr_len = h.hdr_len;
	wo.endian = btfx_is_foreign_endian(btf) == (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__) ? BTFX_ENDIAN_LITTLE
											 : BTFX_ENDIAN_BIG;
	if (btfx_writer_write(w, &wo, &data, &size, NULL)) {
		snprintf(why, whylen, "rebuild: write failed");
		btfx_writer_free(w);
		return false;
	}
	same = size == rsize && !memcmp(data, raw, size);
	if (!same)
		snprintf(why, whylen, "rebuilt type by type: %zu bytes for %zu", size, rsize);
	free(data);
	btfx_writer_free(w);
	return same;
}

/* the other byte order and back */
static bool swapped_same(const struct btfx *btf, char *why, size_t whylen)
{
	struct btfx_writer *w = btfx_writer_new_from(btf, NULL), *w2;
	enum btfx_endian other = btfx_is_foreign_endian(btf) == (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)
					 ? BTFX_ENDIAN_BIG : BTFX_ENDIAN_LITTLE;
	struct btfx_write_opts wo = { .sz = sizeof(wo), .endian = other };
	size_t size, size2, rsize;
	const void *raw = btfx_raw_data(btf, &rsize);
	void *data, *back;
	struct btfx *sw;
	bool same;

	if (btfx_writer_write(w, &wo, &data, &size, NULL)) {
		btfx_writer_free(w);
		snprintf(why, whylen, "swapped write failed");
		return false;
	}
	sw = btfx_parse(data, size, "swapped", false, &(struct btfx_open_opts){ .sz = sizeof(struct btfx_open_opts),
						    .base = btfx_base(btf), .flags = BTFX_F_NO_AUTO_BASE }, NULL);
	if (!sw) {
		snprintf(why, whylen, "swapped blob does not parse");
		free(data);
		btfx_writer_free(w);
		return false;
	}
	w2 = btfx_writer_new_from(sw, NULL);
	wo.endian = other == BTFX_ENDIAN_BIG ? BTFX_ENDIAN_LITTLE : BTFX_ENDIAN_BIG;
	btfx_writer_write(w2, &wo, &back, &size2, NULL);
	same = size2 == rsize && !memcmp(back, raw, rsize) && btfx_type_cnt(sw) == btfx_type_cnt(btf);
	if (!same)
		snprintf(why, whylen, "swapped and back: not the same bytes");
	free(back);
	btfx_writer_free(w2);
	btfx_free(sw);
	free(data);
	btfx_writer_free(w);
	return same;
}

static void test_roundtrip_corpus(void **state)
{
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < corpus_len; i++) {
		const struct tcase *c = &corpus[i];
		struct btfx *btf;
		char why[256];
		size_t size;
		uint8_t *blob;

		if (c->code != BTFX_OK || (c->flags & CF_PROBE))
			continue;
		blob = c->build(&size);
		btf = btfx_parse(blob, size, c->name, false, NULL, NULL);
		if (!btf)
			fail_msg("%s: does not parse", c->name);
		if (!same_bytes(btf, why, sizeof(why)))
			fail_msg("%s: %s", c->name, why);
		if (!swapped_same(btf, why, sizeof(why)))
			fail_msg("%s: %s", c->name, why);
		btfx_free(btf);
		free(blob);
		n++;
	}
	assert_true(n >= 5);
}

struct walk {
	const struct btfx *base;
	size_t n, bad;
	char first[512];
};

static void one_module(struct walk *wk, const char *path)
{
	struct btfx_open_opts o = { .sz = sizeof(o), .base = wk->base, .flags = BTFX_F_NO_AUTO_BASE };
	struct btfx_error err;
	struct btfx *m = btfx_open(path, &o, &err);
	char why[256];

	if (!m) {
		if (err.code == BTFX_E_NOBTF)
			return;
		if (!wk->bad++)
			snprintf(wk->first, sizeof(wk->first), "%s", err.msg);
		return;
	}
	wk->n++;
	/* every module back byte for byte; one in 32 also rebuilt type by type
	 * (each split rebuild indexes the whole base string table) */
	if (!same_bytes(m, why, sizeof(why)) || (wk->n % 32 == 1 && !rebuilt_same(m, why, sizeof(why)))) {
		if (!wk->bad++)
			snprintf(wk->first, sizeof(wk->first), "%.200s: %.250s", path, why);
	}
	btfx_free(m);
}

static void walk_modules(struct walk *wk, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char p[4096];
		struct stat st;
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (lstat(p, &st))
			continue;
		if (S_ISDIR(st.st_mode))
			walk_modules(wk, p);
		else if (S_ISREG(st.st_mode) && strstr(de->d_name, ".ko"))
			one_module(wk, p);
	}
	closedir(d);
}

static void kernel_roundtrip(const char *label, const char *path, const char *moddir, size_t *nmods)
{
	struct btfx_error err;
	struct btfx *k = btfx_open(path, NULL, &err);
	char why[256];

	if (!k)
		fail_msg("%s: %s", label, err.msg);
	if (!same_bytes(k, why, sizeof(why)))
		fail_msg("%s: %s", label, why);
	if (!rebuilt_same(k, why, sizeof(why)))
		fail_msg("%s: %s", label, why);
	if (!swapped_same(k, why, sizeof(why)))
		fail_msg("%s: %s", label, why);
	if (moddir) {
		struct walk wk = { k, 0, 0, "" };
		walk_modules(&wk, moddir);
		if (wk.bad)
			fail_msg("%s: %zu of %zu modules fail, first: %s", label, wk.bad, wk.n + wk.bad, wk.first);
		if (!wk.n)
			fail_msg("%s: no module with BTF under %s", label, moddir);
		*nmods += wk.n;
	}
	btfx_free(k);
}

static const char *manifest_path(char *buf, size_t len)
{
	const char *cache = getenv("BTFX_CACHE"), *home = getenv("HOME");

	if (cache)
		snprintf(buf, len, "%s/kernels/MANIFEST", cache);
	else
		snprintf(buf, len, "%s/.cache/btfx/kernels/MANIFEST", home ? home : "/root");
	return buf;
}

static void test_roundtrip_kernels(void **state)
{
	char mpath[4096], line[8192];
	size_t nk = 0, nmods = 0;
	FILE *f;

	(void)state;
	if (!access("/sys/kernel/btf/vmlinux", R_OK)) {
		kernel_roundtrip("running kernel", "/sys/kernel/btf/vmlinux", NULL, &nmods);
		nk++;
	}
	f = fopen(manifest_path(mpath, sizeof(mpath)), "r");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			char label[256], vmlinuz[4096], moddir[4096];
			if (line[0] == '#' || sscanf(line, "%255s %4095s %4095s", label, vmlinuz, moddir) != 3)
				continue;
			kernel_roundtrip(label, vmlinuz, moddir, &nmods);
			nk++;
		}
		fclose(f);
	}
	print_message("round trip: %zu kernels, %zu modules\n", nk, nmods);
	if (!nk || !f)
		SKIP_OR_FAIL("kernel data missing (%s; /sys/kernel/btf/vmlinux)", mpath);
}

/* ------------------------------------------------------------------ */
/* Subset                                                              */
/* ------------------------------------------------------------------ */

static void test_subset(void **state)
{
	struct btfx_error err;
	struct btfx *k = btfx_open("/sys/kernel/btf/vmlinux", NULL, &err), *s;
	struct btfx_subset_opts so = { .sz = sizeof(so) };
	uint32_t ids[2], sid, kid;
	size_t size, size_all, nfwd = 0;
	void *data;

	(void)state;
	if (!k)
		SKIP_OR_FAIL("no running kernel BTF: %s", err.msg);
	ids[0] = kid = btfx_find(k, "task_struct", BTFX_KIND_STRUCT);
	ids[1] = btfx_find(k, "vfs_read", BTFX_KIND_FUNC);
	assert_true(ids[0] && ids[1]);
	assert_int_equal(btfx_write_subset(k, ids, 2, &so, &data, &size, &err), 0);
	s = parse_ok(data, size, NULL, 0);
	sid = btfx_find(s, "task_struct", BTFX_KIND_STRUCT);
	assert_true(sid);
	assert_true(btfx_find(s, "vfs_read", BTFX_KIND_FUNC));
	{
		const struct btfx_type *a = btfx_type_by_id(k, kid), *b = btfx_type_by_id(s, sid);
		assert_int_equal(a->size, b->size);
		assert_int_equal(btfx_vlen(a), btfx_vlen(b));
		for (uint32_t i = 0; i < btfx_vlen(a); i++) {
			assert_int_equal(btfx_members(a)[i].offset, btfx_members(b)[i].offset);
			assert_string_equal(btfx_str(k, btfx_members(a)[i].name_off), btfx_str(s, btfx_members(b)[i].name_off));
			assert_int_equal(btfx_resolve_size(k, btfx_members(a)[i].type),
					 btfx_resolve_size(s, btfx_members(b)[i].type));
		}
	}
	for (uint32_t id = 1; id < btfx_type_cnt(s); id++)
		nfwd += btfx_kind(btfx_type_by_id(s, id)) == BTFX_KIND_FWD;
	assert_true(nfwd > 10); /* structs only pointed to are declared */
	assert_true(btfx_type_cnt(s) < btfx_type_cnt(k) / 4);
	btfx_free(s);
	free(data);

	so.flags = BTFX_SUBSET_FOLLOW_PTRS;
	assert_int_equal(btfx_write_subset(k, ids, 1, &so, &data, &size_all, &err), 0);
	assert_true(size_all > size);
	free(data);

	/* errors */
	ids[0] = 0;
	assert_true(btfx_write_subset(k, ids, 1, NULL, &data, &size, &err) < 0);
	assert_int_equal(err.code, BTFX_E_NOTFOUND);
	assert_true(btfx_write_subset(k, ids, 0, NULL, &data, &size, &err) < 0);
	assert_int_equal(err.code, BTFX_E_USAGE);
	btfx_free(k);
}

/* ------------------------------------------------------------------ */
/* Sanitize                                                            */
/* ------------------------------------------------------------------ */

static int kernel_ok = -1; /* 1 loads BTF, 0 cannot try */

static int kernel_load(const void *data, size_t size, char *log, size_t loglen)
{
	LIBBPF_OPTS(bpf_btf_load_opts, o, .log_buf = log, .log_size = (uint32_t)loglen, .log_level = 1);
	int fd = bpf_btf_load(data, size, NULL);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	fd = -errno;
	log[0] = 0;
	if (bpf_btf_load(data, size, &o) >= 0)
		return 0;
	return fd;
}

static bool can_load(void)
{
	if (kernel_ok < 0) {
		struct btfx_writer *w = btfx_writer_new(NULL, NULL);
		char log[64];
		size_t size;
		void *data;
		btfx_writer_add_int(w, "int", 4, BTFX_INT_SIGNED, 0, 32);
		data = write_ok(w, BTFX_ENDIAN_HOST, 0, &size);
		kernel_ok = geteuid() == 0 && kernel_load(data, size, log, sizeof(log)) == 0;
		free(data);
		btfx_writer_free(w);
	}
	return kernel_ok == 1;
}

/* bitfield size of member i: kind_flag encoding, or a legacy INT's bits */
static uint32_t bf_size(const struct btfx *btf, const struct btfx_type *t, uint32_t i)
{
	const struct btfx_type *mt = btfx_type_by_id(btf, btfx_skip_mods(btf, btfx_members(t)[i].type, true));
	uint32_t bits = 0;

	if (btfx_kflag(t))
		bits = btfx_member_bitfield_size(t, i);
	else if (mt && btfx_kind(mt) == BTFX_KIND_INT)
		bits = btfx_int_bits(mt);
	/* a full-width bitfield is the plain field */
	return mt && bits == mt->size * 8 ? 0 : bits;
}

static void check_sanitized(const char *ver, uint32_t feat, const struct btfx *in, const struct btfx *out)
{
	assert_true(btfx_type_cnt(out) >= btfx_type_cnt(in));
	for (uint32_t id = 1; id < btfx_type_cnt(in); id++) {
		const struct btfx_type *a = btfx_type_by_id(in, id), *b = btfx_type_by_id(out, id);
		unsigned kb = btfx_kind(b);
		if (btfx_is_composite(a)) {
			if (btfx_kind(a) != kb || a->size != b->size || btfx_vlen(a) != btfx_vlen(b))
				fail_msg("%s: [%u] struct/union changed", ver, id);
			for (uint32_t i = 0; i < btfx_vlen(a); i++)
				if (btfx_member_bit_offset(a, i) != btfx_member_bit_offset(b, i) ||
				    bf_size(in, a, i) != bf_size(out, b, i) ||
				    btfx_members(a)[i].name_off != btfx_members(b)[i].name_off)
					fail_msg("%s: [%u] member %u moved: %u/%u -> %u/%u", ver, id, i,
						 btfx_member_bit_offset(a, i), bf_size(in, a, i), btfx_member_bit_offset(b, i),
						 bf_size(out, b, i));
		}
		if (btfx_kind(a) == BTFX_KIND_DATASEC && !(feat & BTFX_FEAT_DATASEC)) {
			assert_int_equal(kb, BTFX_KIND_STRUCT);
			assert_int_equal(a->size, b->size);
			assert_null(strchr(btfx_name(out, b), '.'));
			assert_null(strchr(btfx_name(out, b), '?'));
		}
		if (btfx_kind(a) == BTFX_KIND_FLOAT || btfx_kind(a) == BTFX_KIND_ENUM64 || btfx_kind(a) == BTFX_KIND_ENUM)
			assert_int_equal(btfx_resolve_size(in, id), btfx_resolve_size(out, id));
		/* nothing the version lacks is left */
		if ((!(feat & BTFX_FEAT_FUNC) && (kb == BTFX_KIND_FUNC || kb == BTFX_KIND_FUNC_PROTO)) ||
		    (!(feat & BTFX_FEAT_DATASEC) && (kb == BTFX_KIND_VAR || kb == BTFX_KIND_DATASEC)) ||
		    (!(feat & BTFX_FEAT_FLOAT) && kb == BTFX_KIND_FLOAT) ||
		    (!(feat & BTFX_FEAT_DECL_TAG) && kb == BTFX_KIND_DECL_TAG) ||
		    (!(feat & BTFX_FEAT_TYPE_TAG) && kb == BTFX_KIND_TYPE_TAG) ||
		    (!(feat & BTFX_FEAT_ENUM64) && (kb == BTFX_KIND_ENUM64 || (kb == BTFX_KIND_ENUM && btfx_kflag(b)))) ||
		    (!(feat & BTFX_FEAT_FUNC_GLOBAL) && kb == BTFX_KIND_FUNC && btfx_vlen(b)) ||
		    (!(feat & BTFX_FEAT_KFLAG) && (btfx_is_composite(b) || kb == BTFX_KIND_FWD) && btfx_kflag(b)) ||
		    (!(feat & BTFX_FEAT_TAG_KFLAG) && (kb == BTFX_KIND_TYPE_TAG || kb == BTFX_KIND_DECL_TAG) &&
		     btfx_kflag(b)) ||
		    (!(feat & BTFX_FEAT_QMARK_DATASEC) && kb == BTFX_KIND_DATASEC && btfx_name(out, b)[0] == '?'))
			fail_msg("%s: [%u] %s is left as it was", ver, id, btfx_kind_str(kb));
	}
	if (!(feat & BTFX_FEAT_LAYOUT)) {
		struct btfx_header_info h;
		btfx_header(out, &h);
		assert_int_equal(h.hdr_len, 24);
	}
}

static void test_sanitize_versions(void **state)
{
	static const char *const versions[] = { "4.18", "5.0", "5.2", "5.6", "5.13", "5.16", "5.17",
						"6.0", "6.9", "6.15", "7.1" };
	struct btfx_writer *w = every_kind();
	struct btfx *in, *in_layout;
	size_t size, lsize;
	void *data = write_ok(w, BTFX_ENDIAN_HOST, BTFX_WRITE_VALIDATE, &size), *ldata;
	char log[65536];
	bool load = can_load();

	(void)state;
	btfx_writer_set_default_layout(w, 0);
	ldata = write_ok(w, BTFX_ENDIAN_HOST, BTFX_WRITE_VALIDATE, &lsize);
	in = parse_ok(data, size, NULL, 0);
	in_layout = parse_ok(ldata, lsize, NULL, 0);
	if (load) {
		int e = kernel_load(data, size, log, sizeof(log));
		if (e)
			fail_msg("the running kernel rejects the crafted BTF itself (%d): %s", e, log);
	}
	for (size_t v = 0; v < sizeof(versions) / sizeof(versions[0]); v++) {
		struct btfx_sanitize_opts so = { .sz = sizeof(so) };
		struct btfx_sanitize_report rep;
		struct btfx_error err;
		struct btfx *out;
		void *sd;
		size_t ssz;

		assert_int_equal(btfx_features_for_version(versions[v], &so.features), 0);
		if (btfx_sanitize(in_layout, &so, &sd, &ssz, &rep, &err))
			fail_msg("--for %s: %s", versions[v], err.msg);
		out = parse_ok(sd, ssz, NULL, BTFX_F_NO_VALIDATE);
		check_sanitized(versions[v], so.features, in_layout, out);
		if (so.features & BTFX_FEAT_LAYOUT) {
			assert_int_equal(ssz, lsize);
			assert_memory_equal(sd, ldata, lsize);
		} else {
			assert_int_equal(rep.count[BTFX_SAN_LAYOUT_DROPPED], 1);
		}
		/* every version's output is loaded by the running kernel, which
		 * knows all of it but the layout */
		if (load && !(so.features & BTFX_FEAT_LAYOUT)) {
			int e = kernel_load(sd, ssz, log, sizeof(log));
			if (e)
				fail_msg("--for %s: the running kernel rejects it (%d): %s", versions[v], e, log);
		}
		btfx_free(out);
		free(sd);
	}
	/* the running kernel: probed features = the table's for its version,
	 * and the layout-bearing BTF is rejected until sanitized */
	if (load) {
		struct utsname u;
		uint32_t probed, table;
		struct btfx_error err;
		struct btfx_sanitize_opts so = { .sz = sizeof(so) };
		void *sd;
		size_t ssz;

		assert_int_equal(btfx_features_probe(&probed, &err), 0);
		uname(&u);
		assert_int_equal(btfx_features_for_version(u.release, &table), 0);
		if (probed != table)
			fail_msg("running kernel %s: probed features 0x%x, table says 0x%x", u.release, probed, table);
		if (!(probed & BTFX_FEAT_LAYOUT)) {
			assert_true(kernel_load(ldata, lsize, log, sizeof(log)) < 0);
			so.features = probed;
			assert_int_equal(btfx_sanitize(in_layout, &so, &sd, &ssz, NULL, &err), 0);
			assert_int_equal(kernel_load(sd, ssz, log, sizeof(log)), 0);
			free(sd);
		}
	} else {
		print_message("not loading into the kernel: not root or BPF_BTF_LOAD unavailable\n");
		if (in_ci())
			fail_msg("BPF_BTF_LOAD unavailable with CI=true");
	}
	btfx_free(in);
	btfx_free(in_layout);
	free(data);
	free(ldata);
	btfx_writer_free(w);
}

/* the running kernel's own BTF, sanitized for old kernels, still loads */
static void test_sanitize_vmlinux(void **state)
{
	static const char *const versions[] = { "4.18", "5.2", "5.15", "6.1" };
	struct btfx_error err;
	struct btfx *k = btfx_open("/sys/kernel/btf/vmlinux", NULL, &err);
	char *log = malloc(1 << 20);

	(void)state;
	if (!k) {
		free(log);
		SKIP_OR_FAIL("no running kernel BTF: %s", err.msg);
	}
	for (size_t v = 0; v < sizeof(versions) / sizeof(versions[0]); v++) {
		struct btfx_sanitize_opts so = { .sz = sizeof(so) };
		struct btfx *out;
		void *sd;
		size_t ssz;

		btfx_features_for_version(versions[v], &so.features);
		if (btfx_sanitize(k, &so, &sd, &ssz, NULL, &err))
			fail_msg("--for %s: %s", versions[v], err.msg);
		out = parse_ok(sd, ssz, NULL, BTFX_F_NO_VALIDATE);
		check_sanitized(versions[v], so.features, k, out);
		if (can_load()) {
			int e = kernel_load(sd, ssz, log, 1 << 20);
			if (e)
				fail_msg("vmlinux --for %s rejected (%d): %.300s", versions[v], e, log);
		}
		btfx_free(out);
		free(sd);
	}
	free(log);
	btfx_free(k);
}

static void test_feature_table(void **state)
{
	uint32_t f;

	(void)state;
	assert_int_equal(btfx_features_for_version("5.2", &f), 0);
	assert_true(f & BTFX_FEAT_DATASEC);
	assert_false(f & BTFX_FEAT_FUNC_GLOBAL);
	assert_int_equal(btfx_features_for_version("5.1", &f), 0);
	assert_false(f & BTFX_FEAT_DATASEC);
	assert_true(f & BTFX_FEAT_FUNC);
	assert_int_equal(btfx_features_for_version("4.19.0-25-amd64", &f), 0);
	assert_int_equal(f, 0);
	assert_int_equal(btfx_features_for_version("6.1.0-56-amd64", &f), 0);
	assert_true(f & BTFX_FEAT_ENUM64);
	assert_false(f & BTFX_FEAT_QMARK_DATASEC);
	assert_int_equal(btfx_features_for_version("v5.13", &f), 0);
	assert_true(f & BTFX_FEAT_FLOAT);
	assert_false(f & BTFX_FEAT_DECL_TAG);
	assert_int_equal(btfx_features_for_version("7.1", &f), 0);
	assert_int_equal(f, BTFX_FEAT_ALL);
	assert_int_equal(btfx_features_for_version("4.17", &f), -EOPNOTSUPP);
	assert_int_equal(btfx_features_for_version("running", &f), -EINVAL);
	assert_int_equal(btfx_features_for_version("5", &f), -EINVAL);
	assert_int_equal(btfx_features_for_version("5.x", &f), -EINVAL);
	for (uint32_t i = 0; i < BTFX_FEAT_NR; i++) {
		assert_non_null(btfx_feature_name(1u << i));
		assert_non_null(btfx_feature_version(1u << i));
	}
	assert_null(btfx_feature_name(1u << 30));
	assert_string_equal(btfx_sanitize_rewrite_str(BTFX_SAN_ENUM64_TO_UNION), "ENUM64 -> UNION");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_kind),
		cmocka_unit_test(test_unknown_kind),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_api_errors),
		cmocka_unit_test(test_roundtrip_corpus),
		cmocka_unit_test(test_roundtrip_kernels),
		cmocka_unit_test(test_subset),
		cmocka_unit_test(test_feature_table),
		cmocka_unit_test(test_sanitize_versions),
		cmocka_unit_test(test_sanitize_vmlinux),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
