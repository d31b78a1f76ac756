// The scalar domain: a tnum plus the eight bounds (unsigned/signed, 64/32-bit) of struct bpf_reg_state,
// kept mutually consistent by `regBoundsSync` (kernel reg_bounds_sync: __update_reg_bounds,
// __reg32_deduce_bounds, __reg64_deduce_bounds, __reg_deduce_mixed_bounds, __reg_bound_offset), with
// the invariant check of reg_bounds_sanity_check. Also the ALU transfer functions on scalars
// (adjust_scalar_min_max_vals and its scalar{32,}_min_max_* helpers) and branch refinement
// (regs_refine_cond_op) and dead-branch detection (is_scalar_branch_taken) of kernel/bpf/verifier.c.
// It knows nothing of pointers, registers numbers or messages.

import {
  U32, U64, tnumAdd, tnumAnd, tnumArshift, tnumCast, tnumClearSubreg, tnumConst, tnumIntersect, tnumIsConst,
  tnumLshift, tnumMul, tnumOr, tnumRange, tnumRshift, tnumSub, tnumSubreg, tnumUnknown, tnumWithSubreg, tnumXor,
  type Tnum,
} from './tnum';

export const S64_MIN = -(1n << 63n);
export const S64_MAX = (1n << 63n) - 1n;
export const S32_MIN = -(1n << 31n);
export const S32_MAX = (1n << 31n) - 1n;

/** The scalar part of a register: var_off and the eight bounds. umin/umax/u32* unsigned; smin/smax/s32* signed. */
export interface Scalar {
  varOff: Tnum;
  umin: bigint;
  umax: bigint;
  smin: bigint;
  smax: bigint;
  u32min: bigint;
  u32max: bigint;
  s32min: bigint;
  s32max: bigint;
}

const s64 = (x: bigint): bigint => BigInt.asIntN(64, x);
const u64 = (x: bigint): bigint => BigInt.asUintN(64, x);
const s32 = (x: bigint): bigint => BigInt.asIntN(32, x);
const u32 = (x: bigint): bigint => BigInt.asUintN(32, x);
const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/** Nothing known (__mark_reg_unknown's scalar part). */
export function scalarUnknown(): Scalar {
  return { varOff: tnumUnknown, umin: 0n, umax: U64, smin: S64_MIN, smax: S64_MAX, u32min: 0n, u32max: U32, s32min: S32_MIN, s32max: S32_MAX };
}

/** Exactly v (__mark_reg_known). */
export function scalarConst(v: bigint): Scalar {
  const u = u64(v);
  return { varOff: tnumConst(u), umin: u, umax: u, smin: s64(u), smax: s64(u), u32min: u32(u), u32max: u32(u), s32min: s32(u), s32max: s32(u) };
}

export function scalarCopy(s: Scalar): Scalar {
  return { ...s };
}

/** The 64-bit value is known (tnum const). */
export function isConst(s: Scalar): boolean {
  return tnumIsConst(s.varOff);
}

/** The low 32 bits are known. */
export function isConst32(s: Scalar): boolean {
  return (s.varOff.mask & U32) === 0n;
}

/** Tighten the 32-bit bounds from the tnum (__update_reg32_bounds). */
function updateReg32Bounds(r: Scalar): void {
  const t = tnumSubreg(r.varOff);
  r.s32min = max(r.s32min, s32(t.value | (t.mask & 0x80000000n)));
  r.s32max = min(r.s32max, s32(t.value | (t.mask & 0x7fffffffn)));
  r.u32min = max(r.u32min, t.value);
  r.u32max = min(r.u32max, t.value | t.mask);
}

/** Tighten the 64-bit bounds from the tnum (__update_reg64_bounds). */
function updateReg64Bounds(r: Scalar): void {
  const t = r.varOff;
  r.smin = max(r.smin, s64(t.value | (t.mask & (1n << 63n))));
  r.smax = min(r.smax, s64(t.value | (t.mask & S64_MAX)));
  r.umin = max(r.umin, t.value);
  r.umax = min(r.umax, t.value | t.mask);
}

function updateRegBounds(r: Scalar): void {
  updateReg32Bounds(r);
  updateReg64Bounds(r);
}

