/* Global data programs of the per-type C corpus, in an object of their own (<type>/globals.c): libbpf
 * makes one array map per .data/.bss/.rodata section of the object, shared by all its programs, so the
 * program that uses them is alone in its object. Include after the type's defines. */
#include "kdiff-base.h"

__u64 g_counter = 5;
__u64 g_zero;
__u32 g_hist[4];
const volatile __u32 g_k = 7;
static const __u8 g_tbl[8] = { 3, 1, 4, 1, 5, 9, 2, 6 };

PROG(d_globals)
{
	__u32 len = PKTLEN(ctx);
	g_counter += len;
	g_zero ^= g_counter;
	__sync_fetch_and_add(&g_zero, 1);
	g_hist[len & 3]++;
	return RET((g_counter + g_k + g_tbl[len & 7]) & 0xff);
}

char _license[] SEC("license") = "GPL";
