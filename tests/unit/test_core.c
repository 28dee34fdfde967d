// SPDX-License-Identifier: BSD-2-Clause
/*
 * The CO-RE engine (include/btfx/core.h) on crafted local and target BTF:
 * access-string parsing and libbpf's spec format, candidate search with
 * essential names and flavors, matching through anonymous members, arrays
 * (flexible or not), stateful candidate pruning and ambiguity, the result
 * of every kind when nothing matches, ENUM vs ENUM64, bitfields too big to
 * load, too-deep target nesting, TYPE_MATCHES details (and its cost on
 * shared types, loops and wide types: F16), and instruction
 * patching (ALU immediates, LDX offsets with the load-size adjustment,
 * ldimm64, poisoning, and the instructions that cannot be patched).
 *
 * Every expected value is written down from libbpf's semantics
 * (shared/reference/btf-core-spec.md 3.3-3.8), with the layout arithmetic
 * spelled out next to it.
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
#include <time.h>

#include "btfx/btfx.h"
#include "btfx/core.h"
#include "btfx/minimize.h"
#include "helpers/btf_builder.h"

#define ENC_SIGNED 1
#define ENC_BOOL 4

static struct btfx *mk(struct bb *b, const char *name, uint32_t flags)
{
	struct btfx_open_opts o = { .sz = sizeof(o), .flags = flags };
	struct btfx_error err;
	size_t n;
	uint8_t *blob = bb_emit_simple(b, &n);
	struct btfx *r = btfx_parse(blob, n, name, true, &o, &err);

	free(blob);
	bb_free(b);
	if (!r)
		fail_msg("crafted BTF %s rejected: %s", name, err.msg);
	return r;
}

/* ---------------------------------------------------------------- fixtures */

/*
 * Local:
 *  [1] int  [2] long  [3] struct inner {int x @0; int y @32} size 8
 *  [4] int[4]  [5] struct s {int a @0; long b @64; struct inner in @128;
 *                           int arr[4] @192} size 40
 *  [6] int[0]  [7] struct fl {int n @0; int flex[] @32} size 4
 *  [8] struct nf {int flex0[] @0; int after @0} size 4   (zero array not last)
 *  [9] enum e {A=1, B=2} size 4
 */
static struct btfx *local_basic(void)
{
	struct bb *b = bb_new();
	uint32_t i = bb_int(b, "int", 4, ENC_SIGNED, 0, 32);
	uint32_t l = bb_int(b, "long", 8, ENC_SIGNED, 0, 64);
	uint32_t in = bb_struct(b, "inner", 8);
	bb_member(b, "x", i, 0);
	bb_member(b, "y", i, 32);
	uint32_t arr = bb_array(b, i, i, 4);
	bb_struct(b, "s", 40);
	bb_member(b, "a", i, 0);
	bb_member(b, "b", l, 64);
	bb_member(b, "in", in, 128);
	bb_member(b, "arr", arr, 192);
	uint32_t z = bb_array(b, i, i, 0);
	bb_struct(b, "fl", 4);
	bb_member(b, "n", i, 0);
	bb_member(b, "flex", z, 32);
	bb_struct(b, "nf", 4);
	bb_member(b, "flex0", z, 0);
	bb_member(b, "after", i, 0);
	bb_enum(b, "e", 4, false);
	bb_enum_val(b, "A", 1);
	bb_enum_val(b, "B", 2);
	return mk(b, "local_basic", 0);
}

static void spec_ok(const struct btfx *btf, uint32_t id, const char *acc, uint32_t kind, const char *want_fmt,
		    uint32_t want_bits)
{
	struct btfx_core_spec sp;
	char why[256] = "", buf[256];
	int e = btfx_core_parse_spec(btf, id, acc, kind, &sp, why, sizeof(why));

	if (e)
		fail_msg("parse \"%s\": %d %s", acc, e, why);
	btfx_core_format_spec(buf, sizeof(buf), &sp);
	if (strcmp(buf, want_fmt))
		fail_msg("format \"%s\": got \"%s\", want \"%s\"", acc, buf, want_fmt);
	if (want_bits != ~0u)
		assert_int_equal(sp.bit_offset, want_bits);
}

static void spec_bad(const struct btfx *btf, uint32_t id, const char *acc, uint32_t kind)
{
	struct btfx_core_spec sp;
	char why[256] = "";
	int e = btfx_core_parse_spec(btf, id, acc, kind, &sp, why, sizeof(why));

	if (!e)
		fail_msg("access \"%s\" (kind %u) was accepted", acc, kind);
	assert_true(e < 0);
	assert_true(why[0] != 0);
}

static void test_parse_and_format(void **state)
{
	struct btfx *l = local_basic();
	struct btfx_core_spec sp;
	(void)state;

	spec_ok(l, 5, "0:2:1", BTFX_CORE_FIELD_BYTE_OFFSET, "<byte_off> [5] struct s.in.y (0:2:1 @ offset 20)", 160);
	spec_ok(l, 5, "1:1", BTFX_CORE_FIELD_BYTE_OFFSET, "<byte_off> [5] struct s[1].b (1:1 @ offset 48)",
		(40 + 8) * 8);
	spec_ok(l, 5, "0:3:2", BTFX_CORE_FIELD_BYTE_SIZE, "<byte_sz> [5] struct s.arr[2] (0:3:2 @ offset 32)", 256);
	spec_ok(l, 5, "0", BTFX_CORE_TYPE_SIZE, "<type_size> [5] struct s", ~0u);
	spec_ok(l, 9, "1", BTFX_CORE_ENUMVAL_VALUE, "<enumval_value> [9] enum e::B = 2", ~0u);
	/* a flexible array (last member) takes any index */
	spec_ok(l, 7, "0:1:7", BTFX_CORE_FIELD_BYTE_OFFSET, "<byte_off> [7] struct fl.flex[7] (0:1:7 @ offset 32)",
		32 + 7 * 32);

	/* the high-level spec: root, in, y */
	assert_int_equal(btfx_core_parse_spec(l, 5, "0:2:1", 0, &sp, NULL, 0), 0);
	assert_int_equal(sp.raw_len, 3);
	assert_int_equal(sp.len, 3);
	assert_string_equal(sp.spec[1].name, "in");
	assert_string_equal(sp.spec[2].name, "y");
	assert_int_equal(sp.raw_spec[2], 1);

	spec_bad(l, 5, "0:3:4", BTFX_CORE_FIELD_BYTE_OFFSET); /* int[4][4] */
	spec_bad(l, 5, "0:4", BTFX_CORE_FIELD_BYTE_OFFSET);   /* 4 members */
	spec_bad(l, 5, "0:0:0", BTFX_CORE_FIELD_BYTE_OFFSET); /* int is not indexable */
	spec_bad(l, 8, "0:0:1", BTFX_CORE_FIELD_BYTE_OFFSET); /* zero-size array not last: not flexible */
	spec_bad(l, 9, "2", BTFX_CORE_ENUMVAL_EXISTS);        /* 2 enumerators */
	spec_bad(l, 9, "0:0", BTFX_CORE_ENUMVAL_VALUE);       /* exactly one index */
	spec_bad(l, 5, "0", 13);                              /* kind 13 */
	spec_bad(l, 99, "0", BTFX_CORE_TYPE_SIZE);            /* no such type */
	btfx_free(l);
}

static void test_access_grammar(void **state)
{
	static const char *const bad[] = { "", ":0", "0::1", "0:", "-1", "0:-1", "0:+1", " 0", "0 ", "0:99999999999",
					   "4294967296", "0:a", "0x1" };
	struct btfx *l = local_basic();
	char many[200];
	(void)state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		spec_bad(l, 5, bad[i], BTFX_CORE_FIELD_BYTE_OFFSET);
	/* type-based kinds take exactly "0" */
	spec_bad(l, 5, "1", BTFX_CORE_TYPE_SIZE);
	spec_bad(l, 5, "0:0", BTFX_CORE_TYPE_EXISTS);
	spec_bad(l, 5, "00", BTFX_CORE_TYPE_MATCHES);
	/* 65 accessors: more than BPF_CORE_SPEC_MAX_LEN */
	many[0] = 0;
	for (int i = 0; i < 65; i++)
		strcat(many, i ? ":0" : "0");
	spec_bad(l, 5, many, BTFX_CORE_FIELD_BYTE_OFFSET);
	btfx_free(l);
}

