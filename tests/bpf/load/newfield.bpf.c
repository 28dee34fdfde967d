// SPDX-License-Identifier: BSD-2-Clause
/* For the VM tests: task_struct::max_allowed_capacity appeared in 6.10.
 * portable_exec loads on 6.1 and 6.12 alike; capacity_exec reads the new
 * field unguarded, so it is rejected on 6.1 (poisoned relocation) and
 * loads on 6.12; capacity_guarded checks first and loads everywhere. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

__u64 seen_capacity;
__u32 seen_pid;

SEC("tp/sched/sched_process_exec")
int portable_exec(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	seen_pid = BPF_CORE_READ(t, tgid);
	return 0;
}

SEC("tp/sched/sched_process_exec")
int capacity_exec(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	seen_capacity = BPF_CORE_READ(t, max_allowed_capacity);
	return 0;
}

SEC("tp/sched/sched_process_exec")
int capacity_guarded(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	if (bpf_core_field_exists(t->max_allowed_capacity))
		seen_capacity = BPF_CORE_READ(t, max_allowed_capacity);
	return 0;
}
