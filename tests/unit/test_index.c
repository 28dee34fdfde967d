// SPDX-License-Identifier: BSD-2-Clause
/*
 * Accessors and the type index: btfx_type_by_id / btfx_str bounds, name
 * lookup (btfx_find, btfx_find_all, essential names), btfx_resolve_size,
 * btfx_align, the reference graph, and split BTF.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btfx/btfx.h"
#include "helpers/btf_builder.h"
#include "helpers/isolate.h"

struct obj {
	uint8_t *blob;
	struct btfx *btf;
};

static struct obj parse_bb(struct bb *b, const struct btfx_open_opts *opts)
{
	struct obj o;
	struct btfx_error err;
	size_t size;

	o.blob = bb_emit_simple(b, &size);
	o.btf = btfx_parse(o.blob, size, "test", false, opts, &err);
	if (!o.btf)
		fail_msg("parse failed: %s", err.msg);
	return o;
}

static struct obj parse_free(struct bb *b, const struct btfx_open_opts *opts)
{
	struct obj o = parse_bb(b, opts);
	bb_free(b);
	return o;
}

static void obj_free(struct obj *o)
{
	btfx_free(o->btf);
	free(o->blob);
}

/* ---------------------------------------------------------------- bounds */

static void test_type_by_id_bounds(void **state)
{
	struct obj o = parse_free(bb_seed_v(), NULL);
	static const unsigned kinds[] = { 0, BTFX_KIND_INT, BTFX_KIND_PTR, BTFX_KIND_STRUCT, BTFX_KIND_FUNC_PROTO,
					  BTFX_KIND_FUNC, BTFX_KIND_VAR, BTFX_KIND_DATASEC, BTFX_KIND_ENUM };
	const struct btfx_type *t;

	(void)state;
	assert_int_equal(btfx_start_id(o.btf), 1);
	assert_int_equal(btfx_type_cnt(o.btf), 9);
	assert_null(btfx_base(o.btf));
	assert_int_equal(btfx_source(o.btf), BTFX_SRC_RAW);
	assert_string_equal(btfx_path(o.btf), "test");
	for (uint32_t id = 0; id < 9; id++) {
		t = btfx_type_by_id(o.btf, id);
		assert_non_null(t);
		assert_int_equal(btfx_kind(t), kinds[id]);
	}
	/* void: kind 0, no name, size 0 */
	t = btfx_type_by_id(o.btf, 0);
	assert_int_equal(t->info, 0);
	assert_int_equal(t->name_off, 0);
	assert_int_equal(t->size, 0);
	errno = 0;
	assert_null(btfx_type_by_id(o.btf, 9));
	assert_int_equal(errno, EINVAL);
	assert_null(btfx_type_by_id(o.btf, 10));
	assert_null(btfx_type_by_id(o.btf, 0x7fffffff));
	assert_null(btfx_type_by_id(o.btf, UINT32_MAX));
	/* records are exposed in host order with their trailing data */
	t = btfx_type_by_id(o.btf, 3);
	assert_int_equal(btfx_vlen(t), 2);
	assert_int_equal(t->size, 16);
	assert_string_equal(btfx_str(o.btf, btfx_members(t)[1].name_off), "p");
	assert_int_equal(btfx_members(t)[1].type, 2);
	assert_int_equal(btfx_member_bit_offset(t, 1), 64);
	assert_int_equal(btfx_member_bitfield_size(t, 1), 0);
	t = btfx_type_by_id(o.btf, 1);
	assert_int_equal(btfx_int_bits(t), 32);
	assert_int_equal(btfx_int_encoding(t), BTFX_INT_SIGNED);
	obj_free(&o);
}

static void test_str_bounds(void **state)
{
	struct bb *b = bb_seed_v();
	uint32_t len = bb_str_len(b);
	struct obj o = parse_free(b, NULL);
	const struct btfx_type *t = btfx_type_by_id(o.btf, 3);

	(void)state;
	assert_string_equal(btfx_str(o.btf, 0), "");
	assert_string_equal(btfx_name(o.btf, t), "s");
	assert_string_equal(btfx_str(o.btf, t->name_off), "s");
	assert_string_equal(btfx_str(o.btf, btfx_type_by_id(o.btf, 7)->name_off), ".data");
	/* an offset inside a string is a valid (suffix) string */
	assert_string_equal(btfx_str(o.btf, btfx_type_by_id(o.btf, 7)->name_off + 1), "data");
	assert_string_equal(btfx_str(o.btf, len - 1), "");
	errno = 0;
	assert_null(btfx_str(o.btf, len));
	assert_int_equal(errno, EINVAL);
	assert_null(btfx_str(o.btf, len + 1));
	assert_null(btfx_str(o.btf, 0x1000000));
	assert_null(btfx_str(o.btf, UINT32_MAX));
	obj_free(&o);
}

/* ---------------------------------------------------------------- lookup */

