// The engine facade: the one typed surface the browser app reaches through comlink (worker/entry.ts).
// Plain synchronous TypeScript over the engine modules (asm, cbpf, verifier, vm, progtypes, events,
// packets); every function takes and returns plain data (worker/api/types.ts) named for what the UI shows.
// It keeps one session — the last built program, the inputs (packets or events), the maps shared by the
// packets of a run, and the recorded run of the packet being stepped — so the UI fetches only the frame
// it shows. Long work is split by the caller: runPackets(from, count) runs one chunk (with an optional
// progress callback, a comlink proxy in the app), so the app can show progress, cancel between chunks,
// and terminate the worker (watchdog) without losing anything: every call can be replayed from inputs.
// It owns no semantics (assembling, verifying, executing, verdict names are the modules') and never
// throws across the boundary: problems come back as diagnostics or error strings.
//
// API, in the order the app uses it: examples/example, progTypes, languageInfo, samplePackets,
// eventInputs (non-packet types), build, setInputs, verify (verifierReport(k) for the other programs of a
// source), runPackets, debugOpen, frame, findBreakpoint, packetDetail, packetSummaries,
// readCapture/writeCapture, buildPacket, parsePacketHex, compileFilter.
// Seccomp filters are an extra, classic-only program type ('seccomp', not in the eBPF progtypes table):
// built with checkSeccomp(), run over system calls (struct seccomp_data) with SECCOMP_RET_* verdicts.
//
// Several programs: an LLVM-dialect source with several code sections (`.section socket`, `.section
// socket/1`, … as clang -S prints several SEC()s) loads every one of them — index 0 is the first, the one
// inputs enter; the others are what bpf_tail_call reaches through a prog_array (the VM's `programs`).
// As samples/bpf's loader did for `socket/N` / `kprobe/N` sections, program N's slot N of the first
// prog_array holds it unless the user set that map's contents. build() lists them (programs), verify()
// checks each (programs: their verdicts; verifierReport(k) the full report of one), frames say which
// program a step is in and its tail-call depth, debugOpen() returns the call/tail-call marks.
// Stepping any input is exact: runPackets keeps checkpoints of what carries between inputs (the maps, the
// sock_ops connection) every `snapEvery` inputs (chosen so they fit CHECKPOINT_BUDGET bytes), and
// debugOpen(i) restores the nearest one and re-runs the inputs in between on the fast path.
// Event inputs read the events file's memory blobs (kept by eventInputs) as read-only regions for
// bpf_probe_read_*; packet inputs carry their attach point (PacketInput.meta: direction, ifindex, an LWT
// route), and an LWT packet whose destination is outside the route is not run ("not routed through this
// program"), as worker/events/format.ts leaves it out of an events file for `cli run --events`.
// sock_ops scenario callbacks are played on a simulated connection (worker/events/sockets.ts SockOpsSim):
// each verdict carries the reply, its effect on the connection and the connection after it.
// sk_skb sources with both an `sk_skb/stream_parser` and an `sk_skb/stream_verdict` section run as the
// kernel's strparser does (net/strparser/strparser.c, net/core/skmsg.c sk_psock_strp_*): the parser gets
// the bytes received so far (what an earlier event left plus this event's data) and returns the length of
// the next message (0 or more than it has: wait for more data; negative: error, the bytes are dropped);
// each whole message goes to the verdict program; the rest waits for the socket's next data.

import { HELPER_NAMES } from '../helpers/ids.generated';
import { ISA } from '../isa/opcodes';
import { PROG_TYPE_NAMES, PROG_TYPES, verdictName, type ProgTypeName } from '../progtypes/table';
import { EXAMPLES } from '../examples/index.generated';
import type { ExampleFile } from '../examples/types';
import type {
  BuildRequest, BuildResult, ByteRange, Capabilities, DiagnosticView, Dialect, ExampleMeta, InsnView, LanguageInfo,
  MapEntryView, MapView, PacketDetail, PacketForm, PacketInput, PacketLayer, PacketVerdict, ProgTypeView, ProgramView, RegView, StepFrame, TimelineMark, VerifierReport,
} from './types';
import type { Diagnostic } from '../util/diag';
import { checkClassic, checkSeccomp, classicToProgram, compileFilter, detectCbpf, formatTcpdump, parseCbpf, skbContextFor } from '../cbpf/index';
import { bpfImage } from '../cbpf/formats';
import { assemble } from '../asm/index';
import { disassemble } from '../asm/disasm';
import type { Program } from '../isa/program';
import { mapViews, openDebug, progArrayNote, runPacket, type ProgramSet, type RunInput } from './ebpf-run';
import { assembleLlvm } from '../asm/llvm/assemble';
import { progTypeForSection, streamParserVerdict } from '../progtypes/table';
import { cloneSocket, setsockoptNames, SockOpsSim, sockOpsReplyEffect, type SimSocket, type SockOpsEvent, type SockOpsSimState } from '../events/sockets';
import { materializeEvents, memoryRegions, notRoutedReason, parseEventsFile, type EventTask } from '../events/format';
import type { AttachMeta } from '../progtypes/attach';
import { buildSockOpsCtx } from '../events/sockets';
import { NAMED, type EventsFile } from '../events/format';
import { ARG_REGS, KPROBE_CATALOGUE } from '../events/kprobe';
import { SOCK_OP_NAMES, SOCK_OPS, SOCK_OPS_SCENARIOS, TCP_STATES, newSocket } from '../events/sockets';
import { TRACEPOINT_CATALOGUE, tracepointInfo } from '../events/tracepoint';
import { PT_REGS_NAMES } from '../progtypes/ctx';
import { eventEnv, packetEnv } from './ebpf-run';
import { runFast, type RegionSpec } from '../vm/index';
import type { CtxFieldView, CtxView, EventCatalogue } from './types';
import { createMap, type MapImpl } from '../maps/types';
import '../maps/index';
import { helperProto } from '../helpers/protos';
import { verify as verifyProgram } from '../verifier/index';
import { initState, step as cbpfStep, run as cbpfRun, socketVerdict, type CbpfContext, type CbpfEffect, type SkbContext } from '../cbpf/interp';
import {
  parseSeccompEvents, SECCOMP_DESCRIPTION, SECCOMP_VERDICTS, seccompContextFromBytes, seccompDataBytes, seccompDataFields, seccompEventsText,
  seccompVerdictMeaning, seccompVerdictView,
} from './seccomp';
import { cbpfRow, type SockFilter } from '../cbpf/insn';
import { SAMPLES, buildSample } from '../packets/samples';
import { buildPacket, type LayerSpec } from '../packets/build';
import { parseHex } from '../packets/hex';
import { decodePacket } from '../packets/decode';
import { readCapture, writePcap } from '../packets/pcap';
import { formatDiagnostic } from '../util/diag';

export * from './types';

const LLVM_KEYWORDS: { name: string; doc: string }[] = [
  { name: 'goto', doc: 'Jump: `goto label` (JA), `if rX <op> rY|imm goto label` (JMP), `if wX … goto` (JMP32).' },
  { name: 'if', doc: 'Conditional jump. Unsigned ops: == != > >= < <= &; signed: s> s>= s< s<=.' },
  { name: 'call', doc: 'Call a helper by name or id (`call bpf_map_lookup_elem`), or a bpf-to-bpf subprogram (`call label`).' },
  { name: 'callx', doc: 'Indirect call through a register (cpu v4 extension; not accepted by the Linux verifier).' },
  { name: 'exit', doc: 'Return from the program or subprogram; r0 holds the return value.' },
  { name: 'll', doc: '`rX = imm ll`: a 64-bit immediate load (ld_imm64, two instruction slots).' },
  { name: 'lock', doc: '`lock *(u64 *)(rX + off) += rY`: an atomic read-modify-write (BPF_ATOMIC).' },
  { name: 'skb', doc: '`r0 = *(u16 *)skb[12]`: legacy LD_ABS/LD_IND packet load, big-endian, through the skb in r6.' },
  { name: 'be16', doc: 'Convert to big-endian (byte swap on little-endian hosts), 16 bits.' },
  { name: 'be32', doc: 'Convert to big-endian, 32 bits.' },
  { name: 'be64', doc: 'Convert to big-endian, 64 bits.' },
  { name: 'le16', doc: 'Convert to little-endian (truncate on little-endian hosts), 16 bits.' },
  { name: 'le32', doc: 'Convert to little-endian, 32 bits.' },
  { name: 'le64', doc: 'Convert to little-endian, 64 bits (no-op on little-endian hosts).' },
  { name: 'bswap16', doc: 'Unconditional byte swap, 16 bits (cpu v4).' },
  { name: 'bswap32', doc: 'Unconditional byte swap, 32 bits (cpu v4).' },
  { name: 'bswap64', doc: 'Unconditional byte swap, 64 bits (cpu v4).' },
  { name: 'atomic_fetch_add', doc: 'Atomic add returning the old value.' },
  { name: 'atomic_fetch_and', doc: 'Atomic and returning the old value.' },
  { name: 'atomic_fetch_or', doc: 'Atomic or returning the old value.' },
  { name: 'atomic_fetch_xor', doc: 'Atomic xor returning the old value.' },
  { name: 'xchg', doc: 'Atomic exchange returning the old value.' },
  { name: 'cmpxchg', doc: 'Atomic compare-and-exchange: compares with r0, returns the old value in r0.' },
  { name: 'may_goto', doc: 'A bounded-loop escape hatch (BPF_JCOND): jumps when the loop budget is exhausted.' },
  { name: 'gotol', doc: 'Long jump with a 32-bit offset (JMP32 | JA, cpu v4).' },
];

const CBPF_MNEMONICS = [
  'ld', 'ldi', 'ldh', 'ldb', 'ldx', 'ldxi', 'ldxb', 'st', 'stx', 'jmp', 'ja', 'jeq', 'jneq', 'jne', 'jlt', 'jle', 'jgt',
  'jge', 'jset', 'add', 'sub', 'mul', 'div', 'mod', 'neg', 'and', 'or', 'xor', 'lsh', 'rsh', 'tax', 'txa', 'ret',
];

function toMeta(e: ExampleFile): ExampleMeta {
  return {
    id: e.id, section: e.section, title: e.title, type: e.type, dialect: e.dialect ?? 'llvm',
    summary: e.summary ?? '', task: e.task ?? null, expect: e.expect ?? null,
  };
}

function isProgType(name: string): name is ProgTypeName {
  return (PROG_TYPE_NAMES as readonly string[]).includes(name);
}

const PACKET_TYPES = new Set<string>([
  'socket_filter', 'sched_cls', 'sched_act', 'xdp', 'cgroup_skb', 'lwt_in', 'lwt_out', 'lwt_xmit',
]);


/** The verifier's abstract register values of program `prog` at an instruction (first state seen there), when a report exists. */
let verifierStateAt: ((prog: number, pc: number) => Record<string, string> | null) | null = null;
/** The verifier's reports of every program of the session (index = program index). */
let verifierReports: VerifierReport[] = [];

