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
