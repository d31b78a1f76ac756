import { describe, expect, it } from 'vitest';
import { ISA, ISA_BY_ID, findRow } from './opcodes';
import { decodeOne, encodeInsn, decodeBytes, type Slot } from './insn';

describe('opcode table', () => {
  it('has unique ids', () => {
    expect(ISA_BY_ID.size).toBe(ISA.length);
  });
  it('maps every row back to itself through findRow', () => {
    for (const r of ISA) {
      const src = r.srcField === 'fixed' ? r.src! : r.srcField === 'reg' ? 1 : 0;
      const off = r.offField === 'fixed' ? r.off! : 0;
      const imm = r.immField === 'fixed' ? r.imm! : 0;
      expect(findRow(r.opcode, src, off, imm)?.id, r.id).toBe(r.id);
    }
  });
  it('round-trips every row through decode and encode', () => {
    for (const r of ISA) {
      const s: Slot = {
        opcode: r.opcode,
        dst: r.dst === 'none' ? 0 : 3,
        src: r.srcField === 'fixed' ? r.src! : r.srcField === 'reg' ? 4 : 0,
        off: r.offField === 'fixed' ? r.off! : r.offField === 'zero' ? 0 : -5,
        imm: r.immField === 'fixed' ? r.imm! : r.immField === 'zero' ? 0 : 77,
      };
      const res = decodeOne(s, 0, { opcode: 0, dst: 0, src: 0, off: 0, imm: 9 });
      if (!('insn' in res)) throw new Error(`${r.id}: ${res.error}`);
      expect(res.insn.row.id).toBe(r.id);
      expect(encodeInsn(res.insn)[0]).toEqual(s);
    }
  });
  it('reports unknown opcodes and reserved fields with locations', () => {
    const bytes = new Uint8Array([0xff, 0, 0, 0, 0, 0, 0, 0, 0x07, 0x10, 0, 0, 1, 0, 0, 0, 0x18, 0, 0, 0, 0, 0, 0, 0]);
    const { diagnostics } = decodeBytes(bytes);
    expect(diagnostics.map((d) => [d.loc.insn, d.code])).toEqual([
      [0, 'decode.opcode'],
      [1, 'decode.reserved'],
      [2, 'decode.ldimm64'],
    ]);
  });
});
