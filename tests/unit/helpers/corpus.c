// SPDX-License-Identifier: BSD-2-Clause
/* Crafted BTF cases: robustness.md section 6 items 1-31, positives, kernel probes. */
#include "corpus.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf_builder.h"

#define CASE(fn) static uint8_t *fn(size_t *sz)

static uint8_t *emit_free(struct bb *b, size_t *sz)
{
	uint8_t *p = bb_emit_simple(b, sz);
	bb_free(b);
	return p;
}

static uint8_t *emit_opts_free(struct bb *b, const struct bb_emit_opts *o, size_t *sz)
{
	uint8_t *p = bb_emit(b, o, sz);
	bb_free(b);
	return p;
}

/* V emitted, then one header field overridden */
static uint8_t *v_hdr(enum bb_hdr_field f, uint32_t v, size_t *sz)
{
	struct bb_emit_opts o = BB_EMIT_DEFAULT;
	o.override_mask = BB_OV(f);
	o.override[f] = v;
	return emit_opts_free(bb_seed_v(), &o, sz);
}

/* Assemble header (hdr_len bytes, magic/version/hdr_len set, rest zero) + parts. */
static uint8_t *assemble(uint32_t hdr_len, const void *p1, size_t l1, const void *p2, size_t l2, const void *p3,
			 size_t l3, size_t *sz)
{
	size_t n = hdr_len + l1 + l2 + l3;
	uint8_t *blob = calloc(1, n ? n : 1);

	if (!blob)
		abort();
	bb_hdr_set(blob, BB_MAGIC, BTFX_MAGIC);
	bb_hdr_set(blob, BB_VERSION, 1);
	bb_hdr_set(blob, BB_HDR_LEN, hdr_len);
	memcpy(blob + hdr_len, p1, l1);
	if (l2)
		memcpy(blob + hdr_len + l1, p2, l2);
	if (l3)
		memcpy(blob + hdr_len + l1 + l2, p3, l3);
	*sz = n;
	return blob;
}

/* ================================================================ positives */

CASE(p_seed_v) { return bb_seed_v_blob(sz); }

CASE(p_hdr40_zero_tail)
{
	struct bb_emit_opts o = BB_EMIT_DEFAULT;
	o.hdr_len = 40;
	return emit_opts_free(bb_seed_v(), &o, sz);
}

CASE(p_struct_self_ptr)
{
	struct bb *b = bb_new();
	bb_struct(b, "s", 8);
	bb_member(b, "p", 2, 0);
	bb_ptr(b, 1);
	return emit_free(b, sz);
}

/* [1] INT; [2..n+1] TYPEDEF td_i -> next id (forward refs, so resolving [2]
 * walks the whole chain); the last -> [1]. */
static uint8_t *typedef_chain(unsigned n, size_t *sz)
{
	struct bb *b = bb_new();
	char nm[16];

	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);
	for (unsigned i = 0; i < n; i++) {
		snprintf(nm, sizeof(nm), "td%u", i);
		bb_typedef(b, nm, i + 1 == n ? 1 : 3 + i);
	}
	return emit_free(b, sz);
}

CASE(p_typedef_chain_32) { return typedef_chain(32, sz); }
CASE(n20_typedef_chain_33) { return typedef_chain(33, sz); }

static struct bb *v_with_layout(unsigned nkinds)
{
	struct bb *b = bb_seed_v();
	bb_layout_default(b, nkinds);
	return b;
}

CASE(p_layout_valid) { return emit_free(v_with_layout(20), sz); }

CASE(p_layout_kind20)
{
	struct bb *b = v_with_layout(21);
	const uint32_t w[5] = { 0x11, 1, 2, 3, 4 };

	bb_layout_set(b, 20, 4, 8, 0);
	bb_kind(b, bb_str(b, "k20"), 20, 2, false, 7, w, 5); /* [9] opaque */
	bb_ptr(b, 3);                                       /* [10] framed after it */
	return emit_free(b, sz);
}

CASE(p_swapped_v)
{
	uint8_t *blob = bb_seed_v_blob(sz);
	if (bb_swap_blob(blob, *sz))
		abort();
	return blob;
}

CASE(p_swapped_layout_kind20)
{
	uint8_t *blob = p_layout_kind20(sz);
	if (bb_swap_blob(blob, *sz))
		abort();
	return blob;
}

/* every kind 1..19, valid */
static struct bb *every_kind(void)
{
	struct bb *b = bb_new();

	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);   /* [1] */
	bb_ptr(b, 4);                                  /* [2] */
	bb_array(b, 1, 1, 4);                          /* [3] */
	bb_struct(b, "st", 32);                        /* [4] */
	bb_member(b, "a", 1, 0);
	bb_member(b, "arr", 3, 32);
	bb_member(b, "next", 2, 192);
	bb_union(b, "un", 4);                          /* [5] */
	bb_member(b, "i", 1, 0);
	bb_member(b, "e", 6, 0);
	bb_enum(b, "en", 4, true);                     /* [6] */
	bb_enum_val(b, "E_A", -1);
	bb_enum_val(b, "E_B", 7);
	bb_fwd(b, "fw", false);                        /* [7] */
	bb_typedef(b, "td", 10);                       /* [8] */
	bb_volatile(b, 1);                             /* [9] */
	bb_const(b, 9);                                /* [10] */
	bb_restrict(b, 2);                             /* [11] */
	bb_func(b, "fn", 13, BTFX_LINKAGE_STATIC);     /* [12] */
	bb_proto(b, 1);                                /* [13] */
	bb_param(b, "x", 8);
	bb_param(b, "y", 11);
	bb_var(b, "gv", 4, 1);                         /* [14] */
	bb_datasec(b, ".bss", 64);                     /* [15] */
	bb_secinfo(b, 14, 0, 32);
	bb_float(b, "double", 8);                      /* [16] */
	bb_decl_tag(b, "tag", 4, 1);                   /* [17] */
	bb_type_tag(b, "user", 1);                     /* [18] */
	bb_enum64(b, "e64", 8, false);                 /* [19] */
	bb_enum64_val(b, "BIG", 0x100000000ull);
	bb_ptr(b, 18);                                 /* [20] ptr -> type_tag */
	bb_ptr(b, 7);                                  /* [21] ptr -> fwd */
	bb_ptr(b, 13);                                 /* [22] ptr -> proto */
	return b;
}

CASE(p_every_kind) { return emit_free(every_kind(), sz); }

CASE(p_decl_tag_kflag)
{
	struct bb *b = bb_seed_v();
	uint32_t id = bb_decl_tag(b, "attr", 3, -1);
	bb_set_kflag(b, id, true);
	return emit_free(b, sz);
}

/* ================================================================ 1.1 header */

CASE(n01_short_7)
{
	uint8_t *blob = bb_seed_v_blob(sz);
	*sz = 7;
	return realloc(blob, 7);
}

CASE(n01_empty)
{
	*sz = 0;
	return malloc(1);
}

CASE(n02_hdr_past_end)
{
	uint8_t *blob = bb_seed_v_blob(sz);
	bb_hdr_set(blob, BB_HDR_LEN, (uint32_t)*sz + 4);
	return blob;
}

CASE(n03_hdr_tail_nonzero)
{
	struct bb_emit_opts o = BB_EMIT_DEFAULT;
	uint8_t *blob;

	o.hdr_len = 40;
	blob = emit_opts_free(bb_seed_v(), &o, sz);
	blob[35] = 1;
	return blob;
}

CASE(n04_magic_swapped_only) { return v_hdr(BB_MAGIC, 0x9feb, sz); }
CASE(n04_magic_bad) { return v_hdr(BB_MAGIC, 0xeb9e, sz); }
CASE(n05_version2) { return v_hdr(BB_VERSION, 2, sz); }
CASE(n05_flags1) { return v_hdr(BB_FLAGS, 1, sz); }

CASE(n08_no_data)
{
	uint8_t *blob = bb_seed_v_blob(sz);
	*sz = 24;
	return realloc(blob, 24);
}

/* ================================================================ 1.2 sections */

CASE(n06_str_off_wrap)
{
	uint8_t *blob = bb_seed_v_blob(sz);
	bb_hdr_set(blob, BB_STR_OFF, 0xfffffff0u);
	bb_hdr_set(blob, BB_STR_LEN, 0x20);
	return blob;
}

CASE(n07_type_off_2) { return v_hdr(BB_TYPE_OFF, 2, sz); }

