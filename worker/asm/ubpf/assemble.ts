// Assembler for the ubpf / bpf_conformance mnemonic dialect (`mov %r0, 1`, `ldxw %r0, [%r1+4]`,
// `jsgt %r1, %r2, +3`, `lock fetch add32 [%r1+0], %r2`, `call local f`, `lddw %r1, 0x1122334455667788`).
// It follows the rules of bpf_conformance's assembler (operand syntax, immediate and offset ranges, the
// implicit `exit` label, the error texts `Invalid register: %r50`, `Invalid mnemonic: ldxq`, ...), so the
// .data corpora assemble byte for byte; the encodings are RFC 9669 section 3 via the ISA table.
// Extensions of bpfplay: `label: insn` on one line, `#`, `//` and `;` comments, `r1` as well as `%r1`,
// bare decimal jump offsets, and three directives:
//   .map NAME TYPE key=K value=V entries=N [flags=F] [inner=MAP]
//                                                      a map; `lddw %r1, NAME` loads its address
//                                                      (ld_imm64 src 1, imm = map index);
//                                                      `lddw %r1, map_value(NAME, OFF)` points into its
//                                                      value (src 2, imm = map index, second imm = OFF);
//                                                      the same forms as the llvm dialect's map_fd/map_value;
//                                                      key=/value= may be left out for a ringbuf (0), and
//                                                      inner= names an earlier map as the inner-map template
//                                                      of an array_of_maps/hash_of_maps (value= defaults to 4)
//   .raw 0xU64 ...                                     raw instruction slots (as in a `-- raw` section),
//                                                      for shapes the dialect has no mnemonic for
//   .section NAME / .license "GPL"                     the program's ELF section (which names its program
//                                                      type, as libbpf does) and license, as in the llvm dialect
// It does not check program semantics (worker/verifier) nor load-time structure (jump bounds, ...).
// Never throws: every problem is a located diagnostic and the program is null when there is one.

import type { IsaRow } from '../../isa/opcodes';
import { u64ToSlot, type Slot } from '../../isa/insn';
import type { MapDef, Program, ProgramResult, SrcPos } from '../../isa/program';
import { progTypeForSection } from '../../progtypes/table';
import { bugDiagnostic, err, warn, type Diagnostic, type Loc } from '../../util/diag';
import { canonicalMnemonic, similarMnemonics, UBPF_ROWS, usageOf } from './table';

function info(message: string, loc: Loc, code: string): Diagnostic {
  return { severity: 'info', message, loc, code };
}

interface Tok {
  text: string;
  /** 1-based column of the first character. */
  col: number;
}

/** A problem on one line; thrown to and caught by the line loop, never leaves this module. (Not an
 * Error subclass: no stack trace is captured, which keeps a file full of bad lines cheap.) */
class LineError {
  constructor(
    readonly message: string,
    readonly tok: Tok | null,
    readonly code = 'asm.syntax',
  ) {}
}

interface Fixup {
  /** Slot index of the instruction to patch. */
  slot: number;
  label: Tok;
  field: 'off' | 'imm';
  line: number;
  /** Mark the target as a function (call local). */
  isCall: boolean;
}

interface Ctx {
  line: number;
  slots: Slot[];
  sourceMap: (SrcPos | null)[];
  labels: Map<string, { slot: number; line: number }>;
  firstExit: number | null;
  fixups: Fixup[];
  maps: MapDef[];
  diags: Diagnostic[];
  license?: string;
  section?: string;
  hints: number;
}

const MAX_HINTS = 20;

const LABEL_RE = /^[A-Za-z_.$][\w.$]*$/;
const REG_RE = /^%?r(\d+)$/i;
const INT_RE = /^[+-]?(0[xX][0-9a-fA-F]+|[0-9]+)$/;

