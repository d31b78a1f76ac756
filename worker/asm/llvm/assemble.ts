// Assembler for the LLVM / kernel C-like BPF dialect, byte-exact with `llvm-mc-19 -triple bpfel
// -mcpu=v4` on every shape it accepts (goldens in worker/asm/goldens/llvm). Steps: lex.ts (comments,
// tokens) -> parse.ts (statement -> operands) -> rowFor (the ISA table row with those operands) ->
// encodeRow (the slot fields, RFC 9669 section 3) -> label, call and map fixups.
//
// It also takes what `clang-19 -target bpf [-g] -S` prints, and loads it the way libbpf loads the
// object (bpf_object__open: bpf_object__init_maps, bpf_program__relocate): the first code section other
// than .text is the program and .text subprograms are appended after it; maps come from the legacy
// `maps` section (struct bpf_map_def), from `.maps` described by the .BTF section (clang -g; see
// btfmaps.ts), and from global data (.data/.rodata/.bss become single-entry array maps holding their
// bytes; `r1 = var ll` becomes BPF_PSEUDO_MAP_VALUE at the variable's offset); the `license` section
// sets the license; DWARF sections and the usual directives are skipped.
// bpfplay's own directives: `.map NAME TYPE key=K value=V entries=N [flags=F]` and `.license "GPL"`.
// `r1 = NAME ll` loads a map (ld_imm64 src 1, imm = map index), `r1 = map_value(NAME, OFF) ll` points
// into its value (src 2). `.8byte 0x...` in a code section is one raw slot (what the disassembler
// prints for undecodable slots); `.byte`/`.short`/`.long` there fill slots too. Pasted `llvm-objdump -d`
// output assembles from its instruction bytes, with its symbols as labels. Map order: .map directives,
// legacy maps, BTF maps, global data.
// It does not check program semantics (worker/verifier). Never throws: every problem is a located
// diagnostic, and the program is null when there is an error.

import { HELPER_NAMES } from '../../helpers/ids.generated';
import type { Slot } from '../../isa/insn';
import { ISA, type IsaRow } from '../../isa/opcodes';
import type { MapDef, Program, ProgramResult, SrcPos } from '../../isa/program';
import { bugDiagnostic, err, warn, type Diagnostic, type Severity } from '../../util/diag';
import { lexLine, stripComments, type Tok } from './lex';
import { ParseError, parseLine, type ParsedInsn, type Target } from './parse';
import { BPF_F_MMAPABLE, BPF_F_RDONLY_PROG, isGlobalDataSection, MAP_TYPE_NAMES as MAP_TYPES } from '../../elf/format';
import { progTypeForSection } from '../../progtypes/table';
import { btfMaps } from './btfmaps';

/** The ISA row that encodes these operands, or null (a bug: every ParsedInsn has a row). */
export function rowFor(p: ParsedInsn): IsaRow | null {
  return ISA.find((r) => rowMatches(r, p)) ?? null;
}

function rowMatches(r: IsaRow, p: ParsedInsn): boolean {
  switch (p.kind) {
    case 'alu':
      return r.kind === 'alu' && r.is64 === p.is64 && r.aluOp === p.op && r.srcX === (p.src !== undefined) &&
        (p.op !== 'movsx' || r.off === p.off);
    case 'endian':
      return r.kind === 'endian' && r.endian === p.op && r.bits === p.bits;
    case 'jmp':
      return r.kind === 'jmp' && r.is64 === p.is64 && r.cond === p.cond && r.srcX === (p.src !== undefined);
    case 'ja':
      return r.kind === 'ja' && r.is64 === !p.long;
    case 'may_goto':
      return r.kind === 'may_goto';
    case 'call':
      return r.kind === 'call' && r.src === (p.callKind === 'kfunc' ? 2 : p.callKind === 'helper' ? 0 : 1);
    case 'callx':
      return r.kind === 'callx';
    case 'exit':
      return r.kind === 'exit';
    case 'ldimm64':
      return r.kind === 'ldimm64' && r.src === p.pseudo;
    case 'ldmap':
      return r.kind === 'ldimm64' && r.src === (p.value ? 2 : 1);
    case 'ldx':
      return r.kind === 'ldx' && r.size === p.size && ((r.opcode & 0xe0) === 0x80) === p.sx;
    case 'st':
      return r.kind === 'st' && r.size === p.size;
    case 'stx':
      return r.kind === 'stx' && r.size === p.size;
    case 'atomic':
      return r.kind === 'atomic' && r.size === p.size && r.atomicOp === p.op;
    case 'ldpkt':
      return r.kind === 'ldpkt' && r.size === p.size && ((r.opcode & 0xe0) === 0x20) === (p.mode === 'abs');
  }
}

/** Fills a slot from a row and operand values: discriminator fields come from the row, the rest from the operands. */
export function encodeRow(r: IsaRow, v: { dst?: number; src?: number; off?: number; imm?: number }): Slot {
  return {
    opcode: r.opcode,
    dst: r.dst === 'none' ? 0 : (v.dst ?? 0),
    src: r.srcField === 'fixed' ? (r.src ?? 0) : r.srcField === 'reg' ? (v.src ?? 0) : 0,
    off: r.offField === 'fixed' ? (r.off ?? 0) : r.offField === 'zero' ? 0 : (v.off ?? 0),
    imm: r.immField === 'fixed' ? (r.imm ?? 0) : r.immField === 'zero' ? 0 : (v.imm ?? 0),
  };
}

