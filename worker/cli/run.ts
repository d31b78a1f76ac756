// `cli run`: runs a program once per packet with BPF_PROG_TEST_RUN semantics (worker/progtypes/run.ts),
// maps persisting between packets as in the kernel, and prints the results (JSON contract in README.md).
// --repeat N runs each packet N times over the same context, as the kernel's bpf_test_run() loop does
// (the reported retval and data_out are those after the last run), and reports the mean time per run.
// Classic BPF runs as a socket filter attached to an AF_PACKET socket (the kernel cannot test-run
// classic programs): the result is the filter's return value and the trimmed packet.
// Every program of the source or object is loaded (worker/api/engine.ts loadPrograms; an object's other
// programs beside the --section one), and a prog_array's slots are filled from section names as the UI
// does (progArrayDefaults: a program of section `…/N` in slot N), so tail calls reach their targets.

import { flag, intFlag, parseHex, toHex, type ParsedArgs } from './args';
import { EXIT_OK, EXIT_PROGRAM, EXIT_USAGE, loadFileArg, reportDiagnostics, usageError, type Command, type Io } from './common';
import type { ClassicProgram } from './classic';
import { runClassic as runClassicFilter } from '../cbpf/index';
import type { Program } from '../isa/program';
import type { MapImpl } from '../maps/index';
import { parseEventsFile } from '../events/format';
import { runEvents } from '../events/run';
import { readCapture } from '../packets/pcap';
import { createMaps, vmEnvFor } from '../progtypes/run';
import { enterPercpuRun, PERCPU } from '../maps/percpu';
import { PROG_TYPE_NAMES, type ProgTypeName } from '../progtypes/table';
import { finishTestRun, prepareTestRun, TEST_RUN_TYPES, type TestRunType } from '../progtypes/testrun';
import { createRunner } from '../vm/index';
import { progArrayDefaults } from '../api/engine';
import type { Diagnostic } from '../util/diag';

export interface RunResultJson {
  retval: number;
  r0: string;
  data_out: string;
  ctx_out: string | null;
  insns: number;
  duration_ns: number;
  fault: null | { insn: number; message: string };
}

interface RunInputs {
  packets: Uint8Array[];
  ctxIn?: Uint8Array;
  repeat: number;
  budget: number;
}

function now(): number {
  return performance.now();
}


/**
 * The programs a run gives the VM: `programs[0]` (the entry) with each prog_array that has no initial
 * contents filled from the section names, then the others. Messages say which programs stay out of a slot.
 */
export function programSet(programs: readonly Program[], type: string): { programs: Program[]; warnings: string[] } {
  const warnings: string[] = [];
  const defaults = progArrayDefaults([...programs], type, (p, message) => warnings.push(message));
  const main = programs[0]!;
  const first = { ...main, maps: main.maps.map((m) => (m.initial || !defaults[m.name] ? m : { ...m, initial: defaults[m.name] })) };
  return { programs: [first, ...programs.slice(1)], warnings };
}

/**
 * Runs an eBPF program over the packets; returns results, or diagnostics when a run cannot even start.
 * `programs` (index 0 = `program`) are what tail calls may reach; prog_array values index it.
 */
export function runEbpf(program: Program, type: TestRunType, inp: RunInputs, programs?: Program[]): { results: RunResultJson[]; maps: MapImpl[] } | { diagnostics: Diagnostic[] } {
  const made = createMaps(program);
  if (!made.maps) return { diagnostics: made.diagnostics };
  const impls = made.maps;
  const results: RunResultJson[] = [];
  for (const [i, data] of inp.packets.entries()) {
    const prep = prepareTestRun({ type, dataIn: data, ctxIn: inp.ctxIn });
    if (!prep.setup) return { diagnostics: prep.diagnostics.map((d) => ({ ...d, message: `packet ${i}: ${d.message}` })) };
    const setup = prep.setup;
    // One runner per packet: the kernel's repeat loop re-runs the program on the same context, with
    // memory and maps carrying over, and reports the last run.
    enterPercpuRun(impls, 0, true);
    const made = createRunner(vmEnvFor(program, setup, { budget: inp.budget, programs }, impls));
    if (!made.runner) return { diagnostics: made.diagnostics };
    let run = made.runner.run();
    const t0 = now();
    for (let k = 1; k < inp.repeat && !run.fault; k++) run = made.runner.run();
    const elapsed = inp.repeat > 1 ? now() - t0 : 0;
    const out = finishTestRun(setup, run.retval);
    results.push({
      retval: run.retval >>> 0,
      r0: BigInt.asUintN(64, run.r0).toString(),
      data_out: toHex(out.dataOut),
      ctx_out: out.ctxOut ? toHex(out.ctxOut) : null,
      insns: run.insns,
      duration_ns: inp.repeat > 1 ? Math.round((elapsed * 1e6) / (inp.repeat - 1)) : 0,
      fault: run.fault,
    });
  }
  return { results, maps: impls };
}

