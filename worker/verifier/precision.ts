// Precision tracking, as the Linux 6.18 verifier does it (kernel/bpf/verifier.c: struct backtrack_state
// and the bt_* mask helpers, backtrack_insn, __mark_chain_precision, mark_all_scalars_precise,
// mark_all_scalars_imprecise, propagate_precision, collect_linked_regs / bt_sync_linked_regs).
// When the verifier relies on a scalar's exact range (a branch decided by it, pointer arithmetic, a
// helper size, a return value range), the scalar is marked precise: starting from the current
// instruction it walks back through the state's jump history, instruction by instruction, turning
// "needs precision after" into "needs precision before" (registers and spilled stack slots, across call
// frames), and sets `precise` on the matching registers of every checkpoint state on the way
// (bpf_verifier_state.parent chain). Pruning (prune.ts) then ignores imprecise scalars of old states.
// It prints the kernel's `mark_precise:` lines at log level 2. It does not model global (BTF) sub-programs,
// kfuncs or iterators, which bpfplay does not verify.

import type { Insn, Slot } from '../isa/insn';
import type { MapDef } from '../isa/program';
import { insnStr } from './disasm';
import { allocatedStack, frameInsnIdx, isSpilledReg, isSpilledScalarReg } from './prune';
import { regStr, stackStr, type HistEntry, type LinkedReg, type VState } from './state';

export const MAX_CALL_FRAMES = 8;
const ARGS_MASK = 0x3e; // r1-r5

/** struct backtrack_state: per frame, the registers and stack slots that still need precision. */
export class Backtrack {
  frame = 0;
  readonly regs = new Uint16Array(MAX_CALL_FRAMES);
  readonly stack: bigint[] = new Array<bigint>(MAX_CALL_FRAMES).fill(0n);

  init(frame: number): void {
    this.frame = frame;
    this.reset();
  }
  reset(): void {
    this.regs.fill(0);
    this.stack.fill(0n);
  }
  empty(): boolean {
    for (let i = 0; i <= this.frame; i++) if (this.regs[i] || this.stack[i]) return false;
    return true;
  }
  setReg(r: number, fr = this.frame): void { this.regs[fr] = this.regs[fr]! | (1 << r); }
  clearReg(r: number, fr = this.frame): void { this.regs[fr] = this.regs[fr]! & ~(1 << r); }
  isReg(r: number, fr = this.frame): boolean { return (this.regs[fr]! & (1 << r)) !== 0; }
  setSlot(spi: number, fr = this.frame): void { this.stack[fr] = this.stack[fr]! | (1n << BigInt(spi)); }
  clearSlot(spi: number, fr = this.frame): void { this.stack[fr] = this.stack[fr]! & ~(1n << BigInt(spi)); }
  isSlot(spi: number, fr = this.frame): boolean { const m = this.stack[fr]!; return m !== 0n && (m & (1n << BigInt(spi))) !== 0n; }
  /** bt_subprog_enter: backtracking from a callee's exit into the callee. */
  enter(): boolean {
    if (this.frame >= MAX_CALL_FRAMES - 1) return false;
    this.frame++;
    return true;
  }
  /** bt_subprog_exit: backtracking from a callee's first instruction to its call. */
  exit(): boolean {
    if (this.frame === 0) return false;
    this.frame--;
    return true;
  }
}

/** fmt_reg_mask: `r1,r6`. */
export function fmtRegMask(m: number): string {
  const out: string[] = [];
  for (let r = 0; r < 16; r++) if (m & (1 << r)) out.push(`r${r}`);
  return out.join(',');
}

/** bpf_fmt_stack_mask: `-8,-16`. */
export function fmtStackMask(m: bigint): string {
  if (m === 0n) return '';
  const out: string[] = [];
  for (let half = 0; half < 2; half++) {
    const w = Number((m >> BigInt(32 * half)) & 0xffffffffn);
    for (let i = 0; w && i < 32; i++) if (w & (1 << i)) out.push(`${-(32 * half + i + 1) * 8}`);
  }
  return out.join(',');
}

/** What the walker gives the precision machinery. */
export interface PrecisionEnv {
  readonly insns: readonly (Insn | null)[];
  readonly slots: readonly Slot[];
  readonly maps: readonly MapDef[];
  readonly logLevel: number;
  log(line: string): void;
  /** Instructions of bpf_loop-like helpers that call a callback (bpf_calls_callback). */
  callsCallback(idx: number): boolean;
}

