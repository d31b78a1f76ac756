// The facade's eBPF runs: turns a program, a program type and a packet into a VM environment (the
// attach-point view from worker/progtypes/attach.ts: a socket filter on an AF_PACKET socket and tc see
// the Ethernet header, cgroup_skb and LWT the IP header, XDP L2 with headroom), runs it on the fast path
// for verdicts, and records a stepping session whose frames (registers, stack slots, maps, packet bytes,
// the bytes the next instruction reads or writes, outputs, an explanation) the UI fetches one at a time.
// A session may hold several programs (the sections of one source): the VM gets them all, so
// bpf_tail_call through a prog_array reaches them (kernel/bpf/core.c bpf_tail_call semantics in
// worker/vm), and each frame says which program the step is in, its tail-call depth, and where the run
// crossed a tail-call or bpf-to-bpf call boundary (timeline marks).
// It does not execute anything itself (worker/vm), nor define verdicts (worker/progtypes/table.ts).

import { decodeSlots, type Insn } from '../isa/insn';
import type { Program } from '../isa/program';
import { prepareAttachView, type AttachMeta } from '../progtypes/attach';
import { vmEnvFor } from '../progtypes/run';
import { ctxConvFields } from '../progtypes/ctx';
import { TEST_RUN_TYPES, type TestRunSetup, type TestRunType } from '../progtypes/testrun';
import { PROG_TYPE_NAMES, PROG_TYPES, verdictName, type ProgTypeName } from '../progtypes/table';
import { createVm, runFast, CTX_BASE, PACKET_BASE, type RegionSpec, type StepRecord, type Vm, type VmEnv } from '../vm/index';
import type { MapImpl } from '../maps/types';
import type { OutputEvent } from '../helpers/types';
import { formatDiagnostic } from '../util/diag';
import type { ByteRange, InsnView, MapView, PacketVerdict, RegView, StackSlotView, StepFrame, TimelineMark } from './types';

const STACK_SIZE = 512;

export interface PacketEnv {
  env: VmEnv;
  setup: TestRunSetup;
  /** Packet bytes as the program sees them (a live view into the VM's packet region). */
  packet: Uint8Array;
  /** The frame's offset of the packet region's first byte (0 for L2 views, 14 for L3 views). */
  frameOffset: number;
  /** A non-packet event: the UI shows the context bytes, not a frame. */
  isEvent?: boolean;
}

function isPacketType(t: string): t is TestRunType {
  return (TEST_RUN_TYPES as readonly string[]).includes(t);
}

