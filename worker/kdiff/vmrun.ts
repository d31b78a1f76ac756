// bpfplay's side of the kernel-differential test: runs one generated case under BPF_PROG_TEST_RUN
// semantics on the fast path through runTestRun (worker/progtypes/run.ts, what `cli run` calls), or by
// stepping (createVm + step) over the same regions (vmRegions) with the same context and helpers, and
// reports the 32-bit retval, data_out and ctx_out the kernel would report.
// It does not compare anything (the harness does) and does not need a kernel.

import type { Program } from '../isa/program';
import { createMaps, runTestRun, vmRegions } from '../progtypes/run';
import { finishTestRun, prepareTestRun } from '../progtypes/testrun';
import type { ProgTypeName } from '../progtypes/table';
import { createVm } from '../vm';

export interface VmOutcome {
  retval: number | null;
  dataOut: Uint8Array | null;
  /** ctx_out, when a ctx_in was given. */
  ctxOut?: Uint8Array | null;
  insns?: number;
  error?: string;
}

export function runCaseInVm(program: Program, type: ProgTypeName, dataIn: Uint8Array, mode: 'fast' | 'step', ctxIn?: Uint8Array): VmOutcome {
  if (mode === 'fast') {
    const r = runTestRun(program, { type, dataIn, ctxIn });
    if (!r.output || !r.run) return { retval: null, dataOut: null, error: r.diagnostics.map((d) => d.message).join('; ') };
    if (r.run.fault) return { retval: null, dataOut: null, insns: r.run.insns, error: `fault at insn ${r.run.fault.insn}: ${r.run.fault.message}` };
    return { retval: r.output.retval, dataOut: r.output.dataOut, ctxOut: r.output.ctxOut, insns: r.run.insns };
  }
  const prep = prepareTestRun({ type, dataIn, ctxIn });
  if (!prep.setup) return { retval: null, dataOut: null, error: prep.diagnostics.map((d) => d.message).join('; ') };
  const setup = prep.setup;
  const maps = createMaps(program);
  if (!maps.maps) return { retval: null, dataOut: null, error: maps.diagnostics.map((d) => d.message).join('; ') };
  // The same environment runTestRun gives runFast: regions, ctx object for the packet helpers, maps.
  const { vm, diagnostics } = createVm({ program, regions: vmRegions(setup), ctxRegion: 'ctx', ctx: setup, maps: maps.maps, ldAbsRegion: 'packet' });
  if (!vm) return { retval: null, dataOut: null, error: diagnostics.map((d) => d.message).join('; ') };
  let steps = 0;
  for (;;) {
    const rec = vm.step();
    steps++;
    if (rec.done) {
      if (rec.done.kind === 'fault') return { retval: null, dataOut: null, insns: steps, error: `fault at insn ${rec.done.insn}: ${rec.done.message}` };
      const out = finishTestRun(setup, rec.done.r0);
      return { retval: out.retval, dataOut: out.dataOut, ctxOut: out.ctxOut, insns: steps };
    }
    if (steps > 2_000_000) return { retval: null, dataOut: null, insns: steps, error: 'step limit' };
  }
}
