// The per-program-type kernel-differential corpus (issue 4 "Proof"): for each of the eight program types
// BPF_PROG_TEST_RUN runs on packets, at least 300 programs — gen.ts programs (seed 2), map-heavy programs
// (pertype-gen.ts) and clang-19-compiled C programs (testdata/kdiff-c/<type>/*.c: ctx fields, every map
// type the type may use, the type's helpers, global data) — run on several packets each, maps persisting
// between packets, through what `cli run --json` does (the ELF object read by readElf and the program
// picked by name as the CLI's loader does, then runEbpf + mapsJson of worker/cli/run.ts, in-process, plus
// a sample through the real `tsx worker/cli/main.ts run --json` process) and through the kernel
// (`bpftool prog loadall … pinmaps`, one `bpftool -j batch` of `prog run` pinned to CPU 0, `map dump` /
// `map pop` of the pinned maps). Retval, data_out, ctx_out and map contents must agree, except the
// differences listed with their reason in testdata/kdiff/pertype-known.txt; an unlisted difference fails;
// a listed one that no longer occurs is reported (remove it from the file). The C sources are compiled at
// test time (no binary goldens to keep in step with them). Skips with the reason where the kernel or
// clang-19 cannot be used.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { possibleCpus } from '../../scripts/kdiff-bpftool';
import { compileBpfC, runCorpusInKernel, type CorpusObject, type CorpusObjectRun } from '../../scripts/kdiff-run';
import { runCli } from '../cli/cli';
import { mapsJson, runEbpf } from '../cli/run';
import { memoryIo } from '../cli/testio';
import { defaultSection, writeElfObject } from '../elf/write';
import { readElf } from '../elf/read';
import type { Program } from '../isa/program';
import { PERCPU } from '../maps/percpu';
import type { TestRunType } from '../progtypes/testrun';
import { verify } from '../verifier';
import { generateMapProgram } from './pertype-gen';
import { kernelOracle, which } from '../testing/kernel';
import {
  addToTally, clangCtxIn, compareOutcomes, formatTally, generatedCorpus, isKnown, mapCorpus, newTally, parseKnown, pinNameOf,
  PER_TYPE_TYPES, referencedMaps, sampleFrames, type CorpusProgram, type Difference, type KnownDiff, type ProgramOutcome,
} from './pertype';

const SEED = Number(process.env.BPFPLAY_PERTYPE_SEED ?? 2);
/** Programs per type: the clang and map-heavy programs plus gen.ts ones up to this total (at least GEN_MIN of those). */
const TOTAL_PER_TYPE = Number(process.env.BPFPLAY_PERTYPE_TOTAL ?? 300);
const GEN_MIN = Math.min(150, TOTAL_PER_TYPE);
/** Map-heavy generated programs per type (pertype-gen.ts). */
const MAPGEN_PER_TYPE = Number(process.env.BPFPLAY_PERTYPE_MAPGEN ?? 50);
const PACKETS_PER_GEN = 3;
const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const oracle = kernelOracle();
const clang = which('clang-19');
const skipReason = !oracle.ok ? oracle.reason : !clang ? 'clang-19 is not installed (apt-get install clang-19)' : '';
const knownText = readFileSync(path.join(repoRoot, 'testdata/kdiff/pertype-known.txt'), 'utf8');
const { known, errors: knownErrors } = parseKnown(knownText);
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const NOT_DUMPABLE = new Set(['ringbuf', 'perf_event_array']);

/** bpfplay's side, exactly as `cli run --json` computes it: runEbpf over the packets, then mapsJson. */
function runOurs(p: CorpusProgram, mapNames: readonly string[]): ProgramOutcome {
  const r = runEbpf(p.program, p.type, { packets: p.packets, ctxIn: p.ctxIn, repeat: 1, budget: 1_000_000 });
  if ('diagnostics' in r) return { runs: [], maps: {}, error: r.diagnostics.map((d) => d.message).join('; ') };
  const maps = mapsJson(p.program, r.maps);
  const out: ProgramOutcome = {
    runs: r.results.map((x) => (x.fault ? { retval: null, dataOut: null, ctxOut: null, error: `fault at insn ${x.fault.insn}: ${x.fault.message}` } : { retval: x.retval, dataOut: x.data_out, ctxOut: x.ctx_out })),
    maps: {},
  };
  for (const n of mapNames) out.maps[n] = maps[n] ?? `bpfplay has no map ${n}`;
  return out;
}