/* ------------------------------------------------------------ calc helpers */

struct env {
	struct btfx *l, *t;
	struct btfx_core_ctx *ctx;
};

static void env_init(struct env *v, struct btfx *l, struct btfx *t)
{
	v->l = l;
	v->t = t;
	v->ctx = btfx_core_ctx_new(l, t, NULL, 0);
	assert_non_null(v->ctx);
}

static void env_fini(struct env *v)
{
	btfx_core_ctx_free(v->ctx);
	btfx_free(v->l);
	btfx_free(v->t);
}

#define ST_OK BTFX_CORE_OK
#define ST_POISON BTFX_CORE_POISONED
#define ST_ERR BTFX_CORE_ERROR

static void expect(struct env *v, uint32_t id, const char *acc, uint32_t kind, enum btfx_core_status st, uint64_t val)
{
	struct btfx_core_result r;

	btfx_core_calc(v->ctx, id, acc, kind, &r);
	if (r.status != st)
		fail_msg("[%u] %s kind %s: status %d, expected %d (%s)", id, acc, btfx_core_kind_str(kind), r.status, st,
			 r.reason);
	if (st == ST_OK && r.new_val != val)
		fail_msg("[%u] %s kind %s: value %llu, expected %llu", id, acc, btfx_core_kind_str(kind),
			 (unsigned long long)r.new_val, (unsigned long long)val);
	if (st == ST_POISON)
		assert_true(r.poison);
	btfx_core_result_fini(&r);
}

/*
 * Target for local_basic's struct s: the same members, moved into
 * anonymous members, resized:
 *  [1] int [2] long [3] char
 *  [4] struct inner {long pad @0; int y @64; int x @96} size 16
 *  [5] union (anon) {int a @0; long q @0} size 8
 *  [6] struct (anon) {char c @0; long b @64} size 16
 *  [7] int[6]
 *  [8] struct s {long pad @0; union anon @64; struct anon @128;
 *                struct inner in @256; int arr[6] @384} size 72
 */
static struct btfx *target_anon(void)
{
	struct bb *b = bb_new();
	uint32_t i = bb_int(b, "int", 4, ENC_SIGNED, 0, 32);
	uint32_t l = bb_int(b, "long", 8, ENC_SIGNED, 0, 64);
	uint32_t c = bb_int(b, "char", 1, ENC_SIGNED, 0, 8);
	uint32_t in = bb_struct(b, "inner", 16);
	bb_member(b, "pad", l, 0);
	bb_member(b, "y", i, 64);
	bb_member(b, "x", i, 96);
	uint32_t u = bb_union(b, "", 8);
	bb_member(b, "a", i, 0);
	bb_member(b, "q", l, 0);
	uint32_t as = bb_struct(b, "", 16);
	bb_member(b, "c", c, 0);
	bb_member(b, "b", l, 64);
	uint32_t arr = bb_array(b, i, i, 6);
	bb_struct(b, "s", 72);
	bb_member(b, "pad", l, 0);
	bb_member(b, "", u, 64);
	bb_member(b, "", as, 128);
	bb_member(b, "in", in, 256);
	bb_member(b, "arr", arr, 384);
	return mk(b, "target_anon", 0);
}

static void test_anonymous_members(void **state)
{
	struct env v;
	(void)state;
	env_init(&v, local_basic(), target_anon());
	expect(&v, 5, "0:0", BTFX_CORE_FIELD_BYTE_OFFSET, ST_OK, 8);       /* a: union @8 */
	expect(&v, 5, "0:1", BTFX_CORE_FIELD_BYTE_OFFSET, ST_OK, 16 + 8);  /* b: struct @16, +8 */
	expect(&v, 5, "0:1", BTFX_CORE_FIELD_BYTE_SIZE, ST_OK, 8);
	expect(&v, 5, "0:2:1", BTFX_CORE_FIELD_BYTE_OFFSET, ST_OK, 32 + 8); /* in.y */
	expect(&v, 5, "0:2:0", BTFX_CORE_FIELD_BYTE_OFFSET, ST_OK, 32 + 12); /* in.x */
	expect(&v, 5, "0:2", BTFX_CORE_FIELD_BYTE_SIZE, ST_OK, 16);
	expect(&v, 5, "0:3:3", BTFX_CORE_FIELD_BYTE_OFFSET, ST_OK, 48 + 12); /* arr[3] */
	expect(&v, 5, "1:0", BTFX_CORE_FIELD_BYTE_OFFSET, ST_OK, 72 + 8);    /* s[1].a */
	expect(&v, 5, "0:3", BTFX_CORE_FIELD_BYTE_SIZE, ST_OK, 24);          /* whole int[6] */
	expect(&v, 5, "0:3:2", BTFX_CORE_FIELD_LSHIFT_U64, ST_ERR, 0);       /* array element: off/size only */
	expect(&v, 5, "0:3:2", BTFX_CORE_FIELD_EXISTS, ST_OK, 1);
	expect(&v, 5, "0:0", BTFX_CORE_FIELD_SIGNED, ST_OK, 1);
	expect(&v, 5, "0:0", BTFX_CORE_FIELD_LSHIFT_U64, ST_OK, 32);
	expect(&v, 5, "0", BTFX_CORE_TYPE_SIZE, ST_OK, 72);
	env_fini(&v);
}

/* The local accessor 0:3:5 is parsed against the *local* int[4]: index 5
 * is out of its range even though the target's int[6] would hold it. */
static void test_local_index_out_of_range(void **state)
{
	struct env v;
	struct btfx_core_result r;
	(void)state;
	env_init(&v, local_basic(), target_anon());
	btfx_core_calc(v.ctx, 5, "0:3:5", BTFX_CORE_FIELD_BYTE_OFFSET, &r);
	assert_int_equal(r.status, ST_ERR);
	assert_true(r.err < 0);
	btfx_core_result_fini(&r);
	env_fini(&v);
}

/*
 * Pruning and ambiguity.  Local (one struct per scenario, so each has its
 * own candidate list):  [1] int [2] struct p1 {int only_a; int b}
 *                       [3] struct p2 {int b; int only_a}   [4] long
 * Target: [1] int [2] long [3] struct p {int only_a @0; int b @32} size 8
 *         [4] struct p___2 {long b @0} size 8
 * (p1 and p2 are flavors of nothing: essential names "p1"/"p2"; they are
 * named p___l1 / p___l2 to share the essential name "p".)
 */
