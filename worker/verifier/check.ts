// The verifier walk: structural checks (check_subprogs, check_cfg) then a depth-first exploration of
// every path with a stack of pending branches (do_check, push_stack/pop_stack), checking each
// instruction against the abstract state: registers (check_reg_arg), ALU (check_alu_op,
// adjust_reg_min_max_vals, adjust_ptr_min_max_vals), memory (check_mem_access for ctx, stack, packet,
// map value, ringbuf memory, sockets), jumps (check_cond_jmp_op, is_branch_taken, reg_set_min_max,
// try_match_pkt_pointers, mark_ptr_or_null_regs), helper calls (check_helper_call), bpf-to-bpf calls,
// reference tracking, exit (check_return_code) and state pruning (is_state_visited, states_equal).
// Follows kernel/bpf/verifier.c of Linux 6.18. It does not do precision/read-mark liveness (it uses a
// static register liveness instead), BTF, kfuncs, iterators, dynptrs, spin locks or timers.

import type { Insn, InsnOf } from '../isa/insn';
import { decodeOne } from '../isa/insn';
import type { Program, MapDef } from '../isa/program';
import { progTypeInfo, returnRange, type ProgTypeInfo } from '../progtypes/table';
import { bpfSockLayout, ctxAccess, type CtxLayout } from '../progtypes/ctx';
import { helperProto, type ArgType } from '../helpers/protos';
import { HELPER_NAMES } from '../helpers/ids.generated';
import { M } from './messages';
import { insnStr, helperFuncName } from './disasm';
import {
  flipCond,
  S32_MAX, S32_MIN, S64_MAX, S64_MIN, boundsViolation, isConst, isConst32, refineCond, regBoundsSync, revCond,
  scalarAlu, scalarBranchTaken, scalarConst, scalarNeg, scalarUnknown, scalarWithin, signExtend, coerceToSize,
  zext32To64, type Cond, type Scalar, type ScalarAluOp,
} from './bounds';
import { U32, tnumAdd, tnumConst, tnumIsAligned, tnumIsConst, tnumStr, tnumSub, tnumSubreg, tnumEqual } from './tnum';
import {
  MAX_BPF_STACK, STACK_INVALID, STACK_MISC, STACK_SPILL, STACK_ZERO, constScalar, copyReg, copyState, cur, isPktPointer,
  isPointer, newFrame, notInit, ptrReg, regStr, regTypeStr, stateStr, stateView, unknownScalar,
  type Frame, type Reg, type StateView, type VState,
} from './state';

export const BPF_COMPLEXITY_LIMIT_INSNS = 1_000_000;
const BPF_COMPLEXITY_LIMIT_JMP_SEQ = 8192;
const BPF_MAX_VAR_OFF = 1n << 29n;
const BPF_MAX_VAR_SIZ = 1n << 29n;
const MAX_PACKET_OFF = 0xffffn;
const MAX_CALL_FRAMES = 8;

export interface VerifyOptions {
  progType: string;
  unpriv?: boolean;
  logLevel?: 0 | 1 | 2;
  maxProcessed?: number;
  /** Abstract states kept per instruction for the UI (default 8; 0 keeps none). */
  statesPerInsn?: number;
}

export interface PathInfo {
  /** Instruction that pushed the branch (-1 for the first path). */
  from: number;
  /** First instruction of the path. */
  start: number;
  /** Instruction where the path ended. */
  end: number;
  how: 'exit' | 'pruned' | 'error' | 'dead';
}

export interface VerifierReport {
  accepted: boolean;
  error: null | { insn: number; message: string };
  processed: number;
  log: string;
  /** Per instruction: the abstract states seen there (up to statesPerInsn each). */
  states: StateView[][];
  paths: PathInfo[];
  /** For a rejection: the instruction indices of the failing path, in order. */
  errorPath: number[];
  maxStatesPerInsn: number;
  totalStates: number;
  peakStates: number;
  stackDepth: number[];
}

class VerifyError {
  constructor(readonly insn: number, readonly message: string) {}
}

type BranchOut = { kind: 'next'; idx: number } | { kind: 'done' };

interface Pending {
  st: VState;
  idx: number;
  prev: number;
  trailLen: number;
}

interface Explored {
  st: VState;
  insn: number;
  /** Hash of the current frame's registers (states_maybe_looping candidates share it). */
  key: string;
  /** pending.length when stored; complete once the walk pops below it. */
  level: number;
  done: boolean;
  hits: number;
  misses: number;
}

type AccessKind = 'read' | 'write';

export function verifyProgram(program: Program, opts: VerifyOptions): VerifierReport {
  const v = new Verifier(program, opts);
  return v.run();
}

class Verifier {
  private readonly insns: (Insn | null)[] = [];
  private readonly maps: readonly MapDef[];
  private readonly unpriv: boolean;
  private readonly logLevel: number;
  private readonly limit: number;
  private readonly keep: number;
  private readonly pt: ProgTypeInfo | undefined;
  private readonly gpl: boolean;
  private logLines: string[] = [];
  private processed = 0;
  private idGen = 0;
  private readonly pending: Pending[] = [];
  /** Per instruction: completed states (usable for pruning) and in-progress ones by register hash. */
  private readonly explored = new Map<number, { done: Explored[]; prog: Map<string, Explored[]>; progCount: number }>();
  private inProgress: Explored[] = [];
  private readonly prunePoint: Uint8Array;
  private readonly liveIn: Uint16Array;
  private readonly states: StateView[][];
  private readonly paths: PathInfo[] = [];
  private trail: number[] = [];
  private totalStates = 0;
  private peakStates = 0;
  private curStates = 0;
  private subprogStarts: number[] = [0];
  /** Index of the sub-program holding instruction idx (0 = the main program). */
  private subprogOf(idx: number): number {
    let k = 0;
    while (k + 1 < this.subprogStarts.length && this.subprogStarts[k + 1]! <= idx) k++;
    return k;
  }
  private readonly subDepth: number[] = [];
  private callEdges = new Map<number, Set<number>>();
  private insnIdx = 0;
  private jmpsProcessed = 0;
  private prevJmps = 0;
  private prevInsns = 0;
  /** Outer map index -> index of its inner map template in this.maps. */
  private readonly innerIdx = new Map<number, number>();

  constructor(private readonly program: Program, opts: VerifyOptions) {
    const all: MapDef[] = [...program.maps];
    program.maps.forEach((m, k) => {
      if (m.inner) {
        this.innerIdx.set(k, all.length);
        all.push({ ...m.inner, name: '' });
      }
    });
    this.maps = all;
    this.unpriv = !!opts.unpriv;
    this.logLevel = opts.logLevel ?? 1;
    this.limit = opts.maxProcessed ?? BPF_COMPLEXITY_LIMIT_INSNS;
    this.keep = opts.statesPerInsn ?? 8;
    this.pt = progTypeInfo(opts.progType);
    this.gpl = isGplCompatible(program.license ?? 'GPL');
    const n = program.slots.length;
    this.prunePoint = new Uint8Array(n);
    this.liveIn = new Uint16Array(n);
    this.states = Array.from({ length: n }, () => []);
  }

  private log(s: string): void {
    if (this.logLevel > 0) this.logLines.push(s);
  }

  run(): VerifierReport {
    let error: VerifyError | null = null;
    let errorPath: number[] = [];
    try {
      this.structural();
      this.computeLiveness();
      this.walk();
      this.checkMaxStackDepth();
    } catch (e) {
      if (e instanceof VerifyError) {
        error = e;
        errorPath = this.trail.slice();
        this.logLines.push(e.message);
      } else {
        const msg = e instanceof Error ? e.message : String(e);
        error = new VerifyError(this.insnIdx, `bpfplay internal error: ${msg}`);
        this.logLines.push(error.message);
      }
    }
    let maxPer = 0;
    for (const l of this.explored.values()) maxPer = Math.max(maxPer, l.done.length + l.progCount);
    const summary = `processed ${this.processed} insns (limit ${BPF_COMPLEXITY_LIMIT_INSNS}) max_states_per_insn ${maxPer} total_states ${this.totalStates} peak_states ${this.peakStates} mark_read 0`;
    const lines = this.logLines;
    if (this.logLevel > 0 || error) {
      if (!error) lines.push(`stack depth ${this.subDepth.map((d) => d || 0).join('+') || '0'}`);
      lines.push(summary);
    }
    return {
      accepted: !error,
      error: error ? { insn: error.insn, message: error.message } : null,
      processed: this.processed,
      log: this.logLevel > 0 ? lines.join('\n') + '\n' : error ? `${error.message}\n${summary}\n` : '',
      states: this.states,
      paths: this.paths,
      errorPath,
      maxStatesPerInsn: maxPer,
      totalStates: this.totalStates,
      peakStates: this.peakStates,
      stackDepth: this.subDepth.slice(),
    };
  }

  // ---------------- structural checks ----------------

  private fail(insn: number, message: string): never {
    throw new VerifyError(insn, message);
  }

  private structural(): void {
    const slots = this.program.slots;
    const n = slots.length;
    if (n === 0) this.fail(-1, 'last insn is not an exit or jmp');
    // Decode (reserved-field problems are reported later, when the walk reaches the instruction).
    for (let pc = 0; pc < n; pc++) this.insns.push(null);
    for (let pc = 0; pc < n; pc++) {
      const r = decodeOne(slots[pc]!, pc, slots[pc + 1]);
      if ('insn' in r) {
        this.insns[pc] = r.insn;
        if (r.insn.kind === 'ldimm64') pc++;
      }
    }
    // check_subprogs: subprogram starts from pseudo calls and ld_imm64 function pointers.
    const starts = new Set<number>([0]);
    for (let pc = 0; pc < n; pc++) {
      const s = slots[pc]!;
      const isCall = s.opcode === 0x85 && s.src === 1;
      const isFunc = s.opcode === 0x18 && s.src === 4;
      if (isCall || isFunc) {
        const t = pc + 1 + s.imm;
        if (t < 0 || t >= n) this.fail(pc, 'call to invalid destination');
        starts.add(t);
      }
      if (s.opcode === 0x18) pc++;
    }
    this.subprogStarts = [...starts].sort((a, b) => a - b);
    for (let k = 0; k < this.subprogStarts.length; k++) {
      const start = this.subprogStarts[k]!;
      const end = this.subprogStarts[k + 1] ?? n;
      for (let pc = start; pc < end; pc++) {
        const s = slots[pc]!;
        const cls = s.opcode & 7;
        if (cls === 5 || cls === 6) {
          const op = s.opcode & 0xf0;
          if (op !== 0x80 && op !== 0x90) {
            const off = cls === 6 && op === 0x00 ? s.imm : s.off;
            const t = pc + 1 + off;
            if (t < start || t >= end) this.fail(pc, M.jumpOutOfRange(pc, t));
          }
        }
        if (pc === end - 1) {
          const ok = s.opcode === 0x95 || s.opcode === 0x05 || s.opcode === 0x06;
          if (!ok) this.fail(pc, M.lastInsn());
        }
      }
      this.subDepth.push(0);
    }
    // resolve_pseudo_ldimm64: opcodes, ld_imm64 pairs and map references, in program order.
    for (let pc = 0; pc < n; pc++) {
      const s = slots[pc]!;
      if (s.opcode === 0x18) {
        const next = slots[pc + 1];
        if (!next || next.opcode !== 0 || next.dst !== 0 || next.src !== 0 || next.off !== 0) this.fail(pc, M.invalidLdImm64());
        if (s.dst > 10) this.fail(pc, `R${s.dst} is invalid`);
        if (s.off !== 0) this.fail(pc, M.invalidLdImm64());
        if (s.src === 1 || s.src === 2 || s.src === 5 || s.src === 6) {
          if (s.imm < 0 || s.imm >= this.program.maps.length) this.fail(pc, M.mapFdInvalid(s.imm));
          if ((s.src === 2 || s.src === 6) && (next.imm < 0 || next.imm >= (this.maps[s.imm]?.valueSize ?? 0)))
            this.fail(pc, `invalid access to map value pointer, value_size=${this.maps[s.imm]?.valueSize ?? 0} off=${next.imm}`);
        } else if (s.src !== 0 && s.src !== 4) {
          this.fail(pc, 'unrecognized bpf_ld_imm64 insn');
        }
        pc++;
        continue;
      }
      if ((s.opcode & 7) === 1 && (((s.opcode & 0xe0) !== 0x60 && (s.opcode & 0xe0) !== 0x80) || s.imm !== 0)) this.fail(pc, M.reservedFields('BPF_LDX'));
      if (!isKnownOpcodeKernel(s.opcode)) this.fail(pc, M.unknownOpcode(s.opcode));
    }
    this.checkCfg();
  }

