// sk_skb: a stream parser that takes whole messages and a verdict program redirecting through a sockmap.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(key_size, 4);
	__uint(value_size, 4);
	__uint(max_entries, 8);
} socks SEC(".maps");

SEC("sk_skb/stream_parser")
int parse(struct __sk_buff *skb)
{
	return skb->len;
}

SEC("sk_skb/stream_verdict")
int verdict(struct __sk_buff *skb)
{
	__u32 idx = skb->local_port & 7;

	if (skb->len < 4)
		return SK_DROP;
	return bpf_sk_redirect_map(skb, &socks, idx, 0);
}

char _license[] SEC("license") = "GPL";
