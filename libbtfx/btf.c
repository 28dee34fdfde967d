// SPDX-License-Identifier: BSD-2-Clause
/*
 * Raw BTF blob parsing: header, section table, strings, layout, type framing
 * and byte-order conversion.  Semantic (kernel-rule) validation lives in
 * validate.c; this file only guarantees that every type record lies inside
 * the type section, so that the accessors never read out of bounds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "internal.h"

static const char *const kind_names[BTFX_KIND_NR] = {
	[BTFX_KIND_UNKN] = "UNKNOWN", [BTFX_KIND_INT] = "INT",
	[BTFX_KIND_PTR] = "PTR", [BTFX_KIND_ARRAY] = "ARRAY",
	[BTFX_KIND_STRUCT] = "STRUCT", [BTFX_KIND_UNION] = "UNION",
	[BTFX_KIND_ENUM] = "ENUM", [BTFX_KIND_FWD] = "FWD",
	[BTFX_KIND_TYPEDEF] = "TYPEDEF", [BTFX_KIND_VOLATILE] = "VOLATILE",
	[BTFX_KIND_CONST] = "CONST", [BTFX_KIND_RESTRICT] = "RESTRICT",
	[BTFX_KIND_FUNC] = "FUNC", [BTFX_KIND_FUNC_PROTO] = "FUNC_PROTO",
	[BTFX_KIND_VAR] = "VAR", [BTFX_KIND_DATASEC] = "DATASEC",
	[BTFX_KIND_FLOAT] = "FLOAT", [BTFX_KIND_DECL_TAG] = "DECL_TAG",
	[BTFX_KIND_TYPE_TAG] = "TYPE_TAG", [BTFX_KIND_ENUM64] = "ENUM64",
};

const char *btfx__kind_name(unsigned kind)
{
	return kind < BTFX_KIND_NR ? kind_names[kind] : "UNKNOWN";
}

BTFX_API const char *btfx_kind_str(unsigned kind)
{
	return btfx__kind_name(kind);
}

/* info_sz / elem_sz of the kinds this library knows (kind 0 has none). */
static const struct btfx_layout known_layout[BTFX_KIND_NR] = {
	[BTFX_KIND_INT] = { 4, 0, 0 },
	[BTFX_KIND_ARRAY] = { 12, 0, 0 },
	[BTFX_KIND_STRUCT] = { 0, 12, 0 },
	[BTFX_KIND_UNION] = { 0, 12, 0 },
	[BTFX_KIND_ENUM] = { 0, 8, 0 },
	[BTFX_KIND_FUNC_PROTO] = { 0, 8, 0 },
	[BTFX_KIND_VAR] = { 4, 0, 0 },
	[BTFX_KIND_DATASEC] = { 0, 12, 0 },
	[BTFX_KIND_DECL_TAG] = { 4, 0, 0 },
	[BTFX_KIND_ENUM64] = { 0, 12, 0 },
};

static const struct btfx_layout *layout_of(const struct btfx *btf, unsigned kind)
{
	for (const struct btfx *b = btf; b; b = b->base)
		if (b->layout)
			return kind < b->layout_cnt ? &b->layout[kind] : NULL;
	return NULL;
}

/*
 * Size of the record of t (header + trailing data).  Returns 0 when the
 * kind is unknown and no layout section describes it.  *need gets the
 * 64-bit size so that callers can report what was missing.
 */
size_t btfx__type_size(const struct btfx *btf, const struct btfx_type *t, uint64_t *need)
{
	unsigned kind = btfx_kind(t);
	const struct btfx_layout *l;
	uint64_t n;

	if (kind > 0 && kind < BTFX_KIND_NR)
		l = &known_layout[kind];
	else if (kind == 0 || !(l = layout_of(btf, kind)))
		return 0;
	n = sizeof(*t) + l->info_sz + (uint64_t)btfx_vlen(t) * l->elem_sz;
	if (need)
		*need = n;
	return (size_t)n;
}

static inline uint32_t bswap32(uint32_t v) { return __builtin_bswap32(v); }
static inline uint16_t bswap16(uint16_t v) { return __builtin_bswap16(v); }

