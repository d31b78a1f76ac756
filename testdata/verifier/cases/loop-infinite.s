# {"type": "socket_filter", "doc": "The same state comes back at the loop head: infinite loop detected."}
  r0 = 0
loop:
  r1 = 1
  if r1 != 0 goto loop
  exit
