# {"title": "Using a map value without the NULL check", "type": "socket_filter", "dialect": "llvm", "summary": "bpf_map_lookup_elem on a hash map returns a pointer or NULL (since Linux 6.13 an array lookup with a constant in-range key is known non-NULL). Dereferencing it before testing r0 is rejected (invalid mem access 'map_value_or_null'). Fix: `if r0 == 0 goto out` right after the call."}
.map counters hash key=4 value=8 entries=16
	*(u32 *)(r10 - 4) = 0
	r1 = counters ll
	r2 = r10
	r2 += -4
	call bpf_map_lookup_elem
	r1 = *(u64 *)(r0 + 0)       # rejected: r0 may be NULL here
	r0 = 0
	exit
