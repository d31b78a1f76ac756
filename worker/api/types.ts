// The plain-data shapes that cross the worker boundary (structured clone: primitives, arrays,
// Uint8Array, bigint), named for what the UI shows. No behaviour lives here.
// It does not describe engine internals: the facade (worker/api/engine.ts) converts to these.

import type { SimSocket, SockOpsEvent } from '../events/sockets';

export type Dialect = 'llvm' | 'ubpf' | 'cbpf';
export type DialectChoice = Dialect | 'auto';

export interface DiagnosticView {
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** 1-based source position when known. */
  line: number | null;
  col: number | null;
  endCol: number | null;
  insn: number | null;
  code: string | null;
}

/** One instruction of the built program as the disassembly view shows it. */
export interface InsnView {
  index: number;
  /** 1-based source line, or null. */
  line: number | null;
  text: string;
  /** 8 or 16 bytes as hex, space separated. */
  bytes: string;
}

export interface MapEntryView {
  key: string; // hex
  value: string; // hex
  /** What the value means when the map type gives it one (prog_array: the program in the slot). */
  note?: string;
}

export interface MapView {
  name: string;
  type: string;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  entries: MapEntryView[];
  /** Keys (hex) changed by the step shown. */
  changed: string[];
}

export interface BuildRequest {
  source: string;
  dialect: DialectChoice;
  progType: string;
}

/** One program of a session whose source defines several (one per code section). */
export interface ProgramView {
  /** Index in the session: 0 is the program packets enter; prog_array values are these indices. */
  index: number;
  /** Its first label or function name, else its section name. */
  name: string;
  /** ELF-style section name ('socket', 'socket/1', …), or null for a source without sections. */
  section: string | null;
  /** The program type its section name implies, when it does. */
  progType: string | null;
  insns: InsnView[];
}

export interface BuildResult {
  ok: boolean;
  dialect: Dialect;
  diagnostics: DiagnosticView[];
  insns: InsnView[];
  maps: MapView[];
  /** For classic BPF: the kernel's eBPF translation, line to line (classic index per eBPF insn). */
  translated: InsnView[] | null;
  /** Every program of the source (a single entry when it defines one); `insns` is programs[0]'s. */
  programs?: ProgramView[];
}

export interface ProgTypeView {
  name: string;
  title: string;
  description: string;
  /** Return value -> verdict name, e.g. 1 -> 'XDP_DROP'. */
  verdicts: { value: string; name: string }[];
  packetBased: boolean;
  /** Only classic BPF programs can be this type (seccomp filters). */
  classicOnly?: boolean;
}

export interface PacketInput {
  name: string;
  /** Frame bytes as hex (compact, no spaces); for events ('ctx'), the context bytes. */
  hex: string;
  /** 'ctx': a non-packet event whose bytes are the program's context (pt_regs, a tracepoint record, …). */
  kind?: 'packet' | 'ctx';
  /** sk_skb messages: the stream data (hex) the context's data pointers reach. */
  data?: string;
  /** Events: the index of the events-file event this input came from (a scenario gives several inputs). */
  event?: number;
  /** sock_ops scenario callbacks: the connection they belong to (`group`), the callback, and the socket the
   * connection starts from. The engine plays the connection (worker/events/sockets.ts SockOpsSim), so the
   * context a callback gets depends on the program's earlier answers; `hex` is only the context before any run. */
  sockOps?: { group: number; event: SockOpsEvent; socket: SimSocket };
  /** sk_skb messages: the socket (index in the events file's list) the data arrives on. */
  socket?: number;
  /** Packet types: where the program is attached (the events file's per-packet "meta"). */
  meta?: AttachView;
  /** The event's task (events file "cgroup"/"stack"): what bpf_get_current_cgroup_id, bpf_skb_under_cgroup,
   * bpf_get_stackid/get_stack see. Stack frames as hex addresses (plain JSON for drafts and links). */
  task?: { cgroup?: string; stack?: { kernel?: string[]; user?: string[] } };
}

/** Where a packet program is attached (worker/progtypes/attach.ts AttachMeta, as plain data): tc and
 * cgroup_skb direction, the device's ifindex, and for LWT the route (`ip route add <prefix> encap bpf …`):
 * a packet whose destination is outside the route's prefix does not reach the program. */
export interface AttachView {
  direction?: 'ingress' | 'egress';
  ifindex?: number;
  route?: string;
}

