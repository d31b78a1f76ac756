// pcap and pcapng files: read and write captures of Ethernet frames. pcap follows the libpcap format
// (draft-ietf-opsawg-pcap: magic 0xa1b2c3d4 microseconds / 0xa1b23c4d nanoseconds, either byte order);
// pcapng follows draft-ietf-opsawg-pcapng (Section Header, Interface Description with if_tsresol,
// Enhanced and Simple Packet blocks, both byte orders; other block types are skipped). Only link type 1
// (LINKTYPE_ETHERNET) is accepted; anything else, and any truncation, is a diagnostic at a byte offset.
// Nothing throws. It does not decode packet contents (decode.ts).

import { err, warn, type Diagnostic } from '../util/diag';

export const LINKTYPE_ETHERNET = 1;

export interface CapturedPacket {
  /** Seconds since the epoch. */
  tsSec: number;
  /** Nanoseconds within the second. */
  tsNsec: number;
  /** Length on the wire (may exceed data.length when the capture was cut at the snap length). */
  origLen: number;
  data: Uint8Array;
  /** pcapng: index of the interface the packet was captured on. */
  ifIndex?: number;
}

export interface Capture {
  format: 'pcap' | 'pcapng';
  /** pcap: the file's timestamp resolution; pcapng: that of the first interface. */
  resolution: 'us' | 'ns';
  snaplen: number;
  linkType: number;
  littleEndian: boolean;
  packets: CapturedPacket[];
}

export interface CaptureResult { capture: Capture | null; diagnostics: Diagnostic[] }

const LINKTYPE_NAMES: Record<number, string> = { 0: 'BSD loopback (NULL)', 1: 'Ethernet', 101: 'raw IP', 113: 'Linux cooked (SLL)', 127: '802.11 radiotap', 228: 'raw IPv4', 229: 'raw IPv6', 276: 'Linux cooked v2 (SLL2)' };

function linkTypeError(lt: number, off: number): Diagnostic {
  return err(`unsupported link type ${lt} (${LINKTYPE_NAMES[lt] ?? 'unknown'}): only Ethernet (1) captures can be loaded`, { byteOffset: off }, 'pcap.linktype');
}

class View {
  readonly dv: DataView;
  constructor(readonly b: Uint8Array, public le: boolean) {
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  u16(o: number) { return this.dv.getUint16(o, this.le); }
  u32(o: number) { return this.dv.getUint32(o, this.le); }
}

/** Reads a pcap or pcapng file, whichever its magic number says. */
export function readCapture(bytes: Uint8Array): CaptureResult {
  if (bytes.length < 4) return { capture: null, diagnostics: [err(`file too short for a capture header: ${bytes.length} bytes`, { byteOffset: 0 }, 'pcap.truncated')] };
  const be = (bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]) >>> 0;
  if (be === 0x0a0d0d0a) return readPcapng(bytes);
  return readPcap(bytes);
}

