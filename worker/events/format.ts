// The events file (`cli run --events FILE`, and what the UI's event editor saves): a JSON document that
// lists what a program runs on, for every program type. Parsing is strict and located: JSON syntax errors
// carry line:col, schema errors carry the JSON path ("events[2].args[1]: …"). `materializeEvents` turns
// the parsed file into context bytes (and packets) using the catalogues in this directory.
//
// Format, version 1:
//   {
//     "version": 1,
//     "type": "<program type>",            // one of the fourteen names in worker/progtypes/table.ts
//     "memory": [                           // optional: kernel/user memory that pointer arguments refer to,
//       { "addr": "0x7ffd1000", "text": "/etc/passwd" },   // readable with bpf_probe_read_*; text gets a NUL
//       { "addr": "0xffff888004001000", "hex": "0000000000000000" }
//     ],
//     "events": [ … ]                       // shape per type, below
//   }
// Numbers may be JSON numbers or strings ("0x…", "-100", "18446744073709551615") for 64-bit values.
//   kprobe:      { "function": "do_sys_openat2", "args": [-100, "0x7ffd1000", "0xffff888004001000"],
//                  "kretprobe": false, "ret": 3, "regs": { "rbx": 5 } }
//   tracepoint:  { "tracepoint": "syscalls/sys_enter_openat", "fields": { "dfd": -100, "filename": "0x7ffd1000" },
//                  "pid": 1234 }   // string values fill char arrays and __data_loc strings; {"hex": …} raw bytes;
//                                  // a list of integers fills a fixed array ("saddr": [192, 0, 2, 1])
//   perf_event:  { "samplePeriod": 100000, "addr": 0, "regs": { "rip": "0xffffffff81234567" } }
//   sock_ops:    { "scenario": "active-connect" }   (see SOCK_OPS_SCENARIOS), or one callback:
//                { "op": "BPF_SOCK_OPS_TCP_CONNECT_CB", "args": [0, 0], "socket": { "localPort": 40000, … } }
//   cgroup_sock: { "family": "AF_INET", "type": "SOCK_STREAM", "protocol": "IPPROTO_TCP" } (names or numbers)
//   sk_skb:      { "socket": 0, "text": "GET / HTTP/1.1\r\n" } or { "socket": 1, "hex": "…" };
//                sockets are listed once in a top-level "sockets": [ { "localPort": 8080, … } ]
//   socket fields (sock_ops "socket", "sockets"): family "inet"|"inet6", localAddr, localPort, remoteAddr,
//                remotePort, state (number or name: "ESTABLISHED"), cbFlags, sndCwnd, srttUs, mssCache, … as in
//                worker/events/sockets.ts newSocket(); unknown names and bad values are located errors.
//   packet types (socket_filter, sched_cls, sched_act, xdp, cgroup_skb, lwt_*):
//                { "sample": "tcp-handshake" } (every frame of a sample), { "hex": "…" }, or
//                { "spec": { "layers": [ … ] } } (worker/packets/build.ts), each optionally with
//                "ctx": "<hex ctx_in>" and "meta": { "direction": "egress", "ifindex": 2, … } (attach view)
//                lwt_* meta may name the route the program is attached to: "route": "10.0.0.0/8" (or the whole
//                "ip route add 10.0.0.0/8 encap bpf out obj p.o dev eth0"); a packet whose destination is outside
//                the prefix is not routed through the program: it is left out, with a warning.
//   cgroup_sock events may also give the values the socket already has: "boundDevIf", "mark", "priority".
//
// Context overrides (non-packet types, optional): any event may carry "ctx": { "<field>": value, … }, applied
// to the context bytes after the event is built, so a field that has no other home in the event (or any
// field at all) can be set. Field names are the context struct's (worker/progtypes/ctx.ts: "rdi", "regs.rip",
// "sample_period", "remote_ip4", "mark", …; for tracepoints the tracefs format's, "prev_comm", "dfd"), an
// array element is "args[1]" / "remote_ip6[3]". Values are integers (little-endian in the field's size;
// the element size for arrays), strings for char arrays, or { "hex": "…" } for the field's raw bytes.
//   { "function": "vfs_read", "ctx": { "rbx": "0x10", "eflags": 582 } }
// A sock_ops "scenario" event builds its contexts as it runs, so it takes no overrides (list callbacks instead).
//
// The task behind the event (any type, optional; files without them read as before):
//   "cgroup": "/system.slice/nginx.service"   the cgroup v2 path of the current task (or, for a packet, of
//                the socket's owner): what bpf_get_current_cgroup_id, bpf_current_task_under_cgroup and
//                bpf_skb_under_cgroup see (worker/maps/cgroup_array.ts). Absolute, "/" is the root; default "/".
//   "stack": ["tcp_v4_rcv", "ip_local_deliver_finish+0x7c", "0xffffffff81a2b3c0"]
//                the kernel call stack, innermost frame first: addresses, or kernel function names with an
//                optional +offset (a name stands for bpfplay's simulated address of that function, the one a
//                kprobe on it has in rip: worker/events/kprobe.ts functionAddress). Or an object with the
//                kernel and user stacks: { "kernel": [ … ], "user": [ "0x5555555551a9", … ] } (user frames are
//                addresses only). What bpf_get_stackid and bpf_get_stack record (worker/maps/stack_trace.ts);
//                without it the stack is simulated from the probed address. At most 127 frames per stack
//                (kernel.perf_event_max_stack's default).