/* Swap the type section in place (buf is a private copy). 0 or -1 on framing error. */
static int swap_types(struct btfx *btf, uint8_t *types, uint32_t len, struct btfx_error *err)
{
	uint32_t off = 0, id = btf->start_id;

	while (off < len) {
		struct btfx_type *t = (struct btfx_type *)(types + off);
		uint64_t need = 0;
		size_t sz;

		if (len - off < sizeof(*t))
			return btfx_set_err(err, BTFX_E_TYPE_FRAME, EINVAL, id, btf->hdr.hdr_len + btf->hdr.type_off + off,
					    "[%u] meta_left:%u meta_needed:%zu", id, len - off, sizeof(*t));
		t->name_off = bswap32(t->name_off);
		t->info = bswap32(t->info);
		t->size = bswap32(t->size);
		sz = btfx__type_size(btf, t, &need);
		if (!sz)
			return btfx_set_err(err, BTFX_E_KIND, EINVAL, id, btf->hdr.hdr_len + btf->hdr.type_off + off,
					    "[%u] Invalid kind:%u", id, btfx_kind(t));
		if (need > len - off)
			return btfx_set_err(err, BTFX_E_TYPE_FRAME, EINVAL, id, btf->hdr.hdr_len + btf->hdr.type_off + off,
					    "[%u] %s meta_left:%u meta_needed:%llu", id, btfx__kind_name(btfx_kind(t)),
					    (uint32_t)(len - off - sizeof(*t)), (unsigned long long)(need - sizeof(*t)));
		/* Every trailing field is a 32-bit word in every known kind. */
		for (uint32_t *w = (uint32_t *)(t + 1); (uint8_t *)w < (uint8_t *)t + sz; w++)
			*w = bswap32(*w);
		off += sz;
		id++;
	}
	return 0;
}

/* Parse and check the header; fills btf->hdr.  Returns 0 or -errno. */
static int parse_header(struct btfx *btf, const uint8_t *d, size_t size, struct btfx_error *err)
{
	struct btfx_header_info *h = &btf->hdr;
	uint32_t w[8] = { 0 };
	uint16_t magic;
	size_t known;

	if (size > BTFX_MAX_SIZE)
		return btfx_set_err(err, BTFX_E_LIMIT, E2BIG, 0, -1,
				    "BTF blob of %zu bytes exceeds the kernel limit of %u bytes", size, BTFX_MAX_SIZE);
	if (size < 8)
		return btfx_set_err(err, BTFX_E_HDR, EINVAL, 0, 0, "hdr_len not found: blob is only %zu bytes", size);
	memcpy(&magic, d, 2);
	if (magic == BTFX_MAGIC)
		btf->foreign = false;
	else if (magic == bswap16(BTFX_MAGIC))
		btf->foreign = true;
	else
		return btfx_set_err(err, BTFX_E_HDR, EINVAL, 0, 0, "Invalid magic 0x%04x (not BTF)", magic);
	memcpy(&h->hdr_len, d + 4, 4);
	if (btf->foreign)
		h->hdr_len = bswap32(h->hdr_len);
	h->version = d[2];
	h->flags = d[3];
	if (h->hdr_len < 24)
		return btfx_set_err(err, BTFX_E_HDR, EINVAL, 0, 4, "hdr_len %u is shorter than the 24-byte BTF header",
				    h->hdr_len);
	if (size < h->hdr_len)
		return btfx_set_err(err, BTFX_E_HDR, EINVAL, 0, 4, "btf_header not found: hdr_len %u exceeds blob size %zu",
				    h->hdr_len, size);
	known = h->hdr_len < 32 ? h->hdr_len : 32;
	memcpy(w, d, known);
	for (size_t i = h->hdr_len < 32 ? 24 : 32; i < h->hdr_len; i++)
		if (d[i])
			return btfx_set_err(err, BTFX_E_HDR, E2BIG, 0, (int64_t)i,
					    "Unsupported btf_header: non-zero byte 0x%02x at offset %zu of a %u-byte header",
					    d[i], i, h->hdr_len);
	if (btf->foreign)
		for (int i = 1; i < 8; i++)
			w[i] = bswap32(w[i]);
	h->type_off = w[2];
	h->type_len = w[3];
	h->str_off = w[4];
	h->str_len = w[5];
	h->layout_off = h->hdr_len >= 32 ? w[6] : 0;
	h->layout_len = h->hdr_len >= 32 ? w[7] : 0;
	if (h->version != 1)
		return btfx_set_err(err, BTFX_E_HDR, ENOTSUP, 0, 2, "Unsupported version %u", h->version);
	if (h->flags != 0)
		return btfx_set_err(err, BTFX_E_HDR, ENOTSUP, 0, 3, "Unsupported flags 0x%x", h->flags);
	if (!btf->base && size == h->hdr_len)
		return btfx_set_err(err, BTFX_E_HDR, EINVAL, 0, -1, "No data after the %u-byte header", h->hdr_len);
	return 0;
}

struct sec { uint32_t off, len; const char *name; };

