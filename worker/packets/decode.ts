// Packet decoder: labels every byte of a frame with its layer, field name, value and byte range (bit
// fields name their bits), so the UI can highlight what an instruction reads or writes, and verifies
// checksums. Layers: Ethernet, 802.1Q/802.1ad VLAN, ARP (RFC 826), IPv4 + options (RFC 791), IPv6 +
// hop-by-hop/routing/fragment/destination-options headers (RFC 8200), TCP + options (RFC 9293), UDP
// (RFC 768), ICMP (RFC 792), ICMPv6 (RFC 4443). Truncation and malformed headers become diagnostics at a
// byte offset; the undecoded rest is labelled as such. It does not build packets (build.ts).

import { err, warn, type Diagnostic } from '../util/diag';
import { formatIPv4, formatIPv6, formatMac } from './addr';
import { checksumOk, internetChecksum, pseudoSumV4, pseudoSumV6 } from './checksum';

export interface FieldLabel {
  layer: string;
  name: string;
  /** Byte range [start, end). */
  start: number;
  end: number;
  /** For fields narrower than their bytes: the mask within the big-endian value of [start, end). */
  bits?: number;
  value: string;
  /** Checksums: whether the packet's value is correct. */
  ok?: boolean;
  /** Checksums: the correct value, when it can be computed (the whole covered range was captured). */
  expected?: string;
}

export interface DecodedLayer { name: string; start: number; end: number; summary: string }

export interface Decoded {
  layers: DecodedLayer[];
  fields: FieldLabel[];
  diagnostics: Diagnostic[];
  /** One line, tcpdump-like. */
  summary: string;
}

export type DecodeStart = 'eth' | 'ipv4' | 'ipv6' | 'ip';

const ETHERTYPES: Record<number, string> = { 0x0800: 'IPv4', 0x0806: 'ARP', 0x8100: '802.1Q', 0x88a8: '802.1ad', 0x86dd: 'IPv6' };
const PROTOS: Record<number, string> = { 0: 'Hop-by-Hop', 1: 'ICMP', 6: 'TCP', 17: 'UDP', 43: 'Routing', 44: 'Fragment', 58: 'ICMPv6', 59: 'No Next Header', 60: 'Destination Options' };

class Reader {
  fields: FieldLabel[] = [];
  layers: DecodedLayer[] = [];
  diags: Diagnostic[] = [];
  summary: string[] = [];
  constructor(readonly b: Uint8Array) {}
  has(off: number, n: number): boolean {
    return off + n <= this.b.length;
  }
  u8(o: number) { return this.b[o]; }
  u16(o: number) { return (this.b[o] << 8) | this.b[o + 1]; }
  u32(o: number) { return ((this.b[o] << 24) | (this.b[o + 1] << 16) | (this.b[o + 2] << 8) | this.b[o + 3]) >>> 0; }
  f(layer: string, name: string, start: number, len: number, value: string, extra: Partial<FieldLabel> = {}) {
    this.fields.push({ layer, name, start, end: start + len, value, ...extra });
  }
  truncated(layer: string, off: number, need: number) {
    this.diags.push(err(`truncated ${layer} header: needs ${need} bytes at byte ${off}, only ${Math.max(0, this.b.length - off)} left`, { byteOffset: off }, 'packet.truncated'));
  }
}

const hex = (v: number, w: number) => `0x${v.toString(16).padStart(w, '0')}`;

/** The checksum value that would make [start, end) verify, with the field at `at` taken as zero. */
function expectedChecksum(b: Uint8Array, start: number, end: number, at: number, initial: number): string {
  const copy = b.slice(start, end);
  copy[at - start] = 0;
  copy[at - start + 1] = 0;
  return hex(internetChecksum(copy, 0, copy.length, initial), 4);
}

