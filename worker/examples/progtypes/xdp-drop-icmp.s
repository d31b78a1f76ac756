# {"title": "XDP: drop ICMP", "type": "xdp", "dialect": "llvm", "summary": "XDP runs in the driver before an skb exists. Direct packet access through data/data_end, with the bounds check the verifier demands; returns XDP_DROP for ICMP and XDP_PASS for the rest.", "expect": {"ICMP echo request": "drop", "TCP 40000 > 80": "pass", "ARP who-has": "pass"}}
	r2 = *(u32 *)(r1 + 0)       # xdp_md->data: becomes a packet pointer
	r3 = *(u32 *)(r1 + 4)       # xdp_md->data_end
	r4 = r2
	r4 += 34                    # Ethernet (14) + minimal IPv4 header (20)
	if r4 > r3 goto pass        # without this bounds check the verifier rejects the loads below
	r5 = *(u16 *)(r2 + 12)      # EtherType, read little-endian: 0x0800 appears as 0x0008
	if r5 != 0x8 goto pass
	r5 = *(u8 *)(r2 + 23)       # IPv4 protocol
	if r5 == 1 goto drop        # IPPROTO_ICMP
pass:
	r0 = 2                      # XDP_PASS
	exit
drop:
	r0 = 1                      # XDP_DROP
	exit
