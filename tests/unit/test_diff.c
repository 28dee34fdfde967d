// SPDX-License-Identifier: BSD-2-Clause
/* Unit tests: BTF diff as data (libbtfx/diff.c), one crafted pair covering
 * every change class, plus duplicates, filters and the identity case. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "btfx/btfx.h"
#include "btfx/diff.h"

/* ---- a tiny in-memory BTF builder (types as u32 words, strings) ---- */
struct bb {
	uint32_t w[8192];
	size_t nw;
	char s[16384];
	size_t ns;
	uint32_t next_id;
	uint32_t *cur; /* info word of the type being filled (vlen count) */
};

static inline void bb_init(struct bb *b)
{
	memset(b, 0, sizeof(*b));
	b->ns = 1;
	b->next_id = 1;
}

static inline uint32_t bb_str(struct bb *b, const char *s)
{
	size_t n;
	uint32_t off;

	if (!s || !*s)
		return 0;
	n = strlen(s) + 1;
	off = (uint32_t)b->ns;
	memcpy(b->s + b->ns, s, n);
	b->ns += n;
	return off;
}

static inline uint32_t bb_type(struct bb *b, const char *name, unsigned kind, bool kflag, uint32_t size_or_type)
{
	b->w[b->nw++] = bb_str(b, name);
	b->cur = &b->w[b->nw];
	b->w[b->nw++] = (uint32_t)kind << 24 | (kflag ? 1u << 31 : 0);
	b->w[b->nw++] = size_or_type;
	return b->next_id++;
}

static inline void bb_vlen_inc(struct bb *b) { (*b->cur)++; }

static inline uint32_t bb_int(struct bb *b, const char *name, uint32_t size, unsigned enc)
{
	uint32_t id = bb_type(b, name, BTFX_KIND_INT, false, size);
	b->w[b->nw++] = enc << 24 | size * 8;
	return id;
}

static inline uint32_t bb_ref(struct bb *b, unsigned kind, const char *name, uint32_t target)
{
	return bb_type(b, name, kind, false, target);
}

static inline uint32_t bb_array(struct bb *b, uint32_t elem, uint32_t index, uint32_t n)
{
	uint32_t id = bb_type(b, NULL, BTFX_KIND_ARRAY, false, 0);
	b->w[b->nw++] = elem;
	b->w[b->nw++] = index;
	b->w[b->nw++] = n;
	return id;
}

/* struct/union: then bb_member() for each member */
static inline uint32_t bb_comp(struct bb *b, unsigned kind, const char *name, uint32_t size, bool kflag)
{
	return bb_type(b, name, kind, kflag, size);
}

static inline void bb_member(struct bb *b, const char *name, uint32_t type, uint32_t bit_off, uint32_t bitfield)
{
	b->w[b->nw++] = bb_str(b, name);
	b->w[b->nw++] = type;
	b->w[b->nw++] = bitfield << 24 | bit_off;
	bb_vlen_inc(b);
}

static inline uint32_t bb_enum(struct bb *b, const char *name, uint32_t size, bool is_signed)
{
	return bb_type(b, name, BTFX_KIND_ENUM, is_signed, size);
}

static inline void bb_enumval(struct bb *b, const char *name, int32_t val)
{
	b->w[b->nw++] = bb_str(b, name);
	b->w[b->nw++] = (uint32_t)val;
	bb_vlen_inc(b);
}

static inline uint32_t bb_proto(struct bb *b, uint32_t ret)
{
	return bb_type(b, NULL, BTFX_KIND_FUNC_PROTO, false, ret);
}

static inline void bb_param(struct bb *b, const char *name, uint32_t type)
{
	b->w[b->nw++] = bb_str(b, name);
	b->w[b->nw++] = type;
	bb_vlen_inc(b);
}

static inline uint32_t bb_func(struct bb *b, const char *name, uint32_t proto)
{
	uint32_t id = bb_type(b, name, BTFX_KIND_FUNC, false, proto);
	*b->cur |= 1; /* global linkage */
	return id;
}

static inline uint32_t bb_var(struct bb *b, const char *name, uint32_t type)
{
	uint32_t id = bb_type(b, name, BTFX_KIND_VAR, false, type);
	b->w[b->nw++] = 1; /* global */
	return id;
}

