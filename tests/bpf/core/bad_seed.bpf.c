// SPDX-License-Identifier: BSD-2-Clause
/*
 * Seed object O for the malformed-object cases (robustness.md section 6,
 * items 32-40) that tests/core/mkbad.py derives from it: a program with a
 * subprogram, func_info and line_info, and CO-RE records of the three
 * kinds of patched instructions: an ALU immediate (type_size, record 0),
 * an LDX offset (a direct field load, record 1) and an ldimm64 (a 64-bit
 * enum value, record 2), and two functions in .text (two func_info
 * records in one section).
 */
#include "core_test.h"

struct seed_s {
	int a;
	long b;
} __attribute__((preserve_access_index));

enum seed_e64 { SEED_BIG = 0x1ffffffffULL };

static __attribute__((noinline)) int seed_sub(struct seed_s *s)
{
	return s->a + 1;
}

static __attribute__((noinline)) int seed_sub2(int x)
{
	return x * 3 + 7;
}

SEC("tp_btf/sys_enter")
int seed(__u64 *ctx)
{
	struct seed_s *s = (void *)ctx[0];

	PUT(bpf_core_type_size(struct seed_s));
	PUT(s->b);
	PUT(bpf_core_enum_value(enum seed_e64, SEED_BIG));
	PUT(seed_sub(s));
	PUT(seed_sub2((int)ctx[1]));
	return 0;
}
