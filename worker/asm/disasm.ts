// Disassembler: Program -> text, in the LLVM / kernel C-like syntax exactly as `llvm-objdump-19 -d`
// prints it (goldens in worker/asm/goldens/llvm, recorded by scripts/record-llvm-goldens.ts), or in
// the ubpf mnemonic syntax (worker/asm/ubpf/format.ts).
//
// Two forms of the LLVM text:
//  - formatInsnLlvm: one instruction, as objdump prints it (with --mcpu=v4 by default, or the generic
//    CPU of plain `llvm-objdump-19 -d`), except where objdump's text loses bits; there it prints a
//    form that assembleLlvm reads back to the same bytes: local calls `call pc+N` (objdump: `call N`),
//    kfunc calls `call kfunc(ID[, OFF])`, `ld_pseudo r1, SRC, IMM, IMM2` when IMM2 is not 0,
//    `skb[rN + IMM]` when IMM is not 0, map references by name when the program has maps, and
//    LLVM 20's `load_acquire`/`store_release` (objdump-19 has none).
//  - objdumpText: the whole listing byte for byte as plain `llvm-objdump-19 -d` prints it (or with
//    --mcpu=v4 on request): symbol headers, `<sym+0x..>` jump annotations, `<unknown>` for what
//    objdump cannot decode (without --mcpu=v4 that includes most 32-bit atomics), and objdump-19's
//    reading of what it predates (load-acquire as `lock ... +=`, store-release as `<unknown>`).
//    Where the decoder (worker/isa/insn.ts) rejects reserved fields that objdump ignores, the listing
//    says `<unknown>` and objdump may print an instruction.
// disassemble() gives per-slot lines for the UI, with labels for jump and call targets, and never
// throws: undecodable slots become `.8byte 0x...` lines with an error.
// It does not validate programs (worker/verifier) nor assemble (worker/asm/llvm).

import { HELPER_NAMES } from '../helpers/ids.generated';
import { decodeSlots, encodeInsn, slotsToBytes, slotToU64, type Insn, type Slot } from '../isa/insn';
import type { AluOp, JmpCond } from '../isa/opcodes';
import type { MapDef, Program } from '../isa/program';
import { BPF_F_MMAPABLE, BPF_F_RDONLY_PROG, isGlobalDataSection } from '../elf/format';
import { assertNever, bugDiagnostic, type Diagnostic } from '../util/diag';
import { formatInsnUbpf } from './ubpf/format';

export type Syntax = 'llvm' | 'ubpf';

export interface DisasmLine {
  /** Slot index. */
  pc: number;
  /** The instruction's bytes in hex, "b7 00 00 00 01 00 00 00" (16 bytes for ld_imm64). */
  bytes: string;
  text: string;
  /** Label defined at this slot, if any. */
  label?: string;
  error?: string;
}

/** Which llvm-objdump CPU the text follows: `--mcpu=v4` (w registers for 32-bit memory ops) or the generic default. */
export type ObjdumpCpu = 'v4' | 'generic';

export interface FormatOptions {
  mcpu?: ObjdumpCpu;
  /** Print exactly objdump's text even where it loses bits (objdumpText uses this). */
  objdump?: boolean;
  /** Helper calls as the kernel log writes them, `call bpf_map_lookup_elem#1` (assembleLlvm reads it back). */
  helperNames?: boolean;
  /** Name for the slot a jump or local call lands on; when it returns a name, the text uses it instead of the offset. */
  labelFor?: (slot: number) => string | undefined;
}

const ALU_TOK: Record<Exclude<AluOp, 'neg' | 'movsx' | 'addr_space_cast'>, string> = {
  add: '+=', sub: '-=', mul: '*=', div: '/=', sdiv: 's/=', or: '|=', and: '&=', lsh: '<<=', rsh: '>>=',
  mod: '%=', smod: 's%=', xor: '^=', mov: '=', arsh: 's>>=',
};
const COND_TOK: Record<JmpCond, string> = {
  jeq: '==', jgt: '>', jge: '>=', jset: '&', jne: '!=', jsgt: 's>', jsge: 's>=', jlt: '<', jle: '<=', jslt: 's<', jsle: 's<=',
};
const ATOMIC_TOK: Record<string, string> = { add: '+=', or: '|=', and: '&=', xor: '^=' };

