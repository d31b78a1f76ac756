// kprobe: a reserved ring buffer record is not submitted on one path: rejected (reference leak).
#include "common.h"
#include <linux/ptrace.h>
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } events SEC(".maps");
SEC("kprobe/do_sys_openat2") int probe(struct pt_regs *ctx) {
	__u64 *e = bpf_ringbuf_reserve(&events, 8, 0);
	if (!e) return 0;
	*e = bpf_get_current_pid_tgid();
	if (*e & 1) return 1;
	bpf_ringbuf_submit(e, 0);
	return 0;
}