static struct btfx *bb_parse(struct bb *b)
{
	size_t tl = b->nw * 4, sz = 24 + tl + b->ns;
	uint8_t *d = calloc(1, sz);
	uint32_t h[6] = { 0 };
	struct btfx_error err;
	struct btfx *btf;

	h[0] = 0xeB9F | 1u << 16;  /* magic, version 1, flags 0 */
	h[1] = 24;                 /* hdr_len */
	h[2] = 0;                  /* type_off */
	h[3] = (uint32_t)tl;       /* type_len */
	h[4] = (uint32_t)tl;       /* str_off */
	h[5] = (uint32_t)b->ns;    /* str_len */
	memcpy(d, h, 24);
	memcpy(d + 24, b->w, tl);
	memcpy(d + 24 + tl, b->s, b->ns);
	btf = btfx_parse(d, sz, "test.btf", true, NULL, &err);
	if (!btf)
		fprintf(stderr, "bb_parse: %s\n", err.msg);
	free(d);
	return btf;
}
/* ---- end of builder ---- */

/*
 * OLD                                    NEW                                  change class
 * char signed                            char unsigned                        signedness
 * struct inner { int a; } (4)            struct inner { int a, b; } (8)       member_added, size
 * struct s (32) {                        struct s (48) {                      size
 *	int a;            @0                   long a;           @0            member_type (size)
 *	int b;            @4                   -                               member_removed
 *	int c;            @8                   int c;            @12           member_offset
 *	unsigned f:3;     @12                  unsigned f:5;     @16           member_bitfield
 *	struct inner in;  @16                  struct inner in;  @20           member_size
 *	-                                      int d;            @28           member_added
 *	union { int x; }  @20                  union { int x; long y; } @32    size of s.(anon union @ 20)
 *	int k;            @24                  struct inner k;   @40           member_type (incompatible)
 * enum e { A=1, B=2, C=3 }                enum e signed { A=1, B=5, D=4 }     signedness, enumval_*
 * typedef int td                         typedef long td                      typedef_target
 * int f(int a, int b)                    unsigned f(long a, int c, int d)     return/param_*
 * var v: int                             var v: long                          var_type
 * struct gone                            struct fresh                         type_removed/added
 * struct dup {int a}, dup {long b}       dup {int a}, dup {long b; int c}     duplicates
 */
struct pair {
	struct btfx *old, *new;
};

static struct btfx *build(bool is_new)
{
	struct bb b;
	uint32_t chr, i32, u32, i64, inner, anon, s, proto;

	bb_init(&b);
	chr = bb_int(&b, "char", 1, is_new ? 0 : BTFX_INT_SIGNED);
	i32 = bb_int(&b, "int", 4, BTFX_INT_SIGNED);
	u32 = bb_int(&b, "unsigned int", 4, 0);
	i64 = bb_int(&b, "long", 8, BTFX_INT_SIGNED);
	(void)chr;
	inner = bb_comp(&b, BTFX_KIND_STRUCT, "inner", is_new ? 8 : 4, false);
	bb_member(&b, "a", i32, 0, 0);
	if (is_new)
		bb_member(&b, "b", i32, 32, 0);
	anon = bb_comp(&b, BTFX_KIND_UNION, NULL, is_new ? 8 : 4, false);
	bb_member(&b, "x", i32, 0, 0);
	if (is_new)
		bb_member(&b, "y", i64, 0, 0);
	s = bb_comp(&b, BTFX_KIND_STRUCT, "s", is_new ? 48 : 32, true);
	if (!is_new) {
		bb_member(&b, "a", i32, 0, 0);
		bb_member(&b, "b", i32, 32, 0);
		bb_member(&b, "c", i32, 64, 0);
		bb_member(&b, "f", u32, 96, 3);
		bb_member(&b, "in", inner, 128, 0);
		bb_member(&b, NULL, anon, 160, 0);
		bb_member(&b, "k", i32, 192, 0);
	} else {
		bb_member(&b, "a", i64, 0, 0);
		bb_member(&b, "c", i32, 96, 0);
		bb_member(&b, "f", u32, 128, 5);
		bb_member(&b, "in", inner, 160, 0);
		bb_member(&b, "d", i32, 224, 0);
		bb_member(&b, NULL, anon, 256, 0);
		bb_member(&b, "k", inner, 320, 0);
	}
	bb_enum(&b, "e", is_new ? 4 : 4, is_new);
	bb_enumval(&b, "A", 1);
	bb_enumval(&b, "B", is_new ? 5 : 2);
	bb_enumval(&b, is_new ? "D" : "C", is_new ? 4 : 3);
	bb_ref(&b, BTFX_KIND_TYPEDEF, "td", is_new ? i64 : i32);
	proto = bb_proto(&b, is_new ? u32 : i32);
	bb_param(&b, "a", is_new ? i64 : i32);
	bb_param(&b, is_new ? "c" : "b", i32);
	if (is_new)
		bb_param(&b, "d", i32);
	bb_func(&b, "f", proto);
	bb_var(&b, "v", is_new ? i64 : i32);
	bb_comp(&b, BTFX_KIND_STRUCT, is_new ? "fresh" : "gone", 4, false);
	bb_member(&b, "q", i32, 0, 0);
	bb_comp(&b, BTFX_KIND_STRUCT, "dup", 4, false);
	bb_member(&b, "a", i32, 0, 0);
	bb_comp(&b, BTFX_KIND_STRUCT, "dup", is_new ? 16 : 8, false);
	bb_member(&b, "b", i64, 0, 0);
	if (is_new)
		bb_member(&b, "c", i32, 64, 0);
	(void)s;
	return bb_parse(&b);
}