/** A signed number as LLVM's BPF printer writes it: 0x1f, -0x1f. */
export function hexImm(n: number | bigint): string {
  if (typeof n === 'number') return n < 0 ? `-0x${(-n).toString(16)}` : `0x${n.toString(16)}`;
  const b = n;
  return b < 0n ? `-0x${(-b).toString(16)}` : `0x${b.toString(16)}`;
}
function signedOff(n: number): string {
  return n < 0 ? `-0x${(-n).toString(16)}` : `+0x${n.toString(16)}`;
}
function memOp(base: number, off: number): string {
  return off < 0 ? `r${base} - 0x${(-off).toString(16)}` : `r${base} + 0x${off.toString(16)}`;
}

/** One instruction in the LLVM syntax (see the module comment for where it differs from objdump and why). */
export function formatInsnLlvm(i: Insn, p?: Program, opts: FormatOptions = {}): string {
  const v4 = (opts.mcpu ?? 'v4') === 'v4';
  const exact = opts.objdump === true;
  const jumpTo = (delta: number): string => {
    const name = opts.labelFor?.(i.pc + 1 + delta);
    return name ?? signedOff(delta);
  };
  switch (i.kind) {
    case 'alu': {
      const R = i.is64 ? 'r' : 'w';
      if (i.op === 'neg') return `${R}${i.dst} = -${R}${i.dst}`;
      if (i.op === 'movsx') return `${R}${i.dst} = (s${i.off})${R}${i.src}`;
      if (i.op === 'addr_space_cast') return `r${i.dst} = addr_space_cast(r${i.src}, ${hexImm((i.imm >>> 16) & 0xffff)}, ${hexImm(i.imm & 0xffff)})`;
      return `${R}${i.dst} ${ALU_TOK[i.op]} ${i.srcX ? R + i.src : hexImm(i.imm)}`;
    }
    case 'endian':
      return `r${i.dst} = ${i.op}${i.bits} r${i.dst}`;
    case 'jmp': {
      const R = i.is64 ? 'r' : 'w';
      return `if ${R}${i.dst} ${COND_TOK[i.cond]} ${i.srcX ? R + i.src : hexImm(i.imm)} goto ${jumpTo(i.off)}`;
    }
    case 'ja':
      return `${i.long ? 'gotol' : 'goto'} ${jumpTo(i.delta)}`;
    case 'may_goto':
      return `may_goto ${jumpTo(i.off)}`;
    case 'call':
      if (!exact && i.callKind === 'helper' && opts.helperNames && i.imm > 0 && HELPER_NAMES[i.imm]) return `call bpf_${HELPER_NAMES[i.imm]}#${i.imm}`;
      if (exact || i.callKind === 'helper') return `call ${hexImm(i.imm)}`;
      if (i.callKind === 'local') {
        const name = opts.labelFor?.(i.pc + 1 + i.imm);
        return name ? `call ${name}` : `call pc${i.imm < 0 ? '-' : '+'}${Math.abs(i.imm)}`;
      }
      return i.off ? `call kfunc(${hexImm(i.imm)}, ${hexImm(i.off)})` : `call kfunc(${hexImm(i.imm)})`;
    case 'callx':
      return `callx r${i.dst}`;
    case 'exit':
      return 'exit';
    case 'ldimm64': {
      if (i.pseudo === 0) return `r${i.dst} = ${hexImm(BigInt.asIntN(64, i.value))} ll`;
      const map = (i.pseudo === 1 || i.pseudo === 2) && !exact ? p?.maps[i.imm] : undefined;
      if (map && /^[A-Za-z_.][\w.]*$/.test(map.name)) {
        if (i.pseudo === 1 && i.imm2 === 0) return `r${i.dst} = ${map.name} ll`;
        if (i.pseudo === 2 && i.imm2 >= 0) return `r${i.dst} = map_value(${map.name}, ${hexImm(i.imm2)}) ll`;
      }
      if (i.pseudo === 4 && !exact && i.imm2 === 0) {
        // BPF_PSEUDO_FUNC: a function's address, by name when the target has one.
        const name = opts.labelFor?.(i.pc + 1 + i.imm);
        if (name) return `r${i.dst} = ${name} ll`;
      }
      // objdump prints the pseudo's imm unsigned.
      if (i.imm2 !== 0 && !exact) return `ld_pseudo\tr${i.dst}, ${hexImm(i.pseudo)}, ${hexImm(i.imm >>> 0)}, ${hexImm(i.imm2 >>> 0)}`;
      return `ld_pseudo\tr${i.dst}, ${hexImm(i.pseudo)}, ${hexImm(i.imm >>> 0)}`;
    }
    case 'ldx': {
      const d = i.sx || i.size === 8 || !v4 ? 'r' : 'w';
      return `${d}${i.dst} = *(${i.sx ? 's' : 'u'}${i.size * 8} *)(${memOp(i.src, i.off)})`;
    }
    case 'st':
      return `*(u${i.size * 8} *)(${memOp(i.dst, i.off)}) = ${hexImm(i.imm)}`;
    case 'stx':
      return `*(u${i.size * 8} *)(${memOp(i.dst, i.off)}) = ${i.size === 8 || !v4 ? 'r' : 'w'}${i.src}`;
    case 'atomic': {
      const u = `u${i.size * 8}`;
      const R = i.size === 8 ? 'r' : 'w';
      if (exact && (i.op === 'load_acquire' || i.op === 'store_release')) {
        // objdump-19 has no load-acquire/store-release: it matches BPF_ADD on the low byte of imm
        // (0x100 -> `lock ... +=` for u32/u64), and knows no 8/16-bit atomics nor imm 0x110.
        if (i.op === 'store_release' || i.size < 4) return '<unknown>';
        return `lock *(${u} *)(${memOp(i.dst, i.off)}) += ${i.size === 8 || !v4 ? 'r' : 'w'}${i.src}`;
      }
      if (i.op === 'load_acquire') return `${R}${i.dst} = load_acquire((${u} *)(${memOp(i.src, i.off)}))`;
      if (i.op === 'store_release') return `store_release((${u} *)(${memOp(i.dst, i.off)}), ${R}${i.src})`;
      if (i.size === 4 && !v4) {
        // Without alu32, llvm-objdump-19 decodes only BPF_ADD (with or without BPF_FETCH) of the 32-bit atomics.
        if (exact && (i.op === 'add' || i.op === 'fetch_add')) return `lock *(u32 *)(${memOp(i.dst, i.off)}) += r${i.src}`;
        if (exact) return '<unknown>';
      }
      if (i.op in ATOMIC_TOK) return `lock *(${u} *)(${memOp(i.dst, i.off)}) ${ATOMIC_TOK[i.op]} ${R}${i.src}`;
      if (i.op.startsWith('fetch_')) return `${R}${i.src} = atomic_${i.op}((${u} *)(${memOp(i.dst, i.off)}), ${R}${i.src})`;
      const sfx = i.size === 8 ? '_64' : '32_32';
      if (i.op === 'xchg') return `${R}${i.src} = xchg${sfx}(${memOp(i.dst, i.off)}, ${R}${i.src})`;
      if (i.op === 'cmpxchg') return `${R}0 = cmpxchg${sfx}(${memOp(i.dst, i.off)}, ${R}0, ${R}${i.src})`;
      return assertNever(i.op as never, 'atomic op');
    }
    case 'ldpkt': {
      const u = `u${i.size * 8}`;
      if (i.mode === 'abs') return `r0 = *(${u} *)skb[${hexImm(i.imm)}]`;
      if (i.imm === 0 || exact) return `r0 = *(${u} *)skb[r${i.src}]`;
      return `r0 = *(${u} *)skb[r${i.src} ${i.imm < 0 ? '-' : '+'} 0x${Math.abs(i.imm).toString(16)}]`;
    }
  }
  return assertNever(i, 'instruction');
}

