# {"type": "socket_filter", "doc": "The same, one byte too far: max value is outside of the allowed memory range."}
.map arr array key=4 value=64 entries=1
  *(u32 *)(r10 - 4) = 0
  r2 = r10
  r2 += -4
  r1 = arr ll
  call 1
  if r0 == 0 goto out
  r6 = r0
  r1 = *(u32 *)(r6 + 0)
  if r1 > 61 goto out
  r6 += r1
  r0 = *(u32 *)(r6 + 0)
out:
  r0 = 0
  exit