// ---- conversions ------------------------------------------------------------------------------

function diagView(d: Diagnostic): DiagnosticView {
  return {
    severity: d.severity, message: d.message, line: d.loc.line ?? null, col: d.loc.col ?? null,
    endCol: d.loc.endCol ?? null, insn: d.loc.insn ?? null, code: d.code ?? null,
  };
}

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16) || 0;
  return out;
}

function bytesToHex(b: Uint8Array, sep = ''): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += (i && sep ? sep : '') + b[i]!.toString(16).padStart(2, '0');
  return s;
}

/** A list label for a frame: the decoder's one-line summary without the Ethernet addresses. */
function packetName(frame: Uint8Array): string {
  const s = decodePacket(frame).summary;
  const t = s.replace(/^Ethernet [0-9a-f:]+ > [0-9a-f:]+,?\s*/, '');
  return t || s || `${frame.length} bytes`;
}

// ---- the session ------------------------------------------------------------------------------

/** A recorded run of one packet that the UI can look at step by step. */
interface DebugSession {
  packet: number;
  /** Number of steps taken; frames go from 0 (before the first instruction) to total (after the last). */
  total: number;
  firstStep: number;
  /** The source line of the instruction about to run at each step (for breakpoints). */
  lineAt(step: number): number | null;
  frame(step: number): StepFrame;
  /** Tail-call and bpf-to-bpf call boundaries of the recorded run. */
  marks?: TimelineMark[];
}

type Built =
  | { kind: 'cbpf'; filters: SockFilter[]; lines: (number | null)[]; insns: InsnView[] }
  | { kind: 'ebpf'; program: Program; insns: InsnView[]; syntax: 'llvm' | 'ubpf'; set: ProgramSet; progArrays: Record<string, MapEntryView[]>; pair: StreamPair | null }
  | { kind: 'none' };

/** A sock_ops scenario callback: the connection it belongs to and the socket that connection starts from. */
interface SockOpsInput {
  group: number;
  event: SockOpsEvent;
  socket: SimSocket;
}

/** An sk_skb stream parser and stream verdict pair: indices into the session's programs. */
interface StreamPair {
  parser: number;
  verdict: number;
}

/** What carries from one input to the next in a run: the maps, the simulated sock_ops connection, and
 * the bytes each sk_skb socket received that the stream parser has not made a message of yet. */
interface RunState {
  maps: MapImpl[];
  sim: SockOpsSim | null;
  group: number;
  streams: Map<number, Uint8Array>;
}

/** A checkpoint of RunState before an input. */
interface Checkpoint {
  maps: unknown[];
  sim: SockOpsSimState | null;
  group: number;
  streams: Map<number, Uint8Array>;
}

interface Session {
  progType: string;
  built: Built;
  /** The state of the run in progress (kernel semantics: maps persist between packets). */
  run: RunState | null;
  /** Inputs [0, ranTo) of the current run have run. */
  ranTo: number;
  /** Checkpoints of the run state before input i, for i a multiple of snapEvery. */
  checkpoints: Map<number, Checkpoint>;
  snapEvery: number;
  /** The programs with the user's initial map contents (built lazily per build + inputs). */
  runSet: ProgramSet | null;
  packets: RunInput[];
  /** sock_ops scenario callbacks by input index. */
  sockOps: (SockOpsInput | null)[];
  /** sk_skb messages: the socket each arrives on, by input index. */
  sockets: number[];
  /** The events file's memory blobs (kept by eventInputs) as read-only regions for bpf_probe_read_*. */
  memory: RegionSpec[];
  /** Per input: the event's task as helpers see it (`env.ctx.cgroup`, `env.ctx.stack`), or null. */
  tasks: (EventTask | null)[];
  names: string[];
  maps: Record<string, MapEntryView[]>;
  maxInsns: number;
  debug: DebugSession | null;
}

const session: Session = {
  progType: 'socket_filter', built: { kind: 'none' }, run: null, ranTo: 0, checkpoints: new Map(), snapEvery: 16, runSet: null,
  packets: [], sockOps: [], sockets: [], memory: [], tasks: [], names: [], maps: {}, maxInsns: 1_000_000, debug: null,
};

function fmtHex(v: number): string {
  return `0x${(v >>> 0).toString(16)}`;
}

/** The program with the user's initial map contents applied (prog_arrays default to the section numbering). */
function withInitialMaps(p: Program): Program {
  const b = session.built;
  const defaults = b.kind === 'ebpf' ? b.progArrays : {};
  if (!Object.keys(session.maps).length && !Object.keys(defaults).length) return p;
  return { ...p, maps: p.maps.map((m) => (session.maps[m.name] ? { ...m, initial: session.maps[m.name] } : defaults[m.name] ? { ...m, initial: defaults[m.name] } : m)) };
}

/** The session's programs as runs use them (index 0 with the initial map contents; all share its maps). */
function runSet(): ProgramSet | null {
  const b = session.built;
  if (b.kind !== 'ebpf') return null;
  if (!session.runSet) {
    const first = withInitialMaps(b.program);
    session.runSet = { ...b.set, programs: [first, ...b.set.programs.slice(1)] };
  }
  return session.runSet;
}

function freshMaps(p: Program): MapImpl[] | string {
  const out: MapImpl[] = [];
  for (const d of p.maps) {
    const m = createMap(d);
    if ('severity' in m) return m.message;
    out.push(m);
  }
  return out;
}

/** The session's programs as runs use them (program 0 with the initial map contents, prog_array slots
 * included), for differential tests against the kernel. Not part of the worker API. */
export function sessionPrograms(): Program[] | null {
  return runSet()?.programs ?? null;
}

/** Bytes all checkpoints of one run may take (estimated from the map definitions). */
const CHECKPOINT_BUDGET = 64 * 1024 * 1024;
/** At least this many inputs between checkpoints (re-running up to 15 inputs to step one costs little). */
const MIN_SNAP_EVERY = 16;

/** Inputs between checkpoints: every MIN_SNAP_EVERY, or sparser when the maps are big, so that the
 * checkpoints of `inputs` inputs stay within CHECKPOINT_BUDGET (an upper bound: full maps). */
export function snapEveryFor(inputs: number, maps: readonly { keySize: number; valueSize: number; maxEntries: number }[]): number {
  let bytes = 256; // the sock_ops connection and bookkeeping
  for (const m of maps) bytes += Math.max(64, m.maxEntries * Math.max(1, m.keySize + m.valueSize + 8));
  return Math.max(MIN_SNAP_EVERY, Math.ceil((inputs * bytes) / CHECKPOINT_BUDGET));
}

/** Steps recorded for stepping one packet (the fast path runs the full budget). */
const DEBUG_RECORD_LIMIT = 250_000;

/** A context struct shown like a decoded packet: one layer, a field per member of the type's layout. */
function ctxDetail(index: number, name: string, bytes: Uint8Array, progType: string): PacketDetail {
  const t = isProgType(progType) ? PROG_TYPES[progType] : null;
  const fields = (t?.ctx.fields ?? []).filter((f) => f.off + f.size <= bytes.length).map((f) => {
    let v = 0n;
    const n = Math.min(f.elem ?? f.size, 8);
    for (let k = n - 1; k >= 0; k--) v = (v << 8n) | BigInt(bytes[f.off + k]!);
    return { name: f.name, offset: f.off, length: f.size, value: `0x${v.toString(16)}${f.elem ? ' …' : ''}` };
  });
  return {
    index, name, bytes, current: bytes, summary: `${bytes.length} bytes of ${t?.ctx.struct ?? 'context'}`,
    layers: [{ name: `struct ${t?.ctx.struct ?? 'ctx'}`, offset: 0, length: bytes.length, fields }],
  };
}

/** The default events a program type runs on (the events-file format of worker/events/format.ts). */
const DEFAULT_EVENTS: Record<string, unknown[]> = {
  kprobe: [
    { function: 'do_sys_openat2' }, { function: 'vfs_read' }, { function: 'tcp_retransmit_skb' },
    { function: 'do_sys_openat2', kretprobe: true, ret: 3 },
  ],
  tracepoint: [
    { tracepoint: 'syscalls/sys_enter_openat', fields: { dfd: -100, filename: '0x7ffd1000', flags: 0, mode: 0 }, pid: 1234 },
    { tracepoint: 'syscalls/sys_enter_openat', fields: { dfd: -100, filename: '0x7ffd1100', flags: 577, mode: 420 }, pid: 4321 },
  ],
  perf_event: [
    { samplePeriod: 100000, regs: { rip: '0xffffffff81234567' } },
    { samplePeriod: 100000, regs: { rip: '0x401136' } },
    { samplePeriod: 100000, regs: { rip: '0xffffffff81234567' } },
  ],
  sock_ops: [{ scenario: 'active-connect' }],
  cgroup_sock: [
    { family: 'AF_INET', type: 'SOCK_STREAM', protocol: 'IPPROTO_TCP' },
    { family: 'AF_INET', type: 'SOCK_DGRAM', protocol: 'IPPROTO_UDP' },
    { family: 'AF_INET6', type: 'SOCK_STREAM', protocol: 'IPPROTO_TCP' },
    { family: 'AF_INET', type: 'SOCK_RAW', protocol: 'IPPROTO_ICMP' },
  ],
  sk_skb: [{ socket: 0, text: 'GET / HTTP/1.1\r\nHost: example.com\r\n\r\n' }, { socket: 0, text: 'PING\r\n' }],
};

function defaultEventsText(progType: string): string {
  return JSON.stringify({ version: 1, type: progType, events: DEFAULT_EVENTS[progType] ?? [] }, null, 2);
}

// ---- classic BPF --------------------------------------------------------------------------------

function insnViews(p: Program, syntax: 'llvm' | 'ubpf'): InsnView[] {
  const d = disassemble(p, { syntax, labels: true });
  return d.lines.map((l) => ({
    index: l.pc, line: p.sourceMap?.[l.pc]?.line ?? null, bytes: l.bytes,
    text: `${l.label ? `${l.label}: ` : ''}${l.text}${l.error ? `  ; ${l.error}` : ''}`,
  }));
}

/** Section names a source opens (`.section NAME` / `.pushsection NAME`), in order, without repeats. */
function sectionNames(source: string): string[] {
  const out: string[] = [];
  for (const line of source.split('\n')) {
    const m = /^\s*\.(?:push)?section\s+(?:"([^"]+)"|([^\s,#;"]+))/.exec(line);
    const name = m?.[1] ?? m?.[2];
    if (name && !out.includes(name)) out.push(name);
  }
  return out;
}

/** A program's display name: its entry function symbol or first label, else its section. */
function programName(p: Program, fallback: string): string {
  const fn = p.funcs?.[0];
  if (fn) return fn;
  for (const [name, at] of Object.entries(p.labels)) if (at === 0 && !name.startsWith('.')) return name;
  return p.section ?? fallback;
}

