// The facade's eBPF runs: turns a program, a program type and a packet into a VM environment (the
// attach-point view from worker/progtypes/attach.ts: a socket filter on an AF_PACKET socket and tc see
// the Ethernet header, cgroup_skb and LWT the IP header, XDP L2 with headroom), runs it on the fast path
// for verdicts, and records a stepping session whose frames (registers, stack slots, maps, packet bytes,
// the bytes the next instruction reads or writes, outputs, an explanation) the UI fetches one at a time.
// It does not execute anything itself (worker/vm), nor define verdicts (worker/progtypes/table.ts).

import { decodeSlots, type Insn } from '../isa/insn';
import type { Program } from '../isa/program';
import { prepareAttachView } from '../progtypes/attach';
import { vmEnvFor } from '../progtypes/run';
import { TEST_RUN_TYPES, type TestRunSetup, type TestRunType } from '../progtypes/testrun';
import { PROG_TYPE_NAMES, PROG_TYPES, verdictName, type ProgTypeName } from '../progtypes/table';
import { createVm, runFast, CTX_BASE, PACKET_BASE, type RegionSpec, type StepRecord, type Vm, type VmEnv } from '../vm/index';
import type { MapImpl } from '../maps/types';
import type { OutputEvent } from '../helpers/types';
import { formatDiagnostic } from '../util/diag';
import type { ByteRange, InsnView, MapView, PacketVerdict, RegView, StackSlotView, StepFrame } from './types';

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

/** The VM environment for a non-packet event: the context bytes (and, for sk_skb, the message data). */
export function eventEnv(program: Program, progType: string, ctx: Uint8Array, data: Uint8Array | null, budget: number, maps?: MapImpl[]): PacketEnv {
  const layout = (PROG_TYPE_NAMES as readonly string[]).includes(progType) ? PROG_TYPES[progType as ProgTypeName].ctx : null;
  const ptr = (name: string) => layout?.fields.find((f) => f.name === name);
  const packet = data ?? new Uint8Array(0);
  const ptrFields = [];
  if (data) {
    const d = ptr('data'), e = ptr('data_end');
    if (d) ptrFields.push({ off: d.off, size: d.size, target: 'packet' });
    if (e) ptrFields.push({ off: e.off, size: e.size, target: 'packet_end' });
  }
  const regions: RegionSpec[] = [{ name: 'ctx', kind: 'ctx', base: CTX_BASE, bytes: ctx, writable: true, ptrFields }];
  if (data) regions.push({ name: 'packet', kind: 'packet', base: PACKET_BASE, bytes: packet, writable: true });
  const env: VmEnv = { program, regions, ctxRegion: 'ctx', budget, maps };
  const setup = { type: progType, view: 'attach', ctxLayout: layout, ctx, pointers: [], packet: { buf: packet, data: 0, dataEnd: packet.length, dataMeta: 0, mac: 0, network: 0, limit: packet.length } } as unknown as TestRunSetup;
  return { env, setup, packet, frameOffset: 0, isEvent: true };
}

/** The VM environment for one packet at the program type's attach point, or an error message. */
export function packetEnv(program: Program, progType: string, frame: Uint8Array, budget: number, maps?: MapImpl[]): PacketEnv | string {
  if (!isPacketType(progType)) return `${progType} programs run on events, not packets: choose events for this program type`;
  const r = prepareAttachView(progType, frame);
  if (!r.setup) return r.diagnostics.map((d) => formatDiagnostic(d)).join('; ') || 'cannot build the context';
  const s = r.setup;
  const p = s.packet;
  const packet = p.buf.subarray(p.data, p.dataEnd);
  const env = vmEnvFor(program, s, { budget }, maps);
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
}

function envFor(program: Program, progType: string, input: RunInput, budget: number, maps?: MapImpl[]): PacketEnv | string {
  // Each run gets its own copy: programs may write the packet or the context.
  return input.kind === 'ctx'
    ? eventEnv(program, progType, input.bytes.slice(), input.data ? input.data.slice() : null, budget, maps)
    : packetEnv(program, progType, input.bytes, budget, maps);
}

/** One packet or event on the fast path. Maps persist between runs when `maps` is given. */
export function runPacket(index: number, program: Program, progType: string, input: RunInput, budget: number, maps?: MapImpl[]): PacketVerdict {
  const pe = envFor(program, progType, input, budget, maps);
  if (typeof pe === 'string') return { index, retval: '0', verdict: 'not run', verdictClass: 'fault', keptLen: null, insns: 0, fault: pe };
  const r = runFast(pe.env);
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

function mapViews(maps: MapImpl[], changed: Map<string, Set<string>>): MapView[] {
  return maps.map((m) => ({
    name: m.def.name, type: m.def.type, keySize: m.def.keySize, valueSize: m.def.valueSize, maxEntries: m.def.maxEntries,
    entries: m.entries().slice(0, 1000).map((e) => ({ key: hexOf(e.key), value: hexOf(e.value) })),
    changed: [...(changed.get(m.def.name) ?? [])],
  }));
}

const REG_NAMES = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'r10'];

