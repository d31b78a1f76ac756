// BTF-defined maps of several kinds, including an array of maps with an inner map, used from one XDP program.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct pair {
	__u32 a;
	__u16 b;
	__u8 c[10];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct pair);
	__type(value, __u64);
	__uint(max_entries, 128);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} by_pair SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, __u64);
	__type(value, struct pair);
	__uint(max_entries, 512);
} lru SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 16);
} pcpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} jumps SEC(".maps");

struct inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 3);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct inner);
} outer SEC(".maps");

SEC("xdp")
int use_maps(struct xdp_md *ctx)
{
	struct pair p = { .a = 1, .b = 2 };
	__u64 k = 5, *v;
	__u32 z = 0, *w;
	void *inner;

	v = bpf_map_lookup_elem(&by_pair, &p);
	if (v)
		return (int)*v & 3;
	if (bpf_map_lookup_elem(&lru, &k))
		return 1;
	w = bpf_map_lookup_elem(&pcpu, &z);
	if (w)
		*w += 1;
	inner = bpf_map_lookup_elem(&outer, &z);
	if (inner) {
		w = bpf_map_lookup_elem(inner, &z);
		if (w)
			return *w & 3;
	}
	bpf_ringbuf_output(&events, &k, sizeof(k), 0);
	bpf_tail_call(ctx, &jumps, 0);
	return 2;
}

char _license[] SEC("license") = "GPL";