static void test_pruning_and_ambiguity(void **state)
{
	struct bb *lb = bb_new(), *tb = bb_new();
	uint32_t i = bb_int(lb, "int", 4, ENC_SIGNED, 0, 32);
	bb_struct(lb, "p___l1", 8); /* [2] */
	bb_member(lb, "only_a", i, 0);
	bb_member(lb, "b", i, 32);
	bb_struct(lb, "p___l2", 8); /* [3] */
	bb_member(lb, "b", i, 0);
	bb_member(lb, "only_a", i, 32);
	bb_struct(lb, "q", 4); /* [4] */
	bb_member(lb, "x", i, 0);

	uint32_t ti = bb_int(tb, "int", 4, ENC_SIGNED, 0, 32);
	uint32_t tl = bb_int(tb, "long", 8, ENC_SIGNED, 0, 64);
	bb_struct(tb, "p", 8); /* [3] */
	bb_member(tb, "only_a", ti, 0);
	bb_member(tb, "b", ti, 32);
	bb_struct(tb, "p___2", 8); /* [4] */
	bb_member(tb, "b", tl, 0);
	bb_struct(tb, "q", 4); /* [5] */
	bb_member(tb, "x", ti, 0);
	bb_struct(tb, "q___dup", 4); /* [6] identical */
	bb_member(tb, "x", ti, 0);
	bb_struct(tb, "q___big", 8); /* [7] same offset, other size */
	bb_member(tb, "x", tl, 0);

	struct env v;
	struct btfx_core_result r;
	(void)state;
	env_init(&v, mk(lb, "local_prune", 0), mk(tb, "target_prune", 0));

	/* p___l1: only_a matches p alone, which prunes p___2 ... */
	btfx_core_calc(v.ctx, 2, "0:0", BTFX_CORE_FIELD_BYTE_OFFSET, &r);
	assert_int_equal(r.status, ST_OK);
	assert_int_equal(r.new_val, 0);
	assert_int_equal(r.ncands, 2);
	btfx_core_result_fini(&r);
	/* ... so b is unambiguous: offset 4 in p */
	expect(&v, 2, "0:1", BTFX_CORE_FIELD_BYTE_OFFSET, ST_OK, 4);
	expect(&v, 2, "0:1", BTFX_CORE_FIELD_BYTE_SIZE, ST_OK, 4);

	/* p___l2 asks for b first: p says 4, p___2 says 0: offset ambiguity */
	btfx_core_calc(v.ctx, 3, "0:0", BTFX_CORE_FIELD_BYTE_OFFSET, &r);
	assert_int_equal(r.status, ST_ERR);
	assert_true(r.err < 0);
	btfx_core_result_fini(&r);

	/* q: three candidates at offset 0; sizes 4, 4, 8 */
	expect(&v, 4, "0:0", BTFX_CORE_FIELD_BYTE_OFFSET, ST_OK, 0);
	expect(&v, 4, "0:0", BTFX_CORE_FIELD_EXISTS, ST_OK, 1);
	expect(&v, 4, "0:0", BTFX_CORE_FIELD_BYTE_SIZE, ST_ERR, 0);   /* decision ambiguity */
	expect(&v, 4, "0", BTFX_CORE_TYPE_SIZE, ST_ERR, 0);           /* 4 vs 8 */
	expect(&v, 4, "0", BTFX_CORE_TYPE_ID_TARGET, ST_ERR, 0);      /* three ids */
	expect(&v, 4, "0", BTFX_CORE_TYPE_EXISTS, ST_OK, 1);
	env_fini(&v);
}

/*
 * No candidate at all, per kind (libbpf: existence kinds, TYPE_SIZE and
 * TYPE_ID_TARGET give 0; the other field kinds and ENUMVAL_VALUE poison;
 * TYPE_ID_LOCAL is the local id).
 * Local: [1] int [2] struct gone {int a} [3] enum egone {G=1}
 * Target: [1] int
 */
static void test_no_candidates(void **state)
{
	struct bb *lb = bb_new(), *tb = bb_new();
	uint32_t i = bb_int(lb, "int", 4, ENC_SIGNED, 0, 32);
	bb_struct(lb, "gone", 4);
	bb_member(lb, "a", i, 0);
	bb_enum(lb, "egone", 4, false);
	bb_enum_val(lb, "G", 1);
	bb_int(tb, "int", 4, ENC_SIGNED, 0, 32);
	struct env v;
	struct btfx_core_result r;
	(void)state;
	env_init(&v, mk(lb, "local_gone", 0), mk(tb, "target_int", 0));

	for (uint32_t k = BTFX_CORE_FIELD_BYTE_OFFSET; k <= BTFX_CORE_FIELD_RSHIFT_U64; k++)
		expect(&v, 2, "0:0", k, k == BTFX_CORE_FIELD_EXISTS ? ST_OK : ST_POISON, 0);
	expect(&v, 2, "0", BTFX_CORE_TYPE_ID_LOCAL, ST_OK, 2);
	expect(&v, 2, "0", BTFX_CORE_TYPE_ID_TARGET, ST_OK, 0);
	expect(&v, 2, "0", BTFX_CORE_TYPE_EXISTS, ST_OK, 0);
	expect(&v, 2, "0", BTFX_CORE_TYPE_SIZE, ST_OK, 0);
	expect(&v, 2, "0", BTFX_CORE_TYPE_MATCHES, ST_OK, 0);
	expect(&v, 3, "0", BTFX_CORE_ENUMVAL_EXISTS, ST_OK, 0);
	expect(&v, 3, "0", BTFX_CORE_ENUMVAL_VALUE, ST_POISON, 0);

	btfx_core_calc(v.ctx, 2, "0", BTFX_CORE_TYPE_SIZE, &r);
	assert_true(r.no_candidates);
	assert_false(r.poison);
	assert_int_equal(r.orig_val, 4);
	btfx_core_result_fini(&r);
	env_fini(&v);
}

/* An anonymous local root cannot be searched (libbpf: -EOPNOTSUPP), except
 * for TYPE_ID_LOCAL. Local: [1] int [2] struct (anon) {int a} */
static void test_anonymous_root(void **state)
{
	struct bb *lb = bb_new(), *tb = bb_new();
	uint32_t i = bb_int(lb, "int", 4, ENC_SIGNED, 0, 32);
	bb_struct(lb, "", 4);
	bb_member(lb, "a", i, 0);
	bb_int(tb, "int", 4, ENC_SIGNED, 0, 32);
	struct env v;
	struct btfx_core_result r;
	(void)state;
	env_init(&v, mk(lb, "local_anon_root", 0), mk(tb, "target_int", 0));
	expect(&v, 2, "0", BTFX_CORE_TYPE_ID_LOCAL, ST_OK, 2);
	btfx_core_calc(v.ctx, 2, "0:0", BTFX_CORE_FIELD_BYTE_OFFSET, &r);
	assert_int_equal(r.status, ST_ERR);
	assert_int_equal(r.err, -EOPNOTSUPP);
	btfx_core_result_fini(&r);
	env_fini(&v);
}

/*
 * Essential names: the last X___Y with X, Y not '_'.
 * Local:  [1] int [2] t___v1 {int a} [3] t____x {int a} [4] u___ {int a}
 *         [5] t {int a}
 * Target: [1] int [2] short [3] t___kern {short pad; int a @32} size 8
 *         [4] t____x {int pad; int pad2; int a @64} size 12
 */
static void test_essential_names(void **state)
{
	struct bb *lb = bb_new(), *tb = bb_new();
	uint32_t i = bb_int(lb, "int", 4, ENC_SIGNED, 0, 32);
	const char *names[] = { "t___v1", "t____x", "u___", "t" };
	for (int k = 0; k < 4; k++) {
		bb_struct(lb, names[k], 4);
		bb_member(lb, "a", i, 0);
	}
	uint32_t ti = bb_int(tb, "int", 4, ENC_SIGNED, 0, 32);
	uint32_t ts = bb_int(tb, "short", 2, ENC_SIGNED, 0, 16);
	bb_struct(tb, "t___kern", 8);
	bb_member(tb, "pad", ts, 0);
	bb_member(tb, "a", ti, 32);
	bb_struct(tb, "t____x", 12);
	bb_member(tb, "pad", ti, 0);
	bb_member(tb, "pad2", ti, 32);
	bb_member(tb, "a", ti, 64);
	struct env v;
	(void)state;
	env_init(&v, mk(lb, "local_names", 0), mk(tb, "target_names", 0));
	expect(&v, 2, "0:0", BTFX_CORE_FIELD_BYTE_OFFSET, ST_OK, 4); /* t___v1 -> t___kern */
	expect(&v, 5, "0:0", BTFX_CORE_FIELD_BYTE_OFFSET, ST_OK, 4); /* t -> t___kern */
	expect(&v, 3, "0:0", BTFX_CORE_FIELD_BYTE_OFFSET, ST_OK, 8); /* t____x -> t____x only */
	expect(&v, 4, "0:0", BTFX_CORE_FIELD_EXISTS, ST_OK, 0);      /* "u___" is a whole name */
	expect(&v, 3, "0", BTFX_CORE_TYPE_ID_TARGET, ST_OK, 4);
	expect(&v, 2, "0", BTFX_CORE_TYPE_ID_TARGET, ST_OK, 3);
	assert_int_equal(btfx_essential_name_len("t___v1"), 1);
	assert_int_equal(btfx_essential_name_len("t____x"), 6);
	assert_int_equal(btfx_essential_name_len("u___"), 4);
	assert_int_equal(btfx_essential_name_len("a___b___c"), 5);
	env_fini(&v);
}

