// SPDX-License-Identifier: BSD-2-Clause
/*
 * Type index: lookup by name and kind, by CO-RE essential name, size and
 * alignment resolution, and the reference graph (what references what).
 * Indexes are built lazily, on first use, and cover the object's own types;
 * lookups on split BTF consult the base first.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "internal.h"

struct slot {
	uint32_t hash;
	uint32_t id; /* 0 = empty */
};

struct table {
	struct slot *slots;
	uint32_t mask;
};

struct btfx_name_index {
	struct table full; /* key: whole name; built on first use */
	struct table ess;  /* key: essential name; built on first use */
};

/*
 * Name hash: 8-byte words, then the last bytes one by one, then the
 * length (last, so that one pass can hash a name while finding its end).
 */
#define HASH_SEED 0x9e3779b97f4a7c15ull
static inline uint64_t hash_word(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0xff51afd7ed558ccdull;
	return h ^ (h >> 29);
}

static inline uint64_t hash_tail(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
	return h;
}

static inline uint32_t hash_end(uint64_t h, size_t n)
{
	h = (h ^ n) * 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 32;
	return (uint32_t)h ? (uint32_t)h : 1;
}

static uint32_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = HASH_SEED;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		h = hash_word(h, w);
	}
	return hash_end(hash_tail(h, s + i, n - i), n);
}

/* bytes of w that are 0 / equal to c's byte: their top bits (exact for the first zero only / exact) */
#define BYTES_01 0x0101010101010101ull
#define BYTES_7F 0x7f7f7f7f7f7f7f7full
#define BYTES_80 0x8080808080808080ull
static inline uint64_t first_zero(uint64_t w) { return (w - BYTES_01) & ~w & BYTES_80; }
static inline uint64_t eq_bytes(uint64_t w, uint64_t c)
{
	uint64_t t = w ^ c;
	return ~(((t & BYTES_7F) + BYTES_7F) | t | BYTES_7F);
}

/* end of btf's own string section if s is in it, else s (no fast path) */
static inline const char *str_end(const struct btfx *btf, const char *s)
{
	const char *e = btf->strs + btf->hdr.str_len;

	return s >= btf->strs && s < e ? e : s;
}

/*
 * hash_bytes() of the essential name of s (ess) or of s, in one pass of
 * 8-byte words, when that is easy: s has no "___" (then its essential name
 * is s itself) and its words are inside the section (before end).  false
 * otherwise: the caller takes btfx_essential_name_len() and hash_bytes().
 */
static bool hash_name_fast(const char *s, const char *end, bool ess, uint32_t *hash)
{
	uint64_t h = HASH_SEED, prev = 0;

	for (const char *p = s;; p += 8) {
		uint64_t w, z, us;

		if (end - p < 8)
			return false;
		memcpy(&w, p, 8); /* little-endian: byte i in bits 8i..8i+7 */
		z = first_zero(w);
		us = eq_bytes(w, 0x5f5f5f5f5f5f5f5full);
		if (z) {
			unsigned nb = (unsigned)__builtin_ctzll(z) / 8; /* bytes before the NUL */
			us &= nb ? ~0ull >> (64 - 8 * nb) : 0;
		}
		/* three '_' in a row, with the last two bytes of the previous word */
		if (ess && (us & ((us << 8) | (prev >> 56)) & ((us << 16) | (prev >> 48))))
			return false;
		if (z) {
			unsigned nb = (unsigned)__builtin_ctzll(z) / 8;
			*hash = hash_end(hash_tail(h, p, nb), (size_t)(p - s) + nb);
			return true;
		}
		h = hash_word(h, w);
		prev = us;
	}
}

