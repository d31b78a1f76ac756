// The map registry: what a BPF map is to the VM and to helpers, and how map types are added.
//
// A map type is a factory registered with `registerMapType('hash', def => new HashMap(def))`;
// `createMap(def)` validates the definition and builds an instance (or returns a Diagnostic).
// Implementations live one per file under worker/maps/ (array.ts, hash.ts, prog_array.ts, ...) and
// register themselves when imported; worker/maps/index.ts imports them all.
//
// Value storage contract (so that a program can write through a pointer returned by
// bpf_map_lookup_elem, as in the kernel): every value lives in one backing buffer, `valueArea`,
// at `slot * valueStride`. `lookup` returns a live view of those bytes plus the slot; the VM maps the
// whole area into its address space once (one region per map, see worker/vm/memory.ts) and an access
// may not cross from one value into the next. `ValuePool` below gives a hash-like map its slots the
// way the kernel's preallocated htab does (kernel/bpf/hashtab.c, prealloc_init / pcpu_freelist).
//
// Extensions for other map kinds: per-CPU maps get the program's CPU in lookup/update/delete (`cpu`);
// array/hash of maps implement `lookupMap` (the inner map's index in the run's map list, so
// bpf_map_lookup_elem returns its pointer); a ringbuf exposes its data area as `valueArea` and hands out
// record addresses with HelperEnv.mapValueAddr(index, 0) + offset; queue/stack and others add their own
// methods, which their helpers reach with `instanceof`.
//
// Error codes are the kernel's negative errnos (kernel/bpf/arraymap.c, hashtab.c, syscall.c
// map_update_elem/map_delete_elem). This module does not run programs nor know about helpers.

import type { MapDef } from '../isa/program';
import { err, type Diagnostic } from '../util/diag';

// ---- kernel constants (include/uapi/linux/bpf.h, include/uapi/asm-generic/errno-base.h) ----------
export const BPF_ANY = 0;
export const BPF_NOEXIST = 1;
export const BPF_EXIST = 2;
export const BPF_F_LOCK = 4;

export const EPERM = 1;
export const ENOENT = 2;
export const E2BIG = 7;
export const ENOMEM = 12;
export const EBUSY = 16;
export const EEXIST = 17;
export const EINVAL = 22;
export const ENOSPC = 28;
export const EBADF = 9;
export const EAGAIN = 11;
export const ENOTSUPP = 524;

/** map_flags bits used here (include/uapi/linux/bpf.h). */
export const BPF_F_NO_PREALLOC = 1 << 0;
export const BPF_F_RDONLY_PROG = 1 << 7;
export const BPF_F_WRONLY_PROG = 1 << 8;

/** A live view of one map value and the slot that fixes its address. */
export interface MapValueRef {
  /** Live bytes (a subarray of `valueArea`); writes go straight into the map. */
  bytes: Uint8Array;
  /** The element's storage index: its bytes start at `slot * valueStride` in `valueArea`. */
  slot: number;
}

/** One entry of a dump, in the order `bpftool map dump` prints them. */
export interface MapEntry {
  key: Uint8Array;
  value: Uint8Array;
}