static void test_find(void **state)
{
	struct obj o = parse_free(bb_seed_v(), NULL);

	(void)state;
	assert_int_equal(btfx_find(o.btf, "int", 0), 1);
	assert_int_equal(btfx_find(o.btf, "int", BTFX_KIND_INT), 1);
	assert_int_equal(btfx_find(o.btf, "int", BTFX_KIND_STRUCT), 0);
	assert_int_equal(btfx_find(o.btf, "s", 0), 3);
	assert_int_equal(btfx_find(o.btf, "s", BTFX_KIND_STRUCT), 3);
	assert_int_equal(btfx_find(o.btf, "s", BTFX_KIND_UNION), 0);
	assert_int_equal(btfx_find(o.btf, "f", BTFX_KIND_FUNC), 5);
	assert_int_equal(btfx_find(o.btf, "v", BTFX_KIND_VAR), 6);
	assert_int_equal(btfx_find(o.btf, ".data", BTFX_KIND_DATASEC), 7);
	assert_int_equal(btfx_find(o.btf, "e", BTFX_KIND_ENUM), 8);
	/* member / param / enumerator names are not type names */
	assert_int_equal(btfx_find(o.btf, "a", 0), 0);
	assert_int_equal(btfx_find(o.btf, "x", 0), 0);
	assert_int_equal(btfx_find(o.btf, "A", 0), 0);
	/* prefixes, suffixes and empty names do not match */
	assert_int_equal(btfx_find(o.btf, "in", 0), 0);
	assert_int_equal(btfx_find(o.btf, "intx", 0), 0);
	assert_int_equal(btfx_find(o.btf, "data", 0), 0);
	assert_int_equal(btfx_find(o.btf, "", 0), 0);
	assert_int_equal(btfx_find(o.btf, NULL, 0), 0);
	assert_int_equal(btfx_find_all(o.btf, NULL, 0, NULL, 0), 0);
	obj_free(&o);
}

static void test_find_all_duplicates(void **state)
{
	struct bb *b = bb_new();
	uint32_t ids[8] = { 0 }, many[300];
	struct obj o;

	(void)state;
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32); /* [1] */
	bb_struct(b, "dup", 4);                      /* [2] */
	bb_member(b, "x", 1, 0);
	bb_typedef(b, "dup", 1);                     /* [3] */
	bb_struct(b, "dup", 0);                      /* [4] */
	bb_struct(b, "other", 0);                    /* [5] */
	bb_union(b, "dup", 4);                       /* [6] */
	bb_member(b, "y", 1, 0);
	for (int i = 0; i < 200; i++)                /* [7..206] */
		bb_struct(b, "many", 0);
	bb_typedef(b, "many", 1);                    /* [207] */
	o = parse_free(b, NULL);

	assert_int_equal(btfx_find(o.btf, "dup", 0), 2);
	assert_int_equal(btfx_find(o.btf, "dup", BTFX_KIND_TYPEDEF), 3);
	assert_int_equal(btfx_find(o.btf, "dup", BTFX_KIND_UNION), 6);
	assert_int_equal(btfx_find(o.btf, "dup", BTFX_KIND_ENUM), 0);

	assert_int_equal(btfx_find_all(o.btf, "dup", 0, ids, 8), 4);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[1], 3);
	assert_int_equal(ids[2], 4);
	assert_int_equal(ids[3], 6);
	memset(ids, 0, sizeof(ids));
	assert_int_equal(btfx_find_all(o.btf, "dup", BTFX_KIND_STRUCT, ids, 8), 2);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[1], 4);
	assert_int_equal(ids[2], 0);
	/* cap smaller than the count: total returned, only cap written */
	memset(ids, 0, sizeof(ids));
	assert_int_equal(btfx_find_all(o.btf, "dup", 0, ids, 1), 4);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[1], 0);
	assert_int_equal(btfx_find_all(o.btf, "dup", 0, NULL, 0), 4);
	assert_int_equal(btfx_find_all(o.btf, "nope", 0, ids, 8), 0);

	/* long collision chains stay complete and sorted */
	assert_int_equal(btfx_find_all(o.btf, "many", 0, many, 300), 201);
	for (int i = 0; i < 200; i++)
		assert_int_equal(many[i], 7 + i);
	assert_int_equal(many[200], 207);
	assert_int_equal(btfx_find_all(o.btf, "many", BTFX_KIND_STRUCT, many, 300), 200);
	assert_int_equal(btfx_find_all(o.btf, "many", BTFX_KIND_TYPEDEF, many, 300), 1);
	assert_int_equal(many[0], 207);
	obj_free(&o);
}

static void test_essential_name_len(void **state)
{
	(void)state;
	assert_int_equal(btfx_essential_name_len("task_struct___v1"), 11);
	assert_int_equal(btfx_essential_name_len("task_struct"), 11);
	assert_int_equal(btfx_essential_name_len("task_struct___1"), 11);
	assert_int_equal(btfx_essential_name_len("foo___1"), 3);
	assert_int_equal(btfx_essential_name_len("a___1"), 1);
	/* four underscores: never a flavor separator */
	assert_int_equal(btfx_essential_name_len("a____b"), 6);
	/* needs something after the ___ */
	assert_int_equal(btfx_essential_name_len("x___"), 4);
	assert_int_equal(btfx_essential_name_len("x____"), 5);
	/* needs something before the ___ */
	assert_int_equal(btfx_essential_name_len("___x"), 4);
	assert_int_equal(btfx_essential_name_len("_x___y"), 2);
	/* the last separator wins */
	assert_int_equal(btfx_essential_name_len("a___b___1"), 5);
	assert_int_equal(btfx_essential_name_len("a___b____c"), 1);
	/* two underscores are not a separator */
	assert_int_equal(btfx_essential_name_len("a__b"), 4);
	assert_int_equal(btfx_essential_name_len(""), 0);
	assert_int_equal(btfx_essential_name_len("abcd"), 4);
	/* the separator at every position modulo 3 (the scan steps by 3) */
	assert_int_equal(btfx_essential_name_len("ab___c"), 2);
	assert_int_equal(btfx_essential_name_len("abc___d"), 3);
	assert_int_equal(btfx_essential_name_len("abcd___e"), 4);
	assert_int_equal(btfx_essential_name_len("abcdefghijklm___n"), 13);
	assert_int_equal(btfx_essential_name_len("ab_c_d__e_f__g"), 14);
}

