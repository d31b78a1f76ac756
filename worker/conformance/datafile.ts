// Parser for the `.data` test files of bpf_conformance (lib/src/bpf_test_parser.cc) and uBPF
// (test_framework/testdata.py), in either flavour:
//   'bpf_conformance': `#` comments are removed first; a line containing `--` is a header whose kind is
//                      found by substring (asm, result, mem, raw, no register offset, ` c`, error, in that
//                      order); any other header makes the runner skip the file.
//   'ubpf':            a line starting with `--` is a header named exactly by the text after it;
//                      `-- name @ file` reads the section from a file beside the .data file; duplicate
//                      sections are errors; `mem` lines drop everything up to the last `:` and read
//                      2-hex-digit groups.
// `raw` is one 64-bit number per token, except the byte-wise form of bpf_conformance's negative/unused-*
// files (8 two-digit hex bytes per line, memory order), which is detected and read as bytes.
// It returns plain data plus diagnostics; it never throws and reads no files itself (includes come
// through a callback). It does not assemble or run anything (runner.ts).

import { u64ToSlot, readSlot, type Slot } from '../isa/insn';
import { err, warn, type Diagnostic } from '../util/diag';

export type Flavour = 'bpf_conformance' | 'ubpf';

/** A section's text with where it came from, so assembler diagnostics can point into the file. */
export interface SectionText {
  text: string;
  /** File the text is in (the .data file, or the `@` include). */
  file: string;
  /** 1-based line of the text's first line in that file. */
  firstLine: number;
}

export interface DataFile {
  flavour: Flavour;
  file: string;
  asm: SectionText | null;
  raw: { slots: Slot[]; byteWise: boolean } | null;
  mem: Uint8Array | null;
  /** Expected full 64-bit r0. */
  result: bigint | null;
  /** Expected error text (exact); '' means "any error" (bpf_conformance negative/unused-*). */
  error: string | null;
  /** uBPF `-- error pattern`: a regular expression over the runtime's error output. */
  errorPattern: string | null;
  noJit: string | null;
  description: string | null;
  c: string | null;
  pyelf: string | null;
  noRegisterOffset: boolean;
  reload: boolean;
  unload: boolean;
  /** Headers the flavour does not know (bpf_conformance skips such files). */
  unknownHeaders: string[];
  diagnostics: Diagnostic[];
}

export interface ParseOptions {
  flavour: Flavour;
  /** Name for locations, e.g. 'ubpf/tcp-sack/match.data'. */
  file?: string;
  /** Reads a file named in `-- section @ name`, relative to the .data file; null when missing. */
  readInclude?: (name: string) => string | null;
}

type Kind = 'asm' | 'raw' | 'mem' | 'result' | 'error' | 'error pattern' | 'no jit' | 'description' | 'c' | 'pyelf'
  | 'reload' | 'unload' | 'no register offset';

const UBPF_KINDS: readonly Kind[] = ['asm', 'raw', 'mem', 'result', 'error', 'error pattern', 'no jit', 'description', 'c', 'pyelf', 'reload', 'unload', 'no register offset'];
/** bpf_test_parser.cc's substring order. */
const CONFORMANCE_KINDS: readonly [string, Kind][] = [['asm', 'asm'], ['result', 'result'], ['mem', 'mem'], ['raw', 'raw'], ['no register offset', 'no register offset'], [' c', 'c'], ['error', 'error']];

interface Section {
  kind: Kind;
  lines: { text: string; line: number }[];
  file: string;
  headerLine: number;
}

export function parseDataFile(text: string, opts: ParseOptions): DataFile {
  const file = opts.file ?? '<data>';
  const df: DataFile = {
    flavour: opts.flavour, file, asm: null, raw: null, mem: null, result: null, error: null, errorPattern: null,
    noJit: null, description: null, c: null, pyelf: null, noRegisterOffset: false, reload: false, unload: false,
    unknownHeaders: [], diagnostics: [],
  };
  const sections: Section[] = [];
  let cur: Section | null = null;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let line = lines[i]!.replace(/\r$/, '');
    if (opts.flavour === 'bpf_conformance') {
      const h = line.indexOf('#');
      if (h >= 0) line = line.slice(0, h);
      if (line.includes('--')) {
        const kind = CONFORMANCE_KINDS.find(([needle]) => line.includes(needle))?.[1];
        if (!kind) {
          df.unknownHeaders.push(line.trim());
          cur = null;
          continue;
        }
        cur = { kind, lines: [], file, headerLine: lineNo };
        sections.push(cur);
        continue;
      }
    } else if (line.startsWith('--')) {
      const spec = line.slice(2).trim();
      const at = /^(.*?)\s*@\s*(\S+)\s*$/.exec(spec);
      const name = (at ? at[1]! : spec) as Kind;
      if (!UBPF_KINDS.includes(name)) {
        df.unknownHeaders.push(spec);
        df.diagnostics.push(warn(`unknown section "-- ${spec}"`, { file, line: lineNo }, 'data.header'));
        cur = null;
        continue;
      }
      if (sections.some((s) => s.kind === name)) {
        df.diagnostics.push(err(`duplicate section "-- ${name}"`, { file, line: lineNo }, 'data.duplicate'));
        cur = null;
        continue;
      }
      cur = { kind: name, lines: [], file, headerLine: lineNo };
      sections.push(cur);
      if (at) {
        const inc = at[2]!;
        const content = opts.readInclude ? opts.readInclude(inc) : null;
        if (content === null) {
          df.diagnostics.push(err(`cannot read "${inc}" named by "-- ${spec}"`, { file, line: lineNo }, 'data.include'));
        } else {
          cur.file = inc;
          content.split('\n').forEach((l, k) => cur!.lines.push({ text: l.replace(/\r$/, ''), line: k + 1 }));
        }
        cur = null; // lines after an include header belong to no section
      }
      continue;
    } else if (opts.flavour === 'ubpf' && /^\s*#/.test(line)) {
      continue;
    }
    if (cur) cur.lines.push({ text: line, line: lineNo });
  }

  // bpf_conformance: later sections of the same kind replace earlier ones (its parser overwrites).
  const byKind = new Map<Kind, Section>();
  for (const s of sections) byKind.set(s.kind, s);
  for (const s of byKind.values()) readSection(df, s);
  return df;
}

