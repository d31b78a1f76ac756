// Classic BPF text forms: libpcap's bpf_image() text for every opcode (golden from the real libpcap),
// tcpdump -d/-dd/-ddd parse/print round trips on the tcpdump corpus, bpf_asm and raw bytes round
// trips, located errors for bad input in every form, and detectCbpf() never claiming eBPF text.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatBpfAsm, parseBpfAsm } from './bpfasm';
import {
  bpfImage, detectCbpf, formatDump, parseSockFilterBytes, parseTcpdumpD, parseTcpdumpDd, parseTcpdumpDdd,
} from './formats';
import { CBPF_ISA, cbpfRow, filtersToBytes, type SockFilter } from './insn';

const root = path.resolve(__dirname, '../..');
const readJsonl = <T,>(f: string): T[] =>
  readFileSync(path.join(root, 'testdata/cbpf', f), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as T);
const images = readJsonl<{ code: number; k: number; image: string; meta?: boolean }>('bpf-image.jsonl').filter((r) => !r.meta);
const goldens = readJsonl<{ expr: string; d?: string; dd?: string; ddd?: string; meta?: boolean }>('tcpdump-goldens.jsonl').filter((r) => !r.meta && r.d);

describe('bpf_image (tcpdump -d) text', () => {
  it(`matches libpcap's bpf_image() for all ${images.length} recorded (code, k) pairs`, () => {
    const bad = images.filter((r) => bpfImage({ code: r.code, jt: 1, jf: 2, k: r.k }, 7) !== r.image);
    expect(bad.slice(0, 5).map((r) => `${r.code}/${r.k}: ${bpfImage({ code: r.code, jt: 1, jf: 2, k: r.k }, 7)} != ${r.image}`)).toEqual([]);
  });
  it('every table row is a known libpcap image or a kernel-only extension', () => {
    for (const row of CBPF_ISA) {
      const img = bpfImage({ code: row.code, jt: 0, jf: 0, k: 0 }, 0);
      if (row.code === 0x0e || row.code === 0x81) expect(img).toContain('unimp');
      else expect(img, row.mnemonic).not.toContain('unimp');
    }
  });
});

/** The fields an instruction uses (others zeroed), as `tcpdump -d` shows them. */
function significant(f: SockFilter): SockFilter {
  const row = cbpfRow(f.code);
  if (!row) return { code: f.code, jt: 0, jf: 0, k: 0 };
  const usesK = !(row.kind === 'tax' || row.kind === 'txa' || row.aluOp === 'neg' || row.src === 'x' || row.src === 'a' || row.mode === 'LEN');
  const cond = row.kind === 'jmp';
  return { code: f.code, jt: cond ? f.jt : 0, jf: cond ? f.jf : 0, k: usesK ? f.k : 0 };
}

describe('tcpdump -d / -dd / -ddd round trips on the corpus', () => {
  it(`parses and reprints all ${goldens.length} golden programs identically`, () => {
    for (const g of goldens) {
      const d = parseTcpdumpD(g.d!);
      const dd = parseTcpdumpDd(g.dd!);
      const ddd = parseTcpdumpDdd(g.ddd!);
      expect(d.diagnostics, g.expr).toEqual([]);
      expect(ddd.filters, g.expr).toEqual(dd.filters);
      // -d does not print fields an instruction ignores (k of tax, jt/jf of non-jumps): equal up to those
      expect(d.filters!.map(significant), g.expr).toEqual(dd.filters!.map(significant));
      expect(formatDump(d.filters!, '-d')).toBe(g.d);
      expect(formatDump(dd.filters!, '-d')).toBe(g.d);
      expect(formatDump(dd.filters!, '-dd')).toBe(g.dd);
      expect(formatDump(dd.filters!, '-ddd')).toBe(g.ddd);
      expect(detectCbpf(g.d!)).toBe('tcpdump-d');
      expect(detectCbpf(g.dd!)).toBe('tcpdump-dd');
      expect(detectCbpf(g.ddd!)).toBe('tcpdump-ddd');
    }
  });
  it('bpf_asm and raw bytes round trips on the corpus', () => {
    for (const g of goldens) {
      const fs = parseTcpdumpDd(g.dd!).filters!.map(significant);
      const asm = formatBpfAsm(fs);
      expect(asm.unexpressible).toEqual([]);
      const back = parseBpfAsm(asm.text);
      expect(back.diagnostics, `${g.expr}\n${asm.text}`).toEqual([]);
      expect(back.filters).toEqual(fs);
      expect(detectCbpf(asm.text), asm.text).toBe('bpf_asm');
      expect(parseSockFilterBytes(filtersToBytes(fs)).filters).toEqual(fs);
    }
  });
  it('round-trips every opcode of the table through every form', () => {
    const fs: SockFilter[] = [];
    for (const row of CBPF_ISA) {
      const k = row.kind === 'ja' ? 0 : row.mode === 'MEM' || row.kind === 'st' || row.kind === 'stx' ? 3 : row.kind === 'alu' && row.src === 'x' ? 0 : row.src === 'x' || row.src === 'a' || row.kind === 'tax' || row.kind === 'txa' || row.aluOp === 'neg' || row.mode === 'LEN' ? 0 : 0x2a;
      fs.push({ code: row.code, jt: row.kind === 'jmp' ? 1 : 0, jf: row.kind === 'jmp' ? 2 : 0, k });
    }
    fs.push({ code: 0x20, jt: 0, jf: 0, k: 0xfffff000 }, { code: 0x30, jt: 0, jf: 0, k: 0xfffff038 }, { code: 0x06, jt: 0, jf: 0, k: 0 }, { code: 0x06, jt: 0, jf: 0, k: 0 }, { code: 0x06, jt: 0, jf: 0, k: 0 });
    const dd = parseTcpdumpDd(formatDump(fs, '-dd')).filters;
    expect(dd).toEqual(fs);
    expect(parseTcpdumpDdd(formatDump(fs, '-ddd')).filters).toEqual(fs);
    const asm = formatBpfAsm(fs);
    expect(parseBpfAsm(asm.text).filters).toEqual(fs);
    // -d loses k of ret x / ldx len (printed as unimp): compare the rest
    const d = parseTcpdumpD(formatDump(fs, '-d')).filters!;
    expect(d.map((f) => f.code)).toEqual(fs.map((f) => f.code));
  });
});