/* Kernel rules (btf_check_sec_info): the sections tile the payload exactly. */
static int check_sections(struct btfx *btf, size_t size, struct btfx_error *err)
{
	const struct btfx_header_info *h = &btf->hdr;
	struct sec secs[3] = {
		{ h->type_off, h->type_len, "type" },
		{ h->str_off, h->str_len, "string" },
		{ h->layout_off, h->layout_len, "layout" },
	};
	int n = (h->hdr_len >= 32 && h->layout_len) ? 3 : 2;
	uint64_t expected = size - h->hdr_len, total = 0;

	/* an empty layout section, at any offset, is ignored as the kernel does */
	/* sort by (off, len) */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && (secs[j].off < secs[j - 1].off ||
					   (secs[j].off == secs[j - 1].off && secs[j].len < secs[j - 1].len)); j--) {
			struct sec tmp = secs[j];
			secs[j] = secs[j - 1];
			secs[j - 1] = tmp;
		}
	for (int i = 0; i < n; i++) {
		int64_t at = h->hdr_len + (int64_t)secs[i].off;
		if (expected < secs[i].off)
			return btfx_set_err(err, BTFX_E_SECTION, EINVAL, 0, at,
					    "Invalid section offset: %s section at %u is past the %llu data bytes",
					    secs[i].name, secs[i].off, (unsigned long long)expected);
		if (total < secs[i].off)
			return btfx_set_err(err, BTFX_E_SECTION, EINVAL, 0, h->hdr_len + (int64_t)total,
					    "Unsupported section found: %u unclaimed bytes before the %s section",
					    (uint32_t)(secs[i].off - total), secs[i].name);
		if (total > secs[i].off)
			return btfx_set_err(err, BTFX_E_SECTION, EINVAL, 0, at, "Section overlap found: %s section at %u",
					    secs[i].name, secs[i].off);
		if (expected - total < secs[i].len)
			return btfx_set_err(err, BTFX_E_SECTION, EINVAL, 0, at,
					    "Total section length too long: %s section of %u bytes at %u runs past the end",
					    secs[i].name, secs[i].len, secs[i].off);
		total += secs[i].len;
	}
	if (expected != total)
		return btfx_set_err(err, BTFX_E_SECTION, EINVAL, 0, h->hdr_len + (int64_t)total,
				    "Unsupported section found: %llu trailing bytes after the last section",
				    (unsigned long long)(expected - total));
	return 0;
}

static int parse_strings(struct btfx *btf, struct btfx_error *err)
{
	const struct btfx_header_info *h = &btf->hdr;
	const char *start = (const char *)btf->data + h->hdr_len + h->str_off;
	int64_t at = h->hdr_len + (int64_t)h->str_off;

	btf->strs = start;
	btf->start_str_off = btf->base ? btf->base->start_str_off + btf->base->hdr.str_len : 0;
	/* kernels before the layout section require the strings to end the blob */
	if (h->hdr_len < 32 && (uint64_t)h->hdr_len + h->str_off + h->str_len != btf->raw_size)
		return btfx_set_err(err, BTFX_E_STRTAB, EINVAL, 0, at, "String section is not at the end");
	if (btf->base && !h->str_len)
		return 0;
	if (!h->str_len)
		return btfx_set_err(err, BTFX_E_STRTAB, EINVAL, 0, at, "Invalid string section: empty");
	if (h->str_len - 1 > BTFX_MAX_NAME_OFFSET)
		return btfx_set_err(err, BTFX_E_STRTAB, EINVAL, 0, at,
				    "Invalid string section: %u bytes exceed the %u-byte limit", h->str_len,
				    BTFX_MAX_NAME_OFFSET + 1);
	if (start[h->str_len - 1])
		return btfx_set_err(err, BTFX_E_STRTAB, EINVAL, 0, at + h->str_len - 1,
				    "Invalid string section: last byte is not NUL");
	if (!btf->base && start[0])
		return btfx_set_err(err, BTFX_E_STRTAB, EINVAL, 0, at,
				    "Invalid string section: first byte is not NUL (string 0 must be empty)");
	return 0;
}

