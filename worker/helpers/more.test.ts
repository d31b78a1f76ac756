// Unit tests of the session-2 helpers, with expected values from the kernel's documented behaviour
// (include/uapi/linux/bpf.h helper descriptions, kernel/bpf/helpers.c, net/core/filter.c,
// kernel/trace/bpf_trace.c) — for what the kernel cannot give the same value for (clocks, hashes keyed
// at boot, perf counters, program types BPF_PROG_TEST_RUN does not run) and for the step-by-step view
// (outputs and run state). more-kernel.test.ts compares the rest with the running kernel.
import { describe, expect, it } from 'vitest';
import { programFromBytes } from '../isa/program';
import { runTestRun, SOCK_BASE } from '../progtypes/run';
import { CTX_BASE, PACKET_BASE } from '../vm/memory';
import { createVm, runFast } from '../vm';
import { parseStrtox, strtol, strtoul } from './strings';
import { coarseAt, HZ, INITIAL_JIFFIES, jiffiesAt, taiAt, TICK_NSEC, SIM_BOOT_REALTIME_NS } from './time';
import { flowHash, type CloneRedirect } from './skb';
import { prepareTestRun } from '../progtypes/testrun';
import { getHelper } from './types';
import { createMap, type MapImpl } from '../maps/types';
import '../maps/perf_event_array';
import { HELPER_NAMES } from './ids.generated';

const I = (code: number, dst: number, src: number, off: number, imm: number): Buffer => {
  const b = Buffer.alloc(8);
  b[0] = code; b[1] = dst | (src << 4); b.writeInt16LE(off, 2); b.writeInt32LE(imm | 0, 4);
  return b;
};
const EXIT = I(0x95, 0, 0, 0, 0);
const MOV = (d: number, k: number) => I(0xb7, d, 0, 0, k);
const MOVR = (d: number, s: number) => I(0xbf, d, s, 0, 0);
const ADDK = (d: number, k: number) => I(0x07, d, 0, 0, k);
const CALL = (id: number) => I(0x85, 0, 0, 0, id);
const LDXDW = (d: number, s: number, off: number) => I(0x79, d, s, off, 0);
const STDW = (d: number, off: number, k: number) => I(0x7a, d, 0, off, k);
const ascii = (s: string) => Uint8Array.from([...s].map((c) => c.charCodeAt(0)));
const prog = (...b: Buffer[]) => programFromBytes(new Uint8Array(Buffer.concat(b)));
/** A run on a bare context (no packet type): ctx bytes and a scratch memory region. */
const bare = (p: ReturnType<typeof prog>, ctx = new Uint8Array(192), startTimeNs?: bigint) =>
  runFast({ program: p, regions: [{ name: 'ctx', kind: 'ctx', base: CTX_BASE, bytes: ctx }, { name: 'packet', kind: 'packet', base: PACKET_BASE, bytes: new Uint8Array(64) }], startTimeNs });

function frame(): Uint8Array {
  const f = new Uint8Array(74);
  f.set([0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 0x02, 0x66, 0x77, 0x88, 0x99, 0xaa, 0x08, 0x00], 0);
  f.set([0x45, 0, 0, 60, 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 0x30, 0x39, 0x00, 0x50], 14);
  return f;
}

it('every helper added in session 2 is registered under its kernel id', () => {
  const ids = [13, 20, 21, 22, 29, 30, 24, 55, 34, 41, 48, 56, 79, 83, 84, 85, 86, 95, 96, 97, 99, 105, 106, 118, 122, 125, 135, 158, 160, 165, 177, 182, 208];
  expect(ids.filter((id) => getHelper('kernel', id)?.name !== HELPER_NAMES[id])).toEqual([]);
});