/** print_verifier_state(…, frameno, print_all=true) for one frame: ` R0=1 R1=P2 R10=fp0 fp-8=P2`. */
export function frameStateStr(st: VState, fr: number, maps: readonly MapDef[]): string {
  const f = st.frames[fr]!;
  let out = f.frameno ? ` frame${f.frameno}:` : '';
  f.regs.forEach((r, i) => {
    if (r.type !== 'NOT_INIT') out += ` R${i}=${regStr(r, maps, f.frameno)}`;
  });
  for (const s of stackStr(f, maps)) out += ` ${s}`;
  return out;
}

function isPseudoCall(s: Slot | undefined): boolean {
  return !!s && s.opcode === 0x85 && s.src === 1;
}

type BtResult = 'ok' | 'notsupp' | 'bug';

/** bt_sync_linked_regs: if one of the registers linked at a jump needs precision, all of them do. */
function syncLinked(bt: Backtrack, hist: HistEntry | null): void {
  if (!hist || !hist.linked) return;
  const isSet = (e: LinkedReg): boolean => (e.regno >= 0 ? bt.isReg(e.regno, e.frameno) : bt.isSlot(e.spi, e.frameno));
  if (!hist.linked.some(isSet)) return;
  for (const e of hist.linked) {
    if (e.regno >= 0) bt.setReg(e.regno, e.frameno);
    else bt.setSlot(e.spi, e.frameno);
  }
}

/** backtrack_insn: turn "precise after insn idx" into "precise before it". */
function backtrackInsn(env: PrecisionEnv, idx: number, subseqIdx: number, hist: HistEntry | null, bt: Backtrack): BtResult {
  const s = env.slots[idx];
  if (!s || s.opcode === 0) return 'ok';
  const insn = env.insns[idx];
  if (env.logLevel >= 2 && insn) {
    env.log(`mark_precise: frame${bt.frame}: regs=${fmtRegMask(bt.regs[bt.frame]!)} stack=${fmtStackMask(bt.stack[bt.frame]!)} before ${idx}: ${insnStr(insn)}`);
  }
  syncLinked(bt, hist);
  const cls = s.opcode & 7;
  const op = s.opcode & 0xf0;
  const mode = s.opcode & 0xe0;
  const srcX = (s.opcode & 0x08) !== 0;
  const dreg = s.dst;
  const sreg = s.src;
  const stackAccess = hist && hist.stackFrame >= 0 ? hist : null;
  const atomicLoad = cls === 3 && mode === 0xc0 && s.imm === 0x100;
  if (cls === 4 || cls === 7) {
    if (!bt.isReg(dreg)) return 'ok';
    if (op === 0xd0 || op === 0x80) return 'ok';
    if (op === 0xb0) {
      if (srcX) {
        bt.clearReg(dreg);
        if (sreg !== 10) bt.setReg(sreg);
      } else {
        bt.clearReg(dreg);
      }
    } else if (srcX && sreg !== 10) {
      bt.setReg(sreg);
    }
  } else if (cls === 1 || atomicLoad) {
    if (!bt.isReg(dreg)) return 'ok';
    bt.clearReg(dreg);
    if (!stackAccess) return 'ok';
    bt.setSlot(stackAccess.stackSpi, stackAccess.stackFrame);
  } else if (cls === 3 || cls === 2) {
    if (bt.isReg(dreg)) return 'notsupp';
    if (!stackAccess) return 'ok';
    if (!bt.isSlot(stackAccess.stackSpi, stackAccess.stackFrame)) return 'ok';
    bt.clearSlot(stackAccess.stackSpi, stackAccess.stackFrame);
    if (cls === 3) bt.setReg(sreg);
  } else if (cls === 5 || cls === 6) {
    if (isPseudoCall(s)) {
      // A static sub-program's call: we are leaving the callee, only r1-r5 may still need precision.
      if (bt.regs[bt.frame]! & ~ARGS_MASK) return 'bug';
      if (bt.stack[bt.frame]) return 'bug';
      for (let r = 1; r <= 5; r++) {
        if (bt.isReg(r)) {
          bt.clearReg(r);
          bt.setReg(r, bt.frame - 1);
        }
      }
      if (!bt.exit()) return 'bug';
      return 'ok';
    }
    if (env.callsCallback(idx) && idx !== subseqIdx - 1) {
      // Exit from a callback to the helper that called it.
      if (bt.regs[bt.frame]! & ~ARGS_MASK) return 'bug';
      if (bt.stack[bt.frame]) return 'bug';
      for (let r = 1; r <= 5; r++) bt.clearReg(r);
      if (!bt.exit()) return 'bug';
      return 'ok';
    }
    if (op === 0x80) {
      if (s.src === 2 && s.imm === 0) return 'notsupp';
      bt.clearReg(0);
      if (bt.regs[bt.frame]! & ARGS_MASK) return 'bug';
    } else if (op === 0x90) {
      if (subseqIdx >= 0 && env.callsCallback(subseqIdx)) for (let r = 1; r <= 5; r++) bt.clearReg(r);
      if (bt.regs[bt.frame]! & ARGS_MASK) return 'bug';
      const r0 = subseqIdx - 1 >= 0 && isPseudoCall(env.slots[subseqIdx - 1]) && bt.isReg(0);
      bt.clearReg(0);
      if (!bt.enter()) return 'bug';
      if (r0) bt.setReg(0);
      return 'ok';
    } else if (op !== 0x00 && op !== 0xe0 && srcX) {
      if (!bt.isReg(dreg) && !bt.isReg(sreg)) return 'ok';
      bt.setReg(sreg);
      bt.setReg(dreg);
    }
  } else if (cls === 0) {
    if (!bt.isReg(dreg)) return 'ok';
    bt.clearReg(dreg);
    if (mode === 0x20 || mode === 0x40) return 'notsupp';
  }
  syncLinked(bt, hist);
  return 'ok';
}