  /** check_cfg: every instruction reachable, no jumps into ld_imm64, back-edges only when privileged. */
  private checkCfg(): void {
    const n = this.program.slots.length;
    const slots = this.program.slots;
    const state = new Uint8Array(n); // 0 unseen, 1 on stack, 2 done
    const isSecondHalf = new Uint8Array(n);
    for (let pc = 0; pc < n; pc++) if (slots[pc]!.opcode === 0x18) { isSecondHalf[pc + 1] = 1; pc++; }
    const succ = (pc: number): number[] => {
      const s = slots[pc]!;
      const cls = s.opcode & 7;
      if (s.opcode === 0x18) {
        if (s.src === 4) return [pc + 2, pc + 1 + s.imm];
        return [pc + 2];
      }
      if (cls === 5 || cls === 6) {
        const op = s.opcode & 0xf0;
        if (op === 0x90) return [];
        if (op === 0x80) {
          if (s.src === 1) {
            this.prunePoint[pc] = 1;
            return [pc + 1, pc + 1 + s.imm];
          }
          return [pc + 1];
        }
        if (op === 0x00) {
          const t = pc + 1 + (cls === 6 ? s.imm : s.off);
          this.prunePoint[t] = 1;
          return [t];
        }
        this.prunePoint[pc] = 1;
        this.prunePoint[pc + 1 + s.off] = 1;
        return [pc + 1, pc + 1 + s.off];
      }
      return [pc + 1];
    };
    const roots = [0];
    for (const root of roots) {
      if (state[root]) continue;
      const stack: { pc: number; k: number; out: number[] }[] = [{ pc: root, k: 0, out: succ(root) }];
      state[root] = 1;
      while (stack.length) {
        const top = stack[stack.length - 1]!;
        if (top.k >= top.out.length) {
          state[top.pc] = 2;
          stack.pop();
          continue;
        }
        const t = top.out[top.k++]!;
        if (t < 0 || t >= n) this.fail(top.pc, M.jumpOutOfRange(top.pc, t));
        if (isSecondHalf[t]) this.fail(top.pc, M.jumpIntoLdImm(t));
        if (state[t] === 1) {
          if (this.unpriv) this.fail(top.pc, M.backEdge(top.pc, t));
          this.prunePoint[t] = 1;
          continue;
        }
        if (state[t] === 2) continue;
        state[t] = 1;
        stack.push({ pc: t, k: 0, out: succ(t) });
      }
    }
    for (let pc = 0; pc < n; pc++) {
      if (isSecondHalf[pc]) continue;
      if (!state[pc]) this.fail(pc, M.unreachable(pc));
    }
  }

  /** Static register liveness (the kernel's compute_live_registers): bit i of liveIn[pc] = Ri may be read later. */
  private computeLiveness(): void {
    const n = this.insns.length;
    const use = new Uint16Array(n);
    const def = new Uint16Array(n);
    const succs: number[][] = [];
    for (let pc = 0; pc < n; pc++) {
      const i = this.insns[pc];
      succs.push([]);
      if (!i) { use[pc] = 0x7ff; continue; }
      const b = (r: number): number => 1 << r;
      switch (i.kind) {
        case 'alu':
          use[pc] = (i.op === 'mov' || i.op === 'movsx' ? 0 : b(i.dst)) | (i.srcX ? b(i.src) : 0);
          def[pc] = b(i.dst);
          succs[pc] = [pc + 1];
          break;
        case 'endian': use[pc] = b(i.dst); def[pc] = b(i.dst); succs[pc] = [pc + 1]; break;
        case 'jmp': use[pc] = b(i.dst) | (i.srcX ? b(i.src) : 0); succs[pc] = [pc + 1, pc + 1 + i.off]; break;
        case 'ja': succs[pc] = [pc + 1 + i.delta]; break;
        case 'may_goto': succs[pc] = [pc + 1, pc + 1 + i.off]; break;
        case 'call':
          if (i.callKind === 'local') { use[pc] = 0x3e | 0x7c0; def[pc] = 0x3f; succs[pc] = [pc + 1]; }
          else { use[pc] = 0x3e; def[pc] = 0x3f; succs[pc] = [pc + 1]; }
          break;
        case 'callx': use[pc] = 0x7ff; succs[pc] = [pc + 1]; break;
        case 'exit': use[pc] = 0x7c1; break; // r0, and callee-saved regs for a return to the caller
        case 'ldimm64': def[pc] = b(i.dst); succs[pc] = [pc + 2]; break;
        case 'ldx': use[pc] = b(i.src); def[pc] = b(i.dst); succs[pc] = [pc + 1]; break;
        case 'st': use[pc] = b(i.dst); succs[pc] = [pc + 1]; break;
        case 'stx': use[pc] = b(i.dst) | b(i.src); succs[pc] = [pc + 1]; break;
        case 'atomic': use[pc] = b(i.dst) | b(i.src) | (i.op === 'cmpxchg' ? 1 : 0); succs[pc] = [pc + 1]; break;
        case 'ldpkt': use[pc] = b(6) | (i.mode === 'ind' ? b(i.src) : 0) | 0x3e; def[pc] = 0x3f; succs[pc] = [pc + 1]; break;
      }
    }
    const live = this.liveIn;
    let changed = true;
    while (changed) {
      changed = false;
      for (let pc = n - 1; pc >= 0; pc--) {
        let out = 0;
        for (const s of succs[pc]!) if (s >= 0 && s < n) out |= live[s]!;
        const inn = (use[pc]! | (out & ~def[pc]!)) | 0x400;
        if (inn !== live[pc]) { live[pc] = inn; changed = true; }
      }
    }
  }

  // ---------------- the walk ----------------

  private initialState(): VState {
    const f = newFrame(0, -1, 0);
    f.regs[1] = ptrReg('PTR_TO_CTX');
    return { frames: [f], refs: [] };
  }

  private walk(): void {
    let st = this.initialState();
    let idx = 0;
    let prev = -1;
    let pathStart = 0;
    let pathFrom = -1;
    let doPrintState = true;
    this.trail = [];
    for (;;) {
      this.insnIdx = idx;
      if (++this.processed > this.limit) this.fail(idx, M.tooLarge(this.processed));
      if (this.prunePoint[idx]) {
        const r = this.isStateVisited(idx, st);
        if (r === 'prune') {
          if (this.logLevel > 0) {
            if (doPrintState) this.log(`from ${prev} to ${idx}: safe`);
            else if (this.logLevel > 1) this.log(`${idx}: safe`);
          }
          this.paths.push({ from: pathFrom, start: pathStart, end: idx, how: 'pruned' });
          const p = this.popPending();
          if (!p) return;
          ({ st, idx, prev } = p);
          pathFrom = prev;
          pathStart = idx;
          doPrintState = true;
          continue;
        }
      }
      if (this.logLevel > 1 || (this.logLevel > 0 && doPrintState)) {
        if (prev < 0) this.log(`${idx}: ${stateStr(st, this.maps)}`);
        else this.log(`from ${prev} to ${idx}: ${stateStr(st, this.maps)}`);
      }
      doPrintState = false;
      this.trail.push(idx);
      this.recordState(idx, st);
      let insn = this.insns[idx];
      if (!insn) insn = this.precheckAndDecode(st, idx);
      else this.precheck(st, idx);
      const before = this.logLevel > 0 ? this.logLines.length : 0;
      if (this.logLevel > 0) this.log(`${idx}: ${insnStr(insn!)}`);
      const out = this.step(st, insn!);
      if (this.logLevel > 0 && this.logLines.length === before + 1) {
        const touched = touchedRegs(insn!);
        const txt = stateStr(st, this.maps, touched);
        if (txt) this.logLines[before] = `${this.logLines[before]!.padEnd(37)} ; ${txt}`;
      }
      if (out.kind === 'next') {
        prev = idx;
        idx = out.idx;
        continue;
      }
      this.paths.push({ from: pathFrom, start: pathStart, end: idx, how: 'exit' });
      const p = this.popPending();
      if (!p) return;
      ({ st, idx, prev } = p);
      pathFrom = prev;
      pathStart = idx;
      doPrintState = true;
    }
  }

  private popPending(): Pending | undefined {
    let p = this.pending.pop();
    while (p && p.idx < 0) {
      this.paths.push({ from: p.prev, start: p.prev, end: p.prev, how: 'dead' });
      p = this.pending.pop();
    }
    if (!p) {
      for (const e of this.inProgress) this.complete(e);
      this.inProgress = [];
      return undefined;
    }
    const level = this.pending.length;
    while (this.inProgress.length && this.inProgress[this.inProgress.length - 1]!.level > level) {
      this.complete(this.inProgress.pop()!);
    }
    this.trail.length = p.trailLen;
    return p;
  }

  private pushBranch(st: VState, idx: number, prev: number): VState {
    const copy = copyState(st);
    this.pending.push({ st: copy, idx, prev, trailLen: this.trail.length });
    if (this.pending.length > BPF_COMPLEXITY_LIMIT_JMP_SEQ) this.fail(prev, `The sequence of ${this.pending.length} jumps is too complex.`);
    return copy;
  }

  private recordState(idx: number, st: VState): void {
    const list = this.states[idx]!;
    if (list.length < this.keep) list.push(stateView(st, this.maps));
  }

  /** A state whose every descendant has been explored: it can now prune others. */
  private complete(e: Explored): void {
    e.done = true;
    const slot = this.explored.get(e.insn);
    if (!slot) return;
    const bucket = slot.prog.get(e.key);
    if (bucket) {
      const k = bucket.indexOf(e);
      if (k >= 0) {
        bucket.splice(k, 1);
        slot.progCount--;
        if (!bucket.length) slot.prog.delete(e.key);
      }
    }
    slot.done.push(e);
  }

  private isStateVisited(idx: number, st: VState): 'prune' | 'continue' {
    let slot = this.explored.get(idx);
    if (!slot) {
      slot = { done: [], prog: new Map(), progCount: 0 };
      this.explored.set(idx, slot);
    }
    const live = this.liveIn[idx]!;
    // Heuristics of is_state_visited: store a new state only every few jumps and instructions, and
    // less often while a loop is being unrolled.
    let addNew = this.jmpsProcessed - this.prevJmps >= 2 && this.processed - this.prevInsns >= 8;
    const key = loopKey(st);
    if (slot.progCount && this.insns[idx]?.kind === 'may_goto') {
      // is_may_goto_insn_at: a looping state at a deeper may_goto level is covered by the earlier one.
      // (Only states with the same register key are tried: without precision tracking others never match.)
      for (const e of slot.prog.get(key) ?? [])
        if ((e.st.mayGotoDepth ?? 0) !== (st.mayGotoDepth ?? 0) && statesEqual(e.st, st, live)) return 'prune';
    }
    if (slot.progCount) {
      for (const e of slot.prog.get(key) ?? []) {
        if ((e.st.mayGotoDepth ?? 0) === (st.mayGotoDepth ?? 0) && statesMaybeLooping(e.st, st) && statesExact(e.st, st, live)) this.fail(idx, M.infiniteLoop(idx));
      }
      if (this.jmpsProcessed - this.prevJmps < 20 && this.processed - this.prevInsns < 100) addNew = false;
    }
    const list = slot.done;
    for (let k = 0; k < list.length; k++) {
      const e = list[k]!;
      if (statesEqual(e.st, st, live)) {
        e.hits++;
        return 'prune';
      }
      e.misses++;
      if (e.misses > e.hits * 3 + 3) {
        list.splice(k, 1);
        k--;
        this.curStates--;
      }
    }
    if (!addNew) return 'continue';
    this.prevJmps = this.jmpsProcessed;
    this.prevInsns = this.processed;
    const e: Explored = { st: copyState(st), insn: idx, key, level: this.pending.length, done: false, hits: 0, misses: 0 };
    let bucket = slot.prog.get(key);
    if (!bucket) slot.prog.set(key, (bucket = []));
    bucket.push(e);
    slot.progCount++;
    this.inProgress.push(e);
    this.totalStates++;
    this.curStates++;
    this.peakStates = Math.max(this.peakStates, this.curStates);
    return 'continue';
  }

  /**
   * The field checks do_check_insn makes before (or while) it reads registers, in the kernel's order
   * (check_alu_op, check_cond_jmp_op, BPF_CALL/JA/EXIT, BPF_ST/STX, check_atomic, check_ld_abs).
   */
  private precheck(st: VState, idx: number): void {
    const s = this.program.slots[idx]!;
    const cls = s.opcode & 7;
    const op = s.opcode & 0xf0;
    const srcX = (s.opcode & 0x08) !== 0;
    const R = (msg: string): never => this.fail(idx, msg);
    if (cls === 4 || cls === 7) {
      if (op === 0x80 || op === 0xd0) {
        if (op === 0x80) { if (srcX || s.src !== 0 || s.off !== 0 || s.imm !== 0) R('BPF_NEG uses reserved fields'); }
        else if (s.src !== 0 || s.off !== 0 || (s.imm !== 16 && s.imm !== 32 && s.imm !== 64) || (cls === 7 && srcX)) R('BPF_END uses reserved fields');
      } else if (op === 0xb0) {
        if (srcX) {
          if (cls === 4) { if ((s.off !== 0 && s.off !== 8 && s.off !== 16) || s.imm) R('BPF_MOV uses reserved fields'); }
          else if (s.off === 1) { if (s.imm !== 1 && s.imm !== 1 << 16) R('addr_space_cast insn can only convert between address space 1 and 0'); R('addr_space_cast insn can only be used in a program that has an associated arena'); }
          else if ((s.off !== 0 && s.off !== 8 && s.off !== 16 && s.off !== 32) || s.imm) R('BPF_MOV uses reserved fields');
        } else if (s.src !== 0 || s.off !== 0) R('BPF_MOV uses reserved fields');
      } else if (op > 0xd0) {
        R(`invalid BPF_ALU opcode ${(op >> 4).toString(16)}`);
      } else {
        const divmod = op === 0x30 || op === 0x90;
        if (srcX) { if (s.imm !== 0 || (s.off !== 0 && s.off !== 1) || (s.off === 1 && !divmod)) R('BPF_ALU uses reserved fields'); }
        else if (s.src !== 0 || (s.off !== 0 && s.off !== 1) || (s.off === 1 && !divmod)) R('BPF_ALU uses reserved fields');
      }
      return;
    }
    if (cls === 5 || cls === 6) {
      if (op === 0x80) {
        if (srcX || (s.src !== 2 && s.off !== 0) || (s.src !== 0 && s.src !== 1 && s.src !== 2) || s.dst !== 0 || cls === 6) R('BPF_CALL uses reserved fields');
      } else if (op === 0x00) {
        if (srcX || s.src !== 0 || s.dst !== 0 || (cls === 5 && s.imm !== 0) || (cls === 6 && s.off !== 0)) R('BPF_JA uses reserved fields');
      } else if (op === 0x90) {
        if (srcX || s.imm !== 0 || s.src !== 0 || s.dst !== 0 || cls === 6) R('BPF_EXIT uses reserved fields');
      } else if (op === 0xe0) {
        if (s.opcode !== 0xe5 || s.src !== 0 || s.dst || s.imm) R(`invalid may_goto imm ${s.imm}`);
      } else if (op > 0xe0) {
        R(`invalid BPF_JMP/JMP32 opcode ${(op >> 4).toString(16)}`);
      } else {
        this.readReg(st, s.dst);
        if (srcX) { if (s.imm !== 0) R('BPF_JMP/JMP32 uses reserved fields'); }
        else if (s.src !== 0) R('BPF_JMP/JMP32 uses reserved fields');
      }
      return;
    }
    if (cls === 3) {
      if ((s.opcode & 0xe0) === 0xc0) {
        const ok = [0x00, 0x40, 0x50, 0xa0, 0x01, 0x41, 0x51, 0xa1, 0xe1, 0xf1, 0x100, 0x110];
        if (!ok.includes(s.imm)) R(`BPF_ATOMIC uses invalid atomic opcode ${(s.imm >>> 0).toString(16).padStart(2, '0')}`);
        return;
      }
      if ((s.opcode & 0xe0) !== 0x60 || s.imm !== 0) R('BPF_STX uses reserved fields');
      return;
    }
    if (cls === 2) {
      if ((s.opcode & 0xe0) !== 0x60 || s.src !== 0) R('BPF_ST uses reserved fields');
      return;
    }
    if (cls === 0) {
      const mode = s.opcode & 0xe0;
      if (mode === 0x20 || mode === 0x40) {
        const name = this.pt?.name;
        if (name !== 'socket_filter' && name !== 'sched_cls' && name !== 'sched_act') R(M.ldAbsNotAllowed());
        // check_abnormal_return(): only an LD_ABS inside a sub-program (not the main one) needs BTF func_info.
        if (this.subprogOf(idx) > 0) R('LD_ABS is not allowed in subprogs without BTF');
        if (s.dst !== 0 || s.off !== 0 || (s.opcode & 0x18) === 0x18 || (mode === 0x20 && s.src !== 0)) R('BPF_LD_[ABS|IND] uses reserved fields');
      } else if (mode !== 0x00) R('invalid BPF_LD mode');
    }
  }

