// assembleLlvm against llvm-mc-19 (goldens recorded by scripts/record-llvm-goldens.ts, Debian LLVM 19.1.7),
// plus errors, directives, maps, clang -S output and fuzzing.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { slotsToBytes, slotToU64 } from '../../isa/insn';
import { ISA } from '../../isa/opcodes';
import type { Program } from '../../isa/program';
import { readElf } from '../../elf/read';
import { formatDiagnostic } from '../../util/diag';
import { assembleLlvm } from './assemble';

const GOLDENS = path.resolve(import.meta.dirname, '../goldens/llvm');
const read = (f: string): string => readFileSync(path.join(GOLDENS, f), 'utf8');
const body = (text: string): string[] => text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('# '));

function hexOf(text: string): string[] {
  const r = assembleLlvm(text);
  expect(r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
  return r.program!.slots.map((s) => '0x' + slotToU64(s).toString(16).padStart(16, '0'));
}

function errors(text: string): string[] {
  const r = assembleLlvm(text);
  expect(r.program).toBeNull();
  return r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
}

describe('llvm-mc-19 goldens (byte-exact)', () => {
  for (const name of ['shapes', 'labels', 'raw']) {
    it(`${name}.s assembles to llvm-mc-19's bytes`, () => {
      const src = read(`${name}.s`);
      expect(read(`${name}.s`).split('\n')[0]).toMatch(/LLVM version 19\./);
      const want = body(read(`${name}.hex`)).join(' ');
      const r = assembleLlvm(src);
      expect(r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
      const got = [...slotsToBytes(r.program!.slots)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
      // Compare line by line first for a readable failure.
      const srcLines = src.split('\n');
      const wantB = want.split(' ');
      const gotB = got.split(' ');
      for (let slot = 0; slot * 8 < Math.max(wantB.length, gotB.length); slot++) {
        const w = wantB.slice(slot * 8, slot * 8 + 8).join(' ');
        const g = gotB.slice(slot * 8, slot * 8 + 8).join(' ');
        if (w !== g) {
          const pos = r.program!.sourceMap?.[slot];
          expect({ slot, line: pos ? srcLines[pos.line - 1] : null, bytes: g }).toEqual({ slot, line: pos ? srcLines[pos.line - 1] : null, bytes: w });
        }
      }
      expect(got).toBe(want);
    });
  }

  it('the goldens cover every ISA row llvm-mc-19 accepts', () => {
    const covered = new Set(body(read('shapes.s')).concat(body(read('labels.s'))).map((l) => /# (\S+)$/.exec(l)?.[1]).filter(Boolean));
    const missing = ISA.filter((r) => r.llvm19 && !covered.has(r.id)).map((r) => r.id);
    expect(missing).toEqual([]);
    // Rows without a golden: not in llvm-mc-19 (load-acquire/store-release are LLVM 20, kfunc calls need BTF relocations).
    expect(ISA.filter((r) => !r.llvm19).map((r) => r.id).sort()).toEqual(
      ['call_kfunc', 'lddw_btf_id', 'lddw_func', 'lddw_map_idx', 'lddw_map_idx_value',
        'load_acquire16', 'load_acquire32', 'load_acquire64', 'load_acquire8',
        'store_release16', 'store_release32', 'store_release64', 'store_release8'].sort(),
    );
  });

  it('rejects what llvm-mc-19 rejects (except documented bpfplay extensions)', () => {
    const extensions = new Set(['gotol +100000', 'r0 = *(u16 *)skb[r1 + 4]']);
    const rows = body(read('rejects.jsonl')).map((l) => JSON.parse(l) as { input: string; rejected: boolean; error: string | null });
    expect(rows.length).toBeGreaterThan(10);
    for (const r of rows) {
      const ours = assembleLlvm(r.input);
      if (!r.rejected || extensions.has(r.input)) {
        expect(ours.program, r.input).not.toBeNull();
        continue;
      }
      expect(ours.program, `${r.input} (llvm-mc: ${r.error})`).toBeNull();
      const e = ours.diagnostics.find((d) => d.severity === 'error')!;
      expect(e.loc.line).toBe(1);
      expect(e.loc.col).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('syntax', () => {
  it.each([
    ['r0 = *(u32 *)(r1 + 4)', '0x0000000000041061'],
    ['w0 = *(u32 *)(r1 +4)', '0x0000000000041061'],
    ['r0 = *(u32 *)(r1 +0) ; R0_w=pkt(r=0)', '0x0000000000001061'],
    ['r1 = -5', '0xfffffffb000001b7'],
    ['w1 s/= 3', '0x0000000300010134'],
    ['r1 s%= r2', '0x000000000001219f'],
    ['r1 = (s8)r2', '0x00000000000821bf'],
    ['w1 = (s16)w2', '0x00000000001021bc'],
    ['r0 = *(s16 *)(r1 + 2)', '0x0000000000021089'],
    ['r1 = be16 r1', '0x00000010000001dc'],
    ['r1 = le32 r1', '0x00000020000001d4'],
    ['r1 = bswap64 r1', '0x00000040000001d7'],
    ['r1 = -r1', '0x0000000000000187'],
    ['if w1 s> w2 goto +3', '0x000000000003216e'],
    ['goto +2', '0x0000000000020005'],
    ['gotol +100000', '0x000186a000000006'],
    ['gotol -100000', '0xfffe796000000006'],
    ['may_goto +2', '0x00000000000200e5'],
    ['call 1', '0x0000000100000085'],
    ['call bpf_map_lookup_elem', '0x0000000100000085'],
    ['call map_lookup_elem', '0x0000000100000085'],
    ['call bpf_map_lookup_elem#1', '0x0000000100000085'],
    ['call bpf_trace_printk#6 // kernel log', '0x0000000600000085'],
    ['call pc+2', '0x0000000200001085'],
    ['call pc-0x3', '0xfffffffd00001085'],
    ['call kfunc(0x1234)', '0x0000123400002085'],
    ['call kfunc(7, 2)', '0x0000000700022085'],
    ['callx r2', '0x000000000000028d'],
    ['exit', '0x0000000000000095'],
    ['*(u32 *)(r10 - 8) = 5', '0x00000005fff80a62'],
    ['*(u64 *)(r10 - 8) = r1', '0x00000000fff81a7b'],
    ['lock *(u32 *)(r10 - 8) += w1', '0x00000000fff81ac3'],
    ['lock *(u64 *)(r10-8) |= r1', '0x00000040fff81adb'],
    ['r1 = atomic_fetch_add((u64 *)(r10 - 8), r1)', '0x00000001fff81adb'],
    ['w1 = atomic_fetch_or((u32 *)(r2 + 0), w1)', '0x00000041000012c3'],
    ['r1 = xchg_64(r10 - 8, r1)', '0x000000e1fff81adb'],
    ['w1 = xchg32_32(r10 - 8, w1)', '0x000000e1fff81ac3'],
    ['r0 = cmpxchg_64(r10 - 8, r0, r1)', '0x000000f1fff81adb'],
    ['w0 = cmpxchg32_32(r10 - 8, w0, w1)', '0x000000f1fff81ac3'],
    ['r0 = *(u8 *)skb[12]', '0x0000000c00000030'],
    ['r0 = *(u16 *)skb[r1]', '0x0000000000001048'],
    ['r0 = *(u16 *)skb[r1 + 4]', '0x0000000400001048'],
    ['r0 = *(u32 *)skb[r1 - 0x4]', '0xfffffffc00001040'],
    ['r1 = addr_space_cast(r2, 0, 1)', '0x00000001000121bf'],
    // LLVM 20 syntax (Linux 6.15 load-acquire/store-release): llvm-mc-19 has no such instructions, so no golden.
    ['r0 = load_acquire((u64 *)(r1 + 0))', '0x00000100000010db'],
    ['w0 = load_acquire((u8 *)(r1 + 0))', '0x00000100000010d3'],
    ['store_release((u64 *)(r1 + 0), r2)', '0x00000110000021db'],
    ['store_release((u16 *)(r1 + 8), w2)', '0x00000110000821cb'],
    ['ld_pseudo r1, 4, 3', '0x0000000300004118'],
    // Kernel verifier log forms.
    ['goto pc+1', '0x0000000000010005'],
    ['if r1 == 0x5 goto pc-2', '0x00000005fffe0115'],
  ])('%s', (text, want) => {
    expect(hexOf(text)[0]).toBe(want);
  });

  it('ld_imm64 takes two slots, with the high half in the second imm', () => {
    expect(hexOf('r1 = 0x123 ll')).toEqual(['0x0000012300000118', '0x0000000000000000']);
    expect(hexOf('r1 = -1 ll')).toEqual(['0xffffffff00000118', '0xffffffff00000000']);
    expect(hexOf('r2 = 0x1122334455667788 ll')).toEqual(['0x5566778800000218', '0x1122334400000000']);
    expect(hexOf('ld_pseudo r1, 2, 3, 8')).toEqual(['0x0000000300002118', '0x0000000800000000']);
  });

  it('comments: #, //, ; and /* */ across lines', () => {
    expect(hexOf('r0 = 1 # c\nr0 = 2 // c\nr0 = 3 ; c\n/* a\n b */ r0 = 4 /* c */\nexit')).toHaveLength(5);
  });

  it('labels: jumps both ways, label and instruction on one line, calls to labels', () => {
    const r = assembleLlvm('f: r0 = 0\nLBB0_1: r0 += 1\nif r0 < 10 goto LBB0_1\ncall g\nexit\ng:\nr0 = 2\nexit\n');
    expect(r.program!.labels).toEqual({ f: 0, LBB0_1: 1, g: 5 });
    expect(r.program!.slots[2]!.off).toBe(-2);
    expect(r.program!.slots[3]).toMatchObject({ src: 1, imm: 1 });
    expect(r.program!.funcs).toEqual({ 5: 'g' });
    expect(r.program!.sourceMap!.map((p) => p?.line)).toEqual([1, 2, 3, 4, 5, 7, 8]);
  });

  it('.map, map references and .license', () => {
    const r = assembleLlvm([
      '.license "GPL"',
      '.map counts hash key=4 value=8 entries=16',
      '.map arr array key=4 value=64 entries=1 flags=0x400',
      'r1 = counts ll',
      'r2 = map_fd(arr) ll',
      'r3 = map_value(arr, 16) ll',
      'exit',
    ].join('\n'));
    const p = r.program!;
    expect(p.license).toBe('GPL');
    expect(p.maps.map((m) => [m.name, m.type, m.keySize, m.valueSize, m.maxEntries, m.flags])).toEqual([
      ['counts', 'hash', 4, 8, 16, 0], ['arr', 'array', 4, 64, 1, 0x400],
    ]);
    expect(p.slots.slice(0, 6).map((s) => [s.src, s.imm])).toEqual([[1, 0], [0, 0], [1, 1], [0, 0], [2, 1], [0, 16]]);
  });
});

describe('errors: line:col and what was expected', () => {
  it.each([
    ['r11 = 1', '1:1: unknown register r11 (registers are r0-r10 and w0-w10)'],
    ['r1 = 4294967296', "1:6: immediate 4294967296 out of range for a 32-bit operand (use 'r1 = 4294967296 ll' for 64-bit values)"],
    ['r1 += 4294967296', '1:7: immediate 4294967296 out of range for a 32-bit operand'],
    ['r1 = 18446744073709551616 ll', '1:6: immediate 18446744073709551616 out of range for a 64-bit operand'],
    ['goto LBB0_9', '1:6: undefined label LBB0_9'],
    ['goto +40000', '1:6: jump offset 40000 does not fit in 16 bits; use gotol'],
    ['r0 = *(u32 *)(r1 4)', "1:18: expected '+' or '-' and an offset after register r1, found '4'"],
    ['r0 = *(u32 *)(r1 + 0x8000)', '1:18: offset 32768 out of range for a 16-bit signed offset'],
    ['r1 = atomic_fetch_add((u64 *)(r2 + 0), r3)', '1:1: the fetched value goes to the source register: expected r3 = ...(..., r3)'],
    ['w1 += r2', '1:7: expected w2 (a 32-bit register), found r2'],
    ['if r1 > w2 goto +1', '1:9: expected r2 (a 64-bit register), found w2'],
    ['r1 = -r2', '1:7: negation works in place: expected r1 = -r1'],
    ['frob r1', '1:1: unknown instruction frob'],
    ['mov %r0, 1', "1:1: unknown instruction mov (this looks like the ubpf dialect, e.g. 'mov %r0, 1'; the LLVM dialect writes 'r0 = 1')"],
    ['r1 = 08', '1:6: invalid number 08'],
    ['r0 = *(u32 *)(r1 + 4', "1:21: expected ')' after the address, found end of line"],
    ['call nosuch', '1:6: undefined label or helper nosuch'],
    ['r1 = nomap ll', '1:6: unknown map or variable nomap (declare a map with .map nomap TYPE key=K value=V entries=N)'],
    ['r1 +=', '1:6: expected an immediate, found end of line'],
    ['.map m hash key=4 value=8', '1:1: missing entries=: .map NAME TYPE key=K value=V entries=N [flags=F]'],
    ['.map m frob key=4 value=8 entries=1', '1:8: unknown map type frob'],
    ['exit 1', "1:6: unexpected '1' after the instruction"],
    ['r1 = 1\n  r2 = @', "2:8: expected a register, an immediate or an expression after '=', found '@'"],
    ['l:\nl:', '2:1: label l is already defined'],
  ])('%s', (text, want) => {
    const errs = errors(text);
    expect(errs[0]!.startsWith(want), `${errs[0]} should start with ${want}`).toBe(true);
  });

  it('reports every bad line, not only the first', () => {
    expect(errors('r1 = 1\nr99 = 2\nexit\nfrob\n').map((e) => e.split(':')[0])).toEqual(['2', '4']);
  });

  it('a label before a bad instruction on the same line is still defined (no cascade of undefined labels)', () => {
    expect(errors('goto out\nout: r1 = = 2\n')).toEqual(["2:11: expected a register, an immediate or an expression after '=', found '='"]);
  });

  it('a kernel-log helper call whose name and number disagree uses the number, with a warning', () => {
    const r = assembleLlvm('call bpf_map_lookup_elem#2');
    expect(r.program!.slots[0]!.imm).toBe(2);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual(['1:6: bpf_map_lookup_elem is helper 1, not 2; calling helper 2 as written']);
  });

  it("';' followed by a bad label is just a comment", () => {
    expect(assembleLlvm('; r0 :').diagnostics).toEqual([]);
  });

  it("an instruction after ';' is a comment, with a warning (llvm-mc would assemble it)", () => {
    const r = assembleLlvm('r0 = 1; exit\nr0 = *(u32 *)(r1 +0) ; R0_w=pkt(r=0) R1=ctx()\n');
    expect(r.program!.slots.length).toBe(2);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      "1:7: ';' starts a comment: 'exit' is not assembled (llvm-mc would read it as a second statement; put it on its own line)",
    ]);
  });

  it('unknown directives are warnings', () => {
    const r = assembleLlvm('.frobnicate 1\nexit');
    expect(r.program).not.toBeNull();
    expect(r.diagnostics.map(formatDiagnostic)).toEqual(['1:1: unknown directive .frobnicate ignored']);
  });
});

interface ClangRecord {
  sections: { name: string; hex: string }[];
  relocs: { section: string; offset: number; type: string; symbol: string; symValue: number }[];
  symbols: { name: string; value: number; section: string }[];
}

describe('clang-19 -S output (recorded with llvm-mc-19 bytes, relocations and symbols)', () => {
  const cases: [string, { section: string; license: string; maps: string[]; funcs: string[] }][] = [
    ['clang-xdp', { section: 'xdp', license: 'GPL', maps: ['counts hash 4 8 16'], funcs: ['helper', 'prog'] }],
    ['clang-xdp-g', { section: 'xdp', license: 'GPL', maps: ['counts hash 4 8 16'], funcs: ['helper', 'prog'] }],
    ['clang-globals', {
      section: 'socket', license: 'GPL', funcs: ['prog'],
      maps: ['.data array 4 12 1', '.rodata array 4 12 1', '.rodata.str1.1 array 4 7 1', '.bss array 4 32 1'],
    }],
    ['clang-loop', { section: 'xdp', license: 'GPL', funcs: ['cb', 'prog'], maps: [] }],
    ['clang-btfmaps', {
      section: 'xdp', license: 'GPL', funcs: ['prog'],
      maps: ['stats percpu_hash 4 16 1024', 'outer array_of_maps 4 4 2', 'events ringbuf 0 0 4096'],
    }],
  ];
  it.each(cases)('%s.s assembles to llvm-mc\'s bytes, with the loader\'s view of every relocation', (name, want) => {
    const r = assembleLlvm(read(`${name}.s`));
    expect(r.diagnostics.filter((d) => d.severity !== 'info').map(formatDiagnostic)).toEqual([]);
    const p = r.program!;
    expect([p.section, p.progType ?? p.section, p.license]).toEqual([want.section, want.section === 'socket' ? 'socket_filter' : want.section, want.license]);
    expect(p.maps.map((m) => `${m.name} ${m.type} ${m.keySize} ${m.valueSize} ${m.maxEntries}`)).toEqual(want.maps);
    expect(Object.values(p.funcs ?? {}).sort()).toEqual(want.funcs);
    expect(p.funcs![0]).toBe('prog');
    const rec = JSON.parse(body(read(`${name}.sections.json`)).join('\n')) as ClangRecord;
    // The program section first, then .text (libbpf appends subprograms the same way).
    const order = [...rec.sections.filter((x) => x.name !== '.text'), ...rec.sections.filter((x) => x.name === '.text')];
    const base = new Map<string, number>();
    let n = 0;
    for (const x of order) {
      base.set(x.name, n);
      n += x.hex.split(' ').length / 8;
    }
    const wantBytes = order.map((x) => x.hex).join(' ').split(' ').map((h) => parseInt(h, 16));
    const got = [...slotsToBytes(p.slots)];
    expect(got.length).toBe(wantBytes.length);
    const imm = (b: number[], slot: number): number => b[slot * 8 + 4]! | (b[slot * 8 + 5]! << 8) | (b[slot * 8 + 6]! << 16) | (b[slot * 8 + 7]! << 24);
    const relocated = new Set<number>();
    for (const rl of rec.relocs) {
      const slot = rl.offset / 8 + base.get(rl.section)!;
      relocated.add(slot);
      const s = p.slots[slot]!;
      const sym = rec.symbols.find((y) => y.name === rl.symbol)!;
      if (rl.type === 'R_BPF_64_64') {
        const mapIdx = p.maps.findIndex((m) => m.name === rl.symbol);
        if (base.has(sym.section)) {
          // A function's address: BPF_PSEUDO_FUNC with imm = slots to the target (addend in bytes in imm).
          const target = base.get(sym.section)! + (sym.value + imm(wantBytes, slot)) / 8;
          expect([s.opcode, s.src, slot + 1 + s.imm], `${rl.symbol}`).toEqual([0x18, 4, target]);
        } else if (mapIdx >= 0 && (sym.section === 'maps' || sym.section === '.maps')) {
          expect([s.opcode, s.src, s.imm], `${rl.symbol}`).toEqual([0x18, 1, mapIdx]); // BPF_PSEUDO_MAP_FD
        } else {
          // Global data: BPF_PSEUDO_MAP_VALUE into the section's map at symbol value + addend.
          expect([s.opcode, s.src, p.maps[s.imm]?.name], `${rl.symbol}`).toEqual([0x18, 2, sym.section]);
          expect(p.slots[slot + 1]!.imm, `${rl.symbol}`).toBe(sym.value + imm(wantBytes, slot));
          relocated.add(slot + 1);
        }
      } else {
        expect([rl.type, s.opcode, s.src]).toEqual(['R_BPF_64_32', 0x85, 1]);
        // Against a section symbol llvm-mc leaves the slot offset within that section in imm (+1 bias).
        const target = rl.symbol === sym.section ? base.get(sym.section)! + imm(wantBytes, slot) + 1 : p.labels[rl.symbol];
        expect(slot + 1 + s.imm).toBe(target);
      }
    }
    for (let slot = 0; slot < wantBytes.length / 8; slot++) {
      if (relocated.has(slot)) continue;
      expect(got.slice(slot * 8, slot * 8 + 8), `slot ${slot}`).toEqual(wantBytes.slice(slot * 8, slot * 8 + 8));
    }
  });

  it('BTF-defined maps: the inner map of a map-in-map comes from BTF too', () => {
    const p = assembleLlvm(read('clang-btfmaps.s')).program!;
    expect(p.maps[1]!.inner).toMatchObject({ type: 'array', keySize: 4, valueSize: 8, maxEntries: 4 });
  });

  it('.maps without BTF (clang without -g) is a warning, and a reference to such a map an error', () => {
    const r = assembleLlvm('\t.section .maps,"aw",@progbits\nm:\n\t.zero 32\n\t.text\n\tr1 = m ll\n\texit\n');
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      '1: section .maps needs BTF to describe its maps: compile with clang -g, or declare them with .map',
      '5:7: m is a BTF-defined map (section .maps) without usable BTF; compile with clang -g, or declare it with .map m TYPE key=K value=V entries=N',
    ]);
  });

  it('global data keeps its bytes: .data/.rodata contents become the maps\' initial values', () => {
    const p = assembleLlvm(read('clang-globals.s')).program!;
    const init = Object.fromEntries(p.maps.map((m) => [m.name, m.initial?.[0]?.value]));
    expect(init['.data']).toBe('050000000100000002000000'); // counter = 5, pr = {1, 2}
    expect(init['.rodata']).toBe('640000006c656e2025640a00'); // limit = 100, "len %d\n"
    expect(init['.rodata.str1.1']).toBe('686920256' + '40a00'); // "hi %d\n"
    expect(p.maps.find((m) => m.name === '.rodata')!.flags).toBe(0x480);
  });
});

describe('clang-19 -S of testdata/c against the ELF reader on clang-19 -c of the same files', () => {
  const dir = path.join(GOLDENS, 'testdata-c');
  const objs = path.resolve(import.meta.dirname, '../../../testdata/obj');
  const files = existsSync(dir) && existsSync(objs) ? readdirSync(dir).filter((f) => f.endsWith('.s') && existsSync(path.join(objs, f.replace(/\.s$/, '.o')))) : [];
  /**
   * The functions of a program by name, with bpf-to-bpf calls and function addresses written as the
   * callee's name: the ELF reader appends subprograms breadth first, libbpf (and assembleLlvm) depth
   * first, so only the order of the functions may differ.
   */
  const byFunction = (p: Program): Record<string, unknown[]> => {
    const starts = Object.keys(p.funcs ?? {}).map(Number).sort((a, b) => a - b);
    const nameAt = (slot: number): string => p.funcs?.[slot] ?? `@${slot}`;
    const out: Record<string, unknown[]> = {};
    starts.forEach((st, k) => {
      const end = starts[k + 1] ?? p.slots.length;
      out[nameAt(st)] = p.slots.slice(st, end).map((x, j) => {
        const pc = st + j;
        const isCall = x.opcode === 0x85 && x.src === 1;
        const isFunc = x.opcode === 0x18 && x.src === 4;
        return isCall || isFunc ? { ...x, imm: nameAt(pc + 1 + x.imm) } : x;
      });
    });
    return out;
  };
  it('subprograms are appended depth first, only when used, as libbpf\'s bpf_object__reloc_code() does', () => {
    // xdp_fold calls fold (which calls mix) and then clamp; sock_fold calls mix and clamp, not fold.
    expect(Object.values(assembleLlvm(read('testdata-c/subprogs.s')).program!.funcs!)).toEqual(['xdp_fold', 'fold', 'mix', 'clamp']);
    expect(Object.values(assembleLlvm(read('testdata-c/subprogs.s'), { section: 'socket' }).program!.funcs!)).toEqual(['sock_fold', 'mix', 'clamp']);
  });
  it.skipIf(files.length === 0)('the same program: functions, maps (with initial values and inner maps), license, section, type', () => {
    const view = (p: Program) => ({
      functions: byFunction(p), entry: p.funcs?.[0], length: p.slots.length, license: p.license, section: p.section, progType: p.progType,
      maps: p.maps.map(({ loc: _loc, inner, ...m }) => ({ ...m, ...(inner ? { inner: { ...inner, loc: undefined, name: undefined } } : {}) })),
    });
    expect(files.length).toBeGreaterThanOrEqual(10);
    let n = 0;
    for (const f of files) {
      const a = assembleLlvm(read(`testdata-c/${f}`));
      expect(a.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic), f).toEqual([]);
      const e = readElf(new Uint8Array(readFileSync(path.join(objs, f.replace(/\.s$/, '.o')))));
      expect(view(a.program!), f).toEqual(view(e.programs[0]!));
      // Every other program section, picked with the section option.
      for (const ep of e.programs.slice(1)) {
        if (e.programs.filter((x) => x.section === ep.section).length > 1) continue;
        const b = assembleLlvm(read(`testdata-c/${f}`), { section: ep.section });
        expect(view(b.program!), `${f} ${ep.section}`).toEqual(view(ep));
        n++;
      }
    }
    expect(n).toBeGreaterThanOrEqual(3);
  });
});

describe('pasted llvm-objdump -d output', () => {
  it.each(['shapes', 'labels', 'raw'])('%s.objdump.txt assembles to the bytes objdump listed, with its symbols as labels', (name) => {
    const text = read(`${name}.objdump.txt`).split('\n').slice(1).join('\n'); // without our header line
    const r = assembleLlvm(text);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
    const want = body(read(`${name}.hex`)).join(' ');
    expect([...slotsToBytes(r.program!.slots)].map((b) => b.toString(16).padStart(2, '0')).join(' ')).toBe(want);
    if (name === 'labels') expect(r.program!.labels).toMatchObject({ prog: 0, LBB0_2: 6, LBB0_3: 9, sub1: 15, sub2: 18 });
  });
  it('relocation lines of objdump -r are not applied, with a warning', () => {
    const r = assembleLlvm('Disassembly of section xdp:\n\n0000000000000000 <prog>:\n       0:\t18 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00\tr1 = 0x0 ll\n\t\t0000000000000000:  R_BPF_64_64\tcounts\n       2:\t95 00 00 00 00 00 00 00\texit\n');
    expect(r.program!.slots.length).toBe(3);
    expect(r.program!.section).toBe('xdp');
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      '5:1: relocations in pasted objdump output are not applied: map loads and calls into other sections keep the placeholder values of the object file',
    ]);
  });
});

describe('sections', () => {
  it('the first program section is the program, .text subprograms follow, other program sections are ignored with a warning', () => {
    const src = [
      '\t.text',
      'sub:\n\tr0 = 7\n\texit',
      '\t.section\txdp,"ax",@progbits',
      'main:\n\tcall sub\n\texit',
      '\t.section\ttc,"ax",@progbits',
      'other:\n\tr0 = 1\n\texit',
      '\t.section kprobe/sys_write,"ax",@progbits',
      '\texit',
    ].join('\n');
    const r = assembleLlvm(src);
    const p = r.program!;
    expect(p.section).toBe('xdp');
    expect(p.slots.map((s) => s.opcode)).toEqual([0x85, 0x95, 0xb7, 0x95]);
    expect(p.slots[0]).toMatchObject({ src: 1, imm: 1 });
    expect(p.labels).toMatchObject({ main: 0, sub: 2 });
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      '9: section tc ignored: one program per text (the program is section xdp; pick another with the section option)',
      '13: section kprobe/sys_write ignored: one program per text (the program is section xdp; pick another with the section option)',
    ]);
    const tc = assembleLlvm(src, { section: 'tc' });
    expect(tc.diagnostics).toEqual([]);
    expect(tc.program!.section).toBe('tc');
    expect(tc.program!.progType).toBe('sched_cls');
    expect(tc.program!.slots.map((x) => x.opcode)).toEqual([0xb7, 0x95]); // tc calls nothing in .text
    expect(assembleLlvm(src, { section: 'nope' }).diagnostics.map(formatDiagnostic)).toEqual([
      'no code section nope (sections with instructions: .text, xdp, tc, kprobe/sys_write)',
    ]);
  });
  it('jumps cannot cross sections', () => {
    expect(errors('.section a,"ax"\nx: call f\nexit\n.text\nf: goto x\n')[0]).toMatch(/^5:9: label x is in section a, not in this section/);
    expect(errors('.section a,"ax"\ncall f\nexit\n.text\nf: goto y\ng: y: exit\n.type g,@function\n')[0]).toMatch(/^5:9: jump to y leaves the function/);
  });
  it('instructions in a data section are errors; data in a code section must be raw slots', () => {
    expect(errors('.data\nr0 = 1')[0]).toBe('2:1: instruction in data section .data');
    expect(errors('.asciz "x"')[0]).toBe('1:1: .asciz in code section .text: only .byte/.short/.long/.quad raw instruction bytes are allowed here');
    expect(hexOf('.8byte 0x00000001000000b7\n.quad 0x95')).toEqual(['0x00000001000000b7', '0x0000000000000095']);
    expect(hexOf('.byte 0xb7, 0, 0, 0\n.long 1\n.short 0x95, 0\n.long 0')).toEqual(['0x00000001000000b7', '0x0000000000000095']);
    expect(errors('.byte 0xb7\nexit')[0]).toBe("2:1: instruction after 1 raw byte(s) that do not fill an 8-byte slot");
    expect(errors('exit\n.long 1')[0]).toBe('2:7: 4 raw byte(s) at the end of section .text do not fill an 8-byte slot');
    expect(errors('.byte 256')[0]).toBe('1:7: value 256 out of range for .byte (8 bits)');
  });
});

describe('fuzz: never throws, errors are located', () => {
  const pieces = [
    'r0', 'r1', 'w2', 'r10', 'r11', '=', '+=', 's>>=', '*', '(', ')', 'u32', 's8', '+', '-', '0x7fffffff', '4294967296',
    'goto', 'gotol', 'if', '==', 's<', 'lock', 'call', 'exit', 'll', 'skb', '[', ']', ',', 'LBB0_1', ':', '#', ';',
    '/*', '*/', '.map', '.section', 'xchg_64', 'cmpxchg32_32', 'atomic_fetch_and', 'be16', 'map_value', '"GPL"', '\n',
    '.text', '.data', '.byte', '.long', '.p2align', '3', 'x', '.type', '@function', '.BTF', '.maps', 'pc', 'kfunc',
    'ld_pseudo', 'load_acquire', 'store_release', '.size', '\t', '       0:\tb7 00 00 00 01 00 00 00\tr0 = 0x1',
    '0000000000000000 <a>:', 'Disassembly of section xdp:',
  ];
  it('random token soup', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), (toks) => {
        const r = assembleLlvm(toks.join(' '));
        expect(r.diagnostics.filter((d) => d.code === 'bug')).toEqual([]);
        for (const d of r.diagnostics) if (d.severity === 'error') expect(d.loc.line).toBeGreaterThanOrEqual(1);
        expect(r.program === null).toBe(r.diagnostics.some((d) => d.severity === 'error'));
      }),
      { numRuns: 3000 },
    );
  });
  it('random strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const r = assembleLlvm(s);
        expect(r.diagnostics.every((d) => d.code !== 'bug')).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });
});
