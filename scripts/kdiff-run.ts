// The kernel-differential harness (Node side): runs generated programs (worker/kdiff/gen.ts) through the
// real kernel — bpfplay's own ELF writer, `bpftool prog loadall` (many programs per object), one
// `bpftool --batch` of `prog run` (BPF_PROG_TEST_RUN) — and through bpfplay's VM, and compares the 32-bit
// return value and the packet bytes after the run. Any disagreement is reported with llvm-objdump-19's
// disassembly of the program. Pins live under /sys/fs/bpf/bpfplay-kdiff-* and are always removed.
//
// Run by hand (root, Linux): npx tsx scripts/kdiff-run.ts [--seed N] [--count N]; exit code 1 on any disagreement.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultSection, writeElfObject } from '../worker/elf/write';
import { generateCases, type Flavour, type KdiffCase } from '../worker/kdiff/gen';
import { runCaseInVm } from '../worker/kdiff/vmrun';
import { dumpEntries, ensureBpffs, loadAll, loadAllPinMaps, makeDir, pinPath, runBatch, runBatchCommands, unpin, type HexEntry } from './kdiff-bpftool';

export interface Outcome {
  retval: number | null;
  dataOut: Uint8Array | null;
  ctxOut?: Uint8Array | null;
  error?: string;
}

export interface KernelRun {
  outcomes: Outcome[];
  /** Programs the kernel refused to load, with the end of the verifier log. */
  rejected: { id: number; log: string }[];
  loadMs: number;
  runMs: number;
}

export type VmRunner = (c: KdiffCase) => Outcome;

const PER_OBJECT = 100;

/** Loads and runs every case in the kernel. Never leaves pins behind. */
export function runInKernel(cases: readonly KdiffCase[]): KernelRun {
  const err = ensureBpffs();
  if (err) return { outcomes: cases.map(() => ({ retval: null, dataOut: null, error: err })), rejected: [], loadMs: 0, runMs: 0 };
  const work = mkdtempSync(path.join(os.tmpdir(), 'bpfplay-kdiff-'));
  const pinRoot = pinPath('kdiff');
  const outcomes: Outcome[] = cases.map(() => ({ retval: null, dataOut: null, error: 'not run' }));
  const rejected: { id: number; log: string }[] = [];
  let loadMs = 0;
  let runMs = 0;
  try {
    makeDir(pinRoot);
    const loaded: { idx: number; pin: string }[] = [];
    const t0 = Date.now();
    const groups = new Map<Flavour, number[]>();
    cases.forEach((c, i) => groups.set(c.flavour, [...(groups.get(c.flavour) ?? []), i]));
    let objN = 0;
    for (const [flavour, idxs] of groups) {
      for (let s = 0; s < idxs.length; s += PER_OBJECT) {
        const chunk = idxs.slice(s, s + PER_OBJECT);
        const tryLoad = (members: number[]): boolean => {
          const dir = path.join(pinRoot, `o${objN++}`);
          const obj = path.join(work, `o${objN}.o`);
          const w = writeElfObject(members.map((i) => ({ program: cases[i]!.program, section: defaultSection(flavour), name: cases[i]!.name })));
          writeFileSync(obj, w.bytes);
          const r = loadAll(obj, dir);
          if (r.ok) for (const i of members) loaded.push({ idx: i, pin: path.join(dir, cases[i]!.name) });
          else if (members.length === 1) rejected.push({ id: cases[members[0]!]!.id, log: r.log.split('\n').filter((l) => !l.startsWith('libbpf: loaded kernel BTF')).slice(-25).join('\n') });
          return r.ok;
        };
        if (!tryLoad(chunk)) {
          // Find the culprits one by one, then load the rest together.
          const good = chunk.filter((i) => tryLoadAlone(i));
          function tryLoadAlone(i: number): boolean {
            const before = rejected.length;
            const dir = path.join(pinRoot, `probe${objN++}`);
            const obj = path.join(work, `probe${objN}.o`);
            writeFileSync(obj, writeElfObject([{ program: cases[i]!.program, section: defaultSection(flavour), name: cases[i]!.name }]).bytes);
            const r = loadAll(obj, dir);
            unpin(dir);
            if (!r.ok) rejected.push({ id: cases[i]!.id, log: r.log.split('\n').filter((l) => !l.startsWith('libbpf: loaded kernel BTF')).slice(-25).join('\n') });
            return r.ok && rejected.length === before;
          }
          if (good.length) tryLoad(good);
        }
      }
    }
    loadMs = Date.now() - t0;
    const t1 = Date.now();
    const reqs = loaded.map(({ idx, pin }) => {
      const dataIn = path.join(work, `${idx}.in`);
      writeFileSync(dataIn, cases[idx]!.data);
      const ctx = cases[idx]!.ctxIn;
      if (ctx) writeFileSync(path.join(work, `${idx}.ctx`), ctx);
      return { pin, dataIn, dataOut: path.join(work, `${idx}.out`), ...(ctx ? { ctxIn: path.join(work, `${idx}.ctx`), ctxOut: path.join(work, `${idx}.ctxout`) } : {}) };
    });
    // bpftool --batch stops at the first failing command: rerun the remainder after a failure.
    let start = 0;
    while (start < reqs.length) {
      const res = runBatch(reqs.slice(start), work);
      let advanced = 0;
      for (const r of res) {
        const { idx } = loaded[start + advanced]!;
        if (r.retval === null) {
          outcomes[idx] = { retval: null, dataOut: null, error: r.error };
          advanced++;
          break;
        }
        const q = reqs[start + advanced]!;
        const read = (f: string | undefined): Uint8Array | null => (f && existsSync(f) ? new Uint8Array(readFileSync(f)) : null);
        outcomes[idx] = { retval: r.retval, dataOut: read(q.dataOut), ...(q.ctxOut ? { ctxOut: read(q.ctxOut) } : {}) };
        advanced++;
      }
      start += Math.max(1, advanced);
    }
    runMs = Date.now() - t1;
  } finally {
    unpin(pinRoot);
    rmSync(work, { recursive: true, force: true });
  }
  return { outcomes, rejected, loadMs, runMs };
}

