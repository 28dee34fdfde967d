// SPDX-License-Identifier: BSD-2-Clause
/*
 * CO-RE corpus: field relocations on plain (non-bitfield) members.
 * Scalars of every size and signedness, pointers, arrays (element and whole),
 * multi-dimensional arrays, a flexible array, nested named structs,
 * anonymous struct/union members, typedef'd and const/volatile members,
 * an index on the root pointer (p[1].b), enum members.
 * Targets: tests/bpf/core/targets/tgt_*.c (group "fields").
 */
#include "core_test.h"

typedef int f_int_t;

struct f_inner {
	int x;
	char y;
};

enum f_en { F_EN_A, F_EN_B };

struct f_base {
	int a;
	char b;
	long c;
	void *p;
	int arr[4];
	int m[2][3];
	struct f_inner in;
	union {
		int u1;
		long u2;
	};
	struct {
		short s1;
		short s2;
	};
	f_int_t td;
	const volatile unsigned short cv;
	enum f_en en;
	unsigned char uc;
	int flex[];
};

SEC("raw_tp/sys_enter")
int fields(void *ctx)
{
	struct f_base *p = (void *)ctx;

	ALL_FIELD_KINDS(p->a);
	ALL_FIELD_KINDS(p->b);
	ALL_FIELD_KINDS(p->c);
	ALL_FIELD_KINDS(p->td);
	ALL_FIELD_KINDS(p->cv);
	ALL_FIELD_KINDS(p->uc);
	ALL_FIELD_KINDS(p->in.x);
	ALL_FIELD_KINDS(p->in.y);
	ALL_FIELD_KINDS(p->u1);
	ALL_FIELD_KINDS(p->u2);
	ALL_FIELD_KINDS(p->s2);
	PUT(FINFO(p->en, BPF_FIELD_BYTE_OFFSET));
	PUT(FINFO(p->en, BPF_FIELD_BYTE_SIZE));
	PUT(FINFO(p->en, BPF_FIELD_SIGNED));
	PUT(FINFO(p->p, BPF_FIELD_BYTE_OFFSET));
	PUT(FINFO(p->p, BPF_FIELD_BYTE_SIZE));
	PUT(FINFO(p->p, BPF_FIELD_EXISTS));
	/* whole composite / array members */
	OFF_SZ(p->in);
	PUT(FINFO(p->in, BPF_FIELD_EXISTS));
	OFF_SZ(p->arr);
	PUT(FINFO(p->arr, BPF_FIELD_EXISTS));
	OFF_SZ(p->m);
	/* array elements (offset and size only) */
	OFF_SZ(p->arr[2]);
	OFF_SZ(p->arr[3]);
	OFF_SZ(p->m[1][2]);
	OFF_SZ(p->m[1]);
	OFF_SZ(p->flex[5]);
	/* index on the root pointer */
	PUT(FINFO(p[1].b, BPF_FIELD_BYTE_OFFSET));
	PUT(FINFO(p[2].in.y, BPF_FIELD_BYTE_OFFSET));
	return 0;
}
