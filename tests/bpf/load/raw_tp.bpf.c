// SPDX-License-Identifier: BSD-2-Clause
/* Raw tracepoint: count context switches per previous task state, reading
 * the switched-out task from the raw arguments (CO-RE; __state/state). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

struct task_struct___pre514 {
	long state;
} __attribute__((preserve_access_index));

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} switches SEC(".maps");

static __always_inline __u32 task_state(struct task_struct *t)
{
	if (bpf_core_field_exists(t->__state))
		return BPF_CORE_READ(t, __state);
	return (__u32)BPF_CORE_READ((struct task_struct___pre514 *)t, state);
}

SEC("raw_tp/sched_switch")
int count_switch(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *prev = (struct task_struct *)ctx->args[1];
	__u32 key = task_state(prev);
	__u64 one = 1, *v;

	v = bpf_map_lookup_elem(&switches, &key);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&switches, &key, &one, BPF_NOEXIST);
	return 0;
}
