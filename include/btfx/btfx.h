/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libbtfx: read, validate and index BTF (BPF Type Format).
 *
 * Conventions
 *  - Objects are opaque and named btfx_<object>_<verb>() / btfx_<verb>().
 *  - Functions returning a pointer return NULL on failure; functions
 *    returning int return 0 on success and a negative errno on failure.
 *    Either way, when the caller passes a struct btfx_error, it is filled
 *    with a stable error class, the offending type id / byte offset and a
 *    one-line message that names the file and the problem.
 *  - Type records are exposed in their on-disk layout (struct btfx_type and
 *    friends below mirror include/uapi/linux/btf.h) in host byte order, so
 *    walking them costs nothing.  Foreign-endian input is converted on load.
 */
#ifndef BTFX_BTFX_H
#define BTFX_BTFX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef BTFX_API
#define BTFX_API __attribute__((visibility("default")))
#endif

/* ------------------------------------------------------------------ */
/* Format constants                                                    */
/* ------------------------------------------------------------------ */

#define BTFX_MAGIC 0xeB9F
#define BTFX_MAX_TYPE 0x000fffff        /* kernel limit on type ids */
#define BTFX_MAX_NAME_OFFSET 0x00ffffff /* kernel limit on string offsets */
#define BTFX_MAX_SIZE (16u << 20)      /* kernel limit on a BTF blob */

enum btfx_kind {
	BTFX_KIND_UNKN = 0,
	BTFX_KIND_INT = 1,
	BTFX_KIND_PTR = 2,
	BTFX_KIND_ARRAY = 3,
	BTFX_KIND_STRUCT = 4,
	BTFX_KIND_UNION = 5,
	BTFX_KIND_ENUM = 6,
	BTFX_KIND_FWD = 7,
	BTFX_KIND_TYPEDEF = 8,
	BTFX_KIND_VOLATILE = 9,
	BTFX_KIND_CONST = 10,
	BTFX_KIND_RESTRICT = 11,
	BTFX_KIND_FUNC = 12,
	BTFX_KIND_FUNC_PROTO = 13,
	BTFX_KIND_VAR = 14,
	BTFX_KIND_DATASEC = 15,
	BTFX_KIND_FLOAT = 16,
	BTFX_KIND_DECL_TAG = 17,
	BTFX_KIND_TYPE_TAG = 18,
	BTFX_KIND_ENUM64 = 19,
	BTFX_KIND_NR = 20, /* known kinds; larger kinds are sized by layout */
};

#define BTFX_INT_SIGNED (1 << 0)
#define BTFX_INT_CHAR (1 << 1)
#define BTFX_INT_BOOL (1 << 2)

enum btfx_linkage { BTFX_LINKAGE_STATIC = 0, BTFX_LINKAGE_GLOBAL = 1, BTFX_LINKAGE_EXTERN = 2 };

struct btfx_type {
	uint32_t name_off;
	uint32_t info; /* vlen: bits 0-23, kind: bits 24-30, kflag: bit 31 */
	union {
		uint32_t size;
		uint32_t type;
	};
};
struct btfx_array { uint32_t type, index_type, nelems; };
struct btfx_member { uint32_t name_off, type, offset; };
struct btfx_enum { uint32_t name_off; int32_t val; };
struct btfx_enum64 { uint32_t name_off, val_lo32, val_hi32; };
struct btfx_param { uint32_t name_off, type; };
struct btfx_var { uint32_t linkage; };
struct btfx_var_secinfo { uint32_t type, offset, size; };
struct btfx_decl_tag { int32_t component_idx; };
struct btfx_layout { uint8_t info_sz, elem_sz; uint16_t flags; };

