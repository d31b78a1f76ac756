/* Lightweight-tunnel (lwt_in, lwt_out, lwt_xmit) programs of the per-type C corpus: direct packet reads,
 * bpf_skb_pull_data, and for lwt_xmit (HAVE_LWT_XMIT) direct writes, skb_store_bytes, the checksum
 * helpers, change_tail/head and redirect; bpf_lwt_push_encap where HAVE_LWT_ENCAP. Include as the
 * type's only header (it includes kdiff-skb.h). */
#ifndef KDIFF_LWT_H
#define KDIFF_LWT_H
#include "kdiff-skb.h"

/* BPF_OK for IPv4 with a valid header length, BPF_DROP otherwise; counts by version. */
ARRAY(m_ver, __u64, 16);
PROG(w_v4only)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct iphdr *ip = data;
	if ((void *)(ip + 1) > end)
		return BPF_DROP;
	add(&m_ver, ip->version, 1);
	return ip->version == 4 && ip->ihl >= 5 ? BPF_OK : BPF_DROP;
}

ARRAY(m_lpull, __s64, 3);
PROG(w_pull)
{
	put(&m_lpull, 0, bpf_skb_pull_data(ctx, 10));
	put(&m_lpull, 1, ctx->data_end - ctx->data);
	put(&m_lpull, 2, bpf_skb_pull_data(ctx, 0xfff));
	return BPF_OK;
}

/* Sum of the IP header's 16-bit words with direct reads (a valid header sums to 0xffff). */
ARRAY(m_isum, __u64, 2);
PROG(w_ipsum)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u16 *w = data;
	if ((void *)(w + 10) > end)
		return BPF_OK;
	__u32 s = 0;
	for (int i = 0; i < 10; i++)
		s += w[i];
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	add(&m_isum, s == 0xffff, 1);
	return s == 0xffff ? BPF_OK : BPF_DROP;
}

#ifdef HAVE_LWT_XMIT
/* Decrement the TTL with a direct write and fix the checksum with bpf_l3_csum_replace. */
ARRAY(m_lttl, __s64, 1);
PROG(x_ttl)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct iphdr *ip = data;
	if ((void *)(ip + 1) > end || ip->version != 4)
		return BPF_OK;
	__u16 old = *(__u16 *)&ip->ttl;
	ip->ttl--;
	__u16 neu = *(__u16 *)&ip->ttl;
	put(&m_lttl, 0, bpf_l3_csum_replace(ctx, offsetof(struct iphdr, check), old, neu, 2));
	return BPF_OK;
}

ARRAY(m_lst, __s64, 4);
PROG(x_store)
{
	__u32 a = bpf_htonl(0xc0000263);
	__u32 len = ctx->len;
	put(&m_lst, 0, bpf_skb_store_bytes(ctx, 16, &a, 4, 0));
	put(&m_lst, 1, bpf_skb_store_bytes(ctx, len - 1, &a, 2, 0));
	put(&m_lst, 2, bpf_l4_csum_replace(ctx, 26, 0, a, BPF_F_PSEUDO_HDR | 4));
	put(&m_lst, 3, bpf_csum_update(ctx, 0xffff));
	return BPF_OK;
}

ARRAY(m_ltail, __s64, 4);
PROG(x_tail)
{
	__u32 len = ctx->len;
	put(&m_ltail, 0, bpf_skb_change_tail(ctx, len + 6, 0));
	put(&m_ltail, 1, ctx->len);
	put(&m_ltail, 2, bpf_skb_change_head(ctx, 8, 0));
	put(&m_ltail, 3, ctx->len);
	return BPF_OK;
}

PROG(x_redir)
{
	return ctx->len & 1 ? bpf_redirect(1, 0) : BPF_OK;
}
#endif

#ifdef HAVE_LWT_ENCAP
/* Push an outer IPv4 header (IP-in-IP). */
ARRAY(m_encap, __s64, 2);
PROG(e_encap)
{
	struct iphdr h = {};
	h.version = 4;
	h.ihl = 5;
	h.ttl = 64;
	h.protocol = IPPROTO_IPIP;
	h.tot_len = bpf_htons(ctx->len + 20);
	h.saddr = bpf_htonl(0xc0000201);
	h.daddr = bpf_htonl(0xc6336401);
	put(&m_encap, 0, bpf_lwt_push_encap(ctx, BPF_LWT_ENCAP_IP, &h, sizeof(h)));
	put(&m_encap, 1, ctx->len);
	return BPF_OK;
}
#endif

#endif
