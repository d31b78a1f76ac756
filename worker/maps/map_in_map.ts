// BPF_MAP_TYPE_ARRAY_OF_MAPS and BPF_MAP_TYPE_HASH_OF_MAPS (kernel/bpf/map_in_map.c, arraymap.c
// fd_array / array_of_map_*, hashtab.c fd_htab / htab_of_map_*): maps whose values are other maps.
//
// The outer map is created with an inner-map template (`MapDef.inner`, what libbpf builds from
// `__array(values, struct inner)` and passes as inner_map_fd). bpf_map_meta_alloc refuses a template that is
// itself a map-in-map (-EINVAL) or a type that cannot be an inner map (no map_meta_equal: the local
// storages, cgroup storages, struct_ops: -ENOTSUPP). A value is an inner map: user space stores a map fd
// and reads back the map id; bpfplay stores and shows the inner map's index in the run's map list
// (Program.maps), as a u32. Storing a map checks it against the template as bpf_map_meta_equal does:
// same type, key_size, value_size and map_flags, and for array, percpu_array, prog_array and xskmap also
// max_entries unless the template has BPF_F_INNER_MAP (array_map_meta_equal); otherwise -EINVAL, and an
// index that names no map -EBADF. Initial contents may name the inner map instead of giving its index
// (`{key: "00000000", value: "inner_a"}`), resolved against the run's maps (createMap's `all`).
//
// Outer map rules: value_size must be 4 (-EINVAL); array_of_maps: key_size 4, updates only with BPF_ANY
// (-EINVAL), index >= max_entries -E2BIG, delete of an empty slot -ENOENT (bpf_fd_array_map_update_elem,
// fd_array_map_delete_elem); hash_of_maps: hash flags and errors (-EEXIST, -ENOENT, -E2BIG when full).
// From a program only bpf_map_lookup_elem is allowed (check_map_func_compatibility); it returns the inner
// map's pointer (MapImpl.lookupMap) or NULL. An unverified program's update or delete gets -EINVAL here.
// The dump lists the occupied slots (key, inner map index), sorted by key.

import type { MapDef } from '../isa/program';
import { err } from '../util/diag';
import { checkArrayDef } from './array';
import { checkHashDef } from './hash';
import {
  BPF_ANY, BPF_EXIST, BPF_NOEXIST, E2BIG, EBADF, EEXIST, EINVAL, ENOENT, ENOTSUPP, bytesHex, compareBytes, registerMapType,
  type MapEntry, type MapImpl, type MapValueRef,
} from './types';

export const BPF_F_INNER_MAP = 1 << 12;
/** Map types whose ops have no map_meta_equal: they cannot be inner maps. */
const NOT_INNER = new Set(['sk_storage', 'inode_storage', 'task_storage', 'cgrp_storage', 'cgroup_storage', 'percpu_cgroup_storage', 'struct_ops']);
/** Types whose map_meta_equal also compares max_entries. */
const SAME_MAX_ENTRIES = new Set(['array', 'percpu_array', 'prog_array', 'xskmap']);

