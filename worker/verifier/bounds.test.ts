// Property tests of tnum and the bounds domain against a deliberately simple reference model:
// small sets of concrete 64-bit values. Every abstract result must contain every concrete result
// (soundness), and reg_bounds_sync must never produce an inconsistent state from a consistent one.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  U64, tnumAdd, tnumAnd, tnumArshift, tnumConst, tnumContains, tnumIn, tnumLshift, tnumMul, tnumNeg, tnumOr, tnumRange,
  tnumRshift, tnumSub, tnumXor, tnumUnion, type Tnum,
} from './tnum';
import {
  boundsViolation, refineCond, regBoundsSync, scalarAlu, scalarBranchTaken, scalarConst, scalarContains, scalarNeg,
  scalarUnknown, type Cond, type Scalar, type ScalarAluOp,
} from './bounds';

/** Members of a tnum whose unknown bits are few. */
function members(t: Tnum): bigint[] {
  const bits: bigint[] = [];
  for (let i = 0n; i < 64n; i++) if ((t.mask >> i) & 1n) bits.push(1n << i);
  const out: bigint[] = [];
  for (let k = 0; k < 1 << bits.length; k++) {
    let v = t.value;
    bits.forEach((b, j) => { if ((k >> j) & 1) v |= b; });
    out.push(v);
  }
  return out;
}

const interesting = fc.oneof(
  fc.bigInt({ min: 0n, max: 300n }),
  fc.bigInt({ min: 0n, max: U64 }),
  fc.bigInt({ min: U64 - 300n, max: U64 }),
  fc.bigInt({ min: 0x7fffff00n, max: 0x800000ffn }),
  fc.bigInt({ min: (1n << 63n) - 300n, max: (1n << 63n) + 300n }),
);

/** A tnum with at most 5 unknown bits at random positions. */
const smallTnum = fc.tuple(interesting, fc.array(fc.integer({ min: 0, max: 63 }), { maxLength: 5 })).map(([v, bits]) => {
  let mask = 0n;
  for (const b of bits) mask |= 1n << BigInt(b);
  return { value: v & ~mask & U64, mask } as Tnum;
});

/** A small set of concrete values and the scalar that abstracts exactly its bounds and bits. */
const valueSet = fc.array(interesting, { minLength: 1, maxLength: 6 });
function abstract(vals: bigint[]): Scalar {
  let s: Scalar | null = null;
  for (const v of vals) {
    const c = scalarConst(v);
    if (!s) { s = c; continue; }
    s = {
      varOff: tnumUnion(s.varOff, c.varOff),
      umin: s.umin < c.umin ? s.umin : c.umin, umax: s.umax > c.umax ? s.umax : c.umax,
      smin: s.smin < c.smin ? s.smin : c.smin, smax: s.smax > c.smax ? s.smax : c.smax,
      u32min: s.u32min < c.u32min ? s.u32min : c.u32min, u32max: s.u32max > c.u32max ? s.u32max : c.u32max,
      s32min: s.s32min < c.s32min ? s.s32min : c.s32min, s32max: s.s32max > c.s32max ? s.s32max : c.s32max,
    };
  }
  regBoundsSync(s!);
  return s!;
}

function concreteAlu(op: ScalarAluOp, a: bigint, b: bigint, alu32: boolean): bigint | null {
  const w = alu32 ? 32 : 64;
  const x = BigInt.asUintN(w, a);
  const y = BigInt.asUintN(w, b);
  let r: bigint;
  switch (op) {
    case 'add': r = x + y; break;
    case 'sub': r = x - y; break;
    case 'mul': r = x * y; break;
    case 'and': r = x & y; break;
    case 'or': r = x | y; break;
    case 'xor': r = x ^ y; break;
    case 'lsh': if (y >= BigInt(w)) return null; r = x << y; break;
    case 'rsh': if (y >= BigInt(w)) return null; r = x >> y; break;
    case 'arsh': if (y >= BigInt(w)) return null; r = BigInt.asIntN(w, x) >> y; break;
    case 'div': r = y === 0n ? 0n : x / y; break;
    default: return null;
  }
  return BigInt.asUintN(w, r);
}

const RUNS = { numRuns: 400 };

