// Load-time checks of a raw program, the ones a runtime makes before it runs anything: decodable
// instructions (worker/isa decodeSlots: unknown opcodes, reserved fields, register numbers, ld_imm64
// pairs), no write to the frame pointer, jumps inside the program and inside their own subprogram and
// never into the second slot of an ld_imm64, no `ja -1`, every subprogram ending in exit or an
// unconditional jump, only known helper ids, and a size limit. These are the structural checks of the
// kernel's check_subprogs()/check_cfg() and of uBPF's ubpf_load_code() (vm/ubpf_vm.c validate()); each
// error carries a category so tests can compare with another runtime's wording by meaning, and a
// message in the kernel's style.
//
// It is not the verifier (worker/verifier): no types, no bounds, no paths.

import { decodeSlots, jumpTarget, type Insn, type Slot } from '../isa/insn';
import type { IsaRow } from '../isa/opcodes';
import { ALU, CLS } from '../isa/opcodes';

export type LoadErrorKind =
  | 'no_instructions' | 'too_many_insns' | 'unknown_opcode' | 'reserved_field' | 'unsupported'
  | 'invalid_dst_reg' | 'invalid_src_reg' | 'invalid_endian_imm' | 'incomplete_lddw' | 'invalid_lddw_second_half'
  | 'invalid_lddw_src' | 'jump_out_of_bounds' | 'jump_into_lddw' | 'infinite_loop' | 'nonexistent_helper'
  | 'subprog_bad_end';

export interface LoadError {
  kind: LoadErrorKind;
  /** Instruction slot the error is about. */
  pc: number;
  message: string;
}

export interface LoadProfile {
  name: string;
  maxInsns: number;
  helperExists(id: number): boolean;
  rowSupported(row: IsaRow): boolean;
}

/**
 * The runtime the conformance corpora assume: uBPF's limits (65536 instructions) and test helpers 0-5
 * (worker/vm's 'ubpf' helper set), every instruction of bpf_conformance's groups except the legacy
 * packet loads (group `packet`, off by default upstream) and kernel-only shapes (kfunc calls, arena
 * casts, may_goto); ld_imm64 pseudo sources other than a defined map are rejected as invalid sources.
 */
export const UBPF_PROFILE: LoadProfile = {
  name: 'ubpf',
  maxInsns: 65536,
  helperExists: (id) => id >= 0 && id <= 5,
  rowSupported: (row) => row.kind === 'ldimm64' || (row.ubpf !== null && row.group !== 'packet' && row.id !== 'call_kfunc'),
};

/**
 * bpfplay's own raw runs (worker/conformance/cases): the same helpers, plus every shape worker/vm executes
 * without a kernel context: load-acquire/store-release and may_goto too. Left out: legacy packet loads
 * (no packet in a raw run), kfunc calls and arena casts (not simulated). The size limit is the kernel's
 * for privileged programs (BPF_COMPLEXITY_LIMIT_INSNS, 1M).
 */
export const BPFPLAY_RAW_PROFILE: LoadProfile = {
  name: 'bpfplay raw',
  maxInsns: 1_000_000,
  helperExists: UBPF_PROFILE.helperExists,
  rowSupported: (row) => row.kind !== 'ldpkt' && row.id !== 'call_kfunc' && row.id !== 'addr_space_cast',
};

/** All load-time errors, in instruction order (the size limit first). */
export function validateLoad(slots: readonly Slot[], mapCount: number, profile: LoadProfile): LoadError[] {
  const out: LoadError[] = [];
  const n = slots.length;
  if (n === 0) return [{ kind: 'no_instructions', pc: 0, message: 'the program has no instructions' }];
  if (n > profile.maxInsns) {
    out.push({ kind: 'too_many_insns', pc: profile.maxInsns, message: `program of ${n} instructions is larger than the limit of ${profile.maxInsns}` });
  }
  const { insns, diagnostics } = decodeSlots(slots);
  for (const d of diagnostics) {
    const pc = d.loc.insn ?? 0;
    out.push(refineDecodeError(slots, pc, d.code ?? '', d.message));
  }
  /** Slots that are the second half of an ld_imm64. */
  const second = new Set<number>();
  for (let pc = 0; pc < n; pc++) {
    const i = insns[pc];
    if (i && i.kind === 'ldimm64') second.add(pc + 1);
    else if (!i && slots[pc]!.opcode === 0x18 && pc + 1 < n && slots[pc + 1]!.opcode === 0) second.add(pc + 1);
  }
  // Subprogram starts: 0 and the targets of valid local calls (check_subprogs()).
  const starts = new Set<number>([0]);
  for (const i of insns) {
    if (i && i.kind === 'call' && i.callKind === 'local') {
      const t = jumpTarget(i)!;
      if (t >= 0 && t < n && !second.has(t)) starts.add(t);
    }
  }
  const sorted = [...starts].sort((a, b) => a - b);
  const subprogOf = (pc: number): number => {
    let k = 0;
    for (let j = 0; j < sorted.length; j++) if (sorted[j]! <= pc) k = j;
    return k;
  };
  for (const i of insns) {
    if (!i) continue;
    const e = checkInsn(i, n, second, mapCount, profile, subprogOf, sorted);
    if (e) out.push(e);
  }
  // Each subprogram must end in exit or an unconditional jump.
  for (let k = 0; k < sorted.length; k++) {
    let last = (k + 1 < sorted.length ? sorted[k + 1]! : n) - 1;
    if (second.has(last)) last--;
    const i = insns[last];
    if (!i) continue; // already reported by the decoder
    if (i.kind !== 'exit' && i.kind !== 'ja') {
      out.push({ kind: 'subprog_bad_end', pc: last, message: `last insn is not an exit or jmp (insn ${last} ends the subprogram starting at ${sorted[k]})` });
    }
  }
  return out.sort((a, b) => (a.kind === 'too_many_insns' ? -1 : b.kind === 'too_many_insns' ? 1 : a.pc - b.pc));
}