import { err, warn, type Diagnostic } from '../util/diag';
import { buildPacket, type PacketSpec } from '../packets/build';
import { bytesToHex, parseHex, utf8Encode } from '../packets/hex';
import { buildSample } from '../packets/samples';
import { PROG_TYPE_NAMES, PROG_TYPES, type ProgTypeName } from '../progtypes/table';
import { PT_REGS_NAMES, type PtRegName } from '../progtypes/ctx';
import type { AttachMeta } from '../progtypes/attach';
import { buildPerfEventData, buildPtRegs, functionAddress, KPROBE_CATALOGUE } from './kprobe';
import { buildSkSkbCtx, buildSockCreateCtx, buildSockOpsCtx, newSocket, SOCK_OPS, SOCK_OPS_SCENARIOS, TCP_STATES, type SimSocket, type SockOpsEvent } from './sockets';
import { parseIPv4, parseIPv6 } from '../packets/addr';
import { buildTracepointRecord, tracepointInfo, type TraceValue } from './tracepoint';
import type { RegionSpec } from '../vm/index';

export const EVENTS_FORMAT_VERSION = 1;

export interface MemoryBlob { addr: bigint; bytes: Uint8Array }

/** The file's memory blobs as read-only VM regions at their addresses (what bpf_probe_read_* reads). */
export function memoryRegions(memory: readonly MemoryBlob[]): RegionSpec[] {
  return memory.map((m, i) => ({ name: `mem${i}`, kind: 'mem' as const, base: m.addr, bytes: m.bytes.slice(), readable: true, writable: false }));
}

/** An LWT route's destination prefix (`ip route add <prefix> encap bpf in|out|xmit … dev …`). */
export interface LwtRoute { family: 4 | 6; addr: Uint8Array; len: number; text: string }

/** The destination prefix of a route, given alone ("10.0.0.0/8", "2001:db8::/32", "default", "192.0.2.1")
 * or as the whole `ip route add …` command; a message when it has none or it is malformed. */
export function parseLwtRoute(text: string): LwtRoute | string {
  const words = text.trim().split(/\s+/).filter(Boolean);
  let w = words;
  if (w[0] === 'ip') w = w.slice(1);
  if (w[0] === 'route' || w[0] === 'r') w = w.slice(1);
  if (w[0] === 'add' || w[0] === 'replace' || w[0] === 'change') w = w.slice(1);
  if (w[0] === 'to') w = w.slice(1);
  const pfx = w[0];
  if (!pfx) return 'a route needs a destination prefix, e.g. 10.0.0.0/8';
  if (pfx === 'default') return { family: 4, addr: new Uint8Array(4), len: 0, text: pfx };
  const [a, l] = pfx.split('/');
  const v4 = parseIPv4(a ?? '');
  const bytes = v4 ?? parseIPv6(a ?? '');
  if (!bytes) return `${JSON.stringify(pfx)} is not an IPv4 or IPv6 prefix`;
  const max = bytes.length * 8;
  const len = l === undefined ? max : /^\d{1,3}$/.test(l) ? Number(l) : NaN;
  if (!(len >= 0 && len <= max)) return `prefix length of ${JSON.stringify(pfx)} must be 0..${max}`;
  return { family: v4 ? 4 : 6, addr: bytes, len, text: pfx };
}

/** Whether a packet (an Ethernet frame, or from the IP header when `l3`) has its destination inside the
 * route's prefix (fib lookup of the destination: the longest prefix here is the only route). */
