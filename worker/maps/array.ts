// BPF_MAP_TYPE_ARRAY: max_entries preallocated, zero-filled values indexed by a u32 key.
// Follows kernel/bpf/arraymap.c (array_map_alloc_check, array_map_lookup_elem, array_map_update_elem,
// array_map_delete_elem, array_map_get_next_key). No BTF, so no spin locks: BPF_F_LOCK gives -EINVAL,
// as the kernel does for a value without a struct bpf_spin_lock. Not per-CPU (percpu_array is separate).

import type { MapDef } from '../isa/program';
import { err } from '../util/diag';
import {
  BPF_EXIST, BPF_F_LOCK, BPF_NOEXIST, E2BIG, EEXIST, EINVAL, registerMapType, valueStrideOf,
  type MapEntry, type MapImpl, type MapValueRef,
} from './types';

const u32 = (key: Uint8Array): number => (key[0]! | (key[1]! << 8) | (key[2]! << 16) | (key[3]! << 24)) >>> 0;
const keyOf = (i: number): Uint8Array => new Uint8Array([i & 0xff, (i >>> 8) & 0xff, (i >>> 16) & 0xff, (i >>> 24) & 0xff]);

export class ArrayMap implements MapImpl {
  readonly valueArea: Uint8Array;
  readonly valueStride: number;
  readonly valuesAccessible = true;
  constructor(readonly def: MapDef) {
    this.valueStride = valueStrideOf(def.valueSize);
    this.valueArea = new Uint8Array(def.maxEntries * this.valueStride);
  }
  private view(i: number): Uint8Array {
    return this.valueArea.subarray(i * this.valueStride, i * this.valueStride + this.def.valueSize);
  }
  lookup(key: Uint8Array): MapValueRef | null {
    const i = u32(key);
    if (i >= this.def.maxEntries) return null;
    return { bytes: this.view(i), slot: i };
  }
  update(key: Uint8Array, value: Uint8Array, flags: number, cpu?: number): number {
    // user space (no cpu): the bpf() syscall refuses BPF_F_LOCK without a spin lock first (map_update_elem);
    // a program's update checks flags, index and BPF_NOEXIST before BPF_F_LOCK (array_map_update_elem)
    if (cpu === undefined && flags & BPF_F_LOCK) return -EINVAL;
    if ((flags & ~BPF_F_LOCK) > BPF_EXIST) return -EINVAL;
    const i = u32(key);
    if (i >= this.def.maxEntries) return -E2BIG;
    if (flags & BPF_NOEXIST) return -EEXIST; // all elements always exist
    if (flags & BPF_F_LOCK) return -EINVAL; // no bpf_spin_lock in the value (no BTF)
    this.view(i).set(value.subarray(0, this.def.valueSize));
    return 0;
  }
  delete(): number {
    return -EINVAL;
  }
  getNextKey(key: Uint8Array | null): Uint8Array | null {
    const i = key ? u32(key) : this.def.maxEntries;
    if (i >= this.def.maxEntries) return this.def.maxEntries > 0 ? keyOf(0) : null;
    if (i === this.def.maxEntries - 1) return null; // -ENOENT
    return keyOf(i + 1);
  }
  entries(): MapEntry[] {
    const out: MapEntry[] = [];
    for (let i = 0; i < this.def.maxEntries; i++) out.push({ key: keyOf(i), value: this.view(i).slice() });
    return out;
  }
  snapshot(): unknown {
    return this.valueArea.slice();
  }
  restore(s: unknown): void {
    this.valueArea.set(s as Uint8Array);
  }
}

/** array_map_alloc_check: key_size 4, value_size > 0, max_entries > 0. */
export function checkArrayDef(def: MapDef, what: string): string | null {
  if (def.keySize !== 4) return `${what} needs key_size 4, got ${def.keySize} (-EINVAL)`;
  if (def.valueSize === 0) return `${what} needs value_size > 0 (-EINVAL)`;
  if (def.maxEntries === 0) return `${what} needs max_entries > 0 (-EINVAL)`;
  if (def.valueSize > 1 << 20) return `${what}: value_size ${def.valueSize} is too large (-E2BIG)`;
  return null;
}

registerMapType('array', (def) => {
  const e = checkArrayDef(def, `array map '${def.name}'`);
  return e ? err(e, { line: def.loc?.line, col: def.loc?.col }, 'map.def') : new ArrayMap(def);
});


