// The kernel's bpf_asm syntax (tools/bpf/bpf_exp.l + bpf_exp.y): parser with line:col errors and
// a printer back to it. Labels (`name:`), `;` comments, numbers in decimal, 0x hex, 0 octal and
// 0b binary, `x`/`%x`, `a`/`%a`, `#len`, `M[n]`, `4*([k]&0xf)` and the ancillary names
// (`#proto`, `#poff`, …). Conditional jumps take `jt, jf` labels or only `jt` (jf = next); `jneq`/
// `jne`, `jlt`, `jle` take one label and are encoded as bpf_asm does (jeq/jge/jgt with the label as jf).
// It does not check the program (worker/cbpf/check.ts does, like bpf_check_classic()).

import { err, type Diagnostic } from '../util/diag';
import {
  ancillaryByK, ANCILLARY, BPF_CLASS, BPF_MODE, BPF_SIZE, cbpfRow, SKF_AD_OFF, type Ancillary, type SockFilter,
} from './insn';
import type { CbpfParse } from './formats';

type TokKind = 'ident' | 'num' | 'punct' | 'ext';
interface Tok {
  kind: TokKind;
  text: string;
  value: number;
  col: number; // 1-based
}

const EXT = new Map<string, Ancillary | 'len'>();
for (const a of ANCILLARY) for (const n of [a.asm, ...a.asmAliases]) if (n) EXT.set(n, a);
EXT.set('len', 'len');

function parseNumber(t: string): number | null {
  let neg = false;
  let s = t;
  if (s.startsWith('-')) {
    neg = true;
    s = s.slice(1);
  }
  let v: number;
  if (/^0x[0-9a-f]+$/i.test(s)) v = parseInt(s.slice(2), 16);
  else if (/^0b[01]+$/i.test(s)) v = parseInt(s.slice(2), 2);
  else if (/^0[0-7]+$/.test(s)) v = parseInt(s.slice(1), 8);
  else if (/^\d+$/.test(s)) v = Number(s);
  else return null;
  if (v > 0xffffffff) return null;
  return neg ? -v : v;
}

function tokenize(line: string): { toks: Tok[]; error?: { col: number; msg: string } } {
  const toks: Tok[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === ';') break;
    if (c === '/' && line[i + 1] === '/') break;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const col = i + 1;
    const numM = /^-?(0x[0-9a-fA-F]+|0b[01]+|\d+)/.exec(line.slice(i));
    if (numM && (c !== '-' || /\d/.test(line[i + 1] ?? ''))) {
      const v = parseNumber(numM[0]);
      if (v === null) return { toks, error: { col, msg: `number "${numM[0]}" does not fit in 32 bits` } };
      toks.push({ kind: 'num', text: numM[0], value: v, col });
      i += numM[0].length;
      continue;
    }
    if (c === '#') {
      const m = /^#([A-Za-z_][A-Za-z0-9_]*)/.exec(line.slice(i));
      if (m) {
        toks.push({ kind: 'ext', text: m[1]!, value: 0, col });
        i += m[0].length;
        continue;
      }
      toks.push({ kind: 'punct', text: '#', value: 0, col });
      i++;
      continue;
    }
    const id = /^[A-Za-z_.][A-Za-z0-9_.]*/.exec(line.slice(i));
    if (id) {
      toks.push({ kind: 'ident', text: id[0], value: 0, col });
      i += id[0].length;
      continue;
    }
    if ('[]():,+*&%'.includes(c)) {
      toks.push({ kind: 'punct', text: c, value: 0, col });
      i++;
      continue;
    }
    return { toks, error: { col, msg: `unexpected character "${c}"` } };
  }
  return { toks };
}

class ParseError {
  constructor(readonly col: number, readonly msg: string) {}
}

