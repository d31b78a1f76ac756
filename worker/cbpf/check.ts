// The classic BPF checker: the kernel's bpf_check_classic() (net/core/filter.c) — program length
// 1..BPF_MAXINSNS, chk_code_allowed() opcodes, division/modulo by constant zero, shifts by >= 32,
// M[] indices < 16, jumps forward and inside the program, valid ancillary offsets, a RET last —
// and check_load_and_stores(): M[k] read only after a write on every path. The kernel answers
// -EINVAL without a reason; we name the instruction and the rule.
// Also seccomp_check_filter() (kernel/seccomp.c) for the seccomp context.
// It does not run programs (worker/cbpf/interp.ts).

import { err, type Diagnostic } from '../util/diag';
import {
  ancillaryByK, BPF_MAXINSNS, BPF_MEMWORDS, cbpfRow, SKF_AD_OFF, type SockFilter,
} from './insn';

export interface CheckResult {
  ok: boolean;
  /** -EINVAL (-22) on rejection, as sk_attach_filter() returns; 0 when accepted */
  errno: number;
  diagnostics: Diagnostic[];
}

const at = (pc: number, msg: string, code: string): Diagnostic => err(msg, { insn: pc, byteOffset: pc * 8 }, code);

function describe(f: SockFilter): string {
  const row = cbpfRow(f.code);
  return row ? `${row.mnemonic} (code 0x${f.code.toString(16)})` : `code 0x${f.code.toString(16)}`;
}

/** bpf_check_classic(). Stops at the first error as the kernel does. */
export function checkClassic(fs: readonly SockFilter[]): CheckResult {
  const fail = (d: Diagnostic): CheckResult => ({ ok: false, errno: -22, diagnostics: [d] });
  const flen = fs.length;
  if (flen === 0) return fail(err('empty program: a classic filter needs 1 to 4096 instructions', { insn: 0 }, 'cbpf.len'));
  if (flen > BPF_MAXINSNS) return fail(err(`program has ${flen} instructions; the limit is BPF_MAXINSNS (${BPF_MAXINSNS})`, { insn: BPF_MAXINSNS }, 'cbpf.len'));
  for (let pc = 0; pc < flen; pc++) {
    const f = fs[pc]!;
    const row = cbpfRow(f.code);
    if (!row || !row.kernel)
      return fail(at(pc, `insn ${pc}: opcode 0x${f.code.toString(16)} is not a classic BPF instruction the kernel accepts${row ? ` (${row.doc})` : ''}`, 'cbpf.opcode'));
    const k = f.k >>> 0;
    if (row.kind === 'alu' && row.src === 'k' && (row.aluOp === 'div' || row.aluOp === 'mod') && k === 0)
      return fail(at(pc, `insn ${pc}: ${row.mnemonic} #0 is a division by constant zero`, 'cbpf.divzero'));
    if (row.kind === 'alu' && row.src === 'k' && (row.aluOp === 'lsh' || row.aluOp === 'rsh') && k >= 32)
      return fail(at(pc, `insn ${pc}: ${row.mnemonic} #${k} shifts by 32 or more`, 'cbpf.shift'));
    if ((row.mode === 'MEM' && (row.kind === 'ld' || row.kind === 'ldx')) || row.kind === 'st' || row.kind === 'stx')
      if (k >= BPF_MEMWORDS) return fail(at(pc, `insn ${pc}: ${describe(f)} uses M[${k}]; scratch memory is M[0]..M[15]`, 'cbpf.mem'));
    if (row.kind === 'ja' && k >= flen - pc - 1)
      return fail(at(pc, `insn ${pc}: ja +${k} jumps to ${pc + 1 + k}, past the end of the ${flen}-instruction program`, 'cbpf.jump'));
    if (row.kind === 'jmp' && (pc + f.jt + 1 >= flen || pc + f.jf + 1 >= flen))
      return fail(at(pc, `insn ${pc}: ${row.mnemonic} jumps to ${pc + 1 + f.jt} / ${pc + 1 + f.jf}, past the end of the ${flen}-instruction program`, 'cbpf.jump'));
    if (row.kind === 'ld' && row.mode === 'ABS' && (k | 0) >= SKF_AD_OFF && (k | 0) < 0 && !ancillaryByK(k))
      return fail(at(pc, `insn ${pc}: ${row.mnemonic} [SKF_AD_OFF + ${(k | 0) - SKF_AD_OFF}] is not a known ancillary field`, 'cbpf.ancillary'));
  }
  const last = fs[flen - 1]!;
  const lastRow = cbpfRow(last.code);
  if (lastRow?.kind !== 'ret')
    return fail(at(flen - 1, `insn ${flen - 1}: the last instruction must be a ret, not ${describe(last)}`, 'cbpf.noret'));
  return checkLoadAndStores(fs);
}

