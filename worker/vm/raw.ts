// runRaw: the conformance runners' view of the VM (bpf_conformance and uBPF .data files).
// r1 = the address of a writable copy of `mem` (0 when there is none), r2 = its length, r10 = the
// frame pointer; helpers are uBPF's test set by default. Runs on the fast path. Never throws.

import type { Program } from '../isa/program';
import { MEM_BASE } from './memory';
import { runFast } from './vm';

export interface RawResult {
  r0: bigint;
  insns: number;
  fault: null | { insn: number; message: string };
  /** The memory after the run (the copy the program could write). */
  mem: Uint8Array;
}

export function runRaw(program: Program, opts: { mem?: Uint8Array; helperSet?: 'ubpf' | 'kernel'; maxInsns?: number } = {}): RawResult {
  const mem = opts.mem ? opts.mem.slice() : new Uint8Array(0);
  const has = opts.mem !== undefined && mem.length > 0;
  const res = runFast({
    program,
    regions: has ? [{ name: 'mem', kind: 'mem', base: MEM_BASE, bytes: mem }] : [],
    initialRegs: { 1: has ? MEM_BASE : 0n, 2: BigInt(mem.length) },
    helperSet: opts.helperSet ?? 'ubpf',
    budget: opts.maxInsns ?? 1_000_000,
  });
  return { r0: BigInt.asUintN(64, res.r0), insns: res.insns, fault: res.fault, mem };
}
