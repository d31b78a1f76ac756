// Map semantics: the kernel's errnos and flags for array, hash and prog_array (kernel/bpf/arraymap.c,
// hashtab.c), definition checks, dumps and snapshots.
import { describe, expect, it } from 'vitest';
import type { MapDef } from '../isa/program';
import {
  BPF_ANY, BPF_EXIST, BPF_F_LOCK, BPF_NOEXIST, E2BIG, EEXIST, EINVAL, ENOENT, bytesHex, createMap, registeredMapTypes, type MapImpl,
} from './index';

const k32 = (i: number): Uint8Array => Uint8Array.from([i & 0xff, (i >> 8) & 0xff, (i >> 16) & 0xff, i >>> 24]);
const v64 = (i: number): Uint8Array => Uint8Array.from([i, 0, 0, 0, 0, 0, 0, 0]);
function mk(def: Partial<MapDef> & { type: string }): MapImpl {
  const m = createMap({ name: 'm', keySize: 4, valueSize: 8, maxEntries: 2, flags: 0, ...def });
  if ('severity' in m) throw new Error(m.message);
  return m;
}

describe('registry', () => {
  it('has the core types and explains an unknown one', () => {
    expect(registeredMapTypes()).toEqual(expect.arrayContaining(['array', 'hash', 'prog_array']));
    const d = createMap({ name: 'x', type: 'nope', keySize: 4, valueSize: 4, maxEntries: 1, flags: 0, loc: { line: 3, col: 1 } });
    expect('severity' in d && d.message).toMatch(/map type 'nope' is not simulated/);
    expect('severity' in d && d.loc.line).toBe(3);
  });
  it('rejects bad definitions as the kernel map_alloc_check does', () => {
    for (const bad of [
      { type: 'array', keySize: 8 }, { type: 'array', valueSize: 0 }, { type: 'array', maxEntries: 0 },
      { type: 'hash', keySize: 0 }, { type: 'hash', valueSize: 0 }, { type: 'prog_array', valueSize: 8 },
    ]) {
      const d = createMap({ name: 'b', keySize: 4, valueSize: 8, maxEntries: 2, flags: 0, ...bad });
      expect('severity' in d, JSON.stringify(bad)).toBe(true);
    }
  });
  it('fills initial contents and reports a bad one', () => {
    const m = mk({ type: 'hash', initial: [{ key: '01000000', value: '0200000000000000' }] });
    expect(m.entries().map((e) => [bytesHex(e.key), bytesHex(e.value)])).toEqual([['01000000', '0200000000000000']]);
    const d = createMap({ name: 'b', type: 'hash', keySize: 4, valueSize: 8, maxEntries: 1, flags: 0, initial: [{ key: '01', value: '00' }] });
    expect('severity' in d && d.message).toMatch(/key must be 4 bytes/);
  });
});