interface Section {
  name: string;
  /** Line of the directive that opened it. */
  line?: number;
  code: boolean;
  slots: Slot[];
  pos: (SrcPos | null)[];
  /** Contents of a data section (.data, .rodata, maps, license, ...). */
  data: number[];
  /** Raw bytes in a code section that do not fill a slot yet, and where they started. */
  pending: number[];
  pendingPos?: SrcPos;
}

interface Fixup {
  section: Section;
  /** Slot index within the section. */
  slot: number;
  line: number;
  insn: ParsedInsn;
  target?: Target;
}

interface DataSym {
  name: string;
  section: Section;
  /** Byte offset in the section. */
  offset: number;
  /** From `.size NAME, N`. */
  size?: number;
  line: number;
  col: number;
}

/** A run of slots [start, end) of a section, placed at slot `at` of the program. */
interface Piece {
  section: Section;
  start: number;
  end: number;
  at: number;
}

interface LabelDef {
  section: Section;
  slot: number;
  line: number;
  col: number;
}

const DATA_SECTIONS = /^(\.?maps|license|version|\.data|\.rodata|\.bss|\.BTF|\.debug|\.rel|\.llvm|\.eh_frame|\.note|\.comment|\.kconfig|\.ksyms|\.addrsig|\.struct_ops)/;
const SKIPPED_SECTIONS = /^(\.BTF|\.debug|\.llvm|\.eh_frame|\.note|\.comment|\.addrsig|\.rel)/;
const IGNORED_DIRECTIVES = new Set([
  '.globl', '.global', '.local', '.weak', '.hidden', '.protected', '.internal', '.p2align', '.align', '.balign',
  '.type', '.size', '.file', '.loc', '.ident', '.addrsig', '.addrsig_sym', '.cfi_sections', '.cfi_startproc',
  '.cfi_endproc', '.cfi_def_cfa', '.cfi_offset', '.set', '.equ', '.uleb128', '.sleb128', '.loc_mark_labeled', '.extern',
]);
const DATA_SIZES: Record<string, number> = {
  '.byte': 1, '.short': 2, '.hword': 2, '.2byte': 2, '.long': 4, '.int': 4, '.4byte': 4, '.quad': 8, '.8byte': 8,
};

// Lines of `llvm-objdump -d [-r]` output (see Asm.objdumpLine).
const OBJDUMP_INSN = /^\s*(\d+):\t((?:[0-9a-f]{2} )*[0-9a-f]{2})(?:\t.*)?$/;
const OBJDUMP_SYM = /^([0-9a-f]{16}) <(.+)>:$/;
const OBJDUMP_SECTION = /^Disassembly of section (\S+):$/;
const OBJDUMP_FILE = /^\S.*:\s+file format elf64-bpf$/;
const OBJDUMP_RELOC = /^\s+[0-9a-f]+:\s+R_BPF_\w+\s/;

class Asm {
  line = 0;
  diags: Diagnostic[] = [];
  sections: Section[] = [];
  cur: Section;
  labels = new Map<string, LabelDef>();
  data = new Map<string, DataSym>();
  fixups: Fixup[] = [];
  maps: MapDef[] = [];
  license: string | undefined;
  explicitSection = false;
  skippedNoted = new Set<string>();
  funcSyms: string[] = [];
  /** The program section to assemble when the text has several (assembleLlvm's `section` option). */
  wantSection: string | undefined;
  relocNoted = false;

  constructor() {
    this.cur = this.section('.text', true);
  }

  section(name: string, code: boolean): Section {
    let s = this.sections.find((x) => x.name === name);
    if (!s) {
      s = { name, code, slots: [], pos: [], data: [], pending: [] };
      this.sections.push(s);
    }
    return s;
  }

  diag(sev: Severity, msg: string, tok: Tok | null, code: string, col?: number): void {
    const loc = tok ? { line: this.line, col: tok.col, endCol: tok.col + Math.max(1, tok.text.length) } : { line: this.line, col: col ?? 1 };
    this.diags.push(sev === 'error' ? err(msg, loc, code) : sev === 'warning' ? warn(msg, loc, code) : { severity: sev, message: msg, loc, code });
  }

  run(text: string): void {
    const lines = text.split('\n');
    const cs = { inBlock: false };
    for (let i = 0; i < lines.length; i++) {
      this.line = i + 1;
      const raw = lines[i]!.replace(/\r$/, '');
      if (!cs.inBlock && this.objdumpLine(raw)) continue;
      const wasInBlock = cs.inBlock;
      const clean = stripComments(raw, cs);
      if (!wasInBlock) this.checkSemicolon(raw, clean);
      if (!clean.trim()) continue;
      const lx = lexLine(clean);
      if ('error' in lx) {
        this.diag('error', lx.error, null, 'asm.lex', lx.col);
        continue;
      }
      try {
        for (const st of parseLine(lx.toks)) this.statement(st);
      } catch (e) {
        if (e instanceof ParseError) this.diag('error', e.message, e.tok, 'asm.syntax', e.col);
        else throw e;
      }
    }
    if (cs.inBlock) this.diag('error', "unterminated '/*' comment", null, 'asm.lex', 1);
  }

  /**
   * `;` starts a comment here (as in the kernel's verifier log), where llvm-mc separates statements:
   * warn when what follows a `;` is itself an instruction, so `r0 = 1; exit` does not silently lose `exit`.
   */
  checkSemicolon(raw: string, clean: string): void {
    const at = clean.length;
    if (raw[at] !== ';') return;
    const rest = raw.slice(at + 1);
    const lx = lexLine(stripComments(rest, { inBlock: false }));
    if ('error' in lx || lx.toks.length === 0) return;
    let st: ReturnType<typeof parseLine>;
    try {
      st = parseLine(lx.toks);
    } catch (e) {
      if (e instanceof ParseError) return;
      throw e;
    }
    if (st.length > 0 && st.every((x) => x.kind === 'insn' || x.kind === 'label') && st.some((x) => x.kind === 'insn')) {
      this.diags.push(warn(`';' starts a comment: '${rest.trim()}' is not assembled (llvm-mc would read it as a second statement; put it on its own line)`, { line: this.line, col: at + 1 }, 'asm.comment'));
    }
  }

