// The verifier walk: structural checks (check_subprogs, check_cfg) then a depth-first exploration of
// every path with a stack of pending branches (do_check, push_stack/pop_stack), checking each
// instruction against the abstract state: registers (check_reg_arg), ALU (check_alu_op,
// adjust_reg_min_max_vals, adjust_ptr_min_max_vals), memory (check_mem_access for ctx, stack, packet,
// map value, ringbuf memory, sockets), jumps (check_cond_jmp_op, is_branch_taken, reg_set_min_max,
// try_match_pkt_pointers, mark_ptr_or_null_regs), helper calls (check_helper_call), bpf-to-bpf calls,
// reference tracking, exit (check_return_code) and state pruning (is_state_visited, states_equal).
// Follows kernel/bpf/verifier.c of Linux 6.18, with precision tracking (precision.ts), the 6.18 state
// comparison (prune.ts) and the static analyses run before the walk (liveness.ts). It does not do BTF,
// kfuncs, iterators, dynptrs, spin locks or timers, nor 6.18's walk-time live stack slot analysis
// (a static one covers programs that reach the stack only through r10).

import type { Insn, InsnOf } from '../isa/insn';
import { decodeOne } from '../isa/insn';
import type { Program, MapDef } from '../isa/program';
import { progTypeInfo, returnRange, type ProgTypeInfo } from '../progtypes/table';
import { bpfSockLayout, ctxAccess, type CtxLayout } from '../progtypes/ctx';
import { CHANGES_PKT_DATA_IDS, helperProto, type ArgSpec } from '../helpers/protos';
import { HELPER_NAMES } from '../helpers/ids.generated';
import { M } from './messages';
import { AluSanitation, mapValueBoundsLog, minReadableStackOff, sanitizeCheckBounds, sanitizeErrMessage, unprivCtxDenied, unprivHelperAllowed, unprivLoadError, type SanitizeInfo } from './unpriv';
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
  type Frame, type HistEntry, type LinkedReg, type Reg, type StateView, type VState,
} from './state';
import { computeLiveRegs, computeLiveStack, computeScc, liveRegsListing } from './liveness';
import { Backtrack, collectLinkedRegs, frameStateStr, markAllScalarsImprecise, markChainPrecision, propagatePrecision, type PrecisionEnv } from './precision';
import { cleanDeadRegs, cleanDeadSlots, frameInsnIdx, statesEqual, statesMaybeLooping, widenImpreciseScalars, type CompareEnv } from './prune';
import { helperPrecisionPlan } from './helper-precision';

