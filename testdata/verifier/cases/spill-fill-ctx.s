# {"type": "socket_filter", "doc": "A spilled ctx pointer fills back with its type."}
  *(u64 *)(r10 - 16) = r1
  r1 = 0
  r2 = *(u64 *)(r10 - 16)
  r0 = *(u32 *)(r2 + 0)
  exit
