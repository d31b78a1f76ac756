// Helper-prototype differential: bpfplay's verdict, instruction and message for the helper probes of
// scripts/record-helper-protos.ts (every program type x allowed helper: arguments uninitialised, zero,
// the context, well typed, and one argument of the wrong kind) against what the running Linux 6.18
// kernel said for the same programs (testdata/verifier/kernel-protos.jsonl, recorded with bpftool).
// Writes testdata/verifier/report-protos.txt listing every disagreement with a reason.
// No kernel is needed at test time; where bpf() is available a small sample is re-checked live.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { helperProbes, loadProbe } from '../../scripts/record-helper-protos';
import { ensureBpffs } from '../../scripts/kdiff-bpftool';
import { kernelOracle } from '../testing/kernel';
import { assemble } from '../asm/index';
import type { Program } from '../isa/program';
import { compareWithKernel, type KernelRecord } from './kdiff';

const root = path.resolve(import.meta.dirname, '../..');
const goldens = path.join(root, 'testdata/verifier/kernel-protos.jsonl');

function probePrograms(): { id: string; type: string; program: Program | null }[] {
  return helperProbes().map((p) => {
    const r = assemble(p.source, { syntax: 'llvm' });
    if (!r.program || r.diagnostics.some((d) => d.severity === 'error')) return { id: p.id, type: p.type, program: null };
    r.program.progType = p.type;
    r.program.license = p.license;
    return { id: p.id, type: p.type, program: r.program };
  });
}

/** Why bpfplay and the kernel differ, from what differs (the report's explanation column). */
function reason(id: string, k: string, b: string): string {
  if (/'(trusted_)?ptr_(or_null_)?'/.test(k)) return "bpfplay's opaque kernel-object pointers (PTR_TO_BTF_ID) print as mem: the register type list (state.ts) has no PTR_TO_BTF_ID";
  if (/expected=.*ptr_|trusted_ptr|BTF|btf/.test(k) && !/expected=fp, pkt/.test(k)) return 'kernel BTF object types (PTR_TO_BTF_ID) are opaque in bpfplay';
  if (/dynptr/i.test(k) || /dynptr/i.test(b)) return 'dynptr stack slots are modelled only in outline';
  if (/spin_lock|timer|kptr/.test(k)) return 'bpf_spin_lock / bpf_timer / kptr fields need map BTF, which bpfplay maps do not carry';
  if (k.startsWith('accepted')) return 'bpfplay is stricter than the kernel here';
  if (b.startsWith('accepted')) return 'bpfplay misses a check the kernel makes';
  if (k.replace(/\d+/g, '') === b.replace(/\d+/g, '')) return 'same check, different numbers';
  void id;
  return 'a different check fired first';
}

describe('helper prototypes against the kernel verifier', () => {
  it.skipIf(!existsSync(goldens))('agrees with the recorded kernel verdicts', () => {
    const records = readFileSync(goldens, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as KernelRecord & { kernel?: string });
    const s = compareWithKernel(probePrograms(), records);
    const verdictPct = (100 * s.verdictAgree) / s.total;
    const exact = s.verdictAgree - s.disagreements.filter((d) => d.kind !== 'verdict').length;
    const exactPct = (100 * exact) / s.total;
    const rejectsPct = (100 * s.rejectsExact) / s.rejects;
    const lines = [
      `bpfplay helper-call checks vs Linux ${records[0]?.kernel ?? 'unknown'} (bpftool prog load): ${s.total} probes compared, ${s.skipped} skipped (libbpf could not load the object)`,
      `verdict agreement: ${s.verdictAgree}/${s.total} = ${verdictPct.toFixed(2)}%`,
      `same verdict, instruction and message: ${exact}/${s.total} = ${exactPct.toFixed(2)}%`,
      `rejects with the same instruction and message: ${s.rejectsExact}/${s.rejects} = ${rejectsPct.toFixed(2)}%`,
      '',
      'Disagreements (kind: kernel | bpfplay):',
      ...s.disagreements.map((d) => `${d.id} [${d.kind}]\n  kernel:  ${d.kernel}\n  bpfplay: ${d.bpfplay}\n  reason:  ${reason(d.id, d.kernel, d.bpfplay)}`),
      '',
    ];
    writeFileSync(path.join(root, 'testdata/verifier/report-protos.txt'), lines.join('\n'));
    console.log(lines.slice(0, 4).join('\n'));
    expect(s.total).toBeGreaterThanOrEqual(2000);
    expect(verdictPct).toBeGreaterThanOrEqual(98);
    expect(exactPct).toBeGreaterThanOrEqual(95);
  }, 120_000);

  // Where bpf() is available: a sample of probes loaded again, so stale goldens show up.
  const oracle = kernelOracle();
  it.skipIf(!oracle.ok || !existsSync(goldens))('recorded verdicts still match the running kernel (every 300th probe)', () => {
    if (!oracle.ok) console.log(`kernel oracle unavailable: ${oracle.reason}`);
    const bpffs = ensureBpffs();
    if (bpffs) {
      console.log(`skipped: ${bpffs}`);
      return;
    }
    const records = new Map(readFileSync(goldens, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as KernelRecord).map((r) => [r.id, r]));
    const sample = helperProbes().filter((_, k) => k % 300 === 0);
    for (const p of sample) {
      const live = loadProbe(p);
      const rec = records.get(p.id);
      expect(rec, p.id).toBeDefined();
      expect({ id: p.id, accepted: live.accepted, message: live.message }).toEqual({ id: p.id, accepted: rec!.accepted, message: rec!.message });
    }
    expect(sample.length).toBeGreaterThan(20);
  }, 120_000);
});