  /** For a slot the ISA table rejects: the kernel's checks, then decoding with the fields it ignores zeroed. */
  private precheckAndDecode(st: VState, idx: number): Insn {
    this.precheck(st, idx);
    const s = { ...this.program.slots[idx]! };
    const cls = s.opcode & 7;
    const op = s.opcode & 0xf0;
    if ((cls === 5 || cls === 6) && op === 0x90) s.off = 0;
    if ((cls === 5 || cls === 6) && op === 0x00) { if (cls === 5) s.imm = 0; else s.off = 0; }
    if (cls === 1 || cls === 2 || cls === 3) { /* fields already checked */ }
    if (s.dst > 10) this.fail(idx, `R${s.dst} is invalid`);
    if (s.src > 10 && (cls === 1 || cls === 3 || ((cls === 4 || cls === 7 || cls === 5 || cls === 6) && (s.opcode & 0x08)))) this.fail(idx, `R${s.src} is invalid`);
    const r = decodeOne(s, idx, this.program.slots[idx + 1]);
    if ('insn' in r) return r.insn;
    const names = ['BPF_LD', 'BPF_LDX', 'BPF_ST', 'BPF_STX', 'BPF_ALU', 'BPF_JMP', 'BPF_JMP32', 'BPF_ALU'];
    return this.fail(idx, cls === 5 || cls === 6 ? M.reservedFields('BPF_JMP/JMP32') : M.reservedFields(names[cls]!));
  }

  // ---------------- registers ----------------

  private readReg(st: VState, r: number): Reg {
    if (r > 10) this.fail(this.insnIdx, `R${r} is invalid`);
    const reg = cur(st).regs[r]!;
    if (reg.type === 'NOT_INIT') this.fail(this.insnIdx, M.readOk(r));
    return reg;
  }

  private checkDst(r: number): void {
    if (r > 10) this.fail(this.insnIdx, `R${r} is invalid`);
    if (r === 10) this.fail(this.insnIdx, M.fpReadOnly());
  }

  private setReg(st: VState, r: number, reg: Reg): void {
    cur(st).regs[r] = reg;
  }

  private ptrLeak(reg: Reg): boolean {
    return this.unpriv && isPointer(reg);
  }

  // ---------------- instruction dispatch ----------------

  private step(st: VState, i: Insn): BranchOut {
    const idx = i.pc;
    switch (i.kind) {
      case 'alu':
        this.checkAlu(st, i);
        return { kind: 'next', idx: idx + 1 };
      case 'endian': {
        this.readReg(st, i.dst);
        this.checkDst(i.dst);
        const r = cur(st).regs[i.dst]!;
        if (this.ptrLeak(r)) this.fail(idx, `R${i.dst} pointer arithmetic prohibited`);
        const out = unknownScalar();
        if (i.op === 'le' && i.bits < 64 && r.type === 'SCALAR_VALUE') {
          out.s = { ...r.s };
          coerceToSize(out.s, i.bits / 8);
        } else if (i.bits < 64) {
          out.s = scalarUnknown();
          coerceToSize(out.s, i.bits / 8);
        }
        this.setReg(st, i.dst, out);
        return { kind: 'next', idx: idx + 1 };
      }
      case 'ldimm64':
        return this.checkLdImm64(st, i);
      case 'ldx':
        this.checkLdx(st, i);
        return { kind: 'next', idx: idx + 1 };
      case 'st':
      case 'stx':
        this.checkStore(st, i);
        return { kind: 'next', idx: idx + 1 };
      case 'atomic':
        this.checkAtomic(st, i);
        return { kind: 'next', idx: idx + 1 };
      case 'ja':
        this.jmpsProcessed++;
        return { kind: 'next', idx: idx + 1 + i.delta };
      case 'may_goto': {
        this.jmpsProcessed++;
        // The loop body (fall-through) is queued one may_goto level deeper; this path leaves the loop.
        const q = this.pushBranch(st, idx + 1, idx);
        q.mayGotoDepth = (q.mayGotoDepth ?? 0) + 1;
        return { kind: 'next', idx: idx + 1 + i.off };
      }
      case 'jmp':
        this.jmpsProcessed++;
        return this.checkCondJmp(st, i);
      case 'call':
        if (i.callKind === 'local') return this.checkFuncCall(st, i);
        if (i.callKind === 'kfunc') this.fail(idx, 'calling kernel functions is not supported by bpfplay');
        if (i.imm === 181) return this.checkBpfLoop(st, i);
        this.checkHelperCall(st, i);
        return { kind: 'next', idx: idx + 1 };
      case 'callx':
        this.fail(idx, M.reservedFields('BPF_CALL'));
        break;
      case 'exit':
        return this.checkExit(st, i);
      case 'ldpkt':
        this.checkLdAbs(st, i);
        return { kind: 'next', idx: idx + 1 };
    }
    return { kind: 'done' };
  }

  // ---------------- ALU ----------------

  private checkAlu(st: VState, i: InsnOf<'alu'>): void {
    const idx = i.pc;
    const regs = cur(st).regs;
    if (i.op === 'addr_space_cast') this.fail(idx, M.reservedFields('BPF_ALU'));
    if (i.op === 'neg') {
      this.readReg(st, i.dst);
      this.checkDst(i.dst);
      const d = regs[i.dst]!;
      if (d.type !== 'SCALAR_VALUE') {
        if (this.unpriv) this.fail(idx, `R${i.dst} pointer arithmetic prohibited`);
        this.fail(idx, M.ptrArithOp(i.dst, 'neg'));
      }
      this.setReg(st, i.dst, { ...unknownScalar(), s: scalarNeg(d.s, !i.is64) });
      return;
    }
    if (i.op === 'mov' || i.op === 'movsx') {
      if (i.srcX) this.readReg(st, i.src);
      this.checkDst(i.dst);
      if (!i.srcX) {
        const v = i.is64 ? BigInt(i.imm) : BigInt(i.imm >>> 0);
        this.setReg(st, i.dst, constScalar(v));
        return;
      }
      const src = regs[i.src]!;
      if (i.op === 'movsx') {
        if (src.type !== 'SCALAR_VALUE') {
          if (this.unpriv) this.fail(idx, M.partialCopyPtr(i.src));
          this.setReg(st, i.dst, unknownScalar());
          return;
        }
        const out = { ...unknownScalar(), s: { ...src.s } };
        signExtend(out.s, (i.off / 8) as 1 | 2 | 4);
        if (!i.is64) { zext32To64(out.s); regBoundsSync(out.s); }
        this.setReg(st, i.dst, out);
        return;
      }
      if (i.is64) {
        if (src.type === 'SCALAR_VALUE' && src.addConst) { src.id = 0; src.off = 0; src.addConst = false; }
        if (src.type === 'SCALAR_VALUE' && !src.id && !isConst(src.s)) src.id = ++this.idGen;
        this.setReg(st, i.dst, copyReg(src));
        return;
      }
      if (src.type !== 'SCALAR_VALUE') {
        if (this.unpriv) this.fail(idx, M.partialCopyPtr(i.src));
        const out = unknownScalar();
        zext32To64(out.s);
        regBoundsSync(out.s);
        this.setReg(st, i.dst, out);
        return;
      }
      const out = { ...unknownScalar(), s: { ...src.s } };
      zext32To64(out.s);
      regBoundsSync(out.s);
      this.setReg(st, i.dst, out);
      return;
    }
    // Binary ops.
    if (i.srcX) this.readReg(st, i.src);
    this.readReg(st, i.dst);
    const op = i.op as string;
    if ((op === 'div' || op === 'mod' || op === 'sdiv' || op === 'smod') && !i.srcX && i.imm === 0) this.fail(idx, M.divByZero());
    if ((op === 'lsh' || op === 'rsh' || op === 'arsh') && !i.srcX) {
      const size = i.is64 ? 64 : 32;
      if (i.imm < 0 || i.imm >= size) this.fail(idx, M.invalidShift(i.imm));
    }
    this.checkDst(i.dst);
    const dst = regs[i.dst]!;
    const src: Reg = i.srcX ? regs[i.src]! : constScalar(i.is64 ? BigInt(i.imm) : BigInt(i.imm >>> 0));
    const opStr = ALU_STR[op] ?? op;
    if (src.type !== 'SCALAR_VALUE') {
      if (dst.type !== 'SCALAR_VALUE') {
        if (op === 'sub' && !this.unpriv) {
          this.setReg(st, i.dst, unknownScalar());
          return;
        }
        this.fail(idx, M.ptrOpPtr(i.dst, opStr));
      }
      this.setReg(st, i.dst, this.adjustPtr(i, src, dst, true));
      return;
    }
    if (dst.type !== 'SCALAR_VALUE') {
      this.setReg(st, i.dst, this.adjustPtr(i, dst, src, false));
      return;
    }
    const sop: ScalarAluOp = op === 'sdiv' ? 'sdiv' : op === 'smod' ? 'smod' : (op as ScalarAluOp);
    const out: Reg = { ...unknownScalar(), s: scalarAlu(sop, dst.s, src.s, !i.is64) };
    // Linked scalars (BPF_ADD_CONST): rX = rY; rX += K keeps rX tied to rY with a known delta in off.
    if (!this.unpriv && (op === 'add' || op === 'sub') && i.is64 && dst.id && isConst(src.s)) {
      const val = op === 'add' ? BigInt.asIntN(64, src.s.varOff.value) : -BigInt.asIntN(64, src.s.varOff.value);
      if (!dst.addConst && val >= -S32_MAX_N && val <= S32_MAX_N) {
        out.id = dst.id;
        out.addConst = true;
        out.off = Number(val);
      }
    }
    this.setReg(st, i.dst, out);
  }

  /** adjust_ptr_min_max_vals: pointer +/- scalar. `scalarIsDst` for `scalar += pointer`. */
  private adjustPtr(i: InsnOf<'alu'>, ptr: Reg, off: Reg, scalarIsDst: boolean): Reg {
    const dstNo = i.dst;
    const op = i.op as string;
    const opStr = ALU_STR[op] ?? op;
    if (!i.is64) {
      if (op === 'sub' && !this.unpriv) return unknownScalar();
      this.fail(i.pc, M.ptrArith32(dstNo));
    }
    const tstr = regTypeStr(ptr);
    if (ptr.maybeNull) this.fail(i.pc, M.ptrArithNull(dstNo, tstr));
    const known = isConst(off.s) && off.s.smin === off.s.smax;
    const smin = off.s.smin;
    switch (ptr.type) {
      case 'PTR_TO_CTX': case 'PTR_TO_MAP_VALUE': case 'PTR_TO_MAP_KEY': case 'PTR_TO_STACK': case 'PTR_TO_PACKET_META':
      case 'PTR_TO_PACKET': case 'PTR_TO_MEM':
        break;
      case 'CONST_PTR_TO_MAP':
        if (known && smin === 0n && op === 'add') break;
        this.fail(i.pc, M.ptrArithOn(dstNo, tstr));
        break;
      default:
        this.fail(i.pc, M.ptrArithOn(dstNo, tstr));
    }
    this.checkSaneOffset(off, ptr, tstr);
    this.checkSaneOffset(ptr, ptr, tstr);
    const d = copyReg(ptr);
    switch (op) {
      case 'add': {
        const nf = ptr.off + Number(smin);
        if (known && nf === (nf | 0)) {
          d.off = nf;
          break;
        }
        d.s = addPtrBounds(ptr.s, off.s);
        if (isPktPointer(ptr.type)) {
          d.id = ++this.idGen;
          d.range = 0;
        }
        break;
      }
      case 'sub': {
        if (scalarIsDst) this.fail(i.pc, M.subPtrFromScalar(dstNo));
        if (ptr.type === 'PTR_TO_STACK') this.fail(i.pc, `R${dstNo} subtraction from stack pointer prohibited`);
        const nf = ptr.off - Number(smin);
        if (known && nf === (nf | 0)) {
          d.off = nf;
          break;
        }
        d.s = subPtrBounds(ptr.s, off.s);
        if (isPktPointer(ptr.type)) {
          d.id = ++this.idGen;
          if (off.s.smin < 0n) d.range = 0;
        }
        break;
      }
      case 'and': case 'or': case 'xor':
        this.fail(i.pc, M.ptrBitwise(dstNo, opStr));
        break;
      default:
        this.fail(i.pc, M.ptrArithOp(dstNo, opStr));
    }
    this.checkSaneOffset(d, ptr, tstr);
    if (this.unpriv && ptr.type === 'PTR_TO_STACK' && !isConst(d.s)) this.fail(i.pc, `R${dstNo} variable stack access prohibited for !root, var_off=${tnumStr(d.s.varOff)} off=${d.off}`);
    return d;
  }

