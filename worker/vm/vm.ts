// The VM: builds the machine from an environment, steps it with full effect records, undoes steps,
// seeks through checkpoints, and runs it fast without records. API documentation: worker/vm/index.ts.

import type { Program } from '../isa/program';
import { createMap, type MapImpl } from '../maps/types';
import '../maps/index';
import '../helpers/index';
import { helperSet as getHelperSet, type HelperDef, type HelperSetName, type OutputEvent } from '../helpers/types';
import { bugDiagnostic, err, type Diagnostic } from '../util/diag';
import { mapPtrAddr, mapValueBase } from './compile';
import { BPF_MAX_LOOPS, DEFAULT_BUDGET, MAP_KEY_OFFSET, Machine, copyPlain, mapKeyRegionName, type Done, type Frame, type HelperCall, type MapChange } from './machine';
import { MAX_BPF_STACK, MAX_CALL_FRAMES, Memory, framePointer, STACK_TOP, VmFault, join64, type MemRead, type MemWrite, type RegionSpec } from './memory';
import { o } from './ops64';
import { FLAG_FRAMES, FLAG_REPLAY, History } from './history';
import { Ops } from './compile';

export interface VmEnv {
  program: Program;
  /** Programs a tail call can reach; index 0 must be `program` (default: [program]). prog_array values index this list. */
  programs?: Program[];
  /** Regions besides the stack (ctx, packet, packet_meta, mem, ...). Their byte arrays are used in place. */
  regions?: RegionSpec[];
  /** The region whose base address goes in r1 (default 'ctx' when present, else none). */
  ctxRegion?: string;
  /** Initial register values (r1-r9); r10 is always the frame pointer. */
  initialRegs?: Partial<Record<number, bigint>>;
  helperSet?: HelperSetName;
  /** Helpers to use instead of the registered set (tests). */
  helpers?: ReadonlyMap<number, HelperDef>;
  /** Map instances, one per program.maps entry (shared by all programs). Created from the definitions when absent. */
  maps?: MapImpl[];
  /** Instruction budget (default 1,000,000). */
  budget?: number;
  seed?: number;
  /** Virtual clock at the start, in ns (default 1,000,000,000). */
  startTimeNs?: bigint;
  cpu?: number;
  /** The program type's context object, for helpers. */
  ctx?: unknown;
  /** The region LD_ABS/LD_IND read (default 'packet'). */
  ldAbsRegion?: string;
  /** Network and mac header offsets from the start of that region, for LD_ABS's SKF_NET_OFF/SKF_LL_OFF
   * forms (default network 0, mac unset). A socket filter under BPF_PROG_TEST_RUN has { network: 0, mac: -14 }. */
  skbHeaders?: { network: number; mac: number | null };
  /** History bound for back-step records, in estimated bytes (default 64 MiB). */
  historyBytes?: number;
  /** Steps between checkpoints (default 1,024). */
  checkpointEvery?: number;
}

export interface RegChange {
  reg: number;
  before: bigint;
  after: bigint;
}

export interface StepRecord {
  /** Number of this step (0 = the first instruction executed). */
  step: number;
  prog: number;
  pc: number;
  nextProg: number;
  nextPc: number;
  /** Registers the instruction reads, with their values. */
  reads: { reg: number; value: bigint }[];
  /** Registers whose value changed. */
  writes: RegChange[];
  mem: MemWrite[];
  /** Memory the instruction (or its helper) read: region, offset, size, address. */
  memReads: MemRead[];
  maps: MapChange[];
  helper: HelperCall | null;
  outputs: OutputEvent[];
  /** Call depth before and after (0 = main function). */
  depthBefore: number;
  depthAfter: number;
  /** Set when the run has ended (by this step, or earlier when `ran` is false). */
  done: Done | null;
  /** False when step() was called after the end: nothing was executed and nothing was recorded. */
  ran: boolean;
}


interface Checkpoint {
  runState: Map<string, unknown>;
  /** Estimated size, for the checkpoint budget. */
  bytes: number;
  step: number;
  R: Int32Array;
  pc: number;
  n: number;
  prog: number;
  frames: Frame[];
  mayGoto: number;
  tailCalls: number;
  prng: number;
  outputs: number;
  done: Done | null;
  regions: Map<string, { base: bigint; bytes: Uint8Array }>;
  maps: unknown[];
}