export function readPcap(bytes: Uint8Array): CaptureResult {
  const d: Diagnostic[] = [];
  if (bytes.length < 24) return { capture: null, diagnostics: [err(`truncated pcap file header: needs 24 bytes, file has ${bytes.length}`, { byteOffset: 0 }, 'pcap.truncated')] };
  const v = new View(bytes, true);
  const magicLE = v.u32(0);
  let resolution: 'us' | 'ns';
  if (magicLE === 0xa1b2c3d4 || magicLE === 0xa1b23c4d) {
    v.le = true;
    resolution = magicLE === 0xa1b2c3d4 ? 'us' : 'ns';
  } else {
    v.le = false;
    const m = v.u32(0);
    if (m !== 0xa1b2c3d4 && m !== 0xa1b23c4d)
      return { capture: null, diagnostics: [err(`not a pcap or pcapng file (magic 0x${magicLE.toString(16).padStart(8, '0')})`, { byteOffset: 0 }, 'pcap.magic')] };
    resolution = m === 0xa1b2c3d4 ? 'us' : 'ns';
  }
  const major = v.u16(4), minor = v.u16(6);
  if (major !== 2) d.push(warn(`unusual pcap version ${major}.${minor}`, { byteOffset: 4 }, 'pcap.version'));
  const snaplen = v.u32(16);
  const linkType = v.u32(20) & 0x0fffffff; // upper bits: FCS length flags
  if (linkType !== LINKTYPE_ETHERNET) return { capture: null, diagnostics: [...d, linkTypeError(linkType, 20)] };
  const packets: CapturedPacket[] = [];
  let o = 24;
  while (o < bytes.length) {
    if (o + 16 > bytes.length) {
      d.push(err(`truncated pcap record header at byte ${o}: needs 16 bytes, ${bytes.length - o} left`, { byteOffset: o }, 'pcap.truncated'));
      break;
    }
    const tsSec = v.u32(o), frac = v.u32(o + 4), incl = v.u32(o + 8), orig = v.u32(o + 12);
    if (o + 16 + incl > bytes.length) {
      d.push(err(`truncated pcap record at byte ${o}: captured length ${incl} but only ${bytes.length - o - 16} bytes left`, { byteOffset: o + 8 }, 'pcap.truncated'));
      break;
    }
    if (incl > Math.max(snaplen, 262144)) d.push(warn(`record at byte ${o} is longer (${incl}) than the snap length ${snaplen}`, { byteOffset: o + 8 }, 'pcap.snaplen'));
    packets.push({ tsSec, tsNsec: resolution === 'us' ? frac * 1000 : frac, origLen: orig, data: bytes.slice(o + 16, o + 16 + incl) });
    o += 16 + incl;
  }
  return { capture: { format: 'pcap', resolution, snaplen, linkType, littleEndian: v.le, packets }, diagnostics: d };
}

export interface WriteOptions { resolution?: 'us' | 'ns'; snaplen?: number; littleEndian?: boolean }

export function writePcap(packets: readonly CapturedPacket[], opts: WriteOptions = {}): Uint8Array {
  const ns = opts.resolution === 'ns';
  const le = opts.littleEndian ?? true;
  const size = 24 + packets.reduce((n, p) => n + 16 + p.data.length, 0);
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, ns ? 0xa1b23c4d : 0xa1b2c3d4, le);
  dv.setUint16(4, 2, le);
  dv.setUint16(6, 4, le);
  dv.setUint32(16, opts.snaplen ?? 262144, le);
  dv.setUint32(20, LINKTYPE_ETHERNET, le);
  let o = 24;
  for (const p of packets) {
    dv.setUint32(o, p.tsSec >>> 0, le);
    dv.setUint32(o + 4, ns ? p.tsNsec : Math.floor(p.tsNsec / 1000), le);
    dv.setUint32(o + 8, p.data.length, le);
    dv.setUint32(o + 12, Math.max(p.origLen, p.data.length), le);
    out.set(p.data, o + 16);
    o += 16 + p.data.length;
  }
  return out;
}

// ---- pcapng ----

interface Iface { linkType: number; snaplen: number; tsUnitsPerSec: bigint; tsOffset: bigint }

