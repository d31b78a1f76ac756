# {"title": "sock_ops: answers that change the connection", "type": "sock_ops", "dialect": "llvm", "summary": "The kernel uses a sock_ops program's answers: reply sets the SYN timeout (TIMEOUT_INIT), the receive window (RWND_INIT) and ECN (NEEDS_ECN); bpf_sock_ops_cb_flags_set turns on the RTO, retransmit, state and RTT callbacks; bpf_setsockopt(TCP_BPF_IW) sets the first congestion window. The Output panel's connection timeline shows each effect on the simulated connection: change a number and watch it move."}
	r6 = r1
	r2 = *(u32 *)(r6 + 0)          # bpf_sock_ops->op
	if r2 == 3 goto connect        # BPF_SOCK_OPS_TCP_CONNECT_CB
	if r2 == 1 goto timeout        # BPF_SOCK_OPS_TIMEOUT_INIT
	if r2 == 2 goto rwnd           # BPF_SOCK_OPS_RWND_INIT
	if r2 == 6 goto ecn            # BPF_SOCK_OPS_NEEDS_ECN
	if r2 == 4 goto established    # BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB
	goto ok
connect:
	r1 = r6
	r2 = 15                        # RTO | RETRANS | STATE | RTT callbacks from now on
	call bpf_sock_ops_cb_flags_set
	goto ok
timeout:
	r3 = 50                        # the SYN is retransmitted after 50 jiffies
	goto reply
rwnd:
	r3 = 20                        # advertise 20 segments
	goto reply
ecn:
	r3 = 1                         # ask for ECN
reply:
	*(u32 *)(r6 + 4) = w3          # bpf_sock_ops->reply
	goto ok
established:
	r3 = 20
	*(u32 *)(r10 - 4) = w3
	r1 = r6
	r2 = 6                         # SOL_TCP
	r3 = 1001                      # TCP_BPF_IW: a first congestion window of 20 segments
	r4 = r10
	r4 += -4
	r5 = 4
	call bpf_setsockopt
ok:
	r0 = 1                         # 1: the kernel uses the reply
	exit
