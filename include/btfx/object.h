/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * BPF ELF objects: code sections, programs, instructions, .BTF and
 * .BTF.ext (func_info, line_info, CO-RE relocation records).
 *
 * Everything is validated on open; a malformed .BTF.ext is an error, never
 * dropped (libbpf drops it with a warning and loads unrelocated code).
 * Offsets in ELF .BTF.ext records are byte offsets in their code section.
 */
#ifndef BTFX_OBJECT_H
#define BTFX_OBJECT_H

#include "btfx/btfx.h"

#ifdef __cplusplus
extern "C" {
#endif

struct btfx_obj;

struct btfx_insn {
	uint8_t code;
	uint8_t dst_reg : 4;
	uint8_t src_reg : 4;
	int16_t off;
	int32_t imm;
};

struct btfx_obj_sec {
	const char *name;
	uint32_t idx;               /* ELF section index */
	struct btfx_insn *insns;    /* host byte order, writable copy */
	uint32_t insn_cnt;
	uint64_t file_off;          /* offset of the section data in the file */
};

struct btfx_obj_prog {
	const char *name;           /* symbol name */
	uint32_t sec;               /* index into btfx_obj_secs() */
	uint32_t first_insn;        /* instruction index inside the section */
	uint32_t insn_cnt;
	bool global;
};

struct btfx_func_info { uint32_t sec, insn_off, type_id; };
struct btfx_line_info {
	uint32_t sec, insn_off;
	const char *file, *line;    /* from .BTF strings */
	uint32_t line_nr, col;
};
struct btfx_core_relo_rec {
	uint32_t sec;               /* index into btfx_obj_secs() */
	uint32_t insn_off;          /* bytes */
	uint32_t type_id;
	uint32_t access_str_off;
	uint32_t kind;              /* enum btfx_core_kind */
	const char *access_str;
};

BTFX_API struct btfx_obj *btfx_obj_open(const char *path, struct btfx_error *err);
BTFX_API void btfx_obj_free(struct btfx_obj *obj);
BTFX_API const char *btfx_obj_path(const struct btfx_obj *obj);
BTFX_API const struct btfx *btfx_obj_btf(const struct btfx_obj *obj);
BTFX_API bool btfx_obj_big_endian(const struct btfx_obj *obj);
BTFX_API const struct btfx_obj_sec *btfx_obj_secs(const struct btfx_obj *obj, size_t *cnt);
BTFX_API const struct btfx_obj_prog *btfx_obj_progs(const struct btfx_obj *obj, size_t *cnt);
BTFX_API const struct btfx_func_info *btfx_obj_func_info(const struct btfx_obj *obj, size_t *cnt);
BTFX_API const struct btfx_line_info *btfx_obj_line_info(const struct btfx_obj *obj, size_t *cnt);
BTFX_API const struct btfx_core_relo_rec *btfx_obj_core_relos(const struct btfx_obj *obj, size_t *cnt);
/* Program containing instruction insn_idx of section sec, or NULL. */
BTFX_API const struct btfx_obj_prog *btfx_obj_prog_at(const struct btfx_obj *obj, uint32_t sec, uint32_t insn_idx);
/* Last line_info at or before the instruction, or NULL. */
BTFX_API const struct btfx_line_info *btfx_obj_line_at(const struct btfx_obj *obj, uint32_t sec, uint32_t insn_off);

/* The whole ELF file as read (for rewriting). */
BTFX_API const void *btfx_obj_file_data(const struct btfx_obj *obj, size_t *size);

#ifdef __cplusplus
}
#endif
#endif
