// socket filter: static sub-programs (bpf-to-bpf calls) passing stack pointers and scalars.
#include "common.h"
static __attribute__((noinline)) int add3(int *p, int x) { *p += x; return *p * 3; }
static __attribute__((noinline)) int twice(int x) { int y = x; return add3(&y, x) + 1; }
SEC("socket") int calls(struct __sk_buff *skb) {
	int v = skb->len;
	return twice(v & 0xff) & 0xffff;
}