export interface RunResult {
  /** Full 64-bit r0 (0 on a fault). */
  r0: bigint;
  /** Low 32 bits of r0, unsigned (what BPF_PROG_TEST_RUN reports as retval). */
  retval: number;
  /** Instructions executed (a faulting instruction is not counted). */
  insns: number;
  fault: null | { insn: number; message: string };
  outputs: OutputEvent[];
  maps: MapImpl[];
  /** Helpers' run state at the end (HelperEnv.runState). */
  runState: Map<string, unknown>;
}

export interface VmState {
  prog: number;
  pc: number;
  regs: bigint[];
  depth: number;
  steps: number;
  insns: number;
  done: Done | null;
  outputs: OutputEvent[];
}

const DEFAULT_START_NS = 1_000_000_000n;

interface Built {
  machine: Machine;
  /** Regions a checkpoint saves: every writable one except map values (maps snapshot themselves). */
  writable: string[];
}

function build(env: VmEnv): Built | Diagnostic[] {
  const diags: Diagnostic[] = [];
  const program = env.program;
  const programs = env.programs && env.programs.length > 0 ? env.programs : [program];
  let maps = env.maps;
  if (!maps) {
    maps = [];
    for (const d of program.maps) {
      const m = createMap(d, program.maps);
      if ('severity' in m) diags.push(m);
      else maps.push(m);
    }
    if (diags.length) return diags;
  }
  const mem = new Memory();
  try {
    for (let k = 0; k < MAX_CALL_FRAMES; k++) {
      mem.add({ name: k === 0 ? 'stack' : `stack${k}`, kind: 'stack', base: framePointer(k) - BigInt(MAX_BPF_STACK), bytes: new Uint8Array(MAX_BPF_STACK) });
    }
    for (const r of env.regions ?? []) mem.add(r);
    maps.forEach((m, i) => {
      mem.add({ name: `map:${m.def.name}#${i}`, kind: 'map', base: mapPtrAddr(i), bytes: new Uint8Array(64), readable: false, writable: false });
      if (m.def.keySize > 0 && m.def.keySize <= 0x200) {
        mem.add({ name: mapKeyRegionName(i), kind: 'map', base: mapPtrAddr(i) + MAP_KEY_OFFSET, bytes: new Uint8Array(m.def.keySize), readable: true, writable: false });
      }
      if (m.valuesAccessible && m.valueArea.length > 0 && m.def.type === 'ringbuf') {
        // A ringbuf's data area is one block of variable-length records (worker/maps/ringbuf.ts).
        mem.add({ name: `map:${m.def.name}`, kind: 'ringbuf', base: mapValueBase(i), bytes: m.valueArea });
      } else if (m.valuesAccessible && m.valueArea.length > 0) {
        mem.add({
          name: `map:${m.def.name}`, kind: 'map_value', base: mapValueBase(i), bytes: m.valueArea,
          writable: (m.def.flags & (1 << 7)) === 0, readable: (m.def.flags & (1 << 8)) === 0, elemStride: m.valueStride, elemSize: m.def.valueSize,
        });
      }
    });
  } catch (e) {
    return [err(`memory layout: ${e instanceof Error ? e.message : String(e)}`, {}, 'vm.layout')];
  }
  const ctxName = env.ctxRegion ?? (mem.get('ctx') ? 'ctx' : undefined);
  const ctxR = ctxName ? mem.get(ctxName) : undefined;
  if (ctxName && !ctxR) return [err(`ctx region '${ctxName}' is not among the regions`, {}, 'vm.layout')];
  const setName = env.helperSet ?? 'kernel';
  const machine = new Machine({
    programs, mem, maps, helpers: env.helpers ?? getHelperSet(setName), helperSet: setName,
    budget: env.budget ?? DEFAULT_BUDGET, seed: env.seed ?? 0, startTimeNs: env.startTimeNs ?? DEFAULT_START_NS,
    cpu: env.cpu ?? 0, ctx: env.ctx ?? null, ctxAddr: ctxR ? ctxR.base : 0n, ldAbsRegion: env.ldAbsRegion ?? 'packet',
    skbHeaders: env.skbHeaders ?? { network: 0, mac: null },
  });
  if (ctxR) machine.setReg(1, ctxR.base);
  for (const [k, v] of Object.entries(env.initialRegs ?? {})) {
    const r = Number(k);
    if (r >= 0 && r <= 9 && v !== undefined) machine.setReg(r, v);
  }
  machine.setReg(10, STACK_TOP);
  const writable = mem.regions.filter((r) => r.kind !== 'map_value' && r.kind !== 'map' && r.kind !== 'ringbuf' && (r.writable || r.kind === 'packet' || r.kind === 'packet_meta')).map((r) => r.name);
  return { machine, writable };
}

