// SPDX-License-Identifier: BSD-2-Clause
/*
 * BTF diff as data (include/btfx/diff.h).
 *
 * Phases
 *  1. collect: the named top-level types of each side (own types only),
 *     keyed by (kind class, name), sorted by name, kind, id;
 *  2. match: a merge walk over the two sorted lists.  A key present on one
 *     side only is TYPE_ADDED/TYPE_REMOVED.  A key with one type per side
 *     is compared.  A key with several types on a side (a static struct
 *     defined twice in the kernel) is paired without merging: types with
 *     equal structural signatures pair first (they have no changes), the
 *     rest pair in id order, the surplus is added/removed; entries carry a
 *     1-based dup_index;
 *  3. compare: per kind.  Structs and unions are flattened into CO-RE
 *     paths (anonymous members dissolved, see diff.h) and the two path
 *     lists matched by path;
 *  4. sort: by type name, kind, dup_index, generation order.
 *
 * Type names used in comparisons are C declarations (btfx_type_decl),
 * memoized per type id and side, so "struct list_head *" is computed once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btfx/diff.h"
#include "btfx/layout.h"
#include "internal.h"

#define DIFF_MAX_DEPTH 32

/* ------------------------------------------------------------------ */
/* strings                                                             */
/* ------------------------------------------------------------------ */

struct chunk {
	struct chunk *next;
	size_t used, cap;
	char data[];
};

struct arena {
	struct chunk *head;
	bool oom;
};

static char *arena_alloc(struct arena *a, size_t n)
{
	struct chunk *c = a->head;

	if (!c || c->cap - c->used < n) {
		size_t cap = n > 65536 ? n : 65536;
		c = malloc(sizeof(*c) + cap);
		if (!c) {
			a->oom = true;
			return NULL;
		}
		c->next = a->head;
		c->used = 0;
		c->cap = cap;
		a->head = c;
	}
	c->used += n;
	return c->data + c->used - n;
}

static const char *arena_str(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	if (!p)
		return "";
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

static const char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char *arena_printf(struct arena *a, const char *fmt, ...)
{
	char tmp[512], *p;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return "";
	if ((size_t)n < sizeof(tmp))
		return arena_str(a, tmp, (size_t)n);
	p = arena_alloc(a, (size_t)n + 1);
	if (!p)
		return "";
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

static void arena_free(struct arena *a)
{
	while (a->head) {
		struct chunk *n = a->head->next;
		free(a->head);
		a->head = n;
	}
}

/* ------------------------------------------------------------------ */
/* state                                                               */
/* ------------------------------------------------------------------ */

struct side {
	const struct btfx *btf;
	const char **decl; /* memoized type names, by id */
};

struct top {
	const char *name;
	uint32_t id;
	unsigned kind; /* class: ENUM64 -> ENUM */
};

struct dctx {
	struct side s[2];
	struct arena ar;
	struct btfx_diff *d;
	size_t cap;
	size_t seq;
	bool oom;
	/* flattening budget, in bytes of fields and paths (see flat_budget) */
	uint64_t flat_used, flat_max;
	const char *too_big; /* the type that went over it */
	/* current type */
	const char *tname;
	unsigned tkind;
	uint32_t dup, old_id, new_id;
	char buf[256];
};

struct entry_x {
	struct btfx_diff_entry e;
	size_t seq;
};

static const struct btfx_type *type_at(const struct btfx *btf, uint32_t id)
{
	return id && id < btfx_type_cnt(btf) ? btfx_type_by_id(btf, id) : NULL;
}

static const char *name_of(const struct btfx *btf, uint32_t off)
{
	const char *s = off ? btfx_str(btf, off) : NULL;
	return s ? s : "";
}

static const char *tdecl(struct dctx *c, int side, uint32_t id)
{
	struct side *s = &c->s[side];
	size_t n;

	if (id >= btfx_type_cnt(s->btf))
		return "?";
	if (s->decl[id])
		return s->decl[id];
	n = btfx_type_decl(s->btf, id, NULL, c->buf, sizeof(c->buf), NULL);
	if (n < sizeof(c->buf)) {
		s->decl[id] = arena_str(&c->ar, c->buf, n);
	} else {
		char *p = arena_alloc(&c->ar, n + 1);
		if (!p)
			return "?";
		btfx_type_decl(s->btf, id, NULL, p, n + 1, NULL);
		s->decl[id] = p;
	}
	return s->decl[id];
}

static int64_t rsize(const struct btfx *btf, uint32_t id)
{
	int64_t v = btfx_resolve_size(btf, id);
	return v < 0 ? 0 : v;
}

static struct btfx_diff_entry *emit(struct dctx *c, enum btfx_diff_change ch, enum btfx_diff_core core,
				    const char *path)
{
	struct entry_x *x;

	if (c->oom)
		return NULL;
	if (c->d->nr_entries == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		void *p = realloc(c->d->entries, cap * sizeof(struct entry_x));
		if (!p) {
			c->oom = true;
			return NULL;
		}
		c->d->entries = p;
		c->cap = cap;
	}
	x = (struct entry_x *)c->d->entries + c->d->nr_entries++;
	memset(x, 0, sizeof(*x));
	x->seq = c->seq++;
	x->e.change = ch;
	x->e.core = core;
	x->e.kind = c->tkind;
	x->e.type_name = c->tname;
	x->e.dup_index = c->dup;
	x->e.path = path;
	x->e.old_id = c->old_id;
	x->e.new_id = c->new_id;
	return &x->e;
}

static void emit_vals(struct dctx *c, enum btfx_diff_change ch, enum btfx_diff_core core, const char *path,
		      int64_t o, int64_t n)
{
	struct btfx_diff_entry *e = emit(c, ch, core, path);
	if (e) {
		e->old_val = o;
		e->new_val = n;
	}
}

static void emit_strs(struct dctx *c, enum btfx_diff_change ch, enum btfx_diff_core core, const char *path,
		      const char *o, const char *n, int64_t ov, int64_t nv)
{
	struct btfx_diff_entry *e = emit(c, ch, core, path);
	if (e) {
		e->old_str = o;
		e->new_str = n;
		e->old_val = ov;
		e->new_val = nv;
	}
}

/* ------------------------------------------------------------------ */
/* CO-RE field compatibility (libbpf bpf_core_fields_are_compat)       */
/* ------------------------------------------------------------------ */

static size_t ess_len(const char *s) { return btfx_essential_name_len(s); }

static bool fields_compat(const struct btfx *a, uint32_t ai, const struct btfx *b, uint32_t bi, int depth)
{
	const struct btfx_type *at, *bt;
	unsigned ak, bk;

	if (depth > DIFF_MAX_DEPTH)
		return false;
	ai = btfx_skip_mods(a, ai, true);
	bi = btfx_skip_mods(b, bi, true);
	at = type_at(a, ai);
	bt = type_at(b, bi);
	if (!at || !bt)
		return !at && !bt;
	ak = btfx_kind(at);
	bk = btfx_kind(bt);
	if (btfx_is_composite(at) && btfx_is_composite(bt))
		return true;
	if (ak == BTFX_KIND_ENUM64)
		ak = BTFX_KIND_ENUM;
	if (bk == BTFX_KIND_ENUM64)
		bk = BTFX_KIND_ENUM;
	if (ak != bk)
		return false;
	switch (ak) {
	case BTFX_KIND_PTR:
	case BTFX_KIND_FLOAT:
		return true;
	case BTFX_KIND_FWD:
	case BTFX_KIND_ENUM: {
		const char *an = name_of(a, at->name_off), *bn = name_of(b, bt->name_off);
		size_t al = ess_len(an), bl = ess_len(bn);
		return !*an || !*bn || (al == bl && !strncmp(an, bn, al));
	}
	case BTFX_KIND_INT:
		return !btfx_int_offset(at) && !btfx_int_offset(bt);
	case BTFX_KIND_ARRAY:
		return fields_compat(a, btfx_array(at)->type, b, btfx_array(bt)->type, depth + 1);
	default:
		return false;
	}
}

static enum btfx_diff_core type_change_core(struct dctx *c, uint32_t oid, uint32_t nid)
{
	if (!fields_compat(c->s[0].btf, oid, c->s[1].btf, nid, 0))
		return BTFX_DIFF_CORE_INCOMPAT;
	if (rsize(c->s[0].btf, oid) != rsize(c->s[1].btf, nid))
		return BTFX_DIFF_CORE_SIZE;
	return BTFX_DIFF_CORE_TYPE;
}

/* ------------------------------------------------------------------ */
/* struct/union flattening                                             */
/* ------------------------------------------------------------------ */

struct field {
	const char *key;   /* match key */
	const char *path;  /* display path */
	uint64_t bit_off;
	uint32_t bsz;
	uint32_t type_id;
	int64_t size;
	bool container;    /* anonymous struct/union member */
	int matched;       /* index in the other list + 1 */
};

struct flist {
	struct field *f;
	size_t n, cap;
};

static struct field *fpush(struct dctx *c, struct flist *l)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		void *p = realloc(l->f, cap * sizeof(*l->f));
		if (!p) {
			c->oom = true;
			return NULL;
		}
		l->f = p;
		l->cap = cap;
	}
	memset(&l->f[l->n], 0, sizeof(l->f[0]));
	return &l->f[l->n++];
}

