# {"type": "xdp", "doc": "Ethernet and IPv4 header parsing with bounds checks against data_end."}
  r2 = *(u32 *)(r1 + 0)
  r3 = *(u32 *)(r1 + 4)
  r4 = r2
  r4 += 14
  if r4 > r3 goto pass
  r5 = *(u16 *)(r2 + 12)
  if r5 != 8 goto pass
  r4 = r2
  r4 += 34
  if r4 > r3 goto pass
  r6 = *(u8 *)(r2 + 23)
  if r6 == 17 goto drop
pass:
  r0 = 2
  exit
drop:
  r0 = 1
  exit
