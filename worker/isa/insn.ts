// Instruction slots <-> a closed union of decoded instructions, with validation of raw bytes.
// Decoding never throws: bad bytes come back as diagnostics located by instruction index and
// byte offset. Validity follows the opcode table (worker/isa/opcodes.ts) and the kernel's
// structural checks in kernel/bpf/verifier.c (reserved fields must be zero, ld_imm64 pairs).

import { err, type Diagnostic } from '../util/diag';
import {
  findRow, isKnownOpcode, type AluOp, type AtomicOp, type EndianOp, type IsaRow, type JmpCond, type MemSize,
  CLS, SIZE, MODE,
} from './opcodes';

/** One 8-byte instruction slot, fields as the kernel's struct bpf_insn. off and imm are signed. */
export interface Slot {
  opcode: number; // u8
  dst: number; // u4
  src: number; // u4
  off: number; // s16
  imm: number; // s32
}

interface Base {
  /** Slot index of the instruction. */
  pc: number;
  row: IsaRow;
}
export type Insn =
  | (Base & { kind: 'alu'; is64: boolean; op: AluOp; srcX: boolean; dst: number; src: number; imm: number; off: number })
  | (Base & { kind: 'endian'; op: EndianOp; bits: 16 | 32 | 64; dst: number })
  | (Base & { kind: 'jmp'; is64: boolean; cond: JmpCond; srcX: boolean; dst: number; src: number; imm: number; off: number })
  | (Base & { kind: 'ja'; long: boolean; delta: number })
  | (Base & { kind: 'may_goto'; off: number })
  | (Base & { kind: 'call'; callKind: 'helper' | 'local' | 'kfunc'; imm: number; off: number })
  | (Base & { kind: 'callx'; dst: number })
  | (Base & { kind: 'exit' })
  | (Base & { kind: 'ldimm64'; dst: number; pseudo: number; imm: number; imm2: number; value: bigint })
  | (Base & { kind: 'ldx'; size: MemSize; sx: boolean; dst: number; src: number; off: number })
  | (Base & { kind: 'st'; size: MemSize; dst: number; off: number; imm: number })
  | (Base & { kind: 'stx'; size: MemSize; dst: number; src: number; off: number })
  | (Base & { kind: 'atomic'; size: MemSize; op: AtomicOp; dst: number; src: number; off: number })
  | (Base & { kind: 'ldpkt'; mode: 'abs' | 'ind'; size: MemSize; src: number; imm: number });

export type InsnOf<K extends Insn['kind']> = Extract<Insn, { kind: K }>;

export const SLOT_SIZE = 8;

export function readSlot(bytes: Uint8Array, index: number): Slot {
  const o = index * SLOT_SIZE;
  const b1 = bytes[o + 1]!;
  const off = (bytes[o + 2]! | (bytes[o + 3]! << 8)) << 16 >> 16;
  const imm = bytes[o + 4]! | (bytes[o + 5]! << 8) | (bytes[o + 6]! << 16) | (bytes[o + 7]! << 24);
  return { opcode: bytes[o]!, dst: b1 & 0x0f, src: b1 >> 4, off, imm };
}

export function writeSlot(out: Uint8Array, index: number, s: Slot): void {
  const o = index * SLOT_SIZE;
  out[o] = s.opcode & 0xff;
  out[o + 1] = (s.dst & 0x0f) | ((s.src & 0x0f) << 4);
  out[o + 2] = s.off & 0xff;
  out[o + 3] = (s.off >> 8) & 0xff;
  out[o + 4] = s.imm & 0xff;
  out[o + 5] = (s.imm >> 8) & 0xff;
  out[o + 6] = (s.imm >> 16) & 0xff;
  out[o + 7] = (s.imm >>> 24) & 0xff;
}

export function slotsToBytes(slots: readonly Slot[]): Uint8Array {
  const out = new Uint8Array(slots.length * SLOT_SIZE);
  slots.forEach((s, i) => writeSlot(out, i, s));
  return out;
}

export function bytesToSlots(bytes: Uint8Array): Slot[] {
  const n = Math.floor(bytes.length / SLOT_SIZE);
  const out: Slot[] = [];
  for (let i = 0; i < n; i++) out.push(readSlot(bytes, i));
  return out;
}

/** The 64-bit little-endian number of a slot, as bpf_conformance's `-- raw` sections write it. */
export function slotToU64(s: Slot): bigint {
  const b = new Uint8Array(8);
  writeSlot(b, 0, s);
  return new DataView(b.buffer).getBigUint64(0, true);
}

export function u64ToSlot(v: bigint): Slot {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
  return readSlot(b, 0);
}

function hex2(n: number): string {
  return '0x' + (n & 0xff).toString(16).padStart(2, '0');
}