/*
 * Flattening copies the members of an anonymous struct/union member into
 * its parent at each use, so a type shared by several members (dedup
 * merges identical anonymous types) is expanded once per path: 2^depth
 * paths for anonymous types that each embed the next twice (fuzz finding
 * F9), and a type embedded by many structs is expanded in each.  Every
 * field, path and member visited is paid from one budget per diff,
 * proportional to the size of the two BTFs (type and string sections, the
 * bases included): a diff of two kernels (6.1 and 6.12) spends about one
 * byte per byte of BTF, 1/32 of it.  Past it the diff fails with
 * BTFX_E_LIMIT rather than report part of the changes.
 */
#define FLAT_PER_BYTE 32
#define FLAT_SLACK ((uint64_t)256 << 10)

static uint64_t flat_budget(const struct btfx *a, const struct btfx *b)
{
	const struct btfx *sides[2] = { a, b };
	uint64_t bytes = 0;

	for (int i = 0; i < 2; i++)
		for (const struct btfx *x = sides[i]; x; x = btfx_base(x)) {
			struct btfx_header_info h;
			btfx_header(x, &h);
			bytes += (uint64_t)h.type_len + h.str_len;
		}
	return bytes * FLAT_PER_BYTE + FLAT_SLACK;
}

static bool flat_spend(struct dctx *c, uint64_t n)
{
	if (c->too_big)
		return false;
	c->flat_used += n;
	if (c->flat_used <= c->flat_max)
		return true;
	c->too_big = c->tname;
	return false;
}

static const struct btfx_type *anon_comp(const struct btfx *btf, uint32_t id)
{
	const struct btfx_type *t = type_at(btf, btfx_skip_mods(btf, id, false));
	return t && btfx_is_composite(t) && !t->name_off ? t : NULL;
}

/* first named leaf path below an anonymous member (its match key) */
static const char *first_named(struct dctx *c, const struct btfx *btf, const struct btfx_type *t, int depth)
{
	for (uint32_t i = 0; i < btfx_vlen(t) && depth < DIFF_MAX_DEPTH; i++) {
		const struct btfx_member *m = &btfx_members(t)[i];
		const struct btfx_type *a;
		if (!flat_spend(c, sizeof(*m)))
			return NULL;
		if (m->name_off && *name_of(btf, m->name_off))
			return name_of(btf, m->name_off);
		if ((a = anon_comp(btf, m->type))) {
			const char *s = first_named(c, btf, a, depth + 1);
			if (s)
				return s;
		}
	}
	return NULL;
}

static void flatten(struct dctx *c, int side, const struct btfx_type *t, uint64_t base, const char *prefix,
		    struct flist *out, int depth)
{
	const struct btfx *btf = c->s[side].btf;
	uint32_t vlen = btfx_vlen(t);

	if (depth > DIFF_MAX_DEPTH)
		return;
	for (uint32_t i = 0; i < vlen && !c->oom && !c->too_big; i++) {
		const struct btfx_member *m = &btfx_members(t)[i];
		const char *name = name_of(btf, m->name_off);
		const struct btfx_type *anon = anon_comp(btf, m->type), *rt;
		uint64_t bit = base + btfx_member_bit_offset(t, i);
		uint32_t bsz = btfx_member_bitfield_size(t, i);
		struct field *f;

		if (!flat_spend(c, sizeof(*m)))
			return;
		rt = type_at(btf, btfx_skip_mods(btf, m->type, true));
		if (!bsz && !btfx_kflag(t) && rt && btfx_kind(rt) == BTFX_KIND_INT &&
		    btfx_int_bits(rt) != rt->size * 8) {
			bsz = btfx_int_bits(rt);
			bit += btfx_int_offset(rt);
		}
		if (!*name) {
			const char *fn;
			if (!anon)
				continue; /* unnamed padding bitfield */
			fn = first_named(c, btf, anon, depth + 1);
			if (!flat_spend(c, sizeof(*f) + 2 * strlen(prefix) + (fn ? strlen(fn) : 0) + 64))
				return;
			f = fpush(c, out);
			if (!f)
				return;
			f->container = true;
			f->key = arena_printf(&c->ar, "%s.(anon %s %s)", prefix, btfx_kind(anon) == BTFX_KIND_UNION ?
					      "union" : "struct", fn ? fn : "");
			f->path = arena_printf(&c->ar, "%s.(anon %s @ %llu)", prefix,
					       btfx_kind(anon) == BTFX_KIND_UNION ? "union" : "struct",
					       (unsigned long long)(bit / 8));
			f->bit_off = bit;
			f->type_id = m->type;
			f->size = anon->size;
			flatten(c, side, anon, bit, prefix, out, depth + 1);
			continue;
		}
		if (!flat_spend(c, sizeof(*f) + strlen(prefix) + strlen(name) + 2))
			return;
		f = fpush(c, out);
		if (!f)
			return;
		f->key = f->path = arena_printf(&c->ar, "%s.%s", prefix, name);
		f->bit_off = bit;
		f->bsz = bsz;
		f->type_id = m->type;
		f->size = rsize(btf, m->type);
		if (anon)
			flatten(c, side, anon, bit, f->path, out, depth + 1);
	}
}

static int cmp_field_key(const void *a, const void *b)
{
	const struct field *x = *(const struct field *const *)a, *y = *(const struct field *const *)b;
	int r = strcmp(x->key, y->key);
	return r ? r : (x < y ? -1 : x > y);
}

/* sorted pointer index over a field list; duplicate keys get "#N" */
static struct field **findex(struct dctx *c, struct flist *l)
{
	struct field **ix = malloc((l->n ? l->n : 1) * sizeof(*ix));

	if (!ix) {
		c->oom = true;
		return NULL;
	}
	for (size_t i = 0; i < l->n; i++)
		ix[i] = &l->f[i];
	qsort(ix, l->n, sizeof(*ix), cmp_field_key);
	for (size_t i = 0; i < l->n;) {
		size_t j = i + 1;
		const char *k0 = ix[i]->key;
		while (j < l->n && !strcmp(ix[j]->key, k0))
			j++;
		for (size_t k = i + 1; k < j; k++)
			ix[k]->key = arena_printf(&c->ar, "%s#%zu", k0, k - i + 1);
		i = j;
	}
	qsort(ix, l->n, sizeof(*ix), cmp_field_key);
	return ix;
}

