// SPDX-License-Identifier: BSD-2-Clause
/* In-memory BTF builder for crafted test inputs; see btf_builder.h. */
#include "btf_builder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct buf {
	uint8_t *p;
	size_t len, cap;
};

struct bb {
	struct buf types, strs;
	uint32_t *offs;      /* type offsets, index id - start_id */
	uint32_t nr, offs_cap;
	uint32_t start_id, start_str_off;
	struct btfx_layout *layout;
	unsigned nlayout;
};

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q) {
		fprintf(stderr, "btf_builder: out of memory\n");
		abort();
	}
	return q;
}

static void buf_put(struct buf *b, const void *d, size_t n)
{
	if (b->len + n > b->cap) {
		size_t c = b->cap ? b->cap : 256;
		while (c < b->len + n)
			c *= 2;
		b->p = xrealloc(b->p, c);
		b->cap = c;
	}
	if (n)
		memcpy(b->p + b->len, d, n);
	b->len += n;
}

struct bb *bb_new_split(uint32_t start_id, uint32_t start_str_off)
{
	struct bb *b = calloc(1, sizeof(*b));
	if (!b)
		abort();
	b->start_id = start_id;
	b->start_str_off = start_str_off;
	return b;
}

struct bb *bb_new(void)
{
	struct bb *b = bb_new_split(1, 0);
	buf_put(&b->strs, "", 1);
	return b;
}

void bb_free(struct bb *b)
{
	if (!b)
		return;
	free(b->types.p);
	free(b->strs.p);
	free(b->offs);
	free(b->layout);
	free(b);
}

uint32_t bb_str(struct bb *b, const char *s)
{
	uint32_t off;

	if ((!s || !*s) && b->start_id == 1)
		return 0;
	off = b->start_str_off + (uint32_t)b->strs.len;
	buf_put(&b->strs, s ? s : "", s ? strlen(s) + 1 : 1);
	return off;
}

uint32_t bb_str_raw(struct bb *b, const void *bytes, size_t n)
{
	uint32_t off = b->start_str_off + (uint32_t)b->strs.len;
	buf_put(&b->strs, bytes, n);
	return off;
}

uint32_t bb_str_len(const struct bb *b) { return (uint32_t)b->strs.len; }

uint32_t bb_raw(struct bb *b, uint32_t name_off, uint32_t info, uint32_t size_or_type)
{
	struct btfx_type t = { .name_off = name_off, .info = info, .size = size_or_type };

	if (b->nr == b->offs_cap) {
		b->offs_cap = b->offs_cap ? b->offs_cap * 2 : 64;
		b->offs = xrealloc(b->offs, b->offs_cap * sizeof(uint32_t));
	}
	b->offs[b->nr++] = (uint32_t)b->types.len;
	buf_put(&b->types, &t, sizeof(t));
	return b->start_id + b->nr - 1;
}

void bb_word(struct bb *b, uint32_t w) { buf_put(&b->types, &w, 4); }

struct btfx_type *bb_type(struct bb *b, uint32_t id)
{
	if (id < b->start_id || id - b->start_id >= b->nr)
		abort();
	return (struct btfx_type *)(b->types.p + b->offs[id - b->start_id]);
}

uint32_t *bb_words(struct bb *b, uint32_t id) { return (uint32_t *)(bb_type(b, id) + 1); }
void bb_set_info(struct bb *b, uint32_t id, uint32_t info) { bb_type(b, id)->info = info; }

void bb_set_kflag(struct bb *b, uint32_t id, bool kflag)
{
	struct btfx_type *t = bb_type(b, id);
	t->info = (t->info & 0x7fffffffu) | (kflag ? 1u << 31 : 0);
}

uint32_t bb_last_id(const struct bb *b) { return b->start_id + b->nr - 1; }
uint32_t bb_type_cnt(const struct bb *b) { return b->start_id + b->nr; }
uint32_t bb_type_off(const struct bb *b, uint32_t id) { return b->offs[id - b->start_id]; }
uint32_t bb_types_len(const struct bb *b) { return (uint32_t)b->types.len; }
const uint8_t *bb_types_data(const struct bb *b) { return b->types.p; }

