// SPDX-License-Identifier: BSD-2-Clause
/*
 * Struct/union layout as data (include/btfx/layout.h) and C declarations
 * of types (btfx_type_decl).
 *
 * Layout walk.  One pass over the members of the type, recursing into
 * members whose type is an anonymous struct/union (they are printed
 * inline, as pahole does).  Each struct level keeps `end`, the highest bit
 * covered so far, and the storage unit of the last bitfield; a member
 * starting after `end` leaves a gap, split into
 *   - a bit hole: the bits left in the previous bitfield's storage unit,
 *     plus any remainder that is not a whole byte, and
 *   - a byte hole: the whole bytes after that.
 * Example (u32 a:3; u8 b at byte 8):  a ends at bit 3, its unit at bit 32:
 * bit hole 29, byte hole 4 (bits 32..63).  Unions have no holes.  The
 * totals satisfy, for a struct:
 *   size*8 == 8*(sum_members + sum_holes + padding)
 *             + sum_bitfields + sum_bit_holes + bit_padding
 * as long as members do not overlap (they do not in C structs).
 *
 * Cacheline items are emitted before the first member (at any depth) that
 * starts in a cacheline after the last one seen.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btfx/layout.h"
#include "internal.h"

#define LAYOUT_MAX_DEPTH 32
#define DECL_MAX_DEPTH 32
/* Parameter declarations written per btfx_type_decl call: a function
 * pointer whose parameters are function pointers to the same kind of type
 * doubles the text at each level (2^32 at DECL_MAX_DEPTH); real types need
 * a few dozen.  Past the budget a parameter is written "?". */
#define DECL_MAX_PARAMS 64

/* ------------------------------------------------------------------ */
/* C declarations                                                      */
/* ------------------------------------------------------------------ */

struct sb {
	char *p;
	size_t len, cap;
	bool oom;
	char inl[192]; /* most declarations fit: no allocation */
};

static void sb_init(struct sb *b)
{
	b->p = b->inl;
	b->len = 0;
	b->cap = sizeof(b->inl);
	b->oom = false;
	b->inl[0] = 0;
}

static void sb_fini(struct sb *b)
{
	if (b->p != b->inl)
		free(b->p);
}

static bool sb_reserve(struct sb *b, size_t n)
{
	if (b->oom)
		return false;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap * 2;
		char *p;
		while (cap < b->len + n + 1)
			cap *= 2;
		if (b->p == b->inl) {
			p = malloc(cap);
			if (p)
				memcpy(p, b->inl, b->len + 1);
		} else {
			p = realloc(b->p, cap);
		}
		if (!p) {
			b->oom = true;
			return false;
		}
		b->p = p;
		b->cap = cap;
	}
	return true;
}

