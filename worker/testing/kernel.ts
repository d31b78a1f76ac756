// Test-only: can this process use the real kernel as an oracle (bpf() via bpftool)?
// Tests that need it call kernelOracle() and skip with the returned reason when it is unavailable,
// so the suite passes for a user without root.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface OracleStatus {
  ok: boolean;
  reason: string;
}

let cached: OracleStatus | undefined;

export function which(cmd: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const p = `${dir}/${cmd}`;
    if (dir && existsSync(p)) return p;
  }
  for (const p of [`/usr/sbin/${cmd}`, `/sbin/${cmd}`, `/usr/bin/${cmd}`]) if (existsSync(p)) return p;
  return null;
}

export function kernelOracle(): OracleStatus {
  if (cached) return cached;
  if (process.env.BPFPLAY_NO_KERNEL) return (cached = { ok: false, reason: 'BPFPLAY_NO_KERNEL is set' });
  if (process.platform !== 'linux') return (cached = { ok: false, reason: `not Linux (${process.platform})` });
  const bpftool = which('bpftool');
  if (!bpftool) return (cached = { ok: false, reason: 'bpftool is not installed (apt-get install bpftool)' });
  if (process.getuid && process.getuid() !== 0)
    return (cached = { ok: false, reason: 'not root: bpf() program loading needs CAP_BPF/CAP_SYS_ADMIN' });
  try {
    execFileSync(bpftool, ['prog', 'show'], { stdio: 'pipe', timeout: 10_000 });
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return (cached = { ok: false, reason: `bpf() is not permitted here (bpftool prog show failed: ${msg})` });
  }
  return (cached = { ok: true, reason: '' });
}

export function bpftoolPath(): string {
  return which('bpftool') ?? 'bpftool';
}
