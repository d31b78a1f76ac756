/* sched_cls: the LRU per-CPU hash program of the per-type corpus (see include/kdiff-lrupc.h). */
#define SECNAME "tc"
#define CTX struct __sk_buff
#define L3OFF 14
#define LOADB(c, o, p, n) bpf_skb_load_bytes((c), (o), (p), (n))
#define PKTLEN(c) ((c)->len)
#define RET(x) (x)
#include "../include/kdiff-lrupc.h"
