# {"type": "socket_filter", "doc": "A bounded loop: explored iteration by iteration, accepted."}
  r0 = 0
  r1 = 0
loop:
  r0 += r1
  r1 += 1
  if r1 < 50 goto loop
  exit
