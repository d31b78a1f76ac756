# {"title": "Registers and ALU", "type": "socket_filter", "dialect": "llvm", "summary": "Eleven 64-bit registers: r1 holds the context, r10 the frame pointer, r0 the return value. 32-bit (w) operations zero the upper half."}
# Step through and watch the Registers panel: changed values are highlighted.
	r0 = 0
	r2 = 10
	r3 = r2
	r3 *= 7                     # 64-bit multiply: r3 = 70
	r4 = -1                     # all ones
	w4 += 1                     # 32-bit add wraps to 0 and clears the upper half
	r5 = 0x7fffffff
	r5 += 1                     # 64-bit: no wrap at 32 bits
	w6 = w5                     # 32-bit move truncates
	r6 s>>= 4                   # arithmetic shift keeps the sign
	r0 = r3
	exit