static int parse_layout(struct btfx *btf, struct btfx_error *err)
{
	const struct btfx_header_info *h = &btf->hdr;
	int64_t at = h->hdr_len + (int64_t)h->layout_off;

	if (h->hdr_len < 32 || !h->layout_len)
		return 0;
	if (h->layout_off % 4)
		return btfx_set_err(err, BTFX_E_LAYOUT, EINVAL, 0, at, "Unaligned layout_off %u", h->layout_off);
	if (h->layout_len < 4)
		return btfx_set_err(err, BTFX_E_LAYOUT, EINVAL, 0, at, "Layout section is too small (%u bytes)",
				    h->layout_len);
	if (h->layout_len % 4)
		return btfx_set_err(err, BTFX_E_LAYOUT, EINVAL, 0, at, "layout_len %u is not a multiple of 4",
				    h->layout_len);
	if ((uint64_t)h->layout_off < (uint64_t)h->type_off + h->type_len ||
	    (uint64_t)h->layout_off + h->layout_len > h->str_off)
		return btfx_set_err(err, BTFX_E_LAYOUT, EINVAL, 0, at,
				    "Layout section [%u, +%u) must lie between the types and the strings",
				    h->layout_off, h->layout_len);
	btf->layout = (const struct btfx_layout *)(btf->data + h->hdr_len + h->layout_off);
	btf->layout_cnt = h->layout_len / 4;
	for (uint32_t k = 0; k < btf->layout_cnt; k++) {
		const struct btfx_layout *l = &btf->layout[k];
		if (l->info_sz % 4 || l->elem_sz % 4)
			return btfx_set_err(err, BTFX_E_LAYOUT, EINVAL, 0, at + 4 * k,
					    "layout of kind %u: info_sz %u / elem_sz %u not multiples of 4", k,
					    l->info_sz, l->elem_sz);
		if (k > 0 && k < BTFX_KIND_NR &&
		    (l->info_sz != known_layout[k].info_sz || l->elem_sz != known_layout[k].elem_sz))
			return btfx_set_err(err, BTFX_E_LAYOUT, EINVAL, 0, at + 4 * k,
					    "layout of kind %u (%s) is {%u,%u}, expected {%u,%u}", k,
					    btfx__kind_name(k), l->info_sz, l->elem_sz, known_layout[k].info_sz,
					    known_layout[k].elem_sz);
	}
	return 0;
}

/*
 * BTFX_F_REFS_ONLY: btfx_check_refs()'s checks folded into framing, while
 * each record is in cache: the largest type id and string offset any
 * record references, and each FUNC's FUNC_PROTO, when it comes earlier,
 * through kinds[].  A later or missing FUNC_PROTO, kind 0, or a bound
 * exceeded sends the caller to btfx__check_refs() for the exact verdict
 * and message (the first bad type in id order).
 */

#define MAXU(a, b) ((a) > (b) ? (a) : (b))

/*
 * BTFX_F_REFS_ONLY's checks of one record that fits, id its id: the
 * largest type id and string offset it references, and a FUNC whose
 * FUNC_PROTO is not an earlier FUNC_PROTO (kinds[] of earlier ids).
 */
static inline __attribute__((always_inline)) void refs_record(const struct btfx *btf, const uint8_t *kinds,
								  const struct btfx_type *t, unsigned k, uint32_t id,
								  uint32_t *max_ref, uint32_t *max_name, bool *recheck)
{
	uint32_t mr = *max_ref, mn = MAXU(*max_name, t->name_off);

	switch (k) {
	case BTFX_KIND_PTR: case BTFX_KIND_TYPEDEF: case BTFX_KIND_VOLATILE: case BTFX_KIND_CONST:
	case BTFX_KIND_RESTRICT: case BTFX_KIND_TYPE_TAG: case BTFX_KIND_VAR: case BTFX_KIND_DECL_TAG:
		mr = MAXU(mr, t->type);
		break;
	case BTFX_KIND_FUNC: {
		uint32_t p = t->type;
		if (!p || p >= id ||
		    (p >= btf->start_id ? kinds[p - btf->start_id] : btfx_kind(btfx__type(btf, p))) != BTFX_KIND_FUNC_PROTO)
			*recheck = true;
		break;
	}
	case BTFX_KIND_ARRAY:
		mr = MAXU(mr, MAXU(btfx_array(t)->type, btfx_array(t)->index_type));
		break;
	case BTFX_KIND_ENUM:
		for (uint32_t i = 0, v = btfx_vlen(t); i < v; i++)
			mn = MAXU(mn, btfx_enums(t)[i].name_off);
		break;
	case BTFX_KIND_FUNC_PROTO:
		mr = MAXU(mr, t->type);
		for (uint32_t i = 0, v = btfx_vlen(t); i < v; i++) {
			mr = MAXU(mr, btfx_params(t)[i].type);
			mn = MAXU(mn, btfx_params(t)[i].name_off);
		}
		break;
	case BTFX_KIND_STRUCT: case BTFX_KIND_UNION:
		for (uint32_t i = 0, v = btfx_vlen(t); i < v; i++) {
			mr = MAXU(mr, btfx_members(t)[i].type);
			mn = MAXU(mn, btfx_members(t)[i].name_off);
		}
		break;
	case BTFX_KIND_ENUM64:
		for (uint32_t i = 0, v = btfx_vlen(t); i < v; i++)
			mn = MAXU(mn, btfx_enums64(t)[i].name_off);
		break;
	case BTFX_KIND_DATASEC:
		for (uint32_t i = 0, v = btfx_vlen(t); i < v; i++)
			mr = MAXU(mr, btfx_secinfos(t)[i].type);
		break;
	}
	*max_ref = mr;
	*max_name = mn;
}

