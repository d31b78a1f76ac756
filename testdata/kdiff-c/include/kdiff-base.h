/* Base of the per-program-type kernel-differential C corpus: UAPI and libbpf headers, the map
 * declaration macros (MAP, ARRAY), PROG(name) in the type's section, and the put/add map helpers.
 * The type file defines SECNAME, CTX, L3OFF, LOADB, PKTLEN and RET first (see kdiff.h). */
#ifndef KDIFF_BASE_H
#define KDIFF_BASE_H
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <linux/tcp.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define MAP(n, T, K, V, N) \
	struct { __uint(type, T); __type(key, K); __type(value, V); __uint(max_entries, N); } n SEC(".maps")
#define ARRAY(n, V, N) MAP(n, BPF_MAP_TYPE_ARRAY, __u32, V, N)
#define PROG(n) SEC(SECNAME) int n(CTX *ctx)

static __always_inline void put(void *map, __u32 k, __u64 v)
{
	__u64 *p = bpf_map_lookup_elem(map, &k);
	if (p)
		*p = v;
}

static __always_inline void add(void *map, __u32 k, __u64 v)
{
	__u64 *p = bpf_map_lookup_elem(map, &k);
	if (p)
		*p += v;
}


#endif
