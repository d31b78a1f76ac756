// Test support: build programs from ISA row ids without an assembler, and a deliberately simple BigInt
// reference model of ALU, byte-swap and jump semantics (RFC 9669 sections 4.1-4.3, kernel
// ___bpf_prog_run) that the VM's generated code is checked against. Used by tests and the benchmark only.

import { ISA_BY_ID, type IsaRow } from '../isa/opcodes';
import type { Slot } from '../isa/insn';
import type { Program } from '../isa/program';

export function row(id: string): IsaRow {
  const r = ISA_BY_ID.get(id);
  if (!r) throw new Error(`no ISA row ${id}`);
  return r;
}

/** One slot of row `id` (discriminating src/off/imm come from the row). */
export function ins(id: string, f: Partial<Slot> = {}): Slot {
  const r = row(id);
  return {
    opcode: r.opcode,
    dst: f.dst ?? 0,
    src: r.srcField === 'fixed' && r.src !== undefined ? r.src : r.srcField === 'zero' ? 0 : f.src ?? 0,
    off: r.offField === 'fixed' && r.off !== undefined ? r.off : r.offField === 'zero' ? 0 : f.off ?? 0,
    imm: r.immField === 'fixed' && r.imm !== undefined ? r.imm : r.immField === 'zero' ? 0 : f.imm ?? 0,
  };
}

/** ld_imm64 dst = v (two slots). */
export function lddw(dst: number, v: bigint, pseudo = 0): Slot[] {
  const u = BigInt.asUintN(64, v);
  return [
    { opcode: 0x18, dst, src: pseudo, off: 0, imm: Number(BigInt.asIntN(32, u & 0xffffffffn)) },
    { opcode: 0, dst: 0, src: 0, off: 0, imm: Number(BigInt.asIntN(32, u >> 32n)) },
  ];
}

export function prog(...parts: (Slot | Slot[])[]): Program {
  return { slots: parts.flat(), maps: [], labels: {}, origin: 'bytes' };
}

export const EXIT: Slot = { opcode: 0x95, dst: 0, src: 0, off: 0, imm: 0 };

const M64 = (1n << 64n) - 1n;

/** Reference ALU: dst op src at width 32 or 64; `src` is the operand value (for K forms: imm sign-extended to 64 bits). */
export function refAlu(op: string, is64: boolean, dst: bigint, src: bigint, off = 0): bigint {
  const w = is64 ? 64 : 32;
  const U = (x: bigint): bigint => BigInt.asUintN(w, x);
  const S = (x: bigint): bigint => BigInt.asIntN(w, x);
  const a = U(dst);
  const b = U(src);
  let r: bigint;
  switch (op) {
    case 'add': r = a + b; break;
    case 'sub': r = a - b; break;
    case 'mul': r = a * b; break;
    case 'div': r = b === 0n ? 0n : a / b; break;
    case 'sdiv': r = b === 0n ? 0n : S(a) / S(b); break;
    case 'mod': r = b === 0n ? a : a % b; break;
    case 'smod': r = b === 0n ? a : S(a) % S(b); break;
    case 'or': r = a | b; break;
    case 'and': r = a & b; break;
    case 'xor': r = a ^ b; break;
    case 'lsh': r = a << (b & BigInt(w - 1)); break;
    case 'rsh': r = a >> (b & BigInt(w - 1)); break;
    case 'arsh': r = S(a) >> (b & BigInt(w - 1)); break;
    case 'neg': r = -a; break;
    case 'mov': r = b; break;
    case 'movsx': r = BigInt.asIntN(off, src); break;
    default: throw new Error(op);
  }
  return BigInt.asUintN(64, U(r)) & M64;
}

export function refEndian(op: 'le' | 'be' | 'bswap', bits: number, v: bigint): bigint {
  const x = BigInt.asUintN(bits, v);
  if (op === 'le') return x;
  let out = 0n;
  for (let k = 0; k < bits / 8; k++) out = (out << 8n) | ((x >> BigInt(8 * k)) & 0xffn);
  return out;
}

export function refJmp(cond: string, is64: boolean, dst: bigint, src: bigint): boolean {
  const w = is64 ? 64 : 32;
  const a = BigInt.asUintN(w, dst), b = BigInt.asUintN(w, src);
  const sa = BigInt.asIntN(w, dst), sb = BigInt.asIntN(w, src);
  switch (cond) {
    case 'jeq': return a === b;
    case 'jne': return a !== b;
    case 'jgt': return a > b;
    case 'jge': return a >= b;
    case 'jlt': return a < b;
    case 'jle': return a <= b;
    case 'jsgt': return sa > sb;
    case 'jsge': return sa >= sb;
    case 'jslt': return sa < sb;
    case 'jsle': return sa <= sb;
    case 'jset': return (a & b) !== 0n;
    default: throw new Error(cond);
  }
}

/** Values at the edges of every width. */
export const EDGES: bigint[] = [
  0n, 1n, 2n, 7n, 31n, 32n, 63n, 64n, 0x7fn, 0x80n, 0xffn, 0x7fffn, 0x8000n, 0xffffn, 0x7fffffffn, 0x80000000n, 0xffffffffn,
  0x100000000n, 0x123456789abcdef0n, 0x7fffffffffffffffn, 0x8000000000000000n, 0xfffffffffffffffen, 0xffffffffffffffffn,
  0xffffffff80000000n, 0x00000001ffffffffn,
];
/** imm values (s32) at the edges. */
export const IMM_EDGES: number[] = [0, 1, -1, 2, 7, 31, 32, 63, 64, 0x7f, 0x80, 0x7fff, -0x8000, 0x7fffffff, -0x80000000, -2];