static int setup(void **state)
{
	struct pair *p = calloc(1, sizeof(*p));
	p->old = build(false);
	p->new = build(true);
	if (!p->old || !p->new)
		return -1;
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	struct pair *p = *state;
	btfx_free(p->old);
	btfx_free(p->new);
	free(p);
	return 0;
}

static const struct btfx_diff_entry *find(const struct btfx_diff *d, enum btfx_diff_change c, const char *type,
					  const char *path)
{
	for (size_t i = 0; i < d->nr_entries; i++) {
		const struct btfx_diff_entry *e = &d->entries[i];
		if (e->change != c || strcmp(e->type_name, type))
			continue;
		if (path ? !e->path || strcmp(e->path, path) : e->path != NULL)
			continue;
		return e;
	}
	return NULL;
}

#define EXPECT(d, c, type, path, want) ({                                                    \
	const struct btfx_diff_entry *e_ = find(d, c, type, path);                           \
	if (!e_)                                                                             \
		fail_msg("missing %s %s %s", btfx_diff_change_str(c), type, path ? path : "");  \
	assert_string_equal(btfx_diff_core_str(e_->core), btfx_diff_core_str(want));         \
	e_; })

static void test_diff__struct_changes(void **state)
{
	struct pair *p = *state;
	struct btfx_diff *d = btfx_diff_new(p->old, p->new, NULL, NULL);
	const struct btfx_diff_entry *e;

	assert_non_null(d);
	e = EXPECT(d, BTFX_DIFF_SIZE, "s", NULL, BTFX_DIFF_CORE_SIZE);
	assert_int_equal(e->old_val, 32);
	assert_int_equal(e->new_val, 48);
	assert_int_equal(e->kind, BTFX_KIND_STRUCT);
	e = EXPECT(d, BTFX_DIFF_MEMBER_TYPE, "s", "s.a", BTFX_DIFF_CORE_SIZE);
	assert_string_equal(e->old_str, "int");
	assert_string_equal(e->new_str, "long");
	EXPECT(d, BTFX_DIFF_MEMBER_REMOVED, "s", "s.b", BTFX_DIFF_CORE_GONE);
	e = EXPECT(d, BTFX_DIFF_MEMBER_OFFSET, "s", "s.c", BTFX_DIFF_CORE_RELOCATED);
	assert_int_equal(e->old_val, 64);
	assert_int_equal(e->new_val, 96);
	e = EXPECT(d, BTFX_DIFF_MEMBER_BITFIELD, "s", "s.f", BTFX_DIFF_CORE_SIZE);
	assert_int_equal(e->old_val, 3);
	assert_int_equal(e->new_val, 5);
	e = EXPECT(d, BTFX_DIFF_MEMBER_SIZE, "s", "s.in", BTFX_DIFF_CORE_SIZE);
	assert_int_equal(e->old_val, 4);
	assert_int_equal(e->new_val, 8);
	/* members of the anonymous union are CO-RE paths; the union itself is
	 * named by its place in OLD */
	e = EXPECT(d, BTFX_DIFF_SIZE, "s", "s.(anon union @ 20)", BTFX_DIFF_CORE_SIZE);
	assert_int_equal(e->new_val, 8);
	EXPECT(d, BTFX_DIFF_MEMBER_OFFSET, "s", "s.x", BTFX_DIFF_CORE_RELOCATED);
	EXPECT(d, BTFX_DIFF_MEMBER_ADDED, "s", "s.y", BTFX_DIFF_CORE_NONE);
	EXPECT(d, BTFX_DIFF_MEMBER_TYPE, "s", "s.k", BTFX_DIFF_CORE_INCOMPAT);
	e = EXPECT(d, BTFX_DIFF_MEMBER_ADDED, "s", "s.d", BTFX_DIFF_CORE_NONE);
	assert_int_equal(e->new_val, 224);
	/* the nested struct reports its own change */
	EXPECT(d, BTFX_DIFF_MEMBER_ADDED, "inner", "inner.b", BTFX_DIFF_CORE_NONE);
	btfx_diff_free(d);
}

