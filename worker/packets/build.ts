// Packet builder: a plain JSON-able spec (a list of layers, outermost first) -> frame bytes, with
// next-protocol fields, lengths and checksums filled in unless the spec overrides them. Follows the
// header layouts of IEEE 802.3/802.1Q, RFC 826 (ARP), RFC 791 (IPv4 + options), RFC 8200 (IPv6 and
// extension headers), RFC 9293 (TCP + options), RFC 768 (UDP), RFC 792 (ICMP), RFC 4443 (ICMPv6).
// Bad specs give located diagnostics ("layers[2].src: …"); nothing throws. It does not parse (decode.ts).

import { err, type Diagnostic } from '../util/diag';
import { parseIPv4, parseIPv6, parseMac } from './addr';
import { internetChecksum, pseudoSumV4, pseudoSumV6 } from './checksum';
import { parseHex, utf8Encode } from './hex';

export const ETH_P = { IPV4: 0x0800, ARP: 0x0806, VLAN: 0x8100, QINQ: 0x88a8, IPV6: 0x86dd } as const;
export const IPPROTO = { HOPOPTS: 0, ICMP: 1, TCP: 6, UDP: 17, ROUTING: 43, FRAGMENT: 44, ICMPV6: 58, NONE: 59, DSTOPTS: 60 } as const;

export interface EthSpec { layer: 'eth'; src?: string; dst?: string; type?: number }
export interface VlanSpec { layer: 'vlan'; vid: number; pcp?: number; dei?: number; tpid?: number; type?: number }
export interface ArpSpec {
  layer: 'arp'; op: number; sha: string; spa: string; tha?: string; tpa: string;
}
export interface Ipv4OptionSpec { type: number; data?: string }
export interface Ipv4Spec {
  layer: 'ipv4'; src: string; dst: string; ttl?: number; tos?: number; id?: number;
  df?: boolean; mf?: boolean; fragOffset?: number; protocol?: number;
  /** Options as {type, data hex}: type 0 (EOL) and 1 (NOP) are single bytes. Padded to 4 bytes with EOL. */
  options?: Ipv4OptionSpec[];
  checksum?: number; totalLength?: number; ihl?: number;
}
export interface Ipv6Spec {
  layer: 'ipv6'; src: string; dst: string; hopLimit?: number; trafficClass?: number; flowLabel?: number;
  nextHeader?: number; payloadLength?: number;
}
export interface Ipv6ExtSpec {
  layer: 'ipv6ext';
  kind: 'hopbyhop' | 'routing' | 'fragment' | 'destopts';
  nextHeader?: number;
  /** fragment: offset in 8-byte units, M flag, identification. */
  fragOffset?: number; more?: boolean; id?: number;
  /** routing: type and segments left; data for the rest (hex). hopbyhop/destopts: options hex (padded with PadN). */
  routingType?: number; segmentsLeft?: number; data?: string;
}
export type TcpOptionSpec =
  | { kind: 'eol' } | { kind: 'nop' } | { kind: 'mss'; value: number } | { kind: 'wscale'; shift: number }
  | { kind: 'sackok' } | { kind: 'sack'; blocks: [number, number][] } | { kind: 'ts'; val: number; ecr: number }
  | { kind: 'raw'; type: number; data?: string };
export interface TcpSpec {
  layer: 'tcp'; sport: number; dport: number; seq?: number; ack?: number;
  /** Flag letters as tcpdump prints them: F S R P . (ACK) U E W, e.g. "S", "S.", "P.", "F." */
  flags?: string; window?: number; urg?: number; options?: TcpOptionSpec[]; checksum?: number; dataOffset?: number;
}
export interface UdpSpec { layer: 'udp'; sport: number; dport: number; checksum?: number; length?: number }
export interface IcmpSpec { layer: 'icmp'; type: number; code?: number; id?: number; seq?: number; checksum?: number }
export interface Icmpv6Spec { layer: 'icmpv6'; type: number; code?: number; id?: number; seq?: number; checksum?: number }
export interface PayloadSpec { layer: 'payload'; hex?: string; text?: string; zeros?: number }