static void test_find_essential(void **state)
{
	struct bb *b = bb_new();
	uint32_t ids[8] = { 0 };
	struct obj o;

	(void)state;
	bb_struct(b, "task_struct", 0);      /* [1] */
	bb_struct(b, "task_struct___v1", 0); /* [2] */
	bb_struct(b, "task_structx", 0);     /* [3] */
	bb_struct(b, "task_struct___2", 0);  /* [4] */
	bb_struct(b, "task____struct", 0);   /* [5] */
	o = parse_free(b, NULL);
	assert_int_equal(btfx_find_essential(o.btf, "task_struct", 11, ids, 8), 3);
	assert_int_equal(ids[0], 1);
	assert_int_equal(ids[1], 2);
	assert_int_equal(ids[2], 4);
	/* len limits the key: "task_struct___v1" with len 11 is "task_struct" */
	assert_int_equal(btfx_find_essential(o.btf, "task_struct___v1", 11, ids, 8), 3);
	assert_int_equal(btfx_find_essential(o.btf, "task", 4, ids, 8), 0);
	assert_int_equal(btfx_find_essential(o.btf, "task____struct", 14, ids, 8), 1);
	assert_int_equal(ids[0], 5);
	/* exact lookup does not strip flavors */
	assert_int_equal(btfx_find(o.btf, "task_struct", 0), 1);
	assert_int_equal(btfx_find_all(o.btf, "task_struct", 0, ids, 8), 1);
	obj_free(&o);
}

/*
 * BTFX_F_REFS_ONLY | BTFX_F_INDEX_ESSENTIAL: the essential index built at
 * open (on a second thread: more than 20000 types) answers as the lazily
 * built one; libbpf-level checks reject a dangling member with one file
 * name in the message, and accept what only kernel rules reject.
 */
static void test_refs_only_index(void **state)
{
	struct btfx_open_opts eager = { .sz = sizeof(eager), .flags = BTFX_F_REFS_ONLY | BTFX_F_INDEX_ESSENTIAL };
	struct bb *b = bb_new();
	struct btfx_error err;
	uint8_t *blob;
	size_t size;
	struct obj lazy, fast;
	char name[64];

	(void)state;
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32); /* 1 */
	for (int i = 0; i < 12000; i++) {
		snprintf(name, sizeof(name), "s%d%s", i % 7000, i % 3 ? "" : "___flv");
		bb_struct(b, name, 4);
		bb_member(b, "a", 1, 0);
		snprintf(name, sizeof(name), "f%d", i);
		bb_func(b, name, bb_proto(b, 1), 1);
	}
	blob = bb_emit_simple(b, &size);
	bb_free(b);
	lazy.btf = btfx_parse(blob, size, "test", false, NULL, &err);
	assert_non_null(lazy.btf);
	fast.btf = btfx_parse(blob, size, "test", false, &eager, &err);
	assert_non_null(fast.btf);
	assert_true(btfx_type_cnt(fast.btf) > 20000);
	for (int i = 0; i < 7000; i += 97) {
		uint32_t a[8], c[8];
		size_t na, nc;
		snprintf(name, sizeof(name), "s%d", i);
		na = btfx_find_essential(lazy.btf, name, strlen(name), a, 8);
		nc = btfx_find_essential(fast.btf, name, strlen(name), c, 8);
		assert_int_equal(na, nc);
		assert_true(na >= 1);
		assert_memory_equal(a, c, (na < 8 ? na : 8) * sizeof(a[0]));
	}
	/* FUNCs stay out of the essential index */
	assert_int_equal(btfx_find_essential(fast.btf, "f5", 2, (uint32_t[1]){ 0 }, 1), 0);
	assert_int_not_equal(btfx_find(fast.btf, "f5", BTFX_KIND_FUNC), 0);
	btfx_free(lazy.btf);
	btfx_free(fast.btf);
	free(blob);

	/* a member pointing past the last type: one "test: " prefix, the id and the problem */
	b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);
	bb_struct(b, "s", 4);
	bb_member(b, "a", 77, 0);
	blob = bb_emit_simple(b, &size);
	bb_free(b);
	assert_null(btfx_parse(blob, size, "test", false, &eager, &err));
	assert_string_equal(err.msg, "test: [2] STRUCT: member with an invalid type id or name offset (0)");
	free(blob);

	/* kernel rules reject a member past the struct's size; libbpf-level checks do not */
	b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);
	bb_struct(b, "s", 4);
	bb_member(b, "a", 1, 64);
	blob = bb_emit_simple(b, &size);
	bb_free(b);
	assert_null(btfx_parse(blob, size, "test", false, NULL, &err));
	fast.btf = btfx_parse(blob, size, "test", false, &eager, &err);
	assert_non_null(fast.btf);
	btfx_free(fast.btf);
	free(blob);
}

/* ---------------------------------------------------------------- size / align */

/* [1] int, [2] char, [3] long, [4] ptr->1, [5] int[4], [6] int[3][5] (array of [7]),
 * [7] int[5], [8] struct s{int a; int *p;}, [9] union u{char c; int i;},
 * [10] enum e (1 byte), [11] fwd, [12] typedef t->13, [13] const->14, [14] volatile->1,
 * [15] proto, [16] func, [17] var->8, [18] datasec size 64, [19] float 16,
 * [20] type_tag->3, [21] enum64 8, [22] struct c2{char; char;}, [23] short,
 * [24] short[3], [25] struct with short[3] and char */
