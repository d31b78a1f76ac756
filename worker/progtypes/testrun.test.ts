// BPF_PROG_TEST_RUN setup/finish against the running kernel: for every test-runnable type, packets from the
// samples plus random ones, with and without ctx_in, the kernel's retval, data_out and ctx_out for
// programs that return a constant, load one context field, or measure the packet pointers must equal what
// prepareTestRun/finishTestRun give (context bytes read directly; no VM involved).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kernelOracle, which } from '../testing/kernel';
import { buildSample, SAMPLES } from '../packets/samples';
import { ctxAccess } from './ctx';
import { PROG_TYPES } from './table';
import { ethTypeTrans, finishTestRun, prepareTestRun, TEST_RUN_TYPES, type TestRunType } from './testrun';

const cc = which('clang-19') ?? which('gcc');
const oracle = kernelOracle();
let bin: string | null = null;
function probe(lines: string[]): string[] {
  if (!bin) {
    bin = join(mkdtempSync(join(tmpdir(), 'bpfplay-testrun-')), 'probe');
    execFileSync(cc!, ['-O1', '-o', bin, join(__dirname, 'kernel-probe/probe.c')]);
  }
  return spawnSync(bin, { input: lines.join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 26 }).stdout.trim().split('\n');
}
const hex = (b: Uint8Array | null | undefined) => (b && b.length ? Buffer.from(b).toString('hex') : '-');
function insn(code: number, dst: number, src: number, off: number, imm: number): Buffer {
  const b = Buffer.alloc(8);
  b[0] = code; b[1] = dst | (src << 4); b.writeInt16LE(off, 2); b.writeInt32LE(imm, 4);
  return b;
}
const EXIT = insn(0x95, 0, 0, 0, 0);
const SZ: Record<number, number> = { 1: 0x10, 2: 0x08, 4: 0x00, 8: 0x18 };
const retConst = (k: number) => Buffer.concat([insn(0xb7, 0, 0, 0, k), EXIT]);
const loadField = (off: number, size: number) => Buffer.concat([insn(0x61 | SZ[size], 0, 1, off, 0), EXIT]);
/** r0 = ctx->B - ctx->A (both 32-bit pointer fields) */
const ptrDiff = (a: number, b: number) => Buffer.concat([insn(0x61, 2, 1, a, 0), insn(0x61, 3, 1, b, 0), insn(0xbf, 0, 3, 0, 0), insn(0x1f, 0, 2, 0, 0), EXIT]);

const FRAMES: Uint8Array[] = SAMPLES.flatMap((s) => buildSample(s.id)!.frames).filter((f) => f.length >= 14);
const randomFrames = fc.sample(fc.uint8Array({ minLength: 14, maxLength: 200 }), { numRuns: 12, seed: 7 });
const ALL_FRAMES = [...FRAMES, ...randomFrames, new Uint8Array(14), new Uint8Array(1500).fill(0xab)];

function skbCtx(fields: Record<string, number | Uint8Array>): Uint8Array {
  const c = new Uint8Array(192);
  for (const [name, v] of Object.entries(fields)) {
    const f = PROG_TYPES.sched_cls.ctx.fields.find((x) => x.name === name)!;
    if (v instanceof Uint8Array) c.set(v, f.off);
    else if (f.size === 8) new DataView(c.buffer).setBigUint64(f.off, BigInt(v), true);
    else new DataView(c.buffer).setUint32(f.off, v, true);
  }
  return c;
}
const SKB_CTXS: (Uint8Array | undefined)[] = [
  undefined,
  skbCtx({}),
  skbCtx({ mark: 0x1234, priority: 7, cb: Uint8Array.from({ length: 20 }, (_, i) => i + 1), tstamp: 123456789, ingress_ifindex: 1, gso_segs: 3, gso_size: 1400, hwtstamp: 42 }),
  skbCtx({ ifindex: 1, wire_len: 2000 }),
];
const XDP_CTXS = (len: number): (Uint8Array | undefined)[] => {
  const mk = (data: number, ingress = 0, rxq = 0) => { const c = new Uint8Array(24); const dv = new DataView(c.buffer); dv.setUint32(0, data, true); dv.setUint32(4, len, true); dv.setUint32(12, ingress, true); dv.setUint32(16, rxq, true); return c; };
  return [undefined, mk(0), mk(0, 1), ...(len >= 8 ? [mk(8)] : []), ...(len >= 32 ? [mk(32, 1, 0)] : []), ...(len >= 80 ? [mk(64)] : [])];
};

interface Case { type: TestRunType; prog: Buffer; data: Uint8Array; ctx?: Uint8Array; what: string; expect: (retval: number) => void }

