// State equivalence for pruning, as the Linux 6.18 verifier decides it (kernel/bpf/verifier.c:
// states_equal, func_states_equal, regsafe, stacksafe, refsafe, check_ids, check_scalar_ids,
// states_maybe_looping, widen_imprecise_scalars). Three levels: NOT_EXACT (an explored state covers the
// current one; imprecise scalars of the explored state match anything), RANGE_WITHIN (every scalar's
// ranges must be covered, used inside loops whose precision marks are not final) and EXACT (infinite-loop
// detection). Only registers live before the frame's instruction are compared (compute_live_registers).
// It does not track state liveness by read marks (the kernel no longer does since 6.18) nor the
// path-insensitive live stack slot analysis of kernel/bpf/liveness.c: every initialised slot is compared.

import { tnumEqual, tnumIn } from './tnum';
import { MAX_BPF_STACK, STACK_INVALID, STACK_MISC, STACK_SPILL, STACK_ZERO, cur, isPktPointer, notInit, unknownScalar, type Frame, type Reg, type VState } from './state';

export type Exact = 'NOT_EXACT' | 'RANGE_WITHIN' | 'EXACT';

/** struct bpf_idmap: old id -> current id, a bijection built while comparing two states. */
export class IdMap {
  private readonly old: number[] = [];
  private readonly cur: number[] = [];
  private tmpGen = 0;
  constructor(private readonly tmpBase: number) {}

  /** check_ids: both zero, or both set and consistently mapped. */
  checkIds(oldId: number, curId: number): boolean {
    if (!oldId !== !curId) return false;
    if (!oldId) return true;
    for (let i = 0; i < this.old.length; i++) {
      if (this.old[i] === oldId) return this.cur[i] === curId;
      if (this.cur[i] === curId) return false;
    }
    this.old.push(oldId);
    this.cur.push(curId);
    return true;
  }

  /** check_scalar_ids: an old id 0 matches anything; a current id 0 gets a fresh id of its own. */
  checkScalarIds(oldId: number, curId: number): boolean {
    if (!oldId) return true;
    return this.checkIds(oldId, curId || this.tmpBase + ++this.tmpGen);
  }
}

/** Ids of linked scalars: the kernel keeps BPF_ADD_CONST as a flag bit of the id. */
const ADD_CONST = 0x40000000;
function scalarId(r: Reg): number {
  return r.id ? r.id | (r.addConst ? ADD_CONST : 0) : 0;
}

function rangeWithin(o: Reg, c: Reg): boolean {
  const a = o.s;
  const b = c.s;
  return a.umin <= b.umin && a.umax >= b.umax && a.smin <= b.smin && a.smax >= b.smax &&
    a.u32min <= b.u32min && a.u32max >= b.u32max && a.s32min <= b.s32min && a.s32max >= b.s32max;
}

/** The fields memcmp(rold, rcur, offsetof(struct bpf_reg_state, id)) covers. */
function sameUpToId(a: Reg, b: Reg): boolean {
  return a.type === b.type && a.maybeNull === b.maybeNull && a.ringbuf === b.ringbuf && a.off === b.off && a.range === b.range &&
    a.mapIdx === b.mapIdx && a.memSize === b.memSize && a.frameno === b.frameno && tnumEqual(a.s.varOff, b.s.varOff) &&
    a.s.umin === b.s.umin && a.s.umax === b.s.umax && a.s.smin === b.s.smin && a.s.smax === b.s.smax &&
    a.s.u32min === b.s.u32min && a.s.u32max === b.s.u32max && a.s.s32min === b.s.s32min && a.s.s32max === b.s.s32max;
}

/** regs_exact. */
export function regsExact(a: Reg, b: Reg, idmap: IdMap): boolean {
  if (a.type === 'NOT_INIT' && b.type === 'NOT_INIT') return true;
  return sameUpToId(a, b) && idmap.checkIds(scalarId(a), scalarId(b)) && idmap.checkIds(a.refObjId, b.refObjId);
}

