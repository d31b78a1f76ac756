/* Shared part of the per-program-type kernel-differential C corpus (worker/kdiff/pertype.test.ts).
 * Each testdata/kdiff-c/<type>/progs.c defines the type's section and context, then includes this file,
 * which declares programs that every packet type can run: map operations on every map type the packet
 * types may use (array, hash, per-CPU array/hash, LRU and LRU per-CPU hash, LPM trie, queue, stack),
 * atomics, bpf_loop/for_each callbacks, time and CPU helpers (only deterministic facts are kept: the
 * harness pins test runs to CPU 0, and clocks are reduced to "is monotonic"), packet reads through the
 * type's load helper, and packet parsing. Every program has maps of its own, because all programs of an
 * object are run one after another and their maps are compared after the whole run.
 *
 * Per type the including file defines:
 *   SECNAME      the ELF section ("tc", "xdp", ...)
 *   CTX          the context struct (struct __sk_buff or struct xdp_md)
 *   L3OFF        where the network header starts in the test_run packet (14 for tc/xdp, 0 otherwise)
 *   LOADB(c,o,p,n) the type's byte loader (bpf_skb_load_bytes or bpf_xdp_load_bytes)
 *   PKTLEN(c)    the packet length
 *   RET(x)       what the program may return (cgroup_skb: 0 or 1)
 *   HAVE_CSUM_DIFF when bpf_csum_diff is allowed
 */
#ifndef KDIFF_H
#define KDIFF_H
#include "kdiff-base.h"

/* ---- arrays ---- */
ARRAY(m_arr, __u64, 4);
PROG(g_arr)
{
	__u8 proto = 0;
	__u32 len = PKTLEN(ctx);
	if (LOADB(ctx, L3OFF + 9, &proto, 1) < 0)
		proto = 0xff;
	add(&m_arr, proto & 3, len);
	add(&m_arr, 3, 1);
	return RET(proto);
}

ARRAY(m_arre, __u64, 2);
ARRAY(m_arre_rc, __s64, 6);
PROG(g_arrerr)
{
	__u32 k = 2, k0 = 0;
	__u64 v = PKTLEN(ctx);
	put(&m_arre_rc, 0, bpf_map_lookup_elem(&m_arre, &k) == 0);
	put(&m_arre_rc, 1, bpf_map_update_elem(&m_arre, &k0, &v, BPF_NOEXIST));
	put(&m_arre_rc, 2, bpf_map_update_elem(&m_arre, &k0, &v, 7));
	put(&m_arre_rc, 3, bpf_map_delete_elem(&m_arre, &k0));
	put(&m_arre_rc, 4, bpf_map_update_elem(&m_arre, &k, &v, BPF_ANY));
	k = 1;
	put(&m_arre_rc, 5, bpf_map_update_elem(&m_arre, &k, &v, BPF_EXIST));
	return RET(1);
}

/* ---- hash maps ---- */
struct hkey { __u8 proto; __u8 ver; __u16 pad; __u32 len; };
MAP(m_hash, BPF_MAP_TYPE_HASH, struct hkey, __u64, 8);
PROG(g_hash)
{
	__u8 b[10] = {};
	struct hkey k = {};
	if (LOADB(ctx, L3OFF, b, sizeof(b)) < 0)
		return RET(0);
	k.proto = b[9];
	k.ver = b[0] >> 4;
	k.len = PKTLEN(ctx);
	__u64 *v = bpf_map_lookup_elem(&m_hash, &k);
	if (v) {
		*v += 1;
		return RET(2);
	}
	__u64 one = 1;
	return RET(bpf_map_update_elem(&m_hash, &k, &one, BPF_NOEXIST) == 0);
}

MAP(m_hfull, BPF_MAP_TYPE_HASH, __u32, __u32, 2);
ARRAY(m_hfull_rc, __s64, 4);
PROG(g_hfull)
{
	__u32 len = PKTLEN(ctx);
	__s64 sum = 0;
	for (int i = 0; i < 4; i++) {
		__u32 k = len + i;
		__u32 v = i * 100 + len;
		long rc = bpf_map_update_elem(&m_hfull, &k, &v, i == 3 ? BPF_EXIST : BPF_ANY);
		put(&m_hfull_rc, i, rc);
		sum += rc;
	}
	return RET(-sum);
}