/*
 * Enumerators: ENUM vs ENUM64 both ways, s32 sign extension, flavored
 * enumerators, an enum behind a typedef, a target that is not an enum.
 * Local:  [1] enum e {A=1, B=2} [2] enum64 e64 {C=0x100000000}
 *         [3] enum en {N=0} [4] enum (anon) {X=5} [5] typedef td -> [4]
 *         [6] enum notenum {Z=0}
 * Target: [1] enum64 e {B=0x200000001, A___new=3} [2] enum e64 {C=7} (s32)
 *         [3] enum en {N=-2} (signed) [4] enum (anon) {X=9}
 *         [5] typedef td -> [4] [6] int [7] typedef notenum -> int
 */
static void test_enumvals(void **state)
{
	struct bb *lb = bb_new(), *tb = bb_new();
	bb_enum(lb, "e", 4, false);
	bb_enum_val(lb, "A", 1);
	bb_enum_val(lb, "B", 2);
	bb_enum64(lb, "e64", 8, false);
	bb_enum64_val(lb, "C", 0x100000000ull);
	bb_enum(lb, "en", 4, false);
	bb_enum_val(lb, "N", 0);
	uint32_t anon = bb_enum(lb, "", 4, false);
	bb_enum_val(lb, "X", 5);
	bb_typedef(lb, "td", anon);
	bb_enum(lb, "notenum", 4, false);
	bb_enum_val(lb, "Z", 0);

	bb_enum64(tb, "e", 8, false);
	bb_enum64_val(tb, "B", 0x200000001ull);
	bb_enum64_val(tb, "A___new", 3);
	bb_enum(tb, "e64", 4, true);
	bb_enum_val(tb, "C", 7);
	bb_enum(tb, "en", 4, true);
	bb_enum_val(tb, "N", -2);
	uint32_t tanon = bb_enum(tb, "", 4, false);
	bb_enum_val(tb, "X", 9);
	bb_typedef(tb, "td", tanon);
	uint32_t ti = bb_int(tb, "int", 4, ENC_SIGNED, 0, 32);
	bb_typedef(tb, "notenum", ti);
	struct env v;
	(void)state;
	env_init(&v, mk(lb, "local_enums", 0), mk(tb, "target_enums", 0));
	expect(&v, 1, "0", BTFX_CORE_ENUMVAL_VALUE, ST_OK, 3);               /* A -> A___new */
	expect(&v, 1, "1", BTFX_CORE_ENUMVAL_VALUE, ST_OK, 0x200000001ull);   /* ENUM -> ENUM64 */
	expect(&v, 2, "0", BTFX_CORE_ENUMVAL_VALUE, ST_OK, 7);               /* ENUM64 -> ENUM */
	expect(&v, 3, "0", BTFX_CORE_ENUMVAL_VALUE, ST_OK, (uint64_t)-2);    /* s32, sign-extended */
	expect(&v, 5, "0", BTFX_CORE_ENUMVAL_VALUE, ST_OK, 9);               /* through the typedef */
	expect(&v, 5, "0", BTFX_CORE_ENUMVAL_EXISTS, ST_OK, 1);
	/* local notenum is an ENUM, the target's "notenum" a TYPEDEF: no candidate */
	expect(&v, 6, "0", BTFX_CORE_ENUMVAL_EXISTS, ST_OK, 0);
	expect(&v, 6, "0", BTFX_CORE_ENUMVAL_VALUE, ST_POISON, 0);
	/* type kinds: ENUM and ENUM64 are compatible, TYPE_MATCHES needs equal sizes */
	expect(&v, 1, "0", BTFX_CORE_TYPE_EXISTS, ST_OK, 1);
	expect(&v, 1, "0", BTFX_CORE_TYPE_SIZE, ST_OK, 8);
	expect(&v, 1, "0", BTFX_CORE_TYPE_MATCHES, ST_OK, 0);
	env_fini(&v);
}

/*
 * Bitfields: values from llvm_reloc.rst's recipe, and a field no 8-byte load
 * can hold (libbpf: -E2BIG, an error, not a poison).
 * Local:  [1] unsigned int [2] struct bf {u32 x:5 @0; u32 y:9 @5} size 4 (kflag)
 * Target: [1] unsigned int [2] unsigned long long
 *         [3] struct bf {u32 x:5 @30; u64 y:62 @40} size 16 (kflag)
 *   x: bits 30..34 straddle the u32 unit: byte_sz 8, byte_off 0,
 *      lshift 64 - 35 = 29, rshift 59
 *   y: bits 40..101: byte_off 0 (8-byte unit), 40 + 62 > 64 -> E2BIG
 */
static void test_bitfields(void **state)
{
	struct bb *lb = bb_new(), *tb = bb_new();
	uint32_t u = bb_int(lb, "unsigned int", 4, 0, 0, 32);
	bb_struct(lb, "bf", 4);
	bb_member_bf(lb, "x", u, 0, 5);
	bb_member_bf(lb, "y", u, 5, 9);
	uint32_t tu = bb_int(tb, "unsigned int", 4, 0, 0, 32);
	uint32_t tull = bb_int(tb, "unsigned long long", 8, 0, 0, 64);
	bb_struct(tb, "bf", 16);
	bb_member_bf(tb, "x", tu, 30, 5);
	bb_member_bf(tb, "y", tull, 40, 62);
	struct env v;
	struct btfx_core_result r;
	(void)state;
	env_init(&v, mk(lb, "local_bf", 0), mk(tb, "target_bf", 0));
	expect(&v, 2, "0:0", BTFX_CORE_FIELD_BYTE_OFFSET, ST_OK, 0);
	expect(&v, 2, "0:0", BTFX_CORE_FIELD_BYTE_SIZE, ST_OK, 8);
	expect(&v, 2, "0:0", BTFX_CORE_FIELD_LSHIFT_U64, ST_OK, 29);
	expect(&v, 2, "0:0", BTFX_CORE_FIELD_RSHIFT_U64, ST_OK, 59);
	expect(&v, 2, "0:0", BTFX_CORE_FIELD_SIGNED, ST_OK, 0);
	expect(&v, 2, "0:1", BTFX_CORE_FIELD_EXISTS, ST_OK, 1);
	btfx_core_calc(v.ctx, 2, "0:1", BTFX_CORE_FIELD_BYTE_OFFSET, &r);
	assert_int_equal(r.status, ST_ERR);
	assert_int_equal(r.err, -E2BIG);
	btfx_core_result_fini(&r);
	expect(&v, 2, "0:1", BTFX_CORE_FIELD_SIGNED, ST_ERR, 0);
	env_fini(&v);
}

/*
 * 65 levels of anonymous nesting in the target (the selftests'
 * nesting___err_too_deep): the target spec would need more than 64
 * accessors; libbpf fails the relocation with -E2BIG.  The target is
 * opened without the kernel-rule validation (its resolve depth > 32 is a
 * kernel-load limit, not a CO-RE one; libbpf reads such a target).
 */
static void test_too_deep_target(void **state)
{
	struct bb *lb = bb_new(), *tb = bb_new();
	uint32_t i = bb_int(lb, "int", 4, ENC_SIGNED, 0, 32);
	uint32_t in = bb_struct(lb, "", 4);
	bb_member(lb, "b", i, 0);
	bb_struct(lb, "deep", 4); /* [3] deep { struct { int b; } b; } */
	bb_member(lb, "b", in, 0);

	uint32_t ti = bb_int(tb, "int", 4, ENC_SIGNED, 0, 32);
	uint32_t cur = bb_struct(tb, "", 4);
	bb_member(tb, "b", ti, 0);
	for (int k = 0; k < 65; k++) {
		uint32_t n = bb_struct(tb, "", 4);
		bb_member(tb, "", cur, 0);
		cur = n;
	}
	bb_struct(tb, "deep", 4); /* deep { <65 anonymous levels> { int b; } b; } */
	bb_member(tb, "b", cur, 0);
	struct env v;
	struct btfx_core_result r;
	(void)state;
	env_init(&v, mk(lb, "local_deep", 0), mk(tb, "target_deep", BTFX_F_NO_VALIDATE));
	btfx_core_calc(v.ctx, 3, "0:0:0", BTFX_CORE_FIELD_BYTE_OFFSET, &r);
	if (r.status != ST_ERR || r.err != -E2BIG)
		fail_msg("65-deep target: status %d err %d (%s), libbpf: error -E2BIG", r.status, r.err, r.reason);
	btfx_core_result_fini(&r);
	env_fini(&v);
}