static struct bb *sizes_btf(void)
{
	struct bb *b = bb_new();

	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);  /* 1 */
	bb_int(b, "char", 1, BTFX_INT_CHAR, 0, 8);    /* 2 */
	bb_int(b, "long", 8, BTFX_INT_SIGNED, 0, 64); /* 3 */
	bb_ptr(b, 1);                                 /* 4 */
	bb_array(b, 1, 1, 4);                         /* 5 */
	bb_array(b, 7, 1, 3);                         /* 6 */
	bb_array(b, 1, 1, 5);                         /* 7 */
	bb_struct(b, "s", 16);                        /* 8 */
	bb_member(b, "a", 1, 0);
	bb_member(b, "p", 4, 64);
	bb_union(b, "u", 4);                          /* 9 */
	bb_member(b, "c", 2, 0);
	bb_member(b, "i", 1, 0);
	bb_enum(b, "e", 1, false);                    /* 10 */
	bb_enum_val(b, "A", 1);
	bb_fwd(b, "fw", false);                       /* 11 */
	bb_typedef(b, "t", 13);                       /* 12 */
	bb_const(b, 14);                              /* 13 */
	bb_volatile(b, 1);                            /* 14 */
	bb_proto(b, 1);                               /* 15 */
	bb_param(b, "x", 1);
	bb_func(b, "fn", 15, 1);                      /* 16 */
	bb_var(b, "gv", 8, 1);                        /* 17 */
	bb_datasec(b, ".data", 64);                   /* 18 */
	bb_secinfo(b, 17, 0, 16);
	bb_float(b, "long_double", 16);               /* 19 */
	bb_type_tag(b, "user", 3);                    /* 20 */
	bb_enum64(b, "e64", 8, false);                /* 21 */
	bb_enum64_val(b, "X", 1);
	bb_struct(b, "c2", 2);                        /* 22 */
	bb_member(b, "a", 2, 0);
	bb_member(b, "b", 2, 8);
	bb_int(b, "short", 2, BTFX_INT_SIGNED, 0, 16); /* 23 */
	bb_array(b, 23, 1, 3);                        /* 24 */
	bb_struct(b, "sh", 8);                        /* 25 */
	bb_member(b, "a", 24, 0);
	bb_member(b, "c", 2, 48);
	return b;
}