describe('clocks (HZ=250 of the reference kernel; virtual clock = CLOCK_MONOTONIC)', () => {
  it('jiffies64 counts 250 ticks a second from INITIAL_JIFFIES = 2^32 - 300 * HZ', () => {
    expect(HZ).toBe(250);
    expect(INITIAL_JIFFIES).toBe(4294892296n);
    expect(jiffiesAt(0n)).toBe(INITIAL_JIFFIES);
    expect(jiffiesAt(1_000_000_000n)).toBe(INITIAL_JIFFIES + 250n);
    expect(jiffiesAt(300_000_000_000n)).toBe(1n << 32n); // the 32-bit counter wraps 5 minutes after boot
    expect(jiffiesAt(3_999_999n)).toBe(INITIAL_JIFFIES);
  });
  it('the coarse clock is tick-granular, boot = mono, TAI from the simulated boot time', () => {
    expect(TICK_NSEC).toBe(4_000_000n);
    expect(coarseAt(1_007_999_999n)).toBe(1_004_000_000n);
    expect(taiAt(5n)).toBe(SIM_BOOT_REALTIME_NS + 5n);
  });
  it('the helpers read the virtual clock: ktime_get_ns <= ktime_get_boot_ns, coarse <= boot, jiffies from the same clock', () => {
    // r6 = ktime_get_ns; r7 = boot; r8 = coarse; r9 = jiffies64; r0 = tai
    const p = prog(CALL(5), MOVR(6, 0), CALL(125), MOVR(7, 0), CALL(160), MOVR(8, 0), CALL(118), MOVR(9, 0), CALL(208), EXIT);
    const r = createVm({ program: p, regions: [{ name: 'ctx', kind: 'ctx', base: CTX_BASE, bytes: new Uint8Array(8) }], startTimeNs: 7_000_000_000n }).vm!;
    r.run();
    const R = r.result();
    expect(R.fault).toBeNull();
    const regs = r.state().regs;
    const mono = regs[6]!, boot = regs[7]!, coarse = regs[8]!, jif = regs[9]!;
    expect(mono).toBe(7_000_000_000n); // the clock counts the instructions completed before the call
    expect(boot).toBe(mono + 2n);
    expect(coarse).toBe(7_000_000_000n);
    expect(jif).toBe(INITIAL_JIFFIES + 1750n);
    expect(R.r0).toBe(SIM_BOOT_REALTIME_NS + mono + 8n);
  });
});

describe('strtol / strtoul (lib/kstrtox.c parsing as __bpf_strtoull does it)', () => {
  const cases: [string, number, ReturnType<typeof strtol>, ReturnType<typeof strtoul>][] = [
    ['  42xyz', 0, { consumed: 4, value: 42n }, { consumed: 4, value: 42n }],
    ['-17', 10, { consumed: 3, value: -17n }, -22],
    ['0x1F', 0, { consumed: 4, value: 31n }, { consumed: 4, value: 31n }],
    ['0x', 0, { consumed: 1, value: 0n }, { consumed: 1, value: 0n }], // "0" in base 8, the x is not consumed
    ['0x', 16, -22, -22], // base 16 skips "0x" and then finds no digit
    ['0777', 0, { consumed: 4, value: 511n }, { consumed: 4, value: 511n }],
    ['9223372036854775808', 10, -34, { consumed: 19, value: 9223372036854775808n }],
    ['-9223372036854775808', 10, { consumed: 20, value: -9223372036854775808n }, -22],
    ['18446744073709551616', 10, -34, -34],
    ['', 10, -22, -22],
    ['   ', 10, -22, -22],
    ['12', 3, -22, -22], // base 3 is not allowed
  ];
  for (const [s, base, l, ul] of cases)
    it(`${JSON.stringify(s)} base ${base}`, () => {
      expect(strtol(ascii(s), BigInt(base))).toEqual(l);
      expect(strtoul(ascii(s), BigInt(base))).toEqual(ul);
    });
  it('flags beyond the base are -EINVAL; parsing stops at 63 bytes after the sign', () => {
    expect(parseStrtox(ascii('1'), 0x100n)).toBe(-22);
    const long = '0'.repeat(62) + '12';
    expect(parseStrtox(ascii(long), 10n)).toEqual({ consumed: 63, value: 1n, negative: false });
  });
  it('the helper writes *res = 0 on errors and the value on success, returning the bytes consumed', () => {
    // "-5" at fp-8; strtol(fp-8, 2, 0, fp-16); r0 = ret, r1 = *res
    const p = prog(STDW(10, -8, 0x352d), MOVR(1, 10), ADDK(1, -8), MOV(2, 2), MOV(3, 0), MOVR(4, 10), ADDK(4, -16), CALL(105), LDXDW(1, 10, -16), MOVR(6, 1), EXIT);
    const vm = createVm({ program: p, regions: [{ name: 'ctx', kind: 'ctx', base: CTX_BASE, bytes: new Uint8Array(8) }] }).vm!;
    vm.run();
    expect(vm.result().r0).toBe(2n);
    expect(vm.state().regs[6]).toBe(BigInt.asUintN(64, -5n));
    const q = prog(STDW(10, -8, 0x352d), STDW(10, -16, 77), MOVR(1, 10), ADDK(1, -8), MOV(2, 2), MOV(3, 0), MOVR(4, 10), ADDK(4, -16), CALL(106), LDXDW(6, 10, -16), EXIT);
    const vm2 = createVm({ program: q, regions: [{ name: 'ctx', kind: 'ctx', base: CTX_BASE, bytes: new Uint8Array(8) }] }).vm!;
    vm2.run();
    expect(vm2.result().r0).toBe(BigInt.asUintN(64, -22n));
    expect(vm2.state().regs[6]).toBe(0n);
  });
});