export interface MapImpl {
  readonly def: MapDef;
  /** The backing store of every value (see the module comment). May be empty for maps without values. */
  readonly valueArea: Uint8Array;
  /** Distance between two slots in `valueArea` (the value size rounded up to 8, as the kernel's elem_size). */
  readonly valueStride: number;
  /** Programs may read/write values through pointers (false for maps like prog_array). */
  readonly valuesAccessible: boolean;
  /**
   * bpf_map_lookup_elem: a live view, or null when the key is absent. `key` has keySize bytes.
   * `cpu` is given when a program looks up (per-CPU maps return that CPU's value); absent for user space.
   */
  lookup(key: Uint8Array, cpu?: number): MapValueRef | null;
  /**
   * The value a lookup would return, without a lookup's side effects (an LRU lookup sets the element's
   * reference bit): for recording a step's before/after values. Maps without side effects may omit it.
   */
  peek?(key: Uint8Array, cpu?: number): MapValueRef | null;
  /**
   * bpf_map_update_elem: 0 or a negative errno (-ENOENT, -EEXIST, -E2BIG, -EINVAL). With `cpu` (a
   * program's update) per-CPU maps write that CPU's copy; without it, `value` holds every CPU's copy
   * as the bpf() syscall passes them.
   */
  update(key: Uint8Array, value: Uint8Array, flags: number, cpu?: number): number;
  /** bpf_map_delete_elem: 0 or a negative errno. */
  delete(key: Uint8Array, cpu?: number): number;
  /**
   * For maps whose lookup from a program yields a pointer to something other than a value (array/hash
   * of maps: the inner map, whose index in the run's map list this returns). map_lookup_elem then
   * returns that map's pointer. Absent for ordinary maps.
   */
  lookupMap?(key: Uint8Array): number | null;
  /**
   * Initial contents given as text rather than hex bytes (a cgroup_array slot's cgroup path): the
   * update's result, or null when `text` is not such a value (createMap then expects hex).
   */
  updateText?(key: Uint8Array, text: string): number | null;
  /** BPF_MAP_GET_NEXT_KEY: the key after `key` (the first key for null or an absent key), or null at the end. */
  getNextKey(key: Uint8Array | null): Uint8Array | null;
  /** All entries, as `bpftool map dump` shows them (copies). */
  entries(): MapEntry[];
  /** An opaque copy of the whole state, for the VM's checkpoints. */
  snapshot(): unknown;
  /** Puts back a snapshot; `valueArea` keeps its identity (its contents are overwritten in place). */
  restore(snapshot: unknown): void;
}

/** Builds a map; `all` is the run's map list (Program.maps) when the caller has it (map-in-map values name
 * maps of that list). */
export type MapFactory = (def: MapDef, all?: readonly MapDef[]) => MapImpl | Diagnostic;

const factories = new Map<string, MapFactory>();

/** Adds a map type (kernel name without BPF_MAP_TYPE_, lower case). A later registration replaces an earlier one. */
export function registerMapType(type: string, factory: MapFactory): void {
  factories.set(type, factory);
}

export function mapTypeRegistered(type: string): boolean {
  return factories.has(type);
}

export function registeredMapTypes(): string[] {
  return [...factories.keys()].sort();
}

/**
 * Builds a map from its definition, or explains (as the kernel's map_alloc_check would) why it cannot.
 * `all` is the run's map list (Program.maps, `def` among them): with it, array/hash of maps check the maps
 * they are given against their inner template, and their initial values may name an inner map instead of
 * giving its index in that list. Without it those checks are skipped and values must be indices.
 */
export function createMap(def: MapDef, all?: readonly MapDef[]): MapImpl | Diagnostic {
  const loc = { line: def.loc?.line, col: def.loc?.col, byteOffset: def.loc?.byteOffset };
  const f = factories.get(def.type);
  if (!f) return err(`map '${def.name}': map type '${def.type}' is not simulated (known: ${registeredMapTypes().join(', ')})`, loc, 'map.type');
  for (const [what, v] of [['key_size', def.keySize], ['value_size', def.valueSize], ['max_entries', def.maxEntries]] as const) {
    if (!Number.isInteger(v) || v < 0) return err(`map '${def.name}': ${what} ${v} is invalid (-EINVAL)`, loc, 'map.def');
  }
  let m: MapImpl | Diagnostic;
  try {
    m = f(def, all);
  } catch (e) {
    return err(`map '${def.name}': internal error creating the map: ${e instanceof Error ? e.message : String(e)}`, loc, 'bug');
  }
  if ('severity' in m) return m;
  if (def.initial) {
    for (const [i, kv] of def.initial.entries()) {
      const key = hexBytes(kv.key);
      if (key && key.length === def.keySize && m.updateText) {
        const rc = m.updateText(key, kv.value);
        if (rc !== null) {
          if (rc !== 0) return err(`map '${def.name}': initial entry ${i}: update failed with ${errnoName(rc)}`, loc, 'map.initial');
          continue;
        }
      }
      // array/hash of maps: a value may name the inner map (user space passes its fd; we store its index).
      const named = def.inner && all ? all.findIndex((d) => d.name === kv.value) : -1;
      const value = named >= 0 ? Uint8Array.of(named & 0xff, (named >> 8) & 0xff, 0, 0) : hexBytes(kv.value);
      if (!key || key.length !== def.keySize) return err(`map '${def.name}': initial entry ${i}: key must be ${def.keySize} bytes of hex`, loc, 'map.initial');
      if (!value || value.length !== def.valueSize) return err(`map '${def.name}': initial entry ${i}: value must be ${def.valueSize} bytes of hex${def.inner ? ' or the name of a map' : ''}`, loc, 'map.initial');
      const rc = m.update(key, value, BPF_ANY);
      if (rc !== 0) return err(`map '${def.name}': initial entry ${i}: update failed with ${errnoName(rc)}`, loc, 'map.initial');
    }
  }
  return m;
}

