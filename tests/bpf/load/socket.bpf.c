// SPDX-License-Identifier: BSD-2-Clause
/* Socket filter: keep only DNS (UDP port 53) over IPv4; count the rest. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

#define ETH_P_IP 0x0800

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} verdicts SEC(".maps");

SEC("socket")
int dns_filter(struct __sk_buff *skb)
{
	__u8 proto;
	__u16 dport;
	__u32 key = 0, keep = 0;
	__u64 *v;

	if (skb->protocol != bpf_htons(ETH_P_IP))
		goto out;
	if (bpf_skb_load_bytes(skb, sizeof(struct ethhdr) + offsetof(struct iphdr, protocol), &proto, 1))
		goto out;
	if (proto != IPPROTO_UDP)
		goto out;
	if (bpf_skb_load_bytes(skb, sizeof(struct ethhdr) + sizeof(struct iphdr) + offsetof(struct udphdr, dest),
			       &dport, 2))
		goto out;
	if (dport == bpf_htons(53))
		keep = skb->len, key = 1;
out:
	v = bpf_map_lookup_elem(&verdicts, &key);
	if (v)
		__sync_fetch_and_add(v, 1);
	return keep;
}