export function readPcapng(bytes: Uint8Array): CaptureResult {
  const d: Diagnostic[] = [];
  const v = new View(bytes, true);
  const packets: CapturedPacket[] = [];
  let ifaces: Iface[] = [];
  let first: { resolution: 'us' | 'ns'; snaplen: number; le: boolean } | null = null;
  let o = 0;
  let sawShb = false;
  while (o < bytes.length) {
    if (o + 12 > bytes.length) {
      d.push(err(`truncated pcapng block header at byte ${o}: needs 12 bytes, ${bytes.length - o} left`, { byteOffset: o }, 'pcap.truncated'));
      break;
    }
    const rawType = new View(bytes, false).u32(o);
    if (rawType === 0x0a0d0d0a) {
      // Section Header Block: its byte-order magic decides this section's endianness.
      if (o + 28 > bytes.length) {
        d.push(err(`truncated pcapng section header at byte ${o}`, { byteOffset: o }, 'pcap.truncated'));
        break;
      }
      const bom = new View(bytes, true).u32(o + 8);
      if (bom === 0x1a2b3c4d) v.le = true;
      else if (bom === 0x4d3c2b1a) v.le = false;
      else {
        d.push(err(`bad pcapng byte-order magic 0x${bom.toString(16)} at byte ${o + 8}`, { byteOffset: o + 8 }, 'pcap.magic'));
        break;
      }
      if (v.u16(o + 12) !== 1) d.push(warn(`unusual pcapng version ${v.u16(o + 12)}.${v.u16(o + 14)}`, { byteOffset: o + 12 }, 'pcap.version'));
      sawShb = true;
      ifaces = [];
    } else if (!sawShb) {
      return { capture: null, diagnostics: [err('pcapng file does not start with a Section Header Block', { byteOffset: 0 }, 'pcap.magic')] };
    }
    const type = v.u32(o);
    const len = v.u32(o + 4);
    if (len < 12 || len % 4 !== 0) {
      d.push(err(`bad pcapng block length ${len} at byte ${o + 4}`, { byteOffset: o + 4 }, 'pcap.blocklen'));
      break;
    }
    if (o + len > bytes.length) {
      d.push(err(`truncated pcapng block at byte ${o}: block length ${len} but only ${bytes.length - o} bytes left`, { byteOffset: o + 4 }, 'pcap.truncated'));
      break;
    }
    if (v.u32(o + len - 4) !== len) {
      d.push(err(`pcapng block at byte ${o}: trailing length ${v.u32(o + len - 4)} differs from ${len}`, { byteOffset: o + len - 4 }, 'pcap.blocklen'));
      break;
    }
    const body = o + 8, bodyEnd = o + len - 4;
    switch (type) {
      case 0x0a0d0d0a:
        break;
      case 1: {
        // Interface Description Block
        const linkType = v.u16(body);
        const snaplen = v.u32(body + 4);
        let tsUnitsPerSec = 1_000_000n;
        let tsOffset = 0n;
        for (const opt of options(v, body + 8, bodyEnd, d)) {
          if (opt.code === 9 && opt.len >= 1) {
            const r = bytes[opt.off];
            tsUnitsPerSec = r & 0x80 ? 1n << BigInt(r & 0x7f) : 10n ** BigInt(r & 0x7f);
          } else if (opt.code === 14 && opt.len === 8) {
            tsOffset = BigInt(v.u32(opt.off + (v.le ? 4 : 0))) * 0x100000000n + BigInt(v.u32(opt.off + (v.le ? 0 : 4)));
          }
        }
        if (linkType !== LINKTYPE_ETHERNET) return { capture: null, diagnostics: [...d, linkTypeError(linkType, body)] };
        ifaces.push({ linkType, snaplen, tsUnitsPerSec, tsOffset });
        first ??= { resolution: tsUnitsPerSec === 1_000_000_000n ? 'ns' : 'us', snaplen, le: v.le };
        break;
      }
      case 6: {
        // Enhanced Packet Block
        const ifId = v.u32(body);
        const iface = ifaces[ifId];
        if (!iface) {
          d.push(err(`enhanced packet block at byte ${o} names interface ${ifId}, but only ${ifaces.length} are described`, { byteOffset: body }, 'pcap.iface'));
          break;
        }
        const ts = BigInt(v.u32(body + 4)) * 0x100000000n + BigInt(v.u32(body + 8));
        const capLen = v.u32(body + 12), origLen = v.u32(body + 16);
        if (body + 20 + capLen > bodyEnd) {
          d.push(err(`enhanced packet block at byte ${o}: captured length ${capLen} exceeds the block`, { byteOffset: body + 12 }, 'pcap.truncated'));
          break;
        }
        const { sec, nsec } = splitTs(ts, iface);
        packets.push({ tsSec: sec, tsNsec: nsec, origLen, data: bytes.slice(body + 20, body + 20 + capLen), ifIndex: ifId });
        break;
      }
      case 3: {
        // Simple Packet Block: interface 0, no timestamp; captured length = min(orig, snaplen, block room).
        const iface = ifaces[0];
        if (!iface) {
          d.push(err(`simple packet block at byte ${o} without an interface description`, { byteOffset: o }, 'pcap.iface'));
          break;
        }
        const origLen = v.u32(body);
        const room = bodyEnd - (body + 4);
        const capLen = Math.min(origLen, iface.snaplen || origLen, room);
        packets.push({ tsSec: 0, tsNsec: 0, origLen, data: bytes.slice(body + 4, body + 4 + capLen), ifIndex: 0 });
        break;
      }
      case 2:
        d.push(warn(`obsolete pcapng Packet Block at byte ${o} skipped`, { byteOffset: o }, 'pcap.obsolete'));
        break;
      default:
        break; // name resolution, statistics, custom blocks: not packets
    }
    o += len;
  }
  if (!first) {
    if (!d.some((x) => x.severity === 'error')) d.push(err('pcapng file has no interface description block', { byteOffset: 0 }, 'pcap.iface'));
    return { capture: null, diagnostics: d };
  }
  return { capture: { format: 'pcapng', resolution: first.resolution, snaplen: first.snaplen, linkType: LINKTYPE_ETHERNET, littleEndian: first.le, packets }, diagnostics: d };
}