describe('array', () => {
  it('lookup is a live view; out-of-range is null', () => {
    const m = mk({ type: 'array' });
    const v = m.lookup(k32(1))!;
    v.bytes[0] = 9;
    expect(m.lookup(k32(1))!.bytes[0]).toBe(9);
    expect(m.lookup(k32(1))!.slot).toBe(1);
    expect(m.lookup(k32(2))).toBeNull();
  });
  it('update errnos', () => {
    const m = mk({ type: 'array' });
    expect(m.update(k32(0), v64(1), BPF_ANY)).toBe(0);
    expect(m.update(k32(0), v64(1), BPF_EXIST)).toBe(0);
    expect(m.update(k32(0), v64(1), BPF_NOEXIST)).toBe(-EEXIST);
    expect(m.update(k32(2), v64(1), BPF_ANY)).toBe(-E2BIG);
    expect(m.update(k32(0), v64(1), 3)).toBe(-EINVAL);
    expect(m.update(k32(0), v64(1), BPF_F_LOCK)).toBe(-EINVAL);
  });
  it('delete is -EINVAL; get_next_key walks indices', () => {
    const m = mk({ type: 'array', maxEntries: 3 });
    expect(m.delete(k32(0))).toBe(-EINVAL);
    expect(m.getNextKey(null)).toEqual(k32(0));
    expect(m.getNextKey(k32(1))).toEqual(k32(2));
    expect(m.getNextKey(k32(2))).toBeNull();
    expect(m.getNextKey(k32(7))).toEqual(k32(0));
    expect(m.entries().length).toBe(3);
  });
  it('values sit valueStride apart in valueArea', () => {
    const m = mk({ type: 'array', valueSize: 5, maxEntries: 3 });
    expect(m.valueStride).toBe(8);
    expect(m.valueArea.length).toBe(24);
    m.update(k32(2), Uint8Array.from([1, 2, 3, 4, 5]), BPF_ANY);
    expect([...m.valueArea.subarray(16, 21)]).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('hash', () => {
  it('update/delete errnos', () => {
    const m = mk({ type: 'hash' });
    expect(m.update(k32(1), v64(1), BPF_EXIST)).toBe(-ENOENT);
    expect(m.update(k32(1), v64(1), BPF_NOEXIST)).toBe(0);
    expect(m.update(k32(1), v64(2), BPF_NOEXIST)).toBe(-EEXIST);
    expect(m.update(k32(1), v64(3), BPF_EXIST)).toBe(0);
    expect(m.update(k32(2), v64(4), BPF_ANY)).toBe(0);
    expect(m.update(k32(3), v64(5), BPF_ANY)).toBe(-E2BIG);
    expect(m.update(k32(2), v64(6), BPF_ANY)).toBe(0); // replacing when full is fine
    expect(m.update(k32(2), v64(6), 4 | 8)).toBe(-EINVAL);
    expect(m.delete(k32(9))).toBe(-ENOENT);
    expect(m.delete(k32(1))).toBe(0);
    expect(m.update(k32(3), v64(5), BPF_ANY)).toBe(0);
    expect(m.entries().map((e) => e.value[0])).toEqual([6, 5]);
  });
  it('reuses the freed slot and keeps lookups live', () => {
    const m = mk({ type: 'hash' });
    m.update(k32(1), v64(1), BPF_ANY);
    const s = m.lookup(k32(1))!.slot;
    m.delete(k32(1));
    m.update(k32(5), v64(5), BPF_ANY);
    expect(m.lookup(k32(5))!.slot).toBe(s);
    m.lookup(k32(5))!.bytes[1] = 7;
    expect(m.entries()[0]!.value[1]).toBe(7);
  });
  it('get_next_key walks every key once; entries are sorted by key', () => {
    const m = mk({ type: 'hash', maxEntries: 8 });
    for (const k of [5, 1, 3]) m.update(k32(k), v64(k), BPF_ANY);
    const seen: number[] = [];
    for (let k = m.getNextKey(null); k; k = m.getNextKey(k)) seen.push(k[0]!);
    expect(seen.sort()).toEqual([1, 3, 5]);
    expect(m.entries().map((e) => e.key[0])).toEqual([1, 3, 5]);
  });
  it('snapshot and restore', () => {
    const m = mk({ type: 'hash' });
    m.update(k32(1), v64(1), BPF_ANY);
    const s = m.snapshot();
    const area = m.valueArea;
    m.update(k32(2), v64(2), BPF_ANY);
    m.delete(k32(1));
    m.restore(s);
    expect(m.valueArea).toBe(area);
    expect(m.entries().map((e) => e.key[0])).toEqual([1]);
  });
});

describe('prog_array', () => {
  it('kernel fd_array errnos', () => {
    const m = mk({ type: 'prog_array', valueSize: 4 });
    expect(m.update(k32(0), k32(1), BPF_NOEXIST)).toBe(-EINVAL);
    expect(m.update(k32(5), k32(1), BPF_ANY)).toBe(-E2BIG);
    expect(m.delete(k32(0))).toBe(-ENOENT);
    expect(m.update(k32(0), k32(1), BPF_ANY)).toBe(0);
    expect(m.delete(k32(0))).toBe(0);
    expect(m.lookup(k32(0))).toBeNull();
    expect(m.valuesAccessible).toBe(false);
  });
});