/*
 * Hostile anonymous members (fuzz finding F14).  Local: [1] int,
 * [2] struct deep and [3] struct deep2, both {int b @0; int nope @32} size 8.
 * Target "dag": A = 60 anonymous structs, each with two anonymous members
 * of the next one (2^60 paths; the last holds int other), then
 * deep {A @0; int b @32} and deep2 {A sub @0; int b @32}, size 8: libbpf
 * searches every path of deep before it finds b (byte offset 4); so must
 * we, but once per type.  Target "loop" (unvalidated): A = an anonymous
 * struct whose anonymous member is itself: libbpf goes 64 levels deep into
 * deep and fails with -E2BIG; deep2's b is found.  The near misses for
 * "nope" walk A (through sub in deep2) and must end.
 */
static struct btfx *target_hostile_anon(bool loop)
{
	struct bb *b = bb_new();
	uint32_t i = bb_int(b, "int", 4, ENC_SIGNED, 0, 32);
	uint32_t cur = bb_struct(b, "", 4);

	if (loop) {
		bb_member(b, "", cur, 0);
	} else {
		bb_member(b, "other", i, 0);
		for (int k = 0; k < 59; k++) {
			uint32_t n = bb_struct(b, "", 4);
			bb_member(b, "", cur, 0);
			bb_member(b, "", cur, 0);
			cur = n;
		}
	}
	bb_struct(b, "deep", 8);
	bb_member(b, "", cur, 0);
	bb_member(b, "b", i, 32);
	bb_struct(b, "deep2", 8);
	bb_member(b, "sub", cur, 0);
	bb_member(b, "b", i, 32);
	return mk(b, loop ? "target_anon_loop" : "target_anon_dag", BTFX_F_NO_VALIDATE);
}

static void test_hostile_anonymous_members(void **state)
{
	(void)state;
	for (int loop = 0; loop < 2; loop++) {
		struct bb *lb = bb_new();
		uint32_t i = bb_int(lb, "int", 4, ENC_SIGNED, 0, 32);
		struct btfx_core_hint hints[4];
		struct btfx_core_result r;
		struct env v;

		for (int k = 0; k < 2; k++) {
			bb_struct(lb, k ? "deep2" : "deep", 8);
			bb_member(lb, "b", i, 0);
			bb_member(lb, "nope", i, 32);
		}
		env_init(&v, mk(lb, "local_deep", 0), target_hostile_anon(loop));
		if (loop) {
			btfx_core_calc(v.ctx, 2, "0:0", BTFX_CORE_FIELD_BYTE_OFFSET, &r);
			if (r.status != ST_ERR || r.err != -E2BIG)
				fail_msg("anonymous loop: status %d err %d (%s), libbpf: error -E2BIG", r.status, r.err,
					 r.reason);
			btfx_core_result_fini(&r);
		} else {
			expect(&v, 2, "0:0", BTFX_CORE_FIELD_BYTE_OFFSET, ST_OK, 4);
			expect(&v, 2, "0:1", BTFX_CORE_FIELD_EXISTS, ST_OK, 0);
		}
		expect(&v, 3, "0:0", BTFX_CORE_FIELD_BYTE_OFFSET, ST_OK, 4);
		for (uint32_t id = 2 + loop; id <= 3; id++) {
			btfx_core_calc(v.ctx, id, "0:1", BTFX_CORE_FIELD_EXISTS, &r);
			assert_int_equal(r.status, ST_OK);
			assert_int_equal(r.new_val, 0);
			assert_true(btfx_core_near_misses(v.ctx, id, "0:1", BTFX_CORE_FIELD_EXISTS, &r, hints, 4) <= 4);
			btfx_core_result_fini(&r);
		}
		env_fini(&v);
	}
}

/*
 * TYPE_MATCHES vs compatibility.
 * Local:  [1] int [2] unsigned int [3] fwd struct opq [4] ptr->[3]
 *         [5] struct m {opq *o @0; int i @64} size 16
 *         [6] ptr->[1] [7] typedef ti -> int  [8] typedef tu -> unsigned int
 * Target: [1] int [2] unsigned int [3] struct opq {int z} [4] ptr->[3]
 *         [5] struct m {int i @0; opq *o @64; int extra @128} size 24
 *         [6] typedef ti -> unsigned int [7] typedef tu -> unsigned int
 */
static void test_type_matches(void **state)
{
	struct bb *lb = bb_new(), *tb = bb_new();
	uint32_t li = bb_int(lb, "int", 4, ENC_SIGNED, 0, 32);
	uint32_t lu = bb_int(lb, "unsigned int", 4, 0, 0, 32);
	uint32_t lf = bb_fwd(lb, "opq", false);
	uint32_t lp = bb_ptr(lb, lf);
	bb_struct(lb, "m", 16); /* [5] */
	bb_member(lb, "o", lp, 0);
	bb_member(lb, "i", li, 64);
	bb_ptr(lb, li);            /* [6] */
	bb_typedef(lb, "ti", li);  /* [7] */
	bb_typedef(lb, "tu", lu);  /* [8] */

	uint32_t ti = bb_int(tb, "int", 4, ENC_SIGNED, 0, 32);
	uint32_t tu = bb_int(tb, "unsigned int", 4, 0, 0, 32);
	uint32_t ts = bb_struct(tb, "opq", 4);
	bb_member(tb, "z", ti, 0);
	uint32_t tp = bb_ptr(tb, ts);
	bb_struct(tb, "m", 24);
	bb_member(tb, "i", ti, 0);
	bb_member(tb, "o", tp, 64);
	bb_member(tb, "extra", ti, 128);
	bb_typedef(tb, "ti", tu);
	bb_typedef(tb, "tu", tu);
	struct env v;
	(void)state;
	env_init(&v, mk(lb, "local_match", 0), mk(tb, "target_match", 0));
	expect(&v, 5, "0", BTFX_CORE_TYPE_MATCHES, ST_OK, 1); /* fwd behind a pointer matches the struct */
	expect(&v, 7, "0", BTFX_CORE_TYPE_MATCHES, ST_OK, 0); /* int vs unsigned int */
	expect(&v, 7, "0", BTFX_CORE_TYPE_EXISTS, ST_OK, 1);  /* compatible nonetheless */
	expect(&v, 8, "0", BTFX_CORE_TYPE_MATCHES, ST_OK, 1);
	expect(&v, 5, "0", BTFX_CORE_TYPE_SIZE, ST_OK, 24);
	env_fini(&v);
}

/*
 * TYPE_MATCHES and type compatibility on shared types (finding F16).
 * libbpf compares a pair of types once per path to it: a DAG of structs,
 * each with two members of the next, 31 deep, is 2^31 comparisons (and
 * btfx_core_result_deps recorded once per path too).  Each pair is now
 * decided once per relocation, with libbpf's answers, including those
 * the level limit of 32 decides.
 *
 * dag(): [1] int (4 bytes, or bottom_size), [2] struct s<depth-1> {int x;
 * int <last>}, then s<k> {s<k+1> a; [s<k+1> a;] s<k+1> b} down to s0 (id
 * depth + 1): with dup_a, a second member "a" follows the first (only
 * hostile BTF repeats a name), which libbpf tries when the first fails.
 * Sizes and offsets are 0: the matching does not read them (unvalidated).
 */
static struct btfx *dag(const char *what, int depth, uint32_t bottom_size, const char *last, bool dup_a)
{
	struct bb *b = bb_new();
	uint32_t i = bb_int(b, "int", bottom_size, ENC_SIGNED, 0, bottom_size * 8);
	uint32_t cur = 0;
	char name[16];