/* refs_record() for own entries [from, to), framed already */
void btfx__refs_scan(const struct btfx *btf, uint32_t from, uint32_t to, struct btfx_refs_acc *acc)
{
	for (uint32_t i = from; i < to; i++) {
		const struct btfx_type *t = (const struct btfx_type *)(btf->types + btf->type_offs[i]);

		refs_record(btf, btf->kinds, t, btf->kinds[i], btf->start_id + i, &acc->max_ref, &acc->max_name,
			    &acc->recheck);
	}
}

/* type-section bytes framed between two looks at a helper's split (parse_types()) */
#define FRAME_SLICE (32u << 10)

/*
 * Frame records from fo->off while it is below stop (a record may end past
 * stop, not past the type section): offsets and kinds, from fo->n on.
 * kinds[] lets the validator walk references without touching the (much
 * larger, randomly placed) type records.  Record sizes
 * of the known kinds are computed inline; only kinds described by a layout
 * section take btfx__type_size().  id0 is the id of entry 0 (messages,
 * refs); a helper thread framing a tail passes 0 and err NULL: an error
 * only makes it stop (the caller frames that part again for the message).
 */
static inline __attribute__((always_inline)) int frame_records(const struct btfx *btf, uint32_t stop,
								   uint32_t id0, struct btfx_frame_out *fo,
								   struct btfx_refs_acc *acc, struct btfx_error *err,
								   const bool refs, const bool ess)
{
	const struct btfx_header_info *h = &btf->hdr;
	const uint8_t *types = btf->data + h->hdr_len + h->type_off;
	uint32_t len = h->type_len, off = fo->off, n = fo->n;
	uint32_t named = fo->named, named_ess = fo->named_ess, max_ref = 0, max_name = 0;
	int64_t base_off = h->hdr_len + (int64_t)h->type_off;
	uint32_t *offs = fo->offs;
	uint8_t *kinds = fo->kinds;
	int e = 0;

	if (refs) {
		max_ref = acc->max_ref;
		max_name = acc->max_name;
	}
	while (off < stop) {
		const struct btfx_type *t = (const struct btfx_type *)(types + off);
		uint32_t id = id0 + n;
		unsigned k;
		uint64_t need = 0;
		size_t sz;

		if (len - off < sizeof(*t)) {
			e = btfx_set_err(err, BTFX_E_TYPE_FRAME, EINVAL, id, base_off + off,
					 "[%u] meta_left:%u meta_needed:%zu", id, len - off, sizeof(*t));
			break;
		}
		k = btfx_kind(t);
		/*
		 * Known kinds: the sizes of btfx__type_size(), written as a
		 * switch so that the CPU can run ahead on a predicted kind
		 * instead of waiting for a table lookup on each record.
		 */
		switch (k) {
		case BTFX_KIND_PTR: case BTFX_KIND_TYPEDEF: case BTFX_KIND_VOLATILE: case BTFX_KIND_CONST:
		case BTFX_KIND_RESTRICT: case BTFX_KIND_TYPE_TAG:
			need = sz = sizeof(*t);
			break;
		case BTFX_KIND_FWD: case BTFX_KIND_FLOAT:
			need = sz = sizeof(*t);
			break;
		case BTFX_KIND_FUNC:
			need = sz = sizeof(*t);
			break;
		case BTFX_KIND_VAR: case BTFX_KIND_DECL_TAG:
			need = sz = sizeof(*t) + 4;
			break;
		case BTFX_KIND_INT:
			need = sz = sizeof(*t) + 4;
			break;
		/* kinds with trailing records: read only when they fit (else the check below fails) */
		case BTFX_KIND_ARRAY:
			need = sz = sizeof(*t) + 12;
			break;
		case BTFX_KIND_ENUM: case BTFX_KIND_FUNC_PROTO:
			need = sizeof(*t) + (uint64_t)btfx_vlen(t) * 8;
			sz = (size_t)need;
			break;
		case BTFX_KIND_STRUCT: case BTFX_KIND_UNION: case BTFX_KIND_ENUM64: case BTFX_KIND_DATASEC:
			need = sizeof(*t) + (uint64_t)btfx_vlen(t) * 12;
			sz = (size_t)need;
			break;
		default:
			sz = btfx__type_size(btf, t, &need);
			break;
		}
		if (!sz) {
			e = btfx_set_err(err, BTFX_E_KIND, EINVAL, id, base_off + off, "[%u] Invalid kind:%u%s", id, k,
					 layout_of(btf, 0) ? "" : " (no layout section describes it)");
			break;
		}
		if (need > len - off) {
			e = btfx_set_err(err, BTFX_E_TYPE_FRAME, EINVAL, id, base_off + off,
					 "[%u] %s meta_left:%u meta_needed:%llu", id, btfx__kind_name(k),
					 (uint32_t)(len - off - sizeof(*t)), (unsigned long long)(need - sizeof(*t)));
			break;
		}
		if ((uint64_t)id >= 0x7fffffffu) {
			e = btfx_set_err(err, BTFX_E_LIMIT, E2BIG, id, base_off + off, "too many types");
			break;
		}
		offs[n] = off;
		kinds[n++] = (uint8_t)k;
		off += sz;
		named += t->name_off != 0;
		named_ess += t->name_off != 0 && !btfx__ess_skip(k);
		if (refs)
			refs_record(btf, kinds, t, k, id, &max_ref, &max_name, &acc->recheck);
		if (ess && acc->ess_ids && t->name_off && !btfx__ess_skip(k)) {
			acc->ess_ids[2 * acc->n_ess] = id;
			acc->ess_ids[2 * acc->n_ess++ + 1] = t->name_off;
		}
	}
	fo->off = off;
	fo->n = n;
	fo->named = named;
	fo->named_ess = named_ess;
	if (refs) {
		acc->max_ref = max_ref;
		acc->max_name = max_name;
	}
	return e ? -1 : 0;
}