/* strings first (2 bytes: "\0\0"), then an unaligned type section that tiles */
CASE(n07_type_off_unaligned_tiled)
{
	struct bb *b = bb_seed_v();
	uint8_t *blob, strs[2] = { 0, 0 };
	uint32_t tl = bb_types_len(b);

	/* names all point at offset 0 = "" ... only INT/struct/enum may be anonymous,
	 * but the section check comes first anyway */
	blob = assemble(24, strs, 2, bb_types_data(b), tl, NULL, 0, sz);
	bb_hdr_set(blob, BB_STR_OFF, 0);
	bb_hdr_set(blob, BB_STR_LEN, 2);
	bb_hdr_set(blob, BB_TYPE_OFF, 2);
	bb_hdr_set(blob, BB_TYPE_LEN, tl);
	bb_free(b);
	return blob;
}

CASE(n08_str_overlaps_types)
{
	uint8_t *blob = bb_seed_v_blob(sz);
	uint32_t tl = bb_hdr_get(blob, BB_TYPE_LEN);
	bb_hdr_set(blob, BB_STR_OFF, tl - 4);
	bb_hdr_set(blob, BB_STR_LEN, bb_hdr_get(blob, BB_STR_LEN) + 4);
	return blob;
}

CASE(n09_trailing_junk)
{
	uint8_t *blob = bb_seed_v_blob(sz);
	blob = realloc(blob, *sz + 4);
	memcpy(blob + *sz, "junk", 4);
	*sz += 4;
	return blob;
}

CASE(n09_gap_before_strings)
{
	struct bb *b = bb_seed_v();
	uint32_t tl = bb_types_len(b);
	size_t vsz;
	uint8_t *v = bb_emit_simple(b, &vsz), *blob;

	blob = assemble(24, v + 24, tl, "gap!", 4, v + 24 + tl, vsz - 24 - tl, sz);
	bb_hdr_set(blob, BB_TYPE_LEN, tl);
	bb_hdr_set(blob, BB_STR_OFF, tl + 4);
	bb_hdr_set(blob, BB_STR_LEN, (uint32_t)(vsz - 24 - tl));
	free(v);
	bb_free(b);
	return blob;
}

CASE(n09_len_past_end)
{
	uint8_t *blob = bb_seed_v_blob(sz);
	bb_hdr_set(blob, BB_STR_LEN, bb_hdr_get(blob, BB_STR_LEN) + 1);
	return blob;
}

/* ================================================================ 1.3 strings */

CASE(n10_str_last_not_nul)
{
	uint8_t *blob = bb_seed_v_blob(sz);
	blob[*sz - 1] = 'x';
	return blob;
}

CASE(n11_str_first_not_nul)
{
	uint8_t *blob = bb_seed_v_blob(sz);
	blob[24 + bb_hdr_get(blob, BB_STR_OFF)] = 'x';
	return blob;
}

CASE(n15_str_empty)
{
	uint8_t *blob = bb_seed_v_blob(sz);
	uint32_t sl = bb_hdr_get(blob, BB_STR_LEN);
	bb_hdr_set(blob, BB_STR_LEN, 0);
	*sz -= sl;
	return blob;
}

/* ================================================================ 12: name_off */

CASE(n12_name_off_oob)
{
	struct bb *b = bb_seed_v();
	bb_type(b, 1)->name_off = bb_str_len(b);
	return emit_free(b, sz);
}

CASE(n12_name_off_huge)
{
	struct bb *b = bb_seed_v();
	bb_type(b, 1)->name_off = 0x1000000;
	return emit_free(b, sz);
}

/* ================================================================ 13: layout */

static uint8_t *layout_blob(uint32_t pad_types, uint32_t layout_len, size_t *sz)
{
	struct bb *b = bb_seed_v();
	uint32_t tl = bb_types_len(b) + pad_types, sl = bb_str_len(b);
	uint8_t *types = calloc(1, tl), *lay = calloc(1, layout_len + 1), *strs;
	size_t vsz;
	uint8_t *v = bb_emit_simple(b, &vsz), *blob;

	memcpy(types, bb_types_data(b), bb_types_len(b));
	strs = v + vsz - sl;
	for (uint32_t i = 0; i + 4 <= layout_len && i / 4 < 20; i += 4) {
		static const uint8_t l[20][2] = { [1] = { 4, 0 }, [3] = { 12, 0 }, [4] = { 0, 12 }, [5] = { 0, 12 },
						  [6] = { 0, 8 }, [13] = { 0, 8 }, [14] = { 4, 0 }, [15] = { 0, 12 },
						  [17] = { 4, 0 }, [19] = { 0, 12 } };
		lay[i] = l[i / 4][0];
		lay[i + 1] = l[i / 4][1];
	}
	blob = calloc(1, 32 + tl + layout_len + sl);
	memcpy(blob, v, 24);
	bb_hdr_set(blob, BB_HDR_LEN, 32);
	bb_hdr_set(blob, BB_TYPE_LEN, tl);
	bb_hdr_set(blob, BB_LAYOUT_OFF, tl);
	bb_hdr_set(blob, BB_LAYOUT_LEN, layout_len);
	bb_hdr_set(blob, BB_STR_OFF, tl + layout_len);
	memcpy(blob + 32, types, tl);
	memcpy(blob + 32 + tl, lay, layout_len);
	memcpy(blob + 32 + tl + layout_len, strs, sl);
	*sz = 32 + tl + layout_len + sl;
	free(types);
	free(lay);
	free(v);
	bb_free(b);
	return blob;
}

CASE(n13_layout_len6) { return layout_blob(0, 6, sz); }
CASE(n13_layout_off2) { return layout_blob(2, 80, sz); }
CASE(n13_layout_len2) { return layout_blob(0, 2, sz); }

CASE(n13_layout_wrong_struct)
{
	struct bb *b = v_with_layout(20);
	bb_layout_set(b, BTFX_KIND_STRUCT, 0, 16, 0);
	return emit_free(b, sz);
}

CASE(n13_layout_unaligned_sizes)
{
	struct bb *b = v_with_layout(21);
	bb_layout_set(b, 20, 2, 0, 0);
	return emit_free(b, sz);
}

/* ================================================================ 1.5 framing */

CASE(n14_struct_cut)
{
	struct bb *b = bb_seed_v();
	struct bb_emit_opts o = BB_EMIT_DEFAULT;
	o.type_len = (int32_t)(bb_type_off(b, 3) + 12 + 4);
	return emit_opts_free(b, &o, sz);
}

CASE(n14_header_cut)
{
	struct bb *b = bb_seed_v();
	struct bb_emit_opts o = BB_EMIT_DEFAULT;
	o.type_len = (int32_t)(bb_type_off(b, 8) + 8);
	return emit_opts_free(b, &o, sz);
}

CASE(n20_type_len_zero)
{
	struct bb *b = bb_seed_v();
	struct bb_emit_opts o = BB_EMIT_DEFAULT;
	o.type_len = 0;
	return emit_opts_free(b, &o, sz);
}

static uint8_t *v_kind8(unsigned kind, size_t *sz)
{
	struct bb *b = bb_seed_v();
	struct btfx_type *t = bb_type(b, 8);
	t->info = bb_info(kind, btfx_vlen(t), false);
	return emit_free(b, sz);
}

CASE(n15_kind0) { return v_kind8(0, sz); }
CASE(n15_kind25) { return v_kind8(25, sz); }
CASE(n15_kind20) { return v_kind8(20, sz); }

CASE(n16_info_bit20)
{
	struct bb *b = bb_seed_v();
	bb_type(b, 1)->info |= 1u << 20;
	return emit_free(b, sz);
}

CASE(n16_info_bit29)
{
	struct bb *b = bb_seed_v();
	bb_type(b, 2)->info |= 1u << 29;
	return emit_free(b, sz);
}

/* ================================================================ 17-20 refs, loops, depth */

CASE(n17_ptr_max_type)
{
	struct bb *b = bb_seed_v();
	bb_type(b, 2)->type = 0x100000;
	return emit_free(b, sz);
}

CASE(n17_ptr_nr_types)
{
	struct bb *b = bb_seed_v();
	bb_type(b, 2)->type = 9;
	return emit_free(b, sz);
}

CASE(n18_ptr_self)
{
	struct bb *b = bb_seed_v();
	bb_type(b, 2)->type = 2;
	return emit_free(b, sz);
}

CASE(n18_const_volatile_loop)
{
	struct bb *b = bb_seed_v();
	bb_const(b, 10);    /* [9] */
	bb_volatile(b, 9);  /* [10] */
	return emit_free(b, sz);
}

