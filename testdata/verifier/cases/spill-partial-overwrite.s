# {"type": "socket_filter", "doc": "Overwriting half of a spilled pointer leaves misc bytes; filling it gives a scalar, and a dereference fails."}
  *(u64 *)(r10 - 8) = r1
  *(u32 *)(r10 - 8) = 0
  r2 = *(u64 *)(r10 - 8)
  r0 = *(u32 *)(r2 + 0)
  exit
