/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libbtfx diff: what changed between two BTFs, as data, with what each
 * change means for a CO-RE program.
 *
 * Model
 *  - Top-level types are matched by kind and name, never by id: STRUCT,
 *    UNION, ENUM (ENUM and ENUM64 are one kind, as for CO-RE), TYPEDEF,
 *    INT, FLOAT, FUNC and VAR.  Anonymous types are not matched on their
 *    own: they are compared inside their parent.
 *  - Struct and union members are compared as CO-RE sees them: members of
 *    anonymous struct/union members are flattened into the path a program
 *    writes ("sk_buff.len"); named members of anonymous type recurse
 *    ("sk_buff.headers.protocol").  An anonymous struct/union member whose
 *    own size changed is named by its place in its parent:
 *    "task_struct.(anon union @ 24)" (byte offset in OLD).
 *  - A name that occurs more than once in one BTF (several static structs
 *    of one name) is not merged: structurally identical copies pair up
 *    first, the rest pair in id order, and each entry carries dup_index
 *    (1-based, 0 when the name is unique on both sides).
 *  - Entries are sorted by type name, kind, dup_index, then in member order,
 *    so the output is deterministic.
 */
#ifndef BTFX_DIFF_H
#define BTFX_DIFF_H

#include "btfx/btfx.h"

#ifdef __cplusplus
extern "C" {
#endif

enum btfx_diff_change {
	BTFX_DIFF_TYPE_ADDED = 1,   /* type only in NEW */
	BTFX_DIFF_TYPE_REMOVED,     /* type only in OLD */
	BTFX_DIFF_SIZE,             /* byte size of the type (or anon member at path) */
	BTFX_DIFF_MEMBER_ADDED,     /* path: member only in NEW */
	BTFX_DIFF_MEMBER_REMOVED,   /* path: member only in OLD */
	BTFX_DIFF_MEMBER_OFFSET,    /* path: bit offset moved (old/new_val: bits) */
	BTFX_DIFF_MEMBER_TYPE,      /* path: type name changed (old/new_str) */
	BTFX_DIFF_MEMBER_SIZE,      /* path: same type name, other byte size */
	BTFX_DIFF_MEMBER_BITFIELD,  /* path: bitfield size (0 = not a bitfield) */
	BTFX_DIFF_ENUMVAL_ADDED,    /* path: "enum.NAME" */
	BTFX_DIFF_ENUMVAL_REMOVED,
	BTFX_DIFF_ENUMVAL_CHANGED,  /* old/new_val: the values (as int64) */
	BTFX_DIFF_SIGNEDNESS,       /* enum or int signedness (old/new_val 0/1) */
	BTFX_DIFF_INT_ENCODING,     /* int bits/encoding (old/new_str) */
	BTFX_DIFF_TYPEDEF_TARGET,   /* old/new_str: the aliased type */
	BTFX_DIFF_RETURN_TYPE,      /* FUNC: old/new_str */
	BTFX_DIFF_PARAM_COUNT,      /* FUNC: old/new_val */
	BTFX_DIFF_PARAM_NAME,       /* FUNC: path "func(old_name)", old/new_str, old_val: 1-based index */
	BTFX_DIFF_PARAM_TYPE,       /* FUNC: path "func(name)", old/new_str, old_val: 1-based index */
	BTFX_DIFF_LINKAGE,          /* FUNC/VAR linkage (old/new_val) */
	BTFX_DIFF_VAR_TYPE,         /* VAR: old/new_str */
	BTFX_DIFF_CHANGE__NR,
};

/* What a change means for a CO-RE program compiled against OLD and run on
 * NEW. */
enum btfx_diff_core {
	BTFX_DIFF_CORE_NONE = 0,  /* invisible to existing programs (additions) */
	BTFX_DIFF_CORE_RELOCATED, /* offset moved: field relocations absorb it */
	BTFX_DIFF_CORE_GONE,      /* gone: bpf_core_*_exists() is 0, plain access is poisoned */
	BTFX_DIFF_CORE_SIZE,      /* size or signedness changed: reads may be truncated
				   * or mis-extended (bitfield/size relocations adapt) */
	BTFX_DIFF_CORE_TYPE,      /* type changed, still CO-RE-compatible: relocates,
				   * but the bytes mean something else */
	BTFX_DIFF_CORE_INCOMPAT,  /* type changed to an incompatible kind: the
				   * relocation fails and the access is poisoned */
	BTFX_DIFF_CORE_VALUE,     /* enumerator value changed: bpf_core_enum_value()
				   * relocates, a compiled-in constant is wrong */
	BTFX_DIFF_CORE_ABI,       /* function signature changed: fentry/kprobe
				   * argument access is not relocated */
	BTFX_DIFF_CORE__NR,
};

struct btfx_diff_entry {
	enum btfx_diff_change change;
	enum btfx_diff_core core;
	unsigned kind;           /* BTFX_KIND_* of the top-level type (ENUM for enum64 too) */
	const char *type_name;   /* top-level type name */
	uint32_t dup_index;      /* 1-based among same-named types, 0 if unique */
	const char *path;        /* member/enumerator/param path, NULL for the type itself */
	uint32_t old_id, new_id; /* top-level type ids, 0 when absent */
	int64_t old_val, new_val;
	const char *old_str, *new_str; /* type names where the change is about types */
};

struct btfx_diff {
	size_t nr_entries;
	struct btfx_diff_entry *entries;
	size_t nr_types_old, nr_types_new; /* top-level types considered */
	size_t nr_changed_types;           /* matched types with at least one entry */
	size_t nr_added, nr_removed;       /* types */
	size_t per_change[BTFX_DIFF_CHANGE__NR];
	size_t per_core[BTFX_DIFF_CORE__NR];
};

struct btfx_diff_opts {
	size_t sz;                 /* sizeof(struct btfx_diff_opts) */
	const char *const *names;  /* only top-level types with these names */
	size_t nr_names;
	uint32_t kinds;            /* mask of 1u << BTFX_KIND_*; 0: every kind */
};

/**
 * @brief Compare two BTFs (each possibly split: own types only, the base
 * is context) and return the changes from old to new.
 * @return the diff, or NULL with err filled (E_NOMEM, E_USAGE).
 * Ownership: free with btfx_diff_free(); strings in entries are owned by
 * the diff or borrowed from the two BTFs, which must outlive it.
 */
BTFX_API struct btfx_diff *btfx_diff_new(const struct btfx *old_btf, const struct btfx *new_btf,
					 const struct btfx_diff_opts *opts, struct btfx_error *err);
BTFX_API void btfx_diff_free(struct btfx_diff *diff);

/* Stable identifiers, as in the JSON output ("member_offset", "relocated"). */
BTFX_API const char *btfx_diff_change_str(enum btfx_diff_change c);
BTFX_API const char *btfx_diff_core_str(enum btfx_diff_core c);
/* One sentence explaining the CO-RE meaning. */
BTFX_API const char *btfx_diff_core_text(enum btfx_diff_core c);
/* "struct", "union", "enum", "typedef", "int", "float", "func", "var" */
BTFX_API const char *btfx_diff_kind_str(unsigned kind);

#ifdef __cplusplus
}
#endif
#endif /* BTFX_DIFF_H */
