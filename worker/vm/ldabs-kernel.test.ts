// LD_ABS with the kernel's negative offsets (SKF_NET_OFF, SKF_LL_OFF) and out-of-range offsets, checked
// against BPF_PROG_TEST_RUN for a socket filter (skb data = network header, mac header 14 bytes in front)
// and a tc classifier (skb data = mac header). The ELF comes from worker/elf/write.ts; skips with the
// reason when the kernel cannot be used.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeElf } from '../elf/write';
import { bpftoolPath, kernelOracle } from '../testing/kernel';
import { CTX_BASE, PACKET_BASE } from './memory';
import { SKF_LL_OFF, SKF_NET_OFF } from './machine';
import { runFast } from './vm';
import { EXIT, ins as I, prog } from './testprog';

const OFFSETS = [0, 13, 14, 63, 64, -1, SKF_NET_OFF, SKF_NET_OFF + 1, SKF_NET_OFF - 1, SKF_LL_OFF, SKF_LL_OFF + 13, SKF_LL_OFF + 14, SKF_LL_OFF - 1, -0x1000];
const pkt = new Uint8Array(64).map((_, i) => i + 1);
pkt[12] = 8; pkt[13] = 0; pkt[14] = 0x45;

/** bpfplay's view of the two attach points: the region is a view into the whole frame. */
function ours(type: 'socket' | 'tc', k: number, size: 1 | 2 | 4): number {
  const buf = pkt.slice();
  const bytes = type === 'socket' ? buf.subarray(14) : buf;
  const row = size === 1 ? 'ldabsb' : size === 2 ? 'ldabsh' : 'ldabsw';
  const r = runFast({
    program: prog(I('mov64_imm', { dst: 0, imm: 0x77 }), I(row, { imm: k }), EXIT),
    regions: [{ name: 'ctx', kind: 'ctx', base: CTX_BASE, bytes: new Uint8Array(192) }, { name: 'packet', kind: 'packet', base: PACKET_BASE, bytes }],
    skbHeaders: type === 'socket' ? { network: 0, mac: -14 } : { network: 14, mac: 0 },
  });
  expect(r.fault).toBeNull();
  return r.retval;
}

describe('LD_ABS offsets', () => {
  it('reads the network and mac headers through SKF_NET_OFF / SKF_LL_OFF', () => {
    expect(ours('socket', SKF_NET_OFF, 1)).toBe(0x45);
    expect(ours('socket', SKF_LL_OFF + 12, 2)).toBe(0x0800);
    expect(ours('tc', 12, 2)).toBe(0x0800);
    expect(ours('socket', -1, 1)).toBe(0);
    expect(ours('tc', 61, 4)).toBe(0);
  });

  const oracle = kernelOracle();
  it.skipIf(!oracle.ok)(`agrees with BPF_PROG_TEST_RUN (${oracle.reason || 'kernel available'})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'bpfplay-ldabs-'));
    const bt = bpftoolPath();
    writeFileSync(join(dir, 'pkt'), pkt);
    const pin = `/sys/fs/bpf/bpfplay_ldabs_${process.pid}`;
    try {
      for (const type of ['socket', 'tc'] as const) {
        for (const size of [1, 2, 4] as const) {
          for (const k of OFFSETS) {
            const row = size === 1 ? 'ldabsb' : size === 2 ? 'ldabsh' : 'ldabsw';
            // r6 = ctx is what LD_ABS needs in the kernel.
            const p = { ...prog(I('mov64_reg', { dst: 6, src: 1 }), I('mov64_imm', { dst: 0, imm: 0x77 }), I(row, { imm: k }), EXIT), license: 'GPL' };
            writeFileSync(join(dir, 'p.o'), writeElf(p, { section: type, license: 'GPL' }));
            try {
              execFileSync(bt, ['prog', 'load', join(dir, 'p.o'), pin, 'type', type === 'socket' ? 'socket' : 'classifier'], { stdio: 'pipe' });
              const out = JSON.parse(execFileSync(bt, ['-j', 'prog', 'run', 'pinned', pin, 'data_in', join(dir, 'pkt')], { stdio: 'pipe' }).toString()) as { retval: number };
              expect(ours(type, k, size), `${type} ${row} ${k}`).toBe(out.retval >>> 0);
            } finally {
              rmSync(pin, { force: true });
            }
          }
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
