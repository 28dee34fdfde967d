/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A small in-memory BTF builder for crafted test inputs.
 *
 * Types are appended in id order; every add function returns the new id.
 * Variable-length kinds (STRUCT/UNION/ENUM/ENUM64/FUNC_PROTO/DATASEC) are
 * created with vlen 0 and grow as members/values/params/secinfos are
 * appended: those always go to the LAST added type.  Nothing is validated:
 * the builder happily writes any garbage a test asks for.
 *
 * Everything is host byte order; bb_swap_blob() converts an emitted blob to
 * the other endianness.
 */
#ifndef BTFX_TEST_BTF_BUILDER_H
#define BTFX_TEST_BTF_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "btfx/btfx.h"

struct bb;

/* A new non-split builder: string section starts with "" at offset 0, ids at 1. */
struct bb *bb_new(void);
/* A split builder: ids start at start_id, string offsets at start_str_off and
 * the own string section starts empty (no leading NUL). */
struct bb *bb_new_split(uint32_t start_id, uint32_t start_str_off);
void bb_free(struct bb *b);

/* ---- strings ---- */
/* Append s (with its NUL) and return its offset; "" and NULL return 0 on a
 * non-split builder.  Identical strings are not deduplicated. */
uint32_t bb_str(struct bb *b, const char *s);
/* Append n raw bytes to the string section (no NUL added); returns offset. */
uint32_t bb_str_raw(struct bb *b, const void *bytes, size_t n);
uint32_t bb_str_len(const struct bb *b);

/* ---- raw types ---- */
static inline uint32_t bb_info(unsigned kind, uint32_t vlen, bool kflag)
{
	return (kflag ? 1u << 31 : 0) | ((kind & 0x7fu) << 24) | (vlen & 0xffffffu);
}
/* Append a btf_type header; returns its id. */
uint32_t bb_raw(struct bb *b, uint32_t name_off, uint32_t info, uint32_t size_or_type);
/* Append a 32-bit word of trailing data to the type section (no vlen change). */
void bb_word(struct bb *b, uint32_t w);
/* Pointer to type id's header inside the builder (valid until the next add). */
struct btfx_type *bb_type(struct bb *b, uint32_t id);
/* Pointer to the i-th 32-bit word after type id's header. */
uint32_t *bb_words(struct bb *b, uint32_t id);
void bb_set_info(struct bb *b, uint32_t id, uint32_t info);
void bb_set_kflag(struct bb *b, uint32_t id, bool kflag);
uint32_t bb_last_id(const struct bb *b);
uint32_t bb_type_cnt(const struct bb *b);   /* last id + 1 */
uint32_t bb_type_off(const struct bb *b, uint32_t id); /* byte offset in the type section */
uint32_t bb_types_len(const struct bb *b);
const uint8_t *bb_types_data(const struct bb *b);

/* ---- typed helpers (name may be NULL or "" for anonymous) ---- */
uint32_t bb_int(struct bb *b, const char *name, uint32_t size, unsigned enc, unsigned bit_off, unsigned bits);
uint32_t bb_ptr(struct bb *b, uint32_t type);
uint32_t bb_array(struct bb *b, uint32_t elem, uint32_t index, uint32_t nelems);
uint32_t bb_struct(struct bb *b, const char *name, uint32_t size);
uint32_t bb_union(struct bb *b, const char *name, uint32_t size);
/* member of the last STRUCT/UNION; bit_off is the raw offset word */
void bb_member(struct bb *b, const char *name, uint32_t type, uint32_t bit_off);
/* kflag-encoded member: offset = bitfield_size << 24 | bit_off (sets the kflag) */
void bb_member_bf(struct bb *b, const char *name, uint32_t type, uint32_t bit_off, uint32_t bitfield_size);
uint32_t bb_enum(struct bb *b, const char *name, uint32_t size, bool is_signed);
void bb_enum_val(struct bb *b, const char *name, int32_t val);
uint32_t bb_enum64(struct bb *b, const char *name, uint32_t size, bool is_signed);
void bb_enum64_val(struct bb *b, const char *name, uint64_t val);
uint32_t bb_fwd(struct bb *b, const char *name, bool is_union);
uint32_t bb_typedef(struct bb *b, const char *name, uint32_t type);
uint32_t bb_volatile(struct bb *b, uint32_t type);
uint32_t bb_const(struct bb *b, uint32_t type);
uint32_t bb_restrict(struct bb *b, uint32_t type);
uint32_t bb_func(struct bb *b, const char *name, uint32_t proto, unsigned linkage);
uint32_t bb_proto(struct bb *b, uint32_t ret);
void bb_param(struct bb *b, const char *name, uint32_t type);
uint32_t bb_var(struct bb *b, const char *name, uint32_t type, uint32_t linkage);
uint32_t bb_datasec(struct bb *b, const char *name, uint32_t size);
void bb_secinfo(struct bb *b, uint32_t type, uint32_t offset, uint32_t size);
uint32_t bb_float(struct bb *b, const char *name, uint32_t size);
uint32_t bb_decl_tag(struct bb *b, const char *value, uint32_t type, int32_t component_idx);
uint32_t bb_type_tag(struct bb *b, const char *value, uint32_t type);
/* Generic: a record of an arbitrary kind with the given trailing words. */
uint32_t bb_kind(struct bb *b, uint32_t name_off, unsigned kind, uint32_t vlen, bool kflag, uint32_t size_or_type,
		 const uint32_t *words, size_t nwords);