static void test_resolve_size(void **state)
{
	struct obj o = parse_free(sizes_btf(), NULL);
	static const struct { uint32_t id; int64_t size; } want[] = {
		{ 1, 4 }, { 2, 1 }, { 3, 8 }, { 4, 8 }, { 5, 16 }, { 6, 60 }, { 7, 20 }, { 8, 16 },
		{ 9, 4 }, { 10, 1 }, { 12, 4 }, { 13, 4 }, { 14, 4 }, { 17, 16 }, { 18, 64 }, { 19, 16 },
		{ 20, 8 }, { 21, 8 }, { 22, 2 }, { 24, 6 }, { 25, 8 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (btfx_resolve_size(o.btf, want[i].id) != want[i].size)
			fail_msg("resolve_size([%u]) = %lld, expected %lld", want[i].id,
				 (long long)btfx_resolve_size(o.btf, want[i].id), (long long)want[i].size);
	assert_int_equal(btfx_resolve_size(o.btf, 0), -EINVAL);   /* void */
	assert_int_equal(btfx_resolve_size(o.btf, 11), -EINVAL);  /* fwd */
	assert_int_equal(btfx_resolve_size(o.btf, 15), -EINVAL);  /* proto */
	assert_int_equal(btfx_resolve_size(o.btf, 16), -EINVAL);  /* func */
	assert_int_equal(btfx_resolve_size(o.btf, 26), -EINVAL);  /* out of range */
	assert_int_equal(btfx_resolve_size(o.btf, UINT32_MAX), -EINVAL);
	obj_free(&o);
}

/* With validation off, the accessors must survive loops and overflows. */
static void test_resolve_size_unvalidated(void **state)
{
	struct btfx_open_opts opts = { .sz = sizeof(opts), .flags = BTFX_F_NO_VALIDATE };
	struct bb *b = bb_new();
	struct obj o;

	(void)state;
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32); /* [1] */
	bb_array(b, 1, 1, 0x10000);                  /* [2] */
	bb_array(b, 2, 1, 0x10000);                  /* [3] 16 GiB */
	bb_const(b, 5);                              /* [4] */
	bb_volatile(b, 4);                           /* [5] loop */
	bb_array(b, 6, 1, 2);                        /* [6] self */
	bb_struct(b, "s", 4);                        /* [7] embeds itself */
	bb_member(b, "s", 7, 0);
	bb_typedef(b, "t", 100);                     /* [8] dangling */
	o = parse_free(b, &opts);
	assert_int_equal(btfx_resolve_size(o.btf, 2), 0x40000);
	assert_int_equal(btfx_resolve_size(o.btf, 3), -E2BIG);
	assert_true(btfx_resolve_size(o.btf, 4) < 0);
	assert_true(btfx_resolve_size(o.btf, 6) < 0);
	assert_int_equal(btfx_resolve_size(o.btf, 8), -EINVAL);
	assert_true(btfx_align(o.btf, 4) < 0);
	assert_true(btfx_align(o.btf, 6) < 0);
	assert_true(btfx_align(o.btf, 7) < 0);
	assert_true(btfx_align(o.btf, 8) < 0);
	(void)btfx_skip_mods(o.btf, 4, true); /* must terminate */
	assert_int_equal(btfx_skip_mods(o.btf, 8, true), 100);
	obj_free(&o);
}

static void test_align(void **state)
{
	struct obj o = parse_free(sizes_btf(), NULL);
	static const struct { uint32_t id; int align; } want[] = {
		{ 1, 4 }, { 2, 1 }, { 3, 8 }, { 4, 8 }, { 5, 4 }, { 6, 4 }, { 8, 8 }, { 9, 4 }, { 10, 1 },
		{ 12, 4 }, { 13, 4 }, { 19, 8 }, { 20, 8 }, { 21, 8 }, { 22, 1 }, { 23, 2 }, { 24, 2 }, { 25, 2 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (btfx_align(o.btf, want[i].id) != want[i].align)
			fail_msg("align([%u]) = %d, expected %d", want[i].id, btfx_align(o.btf, want[i].id),
				 want[i].align);
	assert_int_equal(btfx_align(o.btf, 0), -EINVAL);
	assert_int_equal(btfx_align(o.btf, 11), -EINVAL);
	assert_int_equal(btfx_align(o.btf, 15), -EINVAL);
	assert_int_equal(btfx_align(o.btf, 16), -EINVAL);
	assert_int_equal(btfx_align(o.btf, 26), -EINVAL);
	obj_free(&o);
}

/*
 * F11: structs that each embed the previous one twice have 2^depth member
 * paths.  btfx_align must answer at once, as a walk of every path would:
 * the largest alignment below, -EINVAL past 64 levels or when one leaf has
 * no alignment.
 */
static void test_align_shared_dag(void **state)
{
	struct btfx_open_opts opts = { .sz = sizeof(opts), .flags = BTFX_F_NO_VALIDATE };
	struct bb *b = bb_new();
	uint32_t s[72], fwd, bad[3], ptr, td, cst;
	struct obj o;

	(void)state;
	bb_int(b, "short", 2, BTFX_INT_SIGNED, 0, 16); /* [1] */
	s[0] = bb_struct(b, "s0", 2);
	bb_member(b, "a", 1, 0);
	for (int i = 1; i < 72; i++) {
		char name[8];
		snprintf(name, sizeof(name), "s%d", i);
		s[i] = bb_struct(b, name, 4);
		bb_member(b, "x", s[i - 1], 0);
		bb_member(b, "y", s[i - 1], 0);
	}
	fwd = bb_fwd(b, "f", false);
	ptr = bb_ptr(b, 0);
	bad[0] = bb_struct(b, "bad0", 4); /* the deep DAG, then a fwd by value */
	bb_member(b, "x", s[40], 0);
	bb_member(b, "f", fwd, 0);
	bad[1] = bb_struct(b, "bad1", 4); /* a fwd at the bottom, under the DAG */
	bb_member(b, "f", fwd, 0);
	bad[2] = bb_struct(b, "with_ptr", 8);
	bb_member(b, "x", s[50], 0);
	bb_member(b, "p", ptr, 0);
	bb_member(b, "y", s[50], 0);
	td = bb_typedef(b, "t63", s[63]);
	cst = bb_const(b, s[62]);
	{
		uint32_t top = bb_struct(b, "top", 4); /* bad1 shared at every level */
		for (int i = 30; i < 40; i++)
			bb_member(b, "x", s[i], 0);
		bb_member(b, "b", bad[1], 0);
		o = parse_free(b, &opts);
		assert_int_equal(btfx_align(o.btf, top), -EINVAL);
	}
	assert_int_equal(btfx_align(o.btf, s[0]), 2);
	assert_int_equal(btfx_align(o.btf, s[40]), 2);
	assert_int_equal(btfx_align(o.btf, s[63]), 2);       /* 64 levels down to the int */
	assert_int_equal(btfx_align(o.btf, s[64]), -EINVAL); /* 65 */
	assert_int_equal(btfx_align(o.btf, s[71]), -EINVAL);
	assert_int_equal(btfx_align(o.btf, td), -EINVAL);    /* the typedef is one more level */
	assert_int_equal(btfx_align(o.btf, cst), 2);
	assert_int_equal(btfx_align(o.btf, bad[0]), -EINVAL);
	assert_int_equal(btfx_align(o.btf, bad[2]), 8);
	obj_free(&o);
}

static void test_skip_mods(void **state)
{
	struct obj o = parse_free(sizes_btf(), NULL);

	(void)state;
	assert_int_equal(btfx_skip_mods(o.btf, 12, false), 12); /* typedef kept */
	assert_int_equal(btfx_skip_mods(o.btf, 12, true), 1);
	assert_int_equal(btfx_skip_mods(o.btf, 13, false), 1);
	assert_int_equal(btfx_skip_mods(o.btf, 20, false), 3);  /* type tag */
	assert_int_equal(btfx_skip_mods(o.btf, 4, true), 4);    /* ptr is not a modifier */
	assert_int_equal(btfx_skip_mods(o.btf, 0, true), 0);
	obj_free(&o);
}

/* ---------------------------------------------------------------- references */

static void test_type_refs(void **state)
{
	struct obj o = parse_free(bb_seed_v(), NULL);
	uint32_t ids[8];
	size_t total = 99;

	(void)state;
	assert_int_equal(btfx_type_refs(o.btf, 3, ids, 8, &total), 2); /* struct s */
	assert_int_equal(total, 2);
	assert_int_equal(ids[0], 1);
	assert_int_equal(ids[1], 2);
	assert_int_equal(btfx_type_refs(o.btf, 4, ids, 8, &total), 2); /* proto: ret, x */
	assert_int_equal(ids[0], 1);
	assert_int_equal(ids[1], 1);
	assert_int_equal(btfx_type_refs(o.btf, 2, ids, 8, &total), 1);
	assert_int_equal(ids[0], 1);
	assert_int_equal(btfx_type_refs(o.btf, 5, ids, 8, &total), 1);
	assert_int_equal(ids[0], 4);
	assert_int_equal(btfx_type_refs(o.btf, 6, ids, 8, &total), 1);
	assert_int_equal(ids[0], 1);
	assert_int_equal(btfx_type_refs(o.btf, 7, ids, 8, &total), 1);
	assert_int_equal(ids[0], 6);
	assert_int_equal(btfx_type_refs(o.btf, 1, ids, 8, &total), 0);
	assert_int_equal(total, 0);
	assert_int_equal(btfx_type_refs(o.btf, 8, ids, 8, &total), 0);
	assert_int_equal(btfx_type_refs(o.btf, 0, ids, 8, &total), 0);
	assert_int_equal(btfx_type_refs(o.btf, 9, ids, 8, &total), 0);
	assert_int_equal(total, 0);
	/* truncated by cap, total still reported */
	ids[1] = 77;
	assert_int_equal(btfx_type_refs(o.btf, 3, ids, 1, &total), 1);
	assert_int_equal(total, 2);
	assert_int_equal(ids[1], 77);
	assert_int_equal(btfx_type_refs(o.btf, 3, NULL, 0, &total), 0);
	assert_int_equal(total, 2);
	assert_int_equal(btfx_type_refs(o.btf, 3, ids, 8, NULL), 2);
	obj_free(&o);

	/* array: element and index */
	o = parse_free(sizes_btf(), NULL);
	assert_int_equal(btfx_type_refs(o.btf, 6, ids, 8, &total), 2);
	assert_int_equal(ids[0], 7);
	assert_int_equal(ids[1], 1);
	obj_free(&o);
}

static void test_referrers(void **state)
{
	struct obj o = parse_free(bb_seed_v(), NULL);
	uint32_t ids[8] = { 0 };

	(void)state;
	/* [1] is referenced by [2] PTR, [3] STRUCT, [4] PROTO (twice), [6] VAR */
	assert_int_equal(btfx_referrers(o.btf, 1, ids, 8), 4);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[1], 3);
	assert_int_equal(ids[2], 4);
	assert_int_equal(ids[3], 6);
	assert_int_equal(btfx_referrers(o.btf, 2, ids, 8), 1);
	assert_int_equal(ids[0], 3);
	assert_int_equal(btfx_referrers(o.btf, 4, ids, 8), 1);
	assert_int_equal(ids[0], 5);
	assert_int_equal(btfx_referrers(o.btf, 6, ids, 8), 1);
	assert_int_equal(ids[0], 7);
	assert_int_equal(btfx_referrers(o.btf, 8, ids, 8), 0);
	assert_int_equal(btfx_referrers(o.btf, 7, ids, 8), 0);
	assert_int_equal(btfx_referrers(o.btf, 9, ids, 8), 0);
	assert_int_equal(btfx_referrers(o.btf, UINT32_MAX, ids, 8), 0);
	/* cap: total returned */
	memset(ids, 0, sizeof(ids));
	assert_int_equal(btfx_referrers(o.btf, 1, ids, 2), 4);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[1], 3);
	assert_int_equal(ids[2], 0);
	/* void (0) is referenced by nothing in V */
	assert_int_equal(btfx_referrers(o.btf, 0, ids, 8), 0);
	obj_free(&o);
}

/* more than 64 members: the referrer index must see all of them */
static void test_referrers_wide_struct(void **state)
{
	struct bb *b = bb_new();
	uint32_t ids[4];
	char nm[16];
	struct obj o;

	(void)state;
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);  /* [1] */
	bb_int(b, "char", 1, BTFX_INT_CHAR, 0, 8);    /* [2] */
	bb_struct(b, "wide", 101);                    /* [3] */
	for (int i = 0; i < 100; i++) {
		snprintf(nm, sizeof(nm), "m%d", i);
		bb_member(b, nm, 2, (uint32_t)i * 8);
	}
	bb_member(b, "last", 2, 800);
	bb_proto(b, 0);                               /* [4] 70 params, last one int */
	for (int i = 0; i < 69; i++) {
		snprintf(nm, sizeof(nm), "p%d", i);
		bb_param(b, nm, 2);
	}
	bb_param(b, "pl", 1);
	o = parse_free(b, NULL);
	assert_int_equal(btfx_referrers(o.btf, 2, ids, 4), 2);
	assert_int_equal(ids[0], 3);
	assert_int_equal(ids[1], 4);
	assert_int_equal(btfx_referrers(o.btf, 1, ids, 4), 1);
	assert_int_equal(ids[0], 4);
	{
		size_t total;
		uint32_t all[128];
		assert_int_equal(btfx_type_refs(o.btf, 3, all, 128, &total), 101);
		assert_int_equal(btfx_type_refs(o.btf, 4, all, 128, &total), 71);
		assert_int_equal(all[0], 0);
		assert_int_equal(all[70], 1);
	}
	obj_free(&o);
}