const HEX2 = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

function bytesHex(slots: readonly Slot[]): string {
  const b = slotsToBytes(slots);
  let out = '';
  for (let k = 0; k < b.length; k++) out += (k ? ' ' : '') + HEX2[b[k]!]!;
  return out;
}

/**
 * The program's own label for each slot: a function name first, then a name that is not assembler-local
 * (`.L...`), and among equals the greatest name (objdump's choice among symbols at one address).
 */
function labelsBySlot(p: Program): Map<number, string> {
  const m = new Map<number, string>();
  const rank = (n: string): number => (n.startsWith('.L') ? 0 : 1);
  for (const [name, slot] of Object.entries(p.labels)) {
    const cur = m.get(slot);
    if (cur === undefined || rank(name) > rank(cur) || (rank(name) === rank(cur) && name > cur)) m.set(slot, name);
  }
  for (const [slot, name] of Object.entries(p.funcs ?? {})) m.set(Number(slot), name);
  return m;
}

const LABEL_NAME = /^[A-Za-z_.$][A-Za-z0-9_.$]*$/;

/**
 * Per-slot lines in the chosen syntax. With labels (the default), jump and call targets print as
 * label names (the program's, or LBB0_<slot> / func_<slot> made up), so the text assembles back.
 */
export function disassemble(p: Program, opts: { syntax?: Syntax; labels?: boolean; helperNames?: boolean } = {}): { lines: DisasmLine[]; diagnostics: Diagnostic[] } {
  const { lines, diagnostics } = disasmLines(p, opts);
  return { lines, diagnostics };
}

