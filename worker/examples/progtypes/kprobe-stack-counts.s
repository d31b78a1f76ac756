# {"title": "kprobe: count calls per kernel stack", "type": "kprobe", "dialect": "llvm", "summary": "bpf_get_stackid walks the kernel stack at the probe and stores it in a stack_trace map, returning an id: the same call path always gets the same id. A hash map counts hits per id, the way profilers such as bcc's stackcount do. bpfplay's kernel stacks are simulated: they start at the probed function and are derived from it, so each function has one stack."}
.map stacks stack_trace key=4 value=64 entries=128
.map counts hash key=4 value=8 entries=128
	r1 = r1                     # the pt_regs the stack walk starts from
	r2 = stacks ll
	r3 = 0                      # flags: kernel stack, skip no frames
	call bpf_get_stackid        # r0 = stack id, or a negative error (-EEXIST on a bucket collision)
	if r0 s< 0 goto out
	*(u32 *)(r10 - 4) = w0      # key: the stack id
	r1 = counts ll
	r2 = r10
	r2 += -4
	call bpf_map_lookup_elem
	if r0 == 0 goto first
	r1 = 1
	lock *(u64 *)(r0 + 0) += r1 # one more hit on this stack
	goto out
first:
	r1 = 1
	*(u64 *)(r10 - 16) = r1
	r1 = counts ll
	r2 = r10
	r2 += -4
	r3 = r10
	r3 += -16
	r4 = 1                      # BPF_NOEXIST
	call bpf_map_update_elem
out:
	r0 = 0
	exit
