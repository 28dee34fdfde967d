/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Sanitizing BTF for older kernels: rewrite what a kernel's BTF loader
 * (BPF_BTF_LOAD) does not know into forms it accepts, as libbpf does before
 * loading an object's BTF (bpf_object__sanitize_btf), keeping every type id,
 * size and member offset.
 */
#ifndef BTFX_SANITIZE_H
#define BTFX_SANITIZE_H

#include "btfx/btfx.h"
#include "btfx/writer.h"

#ifdef __cplusplus
extern "C" {
#endif

/* BTF features of kernels (the version each appeared in, mainline). */
enum btfx_feature {
	BTFX_FEAT_FUNC = 1u << 0,          /* 5.0: FUNC, FUNC_PROTO */
	BTFX_FEAT_KFLAG = 1u << 1,         /* 5.0: kind_flag on STRUCT/UNION (bitfields) and FWD (union) */
	BTFX_FEAT_DATASEC = 1u << 2,       /* 5.2: VAR, DATASEC */
	BTFX_FEAT_FUNC_GLOBAL = 1u << 3,   /* 5.6: FUNC linkage other than static */
	BTFX_FEAT_FLOAT = 1u << 4,         /* 5.13: FLOAT */
	BTFX_FEAT_DECL_TAG = 1u << 5,      /* 5.16: DECL_TAG */
	BTFX_FEAT_TYPE_TAG = 1u << 6,      /* 5.17: TYPE_TAG */
	BTFX_FEAT_ENUM64 = 1u << 7,        /* 6.0: ENUM64, kind_flag (signed) on ENUM */
	BTFX_FEAT_QMARK_DATASEC = 1u << 8, /* 6.9: DATASEC names starting with '?' */
	BTFX_FEAT_TAG_KFLAG = 1u << 9,     /* 6.15: kind_flag on DECL_TAG/TYPE_TAG (__attribute__) */
	BTFX_FEAT_LAYOUT = 1u << 10,       /* 7.1: kind-layout section, 24-bit vlen, 7-bit kind */
	BTFX_FEAT_ALL = (1u << 11) - 1,
};
#define BTFX_FEAT_NR 11

/* "func", "kflag", "datasec", ... for one bit; NULL if unknown. */
BTFX_API const char *btfx_feature_name(uint32_t feat);
/* Kernel version the feature appeared in, as "5.2". */
BTFX_API const char *btfx_feature_version(uint32_t feat);

/* Features of kernel "MAJOR.MINOR[.PATCH][-extra]" (e.g. "5.10",
 * "6.1.0-56-amd64"). -EINVAL if not a version, -EOPNOTSUPP before 4.18
 * (no BPF_BTF_LOAD at all). */
BTFX_API int btfx_features_for_version(const char *version, uint32_t *features);
/* Features of the running kernel, probed by loading one tiny BTF per
 * feature with BPF_BTF_LOAD (needs CAP_BPF or root). */
BTFX_API int btfx_features_probe(uint32_t *features, struct btfx_error *err);

/* The rewrites, counted in the report. */
enum btfx_sanitize_rewrite {
	BTFX_SAN_LAYOUT_DROPPED,    /* kind-layout section removed */
	BTFX_SAN_VAR_TO_INT,        /* VAR -> INT (1 byte) */
	BTFX_SAN_DATASEC_TO_STRUCT, /* DATASEC -> STRUCT ('.', '?' -> '_' in the name) */
	BTFX_SAN_QMARK_RENAMED,     /* DATASEC "?x" -> "_x" */
	BTFX_SAN_PROTO_TO_ENUM,     /* FUNC_PROTO -> ENUM (size 4) */
	BTFX_SAN_FUNC_TO_TYPEDEF,   /* FUNC -> TYPEDEF */
	BTFX_SAN_FUNC_TO_STATIC,    /* FUNC linkage -> static */
	BTFX_SAN_FLOAT_TO_STRUCT,   /* FLOAT -> anonymous STRUCT of the same size */
	BTFX_SAN_DECL_TAG_TO_INT,   /* DECL_TAG -> INT (1 byte) */
	BTFX_SAN_TYPE_TAG_TO_CONST, /* TYPE_TAG -> CONST */
	BTFX_SAN_ENUM_UNSIGNED,     /* ENUM kind_flag cleared */
	BTFX_SAN_ENUM64_TO_UNION,   /* ENUM64 -> UNION of 1-byte INT members */
	BTFX_SAN_BITFIELDS_LEGACY,  /* STRUCT/UNION kind_flag -> bitfield INTs */
	BTFX_SAN_FWD_KFLAG,         /* FWD union -> FWD (kind_flag cleared) */
	BTFX_SAN__NR,
};
BTFX_API const char *btfx_sanitize_rewrite_str(enum btfx_sanitize_rewrite r);

struct btfx_sanitize_opts {
	size_t sz;                 /* sizeof(struct btfx_sanitize_opts) */
	uint32_t features;         /* what the kernel supports (enum btfx_feature) */
	enum btfx_endian endian;   /* DEFAULT: the input's */
};

struct btfx_sanitize_report {
	uint32_t count[BTFX_SAN__NR];
	uint32_t types_added;      /* helper INTs appended (ids after the last) */
};

/*
 * Rewrite btf's own types for a kernel with the given features.  Type ids
 * are kept (helper types are appended after the last one); struct, union
 * and datasec sizes and member offsets are kept.  Split BTF stays split
 * (its base is assumed to be the kernel's own).  Fails, naming the type,
 * on what cannot be expressed for that kernel (a kind beyond 19, a vlen
 * beyond 65535 without the 7.1 UAPI).  *data is malloc'd.
 */
BTFX_API int btfx_sanitize(const struct btfx *btf, const struct btfx_sanitize_opts *opts, void **data, size_t *size,
			   struct btfx_sanitize_report *report, struct btfx_error *err);

#ifdef __cplusplus
}
#endif
#endif /* BTFX_SANITIZE_H */
