// The VM's contracts: division/shift edge cases, faults with locations, budget, bpf-to-bpf frames,
// tail calls (33-call limit), back-step and seek restoring state exactly (property tests on random
// programs), and step()/runFast agreement on random programs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Slot } from '../isa/insn';
import { programFromBytes, type MapDef, type Program } from '../isa/program';
import { createRunner, createVm, runFast, type Vm, type VmEnv } from './vm';
import { runRaw } from './raw';
import { CTX_BASE, MEM_BASE, PACKET_BASE, STACK_TOP } from './memory';
import { MAX_TAIL_CALL_CNT } from './machine';
import { setCodegen } from './compile';
import { EXIT, ins, lddw, prog } from './testprog';

const I = ins;

describe('arithmetic edge cases (kernel semantics)', () => {
  const cases: [string, Slot[], bigint][] = [
    ['div64 by 0 gives 0', [...lddw(0, 123n), I('mov64_imm', { dst: 1, imm: 0 }), I('div64_reg', { dst: 0, src: 1 })], 0n],
    ['mod64 by 0 leaves dst', [...lddw(0, 0xffffffff12345678n), I('mov64_imm', { dst: 1, imm: 0 }), I('mod64_reg', { dst: 0, src: 1 })], 0xffffffff12345678n],
    ['mod32 by 0 leaves the low half, zero-extended', [...lddw(0, 0xffffffff12345678n), I('mov64_imm', { dst: 1, imm: 0 }), I('mod32_reg', { dst: 0, src: 1 })], 0x12345678n],
    ['div32 by 0 gives 0', [...lddw(0, 0xffffffff12345678n), I('div32_imm', { dst: 0, imm: 0 })], 0n],
    ['sdiv64 INT_MIN / -1 = INT_MIN', [...lddw(0, 0x8000000000000000n), I('sdiv64_imm', { dst: 0, imm: -1 })], 0x8000000000000000n],
    ['smod64 INT_MIN % -1 = 0', [...lddw(0, 0x8000000000000000n), I('smod64_imm', { dst: 0, imm: -1 })], 0n],
    ['sdiv32 INT_MIN / -1 = INT_MIN', [I('mov32_imm', { dst: 0, imm: -0x80000000 }), I('sdiv32_imm', { dst: 0, imm: -1 })], 0x80000000n],
    ['smod32 -7 % 2 = -1 (zero-extended)', [I('mov32_imm', { dst: 0, imm: -7 }), I('smod32_imm', { dst: 0, imm: 2 })], 0xffffffffn],
    ['lsh64 by register masks the count (65 -> 1)', [I('mov64_imm', { dst: 0, imm: 1 }), I('mov64_imm', { dst: 1, imm: 65 }), I('lsh64_reg', { dst: 0, src: 1 })], 2n],
    ['rsh32 by register masks the count (33 -> 1)', [I('mov64_imm', { dst: 0, imm: -1 }), I('mov64_imm', { dst: 1, imm: 33 }), I('rsh32_reg', { dst: 0, src: 1 })], 0x7fffffffn],
    ['arsh32 sign-fills within 32 bits, zero-extends', [I('mov32_imm', { dst: 0, imm: -16 }), I('arsh32_imm', { dst: 0, imm: 2 })], 0xfffffffcn],
    ['add32 zero-extends', [I('mov64_imm', { dst: 0, imm: -1 }), I('add32_imm', { dst: 0, imm: 1 })], 0n],
    ['mov64 imm sign-extends', [I('mov64_imm', { dst: 0, imm: -2 })], 0xfffffffffffffffen],
    ['mov32 imm zero-extends', [I('mov32_imm', { dst: 0, imm: -2 })], 0xfffffffen],
    ['jmp imm is sign-extended: r0 = 0xffffffff is not == -1', [I('mov32_imm', { dst: 0, imm: -1 }), I('jeq_imm', { dst: 0, imm: -1, off: 1 }), I('ja', { off: 1 }), I('mov64_imm', { dst: 0, imm: 9 })], 0xffffffffn],
    ['jmp32 compares the low halves', [...lddw(0, 0x1234567800000005n), I('jeq32_imm', { dst: 0, imm: 5, off: 1 }), I('ja', { off: 1 }), I('mov64_imm', { dst: 0, imm: 9 })], 9n],
    ['movsx8 to 64', [I('mov64_imm', { dst: 1, imm: 0x80 }), I('movsx864', { dst: 0, src: 1 })], 0xffffffffffffff80n],
    ['movsx16 to 32 zero-extends', [I('mov64_imm', { dst: 1, imm: 0x8000 }), I('movsx1632', { dst: 0, src: 1 })], 0xffff8000n],
    ['be16 zero-extends', [...lddw(0, 0xffffffffffff1122n), I('be16', { dst: 0 })], 0x2211n],
    ['le32 truncates', [...lddw(0, 0xffffffff11223344n), I('le32', { dst: 0 })], 0x11223344n],
    ['bswap64', [...lddw(0, 0x0102030405060708n), I('bswap64', { dst: 0 })], 0x0807060504030201n],
    ['neg64 of INT_MIN', [...lddw(0, 0x8000000000000000n), I('neg64', { dst: 0 })], 0x8000000000000000n],
    ['mul64 wraps', [...lddw(0, 0xffffffffffffffffn), I('mul64_imm', { dst: 0, imm: -1 })], 1n],
    ['mul64 full low word', [...lddw(0, 0x123456789n), ...lddw(1, 0x987654321n), I('mul64_reg', { dst: 0, src: 1 })], BigInt.asUintN(64, 0x123456789n * 0x987654321n)],
  ];
  for (const [name, slots, want] of cases) {
    it(name, () => {
      const p = prog(slots, EXIT);
      expect(runFast({ program: p }).r0).toBe(want);
      const { vm } = createVm({ program: p });
      vm!.run();
      expect(vm!.result().r0).toBe(want);
    });
  }
});

