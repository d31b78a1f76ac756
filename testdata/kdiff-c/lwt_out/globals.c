/* lwt_out: the global-data program of the per-type corpus (see include/kdiff-globals.h). */
#define SECNAME "lwt_out"
#define CTX struct __sk_buff
#define L3OFF 0
#define LOADB(c, o, p, n) bpf_skb_load_bytes((c), (o), (p), (n))
#define PKTLEN(c) ((c)->len)
#define RET(x) (x)
#include "../include/kdiff-globals.h"
