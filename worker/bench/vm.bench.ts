// VM benchmark: instructions per second of an ALU loop on the fast path (runFast, generated code) and
// on the stepping path (vm.step() with full effect records), and, when the kernel can be used
// (kernelOracle), the same program under BPF_PROG_TEST_RUN via `bpftool prog run ... repeat N`,
// reported as a ratio. The kernel side loads an ELF written by worker/elf/write.ts.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { assembleUbpf } from '../asm/ubpf/assemble';
import type { Program } from '../isa/program';
import { bpftoolPath, kernelOracle } from '../testing/kernel';
import { createRunner, createVm, runFast } from '../vm';
import { PACKET_BASE } from '../vm/memory';
import { setCodegen } from '../vm/compile';
import type { Bench } from './types';

const ITER = 100_000; // the kernel verifier walks every iteration: 5 insns x 100k stays under its 1M limit

function aluLoop(iter: number): Program {
  const r = assembleUbpf(
    [
      'mov %r0, 0',
      `mov %r1, ${iter}`,
      'loop:',
      'add %r0, %r1',
      'xor %r0, 0x55',
      'lsh %r0, 1',
      'sub %r1, 1',
      'jne %r1, 0, loop',
      'exit',
    ].join('\n'),
  );
  if (!r.program) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
  return r.program;
}

const bench: Bench = {
  name: 'vm: ALU loop',
  async run(report) {
    const prog = aluLoop(ITER);
    const insnsPerRun = 2 + 5 * ITER + 1;
    // Fast path.
    const check = runFast({ program: prog });
    if (check.fault || check.insns !== insnsPerRun) throw new Error(`unexpected run: ${JSON.stringify({ fault: check.fault, insns: check.insns })}`);
    for (let k = 0; k < 5; k++) runFast({ program: prog }); // warm-up
    let runs = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 2000) {
      runFast({ program: prog });
      runs++;
    }
    const secs = (performance.now() - t0) / 1000;
    const fastIps = (runs * insnsPerRun) / secs;
    report(`runFast: ${(fastIps / 1e6).toFixed(1)} M insns/s (${runs} runs of ${insnsPerRun} insns in ${secs.toFixed(2)} s; target >= 150 M)`);
    // The plain interpreter (what runs where eval is forbidden).
    setCodegen(false);
    try {
      const small0 = aluLoop(20_000);
      const i0 = performance.now();
      let ir = 0;
      while (performance.now() - i0 < 1000) { runFast({ program: small0 }); ir++; }
      const is = (performance.now() - i0) / 1000;
      report(`runFast without generated code (interp.ts fallback): ${((ir * (2 + 5 * 20_000 + 1)) / is / 1e6).toFixed(1)} M insns/s`);
    } finally {
      setCodegen(true);
    }
    // Repeated runs of a tiny program on one machine (cli run --repeat).
    {
      const tiny = aluLoop(1);
      const { runner } = createRunner({ program: tiny });
      const t0r = performance.now();
      let k = 0;
      while (performance.now() - t0r < 500) { runner!.run(); k++; }
      report(`createRunner: ${((performance.now() - t0r) * 1000 / k).toFixed(3)} us per run of an ${2 + 5 + 1}-insn program`);
    }
    // Stepping path.
    const small = aluLoop(20_000);
    const { vm } = createVm({ program: small, historyBytes: 16 * 1024 * 1024 });
    if (!vm) throw new Error('createVm failed');
    const s0 = performance.now();
    const steps = vm.run();
    const ss = (performance.now() - s0) / 1000;
    report(`step(): ${(steps / ss / 1e6).toFixed(2)} M insns/s (${steps} steps with records in ${ss.toFixed(2)} s)`);
    const hi = vm.historyInfo();
    report(`history: ${(hi.bytes / steps).toFixed(0)} bytes per step (${(hi.bytes / 1048576).toFixed(1)} MiB for ${steps} steps), ${hi.checkpoints} checkpoints`);
    const b0 = performance.now();
    let backs = 0;
    while (backs < 20_000 && vm.back()) backs++;
    const bs = (performance.now() - b0) / 1000;
    report(`back(): ${(backs / bs / 1e6).toFixed(2)} M steps/s (${backs} back-steps)`);

    // Kernel.
    const k = kernelOracle();
    if (!k.ok) return report(`kernel: skipped (${k.reason})`);
    const writePath = join(import.meta.dirname ?? '.', '../elf/write.ts');
    if (!existsSync(writePath)) return report('kernel: skipped (worker/elf/write.ts, the ELF writer, is not there)');
    const { writeElf } = (await import(pathToFileURL(writePath).href)) as { writeElf: (p: Program, o: { section?: string; license?: string }) => Uint8Array };
    const dir = mkdtempSync(join(tmpdir(), 'bpfplay-bench-'));
    const pin = `/sys/fs/bpf/bpfplay_bench_${process.pid}`;
    try {
      writeFileSync(join(dir, 'p.o'), writeElf({ ...prog, progType: 'xdp' }, { section: 'xdp', license: 'GPL' }));
      writeFileSync(join(dir, 'pkt'), new Uint8Array(64));
      const bt = bpftoolPath();
      execFileSync(bt, ['prog', 'load', join(dir, 'p.o'), pin, 'type', 'xdp'], { stdio: 'pipe' });
      const repeat = 2000;
      const out = execFileSync(bt, ['-j', 'prog', 'run', 'pinned', pin, 'data_in', join(dir, 'pkt'), 'repeat', String(repeat)], { stdio: 'pipe' }).toString();
      const j = JSON.parse(out) as { retval: number; duration: number };
      const ours = runFast({ program: prog, regions: [{ name: 'packet', kind: 'packet', base: PACKET_BASE, bytes: new Uint8Array(64) }] });
      const kernelIps = insnsPerRun / (j.duration * 1e-9);
      report(`kernel BPF_PROG_TEST_RUN (JIT, xdp, repeat ${repeat}): ${j.duration} ns per run = ${(kernelIps / 1e6).toFixed(0)} M insns/s; retval ${j.retval} (bpfplay: ${ours.retval}${ours.retval === j.retval ? ', same' : ', DIFFERENT'})`);
      report(`ratio: bpfplay runFast is ${(fastIps / kernelIps).toFixed(3)}x the kernel (kernel is ${(kernelIps / fastIps).toFixed(1)}x faster)`);
    } catch (e) {
      report(`kernel: failed (${e instanceof Error ? e.message.split('\n').slice(0, 3).join(' | ') : String(e)})`);
    } finally {
      try { rmSync(pin, { force: true }); } catch { /* not pinned */ }
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default bench;
