// The unprivileged verifier's extra rules that can stand alone (Linux 6.18 kernel/bpf/verifier.c when the
// loader has neither CAP_BPF nor CAP_PERFMON: env->bpf_capable, allow_ptr_leaks, allow_uninit_stack and
// bypass_spec_v1 all false). Here: which helpers bpf_base_func_proto() and bpf_sk_base_func_proto() still
// hand out without capabilities, and the Spectre v1 pointer-arithmetic sanitation (sanitize_ptr_alu,
// retrieve_ptr_limit, update_alu_sanitation_state, sanitize_err, sanitize_check_bounds,
// check_stack_access_for_ptr_arithmetic). check.ts calls these where the kernel does; the rest of the
// unprivileged rules (pointer leaks and comparisons, uninitialised stack, spilled-pointer corruption,
// back-edges, bpf-to-bpf calls) are single conditions inside check.ts. Also here: what bpf() refuses
// before the verifier runs (program types, size, map types). It does not simulate speculative paths:
// since Linux 6.17 an error on one becomes a nospec barrier instead of a rejection, so they never change
// the verdict (only the processed-instruction count and the log).

import type { Reg } from './state';
import { S64_MIN } from './bounds';
import { tnumStr } from './tnum';
import { M } from './messages';

const MAX_BPF_STACK = 512;
/** bpf_prog_load: the instruction count limit without CAP_BPF (BPF_COMPLEXITY_LIMIT_INSNS with it). */
const BPF_MAXINSNS = 4096;
const BPF_MAX_VAR_OFF = 1n << 29n;

/** Program types an unprivileged user may load at all (bpf_prog_load: the others need CAP_BPF). */
export const UNPRIV_PROG_TYPES: readonly string[] = ['socket_filter', 'cgroup_skb'];

/**
 * Helpers that socket_filter and cgroup_skb programs get only with CAP_BPF or CAP_PERFMON: the part of
 * bpf_base_func_proto() after its bpf_token_capable(CAP_BPF) and CAP_PERFMON checks (spin locks, timers,
 * bpf_loop, kptrs, dynptrs, trace_printk, probe_read_*, get_current_task, snprintf, …) and the BTF
 * socket casts of bpf_sk_base_func_proto() (CAP_PERFMON). Checked against the running kernel by
 * unpriv-kdiff.test.ts (every helper of both types is loaded once by an unprivileged user).
 */
export const CAP_GATED_HELPERS: ReadonlySet<number> = new Set([
  6, 16, 17, 22, 35, 37, 55, 80, 93, 94, 109, 112, 113, 114, 115, 117, 118, 123, 136, 137, 138, 139, 140, 141, 149, 153, 154,
  156, 157, 158, 164, 165, 169, 170, 171, 172, 175, 176, 177, 178, 180, 181, 194, 196, 197, 198, 199, 200, 201, 202, 203, 209,
  210, 211,
]);

/** get_func_proto without capabilities: is helper `id` (allowed to the privileged loader) still given? */
export function unprivHelperAllowed(id: number): boolean {
  return !CAP_GATED_HELPERS.has(id);
}

/** The reasons sanitize_ptr_alu gives up (enum in verifier.c). */
export type SanitizeReason = 'bounds' | 'type' | 'paths' | 'limit';

/**
 * sanitize_err: the message for a failed sanitation. `offIsDst` is true for `scalar += pointer`
 * (the scalar is the destination register).
 */
export function sanitizeErrMessage(reason: SanitizeReason, op: 'add' | 'sub', dst: number, src: number, offIsDst: boolean): string {
  const tail = 'pointer arithmetic with it prohibited for !root';
  switch (reason) {
    case 'bounds': return `R${offIsDst ? dst : src} has unknown scalar with mixed signed bounds, ${tail}`;
    case 'type': return `R${offIsDst ? src : dst} has pointer with unsupported alu operation, ${tail}`;
    case 'paths': return `R${dst} tried to ${op} from different maps, paths or scalars, ${tail}`;
    case 'limit': return `R${dst} tried to ${op} beyond pointer bounds, ${tail}`;
  }
}

/**
 * retrieve_ptr_limit: how far the pointer may move in the masked direction (a u32), or why it cannot
 * be sanitised. Only stack and map-value pointers can.
 */