function resultOf(m: Machine): RunResult {
  const d = m.done;
  if (d && d.kind === 'exit') {
    return { r0: d.r0, retval: Number(d.r0 & 0xffffffffn), insns: m.S.n, fault: null, outputs: m.outputs, maps: m.maps, runState: m.runState };
  }
  const fault = d && d.kind === 'fault' ? { insn: d.insn, message: d.message } : { insn: m.S.pc, message: 'the run did not finish' };
  return { r0: 0n, retval: 0, insns: m.S.n, fault, outputs: m.outputs, maps: m.maps, runState: m.runState };
}

/**
 * Runs the program to completion without step records, through generated code (see compile.ts).
 * Never throws: bad environments come back as a fault at insn -1.
 */
export function runFast(env: VmEnv): RunResult {
  const failed = (message: string): RunResult => ({ r0: 0n, retval: 0, insns: 0, fault: { insn: -1, message }, outputs: [], maps: env.maps ?? [], runState: new Map() });
  try {
    const b = build(env);
    if (Array.isArray(b)) return failed(b.map((d) => d.message).join('; '));
    return runMachineFast(b.machine);
  } catch (e) {
    return failed(bugDiagnostic(e).message);
  }
}

/**
 * A machine built once and run many times, as BPF_PROG_TEST_RUN's `repeat` does: every run starts at
 * insn 0 with the initial registers, while memory (packet, ctx, stack), maps, the PRNG and the clock carry
 * over from the previous run, as they do in the kernel. `run()` costs only the execution.
 */
export interface Runner {
  run(): RunResult;
  readonly memory: Memory;
}

export function createRunner(env: VmEnv): { runner: Runner | null; diagnostics: Diagnostic[] } {
  let b: Built | Diagnostic[];
  try {
    b = build(env);
  } catch (e) {
    return { runner: null, diagnostics: [bugDiagnostic(e)] };
  }
  if (Array.isArray(b)) return { runner: null, diagnostics: b };
  const m = b.machine;
  const R0 = m.R.slice();
  let clock = 0;
  return {
    diagnostics: [],
    runner: {
      memory: m.mem,
      run(): RunResult {
        m.R.set(R0);
        m.S.pc = 0;
        clock += m.S.n;
        m.S.n = 0;
        m.prog = 0;
        m.frames = [];
        m.mayGoto = BPF_MAX_LOOPS;
        m.tailCalls = 0;
        m.done = null;
        m.outputs = [];
        m.clockBase = clock;
        return runMachineFast(m);
      },
    },
  };
}

/** Runs an already-built machine to the end on the fast path. */
export function runMachineFast(m: Machine): RunResult {
  const S = m.S;
  while (!m.done) {
    const comp = m.comp[m.prog]!;
    try {
      comp.blocks()(m.R, S, m.mem, Ops, o, m.budget);
    } catch (e) {
      if (e instanceof VmFault) {
        const pc = e.insn;
        S.n = S.n - comp.blockLen[comp.blockOf[pc]!]! + comp.prefix[pc]!;
        S.pc = pc;
        m.done = { kind: 'fault', insn: pc, message: e.message };
        break;
      }
      m.done = { kind: 'fault', insn: S.pc, message: `internal error (a bpfplay bug): ${e instanceof Error ? e.message : String(e)}` };
      break;
    }
    m.execOne();
  }
  return resultOf(m);
}

