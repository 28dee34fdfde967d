// SPDX-License-Identifier: BSD-2-Clause
/* A program written for kernels before 5.14: it reads task_struct::state
 * without checking that the field exists.  On newer kernels the field is
 * __state, the relocation is poisoned and the verifier rejects the
 * program; the guarded variant next to it loads everywhere. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

struct task_struct___old {
	long state;
} __attribute__((preserve_access_index));

long last_state;

SEC("tp_btf/sched_process_fork")
int BPF_PROG(old_state, struct task_struct *parent, struct task_struct *child)
{
	struct task_struct___old *t = (void *)child;

	last_state = t->state;
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(guarded_state, struct task_struct *parent, struct task_struct *child)
{
	struct task_struct___old *t = (void *)child;

	if (bpf_core_field_exists(t->state))
		last_state = t->state;
	else
		last_state = child->__state;
	return 0;
}

/* the same mistake inside a subprogram (libbpf appends it to the program) */
static __noinline long read_state(struct task_struct___old *t)
{
	return BPF_CORE_READ(t, state);
}

SEC("tp/sched/sched_process_exit")
int exit_state(void *ctx)
{
	last_state = read_state((void *)bpf_get_current_task()) + 1;
	return 0;
}