describe('skb helpers: the state a step view shows', () => {
  it('clone_redirect records the clone (run state and an output line) and keeps the original; unknown devices are -EINVAL', () => {
    const p = prog(MOVR(6, 1), MOV(2, 1), MOV(3, 1), CALL(13), MOVR(7, 0), MOVR(1, 6), MOV(2, 42), MOV(3, 0), CALL(13), I(0x67, 0, 0, 0, 8), I(0x4f, 0, 7, 0, 0), EXIT);
    const r = runTestRun(p, { type: 'sched_cls', dataIn: frame() });
    expect(r.output!.retval).toBe(((-22 << 8) | 0) >>> 0);
    expect(r.output!.dataOut).toEqual(frame());
    expect(r.run!.runState.get('clone_redirect')).toEqual([{ ifindex: 1, ingress: true, len: 74 }] satisfies CloneRedirect[]);
    expect(r.run!.outputs).toEqual([{ kind: 'log', text: 'bpf_clone_redirect: a clone of the packet (74 bytes) enters the stack on ifindex 1; the original stays with the program' }]);
  });
  it('get_hash_recalc computes a non-zero flow hash, the same for the same flow, different for another flow', () => {
    const a = prepareTestRun({ type: 'sched_cls', dataIn: frame() }).setup!;
    const f2 = frame(); f2[37] = 0x51;
    const b = prepareTestRun({ type: 'sched_cls', dataIn: f2 }).setup!;
    expect(flowHash(a)).not.toBe(0);
    expect(flowHash(a)).toBe(flowHash(prepareTestRun({ type: 'sched_cls', dataIn: frame() }).setup!));
    expect(flowHash(b)).not.toBe(flowHash(a));
    const r = runTestRun(prog(CALL(34), EXIT), { type: 'sched_cls', dataIn: frame() });
    expect(r.output!.retval).toBe(flowHash(a));
    expect(r.run!.runState.get('skb.hash')).toBe('valid');
  });
  it('csum_level keeps ip_summed and the level in the run state', () => {
    const r = runTestRun(prog(MOVR(6, 1), MOV(2, 1), CALL(135), MOVR(1, 6), MOV(2, 1), CALL(135), MOVR(1, 6), MOV(2, 0), CALL(135), EXIT), { type: 'sched_cls', dataIn: frame() });
    expect(r.output!.retval).toBe(1);
    expect(r.run!.runState.get('skb.csum')).toEqual({ unnecessary: true, level: 1 });
  });
  it('tcp_sock of a TCP socket faults (struct bpf_tcp_sock is not simulated); cgroup ids are the root cgroup', () => {
    expect(runTestRun(prog(I(0x79, 1, 1, 168, 0), CALL(96), EXIT), { type: 'sched_cls', dataIn: frame() }).output!.retval).toBe(0);
    const sock = new Uint8Array(80);
    sock[12] = 6; // IPPROTO_TCP
    const lo = Number(SOCK_BASE & 0xffffffffn) | 0, hi = Number(SOCK_BASE >> 32n) | 0;
    const r = runFast({ program: prog(I(0x18, 1, 0, 0, lo), I(0, 0, 0, 0, hi), CALL(96), EXIT), regions: [{ name: 'ctx', kind: 'ctx', base: CTX_BASE, bytes: new Uint8Array(192) }, { name: 'sock', kind: 'other', base: SOCK_BASE, bytes: sock }] });
    expect(r.fault?.message).toMatch(/does not simulate struct bpf_tcp_sock/);
    expect(runTestRun(prog(CALL(79), EXIT), { type: 'sched_cls', dataIn: frame() }).output!.retval).toBe(1);
    expect(runTestRun(prog(MOV(2, 0), CALL(83), EXIT), { type: 'cgroup_skb', dataIn: frame() }).output!.retval).toBe(1);
  });
});

