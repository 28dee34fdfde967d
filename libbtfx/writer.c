// SPDX-License-Identifier: BSD-2-Clause
/*
 * The BTF writer.
 *
 * State:
 *
 *   types:  own type records, host order, back to back; offs[i] is the byte
 *           offset of own type start_id + i.  No per-type heap nodes.
 *   strs:   own string section; string offset o (>= start_str_off) is
 *           strs[o - start_str_off].  A non-split writer starts with "".
 *   layout: optional kind-layout table, kept as a table of records.
 *
 * String dedup uses two open-addressing hash sets of offsets (own strings,
 * and, for split writers, the base chain's strings), built on first use so
 * that a copy written back unchanged (the round trip) never pays for them.
 * Only whole strings (those starting right after a NUL) are indexed, as
 * libbpf does.
 *
 * Every trailing field of every known kind is a 32-bit word, so a record is
 * byte-swapped word by word; the layout section's u16 flags are the only
 * other field that needs swapping.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btfx/writer.h"
#include "image.h"
#include "internal.h"

struct strset {
	uint32_t *slots; /* offset + 1, 0 = empty */
	uint32_t mask, cnt;
	bool built;
};

struct btfx_writer {
	const struct btfx *base;
	uint32_t start_id, start_str_off;

	uint8_t *types;
	size_t tlen, tcap;
	uint32_t *offs;
	uint32_t nr, ocap;

	char *strs;
	size_t slen, scap;
	struct strset own, bstr;

	struct btfx_layout *layout;
	uint32_t layout_cnt;

	/* shape of the source (new_from) */
	bool from_src, src_foreign, src_had_layout, strs_first;
	uint32_t src_hdr_len;

	uint32_t last_vlen_id; /* id of the last added variable-length type, 0 if none */
	char errmsg[256];
};