static void test_diff__other_kinds(void **state)
{
	struct pair *p = *state;
	struct btfx_diff *d = btfx_diff_new(p->old, p->new, NULL, NULL);
	const struct btfx_diff_entry *e;

	assert_non_null(d);
	EXPECT(d, BTFX_DIFF_SIGNEDNESS, "char", NULL, BTFX_DIFF_CORE_SIZE);
	EXPECT(d, BTFX_DIFF_SIGNEDNESS, "e", NULL, BTFX_DIFF_CORE_SIZE);
	e = EXPECT(d, BTFX_DIFF_ENUMVAL_CHANGED, "e", "e.B", BTFX_DIFF_CORE_VALUE);
	assert_int_equal(e->old_val, 2);
	assert_int_equal(e->new_val, 5);
	EXPECT(d, BTFX_DIFF_ENUMVAL_REMOVED, "e", "e.C", BTFX_DIFF_CORE_GONE);
	e = EXPECT(d, BTFX_DIFF_ENUMVAL_ADDED, "e", "e.D", BTFX_DIFF_CORE_NONE);
	assert_int_equal(e->new_val, 4);
	assert_null(find(d, BTFX_DIFF_ENUMVAL_CHANGED, "e", "e.A"));
	e = EXPECT(d, BTFX_DIFF_TYPEDEF_TARGET, "td", NULL, BTFX_DIFF_CORE_SIZE);
	assert_string_equal(e->old_str, "int");
	assert_string_equal(e->new_str, "long");
	e = EXPECT(d, BTFX_DIFF_RETURN_TYPE, "f", NULL, BTFX_DIFF_CORE_ABI);
	assert_string_equal(e->new_str, "unsigned int");
	e = EXPECT(d, BTFX_DIFF_PARAM_COUNT, "f", NULL, BTFX_DIFF_CORE_ABI);
	assert_int_equal(e->old_val, 2);
	assert_int_equal(e->new_val, 3);
	EXPECT(d, BTFX_DIFF_PARAM_TYPE, "f", "f(a)", BTFX_DIFF_CORE_ABI);
	e = EXPECT(d, BTFX_DIFF_PARAM_NAME, "f", "f(b)", BTFX_DIFF_CORE_NONE);
	assert_string_equal(e->new_str, "c");
	e = EXPECT(d, BTFX_DIFF_VAR_TYPE, "v", NULL, BTFX_DIFF_CORE_SIZE);
	assert_int_equal(e->kind, BTFX_KIND_VAR);
	EXPECT(d, BTFX_DIFF_TYPE_REMOVED, "gone", NULL, BTFX_DIFF_CORE_GONE);
	EXPECT(d, BTFX_DIFF_TYPE_ADDED, "fresh", NULL, BTFX_DIFF_CORE_NONE);
	assert_int_equal(d->nr_added, 1);
	assert_int_equal(d->nr_removed, 1);
	btfx_diff_free(d);
}