static inline unsigned btfx_kind(const struct btfx_type *t) { return (t->info >> 24) & 0x7f; }
static inline uint32_t btfx_vlen(const struct btfx_type *t) { return t->info & 0xffffff; }
static inline bool btfx_kflag(const struct btfx_type *t) { return t->info >> 31; }
static inline bool btfx_is_composite(const struct btfx_type *t)
{ unsigned k = btfx_kind(t); return k == BTFX_KIND_STRUCT || k == BTFX_KIND_UNION; }
static inline bool btfx_is_mod(const struct btfx_type *t)
{ unsigned k = btfx_kind(t); return k == BTFX_KIND_VOLATILE || k == BTFX_KIND_CONST ||
	k == BTFX_KIND_RESTRICT || k == BTFX_KIND_TYPE_TAG; }
static inline bool btfx_is_any_enum(const struct btfx_type *t)
{ unsigned k = btfx_kind(t); return k == BTFX_KIND_ENUM || k == BTFX_KIND_ENUM64; }
static inline uint32_t btfx_int_data(const struct btfx_type *t) { return *(const uint32_t *)(t + 1); }
static inline unsigned btfx_int_encoding(const struct btfx_type *t) { return (btfx_int_data(t) >> 24) & 0x0f; }
static inline unsigned btfx_int_offset(const struct btfx_type *t) { return (btfx_int_data(t) >> 16) & 0xff; }
static inline unsigned btfx_int_bits(const struct btfx_type *t) { return btfx_int_data(t) & 0xff; }
static inline const struct btfx_array *btfx_array(const struct btfx_type *t) { return (const struct btfx_array *)(t + 1); }
static inline const struct btfx_member *btfx_members(const struct btfx_type *t) { return (const struct btfx_member *)(t + 1); }
static inline const struct btfx_enum *btfx_enums(const struct btfx_type *t) { return (const struct btfx_enum *)(t + 1); }
static inline const struct btfx_enum64 *btfx_enums64(const struct btfx_type *t) { return (const struct btfx_enum64 *)(t + 1); }
static inline const struct btfx_param *btfx_params(const struct btfx_type *t) { return (const struct btfx_param *)(t + 1); }
static inline const struct btfx_var *btfx_var(const struct btfx_type *t) { return (const struct btfx_var *)(t + 1); }
static inline const struct btfx_var_secinfo *btfx_secinfos(const struct btfx_type *t) { return (const struct btfx_var_secinfo *)(t + 1); }
static inline const struct btfx_decl_tag *btfx_decl_tag(const struct btfx_type *t) { return (const struct btfx_decl_tag *)(t + 1); }
static inline uint64_t btfx_enum64_value(const struct btfx_enum64 *e)
{ return (uint64_t)e->val_hi32 << 32 | e->val_lo32; }
/* Bit offset of member i, honouring kflag (bitfield size in bits 24-31). */
static inline uint32_t btfx_member_bit_offset(const struct btfx_type *t, uint32_t i)
{ uint32_t o = btfx_members(t)[i].offset; return btfx_kflag(t) ? (o & 0xffffff) : o; }
static inline uint32_t btfx_member_bitfield_size(const struct btfx_type *t, uint32_t i)
{ return btfx_kflag(t) ? btfx_members(t)[i].offset >> 24 : 0; }

BTFX_API const char *btfx_kind_str(unsigned kind); /* "STRUCT", ... "UNKN" */

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