/** 32-bit bounds from the 64-bit ones and each other (__reg32_deduce_bounds). */
function reg32DeduceBounds(r: Scalar): void {
  if (r.umin >> 32n === r.umax >> 32n) {
    r.u32min = max(r.u32min, u32(r.umin));
    r.u32max = min(r.u32max, u32(r.umax));
    if (s32(r.umin) <= s32(r.umax)) {
      r.s32min = max(r.s32min, s32(r.umin));
      r.s32max = min(r.s32max, s32(r.umax));
    }
  }
  if (r.smin >> 32n === r.smax >> 32n) {
    r.u32min = max(r.u32min, u32(r.smin));
    r.u32max = min(r.u32max, u32(r.smax));
    if (s32(r.smin) <= s32(r.smax)) {
      r.s32min = max(r.s32min, s32(r.smin));
      r.s32max = min(r.s32max, s32(r.smax));
    }
  }
  if (s32(r.u32min) <= s32(r.u32max)) {
    r.s32min = max(r.s32min, s32(r.u32min));
    r.s32max = min(r.s32max, s32(r.u32max));
  }
  if (u32(r.s32min) <= u32(r.s32max)) {
    r.u32min = max(r.u32min, u32(r.s32min));
    r.u32max = min(r.u32max, u32(r.s32max));
  }
}

/** 64-bit signed/unsigned bounds from each other (__reg64_deduce_bounds). */
function reg64DeduceBounds(r: Scalar): void {
  if (s64(r.umin) <= s64(r.umax)) {
    r.smin = max(r.smin, s64(r.umin));
    r.smax = min(r.smax, s64(r.umax));
  }
  if (u64(r.smin) <= u64(r.smax)) {
    r.umin = max(r.umin, u64(r.smin));
    r.umax = min(r.umax, u64(r.smax));
  } else {
    // The signed range crosses the sign boundary: [smin, -1] ∪ [0, smax] as unsigned is two pieces.
    if (r.umax < u64(r.smin)) {
      r.smin = max(r.smin, 0n);
      r.umax = min(r.umax, u64(r.smax));
    } else if (u64(r.smax) < r.umin) {
      r.smax = min(r.smax, -1n);
      r.umin = max(r.umin, u64(r.smin));
    }
  }
}

/** 64-bit bounds from the 32-bit ones (__reg_deduce_mixed_bounds). */
function regDeduceMixedBounds(r: Scalar): void {
  const hiMask = U64 ^ U32;
  const newUmin = (r.umin & hiMask) | r.u32min;
  const newUmax = (r.umax & hiMask) | r.u32max;
  r.umin = max(r.umin, newUmin);
  r.umax = min(r.umax, newUmax);
  const newSmin = s64((u64(r.smin) & hiMask) | r.u32min);
  const newSmax = s64((u64(r.smax) & hiMask) | r.u32max);
  r.smin = max(r.smin, newSmin);
  r.smax = min(r.smax, newSmax);
  if (r.s32min >= 0n && r.smin >= S32_MIN && r.smax <= S32_MAX) {
    r.smin = r.s32min;
    r.smax = r.s32max;
    r.umin = r.s32min;
    r.umax = r.s32max;
    r.varOff = tnumIntersect(r.varOff, tnumRange(r.umin, r.umax));
  }
}

function regDeduceBounds(r: Scalar): void {
  reg32DeduceBounds(r);
  reg64DeduceBounds(r);
  regDeduceMixedBounds(r);
}

/** Tighten the tnum from the unsigned bounds (__reg_bound_offset). */
function regBoundOffset(r: Scalar): void {
  const v64 = tnumIntersect(r.varOff, tnumRange(r.umin, r.umax));
  const v32 = tnumIntersect(tnumSubreg(v64), tnumRange(r.u32min, r.u32max));
  r.varOff = tnumOr(tnumClearSubreg(v64), v32);
}

/** Make the tnum and all eight bounds agree (reg_bounds_sync). Mutates r. */
export function regBoundsSync(r: Scalar): void {
  updateRegBounds(r);
  regDeduceBounds(r);
  regDeduceBounds(r);
  regBoundOffset(r);
  updateRegBounds(r);
}

