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
 *  - More than 0xffffe types is an error (E_LIMIT).  The kernel (6.18)
 *    ignores the failure of btf_add_type(), drops the extra types silently
 *    and accepts the blob unless something references them.
 *  - The kernel's special-field records (btf_parse_struct_metas: structs
 *    embedding bpf_spin_lock, bpf_list_head, bpf_rb_root, bpf_refcount, ...,
 *    their counts, "contains:" tags, sizes and alignment) are not checked.
 *  - BTFX_F_OBJECT accepts BTF as clang leaves it in BPF objects before
 *    libbpf's fix-ups: DATASEC size 0 and unset offsets, FUNCs in .ksyms
 *    DATASECs, extern FUNC/VAR linkage, unnamed params of extern FUNCs.
 *
 * Speed.  A vmlinux BTF has ~130k types in ~3 MiB of records and ~2 MiB of
 * strings, and the cost is memory traffic, so the fast paths change where
 * facts are read from, never the order of the checks: the verdict and the
 * first error are those of the plain algorithm above, on every input.
 *  - Pass 2 takes kinds and visit states from one byte per type (slot[],
 *    filled from btf->kinds[], which the framing in btf.c records) instead
 *    of the type records; a record is read only for a field a check needs.
 *    Resolved ids and sizes share one word per type (res_word()).
 *  - Names: a bitmap, built in one pass over the string section, marks the
 *    strings that are plain ASCII identifiers; the rest take the byte loop.
 *  - Common records pass pass 1 in a few compares (meta_quick()).
 *  - Large BTFs (btfx__validate_start()) get a helper thread, started
 *    before the framing on another CPU: it frames the tail of the type
 *    section (btfx__vjob_frame_split()), builds the bitmap, runs the
 *    modifier chain check, then pass 1 from the last type down while this
 *    thread runs pass 2 from the first up.  On the way it computes the
 *    pass-2 facts that depend on records alone (pre[]: func_check()
 *    verdicts, param names and sizes, FUNC_PROTOs proto_check() can only
 *    pass, static member placement), which pass 2 uses where they are
 *    ready.  Pass 2 done, this thread takes the rest of pass 1 from the
 *    front.  A pass-1 error wins over a pass-2 one, and a pass-2 error
 *    over the chain check's, as in the sequential order.
 *    BTFX_F_SINGLE_THREAD keeps it all on the caller's thread.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpuid.h>
#include <immintrin.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>

#include "image.h"
#include "internal.h"

#define MAX_RESOLVE_DEPTH 32
#define KSYM_NAME_LEN 512
#define BITS_ROUNDUP_BYTES(b) (((b) >> 3) + !!((b) & 7))
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
 * Kinds as the walk sees them: 5-bit codes.  Void (id 0) is the only type
 * of kind 0, since the framing rejects kind 0 records; K_NULL stands for an
 * id that btf_type_by_id() would not find (NULL in the kernel); K_OPAQUE
 * for every kind past the known ones (sized by a layout section), which
 * the walk treats alike.  Kind predicates are one lookup in kclass[].
 */
#define K_VOID 0u
#define K_NULL 30u
#define K_OPAQUE 31u
#define KCODE(k) ((k) < BTFX_KIND_NR ? (k) : K_OPAQUE)
enum {
	KC_MOD = 1 << 0,     /* typedef, volatile, const, restrict, type_tag */
	KC_STRUCT = 1 << 1,  /* struct, union */
	KC_NOSIZE = 1 << 2,  /* void, fwd, func, func_proto */
	KC_SIZED = 1 << 3,   /* btf_type_has_size(): int, struct, union, enum, datasec, float, enum64 */
	KC_SOURCE = 1 << 4,  /* var, decl_tag, datasec: only ever resolve sources */
	KC_RESOLVE = 1 << 5, /* btf_type_needs_resolve() */
	KC_NULL = 1 << 6,    /* K_NULL */
	KC_PTR = 1 << 7,
	KC_ARRAY = 1 << 8,
	KC_VAR = 1 << 9,
	KC_STATIC_MEMBER = 1 << 10, /* check_member() of it reads records only (see PRE_MEMBERS_OK) */
};
static const uint16_t kclass[32] = {
	[K_VOID] = KC_NOSIZE,
	[BTFX_KIND_INT] = KC_SIZED | KC_STATIC_MEMBER,
	[BTFX_KIND_PTR] = KC_PTR | KC_RESOLVE | KC_STATIC_MEMBER,
	[BTFX_KIND_ARRAY] = KC_ARRAY | KC_RESOLVE,
	[BTFX_KIND_STRUCT] = KC_STRUCT | KC_SIZED | KC_RESOLVE | KC_STATIC_MEMBER,
	[BTFX_KIND_UNION] = KC_STRUCT | KC_SIZED | KC_RESOLVE | KC_STATIC_MEMBER,
	[BTFX_KIND_ENUM] = KC_SIZED | KC_STATIC_MEMBER,
	[BTFX_KIND_FWD] = KC_NOSIZE,
	[BTFX_KIND_TYPEDEF] = KC_MOD | KC_RESOLVE,
	[BTFX_KIND_VOLATILE] = KC_MOD | KC_RESOLVE,
	[BTFX_KIND_CONST] = KC_MOD | KC_RESOLVE,
	[BTFX_KIND_RESTRICT] = KC_MOD | KC_RESOLVE,
	[BTFX_KIND_FUNC] = KC_NOSIZE | KC_RESOLVE,
	[BTFX_KIND_FUNC_PROTO] = KC_NOSIZE,
	[BTFX_KIND_VAR] = KC_VAR | KC_SOURCE | KC_RESOLVE,
	[BTFX_KIND_DATASEC] = KC_SIZED | KC_SOURCE | KC_RESOLVE,
	[BTFX_KIND_FLOAT] = KC_SIZED | KC_STATIC_MEMBER,
	[BTFX_KIND_DECL_TAG] = KC_SOURCE | KC_RESOLVE,
	[BTFX_KIND_TYPE_TAG] = KC_MOD | KC_RESOLVE,
	[BTFX_KIND_ENUM64] = KC_SIZED | KC_STATIC_MEMBER,
	[K_NULL] = KC_NULL,
};
#define KC_DIRECT_SIZE (KC_SIZED | KC_PTR | KC_ARRAY) /* btf_type_id_size() without a hop */

static bool is_modifier(unsigned k) { return kclass[k] & KC_MOD; }
static bool is_struct(unsigned k) { return kclass[k] & KC_STRUCT; }
static bool nosize_or_null(unsigned k) { return kclass[k] & (KC_NOSIZE | KC_NULL); }
static bool has_size(unsigned k) { return kclass[k] & KC_SIZED; }
static bool source_only(unsigned k) { return kclass[k] & KC_SOURCE; }
static bool needs_resolve(unsigned k) { return kclass[k] & KC_RESOLVE; }

/*
 * Pass 2's working set per own type in one byte, so that the slots of a
 * large BTF stay in cache: the kind code, the visit state and a
 * func_check() mark.
 */
#define S_KIND 0x1fu
#define S_VISIT(v) ((unsigned)(v) << 5)
#define S_VISIT_MASK S_VISIT(3)
#define S_PROTO_NAMED 0x80u  /* FUNC_PROTO with every (non-vararg) param named */

