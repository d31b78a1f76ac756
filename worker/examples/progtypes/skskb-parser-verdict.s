# {"title": "sk_skb: a stream parser and a stream verdict", "type": "sk_skb", "dialect": "llvm", "summary": "Two programs: the stream parser tells the kernel's strparser how long the next message is (here: 8-byte records; 0 = wait for more data), then the stream verdict program decides each whole message (SK_PASS or SK_DROP). Bytes that do not make a record yet wait for the socket's next data. Step through one event: the timeline marks each program run."}
	.section sk_skb/stream_parser
parser:
	r0 = *(u32 *)(r1 + 0)          # skb->len: the bytes received so far
	if r0 < 8 goto wait
	r0 = 8                         # the next message is 8 bytes long
	exit
wait:
	r0 = 0                         # not a whole record yet: wait for more data
	exit

	.section sk_skb/stream_verdict
verdict:
	r2 = *(u32 *)(r1 + 76)         # skb->data: the message
	r3 = *(u32 *)(r1 + 80)         # skb->data_end
	r0 = 1                         # SK_PASS
	r4 = r2
	r4 += 1
	if r4 > r3 goto out            # the verifier wants this bounds check
	r5 = *(u8 *)(r2 + 0)
	if r5 != 0x48 goto out         # a record starting with 'H'…
	r0 = 0                         # … is dropped: SK_DROP
out:
	exit
