// Soundness of the abstract interpretation against the interpreter: for many generated programs that
// bpfplay accepts, run them on the VM (worker/vm) with several seeds (the random inputs come from
// bpf_get_prandom_u32) and check that (1) the VM never faults and (2) at every executed step, every
// scalar register the instruction reads holds a value inside one of the abstract states the verifier
// recorded for that instruction (tnum and all eight bounds), the states coming from a run that prunes
// only on fully covered states (allPrecise), whose verdict must equal the precision-tracking one.
import { describe, expect, it } from 'vitest';
import { assemble } from '../asm/index';
import { createVm } from '../vm/index';
import '../helpers/index';
import '../maps/index';
import { verify } from './index';
import { scalarContains } from './bounds';
import type { StateView } from './state';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OPS = ['&=', '|=', '^=', '+=', '-=', '*=', '<<=', '>>=', 's>>=', '/=', '%=', '='];
const CONDS = ['>', '>=', '<', '<=', 's>', 's>=', 's<', 's<=', '==', '!=', '&'];

/** A random straight-line-plus-branches program over r0, r6-r9 with random inputs and a map access. */
function genProgram(r: () => number): string {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const imm = (): number => pick([0, 1, 2, 3, 7, 8, 15, 16, 31, 63, 64, 255, -1, -8, 0x7fffffff, -0x80000000, Math.floor(r() * 1000)]);
  let s = '.map arr array key=4 value=64 entries=1\n  call 7\n  r6 = r0\n  call 7\n  r7 = r0\n  r8 = 5\n  r9 = -3\n';
  const n = 3 + Math.floor(r() * 10);
  for (let k = 0; k < n; k++) {
    const w = r() < 0.3 ? 'w' : 'r';
    const d = pick([6, 7, 8, 9]);
    const c = r();
    if (c < 0.55) {
      const op = pick(OPS);
      const shift = op.includes('<<') || op.includes('>>');
      const src = shift ? String(Math.floor(r() * (w === 'w' ? 32 : 64))) : r() < 0.4 ? `${w}${pick([6, 7, 8, 9])}` : String(imm());
      if ((op === '/=' || op === '%=') && src === '0') continue;
      s += `  ${w}${d} ${op} ${src}\n`;
    } else if (c < 0.8) {
      s += `  if ${w}${d} ${pick(CONDS)} ${r() < 0.5 ? imm() : `${w}${pick([6, 7, 8, 9])}`} goto L${k}\n  ${w}${d} ${pick(OPS.slice(0, 6))} ${imm()}\nL${k}:\n`;
    } else {
      s += `  r${d} = -r${d}\n`;
    }
  }
  s += '  *(u32 *)(r10 - 4) = 0\n  r2 = r10\n  r2 += -4\n  r1 = arr ll\n  call 1\n  if r0 == 0 goto out\n';
  s += `  r6 &= 63\n  r0 += r6\n  r0 = *(u8 *)(r0 + 0)\n`;
  s += 'out:\n  r0 = r7\n  exit\n';
  return s;
}

function inSomeState(views: StateView[], reg: number, v: bigint): boolean | null {
  let anyScalar = false;
  for (const view of views) {
    const rv = view.regs.find((x) => x.regno === reg);
    if (!rv) continue;
    if (rv.type !== 'scalar') return null; // a pointer in some state: not a scalar check
    anyScalar = true;
    if (scalarContains({ varOff: { value: rv.value, mask: rv.mask }, umin: rv.umin, umax: rv.umax, smin: rv.smin, smax: rv.smax, u32min: rv.u32min, u32max: rv.u32max, s32min: rv.s32min, s32max: rv.s32max }, v)) return true;
  }
  return anyScalar ? false : null;
}

describe('verifier soundness against the VM', () => {
  it('concrete register values stay inside the abstract states (10,000 programs)', () => {
    const r = rng(42);
    const N = Number(process.env.SOUND_N ?? 10_000);
    let accepted = 0;
    let steps = 0;
    let checked = 0;
    for (let p = 0; p < N; p++) {
      const src = genProgram(r);
      const asm = assemble(src, { syntax: 'llvm' });
      expect(asm.program, src).not.toBeNull();
      const prog = asm.program!;
      // Pruning on precise scalars only (the kernel's way) decides the verdict; the states to check
      // concrete values against come from a run that prunes only on fully covered states, since a
      // path pruned on an imprecise scalar legitimately carries values outside the stored state.
      const verdict = verify(prog, { progType: 'socket_filter', logLevel: 0, statesPerInsn: 0 });
      const rep = verify(prog, { progType: 'socket_filter', logLevel: 0, statesPerInsn: 10_000, allPrecise: true });
      expect(verdict.accepted, `precision tracking changed the verdict of program ${p} (${JSON.stringify(rep.error)} vs ${JSON.stringify(verdict.error)})\n${src}`).toBe(rep.accepted);
      if (!rep.accepted) continue;
      accepted++;
      for (let seed = 1; seed <= 1; seed++) {
        const { vm } = createVm({ program: prog, seed: p * 7 + seed, budget: 10_000 });
        expect(vm).not.toBeNull();
        for (;;) {
          const st = vm!.step();
          if (!st.ran) break;
          steps++;
          for (const rd of st.reads) {
            const ok = inSomeState(rep.states[st.pc] ?? [], rd.reg, rd.value);
            if (ok === null) continue;
            checked++;
            if (!ok) expect.fail(`program ${p} seed ${seed}: insn ${st.pc} reads r${rd.reg}=${rd.value} outside every verifier state\n${src}\n${(rep.states[st.pc] ?? []).map((v) => v.regs.find((x) => x.regno === rd.reg)?.text).join(' | ')}`);
          }
          if (st.done) {
            if (st.done.kind === 'fault') expect.fail(`program ${p}: VM fault on a verified program: ${st.done.message}\n${src}`);
            break;
          }
        }
      }
    }
    console.log(`soundness: ${accepted} accepted programs of ${N}, ${steps} steps, ${checked} register reads checked`);
    expect(accepted).toBeGreaterThan(N / 2);
  }, 300_000);
});
