# {"type": "socket_filter", "doc": "w-register writes zero the upper half, so the value is below 2^32."}
  call 7
  w0 += 5
  r1 = 0x100000000 ll
  if r0 < r1 goto ok
  r0 = *(u64 *)(r10 + 0)
ok:
  r0 = 0
  exit
