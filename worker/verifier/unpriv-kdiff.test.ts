// Kernel-differential agreement in UNPRIVILEGED mode: bpfplay's verify(..., { unpriv: true }) against the
// verdicts Linux 6.18 gave when the same programs were loaded by nobody without capabilities
// (testdata/verifier/unpriv-kernel.jsonl, recorded by scripts/record-unpriv-goldens.ts through
// scripts/unpriv-load.c). Writes testdata/verifier/report-unpriv.txt listing every disagreement with a
// reason, and asserts verdict agreement >= 98% and same instruction + message >= 90% of the rejects.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { unprivEntries, UNPRIV_GOLDENS } from '../../scripts/record-unpriv-goldens';
import type { KernelRecord } from './kdiff';
import { verify } from './index';

const root = path.resolve(import.meta.dirname, '../..');

interface Row { id: string; kind: 'verdict' | 'insn' | 'message'; kernel: string; bpfplay: string }

const show = (accepted: boolean, insn: number, message: string): string => (accepted ? 'accepted' : `rejected at ${insn}: ${message}`);

describe('unprivileged kernel-differential corpus', () => {
  it.skipIf(!existsSync(UNPRIV_GOLDENS))('agrees with the kernel verifier run by an unprivileged user', () => {
    const records = readFileSync(UNPRIV_GOLDENS, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as KernelRecord & { kernel?: string });
    const byId = new Map(records.map((r) => [r.id, r]));
    let total = 0, skipped = 0, verdictAgree = 0, rejects = 0, rejectsExact = 0;
    const rows: Row[] = [];
    for (const e of unprivEntries()) {
      const k = byId.get(e.id);
      if (!k || !e.program || k.loaderError) { skipped++; continue; }
      total++;
      const rep = verify(e.program, { progType: e.type, unpriv: true, logLevel: 0, statesPerInsn: 0 });
      const ours = rep.error;
      if (rep.accepted === k.accepted) verdictAgree++;
      else rows.push({ id: e.id, kind: 'verdict', kernel: show(k.accepted, k.insn, k.message), bpfplay: show(rep.accepted, ours?.insn ?? -1, ours?.message ?? '') });
      if (!k.accepted && !k.truncated) {
        rejects++;
        if (!rep.accepted && ours) {
          // The kernel's index is the last instruction line of its log (see kdiff.ts).
          const path = rep.errorPath;
          const prev = path.length >= 2 && path[path.length - 1] === ours.insn ? path[path.length - 2] : path[path.length - 1];
          const insnOk = k.insn === -1 || k.insn === ours.insn || k.insn === prev;
          const msgOk = k.message === ours.message;
          if (insnOk && msgOk) rejectsExact++;
          else rows.push({ id: e.id, kind: msgOk ? 'insn' : 'message', kernel: show(false, k.insn, k.message), bpfplay: show(false, ours.insn, ours.message) });
        }
      }
    }
    const verdictPct = (100 * verdictAgree) / total;
    const exactPct = (100 * rejectsExact) / rejects;
    const lines = [
      `bpfplay verifier --unpriv vs Linux ${records[0]?.kernel ?? 'unknown'} (bpf(BPF_PROG_LOAD) as uid 65534 without capabilities), ${total} programs compared, ${skipped} skipped (assembler or map-creation failures)`,
      `verdict agreement: ${verdictAgree}/${total} = ${verdictPct.toFixed(2)}%`,
      `rejects with the same instruction and message: ${rejectsExact}/${rejects} = ${exactPct.toFixed(2)}%`,
      'The kernel instruction is the last instruction line of its log (for an error raised before an instruction is printed, the one before).',
      '',
      'Disagreements (kind: kernel | bpfplay):',
      ...rows.map((d) => `${d.id} [${d.kind}]\n  kernel:  ${d.kernel}\n  bpfplay: ${d.bpfplay}\n  reason:  ${reason(d.kernel, d.bpfplay)}`),
      '',
    ];
    writeFileSync(path.join(root, 'testdata/verifier/report-unpriv.txt'), lines.join('\n'));
    console.log(lines.slice(0, 3).join('\n'));
    expect(total).toBeGreaterThanOrEqual(500);
    expect(verdictPct).toBeGreaterThanOrEqual(98);
    expect(exactPct).toBeGreaterThanOrEqual(90);
  }, 240_000);
});

/** A short explanation of a disagreement, from what differs. */
function reason(k: string, b: string): string {
  if (k.includes('too large') || b.includes('too large')) return 'complexity: bpfplay prunes differently, so the processed-instruction count differs';
  if (k.startsWith('accepted') && b.includes('!root')) return 'bpfplay applies a Spectre v1 sanitation rule where the kernel falls back to a nospec barrier';
  if (k.startsWith('accepted')) return 'bpfplay is stricter than the kernel here (a bound or type the kernel tracks more precisely)';
  if (b.startsWith('accepted')) return 'bpfplay misses a check the kernel makes';
  if (k.replace(/\d+/g, '') === b.replace(/\d+/g, '')) return 'same check, different numbers (offsets, sizes or ids computed differently)';
  return 'a different check fired first';
}
