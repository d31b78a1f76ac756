// Fuzzing the front ends with fast-check: random bytes into the decoder, random text and random
// mutations of valid programs into the assemblers. Whatever the input, nothing may throw, and every
// input gives either a program (and no error) or at least one error diagnostic with a location.
// The ELF reader is fuzzed by its owner (worker/elf).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBytes, decodeSlots, encodeInsn, type Slot } from '../isa/insn';
import { ISA } from '../isa/opcodes';
import type { ProgramResult } from '../isa/program';
import { assemble } from './index';
import { assembleLlvm } from './llvm/assemble';
import { assembleUbpf } from './ubpf/assemble';
import { formatInsnUbpf } from './ubpf/format';

const RUNS = 3000;

/** The contract every assembler keeps on any input. */
function holdsContract(r: ProgramResult): void {
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (r.program) {
    expect(errors).toEqual([]);
  } else {
    expect(errors.length).toBeGreaterThan(0);
  }
  for (const d of r.diagnostics) {
    // An internal exception turned into a "bug" diagnostic is still a bug.
    expect(d.code, d.message).not.toBe('bug');
    expect(d.loc.line ?? d.loc.insn ?? d.loc.byteOffset, d.message).toBeDefined();
    expect(typeof d.message).toBe('string');
  }
}

const VALID_UBPF = [
  'mov %r0, 0\nldxw %r1, [%r1+4]\njsgt %r1, %r2, +1\nexit\nlddw %r3, 0x1122334455667788\nexit',
  '.map m hash key=4 value=8 entries=2\nlddw %r1, m\nstw [%r10-4], 0\nlock fetch add32 [%r10-4], %r2\ncall 1\nexit',
  'loop:\nadd32 %r0, 1\njne %r0, 10, loop\ncall local f\nexit\nf:\nbe16 %r1\nmovsx832 %r2, %r1\nja32 +0\nexit',
];
const VALID_LLVM = [
  'r0 = 0\nr1 = *(u32 *)(r1 + 4)\nif r1 s> r2 goto +1\nexit\nr3 = 0x1122334455667788 ll\nexit',
  'w0 += 1\nlock *(u32 *)(r10 - 8) += w1\nr1 = atomic_fetch_add((u64 *)(r10 - 8), r1)\ncall 1\nexit',
];

const TOKENS = ['mov', 'add32', 'ldxw', 'stxdw', 'lddw', 'lock', 'fetch', 'call', 'local', 'exit', 'ja', 'jeq', '.map', '.raw',
  '%r0', '%r10', '%r11', '%r99', 'r1', 'w2', '[%r1+4]', '[%r1-0x10000]', '[', ']', '+', '-', '0x', '0xffffffff', '-2147483649',
  '1', ',', ':', 'lbl:', 'lbl', '=', '*(u32 *)', '(r10 - 8)', 'goto', 'if', 'll', '#', ';', '//', '\n', ' ', '\t', 'map_value(m)+4', 'map_value(m, 4)', 'map_fd(m)',
  'key=4', 'value=8', 'entries=1', 'hash', 'm'];
const tokenText = fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }).map((t) => t.join(' '));

/** Random edits of a valid program: delete, insert, replace a span, duplicate or drop a line. */
function mutated(seeds: string[]): fc.Arbitrary<string> {
  const edit = fc.tuple(fc.nat(), fc.nat(8), fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom(...TOKENS)), fc.nat(3));
  return fc.tuple(fc.constantFrom(...seeds), fc.array(edit, { minLength: 1, maxLength: 5 })).map(([seed, edits]) => {
    let s = seed;
    for (const [at, len, ins, kind] of edits) {
      const p = s.length ? at % s.length : 0;
      if (kind === 0) s = s.slice(0, p) + s.slice(p + len);
      else if (kind === 1) s = s.slice(0, p) + ins + s.slice(p);
      else if (kind === 2) s = s.slice(0, p) + ins + s.slice(p + len);
      else {
        const lines = s.split('\n');
        const k = at % lines.length;
        if (len % 2) lines.splice(k, 0, lines[k]!);
        else lines.splice(k, 1);
        s = lines.join('\n');
      }
    }
    return s;
  });
}

describe('decodeBytes fuzz', () => {
  it('never throws; every diagnostic names an instruction or byte offset', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const r = decodeBytes(bytes);
        expect(r.insns.length).toBe(Math.floor(bytes.length / 8));
        for (const d of r.diagnostics) {
          expect(d.code).not.toBe('bug');
          expect(d.loc.insn ?? d.loc.byteOffset).toBeDefined();
        }
      }),
      { numRuns: RUNS },
    );
  });
});

type Assembler = (text: string) => ProgramResult;
const assemblers: [string, Assembler, string[]][] = [
  ['assembleUbpf', assembleUbpf, VALID_UBPF],
  ['assembleLlvm', assembleLlvm, VALID_LLVM],
  ['assemble (auto)', (t) => assemble(t), [...VALID_UBPF, ...VALID_LLVM]],
];
for (const [name, asm, seeds] of assemblers) {
  describe(`${name} fuzz`, () => {
    it('random unicode text', () => {
      fc.assert(fc.property(fc.string({ maxLength: 200, unit: 'binary' }), (t) => holdsContract(asm(t))), { numRuns: RUNS });
    });
    it('random token soup', () => {
      fc.assert(fc.property(tokenText, (t) => holdsContract(asm(t))), { numRuns: RUNS });
    });
    it('random mutations of valid programs', () => {
      for (const s of seeds) expect(asm(s).program, s).not.toBeNull();
      fc.assert(fc.property(mutated(seeds), (t) => holdsContract(asm(t))), { numRuns: RUNS });
    });
  });
}

describe('formatInsnUbpf / assembleUbpf round trip on random instructions', () => {
  const rows = ISA.filter((r) => r.kind !== 'ldimm64' || r.src === 0);
  const insn = fc.record({
    row: fc.constantFrom(...rows), dst: fc.integer({ min: 0, max: 10 }), src: fc.integer({ min: 0, max: 10 }),
    off: fc.integer({ min: -32768, max: 32767 }), imm: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    hi: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  });
  it('text reassembles to the same slots', () => {
    fc.assert(
      fc.property(insn, ({ row, dst, src, off, imm, hi }) => {
        const s: Slot = {
          opcode: row.opcode,
          dst: row.dst === 'none' ? 0 : dst,
          src: row.srcField === 'fixed' ? row.src! : row.srcField === 'reg' ? src : 0,
          off: row.offField === 'fixed' ? row.off! : row.offField === 'zero' ? 0 : off,
          imm: row.immField === 'fixed' ? row.imm! : row.immField === 'zero' ? 0 : imm,
        };
        const slots = row.kind === 'ldimm64' ? [s, { opcode: 0, dst: 0, src: 0, off: 0, imm: hi }] : [s];
        const i = decodeSlots(slots).insns[0];
        expect(i, row.id).toBeTruthy();
        const text = formatInsnUbpf(i!);
        const back = assembleUbpf(text);
        expect(back.program?.slots, text).toEqual(encodeInsn(i!));
      }),
      { numRuns: RUNS },
    );
  });
});
