// Classic BPF text forms that tcpdump prints, and raw struct sock_filter bytes: parsers with
// located errors and printers back to each form.
//   -d   : libpcap's bpf_image() listing, `(000) ldh      [12]`
//   -dd  : C array, `{ 0x28, 0, 0, 0x0000000c },`
//   -ddd : decimal, the count first, then `40 0 0 12` per line
// Also detectCbpf(), which tells the engine which classic form a text is (never claiming eBPF text
// in the LLVM or ubpf dialects). bpf_asm syntax lives in worker/cbpf/bpfasm.ts.
// Follows libpcap 1.10 bpf_image.c and tcpdump 4.99's bpf_dump(); goldens in testdata/cbpf come
// from the real libpcap.

import { err, type Diagnostic } from '../util/diag';
import {
  ancillaryByK, ANCILLARY, BPF_CLASS, BPF_MODE, bytesToFilters, cbpfRow, isCondJump, SOCK_FILTER_SIZE, type SockFilter,
} from './insn';
import { looksLikeBpfAsm } from './bpfasm';

export type CbpfForm = 'tcpdump-d' | 'tcpdump-dd' | 'tcpdump-ddd' | 'bpf_asm';
export type DumpFlag = '-d' | '-dd' | '-ddd';

export interface CbpfParse {
  filters: SockFilter[] | null;
  diagnostics: Diagnostic[];
  /** instruction index -> 1-based source line */
  lines?: number[];
}

const s32 = (k: number): number => k | 0;
const hex = (k: number): string => '0x' + (k >>> 0).toString(16);

/** The operand text bpf_image() prints for one instruction at index n. */
function imageParts(f: SockFilter, n: number): { op: string; operand: string } {
  const row = cbpfRow(f.code);
  if (!row || row.code === (BPF_CLASS.RET | 0x08) || row.code === (BPF_CLASS.LDX | BPF_MODE.LEN))
    return { op: 'unimp', operand: hex(f.code) };
  const k = f.k;
  switch (row.kind) {
    case 'ret':
      return { op: 'ret', operand: row.src === 'k' ? `#${s32(k)}` : '' };
    case 'ld':
      switch (row.mode) {
        case 'ABS': {
          const a = ancillaryByK(k);
          return { op: row.mnemonic, operand: a ? `[${a.pcap}]` : `[${s32(k)}]` };
        }
        case 'IND':
          return { op: row.mnemonic, operand: `[x + ${s32(k)}]` };
        case 'LEN':
          return { op: 'ld', operand: '#pktlen' };
        case 'IMM':
          return { op: 'ld', operand: `#${hex(k)}` };
        default:
          return { op: 'ld', operand: `M[${s32(k)}]` };
      }
    case 'ldx':
      if (row.mode === 'IMM') return { op: 'ldx', operand: `#${hex(k)}` };
      if (row.mode === 'MSH') return { op: 'ldxb', operand: `4*([${s32(k)}]&0xf)` };
      return { op: 'ldx', operand: `M[${s32(k)}]` };
    case 'st':
    case 'stx':
      return { op: row.mnemonic, operand: `M[${s32(k)}]` };
    case 'ja':
      return { op: 'ja', operand: String(s32(n + 1 + s32(k))) };
    case 'jmp':
      return { op: row.mnemonic, operand: row.src === 'x' ? 'x' : `#${hex(k)}` };
    case 'alu': {
      if (row.aluOp === 'neg') return { op: 'neg', operand: '' };
      if (row.src === 'x') return { op: row.mnemonic, operand: 'x' };
      const hexy = row.aluOp === 'and' || row.aluOp === 'or' || row.aluOp === 'xor';
      return { op: row.mnemonic, operand: hexy ? `#${hex(k)}` : `#${s32(k)}` };
    }
    case 'tax':
    case 'txa':
      return { op: row.kind, operand: '' };
  }
}

