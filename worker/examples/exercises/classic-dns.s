# {"title": "Exercise: catch DNS queries (classic)", "type": "socket_filter", "dialect": "cbpf", "task": "Change this filter so it keeps only UDP packets to port 53 (DNS queries) and drops everything else. Hint: type an expression in the tcpdump filter box and press Compile.", "summary": "A first exercise with pass/fail checks: edit a classic filter until the verdicts match.", "expect": {"UDP 53000 > 53": "keep", "UDP 53 > 53000": "drop", "TCP 40000 > 80": "drop", "ICMP echo request": "drop", "ARP who-has": "drop"}}
(000) ldh      [12]
(001) jeq      #0x800           jt 2	jf 5
(002) ldb      [23]
(003) jeq      #0x11            jt 4	jf 5
(004) ret      #262144
(005) ret      #0
