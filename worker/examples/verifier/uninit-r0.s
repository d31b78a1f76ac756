# {"title": "Returning an unset r0", "type": "socket_filter", "dialect": "llvm", "summary": "The verifier rejects a program that can reach exit with r0 never written: R0 !read_ok. Fix: set r0 on every path."}
	r2 = *(u32 *)(r1 + 0)       # skb->len
	if r2 > 100 goto big
	r0 = 1
big:
	exit                        # on the 'big' path r0 was never written