  /** check_reg_sane_offset. */
  private checkSaneOffset(reg: Reg, _ptr: Reg, tstr: string): void {
    const known = isConst(reg.s);
    const val = reg.s.smin;
    if (known && (val >= BPF_MAX_VAR_OFF || val <= -BPF_MAX_VAR_OFF)) this.fail(this.insnIdx, M.mathBigConst(tstr, val));
    if (reg.off >= Number(BPF_MAX_VAR_OFF) || reg.off <= -Number(BPF_MAX_VAR_OFF)) this.fail(this.insnIdx, M.ptrOffNotAllowed(tstr, reg.off));
    if (reg.s.smin === S64_MIN) this.fail(this.insnIdx, M.mathUnboundedMin(tstr));
    if (reg.s.smin >= BPF_MAX_VAR_OFF || reg.s.smin <= -BPF_MAX_VAR_OFF) this.fail(this.insnIdx, M.valueOutOfBounds(reg.s.smin, tstr));
  }

  // ---------------- ld_imm64 ----------------

  private checkLdImm64(st: VState, i: InsnOf<'ldimm64'>): BranchOut {
    this.checkDst(i.dst);
    switch (i.pseudo) {
      case 0:
        this.setReg(st, i.dst, constScalar(i.value));
        break;
      case 1:
        this.setReg(st, i.dst, ptrReg('CONST_PTR_TO_MAP', { mapIdx: i.imm }));
        break;
      case 2:
        this.setReg(st, i.dst, ptrReg('PTR_TO_MAP_VALUE', { mapIdx: i.imm, off: i.imm2 }));
        break;
      case 4:
        this.setReg(st, i.dst, ptrReg('PTR_TO_FUNC', { memSize: i.pc + 1 + i.imm }));
        break;
      default:
        this.fail(i.pc, 'bpfplay does not model this ld_imm64 pseudo source');
    }
    return { kind: 'next', idx: i.pc + 2 };
  }

  // ---------------- memory ----------------

  private checkLdx(st: VState, i: InsnOf<'ldx'>): void {
    this.readReg(st, i.src);
    this.checkDst(i.dst);
    const val = this.checkMemAccess(st, i.src, i.off, i.size, 'read', -1, i.sx);
    const out = val ?? unknownScalar();
    if (out.type === 'SCALAR_VALUE' && i.size < 8) {
      if (i.sx) signExtend(out.s, i.size as 1 | 2 | 4);
      else coerceToSize(out.s, i.size);
    }
    this.setReg(st, i.dst, out);
  }

  private checkStore(st: VState, i: InsnOf<'st'> | InsnOf<'stx'>): void {
    let srcReg: Reg | null = null;
    if (i.kind === 'stx') {
      this.readReg(st, i.src);
      srcReg = cur(st).regs[i.src]!;
    }
    this.readReg(st, i.dst);
    const base = cur(st).regs[i.dst]!;
    if (i.kind === 'st' && base.type === 'PTR_TO_CTX' && false) return;
    this.checkMemAccess(st, i.dst, i.off, i.size, 'write', i.kind === 'stx' ? i.src : -1, false, srcReg, i.kind === 'st' ? i.imm : null);
  }

  private checkAtomic(st: VState, i: InsnOf<'atomic'>): void {
    const op = i.op as string;
    if (op === 'load_acquire') {
      this.readReg(st, i.src);
      this.checkDst(i.dst);
      const v = this.checkMemAccess(st, i.src, i.off, i.size, 'read', -1, false);
      const out = v ?? unknownScalar();
      if (out.type === 'SCALAR_VALUE' && i.size < 8) coerceToSize(out.s, i.size);
      this.setReg(st, i.dst, out);
      return;
    }
    if (op === 'store_release') {
      this.readReg(st, i.src);
      this.readReg(st, i.dst);
      this.checkMemAccess(st, i.dst, i.off, i.size, 'write', i.src, false, cur(st).regs[i.src]!, null);
      return;
    }
    this.readReg(st, i.src);
    this.readReg(st, i.dst);
    if (op === 'cmpxchg') this.readReg(st, 0);
    const src = cur(st).regs[i.src]!;
    if (this.unpriv && isPointer(src)) this.fail(i.pc, `R${i.src} leaks addr into mem`);
    const base = cur(st).regs[i.dst]!;
    if (base.type === 'PTR_TO_CTX' || isPktPointer(base.type) || base.type === 'PTR_TO_SOCKET' || base.type === 'PTR_TO_SOCK_COMMON' || base.type === 'PTR_TO_TCP_SOCK')
      this.fail(i.pc, M.atomicInto(i.dst, regTypeStr(base)));
    if (src.type !== 'SCALAR_VALUE' && !(op === 'xchg' || op === 'cmpxchg')) {
      // the kernel requires a scalar for arithmetic atomics
    }
    this.checkMemAccess(st, i.dst, i.off, i.size, 'read', -1, false);
    this.checkMemAccess(st, i.dst, i.off, i.size, 'write', -1, false, null, null);
    if (op === 'cmpxchg') {
      const r = unknownScalar();
      if (i.size < 8) coerceToSize(r.s, i.size);
      this.setReg(st, 0, r);
    } else if (op.startsWith('fetch_') || op === 'xchg') {
      const r = unknownScalar();
      if (i.size < 8) coerceToSize(r.s, i.size);
      this.setReg(st, i.src, r);
    }
  }

  /**
   * check_mem_access. For reads returns the loaded register (before size coercion); for writes null.
   * `valueReg` is the stored register for STX, `imm` the stored constant for ST.
   */
  private checkMemAccess(st: VState, regno: number, insnOff: number, size: number, t: AccessKind, valueRegno: number, sx: boolean,
    valueReg: Reg | null = null, imm: number | null = null): Reg | null {
    const reg = cur(st).regs[regno]!;
    const idx = this.insnIdx;
    void sx;
    if (reg.maybeNull || reg.type === 'SCALAR_VALUE' || reg.type === 'PTR_TO_PACKET_END' || reg.type === 'CONST_PTR_TO_MAP' || reg.type === 'NOT_INIT')
      this.fail(idx, M.invalidMemAccess(regno, regTypeStr(reg)));
    // Alignment: the stack is always strict; other regions only under strict alignment (off here).
    if (reg.type === 'PTR_TO_STACK' && size > 1) {
      const regOff = tnumAdd(reg.s.varOff, tnumConst(BigInt(reg.off + insnOff)));
      if (!tnumIsAligned(regOff, size)) this.fail(idx, M.misaligned('stack ', tnumIsConst(reg.s.varOff) ? BigInt.asIntN(64, reg.s.varOff.value).toString() : tnumStr(reg.s.varOff), reg.off, insnOff, size));
    }
    const off = insnOff + reg.off;
    switch (reg.type) {
      case 'PTR_TO_MAP_VALUE': {
        if (t === 'write' && valueReg && this.ptrLeak(valueReg)) this.fail(idx, `R${valueRegno} leaks addr into map`);
        const m = this.maps[reg.mapIdx];
        this.checkMemRegion(st, regno, off, size, m?.valueSize ?? 0, false, 'map_value');
        return t === 'read' ? unknownScalar() : null;
      }
      case 'PTR_TO_MEM': {
        if (t === 'write' && valueReg && this.ptrLeak(valueReg)) this.fail(idx, `R${valueRegno} leaks addr into mem`);
        this.checkMemRegion(st, regno, off, size, reg.memSize, false, 'mem');
        return t === 'read' ? unknownScalar() : null;
      }
      case 'PTR_TO_CTX': {
        if (t === 'write' && valueReg && this.ptrLeak(valueReg)) this.fail(idx, `R${valueRegno} leaks addr into ctx`);
        this.checkPtrOffReg(reg, regno, false);
        const layout = this.pt?.ctx;
        if (!layout) this.fail(idx, M.ctxAccess(off, size));
        const res = ctxAccess(layout!, off, size, t === 'write');
        if (!res.ok) this.fail(idx, M.ctxAccess(off, size));
        if (t === 'write') return null;
        return this.ctxLoadResult(res.regType);
      }
      case 'PTR_TO_STACK':
        return this.checkStackAccess(st, reg, regno, off, size, t, valueReg, imm, valueRegno);
      case 'PTR_TO_PACKET':
      case 'PTR_TO_PACKET_META': {
        if (t === 'write' && !(this.pt?.directPacketWrite)) this.fail(idx, M.cannotWrite('packet'));
        if (t === 'write' && valueReg && this.ptrLeak(valueReg)) this.fail(idx, `R${valueRegno} leaks addr into packet`);
        this.checkPacketAccess(regno, reg, off, size, false);
        return t === 'read' ? unknownScalar() : null;
      }
      case 'PTR_TO_SOCKET':
      case 'PTR_TO_SOCK_COMMON':
      case 'PTR_TO_TCP_SOCK': {
        if (reg.off !== 0 || !isConst(reg.s) || reg.s.varOff.value !== 0n) this.fail(idx, `R${regno} invalid ${regTypeStr(reg)} access off=${off} size=${size}`);
        const res = ctxAccess(SOCK_LAYOUT, off, size, t === 'write');
        if (!res.ok || t === 'write') this.fail(idx, `R${regno} invalid ${regTypeStr(reg)} access off=${off} size=${size}`);
        return unknownScalar();
      }
      default:
        this.fail(idx, M.invalidMemAccess(regno, regTypeStr(reg)));
    }
  }

  private ctxLoadResult(regType: string): Reg {
    switch (regType) {
      case 'PTR_TO_PACKET': return ptrReg('PTR_TO_PACKET');
      case 'PTR_TO_PACKET_META': return ptrReg('PTR_TO_PACKET_META');
      case 'PTR_TO_PACKET_END': return ptrReg('PTR_TO_PACKET_END');
      case 'PTR_TO_SOCK_COMMON_OR_NULL': return ptrReg('PTR_TO_SOCK_COMMON', { maybeNull: true, id: ++this.idGen });
      case 'PTR_TO_SOCKET_OR_NULL': return ptrReg('PTR_TO_SOCKET', { maybeNull: true, id: ++this.idGen });
      case 'PTR_TO_SOCKET': return ptrReg('PTR_TO_SOCKET');
      default: return unknownScalar();
    }
  }

  /** check_ptr_off_reg / __check_ptr_off_reg. */
  private checkPtrOffReg(reg: Reg, regno: number, fixedOffOk: boolean): void {
    const t = regTypeStr(reg);
    if (reg.off < 0) this.fail(this.insnIdx, `negative offset ${t} ptr R${regno} off=${reg.off} disallowed`);
    if (!fixedOffOk && reg.off) this.fail(this.insnIdx, `dereference of modified ${t} ptr R${regno} off=${reg.off} disallowed`);
    if (!tnumIsConst(reg.s.varOff) || reg.s.varOff.value) this.fail(this.insnIdx, `variable ${t} access var_off=${tnumStr(reg.s.varOff)} disallowed`);
  }

  /** __check_mem_access: the message for a fixed-offset out-of-bounds access. */
  private memAccessMsg(reg: Reg, regno: number, off: number, size: number, memSize: number): string {
    switch (reg.type) {
      case 'PTR_TO_MAP_VALUE': return M.mapValueAccess(memSize, off, size);
      case 'PTR_TO_MAP_KEY': return M.mapKeyAccess(memSize, off, size);
      case 'PTR_TO_PACKET': case 'PTR_TO_PACKET_META': case 'PTR_TO_PACKET_END': return M.pktAccess(off, size, regno, reg.id, memSize);
      default: return M.memAccess(memSize, off, size);
    }
  }

  private inMem(off: bigint, size: number, memSize: number, zeroOk: boolean): boolean {
    const sizeOk = size > 0 || (size === 0 && zeroOk);
    return sizeOk && off >= 0n && off + BigInt(size) <= BigInt(memSize);
  }

  /** check_mem_region_access (map values, ringbuf memory). */
  private checkMemRegion(st: VState, regno: number, off: number, size: number, memSize: number, zeroOk: boolean, _what: string): void {
    const reg = cur(st).regs[regno]!;
    const idx = this.insnIdx;
    const s = reg.s;
    const o = BigInt(off);
    if (this.logLevel > 0) this.log(stateStr(st, this.maps));
    if (s.smin < 0n && (s.smin === S64_MIN || o + s.smin !== BigInt.asIntN(32, o + s.smin) || s.smin + o < 0n)) this.fail(idx, M.minNegative(regno));
    if (!this.inMem(s.smin + o, size, memSize, zeroOk)) {
      this.log(this.memAccessMsg(reg, regno, Number(s.smin + o), size, memSize));
      this.fail(idx, M.minOutside(regno));
    }
    if (s.umax >= BPF_MAX_VAR_OFF) this.fail(idx, M.unboundedMem(regno));
    if (!this.inMem(s.umax + o, size, memSize, zeroOk)) {
      this.log(this.memAccessMsg(reg, regno, Number(s.umax + o), size, memSize));
      this.fail(idx, M.maxOutside(regno));
    }
  }

