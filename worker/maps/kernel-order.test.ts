// Four map behaviours the per-type kernel-differential corpus (worker/kdiff/pertype.test.ts) found, pinned
// as unit tests without a kernel: queue/stack pop and peek zero the buffer when empty (__queue_map_get,
// __stack_map_get), per-CPU array updates check the index before BPF_F_LOCK (array_map_update_elem), an LPM
// lookup above the maximum prefix length is NULL (trie_lookup_elem), and an LPM update of a stored prefix
// replaces the node's key (trie_update_elem). Plus the flag/index order of the other array and hash maps.
import { describe, expect, it } from 'vitest';
import { assemble } from '../asm';
import type { MapDef, Program } from '../isa/program';
import { runTestRun } from '../progtypes/run';
import { BPF_EXIST, BPF_F_LOCK, BPF_NOEXIST, E2BIG, EEXIST, EINVAL, ENOENT, createMap, type MapImpl } from './types';
import type { LpmTrieMap } from './lpm_trie';
import './index';

const def = (type: string, keySize: number, valueSize: number, maxEntries: number, flags = 0): MapDef => ({ name: 'm', type, keySize, valueSize, maxEntries, flags });
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const key4 = (i: number): Uint8Array => Uint8Array.of(i & 0xff, (i >>> 8) & 0xff, (i >>> 16) & 0xff, (i >>> 24) & 0xff);

function asm(src: string): Program {
  const r = assemble(src, { syntax: 'llvm' });
  if (!r.program) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return { ...r.program, progType: 'xdp', license: 'GPL' };
}

describe('queue and stack: pop/peek on an empty map zero the value buffer', () => {
  for (const type of ['queue', 'stack'])
    for (const helper of ['bpf_map_pop_elem', 'bpf_map_peek_elem'])
      it(`${type} ${helper}`, () => {
        // fill the buffer with a pattern, pop/peek on the empty map, return (buffer >> 32) | (rc & 0xff):
        // 0xfe (-ENOENT, zeroed buffer); a kept buffer would give 0x112233fe
        const p = asm(
          `.map q ${type} key=0 value=8 entries=2\n` +
            '\tr1 = 0x1122334455667788 ll\n\t*(u64 *)(r10 - 8) = r1\n' +
            `\tr1 = q ll\n\tr2 = r10\n\tr2 += -8\n\tcall ${helper}\n` +
            '\tr0 &= 0xff\n\tr1 = *(u64 *)(r10 - 8)\n\tr1 >>= 32\n\tr0 |= r1\n\texit\n',
        );
        const r = runTestRun(p, { type: 'xdp', dataIn: new Uint8Array(64) });
        expect(r.diagnostics).toEqual([]);
        expect(r.output?.retval).toBe(0xfe);
      });
  it('a non-empty pop still returns the value', () => {
    const p = asm(
      '.map q queue key=0 value=8 entries=2\n' +
        '\tr1 = 0x1234 ll\n\t*(u64 *)(r10 - 8) = r1\n\tr1 = q ll\n\tr2 = r10\n\tr2 += -8\n\tr3 = 0\n\tcall bpf_map_push_elem\n' +
        '\tr1 = 0\n\t*(u64 *)(r10 - 8) = r1\n\tr1 = q ll\n\tr2 = r10\n\tr2 += -8\n\tcall bpf_map_pop_elem\n' +
        '\tr0 = *(u64 *)(r10 - 8)\n\texit\n',
    );
    const r = runTestRun(p, { type: 'xdp', dataIn: new Uint8Array(64) });
    expect(r.diagnostics).toEqual([]);
    expect(r.output?.retval).toBe(0x1234);
  });
});

