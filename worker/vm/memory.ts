// The VM's address space: typed, bounds-checked regions at fixed kernel-looking 64-bit addresses.
//
// Each region (ctx, one 512-byte stack per bpf-to-bpf frame, packet, packet meta, one per map's value
// area, ringbuf records, plain memory for the conformance runner) has a base address, a size and access
// rights. Every load and store names the region it lands in; an access outside every region, past a
// region's end, across two map values, or a write to a read-only region raises a fault naming the
// instruction, the address, the size and the region. Nothing outside the regions is ever touched.
//
// Addresses are 64-bit but handled as two 32-bit halves (lo, hi) for speed: every region lives inside
// one 4 GiB window (its `hi` word) and never wraps its low word, so a region check is two compares.
//
// A ctx region may declare pointer fields: loading `__sk_buff.data` (a u32 in the UAPI struct) gives
// the packet's address as a 64-bit value, as the kernel's ctx rewriting (convert_ctx_access in
// net/core/filter.c) does. It may also declare converted fields (`convFields`): UAPI fields the kernel
// rewrites to a narrower kernel field (skb->protocol is a u16, pkt_type a 3-bit field, queue_mapping a u16
// whose store is skipped for values >= NO_QUEUE_MAPPING). Loads of those follow the verifier's narrow-load
// rule (kernel/bpf/verifier.c convert_ctx_accesses): the kernel loads the whole target field, then shifts
// and masks only when the access is narrower than the target — so a 2-byte read of the upper half of
// __sk_buff.protocol still yields the whole u16. Stores truncate to the target or are skipped as the
// rewritten store does. Both kinds are found through a per-byte table, so a plain ctx load costs one
// array read more than a stack load.
//
// Fixed bases (chosen to look like x86-64 kernel addresses; none overlap):
//   ctx            0xffff888004a1c000   (direct map, where an sk_buff or xdp_buff lives)
//   packet         0xffff888112340100   (direct map; the packet meta area sits just below it, 256 bytes
//                                         of headroom as XDP_PACKET_HEADROOM)
//   stack frames   0xffffc90000a40000   (vmalloc'd kernel stack); frame k's r10 is
//                  STACK_TOP - k * 0x1000 and its 512 bytes are [r10 - 512, r10). The frames are a page
//                  apart (the kernel's are contiguous) so that an access past a frame's 512 bytes faults
//                  instead of landing silently in the next frame.
//   map i structs  0xffff888120000000 + i * 0x400  (opaque: not readable by programs)
//   map i values   0xffffc901_00100000 + i * 2^32  (one 4 GiB window per map)
//   ringbuf data   a ringbuf map's data area (2 x its size, see worker/maps/ringbuf.ts) is its map's value
//                  window, as a region of kind 'ringbuf' (RINGBUF_BASE is unused)
//   plain mem      0xffff888130000000   (the conformance runner's `mem`)
//   code           0xffffffffc0000000 + pc * 8  (BPF_PSEUDO_FUNC addresses; not readable)
// This module does not decode instructions nor know program types.

export type RegionKind = 'ctx' | 'stack' | 'packet' | 'packet_meta' | 'map_value' | 'map' | 'ringbuf' | 'mem' | 'other';

/** A ctx field that, when loaded, yields an address: `target` is a region name, or `<name>_end` for its end;
 * a target region that does not exist in the run loads as 0 (NULL). */
export interface PtrField {
  off: number;
  size: number;
  target: string;
}

/**
 * A ctx field that convert_ctx_access rewrites to a narrower kernel field (the data is CtxConv in
 * worker/progtypes/ctx.ts). The region's bytes hold the UAPI value (what a full-width load yields).
 */