class Cursor {
  i = 0;
  constructor(readonly toks: Tok[], readonly endCol: number) {}
  peek(): Tok | undefined {
    return this.toks[this.i];
  }
  colHere(): number {
    return this.toks[this.i]?.col ?? this.endCol;
  }
  next(): Tok | undefined {
    return this.toks[this.i++];
  }
  isPunct(p: string): boolean {
    const t = this.peek();
    return !!t && t.kind === 'punct' && t.text === p;
  }
  punct(p: string): void {
    if (!this.isPunct(p)) throw new ParseError(this.colHere(), `expected "${p}"${this.peek() ? ` before "${this.peek()!.text}"` : ''}`);
    this.i++;
  }
  num(): number {
    const t = this.peek();
    if (!t || t.kind !== 'num') throw new ParseError(this.colHere(), `expected a number${t ? ` before "${t.text}"` : ''}`);
    this.i++;
    return t.value;
  }
  ident(): Tok {
    const t = this.peek();
    if (!t || t.kind !== 'ident') throw new ParseError(this.colHere(), `expected a label${t ? ` before "${t.text}"` : ''}`);
    this.i++;
    return t;
  }
  /** `x` or `%x` (reg 'x') / `a` or `%a` */
  isReg(r: 'x' | 'a'): boolean {
    const t = this.peek();
    if (t?.kind === 'ident' && t.text.toLowerCase() === r) return true;
    const t2 = this.toks[this.i + 1];
    return !!t && t.kind === 'punct' && t.text === '%' && t2?.kind === 'ident' && t2.text.toLowerCase() === r;
  }
  reg(r: 'x' | 'a'): void {
    if (this.isPunct('%')) this.i++;
    const t = this.ident();
    if (t.text.toLowerCase() !== r) throw new ParseError(t.col, `expected ${r}`);
  }
  end(): void {
    const t = this.peek();
    if (t) throw new ParseError(t.col, `unexpected "${t.text}" after the instruction`);
  }
}

interface Pending {
  filter: SockFilter;
  line: number;
  jt?: Tok;
  jf?: Tok;
  ja?: Tok;
}

const ALU_OPS: Record<string, number> = { add: 0x00, sub: 0x10, mul: 0x20, div: 0x30, or: 0x40, and: 0x50, lsh: 0x60, rsh: 0x70, mod: 0x90, xor: 0xa0 };
const JMP_OPS: Record<string, number> = { jeq: 0x10, jgt: 0x20, jge: 0x30, jset: 0x40 };
/** One-label jumps that bpf_asm encodes with the label as jf: jneq/jne -> jeq, jlt -> jge, jle -> jgt. */
const NEG_JMP: Record<string, number> = { jneq: 0x10, jne: 0x10, jlt: 0x30, jle: 0x20 };
export const BPF_ASM_MNEMONICS = [
  'ld', 'ldi', 'ldh', 'ldb', 'ldx', 'ldxi', 'ldxb', 'st', 'stx', 'jmp', 'ja', ...Object.keys(JMP_OPS), ...Object.keys(NEG_JMP),
  ...Object.keys(ALU_OPS), 'neg', 'ret', 'tax', 'txa',
];

