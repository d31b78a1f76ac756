// Input of scripts/record-llvm-goldens.ts: compiled with clang-19 -target bpf -O2 -S.
struct xdp_md { unsigned data, data_end, data_meta, ingress_ifindex, rx_queue_index, egress_ifindex; };
struct bpf_map_def { unsigned type, key_size, value_size, max_entries; };
#define SEC(x) __attribute__((section(x), used))
static long (*bpf_map_lookup_elem)(void *map, const void *key) = (void *) 1;
struct bpf_map_def SEC("maps") counts = { 1, 4, 8, 16 };
static __attribute__((noinline)) int helper(int a) { return a * 3 + 1; }
SEC("xdp") int prog(struct xdp_md *ctx) {
  int k = ctx->ingress_ifindex;
  long *v = (long *)bpf_map_lookup_elem(&counts, &k);
  if (v) __sync_fetch_and_add(v, 1);
  if (k > 100) return helper(k);
  return 2;
}
char _license[] SEC("license") = "GPL";