/* ---------------------------------------------------------------- split BTF */

static void test_split(void **state)
{
	struct bb *vb = bb_seed_v(), *sb;
	uint32_t base_str_len = bb_str_len(vb), s_mytd, s_s2, int_off, ids[8];
	struct obj base = parse_bb(vb, NULL), split;
	struct btfx_open_opts opts = { .sz = sizeof(opts), .base = base.btf };
	const struct btfx_type *t;

	(void)state;
	int_off = btfx_type_by_id(base.btf, 1)->name_off;
	sb = bb_new_split(btfx_type_cnt(base.btf), base_str_len);
	bb_ptr(sb, 3);                       /* [9] ptr -> base struct s */
	bb_typedef(sb, "mytd", 9);           /* [10] */
	s_mytd = bb_type(sb, 10)->name_off;
	bb_struct(sb, "s2", 8);              /* [11] */
	bb_member(sb, "a", 1, 0);            /* own string "a" */
	bb_member(sb, NULL, 1, 32);          /* anonymous */
	bb_words(sb, 11)[3] = bb_type(vb, 3)->name_off; /* member name "s" from base */
	s_s2 = bb_type(sb, 11)->name_off;
	bb_raw(sb, int_off, bb_info(BTFX_KIND_TYPEDEF, 0, 0), 11); /* [12] typedef named "int" (base string) */
	split = parse_free(sb, &opts);

	assert_int_equal(s_mytd, base_str_len); /* own strings start after the base's */
	assert_int_equal(btfx_start_id(split.btf), 9);
	assert_int_equal(btfx_type_cnt(split.btf), 13);
	assert_ptr_equal(btfx_base(split.btf), base.btf);
	/* base ids resolve through the split object */
	t = btfx_type_by_id(split.btf, 3);
	assert_non_null(t);
	assert_ptr_equal(t, btfx_type_by_id(base.btf, 3));
	assert_string_equal(btfx_name(split.btf, t), "s");
	assert_null(btfx_type_by_id(split.btf, 13));
	t = btfx_type_by_id(split.btf, 10);
	assert_int_equal(btfx_kind(t), BTFX_KIND_TYPEDEF);
	assert_string_equal(btfx_name(split.btf, t), "mytd");
	assert_string_equal(btfx_str(split.btf, s_s2), "s2");
	/* strings resolve in the base below base_str_len */
	assert_string_equal(btfx_str(split.btf, int_off), "int");
	assert_string_equal(btfx_str(split.btf, 0), "");
	t = btfx_type_by_id(split.btf, 11);
	assert_string_equal(btfx_str(split.btf, btfx_members(t)[0].name_off), "a");
	assert_string_equal(btfx_str(split.btf, btfx_members(t)[1].name_off), "s");
	assert_string_equal(btfx_name(split.btf, btfx_type_by_id(split.btf, 12)), "int");
	assert_null(btfx_str(split.btf, base_str_len + 100));
	/* the base does not see the split's strings or types */
	assert_null(btfx_str(base.btf, s_mytd));
	assert_null(btfx_type_by_id(base.btf, 9));

	/* lookup: base first, then own */
	assert_int_equal(btfx_find(split.btf, "s", 0), 3);
	assert_int_equal(btfx_find(split.btf, "mytd", 0), 10);
	assert_int_equal(btfx_find(split.btf, "s2", BTFX_KIND_STRUCT), 11);
	assert_int_equal(btfx_find_all(split.btf, "int", 0, ids, 8), 2);
	assert_int_equal(ids[0], 1);
	assert_int_equal(ids[1], 12);
	assert_int_equal(btfx_find(split.btf, "int", BTFX_KIND_TYPEDEF), 12);
	assert_int_equal(btfx_find(base.btf, "mytd", 0), 0);

	/* size, align, refs across the boundary */
	assert_int_equal(btfx_resolve_size(split.btf, 10), 8);
	assert_int_equal(btfx_resolve_size(split.btf, 12), 8);
	assert_int_equal(btfx_resolve_size(split.btf, 3), 16);
	assert_int_equal(btfx_align(split.btf, 11), 4);
	assert_int_equal(btfx_skip_mods(split.btf, 10, true), 9);
	assert_int_equal(btfx_type_refs(split.btf, 9, ids, 8, NULL), 1);
	assert_int_equal(ids[0], 3);
	assert_int_equal(btfx_referrers(split.btf, 3, ids, 8), 1);
	assert_int_equal(ids[0], 9);
	assert_int_equal(btfx_referrers(split.btf, 1, ids, 8), 1);
	assert_int_equal(ids[0], 11);
	assert_int_equal(btfx_referrers(split.btf, 9, ids, 8), 1);
	assert_int_equal(ids[0], 10);
	obj_free(&split);
	obj_free(&base);
	bb_free(vb);
}