/** libpcap's bpf_image(): one line of `tcpdump -d`. */
export function bpfImage(f: SockFilter, n: number): string {
  const { op, operand } = imageParts(f, n);
  const num = String(n).padStart(3, '0');
  if ((f.code & 7) === BPF_CLASS.JMP && (f.code & 0xf0) !== 0)
    return `(${num}) ${op.padEnd(8)} ${operand.padEnd(16)} jt ${n + 1 + f.jt}\tjf ${n + 1 + f.jf}`;
  return `(${num}) ${op.padEnd(8)} ${operand}`;
}

/** Prints a program exactly as `tcpdump -d`, `-dd` or `-ddd` does (each line ends with a newline). */
export function formatDump(fs: readonly SockFilter[], flag: DumpFlag): string {
  if (flag === '-ddd') return `${fs.length}\n` + fs.map((f) => `${f.code} ${f.jt} ${f.jf} ${f.k >>> 0}\n`).join('');
  if (flag === '-dd')
    return fs.map((f) => `{ 0x${f.code.toString(16)}, ${f.jt}, ${f.jf}, 0x${(f.k >>> 0).toString(16).padStart(8, '0')} },\n`).join('');
  return fs.map((f, i) => bpfImage(f, i) + '\n').join('');
}

// ---- parsing -------------------------------------------------------------------------------

interface Line {
  no: number; // 1-based
  text: string;
  indent: number;
}
function contentLines(text: string): Line[] {
  const out: Line[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const t = raw.trimEnd();
    const trimmed = t.trimStart();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith('//')) return;
    out.push({ no: i + 1, text: trimmed, indent: t.length - trimmed.length });
  });
  return out;
}

function parseNum(s: string): number | null {
  const t = s.trim();
  if (/^-?\d+$/.test(t)) return Number(t);
  if (/^-?0x[0-9a-f]+$/i.test(t)) return t.startsWith('-') ? -parseInt(t.slice(1), 16) : parseInt(t, 16);
  return null;
}

function inRange(v: number, lo: number, hi: number): boolean {
  return Number.isInteger(v) && v >= lo && v <= hi;
}

const ANC_BY_PCAP = new Map(ANCILLARY.map((a) => [a.pcap, a]));

/** Parses a `tcpdump -d` listing. Jump targets are absolute in the listing, relative in the result. */
export function parseTcpdumpD(text: string): CbpfParse {
  const diagnostics: Diagnostic[] = [];
  const filters: SockFilter[] = [];
  const lines: number[] = [];
  let seq = 0;
  for (const ln of contentLines(text)) {
    const at = (col: number, msg: string, endCol?: number): void => {
      diagnostics.push(err(msg, { line: ln.no, col: ln.indent + col, endCol: endCol === undefined ? undefined : ln.indent + endCol }, 'cbpf.parse'));
    };
    const m = /^\((\d+)\)\s+([a-z]+)\s*(.*?)\s*$/.exec(ln.text);
    if (!m) {
      at(1, 'expected a tcpdump -d line such as "(000) ldh      [12]"');
      continue;
    }
    const n = Number(m[1]);
    if (n !== seq) at(2, `instruction number ${n} out of sequence (expected ${seq})`, 2 + m[1]!.length);
    seq = n + 1;
    const op = m[2]!;
    let rest = m[3]!;
    const opCol = ln.text.indexOf(op, m[1]!.length + 2) + 1;
    const restCol = rest ? ln.text.lastIndexOf(rest) + 1 : ln.text.length + 1;
    let jt: number | null = null;
    let jf: number | null = null;
    const jm = /^(.*?)\s*jt\s+(\d+)\s+jf\s+(\d+)$/.exec(rest);
    if (jm) {
      rest = jm[1]!;
      jt = Number(jm[2]) - n - 1;
      jf = Number(jm[3]) - n - 1;
      if (!inRange(jt, 0, 255) || !inRange(jf, 0, 255)) {
        at(restCol, `jump targets jt ${jm[2]} / jf ${jm[3]} must be 1..256 instructions ahead of ${n}`);
        continue;
      }
    }
    const r = parseImageOperand(op, rest, n);
    if ('error' in r) {
      at(r.atOp ? opCol : restCol, r.error, r.atOp ? opCol + op.length : restCol + rest.length);
      continue;
    }
    const cond = isCondJump(r.code);
    if (cond && jt === null) {
      at(restCol + rest.length, `${op} needs "jt N  jf N"`);
      continue;
    }
    if (!cond && jt !== null) {
      at(restCol, `${op} takes no jt/jf`);
      continue;
    }
    filters.push({ code: r.code, jt: jt ?? 0, jf: jf ?? 0, k: r.k >>> 0 });
    lines.push(ln.no);
  }
  if (filters.length === 0 && diagnostics.length === 0) diagnostics.push(err('empty program', { line: 1, col: 1 }, 'cbpf.empty'));
  return { filters: diagnostics.length ? null : filters, diagnostics, lines };
}