describe('faults', () => {
  it('names the instruction, address, size and region', () => {
    const p = prog(I('mov64_imm', { dst: 0, imm: 0 }), I('stxdw', { dst: 10, src: 0, off: 0 }), EXIT);
    const r = runFast({ program: p });
    expect(r.fault?.insn).toBe(1);
    expect(r.fault?.message).toMatch(/write of 8 bytes at 0xffffc90000a40000/);
    expect(r.fault?.message).toMatch(/stack/);
    expect(r.insns).toBe(1);
  });
  it('catches a read past the end of mem with the offset', () => {
    const r = runRaw(prog(I('ldxw', { dst: 0, src: 1, off: 6 }), EXIT), { mem: new Uint8Array(8) });
    expect(r.fault).toEqual({ insn: 0, message: expect.stringMatching(/read of 4 bytes at 0xffff888130000006.*mem\+6 runs past the end of mem \(8 bytes\)/) });
  });
  it('refuses writes to read-only regions', () => {
    const env: VmEnv = { program: prog(I('stb', { dst: 1, off: 0, imm: 1 }), EXIT), regions: [{ name: 'packet', kind: 'packet', base: PACKET_BASE, bytes: new Uint8Array(4), writable: false }], initialRegs: { 1: PACKET_BASE } };
    expect(runFast(env).fault?.message).toMatch(/read-only region packet/);
  });
  it('does not let an access cross from one map value into the next', () => {
    const def: MapDef = { name: 'arr', type: 'array', keySize: 4, valueSize: 4, maxEntries: 4, flags: 0 };
    const p: Program = { ...prog(lddw(1, 0n, 2), I('ldxdw', { dst: 0, src: 1, off: 0 }), EXIT), maps: [def] };
    expect(runFast({ program: p }).fault?.message).toMatch(/crosses the end of a 4-byte value/);
  });
  it('NULL dereference', () => {
    expect(runFast({ program: prog(I('mov64_imm', { dst: 1, imm: 0 }), I('ldxb', { dst: 0, src: 1, off: 0 }), EXIT) }).fault?.message).toMatch(/NULL/);
  });
  it('falling off the end and jumping out of the program', () => {
    expect(runFast({ program: prog(I('mov64_imm', { dst: 0, imm: 0 })) }).fault).toEqual({ insn: 1, message: expect.stringMatching(/fell off the end/) });
    expect(runFast({ program: prog(I('ja', { off: 5 }), EXIT) }).fault?.message).toMatch(/bad jump target/);
  });
  it('jumping into the middle of ld_imm64', () => {
    expect(runFast({ program: prog(I('ja', { off: 1 }), lddw(0, 1n), EXIT) }).fault?.message).toMatch(/middle of an ld_imm64/);
  });
  it('the instruction budget stops an endless loop at the same count on both paths', () => {
    const p = prog(I('add64_imm', { dst: 0, imm: 1 }), I('ja', { off: -2 }), EXIT);
    const r = runFast({ program: p, budget: 1001 });
    expect(r.fault?.message).toMatch(/budget exhausted: 1001/);
    expect(r.insns).toBe(1001);
    const { vm } = createVm({ program: p, budget: 1001 });
    vm!.run();
    expect(vm!.result().fault).toEqual(r.fault);
    expect(vm!.state().regs[0]).toBe(501n);
    expect(runFast({ program: p }).insns).toBe(1_000_000);
  });
  it('an unknown helper is a fault naming the kernel helper', () => {
    expect(runFast({ program: prog(I('call', { imm: 74 }), EXIT) }).fault?.message).toMatch(/bpf_lwt_seg6_store_bytes \(74\) is not simulated/);
  });
});

