# {"title": "tcpdump -d 'tcp'", "type": "socket_filter", "dialect": "cbpf", "summary": "The first BPF most people see: the classic filter tcpdump compiles for 'tcp'. It accepts IPv4 TCP (protocol 6 at byte 23) and IPv6 TCP (next header 6 at byte 20, or after a fragment header, 0x2c, at byte 54); ret #262144 keeps the whole packet (the snap length), ret #0 drops it."}
(000) ldh      [12]
(001) jeq      #0x800           jt 2	jf 4
(002) ldb      [23]
(003) jeq      #0x6             jt 10	jf 11
(004) jeq      #0x86dd          jt 5	jf 11
(005) ldb      [20]
(006) jeq      #0x6             jt 10	jf 7
(007) jeq      #0x2c            jt 8	jf 11
(008) ldb      [54]
(009) jeq      #0x6             jt 10	jf 11
(010) ret      #262144
(011) ret      #0