/* ---- layout section ---- */
/* Use the standard table for kinds 0..nkinds-1 (kinds >= 20 get {0,0}). */
void bb_layout_default(struct bb *b, unsigned nkinds);
/* Set layout entry for kind (grows the table). */
void bb_layout_set(struct bb *b, unsigned kind, uint8_t info_sz, uint8_t elem_sz, uint16_t flags);

/* ---- emit ---- */
enum bb_hdr_field {
	BB_MAGIC, BB_VERSION, BB_FLAGS, BB_HDR_LEN, BB_TYPE_OFF, BB_TYPE_LEN,
	BB_STR_OFF, BB_STR_LEN, BB_LAYOUT_OFF, BB_LAYOUT_LEN, BB_NR_FIELDS,
};
#define BB_OV(f) (1u << (f))

struct bb_emit_opts {
	uint32_t hdr_len;         /* 0: 24, or 32 when there is a layout section */
	bool no_layout;           /* do not emit the layout section even if set */
	int32_t type_len;         /* >= 0: emit only this many type-section bytes; -1: all */
	uint32_t override_mask;   /* BB_OV(field) for each field in override[] to use */
	uint32_t override[BB_NR_FIELDS];
};
#define BB_EMIT_DEFAULT { .type_len = -1 }

/* Emit [header | types | layout | strings]; header bytes past 32 are zero.
 * Returns a malloc'd blob (free()), *size set. */
uint8_t *bb_emit(const struct bb *b, const struct bb_emit_opts *o, size_t *size);
static inline uint8_t *bb_emit_simple(const struct bb *b, size_t *size)
{
	struct bb_emit_opts o = BB_EMIT_DEFAULT;
	return bb_emit(b, &o, size);
}

/* Read/write a header field of an emitted, host-order blob in place. */
void bb_hdr_set(uint8_t *blob, enum bb_hdr_field f, uint32_t v);
uint32_t bb_hdr_get(const uint8_t *blob, enum bb_hdr_field f);

/* Byte-swap a well-formed host-order blob to the other endianness, in place:
 * header, every type record (unknown kinds sized by the blob's layout
 * section), layout flags.  Returns 0, or -1 if the blob cannot be framed. */
int bb_swap_blob(uint8_t *blob, size_t size);

/* Hex dump (16 bytes a line) to a FILE *; f is a FILE * (void * to keep stdio out). */
void bb_hexdump(void *f, const void *data, size_t size);

/* ---- seeds ---- */
/* Seed V of robustness.md section 6:
 *  [1] INT int 4, [2] PTR->1, [3] STRUCT s{int a; int *p;}, [4] FUNC_PROTO(int x)->int,
 *  [5] FUNC f->4, [6] VAR v->1, [7] DATASEC .data{6 @0 sz4}, [8] ENUM e{A=0}. */
struct bb *bb_seed_v(void);
uint8_t *bb_seed_v_blob(size_t *size);

#endif