/** Assembles ubpf-dialect text into a Program. */
export function assembleUbpf(text: string): ProgramResult {
  const ctx: Ctx = {
    line: 0, slots: [], sourceMap: [], labels: new Map(), firstExit: null, fixups: [], maps: [], diags: [], hints: 0,
  };
  try {
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      ctx.line = i + 1;
      try {
        assembleLine(ctx, lines[i]!.replace(/\r$/, ''));
      } catch (e) {
        if (e instanceof LineError) {
          const d = lineDiag(ctx.line, e);
          ctx.diags.push(d);
          // Hints only for the first errors: a file of garbage should not cost a suggestion search per line.
          const hint = ctx.hints++ < MAX_HINTS ? hintFor(e, lines[i]!) : null;
          if (hint) ctx.diags.push(info(hint, d.loc, 'asm.hint'));
        }
        else throw e;
      }
    }
    resolveFixups(ctx);
  } catch (e) {
    ctx.diags.push(bugDiagnostic(e, { line: ctx.line }));
  }
  const failed = ctx.diags.some((d) => d.severity === 'error');
  if (failed) return { program: null, diagnostics: ctx.diags };
  const labels: Record<string, number> = {};
  for (const [name, l] of ctx.labels) labels[name] = l.slot;
  const funcs: Record<number, string> = {};
  for (const f of ctx.fixups) {
    if (!f.isCall) continue;
    const l = ctx.labels.get(f.label.text);
    if (l) funcs[l.slot] = f.label.text;
  }
  const program: Program = {
    slots: ctx.slots, maps: ctx.maps, labels, sourceMap: ctx.sourceMap, origin: 'ubpf',
    ...(Object.keys(funcs).length ? { funcs } : {}),
  };
  if (ctx.license !== undefined) program.license = ctx.license;
  if (ctx.section !== undefined) {
    program.section = ctx.section;
    const t = progTypeForSection(ctx.section);
    if (t) program.progType = t;
  }
  return { program, diagnostics: ctx.diags };
}

function lineDiag(line: number, e: LineError): Diagnostic {
  const t = e.tok;
  return err(e.message, t ? { line, col: t.col, endCol: t.col + Math.max(1, t.text.length) } : { line, col: 1 }, e.code);
}

/** What was expected, as an info diagnostic after the error (the error text itself stays exact). */
function hintFor(e: LineError, line: string): string | null {
  const toks = tokenize(stripComment(line.replace(/\r$/, ''))).filter((t) => !t.text.endsWith(':'));
  const head = toks[0]?.text.toLowerCase() ?? '';
  if (e.code === 'asm.mnemonic') {
    if (/=|\bgoto\b|\*\s*\(/.test(line)) return 'this line looks like the llvm dialect (r0 = 1, if r1 > r2 goto +1); assemble with syntax llvm or auto';
    const near = similarMnemonics(head);
    return near.length ? `did you mean ${near.join(', ')}?` : null;
  }
  if (e.code === 'asm.operands' || e.code === 'asm.register' || e.code === 'asm.number' || e.code === 'asm.range') {
    const u = usageOf(head);
    return u ? `expected: ${u}` : null;
  }
  return null;
}

function stripComment(s: string): string {
  let cut = s.length;
  for (const m of ['#', '//', ';']) {
    const k = s.indexOf(m);
    if (k >= 0 && k < cut) cut = k;
  }
  return s.slice(0, cut);
}

/** Splits a line into tokens at whitespace and commas; `[...]` and `(...)` stay one token. */
function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === ' ' || c === '\t' || c === ',' || c === '\v' || c === '\f') {
      i++;
      continue;
    }
    const start = i;
    let text = '';
    let depth = 0;
    while (i < s.length) {
      const d = s[i]!;
      if (depth === 0 && (d === ' ' || d === '\t' || d === ',' || d === '\v' || d === '\f')) break;
      if (d === '[' || d === '(') depth++;
      else if ((d === ']' || d === ')') && depth > 0) depth--;
      if (!(depth > 0 && (d === ' ' || d === '\t'))) text += d;
      i++;
    }
    out.push({ text, col: start + 1 });
  }
  return out;
}