/** Registers each instruction kind reads (for step records). */
function readsOf(m: Machine): number[] {
  const comp = m.comp[m.prog]!;
  const i = comp.insns[m.S.pc];
  if (!i) return [];
  switch (i.kind) {
    case 'alu': return i.op === 'mov' || i.op === 'movsx' ? (i.srcX ? [i.src] : []) : i.op === 'neg' || !i.srcX ? [i.dst] : [i.dst, i.src];
    case 'endian': return [i.dst];
    case 'jmp': return i.srcX ? [i.dst, i.src] : [i.dst];
    case 'ldx': return [i.src];
    case 'st': return [i.dst];
    case 'stx': return [i.dst, i.src];
    case 'atomic':
      if (i.op === 'load_acquire') return [i.src];
      return i.op === 'cmpxchg' ? [i.dst, i.src, 0] : [i.dst, i.src];
    case 'call': return i.callKind === 'helper' ? [1, 2, 3, 4, 5] : [];
    case 'callx': return [i.dst];
    case 'exit': return [0];
    case 'ldpkt': return i.mode === 'ind' ? [i.src] : [];
    default: return [];
  }
}

const NO_WRITES: MemWrite[] = Object.freeze([]) as unknown as MemWrite[];
const NO_READS: MemRead[] = Object.freeze([]) as unknown as MemRead[];
const NO_MAP_CHANGES: MapChange[] = Object.freeze([]) as unknown as MapChange[];
const NO_OUTPUTS: OutputEvent[] = Object.freeze([]) as unknown as OutputEvent[];

function framesCopy(f: Frame[]): Frame[] {
  return f.map((x) => ({ ...x, saved: x.saved.slice() }));
}

export class Vm {
  private history: History;
  private checkpoints: Checkpoint[] = [];
  private steps = 0;
  private regsBefore = new Int32Array(22);
  private regionIndex = new Map<string, number>();
  private memScratch: MemWrite[] = [];
  private readScratch: MemRead[] = [];
  readonly maxHistoryBytes: number;
  readonly checkpointEvery: number;
  private nextCheckpoint: number;

  constructor(readonly machine: Machine, private writable: string[], env: VmEnv) {
    this.maxHistoryBytes = env.historyBytes ?? 64 * 1024 * 1024;
    this.history = new History(this.maxHistoryBytes);
    machine.mem.regions.forEach((r, i) => this.regionIndex.set(r.name, i));
    this.checkpointEvery = env.checkpointEvery ?? 1024;
    this.checkpoints.push(this.checkpoint());
    this.nextCheckpoint = this.checkpointEvery;
  }

  get stepCount(): number {
    return this.steps;
  }
  get done(): Done | null {
    return this.machine.done;
  }
  get memory(): Memory {
    return this.machine.mem;
  }
  get maps(): MapImpl[] {
    return this.machine.maps;
  }

  state(): VmState {
    const m = this.machine;
    const regs: bigint[] = [];
    for (let r = 0; r <= 10; r++) regs.push(m.reg(r));
    return { prog: m.prog, pc: m.S.pc, regs, depth: m.frames.length, steps: this.steps, insns: m.S.n, done: m.done, outputs: m.outputs.slice() };
  }

  /** Which steps can be undone from records, and whether older records were dropped. */
  historyInfo(): { firstRecorded: number; steps: number; cut: boolean; bytes: number; maxBytes: number; checkpoints: number; checkpointBytes: number } {
    const first = this.history.firstRecorded;
    let cb = 0;
    for (const c of this.checkpoints) cb += c.bytes;
    return { firstRecorded: first, steps: this.steps, cut: first > 0, bytes: this.history.bytes, maxBytes: this.maxHistoryBytes, checkpoints: this.checkpoints.length, checkpointBytes: cb };
  }

