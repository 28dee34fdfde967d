// SPDX-License-Identifier: BSD-2-Clause
/*
 * The CO-RE relocation engine.
 *
 * Decides relocations exactly as libbpf (relo_core.c + libbpf.c's candidate
 * search) does:
 *
 *  1. The local spec is parsed from the access string: the first index is
 *     an array index on the root, later ones member or element indices;
 *     anonymous members are walked but kept out of the high-level spec.
 *  2. Candidates are target types of a core-compatible kind whose essential
 *     name (flavor suffix "___x" stripped) equals the local root's; vmlinux
 *     first, modules only when vmlinux has none.  The list is cached per
 *     local root type for the whole object and pruned: candidates that fail
 *     one relocation are dropped for the next, if at least one matched.
 *  3. Each candidate is matched (field path by member name through
 *     anonymous members, array bounds, field compatibility; type-based
 *     compatibility; TYPE_MATCHES; enumerator names) and all matches must
 *     agree on the bit offset and the value, or the relocation is ambiguous.
 *  4. No match: the existence kinds and TYPE_SIZE / TYPE_ID_TARGET give 0,
 *     other kinds poison the instruction.
 *
 * Unlike libbpf, every step is recorded: each candidate's verdict, the
 * accessor that failed and why, so a failure can be explained.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btfx/core.h"
#include "match.h"

static const char *const kind_strs[] = {
	"byte_off", "byte_sz", "field_exists", "signed", "lshift_u64", "rshift_u64", "local_type_id",
	"target_type_id", "type_exists", "type_size", "enumval_exists", "enumval_value", "type_matches",
};

BTFX_API const char *btfx_core_kind_str(unsigned kind)
{
	return kind < 13 ? kind_strs[kind] : "unknown";
}

static bool is_field_based(uint32_t k) { return k <= BTFX_CORE_FIELD_RSHIFT_U64; }
static bool is_type_based(uint32_t k)
{
	return (k >= BTFX_CORE_TYPE_ID_LOCAL && k <= BTFX_CORE_TYPE_SIZE) || k == BTFX_CORE_TYPE_MATCHES;
}
static bool is_enumval_based(uint32_t k) { return k == BTFX_CORE_ENUMVAL_EXISTS || k == BTFX_CORE_ENUMVAL_VALUE; }

static const char *lower_kind(unsigned k)
{
	static const char *const n[] = { "unknown", "int", "ptr", "array", "struct", "union", "enum",
					 "fwd", "typedef", "volatile", "const", "restrict", "func", "func_proto",
					 "var", "datasec", "float", "decl_tag", "type_tag", "enum64" };
	return k < 20 ? n[k] : "unknown";
}

static const struct btfx_type *tby(const struct btfx *btf, uint32_t id)
{
	return btfx_type_by_id(btf, id);
}

static const char *name_of(const struct btfx *btf, uint32_t off)
{
	const char *s = btfx_str(btf, off);
	return s ? s : "";
}

/* skip_mods_and_typedefs */
static const struct btfx_type *skip(const struct btfx *btf, uint32_t id, uint32_t *res_id)
{
	const struct btfx_type *t = tby(btf, id);
	int guard = 0;

	while (t && id && (btfx_is_mod(t) || btfx_kind(t) == BTFX_KIND_TYPEDEF) && guard++ < 256) {
		id = t->type;
		t = tby(btf, id);
	}
	if (res_id)
		*res_id = id;
	return t;
}

static bool kind_core_compat(const struct btfx_type *a, const struct btfx_type *b)
{
	unsigned ka = btfx_kind(a), kb = btfx_kind(b);
	if (ka == kb)
		return true;
	return (ka == BTFX_KIND_ENUM && kb == BTFX_KIND_ENUM64) || (ka == BTFX_KIND_ENUM64 && kb == BTFX_KIND_ENUM);
}

static bool is_flex_arr(const struct btfx *btf, const struct btfx_core_accessor *acc, const struct btfx_array *arr)
{
	const struct btfx_type *t;

	if (!acc->name || arr->nelems > 0)
		return false;
	t = tby(btf, acc->type_id);
	return t && acc->idx == btfx_vlen(t) - 1;
}

/* ------------------------------------------------------------------ */
/* Spec parsing and formatting                                          */
/* ------------------------------------------------------------------ */

BTFX_API int btfx_core_parse_spec(const struct btfx *btf, uint32_t type_id, const char *access, uint32_t kind,
				  struct btfx_core_spec *spec, char *why, size_t whylen)
{
	const struct btfx_type *t;
	struct btfx_core_accessor *acc;
	uint32_t id;
	int64_t sz;
	const char *s = access;

#define FAIL(e, ...) do { if (why) snprintf(why, whylen, __VA_ARGS__); return (e); } while (0)
	memset(spec, 0, sizeof(*spec));
	spec->btf = btf;
	spec->root_type_id = type_id;
	spec->kind = kind;
	if (!s || !*s || *s == ':')
		FAIL(-EINVAL, "empty or malformed access string");
	if (!tby(btf, type_id) || !type_id)
		FAIL(-EINVAL, "local type id %u does not exist", type_id);
	if (is_type_based(kind)) {
		if (strcmp(s, "0"))
			FAIL(-EINVAL, "type-based relocation with access string \"%s\" (must be \"0\")", s);
		return 0;
	}
	while (*s) {
		uint64_t v = 0;
		const char *st;
		if (*s == ':')
			s++;
		st = s;
		while (*s >= '0' && *s <= '9' && v <= INT_MAX)
			v = v * 10 + (uint64_t)(*s++ - '0');
		if (s == st || v > INT_MAX || (*s && *s != ':'))
			FAIL(-EINVAL, "malformed access string \"%s\"", access);
		if (spec->raw_len == BTFX_CORE_SPEC_MAX_LEN)
			FAIL(-E2BIG, "access string longer than %d components", BTFX_CORE_SPEC_MAX_LEN);
		spec->raw_spec[spec->raw_len++] = (int)v;
	}
	t = skip(btf, type_id, &id);
	if (!t)
		FAIL(-EINVAL, "local type %u does not resolve", type_id);
	acc = &spec->spec[0];
	acc->type_id = id;
	acc->idx = (uint32_t)spec->raw_spec[0];
	spec->len++;
	if (is_enumval_based(kind)) {
		uint32_t idx = acc->idx;
		if (!btfx_is_any_enum(t) || spec->raw_len > 1 || idx >= btfx_vlen(t))
			FAIL(-EINVAL, "enum relocation on [%u] %s with index %u: not an enumerator", id,
			     lower_kind(btfx_kind(t)), idx);
		acc->name = name_of(btf, btfx_kind(t) == BTFX_KIND_ENUM ? btfx_enums(t)[idx].name_off
									: btfx_enums64(t)[idx].name_off);
		return 0;
	}
	if (!is_field_based(kind))
		FAIL(-EINVAL, "unknown relocation kind %u", kind);
	sz = btfx_resolve_size(btf, id);
	if (sz < 0)
		FAIL((int)sz, "root type [%u] has no size", id);
	spec->bit_offset = (uint32_t)((uint64_t)spec->raw_spec[0] * (uint64_t)sz * 8);
	for (int i = 1; i < spec->raw_len; i++) {
		uint32_t aidx = (uint32_t)spec->raw_spec[i];
		t = skip(btf, id, &id);
		if (!t)
			FAIL(-EINVAL, "access step %d: type does not resolve", i);
		acc = &spec->spec[spec->len];
		if (btfx_is_composite(t)) {
			const struct btfx_member *m;
			if (aidx >= btfx_vlen(t))
				FAIL(-EINVAL, "access step %d: member index %u out of range for %s '%s' (%u members)", i, aidx,
				     lower_kind(btfx_kind(t)), name_of(btf, t->name_off), btfx_vlen(t));
			spec->bit_offset += btfx_member_bit_offset(t, aidx);
			m = btfx_members(t) + aidx;
			if (m->name_off) {
				const char *nm = name_of(btf, m->name_off);
				if (!*nm)
					FAIL(-EINVAL, "access step %d: member with an empty name", i);
				acc->type_id = id;
				acc->idx = aidx;
				acc->name = nm;
				spec->len++;
			}
			id = m->type;
		} else if (btfx_kind(t) == BTFX_KIND_ARRAY) {
			const struct btfx_array *a = btfx_array(t);
			bool flex;
			t = skip(btf, a->type, &id);
			if (!t)
				FAIL(-EINVAL, "access step %d: array element does not resolve", i);
			flex = is_flex_arr(btf, acc - 1, a);
			if (!flex && aidx >= a->nelems)
				FAIL(-EINVAL, "access step %d: index %u beyond array of %u", i, aidx, a->nelems);
			spec->spec[spec->len].type_id = id;
			spec->spec[spec->len].idx = aidx;
			spec->spec[spec->len].name = NULL;
			spec->len++;
			sz = btfx_resolve_size(btf, id);
			if (sz < 0)
				FAIL((int)sz, "access step %d: element has no size", i);
			spec->bit_offset += (uint32_t)((uint64_t)aidx * (uint64_t)sz * 8);
		} else {
			FAIL(-EINVAL, "access step %d: [%u] %s is neither struct, union nor array", i, id,
			     lower_kind(btfx_kind(t)));
		}
	}
	return 0;
#undef FAIL
}

/*
 * A small string builder for spec texts (formatted for every candidate of
 * every relocation, so without printf): like snprintf, the length counts
 * what did not fit, and buf stays NUL-terminated.
 */