  /**
   * A line of `llvm-objdump -d` output, pasted as is: instruction lines give their bytes (exact, where the
   * text after them can lose bits), `<sym>:` headers give labels, `Disassembly of section X:` a section.
   * Returns false for anything else.
   */
  objdumpLine(raw: string): boolean {
    let m = OBJDUMP_INSN.exec(raw);
    if (m) {
      const hex = m[2]!;
      const bytes = hex.split(' ').map((h) => parseInt(h, 16));
      if (bytes.length !== 8 && bytes.length !== 16) return false;
      const col = raw.indexOf(hex) + 1;
      const toks = bytes.map((b): Tok => ({ kind: 'num', text: String(b), col, value: BigInt(b) }));
      const args: Tok[] = [];
      toks.forEach((t, k) => {
        if (k) args.push({ kind: 'punct', text: ',', col });
        args.push(t);
      });
      this.dataDirective('.byte', { kind: 'ident', text: '.byte', col }, args);
      return true;
    }
    m = OBJDUMP_SYM.exec(raw);
    if (m) {
      const name = m[2]!;
      if (name !== this.cur.name && /^[A-Za-z_.$][A-Za-z0-9_.$]*$/.test(name) && !this.labels.has(name)) {
        this.labels.set(name, { section: this.cur, slot: this.cur.slots.length, line: this.line, col: 18 });
      }
      return true;
    }
    m = OBJDUMP_SECTION.exec(raw);
    if (m) {
      this.cur = this.section(m[1]!, true);
      this.cur.line ??= this.line;
      if (m[1] !== '.text') this.explicitSection = true;
      return true;
    }
    if (OBJDUMP_FILE.test(raw)) return true;
    if (OBJDUMP_RELOC.test(raw)) {
      if (!this.relocNoted) {
        this.relocNoted = true;
        this.diags.push(warn('relocations in pasted objdump output are not applied: map loads and calls into other sections keep the placeholder values of the object file', { line: this.line, col: 1 }, 'asm.objdump'));
      }
      return true;
    }
    return false;
  }

  statement(st: ReturnType<typeof parseLine>[number]): void {
    switch (st.kind) {
      case 'label': {
        if (this.labels.has(st.name) || this.data.has(st.name)) {
          this.diag('error', `label ${st.name} is already defined`, st.tok, 'asm.label');
          return;
        }
        if (this.cur.code) {
          this.labels.set(st.name, { section: this.cur, slot: this.cur.slots.length, line: this.line, col: st.tok.col });
        } else {
          this.data.set(st.name, { name: st.name, section: this.cur, offset: this.cur.data.length, line: this.line, col: st.tok.col });
        }
        return;
      }
      case 'directive':
        this.directive(st.name, st.tok, st.args);
        return;
      case 'insn':
        this.insn(st.insn, st.tok);
        return;
      case 'error':
        this.diag('error', st.error.message, st.error.tok, 'asm.syntax', st.error.col);
        return;
    }
  }

  insn(p: ParsedInsn, tok: Tok): void {
    if (!this.cur.code) {
      if (SKIPPED_SECTIONS.test(this.cur.name)) return;
      this.diag('error', `instruction in data section ${this.cur.name}`, tok, 'asm.section');
      return;
    }
    const row = rowFor(p);
    if (!row) {
      this.diag('error', `internal error (a bpfplay bug): no opcode table row for ${p.kind}`, tok, 'bug');
      return;
    }
    const s = this.cur;
    if (s.pending.length) {
      this.diag('error', `instruction after ${s.pending.length} raw byte(s) that do not fill an 8-byte slot`, tok, 'asm.directive');
      s.pending = [];
    }
    const at = s.slots.length;
    const pos = { line: this.line, col: tok.col };
    const push = (slot: Slot): void => {
      s.slots.push(slot);
      s.pos.push(s.pos.length === at ? pos : null);
    };
    switch (p.kind) {
      case 'alu':
        push(encodeRow(row, { dst: p.dst, src: p.src, off: p.off, imm: p.imm }));
        return;
      case 'endian':
        push(encodeRow(row, { dst: p.dst }));
        return;
      case 'jmp':
        push(encodeRow(row, { dst: p.dst, src: p.src, imm: p.imm, off: p.target.kind === 'off' ? p.target.value : 0 }));
        if (p.target.kind === 'label') this.fixups.push({ section: s, slot: at, line: this.line, insn: p, target: p.target });
        return;
      case 'ja':
      case 'may_goto': {
        const v = p.target.kind === 'off' ? p.target.value : 0;
        push(encodeRow(row, p.kind === 'ja' && p.long ? { imm: v } : { off: v }));
        if (p.target.kind === 'label') this.fixups.push({ section: s, slot: at, line: this.line, insn: p, target: p.target });
        return;
      }
      case 'call':
        if (p.callKind === 'helper') push(encodeRow(row, { imm: p.imm }));
        else if (p.callKind === 'kfunc') push(encodeRow(row, { imm: p.imm, off: p.off }));
        else if (p.callKind === 'local') {
          push(encodeRow(row, { imm: p.target.kind === 'off' ? p.target.value : 0 }));
          if (p.target.kind === 'label') this.fixups.push({ section: s, slot: at, line: this.line, insn: p, target: p.target });
        } else {
          push(encodeRow(row, {}));
          this.fixups.push({ section: s, slot: at, line: this.line, insn: p });
        }
        return;
      case 'callx':
        push(encodeRow(row, { dst: p.dst }));
        return;
      case 'exit':
        push(encodeRow(row, {}));
        return;
      case 'ldimm64':
        push(encodeRow(row, { dst: p.dst, imm: p.imm }));
        push({ opcode: 0, dst: 0, src: 0, off: 0, imm: p.imm2 });
        return;
      case 'ldmap':
        push(encodeRow(row, { dst: p.dst }));
        push({ opcode: 0, dst: 0, src: 0, off: 0, imm: p.off });
        this.fixups.push({ section: s, slot: at, line: this.line, insn: p });
        return;
      case 'ldx':
        push(encodeRow(row, { dst: p.dst, src: p.src, off: p.off }));
        return;
      case 'st':
        push(encodeRow(row, { dst: p.dst, off: p.off, imm: p.imm }));
        return;
      case 'stx':
      case 'atomic':
        push(encodeRow(row, { dst: p.dst, src: p.src, off: p.off }));
        return;
      case 'ldpkt':
        push(encodeRow(row, { src: p.src, imm: p.imm }));
        return;
    }
  }

