// SPDX-License-Identifier: BSD-2-Clause
/*
 * Kernel-rule validation of a parsed BTF.
 *
 * The goal is to accept exactly what the kernel's BTF loader (BPF_BTF_LOAD,
 * kernel/bpf/btf.c) accepts, so that "btfx says valid" means "the kernel
 * will load it".  The kernel's algorithm has two passes, reproduced here:
 *
 *  1. check_meta: per-type checks that need no other type (info bits, name
 *     rules, sizes, member offsets ordering, INT encoding, ...).
 *  2. resolve: a depth-first walk over the reference graph with an explicit
 *     stack of at most MAX_RESOLVE_DEPTH entries and per-type visit states.
 *     A type that must be fully sized (struct member, array element) must
 *     resolve through to a sized type; a pointer may stop at a struct.
 *     Re-entering a type still on the stack is a loop.  The walk records,
 *     for each modifier/ptr/var/array, the id and size it resolves to.
 *     Member placement is checked per member kind once the member's type is
 *     resolved; FUNC_PROTOs are checked after their turn in id order.
 *  3. Modifier chains (typedef/cv/type tags) may be at most 32 long.
 *
 * The walk order, including the kernel's resumption quirks (a struct resumes
 * at the member after the one it pushed and re-checks that one; a DATASEC
 * resumes after it without re-checking), is the kernel's, because the
 * verdict on crafted inputs can depend on it.
 *
 * Deviations, deliberate and documented:
 *  - Foreign-endian BTF is accepted (converted on load); the kernel rejects
 *    its magic.
 *  - A BTF with a kind-layout section is read with the 2026 UAPI (24-bit
 *    vlen, 7-bit kind, unknown kinds sized by the layout and left opaque);
 *    without one, the reserved info bits must be zero as on every kernel
 *    up to 7.0.
 *  - BTFX_F_OBJECT accepts BTF as clang leaves it in BPF objects before
 *    libbpf's fix-ups: DATASEC size 0 and unset offsets, FUNCs in .ksyms
 *    DATASECs, extern FUNC/VAR linkage, unnamed params of extern FUNCs.
 *
 * Speed.  A vmlinux BTF has ~130k types in ~3 MiB of records and ~2 MiB of
 * strings; the cost is cache misses, not arithmetic.  The fast paths below
 * change where facts are read from, never the order of the checks, so the
 * verdict and the first error are those of the plain kernel algorithm:
 *  - The resolve walk takes kinds from btf->kinds[] (one byte per type,
 *    filled by the framing in btf.c) instead of the type records; a record
 *    is read only for a field a check needs (a size, an INT encoding, the
 *    members of the type being resolved).
 *  - Visit states are one byte per type; resolved (id, size) are pairs.
 *  - Names: a bitmap built in one pass over the string section says which
 *    string starts are plain ASCII identifiers; anything else takes the
 *    byte loop (name_valid_ident).
 *  - A FUNC_PROTO whose parameters are all named is remembered, so FUNCs
 *    sharing it do not re-read it (func_check).
 *  - Large BTFs run pass 1 and pass 2 on two threads (btfx__validate).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <emmintrin.h>
#include <pthread.h>

#include "image.h"
#include "internal.h"

#define MAX_RESOLVE_DEPTH 32
#define KSYM_NAME_LEN 512
#define BITS_ROUNDUP_BYTES(b) (((b) + 7) / 8)
#define BITS_ROUNDDOWN_BYTES(b) ((b) / 8)
#define BITS_MASKED(b) ((b) & 7)
#define TYPE_ID_VALID(id) ((id) <= BTFX_MAX_TYPE)

enum { NOT_VISITED, VISITED, RESOLVED };
enum { RESOLVE_TBD, RESOLVE_PTR, RESOLVE_STRUCT_OR_ARRAY };

/* The kernel's <linux/ctype.h> classes: Latin-1 above 0x9f. */
enum { C_U = 1, C_L = 2, C_D = 4, C_P = 8, C_SP = 16 };
static unsigned char kctype[256];

static void kctype_init(void)
{
	if (kctype['a'])
		return;
	for (int c = 0; c < 256; c++) {
		unsigned char v = 0;
		if (c >= 'A' && c <= 'Z')
			v = C_U;
		else if (c >= 'a' && c <= 'z')
			v = C_L;
		else if (c >= '0' && c <= '9')
			v = C_D;
		else if (c == ' ' || c == 160)
			v = C_SP;
		else if ((c > 32 && c < 127) || (c >= 161 && c <= 191) || c == 215 || c == 247)
			v = C_P;
		else if (c >= 192 && c <= 222)
			v = C_U;
		else if (c >= 223)
			v = C_L;
		kctype[c] = v;
	}
}

#define k_isalpha(c) (kctype[(unsigned char)(c)] & (C_U | C_L))
#define k_isalnum(c) (kctype[(unsigned char)(c)] & (C_U | C_L | C_D))
#define k_isprint(c) (kctype[(unsigned char)(c)] & (C_U | C_L | C_D | C_P | C_SP))

/*
 * Kinds as the walk sees them: kid() gives the kind of any id from the
 * compact kinds[] arrays.  Void (id 0) is the only type of kind 0, since
 * the framing rejects kind 0 records; K_NULL stands for an id that
 * btf_type_by_id() would not find (NULL in the kernel).
 */
#define K_VOID 0u
#define K_NULL 0xffu
#define KB(k) ((k) < 32 ? 1u << (k) : 0u)
#define KM_MODIFIER (KB(BTFX_KIND_TYPEDEF) | KB(BTFX_KIND_VOLATILE) | KB(BTFX_KIND_CONST) | \
		     KB(BTFX_KIND_RESTRICT) | KB(BTFX_KIND_TYPE_TAG))
#define KM_STRUCT (KB(BTFX_KIND_STRUCT) | KB(BTFX_KIND_UNION))
#define KM_NOSIZE (KB(K_VOID) | KB(BTFX_KIND_FWD) | KB(BTFX_KIND_FUNC) | KB(BTFX_KIND_FUNC_PROTO))
#define KM_HAS_SIZE (KB(BTFX_KIND_INT) | KM_STRUCT | KB(BTFX_KIND_ENUM) | KB(BTFX_KIND_DATASEC) | \
		     KB(BTFX_KIND_FLOAT) | KB(BTFX_KIND_ENUM64))
#define KM_SOURCE_ONLY (KB(BTFX_KIND_VAR) | KB(BTFX_KIND_DECL_TAG) | KB(BTFX_KIND_DATASEC))
#define KM_NEEDS_RESOLVE (KM_MODIFIER | KB(BTFX_KIND_PTR) | KM_STRUCT | KB(BTFX_KIND_ARRAY) | \
			  KB(BTFX_KIND_VAR) | KB(BTFX_KIND_FUNC) | KB(BTFX_KIND_DECL_TAG) | KB(BTFX_KIND_DATASEC))

static bool is_modifier(unsigned k) { return KB(k) & KM_MODIFIER; }
static bool is_struct(unsigned k) { return KB(k) & KM_STRUCT; }
static bool nosize(unsigned k) { return KB(k) & KM_NOSIZE; }
static bool nosize_or_null(unsigned k) { return k == K_NULL || nosize(k); }
static bool has_size(unsigned k) { return KB(k) & KM_HAS_SIZE; }
static bool source_only(unsigned k) { return KB(k) & KM_SOURCE_ONLY; }
static bool needs_resolve(unsigned k) { return KB(k) & KM_NEEDS_RESOLVE; }

