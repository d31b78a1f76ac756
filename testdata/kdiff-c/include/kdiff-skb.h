/* __sk_buff programs of the per-type C corpus, shared by the skb program types (socket_filter, tc,
 * cgroup_skb, lwt_*): one program per readable context field (FIELD(name)), folding the field into a map
 * of its own over every packet, plus context writes the type allows (mark, priority, cb[] everywhere;
 * tc_index, tc_classid, queue_mapping and tstamp where HAVE_TC_WRITES / HAVE_TSTAMP_WRITE say so).
 * Include after kdiff.h. */
#ifndef KDIFF_SKB_H
#define KDIFF_SKB_H
#include "kdiff.h"

#define FIELD(f) \
	ARRAY(mf_##f, __u64, 2); \
	PROG(f_##f) \
	{ \
		__u64 v = ctx->f; \
		add(&mf_##f, 0, v * 0x100000001ULL + 1); \
		put(&mf_##f, 1, v); \
		return RET(v); \
	}
#define FIELDI(f, i) \
	ARRAY(mf_##f##i, __u64, 2); \
	PROG(f_##f##i) \
	{ \
		__u64 v = ctx->f[i]; \
		add(&mf_##f##i, 0, v * 3 + 1); \
		put(&mf_##f##i, 1, v); \
		return RET(v); \
	}

FIELD(len)
FIELD(pkt_type)
FIELD(mark)
FIELD(queue_mapping)
FIELD(protocol)
FIELD(vlan_present)
FIELD(vlan_tci)
FIELD(vlan_proto)
FIELD(priority)
FIELD(ingress_ifindex)
FIELD(ifindex)
FIELD(tc_index)
FIELDI(cb, 0)
FIELDI(cb, 1)
FIELDI(cb, 2)
FIELDI(cb, 3)
FIELDI(cb, 4)
FIELD(hash)
FIELD(napi_id)
FIELD(gso_segs)
FIELD(gso_size)

/* Context writes: mark and priority (not socket_filter: NO_MARK_WRITE), cb[] (read back, and seen in ctx_out). */
ARRAY(m_wr, __u64, 3);
PROG(w_mark)
{
	__u32 len = ctx->len;
#ifndef NO_MARK_WRITE
	ctx->mark = ctx->mark * 3 + len;
	ctx->priority = len << 4 | 5;
#endif
	ctx->cb[0] = ctx->cb[1] + len;
	ctx->cb[4] ^= 0xdeadbeef;
	put(&m_wr, 0, ctx->mark);
	put(&m_wr, 1, ctx->priority);
	put(&m_wr, 2, ctx->cb[0] + ctx->cb[4]);
	return RET(ctx->mark & 1);
}

/* Narrow reads of cb[] and of the 32-bit fields at their first byte/half. */
ARRAY(m_narrow, __u64, 4);
PROG(w_narrow)
{
	__u8 *cb = (__u8 *)&ctx->cb[0];
	cb[1] = 0x5a;
	((__u16 *)&ctx->cb[2])[1] = 0xbeef;
	put(&m_narrow, 0, *(volatile __u8 *)&ctx->cb[0]);
	put(&m_narrow, 1, *(volatile __u16 *)&ctx->cb[2]);
	put(&m_narrow, 2, *(volatile __u8 *)&ctx->len);
	put(&m_narrow, 3, *(volatile __u16 *)&ctx->mark);
	return RET(cb[1]);
}

/* Narrow reads inside the u32 fields that hold smaller kernel fields (pkt_type is 3 bits, protocol and
 * vlan_tci 16 bits): every byte and half of them, as convert_ctx_access rewrites the loads. */
ARRAY(m_nr, __u64, 8);
PROG(w_narrow2)
{
	put(&m_nr, 0, *((volatile __u8 *)&ctx->pkt_type + 0));
	put(&m_nr, 1, *((volatile __u8 *)&ctx->pkt_type + 1));
	put(&m_nr, 2, *((volatile __u16 *)&ctx->pkt_type + 1));
	put(&m_nr, 3, *((volatile __u16 *)&ctx->protocol + 1));
	put(&m_nr, 4, *((volatile __u8 *)&ctx->protocol + 1));
	put(&m_nr, 5, *((volatile __u8 *)&ctx->len + 3));
	put(&m_nr, 6, *((volatile __u16 *)&ctx->queue_mapping + 1));
	put(&m_nr, 7, *((volatile __u8 *)&ctx->ifindex + 2));
	return RET(1);
}

#ifdef HAVE_TC_WRITES
/* Stores wider than the kernel fields behind them: tc_index and tc_classid are u16 (truncated),
 * queue_mapping is u16 and a store of NO_QUEUE_MAPPING (0xffff) or more is skipped. */
ARRAY(m_tce, __u64, 6);
PROG(w_tcedge)
{
	ctx->tc_index = 0x12345 + ctx->len;
	ctx->tc_classid = 0xabcdef;
	ctx->queue_mapping = 3;
	ctx->queue_mapping = 0xffff;
	put(&m_tce, 0, ctx->tc_index);
	put(&m_tce, 1, ctx->tc_classid);
	put(&m_tce, 2, ctx->queue_mapping);
	ctx->queue_mapping = 0x10005;
	put(&m_tce, 3, ctx->queue_mapping);
	ctx->queue_mapping = 0xfffe;
	put(&m_tce, 4, ctx->queue_mapping);
	return RET(0);
}
#endif

#ifdef HAVE_TC_WRITES
ARRAY(m_tcw, __u64, 4);
PROG(w_tc)
{
	__u32 len = ctx->len;
	ctx->tc_index = len & 0xfff;
	ctx->tc_classid = (len & 0xff) + 1;
	ctx->queue_mapping = len & 7;
	put(&m_tcw, 0, ctx->tc_index);
	put(&m_tcw, 1, ctx->tc_classid);
	put(&m_tcw, 2, ctx->queue_mapping);
	return RET(0);
}
#endif

#ifdef HAVE_TSTAMP_WRITE
ARRAY(m_ts, __u64, 2);
PROG(w_tstamp)
{
	__u64 before = ctx->tstamp;
	ctx->tstamp = before + ctx->len * 1000ULL;
	put(&m_ts, 0, before);
	put(&m_ts, 1, ctx->tstamp);
	return RET(1);
}
#endif

#ifdef HAVE_SK
/* The dummy socket test_run attaches: family and addresses from the IP header. */
ARRAY(m_sk, __u64, 6);
PROG(s_sk)
{
	struct bpf_sock *sk = ctx->sk;
	if (!sk)
		return RET(0);
	put(&m_sk, 0, sk->family);
	put(&m_sk, 1, sk->src_port);
	put(&m_sk, 2, sk->dst_port);
	put(&m_sk, 3, sk->src_ip4);
	put(&m_sk, 4, sk->dst_ip4);
	put(&m_sk, 5, sk->state);
	return RET(1);
}
#endif

#ifdef HAVE_SOCKET_UID
ARRAY(m_uid, __u64, 1);
PROG(s_uid)
{
	put(&m_uid, 0, bpf_get_socket_uid(ctx));
	return RET(1);
}
#endif

#ifdef HAVE_SOCK_HELPERS
/* Socket and cgroup helpers: only deterministic facts (cookies and cgroup ids are host-specific numbers). */
ARRAY(m_sockh, __u64, 6);
PROG(s_sockh)
{
	put(&m_sockh, 0, bpf_get_socket_cookie(ctx) != 0);
	put(&m_sockh, 1, bpf_get_netns_cookie(ctx) != 0);
	struct bpf_sock *sk = ctx->sk;
	if (!sk)
		return RET(0);
	sk = bpf_sk_fullsock(sk);
	if (!sk)
		return RET(0);
	put(&m_sockh, 2, sk->type);
	put(&m_sockh, 3, sk->protocol);
	put(&m_sockh, 4, bpf_tcp_sock(sk) != 0);
	put(&m_sockh, 5, bpf_skb_cgroup_id(ctx) != 0);
	return RET(1);
}

/* ECN: set CE on ECT packets (the packet changes, the return value says whether it did). */
ARRAY(m_ecn, __s64, 1);
PROG(s_ecn)
{
	long r = bpf_skb_ecn_set_ce(ctx);
	put(&m_ecn, 0, r);
	return RET(r);
}
#endif

#ifdef HAVE_LOAD_REL
/* bpf_skb_load_bytes_relative from the MAC and the network header. */
ARRAY(m_rel, __s64, 5);
PROG(h_loadrel)
{
	__u8 mac[14] = {}, net[4] = {};
	put(&m_rel, 0, bpf_skb_load_bytes_relative(ctx, 0, mac, 14, BPF_HDR_START_MAC));
	put(&m_rel, 1, bpf_skb_load_bytes_relative(ctx, 12, net, 4, BPF_HDR_START_NET));
	put(&m_rel, 2, mac[12] << 8 | mac[13]);
	put(&m_rel, 3, net[0] | net[3] << 24);
	put(&m_rel, 4, bpf_skb_load_bytes_relative(ctx, 0, net, 4, 7));
	return RET(mac[13] & 1);
}
#endif

#ifdef HAVE_LD_ABS
/* Legacy packet loads (LD_ABS/LD_IND through the llvm.bpf.load.* intrinsics). */
unsigned long long load_byte(void *skb, unsigned long long off) asm("llvm.bpf.load.byte");
unsigned long long load_half(void *skb, unsigned long long off) asm("llvm.bpf.load.half");
unsigned long long load_word(void *skb, unsigned long long off) asm("llvm.bpf.load.word");
ARRAY(m_ldabs, __u64, 4);
PROG(l_ldabs)
{
	__u64 a = load_byte(ctx, L3OFF + 9);
	__u64 b = load_half(ctx, L3OFF + 2);
	__u64 c = load_word(ctx, L3OFF + 12);
	__u64 ihl = (load_byte(ctx, L3OFF) & 0xf) * 4;
	__u64 d = load_half(ctx, L3OFF + ihl + 2);
	put(&m_ldabs, 0, a);
	put(&m_ldabs, 1, b);
	put(&m_ldabs, 2, c);
	put(&m_ldabs, 3, d);
	return RET(a == IPPROTO_UDP);
}
#endif

#endif