/**
 * Every program of an LLVM-dialect source: the one the assembler picked first, then each other code
 * section (other than .text, whose functions are sub-programs) assembled on its own. Sections the
 * assembler refuses as programs (data, errors) are left out; their errors stay with that section.
 */
export function loadPrograms(source: string, main: Program, syntax: 'llvm' | 'ubpf'): { programs: Program[]; loaded: string[] } {
  const programs = [main];
  const loaded: string[] = [];
  if (syntax !== 'llvm' || main.section === undefined) return { programs, loaded };
  for (const name of sectionNames(source)) {
    if (name === main.section || name === '.text') continue;
    const r = assembleLlvm(source, { section: name });
    if (!r.program || r.diagnostics.some((d) => d.severity === 'error') || r.program.slots.length === 0) continue;
    programs.push(r.program);
    loaded.push(name);
  }
  return { programs, loaded };
}

/** prog_array contents implied by section names: program k of section `…/N` in slot N of the first
 * prog_array (samples/bpf's bpf_load.c put `socket/N`, `kprobe/N` … programs there the same way). */
export function progArrayDefaults(programs: Program[], progType: string, warn: (p: Program, message: string) => void): Record<string, MapEntryView[]> {
  const pa = programs[0]!.maps.find((m) => m.type === 'prog_array');
  if (!pa) return {};
  const le = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff].map((x) => x.toString(16).padStart(2, '0')).join('');
  const entries: MapEntryView[] = [];
  programs.forEach((p, k) => {
    const m = /\/(\d+)$/.exec(p.section ?? '');
    if (!m) return;
    const slot = Number(m[1]);
    // bpf_prog_map_compatible(): a prog_array holds programs of one type only; the update fails with -EINVAL.
    const type = progTypeForSection(p.section!);
    if (type && type !== progType) {
      warn(p, `section ${p.section} holds a ${type} program: the kernel would not put it in ${pa.name} with ${progType} programs (bpf_prog_map_compatible, -EINVAL), so slot ${slot} stays empty`);
      return;
    }
    if (slot >= pa.maxEntries) {
      warn(p, `section ${p.section}: slot ${slot} is past ${pa.name}'s max_entries ${pa.maxEntries} (-E2BIG), so it stays out`);
      return;
    }
    if (!entries.some((e) => e.key === le(slot))) entries.push({ key: le(slot), value: le(k) });
  });
  return entries.length ? { [pa.name]: entries } : {};
}

function buildEbpf(source: string, dialect: 'llvm' | 'ubpf' | 'auto'): BuildResult {
  const r = assemble(source, { syntax: dialect });
  let diagnostics = r.diagnostics.map(diagView);
  const ok = r.program !== null && !diagnostics.some((d) => d.severity === 'error');
  session.runSet = null;
  session.run = null;
  if (!ok || !r.program) {
    session.built = { kind: 'none' };
    return { ok: false, dialect: r.syntax, diagnostics, insns: [], maps: [], translated: null };
  }
  const { programs, loaded } = loadPrograms(source, r.program, r.syntax);
  // The assembler warns that it ignored the other sections: here they are loaded as programs.
  diagnostics = diagnostics.filter((d) => !(d.code === 'asm.section' && loaded.some((n) => d.message.startsWith(`section ${n} ignored`))));
  const views = programs.map((p) => insnViews(p, r.syntax));
  const names = programs.map((p, k) => programName(p, `program ${k}`));
  const insns = views[0]!;
  const progArrays = progArrayDefaults(programs, session.progType, (p, message) => {
    diagnostics.push({ severity: 'warning', message, line: p.sourceMap?.find((x) => x)?.line ?? null, col: null, endCol: null, insn: null, code: 'api.prog_array' });
  });
  const parser = programs.findIndex((p) => p.section === 'sk_skb/stream_parser');
  const verdict = programs.findIndex((p) => p.section === 'sk_skb/stream_verdict');
  const pair = parser >= 0 && verdict >= 0 ? { parser, verdict } : null;
  session.built = { kind: 'ebpf', program: r.program, insns, syntax: r.syntax, set: { programs, views, names }, progArrays, pair };
  const maps: MapView[] = r.program.maps.map((m) => ({
    name: m.name, type: m.type, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries,
    entries: (m.initial ?? progArrays[m.name] ?? []).map((e) => {
      const note = progArrayNote(m.type, e.value, names);
      return note ? { key: e.key, value: e.value, note } : { key: e.key, value: e.value };
    }),
    changed: [],
  }));
  const programViews: ProgramView[] = programs.map((p, k) => ({
    index: k, name: names[k]!, section: p.section ?? null, progType: p.section ? progTypeForSection(p.section) ?? null : null, insns: views[k]!,
  }));
  return { ok: true, dialect: r.syntax, diagnostics, insns, maps, translated: null, programs: programViews };
}

/** A seccomp `ret #k` as the disassembly shows it: the action in hex with its SECCOMP_RET_* name. */
function seccompRetText(k: number): string {
  return `ret      #0x${(k >>> 0).toString(16).padStart(8, '0')}  ; ${seccompVerdictView(k >>> 0).name}`;
}

/** The kernel's eBPF form of a seccomp filter: seccomp_check_filter() first rewrites `ld #len` /
 * `ldx #len` into the immediate sizeof(struct seccomp_data) and marks `ld [k]` as a seccomp_data load,
 * which bpf_convert_filter() then emits as `w0 = *(u32 *)(r6 + k)` (A = *(u32 *)(ctx + k)) instead of
 * a packet load; everything else translates as for socket filters. For display, line to line. */
function seccompToProgram(filters: readonly SockFilter[], lines: (number | null)[]): ReturnType<typeof classicToProgram> {
  const pre = filters.map((f) => (f.code === 0x80 ? { ...f, code: 0x00, k: 64 } : f.code === 0x81 ? { ...f, code: 0x01, k: 64 } : f));
  const t = classicToProgram(pre, lines.map((l) => l ?? 0));
  if (!t.program) return t;
  const slots = t.program.slots.slice();
  t.map.forEach(([a, b], pc) => {
    if (filters[pc]?.code !== 0x20) return;
    for (let k = a; k <= b; k++) {
      const sl = slots[k]!;
      // BPF_LD | BPF_ABS | BPF_W -> BPF_LDX | BPF_MEM | BPF_W, A (r0) from CTX (r6) + k
      if (sl.opcode === 0x20) slots[k] = { opcode: 0x61, dst: 0, src: 6, off: sl.imm, imm: 0 };
    }
  });
  return { ...t, program: { ...t.program, slots } };
}

/** Program types that exist only as classic BPF (not in the eBPF program-type table). */
const CLASSIC_ONLY_TYPES = new Set<string>(['seccomp']);

function buildClassic(source: string, seccomp: boolean): BuildResult {
  const parsed = parseCbpf(source);
  const diagnostics = parsed.diagnostics.map(diagView);
  if (!parsed.filters) {
    session.built = { kind: 'none' };
    return { ok: false, dialect: 'cbpf', diagnostics, insns: [], maps: [], translated: null };
  }
  const lines = parsed.filters.map((_, i) => parsed.lines?.[i] ?? null);
  const check = seccomp ? checkSeccomp(parsed.filters) : checkClassic(parsed.filters);
  for (const d of check.diagnostics) {
    const v = diagView(d);
    if (v.line === null && v.insn !== null) v.line = lines[v.insn] ?? null;
    diagnostics.push(v);
  }
  const insns: InsnView[] = parsed.filters.map((f, i) => ({
    index: i, line: lines[i] ?? null, text: seccomp && f.code === 0x06 ? seccompRetText(f.k) : bpfImage(f, i).replace(/^\(\d+\)\s*/, ''),
    bytes: `${f.code.toString(16).padStart(4, '0')} ${f.jt.toString(16).padStart(2, '0')} ${f.jf.toString(16).padStart(2, '0')} ${(f.k >>> 0).toString(16).padStart(8, '0')}`,
  }));
  const ok = check.ok && !diagnostics.some((d) => d.severity === 'error');
  session.built = ok ? { kind: 'cbpf', filters: parsed.filters, lines, insns } : { kind: 'none' };
  let translated: InsnView[] | null = null;
  if (ok) {
    const t = seccomp ? seccompToProgram(parsed.filters, lines) : classicToProgram(parsed.filters, lines.map((l) => l ?? 0));
    if (t.program) {
      const back = new Map<number, number>();
      t.map.forEach(([a, b], pc) => { for (let k = a; k <= b; k++) back.set(k, pc); });
      translated = insnViews(t.program, 'llvm').map((v) => ({ ...v, line: back.has(v.index) ? back.get(v.index)! : null }));
    }
  }
  return { ok, dialect: 'cbpf', diagnostics, insns, maps: [], translated };
}

function classicCtx(frame: Uint8Array): SkbContext {
  // A socket filter on an AF_PACKET socket: the data starts at the Ethernet header.
  return skbContextFor(frame, 'packet_socket');
}

/** The classic context an input becomes: struct seccomp_data for seccomp, else an skb on a packet socket. */
function classicInputCtx(bytes: Uint8Array, seccomp: boolean): CbpfContext {
  return seccomp ? seccompContextFromBytes(bytes) : classicCtx(bytes);
}

function seccompRunVerdict(index: number, filters: SockFilter[], data: Uint8Array, maxInsns: number): PacketVerdict {
  const r = cbpfRun(filters, seccompContextFromBytes(data), maxInsns);
  if (r.ret === null) return { index, retval: '0', verdict: 'fault', verdictClass: 'fault', keptLen: null, insns: r.steps, fault: r.fault ?? 'fault' };
  const v = seccompVerdictView(r.ret);
  return { index, retval: String(r.ret >>> 0), verdict: v.name, verdictClass: v.cls, keptLen: null, insns: r.steps, fault: null };
}

function classicVerdict(index: number, filters: SockFilter[], frame: Uint8Array, maxInsns: number): PacketVerdict {
  const r = cbpfRun(filters, classicCtx(frame), maxInsns);
  if (r.ret === null) return { index, retval: '0', verdict: 'fault', verdictClass: 'fault', keptLen: null, insns: r.steps, fault: r.fault ?? 'fault' };
  const v = socketVerdict(r.ret, frame.length);
  return {
    index, retval: String(r.ret >>> 0), verdict: v.accept ? (v.keep < frame.length ? `keep ${v.keep} bytes` : 'keep all') : 'drop',
    verdictClass: v.accept ? 'keep' : 'drop', keptLen: v.accept ? v.keep : 0, insns: r.steps, fault: null,
  };
}

