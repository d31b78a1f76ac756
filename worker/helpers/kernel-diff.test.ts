// Kernel-differential check of the map helpers: each scenario is a sequence of bpf_map_update_elem /
// delete / lookup calls whose return codes are folded into r0 (r6 = r6 * 33 + rc); the same program runs
// under the kernel's BPF_PROG_TEST_RUN (ELF written by worker/elf/write.ts, `bpftool prog load` +
// `bpftool prog run`) and in bpfplay's VM, and the 32-bit return values must be equal. Skips with the
// reason when the kernel cannot be used.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Slot } from '../isa/insn';
import type { MapDef, Program } from '../isa/program';
import { writeElf } from '../elf/write';
import { bpftoolPath, kernelOracle } from '../testing/kernel';
import { runFast, createVm } from '../vm';
import { createMap, type MapImpl } from '../maps';
import { PACKET_BASE, CTX_BASE } from '../vm/memory';
import { EXIT, ins as I, lddw, prog } from '../vm/testprog';

type Op = ['update', number, number, number] | ['delete', number] | ['lookup', number] | ['write', number, number];

/** Builds: for each op, r0 = helper(...); r6 = r6 * 33 + r0 (lookup: r0 != 0; write: store through the pointer). */
function scenario(map: MapDef, ops: Op[]): Program {
  const s: (Slot | Slot[])[] = [I('mov64_imm', { dst: 6, imm: 0 })];
  const keyAndMap = (key: number): Slot[] => [I('stw', { dst: 10, off: -4, imm: key }), I('stw', { dst: 10, off: -8, imm: 0 }), lddw(1, 0n, 1), I('mov64_reg', { dst: 2, src: 10 }), I('add64_imm', { dst: 2, imm: -4 })].flat();
  for (const op of ops) {
    if (op[0] === 'update') {
      s.push(I('stdw', { dst: 10, off: -16, imm: op[2] }), ...keyAndMap(op[1]), I('mov64_reg', { dst: 3, src: 10 }), I('add64_imm', { dst: 3, imm: -16 }), I('mov64_imm', { dst: 4, imm: op[3] }), I('call', { imm: 2 }));
    } else if (op[0] === 'delete') {
      s.push(...keyAndMap(op[1]), I('call', { imm: 3 }));
    } else {
      s.push(...keyAndMap(op[1]), I('call', { imm: 1 }));
      if (op[0] === 'write') {
        // if (r0) { *(u32 *)r0 += imm; r0 = *(u32 *)r0 } 
        s.push(I('jeq_imm', { dst: 0, imm: 0, off: 3 }), I('mov64_imm', { dst: 1, imm: op[2] }), I('lock_add32', { dst: 0, src: 1, off: 0 }), I('ldxw', { dst: 0, src: 0, off: 0 }));
      } else {
        s.push(I('jeq_imm', { dst: 0, imm: 0, off: 1 }), I('mov64_imm', { dst: 0, imm: 1 }));
      }
    }
    s.push(I('mul64_imm', { dst: 6, imm: 33 }), I('add64_reg', { dst: 6, src: 0 }));
  }
  s.push(I('mov64_reg', { dst: 0, src: 6 }), EXIT);
  return { ...prog(...s), maps: [map], progType: 'xdp', license: 'GPL' };
}

const ARRAY: MapDef = { name: 'arr', type: 'array', keySize: 4, valueSize: 8, maxEntries: 2, flags: 0 };
const HASH: MapDef = { name: 'hsh', type: 'hash', keySize: 4, valueSize: 8, maxEntries: 2, flags: 0 };
const SCENARIOS: [string, Program][] = [
  ['array: update flags and bounds', scenario(ARRAY, [['update', 0, 5, 0], ['update', 0, 5, 1], ['update', 1, 5, 2], ['update', 2, 5, 0], ['update', 0, 5, 3], ['update', 0, 5, 4]])],
  ['array: delete and lookups', scenario(ARRAY, [['delete', 0], ['delete', 7], ['lookup', 1], ['lookup', 2], ['write', 1, 7], ['write', 1, 7]])],
  ['hash: NOEXIST/EXIST', scenario(HASH, [['update', 1, 1, 2], ['update', 1, 1, 1], ['update', 1, 2, 1], ['update', 1, 3, 2], ['lookup', 1], ['lookup', 2]])],
  ['hash: full map and replacement', scenario(HASH, [['update', 1, 1, 0], ['update', 2, 1, 0], ['update', 3, 1, 0], ['update', 2, 9, 0], ['update', 3, 1, 1], ['delete', 1], ['update', 3, 1, 0]])],
  ['hash: delete and bad flags', scenario(HASH, [['delete', 4], ['update', 4, 1, 0], ['delete', 4], ['delete', 4], ['update', 4, 1, 3], ['update', 4, 1, 4], ['write', 4, 3], ['update', 5, 0, 0], ['write', 5, 3], ['write', 5, 4]])],
];

const oracle = kernelOracle();

