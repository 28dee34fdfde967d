// SPDX-License-Identifier: BSD-2-Clause
/*
 * C emitter: BTF to a compilable header (vmlinux.h).
 *
 * Model.  The semantics are those of libbpf's btf_dump (the de-facto
 * reference every BPF build uses) and of bpftool's `format c` driver, written
 * anew with per-type state in flat arrays indexed by type id (no per-type
 * heap nodes: vmlinux has more than 100k types) and with output appended to
 * one buffer without printf.
 *
 * Two passes per root:
 *   1. order_type(): a depth-first walk that queues every named definition
 *      the root needs, dependencies first.  An edge is *strong* when C needs
 *      the complete type before the referrer (embedding by value, arrays,
 *      typedef of a struct used by value, anonymous types defined inline) and
 *      *weak* when a forward declaration is enough: the path contains a
 *      pointer and then a named type.  Example:
 *
 *          struct A { struct B b; struct C *c; };
 *
 *      A->B is strong (B is queued before A), A->C is weak (C is not queued
 *      for A; emitting A prints `struct C;` first if C is not defined yet).
 *      Returns 1 for strong, 0 for weak, -ELOOP for a cycle of strong edges
 *      (which no C declaration order can satisfy).
 *   2. emit_type(): for each queued id, prints the forward declarations its
 *      members need, then the definition.
 *
 * Layout.  Offsets are reproduced with explicit anonymous bitfield padding
 * (`long: 64;`, `int: 3;`, `long: 0;`), never `aligned(N)` (BTF has no
 * alignment).  A struct is `packed` when a non-bitfield member is not at a
 * multiple of its natural alignment or its size is not a multiple of its
 * alignment.  Additions over btf_dump, each only where btf_dump's output
 * would not have the BTF's layout (so the common output stays identical):
 * unions get `packed` when their size is not a multiple of their alignment
 * and tail padding when larger than their largest member; 2-byte enums get
 * mode(HI); an 8-byte ENUM64 whose values all fit 32 bits gets mode(word)
 * also when negative; anonymous members of a *named* struct/union type (a
 * -fms-extensions construct, which plain C would drop) are expanded inline;
 * __int128 aligns to 16 as on x86-64 and BPF.
 *
 * Invariants.  Every id read from a type record is checked against the type
 * count before use, and every walk is depth-limited, so malformed (even
 * unvalidated) BTF yields an error, never a crash.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btfx/emit.h"
#include "image.h"
#include "internal.h"

#define MAX_DEPTH 256        /* nesting of types / declarators */
#define FLUSH_AT (256u << 10) /* callback mode: flush at this buffer size */
#define SENTINEL_CONT UINT32_MAX /* "inside a declaration", never a type id */
#define BIG_GAP_BITS (65536u * 8) /* padding above this is a char array */

enum { NOT_DONE = 0, BUSY = 1, DONE = 2 };

struct tstate {
	uint8_t order : 2;       /* NOT_DONE, BUSY (ordering), DONE */
	uint8_t emit : 2;        /* NOT_DONE, BUSY (emitting), DONE */
	uint8_t fwd_done : 1;    /* forward declaration (or typedef) printed */
	uint8_t tagged : 1;      /* has decl tags */
	uint8_t ev_renamed : 1;  /* some enumerator got a ___N suffix */
	uint8_t lay;             /* 0: not computed; else LAY_* bits */
	uint8_t align;           /* natural alignment (valid when lay) */
	uint8_t kfunc : 1, fastcall : 1, is_root : 1, asserted : 1, defined : 1;
};

#define LAY_DONE 1
#define LAY_PACKED 2  /* needs __attribute__((packed)) */

struct idvec {
	uint32_t *a;
	size_t n, cap;
};

/* name -> use count: open addressing over 8-byte slots (hash, entry index
 * + 1), entries appended in insertion order */
struct name_slot {
	uint32_t hash, idx;
};

struct name_ent {
	const char *s;
	uint32_t count;
};

struct name_map {
	struct name_slot *slots;
	struct name_ent *ents;
	uint32_t mask, used, cap_ents;
};

struct evdup {
	uint32_t id, idx, dup;
};

struct dtag {
	uint32_t target;
	int32_t comp;
	uint32_t tag;
};

struct root {
	uint64_t key;      /* rank, then the first 7 bytes of the sort name */
	const char *sort_name, *own_name;
	uint32_t id;
	int rank;
};

struct tie {
	uint64_t hash;
	uint32_t id;
};

struct em {
	const struct btfx *btf;
	uint32_t n;              /* type count (last id + 1) */
	uint32_t flags;
	bool lazy_names;         /* names on first use (id order) */
	int ptr_sz;
	struct tstate *ts;
	uint64_t *refbits;       /* bit per id: some type refers to it (a
				  * compact bitmap: the scan sets ~200k bits
				  * at random) */
	uint32_t *dup;           /* 0: name not resolved yet; 1: bare; N: ___N */
	struct name_map tags, idents;
	struct evdup *evd;
	size_t nevd, capevd;
	struct dtag *dtags;
	size_t ndtags;
	struct idvec queue, stack, kfuncs, defs;
	struct idvec all_roots;  /* sorted order: every root-kind type */
	struct idvec anon_enums; /* anonymous enums (top-level or inline) */
	size_t nr_tags, nr_idents; /* names per namespace: map sizing */

	char *buf;
	size_t len, cap;
	btfx_emit_write_fn write;
	void *ctx;
	int err;
	struct btfx_error *errp;
	struct btfx_emit_stats st;
	uint64_t work, work_max;  /* steps taken / allowed (see spend()) */
	uint64_t bytes_max;       /* output allowed (see reserve()) */
	uint32_t pad_seq;         /* names of array paddings */
};

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

/* Record the first error: "FILE: [ID] KIND 'name': problem". */
static int fail(struct em *e, int errnum, uint32_t id, const char *what)
{
	const char *path = btfx_path(e->btf) ? btfx_path(e->btf) : "BTF";
	enum btfx_errc code;

	if (e->err)
		return e->err;
	e->err = -errnum;
	switch (errnum) {
	case ENOMEM: code = BTFX_E_NOMEM; break;
	case ELOOP: code = BTFX_E_LOOP; break;
	case E2BIG: code = BTFX_E_LIMIT; break;
	default: code = id ? BTFX_E_REF : BTFX_E_USAGE; break;
	}
	if (id && id < e->n) {
		const struct btfx_type *t = btfx__type(e->btf, id);
		const char *name = btfx_str(e->btf, t->name_off);
		btfx_set_err(e->errp, code, errnum, id, -1, "%s: [%u] %s '%s': %s", path, id,
			     btfx_kind_str(btfx_kind(t)), name && *name ? name : "(anon)", what);
	} else {
		btfx_set_err(e->errp, code, errnum, id, -1, "%s: %s", path, what);
	}
	return e->err;
}

/* Malformed BTF can make anonymous types nest exponentially (a DAG
 * printed as a tree, each use of a shared anonymous type inline): every
 * walk spends from one budget, and the output may not exceed a multiple of
 * the input (reserve()).  Both are far above what real BTF needs: a kernel
 * takes 2-4 steps per type and writes about twice its BTF's size (with
 * --assert-layout). */
static bool spend(struct em *e, uint32_t id)
{
	if (++e->work <= e->work_max)
		return true;
	fail(e, E2BIG, id, "output would be unreasonably large (types nest exponentially?)");
	return false;
}

static inline const struct btfx_type *T(const struct em *e, uint32_t id)
{
	return btfx__type(e->btf, id);
}

/* id valid as a reference (0 = void allowed) */
static inline bool ok_id(const struct em *e, uint32_t id)
{
	return id < e->n;
}

static inline const char *S(const struct em *e, uint32_t off)
{
	const char *s = btfx_str(e->btf, off);
	return s ? s : "";
}

static inline void mark_ref(struct em *e, uint32_t id)
{
	e->refbits[id >> 6] |= 1ull << (id & 63);
}

static inline bool is_ref(const struct em *e, uint32_t id)
{
	return e->refbits[id >> 6] >> (id & 63) & 1;
}

static int vec_push(struct idvec *v, uint32_t x)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 256;
		uint32_t *a = realloc(v->a, cap * sizeof(*a));
		if (!a)
			return -ENOMEM;
		v->a = a;
		v->cap = cap;
	}
	v->a[v->n++] = x;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Output                                                              */
/* ------------------------------------------------------------------ */

static void flush(struct em *e)
{
	if (e->write && e->len && !e->err) {
		int r = e->write(e->ctx, e->buf, e->len);
		if (r < 0) {
			e->err = r;
			btfx_set_err(e->errp, BTFX_E_IO, -r, 0, -1, "write callback failed: %s", strerror(-r));
		}
		e->st.bytes += e->len;
		e->len = 0;
	}
}

static bool reserve(struct em *e, size_t n)
{
	if (e->len + n <= e->cap)
		return true;
	if (e->st.bytes + e->len + n > e->bytes_max) {
		fail(e, E2BIG, 0, "output would be unreasonably large for the BTF (types nest exponentially?)");
		return false;
	}
	if (e->write) {
		flush(e);
		if (e->len + n <= e->cap)
			return true;
	}
	size_t cap = e->cap ? e->cap : 1u << 16;
	while (cap < e->len + n + 1)
		cap *= 2;
	char *b = realloc(e->buf, cap);
	if (!b) {
		fail(e, ENOMEM, 0, "out of memory");
		return false;
	}
	e->buf = b;
	e->cap = cap;
	return true;
}

static inline void put(struct em *e, const char *s, size_t n)
{
	if (e->len + n > e->cap && !reserve(e, n))
		return;
	memcpy(e->buf + e->len, s, n);
	e->len += n;
	if (e->write && e->len >= FLUSH_AT)
		flush(e);
}

#define PUTL(e, lit) put((e), (lit), sizeof(lit) - 1)

/* copy a C string in one pass (names are short: no strlen + memcpy) */
static inline void puts_(struct em *e, const char *s)
{
	char *d, *end;

	if (e->cap - e->len < 128 && !reserve(e, 128))
		return;
	d = e->buf + e->len;
	end = e->buf + e->cap;
	while (*s && d < end)
		*d++ = *s++;
	e->len = (size_t)(d - e->buf);
	if (*s)
		put(e, s, strlen(s)); /* longer than the room left */
	else if (e->write && e->len >= FLUSH_AT)
		flush(e);
}

static inline void putc_(struct em *e, char c)
{
	put(e, &c, 1);
}

