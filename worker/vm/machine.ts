// The machine: registers, pc, bpf-to-bpf frames, tail calls, helpers, the budget, and the instructions
// that generated code does not run itself (call, callx, exit, may_goto, LD_ABS/LD_IND, addr_space_cast,
// invalid slots). Both the stepping VM (vm.ts) and the fast path run on this one machine, so they agree.
//
// Kernel behaviour followed (kernel/bpf/core.c ___bpf_prog_run, kernel/bpf/verifier.c do_misc_fixups):
// - bpf-to-bpf calls: a new 512-byte stack frame, r10 = its top, r6-r9 preserved across the call,
//   at most MAX_CALL_FRAMES (8) frames;
// - bpf_tail_call: at most MAX_TAIL_CALL_CNT (33) per run; the counter goes up before the slot is read,
//   so a call to an empty slot also counts; on failure the next instruction runs and r0 keeps its value;
//   on success the target starts at insn 0 with the same registers and stack frame;
// - may_goto: a per-frame counter starting at BPF_MAX_LOOPS (8M): falls through and decrements while it
//   is non-zero, jumps once it is zero (the verifier's rewrite for the interpreter);
// - LD_ABS/LD_IND: big-endian load at an offset from the start of the skb data (`ldAbsRegion`); an
//   offset outside the packet ends the program with r0 = 0 (bpf_gen_ld_abs / bpf_skb_load_helper_*);
//   negative offsets are the kernel's SKF_NET_OFF (-0x100000, relative to the network header) and
//   SKF_LL_OFF (-0x200000, relative to the mac header) forms (bpf_internal_load_pointer_neg_helper),
//   which may reach bytes in front of the region when its bytes are a view into a larger buffer (the
//   skb head); others, or an unset mac header, end the program with r0 = 0.
// Runs are deterministic: a seeded PRNG and a virtual clock of `startTimeNs + 1 ns per instruction`.

import type { Program } from '../isa/program';
import type { Insn } from '../isa/insn';
import type { MapImpl } from '../maps/types';
import { helperName, type HelperDef, type HelperEnv, type HelperMap, type HelperSetName, type OutputEvent } from '../helpers/types';
import { HELPER_NAMES } from '../helpers/ids.generated';
import { compileProgram, mapPtrAddr, mapValueBase, Ops, type Compiled } from './compile';
import { CODE_BASE, MAP_PTR_BASE, MAP_PTR_STRIDE, MAX_CALL_FRAMES, Memory, VmFault, framePointer, hex, join64 } from './memory';
import { o } from './ops64';

export const MAX_TAIL_CALL_CNT = 33;
export const BPF_MAX_LOOPS = 8 * 1024 * 1024;
export const DEFAULT_BUDGET = 1_000_000;
/** include/uapi/linux/filter.h */
export const SKF_NET_OFF = -0x100000;
export const SKF_LL_OFF = -0x200000;
/** The return pc of a frame pushed by callFunction: its exit hands control back to the helper. */
const CALLBACK_RETURN = -0x7fff;

export interface Frame {
  retPc: number;
  retProg: number;
  /** r6..r10 of the caller, as (lo, hi) pairs. */
  saved: Int32Array;
  mayGoto: number;
}

export type Done = { kind: 'exit'; r0: bigint } | { kind: 'fault'; insn: number; message: string };

/** What happened in a helper call (for step records). */
export interface HelperCall {
  id: number;
  name: string;
  args: bigint[];
  /** r0 after the call, or null when the helper did not set it (failed tail call, fault). */
  ret: bigint | null;
  tailCall?: { ok: boolean; prog: number | null; count: number };
}

export interface MapChange {
  map: string;
  index: number;
  key: Uint8Array;
  before: Uint8Array | null;
  after: Uint8Array | null;
}

