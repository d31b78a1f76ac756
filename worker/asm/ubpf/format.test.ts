import { describe, expect, it } from 'vitest';
import { ISA } from '../../isa/opcodes';
import { decodeOne, decodeSlots, encodeInsn, type Slot } from '../../isa/insn';
import { assembleUbpf } from './assemble';
import { formatInsnUbpf, formatProgramUbpf } from './format';

/** One instance of an ISA row with non-trivial operands. */
function sample(r: (typeof ISA)[number]): Slot {
  return {
    opcode: r.opcode,
    dst: r.dst === 'none' ? 0 : 3,
    src: r.srcField === 'fixed' ? r.src! : r.srcField === 'reg' ? 4 : 0,
    off: r.offField === 'fixed' ? r.off! : r.offField === 'zero' ? 0 : -5,
    imm: r.immField === 'fixed' ? r.imm! : r.immField === 'zero' ? 0 : r.immField === 'ldimm64' ? 0 : -77,
  };
}

describe('formatInsnUbpf', () => {
  const hi: Slot = { opcode: 0, dst: 0, src: 0, off: 0, imm: 9 };
  it.each(ISA.map((r) => [r.id, r] as const))('%s round-trips through text', (_id, r) => {
    const res = decodeOne(sample(r), 0, hi);
    if (!('insn' in res)) throw new Error(res.error);
    const text = formatInsnUbpf(res.insn);
    // kfunc calls with a module BTF offset and pseudo ld_imm64 without a map have no mnemonic form.
    if (r.ubpf !== null && r.id !== 'call_kfunc' && !(r.kind === 'ldimm64' && r.src !== 0)) expect(text).not.toMatch(/^\.raw/);
    const back = assembleUbpf(text);
    expect(back.diagnostics, text).toEqual([]);
    expect(back.program!.slots, text).toEqual(encodeInsn(res.insn));
  });

  it('prints the conformance spellings', () => {
    const fmt = (s: Slot[]): string => formatInsnUbpf(decodeSlots(s).insns[0]!);
    expect(fmt([{ opcode: 0x61, dst: 0, src: 1, off: 4, imm: 0 }])).toBe('ldxw %r0, [%r1+4]');
    expect(fmt([{ opcode: 0x72, dst: 10, src: 0, off: -4, imm: 1 }])).toBe('stb [%r10-4], 1');
    expect(fmt([{ opcode: 0x6d, dst: 1, src: 2, off: 3, imm: 0 }])).toBe('jsgt %r1, %r2, +3');
    expect(fmt([{ opcode: 0xc3, dst: 1, src: 2, off: 0, imm: 1 }])).toBe('lock fetch add32 [%r1], %r2');
    expect(fmt([{ opcode: 0x85, dst: 0, src: 2, off: 0, imm: 7 }])).toBe('call runtime 7');
    expect(fmt([{ opcode: 0x8d, dst: 2, src: 0, off: 0, imm: 0 }])).toBe('call %r2');
    expect(fmt([{ opcode: 0x18, dst: 0, src: 0, off: 0, imm: 0x55667788 }, { opcode: 0, dst: 0, src: 0, off: 0, imm: 0x11223344 }])).toBe('lddw %r0, 0x1122334455667788');
  });

  it('prints whole programs with labels and maps, reassembling to the same program', () => {
    const src = '.section socket\n.license "GPL"\n.map m hash key=4 value=8 entries=2\nlddw %r1, m\nlddw %r2, map_value(m, 4)\nstart:\nmov %r0, 0\ncall local f\njne %r0, 0, start\nexit\nf:\nmov %r0, 1\nexit\n';
    const a = assembleUbpf(src);
    const text = formatProgramUbpf(a.program!, decodeSlots(a.program!.slots).insns);
    expect(text).toBe(src);
    const b = assembleUbpf(text);
    expect(b.program!.slots).toEqual(a.program!.slots);
  });
});