function assembleLine(ctx: Ctx, raw: string): void {
  let toks = tokenize(stripComment(raw));
  // Labels: `name:` (one or more) at the start of the line.
  while (toks.length > 0 && toks[0]!.text.endsWith(':')) {
    const t = toks[0]!;
    const name = t.text.slice(0, -1);
    if (!LABEL_RE.test(name)) throw new LineError(`Invalid label name: ${name}`, t);
    const prev = ctx.labels.get(name);
    if (prev) throw new LineError(`Duplicate label: ${name} (first defined on line ${prev.line})`, t, 'asm.label');
    ctx.labels.set(name, { slot: ctx.slots.length, line: ctx.line });
    toks = toks.slice(1);
  }
  if (toks.length === 0) return;
  const head = toks[0]!;
  if (head.text.startsWith('.')) return directive(ctx, head, toks.slice(1), stripComment(raw).slice(head.col - 1 + head.text.length));
  const word = head.text.toLowerCase();
  const ops = toks.slice(1);
  if (word === 'lock') return emitLock(ctx, head, ops);
  if (word === 'call' || word === 'callx') return emitCall(ctx, head, word, ops);
  const mnemonic = canonicalMnemonic(word);
  if (mnemonic === null || mnemonic.includes(' ') || mnemonic === 'callx') throw new LineError(`Invalid mnemonic: ${head.text}`, head, 'asm.mnemonic');
  const rows = UBPF_ROWS.get(mnemonic)!;
  emitRows(ctx, head, rows, ops);
}

function arity(head: Tok, ops: Tok[], n: number): void {
  if (ops.length !== n) throw new LineError(`Invalid number of operands for mnemonic: ${head.text}`, ops[n] ?? head, 'asm.operands');
}

function emit(ctx: Ctx, slots: Slot[], col: number): number {
  const at = ctx.slots.length;
  for (const s of slots) {
    ctx.slots.push(s);
    ctx.sourceMap.push({ line: ctx.line, col });
  }
  return at;
}

function slot(row: IsaRow, f: Partial<Slot>): Slot {
  return {
    opcode: row.opcode,
    dst: f.dst ?? 0,
    src: f.src ?? (row.srcField === 'fixed' ? row.src ?? 0 : 0),
    off: f.off ?? (row.offField === 'fixed' ? row.off ?? 0 : 0),
    imm: f.imm ?? (row.immField === 'fixed' ? row.imm ?? 0 : 0),
  };
}

function emitRows(ctx: Ctx, head: Tok, rows: readonly IsaRow[], ops: Tok[]): void {
  const r0 = rows[0]!;
  switch (r0.kind) {
    case 'alu': {
      if (r0.aluOp === 'neg') {
        arity(head, ops, 1);
        emit(ctx, [slot(r0, { dst: reg(ctx, ops[0]!) })], head.col);
        return;
      }
      arity(head, ops, 2);
      const dst = reg(ctx, ops[0]!);
      if (r0.aluOp === 'movsx') {
        emit(ctx, [slot(r0, { dst, src: reg(ctx, ops[1]!) })], head.col);
        return;
      }
      const x = isReg(ops[1]!.text);
      const row = rows.find((r) => r.srcX === x)!;
      if (x) emit(ctx, [slot(row, { dst, src: reg(ctx, ops[1]!) })], head.col);
      else emit(ctx, [slot(row, { dst, imm: imm32(ops[1]!) })], head.col);
      return;
    }
    case 'endian':
      arity(head, ops, 1);
      emit(ctx, [slot(r0, { dst: reg(ctx, ops[0]!) })], head.col);
      return;
    case 'jmp': {
      arity(head, ops, 3);
      const dst = reg(ctx, ops[0]!);
      const x = isReg(ops[1]!.text);
      const row = rows.find((r) => r.srcX === x)!;
      const s = x ? slot(row, { dst, src: reg(ctx, ops[1]!) }) : slot(row, { dst, imm: imm32(ops[1]!) });
      jumpOperand(ctx, head, s, ops[2]!, 'off', false);
      return;
    }
    case 'ja': {
      arity(head, ops, 1);
      const s = slot(r0, {});
      jumpOperand(ctx, head, s, ops[0]!, r0.is64 ? 'off' : 'imm', false);
      return;
    }
    case 'exit':
      arity(head, ops, 0);
      if (ctx.firstExit === null) ctx.firstExit = ctx.slots.length;
      emit(ctx, [slot(r0, {})], head.col);
      return;
    case 'ldimm64': {
      if (ops.length < 2) arity(head, ops, 2);
      const dst = reg(ctx, ops[0]!);
      const valueTok: Tok = { text: ops.slice(1).map((t) => t.text).join(''), col: ops[1]!.col };
      emit(ctx, ldimm64(ctx, dst, valueTok), head.col);
      return;
    }
    case 'ldx': {
      arity(head, ops, 2);
      const dst = reg(ctx, ops[0]!);
      const m = memOperand(ctx, ops[1]!);
      emit(ctx, [slot(r0, { dst, src: m.reg, off: m.off })], head.col);
      return;
    }
    case 'st': {
      arity(head, ops, 2);
      const m = memOperand(ctx, ops[0]!);
      emit(ctx, [slot(r0, { dst: m.reg, off: m.off, imm: imm32(ops[1]!) })], head.col);
      return;
    }
    case 'stx': {
      arity(head, ops, 2);
      const m = memOperand(ctx, ops[0]!);
      emit(ctx, [slot(r0, { dst: m.reg, off: m.off, src: reg(ctx, ops[1]!) })], head.col);
      return;
    }
    case 'ldpkt': {
      if ((r0.opcode & 0xe0) === 0x20) {
        arity(head, ops, 1);
        emit(ctx, [slot(r0, { imm: imm32(ops[0]!) })], head.col);
      } else {
        arity(head, ops, 2);
        emit(ctx, [slot(r0, { src: reg(ctx, ops[0]!), imm: imm32(ops[1]!) })], head.col);
      }
      return;
    }
    case 'atomic':
    case 'call':
    case 'callx':
    case 'may_goto':
      // Reached only through `lock` / `call`, or not part of the dialect.
      throw new LineError(`Invalid mnemonic: ${head.text}`, head, 'asm.mnemonic');
  }
}