/** llvm-objdump-19's disassembly of one case (for disagreement reports); falls back to raw slots. */
export function disassemble(c: KdiffCase): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bpfplay-kdiff-dis-'));
  try {
    const obj = path.join(dir, `${c.name}.o`);
    writeFileSync(obj, writeElfObject([{ program: c.program, section: defaultSection(c.flavour), name: c.name }]).bytes);
    const r = spawnSync('llvm-objdump-19', ['-d', '-r', '--no-show-raw-insn', obj], { encoding: 'utf8' });
    if (r.status === 0) return r.stdout.split('\n').slice(3).join('\n');
  } catch {
    /* fall through */
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return c.program.slots.map((s, i) => `${i}: op=0x${s.opcode.toString(16)} dst=${s.dst} src=${s.src} off=${s.off} imm=${s.imm}`).join('\n');
}

const hex = (b: Uint8Array | null): string => (b ? Buffer.from(b).toString('hex') : 'null');

export interface Comparison {
  total: number;
  agree: number;
  disagree: { id: number; flavour: Flavour; kernel: Outcome; vm: Outcome }[];
  rejected: { id: number; log: string }[];
  kernelErrors: { id: number; error: string }[];
  loadMs: number;
  runMs: number;
  vmMs: number;
}

/** Runs the cases in the kernel and compares them with `vm`. */
export function compare(cases: readonly KdiffCase[], vm: VmRunner): Comparison {
  return compareWith(cases, runInKernel(cases), vm);
}