export interface ConvField {
  off: number;
  /** The UAPI field's size, the verifier's ctx_field_size (4). */
  size: number;
  /** target_size: bytes of the kernel field the rewritten load reads (1 or 2). */
  target: number;
  /** Bits of the UAPI u32 the kernel field can hold (pkt_type 0x7, u16 fields 0xffff, remote_port 0xffff0000). */
  mask: number;
  /** An all-ones value loads as the 64-bit -1 the rewrite materialises (bpf_sock.rx_queue_mapping). */
  minusOne?: boolean;
  /** Full-width stores: 'u16' truncates (BPF_STX_MEM(BPF_H)); 'queue_mapping' also skips values >= 0xffff. */
  store?: 'u16' | 'queue_mapping';
}

export interface RegionSpec {
  name: string;
  kind: RegionKind;
  base: bigint;
  bytes: Uint8Array;
  readable?: boolean;
  writable?: boolean;
  /** Accesses may not cross elements: each element is `elemStride` bytes apart, of which `elemSize` are usable. */
  elemStride?: number;
  elemSize?: number;
  ptrFields?: PtrField[];
  convFields?: ConvField[];
  /** Byte length visible to the program (defaults to bytes.length); the packet uses it when bytes has headroom. */
}

export interface Region {
  readonly name: string;
  readonly kind: RegionKind;
  base: bigint;
  hi: number;
  lo: number; // unsigned
  bytes: Uint8Array;
  dv: DataView;
  readonly readable: boolean;
  readonly writable: boolean;
  readonly elemStride: number;
  readonly elemSize: number;
  readonly ptrFields: PtrField[] | null;
  readonly convFields: ConvField[] | null;
  /** Per byte offset: 0, or 1 + index into `specials` of the pointer/converted field starting or lying there. */
  readonly special: Uint8Array | null;
  readonly specials: readonly Special[];
}

type Special = { ptr: PtrField; conv: null } | { ptr: null; conv: ConvField };

function specialTable(len: number, ptrs: PtrField[] | null, convs: ConvField[] | null): { special: Uint8Array | null; specials: Special[] } {
  const specials: Special[] = [];
  if (!ptrs && !convs) return { special: null, specials };
  const special = new Uint8Array(len);
  for (const c of convs ?? []) {
    specials.push({ ptr: null, conv: c });
    for (let i = c.off; i < c.off + c.size && i < len; i++) special[i] = specials.length;
  }
  for (const p of ptrs ?? []) {
    specials.push({ ptr: p, conv: null });
    if (p.off >= 0 && p.off < len) special[p.off] = specials.length;
  }
  if (specials.length > 255) throw new Error('too many special ctx fields');
  return { special, specials };
}

export const CTX_BASE = 0xffff888004a1c000n;
export const PACKET_BASE = 0xffff888112340100n;
export const STACK_TOP = 0xffffc90000a40000n;
export const MAP_PTR_BASE = 0xffff888120000000n;
export const MAP_PTR_STRIDE = 0x400n;
export const MAP_VALUE_BASE = 0xffffc90100100000n;
export const MAP_VALUE_WINDOW = 0x100000000n;
export const RINGBUF_BASE = 0xffffc9ff00100000n;
export const MEM_BASE = 0xffff888130000000n;
export const CODE_BASE = 0xffffffffc0000000n;
export const MAX_BPF_STACK = 512;
export const MAX_CALL_FRAMES = 8;
/** Distance between the tops of two consecutive bpf-to-bpf stack frames. */
export const FRAME_STRIDE = 0x1000;
/** r10 of frame k (0 = the main function). */
export const framePointer = (k: number): bigint => STACK_TOP - BigInt(FRAME_STRIDE * k);

export const hex = (v: bigint): string => '0x' + BigInt.asUintN(64, v).toString(16);
export const join64 = (lo: number, hi: number): bigint => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);

/** A fault raised inside the VM; caught by the VM and turned into `{ insn, message }`. Never escapes the API. */
export class VmFault {
  constructor(public insn: number, public message: string) {}
}

/** One recorded memory write (for step records and back-step). */
export interface MemWrite {
  region: string;
  offset: number;
  addr: bigint;
  before: Uint8Array;
  after: Uint8Array;
}

