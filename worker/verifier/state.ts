// Verifier state: registers (struct bpf_reg_state), stack frames with per-byte slot types
// (struct bpf_func_state, enum bpf_stack_slot_type) and the whole path state (struct bpf_verifier_state),
// with copying, the kernel's register/stack print format (print_verifier_state, print_reg_state,
// print_scalar_ranges in kernel/bpf/log.c) and plain-data views for the UI.
// It does not decide anything about programs; check.ts does.

import { type Scalar, scalarConst, scalarUnknown, S64_MIN, S64_MAX, S32_MIN, S32_MAX } from './bounds';
import { U32, U64, tnumIsConst, tnumStr } from './tnum';
import type { MapDef } from '../isa/program';

export type RegType =
  | 'NOT_INIT'
  | 'SCALAR_VALUE'
  | 'PTR_TO_CTX'
  | 'CONST_PTR_TO_MAP'
  | 'PTR_TO_MAP_VALUE'
  | 'PTR_TO_MAP_KEY'
  | 'PTR_TO_STACK'
  | 'PTR_TO_PACKET'
  | 'PTR_TO_PACKET_META'
  | 'PTR_TO_PACKET_END'
  | 'PTR_TO_SOCKET'
  | 'PTR_TO_SOCK_COMMON'
  | 'PTR_TO_TCP_SOCK'
  | 'PTR_TO_MEM'
  | 'PTR_TO_FUNC';

export interface Reg {
  type: RegType;
  /** PTR_MAYBE_NULL. */
  maybeNull: boolean;
  /** PTR_TO_MEM from bpf_ringbuf_reserve (MEM_RINGBUF). */
  ringbuf: boolean;
  /** Scalar value, or a pointer's variable offset. */
  s: Scalar;
  /** Fixed offset of a pointer. */
  off: number;
  id: number;
  refObjId: number;
  /** Packet range proven readable from the pointer. */
  range: number;
  /** Index into program.maps for map pointers and map values. */
  mapIdx: number;
  /** PTR_TO_MEM size. */
  memSize: number;
  /** Stack pointer: which frame. */
  frameno: number;
  /** Scalar linked to another with a constant delta in off (BPF_ADD_CONST). */
  addConst: boolean;
  /** bpf_reg_state.precise: set by precision backtracking (precision.ts) in checkpoint states only. */
  precise: boolean;
}

export function notInit(): Reg {
  return { type: 'NOT_INIT', maybeNull: false, ringbuf: false, s: scalarUnknown(), off: 0, id: 0, refObjId: 0, range: 0, mapIdx: -1, memSize: 0, frameno: 0, addConst: false, precise: false };
}
export function unknownScalar(): Reg {
  return { ...notInit(), type: 'SCALAR_VALUE' };
}
export function constScalar(v: bigint): Reg {
  return { ...notInit(), type: 'SCALAR_VALUE', s: scalarConst(v) };
}
export function ptrReg(type: RegType, extra: Partial<Reg> = {}): Reg {
  return { ...notInit(), type, s: scalarConst(0n), ...extra };
}
export function copyReg(r: Reg): Reg {
  return { ...r, s: { ...r.s } };
}

export const STACK_INVALID = 0;
export const STACK_SPILL = 1;
export const STACK_MISC = 2;
export const STACK_ZERO = 3;
export const MAX_BPF_STACK = 512;

export interface Frame {
  regs: Reg[];
  /** slot type of the byte at fp+off is slots[MAX_BPF_STACK + off] (off in [-512, -1]). */
  slots: Uint8Array;
  /** Spilled register of the 8-byte slot spi = (-off - 1) >> 3. */
  spills: (Reg | null)[];
  /** Deepest byte touched (positive, allocated_stack). */
  depth: number;
  /** Instruction after the call that made this frame (-1 for the main frame). */
  callsite: number;
  frameno: number;
  subprog: number;
  /** A bpf_loop callback frame (its exit returns to the helper call). */
  isCallback?: boolean;
}

export interface RefState {
  id: number;
  insn: number;
}

/**
 * struct bpf_jmp_history_entry: an instruction of this state's path that backtracking cannot infer by
 * stepping back one instruction (a jump target, a return from a call) or that touched a stack slot
 * holding a spilled register (INSN_F_STACK_ACCESS, with the slot and its frame).
 */