BTFX_API size_t btfx_essential_name_len(const char *name)
{
	size_t n = strlen(name), i;

	/* the common case, no "___": names are short, a plain scan beats
	 * strstr()'s set-up; stepping by 3, every run of 3 has a byte at
	 * a position i+2 that the scan looks at */
	for (i = 2; i < n; i += 3)
		if (name[i] == '_' && ((name[i - 1] == '_' && (name[i - 2] == '_' || name[i + 1] == '_')) ||
				       (name[i + 1] == '_' && name[i + 2] == '_')))
			break;
	if (i >= n)
		return n;

	/* the last "X___Y": three underscores between non-underscores */
	for (i = n; i >= 5; i--) {
		size_t p = i - 5; /* name[p] = X, name[p+1..p+3] = "___", name[p+4] = Y */
		if (name[p] != '_' && name[p + 1] == '_' && name[p + 2] == '_' && name[p + 3] == '_' &&
		    name[p + 4] != '_')
			return p + 1;
	}
	return n;
}

/* the table hash of the essential name at name_off, 0 for none (no name, a bad offset) */
static uint32_t ess_hash(const struct btfx *btf, uint32_t name_off)
{
	const char *name = btfx_str(btf, name_off);
	uint32_t h;

	if (!name || !*name)
		return 0;
	if (!hash_name_fast(name, str_end(btf, name), true, &h))
		h = hash_bytes(name, btfx_essential_name_len(name));
	return h;
}

/*
 * Hashing the essential names on a helper thread while the caller frames
 * (BTFX_F_REFS_ONLY | BTFX_F_INDEX_ESSENTIAL on a large BTF): reading ~20k
 * names scattered over the string section is most of building the table.
 * The helper follows the (id, name_off) list as framing publishes it; the
 * caller then only inserts (hash, id) pairs, in id order as before.
 */
#define HASH_JOB_MIN_TYPE_BYTES (256u << 10)
struct btfx_hjob {
	const struct btfx *btf;
	const uint32_t *ess_ids;
	uint32_t *hashes;
	uint32_t published; /* list entries written (atomic) */
	uint32_t types;     /* types framed (atomic, published after the entries) */
	uint32_t total;     /* UINT32_MAX until finished (atomic) */
	struct btfx_refs_acc refs; /* the checks of those types */
	pthread_t th;
	cpu_set_t cpus;
	bool pinned;
};

static void *hash_thread(void *arg)
{
	struct btfx_hjob *j = arg;
	uint32_t done = 0, checked = 0;

	btfx__helper_unpin(&j->cpus, j->pinned);
	for (;;) {
		uint32_t types = __atomic_load_n(&j->types, __ATOMIC_ACQUIRE);
		uint32_t avail = __atomic_load_n(&j->published, __ATOMIC_ACQUIRE), total;

		if (types > checked) {
			btfx__refs_scan(j->btf, checked, types, &j->refs);
			checked = types;
		}
		for (; done < avail; done++)
			j->hashes[done] = ess_hash(j->btf, j->ess_ids[2 * done + 1]);
		total = __atomic_load_n(&j->total, __ATOMIC_ACQUIRE);
		if (total != UINT32_MAX && done >= total && checked >= __atomic_load_n(&j->types, __ATOMIC_ACQUIRE))
			return NULL;
		if (done == __atomic_load_n(&j->published, __ATOMIC_ACQUIRE) &&
		    checked == __atomic_load_n(&j->types, __ATOMIC_ACQUIRE))
			__builtin_ia32_pause(); /* the caller frames on: the next slice is a few us away */
	}
}

struct btfx_hjob *btfx__hash_start(const struct btfx *btf, const uint32_t *ess_ids)
{
	struct btfx_hjob *j;

	if (btf->hdr.type_len < HASH_JOB_MIN_TYPE_BYTES || (btf->flags & BTFX_F_SINGLE_THREAD))
		return NULL;
	j = calloc(1, sizeof(*j));
	if (!j)
		return NULL;
	j->hashes = malloc(((size_t)btf->hdr.type_len / 12 + 1) * sizeof(*j->hashes)); /* an entry per record at most */
	j->btf = btf;
	j->ess_ids = ess_ids;
	j->total = UINT32_MAX;
	if (!j->hashes || btfx__helper_start(&j->th, hash_thread, j, &j->cpus, &j->pinned)) {
		free(j->hashes);
		free(j);
		return NULL;
	}
	return j;
}

