// Tristate numbers: the bit-level half of the verifier's scalar domain. A tnum {value, mask} stands for
// every 64-bit x with (x & ~mask) === value; mask bits are unknown, value bits are known.
// Tiny pure functions with one-line contracts, following include/linux/tnum.h and kernel/bpf/tnum.c
// (Linux 6.18). All values are unsigned 64-bit bigints. This module knows nothing of bounds or registers.

export interface Tnum {
  readonly value: bigint;
  readonly mask: bigint;
}

export const U64 = 0xffffffffffffffffn;
export const U32 = 0xffffffffn;

const mk = (value: bigint, mask: bigint): Tnum => ({ value: value & U64, mask: mask & U64 });

/** The unknown tnum: every 64-bit value. */
export const tnumUnknown: Tnum = { value: 0n, mask: U64 };

/** Exactly the constant v. */
export function tnumConst(v: bigint): Tnum {
  return { value: BigInt.asUintN(64, v), mask: 0n };
}

/** Index of the highest set bit plus one (fls64); 0 for 0. */
export function fls64(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/** Smallest tnum containing every value in [min, max] (unsigned). */
export function tnumRange(min: bigint, max: bigint): Tnum {
  const chi = min ^ max;
  const bits = fls64(chi);
  if (bits > 63) return tnumUnknown;
  const delta = (1n << BigInt(bits)) - 1n;
  return mk(min & ~delta, delta);
}

/** a << shift (shift < 64). */
export function tnumLshift(a: Tnum, shift: number): Tnum {
  const s = BigInt(shift);
  return mk(a.value << s, a.mask << s);
}

/** a >> shift, logical (shift < 64). */
export function tnumRshift(a: Tnum, shift: number): Tnum {
  const s = BigInt(shift);
  return mk(a.value >> s, a.mask >> s);
}

/** Arithmetic right shift of the low `bits` (32 or 64) bits; the 32-bit result is zero-extended. */
export function tnumArshift(a: Tnum, shift: number, bits: 32 | 64): Tnum {
  const s = BigInt(shift);
  if (bits === 32) {
    const v = BigInt.asIntN(32, a.value) >> s;
    const m = BigInt.asIntN(32, a.mask) >> s;
    return { value: BigInt.asUintN(32, v), mask: BigInt.asUintN(32, m) };
  }
  return mk(BigInt.asIntN(64, a.value) >> s, BigInt.asIntN(64, a.mask) >> s);
}

/** Every a + b. */
export function tnumAdd(a: Tnum, b: Tnum): Tnum {
  const sm = (a.mask + b.mask) & U64;
  const sv = (a.value + b.value) & U64;
  const sigma = (sm + sv) & U64;
  const chi = sigma ^ sv;
  const mu = chi | a.mask | b.mask;
  return mk(sv & ~mu, mu);
}

/** Every a - b. */
export function tnumSub(a: Tnum, b: Tnum): Tnum {
  const dv = (a.value - b.value) & U64;
  const alpha = (dv + a.mask) & U64;
  const beta = (dv - b.mask) & U64;
  const chi = alpha ^ beta;
  const mu = chi | a.mask | b.mask;
  return mk(dv & ~mu, mu);
}

/** Every -a. */
export function tnumNeg(a: Tnum): Tnum {
  return tnumSub(tnumConst(0n), a);
}

/** Every a & b. */
export function tnumAnd(a: Tnum, b: Tnum): Tnum {
  const alpha = a.value | a.mask;
  const beta = b.value | b.mask;
  const v = a.value & b.value;
  return mk(v, alpha & beta & ~v);
}

/** Every a | b. */
export function tnumOr(a: Tnum, b: Tnum): Tnum {
  const v = a.value | b.value;
  const mu = a.mask | b.mask;
  return mk(v, mu & ~v);
}

/** Every a ^ b. */
export function tnumXor(a: Tnum, b: Tnum): Tnum {
  const v = a.value ^ b.value;
  const mu = a.mask | b.mask;
  return mk(v & ~mu, mu);
}

/** Every a * b (shift-and-add over a's bits, as the kernel's tnum_mul). */
export function tnumMul(a: Tnum, b: Tnum): Tnum {
  const accV = (a.value * b.value) & U64;
  let accM: Tnum = tnumConst(0n);
  while (a.value !== 0n || a.mask !== 0n) {
    if (a.value & 1n) accM = tnumAdd(accM, { value: 0n, mask: b.mask });
    else if (a.mask & 1n) accM = tnumAdd(accM, { value: 0n, mask: b.value | b.mask });
    a = tnumRshift(a, 1);
    b = tnumLshift(b, 1);
  }
  return tnumAdd(tnumConst(accV), accM);
}

/** Values in both a and b (a and b must share at least one value for the result to be meaningful). */
export function tnumIntersect(a: Tnum, b: Tnum): Tnum {
  const v = a.value | b.value;
  const mu = a.mask & b.mask;
  return mk(v & ~mu, mu);
}

/** Smallest tnum containing both a and b (join). */
export function tnumUnion(a: Tnum, b: Tnum): Tnum {
  const v = a.value & b.value;
  const mu = a.mask | b.mask | (a.value ^ b.value);
  return mk(v & ~mu, mu);
}

/** a truncated to its low `size` bytes (zero-extended). */
export function tnumCast(a: Tnum, size: number): Tnum {
  const m = size >= 8 ? U64 : (1n << BigInt(size * 8)) - 1n;
  return { value: a.value & m, mask: a.mask & m };
}

/** Every value of a is a multiple of size (size a power of two). */
export function tnumIsAligned(a: Tnum, size: number): boolean {
  if (!size) return true;
  return ((a.value | a.mask) & BigInt(size - 1)) === 0n;
}

/** Every value of b is also a value of a (b ⊆ a). */
export function tnumIn(a: Tnum, b: Tnum): boolean {
  if (b.mask & ~a.mask) return false;
  return a.value === (b.value & ~a.mask);
}

/** x is one of a's values. */
export function tnumContains(a: Tnum, x: bigint): boolean {
  return (BigInt.asUintN(64, x) & ~a.mask) === a.value;
}

/** a has a single value. */
export function tnumIsConst(a: Tnum): boolean {
  return a.mask === 0n;
}

/** a is exactly the constant b. */
export function tnumEqualsConst(a: Tnum, b: bigint): boolean {
  return a.mask === 0n && a.value === BigInt.asUintN(64, b);
}

/** Every bit unknown. */
export function tnumIsUnknown(a: Tnum): boolean {
  return a.mask === U64;
}

/** Same value and mask. */
export function tnumEqual(a: Tnum, b: Tnum): boolean {
  return a.value === b.value && a.mask === b.mask;
}

/** Low 32 bits of a. */
export function tnumSubreg(a: Tnum): Tnum {
  return tnumCast(a, 4);
}

/** a with its low 32 bits cleared. */
export function tnumClearSubreg(a: Tnum): Tnum {
  return tnumLshift(tnumRshift(a, 32), 32);
}

/** High 32 bits of reg with the low 32 bits of subreg. */
export function tnumWithSubreg(reg: Tnum, subreg: Tnum): Tnum {
  return tnumOr(tnumClearSubreg(reg), tnumSubreg(subreg));
}

/** High 32 bits of a with the low 32 bits set to the constant v. */
export function tnumConstSubreg(a: Tnum, v: bigint): Tnum {
  return tnumWithSubreg(a, tnumConst(v));
}

/** Lowest value of a (unsigned). */
export function tnumUmin(a: Tnum): bigint {
  return a.value;
}

/** Highest value of a (unsigned). */
export function tnumUmax(a: Tnum): bigint {
  return a.value | a.mask;
}

/** The kernel's "(0x0; 0xff)" text (tnum_strn). */
export function tnumStr(a: Tnum): string {
  return `(${hex(a.value)}; ${hex(a.mask)})`;
}

/** "%#llx": 0 prints as 0x0. */
export function hex(v: bigint): string {
  return '0x' + v.toString(16);
}
