// Parser for one statement of the LLVM / kernel C-like BPF dialect: tokens -> a label, a directive or
// an instruction's operands (ParsedInsn). It follows the asm strings of LLVM 19's BPFInstrInfo.td as
// llvm-mc-19 -triple bpfel -mcpu=v4 accepts them (`r0 = *(u32 *)(r1 + 4)`, `if w1 s> w2 goto +3`,
// `lock *(u64 *)(r10 - 8) |= r1`, `r0 = cmpxchg_64(r10 - 8, r0, r1)`, ...), plus a few forms that make
// every ISA row writable: `gotol +N` beyond 16 bits, `r0 = *(u16 *)skb[r1 + 4]`, `call pc+N`,
// `call kfunc(ID[, OFF])`, `ld_pseudo r1, SRC, IMM[, IMM2]`, `r1 = map_fd(NAME) ll`,
// `r1 = map_value(NAME, OFF) ll`, and LLVM 20's `load_acquire`/`store_release`.
// It does not pick opcodes (assemble.ts does, through the ISA table) nor resolve labels.

import { ISA, type AluOp, type AtomicOp, type EndianOp, type JmpCond, type MemSize } from '../../isa/opcodes';
import type { Tok } from './lex';

export class ParseError extends Error {
  constructor(
    message: string,
    readonly tok: Tok | null,
    readonly col?: number,
  ) {
    super(message);
  }
}

export type Target = { kind: 'off'; value: number; tok: Tok } | { kind: 'label'; name: string; tok: Tok };

export type ParsedInsn =
  | { kind: 'alu'; is64: boolean; op: AluOp; dst: number; src?: number; imm?: number; off?: number }
  | { kind: 'endian'; op: EndianOp; bits: 16 | 32 | 64; dst: number }
  | { kind: 'jmp'; is64: boolean; cond: JmpCond; dst: number; src?: number; imm?: number; target: Target }
  | { kind: 'ja'; long: boolean; target: Target }
  | { kind: 'may_goto'; target: Target }
  | { kind: 'call'; callKind: 'helper'; imm: number }
  | { kind: 'call'; callKind: 'local'; target: Target }
  | { kind: 'call'; callKind: 'kfunc'; imm: number; off: number }
  | { kind: 'call'; callKind: 'name'; name: string; tok: Tok }
  | { kind: 'callx'; dst: number }
  | { kind: 'exit' }
  | { kind: 'ldimm64'; dst: number; pseudo: number; imm: number; imm2: number }
  | { kind: 'ldmap'; dst: number; name: string; tok: Tok; value: boolean; off: number }
  | { kind: 'ldx'; size: MemSize; sx: boolean; dst: number; src: number; off: number }
  | { kind: 'st'; size: MemSize; dst: number; off: number; imm: number }
  | { kind: 'stx'; size: MemSize; dst: number; src: number; off: number }
  | { kind: 'atomic'; size: MemSize; op: AtomicOp; dst: number; src: number; off: number }
  | { kind: 'ldpkt'; mode: 'abs' | 'ind'; size: MemSize; src: number; imm: number };

export type Stmt =
  | { kind: 'label'; name: string; tok: Tok }
  | { kind: 'directive'; name: string; tok: Tok; args: Tok[] }
  | { kind: 'insn'; insn: ParsedInsn; tok: Tok }
  /** The rest of the line did not parse (labels before it on the same line still count). */
  | { kind: 'error'; error: ParseError };

interface Reg {
  n: number;
  w: boolean;
  tok: Tok;
}

const REG_RE = /^([rw])(\d+)$/;
const LABEL_RE = /^[A-Za-z_.$][A-Za-z0-9_.$]*$/;

export function isRegName(s: string): boolean {
  return REG_RE.test(s);
}

