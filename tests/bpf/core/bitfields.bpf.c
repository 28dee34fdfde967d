// SPDX-License-Identifier: BSD-2-Clause
/*
 * CO-RE corpus: bitfield relocations (byte_off, byte_sz, field_exists,
 * signed, lshift_u64, rshift_u64) on bitfields of every base size, signed
 * and unsigned, enum bitfields, a plain int that is a bitfield in the
 * target and vice versa, a bitfield that straddles its unit in the target
 * (load size grows) and one that no 8-byte load can hold (error).
 * Targets: tests/bpf/core/targets/tgt_*.c (group "bitfields").
 */
#include "core_test.h"

enum bf_e { BF_P = 1, BF_Q = 2 };

struct bf {
	unsigned int u1 : 1, u3 : 3, u7 : 7;
	int s4 : 4;
	int s20 : 20;
	unsigned long long u40 : 40;
	unsigned int plain;
	unsigned char uc : 2;
	long long s33 : 33;
	enum bf_e eb : 3;
};

struct bfp {
	unsigned int a : 28;
	unsigned int x : 10;
	unsigned long long y : 40;
};

SEC("raw_tp/sys_enter")
int bitfields(void *ctx)
{
	struct bf *p = (void *)ctx;
	struct bfp *q = (void *)ctx;

	ALL_FIELD_KINDS(p->u1);
	ALL_FIELD_KINDS(p->u3);
	ALL_FIELD_KINDS(p->u7);
	ALL_FIELD_KINDS(p->s4);
	ALL_FIELD_KINDS(p->s20);
	ALL_FIELD_KINDS(p->u40);
	ALL_FIELD_KINDS(p->plain);
	ALL_FIELD_KINDS(p->uc);
	ALL_FIELD_KINDS(p->s33);
	ALL_FIELD_KINDS(p->eb);
	ALL_FIELD_KINDS(q->a);
	ALL_FIELD_KINDS(q->x);
	ALL_FIELD_KINDS(q->y); /* too big in target A: an error; libbpf stops there */
	return 0;
}
