/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Making smaller BTF out of bigger BTF:
 *
 *  - CO-RE dependencies: which target types, members and enumerators a
 *    relocation decision used (core-reloc/deps.c);
 *  - minimize: the smallest BTF on which every CO-RE relocation of a set of
 *    BPF objects is decided exactly as on a full target BTF (libbtfx/
 *    minimize.c);
 *  - subset: chosen types and everything they need, as a standalone BTF.
 */
#ifndef BTFX_MINIMIZE_H
#define BTFX_MINIMIZE_H

#include "btfx/btfx.h"
#include "btfx/core.h"
#include "btfx/object.h"
#include "btfx/writer.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* What a CO-RE relocation used of its target                          */
/* ------------------------------------------------------------------ */

enum btfx_core_dep_how {
	/* The type as an opaque shape: kind, name, size, kind_flag; through
	 * typedefs, modifiers, type tags, array element/index types and
	 * prototype parameters, but not through pointers (a pointer may
	 * point to void) nor into struct/union members or enumerators. */
	BTFX_DEP_SHAPE = 1,
	/* As SHAPE, and through pointers too (type-based compatibility). */
	BTFX_DEP_DEEP,
	/* Member idx of STRUCT/UNION type_id: its name, type (as SHAPE),
	 * bit offset and bitfield size. */
	BTFX_DEP_MEMBER,
	/* Enumerator idx of ENUM/ENUM64 type_id (name and value). */
	BTFX_DEP_ENUMVAL,
	/* Everything the engine could read from the type: every member and
	 * enumerator, embedded types the same way, pointers DEEP. */
	BTFX_DEP_WHOLE,
};

struct btfx_core_dep {
	const struct btfx *btf;  /* target BTF (vmlinux, or the module) */
	uint32_t type_id;
	uint32_t idx;            /* MEMBER / ENUMVAL index */
	enum btfx_core_dep_how how;
};

/*
 * The target types, members and enumerators relocation (local_type_id,
 * access, kind) used to reach the decision in res (btfx_core_calc): for
 * every candidate that matched, its target spec is recomputed and walked
 * (field relocations: the root, every member on the raw accessor path,
 * anonymous ones included, and the member types as SHAPE; enumerator
 * relocations: the enum and the enumerator; TYPE_EXISTS / TYPE_SIZE /
 * TYPE_ID_TARGET: the root DEEP; TYPE_MATCHES: exactly the members,
 * enumerators and types the matching compared).  Candidates that did not
 * match, and failed relocations, add nothing: their outcome only needs the
 * absence of a match.  *deps is malloc'd.  Returns 0 or -errno.
 */
BTFX_API int btfx_core_result_deps(const struct btfx *local, uint32_t local_type_id, const char *access,
				   uint32_t kind, const struct btfx_core_result *res, struct btfx_core_dep **deps,
				   size_t *ndeps);

/* ------------------------------------------------------------------ */
/* Minimize                                                            */
/* ------------------------------------------------------------------ */

struct btfx_minimize;

struct btfx_minimize_opts {
	size_t sz;                 /* sizeof(struct btfx_minimize_opts) */
	enum btfx_endian endian;   /* output byte order; DEFAULT: the target's */
};

/*
 * target: the full BTF.  When it is split BTF (a module on its base), the
 * relocations are decided as libbpf does on a kernel: base (vmlinux) types
 * first, module types when vmlinux has no candidate; the output is one
 * standalone BTF holding what was used of both.
 */
BTFX_API struct btfx_minimize *btfx_minimize_new(const struct btfx *target, const struct btfx_minimize_opts *opts,
						 struct btfx_error *err);
BTFX_API void btfx_minimize_free(struct btfx_minimize *m);

/* Decide every CO-RE relocation of obj against the target (one candidate
 * cache for the object, as libbpf) and record what they used.  obj must
 * stay open until the last btfx_minimize_write.  *results (optional) gets
 * the decisions against the full target, one per relocation in .BTF.ext
 * order, owned by m. */
BTFX_API int btfx_minimize_add_obj(struct btfx_minimize *m, const struct btfx_obj *obj,
				   const struct btfx_core_result **results, size_t *nresults, struct btfx_error *err);

/*
 * Build the minimized BTF and check it: every relocation of every object
 * added is decided again against it and must give the same status, value,
 * field sizes and poisoning as against the full target (TYPE_ID_TARGET
 * values through btfx_minimize_map_id).  A difference makes the types
 * involved whole and the check is repeated; an unresolvable difference is
 * an error.  *data is malloc'd.
 */
BTFX_API int btfx_minimize_write(struct btfx_minimize *m, void **data, size_t *size, struct btfx_error *err);

/* After btfx_minimize_write: the output id of target type id, 0 if dropped. */
BTFX_API uint32_t btfx_minimize_map_id(const struct btfx_minimize *m, uint32_t target_id);

struct btfx_minimize_stats {
	uint32_t relos;        /* relocations seen */
	uint32_t ok;           /* relocated with a candidate */
	uint32_t absent;       /* no candidate matched: value 0 (exists kinds, size, id) */
	uint32_t poisoned;
	uint32_t errors;       /* the object cannot load against the target */
	uint32_t types_in;     /* types of the target */
	uint32_t types_out;    /* types written */
	uint32_t rounds;       /* build + check rounds (1 unless widening was needed) */
};
BTFX_API void btfx_minimize_get_stats(const struct btfx_minimize *m, struct btfx_minimize_stats *st);

/* ------------------------------------------------------------------ */
/* Subset                                                              */
/* ------------------------------------------------------------------ */

enum btfx_subset_flags {
	/* Follow pointers: the pointed-to types are written whole instead of
	 * as forward declarations. */
	BTFX_SUBSET_FOLLOW_PTRS = 1u << 0,
	/* Leave out DECL_TAGs attached to the types written. */
	BTFX_SUBSET_NO_DECL_TAGS = 1u << 1,
};

struct btfx_subset_opts {
	size_t sz;                 /* sizeof(struct btfx_subset_opts) */
	uint32_t flags;            /* enum btfx_subset_flags */
	enum btfx_endian endian;   /* DEFAULT: btf's */
};

/*
 * A standalone BTF with types ids[] of btf and everything they need:
 * members, elements, referenced and typedef'd types, prototypes, variables
 * of a DATASEC, and the DECL_TAGs attached to them.  A named struct/union
 * reached only through a pointer is written as a FWD of the same name (as
 * a C header forward-declares it), unless BTFX_SUBSET_FOLLOW_PTRS.  Types
 * keep their relative order; ids are renumbered from 1.  For split BTF the
 * base types needed are included.  The result is validated with the
 * kernel's rules.  *data is malloc'd.
 */
BTFX_API int btfx_write_subset(const struct btfx *btf, const uint32_t *ids, size_t nids,
			       const struct btfx_subset_opts *opts, void **data, size_t *size, struct btfx_error *err);

#ifdef __cplusplus
}
#endif
#endif /* BTFX_MINIMIZE_H */