function hexOf(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

/** What a run needs besides the program and its input: the other programs a tail call may reach
 * (index 0 = the program), and the context object helpers see (sock_ops: the simulated socket). */
export interface RunExtras {
  programs?: Program[];
  helperCtx?: unknown;
  /** Events: more readable memory (the events file's blobs that pointer arguments point at). */
  regions?: RegionSpec[];
}

/** The VM environment for a non-packet event: the context bytes (and, for sk_skb, the message data). */
export function eventEnv(program: Program, progType: string, ctx: Uint8Array, data: Uint8Array | null, budget: number, maps?: MapImpl[], extras: RunExtras = {}): PacketEnv {
  const layout = (PROG_TYPE_NAMES as readonly string[]).includes(progType) ? PROG_TYPES[progType as ProgTypeName].ctx : null;
  const ptr = (name: string) => layout?.fields.find((f) => f.name === name);
  const packet = data ?? new Uint8Array(0);
  const ptrFields = [];
  if (data) {
    const d = ptr('data'), e = ptr('data_end');
    if (d) ptrFields.push({ off: d.off, size: d.size, target: 'packet' });
    if (e) ptrFields.push({ off: e.off, size: e.size, target: 'packet_end' });
  }
  // converted fields (__sk_buff narrow reads, bpf_sock.rx_queue_mapping) as convert_ctx_access loads them
  const convFields = layout ? ctxConvFields(layout) : undefined;
  const regions: RegionSpec[] = [{ name: 'ctx', kind: 'ctx', base: CTX_BASE, bytes: ctx, writable: true, ptrFields, convFields }];
  if (data) regions.push({ name: 'packet', kind: 'packet', base: PACKET_BASE, bytes: packet, writable: true });
  if (extras.regions) regions.push(...extras.regions);
  const env: VmEnv = { program, programs: extras.programs, regions, ctxRegion: 'ctx', budget, maps, ctx: extras.helperCtx };
  const setup = { type: progType, view: 'attach', ctxLayout: layout, ctx, pointers: [], packet: { buf: packet, data: 0, dataEnd: packet.length, dataMeta: 0, mac: 0, network: 0, limit: packet.length } } as unknown as TestRunSetup;
  return { env, setup, packet, frameOffset: 0, isEvent: true };
}

/** The VM environment for one packet at the program type's attach point, or an error message. */
export function packetEnv(program: Program, progType: string, frame: Uint8Array, budget: number, maps?: MapImpl[], extras: RunExtras = {}, meta?: AttachMeta): PacketEnv | string {
  if (!isPacketType(progType)) return `${progType} programs run on events, not packets: choose events for this program type`;
  const r = prepareAttachView(progType, frame, meta);
  if (!r.setup) return r.diagnostics.map((d) => formatDiagnostic(d)).join('; ') || 'cannot build the context';
  const s = r.setup;
  // the event's task (cgroup, stacks): packet runs' helpers see the prepared setup as their context
  if (extras.helperCtx) Object.assign(s, extras.helperCtx);
  const p = s.packet;
  const packet = p.buf.subarray(p.data, p.dataEnd);
  const env = vmEnvFor(program, s, { budget, programs: extras.programs }, maps);
  return { env, setup: s, packet, frameOffset: p.data - p.mac };
}

function verdictClass(progType: string, name: string, r0: bigint): PacketVerdict['verdictClass'] {
  if (progType === 'socket_filter') return (r0 & 0xffffffffn) === 0n ? 'drop' : 'keep';
  if (/DROP|SHOT|ABORTED|drop|deny|illegal/.test(name)) return 'drop';
  if (/PASS|OK|allow|TX|REDIRECT/.test(name)) return 'pass';
  return 'other';
}

export function verdictOf(progType: string, r0: bigint, packetLen: number): { verdict: string; cls: PacketVerdict['verdictClass']; kept: number | null } {
  const known = (PROG_TYPE_NAMES as readonly string[]).includes(progType);
  const name = known ? verdictName(progType as ProgTypeName, r0) : String(r0);
  const cls = verdictClass(progType, name, r0);
  if (progType === 'socket_filter') {
    const u = Number(r0 & 0xffffffffn);
    const kept = Math.min(u, packetLen);
    return { verdict: u === 0 ? 'drop' : kept >= packetLen ? 'keep all' : `keep ${kept} bytes`, cls, kept };
  }
  return { verdict: name, cls, kept: null };
}

export interface RunInput {
  kind: 'packet' | 'ctx';
  bytes: Uint8Array;
  data: Uint8Array | null;
  /** Packets: where the program is attached (direction, ifindex, …). */
  meta?: AttachMeta;
}

function envFor(program: Program, progType: string, input: RunInput, budget: number, maps?: MapImpl[], extras: RunExtras = {}): PacketEnv | string {
  // Each run gets its own copy: programs may write the packet or the context.
  return input.kind === 'ctx'
    ? eventEnv(program, progType, input.bytes.slice(), input.data ? input.data.slice() : null, budget, maps, extras)
    : packetEnv(program, progType, input.bytes, budget, maps, extras, input.meta);
}

/** One packet or event on the fast path. Maps persist between runs when `maps` is given. `onCtx`
 * sees the context bytes after the run (what the program wrote: sock_ops reply, …). */
export function runPacket(
  index: number, program: Program, progType: string, input: RunInput, budget: number, maps?: MapImpl[], extras: RunExtras = {},
  onCtx?: (ctxAfter: Uint8Array, retval: number, faulted: boolean) => void,
): PacketVerdict {
  const pe = envFor(program, progType, input, budget, maps, extras);
  if (typeof pe === 'string') return { index, retval: '0', verdict: 'not run', verdictClass: 'fault', keptLen: null, insns: 0, fault: pe };
  const r = runFast(pe.env);
  onCtx?.(pe.setup.ctx, r.retval, r.fault !== null);
  if (r.fault) {
    // A socket filter whose LD_ABS/LD_IND reads past the packet returns 0; the VM reports that as an exit.
    return { index, retval: '0', verdict: 'fault', verdictClass: 'fault', keptLen: null, insns: r.insns, fault: `insn ${r.fault.insn}: ${r.fault.message}` };
  }
  const v = verdictOf(progType, r.r0, pe.packet.length);
  return { index, retval: String(r.retval), verdict: v.verdict, verdictClass: v.cls, keptLen: v.kept, insns: r.insns, fault: null };
}

function outputLine(o: OutputEvent): string {
  switch (o.kind) {
    case 'trace_printk':
      return o.text.replace(/\n$/, '');
    case 'log':
      return o.text;
    case 'ringbuf':
      return `ringbuf ${o.map}: ${hexOf(o.data)}`;
    case 'perf_event':
      return `perf_event ${o.map} cpu ${o.cpu}: ${hexOf(o.data)}`;
  }
}

/** The name of the program a prog_array value (a little-endian u32 program index) refers to, or null. */
export function progArrayNote(type: string, valueHex: string, progNames: readonly string[]): string | null {
  if (type !== 'prog_array' || valueHex.length !== 8) return null;
  const v = parseInt(valueHex.slice(6, 8) + valueHex.slice(4, 6) + valueHex.slice(2, 4) + valueHex.slice(0, 2), 16);
  return progNames[v] !== undefined ? `program ${v}: ${progNames[v]}` : `program ${v} (not loaded: a tail call here fails)`;
}

export function mapViews(maps: MapImpl[], changed: Map<string, Set<string>>, progNames: readonly string[] = []): MapView[] {
  return maps.map((m) => ({
    name: m.def.name, type: m.def.type, keySize: m.def.keySize, valueSize: m.def.valueSize, maxEntries: m.def.maxEntries,
    entries: m.entries().slice(0, 1000).map((e) => {
      const value = hexOf(e.value);
      const note = progArrayNote(m.def.type, value, progNames);
      return note ? { key: hexOf(e.key), value, note } : { key: hexOf(e.key), value };
    }),
    changed: [...(changed.get(m.def.name) ?? [])],
  }));
}

const REG_NAMES = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'r10'];

