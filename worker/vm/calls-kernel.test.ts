// bpf-to-bpf calls against BPF_PROG_TEST_RUN: each callee gets its own stack frame and r10, the caller's
// r6-r9 and stack survive the call, a callee can read the caller's stack through a pointer argument, and
// calls nest. The ELF (with .text sub-programs) comes from worker/elf/write.ts; skips with the reason
// when the kernel cannot be used.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Program } from '../isa/program';
import { writeElf } from '../elf/write';
import { bpftoolPath, kernelOracle } from '../testing/kernel';
import { CTX_BASE, PACKET_BASE } from './memory';
import { createVm, runFast } from './vm';
import { EXIT, ins as I, prog } from './testprog';

// main (0-9), sub1 (10-18), sub2 (19-22)
const P: Program = {
  ...prog(
    I('mov64_imm', { dst: 6, imm: 5 }), // 0
    I('stdw', { dst: 10, off: -8, imm: 100 }), // 1
    I('mov64_imm', { dst: 1, imm: 7 }), // 2
    I('mov64_reg', { dst: 2, src: 10 }), // 3
    I('add64_imm', { dst: 2, imm: -8 }), // 4
    I('call_local', { imm: 4 }), // 5 -> 10
    I('add64_reg', { dst: 0, src: 6 }), // 6
    I('ldxdw', { dst: 1, src: 10, off: -8 }), // 7
    I('add64_reg', { dst: 0, src: 1 }), // 8
    EXIT, // 9
    // sub1(r1 = 7, r2 = &caller[-8])
    I('stdw', { dst: 10, off: -8, imm: 1000 }), // 10
    I('ldxdw', { dst: 7, src: 2, off: 0 }), // 11: caller's 100
    I('mov64_imm', { dst: 6, imm: 77 }), // 12: clobbers r6 in the callee only
    I('mul64_imm', { dst: 1, imm: 3 }), // 13
    I('call_local', { imm: 4 }), // 14 -> 19
    I('ldxdw', { dst: 3, src: 10, off: -8 }), // 15: own 1000
    I('add64_reg', { dst: 0, src: 3 }), // 16
    I('add64_reg', { dst: 0, src: 7 }), // 17
    EXIT, // 18
    // sub2(r1 = 21)
    I('add64_imm', { dst: 1, imm: 1 }), // 19
    I('stxdw', { dst: 10, src: 1, off: -16 }), // 20
    I('ldxdw', { dst: 0, src: 10, off: -16 }), // 21
    EXIT, // 22
  ),
  license: 'GPL',
};

const env = () => ({ program: P, regions: [{ name: 'ctx', kind: 'ctx' as const, base: CTX_BASE, bytes: new Uint8Array(24) }, { name: 'packet', kind: 'packet' as const, base: PACKET_BASE, bytes: new Uint8Array(64) }] });

describe('bpf-to-bpf calls', () => {
  it('frames, preserved registers, caller-stack pointers, nesting', () => {
    const r = runFast(env());
    expect(r.fault).toBeNull();
    expect(r.r0).toBe(22n + 1000n + 100n + 5n + 100n);
    const { vm } = createVm(env());
    vm!.run();
    expect(vm!.result().r0).toBe(r.r0);
  });

  const oracle = kernelOracle();
  it.skipIf(!oracle.ok)(`agree with BPF_PROG_TEST_RUN (${oracle.reason || 'kernel available'})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'bpfplay-calls-'));
    const pin = `/sys/fs/bpf/bpfplay_calls_${process.pid}`;
    const bt = bpftoolPath();
    try {
      writeFileSync(join(dir, 'pkt'), new Uint8Array(64));
      writeFileSync(join(dir, 'p.o'), writeElf(P, { section: 'xdp', license: 'GPL' }));
      execFileSync(bt, ['prog', 'load', join(dir, 'p.o'), pin, 'type', 'xdp'], { stdio: 'pipe' });
      const out = JSON.parse(execFileSync(bt, ['-j', 'prog', 'run', 'pinned', pin, 'data_in', join(dir, 'pkt')], { stdio: 'pipe' }).toString()) as { retval: number };
      expect(runFast(env()).retval).toBe(out.retval >>> 0);
    } finally {
      rmSync(pin, { force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