describe('bpf-to-bpf calls', () => {
  it('gives each frame its own stack and r10', () => {
    // main: [r10-8] = 0x55; call f; r0 = [r10-8] + r0.   f: [r10-8] = 0x66; r0 = r10; exit
    const p = prog(
      I('stdw', { dst: 10, off: -8, imm: 0x55 }), I('call_local', { imm: 2 }), I('ldxdw', { dst: 1, src: 10, off: -8 }), EXIT,
      I('stdw', { dst: 10, off: -8, imm: 0x66 }), I('mov64_reg', { dst: 0, src: 10 }), EXIT,
    );
    const { vm } = createVm({ program: p });
    vm!.run();
    expect(vm!.state().regs[1]).toBe(0x55n);
    expect(vm!.state().regs[0]).toBe(STACK_TOP - 0x1000n);
  });
  it('stops at 8 frames', () => {
    const p = prog(I('call_local', { imm: -1 }), EXIT);
    const r = runFast({ program: p });
    expect(r.fault?.message).toMatch(/call stack overflow.*MAX_CALL_FRAMES/);
    expect(r.insns).toBe(7);
  });
});

describe('tail calls', () => {
  const pa: MapDef = { name: 'jmp', type: 'prog_array', keySize: 4, valueSize: 4, maxEntries: 4, flags: 0, initial: [{ key: '00000000', value: '00000000' }] };
  // r6 counts tail calls (kept across them); tail_call(ctx, &jmp, 0) re-enters the program itself.
  const self: Program = { ...prog(I('add64_imm', { dst: 6, imm: 1 }), lddw(2, 0n, 1), I('mov64_imm', { dst: 3, imm: 0 }), I('mov64_reg', { dst: 0, src: 6 }), I('call', { imm: 12 }), EXIT), maps: [pa] };
  it('allows 33 tail calls, then falls through with r0 unchanged', () => {
    const r = runFast({ program: self });
    expect(r.fault).toBeNull();
    expect(r.r0).toBe(BigInt(MAX_TAIL_CALL_CNT + 1));
    const { vm } = createVm({ program: self });
    let last;
    while (!vm!.done) { const rec = vm!.step(); if (rec.helper) last = rec.helper; }
    expect(last?.tailCall).toEqual({ ok: false, prog: null, count: 33 });
    expect(vm!.result().r0).toBe(r.r0);
  });
  it('an empty slot or an index past max_entries falls through', () => {
    const p: Program = { ...prog(lddw(2, 0n, 1), I('mov64_imm', { dst: 3, imm: 9 }), I('mov64_imm', { dst: 0, imm: 7 }), I('call', { imm: 12 }), EXIT), maps: [{ ...pa, initial: [] }] };
    expect(runFast({ program: p }).r0).toBe(7n);
  });
  it('jumps into another program keeping registers', () => {
    const target = prog(I('mov64_reg', { dst: 0, src: 1 }), I('add64_imm', { dst: 0, imm: 1 }), EXIT);
    const main: Program = { ...prog(lddw(2, 0n, 1), I('mov64_imm', { dst: 3, imm: 1 }), I('call', { imm: 12 }), I('mov64_imm', { dst: 0, imm: 0 }), EXIT), maps: [{ ...pa, initial: [{ key: '01000000', value: '01000000' }] }] };
    const ctx = new Uint8Array(16);
    const r = runFast({ program: main, programs: [main, target], regions: [{ name: 'ctx', kind: 'ctx', base: CTX_BASE, bytes: ctx }] });
    expect(r.r0).toBe(CTX_BASE + 1n);
  });
});