export interface MachineOptions {
  programs: Program[];
  mem: Memory;
  maps: MapImpl[];
  helpers: ReadonlyMap<number, HelperDef>;
  helperSet: HelperSetName;
  budget: number;
  seed: number;
  startTimeNs: bigint;
  cpu: number;
  ctx: unknown;
  ctxAddr: bigint;
  ldAbsRegion: string;
  /** Offsets of the network and mac headers from the start of `ldAbsRegion` (mac null: not set). */
  skbHeaders: { network: number; mac: number | null };
}

const compiledCache = new WeakMap<Program, Compiled>();
/** Programs are plain immutable data: their compiled form is cached per Program object. */
function compileCached(p: Program): Compiled {
  let c = compiledCache.get(p);
  if (!c) {
    c = compileProgram(p);
    compiledCache.set(p, c);
  }
  return c;
}

export class Machine implements HelperEnv {
  readonly R = new Int32Array(22);
  readonly S = { pc: 0, n: 0 };
  prog = 0;
  frames: Frame[] = [];
  mayGoto = BPF_MAX_LOOPS;
  tailCalls = 0;
  prng: number;
  outputs: OutputEvent[] = [];
  done: Done | null = null;
  readonly comp: Compiled[];
  readonly mem: Memory;
  readonly maps: MapImpl[];
  readonly budget: number;
  // HelperEnv
  readonly ctx: unknown;
  readonly ctxAddr: bigint;
  readonly cpu: number;
  readonly programCount: number;
  runState = new Map<string, unknown>();
  // step-mode recording
  recording = false;
  lastHelper: HelperCall | null = null;
  mapChanges: MapChange[] = [];

  constructor(readonly opts: MachineOptions) {
    this.comp = opts.programs.map(compileCached);
    this.mem = opts.mem;
    this.maps = opts.maps;
    this.budget = opts.budget;
    this.prng = opts.seed | 0;
    this.ctx = opts.ctx;
    this.ctxAddr = opts.ctxAddr;
    this.cpu = opts.cpu;
    this.programCount = opts.programs.length;
  }

  reg(r: number): bigint {
    return join64(this.R[2 * r]!, this.R[2 * r + 1]!);
  }
  setReg(r: number, v: bigint): void {
    const u = BigInt.asUintN(64, v);
    this.R[2 * r] = Number(u & 0xffffffffn) | 0;
    this.R[2 * r + 1] = Number(u >> 32n) | 0;
  }

  private fault(insn: number, message: string): void {
    this.done = { kind: 'fault', insn, message };
  }