/** disassemble(), plus the label of the end of the program when something jumps there. */
function disasmLines(p: Program, opts: { syntax?: Syntax; labels?: boolean; helperNames?: boolean }): { lines: DisasmLine[]; diagnostics: Diagnostic[]; endLabel?: string } {
  const syntax = opts.syntax ?? 'llvm';
  const useLabels = opts.labels ?? true;
  const lines: DisasmLine[] = [];
  let diagnostics: Diagnostic[] = [];
  let endLabel: string | undefined;
  try {
    const dec = decodeSlots(p.slots);
    diagnostics = dec.diagnostics;
    const errAt = new Map<number, string>();
    for (const d of dec.diagnostics) if (d.loc.insn !== undefined && !errAt.has(d.loc.insn)) errAt.set(d.loc.insn, d.message);
    const names = labelsBySlot(p);
    const made = new Map<number, string>();
    const taken = new Set<string>([...Object.keys(p.labels), ...Object.values(p.funcs ?? {})]);
    const fresh = (base: string): string => {
      let n = base;
      for (let k = 1; taken.has(n); k++) n = `${base}_${k}`;
      taken.add(n);
      return n;
    };
    if (useLabels) {
      for (const i of dec.insns) {
        if (!i) continue;
        let t: number | null = null;
        let isCall = false;
        if (i.kind === 'jmp' || i.kind === 'may_goto') t = i.pc + 1 + i.off;
        else if (i.kind === 'ja') t = i.pc + 1 + i.delta;
        else if ((i.kind === 'call' && i.callKind === 'local') || (i.kind === 'ldimm64' && i.pseudo === 4 && i.imm2 === 0)) {
          t = i.pc + 1 + i.imm;
          isCall = true;
        }
        if (t === null || t < 0 || t > p.slots.length) continue;
        const own = names.get(t);
        if (own && LABEL_NAME.test(own) && !/^[rw]\d+$/.test(own)) continue;
        if (!made.has(t)) made.set(t, fresh(isCall ? `func_${t}` : `LBB0_${t}`));
      }
    }
    // Only slots where an instruction starts (or the end) can carry a label; a jump into the second
    // half of an ld_imm64 keeps its numeric offset.
    const starts = new Set<number>([p.slots.length]);
    for (let pc = 0; pc < p.slots.length; pc++) {
      starts.add(pc);
      if (dec.insns[pc]?.kind === 'ldimm64') pc++;
    }
    const targets = new Set<number>();
    for (const i of dec.insns) {
      if (!i) continue;
      if (i.kind === 'jmp' || i.kind === 'may_goto') targets.add(i.pc + 1 + i.off);
      else if (i.kind === 'ja') targets.add(i.pc + 1 + i.delta);
      else if (i.kind === 'call' && i.callKind === 'local') targets.add(i.pc + 1 + i.imm);
      else if (i.kind === 'ldimm64' && i.pseudo === 4) targets.add(i.pc + 1 + i.imm);
    }
    const labelFor = (slot: number): string | undefined => {
      if (!useLabels || !starts.has(slot)) return undefined;
      // Assembler-local labels (.Ltmp3 from clang -g) only where something jumps to them.
      const own0 = names.get(slot);
      if (own0?.startsWith('.L') && !targets.has(slot)) return undefined;
      const own = names.get(slot);
      if (own && LABEL_NAME.test(own) && !/^[rw]\d+$/.test(own)) return own;
      return made.get(slot);
    };
    for (let pc = 0; pc < p.slots.length; pc++) {
      const i = dec.insns[pc];
      const label = labelFor(pc);
      if (i) {
        const slots = encodeInsn(i).map((_, k) => p.slots[pc + k]!);
        const text = syntax === 'llvm' ? formatInsnLlvm(i, p, { labelFor, helperNames: opts.helperNames }) : ubpfText(i, p, labelFor);
        lines.push({ pc, bytes: bytesHex(slots), text, ...(label !== undefined ? { label } : {}) });
        if (i.kind === 'ldimm64') pc++;
        continue;
      }
      const s = p.slots[pc]!;
      const raw = '0x' + slotToU64(s).toString(16).padStart(16, '0');
      lines.push({
        pc, bytes: bytesHex([s]), text: syntax === 'llvm' ? `.8byte ${raw}` : `.raw ${raw}`,
        error: errAt.get(pc) ?? 'undecodable slot', ...(label !== undefined ? { label } : {}),
      });
    }
    // A label past the last instruction (a jump to the end) has no line of its own.
    endLabel = labelFor(p.slots.length);
  } catch (e) {
    diagnostics.push(bugDiagnostic(e));
  }
  return { lines, diagnostics, ...(endLabel !== undefined ? { endLabel } : {}) };
}

