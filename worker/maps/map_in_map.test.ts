// array_of_maps / hash_of_maps: creation checks, the inner-map template rule (bpf_map_meta_equal), update and
// delete errors, initial contents by inner map name, program lookups through the assembler's `inner=`;
// the ELF reader's `.values` slots (a clang-19 object compiled from testdata/map_in_map.c); and a
// kernel-differential test: the object under BPF_PROG_TEST_RUN (twice) gives the same return values, and
// `bpftool map dump` of the inner maps afterwards equals bpfplay's inner maps.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble } from '../asm';
import { readElf } from '../elf/read';
import { writeElfObject } from '../elf/write';
import type { MapDef, Program } from '../isa/program';
import { runTestRun } from '../progtypes/run';
import { bpftoolPath, kernelOracle, which } from '../testing/kernel';
import { verify } from '../verifier';
import { MapInMap, BPF_F_INNER_MAP } from './map_in_map';
import { bytesHex, createMap, createMapSet, type MapImpl } from './types';
import './index';

const INNER: MapDef = { name: 'in_a', type: 'array', keySize: 4, valueSize: 8, maxEntries: 4, flags: 0 };
const outerDef = (over: Partial<MapDef> = {}): MapDef => ({ name: 'outer', type: 'array_of_maps', keySize: 4, valueSize: 4, maxEntries: 3, flags: 0, inner: { ...INNER, name: 'outer.inner' }, ...over });
const le = (n: number): Uint8Array => Uint8Array.of(n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24);