struct frame {
	const struct btfx_type *t;
	uint32_t id;
	uint32_t next_member;
	unsigned kind;
};

struct venv {
	struct btfx *btf;
	struct btfx_error *err;
	uint32_t start, nr;         /* btf->start_id, btf->nr_types */
	const uint8_t *kinds;       /* btf->kinds */
	uint8_t *visit;             /* visit state per own type */
	uint64_t *proto_named;      /* own FUNC_PROTOs with every param named (func_check) */
	struct btfx_res *res;       /* btf->res */
	const uint64_t *ident;      /* identifier bitmap over own strings, or NULL */
	uint64_t **ident_pub;       /* where pass 1's thread publishes it (pass 2) */
	struct frame stack[MAX_RESOLVE_DEPTH];
	int top;
	int mode;
	bool object;
	bool wide;      /* 2026 info encoding (layout section present) */
	uint32_t log_id;
	uint32_t midx;  /* member being checked, for messages */
};

static const struct btfx_type void_t;

/* btf_type_by_id: NULL when out of range; void for 0. */
static const struct btfx_type *tby(const struct venv *env, uint32_t id)
{
	if (id == 0)
		return &void_t;
	if (id >= env->start + env->nr)
		return NULL;
	return btfx__type(env->btf, id);
}

/* btfx_kind(tby(id)) without reading the record; K_NULL where tby() is NULL */
static inline unsigned kid(const struct venv *env, uint32_t id)
{
	const struct btfx *b = env->btf;

	if (id - env->start < env->nr)
		return env->kinds[id - env->start];
	if (id >= env->start)
		return K_NULL;
	if (!id)
		return K_VOID;
	do
		b = b->base;
	while (id < b->start_id);
	return b->kinds[id - b->start_id];
}

static bool name_off_valid(const struct btfx *btf, uint32_t off)
{
	if (off > BTFX_MAX_NAME_OFFSET)
		return false;
	while (off < btf->start_str_off)
		btf = btf->base;
	return off - btf->start_str_off < btf->hdr.str_len;
}

/* The kernel's btf_name_valid_identifier(), byte by byte. */
static bool name_valid_ident_slow(const char *s)
{
	const char *lim;

	if (!k_isalpha(*s) && *s != '_' && *s != '.')
		return false;
	lim = s + KSYM_NAME_LEN;
	s++;
	while (*s && s < lim) {
		if (!k_isalnum(*s) && *s != '_' && *s != '.')
			return false;
		s++;
	}
	return !*s;
}

/* Owner BTF of a string offset and the end of its string section. */
static const char *str_end(const struct btfx *btf, uint32_t off)
{
	while (off < btf->start_str_off)
		btf = btf->base;
	return btf->strs + btf->hdr.str_len;
}

/* 16 bytes: bit i of *ok when p[i] is ASCII [A-Za-z0-9_.], of *nul when 0 */
static inline void ident_masks16(const char *p, unsigned *ok, unsigned *nul, unsigned *high)
{
	__m128i v = _mm_loadu_si128((const __m128i *)p);
	__m128i low = _mm_or_si128(v, _mm_set1_epi8(0x20));
	__m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(low, _mm_set1_epi8(0x60)),
				      _mm_cmplt_epi8(low, _mm_set1_epi8(0x7b)));
	__m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(0x2f)),
				      _mm_cmplt_epi8(v, _mm_set1_epi8(0x3a)));
	__m128i punct = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('_')),
				     _mm_cmpeq_epi8(v, _mm_set1_epi8('.')));

	*ok = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(alpha, digit), punct));
	*nul = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_setzero_si128()));
	if (high)
		*high = (unsigned)_mm_movemask_epi8(v); /* bytes >= 0x80 */
}

/*
 * Same verdict as name_valid_ident_slow(), 16 bytes at a time for the
 * ASCII identifiers that make up almost every name; anything else (bytes
 * >= 0x80, which the kernel's Latin-1 ctype may accept, names near the
 * length limit, the last 16 bytes of the section) takes the slow path.
 */
static bool name_valid_ident_bytes(const struct btfx *btf, uint32_t off)
{
	const char *s = btfx__str(btf, off), *end = str_end(btf, off), *p;

	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_' || *s == '.'))
		return name_valid_ident_slow(s);
	for (p = s + 1; p + 16 <= end && p - s < KSYM_NAME_LEN - 16; p += 16) {
		unsigned ok, z, high;

		ident_masks16(p, &ok, &z, &high);
		if (z) {
			unsigned before = (1u << __builtin_ctz(z)) - 1;
			if ((ok & before) == before)
				return true;
			return (high & before) ? name_valid_ident_slow(s) : false;
		}
		if (ok != 0xffff)
			return high ? name_valid_ident_slow(s) : false;
	}
	return name_valid_ident_slow(s);
}

/*
 * Identifier bitmap over the own string section: bit o is set when o
 * starts a string (o == 0 or a NUL before it) of 1..KSYM_NAME_LEN ASCII
 * bytes [A-Za-z0-9_.] whose first byte is not a digit.  Those are exactly
 * the valid identifiers without bytes >= 0x80, so a set bit means "valid".
 * A clear bit decides nothing (an offset inside a string, Latin-1 letters,
 * which the kernel's ctype accepts, or an invalid name): the byte loop
 * does.  Built in one sequential pass, 64 bytes at a time; lookups then
 * hit a 1/8-size bitmap instead of randomly placed strings.
 */
static uint64_t *ident_bitmap(const char *s, uint32_t len)
{
	uint32_t words = (len + 63) / 64, start = 0;
	uint64_t *bm = malloc((size_t)(words ? words : 1) * sizeof(*bm));
	bool bad = false; /* the string being scanned has a non-identifier byte */
	char tail[64];

	if (!bm)
		return NULL;
	for (uint32_t b = 0; b < len; b += 64) {
		const char *p = s + b;
		uint64_t nul = 0, other = 0;

		if (len - b < 64) { /* last block: zero padding reads as NULs, past every start */
			memset(tail, 0, sizeof(tail));
			memcpy(tail, p, len - b);
			p = tail;
		}
		for (int i = 0; i < 4; i++) {
			unsigned ok, z;
			ident_masks16(p + 16 * i, &ok, &z, NULL);
			nul |= (uint64_t)z << (16 * i);
			other |= (uint64_t)(~(ok | z) & 0xffff) << (16 * i);
		}
		bm[b / 64] = 0;
		unsigned pos = 0; /* this block's bytes of the current string start at pos */
		for (; nul; nul &= nul - 1) {
			unsigned e = (unsigned)__builtin_ctzll(nul);
			uint32_t end = b + e;

			/* the string [start, end) ends here */
			if (other & ((1ull << e) - 1) & (~0ull << pos))
				bad = true;
			if (!bad && end > start && end - start <= KSYM_NAME_LEN && !(s[start] >= '0' && s[start] <= '9'))
				bm[start / 64] |= 1ull << (start % 64);
			start = end + 1;
			bad = false;
			pos = e + 1;
		}
		if (pos < 64 && (other & (~0ull << pos)))
			bad = true; /* the string continues into the next block */
	}
	return bm;
}

