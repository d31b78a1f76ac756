// A kprobe reading a task_struct field with CO-RE (preserve_access_index): the object carries .BTF.ext
// field relocations, which bpfplay reads but does not apply (readElf warns).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct {
	int pid;
	int tgid;
} __attribute__((preserve_access_index));

SEC("kprobe/wake_up_new_task")
int new_task(struct task_struct *task)
{
	return BPF_CORE_READ(task, tgid) == 1;
}

char _license[] SEC("license") = "GPL";