/** regsafe: every value `c` may hold was covered by `o` when `o` was proven safe. */
export function regsafe(o: Reg, c: Reg, idmap: IdMap, exact: Exact, allPrecise: boolean): boolean {
  if (exact === 'EXACT') return regsExact(o, c, idmap);
  if (o.type === 'NOT_INIT') {
    if (exact === 'NOT_EXACT' || c.type === 'NOT_INIT') return true;
  }
  if (o.type !== c.type || o.maybeNull !== c.maybeNull || o.ringbuf !== c.ringbuf) return false;
  switch (o.type) {
    case 'SCALAR_VALUE': {
      if (!o.precise && !allPrecise && exact === 'NOT_EXACT') return true;
      if (o.addConst !== c.addConst) return false;
      if (o.addConst && o.off !== c.off) return false;
      return rangeWithin(o, c) && tnumIn(o.s.varOff, c.s.varOff) && idmap.checkScalarIds(scalarId(o), scalarId(c));
    }
    case 'PTR_TO_MAP_KEY':
    case 'PTR_TO_MAP_VALUE':
    case 'PTR_TO_MEM':
      return o.off === c.off && o.mapIdx === c.mapIdx && o.memSize === c.memSize && o.range === c.range &&
        rangeWithin(o, c) && tnumIn(o.s.varOff, c.s.varOff) && idmap.checkIds(o.id, c.id) && idmap.checkIds(o.refObjId, c.refObjId);
    case 'PTR_TO_PACKET_META':
    case 'PTR_TO_PACKET':
      if (o.range > c.range) return false;
      if (o.off !== c.off) return false;
      if (!idmap.checkIds(o.id, c.id)) return false;
      return rangeWithin(o, c) && tnumIn(o.s.varOff, c.s.varOff);
    case 'PTR_TO_STACK':
      return regsExact(o, c, idmap) && o.frameno === c.frameno;
    default:
      return regsExact(o, c, idmap);
  }
}

/** allocated_stack: bytes of stack the frame has touched, in whole 8-byte slots. */
export function allocatedStack(f: Frame): number {
  let top = Math.ceil(f.depth / 8) * 8;
  for (let b = 0; b < MAX_BPF_STACK; b++) {
    if (f.slots[b] !== STACK_INVALID) {
      top = Math.max(top, Math.ceil((MAX_BPF_STACK - b) / 8) * 8);
      break;
    }
  }
  return top;
}

/** Byte index in Frame.slots of slot_type[j] of slot spi (slot_type[0] is the highest address). */
function byteOf(spi: number, j: number): number {
  return MAX_BPF_STACK - 1 - spi * 8 - j;
}

/** is_spilled_reg: the slot's lowest byte holds a spill. */
export function isSpilledReg(f: Frame, spi: number): boolean {
  return f.slots[byteOf(spi, 7)] === STACK_SPILL && !!f.spills[spi];
}

export function isSpilledScalarReg(f: Frame, spi: number): boolean {
  return isSpilledReg(f, spi) && f.spills[spi]!.type === 'SCALAR_VALUE';
}

const UNBOUND = unknownScalar();

/** scalar_reg_for_stack: a 64-bit scalar spill, or an unknown scalar for a slot of misc (or uninit) bytes. */
function scalarRegForStack(f: Frame, spi: number, allowUninit: boolean): Reg | null {
  if (f.slots[byteOf(spi, 0)] === STACK_SPILL && isSpilledScalarReg(f, spi)) return f.spills[spi]!;
  for (let j = 0; j < 8; j++) {
    const t = f.slots[byteOf(spi, j)];
    if (t === STACK_MISC || (t === STACK_INVALID && allowUninit)) continue;
    return null;
  }
  return UNBOUND;
}

/** stacksafe. */
function stacksafe(o: Frame, c: Frame, idmap: IdMap, exact: Exact, allowUninit: boolean, allPrecise: boolean): boolean {
  const oAlloc = allocatedStack(o);
  const cAlloc = allocatedStack(c);
  for (let i = 0; i < oAlloc; i++) {
    const spi = i >> 3;
    const j = i & 7;
    const ot = o.slots[byteOf(spi, j)]!;
    const ct = i < cAlloc ? c.slots[byteOf(spi, j)]! : STACK_INVALID;
    if (exact === 'EXACT' && (i >= cAlloc || ot !== ct)) return false;
    if (ot === STACK_INVALID) continue;
    if (allowUninit && ot === STACK_MISC) continue;
    if (i >= cAlloc) return false;
    const or = scalarRegForStack(o, spi, allowUninit);
    const cr = scalarRegForStack(c, spi, allowUninit);
    if (or && cr) {
      if (!regsafe(or, cr, idmap, exact, allPrecise)) return false;
      i += 7 - j;
      continue;
    }
    if (ot === STACK_MISC && ct === STACK_ZERO) continue;
    if (ot !== ct) return false;
    if (j !== 7) continue;
    if (ot === STACK_SPILL) {
      const os = o.spills[spi];
      const cs = c.spills[spi];
      if (!os || !cs) return false;
      if (!regsafe(os, cs, idmap, exact, allPrecise)) return false;
    }
  }
  return true;
}

/** refsafe: the same acquired references, ids mapped. */
function refsafe(o: VState, c: VState, idmap: IdMap): boolean {
  if (o.refs.length !== c.refs.length) return false;
  for (let k = 0; k < o.refs.length; k++) if (!idmap.checkIds(o.refs[k]!.id, c.refs[k]!.id)) return false;
  return true;
}