void btfx__hash_publish(struct btfx_hjob *j, uint32_t n_ess, uint32_t n_types)
{
	__atomic_store_n(&j->published, n_ess, __ATOMIC_RELEASE);
	__atomic_store_n(&j->types, n_types, __ATOMIC_RELEASE);
}

uint32_t *btfx__hash_finish(struct btfx_hjob *j, uint32_t n_ess, uint32_t n_types, bool keep,
			    struct btfx_refs_acc *acc)
{
	uint32_t *h;

	if (!j)
		return NULL;
	if (keep)
		btfx__hash_publish(j, n_ess, n_types);
	__atomic_store_n(&j->total, keep ? n_ess : 0, __ATOMIC_RELEASE);
	pthread_join(j->th, NULL);
	if (keep) {
		acc->max_ref = acc->max_ref > j->refs.max_ref ? acc->max_ref : j->refs.max_ref;
		acc->max_name = acc->max_name > j->refs.max_name ? acc->max_name : j->refs.max_name;
		acc->recheck |= j->refs.recheck;
	}
	h = j->hashes;
	free(j);
	if (!keep) {
		free(h);
		return NULL;
	}
	return h;
}

static void table_put(struct table *t, uint32_t h, uint32_t id)
{
	uint32_t i = h & t->mask;
	while (t->slots[i].id)
		i = (i + 1) & t->mask;
	t->slots[i].hash = h;
	t->slots[i].id = id;
}

/*
 * Sized to the named entries counted while framing (a kernel has ~20k
 * named types besides its ~56k FUNCs), at most 2/3 full, and its pages
 * mapped in one call: a fresh table costs a page fault per 4 KiB on first
 * touch, which was most of building it.
 */
static int table_build(struct btfx *btf, struct table *tab, bool ess)
{
	uint32_t cap = 16, named = ess ? btf->n_named_ess : btf->n_named;

	while (cap < named + named / 2u) /* at most 2/3 full */
		cap <<= 1;
	tab->slots = calloc(cap, sizeof(struct slot));
	if (!tab->slots)
		return -ENOMEM;
	if (cap >= 8192) /* 64 KiB: below that, faults are few and the call would cost more */
		btfx__populate(tab->slots, (size_t)cap * sizeof(struct slot));
	tab->mask = cap - 1;
	if (ess && btf->ess_ids && btf->ess_hashes) { /* listed and hashed while framing */
		for (uint32_t i = 0; i < btf->n_ess_ids; i++)
			if (btf->ess_hashes[i])
				table_put(tab, btf->ess_hashes[i], btf->ess_ids[2 * i]);
		return 0;
	}
	if (ess && btf->ess_ids) { /* listed while framing: no walk over every record */
		const uint32_t *e = btf->ess_ids;
		for (uint32_t i = 0; i < btf->n_ess_ids; i++) {
			const char *name = btfx_str(btf, e[2 * i + 1]);
			if (i + 16 < btf->n_ess_ids) { /* names are scattered: ask for one ahead */
				const char *ahead = btfx_str(btf, e[2 * (i + 16) + 1]);
				if (ahead)
					__builtin_prefetch(ahead);
			}
			if (name && *name)
				table_put(tab, ess_hash(btf, e[2 * i + 1]), e[2 * i]);
		}
		return 0;
	}
	for (uint32_t i = 0; i < btf->nr_types; i++) {
		uint32_t id = btf->start_id + i;
		const struct btfx_type *t = btfx__type(btf, id);
		const char *name;
		uint32_t h;

		if (!t->name_off || (ess && btfx__ess_skip(btfx_kind(t))))
			continue;
		name = btfx_str(btf, t->name_off);
		if (!name || !*name)
			continue;
		if (!hash_name_fast(name, str_end(btf, name), ess, &h))
			h = hash_bytes(name, ess ? btfx_essential_name_len(name) : strlen(name));
		table_put(tab, h, id);
	}
	return 0;
}

int btfx__names_build(struct btfx *btf, bool ess)
{
	struct table *tab;

	if (!btf->names) {
		btf->names = calloc(1, sizeof(*btf->names));
		if (!btf->names)
			return -ENOMEM;
	}
	tab = ess ? &btf->names->ess : &btf->names->full;
	return tab->slots ? 0 : table_build(btf, tab, ess);
}