static void test_split_edge_cases(void **state)
{
	struct bb *vb = bb_seed_v(), *sb;
	uint32_t base_str_len = bb_str_len(vb);
	struct obj base = parse_bb(vb, NULL), split;
	struct btfx_open_opts opts = { .sz = sizeof(opts), .base = base.btf };
	struct btfx_error err;
	uint8_t *blob;
	size_t size;

	(void)state;
	/* empty own string section: names only from the base */
	sb = bb_new_split(9, base_str_len);
	bb_raw(sb, bb_type(vb, 3)->name_off, bb_info(BTFX_KIND_TYPEDEF, 0, 0), 3); /* typedef s -> struct s */
	assert_int_equal(bb_str_len(sb), 0);
	split = parse_free(sb, &opts);
	assert_int_equal(btfx_type_cnt(split.btf), 10);
	assert_int_equal(btfx_find(split.btf, "s", BTFX_KIND_TYPEDEF), 9);
	obj_free(&split);

	/* split string section need not start with NUL */
	sb = bb_new_split(9, base_str_len);
	bb_typedef(sb, "x", 1);
	split = parse_free(sb, &opts);
	assert_string_equal(btfx_str(split.btf, base_str_len), "x");
	obj_free(&split);

	/* a reference past the split's last id */
	sb = bb_new_split(9, base_str_len);
	bb_ptr(sb, 10);
	blob = bb_emit_simple(sb, &size);
	bb_free(sb);
	assert_null(btfx_parse(blob, size, "split", false, &opts, &err));
	assert_int_equal(err.code, BTFX_E_REF);
	assert_int_equal(err.type_id, 9);
	assert_non_null(strstr(err.msg, "[9]"));
	free(blob);

	/* a name offset past the split's strings */
	sb = bb_new_split(9, base_str_len);
	bb_typedef(sb, "x", 1);
	bb_type(sb, 9)->name_off = base_str_len + 2;
	blob = bb_emit_simple(sb, &size);
	bb_free(sb);
	assert_null(btfx_parse(blob, size, "split", false, &opts, &err));
	assert_int_equal(err.code, BTFX_E_NAME);
	assert_int_equal(err.type_id, 9);
	free(blob);

	/* an empty split (header only) is fine with a base */
	sb = bb_new_split(9, base_str_len);
	split = parse_free(sb, &opts);
	assert_int_equal(btfx_type_cnt(split.btf), 9);
	assert_int_equal(btfx_find(split.btf, "s", 0), 3);
	obj_free(&split);

	/* a struct in the split embedding a base struct, and a loop inside the split */
	sb = bb_new_split(9, base_str_len);
	bb_struct(sb, "outer", 24);   /* [9] */
	bb_member(sb, "in", 3, 0);
	bb_member(sb, "x", 1, 128);
	bb_const(sb, 11);             /* [10] */
	bb_volatile(sb, 10);          /* [11] */
	blob = bb_emit_simple(sb, &size);
	bb_free(sb);
	assert_null(btfx_parse(blob, size, "split", false, &opts, &err));
	assert_int_equal(err.code, BTFX_E_LOOP);
	assert_int_equal(err.type_id, 10);
	free(blob);

	obj_free(&base);
	bb_free(vb);
}