/** The programs of a session: index 0 is the one a packet enters; the others are tail-call targets. */
export interface ProgramSet {
  programs: Program[];
  /** Disassembly of each program. */
  views: InsnView[][];
  /** Display name of each program (its first label or function, else its section). */
  names: string[];
  /** The session's index of each program, when this set is a part of the session's (frames report these). */
  index?: number[];
}

/** The verifier's abstract register values of program `prog` at instruction `pc`, when known. */
export type StatesAt = (prog: number, pc: number) => Record<string, string> | null;

/** At most this many timeline marks per recorded run (a loop of calls would otherwise flood the timeline). */
const MAX_MARKS = 2000;

/** A recorded run of one packet that the UI steps through. */
export class EbpfDebug {
  readonly total: number;
  readonly firstStep = 0;
  /** Tail-call and bpf-to-bpf call boundaries, by the step at which the new code starts. */
  readonly marks: TimelineMark[] = [];
  /** Whether the recorded run reached exit or a fault (false: the recording limit cut it). */
  private readonly ended: boolean;
  private readonly pcs: Int32Array;
  /** Program index of the instruction about to run at each step. */
  private readonly progs: Uint16Array;
  /** Tail calls taken (successful ones) before each step: the depth of the tail-call chain. */
  private readonly tailDepth: Uint8Array;
  private readonly regMasks: Uint16Array;
  /** Steps whose instruction wrote memory: region/offset/length. */
  private readonly writes = new Map<number, { region: string; offset: number; len: number }[]>();
  private readonly mapChanges = new Map<number, { map: string; key: string }[]>();
  private readonly insns: (Insn | null)[][];
  private readonly program: Program;
  /** Disassembly lines by instruction index (an ld_imm64 takes two slots but one line). */
  private readonly views: (InsnView | undefined)[][];