export interface HistEntry {
  idx: number;
  prevIdx: number;
  /** Stack access: frame number of the slot, -1 when none. */
  stackFrame: number;
  /** Stack access: slot index spi (fp-8*(spi+1)). */
  stackSpi: number;
  /** linked_regs: scalars sharing an id at a conditional jump (frame, register or slot). */
  linked: LinkedReg[] | null;
}

export interface LinkedReg {
  frameno: number;
  /** Register number, or -1 for a stack slot. */
  regno: number;
  spi: number;
}

export interface VState {
  frames: Frame[];
  refs: RefState[];
  /** may_goto nesting of this path (the kernel's may_goto_depth). */
  mayGotoDepth?: number;
  /** The checkpoint this state continues from (bpf_verifier_state.parent), null for the first one. */
  parent: VState | null;
  /** First instruction of this state's history segment (first_insn_idx). */
  firstIdx: number;
  /** Instruction before insnIdx on this path (last_insn_idx). */
  lastIdx: number;
  /** Instruction the state is at (insn_idx). */
  insnIdx: number;
  /** Jump history since firstIdx (jmp_history). Entries are never mutated once another state shares them. */
  history: HistEntry[];
  /** Paths still being explored below this state (branches); a checkpoint with 0 is complete. */
  branches: number;
  /** Checkpoints between the first state and this one (dfs_depth). */
  dfsDepth: number;
  /** Checkpoints only: how often it pruned another state, and missed (bpf_verifier_state_list hit_cnt/miss_cnt). */
  hits?: number;
  misses?: number;
}

export function newFrame(frameno: number, callsite: number, subprog: number): Frame {
  const regs: Reg[] = [];
  for (let i = 0; i < 11; i++) regs.push(notInit());
  regs[10] = ptrReg('PTR_TO_STACK', { frameno });
  return { regs, slots: new Uint8Array(MAX_BPF_STACK), spills: new Array<Reg | null>(64).fill(null), depth: 0, callsite, frameno, subprog };
}

export function copyFrame(f: Frame): Frame {
  return {
    regs: f.regs.map(copyReg),
    slots: f.slots.slice(),
    spills: f.spills.map((r) => (r ? copyReg(r) : null)),
    depth: f.depth,
    callsite: f.callsite,
    frameno: f.frameno,
    subprog: f.subprog,
    isCallback: f.isCallback,
  };
}

export function copyState(s: VState): VState {
  return {
    frames: s.frames.map(copyFrame), refs: s.refs.map((r) => ({ ...r })), mayGotoDepth: s.mayGotoDepth,
    parent: s.parent, firstIdx: s.firstIdx, lastIdx: s.lastIdx, insnIdx: s.insnIdx, history: s.history.slice(), branches: s.branches, dfsDepth: s.dfsDepth,
  };
}

export function cur(s: VState): Frame {
  return s.frames[s.frames.length - 1]!;
}

export function isPointer(r: Reg): boolean {
  return r.type !== 'SCALAR_VALUE' && r.type !== 'NOT_INIT';
}

export function isPktPointer(t: RegType): boolean {
  return t === 'PTR_TO_PACKET' || t === 'PTR_TO_PACKET_META';
}

/** reg_type_str: the kernel's short name for a register type. */
export function regTypeStr(r: Pick<Reg, 'type' | 'maybeNull' | 'ringbuf'>): string {
  const base: Record<RegType, string> = {
    NOT_INIT: '?',
    SCALAR_VALUE: 'scalar',
    PTR_TO_CTX: 'ctx',
    CONST_PTR_TO_MAP: 'map_ptr',
    PTR_TO_MAP_VALUE: 'map_value',
    PTR_TO_MAP_KEY: 'map_key',
    PTR_TO_STACK: 'fp',
    PTR_TO_PACKET: 'pkt',
    PTR_TO_PACKET_META: 'pkt_meta',
    PTR_TO_PACKET_END: 'pkt_end',
    PTR_TO_SOCKET: 'sock',
    PTR_TO_SOCK_COMMON: 'sock_common',
    PTR_TO_TCP_SOCK: 'tcp_sock',
    PTR_TO_MEM: 'mem',
    PTR_TO_FUNC: 'func',
  };
  return (r.ringbuf ? 'ringbuf_' : '') + base[r.type] + (r.maybeNull ? '_or_null' : '');
}