/** Why r's bounds are inconsistent (empty), or null (reg_bounds_sanity_check). */
export function boundsViolation(r: Scalar): string | null {
  if (r.umin > r.umax || r.smin > r.smax || r.u32min > r.u32max || r.s32min > r.s32max) return 'range';
  if (r.varOff.value & r.varOff.mask) return 'tnum';
  if (r.umin > (r.varOff.value | r.varOff.mask) || r.umax < r.varOff.value) return 'tnum vs u64';
  const t = tnumSubreg(r.varOff);
  if (r.u32min > (t.value | t.mask) || r.u32max < t.value) return 'tnum vs u32';
  if (tnumIsConst(r.varOff)) {
    const v = r.varOff.value;
    if (r.umin !== v || r.umax !== v || r.smin !== s64(v) || r.smax !== s64(v)) return 'const';
  }
  return null;
}

/** The concrete 64-bit value x is one of the values r stands for. */
export function scalarContains(r: Scalar, x: bigint): boolean {
  const u = u64(x);
  const s = s64(u);
  const l = u32(u);
  const ls = s32(u);
  return (u & ~r.varOff.mask) === r.varOff.value && u >= r.umin && u <= r.umax && s >= r.smin && s <= r.smax &&
    l >= r.u32min && l <= r.u32max && ls >= r.s32min && ls <= r.s32max;
}

/** Drop 64-bit knowledge except what the zero-extended low half implies (zext_32_to_64 after an ALU32 op). */
export function zext32To64(r: Scalar): void {
  r.varOff = tnumSubreg(r.varOff);
  r.umin = r.u32min;
  r.umax = r.u32max;
  if (r.s32min >= 0n) {
    r.smin = r.s32min;
    r.smax = r.s32max;
  } else {
    r.smin = 0n;
    r.smax = U32;
  }
}

/** Keep only the low `size` bytes, zero-extended (coerce_reg_to_size). */
export function coerceToSize(r: Scalar, size: number): void {
  if (size >= 8) return;
  const m = (1n << BigInt(size * 8)) - 1n;
  r.varOff = tnumCast(r.varOff, size);
  if ((r.umin & ~m) === (r.umax & ~m)) {
    r.umin &= m;
    r.umax &= m;
  } else {
    r.umin = 0n;
    r.umax = m;
  }
  r.smin = r.umin;
  r.smax = r.umax;
  r.u32min = 0n;
  r.u32max = U32;
  r.s32min = S32_MIN;
  r.s32max = S32_MAX;
  regBoundsSync(r);
}

/** Sign-extend the low `size` bytes (coerce_reg_to_size_sx / movsx / ldsx). */
export function signExtend(r: Scalar, size: 1 | 2 | 4): void {
  const bits = BigInt(size * 8);
  if (tnumIsConst(r.varOff)) {
    const v = BigInt.asIntN(Number(bits), r.varOff.value);
    Object.assign(r, scalarConst(v));
    return;
  }
  const lo = -(1n << (bits - 1n));
  const hi = (1n << (bits - 1n)) - 1n;
  // When every value already fits in the smaller signed range the value is unchanged.
  const sx = (x: bigint): bigint => BigInt.asIntN(Number(bits), x);
  const fits = r.smin >= lo && r.smax <= hi;
  const fitsU = r.umax <= hi;
  if (fits || fitsU) {
    regBoundsSync(r);
    return;
  }
  const t = tnumCast(r.varOff, size);
  const top = 1n << (bits - 1n);
  let varOff: Tnum;
  if (t.mask & top) varOff = { value: t.value, mask: t.mask | (U64 ^ ((top << 1n) - 1n)) };
  else if (t.value & top) varOff = { value: t.value | (U64 ^ ((top << 1n) - 1n)), mask: t.mask };
  else varOff = t;
  void sx;
  const out = scalarUnknown();
  out.varOff = varOff;
  out.smin = lo;
  out.smax = hi;
  if (size < 4) {
    out.s32min = lo;
    out.s32max = hi;
  }
  regBoundsSync(out);
  Object.assign(r, out);
}

// ---- ALU transfer functions (adjust_scalar_min_max_vals) ----

export type ScalarAluOp = 'add' | 'sub' | 'mul' | 'div' | 'sdiv' | 'mod' | 'smod' | 'or' | 'and' | 'xor' | 'lsh' | 'rsh' | 'arsh';