interface Prepared {
  programs: CorpusProgram[];
  /** Per program: the maps compared, bpfplay name -> pin name. */
  maps: Map<CorpusProgram, { name: string; pin: string }[]>;
  objects: CorpusObject[];
  /** Which object (index) each program is in. */
  objectOf: Map<CorpusProgram, number>;
  objPaths: { gen: string; clang: string };
  compileError: string;
}

function prepareType(type: TestRunType, genAll: CorpusProgram[], mapgen: CorpusProgram[], work: string): Prepared {
  const objects: CorpusObject[] = [];
  const maps = new Map<CorpusProgram, { name: string; pin: string }[]>();
  const objectOf = new Map<CorpusProgram, number>();
  const programs: CorpusProgram[] = [];
  // Ring buffers and perf event arrays are left out: bpftool cannot dump them (the programs compare what
  // they can observe of them: return values and bpf_ringbuf_query positions, in maps of their own).
  const mapsOf = (p: CorpusProgram, objName: string): { name: string; pin: string }[] =>
    referencedMaps(p.program).map((i) => p.program.maps[i]!).filter((m) => !NOT_DUMPABLE.has(m.type)).map((m) => ({ name: m.name, pin: pinNameOf(m.name, objName) }));
  const addObject = (objPath: string, ps: CorpusProgram[]): void => {
    const objName = path.basename(objPath).replace(/\..*$/, '');
    const idx = objects.length;
    const objMaps = new Map<string, number | undefined>();
    for (const p of ps) {
      const ms = mapsOf(p, objName);
      maps.set(p, ms);
      objectOf.set(p, idx);
      programs.push(p);
      for (const m of ms) {
        const def = p.program.maps.find((d) => d.name === m.name)!;
        objMaps.set(m.pin, def.type === 'queue' || def.type === 'stack' ? def.maxEntries : undefined);
      }
    }
    objects.push({
      objPath,
      programs: ps.map((p) => ({ name: p.name, packets: p.packets, ...(p.ctxIn ? { ctxIn: p.ctxIn } : {}) })),
      maps: [...objMaps].map(([pin, pop]) => (pop ? { pin, pop } : { pin })),
    });
  };

  // clang-19 programs: every testdata/kdiff-c/<type>/*.c compiled now, one object each.
  const dir = path.join(repoRoot, 'testdata/kdiff-c', type);
  const errors: string[] = [];
  let clangPath = '';
  const clangObjects: { objPath: string; cps: CorpusProgram[] }[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.c')).sort()) {
    const objPath = path.join(work, `c_${type}_${file.replace(/\.c$/, '')}.o`);
    if (file === 'progs.c') clangPath = objPath;
    const e = compileBpfC(path.join(dir, file), objPath);
    if (e) {
      errors.push(`${file}: ${e}`);
      continue;
    }
    const elf = readElf(new Uint8Array(readFileSync(objPath)));
    const frames = sampleFrames();
    const ctxIn = clangCtxIn(type);
    const cps: CorpusProgram[] = elf.programs.map((p) => ({
      type, origin: 'clang', name: p.funcs?.[0] ?? '?', source: `testdata/kdiff-c/${type}/${file}`, program: p, packets: frames, ...(ctxIn ? { ctxIn } : {}),
    }));
    clangObjects.push({ objPath, cps });
  }
  // Generated programs: one object per type, written by bpfplay's ELF writer, read back by the CLI's loader;
  // as many as make TOTAL_PER_TYPE with the clang programs (at least GEN_MIN).
  const clangCount = clangObjects.reduce((n, o) => n + o.cps.length, 0);
  const gen = genAll.slice(0, Math.max(GEN_MIN, TOTAL_PER_TYPE - clangCount - mapgen.length));
  const writeGen = (file: string, list: CorpusProgram[]): string => {
    const objPath = path.join(work, file);
    const w = writeElfObject(list.map((c) => ({ program: c.program, section: defaultSection(type), name: c.name })));
    writeFileSync(objPath, w.bytes);
    const byName = new Map<string, Program>(readElf(w.bytes).programs.map((p) => [p.funcs?.[0] ?? '', p]));
    addObject(objPath, list.map((c) => ({ ...c, program: byName.get(c.name) ?? c.program })));
    return objPath;
  };
  const genPath = writeGen(`gen_${type}.o`, gen);
  if (mapgen.length) writeGen(`mapgen_${type}.o`, mapgen);

  for (const o of clangObjects) addObject(o.objPath, o.cps);
  const compileError = errors.join('\n');
  return { programs, maps, objects, objectOf, objPaths: { gen: genPath, clang: clangPath }, compileError };
}