describe('array-like updates: unknown flags, then the index, then BPF_NOEXIST, then BPF_F_LOCK', () => {
  const cases: [string, MapDef, Uint8Array, number, number][] = [
    // [what, map, key, flags, expected rc]
    ['percpu_array F_LOCK past the end', def('percpu_array', 4, 8, 2), key4(2), BPF_F_LOCK, -E2BIG],
    ['percpu_array F_LOCK|EXIST past the end', def('percpu_array', 4, 8, 2), key4(7), BPF_F_LOCK | BPF_EXIST, -E2BIG],
    ['percpu_array F_LOCK|NOEXIST in range', def('percpu_array', 4, 8, 2), key4(1), BPF_F_LOCK | BPF_NOEXIST, -EEXIST],
    ['percpu_array F_LOCK in range', def('percpu_array', 4, 8, 2), key4(1), BPF_F_LOCK, -EINVAL],
    ['percpu_array unknown flag past the end', def('percpu_array', 4, 8, 2), key4(9), 8, -EINVAL],
    ['array F_LOCK past the end', def('array', 4, 8, 2), key4(2), BPF_F_LOCK, -E2BIG],
    ['array F_LOCK|NOEXIST in range', def('array', 4, 8, 2), key4(0), BPF_F_LOCK | BPF_NOEXIST, -EEXIST],
    ['array F_LOCK in range', def('array', 4, 8, 2), key4(0), BPF_F_LOCK, -EINVAL],
    // htab_map_update_elem rejects F_LOCK without a spin lock before looking at the key
    ['hash F_LOCK|EXIST on an absent key', def('hash', 4, 8, 2), key4(5), BPF_F_LOCK | BPF_EXIST, -EINVAL],
    // __htab_percpu_map_update_elem: anything above BPF_EXIST is -EINVAL
    ['percpu_hash F_LOCK|EXIST on an absent key', def('percpu_hash', 4, 8, 2), key4(5), BPF_F_LOCK | BPF_EXIST, -EINVAL],
    ['lru_hash F_LOCK|EXIST on an absent key', def('lru_hash', 4, 8, 2), key4(5), BPF_F_LOCK | BPF_EXIST, -EINVAL],
  ];
  for (const [what, d, key, flags, rc] of cases)
    it(what, () => {
      const m = createMap(d) as MapImpl;
      expect('severity' in m).toBe(false);
      // a program's update (cpu given)
      expect(m.update(key, new Uint8Array(8).fill(1), flags, 0)).toBe(rc);
      // user space: map_update_elem in the bpf() syscall refuses BPF_F_LOCK without a spin lock first
      if (flags & BPF_F_LOCK) expect(m.update(key, new Uint8Array(64).fill(1), flags)).toBe(-EINVAL);
    });
  it('percpu_hash without F_LOCK still follows EXIST/NOEXIST', () => {
    const m = createMap(def('percpu_hash', 4, 8, 2)) as MapImpl;
    expect(m.update(key4(5), new Uint8Array(8), BPF_EXIST)).toBe(-ENOENT);
    expect(m.update(key4(5), new Uint8Array(8), BPF_NOEXIST)).toBe(0);
    expect(m.update(key4(5), new Uint8Array(8), BPF_NOEXIST)).toBe(-EEXIST);
  });
});

describe('LPM trie', () => {
  const k = (p: number, a: number[]): Uint8Array => Uint8Array.of(p & 0xff, (p >>> 8) & 0xff, 0, 0, ...a);
  it('a lookup with prefixlen above the maximum finds nothing', () => {
    const m = createMap(def('lpm_trie', 8, 1, 8, 1)) as LpmTrieMap;
    expect(m.update(k(8, [10, 0, 0, 0]), Uint8Array.of(8), 0)).toBe(0);
    expect(m.lookup(k(32, [10, 1, 2, 3]))!.bytes[0]).toBe(8);
    expect(m.lookup(k(33, [10, 1, 2, 3]))).toBeNull();
    expect(m.lookup(k(0x100, [10, 1, 2, 3]))).toBeNull();
    expect(m.update(k(33, [10, 1, 2, 3]), Uint8Array.of(1), 0)).toBe(-EINVAL);
    expect(m.delete(k(33, [10, 0, 0, 0]))).toBe(-EINVAL);
  });
  it('updating a stored prefix with other bits past it replaces the stored key', () => {
    const m = createMap(def('lpm_trie', 8, 1, 8, 1)) as LpmTrieMap;
    expect(m.update(k(8, [10, 1, 2, 3]), Uint8Array.of(1), 0)).toBe(0);
    expect(m.update(k(8, [10, 9, 9, 9]), Uint8Array.of(2), BPF_EXIST)).toBe(0);
    expect(m.update(k(8, [10, 7, 7, 7]), Uint8Array.of(3), BPF_NOEXIST)).toBe(-EEXIST);
    expect(m.entries().map((e) => [hex(e.key), hex(e.value)])).toEqual([['080000000a090909', '02']]);
    expect(hex(m.getNextKey(null)!)).toBe('080000000a090909');
    expect(m.lookup(k(32, [10, 200, 0, 1]))!.bytes[0]).toBe(2);
    // snapshot/restore keeps the replaced key
    const snap = m.snapshot();
    m.update(k(8, [10, 0, 0, 0]), Uint8Array.of(4), 0);
    expect(hex(m.entries()[0]!.key)).toBe('080000000a000000');
    m.restore(snap);
    expect(m.entries().map((e) => [hex(e.key), hex(e.value)])).toEqual([['080000000a090909', '02']]);
  });
});
