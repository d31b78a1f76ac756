// Verifier speed: instructions processed per second over the generated verifier corpus, and the time
// to reject a program that reaches the 1,000,000 processed-instruction limit with the kernel's message.
import type { Bench } from './types';
import { assemble } from '../asm/index';
import { generatedCorpus } from '../verifier/corpus';
import { verify } from '../verifier/index';
import type { Program } from '../isa/program';

const bench: Bench = {
  name: 'verifier',
  run(report) {
    const progs: { p: Program; type: string }[] = [];
    for (const c of generatedCorpus()) {
      const a = assemble(c.source, { syntax: 'llvm' });
      if (a.program) progs.push({ p: a.program, type: c.type });
    }
    // The corpus minus programs that hit the complexity limit (measured separately below).
    // CPU time as well as wall time: on a shared machine the wall clock also counts other processes.
    const cpu = (): number => process.cpuUsage().user / 1e6;
    let insns = 0;
    let t0 = performance.now();
    let c0 = cpu();
    let n = 0;
    for (const { p, type } of progs) {
      const r = verify(p, { progType: type, logLevel: 0, statesPerInsn: 0, maxProcessed: 100_000 });
      insns += r.processed;
      n++;
    }
    let sec = (performance.now() - t0) / 1000;
    let csec = cpu() - c0;
    report(`corpus: ${n} programs, ${insns} instructions processed in ${sec.toFixed(2)} s = ${Math.round(insns / sec).toLocaleString('en-US')} insns/s (log off; cpu ${csec.toFixed(2)} s = ${Math.round(insns / csec).toLocaleString('en-US')} insns/s)`);
    insns = 0;
    t0 = performance.now();
    c0 = cpu();
    for (const { p, type } of progs) insns += verify(p, { progType: type, logLevel: 2, statesPerInsn: 8, maxProcessed: 100_000 }).processed;
    sec = (performance.now() - t0) / 1000;
    csec = cpu() - c0;
    report(`corpus with log level 2 and UI states: ${Math.round(insns / sec).toLocaleString('en-US')} insns/s (cpu: ${Math.round(insns / csec).toLocaleString('en-US')} insns/s)`);

    const loop = assemble('  r0 = 0\nl:\n  r0 += 1\n  if r0 != 0 goto l\n  exit\n', { syntax: 'llvm' }).program!;
    t0 = performance.now();
    c0 = cpu();
    const r = verify(loop, { progType: 'socket_filter', logLevel: 0, statesPerInsn: 0 });
    sec = (performance.now() - t0) / 1000;
    csec = cpu() - c0;
    report(`1M-limit program: ${r.error?.message ?? 'accepted?!'} at insn ${r.error?.insn} in ${sec.toFixed(2)} s, cpu ${csec.toFixed(2)} s (target < 10 s)`);
  },
};

export default bench;
