# {"title": "Reading the packet without a bounds check", "type": "xdp", "dialect": "llvm", "summary": "Direct packet access needs proof that the bytes exist: compare data + N with data_end first. Without it the verifier rejects the load (the packet range it has proven is 0 bytes). Fix: add `if r4 > r3 goto out` as in the XDP example."}
	r2 = *(u32 *)(r1 + 0)       # data
	r3 = *(u32 *)(r1 + 4)       # data_end (loaded, but never compared)
	r0 = *(u8 *)(r2 + 23)       # rejected: the verifier does not know 24 bytes exist
	r0 = 2                      # XDP_PASS
	exit