function addOv64s(a: bigint, b: bigint): bigint | null {
  const r = a + b;
  return r < S64_MIN || r > S64_MAX ? null : r;
}

function add32(d: Scalar, s: Scalar): void {
  const smin = d.s32min + s.s32min;
  const smax = d.s32max + s.s32max;
  if (smin < S32_MIN || smax > S32_MAX) { d.s32min = S32_MIN; d.s32max = S32_MAX; } else { d.s32min = smin; d.s32max = smax; }
  const umin = d.u32min + s.u32min;
  const umax = d.u32max + s.u32max;
  if (umax > U32) { d.u32min = 0n; d.u32max = U32; } else { d.u32min = umin; d.u32max = umax; }
}

function add64(d: Scalar, s: Scalar): void {
  const smin = addOv64s(d.smin, s.smin);
  const smax = addOv64s(d.smax, s.smax);
  if (smin === null || smax === null) { d.smin = S64_MIN; d.smax = S64_MAX; } else { d.smin = smin; d.smax = smax; }
  const umin = d.umin + s.umin;
  const umax = d.umax + s.umax;
  if (umax > U64) { d.umin = 0n; d.umax = U64; } else { d.umin = umin; d.umax = umax; }
}

function sub32(d: Scalar, s: Scalar): void {
  const smin = d.s32min - s.s32max;
  const smax = d.s32max - s.s32min;
  if (smin < S32_MIN || smax > S32_MAX) { d.s32min = S32_MIN; d.s32max = S32_MAX; } else { d.s32min = smin; d.s32max = smax; }
  if (d.u32min < s.u32max) { d.u32min = 0n; d.u32max = U32; } else { d.u32min -= s.u32max; d.u32max -= s.u32min; }
}

function sub64(d: Scalar, s: Scalar): void {
  const smin = d.smin - s.smax;
  const smax = d.smax - s.smin;
  if (smin < S64_MIN || smax > S64_MAX) { d.smin = S64_MIN; d.smax = S64_MAX; } else { d.smin = smin; d.smax = smax; }
  if (d.umin < s.umax) { d.umin = 0n; d.umax = U64; } else { d.umin -= s.umax; d.umax -= s.umin; }
}

function mul32(d: Scalar, s: Scalar): void {
  const umax = d.u32max * s.u32max;
  if (umax > U32) { d.u32min = 0n; d.u32max = U32; } else { d.u32min *= s.u32min; d.u32max = umax; }
  const p = [d.s32min * s.s32min, d.s32min * s.s32max, d.s32max * s.s32min, d.s32max * s.s32max];
  if (p.some((x) => x < S32_MIN || x > S32_MAX)) { d.s32min = S32_MIN; d.s32max = S32_MAX; } else {
    d.s32min = p.reduce(min); d.s32max = p.reduce(max);
  }
}

function mul64(d: Scalar, s: Scalar): void {
  const umax = d.umax * s.umax;
  if (umax > U64) { d.umin = 0n; d.umax = U64; } else { d.umin *= s.umin; d.umax = umax; }
  const p = [d.smin * s.smin, d.smin * s.smax, d.smax * s.smin, d.smax * s.smax];
  if (p.some((x) => x < S64_MIN || x > S64_MAX)) { d.smin = S64_MIN; d.smax = S64_MAX; } else {
    d.smin = p.reduce(min); d.smax = p.reduce(max);
  }
}

function and32(d: Scalar, s: Scalar, t: Tnum): void {
  const st = tnumSubreg(t);
  d.u32min = st.value;
  d.u32max = min(d.u32max, s.u32max);
  if (s32(d.u32min) <= s32(d.u32max)) { d.s32min = s32(d.u32min); d.s32max = s32(d.u32max); } else { d.s32min = S32_MIN; d.s32max = S32_MAX; }
}

function and64(d: Scalar, s: Scalar, t: Tnum): void {
  d.umin = t.value;
  d.umax = min(d.umax, s.umax);
  if (s64(d.umin) <= s64(d.umax)) { d.smin = s64(d.umin); d.smax = s64(d.umax); } else { d.smin = S64_MIN; d.smax = S64_MAX; }
}