/** frame_insn_idx: the top frame is at the state's instruction, a caller at its call instruction. */
export function frameInsnIdx(st: VState, k: number): number {
  return k === st.frames.length - 1 ? st.insnIdx : st.frames[k + 1]!.callsite - 1;
}

export interface CompareEnv {
  live: Uint16Array;
  /** Privileged: stack reads of uninitialised bytes are allowed (env->allow_uninit_stack). */
  allowUninitStack: boolean;
  /** Unprivileged: every scalar counts as precise (no precision tracking). */
  allPrecise: boolean;
  /** A base above every id in use, for check_scalar_ids' temporary ids. */
  idBase: number;
}

/** states_equal. */
export function statesEqual(env: CompareEnv, old: VState, c: VState, exact: Exact): boolean {
  if (old.frames.length !== c.frames.length) return false;
  const idmap = new IdMap(env.idBase);
  if (!refsafe(old, c, idmap)) return false;
  for (let k = 0; k < old.frames.length; k++) {
    const fo = old.frames[k]!;
    const fc = c.frames[k]!;
    if (fo.callsite !== fc.callsite) return false;
    const live = env.live[frameInsnIdx(old, k)] ?? 0x3ff;
    for (let r = 0; r < 11; r++) {
      if (r < 10 && !(live & (1 << r))) continue;
      if (!regsafe(fo.regs[r]!, fc.regs[r]!, idmap, exact, env.allPrecise)) return false;
    }
    if (!stacksafe(fo, fc, idmap, exact, env.allowUninitStack, env.allPrecise)) return false;
  }
  return true;
}

/** states_maybe_looping: the current frames' registers are bit-for-bit the same (ids included). */
export function statesMaybeLooping(a: VState, b: VState): boolean {
  if (a.frames.length !== b.frames.length) return false;
  const fa = cur(a);
  const fb = cur(b);
  for (let r = 0; r < 11; r++) {
    const x = fa.regs[r]!;
    const y = fb.regs[r]!;
    if (x.type === 'NOT_INIT' && y.type === 'NOT_INIT') continue;
    if (x.id !== y.id || x.refObjId !== y.refObjId || x.addConst !== y.addConst || !sameUpToId(x, y)) return false;
  }
  return true;
}

/** maybe_widen_reg: an imprecise scalar that changed between two loop iterations becomes unknown. */
function maybeWiden(o: Reg, c: Reg, idmap: IdMap): Reg {
  if (o.type !== 'SCALAR_VALUE' || c.type !== 'SCALAR_VALUE') return c;
  if (o.precise || c.precise || regsExact(o, c, idmap)) return c;
  return unknownScalar();
}

/** widen_imprecise_scalars: applied to the state queued for the next may_goto iteration. */
export function widenImpreciseScalars(old: VState, c: VState, idBase: number): void {
  const idmap = new IdMap(idBase);
  for (let fr = old.frames.length - 1; fr >= 0; fr--) {
    const fo = old.frames[fr]!;
    const fc = c.frames[fr];
    if (!fc) continue;
    for (let r = 0; r < 11; r++) fc.regs[r] = maybeWiden(fo.regs[r]!, fc.regs[r]!, idmap);
    const slots = Math.min(allocatedStack(fo), allocatedStack(fc)) >> 3;
    for (let spi = 0; spi < slots; spi++) {
      if (!isSpilledReg(fo, spi) || !isSpilledReg(fc, spi)) continue;
      fc.spills[spi] = maybeWiden(fo.spills[spi]!, fc.spills[spi]!, idmap);
    }
  }
}

/** clean_func_state for registers: a register no longer live is forgotten (NOT_INIT). */
export function cleanDeadRegs(st: VState, live: Uint16Array): void {
  for (let k = 0; k < st.frames.length; k++) {
    const l = live[frameInsnIdx(st, k)] ?? 0x3ff;
    const regs = st.frames[k]!.regs;
    for (let r = 0; r < 10; r++) if (!(l & (1 << r)) && regs[r]!.type !== 'NOT_INIT') regs[r] = notInit();
  }
}

/** clean_func_state for the stack: a slot no path reads any more is forgotten (STACK_INVALID). */
export function cleanDeadSlots(f: Frame, live: bigint): void {
  for (let spi = 0; spi < 64; spi++) {
    if (live & (1n << BigInt(spi))) continue;
    const base = MAX_BPF_STACK - (spi + 1) * 8;
    for (let j = 0; j < 8; j++) f.slots[base + j] = STACK_INVALID;
    f.spills[spi] = null;
  }
}

void isPktPointer;