type OperandResult = { code: number; k: number } | { error: string; atOp?: boolean };

function parseImageOperand(op: string, operand: string, n: number): OperandResult {
  const o = operand.replace(/\s+/g, ' ').trim();
  const num = (s: string): number | null => parseNum(s);
  const bad = (): OperandResult => ({ error: `bad operand "${operand}" for ${op}` });
  const mem = /^M\[(-?\d+)\]$/.exec(o);
  const abs = /^\[(-?\d+|[a-z_]+)\]$/.exec(o);
  const ind = /^\[x \+ (-?\d+)\]$/.exec(o);
  const imm = /^#(-?(?:0x[0-9a-f]+|\d+))$/i.exec(o);
  const sizes: Record<string, number> = { ld: 0x00, ldh: 0x08, ldb: 0x10 };
  switch (op) {
    case 'ld':
    case 'ldh':
    case 'ldb': {
      const sz = sizes[op]!;
      if (abs) {
        const a = ANC_BY_PCAP.get(abs[1]!);
        if (a) return { code: BPF_CLASS.LD | sz | BPF_MODE.ABS, k: -0x1000 + a.off };
        const v = num(abs[1]!);
        return v === null ? { error: `unknown ancillary field "${abs[1]}"` } : { code: BPF_CLASS.LD | sz | BPF_MODE.ABS, k: v };
      }
      if (ind) return { code: BPF_CLASS.LD | sz | BPF_MODE.IND, k: Number(ind[1]) };
      if (op !== 'ld') return bad();
      if (o === '#pktlen') return { code: BPF_CLASS.LD | BPF_MODE.LEN, k: 0 };
      if (imm) return { code: BPF_CLASS.LD | BPF_MODE.IMM, k: num(imm[1]!)! };
      if (mem) return { code: BPF_CLASS.LD | BPF_MODE.MEM, k: Number(mem[1]) };
      return bad();
    }
    case 'ldx':
      if (imm) return { code: BPF_CLASS.LDX | BPF_MODE.IMM, k: num(imm[1]!)! };
      if (mem) return { code: BPF_CLASS.LDX | BPF_MODE.MEM, k: Number(mem[1]) };
      return bad();
    case 'ldxb': {
      const msh = /^4\*\(\[(-?\d+)\]&0xf\)$/.exec(o.replace(/ /g, ''));
      return msh ? { code: BPF_CLASS.LDX | 0x10 | BPF_MODE.MSH, k: Number(msh[1]) } : bad();
    }
    case 'st':
    case 'stx':
      return mem ? { code: op === 'st' ? BPF_CLASS.ST : BPF_CLASS.STX, k: Number(mem[1]) } : bad();
    case 'ret':
      if (o === '') return { code: BPF_CLASS.RET | 0x10, k: 0 };
      return imm ? { code: BPF_CLASS.RET, k: num(imm[1]!)! } : bad();
    case 'ja': {
      const t = num(o);
      return t === null ? bad() : { code: BPF_CLASS.JMP, k: t - n - 1 };
    }
    case 'jeq':
    case 'jgt':
    case 'jge':
    case 'jset': {
      const c = BPF_CLASS.JMP | { jeq: 0x10, jgt: 0x20, jge: 0x30, jset: 0x40 }[op];
      if (o === 'x') return { code: c | 0x08, k: 0 };
      return imm ? { code: c, k: num(imm[1]!)! } : bad();
    }
    case 'add': case 'sub': case 'mul': case 'div': case 'or': case 'and': case 'lsh': case 'rsh': case 'mod': case 'xor': {
      const c = BPF_CLASS.ALU | { add: 0x00, sub: 0x10, mul: 0x20, div: 0x30, or: 0x40, and: 0x50, lsh: 0x60, rsh: 0x70, mod: 0x90, xor: 0xa0 }[op];
      if (o === 'x') return { code: c | 0x08, k: 0 };
      return imm ? { code: c, k: num(imm[1]!)! } : bad();
    }
    case 'neg':
      return o === '' ? { code: BPF_CLASS.ALU | 0x80, k: 0 } : bad();
    case 'tax':
      return o === '' ? { code: BPF_CLASS.MISC, k: 0 } : bad();
    case 'txa':
      return o === '' ? { code: BPF_CLASS.MISC | 0x80, k: 0 } : bad();
    case 'unimp': {
      const c = num(o);
      return c === null || !inRange(c, 0, 0xffff) ? bad() : { code: c, k: 0 };
    }
    default:
      return { error: `unknown instruction "${op}"`, atOp: true };
  }
}

