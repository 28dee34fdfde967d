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

struct frame {
	const struct btfx_type *t;
	uint32_t id;
	uint32_t next_member;
};

struct venv {
	struct btfx *btf;
	struct btfx_error *err;
	uint8_t *visit;
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
	if (id >= env->btf->start_id + env->btf->nr_types)
		return NULL;
	return btfx__type(env->btf, id);
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

/*
 * Same verdict as name_valid_ident_slow(), 16 bytes at a time for the
 * ASCII identifiers that make up almost every name; anything else (bytes
 * >= 0x80, which the kernel's Latin-1 ctype may accept, names near the
 * length limit, the last 16 bytes of the section) takes the slow path.
 */
static bool name_valid_ident(const struct btfx *btf, uint32_t off)
{
	const char *s = btfx__str(btf, off), *end = str_end(btf, off), *p;
	const __m128i zero = _mm_setzero_si128();

	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_' || *s == '.'))
		return name_valid_ident_slow(s);
	for (p = s + 1; p + 16 <= end && p - s < KSYM_NAME_LEN - 16; p += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)p);
		__m128i low = _mm_or_si128(v, _mm_set1_epi8(0x20));
		__m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(low, _mm_set1_epi8(0x60)),
					      _mm_cmplt_epi8(low, _mm_set1_epi8(0x7b)));
		__m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(0x2f)),
					      _mm_cmplt_epi8(v, _mm_set1_epi8(0x3a)));
		__m128i punct = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('_')),
					     _mm_cmpeq_epi8(v, _mm_set1_epi8('.')));
		unsigned ok = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(alpha, digit), punct));
		unsigned z = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, zero));
		unsigned high = (unsigned)_mm_movemask_epi8(v); /* bytes >= 0x80 */

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

static unsigned kind(const struct btfx_type *t) { return btfx_kind(t); }
static bool is_int(const struct btfx_type *t) { return kind(t) == BTFX_KIND_INT; }
static bool is_ptr(const struct btfx_type *t) { return kind(t) == BTFX_KIND_PTR; }
static bool is_array(const struct btfx_type *t) { return kind(t) == BTFX_KIND_ARRAY; }
static bool is_struct(const struct btfx_type *t) { return btfx_is_composite(t); }
static bool is_fwd(const struct btfx_type *t) { return kind(t) == BTFX_KIND_FWD; }
static bool is_func(const struct btfx_type *t) { return kind(t) == BTFX_KIND_FUNC; }
static bool is_proto(const struct btfx_type *t) { return kind(t) == BTFX_KIND_FUNC_PROTO; }
static bool is_var(const struct btfx_type *t) { return kind(t) == BTFX_KIND_VAR; }
static bool is_datasec(const struct btfx_type *t) { return kind(t) == BTFX_KIND_DATASEC; }
static bool is_decl_tag(const struct btfx_type *t) { return kind(t) == BTFX_KIND_DECL_TAG; }
static bool is_type_tag(const struct btfx_type *t) { return kind(t) == BTFX_KIND_TYPE_TAG; }
static bool is_void(const struct btfx_type *t) { return t == &void_t; }

static bool is_modifier(const struct btfx_type *t)
{
	switch (kind(t)) {
	case BTFX_KIND_TYPEDEF: case BTFX_KIND_VOLATILE: case BTFX_KIND_CONST:
	case BTFX_KIND_RESTRICT: case BTFX_KIND_TYPE_TAG:
		return true;
	}
	return false;
}

static bool nosize(const struct btfx_type *t)
{
	return is_void(t) || is_fwd(t) || is_func(t) || is_proto(t);
}

static bool nosize_or_null(const struct btfx_type *t) { return !t || nosize(t); }

static bool has_size(const struct btfx_type *t)
{
	switch (kind(t)) {
	case BTFX_KIND_INT: case BTFX_KIND_STRUCT: case BTFX_KIND_UNION: case BTFX_KIND_ENUM:
	case BTFX_KIND_DATASEC: case BTFX_KIND_FLOAT: case BTFX_KIND_ENUM64:
		return !is_void(t);
	}
	return false;
}

