// Node-side driver of the real kernel through bpftool, for tests and the kernel-differential harness:
// mounts bpffs if needed, loads objects (`bpftool prog load` / `loadall`), runs pinned programs with
// BPF_PROG_TEST_RUN (`bpftool prog run`, many at once through `bpftool --batch`), and always cleans up
// its pins under /sys/fs/bpf/bpfplay-*. It never touches anything else in bpffs.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bpftoolPath } from '../worker/testing/kernel';

export const BPFFS = '/sys/fs/bpf';

/** Mounts bpffs at /sys/fs/bpf unless something is mounted there. Returns an error text or ''. */
export function ensureBpffs(): string {
  try {
    const mounts = readFileSync('/proc/mounts', 'utf8');
    if (mounts.split('\n').some((l) => l.split(' ')[1] === BPFFS && l.split(' ')[2] === 'bpf')) return '';
    execFileSync('mount', ['-t', 'bpf', 'bpf', BPFFS], { stdio: 'pipe' });
    return '';
  } catch (e) {
    return `cannot mount bpffs at ${BPFFS}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
  }
}

/** A fresh, unique pin path prefix under bpffs for this process. */
export function pinPath(tag: string): string {
  return `${BPFFS}/bpfplay-${tag}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

export interface LoadResult {
  ok: boolean;
  /** bpftool's stderr/stdout (libbpf and verifier messages) when it failed. */
  log: string;
}

/** `bpftool prog load OBJ PIN` (loads every program, pins the first); the caller unlinks PIN. */
export function loadObject(objBytes: Uint8Array, pin: string, extra: string[] = []): LoadResult {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bpfplay-elf-'));
  const obj = path.join(dir, 'prog.o');
  try {
    writeFileSync(obj, objBytes);
    const r = spawnSync(bpftoolPath(), ['prog', 'load', obj, pin, ...extra], { encoding: 'utf8', timeout: 60_000 });
    return { ok: r.status === 0 && existsSync(pin), log: `${r.stdout ?? ''}${r.stderr ?? ''}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `bpftool prog loadall OBJ DIR`: every program of the object pinned as DIR/<name>. */
export function loadAll(objPath: string, dir: string): LoadResult {
  const r = spawnSync(bpftoolPath(), ['prog', 'loadall', objPath, dir], { encoding: 'utf8', timeout: 120_000 });
  return { ok: r.status === 0, log: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** Removes a pin or a directory of pins (only under bpffs, only bpfplay-* paths). */
export function unpin(p: string): void {
  if (!p.startsWith(`${BPFFS}/bpfplay-`) || p.includes('..')) return;
  rmSync(p, { recursive: true, force: true });
}

export function makeDir(p: string): void {
  mkdirSync(p, { recursive: true });
}

export interface RunRequest {
  pin: string;
  dataIn: string;
  dataOut: string;
  ctxIn?: string;
  ctxOut?: string;
}

export interface RunResult {
  retval: number | null;
  error?: string;
}

/**
 * Runs pinned programs with `bpftool prog run` through one `bpftool --batch` process (a command per
 * line). bpftool prints "Return value: N, duration…" per run; data_out goes to the named files.
 */
export function runBatch(reqs: readonly RunRequest[], workDir: string): RunResult[] {
  const batch = path.join(workDir, `batch-${Math.random().toString(36).slice(2, 8)}.txt`);
  writeFileSync(
    batch,
    reqs.map((r) => `prog run pinned ${r.pin} data_in ${r.dataIn} data_out ${r.dataOut} data_size_out 65536${r.ctxIn ? ` ctx_in ${r.ctxIn} ctx_out ${r.ctxOut}` : ''}`).join('\n') + '\n',
  );
  const r = spawnSync(bpftoolPath(), ['-j', 'batch', 'file', batch], { encoding: 'utf8', timeout: 600_000, maxBuffer: 256 << 20 });
  // With -j bpftool prints one JSON array: [{"command":[…],"output":{"retval":N,"duration":D}} | {"output":{"error":"…"}}].
  // It stops at the first failing command, so later requests get no entry.
  let arr: { output?: { retval?: number; error?: string } }[] = [];
  try {
    const parsed: unknown = JSON.parse(r.stdout || '[]');
    if (Array.isArray(parsed)) arr = parsed as typeof arr;
  } catch {
    arr = [];
  }
  return reqs.map((_, i) => {
    const o = arr[i]?.output;
    if (!o) return { retval: null, error: `no output (bpftool: ${(r.stderr ?? '').split('\n').slice(-3).join(' ')})` };
    if (typeof o.retval === 'number') return { retval: o.retval >>> 0 };
    return { retval: null, error: o.error ?? JSON.stringify(o) };
  });
}

// ---- Per-program-type corpus support (worker/kdiff/pertype.test.ts): pinned maps, any batch command, map dumps ----

/** `bpftool prog loadall OBJ PROGDIR pinmaps MAPDIR`: programs pinned as PROGDIR/<name>, maps as MAPDIR/<name>. */
export function loadAllPinMaps(objPath: string, progDir: string, mapDir: string): LoadResult {
  const r = spawnSync(bpftoolPath(), ['prog', 'loadall', objPath, progDir, 'pinmaps', mapDir], { encoding: 'utf8', timeout: 300_000 });
  return { ok: r.status === 0, log: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

export type BatchOutput = { ok: true; output: unknown } | { ok: false; error: string };

/**
 * Runs bpftool commands (one per line, without the leading `bpftool`) through one `bpftool -j batch file`
 * process, on CPU `cpu` (taskset) when given so per-CPU map slots and bpf_get_smp_processor_id() are
 * predictable. bpftool stops at the first failing command: that one reports its error and the later ones
 * get `{ok: false, error: 'not run'}`; callers re-run the remainder if they need to.
 */
export function runBatchCommands(cmds: readonly string[], workDir: string, opts: { cpu?: number } = {}): BatchOutput[] {
  const batch = path.join(workDir, `batch-${Math.random().toString(36).slice(2, 8)}.txt`);
  writeFileSync(batch, cmds.join('\n') + '\n');
  const argv = [bpftoolPath(), '-j', 'batch', 'file', batch];
  const r = opts.cpu === undefined
    ? spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 600_000, maxBuffer: 512 << 20 })
    : spawnSync('taskset', ['-c', String(opts.cpu), ...argv], { encoding: 'utf8', timeout: 600_000, maxBuffer: 512 << 20 });
  let arr: { output?: unknown }[] = [];
  try {
    const parsed: unknown = JSON.parse(r.stdout || '[]');
    if (Array.isArray(parsed)) arr = parsed as typeof arr;
  } catch {
    arr = [];
  }
  const tail = (r.stderr ?? '').split('\n').filter(Boolean).slice(-3).join(' ');
  return cmds.map((_, i) => {
    if (i >= arr.length) return { ok: false, error: arr.length === 0 && i === 0 ? `bpftool gave no output: ${tail}` : 'not run' };
    const o = arr[i]!.output;
    if (o === null || o === undefined) return { ok: false, error: `no output (bpftool: ${tail})` };
    if (typeof o === 'object' && !Array.isArray(o) && 'error' in o) return { ok: false, error: String((o as { error: unknown }).error) };
    return { ok: true, output: o };
  });
}

/** A map entry as hex bytes. */
export interface HexEntry {
  key: string;
  value: string;
}

const hexBytes = (xs: unknown): string => (Array.isArray(xs) ? xs.map((x) => String(x).replace(/^0x/, '').padStart(2, '0')).join('') : '');

/**
 * `bpftool -j map dump` output -> entries with hex key and value, sorted by key. Per-CPU maps come back
 * with one value per CPU; they are concatenated in CPU order, each padded with zeros to a multiple of 8
 * bytes: the layout the bpf() syscall uses for per-CPU values (and bpfplay's maps report).
 */
export function dumpEntries(output: unknown): HexEntry[] {
  if (!Array.isArray(output)) return [];
  const out: HexEntry[] = [];
  for (const e of output as { key?: unknown; value?: unknown; values?: { cpu: number; value: unknown }[] }[]) {
    let value: string;
    if (Array.isArray(e.values)) {
      value = [...e.values].sort((a, b) => a.cpu - b.cpu).map((v) => {
        const h = hexBytes(v.value);
        const padded = Math.ceil(h.length / 16) * 16;
        return h.padEnd(padded, '0');
      }).join('');
    } else value = hexBytes(e.value);
    out.push({ key: hexBytes(e.key), value });
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The number of possible CPUs (/sys/devices/system/cpu/possible), which sizes per-CPU map values. */
export function possibleCpus(): number {
  try {
    const s = readFileSync('/sys/devices/system/cpu/possible', 'utf8').trim();
    let n = 0;
    for (const part of s.split(',')) {
      const [a, b] = part.split('-').map(Number);
      n += b === undefined ? 1 : b - a! + 1;
    }
    return n || os.cpus().length;
  } catch {
    return os.cpus().length;
  }
}
