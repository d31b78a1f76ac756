// Runs a program over an events file (`cli run --events FILE`): every event becomes a context (and, for
// packet types, a BPF_PROG_TEST_RUN-style or attach-view packet run), the VM runs the program on it with
// the maps persisting from one event to the next as in the kernel, and each result carries the return
// value, its verdict name, outputs and what changed (sock_ops replies and callback flags, cgroup_sock
// fields written, sk_skb verdicts). An event's task (its cgroup v2 path and call stacks, format.ts
// EventTask) goes into the helper context as `cgroup` and `stack`, where worker/maps/cgroup_array.ts and
// stack_trace.ts read them. It does not parse the file (format.ts) nor print anything.

import type { Program } from '../isa/program';
import type { MapImpl } from '../maps/types';
import type { OutputEvent } from '../helpers/types';
import '../helpers/tracing';
import '../helpers/sockops';
import '../maps/sockmap';
import type { RedirectTarget } from '../maps/xdp_targets';
import { err, type Diagnostic } from '../util/diag';
import { CTX_BASE, PACKET_BASE, runFast, type RegionSpec } from '../vm/index';
import { createMaps, runAttached, runTestRun } from '../progtypes/run';
import { PROG_TYPES, streamParserVerdict, verdictName, type ProgTypeName } from '../progtypes/table';
import { ctxConvFields } from '../progtypes/ctx';
import type { TestRunType } from '../progtypes/testrun';
import { enterPercpuRun } from '../maps/percpu';
import { materializeEvents, memoryRegions, type EventsFile, type EventTask, type MaterializedEvent } from './format';
import { driveSockOps, setsockoptNames, SOCK_OP_NAMES, type SockOpsStep } from './sockets';

export interface EventResult {
  label: string;
  retval: number;
  verdict: string;
  fault?: string;
  outputs: OutputEvent[];
  /** Packet types: data_out and ctx_out as BPF_PROG_TEST_RUN reports them. */
  dataOut?: Uint8Array;
  ctxOut?: Uint8Array | null;
  /** Context types: the context bytes after the run (fields the program wrote). */
  ctxAfter?: Uint8Array;
  sockOps?: SockOpsStep & { helperLog: string[] };
  /** sk_skb: where bpf_sk_redirect_map/hash sent the message (socket index in the file's list). */
  redirect?: { socket: number; ingress: boolean };
  /** XDP: where bpf_redirect_map sent the frame. */
  target?: RedirectTarget;
}

export interface EventsRunResult { results: EventResult[]; maps: MapImpl[]; diagnostics: Diagnostic[] }

/** `programs`: what tail calls may reach (index 0 = the program run), as the VM's VmEnv.programs. */
export interface EventsRunOptions { seed?: number; cpu?: number; budget?: number; attachType?: number; streamParser?: boolean; maps?: MapImpl[]; programs?: Program[] }

const PACKET_TYPES = new Set<ProgTypeName>(['socket_filter', 'sched_cls', 'sched_act', 'xdp', 'cgroup_skb', 'lwt_in', 'lwt_out', 'lwt_xmit']);

/** The helper-context fields of an event's task: `cgroup` (a path) and `stack` ({ kernel?, user? }). */
function taskCtx(task: EventTask | undefined): { cgroup?: string; stack?: EventTask['stack'] } {
  if (!task) return {};
  return { ...(task.cgroup !== undefined ? { cgroup: task.cgroup } : {}), ...(task.stack ? { stack: task.stack } : {}) };
}

