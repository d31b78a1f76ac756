// bpfplay's side of the kernel-differential test: runs one generated case under BPF_PROG_TEST_RUN
// semantics — context and packet from worker/progtypes/testrun.ts (bpf_prog_test_run_xdp / _skb), VM
// regions at the kernel-looking bases of worker/vm — on the fast path (runFast) or by stepping
// (createVm + step), and reports the 32-bit retval and data_out the kernel would report.
// It does not compare anything (the harness does) and does not need a kernel.

import type { Program } from '../isa/program';
import { finishTestRun, prepareTestRun, type TestRunSetup } from '../progtypes/testrun';
import type { ProgTypeName } from '../progtypes/table';
import { CTX_BASE, PACKET_BASE, createVm, runFast, type PtrField, type RegionSpec } from '../vm';

export interface VmOutcome {
  retval: number | null;
  dataOut: Uint8Array | null;
  /** ctx_out, when a ctx_in was given. */
  ctxOut?: Uint8Array | null;
  insns?: number;
  error?: string;
}

/** The VM regions for a test-run setup: ctx (with its pointer fields) and the packet [data, data_end). */
export function regionsFor(setup: TestRunSetup): RegionSpec[] {
  const p = setup.packet;
  const metaLen = p.data - p.dataMeta;
  const ptrFields: PtrField[] = [];
  for (const f of setup.pointers) {
    if (f.target === 'data') ptrFields.push({ off: f.off, size: f.size, target: 'packet' });
    else if (f.target === 'data_end') ptrFields.push({ off: f.off, size: f.size, target: 'packet_end' });
    // data_meta == data when there is no metadata; otherwise the meta region sits just below the packet.
    else if (f.target === 'data_meta') ptrFields.push({ off: f.off, size: f.size, target: metaLen > 0 ? 'packet_meta' : 'packet' });
    // __sk_buff->sk is not modelled here (the generated programs never load it).
  }
  const regions: RegionSpec[] = [
    { name: 'ctx', kind: 'ctx', base: CTX_BASE, bytes: setup.ctx, ptrFields },
    // A view into the setup's buffer, so the program's writes are what finishTestRun reports as data_out.
    { name: 'packet', kind: 'packet', base: PACKET_BASE, bytes: p.buf.subarray(p.data, p.dataEnd) },
  ];
  if (metaLen > 0) regions.push({ name: 'packet_meta', kind: 'packet_meta', base: PACKET_BASE - BigInt(metaLen), bytes: p.buf.subarray(p.dataMeta, p.data) });
  return regions;
}

export function runCaseInVm(program: Program, type: ProgTypeName, dataIn: Uint8Array, mode: 'fast' | 'step', ctxIn?: Uint8Array): VmOutcome {
  const prep = prepareTestRun({ type, dataIn, ctxIn });
  if (!prep.setup) return { retval: null, dataOut: null, error: prep.diagnostics.map((d) => d.message).join('; ') };
  const setup = prep.setup;
  const env = { program, regions: regionsFor(setup), ctxRegion: 'ctx' };
  if (mode === 'fast') {
    const r = runFast(env);
    if (r.fault) return { retval: null, dataOut: null, insns: r.insns, error: `fault at insn ${r.fault.insn}: ${r.fault.message}` };
    const out = finishTestRun(setup, r.r0);
    return { retval: out.retval, dataOut: out.dataOut, ctxOut: out.ctxOut, insns: r.insns };
  }
  const { vm, diagnostics } = createVm(env);
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