export function decodePacket(bytes: Uint8Array, start: DecodeStart = 'eth'): Decoded {
  const r = new Reader(bytes);
  let off = 0;
  if (start === 'eth') off = decodeEth(r, 0);
  else {
    const v = bytes.length ? bytes[0] >> 4 : 0;
    const kind = start === 'ip' ? (v === 6 ? 'ipv6' : 'ipv4') : start;
    off = kind === 'ipv6' ? decodeIPv6(r, 0) : decodeIPv4(r, 0);
  }
  if (off < bytes.length) {
    const already = r.fields.length && r.fields[r.fields.length - 1].name === 'payload';
    if (!already) r.f('payload', 'payload', off, bytes.length - off, `${bytes.length - off} bytes`);
  }
  return { layers: r.layers, fields: r.fields, diagnostics: r.diags, summary: r.summary.join(', ') };
}

/** Fields overlapping [off, off + len): what an access touches. */
export function fieldsAt(d: Decoded, off: number, len: number): FieldLabel[] {
  return d.fields.filter((f) => f.start < off + len && off < f.end);
}

function decodeEth(r: Reader, off: number): number {
  if (!r.has(off, 14)) {
    r.truncated('Ethernet', off, 14);
    return off;
  }
  r.f('eth', 'dst', off, 6, formatMac(r.b, off));
  r.f('eth', 'src', off + 6, 6, formatMac(r.b, off + 6));
  let type = r.u16(off + 12);
  r.f('eth', 'type', off + 12, 2, `${hex(type, 4)} (${ETHERTYPES[type] ?? (type < 0x600 ? 'length' : 'unknown')})`);
  r.layers.push({ name: 'eth', start: off, end: off + 14, summary: `${formatMac(r.b, off + 6)} > ${formatMac(r.b, off)}` });
  r.summary.push(`Ethernet ${formatMac(r.b, off + 6)} > ${formatMac(r.b, off)}`);
  off += 14;
  while (type === 0x8100 || type === 0x88a8) {
    if (!r.has(off, 4)) {
      r.truncated('VLAN', off, 4);
      return off;
    }
    const tci = r.u16(off);
    r.f('vlan', 'pcp', off, 2, String(tci >> 13), { bits: 0xe000 });
    r.f('vlan', 'dei', off, 2, String((tci >> 12) & 1), { bits: 0x1000 });
    r.f('vlan', 'vid', off, 2, String(tci & 0xfff), { bits: 0x0fff });
    type = r.u16(off + 2);
    r.f('vlan', 'type', off + 2, 2, `${hex(type, 4)} (${ETHERTYPES[type] ?? 'unknown'})`);
    r.layers.push({ name: 'vlan', start: off, end: off + 4, summary: `vlan ${tci & 0xfff}, p ${tci >> 13}` });
    r.summary.push(`vlan ${tci & 0xfff}`);
    off += 4;
  }
  switch (type) {
    case 0x0800: return decodeIPv4(r, off);
    case 0x86dd: return decodeIPv6(r, off);
    case 0x0806: return decodeArp(r, off);
    default: return off;
  }
}

function decodeArp(r: Reader, off: number): number {
  if (!r.has(off, 8)) {
    r.truncated('ARP', off, 8);
    return off;
  }
  const hln = r.u8(off + 4), pln = r.u8(off + 5), op = r.u16(off + 6);
  r.f('arp', 'htype', off, 2, String(r.u16(off)));
  r.f('arp', 'ptype', off + 2, 2, hex(r.u16(off + 2), 4));
  r.f('arp', 'hlen', off + 4, 1, String(hln));
  r.f('arp', 'plen', off + 5, 1, String(pln));
  r.f('arp', 'op', off + 6, 2, `${op} (${op === 1 ? 'request' : op === 2 ? 'reply' : 'other'})`);
  const need = 8 + 2 * hln + 2 * pln;
  if (!r.has(off, need)) {
    r.truncated('ARP', off, need);
    return off + 8;
  }
  const addr = (o: number, len: number, isHw: boolean) =>
    isHw && len === 6 ? formatMac(r.b, o) : !isHw && len === 4 ? formatIPv4(r.b, o) : Array.from(r.b.subarray(o, o + len), (x) => x.toString(16).padStart(2, '0')).join('');
  let o = off + 8;
  r.f('arp', 'sha', o, hln, addr(o, hln, true)); o += hln;
  r.f('arp', 'spa', o, pln, addr(o, pln, false)); const spa = addr(o, pln, false); o += pln;
  r.f('arp', 'tha', o, hln, addr(o, hln, true)); o += hln;
  r.f('arp', 'tpa', o, pln, addr(o, pln, false)); const tpa = addr(o, pln, false); o += pln;
  r.layers.push({ name: 'arp', start: off, end: o, summary: op === 1 ? `who-has ${tpa} tell ${spa}` : `${spa} is-at ${addr(off + 8, hln, true)}` });
  r.summary.push(op === 1 ? `ARP who-has ${tpa} tell ${spa}` : `ARP reply ${spa}`);
  return o;
}

