// The disassembler against llvm-objdump-19 (goldens recorded by scripts/record-llvm-goldens.ts, Debian
// LLVM 19.1.7), the round trip disassemble -> assembleLlvm over every ISA row, and fuzzing.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSlots, slotsToBytes, type Slot } from '../isa/insn';
import { ISA, type IsaRow } from '../isa/opcodes';
import { programFromBytes, type Program } from '../isa/program';
import { formatDiagnostic } from '../util/diag';
import { disassemble, disassembleText, formatInsnLlvm, objdumpText } from './disasm';
import { assembleLlvm } from './llvm/assemble';
import { assembleUbpf } from './ubpf/assemble';

const GOLDENS = path.resolve(import.meta.dirname, 'goldens/llvm');
const read = (f: string): string => readFileSync(path.join(GOLDENS, f), 'utf8');
const body = (text: string): string[] => text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('# '));

function goldenProgram(name: string): Program {
  const bytes = Uint8Array.from(body(read(`${name}.hex`)).join(' ').split(' ').map((h) => parseInt(h, 16)));
  const p = programFromBytes(bytes);
  // Symbols: the labels of the source (what llvm-mc keeps in the object's symbol table).
  const asm = assembleLlvm(read(`${name}.s`));
  p.labels = asm.program!.labels;
  return p;
}

/** objdump's listing from the "Disassembly of section" line on. */
function listing(file: string): string {
  const g = read(file);
  return g.slice(g.indexOf('Disassembly of section'));
}

/** The instruction lines of a listing: pc -> text without the `<sym+off>` annotation. */
function objdumpInsns(file: string): Map<number, string> {
  const m = new Map<number, string>();
  for (const l of listing(file).split('\n')) {
    const r = /^\s+(\d+):\t[0-9a-f ]+\t(.*)$/.exec(l);
    if (r) m.set(Number(r[1]), r[2]!.replace(/ <[^<> ]+>$/, ''));
  }
  return m;
}