static uint32_t name(struct bb *b, const char *n) { return n && *n ? bb_str(b, n) : 0; }

static void grow_vlen(struct bb *b)
{
	struct btfx_type *t = bb_type(b, bb_last_id(b));
	t->info = (t->info & ~0xffffffu) | ((t->info + 1) & 0xffffffu);
}

uint32_t bb_int(struct bb *b, const char *n, uint32_t size, unsigned enc, unsigned bit_off, unsigned bits)
{
	uint32_t id = bb_raw(b, name(b, n), bb_info(BTFX_KIND_INT, 0, 0), size);
	bb_word(b, (enc & 0xfu) << 24 | (bit_off & 0xffu) << 16 | (bits & 0xffu));
	return id;
}

uint32_t bb_ptr(struct bb *b, uint32_t type) { return bb_raw(b, 0, bb_info(BTFX_KIND_PTR, 0, 0), type); }

uint32_t bb_array(struct bb *b, uint32_t elem, uint32_t index, uint32_t nelems)
{
	uint32_t id = bb_raw(b, 0, bb_info(BTFX_KIND_ARRAY, 0, 0), 0);
	bb_word(b, elem);
	bb_word(b, index);
	bb_word(b, nelems);
	return id;
}

uint32_t bb_struct(struct bb *b, const char *n, uint32_t size)
{
	return bb_raw(b, name(b, n), bb_info(BTFX_KIND_STRUCT, 0, 0), size);
}

uint32_t bb_union(struct bb *b, const char *n, uint32_t size)
{
	return bb_raw(b, name(b, n), bb_info(BTFX_KIND_UNION, 0, 0), size);
}

void bb_member(struct bb *b, const char *n, uint32_t type, uint32_t bit_off)
{
	uint32_t no = name(b, n);
	bb_word(b, no);
	bb_word(b, type);
	bb_word(b, bit_off);
	grow_vlen(b);
}

void bb_member_bf(struct bb *b, const char *n, uint32_t type, uint32_t bit_off, uint32_t bitfield_size)
{
	bb_member(b, n, type, bitfield_size << 24 | (bit_off & 0xffffffu));
	bb_set_kflag(b, bb_last_id(b), true);
}

uint32_t bb_enum(struct bb *b, const char *n, uint32_t size, bool is_signed)
{
	return bb_raw(b, name(b, n), bb_info(BTFX_KIND_ENUM, 0, is_signed), size);
}

void bb_enum_val(struct bb *b, const char *n, int32_t val)
{
	uint32_t no = name(b, n);
	bb_word(b, no);
	bb_word(b, (uint32_t)val);
	grow_vlen(b);
}

uint32_t bb_enum64(struct bb *b, const char *n, uint32_t size, bool is_signed)
{
	return bb_raw(b, name(b, n), bb_info(BTFX_KIND_ENUM64, 0, is_signed), size);
}

void bb_enum64_val(struct bb *b, const char *n, uint64_t val)
{
	uint32_t no = name(b, n);
	bb_word(b, no);
	bb_word(b, (uint32_t)val);
	bb_word(b, (uint32_t)(val >> 32));
	grow_vlen(b);
}

uint32_t bb_fwd(struct bb *b, const char *n, bool is_union)
{
	return bb_raw(b, name(b, n), bb_info(BTFX_KIND_FWD, 0, is_union), 0);
}

uint32_t bb_typedef(struct bb *b, const char *n, uint32_t type)
{
	return bb_raw(b, name(b, n), bb_info(BTFX_KIND_TYPEDEF, 0, 0), type);
}

uint32_t bb_volatile(struct bb *b, uint32_t type) { return bb_raw(b, 0, bb_info(BTFX_KIND_VOLATILE, 0, 0), type); }
uint32_t bb_const(struct bb *b, uint32_t type) { return bb_raw(b, 0, bb_info(BTFX_KIND_CONST, 0, 0), type); }
uint32_t bb_restrict(struct bb *b, uint32_t type) { return bb_raw(b, 0, bb_info(BTFX_KIND_RESTRICT, 0, 0), type); }

