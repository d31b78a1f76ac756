// tracepoint: count sched_process_exec events in a per-CPU array, print the pid with trace_printk.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} execs SEC(".maps");

/* the fixed part of /sys/kernel/tracing/events/sched/sched_process_exec/format */
struct exec_args {
	unsigned long long common;
	int filename_loc;
	int pid;
	int old_pid;
};

SEC("tracepoint/sched/sched_process_exec")
int on_exec(struct exec_args *ctx)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&execs, &zero);

	if (n)
		*n += 1;
	bpf_printk("exec pid %d", ctx->pid);
	return 0;
}

char _license[] SEC("license") = "GPL";