function classicDebug(packet: number, filters: SockFilter[], lines: (number | null)[], insns: InsnView[], input: Uint8Array, maxInsns: number, seccomp = false): DebugSession {
  const ctx = classicInputCtx(input, seccomp);
  // The context view: the frame, or the 64 bytes of struct seccomp_data the filter loads from.
  const frame = ctx.kind === 'seccomp' ? seccompDataBytes(ctx) : input;
  const st = initState(ctx);
  const states = [{ pc: st.pc, A: st.A, X: st.X, M: st.M.slice(), ret: st.ret, fault: st.fault }];
  const effects: CbpfEffect[] = [];
  let abort: string | null = null;
  while (st.ret === null && st.fault === null && effects.length < maxInsns) {
    const e = cbpfStep(filters, st, ctx);
    effects.push(e);
    if (e.abort) abort = e.abort;
    states.push({ pc: st.pc, A: st.A, X: st.X, M: st.M.slice(), ret: st.ret, fault: st.fault });
  }
  const total = effects.length;
  return {
    packet, total, firstStep: 0,
    lineAt: (n) => {
      const s = states[n];
      return s && s.ret === null && s.fault === null ? lines[s.pc] ?? null : null;
    },
    frame: (n) => {
      const s = states[n]!;
      const prev = n > 0 ? states[n - 1]! : null;
      const done = s.ret !== null || s.fault !== null;
      const next = effects[n];
      const access: ByteRange[] = [];
      if (next?.read && next.read.at !== null) access.push({ start: next.read.at, len: next.read.size, kind: 'read' });
      const reg = (name: string, v: number, before: number | undefined): RegView => ({
        name, value: BigInt(v >>> 0), changed: before !== undefined && before !== v, kind: null, abstract: null,
      });
      const regs: RegView[] = [reg('A', s.A, prev?.A), reg('X', s.X, prev?.X)];
      s.M.forEach((m, i) => regs.push(reg(`M[${i}]`, m, prev?.M[i])));
      const pc = done ? null : s.pc;
      const insnText = pc !== null ? insns[pc]?.text ?? '' : '';
      let verdict: string | null = null;
      if (s.ret !== null) verdict = seccomp ? seccompVerdictView(s.ret).name : socketVerdict(s.ret, frame.length).name;
      return {
        packet, step: n, total, firstStep: 0, recordLimit: null, pc, line: pc !== null ? lines[pc] ?? null : null, insnText,
        explain: pc !== null ? explainClassic(filters[pc]!, next, seccomp) : s.fault ? `Stopped: ${s.fault}` : `Returned ${s.ret} (${verdict})${abort ? ` — ${abort}` : ''}`,
        regs, stack: [], maps: [], access, packetBytes: frame, output: [], done,
        retval: s.ret !== null ? String(s.ret >>> 0) : null, verdict, fault: s.fault,
      };
    },
  };
}

function explainClassic(f: SockFilter, e: CbpfEffect | undefined, seccomp = false): string {
  const text = bpfImage(f, e?.pc ?? 0).replace(/^\(\d+\)\s*/, '').replace(/\s+/g, ' ');
  if (!e) return text;
  const parts = [text];
  if (e.read && seccomp) parts.push(`reads ${SECCOMP_FIELD_AT[e.read.off] ?? `seccomp_data byte ${e.read.off}`}${e.read.value !== null ? ` = ${fmtHex(e.read.value)}` : ''}`);
  else if (e.read) parts.push(e.read.ancillary ? `reads ${e.read.ancillary}` : `reads ${e.read.size} byte${e.read.size > 1 ? 's' : ''} at packet offset ${e.read.off}${e.read.value !== null ? ` = ${fmtHex(e.read.value)}` : ''}`);
  if (e.A[0] !== e.A[1]) parts.push(`A becomes ${fmtHex(e.A[1])}`);
  if (e.X[0] !== e.X[1]) parts.push(`X becomes ${fmtHex(e.X[1])}`);
  if (e.mem) parts.push(`M[${e.mem.index}] becomes ${fmtHex(e.mem.after)}`);
  const row = cbpfRow(f.code);
  if (row?.kind === 'jmp') {
    const taken = e.nextPc === e.pc + 1 + f.jt;
    const operand = row.src === 'x' ? `X (${fmtHex(e.X[0])})` : fmtHex(f.k);
    parts.push(`compares A (${fmtHex(e.A[0])}) with ${operand}: ${taken ? 'true' : 'false'}, continues at ${e.nextPc}`);
  } else if (e.nextPc !== e.pc + 1 && e.ret === undefined) parts.push(`jumps to ${e.nextPc}`);
  if (e.ret !== undefined && seccomp) parts.push(`returns ${fmtHex(e.ret)}: SECCOMP_RET_${seccompVerdictView(e.ret).name}, ${seccompVerdictMeaning(e.ret)}`);
  else if (e.ret !== undefined) parts.push(`returns ${e.ret >>> 0}: ${e.ret === 0 ? 'the packet is dropped' : 'the socket gets up to that many bytes'}`);
  if (e.abort) parts.push(e.abort);
  return parts.join(' — ');
}

/** Names of the 32-bit words of struct seccomp_data (little-endian host: the low half of a u64 comes first). */
const SECCOMP_FIELD_AT: Record<number, string> = { 0: 'nr', 4: 'arch', 8: 'instruction_pointer (low 32 bits)', 12: 'instruction_pointer (high 32 bits)' };
for (let i = 0; i < 6; i++) {
  SECCOMP_FIELD_AT[16 + 8 * i] = `args[${i}] (low 32 bits)`;
  SECCOMP_FIELD_AT[20 + 8 * i] = `args[${i}] (high 32 bits)`;
}

// ---- runs: the state carried between inputs, checkpoints, sock_ops connections ------------------

function freshRunState(): RunState | string {
  const set = runSet();
  if (!set) return 'no program';
  const maps = freshMaps(set.programs[0]!);
  return typeof maps === 'string' ? maps : { maps, sim: null, group: -1, streams: new Map() };
}

function checkpointOf(st: RunState): Checkpoint {
  return { maps: st.maps.map((m) => m.snapshot()), sim: st.sim ? st.sim.snapshot() : null, group: st.group, streams: new Map(st.streams) };
}

/** The run state before input `i`: the nearest checkpoint at or before it, then the inputs in between
 * re-run on the fast path (the engine is deterministic, so this is what the full run had). */
function stateBefore(i: number): RunState | string {
  let c = Math.floor(i / session.snapEvery) * session.snapEvery;
  while (c > 0 && !session.checkpoints.has(c)) c -= session.snapEvery;
  const st = freshRunState();
  if (typeof st === 'string') return st;
  const cp = session.checkpoints.get(c);
  if (cp) {
    st.maps.forEach((m, k) => m.restore(cp.maps[k]));
    st.sim = cp.sim ? SockOpsSim.restore(cp.sim) : null;
    st.group = cp.group;
    st.streams = new Map(cp.streams);
  } else c = 0;
  for (let j = c; j < i; j++) execInput(j, st);
  return st;
}

/** The little-endian u32 at `off` of a context. */
function ctxU32(b: Uint8Array, off: number): number {
  return off + 4 <= b.length ? new DataView(b.buffer, b.byteOffset).getUint32(off, true) : 0;
}

interface Prepared {
  /** The input as the program gets it (a sock_ops callback's context comes from the connection). */
  input: RunInput;
  helperCtx: unknown;
  /** sock_ops: the callback and the options before it (to see what the run set). */
  sockOps: { ev: SockOpsInput; before: Record<string, Uint8Array>; sim: SockOpsSim } | null;
  /** Set when the kernel would not call the program at all (a sock_ops callback whose flag is off). */
  notCalled: { why: string; op: string; timeMs: number; connection: string } | null;
  /** LWT: why the packet does not reach the program (its destination is outside the route), or absent. */
  notRouted?: string;
}

/** The attach point of a packet as the engine uses it (only well-formed values; the route is kept as text). */
function attachMeta(v: NonNullable<PacketInput['meta']>): AttachMeta & { route?: string } {
  const m: AttachMeta & { route?: string } = {};
  if (v.direction === 'ingress' || v.direction === 'egress') m.direction = v.direction;
  if (Number.isInteger(v.ifindex) && v.ifindex! > 0 && v.ifindex! < 2 ** 31) m.ifindex = v.ifindex;
  if (typeof v.route === 'string' && v.route.trim()) m.route = v.route;
  return m;
}

function opName(op: number): string {
  return SOCK_OP_NAMES[op] ?? `op ${op}`;
}

/** Moves the run state to input `i` and says what the program gets (the input, the helpers' context, with the
 * event's task merged in). */
function prepareInput(i: number, st: RunState): Prepared {
  const p = prepareInputOnly(i, st);
  const task = session.tasks[i];
  if (!task || p.notCalled) return p;
  return { ...p, helperCtx: { ...(p.helperCtx as object | undefined), ...task } };
}

/** An event's task as plain JSON (hex stack frames) for the UI, and back. */
function taskDto(t: EventTask): NonNullable<PacketInput['task']> {
  const hex = (a: bigint[] | undefined) => a?.map((v) => `0x${v.toString(16)}`);
  return { ...(t.cgroup !== undefined ? { cgroup: t.cgroup } : {}), ...(t.stack ? { stack: { ...(t.stack.kernel ? { kernel: hex(t.stack.kernel) } : {}), ...(t.stack.user ? { user: hex(t.stack.user) } : {}) } } : {}) };
}

function taskFromDto(t: NonNullable<PacketInput['task']>): EventTask | null {
  const big = (a: unknown): bigint[] | undefined => {
    if (!Array.isArray(a)) return undefined;
    const out: bigint[] = [];
    for (const v of a) {
      if (typeof v !== 'string' || !/^0x[0-9a-f]{1,16}$/i.test(v)) return undefined;
      out.push(BigInt(v));
    }
    return out;
  };
  const task: EventTask = {};
  if (typeof t.cgroup === 'string' && t.cgroup.startsWith('/')) task.cgroup = t.cgroup;
  const k = big(t.stack?.kernel), u = big(t.stack?.user);
  if (k || u) task.stack = { ...(k ? { kernel: k } : {}), ...(u ? { user: u } : {}) };
  return task.cgroup !== undefined || task.stack ? task : null;
}

function prepareInputOnly(i: number, st: RunState): Prepared {
  const input = session.packets[i]!;
  const so = session.sockOps[i] ?? null;
  if (session.progType === 'sock_ops' && so) {
    if (!st.sim || st.group !== so.group) {
      st.sim = new SockOpsSim(so.socket);
      st.group = so.group;
    }
    const sim = st.sim;
    const b = sim.begin(so.event);
    if (!b.ctx) {
      const why = `not called: the socket's bpf_sock_ops_cb_flags lack 0x${(so.event.needsFlag ?? 0).toString(16)} (BPF_SOCK_OPS_TEST_FLAG)`;
      return { input, helperCtx: null, sockOps: null, notCalled: { why, op: opName(so.event.op), timeMs: sim.st.clockMs, connection: sim.describe() } };
    }
    const sockopts = (sim.sock.sockopts ??= {});
    const helperCtx = { sockOps: { cbFlags: sim.sock.cbFlags, sockopts, fullsock: ctxU32(b.ctx, 72) === 1, log: [] as string[], socketIndex: 0 } };
    return { input: { kind: 'ctx', bytes: b.ctx, data: null }, helperCtx, sockOps: { ev: so, before: { ...sockopts }, sim }, notCalled: null };
  }
  if (session.progType === 'sock_ops' && input.kind === 'ctx') {
    // A single callback: the helpers work on a socket of its own, as its context describes it.
    const helperCtx = { sockOps: { cbFlags: ctxU32(input.bytes, 84), sockopts: {}, fullsock: ctxU32(input.bytes, 72) === 1, log: [] as string[], socketIndex: 0 } };
    return { input, helperCtx, sockOps: null, notCalled: null };
  }
  const notRouted = input.kind === 'packet' ? notRoutedReason(session.progType, input.bytes, input.meta) : null;
  return { input, helperCtx: undefined, sockOps: null, notCalled: null, ...(notRouted ? { notRouted } : {}) };
}