function ubpfText(i: Insn, p: Program, labelFor: (slot: number) => string | undefined): string {
  // The ubpf printer names targets from p.labels: give it exactly the label this listing defines there.
  const t = i.kind === 'jmp' || i.kind === 'may_goto' ? i.pc + 1 + i.off : i.kind === 'ja' ? i.pc + 1 + i.delta : i.kind === 'call' && i.callKind === 'local' ? i.pc + 1 + i.imm : null;
  const n = t === null ? undefined : labelFor(t);
  return formatInsnUbpf(i, { ...p, labels: n !== undefined && t !== null ? { [n]: t } : {} });
}

/** A global-data map (.data/.rodata/.bss as libbpf makes them) that can be written back as a data section. */
function asDataSection(m: MapDef): string | null {
  if (!isGlobalDataSection(m.name) || m.type !== 'array' || m.keySize !== 4 || m.maxEntries !== 1) return null;
  const flags = BPF_F_MMAPABLE | (m.name.startsWith('.rodata') ? BPF_F_RDONLY_PROG : 0);
  const init = m.initial ?? [];
  if (m.flags !== flags || init.length > 1 || (init.length === 1 && (init[0]!.key !== '00000000' || !/^([0-9a-f]{2})*$/i.test(init[0]!.value)))) return null;
  const bytes = (init[0]?.value.match(/../g) ?? []).map((h) => parseInt(h, 16)).slice(0, m.valueSize);
  while (bytes.length < m.valueSize) bytes.push(0);
  const out = [`\t.section ${m.name},"aw",@progbits`];
  if (bytes.every((b) => b === 0)) out.push(`\t.zero ${bytes.length}`);
  else for (let k = 0; k < bytes.length; k += 16) out.push(`\t.byte ${bytes.slice(k, k + 16).map((b) => `0x${b.toString(16).padStart(2, '0')}`).join(', ')}`);
  return out.join('\n');
}

/**
 * The text a program disassembles to, one instruction per line with its labels, ready for assembleLlvm
 * (or assembleUbpf with syntax 'ubpf': then only `.map` lines and the code):
 * `.license`, `.section`, `.map` lines for maps, then the code, then global-data maps as data sections
 * (so their initial bytes survive; assembleLlvm numbers those maps after the `.map` ones, as here).
 */