  /** check_packet_access. */
  private checkPacketAccess(regno: number, reg: Reg, off: number, size: number, zeroOk: boolean): void {
    const idx = this.insnIdx;
    if (reg.s.smin < 0n) this.fail(idx, M.minNegative(regno));
    const o = BigInt(off) + reg.s.umax;
    void o;
    if (!this.inMem(BigInt(off), size, reg.range, zeroOk)) {
      this.log(M.pktAccess(off, size, regno, reg.id, reg.range));
      this.fail(idx, M.pktOutside(regno));
    }
  }

  /** Stack access: bounds (check_stack_access_within_bounds), then read or write of slots. */
  private checkStackAccess(st: VState, reg: Reg, regno: number, off: number, size: number, t: AccessKind,
    valueReg: Reg | null, imm: number | null, valueRegno: number): Reg | null {
    const idx = this.insnIdx;
    const frame = st.frames[reg.frameno]!;
    const kind = t === 'read' ? ' read from' : ' write to';
    let minOff: bigint;
    let maxOff: bigint;
    const constOff = tnumIsConst(reg.s.varOff);
    if (constOff) {
      minOff = BigInt.asIntN(64, reg.s.varOff.value) + BigInt(off);
      maxOff = minOff + BigInt(size);
    } else {
      if (reg.s.smax >= BPF_MAX_VAR_OFF || reg.s.smin <= -BPF_MAX_VAR_OFF) this.fail(idx, `invalid unbounded variable-offset${kind} stack R${regno}`);
      minOff = reg.s.smin + BigInt(off);
      maxOff = reg.s.smax + BigInt(off) + BigInt(size);
    }
    if (minOff < -BigInt(MAX_BPF_STACK) || maxOff > 0n) {
      if (constOff) this.fail(idx, M.stackBounds(kind, regno, off, size));
      this.fail(idx, `invalid variable-offset${kind} stack R${regno} var_off=${tnumStr(reg.s.varOff)} off=${off} size=${size}`);
    }
    const sub = this.subIndex(frame);
    this.subDepth[sub] = Math.max(this.subDepth[sub] ?? 0, Number(-minOff));
    frame.depth = Math.max(frame.depth, Number(-minOff));
    if (t === 'write') {
      if (frame !== cur(st) && valueReg && valueReg.type === 'PTR_TO_STACK') this.fail(idx, 'cannot spill pointers to stack into stack frame of the caller');
      if (!constOff) {
        for (let b = Number(minOff); b < Number(maxOff); b++) {
          const spi = (-b - 1) >> 3;
          if (frame.slots[MAX_BPF_STACK + b] === STACK_SPILL) this.scrubSpill(frame, spi);
        }
        for (let b = Number(minOff); b < Number(maxOff); b++) {
          const cur = frame.slots[MAX_BPF_STACK + b]!;
          if (cur !== STACK_ZERO || !(valueReg && valueReg.type === 'SCALAR_VALUE' && isConst(valueReg.s) && valueReg.s.umin === 0n))
            frame.slots[MAX_BPF_STACK + b] = STACK_MISC;
        }
        return null;
      }
      this.stackWriteFixed(frame, Number(minOff), size, valueReg, imm, valueRegno);
      return null;
    }
    // read
    if (!constOff) {
      for (let b = Number(minOff); b < Number(maxOff); b++) {
        const ty = frame.slots[MAX_BPF_STACK + b]!;
        if (ty === STACK_INVALID && this.unpriv) this.fail(idx, `invalid read from stack var_off ${tnumStr(reg.s.varOff)}+${b - Number(minOff)} size ${size}`);
      }
      return unknownScalar();
    }
    return this.stackReadFixed(frame, Number(minOff), size);
  }

  private subIndex(f: Frame): number {
    return f.subprog;
  }

  private scrubSpill(frame: Frame, spi: number): void {
    const base = MAX_BPF_STACK - (spi + 1) * 8;
    for (let j = 0; j < 8; j++) if (frame.slots[base + j] === STACK_SPILL) frame.slots[base + j] = STACK_MISC;
    frame.spills[spi] = null;
  }

  /** check_stack_write_fixed_off. */
  private stackWriteFixed(frame: Frame, off: number, size: number, valueReg: Reg | null, imm: number | null, valueRegno: number): void {
    const idx = this.insnIdx;
    const spi = (-off - 1) >> 3;
    const base = MAX_BPF_STACK - (spi + 1) * 8; // byte index of fp-8*(spi+1)
    const aligned = off % 8 === 0;
    void valueRegno;
    if (this.unpriv && !aligned) {
      // writes that partially cover a spilled pointer corrupt it
      for (let b = off; b < off + size; b++) {
        const s2 = (-b - 1) >> 3;
        const sp = frame.spills[s2];
        if (sp && isPointer(sp) && frame.slots[MAX_BPF_STACK + b] === STACK_SPILL) this.fail(idx, 'attempt to corrupt spilled pointer on stack');
      }
    }
    const saveSpill = (r: Reg): void => {
      // slot_type index j covers byte base + (7 - j); the spill covers the `size` lowest bytes? No: the
      // kernel marks slot_type[7 .. 8-size], i.e. the bytes from off upward.
      for (let b = 0; b < 8; b++) {
        const at = base + b;
        if (b < size) frame.slots[at] = STACK_SPILL;
        else if (frame.slots[at] === STACK_SPILL || frame.slots[at] === STACK_INVALID && false) frame.slots[at] = STACK_MISC;
      }
      if (size < 8) for (let b = size; b < 8; b++) if (frame.slots[base + b] === STACK_SPILL) frame.slots[base + b] = STACK_MISC;
      frame.spills[spi] = copyReg(r);
    };
    if (valueReg && aligned && valueReg.type === 'SCALAR_VALUE' && !this.unpriv) {
      const r = copyReg(valueReg);
      if (size < 8) {
        const width = fls(r.s.umax);
        if (width > size * 8) { r.id = 0; }
      }
      // a partial (narrow) spill breaks nothing; fill checks the size
      this.clearOverlap(frame, off, size);
      saveSpill(r);
      return;
    }
    if (!valueReg && imm !== null && aligned && !this.unpriv) {
      this.clearOverlap(frame, off, size);
      saveSpill(constScalar(BigInt(imm)));
      return;
    }
    if (valueReg && isPointer(valueReg)) {
      if (size !== 8) this.fail(idx, 'invalid size of register spill');
      this.clearOverlap(frame, off, size);
      saveSpill(valueReg);
      return;
    }
    // regular data write: destroys a spilled register in the slot
    const zero = (valueReg && valueReg.type === 'SCALAR_VALUE' && isConst(valueReg.s) && valueReg.s.umin === 0n) || (!valueReg && imm === 0);
    this.clearOverlap(frame, off, size);
    for (let b = off; b < off + size; b++) frame.slots[MAX_BPF_STACK + b] = zero ? STACK_ZERO : STACK_MISC;
  }

  /** A write over part of a spilled register turns the rest of that spill into misc data. */
  private clearOverlap(frame: Frame, off: number, size: number): void {
    const first = (-(off + size - 1) - 1) >> 3;
    const last = (-off - 1) >> 3;
    for (let spi = Math.min(first, last); spi <= Math.max(first, last); spi++) {
      if (frame.spills[spi]) this.scrubSpill(frame, spi);
    }
  }

  /** check_stack_read_fixed_off. */
  private stackReadFixed(frame: Frame, off: number, size: number): Reg {
    const idx = this.insnIdx;
    const spi = (-off - 1) >> 3;
    const base = MAX_BPF_STACK - (spi + 1) * 8;
    const sp = frame.spills[spi];
    if (sp && frame.slots[base] === STACK_SPILL) {
      let spillSize = 0;
      while (spillSize < 8 && frame.slots[base + spillSize] === STACK_SPILL) spillSize++;
      if (size !== 8 || spillSize !== 8) {
        if (sp.type !== 'SCALAR_VALUE') this.fail(idx, M.regFillSize());
        if (size <= spillSize && off === -(spi + 1) * 8) {
          const r = copyReg(sp);
          if (fls(r.s.umax) > size * 8) r.id = 0;
          return r;
        }
        let spill = 0;
        let zero = 0;
        for (let b = off; b < off + size; b++) {
          const ty = frame.slots[MAX_BPF_STACK + b]!;
          if (ty === STACK_SPILL) { spill++; continue; }
          if (ty === STACK_MISC) continue;
          if (ty === STACK_ZERO) { zero++; continue; }
          if (ty === STACK_INVALID && !this.unpriv) continue;
          this.fail(idx, M.stackReadUninit(off, b - off, size));
        }
        if (spill === size && isConst(sp.s) && sp.s.umin === 0n) return constScalar(0n);
        if (zero === size) return constScalar(0n);
        return unknownScalar();
      }
      return copyReg(sp);
    }
    let zeros = 0;
    for (let b = off; b < off + size; b++) {
      const ty = frame.slots[MAX_BPF_STACK + b]!;
      if (ty === STACK_MISC || ty === STACK_SPILL) continue;
      if (ty === STACK_ZERO) { zeros++; continue; }
      if (ty === STACK_INVALID && !this.unpriv) continue;
      this.fail(idx, M.stackReadUninit(off, b - off, size));
    }
    return zeros === size ? constScalar(0n) : unknownScalar();
  }

  // ---------------- jumps ----------------

  private checkCondJmp(st: VState, i: InsnOf<'jmp'>): BranchOut {
    const idx = i.pc;
    const regs = cur(st).regs;
    this.readReg(st, i.dst);
    if (i.srcX) this.readReg(st, i.src);
    const is32 = !i.is64;
    const dst = regs[i.dst]!;
    const src: Reg = i.srcX ? regs[i.src]! : constScalar(is32 ? BigInt(i.imm >>> 0) : BigInt(i.imm));
    if (this.unpriv && i.srcX && isPointer(src) && !(isPktPointer(dst.type) || dst.type === 'PTR_TO_PACKET_END'))
      this.fail(idx, M.ptrComparison(i.src));
    const cond = i.cond as Cond;
    const pred = this.branchTaken(dst, src, cond, is32);
    const target = idx + 1 + i.off;
    if (pred === 1) return { kind: 'next', idx: target };
    if (pred === 0) return { kind: 'next', idx: idx + 1 };
    const other = this.pushBranch(st, target, idx);
    const oRegs = cur(other).regs;
    // reg_set_min_max on scalars: `other` takes the branch (cond holds), `st` falls through.
    if (dst.type === 'SCALAR_VALUE' && src.type === 'SCALAR_VALUE') {
      const tDst = oRegs[i.dst]!;
      const tSrc = i.srcX ? oRegs[i.src]! : { ...src, s: { ...src.s } };
      const fSrc = i.srcX ? src : { ...src, s: { ...src.s } };
      const okT = refineCond(tDst.s, tSrc.s, cond, is32);
      const okF = refineCond(dst.s, fSrc.s, revCond(cond), is32);
      if (!okT) this.markDead(other);
      if (!okF) this.markDead(st);
      if (okT) this.syncLinked(other, tDst);
      if (okT && i.srcX) this.syncLinked(other, tSrc);
      if (okF) this.syncLinked(st, dst);
      if (okF && i.srcX) this.syncLinked(st, fSrc);
    }
    if (!is32 && !i.srcX && i.imm === 0 && (cond === 'jeq' || cond === 'jne') && dst.maybeNull) {
      this.markPtrOrNull(st, dst.id, dst.refObjId, cond === 'jne');
      this.markPtrOrNull(other, oRegs[i.dst]!.id, oRegs[i.dst]!.refObjId, cond === 'jeq');
    } else if (!is32 && i.srcX && this.matchPktPointers(cond, dst, src, i, st, other)) {
      // ranges set
    } else if (this.unpriv && isPointer(dst)) {
      this.fail(idx, M.ptrComparison(i.dst));
    }
    if (this.deadFlag.has(st)) {
      this.deadFlag.delete(st);
      return { kind: 'done' };
    }
    return { kind: 'next', idx: idx + 1 };
  }

  private readonly deadFlag = new WeakSet<VState>();
  private markDead(st: VState): void {
    this.deadFlag.add(st);
    // a dead pending branch is dropped when popped
    const p = this.pending.find((x) => x.st === st);
    if (p) p.idx = -1;
  }

  /** sync_linked_regs: registers that are copies of a refined scalar (same id) get the same bounds. */
  private syncLinked(st: VState, reg: Reg): void {
    if (!reg.id || reg.type !== 'SCALAR_VALUE') return;
    const linked = (x: Reg): Reg => {
      const n = copyReg(x);
      const delta = BigInt((x.addConst ? x.off : 0) - (reg.addConst ? reg.off : 0));
      n.s = delta === 0n ? { ...reg.s } : scalarAlu('add', reg.s, scalarConst(delta), false);
      return n;
    };
    for (const f of st.frames) {
      for (let r = 0; r < 11; r++) {
        const x = f.regs[r]!;
        if (x !== reg && x.type === 'SCALAR_VALUE' && x.id === reg.id) f.regs[r] = linked(x);
      }
      for (let s = 0; s < 64; s++) {
        const x = f.spills[s];
        if (x && x !== reg && x.type === 'SCALAR_VALUE' && x.id === reg.id) f.spills[s] = linked(x);
      }
    }
  }