MAP(m_hdel, BPF_MAP_TYPE_HASH, __u32, __u64, 4);
ARRAY(m_hdel_st, __u64, 3);
PROG(g_hdel)
{
	__u32 z = 0;
	__u64 *prev = bpf_map_lookup_elem(&m_hdel_st, &z);
	if (!prev)
		return RET(0);
	__u32 pk = *prev;
	__u32 k = PKTLEN(ctx);
	__u64 v = k * 7;
	bpf_map_update_elem(&m_hdel, &k, &v, BPF_ANY);
	long rc = bpf_map_delete_elem(&m_hdel, &pk);
	add(&m_hdel_st, 1, rc == 0);
	add(&m_hdel_st, 2, rc == -2);
	*prev = k;
	return RET(rc == 0);
}

struct bigk { __u8 b[16]; };
struct bigv { __u64 x[4]; };
MAP(m_big, BPF_MAP_TYPE_HASH, struct bigk, struct bigv, 16);
PROG(g_bigkey)
{
	struct bigk k = {};
	struct bigv v = {};
	if (LOADB(ctx, L3OFF + 4, k.b, sizeof(k.b)) < 0)
		return RET(0);
	v.x[0] = PKTLEN(ctx);
	v.x[1] = k.b[0] | ((__u64)k.b[15] << 56);
	v.x[3] = ~v.x[0];
	bpf_map_update_elem(&m_big, &k, &v, BPF_ANY);
	return RET(1);
}

/* ---- per-CPU maps (the harness runs on CPU 0; values are compared for every CPU) ---- */
MAP(m_pca, BPF_MAP_TYPE_PERCPU_ARRAY, __u32, __u64, 3);
PROG(g_pcarr)
{
	__u32 len = PKTLEN(ctx);
	add(&m_pca, 0, len);
	add(&m_pca, 1, 1);
	__u32 k = 2;
	__u64 v = len ^ 0xabcdef;
	bpf_map_update_elem(&m_pca, &k, &v, BPF_ANY);
	return RET(len & 1);
}

MAP(m_pch, BPF_MAP_TYPE_PERCPU_HASH, __u32, __u32, 4);
PROG(g_pchash)
{
	__u8 proto = 0;
	LOADB(ctx, L3OFF + 9, &proto, 1);
	__u32 k = proto;
	__u32 *v = bpf_map_lookup_elem(&m_pch, &k);
	if (v) {
		*v += PKTLEN(ctx);
		return RET(1);
	}
	__u32 init = PKTLEN(ctx);
	return RET(bpf_map_update_elem(&m_pch, &k, &init, BPF_NOEXIST) == 0);
}

/* ---- LRU maps: within capacity (no eviction) ---- */
MAP(m_lru, BPF_MAP_TYPE_LRU_HASH, __u32, __u64, 8);
PROG(g_lru)
{
	__u32 k = 0;
	LOADB(ctx, L3OFF + 12, &k, 4);
	k &= 0x7;
	__u64 *v = bpf_map_lookup_elem(&m_lru, &k);
	if (v) {
		__sync_fetch_and_add(v, 1);
		return RET(1);
	}
	__u64 one = 1;
	bpf_map_update_elem(&m_lru, &k, &one, BPF_ANY);
	return RET(0);
}

/* ---- LRU hash beyond capacity: eviction (the kernel's common LRU with per-CPU local lists) ---- */
MAP(m_lrue, BPF_MAP_TYPE_LRU_HASH, __u32, __u32, 4);
ARRAY(m_lrue_rc, __s64, 2);
PROG(g_lruevict)
{
	__u32 len = PKTLEN(ctx);
	for (__u32 i = 0; i < 3; i++) {
		__u32 k = len * 4 + i;
		__u32 v = len + i;
		add(&m_lrue_rc, 0, bpf_map_update_elem(&m_lrue, &k, &v, BPF_NOEXIST) == 0);
	}
	__u32 first = 0;
	__u32 *hit = bpf_map_lookup_elem(&m_lrue, &first);
	add(&m_lrue_rc, 1, hit != 0);
	return RET(len & 1);
}

