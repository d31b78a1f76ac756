# {"title": "cgroup_sock: no raw sockets", "type": "cgroup_sock", "dialect": "llvm", "summary": "Runs when a process in the cgroup creates a socket; struct bpf_sock gives family, type and protocol. Returning 0 makes socket(2) fail with EPERM: here raw sockets (ping) are refused.", "expect": {"socket(2, 3, 1)": "drop", "socket(2, 1, 6)": "pass"}}
	r2 = *(u32 *)(r1 + 8)       # bpf_sock->type
	r0 = 1                      # allow
	if r2 != 3 goto out         # SOCK_RAW
	r0 = 0                      # deny: socket() returns -EPERM
out:
	exit
