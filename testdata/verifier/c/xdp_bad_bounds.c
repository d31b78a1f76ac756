// XDP: an off-by-one bounds check (checks 14 bytes, reads the 15th): rejected.
#include "common.h"
SEC("xdp") int bad(struct xdp_md *ctx) {
	unsigned char *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	if (data + 14 > end) return XDP_DROP;
	return data[14] == 6 ? XDP_DROP : XDP_PASS;
}
