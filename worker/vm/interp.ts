// A plain interpreter for the straight-line instructions (the same set compile.ts generates code for),
// used where generated code cannot be (a Content-Security-Policy without 'unsafe-eval') and as an
// independent second implementation that tests compare the generated code with. Same register file
// ((lo, hi) int32 pairs in an Int32Array), same memory and ops64 functions.
// Semantics: RFC 9669 sections 4-5, kernel/bpf/core.c ___bpf_prog_run.

import type { Insn } from '../isa/insn';
import type { Memory } from './memory';
import * as O from './ops64';
import { codeAddr, mapPtrAddr, mapValueBase } from './compile';

const o = O.o;

function add64(al: number, ah: number, bl: number, bh: number): number {
  const t = (al >>> 0) + (bl >>> 0);
  o[1] = (ah + bh + (t > 4294967295 ? 1 : 0)) | 0;
  return t | 0;
}
function sub64(al: number, ah: number, bl: number, bh: number): number {
  const t = (al >>> 0) - (bl >>> 0);
  o[1] = (ah - bh - (t < 0 ? 1 : 0)) | 0;
  return t | 0;
}
function ucmp(al: number, ah: number, bl: number, bh: number): number {
  if (ah !== bh) return (ah >>> 0) < (bh >>> 0) ? -1 : 1;
  if (al !== bl) return (al >>> 0) < (bl >>> 0) ? -1 : 1;
  return 0;
}
function scmp(al: number, ah: number, bl: number, bh: number): number {
  if (ah !== bh) return ah < bh ? -1 : 1;
  if (al !== bl) return (al >>> 0) < (bl >>> 0) ? -1 : 1;
  return 0;
}