export interface DecodeResult {
  /** One entry per slot; the second slot of an ld_imm64 and undecodable slots are null. */
  insns: (Insn | null)[];
  diagnostics: Diagnostic[];
}

/**
 * Decodes and validates every slot. Errors name the instruction index and byte offset.
 * Invalid instructions decode to null, so callers can show the rest of the program.
 */
export function decodeSlots(slots: readonly Slot[]): DecodeResult {
  const insns: (Insn | null)[] = [];
  const diagnostics: Diagnostic[] = [];
  for (let pc = 0; pc < slots.length; pc++) {
    const s = slots[pc]!;
    const r = decodeOne(s, pc, slots[pc + 1]);
    if ('error' in r) {
      diagnostics.push(err(r.error, { insn: pc, byteOffset: pc * SLOT_SIZE }, r.code));
      insns.push(null);
      if (r.skipNext) {
        insns.push(null);
        pc++;
      }
      continue;
    }
    insns.push(r.insn);
    if (r.insn.kind === 'ldimm64') {
      insns.push(null);
      pc++;
    }
  }
  return { insns, diagnostics };
}

export function decodeBytes(bytes: Uint8Array): DecodeResult {
  const slots = bytesToSlots(bytes);
  const res = decodeSlots(slots);
  if (bytes.length % SLOT_SIZE !== 0) {
    res.diagnostics.push(
      err(
        `program length ${bytes.length} is not a multiple of 8 bytes (${bytes.length % SLOT_SIZE} trailing bytes)`,
        { insn: slots.length, byteOffset: slots.length * SLOT_SIZE },
        'decode.length',
      ),
    );
  }
  return res;
}

type OneResult = { insn: Insn } | { error: string; code: string; skipNext?: boolean };

/** Decodes one instruction (and, for ld_imm64, its second slot `next`). */
export function decodeOne(s: Slot, pc: number, next?: Slot): OneResult {
  if (!isKnownOpcode(s.opcode)) return { error: `unknown opcode ${hex2(s.opcode)}`, code: 'decode.opcode' };
  const row = findRow(s.opcode, s.src, s.off, s.imm);
  if (!row) return { error: `${describeOpcode(s.opcode)} uses reserved fields`, code: 'decode.reserved' };
  // Reserved fields and register numbers.
  if (row.dst === 'none' && s.dst !== 0) return { error: `${row.id} uses reserved fields (dst_reg must be 0)`, code: 'decode.reserved' };
  if (row.srcField === 'zero' && s.src !== 0) return { error: `${row.id} uses reserved fields (src_reg must be 0)`, code: 'decode.reserved' };
  if (row.offField === 'zero' && s.off !== 0) return { error: `${row.id} uses reserved fields (off must be 0)`, code: 'decode.reserved' };
  if (row.immField === 'zero' && s.imm !== 0) return { error: `${row.id} uses reserved fields (imm must be 0)`, code: 'decode.reserved' };
  if (s.dst > 10) return { error: `R${s.dst} is invalid`, code: 'decode.register' };
  if (row.srcField === 'reg' && s.src > 10) return { error: `R${s.src} is invalid`, code: 'decode.register' };
  const base = { pc, row };
  switch (row.kind) {
    case 'alu':
      return { insn: { ...base, kind: 'alu', is64: row.is64!, op: row.aluOp!, srcX: row.srcX!, dst: s.dst, src: s.src, imm: s.imm, off: s.off } };
    case 'endian':
      return { insn: { ...base, kind: 'endian', op: row.endian!, bits: row.bits!, dst: s.dst } };
    case 'jmp':
      return { insn: { ...base, kind: 'jmp', is64: row.is64!, cond: row.cond!, srcX: row.srcX!, dst: s.dst, src: s.src, imm: s.imm, off: s.off } };
    case 'ja':
      return { insn: { ...base, kind: 'ja', long: !row.is64, delta: row.is64 ? s.off : s.imm } };
    case 'may_goto':
      return { insn: { ...base, kind: 'may_goto', off: s.off } };
    case 'call': {
      const callKind = s.src === 0 ? 'helper' : s.src === 1 ? 'local' : 'kfunc';
      return { insn: { ...base, kind: 'call', callKind, imm: s.imm, off: s.off } };
    }
    case 'callx':
      return { insn: { ...base, kind: 'callx', dst: s.dst } };
    case 'exit':
      return { insn: { ...base, kind: 'exit' } };
    case 'ldimm64': {
      if (!next) return { error: 'invalid bpf_ld_imm64 insn (the second slot is missing)', code: 'decode.ldimm64' };
      if (next.opcode !== 0 || next.dst !== 0 || next.src !== 0 || next.off !== 0)
        return { error: 'invalid bpf_ld_imm64 insn (the second slot must be zero except its imm)', code: 'decode.ldimm64', skipNext: true };
      const value = (BigInt(next.imm >>> 0) << 32n) | BigInt(s.imm >>> 0);
      return { insn: { ...base, kind: 'ldimm64', dst: s.dst, pseudo: s.src, imm: s.imm, imm2: next.imm, value } };
    }
    case 'ldx':
      return { insn: { ...base, kind: 'ldx', size: row.size!, sx: (s.opcode & 0xe0) === MODE.MEMSX, dst: s.dst, src: s.src, off: s.off } };
    case 'st':
      return { insn: { ...base, kind: 'st', size: row.size!, dst: s.dst, off: s.off, imm: s.imm } };
    case 'stx':
      return { insn: { ...base, kind: 'stx', size: row.size!, dst: s.dst, src: s.src, off: s.off } };
    case 'atomic':
      return { insn: { ...base, kind: 'atomic', size: row.size!, op: row.atomicOp!, dst: s.dst, src: s.src, off: s.off } };
    case 'ldpkt':
      return { insn: { ...base, kind: 'ldpkt', mode: (s.opcode & 0xe0) === MODE.ABS ? 'abs' : 'ind', size: row.size!, src: s.src, imm: s.imm } };
  }
}