/** The stepping session of a callback the kernel does not call: no steps, one frame saying why. */
function notCalledSession(packet: number, n: NonNullable<Prepared['notCalled']>, maps: MapImpl[], names: string[]): DebugSession {
  const frame: StepFrame = {
    packet, step: 0, total: 0, firstStep: 0, recordLimit: null, pc: null, line: null, insnText: '',
    explain: `${n.op} is ${n.why}; the connection moves on: ${n.connection}`,
    regs: [], stack: [], maps: mapViews(maps, new Map(), names), access: [], packetBytes: null, output: [],
    done: true, retval: null, verdict: 'not called', fault: null, prog: 0, progName: names[0], tailCalls: 0, callDepth: 0,
  };
  return { packet, total: 0, firstStep: 0, lineAt: () => null, frame: () => frame };
}

/** The stepping session of an LWT packet outside the program's route: no steps, one frame saying why. */
function notRoutedSession(packet: number, why: string, maps: MapImpl[], names: string[]): DebugSession {
  const frame: StepFrame = {
    packet, step: 0, total: 0, firstStep: 0, recordLimit: null, pc: null, line: null, insnText: '',
    explain: `The packet is ${why}: the kernel routes it elsewhere and the program never sees it.`,
    regs: [], stack: [], maps: mapViews(maps, new Map(), names), access: [], packetBytes: null, output: [],
    done: true, retval: null, verdict: why, fault: null, prog: 0, progName: names[0], tailCalls: 0, callDepth: 0,
  };
  return { packet, total: 0, firstStep: 0, lineAt: () => null, frame: () => frame };
}

/** The stream parser / verdict pair, when this session runs sk_skb programs as one. */
function streamPair(): StreamPair | null {
  const b = session.built;
  return session.progType === 'sk_skb' && b.kind === 'ebpf' ? b.pair : null;
}

/** A program of the session on its own (an sk_skb parser or verdict run): frames keep its session index. */
function soloSet(set: ProgramSet, k: number): ProgramSet {
  return { programs: [set.programs[k]!], views: [set.views[k]!], names: [set.names[k]!], index: [k] };
}

/** The __sk_buff and data of one sk_skb program run over `data` (len = its length, as the skb has). */
function streamInput(input: RunInput, data: Uint8Array): RunInput {
  const ctx = input.bytes.slice();
  if (ctx.length >= 4) new DataView(ctx.buffer).setUint32(0, data.length, true);
  return { kind: 'ctx', bytes: ctx, data: data.slice() };
}

/** One program run of the strparser loop: which program, on which bytes, and what it means. */
interface StreamRun {
  prog: number;
  input: RunInput;
  role: 'parser' | 'verdict';
  label: string;
}

/**
 * The strparser loop over the bytes a socket has (kept ones first): the parser's answer decides each
 * message, the verdict program runs on it. Advances st (maps, kept bytes); returns every run, the verdicts
 * and a summary. `record` sees each run before it happens (stepping records it on its own copy).
 */
function streamLoop(i: number, st: RunState, pair: StreamPair, record?: (run: StreamRun) => void): { verdict: PacketVerdict; parts: string[] } {
  const set = runSet()!;
  const input = session.packets[i]!;
  const sock = session.sockets[i] ?? 0;
  const kept = st.streams.get(sock) ?? new Uint8Array(0);
  const data = input.data ?? new Uint8Array(0);
  const buf = new Uint8Array(kept.length + data.length);
  buf.set(kept);
  buf.set(data, kept.length);
  const parts: string[] = [];
  let off = 0;
  let insns = 0;
  let fault: string | null = null;
  let last: PacketVerdict | null = null;
  let drops = 0;
  const run = (prog: number, role: StreamRun['role'], bytes: Uint8Array, label: string): PacketVerdict => {
    const ri = streamInput(input, bytes);
    record?.({ prog, input: ri, role, label });
    const v = runPacket(i, set.programs[prog]!, 'sk_skb', ri, session.maxInsns, st.maps, { programs: [set.programs[prog]!] });
    insns += v.insns;
    if (v.fault) fault ??= `${set.names[prog]}: ${v.fault}`;
    return v;
  };
  st.streams.delete(sock);
  for (let n = 0; off < buf.length && n < 256; n++) {
    const rest = buf.subarray(off);
    const p = run(pair.parser, 'parser', rest, `stream parser on ${rest.length} bytes${off === 0 && kept.length ? ` (${kept.length} kept from before)` : ''}`);
    if (p.fault) break;
    const len = Number(BigInt.asIntN(32, BigInt(p.retval)));
    if (len < 0) {
      parts.push(`parser error ${len}: ${rest.length} bytes dropped`);
      drops++;
      break;
    }
    if (len === 0 || len > rest.length) {
      st.streams.set(sock, rest.slice());
      parts.push(`${rest.length} bytes kept: the parser waits for more data${len > rest.length ? ` (wants ${len})` : ''}`);
      break;
    }
    last = run(pair.verdict, 'verdict', rest.subarray(0, len), `stream verdict on message ${parts.length + 1} (${len} bytes)`);
    if (last.fault) break;
    if (last.verdictClass === 'drop') drops++;
    parts.push(`${len} bytes: ${last.verdict}`);
    off += len;
  }
  const verdict: PacketVerdict = {
    index: i, retval: last?.retval ?? '0', verdict: fault ? 'fault' : parts.join('; ') || 'no data', verdictClass: fault ? 'fault' : drops ? 'drop' : last ? 'pass' : 'other',
    keptLen: null, insns, fault,
  };
  return { verdict, parts };
}

/** Records every program run of an sk_skb input (parser, then verdicts) as one stepping session. */
function streamSession(packet: number, st: RunState, pair: StreamPair): DebugSession | string {
  const set = runSet()!;
  const segs: { d: DebugSession; off: number; label: string; role: StreamRun['role'] }[] = [];
  let off = 0;
  let error: string | null = null;
  // Each run is recorded on its own copy of the maps as they were just before it.
  const recordOne = (run: StreamRun) => {
    if (error || segs.length >= 64) return;
    const maps = freshMaps(set.programs[0]!);
    if (typeof maps === 'string') {
      error = maps;
      return;
    }
    maps.forEach((m, k) => m.restore(st.maps[k]!.snapshot()));
    const d = openDebug(packet, soloSet(set, run.prog), 'sk_skb', run.input, Math.min(session.maxInsns, DEBUG_RECORD_LIMIT), verifierStateAt, maps);
    if (typeof d === 'string') {
      error = d;
      return;
    }
    segs.push({ d, off, label: run.label, role: run.role });
    off += d.total + 1;
  };
  streamLoop(packet, st, pair, recordOne);
  if (error) return error;
  if (!segs.length) return 'no data to parse';
  const total = off - 1;
  const at = (g: number) => {
    let k = segs.length - 1;
    while (k > 0 && segs[k]!.off > g) k--;
    return { s: segs[k]!, local: g - segs[k]!.off, k };
  };
  const marks: TimelineMark[] = [];
  for (const s of segs) {
    marks.push({ step: s.off, kind: 'run', label: s.label });
    for (const m of s.d.marks ?? []) marks.push({ ...m, step: m.step + s.off });
  }
  return {
    packet, total, firstStep: 0, marks,
    lineAt: (g) => {
      const { s, local } = at(g);
      return s.d.lineAt(local);
    },
    frame: (g) => {
      const { s, local, k } = at(g);
      const f = s.d.frame(local);
      const interim = k < segs.length - 1 && local === s.d.total;
      const next = segs[k + 1];
      // A parser's return value is a message length, not SK_PASS/SK_DROP.
      const parsed = s.role === 'parser' && f.retval !== null ? { verdict: streamParserVerdict(Number(f.retval)) } : {};
      return {
        ...f, ...parsed, step: g, total, firstStep: 0,
        ...(interim ? {
          done: false, verdict: null, retval: null,
          explain: `${s.label} returned ${f.retval ?? '?'}${f.fault ? ` (fault: ${f.fault})` : ''}; next: ${next?.label ?? ''}`,
        } : {}),
      };
    },
  };
}

/** The events file's memory blobs, for the non-packet inputs that may point at them. */
function eventRegions(): RegionSpec[] | undefined {
  return session.memory.length ? session.memory : undefined;
}

/** Runs input `i` on the fast path with the run state (which it advances) and returns its verdict. */
function execInput(i: number, st: RunState): PacketVerdict {
  const set = runSet()!;
  const pair = streamPair();
  if (pair && session.packets[i]?.kind === 'ctx') return streamLoop(i, st, pair).verdict;
  const prep = prepareInput(i, st);
  if (prep.notCalled) {
    const n = prep.notCalled;
    return {
      index: i, retval: '0', verdict: 'not called', verdictClass: 'other', keptLen: null, insns: 0, fault: null,
      sockOps: { timeMs: n.timeMs, op: n.op, delivered: false, retval: null, reply: null, effect: n.why, connection: n.connection, helperLog: [] },
    };
  }
  if (prep.notRouted) return { index: i, retval: '0', verdict: prep.notRouted, verdictClass: 'other', keptLen: null, insns: 0, fault: null };
  let outcome: PacketVerdict['sockOps'];
  const v = runPacket(i, set.programs[0]!, session.progType, prep.input, session.maxInsns, st.maps, { programs: set.programs, helperCtx: prep.helperCtx, regions: eventRegions() }, (ctxAfter, retval, faulted) => {
    if (session.progType !== 'sock_ops') return;
    const log = (prep.helperCtx as { sockOps: { log: string[] } }).sockOps.log;
    const op = ctxU32(prep.input.bytes, 0);
    const reply = ctxU32(ctxAfter, 4);
    if (prep.sockOps) {
      const { ev, before, sim } = prep.sockOps;
      // A program that faults is treated as one that returned 0: tcp_call_bpf ignores its reply.
      const e = sim.end(ev.event, faulted ? 0 : retval, ctxAfter, before, setsockoptNames(log));
      outcome = { timeMs: sim.st.clockMs, op: opName(ev.event.op), delivered: true, retval, reply: e.reply, effect: e.effect, connection: sim.describe(), helperLog: log.slice() };
    } else {
      outcome = { timeMs: 0, op: opName(op), delivered: true, retval, reply, effect: sockOpsReplyEffect(op, faulted ? 0 : retval, reply), connection: '', helperLog: log.slice() };
    }
  });
  if (outcome) {
    v.sockOps = outcome;
    if (!v.fault) {
      v.verdict = outcome.effect;
      v.verdictClass = outcome.retval === 1 ? 'pass' : 'drop';
    }
  }
  return v;
}