function decodeIPv4(r: Reader, off: number): number {
  if (!r.has(off, 20)) {
    r.truncated('IPv4', off, 20);
    return off;
  }
  const vihl = r.u8(off);
  const ihl = (vihl & 0xf) * 4;
  r.f('ipv4', 'version', off, 1, String(vihl >> 4), { bits: 0xf0 });
  r.f('ipv4', 'ihl', off, 1, `${vihl & 0xf} (${ihl} bytes)`, { bits: 0x0f });
  if (vihl >> 4 !== 4) r.diags.push(warn(`IPv4 version field is ${vihl >> 4}`, { byteOffset: off }, 'packet.ipv4.version'));
  r.f('ipv4', 'tos', off + 1, 1, hex(r.u8(off + 1), 2));
  const tot = r.u16(off + 2);
  r.f('ipv4', 'tot_len', off + 2, 2, String(tot));
  r.f('ipv4', 'id', off + 4, 2, String(r.u16(off + 4)));
  const fo = r.u16(off + 6);
  r.f('ipv4', 'flags', off + 6, 2, `${fo & 0x4000 ? 'DF' : ''}${fo & 0x2000 ? 'MF' : ''}` || 'none', { bits: 0xe000 });
  r.f('ipv4', 'frag_off', off + 6, 2, String(fo & 0x1fff), { bits: 0x1fff });
  r.f('ipv4', 'ttl', off + 8, 1, String(r.u8(off + 8)));
  const proto = r.u8(off + 9);
  r.f('ipv4', 'protocol', off + 9, 1, `${proto} (${PROTOS[proto] ?? 'unknown'})`);
  const hdrOk = ihl >= 20 && r.has(off, ihl) && checksumOk(r.b, off, off + ihl);
  r.f('ipv4', 'check', off + 10, 2, hex(r.u16(off + 10), 4), { ok: hdrOk, ...(ihl >= 20 && r.has(off, ihl) ? { expected: expectedChecksum(r.b, off, off + ihl, off + 10, 0) } : {}) });
  r.f('ipv4', 'saddr', off + 12, 4, formatIPv4(r.b, off + 12));
  r.f('ipv4', 'daddr', off + 16, 4, formatIPv4(r.b, off + 16));
  if (ihl < 20) {
    r.diags.push(err(`IPv4 header length ${ihl} is below 20`, { byteOffset: off }, 'packet.ipv4.ihl'));
    return off + 20;
  }
  if (!r.has(off, ihl)) {
    r.truncated('IPv4', off, ihl);
    return off + 20;
  }
  decodeIPv4Options(r, off + 20, off + ihl);
  const src = formatIPv4(r.b, off + 12), dst = formatIPv4(r.b, off + 16);
  const end = Math.min(r.b.length, off + Math.max(tot, ihl));
  if (tot > r.b.length - off) r.diags.push(warn(`IPv4 total length ${tot} exceeds the ${r.b.length - off} captured bytes`, { byteOffset: off + 2 }, 'packet.truncated'));
  r.layers.push({ name: 'ipv4', start: off, end: off + ihl, summary: `${src} > ${dst}` });
  r.summary.push(`IP ${src} > ${dst}`);
  if ((fo & 0x1fff) !== 0) return off + ihl; // non-first fragment: no L4 header
  const l4 = off + ihl;
  return decodeL4(r, proto, l4, end, (p, len) => pseudoSumV4(r.b.subarray(off + 12, off + 16), r.b.subarray(off + 16, off + 20), p, len), (fo & 0x2000) !== 0);
}