enum btfx_errc {
	BTFX_OK = 0,
	BTFX_E_IO,           /* cannot open/read/write a file */
	BTFX_E_NOMEM,
	BTFX_E_USAGE,        /* bad argument to an API call */
	BTFX_E_FORMAT,       /* input is not a format btfx knows */
	BTFX_E_HDR,          /* BTF header */
	BTFX_E_SECTION,      /* BTF section table */
	BTFX_E_STRTAB,       /* string section */
	BTFX_E_LAYOUT,       /* kind-layout section */
	BTFX_E_TYPE_FRAME,   /* a type record runs past its section */
	BTFX_E_KIND,         /* unknown / invalid kind or info bits */
	BTFX_E_NAME,         /* name offset or identifier rules */
	BTFX_E_REF,          /* referenced type id invalid */
	BTFX_E_LOOP,         /* reference cycle */
	BTFX_E_DEPTH,        /* resolve depth / modifier chain too long */
	BTFX_E_SIZE,         /* size, INT encoding/bits, overflow */
	BTFX_E_MEMBER,       /* member placement */
	BTFX_E_KFLAG,        /* kind_flag misuse */
	BTFX_E_LINKAGE,      /* FUNC/VAR linkage */
	BTFX_E_DATASEC,      /* DATASEC contents */
	BTFX_E_TAG,          /* DECL_TAG / TYPE_TAG */
	BTFX_E_LIMIT,        /* blob size / type count limits */
	BTFX_E_ELF,          /* malformed ELF container */
	BTFX_E_IMAGE,        /* kernel image / compressed payload */
	BTFX_E_NOBTF,        /* container has no BTF */
	BTFX_E_EXT,          /* .BTF.ext */
	BTFX_E_NOTFOUND,     /* lookup failed */
	BTFX_E__NR,
};

struct btfx_error {
	enum btfx_errc code;
	int sys_errno;       /* errno for BTFX_E_IO, else a matching errno */
	uint32_t type_id;    /* offending type id, 0 if none */
	int64_t offset;      /* byte offset in the file/blob, -1 if none */
	char msg[512];       /* "FILE: [ID] KIND 'name': problem" */
};

BTFX_API const char *btfx_errc_str(enum btfx_errc code); /* "E_HDR", ... */

/* ------------------------------------------------------------------ */
/* Opening                                                             */
/* ------------------------------------------------------------------ */

struct btfx;

enum btfx_source_kind {
	BTFX_SRC_RAW = 1,    /* raw BTF blob (/sys/kernel/btf/...) */
	BTFX_SRC_ELF,        /* ELF with .BTF (vmlinux, .ko, BPF object) */
	BTFX_SRC_IMAGE,      /* compressed kernel image (bzImage/vmlinuz) */
	BTFX_SRC_COMPRESSED, /* compressed ELF (.ko.xz, .ko.zst, ...) */
};

enum btfx_open_flags {
	/* BTF as clang emits it in BPF objects: DATASEC with size 0 and
	 * unset offsets, extern FUNC/VAR linkage, unnamed params of extern
	 * functions.  Set automatically for ELF relocatable objects. */
	BTFX_F_OBJECT = 1u << 0,
	/* Skip the kernel-rules validation (structural checks remain). */
	BTFX_F_NO_VALIDATE = 1u << 1,
	/* Never take /sys/kernel/btf/vmlinux as base automatically. */
	BTFX_F_NO_AUTO_BASE = 1u << 2,
	/* Validate at libbpf's level only (btfx_check_refs), not with the
	 * kernel's rules: for BTF that is read, never loaded (CO-RE targets).
	 * Ignored with BTFX_F_NO_VALIDATE. */
	BTFX_F_REFS_ONLY = 1u << 3,
	/* Build the essential-name index (btfx_find_essential) while opening;
	 * with BTFX_F_REFS_ONLY, from the entries framing lists. */
	BTFX_F_INDEX_ESSENTIAL = 1u << 4,
	/* Validate on the calling thread only.  By default a large BTF gets
	 * one helper thread for the duration of the open; the verdict and
	 * the error are the same either way. */
	BTFX_F_SINGLE_THREAD = 1u << 5,
};

struct btfx_open_opts {
	size_t sz;                /* sizeof(struct btfx_open_opts) */
	const struct btfx *base;  /* base BTF for split BTF, or NULL */
	uint32_t flags;           /* enum btfx_open_flags */
};

/* Open any supported source. */
BTFX_API struct btfx *btfx_open(const char *path, const struct btfx_open_opts *opts,
				struct btfx_error *err);
/* Parse a raw BTF blob held by the caller; data is copied when needed
 * (foreign endian), otherwise referenced: it must outlive the object
 * unless copy is true. name is used in messages. */
BTFX_API struct btfx *btfx_parse(const void *data, size_t size, const char *name, bool copy,
				 const struct btfx_open_opts *opts, struct btfx_error *err);
