// Tracepoint records: parses tracefs `format` files (the layout the kernel documents for each event in
// /sys/kernel/tracing/events/<system>/<event>/format) and builds the raw record a BPF_PROG_TYPE_TRACEPOINT
// program receives as its context, from field values the user edits. Handles the common_* header,
// fixed arrays, and __data_loc dynamic strings/arrays (a u32 holding length << 16 | offset, with the data
// appended after the fixed part, as trace_event_raw_* records store them). The catalogue comes from the
// running kernel (kernel.generated.ts). It does not run programs.

import { err, type Diagnostic } from '../util/diag';
import { utf8Encode } from '../packets/hex';
import { TRACEPOINT_FORMATS } from './kernel.generated';

export interface TraceField {
  name: string;
  /** C type as tracefs prints it, without the array suffix: 'unsigned int', 'const char *', 'char'. */
  ctype: string;
  offset: number;
  size: number;
  signed: boolean;
  /** Fixed array element count (`__u8 saddr[4]`). */
  arrayLen?: number;
  /** `__data_loc char[] name`: dynamic data, the field holds (len << 16) | offset. */
  dataLoc?: boolean;
  common: boolean;
}

export interface TraceFormat {
  /** system/event */
  id: string;
  name: string;
  eventId: number;
  fields: TraceField[];
  /** Size of the fixed part (end of the last field, rounded up to 8 as perf does not; kept exact here). */
  fixedSize: number;
  printFmt: string;
}

export function parseTracefsFormat(id: string, text: string): { format: TraceFormat | null; diagnostics: Diagnostic[] } {
  const diags: Diagnostic[] = [];
  const lines = text.split('\n');
  let name = id.split('/').pop() ?? id;
  let eventId = 0;
  let printFmt = '';
  let common = true;
  const fields: TraceField[] = [];
  lines.forEach((line, i) => {
    if (line.startsWith('name: ')) name = line.slice(6).trim();
    else if (line.startsWith('ID: ')) eventId = Number(line.slice(4));
    else if (line.startsWith('print fmt: ')) printFmt = line.slice(11);
    else if (line.trim() === '' && fields.length) common = false;
    else if (/^\s*field:/.test(line)) {
      const m = /field:(.+?);\s*offset:(\d+);\s*size:(\d+);\s*signed:(\d);/.exec(line);
      if (!m) {
        diags.push(err(`unreadable field line`, { line: i + 1, file: id }, 'trace.format'));
        return;
      }
      let decl = m[1].trim();
      const dataLoc = decl.startsWith('__data_loc ');
      if (dataLoc) decl = decl.slice(11);
      const arr = /^(.*?)\s*(\w+)\s*\[(\d*)\]$/.exec(decl);
      const plain = /^(.*?)\s*\*?\s*(\w+)$/.exec(decl);
      let ctype: string, fname: string, arrayLen: number | undefined;
      if (arr) {
        ctype = arr[1].trim();
        fname = arr[2];
        arrayLen = arr[3] ? Number(arr[3]) : undefined;
      } else if (dataLoc) {
        const d = /^(.*\])\s*(\w+)$/.exec(decl);
        ctype = d ? d[1] : decl;
        fname = d ? d[2] : decl;
      } else if (plain) {
        fname = plain[2];
        ctype = decl.slice(0, decl.length - fname.length).trim();
      } else {
        ctype = decl;
        fname = decl;
      }
      fields.push({ name: fname, ctype, offset: Number(m[2]), size: Number(m[3]), signed: m[4] === '1', arrayLen, dataLoc: dataLoc || undefined, common: common && fname.startsWith('common_') });
    }
  });
  if (!fields.length) return { format: null, diagnostics: [...diags, err(`no fields in the format of ${id}`, { file: id }, 'trace.format')] };
  const fixedSize = Math.max(...fields.map((f) => f.offset + f.size));
  return { format: { id, name, eventId, fields, fixedSize, printFmt }, diagnostics: diags };
}

export interface TracepointInfo { id: string; description: string; format: TraceFormat }