const ALU_OPS: Record<string, AluOp> = {
  '+=': 'add', '-=': 'sub', '*=': 'mul', '/=': 'div', 's/=': 'sdiv', '|=': 'or', '&=': 'and', '<<=': 'lsh',
  '>>=': 'rsh', '%=': 'mod', 's%=': 'smod', '^=': 'xor', 's>>=': 'arsh',
};
const CONDS: Record<string, JmpCond> = {
  '==': 'jeq', '>': 'jgt', '>=': 'jge', '&': 'jset', '!=': 'jne', 's>': 'jsgt', 's>=': 'jsge', '<': 'jlt',
  '<=': 'jle', 's<': 'jslt', 's<=': 'jsle',
};
const ATOMIC_OPS: Record<string, AtomicOp> = { '+=': 'add', '|=': 'or', '&=': 'and', '^=': 'xor' };
const SIZES: Record<string, MemSize> = { u8: 1, u16: 2, u32: 4, u64: 8, s8: 1, s16: 2, s32: 4, s64: 8 };

/** First words of the ubpf dialect's mnemonics, from the ISA table, to point at the other dialect. */
const UBPF_MNEMONICS = new Set(ISA.flatMap((r) => (r.ubpf ? [r.ubpf.split(' ')[0]!] : [])).concat(['lddw', 'ja', 'exit']));

const I32_MIN = -0x80000000;
const U32_MAX = 0xffffffff;

