# {"title": "Dividing by a constant zero", "type": "socket_filter", "dialect": "llvm", "summary": "Division by a zero immediate is rejected (div by zero); division by a register that is zero at run time gives 0."}
	r0 = 10
	r1 = 0
	r0 /= r1                    # allowed: r0 becomes 0 at run time
	r0 += 5
	r0 /= 0                     # rejected: div by zero
	exit
