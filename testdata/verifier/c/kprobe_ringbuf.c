// kprobe: send an event through a ring buffer (reserve/submit), with the comm and pid.
#include "common.h"
#include <linux/ptrace.h>
struct ev { __u32 pid; char comm[16]; __u64 ts; };
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } events SEC(".maps");
SEC("kprobe/do_sys_openat2") int probe(struct pt_regs *ctx) {
	struct ev *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->ts = bpf_ktime_get_ns();
	bpf_ringbuf_submit(e, 0);
	return 0;
}