describe('tnum against brute force', () => {
  const binops: [string, (a: Tnum, b: Tnum) => Tnum, (a: bigint, b: bigint) => bigint][] = [
    ['add', tnumAdd, (a, b) => a + b],
    ['sub', tnumSub, (a, b) => a - b],
    ['and', tnumAnd, (a, b) => a & b],
    ['or', tnumOr, (a, b) => a | b],
    ['xor', tnumXor, (a, b) => a ^ b],
    ['mul', tnumMul, (a, b) => a * b],
  ];
  for (const [name, f, g] of binops) {
    it(`tnum_${name} contains every concrete result`, () => {
      fc.assert(fc.property(smallTnum, smallTnum, (a, b) => {
        const r = f(a, b);
        expect(r.value & r.mask).toBe(0n);
        for (const x of members(a)) for (const y of members(b)) expect(tnumContains(r, g(x, y))).toBe(true);
      }), RUNS);
    });
  }
  it('shifts, neg and range are sound', () => {
    fc.assert(fc.property(smallTnum, fc.integer({ min: 0, max: 63 }), (a, s) => {
      for (const x of members(a)) {
        expect(tnumContains(tnumLshift(a, s), x << BigInt(s))).toBe(true);
        expect(tnumContains(tnumRshift(a, s), x >> BigInt(s))).toBe(true);
        expect(tnumContains(tnumArshift(a, s, 64), BigInt.asIntN(64, x) >> BigInt(s))).toBe(true);
        if (s < 32) expect(tnumContains(tnumArshift(a, s, 32), BigInt.asUintN(32, BigInt.asIntN(32, x) >> BigInt(s)))).toBe(true);
        expect(tnumContains(tnumNeg(a), -x)).toBe(true);
      }
    }), RUNS);
    fc.assert(fc.property(interesting, interesting, (a, b) => {
      const [lo, hi] = a < b ? [a, b] : [b, a];
      const r = tnumRange(lo, hi);
      expect(tnumContains(r, lo) && tnumContains(r, hi)).toBe(true);
      expect(tnumIn(r, tnumConst(lo))).toBe(true);
    }), RUNS);
  });
});

describe('bounds domain against concrete sets', () => {
  it('reg_bounds_sync keeps every member and stays consistent', () => {
    fc.assert(fc.property(valueSet, (vals) => {
      const s = abstract(vals);
      expect(boundsViolation(s)).toBeNull();
      for (const v of vals) expect(scalarContains(s, v)).toBe(true);
    }), RUNS);
  });
  const ops: ScalarAluOp[] = ['add', 'sub', 'mul', 'and', 'or', 'xor', 'lsh', 'rsh', 'arsh', 'div'];
  for (const op of ops) {
    for (const alu32 of [false, true]) {
      it(`${alu32 ? 'alu32' : 'alu64'} ${op} is sound`, () => {
        const src = op === 'lsh' || op === 'rsh' || op === 'arsh'
          ? fc.oneof(fc.array(fc.bigInt({ min: 0n, max: 70n }), { minLength: 1, maxLength: 2 }), valueSet)
          : valueSet;
        fc.assert(fc.property(valueSet, src, (xs, ys) => {
          const r = scalarAlu(op, abstract(xs), abstract(ys), alu32);
          expect(boundsViolation(r)).toBeNull();
          for (const x of xs) for (const y of ys) {
            const c = concreteAlu(op, x, y, alu32);
            if (c !== null) expect(scalarContains(r, c), `${x} ${op} ${y} = ${c}`).toBe(true);
          }
        }), RUNS);
      });
    }
  }
  it('neg is sound', () => {
    fc.assert(fc.property(valueSet, fc.boolean(), (xs, alu32) => {
      const r = scalarNeg(abstract(xs), alu32);
      for (const x of xs) expect(scalarContains(r, BigInt.asUintN(alu32 ? 32 : 64, -x))).toBe(true);
    }), RUNS);
  });

  const conds: Cond[] = ['jeq', 'jne', 'jgt', 'jge', 'jlt', 'jle', 'jsgt', 'jsge', 'jslt', 'jsle', 'jset', 'jnset'];
  function holds(c: Cond, a: bigint, b: bigint, is32: boolean): boolean {
    const w = is32 ? 32 : 64;
    const ua = BigInt.asUintN(w, a), ub = BigInt.asUintN(w, b);
    const sa = BigInt.asIntN(w, a), sb = BigInt.asIntN(w, b);
    switch (c) {
      case 'jeq': return ua === ub;
      case 'jne': return ua !== ub;
      case 'jgt': return ua > ub;
      case 'jge': return ua >= ub;
      case 'jlt': return ua < ub;
      case 'jle': return ua <= ub;
      case 'jsgt': return sa > sb;
      case 'jsge': return sa >= sb;
      case 'jslt': return sa < sb;
      case 'jsle': return sa <= sb;
      case 'jset': return (ua & ub) !== 0n;
      case 'jnset': return (ua & ub) === 0n;
    }
  }
  for (const c of conds) {
    it(`${c}: branch taken and refinement are sound`, () => {
      const rhs = fc.oneof(valueSet, fc.array(interesting, { minLength: 1, maxLength: 1 }));
      fc.assert(fc.property(valueSet, rhs, fc.boolean(), (xs, ys, is32) => {
        const a = abstract(xs), b = abstract(ys);
        const taken = scalarBranchTaken(a, b, c, is32);
        const a2 = { ...a }, b2 = { ...b };
        const live = refineCond(a2, b2, c, is32);
        let any = false;
        for (const x of xs) for (const y of ys) {
          const h = holds(c, x, y, is32);
          if (taken === 1) expect(h).toBe(true);
          if (taken === 0) expect(h).toBe(false);
          if (h) {
            any = true;
            expect(live).toBe(true);
            expect(scalarContains(a2, x) && scalarContains(b2, y), `${x} ${c} ${y}`).toBe(true);
          }
        }
        if (any) expect(boundsViolation(a2)).toBeNull();
      }), RUNS);
    });
  }
  it('unknown contains everything', () => {
    fc.assert(fc.property(interesting, (x) => { expect(scalarContains(scalarUnknown(), x)).toBe(true); }));
  });
});