static struct field *flookup(struct field **ix, size_t n, const char *key)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int r = strcmp(ix[mid]->key, key);
		if (!r)
			return ix[mid];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void cmp_composite(struct dctx *c, const struct btfx_type *ot, const struct btfx_type *nt)
{
	struct flist fl[2] = { { 0 } };
	struct field **nix = NULL;

	if (ot->size != nt->size)
		emit_vals(c, BTFX_DIFF_SIZE, BTFX_DIFF_CORE_SIZE, NULL, ot->size, nt->size);
	flatten(c, 0, ot, 0, c->tname, &fl[0], 0);
	flatten(c, 1, nt, 0, c->tname, &fl[1], 0);
	if (c->oom || c->too_big)
		goto out;
	{
		struct field **oix = findex(c, &fl[0]);
		free(oix); /* renames duplicate keys in place */
	}
	nix = findex(c, &fl[1]);
	if (!nix)
		goto out;
	for (size_t i = 0; i < fl[0].n; i++) {
		struct field *f = &fl[0].f[i], *g = flookup(nix, fl[1].n, f->key);
		const char *os, *ns;
		if (!g && f->container)
			continue; /* its named members report themselves */
		if (!g) {
			emit_vals(c, BTFX_DIFF_MEMBER_REMOVED, BTFX_DIFF_CORE_GONE, f->path, (int64_t)f->bit_off, 0);
			continue;
		}
		g->matched = 1;
		if (f->container) {
			if (f->size != g->size)
				emit_vals(c, BTFX_DIFF_SIZE, BTFX_DIFF_CORE_SIZE, f->path, f->size, g->size);
			continue;
		}
		if (f->bit_off != g->bit_off)
			emit_vals(c, BTFX_DIFF_MEMBER_OFFSET, BTFX_DIFF_CORE_RELOCATED, f->path, (int64_t)f->bit_off,
				  (int64_t)g->bit_off);
		os = tdecl(c, 0, f->type_id);
		ns = tdecl(c, 1, g->type_id);
		if (strcmp(os, ns))
			emit_strs(c, BTFX_DIFF_MEMBER_TYPE, type_change_core(c, f->type_id, g->type_id), f->path, os, ns,
				  f->size, g->size);
		else if (f->size != g->size)
			emit_vals(c, BTFX_DIFF_MEMBER_SIZE, BTFX_DIFF_CORE_SIZE, f->path, f->size, g->size);
		if (f->bsz != g->bsz)
			emit_vals(c, BTFX_DIFF_MEMBER_BITFIELD, BTFX_DIFF_CORE_SIZE, f->path, f->bsz, g->bsz);
	}
	for (size_t i = 0; i < fl[1].n; i++) {
		struct field *g = &fl[1].f[i];
		if (!g->matched && !g->container)
			emit_vals(c, BTFX_DIFF_MEMBER_ADDED, BTFX_DIFF_CORE_NONE, g->path, 0, (int64_t)g->bit_off);
	}
out:
	free(nix);
	free(fl[0].f);
	free(fl[1].f);
}

/* ------------------------------------------------------------------ */
/* enums, typedefs, ints, funcs, vars                                  */
/* ------------------------------------------------------------------ */

struct ev {
	const char *name;
	int64_t val;
	uint32_t idx;
	bool matched;
};

static int cmp_ev(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;
	int r = strcmp(x->name, y->name);
	return r ? r : (x->idx > y->idx) - (x->idx < y->idx);
}

static struct ev *enum_vals(struct dctx *c, int side, const struct btfx_type *t)
{
	const struct btfx *btf = c->s[side].btf;
	uint32_t n = btfx_vlen(t);
	struct ev *v = malloc((n ? n : 1) * sizeof(*v));

	if (!v) {
		c->oom = true;
		return NULL;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (btfx_kind(t) == BTFX_KIND_ENUM) {
			v[i].name = name_of(btf, btfx_enums(t)[i].name_off);
			v[i].val = btfx_kflag(t) ? btfx_enums(t)[i].val : (int64_t)(uint32_t)btfx_enums(t)[i].val;
		} else {
			v[i].name = name_of(btf, btfx_enums64(t)[i].name_off);
			v[i].val = (int64_t)btfx_enum64_value(&btfx_enums64(t)[i]);
		}
		v[i].idx = i;
		v[i].matched = false;
	}
	qsort(v, n, sizeof(*v), cmp_ev);
	return v;
}

