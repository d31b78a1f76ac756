// Tests only: runs worker/progtypes/kernel-probe/probe.c (compiled once per test file with clang-19 or gcc),
// which loads raw instruction bytes with BPF_PROG_LOAD and test-runs them; plus small builders of raw
// struct bpf_insn bytes for the probe programs. Shared by the kernel-differential helper and ctx tests.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { which } from './kernel';

const PROBE_C = join(__dirname, '../progtypes/kernel-probe/probe.c');

/** A function that feeds request lines to the probe binary and returns its output lines. */
export function probeRunner(tag: string): (lines: string[]) => string[] {
  let bin: string | null = null;
  return (lines) => {
    if (!bin) {
      const cc = which('clang-19') ?? which('gcc');
      bin = join(mkdtempSync(join(tmpdir(), `bpfplay-${tag}-`)), 'probe');
      execFileSync(cc!, ['-O1', '-o', bin, PROBE_C]);
    }
    return spawnSync(bin, { input: lines.join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 26 }).stdout.trim().split('\n');
  };
}

export const hex = (b: Uint8Array | null | undefined) => (b && b.length ? Buffer.from(b).toString('hex') : '-');
/** One raw instruction: code, dst, src, off, imm. */
export const I = (code: number, dst: number, src: number, off: number, imm: number): Buffer => {
  const b = Buffer.alloc(8);
  b[0] = code; b[1] = dst | (src << 4); b.writeInt16LE(off, 2); b.writeInt32LE(imm | 0, 4);
  return b;
};
export const EXIT = I(0x95, 0, 0, 0, 0);
export const MOV = (d: number, k: number) => I(0xb7, d, 0, 0, k);
export const MOVR = (d: number, s: number) => I(0xbf, d, s, 0, 0);
export const ADDK = (d: number, k: number) => I(0x07, d, 0, 0, k);