function emitLock(ctx: Ctx, head: Tok, ops: Tok[]): void {
  const bad = (t: Tok | null): LineError => new LineError('Invalid number of operands for lock', t ?? head, 'asm.operands');
  if (ops.length === 0) throw bad(head);
  const fetch = ops[0]!.text.toLowerCase() === 'fetch';
  const opTok = ops[fetch ? 1 : 0];
  if (!opTok) throw bad(ops[0]!);
  const opName = opTok.text.toLowerCase();
  if (opName.startsWith('[') || opName.startsWith('%')) throw bad(opTok);
  const rest = ops.slice(fetch ? 2 : 1);
  const key = `lock ${fetch ? 'fetch ' : ''}${opName}`;
  const rows = UBPF_ROWS.get(key);
  if (!rows) throw new LineError(`Invalid mnemonic: ${key}`, opTok, 'asm.mnemonic');
  if (rest.length !== 2) throw bad(rest[2] ?? opTok);
  const m = memOperand(ctx, rest[0]!);
  emit(ctx, [slot(rows[0]!, { dst: m.reg, off: m.off, src: reg(ctx, rest[1]!) })], head.col);
}

function emitCall(ctx: Ctx, head: Tok, word: string, ops: Tok[]): void {
  const callx = UBPF_ROWS.get('callx')![0]!;
  if (word === 'callx') {
    arity(head, ops, 1);
    emit(ctx, [slot(callx, { dst: reg(ctx, ops[0]!) })], head.col);
    return;
  }
  let mode = 'helper';
  let target: Tok;
  if (ops.length === 1) target = ops[0]!;
  else if (ops.length === 2) {
    mode = ops[0]!.text.toLowerCase();
    target = ops[1]!;
  } else throw new LineError(`Invalid number of operands for mnemonic: ${head.text}`, ops[2] ?? head, 'asm.operands');
  if (mode === 'helper') {
    if (isReg(target.text)) emit(ctx, [slot(callx, { dst: reg(ctx, target) })], head.col);
    else emit(ctx, [slot(UBPF_ROWS.get('call')![0]!, { imm: imm32(target) })], head.col);
  } else if (mode === 'local') {
    jumpOperand(ctx, head, slot(UBPF_ROWS.get('call local')![0]!, {}), target, 'imm', true);
  } else if (mode === 'runtime') {
    emit(ctx, [slot(UBPF_ROWS.get('call runtime')![0]!, { imm: imm32(target) })], head.col);
  } else {
    throw new LineError(`Invalid call mode: ${ops[0]!.text} (expected helper, local or runtime)`, ops[0]!, 'asm.operands');
  }
}