function parseInsn(mn: Tok, c: Cursor, p: Pending): void {
  const op = mn.text.toLowerCase();
  const f = p.filter;
  const set = (code: number, k = 0): void => {
    f.code = code;
    f.k = k >>> 0;
  };
  const loadOperand = (size: number, allowWide: boolean): void => {
    const t = c.peek();
    if (t?.kind === 'ext') {
      c.next();
      const e = EXT.get(t.text.toLowerCase());
      if (!e) throw new ParseError(t.col, `unknown extension "#${t.text}"`);
      if (e === 'len') {
        if (!allowWide) throw new ParseError(t.col, `#len needs ld or ldx`);
        set(BPF_CLASS.LD | BPF_SIZE.W | BPF_MODE.LEN);
      } else set(BPF_CLASS.LD | size | BPF_MODE.ABS, SKF_AD_OFF + e.off);
      return;
    }
    if (t?.kind === 'ident' && EXT.has(t.text.toLowerCase())) {
      c.next();
      const e = EXT.get(t.text.toLowerCase())!;
      if (e === 'len') {
        if (!allowWide) throw new ParseError(t.col, `len needs ld or ldx`);
        set(BPF_CLASS.LD | BPF_SIZE.W | BPF_MODE.LEN);
      } else set(BPF_CLASS.LD | size | BPF_MODE.ABS, SKF_AD_OFF + e.off);
      return;
    }
    if (allowWide && c.isPunct('#')) {
      c.next();
      set(BPF_CLASS.LD | BPF_MODE.IMM, c.num());
      return;
    }
    if (allowWide && t?.kind === 'ident' && t.text.toUpperCase() === 'M') {
      c.next();
      c.punct('[');
      const n = c.num();
      c.punct(']');
      set(BPF_CLASS.LD | BPF_MODE.MEM, n);
      return;
    }
    c.punct('[');
    if (c.isReg('x')) {
      c.reg('x');
      c.punct('+');
      const k = c.num();
      c.punct(']');
      set(BPF_CLASS.LD | size | BPF_MODE.IND, k);
      return;
    }
    const k = c.num();
    c.punct(']');
    set(BPF_CLASS.LD | size | BPF_MODE.ABS, k);
  };
  const msh = (): void => {
    const four = c.peek();
    const m = c.num();
    c.punct('*');
    c.punct('(');
    c.punct('[');
    const k = c.num();
    c.punct(']');
    c.punct('&');
    const maskTok = c.peek();
    const mask = c.num();
    c.punct(')');
    if (m !== 4) throw new ParseError(four!.col, 'ldxb offset not supported! (only 4*([k]&0xf))');
    if (mask !== 0xf) throw new ParseError(maskTok!.col, 'ldxb offset not supported! (only 4*([k]&0xf))');
    set(BPF_CLASS.LDX | BPF_SIZE.B | BPF_MODE.MSH, k);
  };
  switch (op) {
    case 'ld':
      loadOperand(BPF_SIZE.W, true);
      break;
    case 'ldh':
      loadOperand(BPF_SIZE.H, false);
      break;
    case 'ldb':
      loadOperand(BPF_SIZE.B, false);
      break;
    case 'ldi':
      if (c.isPunct('#')) c.next();
      set(BPF_CLASS.LD | BPF_MODE.IMM, c.num());
      break;
    case 'ldxi':
      if (c.isPunct('#')) c.next();
      set(BPF_CLASS.LDX | BPF_MODE.IMM, c.num());
      break;
    case 'ldx': {
      const t = c.peek();
      if (t?.kind === 'ext' || (t?.kind === 'ident' && t.text.toLowerCase() === 'len')) {
        c.next();
        if (EXT.get(t.text.toLowerCase()) !== 'len') throw new ParseError(t.col, `ldx takes #len, #k, M[k] or 4*([k]&0xf), not #${t.text}`);
        set(BPF_CLASS.LDX | BPF_SIZE.W | BPF_MODE.LEN);
      } else if (c.isPunct('#')) {
        c.next();
        set(BPF_CLASS.LDX | BPF_MODE.IMM, c.num());
      } else if (t?.kind === 'ident' && t.text.toUpperCase() === 'M') {
        c.next();
        c.punct('[');
        const n = c.num();
        c.punct(']');
        set(BPF_CLASS.LDX | BPF_MODE.MEM, n);
      } else msh();
      break;
    }
    case 'ldxb':
      msh();
      break;
    case 'st':
    case 'stx': {
      const t = c.peek();
      if (!(t?.kind === 'ident' && t.text.toUpperCase() === 'M')) throw new ParseError(c.colHere(), `expected M[k]`);
      c.next();
      c.punct('[');
      const n = c.num();
      c.punct(']');
      set(op === 'st' ? BPF_CLASS.ST : BPF_CLASS.STX, n);
      break;
    }
    case 'jmp':
    case 'ja':
      p.ja = c.ident();
      set(BPF_CLASS.JMP | 0x00);
      break;
    case 'neg':
      set(BPF_CLASS.ALU | 0x80);
      break;
    case 'tax':
      set(BPF_CLASS.MISC | 0x00);
      break;
    case 'txa':
      set(BPF_CLASS.MISC | 0x80);
      break;
    case 'ret':
      if (c.isReg('a')) {
        c.reg('a');
        set(BPF_CLASS.RET | 0x10);
      } else if (c.isReg('x')) {
        c.reg('x');
        set(BPF_CLASS.RET | 0x08);
      } else {
        c.punct('#');
        set(BPF_CLASS.RET, c.num());
      }
      break;
    default: {
      if (op in ALU_OPS) {
        if (c.isReg('x')) {
          c.reg('x');
          set(BPF_CLASS.ALU | ALU_OPS[op]! | 0x08);
        } else {
          c.punct('#');
          set(BPF_CLASS.ALU | ALU_OPS[op]!, c.num());
        }
        break;
      }
      const cond = JMP_OPS[op] ?? NEG_JMP[op];
      if (cond === undefined) throw new ParseError(mn.col, `unknown instruction "${mn.text}"`);
      if (c.isReg('x')) {
        c.reg('x');
        set(BPF_CLASS.JMP | cond | 0x08);
      } else {
        c.punct('#');
        set(BPF_CLASS.JMP | cond, c.num());
      }
      c.punct(',');
      const l1 = c.ident();
      if (op in NEG_JMP) {
        p.jf = l1;
        break;
      }
      p.jt = l1;
      if (c.isPunct(',')) {
        c.next();
        p.jf = c.ident();
      }
    }
  }
  c.end();
}