const DESCRIPTIONS: Record<string, string> = {
  'syscalls/sys_enter_openat': 'Entry of the openat(2) system call: directory fd, user pointer to the path, flags, mode.',
  'syscalls/sys_exit_openat': 'Return of openat(2): the new file descriptor or a negative errno.',
  'syscalls/sys_enter_execve': 'Entry of execve(2): user pointers to the path, argv and envp.',
  'syscalls/sys_enter_write': 'Entry of write(2): fd, user buffer pointer and byte count.',
  'sched/sched_switch': 'The scheduler switches from one task to another on a CPU (names, pids, priorities, previous state).',
  'sched/sched_process_exec': 'A task has executed a new program (filename, pid, old pid).',
  'sched/sched_process_exit': 'A task is exiting.',
  'sched/sched_wakeup': 'A task has been woken up and placed on a CPU run queue.',
  'net/net_dev_xmit': 'A packet has been handed to a network device driver for transmission (device name, length, return code).',
  'net/netif_receive_skb': 'A packet enters the network stack from a device.',
  'skb/kfree_skb': 'A packet is dropped: the skb, the code location and the drop reason (enum skb_drop_reason).',
  'tcp/tcp_retransmit_skb': 'TCP retransmits a segment (addresses, ports, socket state).',
  'sock/inet_sock_set_state': 'A TCP/SCTP/MPTCP socket changes state (old and new state, addresses, ports).',
  'irq/irq_handler_entry': 'A hardware interrupt handler starts (irq number and handler name).',
  'raw_syscalls/sys_enter': 'Entry of any system call: its number and six raw arguments.',
};

export const TRACEPOINT_CATALOGUE: readonly TracepointInfo[] = Object.entries(TRACEPOINT_FORMATS).flatMap(([id, text]) => {
  const f = parseTracefsFormat(id, text).format;
  return f ? [{ id, description: DESCRIPTIONS[id] ?? '', format: f }] : [];
});

export function tracepointInfo(id: string): TracepointInfo | undefined {
  return TRACEPOINT_CATALOGUE.find((t) => t.id === id);
}

/** A field value: a number/bigint for scalars, a string for char arrays and __data_loc strings, or
 * {hex} for raw bytes, or an array of numbers for fixed arrays. */
export type TraceValue = number | bigint | string | number[] | { hex: string };

/**
 * Builds the record: common header (common_type = the event ID, common_pid), then each field little-endian.
 * __data_loc data is appended after the fixed part in field order.
 */
export function buildTracepointRecord(fmt: TraceFormat, values: Record<string, TraceValue>, pid = 1000): { bytes: Uint8Array; diagnostics: Diagnostic[] } {
  const diags: Diagnostic[] = [];
  const dyn: { field: TraceField; data: Uint8Array }[] = [];
  for (const [k] of Object.entries(values))
    if (!fmt.fields.some((f) => f.name === k)) diags.push(err(`${fmt.id} has no field ${JSON.stringify(k)} (fields: ${fmt.fields.filter((f) => !f.common).map((f) => f.name).join(', ')})`, {}, 'trace.field'));
  const toBytes = (f: TraceField, v: TraceValue, size: number): Uint8Array => {
    const out = new Uint8Array(size);
    if (typeof v === 'string') {
      const s = utf8Encode(v);
      out.set(s.subarray(0, size));
      return out;
    }
    if (Array.isArray(v)) {
      const el = f.arrayLen ? size / f.arrayLen : 1;
      v.forEach((x, i) => { for (let b = 0; b < el; b++) out[i * el + b] = Number((BigInt(x) >> BigInt(8 * b)) & 0xffn); });
      return out;
    }
    if (typeof v === 'object') {
      const h = v.hex.replace(/[^0-9a-f]/gi, '');
      for (let i = 0; i < size && 2 * i < h.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
      return out;
    }
    let n = BigInt.asUintN(size * 8, BigInt(v));
    for (let b = 0; b < size; b++) {
      out[b] = Number(n & 0xffn);
      n >>= 8n;
    }
    return out;
  };
  const fixed = new Uint8Array(fmt.fixedSize);
  for (const f of fmt.fields) {
    let v = values[f.name];
    if (f.name === 'common_type') v = fmt.eventId;
    else if (f.name === 'common_pid') v = values.common_pid ?? pid;
    if (v === undefined) continue;
    if (f.dataLoc) {
      const d = typeof v === 'string' ? (() => { const s = utf8Encode(v as string); const z = new Uint8Array(s.length + 1); z.set(s); return z; })() : toBytes(f, v, typeof v === 'object' && 'hex' in (v as object) ? (v as { hex: string }).hex.length / 2 : 0);
      dyn.push({ field: f, data: d });
      continue;
    }
    fixed.set(toBytes(f, v, f.size), f.offset);
  }
  let total = fmt.fixedSize;
  const parts: Uint8Array[] = [fixed];
  for (const { field, data } of dyn) {
    const loc = ((data.length & 0xffff) << 16 | (total & 0xffff)) >>> 0;
    fixed.set(toBytes(field, loc, 4), field.offset);
    parts.push(data);
    total += data.length;
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return { bytes: out, diagnostics: diags };
}
