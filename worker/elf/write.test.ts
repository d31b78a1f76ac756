// writeElf: readElf(writeElf(p)) gives p back for every program of the clang-19 objects and for programs
// built by hand (no funcs table, calls, maps of several kinds, global data); and when the kernel is
// available, `bpftool prog load` (Debian's bpftool with libbpf 1.x) accepts what we write.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ensureBpffs, loadObject, pinPath, unpin } from '../../scripts/kdiff-bpftool';
import type { Slot } from '../isa/insn';
import type { MapDef, Program } from '../isa/program';
import { kernelOracle } from '../testing/kernel';
import { readElf } from './read';
import { writeElf, writeElfObject } from './write';

const OBJ = path.resolve(__dirname, '../../testdata/obj');
const compiled: Program[] = readdirSync(OBJ)
  .filter((f) => f.endsWith('.o'))
  .sort()
  .flatMap((f) => readElf(new Uint8Array(readFileSync(path.join(OBJ, f)))).programs);

/** A program as the reader returns it, without file locations (which differ between objects) and without
 * source lines (clang's .BTF.ext line_info; the writer does not write line info). */
function norm(p: Program): unknown {
  const m = (x: MapDef): MapDef => ({ ...x, loc: undefined, inner: x.inner ? m(x.inner) : undefined });
  return { ...p, maps: p.maps.map(m), sourceMap: undefined };
}

const S = (opcode: number, dst = 0, src = 0, off = 0, imm = 0): Slot => ({ opcode, dst, src, off, imm });
const MOV64_K = 0xb7, EXIT = 0x95, CALL = 0x85, LDDW = 0x18, ADD64_K = 0x07, STW = 0x62, MOV64_X = 0xbf, ADD64_X = 0x0f;

/** r0 = f(1) + f(2) with f(x) = g(x) + 1, g(x) = x * 1 via a helper-free chain; no funcs table given. */
const hand: Program = {
  slots: [
    S(MOV64_K, 1, 0, 0, 1), S(CALL, 0, 1, 0, 5), S(MOV64_X, 6, 0), S(MOV64_K, 1, 0, 0, 2), S(CALL, 0, 1, 0, 2),
    S(ADD64_X, 0, 6), S(EXIT),
    // f at 7
    S(CALL, 0, 1, 0, 2), S(ADD64_K, 0, 0, 0, 1), S(EXIT),
    // g at 10
    S(MOV64_X, 0, 1), S(EXIT),
  ],
  maps: [],
  labels: {},
  origin: 'bytes',
  progType: 'xdp',
};

const mapsProg: Program = {
  slots: [
    S(STW, 10, 0, -4, 0), S(MOV64_X, 2, 10), S(ADD64_K, 2, 0, 0, -4),
    S(LDDW, 1, 1, 0, 1), S(0, 0, 0, 0, 0), S(CALL, 0, 0, 0, 1), // lookup(hash)
    S(MOV64_X, 2, 10), S(ADD64_K, 2, 0, 0, -4), S(LDDW, 1, 1, 0, 0), S(0), S(CALL, 0, 0, 0, 1), // lookup(array)
    S(LDDW, 3, 2, 0, 2), S(0, 0, 0, 0, 4), // &.data[4]
    S(MOV64_K, 0, 0, 0, 2), S(EXIT),
  ],
  maps: [
    { name: 'arr', type: 'array', keySize: 4, valueSize: 16, maxEntries: 8, flags: 0 },
    { name: 'counts', type: 'hash', keySize: 4, valueSize: 8, maxEntries: 100, flags: 1 },
    { name: '.data', type: 'array', keySize: 4, valueSize: 8, maxEntries: 1, flags: 0x400, initial: [{ key: '00000000', value: '0102030405060708' }] },
    {
      name: 'outer', type: 'hash_of_maps', keySize: 4, valueSize: 4, maxEntries: 4, flags: 0,
      inner: { name: 'outer.inner', type: 'array', keySize: 4, valueSize: 4, maxEntries: 2, flags: 0 },
    },
  ],
  labels: {},
  origin: 'bytes',
  progType: 'xdp',
};