/** mark_all_scalars_precise: the fallback when backtracking cannot follow (every checkpoint above `st`). */
export function markAllScalarsPrecise(env: PrecisionEnv, st: VState): void {
  if (env.logLevel >= 2) env.log(`mark_precise: frame${st.frames.length - 1}: falling back to forcing all scalars precise`);
  for (let p = st.parent; p; p = p.parent) {
    p.frames.forEach((f, i) => {
      for (let r = 0; r < 10; r++) {
        const reg = f.regs[r]!;
        if (reg.type !== 'SCALAR_VALUE' || reg.precise) continue;
        reg.precise = true;
        if (env.logLevel >= 2) env.log(`force_precise: frame${i}: forcing r${r} to be precise`);
      }
      const n = allocatedStack(f) >> 3;
      for (let spi = 0; spi < n; spi++) {
        if (!isSpilledReg(f, spi)) continue;
        const reg = f.spills[spi]!;
        if (reg.type !== 'SCALAR_VALUE' || reg.precise) continue;
        reg.precise = true;
        if (env.logLevel >= 2) env.log(`force_precise: frame${i}: forcing fp${-(spi + 1) * 8} to be precise`);
      }
    });
  }
}

/** mark_all_scalars_imprecise: a new checkpoint starts with no precision of its own. */
export function markAllScalarsImprecise(st: VState): void {
  for (const f of st.frames) {
    for (let r = 0; r < 11; r++) {
      const reg = f.regs[r]!;
      if (reg.type === 'SCALAR_VALUE' && reg.precise) f.regs[r] = { ...reg, precise: false };
    }
    for (let spi = 0; spi < 64; spi++) {
      const reg = f.spills[spi];
      if (reg && reg.type === 'SCALAR_VALUE' && reg.precise) f.spills[spi] = { ...reg, precise: false };
    }
  }
}

/**
 * __mark_chain_precision: backtrack the marks in `bt` (set by the caller for the current frame of
 * `starting`) through `starting`'s history and every parent checkpoint. Returns whether any
 * checkpoint register changed.
 */