function refineDecodeError(slots: readonly Slot[], pc: number, code: string, message: string): LoadError {
  const s = slots[pc]!;
  switch (code) {
    case 'decode.opcode':
      return { kind: 'unknown_opcode', pc, message };
    case 'decode.register':
      return s.dst > 10 ? { kind: 'invalid_dst_reg', pc, message } : { kind: 'invalid_src_reg', pc, message };
    case 'decode.ldimm64': {
      const next = slots[pc + 1];
      if (!next || next.opcode !== 0) return { kind: 'incomplete_lddw', pc, message };
      return { kind: 'invalid_lddw_second_half', pc: pc + 1, message };
    }
    case 'decode.reserved': {
      const isEnd = (s.opcode & 0xf0) === ALU.END && ((s.opcode & 7) === CLS.ALU || (s.opcode & 7) === CLS.ALU64);
      if (isEnd && s.imm !== 16 && s.imm !== 32 && s.imm !== 64) {
        return { kind: 'invalid_endian_imm', pc, message: `invalid endian width ${s.imm} (expected 16, 32 or 64)` };
      }
      return { kind: 'reserved_field', pc, message };
    }
    default:
      return { kind: 'reserved_field', pc, message };
  }
}

function checkInsn(
  i: Insn, n: number, second: ReadonlySet<number>, mapCount: number, profile: LoadProfile,
  subprogOf: (pc: number) => number, starts: readonly number[],
): LoadError | null {
  const pc = i.pc;
  if (!profile.rowSupported(i.row)) {
    return { kind: 'unsupported', pc, message: `${i.row.id} (opcode 0x${i.row.opcode.toString(16).padStart(2, '0')}) is not supported by the ${profile.name} runtime` };
  }
  if ((i.row.dst === 'write' || i.row.dst === 'readwrite') && 'dst' in i && i.dst === 10) {
    return { kind: 'invalid_dst_reg', pc, message: 'frame pointer is read only' };
  }
  if (i.kind === 'atomic' && i.src === 10 && (i.op.startsWith('fetch_') || i.op === 'xchg')) {
    return { kind: 'invalid_src_reg', pc, message: 'frame pointer is read only' };
  }
  if (i.kind === 'ldimm64' && i.pseudo !== 0) {
    if ((i.pseudo === 1 || i.pseudo === 2) && i.imm >= 0 && i.imm < mapCount) return null;
    return { kind: 'invalid_lddw_src', pc, message: `ld_imm64 with src_reg ${i.pseudo} refers to map ${i.imm}, but the program defines ${mapCount} map${mapCount === 1 ? '' : 's'}` };
  }
  if (i.kind === 'call' && i.callKind === 'helper' && !profile.helperExists(i.imm)) {
    return { kind: 'nonexistent_helper', pc, message: `invalid func unknown#${i.imm}` };
  }
  const t = jumpTarget(i);
  if (t === null) return null;
  if (t < 0 || t >= n) return { kind: 'jump_out_of_bounds', pc, message: `jump out of range from insn ${pc} to ${t}` };
  if (second.has(t)) return { kind: 'jump_into_lddw', pc, message: `jump into the middle of ldimm64 insn ${t - 1}` };
  if (i.kind === 'ja' && t === pc) return { kind: 'infinite_loop', pc, message: `infinite loop detected at insn ${pc}` };
  if (i.kind !== 'call' && subprogOf(t) !== subprogOf(pc)) {
    return { kind: 'jump_out_of_bounds', pc, message: `jump out of range from insn ${pc} to ${t} (outside the subprogram starting at ${starts[subprogOf(pc)]})` };
  }
  return null;
}