/** Compares already-obtained kernel outcomes with `vm` (so one kernel run can check several VM paths). */
export function compareWith(cases: readonly KdiffCase[], k: KernelRun, vm: VmRunner): Comparison {
  const t = Date.now();
  const disagree: Comparison['disagree'] = [];
  const kernelErrors: Comparison['kernelErrors'] = [];
  let agree = 0;
  cases.forEach((c, i) => {
    const ko = k.outcomes[i]!;
    if (ko.retval === null) {
      if (!k.rejected.some((r) => r.id === c.id)) kernelErrors.push({ id: c.id, error: ko.error ?? 'unknown' });
      return;
    }
    const vo = vm(c);
    if (vo.retval === ko.retval && hex(vo.dataOut) === hex(ko.dataOut) && (!c.ctxIn || hex(vo.ctxOut ?? null) === hex(ko.ctxOut ?? null))) agree++;
    else disagree.push({ id: c.id, flavour: c.flavour, kernel: ko, vm: vo });
  });
  return { total: cases.length, agree, disagree, rejected: k.rejected, kernelErrors, loadMs: k.loadMs, runMs: k.runMs, vmMs: Date.now() - t };
}

/** A readable report of every disagreement (retval, first differing packet byte, disassembly). */
export function formatDisagreements(cases: readonly KdiffCase[], cmp: Comparison, limit = 5): string {
  const out: string[] = [];
  for (const d of cmp.disagree.slice(0, limit)) {
    const c = cases.find((x) => x.id === d.id)!;
    const kd = d.kernel.dataOut;
    const vd = d.vm.dataOut;
    let firstDiff = -1;
    if (kd && vd) for (let i = 0; i < Math.max(kd.length, vd.length); i++) if (kd[i] !== vd[i]) { firstDiff = i; break; }
    out.push(
      `case ${c.id} (${c.flavour}, ${c.program.slots.length} slots): kernel retval ${d.kernel.retval} vm retval ${d.vm.retval}` +
        (d.vm.error ? ` (vm: ${d.vm.error})` : '') +
        (firstDiff >= 0 ? `; packet differs first at byte ${firstDiff} (kernel ${kd![firstDiff]} vm ${vd![firstDiff]}; lengths ${kd!.length}/${vd!.length})` : '') +
        (c.ctxIn ? `\nctx_in ${hex(c.ctxIn)}\nctx_out kernel ${hex(d.kernel.ctxOut ?? null)}\nctx_out vm     ${hex(d.vm.ctxOut ?? null)}` : '') +
        `\ndata_in ${hex(c.data)}\n${disassemble(c)}`,
    );
  }
  if (cmp.disagree.length > limit) out.push(`… and ${cmp.disagree.length - limit} more`);
  return out.join('\n\n');
}

function main(): void {
  const args = process.argv.slice(2);
  const get = (k: string, d: number): number => {
    const i = args.indexOf(k);
    return i >= 0 ? Number(args[i + 1]) : d;
  };
  const seed = get('--seed', 1);
  const count = get('--count', 1000);
  const cases = generateCases(seed, count);
  const t = Date.now();
  const k = runInKernel(cases);
  const ok = k.outcomes.filter((o) => o.retval !== null).length;
  console.log(`kernel: ${ok}/${count} ran, ${k.rejected.length} rejected; load ${k.loadMs} ms, run ${k.runMs} ms, total ${Date.now() - t} ms`);
  for (const r of k.rejected.slice(0, 3)) {
    console.log(`-- rejected case ${r.id}:\n${r.log}`);
    console.log(disassemble(cases.find((c) => c.id === r.id)!));
  }
  let failed = k.rejected.length > 0;
  for (const mode of ['fast', 'step'] as const) {
    const cmp = compareWith(cases, k, (c) => runCaseInVm(c.program, c.flavour, c.data, mode, c.ctxIn));
    console.log(`vm ${mode}: ${cmp.agree}/${cmp.total} agree, ${cmp.disagree.length} disagree (${cmp.vmMs} ms)`);
    if (cmp.disagree.length) {
      failed = true;
      console.log(formatDisagreements(cases, cmp));
    }
  }
  process.exitCode = failed ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) main();

