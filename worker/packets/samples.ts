// Ready-made traffic: small named packet sequences built from specs (build.ts), for examples, the packet
// panel's sample menu and tests. Each sample says in a line what it shows. Addresses use the documentation
// ranges (RFC 5737 192.0.2.0/24 and 198.51.100.0/24, RFC 3849 2001:db8::/32); MACs are locally administered.

import type { Diagnostic } from '../util/diag';
import { buildPacket, type PacketSpec } from './build';

export interface TrafficSample {
  id: string;
  title: string;
  description: string;
  packets: PacketSpec[];
}

const A = { mac: '02:00:00:00:00:0a', ip: '192.0.2.10', ip6: '2001:db8::a' };
const B = { mac: '02:00:00:00:00:0b', ip: '198.51.100.20', ip6: '2001:db8::b' };
const eth = (from: typeof A, to: typeof A) => ({ layer: 'eth' as const, src: from.mac, dst: to.mac });
const ip4 = (from: typeof A, to: typeof A, id: number) => ({ layer: 'ipv4' as const, src: from.ip, dst: to.ip, id, df: true });

// A DNS query for example.com, type A, class IN, recursion desired.
const DNS_QUERY = '1a2b01000001000000000000076578616d706c6503636f6d0000010001';
// The IPv6 fragment sample: one 48-byte UDP datagram (8-byte header + 40 bytes) cut after 24 bytes. The
// UDP checksum in the first fragment covers the whole datagram, so it is computed on the unfragmented one.
const FRAG_HEAD = 'first sixteen by';
const FRAG_TAIL = 'the last twenty-four byt';
function wholeDatagramUdpChecksum(): number {
  const whole = buildPacket({ layers: [{ layer: 'ipv6', src: '2001:db8::a', dst: '2001:db8::b' }, { layer: 'udp', sport: 5000, dport: 6000 }, { layer: 'payload', text: FRAG_HEAD + FRAG_TAIL }] });
  const b = whole.bytes ?? new Uint8Array(48);
  return (b[46] << 8) | b[47];
}
const DNS_REPLY = '1a2b81800001000100000000076578616d706c6503636f6d0000010001c00c000100010000012c00045db8d822';

