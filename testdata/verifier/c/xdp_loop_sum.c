// XDP: a bounded loop summing the first bytes of the packet, each access checked.
#include "common.h"
SEC("xdp") int loop_sum(struct xdp_md *ctx) {
	unsigned char *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u32 sum = 0;
	for (int i = 0; i < 64; i++) {
		if (data + i + 1 > end) break;
		sum += data[i];
	}
	return sum & 1 ? XDP_PASS : XDP_DROP;
}