  /** Executes one instruction and returns its effects. After the end, returns a record with no effects. */
  step(): StepRecord {
    const m = this.machine;
    const before = this.regsBefore;
    before.set(m.R);
    const prog = m.prog;
    const pc = m.S.pc;
    const kind = m.comp[prog]?.insns[pc]?.kind;
    const n0 = m.S.n, mayGoto0 = m.mayGoto, tailCalls0 = m.tailCalls, prng0 = m.prng, outputs0 = m.outputs.length;
    const frames0 = kind === 'call' || kind === 'callx' || kind === 'exit' ? framesCopy(m.frames) : null;
    const depthBefore = m.frames.length;
    const wasDone = m.done !== null;
    const reads = wasDone ? [] : readsOf(m).map((reg) => ({ reg, value: m.reg(reg) }));
    const scratch = this.memScratch;
    scratch.length = 0;
    m.mem.rec = scratch;
    const reads0 = this.readScratch;
    reads0.length = 0;
    m.mem.readRec = reads0;
    m.mem.remapped = false;
    m.recording = true;
    m.lastHelper = null;
    m.execOne();
    m.mem.rec = null;
    m.mem.readRec = null;
    m.recording = false;
    const mem = scratch.length === 0 ? NO_WRITES : scratch.slice();
    const memReads = reads0.length === 0 ? NO_READS : reads0.slice();
    const maps = m.mapChanges.length === 0 ? NO_MAP_CHANGES : m.finishMapChanges();
    const writes: RegChange[] = [];
    let regMask = 0;
    for (let r = 0; r <= 10; r++) {
      if (before[2 * r] !== m.R[2 * r] || before[2 * r + 1] !== m.R[2 * r + 1]) {
        writes.push({ reg: r, before: join64(before[2 * r]!, before[2 * r + 1]!), after: m.reg(r) });
        regMask |= 1 << r;
      }
    }
    // Helpers may change maps and other state beyond registers and recorded stores: undo those steps by
    // replaying from a checkpoint rather than trusting every helper to report its changes.
    const replay = maps.length > 0 || m.mem.remapped || m.lastHelper !== null;
    m.mem.remapped = false;
    const rec: StepRecord = {
      step: this.steps, prog, pc, nextProg: m.prog, nextPc: m.S.pc, reads, writes, mem, memReads, maps, helper: m.lastHelper,
      outputs: m.outputs.length === outputs0 ? NO_OUTPUTS : m.outputs.slice(outputs0), depthBefore, depthAfter: m.frames.length,
      done: m.done, ran: !wasDone,
    };
    if (wasDone) return rec;
    this.history.push(
      this.steps,
      { pc, prog, n: n0, mayGoto: mayGoto0, tailCalls: tailCalls0, prng: prng0, outputs: outputs0, flags: (replay ? FLAG_REPLAY : 0) | (frames0 ? FLAG_FRAMES : 0), regMask, frames: frames0 },
      before,
      mem.map((w) => ({ region: this.regionIndex.get(w.region) ?? -1, offset: w.offset, before: w.before })),
    );
    this.steps++;
    if (this.steps >= this.nextCheckpoint) this.addCheckpoint();
    return rec;
  }

  /** Steps until the run ends or `max` steps were taken; returns the number of steps taken. */
  run(max = Infinity): number {
    let k = 0;
    while (!this.machine.done && k < max) {
      this.step();
      k++;
    }
    return k;
  }

  /** Undoes the last step; false at step 0. */
  back(): boolean {
    if (this.steps === 0) return false;
    const step = this.steps - 1;
    const e = this.history.pop(step);
    if (!e || (e.flags & FLAG_REPLAY) !== 0) {
      this.rewindTo(step);
      return true;
    }
    const m = this.machine;
    for (let k = e.mem.length - 1; k >= 0; k--) {
      const w = e.mem[k]!;
      m.mem.regions[w.region]!.bytes.set(w.before, w.offset);
    }
    let j = 0;
    for (let r = 0; r <= 10; r++) {
      if (e.regMask & (1 << r)) {
        m.R[2 * r] = e.regs[j++]!;
        m.R[2 * r + 1] = e.regs[j++]!;
      }
    }
    m.S.n = e.n;
    m.S.pc = e.pc;
    m.prog = e.prog;
    if (e.frames) m.frames = framesCopy(e.frames);
    m.mayGoto = e.mayGoto;
    m.tailCalls = e.tailCalls;
    m.prng = e.prng;
    m.outputs.length = e.outputs;
    m.done = null;
    this.steps--;
    while (this.checkpoints.length > 1 && this.checkpoints[this.checkpoints.length - 1]!.step > this.steps) this.checkpoints.pop();
    const lastCp = this.checkpoints[this.checkpoints.length - 1]!;
    this.nextCheckpoint = Math.min(this.nextCheckpoint, lastCp.step + Math.max(this.checkpointEvery, Math.ceil(lastCp.bytes / 64)));
    return true;
  }

