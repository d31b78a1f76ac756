# {"type": "sched_cls", "doc": "A socket reference kept at exit: Unreleased reference."}
  r2 = 0
  *(u64 *)(r10 - 8) = r2
  *(u64 *)(r10 - 16) = r2
  *(u64 *)(r10 - 24) = r2
  *(u64 *)(r10 - 32) = r2
  *(u64 *)(r10 - 40) = r2
  r2 = r10
  r2 += -40
  r3 = 12
  r4 = -1
  r5 = 0
  call 84
  r0 = 0
  exit
