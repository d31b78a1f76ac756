// Lightweight tunnel programs: lwt_in drops non-IPv4, lwt_out counts, lwt_xmit passes everything on.
#include <linux/bpf.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} out_packets SEC(".maps");

SEC("lwt_in")
int lwt_in_v4only(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct iphdr *ip = data;

	if ((void *)(ip + 1) > data_end)
		return BPF_DROP;
	return ip->version == 4 ? BPF_OK : BPF_DROP;
}

SEC("lwt_out")
int lwt_out_count(struct __sk_buff *skb)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&out_packets, &zero);

	if (n)
		__sync_fetch_and_add(n, 1);
	return BPF_OK;
}

SEC("lwt_xmit")
int lwt_xmit_pass(struct __sk_buff *skb)
{
	return skb->len > 0 ? BPF_OK : BPF_DROP;
}

char _license[] SEC("license") = "GPL";