export type LayerSpec =
  | EthSpec | VlanSpec | ArpSpec | Ipv4Spec | Ipv6Spec | Ipv6ExtSpec | TcpSpec | UdpSpec | IcmpSpec | Icmpv6Spec | PayloadSpec;

export interface PacketSpec {
  layers: LayerSpec[];
  /** Cut the built frame to this many bytes (for truncated/malformed samples). */
  truncate?: number;
}

export interface BuildResult { bytes: Uint8Array | null; diagnostics: Diagnostic[] }

interface Built {
  spec: LayerSpec;
  bytes: Uint8Array;
}

const u16 = (b: Uint8Array, off: number, v: number) => { b[off] = (v >> 8) & 0xff; b[off + 1] = v & 0xff; };
const u32 = (b: Uint8Array, off: number, v: number) => { u16(b, off, Math.floor(v / 0x10000) & 0xffff); u16(b, off + 2, v & 0xffff); };

const TCP_FLAG_BITS: Record<string, number> = { F: 0x01, S: 0x02, R: 0x04, P: 0x08, '.': 0x10, A: 0x10, U: 0x20, E: 0x40, W: 0x80 };

/** Next-protocol number of a layer as seen by the layer before it. */
function etherTypeOf(l: LayerSpec | undefined): number | undefined {
  switch (l?.layer) {
    case 'ipv4': return ETH_P.IPV4;
    case 'ipv6': return ETH_P.IPV6;
    case 'arp': return ETH_P.ARP;
    case 'vlan': return l.tpid ?? ETH_P.VLAN;
    default: return undefined;
  }
}
function ipProtoOf(l: LayerSpec | undefined): number | undefined {
  switch (l?.layer) {
    case 'tcp': return IPPROTO.TCP;
    case 'udp': return IPPROTO.UDP;
    case 'icmp': return IPPROTO.ICMP;
    case 'icmpv6': return IPPROTO.ICMPV6;
    case 'ipv4': return 4;
    case 'ipv6': return 41;
    case 'ipv6ext':
      return { hopbyhop: IPPROTO.HOPOPTS, routing: IPPROTO.ROUTING, fragment: IPPROTO.FRAGMENT, destopts: IPPROTO.DSTOPTS }[l.kind];
    default: return undefined;
  }
}

function inRange(v: number | undefined, max: number): boolean {
  return v === undefined || (Number.isInteger(v) && v >= 0 && v <= max);
}

