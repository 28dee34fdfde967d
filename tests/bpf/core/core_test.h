/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared by the CO-RE corpus programs of tests/bpf/core/ (compiled at test
 * time by tests/cli/core.sh with clang-19 -g -O2 -target bpf).
 *
 * Every relocated value is stored into the global array `out`, in program
 * order, so that clang keeps each relocation and emits them in source
 * order.  The values are never looked at at run time: the tests compare the
 * relocation decisions (btftool core explain --json, and libbpf's own log).
 */
#ifndef BTFX_CORE_TEST_H
#define BTFX_CORE_TEST_H

#include <linux/types.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#define NOUT 512
__u64 out[NOUT];

/* one store per relocation; the barrier keeps the source order */
#define PUT(v)                                                                                     \
	do {                                                                                       \
		out[__COUNTER__ % NOUT] = (__u64)(v);                                              \
		asm volatile("" ::: "memory");                                                     \
	} while (0)

#define FINFO(f, k) __builtin_preserve_field_info(f, k)

/* the six field kinds on one (non-array-element) field */
#define ALL_FIELD_KINDS(f)                                                                         \
	do {                                                                                       \
		PUT(FINFO(f, BPF_FIELD_BYTE_OFFSET));                                              \
		PUT(FINFO(f, BPF_FIELD_BYTE_SIZE));                                                \
		PUT(FINFO(f, BPF_FIELD_EXISTS));                                                   \
		PUT(FINFO(f, BPF_FIELD_SIGNED));                                                   \
		PUT(FINFO(f, BPF_FIELD_LSHIFT_U64));                                               \
		PUT(FINFO(f, BPF_FIELD_RSHIFT_U64));                                               \
	} while (0)

/* offset, size, existence (arrays, composites, array elements) */
#define OFF_SZ(f)                                                                                  \
	do {                                                                                       \
		PUT(FINFO(f, BPF_FIELD_BYTE_OFFSET));                                              \
		PUT(FINFO(f, BPF_FIELD_BYTE_SIZE));                                                \
	} while (0)

/* the five type kinds on one type */
#define ALL_TYPE_KINDS(T)                                                                          \
	do {                                                                                       \
		PUT(bpf_core_type_id_local(T));                                                    \
		PUT(bpf_core_type_id_kernel(T));                                                   \
		PUT(bpf_core_type_exists(T));                                                      \
		PUT(bpf_core_type_size(T));                                                        \
		PUT(bpf_core_type_matches(T));                                                     \
	} while (0)

#define ENUMVAL(T, V)                                                                              \
	do {                                                                                       \
		PUT(bpf_core_enum_value_exists(T, V));                                             \
		PUT(bpf_core_enum_value(T, V));                                                    \
	} while (0)

char LICENSE[] SEC("license") = "GPL";

#endif
