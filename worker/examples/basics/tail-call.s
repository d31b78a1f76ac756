# {"title": "Tail calls between programs", "type": "socket_filter", "dialect": "llvm", "summary": "Three programs, one per section. Packets enter the first; bpf_tail_call(ctx, &jmp_table, N) jumps to the program in slot N of the prog_array and never returns (a section named socket/N is loaded into slot N). Step into a tail call: the editor, the disassembly and the Registers panel follow into the next program."}
	.map jmp_table prog_array key=4 value=4 entries=8
	.map tcp_packets array key=4 value=8 entries=1

	.section socket
dispatch:
	r6 = r1                     # LD_ABS reads the packet through the context in r6
	r0 = *(u16 *)skb[12]        # EtherType
	if r0 != 0x800 goto drop
	r1 = r6                     # the context goes on to the next program
	r2 = jmp_table ll
	r3 = 1
	call bpf_tail_call          # IPv4: continue in slot 1; on success this never returns
drop:
	r0 = 0                      # not IPv4 (or slot 1 empty): drop
	exit

	.section socket/1
ipv4:
	r6 = r1
	r0 = *(u8 *)skb[23]         # IPv4 protocol
	if r0 != 6 goto keep_all
	r1 = r6
	r2 = jmp_table ll
	r3 = 2
	call bpf_tail_call          # TCP: continue in slot 2 (tail call 2 of at most 33)
keep_all:
	r0 = -1                     # other IPv4: keep the whole packet
	exit

	.section socket/2
tcp:
	r1 = 0
	*(u32 *)(r10 - 4) = r1
	r2 = r10
	r2 += -4
	r1 = tcp_packets ll
	call bpf_map_lookup_elem
	if r0 == 0 goto headers
	r1 = 1
	lock *(u64 *)(r0 + 0) += r1 # count TCP packets
headers:
	r0 = 54                     # keep Ethernet + IPv4 + TCP headers
	exit