  /** is_branch_taken, including pointer-vs-zero and the scalar cases. */
  private branchTaken(a: Reg, b: Reg, cond: Cond, is32: boolean): 0 | 1 | -1 {
    const aPkt = isPktPointer(a.type) || a.type === 'PTR_TO_PACKET_END';
    const bPkt = isPktPointer(b.type) || b.type === 'PTR_TO_PACKET_END';
    if (aPkt && bPkt && !is32) return -1;
    if (isPointer(a) || isPointer(b)) {
      let p = a;
      let s = b;
      let c = cond;
      const constB = b.type === 'SCALAR_VALUE' && (is32 ? isConst32(b.s) : isConst(b.s));
      if (!constB) { p = b; s = a; c = flipCond(cond); }
      const constS = s.type === 'SCALAR_VALUE' && (is32 ? isConst32(s.s) : isConst(s.s));
      if (!constS) return -1;
      if (!regNotNull(p)) return -1;
      const val = is32 ? s.s.varOff.value & U32 : s.s.varOff.value;
      if (val !== 0n) return -1;
      if (c === 'jeq') return 0;
      if (c === 'jne') return 1;
      return -1;
    }
    return scalarBranchTaken(a.s, b.s, cond, is32);
  }

  /** mark_ptr_or_null_regs. */
  private markPtrOrNull(st: VState, id: number, refObjId: number, isNull: boolean): void {
    if (!id) return;
    if (isNull && refObjId && refObjId === id) st.refs = st.refs.filter((r) => r.id !== id);
    const fix = (r: Reg): Reg => {
      if (r.id !== id || !r.maybeNull) return r;
      if (isNull) return constScalar(0n);
      const n = copyReg(r);
      n.maybeNull = false;
      if (n.type === 'PTR_TO_MAP_VALUE' || n.type === 'PTR_TO_MEM' && !n.refObjId) n.id = 0;
      if (n.type === 'PTR_TO_MEM' && n.refObjId) n.id = 0;
      return n;
    };
    for (const f of st.frames) {
      for (let r = 0; r < 11; r++) f.regs[r] = fix(f.regs[r]!);
      for (let s = 0; s < 64; s++) if (f.spills[s]) f.spills[s] = fix(f.spills[s]!);
    }
  }

  /** try_match_pkt_pointers + find_good_pkt_pointers. `other` is the taken branch. */
  private matchPktPointers(cond: Cond, dst: Reg, src: Reg, i: InsnOf<'jmp'>, fall: VState, taken: VState): boolean {
    const isPkt = (r: Reg): boolean => r.type === 'PTR_TO_PACKET';
    const isEnd = (r: Reg): boolean => r.type === 'PTR_TO_PACKET_END';
    const isMeta = (r: Reg): boolean => r.type === 'PTR_TO_PACKET_META';
    const pair = (a: Reg, b: Reg): boolean => (isPkt(a) && isEnd(b)) || (isMeta(a) && isPkt(b));
    const dn = i.dst;
    const sn = i.src;
    if (cond === 'jgt') {
      if (pair(dst, src)) this.goodPkt(fall, dn, false);
      else if (pair(src, dst)) this.goodPkt(taken, sn, true);
      else return false;
    } else if (cond === 'jlt') {
      if (pair(dst, src)) this.goodPkt(taken, dn, true);
      else if (pair(src, dst)) this.goodPkt(fall, sn, false);
      else return false;
    } else if (cond === 'jge') {
      if (pair(dst, src)) this.goodPkt(fall, dn, true);
      else if (pair(src, dst)) this.goodPkt(taken, sn, false);
      else return false;
    } else if (cond === 'jle') {
      if (pair(dst, src)) this.goodPkt(taken, dn, false);
      else if (pair(src, dst)) this.goodPkt(fall, sn, true);
      else return false;
    } else {
      return false;
    }
    return true;
  }

  private goodPkt(st: VState, regno: number, rightOpen: boolean): void {
    const reg = cur(st).regs[regno]!;
    if (reg.off < 0 || (reg.off === 0 && rightOpen)) return;
    if (reg.s.umax > MAX_PACKET_OFF || reg.s.umax + BigInt(reg.off) > MAX_PACKET_OFF) return;
    const newRange = reg.off + (rightOpen ? 1 : 0);
    const type = reg.type;
    const id = reg.id;
    for (const f of st.frames) {
      for (const r of f.regs) if (r.type === type && r.id === id) r.range = Math.max(r.range, newRange);
      for (const r of f.spills) if (r && r.type === type && r.id === id) r.range = Math.max(r.range, newRange);
    }
  }

  // ---------------- calls ----------------

  private checkHelperCall(st: VState, i: InsnOf<'call'>): void {
    const idx = i.pc;
    const id = i.imm;
    if (id < 0 || id >= HELPER_NAMES.length) this.fail(idx, M.unknownFunc(id));
    const pt = this.pt;
    const name = helperFuncName(id);
    if (!pt || !pt.helpers.includes(id)) this.fail(idx, M.helperNotAllowed(name, id));
    const proto = helperProto(id);
    const gplOnly = proto ? proto.gplOnly : pt!.gplHelpers.includes(id);
    if (!this.gpl && gplOnly) this.fail(idx, M.gplOnly());
    const regs = cur(st).regs;
    const args: readonly ArgType[] = proto ? proto.args : ['ARG_ANYTHING', 'ARG_ANYTHING', 'ARG_ANYTHING', 'ARG_ANYTHING', 'ARG_ANYTHING'].slice(0, 0) as ArgType[];
    let mapIdx = -1;
    let memSize = 0;
    let releaseId = 0;
    let constKey: bigint | null = null;
    for (let a = 0; a < args.length; a++) {
      const regno = a + 1;
      const at = args[a]!;
      this.readReg(st, regno);
      const reg = regs[regno]!;
      switch (at) {
        case 'ARG_ANYTHING':
          if (this.ptrLeak(reg)) this.fail(idx, M.leaksIntoHelper(regno));
          break;
        case 'ARG_CONST_MAP_PTR':
          if (reg.type !== 'CONST_PTR_TO_MAP' || reg.maybeNull) this.fail(idx, M.typeExpected(regno, regTypeStr(reg), 'map_ptr'));
          mapIdx = reg.mapIdx;
          break;
        case 'ARG_PTR_TO_MAP_KEY':
        case 'ARG_PTR_TO_MAP_VALUE': {
          this.checkArgType(regno, reg, MEM_TYPES);
          const m = this.maps[mapIdx];
          if (!m) this.fail(idx, at === 'ARG_PTR_TO_MAP_KEY' ? M.noMapPtrKey() : M.noMapPtrValue());
          const size = at === 'ARG_PTR_TO_MAP_KEY' ? m!.keySize : m!.valueSize;
          this.helperMemAccess(st, regno, reg, size, false, 'read');
          if (at === 'ARG_PTR_TO_MAP_KEY') constKey = this.constantMapKey(st, reg, size);
          break;
        }
        case 'ARG_PTR_TO_MEM':
        case 'ARG_PTR_TO_MEM_OR_NULL':
        case 'ARG_PTR_TO_UNINIT_MEM': {
          if (at === 'ARG_PTR_TO_MEM_OR_NULL' && reg.type === 'SCALAR_VALUE' && isConst(reg.s) && reg.s.umin === 0n) break;
          this.checkArgType(regno, reg, MEM_TYPES);
          break;
        }
        case 'ARG_CONST_SIZE':
        case 'ARG_CONST_SIZE_OR_ZERO': {
          if (reg.type !== 'SCALAR_VALUE') this.fail(idx, M.typeExpected(regno, regTypeStr(reg), 'scalar'));
          const zeroOk = at === 'ARG_CONST_SIZE_OR_ZERO';
          const memReg = regs[regno - 1]!;
          const memArg = args[a - 1];
          if (reg.s.smin < 0n) this.fail(idx, M.minNegSize(regno));
          if (memArg === 'ARG_PTR_TO_MEM_OR_NULL' && memReg.type === 'SCALAR_VALUE') {
            // NULL buffer: only a zero size is allowed
            break;
          }
          if (reg.s.umin === 0n && !zeroOk) this.fail(idx, M.zeroSized(regno, reg.s.umin, reg.s.umax));
          if (reg.s.umax >= BPF_MAX_VAR_SIZ) this.fail(idx, M.unboundedSize(regno));
          this.helperMemAccess(st, regno - 1, memReg, Number(reg.s.umax), zeroOk, memArg === 'ARG_PTR_TO_UNINIT_MEM' ? 'write' : 'read');
          break;
        }
        case 'ARG_CONST_ALLOC_SIZE_OR_ZERO':
          if (reg.type !== 'SCALAR_VALUE') this.fail(idx, M.typeExpected(regno, regTypeStr(reg), 'scalar'));
          if (!isConst(reg.s)) this.fail(idx, M.notKnownConst(regno));
          memSize = Number(reg.s.umin);
          break;
        case 'ARG_PTR_TO_CTX':
          if (reg.type !== 'PTR_TO_CTX') this.fail(idx, M.typeExpected(regno, regTypeStr(reg), 'ctx'));
          this.checkPtrOffReg(reg, regno, false);
          break;
        case 'ARG_PTR_TO_SOCK_COMMON':
          this.checkArgType(regno, reg, ['PTR_TO_SOCK_COMMON', 'PTR_TO_SOCKET', 'PTR_TO_TCP_SOCK'], 'sock_common, sock, tcp_sock, xdp_sock');
          break;
        case 'ARG_PTR_TO_SOCKET':
          this.checkArgType(regno, reg, ['PTR_TO_SOCKET'], 'sock');
          break;
        case 'ARG_PTR_TO_RINGBUF_MEM_RELEASE':
          if (!(reg.type === 'PTR_TO_MEM' && reg.ringbuf && !reg.maybeNull)) this.fail(idx, M.typeExpected(regno, regTypeStr(reg), 'ringbuf_mem'));
          if (!reg.refObjId) this.fail(idx, M.releaseNoRef(regno));
          if (reg.off !== 0 || !isConst(reg.s) || reg.s.umin !== 0n) this.fail(idx, `R${regno} must have zero offset when passed to release func or trusted arg to kfunc`);
          releaseId = reg.refObjId;
          break;
        case 'ARG_PTR_TO_BTF_ID_SOCK_COMMON_RELEASE':
          if (!((reg.type === 'PTR_TO_SOCKET' || reg.type === 'PTR_TO_SOCK_COMMON' || reg.type === 'PTR_TO_TCP_SOCK') && !reg.maybeNull))
            this.fail(idx, M.typeExpected(regno, regTypeStr(reg), 'sock_common, sock, tcp_sock, xdp_sock, ptr_, trusted_ptr_'));
          if (!reg.refObjId) this.fail(idx, M.releaseNoRef(regno));
          releaseId = reg.refObjId;
          break;
        case 'ARG_PTR_TO_CONST_STR':
        case 'ARG_PTR_TO_LONG':
          this.checkArgType(regno, reg, MEM_TYPES);
          break;
      }
    }
    if (mapIdx >= 0) this.checkMapFuncCompat(this.maps[mapIdx], id, name, proto?.mapArg?.types);
    if (releaseId) this.releaseReference(st, releaseId);
    if (CHANGES_PKT_DATA.has(id)) this.clearAllPktPointers(st);
    // Caller-saved registers are clobbered.
    for (let r = 1; r <= 5; r++) regs[r] = notInit();
    const ret = proto ? proto.ret : 'RET_INTEGER';
    switch (ret) {
      case 'RET_INTEGER':
        regs[0] = unknownScalar();
        break;
      case 'RET_VOID':
        regs[0] = notInit();
        break;
      case 'RET_PTR_TO_MAP_VALUE_OR_NULL': {
        const m = this.maps[mapIdx];
        const inner = this.innerIdx.get(mapIdx);
        if (m && (m.type === 'array_of_maps' || m.type === 'hash_of_maps') && inner !== undefined) {
          regs[0] = ptrReg('CONST_PTR_TO_MAP', { maybeNull: true, mapIdx: inner, id: ++this.idGen });
        } else if (id === 1 && m && (m.type === 'array' || m.type === 'percpu_array') && constKey !== null && constKey < BigInt(m.maxEntries)) {
          regs[0] = ptrReg('PTR_TO_MAP_VALUE', { mapIdx });
        } else {
          regs[0] = ptrReg('PTR_TO_MAP_VALUE', { maybeNull: true, mapIdx, id: ++this.idGen });
        }
        break;
      }
      case 'RET_PTR_TO_SOCKET_OR_NULL':
      case 'RET_PTR_TO_TCP_SOCK_OR_NULL':
      case 'RET_PTR_TO_SOCK_COMMON_OR_NULL': {
        const type = ret === 'RET_PTR_TO_SOCKET_OR_NULL' ? 'PTR_TO_SOCKET' : ret === 'RET_PTR_TO_TCP_SOCK_OR_NULL' ? 'PTR_TO_TCP_SOCK' : 'PTR_TO_SOCK_COMMON';
        regs[0] = ptrReg(type, { maybeNull: true, id: ++this.idGen });
        break;
      }
      case 'RET_PTR_TO_RINGBUF_MEM_OR_NULL':
        regs[0] = ptrReg('PTR_TO_MEM', { maybeNull: true, ringbuf: true, memSize, id: ++this.idGen });
        break;
    }
    if (proto?.acquire) {
      const rid = regs[0]!.id;
      st.refs.push({ id: rid, insn: idx });
      regs[0]!.refObjId = rid;
    }
    if (id === 12) {
      // bpf_tail_call: references may not be held across it (check_resource_leak)
      if (st.refs.length) this.fail(idx, 'tail_call would lead to reference leak');
    }
  }