function splitTs(ts: bigint, iface: Iface): { sec: number; nsec: number } {
  const t = ts + iface.tsOffset * iface.tsUnitsPerSec;
  const sec = t / iface.tsUnitsPerSec;
  const rem = t % iface.tsUnitsPerSec;
  return { sec: Number(sec), nsec: Number((rem * 1_000_000_000n) / iface.tsUnitsPerSec) };
}

function* options(v: View, o: number, end: number, d: Diagnostic[]): Generator<{ code: number; len: number; off: number }> {
  while (o + 4 <= end) {
    const code = v.u16(o), len = v.u16(o + 2);
    if (code === 0) return;
    if (o + 4 + len > end) {
      d.push(warn(`pcapng option ${code} at byte ${o} runs past its block`, { byteOffset: o }, 'pcap.option'));
      return;
    }
    yield { code, len, off: o + 4 };
    o += 4 + ((len + 3) & ~3);
  }
}

/** Writes a pcapng file: one section, one Ethernet interface, Enhanced Packet Blocks. */
export function writePcapng(packets: readonly CapturedPacket[], opts: WriteOptions = {}): Uint8Array {
  const le = opts.littleEndian ?? true;
  const ns = opts.resolution === 'ns';
  const blocks: Uint8Array[] = [];
  const block = (type: number, bodyLen: number, fill: (dv: DataView, body: number) => void) => {
    const len = 12 + ((bodyLen + 3) & ~3);
    const b = new Uint8Array(len);
    const dv = new DataView(b.buffer);
    dv.setUint32(0, type, le);
    dv.setUint32(4, len, le);
    fill(dv, 8);
    dv.setUint32(len - 4, len, le);
    blocks.push(b);
  };
  block(0x0a0d0d0a, 16, (dv, o) => {
    dv.setUint32(o, 0x1a2b3c4d, le);
    dv.setUint16(o + 4, 1, le);
    dv.setUint16(o + 6, 0, le);
    dv.setUint32(o + 8, 0xffffffff, le); // section length unknown (-1)
    dv.setUint32(o + 12, 0xffffffff, le);
  });
  // IDB: link type, reserved, snaplen, options: if_tsresol (9) when nanoseconds, then opt_endofopt.
  block(1, 8 + (ns ? 8 + 4 : 0), (dv, o) => {
    dv.setUint16(o, LINKTYPE_ETHERNET, le);
    dv.setUint32(o + 4, opts.snaplen ?? 262144, le);
    if (ns) {
      dv.setUint16(o + 8, 9, le);
      dv.setUint16(o + 10, 1, le);
      dv.setUint8(o + 12, 9);
      dv.setUint32(o + 16, 0, le);
    }
  });
  for (const p of packets) {
    block(6, 20 + p.data.length, (dv, o) => {
      const units = BigInt(p.tsSec) * (ns ? 1_000_000_000n : 1_000_000n) + BigInt(ns ? p.tsNsec : Math.floor(p.tsNsec / 1000));
      dv.setUint32(o, 0, le);
      dv.setUint32(o + 4, Number(units >> 32n), le);
      dv.setUint32(o + 8, Number(units & 0xffffffffn), le);
      dv.setUint32(o + 12, p.data.length, le);
      dv.setUint32(o + 16, Math.max(p.origLen, p.data.length), le);
      new Uint8Array(dv.buffer).set(p.data, o + 20);
    });
  }
  const total = blocks.reduce((n, b) => n + b.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const b of blocks) {
    out.set(b, o);
    o += b.length;
  }
  return out;
}