function kernelOutcome(p: CorpusProgram, prep: Prepared, run: CorpusObjectRun): ProgramOutcome {
  if (run.loadError) return { runs: [], maps: {}, error: `load failed: ${run.loadError}` };
  const runs = run.runs.get(p.name) ?? [];
  const out: ProgramOutcome = { runs: runs.map((r) => (r.error !== undefined ? { ...r, ctxOut: null } : { ...r, ctxOut: p.ctxIn ? r.ctxOut : null })), maps: {} };
  for (const m of prep.maps.get(p)!) out.maps[m.name] = run.maps.get(m.pin) ?? `no dump of ${m.pin}`;
  return out;
}

describe.skipIf(!!skipReason)(`per-type kernel-differential corpus through cli run${skipReason ? ` — skipped: ${skipReason}` : ''}`, () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'bpfplay-pertype-test-'));
  const savedCpus = PERCPU.nrCpus;
  /** Known-differences lines that matched something (the others are stale). */
  const usedKnown = new Set<KnownDiff>();
  const corpus = generatedCorpus(SEED, TOTAL_PER_TYPE, PACKETS_PER_GEN);
  const mapPrograms = mapCorpus(SEED, MAPGEN_PER_TYPE);
  beforeAll(() => {
    // Per-CPU maps hold one value per possible CPU, as the kernel sizes them on this machine.
    PERCPU.nrCpus = possibleCpus();
  });
  afterAll(() => {
    PERCPU.nrCpus = savedCpus;
    rmSync(work, { recursive: true, force: true });
  });

  it('the known-differences file parses', () => {
    expect(knownErrors).toEqual([]);
  });

  for (const type of PER_TYPE_TYPES) {
    describe(type, () => {
      let prep: Prepared;
      let kernel: CorpusObjectRun[];
      let timing = '';
      const results: { p: CorpusProgram; diffs: Difference[]; kernel: ProgramOutcome; ours: ProgramOutcome }[] = [];
      beforeAll(() => {
        const t0 = Date.now();
        prep = prepareType(type, corpus.get(type)!, mapPrograms.get(type)!, work);
        const k = runCorpusInKernel(prep.objects, 0);
        kernel = k.results;
        const t1 = Date.now();
        for (const p of prep.programs) {
          const ko = kernelOutcome(p, prep, kernel[prep.objectOf.get(p)!]!);
          const ours = runOurs(p, prep.maps.get(p)!.map((m) => m.name));
          results.push({ p, kernel: ko, ours, diffs: compareOutcomes(ko, ours, !!p.ctxIn) });
        }
        timing = `kernel load ${k.loadMs} ms, kernel runs + map reads ${k.runMs} ms, bpfplay ${Date.now() - t1} ms, total ${Date.now() - t0} ms`;
      });

      it('compiles and loads every program in the kernel, and runs every packet', () => {
        expect(prep.compileError).toBe('');
        expect(kernel.map((k) => k.loadError ?? '')).toEqual(kernel.map(() => ''));
        const failed = results.flatMap(({ p, kernel: k }) => k.runs.flatMap((r, i) => (r.error ? [`${p.name} packet ${i}: ${r.error}`] : [])));
        expect(failed).toEqual([]);
      });

      it('has at least 300 programs, generated and clang-compiled', () => {
        const gen = prep.programs.filter((p) => p.origin !== 'clang').length;
        const cl = prep.programs.filter((p) => p.origin === 'clang').length;
        expect(gen).toBeGreaterThan(0);
        expect(cl).toBeGreaterThanOrEqual(20);
        expect(gen + cl).toBeGreaterThanOrEqual(300);
      });

      it('cli run agrees with the kernel on retval, data_out, ctx_out and maps (known differences listed)', () => {
        const tally = newTally(type);
        const unknown: string[] = [];
        const listed: string[] = [];
        for (const { p, diffs } of results) {
          addToTally(tally, p, diffs);
          for (const d of diffs) {
            const k = isKnown(known, type, p.name, d.aspect);
            const line = `${type} ${p.name} ${d.aspect}: ${d.detail}  [${p.source}]`;
            if (k) {
              usedKnown.add(k);
              listed.push(line);
            } else unknown.push(line);
          }
        }
        console.log(`${formatTally(tally)}\n  ${timing}`);
        if (listed.length) console.log(`  known differences (${listed.length}):\n  ${listed.slice(0, 8).join('\n  ')}${listed.length > 8 ? `\n  … and ${listed.length - 8} more` : ''}`);
        if (unknown.length) console.log(`  UNLISTED differences (${unknown.length}):\n  ${unknown.slice(0, 30).join('\n  ')}`);
        expect(unknown).toEqual([]);
      });

      it('compares maps for real: programs with maps have entries to compare, per-CPU values for every CPU', () => {
        const withMaps = results.filter(({ kernel: k }) => Object.values(k.maps).some((m) => typeof m !== 'string' && m.length > 0));
        expect(withMaps.length).toBeGreaterThan(10);
        if (type !== 'xdp') {
          const pc = results.find(({ p }) => p.name === 'g_pcarr')!;
          const v = pc.kernel.maps['m_pca'];
          expect(Array.isArray(v) && v[0]!.value.length).toBe(16 * possibleCpus());
        }
      });

      it('with --repeat 4 (the kernel re-runs each packet on the same skb/xdp_buff), a sample agrees too', () => {
        const REPEAT = 4;
        const names = new Set(['g_arr', 'g_hash', 'g_atomic', 'g_lruevict', 'g_pcarr', 'w_mark', 'x_meta', 'x_head', 't_store', 't_tail', 'x_ttl', 'd_globals']);
        const sample = [...results.filter((r) => r.p.origin !== 'clang').slice(0, 12), ...results.filter((r) => r.p.origin === 'clang' && names.has(r.p.name))].map((r) => r.p);
        const byObj = new Map<number, CorpusProgram[]>();
        for (const p of sample) byObj.set(prep.objectOf.get(p)!, [...(byObj.get(prep.objectOf.get(p)!) ?? []), p]);
        const objs = [...byObj].map(([i, ps]) => ({ ...prep.objects[i]!, programs: ps.map((p) => ({ name: p.name, packets: p.packets, repeat: REPEAT, ...(p.ctxIn ? { ctxIn: p.ctxIn } : {}) })) }));
        const k = runCorpusInKernel(objs, 0);
        const unknown: string[] = [];
        [...byObj].forEach(([, ps], oi) => {
          for (const p of ps) {
            const ko = kernelOutcome(p, prep, k.results[oi]!);
            const r = runEbpf(p.program, p.type, { packets: p.packets, ctxIn: p.ctxIn, repeat: REPEAT, budget: 1_000_000 });
            if ('diagnostics' in r) {
              unknown.push(`${p.name}: ${r.diagnostics.map((d) => d.message).join('; ')}`);
              continue;
            }
            const mj = mapsJson(p.program, r.maps);
            const ours: ProgramOutcome = {
              runs: r.results.map((x) => (x.fault ? { retval: null, dataOut: null, ctxOut: null, error: x.fault.message } : { retval: x.retval, dataOut: x.data_out, ctxOut: x.ctx_out })),
              maps: Object.fromEntries(prep.maps.get(p)!.map((m) => [m.name, mj[m.name] ?? 'missing'])),
            };
            for (const d of compareOutcomes(ko, ours, !!p.ctxIn)) if (!isKnown(known, type, p.name, d.aspect)) unknown.push(`${type} ${p.name} ${d.aspect} (repeat ${REPEAT}): ${d.detail}`);
          }
        });
        console.log(`${type} --repeat ${REPEAT}: ${sample.length} programs, ${unknown.length} unlisted differences`);
        expect(sample.length).toBeGreaterThan(12);
        expect(unknown).toEqual([]);
      });

      it('the real `cli run --json` process gives the same as the in-process run for a sample', () => {
        const sample = [results.find((r) => r.p.origin === 'gen' && Object.keys(r.kernel.maps).length > 0) ?? results[0]!, results.find((r) => r.p.origin === 'clang' && r.p.name === 'g_hash')!];
        for (const { p, ours } of sample) {
          const obj = p.origin === 'gen' ? prep.objPaths.gen : prep.objPaths.clang;
          const args = ['worker/cli/main.ts', 'run', obj, '--section', p.name, '--type', type, '--json', '--cpus', String(possibleCpus()), ...p.packets.flatMap((d) => ['--data', toHex(d)]), ...(p.ctxIn ? ['--ctx', toHex(p.ctxIn)] : [])];
          const r = spawnSync(path.join(repoRoot, 'node_modules/.bin/tsx'), args, { cwd: repoRoot, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 });
          expect(r.status, r.stderr).toBe(0);
          const j = JSON.parse(r.stdout) as { results: { retval: number; data_out: string; ctx_out: string | null }[]; maps: Record<string, { key: string; value: string }[]> };
          expect(j.results.map((x) => [x.retval, x.data_out, x.ctx_out])).toEqual(ours.runs.map((x) => [x.retval, x.dataOut, x.ctxOut]));
          for (const name of Object.keys(ours.maps)) expect(j.maps[name], name).toEqual(ours.maps[name]);
        }
      });
    });
  }

  it('reports known differences that no longer occur (fixed: remove them from testdata/kdiff/pertype-known.txt)', () => {
    // A warning, not a failure: another module's fix must not turn this suite red; the list is pruned by hand.
    const stale = known.filter((k) => !usedKnown.has(k)).map((k) => `line ${k.line}: ${k.type} ${k.name} ${k.aspect}`);
    if (stale.length) console.warn(`pertype: ${stale.length} known differences no longer occur (remove them from testdata/kdiff/pertype-known.txt):\n  ${stale.join('\n  ')}`);
    else console.log(`pertype: all ${known.length} known differences still occur`);
    expect(usedKnown.size + stale.length).toBe(known.length);
  });
});