describe('llvm-objdump-19 goldens (text-exact)', () => {
  for (const name of ['shapes', 'labels', 'raw']) {
    it(`objdumpText(${name}) is llvm-objdump-19 -d --mcpu=v4`, () => {
      expect(read(`${name}.objdump-v4.txt`).split('\n')[0]).toMatch(/llvm-objdump-19 -d --mcpu=v4 -- Debian LLVM version 19\./);
      expect(objdumpText(goldenProgram(name), { mcpu: 'v4' })).toBe(listing(`${name}.objdump-v4.txt`));
    });
    it(`objdumpText(${name}) is plain llvm-objdump-19 -d`, () => {
      expect(objdumpText(goldenProgram(name))).toBe(listing(`${name}.objdump.txt`));
    });
  }

  it('formatInsnLlvm prints what objdump prints, except where objdump loses bits (local calls)', () => {
    let compared = 0;
    for (const name of ['shapes', 'labels']) {
      const p = goldenProgram(name);
      const want = objdumpInsns(`${name}.objdump-v4.txt`);
      const dec = decodeSlots(p.slots);
      expect(dec.diagnostics).toEqual([]);
      for (const i of dec.insns) {
        if (!i) continue;
        const w = want.get(i.pc);
        expect(w, `pc ${i.pc}`).toBeDefined();
        if (i.kind === 'call' && i.callKind === 'local') {
          expect(formatInsnLlvm(i, undefined, { objdump: true })).toBe(w);
          expect(formatInsnLlvm(i)).toBe(`call pc${i.imm < 0 ? '-' : '+'}${Math.abs(i.imm)}`);
        } else {
          expect(formatInsnLlvm(i), `pc ${i.pc}`).toBe(w);
        }
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(6000);
  });

  it('formatInsnLlvm with objdump: true prints objdump-19\'s text for the raw golden (rows llvm-mc-19 cannot write)', () => {
    for (const [file, mcpu] of [['raw.objdump-v4.txt', 'v4'], ['raw.objdump.txt', 'generic']] as const) {
      const p = goldenProgram('raw');
      const want = objdumpInsns(file);
      const dec = decodeSlots(p.slots);
      let n = 0;
      for (const i of dec.insns) {
        if (!i) continue;
        expect(formatInsnLlvm(i, undefined, { objdump: true, mcpu }), `${file} pc ${i.pc}`).toBe(want.get(i.pc));
        n++;
      }
      expect(n).toBe(72);
    }
  });

  it('an instruction objdump cannot decode is <unknown>; ours is a located .8byte line', () => {
    const p = programFromBytes(Uint8Array.from([0xff, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0]));
    expect(objdumpText(p)).toBe('Disassembly of section .text:\n\n0000000000000000 <.text>:\n       0:\tff 00 00 00 00 00 00 00\t<unknown>\n       1:\t95 00 00 00 00 00 00 00\texit\n');
    const d = disassemble(p);
    expect(d.lines[0]).toMatchObject({ pc: 0, text: '.8byte 0x00000000000000ff', error: 'unknown opcode 0xff' });
    expect(d.diagnostics.map(formatDiagnostic)).toEqual(['insn 0: unknown opcode 0xff']);
    const back = assembleLlvm(disassembleText(p));
    expect([...slotsToBytes(back.program!.slots)]).toEqual([...slotsToBytes(p.slots)]);
  });
});

/** A random valid slot (or two, for ld_imm64) of the row. */
function slotArb(r: IsaRow): fc.Arbitrary<Slot[]> {
  const reg = fc.integer({ min: 0, max: 10 });
  const s16 = fc.integer({ min: -0x8000, max: 0x7fff });
  const s32 = fc.oneof(fc.integer({ min: -0x80000000, max: 0x7fffffff }), fc.constantFrom(0, -1, 1, 0x7fffffff, -0x80000000, 0x7fff, -0x8000));
  return fc.record({ dst: reg, src: reg, off: s16, imm: s32, imm2: s32 }).map((v) => {
    const s: Slot = {
      opcode: r.opcode,
      dst: r.dst === 'none' ? 0 : v.dst,
      src: r.srcField === 'fixed' ? r.src ?? 0 : r.srcField === 'reg' ? v.src : 0,
      off: r.offField === 'fixed' ? r.off ?? 0 : r.offField === 'zero' ? 0 : v.off,
      imm: r.immField === 'fixed' ? r.imm ?? 0 : r.immField === 'zero' ? 0 : v.imm,
    };
    return r.kind === 'ldimm64' ? [s, { opcode: 0, dst: 0, src: 0, off: 0, imm: v.imm2 }] : [s];
  });
}

function program(slots: Slot[], extra: Partial<Program> = {}): Program {
  return { slots, maps: [], labels: {}, origin: 'bytes', ...extra };
}

describe('round trip: disassemble -> assembleLlvm gives the same bytes', () => {
  for (const r of ISA) {
    it(`${r.id}${r.llvm19 ? '' : ' (not in llvm-mc-19: bpfplay syntax)'}`, () => {
      fc.assert(
        fc.property(fc.array(slotArb(r), { minLength: 1, maxLength: 4 }), fc.boolean(), (insns, labels) => {
          const p = program(insns.flat());
          const text = labels ? disassembleText(p) : disassemble(p, { labels: false }).lines.map((l) => l.text).join('\n');
          const back = assembleLlvm(text);
          expect(back.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic), text).toEqual([]);
          expect(back.program!.slots, text).toEqual(p.slots);
        }),
        { numRuns: 60 },
      );
    });
  }

  it('map references print by name and come back to the same map index', () => {
    const src = '.map counts hash key=4 value=8 entries=16\n.map arr array key=4 value=64 entries=1\nr1 = counts ll\nr2 = map_value(arr, 16) ll\nr3 = arr ll\nexit\n';
    const p = assembleLlvm(src).program!;
    const d = disassemble(p);
    expect(d.lines.map((l) => l.text)).toEqual(['r1 = counts ll', 'r2 = map_value(arr, 0x10) ll', 'r3 = arr ll', 'exit']);
    const back = assembleLlvm(disassembleText(p)).program!;
    expect(back.slots).toEqual(p.slots);
    expect(back.maps).toEqual(p.maps.map((m) => ({ ...m, loc: back.maps.find((b) => b.name === m.name)!.loc })));
  });

  it('a whole program (section, license, maps, subprogram) survives disassembleText -> assembleLlvm', () => {
    const p = assembleLlvm(readFileSync(path.join(GOLDENS, 'clang-xdp.s'), 'utf8')).program!;
    const back = assembleLlvm(disassembleText(p)).program!;
    expect(back.slots).toEqual(p.slots);
    expect([back.section, back.license]).toEqual(['xdp', 'GPL']);
    expect(back.maps.map(({ loc: _loc, ...m }) => m)).toEqual(p.maps.map(({ loc: _loc, ...m }) => m));
    expect(back.funcs).toMatchObject({ 18: 'helper' });
  });

  it('global data maps come back with their initial bytes', () => {
    const p = assembleLlvm(readFileSync(path.join(GOLDENS, 'clang-globals.s'), 'utf8')).program!;
    const text = disassembleText(p);
    expect(text).toContain('r1 = map_value(.rodata, 0x4) ll');
    const back = assembleLlvm(text).program!;
    expect(back.slots).toEqual(p.slots);
    expect(back.maps.map(({ loc: _loc, ...m }) => m)).toEqual(p.maps.map(({ loc: _loc, ...m }) => m));
  });

  it('labels: the program\'s own names, made-up ones for the rest, calls by function name', () => {
    const p = assembleLlvm('prog: r0 = 0\nif r1 == 0 goto out\ncall sub\ngoto +0\nout: exit\nsub: r0 = 1\nexit\n').program!;
    const d = disassemble(p);
    expect(d.lines.map((l) => (l.label ? `${l.label}: ` : '') + l.text)).toEqual([
      'prog: r0 = 0x0', 'if r1 == 0x0 goto out', 'call sub', 'goto out', 'out: exit', 'sub: r0 = 0x1', 'exit',
    ]);
    const q = program(p.slots.slice(0, 5));
    expect(disassembleText(q)).toMatch(/\nfunc_5:\n$/);
    expect(disassemble(q).lines.map((l) => (l.label ? `${l.label}: ` : '') + l.text)).toEqual([
      'r0 = 0x0', 'if r1 == 0x0 goto LBB0_4', 'call func_5', 'goto LBB0_4', 'LBB0_4: exit',
    ]);
  });
});

describe('clang-19 objects (testdata/obj/*.objdump: llvm-objdump-19 -d -r, recorded by scripts/record-clang-objects.sh)', () => {
  const dir = path.resolve(import.meta.dirname, '../../testdata/obj');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.objdump')) : [];
  it.skipIf(files.length === 0)('formatInsnLlvm(generic, objdump) prints every instruction as objdump does', () => {
    let n = 0;
    for (const f of files) {
      const lines = readFileSync(path.join(dir, f), 'utf8').split('\n');
      for (const l of lines) {
        const m = /^\s+(\d+):\t([0-9a-f ]+?)\t(.*)$/.exec(l);
        if (!m) continue;
        const bytes = Uint8Array.from(m[2]!.split(' ').map((h) => parseInt(h, 16)));
        const dec = decodeSlots(programFromBytes(bytes).slots);
        const i = dec.insns[0];
        const want = m[3]!.replace(/ <[^<> ]+>$/, '');
        if (!i) {
          expect(want, `${f}: ${l}`).toBe('<unknown>');
          continue;
        }
        expect(formatInsnLlvm({ ...i, pc: Number(m[1]) }, undefined, { mcpu: 'generic', objdump: true }), `${f}: ${l}`).toBe(want);
        n++;
      }
    }
    expect(n).toBeGreaterThan(100);
  });
});

describe('helper names', () => {
  it('helperNames prints the kernel log form, which assembles back', () => {
    const p = assembleLlvm('call 1\ncall 6\ncall 100000\nexit\n').program!;
    const d = disassemble(p, { helperNames: true });
    expect(d.lines.map((l) => l.text)).toEqual(['call bpf_map_lookup_elem#1', 'call bpf_trace_printk#6', 'call 0x186a0', 'exit']);
    expect(assembleLlvm(d.lines.map((l) => l.text).join('\n')).program!.slots).toEqual(p.slots);
    expect(disassemble(p).lines[0]!.text).toBe('call 0x1');
  });
});

describe('label names', () => {
  it('several labels at one slot and made-up names that collide with the program\'s still assemble back', () => {
    const p = assembleLlvm('goto b\nLBB0_3: exit\na: b: exit\nif r0 == 0 goto LBB0_3\ngoto +0\nexit\n').program!;
    p.labels.LBB0_5 = 1; // a program label whose name the disassembler would make up for slot 5
    for (const syntax of ['llvm', 'ubpf'] as const) {
      const text = disassembleText(p, { syntax });
      const back = syntax === 'llvm' ? assembleLlvm(text) : assembleUbpf(text);
      expect(back.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic), text).toEqual([]);
      expect(back.program!.slots, text).toEqual(p.slots);
    }
  });
});