  directive(name: string, tok: Tok, args: Tok[]): void {
    if (name === '.text') {
      this.cur = this.section('.text', true);
      return;
    }
    if (name === '.data' || name === '.bss' || name === '.rodata') {
      this.cur = this.section(name, false);
      this.cur.line ??= this.line;
      return;
    }
    if (name === '.section' || name === '.pushsection') {
      const n = args[0];
      if (!n || (n.kind !== 'ident' && n.kind !== 'str')) {
        this.diag('error', 'expected a section name after .section', n ?? null, 'asm.directive', tok.col + tok.text.length + 1);
        return;
      }
      // Names like `kprobe/sys_write` arrive as several tokens: join up to the first ','.
      let secName = '';
      let k = 0;
      if (n.kind === 'str') {
        secName = n.str!;
        k = 1;
      } else {
        for (; k < args.length && args[k]!.text !== ','; k++) secName += args[k]!.text;
      }
      const flagsTok = args[k]?.text === ',' ? args[k + 1] : undefined;
      const flags = flagsTok?.kind === 'str' ? flagsTok.str! : null;
      const code = flags !== null ? flags.includes('x') : !DATA_SECTIONS.test(secName);
      this.cur = this.section(secName, code);
      this.cur.line ??= this.line;
      if (code) this.explicitSection = true;
      if (SKIPPED_SECTIONS.test(secName) && !this.skippedNoted.has(secName)) {
        this.skippedNoted.add(secName);
        if (this.skippedNoted.size === 1) this.diag('info', 'debug and BTF sections skipped (BTF is read only for the map definitions in .maps)', n, 'asm.section');
      }
      return;
    }
    if (name === '.previous' || name === '.popsection') {
      this.diag('warning', `${name} is not supported; use .section`, tok, 'asm.directive');
      return;
    }
    if (name === '.map') {
      this.mapDirective(tok, args);
      return;
    }
    if (name === '.license') {
      const s = args[0];
      if (!s || s.kind !== 'str' || args.length > 1) {
        this.diag('error', 'expected a string after .license, e.g. .license "GPL"', s ?? null, 'asm.directive', tok.col + tok.text.length + 1);
        return;
      }
      this.license = s.str!;
      return;
    }
    if (name === '.size') {
      const d = args[0]?.kind === 'ident' ? this.data.get(args[0].text) : undefined;
      const n = args[1]?.text === ',' && args[2]?.kind === 'num' && args.length === 3 ? Number(args[2].value!) : null;
      if (d && n !== null && n <= 1 << 24) d.size = n;
      return;
    }
    if (name === '.p2align' || name === '.balign' || name === '.align') {
      this.alignDirective(name, args);
      return;
    }
    if (name === '.type') {
      // `.type prog,@function`: a function symbol (clang -S); it becomes an entry of program.funcs.
      if (args[0]?.kind === 'ident' && args[1]?.text === ',' && args.some((a) => a.text === 'function')) this.funcSyms.push(args[0].text);
      return;
    }
    if (IGNORED_DIRECTIVES.has(name) || name.startsWith('.cfi_')) return;
    if (name in DATA_SIZES || name === '.ascii' || name === '.asciz' || name === '.string' || name === '.zero' || name === '.space') {
      this.dataDirective(name, tok, args);
      return;
    }
    this.diag('warning', `unknown directive ${name} ignored`, tok, 'asm.directive');
  }