/* resolve modes: the kinds that are not sinks (btf_type_is_resolve_sink()) */
static const uint16_t nonsink[] = {
	[RESOLVE_TBD] = KC_RESOLVE,
	[RESOLVE_PTR] = KC_MOD | KC_PTR,
	[RESOLVE_STRUCT_OR_ARRAY] = KC_MOD | KC_ARRAY | KC_STRUCT,
};


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
	uint8_t *slot;                /* pass 2: per own type */
	uint8_t *pre;                 /* facts from pass 1's thread (see PRE_*) */
	uint32_t *progress;         /* pre[] is final from *progress up (atomic) */
	uint32_t pre_seen;          /* last *progress read */
	uint32_t *pass2_at;         /* pass 2 has checked the types below (atomic, a hint) */
	uint32_t *res;              /* btf->res */
	const uint64_t *ident;      /* identifier bitmap over own strings, or NULL */
	uint64_t **ident_pub;       /* where pass 1's thread publishes it (pass 2) */
	uint32_t str_off, str_len;  /* own string section */
	uint64_t *hop_memo;         /* pre_hop() results of modifiers (helper thread) */
	struct frame stack[MAX_RESOLVE_DEPTH];
	int top;
	int mode;
	unsigned nonsink;           /* nonsink[mode] */
	bool object;
	bool wide;      /* 2026 info encoding (layout section present) */
	uint32_t log_id;
	uint32_t midx;  /* member being checked, for messages */
	uint32_t pre_from, pre_done; /* helper: pre[] it made: [pre_from, log_id) and from pre_done up */
};

/*
 * Facts of pass 2 that depend on records alone, computed on pass 1's
 * walk by the helper thread, so that pass 2 need not chase them through
 * memory: pre[i] per own type.  The helper walks from the last type down,
 * and pass 2 trusts pre[i] only from the published progress up, and
 * computes the fact itself otherwise, so the result is the same either
 * way.
 */
#define PRE_FUNC_OK 1       /* FUNC: func_check() passes */
#define PRE_PARAMS_NAMED 2  /* FUNC_PROTO: no unnamed non-vararg param (func_check's loop) */
#define PRE_NAMES_OK 4      /* FUNC_PROTO: proto_check() finds every param name valid */
#define PRE_MEMBERS_OK 8    /* STRUCT/UNION: check_member() passes for every member of a KC_PRE_MEMBER kind */
#define PRE_SIZED 16        /* FUNC_PROTO: btf_type_id_size() finds the return and param types sized */
#define PRE_SKIP 32         /* FUNC_PROTO: proto_check() passes without resolving anything (see pre_proto()) */
#define KC_PRE_MEMBER (KC_STATIC_MEMBER | KC_MOD)
#define HOP_MEMO_SIZE 8192  /* pre_hop() memo entries: modifier id, landing id and kind */

static const struct btfx_type void_t;

/* pre[i] may be used */
static inline bool pre_ready(struct venv *env, uint32_t i)
{
	if (!env->progress)
		return false;
	if (i >= env->pre_seen)
		return true;
	env->pre_seen = __atomic_load_n(env->progress, __ATOMIC_ACQUIRE);
	return i >= env->pre_seen;
}


/* btf_type_by_id: NULL when out of range; void for 0. */
static const struct btfx_type *tby(const struct venv *env, uint32_t id)
{
	if (id == 0)
		return &void_t;
	if (id >= env->start + env->nr)
		return NULL;
	return btfx__type(env->btf, id);
}

/* the size/type word of the record of a valid id (not 0) */
static inline uint32_t word(const struct venv *env, uint32_t id)
{
	return tby(env, id)->size;
}

/* kind of a base id (or void) */
static unsigned base_kind(const struct venv *env, uint32_t id)
{
	const struct btfx *b = env->btf;

	if (!id)
		return K_VOID;
	do
		b = b->base;
	while (id < b->start_id);
	return KCODE(b->kinds[id - b->start_id]);
}

/*
 * Kind (S_KIND bits) and visit state (S_VISIT_MASK bits) of any id in one
 * read: K_NULL where tby() is NULL; void and the base's ids are resolved,
 * as env_type_is_resolved() has it.
 */
static inline unsigned ks(const struct venv *env, uint32_t id)
{
	if (id - env->start < env->nr)
		return env->slot[id - env->start];
	if (id >= env->start)
		return K_NULL;
	return base_kind(env, id) | S_VISIT(RESOLVED);
}

/* btfx_kind(tby(id)) without reading the record; K_NULL where tby() is NULL */
static inline unsigned kid(const struct venv *env, uint32_t id)
{
	return ks(env, id) & S_KIND;
}

static inline bool ks_resolved(unsigned s) { return (s & S_VISIT_MASK) == S_VISIT(RESOLVED); }

/* kid() from btf->kinds[], for the threads that have no slots */
static inline unsigned kind_any(const struct venv *env, uint32_t id)
{
	if (id - env->start < env->nr)
		return KCODE(env->kinds[id - env->start]);
	if (id >= env->start)
		return K_NULL;
	return base_kind(env, id);
}

static inline bool name_off_valid(const struct btfx *btf, uint32_t off)
{
	if (off - btf->start_str_off < btf->hdr.str_len && off <= BTFX_MAX_NAME_OFFSET)
		return true; /* an own string, the usual case */
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
 * Identifier bitmap over the own string section: the bit of offset o
 * (bit 63 - o % 64 of word o / 64) is set when o starts a string (o == 0
 * or a NUL before it) of 1..KSYM_NAME_LEN ASCII bytes [A-Za-z0-9_.]
 * whose first byte is not a digit.  Those are exactly the valid
 * identifiers without bytes >= 0x80, so a set bit means "valid".  A clear
 * bit decides nothing (an offset inside a string, Latin-1 letters, which
 * the kernel's ctype accepts, or an invalid name): the byte loop does.
 * Lookups then hit a 1/8-size bitmap instead of random strings.
 *
 * Built in one pass from the last 64-byte block to the first, with the
 * bytes of each block reversed, so that bit r of a block's masks is byte
 * 63 - r and a string runs from its NUL up to its first byte.  Adding the
 * non-identifier marks to the non-NUL mask carries each one up to the
 * first byte of its string (FILL), and a start is valid when FILL leaves
 * it clean: no loop per string.  The length limit takes the run of
 * non-NUL bytes above each block (TAIL) into account.
 */
static inline __m128i rev_bytes(__m128i v)
{
	v = _mm_shuffle_epi32(v, _MM_SHUFFLE(0, 1, 2, 3));
	v = _mm_shufflelo_epi16(v, _MM_SHUFFLE(2, 3, 0, 1));
	v = _mm_shufflehi_epi16(v, _MM_SHUFFLE(2, 3, 0, 1));
	return _mm_or_si128(_mm_slli_epi16(v, 8), _mm_srli_epi16(v, 8));
}

/* the masks of a 64-byte block, bytes reversed: NULs, non-identifier bytes, digits */
static inline __attribute__((always_inline)) void block_masks_sse2(const char *p, uint64_t *nul, uint64_t *other,
								      uint64_t *digit)
{
	*nul = *other = *digit = 0;
	for (int q = 0; q < 4; q++) {
		__m128i v = rev_bytes(_mm_loadu_si128((const __m128i *)(p + 16 * (3 - q))));
		__m128i low = _mm_or_si128(v, _mm_set1_epi8(0x20));
		/* signed compares: bytes >= 0x80 are negative, in no class */
		__m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(low, _mm_set1_epi8(0x60)),
					      _mm_cmplt_epi8(low, _mm_set1_epi8(0x7b)));
		__m128i d = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(0x2f)), _mm_cmplt_epi8(v, _mm_set1_epi8(0x3a)));
		__m128i z = _mm_cmpeq_epi8(v, _mm_setzero_si128());
		__m128i keep = _mm_or_si128(_mm_or_si128(alpha, d), _mm_or_si128(z, _mm_or_si128(
					    _mm_cmpeq_epi8(v, _mm_set1_epi8('_')), _mm_cmpeq_epi8(v, _mm_set1_epi8('.')))));

		*nul |= (uint64_t)(unsigned)_mm_movemask_epi8(z) << (16 * q);
		*other |= (uint64_t)(~(unsigned)_mm_movemask_epi8(keep) & 0xffff) << (16 * q);
		*digit |= (uint64_t)(unsigned)_mm_movemask_epi8(d) << (16 * q);
	}
}

