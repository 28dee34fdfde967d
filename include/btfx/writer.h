/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libbtfx writer: build BTF type by type and serialize it.
 *
 *  - A writer is either empty (btfx_writer_new, optionally split on top of a
 *    base) or a copy of a parsed BTF (btfx_writer_new_from) that keeps its
 *    type records, string section (byte for byte: unreferenced and duplicate
 *    strings included), kind-layout section, header length, section order
 *    and byte order, so that parse -> write gives back the same bytes.
 *  - Strings are deduplicated: btfx_writer_add_str returns the offset of an
 *    identical string already in the writer (or, for a split writer, in the
 *    base) before appending a new one.
 *  - Types are appended; the typed helpers return the new type id.  The
 *    variable-length kinds (STRUCT, UNION, ENUM, ENUM64, FUNC_PROTO,
 *    DATASEC) start with vlen 0 and grow with add_member / add_enum_val /
 *    add_param / add_secinfo, which always extend the LAST type added.
 *    Referenced type ids are not checked when added (forward references are
 *    normal); btfx_writer_write can validate the result.
 *  - Records are kept in host byte order; byte order is chosen on write.
 *  - Serialization is deterministic: the same calls give the same bytes.
 *
 * Int-returning functions return an id / offset (>= 0) or 0 on success, and
 * a negative errno on failure; btfx_writer_errmsg() then says why.
 */
#ifndef BTFX_WRITER_H
#define BTFX_WRITER_H

#include "btfx/btfx.h"