// ---- Per-program-type corpus (worker/kdiff/pertype.test.ts): objects with pinned maps, packet lists, map dumps ----

/** One object of the per-type corpus for the kernel: its programs (by function name) and the maps to read back. */
export interface CorpusObject {
  /** Path of the ELF object (its basename names global-data maps). */
  objPath: string;
  /** `repeat`: BPF_PROG_TEST_RUN's repeat count for every packet (bpftool `prog run … repeat N`). */
  programs: { name: string; packets: Uint8Array[]; ctxIn?: Uint8Array; repeat?: number }[];
  /** Pin names of the maps to read after every run; queue/stack maps are drained with `map pop` (maxEntries pops). */
  maps: { pin: string; pop?: number }[];
}

export interface CorpusObjectRun {
  /** bpftool's log when the object did not load (then nothing ran). */
  loadError?: string;
  /** Per program name: one outcome per packet, in order. */
  runs: Map<string, { retval: number | null; dataOut: string | null; ctxOut: string | null; error?: string }[]>;
  /** Per pin name: entries (sorted by key; queue/stack in pop order), or an error text. */
  maps: Map<string, HexEntry[] | string>;
}

/**
 * Loads every object with `bpftool prog loadall OBJ DIR pinmaps MAPDIR`, runs every program on its packets in
 * order (maps persisting, as `cli run` does for a packet list) through `bpftool -j batch` pinned to CPU 0,
 * then dumps the maps (`map dump pinned`, or `map pop` for queue/stack). Never leaves pins behind.
 */