  dataDirective(name: string, tok: Tok, args: Tok[]): void {
    const s = this.cur;
    if (!s.code && SKIPPED_SECTIONS.test(s.name) && s.name !== '.BTF') return; // .BTF is read for .maps
    const vals = splitArgs(args);
    if (s.code) {
      // Raw instruction bytes: `.8byte 0x...` / `.quad` (one slot each), `.byte`/`.short`/`.long`
      // (collected until they fill a slot). Strings and fills have no place among instructions.
      const size = DATA_SIZES[name];
      if (size === undefined) {
        this.diag('error', `${name} in code section ${s.name}: only .byte/.short/.long/.quad raw instruction bytes are allowed here`, tok, 'asm.directive');
        return;
      }
      for (const v of vals) {
        const n = argInt(v);
        if (n === null) {
          this.diag('error', `expected a number after ${name}`, v[0] ?? tok, 'asm.directive');
          return;
        }
        const bits = BigInt(size * 8);
        if (n < -(1n << (bits - 1n)) || n >= 1n << bits) {
          this.diag('error', `value ${n} out of range for ${name} (${size * 8} bits)`, v[0]!, 'asm.number');
          return;
        }
        if (s.pending.length === 0) s.pendingPos = { line: this.line, col: v[0]!.col };
        let u = BigInt.asUintN(size * 8, n);
        for (let k = 0; k < size; k++) {
          s.pending.push(Number(u & 0xffn));
          u >>= 8n;
        }
        while (s.pending.length >= 8) {
          const b = s.pending.splice(0, 8);
          const off = (b[2]! | (b[3]! << 8)) << 16 >> 16;
          const imm = b[4]! | (b[5]! << 8) | (b[6]! << 16) | (b[7]! << 24);
          s.pos.push(s.pendingPos ?? { line: this.line, col: v[0]!.col });
          s.slots.push({ opcode: b[0]!, dst: b[1]! & 15, src: b[1]! >> 4, off, imm });
          s.pendingPos = s.pending.length ? { line: this.line, col: v[0]!.col } : undefined;
        }
      }
      return;
    }
    const d = s.data;
    if (name === '.ascii' || name === '.asciz' || name === '.string') {
      for (const v of vals) {
        const t = v[0];
        if (!t || t.kind !== 'str' || v.length !== 1) {
          this.diag('error', `expected a string after ${name}`, t ?? tok, 'asm.directive');
          return;
        }
        for (const ch of t.str!) d.push(ch.charCodeAt(0) & 0xff);
        if (name !== '.ascii') d.push(0);
      }
      return;
    }
    if (name === '.zero' || name === '.space') {
      const n = vals[0] ? argInt(vals[0]) : null;
      if (n === null || n < 0n || n > 1n << 20n) {
        this.diag('error', `expected a byte count after ${name}`, args[0] ?? tok, 'asm.directive');
        return;
      }
      for (let i = 0; i < Number(n); i++) d.push(0);
      return;
    }
    const size = DATA_SIZES[name]!;
    for (const v of vals) {
      const n = argInt(v);
      if (n === null) {
        // A symbolic value (an address): the loader would relocate it; the playground keeps zeros.
        for (let i = 0; i < size; i++) d.push(0);
        continue;
      }
      let u = BigInt.asUintN(size * 8, n);
      for (let i = 0; i < size; i++) {
        d.push(Number(u & 0xffn));
        u >>= 8n;
      }
    }
  }

  /** `.p2align N` / `.balign N` / `.align N` in a data section: zero padding (code sections are always 8-aligned). */
  alignDirective(name: string, args: Tok[]): void {
    const s = this.cur;
    if (s.code) return;
    const n = args[0]?.kind === 'num' ? Number(args[0].value!) : null;
    if (n === null || n > (name === '.p2align' ? 16 : 1 << 16)) return;
    const a = name === '.p2align' ? 1 << n : n;
    if (a <= 1) return;
    while (s.data.length % a !== 0) s.data.push(0);
  }

  /** The bytes of a data symbol: up to its `.size`, or to the next symbol of its section. */
  symBytes(d: DataSym): number[] {
    let end = d.section.data.length;
    if (d.size !== undefined) end = d.offset + d.size;
    else for (const o of this.data.values()) if (o.section === d.section && o.offset > d.offset && o.offset < end) end = o.offset;
    return d.section.data.slice(d.offset, end);
  }

  mapDirective(tok: Tok, args: Tok[]): void {
    // `.map NAME TYPE key=K value=V entries=N [flags=F] [inner=MAP]`: key= and value= may be left out for a
    // ringbuf (both 0); inner= names an earlier `.map` as the inner-map template of an array_of_maps or
    // hash_of_maps (value= then defaults to 4, the inner map's fd/id).
    const usage = '.map NAME TYPE key=K value=V entries=N [flags=F] [inner=MAP]';
    const nameTok = args[0];
    const typeTok = args[1];
    if (!nameTok || nameTok.kind !== 'ident' || !/^[A-Za-z_.][\w.]*$/.test(nameTok.text)) {
      this.diag('error', `expected a map name: ${usage}`, nameTok ?? null, 'asm.directive', tok.col + tok.text.length + 1);
      return;
    }
    if (this.maps.some((m) => m.name === nameTok.text)) {
      this.diag('error', `map ${nameTok.text} is already defined`, nameTok, 'asm.directive');
      return;
    }
    if (!typeTok || typeTok.kind !== 'ident') {
      this.diag('error', `expected a map type after the name (hash, array, percpu_hash, lru_hash, ringbuf, prog_array, ...): ${usage}`, typeTok ?? null, 'asm.directive', nameTok.col + nameTok.text.length + 1);
      return;
    }
    const type = typeTok.text.toLowerCase().replace(/^bpf_map_type_/, '');
    if (!MAP_TYPES.includes(type) || type === 'unspec') {
      this.diag('error', `unknown map type ${typeTok.text} (expected one of ${MAP_TYPES.slice(1).join(', ')})`, typeTok, 'asm.directive');
      return;
    }
    const vals: Record<string, number> = {};
    let inner: MapDef | undefined;
    let i = 2;
    while (i < args.length) {
      const k = args[i]!;
      const eq = args[i + 1];
      if (k.kind !== 'ident' || !['key', 'value', 'entries', 'flags', 'inner'].includes(k.text) || eq?.text !== '=') {
        this.diag('error', `expected key=, value=, entries=, flags= or inner=: ${usage}`, k, 'asm.directive');
        return;
      }
      const v = args[i + 2];
      if (k.text === 'inner') {
        const im = v?.kind === 'ident' ? this.maps.find((m) => m.name === v.text) : undefined;
        if (type !== 'array_of_maps' && type !== 'hash_of_maps') {
          this.diag('error', `inner= is only for array_of_maps and hash_of_maps`, k, 'asm.directive');
          return;
        }
        if (!im || inner) {
          this.diag('error', inner ? 'inner= given twice' : `inner= must name a map defined earlier with .map`, v ?? eq, 'asm.directive');
          return;
        }
        inner = im;
        i += 3;
        continue;
      }
      const n = v?.kind === 'num' ? v.value! : null;
      if (n === null || n > 0xffffffffn) {
        this.diag('error', `expected an unsigned 32-bit number after ${k.text}=`, v ?? eq, 'asm.directive');
        return;
      }
      if (k.text in vals) {
        this.diag('error', `${k.text}= given twice`, k, 'asm.directive');
        return;
      }
      vals[k.text] = Number(n);
      i += 3;
    }
    if (type === 'ringbuf' || type === 'user_ringbuf') {
      vals.key ??= 0;
      vals.value ??= 0;
    }
    if (inner) vals.value ??= 4;
    for (const k of ['key', 'value', 'entries']) {
      if (!(k in vals)) {
        this.diag('error', `missing ${k}=: ${usage}`, tok, 'asm.directive');
        return;
      }
    }
    this.maps.push({
      name: nameTok.text, type, keySize: vals.key!, valueSize: vals.value!, maxEntries: vals.entries!, flags: vals.flags ?? 0,
      ...(inner ? { inner: { name: inner.name, type: inner.type, keySize: inner.keySize, valueSize: inner.valueSize, maxEntries: inner.maxEntries, flags: inner.flags } } : {}),
      loc: { line: this.line, col: nameTok.col },
    });
  }