/*
 * Lookups whose matches span base and split with a cap smaller than the
 * number of matches: only cap ids may be written, the total is returned.
 * (Kept last: a failure here has been a wild write.)
 */
#define CHK(c)                                                                       \
	do {                                                                         \
		if (!(c)) {                                                          \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
			return 1;                                                    \
		}                                                                    \
	} while (0)

/* runs in a child process: no cmocka assertions here */
static int split_find_cap_body(void *arg)
{
	struct bb *vb = bb_new(), *sb;
	struct btfx_open_opts opts = { .sz = sizeof(opts) };
	struct btfx_error err;
	struct btfx *base, *split;
	uint32_t ids[4] = { 0 };
	struct { uint32_t id; uint32_t canary[8]; } one;
	uint8_t *bblob, *sblob;
	size_t bsz, ssz;

	(void)arg;
	bb_struct(vb, "dup", 0);  /* [1] */
	bb_struct(vb, "dup", 0);  /* [2] */
	bb_struct(vb, "dup", 0);  /* [3] */
	bblob = bb_emit_simple(vb, &bsz);
	base = btfx_parse(bblob, bsz, "base", false, NULL, &err);
	CHK(base);
	opts.base = base;
	sb = bb_new_split(4, bb_str_len(vb));
	bb_struct(sb, "dup", 0);  /* [4] */
	bb_struct(sb, "dup", 0);  /* [5] */
	sblob = bb_emit_simple(sb, &ssz);
	split = btfx_parse(sblob, ssz, "split", false, &opts, &err);
	CHK(split);

	CHK(btfx_find_all(split, "dup", 0, ids, 4) == 5);
	CHK(ids[0] == 1 && ids[3] == 4);
	memset(&one, 0, sizeof(one));
	CHK(btfx_find(split, "dup", 0) == 1);
	CHK(btfx_find_all(split, "dup", 0, &one.id, 1) == 5);
	CHK(one.id == 1);
	for (int i = 0; i < 8; i++)
		CHK(one.canary[i] == 0);
	memset(ids, 0, sizeof(ids));
	CHK(btfx_find_all(split, "dup", 0, ids, 2) == 5);
	CHK(ids[0] == 1 && ids[1] == 2 && ids[2] == 0 && ids[3] == 0);
	CHK(btfx_find_all(split, "dup", 0, NULL, 0) == 5);
	CHK(btfx_find_all(split, "dup", BTFX_KIND_STRUCT, NULL, 0) == 5);
	{
		uint32_t ess[2] = { 0, 0 };
		CHK(btfx_find_essential(split, "dup", 3, ess, 1) == 5);
		CHK(ess[0] == 1 && ess[1] == 0);
	}
	btfx_free(split);
	btfx_free(base);
	free(sblob);
	free(bblob);
	bb_free(sb);
	bb_free(vb);
	return 0;
}

/* isolated: a wild write must fail this test, not kill the binary */
static void test_split_find_cap(void **state)
{
	char why[256];

	(void)state;
	if (isolate_run(split_find_cap_body, NULL, why, sizeof(why)))
		fail_msg("btfx_find/btfx_find_all on split BTF with cap < matches %s "
			 "(libbtfx/index.c lookup_own sorts ids[start..min(found,cap)) with start > cap)", why);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_type_by_id_bounds),
		cmocka_unit_test(test_str_bounds),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_find_all_duplicates),
		cmocka_unit_test(test_essential_name_len),
		cmocka_unit_test(test_find_essential),
		cmocka_unit_test(test_refs_only_index),
		cmocka_unit_test(test_resolve_size),
		cmocka_unit_test(test_resolve_size_unvalidated),
		cmocka_unit_test(test_align),
		cmocka_unit_test(test_align_shared_dag),
		cmocka_unit_test(test_skip_mods),
		cmocka_unit_test(test_type_refs),
		cmocka_unit_test(test_referrers),
		cmocka_unit_test(test_referrers_wide_struct),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_split_edge_cases),
		cmocka_unit_test(test_split_find_cap),
	};
	return cmocka_run_group_tests_name("index", tests, NULL, NULL);
}