/* btf_name_valid_identifier() of a valid name offset: bitmap, else bytes */
static bool name_valid_ident(const struct venv *env, uint32_t off)
{
	uint32_t o = off - env->btf->start_str_off;

	if (env->ident && off >= env->btf->start_str_off && o < env->btf->hdr.str_len &&
	    (env->ident[o / 64] >> (o % 64) & 1))
		return true;
	return name_valid_ident_bytes(env->btf, off);
}

static bool name_valid_section(const struct btfx *btf, uint32_t off)
{
	const char *s = btfx__str(btf, off), *lim;

	if (!*s)
		return false;
	lim = s + KSYM_NAME_LEN;
	while (*s && s < lim) {
		if (!k_isprint(*s))
			return false;
		s++;
	}
	return !*s;
}

/* record-based predicates, for pass 1 */
static unsigned kind(const struct btfx_type *t) { return btfx_kind(t); }

static bool int_is_regular(const struct btfx_type *t)
{
	uint32_t d = btfx_int_data(t);
	unsigned bits = d & 0xff, bytes = BITS_ROUNDUP_BYTES(bits);

	if (BITS_MASKED(bits) || ((d >> 16) & 0xff) ||
	    (bytes != 1 && bytes != 2 && bytes != 4 && bytes != 8 && bytes != 16))
		return false;
	return true;
}

/* resolved (id, size) of any id, looking through the base chain; NULL if none */
static const struct btfx_res *res_of(const struct venv *env, uint32_t id)
{
	const struct btfx *btf = env->btf;

	if (id - env->start < env->nr)
		return &env->res[id - env->start];
	if (!id)
		return NULL;
	while (id < btf->start_id)
		btf = btf->base;
	return btf->res ? &btf->res[id - btf->start_id] : NULL;
}

static uint32_t res_id(const struct venv *env, uint32_t id)
{
	const struct btfx_res *r = res_of(env, id);
	return r ? r->id : 0;
}

static uint32_t res_size(const struct venv *env, uint32_t id)
{
	const struct btfx_res *r = res_of(env, id);
	return r ? r->size : 0;
}

static bool is_resolved(const struct venv *env, uint32_t id)
{
	if (id < env->start)
		return true;
	return env->visit[id - env->start] == RESOLVED;
}

static bool is_sink(const struct venv *env, unsigned next)
{
	switch (env->mode) {
	case RESOLVE_TBD:
		return !needs_resolve(next);
	case RESOLVE_PTR:
		return !is_modifier(next) && next != BTFX_KIND_PTR;
	default:
		return !is_modifier(next) && next != BTFX_KIND_ARRAY && !is_struct(next);
	}
}

/* size of a sized kind k at id: the record's size, the resolved array size, or 8 */
static uint32_t kind_size(const struct venv *env, uint32_t id, unsigned k)
{
	if (has_size(k))
		return tby(env, id)->size;
	if (k == BTFX_KIND_ARRAY)
		return res_size(env, id);
	return 8; /* PTR */
}

/*
 * btf_type_id_size: follows one resolved hop.  Returns the kind reached
 * (*id becomes its id), or K_NULL when there is no size.  The record is
 * read only when the size is asked for.
 */
static unsigned id_size(const struct venv *env, uint32_t *id, uint32_t *ret_size)
{
	uint32_t sid = *id;
	unsigned k = kid(env, sid);

	if (nosize_or_null(k))
		return K_NULL;
	if (!has_size(k) && k != BTFX_KIND_ARRAY && k != BTFX_KIND_PTR) {
		if (!is_modifier(k) && k != BTFX_KIND_VAR)
			return K_NULL;
		sid = res_id(env, sid);
		k = kid(env, sid);
		if (nosize_or_null(k))
			return K_NULL;
		if (!has_size(k) && k != BTFX_KIND_ARRAY && k != BTFX_KIND_PTR)
			return K_NULL;
	}
	*id = sid;
	if (ret_size)
		*ret_size = kind_size(env, sid, k);
	return k;
}

static unsigned id_resolve(const struct venv *env, uint32_t *id)
{
	*id = res_id(env, *id);
	return kid(env, *id);
}