/* ---- LPM trie: the program installs prefixes, then looks up the packet's addresses ---- */
struct lpm4 { __u32 plen; __u8 a[4]; };
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct lpm4);
	__type(value, __u32);
	__uint(max_entries, 8);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} m_lpm SEC(".maps");
ARRAY(m_lpm_hit, __u64, 4);
PROG(g_lpm)
{
	struct lpm4 k = { 24, { 192, 0, 2, 0 } };
	__u32 v = 24;
	bpf_map_update_elem(&m_lpm, &k, &v, BPF_ANY);
	k.plen = 8; k.a[0] = 198; k.a[1] = 0; k.a[2] = 0;
	v = 8;
	bpf_map_update_elem(&m_lpm, &k, &v, BPF_NOEXIST);
	k.plen = 0;
	v = 100;
	bpf_map_update_elem(&m_lpm, &k, &v, BPF_NOEXIST);
	struct lpm4 q = { 32, {} };
	if (LOADB(ctx, L3OFF + 12, q.a, 4) < 0)
		return RET(0);
	__u32 *hit = bpf_map_lookup_elem(&m_lpm, &q);
	__u32 r = hit ? *hit : 0;
	add(&m_lpm_hit, r == 24 ? 0 : r == 8 ? 1 : r == 100 ? 2 : 3, 1);
	if (LOADB(ctx, L3OFF + 16, q.a, 4) < 0)
		return RET(0);
	q.plen = 28;
	hit = bpf_map_lookup_elem(&m_lpm, &q);
	if (hit && *hit == 24) {
		k.plen = 24; k.a[0] = 192; k.a[1] = 0; k.a[2] = 2;
		bpf_map_delete_elem(&m_lpm, &k);
	}
	return RET(r == 24);
}

/* ---- queue and stack ---- */
struct { __uint(type, BPF_MAP_TYPE_QUEUE); __type(value, __u32); __uint(max_entries, 4); } m_q SEC(".maps");
ARRAY(m_q_out, __s64, 3);
PROG(g_queue)
{
	__u32 v = PKTLEN(ctx);
	put(&m_q_out, 0, bpf_map_push_elem(&m_q, &v, 0));
	if (v & 1) {
		__u32 o = 0;
		put(&m_q_out, 1, bpf_map_pop_elem(&m_q, &o));
		put(&m_q_out, 2, o);
	}
	return RET(v & 1);
}

struct { __uint(type, BPF_MAP_TYPE_STACK); __type(value, __u64); __uint(max_entries, 3); } m_st SEC(".maps");
ARRAY(m_st_out, __s64, 4);
PROG(g_stack)
{
	__u64 v = PKTLEN(ctx) * 1000 + 1;
	put(&m_st_out, 0, bpf_map_push_elem(&m_st, &v, 0));
	v++;
	put(&m_st_out, 1, bpf_map_push_elem(&m_st, &v, BPF_EXIST));
	__u64 o = 0;
	put(&m_st_out, 2, bpf_map_peek_elem(&m_st, &o));
	put(&m_st_out, 3, o);
	if (PKTLEN(ctx) & 2)
		bpf_map_pop_elem(&m_st, &o);
	return RET(1);
}