function or32(d: Scalar, s: Scalar, t: Tnum): void {
  const st = tnumSubreg(t);
  d.u32min = max(d.u32min, s.u32min);
  d.u32max = st.value | st.mask;
  if (s32(d.u32min) <= s32(d.u32max)) { d.s32min = s32(d.u32min); d.s32max = s32(d.u32max); } else { d.s32min = S32_MIN; d.s32max = S32_MAX; }
}

function or64(d: Scalar, s: Scalar, t: Tnum): void {
  d.umin = max(d.umin, s.umin);
  d.umax = t.value | t.mask;
  if (s64(d.umin) <= s64(d.umax)) { d.smin = s64(d.umin); d.smax = s64(d.umax); } else { d.smin = S64_MIN; d.smax = S64_MAX; }
}

function xor32(d: Scalar, t: Tnum): void {
  const st = tnumSubreg(t);
  d.u32min = st.value;
  d.u32max = st.value | st.mask;
  if (s32(d.u32min) <= s32(d.u32max)) { d.s32min = s32(d.u32min); d.s32max = s32(d.u32max); } else { d.s32min = S32_MIN; d.s32max = S32_MAX; }
}

function xor64(d: Scalar, t: Tnum): void {
  d.umin = t.value;
  d.umax = t.value | t.mask;
  if (s64(d.umin) <= s64(d.umax)) { d.smin = s64(d.umin); d.smax = s64(d.umax); } else { d.smin = S64_MIN; d.smax = S64_MAX; }
}

function unbound32(d: Scalar): void {
  d.u32min = 0n; d.u32max = U32; d.s32min = S32_MIN; d.s32max = S32_MAX;
}

function unbound64(d: Scalar): void {
  d.umin = 0n; d.umax = U64; d.smin = S64_MIN; d.smax = S64_MAX;
}

/** Whether the kernel computes a range for this op and source (is_safe_to_compute_dst_reg_range). */
export function safeToCompute(op: ScalarAluOp, src: Scalar, alu32: boolean): boolean {
  switch (op) {
    case 'add': case 'sub': case 'and': case 'or': case 'xor': case 'mul':
      return true;
    case 'lsh': case 'rsh': case 'arsh': {
      const c = alu32 ? isConst32(src) && src.u32min === src.u32max && src.s32min === src.s32max : isConst(src) && src.umin === src.umax && src.smin === src.smax;
      return c && src.umax < (alu32 ? 32n : 64n);
    }
    default:
      return false;
  }
}

/**
 * dst = dst op src on scalars (adjust_scalar_min_max_vals). Returns the new scalar; an op the kernel does
 * not track (div, mod, non-constant or oversized shifts) gives the unknown scalar.
 */
export function scalarAlu(op: ScalarAluOp, dstIn: Scalar, src: Scalar, alu32: boolean): Scalar {
  // The kernel marks the register unknown and returns before zext_32_to_64, even for ALU32.
  if (!safeToCompute(op, src, alu32)) return scalarUnknown();
  const d = scalarCopy(dstIn);
  switch (op) {
    case 'add':
      add32(d, src); add64(d, src);
      d.varOff = tnumAdd(d.varOff, src.varOff);
      break;
    case 'sub':
      sub32(d, src); sub64(d, src);
      d.varOff = tnumSub(d.varOff, src.varOff);
      break;
    case 'mul':
      mul32(d, src); mul64(d, src);
      d.varOff = tnumMul(d.varOff, src.varOff);
      break;
    case 'and':
      d.varOff = tnumAnd(d.varOff, src.varOff);
      and32(d, src, d.varOff); and64(d, src, d.varOff);
      break;
    case 'or':
      d.varOff = tnumOr(d.varOff, src.varOff);
      or32(d, src, d.varOff); or64(d, src, d.varOff);
      break;
    case 'xor':
      d.varOff = tnumXor(d.varOff, src.varOff);
      xor32(d, d.varOff); xor64(d, d.varOff);
      break;
    case 'lsh': {
      const sh = alu32 ? src.u32min : src.umin;
      if (alu32) {
        if (d.u32max > 1n << (31n - sh)) { d.u32min = 0n; d.u32max = U32; } else { d.u32min = u32(d.u32min << sh); d.u32max = u32(d.u32max << sh); }
        d.s32min = S32_MIN; d.s32max = S32_MAX;
        d.varOff = tnumSubreg(tnumLshift(tnumSubreg(d.varOff), Number(sh)));
      } else {
        if (d.umax > 1n << (63n - sh)) { d.umin = 0n; d.umax = U64; } else { d.umin = u64(d.umin << sh); d.umax = u64(d.umax << sh); }
        d.smin = S64_MIN; d.smax = S64_MAX;
        d.varOff = tnumLshift(d.varOff, Number(sh));
        unbound32(d);
      }
      break;
    }
    case 'rsh': {
      const sh = alu32 ? src.u32min : src.umin;
      if (alu32) {
        d.varOff = tnumRshift(tnumSubreg(d.varOff), Number(sh));
        d.u32min >>= sh; d.u32max >>= sh;
        d.s32min = S32_MIN; d.s32max = S32_MAX;
      } else {
        d.varOff = tnumRshift(d.varOff, Number(sh));
        d.umin >>= sh; d.umax >>= sh;
        d.smin = S64_MIN; d.smax = S64_MAX;
        unbound32(d);
      }
      break;
    }
    case 'arsh': {
      const sh = alu32 ? src.u32min : src.umin;
      if (alu32) {
        d.s32min >>= sh; d.s32max >>= sh;
        d.varOff = tnumArshift(tnumSubreg(d.varOff), Number(sh), 32);
        d.u32min = 0n; d.u32max = U32;
      } else {
        d.smin >>= sh; d.smax >>= sh;
        d.varOff = tnumArshift(d.varOff, Number(sh), 64);
        d.umin = 0n; d.umax = U64;
        unbound32(d);
      }
      break;
    }
    default:
      return scalarUnknown();
  }
  if (alu32) zext32To64(d);
  regBoundsSync(d);
  return d;
}

