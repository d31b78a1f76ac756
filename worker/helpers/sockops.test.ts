// bpf_setsockopt / bpf_getsockopt on the simulated sock_ops socket: the option rules of
// net/core/filter.c (sol_socket_sockopt, sol_tcp_sockopt) and do_tcp_setsockopt / sk_setsockopt,
// Linux 6.18, for SO_MAX_PACING_RATE and TCP_SAVE_SYN beside a few existing options. The helpers run
// against a byte-addressed scratch memory standing in for the program's stack; the last test runs a
// program over a played connection (worker/events) to see the options applied. sockops-kernel.test.ts
// compares the same calls with the kernel.
import { describe, expect, it } from 'vitest';
import { assemble } from '../asm/index';
import { parseEventsFile } from '../events/format';
import { runEvents } from '../events/run';
import './sockops';
import { errno, getHelper, type HelperEnv, type HelperResult } from './types';
import type { SockOpsHelperCtx } from './sockops';

const EINVAL = errno(22), ENOTSUPP = errno(524);
const STACK = 0x1000n;

function harness() {
  const mem = new Uint8Array(256);
  const sockOps: SockOpsHelperCtx['sockOps'] = { cbFlags: 0, sockopts: {}, fullsock: true, log: [] };
  const inRange = (a: bigint, n: number) => a >= STACK && a + BigInt(n) <= STACK + BigInt(mem.length);
  const env = {
    ctx: { sockOps },
    ctxAddr: 0n,
    read: (a: bigint, n: number) => (inRange(a, n) ? mem.slice(Number(a - STACK), Number(a - STACK) + n) : 'out of range'),
    write: (a: bigint, b: Uint8Array) => {
      if (!inRange(a, b.length)) return 'out of range';
      mem.set(b, Number(a - STACK));
      return true as const;
    },
  } as unknown as HelperEnv;
  const setsockopt = getHelper('kernel', 49)!, getsockopt = getHelper('kernel', 57)!;
  const put = (bytes: number[]) => { mem.fill(0); mem.set(bytes); };
  return {
    sockOps, mem,
    set(level: number, optname: number, bytes: number[]): HelperResult {
      put(bytes);
      return setsockopt.call(env, 0n, BigInt(level), BigInt(optname), STACK, BigInt(bytes.length));
    },
    get(level: number, optname: number, len: number): { r: HelperResult; out: number[] } {
      mem.fill(0xaa);
      const r = getsockopt.call(env, 0n, BigInt(level), BigInt(optname), STACK, BigInt(len));
      return { r, out: [...mem.slice(0, len)] };
    },
  };
}
const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];

describe('bpf_setsockopt option rules (net/core/filter.c, Linux 6.18)', () => {
  const cases: { name: string; level: number; opt: number; bytes: number[]; want: bigint }[] = [
    { name: 'SO_MAX_PACING_RATE 125000 B/s', level: 1, opt: 47, bytes: le32(125000), want: 0n },
    { name: 'SO_MAX_PACING_RATE ~0U (unlimited)', level: 1, opt: 47, bytes: le32(0xffffffff), want: 0n },
    { name: 'SO_MAX_PACING_RATE 0', level: 1, opt: 47, bytes: le32(0), want: 0n },
    { name: 'SO_MAX_PACING_RATE with optlen 8', level: 1, opt: 47, bytes: [...le32(1000), 0, 0, 0, 0], want: EINVAL },
    { name: 'SO_MAX_PACING_RATE with optlen 2', level: 1, opt: 47, bytes: [1, 0], want: EINVAL },
    { name: 'TCP_SAVE_SYN 0', level: 6, opt: 27, bytes: le32(0), want: 0n },
    { name: 'TCP_SAVE_SYN 1', level: 6, opt: 27, bytes: le32(1), want: 0n },
    { name: 'TCP_SAVE_SYN 2 (from the Ethernet header)', level: 6, opt: 27, bytes: le32(2), want: 0n },
    { name: 'TCP_SAVE_SYN 3', level: 6, opt: 27, bytes: le32(3), want: EINVAL },
    { name: 'TCP_SAVE_SYN -1', level: 6, opt: 27, bytes: le32(-1), want: EINVAL },
    { name: 'TCP_SAVE_SYN with optlen 8', level: 6, opt: 27, bytes: [...le32(1), 0, 0, 0, 0], want: EINVAL },
    { name: 'SO_MARK 7', level: 1, opt: 36, bytes: le32(7), want: 0n },
    { name: 'an option number the simulation does not know', level: 6, opt: 999, bytes: le32(1), want: ENOTSUPP },
  ];
  it.each(cases)('$name', ({ level, opt, bytes, want }) => {
    const h = harness();
    expect(h.set(level, opt, bytes)).toBe(want);
  });

  it('a refused value leaves the option as it was', () => {
    const h = harness();
    expect(h.set(6, 27, le32(1))).toBe(0n);
    expect(h.set(6, 27, le32(5))).toBe(EINVAL);
    expect(h.get(6, 27, 4)).toEqual({ r: 0n, out: le32(1) });
    expect(h.sockOps.log).toEqual(['bpf_setsockopt(TCP_SAVE_SYN, 1)']);
  });
});