function snum(v: bigint): string {
  const s = BigInt.asIntN(64, v);
  return s >= -32768n && s <= 32767n ? s.toString() : '0x' + BigInt.asUintN(64, v).toString(16);
}
function unum(v: bigint): string {
  return v <= 65535n ? v.toString() : '0x' + v.toString(16);
}

/** print_scalar_ranges: the non-default bounds, equal ones merged (smin=smin32=0). */
export function scalarRangesStr(s: Scalar): string[] {
  const m = [
    { name: 'smin', val: BigInt.asUintN(64, s.smin), signed: true, omit: s.smin === S64_MIN },
    { name: 'smax', val: BigInt.asUintN(64, s.smax), signed: true, omit: s.smax === S64_MAX },
    { name: 'umin', val: s.umin, signed: false, omit: s.umin === 0n },
    { name: 'umax', val: s.umax, signed: false, omit: s.umax === U64 },
    { name: 'smin32', val: BigInt.asUintN(64, s.s32min), signed: true, omit: s.s32min === S32_MIN },
    { name: 'smax32', val: BigInt.asUintN(64, s.s32max), signed: true, omit: s.s32max === S32_MAX },
    { name: 'umin32', val: s.u32min, signed: false, omit: s.u32min === 0n },
    { name: 'umax32', val: s.u32max, signed: false, omit: s.u32max === U32 },
  ];
  const out: string[] = [];
  for (let i = 0; i < m.length; i++) {
    const a = m[i]!;
    if (a.omit) continue;
    const negA = a.signed && BigInt.asIntN(64, a.val) < 0n;
    let txt = `${a.name}=`;
    for (let j = i + 2; j < m.length; j += 2) {
      const b = m[j]!;
      if (b.omit) continue;
      const negB = b.signed && BigInt.asIntN(64, b.val) < 0n;
      if (negA === negB && a.val === b.val) {
        txt += `${b.name}=`;
        b.omit = true;
      }
    }
    txt += a.signed ? snum(a.val) : unum(a.val);
    out.push(txt);
  }
  return out;
}

/** print_reg_state: `ctx()`, `fp-8`, `pkt(off=14,r=14)`, `scalar(umax=255,var_off=(0x0; 0xff))`, `0`. */
export function regStr(r: Reg, maps: readonly MapDef[], frameno: number): string {
  const p = r.type === 'SCALAR_VALUE' && r.precise ? 'P' : '';
  if (r.type === 'SCALAR_VALUE' && tnumIsConst(r.s.varOff)) return p + snum(r.s.varOff.value + BigInt(r.off));
  let out = p + regTypeStr(r);
  if (r.type === 'PTR_TO_STACK') {
    if (frameno !== r.frameno) out += `[${r.frameno}]`;
    if (tnumIsConst(r.s.varOff)) return out + snum(BigInt.asUintN(64, r.s.varOff.value + BigInt(r.off)));
  }
  const parts: string[] = [];
  if (r.id) parts.push(`id=${r.id}${r.addConst ? (r.off >= 0 ? '+' : '') + r.off : ''}`);
  if (r.refObjId) parts.push(`ref_obj_id=${r.refObjId}`);
  if (r.type === 'CONST_PTR_TO_MAP' || r.type === 'PTR_TO_MAP_VALUE' || r.type === 'PTR_TO_MAP_KEY') {
    const m = maps[r.mapIdx];
    if (m) {
      if (m.name) parts.push(`map=${m.name.slice(0, 15)}`);
      parts.push(`ks=${m.keySize},vs=${m.valueSize}`);
    }
  }
  if (r.type !== 'SCALAR_VALUE' && r.off) parts.push(`off=${r.off}`);
  if (isPktPointer(r.type)) parts.push(`r=${r.range}`);
  if (r.type === 'PTR_TO_MEM') parts.push(`sz=${r.memSize}`);
  if (tnumIsConst(r.s.varOff)) {
    if (r.s.varOff.value) parts.push(`imm=${snum(r.s.varOff.value)}`);
  } else {
    parts.push(...scalarRangesStr(r.s));
    if (r.s.varOff.mask !== U64) parts.push(`var_off=${tnumStr(r.s.varOff)}`);
  }
  return `${out}(${parts.join(',')})`;
}

const SLOT_CHAR = ['?', 'r', 'm', '0'];

