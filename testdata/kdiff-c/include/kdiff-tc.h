/* tc (sched_cls / sched_act) programs of the per-type C corpus: direct packet access and writes, the
 * checksum helpers, skb_store_bytes, growing/shrinking the packet (change_tail/head, adjust_room, pull),
 * VLAN push/pop, change_proto/type, redirect, the data_meta pointer. Include after kdiff-skb.h. */
#ifndef KDIFF_TC_H
#define KDIFF_TC_H
#include "kdiff-skb.h"

FIELD(tc_classid)
FIELD(wire_len)
FIELD(tstamp)
FIELD(hwtstamp)
FIELD(tstamp_type)

#define IPOK(ctx, data, end, ip) \
	void *data = (void *)(long)ctx->data; \
	void *end = (void *)(long)ctx->data_end; \
	struct ethhdr *eth = data; \
	struct iphdr *ip = data + sizeof(*eth); \
	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP)) \
		return TC_ACT_UNSPEC

/* Swap MAC addresses with direct writes. */
PROG(t_swapmac)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end)
		return TC_ACT_SHOT;
	__u8 tmp[6];
	__builtin_memcpy(tmp, eth->h_source, 6);
	__builtin_memcpy(eth->h_source, eth->h_dest, 6);
	__builtin_memcpy(eth->h_dest, tmp, 6);
	return TC_ACT_OK;
}

/* Decrement the TTL and fix the IP checksum with bpf_l3_csum_replace. */
ARRAY(m_ttl, __s64, 2);
PROG(t_ttl)
{
	IPOK(ctx, data, end, ip);
	__u16 old = *(__u16 *)&ip->ttl;
	__u8 ttl = ip->ttl - 1;
	__u16 neu = old;
	((__u8 *)&neu)[0] = ttl;
	long rc = bpf_l3_csum_replace(ctx, ETH_HLEN + offsetof(struct iphdr, check), old, neu, 2);
	put(&m_ttl, 0, rc);
	rc = bpf_skb_store_bytes(ctx, ETH_HLEN + offsetof(struct iphdr, ttl), &ttl, 1, 0);
	put(&m_ttl, 1, rc);
	return TC_ACT_OK;
}

/* NAT: rewrite the source address, fixing the IP and the TCP/UDP checksums (pseudo header). */
ARRAY(m_nat, __s64, 4);
PROG(t_snat)
{
	IPOK(ctx, data, end, ip);
	__u32 old = ip->saddr;
	__u32 neu = bpf_htonl(0x0a000001);
	__u8 proto = ip->protocol;
	int l4 = ETH_HLEN + ip->ihl * 4;
	int csum_off = proto == IPPROTO_TCP ? 16 : proto == IPPROTO_UDP ? 6 : -1;
	put(&m_nat, 0, bpf_l3_csum_replace(ctx, ETH_HLEN + offsetof(struct iphdr, check), old, neu, 4));
	if (csum_off > 0)
		put(&m_nat, 1, bpf_l4_csum_replace(ctx, (l4 + csum_off) & 0xff, old, neu, BPF_F_PSEUDO_HDR | 4 | (proto == IPPROTO_UDP ? BPF_F_MARK_MANGLED_0 : 0)));
	put(&m_nat, 2, bpf_skb_store_bytes(ctx, ETH_HLEN + offsetof(struct iphdr, saddr), &neu, 4, 0));
	return TC_ACT_OK;
}

/* Rewrite the destination port with bpf_l4_csum_replace (2-byte form). */
ARRAY(m_port, __s64, 2);
PROG(t_dport)
{
	IPOK(ctx, data, end, ip);
	if (ip->ihl != 5 || (ip->protocol != IPPROTO_UDP && ip->protocol != IPPROTO_TCP))
		return TC_ACT_OK;
	struct udphdr *udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > end)
		return TC_ACT_OK;
	__u16 old = udp->dest;
	__u16 neu = bpf_htons(8080);
	int csum = ETH_HLEN + 20 + (ip->protocol == IPPROTO_TCP ? 16 : 6);
	put(&m_port, 0, bpf_l4_csum_replace(ctx, csum, old, neu, 2));
	put(&m_port, 1, bpf_skb_store_bytes(ctx, ETH_HLEN + 20 + 2, &neu, 2, BPF_F_RECOMPUTE_CSUM));
	return TC_ACT_OK;
}

/* bpf_csum_update and skb_store_bytes at the end of the packet and beyond it. */
ARRAY(m_store, __s64, 4);
PROG(t_store)
{
	__u8 b[4] = { 1, 2, 3, 4 };
	__u32 len = ctx->len;
	put(&m_store, 0, bpf_skb_store_bytes(ctx, len - 4, b, 4, 0));
	put(&m_store, 1, bpf_skb_store_bytes(ctx, len - 2, b, 4, 0));
	put(&m_store, 2, bpf_skb_store_bytes(ctx, 0, b, 4, BPF_F_INVALIDATE_HASH));
	put(&m_store, 3, bpf_csum_update(ctx, 0x1234));
	return TC_ACT_OK;
}

