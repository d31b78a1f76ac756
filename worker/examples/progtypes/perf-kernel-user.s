# {"title": "perf_event: kernel or user samples", "type": "perf_event", "dialect": "llvm", "summary": "A perf_event program runs on every sample of a perf event (here a CPU-clock timer) with struct bpf_perf_event_data: the interrupted registers and the sample period. It counts samples that hit kernel text (ip in the upper half) and user code."}
.map samples array key=4 value=8 entries=2
	r2 = *(u64 *)(r1 + 128)     # regs.ip: where the CPU was
	r3 = 0xffff800000000000 ll
	r4 = 0                      # key 0: user
	if r2 < r3 goto count
	r4 = 1                      # key 1: kernel
count:
	*(u32 *)(r10 - 4) = w4
	r1 = samples ll
	r2 = r10
	r2 += -4
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r1 = 1
	lock *(u64 *)(r0 + 0) += r1
out:
	r0 = 0
	exit