export function routeMatches(route: LwtRoute, frame: Uint8Array, l3 = false): boolean {
  let ip = 0;
  if (!l3) {
    // skip up to two VLAN tags (802.1Q / 802.1ad): the route lookup sees the packet after them
    let at = 12;
    while (at + 2 <= frame.length && at < 20 && [0x8100, 0x88a8].includes((frame[at]! << 8) | frame[at + 1]!)) at += 4;
    if (at + 2 > frame.length) return false;
    const et = (frame[at]! << 8) | frame[at + 1]!;
    if (et !== (route.family === 4 ? 0x0800 : 0x86dd)) return false;
    ip = at + 2;
  } else if (frame.length < 1 || frame[0]! >> 4 !== route.family) return false;
  const off = ip + (route.family === 4 ? 16 : 24);
  const n = route.addr.length;
  if (frame.length < off + n) return false;
  for (let bit = 0; bit < route.len; bit++) {
    const k = bit >> 3, m = 0x80 >> (bit & 7);
    if ((frame[off + k]! & m) !== (route.addr[k]! & m)) return false;
  }
  return true;
}

/** Why an LWT program does not see this packet (its destination is outside the route), or null. */
export function notRoutedReason(type: string, frame: Uint8Array, meta: { route?: unknown; frameStartsAt?: string } | undefined): string | null {
  if (!type.startsWith('lwt_') || typeof meta?.route !== 'string' || !meta.route.trim()) return null;
  const r = parseLwtRoute(meta.route);
  if (typeof r === 'string') return `route: ${r}`;
  return routeMatches(r, frame, meta.frameStartsAt === 'l3') ? null : `not routed through this program (destination outside ${r.text})`;
}

/** The simulated call stacks of an event, innermost frame first (what worker/maps/stack_trace.ts reads). */
export interface EventStack { kernel?: bigint[]; user?: bigint[] }

/** The task an event runs in: its cgroup v2 path and call stacks (the helper context's `cgroup`, `stack`). */
export interface EventTask { cgroup?: string; stack?: EventStack }

/** kernel.perf_event_max_stack's default (sysctl_perf_event_max_stack, PERF_MAX_STACK_DEPTH). */
export const MAX_STACK_FRAMES = 127;

/** One thing to run the program on (with the event's task, when the file gives one). */
export type MaterializedEvent = (
  | { kind: 'packet'; frame: Uint8Array; ctxIn?: Uint8Array; meta?: AttachMeta; label: string; source?: number }
  | { kind: 'ctx'; ctx: Uint8Array; label: string; sockOps?: { event: SockOpsEvent; socket: SimSocket }; stream?: { socket: number; data: Uint8Array }; source?: number }
) & { task?: EventTask };

export interface EventsFile {
  version: number;
  type: ProgTypeName;
  memory: MemoryBlob[];
  sockets: SimSocket[];
  events: unknown[];
}

/** Names an events file may use for numbers (socket families, types, protocols). */
export const NAMED: Record<string, number> = {
  AF_INET: 2, AF_INET6: 10, AF_UNIX: 1, AF_PACKET: 17,
  SOCK_STREAM: 1, SOCK_DGRAM: 2, SOCK_RAW: 3, SOCK_SEQPACKET: 5,
  IPPROTO_IP: 0, IPPROTO_ICMP: 1, IPPROTO_TCP: 6, IPPROTO_UDP: 17, IPPROTO_ICMPV6: 58, IPPROTO_SCTP: 132,
};

/** line:col of a character offset. */
function lineCol(text: string, pos: number): { line: number; col: number } {
  const before = text.slice(0, pos).split('\n');
  return { line: before.length, col: before[before.length - 1].length + 1 };
}

/** Offset of the first JSON syntax error (engines differ in whether their message says), or -1. */
export function jsonErrorPosition(t: string): number {
  let i = 0;
  const ws = () => { while (i < t.length && ' \t\n\r'.includes(t[i])) i++; };
  const fail = (): never => { throw i; };
  const value = (): void => {
    ws();
    const c = t[i];
    if (c === '{') {
      i++; ws();
      if (t[i] === '}') { i++; return; }
      for (;;) {
        ws();
        if (t[i] !== '"') fail();
        str(); ws();
        if (t[i] !== ':') fail();
        i++; value(); ws();
        if (t[i] === ',') { i++; continue; }
        if (t[i] === '}') { i++; return; }
        fail();
      }
    } else if (c === '[') {
      i++; ws();
      if (t[i] === ']') { i++; return; }
      for (;;) {
        value(); ws();
        if (t[i] === ',') { i++; continue; }
        if (t[i] === ']') { i++; return; }
        fail();
      }
    } else if (c === '"') str();
    else {
      const m = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(t.slice(i));
      if (!m) fail();
      i += m![0].length;
    }
  };
  const str = () => {
    i++;
    while (i < t.length && t[i] !== '"') {
      if (t[i] === '\\') i++;
      else if (t.charCodeAt(i) < 0x20) fail();
      i++;
    }
    if (i >= t.length) fail();
    i++;
  };
  try {
    value();
    ws();
    return i < t.length ? i : -1;
  } catch (p) {
    return typeof p === 'number' ? p : -1;
  }
}

