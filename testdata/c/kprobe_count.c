// kprobe: count calls per process id in a hash map, reading the first argument register.
#define __TARGET_ARCH_x86
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1024);
} calls SEC(".maps");

SEC("kprobe/do_sys_openat2")
int count_openat(struct pt_regs *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	__u64 init = 1, *v;

	if (PT_REGS_PARM1(ctx) == (unsigned long)-100) /* AT_FDCWD */
		return 0;
	v = bpf_map_lookup_elem(&calls, &pid);
	if (v)
		(*v)++;
	else
		bpf_map_update_elem(&calls, &pid, &init, BPF_ANY);
	return 0;
}

char _license[] SEC("license") = "GPL";
