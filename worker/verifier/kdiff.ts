// Kernel-differential comparison (tests and scripts only): runs bpfplay's verifier on each corpus
// program and compares verdict, instruction index and message with the recorded kernel verdicts
// (testdata/verifier/kernel.jsonl, written by scripts/record-verifier-goldens.ts). Pure: the caller
// supplies the programs and the records and writes the report.
import type { Program } from '../isa/program';
import { verify } from './index';

export interface KernelRecord {
  id: string;
  type: string;
  accepted: boolean;
  insn: number;
  message: string;
  block: string[];
  processed: number;
  loaderError?: string;
  /** The log was cut before its error line (libbpf's buffer): only the verdict is compared. */
  truncated?: string;
}

export interface Disagreement {
  id: string;
  kind: 'verdict' | 'insn' | 'message';
  kernel: string;
  bpfplay: string;
}

/** The kernel's statistics line for a program (testdata/verifier/kernel-stats.jsonl). */
export interface KernelStatsRecord {
  id: string;
  accepted: boolean;
  processed: number;
  totalStates: number;
  peakStates: number;
  maxStatesPerInsn: number;
}

export interface DiffSummary {
  /** Programs with a kernel statistics record, and how many bpfplay processed exactly as many instructions for. */
  statsCompared: number;
  processedExact: number;
  /** Of those, how many also stored exactly as many states (total_states). */
  totalStatesExact: number;
  total: number;
  skipped: number;
  verdictAgree: number;
  rejects: number;
  rejectsExact: number;
  disagreements: Disagreement[];
}

function describe(accepted: boolean, insn: number, message: string): string {
  return accepted ? 'accepted' : `rejected at ${insn}: ${message}`;
}

export function compareWithKernel(entries: readonly { id: string; type: string; program: Program | null }[], records: readonly KernelRecord[],
  stats: readonly KernelStatsRecord[] = []): DiffSummary {
  const byId = new Map(records.map((r) => [r.id, r]));
  const statsById = new Map(stats.map((r) => [r.id, r]));
  const s: DiffSummary = { statsCompared: 0, processedExact: 0, totalStatesExact: 0, total: 0, skipped: 0, verdictAgree: 0, rejects: 0, rejectsExact: 0, disagreements: [] };
  for (const e of entries) {
    const k = byId.get(e.id);
    if (!k || !e.program || k.loaderError) {
      s.skipped++;
      continue;
    }
    s.total++;
    const rep = verify(e.program, { progType: e.type, logLevel: 0, statesPerInsn: 0 });
    const ours = rep.error;
    const ks = statsById.get(e.id);
    if (ks) {
      s.statsCompared++;
      if (ks.processed === rep.processed) {
        s.processedExact++;
        if (ks.totalStates === rep.totalStates) s.totalStatesExact++;
      }
    }
    if (rep.accepted === k.accepted) s.verdictAgree++;
    else {
      s.disagreements.push({ id: e.id, kind: 'verdict', kernel: describe(k.accepted, k.insn, k.message), bpfplay: describe(rep.accepted, ours?.insn ?? -1, ours?.message ?? '') });
    }
    if (!k.accepted && !k.truncated) {
      s.rejects++;
      if (!rep.accepted && ours) {
        // The kernel's index is the last instruction line of its log: for errors raised before an
        // instruction is printed (prune-point checks, unprintable instructions) that is the previous one.
        const prev = rep.errorPath.length >= 2 && rep.errorPath[rep.errorPath.length - 1] === ours.insn ? rep.errorPath[rep.errorPath.length - 2] : rep.errorPath[rep.errorPath.length - 1];
        const insnOk = k.insn === -1 || k.insn === ours.insn || k.insn === prev;
        const msgOk = k.message === ours.message;
        if (insnOk && msgOk) s.rejectsExact++;
        else s.disagreements.push({ id: e.id, kind: msgOk ? 'insn' : 'message', kernel: describe(false, k.insn, k.message), bpfplay: describe(false, ours.insn, ours.message) });
      }
    }
  }
  return s;
}