export function parseNumber(v: unknown): bigint | null {
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^-?(0x[0-9a-f]+|\d+)$/i.test(v.trim())) {
    const s = v.trim();
    const neg = s.startsWith('-');
    const n = BigInt(neg ? s.slice(1) : s);
    return neg ? -n : n;
  }
  if (typeof v === 'string' && NAMED[v] !== undefined) return BigInt(NAMED[v]);
  return null;
}

export function parseEventsFile(text: string): { file: EventsFile | null; diagnostics: Diagnostic[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const m = /position (\d+)/.exec(msg);
    const pos = m ? Number(m[1]) : jsonErrorPosition(text);
    const loc = pos >= 0 ? lineCol(text, pos) : {};
    return { file: null, diagnostics: [err(`events file is not valid JSON: ${msg}`, loc, 'events.json')] };
  }
  const d: Diagnostic[] = [];
  const bad = (path: string, msg: string) => d.push(err(`${path}: ${msg}`, {}, 'events.schema'));
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return { file: null, diagnostics: [err('events file must be a JSON object with "type" and "events"', {}, 'events.schema')] };
  const o = doc as Record<string, unknown>;
  const version = o.version ?? 1;
  if (version !== EVENTS_FORMAT_VERSION) bad('version', `unsupported version ${JSON.stringify(version)} (this bpfplay reads version ${EVENTS_FORMAT_VERSION})`);
  if (typeof o.type !== 'string' || !(PROG_TYPE_NAMES as readonly string[]).includes(o.type)) bad('type', `must be one of ${PROG_TYPE_NAMES.join(', ')}`);
  if (!Array.isArray(o.events)) bad('events', 'must be an array');
  const memory: MemoryBlob[] = [];
  if (o.memory !== undefined) {
    if (!Array.isArray(o.memory)) bad('memory', 'must be an array');
    else
      o.memory.forEach((m, i) => {
        const mm = m as Record<string, unknown>;
        const addr = parseNumber(mm?.addr);
        if (addr === null) return bad(`memory[${i}].addr`, 'must be an address');
        if (typeof mm.text === 'string') {
          const t = utf8Encode(mm.text);
          const z = new Uint8Array(t.length + 1);
          z.set(t);
          memory.push({ addr: BigInt.asUintN(64, addr), bytes: z });
        } else if (typeof mm.hex === 'string') {
          const h = parseHex(mm.hex);
          if (h.diagnostics.length) bad(`memory[${i}].hex`, h.diagnostics[0].message);
          memory.push({ addr: BigInt.asUintN(64, addr), bytes: h.bytes });
        } else bad(`memory[${i}]`, 'needs "text" or "hex"');
      });
  }
  const sockets: SimSocket[] = [];
  if (Array.isArray(o.sockets)) o.sockets.forEach((s, i) => sockets.push(socketOf(s, `sockets[${i}]`, bad)));
  if (d.length) return { file: null, diagnostics: d };
  return { file: { version: 1, type: o.type as ProgTypeName, memory, sockets, events: o.events as unknown[] }, diagnostics: [] };
}

const PACKET_TYPES = new Set<ProgTypeName>(['socket_filter', 'sched_cls', 'sched_act', 'xdp', 'cgroup_skb', 'lwt_in', 'lwt_out', 'lwt_xmit']);