/** check_load_and_stores(): a linear pass with a per-target mask of surely-written M[] words. */
export function checkLoadAndStores(fs: readonly SockFilter[]): CheckResult {
  const masks = new Array<number>(fs.length).fill(0xffff);
  let memvalid = 0;
  for (let pc = 0; pc < fs.length; pc++) {
    const f = fs[pc]!;
    memvalid &= masks[pc]!;
    const row = cbpfRow(f.code);
    if (!row) continue;
    if (row.kind === 'st' || row.kind === 'stx') memvalid |= 1 << f.k;
    else if ((row.kind === 'ld' || row.kind === 'ldx') && row.mode === 'MEM') {
      if (!(memvalid & (1 << f.k)))
        return {
          ok: false,
          errno: -22,
          diagnostics: [at(pc, `insn ${pc}: ${row.mnemonic} M[${f.k}] reads scratch memory that is not written on every path before it`, 'cbpf.memread')],
        };
    } else if (row.kind === 'ja') {
      masks[pc + 1 + f.k] = masks[pc + 1 + f.k]! & memvalid;
      memvalid = 0xffff;
    } else if (row.kind === 'jmp') {
      masks[pc + 1 + f.jt] = masks[pc + 1 + f.jt]! & memvalid;
      masks[pc + 1 + f.jf] = masks[pc + 1 + f.jf]! & memvalid;
      memvalid = 0xffff;
    }
  }
  return { ok: true, errno: 0, diagnostics: [] };
}

/** struct seccomp_data: nr (0), arch (4), instruction_pointer (8, u64), args[6] (16.., u64 each) = 64 bytes. */
export const SECCOMP_DATA_SIZE = 64;

/** seccomp_check_filter(): after bpf_check_classic(), an allow-list — 32-bit loads of aligned
 * struct seccomp_data words, LEN (rewritten to the immediate 64), and the codes below; no packet-relative
 * forms (H/B/IND/MSH loads) and no BPF_MOD. */
export function checkSeccomp(fs: readonly SockFilter[]): CheckResult {
  const base = checkClassic(fs);
  if (!base.ok) return base;
  for (let pc = 0; pc < fs.length; pc++) {
    const f = fs[pc]!;
    const row = cbpfRow(f.code)!;
    const fail = (m: string): CheckResult => ({ ok: false, errno: -22, diagnostics: [at(pc, `insn ${pc}: ${m}`, 'cbpf.seccomp')] });
    if (f.code === 0x20) {
      const k = f.k >>> 0;
      if (k >= SECCOMP_DATA_SIZE || k & 3) return fail(`ld [${k | 0}] is not an aligned 32-bit word of struct seccomp_data (0..60, a multiple of 4)`);
      continue;
    }
    if (!SECCOMP_ALLOWED.has(f.code)) return fail(`${row.mnemonic} (code 0x${f.code.toString(16)}) is not allowed in seccomp filters`);
  }
  return base;
}

/** The codes seccomp_check_filter() lets through unchanged (besides ld [k] and the two LEN loads). */
const SECCOMP_ALLOWED = new Set<number>([
  0x80, 0x81, // ld/ldx #len (become immediates)
  0x06, 0x16, // ret k, ret a
  0x04, 0x0c, 0x14, 0x1c, 0x24, 0x2c, 0x34, 0x3c, 0x54, 0x5c, 0x44, 0x4c, 0xa4, 0xac, 0x64, 0x6c, 0x74, 0x7c, 0x84, // ALU without mod
  0x00, 0x01, 0x07, 0x87, 0x60, 0x61, 0x02, 0x03, // ld/ldx imm, tax, txa, ld/ldx M[], st, stx
  0x05, 0x15, 0x1d, 0x35, 0x3d, 0x25, 0x2d, 0x45, 0x4d, // jumps
]);
