// The verifier's public face: `verify(program, opts)` returns a VerifierReport — the Linux 6.18
// verifier's verdict, first error (instruction index and the kernel's message), processed-instruction
// count, a log in the kernel's log_level 1/2 format, per-instruction abstract states, explored paths
// and the failing path. Plain data only. It never throws: internal faults become a located error.
// The work is in check.ts (walk), bounds.ts/tnum.ts (scalar domain), state.ts (state and printing).

import type { Program } from '../isa/program';
import { verifyProgram, type VerifierReport, type VerifyOptions, type PathInfo } from './check';

export type { VerifierReport, VerifyOptions, PathInfo };
export type { StateView, RegView, StackSlotView } from './state';

export function verify(program: Program, opts: VerifyOptions): VerifierReport {
  try {
    return verifyProgram(program, opts);
  } catch (e) {
    const message = `bpfplay internal error: ${e instanceof Error ? e.message : String(e)}`;
    return {
      accepted: false, error: { insn: -1, message }, processed: 0, log: message + '\n', states: [], paths: [], errorPath: [],
      maxStatesPerInsn: 0, totalStates: 0, peakStates: 0, stackDepth: [],
    };
  }
}

/** The CLI's JSON contract: {"accepted", "error", "processed", "log"}. */
export function reportJson(r: VerifierReport): { accepted: boolean; error: null | { insn: number; message: string }; processed: number; log: string } {
  return { accepted: r.accepted, error: r.error, processed: r.processed, log: r.log };
}