/** The outcome of one packet (or event) through the program. */
export interface PacketVerdict {
  index: number;
  /** Return value, 32-bit as the kernel reports it (decimal). */
  retval: string;
  /** Verdict name ('keep 54 bytes', 'drop', 'XDP_PASS', …). */
  verdict: string;
  /** Coarse class for colouring and exercises. */
  verdictClass: 'keep' | 'drop' | 'pass' | 'other' | 'fault';
  /** Bytes kept by a socket filter, or null. */
  keptLen: number | null;
  insns: number;
  fault: string | null;
  /** sock_ops: the callback on the simulated connection, the program's reply and what it changed. */
  sockOps?: SockOpsOutcomeView;
}

/** One bpf_sock_ops callback of a simulated TCP connection, after the program ran (or was not called). */
export interface SockOpsOutcomeView {
  /** Virtual time of the callback in ms since the connection began. */
  timeMs: number;
  /** BPF_SOCK_OPS_* name. */
  op: string;
  delivered: boolean;
  retval: number | null;
  /** args[0] after the run (the reply), when called. */
  reply: number | null;
  /** What the kernel did with the answer (reply, setsockopt, cb flags). */
  effect: string;
  /** The connection after the callback, one line (state, cwnd, ssthresh, rcv_wnd, RTO, ECN, flags). */
  connection: string;
  /** bpf_setsockopt / bpf_sock_ops_cb_flags_set calls of this run. */
  helperLog: string[];
}

export interface RunProgress {
  done: number;
  total: number;
}

export interface RegView {
  name: string;
  /** Full 64-bit value, or null when not initialised. */
  value: bigint | null;
  changed: boolean;
  /** What the value is (pointer kind, region) when the VM knows, e.g. 'ctx', 'stack', 'pkt'. */
  kind: string | null;
  /** The verifier's abstract value at this instruction (type, tnum, bounds), when available. */
  abstract: string | null;
}

export interface StackSlotView {
  /** Offset from r10, e.g. -8 for the slot at r10-8 .. r10-1. */
  offset: number;
  /** 8 bytes, lowest address first; null where never written. */
  bytes: (number | null)[];
  state: 'invalid' | 'written' | 'partial' | 'spill';
  changed: boolean;
  note: string | null;
}

export interface ByteRange {
  start: number;
  len: number;
  kind: 'read' | 'write';
}

export interface PacketField {
  name: string;
  offset: number;
  length: number;
  value: string;
}

export interface PacketLayer {
  name: string;
  offset: number;
  length: number;
  fields: PacketField[];
}

export interface PacketDetail {
  index: number;
  name: string;
  bytes: Uint8Array;
  /** Bytes after the step shown (differs from bytes after packet writes). */
  current: Uint8Array;
  layers: PacketLayer[];
  summary: string;
}

/** Everything the panels show for one step of one packet's run. */
export interface StepFrame {
  packet: number;
  step: number;
  total: number;
  /** History cut: steps before this index are no longer reachable. */
  firstStep: number;
  /** Set when the recording stopped at this many steps before the program ended. */
  recordLimit: number | null;
  pc: number | null;
  line: number | null;
  insnText: string;
  explain: string;
  regs: RegView[];
  stack: StackSlotView[];
  maps: MapView[];
  access: ByteRange[];
  packetBytes: Uint8Array | null;
  output: string[];
  done: boolean;
  retval: string | null;
  verdict: string | null;
  fault: string | null;
  /** Index of the program the step is in (tail calls move between programs; 0 when there is one). */
  prog?: number;
  progName?: string;
  /** Tail calls taken so far in this run (0 = still in the entry program; the kernel allows 33). */
  tailCalls?: number;
  /** bpf-to-bpf call depth (0 = the program's main function). */
  callDepth?: number;
}

/** A boundary on the timeline of one recorded run: where the code after `step` is entered. */
export interface TimelineMark {
  step: number;
  /** 'run': another program run starts (sk_skb: the stream parser, then the verdict on each message). */
  kind: 'tail_call' | 'tail_call_failed' | 'call' | 'return' | 'run';
  label: string;
}

export interface VerifierStateView {
  insn: number;
  line: number | null;
  text: string;
}