void btfx__names_free(struct btfx_name_index *ni)
{
	if (!ni)
		return;
	free(ni->full.slots);
	free(ni->ess.slots);
	free(ni);
}

/* Collect ids of btf (own types only) matching name[0..len) exactly (ess=false) or by essential name. */
static size_t lookup_own(const struct btfx *cbtf, const char *name, size_t len, bool ess, unsigned kind,
			 uint32_t *ids, size_t cap, size_t found)
{
	struct btfx *btf = (struct btfx *)cbtf;
	const struct table *t;
	uint32_t h, i;
	size_t start = found;

	if (btfx__names_build(btf, ess)) {
		/* no memory for the index: same answer by a linear scan */
		for (uint32_t id = btf->start_id; id < btf->start_id + btf->nr_types; id++) {
			const struct btfx_type *ty = btfx__type(btf, id);
			const char *s = btfx_str(btf, ty->name_off);
			unsigned k = btfx_kind(ty);
			if (!s || !*s || (kind && k != kind))
				continue;
			if (ess && btfx__ess_skip(k))
				continue;
			if (ess ? (btfx_essential_name_len(s) != len || memcmp(s, name, len)) : (strncmp(s, name, len) || s[len]))
				continue;
			if (found < cap)
				ids[found] = id;
			found++;
		}
		return found;
	}
	t = ess ? &btf->names->ess : &btf->names->full;
	h = hash_bytes(name, len);
	for (i = h & t->mask; t->slots[i].id; i = (i + 1) & t->mask) {
		const struct btfx_type *ty;
		const char *s;
		if (t->slots[i].hash != h)
			continue;
		ty = btfx__type(btf, t->slots[i].id);
		if (kind && btfx_kind(ty) != kind)
			continue;
		s = btfx__str(btf, ty->name_off);
		if (ess ? (btfx_essential_name_len(s) != len || memcmp(s, name, len)) : (strncmp(s, name, len) || s[len]))
			continue;
		if (found < cap)
			ids[found] = t->slots[i].id;
		found++;
	}
	/*
	 * Same-hash entries sit along the probe sequence in insertion (id)
	 * order, so a capped result holds the smallest ids; sort what was
	 * stored, defensively.
	 */
	if (found > start && start < cap) {
		size_t n = (found < cap ? found : cap) - start;
		uint32_t *a = ids + start;
		for (size_t x = 1; x < n; x++)
			for (size_t y = x; y > 0 && a[y] < a[y - 1]; y--) {
				uint32_t tmp = a[y];
				a[y] = a[y - 1];
				a[y - 1] = tmp;
			}
	}
	return found;
}

static size_t lookup(const struct btfx *btf, const char *name, size_t len, bool ess, unsigned kind, uint32_t *ids,
		     size_t cap)
{
	const struct btfx *chain[16];
	int n = 0;
	size_t found = 0;

	for (const struct btfx *b = btf; b && n < 16; b = b->base)
		chain[n++] = b;
	while (n--)
		found = lookup_own(chain[n], name, len, ess, kind, ids, cap, found);
	return found;
}

BTFX_API uint32_t btfx_find(const struct btfx *btf, const char *name, unsigned kind)
{
	uint32_t id = 0;

	if (!name)
		return 0;
	if (!lookup(btf, name, strlen(name), false, kind, &id, 1))
		return 0;
	return id;
}

BTFX_API size_t btfx_find_all(const struct btfx *btf, const char *name, unsigned kind, uint32_t *ids, size_t cap)
{
	return name ? lookup(btf, name, strlen(name), false, kind, ids, cap) : 0;
}

BTFX_API size_t btfx_find_essential(const struct btfx *btf, const char *ess_name, size_t len, uint32_t *ids,
				   size_t cap)
{
	return ess_name ? lookup(btf, ess_name, len, true, 0, ids, cap) : 0;
}

/* ------------------------------------------------------------------ */
/* Resolution                                                          */
/* ------------------------------------------------------------------ */

#define MAX_CHAIN 64

