// SPDX-License-Identifier: BSD-2-Clause
/*
 * CO-RE corpus: relocations on direct memory accesses (LDX, ST, STX
 * offsets).  When the target field has another size, libbpf rewrites the
 * load/store size if both fields are pointers or both unsigned integers,
 * and otherwise poisons the instruction ("accesses field incorrectly").
 * Each field here is only ever accessed directly, so its byte_off result is
 * the one of an LDX/ST/STX.
 * Targets: tests/bpf/core/targets/tgt_*.c (group "ldx").
 */
#include "core_test.h"

struct lx {
	unsigned long ul;          /* target: unsigned int   -> 8-byte load becomes 4 */
	long sl;                   /* target: int            -> signed: poisoned */
	unsigned int ui;           /* target: unsigned char  -> 4 becomes 1 */
	char sc;                   /* target: short          -> signed: poisoned */
	int same;                  /* target: int, moved */
	void *ptr;                 /* target: pointer, moved */
	unsigned short st;         /* stored to (STX); target: unsigned long long */
	unsigned int st_imm;       /* stored to (ST); target: unsigned int, moved */
} __attribute__((preserve_access_index));

SEC("tp_btf/sys_enter")
int ldx(__u64 *ctx)
{
	struct lx *p = (void *)ctx[0];

	PUT(p->ul);
	PUT(p->sl);
	PUT(p->ui);
	PUT(p->sc);
	PUT(p->same);
	PUT(p->ptr);
	p->st = (unsigned short)ctx[1];
	p->st_imm = 7;
	return 0;
}