/** Parses one line's tokens (comments already removed) into statements: labels first, then at most one insn/directive. */
export function parseLine(toks: Tok[]): Stmt[] {
  const out: Stmt[] = [];
  let i = 0;
  // Leading labels `name:`.
  while (i + 1 < toks.length && toks[i]!.kind === 'ident' && toks[i + 1]!.text === ':') {
    const t = toks[i]!;
    if (!LABEL_RE.test(t.text) || t.text.includes('#')) throw new ParseError(`invalid label name ${t.text}`, t);
    if (isRegName(t.text)) throw new ParseError(`a register name cannot be a label: ${t.text}`, t);
    out.push({ kind: 'label', name: t.text, tok: t });
    i += 2;
  }
  if (i >= toks.length) return out;
  const rest = toks.slice(i);
  const head = rest[0]!;
  if (head.kind === 'ident' && head.text.startsWith('.') && !(rest[1]?.text === '=')) {
    out.push({ kind: 'directive', name: head.text, tok: head, args: rest.slice(1) });
    return out;
  }
  try {
    const p = new Parser(rest);
    const insn = p.statement();
    p.end();
    out.push({ kind: 'insn', insn, tok: head });
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    out.push({ kind: 'error', error: e });
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(k = 0): Tok | undefined {
    return this.toks[this.i + k];
  }
  private lastCol(): number {
    const t = this.toks[this.toks.length - 1];
    return t ? t.col + t.text.length : 1;
  }
  private fail(msg: string): never {
    const t = this.peek();
    if (t) throw new ParseError(`${msg}, found '${t.text}'`, t);
    throw new ParseError(`${msg}, found end of line`, null, this.lastCol());
  }
  private next(what: string): Tok {
    const t = this.peek();
    if (!t) this.fail(`expected ${what}`);
    this.i++;
    return t;
  }
  private is(text: string): boolean {
    return this.peek()?.text === text;
  }
  private accept(text: string): boolean {
    if (this.is(text)) {
      this.i++;
      return true;
    }
    return false;
  }
  private expect(text: string, after: string): Tok {
    const t = this.peek();
    if (t?.text !== text) this.fail(`expected '${text}' ${after}`);
    this.i++;
    return t;
  }
  end(): void {
    const t = this.peek();
    if (t) throw new ParseError(`unexpected '${t.text}' after the instruction`, t);
  }

  private isReg(): boolean {
    const t = this.peek();
    return t?.kind === 'ident' && REG_RE.test(t.text);
  }
  private reg(what = 'a register'): Reg {
    const t = this.peek();
    if (!t || t.kind !== 'ident') this.fail(`expected ${what}`);
    const m = REG_RE.exec(t.text);
    if (!m) this.fail(`expected ${what}`);
    const n = Number(m[2]);
    if (n > 10 || m[2]!.length > 2) throw new ParseError(`unknown register ${t.text} (registers are r0-r10 and w0-w10)`, t);
    this.i++;
    return { n, w: m[1] === 'w', tok: t };
  }
  private reg64(what: string): Reg {
    const r = this.reg(what);
    if (r.w) throw new ParseError(`expected r${r.n} (a 64-bit register) as ${what.replace(/^an? /, 'the ')}, found w${r.n}`, r.tok);
    return r;
  }
  private regWidth(is64: boolean, what: string): Reg {
    const r = this.reg(what);
    if (r.w === is64) throw new ParseError(`expected ${is64 ? 'r' : 'w'}${r.n} (a ${is64 ? '64' : '32'}-bit register), found ${r.tok.text}`, r.tok);
    return r;
  }

  /** An integer with optional sign; returns the value and the token of its first character. */
  private int(what: string): { v: bigint; tok: Tok } {
    let neg = false;
    const first = this.peek();
    if (this.is('-') || this.is('+')) {
      neg = this.next('sign').text === '-';
    }
    const t = this.peek();
    if (!t || t.kind !== 'num') this.fail(`expected ${what}`);
    this.i++;
    const tok: Tok = { ...t, col: first!.col, text: first === t ? t.text : `${neg ? '-' : '+'}${t.text}` };
    return { v: neg ? -t.value! : t.value!, tok };
  }
  private isInt(): boolean {
    const t = this.peek();
    if (t?.kind === 'num') return true;
    return (t?.text === '-' || t?.text === '+') && this.peek(1)?.kind === 'num';
  }
  /** A 32-bit operand: -2^31 .. 2^32-1, stored as the s32 bit pattern (as llvm-mc does). */
  private imm32(what = 'an immediate'): number {
    const { v, tok } = this.int(what);
    if (v < BigInt(I32_MIN) || v > BigInt(U32_MAX)) throw new ParseError(`immediate ${v} out of range for a 32-bit operand`, tok);
    return Number(BigInt.asIntN(32, v));
  }
  private off16(v: bigint, tok: Tok, what = 'offset'): number {
    if (v < -0x8000n || v > 0x7fffn) throw new ParseError(`${what} ${v} out of range for a 16-bit signed offset`, tok);
    return Number(v);
  }

  /** `+N`, `-N`, `N` or a label. */
  private target(long: boolean): Target {
    const t = this.peek();
    // Kernel verifier log form: `goto pc+3`, `if r1 == 0x5 goto pc-2`.
    if (t?.kind === 'ident' && t.text === 'pc' && (this.peek(1)?.text === '+' || this.peek(1)?.text === '-') && this.peek(2)?.kind === 'num') {
      this.i++;
      return this.target(long);
    }
    if (t?.kind === 'ident' && !REG_RE.test(t.text)) {
      this.i++;
      if (!LABEL_RE.test(t.text)) throw new ParseError(`invalid label name ${t.text}`, t);
      return { kind: 'label', name: t.text, tok: t };
    }
    if (!this.isInt()) this.fail('expected a jump offset (+N, -N) or a label');
    const { v, tok } = this.int('a jump offset');
    if (long) {
      if (v < BigInt(I32_MIN) || v > 0x7fffffffn) throw new ParseError(`jump offset ${v} does not fit in 32 bits`, tok);
    } else if (v < -0x8000n || v > 0x7fffn) {
      throw new ParseError(`jump offset ${v} does not fit in 16 bits; use gotol`, tok);
    }
    return { kind: 'off', value: Number(v), tok };
  }

  /** `(rN + off)` or `(rN - off)`; the '(' is already consumed when `open` is false. */
  private memAddr(open = true): { base: Reg; off: number } {
    // xchg_64(r10 - 8, r1) / cmpxchg_64(...) write the address without its own parentheses.
    if (open) this.expect('(', 'before the address');
    const base = this.reg64('a base register');
    const sign = this.peek();
    if (!sign || (sign.text !== '+' && sign.text !== '-')) this.fail(`expected '+' or '-' and an offset after register ${base.tok.text}`);
    this.i++;
    const t = this.peek();
    if (!t || t.kind !== 'num') this.fail(`expected an offset after '${sign.text}'`);
    this.i++;
    const v = sign.text === '-' ? -t.value! : t.value!;
    const off = this.off16(v, { ...t, col: sign.col, text: `${sign.text}${t.text}` });
    if (open) this.expect(')', 'after the address');
    return { base, off };
  }

  /** `(u32 *)` / `(s16 *)` after '(' was consumed; returns the size and whether it is signed. */
  private sizeCast(allowSigned: boolean): { size: MemSize; sx: boolean; tok: Tok } {
    const t = this.peek();
    if (!t || t.kind !== 'ident' || !(t.text in SIZES)) this.fail('expected a size u8, u16, u32 or u64');
    const sx = t.text.startsWith('s');
    if (sx && (!allowSigned || t.text === 's64')) throw new ParseError(`${t.text} is not allowed here (expected u8, u16, u32 or u64)`, t);
    this.i++;
    this.expect('*', `after ${t.text}`);
    this.expect(')', `after '${t.text} *'`);
    return { size: SIZES[t.text]!, sx, tok: t };
  }

  statement(): ParsedInsn {
    const t = this.peek()!;
    if (t.kind === 'punct' && t.text === '*') return this.store();
    if (t.kind !== 'ident') this.fail('expected an instruction');
    switch (t.text) {
      case 'exit':
        this.i++;
        return { kind: 'exit' };
      case 'goto':
      case 'gotol':
        this.i++;
        return { kind: 'ja', long: t.text === 'gotol', target: this.target(t.text === 'gotol') };
      case 'may_goto':
        this.i++;
        return { kind: 'may_goto', target: this.target(false) };
      case 'call':
        this.i++;
        return this.call();
      case 'callx':
        this.i++;
        return { kind: 'callx', dst: this.reg64('a register after callx').n };
      case 'if':
        this.i++;
        return this.cond();
      case 'lock':
        this.i++;
        return this.lock();
      case 'ld_pseudo':
        this.i++;
        return this.ldPseudo();
      case 'store_release':
        this.i++;
        return this.storeRelease();
    }
    if (REG_RE.test(t.text)) return this.assign();
    if (UBPF_MNEMONICS.has(t.text.toLowerCase()) || this.toks.some((x) => x.text === '%')) {
      throw new ParseError(`unknown instruction ${t.text} (this looks like the ubpf dialect, e.g. 'mov %r0, 1'; the LLVM dialect writes 'r0 = 1')`, t);
    }
    throw new ParseError(`unknown instruction ${t.text}`, t);
  }

  private call(): ParsedInsn {
    const t = this.peek();
    if (!t) this.fail('expected a helper number, helper name or function label after call');
    if (t.kind === 'ident' && t.text === 'pc' && (this.peek(1)?.text === '+' || this.peek(1)?.text === '-')) {
      this.i++;
      const { v, tok } = this.int('a call offset');
      if (v < BigInt(I32_MIN) || v > 0x7fffffffn) throw new ParseError(`call offset ${v} does not fit in 32 bits`, tok);
      return { kind: 'call', callKind: 'local', target: { kind: 'off', value: Number(v), tok } };
    }
    if (t.kind === 'ident' && t.text === 'kfunc' && this.peek(1)?.text === '(') {
      this.i += 2;
      const imm = this.imm32('a BTF id');
      let off = 0;
      if (this.accept(',')) {
        const { v, tok } = this.int('a module BTF offset');
        off = this.off16(v, tok);
      }
      this.expect(')', 'after the kfunc id');
      return { kind: 'call', callKind: 'kfunc', imm, off };
    }
    if (t.kind === 'ident') {
      if (REG_RE.test(t.text)) throw new ParseError(`expected a helper number, helper name or function label after call (use callx ${t.text} to call through a register)`, t);
      this.i++;
      return { kind: 'call', callKind: 'name', name: t.text, tok: t };
    }
    if (!this.isInt()) this.fail('expected a helper number, helper name or function label after call');
    return { kind: 'call', callKind: 'helper', imm: this.imm32('a helper number') };
  }

  private cond(): ParsedInsn {
    const dst = this.reg('a register after if');
    const opTok = this.peek();
    if (!opTok || !(opTok.text in CONDS)) this.fail('expected a comparison (==, !=, >, >=, <, <=, s>, s>=, s<, s<=, &)');
    this.i++;
    const is64 = !dst.w;
    let src: number | undefined;
    let imm: number | undefined;
    if (this.isReg()) src = this.regWidth(is64, 'a register to compare with').n;
    else imm = this.imm32('a register or an immediate to compare with');
    const g = this.peek();
    if (g?.text !== 'goto') this.fail("expected 'goto' after the comparison");
    this.i++;
    const target = this.target(false);
    return { kind: 'jmp', is64, cond: CONDS[opTok.text]!, dst: dst.n, src, imm, target };
  }

  private store(): ParsedInsn {
    this.expect('*', 'at the start of a store');
    this.expect('(', "after '*'");
    const { size } = this.sizeCast(false);
    const { base, off } = this.memAddr();
    this.expect('=', 'after the store address');
    if (this.isReg()) {
      const r = this.reg('a source register');
      if (r.w && size === 8) throw new ParseError(`expected r${r.n} (a 64-bit register) for a u64 store, found ${r.tok.text}`, r.tok);
      return { kind: 'stx', size, dst: base.n, src: r.n, off };
    }
    return { kind: 'st', size, dst: base.n, off, imm: this.imm32('a register or an immediate to store') };
  }

  private lock(): ParsedInsn {
    this.expect('*', "after 'lock'");
    this.expect('(', "after '*'");
    const { size, tok } = this.sizeCast(false);
    if (size !== 4 && size !== 8) throw new ParseError(`atomic operations are u32 or u64 only, found ${tok.text}`, tok);
    const { base, off } = this.memAddr();
    const opTok = this.peek();
    if (!opTok || !(opTok.text in ATOMIC_OPS)) this.fail('expected +=, |=, &= or ^= after the atomic address');
    this.i++;
    const r = this.reg('a source register');
    if (r.w && size === 8) throw new ParseError(`expected r${r.n} (a 64-bit register) for a u64 atomic, found ${r.tok.text}`, r.tok);
    return { kind: 'atomic', size, op: ATOMIC_OPS[opTok.text]!, dst: base.n, src: r.n, off };
  }

  private ldPseudo(): ParsedInsn {
    const dst = this.reg64('a destination register');
    this.expect(',', 'after register');
    const { v: pv, tok: ptok } = this.int('a pseudo source (0-6)');
    if (pv < 0n || pv > 6n) throw new ParseError(`pseudo source ${pv} out of range (expected 0-6)`, ptok);
    this.expect(',', 'after the pseudo source');
    const imm = this.imm32();
    let imm2 = 0;
    if (this.accept(',')) imm2 = this.imm32('the second immediate');
    return { kind: 'ldimm64', dst: dst.n, pseudo: Number(pv), imm, imm2 };
  }

  private storeRelease(): ParsedInsn {
    this.expect('(', "after 'store_release'");
    this.expect('(', 'before the size');
    const { size } = this.sizeCast(false);
    const { base, off } = this.memAddr();
    this.expect(',', 'after the address');
    const r = this.reg('a source register');
    if (r.w !== (size !== 8)) throw new ParseError(`expected ${size === 8 ? 'r' : 'w'}${r.n} for a u${size * 8} store_release, found ${r.tok.text}`, r.tok);
    this.expect(')', 'after the source register');
    return { kind: 'atomic', size, op: 'store_release', dst: base.n, src: r.n, off };
  }

  /** Everything that starts with `REG`. */
  private assign(): ParsedInsn {
    const dst = this.reg();
    const is64 = !dst.w;
    const opTok = this.peek();
    if (!opTok) this.fail(`expected '=' or an operator like '+=' after register ${dst.tok.text}`);
    if (opTok.text in ALU_OPS) {
      this.i++;
      const op = ALU_OPS[opTok.text]!;
      const off = op === 'sdiv' || op === 'smod' ? 1 : 0;
      if (this.isReg()) return { kind: 'alu', is64, op, dst: dst.n, src: this.regWidth(is64, 'a source register').n, off };
      return { kind: 'alu', is64, op, dst: dst.n, imm: this.imm32(), off };
    }
    if (opTok.text !== '=') this.fail(`expected '=' or an operator like '+=' after register ${dst.tok.text}`);
    this.i++;
    const t = this.peek();
    if (!t) this.fail("expected a value after '='");
    // Loads: `*(u32 *)(r1 + 4)` and `*(u8 *)skb[...]`.
    if (t.text === '*') {
      this.i++;
      this.expect('(', "after '*'");
      const { size, sx, tok: szTok } = this.sizeCast(true);
      if (this.peek()?.text === 'skb') return this.skb(dst, size, sx, szTok);
      const { base, off } = this.memAddr();
      if (sx && dst.w) throw new ParseError(`expected r${dst.n}: sign-extending loads write a 64-bit register`, dst.tok);
      if (dst.w && size === 8) throw new ParseError(`expected r${dst.n} for a u64 load, found ${dst.tok.text}`, dst.tok);
      return { kind: 'ldx', size, sx, dst: dst.n, src: base.n, off };
    }
    // Sign-extending move: `r1 = (s8)r2`.
    if (t.text === '(') {
      this.i++;
      const c = this.peek();
      if (!c || !['s8', 's16', 's32'].includes(c.text)) this.fail('expected s8, s16 or s32 in a sign-extending move');
      this.i++;
      this.expect(')', `after ${c.text}`);
      const bits = Number(c.text.slice(1));
      if (bits === 32 && !is64) throw new ParseError('(s32) needs 64-bit registers: r1 = (s32)r2', c);
      const src = this.regWidth(is64, 'a source register');
      return { kind: 'alu', is64, op: 'movsx', dst: dst.n, src: src.n, off: bits };
    }
    // Negation `r1 = -r1` or a negative immediate.
    if (t.text === '-' && this.peek(1)?.kind === 'ident') {
      this.i++;
      const src = this.regWidth(is64, 'a register to negate');
      if (src.n !== dst.n) throw new ParseError(`negation works in place: expected ${dst.tok.text} = -${dst.tok.text}`, src.tok);
      return { kind: 'alu', is64, op: 'neg', dst: dst.n, off: 0 };
    }
    if (this.isInt()) {
      const { v, tok } = this.int('an immediate');
      if (this.accept('ll')) {
        if (!is64) throw new ParseError(`expected r${dst.n}: 64-bit immediate loads write a 64-bit register`, dst.tok);
        if (v < -(1n << 63n) || v > (1n << 64n) - 1n) throw new ParseError(`immediate ${v} out of range for a 64-bit operand`, tok);
        const u = BigInt.asUintN(64, v);
        return { kind: 'ldimm64', dst: dst.n, pseudo: 0, imm: Number(BigInt.asIntN(32, u)), imm2: Number(BigInt.asIntN(32, u >> 32n)) };
      }
      if (v < BigInt(I32_MIN) || v > BigInt(U32_MAX)) throw new ParseError(`immediate ${v} out of range for a 32-bit operand (use '${dst.tok.text} = ${v} ll' for 64-bit values)`, tok);
      return { kind: 'alu', is64, op: 'mov', dst: dst.n, imm: Number(BigInt.asIntN(32, v)), off: 0 };
    }
    if (t.kind !== 'ident') this.fail("expected a register, an immediate or an expression after '='");
    if (REG_RE.test(t.text)) {
      const src = this.regWidth(is64, 'a source register');
      return { kind: 'alu', is64, op: 'mov', dst: dst.n, src: src.n, off: 0 };
    }
    const m = /^(be|le|bswap)(16|32|64)$/.exec(t.text);
    if (m) {
      this.i++;
      if (!is64) throw new ParseError(`expected r${dst.n}: byte swaps are written on 64-bit registers (r1 = ${t.text} r1)`, dst.tok);
      const src = this.reg64('a register to swap');
      if (src.n !== dst.n) throw new ParseError(`byte swaps work in place: expected ${dst.tok.text} = ${t.text} ${dst.tok.text}`, src.tok);
      return { kind: 'endian', op: m[1] as EndianOp, bits: Number(m[2]) as 16 | 32 | 64, dst: dst.n };
    }
    const fetch = /^atomic_fetch_(add|or|and|xor)$/.exec(t.text);
    if (fetch) {
      this.i++;
      this.expect('(', `after ${t.text}`);
      this.expect('(', 'before the size');
      const { size, tok } = this.sizeCast(false);
      if (size !== 4 && size !== 8) throw new ParseError(`atomic operations are u32 or u64 only, found ${tok.text}`, tok);
      const { base, off } = this.memAddr();
      this.expect(',', 'after the address');
      const src = this.reg('a source register');
      this.checkAtomicRegs(size, dst, src);
      this.expect(')', 'after the source register');
      return { kind: 'atomic', size, op: `fetch_${fetch[1]}` as AtomicOp, dst: base.n, src: src.n, off };
    }
    const xc = /^(xchg|cmpxchg)(_64|32_32)$/.exec(t.text);
    if (xc) {
      this.i++;
      const size: MemSize = xc[2] === '_64' ? 8 : 4;
      this.expect('(', `after ${t.text}`);
      const { base, off } = this.memAddr(false);
      this.expect(',', 'after the address');
      if (xc[1] === 'cmpxchg') {
        const r0 = this.reg('r0');
        if (r0.n !== 0 || dst.n !== 0) throw new ParseError(`cmpxchg compares with r0: expected ${size === 8 ? 'r0' : 'w0'} = ${t.text}(..., ${size === 8 ? 'r0' : 'w0'}, src)`, r0.n !== 0 ? r0.tok : dst.tok);
        this.checkWidth(size, r0);
        this.checkWidth(size, dst);
        this.expect(',', 'after r0');
        const src = this.reg('a source register');
        this.checkWidth(size, src);
        this.expect(')', 'after the source register');
        return { kind: 'atomic', size, op: 'cmpxchg', dst: base.n, src: src.n, off };
      }
      const src = this.reg('a source register');
      this.checkAtomicRegs(size, dst, src);
      this.expect(')', 'after the source register');
      return { kind: 'atomic', size, op: 'xchg', dst: base.n, src: src.n, off };
    }
    if (t.text === 'load_acquire') {
      this.i++;
      this.expect('(', `after ${t.text}`);
      this.expect('(', 'before the size');
      const { size } = this.sizeCast(false);
      const { base, off } = this.memAddr();
      this.expect(')', 'after the address');
      if (dst.w !== (size !== 8)) throw new ParseError(`expected ${size === 8 ? 'r' : 'w'}${dst.n} for a u${size * 8} load_acquire, found ${dst.tok.text}`, dst.tok);
      return { kind: 'atomic', size, op: 'load_acquire', dst: dst.n, src: base.n, off };
    }
    if (t.text === 'addr_space_cast') {
      this.i++;
      if (!is64) throw new ParseError(`expected r${dst.n}: addr_space_cast writes a 64-bit register`, dst.tok);
      this.expect('(', 'after addr_space_cast');
      const src = this.reg64('a source register');
      this.expect(',', 'after register');
      const a = this.int('the destination address space');
      this.expect(',', 'after the destination address space');
      const b = this.int('the source address space');
      this.expect(')', 'after the source address space');
      for (const x of [a, b]) if (x.v < 0n || x.v > 0xffffn) throw new ParseError(`address space ${x.v} out of range (0-65535)`, x.tok);
      return { kind: 'alu', is64: true, op: 'addr_space_cast', dst: dst.n, src: src.n, imm: Number((a.v << 16n) | b.v) | 0, off: 1 };
    }
    if (t.text === 'map_fd' || t.text === 'map_value') {
      this.i++;
      this.expect('(', `after ${t.text}`);
      const n = this.peek();
      if (!n || n.kind !== 'ident') this.fail('expected a map name');
      this.i++;
      let off = 0;
      if (t.text === 'map_value' && this.accept(',')) {
        const { v, tok } = this.int('an offset into the map value');
        if (v < 0n || v > 0x7fffffffn) throw new ParseError(`map value offset ${v} out of range`, tok);
        off = Number(v);
      }
      this.expect(')', 'after the map name');
      this.expect('ll', `after ${t.text}(...)`);
      if (!is64) throw new ParseError(`expected r${dst.n}: map references write a 64-bit register`, dst.tok);
      return { kind: 'ldmap', dst: dst.n, name: n.text, tok: n, value: t.text === 'map_value', off };
    }
    // `r1 = NAME ll`: a map by name, or a global variable (`r1 = counter ll`, `r1 = table+8 ll`).
    if (LABEL_RE.test(t.text)) {
      this.i++;
      let off = 0;
      if (this.is('+') || this.is('-')) {
        const { v, tok } = this.int('an offset');
        if (v < -0x80000000n || v > 0x7fffffffn) throw new ParseError(`offset ${v} out of range`, tok);
        off = Number(v);
      }
      this.expect('ll', `after ${t.text}: a map or a global variable is loaded with '${dst.tok.text} = ${t.text} ll'`);
      if (!is64) throw new ParseError(`expected r${dst.n}: map references write a 64-bit register`, dst.tok);
      return { kind: 'ldmap', dst: dst.n, name: t.text, tok: t, value: false, off };
    }
    throw new ParseError(`unknown operand ${t.text} (expected a register, an immediate, 'NAME ll' or a load)`, t);
  }

  private checkWidth(size: MemSize, r: Reg): void {
    if (size === 8 && r.w) throw new ParseError(`expected r${r.n} (a 64-bit register) for a u64 atomic, found ${r.tok.text}`, r.tok);
    if (size === 4 && !r.w) throw new ParseError(`expected w${r.n} (a 32-bit register) for a u32 atomic, found ${r.tok.text}`, r.tok);
  }
  private checkAtomicRegs(size: MemSize, dst: Reg, src: Reg): void {
    this.checkWidth(size, dst);
    this.checkWidth(size, src);
    if (dst.n !== src.n) throw new ParseError(`the fetched value goes to the source register: expected ${src.tok.text} = ...(..., ${src.tok.text})`, dst.tok);
  }

  /** `*(u16 *)skb[IMM]`, `skb[rN]`, `skb[rN + IMM]` (the last one is a bpfplay extension). */
  private skb(dst: Reg, size: MemSize, sx: boolean, szTok: Tok): ParsedInsn {
    this.i++; // skb
    if (sx) throw new ParseError(`legacy packet loads are unsigned: expected u${size * 8}`, szTok);
    if (size === 8) throw new ParseError('legacy packet loads are u8, u16 or u32', szTok);
    if (dst.n !== 0 || dst.w) throw new ParseError(`legacy packet loads write r0: expected r0 = *(u${size * 8} *)skb[...]`, dst.tok);
    this.expect('[', 'after skb');
    if (this.isReg()) {
      const src = this.reg64('an index register');
      let imm = 0;
      if (this.is('+') || this.is('-')) imm = this.imm32('an offset');
      this.expect(']', 'after the packet offset');
      return { kind: 'ldpkt', mode: 'ind', size, src: src.n, imm };
    }
    const imm = this.imm32('a packet offset or an index register');
    this.expect(']', 'after the packet offset');
    return { kind: 'ldpkt', mode: 'abs', size, src: 0, imm };
  }
}