/** Executes one straight-line instruction on R; returns the next pc. Memory faults throw VmFault. */
export function interpOne(i: Insn, R: Int32Array, M: Memory): number {
  const pc = i.pc;
  switch (i.kind) {
    case 'alu': {
      const d = 2 * i.dst;
      const sl = i.srcX ? R[2 * i.src]! : i.imm | 0;
      const sh = i.srcX ? R[2 * i.src + 1]! : i.imm < 0 ? -1 : 0;
      const dl = R[d]!, dh = R[d + 1]!;
      let rl: number, rh: number;
      if (i.is64) {
        switch (i.op) {
          case 'add': rl = add64(dl, dh, sl, sh); rh = o[1]!; break;
          case 'sub': rl = sub64(dl, dh, sl, sh); rh = o[1]!; break;
          case 'mul': rl = O.mul64(dl, dh, sl, sh); rh = o[1]!; break;
          case 'div': rl = O.udiv64(dl, dh, sl, sh); rh = o[1]!; break;
          case 'sdiv': rl = O.sdiv64(dl, dh, sl, sh); rh = o[1]!; break;
          case 'mod': rl = O.umod64(dl, dh, sl, sh); rh = o[1]!; break;
          case 'smod': rl = O.smod64(dl, dh, sl, sh); rh = o[1]!; break;
          case 'or': rl = dl | sl; rh = dh | sh; break;
          case 'and': rl = dl & sl; rh = dh & sh; break;
          case 'xor': rl = dl ^ sl; rh = dh ^ sh; break;
          case 'lsh': rl = O.lsh64(dl, dh, sl & 63); rh = o[1]!; break;
          case 'rsh': rl = O.rsh64(dl, dh, sl & 63); rh = o[1]!; break;
          case 'arsh': rl = O.arsh64(dl, dh, sl & 63); rh = o[1]!; break;
          case 'neg': rl = sub64(0, 0, dl, dh); rh = o[1]!; break;
          case 'mov': rl = sl; rh = sh; break;
          case 'movsx': {
            const b = 32 - i.off;
            rl = i.off === 32 ? sl : (sl << b) >> b;
            rh = rl >> 31;
            break;
          }
          default: return pc + 1; // addr_space_cast is a machine instruction
        }
      } else {
        rh = 0;
        switch (i.op) {
          case 'add': rl = (dl + sl) | 0; break;
          case 'sub': rl = (dl - sl) | 0; break;
          case 'mul': rl = Math.imul(dl, sl); break;
          case 'div': rl = O.udiv32(dl, sl); break;
          case 'sdiv': rl = O.sdiv32(dl, sl); break;
          case 'mod': rl = O.umod32(dl, sl); break;
          case 'smod': rl = O.smod32(dl, sl); break;
          case 'or': rl = dl | sl; break;
          case 'and': rl = dl & sl; break;
          case 'xor': rl = dl ^ sl; break;
          case 'lsh': rl = dl << (sl & 31); break;
          case 'rsh': rl = (dl >>> (sl & 31)) | 0; break;
          case 'arsh': rl = dl >> (sl & 31); break;
          case 'neg': rl = -dl | 0; break;
          case 'mov': rl = sl; break;
          case 'movsx': rl = (sl << (32 - i.off)) >> (32 - i.off); break;
          default: return pc + 1;
        }
      }
      R[d] = rl;
      R[d + 1] = rh;
      return pc + 1;
    }
    case 'endian': {
      const d = 2 * i.dst;
      const swap = i.op !== 'le';
      if (i.bits === 16) { R[d] = swap ? O.bswap16(R[d]!) : R[d]! & 0xffff; R[d + 1] = 0; }
      else if (i.bits === 32) { if (swap) R[d] = O.bswap32(R[d]!); R[d + 1] = 0; }
      else if (swap) { const t = O.bswap32(R[d]!); R[d] = O.bswap32(R[d + 1]!); R[d + 1] = t; }
      return pc + 1;
    }
    case 'jmp': {
      const d = 2 * i.dst;
      const sl = i.srcX ? R[2 * i.src]! : i.imm | 0;
      const sh = i.srcX ? R[2 * i.src + 1]! : i.imm < 0 ? -1 : 0;
      const dl = R[d]!, dh = i.is64 ? R[d + 1]! : 0;
      const bh = i.is64 ? sh : 0;
      const u = i.is64 ? ucmp(dl, dh, sl, bh) : ucmp(dl, 0, sl, 0);
      const s = i.is64 ? scmp(dl, dh, sl, bh) : scmp(dl, dl >> 31, sl, sl >> 31);
      let c: boolean;
      switch (i.cond) {
        case 'jeq': c = u === 0; break;
        case 'jne': c = u !== 0; break;
        case 'jgt': c = u > 0; break;
        case 'jge': c = u >= 0; break;
        case 'jlt': c = u < 0; break;
        case 'jle': c = u <= 0; break;
        case 'jsgt': c = s > 0; break;
        case 'jsge': c = s >= 0; break;
        case 'jslt': c = s < 0; break;
        case 'jsle': c = s <= 0; break;
        case 'jset': c = (dl & sl) !== 0 || (dh & bh) !== 0; break;
      }
      return c ? pc + 1 + i.off : pc + 1;
    }
    case 'ja':
      return pc + 1 + i.delta;
    case 'ldimm64': {
      let v: bigint;
      switch (i.pseudo) {
        case 0: v = i.value; break;
        case 1: case 5: v = mapPtrAddr(i.imm); break;
        case 2: case 6: v = mapValueBase(i.imm) + BigInt(i.imm2 >>> 0); break;
        case 4: v = codeAddr(pc + 1 + i.imm); break;
        default: v = 0n;
      }
      const u = BigInt.asUintN(64, v);
      R[2 * i.dst] = Number(u & 0xffffffffn) | 0;
      R[2 * i.dst + 1] = Number(u >> 32n) | 0;
      return pc + 2;
    }
    case 'ldx': {
      const al = add64(R[2 * i.src]!, R[2 * i.src + 1]!, i.off, i.off < 0 ? -1 : 0), ah = o[1]!;
      let lo = M.load(pc, al, ah, i.size, o);
      let hi = o[1]!;
      if (i.sx) {
        const b = 32 - i.size * 8;
        lo = b === 0 ? lo : (lo << b) >> b;
        hi = lo >> 31;
      }
      R[2 * i.dst] = lo;
      R[2 * i.dst + 1] = hi;
      return pc + 1;
    }
    case 'st': {
      const al = add64(R[2 * i.dst]!, R[2 * i.dst + 1]!, i.off, i.off < 0 ? -1 : 0), ah = o[1]!;
      M.store(pc, al, ah, i.size, i.imm | 0, i.imm < 0 ? -1 : 0, true);
      return pc + 1;
    }
    case 'stx': {
      const al = add64(R[2 * i.dst]!, R[2 * i.dst + 1]!, i.off, i.off < 0 ? -1 : 0), ah = o[1]!;
      M.store(pc, al, ah, i.size, R[2 * i.src]!, R[2 * i.src + 1]!);
      return pc + 1;
    }
    case 'atomic': {
      const s = 2 * i.src;
      if (i.op === 'load_acquire') {
        const al = add64(R[s]!, R[s + 1]!, i.off, i.off < 0 ? -1 : 0), ah = o[1]!;
        R[2 * i.dst] = M.load(pc, al, ah, i.size, o);
        R[2 * i.dst + 1] = o[1]!;
        return pc + 1;
      }
      const al = add64(R[2 * i.dst]!, R[2 * i.dst + 1]!, i.off, i.off < 0 ? -1 : 0), ah = o[1]!;
      if (i.op === 'store_release') {
        M.store(pc, al, ah, i.size, R[s]!, R[s + 1]!);
        return pc + 1;
      }
      const is64 = i.size === 8;
      const vl = M.load(pc, al, ah, i.size, o), vh = o[1]!;
      if (i.op === 'cmpxchg') {
        if (vl === R[0] && (!is64 || vh === R[1])) M.store(pc, al, ah, i.size, R[s]!, R[s + 1]!);
        R[0] = vl;
        R[1] = vh;
        return pc + 1;
      }
      if (i.op === 'xchg') {
        M.store(pc, al, ah, i.size, R[s]!, R[s + 1]!);
        R[s] = vl;
        R[s + 1] = vh;
        return pc + 1;
      }
      const base = i.op.replace('fetch_', '');
      let nl: number, nh: number;
      if (base === 'add') {
        if (is64) { nl = add64(vl, vh, R[s]!, R[s + 1]!); nh = o[1]!; } else { nl = (vl + R[s]!) | 0; nh = 0; }
      } else if (base === 'or') { nl = vl | R[s]!; nh = is64 ? vh | R[s + 1]! : 0; }
      else if (base === 'and') { nl = vl & R[s]!; nh = is64 ? vh & R[s + 1]! : 0; }
      else { nl = vl ^ R[s]!; nh = is64 ? vh ^ R[s + 1]! : 0; }
      M.store(pc, al, ah, i.size, nl, nh);
      if (i.op.startsWith('fetch_')) { R[s] = vl; R[s + 1] = vh; }
      return pc + 1;
    }
    default:
      return pc + 1;
  }
}
