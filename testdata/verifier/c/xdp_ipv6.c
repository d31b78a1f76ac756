// XDP: IPv6 next-header walk over up to 4 extension headers with a bounded loop.
#include "common.h"
SEC("xdp") int v6(struct xdp_md *ctx) {
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end) return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IPV6)) return XDP_PASS;
	struct ipv6hdr *ip6 = (void *)(eth + 1);
	if ((void *)(ip6 + 1) > end) return XDP_PASS;
	__u8 nh = ip6->nexthdr;
	unsigned char *p = (void *)(ip6 + 1);
	for (int i = 0; i < 4; i++) {
		if (nh != 0 && nh != 43 && nh != 60) break;
		if (p + 2 > (unsigned char *)end) return XDP_DROP;
		nh = p[0];
		p += (p[1] + 1) * 8;
	}
	return nh == IPPROTO_TCP ? XDP_DROP : XDP_PASS;
}