export function runCorpusInKernel(objects: readonly CorpusObject[], cpu = 0): { results: CorpusObjectRun[]; loadMs: number; runMs: number } {
  const results: CorpusObjectRun[] = objects.map(() => ({ runs: new Map(), maps: new Map() }));
  const err = ensureBpffs();
  if (err) {
    results.forEach((r) => (r.loadError = err));
    return { results, loadMs: 0, runMs: 0 };
  }
  const work = mkdtempSync(path.join(os.tmpdir(), 'bpfplay-pertype-'));
  const root = pinPath('pertype');
  let loadMs = 0;
  let runMs = 0;
  try {
    makeDir(root);
    const t0 = Date.now();
    const dirs = objects.map((o, i) => {
      const progDir = path.join(root, `p${i}`);
      const mapDir = path.join(root, `m${i}`);
      const r = loadAllPinMaps(o.objPath, progDir, mapDir);
      if (!r.ok) results[i]!.loadError = r.log.split('\n').filter((l) => !l.startsWith('libbpf: loaded kernel BTF')).slice(-30).join('\n');
      return { progDir, mapDir };
    });
    loadMs = Date.now() - t0;
    const t1 = Date.now();
    // Program runs: one command per packet; a failing command stops bpftool's batch, so re-run the rest.
    type Job = { obj: number; prog: string; k: number; cmd: string; out: string; ctxOut?: string };
    const jobs: Job[] = [];
    let f = 0;
    objects.forEach((o, oi) => {
      if (results[oi]!.loadError) return;
      for (const p of o.programs) {
        results[oi]!.runs.set(p.name, []);
        let ctxFile: string | undefined;
        if (p.ctxIn) writeFileSync((ctxFile = path.join(work, `c${f++}`)), p.ctxIn);
        p.packets.forEach((pkt, k) => {
          const din = path.join(work, `d${f++}`);
          writeFileSync(din, pkt);
          const out = path.join(work, `o${f++}`);
          const ctxOut = ctxFile ? path.join(work, `x${f++}`) : undefined;
          const cmd = `prog run pinned ${path.join(dirs[oi]!.progDir, p.name)} data_in ${din} data_out ${out} data_size_out 65536${ctxFile ? ` ctx_in ${ctxFile} ctx_out ${ctxOut}` : ''}${p.repeat && p.repeat > 1 ? ` repeat ${p.repeat}` : ''}`;
          jobs.push({ obj: oi, prog: p.name, k, cmd, out, ctxOut });
        });
      }
    });
    const read = (file: string | undefined): string | null => (file && existsSync(file) ? readFileSync(file).toString('hex') : null);
    for (let start = 0; start < jobs.length; ) {
      const res = runBatchCommands(jobs.slice(start).map((j) => j.cmd), work, { cpu });
      let i = 0;
      for (; i < res.length; i++) {
        const j = jobs[start + i]!;
        const r = res[i]!;
        const list = results[j.obj]!.runs.get(j.prog)!;
        if (!r.ok) {
          if (r.error === 'not run') break;
          list[j.k] = { retval: null, dataOut: null, ctxOut: null, error: r.error };
          continue;
        }
        const retval = (r.output as { retval?: number }).retval;
        list[j.k] = { retval: typeof retval === 'number' ? retval >>> 0 : null, dataOut: read(j.out), ctxOut: read(j.ctxOut) };
      }
      start += Math.max(1, i);
    }
    // Map read-back.
    const dumps: { obj: number; pin: string; cmd: string }[] = [];
    const pops: { obj: number; pin: string; n: number }[] = [];
    objects.forEach((o, oi) => {
      if (results[oi]!.loadError) return;
      for (const m of o.maps) {
        const p = path.join(dirs[oi]!.mapDir, m.pin);
        if (!existsSync(p)) results[oi]!.maps.set(m.pin, `no pinned map ${m.pin}`);
        else if (m.pop) pops.push({ obj: oi, pin: m.pin, n: m.pop });
        else dumps.push({ obj: oi, pin: m.pin, cmd: `map dump pinned ${p}` });
      }
    });
    for (let start = 0; start < dumps.length; ) {
      const res = runBatchCommands(dumps.slice(start).map((d) => d.cmd), work);
      let i = 0;
      for (; i < res.length; i++) {
        const r = res[i]!;
        if (!r.ok && r.error === 'not run') break;
        const d = dumps[start + i]!;
        results[d.obj]!.maps.set(d.pin, r.ok ? dumpEntries(r.output) : `map dump failed: ${r.error}`);
      }
      start += Math.max(1, i);
    }
    for (const q of pops) {
      // Pops until the first failure (the map is empty then): each pop is one entry, in pop order.
      const p = path.join(dirs[q.obj]!.mapDir, q.pin);
      const res = runBatchCommands(Array.from({ length: q.n + 1 }, () => `map pop pinned ${p}`), work);
      const entries: HexEntry[] = [];
      for (const r of res) {
        if (!r.ok) break;
        entries.push(...dumpEntries([r.output]));
      }
      results[q.obj]!.maps.set(q.pin, entries);
    }
    runMs = Date.now() - t1;
  } finally {
    unpin(root);
    rmSync(work, { recursive: true, force: true });
  }
  return { results, loadMs, runMs };
}

/** The include directories clang-19 needs for BPF C (Debian keeps <asm/types.h> under the multiarch directory). */
export function bpfIncludeFlags(): string[] {
  const r = spawnSync('gcc', ['-dumpmachine'], { encoding: 'utf8' });
  const multiarch = r.status === 0 ? r.stdout.trim() : 'x86_64-linux-gnu';
  return [`-I/usr/include/${multiarch}`];
}

/** Compiles BPF C with clang-19 (`-target bpf -O2 -g`); returns '' or the compiler's error text. */
export function compileBpfC(src: string, out: string, defines: readonly string[] = [], clang = 'clang-19'): string {
  const r = spawnSync(clang, ['-target', 'bpf', '-O2', '-g', ...bpfIncludeFlags(), ...defines.map((d) => `-D${d}`), '-c', src, '-o', out], { encoding: 'utf8', timeout: 120_000 });
  if (r.error) return `${clang}: ${r.error.message}`;
  return r.status === 0 ? '' : `${r.stdout ?? ''}${r.stderr ?? ''}`;
}