static int verr(struct venv *env, enum btfx_errc code, int errnum, uint32_t id, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int verr(struct venv *env, enum btfx_errc code, int errnum, uint32_t id, const char *fmt, ...)
{
	char what[320];
	va_list ap;
	const struct btfx_type *t = id ? tby(env, id) : NULL;
	int64_t off = -1;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (t && id >= env->btf->start_id) {
		const struct btfx *b = env->btf;
		off = b->hdr.hdr_len + (int64_t)b->hdr.type_off + b->type_offs[id - b->start_id];
	}
	if (t) {
		const char *name = name_off_valid(env->btf, t->name_off) ? btfx__str(env->btf, t->name_off) : "?";
		return btfx_set_err(env->err, code, errnum, id, off, "[%u] %s '%.64s': %s", id,
				    btfx__kind_name(kind(t)), name, what);
	}
	return btfx_set_err(env->err, code, errnum, id, off, "%s", what);
}

/* ------------------------------------------------------------------ */
/* Pass 1: check_meta                                                  */
/* ------------------------------------------------------------------ */

static int check_meta(struct venv *env, uint32_t id, const struct btfx_type *t)
{
	struct btfx *btf = env->btf;
	unsigned k = kind(t);
	uint32_t vlen = btfx_vlen(t);
	bool kf = btfx_kflag(t);

	if (!env->wide && (t->info & ~0x9f00ffffu))
		return verr(env, BTFX_E_KIND, EINVAL, id, "Invalid btf_info:%x (reserved bits set)", t->info);
	if (k == BTFX_KIND_UNKN)
		return verr(env, BTFX_E_KIND, EINVAL, id, "Invalid kind:%u", k);
	if (!name_off_valid(btf, t->name_off))
		return verr(env, BTFX_E_NAME, EINVAL, id, "Invalid name_offset:%u", t->name_off);
	if (k >= BTFX_KIND_NR)
		return 0; /* opaque kind sized by the layout section */

	switch (k) {
	case BTFX_KIND_INT: {
		uint32_t d = btfx_int_data(t);
		unsigned enc = (d >> 24) & 0xf, bits = (d & 0xff) + ((d >> 16) & 0xff);
		if (vlen)
			return verr(env, BTFX_E_KIND, EINVAL, id, "vlen != 0");
		if (kf)
			return verr(env, BTFX_E_KFLAG, EINVAL, id, "Invalid btf_info kind_flag");
		if (d & ~0x0fffffffu)
			return verr(env, BTFX_E_SIZE, EINVAL, id, "Invalid int_data:%x", d);
		if (bits > 128)
			return verr(env, BTFX_E_SIZE, EINVAL, id, "nr_bits exceeds 128");
		if (BITS_ROUNDUP_BYTES(bits) > t->size)
			return verr(env, BTFX_E_SIZE, EINVAL, id, "nr_bits exceeds type_size");
		if (enc && enc != BTFX_INT_SIGNED && enc != BTFX_INT_CHAR && enc != BTFX_INT_BOOL)
			return verr(env, BTFX_E_SIZE, ENOTSUP, id, "Unsupported encoding %u", enc);
		return 0;
	}
	case BTFX_KIND_PTR: case BTFX_KIND_TYPEDEF: case BTFX_KIND_VOLATILE: case BTFX_KIND_CONST:
	case BTFX_KIND_RESTRICT: case BTFX_KIND_TYPE_TAG:
		if (vlen)
			return verr(env, BTFX_E_KIND, EINVAL, id, "vlen != 0");
		if (kf && k != BTFX_KIND_TYPE_TAG)
			return verr(env, BTFX_E_KFLAG, EINVAL, id, "Invalid btf_info kind_flag");
		if (!TYPE_ID_VALID(t->type))
			return verr(env, BTFX_E_REF, EINVAL, id, "Invalid type_id %u", t->type);
		if (k == BTFX_KIND_TYPEDEF) {
			if (!t->name_off || !name_valid_ident(env, t->name_off))
				return verr(env, BTFX_E_NAME, EINVAL, id, "Invalid name");
		} else if (k == BTFX_KIND_TYPE_TAG) {
			if (!btfx__str(btf, t->name_off)[0])
				return verr(env, BTFX_E_TAG, EINVAL, id, "Invalid name (empty tag value)");
		} else if (t->name_off) {
			return verr(env, BTFX_E_NAME, EINVAL, id, "Invalid name (must be anonymous)");
		}
		return 0;
	case BTFX_KIND_FWD:
		if (vlen)
			return verr(env, BTFX_E_KIND, EINVAL, id, "vlen != 0");
		if (t->type)
			return verr(env, BTFX_E_REF, EINVAL, id, "type != 0");
		if (!t->name_off || !name_valid_ident(env, t->name_off))
			return verr(env, BTFX_E_NAME, EINVAL, id, "Invalid name");
		return 0;
	case BTFX_KIND_ARRAY: {
		const struct btfx_array *a = btfx_array(t);
		if (t->name_off)
			return verr(env, BTFX_E_NAME, EINVAL, id, "Invalid name (must be anonymous)");
		if (vlen)
			return verr(env, BTFX_E_KIND, EINVAL, id, "vlen != 0");
		if (kf)
			return verr(env, BTFX_E_KFLAG, EINVAL, id, "Invalid btf_info kind_flag");
		if (t->size)
			return verr(env, BTFX_E_SIZE, EINVAL, id, "size != 0");
		if (!a->type || !TYPE_ID_VALID(a->type))
			return verr(env, BTFX_E_REF, EINVAL, id, "Invalid elem %u", a->type);
		if (!a->index_type || !TYPE_ID_VALID(a->index_type))
			return verr(env, BTFX_E_REF, EINVAL, id, "Invalid index %u", a->index_type);
		return 0;
	}
	case BTFX_KIND_STRUCT: case BTFX_KIND_UNION: {
		const struct btfx_member *m = btfx_members(t);
		uint32_t last = 0;
		if (t->name_off && !name_valid_ident(env, t->name_off))
			return verr(env, BTFX_E_NAME, EINVAL, id, "Invalid name");
		for (uint32_t i = 0; i < vlen; i++) {
			uint32_t off = btfx_member_bit_offset(t, i);
			if (!name_off_valid(btf, m[i].name_off))
				return verr(env, BTFX_E_NAME, EINVAL, id, "member #%u: Invalid member name_offset:%u", i,
					    m[i].name_off);
			if (m[i].name_off && !name_valid_ident(env, m[i].name_off))
				return verr(env, BTFX_E_NAME, EINVAL, id, "member #%u: Invalid name", i);
			if (!m[i].type || !TYPE_ID_VALID(m[i].type))
				return verr(env, BTFX_E_REF, EINVAL, id, "member #%u: Invalid type_id %u", i, m[i].type);
			if (k == BTFX_KIND_UNION && off)
				return verr(env, BTFX_E_MEMBER, EINVAL, id,
					    "member #%u: Invalid member bits_offset %u (union members start at 0)", i, off);
			if (last > off)
				return verr(env, BTFX_E_MEMBER, EINVAL, id,
					    "member #%u: Invalid member bits_offset %u (before previous %u)", i, off, last);
			if (BITS_ROUNDUP_BYTES(off) > t->size)
				return verr(env, BTFX_E_MEMBER, EINVAL, id,
					    "member #%u: Member bits_offset %u exceeds its struct size %u", i, off, t->size);
			last = off;
		}
		return 0;
	}
	case BTFX_KIND_ENUM: case BTFX_KIND_ENUM64: {
		bool e64 = k == BTFX_KIND_ENUM64;
		if (!t->size || t->size > 8 || (t->size & (t->size - 1)))
			return verr(env, BTFX_E_SIZE, EINVAL, id, "Unexpected size %u", t->size);
		if (t->name_off && !name_valid_ident(env, t->name_off))
			return verr(env, BTFX_E_NAME, EINVAL, id, "Invalid name");
		for (uint32_t i = 0; i < vlen; i++) {
			uint32_t no = e64 ? btfx_enums64(t)[i].name_off : btfx_enums(t)[i].name_off;
			if (!name_off_valid(btf, no))
				return verr(env, BTFX_E_NAME, EINVAL, id, "enumerator #%u: Invalid name_offset:%u", i, no);
			if (!no || !name_valid_ident(env, no))
				return verr(env, BTFX_E_NAME, EINVAL, id, "enumerator #%u: Invalid name", i);
		}
		return 0;
	}
	case BTFX_KIND_FUNC_PROTO:
		if (t->name_off)
			return verr(env, BTFX_E_NAME, EINVAL, id, "Invalid name (must be anonymous)");
		if (kf)
			return verr(env, BTFX_E_KFLAG, EINVAL, id, "Invalid btf_info kind_flag");
		return 0;
	case BTFX_KIND_FUNC:
		if (!t->name_off || !name_valid_ident(env, t->name_off))
			return verr(env, BTFX_E_NAME, EINVAL, id, "Invalid name");
		if (vlen > BTFX_LINKAGE_GLOBAL && !(env->object && vlen == BTFX_LINKAGE_EXTERN))
			return verr(env, BTFX_E_LINKAGE, EINVAL, id, "Invalid func linkage %u", vlen);
		if (kf)
			return verr(env, BTFX_E_KFLAG, EINVAL, id, "Invalid btf_info kind_flag");
		return 0;
	case BTFX_KIND_VAR: {
		uint32_t linkage = btfx_var(t)->linkage;
		if (vlen)
			return verr(env, BTFX_E_KIND, EINVAL, id, "vlen != 0");
		if (kf)
			return verr(env, BTFX_E_KFLAG, EINVAL, id, "Invalid btf_info kind_flag");
		if (!t->name_off || !name_valid_ident(env, t->name_off))
			return verr(env, BTFX_E_NAME, EINVAL, id, "Invalid name");
		if (!t->type || !TYPE_ID_VALID(t->type))
			return verr(env, BTFX_E_REF, EINVAL, id, "Invalid type_id %u", t->type);
		if (linkage > 1 && !(env->object && linkage == BTFX_LINKAGE_EXTERN))
			return verr(env, BTFX_E_LINKAGE, EINVAL, id, "Linkage %u not supported", linkage);
		return 0;
	}
	case BTFX_KIND_DATASEC: {
		const struct btfx_var_secinfo *v = btfx_secinfos(t);
		uint64_t last_end = 0, sum = 0;
		if (!t->size && !env->object)
			return verr(env, BTFX_E_DATASEC, EINVAL, id, "size == 0");
		if (kf)
			return verr(env, BTFX_E_KFLAG, EINVAL, id, "Invalid btf_info kind_flag");
		if (!t->name_off || !name_valid_section(btf, t->name_off))
			return verr(env, BTFX_E_NAME, EINVAL, id, "Invalid name");
		for (uint32_t i = 0; i < vlen; i++) {
			if (!v[i].type || !TYPE_ID_VALID(v[i].type))
				return verr(env, BTFX_E_REF, EINVAL, id, "var #%u: Invalid type_id %u", i, v[i].type);
			if (env->object)
				continue; /* offsets and sizes are filled in by the loader */
			if (v[i].offset < last_end || v[i].offset >= t->size)
				return verr(env, BTFX_E_DATASEC, EINVAL, id, "var #%u: Invalid offset %u", i, v[i].offset);
			if (!v[i].size || v[i].size > t->size)
				return verr(env, BTFX_E_DATASEC, EINVAL, id, "var #%u: Invalid size %u", i, v[i].size);
			last_end = (uint64_t)v[i].offset + v[i].size;
			if (last_end > t->size)
				return verr(env, BTFX_E_DATASEC, EINVAL, id, "var #%u: Invalid offset+size", i);
			sum += v[i].size;
		}
		if (sum > t->size)
			return verr(env, BTFX_E_DATASEC, EINVAL, id, "Invalid btf_info size");
		return 0;
	}
	case BTFX_KIND_FLOAT:
		if (vlen)
			return verr(env, BTFX_E_KIND, EINVAL, id, "vlen != 0");
		if (kf)
			return verr(env, BTFX_E_KFLAG, EINVAL, id, "Invalid btf_info kind_flag");
		if (t->size != 2 && t->size != 4 && t->size != 8 && t->size != 12 && t->size != 16)
			return verr(env, BTFX_E_SIZE, EINVAL, id, "Invalid type_size %u", t->size);
		return 0;
	case BTFX_KIND_DECL_TAG:
		if (vlen)
			return verr(env, BTFX_E_KIND, EINVAL, id, "vlen != 0");
		if (!btfx__str(btf, t->name_off)[0])
			return verr(env, BTFX_E_TAG, EINVAL, id, "Invalid value (empty tag)");
		if (btfx_decl_tag(t)->component_idx < -1)
			return verr(env, BTFX_E_TAG, EINVAL, id, "Invalid component_idx %d",
				    btfx_decl_tag(t)->component_idx);
		return 0;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Pass 2: resolve                                                     */
/* ------------------------------------------------------------------ */

static int push(struct venv *env, uint32_t id, unsigned k)
{
	struct frame *f;

	if (env->top == MAX_RESOLVE_DEPTH)
		return -E2BIG;
	if (id < env->start || env->visit[id - env->start] != NOT_VISITED)
		return -EEXIST;
	env->visit[id - env->start] = VISITED;
	f = &env->stack[env->top++];
	f->t = btfx__type(env->btf, id);
	f->id = id;
	f->kind = k;
	f->next_member = 0;
	if (env->mode == RESOLVE_TBD) {
		if (k == BTFX_KIND_PTR)
			env->mode = RESOLVE_PTR;
		else if (is_struct(k) || k == BTFX_KIND_ARRAY)
			env->mode = RESOLVE_STRUCT_OR_ARRAY;
	}
	return 0;
}

static void pop_resolved(struct venv *env, uint32_t rid, uint32_t rsize)
{
	uint32_t id = env->stack[--env->top].id, i = id - env->start;

	env->res[i].id = rid;
	env->res[i].size = rsize;
	env->visit[i] = RESOLVED;
}

static int member_err(struct venv *env, enum btfx_errc c, const char *what)
{
	return verr(env, c, EINVAL, env->log_id, "member #%u: %s", env->midx, what);
}

/* m->type has kind mk; its record is read only for the fields a kind needs */
static int check_member_plain(struct venv *env, const struct btfx_type *st, const struct btfx_member *m, unsigned mk)
{
	uint32_t off = m->offset, size = st->size, bytes = BITS_ROUNDDOWN_BYTES(off), msize;

	switch (mk) {
	case BTFX_KIND_INT: {
		uint32_t d = btfx_int_data(tby(env, m->type)), ioff = (d >> 16) & 0xff, copy;
		if (UINT32_MAX - off < ioff)
			return member_err(env, BTFX_E_MEMBER, "bits_offset exceeds U32_MAX");
		off += ioff;
		bytes = BITS_ROUNDDOWN_BYTES(off);
		copy = (d & 0xff) + BITS_MASKED(off);
		if (copy > 128)
			return member_err(env, BTFX_E_MEMBER, "nr_copy_bits exceeds 128");
		if (size < bytes || size - bytes < BITS_ROUNDUP_BYTES(copy))
			return member_err(env, BTFX_E_MEMBER, "Member exceeds struct_size");
		return 0;
	}
	case BTFX_KIND_FLOAT: {
		uint32_t fsize = tby(env, m->type)->size;
		uint64_t align = fsize < 8 ? fsize : 8;
		if (off % (align * 8))
			return member_err(env, BTFX_E_MEMBER, "Member is not properly aligned");
		if ((uint64_t)off / 8 + fsize > size)
			return member_err(env, BTFX_E_MEMBER, "Member exceeds struct_size");
		return 0;
	}
	case BTFX_KIND_PTR:
		msize = 8;
		break;
	case BTFX_KIND_ARRAY: {
		uint32_t aid = m->type;
		msize = 0;
		id_size(env, &aid, &msize);
		break;
	}
	case BTFX_KIND_STRUCT: case BTFX_KIND_UNION: case BTFX_KIND_ENUM: case BTFX_KIND_ENUM64:
		msize = tby(env, m->type)->size;
		break;
	default:
		return member_err(env, BTFX_E_MEMBER, "Unsupported check_member");
	}
	if (BITS_MASKED(off))
		return member_err(env, BTFX_E_MEMBER, "Member is not byte aligned");
	if (size - bytes < msize)
		return member_err(env, BTFX_E_MEMBER, "Member exceeds struct_size");
	return 0;
}

static int check_member_kflag(struct venv *env, const struct btfx_type *st, const struct btfx_member *m, unsigned mk)
{
	uint32_t nr_bits = m->offset >> 24, off = m->offset & 0xffffff, size = st->size;

	switch (mk) {
	case BTFX_KIND_INT: {
		const struct btfx_type *mt = tby(env, m->type);
		uint32_t ibits = btfx_int_data(mt) & 0xff, bytes, copy;
		if (!int_is_regular(mt))
			return member_err(env, BTFX_E_KFLAG, "Invalid member base type");
		if (!nr_bits) {
			if (BITS_MASKED(off))
				return member_err(env, BTFX_E_MEMBER, "Invalid member offset");
			nr_bits = ibits;
		} else if (nr_bits > ibits) {
			return member_err(env, BTFX_E_KFLAG, "Invalid member bitfield_size");
		}
		bytes = BITS_ROUNDDOWN_BYTES(off);
		copy = nr_bits + BITS_MASKED(off);
		if (copy > 128)
			return member_err(env, BTFX_E_MEMBER, "nr_copy_bits exceeds 128");
		if (size < bytes || size - bytes < BITS_ROUNDUP_BYTES(copy))
			return member_err(env, BTFX_E_MEMBER, "Member exceeds struct_size");
		return 0;
	}
	case BTFX_KIND_ENUM: case BTFX_KIND_ENUM64: {
		uint32_t end;
		if (!nr_bits) {
			if (BITS_MASKED(off))
				return member_err(env, BTFX_E_MEMBER, "Member is not byte aligned");
			nr_bits = 32;
		} else if (nr_bits > 32) {
			return member_err(env, BTFX_E_KFLAG, "Invalid member bitfield_size");
		}
		end = BITS_ROUNDUP_BYTES(off + nr_bits);
		if (size < end)
			return member_err(env, BTFX_E_MEMBER, "Member exceeds struct_size");
		return 0;
	}
	case BTFX_KIND_PTR: case BTFX_KIND_ARRAY: case BTFX_KIND_STRUCT: case BTFX_KIND_UNION:
	case BTFX_KIND_FLOAT:
		if (nr_bits)
			return member_err(env, BTFX_E_KFLAG, "Invalid member bitfield_size");
		return check_member_plain(env, st, m, mk);
	default:
		return member_err(env, BTFX_E_MEMBER, "Unsupported check_kflag_member");
	}
}

static int check_member(struct venv *env, const struct btfx_type *st, const struct btfx_member *m, unsigned mk,
			bool kflag)
{
	if (is_modifier(mk)) {
		uint32_t rid = m->type;
		unsigned rk = id_size(env, &rid, NULL);
		struct btfx_member rm = *m;
		if (rk == K_NULL)
			return member_err(env, BTFX_E_MEMBER, "Invalid member");
		rm.type = rid;
		return check_member(env, st, &rm, rk, kflag);
	}
	return kflag ? check_member_kflag(env, st, m, mk) : check_member_plain(env, st, m, mk);
}

/* btf_modifier_resolve / btf_ptr_resolve / btf_var_resolve share most steps */
static int ref_resolve(struct venv *env, struct frame *v)
{
	const struct btfx_type *t = v->t;
	uint32_t nid = t->type;
	unsigned next = kid(env, nid);
	bool ptr = v->kind == BTFX_KIND_PTR, var = v->kind == BTFX_KIND_VAR;

	if (next == K_NULL || source_only(next))
		return verr(env, BTFX_E_REF, EINVAL, v->id, "Invalid type_id %u", nid);
	if (!is_sink(env, next) && !is_resolved(env, nid))
		return push(env, nid, next);
	if ((ptr || var) && is_modifier(next)) {
		uint32_t rid = nid;
		unsigned rk = id_resolve(env, &rid);
		if (rk == BTFX_KIND_PTR && !is_sink(env, rk) && !is_resolved(env, rid))
			return push(env, rid, rk);
	}
	if (var) {
		if (id_size(env, &nid, NULL) == K_NULL)
			return verr(env, BTFX_E_REF, EINVAL, v->id, "Invalid type_id (variable of unsized type)");
	} else if (id_size(env, &nid, NULL) == K_NULL) {
		if (is_resolved(env, nid))
			next = id_resolve(env, &nid);
		if (next == K_NULL || (next != K_VOID && next != BTFX_KIND_FWD && next != BTFX_KIND_FUNC_PROTO))
			return verr(env, BTFX_E_REF, EINVAL, v->id, "Invalid type_id %u", t->type);
	}
	pop_resolved(env, nid, 0);
	return 0;
}

static int array_resolve(struct venv *env, struct frame *v)
{
	const struct btfx_array *a = btfx_array(v->t);
	uint32_t iid = a->index_type, eid = a->type, esize = 0;
	unsigned ik = kid(env, iid), ek;

	if (nosize_or_null(ik) || source_only(ik))
		return verr(env, BTFX_E_REF, EINVAL, v->id, "Invalid index %u", iid);
	if (!is_sink(env, ik) && !is_resolved(env, iid))
		return push(env, iid, ik);
	ik = id_size(env, &iid, NULL);
	if (ik != BTFX_KIND_INT || !int_is_regular(tby(env, iid)))
		return verr(env, BTFX_E_REF, EINVAL, v->id, "Invalid index %u", a->index_type);

	ek = kid(env, eid);
	if (nosize_or_null(ek) || source_only(ek))
		return verr(env, BTFX_E_REF, EINVAL, v->id, "Invalid elem %u", eid);
	if (!is_sink(env, ek) && !is_resolved(env, eid))
		return push(env, eid, ek);
	ek = id_size(env, &eid, &esize);
	if (ek == K_NULL)
		return verr(env, BTFX_E_REF, EINVAL, v->id, "Invalid elem %u", a->type);
	if (ek == BTFX_KIND_INT && !int_is_regular(tby(env, eid)))
		return verr(env, BTFX_E_SIZE, EINVAL, v->id, "Invalid array of int");
	if (a->nelems && esize > UINT32_MAX / a->nelems)
		return verr(env, BTFX_E_SIZE, EINVAL, v->id, "Array size overflows U32_MAX (%u x %u)", a->nelems, esize);
	pop_resolved(env, eid, esize * a->nelems);
	return 0;
}

static int struct_resolve(struct venv *env, struct frame *v)
{
	const struct btfx_type *t = v->t;
	const struct btfx_member *m = btfx_members(t);
	bool kf = btfx_kflag(t);
	uint32_t vlen = btfx_vlen(t);
	int e;

	if (v->next_member) {
		const struct btfx_member *last = &m[v->next_member - 1];
		env->midx = v->next_member - 1;
		if (!is_resolved(env, last->type))
			return verr(env, BTFX_E_MEMBER, EINVAL, v->id, "member type %u not resolved", last->type);
		e = check_member(env, t, last, kid(env, last->type), kf);
		if (e)
			return e;
	}
	for (uint32_t i = v->next_member; i < vlen; i++) {
		unsigned mk = kid(env, m[i].type);
		env->midx = i;
		if (nosize_or_null(mk) || source_only(mk))
			return verr(env, BTFX_E_MEMBER, EINVAL, v->id, "member #%u: Invalid member (type %u)", i,
				    m[i].type);
		if (!is_sink(env, mk) && !is_resolved(env, m[i].type)) {
			v->next_member = i + 1;
			return push(env, m[i].type, mk);
		}
		e = check_member(env, t, &m[i], mk, kf);
		if (e)
			return e;
	}
	pop_resolved(env, 0, 0);
	return 0;
}

static int datasec_resolve(struct venv *env, struct frame *v)
{
	const struct btfx_var_secinfo *vs = btfx_secinfos(v->t);
	uint32_t vlen = btfx_vlen(v->t);

	for (uint32_t i = v->next_member; i < vlen; i++) {
		uint32_t vid = vs[i].type, tid, tsize = 0;
		unsigned vk = kid(env, vid);
		if (env->object && vk == BTFX_KIND_FUNC)
			continue; /* .ksyms extern functions */
		if (vk != BTFX_KIND_VAR)
			return verr(env, BTFX_E_DATASEC, EINVAL, v->id, "var #%u: Not a VAR kind member (type %u)", i, vid);
		if (!is_sink(env, vk) && !is_resolved(env, vid)) {
			v->next_member = i + 1;
			return push(env, vid, vk);
		}
		tid = tby(env, vid)->type;
		if (id_size(env, &tid, &tsize) == K_NULL)
			return verr(env, BTFX_E_DATASEC, EINVAL, v->id, "var #%u: Invalid type", i);
		if (vs[i].size < tsize && !env->object)
			return verr(env, BTFX_E_DATASEC, EINVAL, v->id, "var #%u: Invalid size %u < %u", i, vs[i].size,
				    tsize);
	}
	pop_resolved(env, 0, 0);
	return 0;
}

/*
 * btf_func_check.  Whether a proto has an unnamed (non-vararg) parameter
 * depends on the proto alone, so an own proto found clean is marked in
 * proto_named and the other FUNCs of that prototype skip its record.
 */
static int func_check(struct venv *env, uint32_t id, const struct btfx_type *t)
{
	uint32_t pid = t->type, own = pid - env->start;
	bool is_own = own < env->nr;
	const struct btfx_type *proto;
	const struct btfx_param *p;

	if (kid(env, pid) != BTFX_KIND_FUNC_PROTO)
		return verr(env, BTFX_E_REF, EINVAL, id, "Invalid type_id %u (not a FUNC_PROTO)", t->type);
	if (env->object && btfx_vlen(t) == BTFX_LINKAGE_EXTERN)
		return 0;
	if (is_own && (env->proto_named[own / 64] >> (own % 64) & 1))
		return 0;
	proto = tby(env, pid);
	p = btfx_params(proto);
	for (uint32_t i = 0; i < btfx_vlen(proto); i++)
		if (!p[i].name_off && p[i].type)
			return verr(env, BTFX_E_NAME, EINVAL, id, "Invalid arg#%u (unnamed parameter)", i + 1);
	if (is_own)
		env->proto_named[own / 64] |= 1ull << (own % 64);
	return 0;
}

static int decl_tag_resolve(struct venv *env, struct frame *v)
{
	const struct btfx_type *t = v->t;
	uint32_t nid = t->type, vlen;
	unsigned next = kid(env, nid);
	int32_t ci;

	if (next == K_NULL ||
	    !(next == BTFX_KIND_FUNC || is_struct(next) || next == BTFX_KIND_VAR || next == BTFX_KIND_TYPEDEF) ||
	    next == K_VOID)
		return verr(env, BTFX_E_TAG, EINVAL, v->id, "Invalid type_id %u (not a func/struct/union/var/typedef)",
			    nid);
	if (!is_sink(env, next) && !is_resolved(env, nid))
		return push(env, nid, next);
	ci = btfx_decl_tag(t)->component_idx;
	if (ci != -1) {
		const struct btfx_type *nt = tby(env, nid);
		if (next == BTFX_KIND_VAR || next == BTFX_KIND_TYPEDEF)
			return verr(env, BTFX_E_TAG, EINVAL, v->id, "Invalid component_idx %d", ci);
		if (is_struct(next)) {
			vlen = btfx_vlen(nt);
		} else {
			const struct btfx_type *proto = tby(env, nt->type);
			vlen = proto ? btfx_vlen(proto) : 0;
		}
		if ((uint32_t)ci >= vlen)
			return verr(env, BTFX_E_TAG, EINVAL, v->id, "Invalid component_idx %d (vlen %u)", ci, vlen);
	}
	pop_resolved(env, nid, 0);
	return 0;
}

static int resolve_one(struct venv *env, struct frame *v)
{
	switch (v->kind) {
	case BTFX_KIND_PTR: case BTFX_KIND_TYPEDEF: case BTFX_KIND_VOLATILE: case BTFX_KIND_CONST:
	case BTFX_KIND_RESTRICT: case BTFX_KIND_TYPE_TAG: case BTFX_KIND_VAR:
		return ref_resolve(env, v);
	case BTFX_KIND_ARRAY:
		return array_resolve(env, v);
	case BTFX_KIND_STRUCT: case BTFX_KIND_UNION:
		return struct_resolve(env, v);
	case BTFX_KIND_DATASEC:
		return datasec_resolve(env, v);
	case BTFX_KIND_FUNC: {
		int e = func_check(env, v->id, v->t);
		if (e)
			return e;
		pop_resolved(env, v->t->type, 0);
		return 0;
	}
	case BTFX_KIND_DECL_TAG:
		return decl_tag_resolve(env, v);
	}
	return verr(env, BTFX_E_KIND, EINVAL, v->id, "Unsupported resolve");
}

static bool resolve_valid(struct venv *env, uint32_t id, unsigned k)
{
	if (!is_resolved(env, id))
		return false;
	if (is_struct(k) || k == BTFX_KIND_DATASEC)
		return !res_id(env, id) && !res_size(env, id);
	if (k == BTFX_KIND_DECL_TAG || k == BTFX_KIND_FUNC)
		return res_id(env, id) && !res_size(env, id);
	if (is_modifier(k) || k == BTFX_KIND_PTR || k == BTFX_KIND_VAR) {
		uint32_t rid = id;
		unsigned rk = id_resolve(env, &rid);
		return rk != K_NULL && !is_modifier(rk) && rk != BTFX_KIND_VAR && rk != BTFX_KIND_DATASEC;
	}
	if (k == BTFX_KIND_ARRAY) {
		const struct btfx_array *a = btfx_array(tby(env, id));
		uint32_t eid = a->type, esize = 0;
		unsigned ek = id_size(env, &eid, &esize);
		return ek != K_NULL && !is_modifier(ek) && a->nelems * esize == res_size(env, id);
	}
	return false;
}

/* btf_resolve: the DFS from own type id of kind k */
static int resolve(struct venv *env, uint32_t id, unsigned k)
{
	struct frame *v;
	int e;

	env->mode = RESOLVE_TBD;
	env->top = 0;
	e = push(env, id, k);
	while (!e && env->top) {
		v = &env->stack[env->top - 1];
		env->log_id = v->id;
		e = resolve_one(env, v);
	}
	env->log_id = id;
	if (e == -E2BIG)
		return verr(env, BTFX_E_DEPTH, E2BIG, id, "Exceeded max resolving depth:%u", MAX_RESOLVE_DEPTH);
	if (e == -EEXIST)
		return verr(env, BTFX_E_LOOP, EEXIST, id, "Loop detected (via type %u)",
			    env->top ? env->stack[env->top - 1].id : id);
	if (e)
		return e;
	if (!resolve_valid(env, id, k))
		return verr(env, BTFX_E_REF, EINVAL, id, "Invalid resolve state");
	return 0;
}

static int proto_check(struct venv *env, uint32_t id, const struct btfx_type *t)
{
	const struct btfx_param *p = btfx_params(t);
	uint32_t n = btfx_vlen(t);
	int e;

	if (t->type) {
		uint32_t rid = t->type;
		unsigned rk = kid(env, rid);
		if (rk == K_NULL || source_only(rk))
			return verr(env, BTFX_E_REF, EINVAL, id, "Invalid return type %u", rid);
		if (needs_resolve(rk) && !is_resolved(env, rid) && (e = resolve(env, rid, rk)))
			return e;
		if (id_size(env, &rid, NULL) == K_NULL)
			return verr(env, BTFX_E_REF, EINVAL, id, "Invalid return type %u", t->type);
	}
	if (!n)
		return 0;
	if (!env->ident && env->ident_pub)
		env->ident = __atomic_load_n(env->ident_pub, __ATOMIC_ACQUIRE);
	if (!p[n - 1].type) {
		if (p[n - 1].name_off)
			return verr(env, BTFX_E_REF, EINVAL, id, "Invalid arg#%u (named vararg)", n);
		n--;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint32_t aid = p[i].type;
		unsigned ak = kid(env, aid);
		if (ak == K_NULL || source_only(ak))
			return verr(env, BTFX_E_REF, EINVAL, id, "Invalid arg#%u (type %u)", i + 1, aid);
		if (p[i].name_off && (!name_off_valid(env->btf, p[i].name_off) || !name_valid_ident(env, p[i].name_off)))
			return verr(env, BTFX_E_NAME, EINVAL, id, "Invalid arg#%u (name)", i + 1);
		if (needs_resolve(ak) && !is_resolved(env, aid) && (e = resolve(env, aid, ak)))
			return e;
		if (id_size(env, &aid, NULL) == K_NULL)
			return verr(env, BTFX_E_REF, EINVAL, id, "Invalid arg#%u (type %u has no size)", i + 1, p[i].type);
	}
	return 0;
}

static int check_type_tags(struct venv *env)
{
	struct btfx *btf = env->btf;
	uint32_t n = btf->start_id + btf->nr_types;
	int64_t good = (int64_t)btf->start_id - 1;

	for (uint32_t i = btf->start_id; i < n; i++) {
		unsigned k = env->kinds[i - btf->start_id];
		const struct btfx_type *t;
		int limit = 32;
		uint32_t cur = i;
		bool in_tags;

		if (!is_modifier(k))
			continue; /* only modifier records are read */
		t = tby(env, i);
		in_tags = k == BTFX_KIND_TYPE_TAG;
		while (is_modifier(k)) {
			if (!limit--)
				return verr(env, BTFX_E_DEPTH, ELOOP, i, "Max chain length or cycle detected");
			if (k == BTFX_KIND_TYPE_TAG) {
				if (!in_tags)
					return verr(env, BTFX_E_TAG, EINVAL, i, "Type tags don't precede modifiers");
			} else if (in_tags) {
				in_tags = false;
			}
			if ((int64_t)cur <= good)
				break;
			cur = t->type;
			k = kid(env, cur);
			if (k == K_NULL)
				return verr(env, BTFX_E_REF, EINVAL, i, "Invalid type_id %u", cur);
			if (is_modifier(k))
				t = tby(env, cur);
		}
		good = i;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Driver                                                              */
/* ------------------------------------------------------------------ */

static int check_metas(struct venv *env, uint32_t from, uint32_t to)
{
	for (uint32_t id = from; id < to; id++) {
		int e;
		env->log_id = id;
		e = check_meta(env, id, btfx__type(env->btf, id));
		if (e)
			return e;
	}
	return 0;
}

/* Pass 1 on its own thread: build the identifier bitmap, publish it, check. */
struct meta_job {
	struct venv env;
	struct btfx_error err;
	uint64_t *ident;        /* published for pass 2 once built */
	int ret;
};

static void *meta_thread(void *arg)
{
	struct meta_job *j = arg;
	const struct btfx *btf = j->env.btf;
	uint64_t *bm = btf->hdr.str_len ? ident_bitmap(btf->strs, btf->hdr.str_len) : NULL;

	j->env.ident = bm;
	__atomic_store_n(&j->ident, bm, __ATOMIC_RELEASE);
	j->ret = check_metas(&j->env, btf->start_id, btf->start_id + btf->nr_types);
	return NULL;
}

static int check_all_types(struct venv *env)
{
	struct btfx *btf = env->btf;
	uint32_t n = btf->nr_types;
	int e = 0;

	for (uint32_t i = 0; i < n && !e; i++) {
		uint32_t id = btf->start_id + i;
		unsigned k = env->kinds[i];
		env->log_id = id;
		if (k >= BTFX_KIND_NR)
			continue;
		if (k == BTFX_KIND_FUNC && env->visit[i] != RESOLVED) {
			/*
			 * resolve() of a FUNC never pushes: func_check(), then the
			 * FUNC resolves to its proto, a non-zero id, which is what
			 * resolve_valid() asks.  Same effects without the stack.
			 */
			const struct btfx_type *t = btfx__type(btf, id);
			e = func_check(env, id, t);
			if (!e) {
				env->res[i].id = t->type;
				env->res[i].size = 0;
				env->visit[i] = RESOLVED;
			}
			continue;
		}
		if (needs_resolve(k) && env->visit[i] != RESOLVED)
			e = resolve(env, id, k);
		if (!e && k == BTFX_KIND_FUNC_PROTO)
			e = proto_check(env, id, btfx__type(btf, id));
	}
	if (!e)
		e = check_type_tags(env);
	return e;
}

/*
 * Large BTFs: pass 1 runs on a second thread while this one runs pass 2.
 * Pass 2 reads only what the framing guarantees (every record inside the
 * type section, every id checked against the type count before use), so
 * it is safe on input that pass 1 rejects; it writes only its own state.
 * Verdicts are those of the sequential order: a pass-1 error wins, else
 * pass 2's first error, else none.
 */
#define PARALLEL_MIN_TYPES 20000

int btfx__validate(struct btfx *btf, struct btfx_error *err)
{
	struct venv env = { .btf = btf, .err = err, .start = btf->start_id, .nr = btf->nr_types, .kinds = btf->kinds };
	uint32_t n = btf->nr_types, words = n / 64 + 1;
	struct meta_job job;
	pthread_t th;
	bool threaded = false;
	uint64_t *ident = NULL;
	int e = 0;

	kctype_init();
	env.object = btf->flags & BTFX_F_OBJECT;
	for (const struct btfx *b = btf; b; b = b->base)
		if (b->layout)
			env.wide = true;
	if ((uint64_t)btf->start_id + n > BTFX_MAX_TYPE)
		return btfx_set_err(err, BTFX_E_LIMIT, E2BIG, BTFX_MAX_TYPE, -1,
				    "Exceeded max num of types: %u types (kernel limit: ids below %u)", n, BTFX_MAX_TYPE);
	/* one zeroed block: resolved pairs (kept in btf->res), proto marks, visit states */
	btf->res = calloc(1, (size_t)n * sizeof(*btf->res) + 8 + (size_t)words * 8 + n);
	if (!btf->res)
		return btfx_set_err(err, BTFX_E_NOMEM, ENOMEM, 0, -1, "out of memory");
	env.res = btf->res;
	env.proto_named = (uint64_t *)(btf->res + n + 1);
	env.visit = (uint8_t *)(env.proto_named + words);

	if (n >= PARALLEL_MIN_TYPES) {
		job.env = env;
		job.env.err = &job.err;
		memset(&job.err, 0, sizeof(job.err));
		job.ident = NULL;
		threaded = !pthread_create(&th, NULL, meta_thread, &job);
	}
	if (threaded) {
		env.ident_pub = &job.ident;
		e = check_all_types(&env);
		pthread_join(th, NULL);
		ident = job.ident;
		if (job.ret) {
			if (err)
				*err = job.err;
			e = job.ret;
		}
	} else {
		if (btf->hdr.str_len)
			env.ident = ident = ident_bitmap(btf->strs, btf->hdr.str_len);
		e = check_metas(&env, btf->start_id, btf->start_id + n);
		if (!e)
			e = check_all_types(&env);
	}
	free(ident);
	if (e) {
		free(btf->res);
		btf->res = NULL;
	}
	return e;
}