static void put_u64(struct em *e, uint64_t v)
{
	char b[24];
	int i = sizeof(b);

	do {
		b[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(e, b + i, sizeof(b) - i);
}

static void put_s64(struct em *e, int64_t v)
{
	if (v < 0) {
		putc_(e, '-');
		put_u64(e, -(uint64_t)v);
	} else {
		put_u64(e, (uint64_t)v);
	}
}

static const char TABS[] = "\t\t\t\t\t\t\t\t\t\t\t\t\t";

/* indentation as btf_dump: at most 13 tabs */
static inline void pfx(struct em *e, int lvl)
{
	if (lvl > (int)sizeof(TABS) - 1)
		lvl = sizeof(TABS) - 1;
	if (lvl > 0)
		put(e, TABS, (size_t)lvl);
}

/* ------------------------------------------------------------------ */
/* Names                                                               */
/* ------------------------------------------------------------------ */

/* 8 bytes at a time: names are short and there are ~100k of them */
static uint32_t hash_str(const char *s)
{
	size_t n = strlen(s);
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n, w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, s, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 29;
	return (uint32_t)h;
}

static int map_grow_to(struct name_map *m, uint32_t cap)
{
	struct name_slot *ns = calloc(cap, sizeof(*ns));
	struct name_ent *ne;

	if (!ns)
		return -ENOMEM;
	ne = realloc(m->ents, (size_t)(cap / 2) * sizeof(*ne));
	if (!ne) {
		free(ns);
		return -ENOMEM;
	}
	m->ents = ne;
	m->cap_ents = cap / 2;
	for (uint32_t i = 0; i < m->used; i++) {
		uint32_t h = hash_str(ne[i].s), j;
		for (j = h & (cap - 1); ns[j].idx; j = (j + 1) & (cap - 1))
			;
		ns[j].hash = h;
		ns[j].idx = i + 1;
	}
	free(m->slots);
	m->slots = ns;
	m->mask = cap - 1;
	return 0;
}

/* size for n names at load <= 1/2 */
static int map_init(struct name_map *m, size_t n)
{
	uint32_t cap = 1024;

	while (cap < n * 2 + 16 && cap < (1u << 30))
		cap <<= 1;
	return m->slots ? 0 : map_grow_to(m, cap);
}

/* count one more use of name; returns the new count (1 = first), 0 on ENOMEM */
static uint32_t name_bump(struct name_map *m, const char *s)
{
	uint32_t h, i;

	if ((!m->slots || m->used + 1 > m->cap_ents) && map_grow_to(m, m->slots ? (m->mask + 1) * 2 : 1024))
		return 0;
	h = hash_str(s);
	for (i = h & m->mask; m->slots[i].idx; i = (i + 1) & m->mask) {
		struct name_ent *en = &m->ents[m->slots[i].idx - 1];
		if (m->slots[i].hash == h && !strcmp(en->s, s))
			return ++en->count;
	}
	m->ents[m->used] = (struct name_ent){ s, 1 };
	m->slots[i].hash = h;
	m->slots[i].idx = ++m->used;
	return 1;
}

static bool map_has(const struct name_map *m, const char *s)
{
	uint32_t h, i;

	if (!m->slots)
		return false;
	h = hash_str(s);
	for (i = h & m->mask; m->slots[i].idx; i = (i + 1) & m->mask)
		if (m->slots[i].hash == h && !strcmp(m->ents[m->slots[i].idx - 1].s, s))
			return true;
	return false;
}

/* Resolve the (possibly suffixed) name of a named type: struct/union/enum
 * tags share one namespace, typedefs and enumerators another (as in C).
 * A fwd and an enum without values keep their name and count nothing. */
static uint32_t resolve_name(struct em *e, uint32_t id)
{
	const struct btfx_type *t;
	unsigned k;
	uint32_t d;

	if (e->dup[id])
		return e->dup[id];
	t = T(e, id);
	k = btfx_kind(t);
	if (!t->name_off || k == BTFX_KIND_FWD || (k == BTFX_KIND_ENUM && !btfx_vlen(t))) {
		d = 1;
	} else {
		d = name_bump(k == BTFX_KIND_TYPEDEF ? &e->idents : &e->tags, S(e, t->name_off));
		if (!d) {
			fail(e, ENOMEM, 0, "out of memory");
			d = 1;
		}
	}
	e->dup[id] = d;
	return d;
}

static void put_resolved(struct em *e, uint32_t id)
{
	const struct btfx_type *t = T(e, id);
	uint32_t d = resolve_name(e, id);

	puts_(e, S(e, t->name_off));
	if (d > 1) {
		PUTL(e, "___");
		put_u64(e, d);
	}
}

static int evd_cmp(const void *a, const void *b)
{
	const struct evdup *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Count the enumerators of an enum (precomputed naming), recording those
 * that need a suffix. */
static void count_enumerators(struct em *e, uint32_t id)
{
	const struct btfx_type *t = T(e, id);
	uint32_t vlen = btfx_vlen(t);
	bool e64 = btfx_kind(t) == BTFX_KIND_ENUM64;

	for (uint32_t i = 0; i < vlen; i++) {
		uint32_t off = e64 ? btfx_enums64(t)[i].name_off : btfx_enums(t)[i].name_off;
		uint32_t d = name_bump(&e->idents, S(e, off));
		if (!d) {
			fail(e, ENOMEM, 0, "out of memory");
			return;
		}
		if (d > 1) {
			if (e->nevd == e->capevd) {
				size_t cap = e->capevd ? e->capevd * 2 : 64;
				struct evdup *n = realloc(e->evd, cap * sizeof(*n));
				if (!n) {
					fail(e, ENOMEM, 0, "out of memory");
					return;
				}
				e->evd = n;
				e->capevd = cap;
			}
			e->evd[e->nevd++] = (struct evdup){ id, i, d };
			e->ts[id].ev_renamed = 1;
		}
	}
}

static uint32_t enumerator_dup(struct em *e, uint32_t id, uint32_t idx, const char *name)
{
	if (e->lazy_names) {
		uint32_t d = name_bump(&e->idents, name);
		if (!d)
			fail(e, ENOMEM, 0, "out of memory");
		return d ? d : 1;
	}
	if (!e->ts[id].ev_renamed)
		return 1;
	struct evdup key = { id, idx, 0 };
	struct evdup *f = bsearch(&key, e->evd, e->nevd, sizeof(key), evd_cmp);
	return f ? f->dup : 1;
}

/* ------------------------------------------------------------------ */
/* Alignment and packing                                               */
/* ------------------------------------------------------------------ */

static bool blacklisted(struct em *e, const struct btfx_type *t);

static int align_of(struct em *e, uint32_t id, int depth);
static int64_t size_of(struct em *e, uint32_t id);

/* Computes and caches the alignment of a struct/union and whether it must
 * be emitted packed. */
static void layout_of(struct em *e, uint32_t id, int depth)
{
	struct tstate *s = &e->ts[id];
	const struct btfx_type *t = T(e, id);
	const struct btfx_member *m = btfx_members(t);
	uint32_t vlen = btfx_vlen(t);
	int max_align = 1;
	bool misaligned = false;

	if (s->lay)
		return;
	/* provisional, for malformed BTF where a struct contains itself */
	s->lay = LAY_DONE;
	s->align = 1;
	for (uint32_t i = 0; i < vlen; i++) {
		int a = ok_id(e, m[i].type) ? align_of(e, m[i].type, depth + 1) : 0;
		if (a <= 0)
			continue; /* void, fwd or function by value: not C */
		if (a > max_align)
			max_align = a;
		uint32_t bsz = btfx_member_bitfield_size(t, i);
		if (!bsz) {
			if (m[i].offset % (8u * (unsigned)a))
				misaligned = true;
		} else {
			/* a bitfield crossing a boundary of its type's size:
			 * only a packed struct lays bits out like that */
			uint64_t unit = (uint64_t)size_of(e, m[i].type) * 8;
			uint32_t boff = btfx_member_bit_offset(t, i);
			if (unit && (boff % (8u * (unsigned)a)) + bsz > unit)
				misaligned = true;
		}
	}
	s->align = (uint8_t)max_align;
	s->lay = LAY_DONE;
	if (btfx_kind(t) == BTFX_KIND_STRUCT) {
		if (misaligned || t->size % (unsigned)max_align)
			s->lay |= LAY_PACKED;
	} else if (t->size % (unsigned)max_align) {
		s->lay |= LAY_PACKED;
	}
}

/* Natural alignment as a C compiler lays it out: 1 for packed aggregates,
 * 0 when unknown (void, fwd, function). */
static int align_walk(struct em *e, uint32_t id, int depth)
{
	for (; depth < MAX_DEPTH; depth++) {
		const struct btfx_type *t;

		if (!id || !ok_id(e, id))
			return 0;
		t = T(e, id);
		switch (btfx_kind(t)) {
		case BTFX_KIND_INT: case BTFX_KIND_ENUM: case BTFX_KIND_ENUM64: case BTFX_KIND_FLOAT:
			if (t->size >= 16 && btfx_kind(t) == BTFX_KIND_INT)
				return 16;
			return (int)(t->size < (uint32_t)e->ptr_sz ? (t->size ? t->size : 1) : (uint32_t)e->ptr_sz);
		case BTFX_KIND_PTR:
			return e->ptr_sz;
		case BTFX_KIND_TYPEDEF: case BTFX_KIND_VOLATILE: case BTFX_KIND_CONST: case BTFX_KIND_RESTRICT:
		case BTFX_KIND_TYPE_TAG:
			id = t->type;
			break;
		case BTFX_KIND_ARRAY:
			id = btfx_array(t)->type;
			break;
		case BTFX_KIND_STRUCT: case BTFX_KIND_UNION:
			layout_of(e, id, depth);
			return (e->ts[id].lay & LAY_PACKED) ? 1 : e->ts[id].align;
		default:
			return 0;
		}
	}
	return 0;
}

/* memoized per id in ts[].align (composites keep their own natural
 * alignment there; the packed flag turns it into 1) */
static int align_of(struct em *e, uint32_t id, int depth)
{
	struct tstate *s;
	int a;

	if (!id || !ok_id(e, id))
		return 0;
	s = &e->ts[id];
	if (btfx_is_composite(T(e, id)))
		return align_walk(e, id, depth);
	if (s->lay)
		return s->align;
	a = align_walk(e, id, depth);
	s->align = (uint8_t)a;
	s->lay = LAY_DONE;
	return a;
}

/* Size in bytes of what the header declares for id.  That is the BTF's
 * size, except through the compiler built-in __builtin_va_list, which the
 * header cannot define: there the compiler's own type (a pointer on BPF)
 * takes the place of the kernel's (24 bytes on x86-64), and the padding
 * after it keeps the offsets and sizes of the BTF.  0 when unknown, and
 * for a size above UINT32_MAX, which validated BTF never has (an array's
 * size must fit in 32 bits) but unvalidated BTF may: callers compute bit
 * offsets in int64_t, where 8 times such a size overflowed (F13). */
static int64_t size_of(struct em *e, uint32_t id)
{
	uint64_t nelems = 1, size;

	for (int i = 0; i < MAX_DEPTH && id && ok_id(e, id); i++) {
		const struct btfx_type *t = T(e, id);
		switch (btfx_kind(t)) {
		case BTFX_KIND_TYPEDEF:
			if (blacklisted(e, t)) {
				size = nelems * (uint64_t)e->ptr_sz;
				return size > UINT32_MAX ? 0 : (int64_t)size;
			}
			/* fall through */
		case BTFX_KIND_VOLATILE: case BTFX_KIND_CONST: case BTFX_KIND_RESTRICT:
		case BTFX_KIND_TYPE_TAG:
			id = t->type;
			continue;
		case BTFX_KIND_ARRAY:
			nelems *= btfx_array(t)->nelems;
			if (nelems > UINT32_MAX)
				return 0;
			id = btfx_array(t)->type;
			continue;
		case BTFX_KIND_PTR:
			size = nelems * (uint64_t)e->ptr_sz; /* nelems <= UINT32_MAX: no wrap */
			return size > UINT32_MAX ? 0 : (int64_t)size;
		case BTFX_KIND_INT: case BTFX_KIND_STRUCT: case BTFX_KIND_UNION: case BTFX_KIND_ENUM:
		case BTFX_KIND_ENUM64: case BTFX_KIND_FLOAT:
			size = nelems * t->size;
			return size > UINT32_MAX ? 0 : (int64_t)size;
		default:
			return 0;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Decl tags, kfuncs                                                   */
/* ------------------------------------------------------------------ */

static int dtag_cmp(const void *a, const void *b)
{
	const struct dtag *x = a, *y = b;

	if (x->target != y->target)
		return x->target < y->target ? -1 : 1;
	if (x->comp != y->comp)
		return x->comp < y->comp ? -1 : 1;
	return x->tag < y->tag ? -1 : x->tag > y->tag;
}

static const char KFUNC_TAG[] = "bpf_kfunc";
static const char FASTCALL_TAG[] = "bpf_fastcall";

/* One pass over all types: referenced marks, decl tags, kfuncs, pointer size. */
static int scan(struct em *e)
{
	size_t ntag = 0, captag = 0;
	uint32_t long_sz = 0;

	for (uint32_t id = 1; id < e->n; id++) {
		const struct btfx_type *t = T(e, id);
		uint32_t vlen = btfx_vlen(t);

		switch (btfx_kind(t)) {
		case BTFX_KIND_INT: {
			const char *nm = S(e, t->name_off);
			if (!long_sz && (!strcmp(nm, "long int") || !strcmp(nm, "long unsigned int") ||
					 !strcmp(nm, "long") || !strcmp(nm, "unsigned long")))
				long_sz = t->size;
			if (nm[0] == '_' && !strncmp(nm, "__Poly", 6) && vec_push(&e->all_roots, id))
				return fail(e, ENOMEM, 0, "out of memory");
			break;
		}
		case BTFX_KIND_ENUM: case BTFX_KIND_ENUM64:
			e->nr_idents += vlen;
			e->nr_tags++;
			if (vec_push(t->name_off ? &e->all_roots : &e->anon_enums, id))
				return fail(e, ENOMEM, 0, "out of memory");
			break;
		case BTFX_KIND_FWD:
			if (t->name_off && vec_push(&e->all_roots, id))
				return fail(e, ENOMEM, 0, "out of memory");
			break;
		case BTFX_KIND_TYPEDEF:
			if (t->name_off && vec_push(&e->all_roots, id))
				return fail(e, ENOMEM, 0, "out of memory");
			e->nr_idents++;
			/* fall through */
		case BTFX_KIND_PTR: case BTFX_KIND_VOLATILE: case BTFX_KIND_CONST:
		case BTFX_KIND_RESTRICT: case BTFX_KIND_VAR: case BTFX_KIND_TYPE_TAG:
			if (ok_id(e, t->type))
				mark_ref(e, t->type);
			break;
		case BTFX_KIND_FUNC:
			/* refers to a FUNC_PROTO: "referenced" only matters for
			 * anonymous enums */
			break;
		case BTFX_KIND_DECL_TAG: {
			if (ok_id(e, t->type))
				mark_ref(e, t->type);
			if (!t->type || !ok_id(e, t->type))
				break;
			const struct btfx_type *tt = T(e, t->type);
			int32_t comp = btfx_decl_tag(t)->component_idx;
			const char *nm = S(e, t->name_off);
			if (btfx_kind(tt) == BTFX_KIND_FUNC && comp == -1) {
				if (!strcmp(nm, KFUNC_TAG)) {
					if (!e->ts[t->type].kfunc && vec_push(&e->kfuncs, t->type))
						return fail(e, ENOMEM, 0, "out of memory");
					e->ts[t->type].kfunc = 1;
					break;
				}
				if (!strcmp(nm, FASTCALL_TAG)) {
					e->ts[t->type].fastcall = 1;
					break;
				}
			}
			if (ntag == captag) {
				size_t cap = captag ? captag * 2 : 64;
				struct dtag *d = realloc(e->dtags, cap * sizeof(*d));
				if (!d)
					return fail(e, ENOMEM, 0, "out of memory");
				e->dtags = d;
				captag = cap;
			}
			e->dtags[ntag++] = (struct dtag){ t->type, comp, id };
			e->ts[t->type].tagged = 1;
			break;
		}
		case BTFX_KIND_ARRAY: {
			const struct btfx_array *a = btfx_array(t);
			if (ok_id(e, a->type))
				mark_ref(e, a->type);
			if (ok_id(e, a->index_type))
				mark_ref(e, a->index_type);
			break;
		}
		case BTFX_KIND_STRUCT: case BTFX_KIND_UNION: {
			const struct btfx_member *m = btfx_members(t);
			for (uint32_t i = 0; i < vlen; i++)
				if (ok_id(e, m[i].type))
					mark_ref(e, m[i].type);
			if (t->name_off) {
				e->nr_tags++;
				if (vec_push(&e->all_roots, id))
					return fail(e, ENOMEM, 0, "out of memory");
			}
			break;
		}
		case BTFX_KIND_FUNC_PROTO: {
			const struct btfx_param *p = btfx_params(t);
			for (uint32_t i = 0; i < vlen; i++)
				if (ok_id(e, p[i].type))
					mark_ref(e, p[i].type);
			break;
		}
		default:
			break;
		}
	}
	e->ndtags = ntag;
	if (ntag)
		qsort(e->dtags, ntag, sizeof(*e->dtags), dtag_cmp);
	e->ptr_sz = long_sz == 4 ? 4 : 8;
	return 0;
}

/* Print the decl tags of (target, comp) as attributes. */
static void put_decl_tags(struct em *e, uint32_t target, int32_t comp)
{
	size_t lo = 0, hi = e->ndtags;

	if ((e->flags & BTFX_EMIT_NO_DECL_TAGS) || !e->ts[target].tagged)
		return;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (e->dtags[mid].target < target || (e->dtags[mid].target == target && e->dtags[mid].comp < comp))
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < e->ndtags && e->dtags[lo].target == target && e->dtags[lo].comp == comp; lo++) {
		const struct btfx_type *tag = T(e, e->dtags[lo].tag);
		if (btfx_kflag(tag)) {
			PUTL(e, " __attribute__((");
			puts_(e, S(e, tag->name_off));
			PUTL(e, "))");
		} else {
			PUTL(e, " __attribute__((btf_decl_tag(\"");
			puts_(e, S(e, tag->name_off));
			PUTL(e, "\")))");
		}
	}
}

BTFX_API bool btfx_is_kfunc(const struct btfx *btf, uint32_t id)
{
	uint32_t n = btf ? btfx_type_cnt(btf) : 0;
	const struct btfx_type *f;

	if (!id || id >= n)
		return false;
	f = btfx__type(btf, id);
	if (btfx_kind(f) != BTFX_KIND_FUNC)
		return false;
	for (uint32_t i = 1; i < n; i++) {
		const struct btfx_type *t = btfx__type(btf, i);
		if (btfx_kind(t) == BTFX_KIND_DECL_TAG && t->type == id && btfx_decl_tag(t)->component_idx == -1) {
			const char *nm = btfx_str(btf, t->name_off);
			if (nm && !strcmp(nm, KFUNC_TAG))
				return true;
		}
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* Pass 1: ordering                                                    */
/* ------------------------------------------------------------------ */

static int order_type(struct em *e, uint32_t id, bool through_ptr, int depth)
{
	struct tstate *s;
	const struct btfx_type *t;
	int r;

	if (e->err)
		return e->err;
	if (!ok_id(e, id))
		return fail(e, EINVAL, 0, "type id out of range");
	if (depth > MAX_DEPTH)
		return fail(e, ELOOP, id, "types nest too deeply");
	if (!spend(e, id))
		return e->err;
	s = &e->ts[id];
	if (s->order == DONE || id == 0)
		return 1;
	t = T(e, id);
	if (s->order == BUSY) {
		if (btfx_is_composite(t) && through_ptr && t->name_off)
			return 0;
		return fail(e, ELOOP, id, "unsatisfiable type cycle");
	}
	switch (btfx_kind(t)) {
	case BTFX_KIND_INT: case BTFX_KIND_FLOAT:
		s->order = DONE;
		return 0;
	case BTFX_KIND_PTR:
		r = order_type(e, t->type, true, depth + 1);
		s->order = DONE;
		return r;
	case BTFX_KIND_ARRAY:
		return order_type(e, btfx_array(t)->type, false, depth + 1);
	case BTFX_KIND_STRUCT: case BTFX_KIND_UNION: {
		const struct btfx_member *m = btfx_members(t);
		uint32_t vlen = btfx_vlen(t);

		/* a named aggregate behind a pointer needs only a fwd decl;
		 * an anonymous one is defined inline, so its members count */
		if (through_ptr && t->name_off)
			return 0;
		s->order = BUSY;
		for (uint32_t i = 0; i < vlen; i++) {
			r = order_type(e, m[i].type, false, depth + 1);
			if (r < 0)
				return r;
		}
		if (t->name_off && vec_push(&e->queue, id))
			return fail(e, ENOMEM, 0, "out of memory");
		s->order = DONE;
		return 1;
	}
	case BTFX_KIND_ENUM: case BTFX_KIND_ENUM64: case BTFX_KIND_FWD:
		/* named, or anonymous and unreferenced (a top-level constant
		 * block): a definition of its own */
		if ((t->name_off || !is_ref(e, id)) && vec_push(&e->queue, id))
			return fail(e, ENOMEM, 0, "out of memory");
		s->order = DONE;
		return 1;
	case BTFX_KIND_TYPEDEF:
		r = order_type(e, t->type, through_ptr, depth + 1);
		if (r < 0)
			return r;
		if (through_ptr && !r)
			return 0;
		if (vec_push(&e->queue, id))
			return fail(e, ENOMEM, 0, "out of memory");
		s->order = DONE;
		return 1;
	case BTFX_KIND_VOLATILE: case BTFX_KIND_CONST: case BTFX_KIND_RESTRICT: case BTFX_KIND_TYPE_TAG:
		return order_type(e, t->type, through_ptr, depth + 1);
	case BTFX_KIND_FUNC_PROTO: {
		const struct btfx_param *p = btfx_params(t);
		uint32_t vlen = btfx_vlen(t);
		bool strong;

		r = order_type(e, t->type, through_ptr, depth + 1);
		if (r < 0)
			return r;
		strong = r > 0;
		for (uint32_t i = 0; i < vlen; i++) {
			r = order_type(e, p[i].type, through_ptr, depth + 1);
			if (r < 0)
				return r;
			if (r > 0)
				strong = true;
		}
		return strong;
	}
	case BTFX_KIND_FUNC: case BTFX_KIND_VAR: case BTFX_KIND_DATASEC: case BTFX_KIND_DECL_TAG:
		s->order = DONE;
		return 0;
	default:
		return fail(e, EINVAL, id, "kind cannot be emitted as C");
	}
}

/* ------------------------------------------------------------------ */
/* Pass 2: emission                                                    */
/* ------------------------------------------------------------------ */

static void emit_decl(struct em *e, uint32_t id, const char *fname, int lvl, int depth);
static void emit_struct_def(struct em *e, uint32_t id, int lvl, int depth, bool as_anon);
static void emit_enum_def(struct em *e, uint32_t id, int lvl);

static bool blacklisted(struct em *e, const struct btfx_type *t)
{
	/* a compiler built-in: defining it breaks compilation with clang */
	return t->name_off && !strcmp(S(e, t->name_off), "__builtin_va_list");
}

static void emit_struct_fwd(struct em *e, uint32_t id)
{
	const struct btfx_type *t = T(e, id);

	if (btfx_kind(t) == BTFX_KIND_STRUCT)
		PUTL(e, "struct");
	else
		PUTL(e, "union");
	if (t->name_off) {
		putc_(e, ' ');
		put_resolved(e, id);
	}
}

static void emit_fwd_def(struct em *e, uint32_t id)
{
	const struct btfx_type *t = T(e, id);

	if (btfx_kflag(t))
		PUTL(e, "union ");
	else
		PUTL(e, "struct ");
	put_resolved(e, id);
}

static void emit_typedef_def(struct em *e, uint32_t id, int lvl, int depth)
{
	const struct btfx_type *t = T(e, id);
	const char *name = S(e, t->name_off);

	/* old GCC: __gnuc_va_list as a typedef of void */
	if (t->type == 0 && !strcmp(name, "__gnuc_va_list")) {
		PUTL(e, "typedef __builtin_va_list __gnuc_va_list");
		return;
	}
	PUTL(e, "typedef ");
	if (resolve_name(e, id) > 1) {
		char buf[512];
		snprintf(buf, sizeof(buf), "%s___%u", name, e->dup[id]);
		emit_decl(e, t->type, buf, lvl, depth + 1);
	} else {
		emit_decl(e, t->type, name, lvl, depth + 1);
	}
	put_decl_tags(e, id, -1);
}

static void end_def(struct em *e)
{
	PUTL(e, ";\n\n");
}

/* a top-level definition was printed */
static void note_def(struct em *e, uint32_t id)
{
	e->st.defs++;
	e->ts[id].defined = 1;
	if (e->dup[id] > 1)
		e->st.renamed++;
	if (vec_push(&e->defs, id))
		fail(e, ENOMEM, 0, "out of memory");
}

static void emit_type(struct em *e, uint32_t id, uint32_t cont_id, int depth)
{
	struct tstate *s;
	const struct btfx_type *t;
	bool top = cont_id == 0;

	if (e->err || !ok_id(e, id) || depth > MAX_DEPTH) {
		if (!e->err)
			fail(e, depth > MAX_DEPTH ? ELOOP : EINVAL, id, "cannot emit type");
		return;
	}
	s = &e->ts[id];
	if (id == 0 || s->emit == DONE || !spend(e, id))
		return;
	t = T(e, id);
	if (s->emit == BUSY) {
		/* referenced while being emitted: a forward declaration */
		if (s->fwd_done)
			return;
		switch (btfx_kind(t)) {
		case BTFX_KIND_STRUCT: case BTFX_KIND_UNION:
			if (id == cont_id || !t->name_off)
				return;
			emit_struct_fwd(e, id);
			end_def(e);
			e->st.fwds++;
			s->fwd_done = 1;
			break;
		case BTFX_KIND_TYPEDEF:
			if (!blacklisted(e, t)) {
				emit_typedef_def(e, id, 0, depth);
				end_def(e);
				note_def(e, id);
			}
			s->fwd_done = 1;
			break;
		default:
			break;
		}
		return;
	}
	switch (btfx_kind(t)) {
	case BTFX_KIND_INT: {
		/* GCC's internal Arm SIMD types: alias them to base types */
		static const char *const poly[][2] = {
			{ "__Poly8_t", "unsigned char" }, { "__Poly16_t", "unsigned short" },
			{ "__Poly64_t", "unsigned long long" }, { "__Poly128_t", "unsigned __int128" },
		};
		const char *nm = S(e, t->name_off);
		if (nm[0] == '_' && !strncmp(nm, "__Poly", 6))
			for (size_t i = 0; i < sizeof(poly) / sizeof(poly[0]); i++)
				if (!strcmp(nm, poly[i][0])) {
					PUTL(e, "typedef ");
					puts_(e, poly[i][1]);
					putc_(e, ' ');
					puts_(e, nm);
					end_def(e);
				}
		s->emit = DONE;
		break;
	}
	case BTFX_KIND_ENUM: case BTFX_KIND_ENUM64:
		if (top) {
			emit_enum_def(e, id, 0);
			end_def(e);
			note_def(e, id);
		}
		s->emit = DONE;
		break;
	case BTFX_KIND_PTR: case BTFX_KIND_VOLATILE: case BTFX_KIND_CONST: case BTFX_KIND_RESTRICT:
	case BTFX_KIND_TYPE_TAG:
		emit_type(e, t->type, cont_id, depth + 1);
		break;
	case BTFX_KIND_ARRAY:
		emit_type(e, btfx_array(t)->type, cont_id, depth + 1);
		break;
	case BTFX_KIND_FWD:
		emit_fwd_def(e, id);
		end_def(e);
		e->st.fwds++;
		s->emit = DONE;
		break;
	case BTFX_KIND_TYPEDEF:
		s->emit = BUSY;
		emit_type(e, t->type, id, depth + 1);
		/* the typedef serves as its own forward declaration */
		if (!s->fwd_done && !blacklisted(e, t)) {
			emit_typedef_def(e, id, 0, depth);
			end_def(e);
			note_def(e, id);
		}
		s->emit = DONE;
		break;
	case BTFX_KIND_STRUCT: case BTFX_KIND_UNION:
		s->emit = BUSY;
		/* a definition (top level, or an anonymous one printed inline)
		 * lists every member: declare what they need first */
		if (top || !t->name_off) {
			const struct btfx_member *m = btfx_members(t);
			uint32_t vlen = btfx_vlen(t);
			uint32_t cont = t->name_off ? id : cont_id;
			for (uint32_t i = 0; i < vlen; i++)
				emit_type(e, m[i].type, cont, depth + 1);
		} else if (!s->fwd_done && id != cont_id) {
			emit_struct_fwd(e, id);
			end_def(e);
			e->st.fwds++;
			s->fwd_done = 1;
		}
		if (top) {
			emit_struct_def(e, id, 0, depth, false);
			end_def(e);
			note_def(e, id);
			s->emit = DONE;
		} else {
			s->emit = NOT_DONE;
		}
		break;
	case BTFX_KIND_FUNC_PROTO: {
		const struct btfx_param *p = btfx_params(t);
		uint32_t vlen = btfx_vlen(t);

		emit_type(e, t->type, cont_id, depth + 1);
		for (uint32_t i = 0; i < vlen; i++)
			emit_type(e, p[i].type, cont_id, depth + 1);
		break;
	}
	default:
		break;
	}
}

/* Explicit padding from bit offset cur to next, as btf_dump does it: first
 * reach a boundary natural for the largest of long/int/short/char that fits
 * (with a `T: 0` mark only where the compiler would not get there itself),
 * then fill with full-width `T: bits` and a smallest-type remainder. */
static void emit_padding(struct em *e, int64_t cur, int64_t next, int next_align, bool in_bitfield, int lvl)
{
	static const char *const names[4] = { "long", "int", "short", "char" };
	int bits_of[4] = { e->ptr_sz * 8, 32, 16, 8 };
	int64_t new_off = 0;
	int pad_bits = 8, i;
	const char *pad_type = "char";

	if (cur >= next)
		return;
	if (next - cur > BIG_GAP_BITS) {
		/* no real layout has such a hole (page-aligned members make
		 * at most 64 KiB): a byte array, not a line per 64 bits */
		if (cur % 8) {
			putc_(e, '\n');
			pfx(e, lvl);
			PUTL(e, "char: ");
			put_s64(e, 8 - cur % 8);
			putc_(e, ';');
			cur += 8 - cur % 8;
		}
		putc_(e, '\n');
		pfx(e, lvl);
		PUTL(e, "unsigned char __btfx_pad");
		put_u64(e, ++e->pad_seq);
		putc_(e, '[');
		put_s64(e, (next - cur) / 8);
		PUTL(e, "];");
		cur += (next - cur) / 8 * 8;
		if (cur < next) {
			putc_(e, '\n');
			pfx(e, lvl);
			PUTL(e, "char: ");
			put_s64(e, next - cur);
			putc_(e, ';');
		}
		return;
	}
	for (i = 0; i < 4; i++) {
		pad_bits = bits_of[i];
		pad_type = names[i];
		new_off = (cur + pad_bits - 1) / pad_bits * pad_bits;
		if (new_off <= next)
			break;
	}
	if (new_off > cur && new_off <= next) {
		int64_t na = (int64_t)next_align * 8;
		int64_t aligned = na > 0 ? (cur + na - 1) / na * na : cur;
		if (in_bitfield || (new_off == next && aligned != new_off) ||
		    (new_off != next && next - new_off <= new_off - cur)) {
			putc_(e, '\n');
			pfx(e, lvl);
			puts_(e, pad_type);
			PUTL(e, ": ");
			put_s64(e, in_bitfield ? new_off - cur : 0);
			putc_(e, ';');
		}
		cur = new_off;
	}
	while (cur != next) {
		int64_t bits = next - cur < pad_bits ? next - cur : pad_bits;
		if (bits == pad_bits) {
			putc_(e, '\n');
			pfx(e, lvl);
			puts_(e, pad_type);
			PUTL(e, ": ");
			put_s64(e, pad_bits);
			putc_(e, ';');
			cur += bits;
			continue;
		}
		for (i = 3; i >= 0; i--) {
			if (bits_of[i] < bits)
				continue;
			pad_type = names[i];
			pad_bits = bits_of[i];
			putc_(e, '\n');
			pfx(e, lvl);
			puts_(e, pad_type);
			PUTL(e, ": ");
			put_s64(e, bits);
			putc_(e, ';');
			cur += bits;
			break;
		}
		if (i < 0)
			break; /* cannot happen: char covers < 8 bits */
	}
}

/* An unnamed non-bitfield member whose type reaches a struct/union through
 * a typedef, or is a named struct/union (-fms-extensions constructs such as
 * `union { struct ns_tree; }`): C without that flag declares nothing and
 * drops the member.  Returns the aggregate to expand inline, or 0 when the
 * member is a plain anonymous struct/union (possibly qualified). */
static uint32_t anon_member_target(struct em *e, uint32_t type)
{
	uint32_t id = type;
	bool via_typedef = false;

	for (int i = 0; i < MAX_DEPTH && id && ok_id(e, id); i++) {
		const struct btfx_type *t = T(e, id);
		unsigned k = btfx_kind(t);
		if (k == BTFX_KIND_STRUCT || k == BTFX_KIND_UNION)
			return (t->name_off || via_typedef) ? id : 0;
		if (k == BTFX_KIND_TYPEDEF)
			via_typedef = true;
		else if (!btfx_is_mod(t))
			return 0;
		id = t->type;
	}
	return 0;
}

static void emit_struct_def(struct em *e, uint32_t id, int lvl, int depth, bool as_anon)
{
	const struct btfx_type *t = T(e, id);
	const struct btfx_member *m = btfx_members(t);
	uint32_t vlen = btfx_vlen(t);
	bool is_struct = btfx_kind(t) == BTFX_KIND_STRUCT;
	bool packed, prev_bitfield = false;
	int align;
	int64_t off = 0, max_end = 0;

	if (depth > MAX_DEPTH) {
		fail(e, ELOOP, id, "types nest too deeply");
		return;
	}
	if (!spend(e, id))
		return;
	layout_of(e, id, depth);
	packed = e->ts[id].lay & LAY_PACKED;
	align = packed ? 1 : e->ts[id].align;
	if (packed)
		e->st.packed++;

	if (is_struct)
		PUTL(e, "struct");
	else
		PUTL(e, "union");
	if (t->name_off && !as_anon) {
		putc_(e, ' ');
		put_resolved(e, id);
	}
	PUTL(e, " {");
	for (uint32_t i = 0; i < vlen; i++) {
		const char *fname = S(e, m[i].name_off);
		uint32_t bsz = btfx_member_bitfield_size(t, i);
		int64_t moff = btfx_member_bit_offset(t, i);
		int malign = packed ? 1 : (ok_id(e, m[i].type) ? align_of(e, m[i].type, depth + 1) : 1);
		uint32_t inl = fname[0] || bsz ? 0 : anon_member_target(e, m[i].type);

		emit_padding(e, off, moff, malign, prev_bitfield && bsz, lvl + 1);
		putc_(e, '\n');
		pfx(e, lvl + 1);
		if (inl)
			emit_struct_def(e, inl, lvl + 1, depth + 1, true);
		else
			emit_decl(e, m[i].type, fname, lvl + 1, depth + 1);
		if (bsz) {
			PUTL(e, ": ");
			put_u64(e, bsz);
			off = moff + bsz;
			prev_bitfield = true;
		} else {
			off = moff + size_of(e, m[i].type) * 8;
			prev_bitfield = false;
		}
		if (off > max_end)
			max_end = off;
		put_decl_tags(e, id, (int32_t)i);
		putc_(e, ';');
	}
	if (is_struct) {
		emit_padding(e, off, (int64_t)t->size * 8, align, false, lvl + 1);
	} else if (!packed) {
		/* a union larger than its largest member (an aligned(N)
		 * attribute in the source): pad with unnamed bitfields, which
		 * give size but no alignment */
		int64_t nat = max_end, a8 = (int64_t)align * 8;
		nat = (nat + a8 - 1) / a8 * a8;
		if (nat < (int64_t)t->size * 8) {
			int64_t need = (int64_t)t->size * 8;
			putc_(e, '\n');
			pfx(e, lvl + 1);
			if (need <= e->ptr_sz * 8) {
				PUTL(e, "long: ");
				put_s64(e, need);
				putc_(e, ';');
			} else {
				PUTL(e, "struct {");
				emit_padding(e, 0, need, 1, false, lvl + 2);
				putc_(e, '\n');
				pfx(e, lvl + 1);
				PUTL(e, "};");
			}
		}
	}
	if (vlen || t->size) {
		putc_(e, '\n');
		pfx(e, lvl);
		putc_(e, '}');
	} else {
		putc_(e, '}');
	}
	if (packed)
		PUTL(e, " __attribute__((packed))");
	if (!as_anon)
		put_decl_tags(e, id, -1);
}

static void emit_enum_def(struct em *e, uint32_t id, int lvl)
{
	const struct btfx_type *t = T(e, id);
	uint32_t vlen = btfx_vlen(t);
	bool is_signed = btfx_kflag(t), e64 = btfx_kind(t) == BTFX_KIND_ENUM64;
	bool fits32 = true;

	PUTL(e, "enum");
	if (t->name_off) {
		putc_(e, ' ');
		put_resolved(e, id);
	}
	if (!vlen)
		return;
	PUTL(e, " {");
	for (uint32_t i = 0; i < vlen; i++) {
		uint32_t noff = e64 ? btfx_enums64(t)[i].name_off : btfx_enums(t)[i].name_off;
		const char *name = S(e, noff);
		uint32_t d = enumerator_dup(e, id, i, name);

		putc_(e, '\n');
		pfx(e, lvl + 1);
		puts_(e, name);
		if (d > 1) {
			PUTL(e, "___");
			put_u64(e, d);
			e->st.renamed++;
		}
		PUTL(e, " = ");
		if (!e64) {
			int32_t v = btfx_enums(t)[i].val;
			if (is_signed)
				put_s64(e, v);
			else
				put_u64(e, (uint32_t)v);
		} else {
			uint64_t v = btfx_enum64_value(&btfx_enums64(t)[i]);
			if (is_signed) {
				if ((int64_t)v < INT32_MIN || (int64_t)v > INT32_MAX)
					fits32 = false;
				if (v == (uint64_t)INT64_MIN)
					PUTL(e, "-9223372036854775807LL - 1");
				else {
					put_s64(e, (int64_t)v);
					PUTL(e, "LL");
				}
			} else {
				if (v >> 32)
					fits32 = false;
				put_u64(e, v);
				PUTL(e, "ULL");
			}
		}
		putc_(e, ',');
	}
	putc_(e, '\n');
	pfx(e, lvl);
	putc_(e, '}');
	/* sizes C would not pick by itself */
	if (t->size == 1) {
		PUTL(e, " __attribute__((mode(byte)))");
	} else if (t->size == 2) {
		PUTL(e, " __attribute__((mode(HI)))");
	} else if (t->size == 8 && e->ptr_sz == 8) {
		if (!e64 || fits32)
			PUTL(e, " __attribute__((mode(word)))");
	}
}

/* The declarator stack: ids pushed from the outermost (the member's type)
 * to the innermost (the base type), so that popping prints the base type
 * first, then pointers, arrays and function parameters around the name.
 * Frames are [base, base + cnt) of e->stack, addressed by index because
 * nested declarations may grow (and move) the stack. */
static void emit_mods(struct em *e, size_t base, size_t *cnt)
{
	while (*cnt) {
		const struct btfx_type *t = T(e, e->stack.a[base + *cnt - 1]);
		switch (btfx_kind(t)) {
		case BTFX_KIND_VOLATILE:
			PUTL(e, "volatile ");
			break;
		case BTFX_KIND_CONST:
			PUTL(e, "const ");
			break;
		case BTFX_KIND_RESTRICT:
			PUTL(e, "restrict ");
			break;
		default:
			return;
		}
		(*cnt)--;
	}
}

static void drop_mods(struct em *e, size_t base, size_t *cnt)
{
	while (*cnt) {
		uint32_t id = e->stack.a[base + *cnt - 1];
		if (!id || !btfx_is_mod(T(e, id)))
			return;
		(*cnt)--;
	}
}

static void emit_name(struct em *e, const char *name, bool last_was_ptr)
{
	if (name[0] && !last_was_ptr)
		putc_(e, ' ');
	puts_(e, name);
}

static void emit_chain(struct em *e, size_t base, size_t *cnt, const char *fname, int lvl, int depth)
{
	bool last_was_ptr = true;

	if (depth > MAX_DEPTH) {
		fail(e, ELOOP, 0, "declarator nests too deeply");
		return;
	}
	while (*cnt) {
		uint32_t id = e->stack.a[base + --(*cnt)];
		const struct btfx_type *t;
		unsigned kind;

		if (id == 0) {
			emit_mods(e, base, cnt);
			PUTL(e, "void");
			last_was_ptr = false;
			continue;
		}
		t = T(e, id);
		kind = btfx_kind(t);
		switch (kind) {
		case BTFX_KIND_INT: case BTFX_KIND_FLOAT:
			emit_mods(e, base, cnt);
			puts_(e, S(e, t->name_off));
			break;
		case BTFX_KIND_STRUCT: case BTFX_KIND_UNION:
			emit_mods(e, base, cnt);
			if (!t->name_off)
				emit_struct_def(e, id, lvl, depth + 1, false);
			else
				emit_struct_fwd(e, id);
			break;
		case BTFX_KIND_ENUM: case BTFX_KIND_ENUM64:
			emit_mods(e, base, cnt);
			if (!t->name_off) {
				emit_enum_def(e, id, lvl);
			} else {
				PUTL(e, "enum ");
				put_resolved(e, id);
			}
			break;
		case BTFX_KIND_FWD:
			emit_mods(e, base, cnt);
			emit_fwd_def(e, id);
			break;
		case BTFX_KIND_TYPEDEF:
			emit_mods(e, base, cnt);
			put_resolved(e, id);
			break;
		case BTFX_KIND_PTR:
			if (last_was_ptr)
				putc_(e, '*');
			else
				PUTL(e, " *");
			break;
		case BTFX_KIND_VOLATILE:
			PUTL(e, " volatile");
			break;
		case BTFX_KIND_CONST:
			PUTL(e, " const");
			break;
		case BTFX_KIND_RESTRICT:
			PUTL(e, " restrict");
			break;
		case BTFX_KIND_TYPE_TAG:
			emit_mods(e, base, cnt);
			if (btfx_kflag(t)) {
				PUTL(e, " __attribute__((");
				puts_(e, S(e, t->name_off));
				PUTL(e, "))");
			} else {
				PUTL(e, " __attribute__((btf_type_tag(\"");
				puts_(e, S(e, t->name_off));
				PUTL(e, "\")))");
			}
			break;
		case BTFX_KIND_ARRAY: {
			const struct btfx_array *a = btfx_array(t);
			bool multidim;

			/* qualifiers of an array (a GCC artefact) mean nothing in C */
			drop_mods(e, base, cnt);
			if (!*cnt) {
				emit_name(e, fname, last_was_ptr);
				putc_(e, '[');
				put_u64(e, a->nelems);
				putc_(e, ']');
				return;
			}
			uint32_t next = e->stack.a[base + *cnt - 1];
			multidim = next && btfx_kind(T(e, next)) == BTFX_KIND_ARRAY;
			if (fname[0] && !last_was_ptr)
				putc_(e, ' ');
			if (!multidim)
				putc_(e, '(');
			emit_chain(e, base, cnt, fname, lvl, depth + 1);
			if (!multidim)
				putc_(e, ')');
			putc_(e, '[');
			put_u64(e, a->nelems);
			putc_(e, ']');
			return;
		}
		case BTFX_KIND_FUNC_PROTO: {
			const struct btfx_param *p = btfx_params(t);
			uint32_t vlen = btfx_vlen(t);

			drop_mods(e, base, cnt);
			if (*cnt) {
				PUTL(e, " (");
				emit_chain(e, base, cnt, fname, lvl, depth + 1);
				putc_(e, ')');
			} else {
				emit_name(e, fname, last_was_ptr);
			}
			putc_(e, '(');
			if (vlen == 0 || (vlen == 1 && p[0].type == 0)) {
				PUTL(e, "void)");
				return;
			}
			for (uint32_t i = 0; i < vlen; i++) {
				if (i > 0)
					PUTL(e, ", ");
				if (i == vlen - 1 && p[i].type == 0) {
					PUTL(e, "...");
					break;
				}
				emit_decl(e, p[i].type, S(e, p[i].name_off), lvl, depth + 1);
			}
			putc_(e, ')');
			return;
		}
		default:
			fail(e, EINVAL, id, "unexpected kind in a declaration");
			return;
		}
		last_was_ptr = kind == BTFX_KIND_PTR;
	}
	emit_name(e, fname, last_was_ptr);
}

/* The common declarations, `T name` and `T *name` with T an int, float,
 * typedef or named struct/union/enum/fwd, print exactly as emit_chain()
 * would print them, without the declarator stack. */
static bool emit_decl_simple(struct em *e, uint32_t id, const char *fname)
{
	const struct btfx_type *t;
	bool ptr = false;
	unsigned k;

	if (!id || !ok_id(e, id))
		return false;
	t = T(e, id);
	if (btfx_kind(t) == BTFX_KIND_PTR) {
		id = t->type;
		if (!id || !ok_id(e, id))
			return false;
		t = T(e, id);
		ptr = true;
	}
	k = btfx_kind(t);
	switch (k) {
	case BTFX_KIND_INT: case BTFX_KIND_FLOAT:
		puts_(e, S(e, t->name_off));
		break;
	case BTFX_KIND_TYPEDEF:
		put_resolved(e, id);
		break;
	case BTFX_KIND_STRUCT: case BTFX_KIND_UNION: case BTFX_KIND_ENUM: case BTFX_KIND_ENUM64:
		if (!t->name_off)
			return false;
		if (k == BTFX_KIND_STRUCT)
			PUTL(e, "struct ");
		else if (k == BTFX_KIND_UNION)
			PUTL(e, "union ");
		else
			PUTL(e, "enum ");
		put_resolved(e, id);
		break;
	case BTFX_KIND_FWD:
		emit_fwd_def(e, id);
		break;
	default:
		return false;
	}
	if (ptr) {
		PUTL(e, " *");
		puts_(e, fname);
	} else if (fname[0]) {
		putc_(e, ' ');
		puts_(e, fname);
	}
	return true;
}

static void emit_decl(struct em *e, uint32_t id, const char *fname, int lvl, int depth)
{
	size_t base = e->stack.n, cnt;

	if (e->err || !spend(e, id))
		return;
	if (emit_decl_simple(e, id, fname))
		return;
	for (int i = 0;; i++) {
		const struct btfx_type *t;

		if (!ok_id(e, id) || i > MAX_DEPTH) {
			fail(e, ok_id(e, id) ? ELOOP : EINVAL, id, "bad declarator chain");
			e->stack.n = base;
			return;
		}
		if (vec_push(&e->stack, id)) {
			fail(e, ENOMEM, 0, "out of memory");
			e->stack.n = base;
			return;
		}
		if (id == 0)
			break;
		t = T(e, id);
		switch (btfx_kind(t)) {
		case BTFX_KIND_PTR: case BTFX_KIND_VOLATILE: case BTFX_KIND_CONST: case BTFX_KIND_RESTRICT:
		case BTFX_KIND_FUNC_PROTO: case BTFX_KIND_TYPE_TAG:
			id = t->type;
			continue;
		case BTFX_KIND_ARRAY:
			id = btfx_array(t)->type;
			continue;
		case BTFX_KIND_INT: case BTFX_KIND_ENUM: case BTFX_KIND_ENUM64: case BTFX_KIND_FWD:
		case BTFX_KIND_STRUCT: case BTFX_KIND_UNION: case BTFX_KIND_TYPEDEF: case BTFX_KIND_FLOAT:
			break;
		default:
			fail(e, EINVAL, id, "unexpected kind in a declaration");
			e->stack.n = base;
			return;
		}
		break;
	}
	cnt = e->stack.n - base;
	emit_chain(e, base, &cnt, fname, lvl, depth);
	e->stack.n = base;
}

/* ------------------------------------------------------------------ */
/* Sorted order                                                        */
/* ------------------------------------------------------------------ */

static int rank_of(struct em *e, uint32_t id)
{
	bool has_name = false;

	for (int i = 0; i < MAX_DEPTH; i++) {
		const struct btfx_type *t;

		if (!id || !ok_id(e, id))
			return 10;
		t = T(e, id);
		if (t->name_off)
			has_name = true;
		switch (btfx_kind(t)) {
		case BTFX_KIND_ENUM: case BTFX_KIND_ENUM64:
			return has_name ? 1 : 0;
		case BTFX_KIND_INT: case BTFX_KIND_FLOAT:
			return 2;
		case BTFX_KIND_STRUCT: case BTFX_KIND_UNION:
			return has_name ? 3 : 10;
		case BTFX_KIND_FUNC_PROTO:
			return has_name ? 4 : 10;
		case BTFX_KIND_ARRAY:
			if (!has_name)
				return 10;
			id = btfx_array(t)->type;
			break;
		case BTFX_KIND_TYPE_TAG: case BTFX_KIND_CONST: case BTFX_KIND_PTR: case BTFX_KIND_VOLATILE:
		case BTFX_KIND_RESTRICT: case BTFX_KIND_TYPEDEF: case BTFX_KIND_DECL_TAG:
			if (!has_name)
				return 10;
			id = t->type;
			break;
		default:
			return 10;
		}
	}
	return 10;
}

static const char *sort_name_of(struct em *e, uint32_t id)
{
	bool from_ref = false;

	for (int i = 0; i < MAX_DEPTH; i++) {
		const struct btfx_type *t;

		if (!id || !ok_id(e, id))
			return "";
		t = T(e, id);
		switch (btfx_kind(t)) {
		case BTFX_KIND_ENUM: case BTFX_KIND_ENUM64: {
			uint32_t off = t->name_off;
			if (!from_ref && !off && btfx_vlen(t))
				off = btfx_kind(t) == BTFX_KIND_ENUM64 ? btfx_enums64(t)[0].name_off
								       : btfx_enums(t)[0].name_off;
			return S(e, off);
		}
		case BTFX_KIND_ARRAY:
			id = btfx_array(t)->type;
			from_ref = true;
			break;
		case BTFX_KIND_TYPE_TAG: case BTFX_KIND_CONST: case BTFX_KIND_PTR: case BTFX_KIND_VOLATILE:
		case BTFX_KIND_RESTRICT: case BTFX_KIND_TYPEDEF: case BTFX_KIND_DECL_TAG:
			id = t->type;
			from_ref = true;
			break;
		default:
			return S(e, t->name_off);
		}
	}
	return "";
}

static uint64_t h31(uint64_t h, uint64_t v)
{
	return h * 31 + v;
}

static uint64_t name_h(struct em *e, uint64_t h, uint32_t off)
{
	uint64_t sh = 0;

	if (!off)
		return h;
	for (const char *s = S(e, off); *s; s++)
		sh = sh * 31 + (uint64_t)(int64_t)(signed char)*s;
	return h31(h, sh);
}

/* Structural hash that separates same-named types: names of the type, its
 * enumerators or members, and of what members and references resolve to. */
static uint64_t disambig_hash(struct em *e, uint32_t id, bool members, int depth)
{
	const struct btfx_type *t;
	uint64_t h = 0;

	if (!ok_id(e, id) || !id || depth > MAX_DEPTH)
		return 0;
	t = T(e, id);
	h = name_h(e, h, t->name_off);
	switch (btfx_kind(t)) {
	case BTFX_KIND_ENUM:
		for (uint32_t i = 0; i < btfx_vlen(t); i++)
			h = name_h(e, h, btfx_enums(t)[i].name_off);
		break;
	case BTFX_KIND_ENUM64:
		for (uint32_t i = 0; i < btfx_vlen(t); i++)
			h = name_h(e, h, btfx_enums64(t)[i].name_off);
		break;
	case BTFX_KIND_STRUCT: case BTFX_KIND_UNION:
		if (!members)
			break;
		for (uint32_t i = 0; i < btfx_vlen(t); i++) {
			const struct btfx_member *m = &btfx_members(t)[i];
			h = name_h(e, h, m->name_off);
			h = h31(h, disambig_hash(e, m->type, false, depth + 1));
		}
		break;
	case BTFX_KIND_TYPE_TAG: case BTFX_KIND_CONST: case BTFX_KIND_PTR: case BTFX_KIND_VOLATILE:
	case BTFX_KIND_RESTRICT: case BTFX_KIND_TYPEDEF: case BTFX_KIND_DECL_TAG:
		h = h31(h, disambig_hash(e, t->type, members, depth + 1));
		break;
	case BTFX_KIND_ARRAY:
		h = h31(h, btfx_array(t)->nelems);
		h = h31(h, disambig_hash(e, btfx_array(t)->type, members, depth + 1));
		break;
	default:
		break;
	}
	return h;
}

static int tie_cmp(const void *a, const void *b)
{
	const struct tie *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int root_cmp_nohash(const void *a, const void *b)
{
	const struct root *x = a, *y = b;
	int r;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	r = strcmp(x->sort_name, y->sort_name);
	if (r)
		return r;
	r = strcmp(x->own_name, y->own_name);
	if (r)
		return r;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Bottom-up merge sort of roots by root_cmp_nohash, the compare inlined:
 * for ~20k roots qsort's indirect calls and element copies dominated.
 * Merges ping-pong between r and tmp; returns the buffer with the result. */
static struct root *sort_roots(struct root *r, struct root *tmp, size_t n)
{
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi) {
				const struct root *x = &r[i], *y = &r[j];
				bool take_y = y->key < x->key || (y->key == x->key && root_cmp_nohash(y, x) < 0);
				tmp[k++] = take_y ? r[j++] : r[i++];
			}
			while (i < mid)
				tmp[k++] = r[i++];
			while (j < hi)
				tmp[k++] = r[j++];
		}
		struct root *sw = r;
		r = tmp;
		tmp = sw;
	}
	return r;
}

/* Sort ids by (rank, sort name, own name, structural hash, id).  The hash
 * only decides between same-named types, so it is computed for those only:
 * sort without it, then re-sort each run of equal names by (hash, id). */
static int sort_ids(struct em *e, uint32_t *ids, size_t n)
{
	struct root *r;

	if (n < 2)
		return 0;
	struct root *buf = malloc(2 * n * sizeof(*r));
	if (!buf)
		return fail(e, ENOMEM, 0, "out of memory");
	r = buf;
	for (size_t i = 0; i < n; i++) {
		uint32_t id = ids[i];
		r[i].id = id;
		r[i].rank = rank_of(e, id);
		r[i].sort_name = sort_name_of(e, id);
		r[i].own_name = S(e, T(e, id)->name_off);
		/* strcmp order of the first bytes, as an integer: most
		 * comparisons end here without touching the strings */
		uint64_t k = (uint64_t)(r[i].rank & 0xff) << 56;
		const unsigned char *sn = (const unsigned char *)r[i].sort_name;
		for (int b = 0; b < 7 && sn[b]; b++)
			k |= (uint64_t)sn[b] << (48 - 8 * b);
		r[i].key = k;
	}
	r = sort_roots(buf, buf + n, n);
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && r[j].rank == r[i].rank && !strcmp(r[j].sort_name, r[i].sort_name) &&
		       !strcmp(r[j].own_name, r[i].own_name))
			j++;
		if (j - i > 1) {
			struct tie *tv = malloc((j - i) * sizeof(*tv));
			if (!tv) {
				free(buf);
				return fail(e, ENOMEM, 0, "out of memory");
			}
			for (size_t k = i; k < j; k++)
				tv[k - i] = (struct tie){ disambig_hash(e, r[k].id, true, 0), r[k].id };
			qsort(tv, j - i, sizeof(*tv), tie_cmp);
			for (size_t k = i; k < j; k++)
				r[k].id = tv[k - i].id;
			free(tv);
		}
		i = j;
	}
	for (size_t i = 0; i < n; i++)
		ids[i] = r[i].id;
	free(buf);
	return 0;
}

/* Names for the whole BTF, in root order, before anything is emitted:
 * roots first (their tag or typedef name, and the enumerators of enums that
 * are roots), then the enumerators of anonymous enums printed inline, in
 * the same sorted order. */
static void precompute_names(struct em *e, const uint32_t *roots, size_t n, uint32_t *inl, size_t ninl)
{
	if (map_init(&e->tags, e->nr_tags) || map_init(&e->idents, e->nr_idents)) {
		fail(e, ENOMEM, 0, "out of memory");
		return;
	}
	for (size_t i = 0; i < n && !e->err; i++) {
		uint32_t id = roots[i];
		const struct btfx_type *t = T(e, id);
		unsigned k = btfx_kind(t);

		if (t->name_off && k != BTFX_KIND_INT)
			resolve_name(e, id);
		if ((k == BTFX_KIND_ENUM || k == BTFX_KIND_ENUM64) && btfx_vlen(t))
			count_enumerators(e, id);
	}
	if (!e->err && !sort_ids(e, inl, ninl))
		for (size_t i = 0; i < ninl && !e->err; i++)
			count_enumerators(e, inl[i]);
	if (e->nevd > 1)
		qsort(e->evd, e->nevd, sizeof(*e->evd), evd_cmp);
}

static int kfunc_cmp(const void *a, const void *b, void *ctx)
{
	struct em *e = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	int r = strcmp(S(e, T(e, x)->name_off), S(e, T(e, y)->name_off));

	if (r)
		return r;
	return x < y ? -1 : x > y;
}

/* kfuncs by name (then id), as bpftool sorts them */
static void sort_kfuncs(struct em *e, uint32_t *ids, size_t n)
{
	if (n > 1)
		qsort_r(ids, n, sizeof(*ids), kfunc_cmp, e);
}

/* ------------------------------------------------------------------ */
/* Layout assertions                                                   */
/* ------------------------------------------------------------------ */

struct pathbuf {
	char s[1024];
	size_t n;
};

/* Print the type expression that names definition id: "struct foo___2",
 * "enum bar", or the typedef name for a typedef of an anonymous type. */
static void put_type_expr(struct em *e, uint32_t id)
{
	const struct btfx_type *t = T(e, id);

	switch (btfx_kind(t)) {
	case BTFX_KIND_STRUCT:
		PUTL(e, "struct ");
		break;
	case BTFX_KIND_UNION:
		PUTL(e, "union ");
		break;
	case BTFX_KIND_ENUM: case BTFX_KIND_ENUM64:
		PUTL(e, "enum ");
		break;
	default:
		break;
	}
	put_resolved(e, id);
}

static void assert_line(struct em *e, uint32_t def, const char *path, uint64_t val)
{
	PUTL(e, "_Static_assert(");
	if (path) {
		PUTL(e, "__builtin_offsetof(");
		put_type_expr(e, def);
		PUTL(e, ", ");
		puts_(e, path);
		PUTL(e, ") == ");
	} else {
		PUTL(e, "sizeof(");
		put_type_expr(e, def);
		PUTL(e, ") == ");
	}
	put_u64(e, val);
	PUTL(e, ", \"");
	put_type_expr(e, def);
	if (path) {
		putc_(e, '.');
		puts_(e, path);
	}
	PUTL(e, "\");\n");
	e->st.asserts++;
}

static uint32_t skip_mods_td(struct em *e, uint32_t id, bool td)
{
	for (int i = 0; i < MAX_DEPTH && id && ok_id(e, id); i++) {
		const struct btfx_type *t = T(e, id);
		if (!btfx_is_mod(t) && !(td && btfx_kind(t) == BTFX_KIND_TYPEDEF))
			return id;
		id = t->type;
	}
	return id;
}

static void assert_members(struct em *e, uint32_t def, uint32_t id, struct pathbuf *pb, uint64_t base_bits,
			   int depth)
{
	const struct btfx_type *t = T(e, id);
	const struct btfx_member *m = btfx_members(t);

	if (depth > 32 || !spend(e, id))
		return;
	for (uint32_t i = 0; i < btfx_vlen(t); i++) {
		const char *name = S(e, m[i].name_off);
		uint64_t off = base_bits + btfx_member_bit_offset(t, i);
		uint32_t mt;

		if (!ok_id(e, m[i].type))
			continue;
		if (!name[0]) {
			/* fields of anonymous members are members of the parent */
			mt = anon_member_target(e, m[i].type);
			if (!mt)
				mt = skip_mods_td(e, m[i].type, false);
			if (mt && btfx_is_composite(T(e, mt)) && !btfx_member_bitfield_size(t, i))
				assert_members(e, def, mt, pb, off, depth + 1);
			continue;
		}
		if (btfx_member_bitfield_size(t, i) || off % 8)
			continue;
		size_t len = strlen(name), save = pb->n;
		if (pb->n + len + 2 >= sizeof(pb->s))
			continue;
		memcpy(pb->s + pb->n, name, len);
		pb->n += len;
		pb->s[pb->n] = 0;
		assert_line(e, def, pb->s, off / 8);
		/* named member of an anonymous aggregate type: its fields too */
		mt = skip_mods_td(e, m[i].type, false);
		if (mt && btfx_is_composite(T(e, mt)) && !T(e, mt)->name_off) {
			pb->s[pb->n++] = '.';
			pb->s[pb->n] = 0;
			assert_members(e, def, mt, pb, off, depth + 1);
		}
		pb->n = save;
		pb->s[pb->n] = 0;
	}
}

static void emit_asserts(struct em *e)
{
	struct pathbuf pb;

	PUTL(e, "/* Layout assertions: sizeof and offsetof as in the BTF */\n");
	for (size_t i = 0; i < e->defs.n && !e->err; i++) {
		uint32_t id = e->defs.a[i], tid;
		const struct btfx_type *t = T(e, id);
		unsigned k = btfx_kind(t);

		if (e->ts[id].asserted)
			continue;
		e->ts[id].asserted = 1;
		tid = id;
		if (k == BTFX_KIND_TYPEDEF) {
			/* typedef of an anonymous aggregate/enum: only the
			 * typedef name reaches it */
			tid = skip_mods_td(e, t->type, false);
			if (!tid || !ok_id(e, tid))
				continue;
			const struct btfx_type *tt = T(e, tid);
			if (tt->name_off || !(btfx_is_composite(tt) || btfx_is_any_enum(tt)))
				continue;
			if (btfx_is_any_enum(tt) && !btfx_vlen(tt))
				continue;
		} else if (btfx_is_any_enum(t)) {
			if (!t->name_off || !btfx_vlen(t))
				continue;
		} else if (!btfx_is_composite(t)) {
			continue;
		}
		assert_line(e, id, NULL, T(e, tid)->size);
		if (btfx_is_composite(T(e, tid))) {
			pb.n = 0;
			pb.s[0] = 0;
			assert_members(e, id, tid, &pb, 0, 0);
		}
	}
	putc_(e, '\n');
}

/* ------------------------------------------------------------------ */
/* Driver                                                              */
/* ------------------------------------------------------------------ */

static void emit_root(struct em *e, uint32_t id)
{
	e->queue.n = 0;
	if (order_type(e, id, false, 0) < 0)
		return;
	for (size_t i = 0; i < e->queue.n && !e->err; i++)
		emit_type(e, e->queue.a[i], 0, 0);
}

static void emit_kfuncs(struct em *e, const uint32_t *ids, size_t n)
{
	PUTL(e, "\n/* BPF kfuncs */\n#ifndef BPF_NO_KFUNC_PROTOTYPES\n");
	for (size_t i = 0; i < n && !e->err; i++) {
		uint32_t id = ids[i];
		const struct btfx_type *f = T(e, id);
		const char *name = S(e, f->name_off);

		/* one prototype per name; never one that a typedef or an
		 * enumerator of this header already declares */
		if (i > 0 && !strcmp(name, S(e, T(e, ids[i - 1])->name_off)))
			continue;
		if (map_has(&e->idents, name))
			continue;
		PUTL(e, "extern ");
		if (e->ts[id].fastcall)
			PUTL(e, "__bpf_fastcall ");
		emit_decl(e, f->type, name, 0, 0);
		put_decl_tags(e, id, -1);
		PUTL(e, " __weak __ksym;\n");
		e->st.kfuncs++;
	}
	PUTL(e, "#endif\n\n");
}

/* In a subset, the prototype's types must be declared before it: complete
 * where used by value (ordering queues them), forward-declared otherwise. */
static void declare_kfunc_types(struct em *e, uint32_t id)
{
	uint32_t proto = T(e, id)->type;

	if (!ok_id(e, proto) || !proto)
		return;
	emit_root(e, proto);
	emit_type(e, proto, SENTINEL_CONT, 0);
}

static const char PROLOGUE_A[] = "#ifndef ";
static const char PROLOGUE_B[] =
	"\n\n#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n"
	"#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\n"
	"#endif\n\n"
	"#ifndef __ksym\n"
	"#define __ksym __attribute__((section(\".ksyms\")))\n"
	"#endif\n\n"
	"#ifndef __weak\n"
	"#define __weak __attribute__((weak))\n"
	"#endif\n\n"
	"#ifndef __bpf_fastcall\n"
	"#if __has_attribute(bpf_fastcall)\n"
	"#define __bpf_fastcall __attribute__((bpf_fastcall))\n"
	"#else\n"
	"#define __bpf_fastcall\n"
	"#endif\n"
	"#endif\n\n";
static const char EPILOGUE[] =
	"#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n"
	"#pragma clang attribute pop\n"
	"#endif\n\n"
	"#endif /* ";

static bool guard_ok(const char *g)
{
	if (!g || !*g || !((*g >= 'A' && *g <= 'Z') || (*g >= 'a' && *g <= 'z') || *g == '_'))
		return false;
	for (; *g; g++)
		if (!((*g >= 'A' && *g <= 'Z') || (*g >= 'a' && *g <= 'z') || (*g >= '0' && *g <= '9') || *g == '_'))
			return false;
	return true;
}

#define OPT(opts, field, def) \
	((opts) && (opts)->sz >= offsetof(struct btfx_emit_opts, field) + sizeof((opts)->field) ? (opts)->field : (def))

static int run(struct em *e, const struct btfx_emit_opts *opts)
{
	const uint32_t *uroots = OPT(opts, roots, NULL);
	size_t nroots = OPT(opts, nr_roots, 0);
	const char *guard = OPT(opts, guard, NULL);
	struct idvec roots = { 0 }, kroots = { 0 };
	bool subset = uroots != NULL;
	int err = 0;

	if (!guard)
		guard = "__VMLINUX_H__";
	if (!guard_ok(guard))
		return fail(e, EINVAL, 0, "include guard is not a C identifier");
	if (opts && opts->sz > sizeof(*opts)) {
		for (size_t i = sizeof(*opts); i < opts->sz; i++)
			if (((const char *)opts)[i])
				return fail(e, EINVAL, 0, "unknown non-zero fields in btfx_emit_opts");
	}
	e->n = btfx_type_cnt(e->btf);
	e->ts = calloc(e->n, sizeof(*e->ts));
	e->dup = calloc(e->n, sizeof(*e->dup));
	e->refbits = calloc(e->n / 64 + 1, sizeof(uint64_t));
	if (!e->ts || !e->dup || !e->refbits)
		return fail(e, ENOMEM, 0, "out of memory");
	e->ts[0].order = DONE;
	e->ts[0].emit = DONE;
	e->work_max = 16ull * e->n + (1u << 20);
	err = scan(e);
	if (err)
		return err;

	/* roots */
	if (subset) {
		for (size_t i = 0; i < nroots; i++) {
			uint32_t id = uroots[i];
			if (!id || id >= e->n) {
				char msg[64];
				snprintf(msg, sizeof(msg), "root type id %u out of range", id);
				err = fail(e, EINVAL, 0, msg);
				goto out;
			}
			if (e->ts[id].kfunc) {
				if (!e->ts[id].is_root && vec_push(&kroots, id))
					goto nomem;
			} else if (!e->ts[id].is_root && vec_push(&roots, id)) {
				goto nomem;
			}
			e->ts[id].is_root = 1;
		}
	}
	if (e->flags & BTFX_EMIT_ID_ORDER) {
		e->lazy_names = true;
		if (!subset)
			for (uint32_t id = 1; id < e->n; id++)
				if (vec_push(&roots, id))
					goto nomem;
		/* subset roots in id order */
		if (subset && roots.n > 1) {
			/* insertion of sorted ids: roots are few */
			for (size_t i = 1; i < roots.n; i++)
				for (size_t j = i; j > 0 && roots.a[j] < roots.a[j - 1]; j--) {
					uint32_t x = roots.a[j];
					roots.a[j] = roots.a[j - 1];
					roots.a[j - 1] = x;
				}
		}
	} else {
		struct idvec *all = &e->all_roots;
		size_t k = 0;

		/* anonymous enums: unreferenced ones are top-level roots,
		 * the others print inline where they are used */
		for (size_t i = 0; i < e->anon_enums.n; i++) {
			uint32_t id = e->anon_enums.a[i];
			if (!is_ref(e, id)) {
				if (vec_push(all, id))
					goto nomem;
			} else if (btfx_vlen(T(e, id))) {
				e->anon_enums.a[k++] = id;
			}
		}
		err = sort_ids(e, all->a, all->n);
		if (!err)
			sort_kfuncs(e, e->kfuncs.a, e->kfuncs.n);
		if (!err)
			precompute_names(e, all->a, all->n, e->anon_enums.a, k);
		err = err ? err : e->err;
		if (err)
			goto out;
		if (subset) {
			err = sort_ids(e, roots.a, roots.n);
			if (err)
				goto out;
		} else {
			roots = *all;
			*all = (struct idvec){ 0 };
		}
	}
	if (e->flags & BTFX_EMIT_ID_ORDER)
		sort_kfuncs(e, e->kfuncs.a, e->kfuncs.n);
	if (subset && kroots.n)
		sort_kfuncs(e, kroots.a, kroots.n);

	if (!(e->flags & BTFX_EMIT_BODY_ONLY)) {
		put(e, PROLOGUE_A, sizeof(PROLOGUE_A) - 1);
		puts_(e, guard);
		PUTL(e, "\n#define ");
		puts_(e, guard);
		put(e, PROLOGUE_B, sizeof(PROLOGUE_B) - 1);
	}
	for (size_t i = 0; i < roots.n && !e->err; i++)
		emit_root(e, roots.a[i]);
	if (subset)
		for (size_t i = 0; i < kroots.n && !e->err; i++)
			declare_kfunc_types(e, kroots.a[i]);
	if (!e->err && (e->flags & BTFX_EMIT_ASSERT_LAYOUT))
		emit_asserts(e);
	if (!e->err && !(e->flags & BTFX_EMIT_NO_KFUNCS)) {
		if (!subset)
			emit_kfuncs(e, e->kfuncs.a, e->kfuncs.n);
		else if (kroots.n)
			emit_kfuncs(e, kroots.a, kroots.n);
	}
	if (!(e->flags & BTFX_EMIT_BODY_ONLY)) {
		put(e, EPILOGUE, sizeof(EPILOGUE) - 1);
		puts_(e, guard);
		PUTL(e, " */\n");
	}
	err = e->err;
	goto out;
nomem:
	err = fail(e, ENOMEM, 0, "out of memory");
out:
	free(roots.a);
	free(kroots.a);
	return err;
}

static void em_free(struct em *e)
{
	free(e->ts);
	free(e->refbits);
	free(e->dup);
	free(e->tags.slots);
	free(e->idents.slots);
	free(e->tags.ents);
	free(e->idents.ents);
	free(e->evd);
	free(e->dtags);
	free(e->queue.a);
	free(e->stack.a);
	free(e->kfuncs.a);
	free(e->defs.a);
	free(e->all_roots.a);
	free(e->anon_enums.a);
}

/* output limit: 64 bytes per input byte (kernels need ~2), plus 1 MiB */
static void set_bytes_max(struct em *e)
{
	uint64_t in = 0;

	for (const struct btfx *b = e->btf; b; b = btfx_base(b)) {
		size_t sz = 0;
		btfx_raw_data(b, &sz);
		in += sz;
	}
	e->bytes_max = 64 * in + (1u << 20);
}

static void fill_stats(struct em *e, const struct btfx_emit_opts *opts)
{
	struct btfx_emit_stats *st = OPT(opts, stats, NULL);

	if (!st || st->sz < sizeof(size_t))
		return;
	e->st.sz = st->sz;
	memcpy((char *)st + sizeof(size_t), (char *)&e->st + sizeof(size_t),
	       (st->sz < sizeof(e->st) ? st->sz : sizeof(e->st)) - sizeof(size_t));
}

BTFX_API int btfx_emit_c(const struct btfx *btf, const struct btfx_emit_opts *opts, btfx_emit_write_fn write,
			 void *ctx, struct btfx_error *err)
{
	struct em e = { 0 };
	int r;

	if (err)
		memset(err, 0, sizeof(*err));
	if (!btf || !write || (opts && opts->sz < sizeof(size_t)))
		return btfx_set_err(err, BTFX_E_USAGE, EINVAL, 0, -1, "btfx_emit_c: bad arguments");
	e.btf = btf;
	e.flags = OPT(opts, flags, 0);
	e.write = write;
	e.ctx = ctx;
	e.errp = err;
	set_bytes_max(&e);
	r = run(&e, opts);
	if (!r)
		flush(&e);
	r = e.err ? e.err : r;
	fill_stats(&e, opts);
	free(e.buf);
	em_free(&e);
	return r;
}

BTFX_API int btfx_emit_c_buf(const struct btfx *btf, const struct btfx_emit_opts *opts, char **out, size_t *len,
			     struct btfx_error *err)
{
	struct em e = { 0 };
	int r;

	if (err)
		memset(err, 0, sizeof(*err));
	if (out)
		*out = NULL;
	if (!btf || !out || (opts && opts->sz < sizeof(size_t)))
		return btfx_set_err(err, BTFX_E_USAGE, EINVAL, 0, -1, "btfx_emit_c_buf: bad arguments");
	e.btf = btf;
	e.flags = OPT(opts, flags, 0);
	e.errp = err;
	set_bytes_max(&e);
	/* one allocation for a full header: about the size of the type
	 * sections (pages are only touched as they are written) */
	{
		size_t hint = 0;
		for (const struct btfx *b = btf; b; b = btfx_base(b)) {
			struct btfx_header_info h;
			btfx_header(b, &h);
			hint += h.type_len;
		}
		if (hint && !reserve(&e, hint + (hint >> 3))) {
			em_free(&e);
			return e.err;
		}
	}
	r = run(&e, opts);
	if (!r && !reserve(&e, 1))
		r = e.err;
	r = e.err ? e.err : r;
	e.st.bytes = e.len;
	fill_stats(&e, opts);
	if (r) {
		free(e.buf);
	} else {
		e.buf[e.len] = 0;
		*out = e.buf;
		if (len)
			*len = e.len;
	}
	em_free(&e);
	return r;
}

BTFX_API void btfx_emit_buf_free(char *buf)
{
	free(buf);
}

/* ------------------------------------------------------------------ */
/* Minimal-header roots from a program's BTF                            */
/* ------------------------------------------------------------------ */

static bool name_in_members(const struct btfx *btf, const struct btfx_type *t, const char *name)
{
	for (uint32_t i = 0; i < btfx_vlen(t); i++) {
		const char *s = btfx_str(btf, btfx_members(t)[i].name_off);
		if (s && !strcmp(s, name))
			return true;
	}
	return false;
}

static bool name_in_enum(const struct btfx *btf, const struct btfx_type *t, const char *name)
{
	bool e64 = btfx_kind(t) == BTFX_KIND_ENUM64;

	for (uint32_t i = 0; i < btfx_vlen(t); i++) {
		const char *s = btfx_str(btf, e64 ? btfx_enums64(t)[i].name_off : btfx_enums(t)[i].name_off);
		if (s && !strcmp(s, name))
			return true;
	}
	return false;
}

/* Named members (and enumerators) of l all exist in r. */
static bool looks_like(const struct btfx *lb, const struct btfx_type *l, const struct btfx *rb,
		       const struct btfx_type *r)
{
	unsigned lk = btfx_kind(l);

	if (btfx_is_composite(l)) {
		for (uint32_t i = 0; i < btfx_vlen(l); i++) {
			const char *s = btfx_str(lb, btfx_members(l)[i].name_off);
			if (s && *s && !name_in_members(rb, r, s))
				return false;
		}
		return true;
	}
	if (lk == BTFX_KIND_ENUM || lk == BTFX_KIND_ENUM64) {
		bool e64 = lk == BTFX_KIND_ENUM64;
		for (uint32_t i = 0; i < btfx_vlen(l); i++) {
			const char *s = btfx_str(lb, e64 ? btfx_enums64(l)[i].name_off : btfx_enums(l)[i].name_off);
			if (s && *s && !name_in_enum(rb, r, s))
				return false;
		}
		return true;
	}
	return true;
}

static bool typedefs_alike(const struct btfx *lb, uint32_t lid, const struct btfx *rb, uint32_t rid)
{
	const struct btfx_type *l, *r;

	lid = btfx_skip_mods(lb, lid, true);
	rid = btfx_skip_mods(rb, rid, true);
	if (!lid || !rid)
		return lid == rid;
	l = btfx_type_by_id(lb, lid);
	r = btfx_type_by_id(rb, rid);
	if (!l || !r)
		return false;
	if (btfx_is_any_enum(l) && btfx_is_any_enum(r))
		return l->size == r->size;
	/* a program that only points to it has a fwd of the aggregate */
	if ((btfx_kind(l) == BTFX_KIND_FWD && btfx_is_composite(r)) ||
	    (btfx_kind(r) == BTFX_KIND_FWD && btfx_is_composite(l)) ||
	    (btfx_kind(l) == BTFX_KIND_FWD && btfx_kind(r) == BTFX_KIND_FWD)) {
		const char *a = btfx_str(lb, l->name_off), *b = btfx_str(rb, r->name_off);
		return a && b && !strcmp(a, b);
	}
	if (btfx_kind(l) != btfx_kind(r))
		return false;
	switch (btfx_kind(l)) {
	case BTFX_KIND_INT: case BTFX_KIND_FLOAT:
		return l->size == r->size;
	case BTFX_KIND_STRUCT: case BTFX_KIND_UNION: {
		const char *a = btfx_str(lb, l->name_off), *b = btfx_str(rb, r->name_off);
		return a && b && !strcmp(a, b);
	}
	default:
		return true;
	}
}

static bool kinds_match(unsigned lk, const struct btfx_type *lt, const struct btfx_type *rt)
{
	unsigned rk = btfx_kind(rt);

	switch (lk) {
	case BTFX_KIND_STRUCT:
		return rk == BTFX_KIND_STRUCT || (rk == BTFX_KIND_FWD && !btfx_kflag(rt));
	case BTFX_KIND_UNION:
		return rk == BTFX_KIND_UNION || (rk == BTFX_KIND_FWD && btfx_kflag(rt));
	case BTFX_KIND_FWD:
		return btfx_kflag(lt) ? (rk == BTFX_KIND_UNION || (rk == BTFX_KIND_FWD && btfx_kflag(rt)))
				      : (rk == BTFX_KIND_STRUCT || (rk == BTFX_KIND_FWD && !btfx_kflag(rt)));
	case BTFX_KIND_ENUM: case BTFX_KIND_ENUM64:
		return rk == BTFX_KIND_ENUM || rk == BTFX_KIND_ENUM64;
	case BTFX_KIND_TYPEDEF:
		return rk == BTFX_KIND_TYPEDEF;
	default:
		return false;
	}
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static const char *kind_word(unsigned k, const struct btfx_type *t)
{
	switch (k) {
	case BTFX_KIND_STRUCT: return "struct";
	case BTFX_KIND_UNION: return "union";
	case BTFX_KIND_ENUM: case BTFX_KIND_ENUM64: return "enum";
	case BTFX_KIND_TYPEDEF: return "typedef";
	case BTFX_KIND_FWD: return btfx_kflag(t) ? "union" : "struct";
	case BTFX_KIND_FUNC: return "kfunc";
	default: return "type";
	}
}

BTFX_API int btfx_emit_roots_from_local(const struct btfx *target, const struct btfx *local, uint32_t **ids,
					size_t *nr, btfx_emit_skip_fn skipped, void *ctx)
{
	uint32_t lcnt, tcnt, cand[64];
	size_t n, cap, out;
	uint32_t *a;

	if (!target || !local || !ids || !nr)
		return -EINVAL;
	lcnt = btfx_type_cnt(local);
	tcnt = btfx_type_cnt(target);
	n = *nr;
	a = *ids;
	cap = n;
	for (uint32_t lid = btfx_start_id(local); lid < lcnt; lid++) {
		const struct btfx_type *lt = btfx_type_by_id(local, lid);
		unsigned lk = btfx_kind(lt);
		const char *name = btfx_str(local, lt->name_off);
		size_t ess, nc, taken = 0;
		bool flavored;

		if (!name || !*name)
			continue;
		if (lk == BTFX_KIND_FUNC) {
			/* a kfunc the program calls (an extern __ksym function) */
			if (btfx_vlen(lt) != BTFX_LINKAGE_EXTERN)
				continue;
			size_t k = btfx_find_all(target, name, BTFX_KIND_FUNC, cand, 64);
			for (size_t i = 0; i < k && i < 64; i++) {
				if (!btfx_is_kfunc(target, cand[i]))
					continue;
				if (n == cap) {
					size_t nc2 = cap ? cap * 2 : 64;
					uint32_t *na = realloc(a, nc2 * sizeof(*na));
					if (!na)
						goto nomem;
					a = na;
					cap = nc2;
				}
				a[n++] = cand[i];
			}
			continue;
		}
		if (lk != BTFX_KIND_STRUCT && lk != BTFX_KIND_UNION && lk != BTFX_KIND_ENUM &&
		    lk != BTFX_KIND_ENUM64 && lk != BTFX_KIND_TYPEDEF && lk != BTFX_KIND_FWD)
			continue;
		ess = btfx_essential_name_len(name);
		flavored = name[ess] != 0;
		nc = btfx_find_essential(target, name, ess, cand, 64);
		if (nc > 64)
			nc = 64;
		for (size_t i = 0; i < nc; i++) {
			const struct btfx_type *rt = btfx_type_by_id(target, cand[i]);
			if (!rt || cand[i] >= tcnt || !kinds_match(lk, lt, rt))
				continue;
			if (!flavored && lk != BTFX_KIND_FWD && btfx_kind(rt) != BTFX_KIND_FWD) {
				if (lk == BTFX_KIND_TYPEDEF ? !typedefs_alike(local, lt->type, target, rt->type)
							    : !looks_like(local, lt, target, rt))
					continue;
			}
			if (n == cap) {
				size_t nc2 = cap ? cap * 2 : 64;
				uint32_t *na = realloc(a, nc2 * sizeof(*na));
				if (!na)
					goto nomem;
				a = na;
				cap = nc2;
			}
			a[n++] = cand[i];
			taken++;
		}
		if (!taken && nc && skipped)
			skipped(ctx, kind_word(lk, lt), name);
	}
	if (n > 1) {
		qsort(a, n, sizeof(*a), u32_cmp);
		out = 1;
		for (size_t i = 1; i < n; i++)
			if (a[i] != a[out - 1])
				a[out++] = a[i];
		n = out;
	}
	*ids = a;
	*nr = n;
	return 0;
nomem:
	*ids = a;
	*nr = n;
	return -ENOMEM;
}