/** -dst (BPF_NEG), computed as 0 - dst like the kernel. */
export function scalarNeg(dst: Scalar, alu32: boolean): Scalar {
  const z = scalarConst(0n);
  sub32(z, dst); sub64(z, dst);
  z.varOff = tnumSub(tnumConst(0n), dst.varOff);
  if (alu32) zext32To64(z);
  regBoundsSync(z);
  return z;
}

// ---- Conditions (is_scalar_branch_taken, regs_refine_cond_op) ----

export type Cond = 'jeq' | 'jne' | 'jgt' | 'jge' | 'jlt' | 'jle' | 'jsgt' | 'jsge' | 'jslt' | 'jsle' | 'jset' | 'jnset';

/** The condition that holds on the other branch (rev_opcode; jset's negation is written 'jnset'). */
export function revCond(c: Cond): Cond {
  switch (c) {
    case 'jeq': return 'jne';
    case 'jne': return 'jeq';
    case 'jgt': return 'jle';
    case 'jle': return 'jgt';
    case 'jge': return 'jlt';
    case 'jlt': return 'jge';
    case 'jsgt': return 'jsle';
    case 'jsle': return 'jsgt';
    case 'jsge': return 'jslt';
    case 'jslt': return 'jsge';
    case 'jset': return 'jnset';
    case 'jnset': return 'jset';
  }
}

/** The same condition with the operands swapped (flip_opcode). */
export function flipCond(c: Cond): Cond {
  switch (c) {
    case 'jgt': return 'jlt';
    case 'jlt': return 'jgt';
    case 'jge': return 'jle';
    case 'jle': return 'jge';
    case 'jsgt': return 'jslt';
    case 'jslt': return 'jsgt';
    case 'jsge': return 'jsle';
    case 'jsle': return 'jsge';
    default: return c;
  }
}

interface View { umin: bigint; umax: bigint; smin: bigint; smax: bigint; t: Tnum }
function view(r: Scalar, is32: boolean): View {
  return is32
    ? { umin: r.u32min, umax: r.u32max, smin: r.s32min, smax: r.s32max, t: tnumSubreg(r.varOff) }
    : { umin: r.umin, umax: r.umax, smin: r.smin, smax: r.smax, t: r.varOff };
}

