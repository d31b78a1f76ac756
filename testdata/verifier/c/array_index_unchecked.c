// socket filter: the same histogram without the bound: rejected (max value outside the value).
#include "common.h"
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __type(key, __u32); __type(value, __u64[32]); __uint(max_entries, 1); } hist SEC(".maps");
SEC("socket") int idx(struct __sk_buff *skb) {
	__u32 zero = 0, len = skb->len;
	__u64 *h = bpf_map_lookup_elem(&hist, &zero);
	if (!h) return 0;
	h[(len / 64) & 63]++;
	return skb->len;
}