/** Builds every map of a run (Program.maps), in order, each knowing the others (see createMap). */
export function createMapSet(defs: readonly MapDef[]): { maps: MapImpl[] | null; diagnostics: Diagnostic[] } {
  const maps: MapImpl[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const d of defs) {
    const m = createMap(d, defs);
    if ('severity' in m) diagnostics.push(m);
    else maps.push(m);
  }
  return { maps: diagnostics.length ? null : maps, diagnostics };
}

/** "-ENOENT" for -2, etc. */
export function errnoName(rc: number): string {
  const names: Record<number, string> = { [EPERM]: 'EPERM', [ENOENT]: 'ENOENT', [EBADF]: 'EBADF', [EAGAIN]: 'EAGAIN', [E2BIG]: 'E2BIG', [ENOMEM]: 'ENOMEM', [EBUSY]: 'EBUSY', [EEXIST]: 'EEXIST', [EINVAL]: 'EINVAL', [ENOSPC]: 'ENOSPC', [ENOTSUPP]: 'ENOTSUPP' };
  const n = names[-rc];
  return n ? `-${n}` : String(rc);
}

/** Parses "0a 0b", "0x0a0b" or "0a0b" into bytes; null when it is not hex. */
export function hexBytes(s: string): Uint8Array | null {
  const t = s.replace(/0x/gi, '').replace(/[\s:,]/g, '');
  if (t.length % 2 !== 0 || /[^0-9a-fA-F]/.test(t)) return null;
  const out = new Uint8Array(t.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(t.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

/** The kernel's elem value stride: round_up(value_size, 8). */
export function valueStrideOf(valueSize: number): number {
  return Math.max(8, (valueSize + 7) & ~7);
}

/**
 * Fixed slots in one buffer, handed out and taken back like the kernel's preallocated htab elements
 * (a free list; a freed slot is reused first, so a stale pointer sees the new element's value, as in
 * the kernel). Deterministic: always the most recently freed slot, else the lowest never-used one.
 */
export class ValuePool {
  readonly area: Uint8Array;
  private free: number[] = [];
  private next = 0;
  constructor(readonly capacity: number, readonly stride: number) {
    this.area = new Uint8Array(capacity * stride);
  }
  /** A free slot, or -1 when all are in use. */
  alloc(): number {
    if (this.free.length > 0) return this.free.pop()!;
    if (this.next < this.capacity) return this.next++;
    return -1;
  }
  release(slot: number): void {
    this.free.push(slot);
  }
  view(slot: number, size: number): Uint8Array {
    return this.area.subarray(slot * this.stride, slot * this.stride + size);
  }
  snapshot(): { area: Uint8Array; free: number[]; next: number } {
    return { area: this.area.slice(), free: this.free.slice(), next: this.next };
  }
  restore(s: { area: Uint8Array; free: number[]; next: number }): void {
    this.area.set(s.area);
    this.free = s.free.slice();
    this.next = s.next;
  }
}

/** Compares two keys as unsigned bytes, first byte first (bpftool prints hash maps in the kernel's bucket order; we sort by key bytes, documented in the CLI contract). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** htab_map_delete_elem for the hash-style maps: removes the element under key id `k` (the hex of its key
 * bytes), giving its storage back through `release`; -ENOENT when absent. */
export function hashDelete<E>(elems: Map<string, E>, k: string, release: (e: E) => void): number {
  const e = elems.get(k);
  if (e === undefined) return -ENOENT;
  elems.delete(k);
  release(e);
  return 0;
}

/** htab_map_get_next_key for the hash-style maps, walking `elems` in its iteration order: the key after
 * key id `k`, the first key when `k` is null or absent, null after the last. */
export function hashNextKey<E extends { key: Uint8Array }>(elems: Map<string, E>, k: string | null): Uint8Array | null {
  if (k !== null && elems.has(k)) {
    let seen = false;
    for (const [id, e] of elems) {
      if (seen) return e.key.slice();
      if (id === k) seen = true;
    }
    return null;
  }
  const first = elems.values().next();
  return first.done ? null : first.value.key.slice();
}
