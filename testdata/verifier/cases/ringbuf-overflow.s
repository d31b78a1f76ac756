# {"type": "kprobe", "doc": "Writing past the reserved size of a ring buffer record."}
.map events ringbuf key=0 value=0 entries=4096
  r1 = events ll
  r2 = 16
  r3 = 0
  call 131
  if r0 == 0 goto out
  r1 = 42
  *(u64 *)(r0 + 16) = r1
  r1 = r0
  r2 = 0
  call 133
out:
  r0 = 0
  exit
