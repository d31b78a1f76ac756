// Runs a program the way BPF_PROG_TEST_RUN does (or in the attach-point view): prepares the context and
// packet (testrun.ts / attach.ts), lays them out as VM regions (ctx with its pointer fields and the fields
// convert_ctx_access narrows, from ctx.ts; packet, packet metadata, the socket behind __sk_buff->sk), runs
// the VM, and reports retval, data_out and ctx_out
// as the kernel would. This is what `cli run` calls per packet. It does not verify the program and does
// not parse files; the VM (worker/vm) executes, helpers come from worker/helpers.

import type { Program } from '../isa/program';
import type { MapImpl } from '../maps/types';
import { err, type Diagnostic } from '../util/diag';
import { CTX_BASE, PACKET_BASE, runFast, type RegionSpec, type RunResult, type VmEnv } from '../vm/index';
import '../helpers/packet';
import '../maps/queue_stack';
import '../maps/lru_hash';
import '../maps/lpm_trie';
import '../maps/perf_event_array';
import '../maps/xdp_targets';
import { enterPercpuRun } from '../maps/percpu';
import { createMapSet } from '../maps/types';
import { prepareAttachView, type AttachMeta } from './attach';
import { bpfSockLayout, ctxConvFields } from './ctx';
import { PROG_TYPES } from './table';
import { finishTestRun, prepareTestRun, type TestRunInput, type TestRunOutput, type TestRunSetup, type TestRunType } from './testrun';

/** Where the socket behind __sk_buff->sk lives (next to the ctx, in the same direct-map window). */
export const SOCK_BASE = CTX_BASE + 0x2000n;

/** The converted fields of the struct bpf_sock behind __sk_buff->sk (bpf_sock_convert_ctx_access). */
const SOCK_CONV = ctxConvFields(bpfSockLayout('pointer'));

/** The VM regions of a prepared run. Byte arrays are shared with `setup`, so the run writes into it. */
export function vmRegions(setup: TestRunSetup): RegionSpec[] {
  const p = setup.packet;
  const writableCtx = setup.ctxLayout.fields.some((f) => f.write.length > 0);
  const regions: RegionSpec[] = [
    {
      name: 'ctx', kind: 'ctx', base: CTX_BASE, bytes: setup.ctx, readable: true, writable: writableCtx,
      ptrFields: setup.pointers.map((x) => ({ off: x.off, size: x.size, target: x.target === 'data' ? 'packet' : x.target === 'data_end' ? 'packet_end' : x.target === 'data_meta' ? 'packet_meta' : 'sock' })),
      convFields: ctxConvFields(setup.ctxLayout),
    },
    { name: 'packet', kind: 'packet', base: PACKET_BASE, bytes: p.buf.subarray(p.data, p.dataEnd), readable: true, writable: PROG_TYPES[setup.type].directPacketWrite },
    { name: 'packet_meta', kind: 'packet_meta', base: PACKET_BASE - BigInt(p.data - p.dataMeta), bytes: p.buf.subarray(p.dataMeta, p.data), readable: true, writable: true },
  ];
  if (setup.sock) regions.push({ name: 'sock', kind: 'other', base: SOCK_BASE, bytes: setup.sock, readable: true, writable: false, convFields: SOCK_CONV });
  return regions;
}

/** Where LD_ABS/LD_IND's SKF_NET_OFF and SKF_LL_OFF bases lie, relative to the packet region's start. */
export function skbHeadersFor(setup: TestRunSetup): { network: number; mac: number } {
  const p = setup.packet;
  return { network: p.network - p.data, mac: p.mac - p.data };
}

/** The VM environment of a prepared run (maps already created; percpu maps entered by the caller). */
export function vmEnvFor(program: Program, setup: TestRunSetup, opts: RunOptions, maps?: MapImpl[]): VmEnv {
  return {
    program, programs: opts.programs, regions: vmRegions(setup), ctxRegion: 'ctx', maps,
    seed: opts.seed, budget: opts.budget, cpu: opts.cpu, startTimeNs: opts.startTimeNs, ctx: setup,
    ldAbsRegion: 'packet', skbHeaders: skbHeadersFor(setup),
  };
}

export interface RunOptions {
  maps?: MapImpl[];
  programs?: Program[];
  seed?: number;
  budget?: number;
  cpu?: number;
  startTimeNs?: bigint;
  /** Extra helper-context fields for this run (an event's task: `cgroup`, `stack`), added to the prepared setup,
   * which is what helpers see as `env.ctx` in packet runs. */
  helperCtx?: Record<string, unknown>;
}

export interface PacketRunResult {
  output: TestRunOutput | null;
  run: RunResult | null;
  setup: TestRunSetup | null;
  diagnostics: Diagnostic[];
  /** The kernel's errno when BPF_PROG_TEST_RUN itself would refuse the input. */
  errno?: number;
}

/** Builds the maps of a program (the CLI keeps them across packets, as the kernel does). */
export function createMaps(program: Program): { maps: MapImpl[] | null; diagnostics: Diagnostic[] } {
  // createMapSet: array/hash-of-maps initial slots may name other maps of the program
  return createMapSet(program.maps);
}

function runSetup(program: Program, setup: TestRunSetup, opts: RunOptions): PacketRunResult {
  let maps = opts.maps;
  if (!maps) {
    const c = createMaps(program);
    if (!c.maps) return { output: null, run: null, setup, diagnostics: c.diagnostics };
    maps = c.maps;
  }
  if (opts.helperCtx) Object.assign(setup, opts.helperCtx);
  enterPercpuRun(maps, opts.cpu ?? 0, true);
  const run = runFast(vmEnvFor(program, setup, opts, maps));
  enterPercpuRun(maps, opts.cpu ?? 0, false);
  const diagnostics: Diagnostic[] = [];
  if (run.fault) diagnostics.push(err(`program faulted: ${run.fault.message}`, { insn: run.fault.insn }, 'run.fault'));
  return { output: finishTestRun(setup, run.retval), run, setup, diagnostics };
}

/** BPF_PROG_TEST_RUN: data_in (+ ctx_in) -> retval, data_out, ctx_out. */
export function runTestRun(program: Program, input: TestRunInput, opts: RunOptions = {}): PacketRunResult {
  const prep = prepareTestRun(input);
  if (!prep.setup) return { output: null, run: null, setup: null, diagnostics: prep.diagnostics, errno: prep.errno };
  return runSetup(program, prep.setup, opts);
}

/** The attach-point view: a frame as the program sees it where it is attached. */
export function runAttached(program: Program, type: TestRunType, frame: Uint8Array, meta: AttachMeta = {}, opts: RunOptions = {}): PacketRunResult {
  const prep = prepareAttachView(type, frame, meta);
  if (!prep.setup) return { output: null, run: null, setup: null, diagnostics: prep.diagnostics };
  return runSetup(program, prep.setup, opts);
}
