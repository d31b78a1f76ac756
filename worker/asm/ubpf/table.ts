// The ubpf / bpf_conformance mnemonic dialect's vocabulary, derived from the `ubpf` column of the
// one opcode table (worker/isa/opcodes.ts). Nothing here lists opcodes: it only indexes the ISA rows
// by their mnemonic and names the spelling variants that bpf_conformance's assembler also accepts
// (`add64` for `add`, `swap16` for `bswap16`, `callx %r2` for `call %r2`).
//
// It does not parse text (assemble.ts) nor print it (format.ts).

import { ISA, type IsaRow } from '../../isa/opcodes';

/** Mnemonic (as the ISA table spells it, e.g. 'add', 'lock fetch add32', 'call local') -> its rows. */
export const UBPF_ROWS: ReadonlyMap<string, readonly IsaRow[]> = (() => {
  const m = new Map<string, IsaRow[]>();
  for (const r of ISA) {
    if (r.ubpf === null) continue;
    const list = m.get(r.ubpf);
    if (list) list.push(r);
    else m.set(r.ubpf, [r]);
  }
  return m;
})();

/** Every first word the dialect knows (the mnemonics' first words plus accepted spellings). */
export const UBPF_FIRST_WORDS: ReadonlySet<string> = (() => {
  const s = new Set<string>();
  for (const k of UBPF_ROWS.keys()) s.add(k.split(' ')[0]!);
  for (const k of UBPF_ROWS.keys()) {
    const alias = aliasFor(k);
    if (alias) s.add(alias);
  }
  return s;
})();

/** The other spelling bpf_conformance accepts for a table mnemonic, if any. */
function aliasFor(mnemonic: string): string | null {
  const rows = UBPF_ROWS.get(mnemonic)!;
  const r = rows[0]!;
  if (r.kind === 'endian' && r.endian === 'bswap') return mnemonic.replace(/^bswap/, 'swap');
  if (r.kind === 'alu' && r.is64 && r.aluOp !== 'movsx') return `${mnemonic}64`;
  return null;
}

/**
 * The table mnemonic for a spelled mnemonic: 'add64' -> 'add', 'swap32' -> 'bswap32', 'neg64' -> 'neg'.
 * Returns null when the spelling is not part of the dialect.
 */
export function canonicalMnemonic(spelled: string): string | null {
  if (UBPF_ROWS.has(spelled)) return spelled;
  const sw = /^swap(16|32|64)$/.exec(spelled);
  if (sw) return `bswap${sw[1]}`;
  if (spelled.endsWith('64')) {
    const base = spelled.slice(0, -2);
    const rows = UBPF_ROWS.get(base);
    if (rows && rows[0]!.kind === 'alu' && rows[0]!.is64 && rows[0]!.aluOp !== 'movsx') return base;
  }
  return null;
}

/** The operand forms of a mnemonic, for error hints and hovers: 'jeq %rD, %rS|IMM, +OFF|LABEL'. */
export function usageOf(mnemonic: string): string | null {
  const m = canonicalMnemonic(mnemonic) ?? mnemonic;
  if (m === 'lock') return 'lock [fetch] add|or|and|xor[32] [%rD+OFF], %rS  or  lock xchg|cmpxchg[32] [%rD+OFF], %rS';
  if (m === 'call' || m === 'callx' || m === 'call local' || m === 'call runtime') return 'call IMM  or  call %rS  or  call local LABEL|+OFF  or  call runtime IMM';
  const rows = UBPF_ROWS.get(m);
  const r = rows?.[0];
  if (!r) return null;
  switch (r.kind) {
    case 'alu':
      if (r.aluOp === 'neg') return `${m} %rD`;
      if (r.aluOp === 'movsx') return `${m} %rD, %rS`;
      return `${m} %rD, %rS|IMM`;
    case 'endian':
      return `${m} %rD`;
    case 'jmp':
      return `${m} %rD, %rS|IMM, +OFF|-OFF|LABEL`;
    case 'ja':
      return `${m} +OFF|-OFF|LABEL`;
    case 'exit':
      return 'exit';
    case 'ldimm64':
      return `${m} %rD, IMM64|MAP|map_value(MAP, OFF)`;
    case 'ldx':
      return `${m} %rD, [%rS+OFF]`;
    case 'st':
      return `${m} [%rD+OFF], IMM`;
    case 'stx':
    case 'atomic':
      return `${m} [%rD+OFF], %rS`;
    case 'ldpkt':
      return (r.opcode & 0xe0) === 0x20 ? `${m} IMM` : `${m} %rS, IMM`;
    default:
      return null;
  }
}

/** Known first words within edit distance 2 of `word`, closest first (for "did you mean"). */
export function similarMnemonics(word: string): string[] {
  const dist = (a: string, b: string): number => {
    const d = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let prev = d[0]!;
      d[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const cur = d[j]!;
        d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = cur;
      }
    }
    return d[b.length]!;
  };
  if (word.length > 12) return [];
  return [...UBPF_FIRST_WORDS]
    .map((w) => [w, dist(word, w)] as const)
    .filter(([, n]) => n <= 2)
    .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
    .slice(0, 4)
    .map(([w]) => w);
}
