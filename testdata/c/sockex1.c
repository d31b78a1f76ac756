// Socket filter in the spirit of the kernel's samples/bpf sockex1: keep only the link, network and
// transport headers of Ethernet + IPv4 + TCP/UDP packets (the return value is how many bytes of the
// packet to keep) and drop everything else (return 0). A per-protocol array map counts bytes seen.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>

/* The legacy packet loads (BPF_LD | BPF_ABS / BPF_IND), as samples/bpf declares them. */
unsigned long long load_byte(void *skb, unsigned long long off) asm("llvm.bpf.load.byte");
unsigned long long load_half(void *skb, unsigned long long off) asm("llvm.bpf.load.half");

#ifndef offsetof
#define offsetof(T, m) __builtin_offsetof(T, m)
#endif

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 256);
} proto_bytes SEC(".maps");

SEC("socket")
int keep_headers(struct __sk_buff *skb)
{
	__u32 proto, ihl, thl;
	__u64 *bytes;

	if (load_half(skb, offsetof(struct ethhdr, h_proto)) != ETH_P_IP)
		return 0;
	proto = load_byte(skb, ETH_HLEN + offsetof(struct iphdr, protocol));
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return 0;
	/* fragments other than the first carry no transport header */
	if (load_half(skb, ETH_HLEN + offsetof(struct iphdr, frag_off)) & 0x1fff)
		return 0;
	ihl = (load_byte(skb, ETH_HLEN) & 0x0f) * 4;
	if (ihl < sizeof(struct iphdr))
		return 0;
	if (proto == IPPROTO_TCP)
		thl = (load_byte(skb, ETH_HLEN + ihl + 12) >> 4) * 4;
	else
		thl = 8;

	bytes = bpf_map_lookup_elem(&proto_bytes, &proto);
	if (bytes)
		__sync_fetch_and_add(bytes, skb->len);
	return ETH_HLEN + ihl + thl;
}

char _license[] SEC("license") = "GPL";
