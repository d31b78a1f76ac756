// The one opcode table of bpfplay: every legal eBPF instruction shape of RFC 9669 and Linux 6.18,
// one row each. The decoder's validity lookup, both assembler dialects, the disassembler, the
// editor's tokens and hovers, and the reference panel are all derived from these rows.
//
// It does not execute anything (worker/vm) nor check types (worker/verifier).
// Encoding (RFC 9669 section 3, little-endian "bpfel"):
//
//   byte 0        byte 1           bytes 2-3         bytes 4-7
//  +--------+----------+---------+-----------------+--------------------------------+
//  | opcode | dst (lo) | src (hi)| offset (s16 LE) | imm (s32 LE)                   |
//  +--------+----------+---------+-----------------+--------------------------------+
//
//  opcode, ALU/JMP classes:  | op (4 bits) | source (1 bit: K=0, X=8) | class (3 bits) |
//  opcode, load/store:       | mode (3 bits) | size (2 bits) | class (3 bits) |

export const CLS = { LD: 0x00, LDX: 0x01, ST: 0x02, STX: 0x03, ALU: 0x04, JMP: 0x05, JMP32: 0x06, ALU64: 0x07 } as const;
export const SRC = { K: 0x00, X: 0x08 } as const;
export const ALU = {
  ADD: 0x00, SUB: 0x10, MUL: 0x20, DIV: 0x30, OR: 0x40, AND: 0x50, LSH: 0x60, RSH: 0x70,
  NEG: 0x80, MOD: 0x90, XOR: 0xa0, MOV: 0xb0, ARSH: 0xc0, END: 0xd0,
} as const;
export const JMP = {
  JA: 0x00, JEQ: 0x10, JGT: 0x20, JGE: 0x30, JSET: 0x40, JNE: 0x50, JSGT: 0x60, JSGE: 0x70,
  CALL: 0x80, EXIT: 0x90, JLT: 0xa0, JLE: 0xb0, JSLT: 0xc0, JSLE: 0xd0, JCOND: 0xe0,
} as const;
export const MODE = { IMM: 0x00, ABS: 0x20, IND: 0x40, MEM: 0x60, MEMSX: 0x80, ATOMIC: 0xc0 } as const;
export const SIZE = { W: 0x00, H: 0x08, B: 0x10, DW: 0x18 } as const;
/** Atomic operation codes carried in imm (BPF_ATOMIC). */
export const ATOMIC = {
  ADD: 0x00, OR: 0x40, AND: 0x50, XOR: 0xa0, FETCH: 0x01, XCHG: 0xe1, CMPXCHG: 0xf1,
  LOAD_ACQ: 0x100, STORE_REL: 0x110,
} as const;
/** ld_imm64 pseudo sources (src_reg of the first slot), include/uapi/linux/bpf.h. */
export const PSEUDO = {
  IMM64: 0, MAP_FD: 1, MAP_VALUE: 2, BTF_ID: 3, FUNC: 4, MAP_IDX: 5, MAP_IDX_VALUE: 6,
} as const;
/** call src_reg values. */
export const CALLSRC = { HELPER: 0, PSEUDO_CALL: 1, KFUNC: 2 } as const;

export type AluOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'sdiv' | 'or' | 'and' | 'lsh' | 'rsh' | 'neg' | 'mod' | 'smod'
  | 'xor' | 'mov' | 'movsx' | 'arsh' | 'addr_space_cast';
export type JmpCond =
  | 'jeq' | 'jgt' | 'jge' | 'jset' | 'jne' | 'jsgt' | 'jsge' | 'jlt' | 'jle' | 'jslt' | 'jsle';
export type AtomicOp =
  | 'add' | 'or' | 'and' | 'xor' | 'fetch_add' | 'fetch_or' | 'fetch_and' | 'fetch_xor'
  | 'xchg' | 'cmpxchg' | 'load_acquire' | 'store_release';
export type EndianOp = 'le' | 'be' | 'bswap';
export type MemSize = 1 | 2 | 4 | 8;

export type InsnKind =
  | 'alu' | 'endian' | 'jmp' | 'ja' | 'may_goto' | 'call' | 'callx' | 'exit'
  | 'ldimm64' | 'ldx' | 'st' | 'stx' | 'atomic' | 'ldpkt';

