// SPDX-License-Identifier: BSD-2-Clause
/*
 * Minimized BTF for CO-RE (what `bpftool gen min_core_btf` makes), and
 * subsets of a BTF (types + what they need).
 *
 * Minimize, in three steps:
 *
 *  1. Decide.  Every relocation of every object is decided against the
 *     full target with the CO-RE engine (core-reloc), one candidate cache
 *     per object as libbpf keeps, vmlinux before modules.
 *  2. Mark.  btfx_core_result_deps() says what each decision used; the
 *     marks are per type a level (SHAPE < DEEP < WHOLE, see minimize.h)
 *     plus a bitset of the members / enumerators used.  Closure rules:
 *       SHAPE  typedef/modifier/tag targets, array element and index types,
 *              prototype return and parameter types: SHAPE; pointers stop
 *              (they point to void unless the pointee is kept anyway);
 *       DEEP   the same through pointers;
 *       WHOLE  every member (types WHOLE) and enumerator; pointers DEEP.
 *     A kept member keeps its name, offset and bitfield size; its type is
 *     SHAPE.  Structs and unions keep their size, enums their size and
 *     signedness, so every offset and size the engine computes is the same.
 *  3. Build and check.  Kept types are written in target id order (base
 *     first), with kept members / enumerators only; unnamed records that
 *     became identical (typically many "pointer to void") are merged.  The
 *     result is parsed (kernel rules) and every relocation is decided again
 *     against it; status, values (TYPE_ID_TARGET through the id map), field
 *     sizes, validation and poisoning must be those of the full target.
 *     The marks are exact for what matched, but a candidate that did NOT
 *     match in the full target could in principle match a trimmed copy
 *     (libbpf's "a direct name match is final" and pruning rules); should
 *     the check ever differ, every candidate of the differing relocation is
 *     made WHOLE and the build repeats.  Failures of the full target are
 *     kept as failures: nothing is dropped silently.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btfx/minimize.h"
#include "image.h"
#include "internal.h"

enum { LV_NONE = 0, LV_SHAPE = 1, LV_DEEP = 2, LV_WHOLE = 3 };

struct mobj {
	const struct btfx_obj *obj;
	struct btfx_core_result *res;
	size_t n;
};

struct btfx_minimize {
	const struct btfx *target;   /* full target (module on base, or plain) */
	const struct btfx *vmlinux;  /* base for split targets, else target */
	uint32_t cnt;                /* type_cnt(target) */
	enum btfx_endian endian;
	uint8_t *level;
	uint64_t **bits;             /* per id: members / enumerators kept */
	struct mobj *objs;
	size_t nobjs;
	uint32_t *map;               /* after write: target id -> output id */
	struct btfx_minimize_stats st;
};

/* ------------------------------------------------------------------ */
/* Marking                                                             */
/* ------------------------------------------------------------------ */

static const struct btfx_type *ty(const struct btfx *btf, uint32_t id)
{
	return btfx_type_by_id(btf, id);
}

static int set_bit(struct btfx_minimize *m, uint32_t id, uint32_t idx)
{
	const struct btfx_type *t = ty(m->target, id);
	uint32_t vlen = t ? btfx_vlen(t) : 0;

	if (idx >= vlen)
		return -EINVAL;
	if (!m->bits[id]) {
		m->bits[id] = calloc((vlen + 63) / 64, sizeof(uint64_t));
		if (!m->bits[id])
			return -ENOMEM;
	}
	m->bits[id][idx / 64] |= 1ull << (idx % 64);
	return 0;
}

static bool bit(const struct btfx_minimize *m, uint32_t id, uint32_t idx)
{
	return m->bits[id] && (m->bits[id][idx / 64] >> (idx % 64)) & 1;
}

