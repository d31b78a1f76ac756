// The event editors' model: the events file (worker/events/format.ts, version 1) as a plain JSON document
// that the forms edit, with list operations (add, remove, duplicate, reorder), one event default per program
// type, and the mapping of a context-field edit to its home in the event (kprobe arguments to args,
// tracepoint fields to fields, sock_ops socket fields to socket…, anything else to the "ctx" override map).
// Pure functions over JSON values: they never validate numbers (the engine does, with located errors) and
// keep whatever the user typed, so an invalid value survives until it is fixed. No React, no engine calls.
import type { AttachView, EventCatalogue } from '../../worker/api/types';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type EventObj = { [k: string]: Json };

export interface EventsDoc {
  version?: number;
  type: string;
  memory?: Json[];
  sockets?: Json[];
  events: Json[];
  [k: string]: Json | undefined;
}

/** The program types whose events the forms edit (packet types take packets, seccomp has its own list). */
export const FORM_TYPES = ['kprobe', 'tracepoint', 'perf_event', 'sock_ops', 'cgroup_sock', 'sk_skb'] as const;
export type FormType = (typeof FORM_TYPES)[number];
export function isFormType(t: string): t is FormType {
  return (FORM_TYPES as readonly string[]).includes(t);
}

export function parseDoc(text: string): { doc: EventsDoc | null; error: string | null } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return { doc: null, error: `not valid JSON (${e instanceof Error ? e.message : String(e)}): fix it in the JSON view` };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { doc: null, error: 'the events file must be a JSON object' };
  const o = v as Record<string, unknown>;
  if (!Array.isArray(o.events)) return { doc: null, error: '"events" must be a list' };
  if (typeof o.type !== 'string') return { doc: null, error: '"type" must be a program type name' };
  return { doc: o as EventsDoc, error: null };
}

export function serializeDoc(doc: EventsDoc): string {
  return JSON.stringify(doc, null, 2);
}