describe('array_of_maps and hash_of_maps', () => {
  it('creation checks', () => {
    expect(createMap(outerDef())).toBeInstanceOf(MapInMap);
    expect(createMap(outerDef({ type: 'hash_of_maps', keySize: 8 }))).toBeInstanceOf(MapInMap);
    const bad: [Partial<MapDef>, RegExp][] = [
      [{ valueSize: 8 }, /value_size 4.*-EINVAL/],
      [{ keySize: 8 }, /key_size 4.*-EINVAL/],
      [{ maxEntries: 0 }, /max_entries > 0/],
      [{ inner: undefined }, /inner map template.*-EINVAL/],
      [{ inner: outerDef({ name: 'x' }) }, /cannot itself be a map-in-map/],
      [{ inner: { ...INNER, type: 'sk_storage' } }, /cannot be an inner map.*-ENOTSUPP/],
    ];
    for (const [over, msg] of bad) expect((createMap(outerDef(over)) as { message: string }).message).toMatch(msg);
  });

  it('stores maps that match the template (bpf_map_meta_equal), else -EINVAL / -EBADF', () => {
    const all: MapDef[] = [
      INNER, { ...INNER, name: 'bigger', maxEntries: 8 }, { ...INNER, name: 'hash', type: 'hash' }, { ...INNER, name: 'wide', valueSize: 16 }, outerDef(),
    ];
    const arr = createMap(all[4]!, all) as MapInMap;
    expect(arr.update(le(0), le(0), 0)).toBe(0);
    expect(arr.update(le(1), le(1), 0)).toBe(-22); // array max_entries differs
    expect(arr.update(le(1), le(2), 0)).toBe(-22); // another type
    expect(arr.update(le(1), le(3), 0)).toBe(-22); // another value size
    expect(arr.update(le(1), le(9), 0)).toBe(-9); // no such map
    expect(arr.update(le(3), le(0), 0)).toBe(-7); // index past max_entries
    expect(arr.update(le(1), le(0), 1)).toBe(-22); // fd arrays take BPF_ANY only
    expect(arr.delete(le(1))).toBe(-2);
    expect(arr.delete(le(5))).toBe(-7);
    expect(arr.lookupMap(le(0))).toBe(0);
    expect(arr.lookupMap(le(1))).toBeNull();
    expect(arr.update(le(0), le(0), 0, 0)).toBe(-22); // a program's update
    // BPF_F_INNER_MAP on the template lets arrays of any size in.
    const loose = createMap(outerDef({ inner: { ...INNER, flags: BPF_F_INNER_MAP } }), [...all, { ...INNER, name: 'f', flags: BPF_F_INNER_MAP, maxEntries: 99 }]) as MapInMap;
    expect(loose.update(le(0), le(5), 0)).toBe(0);
    // Hash of maps: hash flags, capacity; hash inner maps may differ in max_entries.
    const hdefs: MapDef[] = [{ ...INNER, type: 'hash', name: 'h1' }, { ...INNER, type: 'hash', name: 'h2', maxEntries: 100 }, outerDef({ type: 'hash_of_maps', maxEntries: 1, inner: { ...INNER, type: 'hash' } })];
    const h = createMap(hdefs[2]!, hdefs) as MapInMap;
    expect(h.update(le(7), le(1), 2)).toBe(-2);
    expect(h.update(le(7), le(1), 0)).toBe(0);
    expect(h.update(le(7), le(0), 1)).toBe(-17);
    expect(h.update(le(8), le(0), 0)).toBe(-7);
    expect(h.entries().map((e) => [bytesHex(e.key), bytesHex(e.value)])).toEqual([['07000000', '01000000']]);
    expect(h.getNextKey(null)).toEqual(le(7));
    expect(h.getNextKey(le(7))).toBeNull();
  });

  it('initial contents may name the inner map; snapshots restore slots', () => {
    const all: MapDef[] = [INNER, { ...INNER, name: 'in_b' }, outerDef({ initial: [{ key: '00000000', value: 'in_b' }, { key: '02000000', value: '00000000' }] })];
    const set = createMapSet(all);
    expect(set.diagnostics).toEqual([]);
    const o = set.maps![2] as MapInMap;
    expect(o.entries().map((e) => [bytesHex(e.key), bytesHex(e.value)])).toEqual([['00000000', '01000000'], ['02000000', '00000000']]);
    const s = o.snapshot();
    o.delete(le(0));
    o.restore(s);
    expect(o.lookupMap(le(0))).toBe(1);
    const bad = createMapSet([INNER, outerDef({ initial: [{ key: '00000000', value: 'nope' }] })]);
    expect(bad.diagnostics[0]?.message).toMatch(/value must be 4 bytes of hex or the name of a map/);
  });

  it('a program looks an inner map up and uses it (assembler inner=)', () => {
    const src = `.map in_a array key=4 value=8 entries=4
.map in_b array key=4 value=8 entries=4
.map outer array_of_maps key=4 entries=2 inner=in_a
	*(u32 *)(r10 - 4) = 1
	r1 = outer ll
	r2 = r10
	r2 += -4
	call bpf_map_lookup_elem
	if r0 == 0 goto none
	r1 = r0
	r2 = r10
	r2 += -4
	call bpf_map_lookup_elem
	if r0 == 0 goto none
	r1 = 5
	*(u64 *)(r0 + 0) = r1
	r0 = 1
	exit
none:
	r0 = 0
	exit
`;
    const r = assemble(src, { syntax: 'llvm' });
    expect(r.diagnostics).toEqual([]);
    const p: Program = { ...r.program!, progType: 'xdp', license: 'GPL' };
    expect(p.maps[2]).toMatchObject({ valueSize: 4, inner: { name: 'in_a', type: 'array', maxEntries: 4 } });
    expect(verify(p, { progType: 'xdp' }).error).toBeNull();
    const withSlot: Program = { ...p, maps: p.maps.map((m) => (m.name === 'outer' ? { ...m, initial: [{ key: '01000000', value: 'in_b' }] } : m)) };
    const maps = createMapSet(withSlot.maps).maps!;
    expect(runTestRun(p, { type: 'xdp', dataIn: new Uint8Array(64) }).output!.retval).toBe(0);
    const run = runTestRun(withSlot, { type: 'xdp', dataIn: new Uint8Array(64) }, { maps });
    expect(run.output!.retval).toBe(1);
    expect(bytesHex(maps[1]!.lookup(le(1))!.bytes)).toBe('0500000000000000');
    expect(bytesHex(maps[0]!.lookup(le(1))!.bytes)).toBe('0000000000000000');
    for (const bad of ['.map o array_of_maps key=4 entries=2 inner=nosuch', '.map a array key=4 value=4 entries=1\n.map o hash key=4 value=4 entries=2 inner=a']) {
      expect(assemble(bad + '\n\tr0 = 0\n\texit\n', { syntax: 'llvm' }).diagnostics[0]?.message).toMatch(/inner=/);
    }
  });
});