describe('tracing helpers', () => {
  it('perf_prog_read_value: counter = sample_period, enabled = running = the virtual clock; wrong size is -EINVAL with a zeroed buffer', () => {
    const ctx = new Uint8Array(184);
    new DataView(ctx.buffer).setBigUint64(168, 100000n, true);
    const p = prog(MOVR(2, 10), ADDK(2, -24), MOV(3, 24), CALL(56), LDXDW(6, 10, -24), LDXDW(7, 10, -16), LDXDW(8, 10, -8), EXIT);
    const vm = createVm({ program: p, regions: [{ name: 'ctx', kind: 'ctx', base: CTX_BASE, bytes: ctx }], startTimeNs: 5000n }).vm!;
    vm.run();
    expect(vm.result().r0).toBe(0n);
    expect(vm.state().regs.slice(6, 9)).toEqual([100000n, 5003n, 5003n]);
    const q = prog(STDW(10, -8, 9), MOVR(2, 10), ADDK(2, -8), MOV(3, 8), CALL(56), LDXDW(6, 10, -8), EXIT);
    const vm2 = createVm({ program: q, regions: [{ name: 'ctx', kind: 'ctx', base: CTX_BASE, bytes: ctx }] }).vm!;
    vm2.run();
    expect(vm2.result().r0).toBe(BigInt.asUintN(64, -22n));
    expect(vm2.state().regs[6]).toBe(0n);
  });
  it('perf_event_read / perf_event_read_value: the cpu-clock counter of the event stored at an index, or the kernel errors', () => {
    const def = { name: 'ev', type: 'perf_event_array', keySize: 4, valueSize: 4, maxEntries: 2, flags: 0 };
    const maps = [createMap(def) as MapImpl];
    maps[0]!.update(Uint8Array.of(1, 0, 0, 0), Uint8Array.of(9, 0, 0, 0), 0);
    const read = (flags: bigint) => {
      const p = { ...prog(I(0x18, 1, 1, 0, 0), I(0, 0, 0, 0, 0), I(0x18, 2, 0, 0, Number(BigInt.asIntN(32, flags & 0xffffffffn))), I(0, 0, 0, 0, Number(BigInt.asIntN(32, flags >> 32n))), CALL(22), EXIT), maps: [def] };
      return runFast({ program: p, maps, regions: [{ name: 'ctx', kind: 'ctx', base: CTX_BASE, bytes: new Uint8Array(8) }], startTimeNs: 1000n, cpu: 1 }).r0;
    };
    expect(read(1n)).toBe(1000n + 2n); // two ld_imm64 before the call
    expect(read(0xffffffffn)).toBe(1002n); // BPF_F_CURRENT_CPU on CPU 1
    expect(read(0n)).toBe(BigInt.asUintN(64, -2n));
    expect(read(2n)).toBe(BigInt.asUintN(64, -7n));
    expect(read(1n << 32n)).toBe(BigInt.asUintN(64, -22n));
    const pv = { ...prog(I(0x18, 1, 1, 0, 0), I(0, 0, 0, 0, 0), MOV(2, 1), MOVR(3, 10), ADDK(3, -24), MOV(4, 24), CALL(55), LDXDW(6, 10, -24), LDXDW(7, 10, -8), EXIT), maps: [def] };
    const vm = createVm({ program: pv, maps, regions: [{ name: 'ctx', kind: 'ctx', base: CTX_BASE, bytes: new Uint8Array(8) }], startTimeNs: 1000n }).vm!;
    vm.run();
    expect(vm.result().r0).toBe(0n);
    expect(vm.state().regs.slice(6, 8)).toEqual([1005n, 1005n]);
  });
  it('get_current_task_btf is the current task pointer (as get_current_task)', () => {
    expect(bare(prog(CALL(158), EXIT)).r0).toBe(bare(prog(CALL(35), EXIT)).r0);
  });
  it('get_socket_cookie: a sock_ops socket is its index + 1', () => {
    const p = prog(CALL(46), EXIT);
    const r = runFast({ program: p, regions: [{ name: 'ctx', kind: 'ctx', base: CTX_BASE, bytes: new Uint8Array(224) }], ctx: { sockOps: { socketIndex: 2, cbFlags: 0, sockopts: {}, fullsock: true, log: [] } } });
    expect(r.r0).toBe(3n);
  });
});