export function retrievePtrLimit(ptr: Reg, valueSize: number, maskToLeft: boolean): { limit: bigint } | { reason: SanitizeReason } {
  let max: bigint;
  let limit: bigint;
  switch (ptr.type) {
    case 'PTR_TO_STACK':
      // Offset 0 is out of bounds but a valid start for moving left (the frame pointer itself).
      max = BigInt(MAX_BPF_STACK + (maskToLeft ? 1 : 0));
      limit = BigInt.asUintN(32, -(BigInt.asIntN(64, ptr.s.varOff.value) + BigInt(ptr.off)));
      break;
    case 'PTR_TO_MAP_VALUE':
      max = BigInt(valueSize);
      limit = BigInt.asUintN(32, (maskToLeft ? ptr.s.smin : ptr.s.umax) + BigInt(ptr.off));
      break;
    default:
      return { reason: 'type' };
  }
  if (limit >= max) return { reason: 'limit' };
  return { limit };
}

const tnumIsConst = (r: Reg): boolean => r.s.varOff.mask === 0n;

/** What the first (non-commit) half of sanitize_ptr_alu decided, carried to the commit half. */
export interface SanitizeInfo {
  maskToLeft: boolean;
  state: number;
  limit: bigint;
}

const ALU_SANITIZE_SRC = 1 << 0;
const ALU_SANITIZE_DST = 1 << 1;
const ALU_NEG_VALUE = 1 << 2;
const ALU_NON_POINTER = 1 << 3;
const ALU_IMMEDIATE = 1 << 4;

/**
 * The per-instruction masking state the kernel keeps in insn_aux_data (alu_state, alu_limit): the same
 * instruction reached on another path with another masking window cannot be patched with one mask.
 */
export class AluSanitation {
  private readonly aux = new Map<number, { state: number; limit: bigint }>();
  /** env->explore_alu_limits: a pointer was moved by an unknown scalar, so pruning must not merge masking windows. */
  exploreAluLimits = false;

  /**
   * sanitize_ptr_alu before the operation (commit_window false), for BPF_X add/sub only
   * (can_skip_alu_sanitation skips BPF_K). `ptr` is the pointer operand, `off` the scalar one.
   */
  begin(op: 'add' | 'sub', ptr: Reg, off: Reg, ptrIsDst: boolean, valueSize: number): SanitizeInfo | { reason: SanitizeReason } {
    const offIsImm = tnumIsConst(off);
    const offIsNeg = off.s.smin < 0n;
    if (!offIsImm && (off.s.smin < 0n) !== (off.s.smax < 0n)) return { reason: 'bounds' };
    const maskToLeft = (op === 'add' && offIsNeg) || (op === 'sub' && !offIsNeg);
    const r = retrievePtrLimit(ptr, valueSize, maskToLeft);
    if ('reason' in r) return r;
    const state = (offIsNeg ? ALU_NEG_VALUE : 0) | (offIsImm ? ALU_IMMEDIATE : 0) | (ptrIsDst ? ALU_SANITIZE_SRC : ALU_SANITIZE_DST);
    if (!offIsImm) this.exploreAluLimits = true;
    return { maskToLeft, state, limit: r.limit };
  }

  /** sanitize_val_alu: scalar add/sub by register at insn `pc` (BPF_ALU_NON_POINTER, no window). */
  scalar(pc: number): SanitizeReason | null {
    return this.update(pc, ALU_NON_POINTER, 0n);
  }

  /** update_alu_sanitation_state: one masking state per instruction, whatever the path. */
  private update(pc: number, state: number, limit: bigint): SanitizeReason | null {
    const prev = this.aux.get(pc);
    if (prev && (prev.state !== state || prev.limit !== limit)) return 'paths';
    this.aux.set(pc, { state, limit });
    return null;
  }

  /** sanitize_ptr_alu after the operation (commit_window true): narrows the window and records it for insn `pc`. */
  commit(pc: number, info: SanitizeInfo, result: Reg, valueSize: number): SanitizeReason | null {
    const r = retrievePtrLimit(result, valueSize, info.maskToLeft);
    if ('reason' in r) return r.reason;
    const d = BigInt.asIntN(32, info.limit - r.limit);
    return this.update(pc, info.state, BigInt.asUintN(32, d < 0n ? -d : d));
  }
}

/** __check_mem_access: [off, off+size) inside a region of memSize bytes. */
function inMem(off: bigint, size: number, memSize: number): boolean {
  return size > 0 && off >= 0n && off + BigInt(size) <= BigInt(memSize);
}

/**
 * check_mem_region_access for a 1-byte access at a map-value pointer's offset (what sanitize_check_bounds
 * asks): the lines the kernel logs when it fails (ending with its own error), or none when in bounds.
 */
