# {"title": "Writing below the 512-byte stack", "type": "socket_filter", "dialect": "llvm", "summary": "The stack is 512 bytes below r10; r10 itself is read-only. An access at r10 - 520 is out of bounds and rejected. Fix: keep offsets within -512..-1."}
	r1 = 1
	*(u64 *)(r10 - 520) = r1    # rejected: invalid write to stack
	r0 = 0
	exit
