// SPDX-License-Identifier: BSD-2-Clause
/*
 * C emitter (libbtfx/emit_c.c): golden outputs on small BTFs built with
 * libbpf's writer API, plus determinism, subsets, names, errors and the
 * minimal-header root selection.  Expected texts were derived by hand from
 * the C layout rules (and the compile-time checks in tests/cli/header.sh
 * confirm such headers against clang).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <bpf/btf.h>
#include <linux/btf.h>

#include "btfx/btfx.h"
#include "btfx/emit.h"

/* ------------------------------------------------------------------ */
/* helpers                                                             */
/* ------------------------------------------------------------------ */

static struct btfx *to_btfx(struct btf *b, uint32_t flags)
{
	struct btfx_open_opts o = { .sz = sizeof(o), .flags = flags };
	struct btfx_error err;
	uint32_t sz;
	const void *raw = btf__raw_data(b, &sz);
	struct btfx *x;

	assert_non_null(raw);
	x = btfx_parse(raw, sz, "test", true, &o, &err);
	if (!x)
		fail_msg("btfx_parse: %s", err.msg);
	return x;
}

static char *emit_x(struct btfx *x, uint32_t flags, const uint32_t *roots, size_t n)
{
	struct btfx_emit_opts o = { .sz = sizeof(o), .flags = flags, .roots = roots, .nr_roots = n };
	struct btfx_error err;
	char *out = NULL;
	size_t len = 0;
	int r = btfx_emit_c_buf(x, &o, &out, &len, &err);

	if (r)
		fail_msg("btfx_emit_c_buf: %d %s", r, err.msg);
	assert_int_equal(strlen(out), len);
	return out;
}

/* body only (no prologue) of b, in sorted order unless flags say otherwise */
static char *emit(struct btf *b, uint32_t flags, const uint32_t *roots, size_t n)
{
	struct btfx *x = to_btfx(b, 0);
	char *out = emit_x(x, flags | BTFX_EMIT_BODY_ONLY | BTFX_EMIT_NO_KFUNCS, roots, n);

	btfx_free(x);
	return out;
}

static void expect_text(const char *got, const char *want)
{
	if (strcmp(got, want)) {
		print_error("---- expected ----\n%s---- got ----\n%s----\n", want, got);
		fail();
	}
}

static void expect_has(const char *got, const char *needle)
{
	if (!strstr(got, needle)) {
		print_error("---- missing ----\n%s\n---- in ----\n%s----\n", needle, got);
		fail();
	}
}

static void expect_not(const char *got, const char *needle)
{
	if (strstr(got, needle)) {
		print_error("---- unexpected ----\n%s\n---- in ----\n%s----\n", needle, got);
		fail();
	}
}