/** Replaces C comments by spaces, keeping line and column positions. */
function blankBlockComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' '));
}

/** Parses bpf_asm source into struct sock_filter instructions. */
export function parseBpfAsm(text: string): CbpfParse & { labels: Record<string, number> } {
  const diagnostics: Diagnostic[] = [];
  const pend: Pending[] = [];
  const labels: Record<string, number> = {};
  const labelTok: Record<string, { line: number; col: number }> = {};
  const src = blankBlockComments(text);
  src.split(/\r?\n/).forEach((raw0, li) => {
    const line = li + 1;
    const raw = raw0.startsWith('#') ? '' : raw0; // bpf_exp.l: `^#.*` is a comment
    const { toks, error } = tokenize(raw);
    if (error) {
      diagnostics.push(err(error.msg, { line, col: error.col, endCol: error.col + 1 }, 'cbpf.asm'));
      return;
    }
    let i = 0;
    while (toks[i]?.kind === 'ident' && toks[i + 1]?.kind === 'punct' && toks[i + 1]!.text === ':') {
      const name = toks[i]!.text;
      if (name in labels) {
        diagnostics.push(err(`label "${name}" defined twice (first at line ${labelTok[name]!.line})`, { line, col: toks[i]!.col, endCol: toks[i]!.col + name.length }, 'cbpf.asm'));
      } else {
        labels[name] = pend.length;
        labelTok[name] = { line, col: toks[i]!.col };
      }
      i += 2;
    }
    if (i >= toks.length) return;
    const mn = toks[i]!;
    if (mn.kind !== 'ident') {
      diagnostics.push(err(`expected an instruction, found "${mn.text}"`, { line, col: mn.col, endCol: mn.col + mn.text.length }, 'cbpf.asm'));
      return;
    }
    const p: Pending = { filter: { code: 0, jt: 0, jf: 0, k: 0 }, line };
    const c = new Cursor(toks.slice(i + 1), raw.length + 1);
    try {
      parseInsn(mn, c, p);
      pend.push(p);
    } catch (e) {
      if (e instanceof ParseError) diagnostics.push(err(`${e.msg}`, { line, col: e.col }, 'cbpf.asm'));
      else throw e;
    }
  });
  // Label resolution: bpf_asm's stage 2.
  pend.forEach((p, pc) => {
    const resolve = (t: Tok, kind: 'jt' | 'jf' | 'k'): number | null => {
      const target = labels[t.text];
      if (target === undefined) {
        diagnostics.push(err(`no such label '${t.text}'`, { line: p.line, col: t.col, endCol: t.col + t.text.length }, 'cbpf.label'));
        return null;
      }
      const delta = target - pc - 1;
      if (kind !== 'k' && (delta < 0 || delta > 255)) {
        diagnostics.push(err(`insn #${pc} jumps to insn #${target}, which is out of range (${kind} must be 0..255 instructions forward)`, { line: p.line, col: t.col, endCol: t.col + t.text.length }, 'cbpf.label'));
        return null;
      }
      // bpf_asm stores a backward `jmp` as a wrapped u32 (the kernel's checker then rejects it).
      return delta;
    };
    if (p.ja) p.filter.k = (resolve(p.ja, 'k') ?? 0) >>> 0;
    if (p.jt) p.filter.jt = resolve(p.jt, 'jt') ?? 0;
    if (p.jf) p.filter.jf = resolve(p.jf, 'jf') ?? 0;
  });
  if (pend.length === 0 && diagnostics.length === 0) diagnostics.push(err('empty program', { line: 1, col: 1 }, 'cbpf.empty'));
  return {
    filters: diagnostics.length ? null : pend.map((p) => p.filter),
    diagnostics,
    lines: pend.map((p) => p.line),
    labels,
  };
}

const kstr = (k: number): string => {
  const u = k >>> 0;
  return u < 10 ? String(u) : '0x' + u.toString(16);
};

/** Prints instructions in bpf_asm syntax; jump targets get labels `L<pc>`. Opcodes bpf_asm cannot
 * express are printed as a comment and reported in `unexpressible`. */
