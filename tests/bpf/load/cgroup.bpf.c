// SPDX-License-Identifier: BSD-2-Clause
/* cgroup programs: refuse IPv4 connects to a blocked port for non-root
 * (cgroup/connect4) and count egress bytes per socket family
 * (cgroup_skb/egress, struct bpf_sock through CO-RE). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

const volatile __u16 blocked = 25;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} egress_bytes SEC(".maps");

SEC("cgroup/connect4")
int block_connect(struct bpf_sock_addr *ctx)
{
	__u64 uid = bpf_get_current_uid_gid() & 0xffffffff;

	if (ctx->user_port == bpf_htons(blocked) && uid != 0)
		return 0;
	return 1;
}

SEC("cgroup_skb/egress")
int count_egress(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;
	__u32 key;
	__u64 *v;

	if (!sk)
		return 1;
	sk = bpf_sk_fullsock(sk);
	if (!sk)
		return 1;
	key = sk->family & 63;
	v = bpf_map_lookup_elem(&egress_bytes, &key);
	if (v)
		*v += skb->len;
	return 1;
}
