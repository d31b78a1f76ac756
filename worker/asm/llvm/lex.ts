// Lexer for the LLVM / kernel C-like BPF assembly dialect: strips comments (`#`, `//`, `;`, `/* */`
// across lines) while keeping columns, and splits a line into identifiers, numbers, strings and the
// operator tokens of the dialect (`s>>=`, `s<=`, `<<=`, `+=`, `==`, ...). Columns are 1-based, as
// llvm-mc reports them. It does not know instructions (parse.ts) nor encodings (assemble.ts).
//
// Differences from llvm-mc's lexer, on purpose: `;` starts a comment (the kernel's verifier log puts
// register states after `;`), where llvm-mc treats it as a statement separator; `name#12` (the
// kernel log's `call bpf_map_lookup_elem#1`) is one identifier token, not a comment.

export type TokKind = 'ident' | 'num' | 'str' | 'punct';

export interface Tok {
  kind: TokKind;
  text: string;
  /** 1-based column of the first character. */
  col: number;
  /** For numbers: the value (non-negative; a leading '-' is its own token). For strings: unused. */
  value?: bigint;
  /** For strings: the unescaped contents. */
  str?: string;
}

/** Comment state carried from one line to the next (inside a block comment or not). */
export interface CommentState {
  inBlock: boolean;
}

/**
 * Replaces comments by spaces so that columns stay put. `state` carries an open `/*` to the next line.
 */
export function stripComments(line: string, state: CommentState): string {
  let out = '';
  let i = 0;
  let inStr = false;
  while (i < line.length) {
    const c = line[i]!;
    if (state.inBlock) {
      if (c === '*' && line[i + 1] === '/') {
        state.inBlock = false;
        out += '  ';
        i += 2;
      } else {
        out += c === '\t' ? '\t' : ' ';
        i++;
      }
      continue;
    }
    if (inStr) {
      out += c;
      if (c === '\\' && i + 1 < line.length) {
        out += line[i + 1];
        i += 2;
        continue;
      }
      if (c === '"') inStr = false;
      i++;
      continue;
    }
    if (c === '"') {
      inStr = true;
      out += c;
      i++;
      continue;
    }
    if (c === '/' && line[i + 1] === '*') {
      state.inBlock = true;
      out += '  ';
      i += 2;
      continue;
    }
    if ((c === '/' && line[i + 1] === '/') || c === ';') break;
    if (c === '#') {
      // `bpf_map_lookup_elem#1` (kernel verifier log) keeps its '#'.
      const prev = line[i - 1];
      const next = line[i + 1];
      if (!(prev !== undefined && /[A-Za-z0-9_]/.test(prev) && next !== undefined && /[0-9]/.test(next))) break;
    }
    out += c;
    i++;
  }
  return out;
}

const PUNCTS = [
  's>>=', '<<=', '>>=', 's/=', 's%=', 's<=', 's>=',
  '==', '!=', '<=', '>=', '+=', '-=', '*=', '/=', '%=', '|=', '&=', '^=', 's<', 's>',
  '=', '(', ')', '*', '+', '-', '[', ']', ',', ':', '<', '>', '&', '|', '^', '/', '%', '~', '!', '@', '{', '}',
];

export type LexResult = { toks: Tok[] } | { error: string; col: number };

/** Splits a comment-free line into tokens. */
export function lexLine(s: string): LexResult {
  const toks: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
      i++;
      continue;
    }
    const col = i + 1;
    // Signed operators start with the letter s: `s>=`, `s>>=`, `s/=`, ... only when s stands alone.
    if (c === 's' && !/[A-Za-z0-9_.$]/.test(s[i + 1] ?? ' ') && (i === 0 || !/[A-Za-z0-9_.$]/.test(s[i - 1]!))) {
      let j = i + 1;
      while (s[j] === ' ' || s[j] === '\t') j++;
      const rest = s.slice(j);
      const op = ['>>=', '/=', '%=', '<=', '>=', '<', '>'].find((p) => rest.startsWith(p));
      if (op && j === i + 1) {
        toks.push({ kind: 'punct', text: 's' + op, col });
        i = j + op.length;
        continue;
      }
    }
    if (/[A-Za-z_.$]/.test(c)) {
      let j = i + 1;
      while (j < s.length && /[A-Za-z0-9_.$]/.test(s[j]!)) j++;
      // kernel log helper form name#id
      if (s[j] === '#' && /[0-9]/.test(s[j + 1] ?? '')) {
        j++;
        while (j < s.length && /[0-9]/.test(s[j]!)) j++;
      }
      toks.push({ kind: 'ident', text: s.slice(i, j), col });
      i = j;
      continue;
    }
    if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < s.length && /[A-Za-z0-9_]/.test(s[j]!)) j++;
      const text = s.slice(i, j);
      const v = parseNumber(text);
      if (v === null) return { error: `invalid number ${text}`, col };
      toks.push({ kind: 'num', text, col, value: v });
      i = j;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let str = '';
      let closed = false;
      while (j < s.length) {
        const d = s[j]!;
        if (d === '"') {
          closed = true;
          j++;
          break;
        }
        if (d === '\\' && j + 1 < s.length) {
          const e = s[j + 1]!;
          const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', '"': '"' };
          str += map[e] ?? e;
          j += 2;
          continue;
        }
        str += d;
        j++;
      }
      if (!closed) return { error: 'unterminated string', col };
      toks.push({ kind: 'str', text: s.slice(i, j), col, str });
      i = j;
      continue;
    }
    const p = PUNCTS.find((x) => s.startsWith(x, i) && !/^s/.test(x));
    if (p) {
      toks.push({ kind: 'punct', text: p, col });
      i += p.length;
      continue;
    }
    return { error: `unexpected character '${c}'`, col };
  }
  return { toks };
}

/** Decimal, 0x hex, 0b binary or 0o/leading-0 octal, as llvm-mc reads integers. */
export function parseNumber(text: string): bigint | null {
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) return BigInt(text);
  if (/^0[bB][01]+$/.test(text)) return BigInt(text);
  if (/^0[0-7]+$/.test(text)) return BigInt('0o' + text.slice(1));
  if (/^0[0-9]+$/.test(text)) return null; // 08, 09: not octal
  if (/^0[oO][0-7]+$/.test(text)) return BigInt(text);
  if (/^[0-9]+$/.test(text)) return BigInt(text);
  return null;
}