/** One recorded memory read (for step records: what an instruction or helper read). */
export interface MemRead {
  region: string;
  offset: number;
  size: number;
  addr: bigint;
}

export class Memory {
  /** When set, every read appends here (step mode). */
  readRec: MemRead[] | null = null;
  regions: Region[] = [];
  private byName = new Map<string, Region>();
  /** When set, every write appends here (step mode). */
  rec: MemWrite[] | null = null;
  private last: Region | null = null;

  add(spec: RegionSpec): Region {
    const base = BigInt.asUintN(64, spec.base);
    const ptrFields = spec.ptrFields?.length ? spec.ptrFields : null;
    const convFields = spec.convFields?.length ? spec.convFields : null;
    const r: Region = {
      name: spec.name, kind: spec.kind, base, hi: Number(base >> 32n) | 0, lo: Number(base & 0xffffffffn),
      bytes: spec.bytes, dv: new DataView(spec.bytes.buffer, spec.bytes.byteOffset, spec.bytes.byteLength),
      readable: spec.readable ?? true, writable: spec.writable ?? true,
      elemStride: spec.elemStride ?? 0, elemSize: spec.elemSize ?? 0, ptrFields, convFields,
      ...specialTable(spec.bytes.length, ptrFields, convFields),
    };
    if (r.lo + r.bytes.length > 0x100000000) throw new Error(`region ${r.name} wraps its 4 GiB window`);
    for (const o of this.regions) {
      if (o.hi === r.hi && r.lo < o.lo + o.bytes.length && o.lo < r.lo + r.bytes.length) {
        throw new Error(`region ${r.name} overlaps ${o.name}`);
      }
    }
    this.regions.push(r);
    this.byName.set(r.name, r);
    return r;
  }

  /**
   * Moves and/or resizes a region (bpf_xdp_adjust_head/tail/meta, bpf_skb_change_*): new base and bytes.
   * A message explains a refusal (overlap, wrap); the region is unchanged then.
   */
  remap(name: string, base: bigint, bytes: Uint8Array): true | string {
    const r = this.byName.get(name);
    if (!r) return `no region named ${name}`;
    const b = BigInt.asUintN(64, base);
    const hi = Number(b >> 32n) | 0;
    const lo = Number(b & 0xffffffffn);
    if (lo + bytes.length > 0x100000000) return `region ${name} would wrap its 4 GiB window`;
    for (const o of this.regions) {
      if (o !== r && o.hi === hi && lo < o.lo + o.bytes.length && o.lo < lo + bytes.length) return `region ${name} would overlap ${o.name}`;
    }
    r.base = b;
    r.hi = hi;
    r.lo = lo;
    r.bytes = bytes;
    r.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.last = null;
    this.remapped = true;
    return true;
  }
  /** Set when a region was remapped since the flag was last cleared (the VM then undoes by replay). */
  remapped = false;

  get(name: string): Region | undefined {
    return this.byName.get(name);
  }

  /** Address of a pointer-field target ('packet', 'packet_end', 'packet_meta', any region name [+ '_end']). */
  targetAddr(target: string): bigint | null {
    const end = target.endsWith('_end');
    const r = this.byName.get(end ? target.slice(0, -4) : target);
    if (!r) return null;
    return end ? r.base + BigInt(r.bytes.length) : r.base;
  }

  /** Which region holds [addr, addr+size), or a message saying why none does. */
  resolve(lo: number, hi: number, size: number, write: boolean, pc: number): { r: Region; off: number } {
    const u = lo >>> 0;
    let r = this.last;
    if (r !== null && r.hi === hi) {
      const off = u - r.lo;
      if (off >= 0 && off + size <= r.bytes.length) return this.check(r, off, size, write, pc, lo, hi);
    }
    for (let i = 0; i < this.regions.length; i++) {
      r = this.regions[i]!;
      if (r.hi !== hi) continue;
      const off = u - r.lo;
      if (off >= 0 && off + size <= r.bytes.length) {
        this.last = r;
        return this.check(r, off, size, write, pc, lo, hi);
      }
    }
    throw new VmFault(pc, this.describeMiss(lo, hi, size, write));
  }

