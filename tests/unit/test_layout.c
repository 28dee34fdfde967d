// SPDX-License-Identifier: BSD-2-Clause
/* Unit tests: struct/union layout as data and C declarations (libbtfx/layout.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "btfx/btfx.h"
#include "btfx/layout.h"

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
 * struct s {                       offset  size
 *	char c;                       0       1     + 3 bytes hole
 *	int i;                        4       4
 *	unsigned int f1:3;            8:0     4     (kflag bitfields)
 *	unsigned int f2:4;            8:3     4     + 25 bits hole
 *	long l;                      16       8     (after a 4-byte hole)
 *	union { int x; long y; };    24       8     anonymous
 *	char tail[2];                32       2     + 6 bytes padding
 * };  size 40
 */
struct fx {
	struct bb b;
	struct btfx *btf;
	uint32_t s, chr, i32, u32, i64, anon, arr, ptr, fproto, fptr, cptr;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct bb *b = &f->b;

	bb_init(b);
	f->chr = bb_int(b, "char", 1, BTFX_INT_SIGNED);
	f->i32 = bb_int(b, "int", 4, BTFX_INT_SIGNED);
	f->u32 = bb_int(b, "unsigned int", 4, 0);
	f->i64 = bb_int(b, "long", 8, BTFX_INT_SIGNED);
	f->anon = bb_comp(b, BTFX_KIND_UNION, NULL, 8, false);
	bb_member(b, "x", f->i32, 0, 0);
	bb_member(b, "y", f->i64, 0, 0);
	f->arr = bb_array(b, f->chr, f->i32, 2);
	f->s = bb_comp(b, BTFX_KIND_STRUCT, "s", 40, true);
	bb_member(b, "c", f->chr, 0, 0);
	bb_member(b, "i", f->i32, 32, 0);
	bb_member(b, "f1", f->u32, 64, 3);
	bb_member(b, "f2", f->u32, 67, 4);
	bb_member(b, "l", f->i64, 128, 0);
	bb_member(b, NULL, f->anon, 192, 0);
	bb_member(b, "tail", f->arr, 256, 0);
	f->ptr = bb_ref(b, BTFX_KIND_PTR, NULL, f->s);
	f->fproto = bb_proto(b, 0);
	bb_param(b, "a", f->i32);
	bb_param(b, "p", f->ptr);
	f->fptr = bb_ref(b, BTFX_KIND_PTR, NULL, f->fproto);
	{
		uint32_t cc = bb_ref(b, BTFX_KIND_CONST, NULL, f->chr);
		f->cptr = bb_ref(b, BTFX_KIND_PTR, NULL, cc);
	}
	f->btf = bb_parse(b);
	if (!f->btf) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	btfx_free(f->btf);
	free(f);
	return 0;
}

static const struct btfx_lay_item *find(const struct btfx_record_layout *l, unsigned kind, const char *name, int nth)
{
	for (size_t i = 0; i < l->nr_items; i++) {
		const struct btfx_lay_item *it = &l->items[i];
		if (it->kind != kind)
			continue;
		if (name && (!it->name || strcmp(it->name, name)))
			continue;
		if (nth-- == 0)
			return it;
	}
	return NULL;
}

static void test_layout__members_holes_bitfields(void **state)
{
	struct fx *f = *state;
	struct btfx_error err;
	struct btfx_record_layout *l = btfx_record_layout_new(f->btf, f->s, NULL, &err);
	const struct btfx_lay_item *it;

	assert_non_null(l);
	assert_int_equal(l->size, 40);
	assert_false(l->is_union);
	assert_int_equal(l->nr_members, 7);
	it = find(l, BTFX_LAY_MEMBER, "i", 0);
	assert_non_null(it);
	assert_int_equal(it->offset, 4);
	assert_int_equal(it->size, 4);
	it = find(l, BTFX_LAY_MEMBER, "f2", 0);
	assert_non_null(it);
	assert_true(it->flags & BTFX_LAY_F_BITFIELD);
	assert_int_equal(it->offset, 8);
	assert_int_equal(it->bit_pos, 3);
	assert_int_equal(it->bit_size, 4);
	assert_int_equal(it->size, 4);
	/* holes: 3 bytes after c, 25 bits + 4 bytes after f2 */
	it = find(l, BTFX_LAY_HOLE, NULL, 0);
	assert_non_null(it);
	assert_int_equal(it->size, 3);
	assert_int_equal(it->offset, 1);
	it = find(l, BTFX_LAY_BIT_HOLE, NULL, 0);
	assert_non_null(it);
	assert_int_equal(it->size, 25);
	it = find(l, BTFX_LAY_HOLE, NULL, 1);
	assert_non_null(it);
	assert_int_equal(it->size, 4);
	assert_int_equal(it->offset, 12);
	assert_int_equal(l->nr_holes, 2);
	assert_int_equal(l->sum_holes, 7);
	assert_int_equal(l->nr_bit_holes, 1);
	assert_int_equal(l->sum_bit_holes, 25);
	assert_int_equal(l->padding, 6);
	assert_int_equal(l->sum_bitfields, 7);
	/* every byte accounted for */
	assert_int_equal(l->size * 8, 8 * (l->sum_members + l->sum_holes + l->padding) + l->sum_bitfields +
					      l->sum_bit_holes + l->bit_padding);
	btfx_record_layout_free(l);
}