/* Grow and shrink the tail. */
ARRAY(m_tail, __s64, 4);
PROG(t_tail)
{
	__u32 len = ctx->len;
	put(&m_tail, 0, bpf_skb_change_tail(ctx, len + 10, 0));
	put(&m_tail, 1, ctx->len);
	put(&m_tail, 2, bpf_skb_change_tail(ctx, len - 6, 0));
	put(&m_tail, 3, bpf_skb_change_tail(ctx, 0xffff, 0));
	return TC_ACT_OK;
}

/* Push head room (zeroed). */
ARRAY(m_head, __s64, 2);
PROG(t_head)
{
	put(&m_head, 0, bpf_skb_change_head(ctx, 14, 0));
	put(&m_head, 1, ctx->len);
	return TC_ACT_OK;
}

/* VLAN: push a tag (offloaded to the skb metadata), read it, pop it; pop a tag the packet carries. */
ARRAY(m_vlan, __s64, 6);
PROG(t_vlan)
{
	put(&m_vlan, 0, bpf_skb_vlan_push(ctx, bpf_htons(ETH_P_8021Q), 100 | (5 << 13)));
	put(&m_vlan, 1, ctx->vlan_present);
	put(&m_vlan, 2, ctx->vlan_tci);
	put(&m_vlan, 3, bpf_skb_vlan_push(ctx, bpf_htons(ETH_P_8021AD), 7));
	put(&m_vlan, 4, bpf_skb_vlan_pop(ctx));
	put(&m_vlan, 5, ctx->len);
	return TC_ACT_OK;
}

ARRAY(m_vpop, __s64, 3);
PROG(t_vpop)
{
	put(&m_vpop, 0, bpf_skb_vlan_pop(ctx));
	put(&m_vpop, 1, ctx->len);
	put(&m_vpop, 2, ctx->protocol);
	return TC_ACT_OK;
}

/* IPv4 <-> IPv6 header room. */
ARRAY(m_proto, __s64, 3);
PROG(t_proto)
{
	__u16 to = ctx->protocol == bpf_htons(ETH_P_IP) ? bpf_htons(ETH_P_IPV6) : bpf_htons(ETH_P_IP);
	put(&m_proto, 0, bpf_skb_change_proto(ctx, to, 0));
	put(&m_proto, 1, ctx->len);
	put(&m_proto, 2, ctx->protocol);
	return TC_ACT_OK;
}

/* Room at the network and MAC headers. */
ARRAY(m_room, __s64, 4);
PROG(t_room)
{
	put(&m_room, 0, bpf_skb_adjust_room(ctx, 8, BPF_ADJ_ROOM_NET, 0));
	put(&m_room, 1, ctx->len);
	put(&m_room, 2, bpf_skb_adjust_room(ctx, -4, BPF_ADJ_ROOM_MAC, 0));
	put(&m_room, 3, ctx->len);
	return TC_ACT_OK;
}

ARRAY(m_ctype, __s64, 3);
PROG(t_ctype)
{
	put(&m_ctype, 0, bpf_skb_change_type(ctx, 3));
	put(&m_ctype, 1, ctx->pkt_type);
	put(&m_ctype, 2, bpf_skb_change_type(ctx, 7));
	return TC_ACT_OK;
}

ARRAY(m_pull, __s64, 3);
PROG(t_pull)
{
	put(&m_pull, 0, bpf_skb_pull_data(ctx, 20));
	put(&m_pull, 1, bpf_skb_pull_data(ctx, 0xffff));
	put(&m_pull, 2, ctx->data_end - ctx->data);
	return TC_ACT_OK;
}

PROG(t_redir)
{
	return bpf_redirect(ctx->len & 1 ? 1 : 7, ctx->len & 2 ? BPF_F_INGRESS : 0);
}

/* data_meta is data for tc test runs: an empty metadata area. */
PROG(t_meta)
{
	void *meta = (void *)(long)ctx->data_meta;
	void *data = (void *)(long)ctx->data;
	if (meta + 4 > data)
		return 11;
	return *(__u32 *)meta;
}

/* Count TCP flags with direct reads. */
MAP(m_tcpf, BPF_MAP_TYPE_HASH, __u8, __u64, 16);
PROG(t_tcpflags)
{
	IPOK(ctx, data, end, ip);
	if (ip->protocol != IPPROTO_TCP || ip->ihl != 5)
		return TC_ACT_OK;
	struct tcphdr *tcp = (void *)(ip + 1);
	if ((void *)(tcp + 1) > end)
		return TC_ACT_OK;
	__u8 fl = ((__u8 *)tcp)[13];
	__u64 *v = bpf_map_lookup_elem(&m_tcpf, &fl);
	if (v)
		*v += 1;
	else {
		__u64 one = 1;
		bpf_map_update_elem(&m_tcpf, &fl, &one, BPF_ANY);
	}
	return fl & TCP_FLAG_SYN ? TC_ACT_SHOT : TC_ACT_OK;
}

