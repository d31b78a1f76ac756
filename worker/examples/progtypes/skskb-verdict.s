# {"title": "sk_skb: a stream verdict", "type": "sk_skb", "dialect": "llvm", "summary": "An sk_skb stream-verdict program sees each message of a TCP stream on a socket in a sockmap; data/data_end cover the message. It returns SK_PASS or SK_DROP: here messages that start with 'G' (HTTP GET) are dropped.", "expect": {"37 bytes": "drop", "6 bytes": "pass"}}
	r2 = *(u32 *)(r1 + 76)      # __sk_buff->data: the message
	r3 = *(u32 *)(r1 + 80)      # __sk_buff->data_end
	r4 = r2
	r4 += 1
	r0 = 1                      # SK_PASS
	if r4 > r3 goto out
	r5 = *(u8 *)(r2 + 0)
	if r5 != 0x47 goto out      # 'G'
	r0 = 0                      # SK_DROP
out:
	exit