static void test_layout__anonymous_union_inline(void **state)
{
	struct fx *f = *state;
	struct btfx_record_layout *l = btfx_record_layout_new(f->btf, f->s, NULL, NULL);
	const struct btfx_lay_item *open, *close, *y;

	assert_non_null(l);
	open = find(l, BTFX_LAY_OPEN, NULL, 0);
	close = find(l, BTFX_LAY_CLOSE, NULL, 0);
	y = find(l, BTFX_LAY_MEMBER, "y", 0);
	assert_non_null(open);
	assert_non_null(close);
	assert_non_null(y);
	assert_true(open->flags & BTFX_LAY_F_UNION);
	assert_null(open->name);
	assert_int_equal(open->offset, 24);
	assert_int_equal(close->size, 8);
	assert_true(open < y && y < close);
	assert_int_equal(y->depth, 1);
	assert_int_equal(y->offset, 24); /* absolute, like pahole */
	btfx_record_layout_free(l);
}

static void test_layout__cachelines(void **state)
{
	struct fx *f = *state;
	struct btfx_layout_opts o = { .sz = sizeof(o), .cacheline_size = 16 };
	struct btfx_record_layout *l = btfx_record_layout_new(f->btf, f->s, &o, NULL);
	const struct btfx_lay_item *cl;

	assert_non_null(l);
	assert_int_equal(l->nr_cachelines, 3);
	cl = find(l, BTFX_LAY_CACHELINE, NULL, 0);
	assert_non_null(cl);
	assert_int_equal(cl->size, 1);
	assert_int_equal(cl->offset, 16);
	assert_string_equal((cl + 1)->name, "l"); /* boundary before the member starting in it */
	cl = find(l, BTFX_LAY_CACHELINE, NULL, 1);
	assert_non_null(cl);
	assert_int_equal(cl->size, 2);
	btfx_record_layout_free(l);
}

static void test_layout__rejects_non_composite(void **state)
{
	struct fx *f = *state;
	struct btfx_error err;

	assert_null(btfx_record_layout_new(f->btf, f->i32, NULL, &err));
	assert_int_equal(err.code, BTFX_E_USAGE);
	assert_null(btfx_record_layout_new(f->btf, 99999, NULL, &err));
	assert_int_equal(err.code, BTFX_E_USAGE);
	btfx_record_layout_free(NULL);
}

static void test_layout__type_decl(void **state)
{
	struct fx *f = *state;
	char buf[128];
	size_t split = 0, n;

	n = btfx_type_decl(f->btf, f->ptr, "next", buf, sizeof(buf), &split);
	assert_string_equal(buf, "struct s *next");
	assert_int_equal(n, strlen(buf));
	assert_string_equal(buf + split, "next");
	btfx_type_decl(f->btf, f->ptr, NULL, buf, sizeof(buf), NULL);
	assert_string_equal(buf, "struct s *");
	btfx_type_decl(f->btf, f->arr, "cb", buf, sizeof(buf), &split);
	assert_string_equal(buf, "char cb[2]");
	assert_string_equal(buf + split, "cb[2]");
	btfx_type_decl(f->btf, f->fptr, "fn", buf, sizeof(buf), &split);
	assert_string_equal(buf, "void (*fn)(int, struct s *)");
	assert_string_equal(buf + split, "(*fn)(int, struct s *)");
	btfx_type_decl(f->btf, f->cptr, "p", buf, sizeof(buf), NULL);
	assert_string_equal(buf, "const char *p");
	btfx_type_decl(f->btf, f->anon, NULL, buf, sizeof(buf), NULL);
	assert_string_equal(buf, "union {...}");
	/* truncation: snprintf contract */
	n = btfx_type_decl(f->btf, f->fptr, "fn", buf, 5, NULL);
	assert_int_equal(n, strlen("void (*fn)(int, struct s *)"));
	assert_string_equal(buf, "void");
	btfx_type_decl(f->btf, 0, NULL, buf, sizeof(buf), NULL);
	assert_string_equal(buf, "void");
}

/* every struct and union of the running kernel: the accounting identity
 * holds and members never start past the end */
static void test_layout__kernel_identity(void **state)
{
	struct btfx_error err;
	struct btfx *btf = btfx_open("/sys/kernel/btf/vmlinux", NULL, &err);
	size_t n = 0;

	(void)state;
	if (!btf)
		skip();
	for (uint32_t id = 1; id < btfx_type_cnt(btf); id++) {
		const struct btfx_type *t = btfx_type_by_id(btf, id);
		struct btfx_record_layout *l;
		if (btfx_kind(t) != BTFX_KIND_STRUCT)
			continue;
		l = btfx_record_layout_new(btf, id, NULL, &err);
		assert_non_null(l);
		if (l->size * 8 != 8 * (l->sum_members + l->sum_holes + l->padding) + l->sum_bitfields +
					   l->sum_bit_holes + l->bit_padding)
			fail_msg("[%u] %s: layout totals do not add up to %llu bytes", id, l->name ? l->name : "(anon)",
				 (unsigned long long)l->size);
		for (size_t i = 0; i < l->nr_items; i++)
			if (l->items[i].kind == BTFX_LAY_MEMBER && !l->items[i].depth && l->items[i].offset > l->size)
				fail_msg("[%u]: member past the end", id);
		btfx_record_layout_free(l);
		n++;
	}
	assert_true(n > 1000);
	btfx_free(btf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_layout__members_holes_bitfields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_layout__anonymous_union_inline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_layout__cachelines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_layout__rejects_non_composite, setup, teardown),
		cmocka_unit_test_setup_teardown(test_layout__type_decl, setup, teardown),
		cmocka_unit_test(test_layout__kernel_identity),
	};
	return cmocka_run_group_tests_name("layout", tests, NULL, NULL);
}