static const struct btfx_layout std_layout[BTFX_KIND_NR] = {
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

static int werr(struct btfx_writer *w, int e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int werr(struct btfx_writer *w, int e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->errmsg, sizeof(w->errmsg), fmt, ap);
	va_end(ap);
	errno = -e;
	return e;
}

BTFX_API const char *btfx_writer_errmsg(const struct btfx_writer *w)
{
	return w->errmsg;
}

/* ------------------------------------------------------------------ */
/* Buffers                                                             */
/* ------------------------------------------------------------------ */

static int grow(void **buf, size_t *cap, size_t need, size_t elem)
{
	size_t nc;
	void *p;

	if (need <= *cap)
		return 0;
	nc = *cap ? *cap : 64;
	while (nc < need)
		nc *= 2;
	p = realloc(*buf, nc * elem);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap = nc;
	return 0;
}

static int grow_offs(struct btfx_writer *w, uint32_t need)
{
	size_t cap = w->ocap;
	void *p = w->offs;
	int e = grow(&p, &cap, need, sizeof(uint32_t));

	w->offs = p;
	w->ocap = (uint32_t)cap;
	return e;
}

/* ------------------------------------------------------------------ */
/* Strings                                                             */
/* ------------------------------------------------------------------ */

static uint32_t str_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static const char *own_str(const struct btfx_writer *w, uint32_t off)
{
	return w->strs + (off - w->start_str_off);
}

/* (re)build a set with room for n entries from a string table */
static int set_alloc(struct strset *s, uint32_t n)
{
	uint32_t sz = 1024;

	while (sz < n * 2 + 2)
		sz *= 2;
	free(s->slots);
	s->slots = calloc(sz, sizeof(*s->slots));
	if (!s->slots)
		return -ENOMEM;
	s->mask = sz - 1;
	s->cnt = 0;
	return 0;
}

static void set_put(struct strset *s, uint32_t h, uint32_t off1)
{
	uint32_t i = h & s->mask;

	while (s->slots[i])
		i = (i + 1) & s->mask;
	s->slots[i] = off1;
	s->cnt++;
}

/* index every whole string of the own section; first occurrence wins */
static int build_own(struct btfx_writer *w, uint32_t extra)
{
	uint32_t n = 0;

	for (size_t i = 0; i < w->slen; i++)
		n += !w->strs[i];
	if (set_alloc(&w->own, n + extra + 16))
		return -ENOMEM;
	for (size_t i = 0; i < w->slen;) {
		const char *s = w->strs + i;
		size_t l = strnlen(s, w->slen - i);
		uint32_t off = (uint32_t)(w->start_str_off + i);
		if (*s || !w->start_str_off) {
			uint32_t h = str_hash(s), j = h & w->own.mask;
			bool dup = false;
			while (w->own.slots[j]) {
				if (!strcmp(own_str(w, w->own.slots[j] - 1), s)) {
					dup = true;
					break;
				}
				j = (j + 1) & w->own.mask;
			}
			if (!dup) {
				w->own.slots[j] = off + 1;
				w->own.cnt++;
			}
		}
		i += l + 1;
	}
	w->own.built = true;
	return 0;
}

static int build_base(struct btfx_writer *w)
{
	uint32_t n = 0;

	for (const struct btfx *b = w->base; b; b = b->base)
		for (uint32_t i = 0; i < b->hdr.str_len; i++)
			n += !b->strs[i];
	if (set_alloc(&w->bstr, n + 16))
		return -ENOMEM;
	for (const struct btfx *b = w->base; b; b = b->base)
		for (uint32_t i = 0; i < b->hdr.str_len;) {
			const char *s = b->strs + i;
			size_t l = strnlen(s, b->hdr.str_len - i);
			uint32_t h = str_hash(s), j = h & w->bstr.mask;
			bool dup = false;
			while (w->bstr.slots[j]) {
				if (!strcmp(btfx__str(w->base, w->bstr.slots[j] - 1), s)) {
					dup = true;
					break;
				}
				j = (j + 1) & w->bstr.mask;
			}
			if (!dup) {
				w->bstr.slots[j] = b->start_str_off + i + 1;
				w->bstr.cnt++;
			}
			i += (uint32_t)l + 1;
		}
	w->bstr.built = true;
	return 0;
}

static int64_t find_in(const struct btfx_writer *w, const struct strset *s, const char *str, bool base, uint32_t h)
{
	uint32_t j = h & s->mask;

	while (s->slots[j]) {
		uint32_t off = s->slots[j] - 1;
		const char *c = base ? btfx__str(w->base, off) : own_str(w, off);
		if (!strcmp(c, str))
			return off;
		j = (j + 1) & s->mask;
	}
	return -ENOENT;
}

static int64_t find_str(struct btfx_writer *w, const char *s, uint32_t h)
{
	int64_t off;

	if (w->base) {
		if (!w->bstr.built && build_base(w))
			return werr(w, -ENOMEM, "out of memory");
		off = find_in(w, &w->bstr, s, true, h);
		if (off >= 0)
			return off;
	}
	if (!w->own.built && build_own(w, 0))
		return werr(w, -ENOMEM, "out of memory");
	return find_in(w, &w->own, s, false, h);
}

BTFX_API int64_t btfx_writer_find_str(struct btfx_writer *w, const char *s)
{
	if (!s || !*s)
		return 0;
	return find_str(w, s, str_hash(s));
}

BTFX_API int64_t btfx_writer_add_str(struct btfx_writer *w, const char *s)
{
	uint32_t h;
	int64_t off;
	size_t l;
	void *p;

	if (!s || !*s)
		return 0;
	h = str_hash(s);
	off = find_str(w, s, h);
	if (off >= 0 || off != -ENOENT)
		return off;
	l = strlen(s) + 1;
	if ((uint64_t)w->start_str_off + w->slen + l - 1 > BTFX_MAX_NAME_OFFSET)
		return werr(w, -E2BIG, "string section full: offset beyond %u", BTFX_MAX_NAME_OFFSET);
	p = w->strs;
	if (grow(&p, &w->scap, w->slen + l, 1))
		return werr(w, -ENOMEM, "out of memory");
	w->strs = p;
	memcpy(w->strs + w->slen, s, l);
	off = w->start_str_off + (int64_t)w->slen;
	w->slen += l;
	if ((w->own.cnt + 1) * 2 > w->own.mask + 1) {
		if (build_own(w, w->own.cnt))
			return werr(w, -ENOMEM, "out of memory");
	} else {
		set_put(&w->own, h, (uint32_t)off + 1);
	}
	return off;
}

BTFX_API const char *btfx_writer_str(const struct btfx_writer *w, uint32_t off)
{
	if (off < w->start_str_off)
		return w->base ? btfx_str(w->base, off) : NULL;
	if (off - w->start_str_off >= w->slen)
		return NULL;
	return own_str(w, off);
}

/* ------------------------------------------------------------------ */
/* Creation                                                            */
/* ------------------------------------------------------------------ */

static struct btfx_writer *alloc_writer(const struct btfx *base, struct btfx_error *err)
{
	struct btfx_writer *w = calloc(1, sizeof(*w));

	if (!w) {
		btfx_set_err(err, BTFX_E_NOMEM, ENOMEM, 0, -1, "out of memory");
		return NULL;
	}
	w->base = base;
	w->start_id = base ? btfx_type_cnt(base) : 1;
	w->start_str_off = base ? base->start_str_off + base->hdr.str_len : 0;
	return w;
}

BTFX_API struct btfx_writer *btfx_writer_new(const struct btfx *base, struct btfx_error *err)
{
	struct btfx_writer *w;

	if (err)
		memset(err, 0, sizeof(*err));
	w = alloc_writer(base, err);
	if (!w)
		return NULL;
	if (!base) {
		w->strs = malloc(64);
		if (!w->strs) {
			free(w);
			btfx_set_err(err, BTFX_E_NOMEM, ENOMEM, 0, -1, "out of memory");
			return NULL;
		}
		w->scap = 64;
		w->strs[0] = 0;
		w->slen = 1;
	}
	return w;
}

BTFX_API struct btfx_writer *btfx_writer_new_from(const struct btfx *btf, struct btfx_error *err)
{
	struct btfx_writer *w;
	const struct btfx_header_info *h;

	if (err)
		memset(err, 0, sizeof(*err));
	if (!btf) {
		btfx_set_err(err, BTFX_E_USAGE, EINVAL, 0, -1, "NULL BTF");
		return NULL;
	}
	h = &btf->hdr;
	w = alloc_writer(btf->base, err);
	if (!w)
		return NULL;
	w->from_src = true;
	w->src_foreign = btf->foreign;
	w->src_hdr_len = h->hdr_len;
	w->strs_first = h->str_len && h->type_len && h->str_off < h->type_off;
	w->start_str_off = btf->start_str_off;
	w->types = malloc(h->type_len ? h->type_len : 1);
	w->offs = malloc((btf->nr_types ? btf->nr_types : 1) * sizeof(uint32_t));
	w->strs = malloc(h->str_len ? h->str_len : 1);
	if (!w->types || !w->offs || !w->strs)
		goto nomem;
	if (h->type_len)
		memcpy(w->types, btf->types, h->type_len);
	w->tlen = w->tcap = h->type_len;
	if (btf->nr_types)
		memcpy(w->offs, btf->type_offs, btf->nr_types * sizeof(uint32_t));
	w->nr = w->ocap = btf->nr_types;
	if (h->str_len)
		memcpy(w->strs, btf->strs, h->str_len);
	w->slen = w->scap = h->str_len;
	if (btf->layout) {
		w->layout = malloc(btf->layout_cnt * sizeof(*w->layout));
		if (!w->layout)
			goto nomem;
		memcpy(w->layout, btf->layout, btf->layout_cnt * sizeof(*w->layout));
		w->layout_cnt = btf->layout_cnt;
		w->src_had_layout = true;
	}
	return w;
nomem:
	btfx_writer_free(w);
	btfx_set_err(err, BTFX_E_NOMEM, ENOMEM, 0, -1, "out of memory");
	return NULL;
}

BTFX_API void btfx_writer_free(struct btfx_writer *w)
{
	if (!w)
		return;
	free(w->types);
	free(w->offs);
	free(w->strs);
	free(w->own.slots);
	free(w->bstr.slots);
	free(w->layout);
	free(w);
}

BTFX_API uint32_t btfx_writer_start_id(const struct btfx_writer *w) { return w->start_id; }
BTFX_API uint32_t btfx_writer_type_cnt(const struct btfx_writer *w) { return w->start_id + w->nr; }

BTFX_API struct btfx_type *btfx_writer_type_mut(struct btfx_writer *w, uint32_t id)
{
	if (id < w->start_id || id - w->start_id >= w->nr)
		return NULL;
	return (struct btfx_type *)(w->types + w->offs[id - w->start_id]);
}

BTFX_API const struct btfx_type *btfx_writer_type(const struct btfx_writer *w, uint32_t id)
{
	return btfx_writer_type_mut((struct btfx_writer *)w, id);
}

/* ------------------------------------------------------------------ */
/* Layout                                                              */
/* ------------------------------------------------------------------ */

BTFX_API int btfx_writer_set_layout(struct btfx_writer *w, const struct btfx_layout *table, uint32_t nkinds)
{
	struct btfx_layout *l = NULL;

	if (table && nkinds) {
		if (nkinds > 128)
			return werr(w, -EINVAL, "layout table of %u kinds (at most 128)", nkinds);
		for (uint32_t k = 0; k < nkinds; k++) {
			if (table[k].info_sz % 4 || table[k].elem_sz % 4)
				return werr(w, -EINVAL, "layout of kind %u: sizes must be multiples of 4", k);
			if (k > 0 && k < BTFX_KIND_NR &&
			    (table[k].info_sz != std_layout[k].info_sz || table[k].elem_sz != std_layout[k].elem_sz))
				return werr(w, -EINVAL, "layout of kind %u (%s) must be {%u,%u}", k, btfx__kind_name(k),
					    std_layout[k].info_sz, std_layout[k].elem_sz);
		}
		l = malloc(nkinds * sizeof(*l));
		if (!l)
			return werr(w, -ENOMEM, "out of memory");
		memcpy(l, table, nkinds * sizeof(*l));
	}
	free(w->layout);
	w->layout = l;
	w->layout_cnt = l ? nkinds : 0;
	return 0;
}

BTFX_API int btfx_writer_set_default_layout(struct btfx_writer *w, uint32_t nkinds)
{
	struct btfx_layout t[128] = { { 0, 0, 0 } };

	if (!nkinds)
		nkinds = BTFX_KIND_NR;
	if (nkinds > 128)
		return werr(w, -EINVAL, "layout table of %u kinds (at most 128)", nkinds);
	for (uint32_t k = 0; k < nkinds && k < BTFX_KIND_NR; k++)
		t[k] = std_layout[k];
	return btfx_writer_set_layout(w, t, nkinds);
}

BTFX_API bool btfx_writer_has_layout(const struct btfx_writer *w)
{
	return w->layout != NULL;
}

/* record size of t, 0 if the kind is unknown (no layout entry) */
static size_t rec_size(const struct btfx_writer *w, const struct btfx_type *t)
{
	unsigned k = btfx_kind(t);
	const struct btfx_layout *l = NULL;

	if (k > 0 && k < BTFX_KIND_NR)
		l = &std_layout[k];
	else if (k && w->layout && k < w->layout_cnt)
		l = &w->layout[k];
	else if (k && !w->layout)
		for (const struct btfx *b = w->base; b && !l; b = b->base)
			if (b->layout)
				l = k < b->layout_cnt ? &b->layout[k] : NULL;
	if (!l)
		return 0;
	return sizeof(*t) + l->info_sz + (size_t)btfx_vlen(t) * l->elem_sz;
}

/* ------------------------------------------------------------------ */
/* Adding types                                                        */
/* ------------------------------------------------------------------ */

static bool is_vlen_kind(unsigned k)
{
	return k == BTFX_KIND_STRUCT || k == BTFX_KIND_UNION || k == BTFX_KIND_ENUM || k == BTFX_KIND_ENUM64 ||
	       k == BTFX_KIND_FUNC_PROTO || k == BTFX_KIND_DATASEC;
}

static int append(struct btfx_writer *w, const void *rec, size_t size)
{
	void *p = w->types;
	uint32_t id = w->start_id + w->nr;

	if ((uint64_t)id > BTFX_MAX_TYPE)
		return werr(w, -E2BIG, "too many types (the kernel limit is %u)", BTFX_MAX_TYPE);
	if ((uint64_t)w->tlen + size > UINT32_MAX)
		return werr(w, -E2BIG, "type section larger than 4 GiB");
	if (grow(&p, &w->tcap, w->tlen + size, 1))
		return werr(w, -ENOMEM, "out of memory");
	w->types = p;
	if (grow_offs(w, w->nr + 1))
		return werr(w, -ENOMEM, "out of memory");
	memcpy(w->types + w->tlen, rec, size);
	w->offs[w->nr++] = (uint32_t)w->tlen;
	w->tlen += size;
	w->last_vlen_id = is_vlen_kind(btfx_kind((const struct btfx_type *)rec)) ? id : 0;
	return (int)id;
}

static inline uint32_t info_of(unsigned kind, uint32_t vlen, bool kflag)
{
	return (kflag ? 1u << 31 : 0) | ((kind & 0x7fu) << 24) | (vlen & 0xffffffu);
}

/* header-only or header + n words */
static int add_rec(struct btfx_writer *w, const char *name, unsigned kind, uint32_t vlen, bool kflag, uint32_t st,
		   const uint32_t *words, size_t n)
{
	uint32_t buf[3 + 3];
	int64_t off = btfx_writer_add_str(w, name);

	if (off < 0)
		return (int)off;
	buf[0] = (uint32_t)off;
	buf[1] = info_of(kind, vlen, kflag);
	buf[2] = st;
	for (size_t i = 0; i < n; i++)
		buf[3 + i] = words[i];
	return append(w, buf, (3 + n) * 4);
}

BTFX_API int btfx_writer_add_int(struct btfx_writer *w, const char *name, uint32_t size, unsigned encoding,
				 unsigned bit_offset, unsigned bits)
{
	uint32_t word;

	if (!name || !*name)
		return werr(w, -EINVAL, "INT needs a name");
	if (encoding > 0xf || bit_offset > 0xff || bits > 0xff)
		return werr(w, -EINVAL, "INT encoding/offset/bits out of range");
	word = (uint32_t)encoding << 24 | (uint32_t)bit_offset << 16 | bits;
	return add_rec(w, name, BTFX_KIND_INT, 0, false, size, &word, 1);
}

BTFX_API int btfx_writer_add_float(struct btfx_writer *w, const char *name, uint32_t size)
{
	if (!name || !*name)
		return werr(w, -EINVAL, "FLOAT needs a name");
	return add_rec(w, name, BTFX_KIND_FLOAT, 0, false, size, NULL, 0);
}

BTFX_API int btfx_writer_add_ref(struct btfx_writer *w, unsigned kind, const char *name, uint32_t type)
{
	switch (kind) {
	case BTFX_KIND_TYPEDEF:
		if (!name || !*name)
			return werr(w, -EINVAL, "TYPEDEF needs a name");
		break;
	case BTFX_KIND_PTR: case BTFX_KIND_VOLATILE: case BTFX_KIND_CONST: case BTFX_KIND_RESTRICT:
		if (name && *name)
			return werr(w, -EINVAL, "%s takes no name", btfx__kind_name(kind));
		break;
	default:
		return werr(w, -EINVAL, "add_ref: kind %u is not PTR/TYPEDEF/VOLATILE/CONST/RESTRICT", kind);
	}
	return add_rec(w, name, kind, 0, false, type, NULL, 0);
}

BTFX_API int btfx_writer_add_array(struct btfx_writer *w, uint32_t elem, uint32_t index_type, uint32_t nelems)
{
	uint32_t a[3] = { elem, index_type, nelems };

	return add_rec(w, NULL, BTFX_KIND_ARRAY, 0, false, 0, a, 3);
}

BTFX_API int btfx_writer_add_struct(struct btfx_writer *w, const char *name, uint32_t size)
{
	return add_rec(w, name, BTFX_KIND_STRUCT, 0, false, size, NULL, 0);
}

BTFX_API int btfx_writer_add_union(struct btfx_writer *w, const char *name, uint32_t size)
{
	return add_rec(w, name, BTFX_KIND_UNION, 0, false, size, NULL, 0);
}

/* the last type, if it is a variable-length type of one of the kinds */
static struct btfx_type *last_of(struct btfx_writer *w, unsigned k1, unsigned k2, const char *what)
{
	struct btfx_type *t;

	if (!w->last_vlen_id) {
		werr(w, -EINVAL, "%s: the last type added is not a %s", what,
		     k1 == k2 ? btfx__kind_name(k1) : k1 == BTFX_KIND_STRUCT ? "STRUCT/UNION" : "ENUM/ENUM64");
		return NULL;
	}
	t = btfx_writer_type_mut(w, w->last_vlen_id);
	if (btfx_kind(t) != k1 && btfx_kind(t) != k2) {
		werr(w, -EINVAL, "%s: the last type added is %s", what, btfx__kind_name(btfx_kind(t)));
		return NULL;
	}
	if (btfx_vlen(t) == 0xffffff) {
		werr(w, -E2BIG, "%s: vlen limit reached", what);
		return NULL;
	}
	return t;
}

/* append n words to the last (vlen) type and bump its vlen */
static int extend_last(struct btfx_writer *w, const uint32_t *words, size_t n)
{
	void *p = w->types;
	uint32_t id = w->last_vlen_id;
	struct btfx_type *t;

	if (grow(&p, &w->tcap, w->tlen + n * 4, 1))
		return werr(w, -ENOMEM, "out of memory");
	w->types = p;
	memcpy(w->types + w->tlen, words, n * 4);
	w->tlen += n * 4;
	t = btfx_writer_type_mut(w, id);
	t->info = info_of(btfx_kind(t), btfx_vlen(t) + 1, btfx_kflag(t));
	return 0;
}

BTFX_API int btfx_writer_add_member(struct btfx_writer *w, const char *name, uint32_t type, uint32_t bit_offset,
				    uint32_t bitfield_size)
{
	struct btfx_type *t = last_of(w, BTFX_KIND_STRUCT, BTFX_KIND_UNION, "add_member");
	uint32_t m[3];
	int64_t off;

	if (!t)
		return -EINVAL;
	if (bitfield_size > 255)
		return werr(w, -EINVAL, "bitfield size %u exceeds 255", bitfield_size);
	if ((bitfield_size || btfx_kflag(t)) && bit_offset > 0xffffff)
		return werr(w, -EINVAL, "bit offset %u does not fit the kind_flag encoding", bit_offset);
	if (bitfield_size && !btfx_kflag(t)) {
		for (uint32_t i = 0; i < btfx_vlen(t); i++)
			if (btfx_members(t)[i].offset > 0xffffff)
				return werr(w, -EINVAL, "member #%u: bit offset does not fit the kind_flag encoding", i);
		t->info |= 1u << 31;
	}
	off = btfx_writer_add_str(w, name);
	if (off < 0)
		return (int)off;
	t = btfx_writer_type_mut(w, w->last_vlen_id);
	m[0] = (uint32_t)off;
	m[1] = type;
	m[2] = btfx_kflag(t) ? bitfield_size << 24 | bit_offset : bit_offset;
	return extend_last(w, m, 3);
}

BTFX_API int btfx_writer_add_enum(struct btfx_writer *w, const char *name, uint32_t size, bool is_signed)
{
	return add_rec(w, name, BTFX_KIND_ENUM, 0, is_signed, size, NULL, 0);
}

BTFX_API int btfx_writer_add_enum64(struct btfx_writer *w, const char *name, uint32_t size, bool is_signed)
{
	return add_rec(w, name, BTFX_KIND_ENUM64, 0, is_signed, size, NULL, 0);
}

BTFX_API int btfx_writer_add_enum_val(struct btfx_writer *w, const char *name, int64_t value)
{
	struct btfx_type *t = last_of(w, BTFX_KIND_ENUM, BTFX_KIND_ENUM64, "add_enum_val");
	uint32_t e[3];
	int64_t off;
	bool is64;

	if (!t)
		return -EINVAL;
	is64 = btfx_kind(t) == BTFX_KIND_ENUM64;
	if (!name || !*name)
		return werr(w, -EINVAL, "enumerator needs a name");
	if (!is64 && (value < INT32_MIN || value > (int64_t)UINT32_MAX))
		return werr(w, -E2BIG, "value %lld does not fit an ENUM (use ENUM64)", (long long)value);
	off = btfx_writer_add_str(w, name);
	if (off < 0)
		return (int)off;
	t = btfx_writer_type_mut(w, w->last_vlen_id);
	if (value < 0)
		t->info |= 1u << 31;
	e[0] = (uint32_t)off;
	e[1] = (uint32_t)(uint64_t)value;
	e[2] = (uint32_t)((uint64_t)value >> 32);
	return extend_last(w, e, is64 ? 3 : 2);
}

BTFX_API int btfx_writer_add_fwd(struct btfx_writer *w, const char *name, bool is_union)
{
	if (!name || !*name)
		return werr(w, -EINVAL, "FWD needs a name");
	return add_rec(w, name, BTFX_KIND_FWD, 0, is_union, 0, NULL, 0);
}

BTFX_API int btfx_writer_add_func(struct btfx_writer *w, const char *name, uint32_t proto, unsigned linkage)
{
	if (!name || !*name)
		return werr(w, -EINVAL, "FUNC needs a name");
	if (linkage > BTFX_LINKAGE_EXTERN)
		return werr(w, -EINVAL, "FUNC linkage %u", linkage);
	return add_rec(w, name, BTFX_KIND_FUNC, linkage, false, proto, NULL, 0);
}

BTFX_API int btfx_writer_add_func_proto(struct btfx_writer *w, uint32_t ret)
{
	return add_rec(w, NULL, BTFX_KIND_FUNC_PROTO, 0, false, ret, NULL, 0);
}

BTFX_API int btfx_writer_add_param(struct btfx_writer *w, const char *name, uint32_t type)
{
	uint32_t p[2];
	int64_t off;

	if (!last_of(w, BTFX_KIND_FUNC_PROTO, BTFX_KIND_FUNC_PROTO, "add_param"))
		return -EINVAL;
	off = btfx_writer_add_str(w, name);
	if (off < 0)
		return (int)off;
	p[0] = (uint32_t)off;
	p[1] = type;
	return extend_last(w, p, 2);
}

BTFX_API int btfx_writer_add_var(struct btfx_writer *w, const char *name, uint32_t type, unsigned linkage)
{
	uint32_t l = linkage;

	if (!name || !*name)
		return werr(w, -EINVAL, "VAR needs a name");
	return add_rec(w, name, BTFX_KIND_VAR, 0, false, type, &l, 1);
}

BTFX_API int btfx_writer_add_datasec(struct btfx_writer *w, const char *name, uint32_t size)
{
	if (!name || !*name)
		return werr(w, -EINVAL, "DATASEC needs a name");
	return add_rec(w, name, BTFX_KIND_DATASEC, 0, false, size, NULL, 0);
}

BTFX_API int btfx_writer_add_secinfo(struct btfx_writer *w, uint32_t type, uint32_t offset, uint32_t size)
{
	uint32_t v[3] = { type, offset, size };

	if (!last_of(w, BTFX_KIND_DATASEC, BTFX_KIND_DATASEC, "add_secinfo"))
		return -EINVAL;
	return extend_last(w, v, 3);
}

BTFX_API int btfx_writer_add_type_tag(struct btfx_writer *w, const char *value, uint32_t type, bool attr)
{
	if (!value || !*value)
		return werr(w, -EINVAL, "TYPE_TAG needs a value");
	return add_rec(w, value, BTFX_KIND_TYPE_TAG, 0, attr, type, NULL, 0);
}

BTFX_API int btfx_writer_add_decl_tag(struct btfx_writer *w, const char *value, uint32_t type, int32_t component_idx,
				      bool attr)
{
	uint32_t c = (uint32_t)component_idx;

	if (!value || !*value)
		return werr(w, -EINVAL, "DECL_TAG needs a value");
	if (component_idx < -1)
		return werr(w, -EINVAL, "DECL_TAG component_idx %d", component_idx);
	return add_rec(w, value, BTFX_KIND_DECL_TAG, 0, attr, type, &c, 1);
}

BTFX_API int btfx_writer_add_raw(struct btfx_writer *w, const struct btfx_type *t, size_t size)
{
	size_t need;

	if (!t || size < sizeof(*t) || size % 4)
		return werr(w, -EINVAL, "add_raw: a record is at least 12 bytes, a multiple of 4");
	need = rec_size(w, t);
	if (!need)
		return werr(w, -EINVAL, "add_raw: kind %u is unknown and no layout entry describes it", btfx_kind(t));
	if (need != size)
		return werr(w, -EINVAL, "add_raw: %s record with vlen %u is %zu bytes, not %zu", btfx__kind_name(btfx_kind(t)),
			    btfx_vlen(t), need, size);
	return append(w, t, size);
}

/* ------------------------------------------------------------------ */
/* Copying from another BTF                                            */
/* ------------------------------------------------------------------ */

/*
 * Visit the string and type-id fields of a host-order record (the only
 * place that knows which word of which kind is what).  Unknown kinds only
 * have their name visited.
 */
typedef int (*field_fn)(uint32_t *field, bool is_str, void *ctx);

static int visit_fields(struct btfx_type *t, field_fn fn, void *ctx)
{
	uint32_t vlen = btfx_vlen(t);
	int e = fn(&t->name_off, true, ctx);

	if (e)
		return e;
	switch (btfx_kind(t)) {
	case BTFX_KIND_PTR: case BTFX_KIND_TYPEDEF: case BTFX_KIND_VOLATILE: case BTFX_KIND_CONST:
	case BTFX_KIND_RESTRICT: case BTFX_KIND_TYPE_TAG: case BTFX_KIND_FUNC: case BTFX_KIND_VAR:
	case BTFX_KIND_DECL_TAG:
		return fn(&t->type, false, ctx);
	case BTFX_KIND_ARRAY: {
		struct btfx_array *a = (struct btfx_array *)(t + 1);
		e = fn(&a->type, false, ctx);
		return e ? e : fn(&a->index_type, false, ctx);
	}
	case BTFX_KIND_STRUCT: case BTFX_KIND_UNION: {
		struct btfx_member *m = (struct btfx_member *)(t + 1);
		for (uint32_t i = 0; i < vlen && !e; i++) {
			e = fn(&m[i].name_off, true, ctx);
			e = e ? e : fn(&m[i].type, false, ctx);
		}
		return e;
	}
	case BTFX_KIND_ENUM: {
		struct btfx_enum *en = (struct btfx_enum *)(t + 1);
		for (uint32_t i = 0; i < vlen && !e; i++)
			e = fn(&en[i].name_off, true, ctx);
		return e;
	}
	case BTFX_KIND_ENUM64: {
		struct btfx_enum64 *en = (struct btfx_enum64 *)(t + 1);
		for (uint32_t i = 0; i < vlen && !e; i++)
			e = fn(&en[i].name_off, true, ctx);
		return e;
	}
	case BTFX_KIND_FUNC_PROTO: {
		struct btfx_param *p = (struct btfx_param *)(t + 1);
		e = fn(&t->type, false, ctx);
		for (uint32_t i = 0; i < vlen && !e; i++) {
			e = fn(&p[i].name_off, true, ctx);
			e = e ? e : fn(&p[i].type, false, ctx);
		}
		return e;
	}
	case BTFX_KIND_DATASEC: {
		struct btfx_var_secinfo *v = (struct btfx_var_secinfo *)(t + 1);
		for (uint32_t i = 0; i < vlen && !e; i++)
			e = fn(&v[i].type, false, ctx);
		return e;
	}
	default:
		return 0;
	}
}

struct copy_ctx {
	struct btfx_writer *w;
	const struct btfx *src;
	const uint32_t *map;
	size_t map_cnt;
};

static int copy_field(uint32_t *f, bool is_str, void *arg)
{
	struct copy_ctx *c = arg;

	if (is_str) {
		const char *s;
		int64_t off;
		if (!*f)
			return 0;
		s = btfx_str(c->src, *f);
		if (!s)
			return werr(c->w, -EINVAL, "string offset %u is invalid in %s", *f, btfx_path(c->src));
		off = btfx_writer_add_str(c->w, s);
		if (off < 0)
			return (int)off;
		*f = (uint32_t)off;
	} else if (c->map) {
		*f = *f < c->map_cnt ? c->map[*f] : 0;
	}
	return 0;
}

BTFX_API int btfx_writer_add_raw_from(struct btfx_writer *w, const struct btfx *src, const struct btfx_type *rec,
				      size_t size, const uint32_t *map, size_t map_cnt)
{
	struct copy_ctx c = { w, src, map, map_cnt };
	uint32_t stack[64], *buf = stack;
	int e;

	if (!rec || size < sizeof(*rec) || size % 4)
		return werr(w, -EINVAL, "add_raw_from: a record is at least 12 bytes, a multiple of 4");
	if (size > sizeof(stack)) {
		buf = malloc(size);
		if (!buf)
			return werr(w, -ENOMEM, "out of memory");
	}
	memcpy(buf, rec, size);
	e = visit_fields((struct btfx_type *)buf, copy_field, &c);
	if (!e)
		e = btfx_writer_add_raw(w, (const struct btfx_type *)buf, size);
	if (buf != stack)
		free(buf);
	return e;
}

BTFX_API int btfx_writer_copy_type(struct btfx_writer *w, const struct btfx *src, uint32_t id, const uint32_t *map,
				   size_t map_cnt)
{
	const struct btfx_type *t = btfx_type_by_id(src, id);
	size_t size;

	if (!t || !id)
		return werr(w, -EINVAL, "copy_type: no type %u in %s", id, btfx_path(src));
	size = btfx__type_size(src, t, NULL);
	if (!size)
		return werr(w, -EINVAL, "copy_type: [%u] has an unknown kind %u", id, btfx_kind(t));
	return btfx_writer_add_raw_from(w, src, t, size, map, map_cnt);
}

/* ------------------------------------------------------------------ */
/* Serialization                                                       */
/* ------------------------------------------------------------------ */

static bool host_big(void)
{
	const uint16_t one = 1;
	return *(const uint8_t *)&one == 0;
}

static void put32(uint8_t *p, uint32_t v, bool swap)
{
	if (swap)
		v = __builtin_bswap32(v);
	memcpy(p, &v, 4);
}

BTFX_API int btfx_writer_write(struct btfx_writer *w, const struct btfx_write_opts *opts, void **data, size_t *size,
			       struct btfx_error *err)
{
	enum btfx_endian endian = opts && opts->sz >= offsetof(struct btfx_write_opts, endian) + sizeof(opts->endian)
					  ? opts->endian : BTFX_ENDIAN_DEFAULT;
	uint32_t flags = opts && opts->sz >= offsetof(struct btfx_write_opts, flags) + sizeof(opts->flags) ? opts->flags : 0;
	uint32_t hl = opts && opts->sz >= offsetof(struct btfx_write_opts, hdr_len) + sizeof(opts->hdr_len)
			      ? opts->hdr_len : 0;
	bool have_layout = w->layout && !(flags & BTFX_WRITE_NO_LAYOUT);
	uint32_t layout_len = have_layout ? w->layout_cnt * 4 : 0;
	uint32_t type_off, str_off, layout_off;
	bool big, swap, strs_first;
	uint8_t *b, *p;
	uint64_t total;

	if (err)
		memset(err, 0, sizeof(*err));
	*data = NULL;
	*size = 0;
	if (!hl) {
		if (w->from_src && !(w->src_had_layout && !have_layout))
			hl = w->src_hdr_len;
		else
			hl = 24;
		if (have_layout && hl < 32)
			hl = 32;
	}
	if (hl < 24 || (have_layout && hl < 32) || hl > 4096)
		return btfx_set_err(err, BTFX_E_USAGE, EINVAL, 0, -1, "header length %u (24..4096, at least 32 with a layout)",
				    hl);
	switch (endian) {
	case BTFX_ENDIAN_LITTLE: big = false; break;
	case BTFX_ENDIAN_BIG: big = true; break;
	case BTFX_ENDIAN_HOST: big = host_big(); break;
	default: big = w->from_src && w->src_foreign ? !host_big() : host_big(); break;
	}
	swap = big != host_big();
	strs_first = w->strs_first && !have_layout && w->tlen && w->slen;
	if (strs_first && w->slen % 4)
		strs_first = false;
	if (strs_first) {
		str_off = 0;
		type_off = (uint32_t)w->slen;
		layout_off = 0;
	} else {
		type_off = 0;
		layout_off = have_layout ? (uint32_t)w->tlen : 0;
		str_off = (uint32_t)w->tlen + layout_len;
	}
	total = (uint64_t)hl + w->tlen + layout_len + w->slen;
	if (total > BTFX_MAX_SIZE)
		return btfx_set_err(err, BTFX_E_LIMIT, E2BIG, 0, -1,
				    "BTF of %llu bytes exceeds the kernel limit of %u bytes", (unsigned long long)total,
				    BTFX_MAX_SIZE);
	b = calloc(1, (size_t)total);
	if (!b)
		return btfx_set_err(err, BTFX_E_NOMEM, ENOMEM, 0, -1, "out of memory");
	{
		uint16_t magic = BTFX_MAGIC;
		if (swap)
			magic = __builtin_bswap16(magic);
		memcpy(b, &magic, 2);
	}
	b[2] = 1;
	b[3] = 0;
	put32(b + 4, hl, swap);
	put32(b + 8, type_off, swap);
	put32(b + 12, (uint32_t)w->tlen, swap);
	put32(b + 16, str_off, swap);
	put32(b + 20, (uint32_t)w->slen, swap);
	if (hl >= 32) {
		put32(b + 24, layout_off, swap);
		put32(b + 28, layout_len, swap);
	}
	p = b + hl;
	if (swap) {
		const uint32_t *src = (const uint32_t *)w->types;
		for (size_t i = 0; i < w->tlen / 4; i++)
			put32(p + type_off + 4 * i, src[i], true);
	} else {
		if (w->tlen)
			memcpy(p + type_off, w->types, w->tlen);
	}
	if (have_layout) {
		for (uint32_t k = 0; k < w->layout_cnt; k++) {
			struct btfx_layout l = w->layout[k];
			if (swap)
				l.flags = __builtin_bswap16(l.flags);
			memcpy(p + layout_off + 4 * k, &l, 4);
		}
	}
	if (w->slen)
		memcpy(p + str_off, w->strs, w->slen);

	if (flags & BTFX_WRITE_VALIDATE) {
		struct btfx_open_opts o = { .sz = sizeof(o), .base = w->base,
					    .flags = (flags & BTFX_WRITE_OBJECT) ? BTFX_F_OBJECT : 0 };
		struct btfx *chk = btfx_parse(b, (size_t)total, "output", false, &o, err);
		if (!chk) {
			free(b);
			return err ? -(err->sys_errno ? err->sys_errno : EINVAL) : -EINVAL;
		}
		btfx_free(chk);
	}
	*data = b;
	*size = (size_t)total;
	return 0;
}
