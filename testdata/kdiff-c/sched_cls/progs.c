/* sched_cls (tc, direct-action) programs of the per-type kernel-differential corpus. */
#define SECNAME "tc"
#define CTX struct __sk_buff
#define L3OFF 14
#define LOADB(c, o, p, n) bpf_skb_load_bytes((c), (o), (p), (n))
#define PKTLEN(c) ((c)->len)
#define RET(x) (x)
#define HAVE_CSUM_DIFF
#define HAVE_TC_WRITES
#define HAVE_TSTAMP_WRITE
#define HAVE_SK
#define HAVE_SOCK_HELPERS
#define HAVE_SOCKET_UID
#define HAVE_LOAD_REL
#define HAVE_LD_ABS
#include "../include/kdiff-tc.h"
char _license[] SEC("license") = "GPL";