CASE(n19_struct_embeds_self)
{
	struct bb *b = bb_seed_v();
	bb_words(b, 3)[1] = 3; /* member a: type [3] */
	return emit_free(b, sz);
}

/* ================================================================ 21 INT */

static uint8_t *v_int1(uint32_t size, uint32_t int_data, size_t *sz)
{
	struct bb *b = bb_seed_v();
	bb_type(b, 1)->size = size;
	bb_words(b, 1)[0] = int_data;
	return emit_free(b, sz);
}

CASE(n21_int_bits_gt_size) { return v_int1(2, BTFX_INT_SIGNED << 24 | 32, sz); }
CASE(n21_int_encoding3) { return v_int1(4, 3u << 24 | 32, sz); }
CASE(n21_int_bits_129) { return v_int1(16, 1u << 16 | 128, sz); }
CASE(n21_int_data_high) { return v_int1(4, 0x10000020, sz); }

/* ================================================================ 22 ARRAY */

CASE(n22_array_overflow)
{
	struct bb *b = bb_seed_v();
	bb_array(b, 1, 1, 0x40000001);
	return emit_free(b, sz);
}

CASE(n22_array_index0)
{
	struct bb *b = bb_seed_v();
	bb_array(b, 1, 0, 4);
	return emit_free(b, sz);
}

CASE(n22_array_index_3bit)
{
	struct bb *b = bb_seed_v();
	bb_int(b, "u3", 1, 0, 0, 3); /* [9] */
	bb_array(b, 1, 9, 4);        /* [10] */
	return emit_free(b, sz);
}

/* ================================================================ 23-24 members */

CASE(n23_member_decreasing)
{
	struct bb *b = bb_seed_v();
	bb_words(b, 3)[2] = 64; /* a @64 */
	bb_words(b, 3)[5] = 0;  /* p @0 */
	return emit_free(b, sz);
}

CASE(n23_member_past_size)
{
	struct bb *b = bb_seed_v();
	bb_words(b, 3)[5] = 17 * 8;
	return emit_free(b, sz);
}

CASE(n23_union_bit8)
{
	struct bb *b = bb_seed_v();
	struct btfx_type *t = bb_type(b, 3);
	t->info = bb_info(BTFX_KIND_UNION, 2, false);
	bb_words(b, 3)[5] = 8;
	return emit_free(b, sz);
}

CASE(n23_member_exceeds_struct)
{
	struct bb *b = bb_seed_v();
	bb_type(b, 3)->size = 12; /* p @8 is 8 bytes */
	return emit_free(b, sz);
}

CASE(n24_kflag_int_bf40)
{
	struct bb *b = bb_seed_v();
	bb_set_kflag(b, 3, true);
	bb_words(b, 3)[2] = 40u << 24 | 0;
	return emit_free(b, sz);
}

CASE(n24_kflag_ptr_bf1)
{
	struct bb *b = bb_seed_v();
	bb_set_kflag(b, 3, true);
	bb_words(b, 3)[5] = 1u << 24 | 64;
	return emit_free(b, sz);
}

/* ================================================================ 25 ENUM */

CASE(n25_enum_size3)
{
	struct bb *b = bb_seed_v();
	bb_type(b, 8)->size = 3;
	return emit_free(b, sz);
}

CASE(n25_enumerator_noname)
{
	struct bb *b = bb_seed_v();
	bb_words(b, 8)[0] = 0;
	return emit_free(b, sz);
}

/* ================================================================ 26-27 FUNC / FUNC_PROTO */

CASE(n26_func_to_int)
{
	struct bb *b = bb_seed_v();
	bb_type(b, 5)->type = 1;
	return emit_free(b, sz);
}

CASE(n26_func_extern)
{
	struct bb *b = bb_seed_v();
	bb_type(b, 5)->info = bb_info(BTFX_KIND_FUNC, BTFX_LINKAGE_EXTERN, false);
	return emit_free(b, sz);
}

CASE(n26_unnamed_param)
{
	struct bb *b = bb_seed_v();
	bb_words(b, 4)[0] = 0;
	return emit_free(b, sz);
}

CASE(n27_proto_mid_void)
{
	struct bb *b = bb_seed_v();
	bb_proto(b, 1); /* [9] */
	bb_param(b, "x", 1);
	bb_param(b, NULL, 0);
	bb_param(b, "z", 1);
	return emit_free(b, sz);
}

CASE(n27_named_vararg)
{
	struct bb *b = bb_seed_v();
	bb_proto(b, 1); /* [9] */
	bb_param(b, "x", 1);
	bb_param(b, "y", 0);
	return emit_free(b, sz);
}

CASE(p27_vararg)
{
	struct bb *b = bb_seed_v();
	bb_proto(b, 1); /* [9] */
	bb_param(b, "x", 1);
	bb_param(b, NULL, 0);
	bb_func(b, "vf", 9, 0);
	return emit_free(b, sz);
}

/* ================================================================ 28 DATASEC */

CASE(n28_vsi_off4)
{
	struct bb *b = bb_seed_v();
	bb_words(b, 7)[1] = 4;
	return emit_free(b, sz);
}

CASE(n28_vsi_size0)
{
	struct bb *b = bb_seed_v();
	bb_words(b, 7)[2] = 0;
	return emit_free(b, sz);
}

CASE(n28_vsi_overlap)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32); /* [1] */
	bb_var(b, "v", 1, 1);                        /* [2] */
	bb_var(b, "w", 1, 1);                        /* [3] */
	bb_datasec(b, ".data", 8);                   /* [4] */
	bb_secinfo(b, 2, 0, 4);
	bb_secinfo(b, 3, 2, 4);
	return emit_free(b, sz);
}

CASE(n28_vsi_to_int)
{
	struct bb *b = bb_seed_v();
	bb_words(b, 7)[0] = 1;
	return emit_free(b, sz);
}

CASE(n28_empty_name)
{
	struct bb *b = bb_seed_v();
	bb_type(b, 7)->name_off = 0;
	return emit_free(b, sz);
}

/* name_off pointing at the terminating NUL of "int" (regression test for the
 * kernel's empty-DATASEC-name OOB read) */
CASE(n28_empty_name_nonzero_off)
{
	struct bb *b = bb_seed_v();
	bb_type(b, 7)->name_off = bb_type(b, 1)->name_off + 3;
	return emit_free(b, sz);
}

CASE(n28_size0)
{
	struct bb *b = bb_seed_v();
	bb_type(b, 7)->size = 0;
	return emit_free(b, sz);
}

CASE(n28_vsi_size_lt_var)
{
	struct bb *b = bb_new();
	bb_int(b, "long", 8, BTFX_INT_SIGNED, 0, 64); /* [1] */
	bb_datasec(b, ".data", 8);                    /* [2] resolved before its var */
	bb_secinfo(b, 4, 0, 4);
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);  /* [3] */
	bb_var(b, "v", 1, 1);                         /* [4] */
	bb_var(b, "w", 1, 1);                         /* [5] */
	bb_datasec(b, ".bss", 8);                     /* [6] var resolved already: checked */
	bb_secinfo(b, 5, 0, 4);
	return emit_free(b, sz);
}

/* ================================================================ 29 DECL_TAG */

CASE(n29_decl_tag_to_ptr)
{
	struct bb *b = bb_seed_v();
	bb_decl_tag(b, "t", 2, -1);
	return emit_free(b, sz);
}

CASE(n29_decl_tag_cidx_m2)
{
	struct bb *b = bb_seed_v();
	bb_decl_tag(b, "t", 3, -2);
	return emit_free(b, sz);
}

CASE(n29_decl_tag_cidx_vlen)
{
	struct bb *b = bb_seed_v();
	bb_decl_tag(b, "t", 3, 2);
	return emit_free(b, sz);
}

CASE(n29_decl_tag_empty)
{
	struct bb *b = bb_seed_v();
	bb_decl_tag(b, NULL, 3, -1);
	return emit_free(b, sz);
}

CASE(n29_decl_tag_var_cidx0)
{
	struct bb *b = bb_seed_v();
	bb_decl_tag(b, "t", 6, 0);
	return emit_free(b, sz);
}

CASE(p29_decl_tag_func_param)
{
	struct bb *b = bb_seed_v();
	bb_decl_tag(b, "t", 5, 0);
	return emit_free(b, sz);
}

/* ================================================================ 30 names */

CASE(n30_const_named)
{
	struct bb *b = bb_seed_v();
	bb_raw(b, bb_str(b, "c"), bb_info(BTFX_KIND_CONST, 0, false), 1);
	return emit_free(b, sz);
}