static void sb_add(struct sb *b, const char *s, size_t n)
{
	if (!sb_reserve(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

static void sb_puts(struct sb *b, const char *s) { sb_add(b, s, strlen(s)); }

static void sb_prepend(struct sb *b, const char *s)
{
	size_t n = strlen(s);
	if (!sb_reserve(b, n))
		return;
	memmove(b->p + n, b->p, b->len + 1);
	memcpy(b->p, s, n);
	b->len += n;
}

static const char *str_or(const struct btfx *btf, uint32_t off, const char *dflt)
{
	const char *s = off ? btfx_str(btf, off) : NULL;
	return s && *s ? s : dflt;
}

static const struct btfx_type *type_at(const struct btfx *btf, uint32_t id)
{
	return id && id < btfx_type_cnt(btf) ? btfx_type_by_id(btf, id) : NULL;
}

/* skip TYPE_TAG only */
static uint32_t skip_tags(const struct btfx *btf, uint32_t id)
{
	const struct btfx_type *t;
	for (int i = 0; i < DECL_MAX_DEPTH && (t = type_at(btf, id)) && btfx_kind(t) == BTFX_KIND_TYPE_TAG; i++)
		id = t->type;
	return id;
}

static void decl_build(const struct btfx *btf, uint32_t id, const char *name, struct sb *out, size_t *split,
		       int depth, unsigned *params);

static void base_name(const struct btfx *btf, const struct btfx_type *t, struct sb *b)
{
	const char *n = str_or(btf, t->name_off, NULL);

	switch (btfx_kind(t)) {
	case BTFX_KIND_STRUCT: sb_puts(b, "struct "); break;
	case BTFX_KIND_UNION: sb_puts(b, "union "); break;
	case BTFX_KIND_ENUM: case BTFX_KIND_ENUM64: sb_puts(b, "enum "); break;
	case BTFX_KIND_FWD: sb_puts(b, btfx_kflag(t) ? "union " : "struct "); break;
	default: break;
	}
	sb_puts(b, n ? n : "{...}");
}

static void decl_build(const struct btfx *btf, uint32_t id, const char *name, struct sb *out, size_t *split,
		       int depth, unsigned *params)
{
	struct sb s, pre;
	const struct btfx_type *t;
	size_t stars = 0;
	bool leading = true; /* still only '*' prepended to s */

	sb_init(&s);
	sb_init(&pre);
	if (name)
		sb_puts(&s, name);
	for (int i = 0; i < DECL_MAX_DEPTH * 4; i++) {
		t = type_at(btf, id);
		if (!id) {
			sb_puts(&pre, "void");
			goto done;
		}
		if (!t) {
			sb_puts(&pre, "?");
			goto done;
		}
		switch (btfx_kind(t)) {
		case BTFX_KIND_PTR: {
			const struct btfx_type *n = type_at(btf, skip_tags(btf, t->type));
			unsigned nk = n ? btfx_kind(n) : 0;
			if (nk == BTFX_KIND_ARRAY || nk == BTFX_KIND_FUNC_PROTO) {
				sb_prepend(&s, "(*");
				sb_puts(&s, ")");
				leading = false;
			} else {
				sb_prepend(&s, "*");
				if (leading)
					stars++;
			}
			id = t->type;
			break;
		}
		case BTFX_KIND_CONST: case BTFX_KIND_VOLATILE: case BTFX_KIND_RESTRICT: {
			const char *q = btfx_kind(t) == BTFX_KIND_CONST ? "const " :
					btfx_kind(t) == BTFX_KIND_VOLATILE ? "volatile " : "restrict ";
			const struct btfx_type *n = type_at(btf, skip_tags(btf, t->type));
			if (n && btfx_kind(n) == BTFX_KIND_PTR) {
				sb_prepend(&s, q);
				leading = false;
			} else {
				sb_puts(&pre, q);
			}
			id = t->type;
			break;
		}
		case BTFX_KIND_TYPE_TAG:
		case BTFX_KIND_VAR:
			id = t->type;
			break;
		case BTFX_KIND_ARRAY: {
			char tmp[16];
			int k = sizeof(tmp);
			uint32_t v = btfx_array(t)->nelems;
			tmp[--k] = 0;
			tmp[--k] = ']';
			do {
				tmp[--k] = (char)('0' + v % 10);
				v /= 10;
			} while (v);
			tmp[--k] = '[';
			sb_puts(&s, tmp + k);
			leading = false;
			id = btfx_array(t)->type;
			break;
		}
		case BTFX_KIND_FUNC:
			id = t->type;
			break;
		case BTFX_KIND_FUNC_PROTO: {
			const struct btfx_param *p = btfx_params(t);
			uint32_t vlen = btfx_vlen(t);
			sb_puts(&s, "(");
			if (!vlen)
				sb_puts(&s, "void");
			for (uint32_t k = 0; k < vlen; k++) {
				if (k)
					sb_puts(&s, ", ");
				if (!p[k].type && k == vlen - 1)
					sb_puts(&s, "...");
				else if (depth < DECL_MAX_DEPTH && ++*params <= DECL_MAX_PARAMS)
					decl_build(btf, p[k].type, NULL, &s, NULL, depth + 1, params);
				else
					sb_puts(&s, "?");
			}
			sb_puts(&s, ")");
			leading = false;
			id = t->type;
			break;
		}
		default:
			base_name(btf, t, &pre);
			goto done;
		}
	}
	sb_puts(&pre, "?");
done:
	if (s.len) {
		sb_puts(&pre, " ");
		if (split)
			*split = out->len + pre.len + stars;
		sb_add(&pre, s.p, s.len);
	} else if (split) {
		*split = out->len + pre.len;
	}
	if (pre.oom || s.oom)
		out->oom = true;
	else
		sb_add(out, pre.p, pre.len);
	sb_fini(&s);
	sb_fini(&pre);
}

BTFX_API size_t btfx_type_decl(const struct btfx *btf, uint32_t id, const char *name, char *buf, size_t sz,
			       size_t *split)
{
	struct sb b;
	size_t n;
	unsigned params = 0;

	sb_init(&b);
	if (name && !*name)
		name = NULL;
	decl_build(btf, id, name, &b, split, 0, &params);
	n = b.oom ? 0 : b.len;
	if (sz) {
		size_t c = n < sz - 1 ? n : sz - 1;
		if (c)
			memcpy(buf, b.p, c);
		buf[c] = 0;
	}
	sb_fini(&b);
	return n;
}

/* ------------------------------------------------------------------ */
/* Layout                                                              */
/* ------------------------------------------------------------------ */

struct walk {
	const struct btfx *btf;
	struct btfx_record_layout *l;
	size_t cap;
	size_t budget;  /* most items a layout may have (see layout_budget) */
	uint64_t last_cl;
	bool oom;
	bool too_big;
};

/*
 * Items are a few per member, but an anonymous struct/union member is laid
 * out inline at each use, so a type shared by several members (dedup
 * merges identical anonymous types; hostile BTF nests them on purpose)
 * expands once per path: 2^depth for a chain that embeds it twice.  The
 * budget is proportional to the BTF's size (every member record is 12
 * bytes of its type section), far above any real layout.
 */
static size_t layout_budget(const struct btfx *btf)
{
	uint64_t members = 0;
	struct btfx_header_info h;

	for (const struct btfx *b = btf; b; b = btfx_base(b)) {
		btfx_header(b, &h);
		members += h.type_len / 12;
	}
	members = members * 16 + 4096;
	return members < SIZE_MAX / sizeof(struct btfx_lay_item) ? (size_t)members : SIZE_MAX / sizeof(struct btfx_lay_item);
}

static struct btfx_lay_item *push(struct walk *w, unsigned kind, unsigned depth)
{
	struct btfx_lay_item *it;

	if (w->oom || w->too_big)
		return NULL;
	if (w->l->nr_items >= w->budget) {
		w->too_big = true;
		return NULL;
	}
	if (w->l->nr_items == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		void *p = realloc(w->l->items, cap * sizeof(*it));
		if (!p) {
			w->oom = true;
			return NULL;
		}
		w->l->items = p;
		w->cap = cap;
	}
	it = &w->l->items[w->l->nr_items++];
	memset(it, 0, sizeof(*it));
	it->kind = (uint8_t)kind;
	it->depth = (uint8_t)depth;
	return it;
}

static void cacheline(struct walk *w, uint64_t off, unsigned depth)
{
	uint64_t cl = off / w->l->cacheline_size;
	struct btfx_lay_item *it;

	if (cl <= w->last_cl)
		return;
	w->last_cl = cl;
	it = push(w, BTFX_LAY_CACHELINE, depth);
	if (it) {
		it->offset = cl * w->l->cacheline_size;
		it->size = cl;
	}
}

/* resolved (mods + typedefs skipped) type of a member */
static const struct btfx_type *resolved(const struct btfx *btf, uint32_t id)
{
	return type_at(btf, btfx_skip_mods(btf, id, true));
}

/* anonymous struct/union reached through modifiers only (not typedefs),
 * directly or as the element of an array (*is_array) */
static const struct btfx_type *anon_composite(const struct btfx *btf, uint32_t id, uint32_t *out_id, bool *is_array)
{
	uint32_t rid = btfx_skip_mods(btf, id, false);
	const struct btfx_type *t = type_at(btf, rid);

	*is_array = false;
	if (t && btfx_kind(t) == BTFX_KIND_ARRAY) {
		rid = btfx_skip_mods(btf, btfx_array(t)->type, false);
		t = type_at(btf, rid);
		*is_array = true;
	}
	if (t && btfx_is_composite(t) && !t->name_off) {
		*out_id = rid;
		return t;
	}
	return NULL;
}

/* Trailing padding of a struct (bytes after the end of its last member's
 * storage), as the layout walk computes it for its outermost level. */
static uint64_t tail_padding(const struct btfx *btf, uint32_t id)
{
	const struct btfx_type *t = type_at(btf, btfx_skip_mods(btf, id, true));
	uint64_t end = 0, unit_end = 0, gap, bits = 0;
	bool bf = false;

	if (!t || btfx_kind(t) != BTFX_KIND_STRUCT)
		return 0;
	/* fast path: the last member is no bitfield and reaches the end */
	if (btfx_vlen(t) && !btfx_member_bitfield_size(t, btfx_vlen(t) - 1)) {
		uint32_t i = btfx_vlen(t) - 1, mt = btfx_members(t)[i].type;
		const struct btfx_type *rt = resolved(btf, mt);
		int64_t sz = btfx_resolve_size(btf, mt);
		if (rt && !(btfx_kind(rt) == BTFX_KIND_INT && btfx_int_bits(rt) != rt->size * 8) && sz > 0 &&
		    btfx_member_bit_offset(t, i) + (uint64_t)sz * 8 >= (uint64_t)t->size * 8)
			return 0;
	}
	for (uint32_t i = 0; i < btfx_vlen(t); i++) {
		uint32_t mt = btfx_members(t)[i].type;
		uint64_t bit = btfx_member_bit_offset(t, i), e;
		uint32_t bsz = btfx_member_bitfield_size(t, i);
		int64_t sz = btfx_resolve_size(btf, mt);
		const struct btfx_type *rt = resolved(btf, mt);
		if (sz < 0)
			sz = 0;
		if (!bsz && !btfx_kflag(t) && rt && btfx_kind(rt) == BTFX_KIND_INT &&
		    btfx_int_bits(rt) != rt->size * 8) {
			bsz = btfx_int_bits(rt);
			bit += btfx_int_offset(rt);
		}
		e = bsz ? bit + bsz : bit + (uint64_t)sz * 8;
		if (e > end) {
			end = e;
			bf = bsz != 0;
			unit_end = bsz && sz ? (bit / ((uint64_t)sz * 8) + 1) * (uint64_t)sz * 8 : 0;
		}
	}
	if ((uint64_t)t->size * 8 <= end)
		return 0;
	gap = (uint64_t)t->size * 8 - end;
	if (bf && unit_end > end)
		bits = gap < unit_end - end ? gap : unit_end - end;
	bits += (gap - bits) % 8;
	return (gap - bits) / 8;
}

/* level totals, only kept for the outermost level */
struct totals {
	uint32_t nr_holes, nr_bit_holes;
	uint64_t sum_holes, sum_bit_holes, sum_members, sum_bitfields, padding, sum_paddings;
	uint32_t bit_padding, nr_paddings;
};

static int too_big(const struct walk *w, struct btfx_error *err)
{
	if (!err->code) {
		err->code = BTFX_E_LIMIT;
		err->sys_errno = E2BIG;
		snprintf(err->msg, sizeof(err->msg),
			 "%s: layout needs more than %zu items (shared anonymous types nest exponentially?)",
			 btfx_path(w->btf), w->budget);
	}
	return -E2BIG;
}

static int walk_level(struct walk *w, const struct btfx_type *t, uint64_t base_bits, unsigned depth,
		      struct totals *tot, struct btfx_error *err)
{
	const struct btfx *btf = w->btf;
	const struct btfx_member *m = btfx_members(t);
	uint32_t vlen = btfx_vlen(t);
	bool is_union = btfx_kind(t) == BTFX_KIND_UNION;
	uint64_t end = base_bits;      /* highest bit covered */
	uint64_t unit_end = 0;         /* end of last bitfield's storage unit, 0 if none */
	bool prev_bf = false;
	uint64_t level_end = base_bits + (uint64_t)t->size * 8;

	if (depth >= LAYOUT_MAX_DEPTH) {
		err->code = BTFX_E_DEPTH;
		snprintf(err->msg, sizeof(err->msg), "%s: anonymous members nested deeper than %d",
			 btfx_path(btf), LAYOUT_MAX_DEPTH);
		return -ELOOP;
	}
	for (uint32_t i = 0; i < vlen && !w->oom && !w->too_big; i++) {
		uint64_t bit = base_bits + btfx_member_bit_offset(t, i);
		uint32_t bsz = btfx_member_bitfield_size(t, i);
		const struct btfx_type *rt = resolved(btf, m[i].type);
		int64_t rsz = btfx_resolve_size(btf, m[i].type);
		uint64_t size = rsz > 0 ? (uint64_t)rsz : 0;
		uint64_t mstart, mend, off;
		uint32_t pos = 0, anon_id = 0;
		bool arr;
		const struct btfx_type *anon = anon_composite(btf, m[i].type, &anon_id, &arr);
		uint16_t last = i + 1 == vlen ? BTFX_LAY_F_LAST : 0;
		struct btfx_lay_item *it;

		/* kflag=0 bitfields live in the INT encoding */
		if (!bsz && !btfx_kflag(t) && rt && btfx_kind(rt) == BTFX_KIND_INT &&
		    btfx_int_bits(rt) != rt->size * 8) {
			bsz = btfx_int_bits(rt);
			bit += btfx_int_offset(rt);
		}
		if (bsz && size && rt && (btfx_kind(rt) == BTFX_KIND_INT || btfx_is_any_enum(rt))) {
			uint64_t ub = size * 8;
			off = bit / ub * ub / 8;
			pos = (uint32_t)(bit - off * 8);
		} else {
			off = bit / 8;
			pos = (uint32_t)(bit % 8);
		}
		mstart = bit;
		mend = bsz ? bit + bsz : bit + size * 8;

		/* gap before this member */
		if (!is_union && mstart > end) {
			uint64_t gap = mstart - end, bits = 0, bytes;
			if (prev_bf && unit_end > end)
				bits = gap < unit_end - end ? gap : unit_end - end;
			bytes = (gap - bits) / 8;
			bits += (gap - bits) % 8;
			if (bits && (it = push(w, BTFX_LAY_BIT_HOLE, depth))) {
				it->offset = end / 8;
				it->bit_offset = end;
				it->size = bits;
				it->member_idx = i;
			}
			if (bytes && (it = push(w, BTFX_LAY_HOLE, depth))) {
				it->offset = (end + bits + 7) / 8;
				it->bit_offset = end + bits;
				it->size = bytes;
				it->member_idx = i;
			}
			if (tot) {
				if (bits) {
					tot->nr_bit_holes++;
					tot->sum_bit_holes += bits;
				}
				if (bytes) {
					tot->nr_holes++;
					tot->sum_holes += bytes;
				}
			}
		}
		cacheline(w, off, depth);
		if (anon && !bsz) {
			uint16_t fl = (uint16_t)((btfx_kind(anon) == BTFX_KIND_UNION ? BTFX_LAY_F_UNION : 0) |
						 (arr ? BTFX_LAY_F_ARRAY : 0) | last);
			for (int k = 0; k < 2; k++) {
				if (k && walk_level(w, anon, bit, depth + 1, NULL, err))
					return -ELOOP;
				it = push(w, k ? BTFX_LAY_CLOSE : BTFX_LAY_OPEN, depth);
				if (it) {
					it->type_id = k ? m[i].type : anon_id;
					it->name = str_or(btf, m[i].name_off, NULL);
					it->member_idx = i;
					it->bit_offset = bit;
					it->offset = off;
					it->size = size;
					it->flags = fl;
				}
			}
		} else {
			it = push(w, BTFX_LAY_MEMBER, depth);
			if (it) {
				it->type_id = m[i].type;
				it->name = str_or(btf, m[i].name_off, NULL);
				it->member_idx = i;
				it->bit_offset = bit;
				it->offset = off;
				it->size = size;
				it->bit_size = bsz;
				it->bit_pos = bsz ? pos : 0;
				it->flags = (uint16_t)((bsz ? BTFX_LAY_F_BITFIELD : 0) | last);
				it->tail_padding = bsz ? 0 : tail_padding(btf, m[i].type);
				if (tot && it->tail_padding) {
					tot->nr_paddings++;
					tot->sum_paddings += it->tail_padding;
				}
			}
		}
		if (tot) {
			if (bsz)
				tot->sum_bitfields += bsz;
			else
				tot->sum_members += size;
		}
		if (mend > end || is_union) {
			if (is_union) {
				if (mend > end)
					end = mend;
			} else {
				end = mend;
			}
		}
		prev_bf = bsz != 0;
		unit_end = bsz ? (off + size) * 8 : 0;
	}
	if (w->oom)
		return -ENOMEM;
	if (w->too_big)
		return too_big(w, err);
	if (tot && level_end > end) {
		uint64_t gap = level_end - end, bits = 0;
		if (prev_bf && unit_end > end && !is_union)
			bits = gap < unit_end - end ? gap : unit_end - end;
		bits += (gap - bits) % 8;
		tot->bit_padding = (uint32_t)bits;
		tot->padding = (gap - bits) / 8;
	}
	return 0;
}

BTFX_API struct btfx_record_layout *btfx_record_layout_new(const struct btfx *btf, uint32_t id,
							   const struct btfx_layout_opts *opts,
							   struct btfx_error *err)
{
	struct btfx_error lerr;
	struct btfx_record_layout *l;
	const struct btfx_type *t;
	struct totals tot = { 0 };
	struct walk w = { 0 };
	uint32_t rid, cls = 64;
	int e;

	if (!err)
		err = &lerr;
	memset(err, 0, sizeof(*err));
	err->offset = -1;
	if (opts && opts->sz >= offsetof(struct btfx_layout_opts, cacheline_size) + sizeof(uint32_t) &&
	    opts->cacheline_size)
		cls = opts->cacheline_size;
	if (!btf || !id || id >= btfx_type_cnt(btf)) {
		err->code = BTFX_E_USAGE;
		err->type_id = id;
		snprintf(err->msg, sizeof(err->msg), "%s: no type with id %u", btf ? btfx_path(btf) : "?", id);
		return NULL;
	}
	rid = btfx_skip_mods(btf, id, true);
	t = type_at(btf, rid);
	if (!t || !btfx_is_composite(t)) {
		err->code = BTFX_E_USAGE;
		err->type_id = id;
		snprintf(err->msg, sizeof(err->msg), "%s: [%u] %s '%s': not a struct or union", btfx_path(btf), id,
			 btfx_kind_str(btfx_kind(btfx_type_by_id(btf, id))),
			 str_or(btf, btfx_type_by_id(btf, id)->name_off, "(anon)"));
		return NULL;
	}
	l = calloc(1, sizeof(*l));
	if (!l)
		goto nomem;
	l->type_id = rid;
	l->name = str_or(btf, t->name_off, NULL);
	l->is_union = btfx_kind(t) == BTFX_KIND_UNION;
	l->cacheline_size = cls;
	l->size = t->size;
	l->nr_members = btfx_vlen(t);
	l->nr_cachelines = (uint32_t)((l->size + cls - 1) / cls);
	w.btf = btf;
	w.l = l;
	w.budget = layout_budget(btf);
	e = walk_level(&w, t, 0, 0, &tot, err);
	if (w.oom) {
		btfx_record_layout_free(l);
		goto nomem;
	}
	if (e) {
		err->type_id = rid;
		btfx_record_layout_free(l);
		return NULL;
	}
	l->nr_holes = tot.nr_holes;
	l->sum_holes = tot.sum_holes;
	l->nr_bit_holes = tot.nr_bit_holes;
	l->sum_bit_holes = tot.sum_bit_holes;
	l->sum_members = tot.sum_members;
	l->sum_bitfields = tot.sum_bitfields;
	l->padding = tot.padding;
	l->bit_padding = tot.bit_padding;
	l->nr_paddings = tot.nr_paddings;
	l->sum_paddings = tot.sum_paddings;
	return l;
nomem:
	err->code = BTFX_E_NOMEM;
	err->sys_errno = ENOMEM;
	snprintf(err->msg, sizeof(err->msg), "%s: out of memory", btfx_path(btf));
	return NULL;
}

BTFX_API void btfx_record_layout_free(struct btfx_record_layout *l)
{
	if (!l)
		return;
	free(l->items);
	free(l);
}