function directive(ctx: Ctx, head: Tok, args: Tok[], rest: string): void {
  const name = head.text.toLowerCase();
  if (name === '.license') {
    const m = /^\s*(?:"([^"]*)"|(\S+))\s*$/.exec(rest);
    if (!m) throw new LineError('expected a license after .license, e.g. .license "GPL"', args[0] ?? head, 'asm.directive');
    ctx.license = m[1] ?? m[2]!;
    return;
  }
  if (name === '.section') {
    const t = args[0];
    if (!t || args.length > 1) throw new LineError('expected one section name after .section, e.g. .section xdp', args[1] ?? head, 'asm.directive');
    if (ctx.slots.length > 0) throw new LineError('.section must come before the first instruction (a ubpf program is one section)', head, 'asm.directive');
    if (ctx.section !== undefined) throw new LineError(`Duplicate .section (already ${ctx.section})`, t, 'asm.directive');
    ctx.section = t.text.replace(/^"(.*)"$/, '$1');
    return;
  }
  if (name === '.raw') {
    if (args.length === 0) throw new LineError('.raw needs at least one 64-bit instruction slot', head, 'asm.operands');
    const slots = args.map((t) => {
      if (!INT_RE.test(t.text)) throw new LineError(`Invalid raw instruction slot: ${t.text}`, t, 'asm.number');
      const v = BigInt(t.text.replace(/^\+/, ''));
      if (v < -(1n << 63n) || v >= 1n << 64n) throw new LineError(`Raw instruction slot out of 64-bit range: ${t.text}`, t, 'asm.range');
      return u64ToSlot(v);
    });
    emit(ctx, slots, head.col);
    return;
  }
  if (name === '.map') return mapDirective(ctx, head, args);
  throw new LineError(`Unknown directive: ${head.text} (expected .map, .raw, .section or .license)`, head, 'asm.directive');
}

const MAP_USAGE = '.map NAME TYPE key=K value=V entries=N [flags=F]';

function mapDirective(ctx: Ctx, head: Tok, args: Tok[]): void {
  if (args.length < 2) throw new LineError(`Invalid .map directive: expected ${MAP_USAGE}`, args[0] ?? head, 'asm.directive');
  const nameTok = args[0]!;
  if (!/^[A-Za-z_][\w]*$/.test(nameTok.text)) throw new LineError(`Invalid map name: ${nameTok.text}`, nameTok, 'asm.directive');
  if (ctx.maps.some((m) => m.name === nameTok.text)) throw new LineError(`Duplicate map: ${nameTok.text}`, nameTok, 'asm.directive');
  const typeTok = args[1]!;
  const type = typeTok.text.toLowerCase().replace(/^bpf_map_type_/, '');
  if (!/^[a-z][a-z0-9_]*$/.test(type)) throw new LineError(`Invalid map type: ${typeTok.text}`, typeTok, 'asm.directive');
  const vals: Record<string, number> = {};
  let inner: MapDef | undefined;
  for (const t of args.slice(2)) {
    const m = /^([a-z_]+)=(.*)$/i.exec(t.text);
    const key = m?.[1]?.toLowerCase();
    if (m && key === 'inner') {
      if (type !== 'array_of_maps' && type !== 'hash_of_maps') throw new LineError(`Invalid .map attribute: inner= is only for array_of_maps and hash_of_maps`, t, 'asm.directive');
      if (inner) throw new LineError(`Duplicate .map attribute: inner`, t, 'asm.directive');
      inner = ctx.maps.find((x) => x.name === m[2]);
      if (!inner) throw new LineError(`Invalid .map inner: ${m[2]} (inner= must name a map defined earlier with .map)`, t, 'asm.directive');
      continue;
    }
    if (!m || !key || !['key', 'value', 'entries', 'flags'].includes(key))
      throw new LineError(`Invalid .map attribute: ${t.text} (expected key=, value=, entries=, flags= or inner=)`, t, 'asm.directive');
    if (key in vals) throw new LineError(`Duplicate .map attribute: ${key}`, t, 'asm.directive');
    const v = INT_RE.test(m[2]!) ? BigInt(m[2]!) : null;
    if (v === null || v < 0n || v > 0xffffffffn) throw new LineError(`Invalid .map ${key}: ${m[2]} (expected an unsigned 32-bit number)`, t, 'asm.directive');
    vals[key] = Number(v);
  }
  if (type === 'ringbuf' || type === 'user_ringbuf') {
    vals.key ??= 0;
    vals.value ??= 0;
  }
  if (inner) vals.value ??= 4;
  for (const k of ['key', 'value', 'entries']) {
    if (!(k in vals)) throw new LineError(`Invalid .map directive: missing ${k}= (${MAP_USAGE})`, head, 'asm.directive');
  }
  ctx.maps.push({
    name: nameTok.text, type, keySize: vals.key!, valueSize: vals.value!, maxEntries: vals.entries!,
    flags: vals.flags ?? 0, loc: { line: ctx.line, col: head.col },
    ...(inner ? { inner: { name: inner.name, type: inner.type, keySize: inner.keySize, valueSize: inner.valueSize, maxEntries: inner.maxEntries, flags: inner.flags } } : {}),
  });
}