export function materializeEvents(file: EventsFile): { events: MaterializedEvent[]; diagnostics: Diagnostic[] } {
  const out: MaterializedEvent[] = [];
  const d: Diagnostic[] = [];
  const bad = (path: string, msg: string) => d.push(err(`${path}: ${msg}`, {}, 'events.schema'));
  const num = (path: string, v: unknown, dflt?: bigint): bigint | null => {
    if (v === undefined && dflt !== undefined) return dflt;
    const n = parseNumber(v);
    if (n === null) bad(path, `must be an integer (number or "0x…" string), got ${JSON.stringify(v)}`);
    return n;
  };
  const one = (raw: unknown, i: number) => {
    const p = `events[${i}]`;
    if (typeof raw !== 'object' || raw === null) return bad(p, 'must be an object');
    const e = raw as Record<string, unknown>;
    if (PACKET_TYPES.has(file.type)) {
      const ctxIn = typeof e.ctx === 'string' ? parseHex(e.ctx).bytes : undefined;
      const meta = typeof e.meta === 'object' && e.meta ? (e.meta as AttachMeta) : undefined;
      const route = (meta as { route?: unknown } | undefined)?.route;
      if (route !== undefined && (typeof route !== 'string' || typeof parseLwtRoute(route) === 'string'))
        return bad(`${p}.meta.route`, typeof route === 'string' ? (parseLwtRoute(route) as string) : 'must be a string');
      // An LWT packet outside the route's prefix never reaches the program (lwtunnel only runs on its route).
      const push = (frame: Uint8Array, label: string) => {
        const why = notRoutedReason(file.type, frame, meta);
        if (why) d.push(warn(`${p}: ${label}: ${why}`, {}, 'events.not-routed'));
        else out.push({ kind: 'packet', frame, ctxIn, meta, label });
      };
      if (typeof e.sample === 'string') {
        const s = buildSample(e.sample);
        if (!s) return bad(`${p}.sample`, `unknown sample ${JSON.stringify(e.sample)}`);
        s.frames.forEach((f, k) => push(f, `${e.sample} #${k + 1}`));
      } else if (typeof e.hex === 'string') {
        const h = parseHex(e.hex);
        if (h.diagnostics.length) return bad(`${p}.hex`, h.diagnostics[0].message);
        push(h.bytes, `packet ${i + 1}`);
      } else if (typeof e.spec === 'object' && e.spec) {
        const b = buildPacket(e.spec as PacketSpec);
        if (!b.bytes) return b.diagnostics.forEach((x) => bad(`${p}.spec`, x.message));
        push(b.bytes, `packet ${i + 1}`);
      } else bad(p, 'a packet event needs "sample", "hex" or "spec"');
      return;
    }
    switch (file.type) {
      case 'kprobe': {
        const fn = typeof e.function === 'string' ? e.function : undefined;
        const cat = KPROBE_CATALOGUE.find((k) => k.name === fn);
        const args = Array.isArray(e.args) ? e.args.map((a, k) => num(`${p}.args[${k}]`, a) ?? 0n) : cat?.example.map((x) => BigInt(x)) ?? [];
        const regs = regsOf(e.regs, `${p}.regs`, bad, num);
        const kret = e.kretprobe === true;
        const ret = num(`${p}.ret`, e.ret, BigInt(cat?.exampleRet ?? 0)) ?? 0n;
        out.push({ kind: 'ctx', ctx: buildPtRegs({ function: fn, args, kretprobe: kret, ret, regs }), label: `${kret ? 'kretprobe' : 'kprobe'} ${fn ?? ''}`.trim() });
        return;
      }
      case 'tracepoint': {
        const tp = typeof e.tracepoint === 'string' ? tracepointInfo(e.tracepoint) : undefined;
        if (!tp) return bad(`${p}.tracepoint`, `unknown tracepoint ${JSON.stringify(e.tracepoint)}`);
        const fields: Record<string, TraceValue> = {};
        for (const [k, v] of Object.entries((e.fields as Record<string, unknown>) ?? {})) {
          if (typeof v === 'string' && parseNumber(v) === null) fields[k] = v;
          else if (Array.isArray(v)) fields[k] = v.map((x, j) => Number(BigInt.asIntN(64, num(`${p}.fields.${k}[${j}]`, x) ?? 0n)));
          else if (typeof v === 'object' && v && typeof (v as { hex?: unknown }).hex === 'string') {
            const h = parseHex((v as { hex: string }).hex);
            if (h.diagnostics.length) bad(`${p}.fields.${k}.hex`, h.diagnostics[0]!.message);
            else fields[k] = { hex: bytesToHex(h.bytes) };
          }
          else fields[k] = num(`${p}.fields.${k}`, v) ?? 0n;
        }
        const r = buildTracepointRecord(tp.format, fields, Number(num(`${p}.pid`, e.pid, 1000n) ?? 1000n));
        r.diagnostics.forEach((x) => bad(p, x.message));
        out.push({ kind: 'ctx', ctx: r.bytes, label: tp.id });
        return;
      }
      case 'perf_event': {
        const regs = regsOf(e.regs, `${p}.regs`, bad, num);
        out.push({ kind: 'ctx', ctx: buildPerfEventData({ regs: { function: 'sampled', regs }, samplePeriod: num(`${p}.samplePeriod`, e.samplePeriod, 100000n) ?? 0n, addr: num(`${p}.addr`, e.addr, 0n) ?? 0n }), label: 'perf sample' });
        return;
      }
      case 'sock_ops': {
        if (typeof e.scenario === 'string') {
          const sc = SOCK_OPS_SCENARIOS[e.scenario];
          if (!sc) return bad(`${p}.scenario`, `unknown scenario ${JSON.stringify(e.scenario)} (${Object.keys(SOCK_OPS_SCENARIOS).join(', ')})`);
          const sock = newSocket(sc.role === 'passive' ? { localAddr: '198.51.100.20', localPort: 80 } : {});
          for (const ev of sc.events) out.push({ kind: 'ctx', ctx: new Uint8Array(0), label: `${e.scenario}: op ${ev.op}`, sockOps: { event: ev, socket: sock } });
          return;
        }
        const op = typeof e.op === 'string' ? (SOCK_OPS as Record<string, number>)[e.op] : Number(num(`${p}.op`, e.op) ?? -1);
        if (op === undefined || op < 0) return bad(`${p}.op`, 'unknown sock_ops op');
        const sock = socketOf(e.socket, `${p}.socket`, bad);
        const ev: SockOpsEvent = { op, args: Array.isArray(e.args) ? e.args.map((a, k) => Number(num(`${p}.args[${k}]`, a) ?? 0n)) : [] };
        out.push({ kind: 'ctx', ctx: buildSockOpsCtx(ev, sock), label: `op ${op}`, sockOps: { event: ev, socket: sock } });
        return;
      }
      case 'cgroup_sock': {
        const f = num(`${p}.family`, e.family, 2n), t = num(`${p}.type`, e.type, 1n), pr = num(`${p}.protocol`, e.protocol, 0n);
        const dev = num(`${p}.boundDevIf`, e.boundDevIf, 0n), mark = num(`${p}.mark`, e.mark, 0n), prio = num(`${p}.priority`, e.priority, 0n);
        out.push({
          kind: 'ctx', label: `socket(${f}, ${t}, ${pr})`,
          ctx: buildSockCreateCtx({ family: Number(f ?? 2n), type: Number(t ?? 1n), protocol: Number(pr ?? 0n), boundDevIf: Number(dev ?? 0n), mark: Number(BigInt.asUintN(32, mark ?? 0n)), priority: Number(BigInt.asUintN(32, prio ?? 0n)) }),
        });
        return;
      }
      case 'sk_skb': {
        const si = Number(num(`${p}.socket`, e.socket, 0n) ?? 0n);
        const sockets = file.sockets.length ? file.sockets : [newSocket()];
        if (!sockets[si]) return bad(`${p}.socket`, `no socket ${si} (the file lists ${sockets.length})`);
        const data = typeof e.text === 'string' ? utf8Encode(e.text) : typeof e.hex === 'string' ? parseHex(e.hex).bytes : null;
        if (!data) return bad(p, 'a message needs "text" or "hex"');
        const { ctx } = buildSkSkbCtx({ socket: si, data }, sockets[si]);
        out.push({ kind: 'ctx', ctx, label: `socket ${si}: ${data.length} bytes`, stream: { socket: si, data } });
        return;
      }
      default:
        bad(p, `events for ${file.type} are not supported`);
    }
  };
  file.events.forEach((raw, i) => {
    const start = out.length;
    one(raw, i);
    // Which event of the file each context came from (a sock_ops scenario or a sample gives several).
    for (let k = start; k < out.length; k++) out[k]!.source = i;
    const e = raw as Record<string, unknown> | null;
    const task = typeof e === 'object' && e !== null ? taskOf(e, `events[${i}]`, bad) : undefined;
    if (task) for (let k = start; k < out.length; k++) out[k]!.task = task;
    if (PACKET_TYPES.has(file.type) || typeof e !== 'object' || e === null || e.ctx === undefined) return;
    applyCtxOverrides(file.type, e, out.slice(start), `events[${i}].ctx`, bad, num);
  });
  return { events: out, diagnostics: d };
}

