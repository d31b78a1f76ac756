# {"title": "The stack", "type": "socket_filter", "dialect": "llvm", "summary": "512 bytes below r10. Stores and loads at every size; the Stack panel shows each 8-byte slot."}
# r10 is read-only; the stack grows down from it.
	r1 = 0x1122334455667788 ll
	*(u64 *)(r10 - 8) = r1      # a full slot
	*(u32 *)(r10 - 12) = 0xaabbccdd
	*(u16 *)(r10 - 14) = 0x1234
	*(u8 *)(r10 - 16) = 0x42
	r2 = *(u32 *)(r10 - 8)      # little-endian: the low half of r1
	r3 = *(u8 *)(r10 - 1)       # the top byte of r1
	r0 = r2
	r0 += r3
	exit