/*
 * The same with AVX2: a byte's class is the AND of two 16-entry tables,
 * one indexed by its low nibble, one by its high nibble.  Bits: 0x01 A-O
 * a-o, 0x02 P-Z p-z, 0x04 '_', 0x08 '.', 0x10 NUL, 0x80 digit; zero for
 * every other byte (bytes >= 0x80 have a high nibble with no bits).
 */
static inline __attribute__((always_inline, target("avx2"))) void block_masks_avx2(const char *p, uint64_t *nul,
											 uint64_t *other, uint64_t *digit)
{
	const __m256i rev = _mm256_setr_epi8(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11,
					     10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
	const __m256i lo_t = _mm256_setr_epi8(0x92, 0x83, 0x83, 0x83, 0x83, 0x83, 0x83, 0x83, 0x83, 0x83, 0x03, 0x01,
					      0x01, 0x01, 0x09, 0x05, 0x92, 0x83, 0x83, 0x83, 0x83, 0x83, 0x83, 0x83,
					      0x83, 0x83, 0x03, 0x01, 0x01, 0x01, 0x09, 0x05);
	const __m256i hi_t = _mm256_setr_epi8(0x10, 0, 0x08, 0x80, 0x01, 0x06, 0x01, 0x02, 0, 0, 0, 0, 0, 0, 0, 0,
					      0x10, 0, 0x08, 0x80, 0x01, 0x06, 0x01, 0x02, 0, 0, 0, 0, 0, 0, 0, 0);
	const __m256i nib = _mm256_set1_epi8(0x0f);
	uint64_t m[3] = { 0, 0, 0 };

	for (int h = 0; h < 2; h++) { /* reversed: bytes 63..32 first */
		__m256i v = _mm256_loadu_si256((const __m256i *)(p + 32 * (1 - h)));
		__m256i cls;

		v = _mm256_permute4x64_epi64(_mm256_shuffle_epi8(v, rev), 0x4e);
		cls = _mm256_and_si256(_mm256_shuffle_epi8(lo_t, _mm256_and_si256(v, nib)),
				       _mm256_shuffle_epi8(hi_t, _mm256_and_si256(_mm256_srli_epi16(v, 4), nib)));
		m[0] |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_setzero_si256())) << (32 * h);
		m[1] |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(cls, _mm256_setzero_si256()))
			<< (32 * h);
		m[2] |= (uint64_t)(uint32_t)_mm256_movemask_epi8(cls) << (32 * h);
	}
	*nul = m[0];
	*other = m[1];
	*digit = m[2];
}

typedef void block_masks_fn(const char *p, uint64_t *nul, uint64_t *other, uint64_t *digit);

static inline __attribute__((always_inline)) uint64_t *ident_bitmap_with(const char *s, uint32_t len,
									 block_masks_fn *masks)
{
	uint32_t words = (len + 63) / 64, tail = 0; /* non-NUL bytes from the block above up */
	uint64_t *bm = malloc((size_t)(words ? words : 1) * sizeof(*bm));
	uint64_t poison = 0; /* the string at the bottom of the block above has a bad byte */
	char last[64];

	if (!bm)
		return NULL;
	for (uint32_t w = words; w-- > 0;) {
		const char *p = s + (size_t)w * 64;
		uint64_t nul, other, digit, nn, bad, fill, start;

		if (len - w * 64 < 64) { /* last block: zero padding */
			memset(last, 0, sizeof(last));
			memcpy(last, p, len - w * 64);
			p = last;
		}
		masks(p, &nul, &other, &digit);
		nn = ~nul;
		bad = (other | poison) & nn;
		fill = (((nn + bad) ^ nn) | bad) & nn; /* each mark up to its string's first byte */
		start = nul >> 1 | (uint64_t)(w == 0 || !s[(size_t)w * 64 - 1]) << 63;
		bm[w] = start & nn & ~fill & ~digit;
		if (nul) {
			unsigned top = (unsigned)__builtin_ctzll(nul); /* bytes of the string the block above goes on with */
			if (top && top + tail > KSYM_NAME_LEN)
				bm[w] &= ~(1ull << (top - 1));
			tail = (unsigned)__builtin_clzll(nul);
		} else { /* one string through: it may start at the block's first byte */
			if (tail + 64 > KSYM_NAME_LEN)
				bm[w] &= ~(1ull << 63);
			tail = tail + 64 < 2 * KSYM_NAME_LEN ? tail + 64 : 2 * KSYM_NAME_LEN;
		}
		poison = fill >> 63;
	}
	return bm;
}

static uint64_t *ident_bitmap_sse2(const char *s, uint32_t len)
{
	return ident_bitmap_with(s, len, block_masks_sse2);
}

static __attribute__((target("avx2"))) uint64_t *ident_bitmap_avx2(const char *s, uint32_t len)
{
	return ident_bitmap_with(s, len, block_masks_avx2);
}

/*
 * AVX2 usable: the CPU has it (CPUID.7.0:EBX bit 5) and the OS saves the
 * YMM state (OSXSAVE, XCR0 bits 1-2).  Asked on first use, not by a
 * constructor at every program start (cpuid traps to the hypervisor in a VM).
 */
static bool have_avx2(void)
{
	static int cached = -1; /* a benign race: every thread computes the same */
	unsigned a, b, c, d;
	int v = 0;

	if (__atomic_load_n(&cached, __ATOMIC_RELAXED) >= 0)
		return cached;
	if (__get_cpuid(1, &a, &b, &c, &d) && (c & bit_OSXSAVE) && (c & bit_AVX)) {
		unsigned lo, hi;

		__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
		if ((lo & 6) == 6 && __get_cpuid_count(7, 0, &a, &b, &c, &d))
			v = !!(b & bit_AVX2);
	}
	__atomic_store_n(&cached, v, __ATOMIC_RELAXED);
	return v;
}

static uint64_t *ident_bitmap(const char *s, uint32_t len)
{
	return have_avx2() ? ident_bitmap_avx2(s, len) : ident_bitmap_sse2(s, len);
}

