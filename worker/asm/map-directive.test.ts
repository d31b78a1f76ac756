// The `.map` directive's ringbuf and map-in-map forms in both dialects: key=/value= may be left out for a
// ringbuf, inner=NAME copies an earlier map as the inner-map template (value= then defaults to 4), and
// misuse is a located error.
import { describe, expect, it } from 'vitest';
import { assemble } from './index';

const body = { llvm: '\tr0 = 0\n\texit\n', ubpf: 'mov %r0, 0\nexit\n' } as const;

describe('.map: ringbuf and map-in-map', () => {
  for (const syntax of ['llvm', 'ubpf'] as const) {
    it(`${syntax}: ringbuf without key=/value=, inner= template`, () => {
      const r = assemble('.map rb ringbuf entries=4096\n.map in array key=4 value=8 entries=3\n.map out array_of_maps key=4 entries=2 inner=in\n' + body[syntax], { syntax });
      expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(r.program!.maps.map((m) => [m.name, m.type, m.keySize, m.valueSize, m.maxEntries])).toEqual([['rb', 'ringbuf', 0, 0, 4096], ['in', 'array', 4, 8, 3], ['out', 'array_of_maps', 4, 4, 2]]);
      expect(r.program!.maps[2]!.inner).toEqual({ name: 'in', type: 'array', keySize: 4, valueSize: 8, maxEntries: 3, flags: 0 });
    });
    it(`${syntax}: inner= errors are located`, () => {
      for (const bad of ['.map out array_of_maps key=4 entries=2 inner=nosuch', '.map in array key=4 value=4 entries=1\n.map h hash key=4 value=4 entries=2 inner=in', '.map h hash key=4 entries=2']) {
        const r = assemble(bad + '\n' + body[syntax], { syntax });
        const e = r.diagnostics.find((d) => d.severity === 'error');
        expect(e?.message, bad).toMatch(/inner|value/);
        expect(e?.loc.line).toBe(bad.split('\n').length);
      }
    });
  }
});