/* frame_records() without the libbpf-level checks (the copy a helper thread may run) */
int btfx__frame_plain(const struct btfx *btf, uint32_t stop, uint32_t id0, struct btfx_frame_out *fo,
		      struct btfx_error *err)
{
	return frame_records(btf, stop, id0, fo, NULL, err, false, false);
}

/* entries for at most this many records of a type section of len bytes (a record is at least 12) */
static inline uint32_t frame_cap(uint32_t len)
{
	return len / 12 + 1;
}

bool btfx__frame_alloc(struct btfx_frame_out *fo, uint32_t cap)
{
	memset(fo, 0, sizeof(*fo));
	fo->offs = malloc((size_t)cap * (sizeof(uint32_t) + 1));
	if (!fo->offs)
		return false;
	fo->kinds = (uint8_t *)(fo->offs + cap);
	return true;
}

/*
 * Frame the type section into type_offs[] and kinds[] (one
 * allocation).  With a validation job, its helper thread may frame the
 * tail from a record boundary it finds (btfx__vjob_frame_split()): this
 * thread frames up to it, and takes the helper's entries if it lands
 * exactly there, which proves the boundary.
 */
static int parse_types(struct btfx *btf, struct btfx_vjob *job, struct btfx_refs_acc *acc, struct btfx_hjob *hj,
		       struct btfx_error *err)
{
	const struct btfx_header_info *h = &btf->hdr;
	uint32_t len = h->type_len;
	struct btfx_frame_out fo;
	int e;

	if (h->type_off % 4)
		return btfx_set_err(err, BTFX_E_SECTION, EINVAL, 0, h->hdr_len + (int64_t)h->type_off,
				    "Unaligned type_off %u", h->type_off);
	if (!btf->base && !len)
		return btfx_set_err(err, BTFX_E_SECTION, EINVAL, 0, h->hdr_len + (int64_t)h->type_off,
				    "No type found: type section is empty");
	btf->types = btf->data + h->hdr_len + h->type_off;
	if (!btfx__frame_alloc(&fo, frame_cap(len)))
		return btfx_set_err(err, BTFX_E_NOMEM, ENOMEM, 0, -1, "out of memory");
	btf->type_offs = fo.offs;
	btf->kinds = fo.kinds;
	if (job) {
		/*
		 * The pages framing will likely fill (a vmlinux averages 25
		 * bytes a record), mapped in one call each: a fresh page costs
		 * more as a fault on first touch, and the memory is fresh when
		 * other work freed it in between.
		 */
		uint32_t est = len / 24 < frame_cap(len) ? len / 24 : frame_cap(len);
		btfx__populate(fo.offs, (size_t)est * sizeof(uint32_t));
		btfx__populate(fo.kinds, est);
	}
	if (acc && hj) { /* in slices, publishing them to the helper, which checks them and hashes the names */
		e = 0;
		while (!e && fo.off < len) {
			e = frame_records(btf, len - fo.off > FRAME_SLICE ? fo.off + FRAME_SLICE : len, btf->start_id, &fo,
					  acc, err, false, true);
			btfx__hash_publish(hj, acc->n_ess, fo.n);
		}
	} else if (acc) {
		e = frame_records(btf, len, btf->start_id, &fo, acc, err, true, true);
	} else if (job) {
		e = 0;
		while (!e && fo.off < len) {
			/* slices, so that the helper sees where we are and we see its split */
			uint32_t split = btfx__vjob_frame_split(job, fo.off);
			uint32_t stop = split > fo.off ? split : (len - fo.off > FRAME_SLICE ? fo.off + FRAME_SLICE : len);

			e = frame_records(btf, stop, btf->start_id, &fo, NULL, err, false, false);
			if (!e && split > 0 && fo.off >= split)
				e = btfx__vjob_frame_join(job, &fo, fo.off == split);
		}
	} else {
		e = frame_records(btf, len, btf->start_id, &fo, NULL, err, false, false);
	}
	if (e)
		return e;
	btf->nr_types = fo.n;
	btf->n_named = fo.named;
	btf->n_named_ess = fo.named_ess;
	return 0;
}

