/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libbtfx layout: the memory layout of a struct or union, as data.
 *
 * btfx_record_layout_new() walks one STRUCT/UNION and returns a flat list
 * of items in print order: members (with absolute byte/bit offsets and
 * sizes), the opening and closing of inline anonymous struct/union members
 * (at any depth), byte and bit holes, and cacheline boundaries, plus the
 * totals pahole prints in its summary.  Nothing is printed: btftool
 * renders the items (`btftool dump --format layout`).
 *
 * Offsets follow pahole's conventions so that the two agree:
 *  - offsets are absolute, from the start of the outermost type, also
 *    inside inline anonymous members;
 *  - a bitfield's byte offset is that of its storage unit (the size of its
 *    integer/enum type, aligned down), bit_pos is its bit inside the unit,
 *    and size is the unit's size;
 *  - holes are counted per struct level; the summary totals cover the
 *    outermost level only.
 */
#ifndef BTFX_LAYOUT_H
#define BTFX_LAYOUT_H

#include "btfx/btfx.h"

#ifdef __cplusplus
extern "C" {
#endif

enum btfx_lay_kind {
	BTFX_LAY_MEMBER = 1, /* a member printed on one line */
	BTFX_LAY_OPEN,       /* start of an inline anonymous struct/union member */
	BTFX_LAY_CLOSE,      /* its end: offset and size of the whole member */
	BTFX_LAY_HOLE,       /* byte hole after the previous member: size bytes */
	BTFX_LAY_BIT_HOLE,   /* bit hole after the previous member: size bits */
	BTFX_LAY_CACHELINE,  /* the next member starts in cacheline `size` */
};

/* btfx_lay_item.flags */
#define BTFX_LAY_F_BITFIELD (1u << 0) /* MEMBER is a bitfield */
#define BTFX_LAY_F_UNION (1u << 1)    /* OPEN/CLOSE of a union (else struct) */
#define BTFX_LAY_F_LAST (1u << 2)     /* the last member of its parent */
#define BTFX_LAY_F_ARRAY (1u << 3)    /* OPEN/CLOSE of an array of anonymous
				       * structs/unions: the items inside are
				       * those of element 0 */

struct btfx_lay_item {
	uint8_t kind;        /* enum btfx_lay_kind */
	uint8_t depth;       /* 0: members of the type itself */
	uint16_t flags;
	uint32_t type_id;    /* member type (OPEN: the anonymous struct/union) */
	const char *name;    /* member name, NULL if anonymous; borrowed from the BTF */
	uint32_t member_idx; /* index among its parent's members */
	uint32_t bit_size;   /* bitfield size in bits, 0 if not a bitfield */
	uint32_t bit_pos;    /* bitfield: bit offset inside its storage unit */
	uint64_t bit_offset; /* absolute bit offset of the member */
	uint64_t offset;     /* absolute byte offset (bitfield: of its storage unit) */
	uint64_t size;       /* bytes; HOLE: bytes, BIT_HOLE: bits, CACHELINE: index */
	uint64_t tail_padding; /* MEMBER of struct type: that struct's trailing padding */
};

struct btfx_record_layout {
	uint32_t type_id;
	const char *name;         /* NULL if anonymous */
	bool is_union;
	uint32_t cacheline_size;
	uint64_t size;            /* the type's size in bytes */
	uint32_t nr_members;      /* direct members */
	uint64_t sum_members;     /* bytes of direct non-bitfield members */
	uint64_t sum_bitfields;   /* bits of direct bitfield members */
	uint32_t nr_holes;        /* direct level only */
	uint64_t sum_holes;       /* bytes */
	uint32_t nr_bit_holes;
	uint64_t sum_bit_holes;   /* bits */
	uint64_t padding;         /* trailing bytes after the last member */
	uint32_t bit_padding;     /* trailing bits in the last bitfield's unit */
	uint32_t nr_cachelines;   /* ceil(size / cacheline_size) */
	uint32_t nr_paddings;     /* direct members whose struct type has tail padding */
	uint64_t sum_paddings;    /* bytes of that padding */
	size_t nr_items;
	struct btfx_lay_item *items;
};

struct btfx_layout_opts {
	size_t sz;               /* sizeof(struct btfx_layout_opts) */
	uint32_t cacheline_size; /* 0: 64 */
};

/**
 * @brief Layout of the STRUCT or UNION id (modifiers and typedefs are
 * followed).
 * @return the layout, or NULL with err filled: E_USAGE (not a struct or
 * union, bad id), E_DEPTH (anonymous nesting deeper than 32), E_NOMEM.
 * Ownership: the caller frees it with btfx_record_layout_free(); names in
 * it borrow from btf, which must outlive it.
 */
BTFX_API struct btfx_record_layout *btfx_record_layout_new(const struct btfx *btf, uint32_t id,
							   const struct btfx_layout_opts *opts,
							   struct btfx_error *err);
BTFX_API void btfx_record_layout_free(struct btfx_record_layout *l);

/**
 * @brief C declaration of `name` with type id, as a compiler or pahole
 * writes it: "struct sk_buff *next", "char cb[48]",
 * "void (*destructor)(struct sk_buff *)".  name may be NULL or "" for the
 * type alone ("struct sk_buff *").  Anonymous composites are written
 * "struct {...}"; type tags are left out.
 * When split is not NULL it receives where the declarator proper starts
 * (the name, or "(" of a function pointer, or the name of an array): the
 * text before it is the "type column" of pahole ("struct sk_buff *").
 * @return the length the full text needs (snprintf-style); buf gets at
 * most sz - 1 bytes and a NUL when sz > 0.
 */
BTFX_API size_t btfx_type_decl(const struct btfx *btf, uint32_t id, const char *name, char *buf,
			       size_t sz, size_t *split);

#ifdef __cplusplus
}
#endif
#endif /* BTFX_LAYOUT_H */