export interface VerifierReport {
  accepted: boolean;
  error: { insn: number; line: number | null; message: string } | null;
  processed: number;
  log: string;
  states: VerifierStateView[];
  /** Instructions on the path that led to the error. */
  errorPath: number[];
  /** The paths the verifier walked: where each began (and from which branch) and how it ended. */
  paths: { from: number; start: number; end: number; how: 'exit' | 'pruned' | 'error' | 'dead' }[];
  /** Which program of the session this report is about (0 = the entry program). */
  program?: number;
  /** The verdict of every program of the session, when the source defines several. */
  programs?: ProgramVerdictView[];
}

export interface ProgramVerdictView {
  index: number;
  name: string;
  accepted: boolean;
  error: string | null;
  /** Source line of the error, when known. */
  line?: number | null;
  processed: number;
}

export interface ExampleMeta {
  id: string;
  section: string;
  title: string;
  type: string;
  dialect: Dialect;
  summary: string;
  task: string | null;
  expect: Record<string, string> | null;
}

export interface LanguageInfo {
  /** Mnemonics and their one-line docs (from the ISA table), per dialect. */
  ubpfMnemonics: { name: string; doc: string }[];
  llvmKeywords: { name: string; doc: string }[];
  cbpfMnemonics: string[];
  helpers: { id: number; name: string; proto: string | null; doc: string | null }[];
  ctxFields: { progType: string; name: string; offset: number; size: number; doc: string }[];
}

/** Which engine parts this build has, so the UI can say what is not available. */
export interface Capabilities {
  assemble: boolean;
  run: boolean;
  verify: boolean;
  cbpf: boolean;
  packets: boolean;
  pcap: boolean;
}

/** The packet builder form: one Ethernet frame with IPv4 or IPv6 and TCP, UDP or ICMP. */
export interface PacketForm {
  ip: 4 | 6;
  l4: 'tcp' | 'udp' | 'icmp';
  src: string;
  dst: string;
  sport: number;
  dport: number;
  /** TCP flags as tcpdump prints them: S, S., P., F., R */
  flags: string;
  payload: string;
}

/** A tracefs format field as the tracepoint event editor shows it. */
export interface TraceFieldView {
  name: string;
  ctype: string;
  offset: number;
  size: number;
  signed: boolean;
  arrayLen: number | null;
  dataLoc: boolean;
  common: boolean;
}

/** What the event editors offer (worker/events catalogues): kernel functions with their BTF prototypes,
 * tracepoints with their tracefs formats, sock_ops ops and scenarios, socket() names. */
export interface EventCatalogue {
  kprobe: { name: string; description: string; ret: string; args: { name: string; type: string; size: number }[]; example: string[]; exampleRet: string }[];
  /** struct pt_regs register names in struct order, and the six argument registers in order. */
  ptRegs: string[];
  argRegs: string[];
  tracepoints: { id: string; description: string; fields: TraceFieldView[] }[];
  sockOps: { name: string; value: number }[];
  scenarios: {
    id: string; title: string; role: string; ops: string[];
    /** The same scenario as single callbacks (BPF_SOCK_OPS_* name, args, the socket's fields at that point). */
    callbacks: { op: string; args: number[]; socket: Record<string, string | number>; note: string | null }[];
  }[];
  tcpStates: string[];
  families: { name: string; value: number }[];
  sockTypes: { name: string; value: number }[];
  protocols: { name: string; value: number }[];
  /** Defaults of a simulated socket (sock_ops and sk_skb socket fields). */
  socketDefaults: Record<string, string | number>;
}

/** One row of the context-structure view (array fields are one row per element: "args[1]"). */
export interface CtxFieldView {
  name: string;
  offset: number;
  size: number;
  ctype: string;
  doc: string;
  /** Before the run: "0x…" for integers, the text for char arrays and __data_loc strings. */
  value: string;
  /** As the program left it, when a run was made (null otherwise). */
  after: string | null;
  kind: 'int' | 'text' | 'pointer';
  signed: boolean;
  /** Whether the program may read / write the field (the type's is_valid_access rules). */
  read: boolean;
  write: boolean;
  /** What the value means, when it has a name or a readable form (AF_INET, BPF_SOCK_OPS_TIMEOUT_INIT, 192.0.2.10, port 80). */
  note?: string;
}

export interface CtxView {
  struct: string;
  size: number;
  /** The events-file event the input came from. */
  event: number | null;
  /** Whether edits can go into that event (a sock_ops scenario builds its contexts as it runs). */
  editable: boolean;
  ran: boolean;
  fault: string | null;
  fields: CtxFieldView[];
}
