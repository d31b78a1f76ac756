// bpf_for_each_map_elem walks an LRU map without marking its elements referenced: the kernel's
// bpf_for_each_hash_elem reads the elements directly, not through htab_lru_map_lookup_elem, so it does not
// call bpf_lru_node_set_ref (worker/helpers/loop.ts reads them with MapImpl.peek).
import { describe, expect, it } from 'vitest';
import type { MapDef, Program } from '../isa/program';
import { EXIT, ins, lddw, prog } from '../vm/testprog';
import { runFast } from '../vm/vm';
import { createMap } from './types';
import type { LruHashMap } from './lru_hash';
import './index';

const lru = (type = 'lru_hash'): MapDef => ({
  name: 'l', type, keySize: 4, valueSize: 8, maxEntries: 8, flags: 0,
  initial: [1, 2, 3, 4, 5].map((k) => ({ key: `0${k}000000`, value: '0000000000000000' })),
});

/** n = for_each(&l, cb, 0, 0); return n.   cb: return 0. */
const forEach = (): Program => ({
  ...prog(lddw(1, 0n, 1), lddw(2, 4n, 4), ins('mov64_imm', { dst: 3, imm: 0 }), ins('mov64_imm', { dst: 4, imm: 0 }), ins('call', { imm: 164 }), EXIT,
    ins('mov64_imm', { dst: 0, imm: 0 }), EXIT),
});
/** *(u32 *)(r10 - 4) = 3; return lookup(&l, r10 - 4) != 0. */
const lookup3 = (): Program => ({
  ...prog(ins('stw', { dst: 10, off: -4, imm: 3 }), lddw(1, 0n, 1), ins('mov64_reg', { dst: 2, src: 10 }), ins('add64_imm', { dst: 2, imm: -4 }), ins('call', { imm: 1 }),
    ins('jeq_imm', { dst: 0, imm: 0, off: 1 }), ins('mov64_imm', { dst: 0, imm: 1 }), EXIT),
});

describe('for_each_map_elem on LRU maps', () => {
  for (const type of ['lru_hash', 'lru_percpu_hash'])
    it(`${type}: visits every element and sets no reference bit; a lookup does`, () => {
      const d = lru(type);
      const m = createMap(d) as LruHashMap;
      expect('severity' in m).toBe(false);
      const r = runFast({ program: { ...forEach(), maps: [d] }, maps: [m] });
      expect(r.fault).toBeNull();
      expect(r.r0).toBe(5n);
      expect([...m.lru.ref].every((b) => b === 0)).toBe(true);
      // the check can fail: a program's lookup marks the element
      const l = runFast({ program: { ...lookup3(), maps: [d] }, maps: [m] });
      expect(l.r0).toBe(1n);
      expect([...m.lru.ref].filter((b) => b !== 0).length).toBe(1);
    });
});