  /** get_constant_map_key: a key on the stack that is known (zero bytes or a spilled constant of key size). */
  private constantMapKey(st: VState, reg: Reg, keySize: number): bigint | null {
    if (reg.type !== 'PTR_TO_STACK' || !tnumIsConst(reg.s.varOff)) return null;
    const frame = st.frames[reg.frameno]!;
    const off = reg.off + Number(BigInt.asIntN(64, reg.s.varOff.value));
    if (off < -MAX_BPF_STACK || off >= 0) return null;
    const top = Math.ceil((off + 1) / 8) * 8; // end of the 8-byte slot holding the key's first byte
    const slotTop = top > off ? top : off + 8;
    let zero = 0;
    for (let b = off; b < slotTop && frame.slots[MAX_BPF_STACK + b] === STACK_ZERO; b++) zero++;
    if (zero >= keySize) return 0n;
    const spi = (-off - 1) >> 3;
    const sp = frame.spills[spi];
    if (!sp || sp.type !== 'SCALAR_VALUE') return null;
    let spill = 0;
    for (let b = off; b < slotTop && frame.slots[MAX_BPF_STACK + b] === STACK_SPILL; b++) spill++;
    if (spill !== keySize || !isConst(sp.s)) return null;
    return sp.s.varOff.value;
  }

  /** check_map_func_compatibility: maps usable only with some helpers, helpers usable only with some maps. */
  private checkMapFuncCompat(m: MapDef | undefined, id: number, name: string, funcTypes: readonly string[] | undefined): void {
    if (!m) return;
    const num = MAP_TYPE_IDS[m.type] ?? 0;
    const only = MAP_ONLY_HELPERS[m.type];
    if (only && !only.includes(id)) this.fail(this.insnIdx, M.mapIncompatible(String(num), name, id));
    if (funcTypes && !funcTypes.includes(m.type)) this.fail(this.insnIdx, M.mapIncompatible(String(num), name, id));
  }

  private checkArgType(regno: number, reg: Reg, types: readonly string[], expected?: string): void {
    if (!reg.maybeNull && types.includes(reg.type) && !(reg.ringbuf && !types.includes('PTR_TO_MEM'))) return;
    this.fail(this.insnIdx, M.typeExpected(regno, regTypeStr(reg), expected ?? 'fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_'));
  }

  /** check_helper_mem_access: `size` bytes at the pointer in regno. */
  private helperMemAccess(st: VState, regno: number, reg: Reg, size: number, zeroOk: boolean, t: AccessKind): void {
    const idx = this.insnIdx;
    switch (reg.type) {
      case 'PTR_TO_PACKET':
      case 'PTR_TO_PACKET_META':
        if (t === 'write' && !this.pt?.directPacketWrite) this.fail(idx, M.cannotWrite('packet'));
        this.checkPacketAccess(regno, reg, reg.off, size, zeroOk);
        return;
      case 'PTR_TO_MAP_VALUE':
        this.checkMemRegion(st, regno, reg.off, size, this.maps[reg.mapIdx]?.valueSize ?? 0, zeroOk, 'map_value');
        return;
      case 'PTR_TO_MEM':
        this.checkMemRegion(st, regno, reg.off, size, reg.memSize, zeroOk, 'mem');
        return;
      case 'PTR_TO_STACK':
        this.stackRangeInit(st, regno, reg, size, zeroOk, t);
        return;
      default:
        this.fail(idx, M.typeExpected(regno, regTypeStr(reg), 'fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_'));
    }
  }

  /** check_stack_range_initialized. */
  private stackRangeInit(st: VState, regno: number, reg: Reg, size: number, zeroOk: boolean, t: AccessKind): void {
    const idx = this.insnIdx;
    const frame = st.frames[reg.frameno]!;
    if (size === 0 && zeroOk) return;
    if (size === 0) this.fail(idx, 'invalid zero-sized read');
    const off = reg.off;
    let minOff: bigint;
    let maxOff: bigint;
    const constOff = tnumIsConst(reg.s.varOff);
    if (constOff) {
      minOff = BigInt.asIntN(64, reg.s.varOff.value) + BigInt(off);
      maxOff = minOff + BigInt(size);
    } else {
      if (reg.s.smax >= BPF_MAX_VAR_OFF || reg.s.smin <= -BPF_MAX_VAR_OFF) this.fail(idx, `invalid unbounded variable-offset indirect access to stack R${regno}`);
      minOff = reg.s.smin + BigInt(off);
      maxOff = reg.s.smax + BigInt(off) + BigInt(size);
    }
    if (minOff < -BigInt(MAX_BPF_STACK) || maxOff > 0n || size < 0) {
      if (constOff) this.fail(idx, M.stackBounds(t === 'write' ? ' write to' : ' read from', regno, off, size));
      this.fail(idx, `invalid variable-offset${t === 'write' ? ' write to' : ' read from'} stack R${regno} var_off=${tnumStr(reg.s.varOff)} off=${off} size=${size}`);
    }
    const sub = frame.subprog;
    this.subDepth[sub] = Math.max(this.subDepth[sub] ?? 0, Number(-minOff));
    for (let b = Number(minOff); b < Number(maxOff); b++) {
      const at = MAX_BPF_STACK + b;
      const ty = frame.slots[at]!;
      if (t === 'write') {
        if (ty === STACK_SPILL) this.scrubSpill(frame, (-b - 1) >> 3);
        frame.slots[at] = STACK_MISC;
        continue;
      }
      if (ty === STACK_MISC || ty === STACK_ZERO) continue;
      if (ty === STACK_SPILL) {
        const sp = frame.spills[(-b - 1) >> 3];
        if (sp && (sp.type === 'SCALAR_VALUE' || !this.unpriv)) continue;
      }
      if (ty === STACK_INVALID && !this.unpriv) continue;
      if (constOff) this.fail(idx, M.stackIndirectUninit(regno, Number(minOff), b - Number(minOff), size));
      this.fail(idx, `invalid read from stack R${regno} var_off ${tnumStr(reg.s.varOff)}+${b - Number(minOff)} size ${size}`);
    }
  }

  /** clear_all_pkt_pointers: after a helper that may move packet data every packet pointer is invalid. */
  private clearAllPktPointers(st: VState): void {
    const bad = (r: Reg): boolean => isPktPointer(r.type) || r.type === 'PTR_TO_PACKET_END';
    for (const f of st.frames) {
      for (let r = 0; r < 11; r++) if (bad(f.regs[r]!)) f.regs[r] = this.unpriv ? notInit() : unknownScalar();
      for (let s = 0; s < 64; s++) if (f.spills[s] && bad(f.spills[s]!)) f.spills[s] = unknownScalar();
    }
  }

  private releaseReference(st: VState, id: number): void {
    st.refs = st.refs.filter((r) => r.id !== id);
    for (const f of st.frames) {
      for (let r = 0; r < 11; r++) if (f.regs[r]!.refObjId === id) f.regs[r] = this.unpriv ? notInit() : unknownScalar();
      for (let s = 0; s < 64; s++) if (f.spills[s]?.refObjId === id) f.spills[s] = unknownScalar();
    }
  }

  /**
   * bpf_loop(nr_loops, callback_fn, callback_ctx, flags): the path where the callback never runs is
   * pushed as a branch; this path enters the callback as a new frame (r1 = index, r2 = ctx) and comes
   * back to the instruction after the call, where r0 is the number of iterations (push_callback_call,
   * simplified: one callback invocation stands for all of them).
   */
  private checkBpfLoop(st: VState, i: InsnOf<'call'>): BranchOut {
    const idx = i.pc;
    const pt = this.pt;
    if (!pt || !pt.helpers.includes(181)) this.fail(idx, M.helperNotAllowed('bpf_loop', 181));
    const regs = cur(st).regs;
    for (let r = 1; r <= 4; r++) this.readReg(st, r);
    if (this.ptrLeak(regs[1]!)) this.fail(idx, M.leaksIntoHelper(1));
    const fn = regs[2]!;
    if (fn.type !== 'PTR_TO_FUNC') this.fail(idx, M.typeExpected(2, regTypeStr(fn), 'func'));
    const ctx = regs[3]!;
    if (!(ctx.type === 'PTR_TO_STACK' || (ctx.type === 'SCALAR_VALUE' && isConst(ctx.s) && ctx.s.umin === 0n)))
      this.fail(idx, M.typeExpected(3, regTypeStr(ctx), 'fp'));
    if (st.frames.length >= MAX_CALL_FRAMES) this.fail(idx, `the call stack of ${st.frames.length + 1} frames is too deep !`);
    const target = fn.memSize;
    // The zero-iteration path.
    const skip = this.pushBranch(st, idx + 1, idx);
    const sregs = cur(skip).regs;
    for (let r = 1; r <= 5; r++) sregs[r] = notInit();
    sregs[0] = unknownScalar();
    // Enter the callback.
    const caller = cur(st);
    const sub = this.subprogStarts.indexOf(target);
    let edges = this.callEdges.get(caller.subprog);
    if (!edges) this.callEdges.set(caller.subprog, (edges = new Set()));
    edges.add(sub);
    const callee = newFrame(st.frames.length, idx + 1, sub);
    callee.isCallback = true;
    const index = unknownScalar();
    index.s = scalarAlu('and', index.s, scalarConst(0xffffffffn), false);
    callee.regs[1] = index;
    callee.regs[2] = copyReg(ctx);
    st.frames.push(callee);
    return { kind: 'next', idx: target };
  }

  private checkFuncCall(st: VState, i: InsnOf<'call'>): BranchOut {
    const idx = i.pc;
    const target = idx + 1 + i.imm;
    if (st.frames.length >= MAX_CALL_FRAMES) this.fail(idx, `the call stack of ${st.frames.length + 1} frames is too deep !`);
    const caller = cur(st);
    const sub = this.subprogStarts.indexOf(target);
    let edges = this.callEdges.get(caller.subprog);
    if (!edges) this.callEdges.set(caller.subprog, (edges = new Set()));
    edges.add(sub);
    const callee = newFrame(st.frames.length, idx + 1, sub);
    for (let r = 1; r <= 5; r++) callee.regs[r] = copyReg(caller.regs[r]!);
    st.frames.push(callee);
    return { kind: 'next', idx: target };
  }

  private checkExit(st: VState, i: InsnOf<'exit'>): BranchOut {
    const idx = i.pc;
    // check_resource_leak before returning (main program only, or any frame for refs it acquired).
    if (st.frames.length === 1 && st.refs.length) {
      for (const r of st.refs) this.log(M.unreleased(r.id, r.insn));
      this.fail(idx, 'BPF_EXIT instruction in main prog would lead to reference leak');
    }
    if (st.frames.length > 1 && cur(st).isCallback) {
      this.readReg(st, 0);
      const r0 = cur(st).regs[0]!;
      if (r0.type !== 'SCALAR_VALUE') this.fail(idx, `At callback return the register R0 is not a known value (${regTypeStr(r0)})`);
      if (r0.s.smin < 0n || r0.s.smax > 1n)
        this.fail(idx, `At callback return the register R0 has${r0.s.smin > S64_MIN ? ` smin=${r0.s.smin}` : ''}${r0.s.smax < S64_MAX ? ` smax=${r0.s.smax}` : ''}${r0.s.smin === S64_MIN && r0.s.smax === S64_MAX ? ' unknown scalar value' : ''} should have been in [0, 1]`);
      const callee = st.frames.pop()!;
      const caller = cur(st);
      caller.regs[0] = unknownScalar();
      for (let r = 1; r <= 5; r++) caller.regs[r] = notInit();
      return { kind: 'next', idx: callee.callsite };
    }
    if (st.frames.length > 1) {
      const callee = st.frames.pop()!;
      const caller = cur(st);
      const r0 = callee.regs[0]!;
      if (r0.type === 'PTR_TO_STACK' && r0.frameno === callee.frameno) this.fail(idx, 'cannot return stack pointer to the caller');
      caller.regs[0] = copyReg(r0);
      for (let r = 1; r <= 5; r++) caller.regs[r] = notInit();
      return { kind: 'next', idx: callee.callsite };
    }
    this.readReg(st, 0);
    const r0 = cur(st).regs[0]!;
    if (this.unpriv && isPointer(r0)) this.fail(idx, M.leaksRet());
    const range = this.pt ? returnRange(this.pt.name) : null;
    if (range) {
      if (r0.type !== 'SCALAR_VALUE') this.fail(idx, M.retNotKnown(regTypeStr(r0)));
      const lo = BigInt(range[0]);
      const hi = BigInt(range[1]);
      const s = r0.s;
      if (!(s.smin >= lo && s.smax <= hi)) {
        this.fail(idx, M.retRange(s.smin > S64_MIN ? s.smin : null, s.smax < S64_MAX ? s.smax : null, range[0], range[1]));
      }
    }
    return { kind: 'done' };
  }

  private checkLdAbs(st: VState, i: InsnOf<'ldpkt'>): void {
    const idx = i.pc;
    this.readReg(st, 6);
    if (st.refs.length) this.fail(idx, 'BPF_LD_[ABS|IND] would lead to reference leak');
    const r6 = cur(st).regs[6]!;
    if (r6.type !== 'PTR_TO_CTX') this.fail(idx, M.ldAbsCtx());
    if (i.mode === 'ind') this.readReg(st, i.src);
    this.checkPtrOffReg(r6, 6, false);
    const regs = cur(st).regs;
    for (let r = 0; r <= 5; r++) regs[r] = notInit();
    const r0 = unknownScalar();
    if (i.size < 8) coerceToSize(r0.s, i.size);
    regs[0] = r0;
  }

  /** check_max_stack_depth: the 512-byte limit on the deepest chain of calls. */
  private checkMaxStackDepth(): void {
    const round = (d: number): number => Math.ceil(d / 16) * 16; // the JIT is on: round_up(depth, 16)
    const visit = (sub: number, acc: number, frames: number): void => {
      const depth = acc + round(this.subDepth[sub] ?? 0);
      if (depth > MAX_BPF_STACK) this.fail(-1, M.combinedStack(frames, depth));
      for (const c of this.callEdges.get(sub) ?? []) if (frames < 9) visit(c, depth, frames + 1);
    };
    if (this.callEdges.size) visit(0, 0, 1);
  }
}

