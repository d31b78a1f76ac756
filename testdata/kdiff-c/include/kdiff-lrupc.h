/* The LRU per-CPU hash program of the per-type C corpus, in an object of its own (<type>/lru_percpu.c):
 * bpfplay creates every map of an object for each program, so a map type it did not simulate (as was the
 * case for this one) would stop every program of the object; kept apart for that reason. Include after
 * the type's defines. */
#include "kdiff-base.h"

MAP(m_lpc, BPF_MAP_TYPE_LRU_PERCPU_HASH, __u32, __u64, 8);
PROG(g_lrupc)
{
	__u32 k = PKTLEN(ctx) & 3;
	__u64 *v = bpf_map_lookup_elem(&m_lpc, &k);
	if (v) {
		*v += 1;
		return RET(1);
	}
	__u64 one = 1;
	bpf_map_update_elem(&m_lpc, &k, &one, BPF_NOEXIST);
	return RET(0);
}

char _license[] SEC("license") = "GPL";
