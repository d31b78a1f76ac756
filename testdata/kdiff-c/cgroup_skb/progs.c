/* cgroup_skb (ingress) programs of the per-type kernel-differential corpus: return 1 (allow) or 0 (deny). */
#define SECNAME "cgroup_skb/ingress"
#define CTX struct __sk_buff
#define L3OFF 0
#define LOADB(c, o, p, n) bpf_skb_load_bytes((c), (o), (p), (n))
#define PKTLEN(c) ((c)->len)
#define RET(x) ((x) & 1)
#define HAVE_TSTAMP_WRITE
#define HAVE_SK
#define HAVE_SOCK_HELPERS
#define HAVE_SOCKET_UID
#define HAVE_LOAD_REL
#include "../include/kdiff-skb.h"

FIELD(family)
FIELD(remote_ip4)
FIELD(local_ip4)
FIELD(remote_port)
FIELD(local_port)
FIELD(tstamp)
FIELD(hwtstamp)
FIELDI(remote_ip6, 0)
FIELDI(remote_ip6, 3)
FIELDI(local_ip6, 1)
FIELDI(local_ip6, 2)

/* Direct reads: deny IPv4 packets to 198.51.100.0/24, count the rest by protocol. */
ARRAY(m_cg, __u64, 4);
PROG(c_deny)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct iphdr *ip = data;
	if ((void *)(ip + 1) > end)
		return 1;
	if (ip->version != 4)
		return 1;
	add(&m_cg, ip->protocol & 3, 1);
	return (ip->daddr & bpf_htonl(0xffffff00)) != bpf_htonl(0xc6336400);
}

char _license[] SEC("license") = "GPL";