export function disassembleText(p: Program, opts: { syntax?: Syntax } = {}): string {
  const { lines, endLabel } = disasmLines(p, { syntax: opts.syntax, labels: true });
  const out: string[] = [];
  const llvm = (opts.syntax ?? 'llvm') === 'llvm';
  if (llvm && p.license !== undefined) out.push(`.license ${JSON.stringify(p.license)}`);
  if (llvm && p.section !== undefined && /^[A-Za-z_.][\w./-]*$/.test(p.section)) out.push(`.section ${p.section},"ax",@progbits`);
  // Data sections only when every global-data map comes after every other map (indices stay the same).
  const data = p.maps.map((m) => (llvm ? asDataSection(m) : null));
  const firstData = data.findIndex((d) => d !== null);
  const useData = firstData >= 0 && data.slice(firstData).every((d) => d !== null);
  p.maps.forEach((m, k) => {
    if (useData && k >= firstData) return;
    out.push(`.map ${m.name} ${m.type} key=${m.keySize} value=${m.valueSize} entries=${m.maxEntries}${m.flags ? ` flags=${m.flags}` : ''}`);
  });
  for (const l of lines) {
    if (l.label !== undefined) out.push(`${l.label}:`);
    out.push(`\t${l.text}`);
  }
  if (endLabel !== undefined) out.push(`${endLabel}:`);
  if (useData) for (const d of data.slice(firstData)) out.push(d!);
  return out.join('\n') + '\n';
}

/**
 * Exactly what `llvm-objdump-19 -d` (default; or with `--mcpu=v4` when asked) prints for the program's section, from the
 * "Disassembly of section" line to the end: symbol headers for labels (not `.L` ones, which llvm-mc
 * does not keep), jump annotations `<sym+0xoff>`, `<unknown>` for undecodable slots.
 */
export function objdumpText(p: Program, opts: { mcpu?: ObjdumpCpu } = {}): string {
  const mcpu = opts.mcpu ?? 'generic';
  const section = p.section ?? '.text';
  // Symbols objdump knows: labels (addresses in bytes); the section symbol when no label sits at 0.
  const syms: { addr: bigint; name: string }[] = [];
  for (const [name, slot] of Object.entries(p.labels)) {
    if (name.startsWith('.L')) continue;
    syms.push({ addr: BigInt(slot * 8), name });
  }
  if (!syms.some((s) => s.addr === 0n)) syms.push({ addr: 0n, name: section });
  syms.sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const symAt = (addr: bigint): { addr: bigint; name: string } => {
    let best = syms[0]!;
    for (const s of syms) if (s.addr <= addr) best = s;
    return best;
  };
  const headers = new Map<number, string>();
  for (const s of syms) headers.set(Number(s.addr / 8n), symAt(s.addr).name);
  const annotate = (pc: number, delta: number): string => {
    const target = BigInt.asUintN(64, BigInt(pc + 1 + delta) * 8n);
    const s = symAt(target);
    const off = BigInt.asUintN(64, target - s.addr);
    return off === 0n ? ` <${s.name}>` : ` <${s.name}+0x${off.toString(16)}>`;
  };
  const dec = decodeSlots(p.slots);
  let out = `Disassembly of section ${section}:\n`;
  for (let pc = 0; pc < p.slots.length; pc++) {
    const h = headers.get(pc);
    if (h !== undefined) out += `\n${(pc * 8).toString(16).padStart(16, '0')} <${h}>:\n`;
    const i = dec.insns[pc];
    const num = String(pc).padStart(8, ' ');
    if (!i) {
      out += `${num}:\t${bytesHex([p.slots[pc]!])}\t<unknown>\n`;
      continue;
    }
    let text = formatInsnLlvm(i, p, { mcpu, objdump: true });
    if (i.kind === 'jmp' || i.kind === 'may_goto') text += annotate(pc, i.off);
    else if (i.kind === 'ja') text += annotate(pc, i.delta);
    const slots = i.kind === 'ldimm64' ? [p.slots[pc]!, p.slots[pc + 1]!] : [p.slots[pc]!];
    out += `${num}:\t${bytesHex(slots)}\t${text}\n`;
    if (i.kind === 'ldimm64') pc++;
  }
  return out;
}
