# {"title": "tc: count packets per EtherType", "type": "sched_cls", "dialect": "llvm", "summary": "A tc classifier in direct-action mode: a hash map counts packets per skb->protocol (watch the Maps panel change), and TC_ACT_OK lets every packet through."}
.map counts hash key=4 value=8 entries=64
	r6 = r1
	r2 = *(u32 *)(r6 + 16)      # __sk_buff->protocol (network byte order)
	*(u32 *)(r10 - 4) = w2      # the key lives on the stack
	r1 = counts ll
	r2 = r10
	r2 += -4
	call bpf_map_lookup_elem    # r0 = pointer to the value, or NULL
	if r0 == 0 goto new
	r1 = 1
	lock *(u64 *)(r0 + 0) += r1 # atomic increment in place
	goto out
new:
	r1 = 1
	*(u64 *)(r10 - 16) = r1
	r1 = counts ll
	r2 = r10
	r2 += -4
	r3 = r10
	r3 += -16
	r4 = 0                      # BPF_ANY
	call bpf_map_update_elem
out:
	r0 = 0                      # TC_ACT_OK
	exit