static void test_diff__duplicates_not_merged(void **state)
{
	struct pair *p = *state;
	struct btfx_diff *d = btfx_diff_new(p->old, p->new, NULL, NULL);
	const struct btfx_diff_entry *e;
	size_t n = 0;

	assert_non_null(d);
	/* identical "dup {int a}" pairs silently; the other pairs and differs */
	e = find(d, BTFX_DIFF_MEMBER_ADDED, "dup", "dup.c");
	assert_non_null(e);
	assert_int_not_equal(e->dup_index, 0);
	for (size_t i = 0; i < d->nr_entries; i++)
		if (!strcmp(d->entries[i].type_name, "dup"))
			n++;
	assert_int_equal(n, 2); /* size + member_added */
	btfx_diff_free(d);
}

static void test_diff__identity_and_filters(void **state)
{
	struct pair *p = *state;
	const char *names[] = { "e" };
	struct btfx_diff_opts o = { .sz = sizeof(o), .names = names, .nr_names = 1 };
	struct btfx_diff *d = btfx_diff_new(p->old, p->old, NULL, NULL);

	assert_non_null(d);
	assert_int_equal(d->nr_entries, 0);
	btfx_diff_free(d);
	d = btfx_diff_new(p->old, p->new, &o, NULL);
	assert_non_null(d);
	for (size_t i = 0; i < d->nr_entries; i++)
		assert_string_equal(d->entries[i].type_name, "e");
	assert_int_equal(d->nr_entries, 4);
	btfx_diff_free(d);
	o.nr_names = 0;
	o.kinds = 1u << BTFX_KIND_FUNC;
	d = btfx_diff_new(p->old, p->new, &o, NULL);
	assert_non_null(d);
	for (size_t i = 0; i < d->nr_entries; i++)
		assert_int_equal(d->entries[i].kind, BTFX_KIND_FUNC);
	assert_int_equal(d->nr_entries, 4);
	btfx_diff_free(d);
	btfx_diff_free(NULL);
	assert_null(btfx_diff_new(NULL, p->new, NULL, NULL));
}

static void test_diff__sorted_and_counted(void **state)
{
	struct pair *p = *state;
	struct btfx_diff *d = btfx_diff_new(p->old, p->new, NULL, NULL);
	size_t sum = 0;

	assert_non_null(d);
	for (size_t i = 1; i < d->nr_entries; i++)
		assert_true(strcmp(d->entries[i - 1].type_name, d->entries[i].type_name) <= 0);
	for (int c = 0; c < BTFX_DIFF_CHANGE__NR; c++)
		sum += d->per_change[c];
	assert_int_equal(sum, d->nr_entries);
	for (int c = 1; c < BTFX_DIFF_CHANGE__NR; c++)
		assert_string_not_equal(btfx_diff_change_str(c), "unknown");
	for (int c = 0; c < BTFX_DIFF_CORE__NR; c++)
		assert_string_not_equal(btfx_diff_core_text(c), "unknown");
	btfx_diff_free(d);
}

/*
 * Restricted to an object's CO-RE relocations: a local BTF as a BPF object
 * would carry it (flavored struct name, fewer members), records written by
 * hand, OLD/NEW from build().
 */
static struct btfx *build_local(void)
{
	struct bb b;
	uint32_t i32, inner, anon;

	bb_init(&b);
	i32 = bb_int(&b, "int", 4, BTFX_INT_SIGNED);                 /* 1 */
	inner = bb_comp(&b, BTFX_KIND_STRUCT, "inner", 4, false);    /* 2 */
	bb_member(&b, "a", i32, 0, 0);
	anon = bb_comp(&b, BTFX_KIND_UNION, NULL, 4, false);         /* 3 */
	bb_member(&b, "x", i32, 0, 0);
	bb_comp(&b, BTFX_KIND_STRUCT, "s___v1", 24, false);          /* 4 */
	bb_member(&b, "a", i32, 0, 0);
	bb_member(&b, "b", i32, 32, 0);
	bb_member(&b, "c", i32, 64, 0);
	bb_member(&b, NULL, anon, 96, 0);
	bb_member(&b, "in", inner, 128, 0);
	bb_member(&b, "k", i32, 160, 0);
	bb_enum(&b, "e", 4, false);                                  /* 5 */
	bb_enumval(&b, "A", 1);
	bb_enumval(&b, "B", 2);
	bb_comp(&b, BTFX_KIND_STRUCT, "gone", 4, false);             /* 6 */
	bb_member(&b, "q", i32, 0, 0);
	bb_ref(&b, BTFX_KIND_TYPEDEF, "td", i32);                    /* 7 */
	return bb_parse(&b);
}