BTFX_API uint32_t btfx_skip_mods(const struct btfx *btf, uint32_t id, bool td)
{
	for (int i = 0; i < MAX_CHAIN; i++) {
		const struct btfx_type *t = btfx_type_by_id(btf, id);
		if (!t || !(btfx_is_mod(t) || (td && btfx_kind(t) == BTFX_KIND_TYPEDEF)))
			return id;
		id = t->type;
	}
	return id;
}

BTFX_API int64_t btfx_resolve_size(const struct btfx *btf, uint32_t id)
{
	uint64_t nelems = 1;

	for (int i = 0; i < MAX_CHAIN; i++) {
		const struct btfx_type *t = btfx_type_by_id(btf, id);
		if (!t || id == 0)
			return -EINVAL;
		switch (btfx_kind(t)) {
		case BTFX_KIND_INT: case BTFX_KIND_STRUCT: case BTFX_KIND_UNION: case BTFX_KIND_ENUM:
		case BTFX_KIND_ENUM64: case BTFX_KIND_DATASEC: case BTFX_KIND_FLOAT:
			return (int64_t)(nelems * t->size);
		case BTFX_KIND_PTR:
			return (int64_t)(nelems * 8);
		case BTFX_KIND_TYPEDEF: case BTFX_KIND_VOLATILE: case BTFX_KIND_CONST: case BTFX_KIND_RESTRICT:
		case BTFX_KIND_TYPE_TAG: case BTFX_KIND_VAR: case BTFX_KIND_DECL_TAG:
			id = t->type;
			break;
		case BTFX_KIND_ARRAY:
			nelems *= btfx_array(t)->nelems;
			if (nelems > UINT32_MAX)
				return -E2BIG;
			id = btfx_array(t)->type;
			break;
		default:
			return -EINVAL;
		}
	}
	return -ELOOP;
}

/*
 * Alignment: the largest alignment of the scalars and pointers reachable
 * through members, arrays and modifiers, or -EINVAL when one of them has
 * none (void, fwd, function) or a path from id is longer than MAX_CHAIN.
 *
 * Walking every path is exponential when types are shared: a struct that
 * embeds the next one twice, 64 levels deep, has 2^64 paths (fuzz finding
 * F11).  A kernel's largest walk (bpf_ctx_convert) takes about 5,000
 * steps; a walk that takes more than ALIGN_FAST_STEPS starts over
 * memoized: each type is visited once and keeps its alignment and its
 * height (the longest path below it, which the depth limit needs), so the
 * answer is the same.
 */
#ifndef ALIGN_FAST_STEPS
#define ALIGN_FAST_STEPS 16384
#endif
#define ALIGN_GAVE_UP (-EAGAIN) /* internal: the path walk took too many steps */

static int leaf_align(const struct btfx_type *t)
{
	return btfx_kind(t) == BTFX_KIND_PTR ? 8 : t->size < 8 ? (int)(t->size ? t->size : 1) : 8;
}

static int align_walk(const struct btfx *btf, uint32_t id, int depth, unsigned *steps)
{
	const struct btfx_type *t = btfx_type_by_id(btf, id);
	int a = 1;

	if (++*steps > ALIGN_FAST_STEPS)
		return ALIGN_GAVE_UP;
	if (!t || id == 0 || depth > MAX_CHAIN)
		return -EINVAL;
	switch (btfx_kind(t)) {
	case BTFX_KIND_INT: case BTFX_KIND_ENUM: case BTFX_KIND_ENUM64: case BTFX_KIND_FLOAT: case BTFX_KIND_PTR:
		return leaf_align(t);
	case BTFX_KIND_TYPEDEF: case BTFX_KIND_VOLATILE: case BTFX_KIND_CONST: case BTFX_KIND_RESTRICT:
	case BTFX_KIND_TYPE_TAG:
		return align_walk(btf, t->type, depth + 1, steps);
	case BTFX_KIND_ARRAY:
		return align_walk(btf, btfx_array(t)->type, depth + 1, steps);
	case BTFX_KIND_STRUCT: case BTFX_KIND_UNION: {
		for (uint32_t i = 0; i < btfx_vlen(t); i++) {
			int ma = align_walk(btf, btfx_members(t)[i].type, depth + 1, steps);
			if (ma < 0)
				return ma;
			if (ma > a)
				a = ma;
		}
		return a;
	}
	default:
		return -EINVAL;
	}
}