describe.skipIf(!oracle.ok || !cc)(`BPF_PROG_TEST_RUN agrees with the kernel ${oracle.reason}`, () => {
  for (const type of TEST_RUN_TYPES)
    it(`${type}: retval, data_out and ctx_out for constant, field-load and pointer programs`, () => {
      const info = PROG_TYPES[type];
      const K = type === 'xdp' ? 2 : type === 'cgroup_skb' ? 1 : 0x7ff;
      const cases: { prog: Buffer; data: Uint8Array; ctx?: Uint8Array; check: (kernel: string[], ours: ReturnType<typeof prepareTestRun>) => void; what: string }[] = [];
      for (const data of ALL_FRAMES)
        for (const ctx of type === 'xdp' ? XDP_CTXS(data.length) : SKB_CTXS) {
          const what = `${type} len ${data.length} ctx ${ctx ? hex(ctx).slice(0, 16) : 'none'}`;
          cases.push({
            prog: retConst(K), data, ctx, what,
            check: (k, ours) => {
              if (!ours.setup) {
                expect([k[0], k[1]], `${what}: ${ours.diagnostics[0]?.message}`).toEqual(['err', String(ours.errno)]);
                return;
              }
              const out = finishTestRun(ours.setup!, K);
              expect([k[0], k[1], k[2], k[3]], what).toEqual(['run', String(out.retval), hex(out.dataOut), ctx ? hex(out.ctxOut) : '-']);
            },
          });
          // one load per readable scalar field, at its full size
          for (const f of info.ctx.fields) {
            const size = f.read.includes(4) ? 4 : f.read.includes(8) ? 8 : f.read[0];
            if (!size || f.regType || !ctxAccess(info.ctx, f.off, size, false).ok) continue;
            // cgroup_skb may only return 0 or 1: it stores the loaded value into cb[0..1] and we read ctx_out.
            const viaCb = type === 'cgroup_skb';
            const lctx = viaCb ? ctx ?? skbCtx({}) : ctx;
            cases.push({
              prog: viaCb ? Buffer.concat([insn(0x61 | SZ[size], 2, 1, f.off, 0), insn(0x63 | SZ[size === 8 ? 8 : 4], 1, 2, 48, 0), insn(0xb7, 0, 0, 0, 1), EXIT]) : loadField(f.off, size),
              data, ctx: lctx, what: `${what} load ${f.name}`,
              check: (k, ours) => {
                if (!ours.setup) return;
                const dv = new DataView(ours.setup.ctx.buffer);
                const v = size === 8 ? dv.getBigUint64(f.off, true) : BigInt((dv.getUint32(f.off, true) & (size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff)) >>> 0);
                if (viaCb) {
                  const out = Buffer.from(k[3], 'hex');
                  const got = size === 8 ? out.readBigUInt64LE(48) : BigInt(out.readUInt32LE(48));
                  expect(got, `${what} load ${f.name}`).toBe(v);
                } else expect(k.slice(0, 2), `${what} load ${f.name}`).toEqual(['run', String(Number(v & 0xffffffffn))]);
              },
            });
          }
          const ptr = (name: string) => info.ctx.fields.find((x) => x.name === name)?.off;
          if (ptr('data') !== undefined && ctxAccess(info.ctx, ptr('data')!, 4, false).ok) {
            if (type === 'cgroup_skb')
              cases.push({
                prog: Buffer.concat([ptrDiff(ptr('data')!, ptr('data_end')!).subarray(0, 32), insn(0x63, 1, 0, 48, 0), insn(0xb7, 0, 0, 0, 1), EXIT]),
                data, ctx: ctx ?? skbCtx({}), what: `${what} data_end - data (via cb)`,
                check: (k, ours) => ours.setup && expect(Buffer.from(k[3], 'hex').readUInt32LE(48), `${what} data_end - data`).toBe(ours.setup.packet.dataEnd - ours.setup.packet.data),
              });
            else
              cases.push({
                prog: ptrDiff(ptr('data')!, ptr('data_end')!), data, ctx, what: `${what} data_end - data`,
                check: (k, ours) => ours.setup && expect(k.slice(0, 2), `${what} data_end - data`).toEqual(['run', String(ours.setup.packet.dataEnd - ours.setup.packet.data)]),
              });
            if (ptr('data_meta') !== undefined && ctxAccess(info.ctx, ptr('data_meta')!, 4, false).ok)
              cases.push({
                prog: ptrDiff(ptr('data_meta')!, ptr('data')!), data, ctx, what: `${what} data - data_meta`,
                check: (k, ours) => ours.setup && expect(k.slice(0, 2), `${what} data - data_meta`).toEqual(['run', String(ours.setup.packet.data - ours.setup.packet.dataMeta)]),
              });
          }
        }
      const out = probe(cases.map((c) => `T ${info.id} 0 ${c.prog.toString('hex')} ${hex(c.data)} ${hex(c.ctx)}`));
      expect(out.length).toBe(cases.length);
      cases.forEach((c, i) => c.check(out[i].split(' '), prepareTestRun({ type, dataIn: c.data, ctxIn: c.ctx })));
    });

  it('rejections: the kernel and prepareTestRun fail the same inputs with the same errno', () => {
    const frame = FRAMES[0];
    const bad: { type: TestRunType; data: Uint8Array; ctx?: Uint8Array }[] = [
      { type: 'sched_cls', data: new Uint8Array(13) },
      { type: 'socket_filter', data: frame, ctx: skbCtx({ len: 5 }) },
      { type: 'sched_cls', data: frame, ctx: skbCtx({ hash: 5 }) },
      { type: 'cgroup_skb', data: frame, ctx: skbCtx({ tc_index: 1 }) },
      { type: 'lwt_in', data: frame, ctx: skbCtx({ ifindex: 4242 }) },
      { type: 'sched_cls', data: frame, ctx: skbCtx({ wire_len: 3 }) },
      { type: 'sched_cls', data: frame, ctx: skbCtx({ gso_segs: 70000 }) },
      { type: 'xdp', data: frame, ctx: (() => { const c = new Uint8Array(24); c[4] = 200; return c; })() },
      { type: 'xdp', data: new Uint8Array(13) },
      { type: 'xdp', data: new Uint8Array(300), ctx: (() => { const c = new Uint8Array(24); c[0] = 220; c[4] = 0x2c; c[5] = 1; return c; })() },
      { type: 'xdp', data: frame.subarray(0, 40), ctx: (() => { const c = new Uint8Array(24); c[0] = 32; c[4] = 40; return c; })() },
      { type: 'xdp', data: frame, ctx: (() => { const c = new Uint8Array(24); c[4] = frame.length; c[0] = 6; return c; })() },
      { type: 'xdp', data: frame, ctx: (() => { const c = new Uint8Array(24); c[4] = frame.length; c[16] = 1; return c; })() },
      { type: 'xdp', data: frame, ctx: (() => { const c = new Uint8Array(24); c[4] = frame.length; c[20] = 1; return c; })() },
      { type: 'sched_cls', data: frame, ctx: new Uint8Array(200).fill(1, 196) },
    ];
    const out = probe(bad.map((b) => `T ${PROG_TYPES[b.type].id} 0 ${retConst(0).toString('hex')} ${hex(b.data)} ${hex(b.ctx)}`));
    bad.forEach((b, i) => {
      const ours = prepareTestRun({ type: b.type, dataIn: b.data, ctxIn: b.ctx });
      expect([out[i].split(' ')[0], out[i].split(' ')[1]], `${b.type} ${hex(b.ctx)}`).toEqual(['err', String(ours.errno)]);
      expect(ours.diagnostics[0].message).toMatch(/BPF_PROG_TEST_RUN would fail/);
    });
  });
});

