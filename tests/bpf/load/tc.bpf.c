// SPDX-License-Identifier: BSD-2-Clause
/* TC classifier: mark TCP packets to a port and count by mark, reading
 * struct __sk_buff fields (preserve_access_index through vmlinux.h). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

#define ETH_P_IP 0x0800
#define TC_ACT_OK 0

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} marks SEC(".maps");

SEC("tc")
int tc_mark(struct __sk_buff *skb)
{
	struct iphdr ip;
	struct tcphdr tcp;
	__u32 key;
	__u64 *v;

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	if (bpf_skb_load_bytes(skb, sizeof(struct ethhdr), &ip, sizeof(ip)))
		return TC_ACT_OK;
	if (ip.protocol != IPPROTO_TCP)
		return TC_ACT_OK;
	if (bpf_skb_load_bytes(skb, sizeof(struct ethhdr) + ip.ihl * 4, &tcp, sizeof(tcp)))
		return TC_ACT_OK;
	if (tcp.dest == bpf_htons(443))
		skb->mark = 0x443;
	key = skb->mark & 15;
	v = bpf_map_lookup_elem(&marks, &key);
	if (v)
		__sync_fetch_and_add(v, skb->len);
	return TC_ACT_OK;
}