	for (int k = depth - 1; k >= 0; k--) {
		uint32_t s;
		snprintf(name, sizeof(name), "s%d", k);
		s = bb_struct(b, name, 0);
		if (k == depth - 1) {
			bb_member(b, "x", i, 0);
			bb_member(b, last, i, 0);
		} else {
			bb_member(b, "a", cur, 0);
			if (dup_a)
				bb_member(b, "a", cur, 0);
			bb_member(b, "b", cur, 0);
		}
		cur = s;
	}
	return mk(b, what, BTFX_F_NO_VALIDATE);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* one relocation on a fresh context, within a few seconds (libbpf: hours) */
static void expect_fast(struct btfx *l, struct btfx *t, uint32_t id, uint32_t kind, enum btfx_core_status st, int err,
			uint64_t val, const char *what)
{
	struct env v;
	struct btfx_core_result r;
	double t0 = now_s(), dt;

	env_init(&v, l, t);
	btfx_core_calc(v.ctx, id, "0", kind, &r);
	dt = now_s() - t0;
	if (r.status != st || (st == ST_ERR && r.err != err) || (st == ST_OK && r.new_val != val))
		fail_msg("%s: [%u] %s: status %d err %d value %llu (%s); want status %d err %d value %llu", what, id,
			 btfx_core_kind_str(kind), r.status, r.err, (unsigned long long)r.new_val, r.reason, st, err,
			 (unsigned long long)val);
	if (dt > 5.0)
		fail_msg("%s: took %.1f s", what, dt);
	if (st == ST_OK && val == 1 && kind == BTFX_CORE_TYPE_MATCHES) {
		/* what it compared, each pair of types once (libbpf's walk: 2^31) */
		struct btfx_core_dep *deps;
		size_t nd;
		assert_int_equal(btfx_core_result_deps(l, id, "0", kind, &r, &deps, &nd), 0);
		if (nd == 0 || nd > 4000)
			fail_msg("%s: %zu deps", what, nd);
		free(deps);
		if (now_s() - t0 > 5.0)
			fail_msg("%s: deps took %.1f s", what, now_s() - t0);
	}
	btfx_core_result_fini(&r);
	env_fini(&v);
}

static void test_type_matches_dag(void **state)
{
	(void)state;
	/* s0 at level 32, s30 at 2, its ints at 1: a verdict */
	expect_fast(dag("l", 31, 4, "y", false), dag("t", 31, 4, "y", false), 32, BTFX_CORE_TYPE_MATCHES, ST_OK, 0, 1,
		    "31-deep DAG, same");
	expect_fast(dag("l", 31, 4, "y", false), dag("t", 31, 4, "y", true), 32, BTFX_CORE_TYPE_MATCHES, ST_OK, 0, 1,
		    "31-deep DAG, target repeats a");
	expect_fast(dag("l", 31, 4, "y", false), dag("t", 31, 8, "y", true), 32, BTFX_CORE_TYPE_MATCHES, ST_OK, 0, 0,
		    "31-deep DAG, target repeats a, deepest int is 8 bytes");
	expect_fast(dag("l", 31, 4, "y", false), dag("t", 31, 4, "z", true), 32, BTFX_CORE_TYPE_MATCHES, ST_OK, 0, 0,
		    "31-deep DAG, target repeats a, deepest member renamed");
	expect_fast(dag("l", 31, 4, "y", true), dag("t", 31, 8, "y", false), 32, BTFX_CORE_TYPE_MATCHES, ST_OK, 0, 0,
		    "31-deep DAG, local repeats a, deepest int is 8 bytes");
	/* a level in the middle: s15 matches at level 32 whatever is above */
	expect_fast(dag("l", 31, 4, "y", true), dag("t", 31, 4, "y", true), 17, BTFX_CORE_TYPE_MATCHES, ST_OK, 0, 1,
		    "s15 of the DAG");
	/* 32 deep: s31's ints at level 0, libbpf fails with -EINVAL */
	expect_fast(dag("l", 32, 4, "y", false), dag("t", 32, 4, "y", true), 33, BTFX_CORE_TYPE_MATCHES, ST_ERR, -EINVAL,
		    0, "32-deep DAG");
	/* TYPE_EXISTS only compares the roots' kinds: struct vs struct */
	expect_fast(dag("l", 40, 4, "y", false), dag("t", 40, 8, "y", true), 41, BTFX_CORE_TYPE_EXISTS, ST_OK, 0, 1,
		    "40-deep DAG, TYPE_EXISTS");
}

/*
 * The same through prototypes, which type compatibility follows too:
 * [1] int, p<depth-1>(int, int) -> int, then pp<k> = ptr -> p<k>,
 * p<k>(pp<k+1>, pp<k+1>) -> int ..., typedef fn_t -> pp0.
 */
static struct btfx *proto_dag(const char *what, int depth, uint32_t bottom_size)
{
	struct bb *b = bb_new();
	uint32_t i = bb_int(b, "int", 4, ENC_SIGNED, 0, 32);
	uint32_t bi = bb_int(b, "int", bottom_size, ENC_SIGNED, 0, bottom_size * 8);
	uint32_t pp = 0;

