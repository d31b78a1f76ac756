// The kernel-differential test: 1,200 generated programs (worker/kdiff/gen.ts) run through the real
// kernel's BPF_PROG_TEST_RUN — bpfplay's own ELF writer, `bpftool prog loadall`, `bpftool prog run` — and
// through bpfplay's VM on both paths (runFast, and createVm + step), under the test_run context and packet
// setup of worker/progtypes/testrun.ts. The 32-bit retval and data_out must agree on every program.
// Skips, with the reason, where the kernel cannot be used (no root, no bpftool, bpf() not permitted).
import { describe, expect, it } from 'vitest';
import { compareWith, formatDisagreements, runInKernel, type KernelRun } from '../../scripts/kdiff-run';
import { kernelOracle } from '../testing/kernel';
import { verify } from '../verifier';
import { CTX_KNOWN_DIFFS, ctxProbeCases, generateCases, ldPktProbeCases } from './gen';
import { runCaseInVm } from './vmrun';

const SEED = Number(process.env.BPFPLAY_KDIFF_SEED ?? 1);
const COUNT = Number(process.env.BPFPLAY_KDIFF_COUNT ?? 1200);
const oracle = kernelOracle();

describe.skipIf(!oracle.ok)(`kernel-differential (${COUNT} programs, seed ${SEED})${oracle.ok ? '' : ` — skipped: ${oracle.reason}`}`, () => {
  const cases = generateCases(SEED, COUNT);
  let kernelCache: KernelRun | undefined;
  /** One kernel run shared by the tests below (whichever runs first pays for it). */
  const kernelRun = (): KernelRun => (kernelCache ??= runInKernel(cases));

  it('the kernel verifier accepts and runs every generated program', () => {
    const t = Date.now();
    const kernel = kernelRun();
    const ran = kernel.outcomes.filter((o) => o.retval !== null).length;
    console.log(`kdiff kernel: ${ran}/${COUNT} ran; load ${kernel.loadMs} ms, run ${kernel.runMs} ms, total ${Date.now() - t} ms`);
    expect(kernel.rejected.map((r) => `case ${r.id}:\n${r.log}`)).toEqual([]);
    expect(kernel.outcomes.filter((o) => o.retval === null).map((o) => o.error)).toEqual([]);
  });

  for (const mode of ['fast', 'step'] as const) {
    it(`bpfplay's VM (${mode === 'fast' ? 'runFast' : 'createVm + step'}) agrees with the kernel on retval and data_out`, () => {
      const cmp = compareWith(cases, kernelRun(), (c) => runCaseInVm(c.program, c.flavour, c.data, mode, c.ctxIn));
      console.log(`kdiff ${mode}: ${cmp.agree}/${cmp.total} agree, ${cmp.disagree.length} disagree; VM time ${cmp.vmMs} ms`);
      if (cmp.disagree.length) console.log(formatDisagreements(cases, cmp));
      expect(cmp.disagree.map((d) => d.id)).toEqual([]);
      expect(cmp.agree).toBe(COUNT);
    });
  }

  it("bpfplay's verifier accepts the programs the kernel accepted (first 300)", () => {
    const kernel = kernelRun();
    const rejected: string[] = [];
    cases.slice(0, 300).forEach((c, i) => {
      if (kernel.outcomes[i]!.retval === null) return;
      const r = verify(c.program, { progType: c.flavour, statesPerInsn: 0 });
      if (!r.accepted) rejected.push(`case ${c.id} (${c.flavour}): insn ${r.error?.insn}: ${r.error?.message}`);
    });
    console.log(`kdiff verifier: ${300 - rejected.length}/300 accepted`);
    expect(rejected).toEqual([]);
  });

  it('context accesses: every field access the verifier allows reads (and writes) what the kernel does, except the known differences', () => {
    const probes = ctxProbeCases();
    const k = runInKernel(probes);
    expect(k.rejected.map((r) => `${probes.find((p) => p.id === r.id)!.access}:\n${r.log}`)).toEqual([]);
    const cmp = compareWith(probes, k, (c) => runCaseInVm(c.program, c.flavour, c.data, 'fast'));
    const differ = cmp.disagree.map((d) => `${probes.find((p) => p.id === d.id)!.access}: kernel ${d.kernel.retval} vm ${d.vm.retval}${d.vm.error ? ` (${d.vm.error})` : ''}`);
    const unknown = differ.filter((d) => !CTX_KNOWN_DIFFS[d.split(':')[0]!]);
    const probed = new Set(probes.map((p) => p.access));
    const fixed = Object.keys(CTX_KNOWN_DIFFS).filter((key) => probed.has(key) && !differ.some((d) => d.startsWith(`${key}:`)));
    console.log(`kdiff ctx: ${probes.length} accesses, ${cmp.agree} agree, ${differ.length} differ (${differ.length - unknown.length} known)` + (fixed.length ? `; known differences that now agree (remove from CTX_KNOWN_DIFFS): ${fixed.join(', ')}` : ''));
    if (differ.length) console.log(differ.join('\n'));
    expect(unknown).toEqual([]);
    expect(cmp.kernelErrors).toEqual([]);
  });

  it('legacy packet loads (LD_ABS/LD_IND) at edge offsets, SKF_NET_OFF/SKF_LL_OFF bases included, agree with the kernel', () => {
    const probes = ldPktProbeCases();
    const k = runInKernel(probes);
    expect(k.rejected.map((r) => probes.find((p) => p.id === r.id)!.access)).toEqual([]);
    const cmp = compareWith(probes, k, (c) => runCaseInVm(c.program, c.flavour, c.data, 'fast'));
    const differ = cmp.disagree.map((d) => `${probes.find((p) => p.id === d.id)!.access}: kernel ${d.kernel.retval} vm ${d.vm.retval}${d.vm.error ? ` (${d.vm.error})` : ''}`);
    console.log(`kdiff ld_abs/ld_ind: ${probes.length} loads, ${cmp.agree} agree, ${differ.length} differ`);
    expect(differ).toEqual([]);
    expect(cmp.kernelErrors).toEqual([]);
  });

  it('would notice a VM that got one packet byte or the return value wrong', () => {
    const kernel = kernelRun();
    const some = cases.slice(0, 40);
    const off = compareWith(some, { ...kernel, outcomes: kernel.outcomes.slice(0, 40) }, (c) => {
      const r = runCaseInVm(c.program, c.flavour, c.data, 'fast', c.ctxIn);
      if (c.id % 2 === 0) return { ...r, retval: ((r.retval ?? 0) + 1) >>> 0 };
      const d = r.dataOut!.slice();
      d[c.id % d.length] ^= 1;
      return { ...r, dataOut: d };
    });
    expect(off.agree).toBe(0);
    expect(off.disagree).toHaveLength(40);
    // The report names the case, both results and shows llvm-objdump's disassembly of the program.
    const report = formatDisagreements(some, off, 2);
    expect(report).toMatch(/case 0 \(\w+, \d+ slots\): kernel retval \d+ vm retval \d+/);
    expect(report).toMatch(/packet differs first at byte 1 /);
    expect(report).toMatch(/<k0>:[\s\S]*exit/);
    expect(report).toMatch(/and 38 more/);
  });
});
