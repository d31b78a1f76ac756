import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runRaw } from '../vm/raw';
import { runDataFile, runDataText } from './runner';
import { parseDataFile, type Flavour } from './datafile';
import { slotToU64 } from '../isa/insn';

describe('parseDataFile, bpf_conformance flavour', () => {
  it('finds headers by substring after removing # comments', () => {
    const df = parseDataFile('# -- asm is a comment\n-- asm\nmov %r0, 1 # one\n\nexit\n-- mem\n00 0a ff\n-- result\n5\n0xFFFFFFFFFFFFFFF6\n', { flavour: 'bpf_conformance' });
    expect(df.diagnostics).toEqual([]);
    expect(df.asm).toEqual({ text: 'mov %r0, 1 \n\nexit', file: '<data>', firstLine: 3 });
    expect([...df.mem!]).toEqual([0, 10, 255]);
    expect(df.result).toBe(0xfffffffffffffff6n);
  });
  it('reads decimal results as unsigned decimal', () => {
    expect(parseDataFile('-- result\n0\n', { flavour: 'bpf_conformance' }).result).toBe(0n);
  });
  it('records unknown headers (the runner skips such files) and an empty error as "any error"', () => {
    const df = parseDataFile('-- asm\nexit\n-- Unknown directive\n-- error\n', { flavour: 'bpf_conformance' });
    expect(df.unknownHeaders).toEqual(['-- Unknown directive']);
    expect(df.error).toBe('');
  });
  it('reads raw as one 64-bit number per token, and the byte-wise form of negative/unused-*', () => {
    const a = parseDataFile('-- raw\n0x5566778800000018 0x1122334400000000\n149\n', { flavour: 'bpf_conformance' });
    expect(a.raw!.byteWise).toBe(false);
    expect(a.raw!.slots.map(slotToU64)).toEqual([0x5566778800000018n, 0x1122334400000000n, 0x95n]);
    const b = parseDataFile('-- raw\n07 00 01 00 01 00 00 00\n95 00 00 00 00 00 00 00\n', { flavour: 'bpf_conformance' });
    expect(b.raw!.byteWise).toBe(true);
    expect(b.raw!.slots).toEqual([{ opcode: 7, dst: 0, src: 0, off: 1, imm: 1 }, { opcode: 0x95, dst: 0, src: 0, off: 0, imm: 0 }]);
  });
});

describe('parseDataFile, ubpf flavour', () => {
  it('matches headers exactly and reads the uBPF-only sections', () => {
    const df = parseDataFile('-- description\nWrong IP protocol\n-- asm\nexit\n-- error pattern\nuBPF error: .* at PC 1\n-- result\n0xffffffffffffffff\n-- no jit\nreason here\n-- no register offset\ncall instruction\n-- reload\n', { flavour: 'ubpf' });
    expect(df.diagnostics).toEqual([]);
    expect(df.description).toBe('Wrong IP protocol');
    expect(df.errorPattern).toBe('uBPF error: .* at PC 1');
    expect(df.noJit).toBe('reason here');
    expect(df.noRegisterOffset).toBe(true);
    expect(df.reload).toBe(true);
    expect(df.result).toBe(0xffffffffffffffffn);
  });
  it('reads mem as hex pairs after the last colon (tcpdump dumps)', () => {
    const df = parseDataFile('-- mem\n0x0000:  0026 622f\n0x0010:  0040\n', { flavour: 'ubpf' });
    expect([...df.mem!]).toEqual([0x00, 0x26, 0x62, 0x2f, 0x00, 0x40]);
  });
  it('reads `@ file` includes through the callback and reports missing ones', () => {
    const files: Record<string, string> = { 'p.asm': 'mov %r0, 1\nexit\n' };
    const df = parseDataFile('-- asm @ p.asm\n-- mem @ none.hex\n-- result\n0x1\n', { flavour: 'ubpf', file: 'x.data', readInclude: (n) => files[n] ?? null });
    expect(df.asm).toEqual({ text: 'mov %r0, 1\nexit\n', file: 'p.asm', firstLine: 1 });
    expect(df.diagnostics.map((d) => [d.loc.line, d.message])).toEqual([[2, 'cannot read "none.hex" named by "-- mem @ none.hex"']]);
  });
  it('rejects duplicate sections and warns on unknown ones', () => {
    const df = parseDataFile('-- asm\nexit\n-- asm\nexit\n-- frob\n', { flavour: 'ubpf' });
    expect(df.diagnostics.map((d) => [d.severity, d.message])).toEqual([
      ['error', 'duplicate section "-- asm"'],
      ['warning', 'unknown section "-- frob"'],
    ]);
  });
  it('never throws on garbage', () => {
    for (const t of ['', '--', '-- result\n', '-- result\nzz', '-- raw\n0xzz', '-- mem\n0g', '\u0000--\u0000']) {
      expect(() => parseDataFile(t, { flavour: 'ubpf' })).not.toThrow();
      expect(() => parseDataFile(t, { flavour: 'bpf_conformance' })).not.toThrow();
    }
  });
});

describe('parseDataFile + runDataFile fuzz', () => {
  const seed = '-- asm\nmov %r0, 1\nldxb %r2, [%r1+1]\njne %r2, 3, +1\nexit\nexit\n-- mem\n01 02 03\n-- result\n0x1\n-- error\nx\n';
  const mutated = fc.tuple(fc.array(fc.tuple(fc.nat(), fc.nat(6), fc.string({ maxLength: 8 })), { maxLength: 6 }), fc.boolean()).map(([edits, ubpf]) => {
    let s = seed;
    for (const [at, len, ins] of edits) {
      const p = at % (s.length + 1);
      s = s.slice(0, p) + ins + s.slice(p + len);
    }
    const flavour: Flavour = ubpf ? 'ubpf' : 'bpf_conformance';
    return { s, flavour };
  });
  it('never throws and always gives an outcome', () => {
    fc.assert(
      fc.property(mutated, ({ s, flavour }) => {
        const df = parseDataFile(s, { flavour });
        const o = runDataFile(df, { exec: runRaw, maxInsns: 10_000 });
        expect(['pass', 'fail', 'skip']).toContain(o.status);
        expect(o.reason.length).toBeGreaterThan(0);
        expect(o.reason).not.toMatch(/internal error/);
      }),
      { numRuns: 1500 },
    );
  });
});

describe('runDataText', () => {
  it('parses and runs in one call', () => {
    const { file, outcome } = runDataText('-- asm\nmov %r0, %r2\nexit\n-- mem\n00 11 22\n-- result\n3\n', { flavour: 'bpf_conformance', exec: runRaw });
    expect(file.mem!.length).toBe(3);
    expect([outcome.status, outcome.r0]).toEqual(['pass', 3n]);
  });
});

describe('uBPF run-time error patterns are matched by category', () => {
  const run = (pattern: string) =>
    runDataText(`-- asm\nstb [%r10], 0\nexit\n-- error pattern\n${pattern}\n-- result\n0xffffffffffffffff\n`, { flavour: 'ubpf', exec: runRaw }).outcome.status;
  it('instruction index, store vs load, and size must agree', () => {
    expect(run('uBPF error: out of bounds memory store at PC 0, addr .*, size 1')).toBe('pass');
    expect(run('uBPF error: out of bounds memory load at PC 0, addr .*, size 1')).toBe('fail');
    expect(run('uBPF error: out of bounds memory store at PC 1, addr .*, size 1')).toBe('fail');
    expect(run('uBPF error: out of bounds memory store at PC 0, addr .*, size 4')).toBe('fail');
  });
});
