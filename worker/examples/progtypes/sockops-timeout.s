# {"title": "sock_ops: tune a TCP connection", "type": "sock_ops", "dialect": "llvm", "summary": "sock_ops programs are called at points of a TCP connection's life (connect, established, RTO, state changes). The op is in the context; writing reply answers questions such as BPF_SOCK_OPS_TIMEOUT_INIT (the SYN timeout) and BPF_SOCK_OPS_RWND_INIT."}
	r2 = *(u32 *)(r1 + 0)       # bpf_sock_ops->op
	if r2 == 1 goto timeout     # BPF_SOCK_OPS_TIMEOUT_INIT
	if r2 == 2 goto rwnd        # BPF_SOCK_OPS_RWND_INIT
	r0 = 1
	exit
timeout:
	r3 = 10
	*(u32 *)(r1 + 4) = w3       # reply: a 10-jiffy SYN timeout
	r0 = 1
	exit
rwnd:
	r3 = 40
	*(u32 *)(r1 + 4) = w3       # reply: an initial receive window of 40 packets
	r0 = 1
	exit