describe('bpf_asm syntax', () => {
  it('parses the kernel documentation style with labels, one-label jumps and extensions', () => {
    const src = `
      ; IPv4 TCP only
      ldh [12]
      jne #0x800, drop   /* not IPv4 */
      ldb [23]
      jneq #6, drop
      ldxb 4*([14]&0xf)
      ldh [x + 16]
      jeq #22, keep, drop
keep: ret #-1
drop: ret #0
      ld #proto
      ld #len
      ldx M[3]
      ld %x
`;
    const r = parseBpfAsm(src.split('\n').slice(0, 11).join('\n'));
    expect(r.diagnostics).toEqual([]);
    expect(r.filters).toEqual([
      { code: 0x28, jt: 0, jf: 0, k: 12 },
      { code: 0x15, jt: 0, jf: 6, k: 0x800 },
      { code: 0x30, jt: 0, jf: 0, k: 23 },
      { code: 0x15, jt: 0, jf: 4, k: 6 },
      { code: 0xb1, jt: 0, jf: 0, k: 14 },
      { code: 0x48, jt: 0, jf: 0, k: 16 },
      { code: 0x15, jt: 0, jf: 1, k: 22 },
      { code: 0x06, jt: 0, jf: 0, k: 0xffffffff },
      { code: 0x06, jt: 0, jf: 0, k: 0 },
    ]);
    const ext = parseBpfAsm('ld #proto\nldh #vlan_tci\nldb #rand\nld #len\nldx #len\nld poff\njlt #5, z\njle x, z\nz: ret a');
    expect(ext.diagnostics).toEqual([]);
    expect(ext.filters!.map((f) => [f.code, f.k >>> 0, f.jt, f.jf])).toEqual([
      [0x20, 0xfffff000, 0, 0], [0x28, 0xfffff02c, 0, 0], [0x30, 0xfffff038, 0, 0], [0x80, 0, 0, 0], [0x81, 0, 0, 0],
      [0x20, 0xfffff034, 0, 0], [0x35, 5, 0, 1], [0x2d, 0, 0, 0], [0x16, 0, 0, 0],
    ]);
  });
  it('reports errors at line:col', () => {
    const cases: [string, number, number, RegExp][] = [
      ['ldh [12]\nfoo #1', 2, 1, /unknown instruction "foo"/],
      ['ldh [12\nret #0', 1, 8, /expected "\]"/],
      ['jeq #1, nowhere\nret #0', 1, 9, /no such label 'nowhere'/],
      ['ld #proto\nldx #mark\nret a', 2, 5, /ldx takes/],
      ['  ret #0x1ffffffff', 1, 8, /does not fit/],
      ['ldxb 3*([14]&0xf)\nret #0', 1, 6, /ldxb offset not supported/],
      ['a: ret #0\na: ret #1', 2, 1, /defined twice/],
      ['ld [1] extra\nret #0', 1, 8, /unexpected "extra"/],
      ['ret $', 1, 5, /unexpected character/],
    ];
    for (const [src, line, col, msg] of cases) {
      const r = parseBpfAsm(src);
      expect(r.filters, src).toBeNull();
      expect(r.diagnostics[0]!.message, src).toMatch(msg);
      expect([r.diagnostics[0]!.loc.line, r.diagnostics[0]!.loc.col], src).toEqual([line, col]);
    }
  });
  it('rejects a jump more than 255 instructions ahead like bpf_asm', () => {
    const src = 'jeq #1, far\n' + 'ld #0\n'.repeat(300) + 'far: ret #0\n';
    const r = parseBpfAsm(src);
    expect(r.diagnostics[0]!.message).toMatch(/out of range/);
  });
});

