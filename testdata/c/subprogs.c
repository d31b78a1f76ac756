// bpf-to-bpf calls: two programs share non-inlined sub-programs in .text, one of which calls another.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __attribute__((noinline)) __u64 mix(__u64 a, __u64 b)
{
	return (a * 31) ^ (b >> 3);
}

static __attribute__((noinline)) __u64 fold(__u64 x)
{
	__u64 acc = 7;

	for (int i = 0; i < 4; i++)
		acc = mix(acc, x >> (i * 8));
	return acc;
}

static __attribute__((noinline)) int clamp(__u64 v)
{
	return v & 0xff;
}

SEC("xdp")
int xdp_fold(struct xdp_md *ctx)
{
	__u64 v = fold(ctx->data_end - ctx->data);

	return clamp(v) & 3;
}

SEC("socket")
int sock_fold(struct __sk_buff *skb)
{
	return clamp(mix(skb->len, skb->protocol));
}

char _license[] SEC("license") = "Dual BSD/GPL";