/* btf_name_valid_identifier() of a valid name offset: bitmap, else bytes */
static inline bool name_valid_ident(const struct venv *env, uint32_t off)
{
	uint32_t o = off - env->str_off;

	if (o < env->str_len && env->ident && (env->ident[o / 64] >> (63 - o % 64) & 1))
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

/*
 * The kernel keeps a resolved id and a resolved size per type; the size is
 * non-zero only for arrays, and an array's resolved id is never asked for
 * (an array always has a size, so no caller hops through it).  One word
 * per type holds both: the size of an ARRAY, the id of anything else.
 * Ids of a base that was not validated resolve to 0, as before.
 */
static uint32_t res_word(const struct venv *env, uint32_t id)
{
	const struct btfx *btf = env->btf;

	if (id - env->start < env->nr)
		return env->res[id - env->start];
	if (!id)
		return 0;
	while (id < btf->start_id)
		btf = btf->base;
	return btf->res ? btf->res[id - btf->start_id] : 0;
}

static bool is_resolved(const struct venv *env, uint32_t id)
{
	if (id < env->start)
		return true;
	return ks_resolved(env->slot[id - env->start]);
}

static bool is_sink(const struct venv *env, unsigned next)
{
	return !(kclass[next] & env->nonsink);
}

/* size of a kind k with KC_DIRECT_SIZE at id: the record's size, the resolved array size, or 8 */
static uint32_t kind_size(const struct venv *env, uint32_t id, unsigned k)
{
	if (has_size(k))
		return word(env, id);
	if (k == BTFX_KIND_ARRAY)
		return res_word(env, id);
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

	if (!(kclass[k] & KC_DIRECT_SIZE)) {
		if (!(kclass[k] & (KC_MOD | KC_VAR)))
			return K_NULL; /* no size: void, fwd, func, proto, decl_tag, NULL, unknown */
		sid = res_word(env, sid); /* a modifier's or var's resolved id */
		k = kid(env, sid);
		if (!(kclass[k] & KC_DIRECT_SIZE))
			return K_NULL;
	}
	*id = sid;
	if (ret_size)
		*ret_size = kind_size(env, sid, k);
	return k;
}

/* the resolved id of a type that is not an array */
static unsigned id_resolve(const struct venv *env, uint32_t *id)
{
	*id = res_word(env, *id);
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
			last_end = (uint32_t)(v[i].offset + v[i].size); /* u32, as the kernel adds them */
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
	if (id < env->start || (env->slot[id - env->start] & S_VISIT_MASK) != S_VISIT(NOT_VISITED))
		return -EEXIST;
	env->slot[id - env->start] |= S_VISIT(VISITED);
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
		env->nonsink = nonsink[env->mode];
	}
	return 0;
}

static void pop_resolved(struct venv *env, uint32_t rid, uint32_t rsize)
{
	uint32_t id = env->stack[--env->top].id, i = id - env->start;

	env->res[i] = env->stack[env->top].kind == BTFX_KIND_ARRAY ? rsize : rid; /* see res_word() */
	env->slot[i] = (env->slot[i] & ~S_VISIT_MASK) | S_VISIT(RESOLVED);
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
		uint32_t fsize = word(env, m->type);
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
		msize = word(env, m->type);
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
		if (id_size(env, &nid, NULL) == K_NULL) {
			/* clang's typeless ksym: `extern const void sym __ksym;` (libbpf resolves it) */
			if (env->object && btfx_var(t)->linkage == BTFX_LINKAGE_EXTERN) {
				pop_resolved(env, 0, 0);
				return 0;
			}
			return verr(env, BTFX_E_REF, EINVAL, v->id, "Invalid type_id (variable of unsized type)");
		}
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
	/* members of KC_PRE_MEMBER kinds were checked by pass 1's thread (pre[]) */
	unsigned checked = pre_ready(env, v->id - env->start) && (env->pre[v->id - env->start] & PRE_MEMBERS_OK) ?
			   KC_PRE_MEMBER : 0;
	int e;

	if (v->next_member) {
		const struct btfx_member *last = &m[v->next_member - 1];
		unsigned lk = kid(env, last->type);
		env->midx = v->next_member - 1;
		if (!is_resolved(env, last->type))
			return verr(env, BTFX_E_MEMBER, EINVAL, v->id, "member type %u not resolved", last->type);
		if (!(kclass[lk] & checked) && (e = check_member(env, t, last, lk, kf)))
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
		if (!(kclass[mk] & checked) && (e = check_member(env, t, &m[i], mk, kf)))
			return e;
	}
	pop_resolved(env, 0, 0);
	return 0;
}

static int datasec_resolve(struct venv *env, struct frame *v)
{
	const struct btfx_var_secinfo *vs = btfx_secinfos(v->t);
	uint32_t vlen = btfx_vlen(v->t);

	/* the kernel's btf_datasec_resolve() starts every (re)entry afresh */
	env->mode = RESOLVE_TBD;
	env->nonsink = nonsink[RESOLVE_TBD];
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
		tid = word(env, vid);
		if (id_size(env, &tid, &tsize) == K_NULL) {
			if (env->object && btfx_var(tby(env, vid))->linkage == BTFX_LINKAGE_EXTERN)
				continue; /* typeless ksym */
			return verr(env, BTFX_E_DATASEC, EINVAL, v->id, "var #%u: Invalid type", i);
		}
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
 * its slot (S_PROTO_NAMED) and the other FUNCs of that prototype skip its
 * record.
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
	if (is_own && (env->slot[own] & S_PROTO_NAMED))
		return 0;
	proto = tby(env, pid);
	p = btfx_params(proto);
	for (uint32_t i = 0; i < btfx_vlen(proto); i++)
		if (!p[i].name_off && p[i].type)
			return verr(env, BTFX_E_NAME, EINVAL, id, "Invalid arg#%u (unnamed parameter)", i + 1);
	if (is_own)
		env->slot[own] |= S_PROTO_NAMED;
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
		return !res_word(env, id); /* resolved id and size 0 */
	if (k == BTFX_KIND_DECL_TAG || k == BTFX_KIND_FUNC)
		return res_word(env, id) != 0; /* resolved id set, size 0 */
	if (is_modifier(k) || k == BTFX_KIND_PTR || k == BTFX_KIND_VAR) {
		uint32_t rid = id;
		unsigned rk = id_resolve(env, &rid);
		return rk != K_NULL && !is_modifier(rk) && rk != BTFX_KIND_VAR && rk != BTFX_KIND_DATASEC;
	}
	if (k == BTFX_KIND_ARRAY) {
		const struct btfx_array *a = btfx_array(tby(env, id));
		uint32_t eid = a->type, esize = 0;
		unsigned ek = id_size(env, &eid, &esize);
		return ek != K_NULL && !is_modifier(ek) && a->nelems * esize == res_word(env, id);
	}
	return false;
}

/* btf_resolve: the DFS from own type id of kind k */
static int resolve(struct venv *env, uint32_t id, unsigned k)
{
	struct frame *v;
	int e;

	env->mode = RESOLVE_TBD;
	env->nonsink = nonsink[RESOLVE_TBD];
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
	/* facts from pass 1's thread: names valid, id_size() succeeding */
	unsigned pre = pre_ready(env, id - env->start) ? env->pre[id - env->start] : 0;
	bool names_ok = pre & PRE_NAMES_OK, sized = pre & PRE_SIZED;
	int e;

	if (t->type) {
		uint32_t rid = t->type;
		unsigned rk = kid(env, rid);
		if (rk == K_NULL || source_only(rk))
			return verr(env, BTFX_E_REF, EINVAL, id, "Invalid return type %u", rid);
		if (needs_resolve(rk) && !is_resolved(env, rid) && (e = resolve(env, rid, rk)))
			return e;
		if (!sized && id_size(env, &rid, NULL) == K_NULL)
			return verr(env, BTFX_E_REF, EINVAL, id, "Invalid return type %u", t->type);
	}
	if (!n)
		return 0;
	if (!names_ok && !env->ident && env->ident_pub)
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
		if (p[i].name_off && !names_ok &&
		    (!name_off_valid(env->btf, p[i].name_off) || !name_valid_ident(env, p[i].name_off)))
			return verr(env, BTFX_E_NAME, EINVAL, id, "Invalid arg#%u (name)", i + 1);
		if (needs_resolve(ak) && !is_resolved(env, aid) && (e = resolve(env, aid, ak)))
			return e;
		if (!sized && id_size(env, &aid, NULL) == K_NULL)
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
		unsigned k = KCODE(env->kinds[i - btf->start_id]);
		int limit = 32;
		uint32_t cur = i;
		bool in_tags;

		if (!is_modifier(k))
			continue;
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
			cur = word(env, cur);
			k = kind_any(env, cur);
			if (k == K_NULL)
				return verr(env, BTFX_E_REF, EINVAL, i, "Invalid type_id %u", cur);
		}
		good = i;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Driver                                                              */