describe('snprintf / strncmp on bpfplay alone', () => {
  it('snprintf truncates to size - 1 and a NUL and returns the whole length + 1', () => {
    // fmt "%d!" at fp-8, arg 12345 at fp-16, out at fp-32 (size 4)
    const p = prog(STDW(10, -8, 0x216425), STDW(10, -16, 12345), STDW(10, -32, -1), MOVR(1, 10), ADDK(1, -32), MOV(2, 4), MOVR(3, 10), ADDK(3, -8), MOVR(4, 10), ADDK(4, -16), MOV(5, 8), CALL(165), LDXDW(6, 10, -32), EXIT);
    const vm = createVm({ program: p, regions: [{ name: 'ctx', kind: 'ctx', base: CTX_BASE, bytes: new Uint8Array(8) }] }).vm!;
    vm.run();
    expect(vm.result().r0).toBe(7n);
    expect(vm.state().regs[6]! & 0xffffffffn).toBe(0x00333231n);
  });
  it('strncmp compares unsigned bytes and stops at the NUL or after size bytes', () => {
    const run = (a: string, n: number, b: string): bigint => {
      const A = new Uint8Array(8); A.set(ascii(a));
      const B = new Uint8Array(8); B.set(ascii(b));
      const w = (x: Uint8Array) => Number(new DataView(x.buffer).getInt32(0, true));
      const p = prog(I(0x62, 10, 0, -8, w(A)), I(0x62, 10, 0, -16, w(B)), MOVR(1, 10), ADDK(1, -8), MOV(2, n), MOVR(3, 10), ADDK(3, -16), CALL(182), EXIT);
      return BigInt.asIntN(64, bare(p).r0);
    };
    expect(run('abc', 3, 'abd')).toBe(-1n);
    expect(run('abd', 3, 'abc')).toBe(1n);
    expect(run('abc', 2, 'abd')).toBe(0n);
    expect(run('ab', 4, 'ab')).toBe(0n);
    expect(run('\x80', 1, 'a')).toBe(1n);
  });
});