function decodeIPv4Options(r: Reader, o: number, end: number): void {
  while (o < end) {
    const t = r.u8(o);
    if (t === 0 || t === 1) {
      r.f('ipv4', t === 0 ? 'opt.eol' : 'opt.nop', o, 1, String(t));
      o++;
      if (t === 0) {
        if (o < end) r.f('ipv4', 'opt.padding', o, end - o, `${end - o} bytes`);
        return;
      }
      continue;
    }
    const len = o + 1 < end ? r.u8(o + 1) : 0;
    if (len < 2 || o + len > end) {
      r.diags.push(err(`bad IPv4 option length ${len} at byte ${o}`, { byteOffset: o }, 'packet.ipv4.option'));
      r.f('ipv4', 'opt.bad', o, end - o, `${end - o} bytes`);
      return;
    }
    const names: Record<number, string> = { 7: 'rr', 68: 'ts', 130: 'security', 131: 'lsrr', 137: 'ssrr', 148: 'ra' };
    r.f('ipv4', `opt.${names[t] ?? `type${t}`}`, o, len, Array.from(r.b.subarray(o, o + len), (x) => x.toString(16).padStart(2, '0')).join(''));
    o += len;
  }
}

function decodeIPv6(r: Reader, off: number): number {
  if (!r.has(off, 40)) {
    r.truncated('IPv6', off, 40);
    return off;
  }
  const w = r.u32(off);
  r.f('ipv6', 'version', off, 4, String(w >>> 28), { bits: 0xf0000000 });
  r.f('ipv6', 'traffic_class', off, 4, hex((w >>> 20) & 0xff, 2), { bits: 0x0ff00000 });
  r.f('ipv6', 'flow_label', off, 4, hex(w & 0xfffff, 5), { bits: 0x000fffff });
  const plen = r.u16(off + 4);
  r.f('ipv6', 'payload_len', off + 4, 2, String(plen));
  let nh = r.u8(off + 6);
  r.f('ipv6', 'nexthdr', off + 6, 1, `${nh} (${PROTOS[nh] ?? 'unknown'})`);
  r.f('ipv6', 'hop_limit', off + 7, 1, String(r.u8(off + 7)));
  r.f('ipv6', 'saddr', off + 8, 16, formatIPv6(r.b, off + 8));
  r.f('ipv6', 'daddr', off + 24, 16, formatIPv6(r.b, off + 24));
  const src = formatIPv6(r.b, off + 8), dst = formatIPv6(r.b, off + 24);
  r.layers.push({ name: 'ipv6', start: off, end: off + 40, summary: `${src} > ${dst}` });
  r.summary.push(`IP6 ${src} > ${dst}`);
  const end = Math.min(r.b.length, off + 40 + plen);
  if (40 + plen > r.b.length - off) r.diags.push(warn(`IPv6 payload length ${plen} exceeds the ${r.b.length - off - 40} captured bytes`, { byteOffset: off + 4 }, 'packet.truncated'));
  let o = off + 40;
  let fragmented = false;
  let firstFragment = false;
  while (nh === 0 || nh === 43 || nh === 44 || nh === 60) {
    const name = nh === 0 ? 'hopopts' : nh === 43 ? 'routing' : nh === 44 ? 'frag' : 'dstopts';
    if (!r.has(o, 8)) {
      r.truncated(`IPv6 ${PROTOS[nh]}`, o, 8);
      return o;
    }
    const next = r.u8(o);
    const len = nh === 44 ? 8 : (r.u8(o + 1) + 1) * 8;
    r.f(name, 'nexthdr', o, 1, `${next} (${PROTOS[next] ?? 'unknown'})`);
    if (nh === 44) {
      r.f(name, 'reserved', o + 1, 1, String(r.u8(o + 1)));
      const fo = r.u16(o + 2);
      r.f(name, 'frag_off', o + 2, 2, `${fo >> 3} (${(fo >> 3) * 8} bytes)`, { bits: 0xfff8 });
      r.f(name, 'm', o + 2, 2, String(fo & 1), { bits: 0x0001 });
      r.f(name, 'id', o + 4, 4, hex(r.u32(o + 4), 8));
      r.summary.push(`frag (${(fo >> 3) * 8}|${fo & 1 ? 'more' : 'last'}) id ${hex(r.u32(o + 4), 8)}`);
      if ((fo >> 3) !== 0) fragmented = true;
      else if (fo & 1) firstFragment = true;
    } else {
      r.f(name, 'hdrlen', o + 1, 1, `${r.u8(o + 1)} (${len} bytes)`);
      if (!r.has(o, len)) {
        r.truncated(`IPv6 ${PROTOS[nh]}`, o, len);
        return o + 2;
      }
      if (nh === 43) {
        r.f(name, 'type', o + 2, 1, String(r.u8(o + 2)));
        r.f(name, 'segments_left', o + 3, 1, String(r.u8(o + 3)));
        r.f(name, 'data', o + 4, len - 4, `${len - 4} bytes`);
      } else r.f(name, 'options', o + 2, len - 2, `${len - 2} bytes`);
    }
    r.layers.push({ name, start: o, end: o + len, summary: PROTOS[nh] });
    nh = next;
    o += len;
  }
  if (fragmented) return o;
  return decodeL4(r, nh, o, end, (p, len) => pseudoSumV6(r.b.subarray(off + 8, off + 24), r.b.subarray(off + 24, off + 40), p, len), firstFragment);
}

