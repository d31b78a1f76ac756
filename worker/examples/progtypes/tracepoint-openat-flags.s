# {"title": "tracepoint: openat with O_CREAT", "type": "tracepoint", "dialect": "llvm", "summary": "A tracepoint program gets the event record laid out as /sys/kernel/tracing/events/syscalls/sys_enter_openat/format says: 8 bytes of common fields, then __syscall_nr, dfd, filename, flags, mode. This one counts openat calls that pass O_CREAT."}
.map creates array key=4 value=8 entries=1
	r2 = *(u64 *)(r1 + 32)      # flags (format: offset 32, size 8)
	r2 &= 0x40                  # O_CREAT
	if r2 == 0 goto out
	*(u32 *)(r10 - 4) = 0
	r1 = creates ll
	r2 = r10
	r2 += -4
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r1 = 1
	lock *(u64 *)(r0 + 0) += r1
out:
	r0 = 0
	exit