/* memo[id]: 0 not visited, ALIGN_BUSY on the walk's stack, else
 * height << 4 | alignment (alignment 1..8, height 0..MAX_CHAIN) */
#define ALIGN_BUSY 0xffffu

static int align_memo(const struct btfx *btf, uint16_t *memo, uint32_t id, int depth, int *height)
{
	const struct btfx_type *t = btfx_type_by_id(btf, id);
	int a = 1, h = 0, ch;

	if (!t || id == 0 || depth > MAX_CHAIN)
		return -EINVAL;
	if (memo[id] == ALIGN_BUSY)
		return -EINVAL; /* a loop (unvalidated BTF): paths of any length */
	if (memo[id]) {
		*height = memo[id] >> 4;
		return depth + *height > MAX_CHAIN ? -EINVAL : memo[id] & 15;
	}
	switch (btfx_kind(t)) {
	case BTFX_KIND_INT: case BTFX_KIND_ENUM: case BTFX_KIND_ENUM64: case BTFX_KIND_FLOAT: case BTFX_KIND_PTR:
		a = leaf_align(t);
		break;
	case BTFX_KIND_TYPEDEF: case BTFX_KIND_VOLATILE: case BTFX_KIND_CONST: case BTFX_KIND_RESTRICT:
	case BTFX_KIND_TYPE_TAG: case BTFX_KIND_ARRAY:
		memo[id] = ALIGN_BUSY;
		a = align_memo(btf, memo, btfx_kind(t) == BTFX_KIND_ARRAY ? btfx_array(t)->type : t->type, depth + 1,
			       &ch);
		if (a < 0)
			return a;
		h = ch + 1;
		break;
	case BTFX_KIND_STRUCT: case BTFX_KIND_UNION:
		memo[id] = ALIGN_BUSY;
		for (uint32_t i = 0; i < btfx_vlen(t); i++) {
			int ma = align_memo(btf, memo, btfx_members(t)[i].type, depth + 1, &ch);
			if (ma < 0)
				return ma;
			if (ma > a)
				a = ma;
			if (ch + 1 > h)
				h = ch + 1;
		}
		break;
	default:
		return -EINVAL;
	}
	/* every path below id was walked from this depth: h is exact */
	memo[id] = (uint16_t)((unsigned)h << 4 | (unsigned)a);
	*height = h;
	return a;
}

BTFX_API int btfx_align(const struct btfx *btf, uint32_t id)
{
	unsigned steps = 0;
	uint16_t *memo;
	int a = align_walk(btf, id, 0, &steps), h;

	if (a != ALIGN_GAVE_UP)
		return a;
	memo = calloc(btfx_type_cnt(btf), sizeof(*memo));
	if (!memo)
		return -ENOMEM;
	a = align_memo(btf, memo, id, 0, &h);
	free(memo);
	return a;
}

/* ------------------------------------------------------------------ */
/* Reference graph                                                     */
/* ------------------------------------------------------------------ */

BTFX_API size_t btfx_type_refs(const struct btfx *btf, uint32_t id, uint32_t *ids, size_t cap, size_t *total)
{
	const struct btfx_type *t = btfx_type_by_id(btf, id);
	size_t n = 0;

#define ADD(x) do { if (n < cap) ids[n] = (x); n++; } while (0)
	if (t && id) {
		switch (btfx_kind(t)) {
		case BTFX_KIND_PTR: case BTFX_KIND_TYPEDEF: case BTFX_KIND_VOLATILE: case BTFX_KIND_CONST:
		case BTFX_KIND_RESTRICT: case BTFX_KIND_TYPE_TAG: case BTFX_KIND_FUNC: case BTFX_KIND_VAR:
		case BTFX_KIND_DECL_TAG:
			ADD(t->type);
			break;
		case BTFX_KIND_ARRAY:
			ADD(btfx_array(t)->type);
			ADD(btfx_array(t)->index_type);
			break;
		case BTFX_KIND_STRUCT: case BTFX_KIND_UNION:
			for (uint32_t i = 0; i < btfx_vlen(t); i++)
				ADD(btfx_members(t)[i].type);
			break;
		case BTFX_KIND_FUNC_PROTO:
			ADD(t->type);
			for (uint32_t i = 0; i < btfx_vlen(t); i++)
				ADD(btfx_params(t)[i].type);
			break;
		case BTFX_KIND_DATASEC:
			for (uint32_t i = 0; i < btfx_vlen(t); i++)
				ADD(btfx_secinfos(t)[i].type);
			break;
		}
	}
#undef ADD
	if (total)
		*total = n;
	return n < cap ? n : cap;
}

