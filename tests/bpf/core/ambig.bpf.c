// SPDX-License-Identifier: BSD-2-Clause
/*
 * CO-RE corpus: several target candidates for one local type
 * (tests/bpf/core/targets/tgt_amb.c, group "ambig").  The relocations that
 * succeed come first; each error case is last and can be compiled alone
 * with -DERRCASE=N (libbpf stops an object at its first failing
 * relocation, so the libbpf differential needs one object per error).
 */
#include "core_test.h"

struct am {
	int x;
	int y;
};
struct amb {
	int x;
	long y;
};
struct amz {
	int x;
};
struct prn___l1 {
	int only_a;
	int b;
};
struct prn___l2 {
	int b;
	int only_a;
};

#ifndef ERRCASE
#define ERRCASE 0
#endif
#define ERR(n) (ERRCASE == 0 || ERRCASE == (n))

SEC("raw_tp/sys_enter")
int ambig(void *ctx)
{
	struct am *a = ctx;
	struct amb *b = ctx;
	struct amz *z = ctx;
	struct prn___l1 *p1 = ctx;
	struct prn___l2 *p2 = ctx;

	/* identical duplicates agree */
	ALL_FIELD_KINDS(a->x);
	ALL_FIELD_KINDS(a->y);
	PUT(bpf_core_type_exists(struct am));
	PUT(bpf_core_type_size(struct am));
	PUT(bpf_core_type_matches(struct am));
	/* same offset, same value */
	PUT(FINFO(z->x, BPF_FIELD_BYTE_OFFSET));
	PUT(FINFO(z->x, BPF_FIELD_EXISTS));
	PUT(bpf_core_type_exists(struct amz));
	/* only_a prunes prn___2, then b is unambiguous */
	PUT(FINFO(p1->only_a, BPF_FIELD_BYTE_OFFSET));
	PUT(FINFO(p1->b, BPF_FIELD_BYTE_OFFSET));
	PUT(FINFO(p1->b, BPF_FIELD_BYTE_SIZE));
	/* errors */
	if (ERR(1))
		PUT(FINFO(z->x, BPF_FIELD_BYTE_SIZE));
	if (ERR(2))
		PUT(bpf_core_type_size(struct amz));
	if (ERR(3))
		PUT(bpf_core_type_id_kernel(struct am));
	if (ERR(4))
		PUT(FINFO(b->x, BPF_FIELD_BYTE_OFFSET));
	if (ERR(5))
		PUT(FINFO(b->y, BPF_FIELD_BYTE_OFFSET));
	if (ERR(6))
		PUT(FINFO(p2->b, BPF_FIELD_BYTE_OFFSET));
	return 0;
}
