# {"type": "cgroup_skb", "doc": "cgroup_skb programs must return 0 or 1 (ingress)."}
  r0 = *(u32 *)(r1 + 0)
  r0 &= 3
  exit
