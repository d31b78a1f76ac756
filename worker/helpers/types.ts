// The runtime helper registry: what `call N` does in the VM.
//
// A helper is `{ id, name, call(env, r1, r2, r3, r4, r5) }` registered into a helper set with
// `registerHelper(def, set)`. Set 'kernel' holds the Linux helpers (ids and names from
// include/uapi/linux/bpf.h, see ids.generated.ts); set 'ubpf' holds uBPF's test helpers (ids 0-5),
// which are not the kernel's. Implementations live one group per file under worker/helpers/
// (maps.ts, time.ts, trace.ts, ubpf.ts, ...) and register themselves when imported; worker/helpers/index.ts
// imports them all.
//
// `call` receives the arguments as unsigned 64-bit bigints and returns r0 (any bigint, wrapped to 64 bits)
// or a control result: a fault (stops the run with a located message), an exit (ends the program with
// that r0, as uBPF's unwind helper does) or a tail call (the kernel's bpf_tail_call, which the verifier
// turns into BPF_JMP|BPF_TAIL_CALL: on success execution continues at insn 0 of the target program with
// the same registers and stack; on failure the next instruction runs and r0 is left unchanged, as in
// kernel/bpf/core.c ___bpf_prog_run JMP_TAIL_CALL).
//
// The environment (`HelperEnv`) is everything a helper may touch. All of it is recorded by the VM, so
// that stepping back undoes a helper's memory writes, map changes and outputs. Helpers must use only
// `env` (no globals, no Date, no Math.random) so that runs are deterministic.
// A map type that needs program-visible memory other than per-key values (a ringbuf's data area) exposes
// it as its `valueArea` (one element of `valueStride` bytes) and hands out addresses with
// `env.mapValueAddr(index, 0) + offset`.
// This module runs nothing itself; worker/vm implements HelperEnv.

import type { MapImpl } from '../maps/types';
import { HELPER_NAMES } from './ids.generated';

/** Something a program produced that the UI and the CLI show. */
export type OutputEvent =
  | { kind: 'trace_printk'; text: string }
  | { kind: 'ringbuf'; map: string; data: Uint8Array }
  | { kind: 'perf_event'; map: string; cpu: number; data: Uint8Array }
  | { kind: 'log'; text: string };

/** A map as a helper sees it. */
export interface HelperMap {
  /** Index into program.maps. */
  index: number;
  impl: MapImpl;
}