/** A recorded run of one packet that the UI steps through. */
export class EbpfDebug {
  readonly total: number;
  readonly firstStep = 0;
  /** Whether the recorded run reached exit or a fault (false: the recording limit cut it). */
  private readonly ended: boolean;
  private readonly pcs: Int32Array;
  private readonly regMasks: Uint16Array;
  /** Steps whose instruction wrote memory: region/offset/length. */
  private readonly writes = new Map<number, { region: string; offset: number; len: number }[]>();
  private readonly mapChanges = new Map<number, { map: string; key: string }[]>();
  private readonly insns: (Insn | null)[];

  constructor(
    readonly packet: number,
    private readonly vm: Vm,
    private readonly pe: PacketEnv,
    private readonly program: Program,
    private readonly progType: string,
    private readonly views: InsnView[],
    maxSteps: number,
    private readonly states: ((pc: number) => Record<string, string> | null) | null,
  ) {
    this.insns = decodeSlots(program.slots).insns;
    const pcs: number[] = [vm.state().pc];
    const masks: number[] = [];
    let n = 0;
    while (!vm.done && n < maxSteps) {
      const rec = vm.step();
      let mask = 0;
      for (const w of rec.writes) mask |= 1 << w.reg;
      masks.push(mask);
      if (rec.mem.length) this.writes.set(n, rec.mem.map((w) => ({ region: w.region, offset: w.offset, len: w.after.length })));
      if (rec.maps.length) this.mapChanges.set(n, rec.maps.map((c) => ({ map: c.map, key: hexOf(c.key) })));
      n++;
      pcs.push(rec.nextPc);
    }
    this.total = n;
    this.ended = vm.done !== null;
    this.pcs = Int32Array.from(pcs);
    this.regMasks = Uint16Array.from(masks);
  }

  lineAt(step: number): number | null {
    if (step > this.total) return null;
    if (step === this.total && this.vm.done) return null;
    const pc = this.pcs[step]!;
    return this.program.sourceMap?.[pc]?.line ?? null;
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
      const abs = this.states(st.pc);
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
    const view = pc !== null ? this.views[pc] : undefined;
    let retval: string | null = null;
    let verdict: string | null = null;
    let fault: string | null = null;
    if (st.done?.kind === 'exit') {
      retval = String(st.done.r0 & 0xffffffffn);
      verdict = verdictOf(this.progType, st.done.r0, this.pe.packet.length).verdict;
    } else if (st.done?.kind === 'fault') fault = `insn ${st.done.insn}: ${st.done.message}`;
    return {
      packet: this.packet, step, total: this.total, firstStep: 0, recordLimit: this.ended ? null : this.total, pc, line: pc !== null ? this.program.sourceMap?.[pc]?.line ?? null : null,
      insnText: view?.text ?? '', explain: next ? this.explain(next, view?.text ?? '') : '',
      regs, stack, maps: mapViews(vm.maps, changedMaps), access, packetBytes: this.pe.isEvent ? null : this.pe.setup.packet.buf.slice(this.pe.setup.packet.mac, this.pe.setup.packet.dataEnd), output: st.outputs.map(outputLine),
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
    const insn = this.insns[rec.pc];
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
    const insn = this.insns[rec.pc];
    if (insn?.kind === 'ldpkt') parts.push(`reads ${insn.size} byte${insn.size > 1 ? 's' : ''} of the packet, big-endian`);
    if (rec.helper) parts.push(`calls bpf_${rec.helper.name}(${rec.helper.args.slice(0, 3).map(fmt).join(', ')}…)${rec.helper.ret !== null ? ` → ${fmt(rec.helper.ret)}` : ''}`);
    for (const w of rec.writes) if (w.reg !== 10) parts.push(`${REG_NAMES[w.reg]} ${fmt(w.before)} → ${fmt(w.after)}`);
    for (const m of rec.mem) parts.push(`writes ${m.after.length} byte${m.after.length > 1 ? 's' : ''} to ${m.region}+${m.offset}`);
    for (const c of rec.maps) parts.push(`map ${c.map}[${hexOf(c.key)}] ${c.after ? 'updated' : 'deleted'}`);
    if (insn?.kind === 'jmp') parts.push(rec.nextPc !== rec.pc + 1 ? `condition true: jumps to insn ${rec.nextPc}` : 'condition false: falls through');
    else if (rec.nextPc !== rec.pc + 1 && !rec.done && insn?.kind !== 'ldimm64') parts.push(`jumps to insn ${rec.nextPc}`);
    if (rec.done?.kind === 'exit') parts.push(`returns ${fmt(rec.done.r0)}`);
    if (rec.done?.kind === 'fault') parts.push(`faults: ${rec.done.message}`);
    return parts.join(' — ');
  }
}

export function openDebug(
  packetIndex: number, program: Program, progType: string, input: RunInput, views: InsnView[], budget: number,
  states: ((pc: number) => Record<string, string> | null) | null, maps?: MapImpl[],
): EbpfDebug | string {
  const pe = envFor(program, progType, input, budget, maps);
  if (typeof pe === 'string') return pe;
  const { vm, diagnostics } = createVm({ ...pe.env, historyBytes: 32 * 1024 * 1024, checkpointEvery: 256 });
  if (!vm) return diagnostics.map((d) => formatDiagnostic(d)).join('; ');
  return new EbpfDebug(packetIndex, vm, pe, program, progType, views, budget, states);
}

