// tracepoint: a loop over 16 hash map keys, summing values found.
#include "common.h"
struct { __uint(type, BPF_MAP_TYPE_HASH); __type(key, __u32); __type(value, __u64); __uint(max_entries, 64); } vals SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __type(key, __u32); __type(value, __u64); __uint(max_entries, 1); } total SEC(".maps");
SEC("tracepoint/syscalls/sys_enter_openat") int sum(void *ctx) {
	__u64 s = 0;
	for (__u32 k = 0; k < 16; k++) {
		__u64 *v = bpf_map_lookup_elem(&vals, &k);
		if (v) s += *v;
	}
	__u32 z = 0;
	__u64 *t = bpf_map_lookup_elem(&total, &z);
	if (t) *t = s;
	return 0;
}