/**
 * A simulated socket from its JSON description: numbers may be given like any other number ("0x…"),
 * the state also by name ("ESTABLISHED"), addresses must parse for the family. Bad values are reported
 * at `path.key` and left at their defaults.
 */
function socketOf(v: unknown, path: string, bad: (p: string, m: string) => void): SimSocket {
  const sock = newSocket();
  if (v === undefined) return sock;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    bad(path, 'must be an object of socket fields');
    return sock;
  }
  const rec = sock as unknown as Record<string, unknown>;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const at = `${path}.${k}`;
    const dflt = rec[k];
    if (dflt === undefined) bad(at, `not a socket field (${Object.keys(sock).join(', ')})`);
    else if (k === 'family') {
      if (x === 'inet' || x === 'inet6') sock.family = x;
      else bad(at, 'must be "inet" or "inet6"');
    } else if (k === 'localAddr' || k === 'remoteAddr') {
      if (typeof x === 'string') rec[k] = x;
      else bad(at, 'must be an address string');
    } else {
      const st = k === 'state' && typeof x === 'string' ? (TCP_STATES as readonly string[]).indexOf(x.replace(/^(BPF_)?TCP_/, '')) : -1;
      const n = st > 0 ? BigInt(st) : parseNumber(x);
      if (n === null) bad(at, `must be an integer${k === 'state' ? ' or a TCP state name (ESTABLISHED, SYN_SENT, …)' : ''}, got ${JSON.stringify(x)}`);
      else rec[k] = typeof dflt === 'bigint' ? BigInt.asUintN(64, n) : Number(BigInt.asUintN(32, n));
    }
  }
  for (const k of ['localAddr', 'remoteAddr'] as const)
    if ((sock.family === 'inet' ? parseIPv4(sock[k]) : parseIPv6(sock[k])) === null) bad(`${path}.${k}`, `${JSON.stringify(sock[k])} is not an ${sock.family === 'inet' ? 'IPv4' : 'IPv6'} address`);
  return sock;
}

