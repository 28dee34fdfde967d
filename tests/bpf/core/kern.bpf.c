// SPDX-License-Identifier: BSD-2-Clause
/*
 * CO-RE corpus for the running kernel: programs that load (GPL,
 * raw_tp / tp_btf), with minimal local definitions of kernel types that
 * differ from the kernel's (so offsets really move).  Used by
 * tests/cli/core.sh for the differential checks against libbpf:
 *   - per relocation, btfx's decision equals libbpf's (debug log);
 *   - `btftool core reloc` output loaded by libbpf (no CO-RE left) gives
 *     the same translated code (bpftool prog dump xlated) as the original
 *     object loaded by libbpf with its own CO-RE.
 * Covers probed reads (BPF_CORE_READ: byte_off on ALU), direct loads
 * (tp_btf: LDX offsets and the load-size adjustment unsigned long ->
 * unsigned int), a kernel bitfield, an anonymous-member path (mm_struct),
 * flavors, a missing field guarded by field_exists (poisoned, dead code),
 * type kinds, enum values (ENUM and ENUM64 kernel enums), a subprogram, and
 * two programs in one section (libbpf numbers relocations per section).
 */
#include "core_test.h"

#define __pai __attribute__((preserve_access_index))

struct list_head {
	struct list_head *next, *prev;
} __pai;

struct mm_struct {
	unsigned long total_vm;           /* inside an anonymous struct in the kernel */
	unsigned long map_count___nope;
} __pai;

struct task_struct {
	int pid;
	int tgid;
	unsigned long flags;              /* unsigned int in the kernel */
	char comm[16];
	struct task_struct *real_parent;
	struct mm_struct *mm;
	unsigned int in_execve : 1;
	struct list_head children;
	int prio;
	unsigned int __state;
} __pai;

struct task_struct___old {                /* before 5.14 */
	long state;
	int btfx_no_such_field;
} __pai;

struct list_head___m {                    /* matches the kernel's list_head */
	struct list_head___m *next, *prev;
};

struct btfx_no_such_type {
	int x;
};

enum bpf_map_type___l {
	BPF_MAP_TYPE_HASH___l = 0,
	BPF_MAP_TYPE_RINGBUF___l = 0,
	BTFX_NO_SUCH_ENUMERATOR___l = 0,
};

enum perf_callchain_context___l {         /* ENUM64 in the kernel */
	PERF_CONTEXT_KERNEL___l = 0xffffffffffffff80ULL,
	PERF_CONTEXT_BTFX_NOPE___l = 0x1ffffffffULL,
};

static __attribute__((noinline)) int sub_read(struct task_struct *t)
{
	PUT(bpf_core_field_size(t->prio));
	return BPF_CORE_READ(t, prio);
}

SEC("raw_tp/sys_enter")
int k_raw(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct task_struct___old *o = (void *)t;

	PUT(BPF_CORE_READ(t, pid));
	PUT(BPF_CORE_READ(t, real_parent, tgid));
	PUT(BPF_CORE_READ(t, mm, total_vm));
	PUT(BPF_CORE_READ_BITFIELD_PROBED(t, in_execve));
	PUT(bpf_core_field_size(t->comm));
	PUT(bpf_core_field_offset(t->comm[3]));
	PUT(bpf_core_field_exists(t->__state));
	PUT(bpf_core_field_exists(o->state));
	if (bpf_core_field_exists(o->btfx_no_such_field))
		PUT(BPF_CORE_READ(o, btfx_no_such_field));
	PUT(bpf_core_field_exists(t->mm->map_count___nope));
	PUT(bpf_core_type_exists(struct task_struct));
	PUT(bpf_core_type_size(struct task_struct));
	PUT(bpf_core_type_matches(struct task_struct));
	PUT(bpf_core_type_matches(struct list_head___m));
	PUT(bpf_core_type_id_kernel(struct task_struct));
	PUT(bpf_core_type_id_local(struct task_struct));
	PUT(bpf_core_type_exists(struct btfx_no_such_type));
	PUT(bpf_core_type_size(struct btfx_no_such_type));
	PUT(bpf_core_enum_value_exists(enum bpf_map_type___l, BPF_MAP_TYPE_RINGBUF___l));
	PUT(bpf_core_enum_value(enum bpf_map_type___l, BPF_MAP_TYPE_RINGBUF___l));
	PUT(bpf_core_enum_value(enum bpf_map_type___l, BPF_MAP_TYPE_HASH___l));
	PUT(bpf_core_enum_value_exists(enum bpf_map_type___l, BTFX_NO_SUCH_ENUMERATOR___l));
	PUT(bpf_core_enum_value(enum perf_callchain_context___l, PERF_CONTEXT_KERNEL___l));
	PUT(bpf_core_enum_value_exists(enum perf_callchain_context___l, PERF_CONTEXT_BTFX_NOPE___l));
	PUT(sub_read(t));
	return 0;
}

/* a second program in the same section */
SEC("raw_tp/sys_enter")
int k_raw2(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	PUT(BPF_CORE_READ(t, children.next));
	PUT(bpf_core_field_offset(t->children.prev));
	return 0;
}

SEC("tp_btf/sys_enter")
int k_btf(__u64 *ctx)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct task_struct___old *o = (void *)t;

	PUT(t->pid);
	PUT(t->flags);                    /* 8-byte load becomes a 4-byte one */
	PUT(t->real_parent->tgid);
	PUT(t->comm[1]);
	PUT(t->__state);
	if (bpf_core_field_exists(o->btfx_no_such_field))
		PUT(o->btfx_no_such_field);   /* poisoned, never reached */
	if (t->mm)
		PUT(t->mm->total_vm);
	return 0;
}
