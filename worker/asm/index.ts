// The assembler front door: picks the dialect (LLVM / kernel C-like syntax, or the ubpf /
// bpf_conformance mnemonic syntax), by request or by looking at the text, and runs that assembler.
// Detection reads the first instruction-like lines: `%r` registers and bare mnemonics (`mov`, `ldxw`,
// `jsgt`) mean ubpf; assignments (`r0 = `, `w1 += `), `if … goto`, `*(u32 *)` and `lock *(` mean llvm.
// When detection was automatic and the chosen dialect fails while the other assembles cleanly, the
// other one wins.
//
// It does not assemble anything itself (llvm/assemble.ts, ubpf/assemble.ts) nor handle classic BPF
// (worker/cbpf).

import type { ProgramResult } from '../isa/program';
import { assembleLlvm } from './llvm/assemble';
import { assembleUbpf } from './ubpf/assemble';
import { UBPF_FIRST_WORDS } from './ubpf/table';

import type { Syntax } from './disasm';
export type { Syntax };

const LLVM_SIGNS: readonly RegExp[] = [
  /^[rw]\d+\s*(?:=|\+=|-=|\*=|\/=|%=|&=|\|=|\^=|<<=|>>=|s>>=|s\/=|s%=)/,
  /^if\s/,
  /\bgoto\b/,
  /^gotol\b/,
  /\*\s*\(\s*u(?:8|16|32|64)\s*\*\s*\)/,
  /^lock\s*\*/,
  /\bll\s*$/,
  /^(?:be|le|bswap)(?:16|32|64)\s+r/,
  /^call\s+[A-Za-z_]\w*\s*$/,
  /^callx\s+r\d/,
  /^may_goto\b/,
];

/** Guesses the dialect from the first instruction-like lines (ties and no evidence mean llvm). */
export function detectSyntax(text: string): Syntax {
  let ubpf = 0;
  let llvm = 0;
  let seen = 0;
  for (const rawLine of text.split('\n')) {
    let line = rawLine.replace(/(#|\/\/|;).*$/, '').trim();
    line = line.replace(/^(?:[A-Za-z_.$][\w.$]*:\s*)+/, '').trim();
    if (!line || line.startsWith('.')) continue;
    const first = line.split(/[\s,]+/)[0]!.toLowerCase();
    if (first === 'exit') continue; // both dialects
    let vote: Syntax | null = null;
    if (/%r\d/.test(line) || /\[\s*%?r\d+\s*[+-]?[^\]]*\]/.test(line)) vote = 'ubpf';
    else if (LLVM_SIGNS.some((re) => re.test(line))) vote = 'llvm';
    else if (UBPF_FIRST_WORDS.has(first) || first === 'lock' || first === 'call') vote = 'ubpf';
    if (vote === 'ubpf') ubpf++;
    else if (vote === 'llvm') llvm++;
    if (vote && ++seen >= 20) break;
  }
  return ubpf > llvm ? 'ubpf' : 'llvm';
}

function run(syntax: Syntax, text: string): ProgramResult {
  return syntax === 'llvm' ? assembleLlvm(text) : assembleUbpf(text);
}

function failed(r: ProgramResult): boolean {
  return r.program === null || r.diagnostics.some((d) => d.severity === 'error');
}

/** Assembles text in the given dialect, or the detected one ('auto', the default). */
export function assemble(text: string, opts?: { syntax?: Syntax | 'auto' }): ProgramResult & { syntax: Syntax } {
  const requested = opts?.syntax ?? 'auto';
  if (requested !== 'auto') return { ...run(requested, text), syntax: requested };
  const guess = detectSyntax(text);
  const first = run(guess, text);
  if (!failed(first)) return { ...first, syntax: guess };
  const other: Syntax = guess === 'llvm' ? 'ubpf' : 'llvm';
  const second = run(other, text);
  if (!failed(second)) return { ...second, syntax: other };
  const note = `assembled as the ${guess} dialect (auto-detected; the ${other} dialect fails too)`;
  return { ...first, diagnostics: [...first.diagnostics, { severity: 'info', message: note, loc: { line: 1, col: 1 }, code: 'asm.dialect' }], syntax: guess };
}