/** `fragment`: the first fragment of a fragmented datagram, whose L4 checksum covers data not in this packet. */
function decodeL4(r: Reader, proto: number, off: number, end: number, pseudo: (proto: number, len: number) => number, fragment = false): number {
  const l4len = end - off;
  const complete = end <= r.b.length && !fragment;
  switch (proto) {
    case 6: {
      if (!r.has(off, 20)) {
        r.truncated('TCP', off, 20);
        return off;
      }
      const doff = (r.u8(off + 12) >> 4) * 4;
      r.f('tcp', 'source', off, 2, String(r.u16(off)));
      r.f('tcp', 'dest', off + 2, 2, String(r.u16(off + 2)));
      r.f('tcp', 'seq', off + 4, 4, String(r.u32(off + 4)));
      r.f('tcp', 'ack_seq', off + 8, 4, String(r.u32(off + 8)));
      r.f('tcp', 'doff', off + 12, 1, `${doff >> 2} (${doff} bytes)`, { bits: 0xf0 });
      r.f('tcp', 'res1', off + 12, 1, String(r.u8(off + 12) & 0xf), { bits: 0x0f });
      const fl = r.u8(off + 13);
      const flagStr = [['F', 1], ['S', 2], ['R', 4], ['P', 8], ['.', 16], ['U', 32], ['E', 64], ['W', 128]].filter(([, m]) => fl & (m as number)).map(([c]) => c).join('');
      r.f('tcp', 'flags', off + 13, 1, `[${flagStr || 'none'}]`);
      r.f('tcp', 'window', off + 14, 2, String(r.u16(off + 14)));
      const ok = complete && checksumOk(r.b, off, end, pseudo(6, l4len));
      r.f('tcp', 'check', off + 16, 2, hex(r.u16(off + 16), 4) + (fragment ? ' (first fragment: covers the whole datagram)' : ''), { ...(fragment ? {} : { ok }), ...(complete ? { expected: expectedChecksum(r.b, off, end, off + 16, pseudo(6, l4len)) } : {}) });
      r.f('tcp', 'urg_ptr', off + 18, 2, String(r.u16(off + 18)));
      if (doff < 20) {
        r.diags.push(err(`TCP data offset ${doff} is below 20`, { byteOffset: off + 12 }, 'packet.tcp.doff'));
        return off + 20;
      }
      if (!r.has(off, doff)) {
        r.truncated('TCP', off, doff);
        return off + 20;
      }
      decodeTcpOptions(r, off + 20, off + doff);
      r.layers.push({ name: 'tcp', start: off, end: off + doff, summary: `${r.u16(off)} > ${r.u16(off + 2)} [${flagStr}]` });
      r.summary.push(`TCP ${r.u16(off)} > ${r.u16(off + 2)} Flags [${flagStr}] length ${Math.max(0, l4len - doff)}`);
      return off + doff;
    }
    case 17: {
      if (!r.has(off, 8)) {
        r.truncated('UDP', off, 8);
        return off;
      }
      r.f('udp', 'source', off, 2, String(r.u16(off)));
      r.f('udp', 'dest', off + 2, 2, String(r.u16(off + 2)));
      r.f('udp', 'len', off + 4, 2, String(r.u16(off + 4)));
      const ck = r.u16(off + 6);
      const ok = ck === 0 ? true : complete && checksumOk(r.b, off, end, pseudo(17, l4len));
      r.f('udp', 'check', off + 6, 2, (ck === 0 ? '0x0000 (none)' : hex(ck, 4)) + (fragment ? ' (first fragment: covers the whole datagram)' : ''), { ...(fragment ? {} : { ok }), ...(complete ? { expected: expectedChecksum(r.b, off, end, off + 6, pseudo(17, l4len)) } : {}) });
      r.layers.push({ name: 'udp', start: off, end: off + 8, summary: `${r.u16(off)} > ${r.u16(off + 2)}` });
      r.summary.push(`UDP ${r.u16(off)} > ${r.u16(off + 2)} length ${r.u16(off + 4) - 8}`);
      return off + 8;
    }
    case 1:
    case 58: {
      const name = proto === 1 ? 'icmp' : 'icmpv6';
      if (!r.has(off, 4)) {
        r.truncated(name.toUpperCase(), off, 4);
        return off;
      }
      const type = r.u8(off);
      r.f(name, 'type', off, 1, String(type));
      r.f(name, 'code', off + 1, 1, String(r.u8(off + 1)));
      const ok = complete && checksumOk(r.b, off, end, proto === 58 ? pseudo(58, l4len) : 0);
      r.f(name, 'checksum', off + 2, 2, hex(r.u16(off + 2), 4) + (fragment ? ' (first fragment: covers the whole datagram)' : ''), { ...(fragment ? {} : { ok }), ...(complete ? { expected: expectedChecksum(r.b, off, end, off + 2, proto === 58 ? pseudo(58, l4len) : 0) } : {}) });
      const echo = proto === 1 ? type === 0 || type === 8 : type === 128 || type === 129;
      let o = off + 4;
      if (echo && r.has(off, 8)) {
        r.f(name, 'id', off + 4, 2, String(r.u16(off + 4)));
        r.f(name, 'sequence', off + 6, 2, String(r.u16(off + 6)));
        o = off + 8;
      } else if (r.has(off, 8)) {
        r.f(name, 'rest', off + 4, 4, hex(r.u32(off + 4), 8));
        o = off + 8;
      }
      const what = echo ? (type === 8 || type === 128 ? 'echo request' : 'echo reply') : `type ${type}`;
      r.layers.push({ name, start: off, end: o, summary: what });
      r.summary.push(`${proto === 1 ? 'ICMP' : 'ICMP6'} ${what}`);
      return o;
    }
    default:
      return off;
  }
}