  constructor(
    readonly packet: number,
    private readonly vm: Vm,
    private readonly pe: PacketEnv,
    private readonly set: ProgramSet,
    private readonly progType: string,
    maxSteps: number,
    private readonly states: StatesAt | null,
  ) {
    this.program = set.programs[0]!;
    this.views = set.views.map((list) => {
      const byPc: (InsnView | undefined)[] = [];
      for (const v of list) byPc[v.index] = v;
      return byPc;
    });
    this.insns = set.programs.map((p) => decodeSlots(p.slots).insns);
    const st0 = vm.state();
    const pcs: number[] = [st0.pc];
    const progs: number[] = [st0.prog];
    const tails: number[] = [0];
    const masks: number[] = [];
    let depth = 0;
    let n = 0;
    while (!vm.done && n < maxSteps) {
      const rec = vm.step();
      let mask = 0;
      for (const w of rec.writes) mask |= 1 << w.reg;
      masks.push(mask);
      if (rec.mem.length) this.writes.set(n, rec.mem.map((w) => ({ region: w.region, offset: w.offset, len: w.after.length })));
      if (rec.maps.length) this.mapChanges.set(n, rec.maps.map((c) => ({ map: c.map, key: hexOf(c.key) })));
      const tc = rec.helper?.tailCall;
      if (tc?.ok) depth++;
      if (this.marks.length < MAX_MARKS) this.markStep(rec, depth);
      n++;
      pcs.push(rec.nextPc);
      progs.push(rec.nextProg);
      tails.push(Math.min(depth, 255));
    }
    this.total = n;
    this.ended = vm.done !== null;
    this.pcs = Int32Array.from(pcs);
    this.progs = Uint16Array.from(progs);
    this.tailDepth = Uint8Array.from(tails);
    this.regMasks = Uint16Array.from(masks);
  }

  private progName(k: number): string {
    return this.set.names[k] ?? `program ${k}`;
  }

  /** Records a boundary crossed by step `rec` (a tail call, a bpf-to-bpf call or its return). */
  private markStep(rec: StepRecord, depth: number): void {
    const at = rec.step + 1;
    const tc = rec.helper?.tailCall;
    if (tc) {
      this.marks.push(tc.ok && tc.prog !== null
        ? { step: at, kind: 'tail_call', label: `tail call ${depth} into ${this.progName(tc.prog)}` }
        : { step: at, kind: 'tail_call_failed', label: `tail call failed (counter ${tc.count}/33): execution continues in ${this.progName(rec.prog)}` });
      return;
    }
    if (rec.depthAfter > rec.depthBefore && !rec.helper) {
      const fn = this.set.programs[rec.nextProg]?.funcs?.[rec.nextPc] ?? labelAt(this.set.programs[rec.nextProg], rec.nextPc) ?? `insn ${rec.nextPc}`;
      this.marks.push({ step: at, kind: 'call', label: `call ${fn} (frame ${rec.depthAfter})` });
    } else if (rec.depthAfter < rec.depthBefore && !rec.done) {
      this.marks.push({ step: at, kind: 'return', label: `return to frame ${rec.depthAfter}` });
    }
  }

  lineAt(step: number): number | null {
    if (step > this.total) return null;
    if (step === this.total && this.vm.done) return null;
    const pc = this.pcs[step]!;
    return this.set.programs[this.progs[step]!]?.sourceMap?.[pc]?.line ?? null;
  }