uint32_t bb_func(struct bb *b, const char *n, uint32_t proto, unsigned linkage)
{
	return bb_raw(b, name(b, n), bb_info(BTFX_KIND_FUNC, linkage, 0), proto);
}

uint32_t bb_proto(struct bb *b, uint32_t ret) { return bb_raw(b, 0, bb_info(BTFX_KIND_FUNC_PROTO, 0, 0), ret); }

void bb_param(struct bb *b, const char *n, uint32_t type)
{
	uint32_t no = name(b, n);
	bb_word(b, no);
	bb_word(b, type);
	grow_vlen(b);
}

uint32_t bb_var(struct bb *b, const char *n, uint32_t type, uint32_t linkage)
{
	uint32_t id = bb_raw(b, name(b, n), bb_info(BTFX_KIND_VAR, 0, 0), type);
	bb_word(b, linkage);
	return id;
}

uint32_t bb_datasec(struct bb *b, const char *n, uint32_t size)
{
	return bb_raw(b, name(b, n), bb_info(BTFX_KIND_DATASEC, 0, 0), size);
}

void bb_secinfo(struct bb *b, uint32_t type, uint32_t offset, uint32_t size)
{
	bb_word(b, type);
	bb_word(b, offset);
	bb_word(b, size);
	grow_vlen(b);
}

uint32_t bb_float(struct bb *b, const char *n, uint32_t size)
{
	return bb_raw(b, name(b, n), bb_info(BTFX_KIND_FLOAT, 0, 0), size);
}

uint32_t bb_decl_tag(struct bb *b, const char *value, uint32_t type, int32_t component_idx)
{
	uint32_t id = bb_raw(b, name(b, value), bb_info(BTFX_KIND_DECL_TAG, 0, 0), type);
	bb_word(b, (uint32_t)component_idx);
	return id;
}

uint32_t bb_type_tag(struct bb *b, const char *value, uint32_t type)
{
	return bb_raw(b, name(b, value), bb_info(BTFX_KIND_TYPE_TAG, 0, 0), type);
}

uint32_t bb_kind(struct bb *b, uint32_t name_off, unsigned kind, uint32_t vlen, bool kflag, uint32_t size_or_type,
		 const uint32_t *words, size_t nwords)
{
	uint32_t id = bb_raw(b, name_off, bb_info(kind, vlen, kflag), size_or_type);
	for (size_t i = 0; i < nwords; i++)
		bb_word(b, words[i]);
	return id;
}

/* ---------------------------------------------------------------- layout */

static const struct btfx_layout std_layout[20] = {
	[BTFX_KIND_INT] = { 4, 0, 0 },      [BTFX_KIND_ARRAY] = { 12, 0, 0 },
	[BTFX_KIND_STRUCT] = { 0, 12, 0 },  [BTFX_KIND_UNION] = { 0, 12, 0 },
	[BTFX_KIND_ENUM] = { 0, 8, 0 },     [BTFX_KIND_FUNC_PROTO] = { 0, 8, 0 },
	[BTFX_KIND_VAR] = { 4, 0, 0 },      [BTFX_KIND_DATASEC] = { 0, 12, 0 },
	[BTFX_KIND_DECL_TAG] = { 4, 0, 0 }, [BTFX_KIND_ENUM64] = { 0, 12, 0 },
};

static void layout_grow(struct bb *b, unsigned n)
{
	if (n <= b->nlayout)
		return;
	b->layout = xrealloc(b->layout, n * sizeof(*b->layout));
	memset(b->layout + b->nlayout, 0, (n - b->nlayout) * sizeof(*b->layout));
	b->nlayout = n;
}

void bb_layout_default(struct bb *b, unsigned nkinds)
{
	layout_grow(b, nkinds);
	for (unsigned k = 0; k < nkinds; k++)
		b->layout[k] = k < 20 ? std_layout[k] : (struct btfx_layout){ 0, 0, 0 };
}

void bb_layout_set(struct bb *b, unsigned kind, uint8_t info_sz, uint8_t elem_sz, uint16_t flags)
{
	layout_grow(b, kind + 1);
	b->layout[kind] = (struct btfx_layout){ info_sz, elem_sz, flags };
}

