// tc: rewrite the IPv4 TOS byte with bpf_skb_store_bytes and fix the checksum; reload pointers afterwards.
#include "common.h"
SEC("tc") int rewrite(struct __sk_buff *skb) {
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end) return TC_ACT_OK;
	if (eth->h_proto != bpf_htons(ETH_P_IP)) return TC_ACT_OK;
	__u8 old = ip->tos, tos = 0x10;
	bpf_l3_csum_replace(skb, ETH_HLEN + 10, bpf_htons(old), bpf_htons(tos), 2);
	bpf_skb_store_bytes(skb, ETH_HLEN + 1, &tos, 1, 0);
	data = (void *)(long)skb->data; end = (void *)(long)skb->data_end;
	ip = data + ETH_HLEN;
	if ((void *)(ip + 1) > end) return TC_ACT_SHOT;
	return ip->tos == tos ? TC_ACT_OK : TC_ACT_SHOT;
}