/* ------------------------------------------------------------------ */

/*
 * check_meta() == 0 for the commonest records, decided in a few compares:
 * an info word with nothing but the kind (and vlen or linkage where
 * allowed), and a name as the kind wants it.  false means "ask
 * check_meta()", which then finds the first error in its own order.
 */
static inline __attribute__((always_inline)) bool meta_quick(const struct venv *env, const struct btfx_type *t, unsigned k)
{
	switch (k) {
	case BTFX_KIND_FUNC: /* linkage static or global, named */
		return (t->info & ~1u) == (unsigned)BTFX_KIND_FUNC << 24 && t->name_off &&
		       name_off_valid(env->btf, t->name_off) && name_valid_ident(env, t->name_off);
	case BTFX_KIND_FUNC_PROTO: /* anonymous, no kind_flag; the params are pass 2's */
		return (t->info & ~0xffffu) == (unsigned)BTFX_KIND_FUNC_PROTO << 24 && !t->name_off &&
		       name_off_valid(env->btf, 0);
	case BTFX_KIND_PTR: case BTFX_KIND_CONST: case BTFX_KIND_VOLATILE: case BTFX_KIND_RESTRICT:
		return t->info == k << 24 && !t->name_off && TYPE_ID_VALID(t->type) && name_off_valid(env->btf, 0);
	case BTFX_KIND_TYPEDEF:
		return t->info == k << 24 && t->name_off && TYPE_ID_VALID(t->type) &&
		       name_off_valid(env->btf, t->name_off) && name_valid_ident(env, t->name_off);
	}
	return false;
}

static int check_metas(struct venv *env, uint32_t from, uint32_t to)
{
	for (uint32_t id = from; id < to; id++) {
		const struct btfx_type *t = btfx__type(env->btf, id);
		int e;

		if (meta_quick(env, t, btfx_kind(t)))
			continue;
		env->log_id = id;
		e = check_meta(env, id, t);
		if (e)
			return e;
	}
	return 0;
}


static bool params_named(const struct btfx_type *proto)
{
	const struct btfx_param *p = btfx_params(proto);

	for (uint32_t i = 0; i < btfx_vlen(proto); i++)
		if (!p[i].name_off && p[i].type)
			return false;
	return true;
}

/*
 * The id where pass 2's btf_type_id_size() lands from id once id is
 * resolved, told from the records: id itself for a kind with a size (or a
 * ptr, array); for an own modifier chain its first non-modifier, since
 * resolving a chain resolves every link to that.  0 when unsure: a base
 * modifier (its resolved id is the base's), a chain past the resolve
 * depth, an end without a size.
 */
static uint32_t pre_hop_chain(const struct venv *env, uint32_t id, unsigned k, unsigned *kind)
{
	uint64_t *memo = env->hop_memo ? &env->hop_memo[id % HOP_MEMO_SIZE] : NULL;
	uint32_t from = id;

	/* the same typedefs come back for many members and params */
	if (memo && (uint32_t)*memo == id) {
		*kind = (unsigned)(*memo >> 59);
		return (uint32_t)(*memo >> 32) & 0x7ffffffu;
	}
	for (int left = MAX_RESOLVE_DEPTH; is_modifier(k); left--) {
		if (!left || id - env->start >= env->nr) {
			id = 0;
			break;
		}
		id = tby(env, id)->type;
		k = kind_any(env, id);
	}
	if (id && !(kclass[k] & KC_DIRECT_SIZE))
		id = 0;
	if (memo && id <= BTFX_MAX_TYPE) /* ids above do not fit, and are not worth it */
		*memo = (uint64_t)k << 59 | (uint64_t)id << 32 | from;
	*kind = k;
	return id;
}

static inline uint32_t pre_hop(const struct venv *env, uint32_t id, unsigned *kind)
{
	unsigned k = kind_any(env, id);

	if (kclass[k] & KC_DIRECT_SIZE) { /* most types: no hop */
		*kind = k;
		return id;
	}
	return pre_hop_chain(env, id, k, kind);
}

/*
 * A reference of proto id that proto_check() takes without a resolve: an
 * earlier id (pass 2 resolved every earlier type in its turn, or stopped
 * at an error) of a kind it accepts.
 */
static inline bool pre_backref(const struct venv *env, uint32_t id, uint32_t ref)
{
	unsigned k = kind_any(env, ref);

	return ref < id && k != K_NULL && !source_only(k);
}

/*
 * pre[] of FUNC_PROTO id.  PRE_SKIP: proto_check() returns 0 and changes
 * nothing, in pass 2's turn of id (no error before it): every reference
 * is earlier and sized, every name valid, no named vararg.
 */
static unsigned pre_proto(const struct venv *env, uint32_t id, const struct btfx_type *t)
{
	const struct btfx_param *p = btfx_params(t);
	uint32_t n = btfx_vlen(t);
	unsigned f = (params_named(t) ? PRE_PARAMS_NAMED : 0) | PRE_NAMES_OK | PRE_SIZED, k;
	bool back = true;

	if (t->type) {
		if (!pre_hop(env, t->type, &k))
			f &= ~PRE_SIZED;
		back = pre_backref(env, id, t->type);
	}
	if (n && !p[n - 1].type) {
		back &= !p[n - 1].name_off; /* a named vararg is proto_check()'s error */
		n--; /* the vararg, as proto_check() skips it */
	}
	for (uint32_t i = 0; i < n; i++) {
		if (p[i].name_off && (!name_off_valid(env->btf, p[i].name_off) || !name_valid_ident(env, p[i].name_off)))
			f &= ~PRE_NAMES_OK;
		if (!pre_hop(env, p[i].type, &k))
			f &= ~PRE_SIZED;
		back &= pre_backref(env, id, p[i].type);
	}
	if (back && (f & PRE_NAMES_OK) && (f & PRE_SIZED))
		f |= PRE_SKIP;
	return f;
}

/* func_check() == 0, from records alone (pre[] of earlier protos is final) */
static bool pre_func(const struct venv *env, const struct btfx_type *t)
{
	uint32_t pid = t->type, own = pid - env->start;

	if (kind_any(env, pid) != BTFX_KIND_FUNC_PROTO)
		return false;
	if (env->object && btfx_vlen(t) == BTFX_LINKAGE_EXTERN)
		return true;
	if (own < env->nr && ((own >= env->pre_from && own < env->log_id - env->start) || own >= env->pre_done))
		return env->pre[own] & PRE_PARAMS_NAMED; /* made already */
	return params_named(tby(env, pid));
}

/*
 * check_member() == 0 for every member of a KC_PRE_MEMBER kind: the static
 * kinds, and modifiers, which check_member() follows to pre_hop()'s id.
 */
static bool pre_members(struct venv *env, const struct btfx_type *t)
{
	const struct btfx_member *m = btfx_members(t);
	bool kf = btfx_kflag(t);

	for (uint32_t i = 0; i < btfx_vlen(t); i++) {
		struct btfx_member rm = m[i];
		unsigned mk = kind_any(env, rm.type);

		if (is_modifier(mk)) /* check_member() goes on with the resolved id */
			rm.type = pre_hop(env, rm.type, &mk);
		else if (!(kclass[mk] & KC_STATIC_MEMBER))
			continue;
		if (!rm.type || !(kclass[mk] & KC_STATIC_MEMBER))
			return false; /* pass 2 checks the struct itself */
		env->midx = i;
		if (kf ? check_member_kflag(env, t, &rm, mk) : check_member_plain(env, t, &rm, mk))
			return false; /* pass 2 will report it, in its order */
	}
	return true;
}