static const struct btfx_core_relo_rec relos[] = {
	{ .type_id = 4, .access_str = "0:0", .kind = BTFX_CORE_FIELD_BYTE_OFFSET },   /* 0 s.a int->long */
	{ .type_id = 4, .access_str = "0:1", .kind = BTFX_CORE_FIELD_BYTE_OFFSET },   /* 1 s.b removed */
	{ .type_id = 4, .access_str = "0:2", .kind = BTFX_CORE_FIELD_BYTE_OFFSET },   /* 2 s.c moved */
	{ .type_id = 4, .access_str = "0:3:0", .kind = BTFX_CORE_FIELD_BYTE_OFFSET }, /* 3 s.x (anon union) */
	{ .type_id = 4, .access_str = "0:4:0", .kind = BTFX_CORE_FIELD_BYTE_OFFSET }, /* 4 s.in.a */
	{ .type_id = 4, .access_str = "0:2", .kind = BTFX_CORE_FIELD_EXISTS },        /* 5 s.c exists */
	{ .type_id = 4, .access_str = "0:5", .kind = BTFX_CORE_FIELD_EXISTS },        /* 6 s.k int->struct */
	{ .type_id = 5, .access_str = "1", .kind = BTFX_CORE_ENUMVAL_VALUE },         /* 7 e.B 2->5 */
	{ .type_id = 5, .access_str = "0", .kind = BTFX_CORE_ENUMVAL_EXISTS },        /* 8 e.A */
	{ .type_id = 6, .access_str = "0", .kind = BTFX_CORE_TYPE_EXISTS },           /* 9 gone */
	{ .type_id = 7, .access_str = "0", .kind = BTFX_CORE_TYPE_SIZE },             /* 10 td 4->8 */
	{ .type_id = 4, .access_str = "0", .kind = BTFX_CORE_TYPE_ID_LOCAL },         /* 11 */
	{ .type_id = 4, .access_str = "x", .kind = BTFX_CORE_FIELD_BYTE_OFFSET },     /* 12 malformed */
};
#define NR_RELOS (sizeof(relos) / sizeof(relos[0]))

static bool relo_has(const struct btfx_diff_obj *x, size_t i, enum btfx_diff_change c, const char *path)
{
	const struct btfx_diff_relo *dr = &x->relos[i];
	for (size_t k = 0; k < dr->nr_changes; k++) {
		const struct btfx_diff_entry *e = &x->diff->entries[dr->changes[k]];
		if (e->change == c && (path ? e->path && !strcmp(e->path, path) : !e->path))
			return true;
	}
	return false;
}