/* ---------------------------------------------------------------- emit */

static const unsigned hdr_pos[BB_NR_FIELDS][2] = { /* offset, width */
	[BB_MAGIC] = { 0, 2 },      [BB_VERSION] = { 2, 1 },    [BB_FLAGS] = { 3, 1 },
	[BB_HDR_LEN] = { 4, 4 },    [BB_TYPE_OFF] = { 8, 4 },   [BB_TYPE_LEN] = { 12, 4 },
	[BB_STR_OFF] = { 16, 4 },   [BB_STR_LEN] = { 20, 4 },   [BB_LAYOUT_OFF] = { 24, 4 },
	[BB_LAYOUT_LEN] = { 28, 4 },
};

void bb_hdr_set(uint8_t *blob, enum bb_hdr_field f, uint32_t v)
{
	uint8_t *p = blob + hdr_pos[f][0];
	uint16_t v16 = (uint16_t)v;

	switch (hdr_pos[f][1]) {
	case 1: *p = (uint8_t)v; break;
	case 2: memcpy(p, &v16, 2); break;
	default: memcpy(p, &v, 4); break;
	}
}

uint32_t bb_hdr_get(const uint8_t *blob, enum bb_hdr_field f)
{
	const uint8_t *p = blob + hdr_pos[f][0];
	uint16_t v16;
	uint32_t v;

	switch (hdr_pos[f][1]) {
	case 1: return *p;
	case 2: memcpy(&v16, p, 2); return v16;
	default: memcpy(&v, p, 4); return v;
	}
}

uint8_t *bb_emit(const struct bb *b, const struct bb_emit_opts *o, size_t *size)
{
	bool layout = b->nlayout && !o->no_layout;
	uint32_t hdr_len = o->hdr_len ? o->hdr_len : (layout ? 32 : 24);
	uint32_t tlen = o->type_len >= 0 && (size_t)o->type_len < b->types.len ? (uint32_t)o->type_len
										: (uint32_t)b->types.len;
	uint32_t llen = layout ? b->nlayout * 4 : 0;
	uint32_t slen = (uint32_t)b->strs.len;
	size_t total = (size_t)hdr_len + tlen + llen + slen;
	uint8_t *blob = calloc(1, total ? total : 1);
	uint32_t val[BB_NR_FIELDS] = {
		[BB_MAGIC] = BTFX_MAGIC, [BB_VERSION] = 1, [BB_FLAGS] = 0, [BB_HDR_LEN] = hdr_len,
		[BB_TYPE_OFF] = 0, [BB_TYPE_LEN] = tlen, [BB_STR_OFF] = tlen + llen, [BB_STR_LEN] = slen,
		[BB_LAYOUT_OFF] = layout ? tlen : 0, [BB_LAYOUT_LEN] = llen,
	};

	if (!blob)
		abort();
	for (int f = 0; f < BB_NR_FIELDS; f++) {
		uint32_t v = o->override_mask & BB_OV(f) ? o->override[f] : val[f];
		if (hdr_pos[f][0] + hdr_pos[f][1] <= hdr_len)
			bb_hdr_set(blob, f, v);
	}
	if (tlen)
		memcpy(blob + hdr_len, b->types.p, tlen);
	if (llen)
		memcpy(blob + hdr_len + tlen, b->layout, llen);
	if (slen)
		memcpy(blob + hdr_len + tlen + llen, b->strs.p, slen);
	*size = total;
	return blob;
}

/* ---------------------------------------------------------------- swap */

static uint32_t sw32(uint32_t v) { return __builtin_bswap32(v); }