describe('createRunner (repeat)', () => {
  it('runs again from insn 0 with memory carried over, as test_run repeat does', () => {
    // packet[0] += 1; r0 = packet[0] + ktime delta check
    const p = prog(I('ldxb', { dst: 2, src: 1, off: 0 }), I('add64_imm', { dst: 2, imm: 1 }), I('stxb', { dst: 1, src: 2, off: 0 }), I('mov64_reg', { dst: 0, src: 2 }), EXIT);
    const pkt = new Uint8Array(4);
    const { runner } = createRunner({ program: p, regions: [{ name: 'packet', kind: 'packet', base: PACKET_BASE, bytes: pkt }], initialRegs: { 1: PACKET_BASE } });
    for (let k = 1; k <= 5; k++) {
      const r = runner!.run();
      expect(r.r0).toBe(BigInt(k));
      expect(r.insns).toBe(5);
    }
    expect(pkt[0]).toBe(5);
    const bad = createRunner({ program: { ...p, maps: [{ name: 'x', type: 'nope', keySize: 4, valueSize: 4, maxEntries: 1, flags: 0 }] } });
    expect(bad.runner).toBeNull();
    expect(bad.diagnostics[0]?.message).toMatch(/not simulated/);
  });
});

describe('ctx pointer fields', () => {
  it('loading __sk_buff.data / data_end gives packet addresses', () => {
    const pkt = new Uint8Array(60);
    pkt[12] = 0x08;
    const p = prog(I('ldxw', { dst: 2, src: 1, off: 76 }), I('ldxw', { dst: 3, src: 1, off: 80 }), I('mov64_reg', { dst: 0, src: 3 }), I('sub64_reg', { dst: 0, src: 2 }), I('ldxb', { dst: 4, src: 2, off: 12 }), I('add64_reg', { dst: 0, src: 4 }), EXIT);
    const env: VmEnv = {
      program: p,
      regions: [
        { name: 'ctx', kind: 'ctx', base: CTX_BASE, bytes: new Uint8Array(192), ptrFields: [{ off: 76, size: 4, target: 'packet' }, { off: 80, size: 4, target: 'packet_end' }] },
        { name: 'packet', kind: 'packet', base: PACKET_BASE, bytes: pkt },
      ],
    };
    expect(runFast(env).r0).toBe(60n + 8n);
  });
});

// ---- random programs ------------------------------------------------------------------------------
const aluIds = ['add', 'sub', 'mul', 'div', 'sdiv', 'or', 'and', 'lsh', 'rsh', 'mod', 'smod', 'xor', 'mov', 'arsh'];
const slotArb: fc.Arbitrary<Slot[]> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...aluIds), fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 9 }), fc.constantFrom(0, 1, -1, 7, 31, 32, 63, 0x7fffffff, -0x80000000)).map(([op, is64, x, d, s, imm]) => [I(`${op}${is64 ? '64' : '32'}_${x ? 'reg' : 'imm'}`, { dst: d, src: s, imm })]) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: 8 }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })).map(([d, v]) => lddw(d, v)) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('stxb', 'stxh', 'stxw', 'stxdw', 'ldxb', 'ldxh', 'ldxw', 'ldxdw', 'ldxsb', 'ldxsh', 'ldxsw', 'lock_add', 'lock_fetch_xor32', 'lock_xchg', 'lock_cmpxchg32'), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 8 }), fc.boolean()).map(([id, k, r, onMem]) => {
    const base = onMem ? 9 : 10;
    const off = onMem ? (k - 1) * 8 : -8 * k;
    return id.startsWith('ldx') ? [I(id, { dst: r, src: base, off })] : [I(id, { dst: base, src: r, off })];
  }) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('jeq', 'jgt', 'jsgt', 'jset', 'jne', 'jslt', 'jle'), fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 9 }), fc.integer({ min: -3, max: 4 }), fc.integer({ min: -5, max: 5 })).map(([c, is64, x, d, s, off, imm]) => [I(`${c}${is64 ? '' : '32'}_${x ? 'reg' : 'imm'}`, { dst: d, src: s, off, imm })]) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('be16', 'be32', 'be64', 'le16', 'bswap32', 'neg64', 'neg32'), fc.integer({ min: 0, max: 8 })).map(([id, d]) => [I(id, { dst: d })]) },
);
const programArb = fc.array(slotArb, { minLength: 1, maxLength: 24 }).map((parts) => prog(...parts, EXIT));
const regsArb = fc.array(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), { minLength: 8, maxLength: 8 });

function envFor(p: Program, regs: bigint[]): VmEnv {
  const mem = new Uint8Array(64);
  for (let k = 0; k < 64; k++) mem[k] = (k * 37 + 11) & 0xff;
  const initialRegs: Record<number, bigint> = { 9: MEM_BASE };
  regs.forEach((v, k) => (initialRegs[k + 1] = v));
  delete initialRegs[9];
  initialRegs[9] = MEM_BASE;
  return { program: p, regions: [{ name: 'mem', kind: 'mem', base: MEM_BASE, bytes: mem }], initialRegs, budget: 300 };
}

