// Code generation: turns a program's straight-line instructions (ALU, byte swaps, jumps, ld_imm64,
// loads, stores, atomics) into specialised JavaScript, once per program. Two shapes come out of the
// same per-instruction templates, so the stepping path and the fast path cannot disagree:
//   - `single(pc)`: one instruction as a function over the register file (used by step() and by the
//     fast path's fallback), returning the next pc;
//   - `blocks`: the whole program as one function with the registers in local variables and a switch
//     over basic blocks, counting instructions per block against the budget (runFast).
// Instructions with effects beyond registers and memory (call, callx, exit, may_goto, LD_ABS/LD_IND,
// addr_space_cast, invalid slots) are "machine" instructions: generated code stops before them and
// worker/vm/machine.ts executes them.
// Semantics: RFC 9669 sections 4-5 and kernel/bpf/core.c ___bpf_prog_run (see ops64.ts for div/mod).

import type { Insn } from '../isa/insn';
import { decodeSlots } from '../isa/insn';
import type { Program } from '../isa/program';
import { CODE_BASE, MAP_PTR_BASE, MAP_PTR_STRIDE, MAP_VALUE_BASE, MAP_VALUE_WINDOW, type Memory } from './memory';
import * as O from './ops64';
import { interpOne } from './interp';

function evalWorks(): boolean {
  try {
    return (new Function('return 7') as () => number)() === 7;
  } catch {
    return false;
  }
}
let codegen = evalWorks();
/** Whether generated code is used (true unless eval is forbidden). Tests switch it off to run the interpreter. */
export function setCodegen(on: boolean): void {
  codegen = on && evalWorks();
}
export function codegenEnabled(): boolean {
  return codegen;
}

/** Signature of a compiled single instruction: returns the next pc. May throw VmFault. */
export type SingleFn = (R: Int32Array, M: Memory, Ops: typeof O, o: Int32Array) => number;
/** Signature of the compiled program: runs from S.pc until a machine instruction, the budget or a fault. */
export type BlocksFn = (R: Int32Array, S: { pc: number; n: number }, M: Memory, Ops: typeof O, o: Int32Array, B: number) => void;

export interface Compiled {
  insns: (Insn | null)[];
  /** Decode errors by slot. */
  invalid: Map<number, string>;
  /** True for slots the machine executes itself. */
  machine: boolean[];
  /** Entry of the block holding each slot, its instruction count and the count up to (excluding) each slot. */
  blockOf: Int32Array;
  blockLen: Int32Array;
  prefix: Int32Array;
  single(pc: number): SingleFn;
  blocks(): BlocksFn;
  /** The generated source of the block function (for tests and curiosity). */
  source(): string;
}

const L = (r: number): string => `r${r}l`;
const H = (r: number): string => `r${r}h`;
const hiOf = (v: bigint): number => Number((BigInt.asUintN(64, v) >> 32n) & 0xffffffffn) | 0;
const loOf = (v: bigint): number => Number(BigInt.asUintN(64, v) & 0xffffffffn) | 0;

export function mapPtrAddr(index: number): bigint {
  return MAP_PTR_BASE + BigInt(index) * MAP_PTR_STRIDE;
}
export function mapValueBase(index: number): bigint {
  return MAP_VALUE_BASE + BigInt(index) * MAP_VALUE_WINDOW;
}
export function codeAddr(pc: number): bigint {
  return CODE_BASE + BigInt(pc) * 8n;
}

function isMachine(i: Insn): boolean {
  switch (i.kind) {
    case 'call': case 'callx': case 'exit': case 'may_goto': case 'ldpkt':
      return true;
    case 'alu':
      return i.op === 'addr_space_cast';
    case 'ldimm64':
      return i.pseudo === 3; // BTF ids: the machine faults
    default:
      return false;
  }
}