export function markChainPrecision(env: PrecisionEnv, starting: VState, bt: Backtrack): boolean {
  let st: VState | null = starting;
  let firstIdx = starting.firstIdx;
  let lastIdx = starting.insnIdx;
  let subseqIdx = -1;
  let skipFirst = true;
  let changed = false;
  const n = env.slots.length;
  if (bt.empty()) return false;
  const fallback = (): boolean => {
    markAllScalarsPrecise(env, starting);
    bt.reset();
    return true;
  };
  for (;;) {
    let history = st.history.length;
    if (env.logLevel >= 2) env.log(`mark_precise: frame${bt.frame}: last_idx ${lastIdx} first_idx ${firstIdx} subseq_idx ${subseqIdx} `);
    if (lastIdx < 0) return fallback();
    for (let i = lastIdx; ;) {
      if (skipFirst) {
        skipFirst = false;
      } else {
        const h = history > 0 && st.history[history - 1]!.idx === i ? st.history[history - 1]! : null;
        const r = backtrackInsn(env, i, subseqIdx, h, bt);
        if (r !== 'ok') return fallback();
      }
      if (bt.empty()) return changed;
      subseqIdx = i;
      // get_prev_insn_idx
      if (i === st.firstIdx) {
        if (history === 0) break;
        if (history === 1 && st.history[0]!.idx === i) break;
      }
      if (history > 0 && st.history[history - 1]!.idx === i) {
        i = st.history[history - 1]!.prevIdx;
        history--;
      } else {
        i--;
      }
      if (i < 0 || i >= n) return fallback();
    }
    st = st.parent;
    if (!st) break;
    for (let fr = bt.frame; fr >= 0; fr--) {
      const func = st.frames[fr];
      if (!func) return fallback();
      for (let r = 0; bt.regs[fr] && r < 16; r++) {
        if (!bt.isReg(r, fr)) continue;
        const reg = func.regs[r];
        if (!reg || reg.type !== 'SCALAR_VALUE' || reg.precise) {
          bt.clearReg(r, fr);
          continue;
        }
        reg.precise = true;
        changed = true;
      }
      const slots = bt.stack[fr] ? allocatedStack(func) >> 3 : 0;
      for (let spi = 0; bt.stack[fr] && spi < 64; spi++) {
        if (!bt.isSlot(spi, fr)) continue;
        if (spi >= slots) return fallback();
        if (!isSpilledScalarReg(func, spi)) {
          bt.clearSlot(spi, fr);
          continue;
        }
        const reg = func.spills[spi]!;
        if (reg.precise) bt.clearSlot(spi, fr);
        else {
          reg.precise = true;
          changed = true;
        }
      }
      if (env.logLevel >= 2) {
        env.log(`mark_precise: frame${fr}: parent state regs=${fmtRegMask(bt.regs[fr]!)} stack=${fmtStackMask(bt.stack[fr]!)}: ${frameStateStr(st, fr, env.maps)}`);
      }
    }
    if (bt.empty()) return changed;
    subseqIdx = firstIdx;
    lastIdx = st.lastIdx;
    firstIdx = st.firstIdx;
  }
  if (!bt.empty()) return fallback();
  return changed;
}

/** propagate_precision: what was precise in the old state must become precise in the current path. */
export function propagatePrecision(env: PrecisionEnv, old: VState, c: VState, bt: Backtrack): boolean {
  bt.init(c.frames.length - 1);
  for (let fr = old.frames.length - 1; fr >= 0; fr--) {
    const f = old.frames[fr]!;
    const parts: string[] = [];
    for (let r = 0; r < 10; r++) {
      const reg = f.regs[r]!;
      if (reg.type !== 'SCALAR_VALUE' || !reg.precise) continue;
      parts.push(`r${r}`);
      bt.setReg(r, fr);
    }
    const n = allocatedStack(f) >> 3;
    for (let spi = 0; spi < n; spi++) {
      if (!isSpilledReg(f, spi)) continue;
      const reg = f.spills[spi]!;
      if (reg.type !== 'SCALAR_VALUE' || !reg.precise) continue;
      parts.push(`fp${-(spi + 1) * 8}`);
      bt.setSlot(spi, fr);
    }
    if (parts.length && env.logLevel >= 2) env.log(`frame ${fr}: propagating ${parts.join(',')}`);
  }
  return markChainPrecision(env, c, bt);
}

/** collect_linked_regs: every register and spilled slot holding a scalar with this id (at most 6). */
export function collectLinkedRegs(st: VState, id: number, out: LinkedReg[], live: Uint16Array): void {
  for (let i = st.frames.length - 1; i >= 0; i--) {
    const f = st.frames[i]!;
    const l = live[frameInsnIdx(st, i)] ?? 0x3ff;
    for (let r = 0; r < 10; r++) {
      if (!(l & (1 << r))) continue; // dead registers are not linked (their values no longer matter)
      const reg = f.regs[r]!;
      if (reg.type === 'SCALAR_VALUE' && reg.id === id && out.length < 6) out.push({ frameno: i, regno: r, spi: 0 });
    }
    const n = allocatedStack(f) >> 3;
    for (let spi = 0; spi < n; spi++) {
      if (!isSpilledReg(f, spi)) continue;
      const reg = f.spills[spi]!;
      if (reg.type === 'SCALAR_VALUE' && reg.id === id && out.length < 6) out.push({ frameno: i, regno: -1, spi });
    }
  }
}