describe('fuzz: random programs with random labels survive disassembleText -> assemble', () => {
  it('llvm and ubpf', () => {
    const insn = fc.constantFrom(...ISA).chain((r) => slotArb(r));
    const names = fc.constantFrom('a', 'LBB0_2', 'func_3', '.Ltmp1', 'exit', 'pc', 'll', 'r1x', 'x.y', 'LBB0_1_1');
    fc.assert(
      fc.property(fc.array(insn, { minLength: 1, maxLength: 8 }), fc.array(fc.tuple(names, fc.nat(12))), (insns, labels) => {
        const slots = insns.flat();
        // Bring jump and call targets into the program, where the labels are.
        for (const i of decodeSlots(slots).insns) {
          if (!i) continue;
          const near = (v: number): number => (((v % 10) + 10) % 10) - 3;
          if (i.kind === 'jmp' || i.kind === 'may_goto' || (i.kind === 'ja' && !i.long)) slots[i.pc]!.off = near(slots[i.pc]!.off);
          else if ((i.kind === 'ja' && i.long) || (i.kind === 'call' && i.callKind === 'local') || (i.kind === 'ldimm64' && i.pseudo === 4)) slots[i.pc]!.imm = near(slots[i.pc]!.imm);
        }
        const p = program(slots, { labels: Object.fromEntries(labels.filter(([, at]) => at <= slots.length)) });
        for (const syntax of ['llvm', 'ubpf'] as const) {
          const text = disassembleText(p, { syntax });
          const back = syntax === 'llvm' ? assembleLlvm(text) : assembleUbpf(text);
          expect(back.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic), `${syntax}\n${text}`).toEqual([]);
          expect(back.program!.slots, text).toEqual(p.slots);
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('labels inside an ld_imm64', () => {
  it('a jump into the second half of an ld_imm64 keeps its offset', () => {
    const p = assembleLlvm('goto +1\nr1 = 0x1 ll\nexit\n').program!;
    p.labels = { mid: 2 };
    const text = disassembleText(p);
    expect(text).toContain('goto +0x1');
    expect(assembleLlvm(text).program!.slots).toEqual(p.slots);
  });
});

describe('round trip in the ubpf syntax: disassemble(ubpf) -> assembleUbpf', () => {
  it('every ISA row, with labels for in-range targets', () => {
    for (const r of ISA) {
      fc.assert(
        fc.property(fc.array(slotArb(r), { minLength: 1, maxLength: 3 }), (insns) => {
          const exits = Array.from({ length: 4 }, () => ({ opcode: 0x95, dst: 0, src: 0, off: 0, imm: 0 }));
          const p = program([...insns.flat(), ...exits]);
          const text = disassembleText(p, { syntax: 'ubpf' });
          const back = assembleUbpf(text);
          expect(back.diagnostics.filter((x) => x.severity === 'error').map(formatDiagnostic), `${r.id}: ${text}`).toEqual([]);
          expect(back.program!.slots, text).toEqual(p.slots);
        }),
        { numRuns: 15 },
      );
    }
  });
});

describe('ubpf syntax', () => {
  it('disassembles in the ubpf dialect and assembleUbpf reads it back', () => {
    const p = assembleLlvm('r0 = 1\nif r0 > 3 goto +1\nr0 = *(u32 *)(r1 + 4)\nlock *(u64 *)(r10 - 8) += r1\nexit\n').program!;
    const d = disassemble(p, { syntax: 'ubpf' });
    expect(d.lines[0]!.text).toBe('mov %r0, 1');
    const back = assembleUbpf(d.lines.map((l) => (l.label ? `${l.label}:\n` : '') + l.text).join('\n'));
    expect(back.diagnostics.filter((x) => x.severity === 'error').map(formatDiagnostic)).toEqual([]);
    expect(back.program!.slots).toEqual(p.slots);
  });
});

describe('fuzz: random bytes never crash the disassembler', () => {
  it('disassemble and objdumpText', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 96 }), (bytes) => {
        const p = programFromBytes(bytes);
        const d = disassemble(p);
        expect(d.diagnostics.every((x) => x.code !== 'bug')).toBe(true);
        expect(d.lines.length).toBeLessThanOrEqual(p.slots.length);
        expect(d.lines.every((l) => l.pc < p.slots.length && l.text !== '')).toBe(true);
        objdumpText(p);
        objdumpText(p, { mcpu: 'generic' });
        // Whatever decodes also assembles back to the same bytes.
        const back = assembleLlvm(disassembleText(p));
        if (back.program) expect(back.program.slots).toEqual(p.slots);
        else expect(back.diagnostics.map(formatDiagnostic)).toEqual([]);
        // objdump's listing pasted back gives the same slots (whole slots only).
        if (bytes.length % 8 === 0) expect(assembleLlvm(objdumpText(p)).program!.slots).toEqual(p.slots);
      }),
      { numRuns: 2000 },
    );
  });
});