describe('per-type corpus harness (no kernel needed)', () => {
  it('would notice a wrong retval, packet byte, ctx byte or map value', () => {
    const k: ProgramOutcome = { runs: [{ retval: 1, dataOut: '0011', ctxOut: 'aa' }], maps: { m: [{ key: '00', value: '01' }] } };
    const same = compareOutcomes(k, structuredClone(k), true);
    expect(same).toEqual([]);
    const bad = (f: (o: ProgramOutcome) => void): string[] => {
      const o = structuredClone(k);
      f(o);
      return compareOutcomes(k, o, true).map((d) => d.aspect);
    };
    expect(bad((o) => (o.runs[0]!.retval = 2))).toEqual(['retval']);
    expect(bad((o) => (o.runs[0]!.dataOut = '0012'))).toEqual(['data_out']);
    expect(bad((o) => (o.runs[0]!.ctxOut = 'ab'))).toEqual(['ctx_out']);
    expect(bad((o) => (o.maps = { m: [{ key: '00', value: '02' }] }))).toEqual(['maps']);
    expect(bad((o) => (o.runs[0] = { retval: null, dataOut: null, ctxOut: null, error: 'fault' }))).toEqual(['run']);
  });
  it('finds pinned map names the way libbpf pins them', () => {
    expect(pinNameOf('.data.k12', 'gen_xdp')).toBe('_data_k12');
    expect(pinNameOf('.rodata', 'c_sched_cls_progs')).toBe('c_sched__rodata'); // as bpftool v7.1 (libbpf 1.1) pins it
    expect(pinNameOf('m_hash', 'x')).toBe('m_hash');
  });
  it('cli run --cpus N sizes per-CPU map values as a machine with N possible CPUs (what the harness relies on)', async () => {
    const src = ['.map pc percpu_array key=4 value=4 entries=1', '*(u32 *)(r10 - 4) = 0', 'r2 = r10', 'r2 += -4', 'r1 = pc ll', 'call 1',
      'if r0 == 0 goto out', 'r1 = 0x01020304', '*(u32 *)(r0 + 0) = r1', 'out:', 'r0 = 0', 'exit'].join('\n');
    for (const cpus of [1, 2, 3]) {
      const io = memoryIo({ 'p.s': src });
      expect(await runCli(['run', 'p.s', '--type', 'xdp', '--json', '--cpus', String(cpus)], io), io.err).toBe(0);
      const v = (JSON.parse(io.out) as { maps: Record<string, { value: string }[]> }).maps['pc']![0]!.value;
      // The running CPU (0) holds the value; each CPU's copy is padded to 8 bytes, as bpf() and bpftool lay them out.
      expect(v).toBe('04030201' + '0'.repeat(8) + '0'.repeat(16 * (cpus - 1)));
    }
    const bad = memoryIo({ 'p.s': src });
    expect(await runCli(['run', 'p.s', '--type', 'xdp', '--cpus', '0'], bad)).toBe(2);
  });
  it("map-heavy programs are deterministic and pass bpfplay's verifier for every type", () => {
    for (const t of PER_TYPE_TYPES)
      for (let i = 0; i < 6; i++) {
        const a = generateMapProgram(SEED, 900 + i, t);
        expect(generateMapProgram(SEED, 900 + i, t).program).toEqual(a.program);
        expect(a.ops.length).toBeGreaterThanOrEqual(6);
        const v = verify(a.program, { progType: t, statesPerInsn: 0 });
        expect(v.accepted, `${t} ${a.name}: ${v.error?.message} at ${v.error?.insn}`).toBe(true);
      }
  });
  it('every type has a C corpus file', () => {
    for (const t of PER_TYPE_TYPES) expect(existsSync(path.join(repoRoot, 'testdata/kdiff-c', t, 'progs.c')), t).toBe(true);
  });
  it('generates enough programs of every type, each with several packets', () => {
    const c = generatedCorpus(SEED, 5, PACKETS_PER_GEN);
    for (const t of PER_TYPE_TYPES) {
      expect(c.get(t)!.length).toBe(5);
      for (const p of c.get(t)!) {
        expect(p.type).toBe(t);
        expect(p.packets).toHaveLength(PACKETS_PER_GEN);
        expect(new Set(p.packets.map((x) => x.length)).size).toBe(1);
      }
    }
  });
  it('parses the known-differences format and reports bad lines', () => {
    const r = parseKnown('# c\n\nxdp g_x maps # why\nxdp bad\n');
    expect(r.known).toEqual([{ type: 'xdp', name: 'g_x', aspect: 'maps', reason: 'why', line: 3 }]);
    expect(r.errors).toHaveLength(1);
  });
});