/** 1 if `a cond b` holds for every pair of values, 0 if for none, -1 if it depends (is_scalar_branch_taken). */
export function scalarBranchTaken(a: Scalar, b: Scalar, cond: Cond, is32: boolean): 0 | 1 | -1 {
  const x = view(a, is32);
  const y = view(b, is32);
  const xc = x.t.mask === 0n;
  const yc = y.t.mask === 0n;
  switch (cond) {
    case 'jeq':
      if (xc && yc) return x.t.value === y.t.value ? 1 : 0;
      if (x.umin > y.umax || x.umax < y.umin || x.smin > y.smax || x.smax < y.smin) return 0;
      if (((x.t.value ^ y.t.value) & ~(x.t.mask | y.t.mask)) !== 0n) return 0;
      return -1;
    case 'jne': {
      const r = scalarBranchTaken(a, b, 'jeq', is32);
      return r === -1 ? -1 : r === 1 ? 0 : 1;
    }
    case 'jset':
      if (!yc) return -1;
      if (x.t.value & y.t.value) return 1;
      if (!((x.t.value | x.t.mask) & y.t.value)) return 0;
      return -1;
    case 'jnset': {
      const r = scalarBranchTaken(a, b, 'jset', is32);
      return r === -1 ? -1 : r === 1 ? 0 : 1;
    }
    case 'jgt':
      if (x.umin > y.umax) return 1;
      if (x.umax <= y.umin) return 0;
      return -1;
    case 'jsgt':
      if (x.smin > y.smax) return 1;
      if (x.smax <= y.smin) return 0;
      return -1;
    case 'jlt':
      if (x.umax < y.umin) return 1;
      if (x.umin >= y.umax) return 0;
      return -1;
    case 'jslt':
      if (x.smax < y.smin) return 1;
      if (x.smin >= y.smax) return 0;
      return -1;
    case 'jge':
      if (x.umin >= y.umax) return 1;
      if (x.umax < y.umin) return 0;
      return -1;
    case 'jsge':
      if (x.smin >= y.smax) return 1;
      if (x.smax < y.smin) return 0;
      return -1;
    case 'jle':
      if (x.umax <= y.umin) return 1;
      if (x.umin > y.umax) return 0;
      return -1;
    case 'jsle':
      if (x.smax <= y.smin) return 1;
      if (x.smin > y.smax) return 0;
      return -1;
  }
}

/**
 * Narrow a and b (mutated) to the values for which `a cond b` holds (regs_refine_cond_op), then sync.
 * Returns false when no pair of values satisfies it (the branch is dead).
 */
export function refineCond(a: Scalar, b: Scalar, cond: Cond, is32: boolean): boolean {
  refineRaw(a, b, cond, is32);
  regBoundsSync(a);
  regBoundsSync(b);
  return boundsViolation(a) === null && boundsViolation(b) === null;
}

function isC(r: Scalar, is32: boolean): boolean {
  return is32 ? isConst32(r) : isConst(r);
}