// ---- operands ------------------------------------------------------------------------------

function isReg(s: string): boolean {
  return s.startsWith('%') || REG_RE.test(s);
}

function reg(ctx: Ctx, t: Tok): number {
  const m = REG_RE.exec(t.text);
  const n = m ? Number(m[1]) : NaN;
  if (!(n >= 0 && n <= 15) || !/^%?r(0|[1-9]\d?)$/i.test(t.text)) throw new LineError(`Invalid register: ${t.text}`, t, 'asm.register');
  if (n > 10) {
    ctx.diags.push(warn(`${t.text} is not an eBPF register (accepted only so that negative tests can be written)`,
      { line: ctx.line, col: t.col, endCol: t.col + t.text.length }, 'asm.register'));
  }
  return n;
}

function parseInt(t: Tok): { v: bigint; hex: boolean } | null {
  if (!INT_RE.test(t.text)) return null;
  const neg = t.text.startsWith('-');
  const body = t.text.replace(/^[+-]/, '');
  const v = BigInt(body);
  return { v: neg ? -v : v, hex: /^0x/i.test(body) };
}

/** A 32-bit immediate: decimal in int32 range, or hex that fits 32 bits (stored as raw bits). */
function imm32(t: Tok): number {
  const p = parseInt(t);
  if (!p) throw new LineError(`Invalid immediate: ${t.text}`, t, 'asm.number');
  const ok = p.hex ? p.v >= -(1n << 31n) && p.v <= 0xffffffffn : p.v >= -(1n << 31n) && p.v < 1n << 31n;
  if (!ok) throw new LineError(`Immediate out of 32-bit range: ${t.text}`, t, 'asm.range');
  return Number(BigInt.asIntN(32, p.v));
}

/** A 16-bit offset: decimal in int16 range, or hex that fits 16 bits (stored as raw bits). */
function off16(t: Tok): number {
  const p = parseInt(t);
  if (!p) throw new LineError(`Invalid offset: ${t.text}`, t, 'asm.number');
  const ok = p.hex ? p.v >= -(1n << 15n) && p.v <= 0xffffn : p.v >= -(1n << 15n) && p.v < 1n << 15n;
  if (!ok) throw new LineError(`Offset out of 16-bit range: ${t.text}`, t, 'asm.range');
  return Number(BigInt.asIntN(16, p.v));
}

/** `[%rN]`, `[%rN+off]`, `[%rN-off]`. */
function memOperand(ctx: Ctx, t: Tok): { reg: number; off: number } {
  const m = /^\[([^+\-\]]*)([+-][^\]]*)?\]$/.exec(t.text);
  if (!m) throw new LineError(`Failed to decode register and offset: ${t.text}`, t, 'asm.operands');
  const regTok: Tok = { text: m[1]!, col: t.col + 1 };
  const r = reg(ctx, regTok);
  const off = m[2] ? off16({ text: m[2], col: t.col + 1 + m[1]!.length }) : 0;
  return { reg: r, off };
}