describe('map-in-map slots through bpfplay\'s ELF writer', () => {
  const src = `.map in_a array key=4 value=8 entries=4
.map in_b array key=4 value=8 entries=4
.map outer array_of_maps key=4 entries=3 inner=in_a
	*(u32 *)(r10 - 4) = 2
	r1 = outer ll
	r2 = r10
	r2 += -4
	call bpf_map_lookup_elem
	if r0 == 0 goto none
	r1 = r0
	r2 = r10
	r2 += -4
	call bpf_map_lookup_elem
	if r0 == 0 goto none
	r1 = 7
	*(u64 *)(r0 + 0) = r1
	r0 = 1
	exit
none:
	r0 = 0
	exit
`;
  const program = (): Program => {
    const p: Program = { ...assemble(src, { syntax: 'llvm' }).program!, progType: 'xdp', license: 'GPL' };
    return { ...p, maps: p.maps.map((m) => (m.name === 'outer' ? { ...m, initial: [{ key: '02000000', value: '01000000' }] } : m)) };
  };
  it('writeElf emits .values slots that readElf reads back', () => {
    const w = writeElfObject([{ program: program(), section: 'xdp' }]);
    expect(w.diagnostics).toEqual([]);
    const r = readElf(w.bytes);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.maps.find((m) => m.name === 'outer')!.initial).toEqual([{ key: '02000000', value: '01000000' }]);
  });
  const oracle = kernelOracle();
  it.skipIf(!oracle.ok)(`libbpf loads the slots: kernel and bpfplay both reach in_b (${oracle.reason || 'kernel available'})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'bpfplay-mimw-'));
    const pin = `/sys/fs/bpf/bpfplay_mimw_${process.pid}`;
    const mapDir = `/sys/fs/bpf/bpfplay_mimw_maps_${process.pid}`;
    const bt = bpftoolPath();
    try {
      writeFileSync(join(dir, 'p.o'), writeElfObject([{ program: program(), section: 'xdp' }]).bytes);
      writeFileSync(join(dir, 'pkt'), new Uint8Array(64));
      execFileSync(bt, ['prog', 'load', join(dir, 'p.o'), pin, 'type', 'xdp', 'pinmaps', mapDir], { stdio: 'pipe' });
      const k = (JSON.parse(execFileSync(bt, ['-j', 'prog', 'run', 'pinned', pin, 'data_in', join(dir, 'pkt')], { stdio: 'pipe' }).toString()) as { retval: number }).retval;
      const p = program();
      const maps = createMapSet(p.maps).maps!;
      expect(runTestRun(p, { type: 'xdp', dataIn: new Uint8Array(64) }, { maps }).output!.retval).toBe(k);
      expect(k).toBe(1);
      const dump = (JSON.parse(execFileSync(bt, ['-j', 'map', 'dump', 'pinned', `${mapDir}/in_b`], { stdio: 'pipe' }).toString()) as { key: string[]; value: string[] }[])
        .map((e) => [e.key.map((x) => x.replace(/^0x/, '')).join(''), e.value.map((x) => x.replace(/^0x/, '')).join('')]);
      expect(maps[1]!.entries().map((e) => [bytesHex(e.key), bytesHex(e.value)])).toEqual(dump);
    } finally {
      rmSync(pin, { force: true });
      rmSync(mapDir, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const SRC = resolve(__dirname, 'testdata/map_in_map.c');
const clang = which('clang-19');

/** Compiles testdata/map_in_map.c as scripts/record-clang-objects.sh compiles test objects. */
function compile(dir: string): Uint8Array {
  const out = join(dir, 'mim.o');
  execFileSync(clang!, ['-target', 'bpf', '-O2', '-g', '-I/usr/include/x86_64-linux-gnu', '-c', SRC, '-o', out], { stdio: 'pipe' });
  return new Uint8Array(readFileSync(out));
}

describe('map-in-map from a clang object', () => {
  it.skipIf(!clang)('the ELF reader turns .values into initial slots', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bpfplay-mim-'));
    try {
      const r = readElf(compile(dir));
      expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const byName = Object.fromEntries(r.maps.map((m, i) => [m.name, { m, i }]));
      expect(byName.outer!.m.inner).toMatchObject({ type: 'array', keySize: 4, valueSize: 8, maxEntries: 4 });
      expect(byName.outer!.m.initial).toEqual([{ key: '00000000', value: bytesHex(le(byName.in_a!.i)) }, { key: '02000000', value: bytesHex(le(byName.in_b!.i)) }]);
      expect(byName.houter!.m.initial).toEqual([{ key: '01000000', value: bytesHex(le(byName.in_b!.i)) }]);
      const p = r.programs[0]!;
      expect(verify(p, { progType: 'xdp' }).error).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!clang)('prog_array .values slots are left out with a warning, not an error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bpfplay-mim-'));
    try {
      writeFileSync(join(dir, 'pa.c'), `#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
int tail(struct xdp_md *ctx);
struct { __uint(type, BPF_MAP_TYPE_PROG_ARRAY); __uint(max_entries, 2); __uint(key_size, 4); __array(values, int (void *)); } jt SEC(".maps") = { .values = { [1] = (void *)&tail } };
SEC("xdp") int tail(struct xdp_md *ctx) { return 1; }
SEC("xdp") int entry(struct xdp_md *ctx) { bpf_tail_call(ctx, &jt, 1); return 2; }
char _license[] SEC("license") = "GPL";
`);
      execFileSync(clang!, ['-target', 'bpf', '-O2', '-g', '-I/usr/include/x86_64-linux-gnu', '-c', join(dir, 'pa.c'), '-o', join(dir, 'pa.o')], { stdio: 'pipe' });
      const r = readElf(new Uint8Array(readFileSync(join(dir, 'pa.o'))));
      expect(r.diagnostics.map((d) => [d.severity, d.message])).toEqual([['warning', 'map jt: prog_array initial slots (.values) are not applied; set its entries as initial contents']]);
      expect(r.programs.length).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const oracle = kernelOracle();
  it.skipIf(!clang || !oracle.ok)(`kernel and bpfplay agree: retvals and inner maps after two runs (${oracle.reason || 'kernel available'})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'bpfplay-mim-'));
    const bt = bpftoolPath();
    const pin = `/sys/fs/bpf/bpfplay_mim_${process.pid}`;
    const mapDir = `/sys/fs/bpf/bpfplay_mim_maps_${process.pid}`;
    try {
      const obj = compile(dir);
      execFileSync('cp', [join(dir, 'mim.o'), join(dir, 'load.o')]);
      execFileSync(bt, ['prog', 'load', join(dir, 'load.o'), pin, 'type', 'xdp', 'pinmaps', mapDir], { stdio: 'pipe' });
      execFileSync('sh', ['-c', `head -c 64 /dev/zero > ${join(dir, 'pkt')}`]);
      const r = readElf(obj);
      const p = r.programs[0]!;
      const maps = createMapSet(p.maps).maps!;
      const retvals: number[] = [];
      for (let run = 0; run < 2; run++) {
        const k = (JSON.parse(execFileSync(bt, ['-j', 'prog', 'run', 'pinned', pin, 'data_in', join(dir, 'pkt')], { stdio: 'pipe' }).toString()) as { retval: number }).retval >>> 0;
        const ours = runTestRun(p, { type: 'xdp', dataIn: new Uint8Array(64) }, { maps });
        expect(ours.diagnostics).toEqual([]);
        expect(ours.output!.retval, `run ${run + 1}`).toBe(k);
        retvals.push(k);
      }
      const dump = (name: string): string[][] =>
        (JSON.parse(execFileSync(bt, ['-j', 'map', 'dump', 'pinned', `${mapDir}/${name}`], { stdio: 'pipe' }).toString()) as { key: string[]; value: string[] }[])
          .map((e) => [e.key.map((x) => x.replace(/^0x/, '')).join(''), e.value.map((x) => x.replace(/^0x/, '')).join('')]);
      const ours = (m: MapImpl): string[][] => m.entries().map((e) => [bytesHex(e.key), bytesHex(e.value)]);
      for (const name of ['in_a', 'in_b']) {
        const i = p.maps.findIndex((m) => m.name === name);
        expect(ours(maps[i]!), name).toEqual(dump(name));
      }
      console.log(`map-in-map: kernel retvals ${retvals.join(', ')}; in_b = ${JSON.stringify(dump('in_b'))}`);
    } finally {
      rmSync(pin, { force: true });
      rmSync(mapDir, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