  /** Executes the instruction at the pc (one instruction, any kind). Never throws. */
  execOne(): void {
    if (this.done) return;
    const pc = this.S.pc;
    const comp = this.comp[this.prog]!;
    if (pc < 0 || pc >= comp.insns.length) {
      this.fault(pc, `pc ${pc} is outside the program (${comp.insns.length} instructions): ${pc === comp.insns.length ? 'execution fell off the end without exit' : 'bad jump target'}`);
      return;
    }
    if (this.S.n >= this.budget) {
      this.fault(pc, `instruction budget exhausted: ${this.budget} instructions executed without reaching exit (an endless loop?); raise it with --max-insns`);
      return;
    }
    const i = comp.insns[pc];
    try {
      if (!i) {
        const msg = comp.invalid.get(pc);
        this.fault(pc, msg ? `invalid instruction: ${msg}` : `jump into the middle of an ld_imm64 instruction (slot ${pc} is its second half)`);
        return;
      }
      if (!comp.machine[pc]) {
        this.S.pc = comp.single(pc)(this.R, this.mem, Ops, o);
        this.S.n++;
        return;
      }
      this.execMachine(i);
    } catch (e) {
      if (e instanceof VmFault) this.fault(e.insn >= 0 ? e.insn : pc, e.message);
      else this.fault(pc, `internal error (a bpfplay bug): ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private execMachine(i: Insn): void {
    const pc = i.pc;
    switch (i.kind) {
      case 'call':
        if (i.callKind === 'local') return this.callLocal(pc, pc + 1 + i.imm);
        if (i.callKind === 'kfunc') return this.fault(pc, `kfunc calls (BTF id ${i.imm}) are not simulated`);
        return this.callHelper(pc, i.imm);
      case 'callx': {
        const v = this.reg(i.dst);
        if (v >= CODE_BASE && (v - CODE_BASE) % 8n === 0n && v - CODE_BASE < BigInt(this.comp[this.prog]!.insns.length) * 8n) {
          return this.callLocal(pc, Number((v - CODE_BASE) / 8n));
        }
        if (v > 0x7fffffffn) return this.fault(pc, `callx: r${i.dst} = ${hex(v)} is neither a helper id nor a BPF function address`);
        return this.callHelper(pc, Number(v));
      }
      case 'exit': {
        const f = this.frames.pop();
        this.S.n++;
        if (!f) {
          this.done = { kind: 'exit', r0: this.reg(0) };
          return;
        }
        this.R.set(f.saved, 12);
        this.S.pc = f.retPc;
        this.prog = f.retProg;
        this.mayGoto = f.mayGoto;
        return;
      }
      case 'may_goto':
        this.S.n++;
        if (this.mayGoto === 0) this.S.pc = pc + 1 + i.off;
        else {
          this.mayGoto--;
          this.S.pc = pc + 1;
        }
        return;
      case 'ldpkt': {
        const r = this.mem.get(this.opts.ldAbsRegion);
        if (!r) return this.fault(pc, `LD_${i.mode.toUpperCase()} needs packet data (an skb context such as socket_filter or sched_cls); this run has none`);
        const k = i.mode === 'abs' ? i.imm | 0 : (this.R[2 * i.src]! + i.imm) | 0;
        this.S.n++;
        let off: number | null = k;
        if (k < 0) {
          const h = this.opts.skbHeaders;
          if (k >= SKF_NET_OFF) off = h.network + k - SKF_NET_OFF;
          else if (k >= SKF_LL_OFF && h.mac !== null) off = h.mac + k - SKF_LL_OFF;
          else off = null;
        }
        // The readable span is [skb head, data end): bytes before the region are its buffer's headroom.
        if (off === null || off < -r.bytes.byteOffset || off + i.size > r.bytes.length) {
          this.R[0] = 0;
          this.R[1] = 0;
          this.done = { kind: 'exit', r0: 0n };
          return;
        }
        if (this.mem.readRec !== null) this.mem.readRec.push({ region: r.name, offset: off, size: i.size, addr: r.base + BigInt(off) });
        const dv = new DataView(r.bytes.buffer, r.bytes.byteOffset + off, i.size);
        const v = i.size === 1 ? dv.getUint8(0) : i.size === 2 ? dv.getUint16(0, false) : dv.getInt32(0, false);
        this.R[0] = v;
        this.R[1] = 0;
        this.S.pc = pc + 1;
        return;
      }
      case 'alu':
        return this.fault(pc, 'addr_space_cast: BPF arena memory is not simulated');
      case 'ldimm64':
        return this.fault(pc, 'ld_imm64 of a BTF id (a kernel variable) is not simulated');
      default:
        return this.fault(pc, `internal error: ${i.kind} is not a machine instruction`);
    }
  }

  private callLocal(pc: number, target: number): void {
    const n = this.comp[this.prog]!.insns.length;
    if (target < 0 || target >= n) return this.fault(pc, `call to pc ${target}, outside the program (${n} instructions)`);
    if (this.frames.length + 1 >= MAX_CALL_FRAMES) {
      return this.fault(pc, `call stack overflow: a bpf-to-bpf call would need frame ${this.frames.length + 2} of at most ${MAX_CALL_FRAMES} (MAX_CALL_FRAMES)`);
    }
    this.frames.push({ retPc: pc + 1, retProg: this.prog, saved: this.R.slice(12, 22), mayGoto: this.mayGoto });
    const fp = framePointer(this.frames.length);
    this.setReg(10, fp);
    this.mayGoto = BPF_MAX_LOOPS;
    this.S.pc = target;
    this.S.n++;
  }

  private callHelper(pc: number, id: number): void {
    const h = this.opts.helpers.get(id);
    if (!h) {
      const known = this.opts.helperSet === 'kernel' ? HELPER_NAMES[id] : undefined;
      return this.fault(pc, known ? `helper bpf_${known} (${id}) is not simulated` : `call to unknown helper function ${id} (${this.opts.helperSet} helper set)`);
    }
    const args = [this.reg(1), this.reg(2), this.reg(3), this.reg(4), this.reg(5)];
    const call: HelperCall = { id, name: h.name, args, ret: null };
    this.lastHelper = call;
    let res;
    try {
      res = h.call(this, args[0]!, args[1]!, args[2]!, args[3]!, args[4]!);
    } catch (e) {
      return this.fault(pc, `helper ${helperName(this.opts.helperSet, id)} failed (a bpfplay bug): ${e instanceof Error ? e.message : String(e)}`);
    }
    if (this.done) return; // a callback faulted inside the helper: keep its location
    if (typeof res === 'bigint') {
      this.setReg(0, res);
      call.ret = BigInt.asUintN(64, res);
      this.S.pc = pc + 1;
      this.S.n++;
      return;
    }
    if ('fault' in res) return this.fault(pc, `${h.name}: ${res.fault}`);
    if ('exit' in res) {
      this.setReg(0, res.exit);
      call.ret = BigInt.asUintN(64, res.exit);
      this.S.n++;
      this.done = { kind: 'exit', r0: this.reg(0) };
      return;
    }
    // Tail call: -2 = index out of range (not counted), -1 = empty slot (counted), k >= 0 = program k.
    this.S.n++;
    let target: number | null = null;
    if (res.tailCall >= -1 && this.tailCalls < MAX_TAIL_CALL_CNT) {
      this.tailCalls++;
      if (res.tailCall >= 0 && res.tailCall < this.comp.length) target = res.tailCall;
    }
    call.tailCall = { ok: target !== null, prog: target, count: this.tailCalls };
    if (target === null) {
      this.S.pc = pc + 1;
      return;
    }
    this.prog = target;
    this.S.pc = 0;
  }

  // ---- HelperEnv ------------------------------------------------------------------------------
  remapRegion(name: string, base: bigint, bytes: Uint8Array): true | string {
    return this.mem.remap(name, base, bytes);
  }
  region(name: string): { base: bigint; bytes: Uint8Array } | null {
    const r = this.mem.get(name);
    return r ? { base: r.base, bytes: r.bytes } : null;
  }
  callFunction(addr: bigint, args: bigint[]): bigint | string {
    const comp = this.comp[this.prog]!;
    const a = BigInt.asUintN(64, addr);
    if (a < CODE_BASE || (a - CODE_BASE) % 8n !== 0n || a - CODE_BASE >= BigInt(comp.insns.length) * 8n) {
      return `${hex(a)} is not the address of a BPF function of this program`;
    }
    const target = Number((a - CODE_BASE) / 8n);
    if (this.frames.length + 1 >= MAX_CALL_FRAMES) return `call stack overflow: a callback would need frame ${this.frames.length + 2} of at most ${MAX_CALL_FRAMES}`;
    const resumePc = this.S.pc;
    const depth = this.frames.length;
    this.frames.push({ retPc: CALLBACK_RETURN, retProg: this.prog, saved: this.R.slice(12, 22), mayGoto: this.mayGoto });
    for (let k = 0; k < 5; k++) this.setReg(k + 1, args[k] ?? 0n);
    this.setReg(10, framePointer(this.frames.length));
    this.mayGoto = BPF_MAX_LOOPS;
    this.S.pc = target;
    while (!this.done && !(this.S.pc === CALLBACK_RETURN && this.frames.length === depth)) this.execOne();
    if (this.done) return this.done.kind === 'fault' ? this.done.message : 'the program ended inside a callback';
    this.S.pc = resumePc;
    return this.reg(0);
  }

  read(addr: bigint, len: number): Uint8Array | string {
    return this.mem.readBytes(addr, len);
  }
  write(addr: bigint, bytes: Uint8Array): true | string {
    return this.mem.writeBytes(addr, bytes);
  }
  readCString(addr: bigint, max: number): { text: string; bytes: Uint8Array } | string {
    const out: number[] = [];
    for (let k = 0; k < max; k++) {
      const b = this.mem.readBytes(addr + BigInt(k), 1);
      if (typeof b === 'string') return b;
      if (b[0] === 0) break;
      out.push(b[0]!);
    }
    const bytes = Uint8Array.from(out);
    let text = '';
    for (const c of out) text += String.fromCharCode(c);
    return { text, bytes };
  }
  mapByAddr(addr: bigint): HelperMap | null {
    const a = BigInt.asUintN(64, addr);
    if (a < MAP_PTR_BASE) return null;
    const d = a - MAP_PTR_BASE;
    if (d % MAP_PTR_STRIDE !== 0n) return null;
    const index = Number(d / MAP_PTR_STRIDE);
    const impl = this.maps[index];
    return impl ? { index, impl } : null;
  }
  mapPtrAddr(index: number): bigint {
    return mapPtrAddr(index);
  }
  mapKeyAddr(index: number, key: Uint8Array): bigint {
    const r = this.mem.get(mapKeyRegionName(index));
    if (!r) return 0n;
    r.bytes.fill(0);
    r.bytes.set(key.subarray(0, r.bytes.length));
    return r.base;
  }
  mapValueAddr(index: number, slot: number): bigint {
    const m = this.maps[index]!;
    return mapValueBase(index) + BigInt(slot * m.valueStride);
  }
  mapWillChange(index: number, key: Uint8Array): void {
    if (!this.recording) return;
    const m = this.maps[index];
    if (!m) return;
    // peek, not lookup: recording must not set LRU reference bits (step and fast runs would diverge)
    const v = m.peek ? m.peek(key, this.cpu) : m.lookup(key, this.cpu);
    this.mapChanges.push({ map: m.def.name, index, key: key.slice(), before: v ? v.bytes.slice() : null, after: null });
  }
  prandomU32(): number {
    // mulberry32: small, fast, good enough, and reproducible from the seed.
    this.prng = (this.prng + 0x6d2b79f5) | 0;
    let t = this.prng;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** Instructions run by earlier runs of the same machine (createRunner), so the clock keeps going. */
  clockBase = 0;
  nowNs(): bigint {
    return this.opts.startTimeNs + BigInt(this.clockBase + this.S.n);
  }
  output(ev: OutputEvent): void {
    this.outputs.push(ev);
  }

  /** Fills in the after-values of the map changes recorded during this step (and starts a new list). */
  finishMapChanges(): MapChange[] {
    const out = this.mapChanges;
    for (const c of out) {
      const m = this.maps[c.index]!;
      const v = m.peek ? m.peek(c.key, this.cpu) : m.lookup(c.key, this.cpu);
      c.after = v ? v.bytes.slice() : null;
    }
    this.mapChanges = [];
    return out;
  }
}

export { mapPtrAddr, mapValueBase };

/** The read-only key area of map `index` (HelperEnv.mapKeyAddr), half a map-struct stride above its pointer. */
export const mapKeyRegionName = (index: number): string => `map_key#${index}`;
export const MAP_KEY_OFFSET = 0x200n;

/** Deep copy of plain data (what HelperEnv.runState may hold). */
export function copyPlain<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Uint8Array) return v.slice() as T;
  if (Array.isArray(v)) return v.map(copyPlain) as T;
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, copyPlain(x)])) as T;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = copyPlain(x);
  return out as T;
}