  private check(r: Region, off: number, size: number, write: boolean, pc: number, lo: number, hi: number): { r: Region; off: number } {
    if (write ? !r.writable : !r.readable) {
      throw new VmFault(pc, `invalid ${write ? 'write to' : 'read from'} ${write ? 'read-only' : 'unreadable'} region ${r.name}: ${size} bytes at ${hex(join64(lo, hi))} (${r.name}+${off})`);
    }
    if (r.elemStride > 0) {
      const inElem = off % r.elemStride;
      if (inElem + size > r.elemSize) {
        throw new VmFault(pc, `invalid ${write ? 'write' : 'read'} of ${size} bytes at ${hex(join64(lo, hi))}: crosses the end of a ${r.elemSize}-byte value in ${r.name} (element ${Math.floor(off / r.elemStride)}, offset ${inElem})`);
      }
    }
    return { r, off };
  }

  describeMiss(lo: number, hi: number, size: number, write: boolean): string {
    const addr = join64(lo, hi);
    const what = `${write ? 'write' : 'read'} of ${size} bytes at ${hex(addr)}`;
    for (const r of this.regions) {
      if (r.hi !== hi) continue;
      const off = (lo >>> 0) - r.lo;
      if (off >= -64 && off <= r.bytes.length + 64) {
        if (off >= 0 && off < r.bytes.length) return `out-of-bounds ${what}: ${r.name}+${off} runs past the end of ${r.name} (${r.bytes.length} bytes)`;
        return `out-of-bounds ${what}: ${off < 0 ? `${-off} bytes before` : `${off - r.bytes.length} bytes after the end of`} ${r.name} (${r.name} is ${r.bytes.length} bytes at ${hex(r.base)})`;
      }
    }
    if (addr < 0x10000n) return `invalid ${what}: NULL pointer dereference (no region there)`;
    return `invalid ${what}: the address is in no region`;
  }

  /** Loads `size` bytes little-endian; returns lo, writes hi into out[1] (zero unless size 8). */
  load(pc: number, lo: number, hi: number, size: number, out: Int32Array): number {
    const { r, off } = this.resolve(lo, hi, size, false, pc);
    if (this.readRec !== null) this.readRec.push({ region: r.name, offset: off, size, addr: join64(lo, hi) });
    if (r.special !== null) {
      const k = r.special[off];
      if (k) {
        const v = this.loadSpecial(r, r.specials[k - 1]!, off, size, out);
        if (v !== null) return v;
      }
    }
    const dv = r.dv;
    switch (size) {
      case 1: out[1] = 0; return dv.getUint8(off);
      case 2: out[1] = 0; return dv.getUint16(off, true);
      case 4: out[1] = 0; return dv.getInt32(off, true);
      default: out[1] = dv.getInt32(off + 4, true); return dv.getInt32(off, true);
    }
  }

  /** A load at a pointer or converted field; null when the access is not one the rewrite covers (plain bytes). */
  private loadSpecial(r: Region, s: Special, off: number, size: number, out: Int32Array): number | null {
    if (s.ptr !== null) {
      const f = s.ptr;
      if (off !== f.off || size < f.size || size > 8) return null;
      // A target this run does not have reads as NULL (e.g. __sk_buff->sk without a socket).
      const a = this.targetAddr(f.target) ?? 0n;
      out[1] = Number(a >> 32n) | 0;
      return Number(a & 0xffffffffn) | 0;
    }
    const c = s.conv;
    if (size > c.size || off + size > c.off + c.size) return null;
    const v = (r.dv.getUint32(c.off, true) & c.mask) >>> 0;
    if (size < c.target) {
      // convert_ctx_accesses: the target-width load, then ALU32 RSH by the narrow offset and AND.
      out[1] = 0;
      return (v >>> ((off - c.off) * 8)) & (size === 1 ? 0xff : 0xffff);
    }
    // As wide as the target or wider: the rewritten load alone, whatever the offset inside the UAPI field.
    out[1] = c.minusOne && v === 0xffffffff ? -1 : 0;
    return v | 0;
  }

