// Map-in-map test object (compiled by worker/maps/map_in_map.test.ts with clang-19): an array of maps and a
// hash of maps whose slots libbpf initialises from `.values` (R_BPF_64_64 relocations in .rel.maps), and an
// XDP program that looks inner maps up through them, updates the inner values and folds what it saw into
// its return value.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct inner_t {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 4);
};

struct inner_t in_a SEC(".maps");
struct inner_t in_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 3);
	__type(key, __u32);
	__array(values, struct inner_t);
} outer SEC(".maps") = {
	.values = { [0] = &in_a, [2] = &in_b },
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, struct inner_t);
} houter SEC(".maps") = {
	.values = { [1] = &in_b },
};

static __always_inline __u64 visit(void *outer_map, __u32 k, __u64 acc)
{
	__u32 ik = k + 1;
	__u64 *v;
	void *inner = bpf_map_lookup_elem(outer_map, &k);

	if (!inner)
		return acc * 7 + 1000;
	v = bpf_map_lookup_elem(inner, &ik);
	if (!v)
		return acc * 7 + 100;
	*v += 10 * (k + 1);
	return acc * 7 + *v;
}

SEC("xdp")
int mim(struct xdp_md *ctx)
{
	__u64 acc = 0;

	acc = visit(&outer, 0, acc);
	acc = visit(&outer, 1, acc);
	acc = visit(&outer, 2, acc);
	acc = visit(&outer, 3, acc);
	acc = visit(&houter, 0, acc);
	acc = visit(&houter, 1, acc);
	return (int)acc;
}

char _license[] SEC("license") = "GPL";
