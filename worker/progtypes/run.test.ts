// runTestRun (testrun setup + the VM) against the kernel's BPF_PROG_TEST_RUN: small programs that read
// and write packets and context fields, over every sample frame and random frames, for every test-runnable
// type; retval, data_out and ctx_out must be identical.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { programFromBytes } from '../isa/program';
import { kernelOracle, which } from '../testing/kernel';
import { buildSample, SAMPLES } from '../packets/samples';
import { runAttached, runTestRun } from './run';
import { PROG_TYPES } from './table';
import { TEST_RUN_TYPES, type TestRunType } from './testrun';

const cc = which('clang-19') ?? which('gcc');
const oracle = kernelOracle();
let bin: string | null = null;
function probe(lines: string[]): string[] {
  if (!bin) {
    bin = join(mkdtempSync(join(tmpdir(), 'bpfplay-run-')), 'probe');
    execFileSync(cc!, ['-O1', '-o', bin, join(__dirname, 'kernel-probe/probe.c')]);
  }
  return spawnSync(bin, { input: lines.join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 26 }).stdout.trim().split('\n');
}
const hex = (b: Uint8Array | null | undefined) => (b && b.length ? Buffer.from(b).toString('hex') : '-');
const I = (code: number, dst: number, src: number, off: number, imm: number): Buffer => {
  const b = Buffer.alloc(8);
  b[0] = code; b[1] = dst | (src << 4); b.writeInt16LE(off, 2); b.writeInt32LE(imm, 4);
  return b;
};
const EXIT = I(0x95, 0, 0, 0, 0);
const MOV = (d: number, k: number) => I(0xb7, d, 0, 0, k);
const LDXW = (d: number, s: number, off: number) => I(0x61, d, s, off, 0);
const LDXH = (d: number, s: number, off: number) => I(0x69, d, s, off, 0);
const LDXB = (d: number, s: number, off: number) => I(0x71, d, s, off, 0);
const STXW = (d: number, s: number, off: number) => I(0x63, d, s, off, 0);
const STB = (d: number, off: number, k: number) => I(0x72, d, 0, off, k);
const ADDK = (d: number, k: number) => I(0x07, d, 0, 0, k);
const MOVR = (d: number, s: number) => I(0xbf, d, s, 0, 0);
const JGT = (d: number, s: number, off: number) => I(0x2d, d, s, off, 0);
const ANDK = (d: number, k: number) => I(0x57, d, 0, 0, k);
const LDABSB = (k: number) => I(0x30, 0, 0, 0, k);
const LDABSH = (k: number) => I(0x28, 0, 0, 0, k);

interface Tpl { name: string; types: TestRunType[]; prog: (t: TestRunType) => Buffer; ctx?: boolean }
const SKB_PTR = (t: TestRunType) => (t === 'xdp' ? [0, 4] : [76, 80]);
const TEMPLATES: Tpl[] = [
  {
    // r0 = bytes [14..16) of the packet if present (ethertype for L2, IP bytes for L3), else 0 / 1 for cgroup_skb
    name: 'bounded packet read', types: ['sched_cls', 'sched_act', 'xdp', 'lwt_in', 'lwt_out', 'lwt_xmit'],
    prog: (t) => { const [d, e] = SKB_PTR(t); return Buffer.concat([LDXW(2, 1, d), LDXW(3, 1, e), MOVR(4, 2), ADDK(4, 16), MOV(0, 0), JGT(4, 3, 1), LDXH(0, 2, 12), EXIT]); },
  },
  {
    // writes the first byte and the 10th byte of the packet when there are 10 bytes
    name: 'packet write', types: ['sched_cls', 'sched_act', 'xdp', 'lwt_xmit'],
    prog: (t) => { const [d, e] = SKB_PTR(t); return Buffer.concat([LDXW(2, 1, d), LDXW(3, 1, e), MOVR(4, 2), ADDK(4, 10), MOV(0, t === 'xdp' ? 3 : 2), JGT(4, 3, 2), STB(2, 0, 0xaa), STB(2, 9, 0x55), EXIT]); },
  },
  {
    // cb[0] = len, cb[1] = protocol, mark = 0x77 (tc, cgroup_skb, lwt allow mark writes), r0 = 1
    name: 'ctx writes', types: ['sched_cls', 'sched_act', 'cgroup_skb', 'lwt_in', 'lwt_out', 'lwt_xmit'], ctx: true,
    prog: () => Buffer.concat([LDXW(2, 1, 0), STXW(1, 2, 48), LDXW(2, 1, 16), STXW(1, 2, 52), MOV(2, 0x77), STXW(1, 2, 8), LDXW(2, 1, 36), STXW(1, 2, 56), MOV(0, 1), EXIT]),
  },
  {
    // socket filter with legacy LD_ABS: keep 4 bytes if the IPv4 protocol byte is TCP, else drop
    name: 'ld_abs filter', types: ['socket_filter', 'sched_cls'],
    prog: (t) => Buffer.concat([MOV(6, 0), I(0xbf, 6, 1, 0, 0), LDABSB(t === 'sched_cls' ? 23 : 9), ANDK(0, 0xff), EXIT]),
  },
  {
    name: 'ld_abs half', types: ['socket_filter', 'sched_act'],
    prog: () => Buffer.concat([I(0xbf, 6, 1, 0, 0), LDABSH(2), EXIT]),
  },
  {
    // cgroup_skb direct read of the IP protocol into cb[0] (return range [0, 1])
    name: 'cgroup_skb direct read', types: ['cgroup_skb'], ctx: true,
    prog: () => Buffer.concat([LDXW(2, 1, 76), LDXW(3, 1, 80), MOVR(4, 2), ADDK(4, 20), MOV(0, 1), JGT(4, 3, 2), LDXB(5, 2, 9), STXW(1, 5, 48), EXIT]),
  },
];