// ---- event editors and the context view (G) ---------------------------------------------------

/** The context a packet type's program gets for packet `index` at its attach point (read-only: packets
 * come from the builder, samples or a capture), before and after the run, maps as the earlier packets left them. */
function packetCtxView(progType: ProgTypeName, index: number): CtxView | null {
  const set = runSet();
  const input = session.packets[index];
  if (!set || !input) return null;
  const st = stateBefore(index);
  if (typeof st === 'string') return null;
  const notRouted = notRoutedReason(progType, input.bytes, input.meta);
  const pe = packetEnv(set.programs[0]!, progType, input.bytes, session.maxInsns, st.maps, { programs: set.programs }, input.meta);
  if (typeof pe === 'string') return null;
  const before = pe.setup.ctx.slice();
  // An LWT packet outside the route never reaches the program: the context it would get, not run.
  const r = notRouted ? null : runFast(pe.env);
  const rows = ctxRows(progType, {}, before, r ? pe.setup.ctx : null);
  return {
    struct: rows.struct, size: before.length, event: null, editable: false, ran: r !== null,
    fault: notRouted ?? (r?.fault ? `insn ${r.fault.insn}: ${r.fault.message}` : null), fields: rows.fields,
  };
}

function eventCatalogue(): EventCatalogue {
  const named = (prefix: string) => Object.entries(NAMED).filter(([k]) => k.startsWith(prefix)).map(([name, value]) => ({ name, value }));
  const sock = newSocket();
  return {
    // example values as a user writes them: addresses in hex, small numbers in decimal
    kprobe: KPROBE_CATALOGUE.map((k) => ({ name: k.name, description: k.description, ret: k.ret, args: k.args.map((a) => ({ ...a })), example: k.example.map(exampleText), exampleRet: exampleText(k.exampleRet) })),
    ptRegs: [...PT_REGS_NAMES], argRegs: [...ARG_REGS],
    tracepoints: TRACEPOINT_CATALOGUE.map((t) => ({
      id: t.id, description: t.description,
      fields: t.format.fields.map((f) => ({ name: f.name, ctype: f.ctype, offset: f.offset, size: f.size, signed: f.signed, arrayLen: f.arrayLen ?? null, dataLoc: !!f.dataLoc, common: f.common })),
    })),
    sockOps: Object.entries(SOCK_OPS).map(([name, value]) => ({ name, value })),
    scenarios: Object.entries(SOCK_OPS_SCENARIOS).map(([id, x]) => ({ id, title: x.title, role: x.role, ops: x.events.map((e) => SOCK_OP_NAMES[e.op] ?? String(e.op)), callbacks: scenarioCallbacks(x) })),
    tcpStates: [...TCP_STATES], families: named('AF_'), sockTypes: named('SOCK_'), protocols: named('IPPROTO_'),
    socketDefaults: { family: sock.family, localAddr: sock.localAddr, localPort: sock.localPort, remoteAddr: sock.remoteAddr, remotePort: sock.remotePort, state: sock.state, sndCwnd: sock.sndCwnd, srttUs: sock.srttUs, mssCache: sock.mssCache },
  };
}

/** A scenario as single callbacks (op, args, the socket as it is at that callback: only what differs from a
 * new socket), for an editor that turns a scenario into a list it can change one callback of. */
function scenarioCallbacks(x: (typeof SOCK_OPS_SCENARIOS)[string]): EventCatalogue['scenarios'][number]['callbacks'] {
  const fresh = newSocket() as unknown as Record<string, unknown>;
  const sock = newSocket(x.role === 'passive' ? { localAddr: '198.51.100.20', localPort: 80 } : {}) as unknown as Record<string, unknown>;
  return x.events.map((e) => {
    Object.assign(sock, e.set ?? {});
    const socket: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(sock)) {
      if (v === fresh[k] || (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'bigint')) continue;
      socket[k] = k === 'state' ? TCP_STATES[Number(v)] ?? Number(v) : typeof v === 'bigint' ? v.toString() : v;
    }
    return { op: SOCK_OP_NAMES[e.op] ?? String(e.op), args: [...(e.args ?? [])], socket, note: e.note ?? null };
  });
}

function exampleText(x: number | bigint): string {
  const b = BigInt(x);
  return b > 0xffffn ? `0x${b.toString(16)}` : b.toString();
}

/** Little-endian unsigned value of bytes [off, off+size) as "0x…", or the NUL-terminated text. */
function ctxValue(b: Uint8Array, off: number, size: number, text: boolean): string {
  if (off + size > b.length) return '';
  if (text) {
    let e = off;
    while (e < off + size && b[e] !== 0) e++;
    let pct = '';
    for (let k = off; k < e; k++) pct += `%${b[k]!.toString(16).padStart(2, '0')}`;
    try {
      return decodeURIComponent(pct); // UTF-8 (no TextDecoder in the engine's lib)
    } catch {
      return String.fromCharCode(...b.subarray(off, e));
    }
  }
  let v = 0n;
  for (let k = Math.min(size, 8) - 1; k >= 0; k--) v = (v << 8n) | BigInt(b[off + k]!);
  return `0x${v.toString(16)}`;
}

/** A readable form of a context value: names of constants, dotted IPv4 addresses, ports in host order. */
function ctxNote(progType: ProgTypeName, name: string, b: Uint8Array, off: number, size: number): string | undefined {
  if (off + size > b.length) return undefined;
  const v = Number(ctxValue(b, off, Math.min(size, 4), false));
  const named = (prefix: string) => Object.entries(NAMED).find(([k, x]) => k.startsWith(prefix) && x === v)?.[0];
  if (name === 'family') return named('AF_');
  if (name === 'op' && progType === 'sock_ops') return SOCK_OP_NAMES[v];
  if (name === 'state' && (progType === 'sock_ops' || progType === 'cgroup_sock')) return v > 0 ? TCP_STATES[v] : undefined;
  if (progType === 'cgroup_sock' && name === 'type') return named('SOCK_');
  if (progType === 'cgroup_sock' && name === 'protocol') return named('IPPROTO_');
  if (/_ip4$/.test(name) && size === 4) return [...b.subarray(off, off + 4)].join('.');
  if (name === 'remote_port') return `port ${(b[off + 2]! << 8) | b[off + 3]!}`;
  if (name === 'dst_port') return `port ${(b[off]! << 8) | b[off + 1]!}`;
  if (name === 'local_port' || name === 'src_port') return `port ${v}`;
  return undefined;
}

/** The rows of the context view: the type's ctx layout (array fields per element) or a tracepoint's format. */
function ctxRows(progType: ProgTypeName, raw: Record<string, unknown>, before: Uint8Array, after: Uint8Array | null): { struct: string; fields: CtxFieldView[] } {
  const rows: CtxFieldView[] = [];
  if (progType === 'tracepoint') {
    const tp = typeof raw.tracepoint === 'string' ? tracepointInfo(raw.tracepoint) : undefined;
    for (const f of tp?.format.fields ?? []) {
      const text = f.arrayLen !== undefined && f.ctype === 'char';
      const ctype = f.dataLoc ? `__data_loc ${f.ctype}` : f.arrayLen !== undefined ? `${f.ctype}[${f.arrayLen}]` : f.ctype;
      const loc = (b: Uint8Array) => {
        const v = Number(ctxValue(b, f.offset, 4, false));
        return ctxValue(b, v & 0xffff, v >>> 16, true);
      };
      const val = (b: Uint8Array) => (f.dataLoc ? loc(b) : ctxValue(b, f.offset, f.size, text));
      rows.push({
        name: f.name, offset: f.offset, size: f.size, ctype, doc: f.common ? 'Common header of every trace record (not readable by the program).' : '',
        value: val(before), after: after ? val(after) : null, kind: text || f.dataLoc ? 'text' : ctype.includes('*') ? 'pointer' : 'int', signed: f.signed, read: f.offset >= 8, write: false,
      });
    }
    return { struct: tp ? `trace_event_raw ${tp.id}` : 'tracepoint record', fields: rows };
  }
  const layout = PROG_TYPES[progType].ctx;
  // kprobe: which argument of the probed function each argument register holds (its BTF prototype)
  const fn = progType === 'kprobe' ? KPROBE_CATALOGUE.find((k) => k.name === raw.function) : undefined;
  const argNote = (name: string): string | undefined => {
    const k = (ARG_REGS as readonly string[]).indexOf(name);
    const a = k >= 0 ? fn?.args[k] : undefined;
    if (a) return `${a.type}${a.type.endsWith('*') ? '' : ' '}${a.name}`;
    if (name === 'rax' && raw.kretprobe === true) return `return value${fn ? ` (${fn.ret})` : ''}`;
    return undefined;
  };
  for (const f of layout.fields) {
    const n = f.elem ? f.size / f.elem : 1;
    const w = f.elem ?? f.size;
    const pointer = (f.regType !== undefined && f.regType !== 'SCALAR_VALUE') || f.ctype.includes('*');
    for (let k = 0; k < n; k++) {
      const off = f.off + k * w;
      rows.push({
        name: n > 1 ? `${f.name}[${k}]` : f.name, offset: off, size: w, ctype: n > 1 ? f.ctype.replace(/\[\d+\].*$/, '') : f.ctype, doc: f.doc,
        value: ctxValue(before, off, w, false), after: after ? ctxValue(after, off, w, false) : null, kind: pointer ? 'pointer' : 'int', signed: f.ctype.startsWith('__s'),
        read: f.read.length > 0, write: f.write.length > 0 && (!f.writeOffsets || f.writeOffsets.includes(off)),
        note: n > 1 ? undefined : progType === 'kprobe' ? argNote(f.name) : ctxNote(progType, f.name, before, off, w),
      });
    }
  }
  return { struct: layout.struct, fields: rows };
}

