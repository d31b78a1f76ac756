// Records the running kernel's verifier statistics and level-2 logs (tests and scripts only; needs root,
// gcc and libbpf-dev). Every corpus program (record-verifier-goldens.corpus.ts) is written as an ELF object
// and loaded by a small libbpf program (record-verifier-goldens.stats-loader.c) with log_level 4
// (BPF_LOG_STATS), which makes the kernel print only the summary of print_verification_stats
// (kernel/bpf/verifier.c), success or not:
//   verification time N usec / stack depth A+B / processed N insns (limit …) max_states_per_insn …
// Those numbers go to testdata/verifier/kernel-stats.jsonl, one {id, accepted, processed,
// maxStatesPerInsn, totalStates, peakStates, stackDepth} per program. The programs of LOG_PROGRAMS are
// loaded with log_level 7 (levels 1 and 2 and the statistics, as `bpftool -d` asks) and their whole logs
// go to testdata/verifier/kernel-log2.jsonl as {id, type, source, accepted, log}, for the line-by-line
// log test. Re-runnable: `npx tsx scripts/record-verifier-goldens.stats.ts [id-prefix | logs]`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { kernelOracle } from '../worker/testing/kernel';
import { writeElf } from '../worker/elf/write';
import { assemble } from '../worker/asm/index';
import { corpusPrograms } from './record-verifier-goldens.corpus';
import type { Program } from '../worker/isa/program';

export interface KernelStats {
  id: string;
  /** The load succeeded. */
  accepted: boolean;
  processed: number;
  maxStatesPerInsn: number;
  totalStates: number;
  peakStates: number;
  /** "stack depth" line ('' when the kernel did not print it, i.e. on rejection). */
  stackDepth: string;
  kernel: string;
}

/** Small programs whose whole level-2 log is kept for the line-by-line log test. */
export const LOG_PROGRAMS: { id: string; type: string; source: string }[] = [
  {
    id: 'log-loop-spill',
    type: 'socket_filter',
    source: [
      '  r0 = 0',
      '  r1 = 0',
      '  *(u64 *)(r10 - 8) = r1',
      'loop:',
      '  r1 = *(u64 *)(r10 - 8)',
      '  r0 += r1',
      '  r1 += 1',
      '  *(u64 *)(r10 - 8) = r1',
      '  if r1 < 6 goto loop',
      '  exit',
      '',
    ].join('\n'),
  },
  {
    id: 'log-branches-spill',
    type: 'socket_filter',
    source: [
      '  r6 = r1',
      '  call 7',
      '  r1 = r0',
      '  r1 &= 7',
      '  *(u64 *)(r10 - 16) = r1',
      '  r2 = 0',
      '  if r0 > 100 goto a',
      '  r2 = 1',
      'a:',
      '  r3 = *(u64 *)(r10 - 16)',
      '  r4 = r10',
      '  r4 += -16',
      '  r4 += r3',
      '  r5 = 0',
      '  *(u8 *)(r4 + 0) = r5',
      '  r0 = r2',
      '  exit',
      '',
    ].join('\n'),
  },
  {
    id: 'log-may-goto',
    type: 'socket_filter',
    source: ['  r0 = 0', '  r1 = 3', 'l:', '  may_goto +2', '  r0 += r1', '  goto l', '  exit', ''].join('\n'),
  },
  {
    id: 'log-loop-two-paths',
    type: 'socket_filter',
    source: [
      '  call 7', '  r6 = r0', '  r7 = 0', '  r8 = 0', 'l:', '  if r6 > 10 goto a', '  r8 += 1', 'a:', '  r7 += 1',
      '  if r7 < 4 goto l', '  r0 = 0', '  exit', '',
    ].join('\n'),
  },
  {
    id: 'log-subprog-precision',
    type: 'socket_filter',
    source: [
      '  call 7', '  r1 = r0', '  r1 &= 15', '  call f', '  r2 = r10', '  r2 += -16', '  r2 += r0', '  r3 = 0',
      '  *(u8 *)(r2 + 0) = r3', '  r0 = 0', '  exit', 'f:', '  r0 = r1', '  exit', '',
    ].join('\n'),
  },
  {
    id: 'log-return-range',
    type: 'cgroup_skb',
    source: ['  call 7', '  r6 = r0', '  r0 = 1', '  if r6 > 5 goto a', '  r0 = 0', 'a:', '  exit', ''].join('\n'),
  },
];