function decodeTcpOptions(r: Reader, o: number, end: number): void {
  while (o < end) {
    const k = r.u8(o);
    if (k === 0) {
      r.f('tcp', 'opt.eol', o, end - o, 'end of options');
      return;
    }
    if (k === 1) {
      r.f('tcp', 'opt.nop', o, 1, 'nop');
      o++;
      continue;
    }
    const len = o + 1 < end ? r.u8(o + 1) : 0;
    if (len < 2 || o + len > end) {
      r.diags.push(err(`bad TCP option length ${len} at byte ${o}`, { byteOffset: o }, 'packet.tcp.option'));
      r.f('tcp', 'opt.bad', o, end - o, `${end - o} bytes`);
      return;
    }
    let name = `opt.kind${k}`, value = `${len} bytes`;
    if (k === 2 && len === 4) { name = 'opt.mss'; value = String(r.u16(o + 2)); }
    else if (k === 3 && len === 3) { name = 'opt.wscale'; value = String(r.u8(o + 2)); }
    else if (k === 4) { name = 'opt.sackOK'; value = 'sackOK'; }
    else if (k === 5) { name = 'opt.sack'; value = `${(len - 2) / 8} blocks`; }
    else if (k === 8 && len === 10) { name = 'opt.ts'; value = `val ${r.u32(o + 2)} ecr ${r.u32(o + 6)}`; }
    r.f('tcp', name, o, len, value);
    o += len;
  }
}