struct sbuf {
	char *buf;
	size_t sz;
	int len;
};

static void sb_mem(struct sbuf *b, const char *s, size_t n)
{
	if (b->len >= 0 && (size_t)b->len + 1 < b->sz) {
		size_t room = b->sz - 1 - (size_t)b->len, k = n < room ? n : room;
		memcpy(b->buf + b->len, s, k);
		b->buf[(size_t)b->len + k] = 0;
	}
	b->len += (int)n;
}

static void sb_str(struct sbuf *b, const char *s) { sb_mem(b, s, strlen(s)); }

static void sb_u64(struct sbuf *b, uint64_t v)
{
	char tmp[24], *p = tmp + sizeof(tmp);

	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	sb_mem(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

static void sb_s64(struct sbuf *b, int64_t v)
{
	if (v < 0) {
		sb_mem(b, "-", 1);
		sb_u64(b, (uint64_t)0 - (uint64_t)v);
	} else {
		sb_u64(b, (uint64_t)v);
	}
}

BTFX_API int btfx_core_format_spec(char *buf, size_t sz, const struct btfx_core_spec *spec)
{
	const struct btfx_type *t = tby(spec->btf, spec->root_type_id);
	const char *s = t ? name_of(spec->btf, t->name_off) : "";
	struct sbuf b = { buf, sz, 0 };

	if (sz)
		buf[0] = 0;
	sb_mem(&b, "<", 1);
	sb_str(&b, btfx_core_kind_str(spec->kind));
	sb_mem(&b, "> [", 3);
	sb_u64(&b, spec->root_type_id);
	sb_mem(&b, "] ", 2);
	sb_str(&b, t ? lower_kind(btfx_kind(t)) : "unknown");
	sb_mem(&b, " ", 1);
	sb_str(&b, *s ? s : "<anon>");
	if (is_type_based(spec->kind))
		return b.len;
	if (is_enumval_based(spec->kind)) {
		t = skip(spec->btf, spec->root_type_id, NULL);
		if (t && btfx_kind(t) == BTFX_KIND_ENUM) {
			const struct btfx_enum *e = btfx_enums(t) + spec->raw_spec[0];
			sb_mem(&b, "::", 2);
			sb_str(&b, name_of(spec->btf, e->name_off));
			sb_mem(&b, " = ", 3);
			if (btfx_kflag(t))
				sb_s64(&b, e->val);
			else
				sb_u64(&b, (uint32_t)e->val);
		} else if (t) {
			const struct btfx_enum64 *e = btfx_enums64(t) + spec->raw_spec[0];
			sb_mem(&b, "::", 2);
			sb_str(&b, name_of(spec->btf, e->name_off));
			sb_mem(&b, " = ", 3);
			if (btfx_kflag(t))
				sb_s64(&b, (int64_t)btfx_enum64_value(e));
			else
				sb_u64(&b, btfx_enum64_value(e));
		}
		return b.len;
	}
	for (int i = 0; i < spec->len; i++) {
		if (spec->spec[i].name) {
			sb_mem(&b, ".", 1);
			sb_str(&b, spec->spec[i].name);
		} else if (i > 0 || spec->spec[i].idx > 0) {
			sb_mem(&b, "[", 1);
			sb_u64(&b, spec->spec[i].idx);
			sb_mem(&b, "]", 1);
		}
	}
	sb_mem(&b, " (", 2);
	for (int i = 0; i < spec->raw_len; i++) {
		if (i)
			sb_mem(&b, ":", 1);
		sb_s64(&b, spec->raw_spec[i]);
	}
	sb_mem(&b, " @ offset ", 10);
	sb_u64(&b, spec->bit_offset / 8);
	if (spec->bit_offset % 8) {
		sb_mem(&b, ".", 1);
		sb_u64(&b, spec->bit_offset % 8);
	}
	sb_mem(&b, ")", 1);
	return b.len;
}

/* ------------------------------------------------------------------ */
/* Compatibility and matching                                           */
/* ------------------------------------------------------------------ */

static bool ess_eq(const char *a, const char *b)
{
	size_t la = btfx_essential_name_len(a), lb = btfx_essential_name_len(b);
	return la == lb && !strncmp(a, b, la);
}

static int fields_are_compat(const struct btfx *lb, uint32_t lid, const struct btfx *tb, uint32_t tid)
{
	for (int depth = 0; depth < 64; depth++) {
		const struct btfx_type *lt = skip(lb, lid, &lid), *tt = skip(tb, tid, &tid);
		if (!lt || !tt)
			return -EINVAL;
		if (btfx_is_composite(lt) && btfx_is_composite(tt))
			return 1;
		if (!kind_core_compat(lt, tt))
			return 0;
		switch (btfx_kind(lt)) {
		case BTFX_KIND_PTR: case BTFX_KIND_FLOAT:
			return 1;
		case BTFX_KIND_FWD: case BTFX_KIND_ENUM: case BTFX_KIND_ENUM64: {
			const char *ln = name_of(lb, lt->name_off), *tn = name_of(tb, tt->name_off);
			size_t ll = btfx_essential_name_len(ln), tl = btfx_essential_name_len(tn);
			return ll == 0 || tl == 0 || (ll == tl && !strncmp(ln, tn, ll));
		}
		case BTFX_KIND_INT:
			return btfx_int_offset(lt) == 0 && btfx_int_offset(tt) == 0;
		case BTFX_KIND_ARRAY:
			lid = btfx_array(lt)->type;
			tid = btfx_array(tt)->type;
			continue;
		default:
			return 0;
		}
	}
	return -EINVAL;
}

/*
 * Type pair decisions (F16).  libbpf's __bpf_core_types_are_compat and
 * __bpf_core_types_match recurse over pairs (local id, target id) with a
 * level, 32 at the top and one less per prototype parameter or member:
 * every target member with the local member's name is tried in order.  A
 * type shared by several members or parameters (a DAG: struct S_k { struct
 * S_k+1 a, b; } 32 levels deep, in the local or in the target BTF) is
 * compared once per path, 2^32 times.
 *
 * The answer for a pair is a function f(pair, level) (pair: local id,
 * target id and, for TYPE_MATCHES, behind_ptr; the BTFs are fixed) of a
 * simple shape: there is a threshold need >= 1 below which f = -EINVAL,
 * and from which on f = v, the answer without a level limit.  (A call
 * makes its sub-calls in order at level - 1 and returns the first error
 * one gives; every error is -EINVAL.  If none of them is below its need,
 * the call sees what it would see without a limit: its need is 1 + the
 * largest need among its sub-calls, and with less, one of them, or one
 * before it, fails first.)  A pair met again while it is being decided is
 * a loop (unvalidated BTF): libbpf goes round it until the level runs out,
 * so f = -EINVAL at any level, and every call on the way returns it.
 *
 * So within one decision each pair is decided once and remembered with
 * its answer and need (PM_DONE).  A call cut short by the level (some
 * sub-call below its need) only tells that f = -EINVAL below the need
 * found so far (PM_CUT); the pair is decided again if it is met with more
 * level, at most 32 times.  Recursion is bounded by the level as before.
 * Work: at most 33 evaluations per pair met, each linear in the two types
 * plus the name matches (see struct name_index), and at most PAIR_MEMO_MAX
 * pairs, then -E2BIG: libbpf would make at least that many calls, and no
 * real type comes near it.  The answers are libbpf's.
 */
#define PAIR_MEMO_MAX (1u << 20)
#define PM_MISS INT_MIN

enum { PM_FREE, PM_BUSY, PM_DONE, PM_CUT };

struct pair_ent {
	uint32_t lid, tid;
	uint8_t state;    /* PM_* */
	uint8_t ptr;      /* behind_ptr */
	uint8_t need;     /* PM_DONE: f = v from it on; both: f = -EINVAL below it */
	uint8_t recorded; /* events sent for it (btfx__core_types_match with ev) */
	int8_t v;
};

struct pair_memo {
	struct pair_ent *tab; /* open addressing, cap a power of 2 */
	uint32_t cap, n;
	struct pair_ent small[32];
};

struct tm_ctx {
	const struct btfx *lb, *tb;
	struct pair_memo pm;
	btfx_tm_event_fn ev;
	void *arg;
};

static void tm_init(struct tm_ctx *c, const struct btfx *lb, const struct btfx *tb, btfx_tm_event_fn ev, void *arg)
{
	c->lb = lb;
	c->tb = tb;
	c->ev = ev;
	c->arg = arg;
	memset(c->pm.small, 0, sizeof(c->pm.small));
	c->pm.tab = c->pm.small;
	c->pm.cap = sizeof(c->pm.small) / sizeof(c->pm.small[0]);
	c->pm.n = 0;
}

static void tm_fini(struct tm_ctx *c)
{
	if (c->pm.tab != c->pm.small)
		free(c->pm.tab);
}

static struct pair_ent *pm_slot(const struct pair_memo *pm, uint32_t lid, uint32_t tid, bool ptr)
{
	uint64_t k = (((uint64_t)lid << 32) | tid) * 0x9e3779b97f4a7c15ull;
	uint32_t mask = pm->cap - 1, h = ((uint32_t)(k >> 32) + (ptr ? 0x5bd1e995u : 0)) & mask;

	while (pm->tab[h].state != PM_FREE &&
	       (pm->tab[h].lid != lid || pm->tab[h].tid != tid || pm->tab[h].ptr != ptr))
		h = (h + 1) & mask;
	return &pm->tab[h];
}

/* f(pair, level) if known, else PM_MISS with the pair marked PM_BUSY */
static int pm_enter(struct pair_memo *pm, uint32_t lid, uint32_t tid, bool ptr, int level, int *need)
{
	struct pair_ent *e = pm_slot(pm, lid, tid, ptr);

	*need = 1;
	switch (e->state) {
	case PM_BUSY: /* a loop */
		return -EINVAL;
	case PM_DONE:
		*need = e->need;
		return level >= e->need ? e->v : -EINVAL;
	case PM_CUT:
		*need = e->need;
		if (level < e->need)
			return -EINVAL;
		e->state = PM_BUSY;
		return PM_MISS;
	default:
		break;
	}
	if (pm->n >= PAIR_MEMO_MAX)
		return -E2BIG;
	if (2 * (pm->n + 1) > pm->cap) {
		struct pair_ent *old = pm->tab, *tab = calloc(2 * (size_t)pm->cap, sizeof(*tab));
		uint32_t ocap = pm->cap;
		if (!tab)
			return -ENOMEM;
		pm->tab = tab;
		pm->cap *= 2;
		for (uint32_t i = 0; i < ocap; i++)
			if (old[i].state != PM_FREE)
				*pm_slot(pm, old[i].lid, old[i].tid, old[i].ptr) = old[i];
		if (old != pm->small)
			free(old);
		e = pm_slot(pm, lid, tid, ptr);
	}
	*e = (struct pair_ent){ .lid = lid, .tid = tid, .state = PM_BUSY, .ptr = ptr };
	pm->n++;
	return PM_MISS;
}

static int pm_leave(struct pair_memo *pm, uint32_t lid, uint32_t tid, bool ptr, int level, int r, int need)
{
	struct pair_ent *e;

	if (r != 0 && r != 1 && r != -EINVAL)
		return r; /* -ENOMEM, -E2BIG: the whole decision fails */
	e = pm_slot(pm, lid, tid, ptr);
	e->state = need > level ? PM_CUT : PM_DONE; /* PM_CUT: r is -EINVAL */
	e->need = (uint8_t)(need < UINT8_MAX ? need : UINT8_MAX); /* a lower bound still */
	e->v = (int8_t)r;
	return r;
}

/*
 * The members or enumerators of a big target type by essential name:
 * libbpf compares each local name with each target name (two hostile
 * 2^24-member types: 2^48 compares).  A bucket chains its indices in
 * order, so the first match is libbpf's.  Without memory for it, the plain
 * scan gives the same answers.
 */
#define NI_MIN_PAIRS 1024

struct name_index {
	uint32_t *head; /* 1 + the first index in a bucket, 0: empty; NULL: no index */
	uint32_t *next; /* 1 + the next index in the same bucket, 0: end */
	uint32_t mask;
};

static uint32_t elem_name(const struct btfx_type *t, uint32_t i)
{
	switch (btfx_kind(t)) {
	case BTFX_KIND_ENUM: return btfx_enums(t)[i].name_off;
	case BTFX_KIND_ENUM64: return btfx_enums64(t)[i].name_off;
	default: return btfx_members(t)[i].name_off;
	}
}

static uint32_t ess_hash(const char *s)
{
	size_t n = btfx_essential_name_len(s);
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h;
}

static void ni_build(struct name_index *ni, const struct btfx *tb, const struct btfx_type *tt, uint32_t lv)
{
	uint32_t tv = btfx_vlen(tt);
	size_t nb = 16;

	ni->head = ni->next = NULL;
	if ((uint64_t)lv * tv < NI_MIN_PAIRS)
		return;
	while (nb < 2 * (size_t)tv)
		nb *= 2;
	ni->head = calloc(nb, sizeof(*ni->head));
	ni->next = malloc(tv * sizeof(*ni->next));
	if (!ni->head || !ni->next) {
		free(ni->head);
		free(ni->next);
		ni->head = ni->next = NULL;
		return;
	}
	ni->mask = (uint32_t)(nb - 1);
	for (uint32_t j = tv; j-- > 0;) {
		uint32_t h = ess_hash(name_of(tb, elem_name(tt, j))) & ni->mask;
		ni->next[j] = ni->head[h];
		ni->head[h] = j + 1;
	}
}

/* the first target index to compare with local name ln; tv: none */
static uint32_t ni_first(const struct name_index *ni, const char *ln, uint32_t tv)
{
	uint32_t f;

	if (!ni->head)
		return 0;
	f = ni->head[ess_hash(ln) & ni->mask];
	return f ? f - 1 : tv;
}

static uint32_t ni_step(const struct name_index *ni, uint32_t j, uint32_t tv)
{
	if (!ni->head)
		return j + 1;
	return ni->next[j] ? ni->next[j] - 1 : tv;
}

static void ni_free(struct name_index *ni)
{
	free(ni->head);
	free(ni->next);
}

static int types_are_compat(struct tm_ctx *c, uint32_t lid, uint32_t tid, int level, int *need);

static int compat_one(struct tm_ctx *c, uint32_t lid, uint32_t tid, int level, int *need)
{
	const struct btfx *lb = c->lb, *tb = c->tb;
	const struct btfx_type *lt = tby(lb, lid), *tt = tby(tb, tid);
	int depth = 32;

	if (!lt || !tt || !kind_core_compat(lt, tt))
		return lt && tt ? 0 : -EINVAL;
	for (;;) {
		if (--depth < 0)
			return -EINVAL;
		lt = skip(lb, lid, &lid);
		tt = skip(tb, tid, &tid);
		if (!lt || !tt)
			return -EINVAL;
		if (!kind_core_compat(lt, tt))
			return 0;
		switch (btfx_kind(lt)) {
		case BTFX_KIND_UNKN: case BTFX_KIND_STRUCT: case BTFX_KIND_UNION: case BTFX_KIND_ENUM:
		case BTFX_KIND_FWD: case BTFX_KIND_ENUM64:
			return 1;
		case BTFX_KIND_INT:
			return btfx_int_offset(lt) == 0 && btfx_int_offset(tt) == 0;
		case BTFX_KIND_PTR:
			lid = lt->type;
			tid = tt->type;
			continue;
		case BTFX_KIND_ARRAY:
			lid = btfx_array(lt)->type;
			tid = btfx_array(tt)->type;
			continue;
		case BTFX_KIND_FUNC_PROTO: {
			const struct btfx_param *lp = btfx_params(lt), *tp = btfx_params(tt);
			if (btfx_vlen(lt) != btfx_vlen(tt))
				return 0;
			for (uint32_t i = 0; i < btfx_vlen(lt); i++) {
				uint32_t a, b;
				int e, n;
				skip(lb, lp[i].type, &a);
				skip(tb, tp[i].type, &b);
				e = types_are_compat(c, a, b, level - 1, &n);
				if (n + 1 > *need)
					*need = n + 1;
				if (e <= 0)
					return e;
			}
			skip(lb, lt->type, &lid);
			skip(tb, tt->type, &tid);
			continue;
		}
		default:
			return 0;
		}
	}
}

/* __bpf_core_types_are_compat; *need: see above */
static int types_are_compat(struct tm_ctx *c, uint32_t lid, uint32_t tid, int level, int *need)
{
	int r;

	*need = 1;
	if (level <= 0)
		return -EINVAL;
	r = pm_enter(&c->pm, lid, tid, false, level, need);
	if (r != PM_MISS)
		return r;
	*need = 1;
	r = compat_one(c, lid, tid, level, need);
	return pm_leave(&c->pm, lid, tid, false, level, r, *need);
}

static bool names_eq(const char *ln, const char *tn)
{
	if (!*tn)
		return !*ln;
	return ess_eq(ln, tn);
}

static int types_match(struct tm_ctx *c, uint32_t lid, uint32_t tid, bool behind_ptr, int level, int *need);
static int tm_record(struct tm_ctx *c, uint32_t lid, uint32_t tid, bool behind_ptr, int level);

/* tid: the skipped target id, for the events */
static int enums_match(struct tm_ctx *c, const struct btfx_type *lt, const struct btfx_type *tt, uint32_t tid,
		       bool rec)
{
	uint32_t lv = btfx_vlen(lt), tv = btfx_vlen(tt);
	struct name_index ni;
	int r = 1;

	if (lt->size != tt->size || lv > tv)
		return 0;
	ni_build(&ni, c->tb, tt, lv);
	for (uint32_t i = 0; i < lv && r; i++) {
		const char *ln = name_of(c->lb, elem_name(lt, i));
		uint32_t j = ni_first(&ni, ln, tv);
		while (j < tv && !names_eq(ln, name_of(c->tb, elem_name(tt, j))))
			j = ni_step(&ni, j, tv);
		if (j >= tv)
			r = 0;
		else if (rec)
			c->ev(c->arg, tid, j, BTFX_TM_ENUMVAL);
	}
	ni_free(&ni);
	return r;
}

static int composites_match(struct tm_ctx *c, const struct btfx_type *lt, const struct btfx_type *tt, uint32_t tid,
			    bool behind_ptr, int level, int *need, bool rec)
{
	const struct btfx_member *lm = btfx_members(lt), *tm = btfx_members(tt);
	uint32_t lv = btfx_vlen(lt), tv = btfx_vlen(tt);
	struct name_index ni;
	int r = 1;

	if (lv > tv)
		return 0;
	ni_build(&ni, c->tb, tt, lv);
	for (uint32_t i = 0; i < lv && r == 1; i++) {
		const char *ln = name_of(c->lb, lm[i].name_off);
		r = 0; /* no target member of the name matched */
		for (uint32_t j = ni_first(&ni, ln, tv); j < tv; j = ni_step(&ni, j, tv)) {
			int e, n;
			if (!names_eq(ln, name_of(c->tb, tm[j].name_off)))
				continue;
			e = types_match(c, lm[i].type, tm[j].type, behind_ptr, level - 1, &n);
			if (n + 1 > *need)
				*need = n + 1;
			if (e < 0) {
				r = e;
				break;
			}
			if (e > 0) {
				r = 1;
				if (rec) {
					c->ev(c->arg, tid, j, BTFX_TM_MEMBER);
					e = tm_record(c, lm[i].type, tm[j].type, behind_ptr, level - 1);
					r = e < 0 ? e : 1;
				}
				break;
			}
		}
	}
	ni_free(&ni);
	return r;
}

/*
 * __bpf_core_types_match for one pair; rec: it is known to match, send
 * the events (the sub-pairs that matched are recorded through tm_record).
 */
static int tm_one(struct tm_ctx *c, uint32_t lid, uint32_t tid, bool behind_ptr, int level, int *need, bool rec)
{
	const struct btfx *lb = c->lb, *tb = c->tb;
	int depth = 32;

	for (;;) {
		const struct btfx_type *lt, *tt;
		unsigned lk, tk;

		if (--depth < 0)
			return -EINVAL;
		if (rec && tid)
			c->ev(c->arg, tid, 0, BTFX_TM_SHAPE);
		lt = skip(lb, lid, &lid);
		tt = skip(tb, tid, &tid);
		if (!lt || !tt)
			return -EINVAL;
		if (!names_eq(name_of(lb, lt->name_off), name_of(tb, tt->name_off)))
			return 0;
		lk = btfx_kind(lt);
		tk = btfx_kind(tt);
		switch (lk) {
		case BTFX_KIND_UNKN:
			return lk == tk;
		case BTFX_KIND_FWD: {
			bool lf = btfx_kflag(lt);
			if (behind_ptr) {
				if (lk == tk)
					return lf == btfx_kflag(tt);
				return (tk == BTFX_KIND_STRUCT && !lf) || (tk == BTFX_KIND_UNION && lf);
			}
			return lk == tk && lf == btfx_kflag(tt);
		}
		case BTFX_KIND_ENUM: case BTFX_KIND_ENUM64:
			if (!btfx_is_any_enum(tt))
				return 0;
			return enums_match(c, lt, tt, tid, rec);
		case BTFX_KIND_STRUCT: case BTFX_KIND_UNION:
			if (behind_ptr) {
				if (lk == tk)
					return 1;
				if (tk != BTFX_KIND_FWD)
					return 0;
				return (lk == BTFX_KIND_UNION) == btfx_kflag(tt);
			}
			if (lk != tk)
				return 0;
			return composites_match(c, lt, tt, tid, behind_ptr, level, need, rec);
		case BTFX_KIND_INT:
			if (lk != tk)
				return 0;
			return lt->size == tt->size &&
			       (btfx_int_encoding(lt) & BTFX_INT_SIGNED) == (btfx_int_encoding(tt) & BTFX_INT_SIGNED);
		case BTFX_KIND_PTR:
			if (lk != tk)
				return 0;
			behind_ptr = true;
			lid = lt->type;
			tid = tt->type;
			continue;
		case BTFX_KIND_ARRAY:
			if (lk != tk || btfx_array(lt)->nelems != btfx_array(tt)->nelems)
				return 0;
			lid = btfx_array(lt)->type;
			tid = btfx_array(tt)->type;
			continue;
		case BTFX_KIND_FUNC_PROTO: {
			const struct btfx_param *lp = btfx_params(lt), *tp = btfx_params(tt);
			if (lk != tk || btfx_vlen(lt) != btfx_vlen(tt))
				return 0;
			for (uint32_t i = 0; i < btfx_vlen(lt); i++) {
				int n, e = types_match(c, lp[i].type, tp[i].type, behind_ptr, level - 1, &n);
				if (n + 1 > *need)
					*need = n + 1;
				if (e <= 0)
					return e;
				if (rec && (e = tm_record(c, lp[i].type, tp[i].type, behind_ptr, level - 1)) < 0)
					return e;
			}
			lid = lt->type;
			tid = tt->type;
			continue;
		}
		default:
			return 0;
		}
	}
}

/* __bpf_core_types_match; *need: see above */
static int types_match(struct tm_ctx *c, uint32_t lid, uint32_t tid, bool behind_ptr, int level, int *need)
{
	int r;

	*need = 1;
	if (level <= 0)
		return -EINVAL;
	r = pm_enter(&c->pm, lid, tid, behind_ptr, level, need);
	if (r != PM_MISS)
		return r;
	*need = 1;
	r = tm_one(c, lid, tid, behind_ptr, level, need, false);
	return pm_leave(&c->pm, lid, tid, behind_ptr, level, r, *need);
}

/* the events of a pair types_match just found to match at level, once per pair */
static int tm_record(struct tm_ctx *c, uint32_t lid, uint32_t tid, bool behind_ptr, int level)
{
	struct pair_ent *e = pm_slot(&c->pm, lid, tid, behind_ptr);
	int need;

	if (e->state != PM_DONE || e->v != 1 || e->recorded)
		return 0;
	e->recorded = 1;
	need = 1;
	return tm_one(c, lid, tid, behind_ptr, level, &need, true);
}

int btfx__core_types_match(const struct btfx *lb, uint32_t lid, const struct btfx *tb, uint32_t tid, btfx_tm_event_fn ev,
			   void *arg)
{
	struct tm_ctx c;
	int need, r;

	tm_init(&c, lb, tb, ev, arg);
	r = types_match(&c, lid, tid, false, 32, &need);
	if (r > 0 && ev) {
		int e = tm_record(&c, lid, tid, false, 32);
		if (e < 0)
			r = e;
	}
	tm_fini(&c);
	return r;
}

static int types_compat_top(const struct btfx *lb, uint32_t lid, const struct btfx *tb, uint32_t tid)
{
	struct tm_ctx c;
	int need, r;

	tm_init(&c, lb, tb, NULL, NULL);
	r = types_are_compat(&c, lid, tid, 32, &need);
	tm_fini(&c);
	return r;
}

/*
 * Anonymous members searched in full without finding the field, during one
 * search (one accessor on one candidate).  A hostile target can share an
 * anonymous type between many anonymous members (a DAG), which libbpf
 * searches once per path: exponentially (F14).  Searching it again would
 * find nothing again and only replay its effects, recorded here: how deep
 * its anonymous members go below it (-1: no member loop), so that a search
 * starting deeper still stops with -E2BIG at BTFX_CORE_SPEC_MAX_LEN as
 * libbpf's does, and whether it met a non-composite anonymous member (the
 * miss it leaves).  A search that met an incompatible field of the name is
 * never recorded: it leaves that field's index in the raw spec (as libbpf
 * does), which can happen at most BTFX_CORE_SPEC_MAX_LEN times per search.
 * Loops (unvalidated BTF) end with -E2BIG at that depth.  So the results
 * equal libbpf's, and the work is polynomial.
 */
struct anon_done {
	uint32_t id; /* 0: free slot */
	int8_t height;
	bool not_composite;
};

struct member_search {
	struct anon_done *tab; /* open addressing, cap a power of 2; NULL until needed */
	uint32_t cap, n;
	unsigned incompat, not_composite; /* events so far */
	struct anon_done small[32];
};

static struct anon_done *anon_slot(const struct member_search *ms, uint32_t id)
{
	uint32_t mask = ms->cap - 1, h = (id * 2654435761u) & mask;

	while (ms->tab[h].id && ms->tab[h].id != id)
		h = (h + 1) & mask;
	return &ms->tab[h];
}

static const struct anon_done *anon_find(const struct member_search *ms, uint32_t id)
{
	const struct anon_done *d;

	if (!ms->tab)
		return NULL;
	d = anon_slot(ms, id);
	return d->id ? d : NULL;
}

static int anon_add(struct member_search *ms, uint32_t id, int height, bool not_composite)
{
	if (!ms->tab) {
		memset(ms->small, 0, sizeof(ms->small));
		ms->tab = ms->small;
		ms->cap = sizeof(ms->small) / sizeof(ms->small[0]);
	}
	if (2 * (ms->n + 1) > ms->cap) {
		struct anon_done *old = ms->tab, *tab = calloc(2 * (size_t)ms->cap, sizeof(*tab));
		uint32_t ocap = ms->cap;
		if (!tab)
			return -ENOMEM;
		ms->tab = tab;
		ms->cap *= 2;
		for (uint32_t i = 0; i < ocap; i++)
			if (old[i].id)
				*anon_slot(ms, old[i].id) = old[i];
		if (old != ms->small)
			free(old);
	}
	*anon_slot(ms, id) = (struct anon_done){ id, (int8_t)height, not_composite };
	ms->n++;
	return 0;
}

/*
 * bpf_core_match_member: returns 1 found, 0 not found, <0 error.  *height:
 * how deep the member loops went below tid (-1: none).
 */
static int match_member(const struct btfx *lb, const struct btfx_core_accessor *lacc, const struct btfx *tb,
			uint32_t tid, struct btfx_core_spec *spec, uint32_t *next_tid, enum btfx_core_miss *miss,
			int depth, struct member_search *ms, int *height)
{
	const struct btfx_type *tt = skip(tb, tid, &tid), *lt;
	const struct btfx_member *lm, *m;
	const struct anon_done *done;
	const char *lname;
	unsigned incompat = ms->incompat, not_composite = ms->not_composite;
	int h = -1;

	*height = -1;
	if (!tt || depth > 64)
		return -EINVAL;
	if (!btfx_is_composite(tt)) {
		*miss = BTFX_MISS_NOT_COMPOSITE;
		ms->not_composite++;
		return 0;
	}
	if (depth > 0 && (done = anon_find(ms, tid))) {
		if (done->height >= 0 && spec->raw_len + done->height >= BTFX_CORE_SPEC_MAX_LEN)
			return -E2BIG;
		if (done->not_composite || *miss != BTFX_MISS_FIELD_INCOMPAT)
			*miss = BTFX_MISS_NO_FIELD;
		ms->not_composite += done->not_composite;
		*height = done->height;
		return 0;
	}
	lt = tby(lb, lacc->type_id);
	lm = btfx_members(lt) + lacc->idx;
	lname = name_of(lb, lm->name_off);
	m = btfx_members(tt);
	for (uint32_t i = 0; i < btfx_vlen(tt); i++) {
		uint32_t boff = btfx_member_bit_offset(tt, i);
		const char *tn;
		if (spec->raw_len == BTFX_CORE_SPEC_MAX_LEN)
			return -E2BIG;
		h = h < 0 ? 0 : h;
		spec->bit_offset += boff;
		spec->raw_spec[spec->raw_len++] = (int)i;
		tn = name_of(tb, m[i].name_off);
		if (!*tn) {
			int sub, found;
			found = match_member(lb, lacc, tb, m[i].type, spec, next_tid, miss, depth + 1, ms, &sub);
			if (found)
				return found;
			if (sub + 1 > h)
				h = sub + 1;
		} else if (!strcmp(lname, tn)) {
			struct btfx_core_accessor *tacc = &spec->spec[spec->len++];
			int found;
			tacc->type_id = tid;
			tacc->idx = i;
			tacc->name = tn;
			*next_tid = m[i].type;
			found = fields_are_compat(lb, lm->type, tb, m[i].type);
			if (!found) {
				spec->len--;
				*miss = BTFX_MISS_FIELD_INCOMPAT;
				ms->incompat++;
			}
			return found;
		}
		spec->bit_offset -= boff;
		spec->raw_len--;
	}
	if (*miss == BTFX_MISS_NONE || *miss == BTFX_MISS_NOT_COMPOSITE)
		*miss = BTFX_MISS_NO_FIELD;
	*height = h;
	if (depth > 0 && ms->incompat == incompat)
		return anon_add(ms, tid, h, ms->not_composite != not_composite);
	return 0;
}

/* bpf_core_spec_match: 1 match, 0 no match, <0 error */
static int spec_match(const struct btfx_core_spec *ls, const struct btfx *tb, uint32_t tid,
		      struct btfx_core_spec *ts, enum btfx_core_miss *miss, int *fail_acc)
{
	const struct btfx_core_accessor *lacc = &ls->spec[0];
	struct btfx_core_accessor *tacc = &ts->spec[0];
	const struct btfx_type *tt;

	memset(ts, 0, sizeof(*ts));
	ts->btf = tb;
	ts->root_type_id = tid;
	ts->kind = ls->kind;
	*miss = BTFX_MISS_NONE;
	*fail_acc = -1;

	if (is_type_based(ls->kind)) {
		int r;
		if (ls->kind == BTFX_CORE_TYPE_MATCHES) {
			r = btfx__core_types_match(ls->btf, ls->root_type_id, tb, tid, NULL, NULL);
			if (r == 0)
				*miss = BTFX_MISS_TYPE_MISMATCH;
		} else {
			r = types_compat_top(ls->btf, ls->root_type_id, tb, tid);
			if (r == 0)
				*miss = BTFX_MISS_TYPE_INCOMPAT;
		}
		return r;
	}
	if (is_enumval_based(ls->kind)) {
		tt = skip(tb, tid, &tid);
		if (!tt || !btfx_is_any_enum(tt)) {
			*miss = BTFX_MISS_NOT_ENUM;
			return 0;
		}
		for (uint32_t i = 0; i < btfx_vlen(tt); i++) {
			uint32_t no = btfx_kind(tt) == BTFX_KIND_ENUM ? btfx_enums(tt)[i].name_off
								      : btfx_enums64(tt)[i].name_off;
			const char *tn = name_of(tb, no);
			if (ess_eq(lacc->name, tn)) {
				tacc->type_id = tid;
				tacc->idx = i;
				tacc->name = tn;
				ts->len++;
				ts->raw_spec[ts->raw_len++] = (int)i;
				return 1;
			}
		}
		*miss = BTFX_MISS_NO_ENUMVAL;
		*fail_acc = 0;
		return 0;
	}
	if (!is_field_based(ls->kind))
		return -EINVAL;
	for (int i = 0; i < ls->len; i++, lacc++, tacc++) {
		tt = skip(tb, tid, &tid);
		if (!tt)
			return -EINVAL;
		if (lacc->name) {
			uint32_t searched = tid;
			struct member_search ms;
			int m, height;
			ms.tab = NULL;
			ms.cap = ms.n = ms.incompat = ms.not_composite = 0;
			m = match_member(ls->btf, lacc, tb, tid, ts, &tid, miss, 0, &ms, &height);
			if (ms.tab != ms.small)
				free(ms.tab);
			if (m <= 0) {
				*fail_acc = i;
				ts->root_type_id = searched; /* reported as fail_type_id */
				return m;
			}
		} else {
			int64_t sz;
			if (i > 0) {
				const struct btfx_array *a;
				bool flex;
				if (btfx_kind(tt) != BTFX_KIND_ARRAY) {
					*miss = BTFX_MISS_NOT_ARRAY;
					*fail_acc = i;
					return 0;
				}
				a = btfx_array(tt);
				flex = is_flex_arr(tb, tacc - 1, a);
				if (!flex && lacc->idx >= a->nelems) {
					*miss = BTFX_MISS_ARRAY_BOUNDS;
					*fail_acc = i;
					return 0;
				}
				if (!skip(tb, a->type, &tid))
					return -EINVAL;
			}
			if (ts->raw_len == BTFX_CORE_SPEC_MAX_LEN)
				return -E2BIG;
			tacc->type_id = tid;
			tacc->idx = lacc->idx;
			tacc->name = NULL;
			ts->len++;
			ts->raw_spec[ts->raw_len++] = (int)tacc->idx;
			sz = btfx_resolve_size(tb, tid);
			if (sz < 0)
				return (int)sz;
			ts->bit_offset += (uint32_t)((uint64_t)lacc->idx * (uint64_t)sz * 8);
		}
	}
	return 1;
}

/* ------------------------------------------------------------------ */
/* Values                                                              */
/* ------------------------------------------------------------------ */

#define EUCLEAN_POISON 1000 /* internal: request poisoning */

static int calc_field(uint32_t kind, const struct btfx_core_spec *spec, uint64_t *val, uint32_t *field_sz,
		      uint32_t *type_id, bool *validate, char *why, size_t whylen)
{
	const struct btfx_core_accessor *acc;
	const struct btfx_type *t, *mt;
	uint32_t byte_off, byte_sz, bit_off, bit_sz, ftid;
	bool bitfield;
	int64_t sz;

	*field_sz = 0;
	if (kind == BTFX_CORE_FIELD_EXISTS) {
		*val = spec ? 1 : 0;
		return 0;
	}
	if (!spec)
		return -EUCLEAN_POISON;
	acc = &spec->spec[spec->len - 1];
	t = tby(spec->btf, acc->type_id);
	if (!acc->name) {
		if (kind == BTFX_CORE_FIELD_BYTE_OFFSET) {
			*val = spec->bit_offset / 8;
			sz = btfx_resolve_size(spec->btf, acc->type_id);
			if (sz < 0)
				return -EINVAL;
			*field_sz = (uint32_t)sz;
			*type_id = acc->type_id;
		} else if (kind == BTFX_CORE_FIELD_BYTE_SIZE) {
			sz = btfx_resolve_size(spec->btf, acc->type_id);
			if (sz < 0)
				return -EINVAL;
			*val = (uint64_t)sz;
		} else {
			snprintf(why, whylen, "relocation %s can't be applied to an array element access",
				 btfx_core_kind_str(kind));
			return -EINVAL;
		}
		if (validate)
			*validate = true;
		return 0;
	}
	mt = skip(spec->btf, btfx_members(t)[acc->idx].type, &ftid);
	if (!mt)
		return -EINVAL;
	bit_off = spec->bit_offset;
	bit_sz = btfx_member_bitfield_size(t, acc->idx);
	bitfield = bit_sz > 0;
	if (bitfield) {
		byte_sz = mt->size;
		if (!byte_sz)
			return -EINVAL;
		byte_off = bit_off / 8 / byte_sz * byte_sz;
		while (bit_off + bit_sz - byte_off * 8 > byte_sz * 8) {
			if (byte_sz >= 8) {
				snprintf(why, whylen, "bitfield can't be read with a 64-bit load");
				return -E2BIG;
			}
			byte_sz *= 2;
			byte_off = bit_off / 8 / byte_sz * byte_sz;
		}
	} else {
		sz = btfx_resolve_size(spec->btf, ftid);
		if (sz < 0)
			return -EINVAL;
		byte_sz = (uint32_t)sz;
		byte_off = spec->bit_offset / 8;
		bit_sz = byte_sz * 8;
	}
	if (validate)
		*validate = !bitfield;
	switch (kind) {
	case BTFX_CORE_FIELD_BYTE_OFFSET:
		*val = byte_off;
		if (!bitfield) {
			uint32_t eid = ftid;
			const struct btfx_type *et = skip(spec->btf, eid, &eid);
			while (et && btfx_kind(et) == BTFX_KIND_ARRAY)
				et = skip(spec->btf, btfx_array(et)->type, &eid);
			sz = btfx_resolve_size(spec->btf, eid);
			if (sz < 0)
				return -EINVAL;
			*field_sz = (uint32_t)sz;
			*type_id = ftid;
		}
		break;
	case BTFX_CORE_FIELD_BYTE_SIZE:
		*val = byte_sz;
		break;
	case BTFX_CORE_FIELD_SIGNED:
		*val = (btfx_is_any_enum(mt) && btfx_kflag(mt)) ||
		       (btfx_kind(mt) == BTFX_KIND_INT && (btfx_int_encoding(mt) & BTFX_INT_SIGNED));
		if (validate)
			*validate = true;
		break;
	case BTFX_CORE_FIELD_LSHIFT_U64:
		*val = 64 - (bit_off + bit_sz - byte_off * 8);
		break;
	case BTFX_CORE_FIELD_RSHIFT_U64:
		*val = 64 - bit_sz;
		if (validate)
			*validate = true;
		break;
	default:
		return -EOPNOTSUPP;
	}
	return 0;
}

static int calc_type(uint32_t kind, const struct btfx_core_spec *spec, uint64_t *val, bool *validate)
{
	int64_t sz;

	if (!spec) {
		*val = 0;
		return 0;
	}
	switch (kind) {
	case BTFX_CORE_TYPE_ID_TARGET:
		*val = spec->root_type_id;
		if (validate)
			*validate = false;
		break;
	case BTFX_CORE_TYPE_EXISTS: case BTFX_CORE_TYPE_MATCHES:
		*val = 1;
		break;
	case BTFX_CORE_TYPE_SIZE:
		sz = btfx_resolve_size(spec->btf, spec->root_type_id);
		if (sz < 0)
			return -EINVAL;
		*val = (uint64_t)sz;
		break;
	default:
		return -EOPNOTSUPP;
	}
	return 0;
}

static int calc_enumval(uint32_t kind, const struct btfx_core_spec *spec, uint64_t *val)
{
	const struct btfx_type *t;

	switch (kind) {
	case BTFX_CORE_ENUMVAL_EXISTS:
		*val = spec ? 1 : 0;
		break;
	case BTFX_CORE_ENUMVAL_VALUE:
		if (!spec)
			return -EUCLEAN_POISON;
		t = tby(spec->btf, spec->spec[0].type_id);
		if (btfx_kind(t) == BTFX_KIND_ENUM)
			*val = (uint64_t)(int64_t)btfx_enums(t)[spec->spec[0].idx].val;
		else
			*val = btfx_enum64_value(btfx_enums64(t) + spec->spec[0].idx);
		break;
	default:
		return -EOPNOTSUPP;
	}
	return 0;
}

/* bpf_core_calc_relo; returns 0 (poison flagged in res) or -errno */
static int calc_relo(uint32_t kind, const struct btfx_core_spec *ls, const struct btfx_core_spec *ts,
		     struct btfx_core_result *res)
{
	int e = 0;
	uint32_t otid = 0, ntid = 0;

	res->orig_val = res->new_val = 0;
	res->poison = false;
	res->validate = true;
	res->fail_memsz_adjust = false;
	res->orig_sz = res->new_sz = 0;
	if (is_field_based(kind)) {
		e = calc_field(kind, ls, &res->orig_val, &res->orig_sz, &otid, &res->validate, res->reason,
			       sizeof(res->reason));
		if (!e)
			e = calc_field(kind, ts, &res->new_val, &res->new_sz, &ntid, NULL, res->reason, sizeof(res->reason));
		if (!e && res->orig_sz != res->new_sz) {
			const struct btfx_type *ot = tby(ls->btf, otid), *nt = tby(ts->btf, ntid);
			if (ot && nt && btfx_kind(ot) == BTFX_KIND_PTR && btfx_kind(nt) == BTFX_KIND_PTR)
				;
			else if (ot && nt && btfx_kind(ot) == BTFX_KIND_INT && btfx_kind(nt) == BTFX_KIND_INT &&
				 btfx_int_encoding(ot) != BTFX_INT_SIGNED && btfx_int_encoding(nt) != BTFX_INT_SIGNED)
				;
			else
				res->fail_memsz_adjust = true;
		}
	} else if (is_type_based(kind)) {
		e = calc_type(kind, ls, &res->orig_val, &res->validate);
		if (!e)
			e = calc_type(kind, ts, &res->new_val, NULL);
	} else if (is_enumval_based(kind)) {
		e = calc_enumval(kind, ls, &res->orig_val);
		if (!e)
			e = calc_enumval(kind, ts, &res->new_val);
	} else {
		e = -EOPNOTSUPP;
	}
	if (e == -EUCLEAN_POISON) {
		res->poison = true;
		e = 0;
	}
	return e;
}

/* ------------------------------------------------------------------ */
/* Candidates and the per-object cache                                  */
/* ------------------------------------------------------------------ */

struct cand {
	const struct btfx *btf;
	uint32_t id;
	bool active;  /* not pruned */
};

struct cand_list {
	struct cand *c;
	size_t n;
	bool searched_modules;
	bool err;     /* anonymous / bad root */
};

struct btfx_core_ctx {
	const struct btfx *local;
	const struct btfx *vmlinux;
	const struct btfx *const *mods;
	size_t nmods;
	struct cand_list **cache; /* by local type id */
	uint32_t cache_n;
};

BTFX_API struct btfx_core_ctx *btfx_core_ctx_new(const struct btfx *local, const struct btfx *vmlinux,
						 const struct btfx *const *modules, size_t nmodules)
{
	struct btfx_core_ctx *ctx = calloc(1, sizeof(*ctx));

	if (!ctx)
		return NULL;
	ctx->local = local;
	ctx->vmlinux = vmlinux;
	ctx->mods = modules;
	ctx->nmods = nmodules;
	ctx->cache_n = btfx_type_cnt(local);
	ctx->cache = calloc(ctx->cache_n, sizeof(*ctx->cache));
	if (!ctx->cache) {
		free(ctx);
		return NULL;
	}
	return ctx;
}

BTFX_API void btfx_core_ctx_free(struct btfx_core_ctx *ctx)
{
	if (!ctx)
		return;
	for (uint32_t i = 0; i < ctx->cache_n; i++) {
		if (ctx->cache[i])
			free(ctx->cache[i]->c);
		free(ctx->cache[i]);
	}
	free(ctx->cache);
	free(ctx);
}

static int add_cands(struct cand_list *cl, const struct btfx_type *lt, const char *lname, const struct btfx *tb,
		     uint32_t min_id)
{
	size_t len = btfx_essential_name_len(lname), n, cap = 64;
	uint32_t *ids = malloc(cap * sizeof(*ids));

	if (!ids)
		return -ENOMEM;
	n = btfx_find_essential(tb, lname, len, ids, cap);
	if (n > cap) {
		uint32_t *more = realloc(ids, n * sizeof(*ids));
		if (!more) {
			free(ids);
			return -ENOMEM;
		}
		ids = more;
		cap = n;
		n = btfx_find_essential(tb, lname, len, ids, cap);
	}
	for (size_t i = 0; i < n; i++) {
		const struct btfx_type *tt = tby(tb, ids[i]);
		struct cand *c;
		if (ids[i] < min_id || !tt || !kind_core_compat(lt, tt) || !*name_of(tb, tt->name_off))
			continue;
		c = realloc(cl->c, (cl->n + 1) * sizeof(*c));
		if (!c) {
			free(ids);
			return -ENOMEM;
		}
		cl->c = c;
		c[cl->n++] = (struct cand){ tb, ids[i], true };
	}
	free(ids);
	return 0;
}

static struct cand_list *find_cands(struct btfx_core_ctx *ctx, uint32_t local_id)
{
	const struct btfx_type *lt;
	const char *lname;
	struct cand_list *cl;

	if (local_id >= ctx->cache_n)
		return NULL;
	if (ctx->cache[local_id])
		return ctx->cache[local_id];
	cl = calloc(1, sizeof(*cl));
	if (!cl)
		return NULL;
	lt = tby(ctx->local, local_id);
	lname = lt ? name_of(ctx->local, lt->name_off) : "";
	if (!*lname) {
		cl->err = true;
	} else if (ctx->vmlinux) {
		if (add_cands(cl, lt, lname, ctx->vmlinux, 1))
			goto fail;
		if (!cl->n && ctx->nmods) {
			cl->searched_modules = true;
			for (size_t i = 0; i < ctx->nmods; i++)
				if (add_cands(cl, lt, lname, ctx->mods[i], btfx_start_id(ctx->mods[i])))
					goto fail;
		}
	}
	ctx->cache[local_id] = cl;
	return cl;
fail:
	free(cl->c);
	free(cl);
	return NULL;
}

BTFX_API void btfx_core_result_fini(struct btfx_core_result *res)
{
	free(res->cands);
	res->cands = NULL;
	res->ncands = 0;
}

static const char *miss_words(enum btfx_core_miss m)
{
	switch (m) {
	case BTFX_MISS_NO_FIELD: return "has no field of that name";
	case BTFX_MISS_FIELD_INCOMPAT: return "has the field, with an incompatible type";
	case BTFX_MISS_NOT_COMPOSITE: return "is not a struct/union at that step";
	case BTFX_MISS_NOT_ARRAY: return "is not an array at that step";
	case BTFX_MISS_ARRAY_BOUNDS: return "has a smaller array";
	case BTFX_MISS_TYPE_INCOMPAT: return "is not a compatible type";
	case BTFX_MISS_TYPE_MISMATCH: return "does not match the local type's shape";
	case BTFX_MISS_NOT_ENUM: return "is not an enum";
	case BTFX_MISS_NO_ENUMVAL: return "has no enumerator of that name";
	case BTFX_MISS_PRUNED: return "was ruled out by an earlier relocation on the same type";
	default: return "did not match";
	}
}

static int result_err(struct btfx_core_result *res, int e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int result_err(struct btfx_core_result *res, int e, const char *fmt, ...)
{
	va_list ap;

	res->status = BTFX_CORE_ERROR;
	res->err = e;
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(res->reason, sizeof(res->reason), fmt, ap);
		va_end(ap);
	}
	return e;
}

BTFX_API int btfx_core_calc(struct btfx_core_ctx *ctx, uint32_t type_id, const char *access, uint32_t kind,
			    struct btfx_core_result *res)
{
	struct btfx_core_spec ls, ts, best;
	struct cand_list *cl;
	const struct btfx_type *lt;
	size_t j = 0;
	int e;

	memset(res, 0, sizeof(*res));
	e = btfx_core_parse_spec(ctx->local, type_id, access, kind, &ls, res->reason, sizeof(res->reason));
	if (e)
		return result_err(res, e, NULL);
	btfx_core_format_spec(res->local_spec_str, sizeof(res->local_spec_str), &ls);
	if (kind == BTFX_CORE_TYPE_ID_LOCAL) {
		res->orig_val = res->new_val = type_id;
		res->validate = false;
		return 0;
	}
	lt = tby(ctx->local, type_id);
	if (!*name_of(ctx->local, lt->name_off))
		return result_err(res, -EOPNOTSUPP, "the local root type is anonymous: CO-RE can't search candidates for it");
	if (!ctx->vmlinux)
		return result_err(res, -EINVAL, "no target BTF");
	cl = find_cands(ctx, type_id);
	if (!cl)
		return result_err(res, -ENOMEM, "out of memory");
	res->searched_modules = cl->searched_modules;
	res->cands = calloc(cl->n ? cl->n : 1, sizeof(*res->cands));
	if (!res->cands)
		return result_err(res, -ENOMEM, "out of memory");
	res->ncands = cl->n;
	for (size_t i = 0; i < cl->n; i++) { /* every entry valid even if we stop early */
		res->cands[i].btf = cl->c[i].btf;
		res->cands[i].id = cl->c[i].id;
		res->cands[i].fail_acc = -1;
		res->cands[i].miss = cl->c[i].active ? BTFX_MISS_NONE : BTFX_MISS_PRUNED;
	}
	for (size_t i = 0; i < cl->n; i++) {
		struct btfx_core_cand *tr = &res->cands[i];
		struct btfx_core_result cr;
		enum btfx_core_miss miss;
		int fa, m;

		tr->btf = cl->c[i].btf;
		tr->id = cl->c[i].id;
		tr->fail_acc = -1;
		if (!cl->c[i].active) {
			tr->miss = BTFX_MISS_PRUNED;
			continue;
		}
		m = spec_match(&ls, cl->c[i].btf, cl->c[i].id, &ts, &miss, &fa);
		if (m < 0)
			return result_err(res, m, "error matching candidate [%u]", cl->c[i].id);
		if (!m) {
			tr->miss = miss;
			tr->fail_acc = fa;
			tr->fail_type_id = fa >= 0 ? ts.root_type_id : cl->c[i].id;
			continue;
		}
		tr->matched = true;
		btfx_core_format_spec(tr->spec_str, sizeof(tr->spec_str), &ts);
		memset(&cr, 0, sizeof(cr));
		e = calc_relo(kind, &ls, &ts, &cr);
		if (e)
			return result_err(res, e, "%s", cr.reason[0] ? cr.reason : "cannot compute the value");
		tr->value = cr.new_val;
		tr->poison = cr.poison;
		if (j == 0) {
			res->orig_val = cr.orig_val;
			res->new_val = cr.new_val;
			res->orig_sz = cr.orig_sz;
			res->new_sz = cr.new_sz;
			res->poison = cr.poison;
			res->validate = cr.validate;
			res->fail_memsz_adjust = cr.fail_memsz_adjust;
			best = ts;
			res->targ_btf = ts.btf;
			res->targ_type_id = ts.root_type_id;
		} else if (ts.bit_offset != best.bit_offset) {
			return result_err(res, -EINVAL, "field offset ambiguity: candidates [%u] and [%u] put it at bit %u and %u",
					  best.root_type_id, ts.root_type_id, best.bit_offset, ts.bit_offset);
		} else if (cr.poison != res->poison || cr.new_val != res->new_val) {
			return result_err(res, -EINVAL,
					  "relocation decision ambiguity: candidates [%u] and [%u] give %s%llu and %s%llu",
					  best.root_type_id, ts.root_type_id, res->poison ? "poison " : "",
					  (unsigned long long)res->new_val, cr.poison ? "poison " : "",
					  (unsigned long long)cr.new_val);
		}
		j++;
	}
	if (j > 0) {
		for (size_t i = 0; i < cl->n; i++)
			if (cl->c[i].active && !res->cands[i].matched)
				cl->c[i].active = false;
		btfx_core_format_spec(res->targ_spec_str, sizeof(res->targ_spec_str), &best);
	} else {
		struct btfx_core_result cr;
		res->no_candidates = true;
		memset(&cr, 0, sizeof(cr));
		e = calc_relo(kind, &ls, NULL, &cr);
		if (e)
			return result_err(res, e, "%s", cr.reason[0] ? cr.reason : "cannot compute the value");
		res->orig_val = cr.orig_val;
		res->new_val = cr.new_val;
		res->poison = cr.poison;
		res->validate = cr.validate;
		if (!cl->n)
			snprintf(res->reason, sizeof(res->reason), "no type named '%.*s' (kind %s) in the target%s",
				 (int)btfx_essential_name_len(name_of(ctx->local, lt->name_off)),
				 name_of(ctx->local, lt->name_off), lower_kind(btfx_kind(lt)),
				 ctx->nmods ? " or its modules" : "");
		else {
			/* the first candidate's miss explains it */
			const struct btfx_core_cand *c0 = NULL;
			for (size_t i = 0; i < res->ncands && !c0; i++)
				if (res->cands[i].miss != BTFX_MISS_PRUNED)
					c0 = &res->cands[i];
			if (!c0)
				c0 = &res->cands[0];
			if (c0->fail_acc >= 0 && ls.spec[c0->fail_acc].name)
				snprintf(res->reason, sizeof(res->reason), "candidate [%u] %s: '%s'", c0->id,
					 miss_words(c0->miss), ls.spec[c0->fail_acc].name);
			else
				snprintf(res->reason, sizeof(res->reason), "candidate [%u] %s", c0->id, miss_words(c0->miss));
		}
	}
	res->status = res->poison ? BTFX_CORE_POISONED : BTFX_CORE_OK;
	return 0;
}

BTFX_API const char *btfx_core_miss_str(enum btfx_core_miss m)
{
	return miss_words(m);
}

/* ------------------------------------------------------------------ */
/* Instruction patching                                                */
/* ------------------------------------------------------------------ */

#define BPF_CLASS(c) ((c) & 0x07)
#define BPF_SIZE(c) ((c) & 0x18)
#define BPF_MODE(c) ((c) & 0xe0)
#define BPF_SRC_X 0x08
#define LD_IMM64 0x18

static void poison_insn(struct btfx_insn *insn)
{
	insn->code = 0x05 | 0x80; /* BPF_JMP | BPF_CALL */
	insn->dst_reg = 0;
	insn->src_reg = 0;
	insn->off = 0;
	insn->imm = BTFX_CORE_POISON_IMM;
}

static int size_bytes(uint8_t code)
{
	switch (BPF_SIZE(code)) {
	case 0x00: return 4;
	case 0x08: return 2;
	case 0x10: return 1;
	default: return 8;
	}
}

BTFX_API int btfx_core_patch(struct btfx_insn *insn, uint32_t left, uint32_t kind, struct btfx_core_result *res,
			     char *why, size_t whylen)
{
	uint8_t cls = BPF_CLASS(insn->code);
	uint64_t orig = res->orig_val, nv = res->new_val;

	(void)kind;
#define FAIL(...) do { if (why) snprintf(why, whylen, __VA_ARGS__); return -EINVAL; } while (0)
	if (res->status == BTFX_CORE_ERROR)
		FAIL("relocation failed");
	if (res->poison) {
poison:
		if (insn->code == LD_IMM64 && left > 1)
			poison_insn(insn + 1);
		poison_insn(insn);
		return 0;
	}
	switch (cls) {
	case 0x04: case 0x07: /* ALU, ALU64 */
		if (insn->code & BPF_SRC_X)
			FAIL("ALU instruction with a register source can't carry a relocation");
		if (res->validate && (uint64_t)(int64_t)insn->imm != orig)
			FAIL("unexpected ALU immediate: got %d, expected %llu", insn->imm, (unsigned long long)orig);
		insn->imm = (int32_t)nv;
		return 0;
	case 0x01: case 0x02: case 0x03: /* LDX, ST, STX */
		if (res->validate && (uint64_t)(int64_t)insn->off != orig)
			FAIL("unexpected memory offset: got %d, expected %llu", insn->off, (unsigned long long)orig);
		if (nv > SHRT_MAX)
			FAIL("new offset %llu does not fit the instruction", (unsigned long long)nv);
		if (res->fail_memsz_adjust) {
			res->poison = true;
			res->status = BTFX_CORE_POISONED;
			snprintf(res->reason, sizeof(res->reason),
				 "the %s-byte load/store accesses a %u-byte target field that is neither a pointer nor "
				 "an unsigned int: its size can't be adjusted",
				 res->orig_sz == 1 ? "1" : res->orig_sz == 2 ? "2" : res->orig_sz == 4 ? "4" : "8",
				 res->new_sz);
			goto poison;
		}
		insn->off = (int16_t)nv;
		if (res->new_sz != res->orig_sz) {
			uint8_t sz;
			if (size_bytes(insn->code) != (int)res->orig_sz)
				FAIL("unexpected memory access size %d, expected %u", size_bytes(insn->code), res->orig_sz);
			switch (res->new_sz) {
			case 1: sz = 0x10; break;
			case 2: sz = 0x08; break;
			case 4: sz = 0x00; break;
			case 8: sz = 0x18; break;
			default: FAIL("invalid new memory access size %u", res->new_sz);
			}
			insn->code = (uint8_t)(BPF_MODE(insn->code) | sz | BPF_CLASS(insn->code));
		}
		return 0;
	case 0x00: { /* LD */
		uint64_t imm;
		if (insn->code != LD_IMM64 || left < 2 || insn[0].src_reg || insn[0].off || insn[1].code ||
		    insn[1].dst_reg || insn[1].src_reg || insn[1].off)
			FAIL("ldimm64 instruction has an unexpected form");
		imm = (uint32_t)insn[0].imm | ((uint64_t)(uint32_t)insn[1].imm << 32);
		if (res->validate && imm != orig)
			FAIL("unexpected ldimm64 value: got %llu, expected %llu", (unsigned long long)imm,
			     (unsigned long long)orig);
		insn[0].imm = (int32_t)(uint32_t)nv;
		insn[1].imm = (int32_t)(uint32_t)(nv >> 32);
		return 0;
	}
	default:
		FAIL("instruction code 0x%02x can't carry a CO-RE relocation", insn->code);
	}
#undef FAIL
}

/* ------------------------------------------------------------------ */
/* Near misses                                                         */
/* ------------------------------------------------------------------ */

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[64], prev, tmp;

	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t best = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			prev = tmp;
		}
	}
	return row[lb];
}

