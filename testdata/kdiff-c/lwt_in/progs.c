/* lwt_in programs of the per-type kernel-differential corpus (test_run data starts at the IP header). */
#define SECNAME "lwt_in"
#define CTX struct __sk_buff
#define L3OFF 0
#define LOADB(c, o, p, n) bpf_skb_load_bytes((c), (o), (p), (n))
#define PKTLEN(c) ((c)->len)
#define RET(x) (x)
#define HAVE_CSUM_DIFF
#define HAVE_LWT_ENCAP
#include "../include/kdiff-lwt.h"
char _license[] SEC("license") = "GPL";
