// Walks the ISA table and proves every row executes, on both the fast path (runFast) and the stepping
// path (step()), against the BigInt reference model in testprog.ts for ALU/byte-swap/jump rows and
// against hand-derived kernel behaviour for the others.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ISA, type IsaRow } from '../isa/opcodes';
import type { Program } from '../isa/program';
import { createVm, runFast, type RunResult, type VmEnv } from './vm';
import { runRaw } from './raw';
import { setCodegen } from './compile';
import { MEM_BASE, PACKET_BASE, STACK_TOP, CODE_BASE } from './memory';
import { EDGES, EXIT, IMM_EDGES, ins, lddw, prog, refAlu, refEndian, refJmp } from './testprog';

const memOf = (...vals: bigint[]): Uint8Array => {
  const b = new Uint8Array(vals.length * 8);
  const dv = new DataView(b.buffer);
  vals.forEach((v, i) => dv.setBigUint64(i * 8, BigInt.asUintN(64, v), true));
  return b;
};

/** Runs on both paths; checks they agree (r0, insns, fault, memory) and that `pcRow` was executed by step(). */
function both(p: Program, env: Partial<VmEnv> = {}, mustRun?: number): RunResult {
  const copy = (e: Partial<VmEnv>): Partial<VmEnv> => ({ ...e, regions: e.regions?.map((r) => ({ ...r, bytes: r.bytes.slice() })) });
  const e1 = copy(env);
  const e2 = copy(env);
  const fast = runFast({ program: p, ...e1 });
  const { vm } = createVm({ program: p, ...e2 });
  expect(vm).not.toBeNull();
  const seen = new Set<number>();
  while (!vm!.done) seen.add(vm!.step().pc);
  const slow = vm!.result();
  expect({ r0: slow.r0, insns: slow.insns, fault: slow.fault }).toEqual({ r0: fast.r0, insns: fast.insns, fault: fast.fault });
  e1.regions?.forEach((r, i) => expect(r.bytes).toEqual(e2.regions![i]!.bytes));
  if (mustRun !== undefined) expect(seen.has(mustRun)).toBe(true);
  return fast;
}

const memEnv = (bytes: Uint8Array): Partial<VmEnv> => ({
  regions: [{ name: 'mem', kind: 'mem', base: MEM_BASE, bytes }],
  initialRegs: { 1: MEM_BASE, 2: BigInt(bytes.length) },
  helperSet: 'ubpf',
});