function snapshot(vm: Vm): unknown {
  return { s: vm.state(), stack: vm.memory.get('stack')!.bytes.slice(), mem: vm.memory.get('mem')!.bytes.slice() };
}

describe('random programs', () => {
  it('step() and runFast agree (r0, insns, fault, memory)', () => {
    fc.assert(
      fc.property(programArb, regsArb, (p, regs) => {
        const e1 = envFor(p, regs);
        const e2 = envFor(p, regs);
        const fast = runFast(e1);
        const { vm } = createVm(e2);
        vm!.run();
        const slow = vm!.result();
        expect({ r0: slow.r0, insns: slow.insns, fault: slow.fault }).toEqual({ r0: fast.r0, insns: fast.insns, fault: fast.fault });
        expect(e2.regions![0]!.bytes).toEqual(e1.regions![0]!.bytes);
      }),
      { numRuns: 400 },
    );
  });

  it('the generated code and the plain interpreter agree', () => {
    fc.assert(
      fc.property(programArb, regsArb, (p, regs) => {
        const e1 = envFor(p, regs);
        const e2 = envFor(p, regs);
        const gen = runFast(e1);
        setCodegen(false);
        let int;
        try {
          int = runFast({ ...e2, program: { ...p } });
        } finally {
          setCodegen(true);
        }
        expect({ r0: int.r0, insns: int.insns, fault: int.fault }).toEqual({ r0: gen.r0, insns: gen.insns, fault: gen.fault });
        expect(e2.regions![0]!.bytes).toEqual(e1.regions![0]!.bytes);
      }),
      { numRuns: 400 },
    );
  });

  it('random bytes never throw, and both paths agree on them', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 8 * 40 }), fc.boolean(), (bytes, kernelSet) => {
        const p = programFromBytes(bytes.subarray(0, bytes.length - (bytes.length % 8)));
        const env = (): VmEnv => ({ ...envFor(p, [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]), helperSet: kernelSet ? 'kernel' : 'ubpf' });
        const fast = runFast(env());
        const { vm } = createVm(env());
        vm!.run();
        const slow = vm!.result();
        expect({ r0: slow.r0, insns: slow.insns, fault: slow.fault }).toEqual({ r0: fast.r0, insns: fast.insns, fault: fast.fault });
        while (vm!.back()) { /* back to the start without throwing */ }
        expect(vm!.stepCount).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('k steps then k back-steps restore every state exactly', () => {
    fc.assert(
      fc.property(programArb, regsArb, fc.integer({ min: 1, max: 80 }), (p, regs, k) => {
        const { vm } = createVm({ ...envFor(p, regs), checkpointEvery: 7 });
        const states: unknown[] = [];
        for (let i = 0; i < k && !vm!.done; i++) {
          states.push(snapshot(vm!));
          vm!.step();
        }
        for (let i = states.length - 1; i >= 0; i--) {
          vm!.back();
          expect(snapshot(vm!)).toEqual(states[i]);
        }
        expect(vm!.back()).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('seek(n) reaches the same state as n steps, in both directions', () => {
    fc.assert(
      fc.property(programArb, regsArb, fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }), (p, regs, a, b) => {
        const { vm: ref } = createVm(envFor(p, regs));
        const want: unknown[] = [];
        for (let i = 0; i <= 60; i++) {
          want.push(snapshot(ref!));
          if (!ref!.done) ref!.step();
        }
        const { vm } = createVm({ ...envFor(p, regs), checkpointEvery: 5 });
        vm!.seek(a);
        const ia = Math.min(a, vm!.stepCount);
        expect(snapshot(vm!)).toEqual(want[ia]);
        vm!.seek(b);
        expect(snapshot(vm!)).toEqual(want[Math.min(b, vm!.stepCount)]);
      }),
      { numRuns: 100 },
    );
  });
});

describe('step records', () => {
  it('record registers, memory, helper calls, map changes and outputs; back-step undoes map changes', () => {
    const hash: MapDef = { name: 'h', type: 'hash', keySize: 4, valueSize: 8, maxEntries: 2, flags: 0 };
    const fmt = 'n=%d\n\0';
    const fmtSlots: Slot[] = [];
    const fb = new TextEncoder().encode(fmt.padEnd(8, '\0'));
    fmtSlots.push(I('stdw', { dst: 10, off: -24, imm: 0 }));
    for (let k = 0; k < 8; k++) fmtSlots.push(I('stb', { dst: 10, off: -24 + k, imm: fb[k]! }));
    const p: Program = {
      ...prog(
        I('stw', { dst: 10, off: -4, imm: 7 }), I('stdw', { dst: 10, off: -16, imm: 99 }),
        lddw(1, 0n, 1), I('mov64_reg', { dst: 2, src: 10 }), I('add64_imm', { dst: 2, imm: -4 }), I('mov64_reg', { dst: 3, src: 10 }), I('add64_imm', { dst: 3, imm: -16 }), I('mov64_imm', { dst: 4, imm: 0 }),
        I('call', { imm: 2 }), // update
        ...fmtSlots,
        I('mov64_reg', { dst: 1, src: 10 }), I('add64_imm', { dst: 1, imm: -24 }), I('mov64_imm', { dst: 2, imm: 6 }), I('mov64_imm', { dst: 3, imm: 42 }),
        I('call', { imm: 6 }), // trace_printk
        EXIT,
      ),
      maps: [hash],
    };
    const { vm } = createVm({ program: p });
    const recs = [];
    while (!vm!.done) recs.push(vm!.step());
    const st = recs[0]!;
    expect(st.mem).toEqual([{ region: 'stack', offset: 508, addr: STACK_TOP - 4n, before: new Uint8Array(4), after: Uint8Array.from([7, 0, 0, 0]) }]);
    const upd = recs.find((r) => r.helper?.name === 'map_update_elem')!;
    expect(upd.maps).toEqual([{ map: 'h', index: 0, key: Uint8Array.from([7, 0, 0, 0]), before: null, after: Uint8Array.from([99, 0, 0, 0, 0, 0, 0, 0]) }]);
    expect(upd.helper?.ret).toBe(0n);
    expect(upd.memReads).toEqual([
      { region: 'stack', offset: 508, size: 4, addr: STACK_TOP - 4n },
      { region: 'stack', offset: 496, size: 8, addr: STACK_TOP - 16n },
    ]);
    const pr = recs.find((r) => r.helper?.name === 'trace_printk')!;
    expect(pr.outputs).toEqual([{ kind: 'trace_printk', text: 'n=42\n' }]);
    expect(vm!.result().r0).toBe(5n);
    expect(vm!.maps[0]!.entries().length).toBe(1);
    vm!.seek(upd.step);
    expect(vm!.maps[0]!.entries().length).toBe(0);
    expect(vm!.state().outputs).toEqual([]);
    vm!.run();
    expect(vm!.maps[0]!.entries().length).toBe(1);
    expect(vm!.state().outputs.length).toBe(1);
  });

  it('history is bounded and says where it was cut; back-step still works past the cut', () => {
    const p = prog(I('add64_imm', { dst: 0, imm: 1 }), I('jlt_imm', { dst: 0, imm: 20000, off: -2 }), EXIT);
    const { vm } = createVm({ program: p, historyBytes: 600_000, checkpointEvery: 256 });
    vm!.run();
    const h = vm!.historyInfo();
    expect(h.cut).toBe(true);
    expect(h.firstRecorded).toBeGreaterThan(0);
    expect(h.bytes).toBeLessThanOrEqual(600_000);
    // The last steps still undo from records.
    vm!.back(); // exit
    vm!.back(); // jlt
    expect(vm!.state().regs[0]).toBe(20000n);
    vm!.back(); // add
    expect(vm!.state().regs[0]).toBe(19999n);
    expect(vm!.state().pc).toBe(0);
    vm!.seek(10);
    expect(vm!.state().regs[0]).toBe(5n);
    vm!.back();
    expect(vm!.state().regs[0]).toBe(5n);
    vm!.back();
    expect(vm!.state().regs[0]).toBe(4n);
  });

  it('checkpoints of a large map stay within the budget, and seek still works', () => {
    const big: MapDef = { name: 'big', type: 'array', keySize: 4, valueSize: 4096, maxEntries: 256, flags: 0 }; // 1 MiB
    // for (i = 0; i < 30000; i++) big[0].u32[0] = i   (through a pointer from ld_imm64 map value)
    const p: Program = { ...prog(lddw(6, 0n, 2), I('mov64_imm', { dst: 1, imm: 0 }), I('stxw', { dst: 6, src: 1, off: 0 }), I('add64_imm', { dst: 1, imm: 1 }), I('jlt_imm', { dst: 1, imm: 30000, off: -3 }), EXIT), maps: [big] };
    const { vm } = createVm({ program: p, historyBytes: 8 * 1024 * 1024 });
    vm!.run();
    const h = vm!.historyInfo();
    expect(h.checkpointBytes).toBeLessThanOrEqual(2 * 8 * 1024 * 1024);
    expect(h.checkpoints).toBeGreaterThan(1);
    vm!.seek(3 * 1000 + 2);
    expect(new DataView(vm!.maps[0]!.valueArea.buffer).getUint32(0, true)).toBe(999);
  });

  it('helpers run state is restored by back-step and seek', () => {
    const helpers = new Map([[300, { id: 300, name: 'count', call: (env: import('../helpers/types').HelperEnv) => {
      const n = ((env.runState.get('count') as { n: number } | undefined)?.n ?? 0) + 1;
      env.runState.set('count', { n });
      return BigInt(n);
    } }]]);
    const p = prog(I('call', { imm: 300 }), I('call', { imm: 300 }), I('call', { imm: 300 }), EXIT);
    const { vm } = createVm({ program: p, helpers, checkpointEvery: 2 });
    vm!.run();
    expect(vm!.result().r0).toBe(3n);
    expect(vm!.result().runState.get('count')).toEqual({ n: 3 });
    vm!.back();
    vm!.back();
    expect(vm!.result().runState.get('count')).toEqual({ n: 2 });
    vm!.seek(1);
    expect(vm!.result().runState.get('count')).toEqual({ n: 1 });
    vm!.run();
    expect(vm!.result().r0).toBe(3n);
  });

  it('is deterministic: the same seed gives the same random numbers and clock', () => {
    const p = prog(I('call', { imm: 7 }), I('mov64_reg', { dst: 6, src: 0 }), I('call', { imm: 5 }), I('add64_reg', { dst: 0, src: 6 }), EXIT);
    const a = runFast({ program: p, seed: 42 });
    const b = runFast({ program: p, seed: 42 });
    const c = runFast({ program: p, seed: 43 });
    expect(a.r0).toBe(b.r0);
    expect(a.r0).not.toBe(c.r0);
    const { vm } = createVm({ program: p, seed: 42 });
    vm!.run();
    expect(vm!.result().r0).toBe(a.r0);
  });
});

describe('callbacks and region remapping (helper environment)', () => {
  // bpf_loop(5, &cb, r10-8, 0): cb(i, ctx) adds i to *(u64 *)ctx, stops when i == 3.
  const cbProg = (): Program => prog(
    I('stdw', { dst: 10, off: -8, imm: 100 }),
    I('mov64_imm', { dst: 1, imm: 5 }), lddw(2, 9n, 4), I('mov64_reg', { dst: 3, src: 10 }), I('add64_imm', { dst: 3, imm: -8 }), I('mov64_imm', { dst: 4, imm: 0 }),
    I('call', { imm: 181 }),
    I('ldxdw', { dst: 1, src: 10, off: -8 }), I('mul64_imm', { dst: 0, imm: 1000 }), I('add64_reg', { dst: 0, src: 1 }), EXIT,
    // cb at slot 12: r0 = (r1 == 3); *(u64 *)r2 += r1
    I('ldxdw', { dst: 3, src: 2, off: 0 }), I('add64_reg', { dst: 3, src: 1 }), I('stxdw', { dst: 2, src: 3, off: 0 }),
    I('mov64_imm', { dst: 0, imm: 0 }), I('jne_imm', { dst: 1, imm: 3, off: 1 }), I('mov64_imm', { dst: 0, imm: 1 }), EXIT,
  );
  it('bpf_loop runs the callback in its own frame on both paths, and back-step undoes it', () => {
    const p = cbProg();
    expect(p.slots.length).toBe(19);
    const fast = runFast({ program: p });
    expect(fast.fault).toBeNull();
    expect(fast.r0).toBe(4n * 1000n + 100n + 0n + 1n + 2n + 3n);
    const { vm } = createVm({ program: p });
    const before: unknown[] = [];
    while (!vm!.done) { before.push(snapshotStack(vm!)); vm!.step(); }
    expect(vm!.result()).toMatchObject({ r0: fast.r0, insns: fast.insns });
    for (let i = before.length - 1; i >= 0; i--) { vm!.back(); expect(snapshotStack(vm!)).toEqual(before[i]); }
  });
  it('bpf_for_each_map_elem visits every element with key and value pointers', () => {
    const hash: MapDef = { name: 'h', type: 'hash', keySize: 4, valueSize: 8, maxEntries: 8, flags: 0, initial: [1, 2, 3].map((k) => ({ key: `0${k}000000`, value: `${k}000000000000000`.slice(0, 16) })) };
    // acc = 0; n = for_each(&h, cb, &acc, 0); return n * 1000 + acc.   cb: acc += *key * 100 + *value; return 0
    const p: Program = {
      ...prog(
        I('stdw', { dst: 10, off: -8, imm: 0 }), lddw(1, 0n, 1), lddw(2, 9n, 4), I('mov64_reg', { dst: 3, src: 10 }), I('add64_imm', { dst: 3, imm: -8 }), I('mov64_imm', { dst: 4, imm: 0 }), // 0-7
        I('call', { imm: 164 }), I('ldxdw', { dst: 1, src: 10, off: -8 }), I('mul64_imm', { dst: 0, imm: 1000 }), I('add64_reg', { dst: 0, src: 1 }), EXIT, // 8-12
        // cb(map, key, value, ctx) at 13
        I('ldxw', { dst: 6, src: 2, off: 0 }), I('mul64_imm', { dst: 6, imm: 100 }), I('ldxdw', { dst: 7, src: 3, off: 0 }), I('add64_reg', { dst: 6, src: 7 }),
        I('ldxdw', { dst: 8, src: 4, off: 0 }), I('add64_reg', { dst: 8, src: 6 }), I('stxdw', { dst: 4, src: 8, off: 0 }), I('mov64_imm', { dst: 0, imm: 0 }), EXIT,
      ),
      maps: [hash],
    };
    const r = runFast({ program: p });
    expect(r.fault).toBeNull();
    expect(r.r0).toBe(3n * 1000n + 600n + 0x10n + 0x20n + 0x30n);
    // Writing through the key pointer faults: it is read-only, as PTR_TO_MAP_KEY is.
    const bad: Program = { ...p, slots: p.slots.map((x, k) => (k === 13 ? I('stw', { dst: 2, off: 0, imm: 1 }) : x)) };
    expect(runFast({ program: bad }).fault?.message).toMatch(/read-only region map_key#0/);
  });

  it('a fault inside a callback names the callback instruction', () => {
    const p = cbProg();
    p.slots[14] = I('stxdw', { dst: 10, src: 3, off: 0 }); // writes at r10 + 0: out of the callback's frame
    const r = runFast({ program: p });
    expect(r.fault?.insn).toBe(14);
    expect(r.fault?.message).toMatch(/write of 8 bytes/);
  });
  it('remapRegion moves the packet and data/data_end follow; seek and back undo it', () => {
    const helpers = new Map([[200, { id: 200, name: 'adjust_head', call: (env: import('../helpers/types').HelperEnv, _ctx: bigint, delta: bigint) => {
      const r = env.region('packet')!;
      const d = Number(BigInt.asIntN(64, delta));
      const ok = env.remapRegion('packet', r.base + BigInt(d), r.bytes.slice(d));
      return ok === true ? 0n : { fault: ok };
    } }]]);
    const p = prog(I('mov64_imm', { dst: 2, imm: 14 }), I('call', { imm: 200 }), I('ldxw', { dst: 2, src: 6, off: 0 }), I('ldxw', { dst: 3, src: 6, off: 4 }), I('mov64_reg', { dst: 0, src: 3 }), I('sub64_reg', { dst: 0, src: 2 }), I('ldxb', { dst: 4, src: 2, off: 0 }), I('lsh64_imm', { dst: 4, imm: 8 }), I('add64_reg', { dst: 0, src: 4 }), EXIT);
    const pkt = new Uint8Array(60).map((_, i) => i);
    const mk = (): VmEnv => ({
      program: p, helpers, initialRegs: { 6: CTX_BASE },
      regions: [{ name: 'ctx', kind: 'ctx', base: CTX_BASE, bytes: new Uint8Array(24), ptrFields: [{ off: 0, size: 4, target: 'packet' }, { off: 4, size: 4, target: 'packet_end' }] }, { name: 'packet', kind: 'packet', base: PACKET_BASE, bytes: pkt.slice() }],
    });
    expect(runFast(mk()).r0).toBe(46n + (14n << 8n));
    const { vm } = createVm(mk());
    vm!.run();
    expect(vm!.result().r0).toBe(46n + (14n << 8n));
    vm!.seek(1);
    expect(vm!.memory.get('packet')!.base).toBe(PACKET_BASE);
    expect(vm!.memory.get('packet')!.bytes.length).toBe(60);
    vm!.step();
    expect(vm!.memory.get('packet')!.base).toBe(PACKET_BASE + 14n);
    vm!.back();
    expect(vm!.memory.get('packet')!.bytes.length).toBe(60);
  });
});

function snapshotStack(vm: Vm): unknown {
  return { s: vm.state(), stack: vm.memory.get('stack')!.bytes.slice(), stack1: vm.memory.get('stack1')!.bytes.slice() };
}