  /** Legacy `maps` section symbols (struct bpf_map_def) become maps, in definition order, after `.map` ones. */
  legacyMaps(): void {
    for (const d of this.data.values()) {
      if (d.section.name !== 'maps' && !d.section.name.startsWith('maps/')) continue;
      const bytes = this.symBytes(d);
      if (bytes.length < 16) continue;
      const u32 = (o: number): number => (bytes[o]! | (bytes[o + 1]! << 8) | (bytes[o + 2]! << 16) | (bytes[o + 3]! << 24)) >>> 0;
      if (this.maps.some((m) => m.name === d.name)) continue;
      this.maps.push({
        name: d.name, type: MAP_TYPES[u32(0)] ?? `unknown_${u32(0)}`, keySize: u32(4), valueSize: u32(8), maxEntries: u32(12),
        flags: bytes.length >= 20 ? u32(16) : 0, loc: { line: d.line, col: d.col },
      });
    }
    // BTF-defined maps: the `.maps` variables, described by the .BTF section (clang -g).
    const mapsSec = this.sections.find((x) => x.name === '.maps' && !x.code);
    const btfSec = this.sections.find((x) => x.name === '.BTF' && !x.code);
    if (mapsSec && [...this.data.values()].some((d) => d.section === mapsSec)) {
      if (!btfSec || btfSec.data.length === 0) {
        this.diags.push(warn('section .maps needs BTF to describe its maps: compile with clang -g, or declare them with .map', { line: mapsSec.line }, 'asm.map'));
      } else {
        const r = btfMaps(Uint8Array.from(btfSec.data));
        for (const msg of r.problems) this.diags.push(warn(msg, { line: btfSec.line }, 'asm.map'));
        for (const m of r.maps) {
          const d = this.data.get(m.name);
          if (!d || d.section !== mapsSec || this.maps.some((x) => x.name === m.name)) continue;
          this.maps.push({ ...m, loc: { line: d.line, col: d.col } });
        }
      }
    }
    // Global data: one single-entry array map per .data/.rodata/.bss section, as libbpf makes them.
    for (const s of this.sections) {
      if (s.code || !isGlobalDataSection(s.name) || s.data.length === 0 || this.maps.some((m) => m.name === s.name)) continue;
      this.maps.push({
        name: s.name, type: 'array', keySize: 4, valueSize: s.data.length, maxEntries: 1,
        flags: BPF_F_MMAPABLE | (s.name.startsWith('.rodata') ? BPF_F_RDONLY_PROG : 0),
        initial: [{ key: '00000000', value: s.data.map((b) => b.toString(16).padStart(2, '0')).join('') }],
        ...(s.line !== undefined ? { loc: { line: s.line } } : {}),
      });
    }
    for (const d of this.data.values()) {
      if (d.section.name === 'license' && this.license === undefined) {
        const bytes = this.symBytes(d);
        const z = bytes.indexOf(0);
        this.license = String.fromCharCode(...bytes.slice(0, z < 0 ? bytes.length : z));
      }
    }
  }

