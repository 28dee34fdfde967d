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
#include "btfx/core.h"

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
 * @return the diff, or NULL with err filled (E_NOMEM, E_USAGE, E_LIMIT:
 * the member paths of flattened structs would take more than a multiple
 * of the two BTFs' size, which only shared anonymous types nested on
 * purpose do).
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

/*
 * Restricted to what a BPF object uses: "does my program still work on
 * NEW?".  Each CO-RE relocation record (btfx_obj_core_relos) is parsed
 * against the object's BTF (local): the root type is matched to the diff's
 * types by kind and essential name (task_struct___v2 is task_struct), and
 * each named accessor becomes the diff path it reads: "task_struct.pid",
 * "sched_entity.vruntime" for task_struct.se.vruntime (a named nested
 * struct is its own type in the diff), "sk_buff.len" through anonymous
 * unions, "enum_name.ENUMERATOR" for enum relocations.  A change concerns
 * a relocation when it can change what the relocation computes: at the
 * field itself, an offset move for byte_off and the shifts, a size,
 * bitfield or type change for what reads it, removal or addition for all,
 * an incompatible type change always; on the members leading to it, their
 * offset (byte_off, shifts), removal, type change, and their size when an
 * array index follows; at the type level, type added/removed and typedef
 * target, plus size for type_size, size and signedness for enum values,
 * every change of the type for type_matches, none for type_id_local.
 * Each relocation is also decided by the CO-RE engine against OLD and NEW
 * (one candidate cache per side, in record order, as libbpf), so the real
 * values before and after are known.  With opts names or kinds, only the
 * relocations that use a selected type count.
 */
struct btfx_diff_relo {
	uint32_t index;               /* in btfx_obj_core_relos() order */
	uint32_t kind;                /* enum btfx_core_kind */
	unsigned type_kind;           /* BTFX_KIND_* class of the root type (ENUM for enum64), 0 if unknown */
	const char *type_name;        /* essential name of the root type, "" if none */
	const char *path;             /* as a program writes it: "task_struct.se.vruntime",
				       * "task_struct.comm[1]", "e.VAL"; the type name for type relocations */
	const char *spec_err;         /* the local spec did not parse: why (NULL otherwise) */
	bool selected;                /* one of its types passes opts names/kinds (true without them);
				       * unselected relocations are decided but never affected */
	size_t nr_changes;
	const size_t *changes;        /* indexes into diff->entries of the changes that concern it */
	enum btfx_diff_core core;     /* most severe meaning of its changes and of the engine's decisions */
	bool engine_differs;          /* status, value or access size differ between OLD and NEW */
	bool affected;                /* nr_changes || engine_differs */
	struct btfx_core_result old_res, new_res; /* the CO-RE engine against OLD and NEW */
};

struct btfx_diff_obj {
	struct btfx_diff *diff;       /* only the changes at least one relocation is concerned by */
	size_t nr_relos;
	struct btfx_diff_relo *relos;
	size_t nr_selected;           /* relocations with selected set */
	size_t nr_affected;           /* relocations with affected set */
	size_t nr_broken;             /* OK on OLD, poisoned or failing on NEW */
	size_t nr_types;              /* distinct (kind, name) types the relocations use */
	size_t per_core[BTFX_DIFF_CORE__NR]; /* affected relocations by their core meaning */
};

/**
 * @brief The diff between old and new restricted to what the relocations
 * of an object (local BTF + its CO-RE records) use, with each relocation
 * decided against both.  opts (names, kinds) narrow it further.
 * @return the result, or NULL with err filled (E_NOMEM, E_USAGE).
 * Ownership: free with btfx_diff_obj_free(); it borrows from the three
 * BTFs and the records' access strings, which must outlive it.
 */
BTFX_API struct btfx_diff_obj *btfx_diff_for_relos(const struct btfx *old_btf, const struct btfx *new_btf,
						   const struct btfx *local, const struct btfx_core_relo_rec *relos,
						   size_t nr_relos, const struct btfx_diff_opts *opts,
						   struct btfx_error *err);
BTFX_API void btfx_diff_obj_free(struct btfx_diff_obj *d);
/* Severity order of the CO-RE meanings: none < relocated < type < size <
 * value < abi < incompatible < gone. */
BTFX_API int btfx_diff_core_severity(enum btfx_diff_core c);

#ifdef __cplusplus
}
#endif
#endif /* BTFX_DIFF_H */