/* bpf_skb_change_tail at lengths around the kernel's limit, and below the minimum. */
ARRAY(m_tmax, __s64, 8);
PROG(t_tailmax)
{
	__u32 len = ctx->len;
	put(&m_tmax, 0, bpf_skb_change_tail(ctx, 1500, 0));
	put(&m_tmax, 1, bpf_skb_change_tail(ctx, 16065, 0));
	put(&m_tmax, 2, bpf_skb_change_tail(ctx, 16064, 0));
	put(&m_tmax, 3, bpf_skb_change_tail(ctx, 32768, 0));
	put(&m_tmax, 4, bpf_skb_change_tail(ctx, 65550, 0));
	put(&m_tmax, 5, bpf_skb_change_tail(ctx, 10, 0));
	put(&m_tmax, 6, bpf_skb_change_tail(ctx, len, 1));
	put(&m_tmax, 7, bpf_skb_change_tail(ctx, len, 0));
	return TC_ACT_OK;
}

/* bpf_skb_change_head limits: a little, a lot, and with flags. */
ARRAY(m_hmax, __s64, 4);
PROG(t_headmax)
{
	put(&m_hmax, 0, bpf_skb_change_head(ctx, 4, 0));
	put(&m_hmax, 1, bpf_skb_change_head(ctx, 70000, 0));
	put(&m_hmax, 2, bpf_skb_change_head(ctx, 4, 1));
	put(&m_hmax, 3, ctx->len);
	return TC_ACT_OK;
}

/* Hash helpers: recompute, invalidate, set (test_run skbs start without a hash). */
ARRAY(m_hashr, __u64, 4);
PROG(t_hash)
{
	put(&m_hashr, 0, ctx->hash);
	put(&m_hashr, 1, bpf_get_hash_recalc(ctx) != 0);
	bpf_set_hash_invalid(ctx);
	put(&m_hashr, 2, ctx->hash);
	bpf_set_hash(ctx, 0x1234567);
	put(&m_hashr, 3, ctx->hash);
	return TC_ACT_OK;
}

/* Route realm of a test_run skb (no dst): 0. */
ARRAY(m_realm, __u64, 1);
PROG(t_realm)
{
	put(&m_realm, 0, bpf_get_route_realm(ctx));
	return TC_ACT_OK;
}

/* adjust_room with encapsulation flags (IPv4-in-IPv4 room, as a tunnel encap program asks). */
ARRAY(m_encap4, __s64, 2);
PROG(t_encap)
{
	put(&m_encap4, 0, bpf_skb_adjust_room(ctx, 20, BPF_ADJ_ROOM_MAC, BPF_F_ADJ_ROOM_ENCAP_L3_IPV4));
	put(&m_encap4, 1, ctx->len);
	return TC_ACT_OK;
}

/* Adjust room errors: shrinking below the headers, bad mode. */
ARRAY(m_roomerr, __s64, 3);
PROG(t_roomerr)
{
	put(&m_roomerr, 0, bpf_skb_adjust_room(ctx, -200, BPF_ADJ_ROOM_NET, 0));
	put(&m_roomerr, 1, bpf_skb_adjust_room(ctx, 8, 7, 0));
	put(&m_roomerr, 2, bpf_skb_adjust_room(ctx, 4, BPF_ADJ_ROOM_NET, 1ULL << 40));
	return TC_ACT_OK;
}

/* LD_IND: walk the IPv4 header length to read the L4 ports with variable-offset legacy loads. */
#ifdef HAVE_LD_ABS
ARRAY(m_ldind, __u64, 3);
PROG(t_ldind)
{
	__u64 vihl = load_byte(ctx, L3OFF);
	__u64 ihl = (vihl & 0xf) << 2;
	__u64 sport = load_half(ctx, L3OFF + ihl);
	__u64 dport = load_half(ctx, L3OFF + ihl + 2);
	put(&m_ldind, 0, sport);
	put(&m_ldind, 1, dport);
	put(&m_ldind, 2, load_word(ctx, L3OFF + ihl + 4));
	return sport == 53 || dport == 53 ? TC_ACT_SHOT : TC_ACT_OK;
}
#endif

/* bpf_csum_level queries and changes (CHECKSUM_NONE test skbs). */
ARRAY(m_csl, __s64, 4);
PROG(t_csumlevel)
{
	put(&m_csl, 0, bpf_csum_level(ctx, BPF_CSUM_LEVEL_QUERY));
	put(&m_csl, 1, bpf_csum_level(ctx, BPF_CSUM_LEVEL_INC));
	put(&m_csl, 2, bpf_csum_level(ctx, BPF_CSUM_LEVEL_RESET));
	put(&m_csl, 3, bpf_csum_level(ctx, 9));
	return TC_ACT_OK;
}

/* A VLAN round trip on the frame: pop an in-packet tag, then push it back in-band. */
ARRAY(m_vrt, __s64, 4);
PROG(t_vlanrt)
{
	__u16 tci = ctx->vlan_tci;
	put(&m_vrt, 0, bpf_skb_vlan_pop(ctx));
	put(&m_vrt, 1, bpf_skb_vlan_push(ctx, bpf_htons(ETH_P_8021Q), tci | 1));
	put(&m_vrt, 2, bpf_skb_vlan_pop(ctx));
	put(&m_vrt, 3, ctx->vlan_present);
	return TC_ACT_OK;
}

#endif