	for (int k = depth - 1; k >= 0; k--) {
		uint32_t p = bb_proto(b, i);
		bb_param(b, "", k == depth - 1 ? bi : pp);
		bb_param(b, "", k == depth - 1 ? bi : pp);
		pp = bb_ptr(b, p);
	}
	bb_typedef(b, "fn_t", pp);
	return mk(b, what, BTFX_F_NO_VALIDATE);
}

static void test_type_compat_proto_dag(void **state)
{
	uint32_t fn = 2 + 2 * 31 + 1;

	(void)state;
	expect_fast(proto_dag("l", 31, 4), proto_dag("t", 31, 4), fn, BTFX_CORE_TYPE_EXISTS, ST_OK, 0, 1,
		    "31-deep prototype DAG, TYPE_EXISTS");
	expect_fast(proto_dag("l", 31, 4), proto_dag("t", 31, 4), fn, BTFX_CORE_TYPE_MATCHES, ST_OK, 0, 1,
		    "31-deep prototype DAG, TYPE_MATCHES");
	/* compatibility ignores int sizes; matching does not */
	expect_fast(proto_dag("l", 31, 4), proto_dag("t", 31, 8), fn, BTFX_CORE_TYPE_EXISTS, ST_OK, 0, 1,
		    "31-deep prototype DAG, 8-byte ints, TYPE_EXISTS");
	expect_fast(proto_dag("l", 31, 4), proto_dag("t", 31, 8), fn, BTFX_CORE_TYPE_MATCHES, ST_OK, 0, 0,
		    "31-deep prototype DAG, 8-byte ints, TYPE_MATCHES");
	fn = 2 + 2 * 32 + 1;
	expect_fast(proto_dag("l", 32, 4), proto_dag("t", 32, 4), fn, BTFX_CORE_TYPE_EXISTS, ST_ERR, -EINVAL, 0,
		    "32-deep prototype DAG, TYPE_EXISTS");
	expect_fast(proto_dag("l", 32, 4), proto_dag("t", 32, 4), fn, BTFX_CORE_TYPE_MATCHES, ST_ERR, -EINVAL, 0,
		    "32-deep prototype DAG, TYPE_MATCHES");
}

/*
 * Loops.  [1] int, [2] struct node {node *next; node *prev; cb_t cb; struct
 * {anon *self; int v} in}, [3] node *, [4] anon struct {[5] *self; int v},
 * [5] ptr -> [4], [6] proto (node *) -> void, [7] ptr -> [6], [8] typedef
 * cb_t -> [7], [9] proto (rec_t) -> void, [10] typedef rec_t -> ptr [11],
 * [11] ptr -> [9], [12] struct emb {emb e} (unvalidated: embeds itself).
 * Behind a pointer a struct matches by kind, so node matches; rec_t's
 * prototype takes itself, and emb contains itself: libbpf goes round
 * until the level runs out (-EINVAL), as it does on the target alone.
 */
static struct btfx *loops(const char *what)
{
	struct bb *b = bb_new();
	uint32_t i = bb_int(b, "int", 4, ENC_SIGNED, 0, 32);
	bb_struct(b, "node", 0); /* [2] */
	bb_member(b, "next", 3, 0);
	bb_member(b, "prev", 3, 0);
	bb_member(b, "cb", 8, 0);
	bb_member(b, "in", 4, 0);
	bb_ptr(b, 2);           /* [3] */
	bb_struct(b, "", 0);    /* [4] */
	bb_member(b, "self", 5, 0);
	bb_member(b, "v", i, 0);
	bb_ptr(b, 4);           /* [5] */
	bb_proto(b, 0);         /* [6] */
	bb_param(b, "n", 3);
	bb_ptr(b, 6);           /* [7] */
	bb_typedef(b, "cb_t", 7); /* [8] */
	bb_proto(b, 0);         /* [9] */
	bb_param(b, "r", 10);
	bb_typedef(b, "rec_t", 11); /* [10] */
	bb_ptr(b, 9);           /* [11] */
	bb_struct(b, "emb", 0); /* [12] */
	bb_member(b, "e", 12, 0);
	return mk(b, what, BTFX_F_NO_VALIDATE);
}

static void test_type_matches_loops(void **state)
{
	(void)state;
	expect_fast(loops("l"), loops("t"), 2, BTFX_CORE_TYPE_MATCHES, ST_OK, 0, 1, "node");
	expect_fast(loops("l"), loops("t"), 8, BTFX_CORE_TYPE_MATCHES, ST_OK, 0, 1, "cb_t");
	expect_fast(loops("l"), loops("t"), 10, BTFX_CORE_TYPE_MATCHES, ST_ERR, -EINVAL, 0, "rec_t");
	expect_fast(loops("l"), loops("t"), 10, BTFX_CORE_TYPE_EXISTS, ST_ERR, -EINVAL, 0, "rec_t, TYPE_EXISTS");
	expect_fast(loops("l"), loops("t"), 12, BTFX_CORE_TYPE_MATCHES, ST_ERR, -EINVAL, 0, "emb");
	expect_fast(loops("l"), loops("t"), 12, BTFX_CORE_TYPE_EXISTS, ST_OK, 0, 1, "emb, TYPE_EXISTS");
}

/*
 * Wide types: members and enumerators are looked up by name (libbpf
 * compares every pair), with libbpf's order among equal names.
 * [1] int, [2] long, [3] struct wide {f0 .. f1499: int}, [4] enum wenum
 * {v0 .. v1499}; the target lists them backwards, wide has an "f7" of type
 * long before its int f7, and wenum's v3 is renamed v3x (v3 = 1) or
 * v3___flavor (v3 = 2), which matches v3.
 */
static struct btfx *wide(const char *what, bool target, int v3)
{
	struct bb *b = bb_new();
	uint32_t i = bb_int(b, "int", 4, ENC_SIGNED, 0, 32);
	uint32_t l = bb_int(b, "long", 8, ENC_SIGNED, 0, 64);
	char name[16];