for (const mode of ['generated code', 'interpreter'] as const) {
const covered = new Set<string>();

describe(`every ISA row executes (${mode})`, () => {
  beforeAll(() => setCodegen(mode === 'generated code'));
  afterAll(() => setCodegen(true));
  const aluRows = ISA.filter((r) => r.kind === 'alu' && r.aluOp !== 'addr_space_cast');
  for (const r of aluRows) {
    it(`${r.id} matches the reference model`, () => {
      covered.add(r.id);
      if (r.srcX) {
        // r2 = A, r3 = B from memory; r2 op= r3; r0 = r2.
        const p = prog(ins('ldxdw', { dst: 2, src: 1, off: 0 }), ins('ldxdw', { dst: 3, src: 1, off: 8 }), ins(r.id, { dst: 2, src: 3 }), ins('mov64_reg', { dst: 0, src: 2 }), EXIT);
        for (const a of EDGES) for (const b of EDGES.filter((_, k) => k % 3 === 0 || r.aluOp === 'div' || r.aluOp === 'mod')) {
          const want = refAlu(r.aluOp!, r.is64!, a, b, r.aluOp === 'movsx' ? r.off : 0);
          const got = runRaw(p, { mem: memOf(a, b) });
          expect(got.fault).toBeNull();
          expect(got.r0, `${r.id} ${a} ${b}`).toBe(want);
        }
        both(p, memEnv(memOf(0x8000000000000000n, 0xffffffffffffffffn)), 2);
      } else {
        for (const imm of IMM_EDGES) {
          const p = prog(ins('ldxdw', { dst: 2, src: 1, off: 0 }), ins(r.id, { dst: 2, imm }), ins('mov64_reg', { dst: 0, src: 2 }), EXIT);
          for (const a of EDGES) {
            const want = refAlu(r.aluOp!, r.is64!, a, BigInt(imm), 0);
            const got = runRaw(p, { mem: memOf(a) });
            expect(got.r0, `${r.id} ${a} imm ${imm}`).toBe(want);
          }
        }
        both(prog(ins('ldxdw', { dst: 2, src: 1, off: 0 }), ins(r.id, { dst: 2, imm: -1 }), ins('mov64_reg', { dst: 0, src: 2 }), EXIT), memEnv(memOf(0x80000000n)), 1);
      }
    });
  }

  for (const r of ISA.filter((x) => x.kind === 'endian')) {
    it(`${r.id} matches the reference model`, () => {
      covered.add(r.id);
      const p = prog(ins('ldxdw', { dst: 2, src: 1, off: 0 }), ins(r.id, { dst: 2 }), ins('mov64_reg', { dst: 0, src: 2 }), EXIT);
      for (const a of EDGES) expect(runRaw(p, { mem: memOf(a) }).r0).toBe(refEndian(r.endian!, r.bits!, a));
      both(p, memEnv(memOf(0x0102030405060708n)), 1);
    });
  }

  for (const r of ISA.filter((x) => x.kind === 'jmp')) {
    it(`${r.id} matches the reference model`, () => {
      covered.add(r.id);
      // r0 = 0; if cond goto +1; exit; r0 = 1; exit
      const mk = (imm: number): Program => prog(
        ins('ldxdw', { dst: 2, src: 1, off: 0 }), ins('ldxdw', { dst: 3, src: 1, off: 8 }), ins('mov64_imm', { dst: 0, imm: 0 }),
        ins(r.id, { dst: 2, src: 3, off: 1, imm }), EXIT, ins('mov64_imm', { dst: 0, imm: 1 }), EXIT,
      );
      if (r.srcX) {
        const p = mk(0);
        for (const a of EDGES) for (const b of EDGES) {
          expect(runRaw(p, { mem: memOf(a, b) }).r0, `${r.id} ${a} ${b}`).toBe(refJmp(r.cond!, r.is64!, a, b) ? 1n : 0n);
        }
        both(p, memEnv(memOf(1n, 2n)), 3);
      } else {
        for (const imm of IMM_EDGES) {
          const p = mk(imm);
          for (const a of EDGES) expect(runRaw(p, { mem: memOf(a, 0n) }).r0, `${r.id} ${a} imm ${imm}`).toBe(refJmp(r.cond!, r.is64!, a, BigInt(imm)) ? 1n : 0n);
        }
        both(mk(-1), memEnv(memOf(0xffffffffn, 0n)), 3);
      }
    });
  }

  const special: Record<string, () => void> = {
    ja: () => { expect(both(prog(ins('mov64_imm', { dst: 0, imm: 1 }), ins('ja', { off: 1 }), EXIT, ins('mov64_imm', { dst: 0, imm: 2 }), EXIT), {}, 1).r0).toBe(2n); },
    ja32: () => { expect(both(prog(ins('mov64_imm', { dst: 0, imm: 1 }), ins('ja32', { imm: 1 }), EXIT, ins('mov64_imm', { dst: 0, imm: 2 }), EXIT), {}, 1).r0).toBe(2n); },
    may_goto: () => {
      // Falls through while the budget lasts: r0 counts iterations; bounded by a counter so the test ends.
      const p = prog(ins('mov64_imm', { dst: 0, imm: 0 }), ins('may_goto', { off: 2 }), ins('add64_imm', { dst: 0, imm: 1 }), ins('jlt_imm', { dst: 0, imm: 10, off: -3 }), EXIT);
      expect(both(p, {}, 1).r0).toBe(10n);
    },
    call: () => { expect(both(prog(ins('mov64_imm', { dst: 1, imm: 9 }), ins('call', { imm: 3 }), EXIT), { helperSet: 'ubpf' }, 1).r0).toBe(3n); },
    call_local: () => {
      const p = prog(ins('mov64_imm', { dst: 6, imm: 5 }), ins('call_local', { imm: 2 }), ins('add64_reg', { dst: 0, src: 6 }), EXIT, ins('mov64_imm', { dst: 6, imm: 100 }), ins('mov64_imm', { dst: 0, imm: 7 }), EXIT);
      expect(both(p, {}, 1).r0).toBe(12n); // r6 preserved across the call
    },
    call_kfunc: () => { expect(both(prog(ins('call_kfunc', { imm: 1234 }), EXIT), {}, 0).fault?.message).toMatch(/kfunc/); },
    callx: () => { expect(both(prog(ins('mov64_imm', { dst: 1, imm: 16 }), ins('mov64_imm', { dst: 2, imm: 3 }), ins('callx', { dst: 2 }), EXIT), { helperSet: 'ubpf' }, 2).r0).toBe(4n); },
    exit: () => { expect(both(prog(ins('mov64_imm', { dst: 0, imm: 42 }), EXIT), {}, 1).r0).toBe(42n); },
    addr_space_cast: () => { expect(both(prog(ins('addr_space_cast', { dst: 1, src: 1, imm: 1 }), EXIT), {}, 0).fault?.message).toMatch(/arena/); },
    lddw: () => { expect(both(prog(lddw(0, 0x1122334455667788n), EXIT), {}, 0).r0).toBe(0x1122334455667788n); },
    lddw_map_fd: () => {},
    lddw_map_value: () => {},
    lddw_map_idx: () => {},
    lddw_map_idx_value: () => {},
    lddw_btf_id: () => { expect(both(prog(lddw(0, 7n, 3), EXIT), {}, 0).fault?.message).toMatch(/BTF/); },
    lddw_func: () => {
      // r2 = &func; callx r2 runs it as a bpf-to-bpf call.
      const p = prog(lddw(2, 3n, 4), ins('callx', { dst: 2 }), EXIT, ins('mov64_imm', { dst: 0, imm: 77 }), EXIT);
      expect(both(p, {}, 2).r0).toBe(77n);
      expect(runFast({ program: prog(lddw(0, 0n, 4), EXIT) }).r0).toBe(CODE_BASE + 8n * 1n);
    },
  };
  for (const id of ['lddw_map_fd', 'lddw_map_value', 'lddw_map_idx', 'lddw_map_idx_value']) {
    special[id] = () => {
      const pseudo = { lddw_map_fd: 1, lddw_map_value: 2, lddw_map_idx: 5, lddw_map_idx_value: 6 }[id]!;
      const p: Program = { ...prog(lddw(1, 0n, pseudo), pseudo === 2 || pseudo === 6 ? [ins('ldxw', { dst: 0, src: 1 })] : [ins('mov64_reg', { dst: 0, src: 1 })], EXIT), maps: [{ name: 'a', type: 'array', keySize: 4, valueSize: 8, maxEntries: 2, flags: 0, initial: [{ key: '00000000', value: '2a00000000000000' }] }] };
      const r = both(p, {}, 0);
      expect(r.fault).toBeNull();
      expect(r.r0).toBe(pseudo === 2 || pseudo === 6 ? 42n : 0xffff888120000000n);
    };
  }
  for (const [id, fn] of Object.entries(special)) {
    it(`${id}`, () => {
      covered.add(id);
      fn();
    });
  }

  const memRows = ISA.filter((x) => x.kind === 'ldx' || x.kind === 'st' || x.kind === 'stx' || x.kind === 'atomic');
  for (const r of memRows) {
    it(`${r.id} on the stack and in memory`, () => {
      covered.add(r.id);
      const size = r.size!;
      const init = 0x8899aabbccddeeffn;
      const operand = 0x0123456789abcdefn;
      const mask = size === 8 ? (1n << 64n) - 1n : (1n << BigInt(size * 8)) - 1n;
      // mem = [init, 0]; r1 = mem; r3 = operand; r0 = init (for cmpxchg it is compared).
      const setup = [ins('ldxdw', { dst: 3, src: 1, off: 8 }), ins('ldxdw', { dst: 0, src: 1, off: 0 })];
      const mem = memOf(init, operand);
      let p: Program;
      if (r.kind === 'ldx') p = prog(ins(r.id, { dst: 0, src: 1, off: 0 }), EXIT);
      else if (r.kind === 'st') p = prog(ins(r.id, { dst: 1, off: 0, imm: -7 }), ins('ldxdw', { dst: 0, src: 1 }), EXIT);
      else if (r.kind === 'stx' || r.atomicOp === 'store_release') p = prog(...setup, ins(r.id, { dst: 1, src: 3, off: 0 }), ins('ldxdw', { dst: 0, src: 1 }), EXIT);
      else if (r.atomicOp === 'load_acquire') p = prog(ins(r.id, { dst: 0, src: 1, off: 0 }), EXIT);
      else p = prog(...setup, ins(r.id, { dst: 1, src: 3, off: 0 }), ins('ldxdw', { dst: 4, src: 1 }), ins('xor64_reg', { dst: 0, src: 4 }), ins('xor64_reg', { dst: 0, src: 3 }), EXIT);
      const res = both(p, memEnv(mem), r.kind === 'ldx' || r.atomicOp === 'load_acquire' ? 0 : r.kind === 'st' ? 0 : 2);
      expect(res.fault).toBeNull();
      const lo = init & mask;
      const sx = (v: bigint): bigint => BigInt.asUintN(64, BigInt.asIntN(size * 8, v));
      const merge = (v: bigint): bigint => (init & ~mask & ((1n << 64n) - 1n)) | (BigInt.asUintN(64, v) & mask);
      if (r.kind === 'ldx') expect(res.r0).toBe(r.id.startsWith('ldxs') ? sx(lo) : lo);
      else if (r.atomicOp === 'load_acquire') expect(res.r0).toBe(lo);
      else if (r.kind === 'st') expect(res.r0).toBe(merge(-7n));
      else if (r.kind === 'stx' || r.atomicOp === 'store_release') expect(res.r0).toBe(merge(operand));
      else {
        // r0 ^ new memory ^ r3 after the atomic; recompute it from the reference.
        const op = r.atomicOp!;
        const w = size * 8;
        const old = lo;
        const src = BigInt.asUintN(w, operand);
        const base = op.replace('fetch_', '');
        let newMem: bigint = old;
        let r0 = init;
        let r3 = operand;
        if (op === 'cmpxchg') { if (old === BigInt.asUintN(w, init)) newMem = src; r0 = old; }
        else if (op === 'xchg') { newMem = src; r3 = old; }
        else {
          newMem = BigInt.asUintN(w, base === 'add' ? old + src : base === 'or' ? old | src : base === 'and' ? old & src : old ^ src);
          if (op.startsWith('fetch_')) r3 = old;
        }
        expect(res.r0).toBe(r0 ^ merge(newMem) ^ r3);
      }
    });
  }

  for (const r of ISA.filter((x) => x.kind === 'ldpkt')) {
    it(`${r.id} reads big-endian packet bytes and ends the program with 0 out of range`, () => {
      covered.add(r.id);
      const pkt = Uint8Array.from([0x11, 0x22, 0x33, 0x44, 0x55, 0x66]);
      const env: Partial<VmEnv> = { regions: [{ name: 'packet', kind: 'packet', base: PACKET_BASE, bytes: pkt, writable: false }], initialRegs: { 7: 1n } };
      const mode = r.id.startsWith('ldabs') ? 'abs' : 'ind';
      const mk = (imm: number): Program => prog(ins('mov64_imm', { dst: 0, imm: 99 }), ins(r.id, { src: 7, imm }), EXIT);
      const at = mode === 'abs' ? 1 : 0; // ind adds r7 = 1
      const want = BigInt('0x' + Buffer.from(pkt.subarray(1, 1 + r.size!)).toString('hex'));
      expect(both(mk(at), env, 1).r0).toBe(want);
      const { vm } = createVm({ program: mk(at), ...env, regions: env.regions!.map((r) => ({ ...r, bytes: r.bytes.slice() })) });
      vm!.step();
      expect(vm!.step().memReads).toEqual([{ region: 'packet', offset: 1, size: r.size!, addr: PACKET_BASE + 1n }]);
      const out = both(mk(6), env, 1);
      expect(out.r0).toBe(0n);
      expect(out.fault).toBeNull();
      expect(both(mk(-1 - (mode === 'ind' ? 1 : 0)), env).r0).toBe(0n);
    });
  }

  it('covers every row of the table', () => {
    const missing = ISA.filter((r: IsaRow) => !covered.has(r.id) && !(r.kind === 'alu' && r.aluOp === 'addr_space_cast' && covered.has('addr_space_cast')));
    expect(missing.map((r) => r.id)).toEqual([]);
    expect(STACK_TOP).toBeGreaterThan(0n);
  });
});
}
