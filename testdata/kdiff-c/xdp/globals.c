/* xdp: the global-data program of the per-type corpus (see include/kdiff-globals.h). */
#define SECNAME "xdp"
#define CTX struct xdp_md
#define L3OFF 14
#define LOADB(c, o, p, n) bpf_xdp_load_bytes((c), (o), (p), (n))
#define PKTLEN(c) ((__u32)bpf_xdp_get_buff_len(c))
#define RET(x) (x)
#include "../include/kdiff-globals.h"
