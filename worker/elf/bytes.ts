// Bounds-checked little-endian reads over a byte array, for the ELF and BTF parsers. A read past the
// end throws FormatError (an internal exception that the parsers catch and turn into a located
// diagnostic; it never leaves worker/elf). Writes are the growing ByteWriter used by the ELF writer.

export class FormatError extends Error {
  constructor(
    message: string,
    readonly byteOffset: number,
  ) {
    super(message);
  }
}

export class ByteReader {
  private readonly dv: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  get length(): number {
    return this.bytes.length;
  }
  check(off: number, n: number, what: string): void {
    if (!Number.isSafeInteger(off) || off < 0 || n < 0 || off + n > this.bytes.length)
      throw new FormatError(`${what}: ${n} bytes at offset ${off} run past the end of the file (${this.bytes.length} bytes)`, Math.max(0, Math.min(off, this.bytes.length)));
  }
  u8(off: number, what = 'byte'): number {
    this.check(off, 1, what);
    return this.dv.getUint8(off);
  }
  u16(off: number, what = 'u16'): number {
    this.check(off, 2, what);
    return this.dv.getUint16(off, true);
  }
  u32(off: number, what = 'u32'): number {
    this.check(off, 4, what);
    return this.dv.getUint32(off, true);
  }
  i32(off: number, what = 'i32'): number {
    this.check(off, 4, what);
    return this.dv.getInt32(off, true);
  }
  /** A u64 that must fit a JS number (offsets and sizes); larger values are a format error. */
  u64n(off: number, what = 'u64'): number {
    this.check(off, 8, what);
    const v = this.dv.getBigUint64(off, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new FormatError(`${what} is too large (${v})`, off);
    return Number(v);
  }
  u64(off: number, what = 'u64'): bigint {
    this.check(off, 8, what);
    return this.dv.getBigUint64(off, true);
  }
  slice(off: number, n: number, what: string): Uint8Array {
    this.check(off, n, what);
    return this.bytes.subarray(off, off + n);
  }
  /** NUL-terminated string starting at off, not reading past `end`. */
  cstr(off: number, end: number, what: string): string {
    if (off < 0 || off >= end || end > this.bytes.length) throw new FormatError(`${what}: string offset ${off} is outside its table`, Math.max(0, Math.min(off, this.bytes.length)));
    let e = off;
    while (e < end && this.bytes[e] !== 0) e++;
    if (e >= end) throw new FormatError(`${what}: string at offset ${off} is not NUL-terminated`, off);
    let s = '';
    for (let i = off; i < e; i++) s += String.fromCharCode(this.bytes[i]!);
    return s;
  }
}

export class ByteWriter {
  private buf = new Uint8Array(256);
  private dv = new DataView(this.buf.buffer);
  length = 0;
  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + n) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.buf.subarray(0, this.length));
    this.buf = nb;
    this.dv = new DataView(nb.buffer);
  }
  u8(v: number): void {
    this.ensure(1);
    this.dv.setUint8(this.length, v & 0xff);
    this.length += 1;
  }
  u16(v: number): void {
    this.ensure(2);
    this.dv.setUint16(this.length, v & 0xffff, true);
    this.length += 2;
  }
  u32(v: number): void {
    this.ensure(4);
    this.dv.setUint32(this.length, v >>> 0, true);
    this.length += 4;
  }
  u64(v: number | bigint): void {
    this.ensure(8);
    this.dv.setBigUint64(this.length, BigInt.asUintN(64, BigInt(v)), true);
    this.length += 8;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  align(n: number): void {
    while (this.length % n !== 0) this.u8(0);
  }
  /** Overwrites a u32/u64 already written (for patching header fields). */
  patchU32(at: number, v: number): void {
    this.dv.setUint32(at, v >>> 0, true);
  }
  patchU64(at: number, v: number): void {
    this.dv.setBigUint64(at, BigInt(v), true);
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** A string table (ELF .strtab or BTF strings): offset 0 is the empty string; equal strings share. */
export class StringTable {
  private readonly w = new ByteWriter();
  private readonly seen = new Map<string, number>();
  constructor() {
    this.w.u8(0);
    this.seen.set('', 0);
  }
  add(s: string): number {
    const hit = this.seen.get(s);
    if (hit !== undefined) return hit;
    const off = this.w.length;
    for (let i = 0; i < s.length; i++) this.w.u8(s.charCodeAt(i) & 0xff);
    this.w.u8(0);
    this.seen.set(s, off);
    return off;
  }
  bytes(): Uint8Array {
    return this.w.result();
  }
}