int bb_swap_blob(uint8_t *blob, size_t size)
{
	uint32_t w[8] = { 0 }, hdr_len, type_off, type_len, layout_off = 0, layout_len = 0;
	const struct btfx_layout *lay = NULL;
	uint16_t magic;
	uint8_t *types;
	uint32_t off = 0;
	bool foreign;

	if (size < 24)
		return -1;
	memcpy(&magic, blob, 2);
	if (magic == BTFX_MAGIC)
		foreign = false;
	else if (magic == __builtin_bswap16(BTFX_MAGIC))
		foreign = true;
	else
		return -1;
	memcpy(&hdr_len, blob + 4, 4);
	if (foreign)
		hdr_len = sw32(hdr_len);
	if (hdr_len < 24 || hdr_len > size)
		return -1;
	memcpy(w, blob, hdr_len < 32 ? hdr_len : 32);
	if (foreign)
		for (int i = 1; i < 8; i++)
			w[i] = sw32(w[i]);
	type_off = w[2];
	type_len = w[3];
	if (hdr_len >= 32) {
		layout_off = w[6];
		layout_len = w[7];
	}
	if ((uint64_t)hdr_len + type_off + type_len > size ||
	    (uint64_t)hdr_len + layout_off + layout_len > size)
		return -1;
	if (layout_len)
		lay = (const struct btfx_layout *)(blob + hdr_len + layout_off);
	types = blob + hdr_len + type_off;
	while (off < type_len) {
		struct btfx_type *t = (struct btfx_type *)(types + off), h;
		unsigned kind;
		uint64_t sz;

		if (type_len - off < sizeof(*t))
			return -1;
		h = *t;
		if (foreign)
			h.info = sw32(h.info);
		kind = btfx_kind(&h);
		if (kind > 0 && kind < 20)
			sz = 12 + std_layout[kind].info_sz + (uint64_t)btfx_vlen(&h) * std_layout[kind].elem_sz;
		else if (lay && kind < layout_len / 4)
			sz = 12 + lay[kind].info_sz + (uint64_t)btfx_vlen(&h) * lay[kind].elem_sz;
		else
			return -1;
		if (sz > type_len - off)
			return -1;
		for (uint32_t *p = (uint32_t *)t; (uint8_t *)p < (uint8_t *)t + sz; p++)
			*p = sw32(*p);
		off += (uint32_t)sz;
	}
	if (lay) {
		struct btfx_layout *l = (struct btfx_layout *)lay;
		for (uint32_t k = 0; k < layout_len / 4; k++)
			l[k].flags = __builtin_bswap16(l[k].flags);
	}
	magic = __builtin_bswap16(magic);
	memcpy(blob, &magic, 2);
	for (int i = 1; i < 8 && (uint32_t)(i + 1) * 4 <= hdr_len; i++) {
		uint32_t v = foreign ? w[i] : sw32(w[i]);
		memcpy(blob + 4 * i, &v, 4);
	}
	return 0;
}

void bb_hexdump(void *fp, const void *data, size_t size)
{
	FILE *f = fp;
	const uint8_t *d = data;

	for (size_t i = 0; i < size; i += 16) {
		fprintf(f, "  %06zx:", i);
		for (size_t j = i; j < i + 16 && j < size; j++)
			fprintf(f, "%s%02x", (j - i) % 4 ? "" : " ", d[j]);
		fputc('\n', f);
	}
}

/* ---------------------------------------------------------------- seeds */

struct bb *bb_seed_v(void)
{
	struct bb *b = bb_new();

	bb_int(b, "int", 4, BTFX_INT_SIGNED, 0, 32); /* [1] */
	bb_ptr(b, 1);                                /* [2] */
	bb_struct(b, "s", 16);                       /* [3] */
	bb_member(b, "a", 1, 0);
	bb_member(b, "p", 2, 64);
	bb_proto(b, 1);                              /* [4] */
	bb_param(b, "x", 1);
	bb_func(b, "f", 4, BTFX_LINKAGE_GLOBAL);     /* [5] */
	bb_var(b, "v", 1, 1);                        /* [6] */
	bb_datasec(b, ".data", 4);                   /* [7] */
	bb_secinfo(b, 6, 0, 4);
	bb_enum(b, "e", 4, false);                   /* [8] */
	bb_enum_val(b, "A", 0);
	return b;
}

uint8_t *bb_seed_v_blob(size_t *size)
{
	struct bb *b = bb_seed_v();
	uint8_t *blob = bb_emit_simple(b, size);
	bb_free(b);
	return blob;
}
