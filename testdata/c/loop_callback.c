// bpf_loop with a callback: the callback's address is an ld_imm64 with BPF_PSEUDO_FUNC (src 4) that
// libbpf relocates like a call; the callback is a static sub-program in .text.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct sum_ctx {
	__u64 sum;
	__u32 len;
};

static int add_index(__u32 index, void *data)
{
	struct sum_ctx *c = data;

	c->sum += index * c->len;
	return c->sum > 1000 ? 1 : 0;
}

SEC("xdp")
int xdp_loop(struct xdp_md *ctx)
{
	struct sum_ctx c = { .sum = 0, .len = ctx->data_end - ctx->data };

	bpf_loop(16, add_index, &c, 0);
	return c.sum & 3;
}

char _license[] SEC("license") = "GPL";
