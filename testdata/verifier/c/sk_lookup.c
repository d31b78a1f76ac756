// tc: look up the TCP socket of an IPv4 packet and release it.
#include "common.h"
SEC("tc") int lookup(struct __sk_buff *skb) {
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct iphdr *ip = data + ETH_HLEN;
	if ((void *)(ip + 1) > end) return TC_ACT_OK;
	struct tcphdr *t = (void *)(ip + 1);
	if ((void *)(t + 1) > end) return TC_ACT_OK;
	struct bpf_sock_tuple tup = {};
	tup.ipv4.saddr = ip->saddr; tup.ipv4.daddr = ip->daddr; tup.ipv4.sport = t->source; tup.ipv4.dport = t->dest;
	struct bpf_sock *sk = bpf_sk_lookup_tcp(skb, &tup, sizeof(tup.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (!sk) return TC_ACT_OK;
	int st = sk->state;
	bpf_sk_release(sk);
	return st == 1 ? TC_ACT_OK : TC_ACT_SHOT;
}