CASE(n30_typedef_1bad)
{
	struct bb *b = bb_seed_v();
	bb_typedef(b, "1bad", 1);
	return emit_free(b, sz);
}

CASE(n30_fwd_type)
{
	struct bb *b = bb_seed_v();
	uint32_t id = bb_fwd(b, "fw", false);
	bb_type(b, id)->type = 1;
	return emit_free(b, sz);
}

CASE(n30_typedef_anon)
{
	struct bb *b = bb_seed_v();
	bb_typedef(b, NULL, 1);
	return emit_free(b, sz);
}

/* ================================================================ 31 limits */

CASE(n31_blob_16m_plus_1)
{
	struct bb *b = bb_seed_v();
	size_t vsz;
	uint8_t *v = bb_emit_simple(b, &vsz), *blob;
	size_t want = (16u << 20) + 1, pad = want - vsz;

	blob = calloc(1, want);
	memcpy(blob, v, vsz);
	/* pad the string section with NULs (valid empty strings) */
	bb_hdr_set(blob, BB_STR_LEN, bb_hdr_get(blob, BB_STR_LEN) + (uint32_t)pad);
	*sz = want;
	free(v);
	bb_free(b);
	return blob;
}

static uint8_t *n_types(uint32_t n, size_t *sz)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);
	for (uint32_t i = 1; i < n; i++)
		bb_ptr(b, 1);
	return emit_free(b, sz);
}

CASE(n31_types_0x100000) { return n_types(0x100000, sz); }
CASE(n31_types_0xfffff) { return n_types(0xfffff, sz); }
CASE(p31_types_0xffffe) { return n_types(0xffffe, sz); }

/* the kernel drops types past id 0xffffe; referencing one is invalid */
CASE(k_types_ref_past_limit)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);
	bb_ptr(b, 0xfffff);
	for (uint32_t i = 2; i < 0xfffff; i++)
		bb_ptr(b, 1);
	return emit_free(b, sz);
}

/* ================================================================ kernel probes */

/* valid V with the string section first and the types after it */
CASE(k_strings_first)
{
	struct bb *b = bb_seed_v();
	uint8_t zero[4] = { 0 }, *blob, *v;
	size_t vsz;
	uint32_t tl, sl;

	bb_str_raw(b, zero, (4 - bb_str_len(b) % 4) % 4);
	v = bb_emit_simple(b, &vsz);
	tl = bb_types_len(b);
	sl = bb_str_len(b);
	blob = assemble(24, v + 24 + tl, sl, v + 24, tl, NULL, 0, sz);
	bb_hdr_set(blob, BB_STR_OFF, 0);
	bb_hdr_set(blob, BB_STR_LEN, sl);
	bb_hdr_set(blob, BB_TYPE_OFF, sl);
	bb_hdr_set(blob, BB_TYPE_LEN, tl);
	free(v);
	bb_free(b);
	return blob;
}

static uint8_t *v_hdrlen(uint32_t hdr_len, int poke, size_t *sz)
{
	struct bb_emit_opts o = BB_EMIT_DEFAULT;
	uint8_t *blob;
	o.hdr_len = hdr_len;
	blob = emit_opts_free(bb_seed_v(), &o, sz);
	if (poke >= 0)
		blob[poke] = 1;
	return blob;
}

CASE(k_hdr28_zero) { return v_hdrlen(28, -1, sz); }
CASE(k_hdr25_zero) { return v_hdrlen(25, -1, sz); }
CASE(k_hdr26_zero) { return v_hdrlen(26, -1, sz); }
CASE(k_hdr28_nonzero_25) { return v_hdrlen(28, 25, sz); }
CASE(k_hdr25_nonzero_24) { return v_hdrlen(25, 24, sz); }
CASE(k_hdr32_nonzero_layout_off) { return v_hdrlen(32, 24, sz); }
CASE(k_hdr_len_20)
{
	uint8_t *blob = bb_seed_v_blob(sz);
	bb_hdr_set(blob, BB_HDR_LEN, 20);
	return blob;
}

/* DATASEC resolve resets the mode to TBD in the kernel: after var a -> PTR
 * switched the mode to PTR, var b -> TYPEDEF must still be pushed. */
CASE(k_datasec_mode_reset)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32); /* [1] */
	bb_datasec(b, ".data", 16);                  /* [2] */
	bb_secinfo(b, 3, 0, 8);
	bb_secinfo(b, 5, 8, 4);
	bb_var(b, "a", 4, 0);                        /* [3] */
	bb_ptr(b, 1);                                /* [4] */
	bb_var(b, "b", 6, 0);                        /* [5] */
	bb_typedef(b, "td", 1);                      /* [6] */
	return emit_free(b, sz);
}

/* vsi offset + size computed in u32 by the kernel */
CASE(k_datasec_u32_wrap)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);
	bb_var(b, "v", 1, 0);
	bb_datasec(b, ".data", 0xffffffffu);
	bb_secinfo(b, 2, 0x80000000u, 0x80000000u);
	return emit_free(b, sz);
}

CASE(k_datasec_u32_wrap2)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);
	bb_var(b, "v", 1, 0);
	bb_var(b, "w", 1, 0);
	bb_datasec(b, ".data", 0xfffffff0u);
	bb_secinfo(b, 2, 0xffffff00u, 0x100u);
	bb_secinfo(b, 3, 0, 4);
	return emit_free(b, sz);
}

/* special struct fields (btf_parse_struct_metas) */
CASE(k_two_spin_locks)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);
	bb_struct(b, "bpf_spin_lock", 4);
	bb_member(b, "val", 1, 0);
	bb_struct(b, "foo", 8);
	bb_member(b, "a", 2, 0);
	bb_member(b, "b", 2, 32);
	return emit_free(b, sz);
}

CASE(k_one_spin_lock)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);
	bb_struct(b, "bpf_spin_lock", 4);
	bb_member(b, "val", 1, 0);
	bb_struct(b, "foo", 8);
	bb_member(b, "a", 1, 0);
	bb_member(b, "l", 2, 32);
	return emit_free(b, sz);
}

CASE(k_list_head_no_contains)
{
	struct bb *b = bb_new();
	bb_int(b, "long", 8, BTFX_INT_SIGNED, 0, 64);
	bb_struct(b, "bpf_list_head", 16);
	bb_member(b, "a", 1, 0);
	bb_member(b, "b", 1, 64);
	bb_struct(b, "foo", 16);
	bb_member(b, "h", 2, 0);
	return emit_free(b, sz);
}

CASE(k_list_head_contains_ok)
{
	struct bb *b = bb_new();
	bb_int(b, "long", 8, BTFX_INT_SIGNED, 0, 64);  /* [1] */
	bb_struct(b, "bpf_list_head", 16);             /* [2] */
	bb_member(b, "a", 1, 0);
	bb_member(b, "b", 1, 64);
	bb_struct(b, "bpf_list_node", 24);             /* [3] */
	bb_member(b, "a", 1, 0);
	bb_member(b, "b", 1, 64);
	bb_member(b, "c", 1, 128);
	bb_struct(b, "elem", 32);                      /* [4] */
	bb_member(b, "v", 1, 0);
	bb_member(b, "node", 3, 64);
	bb_struct(b, "foo", 24);                       /* [5] */
	bb_member(b, "h", 2, 0);
	bb_member(b, "lock", 8, 128);
	bb_decl_tag(b, "contains:elem:node", 5, 0);   /* [6] */
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);   /* [7] */
	bb_struct(b, "bpf_spin_lock", 4);              /* [8] */
	bb_member(b, "val", 7, 0);
	return emit_free(b, sz);
}

/* a list head needs a bpf_spin_lock next to it */
CASE(k_list_head_no_lock)
{
	struct bb *b = bb_new();
	bb_int(b, "long", 8, BTFX_INT_SIGNED, 0, 64);  /* [1] */
	bb_struct(b, "bpf_list_head", 16);             /* [2] */
	bb_member(b, "a", 1, 0);
	bb_member(b, "b", 1, 64);
	bb_struct(b, "bpf_list_node", 24);             /* [3] */
	bb_member(b, "a", 1, 0);
	bb_member(b, "b", 1, 64);
	bb_member(b, "c", 1, 128);
	bb_struct(b, "elem", 32);                      /* [4] */
	bb_member(b, "v", 1, 0);
	bb_member(b, "node", 3, 64);
	bb_struct(b, "foo", 16);                       /* [5] */
	bb_member(b, "h", 2, 0);
	bb_decl_tag(b, "contains:elem:node", 5, 0);   /* [6] */
	return emit_free(b, sz);
}