function nonEmpty(s: Section): { text: string; line: number }[] {
  return s.lines.filter((l) => l.text.trim() !== '');
}

function stripHash(t: string): string {
  const h = t.indexOf('#');
  return h >= 0 ? t.slice(0, h) : t;
}

function readSection(df: DataFile, s: Section): void {
  const loc = (line: number) => ({ file: s.file, line });
  switch (s.kind) {
    case 'asm': {
      // Keep blank and comment lines so assembler line numbers map back onto the file.
      const first = s.lines[0]?.line ?? s.headerLine + 1;
      df.asm = { text: s.lines.map((l) => l.text).join('\n'), file: s.file, firstLine: first };
      return;
    }
    case 'raw': {
      const lines = nonEmpty(s).map((l) => ({ ...l, toks: stripHash(l.text).trim().split(/\s+/).filter(Boolean) }));
      const byteWise = lines.length > 0 && lines.every((l) => l.toks.length === 8 && l.toks.every((t) => /^[0-9a-fA-F]{2}$/.test(t)));
      const slots: Slot[] = [];
      if (byteWise) {
        for (const l of lines) slots.push(readSlot(Uint8Array.from(l.toks.map((t) => parseInt(t, 16))), 0));
      } else {
        for (const l of lines) {
          for (const t of l.toks) {
            const v = parseInteger(t);
            if (v === null || v < -(1n << 63n) || v >= 1n << 64n) {
              df.diagnostics.push(err(`invalid raw instruction "${t}" (expected a 64-bit number)`, loc(l.line), 'data.raw'));
              continue;
            }
            slots.push(u64ToSlot(v));
          }
        }
      }
      df.raw = { slots, byteWise };
      return;
    }
    case 'mem': {
      const bytes: number[] = [];
      for (const l of nonEmpty(s)) {
        let t = stripHash(l.text);
        if (df.flavour === 'ubpf') {
          const colon = t.lastIndexOf(':');
          if (colon >= 0) t = t.slice(colon + 1);
          const digits = t.replace(/\s+/g, '');
          if (!/^([0-9a-fA-F]{2})*$/.test(digits)) {
            df.diagnostics.push(err('invalid mem line (expected pairs of hex digits)', loc(l.line), 'data.mem'));
            continue;
          }
          for (let k = 0; k < digits.length; k += 2) bytes.push(parseInt(digits.slice(k, k + 2), 16));
        } else {
          for (const tok of t.trim().split(/\s+/).filter(Boolean)) {
            if (!/^[0-9a-fA-F]{1,2}$/.test(tok)) {
              df.diagnostics.push(err(`invalid mem byte "${tok}" (expected one or two hex digits)`, loc(l.line), 'data.mem'));
              continue;
            }
            bytes.push(parseInt(tok, 16));
          }
        }
      }
      df.mem = Uint8Array.from(bytes);
      return;
    }
    case 'result': {
      const ls = nonEmpty(s);
      const last = ls[ls.length - 1];
      if (!last) {
        df.diagnostics.push(err('empty result section', loc(s.headerLine), 'data.result'));
        return;
      }
      const t = stripHash(last.text).trim();
      let v: bigint | null;
      if (df.flavour === 'bpf_conformance') v = t.includes('0x') || t.includes('0X') ? parseHex(t) : /^\d+$/.test(t) ? BigInt(t) : null;
      else v = parseInteger(t);
      if (v === null || v < -(1n << 63n) || v >= 1n << 64n) {
        df.diagnostics.push(err(`invalid result "${t}" (expected a 64-bit number)`, loc(last.line), 'data.result'));
        return;
      }
      df.result = BigInt.asUintN(64, v);
      return;
    }
    case 'error':
      df.error = text(s);
      return;
    case 'error pattern':
      df.errorPattern = text(s);
      return;
    case 'no jit':
      df.noJit = text(s);
      return;
    case 'description':
      df.description = text(s);
      return;
    case 'c':
      df.c = s.lines.map((l) => l.text).join('\n');
      return;
    case 'pyelf':
      df.pyelf = s.lines.map((l) => l.text).join('\n');
      return;
    case 'no register offset':
      df.noRegisterOffset = true;
      return;
    case 'reload':
      df.reload = true;
      return;
    case 'unload':
      df.unload = true;
      return;
  }
}

function text(s: Section): string {
  return nonEmpty(s).map((l) => l.text.trim()).join('\n').trim();
}

/** Python int(x, 0)-like: 0x/0o/0b prefixes, optional sign. */
export function parseInteger(t: string): bigint | null {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|[0-9]+)$/.exec(t.replace(/_/g, ''));
  if (!m) return null;
  const v = BigInt(m[2]!);
  return m[1] === '-' ? -v : v;
}

function parseHex(t: string): bigint | null {
  const m = /^0[xX]([0-9a-fA-F]+)$/.exec(t);
  return m ? BigInt('0x' + m[1]) : null;
}
