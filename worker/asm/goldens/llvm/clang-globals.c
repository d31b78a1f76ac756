// Input of scripts/record-llvm-goldens.ts: compiled with clang-19 -target bpf -O2 -S.
struct __sk_buff { unsigned len; };
#define SEC(x) __attribute__((section(x), used))
static long (*bpf_trace_printk)(const char *fmt, unsigned fmt_size, ...) = (void *) 6;
int counter = 5;
volatile const int limit = 100;
long scratch[4];
struct pair { int a; int b; } pr = { 1, 2 };
SEC("socket") int prog(struct __sk_buff *skb) {
  static const char fmt[] = "len %d\n";
  bpf_trace_printk(fmt, sizeof(fmt), skb->len);
  bpf_trace_printk("hi %d\n", 7, pr.b);
  counter += skb->len;
  scratch[skb->len & 3] = 1;
  if (skb->len > limit) return 0;
  return -1;
}
char _license[] SEC("license") = "GPL";
