// Input of scripts/record-llvm-goldens.ts: compiled with clang-19 -target bpf -O2 -S.
#define SEC(x) __attribute__((section(x), used))
static long (*bpf_loop)(unsigned nr, void *cb, void *ctx, unsigned long flags) = (void *) 181;
static int cb(unsigned i, void *ctx) { *(long *)ctx += i; return 0; }
SEC("xdp") int prog(void *c) { long sum = 0; bpf_loop(10, cb, &sum, 0); return sum & 3; }
char _license[] SEC("license") = "GPL";