const u32 = (b: Uint8Array): number => (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
const le32 = (i: number): Uint8Array => Uint8Array.of(i & 0xff, (i >>> 8) & 0xff, (i >>> 16) & 0xff, (i >>> 24) & 0xff);

export const isMapInMap = (type: string): boolean => type === 'array_of_maps' || type === 'hash_of_maps';

/** bpf_map_meta_equal (with array_map_meta_equal's max_entries rule) of the template and a candidate map. */
export function innerMatches(tmpl: MapDef, m: MapDef): boolean {
  if (tmpl.type !== m.type || tmpl.keySize !== m.keySize || tmpl.valueSize !== m.valueSize || tmpl.flags !== m.flags) return false;
  if (SAME_MAX_ENTRIES.has(tmpl.type) && !(tmpl.flags & BPF_F_INNER_MAP)) return tmpl.maxEntries === m.maxEntries;
  return true;
}

export class MapInMap implements MapImpl {
  readonly valueArea = new Uint8Array(0);
  readonly valueStride = 8;
  readonly valuesAccessible = false;
  readonly hash: boolean;
  /** Key id (hex of the key bytes) -> the key and the inner map's index. */
  private slots = new Map<string, { key: Uint8Array; inner: number }>();
  constructor(readonly def: MapDef, private readonly all: readonly MapDef[] | null) {
    this.hash = def.type === 'hash_of_maps';
  }
  private k(key: Uint8Array): string {
    return bytesHex(key.subarray(0, this.def.keySize));
  }
  /** bpf_map_fd_get_ptr: 0 when map `index` may be stored, else the errno. */
  checkInner(index: number): number {
    if (this.all === null) return 0; // nothing to check against (the caller did not give the run's maps)
    const m = this.all[index];
    if (!m) return -EBADF;
    return this.def.inner && innerMatches(this.def.inner, m) ? 0 : -EINVAL;
  }
  lookupMap(key: Uint8Array): number | null {
    return this.slots.get(this.k(key))?.inner ?? null;
  }
  /** User space's lookup: the stored inner map (as its u32 index), as bpf_map_fd_sys_lookup_elem gives its id. */
  lookup(key: Uint8Array, cpu?: number): MapValueRef | null {
    if (cpu !== undefined) return null;
    const s = this.slots.get(this.k(key));
    return s ? { bytes: le32(s.inner), slot: 0 } : null;
  }
  update(key: Uint8Array, value: Uint8Array, flags: number, cpu?: number): number {
    if (cpu !== undefined) return -EINVAL; // programs may only look up (the verifier refuses the call)
    const inner = u32(value);
    if (!this.hash) {
      if (flags !== BPF_ANY) return -EINVAL;
      if (u32(key) >= this.def.maxEntries) return -E2BIG;
      const rc = this.checkInner(inner);
      if (rc) return rc;
    } else {
      const rc = this.checkInner(inner);
      if (rc) return rc;
      if (flags > BPF_EXIST) return -EINVAL;
      const had = this.slots.has(this.k(key));
      if (had && flags === BPF_NOEXIST) return -EEXIST;
      if (!had && flags === BPF_EXIST) return -ENOENT;
      if (!had && this.slots.size >= this.def.maxEntries) return -E2BIG;
    }
    this.slots.set(this.k(key), { key: key.slice(0, this.def.keySize), inner });
    return 0;
  }
  delete(key: Uint8Array, cpu?: number): number {
    if (cpu !== undefined) return -EINVAL;
    if (!this.hash && u32(key) >= this.def.maxEntries) return -E2BIG;
    return this.slots.delete(this.k(key)) ? 0 : -ENOENT;
  }
  getNextKey(key: Uint8Array | null): Uint8Array | null {
    if (!this.hash) {
      const i = key ? u32(key) : this.def.maxEntries;
      if (i >= this.def.maxEntries) return le32(0);
      return i + 1 < this.def.maxEntries ? le32(i + 1) : null;
    }
    const keys = [...this.slots.values()].map((s) => s.key).sort(compareBytes);
    if (!key || !this.slots.has(this.k(key))) return keys[0]?.slice() ?? null;
    const i = keys.findIndex((x) => compareBytes(x, key) > 0);
    return i >= 0 ? keys[i]!.slice() : null;
  }
  entries(): MapEntry[] {
    return [...this.slots.values()].map((s) => ({ key: s.key.slice(), value: le32(s.inner) })).sort((a, b) => compareBytes(a.key, b.key));
  }
  snapshot(): unknown {
    return [...this.slots.entries()].map(([k, s]) => [k, { key: s.key.slice(), inner: s.inner }] as const);
  }
  restore(snap: unknown): void {
    this.slots = new Map((snap as [string, { key: Uint8Array; inner: number }][]).map(([k, s]) => [k, { key: s.key.slice(), inner: s.inner }]));
  }
}

/** The outer map's creation checks (fd_array_map_alloc_check / fd_htab_map_alloc_check, bpf_map_meta_alloc). */
export function checkMapInMapDef(def: MapDef): { message: string } | null {
  const what = `${def.type} map '${def.name}'`;
  if (def.valueSize !== 4) return { message: `${what} needs value_size 4 (the inner map's fd) (-EINVAL)` };
  const base = def.type === 'array_of_maps' ? checkArrayDef(def, what) : checkHashDef(def, what);
  if (base) return { message: base };
  const t = def.inner;
  if (!t) return { message: `${what} needs an inner map template (libbpf: __array(values, struct inner); bpfplay asm: inner=NAME); the kernel gets no inner map fd (-EINVAL)` };
  if (isMapInMap(t.type)) return { message: `${what}: the inner map cannot itself be a map-in-map (-EINVAL)` };
  if (NOT_INNER.has(t.type)) return { message: `${what}: a ${t.type} map cannot be an inner map (-ENOTSUPP, ${ENOTSUPP})` };
  return null;
}

for (const type of ['array_of_maps', 'hash_of_maps'])
  registerMapType(type, (def, all) => {
    const e = checkMapInMapDef(def);
    return e ? err(e.message, { line: def.loc?.line, col: def.loc?.col, byteOffset: def.loc?.byteOffset }, 'map.def') : new MapInMap(def, all ?? null);
  });
