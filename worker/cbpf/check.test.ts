// bpf_check_classic() rules, one case each (the kernel answers -EINVAL for every rejection; the
// kernel differential in kernel.test.ts confirms the verdicts on random and broken programs).
import { describe, expect, it } from 'vitest';
import { parseBpfAsm } from './bpfasm';
import { checkClassic, checkSeccomp } from './check';
import type { SockFilter } from './insn';

const asm = (s: string): SockFilter[] => {
  const r = parseBpfAsm(s);
  if (!r.filters) throw new Error(JSON.stringify(r.diagnostics));
  return r.filters;
};

describe('checkClassic', () => {
  const cases: [string, SockFilter[], RegExp | null, number?][] = [
    ['a plain filter', asm('ldh [12]\njeq #0x800, a, b\na: ret #-1\nb: ret #0'), null],
    ['empty', [], /empty program/],
    ['too long', new Array<SockFilter>(4097).fill({ code: 6, jt: 0, jf: 0, k: 0 }), /BPF_MAXINSNS/, 4096],
    ['div #0', asm('ld #1\ndiv #0\nret a'), /division by constant zero/, 1],
    ['mod #0', asm('ld #1\nmod #0\nret a'), /division by constant zero/, 1],
    ['lsh #32', asm('lsh #32\nret a'), /shifts by 32/, 0],
    ['M[16]', asm('st M[16]\nret a'), /M\[0\]..M\[15\]/, 0],
    ['jump past the end', [{ code: 0x15, jt: 5, jf: 0, k: 0 }, { code: 6, jt: 0, jf: 0, k: 0 }], /past the end/, 0],
    ['ja past the end', [{ code: 0x05, jt: 0, jf: 0, k: 1 }, { code: 6, jt: 0, jf: 0, k: 0 }], /past the end/, 0],
    ['unknown opcode', [{ code: 0x0d, jt: 0, jf: 0, k: 0 }, { code: 6, jt: 0, jf: 0, k: 0 }], /not a classic BPF instruction/, 0],
    ['ret x (bpf_asm only)', asm('ret x'), /not a classic BPF instruction the kernel accepts/, 0],
    ['unknown ancillary', [{ code: 0x20, jt: 0, jf: 0, k: 0xfffff040 }, { code: 6, jt: 0, jf: 0, k: 0 }], /not a known ancillary/, 0],
    ['SKF_NET_OFF is not ancillary', [{ code: 0x20, jt: 0, jf: 0, k: 0xfff00000 }, { code: 6, jt: 0, jf: 0, k: 0 }], null],
    ['no ret last', asm('ld #1\nadd #1'), /last instruction must be a ret/, 1],
    ['M[] read before write', asm('ld M[3]\nret a'), /not written on every path/, 0],
    ['M[] written on one path only', asm('ldh [12]\njeq #1, w, r\nw: st M[0]\nr: ld M[0]\nret a'), /not written on every path/, 3],
    ['M[] written on both paths', asm('ldh [12]\njeq #1, w, v\nw: st M[0]\njmp r\nv: stx M[0]\nr: ld M[0]\nret a'), null],
  ];
  for (const [name, prog, msg, insn] of cases) {
    it(name, () => {
      const r = checkClassic(prog);
      if (!msg) {
        expect(r.diagnostics).toEqual([]);
        expect(r.ok).toBe(true);
        return;
      }
      expect(r.ok).toBe(false);
      expect(r.errno).toBe(-22);
      expect(r.diagnostics[0]!.message).toMatch(msg);
      if (insn !== undefined) expect(r.diagnostics[0]!.loc.insn).toBe(insn);
    });
  }
});

describe('checkSeccomp', () => {
  it('accepts a typical allow-list filter', () => {
    const p = asm('ld [4]\njeq #0xc000003e, ok, kill\nok: ld [0]\njeq #39, allow, deny\nallow: ret #0x7fff0000\ndeny: ret #0x50001\nkill: ret #0x80000000');
    expect(checkSeccomp(p).ok).toBe(true);
  });
  it.each([
    ['ldh [0]\nret a', /may only load|not allowed/],
    ['ld [2]\nret a', /aligned 32-bit word/],
    ['ld [64]\nret a', /aligned 32-bit word/],
    ['ld [x + 0]\nret a', /not allowed/],
    ['ld #1\nmod #3\nret a', /not allowed/],
    ['ldxb 4*([0]&0xf)\nret a', /not allowed/],
  ])('rejects %s', (src, msg) => {
    const r = checkSeccomp(asm(src));
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]!.message).toMatch(msg);
  });
});
