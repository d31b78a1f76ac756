# {"title": "XDP: packet events through a ring buffer", "type": "xdp", "dialect": "llvm", "summary": "bpf_ringbuf_reserve hands out a record inside a BPF ring buffer (or NULL when the ring is full); the program fills it in place and bpf_ringbuf_submit publishes it to the reader. Each packet logs a timestamp and its EtherType; the records appear in the Output panel, and the Maps panel lists the ring's unconsumed records. The wakeup flag is chosen from bpf_ringbuf_query: wake the reader only once 2 KiB are waiting.", "expect": {"ICMP echo request": "pass", "ARP who-has": "pass"}}
.map events ringbuf entries=4096
	r6 = r1                     # struct xdp_md *
	r1 = events ll
	r2 = 16                     # the record's size: a constant the verifier can check
	r3 = 0                      # flags must be 0
	call bpf_ringbuf_reserve    # r0 = pointer to 16 bytes in the ring, or NULL
	if r0 == 0 goto out         # required: the verifier tracks the NULL case
	r7 = r0                     # r7 now holds a reference that must be submitted or discarded
	call bpf_ktime_get_ns
	*(u64 *)(r7 + 0) = r0       # event.timestamp
	r2 = *(u32 *)(r6 + 0)       # xdp_md->data
	r3 = *(u32 *)(r6 + 4)       # xdp_md->data_end
	r4 = 0
	r5 = r2
	r5 += 14
	if r5 > r3 goto short       # no room for an Ethernet header
	r4 = *(u16 *)(r2 + 12)      # the EtherType, in network byte order
short:
	*(u64 *)(r7 + 8) = r4       # event.ethertype
	r1 = events ll
	r2 = 0                      # BPF_RB_AVAIL_DATA: bytes the reader has not consumed yet
	call bpf_ringbuf_query
	r2 = 1                      # BPF_RB_NO_WAKEUP
	if r0 < 2048 goto quiet
	r2 = 2                      # BPF_RB_FORCE_WAKEUP: enough is waiting, wake the reader
quiet:
	r1 = r7
	call bpf_ringbuf_submit     # publishes the record and releases the reference
out:
	r0 = 2                      # XDP_PASS
	exit