export function runEvents(program: Program, file: EventsFile, opts: EventsRunOptions = {}): EventsRunResult {
  const diagnostics: Diagnostic[] = [];
  const mat = materializeEvents(file);
  diagnostics.push(...mat.diagnostics);
  let maps = opts.maps;
  if (!maps) {
    const c = createMaps(program);
    if (!c.maps) return { results: [], maps: [], diagnostics: [...diagnostics, ...c.diagnostics] };
    maps = c.maps;
  }
  const results: EventResult[] = [];
  const type = file.type;
  const name = (r: number) => (type === 'sk_skb' && opts.streamParser ? streamParserVerdict(r) : verdictName(type, r));
  // memory blobs become readable regions for bpf_probe_read_*
  const memRegions = memoryRegions(file.memory);
  const base = { seed: opts.seed, cpu: opts.cpu, budget: opts.budget, programs: opts.programs };

  // fields the kernel rewrites to a narrower one (__sk_buff narrow reads, bpf_sock.rx_queue_mapping), as
  // progtypes/run.ts's vmRegions declares them for test runs
  const convFields = ctxConvFields(PROG_TYPES[type].ctx);
  const runCtx = (ctx: Uint8Array, extraRegions: RegionSpec[], helperCtx: unknown, ptrFields?: RegionSpec['ptrFields']) => {
    enterPercpuRun(maps!, opts.cpu ?? 0, true);
    const writable = PROG_TYPES[type].ctx.fields.some((f) => f.write.length > 0);
    const r = runFast({
      program, maps, ...base, ctx: helperCtx, ctxRegion: 'ctx',
      regions: [{ name: 'ctx', kind: 'ctx', base: CTX_BASE, bytes: ctx, readable: true, writable, ptrFields, convFields }, ...memRegions, ...extraRegions],
    });
    enterPercpuRun(maps!, opts.cpu ?? 0, false);
    return r;
  };

  // sock_ops scenarios: consecutive events of one scenario share a socket and are driven together.
  const pendingSockOps: MaterializedEvent[] = [];
  const flushSockOps = () => {
    if (!pendingSockOps.length) return;
    const first = pendingSockOps[0]!;
    if (first.kind !== 'ctx' || !first.sockOps) return;
    const sock = first.sockOps.socket;
    const runs: { fault: string | null; outputs: OutputEvent[]; log: string[]; ctx: Uint8Array }[] = [];
    // The connection is played by SockOpsSim (sockets.ts): replies and options change later callbacks.
    const steps = driveSockOps(pendingSockOps.map((e) => (e.kind === 'ctx' && e.sockOps ? e.sockOps.event : { op: 0 })), sock, (ctx, s) => {
      const helperCtx = { ...taskCtx(first.task), sockOps: { cbFlags: s.cbFlags, sockopts: (s.sockopts ??= {}), fullsock: true, log: [] as string[], socketIndex: 0 } };
      const r = runCtx(ctx, [], helperCtx);
      runs.push({ fault: r.fault?.message ?? null, outputs: r.outputs, log: helperCtx.sockOps.log, ctx });
      return { retval: r.retval, ctxAfter: ctx, setNames: setsockoptNames(helperCtx.sockOps.log) };
    });
    // driveSockOps calls run once per delivered event, in order: pair the runs with the delivered steps.
    let k = 0;
    steps.forEach((st, i) => {
      const e = pendingSockOps[i]!;
      const run = st.delivered ? runs[k++] : undefined;
      results.push({
        label: `${e.label.split(':')[0]}: ${SOCK_OP_NAMES[st.event.op] ?? st.event.op}`,
        retval: st.retval ?? 0,
        verdict: st.delivered ? st.effect : 'not called',
        outputs: run?.outputs ?? [],
        ...(run?.fault ? { fault: run.fault } : {}),
        ...(run ? { ctxAfter: run.ctx } : {}),
        sockOps: { ...st, helperLog: run?.log ?? [] },
      });
    });
    pendingSockOps.length = 0;
  };

  for (const ev of mat.events) {
    if (ev.kind === 'ctx' && ev.sockOps && ev.ctx.length === 0) {
      pendingSockOps.push(ev);
      continue;
    }
    flushSockOps();
    if (ev.kind === 'packet') {
      if (!PACKET_TYPES.has(type)) continue;
      const t = type as TestRunType;
      const ro = { ...base, maps, ...(ev.task ? { helperCtx: taskCtx(ev.task) } : {}) };
      const r = ev.meta
        ? runAttached(program, t, ev.frame, ev.meta, ro)
        : runTestRun(program, { type: t, dataIn: ev.frame, ctxIn: ev.ctxIn, attachType: opts.attachType }, ro);
      if (!r.output) {
        diagnostics.push(...r.diagnostics.map((d) => err(`${ev.label}: ${d.message}`, d.loc, d.code)));
        continue;
      }
      const target = (r.setup as { redirect?: RedirectTarget } | null)?.redirect;
      const v = name(r.output.retval);
      results.push({
        label: ev.label, retval: r.output.retval, outputs: r.run?.outputs ?? [],
        verdict: target && v === 'XDP_REDIRECT' ? `XDP_REDIRECT to ${target.kind} '${target.map}' slot ${target.key} (${target.kind === 'cpumap' ? 'queue size' : target.kind === 'xskmap' ? 'socket' : 'ifindex'} ${target.target})` : v,
        ...(target ? { target } : {}),
        dataOut: r.output.dataOut, ctxOut: r.output.ctxOut, ...(r.run?.fault ? { fault: r.run.fault.message } : {}),
      });
      continue;
    }
    const ctx = ev.ctx.slice();
    const extra: RegionSpec[] = [];
    let ptrFields: RegionSpec['ptrFields'];
    let helperCtx: unknown = {};
    const skSkb = { redirect: null as { socket: number; ingress: boolean } | null };
    if (type === 'sk_skb' && ev.stream) {
      // __sk_buff data/data_end point at the message; the packet helpers (skb_load_bytes, …) see it too
      const buf = ev.stream.data.slice();
      const len = buf.length;
      helperCtx = { skSkb, type: 'sk_skb', packet: { buf, data: 0, dataEnd: len, dataMeta: 0, mac: 0, network: 0, limit: len } };
      extra.push({ name: 'packet', kind: 'packet', base: PACKET_BASE, bytes: buf.subarray(0, len), readable: true, writable: true });
      extra.push({ name: 'packet_meta', kind: 'packet_meta', base: PACKET_BASE, bytes: buf.subarray(0, 0), readable: true, writable: true });
      ptrFields = [{ off: 76, size: 4, target: 'packet' }, { off: 80, size: 4, target: 'packet_end' }];
    }
    if (type === 'sock_ops' && ev.sockOps) helperCtx = { sockOps: { cbFlags: ev.sockOps.socket.cbFlags, sockopts: {}, fullsock: true, log: [], socketIndex: 0 } };
    if (ev.task) helperCtx = { ...(helperCtx as object), ...taskCtx(ev.task) };
    const r = runCtx(ctx, extra, helperCtx, ptrFields);
    const redir = type === 'sk_skb' && r.retval === 1 ? skSkb.redirect : null;
    results.push({
      label: ev.label, retval: r.retval, outputs: r.outputs, ctxAfter: ctx, ...(r.fault ? { fault: r.fault.message } : {}),
      verdict: redir ? `${name(r.retval)}: redirected to socket ${redir.socket} (${redir.ingress ? 'its receive queue' : 'sent out of it'})` : name(r.retval),
      ...(redir ? { redirect: redir } : {}),
    });
  }
  flushSockOps();
  return { results, maps, diagnostics };
}