/** Code for the effect of a straight-line instruction; `jump(t)` renders a transfer to slot t. */
function gen(i: Insn, jump: (t: number) => string): string {
  const pc = i.pc;
  switch (i.kind) {
    case 'alu': {
      const d = i.dst;
      const dl = L(d), dh = H(d);
      let sl: string, sh: string;
      if (i.srcX) { sl = L(i.src); sh = H(i.src); } else { sl = String(i.imm | 0); sh = String(i.imm < 0 ? -1 : 0); }
      if (i.is64) {
        switch (i.op) {
          case 'add': return `t = (${dl} >>> 0) + (${sl} >>> 0); ${dh} = (${dh} + ${sh} + (t > 4294967295 ? 1 : 0)) | 0; ${dl} = t | 0;`;
          case 'sub': return `t = (${dl} >>> 0) - (${sl} >>> 0); ${dh} = (${dh} - ${sh} - (t < 0 ? 1 : 0)) | 0; ${dl} = t | 0;`;
          case 'mul': return `${dl} = O.mul64(${dl}, ${dh}, ${sl}, ${sh}); ${dh} = o[1];`;
          case 'div': return `${dl} = O.udiv64(${dl}, ${dh}, ${sl}, ${sh}); ${dh} = o[1];`;
          case 'sdiv': return `${dl} = O.sdiv64(${dl}, ${dh}, ${sl}, ${sh}); ${dh} = o[1];`;
          case 'mod': return `${dl} = O.umod64(${dl}, ${dh}, ${sl}, ${sh}); ${dh} = o[1];`;
          case 'smod': return `${dl} = O.smod64(${dl}, ${dh}, ${sl}, ${sh}); ${dh} = o[1];`;
          case 'or': return `${dl} |= ${sl}; ${dh} |= ${sh};`;
          case 'and': return `${dl} &= ${sl}; ${dh} &= ${sh};`;
          case 'xor': return `${dl} ^= ${sl}; ${dh} ^= ${sh};`;
          case 'lsh': return `${dl} = O.lsh64(${dl}, ${dh}, ${sl} & 63); ${dh} = o[1];`;
          case 'rsh': return `${dl} = O.rsh64(${dl}, ${dh}, ${sl} & 63); ${dh} = o[1];`;
          case 'arsh': return `${dl} = O.arsh64(${dl}, ${dh}, ${sl} & 63); ${dh} = o[1];`;
          case 'neg': return `t = -(${dl} >>> 0); ${dh} = (-${dh} - (t < 0 ? 1 : 0)) | 0; ${dl} = t | 0;`;
          case 'mov': return d === i.src && i.srcX ? '' : `${dl} = ${sl}; ${dh} = ${sh};`;
          case 'movsx':
            if (i.off === 8) return `${dl} = (${sl} << 24) >> 24; ${dh} = ${dl} >> 31;`;
            if (i.off === 16) return `${dl} = (${sl} << 16) >> 16; ${dh} = ${dl} >> 31;`;
            return `${dl} = ${sl}; ${dh} = ${dl} >> 31;`;
          case 'addr_space_cast': return '';
        }
      } else {
        const z = `${dh} = 0;`;
        switch (i.op) {
          case 'add': return `${dl} = (${dl} + ${sl}) | 0; ${z}`;
          case 'sub': return `${dl} = (${dl} - ${sl}) | 0; ${z}`;
          case 'mul': return `${dl} = Math.imul(${dl}, ${sl}); ${z}`;
          case 'div': return `${dl} = O.udiv32(${dl}, ${sl}); ${z}`;
          case 'sdiv': return `${dl} = O.sdiv32(${dl}, ${sl}); ${z}`;
          case 'mod': return `${dl} = O.umod32(${dl}, ${sl}); ${z}`;
          case 'smod': return `${dl} = O.smod32(${dl}, ${sl}); ${z}`;
          case 'or': return `${dl} |= ${sl}; ${z}`;
          case 'and': return `${dl} &= ${sl}; ${z}`;
          case 'xor': return `${dl} ^= ${sl}; ${z}`;
          case 'lsh': return `${dl} <<= (${sl} & 31); ${z}`;
          case 'rsh': return `${dl} = (${dl} >>> (${sl} & 31)) | 0; ${z}`;
          case 'arsh': return `${dl} >>= (${sl} & 31); ${z}`;
          case 'neg': return `${dl} = (-${dl}) | 0; ${z}`;
          case 'mov': return `${dl} = ${sl}; ${z}`;
          case 'movsx': return i.off === 8 ? `${dl} = (${sl} << 24) >> 24; ${z}` : `${dl} = (${sl} << 16) >> 16; ${z}`;
          case 'addr_space_cast': return '';
        }
      }
      return '';
    }
    case 'endian': {
      const dl = L(i.dst), dh = H(i.dst);
      const swap = i.op !== 'le';
      if (i.bits === 16) return swap ? `${dl} = O.bswap16(${dl}); ${dh} = 0;` : `${dl} &= 65535; ${dh} = 0;`;
      if (i.bits === 32) return swap ? `${dl} = O.bswap32(${dl}); ${dh} = 0;` : `${dh} = 0;`;
      return swap ? `t = O.bswap32(${dl}); ${dl} = O.bswap32(${dh}); ${dh} = t;` : '';
    }
    case 'jmp': {
      const dl = L(i.dst), dh = H(i.dst);
      let sl: string, sh: string;
      if (i.srcX) { sl = L(i.src); sh = H(i.src); } else { sl = String(i.imm | 0); sh = String(i.imm < 0 ? -1 : 0); }
      let c: string;
      if (i.is64) {
        const ugt = `((${dh} >>> 0) > (${sh} >>> 0) || (${dh} === ${sh} && (${dl} >>> 0) > (${sl} >>> 0)))`;
        const uge = `((${dh} >>> 0) > (${sh} >>> 0) || (${dh} === ${sh} && (${dl} >>> 0) >= (${sl} >>> 0)))`;
        const ult = `((${dh} >>> 0) < (${sh} >>> 0) || (${dh} === ${sh} && (${dl} >>> 0) < (${sl} >>> 0)))`;
        const ule = `((${dh} >>> 0) < (${sh} >>> 0) || (${dh} === ${sh} && (${dl} >>> 0) <= (${sl} >>> 0)))`;
        const sgt = `(${dh} > ${sh} || (${dh} === ${sh} && (${dl} >>> 0) > (${sl} >>> 0)))`;
        const sge = `(${dh} > ${sh} || (${dh} === ${sh} && (${dl} >>> 0) >= (${sl} >>> 0)))`;
        const slt = `(${dh} < ${sh} || (${dh} === ${sh} && (${dl} >>> 0) < (${sl} >>> 0)))`;
        const sle = `(${dh} < ${sh} || (${dh} === ${sh} && (${dl} >>> 0) <= (${sl} >>> 0)))`;
        c = { jeq: `(${dl} === ${sl} && ${dh} === ${sh})`, jne: `(${dl} !== ${sl} || ${dh} !== ${sh})`, jgt: ugt, jge: uge, jlt: ult, jle: ule, jsgt: sgt, jsge: sge, jslt: slt, jsle: sle, jset: `((${dl} & ${sl}) !== 0 || (${dh} & ${sh}) !== 0)` }[i.cond];
      } else {
        c = {
          jeq: `(${dl} === ${sl})`, jne: `(${dl} !== ${sl})`, jgt: `((${dl} >>> 0) > (${sl} >>> 0))`, jge: `((${dl} >>> 0) >= (${sl} >>> 0))`,
          jlt: `((${dl} >>> 0) < (${sl} >>> 0))`, jle: `((${dl} >>> 0) <= (${sl} >>> 0))`, jsgt: `(${dl} > ${sl})`, jsge: `(${dl} >= ${sl})`,
          jslt: `(${dl} < ${sl})`, jsle: `(${dl} <= ${sl})`, jset: `((${dl} & ${sl}) !== 0)`,
        }[i.cond];
      }
      return `if ${c} { ${jump(pc + 1 + i.off)} }`;
    }
    case 'ja':
      return jump(pc + 1 + i.delta);
    case 'ldimm64': {
      let v: bigint;
      switch (i.pseudo) {
        case 0: v = i.value; break;
        case 1: case 5: v = mapPtrAddr(i.imm); break;
        case 2: case 6: v = mapValueBase(i.imm) + BigInt(i.imm2 >>> 0); break;
        case 4: v = codeAddr(pc + 1 + i.imm); break;
        default: v = 0n;
      }
      return `${L(i.dst)} = ${loOf(v)}; ${H(i.dst)} = ${hiOf(v)};`;
    }
    case 'ldx': {
      const a = addr(i.src, i.off);
      const dl = L(i.dst), dh = H(i.dst);
      if (!i.sx) return `${a} ${dl} = M.load(${pc}, al, ah, ${i.size}, o); ${dh} = o[1];`;
      const sh = 32 - i.size * 8;
      return i.size === 4
        ? `${a} ${dl} = M.load(${pc}, al, ah, 4, o); ${dh} = ${dl} >> 31;`
        : `${a} ${dl} = (M.load(${pc}, al, ah, ${i.size}, o) << ${sh}) >> ${sh}; ${dh} = ${dl} >> 31;`;
    }
    case 'st':
      return `${addr(i.dst, i.off)} M.store(${pc}, al, ah, ${i.size}, ${i.imm | 0}, ${i.imm < 0 ? -1 : 0}, true);`;
    case 'stx':
      return `${addr(i.dst, i.off)} M.store(${pc}, al, ah, ${i.size}, ${L(i.src)}, ${H(i.src)});`;
    case 'atomic': {
      const sz = i.size;
      const s = i.src;
      if (i.op === 'load_acquire') return `${addr(s, i.off)} ${L(i.dst)} = M.load(${pc}, al, ah, ${sz}, o); ${H(i.dst)} = o[1];`;
      if (i.op === 'store_release') return `${addr(i.dst, i.off)} M.store(${pc}, al, ah, ${sz}, ${L(s)}, ${H(s)});`;
      const is64 = sz === 8;
      let code = `${addr(i.dst, i.off)} vl = M.load(${pc}, al, ah, ${sz}, o); vh = o[1];`;
      if (i.op === 'cmpxchg') {
        code += is64
          ? ` if (vl === r0l && vh === r0h) M.store(${pc}, al, ah, 8, ${L(s)}, ${H(s)}); r0l = vl; r0h = vh;`
          : ` if (vl === r0l) M.store(${pc}, al, ah, 4, ${L(s)}, 0); r0l = vl; r0h = 0;`;
        return code;
      }
      if (i.op === 'xchg') return code + ` M.store(${pc}, al, ah, ${sz}, ${L(s)}, ${H(s)}); ${L(s)} = vl; ${H(s)} = vh;`;
      const base = i.op.replace('fetch_', '');
      let nl: string, nh: string;
      switch (base) {
        case 'add':
          code += is64 ? ` t = (vl >>> 0) + (${L(s)} >>> 0); u = (vh + ${H(s)} + (t > 4294967295 ? 1 : 0)) | 0; t = t | 0;` : ` t = (vl + ${L(s)}) | 0; u = 0;`;
          nl = 't'; nh = 'u'; break;
        case 'or': nl = `(vl | ${L(s)})`; nh = is64 ? `(vh | ${H(s)})` : '0'; break;
        case 'and': nl = `(vl & ${L(s)})`; nh = is64 ? `(vh & ${H(s)})` : '0'; break;
        default: nl = `(vl ^ ${L(s)})`; nh = is64 ? `(vh ^ ${H(s)})` : '0'; break;
      }
      code += ` M.store(${pc}, al, ah, ${sz}, ${nl}, ${nh});`;
      if (i.op.startsWith('fetch_')) code += ` ${L(s)} = vl; ${H(s)} = vh;`;
      return code;
    }
    default:
      return '';
  }
}