function checkFields(code: number, jt: number, jf: number, k: number): string | null {
  if (!inRange(code, 0, 0xffff)) return `code ${code} is not a u16`;
  if (!inRange(jt, 0, 255)) return `jt ${jt} is not a u8`;
  if (!inRange(jf, 0, 255)) return `jf ${jf} is not a u8`;
  if (!inRange(k, -0x80000000, 0xffffffff)) return `k ${k} is not a u32`;
  return null;
}

/** Parses `tcpdump -dd` output (and bpf_asm -c output, the same C initialisers). */
export function parseTcpdumpDd(text: string): CbpfParse {
  const diagnostics: Diagnostic[] = [];
  const filters: SockFilter[] = [];
  const lines: number[] = [];
  for (const ln of contentLines(text)) {
    const m = /^\{\s*([^,}]+),\s*([^,}]+),\s*([^,}]+),\s*([^,}]+?)\s*\},?$/.exec(ln.text);
    if (!m) {
      diagnostics.push(err('expected "{ code, jt, jf, k }," as tcpdump -dd prints', { line: ln.no, col: ln.indent + 1 }, 'cbpf.parse'));
      continue;
    }
    const vals = [m[1]!, m[2]!, m[3]!, m[4]!].map(parseNum);
    const badIdx = vals.findIndex((v) => v === null);
    if (badIdx >= 0) {
      const col = ln.text.indexOf(m[badIdx + 1]!) + 1;
      diagnostics.push(err(`"${m[badIdx + 1]}" is not a number`, { line: ln.no, col: ln.indent + col }, 'cbpf.parse'));
      continue;
    }
    const [code, jt, jf, k] = vals as number[];
    const e = checkFields(code!, jt!, jf!, k!);
    if (e) {
      diagnostics.push(err(e, { line: ln.no, col: ln.indent + 1 }, 'cbpf.parse'));
      continue;
    }
    filters.push({ code: code!, jt: jt!, jf: jf!, k: k! >>> 0 });
    lines.push(ln.no);
  }
  if (filters.length === 0 && diagnostics.length === 0) diagnostics.push(err('empty program', { line: 1, col: 1 }, 'cbpf.empty'));
  return { filters: diagnostics.length ? null : filters, diagnostics, lines };
}

/** Parses `tcpdump -ddd` output: the count, then "code jt jf k" per line. Also accepts bpf_asm's
 * one-line form "N,c t f k,c t f k,…". */