/** A context field an override can name: offset, width of one value (element size for arrays), count. */
interface OverrideField { name: string; off: number; width: number; count: number; text: boolean }

function overrideFields(type: ProgTypeName, e: Record<string, unknown>): OverrideField[] {
  if (type === 'tracepoint') {
    const tp = typeof e.tracepoint === 'string' ? tracepointInfo(e.tracepoint) : undefined;
    return (tp?.format.fields ?? []).map((f) => {
      const count = f.arrayLen && f.ctype !== 'char' ? f.arrayLen : 1;
      return { name: f.name, off: f.offset, width: f.size / count, count, text: count === 1 && f.arrayLen !== undefined && !f.dataLoc };
    });
  }
  return PROG_TYPES[type].ctx.fields.map((f) => ({ name: f.name, off: f.off, width: f.elem ?? f.size, count: f.elem ? f.size / f.elem : 1, text: false }));
}

/**
 * Applies an event's "ctx": {field: value} overrides to the contexts it produced (after they were built,
 * so they win). Errors are located at `path.field`; nothing is written for a value that does not parse.
 */
function applyCtxOverrides(type: ProgTypeName, e: Record<string, unknown>, events: MaterializedEvent[], path: string, bad: (p: string, m: string) => void, num: (p: string, v: unknown) => bigint | null): void {
  const o = e.ctx;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return bad(path, 'must be an object of context field names and values');
  if (events.some((x) => x.kind === 'ctx' && x.ctx.length === 0)) return bad(path, 'a sock_ops scenario builds its contexts as it runs: list its callbacks ("op") to override context fields');
  const fields = overrideFields(type, e);
  for (const [key, v] of Object.entries(o as Record<string, unknown>)) {
    const at = `${path}.${key}`;
    const m = /^([A-Za-z_][\w.]*)(?:\[(\d+)\])?$/.exec(key);
    const f = m ? fields.find((x) => x.name === m[1]) : undefined;
    if (!m || !f) {
      bad(at, `the context has no field ${JSON.stringify(key)} (fields: ${fields.map((x) => x.name).join(', ')})`);
      continue;
    }
    const idx = m[2] !== undefined ? Number(m[2]) : 0;
    if (idx >= f.count) {
      bad(at, `${f.name} has ${f.count} element${f.count === 1 ? '' : 's'}`);
      continue;
    }
    // A whole array given as a list of numbers; otherwise one value of one element's width.
    const whole = m[2] === undefined && f.count > 1;
    const width = whole && !Array.isArray(v) && (typeof v === 'string' || typeof v === 'object') ? f.width * f.count : f.width;
    let bytes: Uint8Array | null = null;
    if (Array.isArray(v)) {
      if (!whole) {
        bad(at, 'a list of values needs an array field');
        continue;
      }
      bytes = new Uint8Array(f.width * f.count);
      v.slice(0, f.count).forEach((x, k) => {
        const n = num(`${at}[${k}]`, x);
        if (n !== null) bytes!.set(leBytes(n, f.width), k * f.width);
      });
    } else if (typeof v === 'object' && v !== null && typeof (v as { hex?: unknown }).hex === 'string') {
      const h = parseHex((v as { hex: string }).hex);
      if (h.diagnostics.length) {
        bad(`${at}.hex`, h.diagnostics[0]!.message);
        continue;
      }
      bytes = new Uint8Array(width);
      bytes.set(h.bytes.subarray(0, width));
    } else if (typeof v === 'string' && f.text && parseNumber(v) === null) {
      bytes = new Uint8Array(width);
      bytes.set(utf8Encode(v).subarray(0, width));
    } else {
      const n = num(at, v);
      if (n === null) continue;
      bytes = leBytes(n, f.width);
    }
    const off = f.off + idx * f.width;
    for (const x of events) {
      if (x.kind !== 'ctx') continue;
      if (off + bytes.length > x.ctx.length) {
        bad(at, `outside the ${x.ctx.length}-byte context`);
        break;
      }
      x.ctx.set(bytes, off);
    }
  }
}