/*
 * The helper thread of a large BTF.  btfx__validate_start() launches it
 * before the framing, so that it builds the identifier bitmap while the
 * caller frames the type section; then it runs the modifier chain check,
 * and pass 1 with pre[] from the last type down while the caller runs
 * pass 2 from the first type up.  The types pass 2 reaches late (in a
 * vmlinux, the FUNCs and FUNC_PROTOs, sorted last) are the ones whose
 * pre[] saves it most.
 */
struct btfx_vjob {
	const struct btfx *btf;
	pthread_t th;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int stage;              /* JOB_FRAMING, then JOB_GO (env is set) or JOB_STOP */
	struct venv env;        /* the thread's own */
	struct btfx_error err;
	uint64_t *ident;        /* published for pass 2 once built */
	uint32_t progress;      /* pre[] final from here up (atomic) */
	uint32_t pass2_at;      /* pass 2 is past the types below (atomic) */
	uint64_t chunks;        /* pass 1 chunks left: [low word, high word) (atomic) */
	int ret;                /* pass 1, in the helper's chunks: the first error by id */
	int tags_ret;           /* check_type_tags() */
	struct btfx_error tags_err;
	bool joined;
	/* framing (btfx__vjob_frame_split/_join): the helper frames the tail */
	uint32_t frame_at;      /* the caller's framing offset (atomic) */
	uint32_t split;         /* where the helper's tail starts, 0 none (atomic) */
	bool abandon;           /* the caller went past split: the tail is not wanted (atomic) */
	int tail_state;         /* TAIL_*, under lock */
	struct btfx_frame_out tail;
	bool pinned;            /* started away from the caller's CPU: restore cpus */
	cpu_set_t cpus;
	uint64_t hop_memo[HOP_MEMO_SIZE];
};
enum { JOB_FRAMING, JOB_GO, JOB_STOP };
enum { TAIL_NONE, TAIL_BUSY, TAIL_DONE, TAIL_FAILED };

/*
 * Fresh pages cost a fault each on first touch (about 1 us in some VMs, as
 * much as resolving a few types).  The helper maps pass 2's result array
 * in one call while pass 2 starts; the call never changes contents, and
 * kernels without it (before 5.14) just refuse.
 */
void btfx__populate(void *p, size_t size)
{
#ifdef MADV_POPULATE_WRITE
	uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095, e = ((uintptr_t)p + size) & ~(uintptr_t)4095;

	if (e > a)
		madvise((void *)a, e - a, MADV_POPULATE_WRITE);
#else
	(void)p;
	(void)size;
#endif
}

/*
 * Pass 1 is cut in chunks of PASS1_CHUNK types.  The helper takes them
 * from the back, publishing pre[] after each; the caller, once its pass 2
 * is done, takes the rest from the front.  The two meet, so every chunk
 * of the caller comes before every chunk of the helper: the first pass-1
 * error in id order is the caller's first if it has one, else the
 * helper's earliest, which is in the last chunk it found one in.
 */
#define PASS1_CHUNK 1024u

static int64_t claim_chunk(struct btfx_vjob *j, bool back)
{
	uint64_t v = __atomic_load_n(&j->chunks, __ATOMIC_RELAXED), nv;
	uint32_t lo, hi;

	do {
		lo = (uint32_t)v;
		hi = (uint32_t)(v >> 32);
		if (lo >= hi)
			return -1;
		nv = back ? (uint64_t)(hi - 1) << 32 | lo : (uint64_t)hi << 32 | (lo + 1);
	} while (!__atomic_compare_exchange_n(&j->chunks, &v, nv, false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED));
	return back ? hi - 1 : lo;
}

/*
 * Framing in two.  The helper picks a split halfway through what the
 * caller has left to frame, at an offset where a run of records starts
 * that look like real ones (plausible_at()), publishes it and frames from
 * there to the end into its own arrays.  The caller frames up to the
 * split: landing on it exactly proves it a record boundary, so the
 * helper's entries are exactly the caller's continuation, and it appends
 * them.  A wrong guess, a caller already past it, or a malformed tail
 * (the caller frames it again, for its message) costs time, never a
 * different result.
 */
#define TAIL_MIN (256u << 10)   /* left to frame: below it, not worth a split */
#define TAIL_SCAN 4096u         /* bytes searched for a plausible boundary */
#define TAIL_PROBE 32           /* records a plausible boundary starts */

/* TAIL_PROBE records at off look like a vmlinux's: known kinds, no reserved bits, sane vlen and names */
static bool plausible_at(const struct btfx *btf, uint32_t off)
{
	const uint8_t *types = btf->data + btf->hdr.hdr_len + btf->hdr.type_off;
	uint32_t len = btf->hdr.type_len, str_end = btf->start_str_off + btf->hdr.str_len;

	for (int r = 0; r < TAIL_PROBE && off < len; r++) {
		const struct btfx_type *t = (const struct btfx_type *)(types + off);
		unsigned k, vlen;
		uint64_t need;
		size_t sz;

		if (len - off < sizeof(*t))
			return false;
		k = btfx_kind(t);
		vlen = btfx_vlen(t);
		if (!k || k >= BTFX_KIND_NR || (t->info & 0x60ff0000u) || t->name_off >= str_end)
			return false;
		if (vlen && !(kclass[k] & (KC_STRUCT | KC_SIZED)) && k != BTFX_KIND_FUNC_PROTO && k != BTFX_KIND_FUNC)
			return false;
		if (k == BTFX_KIND_FUNC && vlen > BTFX_LINKAGE_EXTERN)
			return false;
		sz = btfx__type_size(btf, t, &need);
		if (!sz || need > len - off)
			return false;
		off += (uint32_t)sz;
	}
	return true;
}

static void frame_tail(struct btfx_vjob *j)
{
	const struct btfx *btf = j->btf;
	uint32_t len = btf->hdr.type_len, at = __atomic_load_n(&j->frame_at, __ATOMIC_ACQUIRE), c, end;
	int state;

	if (btf->layout || len - at < TAIL_MIN)
		return;
	c = (at + (len - at) / 2) & ~3u;
	end = c + TAIL_SCAN < len ? c + TAIL_SCAN : len;
	while (c < end && !plausible_at(btf, c))
		c += 4;
	if (c >= end || !btfx__frame_alloc(&j->tail, (len - c) / 12 + 1))
		return;
	j->tail.off = c;
	pthread_mutex_lock(&j->lock);
	j->tail_state = TAIL_BUSY;
	pthread_mutex_unlock(&j->lock);
	__atomic_store_n(&j->split, c, __ATOMIC_RELEASE);
	/* in slices, to stop early when the caller has gone past the split */
	do {
		uint32_t stop = len - j->tail.off > (64u << 10) ? j->tail.off + (64u << 10) : len;
		if (btfx__frame_plain(btf, stop, 0, &j->tail, NULL))
			break;
	} while (j->tail.off < len && !__atomic_load_n(&j->abandon, __ATOMIC_RELAXED));
	state = j->tail.off == len ? TAIL_DONE : TAIL_FAILED;
	pthread_mutex_lock(&j->lock);
	j->tail_state = state;
	pthread_cond_broadcast(&j->cond);
	pthread_mutex_unlock(&j->lock);
}

