# {"title": "Keep only the headers", "type": "socket_filter", "dialect": "llvm", "packets": "sample", "summary": "A socket filter that keeps the Ethernet + IPv4 + TCP/UDP headers of each packet and drops everything else.", "expect": {"tcp": "keep", "udp": "keep", "icmp": "drop", "arp": "drop", "ip6": "drop"}}
# A socket filter returns how many bytes of the packet to keep: 0 drops it.
# On an AF_PACKET socket the filter sees the Ethernet header first.
# LD_ABS/LD_IND read big-endian packet data through the skb in r6;
# an out-of-bounds read ends the program with return value 0 (drop).
	r6 = r1                     # LD_ABS and LD_IND need the context in r6
	r0 = *(u16 *)skb[12]        # EtherType
	if r0 != 0x800 goto drop    # IPv4 only
	r0 = *(u8 *)skb[23]         # IPv4 protocol field
	if r0 == 6 goto tcp
	if r0 == 17 goto udp
	goto drop
tcp:
	r0 = *(u8 *)skb[14]         # version and IHL
	r0 &= 0xf
	r0 <<= 2                    # IPv4 header length in bytes
	r7 = r0
	r7 += 26                    # 14 (Ethernet) + IHL + 12: the TCP data-offset byte
	r0 = *(u8 *)skb[r7]
	r0 >>= 4
	r0 <<= 2                    # TCP header length in bytes
	r0 += r7
	r0 -= 12                    # 14 + IHL + TCP header length
	exit
udp:
	r0 = *(u8 *)skb[14]
	r0 &= 0xf
	r0 <<= 2
	r0 += 22                    # 14 (Ethernet) + IHL + 8 (UDP header)
	exit
drop:
	r0 = 0
	exit