/* ---- ring buffer and perf event output: what the program can observe (return values, bpf_ringbuf_query
 * positions); the ring buffer and perf event array themselves cannot be dumped by bpftool, so the
 * harness leaves them out of the map comparison ---- */
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } m_rb SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY); __uint(key_size, 4); __uint(value_size, 4); __uint(max_entries, 2); } m_pe SEC(".maps");
ARRAY(m_rb_out, __s64, 8);
PROG(g_ringbuf)
{
	__u64 rec[3] = { PKTLEN(ctx), 0x1234, 0 };
	put(&m_rb_out, 0, bpf_ringbuf_output(&m_rb, rec, sizeof(rec), 0));
	__u64 *r = bpf_ringbuf_reserve(&m_rb, 16, 0);
	if (r) {
		r[0] = PKTLEN(ctx);
		r[1] = 7;
		if (PKTLEN(ctx) & 1)
			bpf_ringbuf_discard(r, 0);
		else
			bpf_ringbuf_submit(r, 0);
	}
	put(&m_rb_out, 1, r != 0);
	put(&m_rb_out, 2, bpf_ringbuf_query(&m_rb, BPF_RB_AVAIL_DATA));
	put(&m_rb_out, 3, bpf_ringbuf_query(&m_rb, BPF_RB_PROD_POS));
	put(&m_rb_out, 4, bpf_ringbuf_query(&m_rb, BPF_RB_CONS_POS));
	put(&m_rb_out, 5, bpf_ringbuf_query(&m_rb, BPF_RB_RING_SIZE));
	put(&m_rb_out, 6, bpf_ringbuf_output(&m_rb, rec, sizeof(rec), 3));
	put(&m_rb_out, 7, bpf_perf_event_output(ctx, &m_pe, BPF_F_CURRENT_CPU, rec, sizeof(rec)));
	return RET(1);
}

/* ---- map edge behaviours this corpus found bpfplay getting wrong (since fixed in worker/maps): each
 * program shows one on its own; the map-heavy generator (worker/kdiff/pertype-gen.ts) mixes them in ---- */

/* pop/peek on an empty queue or stack: the kernel zeroes the value buffer (__queue_map_get). */
struct { __uint(type, BPF_MAP_TYPE_QUEUE); __type(value, __u64); __uint(max_entries, 2); } m_qe SEC(".maps");
ARRAY(m_qe_out, __s64, 4);
PROG(g_qempty)
{
	__u64 v = 0x1122334455667788ULL;
	put(&m_qe_out, 0, bpf_map_peek_elem(&m_qe, &v));
	put(&m_qe_out, 1, v);
	v = 0x99;
	put(&m_qe_out, 2, bpf_map_pop_elem(&m_qe, &v));
	put(&m_qe_out, 3, v);
	return RET(1);
}

/* A per-CPU array update with BPF_F_LOCK at an index past the end: the kernel checks the index first
 * (array_map_update_elem: -E2BIG), then rejects the flag (-EINVAL). */
MAP(m_pcl, BPF_MAP_TYPE_PERCPU_ARRAY, __u32, __u64, 2);
ARRAY(m_pcl_rc, __s64, 2);
PROG(g_pcalock)
{
	__u32 k = 5;
	__u64 v = 1;
	put(&m_pcl_rc, 0, bpf_map_update_elem(&m_pcl, &k, &v, BPF_F_LOCK));
	k = 1;
	put(&m_pcl_rc, 1, bpf_map_update_elem(&m_pcl, &k, &v, BPF_F_LOCK));
	return RET(1);
}

/* An LPM lookup asking for more bits than the trie has: the kernel returns NULL (trie_lookup_elem). */
struct lpmb { __u32 plen; __u8 a[4]; };
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct lpmb);
	__type(value, __u64);
	__uint(max_entries, 4);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} m_lpb SEC(".maps");
ARRAY(m_lpb_out, __u64, 2);
PROG(g_lpmbig)
{
	struct lpmb k = { 8, { 192, 0, 0, 0 } };
	__u64 v = 42;
	bpf_map_update_elem(&m_lpb, &k, &v, BPF_ANY);
	k.plen = 33;
	k.a[1] = 1;
	__u64 *hit = bpf_map_lookup_elem(&m_lpb, &k);
	put(&m_lpb_out, 0, hit != 0);
	k.plen = 32;
	hit = bpf_map_lookup_elem(&m_lpb, &k);
	put(&m_lpb_out, 1, hit ? *hit : 0);
	return RET(1);
}

/* Updating an existing LPM prefix with other bits past the prefix: the kernel replaces the node, so the
 * stored key (what get_next_key and bpftool show) carries the latest key's bytes (trie_update_elem). */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct lpmb);
	__type(value, __u64);
	__uint(max_entries, 4);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} m_lpk SEC(".maps");
PROG(g_lpmkey)
{
	struct lpmb k = { 16, { 10, 1, 0, 0 } };
	__u64 v = PKTLEN(ctx);
	k.a[3] = PKTLEN(ctx);
	bpf_map_update_elem(&m_lpk, &k, &v, BPF_ANY);
	return RET(1);
}

