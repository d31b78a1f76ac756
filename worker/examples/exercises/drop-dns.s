# {"title": "Exercise: drop DNS to port 53", "type": "socket_filter", "dialect": "llvm", "task": "Drop every UDP packet to port 53; keep all other packets whole (return -1 keeps everything).", "summary": "Edit an eBPF socket filter until the pass/fail checks turn green.", "expect": {"UDP 53000 > 53": "drop", "UDP 53 > 53000": "keep", "TCP 40000 > 80": "keep", "ICMP echo request": "keep", "ARP who-has": "keep"}}
# Starter code: keeps every packet. Read the EtherType, the IPv4 protocol
# and the UDP destination port with LD_ABS (r6 must hold the context).
	r6 = r1
	r0 = *(u16 *)skb[12]        # EtherType
	if r0 != 0x800 goto keep
	# your code here: check the protocol (byte 23) and the destination port
keep:
	r0 = -1                     # keep the whole packet
	exit