/* a struct named like a special field but only reachable through a typedef */
CASE(k_spin_lock_via_typedef)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);
	bb_struct(b, "bpf_spin_lock", 4);
	bb_member(b, "val", 1, 0);
	bb_typedef(b, "lock_t", 2);
	bb_struct(b, "foo", 8);
	bb_member(b, "a", 3, 0);
	bb_member(b, "b", 3, 32);
	return emit_free(b, sz);
}

CASE(k_list_head_bad_size)
{
	struct bb *b = bb_new();
	bb_int(b, "long", 8, BTFX_INT_SIGNED, 0, 64);
	bb_struct(b, "bpf_list_head", 8);
	bb_member(b, "a", 1, 0);
	bb_struct(b, "foo", 8);
	bb_member(b, "h", 2, 0);
	return emit_free(b, sz);
}

CASE(k_spin_lock_misaligned)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);
	bb_int(b, "char", 1, BTFX_INT_CHAR, 0, 8);
	bb_struct(b, "bpf_spin_lock", 4);
	bb_member(b, "val", 1, 0);
	bb_struct(b, "foo", 8);
	bb_member(b, "c", 2, 0);
	bb_member(b, "l", 3, 16);
	return emit_free(b, sz);
}

CASE(k_two_refcounts)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);
	bb_struct(b, "bpf_refcount", 4);
	bb_member(b, "r", 1, 0);
	bb_struct(b, "foo", 8);
	bb_member(b, "a", 2, 0);
	bb_member(b, "b", 2, 32);
	return emit_free(b, sz);
}

CASE(k_rb_root_no_contains)
{
	struct bb *b = bb_new();
	bb_int(b, "long", 8, BTFX_INT_SIGNED, 0, 64);
	bb_struct(b, "bpf_rb_root", 16);
	bb_member(b, "a", 1, 0);
	bb_member(b, "b", 1, 64);
	bb_struct(b, "foo", 16);
	bb_member(b, "r", 2, 0);
	return emit_free(b, sz);
}

/* names */
static uint8_t *typedef_named(const char *name, size_t *sz)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);
	bb_typedef(b, name, 1);
	return emit_free(b, sz);
}

static uint8_t *datasec_named(const char *name, size_t *sz)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);
	bb_var(b, "v", 1, 1);
	bb_datasec(b, name, 4);
	bb_secinfo(b, 2, 0, 4);
	return emit_free(b, sz);
}

static char *long_name(size_t n, char c)
{
	static char buf[1024];
	memset(buf, c, n);
	buf[0] = 'a';
	buf[n] = 0;
	return buf;
}

CASE(k_name_dot) { return typedef_named("a.b", sz); }
CASE(k_name_dot_first) { return typedef_named(".ab", sz); }
CASE(k_name_dollar) { return typedef_named("a$b", sz); }
CASE(k_name_dash) { return typedef_named("a-b", sz); }
CASE(k_name_latin1) { return typedef_named("\xc0\xe9t\xdf", sz); }
CASE(k_name_latin1_mul) { return typedef_named("a\xd7", sz); }
CASE(k_name_latin1_nbsp) { return typedef_named("a\xa0", sz); }
CASE(k_name_utf8) { return typedef_named("caf\xc3\xa9", sz); }
CASE(k_name_digit_first) { return typedef_named("9a", sz); }
CASE(k_name_underscore) { return typedef_named("_", sz); }
CASE(k_name_len_511) { return typedef_named(long_name(511, 'x'), sz); }
CASE(k_name_len_512) { return typedef_named(long_name(512, 'x'), sz); }
CASE(k_name_len_513) { return typedef_named(long_name(513, 'x'), sz); }
CASE(k_sec_space) { return datasec_named(".data foo", sz); }
CASE(k_sec_del) { return datasec_named(".d\x7f", sz); }
CASE(k_sec_tab) { return datasec_named(".d\t", sz); }
CASE(k_sec_nbsp) { return datasec_named(".d\xa0", sz); }
CASE(k_sec_latin1_ctrl) { return datasec_named(".d\x85", sz); }
CASE(k_sec_question) { return datasec_named("?.data", sz); }
CASE(k_sec_len_512) { return datasec_named(long_name(512, '.'), sz); }
CASE(k_sec_len_513) { return datasec_named(long_name(513, '.'), sz); }

CASE(k_member_name_bad)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);
	bb_struct(b, "s", 4);
	bb_member(b, "a b", 1, 0);
	return emit_free(b, sz);
}

CASE(k_param_name_bad)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);
	bb_proto(b, 1);
	bb_param(b, "1x", 1);
	return emit_free(b, sz);
}

CASE(k_int_name_weird)
{
	struct bb *b = bb_new();
	bb_int(b, "unsigned int", 4, 0, 0, 32);
	bb_float(b, "long double", 16);
	return emit_free(b, sz);
}

/* resolve-order dependent: PTR -> FUNC before/after the FUNC is resolved */
CASE(k_ptr_to_func_after)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32); /* [1] */
	bb_proto(b, 1);                              /* [2] */
	bb_func(b, "f", 2, 0);                       /* [3] */
	bb_ptr(b, 3);                                /* [4] */
	return emit_free(b, sz);
}

CASE(k_ptr_to_func_before)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32); /* [1] */
	bb_ptr(b, 4);                                /* [2] */
	bb_proto(b, 1);                              /* [3] */
	bb_func(b, "f", 3, 0);                       /* [4] */
	return emit_free(b, sz);
}

CASE(k_typedef_to_func)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);
	bb_proto(b, 1);
	bb_func(b, "f", 2, 0);
	bb_typedef(b, "tf", 3);
	return emit_free(b, sz);
}

CASE(k_type_tag_after_const)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32); /* [1] */
	bb_type_tag(b, "tag", 1);                    /* [2] */
	bb_const(b, 2);                              /* [3] const -> tag */
	bb_ptr(b, 3);                                /* [4] */
	return emit_free(b, sz);
}

CASE(k_type_tag_kflag)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);
	uint32_t id = bb_type_tag(b, "attr", 1);
	bb_set_kflag(b, id, true);
	bb_ptr(b, id);
	return emit_free(b, sz);
}

CASE(k_modifier_chain_33_backward)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);
	for (uint32_t i = 0; i < 33; i++)
		bb_const(b, 1 + i);
	return emit_free(b, sz);
}

CASE(k_modifier_chain_33_via_ptr)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32); /* [1] */
	bb_ptr(b, 3);                                /* [2] */
	for (uint32_t i = 0; i < 33; i++)           /* [3..35] forward chain */
		bb_volatile(b, i == 32 ? 1 : 4 + i);
	return emit_free(b, sz);
}

CASE(k_array_nonregular_int)
{
	struct bb *b = bb_new();
	bb_int(b, "i24", 4, 0, 0, 24);
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);
	bb_array(b, 1, 2, 4);
	return emit_free(b, sz);
}

CASE(k_int_size_0)
{
	struct bb *b = bb_new();
	bb_int(b, "z", 0, 0, 0, 0);
	return emit_free(b, sz);
}

CASE(k_int_size_big)
{
	struct bb *b = bb_new();
	bb_int(b, "big", 1000, 0, 0, 8);
	bb_var(b, "v", 1, 0);
	return emit_free(b, sz);
}

CASE(k_int_member_offset_bits)
{
	struct bb *b = bb_new();
	bb_int(b, "odd", 4, 0, 3, 5); /* int with bit offset 3 */
	bb_struct(b, "s", 4);
	bb_member(b, "a", 1, 0);
	return emit_free(b, sz);
}

CASE(k_kflag_int_member_offset_bits)
{
	struct bb *b = bb_new();
	bb_int(b, "odd", 4, 0, 3, 5);
	bb_struct(b, "s", 4);
	bb_member_bf(b, "a", 1, 0, 2);
	return emit_free(b, sz);
}

CASE(k_kflag_enum_small)
{
	struct bb *b = bb_new();
	bb_enum(b, "e", 1, false);
	bb_enum_val(b, "A", 1);
	bb_struct(b, "s", 1);
	bb_member_bf(b, "e", 1, 0, 0);
	return emit_free(b, sz);
}

CASE(k_kflag_enum64_bf33)
{
	struct bb *b = bb_new();
	bb_enum64(b, "e", 8, false);
	bb_enum64_val(b, "A", 1);
	bb_struct(b, "s", 8);
	bb_member_bf(b, "e", 1, 0, 33);
	return emit_free(b, sz);
}