void btfx__err_prefix(struct btfx_error *err, const char *path)
{
	char tmp[sizeof(err->msg) + 64];
	int n;

	if (!err || !path || !err->code)
		return;
	n = snprintf(tmp, sizeof(tmp), "%s: %s", path, err->msg);
	if (n < 0)
		return;
	tmp[sizeof(err->msg) - 1] = 0;
	memcpy(err->msg, tmp, sizeof(err->msg));
}

/* After framing with a refs_acc: the checks framing could not settle */
static int refs_finish(struct btfx *btf, const struct btfx_refs_acc *acc, struct btfx_error *err)
{
	uint64_t str_end = (uint64_t)btf->start_str_off + btf->hdr.str_len;

	if (acc->recheck || acc->max_ref >= btfx_type_cnt(btf) || acc->max_name >= str_end)
		return btfx__check_refs(btf, err, false);
	return 0;
}

struct btfx *btfx__parse_blob(const void *data, size_t size, const char *path, const struct btfx_open_opts *opts,
			      struct btfx_error *err)
{
	struct btfx *btf = calloc(1, sizeof(*btf));
	struct btfx_vjob *job = NULL;
	struct btfx_hjob *hj = NULL;
	uint32_t *hashes = NULL;
	int e;

	if (!btf) {
		btfx_set_err(err, BTFX_E_NOMEM, ENOMEM, 0, -1, "out of memory");
		return NULL;
	}
	btf->fd = -1;
	btf->path = strdup(path ? path : "<memory>");
	if (!btf->path) {
		free(btf);
		btfx_set_err(err, BTFX_E_NOMEM, ENOMEM, 0, -1, "out of memory");
		return NULL;
	}
	btf->base = BTFX_OPTS_GET(opts, base, NULL);
	btf->flags = BTFX_OPTS_GET(opts, flags, 0);
	btf->start_id = btf->base ? btfx_type_cnt(btf->base) : 1;
	btf->raw = data;
	btf->raw_size = size;
	btf->data = data;
	btf->src = BTFX_SRC_RAW;

	e = parse_header(btf, data, size, err);
	e = e ?: check_sections(btf, size, err);
	/*
	 * A private host-order copy for foreign-endian blobs, and for blobs
	 * whose type section is not 4-byte aligned in memory (an odd hdr_len,
	 * or a caller's buffer at an odd address): records are read as u32s.
	 * The copy is placed so that the type section starts aligned.
	 */
	if (!e && (btf->foreign || ((uintptr_t)data + btf->hdr.hdr_len + btf->hdr.type_off) % 4)) {
		size_t pad = (4 - (btf->hdr.hdr_len + btf->hdr.type_off) % 4) % 4;
		uint8_t *mem = malloc(size + pad + 1), *copy = mem ? mem + pad : NULL;
		if (!copy) {
			e = btfx_set_err(err, BTFX_E_NOMEM, ENOMEM, 0, -1, "out of memory");
		} else {
			struct btfx_header_info *h = &btf->hdr;
			memcpy(copy, data, size);
			btf->swapped = mem;
			btf->data = copy;
			if (btf->foreign && h->hdr_len >= 32 && h->layout_len) {
				struct btfx_layout *l = (struct btfx_layout *)(copy + h->hdr_len + h->layout_off);
				for (uint32_t k = 0; k < h->layout_len / 4; k++)
					l[k].flags = bswap16(l[k].flags);
			}
		}
	}
	e = e ?: parse_strings(btf, err);
	e = e ?: parse_layout(btf, err);
	if (!e && btf->foreign)
		e = swap_types(btf, (uint8_t *)btf->data + btf->hdr.hdr_len + btf->hdr.type_off, btf->hdr.type_len,
			       err);
	if (!e)
		job = btfx__validate_start(btf); /* a helper starts on the strings while we frame */
	bool refs_only = (btf->flags & (BTFX_F_NO_VALIDATE | BTFX_F_REFS_ONLY)) == BTFX_F_REFS_ONLY;
	struct btfx_refs_acc acc = { 0 };

