// Loading a program for the CLI: assembly text (either eBPF dialect), classic BPF in any input form,
// raw instruction bytes, or an ELF object. The kind comes from the file name, or is sniffed from
// the bytes for standard input. Errors are located diagnostics; nothing throws. An eBPF load also lists
// every program of the source or object (`programs`, the chosen one first), which `cli run` gives the VM
// so tail calls reach them, as the UI does (worker/api/engine.ts loadPrograms).

import { assemble, type Syntax } from '../asm/index';
import { detectCbpf } from '../cbpf/index';
import { parseClassic, type ClassicProgram } from './classic';
import { readElf } from '../elf/read';
import { decodeSlots } from '../isa/insn';
import { programFromBytes, type Program } from '../isa/program';
import { err, type Diagnostic } from '../util/diag';
import { loadPrograms } from '../api/engine';

export type Loaded =
  | { kind: 'ebpf'; program: Program; diagnostics: Diagnostic[]; /** Every program of the file, `program` first. */ programs?: Program[] }
  | { kind: 'cbpf'; classic: ClassicProgram; diagnostics: Diagnostic[] }
  | { kind: 'error'; diagnostics: Diagnostic[]; usage?: boolean };

export interface LoadOptions {
  syntax?: Syntax;
  section?: string;
  /** Treat the file as classic BPF raw sock_filter bytes rather than eBPF slots (for .bin input). */
  classicBytes?: boolean;
}

function looksBinary(b: Uint8Array): boolean {
  const n = Math.min(b.length, 512);
  for (let i = 0; i < n; i++) {
    const c = b[i]!;
    if (c === 0 || (c < 9 && c !== 0) || (c > 13 && c < 32 && c !== 27)) return true;
  }
  return false;
}

export function loadProgram(name: string, bytes: Uint8Array, opts: LoadOptions = {}): Loaded {
  const file = name === '-' ? '<stdin>' : name;
  const isElf = bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
  const ext = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1).toLowerCase() : '';
  if (isElf || ext === 'o') {
    const r = readElf(bytes);
    const diags = r.diagnostics.map((d) => ({ ...d, loc: { ...d.loc, file } }) as Diagnostic);
    if (r.programs.length === 0) {
      if (!diags.some((d) => d.severity === 'error')) diags.push(err('the object holds no BPF program', { file }, 'elf.empty'));
      return { kind: 'error', diagnostics: diags };
    }
    let chosen = r.programs;
    if (opts.section !== undefined) {
      chosen = r.programs.filter((p) => p.section === opts.section || p.funcs?.[0] === opts.section);
      if (chosen.length === 0)
        return {
          kind: 'error', usage: true,
          diagnostics: [err(`no program in section '${opts.section}'; the object has: ${r.programs.map((p) => p.section).join(', ')}`, { file }, 'cli.section')],
        };
    }
    if (chosen.length > 1)
      return {
        kind: 'error', usage: true,
        diagnostics: [err(`the object has several programs; pick one with --section (${chosen.map((p) => p.section).join(', ')})`, { file }, 'cli.section')],
      };
    const main = chosen[0]!;
    return { kind: 'ebpf', program: main, programs: [main, ...r.programs.filter((p) => p !== main)], diagnostics: diags.filter((d) => d.severity !== 'error') };
  }
  if (ext === 'bin' || (name === '-' && looksBinary(bytes))) {
    if (opts.classicBytes) {
      const c = parseClassic(bytes);
      if (!c.classic) return { kind: 'error', diagnostics: c.diagnostics.map((d) => ({ ...d, loc: { ...d.loc, file } })) };
      return { kind: 'cbpf', classic: c.classic, diagnostics: [] };
    }
    const p = programFromBytes(bytes);
    const dec = decodeSlots(p.slots);
    const diags: Diagnostic[] = dec.diagnostics.map((d) => ({ ...d, loc: { ...d.loc, file } }));
    if (bytes.length % 8 !== 0)
      diags.push(err(`${bytes.length} bytes is not a whole number of 8-byte instructions`, { file, byteOffset: bytes.length - (bytes.length % 8) }, 'decode.length'));
    if (bytes.length === 0) diags.push(err('the file is empty', { file, byteOffset: 0 }, 'decode.length'));
    if (diags.length) return { kind: 'error', diagnostics: diags };
    return { kind: 'ebpf', program: p, diagnostics: [] };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { kind: 'error', diagnostics: [err('the file is neither UTF-8 text, an ELF object nor a .bin of instructions', { file, byteOffset: 0 }, 'cli.kind')] };
  }
  if (!opts.syntax && detectCbpf(text)) {
    const c = parseClassic(text);
    if (!c.classic) return { kind: 'error', diagnostics: c.diagnostics.map((d) => ({ ...d, loc: { ...d.loc, file } })) };
    return { kind: 'cbpf', classic: c.classic, diagnostics: [] };
  }
  const r = assemble(text, { syntax: opts.syntax ?? 'auto' });
  const diags = r.diagnostics.map((d) => ({ ...d, loc: { ...d.loc, file } }));
  if (!r.program || diags.some((d) => d.severity === 'error')) return { kind: 'error', diagnostics: diags };
  // The other code sections of an LLVM-dialect source, each assembled on its own. The assembler's warning
  // that it ignored them stays: commands other than `run` use only the first program.
  const { programs } = loadPrograms(text, r.program, r.syntax);
  return { kind: 'ebpf', program: r.program, programs, diagnostics: diags };
}
