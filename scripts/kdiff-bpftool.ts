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
