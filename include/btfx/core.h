/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * core-reloc: the CO-RE relocation engine.
 *
 * It decides each relocation as libbpf's relo_core.c does (same candidate
 * search, pruning, matching rules, values, poisoning), offline, against any
 * target BTF, and returns the decision *with its explanation as data*: every
 * candidate looked at, its verdict, and the first accessor that failed.
 *
 * It depends on the public type API (btfx.h) only.
 */
#ifndef BTFX_CORE_H
#define BTFX_CORE_H

#include "btfx/btfx.h"
#include "btfx/object.h"

#ifdef __cplusplus
extern "C" {
#endif

enum btfx_core_kind {
	BTFX_CORE_FIELD_BYTE_OFFSET = 0,
	BTFX_CORE_FIELD_BYTE_SIZE = 1,
	BTFX_CORE_FIELD_EXISTS = 2,
	BTFX_CORE_FIELD_SIGNED = 3,
	BTFX_CORE_FIELD_LSHIFT_U64 = 4,
	BTFX_CORE_FIELD_RSHIFT_U64 = 5,
	BTFX_CORE_TYPE_ID_LOCAL = 6,
	BTFX_CORE_TYPE_ID_TARGET = 7,
	BTFX_CORE_TYPE_EXISTS = 8,
	BTFX_CORE_TYPE_SIZE = 9,
	BTFX_CORE_ENUMVAL_EXISTS = 10,
	BTFX_CORE_ENUMVAL_VALUE = 11,
	BTFX_CORE_TYPE_MATCHES = 12,
};

/* libbpf's names: "byte_off", "byte_sz", "field_exists", ... */
BTFX_API const char *btfx_core_kind_str(unsigned kind);

#define BTFX_CORE_SPEC_MAX_LEN 64
#define BTFX_CORE_POISON_IMM 0xbad2310

struct btfx_core_accessor {
	uint32_t type_id;
	uint32_t idx;
	const char *name; /* NULL for array indices */
};

struct btfx_core_spec {
	const struct btfx *btf;
	uint32_t root_type_id;
	uint32_t kind;
	struct btfx_core_accessor spec[BTFX_CORE_SPEC_MAX_LEN];
	int len;                      /* high-level accessors */
	int raw_spec[BTFX_CORE_SPEC_MAX_LEN];
	int raw_len;
	uint32_t bit_offset;
};

/* Why a candidate did not match (first failing step). */
enum btfx_core_miss {
	BTFX_MISS_NONE = 0,
	BTFX_MISS_NO_FIELD,        /* no member of that name */
	BTFX_MISS_FIELD_INCOMPAT,  /* member found, type incompatible */
	BTFX_MISS_NOT_COMPOSITE,   /* expected struct/union at this step */
	BTFX_MISS_NOT_ARRAY,       /* expected an array at this step */
	BTFX_MISS_ARRAY_BOUNDS,    /* index beyond the target array */
	BTFX_MISS_TYPE_INCOMPAT,   /* type-based compatibility failed */
	BTFX_MISS_TYPE_MISMATCH,   /* TYPE_MATCHES failed */
	BTFX_MISS_NOT_ENUM,
	BTFX_MISS_NO_ENUMVAL,
	BTFX_MISS_PRUNED,          /* dropped earlier for the same root type */
};

struct btfx_core_cand {
	const struct btfx *btf;
	uint32_t id;
	bool matched;
	enum btfx_core_miss miss;
	int fail_acc;             /* index of the local accessor that failed, -1 */
	uint32_t fail_type_id;    /* target type searched when it failed */
	char spec_str[256];       /* target spec when matched */
	uint64_t value;           /* value computed from this candidate */
	bool poison;
};

enum btfx_core_status {
	BTFX_CORE_OK = 0,         /* relocated (value may be 0 for absent) */
	BTFX_CORE_POISONED,       /* instruction poisoned (0xbad2310 call) */
	BTFX_CORE_ERROR,          /* relocation error: object cannot load */
};

struct btfx_core_result {
	enum btfx_core_status status;
	uint64_t orig_val, new_val;
	uint32_t orig_sz, new_sz;
	bool poison;
	bool validate;
	bool fail_memsz_adjust;
	bool no_candidates;       /* no candidate matched (or none existed) */
	bool searched_modules;    /* vmlinux had no candidate: modules searched */
	uint32_t targ_type_id;
	const struct btfx *targ_btf;
	char local_spec_str[256];
	char targ_spec_str[256];
	int err;                  /* -errno for BTFX_CORE_ERROR */
	char reason[256];         /* words: why poisoned / error, or "" */
	struct btfx_core_cand *cands;  /* trace (owned by the result) */
	size_t ncands;
};

BTFX_API void btfx_core_result_fini(struct btfx_core_result *res);
BTFX_API const char *btfx_core_miss_str(enum btfx_core_miss m);

/*
 * Targets: vmlinux first, then modules (searched only when vmlinux has no
 * candidate for a root type).  The context keeps libbpf's per-local-type
 * candidate cache, pruned as relocations are decided, for one object
 * against one target set.
 */
struct btfx_core_ctx;
BTFX_API struct btfx_core_ctx *btfx_core_ctx_new(const struct btfx *local, const struct btfx *vmlinux,
						 const struct btfx *const *modules, size_t nmodules);
BTFX_API void btfx_core_ctx_free(struct btfx_core_ctx *ctx);

/* Parse a local spec (libbpf's bpf_core_parse_spec). 0 or -errno. */
BTFX_API int btfx_core_parse_spec(const struct btfx *btf, uint32_t type_id, const char *access, uint32_t kind,
				  struct btfx_core_spec *spec, char *why, size_t whylen);
/* libbpf's bpf_core_format_spec */
BTFX_API int btfx_core_format_spec(char *buf, size_t sz, const struct btfx_core_spec *spec);

/* Decide one relocation.  res must be released with btfx_core_result_fini. */
BTFX_API int btfx_core_calc(struct btfx_core_ctx *ctx, uint32_t type_id, const char *access, uint32_t kind,
			    struct btfx_core_result *res);

/*
 * Near misses worth knowing for a failed or absent relocation: a field of
 * that name elsewhere in the type or in another type, a similarly named
 * (renamed) field, a same-named type of another kind.  Fills up to cap
 * hints (one sentence each) and returns how many were found.
 */
struct btfx_core_hint {
	char text[240];
};
BTFX_API size_t btfx_core_near_misses(struct btfx_core_ctx *ctx, uint32_t type_id, const char *access, uint32_t kind,
				      const struct btfx_core_result *res, struct btfx_core_hint *hints, size_t cap);

/* Patch an instruction (insn[1] must be valid for ldimm64) as libbpf does.
 * Returns 0, or -errno with why filled (the relocation then fails).  A
 * load/store whose size cannot be adjusted is poisoned here, and res is
 * updated to say so (status BTFX_CORE_POISONED, reason). */
BTFX_API int btfx_core_patch(struct btfx_insn *insn, uint32_t insn_cnt_left, uint32_t kind,
			     struct btfx_core_result *res, char *why, size_t whylen);

/*
 * Relocate a whole object: decide every CO-RE relocation in .BTF.ext order
 * against the targets (one candidate cache for the object, as libbpf), patch
 * the instructions, and return a copy of the ELF file with the patched code
 * and its CO-RE records removed (core_relo_len = 0), ready for a loader that
 * must do no CO-RE of its own.  results[i] belongs to relocation i (see
 * btfx_obj_core_relos); release them with btfx_core_results_free.
 * Returns 0 when every relocation was decided (poisoned ones included),
 * -EINVAL when at least one is an error (no ELF is produced then).
 */
BTFX_API int btfx_core_relocate_obj(const struct btfx_obj *obj, const struct btfx *vmlinux,
				    const struct btfx *const *modules, size_t nmodules, void **elf, size_t *elf_size,
				    struct btfx_core_result **results, size_t *nresults);
BTFX_API void btfx_core_results_free(struct btfx_core_result *results, size_t n);

#ifdef __cplusplus
}
#endif
#endif
