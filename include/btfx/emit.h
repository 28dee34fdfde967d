/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libbtfx C emitter: BTF to a compilable C header (vmlinux.h).
 *
 * The output is what libbpf's btf_dump and `bpftool btf dump ... format c`
 * produce, with the same prologue, epilogue and kfunc block, plus layout
 * fixes where btf_dump's C would not have the BTF's sizes and offsets, and
 * decl tags as attributes (see docs/header.md).  The library never writes
 * to stdout: text goes to a caller callback (btfx_emit_c) or to a malloc'd
 * buffer (btfx_emit_c_buf).
 *
 * Order.  By default types are emitted in a stable sorted order that does
 * not depend on type ids: roots (every type that can be a top-level
 * definition: named struct/union/enum/typedef/fwd and anonymous top-level
 * enums) are sorted by the key bpftool uses since 2024
 *   (kind rank, sort name, own name, structural hash, id)
 * and each root is emitted after the types it needs (a topological walk with
 * strong edges, which need a complete type, and weak edges, which a forward
 * declaration satisfies).  BTFX_EMIT_ID_ORDER emits in type-id order instead,
 * exactly as bpftool's `unsorted` (and bpftool before 7.5) does.
 *
 * Names.  Duplicate struct/union/enum tags get `___2`, `___3`, ... (a CO-RE
 * flavor, so relocations still match); duplicate typedef and enumerator
 * names likewise.  In sorted order names are assigned over the whole BTF in
 * root order before anything is emitted, so a subset (opts.roots) uses the
 * same names as the full header.  In id order names are assigned on first
 * use, as libbpf does.
 */
#ifndef BTFX_EMIT_H
#define BTFX_EMIT_H

#include "btfx/btfx.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Receives the output in pieces; return 0 to go on, or a negative errno to
 * stop the emitter (btfx_emit_c then returns that value). */
typedef int (*btfx_emit_write_fn)(void *ctx, const char *data, size_t len);

enum btfx_emit_flags {
	/* Type-id order, names on first use (bpftool `format c unsorted`). */
	BTFX_EMIT_ID_ORDER = 1u << 0,
	/* Append _Static_asserts of sizeof and offsetof for every struct and
	 * union (named members, also through anonymous members) and of sizeof
	 * for every enum, with the BTF's values. */
	BTFX_EMIT_ASSERT_LAYOUT = 1u << 1,
	/* No kfunc prototype block. */
	BTFX_EMIT_NO_KFUNCS = 1u << 2,
	/* Types only: no include guard, pragma, macros or epilogue. */
	BTFX_EMIT_BODY_ONLY = 1u << 3,
	/* Do not emit decl tags (of structs, unions, members, typedefs and
	 * kfuncs) as attributes; libbpf and bpftool never emit them. */
	BTFX_EMIT_NO_DECL_TAGS = 1u << 4,
};

struct btfx_emit_stats {
	size_t sz;            /* sizeof(struct btfx_emit_stats), set by the caller */
	uint32_t defs;        /* struct/union/enum/typedef definitions */
	uint32_t fwds;        /* forward declarations */
	uint32_t kfuncs;      /* kfunc prototypes */
	uint32_t renamed;     /* types and enumerators given a ___N suffix */
	uint32_t asserts;     /* _Static_asserts */
	uint32_t packed;      /* structs/unions emitted __attribute__((packed)) */
	uint64_t bytes;       /* output size */
};

struct btfx_emit_opts {
	size_t sz;                 /* sizeof(struct btfx_emit_opts) */
	uint32_t flags;            /* enum btfx_emit_flags */
	/* Minimal header: emit only these types and what they need (complete
	 * definitions where C needs them, forward declarations where a pointer
	 * suffices).  A FUNC tagged "bpf_kfunc" puts its prototype in the kfunc
	 * block.  NULL: every type and every kfunc. */
	const uint32_t *roots;
	size_t nr_roots;
	const char *guard;         /* include guard; NULL: "__VMLINUX_H__" */
	struct btfx_emit_stats *stats; /* filled when non-NULL */
};

/*
 * @brief Emit btf (with its base, for split BTF) as C.
 * @return 0, or a negative errno: -EINVAL (bad opts, root id out of range,
 *	   malformed BTF), -ELOOP (a type cycle C cannot express), -ENOMEM, or
 *	   what write returned.  err, when non-NULL, names the type.
 * Ownership: btf is borrowed for the duration of the call.
 * Since: 0.1.
 */
BTFX_API int btfx_emit_c(const struct btfx *btf, const struct btfx_emit_opts *opts,
			 btfx_emit_write_fn write, void *ctx, struct btfx_error *err);

/*
 * @brief As btfx_emit_c, into a malloc'd, NUL-terminated buffer.
 * On success *out holds the text (free it with btfx_emit_buf_free) and
 * *len its length without the NUL.  On failure *out is NULL.
 */
BTFX_API int btfx_emit_c_buf(const struct btfx *btf, const struct btfx_emit_opts *opts,
			     char **out, size_t *len, struct btfx_error *err);
BTFX_API void btfx_emit_buf_free(char *buf);

/* True if id is a FUNC carrying a DECL_TAG "bpf_kfunc" (component -1).
 * Scans every type: O(number of types) per call. */
BTFX_API bool btfx_is_kfunc(const struct btfx *btf, uint32_t id);

/*
 * @brief Roots for a minimal header of `target` that serves a program whose
 * BTF is `local` (a BPF object's .BTF).
 *
 * Every named struct, union, enum, enum64, typedef and fwd of local selects
 * the types of target whose CO-RE essential name (name without ___flavor)
 * equals its essential name, kind for kind (struct/fwd, union/fwd,
 * enum/enum64, typedef).  A local name without a flavor must also look like
 * the target's type, so that a program's own types with kernel names are
 * not pulled in: struct/union member names, or enumerator names, a subset
 * of the target's; a typedef resolving to the same kind (and int size).
 * An extern FUNC of local named like a kfunc of target selects that kfunc.
 * Types are matched by name only: CO-RE relocations (.BTF.ext) are not read.
 *
 * Ids are appended to *ids (realloc'd; *nr ids so far, *ids may be NULL),
 * sorted and without duplicates.  When skipped is non-NULL, each local type
 * with a target name that was not taken is reported to it.
 * @return 0 or -ENOMEM.
 */
typedef void (*btfx_emit_skip_fn)(void *ctx, const char *kind, const char *name);
BTFX_API int btfx_emit_roots_from_local(const struct btfx *target, const struct btfx *local,
					uint32_t **ids, size_t *nr, btfx_emit_skip_fn skipped,
					void *ctx);

#ifdef __cplusplus
}
#endif
#endif /* BTFX_EMIT_H */