  /**
   * Moves to the state after `n` steps: forwards by stepping; backwards by back-steps when the target is
   * near (within 64 steps), else from the nearest checkpoint at or before it, then stepping.
   */
  seek(n: number): void {
    const target = Math.max(0, Math.floor(n));
    if (target < this.steps && this.steps - target <= 64) {
      while (this.steps > target) this.back();
    } else if (target < this.steps) {
      this.rewindTo(target);
    }
    while (this.steps < target && !this.machine.done) this.step();
  }

  /** Restores the nearest checkpoint at or before `target` and steps forward to it. */
  private rewindTo(target: number): void {
    let cp = this.checkpoints[0]!;
    for (const c of this.checkpoints) if (c.step <= target && c.step >= cp.step) cp = c;
    this.restore(cp);
    this.steps = cp.step;
    this.history.truncate(cp.step);
    this.checkpoints = this.checkpoints.filter((c) => c.step <= cp.step);
    this.nextCheckpoint = cp.step + Math.max(this.checkpointEvery, Math.ceil(cp.bytes / 64));
    while (this.steps < target && !this.machine.done) this.step();
  }


  /**
   * Checkpoints cost their full state (stack, packet, ctx, map contents). The interval grows with that
   * size (at most ~64 bytes of checkpoint per step), and when they exceed the history budget or number
   * 512, every other one is dropped (the first, at step 0, and the last are kept).
   */
  private addCheckpoint(): void {
    const c = this.checkpoint();
    this.checkpoints.push(c);
    this.nextCheckpoint = this.steps + Math.max(this.checkpointEvery, Math.ceil(c.bytes / 64));
    let total = 0;
    for (const x of this.checkpoints) total += x.bytes;
    if (this.checkpoints.length > 512 || (total > this.maxHistoryBytes && this.checkpoints.length > 2)) {
      const last = this.checkpoints.length - 1;
      this.checkpoints = this.checkpoints.filter((_, k) => k === 0 || k % 2 === 0 || k === last);
    }
  }

  private checkpoint(): Checkpoint {
    const m = this.machine;
    const regions = new Map<string, { base: bigint; bytes: Uint8Array }>();
    for (const name of this.writable) {
      const r = m.mem.get(name)!;
      regions.set(name, { base: r.base, bytes: r.bytes.slice() });
    }
    let bytes = 256;
    for (const r of regions.values()) bytes += r.bytes.length + 64;
    for (const x of m.maps) bytes += x.valueArea.byteLength + x.def.maxEntries * (x.def.keySize + 48) + 64;
    return {
      step: this.steps, R: m.R.slice(), pc: m.S.pc, n: m.S.n, prog: m.prog, frames: framesCopy(m.frames), mayGoto: m.mayGoto,
      tailCalls: m.tailCalls, prng: m.prng, outputs: m.outputs.length, done: m.done, regions, maps: m.maps.map((x) => x.snapshot()), bytes,
      runState: copyPlain(m.runState),
    };
  }

  private restore(c: Checkpoint): void {
    const m = this.machine;
    m.R.set(c.R);
    m.S.pc = c.pc;
    m.S.n = c.n;
    m.prog = c.prog;
    m.frames = framesCopy(c.frames);
    m.mayGoto = c.mayGoto;
    m.tailCalls = c.tailCalls;
    m.prng = c.prng;
    m.outputs.length = c.outputs;
    m.done = c.done;
    for (const name of this.writable) {
      const saved = c.regions.get(name)!;
      const r = m.mem.get(name)!;
      if (r.base === saved.base && r.bytes.length === saved.bytes.length) r.bytes.set(saved.bytes);
      else m.mem.remap(name, saved.base, saved.bytes.slice());
    }
    m.mem.remapped = false;
    m.maps.forEach((x, i) => x.restore(c.maps[i]));
    m.runState = copyPlain(c.runState);
  }

  result(): RunResult {
    return resultOf(this.machine);
  }
}

/** Builds a stepping VM. Never throws: problems come back as diagnostics. */
export function createVm(env: VmEnv): { vm: Vm | null; diagnostics: Diagnostic[] } {
  try {
    const b = build(env);
    if (Array.isArray(b)) return { vm: null, diagnostics: b };
    return { vm: new Vm(b.machine, b.writable, env), diagnostics: [] };
  } catch (e) {
    return { vm: null, diagnostics: [bugDiagnostic(e)] };
  }
}

export { STACK_TOP };
export type { Done, Frame, HelperCall, MapChange, MemWrite, RegionSpec, OutputEvent };