#ifdef __cplusplus
extern "C" {
#endif

struct btfx_writer;

/* An empty writer.  With base, the BTF is split BTF on top of it: ids start
 * at btfx_type_cnt(base), string offsets after the base's strings, and base
 * strings are reused by add_str.  The base must outlive the writer. */
BTFX_API struct btfx_writer *btfx_writer_new(const struct btfx *base, struct btfx_error *err);
/* A writer holding a copy of btf's own types, strings, layout section and
 * header shape (base as btf's base). */
BTFX_API struct btfx_writer *btfx_writer_new_from(const struct btfx *btf, struct btfx_error *err);
BTFX_API void btfx_writer_free(struct btfx_writer *w);

/* Message of the last failed call ("" if none). */
BTFX_API const char *btfx_writer_errmsg(const struct btfx_writer *w);

BTFX_API uint32_t btfx_writer_start_id(const struct btfx_writer *w);  /* first own id */
BTFX_API uint32_t btfx_writer_type_cnt(const struct btfx_writer *w);  /* last id + 1 */
/* An own type's record (host order); NULL for base ids / out of range.
 * Valid until the next add.  The _mut form allows in-place edits that keep
 * the record size (kind changes between kinds of the same record size,
 * name, size/type, trailing words). */
BTFX_API const struct btfx_type *btfx_writer_type(const struct btfx_writer *w, uint32_t id);
BTFX_API struct btfx_type *btfx_writer_type_mut(struct btfx_writer *w, uint32_t id);
/* String at offset (own or base), NULL if invalid. */
BTFX_API const char *btfx_writer_str(const struct btfx_writer *w, uint32_t off);

/* ---- strings ---- */
/* Offset of s, added if not present ("" is 0). */
BTFX_API int64_t btfx_writer_add_str(struct btfx_writer *w, const char *s);
/* Offset of s if present, else -ENOENT. */
BTFX_API int64_t btfx_writer_find_str(struct btfx_writer *w, const char *s);

/* ---- types (name NULL or "" = anonymous) ---- */
BTFX_API int btfx_writer_add_int(struct btfx_writer *w, const char *name, uint32_t size, unsigned encoding,
				 unsigned bit_offset, unsigned bits);
BTFX_API int btfx_writer_add_float(struct btfx_writer *w, const char *name, uint32_t size);
/* PTR, TYPEDEF(name), VOLATILE, CONST, RESTRICT: kind selects */
BTFX_API int btfx_writer_add_ref(struct btfx_writer *w, unsigned kind, const char *name, uint32_t type);
BTFX_API int btfx_writer_add_array(struct btfx_writer *w, uint32_t elem, uint32_t index_type, uint32_t nelems);
BTFX_API int btfx_writer_add_struct(struct btfx_writer *w, const char *name, uint32_t size);
BTFX_API int btfx_writer_add_union(struct btfx_writer *w, const char *name, uint32_t size);
/* Member of the last STRUCT/UNION.  A non-zero bitfield_size sets the
 * type's kind_flag (existing members keep their meaning: their offsets are
 * plain bit offsets, bitfield size 0). */
BTFX_API int btfx_writer_add_member(struct btfx_writer *w, const char *name, uint32_t type, uint32_t bit_offset,
				    uint32_t bitfield_size);
BTFX_API int btfx_writer_add_enum(struct btfx_writer *w, const char *name, uint32_t size, bool is_signed);
BTFX_API int btfx_writer_add_enum64(struct btfx_writer *w, const char *name, uint32_t size, bool is_signed);
/* Enumerator of the last ENUM (value must fit 32 bits) or ENUM64. */
BTFX_API int btfx_writer_add_enum_val(struct btfx_writer *w, const char *name, int64_t value);
BTFX_API int btfx_writer_add_fwd(struct btfx_writer *w, const char *name, bool is_union);
BTFX_API int btfx_writer_add_func(struct btfx_writer *w, const char *name, uint32_t proto, unsigned linkage);
BTFX_API int btfx_writer_add_func_proto(struct btfx_writer *w, uint32_t ret);
/* Parameter of the last FUNC_PROTO ({NULL, 0} is the varargs marker). */
BTFX_API int btfx_writer_add_param(struct btfx_writer *w, const char *name, uint32_t type);
BTFX_API int btfx_writer_add_var(struct btfx_writer *w, const char *name, uint32_t type, unsigned linkage);
BTFX_API int btfx_writer_add_datasec(struct btfx_writer *w, const char *name, uint32_t size);
BTFX_API int btfx_writer_add_secinfo(struct btfx_writer *w, uint32_t type, uint32_t offset, uint32_t size);
/* attr: kind_flag (an arbitrary __attribute__ rather than btf_*_tag) */
BTFX_API int btfx_writer_add_type_tag(struct btfx_writer *w, const char *value, uint32_t type, bool attr);
BTFX_API int btfx_writer_add_decl_tag(struct btfx_writer *w, const char *value, uint32_t type, int32_t component_idx,
				      bool attr);

/* A record as on disk in host order (header + trailing data, size bytes),
 * its string offsets already valid in w.  Unknown kinds need a layout
 * entry (btfx_writer_set_layout) matching size. */
BTFX_API int btfx_writer_add_raw(struct btfx_writer *w, const struct btfx_type *t, size_t size);
/*
 * Append a copy of type id of src (any BTF, split or not).  Its strings are
 * interned into w.  Each type id inside the record (referenced types, member
 * and parameter types, ...) is rewritten as map[id] when map is given
 * (ids >= map_cnt become 0), else kept.
 */
BTFX_API int btfx_writer_copy_type(struct btfx_writer *w, const struct btfx *src, uint32_t id, const uint32_t *map,
				   size_t map_cnt);
/* As copy_type, for a record given by the caller (host order, size bytes,
 * e.g. an edited copy of one of src's): its string offsets are src's, its
 * type ids are rewritten through map as above. */
BTFX_API int btfx_writer_add_raw_from(struct btfx_writer *w, const struct btfx *src, const struct btfx_type *rec,
				      size_t size, const uint32_t *map, size_t map_cnt);

/* ---- kind-layout section ---- */
/* The standard table for kinds 0..nkinds-1 (kinds >= 20 get {0,0}), or a
 * given table (NULL, 0 removes it). */
BTFX_API int btfx_writer_set_layout(struct btfx_writer *w, const struct btfx_layout *table, uint32_t nkinds);
BTFX_API int btfx_writer_set_default_layout(struct btfx_writer *w, uint32_t nkinds);
BTFX_API bool btfx_writer_has_layout(const struct btfx_writer *w);

/* ---- serialization ---- */
enum btfx_endian {
	BTFX_ENDIAN_DEFAULT = 0, /* the source's (new_from), else the host's */
	BTFX_ENDIAN_HOST,
	BTFX_ENDIAN_LITTLE,
	BTFX_ENDIAN_BIG,
};

enum btfx_write_flags {
	/* Parse the result with kernel-rule validation; a failure is an error
	 * (BTFX_E_* of the validator, message naming the type). */
	BTFX_WRITE_VALIDATE = 1u << 0,
	/* Drop the layout section (header becomes 24 bytes). */
	BTFX_WRITE_NO_LAYOUT = 1u << 1,
	/* Validate as BPF object BTF (DATASEC size 0, extern linkage, ...). */
	BTFX_WRITE_OBJECT = 1u << 2,
};

struct btfx_write_opts {
	size_t sz;                 /* sizeof(struct btfx_write_opts) */
	enum btfx_endian endian;
	uint32_t flags;            /* enum btfx_write_flags */
	uint32_t hdr_len;          /* 0: the source's (new_from), else 24, or 32 with a layout */
};

/* Serialize: [header | types | layout | strings] (or the source's section
 * order).  *data is malloc'd (free()). */
BTFX_API int btfx_writer_write(struct btfx_writer *w, const struct btfx_write_opts *opts, void **data, size_t *size,
			       struct btfx_error *err);

#ifdef __cplusplus
}
#endif
#endif /* BTFX_WRITER_H */
