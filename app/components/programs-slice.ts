// The programs slice of the store: for sources that define several programs (tail calls through a
// prog_array) — which program the editor area shows (it follows the step shown into the program a tail
// call reached), the verifier reports of the other programs (fetched when first shown), and the
// tail-call / bpf-to-bpf call marks of the recorded run for the timeline. It holds no inputs: all of it is
// derived from the build, the verification and the packet being stepped.
import type { TimelineMark, VerifierReport } from '../../worker/api/types';
import { call } from '../engine/client';
import type { Store } from '../store';

export interface ProgramsSlice {
  /** Index of the program the program switcher shows (0 = the one inputs enter). */
  viewProgram: number;
  /** Verifier reports of programs other than 0, by index, once fetched. */
  programReports: Record<number, VerifierReport>;
  /** Call and tail-call boundaries of the recorded run. */
  marks: TimelineMark[];
  showProgram(k: number): Promise<void>;
}

export const createProgramsSlice = (set: (p: Partial<Store>) => void, get: () => Store): ProgramsSlice => ({
  viewProgram: 0,
  programReports: {},
  marks: [],
  async showProgram(k) {
    set({ viewProgram: k });
    if (k === 0 || get().programReports[k]) return;
    const report = get().report;
    try {
      const r = await call('fetching a verifier report', (e) => e.verifierReport(k));
      if (r && get().report === report) set({ programReports: { ...get().programReports, [k]: r } });
    } catch {
      /* the switcher still shows the verdict from the summary */
    }
  },
});

/** The verifier report of the program shown (program 0's is the store's `report`). */
export function selectViewReport(s: Store): VerifierReport | null {
  return s.viewProgram === 0 ? s.report : s.programReports[s.viewProgram] ?? null;
}

/** Keeps the switcher on the program the step shown is in, and drops stale per-program state. */
export function followPrograms(s: Store, prev: Store, set: (p: Partial<Store>) => void): void {
  if (s.report !== prev.report && Object.keys(s.programReports).length) set({ programReports: {} });
  const n = s.build?.programs?.length ?? 1;
  if (s.build !== prev.build && s.viewProgram >= n) set({ viewProgram: 0 });
  const p = s.frame?.prog ?? 0;
  if (s.frame && s.frame !== prev.frame && p !== (prev.frame?.prog ?? 0) && p !== s.viewProgram) void s.showProgram(p);
  else if (s.frame && prev.frame === null && p !== s.viewProgram) void s.showProgram(p);
}
