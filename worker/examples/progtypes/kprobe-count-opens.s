# {"title": "kprobe: count calls", "type": "kprobe", "dialect": "llvm", "summary": "A kprobe runs at the entry of a kernel function with the CPU registers (struct pt_regs) as its context: the arguments are in rdi, rsi, rdx… This one counts hits in an array map and remembers the last first argument."}
.map stats array key=4 value=8 entries=2
	r6 = r1                     # struct pt_regs *
	r7 = *(u64 *)(r6 + 112)     # pt_regs->di: the first argument
	*(u32 *)(r10 - 4) = 0       # key 0: the hit counter
	r1 = stats ll
	r2 = r10
	r2 += -4
	call bpf_map_lookup_elem
	if r0 == 0 goto out         # the verifier insists on the NULL check
	r1 = 1
	lock *(u64 *)(r0 + 0) += r1
	*(u32 *)(r10 - 4) = 1       # key 1: the last first argument
	r1 = stats ll
	r2 = r10
	r2 += -4
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	*(u64 *)(r0 + 0) = r7
out:
	r0 = 0                      # kprobe return values are ignored
	exit
