# {"type": "socket_filter", "doc": "32-bit comparisons bound the low half; the stack offset stays in range."}
  call 7
  if w0 > 7 goto out
  r0 &= 7
  r1 = r10
  r1 += -8
  r1 += r0
  r2 = 0
  *(u8 *)(r1 + 0) = r2
out:
  r0 = 0
  exit
