# {"title": "LWT: drop UDP on a route", "type": "lwt_out", "dialect": "llvm", "summary": "Lightweight-tunnel programs run on packets routed through an `ip route … encap bpf` route, from the IP header. lwt_out returns BPF_OK to continue or BPF_DROP: here UDP over IPv4 is dropped.", "expect": {"UDP 53000 > 53": "drop", "TCP 40000 > 80": "pass"}}
	r2 = *(u32 *)(r1 + 76)      # __sk_buff->data: the IP header
	r3 = *(u32 *)(r1 + 80)      # __sk_buff->data_end
	r4 = r2
	r4 += 20
	r0 = 0                      # BPF_OK
	if r4 > r3 goto out
	r5 = *(u8 *)(r2 + 9)        # IPv4 protocol
	if r5 != 17 goto out
	r0 = 2                      # BPF_DROP
out:
	exit