/* ---- atomics on a map value ---- */
struct atomv { __u64 x[8]; };
ARRAY(m_atom, struct atomv, 1);
PROG(g_atomic)
{
	__u32 k = 0;
	struct atomv *av = bpf_map_lookup_elem(&m_atom, &k);
	if (!av)
		return RET(0);
	__u64 *p = av->x;
	__u64 len = PKTLEN(ctx);
	__u64 r0 = __sync_fetch_and_add(&p[0], len);
	__sync_fetch_and_or(&p[1], len << 3);
	__sync_fetch_and_and(&p[2], ~len);
	__sync_fetch_and_xor(&p[3], len * 0x9e3779b97f4a7c15ULL);
	__u64 old = __sync_lock_test_and_set(&p[4], len);
	__u64 c = __sync_val_compare_and_swap(&p[5], old, len + r0);
	p[6] = c;
	__u32 *w = (__u32 *)&p[7];
	__sync_fetch_and_add(w, (__u32)len);
	return RET(r0 & 1);
}

/* ---- callbacks: bpf_loop and bpf_for_each_map_elem ---- */
struct loopctx { CTX *c; __u64 sum; };
static long loop_cb(__u32 i, void *data)
{
	struct loopctx *l = data;
	__u8 b = 0;
	if (LOADB(l->c, i, &b, 1) < 0)
		return 1;
	l->sum = l->sum * 31 + b;
	return 0;
}
ARRAY(m_loop, __u64, 2);
PROG(g_loop)
{
	struct loopctx l = { ctx, 0 };
	long n = bpf_loop(48, loop_cb, &l, 0);
	put(&m_loop, 0, l.sum);
	put(&m_loop, 1, n);
	return RET(n & 1);
}

ARRAY(m_each, __u64, 5);
static long each_cb(void *map, __u32 *key, __u64 *val, void *data)
{
	__u64 *acc = data;
	*acc += *val * (*key + 1);
	return *key == 3;
}
PROG(g_foreach)
{
	put(&m_each, PKTLEN(ctx) % 5, PKTLEN(ctx));
	__u64 acc = 0;
	long n = bpf_for_each_map_elem(&m_each, each_cb, &acc, 0);
	return RET((acc + n) & 1);
}

/* ---- time, CPU, cgroup classid: only deterministic facts are kept ---- */
ARRAY(m_time, __u64, 4);
PROG(g_time)
{
	__u64 a = bpf_ktime_get_ns();
	__u64 b = bpf_ktime_get_ns();
	put(&m_time, 0, b >= a);
	put(&m_time, 1, a != 0);
	put(&m_time, 2, bpf_get_smp_processor_id());
	put(&m_time, 3, bpf_get_cgroup_classid((void *)ctx));
	return RET(b >= a);
}

ARRAY(m_boot, __u64, 3);
PROG(g_boot)
{
	__u64 a = bpf_ktime_get_ns();
	__u64 c = bpf_ktime_get_boot_ns();
	__u64 j = bpf_jiffies64();
	put(&m_boot, 0, c >= a);
	put(&m_boot, 1, j != 0);
	put(&m_boot, 2, bpf_jiffies64() >= j);
	return RET(c >= a);
}

/* ---- bpf_trace_printk: the return value is the length written ---- */
ARRAY(m_printk, __s64, 1);
PROG(g_printk)
{
	long n = bpf_printk("kdiff len=%u", PKTLEN(ctx));
	put(&m_printk, 0, n);
	return RET(n > 0);
}