	bb_struct(b, "wide", 0);
	if (target)
		bb_member(b, "f7", l, 0);
	for (int k = 0; k < 1500; k++) {
		snprintf(name, sizeof(name), "f%d", target ? 1499 - k : k);
		bb_member(b, name, i, 0);
	}
	bb_enum(b, "wenum", 4, false);
	for (int k = 0; k < 1500; k++) {
		int n = target ? 1499 - k : k;
		snprintf(name, sizeof(name), "v%d", n);
		if (target && n == 3 && v3)
			snprintf(name, sizeof(name), "%s", v3 == 1 ? "v3x" : "v3___flavor");
		bb_enum_val(b, name, k);
	}
	return mk(b, what, BTFX_F_NO_VALIDATE);
}

static void test_type_matches_wide(void **state)
{
	(void)state;
	/* the target's first f7 is a long: its second one matches */
	expect_fast(wide("l", false, 0), wide("t", true, 0), 3, BTFX_CORE_TYPE_MATCHES, ST_OK, 0, 1, "wide");
	expect_fast(wide("l", false, 0), wide("t", true, 0), 4, BTFX_CORE_TYPE_MATCHES, ST_OK, 0, 1, "wenum");
	expect_fast(wide("l", false, 0), wide("t", true, 1), 4, BTFX_CORE_TYPE_MATCHES, ST_OK, 0, 0, "wenum, v3x");
	expect_fast(wide("l", false, 0), wide("t", true, 2), 4, BTFX_CORE_TYPE_MATCHES, ST_OK, 0, 1,
		    "wenum, v3___flavor");
}

/* ------------------------------------------------------------------ patch */

#define BPF_LDX_MEM(sz) (0x01 | 0x60 | (sz))
#define SZ_W 0x00
#define SZ_H 0x08
#define SZ_DW 0x18
#define MOV64_K 0xb7
#define LD_IMM64 0x18
#define CALL 0x85
#define JA 0x05

/*
 * Local:  [1] unsigned long [2] long [3] int
 *         [4] struct s {unsigned long u @0; long l @64; int i @128} size 24
 *         [5] enum64 e {E=0x100000000} [6] struct gone {int g}
 *         [7] struct t: the same members as s
 * Target: [1] unsigned int [2] int [3] char [4] char[40000]
 *         [5] struct s {char pad[40000]; unsigned int u @320000; int l @320032;
 *                       int i @320064} size 40012
 *         [6] enum64 e {E=0x300000002}
 *         [7] struct t {int i @0; unsigned int u @32; int l @64} size 16
 */
static void test_patch(void **state)
{
	struct bb *lb = bb_new(), *tb = bb_new();
	uint32_t lul = bb_int(lb, "unsigned long", 8, 0, 0, 64);
	uint32_t ll = bb_int(lb, "long", 8, ENC_SIGNED, 0, 64);
	uint32_t li = bb_int(lb, "int", 4, ENC_SIGNED, 0, 32);
	bb_struct(lb, "s", 24); /* [4] */
	bb_member(lb, "u", lul, 0);
	bb_member(lb, "l", ll, 64);
	bb_member(lb, "i", li, 128);
	bb_enum64(lb, "e", 8, false); /* [5] */
	bb_enum64_val(lb, "E", 0x100000000ull);
	bb_struct(lb, "gone", 4); /* [6] */
	bb_member(lb, "g", li, 0);
	bb_struct(lb, "t", 24); /* [7] same layout as s; target t has small offsets */
	bb_member(lb, "u", lul, 0);
	bb_member(lb, "l", ll, 64);
	bb_member(lb, "i", li, 128);

	uint32_t tu = bb_int(tb, "unsigned int", 4, 0, 0, 32);
	uint32_t ti = bb_int(tb, "int", 4, ENC_SIGNED, 0, 32);
	uint32_t tc = bb_int(tb, "char", 1, ENC_SIGNED, 0, 8);
	uint32_t pad = bb_array(tb, tc, ti, 40000);
	bb_struct(tb, "s", 40012);
	bb_member(tb, "pad", pad, 0);
	bb_member(tb, "u", tu, 320000);
	bb_member(tb, "l", ti, 320032);
	bb_member(tb, "i", ti, 320064);
	bb_enum64(tb, "e", 8, false);
	bb_enum64_val(tb, "E", 0x300000002ull);
	bb_struct(tb, "t", 16);
	bb_member(tb, "i", ti, 0);
	bb_member(tb, "u", tu, 32);
	bb_member(tb, "l", ti, 64);

	struct env v;
	struct btfx_core_result r;
	struct btfx_insn in[2];
	char why[256];
	(void)state;
	env_init(&v, mk(lb, "local_patch", 0), mk(tb, "target_patch", 0));

	/* ALU immediate: byte_off of t.i, 16 -> 0 */
	btfx_core_calc(v.ctx, 7, "0:2", BTFX_CORE_FIELD_BYTE_OFFSET, &r);
	assert_int_equal(r.status, ST_OK);
	memset(in, 0, sizeof(in));
	in[0].code = MOV64_K;
	in[0].imm = 16;
	assert_int_equal(btfx_core_patch(in, 2, BTFX_CORE_FIELD_BYTE_OFFSET, &r, why, sizeof(why)), 0);
	assert_int_equal(in[0].code, MOV64_K);
	assert_int_equal(in[0].imm, 0);
	/* the instruction must hold the local value */
	in[0].imm = 17;
	assert_int_not_equal(btfx_core_patch(in, 2, BTFX_CORE_FIELD_BYTE_OFFSET, &r, why, sizeof(why)), 0);
	/* a register-source ALU, a JA and a CALL cannot carry a relocation */
	in[0].code = 0xbf; /* mov64 r, r */
	in[0].imm = 16;
	assert_int_not_equal(btfx_core_patch(in, 2, BTFX_CORE_FIELD_BYTE_OFFSET, &r, why, sizeof(why)), 0);
	in[0].code = JA;
	assert_int_not_equal(btfx_core_patch(in, 2, BTFX_CORE_FIELD_BYTE_OFFSET, &r, why, sizeof(why)), 0);
	in[0].code = CALL;
	assert_int_not_equal(btfx_core_patch(in, 2, BTFX_CORE_FIELD_BYTE_OFFSET, &r, why, sizeof(why)), 0);
	btfx_core_result_fini(&r);

	/* LDX: t.u is unsigned long locally, unsigned int in the target:
	 * offset 0 -> 4 and the 8-byte load becomes a 4-byte one */
	btfx_core_calc(v.ctx, 7, "0:0", BTFX_CORE_FIELD_BYTE_OFFSET, &r);
	assert_int_equal(r.status, ST_OK);
	memset(in, 0, sizeof(in));
	in[0].code = BPF_LDX_MEM(SZ_DW);
	in[0].dst_reg = 2;
	in[0].src_reg = 1;
	in[0].off = 0;
	assert_int_equal(btfx_core_patch(in, 2, BTFX_CORE_FIELD_BYTE_OFFSET, &r, why, sizeof(why)), 0);
	assert_int_equal(in[0].code, BPF_LDX_MEM(SZ_W));
	assert_int_equal(in[0].off, 4);
	assert_int_equal(in[0].dst_reg, 2);
	assert_int_equal(in[0].src_reg, 1);
	btfx_core_result_fini(&r);

	/* LDX: t.l is a signed long locally, an int in the target: the size
	 * cannot be adjusted, the load is poisoned */
	btfx_core_calc(v.ctx, 7, "0:1", BTFX_CORE_FIELD_BYTE_OFFSET, &r);
	memset(in, 0, sizeof(in));
	in[0].code = BPF_LDX_MEM(SZ_DW);
	in[0].off = 8;
	assert_int_equal(btfx_core_patch(in, 2, BTFX_CORE_FIELD_BYTE_OFFSET, &r, why, sizeof(why)), 0);
	assert_int_equal(in[0].code, CALL);
	assert_int_equal(in[0].imm, BTFX_CORE_POISON_IMM);
	assert_int_equal(in[0].off, 0);
	btfx_core_result_fini(&r);

	/* LDX: s.i moves to offset 40008 > SHRT_MAX: the relocation fails */
	btfx_core_calc(v.ctx, 4, "0:2", BTFX_CORE_FIELD_BYTE_OFFSET, &r);
	assert_int_equal(r.status, ST_OK);
	assert_int_equal(r.new_val, 40008);
	memset(in, 0, sizeof(in));
	in[0].code = BPF_LDX_MEM(SZ_W);
	in[0].off = 16;
	assert_int_not_equal(btfx_core_patch(in, 2, BTFX_CORE_FIELD_BYTE_OFFSET, &r, why, sizeof(why)), 0);
	/* the same value in an ALU immediate is fine */
	in[0].code = MOV64_K;
	in[0].off = 0;
	in[0].imm = 16;
	assert_int_equal(btfx_core_patch(in, 2, BTFX_CORE_FIELD_BYTE_OFFSET, &r, why, sizeof(why)), 0);
	assert_int_equal(in[0].imm, 40008);
	btfx_core_result_fini(&r);

	/* ldimm64: both halves */
	btfx_core_calc(v.ctx, 5, "0", BTFX_CORE_ENUMVAL_VALUE, &r);
	assert_int_equal(r.status, ST_OK);
	memset(in, 0, sizeof(in));
	in[0].code = LD_IMM64;
	in[0].imm = 0;
	in[1].imm = 1;
	assert_int_equal(btfx_core_patch(in, 2, BTFX_CORE_ENUMVAL_VALUE, &r, why, sizeof(why)), 0);
	assert_int_equal((uint32_t)in[0].imm, 2);
	assert_int_equal((uint32_t)in[1].imm, 3);
	/* a second slot that is not all zero but the immediate */
	in[0].imm = 0;
	in[1].imm = 1;
	in[1].code = 0x07;
	assert_int_not_equal(btfx_core_patch(in, 2, BTFX_CORE_ENUMVAL_VALUE, &r, why, sizeof(why)), 0);
	in[1].code = 0;
	in[0].src_reg = 1;
	assert_int_not_equal(btfx_core_patch(in, 2, BTFX_CORE_ENUMVAL_VALUE, &r, why, sizeof(why)), 0);
	btfx_core_result_fini(&r);

	/* poison of an ldimm64: both slots become call 0xbad2310 */
	btfx_core_calc(v.ctx, 6, "0:0", BTFX_CORE_FIELD_BYTE_OFFSET, &r);
	assert_int_equal(r.status, ST_POISON);
	memset(in, 0, sizeof(in));
	in[0].code = LD_IMM64;
	assert_int_equal(btfx_core_patch(in, 2, BTFX_CORE_FIELD_BYTE_OFFSET, &r, why, sizeof(why)), 0);
	assert_int_equal(in[0].code, CALL);
	assert_int_equal(in[0].imm, BTFX_CORE_POISON_IMM);
	assert_int_equal(in[1].code, CALL);
	assert_int_equal(in[1].imm, BTFX_CORE_POISON_IMM);
	/* a poisoned ALU */
	memset(in, 0, sizeof(in));
	in[0].code = MOV64_K;
	in[0].dst_reg = 3;
	in[0].imm = 0;
	assert_int_equal(btfx_core_patch(in, 2, BTFX_CORE_FIELD_BYTE_OFFSET, &r, why, sizeof(why)), 0);
	assert_int_equal(in[0].code, CALL);
	assert_int_equal(in[0].dst_reg, 0);
	assert_int_equal(in[0].imm, BTFX_CORE_POISON_IMM);
	btfx_core_result_fini(&r);
	env_fini(&v);
}

static void test_kind_names(void **state)
{
	static const char *const want[] = { "byte_off", "byte_sz", "field_exists", "signed", "lshift_u64",
					    "rshift_u64", "local_type_id", "target_type_id", "type_exists",
					    "type_size", "enumval_exists", "enumval_value", "type_matches" };
	(void)state;
	for (unsigned k = 0; k < 13; k++)
		assert_string_equal(btfx_core_kind_str(k), want[k]);
	assert_non_null(btfx_core_kind_str(13));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_parse_and_format),
		cmocka_unit_test(test_access_grammar),
		cmocka_unit_test(test_anonymous_members),
		cmocka_unit_test(test_local_index_out_of_range),
		cmocka_unit_test(test_pruning_and_ambiguity),
		cmocka_unit_test(test_no_candidates),
		cmocka_unit_test(test_anonymous_root),
		cmocka_unit_test(test_essential_names),
		cmocka_unit_test(test_enumvals),
		cmocka_unit_test(test_bitfields),
		cmocka_unit_test(test_too_deep_target),
		cmocka_unit_test(test_hostile_anonymous_members),
		cmocka_unit_test(test_type_matches),
		cmocka_unit_test(test_type_matches_dag),
		cmocka_unit_test(test_type_compat_proto_dag),
		cmocka_unit_test(test_type_matches_loops),
		cmocka_unit_test(test_type_matches_wide),
		cmocka_unit_test(test_patch),
	};
	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