BTFX_API void btfx_free(struct btfx *btf);

/* ------------------------------------------------------------------ */
/* Queries                                                             */
/* ------------------------------------------------------------------ */

BTFX_API const char *btfx_path(const struct btfx *btf);
BTFX_API enum btfx_source_kind btfx_source(const struct btfx *btf);
BTFX_API const struct btfx *btfx_base(const struct btfx *btf);
BTFX_API bool btfx_is_foreign_endian(const struct btfx *btf); /* input was */
BTFX_API uint32_t btfx_start_id(const struct btfx *btf);   /* first own id */
BTFX_API uint32_t btfx_type_cnt(const struct btfx *btf);   /* last id + 1 */
BTFX_API const struct btfx_type *btfx_type_by_id(const struct btfx *btf, uint32_t id);
BTFX_API const char *btfx_str(const struct btfx *btf, uint32_t off); /* NULL if bad */
static inline const char *btfx_name(const struct btfx *btf, const struct btfx_type *t)
{ return btfx_str(btf, t->name_off); }

/* The BTF blob as read (header, sections), in the input's byte order. */
BTFX_API const void *btfx_raw_data(const struct btfx *btf, size_t *size);

struct btfx_header_info {
	uint32_t hdr_len, type_off, type_len, str_off, str_len, layout_off, layout_len;
	uint8_t version, flags;
};
BTFX_API void btfx_header(const struct btfx *btf, struct btfx_header_info *hdr);

/* Name lookup. kind 0 means any kind. Returns the first matching id at or
 * after id 1 (base first), or 0. btfx_find_all fills ids[] (up to cap) and
 * returns the total count. */
BTFX_API uint32_t btfx_find(const struct btfx *btf, const char *name, unsigned kind);
BTFX_API size_t btfx_find_all(const struct btfx *btf, const char *name, unsigned kind,
			      uint32_t *ids, size_t cap);
/* CO-RE essential name: length of name without its ___flavor suffix.
 * btfx_find_essential covers the kinds CO-RE relocates: every kind but
 * FUNC, VAR, DATASEC and DECL_TAG. */
BTFX_API size_t btfx_essential_name_len(const char *name);
BTFX_API size_t btfx_find_essential(const struct btfx *btf, const char *ess_name, size_t len,
				    uint32_t *ids, size_t cap);

/* Follow modifiers (and typedefs when td is true) from id. */
BTFX_API uint32_t btfx_skip_mods(const struct btfx *btf, uint32_t id, bool td);
/* Resolved size in bytes, or -EINVAL for types without size. */
BTFX_API int64_t btfx_resolve_size(const struct btfx *btf, uint32_t id);
/* Natural alignment in bytes (as a C compiler would), or -EINVAL (no
 * alignment, malformed, or nested deeper than 64); -ENOMEM when a
 * pathological BTF (shared types nested thousands of paths deep) needs
 * memory for the walk and there is none. */
BTFX_API int btfx_align(const struct btfx *btf, uint32_t id);

/* Iterate over the type ids a type references (member, param, target,
 * element, index types).  Returns the number written (up to cap) and the
 * total in *total. */
BTFX_API size_t btfx_type_refs(const struct btfx *btf, uint32_t id, uint32_t *ids, size_t cap,
			       size_t *total);
/* Userspace-level checks (libbpf's level): every referenced id and string
 * offset is in range, FUNCs point at FUNC_PROTOs.  For BTF opened with
 * BTFX_F_NO_VALIDATE that is read but never loaded into a kernel (CO-RE
 * targets).  0 or -errno with *err filled. */
BTFX_API int btfx_check_refs(const struct btfx *btf, struct btfx_error *err);

/* Ids of types that reference id (built lazily, O(n) once). */
BTFX_API size_t btfx_referrers(struct btfx *btf, uint32_t id, uint32_t *ids, size_t cap);

#ifdef __cplusplus
}
#endif
#endif /* BTFX_BTFX_H */
