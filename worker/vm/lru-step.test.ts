// Step mode and runFast must leave an LRU map in the same state. Step records read map values before and
// after a helper changes them (Machine.mapWillChange / finishMapChanges); they read with MapImpl.peek, which
// does not set the LRU reference bit, so recording a step does not change which keys the map evicts later.
import { describe, expect, it } from 'vitest';
import { assemble } from '../asm';
import type { Program } from '../isa/program';
import type { MapImpl } from '../maps/types';
import { createVm, runFast } from './vm';

function asm(src: string): Program {
  const r = assemble(src, { syntax: 'llvm' });
  if (!r.program) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return { ...r.program, progType: 'xdp', license: 'GPL' };
}

/** Inserts keys 0..n-1 (value = key) into `m`, looking up key i/2 after each insert, deleting every 7th key. */
const fill = (mapLine: string, n: number): string =>
  `${mapLine}\n` +
  '\tr6 = 0\n' +
  'loop:\n' +
  '\t*(u32 *)(r10 - 4) = r6\n\t*(u64 *)(r10 - 16) = r6\n' +
  '\tr1 = m ll\n\tr2 = r10\n\tr2 += -4\n\tr3 = r10\n\tr3 += -16\n\tr4 = 0\n\tcall bpf_map_update_elem\n' +
  '\tr7 = r6\n\tr7 >>= 1\n\t*(u32 *)(r10 - 4) = r7\n' +
  '\tr1 = m ll\n\tr2 = r10\n\tr2 += -4\n\tcall bpf_map_lookup_elem\n' +
  '\tr7 = r6\n\tr7 %= 7\n\tif r7 != 3 goto next\n' +
  '\tr7 = r6\n\tr7 -= 2\n\t*(u32 *)(r10 - 4) = r7\n' +
  '\tr1 = m ll\n\tr2 = r10\n\tr2 += -4\n\tcall bpf_map_delete_elem\n' +
  'next:\n' +
  `\tr6 += 1\n\tif r6 < ${n} goto loop\n` +
  '\tr0 = 0\n\texit\n';

const dump = (maps: readonly MapImpl[]): string[] => maps[0]!.entries().map((e) => `${Buffer.from(e.key).toString('hex')}=${Buffer.from(e.value).toString('hex')}`);

describe('LRU maps: step mode and runFast agree', () => {
  const cases: [string, string, number][] = [
    ['lru_hash', '.map m lru_hash key=4 value=8 entries=16', 100],
    ['lru_hash, BPF_F_NO_COMMON_LRU', '.map m lru_hash key=4 value=8 entries=16 flags=2', 100],
    ['lru_percpu_hash', '.map m lru_percpu_hash key=4 value=8 entries=24', 120],
    ['lru_hash, large', '.map m lru_hash key=4 value=8 entries=200', 900],
  ];
  for (const [name, mapLine, n] of cases)
    it(`${name}: ${n} inserts`, () => {
      const p = asm(fill(mapLine, n));
      for (const cpu of [0, 1]) {
        const fast = runFast({ program: p, cpu });
        expect(fast.fault).toBeNull();
        const { vm, diagnostics } = createVm({ program: p, cpu });
        expect(diagnostics).toEqual([]);
        vm!.run();
        const res = vm!.result();
        expect(res.fault).toBeNull();
        expect(res.insns).toBe(fast.insns);
        const stepped = dump(vm!.maps);
        // the map is full past capacity: eviction happened
        expect(stepped.length).toBeLessThan(n);
        expect(stepped).toEqual(dump(fast.maps));
      }
    });
});