function ldimm64(ctx: Ctx, dst: number, t: Tok): Slot[] {
  const row = UBPF_ROWS.get('lddw')![0]!;
  const pair = (src: number, lo: number, hi: number): Slot[] => [
    { opcode: row.opcode, dst, src, off: 0, imm: lo },
    { opcode: 0, dst: 0, src: 0, off: 0, imm: hi },
  ];
  const p = parseInt(t);
  if (p) {
    if (p.v < -(1n << 63n) || p.v >= 1n << 64n) throw new LineError(`Immediate out of 64-bit range: ${t.text}`, t, 'asm.range');
    const u = BigInt.asUintN(64, p.v);
    return pair(0, Number(BigInt.asIntN(32, u)), Number(BigInt.asIntN(32, u >> 32n)));
  }
  // map_value(NAME), map_value(NAME, OFF) (as the llvm dialect writes it) or map_value(NAME)+OFF.
  const mv = /^map_value\(([A-Za-z_]\w*)(?:,([^)]*))?\)(?:([+-])(.+))?$/.exec(t.text);
  if (mv) {
    const idx = mapIndex(ctx, mv[1]!, t);
    if (mv[2] !== undefined && mv[4] !== undefined) throw new LineError(`Invalid map value offset: ${t.text} (give the offset once)`, t, 'asm.number');
    const offText = mv[2] ?? (mv[4] !== undefined ? mv[4] : '0');
    const o = parseInt({ text: offText, col: t.col });
    if (!o || o.v < 0n || o.v > 0x7fffffffn) throw new LineError(`Invalid map value offset: ${mv[3] === '-' ? '-' : ''}${offText} (expected 0 to 2147483647)`, t, 'asm.number');
    return pair(2, idx, Number(o.v));
  }
  const fd = /^(?:map_fd\(([A-Za-z_]\w*)\)|([A-Za-z_]\w*))$/.exec(t.text);
  if (fd) return pair(1, mapIndex(ctx, (fd[1] ?? fd[2])!, t), 0);
  throw new LineError(`Invalid immediate: ${t.text} (expected a 64-bit number or a map name)`, t, 'asm.number');
}

function mapIndex(ctx: Ctx, name: string, t: Tok): number {
  const i = ctx.maps.findIndex((m) => m.name === name);
  if (i < 0) throw new LineError(`Unknown map: ${name} (define it first with ${MAP_USAGE})`, t, 'asm.map');
  return i;
}

/** A jump target: `+N` / `-N` / `N` (relative to the next instruction) or a label. */
function jumpOperand(ctx: Ctx, head: Tok, s: Slot, t: Tok, field: 'off' | 'imm', isCall: boolean): void {
  if (INT_RE.test(t.text)) {
    if (field === 'off') s.off = off16(t);
    else s.imm = imm32(t);
    emit(ctx, [s], head.col);
    return;
  }
  if (!LABEL_RE.test(t.text)) throw new LineError(`Invalid jump target: ${t.text} (expected +N, -N or a label)`, t, 'asm.operands');
  const at = emit(ctx, [s], head.col);
  ctx.fixups.push({ slot: at, label: t, field, line: ctx.line, isCall });
}

function resolveFixups(ctx: Ctx): void {
  for (const f of ctx.fixups) {
    let target = ctx.labels.get(f.label.text)?.slot;
    if (target === undefined && f.label.text === 'exit' && ctx.firstExit !== null) target = ctx.firstExit;
    if (target === undefined) {
      ctx.diags.push(err(`Invalid label: ${f.label.text}`, { line: f.line, col: f.label.col, endCol: f.label.col + f.label.text.length }, 'asm.label'));
      continue;
    }
    const delta = target - (f.slot + 1);
    const s = ctx.slots[f.slot]!;
    if (f.field === 'off') {
      if (delta < -32768 || delta > 32767) {
        ctx.diags.push(err(`Jump offset out of 16-bit range: ${f.label.text} is ${delta} instructions away`, { line: f.line, col: f.label.col, endCol: f.label.col + f.label.text.length }, 'asm.range'));
        continue;
      }
      s.off = delta;
    } else s.imm = delta;
  }
}
