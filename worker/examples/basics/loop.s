# {"title": "A bounded loop", "type": "socket_filter", "dialect": "llvm", "summary": "Since Linux 5.3 the verifier accepts loops it can prove terminate. This one sums 1..10."}
	r0 = 0
	r1 = 1
loop:
	r0 += r1
	r1 += 1
	if r1 <= 10 goto loop       # a back-edge: the verifier explores every iteration
	exit