static void test_diff__for_relos(void **state)
{
	struct pair *p = *state;
	struct btfx *local = build_local();
	struct btfx_diff_obj *x;
	const struct btfx_diff_relo *r;
	struct btfx_error err;

	assert_non_null(local);
	x = btfx_diff_for_relos(p->old, p->new, local, relos, NR_RELOS, NULL, &err);
	assert_non_null(x);
	assert_int_equal(x->nr_relos, NR_RELOS);
	assert_int_equal(x->nr_selected, NR_RELOS);
	r = x->relos;
	/* 0: same offset, wider type: the load size changes */
	assert_string_equal(r[0].path, "s.a");
	assert_string_equal(r[0].type_name, "s"); /* flavor stripped */
	assert_int_equal(r[0].type_kind, BTFX_KIND_STRUCT);
	assert_true(r[0].affected);
	assert_true(relo_has(x, 0, BTFX_DIFF_MEMBER_TYPE, "s.a"));
	assert_int_equal(r[0].core, BTFX_DIFF_CORE_SIZE);
	assert_int_equal(r[0].old_res.new_val, 0);
	assert_int_equal(r[0].new_res.new_val, 0);
	/* 1: removed: poisoned on NEW */
	assert_int_equal(r[1].core, BTFX_DIFF_CORE_GONE);
	assert_int_equal(r[1].old_res.status, BTFX_CORE_OK);
	assert_int_equal(r[1].new_res.status, BTFX_CORE_POISONED);
	assert_true(relo_has(x, 1, BTFX_DIFF_MEMBER_REMOVED, "s.b"));
	/* 2: moved */
	assert_int_equal(r[2].core, BTFX_DIFF_CORE_RELOCATED);
	assert_int_equal(r[2].old_res.new_val, 8);
	assert_int_equal(r[2].new_res.new_val, 12);
	assert_true(r[2].engine_differs);
	/* 3: through the anonymous union, as CO-RE sees it */
	assert_string_equal(r[3].path, "s.x");
	assert_true(relo_has(x, 3, BTFX_DIFF_MEMBER_OFFSET, "s.x"));
	assert_int_equal(r[3].old_res.new_val, 20);
	assert_int_equal(r[3].new_res.new_val, 32);
	/* 4: s.in moved (and grew: not what locates in.a), inner.a did not */
	assert_string_equal(r[4].path, "s.in.a");
	assert_true(relo_has(x, 4, BTFX_DIFF_MEMBER_OFFSET, "s.in"));
	assert_false(relo_has(x, 4, BTFX_DIFF_MEMBER_SIZE, "s.in"));
	assert_int_equal(r[4].nr_changes, 1);
	assert_int_equal(r[4].core, BTFX_DIFF_CORE_RELOCATED);
	assert_int_equal(r[4].new_res.new_val, 20);
	/* 5: an offset move does not change existence */
	assert_false(r[5].affected);
	assert_int_equal(r[5].nr_changes, 0);
	assert_int_equal(r[5].new_res.new_val, 1);
	/* 6: int -> struct: incompatible, exists 1 -> 0 */
	assert_int_equal(r[6].core, BTFX_DIFF_CORE_INCOMPAT);
	assert_int_equal(r[6].old_res.new_val, 1);
	assert_int_equal(r[6].new_res.new_val, 0);
	/* 7, 8: enumerators */
	assert_string_equal(r[7].path, "e.B");
	assert_int_equal(r[7].core, BTFX_DIFF_CORE_VALUE);
	assert_int_equal(r[7].old_res.new_val, 2);
	assert_int_equal(r[7].new_res.new_val, 5);
	assert_true(relo_has(x, 7, BTFX_DIFF_ENUMVAL_CHANGED, "e.B"));
	assert_true(relo_has(x, 7, BTFX_DIFF_SIGNEDNESS, NULL));
	assert_false(r[8].affected);
	/* 9, 10: types */
	assert_int_equal(r[9].core, BTFX_DIFF_CORE_GONE);
	assert_true(relo_has(x, 9, BTFX_DIFF_TYPE_REMOVED, NULL));
	assert_int_equal(r[10].core, BTFX_DIFF_CORE_SIZE);
	assert_int_equal(r[10].old_res.new_val, 4);
	assert_int_equal(r[10].new_res.new_val, 8);
	/* 11: a local type id never changes; 12: the spec is reported */
	assert_false(r[11].affected);
	assert_non_null(r[12].spec_err);
	assert_false(r[12].affected);
	/* only what is used is kept, and counted */
	for (size_t i = 0; i < x->diff->nr_entries; i++) {
		const struct btfx_diff_entry *e = &x->diff->entries[i];
		bool used = false;
		assert_true(!strcmp(e->type_name, "s") || !strcmp(e->type_name, "e") || !strcmp(e->type_name, "gone") ||
			    !strcmp(e->type_name, "td"));
		for (size_t k = 0; k < NR_RELOS; k++)
			for (size_t j = 0; j < x->relos[k].nr_changes; j++)
				used |= x->relos[k].changes[j] == i;
		assert_true(used);
	}
	assert_null(find(x->diff, BTFX_DIFF_ENUMVAL_ADDED, "e", "e.D"));
	assert_null(find(x->diff, BTFX_DIFF_MEMBER_ADDED, "inner", "inner.b"));
	assert_int_equal(x->nr_affected, 9);
	assert_int_equal(x->nr_broken, 1);
	assert_int_equal(x->nr_types, 5); /* s, inner, e, gone, td */
	btfx_diff_obj_free(x);

	/* identity: nothing affected */
	x = btfx_diff_for_relos(p->old, p->old, local, relos, NR_RELOS, NULL, &err);
	assert_non_null(x);
	assert_int_equal(x->nr_affected, 0);
	assert_int_equal(x->diff->nr_entries, 0);
	btfx_diff_obj_free(x);

	/* names narrow the relocations too */
	{
		const char *names[] = { "e" };
		struct btfx_diff_opts o = { .sz = sizeof(o), .names = names, .nr_names = 1 };
		x = btfx_diff_for_relos(p->old, p->new, local, relos, NR_RELOS, &o, &err);
		assert_non_null(x);
		assert_int_equal(x->nr_selected, 2);
		assert_int_equal(x->nr_affected, 1);
		assert_false(x->relos[2].selected);
		assert_false(x->relos[2].affected);
		assert_int_equal(x->diff->nr_entries, 2); /* signedness, e.B */
		btfx_diff_obj_free(x);
	}
	assert_null(btfx_diff_for_relos(p->old, NULL, local, relos, 1, NULL, &err));
	assert_int_equal(err.code, BTFX_E_USAGE);
	btfx_diff_obj_free(NULL);
	btfx_free(local);
}