static bool similar(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (!strcmp(a, b))
		return false;
	if (la >= 3 && lb >= 3 && (strstr(a, b) || strstr(b, a)))
		return true;
	return edit_distance(a, b) <= (la > 6 ? 2u : 1u);
}

struct hints {
	struct btfx_core_hint *h;
	size_t n, cap;
	int nest;        /* scan_members: structs/unions entered, named or not */
	uint32_t visits; /* scan_members: members looked at */
};

/*
 * Bounds of scan_members on a hostile target (F14): loops of anonymous
 * members (unvalidated BTF) and types shared by many members (a DAG, one
 * walk per path).  Real kernels need 9 levels and 2,800 members at most.
 */
#define SCAN_MAX_NEST BTFX_CORE_SPEC_MAX_LEN
#define SCAN_MAX_VISITS (1u << 14)

static void hint(struct hints *hs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void hint(struct hints *hs, const char *fmt, ...)
{
	va_list ap;

	if (hs->n < hs->cap) {
		va_start(ap, fmt);
		vsnprintf(hs->h[hs->n].text, sizeof(hs->h[hs->n].text), fmt, ap);
		va_end(ap);
	}
	hs->n++;
}

/* walk members of tid (through named and anonymous members) for name / similar names */
static void scan_members(const struct btfx *tb, uint32_t tid, const char *want, const char *path, uint32_t base_bits,
			 int depth, struct hints *hs, bool exact_only)
{
	const struct btfx_type *t = skip(tb, tid, &tid);

	if (!t || !btfx_is_composite(t) || depth > 3 || hs->n >= hs->cap || hs->nest >= SCAN_MAX_NEST)
		return;
	hs->nest++;
	for (uint32_t i = 0; i < btfx_vlen(t) && hs->visits < SCAN_MAX_VISITS; i++, hs->visits++) {
		const char *mn = name_of(tb, btfx_members(t)[i].name_off);
		uint32_t bits = base_bits + btfx_member_bit_offset(t, i);
		char sub[200];
		if (*mn && !strcmp(mn, want) && depth > 0)
			hint(hs, "'%s' exists deeper in the type: %s.%s (offset %u)", want, path, mn, bits / 8);
		else if (*mn && !exact_only && similar(mn, want))
			hint(hs, "similar field %s%s%s (offset %u): renamed?", path, *path ? "." : "", mn, bits / 8);
		snprintf(sub, sizeof(sub), "%s%s%s", path, *path && *mn ? "." : "", mn);
		scan_members(tb, btfx_members(t)[i].type, want, sub, bits, depth + (*mn ? 1 : 0), hs, exact_only);
	}
	hs->nest--;
}

BTFX_API size_t btfx_core_near_misses(struct btfx_core_ctx *ctx, uint32_t type_id, const char *access, uint32_t kind,
				      const struct btfx_core_result *res, struct btfx_core_hint *hints, size_t cap)
{
	struct hints hs = { hints, 0, cap };
	struct btfx_core_spec ls;
	const struct btfx_type *lt;
	const char *lname;
	const struct btfx *tb = ctx->vmlinux;

	if (!tb || btfx_core_parse_spec(ctx->local, type_id, access, kind, &ls, NULL, 0))
		return 0;
	lt = tby(ctx->local, type_id);
	lname = name_of(ctx->local, lt->name_off);
	if (!res->ncands && *lname) {
		/* same name, other kind; similar type names */
		size_t len = btfx_essential_name_len(lname);
		uint32_t cnt = btfx_type_cnt(tb);
		for (uint32_t id = 1; id < cnt && hs.n < cap; id++) {
			const struct btfx_type *t = tby(tb, id);
			const char *n = name_of(tb, t->name_off);
			char ess[128];
			if (!*n)
				continue;
			snprintf(ess, sizeof(ess), "%.*s", (int)(len < 127 ? len : 127), lname);
			if (!strcmp(n, ess) && btfx_kind(t) != btfx_kind(lt))
				hint(&hs, "the target has %s '%s' [%u], but the local type is %s", lower_kind(btfx_kind(t)), n,
				     id, lower_kind(btfx_kind(lt)));
			else if (btfx_kind(t) == btfx_kind(lt) && strlen(n) > 3 && similar(n, ess) && hs.n < 3)
				hint(&hs, "similar type %s '%s' [%u]", lower_kind(btfx_kind(t)), n, id);
		}
		return hs.n;
	}
	for (size_t c = 0; c < res->ncands && hs.n < cap; c++) {
		const struct btfx_core_cand *cd = &res->cands[c];
		const char *want;
		if (cd->matched || cd->fail_acc < 0 || cd->fail_acc >= ls.len)
			continue;
		want = ls.spec[cd->fail_acc].name;
		if (cd->miss == BTFX_MISS_NO_FIELD && want) {
			size_t before = hs.n;
			scan_members(cd->btf, cd->fail_type_id, want, "", 0, 0, &hs, false);
			if (hs.n == before) {
				/* another type has it */
				uint32_t cnt = btfx_type_cnt(cd->btf);
				for (uint32_t id = 1; id < cnt && hs.n < before + 2; id++) {
					const struct btfx_type *t = tby(cd->btf, id);
					if (!btfx_is_composite(t) || !t->name_off)
						continue;
					for (uint32_t i = 0; i < btfx_vlen(t); i++)
						if (!strcmp(name_of(cd->btf, btfx_members(t)[i].name_off), want)) {
							hint(&hs, "field '%s' exists in %s %s [%u] instead", want,
							     lower_kind(btfx_kind(t)), name_of(cd->btf, t->name_off), id);
							break;
						}
				}
			}
		} else if (cd->miss == BTFX_MISS_FIELD_INCOMPAT && want) {
			const struct btfx_type *ft = skip(cd->btf, cd->fail_type_id, NULL);
			for (uint32_t i = 0; ft && btfx_is_composite(ft) && i < btfx_vlen(ft); i++)
				if (!strcmp(name_of(cd->btf, btfx_members(ft)[i].name_off), want)) {
					const struct btfx_type *mt = skip(cd->btf, btfx_members(ft)[i].type, NULL);
					hint(&hs, "target field '%s' is %s %s; CO-RE needs a compatible kind", want,
					     mt ? lower_kind(btfx_kind(mt)) : "?", mt ? name_of(cd->btf, mt->name_off) : "");
					break;
				}
		}
		break; /* the first failing candidate is representative */
	}
	return hs.n;
}