static bool source_only(const struct btfx_type *t) { return is_var(t) || is_decl_tag(t) || is_datasec(t); }

static bool needs_resolve(const struct btfx_type *t)
{
	return is_modifier(t) || is_ptr(t) || is_struct(t) || is_array(t) || is_var(t) || is_func(t) ||
	       is_decl_tag(t) || is_datasec(t);
}

static bool int_is_regular(const struct btfx_type *t)
{
	uint32_t d = btfx_int_data(t);
	unsigned bits = d & 0xff, bytes = BITS_ROUNDUP_BYTES(bits);

	if (BITS_MASKED(bits) || ((d >> 16) & 0xff) ||
	    (bytes != 1 && bytes != 2 && bytes != 4 && bytes != 8 && bytes != 16))
		return false;
	return true;
}

/* resolved id/size of any id, looking through the base chain */
static uint32_t *res_slot(const struct btfx *btf, uint32_t id, bool size)
{
	if (!id)
		return NULL;
	while (id < btf->start_id)
		btf = btf->base;
	if (!btf->res_ids)
		return NULL;
	return size ? &btf->res_sizes[id - btf->start_id] : &btf->res_ids[id - btf->start_id];
}

static uint32_t res_id(const struct venv *env, uint32_t id)
{
	uint32_t *p = res_slot(env->btf, id, false);
	return p ? *p : 0;
}

static uint32_t res_size(const struct venv *env, uint32_t id)
{
	uint32_t *p = res_slot(env->btf, id, true);
	return p ? *p : 0;
}

static bool is_resolved(const struct venv *env, uint32_t id)
{
	if (id < env->btf->start_id)
		return true;
	return env->visit[id - env->btf->start_id] == RESOLVED;
}

static bool is_sink(const struct venv *env, const struct btfx_type *next)
{
	switch (env->mode) {
	case RESOLVE_TBD:
		return !needs_resolve(next);
	case RESOLVE_PTR:
		return !is_modifier(next) && !is_ptr(next);
	default:
		return !is_modifier(next) && !is_array(next) && !is_struct(next);
	}
}

/* btf_type_id_size: follows one resolved hop; NULL when no size */
static const struct btfx_type *id_size(const struct venv *env, uint32_t *id, uint32_t *ret_size)
{
	uint32_t sid = *id, size;
	const struct btfx_type *st = tby(env, sid);

	if (nosize_or_null(st))
		return NULL;
	if (has_size(st)) {
		size = st->size;
	} else if (is_array(st)) {
		size = res_size(env, sid);
	} else if (is_ptr(st)) {
		size = 8;
	} else {
		if (!is_modifier(st) && !is_var(st))
			return NULL;
		sid = res_id(env, sid);
		st = tby(env, sid);
		if (nosize_or_null(st))
			return NULL;
		else if (has_size(st))
			size = st->size;
		else if (is_array(st))
			size = res_size(env, sid);
		else if (is_ptr(st))
			size = 8;
		else
			return NULL;
	}
	*id = sid;
	if (ret_size)
		*ret_size = size;
	return st;
}