/** The stack part of print_verifier_state: `fp-8=mmmmmmmm fp-16=ctx()`. */
export function stackStr(f: Frame, maps: readonly MapDef[]): string[] {
  const out: string[] = [];
  for (let spi = 0; spi < 64; spi++) {
    const base = MAX_BPF_STACK - (spi + 1) * 8;
    let any = false;
    for (let j = 0; j < 8; j++) if (f.slots[base + j] !== STACK_INVALID) any = true;
    if (!any) continue;
    const off = -(spi + 1) * 8;
    const sp = f.spills[spi];
    if (sp && f.slots[base] === STACK_SPILL && f.slots[base + 7] === STACK_SPILL) {
      out.push(`fp${off}=${regStr(sp, maps, f.frameno)}`);
      continue;
    }
    if (sp && f.slots[base] === STACK_SPILL) {
      // A narrow spill: the other bytes' types, then the spilled value (`fp-64=???????1`).
      let t = '';
      for (let j = 7; j >= 0; j--) if (f.slots[base + j] !== STACK_SPILL) t += SLOT_CHAR[f.slots[base + j]!];
      out.push(`fp${off}=${t}${regStr(sp, maps, f.frameno)}`);
      continue;
    }
    let t = '';
    for (let j = 7; j >= 0; j--) t += SLOT_CHAR[f.slots[base + j]!];
    out.push(`fp${off}=${t}`);
  }
  return out;
}

/** print_verifier_state for the current frame: every initialised register and stack slot. */
export function stateStr(st: VState, maps: readonly MapDef[], only?: ReadonlySet<number>): string {
  const f = cur(st);
  const parts: string[] = [];
  if (st.frames.length > 1) parts.push(`frame${f.frameno}:`);
  f.regs.forEach((r, i) => {
    if (r.type === 'NOT_INIT') return;
    if (only && !only.has(i)) return;
    parts.push(`R${i}=${regStr(r, maps, f.frameno)}`);
  });
  if (!only) parts.push(...stackStr(f, maps));
  else for (const s of stackStr(f, maps)) if (only.has(100 + ((-Number(s.slice(2, s.indexOf('='))) - 1) >> 3))) parts.push(s);
  return parts.join(' ');
}

// ---- Plain-data views for the UI ----

export interface RegView {
  regno: number;
  type: string;
  off: number;
  range: number;
  id: number;
  refObjId: number;
  value: bigint;
  mask: bigint;
  umin: bigint;
  umax: bigint;
  smin: bigint;
  smax: bigint;
  u32min: bigint;
  u32max: bigint;
  s32min: bigint;
  s32max: bigint;
  text: string;
}

export interface StackSlotView {
  off: number;
  /** 8 characters, highest address first: ? invalid, m misc, 0 zero, r spill. */
  bytes: string;
  spilled: RegView | null;
}

export interface StateView {
  frame: number;
  regs: RegView[];
  stack: StackSlotView[];
}

export function regView(r: Reg, regno: number, maps: readonly MapDef[], frameno: number): RegView {
  return {
    regno, type: regTypeStr(r), off: r.off, range: r.range, id: r.id, refObjId: r.refObjId,
    value: r.s.varOff.value, mask: r.s.varOff.mask, umin: r.s.umin, umax: r.s.umax, smin: r.s.smin, smax: r.s.smax,
    u32min: r.s.u32min, u32max: r.s.u32max, s32min: r.s.s32min, s32max: r.s.s32max, text: regStr(r, maps, frameno),
  };
}

export function stateView(st: VState, maps: readonly MapDef[]): StateView {
  const f = cur(st);
  const regs = f.regs.flatMap((r, i) => (r.type === 'NOT_INIT' ? [] : [regView(r, i, maps, f.frameno)]));
  const stack: StackSlotView[] = [];
  for (let spi = 0; spi < 64; spi++) {
    const base = MAX_BPF_STACK - (spi + 1) * 8;
    let t = '';
    for (let j = 7; j >= 0; j--) t += SLOT_CHAR[f.slots[base + j]!];
    if (t === '????????') continue;
    const sp = f.spills[spi];
    stack.push({ off: -(spi + 1) * 8, bytes: t, spilled: sp && t === 'rrrrrrrr' ? regView(sp, -1, maps, f.frameno) : null });
  }
  return { frame: f.frameno, regs, stack };
}