// ---------------- helpers ----------------

const ALU_STR: Record<string, string> = {
  add: '+=', sub: '-=', mul: '*=', div: '/=', or: '|=', and: '&=', lsh: '<<=', rsh: '>>=', neg: 'neg', mod: '%=', xor: '^=',
  mov: '=', arsh: 's>>=', sdiv: '/=', smod: '%=',
};

const MAP_TYPE_IDS: Record<string, number> = {
  hash: 1, array: 2, prog_array: 3, perf_event_array: 4, percpu_hash: 5, percpu_array: 6, stack_trace: 7, cgroup_array: 8,
  lru_hash: 9, lru_percpu_hash: 10, lpm_trie: 11, array_of_maps: 12, hash_of_maps: 13, devmap: 14, sockmap: 15, cpumap: 16,
  xskmap: 17, sockhash: 18, cgroup_storage: 19, reuseport_sockarray: 20, percpu_cgroup_storage: 21, queue: 22, stack: 23,
  sk_storage: 24, devmap_hash: 25, struct_ops: 26, ringbuf: 27, inode_storage: 28, task_storage: 29, bloom_filter: 30,
  user_ringbuf: 31, cgrp_storage: 32, arena: 33,
};

/** Map types whose maps only some helpers accept (the map-type half of check_map_func_compatibility). */
const MAP_ONLY_HELPERS: Record<string, readonly number[]> = {
  prog_array: [12],
  perf_event_array: [22, 25, 55, 111, 121],
  ringbuf: [130, 131, 134, 198, 199, 200],
  stack_trace: [27],
  queue: [87, 88, 89],
  stack: [87, 88, 89],
  bloom_filter: [88, 89],
};

/** bpf_helper_changes_pkt_data. */
const CHANGES_PKT_DATA: ReadonlySet<number> = new Set([9, 10, 11, 13, 18, 19, 31, 38, 39, 43, 44, 50, 54, 63, 65, 73, 74, 75, 76, 90, 91]);

const S32_MAX_N = 0x7fffffffn;

const MEM_TYPES = ['PTR_TO_STACK', 'PTR_TO_PACKET', 'PTR_TO_PACKET_META', 'PTR_TO_MAP_KEY', 'PTR_TO_MAP_VALUE', 'PTR_TO_MEM'];

const SOCK_LAYOUT: CtxLayout = bpfSockLayout('pointer');

function fls(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/** reg_not_null: pointer types that can never be NULL. */
function regNotNull(r: Reg): boolean {
  if (r.maybeNull) return false;
  return r.type === 'PTR_TO_SOCKET' || r.type === 'PTR_TO_TCP_SOCK' || r.type === 'PTR_TO_MAP_VALUE' || r.type === 'PTR_TO_MAP_KEY' ||
    r.type === 'PTR_TO_SOCK_COMMON' || r.type === 'PTR_TO_MEM';
}

function addPtrBounds(p: Scalar, o: Scalar): Scalar {
  const d: Scalar = { ...p };
  const smin = p.smin + o.smin;
  const smax = p.smax + o.smax;
  if (smin < S64_MIN || smax > S64_MAX) { d.smin = S64_MIN; d.smax = S64_MAX; } else { d.smin = smin; d.smax = smax; }
  const umax = p.umax + o.umax;
  if (umax > (1n << 64n) - 1n) { d.umin = 0n; d.umax = (1n << 64n) - 1n; } else { d.umin = p.umin + o.umin; d.umax = umax; }
  d.varOff = tnumAdd(p.varOff, o.varOff);
  d.u32min = 0n; d.u32max = U32; d.s32min = S32_MIN; d.s32max = S32_MAX;
  regBoundsSync(d);
  return d;
}

function subPtrBounds(p: Scalar, o: Scalar): Scalar {
  const d: Scalar = { ...p };
  const smin = p.smin - o.smax;
  const smax = p.smax - o.smin;
  if (smin < S64_MIN || smax > S64_MAX) { d.smin = S64_MIN; d.smax = S64_MAX; } else { d.smin = smin; d.smax = smax; }
  if (p.umin < o.umax) { d.umin = 0n; d.umax = (1n << 64n) - 1n; } else { d.umin = p.umin - o.umax; d.umax = p.umax - o.umin; }
  d.varOff = tnumSub(p.varOff, o.varOff);
  d.u32min = 0n; d.u32max = U32; d.s32min = S32_MIN; d.s32max = S32_MAX;
  regBoundsSync(d);
  return d;
}

/** The kernel's bpf_opcode_in_insntable: opcodes that exist at all (any fields). */
function isKnownOpcodeKernel(op: number): boolean {
  return KNOWN_OPS.has(op);
}

const KNOWN_OPS: ReadonlySet<number> = (() => {
  // bpf_opcode_in_insntable (kernel/bpf/core.c BPF_INSN_MAP).
  const s = new Set<number>();
  for (const cls of [0x04, 0x07]) {
    for (const op of [0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x90, 0xa0, 0xb0, 0xc0]) {
      s.add(cls | op);
      s.add(cls | op | 0x08);
    }
    s.add(cls | 0x80);
  }
  s.add(0xd4);
  s.add(0xdc);
  s.add(0xd7);
  for (const cls of [0x05, 0x06]) {
    for (const op of [0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0xa0, 0xb0, 0xc0, 0xd0]) {
      s.add(cls | op);
      s.add(cls | op | 0x08);
    }
    s.add(cls | 0x00);
  }
  for (const op of [0x85, 0x95, 0xe5]) s.add(op);
  s.add(0x18);
  for (const sz of [0x00, 0x08, 0x10, 0x18]) {
    s.add(0x61 | sz);
    s.add(0x62 | sz);
    s.add(0x63 | sz);
    s.add(0xc3 | sz);
  }
  for (const sz of [0x00, 0x08, 0x10]) {
    s.add(0x81 | sz);
    s.add(0x20 | sz);
    s.add(0x40 | sz);
  }
  return s;
})();

function isGplCompatible(l: string): boolean {
  return ['GPL', 'GPL v2', 'GPL and additional rights', 'Dual BSD/GPL', 'Dual MIT/GPL', 'Dual MPL/GPL'].includes(l);
}

function touchedRegs(i: Insn): Set<number> {
  const s = new Set<number>();
  switch (i.kind) {
    case 'alu': s.add(i.dst); if (i.srcX) s.add(i.src); break;
    case 'endian': s.add(i.dst); break;
    case 'jmp': s.add(i.dst); if (i.srcX) s.add(i.src); break;
    case 'ldimm64': s.add(i.dst); break;
    case 'ldx': s.add(i.dst); s.add(i.src); break;
    case 'st': s.add(i.dst); if (i.dst === 10 && i.off < 0) s.add(100 + ((-i.off - 1) >> 3)); break;
    case 'stx': s.add(i.dst); s.add(i.src); if (i.dst === 10 && i.off < 0) s.add(100 + ((-i.off - 1) >> 3)); break;
    case 'call': s.add(0); break;
    default: break;
  }
  return s;
}

/** A cheap key of the current frame's registers: equal for states that states_maybe_looping could match. */
function loopKey(st: VState): string {
  const f = cur(st);
  let h = st.frames.length | 0;
  for (let r = 0; r < 11; r++) {
    const x = f.regs[r]!;
    h = (Math.imul(h, 31) + TYPE_CODE[x.type] + x.id * 7 + x.off) | 0;
    if (x.type === 'SCALAR_VALUE' && x.s.varOff.mask === 0n) h = (Math.imul(h, 17) + Number(x.s.varOff.value & 0xfffffffn)) | 0;
  }
  return String(h);
}

const TYPE_CODE: Record<string, number> = {
  NOT_INIT: 1, SCALAR_VALUE: 2, PTR_TO_CTX: 3, CONST_PTR_TO_MAP: 4, PTR_TO_MAP_VALUE: 5, PTR_TO_MAP_KEY: 6, PTR_TO_STACK: 7,
  PTR_TO_PACKET: 8, PTR_TO_PACKET_META: 9, PTR_TO_PACKET_END: 10, PTR_TO_SOCKET: 11, PTR_TO_SOCK_COMMON: 12, PTR_TO_TCP_SOCK: 13, PTR_TO_MEM: 14, PTR_TO_FUNC: 15,
};

/** states_maybe_looping: every register of the current frame is bit-for-bit the same, ids included. */
function statesMaybeLooping(a: VState, b: VState): boolean {
  if (a.frames.length !== b.frames.length) return false;
  const fa = cur(a);
  const fb = cur(b);
  for (let r = 0; r < 11; r++) {
    const x = fa.regs[r]!;
    const y = fb.regs[r]!;
    if (x.type !== y.type || x.id !== y.id || x.refObjId !== y.refObjId || !regExact(x, y)) return false;
  }
  return true;
}

/** Exact equality of two states (for infinite-loop detection). */
function statesExact(a: VState, b: VState, live: number): boolean {
  if (a.frames.length !== b.frames.length || a.refs.length !== b.refs.length) return false;
  for (let k = 0; k < a.frames.length; k++) {
    const fa = a.frames[k]!;
    const fb = b.frames[k]!;
    if (fa.callsite !== fb.callsite) return false;
    const top = k === a.frames.length - 1;
    for (let r = 0; r < 11; r++) if ((!top || live & (1 << r)) && !regExact(fa.regs[r]!, fb.regs[r]!)) return false;
    for (let j = 0; j < MAX_BPF_STACK; j++) if (fa.slots[j] !== fb.slots[j]) return false;
    for (let s = 0; s < 64; s++) {
      const x = fa.spills[s];
      const y = fb.spills[s];
      if (!!x !== !!y || (x && y && !regExact(x, y))) return false;
    }
  }
  return true;
}

function regExact(a: Reg, b: Reg): boolean {
  if (a.type !== b.type) return false;
  if (a.type === 'NOT_INIT') return true;
  return a.maybeNull === b.maybeNull && a.off === b.off && a.range === b.range && a.mapIdx === b.mapIdx && a.memSize === b.memSize &&
    a.frameno === b.frameno && tnumEqual(a.s.varOff, b.s.varOff) && a.s.umin === b.s.umin && a.s.umax === b.s.umax &&
    a.s.smin === b.s.smin && a.s.smax === b.s.smax && a.s.u32min === b.s.u32min && a.s.u32max === b.s.u32max &&
    a.s.s32min === b.s.s32min && a.s.s32max === b.s.s32max;
}

/** states_equal (not exact): every value `cur` allows was already proven safe from `old`. */
function statesEqual(old: VState, curSt: VState, live: number): boolean {
  if (old.frames.length !== curSt.frames.length) return false;
  if (old.refs.length !== curSt.refs.length) return false;
  const idmap = new Map<number, number>();
  const checkIds = (a: number, b: number): boolean => {
    if (!a && !b) return true;
    if (!a || !b) return !a; // old id 0 matches anything
    const m = idmap.get(a);
    if (m === undefined) { idmap.set(a, b); return true; }
    return m === b;
  };
  for (let k = 0; k < old.refs.length; k++) if (!checkIds(old.refs[k]!.id, curSt.refs[k]!.id)) return false;
  for (let k = 0; k < old.frames.length; k++) {
    const fo = old.frames[k]!;
    const fc = curSt.frames[k]!;
    if (fo.callsite !== fc.callsite) return false;
    const isTop = k === old.frames.length - 1;
    for (let r = 0; r < 11; r++) {
      if (isTop && !(live & (1 << r))) continue;
      if (!regSafe(fo.regs[r]!, fc.regs[r]!, checkIds)) return false;
    }
    for (let j = 0; j < MAX_BPF_STACK; j++) {
      const so = fo.slots[j]!;
      const sc = fc.slots[j]!;
      if (so === STACK_INVALID) continue;
      if (so === STACK_MISC) { if (sc === STACK_INVALID) return false; continue; }
      if (so === STACK_ZERO) {
        if (sc === STACK_ZERO) continue;
        if (sc === STACK_SPILL) {
          const sp = fc.spills[(MAX_BPF_STACK - 1 - j) >> 3];
          if (sp && sp.type === 'SCALAR_VALUE' && isConst(sp.s) && sp.s.umin === 0n) continue;
        }
        return false;
      }
      if (so === STACK_SPILL) {
        if (sc !== STACK_SPILL) return false;
      }
    }
    for (let s = 0; s < 64; s++) {
      const x = fo.spills[s];
      if (!x) continue;
      const base = MAX_BPF_STACK - (s + 1) * 8;
      if (fo.slots[base] !== STACK_SPILL) continue;
      const y = fc.spills[s];
      if (!y) return false;
      if (!regSafe(x, y, checkIds)) return false;
    }
  }
  return true;
}

function regSafe(o: Reg, c: Reg, checkIds: (a: number, b: number) => boolean): boolean {
  if (o.type === 'NOT_INIT') return true;
  if (c.type === 'NOT_INIT') return false;
  if (o.type !== c.type || o.maybeNull !== c.maybeNull || o.ringbuf !== c.ringbuf) return false;
  if (o.type === 'SCALAR_VALUE') {
    if (!scalarWithin(o.s, c.s)) return false;
    return true;
  }
  if (o.off !== c.off || o.mapIdx !== c.mapIdx || o.memSize !== c.memSize || o.frameno !== c.frameno) return false;
  if (!scalarWithin(o.s, c.s)) return false;
  if (isPktPointer(o.type) && o.range > c.range) return false;
  if (!checkIds(o.id, c.id)) return false;
  if (!checkIds(o.refObjId, c.refObjId)) return false;
  return true;
}

// silence unused-import lint for helpers kept for readability
void tnumSubreg;
void regStr;
void boundsViolation;
void scalarConst;
