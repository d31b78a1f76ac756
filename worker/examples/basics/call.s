# {"title": "A bpf-to-bpf call", "type": "socket_filter", "dialect": "llvm", "summary": "call pc-relative subprograms: r1-r5 are arguments, r0 the result, r6-r9 are preserved, and each frame gets its own stack."}
	r6 = 20
	r1 = 3
	r2 = 4
	call square_sum             # r0 = 3*3 + 4*4
	r0 += r6                    # r6 survived the call
	exit
square_sum:
	r1 *= r1
	r2 *= r2
	r0 = r1
	r0 += r2
	exit