  frame(step: number): StepFrame {
    const vm = this.vm;
    vm.seek(step);
    const st = vm.state();
    const done = st.done !== null && step >= this.total;
    // Peek at what the instruction about to run does, then undo it.
    let next: StepRecord | null = null;
    if (!done && st.done === null) {
      next = vm.step();
      vm.back();
    }
    const prevMask = step > 0 ? this.regMasks[step - 1]! : 0;
    const regs: RegView[] = st.regs.map((v, r) => ({
      name: REG_NAMES[r]!, value: step === 0 && r !== 1 && r !== 10 && v === 0n ? null : v, changed: ((prevMask >> r) & 1) === 1,
      kind: this.describePointer(v), abstract: null,
    }));
    if (this.states && !done) {
      const abs = this.states(st.prog, st.pc);
      if (abs) for (const reg of regs) reg.abstract = abs[reg.name] ?? null;
    }
    const stack = this.stackSlots(step);
    const changedMaps = new Map<string, Set<string>>();
    for (const c of this.mapChanges.get(step - 1) ?? []) {
      const set = changedMaps.get(c.map) ?? new Set<string>();
      set.add(c.key);
      changedMaps.set(c.map, set);
    }
    const access: ByteRange[] = next ? this.accessOf(next, st.regs) : [];
    const pc = done ? null : st.pc;
    const prog = st.prog;
    const progProgram = this.set.programs[prog] ?? this.program;
    const view = pc !== null ? this.views[prog]?.[pc] : undefined;
    let retval: string | null = null;
    let verdict: string | null = null;
    let fault: string | null = null;
    if (st.done?.kind === 'exit') {
      retval = String(st.done.r0 & 0xffffffffn);
      verdict = verdictOf(this.progType, st.done.r0, this.pe.packet.length).verdict;
    } else if (st.done?.kind === 'fault') fault = `insn ${st.done.insn}: ${st.done.message}`;
    return {
      packet: this.packet, step, total: this.total, firstStep: 0, recordLimit: this.ended ? null : this.total, pc, line: pc !== null ? progProgram.sourceMap?.[pc]?.line ?? null : null,
      insnText: view?.text ?? '', explain: next ? this.explain(next, view?.text ?? '') : '',
      prog: this.set.index?.[prog] ?? prog, progName: this.progName(prog), tailCalls: this.tailDepth[Math.min(step, this.total)] ?? 0, callDepth: st.depth,
      regs, stack, maps: mapViews(vm.maps, changedMaps, this.set.names), access, packetBytes: this.pe.isEvent ? null : this.pe.setup.packet.buf.slice(this.pe.setup.packet.mac, this.pe.setup.packet.dataEnd), output: st.outputs.map(outputLine),
      done: st.done !== null, retval, verdict, fault,
    };
  }

  private describePointer(v: bigint): string | null {
    const u = BigInt.asUintN(64, v);
    if (u < 0x10000n) return null;
    for (const r of this.vm.memory.regions) {
      const end = r.base + BigInt(r.bytes.length);
      if (u >= r.base && u <= end) {
        const off = Number(u - r.base);
        if (r.kind === 'stack') return `fp-${STACK_SIZE - off}`.replace('fp-0', 'fp');
        if (r.kind === 'packet') return u === end ? 'pkt_end' : `pkt+${off}`;
        if (r.kind === 'ctx') return `ctx+${off}`;
        if (r.kind === 'map_value') return `${r.name}+${off}`;
        if (r.kind === 'map') return r.name;
        return `${r.name}+${off}`;
      }
    }
    return null;
  }

  private stackSlots(step: number): StackSlotView[] {
    const region = this.vm.memory.get('stack');
    if (!region) return [];
    const written = new Uint8Array(STACK_SIZE);
    const lastChanged = new Set<number>();
    const spills = new Map<number, string>();
    for (const [s, ws] of this.writes) {
      if (s >= step) continue;
      for (const w of ws) {
        if (w.region !== 'stack') continue;
        for (let k = 0; k < w.len; k++) written[w.offset + k] = 1;
        if (s === step - 1) lastChanged.add(Math.floor(w.offset / 8));
      }
    }
    const bytes = region.bytes;
    const out: StackSlotView[] = [];
    for (let slot = 0; slot < STACK_SIZE / 8; slot++) {
      const base = slot * 8;
      let n = 0;
      const b: (number | null)[] = [];
      for (let k = 0; k < 8; k++) {
        const w = written[base + k] === 1;
        if (w) n++;
        b.push(w ? bytes[base + k]! : null);
      }
      if (n === 0) continue;
      let state: StackSlotView['state'] = n === 8 ? 'written' : 'partial';
      let note: string | null = null;
      if (n === 8) {
        const v = new DataView(bytes.buffer, bytes.byteOffset + base, 8).getBigUint64(0, true);
        const p = this.describePointer(v);
        if (p) {
          state = 'spill';
          note = p;
          spills.set(slot, p);
        }
      }
      out.push({ offset: base - STACK_SIZE, bytes: b, state, changed: lastChanged.has(slot), note });
    }
    return out;
  }