CASE(k_float_member_misaligned)
{
	struct bb *b = bb_new();
	bb_float(b, "double", 8);
	bb_struct(b, "s", 16);
	bb_member(b, "d", 1, 32);
	return emit_free(b, sz);
}

CASE(k_float_member_12)
{
	struct bb *b = bb_new();
	bb_float(b, "ld", 12);
	bb_struct(b, "s", 16);
	bb_member(b, "d", 1, 32);
	return emit_free(b, sz);
}

CASE(k_fwd_member_via_typedef)
{
	struct bb *b = bb_new();
	bb_fwd(b, "fw", false);
	bb_typedef(b, "tfw", 1);
	bb_struct(b, "s", 8);
	bb_member(b, "x", 2, 0);
	return emit_free(b, sz);
}

CASE(k_var_of_fwd)
{
	struct bb *b = bb_new();
	bb_fwd(b, "fw", true);
	bb_var(b, "v", 1, 0);
	return emit_free(b, sz);
}

CASE(k_var_of_proto)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);
	bb_proto(b, 1);
	bb_var(b, "v", 2, 0);
	return emit_free(b, sz);
}

CASE(k_proto_returns_proto)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);
	bb_proto(b, 1);
	bb_proto(b, 2);
	return emit_free(b, sz);
}

CASE(k_proto_returns_const_void)
{
	struct bb *b = bb_new();
	bb_const(b, 0);
	bb_proto(b, 1);
	return emit_free(b, sz);
}

CASE(k_proto_param_struct_loop)
{
	struct bb *b = bb_new();
	bb_proto(b, 0);              /* [1] (struct s) */
	bb_param(b, "s", 2);
	bb_struct(b, "s", 4);        /* [2] embeds [3] */
	bb_member(b, "a", 3, 0);
	bb_typedef(b, "ts", 2);      /* [3] -> [2] loop */
	return emit_free(b, sz);
}

CASE(k_struct_via_array_loop)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32); /* [1] */
	bb_struct(b, "A", 36);                       /* [2] */
	bb_member(b, "x", 1, 0);
	bb_member(b, "y", 3, 32);
	bb_typedef(b, "array_a", 4);                 /* [3] */
	bb_array(b, 2, 1, 8);                        /* [4] */
	return emit_free(b, sz);
}

CASE(k_ptr_const_ptr_loop)
{
	struct bb *b = bb_new();
	bb_ptr(b, 2);   /* [1] */
	bb_const(b, 1); /* [2] */
	return emit_free(b, sz);
}

CASE(k_array_of_ptr_loop)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);
	bb_array(b, 3, 1, 2); /* [2] */
	bb_ptr(b, 2);         /* [3] */
	return emit_free(b, sz);
}

CASE(k_struct_member_of_var)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);
	bb_var(b, "v", 1, 0);
	bb_struct(b, "s", 4);
	bb_member(b, "a", 2, 0);
	return emit_free(b, sz);
}

CASE(k_datasec_of_func)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);
	bb_proto(b, 1);
	bb_func(b, "f", 2, 1);
	bb_datasec(b, ".ksyms", 4);
	bb_secinfo(b, 3, 0, 4);
	return emit_free(b, sz);
}

CASE(k_var_extern)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);
	bb_var(b, "v", 1, 2);
	return emit_free(b, sz);
}

CASE(k_enum_empty)
{
	struct bb *b = bb_new();
	bb_enum(b, "e", 4, false);
	bb_enum64(b, "e64", 1, true);
	return emit_free(b, sz);
}

CASE(k_enum_dup)
{
	struct bb *b = bb_new();
	bb_enum(b, "e", 2, true);
	bb_enum_val(b, "A", 1);
	bb_enum_val(b, "A", 1);
	return emit_free(b, sz);
}

CASE(k_array_zero_len_last)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);
	bb_array(b, 1, 1, 0);
	bb_struct(b, "s", 4);
	bb_member(b, "a", 1, 0);
	bb_member(b, "flex", 2, 32);
	return emit_free(b, sz);
}

CASE(k_array_nested_overflow)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);
	bb_array(b, 1, 1, 0x10000);   /* [2] 256 KiB */
	bb_array(b, 2, 1, 0x10000);   /* [3] 16 GiB: overflow */
	return emit_free(b, sz);
}

CASE(k_array_elem_fwd_typedef)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);
	bb_fwd(b, "fw", false);
	bb_typedef(b, "tfw", 2);
	bb_array(b, 3, 1, 2);
	return emit_free(b, sz);
}

CASE(k_array_index_typedef_int)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);
	bb_array(b, 1, 3, 2);        /* index via typedef defined later */
	bb_typedef(b, "idx", 1);
	return emit_free(b, sz);
}

CASE(k_array_index_enum)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);
	bb_enum(b, "e", 4, false);
	bb_enum_val(b, "A", 0);
	bb_array(b, 1, 2, 2);
	return emit_free(b, sz);
}

CASE(k_decl_tag_typedef)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);
	bb_typedef(b, "t", 1);
	bb_decl_tag(b, "x", 2, -1);
	bb_decl_tag(b, "y", 4, -1); /* tag on tag */
	return emit_free(b, sz);
}

CASE(k_decl_tag_func_cidx_before)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32); /* [1] */
	bb_decl_tag(b, "x", 3, 1);                   /* [2] -> func, param 1 */
	bb_func(b, "f", 4, 1);                       /* [3] */
	bb_proto(b, 1);                              /* [4] */
	bb_param(b, "a", 1);
	bb_param(b, "b", 1);
	return emit_free(b, sz);
}

CASE(k_func_proto_kflag)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);
	uint32_t id = bb_proto(b, 1);
	bb_set_kflag(b, id, true);
	return emit_free(b, sz);
}

CASE(k_fwd_kflag_union)
{
	struct bb *b = bb_new();
	bb_fwd(b, "u", true);
	bb_ptr(b, 1);
	return emit_free(b, sz);
}

CASE(k_union_kflag_bitfields)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);
	bb_union(b, "u", 4);
	bb_member_bf(b, "a", 1, 0, 3);
	bb_member_bf(b, "b", 1, 0, 32);
	return emit_free(b, sz);
}

CASE(k_struct_size_0_members)
{
	struct bb *b = bb_new();
	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32);
	bb_array(b, 1, 1, 0);
	bb_struct(b, "s", 0);
	bb_member(b, "z", 2, 0);
	return emit_free(b, sz);
}

CASE(k_struct_member_offset_wrap)
{
	struct bb *b = bb_new();
	bb_int(b, "char", 1, 0, 0, 8);
	bb_struct(b, "s", 4);
	bb_member(b, "a", 1, 0xffffffffu);
	return emit_free(b, sz);
}

CASE(k_kflag_member_24bit_offset)
{
	struct bb *b = bb_new();
	bb_int(b, "char", 1, 0, 0, 8);
	bb_struct(b, "s", 0x200000);
	bb_member_bf(b, "a", 1, 0xfffff8, 0);
	return emit_free(b, sz);
}

CASE(k_name_off_mid_string)
{
	struct bb *b = bb_new();
	uint32_t off = bb_str(b, "xyzint");
	bb_int(b, NULL, 4, 0, 0, 32);
	bb_type(b, 1)->name_off = off + 3;
	bb_typedef(b, "t", 1);
	bb_type(b, 2)->name_off = off + 1;
	return emit_free(b, sz);
}

CASE(k_str_only_nul)
{
	struct bb *b = bb_new();
	bb_int(b, NULL, 4, 0, 0, 32);
	return emit_free(b, sz);
}

/* ================================================================ table */

#define OK(n) { #n, n, BTFX_OK, NULL, 0, 0 }
#define NO_ORACLE CF_NO_ORACLE
#define PROBE(n) { #n, n, BTFX_OK, NULL, 0, CF_PROBE }