uint32_t btfx__vjob_frame_split(struct btfx_vjob *j, uint32_t off)
{
	uint32_t split;

	__atomic_store_n(&j->frame_at, off, __ATOMIC_RELEASE);
	if (__atomic_load_n(&j->abandon, __ATOMIC_RELAXED))
		return 0;
	split = __atomic_load_n(&j->split, __ATOMIC_ACQUIRE);
	if (split && split <= off) { /* published too late: frame on */
		__atomic_store_n(&j->abandon, true, __ATOMIC_RELAXED);
		return 0;
	}
	return split;
}

int btfx__vjob_frame_join(struct btfx_vjob *j, struct btfx_frame_out *fo, bool exact)
{
	struct btfx_frame_out *t = &j->tail;
	uint32_t split = __atomic_load_n(&j->split, __ATOMIC_ACQUIRE), m;
	int state;

	if (!exact) {
		__atomic_store_n(&j->abandon, true, __ATOMIC_RELAXED);
		return 0;
	}
	pthread_mutex_lock(&j->lock);
	while ((state = j->tail_state) == TAIL_BUSY)
		pthread_cond_wait(&j->cond, &j->lock);
	pthread_mutex_unlock(&j->lock);
	__atomic_store_n(&j->abandon, true, __ATOMIC_RELAXED); /* no more splits */
	if (state != TAIL_DONE || fo->off != split)
		return 0; /* the caller frames the tail itself */
	m = t->n;
	memcpy(fo->offs + fo->n, t->offs, (size_t)m * sizeof(*t->offs));
	memcpy(fo->kinds + fo->n, t->kinds, m);
	fo->n += m;
	fo->named += t->named;
	fo->named_ess += t->named_ess;
	fo->off = t->off;
	return 0;
}

static void *helper_thread(void *arg)
{
	struct btfx_vjob *j = arg;
	struct venv *env = &j->env;
	const struct btfx *btf = j->btf;
	uint64_t *bm;
	struct btfx_error tmp;
	int stage;

	btfx__helper_unpin(&j->cpus, j->pinned);
	frame_tail(j);
	bm = btf->hdr.str_len ? ident_bitmap(btf->strs, btf->hdr.str_len) : NULL;
	__atomic_store_n(&j->ident, bm, __ATOMIC_RELEASE);
	pthread_mutex_lock(&j->lock);
	while ((stage = j->stage) == JOB_FRAMING)
		pthread_cond_wait(&j->cond, &j->lock);
	pthread_mutex_unlock(&j->lock);
	if (stage != JOB_GO)
		return NULL;
	env->ident = bm;
	{ /* the modifier chain check reads records alone: its verdict is ready for the end */
		struct venv tags = *env;
		tags.err = &j->tags_err;
		j->tags_ret = check_type_tags(&tags);
	}
	env->pre_done = env->nr;
	env->err = &tmp; /* pre_members() writes messages it drops */
	for (int64_t c; (c = claim_chunk(j, true)) >= 0;) {
		uint32_t from = (uint32_t)c * PASS1_CHUNK, to = from + PASS1_CHUNK < env->nr ? from + PASS1_CHUNK : env->nr;
		int ret = 0;
		/* pre[] of types that pass 2 has passed would be wasted */
		bool facts = to > __atomic_load_n(&j->pass2_at, __ATOMIC_RELAXED);

		env->pre_from = from;
		for (uint32_t i = from; i < to; i++) {
			uint32_t id = env->start + i;
			const struct btfx_type *t = btfx__type(btf, id);
			unsigned k = env->kinds[i];

			env->log_id = id;
			if (!meta_quick(env, t, k) && (ret = check_meta(env, id, t)))
				break; /* the chunk's first error; pre[] stays 0 (no facts) from here */
			if (!facts)
				continue;
			if (k == BTFX_KIND_FUNC_PROTO)
				env->pre[i] = (uint8_t)pre_proto(env, id, t);
			else if (k == BTFX_KIND_FUNC)
				env->pre[i] = pre_func(env, t) ? PRE_FUNC_OK : 0;
			else if (k == BTFX_KIND_STRUCT || k == BTFX_KIND_UNION)
				env->pre[i] = pre_members(env, t) ? PRE_MEMBERS_OK : 0;
		}
		if (ret) { /* chunks come in falling id order: this error is the earliest so far */
			j->ret = ret;
			j->err = tmp;
		}
		env->pre_done = from;
		__atomic_store_n(&j->progress, from, __ATOMIC_RELEASE);
	}
	return NULL;
}

/* type sections at least this large (~20k types) get the helper thread */
#define PARALLEL_MIN_TYPE_BYTES (256u << 10)

/*
 * Start a helper thread on another CPU than this one: placed on ours, it
 * can wait milliseconds for the scheduler to move it while this thread
 * works (seen in VMs).  The helper then calls btfx__helper_unpin() to take
 * back our whole mask (*cpus, *pinned).  With one CPU to run on there is
 * nothing to share: -1, no thread.
 */
