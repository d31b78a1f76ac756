# {"type": "sched_cls", "doc": "A variable packet offset from the IHL field, bounded by masking, then re-checked."}
  r2 = *(u32 *)(r1 + 76)
  r3 = *(u32 *)(r1 + 80)
  r4 = r2
  r4 += 15
  if r4 > r3 goto out
  r5 = *(u8 *)(r2 + 14)
  r5 &= 15
  r5 <<= 2
  r2 += r5
  r4 = r2
  r4 += 34
  if r4 > r3 goto out
  r0 = *(u32 *)(r2 + 30)
out:
  r0 = 0
  exit
