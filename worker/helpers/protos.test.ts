// Consistency of the helper prototype table: names match the kernel's ids, argument lists are
// well-formed (a size argument follows a memory argument), acquire functions return a nullable
// pointer, and map-restricted helpers take a map argument.
import { describe, expect, it } from 'vitest';
import { HELPER_NAMES } from './ids.generated';
import { HELPER_PROTOS } from './protos';

describe('helper prototypes', () => {
  const protos = [...HELPER_PROTOS.values()];
  it('covers the common helpers with their kernel names', () => {
    expect(protos.length).toBeGreaterThan(50);
    for (const p of protos) expect(p.name).toBe(HELPER_NAMES[p.id]);
    expect(HELPER_PROTOS.get(1)!.name).toBe('map_lookup_elem');
    expect(HELPER_PROTOS.get(131)!.ret).toBe('RET_PTR_TO_RINGBUF_MEM_OR_NULL');
  });
  it('has well-formed argument lists', () => {
    for (const p of protos) {
      expect(p.args.length, p.name).toBeLessThanOrEqual(5);
      p.args.forEach((a, k) => {
        if (a === 'ARG_CONST_SIZE' || a === 'ARG_CONST_SIZE_OR_ZERO')
          expect(['ARG_PTR_TO_MEM', 'ARG_PTR_TO_MEM_OR_NULL', 'ARG_PTR_TO_UNINIT_MEM'], `${p.name} arg ${k + 1}`).toContain(p.args[k - 1]);
        if (a === 'ARG_PTR_TO_MAP_KEY' || a === 'ARG_PTR_TO_MAP_VALUE') expect(p.args.slice(0, k), p.name).toContain('ARG_CONST_MAP_PTR');
      });
      if (p.acquire) expect(p.ret, p.name).toMatch(/_OR_NULL$/);
      if (p.mapArg) expect(p.args[p.mapArg.arg], p.name).toBe('ARG_CONST_MAP_PTR');
      expect(p.doc.length, p.name).toBeGreaterThan(10);
    }
  });
});