function refineRaw(a: Scalar, b: Scalar, cond: Cond, is32: boolean): void {
  switch (cond) {
    case 'jeq':
      if (is32) {
        a.u32min = b.u32min = max(a.u32min, b.u32min);
        a.u32max = b.u32max = min(a.u32max, b.u32max);
        a.s32min = b.s32min = max(a.s32min, b.s32min);
        a.s32max = b.s32max = min(a.s32max, b.s32max);
        const t = tnumIntersect(tnumSubreg(a.varOff), tnumSubreg(b.varOff));
        if (((a.varOff.value ^ b.varOff.value) & ~(a.varOff.mask | b.varOff.mask) & U32) !== 0n) { a.u32min = 1n; a.u32max = 0n; return; }
        a.varOff = tnumWithSubreg(a.varOff, t);
        b.varOff = tnumWithSubreg(b.varOff, t);
      } else {
        a.umin = b.umin = max(a.umin, b.umin);
        a.umax = b.umax = min(a.umax, b.umax);
        a.smin = b.smin = max(a.smin, b.smin);
        a.smax = b.smax = min(a.smax, b.smax);
        if (((a.varOff.value ^ b.varOff.value) & ~(a.varOff.mask | b.varOff.mask)) !== 0n) { a.umin = 1n; a.umax = 0n; return; }
        a.varOff = b.varOff = tnumIntersect(a.varOff, b.varOff);
      }
      return;
    case 'jne': {
      let x = a;
      let y = b;
      if (!isC(y, is32)) { x = b; y = a; }
      if (!isC(y, is32)) return;
      const v = y.varOff.value;
      if (is32) {
        const lv = u32(v);
        if (isConst32(x) && u32(x.varOff.value) === lv) { x.u32min = 1n; x.u32max = 0n; return; }
        if (x.u32min === lv) x.u32min++;
        if (x.u32max === lv) x.u32max--;
        if (x.s32min === s32(lv)) x.s32min++;
        if (x.s32max === s32(lv)) x.s32max--;
      } else {
        if (isConst(x) && x.varOff.value === v) { x.umin = 1n; x.umax = 0n; return; }
        if (x.umin === v) x.umin++;
        if (x.umax === v) x.umax--;
        if (x.smin === s64(v)) x.smin++;
        if (x.smax === s64(v)) x.smax--;
      }
      return;
    }
    case 'jset': {
      let x = a;
      let y = b;
      if (!isC(y, is32)) { x = b; y = a; }
      if (!isC(y, is32)) return;
      const v = is32 ? u32(y.varOff.value) : y.varOff.value;
      if (v === 0n || (v & (v - 1n)) !== 0n) return;
      if (is32) x.varOff = tnumWithSubreg(x.varOff, tnumOr(tnumSubreg(x.varOff), tnumConst(v)));
      else x.varOff = tnumOr(x.varOff, tnumConst(v));
      return;
    }
    case 'jnset': {
      let x = a;
      let y = b;
      if (!isC(y, is32)) { x = b; y = a; }
      if (!isC(y, is32)) return;
      const v = is32 ? u32(y.varOff.value) : y.varOff.value;
      // Like the kernel, forget the ranges before narrowing the tnum (a dead branch then stays consistent).
      unbound32(x);
      unbound64(x);
      if (is32) x.varOff = tnumWithSubreg(x.varOff, tnumAnd(tnumSubreg(x.varOff), tnumConst(~v & U32)));
      else x.varOff = tnumAnd(x.varOff, tnumConst(~v & U64));
      return;
    }
    case 'jle':
      if (is32) { a.u32max = min(a.u32max, b.u32max); b.u32min = max(a.u32min, b.u32min); }
      else { a.umax = min(a.umax, b.umax); b.umin = max(a.umin, b.umin); }
      return;
    case 'jlt':
      if (is32) {
        if (b.u32max === 0n || a.u32min === U32) { a.u32min = 1n; a.u32max = 0n; return; }
        a.u32max = min(a.u32max, b.u32max - 1n); b.u32min = max(a.u32min + 1n, b.u32min);
      } else {
        if (b.umax === 0n || a.umin === U64) { a.umin = 1n; a.umax = 0n; return; }
        a.umax = min(a.umax, b.umax - 1n); b.umin = max(a.umin + 1n, b.umin);
      }
      return;
    case 'jsle':
      if (is32) { a.s32max = min(a.s32max, b.s32max); b.s32min = max(a.s32min, b.s32min); }
      else { a.smax = min(a.smax, b.smax); b.smin = max(a.smin, b.smin); }
      return;
    case 'jslt':
      if (is32) {
        if (b.s32max === S32_MIN || a.s32min === S32_MAX) { a.s32min = 1n; a.s32max = 0n; return; }
        a.s32max = min(a.s32max, b.s32max - 1n); b.s32min = max(a.s32min + 1n, b.s32min);
      } else {
        if (b.smax === S64_MIN || a.smin === S64_MAX) { a.smin = 1n; a.smax = 0n; return; }
        a.smax = min(a.smax, b.smax - 1n); b.smin = max(a.smin + 1n, b.smin);
      }
      return;
    case 'jge': case 'jgt': case 'jsge': case 'jsgt':
      refineRaw(b, a, flipCond(cond), is32);
      return;
  }
}

/** Whether `old` includes every value of `cur` (range_within + tnum_in, used by state pruning). */
export function scalarWithin(old: Scalar, cur: Scalar): boolean {
  return old.umin <= cur.umin && old.umax >= cur.umax && old.smin <= cur.smin && old.smax >= cur.smax &&
    old.u32min <= cur.u32min && old.u32max >= cur.u32max && old.s32min <= cur.s32min && old.s32max >= cur.s32max &&
    ((cur.varOff.mask & ~old.varOff.mask) === 0n && (cur.varOff.value & ~old.varOff.mask) === old.varOff.value);
}

export { tnumUnknown };