export function isObj(v: unknown): v is EventObj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** What a number field stores: a JSON number when the text is a safe decimal integer, else the text as typed
 * (a "0x…" or 64-bit string is valid events-file syntax; anything else gets the engine's located error). */
export function numValue(text: string): Json {
  const t = text.trim();
  if (/^-?\d+$/.test(t) && Number.isSafeInteger(Number(t))) return Number(t);
  return t === '' ? text : t;
}

/** Whether the text is a number the events format reads ("-100", "0x7ffd1000", "18446744073709551615"). */
export function isNumberText(text: string): boolean {
  return /^-?(0x[0-9a-f]+|\d+)$/i.test(text.trim());
}

/** The text a form field shows for a stored value. */
export function fieldText(v: Json | undefined): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** The text a tracepoint field input shows: a fixed array as "1, 2, 3, 4", raw bytes as "hex:…". */
export function traceFieldText(v: Json | undefined): string {
  if (Array.isArray(v)) return v.map((x) => fieldText(x)).join(', ');
  if (isObj(v) && typeof v.hex === 'string') return `hex:${v.hex}`;
  return fieldText(v);
}

/** What a tracepoint field input stores (the events format's TraceValue): "hex:…" raw bytes, a comma list for
 * fixed arrays, text for char arrays and __data_loc strings, else a number; empty removes the field. */
export function traceFieldValue(text: string, isText: boolean): Json | undefined {
  if (text === '') return undefined;
  const hex = /^hex:(.*)$/is.exec(text);
  if (hex) return { hex: hex[1]!.trim() };
  if (isText) return text;
  if (text.includes(',')) return text.split(',').map((x) => numValue(x.trim()));
  return numValue(text);
}

/** Whether a tracepoint field's text is something the format reads (for marking it before Apply). */
export function traceFieldOk(text: string, isText: boolean): boolean {
  if (text === '' || isText || /^hex:\s*([0-9a-f]{2}\s*)*$/i.test(text)) return true;
  return text.split(',').every((x) => isNumberText(x));
}

/** A copy of `obj` with `path` set to `value` (undefined deletes it); arrays are padded with `pad`. */
export function setIn<T extends Json>(obj: T, path: readonly (string | number)[], value: Json | undefined, pad: Json = 0): T {
  if (path.length === 0) return (value ?? null) as T;
  const [head, ...rest] = path;
  if (typeof head === 'number') {
    const arr = Array.isArray(obj) ? obj.slice() : [];
    while (arr.length < head) arr.push(pad);
    if (rest.length === 0 && value === undefined) arr.splice(head, 1);
    else arr[head] = setIn((arr[head] ?? (typeof rest[0] === 'number' ? [] : {})) as Json, rest, value, pad);
    return arr as T;
  }
  const o: EventObj = isObj(obj) ? { ...obj } : {};
  if (rest.length === 0 && value === undefined) delete o[head!];
  else {
    const next = setIn((o[head!] ?? (typeof rest[0] === 'number' ? [] : {})) as Json, rest, value, pad);
    // an emptied sub-object (the last register or override removed) disappears
    if (value === undefined && isObj(next) && Object.keys(next).length === 0) delete o[head!];
    else o[head!] = next;
  }
  return o as T;
}

// ---- list operations ----

function withEvents(doc: EventsDoc, events: Json[]): EventsDoc {
  return { ...doc, events };
}

export function moveEvent(doc: EventsDoc, i: number, delta: number): EventsDoc {
  const j = i + delta;
  if (i < 0 || j < 0 || i >= doc.events.length || j >= doc.events.length) return doc;
  const ev = doc.events.slice();
  [ev[i], ev[j]] = [ev[j]!, ev[i]!];
  return withEvents(doc, ev);
}

export function removeEvent(doc: EventsDoc, i: number): EventsDoc {
  return withEvents(doc, doc.events.filter((_, k) => k !== i));
}

export function duplicateEvent(doc: EventsDoc, i: number): EventsDoc {
  const ev = doc.events.slice();
  if (ev[i] === undefined) return doc;
  ev.splice(i + 1, 0, JSON.parse(JSON.stringify(ev[i])) as Json);
  return withEvents(doc, ev);
}

export function insertEvent(doc: EventsDoc, at: number, e: Json): EventsDoc {
  const ev = doc.events.slice();
  ev.splice(Math.max(0, Math.min(at, ev.length)), 0, e);
  return withEvents(doc, ev);
}

export function replaceEvent(doc: EventsDoc, i: number, e: Json): EventsDoc {
  const ev = doc.events.slice();
  ev[i] = e;
  return withEvents(doc, ev);
}

/** A new event for the type: the first catalogue entry with its example values. */
export function newEvent(type: string, cat: EventCatalogue | null): EventObj {
  switch (type) {
    case 'kprobe': {
      const k = cat?.kprobe[0];
      return k ? { function: k.name, args: k.example.map(numValue) } : { function: 'do_sys_openat2' };
    }
    case 'tracepoint':
      return { tracepoint: cat?.tracepoints[0]?.id ?? 'syscalls/sys_enter_openat', fields: {}, pid: 1000 };
    case 'perf_event':
      return { samplePeriod: 100000, addr: 0, regs: { rip: '0xffffffff81000000' } };
    case 'sock_ops':
      return { op: 'BPF_SOCK_OPS_TCP_CONNECT_CB', args: [0, 0, 0, 0], socket: { state: 'CLOSE' } };
    case 'cgroup_sock':
      return { family: 'AF_INET', type: 'SOCK_STREAM', protocol: 'IPPROTO_TCP' };
    case 'sk_skb':
      return { socket: 0, text: 'hello\r\n' };
    default:
      return {};
  }
}

/** A one-line description of an event for the list. */
export function eventSummary(type: string, e: Json): string {
  if (!isObj(e)) return 'not an object';
  const s = (v: Json | undefined) => fieldText(v);
  switch (type) {
    case 'kprobe':
      return `${e.kretprobe === true ? 'kretprobe' : 'kprobe'} ${s(e.function) || '?'}${Array.isArray(e.args) ? `(${e.args.map(s).join(', ')})` : ''}${e.kretprobe === true && e.ret !== undefined ? ` = ${s(e.ret)}` : ''}`;
    case 'tracepoint':
      return `${s(e.tracepoint) || '?'}${e.pid !== undefined ? ` pid ${s(e.pid)}` : ''}`;
    case 'perf_event':
      return `sample${isObj(e.regs) && e.regs.rip !== undefined ? ` ip ${s(e.regs.rip)}` : ''}`;
    case 'sock_ops':
      return e.scenario !== undefined ? `scenario ${s(e.scenario)}` : `${s(e.op).replace(/^BPF_SOCK_OPS_/, '') || 'op ?'}${Array.isArray(e.args) ? ` [${e.args.map(s).join(', ')}]` : ''}`;
    case 'cgroup_sock':
      return `socket(${s(e.family) || 'AF_INET'}, ${s(e.type) || 'SOCK_STREAM'}, ${s(e.protocol) || '0'})`;
    case 'sk_skb': {
      const body = typeof e.text === 'string' ? JSON.stringify(e.text.length > 24 ? `${e.text.slice(0, 24)}…` : e.text) : `hex ${s(e.hex).slice(0, 16)}`;
      return `socket ${s(e.socket) || '0'}: ${body}`;
    }
    default:
      return JSON.stringify(e).slice(0, 60);
  }
}

// ---- context-field edits ----

/** sock_ops context fields that are fields of the simulated socket (worker/events/sockets.ts SimSocket). */
const SOCK_OPS_SOCKET: Record<string, string> = {
  state: 'state', snd_cwnd: 'sndCwnd', srtt_us: 'srttUs', mss_cache: 'mssCache', total_retrans: 'totalRetrans',
  segs_in: 'segsIn', segs_out: 'segsOut', bpf_sock_ops_cb_flags: 'cbFlags', sk_txhash: 'txhash', local_port: 'localPort',
  bytes_received: 'bytesReceived', bytes_acked: 'bytesAcked',
};
const CGROUP_SOCK: Record<string, string> = { family: 'family', type: 'type', protocol: 'protocol', bound_dev_if: 'boundDevIf', mark: 'mark', priority: 'priority' };

/** Where an edit of context field `field` goes in the event: a path inside it. */
export function ctxFieldHome(type: string, e: EventObj, field: string, cat: EventCatalogue | null): (string | number)[] {
  const el = /^(\w+)\[(\d+)\]$/.exec(field);
  switch (type) {
    case 'kprobe': {
      const k = (cat?.argRegs ?? ['rdi', 'rsi', 'rdx', 'rcx', 'r8', 'r9']).indexOf(field);
      const fn = cat?.kprobe.find((f) => f.name === e.function);
      const nargs = Math.max(Array.isArray(e.args) ? e.args.length : 0, fn?.args.length ?? 0);
      if (k >= 0 && k < nargs) return ['args', k];
      if (field === 'rax' && e.kretprobe === true) return ['ret'];
      return ['regs', field];
    }
    case 'perf_event':
      if (field === 'sample_period') return ['samplePeriod'];
      if (field === 'addr') return ['addr'];
      if (field.startsWith('regs.')) return ['regs', field.slice(5)];
      return ['ctx', field];
    case 'tracepoint':
      if (field === 'common_pid') return ['pid'];
      if (field === 'common_type') return ['ctx', field];
      return ['fields', field];
    case 'sock_ops':
      if (e.scenario !== undefined) return ['ctx', field];
      if (field === 'op') return ['op'];
      if (el && el[1] === 'args') return ['args', Number(el[2])];
      if (SOCK_OPS_SOCKET[field]) return ['socket', SOCK_OPS_SOCKET[field]!];
      return ['ctx', field];
    case 'cgroup_sock':
      return CGROUP_SOCK[field] ? [CGROUP_SOCK[field]!] : ['ctx', field];
    default:
      return ['ctx', field];
  }
}

/** The event after the user set context field `field` to `text` (numbers as numValue; text fields as text). */
export function applyCtxEdit(type: string, e: EventObj, field: string, text: string, isText: boolean, cat: EventCatalogue | null): EventObj {
  let ev = e;
  const home = ctxFieldHome(type, e, field, cat);
  // kprobe arguments not given yet come from the catalogue's example hit: keep them when one is edited
  if (type === 'kprobe' && home[0] === 'args' && !Array.isArray(e.args)) {
    const fn = cat?.kprobe.find((f) => f.name === e.function);
    ev = { ...ev, args: (fn?.example ?? []).map(numValue) };
  }
  if (type === 'sock_ops' && home[0] === 'args' && !Array.isArray(e.args)) ev = { ...ev, args: [] };
  return setIn(ev, home, isText ? text : numValue(text));
}

/** Program types attached at ingress or at egress (tc clsact, cgroup_skb). */
export const BOTH_WAYS_TYPES: readonly string[] = ['sched_cls', 'sched_act', 'cgroup_skb'];

/** The part of the attach settings that applies to a program type: a direction only where the type has
 * both, a route only for LWT (settings made for another type are kept but not used). */
export function attachFor(type: string, attach: AttachView): AttachView {
  const out: AttachView = {};
  if (attach.direction && BOTH_WAYS_TYPES.includes(type)) out.direction = attach.direction;
  if (attach.ifindex !== undefined) out.ifindex = attach.ifindex;
  if (attach.route && type.startsWith('lwt_')) out.route = attach.route;
  return out;
}

/** A packet program's inputs as an events file for `cli run --events`: every packet by its bytes, each with
 * the attach point the browser uses (the per-packet "meta"), so the CLI sees what the browser ran. */
export function packetsAsEventsFile(type: string, packets: readonly { hex: string }[], attach: AttachView): string {
  const a = attachFor(type, attach);
  const meta: EventObj = {};
  if (a.direction) meta.direction = a.direction;
  if (a.ifindex !== undefined) meta.ifindex = a.ifindex;
  if (a.route) meta.route = a.route;
  const has = Object.keys(meta).length > 0;
  return serializeDoc({ version: 1, type, events: packets.map((p): Json => (has ? { hex: p.hex, meta } : { hex: p.hex })) });
}