/* ---- string helpers: strtol/strtoul on constants and packet bytes, strncmp, snprintf of the addresses ---- */
struct strout { __s64 n[6]; char text[32]; };
ARRAY(m_str, struct strout, 1);
PROG(g_str)
{
	__u32 z = 0;
	struct strout *o = bpf_map_lookup_elem(&m_str, &z);
	if (!o)
		return RET(0);
	char num[8] = "-1234 x";
	char hex[8] = "0x7fz";
	long v = 0;
	unsigned long u = 0;
	o->n[0] = bpf_strtol(num, sizeof(num), 0, &v);
	o->n[1] = v;
	o->n[2] = bpf_strtoul(hex, sizeof(hex), 16, &u);
	o->n[3] = u;
	__u8 b[4] = {};
	LOADB(ctx, L3OFF + 12, b, 4);
	o->n[4] = bpf_strtol((char *)b, 4, 10, &v);
	o->n[5] = bpf_strncmp(num, 5, "-1234");
	__u64 args[4] = { b[0], b[1], b[2], b[3] };
	long n = bpf_snprintf(o->text, sizeof(o->text), "%d.%d.%d.%d", args, sizeof(args));
	return RET(n > 0);
}

/* ---- packet reads through the load helper, in and out of range ---- */
ARRAY(m_lb, __s64, 8);
PROG(g_loadb)
{
	__u8 buf[16] = {};
	__u32 len = PKTLEN(ctx);
	__u64 h = 0;
	put(&m_lb, 0, LOADB(ctx, 0, buf, 16));
	for (int i = 0; i < 16; i++)
		h = h * 131 + buf[i];
	put(&m_lb, 1, h);
	put(&m_lb, 2, LOADB(ctx, len - 4, buf, 4));
	put(&m_lb, 3, LOADB(ctx, len - 3, buf, 4));
	put(&m_lb, 4, LOADB(ctx, 0x7ffffff0, buf, 4));
	put(&m_lb, 5, LOADB(ctx, len, buf, 1));
	put(&m_lb, 6, buf[0] | (buf[3] << 8));
	return RET(len > 60);
}

/* ---- header parsing through the load helper: counts per L4 protocol and port ---- */
struct pkey { __u8 ver; __u8 proto; __u16 port; };
MAP(m_flows, BPF_MAP_TYPE_HASH, struct pkey, __u64, 16);
PROG(g_parse)
{
	__u8 ip[40] = {};
	struct pkey k = {};
	__u16 ports[2] = {};
	int l4 = 0;
	if (L3OFF) {
		__u16 proto = 0;
		if (LOADB(ctx, 12, &proto, 2) < 0)
			return RET(0);
		if (proto != bpf_htons(ETH_P_IP) && proto != bpf_htons(ETH_P_IPV6))
			return RET(0);
	}
	if (LOADB(ctx, L3OFF, ip, 20) < 0)
		return RET(0);
	k.ver = ip[0] >> 4;
	if (k.ver == 4) {
		k.proto = ip[9];
		l4 = L3OFF + (ip[0] & 0xf) * 4;
	} else if (k.ver == 6) {
		k.proto = ip[6];
		l4 = L3OFF + 40;
	} else
		return RET(0);
	if ((k.proto == IPPROTO_TCP || k.proto == IPPROTO_UDP) && LOADB(ctx, l4 & 0x7f, ports, 4) == 0)
		k.port = bpf_ntohs(ports[1]);
	__u64 *v = bpf_map_lookup_elem(&m_flows, &k);
	if (v)
		*v += 1;
	else {
		__u64 one = 1;
		bpf_map_update_elem(&m_flows, &k, &one, BPF_ANY);
	}
	return RET(k.proto == IPPROTO_TCP);
}

#ifdef HAVE_CSUM_DIFF
/* ---- bpf_csum_diff over bytes of the packet (IP header checksum arithmetic) ---- */
ARRAY(m_csum, __s64, 4);
PROG(g_csum)
{
	__u32 a[5] = {}, b[5] = {};
	if (LOADB(ctx, L3OFF, a, 20) < 0)
		return RET(0);
	for (int i = 0; i < 5; i++)
		b[i] = a[i] ^ 0x01020304;
	put(&m_csum, 0, bpf_csum_diff(0, 0, (__be32 *)a, 20, 0));
	put(&m_csum, 1, bpf_csum_diff((__be32 *)a, 20, (__be32 *)b, 20, 0xffff));
	put(&m_csum, 2, bpf_csum_diff((__be32 *)a, 8, 0, 0, 0));
	put(&m_csum, 3, bpf_csum_diff((__be32 *)a, 6, 0, 0, 0));
	return RET(1);
}
#endif

#endif