export const BPF_COMPLEXITY_LIMIT_INSNS = 1_000_000;
const BPF_COMPLEXITY_LIMIT_JMP_SEQ = 8192;
const BPF_COMPLEXITY_LIMIT_STATES = 64;
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
  /**
   * BPF_LOG_STATS: end the log with `verification time N usec` and `stack depth A+B` before the
   * `processed …` line, as the kernel does for log_level 4 (bpftool -d asks for 1|2|4). Default: on at logLevel 2.
   */
  logStats?: boolean;
  /**
   * A clock in microseconds for the `verification time` line. The engine is deterministic and has no
   * clock of its own: without one the line is left out (the CLI passes a real clock; tests a fake one).
   */
  clock?: () => number;
  /**
   * Prune only when every scalar is covered, precise or not (as before precision tracking). For tests:
   * the per-instruction states then contain every concrete value of every path, and the verdict must be
   * the same as with precision tracking.
   */
  allPrecise?: boolean;
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
  /** Log position at push_stack (lines, and the length of the last one), to rewind to at log level 1. */
  logLines: number;
  logLastLen: number;
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
  /** Per instruction: the checkpoints stored there (explored_states), newest first. */
  private readonly explored = new Map<number, VState[]>();
  private readonly prunePoint: Uint8Array;
  /** Instructions whose arrival is recorded in the jump history (is_jmp_point). */
  private readonly jmpPoint: Uint8Array;
  /** Instructions where a checkpoint is always stored (is_force_checkpoint: may_goto). */
  private readonly forceCheckpoint: Uint8Array;
  /** live_regs_before per instruction (liveness.ts). */
  private liveIn: Uint16Array;
  /** Stack slots live before each instruction (liveness.ts computeLiveStack), null when unknown. */
  private liveStack: BigUint64Array | null = null;
  /** SCC number per instruction, 0 outside loops. */
  private scc: Uint32Array = new Uint32Array(0);
  /** The jump-history entry of the current instruction (env->cur_hist_ent). */
  private curHist: HistEntry | null = null;
  /** The spilled-register slot the current instruction filled or spilled (INSN_F_STACK_ACCESS). */
  private stackFlag: { frame: number; spi: number } | null = null;
  /** A register the current instruction relied on being exactly zero (a STACK_ZERO write). */
  private pendingPrecise = -1;
  /** Stack slots (100 + spi) the current instruction touched, for the log's state print. */
  private readonly scratch = new Set<number>();
  private readonly bt = new Backtrack();
  private readonly penv: PrecisionEnv;
  /** Open loop visits by SCC callchain (struct bpf_scc_visit). */
  private readonly sccVisits = new Map<string, { entry: VState | null; backedges: { st: VState; equal: VState }[] }>();
  private numBackedges = 0;
  private readonly cleaned = new WeakSet<VState>();
  private maxStates = 0;
  /** The last log line is cut short (a level-1 rewind to a push position): the next text continues it. */
  private logOpen = false;
  /** Index of the last instruction line, while nothing else has been logged after it. */
  private insnLine = -1;
  /** Registers (and 100 + spi stack slots) touched since the last state print (mark_reg_scratched). */
  private readonly scratched = new Set<number>();
  private scratchAll = true;
  private hasMayGoto(sub: number): boolean {
    const start = this.subprogStarts[sub] ?? 0;
    const end = this.subprogStarts[sub + 1] ?? this.program.slots.length;
    for (let pc = start; pc < end; pc++) if (this.program.slots[pc]!.opcode === 0xe5) return true;
    return false;
  }

  /** The last instruction returned from a sub-program (the log prints the caller's state next). */
  private returned = false;
  private readonly logStats: boolean;
  private readonly clock: (() => number) | undefined;
  private readonly allPrecise: boolean;
  private startUsec = 0;
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
  /** Unprivileged: the per-instruction pointer-masking windows (insn_aux_data alu_state/alu_limit). */
  private readonly aluSan = new AluSanitation();

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
    this.logStats = opts.logStats ?? this.logLevel > 1;
    this.clock = opts.clock;
    this.allPrecise = !!opts.allPrecise;
    this.pt = progTypeInfo(opts.progType);
    this.gpl = isGplCompatible(program.license ?? 'GPL');
    const n = program.slots.length;
    this.prunePoint = new Uint8Array(n);
    this.jmpPoint = new Uint8Array(n);
    this.forceCheckpoint = new Uint8Array(n);
    this.liveIn = new Uint16Array(n);
    const slots = program.slots;
    this.penv = {
      insns: this.insns, slots, maps: this.maps, logLevel: this.logLevel,
      log: (l: string) => this.log(l),
      callsCallback: (idx: number) => slots[idx]?.opcode === 0x85 && slots[idx]!.src === 0 && slots[idx]!.imm === 181,
    };
    this.states = Array.from({ length: n }, () => []);
  }

  /** A line of the log kept at every level (errors), continuing a cut line. */
  private logLine(s: string): void {
    if (this.logOpen) {
      this.logLines[this.logLines.length - 1] += s;
      this.logOpen = false;
    } else this.logLines.push(s);
  }

  private log(s: string): void {
    if (this.logLevel <= 0) return;
    if (this.logOpen) {
      this.logLines[this.logLines.length - 1] += s;
      this.logOpen = false;
    } else this.logLines.push(s);
  }

  /**
   * print_insn_state: the registers and slots the last instructions touched, appended to the
   * instruction's line when nothing was logged after it, else on a line of its own headed by `idx`.
   */
  private printInsnState(st: VState, idx: number): void {
    const only = this.scratchAll ? undefined : this.scratched;
    const txt = stateStr(st, this.maps, only);
    const k = this.insnLine;
    if (k >= 0 && k === this.logLines.length - 1 && !this.logOpen) {
      // bpf_vlog_alignment: the ';' goes at round_up(max(pos + 4, 40), 8) - 2, pos counting the newline.
      const line = this.logLines[k]!;
      const pos = line.length + 1;
      const width = Math.ceil(Math.max(pos + 4, 40) / 8) * 8 - pos - 1;
      this.logLines[k] = `${line}${' '.repeat(Math.max(1, width))}; ${txt}`;
    }
    else this.log(`${idx}: ${txt}`);
    this.scratchAll = false;
    this.scratched.clear();
    this.insnLine = -1;
  }

  run(): VerifierReport {
    this.startUsec = this.clock ? this.clock() : 0;
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
        this.logLine(e.message);
      } else {
        const msg = e instanceof Error ? e.message : String(e);
        error = new VerifyError(this.insnIdx, `bpfplay internal error: ${msg}`);
        this.logLine(error.message);
      }
    }
    const maxPer = this.maxStates;
    const summary = `processed ${this.processed} insns (limit ${BPF_COMPLEXITY_LIMIT_INSNS}) max_states_per_insn ${maxPer} total_states ${this.totalStates} peak_states ${this.peakStates} mark_read 0`;
    // At log level 1 a successful verification keeps no trace of its paths (do_check_common resets the log).
    if (!error && this.logLevel === 1) this.logLines = [];
    const lines = this.logLines;
    if (this.logLevel > 0 || error) {
      // print_verification_stats: subprog_info[i].stack_depth is kept in whole 8-byte slots.
      if (this.logStats) {
        if (this.clock) lines.push(`verification time ${Math.max(0, Math.round(this.clock() - this.startUsec))} usec`);
        // A sub-program with may_goto gets 16 more bytes for its hidden loop counter (do_misc_fixups).
        lines.push(`stack depth ${this.subDepth.map((d, k) => Math.ceil((d || 0) / 8) * 8 + (this.hasMayGoto(k) ? 16 : 0)).join('+') || '0'}`);
      }
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
    if (this.unpriv) {
      const refused = unprivLoadError(this.pt?.name ?? '', this.program.maps.map((m) => m.type), n);
      if (refused) this.fail(-1, refused);
    }
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
      // add_subprog_and_kfunc: pseudo calls, kfunc calls and function pointers need CAP_BPF.
      if (this.unpriv && (isCall || isFunc || (s.opcode === 0x85 && s.src === 2))) this.fail(pc, M.needCapBpfForCalls());
      if (isCall || isFunc) {
        const t = pc + 1 + s.imm;
        if (t < 0 || t >= n) this.fail(pc, 'call to invalid destination');
        starts.add(t);
      }
      if (s.opcode === 0x18) pc++;
    }
    this.subprogStarts = [...starts].sort((a, b) => a - b);
    if (this.logLevel > 1) for (let k = 0; k < this.subprogStarts.length; k++) this.log(`func#${k} @${this.subprogStarts[k]}`);
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
          if (s.src === 2 || s.src === 6) {
            // map_direct_value_addr: arrays only, and only single-entry ones (array_map_direct_value_addr).
            const m = this.maps[s.imm];
            if (next.imm >>> 0 >= Number(BPF_MAX_VAR_OFF)) this.fail(pc, `direct value offset of ${next.imm >>> 0} is not allowed`);
            if (m && m.type !== 'array') this.fail(pc, 'no direct value access support for this map type');
            if (next.imm < 0 || next.imm >= (m?.valueSize ?? 0) || (m && m.maxEntries !== 1))
              this.fail(pc, `invalid access to map value pointer, value_size=${m?.valueSize ?? 0} off=${next.imm >>> 0}`);
          }
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
      // visit_insn / visit_func_call_insn / push_insn: prune points, jump-history points, checkpoints.
      const mark = (t: number, jmp: boolean): void => {
        if (t < 0 || t >= n) return;
        this.prunePoint[t] = 1;
        if (jmp) this.jmpPoint[t] = 1;
      };
      if (s.opcode === 0x18) {
        if (s.src === 4) {
          mark(pc + 2, true);
          mark(pc, false);
          mark(pc + 1 + s.imm, true);
          return [pc + 2, pc + 1 + s.imm];
        }
        return [pc + 2];
      }
      if (cls === 5 || cls === 6) {
        const op = s.opcode & 0xf0;
        if (op === 0x90) return [];
        if (op === 0x80) {
          mark(pc + 1, true);
          if (s.src === 1) {
            mark(pc, false);
            mark(pc + 1 + s.imm, true);
            return [pc + 1, pc + 1 + s.imm];
          }
          return [pc + 1];
        }
        if (op === 0x00) {
          const t = pc + 1 + (cls === 6 ? s.imm : s.off);
          mark(t, true);
          return [t];
        }
        mark(pc, false);
        if (op === 0xe0) this.forceCheckpoint[pc] = 1;
        mark(pc + 1 + s.off, true);
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

  /** compute_scc and compute_live_registers (liveness.ts), with the level-2 listing. */
  private computeLiveness(): void {
    const slots = this.program.slots;
    this.scc = computeScc(slots);
    this.liveIn = computeLiveRegs(slots);
    this.liveStack = computeLiveStack(slots);
    if (this.logLevel > 1) {
      for (const l of liveRegsListing(slots, this.liveIn, this.scc, (pc) => {
        const i = this.insns[pc];
        return i ? insnStr(i) : `(${slots[pc]!.opcode.toString(16).padStart(2, '0')})`;
      })) this.log(l);
    }
  }

  // ---------------- the walk ----------------

  private initialState(): VState {
    const f = newFrame(0, -1, 0);
    f.regs[1] = ptrReg('PTR_TO_CTX');
    return { frames: [f], refs: [], parent: null, firstIdx: 0, lastIdx: -1, insnIdx: 0, history: [], branches: 1, dfsDepth: 0 };
  }

  /** do_check: the depth-first walk, one instruction at a time, with pruning at prune points. */
  private walk(): void {
    let st = this.initialState();
    let idx = 0;
    let prev = -1;
    let pathStart = 0;
    let pathFrom = -1;
    let doPrintState = false;
    this.trail = [];
    for (;;) {
      this.insnIdx = idx;
      this.curHist = null;
      this.stackFlag = null;
      this.pendingPrecise = -1;
      this.scratch.clear();
      if (++this.processed > this.limit) this.fail(idx, M.tooLarge(this.processed));
      st.lastIdx = prev;
      st.insnIdx = idx;
      if (this.prunePoint[idx]) {
        const r = this.isStateVisited(idx, st);
        if (r === 'prune') {
          if (this.logLevel > 0) {
            if (doPrintState) {
              this.log('');
              this.log(`from ${prev} to ${idx}: safe`);
            } else this.log(`${idx}: safe`);
          }
          this.paths.push({ from: pathFrom, start: pathStart, end: idx, how: 'pruned' });
          this.scratchAll = true;
          this.insnLine = -1;
          this.updateBranchCounts(st);
          const p = this.popPending();
          if (!p) return;
          ({ st, idx, prev } = p);
          pathFrom = prev;
          pathStart = idx;
          doPrintState = true;
          continue;
        }
      }
      if (this.jmpPoint[idx]) this.pushJmpHistory(st, -1, -1, null);
      if (this.returned) {
        doPrintState = true;
        this.returned = false;
        this.scratched.clear();
        this.scratchAll = false;
      }
      if (this.logLevel > 1 && doPrintState) {
        this.log('');
        this.log(`from ${prev} to ${idx}: ${stateStr(st, this.maps)}`);
        this.insnLine = -1;
      }
      if (this.logLevel > 0 && (this.scratchAll || this.scratched.size)) this.printInsnState(st, idx);
      doPrintState = false;
      this.trail.push(idx);
      this.recordState(idx, st);
      let insn = this.insns[idx];
      if (!insn) insn = this.precheckAndDecode(st, idx);
      else this.precheck(st, idx);
      if (this.logLevel > 0) {
        this.log(`${idx}: ${insnStr(insn!)}`);
        this.insnLine = this.logLines.length - 1;
      }
      const out = this.step(st, insn!);
      if (this.pendingPrecise >= 0) this.markPrecise(st, this.pendingPrecise);
      const sf = this.stackFlag as { frame: number; spi: number } | null;
      if (sf) this.pushJmpHistory(st, sf.frame, sf.spi, null);
      const cls = this.program.slots[idx]!.opcode & 7;
      if (cls === 5 || cls === 6) this.jmpsProcessed++;
      if (this.logLevel > 0) {
        // The state is printed at the next instruction (after its pruning check), except for a
        // conditional jump, which prints it itself (check_cond_jmp_op).
        for (const r of touchedRegs(insn!)) this.scratched.add(r);
        for (const r of this.scratch) this.scratched.add(r);
        if (insn!.kind === 'jmp' && out.kind === 'next') this.printInsnState(st, idx);
      }
      if (out.kind === 'next') {
        prev = idx;
        idx = out.idx;
        continue;
      }
      this.paths.push({ from: pathFrom, start: pathStart, end: idx, how: 'exit' });
      this.scratchAll = true;
      this.insnLine = -1;
      this.updateBranchCounts(st);
      const p = this.popPending();
      if (!p) return;
      ({ st, idx, prev } = p);
      pathFrom = prev;
      pathStart = idx;
      doPrintState = true;
    }
  }

  /** pop_stack, dropping branches found dead when they were pushed (their paths end at once). */
  private popPending(): Pending | undefined {
    let p = this.pending.pop();
    while (p && p.idx < 0) {
      this.paths.push({ from: p.prev, start: p.prev, end: p.prev, how: 'dead' });
      this.updateBranchCounts(p.st);
      p = this.pending.pop();
    }
    if (!p) return undefined;
    this.trail.length = p.trailLen;
    if (this.logLevel === 1) {
      // pop_stack at log level 1 rewinds the log to where the branch was pushed: only the path
      // being explored stays in the log (a line cut in the middle is continued by the next text).
      this.logLines.length = p.logLines;
      const last = this.logLines[p.logLines - 1];
      if (last !== undefined && last.length > p.logLastLen) {
        this.logLines[p.logLines - 1] = last.slice(0, p.logLastLen + 1);
        this.logOpen = true;
      } else this.logOpen = false;
      this.insnLine = -1;
    }
    return p;
  }

  /** push_stack: the copy shares the parent checkpoint, which now has one more branch to finish. */
  private pushBranch(st: VState, idx: number, prev: number): VState {
    const copy = copyState(st);
    if (copy.parent) copy.parent.branches++;
    const ll = this.logLines.length;
    this.pending.push({ st: copy, idx, prev, trailLen: this.trail.length, logLines: ll, logLastLen: ll ? this.logLines[ll - 1]!.length : 0 });
    if (this.pending.length > BPF_COMPLEXITY_LIMIT_JMP_SEQ) this.fail(prev, `The sequence of ${this.pending.length} jumps is too complex.`);
    return copy;
  }

  private recordState(idx: number, st: VState): void {
    const list = this.states[idx]!;
    if (list.length < this.keep) list.push(stateView(st, this.maps));
  }

  /** push_jmp_history: one entry per instruction and path, stack-access flags merged into it. */
  private pushJmpHistory(st: VState, stackFrame: number, stackSpi: number, linked: LinkedReg[] | null): void {
    const h = this.curHist;
    if (h && st.history[st.history.length - 1] === h) {
      const merged: HistEntry = {
        ...h,
        stackFrame: stackFrame >= 0 ? stackFrame : h.stackFrame,
        stackSpi: stackFrame >= 0 ? stackSpi : h.stackSpi,
        linked: linked ?? h.linked,
      };
      st.history[st.history.length - 1] = merged;
      this.curHist = merged;
      return;
    }
    const e: HistEntry = { idx: st.insnIdx, prevIdx: st.lastIdx, stackFrame, stackSpi, linked };
    st.history.push(e);
    this.curHist = e;
  }

  /** update_branch_counts: a path ended; checkpoints whose every branch ended are complete. */
  private updateBranchCounts(st: VState): void {
    let s: VState | null = st;
    while (s) {
      const br = --s.branches;
      if (br > 0) break;
      if (br === 0) this.maybeExitScc(s);
      s = s.parent;
    }
  }

  /** mark_chain_precision for one register of the current frame (no-op without CAP_BPF). */
  private markPrecise(st: VState, regno: number): void {
    if (this.unpriv || regno < 0) return;
    const r = cur(st).regs[regno];
    if (!r || r.type !== 'SCALAR_VALUE') return;
    this.bt.init(st.frames.length - 1);
    this.bt.setReg(regno);
    markChainPrecision(this.penv, st, this.bt);
  }

  /** mark_chain_precision_batch for one spilled stack slot. */
  private markPreciseSlot(st: VState, frame: number, spi: number): void {
    if (this.unpriv) return;
    this.bt.init(st.frames.length - 1);
    this.bt.setSlot(spi, frame);
    markChainPrecision(this.penv, st, this.bt);
  }

  private sameCallsites(a: VState, b: VState): boolean {
    if (a.frames.length !== b.frames.length) return false;
    for (let k = 0; k < a.frames.length; k++) if (a.frames[k]!.callsite !== b.frames[k]!.callsite) return false;
    return true;
  }

  /** compute_scc_callchain + format_callchain: `(1)`, or `(5,2)` inside a callee; null outside loops. */
  private sccCallchain(st: VState): string | null {
    const sites: number[] = [];
    for (let k = 0; k < st.frames.length; k++) {
      const idx = frameInsnIdx(st, k);
      const scc = this.scc[idx] ?? 0;
      if (scc) return `(${sites.map((s) => `${s},`).join('')}${scc})`;
      if (k < st.frames.length - 1) sites.push(idx);
      else return null;
    }
    return null;
  }

  /** maybe_enter_scc: a new checkpoint inside a loop opens the loop's visit if none is open. */
  private maybeEnterScc(st: VState): void {
    const key = this.sccCallchain(st);
    if (!key) return;
    let v = this.sccVisits.get(key);
    if (!v) this.sccVisits.set(key, (v = { entry: null, backedges: [] }));
    if (!v.entry) {
      v.entry = st;
      if (this.logLevel > 1) this.log(`SCC enter ${key}`);
    }
  }

  /** maybe_exit_scc: the loop's entry checkpoint is complete; settle precision along its backedges. */
  private maybeExitScc(st: VState): void {
    if (!this.sccVisits.size) return;
    const key = this.sccCallchain(st);
    if (!key) return;
    const v = this.sccVisits.get(key);
    if (!v || v.entry !== st) return;
    if (this.logLevel > 1) this.log(`SCC exit ${key}`);
    v.entry = null;
    const edges = v.backedges;
    v.backedges = [];
    this.numBackedges -= edges.length;
    // propagate_backedges: until no checkpoint gains a precise mark.
    for (let iter = 0; iter < 64; iter++) {
      let changed = false;
      for (const e of edges) if (propagatePrecision(this.penv, e.equal, e.st, this.bt)) changed = true;
      if (!changed || this.unpriv) break;
    }
  }

  /** incomplete_read_marks: `st` is inside a loop whose exploration has pruned against unfinished states. */
  private incompleteReadMarks(st: VState): boolean {
    if (!this.sccVisits.size) return false;
    const key = this.sccCallchain(st);
    if (!key) return false;
    return (this.sccVisits.get(key)?.backedges.length ?? 0) > 0;
  }

  /** find_prev_entry: the checkpoint of the previous iteration at this may_goto on the current path. */
  private findPrevEntry(parent: VState | null, idx: number): VState | null {
    if (!parent) return null;
    for (const s of this.explored.get(idx) ?? []) {
      if (s.insnIdx === idx && s.branches > 0 && this.sameCallsites(s, parent) && s.dfsDepth < parent.dfsDepth) return s;
    }
    return null;
  }

  private compareEnv(): CompareEnv {
    return { live: this.liveIn, allowUninitStack: !this.unpriv, allPrecise: this.unpriv || this.allPrecise, idBase: 0x20000000 };
  }

  /** is_state_visited. */
  private isStateVisited(idx: number, st: VState): 'prune' | 'continue' {
    const force = this.forceCheckpoint[idx] === 1 || st.history.length > 40;
    let addNew = force || (this.jmpsProcessed - this.prevJmps >= 2 && this.processed - this.prevInsns >= 8);
    const env = this.compareEnv();
    let list = this.explored.get(idx);
    if (!list) this.explored.set(idx, (list = []));
    // clean_live_states: complete states forget registers that are dead at this instruction.
    for (const s of list) {
      if (s.branches || this.cleaned.has(s) || !this.sameCallsites(s, st) || this.incompleteReadMarks(s)) continue;
      cleanDeadRegs(s, this.liveIn);
      if (this.liveStack && s.frames.length === 1) cleanDeadSlots(s.frames[0]!, this.liveStack[s.insnIdx] ?? ~0n);
      this.cleaned.add(s);
    }
    const statesCnt = list.length;
    const isMayGoto = this.insns[idx]?.kind === 'may_goto';
    for (let k = 0; k < list.length; k++) {
      const sl = list[k]!;
      let hit = false;
      let loop = false;
      if (sl.branches > 0) {
        if (isMayGoto && (sl.mayGotoDepth ?? 0) !== (st.mayGotoDepth ?? 0) && statesEqual(env, sl, st, 'RANGE_WITHIN')) {
          hit = true;
          loop = true;
        }
        else {
          if (statesMaybeLooping(sl, st) && (sl.mayGotoDepth ?? 0) === (st.mayGotoDepth ?? 0) && statesEqual(env, sl, st, 'EXACT')) {
            this.fail(idx, M.infiniteLoop(idx));
          }
          if (!force && this.jmpsProcessed - this.prevJmps < 20 && this.processed - this.prevInsns < 100) addNew = false;
        }
      } else {
        loop = this.incompleteReadMarks(sl);
        // explore_alu_limits (unprivileged masked pointer arithmetic seen): the kernel then requires scalars to
        // match exactly so every masking window is visited; approximated here by an exact state match.
        hit = statesEqual(env, sl, st, this.aluSan.exploreAluLimits ? 'EXACT' : loop ? 'RANGE_WITHIN' : 'NOT_EXACT');
      }
      if (hit) {
        sl.hits = (sl.hits ?? 0) + 1;
        if (this.jmpPoint[idx]) this.pushJmpHistory(st, -1, -1, null);
        if (!this.unpriv) propagatePrecision(this.penv, sl, st, this.bt);
        if (loop) {
          const key = this.sccCallchain(sl);
          const v = key ? this.sccVisits.get(key) : undefined;
          if (v) {
            if (this.logLevel > 1) this.log(`SCC backedge ${key}`);
            const copy = copyState(st);
            v.backedges.push({ st: copy, equal: sl });
            this.numBackedges++;
            this.updatePeak();
          }
        }
        return 'prune';
      }
      if (addNew) sl.misses = (sl.misses ?? 0) + 1;
      const n = this.forceCheckpoint[idx] && sl.branches > 0 ? 64 : 3;
      if ((sl.misses ?? 0) > (sl.hits ?? 0) * n + n) {
        list.splice(k, 1);
        k--;
        this.curStates--;
      }
    }
    this.maxStates = Math.max(this.maxStates, statesCnt);
    if (this.unpriv && statesCnt > BPF_COMPLEXITY_LIMIT_STATES) return 'continue';
    if (!addNew) return 'continue';
    this.totalStates++;
    this.curStates++;
    this.updatePeak();
    this.prevJmps = this.jmpsProcessed;
    this.prevInsns = this.processed;
    if (!this.unpriv) markAllScalarsImprecise(st);
    const cp = copyState(st);
    cp.insnIdx = idx;
    cp.hits = 0;
    cp.misses = 0;
    st.parent = cp;
    st.firstIdx = idx;
    st.dfsDepth = cp.dfsDepth + 1;
    st.history = [];
    list.unshift(cp);
    this.maybeEnterScc(cp);
    return 'continue';
  }

  private updatePeak(): void {
    this.peakStates = Math.max(this.peakStates, this.curStates + this.numBackedges);
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
        if (r.type === 'SCALAR_VALUE' && i.op === 'le') {
          // to_le on a little-endian machine: a truncation (or nothing for 64 bits).
          out.s = { ...r.s };
          if (i.bits < 64) coerceToSize(out.s, i.bits / 8);
        } else if (r.type === 'SCALAR_VALUE') {
          // scalar_byte_swap: the tnum's bytes are swapped; the bounds are rebuilt from it.
          const nb = i.bits / 8;
          const swap = (v: bigint): bigint => {
            let o = 0n;
            for (let b = 0; b < nb; b++) o |= ((v >> BigInt(8 * b)) & 0xffn) << BigInt(8 * (nb - 1 - b));
            return o;
          };
          out.s = scalarUnknown();
          out.s.varOff = { value: swap(r.s.varOff.value), mask: swap(r.s.varOff.mask) };
          regBoundsSync(out.s);
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
        return { kind: 'next', idx: idx + 1 + i.delta };
      case 'may_goto': {
        // The loop body (fall-through) is queued one may_goto level deeper; this path leaves the loop.
        // Imprecise scalars that changed since the previous iteration are widened (widen_imprecise_scalars).
        const prevSt = this.findPrevEntry(st.parent, idx);
        const q = this.pushBranch(st, idx + 1, idx);
        q.mayGotoDepth = (q.mayGotoDepth ?? 0) + 1;
        if (prevSt) widenImpreciseScalars(prevSt, q, 0x20000000);
        return { kind: 'next', idx: idx + 1 + i.off };
      }
      case 'jmp':
        return this.checkCondJmp(st, i);
      case 'call': {
        if (i.callKind === 'local') return this.checkFuncCall(st, i);
        if (i.callKind === 'kfunc') this.fail(idx, 'calling kernel functions is not supported by bpfplay');
        if (i.imm === 181) return this.checkBpfLoop(st, i);
        const plan = this.unpriv ? [] : helperPrecisionPlan(st, i.imm, this.maps, this.pt?.name);
        this.checkHelperCall(st, i);
        for (const m of plan) {
          if (m.regno >= 0) {
            this.bt.init(st.frames.length - 1);
            this.bt.setReg(m.regno);
            markChainPrecision(this.penv, st, this.bt);
          } else this.markPreciseSlot(st, m.frame, m.spi);
        }
        return { kind: 'next', idx: idx + 1 };
      }
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
          if (this.unpriv) this.fail(idx, i.is64 ? M.signExtPtr(i.src) : M.partialCopyPtr(i.src));
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
      // A value that fits in 32 bits stays linked to its source (assign_scalar_id_before_mov).
      if (fls(src.s.umax) <= 32) {
        if (src.addConst) { src.id = 0; src.off = 0; src.addConst = false; }
        if (!src.id && !isConst(src.s)) src.id = ++this.idGen;
        out.id = src.id;
      }
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
      this.markPrecise(st, i.dst); // scalar += pointer
      this.setReg(st, i.dst, this.adjustPtr(i, src, dst, true));
      return;
    }
    if (dst.type !== 'SCALAR_VALUE') {
      if (i.srcX) this.markPrecise(st, i.src); // pointer += scalar
      this.setReg(st, i.dst, this.adjustPtr(i, dst, src, false));
      return;
    }
    // sanitize_val_alu: a scalar add/sub by register claims the instruction's masking state too, so the
    // same instruction moving a pointer on another path cannot be patched.
    if (this.unpriv && i.srcX && (op === 'add' || op === 'sub')) {
      const reason = this.aluSan.scalar(i.pc);
      if (reason) this.fail(idx, sanitizeErrMessage(reason, op, i.dst, i.src, false));
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
    // sanitize_ptr_alu (Spectre v1, unprivileged, BPF_X add/sub): can the move be masked at run time?
    const sanOp = op === 'add' || op === 'sub' ? op : null;
    const valueSize = this.maps[ptr.mapIdx]?.valueSize ?? 0;
    let san: SanitizeInfo | null = null;
    if (this.unpriv && i.srcX && sanOp) {
      const b = this.aluSan.begin(sanOp, ptr, off, !scalarIsDst, valueSize);
      if ('reason' in b) this.fail(i.pc, sanitizeErrMessage(b.reason, sanOp, dstNo, i.src, scalarIsDst));
      san = b;
    }
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
    if (this.unpriv) {
      const msg = sanitizeCheckBounds(dstNo, d, valueSize);
      if (msg) {
        if (d.type === 'PTR_TO_MAP_VALUE') for (const l of mapValueBoundsLog(dstNo, d, valueSize)) this.log(l);
        this.fail(i.pc, msg);
      }
      if (san && sanOp) {
        const reason = this.aluSan.commit(i.pc, san, d, valueSize);
        if (reason) this.fail(i.pc, sanitizeErrMessage(reason, sanOp, dstNo, i.src, scalarIsDst));
      }
    }
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
    // check_atomic_rmw: cmpxchg compares memory with R0, so R0 is checked for a pointer first.
    if (op === 'cmpxchg' && this.unpriv && isPointer(cur(st).regs[0]!)) this.fail(i.pc, M.leaksIntoMem(0));
    const src = cur(st).regs[i.src]!;
    if (this.unpriv && isPointer(src)) this.fail(i.pc, `R${i.src} leaks addr into mem`);
    const base = cur(st).regs[i.dst]!;
    if (base.type === 'PTR_TO_CTX' || isPktPointer(base.type) || base.type === 'PTR_TO_SOCKET' || base.type === 'PTR_TO_SOCK_COMMON' || base.type === 'PTR_TO_TCP_SOCK')
      this.fail(i.pc, M.atomicInto(i.dst, regTypeStr(base)));
    if (src.type !== 'SCALAR_VALUE' && !(op === 'xchg' || op === 'cmpxchg')) {
      // the kernel requires a scalar for arithmetic atomics
    }
    // check_atomic_rmw: the fetched register gets what a load from the same place gives (a spilled
    // register's value on the stack), then the write makes the memory unknown.
    const loaded = this.checkMemAccess(st, i.dst, i.off, i.size, 'read', -1, false);
    this.checkMemAccess(st, i.dst, i.off, i.size, 'write', -1, false, null, null);
    const fetched = (): Reg => {
      const r = loaded ? copyReg(loaded) : unknownScalar();
      if (r.type === 'SCALAR_VALUE' && i.size < 8) coerceToSize(r.s, i.size);
      return r;
    };
    if (op === 'cmpxchg') this.setReg(st, 0, fetched());
    else if (op.startsWith('fetch_') || op === 'xchg') this.setReg(st, i.src, fetched());
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
      this.fail(idx, M.invalidMemAccess(regno, kernelRegTypeStr(reg)));
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
      case 'PTR_TO_MAP_KEY': {
        // the key a bpf_for_each_map_elem callback gets (check_mem_access, PTR_TO_MAP_KEY)
        if (t === 'write') this.fail(idx, `write to change key R${regno} not allowed`);
        this.checkMemRegion(st, regno, off, size, this.maps[reg.mapIdx]?.keySize ?? 0, false, 'map_key');
        return unknownScalar();
      }
      case 'PTR_TO_MEM': {
        if (reg.memSize === BTF_OPAQUE) {
          // A kernel object (PTR_TO_BTF_ID): bpfplay has no BTF layout, so a read gives an unknown scalar
          // (the kernel's btf_struct_access would check the field); programs may not write kernel objects.
          if (t === 'write' || off < 0) this.fail(idx, `R${regno} invalid mem access '${kernelRegTypeStr(reg)}'`);
          return unknownScalar();
        }
        if (t === 'write' && valueReg && this.ptrLeak(valueReg)) this.fail(idx, `R${valueRegno} leaks addr into mem`);
        this.checkMemRegion(st, regno, off, size, reg.memSize, false, 'mem');
        return t === 'read' ? unknownScalar() : null;
      }
      case 'PTR_TO_CTX': {
        if (t === 'write' && valueReg && this.ptrLeak(valueReg)) this.fail(idx, `R${valueRegno} leaks addr into ctx`);
        this.checkPtrOffReg(reg, regno, false);
        const layout = this.pt?.ctx;
        if (!layout || (this.unpriv && unprivCtxDenied(this.pt!.name, off, t === 'write'))) this.fail(idx, M.ctxAccess(off, size));
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
    // check_stack_slot_within_bounds: without allow_uninit_stack a read may not go below the allocated stack.
    const minValid = t === 'read' && this.unpriv ? BigInt(minReadableStackOff(frame.depth)) : -BigInt(MAX_BPF_STACK);
    if (minOff < minValid || maxOff > 0n) {
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
        let zeroUsed = false;
        for (let b = Number(minOff); b < Number(maxOff); b++) {
          const cur = frame.slots[MAX_BPF_STACK + b]!;
          this.scratch.add(100 + ((-b - 1) >> 3));
          if (cur !== STACK_ZERO || !(valueReg && valueReg.type === 'SCALAR_VALUE' && isConst(valueReg.s) && valueReg.s.umin === 0n))
            frame.slots[MAX_BPF_STACK + b] = STACK_MISC;
          else zeroUsed = true;
        }
        if (zeroUsed) this.pendingPrecise = valueRegno;
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
    this.scratch.add(100 + spi);
    if (this.unpriv && size !== 8) {
      // check_stack_write_fixed_off: a narrow write into the slot of a spilled pointer would corrupt it.
      const sp = frame.spills[spi];
      if (sp && isPointer(sp) && frame.slots[base] === STACK_SPILL) this.fail(idx, 'attempt to corrupt spilled pointer on stack');
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
      this.stackFlag = { frame: frame.frameno, spi };
    };
    if (valueReg && aligned && valueReg.type === 'SCALAR_VALUE' && !this.unpriv) {
      // assign_scalar_id_before_mov: a value that fits gets an id, linking the register and the slot.
      const fits = fls(valueReg.s.umax) <= size * 8;
      if (fits) {
        if (valueReg.addConst) { valueReg.id = 0; valueReg.off = 0; valueReg.addConst = false; }
        if (!valueReg.id && !isConst(valueReg.s)) valueReg.id = ++this.idGen;
      }
      const r = copyReg(valueReg);
      if (!fits) { r.id = 0; r.addConst = false; r.off = 0; }
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
    // STACK_ZERO relies on the stored register being exactly zero: it must stay precise.
    if (zero && valueReg) this.pendingPrecise = valueRegno;
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
    this.scratch.add(100 + spi);
    // A fill that restores the spilled register is recorded for precision backtracking (INSN_F_STACK_ACCESS).
    const fill = (): void => { this.stackFlag = { frame: frame.frameno, spi }; };
    if (sp && frame.slots[base] === STACK_SPILL) {
      let spillSize = 0;
      while (spillSize < 8 && frame.slots[base + spillSize] === STACK_SPILL) spillSize++;
      if (size !== 8 || spillSize !== 8) {
        if (sp.type !== 'SCALAR_VALUE') this.fail(idx, M.regFillSize());
        if (size <= spillSize && off === -(spi + 1) * 8) {
          const r = copyReg(sp);
          if (fls(r.s.umax) > size * 8) r.id = 0;
          fill();
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
        if (spill === size && isConst(sp.s) && sp.s.umin === 0n) {
          fill();
          return constScalar(0n);
        }
        if (zero === size) return constScalar(0n);
        return unknownScalar();
      }
      fill();
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
    if (pred >= 0) {
      // The branch is decided by the scalars' values: they must stay precise (mark_chain_precision).
      if (dst.type === 'SCALAR_VALUE') this.markPrecise(st, i.dst);
      if (i.srcX && src.type === 'SCALAR_VALUE') this.markPrecise(st, i.src);
    }
    if (pred === 1) return { kind: 'next', idx: target };
    if (pred === 0) return { kind: 'next', idx: idx + 1 };
    // collect_linked_regs: scalars sharing an id with the compared ones, recorded for backtracking.
    const linked: LinkedReg[] = [];
    if (i.srcX && src.type === 'SCALAR_VALUE' && src.id) collectLinkedRegs(st, src.id, linked, this.liveIn);
    if (dst.type === 'SCALAR_VALUE' && dst.id) collectLinkedRegs(st, dst.id, linked, this.liveIn);
    if (linked.length > 1) this.pushJmpHistory(st, -1, -1, linked);
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
    st.frames.forEach((f, k) => {
      // Only live registers are linked (collect_linked_regs after compute_live_registers).
      const live = this.liveIn[frameInsnIdx(st, k)] ?? 0x3ff;
      for (let r = 0; r < 11; r++) {
        const x = f.regs[r]!;
        if (r < 10 && !(live & (1 << r))) continue;
        if (x !== reg && x.type === 'SCALAR_VALUE' && x.id === reg.id) f.regs[r] = linked(x);
      }
      for (let s = 0; s < 64; s++) {
        const x = f.spills[s];
        if (x && x !== reg && x.type === 'SCALAR_VALUE' && x.id === reg.id) f.spills[s] = linked(x);
      }
    });
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
    if (this.unpriv && !unprivHelperAllowed(id)) this.fail(idx, M.helperNotAllowed(name, id));
    const proto = helperProto(id, pt!.name);
    // gpl_only as the running kernel reported it for this program type (helpers.generated.ts), else the table.
    const gplOnly = pt!.gplHelpers.includes(id) || (!pt!.gplHelpers.length && !!proto?.gplOnly);
    if (!this.gpl && gplOnly) this.fail(idx, M.gplOnly());
    const regs = cur(st).regs;
    const specs = proto ? proto.argSpecs : [];
    const meta: HelperMeta = { id, name, pktAccess: !!proto?.pktAccess, mapIdx: -1, refObjId: 0, releaseRegno: 0, constKey: null, memSize: 0, subprog: -1 };
    for (let a = 0; a < specs.length; a++) this.checkFuncArg(st, a, specs, meta);
    const m = this.maps[meta.mapIdx];
    // record_func_map: tail calls need a prog_array (the kernel's message has no newline, so its log runs
    // it into the next line), and a map the program may only read takes no writes (dev_map_init_map gives
    // devmaps BPF_F_RDONLY_PROG: lookups point straight at the device's ifindex).
    if (id === 12 && m && m.type !== 'prog_array') this.fail(idx, M.tailCallMap());
    const rdonlyProg = m && ((m.flags & BPF_F_RDONLY_PROG) || m.type === 'devmap' || m.type === 'devmap_hash');
    if (rdonlyProg && (id === 2 || id === 3 || id === 87 || id === 88)) this.fail(idx, M.writeIntoMapForbidden());
    if (meta.releaseRegno) {
      const rs = specs[meta.releaseRegno - 1]!;
      if (rs.base === 'ARG_PTR_TO_DYNPTR') this.releaseDynptr(st, regs[meta.releaseRegno]!);
      else if (meta.refObjId) this.releaseReference(st, meta.refObjId);
      else if (!isNullReg(regs[meta.releaseRegno]!)) this.fail(idx, M.refNotAcquired(name, id));
    }
    switch (id) {
      case 12:
        // bpf_tail_call: references may not be held across it (check_resource_leak)
        if (st.refs.length) this.fail(idx, 'tail_call would lead to reference leak');
        break;
      case 81:
        if (!isNullReg(regs[2]!)) this.fail(idx, M.localStorageFlags());
        break;
      case 164:
        // set_map_elem_callback_state: only maps with a for_each implementation.
        if (m && !FOR_EACH_MAPS.has(m.type)) this.fail(idx, M.callbackNotAllowedForMap());
        this.pushHelperCallback(st, idx, meta);
        break;
      case 180:
      case 209:
        this.pushHelperCallback(st, idx, meta);
        break;
      case 197:
        if (regs[1]!.type !== 'PTR_TO_MAP_VALUE') this.fail(idx, M.dynptrFromMemType(regTypeStr(regs[1]!)));
        break;
      case 165:
        this.checkSnprintfCall(regs);
        break;
    }
    if (m) this.checkMapFuncCompat(m, id, name, proto?.mapArg?.types);
    if (CHANGES_PKT_DATA.has(id)) this.clearAllPktPointers(st);
    // check_mem_size_reg records the last size argument's umax (msize_max_value) for do_refine_retval_range.
    let msizeMax = 0n;
    specs.forEach((a, k) => {
      if (a.base === 'ARG_CONST_SIZE' || a.base === 'ARG_CONST_SIZE_OR_ZERO') msizeMax = regs[k + 1]!.s.umax;
    });
    // Caller-saved registers are clobbered.
    for (let r = 1; r <= 5; r++) regs[r] = notInit();
    const rs = proto ? proto.retSpec : null;
    switch (rs?.base ?? 'RET_INTEGER') {
      case 'RET_INTEGER':
        regs[0] = unknownScalar();
        break;
      case 'RET_VOID':
        regs[0] = notInit();
        break;
      case 'RET_PTR_TO_MAP_VALUE': {
        const inner = this.innerIdx.get(meta.mapIdx);
        if (id === 1 && m && (m.type === 'array_of_maps' || m.type === 'hash_of_maps') && inner !== undefined) {
          regs[0] = ptrReg('CONST_PTR_TO_MAP', { maybeNull: true, mapIdx: inner, id: ++this.idGen });
        } else if (id === 1 && m && (m.type === 'sockmap' || m.type === 'sockhash')) {
          // mark_ptr_or_null_reg turns a sockmap lookup into PTR_TO_SOCKET; it is an acquired reference.
          regs[0] = ptrReg('PTR_TO_SOCKET', { maybeNull: true, id: ++this.idGen });
        } else if (!rs!.maybeNull || (id === 1 && m && (m.type === 'array' || m.type === 'percpu_array') && meta.constKey !== null && meta.constKey < BigInt(m.maxEntries))) {
          regs[0] = ptrReg('PTR_TO_MAP_VALUE', { mapIdx: meta.mapIdx });
        } else {
          regs[0] = ptrReg('PTR_TO_MAP_VALUE', { maybeNull: true, mapIdx: meta.mapIdx, id: ++this.idGen });
        }
        break;
      }
      case 'RET_PTR_TO_SOCKET':
      case 'RET_PTR_TO_TCP_SOCK':
      case 'RET_PTR_TO_SOCK_COMMON': {
        const type = rs!.base === 'RET_PTR_TO_SOCKET' ? 'PTR_TO_SOCKET' : rs!.base === 'RET_PTR_TO_TCP_SOCK' ? 'PTR_TO_TCP_SOCK' : 'PTR_TO_SOCK_COMMON';
        regs[0] = ptrReg(type, { maybeNull: rs!.maybeNull, id: rs!.maybeNull ? ++this.idGen : 0 });
        break;
      }
      case 'RET_PTR_TO_MEM':
        regs[0] = ptrReg('PTR_TO_MEM', { maybeNull: rs!.maybeNull, ringbuf: rs!.ringbuf, memSize: meta.memSize, id: rs!.maybeNull ? ++this.idGen : 0 });
        break;
      case 'RET_PTR_TO_MEM_OR_BTF_ID':
      case 'RET_PTR_TO_BTF_ID':
        // A kernel object bpfplay does not model: an opaque pointer (memSize BTF_OPAQUE, mapIdx = its
        // object type) that can be null-checked and passed back to helpers, never dereferenced.
        regs[0] = ptrReg('PTR_TO_MEM', { maybeNull: rs!.maybeNull, memSize: BTF_OPAQUE, mapIdx: btfObjectIndex(rs!.trusted ? `${TRUSTED}${rs!.btf}` : rs!.btf), id: rs!.maybeNull ? ++this.idGen : 0 });
        break;
    }
    if (REFINE_RETVAL_IDS.has(id)) {
      // do_refine_retval_range: string and stack copies return at most the buffer size, or -errno.
      const s = regs[0]!.s;
      s.smax = msizeMax;
      s.s32max = BigInt.asIntN(32, msizeMax);
      s.smin = -MAX_ERRNO;
      s.s32min = -MAX_ERRNO;
      regBoundsSync(s);
    }
    if (proto?.ptrCast) {
      regs[0]!.refObjId = meta.refObjId;
    } else if ((proto?.acquire || (id === 1 && (m?.type === 'sockmap' || m?.type === 'sockhash'))) && isPointer(regs[0]!)) {
      const rid = ++this.idGen;
      st.refs.push({ id: rid, insn: idx });
      regs[0]!.id = rid;
      regs[0]!.refObjId = rid;
    }
  }

  /** check_func_arg: argument `a` (register a + 1) against its prototype type. */
  private checkFuncArg(st: VState, a: number, specs: readonly ArgSpec[], meta: HelperMeta): void {
    const idx = this.insnIdx;
    const regno = a + 1;
    let at = specs[a]!;
    const reg = this.readReg(st, regno);
    if (at.base === 'ARG_ANYTHING') {
      if (this.ptrLeak(reg)) this.fail(idx, M.leaksIntoHelper(regno));
      return;
    }
    if (isPktPointer(reg.type) && !(meta.pktAccess && PKT_HELPER_TYPES.has(this.pt?.name ?? ''))) this.fail(idx, M.helperPktAccess());
    const m = this.maps[meta.mapIdx];
    if (at.base === 'ARG_PTR_TO_MAP_VALUE') {
      // resolve_map_arg_type
      if (!m) this.fail(idx, M.noMapPtrType());
      if (m!.type === 'sockmap' || m!.type === 'sockhash') {
        if (at.maybeNull || at.uninit || at.write || at.rdonly) this.fail(idx, M.sockmapArgType());
        at = { ...at, base: 'ARG_PTR_TO_BTF_ID_SOCK_COMMON' };
      }
      else if (m!.type === 'bloom_filter' && meta.id === 89) at = { ...at, uninit: false, write: false };
    }
    const isNull = isNullReg(reg);
    if (!(isNull && at.maybeNull)) {
      this.checkHelperRegType(regno, reg, at);
      this.checkFuncArgRegOff(reg, regno, at);
    }
    if (at.release) {
      if (at.base === 'ARG_PTR_TO_DYNPTR') {
        // Only a referenced dynptr on the stack can be released.
        if (reg.type === 'PTR_TO_STACK' && !this.dynptrAt(st, reg)?.refObjId) this.fail(idx, M.dynptrUnacquired(regno));
      } else if (!reg.refObjId && !isNull) this.fail(idx, M.releaseNoRef(regno));
      meta.releaseRegno = regno;
    }
    if (reg.refObjId && at.base !== 'ARG_KPTR_XCHG_DEST') {
      if (meta.refObjId) this.fail(idx, M.moreThanOneRef(regno, meta.refObjId, reg.refObjId));
      meta.refObjId = reg.refObjId;
    }
    switch (at.base) {
      case 'ARG_CONST_MAP_PTR':
        meta.mapIdx = reg.mapIdx;
        break;
      case 'ARG_PTR_TO_MAP_KEY': {
        if (!m) this.fail(idx, M.noMapPtrKey());
        this.helperMemAccess(st, regno, reg, m!.keySize, false, 'read');
        meta.constKey = this.constantMapKey(st, reg, m!.keySize);
        break;
      }
      case 'ARG_PTR_TO_MAP_VALUE':
        if (at.maybeNull && isNull) return;
        if (!m) this.fail(idx, M.noMapPtrValue());
        this.helperMemAccess(st, regno, reg, m!.valueSize, false, at.write ? 'write' : 'read');
        break;
      case 'ARG_PTR_TO_MEM':
        if (at.fixedSize) {
          this.helperMemAccess(st, regno, reg, at.fixedSize, false, at.write ? 'write' : 'read');
          if (at.aligned) this.checkHelperPtrAlignment(reg, at.fixedSize);
        }
        break;
      case 'ARG_CONST_SIZE':
      case 'ARG_CONST_SIZE_OR_ZERO':
        this.checkMemSizeReg(st, reg, regno, specs[a - 1], at.base === 'ARG_CONST_SIZE_OR_ZERO');
        break;
      case 'ARG_CONST_ALLOC_SIZE_OR_ZERO':
        if (!isConst(reg.s)) this.fail(idx, M.notKnownConst(regno));
        meta.memSize = Number(reg.s.umin);
        break;
      case 'ARG_PTR_TO_FUNC':
        meta.subprog = reg.memSize;
        break;
      case 'ARG_PTR_TO_CONST_STR':
        this.checkRegConstStr(st, reg, regno);
        break;
      case 'ARG_PTR_TO_TIMER':
        this.checkMapField(reg, regno, 'bpf_timer');
        break;
      case 'ARG_PTR_TO_SPIN_LOCK':
        this.checkMapField(reg, regno, 'bpf_spin_lock');
        break;
      case 'ARG_KPTR_XCHG_DEST':
        this.checkMapField(reg, regno, 'kptr');
        break;
      case 'ARG_PTR_TO_DYNPTR':
        this.processDynptrArg(st, reg, regno, at);
        break;
      default:
        break;
    }
  }

  /** check_reg_type: the register's type must be one of the argument type's compatible_reg_types. */
  private checkHelperRegType(regno: number, reg: Reg, at: ArgSpec): void {
    const c = COMPATIBLE_REG_TYPES[at.base];
    if (!c) return;
    let key: string = reg.type;
    if (reg.type === 'PTR_TO_MEM') key = reg.memSize === BTF_OPAQUE ? 'BTF' : reg.ringbuf ? 'RINGBUF_MEM' : 'PTR_TO_MEM';
    const ok = (!reg.maybeNull || at.maybeNull) && c.types.includes(key);
    if (!ok) this.fail(this.insnIdx, M.typeExpected(regno, kernelRegTypeStr(reg), c.expected));
    if (key === 'BTF' && at.btf && at.base === 'ARG_PTR_TO_BTF_ID') {
      const have = (BTF_OBJECTS[reg.mapIdx] ?? '').replace(TRUSTED, '');
      if (have !== at.btf) this.fail(this.insnIdx, M.btfTypeMismatch(regno, have, at.btf));
    }
  }

  /** check_func_arg_reg_off. */
  private checkFuncArgRegOff(reg: Reg, regno: number, at: ArgSpec): void {
    if (at.release) {
      if (at.base === 'ARG_PTR_TO_DYNPTR' && reg.type === 'PTR_TO_STACK') return;
      if (reg.off) this.fail(this.insnIdx, M.releaseZeroOff(regno));
      this.checkPtrOffReg(reg, regno, false);
      return;
    }
    switch (reg.type) {
      case 'PTR_TO_STACK': case 'PTR_TO_PACKET': case 'PTR_TO_PACKET_META': case 'PTR_TO_MAP_KEY': case 'PTR_TO_MAP_VALUE': case 'SCALAR_VALUE':
        return;
      case 'PTR_TO_MEM':
        if (reg.memSize !== BTF_OPAQUE) return;
        this.checkPtrOffReg(reg, regno, true);
        return;
      default:
        this.checkPtrOffReg(reg, regno, false);
    }
  }

  /** check_mem_size_reg: a size argument bounds the access through the memory argument before it. */
  private checkMemSizeReg(st: VState, reg: Reg, regno: number, memSpec: ArgSpec | undefined, zeroOk: boolean): void {
    const idx = this.insnIdx;
    if (reg.s.smin < 0n) this.fail(idx, M.minNegSize(regno));
    if (reg.s.umin === 0n && !zeroOk) this.fail(idx, M.zeroSized(regno, reg.s.umin, reg.s.umax));
    if (reg.s.umax >= BPF_MAX_VAR_SIZ) this.fail(idx, M.unboundedSize(regno));
    const memReg = cur(st).regs[regno - 1]!;
    const size = Number(reg.s.umax);
    if (zeroOk && size === 0 && isNullReg(memReg)) return;
    this.helperMemAccess(st, regno - 1, memReg, size, zeroOk, memSpec?.write ? 'write' : 'read');
  }

  /** check_ptr_alignment (strict) for MEM_ALIGNED fixed-size arguments. */
  private checkHelperPtrAlignment(reg: Reg, size: number): void {
    const desc = reg.type === 'PTR_TO_STACK' ? 'stack ' : reg.type === 'PTR_TO_MAP_VALUE' ? 'value ' : reg.type === 'PTR_TO_PACKET' ? 'packet ' : '';
    if (!tnumIsAligned(tnumAdd(reg.s.varOff, tnumConst(BigInt(reg.off))), size))
      this.fail(this.insnIdx, M.misaligned(desc, tnumStr(reg.s.varOff), reg.off, 0, size));
  }

  /** check_reg_const_str: a NUL-terminated string in a frozen read-only array map at a constant offset. */
  private checkRegConstStr(st: VState, reg: Reg, regno: number): void {
    const idx = this.insnIdx;
    const m = this.maps[reg.mapIdx];
    if (!m || !(m.flags & BPF_F_RDONLY_PROG)) this.fail(idx, M.notReadonlyMap(regno));
    if (!tnumIsConst(reg.s.varOff)) this.fail(idx, M.notConstAddress(regno));
    if (m!.type !== 'array') this.fail(idx, M.noDirectValueAccess());
    const off = reg.off + Number(reg.s.varOff.value);
    this.checkMemRegion(st, regno, reg.off, m!.valueSize - reg.off, m!.valueSize, false, 'map_value');
    const hex = m!.initial?.[0]?.value ?? '';
    const bytes = hex.match(/../g)?.map((h) => parseInt(h, 16)) ?? [];
    let nul = false;
    for (let k = off; k < m!.valueSize; k++) if ((bytes[k] ?? 0) === 0) { nul = true; break; }
    if (!nul) this.fail(idx, M.strNotZeroTerminated());
  }

  /** process_timer_func / process_spin_lock / process_kptr_func: the field must be described by map BTF, which bpfplay maps never carry. */
  private checkMapField(reg: Reg, regno: number, what: string): void {
    if (!tnumIsConst(reg.s.varOff)) this.fail(this.insnIdx, M.fieldNotConstOff(regno, what));
    const m = this.maps[reg.mapIdx];
    this.fail(this.insnIdx, M.mapNeedsBtf(m?.name ?? '', what === 'kptr' ? 'bpf_kptr_xchg' : what));
  }

  /**
   * process_dynptr_func, in outline: a dynptr lives in 16 bytes of stack. bpfplay marks its slots
   * STACK_MISC and remembers the dynptr (kind and reference) as a marker in the first slot's spill entry.
   */
  private processDynptrArg(st: VState, reg: Reg, regno: number, at: ArgSpec): void {
    const idx = this.insnIdx;
    if (reg.type !== 'PTR_TO_STACK') return;
    const off = reg.off + Number(BigInt.asIntN(64, reg.s.varOff.value));
    const aligned = off % 8 === 0;
    // dynptr_get_spi logs the offset, and the caller's check fails.
    if (!aligned) this.log(M.dynptrOffset(off));
    const frame = st.frames[reg.frameno]!;
    const spi = (-off - 1) >> 3;
    if (at.uninit) {
      if (!aligned) this.fail(idx, M.dynptrUninitExpected());
      // destroy_if_dynptr_stack_slot: an unreferenced dynptr may be overwritten, a referenced one not.
      if (this.dynptrAt(st, reg)?.refObjId) this.fail(idx, M.dynptrOverwriteRef());
      this.stackRangeInit(st, regno, reg, 16, false, 'write');
      const d = ptrReg('PTR_TO_MEM', { memSize: DYNPTR_MARK, ringbuf: at.dynptr === 'ringbuf' });
      if (at.dynptr === 'ringbuf') {
        // The ring buffer record is a reference, released by ringbuf_submit/discard_dynptr.
        const rid = ++this.idGen;
        st.refs.push({ id: rid, insn: idx });
        d.refObjId = rid;
      }
      frame.spills[spi] = d;
      return;
    }
    const d = aligned ? this.dynptrAt(st, reg) : null;
    if (!d) this.fail(idx, M.dynptrInitExpected(regno - 1));
    if (at.dynptr && (at.dynptr === 'ringbuf') !== d!.ringbuf) this.fail(idx, M.dynptrTypeExpected(at.dynptr, regno - 1));
  }

  /** The dynptr bpfplay remembers at a stack pointer (the marker in its first slot's spill entry), if any. */
  private dynptrAt(st: VState, reg: Reg): Reg | null {
    if (reg.type !== 'PTR_TO_STACK') return null;
    const off = reg.off + Number(BigInt.asIntN(64, reg.s.varOff.value));
    if (off % 8 || off >= 0 || off < -MAX_BPF_STACK) return null;
    const sp = st.frames[reg.frameno]!.spills[(-off - 1) >> 3];
    return sp && sp.type === 'PTR_TO_MEM' && sp.memSize === DYNPTR_MARK ? sp : null;
  }

  /**
   * push_callback_call for bpf_for_each_map_elem, bpf_find_vma and bpf_user_ringbuf_drain: the callback
   * is queued as a branch that starts in a new frame (set_map_elem_callback_state, set_find_vma_callback_state,
   * set_user_ringbuf_callback_state) and returns after the call; this path goes on past the call.
   * One callback invocation stands for all of them. Kernel objects the callback gets (the vma, the
   * dynptr of a user ring buffer sample) are opaque pointers here.
   */
  private pushHelperCallback(st: VState, idx: number, meta: HelperMeta): void {
    if (meta.subprog < 0) return;
    if (st.frames.length >= MAX_CALL_FRAMES) this.fail(idx, `the call stack of ${st.frames.length + 1} frames is too deep !`);
    const caller = cur(st);
    const sub = this.subprogStarts.indexOf(meta.subprog);
    let edges = this.callEdges.get(caller.subprog);
    if (!edges) this.callEdges.set(caller.subprog, (edges = new Set()));
    edges.add(sub);
    const cb = this.pushBranch(st, meta.subprog, idx);
    const args = cur(cb).regs;
    const callee = newFrame(cb.frames.length, idx + 1, sub);
    callee.isCallback = true;
    if (meta.id === 164) {
      callee.regs[1] = ptrReg('CONST_PTR_TO_MAP', { mapIdx: meta.mapIdx });
      callee.regs[2] = ptrReg('PTR_TO_MAP_KEY', { mapIdx: meta.mapIdx });
      callee.regs[3] = ptrReg('PTR_TO_MAP_VALUE', { mapIdx: meta.mapIdx });
      callee.regs[4] = copyReg(args[3]!);
    } else if (meta.id === 180) {
      callee.regs[1] = copyReg(args[1]!);
      callee.regs[2] = ptrReg('PTR_TO_MEM', { memSize: BTF_OPAQUE, mapIdx: btfObjectIndex('vm_area_struct') });
      callee.regs[3] = copyReg(args[4]!);
    } else {
      callee.regs[1] = ptrReg('PTR_TO_MEM', { memSize: BTF_OPAQUE, mapIdx: btfObjectIndex('bpf_dynptr') });
      callee.regs[2] = copyReg(args[3]!);
    }
    cb.frames.push(callee);
  }

  /** check_bpf_snprintf_call: the data length is a multiple of 8 and matches the constant format's conversions. */
  private checkSnprintfCall(regs: Reg[]): void {
    const fmt = regs[3]!;
    const len = regs[5]!;
    const v = len.s.varOff.value;
    if (v % 8n) this.fail(this.insnIdx, '');
    const m = this.maps[fmt.mapIdx];
    const bytes = (m?.initial?.[0]?.value ?? '').match(/../g)?.map((h) => parseInt(h, 16)) ?? [];
    const off = fmt.off + Number(fmt.s.varOff.value);
    let text = '';
    for (let k = off; k < bytes.length && bytes[k] !== 0; k++) text += String.fromCharCode(bytes[k]!);
    if (bprintfArgs(text) !== Number(v / 8n)) this.fail(this.insnIdx, M.invalidFormatString());
  }

  /** unmark_stack_slots_dynptr: the ring buffer dynptr's reference is released and the slots forgotten. */
  private releaseDynptr(st: VState, reg: Reg): void {
    if (reg.type !== 'PTR_TO_STACK') return;
    const frame = st.frames[reg.frameno]!;
    const off = reg.off + Number(BigInt.asIntN(64, reg.s.varOff.value));
    const spi = (-off - 1) >> 3;
    const d = frame.spills[spi];
    if (d?.refObjId) this.releaseReference(st, d.refObjId);
    frame.spills[spi] = null;
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
    let sockmapUpdate = false;
    if ((m.type === 'sockmap' || m.type === 'sockhash') && (id === 2 || id === 3)) {
      // may_update_sockmap: sock_ops programs may only delete; others neither.
      const t = this.pt?.name ?? '';
      sockmapUpdate = SOCKMAP_UPDATE_TYPES.has(t) || (t === 'sock_ops' && id === 3);
      if (!sockmapUpdate) this.log('cannot update sockmap in this context');
    }
    if (only && !only.includes(id) && !sockmapUpdate) this.fail(this.insnIdx, M.mapIncompatible(String(num), name, id));
    if (funcTypes && !funcTypes.includes(m.type)) this.fail(this.insnIdx, M.mapIncompatible(String(num), name, id));
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
    const minValid = t === 'read' && this.unpriv ? BigInt(minReadableStackOff(frame.depth)) : -BigInt(MAX_BPF_STACK);
    if (minOff < minValid || maxOff > 0n || size < 0) {
      if (constOff) this.fail(idx, M.stackBounds(t === 'write' ? ' write to' : ' read from', regno, off, size));
      this.fail(idx, `invalid variable-offset${t === 'write' ? ' write to' : ' read from'} stack R${regno} var_off=${tnumStr(reg.s.varOff)} off=${off} size=${size}`);
    }
    const sub = frame.subprog;
    this.subDepth[sub] = Math.max(this.subDepth[sub] ?? 0, Number(-minOff));
    frame.depth = Math.max(frame.depth, Number(-minOff));
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
    if (!pt || !pt.helpers.includes(181) || (this.unpriv && !unprivHelperAllowed(181))) this.fail(idx, M.helperNotAllowed('bpf_loop', 181));
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
    if (regs[1]!.type === 'SCALAR_VALUE' && regs[1]!.s.umax === 0n) {
      // callback_depth < nr_loops never holds: the kernel does not visit the callback.
      for (let r = 1; r <= 5; r++) regs[r] = notInit();
      regs[0] = unknownScalar();
      return { kind: 'next', idx: idx + 1 };
    }
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
    // clear_caller_saved_regs: the caller's r0-r5 are not readable until the callee returns.
    for (let r = 0; r <= 5; r++) caller.regs[r] = notInit();
    st.frames.push(callee);
    if (this.logLevel > 0) {
      this.log('caller:');
      this.log(frameStateStr(st, st.frames.length - 2, this.maps));
      this.log('callee:');
      this.log(frameStateStr(st, st.frames.length - 1, this.maps));
      this.scratchAll = true;
    }
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
      this.markPrecise(st, 0);
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
      if (this.logLevel > 0) {
        // prepare_func_exit prints both frames; the caller's path then continues as after a pop.
        this.log('returning from callee:');
        this.log(frameStateStr({ ...st, frames: [...st.frames, callee] }, st.frames.length, this.maps));
        this.log(`to caller at ${callee.callsite}:`);
        this.log(frameStateStr(st, st.frames.length - 1, this.maps));
        this.returned = true;
      }
      return { kind: 'next', idx: callee.callsite };
    }
    this.readReg(st, 0);
    const r0 = cur(st).regs[0]!;
    if (this.unpriv && isPointer(r0)) this.fail(idx, M.leaksRet());
    const range = this.pt ? returnRange(this.pt.name) : null;
    if (range) {
      if (r0.type !== 'SCALAR_VALUE') this.fail(idx, M.retNotKnown(regTypeStr(r0)));
      this.markPrecise(st, 0); // check_return_code relies on R0's range
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
  user_ringbuf: [209],
  stack_trace: [27],
  cgroup_array: [33, 37],
  cgroup_storage: [81],
  percpu_cgroup_storage: [81],
  devmap: [51, 1],
  devmap_hash: [51, 1],
  cpumap: [51],
  xskmap: [51, 1],
  array_of_maps: [1],
  hash_of_maps: [1],
  // map_update_elem / map_delete_elem only where may_update_sockmap allows (see checkMapFuncCompat).
  sockmap: [52, 53, 60, 82, 1],
  sockhash: [72, 70, 71, 82, 1],
  reuseport_sockarray: [82],
  queue: [87, 88, 89],
  stack: [87, 88, 89],
  sk_storage: [107, 108, 194],
  inode_storage: [145, 146, 194],
  task_storage: [156, 157, 194],
  cgrp_storage: [210, 211, 194],
  bloom_filter: [87, 89],
};

/** may_update_sockmap: program types that may update (or only delete from) a sockmap/sockhash with the generic map helpers. */
const SOCKMAP_UPDATE_TYPES = new Set(['socket_filter', 'sched_cls', 'sched_act', 'xdp', 'sk_reuseport', 'flow_dissector', 'sk_lookup']);

/** bpf_helper_changes_pkt_data. */
const CHANGES_PKT_DATA: ReadonlySet<number> = CHANGES_PKT_DATA_IDS;

/** Helpers whose integer result do_refine_retval_range bounds by the size argument (get_stack, get_task_stack, probe_read*_str). */
const REFINE_RETVAL_IDS: ReadonlySet<number> = new Set([67, 141, 45, 114, 115]);
const MAX_ERRNO = 4095n;

/** map_flags bit of maps the program may only read (.rodata). */
const BPF_F_RDONLY_PROG = 0x80;

/** Maps with a map_for_each_callback (bpf_for_each_map_elem). */
const FOR_EACH_MAPS = new Set(['hash', 'percpu_hash', 'lru_hash', 'lru_percpu_hash', 'array', 'percpu_array']);

/** may_access_direct_pkt_data: program types where a pkt_access helper may take packet pointers. */
const PKT_HELPER_TYPES = new Set(['lwt_in', 'lwt_out', 'lwt_seg6local', 'sk_reuseport', 'flow_dissector', 'cgroup_skb', 'sched_cls', 'sched_act', 'xdp', 'lwt_xmit', 'sk_skb', 'sk_msg']);

/** PTR_TO_MEM.memSize of an opaque kernel object (PTR_TO_BTF_ID in the kernel); its mapIdx indexes BTF_OBJECTS. */
const BTF_OPAQUE = -1;
/** PTR_TO_MEM.memSize of the marker bpfplay keeps in a dynptr's first stack slot. */
const DYNPTR_MARK = -2;
const BTF_OBJECTS: string[] = [];
/** Prefix of a BTF_OBJECTS entry for a PTR_TRUSTED pointer. */
const TRUSTED = 'trusted ';

/** reg_type_str, with bpfplay's opaque kernel-object pointers named as the kernel names PTR_TO_BTF_ID. */
function kernelRegTypeStr(r: Reg): string {
  if (r.type !== 'PTR_TO_MEM' || r.memSize !== BTF_OPAQUE) return regTypeStr(r);
  const trusted = (BTF_OBJECTS[r.mapIdx] ?? '').startsWith(TRUSTED);
  return `${trusted ? 'trusted_' : ''}ptr_${r.maybeNull ? 'or_null_' : ''}`;
}
function btfObjectIndex(name: string): number {
  let k = BTF_OBJECTS.indexOf(name);
  if (k < 0) k = BTF_OBJECTS.push(name) - 1;
  return k;
}

/** bpf_bprintf_prepare, counting only: the number of arguments a format string consumes, -1 when it is invalid. */
function bprintfArgs(fmt: string): number {
  let n = 0;
  for (let k = 0; k < fmt.length; k++) {
    const c = fmt.charCodeAt(k);
    if (c < 0x20 && !(c === 0x0a || c === 0x09)) return -1; // !isprint && !isspace
    if (fmt[k] !== '%') continue;
    k++;
    if (fmt[k] === '%') continue;
    while (k < fmt.length && '-+ #0'.includes(fmt[k]!)) k++;
    while (k < fmt.length && /[0-9]/.test(fmt[k]!)) k++;
    if (fmt[k] === '.') { k++; while (k < fmt.length && /[0-9]/.test(fmt[k]!)) k++; }
    if (fmt[k] === 'p') {
      n++;
      while (k + 1 < fmt.length && /[a-zA-Z0-9]/.test(fmt[k + 1]!) && 'KSsBbIiEh4'.includes(fmt[k + 1]!)) k++;
      continue;
    }
    if (fmt[k] === 'c' || fmt[k] === 's') { n++; continue; }
    if (fmt[k] === 'l') { k++; if (fmt[k] === 'l') k++; } else if (fmt[k] === 'h') { k++; if (fmt[k] === 'h') k++; }
    if (!fmt[k] || !'diouxX'.includes(fmt[k]!)) return -1;
    n++;
  }
  return n;
}

/** register_is_null: a known-zero scalar. */
function isNullReg(r: Reg): boolean {
  return r.type === 'SCALAR_VALUE' && isConst(r.s) && r.s.umin === 0n;
}

/** compatible_reg_types: register types each argument type accepts, and the kernel's expected= list. */
const COMPATIBLE_REG_TYPES: Partial<Record<ArgSpec['base'], { types: readonly string[]; expected: string }>> = (() => {
  const mem = { types: ['PTR_TO_STACK', 'PTR_TO_PACKET', 'PTR_TO_PACKET_META', 'PTR_TO_MAP_KEY', 'PTR_TO_MAP_VALUE', 'PTR_TO_MEM', 'RINGBUF_MEM', 'BTF'], expected: 'fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_' };
  const scalar = { types: ['SCALAR_VALUE'], expected: 'scalar' };
  return {
    ARG_PTR_TO_MAP_KEY: mem,
    ARG_PTR_TO_MAP_VALUE: mem,
    ARG_PTR_TO_MEM: mem,
    ARG_CONST_SIZE: scalar,
    ARG_CONST_SIZE_OR_ZERO: scalar,
    ARG_CONST_ALLOC_SIZE_OR_ZERO: scalar,
    ARG_CONST_MAP_PTR: { types: ['CONST_PTR_TO_MAP'], expected: 'map_ptr' },
    ARG_PTR_TO_CTX: { types: ['PTR_TO_CTX'], expected: 'ctx' },
    ARG_PTR_TO_SOCK_COMMON: { types: ['PTR_TO_SOCK_COMMON', 'PTR_TO_SOCKET', 'PTR_TO_TCP_SOCK'], expected: 'sock_common, sock, tcp_sock, xdp_sock' },
    ARG_PTR_TO_BTF_ID_SOCK_COMMON: { types: ['PTR_TO_SOCK_COMMON', 'PTR_TO_SOCKET', 'PTR_TO_TCP_SOCK', 'BTF'], expected: 'sock_common, sock, tcp_sock, xdp_sock, ptr_, trusted_ptr_' },
    ARG_PTR_TO_SOCKET: { types: ['PTR_TO_SOCKET'], expected: 'sock' },
    ARG_PTR_TO_BTF_ID: { types: ['BTF'], expected: 'ptr_, trusted_ptr_, rcu_ptr_' },
    ARG_PTR_TO_SPIN_LOCK: { types: ['PTR_TO_MAP_VALUE'], expected: 'map_value, ptr_' },
    ARG_PTR_TO_RINGBUF_MEM: { types: ['RINGBUF_MEM'], expected: 'ringbuf_mem' },
    ARG_PTR_TO_PERCPU_BTF_ID: { types: [], expected: 'percpu_ptr_, percpu_rcu_ptr_, percpu_trusted_ptr_' },
    ARG_PTR_TO_FUNC: { types: ['PTR_TO_FUNC'], expected: 'func' },
    ARG_PTR_TO_STACK: { types: ['PTR_TO_STACK'], expected: 'fp' },
    ARG_PTR_TO_CONST_STR: { types: ['PTR_TO_MAP_VALUE'], expected: 'map_value' },
    ARG_PTR_TO_TIMER: { types: ['PTR_TO_MAP_VALUE'], expected: 'map_value' },
    ARG_KPTR_XCHG_DEST: { types: ['PTR_TO_MAP_VALUE'], expected: 'map_value, ptr_' },
    ARG_PTR_TO_DYNPTR: { types: ['PTR_TO_STACK'], expected: 'fp, dynptr_ptr' },
  };
})();

interface HelperMeta {
  id: number;
  name: string;
  pktAccess: boolean;
  mapIdx: number;
  refObjId: number;
  releaseRegno: number;
  constKey: bigint | null;
  memSize: number;
  subprog: number;
}

const S32_MAX_N = 0x7fffffffn;

const SOCK_LAYOUT: CtxLayout = bpfSockLayout('pointer');

function fls(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/** reg_not_null: pointer types that can never be NULL. */
function regNotNull(r: Reg): boolean {
  if (r.maybeNull) return false;
  return r.type === 'PTR_TO_SOCKET' || r.type === 'PTR_TO_TCP_SOCK' || r.type === 'PTR_TO_MAP_VALUE' || r.type === 'PTR_TO_MAP_KEY' ||
    r.type === 'PTR_TO_SOCK_COMMON' || r.type === 'PTR_TO_MEM' || r.type === 'CONST_PTR_TO_MAP';
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
    case 'atomic': s.add(i.dst); s.add(i.src); if ((i.op as string) === 'cmpxchg') s.add(0); break;
    default: break;
  }
  return s;
}

// silence unused-import lint for helpers kept for readability
void tnumSubreg;
void regStr;
void boundsViolation;
void scalarConst;