export function mapValueBoundsLog(regno: number, reg: Reg, valueSize: number): string[] {
  const s = reg.s;
  const o = BigInt(reg.off);
  if (s.smin < 0n && (s.smin === S64_MIN || o + s.smin !== BigInt.asIntN(32, o + s.smin) || s.smin + o < 0n)) return [M.minNegative(regno)];
  if (!inMem(s.smin + o, 1, valueSize)) return [M.mapValueAccess(valueSize, Number(s.smin + o), 1), M.minOutside(regno)];
  if (s.umax >= BPF_MAX_VAR_OFF) return [M.unboundedMem(regno)];
  if (!inMem(s.umax + o, 1, valueSize)) return [M.mapValueAccess(valueSize, Number(s.umax + o), 1), M.maxOutside(regno)];
  return [];
}

/**
 * sanitize_check_bounds: after pointer arithmetic an unprivileged stack pointer must stay a constant
 * inside the frame, and a map-value pointer inside the value. Returns the kernel's message, or null.
 */
export function sanitizeCheckBounds(dstNo: number, reg: Reg, valueSize: number): string | null {
  if (reg.type === 'PTR_TO_STACK') {
    const off = Number(BigInt.asIntN(32, BigInt(reg.off) + BigInt.asIntN(64, reg.s.varOff.value)));
    if (!tnumIsConst(reg)) return `R${dstNo} variable stack access prohibited for !root, var_off=${tnumStr(reg.s.varOff)} off=${off}`;
    if (off >= 0 || off < -MAX_BPF_STACK) return `R${dstNo} stack pointer arithmetic goes out of range, prohibited for !root; off=${off}`;
    return null;
  }
  if (reg.type === 'PTR_TO_MAP_VALUE' && mapValueBoundsLog(dstNo, reg, valueSize).length)
    return `R${dstNo} pointer arithmetic of map value goes out of range, prohibited for !root`;
  return null;
}

/** check_stack_slot_within_bounds: unprivileged reads may not go below the stack allocated so far (grow_stack_state rounds to 8). */
export function minReadableStackOff(depth: number): number {
  return -Math.ceil(depth / 8) * 8;
}


/**
 * cg_skb_is_valid_access: __sk_buff->data and ->data_end (any access) and writes to ->tstamp need
 * CAP_BPF. The kernel switches on the access's first byte (bpf_ctx_range), and says
 * "invalid bpf_context access" like for any other refused field.
 */
export function unprivCtxDenied(progType: string, off: number, write: boolean): boolean {
  if (progType !== 'cgroup_skb') return false;
  if (off >= 76 && off < 84) return true; // data, data_end
  return write && off >= 152 && off < 160; // tstamp
}

/**
 * Map types map_create() gives an unprivileged user (without CAP_BPF): array, percpu_array, prog_array,
 * perf_event_array, cgroup_array, array_of_maps, hash, percpu_hash, hash_of_maps, ringbuf,
 * user_ringbuf, cgroup_storage, percpu_cgroup_storage. Every other type needs CAP_BPF (sockmap,
 * sockhash, devmap, devmap_hash and xskmap need CAP_NET_ADMIN).
 */
export const UNPRIV_MAP_TYPES: ReadonlySet<string> = new Set([
  'array', 'percpu_array', 'prog_array', 'perf_event_array', 'cgroup_array', 'array_of_maps', 'hash', 'percpu_hash',
  'hash_of_maps', 'ringbuf', 'user_ringbuf', 'cgroup_storage', 'percpu_cgroup_storage',
]);
const NET_ADMIN_MAP_TYPES: ReadonlySet<string> = new Set(['sockmap', 'sockhash', 'devmap', 'devmap_hash', 'xskmap']);

/**
 * Why the bpf() syscall refuses an unprivileged load before the verifier runs (bpf_prog_load for the
 * program size and type, map_create for each map), or null. The kernel returns EPERM or E2BIG with an empty log here, so
 * these texts are bpfplay's, naming the kernel function and errno.
 */
export function unprivLoadError(progType: string, mapTypes: readonly string[], insnCnt = 1): string | null {
  if (insnCnt > BPF_MAXINSNS) return `bpf_prog_load: E2BIG: ${insnCnt} instructions, more than the ${BPF_MAXINSNS} (BPF_MAXINSNS) an unprivileged user may load`;
  if (!UNPRIV_PROG_TYPES.includes(progType))
    return `bpf_prog_load: EPERM: program type ${progType} needs CAP_BPF (unprivileged users may load socket_filter and cgroup_skb programs only)`;
  for (const t of mapTypes) {
    if (UNPRIV_MAP_TYPES.has(t)) continue;
    return `map_create: EPERM: map type ${t} needs ${NET_ADMIN_MAP_TYPES.has(t) ? 'CAP_NET_ADMIN' : 'CAP_BPF'}`;
  }
  return null;
}