describe('tcpdump text errors are located', () => {
  it('-d', () => {
    const r = parseTcpdumpD('(000) ldh      [12]\n(001) jeq      #0x800           jt 2\tjf 3\n(002) frob     #1\n(003) ret      #0');
    expect(r.diagnostics.map((d) => [d.loc.line, d.loc.col, d.message])).toEqual([[3, 7, 'unknown instruction "frob"']]);
    const r2 = parseTcpdumpD('(000) ldh      [12]\n(001) jeq      #0x800\n(002) ret #0');
    expect(r2.diagnostics[0]!.loc.line).toBe(2);
    expect(r2.diagnostics[0]!.message).toMatch(/needs "jt N  jf N"/);
    const r3 = parseTcpdumpD('(000) ret      #0\n(005) ret      #0');
    expect(r3.diagnostics[0]!.message).toMatch(/out of sequence/);
  });
  it('-dd and -ddd', () => {
    const r = parseTcpdumpDd('{ 0x28, 0, 0, 0x0000000c },\n{ 0x15, 0, zz, 0x00000800 },');
    expect([r.diagnostics[0]!.loc.line, r.diagnostics[0]!.loc.col]).toEqual([2, 12]);
    const r2 = parseTcpdumpDdd('2\n40 0 0 12\n6 0 0');
    expect(r2.diagnostics[0]!.loc.line).toBe(3);
    const r3 = parseTcpdumpDdd('3\n40 0 0 12\n6 0 0 0');
    expect(r3.diagnostics[0]!.message).toMatch(/count says 3/);
    const r4 = parseTcpdumpDd('{ 0x10028, 0, 0, 0x0000000c },');
    expect(r4.diagnostics[0]!.message).toMatch(/not a u16/);
  });
  it('bytes', () => {
    const r = parseSockFilterBytes(new Uint8Array(13));
    expect(r.diagnostics[0]!.loc.byteOffset).toBe(8);
    expect(parseSockFilterBytes(new Uint8Array(0)).diagnostics[0]!.message).toMatch(/empty/);
  });
  it('the bpf_asm one-line output form of -ddd', () => {
    expect(parseTcpdumpDdd('2,40 0 0 12,6 0 0 0,').filters).toEqual([
      { code: 40, jt: 0, jf: 0, k: 12 },
      { code: 6, jt: 0, jf: 0, k: 0 },
    ]);
  });
});

describe('detectCbpf', () => {
  it('never claims eBPF in the LLVM or ubpf dialects', () => {
    const ebpf = [
      'r0 = 0\nexit',
      'r0 = *(u32 *)(r1 + 0)\nif r0 > 5 goto +1\nexit',
      'mov r0, 1\nexit',
      'ldxw r0, [r1+0]\njeq r0, 0, +1\nmov r0, 2\nexit',
      'ja +1\nexit\nexit',
      'lddw r0, 0x1\nexit',
      'add r1, 2\nexit',
      'call 1\nexit',
      'ldabsh 12\nexit',
      'w0 = 1\nexit',
    ];
    for (const t of ebpf) expect(detectCbpf(t), t).toBe(false);
  });
  it('recognises each classic form', () => {
    expect(detectCbpf('ldh [12]\njeq #0x800, a, b\na: ret #-1\nb: ret #0')).toBe('bpf_asm');
    expect(detectCbpf('  tax\n  ret a')).toBe('bpf_asm');
    expect(detectCbpf('(000) ret      #262144\n')).toBe('tcpdump-d');
    expect(detectCbpf('{ 0x6, 0, 0, 0x00040000 },\n')).toBe('tcpdump-dd');
    expect(detectCbpf('1\n6 0 0 262144\n')).toBe('tcpdump-ddd');
    expect(detectCbpf('')).toBe(false);
    expect(detectCbpf('hello world')).toBe(false);
  });
  it('describes every row', () => {
    for (const r of CBPF_ISA) expect(cbpfRow(r.code)).toBe(r);
  });
});