describe('test-run view without the kernel', () => {
  it('tc sees L2, the other skb types L3 with the Ethernet header before data', () => {
    const f = buildSample('dns-udp')!.frames[0];
    const tc = prepareTestRun({ type: 'sched_cls', dataIn: f }).setup!;
    const cg = prepareTestRun({ type: 'cgroup_skb', dataIn: f }).setup!;
    expect(tc.packet.buf.subarray(tc.packet.data, tc.packet.dataEnd)).toEqual(f);
    expect(cg.packet.buf.subarray(cg.packet.data, cg.packet.dataEnd)).toEqual(f.subarray(14));
    expect(cg.packet.buf.subarray(cg.packet.mac, cg.packet.network)).toEqual(f.subarray(0, 14));
    expect(finishTestRun(cg, 1).dataOut.subarray(0, 14)).toEqual(new Uint8Array(14));
  });
  it('eth_type_trans: pkt_type and 802.3 length frames', () => {
    const f = new Uint8Array(60);
    f.fill(0xff, 0, 6);
    expect(ethTypeTrans(f).pktType).toBe(2); // loopback's broadcast address is all zeros
    expect(ethTypeTrans(f, new Uint8Array(6), new Uint8Array(6).fill(0xff)).pktType).toBe(1);
    f[0] = 0x01;
    expect(ethTypeTrans(f).pktType).toBe(2);
    f.fill(0, 0, 6);
    expect(ethTypeTrans(f)).toEqual({ protocol: 4, pktType: 0 });
    f[14] = 0xff; f[15] = 0xff;
    expect(ethTypeTrans(f).protocol).toBe(1);
    f[5] = 9;
    expect(ethTypeTrans(f).pktType).toBe(3);
  });
  it('types the kernel cannot test-run say so', () => {
    for (const t of ['kprobe', 'sock_ops', 'sk_skb', 'cgroup_sock', 'tracepoint', 'perf_event'] as const)
      expect(prepareTestRun({ type: t, dataIn: new Uint8Array(64) }).errno).toBe(524);
  });
});
