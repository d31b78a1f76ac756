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

/* bpf_xdp_adjust_tail growth up to the frame's tailroom and beyond, and shrinking below 14 bytes. */
ARRAY(m_tmax, __s64, 6);
PROG(x_tailmax)
{
	put(&m_tmax, 0, bpf_xdp_adjust_tail(ctx, 1000));
	put(&m_tmax, 1, bpf_xdp_adjust_tail(ctx, 2000));
	put(&m_tmax, 2, bpf_xdp_adjust_tail(ctx, 4096));
	put(&m_tmax, 3, ctx->data_end - ctx->data);
	put(&m_tmax, 4, bpf_xdp_adjust_tail(ctx, -(int)(ctx->data_end - ctx->data)));
	put(&m_tmax, 5, bpf_xdp_adjust_tail(ctx, -3000));
	return XDP_PASS;
}

/* bpf_xdp_adjust_head across the whole headroom and past the packet end. */
ARRAY(m_hmax, __s64, 5);
PROG(x_headmax)
{
	put(&m_hmax, 0, bpf_xdp_adjust_head(ctx, -256));
	put(&m_hmax, 1, bpf_xdp_adjust_head(ctx, -216));
	put(&m_hmax, 2, bpf_xdp_adjust_head(ctx, -200));
	put(&m_hmax, 3, bpf_xdp_adjust_head(ctx, 4000));
	put(&m_hmax, 4, ctx->data_end - ctx->data);
	return XDP_PASS;
}

/* Metadata, then moving the head: data_meta must follow. */
ARRAY(m_mh, __s64, 5);
PROG(x_metahead)
{
	put(&m_mh, 0, bpf_xdp_adjust_meta(ctx, -16));
	put(&m_mh, 1, bpf_xdp_adjust_head(ctx, 8));
	put(&m_mh, 2, ctx->data - ctx->data_meta);
	put(&m_mh, 3, bpf_xdp_adjust_meta(ctx, 16));
	put(&m_mh, 4, bpf_xdp_adjust_meta(ctx, 4));
	return XDP_PASS;
}

/* IPv6 with direct reads: count by next header. */
MAP(m_nh, BPF_MAP_TYPE_HASH, __u8, __u64, 8);
PROG(x_ipv6)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6 = data + sizeof(*eth);
	if ((void *)(ip6 + 1) > end || eth->h_proto != bpf_htons(ETH_P_IPV6))
		return XDP_PASS;
	__u8 nh = ip6->nexthdr;
	__u64 *v = bpf_map_lookup_elem(&m_nh, &nh);
	if (v)
		*v += ip6->hop_limit;
	else {
		__u64 x = ip6->hop_limit;
		bpf_map_update_elem(&m_nh, &nh, &x, BPF_ANY);
	}
	return nh == 44 ? XDP_DROP : XDP_PASS;
}

/* TCP options walked with a bounded loop over direct reads: the MSS option, if any. */
ARRAY(m_mss, __u64, 2);
PROG(x_tcpopt)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) || ip->protocol != IPPROTO_TCP || ip->ihl != 5)
		return XDP_PASS;
	struct tcphdr *tcp = (void *)(ip + 1);
	if ((void *)(tcp + 1) > end)
		return XDP_PASS;
	__u8 *o = (void *)(tcp + 1);
	int optlen = tcp->doff * 4 - 20;
	for (int i = 0; i < 10 && optlen > 0; i++) {
		if ((void *)(o + 4) > end)
			break;
		if (o[0] == 0)
			break;
		if (o[0] == 1) {
			o++;
			optlen--;
			continue;
		}
		if (o[0] == 2 && o[1] == 4) {
			put(&m_mss, 0, (o[2] << 8) | o[3]);
			add(&m_mss, 1, 1);
			break;
		}
		if (o[1] < 2)
			break;
		optlen -= o[1];
		o += o[1] & 0x3f;
	}
	return XDP_PASS;
}

/* Loads through bpf_xdp_load_bytes at the edges. */
ARRAY(m_xlb, __s64, 5);
PROG(x_loadb)
{
	__u8 b[8] = {};
	__u32 len = PKTLEN(ctx);
	put(&m_xlb, 0, bpf_xdp_load_bytes(ctx, len - 8, b, 8));
	put(&m_xlb, 1, bpf_xdp_load_bytes(ctx, len - 7, b, 8));
	put(&m_xlb, 2, bpf_xdp_load_bytes(ctx, 0xffffff, b, 1));
	put(&m_xlb, 3, *(__u64 *)b);
	put(&m_xlb, 4, bpf_xdp_get_buff_len(ctx));
	return XDP_PASS;
}

/* The return value straight from the packet (any value, not only XDP_* codes). */
PROG(x_retbyte)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	if (data + 20 > end)
		return XDP_ABORTED;
	return ((__u8 *)data)[19] % 6;
}

char _license[] SEC("license") = "GPL";