export function runClassic(c: ClassicProgram, inp: RunInputs): { results: RunResultJson[] } | { diagnostics: Diagnostic[] } {
  const results: RunResultJson[] = [];
  for (const data of inp.packets) {
    const t0 = now();
    let r = runClassicFilter({ filters: c.filters, packet: data, view: 'packet_socket', maxSteps: inp.budget });
    if (!r.check.ok) return { diagnostics: r.check.diagnostics };
    for (let k = 1; k < inp.repeat; k++) r = runClassicFilter({ filters: c.filters, packet: data, view: 'packet_socket', maxSteps: inp.budget });
    const elapsed = now() - t0;
    const ret = (r.ret ?? 0) >>> 0;
    results.push({
      retval: ret,
      r0: String(ret),
      data_out: toHex(data.subarray(0, r.keep ?? 0)),
      ctx_out: null,
      insns: r.steps,
      duration_ns: Math.round((elapsed * 1e6) / inp.repeat),
      fault: r.fault ? { insn: r.steps, message: r.fault } : null,
    });
  }
  return { results };
}

/** The `maps` object of `run --json`: every map of the program, entries sorted by key (hex bytes). */
export function mapsJson(program: Program, maps: MapImpl[]): Record<string, { key: string; value: string }[]> {
  const out: Record<string, { key: string; value: string }[]> = {};
  maps.forEach((m, i) => {
    const name = program.maps[i]?.name ?? `map${i}`;
    out[name] = m
      .entries()
      .map((e) => ({ key: toHex(e.key), value: toHex(e.value) }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  });
  return out;
}

function readPackets(args: ParsedArgs, io: Io): Uint8Array[] | { usage: string } | { diagnostics: Diagnostic[] } {
  const data = args.flags.get('--data');
  const pcap = flag(args, '--pcap');
  if (data && pcap) return { usage: 'give either --data or --pcap, not both' };
  if (pcap !== undefined) {
    const f = io.readFile(pcap);
    if ('error' in f) return { usage: f.error };
    const r = readCapture(f);
    if (!r.capture) return { diagnostics: r.diagnostics.map((d) => ({ ...d, loc: { ...d.loc, file: pcap } })) };
    return r.capture.packets.map((p) => p.data);
  }
  const out: Uint8Array[] = [];
  for (const d of data ?? []) {
    const b = parseHex(d, '--data');
    if ('error' in b) return { usage: b.error };
    out.push(b);
  }
  if (out.length === 0) out.push(new Uint8Array(64)); // bpftool's default is no data; the kernel needs >= ETH_HLEN for skb types
  return out;
}

export const runCmd: Command = {
  summary: 'run a program with BPF_PROG_TEST_RUN semantics',
  spec: {
    value: ['--syntax', '--section', '--type', '--data', '--pcap', '--ctx', '--repeat', '--max-insns', '--events', '--cpus'],
    bool: ['--json', '--classic-bytes'],
    repeat: ['--data'],
  },
  run(args, io) {
    const json = args.bools.has('--json');
    const type = flag(args, '--type');
    if (type === undefined) return usageError(io, 'run needs --type TYPE', json);
    if (!(PROG_TYPE_NAMES as readonly string[]).includes(type)) return usageError(io, `unknown program type '${type}' (one of: ${PROG_TYPE_NAMES.join(', ')})`, json);
    const eventsPath = flag(args, '--events');
    if (eventsPath !== undefined) return runEventsFile(args, io, type as ProgTypeName, eventsPath, json);
    if (!(TEST_RUN_TYPES as readonly string[]).includes(type))
      return usageError(io, `the kernel cannot BPF_PROG_TEST_RUN ${type} programs; give their events with --events FILE (see worker/events/format.ts)`, json);
    const repeat = intFlag(args, '--repeat', 1, 100_000_000);
    if (typeof repeat === 'object') return usageError(io, repeat.error, json);
    const budget = intFlag(args, '--max-insns', 1, 1_000_000_000);
    if (typeof budget === 'object') return usageError(io, budget.error, json);
    const cpus = intFlag(args, '--cpus', 1, 1024);
    if (typeof cpus === 'object') return usageError(io, cpus.error, json);
    let ctxIn: Uint8Array | undefined;
    const ctxHex = flag(args, '--ctx');
    if (ctxHex !== undefined) {
      const b = parseHex(ctxHex, '--ctx');
      if ('error' in b) return usageError(io, b.error, json);
      ctxIn = b;
    }
    const packets = readPackets(args, io);
    if ('usage' in packets) return usageError(io, packets.usage, json);
    if ('diagnostics' in packets) return reportDiagnostics(io, packets.diagnostics, json);
    const l = loadFileArg(args, io, { classicBytes: args.bools.has('--classic-bytes') });
    if ('badUsage' in l) return usageError(io, l.badUsage, json);
    if (l.kind === 'error') return reportDiagnostics(io, l.diagnostics, json, l.usage ? EXIT_USAGE : EXIT_PROGRAM);
    const inputs: RunInputs = { packets, ctxIn, repeat: repeat ?? 1, budget: budget ?? 1_000_000 };
    let results: RunResultJson[];
    let maps: Record<string, { key: string; value: string }[]> | undefined;
    if (l.kind === 'cbpf') {
      if (type !== 'socket_filter') return usageError(io, `classic BPF runs only as socket_filter, not ${type}`, json);
      const r = runClassic(l.classic, inputs);
      if ('diagnostics' in r) return reportDiagnostics(io, r.diagnostics, json);
      results = r.results;
    } else {
      // --cpus N: per-CPU maps hold N values per element (the machine's possible CPUs, as the kernel sizes them).
      const savedCpus = PERCPU.nrCpus;
      if (cpus !== undefined) PERCPU.nrCpus = cpus;
      let r: ReturnType<typeof runEbpf>;
      const set = programSet(l.programs ?? [l.program], type);
      if (!json) for (const w of set.warnings) io.stderr(`warning: ${w}\n`);
      try {
        r = runEbpf(set.programs[0]!, type as ProgTypeName as TestRunType, inputs, set.programs);
      } finally {
        PERCPU.nrCpus = savedCpus;
      }
      if ('diagnostics' in r) return reportDiagnostics(io, r.diagnostics, json);
      results = r.results;
      maps = mapsJson(l.program, r.maps);
    }
    const faulted = results.some((r) => r.fault);
    if (json) io.stdout(JSON.stringify(maps ? { results, maps } : { results }) + '\n');
    else {
      results.forEach((r, i) => {
        const head = results.length > 1 ? `packet ${i}: ` : '';
        if (r.fault) io.stderr(`error: ${head}fault at insn ${r.fault.insn}: ${r.fault.message}\n`);
        io.stdout(`${head}retval ${r.retval} (r0 ${r.r0}), ${r.insns} insns, ${r.duration_ns} ns\n  data_out ${r.data_out}\n${r.ctx_out ? `  ctx_out ${r.ctx_out}\n` : ''}`);
      });
      for (const [name, entries] of Object.entries(maps ?? {})) {
        io.stdout(`map ${name}: ${entries.length} entries\n`);
        for (const e of entries) io.stdout(`  key ${e.key} value ${e.value}\n`);
      }
    }
    return faulted ? EXIT_PROGRAM : EXIT_OK;
  },
};

/** `run --events FILE`: every event of the file (worker/events/format.ts), maps persisting between them. */
function runEventsFile(args: ParsedArgs, io: Io, type: ProgTypeName, path: string, json: boolean): number {
  if (args.flags.has('--data') || args.flags.has('--pcap')) return usageError(io, 'give --events or --data/--pcap, not both', json);
  const f = io.readFile(path);
  if ('error' in f) return usageError(io, f.error, json);
  const parsed = parseEventsFile(new TextDecoder().decode(f));
  if (!parsed.file) return reportDiagnostics(io, parsed.diagnostics.map((d) => ({ ...d, loc: { ...d.loc, file: path } })), json);
  if (parsed.file.type !== type) return usageError(io, `${path} holds ${parsed.file.type} events, not ${type}`, json);
  const budget = intFlag(args, '--max-insns', 1, 1_000_000_000);
  if (typeof budget === 'object') return usageError(io, budget.error, json);
  const l = loadFileArg(args, io);
  if ('badUsage' in l) return usageError(io, l.badUsage, json);
  if (l.kind === 'error') return reportDiagnostics(io, l.diagnostics, json, l.usage ? EXIT_USAGE : EXIT_PROGRAM);
  if (l.kind === 'cbpf') return usageError(io, 'classic BPF runs on packets (--data/--pcap), not events', json);
  const set = programSet(l.programs ?? [l.program], type);
  if (!json) for (const w of set.warnings) io.stderr(`warning: ${w}\n`);
  const r = runEvents(set.programs[0]!, parsed.file, { budget: budget ?? 1_000_000, programs: set.programs });
  if (r.diagnostics.some((d) => d.severity === 'error')) return reportDiagnostics(io, r.diagnostics, json);
  const results = r.results.map((e) => ({
    label: e.label,
    retval: e.retval >>> 0,
    verdict: e.verdict,
    data_out: e.dataOut ? toHex(e.dataOut) : null,
    ctx_out: e.ctxOut ? toHex(e.ctxOut) : null,
    ctx_after: e.ctxAfter ? toHex(e.ctxAfter) : null,
    outputs: e.outputs.map((o) => (o.kind === 'trace_printk' || o.kind === 'log' ? { kind: o.kind, text: o.text } : { kind: o.kind, map: o.map, data: toHex(o.data) })),
    fault: e.fault ?? null,
  }));
  const maps = mapsJson(l.program, r.maps);
  if (json) io.stdout(JSON.stringify({ results, maps }) + '\n');
  else {
    for (const e of results) {
      io.stdout(`${e.label}: retval ${e.retval} (${e.verdict})${e.fault ? `, fault: ${e.fault}` : ''}\n`);
      for (const o of e.outputs) io.stdout(`  ${o.kind}: ${'text' in o ? o.text : o.data}\n`);
    }
    for (const [name, entries] of Object.entries(maps)) {
      io.stdout(`map ${name}: ${entries.length} entries\n`);
      for (const e of entries) io.stdout(`  key ${e.key} value ${e.value}\n`);
    }
  }
  return results.some((e) => e.fault) ? EXIT_PROGRAM : EXIT_OK;
}
