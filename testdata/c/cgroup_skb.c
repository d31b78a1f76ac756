// cgroup_skb/egress: allow everything but count bytes in an array map; block IPv4 packets over 1400 bytes.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(key_size, 4);
	__uint(value_size, 8);
	__uint(max_entries, 2);
} egress_bytes SEC(".maps");

SEC("cgroup_skb/egress")
int egress_limit(struct __sk_buff *skb)
{
	__u32 key = skb->len > 1400;
	__u64 *v = bpf_map_lookup_elem(&egress_bytes, &key);

	if (v)
		__sync_fetch_and_add(v, skb->len);
	if (skb->protocol == __builtin_bswap16(0x0800) && skb->len > 1400)
		return 0;
	return 1;
}

char _license[] SEC("license") = "GPL";