export const SAMPLES: readonly TrafficSample[] = [
  {
    id: 'tcp-handshake',
    title: 'TCP handshake and a request',
    description: 'SYN, SYN-ACK, ACK, then an HTTP GET with PSH and its ACK, and the FIN exchange: a complete short TCP connection over IPv4.',
    packets: [
      { layers: [eth(A, B), ip4(A, B, 1), { layer: 'tcp', sport: 40000, dport: 80, seq: 1000, flags: 'S', window: 64240, options: [{ kind: 'mss', value: 1460 }, { kind: 'sackok' }, { kind: 'ts', val: 100, ecr: 0 }, { kind: 'nop' }, { kind: 'wscale', shift: 7 }] }] },
      { layers: [eth(B, A), ip4(B, A, 0), { layer: 'tcp', sport: 80, dport: 40000, seq: 5000, ack: 1001, flags: 'S.', window: 65160, options: [{ kind: 'mss', value: 1460 }, { kind: 'sackok' }, { kind: 'ts', val: 200, ecr: 100 }, { kind: 'nop' }, { kind: 'wscale', shift: 7 }] }] },
      { layers: [eth(A, B), ip4(A, B, 2), { layer: 'tcp', sport: 40000, dport: 80, seq: 1001, ack: 5001, flags: '.', window: 502, options: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'ts', val: 101, ecr: 200 }] }] },
      { layers: [eth(A, B), ip4(A, B, 3), { layer: 'tcp', sport: 40000, dport: 80, seq: 1001, ack: 5001, flags: 'P.', window: 502, options: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'ts', val: 102, ecr: 200 }] }, { layer: 'payload', text: 'GET / HTTP/1.1\r\nHost: example.com\r\n\r\n' }] },
      { layers: [eth(B, A), ip4(B, A, 1), { layer: 'tcp', sport: 80, dport: 40000, seq: 5001, ack: 1038, flags: '.', window: 509, options: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'ts', val: 201, ecr: 102 }] }] },
      { layers: [eth(A, B), ip4(A, B, 4), { layer: 'tcp', sport: 40000, dport: 80, seq: 1038, ack: 5001, flags: 'F.', window: 502 }] },
      { layers: [eth(B, A), ip4(B, A, 2), { layer: 'tcp', sport: 80, dport: 40000, seq: 5001, ack: 1039, flags: 'F.', window: 509 }] },
      { layers: [eth(A, B), ip4(A, B, 5), { layer: 'tcp', sport: 40000, dport: 80, seq: 1039, ack: 5002, flags: '.', window: 502 }] },
    ],
  },
  {
    id: 'dns-udp',
    title: 'DNS over UDP',
    description: 'A DNS query for example.com (A record) to port 53 and its answer: UDP with a correct checksum.',
    packets: [
      { layers: [eth(A, B), { layer: 'ipv4', src: A.ip, dst: B.ip, id: 0x1234 }, { layer: 'udp', sport: 53000, dport: 53 }, { layer: 'payload', hex: DNS_QUERY }] },
      { layers: [eth(B, A), { layer: 'ipv4', src: B.ip, dst: A.ip, id: 0x4321 }, { layer: 'udp', sport: 53, dport: 53000 }, { layer: 'payload', hex: DNS_REPLY }] },
    ],
  },
  {
    id: 'icmp-echo',
    title: 'ICMP echo (ping)',
    description: 'An ICMP echo request with 56 bytes of data and its echo reply, as ping sends them.',
    packets: [
      { layers: [eth(A, B), ip4(A, B, 7), { layer: 'icmp', type: 8, id: 0x77, seq: 1 }, { layer: 'payload', hex: '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637' }] },
      { layers: [eth(B, A), { layer: 'ipv4', src: B.ip, dst: A.ip, id: 9 }, { layer: 'icmp', type: 0, id: 0x77, seq: 1 }, { layer: 'payload', hex: '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637' }] },
    ],
  },
  {
    id: 'ipv6-fragment',
    title: 'IPv6 with a fragment header',
    description: 'A UDP datagram over IPv6 split into two fragments; the second has no UDP header, only data after the fragment header.',
    packets: [
      { layers: [{ layer: 'eth', src: A.mac, dst: B.mac }, { layer: 'ipv6', src: A.ip6, dst: B.ip6, hopLimit: 64 }, { layer: 'ipv6ext', kind: 'fragment', fragOffset: 0, more: true, id: 0xabcd, nextHeader: 17 }, { layer: 'udp', sport: 5000, dport: 6000, checksum: wholeDatagramUdpChecksum(), length: 48 }, { layer: 'payload', text: FRAG_HEAD }] },
      { layers: [{ layer: 'eth', src: A.mac, dst: B.mac }, { layer: 'ipv6', src: A.ip6, dst: B.ip6, hopLimit: 64 }, { layer: 'ipv6ext', kind: 'fragment', fragOffset: 3, more: false, id: 0xabcd, nextHeader: 17 }, { layer: 'payload', text: FRAG_TAIL }] },
    ],
  },
  {
    id: 'ipv6-tcp-ext',
    title: 'IPv6 TCP with hop-by-hop and destination options',
    description: 'An IPv6 TCP SYN carrying a hop-by-hop header (router alert) and a destination-options header before TCP.',
    packets: [
      { layers: [eth(A, B), { layer: 'ipv6', src: A.ip6, dst: B.ip6 }, { layer: 'ipv6ext', kind: 'hopbyhop', data: '05020000' }, { layer: 'ipv6ext', kind: 'destopts' }, { layer: 'tcp', sport: 41000, dport: 443, seq: 7, flags: 'S', options: [{ kind: 'mss', value: 1440 }] }] },
    ],
  },
  {
    id: 'arp',
    title: 'ARP request and reply',
    description: 'Who has 198.51.100.20? Tell 192.0.2.10 — broadcast — and the unicast answer.',
    packets: [
      { layers: [{ layer: 'eth', src: A.mac, dst: 'ff:ff:ff:ff:ff:ff' }, { layer: 'arp', op: 1, sha: A.mac, spa: A.ip, tpa: B.ip }] },
      { layers: [{ layer: 'eth', src: B.mac, dst: A.mac }, { layer: 'arp', op: 2, sha: B.mac, spa: B.ip, tha: A.mac, tpa: A.ip }] },
    ],
  },
  {
    id: 'vlan',
    title: 'VLAN-tagged frame',
    description: 'An 802.1Q-tagged UDP packet on VLAN 100 with priority 5; the EtherType at byte 12 is 0x8100 and IPv4 starts at byte 18.',
    packets: [
      { layers: [eth(A, B), { layer: 'vlan', vid: 100, pcp: 5 }, { layer: 'ipv4', src: A.ip, dst: B.ip, id: 42 }, { layer: 'udp', sport: 1234, dport: 4789 }, { layer: 'payload', text: 'tagged' }] },
    ],
  },
  {
    id: 'ipv4-options',
    title: 'IPv4 with options',
    description: 'A UDP packet whose IPv4 header carries a router-alert option (ihl 6, 24-byte header), so L4 starts at byte 38.',
    packets: [
      { layers: [eth(A, B), { layer: 'ipv4', src: A.ip, dst: B.ip, id: 5, ttl: 1, options: [{ type: 148, data: '0000' }] }, { layer: 'udp', sport: 9, dport: 9 }, { layer: 'payload', text: 'ra' }] },
    ],
  },
  {
    id: 'malformed',
    title: 'Malformed and truncated frames',
    description: 'A frame cut in the middle of the IPv4 header, one cut inside TCP, and one whose IPv4 header length is 3 (invalid): programs must bounds-check.',
    packets: [
      { layers: [eth(A, B), ip4(A, B, 11), { layer: 'tcp', sport: 1, dport: 2, flags: 'S' }], truncate: 24 },
      { layers: [eth(A, B), ip4(A, B, 12), { layer: 'tcp', sport: 1, dport: 2, flags: 'S' }], truncate: 44 },
      { layers: [eth(A, B), { layer: 'ipv4', src: A.ip, dst: B.ip, ihl: 3 }, { layer: 'udp', sport: 1, dport: 2 }] },
    ],
  },
];

export interface BuiltSample { sample: TrafficSample; frames: Uint8Array[]; diagnostics: Diagnostic[] }

export function buildSample(id: string): BuiltSample | null {
  const sample = SAMPLES.find((s) => s.id === id);
  if (!sample) return null;
  const frames: Uint8Array[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const p of sample.packets) {
    const r = buildPacket(p);
    diagnostics.push(...r.diagnostics);
    if (r.bytes) frames.push(r.bytes);
  }
  return { sample, frames, diagnostics };
}