const struct tcase corpus[] = {
	/* positives */
	OK(p_seed_v),
	OK(p_hdr40_zero_tail),
	OK(p_struct_self_ptr),
	OK(p_typedef_chain_32),
	{ "p_layout_valid", p_layout_valid, BTFX_OK, NULL, 0, NO_ORACLE },
	{ "p_layout_kind20", p_layout_kind20, BTFX_OK, NULL, 0, NO_ORACLE },
	{ "p_swapped_v", p_swapped_v, BTFX_OK, NULL, 0, NO_ORACLE },
	{ "p_swapped_layout_kind20", p_swapped_layout_kind20, BTFX_OK, NULL, 0, NO_ORACLE },
	OK(p_every_kind),
	OK(p_decl_tag_kflag),
	OK(p27_vararg),
	OK(p29_decl_tag_func_param),
	{ "p31_types_0xffffe", p31_types_0xffffe, BTFX_OK, NULL, 0, CF_BIG },

	/* 1-5: header */
	{ "n01_short_7", n01_short_7, BTFX_E_HDR, "hdr_len not found", 0, 0 },
	{ "n01_empty", n01_empty, BTFX_E_HDR, "hdr_len not found", 0, 0 },
	{ "n02_hdr_past_end", n02_hdr_past_end, BTFX_E_HDR, "btf_header not found", 0, 0 },
	{ "n03_hdr_tail_nonzero", n03_hdr_tail_nonzero, BTFX_E_HDR, "Unsupported btf_header", 0, 0 },
	{ "n04_magic_swapped_only", n04_magic_swapped_only, BTFX_E_HDR, "hdr_len", 0, 0 },
	{ "n04_magic_bad", n04_magic_bad, BTFX_E_HDR, "Invalid magic", 0, 0 },
	{ "n05_version2", n05_version2, BTFX_E_HDR, "Unsupported version", 0, 0 },
	{ "n05_flags1", n05_flags1, BTFX_E_HDR, "Unsupported flags", 0, 0 },
	{ "n08_no_data", n08_no_data, BTFX_E_HDR, "No data", 0, 0 },
	/* 6-9: section table */
	{ "n06_str_off_wrap", n06_str_off_wrap, BTFX_E_SECTION, "Invalid section offset", 0, 0 },
	{ "n07_type_off_2", n07_type_off_2, BTFX_E_SECTION, "Unsupported section", 0, 0 },
	/* the kernel parses the strings before the types: strings that don't end the blob come first */
	{ "n07_type_off_unaligned_tiled", n07_type_off_unaligned_tiled, BTFX_E_STRTAB, "String section is not at the end", 0, 0 },
	{ "n08_str_overlaps_types", n08_str_overlaps_types, BTFX_E_SECTION, "overlap", 0, 0 },
	{ "n09_trailing_junk", n09_trailing_junk, BTFX_E_SECTION, "Unsupported section", 0, 0 },
	{ "n09_gap_before_strings", n09_gap_before_strings, BTFX_E_SECTION, "Unsupported section", 0, 0 },
	{ "n09_len_past_end", n09_len_past_end, BTFX_E_SECTION, "too long", 0, 0 },
	/* 10-11: strings */
	{ "n10_str_last_not_nul", n10_str_last_not_nul, BTFX_E_STRTAB, "last byte", 0, 0 },
	{ "n11_str_first_not_nul", n11_str_first_not_nul, BTFX_E_STRTAB, "first byte", 0, 0 },
	{ "n15_str_empty", n15_str_empty, BTFX_E_STRTAB, "empty", 0, 0 },
	/* 12: name offsets */
	{ "n12_name_off_oob", n12_name_off_oob, BTFX_E_NAME, "[1] INT", 1, 0 },
	{ "n12_name_off_huge", n12_name_off_huge, BTFX_E_NAME, "Invalid name_offset", 1, 0 },
	/* 13: layout */
	{ "n13_layout_len6", n13_layout_len6, BTFX_E_LAYOUT, "multiple of 4", 0, NO_ORACLE },
	{ "n13_layout_off2", n13_layout_off2, BTFX_E_LAYOUT, "Unaligned layout_off", 0, NO_ORACLE },
	{ "n13_layout_len2", n13_layout_len2, BTFX_E_LAYOUT, "too small", 0, NO_ORACLE },
	{ "n13_layout_wrong_struct", n13_layout_wrong_struct, BTFX_E_LAYOUT, "STRUCT", 0, NO_ORACLE },
	{ "n13_layout_unaligned_sizes", n13_layout_unaligned_sizes, BTFX_E_LAYOUT, "kind 20", 0, NO_ORACLE },
	/* 14-16: framing, kinds, info bits */
	{ "n14_struct_cut", n14_struct_cut, BTFX_E_TYPE_FRAME, "[3] STRUCT meta_left", 3, 0 },
	{ "n14_header_cut", n14_header_cut, BTFX_E_TYPE_FRAME, "[8] meta_left", 8, 0 },
	{ "n20_type_len_zero", n20_type_len_zero, BTFX_E_SECTION, "No type found", 0, 0 },
	{ "n15_kind0", n15_kind0, BTFX_E_KIND, "[8] Invalid kind:0", 8, 0 },
	{ "n15_kind25", n15_kind25, BTFX_E_KIND, "[8] Invalid kind:25", 8, 0 },
	{ "n15_kind20", n15_kind20, BTFX_E_KIND, "[8] Invalid kind:20", 8, 0 },
	{ "n16_info_bit20", n16_info_bit20, BTFX_E_KIND, "Invalid btf_info", 1, 0 },
	{ "n16_info_bit29", n16_info_bit29, BTFX_E_KIND, "[2]", 2, 0 },
	/* 17-20: references, loops, depth */
	{ "n17_ptr_max_type", n17_ptr_max_type, BTFX_E_REF, "[2] PTR", 2, 0 },
	{ "n17_ptr_nr_types", n17_ptr_nr_types, BTFX_E_REF, "[2] PTR", 2, 0 },
	{ "n18_ptr_self", n18_ptr_self, BTFX_E_LOOP, "Loop detected", 2, 0 },
	{ "n18_const_volatile_loop", n18_const_volatile_loop, BTFX_E_LOOP, "Loop detected", 9, 0 },
	{ "n19_struct_embeds_self", n19_struct_embeds_self, BTFX_E_LOOP, "[3] STRUCT 's': Loop detected", 3, 0 },
	{ "n20_typedef_chain_33", n20_typedef_chain_33, BTFX_E_DEPTH, "max resolving depth", 2, 0 },
	/* 21: INT */
	{ "n21_int_bits_gt_size", n21_int_bits_gt_size, BTFX_E_SIZE, "nr_bits exceeds type_size", 1, 0 },
	{ "n21_int_encoding3", n21_int_encoding3, BTFX_E_SIZE, "Unsupported encoding", 1, 0 },
	{ "n21_int_bits_129", n21_int_bits_129, BTFX_E_SIZE, "nr_bits exceeds 128", 1, 0 },
	{ "n21_int_data_high", n21_int_data_high, BTFX_E_SIZE, "Invalid int_data", 1, 0 },
	/* 22: ARRAY */
	{ "n22_array_overflow", n22_array_overflow, BTFX_E_SIZE, "overflows U32_MAX", 9, 0 },
	{ "n22_array_index0", n22_array_index0, BTFX_E_REF, "Invalid index", 9, 0 },
	{ "n22_array_index_3bit", n22_array_index_3bit, BTFX_E_REF, "Invalid index", 10, 0 },
	/* 23-24: members */
	{ "n23_member_decreasing", n23_member_decreasing, BTFX_E_MEMBER, "bits_offset", 3, 0 },
	{ "n23_member_past_size", n23_member_past_size, BTFX_E_MEMBER, "exceeds its struct size", 3, 0 },
	{ "n23_union_bit8", n23_union_bit8, BTFX_E_MEMBER, "[3] UNION", 3, 0 },
	{ "n23_member_exceeds_struct", n23_member_exceeds_struct, BTFX_E_MEMBER, "Member exceeds struct_size", 3, 0 },
	{ "n24_kflag_int_bf40", n24_kflag_int_bf40, BTFX_E_KFLAG, "bitfield_size", 3, 0 },
	{ "n24_kflag_ptr_bf1", n24_kflag_ptr_bf1, BTFX_E_KFLAG, "bitfield_size", 3, 0 },
	/* 25: ENUM */
	{ "n25_enum_size3", n25_enum_size3, BTFX_E_SIZE, "Unexpected size", 8, 0 },
	{ "n25_enumerator_noname", n25_enumerator_noname, BTFX_E_NAME, "[8] ENUM", 8, 0 },
	/* 26-27: FUNC / FUNC_PROTO */
	{ "n26_func_to_int", n26_func_to_int, BTFX_E_REF, "FUNC_PROTO", 5, 0 },
	{ "n26_func_extern", n26_func_extern, BTFX_E_LINKAGE, "linkage", 5, 0 },
	{ "n26_unnamed_param", n26_unnamed_param, BTFX_E_NAME, "arg#1", 5, 0 },
	{ "n27_proto_mid_void", n27_proto_mid_void, BTFX_E_REF, "arg#2", 9, 0 },
	{ "n27_named_vararg", n27_named_vararg, BTFX_E_REF, "arg#2", 9, 0 },
	/* 28: DATASEC */
	{ "n28_vsi_off4", n28_vsi_off4, BTFX_E_DATASEC, "Invalid offset", 7, 0 },
	{ "n28_vsi_size0", n28_vsi_size0, BTFX_E_DATASEC, "Invalid size", 7, 0 },
	{ "n28_vsi_overlap", n28_vsi_overlap, BTFX_E_DATASEC, "Invalid offset", 4, 0 },
	{ "n28_vsi_to_int", n28_vsi_to_int, BTFX_E_DATASEC, "Not a VAR", 7, 0 },
	{ "n28_empty_name", n28_empty_name, BTFX_E_NAME, "[7] DATASEC", 7, 0 },
	{ "n28_empty_name_nonzero_off", n28_empty_name_nonzero_off, BTFX_E_NAME, "[7] DATASEC", 7, 0 },
	{ "n28_size0", n28_size0, BTFX_E_DATASEC, "size == 0", 7, 0 },
	{ "n28_vsi_size_lt_var", n28_vsi_size_lt_var, BTFX_E_DATASEC, "Invalid size", 6, 0 },
	/* 29: DECL_TAG */
	{ "n29_decl_tag_to_ptr", n29_decl_tag_to_ptr, BTFX_E_TAG, "[9] DECL_TAG", 9, 0 },
	{ "n29_decl_tag_cidx_m2", n29_decl_tag_cidx_m2, BTFX_E_TAG, "component_idx", 9, 0 },
	{ "n29_decl_tag_cidx_vlen", n29_decl_tag_cidx_vlen, BTFX_E_TAG, "component_idx", 9, 0 },
	{ "n29_decl_tag_empty", n29_decl_tag_empty, BTFX_E_TAG, "[9] DECL_TAG", 9, 0 },
	{ "n29_decl_tag_var_cidx0", n29_decl_tag_var_cidx0, BTFX_E_TAG, "component_idx", 9, 0 },
	/* 30: names */
	{ "n30_const_named", n30_const_named, BTFX_E_NAME, "[9] CONST", 9, 0 },
	{ "n30_typedef_1bad", n30_typedef_1bad, BTFX_E_NAME, "[9] TYPEDEF", 9, 0 },
	{ "n30_fwd_type", n30_fwd_type, BTFX_E_REF, "[9] FWD", 9, 0 },
	{ "n30_typedef_anon", n30_typedef_anon, BTFX_E_NAME, "[9] TYPEDEF", 9, 0 },
	/* 31: limits */
	{ "n31_blob_16m_plus_1", n31_blob_16m_plus_1, BTFX_E_LIMIT, "exceeds the kernel limit", 0, CF_BIG },
	{ "n31_types_0x100000", n31_types_0x100000, BTFX_E_LIMIT, "Exceeded max num of types", BTFX_MAX_TYPE, CF_BIG },
	{ "n31_types_0xfffff", n31_types_0xfffff, BTFX_E_LIMIT, "Exceeded max num of types", BTFX_MAX_TYPE, CF_BIG },

	/* kernel probes: the kernel's verdict is the expectation */
	{ "k_types_ref_past_limit", k_types_ref_past_limit, BTFX_OK, NULL, 0, CF_PROBE | CF_BIG },
	PROBE(k_strings_first),
	PROBE(k_hdr28_zero),
	PROBE(k_hdr25_zero),
	PROBE(k_hdr26_zero),
	PROBE(k_hdr28_nonzero_25),
	PROBE(k_hdr25_nonzero_24),
	{ "k_hdr32_nonzero_layout_off", k_hdr32_nonzero_layout_off, BTFX_OK, NULL, 0, CF_PROBE | NO_ORACLE },
	PROBE(k_hdr_len_20),
	PROBE(k_datasec_mode_reset),
	PROBE(k_datasec_u32_wrap),
	PROBE(k_datasec_u32_wrap2),
	PROBE(k_two_spin_locks),
	PROBE(k_one_spin_lock),
	PROBE(k_list_head_no_contains),
	PROBE(k_list_head_contains_ok),
	PROBE(k_list_head_no_lock),
	PROBE(k_spin_lock_via_typedef),
	PROBE(k_list_head_bad_size),
	PROBE(k_spin_lock_misaligned),
	PROBE(k_two_refcounts),
	PROBE(k_rb_root_no_contains),
	PROBE(k_name_dot),
	PROBE(k_name_dot_first),
	PROBE(k_name_dollar),
	PROBE(k_name_dash),
	PROBE(k_name_latin1),
	PROBE(k_name_latin1_mul),
	PROBE(k_name_latin1_nbsp),
	PROBE(k_name_utf8),
	PROBE(k_name_digit_first),
	PROBE(k_name_underscore),
	PROBE(k_name_len_511),
	PROBE(k_name_len_512),
	PROBE(k_name_len_513),
	PROBE(k_sec_space),
	PROBE(k_sec_del),
	PROBE(k_sec_tab),
	PROBE(k_sec_nbsp),
	PROBE(k_sec_latin1_ctrl),
	PROBE(k_sec_question),
	PROBE(k_sec_len_512),
	PROBE(k_sec_len_513),
	PROBE(k_member_name_bad),
	PROBE(k_param_name_bad),
	PROBE(k_int_name_weird),
	PROBE(k_ptr_to_func_after),
	PROBE(k_ptr_to_func_before),
	PROBE(k_typedef_to_func),
	PROBE(k_type_tag_after_const),
	PROBE(k_type_tag_kflag),
	PROBE(k_modifier_chain_33_backward),
	PROBE(k_modifier_chain_33_via_ptr),
	PROBE(k_array_nonregular_int),
	PROBE(k_int_size_0),
	PROBE(k_int_size_big),
	PROBE(k_int_member_offset_bits),
	PROBE(k_kflag_int_member_offset_bits),
	PROBE(k_kflag_enum_small),
	PROBE(k_kflag_enum64_bf33),
	PROBE(k_float_member_misaligned),
	PROBE(k_float_member_12),
	PROBE(k_fwd_member_via_typedef),
	PROBE(k_var_of_fwd),
	PROBE(k_var_of_proto),
	PROBE(k_proto_returns_proto),
	PROBE(k_proto_returns_const_void),
	PROBE(k_proto_param_struct_loop),
	PROBE(k_struct_via_array_loop),
	PROBE(k_ptr_const_ptr_loop),
	PROBE(k_array_of_ptr_loop),
	PROBE(k_struct_member_of_var),
	PROBE(k_datasec_of_func),
	PROBE(k_var_extern),
	PROBE(k_enum_empty),
	PROBE(k_enum_dup),
	PROBE(k_array_zero_len_last),
	PROBE(k_array_nested_overflow),
	PROBE(k_array_elem_fwd_typedef),
	PROBE(k_array_index_typedef_int),
	PROBE(k_array_index_enum),
	PROBE(k_decl_tag_typedef),
	PROBE(k_decl_tag_func_cidx_before),
	PROBE(k_func_proto_kflag),
	PROBE(k_fwd_kflag_union),
	PROBE(k_union_kflag_bitfields),
	PROBE(k_struct_size_0_members),
	PROBE(k_struct_member_offset_wrap),
	PROBE(k_kflag_member_24bit_offset),
	PROBE(k_name_off_mid_string),
	PROBE(k_str_only_nul),
};
const size_t corpus_len = sizeof(corpus) / sizeof(corpus[0]);

/* ================================================================ accessors */

size_t corpus_walk_accessors(struct btfx *btf)
{
	uint32_t n = btfx_type_cnt(btf), ids[8];
	size_t total, visited = 0;
	volatile int64_t sink = 0;

	for (uint32_t id = 0; id < n; id++) {
		const struct btfx_type *t = btfx_type_by_id(btf, id);
		const char *name;

		if (!t)
			continue;
		visited++;
		name = btfx_name(btf, t);
		sink += btfx_resolve_size(btf, id);
		sink += btfx_align(btf, id);
		sink += btfx_skip_mods(btf, id, true);
		sink += btfx_skip_mods(btf, id, false);
		sink += (int64_t)btfx_type_refs(btf, id, ids, 8, &total);
		sink += (int64_t)btfx_referrers(btf, id, ids, 8);
		sink += btfx_kind_str(btfx_kind(t))[0];
		if (name && *name) {
			size_t el = btfx_essential_name_len(name);
			sink += btfx_find(btf, name, 0);
			sink += (int64_t)btfx_find_all(btf, name, btfx_kind(t), ids, 8);
			sink += (int64_t)btfx_find_essential(btf, name, el, ids, 8);
		}
	}
	(void)sink;
	return visited;
}