static int refs_build(struct btfx *btf)
{
	uint32_t cnt = btfx_type_cnt(btf), *start, *ids, tmp[64];
	size_t total_refs = 0;

	if (btf->ref_start)
		return 0;
	start = calloc((size_t)cnt + 1, sizeof(uint32_t));
	if (!start)
		return -ENOMEM;
	/* count referrers per target (only own referrers are indexed) */
	for (uint32_t id = btf->start_id; id < cnt; id++) {
		size_t total, n = btfx_type_refs(btf, id, tmp, 64, &total);
		const struct btfx_type *t = btfx__type(btf, id);
		for (size_t i = 0; i < total; i++) {
			uint32_t r = i < n ? tmp[i] : 0;
			if (i >= n) { /* long member lists */
				if (btfx_is_composite(t))
					r = btfx_members(t)[i].type;
				else if (btfx_kind(t) == BTFX_KIND_FUNC_PROTO)
					r = btfx_params(t)[i - 1].type;
				else if (btfx_kind(t) == BTFX_KIND_DATASEC)
					r = btfx_secinfos(t)[i].type;
			}
			if (r < cnt)
				start[r + 1]++;
			total_refs++;
		}
	}
	for (uint32_t i = 0; i < cnt; i++)
		start[i + 1] += start[i];
	ids = malloc((start[cnt] ? start[cnt] : 1) * sizeof(uint32_t));
	if (!ids) {
		free(start);
		return -ENOMEM;
	}
	{
		uint32_t *fill = calloc((size_t)cnt, sizeof(uint32_t));
		if (!fill) {
			free(start);
			free(ids);
			return -ENOMEM;
		}
		for (uint32_t id = btf->start_id; id < cnt; id++) {
			const struct btfx_type *t = btfx__type(btf, id);
			size_t total, n = btfx_type_refs(btf, id, tmp, 64, &total);
			uint32_t last = UINT32_MAX;
			for (size_t i = 0; i < total; i++) {
				uint32_t r = i < n ? tmp[i] : 0;
				if (i >= n) {
					if (btfx_is_composite(t))
						r = btfx_members(t)[i].type;
					else if (btfx_kind(t) == BTFX_KIND_FUNC_PROTO)
						r = btfx_params(t)[i - 1].type;
					else if (btfx_kind(t) == BTFX_KIND_DATASEC)
						r = btfx_secinfos(t)[i].type;
				}
				if (r >= cnt)
					continue;
				(void)last;
				ids[start[r] + fill[r]++] = id;
			}
		}
		free(fill);
	}
	(void)total_refs;
	btf->ref_start = start;
	btf->ref_ids = ids;
	return 0;
}

BTFX_API size_t btfx_referrers(struct btfx *btf, uint32_t id, uint32_t *ids, size_t cap)
{
	size_t n = 0;
	uint32_t prev = 0;

	if (id >= btfx_type_cnt(btf) || refs_build(btf))
		return 0;
	for (uint32_t i = btf->ref_start[id]; i < btf->ref_start[id + 1]; i++) {
		uint32_t r = btf->ref_ids[i];
		if (r == prev)
			continue; /* a struct with two members of the same type */
		prev = r;
		if (n < cap)
			ids[n] = r;
		n++;
	}
	return n;
}