/** How an instruction uses each field. 'zero' fields are reserved and must be 0. */
export type RegUse = 'none' | 'read' | 'write' | 'readwrite';
export type OffUse = 'zero' | 'fixed' | 'jump' | 'mem';
export type ImmUse = 'zero' | 'fixed' | 'value' | 'jump' | 'helper' | 'call' | 'btf' | 'ldimm64';

/** The conformance group an instruction belongs to (bpf_conformance naming) and the -mcpu version that adds it. */
export type IsaGroup = 'base32' | 'base64' | 'atomic32' | 'atomic64' | 'divmul32' | 'divmul64' | 'callx' | 'packet';

export interface IsaRow {
  /** Unique id, e.g. 'add64_reg', 'jeq32_imm', 'ldxsh', 'lock_fetch_add32'. Stable: tests and docs use it. */
  readonly id: string;
  readonly opcode: number;
  readonly kind: InsnKind;
  /** Discriminating field values beyond the opcode (a row matches only when these equal the instruction's). */
  readonly src?: number;
  readonly off?: number;
  readonly imm?: number;
  readonly dst: RegUse;
  /** 'reg' = src field is a register operand; 'fixed' = src is a discriminator above; 'zero' = reserved. */
  readonly srcField: 'reg' | 'fixed' | 'zero';
  readonly offField: OffUse;
  readonly immField: ImmUse;
  /** ubpf / bpf_conformance mnemonic, null when that dialect has none. */
  readonly ubpf: string | null;
  /** Minimum -mcpu version that has it (1..4). */
  readonly cpu: 1 | 2 | 3 | 4;
  readonly group: IsaGroup;
  /** Accepted by llvm-mc-19 (goldens cover these rows). */
  readonly llvm19: boolean;
  /** One sentence for hovers and the reference panel. */
  readonly doc: string;
  // Decoded meaning, for rows of the kinds that need it.
  readonly is64?: boolean;
  readonly aluOp?: AluOp;
  readonly srcX?: boolean;
  readonly cond?: JmpCond;
  readonly size?: MemSize;
  readonly atomicOp?: AtomicOp;
  readonly endian?: EndianOp;
  readonly bits?: 16 | 32 | 64;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
const rows: IsaRow[] = [];
function add(r: Mutable<IsaRow>): void {
  rows.push(Object.freeze(r));
}

// ---- ALU and ALU64 -------------------------------------------------------------------------
const aluOps: { name: 'add' | 'sub' | 'mul' | 'div' | 'or' | 'and' | 'lsh' | 'rsh' | 'mod' | 'xor' | 'mov' | 'arsh'; code: number; doc: string }[] = [
  { name: 'add', code: ALU.ADD, doc: 'dst += src' },
  { name: 'sub', code: ALU.SUB, doc: 'dst -= src' },
  { name: 'mul', code: ALU.MUL, doc: 'dst *= src' },
  { name: 'div', code: ALU.DIV, doc: 'dst = dst / src, unsigned; division by zero gives 0' },
  { name: 'or', code: ALU.OR, doc: 'dst |= src' },
  { name: 'and', code: ALU.AND, doc: 'dst &= src' },
  { name: 'lsh', code: ALU.LSH, doc: 'dst <<= src, shift amount masked to the operand width' },
  { name: 'rsh', code: ALU.RSH, doc: 'dst >>= src, logical, shift amount masked to the operand width' },
  { name: 'mod', code: ALU.MOD, doc: 'dst = dst % src, unsigned; modulo by zero leaves dst unchanged' },
  { name: 'xor', code: ALU.XOR, doc: 'dst ^= src' },
  { name: 'mov', code: ALU.MOV, doc: 'dst = src' },
  { name: 'arsh', code: ALU.ARSH, doc: 'dst >>= src, arithmetic (sign-filling), shift amount masked' },
];
function aluGroup(is64: boolean, op: string): IsaGroup {
  if (op === 'mul' || op === 'div' || op === 'mod' || op === 'sdiv' || op === 'smod') return is64 ? 'divmul64' : 'divmul32';
  return is64 ? 'base64' : 'base32';
}
for (const is64 of [true, false]) {
  const cls = is64 ? CLS.ALU64 : CLS.ALU;
  const sfx = is64 ? '64' : '32';
  const width = is64 ? '64-bit' : '32-bit (result zero-extended)';
  for (const o of aluOps) {
    for (const srcX of [false, true]) {
      add({
        id: `${o.name}${sfx}_${srcX ? 'reg' : 'imm'}`,
        opcode: cls | o.code | (srcX ? SRC.X : SRC.K),
        kind: 'alu', off: 0,
        dst: o.name === 'mov' ? 'write' : 'readwrite',
        srcField: srcX ? 'reg' : 'zero', offField: 'fixed', immField: srcX ? 'zero' : 'value',
        ubpf: is64 ? o.name : `${o.name}32`, cpu: 1, group: aluGroup(is64, o.name), llvm19: true,
        doc: `${width} ${o.doc}`, is64, aluOp: o.name, srcX,
      });
    }
  }
  // Signed division and modulo (cpu v4): DIV/MOD with offset 1.
  for (const [name, code, doc] of [['sdiv', ALU.DIV, 'dst = dst / src, signed; division by zero gives 0, INT_MIN / -1 gives INT_MIN'], ['smod', ALU.MOD, 'dst = dst % src, signed (sign of the dividend); modulo by zero leaves dst unchanged, INT_MIN % -1 gives 0']] as const) {
    for (const srcX of [false, true]) {
      add({
        id: `${name}${sfx}_${srcX ? 'reg' : 'imm'}`, opcode: cls | code | (srcX ? SRC.X : SRC.K), kind: 'alu', off: 1,
        dst: 'readwrite', srcField: srcX ? 'reg' : 'zero', offField: 'fixed', immField: srcX ? 'zero' : 'value',
        ubpf: is64 ? name : `${name}32`, cpu: 4, group: aluGroup(is64, name), llvm19: true, doc: `${width} ${doc}`,
        is64, aluOp: name, srcX,
      });
    }
  }
  // Sign-extending moves (cpu v4): MOV X with offset 8/16/32 (32 only in ALU64).
  for (const bits of is64 ? [8, 16, 32] : [8, 16]) {
    add({
      id: `movsx${bits}${sfx}`, opcode: cls | ALU.MOV | SRC.X, kind: 'alu', off: bits,
      dst: 'write', srcField: 'reg', offField: 'fixed', immField: 'zero',
      ubpf: `movsx${bits}${sfx}`, cpu: 4, group: is64 ? 'base64' : 'base32', llvm19: true,
      doc: `dst = the low ${bits} bits of src, sign-extended to ${is64 ? 64 : 32} bits${is64 ? '' : ' (then zero-extended)'}`,
      is64, aluOp: 'movsx', srcX: true,
    });
  }
  add({
    id: `neg${sfx}`, opcode: cls | ALU.NEG | SRC.K, kind: 'alu', off: 0, dst: 'readwrite', srcField: 'zero',
    offField: 'fixed', immField: 'zero', ubpf: is64 ? 'neg' : 'neg32', cpu: 1, group: is64 ? 'base64' : 'base32',
    llvm19: true, doc: `${width} dst = -dst`, is64, aluOp: 'neg', srcX: false,
  });
}
// Arena address-space cast (Linux 6.9+): ALU64 MOV X with offset 1, imm = (dst_as << 16) | src_as.
add({
  id: 'addr_space_cast', opcode: CLS.ALU64 | ALU.MOV | SRC.X, kind: 'alu', off: 1, dst: 'write', srcField: 'reg',
  offField: 'fixed', immField: 'value', ubpf: null, cpu: 4, group: 'base64', llvm19: true,
  doc: 'dst = src converted between address spaces (BPF arena pointers); imm = (dst_as << 16) | src_as',
  is64: true, aluOp: 'addr_space_cast', srcX: true,
});
// Byte swaps. ALU class END: le (K) / be (X) convert from host (little-endian) order; ALU64 END K = bswap (v4).
for (const bits of [16, 32, 64] as const) {
  add({
    id: `le${bits}`, opcode: CLS.ALU | ALU.END | SRC.K, kind: 'endian', imm: bits, off: 0, dst: 'readwrite',
    srcField: 'zero', offField: 'fixed', immField: 'fixed', ubpf: `le${bits}`, cpu: 1, group: 'base32', llvm19: true,
    doc: `dst = the low ${bits} bits of dst converted to little-endian (on bpfel: truncation and zero-extension)`,
    endian: 'le', bits,
  });
  add({
    id: `be${bits}`, opcode: CLS.ALU | ALU.END | SRC.X, kind: 'endian', imm: bits, off: 0, dst: 'readwrite',
    srcField: 'zero', offField: 'fixed', immField: 'fixed', ubpf: `be${bits}`, cpu: 1, group: 'base32', llvm19: true,
    doc: `dst = the low ${bits} bits of dst byte-swapped to big-endian, zero-extended`, endian: 'be', bits,
  });
  add({
    id: `bswap${bits}`, opcode: CLS.ALU64 | ALU.END | SRC.K, kind: 'endian', imm: bits, off: 0, dst: 'readwrite',
    srcField: 'zero', offField: 'fixed', immField: 'fixed', ubpf: `bswap${bits}`, cpu: 4, group: 'base64', llvm19: true,
    doc: `dst = the low ${bits} bits of dst byte-swapped unconditionally, zero-extended`, endian: 'bswap', bits,
  });
}

// ---- JMP and JMP32 ---------------------------------------------------------------------------
const conds: { name: JmpCond; code: number; doc: string }[] = [
  { name: 'jeq', code: JMP.JEQ, doc: '==' },
  { name: 'jgt', code: JMP.JGT, doc: '> (unsigned)' },
  { name: 'jge', code: JMP.JGE, doc: '>= (unsigned)' },
  { name: 'jset', code: JMP.JSET, doc: '& (any common bit set)' },
  { name: 'jne', code: JMP.JNE, doc: '!=' },
  { name: 'jsgt', code: JMP.JSGT, doc: '> (signed)' },
  { name: 'jsge', code: JMP.JSGE, doc: '>= (signed)' },
  { name: 'jlt', code: JMP.JLT, doc: '< (unsigned)' },
  { name: 'jle', code: JMP.JLE, doc: '<= (unsigned)' },
  { name: 'jslt', code: JMP.JSLT, doc: '< (signed)' },
  { name: 'jsle', code: JMP.JSLE, doc: '<= (signed)' },
];
for (const is64 of [true, false]) {
  const cls = is64 ? CLS.JMP : CLS.JMP32;
  const sfx = is64 ? '' : '32';
  for (const c of conds) {
    for (const srcX of [false, true]) {
      add({
        id: `${c.name}${sfx}_${srcX ? 'reg' : 'imm'}`, opcode: cls | c.code | (srcX ? SRC.X : SRC.K), kind: 'jmp',
        dst: 'read', srcField: srcX ? 'reg' : 'zero', offField: 'jump', immField: srcX ? 'zero' : 'value',
        ubpf: `${c.name}${sfx}`, cpu: is64 ? (['jlt', 'jle', 'jslt', 'jsle'].includes(c.name) ? 2 : 1) : 3,
        group: is64 ? 'base64' : 'base32', llvm19: true,
        doc: `goto +off if ${is64 ? '' : 'the low 32 bits of '}dst ${c.doc} ${srcX ? 'src' : 'imm'}${is64 && !srcX ? ' (imm sign-extended to 64 bits)' : ''}`,
        is64, cond: c.name, srcX,
      });
    }
  }
}
add({
  id: 'ja', opcode: CLS.JMP | JMP.JA, kind: 'ja', dst: 'none', srcField: 'zero', offField: 'jump', immField: 'zero',
  ubpf: 'ja', cpu: 1, group: 'base64', llvm19: true, doc: 'goto +off (16-bit offset)', is64: true,
});
add({
  id: 'ja32', opcode: CLS.JMP32 | JMP.JA, kind: 'ja', dst: 'none', srcField: 'zero', offField: 'zero', immField: 'jump',
  ubpf: 'ja32', cpu: 4, group: 'base32', llvm19: true, doc: 'gotol +imm (32-bit offset in imm)', is64: false,
});
add({
  id: 'may_goto', opcode: CLS.JMP | JMP.JCOND, kind: 'may_goto', src: 0, dst: 'none', srcField: 'fixed',
  offField: 'jump', immField: 'zero', ubpf: null, cpu: 4, group: 'base64', llvm19: true,
  doc: 'may_goto +off: fall through while the loop budget lasts, jump once it is exhausted (Linux 6.9+)',
});
add({
  id: 'call', opcode: CLS.JMP | JMP.CALL, kind: 'call', src: CALLSRC.HELPER, off: 0, dst: 'none', srcField: 'fixed',
  offField: 'fixed', immField: 'helper', ubpf: 'call', cpu: 1, group: 'base32', llvm19: true,
  doc: 'call helper function number imm; r1-r5 are arguments, r0 the result, r1-r5 are clobbered',
});
add({
  id: 'call_local', opcode: CLS.JMP | JMP.CALL, kind: 'call', src: CALLSRC.PSEUDO_CALL, off: 0, dst: 'none',
  srcField: 'fixed', offField: 'fixed', immField: 'call', ubpf: 'call local', cpu: 1, group: 'base32', llvm19: true,
  doc: 'call the BPF function at pc + 1 + imm (bpf-to-bpf call) with a new stack frame',
});
add({
  id: 'call_kfunc', opcode: CLS.JMP | JMP.CALL, kind: 'call', src: CALLSRC.KFUNC, dst: 'none', srcField: 'fixed',
  offField: 'mem', immField: 'btf', ubpf: 'call runtime', cpu: 1, group: 'base32', llvm19: false,
  doc: 'call the kernel function with BTF id imm (kfunc); off selects the module BTF',
});
add({
  id: 'callx', opcode: CLS.JMP | JMP.CALL | SRC.X, kind: 'callx', src: 0, off: 0, imm: 0, dst: 'read', srcField: 'fixed',
  offField: 'fixed', immField: 'fixed', ubpf: 'callx', cpu: 1, group: 'callx', llvm19: true,
  doc: 'call the helper whose number is in register dst (callx; not accepted by the Linux verifier)',
});
add({
  id: 'exit', opcode: CLS.JMP | JMP.EXIT, kind: 'exit', src: 0, off: 0, imm: 0, dst: 'none', srcField: 'fixed',
  offField: 'fixed', immField: 'fixed', ubpf: 'exit', cpu: 1, group: 'base32', llvm19: true,
  doc: 'return r0 to the caller (or end the program)',
});

// ---- Loads and stores ------------------------------------------------------------------------
const pseudoDocs: [number, string, string][] = [
  [PSEUDO.IMM64, 'lddw', 'dst = imm64 (two slots; the second carries the high 32 bits)'],
  [PSEUDO.MAP_FD, 'lddw_map_fd', 'dst = pointer to the map with file descriptor imm (BPF_PSEUDO_MAP_FD)'],
  [PSEUDO.MAP_VALUE, 'lddw_map_value', "dst = pointer into the map fd imm's value at offset imm2 (BPF_PSEUDO_MAP_VALUE)"],
  [PSEUDO.BTF_ID, 'lddw_btf_id', 'dst = address of the kernel variable with BTF id imm (BPF_PSEUDO_BTF_ID)'],
  [PSEUDO.FUNC, 'lddw_func', 'dst = address of the BPF function at pc + 1 + imm (BPF_PSEUDO_FUNC)'],
  [PSEUDO.MAP_IDX, 'lddw_map_idx', 'dst = pointer to the map at index imm of fd_array (BPF_PSEUDO_MAP_IDX)'],
  [PSEUDO.MAP_IDX_VALUE, 'lddw_map_idx_value', 'dst = pointer into the value of the map at index imm of fd_array, offset imm2 (BPF_PSEUDO_MAP_IDX_VALUE)'],
];
for (const [src, id, doc] of pseudoDocs) {
  add({
    id, opcode: CLS.LD | MODE.IMM | SIZE.DW, kind: 'ldimm64', src, off: 0, dst: 'write', srcField: 'fixed',
    offField: 'fixed', immField: 'ldimm64', ubpf: src === 0 ? 'lddw' : null, cpu: 1, group: 'base64',
    llvm19: src === PSEUDO.IMM64 || src === PSEUDO.MAP_FD || src === PSEUDO.MAP_VALUE, doc, size: 8,
  });
}
const sizes: { s: MemSize; code: number; sfx: 'b' | 'h' | 'w' | 'dw'; c: string }[] = [
  { s: 1, code: SIZE.B, sfx: 'b', c: 'u8' },
  { s: 2, code: SIZE.H, sfx: 'h', c: 'u16' },
  { s: 4, code: SIZE.W, sfx: 'w', c: 'u32' },
  { s: 8, code: SIZE.DW, sfx: 'dw', c: 'u64' },
];
for (const z of sizes) {
  const g: IsaGroup = z.s === 8 ? 'base64' : 'base32';
  add({
    id: `ldx${z.sfx}`, opcode: CLS.LDX | MODE.MEM | z.code, kind: 'ldx', imm: 0, dst: 'write', srcField: 'reg',
    offField: 'mem', immField: 'fixed', ubpf: `ldx${z.sfx}`, cpu: 1, group: g, llvm19: true,
    doc: `dst = *(${z.c} *)(src + off), zero-extended`, size: z.s,
  });
  if (z.s !== 8) {
    add({
      id: `ldxs${z.sfx}`, opcode: CLS.LDX | MODE.MEMSX | z.code, kind: 'ldx', imm: 0, dst: 'write', srcField: 'reg',
      offField: 'mem', immField: 'fixed', ubpf: `ldxs${z.sfx}`, cpu: 4, group: 'base64', llvm19: true,
      doc: `dst = *(s${z.s * 8} *)(src + off), sign-extended to 64 bits`, size: z.s,
    });
  }
  add({
    id: `st${z.sfx}`, opcode: CLS.ST | MODE.MEM | z.code, kind: 'st', dst: 'read', srcField: 'zero', offField: 'mem',
    immField: 'value', ubpf: `st${z.sfx}`, cpu: 1, group: g, llvm19: true,
    doc: `*(${z.c} *)(dst + off) = imm`, size: z.s,
  });
  add({
    id: `stx${z.sfx}`, opcode: CLS.STX | MODE.MEM | z.code, kind: 'stx', imm: 0, dst: 'read', srcField: 'reg',
    offField: 'mem', immField: 'fixed', ubpf: `stx${z.sfx}`, cpu: 1, group: g, llvm19: true,
    doc: `*(${z.c} *)(dst + off) = src`, size: z.s,
  });
}
// Atomics: STX | ATOMIC | W/DW with the operation in imm.
const atomics: { op: AtomicOp; imm: number; ubpf: string; doc: string }[] = [
  { op: 'add', imm: ATOMIC.ADD, ubpf: 'lock add', doc: '*(dst + off) += src, atomically' },
  { op: 'or', imm: ATOMIC.OR, ubpf: 'lock or', doc: '*(dst + off) |= src, atomically' },
  { op: 'and', imm: ATOMIC.AND, ubpf: 'lock and', doc: '*(dst + off) &= src, atomically' },
  { op: 'xor', imm: ATOMIC.XOR, ubpf: 'lock xor', doc: '*(dst + off) ^= src, atomically' },
  { op: 'fetch_add', imm: ATOMIC.ADD | ATOMIC.FETCH, ubpf: 'lock fetch add', doc: 'src = old *(dst + off); *(dst + off) += src, atomically' },
  { op: 'fetch_or', imm: ATOMIC.OR | ATOMIC.FETCH, ubpf: 'lock fetch or', doc: 'src = old *(dst + off); *(dst + off) |= src, atomically' },
  { op: 'fetch_and', imm: ATOMIC.AND | ATOMIC.FETCH, ubpf: 'lock fetch and', doc: 'src = old *(dst + off); *(dst + off) &= src, atomically' },
  { op: 'fetch_xor', imm: ATOMIC.XOR | ATOMIC.FETCH, ubpf: 'lock fetch xor', doc: 'src = old *(dst + off); *(dst + off) ^= src, atomically' },
  { op: 'xchg', imm: ATOMIC.XCHG, ubpf: 'lock xchg', doc: 'swap src and *(dst + off), atomically' },
  { op: 'cmpxchg', imm: ATOMIC.CMPXCHG, ubpf: 'lock cmpxchg', doc: 'if *(dst + off) == r0 then *(dst + off) = src; r0 = the old value, atomically' },
];
for (const z of [sizes[2]!, sizes[3]!]) {
  const is64 = z.s === 8;
  for (const a of atomics) {
    add({
      id: `lock_${a.op}${is64 ? '' : '32'}`, opcode: CLS.STX | MODE.ATOMIC | z.code, kind: 'atomic', imm: a.imm,
      dst: 'read', srcField: 'reg', offField: 'mem', immField: 'fixed',
      ubpf: `${a.ubpf}${is64 ? '' : '32'}`, cpu: 3, group: is64 ? 'atomic64' : 'atomic32', llvm19: true,
      doc: `${z.s * 8}-bit ${a.doc}`, size: z.s, atomicOp: a.op,
    });
  }
}
// Load-acquire / store-release (Linux 6.15+, LLVM 20+): all four sizes.
for (const z of sizes) {
  add({
    id: `load_acquire${z.s * 8}`, opcode: CLS.STX | MODE.ATOMIC | z.code, kind: 'atomic', imm: ATOMIC.LOAD_ACQ,
    dst: 'write', srcField: 'reg', offField: 'mem', immField: 'fixed', ubpf: null, cpu: 4,
    group: z.s === 8 ? 'atomic64' : 'atomic32', llvm19: false,
    doc: `dst = *(${z.c} *)(src + off) with acquire ordering`, size: z.s, atomicOp: 'load_acquire',
  });
  add({
    id: `store_release${z.s * 8}`, opcode: CLS.STX | MODE.ATOMIC | z.code, kind: 'atomic', imm: ATOMIC.STORE_REL,
    dst: 'read', srcField: 'reg', offField: 'mem', immField: 'fixed', ubpf: null, cpu: 4,
    group: z.s === 8 ? 'atomic64' : 'atomic32', llvm19: false,
    doc: `*(${z.c} *)(dst + off) = src with release ordering`, size: z.s, atomicOp: 'store_release',
  });
}
// Legacy packet access (socket filters and tc): r0 = ntoh(*(packet + imm [+ src])); r1-r5 clobbered.
for (const z of sizes.slice(0, 3)) {
  add({
    id: `ldabs${z.sfx}`, opcode: CLS.LD | MODE.ABS | z.code, kind: 'ldpkt', src: 0, off: 0, dst: 'none', srcField: 'fixed',
    offField: 'fixed', immField: 'value', ubpf: `ldabs${z.sfx}`, cpu: 1, group: 'packet', llvm19: true,
    doc: `r0 = the ${z.s * 8}-bit big-endian value at packet offset imm (legacy; ends the program with 0 when out of the packet)`,
    size: z.s,
  });
  add({
    id: `ldind${z.sfx}`, opcode: CLS.LD | MODE.IND | z.code, kind: 'ldpkt', off: 0, dst: 'none', srcField: 'reg',
    offField: 'fixed', immField: 'value', ubpf: `ldind${z.sfx}`, cpu: 1, group: 'packet', llvm19: true,
    doc: `r0 = the ${z.s * 8}-bit big-endian value at packet offset src + imm (legacy; ends the program with 0 when out of the packet)`,
    size: z.s,
  });
}

/** Every legal instruction shape, in a stable order. */
export const ISA: readonly IsaRow[] = Object.freeze(rows);

export const ISA_BY_ID: ReadonlyMap<string, IsaRow> = new Map(ISA.map((r) => [r.id, r]));

/** opcode -> rows with that opcode (the 256-entry validity lookup). */
const byOpcode: IsaRow[][] = Array.from({ length: 256 }, () => []);
for (const r of ISA) byOpcode[r.opcode]!.push(r);
export const ROWS_BY_OPCODE: readonly (readonly IsaRow[])[] = byOpcode;

/** The row an instruction belongs to, or null if none matches its opcode and discriminators. */
export function findRow(opcode: number, src: number, off: number, imm: number): IsaRow | null {
  const cands = byOpcode[opcode & 0xff]!;
  for (const r of cands) {
    if (r.src !== undefined && r.srcField === 'fixed' && r.src !== src) continue;
    if (r.off !== undefined && r.offField === 'fixed' && r.off !== off) continue;
    if (r.imm !== undefined && r.immField === 'fixed' && r.imm !== imm) continue;
    return r;
  }
  return null;
}

/** True when some row has this opcode (the instruction might still have bad discriminators). */
export function isKnownOpcode(opcode: number): boolean {
  return byOpcode[opcode & 0xff]!.length > 0;
}

export function classOf(opcode: number): number {
  return opcode & 0x07;
}