static int mark(struct btfx_minimize *m, uint32_t id, int lv, int depth)
{
	const struct btfx_type *t;
	int e = 0, sub;

	if (!id)
		return 0;
	if (id >= m->cnt || depth > 512)
		return -EINVAL;
	if (m->level[id] >= lv)
		return 0;
	m->level[id] = (uint8_t)lv;
	t = ty(m->target, id);
	sub = lv == LV_WHOLE ? LV_DEEP : lv; /* what references other than members get */
	switch (btfx_kind(t)) {
	case BTFX_KIND_TYPEDEF: case BTFX_KIND_VOLATILE: case BTFX_KIND_CONST: case BTFX_KIND_RESTRICT:
	case BTFX_KIND_TYPE_TAG: case BTFX_KIND_FUNC: case BTFX_KIND_VAR:
		return mark(m, t->type, lv, depth + 1);
	case BTFX_KIND_DECL_TAG:
		return mark(m, t->type, LV_SHAPE, depth + 1);
	case BTFX_KIND_PTR:
		return lv >= LV_DEEP ? mark(m, t->type, LV_DEEP, depth + 1) : 0;
	case BTFX_KIND_ARRAY:
		e = mark(m, btfx_array(t)->type, lv, depth + 1);
		return e ? e : mark(m, btfx_array(t)->index_type, LV_SHAPE, depth + 1);
	case BTFX_KIND_FUNC_PROTO:
		e = mark(m, t->type, sub, depth + 1);
		for (uint32_t i = 0; i < btfx_vlen(t) && !e; i++)
			e = mark(m, btfx_params(t)[i].type, sub, depth + 1);
		return e;
	case BTFX_KIND_STRUCT: case BTFX_KIND_UNION:
		if (lv == LV_WHOLE)
			for (uint32_t i = 0; i < btfx_vlen(t) && !e; i++)
				e = mark(m, btfx_members(t)[i].type, LV_WHOLE, depth + 1);
		return e;
	case BTFX_KIND_DATASEC:
		for (uint32_t i = 0; i < btfx_vlen(t) && !e; i++)
			e = mark(m, btfx_secinfos(t)[i].type, lv, depth + 1);
		return e;
	default:
		return 0;
	}
}

static int mark_dep(struct btfx_minimize *m, const struct btfx_core_dep *d)
{
	const struct btfx_type *t = ty(m->target, d->type_id);
	int e;

	if (!d->type_id)
		return 0; /* void */
	if (!t)
		return -EINVAL;
	switch (d->how) {
	case BTFX_DEP_SHAPE: return mark(m, d->type_id, LV_SHAPE, 0);
	case BTFX_DEP_DEEP: return mark(m, d->type_id, LV_DEEP, 0);
	case BTFX_DEP_WHOLE: return mark(m, d->type_id, LV_WHOLE, 0);
	case BTFX_DEP_MEMBER:
		if (!btfx_is_composite(t) || d->idx >= btfx_vlen(t))
			return -EINVAL;
		e = mark(m, d->type_id, LV_SHAPE, 0);
		e = e ? e : set_bit(m, d->type_id, d->idx);
		return e ? e : mark(m, btfx_members(t)[d->idx].type, LV_SHAPE, 0);
	case BTFX_DEP_ENUMVAL:
		if (!btfx_is_any_enum(t) || d->idx >= btfx_vlen(t))
			return -EINVAL;
		e = mark(m, d->type_id, LV_SHAPE, 0);
		return e ? e : set_bit(m, d->type_id, d->idx);
	default:
		return -EINVAL;
	}
}

/* ------------------------------------------------------------------ */
/* Life cycle and deciding                                             */
/* ------------------------------------------------------------------ */

BTFX_API struct btfx_minimize *btfx_minimize_new(const struct btfx *target, const struct btfx_minimize_opts *opts,
						 struct btfx_error *err)
{
	struct btfx_minimize *m;

	if (err)
		memset(err, 0, sizeof(*err));
	if (!target) {
		btfx_set_err(err, BTFX_E_USAGE, EINVAL, 0, -1, "no target BTF");
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		goto nomem;
	m->target = target;
	m->vmlinux = btfx_base(target) ? btfx_base(target) : target;
	m->cnt = btfx_type_cnt(target);
	m->endian = opts && opts->sz >= offsetof(struct btfx_minimize_opts, endian) + sizeof(opts->endian) ? opts->endian
													: BTFX_ENDIAN_DEFAULT;
	if (m->endian == BTFX_ENDIAN_DEFAULT) /* the target's byte order */
		m->endian = btfx_is_foreign_endian(target) != (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__) ? BTFX_ENDIAN_BIG
													: BTFX_ENDIAN_LITTLE;
	m->level = calloc(m->cnt, 1);
	m->bits = calloc(m->cnt, sizeof(*m->bits));
	if (!m->level || !m->bits)
		goto nomem;
	m->st.types_in = m->cnt - 1;
	return m;
nomem:
	btfx_minimize_free(m);
	btfx_set_err(err, BTFX_E_NOMEM, ENOMEM, 0, -1, "out of memory");
	return NULL;
}

BTFX_API void btfx_minimize_free(struct btfx_minimize *m)
{
	if (!m)
		return;
	if (m->bits)
		for (uint32_t i = 0; i < m->cnt; i++)
			free(m->bits[i]);
	free(m->bits);
	free(m->level);
	for (size_t i = 0; i < m->nobjs; i++)
		btfx_core_results_free(m->objs[i].res, m->objs[i].n);
	free(m->objs);
	free(m->map);
	free(m);
}

/* Decide every relocation of obj against (vmlinux, modules), patching a copy
 * of the code as a loader would (a patch failure is an error too). */
static int decide_all(const struct btfx_obj *obj, const struct btfx *vmlinux, const struct btfx *mod,
		      struct btfx_core_result *res)
{
	size_t ns, nrelo;
	const struct btfx_obj_sec *secs = btfx_obj_secs(obj, &ns);
	const struct btfx_core_relo_rec *relos = btfx_obj_core_relos(obj, &nrelo);
	struct btfx_core_ctx *ctx = btfx_core_ctx_new(btfx_obj_btf(obj), vmlinux, mod ? &mod : NULL, mod ? 1 : 0);
	struct btfx_insn **insns = calloc(ns ? ns : 1, sizeof(*insns));
	int e = 0;

