// XDP: Ethernet, IPv4 with options (variable IHL), TCP/UDP ports; counts per destination port.
#include "common.h"
struct { __uint(type, BPF_MAP_TYPE_HASH); __type(key, __u16); __type(value, __u64); __uint(max_entries, 1024); } ports SEC(".maps");
SEC("xdp") int parse(struct xdp_md *ctx) {
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end) return XDP_DROP;
	if (eth->h_proto != bpf_htons(ETH_P_IP)) return XDP_PASS;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end) return XDP_DROP;
	__u32 ihl = ip->ihl * 4;
	if (ihl < sizeof(*ip)) return XDP_DROP;
	void *l4 = (void *)ip + ihl;
	__u16 port = 0;
	if (ip->protocol == IPPROTO_TCP) { struct tcphdr *t = l4; if ((void *)(t + 1) > end) return XDP_DROP; port = t->dest; }
	else if (ip->protocol == IPPROTO_UDP) { struct udphdr *u = l4; if ((void *)(u + 1) > end) return XDP_DROP; port = u->dest; }
	__u64 one = 1, *v = bpf_map_lookup_elem(&ports, &port);
	if (v) __sync_fetch_and_add(v, 1); else bpf_map_update_elem(&ports, &port, &one, BPF_ANY);
	return XDP_PASS;
}
