# {"title": "bpf_trace_printk", "type": "socket_filter", "dialect": "llvm", "summary": "Printing from a program: the format string lives on the stack, r1/r2 pass it and its size, r3-r5 the values. GPL-only, so the program declares its license. Lines appear in the Output panel (the kernel writes them to the trace pipe)."}
.license "GPL"
	r6 = r1
	r3 = *(u32 *)(r6 + 0)       # skb->len: the first value to print
	r4 = *(u32 *)(r6 + 16)      # skb->protocol (network byte order)
	r1 = 0x000a7825206425 ll    # "%d %x\n" as little-endian bytes
	*(u64 *)(r10 - 8) = r1
	r1 = r10
	r1 += -8                    # the format string
	r2 = 7                      # its size, including the NUL
	call bpf_trace_printk
	r0 = -1                     # keep the whole packet
	exit
