// 64-bit integer operations on (lo, hi) pairs of signed 32-bit numbers, for the VM's generated code.
// Each function returns the low word and leaves the high word in `o[1]` (a shared Int32Array).
// Semantics follow kernel/bpf/core.c ___bpf_prog_run and the verifier's fix-ups (do_misc_fixups):
// unsigned division by zero gives 0, modulo by zero leaves dst unchanged, signed INT_MIN / -1 gives
// INT_MIN and INT_MIN % -1 gives 0 (RFC 9669 section 4.1). Shift counts are masked by the caller.
// This module does not know instructions or memory.

export const o = new Int32Array(2);

const toBig = (lo: number, hi: number): bigint => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
function fromBig(v: bigint): number {
  o[1] = Number((v >> 32n) & 0xffffffffn) | 0;
  return Number(v & 0xffffffffn) | 0;
}

/** High 32 bits of the unsigned 64-bit product of two u32. */
function mulhiU32(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) | 0;
}

export function mul64(al: number, ah: number, bl: number, bh: number): number {
  o[1] = (mulhiU32(al >>> 0, bl >>> 0) + Math.imul(al, bh) + Math.imul(ah, bl)) | 0;
  return Math.imul(al, bl);
}

export function udiv64(al: number, ah: number, bl: number, bh: number): number {
  if (bl === 0 && bh === 0) { o[1] = 0; return 0; }
  if (ah === 0 && bh === 0) { o[1] = 0; return ((al >>> 0) / (bl >>> 0)) >>> 0 | 0; }
  return fromBig(toBig(al, ah) / toBig(bl, bh));
}

export function umod64(al: number, ah: number, bl: number, bh: number): number {
  if (bl === 0 && bh === 0) { o[1] = ah; return al; }
  if (ah === 0 && bh === 0) { o[1] = 0; return ((al >>> 0) % (bl >>> 0)) | 0; }
  return fromBig(toBig(al, ah) % toBig(bl, bh));
}

export function sdiv64(al: number, ah: number, bl: number, bh: number): number {
  if (bl === 0 && bh === 0) { o[1] = 0; return 0; }
  const a = BigInt.asIntN(64, toBig(al, ah));
  const b = BigInt.asIntN(64, toBig(bl, bh));
  if (b === -1n) return fromBig(BigInt.asUintN(64, -a)); // INT64_MIN / -1 wraps to INT64_MIN
  return fromBig(BigInt.asUintN(64, a / b));
}

export function smod64(al: number, ah: number, bl: number, bh: number): number {
  if (bl === 0 && bh === 0) { o[1] = ah; return al; }
  const a = BigInt.asIntN(64, toBig(al, ah));
  const b = BigInt.asIntN(64, toBig(bl, bh));
  if (b === -1n) { o[1] = 0; return 0; }
  return fromBig(BigInt.asUintN(64, a % b));
}

/** 32-bit unsigned division; by zero gives 0. */
export function udiv32(a: number, b: number): number {
  return b === 0 ? 0 : ((a >>> 0) / (b >>> 0)) | 0;
}
export function umod32(a: number, b: number): number {
  return b === 0 ? a : ((a >>> 0) % (b >>> 0)) | 0;
}
export function sdiv32(a: number, b: number): number {
  return b === 0 ? 0 : (a / b) | 0; // (-2^31 / -1) | 0 === -2^31
}
export function smod32(a: number, b: number): number {
  return b === 0 ? a : (a % b) | 0;
}

export function lsh64(al: number, ah: number, n: number): number {
  if (n === 0) { o[1] = ah; return al; }
  if (n < 32) { o[1] = (ah << n) | (al >>> (32 - n)); return al << n; }
  o[1] = al << (n - 32);
  return 0;
}
export function rsh64(al: number, ah: number, n: number): number {
  if (n === 0) { o[1] = ah; return al; }
  if (n < 32) { o[1] = ah >>> n | 0; return (al >>> n) | (ah << (32 - n)); }
  o[1] = 0;
  return (ah >>> (n - 32)) | 0;
}
export function arsh64(al: number, ah: number, n: number): number {
  if (n === 0) { o[1] = ah; return al; }
  if (n < 32) { o[1] = ah >> n; return (al >>> n) | (ah << (32 - n)); }
  o[1] = ah >> 31;
  return ah >> (n - 32);
}

export function bswap32(x: number): number {
  return ((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
}
export function bswap16(x: number): number {
  return ((x & 0xff) << 8) | ((x >>> 8) & 0xff);
}
