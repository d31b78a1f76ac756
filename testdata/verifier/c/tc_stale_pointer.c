// tc: uses a packet pointer after bpf_skb_store_bytes without reloading it: rejected.
#include "common.h"
SEC("tc") int stale(struct __sk_buff *skb) {
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct iphdr *ip = data + ETH_HLEN;
	if ((void *)(ip + 1) > end) return TC_ACT_OK;
	__u8 tos = 0x10;
	bpf_skb_store_bytes(skb, ETH_HLEN + 1, &tos, 1, 0);
	return ip->tos == tos ? TC_ACT_OK : TC_ACT_SHOT;
}
