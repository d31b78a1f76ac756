// bpfplay's log_level 2 log, line by line, against the Linux 6.18 kernel's log for the same programs
// (testdata/verifier/kernel-log2.jsonl, recorded with log_level 1|2|4 by
// scripts/record-verifier-goldens.stats.ts: a loop over a spilled counter, and a branch whose spilled
// value becomes a variable stack offset). These logs exercise the "Live regs before insn:" listing,
// the SCC enter/exit lines, mark_precise backtracking through spills and parent checkpoints, the state
// lines printed after a precision walk, propagation on a pruning hit and the statistics lines.
// Normalised before comparing, because they cannot match:
// - the lines of 6.18's path-insensitive live stack slot analysis (kernel/bpf/liveness.c: `(0) frame 0
//   insn 6 +written -8`, `(0) live stack update done in 3 iterations`), which bpfplay does not implement;
// - the number in `verification time N usec` (a wall-clock measurement; bpfplay prints the time of the
//   clock it is given, here a fake one).
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { assemble } from '../asm/index';
import { verify } from './index';

const file = path.resolve(import.meta.dirname, '../../testdata/verifier/kernel-log2.jsonl');
const records: { id: string; type: string; source: string; accepted: boolean; log: string; kernel: string }[] = existsSync(file)
  ? readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as never)
  : [];

const LIVE_STACK = /^\(\d+(,\d+)*\) (frame \d+ insn \d+ |live stack update done)/;

function normalise(log: string): string[] {
  return log
    .split('\n')
    .filter((l) => !LIVE_STACK.test(l))
    .map((l) => l.replace(/^verification time \d+ usec$/, 'verification time N usec'));
}

describe('level-2 log against the kernel', () => {
  it('has recordings', () => {
    expect(records.length).toBeGreaterThanOrEqual(2);
  });
  for (const r of records) {
    it(`${r.id} (Linux ${r.kernel})`, () => {
      const a = assemble(r.source, { syntax: 'llvm' });
      expect(a.program).toBeTruthy();
      let t = 0;
      const rep = verify({ ...a.program!, progType: r.type }, { progType: r.type, logLevel: 2, logStats: true, clock: () => (t += 7) });
      expect(rep.accepted).toBe(r.accepted);
      expect(normalise(rep.log)).toEqual(normalise(r.log));
    });
  }
});