function leBytes(n: bigint, width: number): Uint8Array {
  const out = new Uint8Array(width);
  let v = BigInt.asUintN(width * 8, n);
  for (let b = 0; b < width; b++) {
    out[b] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function regsOf(v: unknown, path: string, bad: (p: string, m: string) => void, num: (p: string, v: unknown) => bigint | null): Partial<Record<PtRegName, bigint>> {
  const r: Partial<Record<PtRegName, bigint>> = {};
  if (v === undefined) return r;
  if (typeof v !== 'object' || v === null) {
    bad(path, 'must be an object of register names');
    return r;
  }
  for (const [k, x] of Object.entries(v)) {
    if (!(PT_REGS_NAMES as readonly string[]).includes(k)) bad(`${path}.${k}`, `not an x86-64 pt_regs register (${PT_REGS_NAMES.join(', ')})`);
    else r[k as PtRegName] = num(`${path}.${k}`, x) ?? 0n;
  }
  return r;
}

/**
 * An event's "cgroup" and "stack" (see the module comment), or undefined when it gives neither. Bad values
 * are reported at `path.cgroup` / `path.stack[k]` and left out.
 */
function taskOf(e: Record<string, unknown>, path: string, bad: (p: string, m: string) => void): EventTask | undefined {
  const task: EventTask = {};
  if (e.cgroup !== undefined) {
    const c = e.cgroup;
    if (typeof c !== 'string' || !c.startsWith('/')) bad(`${path}.cgroup`, `must be an absolute cgroup v2 path such as "/system.slice/nginx.service", got ${JSON.stringify(c)}`);
    else if (c.split('/').some((x) => x === '..')) bad(`${path}.cgroup`, `".." is not allowed in a cgroup path (${JSON.stringify(c)})`);
    else task.cgroup = c;
  }
  if (e.stack !== undefined) {
    const s = e.stack;
    const frames = (v: unknown, at: string, kernel: boolean): bigint[] | undefined => {
      if (!Array.isArray(v)) {
        bad(at, `must be a list of ${kernel ? 'addresses or kernel function names' : 'addresses'}, innermost frame first`);
        return undefined;
      }
      if (v.length > MAX_STACK_FRAMES) bad(at, `has ${v.length} frames; at most ${MAX_STACK_FRAMES} (kernel.perf_event_max_stack)`);
      const out: bigint[] = [];
      v.slice(0, MAX_STACK_FRAMES).forEach((x, k) => {
        // a number, or a string of digits ("0xffffffff81a2b3c0"); any other string is a function name
        const a = typeof x === 'number' || (typeof x === 'string' && /^(0x[0-9a-f]+|\d+)$/i.test(x.trim())) ? parseNumber(x) : null;
        if (a !== null) {
          out.push(BigInt.asUintN(64, a));
          return;
        }
        const m = kernel && typeof x === 'string' ? /^([A-Za-z_][\w.$]*)(?:\+(0x[0-9a-f]+|\d+))?$/i.exec(x.trim()) : null;
        if (!m) bad(`${at}[${k}]`, `${JSON.stringify(x)} is not ${kernel ? 'an address or a kernel function name (name or name+0x1c)' : 'an address'}`);
        else out.push(BigInt.asUintN(64, functionAddress(m[1]!) + (m[2] ? BigInt(m[2]) : 0n)));
      });
      return out;
    };
    if (Array.isArray(s)) {
      const kernel = frames(s, `${path}.stack`, true);
      if (kernel) task.stack = { kernel };
    } else if (typeof s === 'object' && s !== null) {
      const o = s as Record<string, unknown>;
      for (const k of Object.keys(o)) if (k !== 'kernel' && k !== 'user') bad(`${path}.stack.${k}`, 'a stack object has only "kernel" and "user" lists');
      const kernel = o.kernel !== undefined ? frames(o.kernel, `${path}.stack.kernel`, true) : undefined;
      const user = o.user !== undefined ? frames(o.user, `${path}.stack.user`, false) : undefined;
      if (kernel || user) task.stack = { ...(kernel ? { kernel } : {}), ...(user ? { user } : {}) };
    } else bad(`${path}.stack`, 'must be a list of frames or { "kernel": [ … ], "user": [ … ] }');
  }
  return task.cgroup !== undefined || task.stack !== undefined ? task : undefined;
}