  private accessOf(rec: StepRecord, regs: bigint[]): ByteRange[] {
    const out: ByteRange[] = [];
    for (const w of rec.mem) if (w.region === 'packet') out.push({ start: w.offset + this.pe.frameOffset, len: w.after.length, kind: 'write' });
    const insn = this.insns[rec.prog]?.[rec.pc];
    if (!insn) return out;
    const pktRead = (addr: bigint, size: number) => {
      const u = BigInt.asUintN(64, addr);
      const off = Number(u - PACKET_BASE);
      if (u >= PACKET_BASE && off < this.pe.packet.length) out.push({ start: off + this.pe.frameOffset, len: size, kind: 'read' });
    };
    switch (insn.kind) {
      case 'ldx':
        pktRead(regs[insn.src]! + BigInt(insn.off), insn.size);
        break;
      case 'atomic':
        pktRead(regs[insn.dst]! + BigInt(insn.off), insn.size);
        break;
      case 'ldpkt': {
        const off = (insn.mode === 'ind' ? Number(BigInt.asIntN(32, regs[insn.src]!)) : 0) + insn.imm;
        if (off >= 0 && off < this.pe.packet.length) out.push({ start: off + this.pe.frameOffset, len: insn.size, kind: 'read' });
        break;
      }
      default:
        break;
    }
    if (rec.helper && (rec.helper.name === 'skb_load_bytes' || rec.helper.name === 'skb_load_bytes_relative')) {
      const [, off, , len] = rec.helper.args;
      if (off !== undefined && len !== undefined) out.push({ start: Number(off) + this.pe.frameOffset, len: Number(len), kind: 'read' });
    }
    return out;
  }

  private explain(rec: StepRecord, text: string): string {
    const parts = [text.replace(/^\S+:\s/, '')];
    const fmt = (v: bigint) => `0x${BigInt.asUintN(64, v).toString(16)}`;
    const insn = this.insns[rec.prog]?.[rec.pc];
    if (insn?.kind === 'ldpkt') parts.push(`reads ${insn.size} byte${insn.size > 1 ? 's' : ''} of the packet, big-endian`);
    if (rec.helper) parts.push(`calls bpf_${rec.helper.name}(${rec.helper.args.slice(0, 3).map(fmt).join(', ')}…)${rec.helper.ret !== null ? ` → ${fmt(rec.helper.ret)}` : ''}`);
    const tc = rec.helper?.tailCall;
    if (tc) parts.push(tc.ok && tc.prog !== null ? `tail call: jumps to ${this.progName(tc.prog)} (program ${tc.prog}), never returns` : `tail call fails (empty slot, bad index or counter at 33): continues here`);
    for (const w of rec.writes) if (w.reg !== 10) parts.push(`${REG_NAMES[w.reg]} ${fmt(w.before)} → ${fmt(w.after)}`);
    for (const m of rec.mem) parts.push(`writes ${m.after.length} byte${m.after.length > 1 ? 's' : ''} to ${m.region}+${m.offset}`);
    for (const c of rec.maps) parts.push(`map ${c.map}[${hexOf(c.key)}] ${c.after ? 'updated' : 'deleted'}`);
    if (insn?.kind === 'jmp') parts.push(rec.nextPc !== rec.pc + 1 ? `condition true: jumps to insn ${rec.nextPc}` : 'condition false: falls through');
    else if (rec.nextPc !== rec.pc + 1 && !rec.done && insn?.kind !== 'ldimm64' && !tc?.ok) parts.push(`jumps to insn ${rec.nextPc}`);
    if (rec.done?.kind === 'exit') parts.push(`returns ${fmt(rec.done.r0)}`);
    if (rec.done?.kind === 'fault') parts.push(`faults: ${rec.done.message}`);
    return parts.join(' — ');
  }
}

function labelAt(p: Program | undefined, pc: number): string | undefined {
  if (!p) return undefined;
  for (const [name, at] of Object.entries(p.labels)) if (at === pc) return name;
  return undefined;
}

/** Records the run of one input for stepping. `set.programs[0]` is the program the input enters. */
export function openDebug(
  packetIndex: number, set: ProgramSet, progType: string, input: RunInput, budget: number,
  states: StatesAt | null, maps?: MapImpl[], helperCtx?: unknown, regions?: RegionSpec[],
): EbpfDebug | string {
  const program = set.programs[0]!;
  const pe = envFor(program, progType, input, budget, maps, { programs: set.programs, helperCtx, regions });
  if (typeof pe === 'string') return pe;
  const { vm, diagnostics } = createVm({ ...pe.env, historyBytes: 32 * 1024 * 1024, checkpointEvery: 256 });
  if (!vm) return diagnostics.map((d) => formatDiagnostic(d)).join('; ');
  return new EbpfDebug(packetIndex, vm, pe, set, progType, budget, states);
}

