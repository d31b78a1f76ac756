# {"type": "socket_filter", "doc": "A bpf-to-bpf call writing through a pointer to the caller's stack."}
  r1 = r10
  r1 += -8
  call fill
  r0 = *(u64 *)(r10 - 8)
  exit
fill:
  r2 = 7
  *(u64 *)(r1 + 0) = r2
  r0 = 0
  exit
