// bpf_trace_printk: formats and return values, checked against the running kernel when it can be used
// (the program runs under BPF_PROG_TEST_RUN and the text is read back from a tracefs instance's `trace`),
// plus the cases where the kernel's answer is -EINVAL.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Slot } from '../isa/insn';
import type { Program } from '../isa/program';
import { writeElf } from '../elf/write';
import { bpftoolPath, kernelOracle } from '../testing/kernel';
import { createVm, runFast } from '../vm';
import { CTX_BASE, PACKET_BASE } from '../vm/memory';
import { EXIT, ins as I, lddw, prog } from '../vm/testprog';

/** Program: fmt at r10-64, the string "hello" at r10-80, r3..r5 = args (a string arg is the pointer). */
function printkProg(fmt: string, args: (bigint | 'str')[]): Program {
  const bytes = new Uint8Array(64);
  for (let i = 0; i < fmt.length; i++) bytes[i] = fmt.charCodeAt(i);
  const size = fmt.length + 1;
  const s: (Slot | Slot[])[] = [];
  for (let off = 0; off < 64; off += 8) {
    let v = 0n;
    for (let b = 7; b >= 0; b--) v = (v << 8n) | BigInt(bytes[off + b]!);
    s.push(lddw(1, v), I('stxdw', { dst: 10, src: 1, off: -64 + off }));
  }
  s.push(lddw(1, 0x6f6c6c6568n), I('stxdw', { dst: 10, src: 1, off: -80 }));
  args.forEach((a, k) => {
    if (a === 'str') s.push(I('mov64_reg', { dst: 3 + k, src: 10 }), I('add64_imm', { dst: 3 + k, imm: -80 }));
    else s.push(lddw(3 + k, a));
  });
  s.push(I('mov64_reg', { dst: 1, src: 10 }), I('add64_imm', { dst: 1, imm: -64 }), I('mov64_imm', { dst: 2, imm: size }), I('call', { imm: 6 }), EXIT);
  return { ...prog(...s), progType: 'xdp', license: 'GPL' };
}

const env = (p: Program) => ({
  program: p,
  regions: [{ name: 'ctx', kind: 'ctx' as const, base: CTX_BASE, bytes: new Uint8Array(24) }, { name: 'packet', kind: 'packet' as const, base: PACKET_BASE, bytes: new Uint8Array(64) }],
});

const CASES: [string, (bigint | 'str')[]][] = [
  ['A%d %u %x', [-5n, -5n, 0xdeadbeefcafen]],
  ['B%ld %lu %lx', [-5n, -5n, 0xdeadbeefcafen]],
  ['C%lld %llu %llX', [0x8000000000000000n, 0xffffffffffffffffn, 0xabcdefn]],
  ['D%5d|%-5d|%05d', [42n, 42n, -42n]],
  ['E%c%c%c', [0x41n, 0x42n, 0x143n]],
  ['F%s|%%|%i', ['str', -1n]],
  ['G%+d % d %X', [7n, 7n, 0xbeefn]],
  ['H%d%d%d%d', [1n, 2n, 3n]],
  ['I%q', [1n]],
  ['J%.2d', [1n]],
  ['K%10s|%-8x|', ['str', 0x1fn]],
  ['L%08lx', [0x1234n]],
  ['M%p %px', [0n, 0x1234n]],
];

describe('trace_printk', () => {
  it('formats and returns the length', () => {
    const r = runFast(env(printkProg('A%d %u %x', [-5n, -5n, 0xdeadbeefcafen])));
    expect(r.outputs).toEqual([{ kind: 'trace_printk', text: 'A-5 4294967291 beefcafe' }]);
    expect(r.r0).toBe(23n);
  });
  it('%p prints a hashed id as the kernel does (zeros for NULL), %px the address', () => {
    const r = runFast(env(printkProg('%p|%pK|%px', [0xffff888012345678n, 0xffff888012345678n, 0xffff888012345678n])));
    const t = (r.outputs[0] as { text: string }).text;
    expect(t).toMatch(/^00000000[0-9a-f]{8}\|00000000[0-9a-f]{8}\|ffff888012345678$/);
    expect(runFast(env(printkProg('%p', [0n]))).outputs).toEqual([{ kind: 'trace_printk', text: '0000000000000000' }]);
  });
  it('-EINVAL for conversions the kernel rejects, with no output', () => {
    for (const f of ['%q', '%.2d', '%d%d%d%d', '%pQ']) {
      const r = runFast(env(printkProg(f, [1n, 2n, 3n])));
      expect(r.r0, f).toBe(BigInt.asUintN(64, -22n));
      expect(r.outputs).toEqual([]);
    }
  });
  it('back-step removes the output', () => {
    const { vm } = createVm(env(printkProg('x%d', [1n])));
    vm!.run();
    expect(vm!.state().outputs.length).toBe(1);
    vm!.back();
    vm!.back();
    expect(vm!.state().outputs.length).toBe(0);
  });

  const oracle = kernelOracle();
  it.skipIf(!oracle.ok)(`agrees with the kernel (${oracle.reason || 'kernel available'})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'bpfplay-printk-'));
    const tfs = join(dir, 'tracefs');
    mkdirSync(tfs);
    const bt = bpftoolPath();
    writeFileSync(join(dir, 'pkt'), new Uint8Array(64));
    let mounted = false;
    try {
      try {
        execFileSync('mount', ['-t', 'tracefs', 'nodev', tfs], { stdio: 'pipe' });
        mounted = true;
      } catch (e) {
        console.log(`trace_printk kernel comparison not run: cannot mount tracefs (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
        return;
      }
      if (readFileSync(join(tfs, 'tracing_on'), 'utf8').trim() !== '1') {
        console.log('trace_printk kernel comparison not run: tracing is switched off (tracing_on = 0)');
        return;
      }
      // bpf_trace_printk writes to the top-level buffer; read it and keep only our markers' lines.
      const marker = `P${process.pid % 10000}`;
      const results = CASES.map(([fmt, args], k) => {
        const f = `${marker}${fmt}`;
        const p = printkProg(f, args);
        const obj = join(dir, `p${k}.o`);
        const pin = `/sys/fs/bpf/bpfplay_printk_${process.pid}_${k}`;
        writeFileSync(obj, writeElf(p, { section: 'xdp', license: 'GPL' }));
        try {
          execFileSync(bt, ['prog', 'load', obj, pin, 'type', 'xdp'], { stdio: 'pipe' });
          const out = JSON.parse(execFileSync(bt, ['-j', 'prog', 'run', 'pinned', pin, 'data_in', join(dir, 'pkt')], { stdio: 'pipe' }).toString()) as { retval: number };
          return { f, p, retval: out.retval >>> 0 };
        } finally {
          rmSync(pin, { force: true });
        }
      });
      const trace = readFileSync(join(tfs, 'trace'), 'utf8');
      for (const { f, p, retval } of results) {
        const ours = runFast(env(p));
        const line = trace.split('\n').find((l) => l.includes(`bpf_trace_printk: ${f.slice(0, marker.length + 1)}`));
        if (ours.outputs.length === 0) {
          expect(line, f).toBeUndefined();
        } else {
          expect(line, `${f}: no kernel line`).toBeDefined();
          const text = line!.slice(line!.indexOf('bpf_trace_printk: ') + 'bpf_trace_printk: '.length);
          expect(text, f).toBe((ours.outputs[0] as { text: string }).text);
        }
        expect(ours.retval, f).toBe(retval);
      }
    } finally {
      if (mounted) execFileSync('umount', [tfs], { stdio: 'pipe' });
      if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    }
  });
});
