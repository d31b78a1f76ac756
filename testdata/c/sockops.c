// sock_ops: on connection establishment, ask for a larger initial window; count ops per kind.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 32);
} op_count SEC(".maps");

SEC("sockops")
int set_rwnd(struct bpf_sock_ops *skops)
{
	__u32 op = skops->op;
	__u32 *n = bpf_map_lookup_elem(&op_count, &op);

	if (n)
		__sync_fetch_and_add(n, 1);
	switch (op) {
	case BPF_SOCK_OPS_RWND_INIT:
		skops->reply = 40;
		break;
	case BPF_SOCK_OPS_TIMEOUT_INIT:
		skops->reply = -1;
		break;
	default:
		skops->reply = 0;
	}
	return 1;
}

char _license[] SEC("license") = "GPL";