export function parseTcpdumpDdd(text: string): CbpfParse {
  const diagnostics: Diagnostic[] = [];
  const filters: SockFilter[] = [];
  const lines: number[] = [];
  let src = contentLines(text);
  if (src.length === 1 && src[0]!.text.includes(',')) {
    // bpf_asm style: split the one line into virtual lines, keeping columns.
    const l0 = src[0]!;
    const parts: Line[] = [];
    let col = 0;
    for (const p of l0.text.split(',')) {
      if (p.trim()) parts.push({ no: l0.no, text: p.trim(), indent: l0.indent + col + (p.length - p.trimStart().length) });
      col += p.length + 1;
    }
    src = parts;
  }
  if (src.length === 0) return { filters: null, diagnostics: [err('empty program', { line: 1, col: 1 }, 'cbpf.empty')] };
  const head = src[0]!;
  const count = /^\d+$/.test(head.text) ? Number(head.text) : null;
  if (count === null) return { filters: null, diagnostics: [err('expected the instruction count first (tcpdump -ddd)', { line: head.no, col: head.indent + 1 }, 'cbpf.parse')] };
  for (const ln of src.slice(1)) {
    const parts = ln.text.split(/\s+/);
    const vals = parts.map((p) => (/^\d+$/.test(p) ? Number(p) : null));
    if (parts.length !== 4 || vals.some((v) => v === null)) {
      diagnostics.push(err('expected four decimal numbers "code jt jf k"', { line: ln.no, col: ln.indent + 1 }, 'cbpf.parse'));
      continue;
    }
    const [code, jt, jf, k] = vals as number[];
    const e = checkFields(code!, jt!, jf!, k!);
    if (e) {
      diagnostics.push(err(e, { line: ln.no, col: ln.indent + 1 }, 'cbpf.parse'));
      continue;
    }
    filters.push({ code: code!, jt: jt!, jf: jf!, k: k! >>> 0 });
    lines.push(ln.no);
  }
  if (!diagnostics.length && count !== filters.length)
    diagnostics.push(err(`the count says ${count} instructions but ${filters.length} follow`, { line: head.no, col: head.indent + 1 }, 'cbpf.count'));
  return { filters: diagnostics.length ? null : filters, diagnostics, lines };
}

/** Raw struct sock_filter bytes, 8 per instruction, host order (little-endian). */
export function parseSockFilterBytes(bytes: Uint8Array): CbpfParse {
  if (bytes.length === 0) return { filters: null, diagnostics: [err('empty program', { byteOffset: 0 }, 'cbpf.empty')] };
  if (bytes.length % SOCK_FILTER_SIZE !== 0)
    return {
      filters: null,
      diagnostics: [err(`length ${bytes.length} is not a multiple of 8 (struct sock_filter); ${bytes.length % 8} trailing bytes`, { byteOffset: bytes.length - (bytes.length % 8) }, 'cbpf.length')],
    };
  return { filters: bytesToFilters(bytes), diagnostics: [] };
}

/** Which classic BPF text form this is, or false (eBPF text in the LLVM or ubpf dialects is never claimed). */
export function detectCbpf(text: string): false | CbpfForm {
  const ls = contentLines(text).map((l) => l.text);
  if (ls.length === 0) return false;
  if (/^\(\d{3,}\)\s+[a-z]+/.test(ls[0]!) && ls.every((l) => /^\(\d+\)\s+[a-z]+/.test(l))) return 'tcpdump-d';
  if (ls.every((l) => /^\{\s*0x[0-9a-f]+\s*,\s*\d+\s*,\s*\d+\s*,\s*0x[0-9a-f]+\s*\},?$/i.test(l))) return 'tcpdump-dd';
  if (/^\d+$/.test(ls[0]!) && ls.length > 1 && ls.slice(1).every((l) => /^\d+\s+\d+\s+\d+\s+\d+$/.test(l))) return 'tcpdump-ddd';
  if (ls.length === 1 && /^\d+,(\s*\d+\s+\d+\s+\d+\s+\d+\s*,)+\s*$/.test(ls[0]!)) return 'tcpdump-ddd';
  if (looksLikeBpfAsm(text)) return 'bpf_asm';
  return false;
}
