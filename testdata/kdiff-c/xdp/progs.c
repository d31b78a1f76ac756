/* XDP programs of the per-type kernel-differential corpus: the shared map/helper programs through
 * bpf_xdp_load_bytes, plus direct packet access, bpf_xdp_adjust_head/tail/meta, load/store bytes,
 * bpf_xdp_get_buff_len, csum_diff, redirect and the xdp_md fields. */
#define SECNAME "xdp"
#define CTX struct xdp_md
#define L3OFF 14
#define LOADB(c, o, p, n) bpf_xdp_load_bytes((c), (o), (p), (n))
#define PKTLEN(c) ((__u32)bpf_xdp_get_buff_len(c))
#define RET(x) (x)
#define HAVE_CSUM_DIFF
#include "../include/kdiff.h"

ARRAY(m_md, __u64, 3);
PROG(x_md)
{
	put(&m_md, 0, ctx->ingress_ifindex);
	put(&m_md, 1, ctx->rx_queue_index);
	put(&m_md, 2, ctx->data_end - ctx->data);
	return XDP_PASS;
}

/* Bounce: swap MACs and IPv4 addresses with direct writes, XDP_TX. */
PROG(x_bounce)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	if ((void *)(ip + 1) > end)
		return XDP_DROP;
	__u8 t[6];
	__builtin_memcpy(t, eth->h_source, 6);
	__builtin_memcpy(eth->h_source, eth->h_dest, 6);
	__builtin_memcpy(eth->h_dest, t, 6);
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		__u32 a = ip->saddr;
		ip->saddr = ip->daddr;
		ip->daddr = a;
	}
	return XDP_TX;
}

/* Decrement the TTL and update the checksum incrementally (RFC 1624) by hand. */
PROG(x_ttl)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	if (ip->ttl <= 1)
		return XDP_DROP;
	__u32 c = ip->check;
	c += bpf_htons(0x0100);
	ip->check = (__u16)(c + (c >= 0xffff));
	ip->ttl--;
	return XDP_PASS;
}

/* Strip the Ethernet header (adjust_head +14) and put a new one back (-14). */
ARRAY(m_ah, __s64, 4);
PROG(x_head)
{
	put(&m_ah, 0, bpf_xdp_adjust_head(ctx, 14));
	put(&m_ah, 1, ctx->data_end - ctx->data);
	put(&m_ah, 2, bpf_xdp_adjust_head(ctx, -28));
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	if (data + 14 > end)
		return XDP_ABORTED;
	__builtin_memset(data, 0xab, 14);
	put(&m_ah, 3, bpf_xdp_adjust_head(ctx, -4096));
	return XDP_PASS;
}

ARRAY(m_at, __s64, 4);
PROG(x_tail)
{
	put(&m_at, 0, bpf_xdp_adjust_tail(ctx, -8));
	put(&m_at, 1, bpf_xdp_adjust_tail(ctx, 16));
	put(&m_at, 2, ctx->data_end - ctx->data);
	put(&m_at, 3, bpf_xdp_adjust_tail(ctx, 8192));
	return XDP_PASS;
}

/* Metadata: reserve 8 bytes, write them, read them back. */
ARRAY(m_meta, __s64, 3);
PROG(x_meta)
{
	put(&m_meta, 0, bpf_xdp_adjust_meta(ctx, -8));
	void *meta = (void *)(long)ctx->data_meta;
	void *data = (void *)(long)ctx->data;
	if (meta + 8 > data)
		return XDP_PASS;
	((__u32 *)meta)[0] = 0xfeedf00d;
	((__u32 *)meta)[1] = ctx->data_end - ctx->data;
	put(&m_meta, 1, *(__u64 *)meta);
	put(&m_meta, 2, bpf_xdp_adjust_meta(ctx, -256));
	return XDP_PASS;
}

ARRAY(m_xsb, __s64, 3);
PROG(x_store)
{
	__u8 b[6] = { 2, 0, 0, 0, 0, 0x99 };
	put(&m_xsb, 0, bpf_xdp_store_bytes(ctx, 0, b, 6));
	put(&m_xsb, 1, bpf_xdp_store_bytes(ctx, PKTLEN(ctx) - 2, b, 4));
	put(&m_xsb, 2, bpf_xdp_store_bytes(ctx, PKTLEN(ctx) - 6, b, 6));
	return XDP_PASS;
}

PROG(x_redir)
{
	return bpf_redirect(1, 0);
}

/* Drop by protocol, count the rest, with direct reads. */
ARRAY(m_xp, __u64, 8);
PROG(x_proto)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end)
		return XDP_DROP;
	__u16 p = bpf_ntohs(eth->h_proto);
	add(&m_xp, p == ETH_P_IP ? 0 : p == ETH_P_IPV6 ? 1 : p == ETH_P_ARP ? 2 : p == ETH_P_8021Q ? 3 : 4, 1);
	return p == ETH_P_ARP ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
