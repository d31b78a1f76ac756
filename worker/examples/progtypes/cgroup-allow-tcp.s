# {"title": "cgroup_skb: allow only TCP", "type": "cgroup_skb", "dialect": "llvm", "summary": "A cgroup ingress filter sees the packet from the IP header. It must return 1 (allow) or 0 (deny): here TCP over IPv4 is allowed and everything else denied.", "expect": {"TCP 40000 > 80": "pass", "UDP 53000 > 53": "drop", "ICMP echo request": "drop"}}
	r2 = *(u32 *)(r1 + 76)      # __sk_buff->data: the IP header
	r3 = *(u32 *)(r1 + 80)      # __sk_buff->data_end
	r4 = r2
	r4 += 20
	r0 = 0                      # deny by default
	if r4 > r3 goto out
	r5 = *(u8 *)(r2 + 0)
	r5 >>= 4
	if r5 != 4 goto out         # IPv4 only
	r5 = *(u8 *)(r2 + 9)        # protocol
	if r5 != 6 goto out
	r0 = 1                      # allow
out:
	exit