describe('writeElf', () => {
  it('round-trips every program of the clang-19 objects', () => {
    expect(compiled.length).toBeGreaterThanOrEqual(15);
    for (const p of compiled) {
      const back = readElf(writeElf(p));
      expect(back.diagnostics).toEqual([]);
      expect(back.programs.map(norm)).toEqual([norm(p)]);
    }
  });

  it('round-trips hand-built programs: sub-programs found from call targets, maps of several kinds, global data', () => {
    const b1 = readElf(writeElf(hand, { name: 'two_calls', license: 'Dual MIT/GPL' }));
    expect(b1.diagnostics).toEqual([]);
    const p1 = b1.programs[0]!;
    expect(p1.slots).toEqual(hand.slots);
    expect(p1.funcs).toEqual({ 0: 'two_calls', 7: 'sub_7', 10: 'sub_10' });
    expect(p1).toMatchObject({ section: 'xdp', progType: 'xdp', license: 'Dual MIT/GPL' });

    const w = writeElfObject([{ program: mapsProg, section: 'classifier', name: 'maps' }]);
    expect(w.diagnostics).toEqual([]);
    const b2 = readElf(w.bytes);
    expect(b2.diagnostics).toEqual([]);
    const p2 = b2.programs[0]!;
    // Map order in an object: BTF maps, then global data (libbpf's order), so indices are remapped.
    expect(p2.maps.map((m) => m.name)).toEqual(['arr', 'counts', 'outer', '.data']);
    const byName = (p: Program, pc: number): string => p.maps[p.slots[pc]!.imm]!.name;
    for (const pc of [3, 8, 11]) expect(byName(p2, pc)).toBe(byName(mapsProg, pc));
    expect(p2.slots[12]!.imm).toBe(4);
    expect(norm({ ...p2, maps: [] })).toMatchObject({ progType: 'sched_cls', section: 'classifier' });
    expect(p2.maps.map((m) => ({ ...m, loc: undefined, inner: m.inner ? { ...m.inner, loc: undefined } : undefined }))).toEqual(
      [mapsProg.maps[0], mapsProg.maps[1], mapsProg.maps[3], mapsProg.maps[2]].map((m) => ({ ...m!, loc: undefined, inner: m!.inner ? { ...m!.inner, loc: undefined } : undefined })),
    );
  });

  it('reports what libbpf cannot express instead of writing it', () => {
    const bad: Program = { ...mapsProg, slots: [S(LDDW, 1, 2, 0, 0), S(0), S(LDDW, 1, 5, 0, 0), S(0), S(LDDW, 1, 1, 0, 9), S(0), S(EXIT)] };
    const w = writeElfObject([{ program: bad }]);
    expect(w.diagnostics.map((d) => d.message)).toEqual([
      expect.stringMatching(/arr is not global data/),
      expect.stringMatching(/src 5 cannot be written/),
      expect.stringMatching(/map 9, which does not exist/),
    ]);
  });

  it('round-trips random straight-line programs', () => {
    const slot = fc.record({
      opcode: fc.constantFrom(0x07, 0x0f, 0x17, 0x1f, 0x27, 0x2f, 0x47, 0x57, 0x67, 0xa7, 0xb7, 0xbf, 0x04, 0xb4, 0xbc, 0x61, 0x63, 0x7a, 0x7b),
      dst: fc.integer({ min: 0, max: 10 }),
      src: fc.integer({ min: 0, max: 10 }),
      off: fc.integer({ min: -32768, max: 32767 }),
      imm: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    });
    fc.assert(
      fc.property(fc.array(slot, { minLength: 1, maxLength: 40 }), fc.constantFrom('xdp', 'socket_filter', 'kprobe', 'sched_cls', 'sk_skb'), (slots, progType) => {
        const p: Program = { slots: [...slots, S(EXIT)], maps: [], labels: {}, origin: 'bytes', progType };
        const back = readElf(writeElf(p));
        expect(back.diagnostics).toEqual([]);
        expect(back.programs[0]!.slots).toEqual(p.slots);
        expect(back.programs[0]!.progType).toBe(progType);
      }),
      { numRuns: 200 },
    );
  });

  it('never throws on arbitrary programs (calls and ld_imm64 with any imm, missing maps), and what it writes reads back', () => {
    const slot = fc.record({
      opcode: fc.constantFrom(0x85, 0x18, 0x00, 0x95, 0x07, 0xb7, 0x05, 0x15, 0x61),
      dst: fc.integer({ min: 0, max: 15 }),
      src: fc.integer({ min: 0, max: 15 }),
      off: fc.integer({ min: -32768, max: 32767 }),
      imm: fc.oneof(fc.integer({ min: -4, max: 40 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })),
    });
    fc.assert(
      fc.property(fc.array(slot, { maxLength: 40 }), fc.nat({ max: 3 }), fc.dictionary(fc.nat({ max: 60 }).map(String), fc.string({ maxLength: 8 })), (slots, nMaps, funcs) => {
        const p: Program = {
          slots, labels: {}, origin: 'bytes', funcs: Object.fromEntries(Object.entries(funcs).map(([k, v]) => [Number(k), v])),
          maps: mapsProg.maps.slice(0, nMaps),
        };
        const w = writeElfObject([{ program: p }]);
        const back = readElf(w.bytes);
        expect(back.diagnostics.filter((d) => d.code === 'bug')).toEqual([]);
        if (slots.length === 0) expect(w.diagnostics.some((d) => /empty/.test(d.message))).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  const oracle = kernelOracle();
  it.skipIf(!oracle.ok)(`bpftool prog load accepts written objects of many program types${oracle.ok ? '' : ` (skipped: ${oracle.reason})`}`, () => {
    const mnt = ensureBpffs();
    expect(mnt).toBe('');
    const toLoad: [string, Program][] = [
      ...compiled.map((p) => [`${p.section}:${p.funcs![0]}`, p] as [string, Program]),
      ['hand-built calls', hand],
      ['hand-built maps', { ...mapsProg, slots: mapsProg.slots.slice(0, 11).concat([S(MOV64_K, 0, 0, 0, 2), S(EXIT)]) }],
    ];
    const failures: string[] = [];
    for (const [what, p] of toLoad) {
      const pin = pinPath('elf');
      try {
        const r = loadObject(writeElf(p), pin);
        if (!r.ok) failures.push(`${what}: ${r.log.split('\n').slice(-6).join('\n')}`);
      } finally {
        unpin(pin);
      }
    }
    expect(failures).toEqual([]);
    expect(new Set(toLoad.map(([, p]) => p.progType)).size).toBeGreaterThanOrEqual(10);
  });
});
