// SPDX-License-Identifier: BSD-2-Clause
/*
 * The fixed BPF object of the CO-RE and .BTF.ext fuzz harnesses (not a
 * harness itself).  Compiled by `make fuzz` / `make tests` with
 *   clang-19 -g -O2 -target bpf
 * and embedded into fuzz_core and fuzz_btf_ext.  It carries every CO-RE
 * relocation kind (field byte offset/size/exists/signed/lshift/rshift on
 * plain, nested, array, union and bitfield members; type id local/target,
 * exists, size, matches; enumerator exists/value on ENUM and ENUM64),
 * a flavored type, two programs and a subprogram (func_info), and line_info.
 */
#include <linux/types.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct fz_inner {
	int x;
	char y;
};

enum fz_en { FZ_A = 1, FZ_B = 2 };
enum fz_en64 { FZ_BIG = 0x100000000ULL, FZ_SMALL = 3 };

typedef unsigned int fz_u32;

struct fz_s {
	int a;
	char b;
	unsigned int bf1 : 3, bf2 : 5;
	int sbf : 7;
	long arr[4];
	struct fz_inner in;
	struct fz_inner *pin;
	union {
		int u1;
		short u2;
	};
	fz_u32 td;
	int m[2][3];
	enum fz_en en;
};

/* a flavor: matches the target's "fz_s" */
struct fz_s___v2 {
	int a;
	long gone;
};

union fz_u {
	int i;
	long l;
};

typedef struct fz_s fz_s_t;

__u64 out[64];

#define PUT(i, v)                                                                                  \
	do {                                                                                       \
		out[(i) % 64] = (__u64)(v);                                                        \
		asm volatile("" ::: "memory");                                                     \
	} while (0)

static __attribute__((noinline)) int fz_sub(struct fz_s *sp)
{
	PUT(40, BPF_CORE_READ(sp, pin, x));
	PUT(41, bpf_core_field_exists(sp->m[1][2]));
	return bpf_core_field_size(sp->arr[2]);
}

SEC("raw_tp/fz_fields")
int fz_fields(void *ctx)
{
	struct fz_s *sp = ctx;
	struct fz_s___v2 *q = ctx;

	PUT(0, __builtin_preserve_field_info(sp->a, BPF_FIELD_BYTE_OFFSET));
	PUT(1, __builtin_preserve_field_info(sp->b, BPF_FIELD_BYTE_SIZE));
	PUT(2, __builtin_preserve_field_info(sp->in.y, BPF_FIELD_EXISTS));
	PUT(3, __builtin_preserve_field_info(sp->sbf, BPF_FIELD_SIGNED));
	PUT(4, __builtin_preserve_field_info(sp->bf2, BPF_FIELD_LSHIFT_U64));
	PUT(5, __builtin_preserve_field_info(sp->bf2, BPF_FIELD_RSHIFT_U64));
	PUT(6, __builtin_preserve_field_info(sp->arr[3], BPF_FIELD_BYTE_OFFSET));
	PUT(7, __builtin_preserve_field_info(sp->u2, BPF_FIELD_BYTE_SIZE));
	PUT(8, __builtin_preserve_field_info(sp->td, BPF_FIELD_SIGNED));
	PUT(9, __builtin_preserve_field_info(sp->en, BPF_FIELD_BYTE_SIZE));
	PUT(10, BPF_CORE_READ_BITFIELD(sp, bf1));
	PUT(11, bpf_core_field_exists(q->gone));
	PUT(12, bpf_core_field_offset(q->a));
	PUT(13, fz_sub(sp));
	return 0;
}

SEC("raw_tp/fz_types")
int fz_types(void *ctx)
{
	PUT(20, bpf_core_type_id_local(struct fz_s));
	PUT(21, bpf_core_type_id_kernel(struct fz_s));
	PUT(22, bpf_core_type_exists(union fz_u));
	PUT(23, bpf_core_type_size(fz_s_t));
	PUT(24, bpf_core_type_matches(struct fz_inner));
	PUT(25, bpf_core_enum_value_exists(enum fz_en, FZ_B));
	PUT(26, bpf_core_enum_value(enum fz_en, FZ_A));
	PUT(27, bpf_core_enum_value(enum fz_en64, FZ_BIG));
	PUT(28, bpf_core_type_size(enum fz_en64));
	PUT(29, bpf_core_type_exists(struct fz_s___v2));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
