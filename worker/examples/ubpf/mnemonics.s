# {"title": "The ubpf mnemonic dialect", "type": "socket_filter", "dialect": "ubpf", "summary": "The same machine code in the mnemonic syntax of ubpf and bpf_conformance: mov, add, ldxw, jeq, exit."}
mov %r0, 0
mov %r2, 5
loop:
add %r0, %r2
sub %r2, 1
jne %r2, 0, loop
exit