  /** Orders code sections into one program and patches jumps, calls and map references. */
  finish(): Program | null {
    for (const s of this.sections) {
      if (s.code && s.pending.length) {
        this.diags.push(err(`${s.pending.length} raw byte(s) at the end of section ${s.name} do not fill an 8-byte slot`, { line: s.pendingPos?.line, col: s.pendingPos?.col }, 'asm.directive'));
      }
    }
    this.legacyMaps();
    const code = this.sections.filter((s) => s.code && s.slots.length > 0);
    const progSecs = code.filter((s) => s.name !== '.text');
    let main = progSecs[0] ?? code[0] ?? this.section('.text', true);
    if (this.wantSection !== undefined) {
      const w = code.find((s) => s.name === this.wantSection);
      if (!w) {
        const have = code.map((s) => s.name).join(', ') || 'none';
        this.diags.push(err(`no code section ${this.wantSection} (sections with instructions: ${have})`, {}, 'asm.section'));
        return null;
      }
      main = w;
    } else {
      for (const s of progSecs.slice(1)) {
        this.diags.push(warn(`section ${s.name} ignored: one program per text (the program is section ${main.name}; pick another with the section option)`, { line: s.line ?? this.firstLine(s) }, 'asm.section'));
      }
    }
    const pieces = this.layout(main);
    const pieceOf = (sec: Section, slot: number): Piece | undefined =>
      pieces.find((q) => q.section === sec && q.start <= slot && slot < q.end) ??
      pieces.find((q) => q.section === sec && slot === q.end && q.end === sec.slots.length); // a label at the very end
    const place = (sec: Section, slot: number): number | undefined => {
      const q = pieceOf(sec, slot);
      return q ? q.at + slot - q.start : undefined;
    };
    const slots: Slot[] = pieces.flatMap((q) => q.section.slots.slice(q.start, q.end).map((x) => ({ ...x })));
    const sourceMap: (SrcPos | null)[] = pieces.flatMap((q) => q.section.pos.slice(q.start, q.end));
    const labels: Record<string, number> = {};
    for (const [name, l] of this.labels) {
      const at = place(l.section, l.slot);
      if (at !== undefined) labels[name] = at;
    }
    const funcs: Record<number, string> = {};
    for (const f of this.fixups) {
      const fromPiece = pieceOf(f.section, f.slot);
      if (fromPiece === undefined || f.slot >= fromPiece.end) continue;
      const pc = fromPiece.at + f.slot - fromPiece.start;
      const at = (col: number, text: string): { line: number; col: number; endCol: number } => ({ line: f.line, col, endCol: col + text.length });
      const p = f.insn;
      if (p.kind === 'ldmap') {
        const idx = this.maps.findIndex((m) => m.name === p.name);
        if (idx >= 0) {
          if (!p.value && p.off !== 0) {
            this.diags.push(err(`${p.name} is a map: point into its value with map_value(${p.name}, ${p.off}) ll`, at(p.tok.col, p.tok.text), 'asm.map'));
            continue;
          }
          slots[pc]!.imm = idx;
          continue;
        }
        const d = this.data.get(p.name);
        const gidx = d && isGlobalDataSection(d.section.name) ? this.maps.findIndex((m) => m.name === d.section.name) : -1;
        if (d && gidx >= 0) {
          // A global variable: BPF_PSEUDO_MAP_VALUE into its section's map, at the variable's offset.
          slots[pc]!.src = 2;
          slots[pc]!.imm = gidx;
          slots[pc + 1]!.imm = d.offset + p.off;
          continue;
        }
        const fn = this.labels.get(p.name);
        const fat = fn ? place(fn.section, fn.slot) : undefined;
        if (fn && fat !== undefined && !p.value) {
          // A function's address (a bpf_loop / timer callback): BPF_PSEUDO_FUNC, imm = slots to the target.
          slots[pc]!.src = 4;
          slots[pc]!.imm = fat + Math.trunc(p.off / 8) - (pc + 1);
          funcs[fat] = p.name;
          continue;
        }
        const why = d
          ? d.section.name === '.maps'
            ? `${p.name} is a BTF-defined map (section .maps) without usable BTF; compile with clang -g, or declare it with .map ${p.name} TYPE key=K value=V entries=N`
            : `${p.name} is in section ${d.section.name}, which is neither a map nor global data`
          : `unknown map or variable ${p.name} (declare a map with .map ${p.name} TYPE key=K value=V entries=N)`;
        this.diags.push(err(why, at(p.tok.col, p.tok.text), 'asm.map'));
        continue;
      }
      let name: string;
      let tok: Tok;
      if (p.kind === 'call' && p.callKind === 'name') {
        name = p.name;
        tok = p.tok;
        const m = /^(.*)#(\d+)$/.exec(name);
        if (m) {
          // Kernel log form `bpf_map_lookup_elem#1`: the number is the helper id.
          const id = Number(m[2]);
          if (id > 0x7fffffff) {
            this.diags.push(err(`helper id ${m[2]} out of range`, at(tok.col, tok.text), 'asm.number'));
            continue;
          }
          slots[pc] = { opcode: slots[pc]!.opcode, dst: 0, src: 0, off: 0, imm: id };
          const named = helperId(m[1]!);
          if (named !== null && named !== id) {
            this.diags.push(warn(`${m[1]} is helper ${named}, not ${id}; calling helper ${id} as written`, at(tok.col, tok.text), 'asm.helper'));
          }
          continue;
        }
        if (!this.labels.has(name)) {
          const id = helperId(name);
          if (id === null) {
            this.diags.push(err(`undefined label or helper ${name} (a kernel function needs its BTF id: call kfunc(ID))`, at(tok.col, tok.text), 'asm.label'));
            continue;
          }
          slots[pc] = { ...slots[pc]!, src: 0, imm: id };
          continue;
        }
        slots[pc]!.src = 1; // a local (bpf-to-bpf) call
      } else if (f.target?.kind === 'label') {
        name = f.target.name;
        tok = f.target.tok;
      } else continue;
      const l = this.labels.get(name);
      if (!l) {
        this.diags.push(err(`undefined label ${name}`, at(tok.col, tok.text), 'asm.label'));
        continue;
      }
      const target = place(l.section, l.slot);
      const isCall = p.kind === 'call';
      if (!isCall && l.section !== f.section) {
        this.diags.push(err(`label ${name} is in section ${l.section.name}, not in this section`, at(tok.col, tok.text), 'asm.label'));
        continue;
      }
      if (target === undefined || (!isCall && pieceOf(l.section, l.slot) !== fromPiece)) {
        this.diags.push(err(`jump to ${name} leaves the function (subprograms are placed separately)`, at(tok.col, tok.text), 'asm.label'));
        continue;
      }
      const delta = target - (pc + 1);
      if (isCall) {
        slots[pc]!.imm = delta;
        funcs[target] = name;
      } else if (p.kind === 'ja' && p.long) {
        slots[pc]!.imm = delta;
      } else {
        if (delta < -0x8000 || delta > 0x7fff) {
          this.diags.push(err(`jump offset ${delta} does not fit in 16 bits; use gotol`, at(tok.col, tok.text), 'asm.range'));
          continue;
        }
        slots[pc]!.off = delta;
      }
    }
    for (const name of this.funcSyms) {
      const l = this.labels.get(name);
      const at = l ? place(l.section, l.slot) : undefined;
      if (l && at !== undefined && l.slot < l.section.slots.length) funcs[at] = name;
    }
    if (this.diags.some((d) => d.severity === 'error')) return null;
    const program: Program = { slots, maps: this.maps, labels, sourceMap, origin: 'llvm' };
    if (Object.keys(funcs).length) program.funcs = funcs;
    if (this.license !== undefined) program.license = this.license;
    if (this.explicitSection) {
      program.section = main.name;
      const t = progTypeForSection(main.name);
      if (t) program.progType = t;
    }
    return program;
  }

