# {"type": "sched_cls", "doc": "bpf_sk_lookup_tcp returns a reference that must be released on every path."}
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
  if r0 == 0 goto out
  r6 = *(u32 *)(r0 + 4)
  r1 = r0
  call 86
out:
  r0 = 0
  exit