static void cmp_enum(struct dctx *c, const struct btfx_type *ot, const struct btfx_type *nt)
{
	uint32_t on = btfx_vlen(ot), nn = btfx_vlen(nt);
	struct ev *ov, *nv;

	if (ot->size != nt->size)
		emit_vals(c, BTFX_DIFF_SIZE, BTFX_DIFF_CORE_SIZE, NULL, ot->size, nt->size);
	if (btfx_kflag(ot) != btfx_kflag(nt))
		emit_vals(c, BTFX_DIFF_SIGNEDNESS, BTFX_DIFF_CORE_SIZE, NULL, btfx_kflag(ot), btfx_kflag(nt));
	ov = enum_vals(c, 0, ot);
	nv = enum_vals(c, 1, nt);
	if (!ov || !nv)
		goto out;
	/* report in OLD's declaration order: walk by index */
	{
		uint32_t *order = malloc((on ? on : 1) * sizeof(*order));
		if (!order) {
			c->oom = true;
			goto out;
		}
		for (uint32_t i = 0; i < on; i++)
			order[ov[i].idx] = i;
		for (uint32_t k = 0; k < on; k++) {
			struct ev *e = &ov[order[k]], key = { .name = e->name, .idx = 0 }, *g = NULL;
			size_t lo = 0, hi = nn;
			(void)key;
			while (lo < hi) {
				size_t mid = (lo + hi) / 2;
				int r = strcmp(nv[mid].name, e->name);
				if (!r) {
					/* first unmatched with this name */
					while (mid > 0 && !strcmp(nv[mid - 1].name, e->name))
						mid--;
					while (mid < nn && !strcmp(nv[mid].name, e->name) && nv[mid].matched)
						mid++;
					if (mid < nn && !strcmp(nv[mid].name, e->name))
						g = &nv[mid];
					break;
				}
				if (r < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (!g) {
				emit_vals(c, BTFX_DIFF_ENUMVAL_REMOVED, BTFX_DIFF_CORE_GONE,
					  arena_printf(&c->ar, "%s.%s", c->tname, e->name), e->val, 0);
				continue;
			}
			g->matched = true;
			if (g->val != e->val)
				emit_vals(c, BTFX_DIFF_ENUMVAL_CHANGED, BTFX_DIFF_CORE_VALUE,
					  arena_printf(&c->ar, "%s.%s", c->tname, e->name), e->val, g->val);
		}
		free(order);
		order = malloc((nn ? nn : 1) * sizeof(*order));
		if (!order) {
			c->oom = true;
			goto out;
		}
		for (uint32_t i = 0; i < nn; i++)
			order[nv[i].idx] = i;
		for (uint32_t k = 0; k < nn; k++) {
			struct ev *g = &nv[order[k]];
			if (!g->matched)
				emit_vals(c, BTFX_DIFF_ENUMVAL_ADDED, BTFX_DIFF_CORE_NONE,
					  arena_printf(&c->ar, "%s.%s", c->tname, g->name), 0, g->val);
		}
		free(order);
	}
out:
	free(ov);
	free(nv);
}

static const char *int_desc(struct dctx *c, const struct btfx_type *t)
{
	unsigned enc = btfx_int_encoding(t);
	return arena_printf(&c->ar, "%s%s%s %u bits @ %u", enc & BTFX_INT_SIGNED ? "signed" : "unsigned",
			    enc & BTFX_INT_CHAR ? " char" : "", enc & BTFX_INT_BOOL ? " bool" : "", btfx_int_bits(t),
			    btfx_int_offset(t));
}

static const char *linkage_name(uint32_t l)
{
	return l == 0 ? "static" : l == 1 ? "global" : l == 2 ? "extern" : "?";
}

static void cmp_func(struct dctx *c, uint32_t oid, uint32_t nid)
{
	const struct btfx_type *of = type_at(c->s[0].btf, oid), *nf = type_at(c->s[1].btf, nid);
	const struct btfx_type *op = type_at(c->s[0].btf, of->type), *np = type_at(c->s[1].btf, nf->type);
	uint32_t on, nn;
	const char *os, *ns;

	if (btfx_vlen(of) != btfx_vlen(nf)) {
		emit_strs(c, BTFX_DIFF_LINKAGE, BTFX_DIFF_CORE_NONE, NULL, linkage_name(btfx_vlen(of)),
			  linkage_name(btfx_vlen(nf)), btfx_vlen(of), btfx_vlen(nf));
	}
	if (!op || !np || btfx_kind(op) != BTFX_KIND_FUNC_PROTO || btfx_kind(np) != BTFX_KIND_FUNC_PROTO)
		return;
	os = tdecl(c, 0, op->type);
	ns = tdecl(c, 1, np->type);
	if (strcmp(os, ns))
		emit_strs(c, BTFX_DIFF_RETURN_TYPE, BTFX_DIFF_CORE_ABI, NULL, os, ns, 0, 0);
	on = btfx_vlen(op);
	nn = btfx_vlen(np);
	if (on != nn)
		emit_vals(c, BTFX_DIFF_PARAM_COUNT, BTFX_DIFF_CORE_ABI, NULL, on, nn);
	for (uint32_t i = 0; i < on && i < nn; i++) {
		const struct btfx_param *a = &btfx_params(op)[i], *b = &btfx_params(np)[i];
		const char *an = name_of(c->s[0].btf, a->name_off), *bn = name_of(c->s[1].btf, b->name_off);
		if (strcmp(an, bn))
			emit_strs(c, BTFX_DIFF_PARAM_NAME, BTFX_DIFF_CORE_NONE,
				  arena_printf(&c->ar, "%s(%s)", c->tname, *an ? an : bn), an, bn, i + 1, i + 1);
		os = a->type || i + 1 < on ? tdecl(c, 0, a->type) : "...";
		ns = b->type || i + 1 < nn ? tdecl(c, 1, b->type) : "...";
		if (strcmp(os, ns))
			emit_strs(c, BTFX_DIFF_PARAM_TYPE, BTFX_DIFF_CORE_ABI,
				  arena_printf(&c->ar, "%s(%s)", c->tname, *an ? an : bn), os, ns, i + 1, i + 1);
	}
}

static void compare(struct dctx *c, uint32_t oid, uint32_t nid)
{
	const struct btfx *ob = c->s[0].btf, *nb = c->s[1].btf;
	const struct btfx_type *ot = btfx_type_by_id(ob, oid), *nt = btfx_type_by_id(nb, nid);
	const char *os, *ns;

	c->old_id = oid;
	c->new_id = nid;
	switch (c->tkind) {
	case BTFX_KIND_STRUCT:
	case BTFX_KIND_UNION:
		cmp_composite(c, ot, nt);
		break;
	case BTFX_KIND_ENUM:
		cmp_enum(c, ot, nt);
		break;
	case BTFX_KIND_TYPEDEF:
		os = tdecl(c, 0, ot->type);
		ns = tdecl(c, 1, nt->type);
		if (strcmp(os, ns))
			emit_strs(c, BTFX_DIFF_TYPEDEF_TARGET, type_change_core(c, ot->type, nt->type), NULL, os, ns,
				  rsize(ob, ot->type), rsize(nb, nt->type));
		else if (rsize(ob, ot->type) != rsize(nb, nt->type))
			emit_vals(c, BTFX_DIFF_SIZE, BTFX_DIFF_CORE_SIZE, NULL, rsize(ob, ot->type), rsize(nb, nt->type));
		break;
	case BTFX_KIND_INT:
		if (ot->size != nt->size)
			emit_vals(c, BTFX_DIFF_SIZE, BTFX_DIFF_CORE_SIZE, NULL, ot->size, nt->size);
		if ((btfx_int_encoding(ot) & BTFX_INT_SIGNED) != (btfx_int_encoding(nt) & BTFX_INT_SIGNED))
			emit_vals(c, BTFX_DIFF_SIGNEDNESS, BTFX_DIFF_CORE_SIZE, NULL,
				  !!(btfx_int_encoding(ot) & BTFX_INT_SIGNED), !!(btfx_int_encoding(nt) & BTFX_INT_SIGNED));
		if (btfx_int_data(ot) != btfx_int_data(nt) &&
		    (btfx_int_bits(ot) != btfx_int_bits(nt) || btfx_int_offset(ot) != btfx_int_offset(nt) ||
		     (btfx_int_encoding(ot) & ~BTFX_INT_SIGNED) != (btfx_int_encoding(nt) & ~BTFX_INT_SIGNED)))
			emit_strs(c, BTFX_DIFF_INT_ENCODING, BTFX_DIFF_CORE_SIZE, NULL, int_desc(c, ot), int_desc(c, nt),
				  btfx_int_bits(ot), btfx_int_bits(nt));
		break;
	case BTFX_KIND_FLOAT:
		if (ot->size != nt->size)
			emit_vals(c, BTFX_DIFF_SIZE, BTFX_DIFF_CORE_SIZE, NULL, ot->size, nt->size);
		break;
	case BTFX_KIND_FUNC:
		cmp_func(c, oid, nid);
		break;
	case BTFX_KIND_VAR:
		os = tdecl(c, 0, ot->type);
		ns = tdecl(c, 1, nt->type);
		if (strcmp(os, ns))
			emit_strs(c, BTFX_DIFF_VAR_TYPE, type_change_core(c, ot->type, nt->type), NULL, os, ns,
				  rsize(ob, ot->type), rsize(nb, nt->type));
		if (btfx_var(ot)->linkage != btfx_var(nt)->linkage)
			emit_strs(c, BTFX_DIFF_LINKAGE, BTFX_DIFF_CORE_NONE, NULL, linkage_name(btfx_var(ot)->linkage),
				  linkage_name(btfx_var(nt)->linkage), btfx_var(ot)->linkage, btfx_var(nt)->linkage);
		break;
	}
}

/* ------------------------------------------------------------------ */
/* collection and matching                                             */
/* ------------------------------------------------------------------ */

static unsigned kind_class(unsigned k)
{
	switch (k) {
	case BTFX_KIND_STRUCT: case BTFX_KIND_UNION: case BTFX_KIND_ENUM: case BTFX_KIND_TYPEDEF:
	case BTFX_KIND_INT: case BTFX_KIND_FLOAT: case BTFX_KIND_FUNC: case BTFX_KIND_VAR:
		return k;
	case BTFX_KIND_ENUM64:
		return BTFX_KIND_ENUM;
	default:
		return 0;
	}
}

static int cmp_top(const void *a, const void *b)
{
	const struct top *x = a, *y = b;
	int r = strcmp(x->name, y->name);
	if (r)
		return r;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static struct top *collect(const struct btfx *btf, const struct btfx_diff_opts *o, const char **names, size_t nn,
			   size_t *cnt)
{
	uint32_t start = btfx_start_id(btf), end = btfx_type_cnt(btf);
	struct top *v = malloc((end - start + 1) * sizeof(*v));
	size_t n = 0;

	if (!v)
		return NULL;
	for (uint32_t id = start; id < end; id++) {
		const struct btfx_type *t = btfx_type_by_id(btf, id);
		unsigned k = kind_class(btfx_kind(t));
		const char *name;
		if (!k || !t->name_off)
			continue;
		if (o->kinds && !(o->kinds & (1u << k)))
			continue;
		name = name_of(btf, t->name_off);
		if (!*name)
			continue;
		if (nn && !bsearch(&name, names, nn, sizeof(*names), cmp_name))
			continue;
		v[n].name = name;
		v[n].id = id;
		v[n].kind = k;
		n++;
	}
	qsort(v, n, sizeof(*v), cmp_top);
	*cnt = n;
	return v;
}

/* structural signature of a top-level type (for pairing duplicates) */
static uint64_t signature(struct dctx *c, int side, uint32_t id)
{
	const struct btfx *btf = c->s[side].btf;
	const struct btfx_type *t = btfx_type_by_id(btf, id);
	uint64_t h = 1469598103934665603ull;
#define MIX(v) do { h = (h ^ (uint64_t)(v)) * 1099511628211ull; } while (0)
#define MIXS(s) do { for (const char *p_ = (s); *p_; p_++) MIX((unsigned char)*p_); MIX(0); } while (0)

	MIX(btfx_kind(t));
	MIX(t->info);
	switch (btfx_kind(t)) {
	case BTFX_KIND_STRUCT: case BTFX_KIND_UNION:
		MIX(t->size);
		for (uint32_t i = 0; i < btfx_vlen(t); i++) {
			MIXS(name_of(btf, btfx_members(t)[i].name_off));
			MIX(btfx_members(t)[i].offset);
			MIXS(tdecl(c, side, btfx_members(t)[i].type));
		}
		break;
	case BTFX_KIND_ENUM:
		MIX(t->size);
		for (uint32_t i = 0; i < btfx_vlen(t); i++) {
			MIXS(name_of(btf, btfx_enums(t)[i].name_off));
			MIX((uint32_t)btfx_enums(t)[i].val);
		}
		break;
	case BTFX_KIND_ENUM64:
		MIX(t->size);
		for (uint32_t i = 0; i < btfx_vlen(t); i++) {
			MIXS(name_of(btf, btfx_enums64(t)[i].name_off));
			MIX(btfx_enum64_value(&btfx_enums64(t)[i]));
		}
		break;
	case BTFX_KIND_INT:
		MIX(t->size);
		MIX(btfx_int_data(t));
		break;
	case BTFX_KIND_FLOAT:
		MIX(t->size);
		break;
	default:
		MIXS(tdecl(c, side, t->type));
		break;
	}
	return h;
#undef MIX
#undef MIXS
}

static void emit_type(struct dctx *c, bool added, const struct top *t)
{
	c->tname = t->name;
	c->tkind = t->kind;
	c->old_id = added ? 0 : t->id;
	c->new_id = added ? t->id : 0;
	emit(c, added ? BTFX_DIFF_TYPE_ADDED : BTFX_DIFF_TYPE_REMOVED,
	     added ? BTFX_DIFF_CORE_NONE : BTFX_DIFF_CORE_GONE, NULL);
}

static void match_group(struct dctx *c, const struct top *o, size_t on, const struct top *n, size_t nn)
{
	uint64_t *os = NULL, *ns = NULL;
	bool *ou = NULL, *nu = NULL;
	uint32_t dup = 0;

	c->tname = (on ? o : n)->name;
	c->tkind = (on ? o : n)->kind;
	c->dup = 0;
	if (on == 1 && nn == 1) {
		compare(c, o->id, n->id);
		return;
	}
	if (on + nn == 1) {
		emit_type(c, nn == 1, on ? o : n);
		return;
	}
	os = calloc(on + 1, sizeof(*os));
	ns = calloc(nn + 1, sizeof(*ns));
	ou = calloc(on + 1, sizeof(*ou));
	nu = calloc(nn + 1, sizeof(*nu));
	if (!os || !ns || !ou || !nu) {
		c->oom = true;
		goto out;
	}
	for (size_t i = 0; i < on; i++)
		os[i] = signature(c, 0, o[i].id);
	for (size_t j = 0; j < nn; j++)
		ns[j] = signature(c, 1, n[j].id);
	/* identical pairs: nothing to report, but they use up their index */
	for (size_t i = 0; i < on; i++)
		for (size_t j = 0; j < nn; j++)
			if (!nu[j] && os[i] == ns[j]) {
				ou[i] = nu[j] = true;
				dup++;
				break;
			}
	/* surplus copies identical to a copy on the other side are not
	 * changes (the type still exists in that shape): drop them */
	for (size_t i = 0; i < on; i++)
		for (size_t j = 0; j < nn && !ou[i]; j++)
			if (os[i] == ns[j])
				ou[i] = true;
	for (size_t j = 0; j < nn; j++)
		for (size_t i = 0; i < on && !nu[j]; i++)
			if (os[i] == ns[j])
				nu[j] = true;
	for (size_t i = 0, j = 0; i < on; i++) {
		if (ou[i])
			continue;
		while (j < nn && nu[j])
			j++;
		c->tname = o[i].name;
		c->tkind = o[i].kind;
		c->dup = ++dup;
		if (j < nn) {
			nu[j] = true;
			compare(c, o[i].id, n[j].id);
		} else {
			emit_type(c, false, &o[i]);
		}
	}
	for (size_t j = 0; j < nn; j++)
		if (!nu[j]) {
			c->dup = ++dup;
			emit_type(c, true, &n[j]);
		}
out:
	c->dup = 0;
	free(os);
	free(ns);
	free(ou);
	free(nu);
}

static int cmp_entry(const void *a, const void *b)
{
	const struct entry_x *x = a, *y = b;
	int r = strcmp(x->e.type_name, y->e.type_name);
	if (r)
		return r;
	if (x->e.kind != y->e.kind)
		return x->e.kind < y->e.kind ? -1 : 1;
	if (x->e.dup_index != y->e.dup_index)
		return x->e.dup_index < y->e.dup_index ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

struct btfx_diff_priv {
	struct btfx_diff pub;
	struct arena ar;
};

/* summary counts from the (sorted) entries */
static void recount(struct btfx_diff *d)
{
	const struct btfx_diff_entry *e = d->entries, *prev = NULL;

	memset(d->per_change, 0, sizeof(d->per_change));
	memset(d->per_core, 0, sizeof(d->per_core));
	d->nr_added = d->nr_removed = d->nr_changed_types = 0;
	for (size_t k = 0; k < d->nr_entries; k++) {
		d->per_change[e[k].change]++;
		d->per_core[e[k].core]++;
		if (e[k].change == BTFX_DIFF_TYPE_ADDED)
			d->nr_added++;
		else if (e[k].change == BTFX_DIFF_TYPE_REMOVED)
			d->nr_removed++;
		else if (!prev || strcmp(prev->type_name, e[k].type_name) || prev->kind != e[k].kind ||
			 prev->dup_index != e[k].dup_index || prev->change == BTFX_DIFF_TYPE_ADDED ||
			 prev->change == BTFX_DIFF_TYPE_REMOVED)
			d->nr_changed_types++;
		prev = &e[k];
	}
}

BTFX_API struct btfx_diff *btfx_diff_new(const struct btfx *old_btf, const struct btfx *new_btf,
					 const struct btfx_diff_opts *opts, struct btfx_error *err)
{
	struct btfx_error lerr;
	struct btfx_diff_opts o = { 0 };
	struct btfx_diff_priv *priv;
	struct dctx c;
	struct top *ot = NULL, *nt = NULL;
	const char **names = NULL;
	size_t on = 0, nn = 0, i = 0, j = 0;

	if (!err)
		err = &lerr;
	memset(err, 0, sizeof(*err));
	err->offset = -1;
	if (!old_btf || !new_btf) {
		err->code = BTFX_E_USAGE;
		snprintf(err->msg, sizeof(err->msg), "btfx_diff_new: NULL BTF");
		return NULL;
	}
	if (opts) {
		size_t n = opts->sz < sizeof(o) ? opts->sz : sizeof(o);
		memcpy(&o, opts, n);
	}
	memset(&c, 0, sizeof(c));
	priv = calloc(1, sizeof(*priv));
	if (!priv)
		goto nomem;
	c.d = &priv->pub;
	c.s[0].btf = old_btf;
	c.s[1].btf = new_btf;
	c.s[0].decl = calloc(btfx_type_cnt(old_btf), sizeof(char *));
	c.s[1].decl = calloc(btfx_type_cnt(new_btf), sizeof(char *));
	if (!c.s[0].decl || !c.s[1].decl)
		goto nomem;
	if (o.nr_names) {
		names = malloc(o.nr_names * sizeof(*names));
		if (!names)
			goto nomem;
		memcpy(names, o.names, o.nr_names * sizeof(*names));
		qsort(names, o.nr_names, sizeof(*names), cmp_name);
	}
	ot = collect(old_btf, &o, names, o.nr_names, &on);
	nt = collect(new_btf, &o, names, o.nr_names, &nn);
	if (!ot || !nt)
		goto nomem;
	priv->pub.nr_types_old = on;
	priv->pub.nr_types_new = nn;

	c.flat_max = flat_budget(old_btf, new_btf);
	while ((i < on || j < nn) && !c.oom && !c.too_big) {
		int r;
		size_t i2 = i, j2 = j;
		if (i >= on)
			r = 1;
		else if (j >= nn)
			r = -1;
		else {
			r = strcmp(ot[i].name, nt[j].name);
			if (!r)
				r = ot[i].kind < nt[j].kind ? -1 : ot[i].kind > nt[j].kind;
		}
		if (r <= 0)
			while (i2 < on && !strcmp(ot[i2].name, ot[i].name) && ot[i2].kind == ot[i].kind)
				i2++;
		if (r >= 0)
			while (j2 < nn && !strcmp(nt[j2].name, nt[j].name) && nt[j2].kind == nt[j].kind)
				j2++;
		match_group(&c, ot + i, i2 - i, nt + j, j2 - j);
		i = i2;
		j = j2;
	}
	if (c.oom || c.ar.oom)
		goto nomem;
	if (c.too_big) {
		err->code = BTFX_E_LIMIT;
		err->sys_errno = E2BIG;
		snprintf(err->msg, sizeof(err->msg),
			 "diff: the members of %s would expand to more than %llu bytes of paths (%s and %s: "
			 "shared anonymous types nest exponentially?)",
			 c.too_big, (unsigned long long)c.flat_max, btfx_path(old_btf), btfx_path(new_btf));
		goto fail;
	}
	if (priv->pub.nr_entries)
		qsort(priv->pub.entries, priv->pub.nr_entries, sizeof(struct entry_x), cmp_entry);
	/* compact to the public entry array and count */
	{
		struct entry_x *x = (struct entry_x *)priv->pub.entries;
		struct btfx_diff_entry *e = priv->pub.entries;
		for (size_t k = 0; k < priv->pub.nr_entries; k++)
			memmove(&e[k], &x[k].e, sizeof(e[k]));
		recount(&priv->pub);
	}
	priv->ar = c.ar;
	free(c.s[0].decl);
	free(c.s[1].decl);
	free(ot);
	free(nt);
	free(names);
	return &priv->pub;
nomem:
	err->code = BTFX_E_NOMEM;
	err->sys_errno = ENOMEM;
	snprintf(err->msg, sizeof(err->msg), "diff: out of memory");
fail:
	arena_free(&c.ar);
	free(c.s[0].decl);
	free(c.s[1].decl);
	free(ot);
	free(nt);
	free(names);
	if (priv)
		free(priv->pub.entries);
	free(priv);
	return NULL;
}

BTFX_API void btfx_diff_free(struct btfx_diff *diff)
{
	struct btfx_diff_priv *priv = (struct btfx_diff_priv *)diff;

	if (!priv)
		return;
	arena_free(&priv->ar);
	free(priv->pub.entries);
	free(priv);
}

BTFX_API const char *btfx_diff_change_str(enum btfx_diff_change c)
{
	static const char *const s[BTFX_DIFF_CHANGE__NR] = {
		[BTFX_DIFF_TYPE_ADDED] = "type_added",
		[BTFX_DIFF_TYPE_REMOVED] = "type_removed",
		[BTFX_DIFF_SIZE] = "size",
		[BTFX_DIFF_MEMBER_ADDED] = "member_added",
		[BTFX_DIFF_MEMBER_REMOVED] = "member_removed",
		[BTFX_DIFF_MEMBER_OFFSET] = "member_offset",
		[BTFX_DIFF_MEMBER_TYPE] = "member_type",
		[BTFX_DIFF_MEMBER_SIZE] = "member_size",
		[BTFX_DIFF_MEMBER_BITFIELD] = "member_bitfield",
		[BTFX_DIFF_ENUMVAL_ADDED] = "enumval_added",
		[BTFX_DIFF_ENUMVAL_REMOVED] = "enumval_removed",
		[BTFX_DIFF_ENUMVAL_CHANGED] = "enumval_changed",
		[BTFX_DIFF_SIGNEDNESS] = "signedness",
		[BTFX_DIFF_INT_ENCODING] = "int_encoding",
		[BTFX_DIFF_TYPEDEF_TARGET] = "typedef_target",
		[BTFX_DIFF_RETURN_TYPE] = "return_type",
		[BTFX_DIFF_PARAM_COUNT] = "param_count",
		[BTFX_DIFF_PARAM_NAME] = "param_name",
		[BTFX_DIFF_PARAM_TYPE] = "param_type",
		[BTFX_DIFF_LINKAGE] = "linkage",
		[BTFX_DIFF_VAR_TYPE] = "var_type",
	};
	return (unsigned)c < BTFX_DIFF_CHANGE__NR && s[c] ? s[c] : "unknown";
}

BTFX_API const char *btfx_diff_core_str(enum btfx_diff_core c)
{
	static const char *const s[BTFX_DIFF_CORE__NR] = {
		[BTFX_DIFF_CORE_NONE] = "none",
		[BTFX_DIFF_CORE_RELOCATED] = "relocated",
		[BTFX_DIFF_CORE_GONE] = "gone",
		[BTFX_DIFF_CORE_SIZE] = "size",
		[BTFX_DIFF_CORE_TYPE] = "type",
		[BTFX_DIFF_CORE_INCOMPAT] = "incompatible",
		[BTFX_DIFF_CORE_VALUE] = "value",
		[BTFX_DIFF_CORE_ABI] = "abi",
	};
	return (unsigned)c < BTFX_DIFF_CORE__NR ? s[c] : "unknown";
}

BTFX_API const char *btfx_diff_core_text(enum btfx_diff_core c)
{
	static const char *const s[BTFX_DIFF_CORE__NR] = {
		[BTFX_DIFF_CORE_NONE] = "not visible to existing programs",
		[BTFX_DIFF_CORE_RELOCATED] = "offset moved: CO-RE field relocations absorb it",
		[BTFX_DIFF_CORE_GONE] = "gone: bpf_core_*_exists() is 0, plain access is poisoned",
		[BTFX_DIFF_CORE_SIZE] = "size or signedness changed: reads may be truncated or mis-extended",
		[BTFX_DIFF_CORE_TYPE] = "type changed: still relocates, but the data means something else",
		[BTFX_DIFF_CORE_INCOMPAT] = "type changed to an incompatible kind: the relocation fails, access is poisoned",
		[BTFX_DIFF_CORE_VALUE] = "value changed: bpf_core_enum_value() relocates, compiled-in constants are wrong",
		[BTFX_DIFF_CORE_ABI] = "signature changed: fentry/kprobe argument access is not relocated",
	};
	return (unsigned)c < BTFX_DIFF_CORE__NR ? s[c] : "unknown";
}

BTFX_API const char *btfx_diff_kind_str(unsigned kind)
{
	switch (kind) {
	case BTFX_KIND_STRUCT: return "struct";
	case BTFX_KIND_UNION: return "union";
	case BTFX_KIND_ENUM: case BTFX_KIND_ENUM64: return "enum";
	case BTFX_KIND_TYPEDEF: return "typedef";
	case BTFX_KIND_INT: return "int";
	case BTFX_KIND_FLOAT: return "float";
	case BTFX_KIND_FUNC: return "func";
	case BTFX_KIND_VAR: return "var";
	default: return "type";
	}
}

/* ------------------------------------------------------------------ */
/* restricted to the CO-RE relocations of an object                    */
/* ------------------------------------------------------------------ */

BTFX_API int btfx_diff_core_severity(enum btfx_diff_core c)
{
	switch (c) {
	case BTFX_DIFF_CORE_NONE: return 0;
	case BTFX_DIFF_CORE_RELOCATED: return 1;
	case BTFX_DIFF_CORE_TYPE: return 2;
	case BTFX_DIFF_CORE_SIZE: return 3;
	case BTFX_DIFF_CORE_VALUE: return 4;
	case BTFX_DIFF_CORE_ABI: return 5;
	case BTFX_DIFF_CORE_INCOMPAT: return 6;
	case BTFX_DIFF_CORE_GONE: return 7;
	default: return 0;
	}
}

static enum btfx_diff_core worse(enum btfx_diff_core a, enum btfx_diff_core b)
{
	return btfx_diff_core_severity(b) > btfx_diff_core_severity(a) ? b : a;
}

#define TL(c) (1u << (c))
#define TL_EXIST (TL(BTFX_DIFF_TYPE_ADDED) | TL(BTFX_DIFF_TYPE_REMOVED) | TL(BTFX_DIFF_TYPEDEF_TARGET))

/* what one relocation reads: a path of a type, or type-level changes */
struct use {
	unsigned kind;     /* class */
	const char *name;  /* essential type name */
	const char *path;  /* exact diff path; NULL: type-level (path-less) changes */
	uint32_t mask;     /* 1u << change: the changes that matter to it */
	bool all;          /* every change of the type */
};

/*
 * Which changes at a member path matter to a field relocation.  The last
 * named accessor is the field itself; earlier ones lead to it.  An offset
 * matters to what locates the field (byte_off, the shifts), not to its
 * size, signedness or existence; a size or bitfield change of the field to
 * what reads it; the size of a member leading to it only when an array
 * index follows (elements move); an incompatible type change always (see
 * use_matches), removal and addition always (existence).
 */
static uint32_t path_mask(uint32_t kind, bool last, bool array_next)
{
	bool locates = kind == BTFX_CORE_FIELD_BYTE_OFFSET || kind == BTFX_CORE_FIELD_LSHIFT_U64 ||
		       kind == BTFX_CORE_FIELD_RSHIFT_U64;
	uint32_t m = TL(BTFX_DIFF_MEMBER_REMOVED) | TL(BTFX_DIFF_MEMBER_ADDED);

	if (kind != BTFX_CORE_FIELD_EXISTS)
		m |= TL(BTFX_DIFF_MEMBER_TYPE);
	if (locates)
		m |= TL(BTFX_DIFF_MEMBER_OFFSET);
	if (last && kind != BTFX_CORE_FIELD_EXISTS && kind != BTFX_CORE_FIELD_SIGNED)
		m |= TL(BTFX_DIFF_MEMBER_SIZE) | TL(BTFX_DIFF_MEMBER_BITFIELD);
	if (!last && array_next && locates)
		m |= TL(BTFX_DIFF_MEMBER_SIZE);
	return m;
}

struct robj {
	struct btfx_diff_obj pub;
	struct arena ar;
	size_t *chg;
};

struct rbuild {
	struct robj *r;
	struct use *u;
	size_t nu, cap;
	size_t *first; /* first use of relocation i: u[first[i] .. first[i+1]) */
	bool oom;
};

static void add_use(struct rbuild *b, unsigned kind, const char *name, const char *path, uint32_t mask, bool all)
{
	if (b->nu == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		void *p = realloc(b->u, cap * sizeof(*b->u));
		if (!p) {
			b->oom = true;
			return;
		}
		b->u = p;
		b->cap = cap;
	}
	b->u[b->nu++] = (struct use){ .kind = kind, .name = name, .path = path, .mask = mask, .all = all };
}

static const char *ess_name(struct arena *a, const struct btfx *btf, const struct btfx_type *t)
{
	const char *n = name_of(btf, t->name_off);
	return arena_str(a, n, ess_len(n));
}

/* uses and display path of one relocation */
static void relo_uses(struct rbuild *b, const struct btfx *local, const struct btfx_core_relo_rec *rec,
		      struct btfx_diff_relo *dr)
{
	struct arena *ar = &b->r->ar;
	struct btfx_core_spec spec;
	char why[256];
	const struct btfx_type *root = type_at(local, rec->type_id), *rt;
	unsigned rk;
	const char *rname, *cur, *top, *disp;
	unsigned topk;
	uint32_t mask = TL_EXIST;
	int e;

	dr->type_name = "";
	dr->path = "";
	e = btfx_core_parse_spec(local, rec->type_id, rec->access_str, rec->kind, &spec, why, sizeof(why));
	if (e) {
		dr->spec_err = arena_str(ar, why, strlen(why));
		return;
	}
	rk = kind_class(btfx_kind(root));
	rname = ess_name(ar, local, root);
	dr->type_kind = rk;
	dr->type_name = rname;
	dr->path = rname;
	if (!*rname || rec->kind == BTFX_CORE_TYPE_ID_LOCAL)
		return; /* CO-RE can't search an anonymous root; a local id never changes */
	switch (rec->kind) {
	case BTFX_CORE_TYPE_MATCHES:
		add_use(b, rk, rname, NULL, 0, true);
		return;
	case BTFX_CORE_TYPE_SIZE:
		mask |= TL(BTFX_DIFF_SIZE);
		/* fallthrough */
	case BTFX_CORE_TYPE_ID_TARGET:
	case BTFX_CORE_TYPE_EXISTS:
		add_use(b, rk, rname, NULL, mask, false);
		return;
	case BTFX_CORE_ENUMVAL_EXISTS:
	case BTFX_CORE_ENUMVAL_VALUE:
		if (rec->kind == BTFX_CORE_ENUMVAL_VALUE)
			mask |= TL(BTFX_DIFF_SIZE) | TL(BTFX_DIFF_SIGNEDNESS);
		add_use(b, rk, rname, NULL, mask, false);
		rt = type_at(local, spec.spec[0].type_id);
		if (rt && rt != root && rt->name_off)
			add_use(b, BTFX_KIND_ENUM, ess_name(ar, local, rt), NULL, mask, false);
		top = rt && rt->name_off ? ess_name(ar, local, rt) : rname;
		dr->path = arena_printf(ar, "%s.%s", top, spec.spec[0].name ? spec.spec[0].name : "?");
		if (rt && rt->name_off)
			add_use(b, BTFX_KIND_ENUM, top, dr->path,
				rec->kind == BTFX_CORE_ENUMVAL_VALUE ? ~0u :
				TL(BTFX_DIFF_ENUMVAL_ADDED) | TL(BTFX_DIFF_ENUMVAL_REMOVED), false);
		return;
	default:
		break;
	}
	/* field relocations: the root's existence, then each named accessor */
	add_use(b, rk, rname, NULL, TL_EXIST, false);
	cur = top = rname;
	topk = rk;
	disp = spec.raw_spec[0] ? arena_printf(ar, "%s[%d]", rname, spec.raw_spec[0]) : rname;
	for (int i = 1; i < spec.len && !b->oom; i++) {
		const struct btfx_core_accessor *a = &spec.spec[i];
		const struct btfx_type *p = type_at(local, a->type_id);
		bool last = true;
		if (!a->name) {
			disp = arena_printf(ar, "%s[%u]", disp, a->idx);
			continue;
		}
		for (int j = i + 1; j < spec.len && last; j++)
			last = !spec.spec[j].name;
		disp = arena_printf(ar, "%s.%s", disp, a->name);
		if (p && p->name_off && *name_of(local, p->name_off)) {
			top = ess_name(ar, local, p);
			topk = kind_class(btfx_kind(p));
			cur = arena_printf(ar, "%s.%s", top, a->name);
		} else {
			cur = arena_printf(ar, "%s.%s", cur, a->name);
		}
		add_use(b, topk, top, cur, path_mask(rec->kind, last, i + 1 < spec.len && !spec.spec[i + 1].name),
			false);
	}
	dr->path = disp;
}

static bool use_matches(const struct use *u, const struct btfx_diff_entry *e)
{
	if (u->kind != e->kind || strcmp(u->name, e->type_name))
		return false;
	if (u->all)
		return true;
	if (u->path)
		return e->path && !strcmp(u->path, e->path) &&
		       ((u->mask & TL(e->change)) ||
			(e->change == BTFX_DIFF_MEMBER_TYPE && e->core == BTFX_DIFF_CORE_INCOMPAT));
	return !e->path && (u->mask & TL(e->change));
}

/* the engine's decisions against OLD and NEW: do they differ, and what
 * does the difference mean */
static enum btfx_diff_core engine_core(uint32_t kind, const struct btfx_core_result *o,
				       const struct btfx_core_result *n, bool *differs)
{
	*differs = false;
	if (o->status != n->status) {
		*differs = true;
		return o->status == BTFX_CORE_OK ? BTFX_DIFF_CORE_GONE : BTFX_DIFF_CORE_NONE;
	}
	if (o->status != BTFX_CORE_OK)
		return BTFX_DIFF_CORE_NONE;
	/* type ids are not comparable across two BTFs */
	if (kind == BTFX_CORE_TYPE_ID_TARGET || kind == BTFX_CORE_TYPE_ID_LOCAL)
		return BTFX_DIFF_CORE_NONE;
	if (o->new_val == n->new_val && o->new_sz == n->new_sz)
		return BTFX_DIFF_CORE_NONE;
	*differs = true;
	switch (kind) {
	case BTFX_CORE_FIELD_BYTE_OFFSET:
		return o->new_sz != n->new_sz ? BTFX_DIFF_CORE_SIZE : BTFX_DIFF_CORE_RELOCATED;
	case BTFX_CORE_FIELD_EXISTS:
	case BTFX_CORE_TYPE_EXISTS:
	case BTFX_CORE_ENUMVAL_EXISTS:
	case BTFX_CORE_TYPE_MATCHES:
		return n->new_val ? BTFX_DIFF_CORE_NONE : BTFX_DIFF_CORE_GONE;
	case BTFX_CORE_ENUMVAL_VALUE:
		return BTFX_DIFF_CORE_VALUE;
	default: /* byte_sz, signed, shifts, type_size */
		return BTFX_DIFF_CORE_SIZE;
	}
}

static int cmp_str_ptr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

BTFX_API void btfx_diff_obj_free(struct btfx_diff_obj *d)
{
	struct robj *r = (struct robj *)d;

	if (!r)
		return;
	for (size_t i = 0; i < r->pub.nr_relos; i++) {
		btfx_core_result_fini(&r->pub.relos[i].old_res);
		btfx_core_result_fini(&r->pub.relos[i].new_res);
	}
	free(r->pub.relos);
	btfx_diff_free(r->pub.diff);
	arena_free(&r->ar);
	free(r->chg);
	free(r);
}

BTFX_API struct btfx_diff_obj *btfx_diff_for_relos(const struct btfx *old_btf, const struct btfx *new_btf,
						   const struct btfx *local, const struct btfx_core_relo_rec *relos,
						   size_t nr_relos, const struct btfx_diff_opts *opts,
						   struct btfx_error *err)
{
	struct btfx_error lerr;
	struct btfx_diff_opts o = { .sz = sizeof(o) };
	struct rbuild b = { 0 };
	struct robj *r;
	struct btfx_core_ctx *ctx[2] = { NULL, NULL };
	const char **names = NULL, **user = NULL;
	size_t nn = 0, nuser = 0, nchg = 0;
	bool *used = NULL;
	struct btfx_diff *d;

	if (!err)
		err = &lerr;
	memset(err, 0, sizeof(*err));
	err->offset = -1;
	if (!old_btf || !new_btf || !local || (nr_relos && !relos)) {
		err->code = BTFX_E_USAGE;
		snprintf(err->msg, sizeof(err->msg), "btfx_diff_for_relos: NULL argument");
		return NULL;
	}
	if (opts) {
		size_t n = opts->sz < sizeof(o) ? opts->sz : sizeof(o);
		memcpy(&o, opts, n);
		o.sz = sizeof(o);
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		goto nomem;
	b.r = r;
	r->pub.relos = calloc(nr_relos ? nr_relos : 1, sizeof(*r->pub.relos));
	b.first = calloc(nr_relos + 1, sizeof(*b.first));
	if (!r->pub.relos || !b.first)
		goto nomem;
	r->pub.nr_relos = nr_relos;

	/* 1. what each relocation reads */
	for (size_t i = 0; i < nr_relos; i++) {
		struct btfx_diff_relo *dr = &r->pub.relos[i];
		dr->index = (uint32_t)i;
		dr->kind = relos[i].kind;
		b.first[i] = b.nu;
		relo_uses(&b, local, &relos[i], dr);
	}
	b.first[nr_relos] = b.nu;
	if (b.oom || r->ar.oom)
		goto nomem;

	/* 2. the diff of those types only (and of the user's names, if any) */
	names = malloc((b.nu ? b.nu : 1) * sizeof(*names));
	if (!names)
		goto nomem;
	if (o.nr_names) {
		user = malloc(o.nr_names * sizeof(*user));
		if (!user)
			goto nomem;
		memcpy(user, o.names, o.nr_names * sizeof(*user));
		nuser = o.nr_names;
		qsort(user, nuser, sizeof(*user), cmp_str_ptr);
	}
	for (size_t k = 0; k < b.nu; k++)
		if (!nuser || bsearch(&b.u[k].name, user, nuser, sizeof(*user), cmp_str_ptr))
			names[nn++] = b.u[k].name;
	qsort(names, nn, sizeof(*names), cmp_str_ptr);
	{
		size_t w = 0;
		for (size_t k = 0; k < nn; k++)
			if (!w || strcmp(names[w - 1], names[k]))
				names[w++] = names[k];
		nn = w;
	}
	/* distinct (kind, name) pairs used */
	for (size_t k = 0; k < b.nu; k++) {
		bool seen = false;
		for (size_t j = 0; j < k && !seen; j++)
			seen = b.u[j].kind == b.u[k].kind && !strcmp(b.u[j].name, b.u[k].name);
		r->pub.nr_types += !seen;
	}
	if (nn) {
		o.names = names;
		o.nr_names = nn;
		r->pub.diff = btfx_diff_new(old_btf, new_btf, &o, err);
		if (!r->pub.diff) {
			btfx_diff_obj_free(&r->pub);
			free(names);
			free(user);
			free(b.u);
			free(b.first);
			return NULL;
		}
	} else {
		r->pub.diff = calloc(1, sizeof(struct btfx_diff_priv));
		if (!r->pub.diff)
			goto nomem;
	}
	d = r->pub.diff;

	/* 3. which changes concern which relocation; keep only those */
	used = calloc(d->nr_entries + 1, sizeof(*used));
	if (!used)
		goto nomem;
	for (size_t i = 0; i < nr_relos; i++)
		for (size_t k = 0; k < d->nr_entries; k++)
			for (size_t u = b.first[i]; u < b.first[i + 1]; u++)
				if (use_matches(&b.u[u], &d->entries[k])) {
					used[k] = true;
					nchg++;
					break;
				}
	{
		size_t w = 0;
		for (size_t k = 0; k < d->nr_entries; k++) {
			if (used[k])
				d->entries[w++] = d->entries[k];
		}
		d->nr_entries = w;
		recount(d);
	}
	r->chg = malloc((nchg ? nchg : 1) * sizeof(*r->chg));
	if (!r->chg)
		goto nomem;
	nchg = 0;

	/* 4. the engine against both sides, in record order */
	ctx[0] = btfx_core_ctx_new(local, old_btf, NULL, 0);
	ctx[1] = btfx_core_ctx_new(local, new_btf, NULL, 0);
	if (!ctx[0] || !ctx[1])
		goto nomem;
	for (size_t i = 0; i < nr_relos; i++) {
		struct btfx_diff_relo *dr = &r->pub.relos[i];
		enum btfx_diff_core core;

		btfx_core_calc(ctx[0], relos[i].type_id, relos[i].access_str, relos[i].kind, &dr->old_res);
		btfx_core_calc(ctx[1], relos[i].type_id, relos[i].access_str, relos[i].kind, &dr->new_res);
		core = engine_core(relos[i].kind, &dr->old_res, &dr->new_res, &dr->engine_differs);
		dr->core = core;
	}
	/* per relocation, the kept changes that concern it */
	for (size_t i = 0; i < nr_relos; i++) {
		struct btfx_diff_relo *dr = &r->pub.relos[i];
		enum btfx_diff_core cc = BTFX_DIFF_CORE_NONE;

		dr->changes = r->chg + nchg;
		for (size_t k = 0; k < d->nr_entries; k++)
			for (size_t u = b.first[i]; u < b.first[i + 1]; u++)
				if (use_matches(&b.u[u], &d->entries[k])) {
					r->chg[nchg++] = k;
					dr->nr_changes++;
					cc = worse(cc, d->entries[k].core);
					break;
				}
		/* the engine says it broke; a type change says why */
		if (dr->core == BTFX_DIFF_CORE_GONE && cc == BTFX_DIFF_CORE_INCOMPAT)
			dr->core = cc;
		else
			dr->core = worse(dr->core, cc);
		dr->selected = true;
		if (nuser || o.kinds) {
			dr->selected = false;
			for (size_t u = b.first[i]; u < b.first[i + 1] && !dr->selected; u++)
				dr->selected = (!nuser || bsearch(&b.u[u].name, user, nuser, sizeof(*user), cmp_str_ptr)) &&
					       (!o.kinds || (o.kinds & (1u << b.u[u].kind)));
		}
		if (!dr->selected) {
			dr->engine_differs = false;
			dr->core = BTFX_DIFF_CORE_NONE;
			continue;
		}
		r->pub.nr_selected++;
		r->pub.nr_broken += dr->old_res.status == BTFX_CORE_OK && dr->new_res.status != BTFX_CORE_OK;
		dr->affected = dr->nr_changes || dr->engine_differs;
		if (dr->affected) {
			r->pub.nr_affected++;
			r->pub.per_core[dr->core]++;
		}
	}
	btfx_core_ctx_free(ctx[0]);
	btfx_core_ctx_free(ctx[1]);
	free(names);
	free(user);
	free(used);
	free(b.u);
	free(b.first);
	if (r->ar.oom) {
		btfx_diff_obj_free(&r->pub);
		goto nomem_nofree;
	}
	return &r->pub;
nomem:
	btfx_core_ctx_free(ctx[0]);
	btfx_core_ctx_free(ctx[1]);
	btfx_diff_obj_free(r ? &r->pub : NULL);
	free(names);
	free(user);
	free(used);
	free(b.u);
	free(b.first);
nomem_nofree:
	err->code = BTFX_E_NOMEM;
	err->sys_errno = ENOMEM;
	snprintf(err->msg, sizeof(err->msg), "diff: out of memory");
	return NULL;
}