static int count_of(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

#define OK(x) ({ int __r = (x); assert_true(__r > 0); __r; })

/* ------------------------------------------------------------------ */
/* ordering and forward declarations                                    */
/* ------------------------------------------------------------------ */

/* 1 int, 2 struct B { int x; }, 3 struct C { struct A *a; },
 * 4 struct A { struct B b; struct C *c; }, 5 A *, 6 C * */
static struct btf *build_abc(void)
{
	struct btf *b = btf__new_empty();

	OK(btf__add_int(b, "int", 4, BTF_INT_SIGNED));
	OK(btf__add_struct(b, "B", 4));
	assert_int_equal(btf__add_field(b, "x", 1, 0, 0), 0);
	OK(btf__add_struct(b, "C", 8));
	assert_int_equal(btf__add_field(b, "a", 5, 0, 0), 0);
	OK(btf__add_struct(b, "A", 16));
	assert_int_equal(btf__add_field(b, "b", 2, 0, 0), 0);
	assert_int_equal(btf__add_field(b, "c", 6, 64, 0), 0);
	OK(btf__add_ptr(b, 4));
	OK(btf__add_ptr(b, 3));
	return b;
}

static const char ABC[] =
	"struct B {\n\tint x;\n};\n\n"
	"struct C;\n\n"
	"struct A {\n\tstruct B b;\n\tstruct C *c;\n};\n\n"
	"struct C {\n\tstruct A *a;\n};\n\n";

static void test_emit_c__ordering_strong_and_weak(void **state)
{
	struct btf *b = build_abc();
	char *out = emit(b, 0, NULL, 0);

	(void)state;
	expect_text(out, ABC);
	free(out);
	btf__free(b);
}

static void test_emit_c__id_order_as_libbpf(void **state)
{
	struct btf *b = build_abc();
	char *out = emit(b, BTFX_EMIT_ID_ORDER, NULL, 0);

	(void)state;
	/* ids 2 (B), 3 (C: needs A complete? no, A by pointer), 4 (A) */
	expect_text(out,
		    "struct B {\n\tint x;\n};\n\n"
		    "struct A;\n\n"
		    "struct C {\n\tstruct A *a;\n};\n\n"
		    "struct A {\n\tstruct B b;\n\tstruct C *c;\n};\n\n");
	free(out);
	btf__free(b);
}

static void test_emit_c__fwd_kinds(void **state)
{
	struct btf *b = btf__new_empty();
	char *out;

	(void)state;
	OK(btf__add_fwd(b, "fs", BTF_FWD_STRUCT));      /* 1 */
	OK(btf__add_fwd(b, "fu", BTF_FWD_UNION));       /* 2 */
	OK(btf__add_ptr(b, 1));                         /* 3 */
	OK(btf__add_ptr(b, 2));                         /* 4 */
	OK(btf__add_struct(b, "user", 16));             /* 5 */
	assert_int_equal(btf__add_field(b, "p", 3, 0, 0), 0);
	assert_int_equal(btf__add_field(b, "q", 4, 64, 0), 0);
	out = emit(b, 0, NULL, 0);
	expect_text(out, "struct fs;\n\nunion fu;\n\nstruct user {\n\tstruct fs *p;\n\tunion fu *q;\n};\n\n");
	free(out);
	btf__free(b);
}

/* ------------------------------------------------------------------ */
/* layout: padding, packing, bitfields                                  */
/* ------------------------------------------------------------------ */

static void test_emit_c__padding(void **state)
{
	struct btf *b = btf__new_empty();
	char *out;

	(void)state;
	OK(btf__add_int(b, "int", 4, BTF_INT_SIGNED));  /* 1 */
	OK(btf__add_int(b, "char", 1, BTF_INT_SIGNED)); /* 2 */
	OK(btf__add_int(b, "long", 8, BTF_INT_SIGNED)); /* 3 */
	/* natural gaps need no padding */
	OK(btf__add_struct(b, "natural", 24));
	assert_int_equal(btf__add_field(b, "a", 2, 0, 0), 0);
	assert_int_equal(btf__add_field(b, "b", 3, 64, 0), 0);
	assert_int_equal(btf__add_field(b, "c", 1, 128, 0), 0);
	/* a hole the compiler would not make, and tail padding */
	OK(btf__add_struct(b, "gap", 20));
	assert_int_equal(btf__add_field(b, "a", 1, 0, 0), 0);
	assert_int_equal(btf__add_field(b, "b", 1, 128, 0), 0);
	OK(btf__add_struct(b, "tail", 16));
	assert_int_equal(btf__add_field(b, "a", 1, 0, 0), 0);
	out = emit(b, 0, NULL, 0);
	expect_text(out,
		    "struct gap {\n\tint a;\n\tlong: 64;\n\tint b;\n};\n\n"
		    "struct natural {\n\tchar a;\n\tlong b;\n\tint c;\n};\n\n"
		    "struct tail {\n\tint a;\n\tlong: 64;\n};\n\n");
	free(out);
	btf__free(b);
}

static void test_emit_c__packed(void **state)
{
	struct btf *b = btf__new_empty();
	char *out;

	(void)state;
	OK(btf__add_int(b, "int", 4, BTF_INT_SIGNED));  /* 1 */
	OK(btf__add_int(b, "char", 1, BTF_INT_SIGNED)); /* 2 */
	OK(btf__add_struct(b, "p1", 5));                /* 3: misaligned member */
	assert_int_equal(btf__add_field(b, "a", 2, 0, 0), 0);
	assert_int_equal(btf__add_field(b, "b", 1, 8, 0), 0);
	OK(btf__add_struct(b, "p2", 5));                /* 4: size % align */
	assert_int_equal(btf__add_field(b, "a", 1, 0, 0), 0);
	assert_int_equal(btf__add_field(b, "b", 2, 32, 0), 0);
	OK(btf__add_struct(b, "outer", 6));             /* 5: packed inside, not packed */
	assert_int_equal(btf__add_field(b, "c", 2, 0, 0), 0);
	assert_int_equal(btf__add_field(b, "p", 3, 8, 0), 0);
	OK(btf__add_array(b, 1, 2, 5));                 /* 6: char[5] */
	OK(btf__add_union(b, "u5", 5));                 /* 7: union needing packed */
	assert_int_equal(btf__add_field(b, "i", 1, 0, 0), 0);
	assert_int_equal(btf__add_field(b, "c", 6, 0, 0), 0);
	out = emit(b, 0, NULL, 0);
	expect_text(out,
		    "struct p1 {\n\tchar a;\n\tint b;\n} __attribute__((packed));\n\n"
		    "struct outer {\n\tchar c;\n\tstruct p1 p;\n};\n\n"
		    "struct p2 {\n\tint a;\n\tchar b;\n} __attribute__((packed));\n\n"
		    "union u5 {\n\tint i;\n\tchar c[5];\n} __attribute__((packed));\n\n");
	free(out);
	btf__free(b);
}

static void test_emit_c__bitfields(void **state)
{
	struct btf *b = btf__new_empty();
	char *out;

	(void)state;
	OK(btf__add_int(b, "unsigned int", 4, 0));     /* 1 */
	OK(btf__add_int(b, "int", 4, BTF_INT_SIGNED)); /* 2 */
	OK(btf__add_struct(b, "bf", 8));
	assert_int_equal(btf__add_field(b, "a", 1, 0, 3), 0);
	assert_int_equal(btf__add_field(b, "b", 1, 3, 5), 0);
	assert_int_equal(btf__add_field(b, "c", 1, 16, 4), 0);
	assert_int_equal(btf__add_field(b, "d", 2, 32, 0), 0);
	out = emit(b, 0, NULL, 0);
	expect_text(out,
		    "struct bf {\n\tunsigned int a: 3;\n\tunsigned int b: 5;\n\tshort: 8;\n"
		    "\tunsigned int c: 4;\n\tint d;\n};\n\n");
	free(out);
	btf__free(b);
}

static void test_emit_c__unions_sized_by_attributes(void **state)
{
	struct btf *b = btf__new_empty();
	char *out;

	(void)state;
	OK(btf__add_int(b, "int", 4, BTF_INT_SIGNED)); /* 1 */
	OK(btf__add_union(b, "big", 8));               /* 2: aligned(8) in the source */
	assert_int_equal(btf__add_field(b, "i", 1, 0, 0), 0);
	OK(btf__add_union(b, NULL, 8));                /* 3: members not in BTF */
	OK(btf__add_typedef(b, "empty_t", 3));         /* 4 */
	OK(btf__add_union(b, "huge", 24));             /* 5 */
	assert_int_equal(btf__add_field(b, "i", 1, 0, 0), 0);
	out = emit(b, 0, NULL, 0);
	/* a typedef of an anonymous type sorts by the empty name, first */
	expect_text(out,
		    "typedef union {\n\tlong: 64;\n} empty_t;\n\n"
		    "union big {\n\tint i;\n\tlong: 64;\n};\n\n"
		    "union huge {\n\tint i;\n\tstruct {\n\t\tlong: 64;\n\t\tlong: 64;\n\t\tlong: 64;\n\t};\n};\n\n");
	free(out);
	btf__free(b);
}

/* __builtin_va_list is the compiler's: padding keeps the BTF layout */
static void test_emit_c__va_list_layout(void **state)
{
	struct btf *b = btf__new_empty();
	char *out;

	(void)state;
	OK(btf__add_int(b, "unsigned int", 4, 0));     /* 1 */
	OK(btf__add_struct(b, "__va_list_tag", 24));   /* 2 */
	assert_int_equal(btf__add_field(b, "gp_offset", 1, 0, 0), 0);
	assert_int_equal(btf__add_field(b, "fp_offset", 1, 32, 0), 0);
	assert_int_equal(btf__add_field(b, "o", 6, 64, 0), 0);
	assert_int_equal(btf__add_field(b, "r", 6, 128, 0), 0);
	OK(btf__add_array(b, 1, 2, 1));                /* 3 */
	OK(btf__add_typedef(b, "__builtin_va_list", 3)); /* 4 */
	OK(btf__add_typedef(b, "va_list", 4));         /* 5 */
	OK(btf__add_ptr(b, 0));                        /* 6 void * */
	OK(btf__add_struct(b, "warn_args", 32));       /* 7 */
	assert_int_equal(btf__add_field(b, "fmt", 6, 0, 0), 0);
	assert_int_equal(btf__add_field(b, "args", 5, 64, 0), 0);
	out = emit(b, 0, NULL, 0);
	expect_not(out, "typedef struct __va_list_tag __builtin_va_list");
	expect_has(out, "typedef __builtin_va_list va_list;\n");
	expect_has(out, "struct warn_args {\n\tvoid *fmt;\n\tva_list args;\n\tlong: 64;\n\tlong: 64;\n};\n");
	free(out);
	btf__free(b);
}

/* ------------------------------------------------------------------ */
/* declarators                                                          */
/* ------------------------------------------------------------------ */

static void test_emit_c__arrays_and_function_pointers(void **state)
{
	struct btf *b = btf__new_empty();
	char *out;

	(void)state;
	OK(btf__add_int(b, "int", 4, BTF_INT_SIGNED)); /* 1 */
	OK(btf__add_int(b, "char", 1, BTF_INT_SIGNED)); /* 2 */
	OK(btf__add_array(b, 1, 1, 3));                /* 3 int[3] */
	OK(btf__add_array(b, 1, 3, 2));                /* 4 int[2][3] */
	OK(btf__add_ptr(b, 2));                        /* 5 char * */
	OK(btf__add_array(b, 1, 5, 4));                /* 6 char *[4] */
	OK(btf__add_func_proto(b, 1));                 /* 7 int (int, char *) */
	assert_int_equal(btf__add_func_param(b, NULL, 1), 0);
	assert_int_equal(btf__add_func_param(b, NULL, 5), 0);
	OK(btf__add_ptr(b, 7));                        /* 8 */
	OK(btf__add_func_proto(b, 0));                 /* 9 void (void) */
	OK(btf__add_ptr(b, 9));                        /* 10 */
	OK(btf__add_array(b, 1, 10, 2));               /* 11 void (*[2])(void) */
	OK(btf__add_const(b, 2));                      /* 12 const char */
	OK(btf__add_ptr(b, 12));                       /* 13 */
	OK(btf__add_func_proto(b, 1));                 /* 14 int (const char *, ...) */
	assert_int_equal(btf__add_func_param(b, "fmt", 13), 0);
	assert_int_equal(btf__add_func_param(b, NULL, 0), 0);
	OK(btf__add_ptr(b, 14));                       /* 15 */
	OK(btf__add_func_proto(b, 15));                /* 16 returns a function pointer */
	assert_int_equal(btf__add_func_param(b, "x", 1), 0);
	OK(btf__add_ptr(b, 16));                       /* 17 */
	OK(btf__add_const(b, 5));                      /* 18 char * const */
	OK(btf__add_struct(b, "decls", 104));
	assert_int_equal(btf__add_field(b, "m", 4, 0, 0), 0);
	assert_int_equal(btf__add_field(b, "names", 6, 192, 0), 0);
	assert_int_equal(btf__add_field(b, "fn", 8, 448, 0), 0);
	assert_int_equal(btf__add_field(b, "fns", 11, 512, 0), 0);
	assert_int_equal(btf__add_field(b, "pr", 15, 640, 0), 0);
	assert_int_equal(btf__add_field(b, "get", 17, 704, 0), 0);
	assert_int_equal(btf__add_field(b, "cp", 18, 704 + 64, 0), 0);
	out = emit(b, 0, NULL, 0);
	expect_text(out,
		    "struct decls {\n"
		    "\tint m[2][3];\n"
		    "\tchar *names[4];\n"
		    "\tint (*fn)(int, char *);\n"
		    "\tvoid (*fns[2])(void);\n"
		    "\tint (*pr)(const char *fmt, ...);\n"
		    "\tint (* (*get)(int x))(const char *fmt, ...);\n"
		    "\tchar * const cp;\n"
		    "};\n\n");
	free(out);
	btf__free(b);
}

static void test_emit_c__anonymous_members(void **state)
{
	struct btf *b = btf__new_empty();
	char *out;

	(void)state;
	OK(btf__add_int(b, "int", 4, BTF_INT_SIGNED));  /* 1 */
	OK(btf__add_int(b, "char", 1, BTF_INT_SIGNED)); /* 2 */
	OK(btf__add_union(b, NULL, 4));                 /* 3 */
	assert_int_equal(btf__add_field(b, "b", 1, 0, 0), 0);
	assert_int_equal(btf__add_field(b, "c", 2, 0, 0), 0);
	OK(btf__add_enum(b, NULL, 4));                  /* 4 */
	assert_int_equal(btf__add_enum_value(b, "X1", 0), 0);
	assert_int_equal(btf__add_enum_value(b, "X2", 1), 0);
	OK(btf__add_struct(b, "anon", 12));             /* 5 */
	assert_int_equal(btf__add_field(b, "a", 1, 0, 0), 0);
	assert_int_equal(btf__add_field(b, NULL, 3, 32, 0), 0);
	assert_int_equal(btf__add_field(b, "e", 4, 64, 0), 0);
	OK(btf__add_struct(b, NULL, 4));                /* 6 */
	assert_int_equal(btf__add_field(b, "x", 1, 0, 0), 0);
	OK(btf__add_typedef(b, "tdanon_t", 6));         /* 7 */
	OK(btf__add_enum(b, NULL, 4));                  /* 8: top-level constants */
	assert_int_equal(btf__add_enum_value(b, "TOP", 7), 0);
	out = emit(b, 0, NULL, 0);
	expect_text(out,
		    "enum {\n\tTOP = 7,\n};\n\n"
		    "typedef struct {\n\tint x;\n} tdanon_t;\n\n"
		    "struct anon {\n\tint a;\n\tunion {\n\t\tint b;\n\t\tchar c;\n\t};\n"
		    "\tenum {\n\t\tX1 = 0,\n\t\tX2 = 1,\n\t} e;\n};\n\n");
	free(out);
	btf__free(b);
}

/* -fms-extensions style: an unnamed member of a named (or typedef'd) type */
static void test_emit_c__anonymous_member_of_named_type(void **state)
{
	struct btf *b = btf__new_empty();
	char *out;

	(void)state;
	OK(btf__add_int(b, "int", 4, BTF_INT_SIGNED));  /* 1 */
	OK(btf__add_int(b, "long", 8, BTF_INT_SIGNED)); /* 2 */
	OK(btf__add_struct(b, "inner", 4));             /* 3 */
	assert_int_equal(btf__add_field(b, "x", 1, 0, 0), 0);
	OK(btf__add_union(b, "holder", 8));             /* 4 */
	assert_int_equal(btf__add_field(b, NULL, 3, 0, 0), 0);
	assert_int_equal(btf__add_field(b, "y", 2, 0, 0), 0);
	out = emit(b, 0, NULL, 0);
	/* inner is a strong dependency of holder: defined first */
	expect_text(out,
		    "struct inner {\n\tint x;\n};\n\n"
		    "union holder {\n\tstruct {\n\t\tint x;\n\t};\n\tlong y;\n};\n\n");
	free(out);
	btf__free(b);
}

/* ------------------------------------------------------------------ */
/* enums                                                                */
/* ------------------------------------------------------------------ */

static void test_emit_c__enums(void **state)
{
	struct btf *b = btf__new_empty();
	char *out;

	(void)state;
	OK(btf__add_enum(b, "s32", 4));
	assert_int_equal(btf__add_enum_value(b, "SN", -1), 0);
	assert_int_equal(btf__add_enum_value(b, "SP", 5), 0);
	OK(btf__add_enum(b, "u32big", 4));
	assert_int_equal(btf__add_enum_value(b, "UB", 0xffffffffLL), 0);
	OK(btf__add_enum(b, "e8", 1));
	assert_int_equal(btf__add_enum_value(b, "B1", 1), 0);
	OK(btf__add_enum(b, "e16", 2));
	assert_int_equal(btf__add_enum_value(b, "H1", 1), 0);
	OK(btf__add_enum(b, "e32in8", 8));
	assert_int_equal(btf__add_enum_value(b, "W", 1), 0);
	OK(btf__add_enum64(b, "u64", 8, false));
	assert_int_equal(btf__add_enum64_value(b, "BIG", 0x100000000ULL), 0);
	OK(btf__add_enum64(b, "s64", 8, true));
	assert_int_equal(btf__add_enum64_value(b, "NEG", (uint64_t)-2LL), 0);
	OK(btf__add_enum64(b, "s64min", 8, true));
	assert_int_equal(btf__add_enum64_value(b, "MIN", 0x8000000000000000ULL), 0);
	OK(btf__add_enum(b, "fwd_enum", 4)); /* no values: a forward declaration */
	out = emit(b, 0, NULL, 0);
	expect_text(out,
		    "enum e16 {\n\tH1 = 1,\n} __attribute__((mode(HI)));\n\n"
		    "enum e32in8 {\n\tW = 1,\n} __attribute__((mode(word)));\n\n"
		    "enum e8 {\n\tB1 = 1,\n} __attribute__((mode(byte)));\n\n"
		    "enum fwd_enum;\n\n"
		    "enum s32 {\n\tSN = -1,\n\tSP = 5,\n};\n\n"
		    "enum s64 {\n\tNEG = -2LL,\n} __attribute__((mode(word)));\n\n"
		    "enum s64min {\n\tMIN = -9223372036854775807LL - 1,\n};\n\n"
		    "enum u32big {\n\tUB = 4294967295,\n};\n\n"
		    "enum u64 {\n\tBIG = 4294967296ULL,\n};\n\n");
	free(out);
	btf__free(b);
}

/* ------------------------------------------------------------------ */
/* names                                                                */
/* ------------------------------------------------------------------ */

static struct btf *build_dups(bool reversed)
{
	struct btf *b = btf__new_empty();

	OK(btf__add_int(b, "int", 4, BTF_INT_SIGNED));  /* 1 */
	OK(btf__add_int(b, "long", 8, BTF_INT_SIGNED)); /* 2 */
	for (int k = 0; k < 2; k++) {
		bool first = (k == 0) != reversed;
		if (first) {
			OK(btf__add_struct(b, "foo", 4));
			assert_int_equal(btf__add_field(b, "a", 1, 0, 0), 0);
			OK(btf__add_enum(b, "e1", 4));
			assert_int_equal(btf__add_enum_value(b, "V", 1), 0);
			OK(btf__add_typedef(b, "t", 1));
		} else {
			OK(btf__add_struct(b, "foo", 8));
			assert_int_equal(btf__add_field(b, "b", 2, 0, 0), 0);
			OK(btf__add_enum(b, "e2", 4));
			assert_int_equal(btf__add_enum_value(b, "V", 2), 0);
			OK(btf__add_typedef(b, "t", 2));
		}
	}
	return b;
}

static void test_emit_c__name_conflicts(void **state)
{
	struct btf *b = build_dups(false);
	char *out = emit(b, 0, NULL, 0);

	(void)state;
	assert_int_equal(count_of(out, "struct foo {"), 1);
	assert_int_equal(count_of(out, "struct foo___2 {"), 1);
	expect_has(out, "enum e1 {\n\tV = 1,\n};\n\nenum e2 {\n\tV___2 = 2,\n};\n\n");
	assert_int_equal(count_of(out, "typedef int t"), 1);
	assert_int_equal(count_of(out, "typedef long t"), 1);
	assert_int_equal(count_of(out, " t;\n"), 1);
	assert_int_equal(count_of(out, " t___2;\n"), 1);
	free(out);
	btf__free(b);
}

/* the same types under other ids: the same bytes */
static void test_emit_c__sorted_output_ignores_ids(void **state)
{
	struct btf *b1 = build_dups(false), *b2 = build_dups(true);
	char *o1 = emit(b1, BTFX_EMIT_ASSERT_LAYOUT, NULL, 0), *o2 = emit(b2, BTFX_EMIT_ASSERT_LAYOUT, NULL, 0);

	(void)state;
	expect_text(o2, o1);
	free(o1);
	free(o2);
	btf__free(b1);
	btf__free(b2);
}

static void test_emit_c__deterministic(void **state)
{
	struct btf *b = build_dups(false);
	char *o1 = emit(b, 0, NULL, 0), *o2 = emit(b, 0, NULL, 0);

	(void)state;
	expect_text(o2, o1);
	free(o1);
	free(o2);
	btf__free(b);
}

/* ------------------------------------------------------------------ */
/* subsets                                                              */
/* ------------------------------------------------------------------ */

static void test_emit_c__subset_closure(void **state)
{
	struct btf *b = build_abc();
	uint32_t root = 4; /* struct A */
	char *out = emit(b, 0, &root, 1);

	(void)state;
	/* B complete (embedded), C only declared (pointer) */
	expect_text(out,
		    "struct B {\n\tint x;\n};\n\n"
		    "struct C;\n\n"
		    "struct A {\n\tstruct B b;\n\tstruct C *c;\n};\n\n");
	free(out);
	btf__free(b);
}

/* a subset keeps the names of the full header */
static void test_emit_c__subset_keeps_names(void **state)
{
	struct btf *b = build_dups(false);
	struct btfx *x = to_btfx(b, 0);
	char *full = emit_x(x, BTFX_EMIT_BODY_ONLY, NULL, 0);
	uint32_t ids[4];
	size_t n = btfx_find_all(x, "foo", BTFX_KIND_STRUCT, ids, 4);
	uint32_t renamed = 0;

	(void)state;
	assert_int_equal(n, 2);
	/* which one is foo___2 in the full header? */
	for (size_t i = 0; i < n; i++) {
		const struct btfx_type *t = btfx_type_by_id(x, ids[i]);
		bool small = t->size == 4;
		if ((small && strstr(full, "struct foo___2 {\n\tint a;")) ||
		    (!small && strstr(full, "struct foo___2 {\n\tlong b;")))
			renamed = ids[i];
	}
	assert_int_not_equal(renamed, 0);
	char *sub = emit_x(x, BTFX_EMIT_BODY_ONLY | BTFX_EMIT_NO_KFUNCS, &renamed, 1);
	expect_has(sub, "struct foo___2 {");
	expect_not(sub, "struct foo {");
	free(sub);
	free(full);
	btfx_free(x);
	btf__free(b);
}

static void test_emit_c__bad_root(void **state)
{
	struct btf *b = build_abc();
	struct btfx *x = to_btfx(b, 0);
	uint32_t root = 999;
	struct btfx_emit_opts o = { .sz = sizeof(o), .roots = &root, .nr_roots = 1 };
	struct btfx_error err;
	char *out = (char *)1;

	(void)state;
	assert_int_equal(btfx_emit_c_buf(x, &o, &out, NULL, &err), -EINVAL);
	assert_null(out);
	expect_has(err.msg, "999");
	btfx_free(x);
	btf__free(b);
}

/* ------------------------------------------------------------------ */
/* tags, floats, kfuncs, prologue                                       */
/* ------------------------------------------------------------------ */

static void set_kflag(struct btf *b, uint32_t id)
{
	struct btf_type *t = (struct btf_type *)btf__type_by_id(b, id);

	t->info |= 1u << 31;
}

static void test_emit_c__tags(void **state)
{
	struct btf *b = btf__new_empty();
	char *out;

	(void)state;
	OK(btf__add_int(b, "int", 4, BTF_INT_SIGNED));  /* 1 */
	OK(btf__add_type_tag(b, "user", 1));            /* 2 */
	OK(btf__add_ptr(b, 2));                         /* 3 */
	OK(btf__add_type_tag(b, "address_space(1)", 0)); /* 4 */
	set_kflag(b, 4);
	OK(btf__add_ptr(b, 4));                         /* 5 */
	OK(btf__add_struct(b, "tt", 16));               /* 6 */
	assert_int_equal(btf__add_field(b, "p", 3, 0, 0), 0);
	assert_int_equal(btf__add_field(b, "q", 5, 64, 0), 0);
	OK(btf__add_decl_tag(b, "dstruct", 6, -1));     /* 7 */
	OK(btf__add_decl_tag(b, "dmember", 6, 1));      /* 8 */
	OK(btf__add_typedef(b, "td_t", 1));             /* 9 */
	OK(btf__add_decl_tag(b, "dtd", 9, -1));         /* 10 */
	OK(btf__add_decl_tag(b, "noinline", 6, 0));     /* 11: an attribute */
	set_kflag(b, 11);
	{
		struct btfx *x = to_btfx(b, BTFX_F_NO_VALIDATE);
		out = emit_x(x, BTFX_EMIT_BODY_ONLY | BTFX_EMIT_NO_KFUNCS, NULL, 0);
		/* typedefs of int rank before structs */
		expect_text(out,
			    "typedef int td_t __attribute__((btf_decl_tag(\"dtd\")));\n\n"
			    "struct tt {\n"
			    "\tint __attribute__((btf_type_tag(\"user\"))) *p __attribute__((noinline));\n"
			    "\tvoid __attribute__((address_space(1))) *q __attribute__((btf_decl_tag(\"dmember\")));\n"
			    "} __attribute__((btf_decl_tag(\"dstruct\")));\n\n");
		free(out);
		out = emit_x(x, BTFX_EMIT_BODY_ONLY | BTFX_EMIT_NO_KFUNCS | BTFX_EMIT_NO_DECL_TAGS, NULL, 0);
		expect_not(out, "btf_decl_tag");
		expect_not(out, "noinline");
		free(out);
		btfx_free(x);
	}
	btf__free(b);
}

static void test_emit_c__float(void **state)
{
	struct btf *b = btf__new_empty();
	char *out;

	(void)state;
	OK(btf__add_float(b, "double", 8));
	OK(btf__add_float(b, "float", 4));
	OK(btf__add_struct(b, "fl", 16));
	assert_int_equal(btf__add_field(b, "d", 1, 0, 0), 0);
	assert_int_equal(btf__add_field(b, "f", 2, 64, 0), 0);
	out = emit(b, 0, NULL, 0);
	expect_text(out, "struct fl {\n\tdouble d;\n\tfloat f;\n};\n\n");
	free(out);
	btf__free(b);
}

static struct btf *build_kfuncs(void)
{
	struct btf *b = btf__new_empty();

	OK(btf__add_int(b, "int", 4, BTF_INT_SIGNED));   /* 1 */
	OK(btf__add_struct(b, "task", 8));               /* 2 */
	assert_int_equal(btf__add_field(b, "pid", 1, 0, 0), 0);
	OK(btf__add_ptr(b, 2));                          /* 3 */
	OK(btf__add_func_proto(b, 3));                   /* 4 struct task *(int pid) */
	assert_int_equal(btf__add_func_param(b, "pid", 1), 0);
	OK(btf__add_func(b, "bpf_task_get", BTF_FUNC_GLOBAL, 4)); /* 5 */
	OK(btf__add_decl_tag(b, "bpf_kfunc", 5, -1));    /* 6 */
	OK(btf__add_func(b, "bpf_fast", BTF_FUNC_GLOBAL, 4)); /* 7 */
	OK(btf__add_decl_tag(b, "bpf_kfunc", 7, -1));    /* 8 */
	OK(btf__add_decl_tag(b, "bpf_fastcall", 7, -1)); /* 9 */
	OK(btf__add_func(b, "not_a_kfunc", BTF_FUNC_GLOBAL, 4)); /* 10 */
	OK(btf__add_struct(b, "other", 4));              /* 11 */
	assert_int_equal(btf__add_field(b, "x", 1, 0, 0), 0);
	return b;
}

static void test_emit_c__prologue_and_kfuncs(void **state)
{
	struct btf *b = build_kfuncs();
	struct btfx *x = to_btfx(b, 0);
	char *out = emit_x(x, 0, NULL, 0);

	(void)state;
	static const char head[] = "#ifndef __VMLINUX_H__\n#define __VMLINUX_H__\n\n"
				   "#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n"
				   "#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\n"
				   "#endif\n\n#ifndef __ksym\n";
	assert_true(!strncmp(out, head, sizeof(head) - 1));
	expect_has(out, "\n/* BPF kfuncs */\n#ifndef BPF_NO_KFUNC_PROTOTYPES\n"
			"extern __bpf_fastcall struct task *bpf_fast(int pid) __weak __ksym;\n"
			"extern struct task *bpf_task_get(int pid) __weak __ksym;\n"
			"#endif\n\n");
	expect_not(out, "not_a_kfunc");
	expect_has(out, "#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n#pragma clang attribute pop\n#endif\n\n"
			"#endif /* __VMLINUX_H__ */\n");
	assert_true(btfx_is_kfunc(x, 5));
	assert_false(btfx_is_kfunc(x, 10));
	assert_false(btfx_is_kfunc(x, 2));
	free(out);
	btfx_free(x);
	btf__free(b);
}

static void test_emit_c__kfunc_root(void **state)
{
	struct btf *b = build_kfuncs();
	struct btfx *x = to_btfx(b, 0);
	uint32_t root = 5;
	char *out = emit_x(x, BTFX_EMIT_BODY_ONLY, &root, 1);

	(void)state;
	expect_text(out, "struct task;\n\n\n/* BPF kfuncs */\n#ifndef BPF_NO_KFUNC_PROTOTYPES\n"
			 "extern struct task *bpf_task_get(int pid) __weak __ksym;\n#endif\n\n");
	free(out);
	btfx_free(x);
	btf__free(b);
}

static void test_emit_c__guard(void **state)
{
	struct btf *b = build_abc();
	struct btfx *x = to_btfx(b, 0);
	struct btfx_emit_opts o = { .sz = sizeof(o), .guard = "MY_H" };
	struct btfx_error err;
	char *out;

	(void)state;
	assert_int_equal(btfx_emit_c_buf(x, &o, &out, NULL, &err), 0);
	assert_true(!strncmp(out, "#ifndef MY_H\n#define MY_H\n", 26));
	expect_has(out, "#endif /* MY_H */\n");
	btfx_emit_buf_free(out);
	o.guard = "not an identifier";
	assert_int_equal(btfx_emit_c_buf(x, &o, &out, NULL, &err), -EINVAL);
	btfx_free(x);
	btf__free(b);
}

/* ------------------------------------------------------------------ */
/* layout assertions                                                    */
/* ------------------------------------------------------------------ */

static void test_emit_c__assert_layout(void **state)
{
	struct btf *b = btf__new_empty();
	char *out;

	(void)state;
	OK(btf__add_int(b, "int", 4, BTF_INT_SIGNED));  /* 1 */
	OK(btf__add_int(b, "char", 1, BTF_INT_SIGNED)); /* 2 */
	OK(btf__add_union(b, NULL, 4));                 /* 3 */
	assert_int_equal(btf__add_field(b, "b", 1, 0, 0), 0);
	assert_int_equal(btf__add_field(b, "c", 2, 0, 0), 0);
	OK(btf__add_struct(b, NULL, 8));                /* 4 */
	assert_int_equal(btf__add_field(b, "y", 1, 0, 0), 0);
	assert_int_equal(btf__add_field(b, "z", 1, 32, 0), 0);
	OK(btf__add_struct(b, "s", 20));                /* 5 */
	assert_int_equal(btf__add_field(b, "a", 1, 0, 0), 0);
	assert_int_equal(btf__add_field(b, NULL, 3, 32, 0), 0);
	assert_int_equal(btf__add_field(b, "in", 4, 64, 0), 0);
	assert_int_equal(btf__add_field(b, "bits", 1, 128, 3), 0);
	OK(btf__add_typedef(b, "s_t", 4));              /* 6 */
	OK(btf__add_enum(b, "small", 1));               /* 7 */
	assert_int_equal(btf__add_enum_value(b, "SM", 1), 0);
	out = emit(b, BTFX_EMIT_ASSERT_LAYOUT, NULL, 0);
	expect_has(out,
		   "/* Layout assertions: sizeof and offsetof as in the BTF */\n"
		   "_Static_assert(sizeof(enum small) == 1, \"enum small\");\n"
		   "_Static_assert(sizeof(s_t) == 8, \"s_t\");\n"
		   "_Static_assert(__builtin_offsetof(s_t, y) == 0, \"s_t.y\");\n"
		   "_Static_assert(__builtin_offsetof(s_t, z) == 4, \"s_t.z\");\n"
		   "_Static_assert(sizeof(struct s) == 20, \"struct s\");\n"
		   "_Static_assert(__builtin_offsetof(struct s, a) == 0, \"struct s.a\");\n"
		   "_Static_assert(__builtin_offsetof(struct s, b) == 4, \"struct s.b\");\n"
		   "_Static_assert(__builtin_offsetof(struct s, c) == 4, \"struct s.c\");\n"
		   "_Static_assert(__builtin_offsetof(struct s, in) == 8, \"struct s.in\");\n"
		   "_Static_assert(__builtin_offsetof(struct s, in.y) == 8, \"struct s.in.y\");\n"
		   "_Static_assert(__builtin_offsetof(struct s, in.z) == 12, \"struct s.in.z\");\n\n");
	expect_not(out, "bits)"); /* bitfields have no offsetof */
	free(out);
	btf__free(b);
}

/* ------------------------------------------------------------------ */
/* API: callback, stats, errors                                         */
/* ------------------------------------------------------------------ */

struct sink {
	char *buf;
	size_t len;
	int calls, fail_at;
};

static int sink_write(void *ctx, const char *data, size_t len)
{
	struct sink *s = ctx;

	if (s->fail_at && ++s->calls >= s->fail_at)
		return -ENOSPC;
	s->buf = realloc(s->buf, s->len + len + 1);
	memcpy(s->buf + s->len, data, len);
	s->len += len;
	s->buf[s->len] = 0;
	return 0;
}

static void test_emit_c__callback_equals_buffer(void **state)
{
	struct btf *b = build_kfuncs();
	struct btfx *x = to_btfx(b, 0);
	struct btfx_emit_stats st = { .sz = sizeof(st) };
	struct btfx_emit_opts o = { .sz = sizeof(o), .flags = BTFX_EMIT_ASSERT_LAYOUT, .stats = &st };
	struct sink s = { 0 };
	struct btfx_error err;
	char *out = emit_x(x, BTFX_EMIT_ASSERT_LAYOUT, NULL, 0);

	(void)state;
	assert_int_equal(btfx_emit_c(x, &o, sink_write, &s, &err), 0);
	expect_text(s.buf, out);
	assert_int_equal(st.bytes, strlen(out));
	assert_int_equal(st.kfuncs, 2);
	assert_int_equal(st.defs, 2);
	assert_int_equal(st.asserts, 4);
	free(s.buf);
	free(out);

	/* a failing sink stops the emitter with its error */
	s = (struct sink){ .fail_at = 1 };
	assert_int_equal(btfx_emit_c(x, &o, sink_write, &s, &err), -ENOSPC);
	free(s.buf);

	/* bad arguments, unknown trailing opts */
	assert_int_equal(btfx_emit_c(NULL, NULL, sink_write, &s, &err), -EINVAL);
	assert_int_equal(btfx_emit_c(x, NULL, NULL, NULL, &err), -EINVAL);
	struct {
		struct btfx_emit_opts o;
		uint64_t extra;
	} big = { .o = { .sz = sizeof(big) }, .extra = 1 };
	char *p;
	assert_int_equal(btfx_emit_c_buf(x, &big.o, &p, NULL, &err), -EINVAL);
	big.extra = 0;
	assert_int_equal(btfx_emit_c_buf(x, &big.o, &p, NULL, &err), 0);
	btfx_emit_buf_free(p);
	btfx_free(x);
	btf__free(b);
}

/* a cycle of embedded structs cannot be C; a dangling id is an error */
static void test_emit_c__malformed_btf(void **state)
{
	struct btf *b = btf__new_empty();
	struct btfx *x;
	struct btfx_error err;
	char *out;

	(void)state;
	OK(btf__add_struct(b, "A", 4)); /* 1 */
	assert_int_equal(btf__add_field(b, "b", 2, 0, 0), 0);
	OK(btf__add_struct(b, "B", 4)); /* 2 */
	assert_int_equal(btf__add_field(b, "a", 1, 0, 0), 0);
	x = to_btfx(b, BTFX_F_NO_VALIDATE);
	assert_int_equal(btfx_emit_c_buf(x, NULL, &out, NULL, &err), -ELOOP);
	assert_int_equal(err.code, BTFX_E_LOOP);
	expect_has(err.msg, "cycle");
	btfx_free(x);
	btf__free(b);

	b = btf__new_empty();
	OK(btf__add_struct(b, "D", 4)); /* 1 */
	assert_int_equal(btf__add_field(b, "x", 77, 0, 0), 0);
	OK(btf__add_ptr(b, 55));        /* 2 */
	OK(btf__add_typedef(b, "dangling_t", 2));
	{
		uint32_t sz;
		const void *raw = btf__raw_data(b, &sz);
		struct btfx_open_opts oo = { .sz = sizeof(oo), .flags = BTFX_F_NO_VALIDATE };
		x = btfx_parse(raw, sz, "t", true, &oo, &err);
	}
	if (x) { /* structural checks may already refuse it */
		int r = btfx_emit_c_buf(x, NULL, &out, NULL, &err);
		assert_true(r == -EINVAL || r == -ELOOP);
		btfx_free(x);
	}
	btf__free(b);
}

/* anonymous types are printed where used: a chain of anonymous structs
 * that each point to the next twice would print 2^depth bodies; the
 * emitter stops with -E2BIG instead of writing gigabytes */
static void test_emit_c__exponential_nesting_is_bounded(void **state)
{
	struct btf *b = btf__new_empty();
	struct btfx *x;
	struct btfx_error err;
	char *out;
	int prev;

	(void)state;
	prev = OK(btf__add_int(b, "int", 4, BTF_INT_SIGNED));
	for (int i = 0; i < 48; i++) {
		int p = OK(btf__add_ptr(b, prev));
		prev = OK(btf__add_struct(b, NULL, 16));
		assert_int_equal(btf__add_field(b, "a", p, 0, 0), 0);
		assert_int_equal(btf__add_field(b, "b", p, 64, 0), 0);
	}
	OK(btf__add_typedef(b, "top_t", prev));
	x = to_btfx(b, 0);
	assert_int_equal(btfx_emit_c_buf(x, NULL, &out, NULL, &err), -E2BIG);
	assert_int_equal(err.code, BTFX_E_LIMIT);
	btfx_free(x);
	btf__free(b);
}

/* ------------------------------------------------------------------ */
/* minimal-header roots from a program's BTF                            */
/* ------------------------------------------------------------------ */

struct skipped {
	char names[8][64];
	int n;
};

static void on_skip(void *ctx, const char *kind, const char *name)
{
	struct skipped *s = ctx;

	if (s->n < 8)
		snprintf(s->names[s->n++], 64, "%s %s", kind, name);
}

static void test_emit_c__roots_from_local(void **state)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty();
	struct btfx *kx, *lx;
	struct skipped sk = { 0 };
	uint32_t *ids = NULL;
	size_t n = 0;

	(void)state;
	/* kernel: 1 int, 2 task_struct{pid,comm}, 3 event{x,y}, 4 u32, 5 kfunc proto, 6 kfunc, 7 tag,
	 * 8 enum e{A,B}, 9 cfg{z} */
	OK(btf__add_int(k, "int", 4, BTF_INT_SIGNED));
	OK(btf__add_struct(k, "task_struct", 8));
	assert_int_equal(btf__add_field(k, "pid", 1, 0, 0), 0);
	assert_int_equal(btf__add_field(k, "comm", 1, 32, 0), 0);
	OK(btf__add_struct(k, "event", 8));
	assert_int_equal(btf__add_field(k, "x", 1, 0, 0), 0);
	assert_int_equal(btf__add_field(k, "y", 1, 32, 0), 0);
	OK(btf__add_typedef(k, "u32", 1));
	OK(btf__add_func_proto(k, 1));
	OK(btf__add_func(k, "bpf_kf", BTF_FUNC_GLOBAL, 5));
	OK(btf__add_decl_tag(k, "bpf_kfunc", 6, -1));
	OK(btf__add_enum(k, "e", 4));
	assert_int_equal(btf__add_enum_value(k, "A", 0), 0);
	assert_int_equal(btf__add_enum_value(k, "B", 1), 0);
	OK(btf__add_struct(k, "cfg", 4));
	assert_int_equal(btf__add_field(k, "z", 1, 0, 0), 0);

	/* program: task_struct{pid} (from vmlinux.h, fewer members are fine),
	 * event{id} (its own type), task_struct___old{x} (a flavor), u32,
	 * extern bpf_kf, enum e{B}, a fwd cfg */
	OK(btf__add_int(l, "int", 4, BTF_INT_SIGNED));            /* 1 */
	OK(btf__add_struct(l, "task_struct", 4));                 /* 2 */
	assert_int_equal(btf__add_field(l, "pid", 1, 0, 0), 0);
	OK(btf__add_struct(l, "event", 4));                       /* 3 */
	assert_int_equal(btf__add_field(l, "id", 1, 0, 0), 0);
	OK(btf__add_struct(l, "task_struct___old", 4));           /* 4 */
	assert_int_equal(btf__add_field(l, "x", 1, 0, 0), 0);
	OK(btf__add_typedef(l, "u32", 1));                        /* 5 */
	OK(btf__add_func_proto(l, 1));                            /* 6 */
	OK(btf__add_func(l, "bpf_kf", BTF_FUNC_EXTERN, 6));       /* 7 */
	OK(btf__add_enum(l, "e", 4));                             /* 8 */
	assert_int_equal(btf__add_enum_value(l, "B", 1), 0);
	OK(btf__add_fwd(l, "cfg", BTF_FWD_STRUCT));               /* 9 */

	kx = to_btfx(k, 0);
	lx = to_btfx(l, BTFX_F_NO_VALIDATE);
	assert_int_equal(btfx_emit_roots_from_local(kx, lx, &ids, &n, on_skip, &sk), 0);
	/* task_struct (2), u32 (4), bpf_kf (6), e (8), cfg (9); not event (3) */
	assert_int_equal(n, 5);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[1], 4);
	assert_int_equal(ids[2], 6);
	assert_int_equal(ids[3], 8);
	assert_int_equal(ids[4], 9);
	assert_int_equal(sk.n, 1);
	assert_string_equal(sk.names[0], "struct event");

	/* the emitted subset: kfunc prototype included */
	char *out = emit_x(kx, BTFX_EMIT_BODY_ONLY, ids, n);
	expect_has(out, "struct task_struct {\n\tint pid;\n\tint comm;\n};\n");
	expect_has(out, "extern int bpf_kf(void) __weak __ksym;\n");
	expect_not(out, "struct event");
	free(out);
	free(ids);
	btfx_free(kx);
	btfx_free(lx);
	btf__free(k);
	btf__free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_emit_c__ordering_strong_and_weak),
		cmocka_unit_test(test_emit_c__id_order_as_libbpf),
		cmocka_unit_test(test_emit_c__fwd_kinds),
		cmocka_unit_test(test_emit_c__padding),
		cmocka_unit_test(test_emit_c__packed),
		cmocka_unit_test(test_emit_c__bitfields),
		cmocka_unit_test(test_emit_c__unions_sized_by_attributes),
		cmocka_unit_test(test_emit_c__va_list_layout),
		cmocka_unit_test(test_emit_c__arrays_and_function_pointers),
		cmocka_unit_test(test_emit_c__anonymous_members),
		cmocka_unit_test(test_emit_c__anonymous_member_of_named_type),
		cmocka_unit_test(test_emit_c__enums),
		cmocka_unit_test(test_emit_c__name_conflicts),
		cmocka_unit_test(test_emit_c__sorted_output_ignores_ids),
		cmocka_unit_test(test_emit_c__deterministic),
		cmocka_unit_test(test_emit_c__subset_closure),
		cmocka_unit_test(test_emit_c__subset_keeps_names),
		cmocka_unit_test(test_emit_c__bad_root),
		cmocka_unit_test(test_emit_c__tags),
		cmocka_unit_test(test_emit_c__float),
		cmocka_unit_test(test_emit_c__prologue_and_kfuncs),
		cmocka_unit_test(test_emit_c__kfunc_root),
		cmocka_unit_test(test_emit_c__guard),
		cmocka_unit_test(test_emit_c__assert_layout),
		cmocka_unit_test(test_emit_c__callback_equals_buffer),
		cmocka_unit_test(test_emit_c__malformed_btf),
		cmocka_unit_test(test_emit_c__exponential_nesting_is_bounded),
		cmocka_unit_test(test_emit_c__roots_from_local),
	};
	return cmocka_run_group_tests_name("emit_c", tests, NULL, NULL);
}
