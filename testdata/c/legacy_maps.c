// Legacy map definitions in the "maps" section (struct bpf_map_def), as old samples/bpf objects have.
#include <linux/bpf.h>

#define SEC(name) __attribute__((section(name), used))

struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

struct bpf_map_def SEC("maps") counters = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 4,
};

struct bpf_map_def SEC("maps") seen = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u32),
	.max_entries = 100,
	.map_flags = 1,
};

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;

SEC("socket")
int legacy(struct __sk_buff *skb)
{
	__u32 key = skb->protocol & 3;
	__u64 *v = bpf_map_lookup_elem(&counters, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
	v = bpf_map_lookup_elem(&seen, &key);
	return v ? 0 : -1;
}

char _license[] SEC("license") = "GPL";