export const engine = {
  /** Liveness probe for the watchdog. */
  ping(): string {
    return 'pong';
  },

  progTypes(): ProgTypeView[] {
    return PROG_TYPE_NAMES.map((name): ProgTypeView => {
      const t = PROG_TYPES[name];
      return {
        name, title: t.kernelEnum, description: `${t.attach} Return value: ${t.ret.meaning}`,
        verdicts: Object.entries(t.ret.verdicts).map(([value, n]) => ({ value, name: n })),
        packetBased: PACKET_TYPES.has(name), classicOnly: false,
      };
    }).concat([{
      name: 'seccomp', title: 'seccomp filter (SECCOMP_MODE_FILTER)', description: SECCOMP_DESCRIPTION,
      verdicts: SECCOMP_VERDICTS, packetBased: false, classicOnly: true,
    }]);
  },

  verdictName(progType: string, retval: bigint): string {
    if (progType === 'seccomp') return seccompVerdictView(Number(BigInt.asUintN(32, retval))).name;
    return isProgType(progType) ? verdictName(progType, retval) : String(retval);
  },

  examples(): ExampleMeta[] {
    return EXAMPLES.map(toMeta);
  },

  example(id: string): { meta: ExampleMeta; source: string } | null {
    const e = EXAMPLES.find((x) => x.id === id);
    return e ? { meta: toMeta(e), source: e.source } : null;
  },

  languageInfo(): LanguageInfo {
    const seen = new Set<string>();
    const ubpfMnemonics: { name: string; doc: string }[] = [];
    for (const r of ISA) {
      if (!r.ubpf || seen.has(r.ubpf)) continue;
      seen.add(r.ubpf);
      ubpfMnemonics.push({ name: r.ubpf, doc: r.doc });
    }
    const helpers = HELPER_NAMES.map((name, id) => {
      const p = helperProto(id);
      const proto = p ? `${p.ret} bpf_${name}(${p.args.join(', ')})${p.gplOnly ? ' — GPL only' : ''}` : null;
      return { id, name: `bpf_${name}`, proto, doc: p?.doc ?? null };
    }).slice(1);
    const ctxFields: LanguageInfo['ctxFields'] = [];
    for (const name of PROG_TYPE_NAMES) {
      for (const f of PROG_TYPES[name].ctx.fields)
        ctxFields.push({ progType: name, name: f.name, offset: f.off, size: f.size, doc: `${f.ctype} ${f.name}: ${f.doc}` });
    }
    return { ubpfMnemonics, llvmKeywords: LLVM_KEYWORDS, cbpfMnemonics: CBPF_MNEMONICS, helpers, ctxFields };
  },

  defaultDialect(): Dialect {
    return 'llvm';
  },

  capabilities(): Capabilities {
    return { assemble: true, run: true, verify: true, cbpf: true, packets: true, pcap: true };
  },

  /** The default traffic set (TCP, UDP, ICMP, ARP, IPv6, …) as hex frames. */
  samplePackets(): PacketInput[] {
    const out: PacketInput[] = [];
    for (const sample of SAMPLES) {
      const b = buildSample(sample.id);
      for (const f of b?.frames ?? []) out.push({ name: packetName(f), hex: bytesToHex(f) });
    }
    return out;
  },

  build(req: BuildRequest): BuildResult {
    session.progType = req.progType;
    session.debug = null;
    const classicOnly = CLASSIC_ONLY_TYPES.has(req.progType);
    const dialect: Dialect = req.dialect === 'auto' ? (classicOnly || detectCbpf(req.source) ? 'cbpf' : 'llvm') : req.dialect;
    if (dialect === 'cbpf') return buildClassic(req.source, req.progType === 'seccomp');
    if (classicOnly) {
      session.built = { kind: 'none' };
      return {
        ok: false, dialect, insns: [], maps: [], translated: null,
        diagnostics: [{ severity: 'error', message: `${req.progType} filters are classic BPF: choose the classic dialect`, line: 1, col: 1, endCol: null, insn: null, code: 'api.dialect' }],
      };
    }
    return buildEbpf(req.source, req.dialect === 'auto' ? 'auto' : dialect);
  },

  /** A pcap-filter expression compiled to classic BPF, as the `tcpdump -d` listing. */
  compileFilter(expr: string): { listing: string | null; diagnostics: DiagnosticView[] } {
    const r = compileFilter(expr);
    return { listing: r.program ? formatTcpdump(r.program, '-d') : null, diagnostics: r.diagnostics.map(diagView) };
  },

  /** The events (for the non-packet program types) as inputs: the given events file, or the type's default.
   * Seccomp events are system calls (worker/api/seccomp.ts documents the shape); each input is the 64-byte
   * struct seccomp_data. The other types use the events format of worker/events/format.ts. */
  eventInputs(progType: string, text: string | null): { text: string; inputs: PacketInput[]; error: string | null } {
    session.memory = [];
    if (progType === 'seccomp') {
      const doc = text ?? seccompEventsText();
      const r = parseSeccompEvents(doc);
      const inputs: PacketInput[] = r.events.map((e) => ({ name: e.label, hex: bytesToHex(seccompDataBytes(e.ctx)), kind: 'ctx' }));
      return { text: doc, inputs, error: r.errors.length ? r.errors.join('; ') : null };
    }
    const doc = text ?? defaultEventsText(progType);
    const parsed = parseEventsFile(doc);
    if (!parsed.file) return { text: doc, inputs: [], error: parsed.diagnostics.map((d) => formatDiagnostic(d)).join('; ') };
    if (parsed.file.type !== progType) return { text: doc, inputs: [], error: `these events are for ${parsed.file.type}, not ${progType}` };
    const m = materializeEvents(parsed.file);
    // bpf_probe_read_* reads the blobs when these inputs run (as worker/events/run.ts maps them for the CLI)
    session.memory = memoryRegions(parsed.file.memory);
    const inputs: PacketInput[] = [];
    // The callbacks of one scenario share a socket object: one connection (group) per socket, played from
    // the socket as it was before its first callback.
    const groups = new Map<SimSocket, { group: number; initial: SimSocket }>();
    for (const ev of m.events) {
      const task = ev.task ? taskDto(ev.task) : undefined;
      if (ev.kind === 'packet') {
        inputs.push({ name: ev.label, hex: bytesToHex(ev.frame), ...(task ? { task } : {}) });
        continue;
      }
      let ctx = ev.ctx;
      let sockOps: PacketInput['sockOps'];
      if (ev.sockOps && ev.ctx.length === 0) {
        let g = groups.get(ev.sockOps.socket);
        if (!g) {
          g = { group: groups.size, initial: cloneSocket(ev.sockOps.socket) };
          groups.set(ev.sockOps.socket, g);
        }
        sockOps = { group: g.group, event: ev.sockOps.event, socket: g.initial };
        Object.assign(ev.sockOps.socket, ev.sockOps.event.set ?? {});
        ctx = buildSockOpsCtx(ev.sockOps.event, ev.sockOps.socket);
      }
      inputs.push({
        name: ev.sockOps?.event.note ? `${ev.label} — ${ev.sockOps.event.note}` : ev.label, hex: bytesToHex(ctx), kind: 'ctx',
        data: ev.stream ? bytesToHex(ev.stream.data) : undefined, event: ev.source, ...(sockOps ? { sockOps } : {}), ...(ev.stream ? { socket: ev.stream.socket } : {}),
        ...(task ? { task } : {}),
      });
    }
    const error = m.diagnostics.length ? m.diagnostics.map((d) => formatDiagnostic(d)).join('; ') : null;
    return { text: doc, inputs, error };
  },

  /** The catalogues the event editors offer (kernel functions, tracepoints, sock_ops ops and scenarios). */
  eventCatalogue(): EventCatalogue {
    return eventCatalogue();
  },

  /** The context struct of input `index` (an event of the events text, as set by setInputs): every field with
   * its offset, size, C type, access rights, its value, and — when the program is built — its value after
   * running the program on it (maps as the earlier events left them, when a snapshot was kept). */
  ctxView(progType: string, text: string | null, index: number): CtxView | null {
    const input = session.packets[index];
    if (isProgType(progType) && PACKET_TYPES.has(progType) && input?.kind === 'packet') return packetCtxView(progType, index);
    if (!isProgType(progType) || PACKET_TYPES.has(progType) || !input || input.kind !== 'ctx') return null;
    const parsed = parseEventsFile(text ?? defaultEventsText(progType));
    const file: EventsFile | null = parsed.file;
    const m = file ? materializeEvents(file) : null;
    const ev = m?.events[index];
    const source = ev?.source ?? null;
    const raw = (source !== null ? file?.events[source] : null) as Record<string, unknown> | null;
    let after: Uint8Array | null = null;
    let fault: string | null = null;
    const b = session.built;
    let before = input.bytes;
    const set = runSet();
    if (b.kind === 'ebpf' && set) {
      // The maps (and a sock_ops connection) as the earlier events left them.
      const st = stateBefore(index);
      if (typeof st === 'string') fault = st;
      else {
        const prep = prepareInput(index, st);
        before = prep.input.bytes;
        if (prep.notCalled) fault = prep.notCalled.why;
        else {
          const ctx = prep.input.bytes.slice();
          const r = runFast(eventEnv(set.programs[0]!, progType, ctx, input.data ? input.data.slice() : null, session.maxInsns, st.maps, { programs: set.programs, helperCtx: prep.helperCtx, regions: eventRegions() }).env);
          after = ctx;
          fault = r.fault ? `insn ${r.fault.insn}: ${r.fault.message}` : null;
        }
      }
    }
    const rows = ctxRows(progType, raw ?? {}, before, after);
    const scenario = ev?.kind === 'ctx' && ev.ctx.length === 0;
    return { struct: rows.struct, size: input.bytes.length, event: source, editable: source !== null && !scenario, ran: after !== null, fault, fields: rows.fields };
  },

  setInputs(inputs: { packets: PacketInput[]; maps: Record<string, MapEntryView[]>; maxInsns: number }): void {
    session.packets = inputs.packets.map((p) => ({ kind: p.kind ?? 'packet', bytes: hexToBytes(p.hex), data: p.data ? hexToBytes(p.data) : null, ...(p.meta ? { meta: attachMeta(p.meta) } : {}) }));
    session.sockOps = inputs.packets.map((p) => p.sockOps ?? null);
    session.tasks = inputs.packets.map((p) => (p.task ? taskFromDto(p.task) : null));
    session.sockets = inputs.packets.map((p) => p.socket ?? 0);
    session.runSet = null;
    session.run = null;
    session.ranTo = 0;
    session.checkpoints = new Map();
    session.names = inputs.packets.map((p) => p.name);
    session.maps = inputs.maps;
    session.maxInsns = Math.max(1, Math.min(inputs.maxInsns, 1e12));
    session.debug = null;
  },

  /** Verifies every program of the session; returns the report of program 0, with every program's verdict
   * in `programs` when there are several (verifierReport(k) gives the others'). */
  verify(opts: { unpriv: boolean }): VerifierReport | null {
    const b = session.built;
    verifierStateAt = null;
    verifierReports = [];
    if (b.kind !== 'ebpf') return null;
    const firsts: (ReturnType<typeof verifyProgram>['states'][number][number] | null)[][] = [];
    for (const [k, program] of b.set.programs.entries()) {
      const r = verifyProgram(program, { progType: session.progType, unpriv: opts.unpriv, logLevel: 2, statesPerInsn: 4 });
      const lineOf = (insn: number) => program.sourceMap?.[insn]?.line ?? null;
      const states: VerifierReport['states'] = [];
      r.states.forEach((list, insn) => {
        for (const st of list) {
          const regs = st.regs.map((x) => `R${x.regno}=${x.text}`).join(' ');
          const stack = st.stack.map((x) => `fp${x.off}=${x.spilled ? x.spilled.text : x.bytes}`).join(' ');
          states.push({ insn, line: lineOf(insn), text: `${st.frame ? `frame${st.frame}: ` : ''}${regs}${stack ? ` ${stack}` : ''}` });
        }
      });
      firsts.push(r.states.map((list) => list[0] ?? null));
      verifierReports.push({
        accepted: r.accepted, processed: r.processed, log: r.log, states, errorPath: r.errorPath,
        paths: r.paths.slice(0, 2000).map((x) => ({ from: x.from, start: x.start, end: x.end, how: x.how })),
        error: r.error ? { insn: r.error.insn, line: r.error.insn >= 0 ? lineOf(r.error.insn) : null, message: r.error.message } : null,
        program: k,
      });
    }
    verifierStateAt = (prog, pc) => {
      const st = firsts[prog]?.[pc];
      if (!st) return null;
      const out: Record<string, string> = {};
      for (const x of st.regs) out[`r${x.regno}`] = x.text;
      return out;
    };
    if (verifierReports.length > 1) {
      const programs = verifierReports.map((r, k) => ({ index: k, name: b.set.names[k]!, accepted: r.accepted, error: r.error?.message ?? null, line: r.error?.line ?? null, processed: r.processed }));
      for (const r of verifierReports) r.programs = programs;
    }
    return verifierReports[0]!;
  },

  /** The verifier's report of program `k` of the session (after verify()), or null. */
  verifierReport(k: number): VerifierReport | null {
    return verifierReports[k] ?? null;
  },

  /** Runs packets [from, from+count) on the fast path; calls onProgress(done) now and then. Runs go in
   * order from 0; the state that carries between inputs is checkpointed every snapEvery inputs. */
  runPackets(from: number, count: number, onProgress?: (done: number) => void): PacketVerdict[] {
    const out: PacketVerdict[] = [];
    const b = session.built;
    const end = Math.min(session.packets.length, from + count);
    if (b.kind === 'ebpf') {
      if (from === 0 || !session.run || session.ranTo !== from) {
        session.checkpoints = from === 0 ? new Map() : session.checkpoints;
        session.snapEvery = snapEveryFor(session.packets.length, b.program.maps);
        const st = from === 0 ? freshRunState() : stateBefore(from);
        if (typeof st === 'string') {
          for (let i = from; i < end; i++) out.push({ index: i, retval: '0', verdict: 'not run', verdictClass: 'fault', keptLen: null, insns: 0, fault: st });
          return out;
        }
        session.run = st;
        session.ranTo = from;
      }
    }
    const keep = b.kind === 'ebpf' && (b.program.maps.length > 0 || session.progType === 'sock_ops' || streamPair() !== null);
    for (let i = from; i < end; i++) {
      if (b.kind === 'cbpf' && session.progType === 'seccomp') out.push(seccompRunVerdict(i, b.filters, session.packets[i]!.bytes, session.maxInsns));
      else if (b.kind === 'cbpf') out.push(classicVerdict(i, b.filters, session.packets[i]!.bytes, session.maxInsns));
      else if (b.kind === 'ebpf' && session.run) {
        if (keep && i % session.snapEvery === 0) session.checkpoints.set(i, checkpointOf(session.run));
        out.push(execInput(i, session.run));
        session.ranTo = i + 1;
      }
      if (onProgress && (i - from) % 256 === 255) onProgress(i - from + 1);
    }
    return out;
  },

  /** Records the run of one packet for stepping; returns the step range and the run's call boundaries.
   * The run starts from the state the earlier inputs left (maps, sock_ops connection), rebuilt from the
   * nearest checkpoint. */
  debugOpen(packet: number): { total: number; firstStep: number; error: string | null; marks: TimelineMark[] } {
    const b = session.built;
    const input = session.packets[packet];
    session.debug = null;
    if (!input) return { total: 0, firstStep: 0, error: null, marks: [] };
    const frame = input.bytes;
    if (b.kind === 'cbpf') session.debug = classicDebug(packet, b.filters, b.lines, b.insns, frame, Math.min(session.maxInsns, 1 << 20), session.progType === 'seccomp');
    const set = runSet();
    if (b.kind === 'ebpf' && set) {
      const st = stateBefore(packet);
      if (typeof st === 'string') return { total: 0, firstStep: 0, error: st, marks: [] };
      const pair = streamPair();
      if (pair && input.kind === 'ctx') {
        const d = streamSession(packet, st, pair);
        if (typeof d === 'string') return { total: 0, firstStep: 0, error: d, marks: [] };
        session.debug = d;
        return { total: d.total, firstStep: 0, error: null, marks: d.marks ?? [] };
      }
      const prep = prepareInput(packet, st);
      // The kernel does not call the program here: nothing to step, one frame that says why.
      if (prep.notCalled) {
        session.debug = notCalledSession(packet, prep.notCalled, st.maps, set.names);
        return { total: 0, firstStep: 0, error: null, marks: [] };
      }
      if (prep.notRouted) {
        session.debug = notRoutedSession(packet, prep.notRouted, st.maps, set.names);
        return { total: 0, firstStep: 0, error: null, marks: [] };
      }
      const d = openDebug(packet, set, session.progType, prep.input, Math.min(session.maxInsns, DEBUG_RECORD_LIMIT), verifierStateAt, st.maps, prep.helperCtx, eventRegions());
      if (typeof d === 'string') return { total: 0, firstStep: 0, error: d, marks: [] };
      session.debug = d;
    }
    const d = session.debug;
    return d ? { total: d.total, firstStep: d.firstStep, error: null, marks: d.marks ?? [] } : { total: 0, firstStep: 0, error: null, marks: [] };
  },

  frame(step: number): StepFrame | null {
    const d = session.debug;
    if (!d) return null;
    return d.frame(Math.max(d.firstStep, Math.min(step, d.total)));
  },

  /** The first step after `from` whose instruction is on one of the lines, or null. */
  findBreakpoint(from: number, lines: number[]): number | null {
    const d = session.debug;
    if (!d || lines.length === 0) return null;
    const set = new Set(lines);
    for (let n = from + 1; n <= d.total; n++) {
      const l = d.lineAt(n);
      if (l !== null && set.has(l)) return n;
    }
    return null;
  },

  /** Pasted bytes (plain hex, C arrays, tcpdump -xx / hexdump -C dumps) as one input, or located errors. */
  parsePacketHex(text: string): { packet: PacketInput | null; error: string | null } {
    const r = parseHex(text);
    if (r.diagnostics.length) return { packet: null, error: r.diagnostics.map((d) => formatDiagnostic(d)).join('; ') };
    if (r.bytes.length === 0) return { packet: null, error: 'no bytes' };
    return { packet: { name: packetName(r.bytes), hex: bytesToHex(r.bytes) }, error: null };
  },

  /** Builds one frame from the packet builder form (checksums and lengths filled in). */
  buildPacket(f: PacketForm): { packet: PacketInput | null; error: string | null } {
    const layers: LayerSpec[] = [{ layer: 'eth', src: '02:00:00:00:00:0a', dst: '02:00:00:00:00:0b' }];
    layers.push(f.ip === 6 ? { layer: 'ipv6', src: f.src, dst: f.dst } : { layer: 'ipv4', src: f.src, dst: f.dst, df: true });
    if (f.l4 === 'tcp') layers.push({ layer: 'tcp', sport: f.sport, dport: f.dport, flags: f.flags || 'S', seq: 1 });
    else if (f.l4 === 'udp') layers.push({ layer: 'udp', sport: f.sport, dport: f.dport });
    else layers.push(f.ip === 6 ? { layer: 'icmpv6', type: 128, id: 1, seq: 1 } : { layer: 'icmp', type: 8, id: 1, seq: 1 });
    if (f.payload) layers.push({ layer: 'payload', text: f.payload });
    const r = buildPacket({ layers });
    if (!r.bytes) return { packet: null, error: r.diagnostics.map((d) => formatDiagnostic(d)).join('; ') || 'cannot build the packet' };
    return { packet: { name: packetName(r.bytes), hex: bytesToHex(r.bytes) }, error: null };
  },

  /** One-line summaries of inputs [from, from+count) (for list rows whose input has no name). */
  packetSummaries(from: number, count: number): string[] {
    const out: string[] = [];
    for (let i = from; i < Math.min(session.packets.length, from + count); i++) {
      const p = session.packets[i]!;
      out.push(p.kind === 'ctx' ? session.names[i] ?? '' : packetName(p.bytes));
    }
    return out;
  },

  packetDetail(i: number): PacketDetail | null {
    const input = session.packets[i];
    if (!input) return null;
    const bytes = input.bytes;
    if (input.kind === 'ctx' && session.progType === 'seccomp') {
      const name = session.names[i] ?? `system call ${i}`;
      return {
        index: i, name, bytes, current: bytes, summary: `64 bytes of struct seccomp_data · ${name}`,
        layers: [{ name: 'struct seccomp_data', offset: 0, length: 64, fields: seccompDataFields(bytes) }],
      };
    }
    if (input.kind === 'ctx') return ctxDetail(i, session.names[i] ?? `event ${i}`, bytes, session.progType);
    const d = decodePacket(bytes);
    const layers: PacketLayer[] = d.layers.map((l) => ({
      name: l.summary ? `${l.name.toUpperCase()} — ${l.summary}` : l.name.toUpperCase(), offset: l.start, length: l.end - l.start,
      fields: d.fields.filter((f) => f.layer === l.name && f.start >= l.start && f.end <= Math.max(l.end, f.start + 1))
        .map((f) => ({ name: f.name, offset: f.start, length: f.end - f.start, value: f.ok === false ? `${f.value} (bad, expected ${f.expected ?? '?'})` : f.value })),
    }));
    const rest = d.fields.filter((f) => f.layer === 'payload');
    for (const f of rest) layers.push({ name: 'Payload', offset: f.start, length: f.end - f.start, fields: [{ name: 'data', offset: f.start, length: f.end - f.start, value: f.value }] });
    const notes = d.diagnostics.map((x) => formatDiagnostic(x));
    return { index: i, name: session.names[i] ?? `packet ${i}`, bytes, current: bytes, layers, summary: `${bytes.length} bytes · ${d.summary}${notes.length ? ` · ${notes.join('; ')}` : ''}` };
  },

  readCapture(bytes: Uint8Array): { packets: PacketInput[]; error: string | null } {
    const r = readCapture(bytes);
    if (!r.capture) return { packets: [], error: r.diagnostics.map((x) => formatDiagnostic(x)).join('; ') || 'not a capture file' };
    // Names are left empty: decoding 10,000 packets up front is slow; the list asks for the visible ones.
    return { packets: r.capture.packets.map((p) => ({ name: '', hex: bytesToHex(p.data) })), error: null };
  },

  writeCapture(packets: PacketInput[]): Uint8Array | null {
    return writePcap(packets.map((p, i) => {
      const data = hexToBytes(p.hex);
      return { tsSec: 1_700_000_000 + i, tsNsec: 0, origLen: data.length, data };
    }));
  },
};

export type EngineApi = typeof engine;
