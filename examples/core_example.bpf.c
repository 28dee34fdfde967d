// SPDX-License-Identifier: BSD-2-Clause
/*
 * Example CO-RE program for `make demo` and the docs: one relocation of
 * most kinds, including some that fail on purpose (a field and a type that
 * no kernel has, a field renamed in 5.14) so `btftool core explain` has
 * something to explain.
 */
#include <linux/types.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
struct list_head { struct list_head *next, *prev; };
struct task_struct {
	int pid;
	int tgid;
	struct task_struct *real_parent;
	char comm[16];
	unsigned int flags;
	int no_such_field___x;
	struct list_head children;
} __attribute__((preserve_access_index));
struct task_struct___old { int pid; long state; } __attribute__((preserve_access_index));
struct sk_buff { unsigned int len; __u8 pkt_type:3; } __attribute__((preserve_access_index));
enum bpf_map_type___local { BPF_MAP_TYPE_HASH___x = 1, BPF_MAP_TYPE_NOPE___x = 7 };
struct nope_type { int a; } __attribute__((preserve_access_index));
char LICENSE[] SEC("license") = "GPL";
int out[16];
SEC("tp/syscalls/sys_enter_execve")
int handle(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	out[0] = BPF_CORE_READ(t, pid);
	out[1] = BPF_CORE_READ(t, real_parent, tgid);
	out[2] = bpf_core_field_exists(t->no_such_field___x);
	out[3] = bpf_core_field_size(t->comm);
	out[4] = bpf_core_type_exists(struct nope_type);
	out[5] = bpf_core_enum_value_exists(enum bpf_map_type___local, BPF_MAP_TYPE_HASH___x);
	out[6] = bpf_core_enum_value(enum bpf_map_type___local, BPF_MAP_TYPE_HASH___x);
	out[7] = bpf_core_type_size(struct task_struct);
	out[8] = BPF_CORE_READ_BITFIELD_PROBED((struct sk_buff *)ctx, pkt_type);
	out[9] = bpf_core_field_exists(((struct task_struct___old *)t)->state);
	out[10] = bpf_core_type_matches(struct list_head);
	out[11] = bpf_core_type_id_kernel(struct task_struct);
	out[12] = BPF_CORE_READ(t, flags);
	if (bpf_core_field_exists(((struct task_struct___old *)t)->state))
		out[13] = BPF_CORE_READ((struct task_struct___old *)t, state);
	return 0;
}