export function buildPacket(spec: PacketSpec): BuildResult {
  const diags: Diagnostic[] = [];
  const at = (i: number, field: string, msg: string) => diags.push(err(`layers[${i}].${field}: ${msg}`, {}, 'packet.spec'));
  if (!spec || !Array.isArray(spec.layers)) return { bytes: null, diagnostics: [err('packet spec needs a "layers" array', {}, 'packet.spec')] };
  const layers = spec.layers;
  const built: Built[] = [];

  layers.forEach((l, i) => {
    const next = layers[i + 1];
    switch (l.layer) {
      case 'eth': {
        const b = new Uint8Array(14);
        const dst = parseMac(l.dst ?? 'ff:ff:ff:ff:ff:ff');
        const src = parseMac(l.src ?? '02:00:00:00:00:01');
        if (!dst) at(i, 'dst', `not a MAC address: ${JSON.stringify(l.dst)}`);
        if (!src) at(i, 'src', `not a MAC address: ${JSON.stringify(l.src)}`);
        if (dst) b.set(dst, 0);
        if (src) b.set(src, 6);
        const t = l.type ?? etherTypeOf(next) ?? 0;
        if (!inRange(t, 0xffff)) at(i, 'type', 'must be 0..0xffff');
        u16(b, 12, t);
        built.push({ spec: l, bytes: b });
        break;
      }
      case 'vlan': {
        const b = new Uint8Array(4);
        if (!inRange(l.vid, 4095)) at(i, 'vid', 'VLAN id must be 0..4095');
        if (!inRange(l.pcp, 7)) at(i, 'pcp', 'priority must be 0..7');
        if (!inRange(l.dei, 1)) at(i, 'dei', 'must be 0 or 1');
        u16(b, 0, ((l.pcp ?? 0) << 13) | ((l.dei ?? 0) << 12) | (l.vid & 0xfff));
        u16(b, 2, l.type ?? etherTypeOf(next) ?? 0);
        built.push({ spec: l, bytes: b });
        break;
      }
      case 'arp': {
        const b = new Uint8Array(28);
        u16(b, 0, 1); // hardware type Ethernet
        u16(b, 2, ETH_P.IPV4);
        b[4] = 6;
        b[5] = 4;
        u16(b, 6, l.op);
        const sha = parseMac(l.sha), tha = parseMac(l.tha ?? '00:00:00:00:00:00');
        const spa = parseIPv4(l.spa), tpa = parseIPv4(l.tpa);
        if (!sha) at(i, 'sha', 'not a MAC address');
        if (!tha) at(i, 'tha', 'not a MAC address');
        if (!spa) at(i, 'spa', 'not an IPv4 address');
        if (!tpa) at(i, 'tpa', 'not an IPv4 address');
        if (sha) b.set(sha, 8);
        if (spa) b.set(spa, 14);
        if (tha) b.set(tha, 18);
        if (tpa) b.set(tpa, 24);
        built.push({ spec: l, bytes: b });
        break;
      }
      case 'ipv4': {
        const opts: number[] = [];
        for (const [k, o] of (l.options ?? []).entries()) {
          if (o.type === 0 || o.type === 1) {
            opts.push(o.type);
            continue;
          }
          const data = parseHex(o.data ?? '');
          if (data.diagnostics.length) at(i, `options[${k}].data`, data.diagnostics[0].message);
          opts.push(o.type & 0xff, 2 + data.bytes.length, ...data.bytes);
        }
        while (opts.length % 4) opts.push(0);
        if (opts.length > 40) at(i, 'options', `IPv4 options are at most 40 bytes (got ${opts.length})`);
        const b = new Uint8Array(20 + opts.length);
        b[0] = 0x40 | ((l.ihl ?? (20 + opts.length) / 4) & 0xf);
        b[1] = l.tos ?? 0;
        u16(b, 4, l.id ?? 0);
        if (!inRange(l.fragOffset, 0x1fff)) at(i, 'fragOffset', 'must be 0..8191 (8-byte units)');
        u16(b, 6, (l.df ? 0x4000 : 0) | (l.mf ? 0x2000 : 0) | ((l.fragOffset ?? 0) & 0x1fff));
        b[8] = l.ttl ?? 64;
        b[9] = l.protocol ?? ipProtoOf(next) ?? IPPROTO.NONE;
        const src = parseIPv4(l.src), dst = parseIPv4(l.dst);
        if (!src) at(i, 'src', `not an IPv4 address: ${JSON.stringify(l.src)}`);
        if (!dst) at(i, 'dst', `not an IPv4 address: ${JSON.stringify(l.dst)}`);
        if (src) b.set(src, 12);
        if (dst) b.set(dst, 16);
        b.set(opts, 20);
        built.push({ spec: l, bytes: b });
        break;
      }
      case 'ipv6': {
        const b = new Uint8Array(40);
        if (!inRange(l.flowLabel, 0xfffff)) at(i, 'flowLabel', 'must be 0..0xfffff');
        const tc = l.trafficClass ?? 0;
        u32(b, 0, ((6 * 0x10000000) + (tc << 20) + (l.flowLabel ?? 0)) >>> 0);
        b[6] = l.nextHeader ?? ipProtoOf(next) ?? IPPROTO.NONE;
        b[7] = l.hopLimit ?? 64;
        const src = parseIPv6(l.src), dst = parseIPv6(l.dst);
        if (!src) at(i, 'src', `not an IPv6 address: ${JSON.stringify(l.src)}`);
        if (!dst) at(i, 'dst', `not an IPv6 address: ${JSON.stringify(l.dst)}`);
        if (src) b.set(src, 8);
        if (dst) b.set(dst, 24);
        built.push({ spec: l, bytes: b });
        break;
      }
      case 'ipv6ext': {
        const nh = l.nextHeader ?? ipProtoOf(next) ?? IPPROTO.NONE;
        if (l.kind === 'fragment') {
          const b = new Uint8Array(8);
          b[0] = nh;
          if (!inRange(l.fragOffset, 0x1fff)) at(i, 'fragOffset', 'must be 0..8191 (8-byte units)');
          u16(b, 2, (((l.fragOffset ?? 0) & 0x1fff) << 3) | (l.more ? 1 : 0));
          u32(b, 4, l.id ?? 0);
          built.push({ spec: l, bytes: b });
          break;
        }
        const data = parseHex(l.data ?? '');
        if (data.diagnostics.length) at(i, 'data', data.diagnostics[0].message);
        const head = l.kind === 'routing' ? [l.routingType ?? 0, l.segmentsLeft ?? 0] : [];
        let body = [...head, ...data.bytes];
        // pad to a multiple of 8 with 2-byte header: PadN options for hop-by-hop/destination options.
        const padTo = Math.max(8, Math.ceil((2 + body.length) / 8) * 8);
        const pad = padTo - 2 - body.length;
        if (pad > 0) {
          if (l.kind === 'routing') body = [...body, ...new Array(pad).fill(0)];
          else if (pad === 1) body = [...body, 0];
          else body = [...body, 1, pad - 2, ...new Array(pad - 2).fill(0)];
        }
        const b = new Uint8Array(2 + body.length);
        b[0] = nh;
        b[1] = b.length / 8 - 1;
        b.set(body, 2);
        built.push({ spec: l, bytes: b });
        break;
      }
      case 'tcp': {
        const opts: number[] = [];
        for (const o of l.options ?? []) {
          switch (o.kind) {
            case 'eol': opts.push(0); break;
            case 'nop': opts.push(1); break;
            case 'mss': opts.push(2, 4, (o.value >> 8) & 0xff, o.value & 0xff); break;
            case 'wscale': opts.push(3, 3, o.shift & 0xff); break;
            case 'sackok': opts.push(4, 2); break;
            case 'sack': {
              opts.push(5, 2 + 8 * o.blocks.length);
              for (const [a, z] of o.blocks) { const t = new Uint8Array(8); u32(t, 0, a); u32(t, 4, z); opts.push(...t); }
              break;
            }
            case 'ts': { const t = new Uint8Array(10); t[0] = 8; t[1] = 10; u32(t, 2, o.val); u32(t, 6, o.ecr); opts.push(...t); break; }
            case 'raw': { const d = parseHex(o.data ?? '').bytes; opts.push(o.type, 2 + d.length, ...d); break; }
          }
        }
        while (opts.length % 4) opts.push(0);
        if (opts.length > 40) at(i, 'options', `TCP options are at most 40 bytes (got ${opts.length})`);
        const b = new Uint8Array(20 + opts.length);
        if (!inRange(l.sport, 0xffff)) at(i, 'sport', 'must be 0..65535');
        if (!inRange(l.dport, 0xffff)) at(i, 'dport', 'must be 0..65535');
        u16(b, 0, l.sport);
        u16(b, 2, l.dport);
        u32(b, 4, (l.seq ?? 0) >>> 0);
        u32(b, 8, (l.ack ?? 0) >>> 0);
        let flags = 0;
        for (const ch of l.flags ?? '') {
          const bit = TCP_FLAG_BITS[ch.toUpperCase() === 'A' ? 'A' : ch];
          if (bit === undefined) at(i, 'flags', `unknown TCP flag ${JSON.stringify(ch)} (use F S R P . U E W)`);
          else flags |= bit;
        }
        b[12] = ((l.dataOffset ?? b.length / 4) & 0xf) << 4;
        b[13] = flags;
        u16(b, 14, l.window ?? 65535);
        u16(b, 18, l.urg ?? 0);
        b.set(opts, 20);
        built.push({ spec: l, bytes: b });
        break;
      }
      case 'udp': {
        const b = new Uint8Array(8);
        if (!inRange(l.sport, 0xffff)) at(i, 'sport', 'must be 0..65535');
        if (!inRange(l.dport, 0xffff)) at(i, 'dport', 'must be 0..65535');
        u16(b, 0, l.sport);
        u16(b, 2, l.dport);
        built.push({ spec: l, bytes: b });
        break;
      }
      case 'icmp':
      case 'icmpv6': {
        const b = new Uint8Array(8);
        b[0] = l.type;
        b[1] = l.code ?? 0;
        u16(b, 4, l.id ?? 0);
        u16(b, 6, l.seq ?? 0);
        built.push({ spec: l, bytes: b });
        break;
      }
      case 'payload': {
        let b: Uint8Array;
        if (l.hex !== undefined) {
          const h = parseHex(l.hex);
          if (h.diagnostics.length) at(i, 'hex', h.diagnostics[0].message);
          b = h.bytes;
        } else if (l.text !== undefined) b = utf8Encode(l.text);
        else b = new Uint8Array(l.zeros ?? 0);
        built.push({ spec: l, bytes: b });
        break;
      }
      default:
        diags.push(err(`layers[${i}].layer: unknown layer ${JSON.stringify((l as { layer?: unknown }).layer)}`, {}, 'packet.spec'));
    }
  });
  if (diags.length) return { bytes: null, diagnostics: diags };

  // Fix-up pass, innermost first: lengths, then checksums (which need lengths and the payload).
  const total = built.reduce((n, x) => n + x.bytes.length, 0);
  const frame = new Uint8Array(total);
  const offs: number[] = [];
  let o = 0;
  for (const x of built) {
    offs.push(o);
    frame.set(x.bytes, o);
    o += x.bytes.length;
  }
  /** Nearest enclosing IP layer index before i. */
  const ipBefore = (i: number) => {
    for (let j = i - 1; j >= 0; j--) if (built[j].spec.layer === 'ipv4' || built[j].spec.layer === 'ipv6') return j;
    return -1;
  };
  for (let i = built.length - 1; i >= 0; i--) {
    const s = built[i].spec;
    const off = offs[i];
    const rest = total - off;
    switch (s.layer) {
      case 'ipv4':
        u16(frame, off + 2, s.totalLength ?? rest);
        u16(frame, off + 10, 0);
        u16(frame, off + 10, s.checksum ?? internetChecksum(frame, off, off + built[i].bytes.length));
        break;
      case 'ipv6':
        u16(frame, off + 4, s.payloadLength ?? rest - 40);
        break;
      case 'udp':
        u16(frame, off + 4, s.length ?? rest);
        break;
      default:
        break;
    }
  }
  for (let i = built.length - 1; i >= 0; i--) {
    const s = built[i].spec;
    const off = offs[i];
    if (s.layer !== 'tcp' && s.layer !== 'udp' && s.layer !== 'icmp' && s.layer !== 'icmpv6') continue;
    const ck = s.layer === 'tcp' ? 16 : s.layer === 'udp' ? 6 : 2;
    u16(frame, off + ck, 0);
    if (s.checksum !== undefined) {
      u16(frame, off + ck, s.checksum);
      continue;
    }
    const l4len = total - off;
    let init = 0;
    const ip = ipBefore(i);
    if (s.layer !== 'icmp' && ip >= 0) {
      const ipOff = offs[ip];
      const proto = s.layer === 'tcp' ? IPPROTO.TCP : s.layer === 'udp' ? IPPROTO.UDP : IPPROTO.ICMPV6;
      init = built[ip].spec.layer === 'ipv4'
        ? pseudoSumV4(frame.subarray(ipOff + 12, ipOff + 16), frame.subarray(ipOff + 16, ipOff + 20), proto, l4len)
        : pseudoSumV6(frame.subarray(ipOff + 8, ipOff + 24), frame.subarray(ipOff + 24, ipOff + 40), proto, l4len);
    }
    let c = internetChecksum(frame, off, total, init);
    if (s.layer === 'udp' && c === 0) c = 0xffff; // RFC 768: a computed 0 is sent as all ones
    u16(frame, off + ck, c);
  }
  const cut = spec.truncate !== undefined ? frame.slice(0, Math.max(0, spec.truncate)) : frame;
  return { bytes: cut, diagnostics: [] };
}