const CLASS_NAMES = ['BPF_LD', 'BPF_LDX', 'BPF_ST', 'BPF_STX', 'BPF_ALU', 'BPF_JMP', 'BPF_JMP32', 'BPF_ALU64'];
export function describeOpcode(opcode: number): string {
  return `${CLASS_NAMES[opcode & 7]} opcode ${hex2(opcode)}`;
}

/** Encodes a decoded instruction back to its slot(s). Inverse of decodeOne for valid input. */
export function encodeInsn(i: Insn): Slot[] {
  const op = i.row.opcode;
  switch (i.kind) {
    case 'alu':
      return [{ opcode: op, dst: i.dst, src: i.srcX ? i.src : 0, off: i.off, imm: i.srcX && i.op !== 'addr_space_cast' ? 0 : i.imm }];
    case 'endian':
      return [{ opcode: op, dst: i.dst, src: 0, off: 0, imm: i.bits }];
    case 'jmp':
      return [{ opcode: op, dst: i.dst, src: i.srcX ? i.src : 0, off: i.off, imm: i.srcX ? 0 : i.imm }];
    case 'ja':
      return [{ opcode: op, dst: 0, src: 0, off: i.long ? 0 : i.delta, imm: i.long ? i.delta : 0 }];
    case 'may_goto':
      return [{ opcode: op, dst: 0, src: 0, off: i.off, imm: 0 }];
    case 'call':
      return [{ opcode: op, dst: 0, src: i.row.src ?? 0, off: i.off, imm: i.imm }];
    case 'callx':
      return [{ opcode: op, dst: i.dst, src: 0, off: 0, imm: 0 }];
    case 'exit':
      return [{ opcode: op, dst: 0, src: 0, off: 0, imm: 0 }];
    case 'ldimm64':
      return [
        { opcode: op, dst: i.dst, src: i.pseudo, off: 0, imm: i.imm },
        { opcode: 0, dst: 0, src: 0, off: 0, imm: i.imm2 },
      ];
    case 'ldx':
      return [{ opcode: op, dst: i.dst, src: i.src, off: i.off, imm: 0 }];
    case 'st':
      return [{ opcode: op, dst: i.dst, src: 0, off: i.off, imm: i.imm }];
    case 'stx':
      return [{ opcode: op, dst: i.dst, src: i.src, off: i.off, imm: 0 }];
    case 'atomic':
      return [{ opcode: op, dst: i.dst, src: i.src, off: i.off, imm: i.row.imm! }];
    case 'ldpkt':
      return [{ opcode: op, dst: 0, src: i.mode === 'ind' ? i.src : 0, off: 0, imm: i.imm }];
  }
}

/** Target slot of a jump-like instruction at pc, or null. */
export function jumpTarget(i: Insn): number | null {
  switch (i.kind) {
    case 'jmp':
    case 'may_goto':
      return i.pc + 1 + i.off;
    case 'ja':
      return i.pc + 1 + i.delta;
    case 'call':
      return i.callKind === 'local' ? i.pc + 1 + i.imm : null;
    case 'ldimm64':
      return i.pseudo === 4 ? i.pc + 1 + i.imm : null;
    default:
      return null;
  }
}

export const SIZE_CODES: Record<MemSize, number> = { 1: SIZE.B, 2: SIZE.H, 4: SIZE.W, 8: SIZE.DW };
export { CLS };