	if (!e && refs_only && (btf->flags & BTFX_F_INDEX_ESSENTIAL)) {
		/* at most one id per 12-byte record; pages are touched only as used */
		acc.ess_ids = malloc(((size_t)btf->hdr.type_len / 12 + 1) * 2 * sizeof(*acc.ess_ids));
		if (!acc.ess_ids)
			e = btfx_set_err(err, BTFX_E_NOMEM, ENOMEM, 0, -1, "out of memory");
		else
			hj = btfx__hash_start(btf, acc.ess_ids); /* NULL: the table hashes them itself */
	}
	e = e ?: parse_types(btf, job, refs_only ? &acc : NULL, hj, err);
	hashes = btfx__hash_finish(hj, acc.n_ess, e ? 0 : btf->nr_types, !e, &acc); /* adds its checks to acc */
	if (!e && !(btf->flags & BTFX_F_NO_VALIDATE) && !(btf->flags & BTFX_F_REFS_ONLY)) {
		e = btfx__validate(btf, job, err); /* ends the job */
	} else {
		btfx__validate_end(job);
		if (!e && refs_only)
			e = refs_finish(btf, &acc, err);
	}
	if (!e && (btf->flags & BTFX_F_INDEX_ESSENTIAL)) {
		btf->ess_ids = acc.ess_ids; /* the table's entries, found (and hashed) while framing */
		btf->ess_hashes = hashes;
		btf->n_ess_ids = acc.n_ess;
		btfx__names_build(btf, true); /* on failure, lookups build or scan later */
		btf->ess_ids = btf->ess_hashes = NULL;
	}
	free(hashes);
	free(acc.ess_ids);
	if (e) {
		btfx__err_prefix(err, btf->path);
		btf->raw = NULL; /* caller owns data */
		btfx_free(btf);
		return NULL;
	}
	return btf;
}

BTFX_API struct btfx *btfx_parse(const void *data, size_t size, const char *name, bool copy,
				 const struct btfx_open_opts *opts, struct btfx_error *err)
{
	struct btfx *btf;
	void *buf = NULL;

	if (err)
		memset(err, 0, sizeof(*err));
	if (!data && size) {
		btfx_set_err(err, BTFX_E_USAGE, EINVAL, 0, -1, "NULL data");
		return NULL;
	}
	if (copy) {
		buf = malloc(size ? size : 1);
		if (!buf) {
			btfx_set_err(err, BTFX_E_NOMEM, ENOMEM, 0, -1, "out of memory");
			return NULL;
		}
		memcpy(buf, data, size);
		data = buf;
	}
	btf = btfx__parse_blob(data, size, name, opts, err);
	if (!btf)
		free(buf);
	else
		btf->buf = buf;
	return btf;
}

/* ------------------------------------------------------------------ */
/* Queries                                                              */
/* ------------------------------------------------------------------ */

BTFX_API const char *btfx_path(const struct btfx *btf) { return btf->path; }
BTFX_API enum btfx_source_kind btfx_source(const struct btfx *btf) { return btf->src; }
BTFX_API const struct btfx *btfx_base(const struct btfx *btf) { return btf->base; }
BTFX_API bool btfx_is_foreign_endian(const struct btfx *btf) { return btf->foreign; }
BTFX_API uint32_t btfx_start_id(const struct btfx *btf) { return btf->start_id; }
BTFX_API uint32_t btfx_type_cnt(const struct btfx *btf) { return btf->start_id + btf->nr_types; }

static const struct btfx_type void_type;

BTFX_API const struct btfx_type *btfx_type_by_id(const struct btfx *btf, uint32_t id)
{
	if (id == 0)
		return &void_type;
	if (id >= btf->start_id + btf->nr_types) {
		errno = EINVAL;
		return NULL;
	}
	return btfx__type(btf, id);
}

BTFX_API const char *btfx_str(const struct btfx *btf, uint32_t off)
{
	const struct btfx *b = btf;

	while (off < b->start_str_off)
		b = b->base;
	if (off - b->start_str_off >= b->hdr.str_len) {
		errno = EINVAL;
		return NULL;
	}
	return b->strs + (off - b->start_str_off);
}

BTFX_API const void *btfx_raw_data(const struct btfx *btf, size_t *size)
{
	if (size)
		*size = btf->raw_size;
	return btf->raw;
}

BTFX_API void btfx_header(const struct btfx *btf, struct btfx_header_info *hdr)
{
	*hdr = btf->hdr;
}