  /** Stores the low `size` bytes of (lo, hi) little-endian. `imm`: the value is a BPF_ST immediate. */
  store(pc: number, lo: number, hi: number, size: number, vlo: number, vhi: number, imm?: boolean): void {
    const { r, off } = this.resolve(lo, hi, size, true, pc);
    if (r.special !== null) {
      const k = r.special[off];
      if (k) {
        const c = r.specials[k - 1]!.conv;
        if (c !== null && c.store && off === c.off && size === c.size) {
          // queue_mapping: JGE src_reg, NO_QUEUE_MAPPING skips the store (64-bit compare); a BPF_ST
          // immediate is compared as the s32 it is.
          if (c.store === 'queue_mapping' && (imm ? vlo >= 0xffff : vhi !== 0 || vlo >>> 0 >= 0xffff)) return;
          vlo &= 0xffff;
          vhi = 0;
        }
      }
    }
    const rec = this.rec;
    const before = rec !== null ? r.bytes.slice(off, off + size) : null;
    const dv = r.dv;
    switch (size) {
      case 1: dv.setUint8(off, vlo & 0xff); break;
      case 2: dv.setUint16(off, vlo & 0xffff, true); break;
      case 4: dv.setInt32(off, vlo, true); break;
      default: dv.setInt32(off, vlo, true); dv.setInt32(off + 4, vhi, true);
    }
    if (rec !== null) rec.push({ region: r.name, offset: off, addr: join64(lo, hi), before: before!, after: r.bytes.slice(off, off + size) });
  }

  /** Bytes at a 64-bit address (helpers); a message when not readable. Returns a copy. */
  readBytes(addr: bigint, len: number): Uint8Array | string {
    if (len === 0) return new Uint8Array(0);
    try {
      const a = BigInt.asUintN(64, addr);
      const { r, off } = this.resolve(Number(a & 0xffffffffn) | 0, Number(a >> 32n) | 0, len, false, -1);
      if (this.readRec !== null) this.readRec.push({ region: r.name, offset: off, size: len, addr: a });
      return r.bytes.slice(off, off + len);
    } catch (e) {
      if (e instanceof VmFault) return e.message;
      throw e;
    }
  }

  /** Writes bytes at a 64-bit address (helpers), recorded like a store. */
  writeBytes(addr: bigint, data: Uint8Array): true | string {
    if (data.length === 0) return true;
    try {
      const a = BigInt.asUintN(64, addr);
      const { r, off } = this.resolve(Number(a & 0xffffffffn) | 0, Number(a >> 32n) | 0, data.length, true, -1);
      const before = this.rec !== null ? r.bytes.slice(off, off + data.length) : null;
      r.bytes.set(data, off);
      if (this.rec !== null) this.rec.push({ region: r.name, offset: off, addr: a, before: before!, after: data.slice() });
      return true;
    } catch (e) {
      if (e instanceof VmFault) return e.message;
      throw e;
    }
  }

  /** Where an address points, for display: "stack0-8", "packet+14", or null. */
  describe(addr: bigint): string | null {
    const a = BigInt.asUintN(64, addr);
    for (const r of this.regions) {
      if (a >= r.base && a <= r.base + BigInt(r.bytes.length)) {
        const off = Number(a - r.base);
        if (r.kind === 'stack') return `${r.name}-${r.bytes.length - off}`;
        return `${r.name}+${off}`;
      }
    }
    return null;
  }
}
