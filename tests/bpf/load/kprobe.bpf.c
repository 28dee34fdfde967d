// SPDX-License-Identifier: BSD-2-Clause
/* Kprobe: who unlinks what; the file name comes from struct filename (CO-RE)
 * and the mount namespace inode from the current task. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

struct unlink_key {
	__u32 mntns;
	char name[32];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, struct unlink_key);
	__type(value, __u64);
} unlinks SEC(".maps");

static __noinline __u32 mnt_ns_inum(struct task_struct *t)
{
	return BPF_CORE_READ(t, nsproxy, mnt_ns, ns.inum);
}

SEC("kprobe/do_unlinkat")
int BPF_KPROBE(trace_unlink, int dfd, struct filename *name)
{
	struct unlink_key k = {};
	const char *s = BPF_CORE_READ(name, name);
	__u64 one = 1, *v;

	k.mntns = mnt_ns_inum((struct task_struct *)bpf_get_current_task());
	bpf_probe_read_kernel_str(k.name, sizeof(k.name), s);
	v = bpf_map_lookup_elem(&unlinks, &k);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&unlinks, &k, &one, BPF_ANY);
	return 0;
}