  /**
   * Where each piece of code goes: the program section whole, then the .text functions it calls or
   * takes the address of, transitively, each appended once in the order they are first met (depth
   * first), as libbpf's bpf_object__reloc_code() appends subprograms. When the program is .text
   * itself, it is taken whole.
   */
  layout(main: Section): Piece[] {
    const pieces: Piece[] = [{ section: main, start: 0, end: main.slots.length, at: 0 }];
    const text = this.sections.find((x) => x.name === '.text' && x.code);
    if (!text || text === main || text.slots.length === 0) return pieces;
    // Function starts in .text: .type @function symbols and the targets of calls and function addresses.
    const starts = new Set<number>([0]);
    const textTarget = (f: Fixup): number | undefined => {
      const p = f.insn;
      const name = p.kind === 'call' && p.callKind === 'name' ? p.name : p.kind === 'ldmap' && !p.value ? p.name : undefined;
      if (name === undefined || this.maps.some((m) => m.name === name)) return undefined;
      const l = this.labels.get(name);
      return l && l.section === text && l.slot < text.slots.length ? l.slot : undefined;
    };
    for (const n of this.funcSyms) {
      const l = this.labels.get(n);
      if (l && l.section === text && l.slot < text.slots.length) starts.add(l.slot);
    }
    for (const f of this.fixups) {
      const t = textTarget(f);
      if (t !== undefined) starts.add(t);
    }
    const sorted = [...starts].sort((a, b) => a - b);
    const funcAt = (slot: number): { start: number; end: number } => {
      let k = 0;
      while (k + 1 < sorted.length && sorted[k + 1]! <= slot) k++;
      return { start: sorted[k]!, end: sorted[k + 1] ?? text.slots.length };
    };
    let at = main.slots.length;
    const visit = (sec: Section, start: number, end: number): void => {
      const fx = this.fixups.filter((f) => f.section === sec && f.slot >= start && f.slot < end).sort((a, b) => a.slot - b.slot);
      for (const f of fx) {
        const t = textTarget(f);
        if (t === undefined) continue;
        const fn = funcAt(t);
        if (pieces.some((q) => q.section === text && q.start === fn.start)) continue;
        pieces.push({ section: text, start: fn.start, end: fn.end, at });
        at += fn.end - fn.start;
        visit(text, fn.start, fn.end);
      }
    };
    visit(main, 0, main.slots.length);
    return pieces;
  }

  firstLine(s: Section): number | undefined {
    return s.pos.find((p) => p !== null)?.line;
  }
}

/** Helper id by name, with or without the bpf_ prefix. */
export function helperId(name: string): number | null {
  const n = name.startsWith('bpf_') ? name.slice(4) : name;
  const i = HELPER_NAMES.indexOf(n);
  return i > 0 ? i : null;
}

function splitArgs(args: Tok[]): Tok[][] {
  const out: Tok[][] = [];
  let cur: Tok[] = [];
  for (const t of args) {
    if (t.text === ',') {
      out.push(cur);
      cur = [];
    } else cur.push(t);
  }
  if (cur.length) out.push(cur);
  return out;
}

function argInt(v: Tok[]): bigint | null {
  if (v.length === 1 && v[0]!.kind === 'num') return v[0]!.value!;
  if (v.length === 2 && v[0]!.text === '-' && v[1]!.kind === 'num') return -v[1]!.value!;
  return null;
}

/**
 * Assembles LLVM-dialect text into a Program. When the text has several program sections (clang -S of
 * a file with several SEC()s), `section` picks one; by default the first, with a warning for the rest.
 */
export function assembleLlvm(text: string, opts: { section?: string } = {}): ProgramResult {
  const a = new Asm();
  a.wantSection = opts.section;
  let program: Program | null = null;
  try {
    a.run(text);
    program = a.finish();
  } catch (e) {
    a.diags.push(bugDiagnostic(e, { line: a.line }));
    program = null;
  }
  if (a.diags.some((d) => d.severity === 'error')) program = null;
  return { program, diagnostics: a.diags };
}
