// Global variables: .data, .rodata and .bss become ld_imm64 with BPF_PSEUDO_MAP_VALUE (src 2).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

volatile const __u32 threshold = 100;
__u64 total = 3;
__u64 hits;

SEC("xdp")
int global_vars(struct xdp_md *ctx)
{
	__u32 len = ctx->data_end - ctx->data;

	total += len;
	if (len > threshold)
		hits++;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