describe('bpf_getsockopt reads the options back', () => {
  it('SO_MAX_PACING_RATE is ~0U before any set, then the value set', () => {
    const h = harness();
    expect(h.get(1, 47, 4)).toEqual({ r: 0n, out: [0xff, 0xff, 0xff, 0xff] });
    expect(h.set(1, 47, le32(1_000_000))).toBe(0n);
    expect(h.get(1, 47, 4)).toEqual({ r: 0n, out: le32(1_000_000) });
    expect(h.sockOps.log).toEqual(['bpf_setsockopt(SO_MAX_PACING_RATE, 1000000)']);
  });

  it('TCP_SAVE_SYN is 0 before any set', () => {
    expect(harness().get(6, 27, 4)).toEqual({ r: 0n, out: [0, 0, 0, 0] });
  });

  it('a wrong optlen is -EINVAL and the buffer is zeroed (_bpf_getsockopt clears it on error)', () => {
    expect(harness().get(1, 47, 8)).toEqual({ r: EINVAL, out: [0, 0, 0, 0, 0, 0, 0, 0] });
  });
});

describe('the options take effect on the simulated connection (worker/events run)', () => {
  it('SO_MAX_PACING_RATE and TCP_SAVE_SYN set at ACTIVE_ESTABLISHED_CB show in that callback\'s effect', () => {
    const src = [
      '\tr6 = r1',
      '\tr2 = *(u32 *)(r6 + 0)',
      '\tif r2 != 4 goto out',
      '\tr1 = 125000',
      '\t*(u32 *)(r10 - 4) = r1',
      '\tr1 = r6', '\tr2 = 1', '\tr3 = 47', '\tr4 = r10', '\tr4 += -4', '\tr5 = 4',
      '\tcall bpf_setsockopt',
      '\tr1 = 1',
      '\t*(u32 *)(r10 - 4) = r1',
      '\tr1 = r6', '\tr2 = 6', '\tr3 = 27', '\tr4 = r10', '\tr4 += -4', '\tr5 = 4',
      '\tcall bpf_setsockopt',
      'out:', '\tr0 = 1', '\texit',
    ].join('\n');
    const a = assemble(src, { syntax: 'llvm' });
    expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const file = parseEventsFile(JSON.stringify({ type: 'sock_ops', events: [{ scenario: 'active-peer-closes' }] })).file!;
    const r = runEvents(a.program!, file);
    expect(r.diagnostics).toEqual([]);
    const est = r.results.find((x) => x.sockOps?.event.op === 4)!;
    expect(est.sockOps!.helperLog).toEqual(['bpf_setsockopt(SO_MAX_PACING_RATE, 125000)', 'bpf_setsockopt(TCP_SAVE_SYN, 1)']);
    expect(est.verdict).toMatch(/pacing rate at most 125000 B\/s/);
    expect(est.verdict).toMatch(/the SYN is saved/);
  });
});