static const struct btfx_type *id_resolve(const struct venv *env, uint32_t *id)
{
	*id = res_id(env, *id);
	return tby(env, *id);
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
			if (!t->name_off || !name_valid_ident(btf, t->name_off))
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
		if (!t->name_off || !name_valid_ident(btf, t->name_off))
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
		if (t->name_off && !name_valid_ident(btf, t->name_off))
			return verr(env, BTFX_E_NAME, EINVAL, id, "Invalid name");
		for (uint32_t i = 0; i < vlen; i++) {
			uint32_t off = btfx_member_bit_offset(t, i);
			if (!name_off_valid(btf, m[i].name_off))
				return verr(env, BTFX_E_NAME, EINVAL, id, "member #%u: Invalid member name_offset:%u", i,
					    m[i].name_off);
			if (m[i].name_off && !name_valid_ident(btf, m[i].name_off))
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
		if (t->name_off && !name_valid_ident(btf, t->name_off))
			return verr(env, BTFX_E_NAME, EINVAL, id, "Invalid name");
		for (uint32_t i = 0; i < vlen; i++) {
			uint32_t no = e64 ? btfx_enums64(t)[i].name_off : btfx_enums(t)[i].name_off;
			if (!name_off_valid(btf, no))
				return verr(env, BTFX_E_NAME, EINVAL, id, "enumerator #%u: Invalid name_offset:%u", i, no);
			if (!no || !name_valid_ident(btf, no))
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
		if (!t->name_off || !name_valid_ident(btf, t->name_off))
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
		if (!t->name_off || !name_valid_ident(btf, t->name_off))
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

static int push(struct venv *env, const struct btfx_type *t, uint32_t id)
{
	struct frame *f;

	if (env->top == MAX_RESOLVE_DEPTH)
		return -E2BIG;
	if (id < env->btf->start_id || env->visit[id - env->btf->start_id] != NOT_VISITED)
		return -EEXIST;
	env->visit[id - env->btf->start_id] = VISITED;
	f = &env->stack[env->top++];
	f->t = t;
	f->id = id;
	f->next_member = 0;
	if (env->mode == RESOLVE_TBD) {
		if (is_ptr(t))
			env->mode = RESOLVE_PTR;
		else if (is_struct(t) || is_array(t))
			env->mode = RESOLVE_STRUCT_OR_ARRAY;
	}
	return 0;
}

static void pop_resolved(struct venv *env, uint32_t rid, uint32_t rsize)
{
	uint32_t id = env->stack[--env->top].id, i = id - env->btf->start_id;

	env->btf->res_ids[i] = rid;
	env->btf->res_sizes[i] = rsize;
	env->visit[i] = RESOLVED;
}

static int check_member(struct venv *env, const struct btfx_type *st, const struct btfx_member *m,
			const struct btfx_type *mt, bool kflag);

static int member_err(struct venv *env, enum btfx_errc c, const struct btfx_type *st, const struct btfx_member *m,
		      const char *what)
{
	(void)st;
	(void)m;
	return verr(env, c, EINVAL, env->log_id, "member #%u: %s", env->midx, what);
}

static int check_member_plain(struct venv *env, const struct btfx_type *st, const struct btfx_member *m,
			      const struct btfx_type *mt)
{
	uint32_t off = m->offset, size = st->size, bytes = BITS_ROUNDDOWN_BYTES(off), msize;

	switch (kind(mt)) {
	case BTFX_KIND_INT: {
		uint32_t d = btfx_int_data(mt), ioff = (d >> 16) & 0xff, copy;
		if (UINT32_MAX - off < ioff)
			return member_err(env, BTFX_E_MEMBER, st, m, "bits_offset exceeds U32_MAX");
		off += ioff;
		bytes = BITS_ROUNDDOWN_BYTES(off);
		copy = (d & 0xff) + BITS_MASKED(off);
		if (copy > 128)
			return member_err(env, BTFX_E_MEMBER, st, m, "nr_copy_bits exceeds 128");
		if (size < bytes || size - bytes < BITS_ROUNDUP_BYTES(copy))
			return member_err(env, BTFX_E_MEMBER, st, m, "Member exceeds struct_size");
		return 0;
	}
	case BTFX_KIND_FLOAT: {
		uint64_t align = mt->size < 8 ? mt->size : 8;
		if (off % (align * 8))
			return member_err(env, BTFX_E_MEMBER, st, m, "Member is not properly aligned");
		if ((uint64_t)off / 8 + mt->size > size)
			return member_err(env, BTFX_E_MEMBER, st, m, "Member exceeds struct_size");
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
		msize = mt->size;
		break;
	default:
		return member_err(env, BTFX_E_MEMBER, st, m, "Unsupported check_member");
	}
	if (BITS_MASKED(off))
		return member_err(env, BTFX_E_MEMBER, st, m, "Member is not byte aligned");
	if (size - bytes < msize)
		return member_err(env, BTFX_E_MEMBER, st, m, "Member exceeds struct_size");
	return 0;
}

static int check_member_kflag(struct venv *env, const struct btfx_type *st, const struct btfx_member *m,
			      const struct btfx_type *mt)
{
	uint32_t nr_bits = m->offset >> 24, off = m->offset & 0xffffff, size = st->size;

	switch (kind(mt)) {
	case BTFX_KIND_INT: {
		uint32_t ibits = btfx_int_data(mt) & 0xff, bytes, copy;
		if (!int_is_regular(mt))
			return member_err(env, BTFX_E_KFLAG, st, m, "Invalid member base type");
		if (!nr_bits) {
			if (BITS_MASKED(off))
				return member_err(env, BTFX_E_MEMBER, st, m, "Invalid member offset");
			nr_bits = ibits;
		} else if (nr_bits > ibits) {
			return member_err(env, BTFX_E_KFLAG, st, m, "Invalid member bitfield_size");
		}
		bytes = BITS_ROUNDDOWN_BYTES(off);
		copy = nr_bits + BITS_MASKED(off);
		if (copy > 128)
			return member_err(env, BTFX_E_MEMBER, st, m, "nr_copy_bits exceeds 128");
		if (size < bytes || size - bytes < BITS_ROUNDUP_BYTES(copy))
			return member_err(env, BTFX_E_MEMBER, st, m, "Member exceeds struct_size");
		return 0;
	}
	case BTFX_KIND_ENUM: case BTFX_KIND_ENUM64: {
		uint32_t end;
		if (!nr_bits) {
			if (BITS_MASKED(off))
				return member_err(env, BTFX_E_MEMBER, st, m, "Member is not byte aligned");
			nr_bits = 32;
		} else if (nr_bits > 32) {
			return member_err(env, BTFX_E_KFLAG, st, m, "Invalid member bitfield_size");
		}
		end = BITS_ROUNDUP_BYTES(off + nr_bits);
		if (size < end)
			return member_err(env, BTFX_E_MEMBER, st, m, "Member exceeds struct_size");
		return 0;
	}
	case BTFX_KIND_PTR: case BTFX_KIND_ARRAY: case BTFX_KIND_STRUCT: case BTFX_KIND_UNION:
	case BTFX_KIND_FLOAT:
		if (nr_bits)
			return member_err(env, BTFX_E_KFLAG, st, m, "Invalid member bitfield_size");
		return check_member_plain(env, st, m, mt);
	default:
		return member_err(env, BTFX_E_MEMBER, st, m, "Unsupported check_kflag_member");
	}
}

static int check_member(struct venv *env, const struct btfx_type *st, const struct btfx_member *m,
			const struct btfx_type *mt, bool kflag)
{
	if (is_modifier(mt)) {
		uint32_t rid = m->type;
		const struct btfx_type *rt = id_size(env, &rid, NULL);
		struct btfx_member rm = *m;
		if (!rt)
			return member_err(env, BTFX_E_MEMBER, st, m, "Invalid member");
		rm.type = rid;
		return check_member(env, st, &rm, rt, kflag);
	}
	return kflag ? check_member_kflag(env, st, m, mt) : check_member_plain(env, st, m, mt);
}

/* btf_modifier_resolve / btf_ptr_resolve / btf_var_resolve share most steps */
static int ref_resolve(struct venv *env, struct frame *v)
{
	const struct btfx_type *t = v->t, *next;
	uint32_t nid = t->type;
	bool ptr = is_ptr(t), var = is_var(t);

	next = tby(env, nid);
	if (!next || source_only(next))
		return verr(env, BTFX_E_REF, EINVAL, v->id, "Invalid type_id %u", nid);
	if (!is_sink(env, next) && !is_resolved(env, nid))
		return push(env, next, nid);
	if ((ptr || var) && is_modifier(next)) {
		uint32_t rid = nid;
		const struct btfx_type *rt = id_resolve(env, &rid);
		if (rt && is_ptr(rt) && !is_sink(env, rt) && !is_resolved(env, rid))
			return push(env, rt, rid);
	}
	if (var) {
		if (!id_size(env, &nid, NULL))
			return verr(env, BTFX_E_REF, EINVAL, v->id, "Invalid type_id (variable of unsized type)");
	} else if (!id_size(env, &nid, NULL)) {
		if (is_resolved(env, nid))
			next = id_resolve(env, &nid);
		if (!next || (!is_void(next) && !is_fwd(next) && !is_proto(next)))
			return verr(env, BTFX_E_REF, EINVAL, v->id, "Invalid type_id %u", t->type);
	}
	pop_resolved(env, nid, 0);
	return 0;
}

static int array_resolve(struct venv *env, struct frame *v)
{
	const struct btfx_array *a = btfx_array(v->t);
	const struct btfx_type *it, *et;
	uint32_t iid = a->index_type, eid = a->type, esize = 0;

	it = tby(env, iid);
	if (nosize_or_null(it) || source_only(it))
		return verr(env, BTFX_E_REF, EINVAL, v->id, "Invalid index %u", iid);
	if (!is_sink(env, it) && !is_resolved(env, iid))
		return push(env, it, iid);
	it = id_size(env, &iid, NULL);
	if (!it || !is_int(it) || !int_is_regular(it))
		return verr(env, BTFX_E_REF, EINVAL, v->id, "Invalid index %u", a->index_type);

	et = tby(env, eid);
	if (nosize_or_null(et) || source_only(et))
		return verr(env, BTFX_E_REF, EINVAL, v->id, "Invalid elem %u", eid);
	if (!is_sink(env, et) && !is_resolved(env, eid))
		return push(env, et, eid);
	et = id_size(env, &eid, &esize);
	if (!et)
		return verr(env, BTFX_E_REF, EINVAL, v->id, "Invalid elem %u", a->type);
	if (is_int(et) && !int_is_regular(et))
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
		e = check_member(env, t, last, tby(env, last->type), kf);
		if (e)
			return e;
	}
	for (uint32_t i = v->next_member; i < vlen; i++) {
		const struct btfx_type *mt = tby(env, m[i].type);
		env->midx = i;
		if (nosize_or_null(mt) || source_only(mt))
			return verr(env, BTFX_E_MEMBER, EINVAL, v->id, "member #%u: Invalid member (type %u)", i,
				    m[i].type);
		if (!is_sink(env, mt) && !is_resolved(env, m[i].type)) {
			v->next_member = i + 1;
			return push(env, mt, m[i].type);
		}
		e = check_member(env, t, &m[i], mt, kf);
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
		const struct btfx_type *vt = tby(env, vid);
		if (env->object && vt && is_func(vt))
			continue; /* .ksyms extern functions */
		if (!vt || !is_var(vt))
			return verr(env, BTFX_E_DATASEC, EINVAL, v->id, "var #%u: Not a VAR kind member (type %u)", i, vid);
		if (!is_sink(env, vt) && !is_resolved(env, vid)) {
			v->next_member = i + 1;
			return push(env, vt, vid);
		}
		tid = vt->type;
		if (!id_size(env, &tid, &tsize))
			return verr(env, BTFX_E_DATASEC, EINVAL, v->id, "var #%u: Invalid type", i);
		if (vs[i].size < tsize && !env->object)
			return verr(env, BTFX_E_DATASEC, EINVAL, v->id, "var #%u: Invalid size %u < %u", i, vs[i].size,
				    tsize);
	}
	pop_resolved(env, 0, 0);
	return 0;
}

static int func_check(struct venv *env, uint32_t id, const struct btfx_type *t)
{
	const struct btfx_type *proto = tby(env, t->type);
	const struct btfx_param *p;

	if (!proto || !is_proto(proto))
		return verr(env, BTFX_E_REF, EINVAL, id, "Invalid type_id %u (not a FUNC_PROTO)", t->type);
	if (env->object && btfx_vlen(t) == BTFX_LINKAGE_EXTERN)
		return 0;
	p = btfx_params(proto);
	for (uint32_t i = 0; i < btfx_vlen(proto); i++)
		if (!p[i].name_off && p[i].type)
			return verr(env, BTFX_E_NAME, EINVAL, id, "Invalid arg#%u (unnamed parameter)", i + 1);
	return 0;
}

static int decl_tag_resolve(struct venv *env, struct frame *v)
{
	const struct btfx_type *t = v->t, *next;
	uint32_t nid = t->type, vlen;
	int32_t ci;

	next = tby(env, nid);
	if (!next || !(is_func(next) || is_struct(next) || is_var(next) || kind(next) == BTFX_KIND_TYPEDEF) ||
	    is_void(next))
		return verr(env, BTFX_E_TAG, EINVAL, v->id, "Invalid type_id %u (not a func/struct/union/var/typedef)",
			    nid);
	if (!is_sink(env, next) && !is_resolved(env, nid))
		return push(env, next, nid);
	ci = btfx_decl_tag(t)->component_idx;
	if (ci != -1) {
		if (is_var(next) || kind(next) == BTFX_KIND_TYPEDEF)
			return verr(env, BTFX_E_TAG, EINVAL, v->id, "Invalid component_idx %d", ci);
		if (is_struct(next)) {
			vlen = btfx_vlen(next);
		} else {
			const struct btfx_type *proto = tby(env, next->type);
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
	switch (kind(v->t)) {
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

static bool resolve_valid(struct venv *env, const struct btfx_type *t, uint32_t id)
{
	if (!is_resolved(env, id))
		return false;
	if (is_struct(t) || is_datasec(t))
		return !res_id(env, id) && !res_size(env, id);
	if (is_decl_tag(t) || is_func(t))
		return res_id(env, id) && !res_size(env, id);
	if (is_modifier(t) || is_ptr(t) || is_var(t)) {
		uint32_t rid = id;
		const struct btfx_type *rt = id_resolve(env, &rid);
		return rt && !is_modifier(rt) && !is_var(rt) && !is_datasec(rt);
	}
	if (is_array(t)) {
		const struct btfx_array *a = btfx_array(t);
		uint32_t eid = a->type, esize = 0;
		const struct btfx_type *et = id_size(env, &eid, &esize);
		return et && !is_modifier(et) && a->nelems * esize == res_size(env, id);
	}
	return false;
}

static int resolve(struct venv *env, const struct btfx_type *t, uint32_t id)
{
	struct frame *v;
	int e;

	env->mode = RESOLVE_TBD;
	env->top = 0;
	e = push(env, t, id);
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
	if (!resolve_valid(env, t, id))
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
		const struct btfx_type *rt = tby(env, rid);
		if (!rt || source_only(rt))
			return verr(env, BTFX_E_REF, EINVAL, id, "Invalid return type %u", rid);
		if (needs_resolve(rt) && !is_resolved(env, rid) && (e = resolve(env, rt, rid)))
			return e;
		if (!id_size(env, &rid, NULL))
			return verr(env, BTFX_E_REF, EINVAL, id, "Invalid return type %u", t->type);
	}
	if (!n)
		return 0;
	if (!p[n - 1].type) {
		if (p[n - 1].name_off)
			return verr(env, BTFX_E_REF, EINVAL, id, "Invalid arg#%u (named vararg)", n);
		n--;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint32_t aid = p[i].type;
		const struct btfx_type *at = tby(env, aid);
		if (!at || source_only(at))
			return verr(env, BTFX_E_REF, EINVAL, id, "Invalid arg#%u (type %u)", i + 1, aid);
		if (p[i].name_off && (!name_off_valid(env->btf, p[i].name_off) || !name_valid_ident(env->btf, p[i].name_off)))
			return verr(env, BTFX_E_NAME, EINVAL, id, "Invalid arg#%u (name)", i + 1);
		if (needs_resolve(at) && !is_resolved(env, aid) && (e = resolve(env, at, aid)))
			return e;
		if (!id_size(env, &aid, NULL))
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
		const struct btfx_type *t = tby(env, i);
		int limit = 32;
		uint32_t cur = i;
		bool in_tags;

		if (!is_modifier(t))
			continue;
		in_tags = is_type_tag(t);
		while (is_modifier(t)) {
			if (!limit--)
				return verr(env, BTFX_E_DEPTH, ELOOP, i, "Max chain length or cycle detected");
			if (is_type_tag(t)) {
				if (!in_tags)
					return verr(env, BTFX_E_TAG, EINVAL, i, "Type tags don't precede modifiers");
			} else if (in_tags) {
				in_tags = false;
			}
			if ((int64_t)cur <= good)
				break;
			cur = t->type;
			t = tby(env, cur);
			if (!t)
				return verr(env, BTFX_E_REF, EINVAL, i, "Invalid type_id %u", cur);
		}
		good = i;
	}
	return 0;
}

struct meta_job {
	struct venv env;
	struct btfx_error err;
	uint32_t from, to;
	int ret;
};

static void *meta_range(void *arg)
{
	struct meta_job *j = arg;

	j->ret = 0;
	for (uint32_t id = j->from; id < j->to; id++) {
		j->env.log_id = id;
		j->ret = check_meta(&j->env, id, btfx__type(j->env.btf, id));
		if (j->ret)
			break;
	}
	return NULL;
}

/*
 * Pass 1 is independent per type, so large BTFs are checked in two halves
 * on two threads.  The first error in id order wins, as in a sequential run.
 */
#define PARALLEL_MIN_TYPES 20000

static int check_all_metas(struct venv *env, uint32_t n)
{
	struct btfx *btf = env->btf;
	struct meta_job jobs[2];
	pthread_t th;
	bool threaded = false;
	uint32_t first = btf->start_id, mid = first + n / 2, last = first + n;

	if (n < PARALLEL_MIN_TYPES) {
		jobs[0].env = *env;
		jobs[0].from = first;
		jobs[0].to = last;
		meta_range(&jobs[0]);
		return jobs[0].ret;
	}
	for (int i = 0; i < 2; i++) {
		jobs[i].env = *env;
		jobs[i].env.err = &jobs[i].err;
		memset(&jobs[i].err, 0, sizeof(jobs[i].err));
		jobs[i].from = i ? mid : first;
		jobs[i].to = i ? last : mid;
	}
	if (!pthread_create(&th, NULL, meta_range, &jobs[1]))
		threaded = true;
	meta_range(&jobs[0]);
	if (threaded)
		pthread_join(th, NULL);
	else
		meta_range(&jobs[1]);
	for (int i = 0; i < 2; i++) {
		if (jobs[i].ret) {
			if (env->err)
				*env->err = jobs[i].err;
			return jobs[i].ret;
		}
	}
	return 0;
}

int btfx__validate(struct btfx *btf, struct btfx_error *err)
{
	struct venv env = { .btf = btf, .err = err };
	uint32_t n = btf->nr_types;
	int e = 0;

	kctype_init();
	env.object = btf->flags & BTFX_F_OBJECT;
	for (const struct btfx *b = btf; b; b = b->base)
		if (b->layout)
			env.wide = true;
	if ((uint64_t)btf->start_id + n > BTFX_MAX_TYPE)
		return btfx_set_err(err, BTFX_E_LIMIT, E2BIG, BTFX_MAX_TYPE, -1,
				    "Exceeded max num of types: %u types (kernel limit: ids below %u)", n, BTFX_MAX_TYPE);
	e = check_all_metas(&env, n);
	if (e)
		return e;
	btf->res_ids = calloc(n ? n : 1, sizeof(uint32_t));
	btf->res_sizes = calloc(n ? n : 1, sizeof(uint32_t));
	env.visit = calloc(n ? n : 1, 1);
	if (!btf->res_ids || !btf->res_sizes || !env.visit) {
		e = btfx_set_err(err, BTFX_E_NOMEM, ENOMEM, 0, -1, "out of memory");
		goto out;
	}
	for (uint32_t i = 0; i < n && !e; i++) {
		uint32_t id = btf->start_id + i;
		const struct btfx_type *t = btfx__type(btf, id);
		env.log_id = id;
		if (kind(t) >= BTFX_KIND_NR)
			continue;
		if (needs_resolve(t) && !is_resolved(&env, id))
			e = resolve(&env, t, id);
		if (!e && is_proto(t))
			e = proto_check(&env, id, t);
	}
	if (!e)
		e = check_type_tags(&env);
out:
	free(env.visit);
	if (e) {
		free(btf->res_ids);
		free(btf->res_sizes);
		btf->res_ids = btf->res_sizes = NULL;
	}
	return e;
}