export function formatBpfAsm(fs: readonly SockFilter[]): { text: string; unexpressible: number[] } {
  const targets = new Set<number>();
  fs.forEach((f, pc) => {
    const row = cbpfRow(f.code);
    if (row?.kind === 'ja') targets.add(pc + 1 + (f.k | 0));
    if (row?.kind === 'jmp') {
      targets.add(pc + 1 + f.jt);
      targets.add(pc + 1 + f.jf);
    }
  });
  const L = (t: number): string => `L${t}`;
  const unexpressible: number[] = [];
  const out: string[] = [];
  fs.forEach((f, pc) => {
    const prefix = targets.has(pc) ? `${L(pc)}:` : '';
    const row = cbpfRow(f.code);
    let body: string;
    if (!row) {
      unexpressible.push(pc);
      body = `; not expressible in bpf_asm: { 0x${f.code.toString(16)}, ${f.jt}, ${f.jf}, 0x${(f.k >>> 0).toString(16)} }`;
    } else {
      const k = f.k >>> 0;
      switch (row.kind) {
        case 'ld': {
          if (row.mode === 'ABS') {
            const a = ancillaryByK(k);
            body = `${row.mnemonic} ${a?.asm ? '#' + a.asm : `[${kstr(k)}]`}`;
          } else if (row.mode === 'IND') body = `${row.mnemonic} [x + ${kstr(k)}]`;
          else if (row.mode === 'LEN') body = 'ld #len';
          else if (row.mode === 'IMM') body = `ld #${kstr(k)}`;
          else body = `ld M[${k}]`;
          break;
        }
        case 'ldx':
          body = row.mode === 'IMM' ? `ldx #${kstr(k)}` : row.mode === 'MEM' ? `ldx M[${k}]` : row.mode === 'LEN' ? 'ldx #len' : `ldxb 4*([${kstr(k)}]&0xf)`;
          break;
        case 'st':
        case 'stx':
          body = `${row.mnemonic} M[${k}]`;
          break;
        case 'alu':
          body = row.aluOp === 'neg' ? 'neg' : `${row.mnemonic} ${row.src === 'x' ? 'x' : '#' + kstr(k)}`;
          break;
        case 'ja':
          body = `jmp ${L(pc + 1 + (k | 0))}`;
          break;
        case 'jmp':
          body = `${row.mnemonic} ${row.src === 'x' ? 'x' : '#' + kstr(k)}, ${L(pc + 1 + f.jt)}, ${L(pc + 1 + f.jf)}`;
          break;
        case 'ret':
          body = row.src === 'k' ? `ret #${kstr(k)}` : `ret ${row.src}`;
          break;
        case 'tax':
        case 'txa':
          body = row.kind;
          break;
      }
      if (row.kind !== 'jmp' && (f.jt !== 0 || f.jf !== 0)) {
        // bpf_asm cannot set jt/jf on non-conditional instructions (they are ignored when run).
        body += `\t; jt ${f.jt} jf ${f.jf} dropped`;
        unexpressible.push(pc);
      }
    }
    out.push(prefix ? `${prefix.padEnd(7)} ${body}` : `        ${body}`);
  });
  // Targets past the end (invalid programs) keep their labels visible as comments.
  return { text: out.join('\n') + '\n', unexpressible };
}

/** A cheap test the engine uses before committing to bpf_asm: no eBPF registers, assignment,
 * exit or call; most lines start with a bpf_asm mnemonic; at least one classic-only operand form. */
export function looksLikeBpfAsm(text: string): boolean {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.replace(/;.*$/, '').replace(/\/\/.*$/, '').trim())
    .filter((l) => l !== '');
  if (lines.length === 0) return false;
  let known = 0;
  let classic = false;
  for (const l of lines) {
    if (/\b[rw](?:[0-9]|10)\b/.test(l) || /[=<>]/.test(l) || /^\s*(exit|call|callx|lddw|mov|mov32|ldxw|ldxdw|stxw|be16|le16)\b/.test(l)) return false;
    const body = l.replace(/^([A-Za-z_.][\w.]*\s*:\s*)+/, '');
    if (body === '') {
      known++;
      continue;
    }
    const mn = /^([a-z]+)/i.exec(body)?.[1]?.toLowerCase();
    if (mn && BPF_ASM_MNEMONICS.includes(mn)) known++;
    if (/#|M\[|^\s*(ret|tax|txa)\b|\[\s*(%?x\s*\+\s*)?[0-9]/i.test(body)) classic = true;
  }
  return classic && known * 10 >= lines.length * 9;
}