interface Loaded {
  ok: boolean;
  log: string;
  raw: string;
}

let loaderBin = '';

/** Builds record-verifier-goldens.stats-loader.c (libbpf) once into a temporary directory. */
function loader(): string {
  if (loaderBin) return loaderBin;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bpfplay-stats-loader-'));
  const bin = path.join(dir, 'stats-loader');
  const src = path.resolve(import.meta.dirname, 'record-verifier-goldens.stats-loader.c');
  const r = spawnSync('gcc', ['-O2', '-o', bin, src, '-lbpf'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cannot build the stats loader (gcc, libbpf-dev): ${r.stderr}`);
  return (loaderBin = bin);
}

/**
 * Loads the object with libbpf at the given log level (7 = BPF_LOG_LEVEL1 | BPF_LOG_LEVEL2 | BPF_LOG_STATS,
 * 4 = the statistics lines only) and returns the verdict and the log.
 */
function loadWithLog(obj: Uint8Array, level: number): Loaded {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bpfplay-stats-'));
  const file = path.join(dir, 'prog.o');
  try {
    writeFileSync(file, obj);
    const r = spawnSync(loader(), [file, String(level)], { encoding: 'utf8', timeout: 600_000, maxBuffer: 1 << 26 });
    const raw = r.stdout ?? '';
    const nl = raw.indexOf('\n');
    const head = raw.slice(0, nl);
    return { ok: head.startsWith('ok'), log: raw.slice(nl + 1), raw };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The numbers of print_verification_stats. */
export function parseStats(log: string): Omit<KernelStats, 'id' | 'accepted' | 'kernel'> | null {
  const p = /^processed (\d+) insns \(limit \d+\) max_states_per_insn (\d+) total_states (\d+) peak_states (\d+) mark_read \d+$/m.exec(log);
  if (!p) return null;
  const sd = /^stack depth (\S+)$/m.exec(log);
  return { processed: Number(p[1]), maxStatesPerInsn: Number(p[2]), totalStates: Number(p[3]), peakStates: Number(p[4]), stackDepth: sd?.[1] ?? '' };
}

function main(): void {
  const o = kernelOracle();
  if (!o.ok) {
    console.error(`kernel oracle unavailable: ${o.reason}`);
    process.exit(1);
  }
  const release = os.release();
  const only = process.argv[2] && process.argv[2] !== '--log' ? process.argv[2] : '';
  const dir = path.resolve(import.meta.dirname, '../testdata/verifier');

  const logs: string[] = [];
  for (const lp of LOG_PROGRAMS) {
    const r = assemble(lp.source, { syntax: 'llvm' });
    if (!r.program) throw new Error(`${lp.id}: ${r.diagnostics.map((d) => d.message).join('; ')}`);
    const prog: Program = { ...r.program, progType: lp.type, license: 'GPL' };
    const l = loadWithLog(writeElf(prog, { license: 'GPL' }), 7);
    if (!l.log) throw new Error(`${lp.id}: no verifier log:\n${l.raw.slice(-2000)}`);
    logs.push(JSON.stringify({ ...lp, accepted: l.ok, log: l.log, kernel: release }));
  }
  writeFileSync(path.join(dir, 'kernel-log2.jsonl'), logs.join('\n') + '\n');
  console.error(`wrote ${logs.length} level-2 logs`);
  if (only === 'logs') return;

  const progs = corpusPrograms().filter((p) => !only || p.id.startsWith(only));
  const out: string[] = [];
  let n = 0;
  for (const p of progs) {
    if (!p.program) continue;
    const l = loadWithLog(writeElf(p.program, { license: p.program.license ?? 'GPL' }), 4);
    const s = parseStats(l.log);
    if (s) {
      const rec: KernelStats = { id: p.id, accepted: l.ok, ...s, kernel: release };
      out.push(JSON.stringify(rec));
    }
    if (++n % 200 === 0) console.error(`${n}/${progs.length}`);
  }
  const file = path.join(dir, only ? `kernel-stats-${only}.jsonl` : 'kernel-stats.jsonl');
  writeFileSync(file, out.join('\n') + '\n');
  console.error(`wrote ${out.length} stats records to ${file}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) main();