/** al/ah = reg + sign-extended off. */
function addr(r: number, off: number): string {
  if (off === 0) return `al = ${L(r)}; ah = ${H(r)};`;
  return `t = (${L(r)} >>> 0) + ${off}; al = t | 0; ah = (${H(r)} + (t > 4294967295 ? 1 : t < 0 ? -1 : 0)) | 0;`;
}

const PROLOGUE = Array.from({ length: 11 }, (_, r) => `let r${r}l = R[${2 * r}], r${r}h = R[${2 * r + 1}];`).join(' ');
const EPILOGUE = Array.from({ length: 11 }, (_, r) => `R[${2 * r}] = r${r}l; R[${2 * r + 1}] = r${r}h;`).join(' ');

export function compileProgram(p: Program): Compiled {
  const { insns, diagnostics } = decodeSlots(p.slots);
  const n = p.slots.length;
  const invalid = new Map<number, string>();
  for (const d of diagnostics) if (d.loc.insn !== undefined) invalid.set(d.loc.insn, d.message);
  const machine: boolean[] = [];
  const second = new Array<boolean>(n).fill(false);
  for (let pc = 0; pc < n; pc++) {
    const i = insns[pc];
    if (i && i.kind === 'ldimm64') second[pc + 1] = true;
    machine.push(!i ? !second[pc] : isMachine(i));
  }
  // Leaders: entry, jump targets, after jumps and machine instructions, machine instructions.
  const leader = new Array<boolean>(n + 1).fill(false);
  leader[0] = true;
  for (let pc = 0; pc < n; pc++) {
    const i = insns[pc];
    if (second[pc]) continue;
    if (!i || machine[pc]) {
      leader[pc] = true;
      leader[pc + 1] = true;
      if (i && i.kind === 'call' && i.callKind === 'local') { const t = pc + 1 + i.imm; if (t >= 0 && t < n) leader[t] = true; }
      continue;
    }
    if (i.kind === 'jmp' || i.kind === 'ja') {
      const t = i.kind === 'ja' ? pc + 1 + i.delta : pc + 1 + i.off;
      if (t >= 0 && t <= n) leader[t] = true;
      leader[pc + 1] = true;
    }
    if (i.kind === 'ldimm64' && i.pseudo === 4) { const t = pc + 1 + i.imm; if (t >= 0 && t < n) leader[t] = true; }
  }
  for (let pc = 0; pc < n; pc++) if (second[pc]) leader[pc] = false;
  const blockOf = new Int32Array(n);
  const blockLen = new Int32Array(n);
  const prefix = new Int32Array(n);
  let start = 0;
  let count = 0;
  for (let pc = 0; pc < n; pc++) {
    if (leader[pc]) { start = pc; count = 0; }
    blockOf[pc] = start;
    prefix[pc] = count;
    if (!second[pc]) count++;
    if (pc + 1 >= n || leader[pc + 1]) for (let q = start; q <= pc; q++) blockLen[q] = count;
  }

  const singles: (SingleFn | undefined)[] = new Array(n);
  let blocksFn: BlocksFn | undefined;
  let src: string | undefined;

  const interpSingles: (SingleFn | undefined)[] = new Array(n);
  const noBlocks: BlocksFn = () => {};

  function single(pc: number): SingleFn {
    if (!codegen) {
      let g = interpSingles[pc];
      if (!g) {
        const i = insns[pc]!;
        g = (R, M) => interpOne(i, R, M);
        interpSingles[pc] = g;
      }
      return g;
    }
    let f = singles[pc];
    if (f) return f;
    const i = insns[pc]!;
    const next = pc + (i.kind === 'ldimm64' ? 2 : 1);
    const body = `${PROLOGUE} let t = 0, u = 0, al = 0, ah = 0, vl = 0, vh = 0, nx = ${next};\n${gen(i, (t) => `nx = ${t};`)}\n${EPILOGUE} return nx;`;
    f = new Function('R', 'M', 'O', 'o', body) as SingleFn;
    singles[pc] = f;
    return f;
  }

  function source(): string {
    if (src !== undefined) return src;
    const parts: string[] = [];
    parts.push(`${PROLOGUE} let pc = S.pc, n = S.n, t = 0, u = 0, al = 0, ah = 0, vl = 0, vh = 0;`);
    parts.push('try { L: for (;;) { switch (pc) {');
    for (let pc = 0; pc < n; pc++) {
      if (second[pc]) continue;
      const i = insns[pc];
      if (leader[pc]) {
        parts.push(`case ${pc}:`);
        if (machine[pc] || !i) { parts.push(`pc = ${pc}; break L;`); continue; }
        parts.push(`if (n + ${blockLen[pc]} > B) { pc = ${pc}; break L; } n += ${blockLen[pc]};`);
      }
      parts.push(gen(i!, (t) => `pc = ${t}; continue L;`));
    }
    parts.push(`pc = ${n}; break L; default: break L; } } } catch (e) { ${EPILOGUE} S.n = n; S.pc = -1; throw e; }`);
    parts.push(`${EPILOGUE} S.pc = pc; S.n = n;`);
    src = parts.join('\n');
    return src;
  }

  function blocks(): BlocksFn {
    if (!codegen) return noBlocks;
    if (!blocksFn) blocksFn = new Function('R', 'S', 'M', 'O', 'o', 'B', source()) as BlocksFn;
    return blocksFn;
  }

  return { insns, invalid, machine, blockOf, blockLen, prefix, single, blocks, source };
}

export const Ops = O;