int btfx__helper_start(pthread_t *th, void *(*fn)(void *), void *arg, cpu_set_t *cpus, bool *pinned)
{
	pthread_attr_t attr;
	int cpu = sched_getcpu(), e;

	*pinned = false;
	pthread_attr_init(&attr);
	if (sched_getaffinity(0, sizeof(*cpus), cpus) == 0 && cpu >= 0 && CPU_ISSET(cpu, cpus)) {
		cpu_set_t others = *cpus;

		CPU_CLR(cpu, &others);
		if (!CPU_COUNT(&others)) {
			pthread_attr_destroy(&attr);
			return -1;
		}
		*pinned = !pthread_attr_setaffinity_np(&attr, sizeof(others), &others);
	}
	e = pthread_create(th, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	return e ? -1 : 0;
}

void btfx__helper_unpin(const cpu_set_t *cpus, bool pinned)
{
	if (pinned)
		pthread_setaffinity_np(pthread_self(), sizeof(*cpus), cpus);
}

struct btfx_vjob *btfx__validate_start(const struct btfx *btf)
{
	struct btfx_vjob *j;

	if ((btf->flags & (BTFX_F_NO_VALIDATE | BTFX_F_REFS_ONLY | BTFX_F_SINGLE_THREAD)) ||
	    btf->hdr.type_len < PARALLEL_MIN_TYPE_BYTES)
		return NULL;
	j = calloc(1, sizeof(*j));
	if (!j)
		return NULL;
	j->btf = btf;
	j->stage = JOB_FRAMING;
	pthread_mutex_init(&j->lock, NULL);
	pthread_cond_init(&j->cond, NULL);
	if (btfx__helper_start(&j->th, helper_thread, j, &j->cpus, &j->pinned)) {
		pthread_mutex_destroy(&j->lock);
		pthread_cond_destroy(&j->cond);
		free(j);
		return NULL;
	}
	return j;
}

static void job_set_stage(struct btfx_vjob *j, int stage)
{
	pthread_mutex_lock(&j->lock);
	j->stage = stage;
	pthread_cond_broadcast(&j->cond);
	pthread_mutex_unlock(&j->lock);
}

/* Join and free a job; NULL is fine.  Without JOB_GO the helper only built the bitmap. */
void btfx__validate_end(struct btfx_vjob *j)
{
	if (!j)
		return;
	__atomic_store_n(&j->abandon, true, __ATOMIC_RELAXED);
	if (j->stage == JOB_FRAMING)
		job_set_stage(j, JOB_STOP);
	if (!j->joined)
		pthread_join(j->th, NULL);
	pthread_mutex_destroy(&j->lock);
	pthread_cond_destroy(&j->cond);
	free(j->ident);
	free(j->tail.offs);
	free(j);
}

/*
 * From own index i (pre[] ready): the end of the run of FUNCs and
 * FUNC_PROTOs whose turns pre[] settles, taken without a branch on the
 * kind (they alternate at random in a vmlinux): a FUNC resolves to its
 * proto, a PRE_SKIP proto needs nothing.
 */
static uint32_t settled_run(struct venv *env, uint32_t i, uint32_t n)
{
	uint8_t *slot = env->slot;
	const uint8_t *pre = env->pre;
	uint32_t *res = env->res;

	for (; i < n; i++) {
		unsigned s = slot[i];
		bool f = s == BTFX_KIND_FUNC && (pre[i] & PRE_FUNC_OK);
		bool p = s == BTFX_KIND_FUNC_PROTO && (pre[i] & PRE_SKIP);

		if (!(f | p))
			break;
		res[i] = f ? btfx__type(env->btf, env->start + i)->type : res[i];
		slot[i] = (uint8_t)(s | (f ? S_VISIT(RESOLVED) : 0));
	}
	return i;
}

static int check_all_types(struct venv *env)
{
	struct btfx *btf = env->btf;
	uint32_t n = btf->nr_types;
	int e = 0;

	for (uint32_t i = 0; i < n && !e; i++) {
		uint32_t id = btf->start_id + i;
		unsigned k = env->slot[i] & S_KIND;

		if (env->pass2_at && i % PASS1_CHUNK == 0)
			__atomic_store_n(env->pass2_at, i, __ATOMIC_RELAXED);
		if ((k == BTFX_KIND_FUNC || k == BTFX_KIND_FUNC_PROTO) && pre_ready(env, i)) {
			uint32_t end = settled_run(env, i, n);
			if (end > i) {
				i = end - 1;
				continue;
			}
		}
		env->log_id = id;
		if (k >= BTFX_KIND_NR)
			continue;
		if (k == BTFX_KIND_FUNC && !ks_resolved(env->slot[i])) {
			/*
			 * resolve() of a FUNC never pushes: func_check(), then the
			 * FUNC resolves to its proto, a non-zero id, which is what
			 * resolve_valid() asks.  Same effects without the stack.
			 */
			if (!(pre_ready(env, i) && (env->pre[i] & PRE_FUNC_OK)))
				e = func_check(env, id, btfx__type(btf, id));
			if (!e) {
				env->res[i] = btfx__type(btf, id)->type;
				env->slot[i] |= S_VISIT(RESOLVED);
			}
			continue;
		}
		if (needs_resolve(k) && !ks_resolved(env->slot[i]))
			e = resolve(env, id, k);
		if (!e && k == BTFX_KIND_FUNC_PROTO && !(pre_ready(env, i) && (env->pre[i] & PRE_SKIP)))
			e = proto_check(env, id, btfx__type(btf, id));
	}
	return e;
}

/*
 * After pass 2: take pass-1 chunks from the front until the helper and
 * this thread meet; the first error among them (message in *first) is the
 * first of pass 1, since the helper's chunks all come after.
 */
static int steal_pass1(struct btfx_vjob *job, const struct venv *env, struct btfx_error *first)
{
	struct venv own = *env;

	own.err = first;
	own.ident = __atomic_load_n(&job->ident, __ATOMIC_ACQUIRE); /* NULL: names take the byte loop */
	for (int64_t c; (c = claim_chunk(job, false)) >= 0;) {
		uint32_t from = (uint32_t)c * PASS1_CHUNK, to = from + PASS1_CHUNK < env->nr ? from + PASS1_CHUNK : env->nr;
		int r = check_metas(&own, env->start + from, env->start + to);

		if (r)
			return r;
	}
	return 0;
}

/*
 * With a helper (large BTFs), pass 1 runs on it while this thread runs
 * pass 2.  Pass 2 reads only what the framing guarantees (every record
 * inside the type section, every id checked against the type count before
 * use), so it is safe on input that pass 1 rejects; it writes only its own
 * state.  Verdicts are those of the sequential order: a pass-1 error wins,
 * else pass 2's first error, else the modifier chain check's (which the
 * helper runs: it reads records only).
 */
int btfx__validate(struct btfx *btf, struct btfx_vjob *job, struct btfx_error *err)
{
	struct venv env = { .btf = btf, .err = err, .start = btf->start_id, .nr = btf->nr_types,
			    .str_off = btf->start_str_off, .str_len = btf->hdr.str_len, .kinds = btf->kinds };
	uint32_t n = btf->nr_types;
	uint64_t *ident = NULL;
	int e = 0;

	kctype_init();
	env.object = btf->flags & BTFX_F_OBJECT;
	for (const struct btfx *b = btf; b; b = b->base)
		if (b->layout)
			env.wide = true;
	if ((uint64_t)btf->start_id + n > BTFX_MAX_TYPE) {
		btfx__validate_end(job);
		return btfx_set_err(err, BTFX_E_LIMIT, E2BIG, BTFX_MAX_TYPE, -1,
				    "Exceeded max num of types: %u types (kernel limit: ids below %u)", n, BTFX_MAX_TYPE);
	}
	/* one zeroed block: resolved words (kept in btf->res), pass 2's slots, pre[] */
	btf->res = calloc(1, (size_t)n * (sizeof(*btf->res) + 2) + 1);
	if (!btf->res) {
		btfx__validate_end(job);
		return btfx_set_err(err, BTFX_E_NOMEM, ENOMEM, 0, -1, "out of memory");
	}
	env.res = btf->res;
	env.pre = (uint8_t *)(btf->res + n) + n;
	if (job) {
		job->env = env;
		job->env.err = &job->err;
		job->env.hop_memo = job->hop_memo;
		job->progress = n; /* no pre[] yet */
		job->chunks = (uint64_t)((n + PASS1_CHUNK - 1) / PASS1_CHUNK) << 32;
		job_set_stage(job, JOB_GO);
	}
	env.slot = (uint8_t *)(btf->res + n);
	if (job) /* pass 2 writes them: its own core maps (and zeroes) them */
		btfx__populate(btf->res, (size_t)n * (sizeof(*btf->res) + 1));
	for (uint32_t i = 0; i < n; i++)
		env.slot[i] = (uint8_t)KCODE(btf->kinds[i]);
	if (job) {
		struct btfx_error own_err;
		int own_ret;

		env.ident_pub = &job->ident;
		env.progress = &job->progress;
		env.pre_seen = n;
		env.pass2_at = &job->pass2_at;
		e = check_all_types(&env);
		own_ret = steal_pass1(job, &env, &own_err);
		pthread_join(job->th, NULL);
		job->joined = true;
		if (own_ret || job->ret) { /* a pass-1 error wins: ours come first */
			if (err)
				*err = own_ret ? own_err : job->err;
			e = own_ret ? own_ret : job->ret;
		} else if (!e && job->tags_ret) {
			if (err)
				*err = job->tags_err;
			e = job->tags_ret;
		}
		btfx__validate_end(job);
	} else {
		if (btf->hdr.str_len)
			env.ident = ident = ident_bitmap(btf->strs, btf->hdr.str_len);
		e = check_metas(&env, btf->start_id, btf->start_id + n);
		if (!e)
			e = check_all_types(&env);
		if (!e)
			e = check_type_tags(&env);
	}
	free(ident);
	if (e) {
		free(btf->res);
		btf->res = NULL;
	}
	return e;
}
