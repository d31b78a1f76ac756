// Printer for the ubpf / bpf_conformance mnemonic dialect: the inverse of assemble.ts. Every decoded
// instruction prints as text that assembleUbpf turns back into the same slots; shapes the dialect has
// no mnemonic for (may_goto, addr_space_cast, load-acquire/store-release, ld_imm64 pseudo sources
// without a map, kfunc calls with a module offset) print as a `.raw` directive with a comment.
// Mnemonics come from the ISA table's `ubpf` column. Immediates print as signed decimal (lddw as hex).
//
// It does not decode bytes (worker/isa/insn.ts) nor lay out a listing with addresses (the disassembler).

import type { Insn } from '../../isa/insn';
import { encodeInsn, slotToU64 } from '../../isa/insn';
import type { Program } from '../../isa/program';
import { assertNever } from '../../util/diag';

const r = (n: number): string => `%r${n}`;

function signed(n: number): string {
  return n < 0 ? `-${-n}` : `+${n}`;
}

function mem(base: number, off: number): string {
  return off === 0 ? `[${r(base)}]` : `[${r(base)}${signed(off)}]`;
}

/** Label at slot `target`, if the program has one (first in insertion order). */
function labelAt(p: Program | undefined, target: number): string | null {
  if (!p) return null;
  for (const [name, slot] of Object.entries(p.labels)) if (slot === target && /^[A-Za-z_.$][\w.$]*$/.test(name)) return name;
  return null;
}

function target(i: Insn, delta: number, p: Program | undefined): string {
  return labelAt(p, i.pc + 1 + delta) ?? signed(delta);
}

function raw(i: Insn, why: string): string {
  const slots = encodeInsn(i);
  return `.raw ${slots.map((s) => '0x' + slotToU64(s).toString(16).padStart(16, '0')).join(' ')} # ${why}`;
}

/** One instruction in ubpf syntax. With `p`, jump targets and map references print by name. */
export function formatInsnUbpf(i: Insn, p?: Program): string {
  const m = i.row.ubpf;
  switch (i.kind) {
    case 'alu':
      if (m === null) return raw(i, i.row.id);
      if (i.op === 'neg') return `${m} ${r(i.dst)}`;
      return `${m} ${r(i.dst)}, ${i.srcX ? r(i.src) : String(i.imm)}`;
    case 'endian':
      return `${m} ${r(i.dst)}`;
    case 'jmp':
      return `${m} ${r(i.dst)}, ${i.srcX ? r(i.src) : String(i.imm)}, ${target(i, i.off, p)}`;
    case 'ja':
      return `${m} ${target(i, i.delta, p)}`;
    case 'may_goto':
      return raw(i, `may_goto ${signed(i.off)}`);
    case 'call':
      if (i.callKind === 'helper') return `call ${i.imm}`;
      if (i.callKind === 'local') return `call local ${target(i, i.imm, p)}`;
      return i.off === 0 ? `call runtime ${i.imm}` : raw(i, `kfunc ${i.imm} in module BTF ${i.off}`);
    case 'callx':
      return `call ${r(i.dst)}`;
    case 'exit':
      return 'exit';
    case 'ldimm64': {
      const map = p?.maps[i.imm];
      if (i.pseudo === 0) return `lddw ${r(i.dst)}, 0x${i.value.toString(16)}`;
      if (i.pseudo === 1 && map && i.imm2 === 0) return `lddw ${r(i.dst)}, ${map.name}`;
      if (i.pseudo === 2 && map && i.imm2 >= 0) return `lddw ${r(i.dst)}, map_value(${map.name}${i.imm2 === 0 ? '' : `, ${i.imm2}`})`;
      return raw(i, i.row.id);
    }
    case 'ldx':
    case 'ldpkt':
      if (i.kind === 'ldpkt') return i.mode === 'abs' ? `${m} ${i.imm}` : `${m} ${r(i.src)}, ${i.imm}`;
      return `${m} ${r(i.dst)}, ${mem(i.src, i.off)}`;
    case 'st':
      return `${m} ${mem(i.dst, i.off)}, ${i.imm}`;
    case 'stx':
      return `${m} ${mem(i.dst, i.off)}, ${r(i.src)}`;
    case 'atomic':
      if (m === null) return raw(i, i.row.id);
      return `${m} ${mem(i.dst, i.off)}, ${r(i.src)}`;
    default:
      return assertNever(i, 'instruction');
  }
}

/**
 * A whole program as ubpf text: `.map` directives, label lines, one instruction per line.
 * Slots that do not decode print as `.raw` lines, so the text always reassembles to the same slots.
 * `insns` is decodeSlots(p.slots).insns (passed in so callers that already decoded do not decode twice).
 */
export function formatProgramUbpf(p: Program, insns: readonly (Insn | null)[]): string {
  const out: string[] = [];
  if (p.section !== undefined && /^\S+$/.test(p.section)) out.push(`.section ${p.section}`);
  if (p.license !== undefined && !p.license.includes('"')) out.push(`.license "${p.license}"`);
  for (const m of p.maps) {
    out.push(`.map ${m.name} ${m.type} key=${m.keySize} value=${m.valueSize} entries=${m.maxEntries}${m.flags ? ` flags=${m.flags}` : ''}`);
  }
  const byslot = new Map<number, string[]>();
  for (const [name, slot] of Object.entries(p.labels)) {
    if (!/^[A-Za-z_.$][\w.$]*$/.test(name)) continue;
    const l = byslot.get(slot);
    if (l) l.push(name);
    else byslot.set(slot, [name]);
  }
  for (let pc = 0; pc < p.slots.length; pc++) {
    for (const name of byslot.get(pc) ?? []) out.push(`${name}:`);
    const i = insns[pc];
    if (i) {
      out.push(formatInsnUbpf(i, p));
      if (i.kind === 'ldimm64') pc++;
    } else {
      out.push(`.raw 0x${slotToU64(p.slots[pc]!).toString(16).padStart(16, '0')}`);
    }
  }
  for (const name of byslot.get(p.slots.length) ?? []) out.push(`${name}:`);
  return out.join('\n') + '\n';
}