const FRAMES = [
  ...SAMPLES.flatMap((s) => buildSample(s.id)!.frames),
  ...fc.sample(fc.uint8Array({ minLength: 14, maxLength: 120 }), { numRuns: 8, seed: 11 }),
];
const CTX_IN = (() => { const c = new Uint8Array(192); c.set([1, 2, 3, 4], 48); c[8] = 9; return c; })();

describe.skipIf(!oracle.ok || !cc)(`runTestRun equals the kernel's BPF_PROG_TEST_RUN ${oracle.reason}`, () => {
  for (const tpl of TEMPLATES)
    it(tpl.name, () => {
      const lines: string[] = [];
      const cases: { type: TestRunType; prog: Buffer; data: Uint8Array; ctx?: Uint8Array }[] = [];
      for (const type of tpl.types)
        for (const data of FRAMES) {
          const prog = tpl.prog(type);
          const ctx = tpl.ctx ? CTX_IN : undefined;
          cases.push({ type, prog, data, ctx });
          lines.push(`T ${PROG_TYPES[type].id} 0 ${prog.toString('hex')} ${hex(data)} ${hex(ctx)}`);
        }
      const out = probe(lines);
      let ran = 0;
      cases.forEach((c, i) => {
        const k = out[i].split(' ');
        expect(k[0] === 'err' && k[2] === 'load', `kernel rejected ${tpl.name} for ${c.type}`).toBe(false);
        const ours = runTestRun(programFromBytes(new Uint8Array(c.prog)), { type: c.type, dataIn: c.data, ctxIn: c.ctx });
        const what = `${tpl.name} ${c.type} ${hex(c.data).slice(0, 40)}`;
        if (k[0] === 'err') {
          expect(ours.errno, what).toBe(Number(k[1]));
          return;
        }
        expect(ours.diagnostics, what).toEqual([]);
        expect([String(ours.output!.retval), hex(ours.output!.dataOut), c.ctx ? hex(ours.output!.ctxOut) : '-'], what).toEqual([k[1], k[2], k[3]]);
        ran++;
      });
      expect(ran).toBeGreaterThan(10);
    });
});

describe('attach view runs', () => {
  it('a socket filter on AF_PACKET reads the Ethernet type with LD_ABS at 12; on an inet socket 12 is inside IP', () => {
    const f = buildSample('dns-udp')!.frames[0];
    const p = programFromBytes(new Uint8Array(Buffer.concat([I(0xbf, 6, 1, 0, 0), LDABSH(12), EXIT])));
    expect(runAttached(p, 'socket_filter', f, { socket: 'packet' }).output!.retval).toBe(0x0800);
    expect(runAttached(p, 'socket_filter', f, { socket: 'inet' }).output!.retval).toBe((f[26] << 8) | f[27]);
  });
});