	if (!ctx || !insns) {
		e = -ENOMEM;
		goto out;
	}
	for (size_t s = 0; s < ns; s++) {
		insns[s] = malloc((secs[s].insn_cnt ? secs[s].insn_cnt : 1) * sizeof(struct btfx_insn));
		if (!insns[s]) {
			e = -ENOMEM;
			goto out;
		}
		if (secs[s].insn_cnt)
			memcpy(insns[s], secs[s].insns, secs[s].insn_cnt * sizeof(struct btfx_insn));
	}
	for (size_t i = 0; i < nrelo; i++) {
		const struct btfx_core_relo_rec *r = &relos[i];
		uint32_t idx = r->insn_off / 8;
		char why[200];

		btfx_core_calc(ctx, r->type_id, r->access_str, r->kind, &res[i]);
		if (res[i].status == BTFX_CORE_ERROR && res[i].err == -ENOMEM) {
			e = -ENOMEM;
			goto out;
		}
		if (res[i].status != BTFX_CORE_ERROR && idx < secs[r->sec].insn_cnt &&
		    btfx_core_patch(&insns[r->sec][idx], secs[r->sec].insn_cnt - idx, r->kind, &res[i], why, sizeof(why))) {
			res[i].status = BTFX_CORE_ERROR;
			res[i].err = -EINVAL;
			snprintf(res[i].reason, sizeof(res[i].reason), "instruction #%u: %.200s", idx, why);
		}
	}
out:
	if (insns)
		for (size_t s = 0; s < ns; s++)
			free(insns[s]);
	free(insns);
	btfx_core_ctx_free(ctx);
	return e;
}

BTFX_API int btfx_minimize_add_obj(struct btfx_minimize *m, const struct btfx_obj *obj,
				   const struct btfx_core_result **results, size_t *nresults, struct btfx_error *err)
{
	size_t nrelo;
	const struct btfx_core_relo_rec *relos = btfx_obj_core_relos(obj, &nrelo);
	struct btfx_core_result *res;
	struct mobj *objs;
	int e;

	if (err)
		memset(err, 0, sizeof(*err));
	objs = realloc(m->objs, (m->nobjs + 1) * sizeof(*objs));
	if (!objs)
		return btfx_set_err(err, BTFX_E_NOMEM, ENOMEM, 0, -1, "out of memory");
	m->objs = objs;
	res = calloc(nrelo ? nrelo : 1, sizeof(*res));
	if (!res)
		return btfx_set_err(err, BTFX_E_NOMEM, ENOMEM, 0, -1, "out of memory");
	e = decide_all(obj, m->vmlinux, m->target != m->vmlinux ? m->target : NULL, res);
	if (e) {
		btfx_core_results_free(res, nrelo);
		return btfx_set_err(err, BTFX_E_NOMEM, ENOMEM, 0, -1, "out of memory");
	}
	for (size_t i = 0; i < nrelo; i++) {
		const struct btfx_core_relo_rec *r = &relos[i];
		struct btfx_core_dep *deps;
		size_t nd;

		m->st.relos++;
		if (res[i].status == BTFX_CORE_ERROR)
			m->st.errors++;
		else if (res[i].status == BTFX_CORE_POISONED)
			m->st.poisoned++;
		else if (res[i].no_candidates && r->kind != BTFX_CORE_TYPE_ID_LOCAL)
			m->st.absent++;
		else
			m->st.ok++;
		e = btfx_core_result_deps(btfx_obj_btf(obj), r->type_id, r->access_str, r->kind, &res[i], &deps, &nd);
		for (size_t j = 0; !e && j < nd; j++)
			e = mark_dep(m, &deps[j]);
		free(deps);
		if (e) {
			btfx_core_results_free(res, nrelo);
			return btfx_set_err(err, e == -ENOMEM ? BTFX_E_NOMEM : BTFX_E_REF, -e, r->type_id, -1,
					    "%s: relocation #%zu: cannot record what it uses of the target (%s)",
					    btfx_obj_path(obj), i, e == -ENOMEM ? "out of memory" : "bad type reference");
		}
	}
	m->objs[m->nobjs++] = (struct mobj){ obj, res, nrelo };
	if (results)
		*results = res;
	if (nresults)
		*nresults = nrelo;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Building                                                            */
/* ------------------------------------------------------------------ */

/* An output record: words in target id space and target string offsets. */
struct rec {
	uint32_t id;      /* target id */
	uint32_t off, nw; /* in the words array */
};

struct recs {
	uint32_t *w;
	size_t nw, cap;
	struct rec *r;
	size_t n, rcap;
};

static int push_words(struct recs *rs, const uint32_t *w, size_t n)
{
	if (rs->nw + n > rs->cap) {
		size_t nc = rs->cap ? rs->cap * 2 : 4096;
		uint32_t *p;
		while (nc < rs->nw + n)
			nc *= 2;
		p = realloc(rs->w, nc * sizeof(*p));
		if (!p)
			return -ENOMEM;
		rs->w = p;
		rs->cap = nc;
	}
	if (n)
		memcpy(rs->w + rs->nw, w, n * sizeof(*w));
	rs->nw += n;
	return 0;
}

static int begin_rec(struct recs *rs, uint32_t id)
{
	if (rs->n == rs->rcap) {
		size_t nc = rs->rcap ? rs->rcap * 2 : 256;
		struct rec *p = realloc(rs->r, nc * sizeof(*p));
		if (!p)
			return -ENOMEM;
		rs->r = p;
		rs->rcap = nc;
	}
	rs->r[rs->n++] = (struct rec){ id, (uint32_t)rs->nw, 0 };
	return 0;
}

static void end_rec(struct recs *rs)
{
	struct rec *r = &rs->r[rs->n - 1];
	r->nw = (uint32_t)(rs->nw - r->off);
}

static inline uint32_t info_of(unsigned kind, uint32_t vlen, bool kflag)
{
	return (kflag ? 1u << 31 : 0) | ((kind & 0x7fu) << 24) | (vlen & 0xffffffu);
}

/* the record of id as kept: composites / enums filtered unless WHOLE */
static int build_rec(struct recs *rs, const struct btfx_minimize *m, uint32_t id)
{
	const struct btfx_type *t = ty(m->target, id);
	unsigned k = btfx_kind(t);
	bool whole = m->level[id] == LV_WHOLE;
	uint32_t hdr[3] = { t->name_off, t->info, t->size };
	int e = begin_rec(rs, id);

	if (e)
		return e;
	if ((k == BTFX_KIND_STRUCT || k == BTFX_KIND_UNION || btfx_is_any_enum(t)) && !whole) {
		uint32_t vlen = btfx_vlen(t), kept = 0, ew = k == BTFX_KIND_ENUM ? 2 : 3;
		const uint32_t *words = (const uint32_t *)(t + 1);
		size_t at = rs->nw;
		e = push_words(rs, hdr, 3);
		for (uint32_t i = 0; i < vlen && !e; i++)
			if (bit(m, id, i)) {
				e = push_words(rs, words + (size_t)i * ew, ew);
				kept++;
			}
		if (e)
			return e;
		rs->w[at + 1] = info_of(k, kept, btfx_kflag(t));
	} else {
		size_t sz = btfx__type_size(m->target, t, NULL);
		if (!sz)
			return -EINVAL;
		e = push_words(rs, (const uint32_t *)t, sz / 4);
		if (e)
			return e;
	}
	end_rec(rs);
	return 0;
}

/* visit the type-id words of a record (known kinds) */
static void rec_refs(uint32_t *w, void (*fn)(uint32_t *id, void *ctx), void *ctx)
{
	struct btfx_type *t = (struct btfx_type *)w;
	uint32_t vlen = btfx_vlen(t);

	switch (btfx_kind(t)) {
	case BTFX_KIND_PTR: case BTFX_KIND_TYPEDEF: case BTFX_KIND_VOLATILE: case BTFX_KIND_CONST:
	case BTFX_KIND_RESTRICT: case BTFX_KIND_TYPE_TAG: case BTFX_KIND_FUNC: case BTFX_KIND_VAR:
	case BTFX_KIND_DECL_TAG:
		fn(&t->type, ctx);
		break;
	case BTFX_KIND_ARRAY:
		fn(&w[3], ctx);
		fn(&w[4], ctx);
		break;
	case BTFX_KIND_STRUCT: case BTFX_KIND_UNION:
		for (uint32_t i = 0; i < vlen; i++)
			fn(&w[3 + 3 * i + 1], ctx);
		break;
	case BTFX_KIND_FUNC_PROTO:
		fn(&t->type, ctx);
		for (uint32_t i = 0; i < vlen; i++)
			fn(&w[3 + 2 * i + 1], ctx);
		break;
	case BTFX_KIND_DATASEC:
		for (uint32_t i = 0; i < vlen; i++)
			fn(&w[3 + 3 * i], ctx);
		break;
	default:
		break;
	}
}

struct canon_ctx {
	const uint32_t *canon; /* target id -> representative target id, 0 = not kept */
};

static void canon_ref(uint32_t *id, void *arg)
{
	const struct canon_ctx *c = arg;
	*id = c->canon[*id];
}

static bool dedup_kind(const uint32_t *w)
{
	const struct btfx_type *t = (const struct btfx_type *)w;

	if (t->name_off)
		return false;
	switch (btfx_kind(t)) {
	case BTFX_KIND_PTR: case BTFX_KIND_VOLATILE: case BTFX_KIND_CONST: case BTFX_KIND_RESTRICT:
	case BTFX_KIND_ARRAY: case BTFX_KIND_FUNC_PROTO: case BTFX_KIND_STRUCT: case BTFX_KIND_UNION:
	case BTFX_KIND_ENUM: case BTFX_KIND_ENUM64:
		return true;
	default:
		return false;
	}
}

static uint32_t hash_words(const uint32_t *w, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ w[i]) * 16777619u;
	return h;
}

/*
 * Merge unnamed records that are identical once their references are
 * canonical, until nothing changes.  canon[] (target id space) starts as
 * identity for kept ids and 0 for the others.
 */
static int dedup(struct recs *rs, uint32_t *canon)
{
	uint32_t *tmp, *slots;
	size_t cap = 64;
	bool changed = true;
	struct canon_ctx cc = { canon };

	if (!rs->n)
		return 0;
	tmp = malloc(rs->nw * sizeof(uint32_t));

	while (cap < rs->n * 2 + 2)
		cap *= 2;
	slots = malloc(cap * sizeof(*slots));
	if (!tmp || !slots) {
		free(tmp);
		free(slots);
		return -ENOMEM;
	}
	for (int round = 0; changed && round < 64; round++) {
		changed = false;
		memcpy(tmp, rs->w, rs->nw * sizeof(uint32_t));
		for (size_t i = 0; i < rs->n; i++)
			rec_refs(tmp + rs->r[i].off, canon_ref, &cc);
		memset(slots, 0xff, cap * sizeof(*slots));
		for (size_t i = 0; i < rs->n; i++) {
			const struct rec *r = &rs->r[i];
			const uint32_t *w = tmp + r->off;
			size_t j;
			if (canon[r->id] != r->id || !dedup_kind(rs->w + r->off))
				continue;
			j = hash_words(w, r->nw) & (cap - 1);
			for (;; j = (j + 1) & (cap - 1)) {
				const struct rec *o;
				if (slots[j] == UINT32_MAX) {
					slots[j] = (uint32_t)i;
					break;
				}
				o = &rs->r[slots[j]];
				if (o->nw == r->nw && !memcmp(tmp + o->off, w, r->nw * sizeof(uint32_t))) {
					canon[r->id] = o->id;
					changed = true;
					break;
				}
			}
		}
		/* representatives of representatives */
		for (size_t i = 0; i < rs->n; i++) {
			uint32_t id = rs->r[i].id;
			while (canon[canon[id]] != canon[id])
				canon[id] = canon[canon[id]];
		}
	}
	free(tmp);
	free(slots);
	return 0;
}

static int build(struct btfx_minimize *m, void **data, size_t *size, struct btfx_error *err)
{
	struct recs rs = { 0 };
	uint32_t *canon = calloc(m->cnt, sizeof(uint32_t));
	uint32_t *map = calloc(m->cnt, sizeof(uint32_t));
	struct btfx_writer *w = NULL;
	struct btfx_write_opts wo = { .sz = sizeof(wo), .endian = m->endian };
	uint32_t next = 1;
	int e = 0;

	if (!canon || !map) {
		e = -ENOMEM;
		goto out;
	}
	for (uint32_t id = 1; id < m->cnt && !e; id++)
		if (m->level[id]) {
			canon[id] = id;
			e = build_rec(&rs, m, id);
		}
	if (e)
		goto out;
	e = dedup(&rs, canon);
	if (e)
		goto out;
	for (size_t i = 0; i < rs.n; i++)
		if (canon[rs.r[i].id] == rs.r[i].id)
			map[rs.r[i].id] = next++;
	for (uint32_t id = 1; id < m->cnt; id++)
		if (m->level[id])
			map[id] = map[canon[id]];
	w = btfx_writer_new(NULL, err);
	if (!w) {
		e = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < rs.n && !e; i++) {
		const struct rec *r = &rs.r[i];
		if (canon[r->id] != r->id)
			continue;
		e = btfx_writer_add_raw_from(w, m->target, (const struct btfx_type *)(rs.w + r->off), r->nw * 4u, map,
					     m->cnt);
		if (e > 0)
			e = 0;
	}
	if (e) {
		btfx_set_err(err, e == -ENOMEM ? BTFX_E_NOMEM : BTFX_E_USAGE, -e, 0, -1, "building the minimized BTF: %s",
			     btfx_writer_errmsg(w));
		goto out;
	}
	e = btfx_writer_write(w, &wo, data, size, err);
	if (!e) {
		free(m->map);
		m->map = map;
		map = NULL;
		m->st.types_out = next - 1;
	}
out:
	if (e == -ENOMEM && err && !err->code)
		btfx_set_err(err, BTFX_E_NOMEM, ENOMEM, 0, -1, "out of memory");
	btfx_writer_free(w);
	free(rs.w);
	free(rs.r);
	free(canon);
	free(map);
	return e;
}

/* ------------------------------------------------------------------ */
/* Checking                                                            */
/* ------------------------------------------------------------------ */

static bool same_result(const struct btfx_minimize *m, uint32_t kind, const struct btfx_core_result *full,
			const struct btfx_core_result *min)
{
	if (full->status != min->status)
		return false;
	if (full->status == BTFX_CORE_ERROR)
		return full->err == min->err;
	if (full->poison != min->poison || full->orig_val != min->orig_val || full->orig_sz != min->orig_sz ||
	    full->new_sz != min->new_sz || full->validate != min->validate ||
	    full->fail_memsz_adjust != min->fail_memsz_adjust)
		return false;
	if (kind == BTFX_CORE_TYPE_ID_TARGET && !full->poison && full->new_val)
		return full->new_val < m->cnt && m->map[full->new_val] == min->new_val;
	return full->new_val == min->new_val;
}

/* number of relocations that differ; widens their candidates */
static int check(struct btfx_minimize *m, const void *data, size_t size, size_t *ndiff, bool *widened, char *first,
		 size_t firstlen, struct btfx_error *err)
{
	struct btfx *min;
	int e = 0;

	*ndiff = 0;
	*widened = false;
	min = btfx_parse(data, size, "minimized BTF", false, NULL, err);
	if (!min)
		return -EINVAL;
	for (size_t o = 0; o < m->nobjs && !e; o++) {
		const struct mobj *mo = &m->objs[o];
		const struct btfx_core_relo_rec *relos;
		size_t nrelo;
		struct btfx_core_result *res = calloc(mo->n ? mo->n : 1, sizeof(*res));

		if (!res) {
			e = -ENOMEM;
			break;
		}
		relos = btfx_obj_core_relos(mo->obj, &nrelo);
		e = decide_all(mo->obj, min, NULL, res);
		for (size_t i = 0; i < mo->n && !e; i++) {
			const struct btfx_core_result *f = &mo->res[i];
			if (same_result(m, relos[i].kind, f, &res[i]))
				continue;
			if (!*ndiff)
				snprintf(first, firstlen, "%s: relocation #%zu %s: %s%s %llu on the target, %s%s %llu minimized",
					 btfx_obj_path(mo->obj), i, f->local_spec_str,
					 f->status == BTFX_CORE_ERROR ? "error" : "", f->poison ? "poison" : "",
					 (unsigned long long)f->new_val, res[i].status == BTFX_CORE_ERROR ? "error" : "",
					 res[i].poison ? "poison" : "", (unsigned long long)res[i].new_val);
			(*ndiff)++;
			for (size_t c = 0; c < f->ncands; c++)
				if (f->cands[c].id < m->cnt && m->level[f->cands[c].id] != LV_WHOLE) {
					e = mark(m, f->cands[c].id, LV_WHOLE, 0);
					*widened = true;
				}
		}
		btfx_core_results_free(res, mo->n);
	}
	btfx_free(min);
	if (e)
		btfx_set_err(err, BTFX_E_NOMEM, ENOMEM, 0, -1, "out of memory");
	return e;
}

BTFX_API int btfx_minimize_write(struct btfx_minimize *m, void **data, size_t *size, struct btfx_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
	*data = NULL;
	*size = 0;
	for (unsigned round = 1; round <= 16; round++) {
		size_t ndiff;
		bool widened;
		char first[600] = "";
		int e = build(m, data, size, err);

		m->st.rounds = round;
		if (e)
			return e;
		if (!m->st.types_out) {
			/* Nothing used: a BTF with no types, as bpftool writes then.
			 * libbpf reads it (every relocation then finds no candidate,
			 * as on the target); the kernel's rules, and so btfx's
			 * reader, want at least one type. */
			return 0;
		}
		e = check(m, *data, *size, &ndiff, &widened, first, sizeof(first), err);
		if (e) {
			free(*data);
			*data = NULL;
			return e;
		}
		if (!ndiff)
			return 0;
		free(*data);
		*data = NULL;
		if (!widened)
			return btfx_set_err(err, BTFX_E_USAGE, EINVAL, 0, -1,
					    "cannot minimize: %zu relocation(s) decide differently even with whole types; %s",
					    ndiff, first);
	}
	return btfx_set_err(err, BTFX_E_USAGE, EINVAL, 0, -1, "cannot minimize: no stable result after 16 rounds");
}

BTFX_API uint32_t btfx_minimize_map_id(const struct btfx_minimize *m, uint32_t target_id)
{
	return m->map && target_id < m->cnt ? m->map[target_id] : 0;
}

BTFX_API void btfx_minimize_get_stats(const struct btfx_minimize *m, struct btfx_minimize_stats *st)
{
	*st = m->st;
}

/* ------------------------------------------------------------------ */
/* Subset                                                              */
/* ------------------------------------------------------------------ */

enum { SUB_NONE = 0, SUB_WEAK = 1, SUB_STRONG = 2 };

struct subset {
	const struct btfx *btf;
	uint8_t *st;
	bool follow_ptrs;
};

static int sub_mark(struct subset *s, uint32_t id, int how, int depth)
{
	const struct btfx_type *t;
	int e = 0;

	if (!id)
		return 0;
	if (depth > 4096)
		return -ELOOP;
	if (s->st[id] >= how)
		return 0;
	t = ty(s->btf, id);
	if (how == SUB_WEAK && !s->follow_ptrs) {
		/* a named struct/union behind a pointer: a forward declaration */
		if (btfx_is_composite(t) && t->name_off) {
			s->st[id] = SUB_WEAK;
			return 0;
		}
		if (btfx_kind(t) == BTFX_KIND_FWD) {
			s->st[id] = SUB_STRONG;
			return 0;
		}
		if (btfx_kind(t) == BTFX_KIND_TYPEDEF || btfx_is_mod(t) || btfx_kind(t) == BTFX_KIND_PTR) {
			s->st[id] = SUB_WEAK;
			return sub_mark(s, t->type, SUB_WEAK, depth + 1);
		}
	}
	s->st[id] = SUB_STRONG;
	switch (btfx_kind(t)) {
	case BTFX_KIND_PTR:
		return sub_mark(s, t->type, SUB_WEAK, depth + 1);
	case BTFX_KIND_TYPEDEF: case BTFX_KIND_VOLATILE: case BTFX_KIND_CONST: case BTFX_KIND_RESTRICT:
	case BTFX_KIND_TYPE_TAG: case BTFX_KIND_FUNC: case BTFX_KIND_VAR: case BTFX_KIND_DECL_TAG:
		return sub_mark(s, t->type, SUB_STRONG, depth + 1);
	case BTFX_KIND_ARRAY:
		e = sub_mark(s, btfx_array(t)->type, SUB_STRONG, depth + 1);
		return e ? e : sub_mark(s, btfx_array(t)->index_type, SUB_STRONG, depth + 1);
	case BTFX_KIND_STRUCT: case BTFX_KIND_UNION:
		for (uint32_t i = 0; i < btfx_vlen(t) && !e; i++)
			e = sub_mark(s, btfx_members(t)[i].type, SUB_STRONG, depth + 1);
		return e;
	case BTFX_KIND_FUNC_PROTO:
		e = sub_mark(s, t->type, SUB_STRONG, depth + 1);
		for (uint32_t i = 0; i < btfx_vlen(t) && !e; i++)
			e = sub_mark(s, btfx_params(t)[i].type, SUB_STRONG, depth + 1);
		return e;
	case BTFX_KIND_DATASEC:
		for (uint32_t i = 0; i < btfx_vlen(t) && !e; i++)
			e = sub_mark(s, btfx_secinfos(t)[i].type, SUB_STRONG, depth + 1);
		return e;
	default:
		return 0;
	}
}

BTFX_API int btfx_write_subset(const struct btfx *btf, const uint32_t *ids, size_t nids,
			       const struct btfx_subset_opts *opts, void **data, size_t *size, struct btfx_error *err)
{
	uint32_t flags = opts && opts->sz >= offsetof(struct btfx_subset_opts, flags) + sizeof(opts->flags) ? opts->flags : 0;
	enum btfx_endian endian = opts && opts->sz >= offsetof(struct btfx_subset_opts, endian) + sizeof(opts->endian)
					  ? opts->endian : BTFX_ENDIAN_DEFAULT;
	uint32_t cnt = btfx_type_cnt(btf), next = 1;
	struct subset s = { btf, NULL, (flags & BTFX_SUBSET_FOLLOW_PTRS) != 0 };
	uint32_t *map = NULL;
	struct btfx_writer *w = NULL;
	struct btfx_write_opts wo = { .sz = sizeof(wo), .flags = BTFX_WRITE_VALIDATE };
	bool host_be = __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__;
	int e = 0;

	if (err)
		memset(err, 0, sizeof(*err));
	*data = NULL;
	*size = 0;
	if (!nids)
		return btfx_set_err(err, BTFX_E_USAGE, EINVAL, 0, -1, "no types selected");
	for (size_t i = 0; i < nids; i++)
		if (!ids[i] || ids[i] >= cnt)
			return btfx_set_err(err, BTFX_E_NOTFOUND, ENOENT, ids[i], -1, "%s: no type with id %u (ids go from 1 to %u)",
					    btfx_path(btf), ids[i], cnt - 1);
	if (endian == BTFX_ENDIAN_DEFAULT)
		endian = btfx_is_foreign_endian(btf) != host_be ? BTFX_ENDIAN_BIG : BTFX_ENDIAN_LITTLE;
	wo.endian = endian;
	s.st = calloc(cnt, 1);
	map = calloc(cnt, sizeof(*map));
	if (!s.st || !map) {
		e = btfx_set_err(err, BTFX_E_NOMEM, ENOMEM, 0, -1, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < nids && !e; i++)
		e = sub_mark(&s, ids[i], SUB_STRONG, 0);
	if (!e && !(flags & BTFX_SUBSET_NO_DECL_TAGS))
		for (uint32_t id = 1; id < cnt && !e; id++) {
			const struct btfx_type *t = ty(btf, id);
			if (btfx_kind(t) == BTFX_KIND_DECL_TAG && t->type < cnt && s.st[t->type] == SUB_STRONG)
				e = sub_mark(&s, id, SUB_STRONG, 0);
		}
	if (e) {
		e = btfx_set_err(err, BTFX_E_LOOP, ELOOP, 0, -1, "%s: reference chain too deep", btfx_path(btf));
		goto out;
	}
	for (uint32_t id = 1; id < cnt; id++)
		if (s.st[id])
			map[id] = next++;
	w = btfx_writer_new(NULL, err);
	if (!w) {
		e = -ENOMEM;
		goto out;
	}
	for (uint32_t id = 1; id < cnt && e >= 0; id++) {
		const struct btfx_type *t = ty(btf, id);
		if (!s.st[id])
			continue;
		if (s.st[id] == SUB_WEAK && btfx_is_composite(t)) {
			struct btfx_type fwd = { t->name_off, info_of(BTFX_KIND_FWD, 0, btfx_kind(t) == BTFX_KIND_UNION),
						 { 0 } };
			e = btfx_writer_add_raw_from(w, btf, &fwd, sizeof(fwd), map, cnt);
		} else {
			e = btfx_writer_copy_type(w, btf, id, map, cnt);
		}
	}
	if (e < 0) {
		e = btfx_set_err(err, e == -ENOMEM ? BTFX_E_NOMEM : BTFX_E_USAGE, -e, 0, -1, "%s: %s", btfx_path(btf),
				 btfx_writer_errmsg(w));
		goto out;
	}
	e = btfx_writer_write(w, &wo, data, size, err);
out:
	btfx_writer_free(w);
	free(s.st);
	free(map);
	return e < 0 ? e : 0;
}
