/* socket_filter programs of the per-type kernel-differential corpus (test_run data starts at the IP header). */
#define SECNAME "socket"
#define CTX struct __sk_buff
#define L3OFF 0
#define LOADB(c, o, p, n) bpf_skb_load_bytes((c), (o), (p), (n))
#define PKTLEN(c) ((c)->len)
#define RET(x) (x)
#define NO_MARK_WRITE
#define HAVE_SK
#define HAVE_SOCKET_UID
#define HAVE_LOAD_REL
#define HAVE_LD_ABS
#include "../include/kdiff-skb.h"

/* The classic socket-filter verdict: the number of bytes to keep (here the IP + L4 header length), 0 to
 * drop. test_run reports that number as the return value and does not trim the packet. */
PROG(sf_keep)
{
	__u8 vihl = 0, proto = 0;
	if (bpf_skb_load_bytes(ctx, 0, &vihl, 1) < 0 || bpf_skb_load_bytes(ctx, 9, &proto, 1) < 0)
		return 0;
	if (vihl >> 4 != 4)
		return 0;
	__u32 hl = (vihl & 0xf) * 4;
	return proto == IPPROTO_TCP ? hl + 20 : proto == IPPROTO_UDP ? hl + 8 : 0;
}

char _license[] SEC("license") = "GPL";