describe('map helpers agree with the kernel', () => {
  it.skipIf(!oracle.ok)(`return codes (${oracle.reason || 'kernel available'})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'bpfplay-maps-'));
    const bt = bpftoolPath();
    writeFileSync(join(dir, 'pkt'), new Uint8Array(64));
    const seen: number[] = [];
    try {
      SCENARIOS.forEach(([name, p], k) => {
        const obj = join(dir, `p${k}.o`);
        const pin = `/sys/fs/bpf/bpfplay_maps_${process.pid}_${k}`;
        writeFileSync(obj, writeElf(p, { section: 'xdp', license: 'GPL' }));
        try {
          execFileSync(bt, ['prog', 'load', obj, pin, 'type', 'xdp'], { stdio: 'pipe' });
          const out = JSON.parse(execFileSync(bt, ['-j', 'prog', 'run', 'pinned', pin, 'data_in', join(dir, 'pkt')], { stdio: 'pipe' }).toString()) as { retval: number };
          const env = { program: p, regions: [{ name: 'ctx', kind: 'ctx' as const, base: CTX_BASE, bytes: new Uint8Array(24) }, { name: 'packet', kind: 'packet' as const, base: PACKET_BASE, bytes: new Uint8Array(64) }] };
          const ours = runFast(env);
          expect(ours.fault, name).toBeNull();
          expect(ours.retval, name).toBe(out.retval >>> 0);
          seen.push(out.retval >>> 0);
          const { vm } = createVm(env);
          vm!.run();
          expect(vm!.result().retval, name).toBe(out.retval >>> 0);
        } finally {
          rmSync(pin, { force: true });
        }
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // Every scenario ran, and they are not all the same number (the encoding distinguishes outcomes).
    expect(seen.length).toBe(SCENARIOS.length);
    expect(new Set(seen).size).toBe(SCENARIOS.length);
    console.log(`map helper scenarios, kernel retvals: ${seen.map((v) => '0x' + v.toString(16)).join(' ')}`);
  });
  it.skipIf(!oracle.ok)('tail calls: the 33-call limit and an empty slot', () => {
    // cnt[0] += 1; tail_call(ctx, &jmp, 0); return cnt[0]. With jmp[0] = itself, it re-enters until the limit.
    const pa: MapDef = { name: 'jmp', type: 'prog_array', keySize: 4, valueSize: 4, maxEntries: 4, flags: 0 };
    const cnt: MapDef = { name: 'cnt', type: 'array', keySize: 4, valueSize: 8, maxEntries: 1, flags: 0 };
    const lookupCnt: Slot[] = [I('stw', { dst: 10, off: -4, imm: 0 }), lddw(1, 1n, 1), I('mov64_reg', { dst: 2, src: 10 }), I('add64_imm', { dst: 2, imm: -4 }), I('call', { imm: 1 }), I('jne_imm', { dst: 0, imm: 0, off: 1 }), EXIT].flat();
    const p: Program = {
      ...prog(
        I('mov64_reg', { dst: 9, src: 1 }), ...lookupCnt, I('mov64_imm', { dst: 1, imm: 1 }), I('lock_add', { dst: 0, src: 1, off: 0 }),
        I('mov64_reg', { dst: 1, src: 9 }), lddw(2, 0n, 1), I('mov64_imm', { dst: 3, imm: 0 }), I('call', { imm: 12 }),
        ...lookupCnt, I('ldxdw', { dst: 0, src: 0, off: 0 }), EXIT,
      ),
      maps: [pa, cnt], progType: 'xdp', license: 'GPL',
    };
    const dir = mkdtempSync(join(tmpdir(), 'bpfplay-tail-'));
    const bt = bpftoolPath();
    const pin = `/sys/fs/bpf/bpfplay_tail_${process.pid}`;
    const mapDir = `/sys/fs/bpf/bpfplay_tail_maps_${process.pid}`;
    try {
      writeFileSync(join(dir, 'pkt'), new Uint8Array(64));
      writeFileSync(join(dir, 'p.o'), writeElf(p, { section: 'xdp', license: 'GPL' }));
      execFileSync(bt, ['prog', 'load', join(dir, 'p.o'), pin, 'type', 'xdp', 'pinmaps', mapDir], { stdio: 'pipe' });
      const run = (): number => (JSON.parse(execFileSync(bt, ['-j', 'prog', 'run', 'pinned', pin, 'data_in', join(dir, 'pkt')], { stdio: 'pipe' }).toString()) as { retval: number }).retval >>> 0;
      const maps = [pa, cnt].map((d) => createMap(d) as MapImpl);
      const env = { program: p, maps, regions: [{ name: 'ctx', kind: 'ctx' as const, base: CTX_BASE, bytes: new Uint8Array(24) }, { name: 'packet', kind: 'packet' as const, base: PACKET_BASE, bytes: new Uint8Array(64) }] };
      // Empty slot: falls through at once.
      const k0 = run();
      const o0 = runFast(env);
      expect(o0.fault).toBeNull();
      expect(o0.retval).toBe(k0);
      // Slot 0 = the program itself.
      execFileSync(bt, ['map', 'update', 'pinned', `${mapDir}/jmp`, 'key', '0', '0', '0', '0', 'value', 'pinned', pin], { stdio: 'pipe' });
      maps[0]!.update(Uint8Array.of(0, 0, 0, 0), Uint8Array.of(0, 0, 0, 0), 0);
      const k1 = run();
      const o1 = runFast(env);
      expect(o1.fault).toBeNull();
      expect(o1.retval).toBe(k1);
      expect([k0, k1]).toEqual([1, 1 + 34]);
    } finally {
      rmSync(pin, { force: true });
      rmSync(mapDir, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  });
  if (!oracle.ok) it('explains the skip', () => expect(oracle.reason).not.toBe(''));
});