/*
 * F9: anonymous unions that each embed the next one twice (as members x
 * and y) flatten into 2^depth paths.  A few levels diff as usual, one path
 * each; 28 levels (2^28 paths) fail at once with BTFX_E_LIMIT instead of
 * taking hours.
 */
static struct btfx *anon_dag(int depth, uint32_t leaf_size)
{
	struct bb *b = malloc(sizeof(*b));
	struct btfx *btf;
	uint32_t leaf, u;

	bb_init(b);
	leaf = bb_int(b, leaf_size == 4 ? "int" : "long", leaf_size, BTFX_INT_SIGNED);
	u = bb_comp(b, BTFX_KIND_STRUCT, NULL, leaf_size, false);
	bb_member(b, "a", leaf, 0, 0);
	for (int i = 0; i < depth; i++) {
		uint32_t v = bb_comp(b, BTFX_KIND_UNION, NULL, leaf_size, false);
		bb_member(b, "x", u, 0, 0);
		bb_member(b, "y", u, 0, 0);
		u = v;
	}
	bb_comp(b, BTFX_KIND_STRUCT, "top", leaf_size, false);
	bb_member(b, "u", u, 0, 0);
	btf = bb_parse(b);
	free(b);
	return btf;
}

static void test_diff__shared_anonymous_dag(void **state)
{
	struct btfx *old = anon_dag(6, 4), *new = anon_dag(6, 8), *deep = anon_dag(28, 4);
	struct btfx_error err;
	struct btfx_diff *d;
	size_t leaves = 0;

	(void)state;
	assert_non_null(old);
	assert_non_null(new);
	assert_non_null(deep);
	d = btfx_diff_new(old, new, NULL, &err);
	assert_non_null(d);
	for (size_t i = 0; i < d->nr_entries; i++) {
		const char *path = d->entries[i].path;
		if (d->entries[i].change == BTFX_DIFF_MEMBER_TYPE && path && strlen(path) > 2 &&
		    !strcmp(path + strlen(path) - 2, ".a"))
			leaves++;
	}
	assert_int_equal(leaves, 64); /* top.u.x.x.x.x.x.a ... top.u.y.y.y.y.y.a */
	btfx_diff_free(d);

	assert_null(btfx_diff_new(deep, deep, NULL, &err));
	assert_int_equal(err.code, BTFX_E_LIMIT);
	assert_non_null(strstr(err.msg, "top"));
	d = btfx_diff_new(deep, old, NULL, &err); /* flattened on one side only: still too many */
	assert_null(d);
	assert_int_equal(err.code, BTFX_E_LIMIT);
	btfx_free(old);
	btfx_free(new);
	btfx_free(deep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff__shared_anonymous_dag),
		cmocka_unit_test_setup_teardown(test_diff__struct_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_diff__other_kinds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_diff__duplicates_not_merged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_diff__identity_and_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_diff__sorted_and_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_diff__for_relos, setup, teardown),
	};
	return cmocka_run_group_tests_name("diff", tests, NULL, NULL);
}
