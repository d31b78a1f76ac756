// Input of scripts/record-llvm-goldens.ts: compiled with clang-19 -target bpf -O2 -g -S.
#define SEC(x) __attribute__((section(x), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name
#define __array(name, val) typeof(val) *name[]
struct xdp_md { unsigned data, data_end, data_meta, ingress_ifindex, rx_queue_index, egress_ifindex; };
struct val { long packets; long bytes; };
static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *) 1;
struct {
  __uint(type, 5); /* BPF_MAP_TYPE_PERCPU_HASH */
  __uint(max_entries, 1024);
  __type(key, unsigned);
  __type(value, struct val);
} stats SEC(".maps");
struct inner { __uint(type, 2); __uint(max_entries, 4); __type(key, int); __type(value, long); };
struct {
  __uint(type, 12); /* BPF_MAP_TYPE_ARRAY_OF_MAPS */
  __uint(max_entries, 2);
  __type(key, int);
  __array(values, struct inner);
} outer SEC(".maps");
struct { __uint(type, 27); __uint(max_entries, 4096); } events SEC(".maps");
SEC("xdp") int prog(struct xdp_md *ctx) {
  unsigned k = ctx->ingress_ifindex;
  struct val *v = bpf_map_lookup_elem(&stats, &k);
  if (!v) return 2;
  v->packets++;
  int i = 0;
  void *in = bpf_map_lookup_elem(&outer, &i);
  if (!in) return 1;
  return bpf_map_lookup_elem(&events, &i) ? 3 : 2;
}
char _license[] SEC("license") = "GPL";
