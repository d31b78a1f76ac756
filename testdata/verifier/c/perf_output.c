// kprobe: perf_event_output of a small struct from the stack.
#include "common.h"
#include <linux/ptrace.h>
struct { __uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY); __uint(key_size, 4); __uint(value_size, 4); } out SEC(".maps");
SEC("kprobe/do_sys_openat2") int probe(struct pt_regs *ctx) {
	struct { __u64 a; __u32 b; __u32 c; } ev = { bpf_ktime_get_ns(), 1, 2 };
	bpf_perf_event_output(ctx, &out, BPF_F_CURRENT_CPU, &ev, sizeof(ev));
	return 0;
}