export interface HelperEnv {
  /** Reads `len` bytes at a BPF address; a string explains why it cannot (the VM then faults). */
  read(addr: bigint, len: number): Uint8Array | string;
  /** Writes bytes at a BPF address (recorded for back-step); a string explains a refusal. */
  write(addr: bigint, bytes: Uint8Array): true | string;
  /** Reads a NUL-terminated string of at most `max` bytes (without the NUL); a string on a bad address. */
  readCString(addr: bigint, max: number): { text: string; bytes: Uint8Array } | string;
  /** The map whose pointer (from ld_imm64 map fd) is `addr`, or null. */
  mapByAddr(addr: bigint): HelperMap | null;
  /** The pointer a program holds for map `index` of the run (what ld_imm64 BPF_PSEUDO_MAP_FD gives). */
  mapPtrAddr(index: number): bigint;
  /**
   * Puts `key` in map `index`'s read-only key area and returns its address: what a callback of
   * bpf_for_each_map_elem gets as its key pointer (the kernel passes a pointer to the key).
   */
  mapKeyAddr(index: number, key: Uint8Array): bigint;
  /** The BPF address of a value slot of map `index` (what bpf_map_lookup_elem returns). */
  mapValueAddr(index: number, slot: number): bigint;
  /** Tells the VM a map entry is about to change, so the step record shows its before/after values.
   * Call before mutating. (Back-step is correct either way: steps that call helpers are undone by replay.) */
  mapWillChange(index: number, key: Uint8Array): void;
  /** The program type's context object (set by the program type; null for raw runs). */
  ctx: unknown;
  /** The ctx pointer value the program got in r1. */
  ctxAddr: bigint;
  /** Seeded, deterministic PRNG: the next 32 random bits (unsigned). */
  prandomU32(): number;
  /** The virtual clock in nanoseconds (advances deterministically with executed instructions). */
  nowNs(): bigint;
  /** The simulated CPU this run is on. */
  cpu: number;
  /** Emits an output (trace_printk line, ringbuf record, perf event). */
  output(ev: OutputEvent): void;
  /**
   * State a helper keeps for the run beyond memory and maps (a redirect target, socket options set by
   * bpf_setsockopt, ...). Values must be plain data (primitives, bigint, arrays, plain objects,
   * Uint8Array): the VM deep-copies the map in its checkpoints, so back-step and seek restore it.
   * Keys are the helper's own (use its name as a prefix).
   */
  runState: Map<string, unknown>;
  /** The loaded programs (index 0 is the one being run); prog_array values index this list. */
  programCount: number;
  /**
   * Moves and/or resizes a memory region of this run, e.g. 'packet' and 'packet_meta' for
   * bpf_xdp_adjust_head/meta/tail or bpf_skb_change_tail: the region gets `base` and `bytes` (used in
   * place). ctx pointer fields (data, data_end, data_meta) follow automatically. A string explains a
   * refusal. Undone by back-step. After the run, read the final bytes from the VM's memory, not from the
   * array the region started with.
   */
  remapRegion(name: string, base: bigint, bytes: Uint8Array): true | string;
  /** The current base address and bytes of a region, or null. */
  region(name: string): { base: bigint; bytes: Uint8Array } | null;
  /**
   * Calls a BPF function of the running program (a callback such as bpf_loop's or
   * bpf_for_each_map_elem's, whose address came from ld_imm64 BPF_PSEUDO_FUNC) with up to 5 arguments,
   * in a new stack frame, and returns its r0. A string means the callback cannot run or faulted (the VM
   * already stopped with the fault's location; the helper should return `{ fault }` with this text).
   * Its instructions count towards the budget; in step mode they run inside the helper's single step.
   */
  callFunction(addr: bigint, args: bigint[]): bigint | string;
}

export type HelperResult =
  | bigint
  | { fault: string }
  | { exit: bigint }
  /** bpf_tail_call: a program index (>= 0) to jump to, -1 for an empty prog_array slot (the attempt still
   * counts towards MAX_TAIL_CALL_CNT, as in the kernel), -2 for an index past max_entries (not counted). */
  | { tailCall: number };

export interface HelperDef {
  id: number;
  name: string;
  call(env: HelperEnv, r1: bigint, r2: bigint, r3: bigint, r4: bigint, r5: bigint): HelperResult;
}

export type HelperSetName = 'kernel' | 'ubpf';

const sets: Record<HelperSetName, Map<number, HelperDef>> = { kernel: new Map(), ubpf: new Map() };

/**
 * Adds (or replaces) a helper in a set. A kernel helper's name must be HELPER_NAMES[id] (the kernel's
 * name without bpf_); otherwise nothing is registered and the mismatch is returned as a message.
 */
export function registerHelper(def: HelperDef, set: HelperSetName = 'kernel'): string | null {
  if (set === 'kernel' && HELPER_NAMES[def.id] !== def.name) {
    return `helper ${def.id} is ${HELPER_NAMES[def.id] ?? 'unknown'} in the kernel, not ${def.name}`;
  }
  sets[set].set(def.id, def);
  return null;
}

export function getHelper(set: HelperSetName, id: number): HelperDef | undefined {
  return sets[set].get(id);
}

export function helperSet(set: HelperSetName): ReadonlyMap<number, HelperDef> {
  return sets[set];
}

/** The helper's name for messages: the registered name, else the kernel name, else "#id". */
export function helperName(set: HelperSetName, id: number): string {
  return sets[set].get(id)?.name ?? (set === 'kernel' ? HELPER_NAMES[id] : undefined) ?? `#${id}`;
}

export const U64 = (v: bigint): bigint => BigInt.asUintN(64, v);
/** A negative errno as the u64 a helper returns (e.g. -ENOENT -> 0xffff...fffe). */
export const errno = (e: number): bigint => BigInt.asUintN(64, BigInt(-Math.abs(e)));
