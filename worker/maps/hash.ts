// BPF_MAP_TYPE_HASH: key -> value with at most max_entries elements, preallocated like the kernel's
// default htab (kernel/bpf/hashtab.c: htab_map_alloc_check, htab_map_update_elem, htab_map_delete_elem,
// htab_map_get_next_key). Errors: bad flags -EINVAL, BPF_NOEXIST on a present key -EEXIST, BPF_EXIST on
// an absent key -ENOENT, a new key when full -E2BIG, delete of an absent key -ENOENT.
// Differences, documented: an update of a present key copies the new value in place (the kernel swaps in
// a fresh element, so an old pointer would keep the old bytes); get_next_key walks keys in insertion order
// (the kernel walks its hash buckets, whose order depends on a random seed); entries() is sorted by key bytes.
// No BTF, so BPF_F_LOCK gives -EINVAL. Not LRU, not per-CPU.

import type { MapDef } from '../isa/program';
import { err } from '../util/diag';
import {
  BPF_EXIST, BPF_F_LOCK, BPF_NOEXIST, E2BIG, EEXIST, EINVAL, ENOENT, ValuePool, bytesHex, compareBytes,
  registerMapType, hashDelete, hashNextKey, valueStrideOf, type MapEntry, type MapImpl, type MapValueRef,
} from './types';

interface Elem {
  key: Uint8Array;
  slot: number;
}

export class HashMap implements MapImpl {
  readonly valueStride: number;
  readonly valuesAccessible = true;
  private pool: ValuePool;
  private elems = new Map<string, Elem>();
  constructor(readonly def: MapDef) {
    this.valueStride = valueStrideOf(def.valueSize);
    this.pool = new ValuePool(def.maxEntries, this.valueStride);
  }
  get valueArea(): Uint8Array {
    return this.pool.area;
  }
  get size(): number {
    return this.elems.size;
  }
  private k(key: Uint8Array): string {
    return bytesHex(key.subarray(0, this.def.keySize));
  }
  lookup(key: Uint8Array): MapValueRef | null {
    const e = this.elems.get(this.k(key));
    return e ? { bytes: this.pool.view(e.slot, this.def.valueSize), slot: e.slot } : null;
  }
  update(key: Uint8Array, value: Uint8Array, flags: number): number {
    if ((flags & ~BPF_F_LOCK) > BPF_EXIST) return -EINVAL;
    if (flags & BPF_F_LOCK) return -EINVAL; // no bpf_spin_lock in the value (no BTF)
    const k = this.k(key);
    const old = this.elems.get(k);
    if (old && (flags & 3) === BPF_NOEXIST) return -EEXIST;
    if (!old && (flags & 3) === BPF_EXIST) return -ENOENT;
    if (old) {
      this.pool.view(old.slot, this.def.valueSize).set(value.subarray(0, this.def.valueSize));
      return 0;
    }
    if (this.elems.size >= this.def.maxEntries) return -E2BIG;
    const slot = this.pool.alloc();
    if (slot < 0) return -E2BIG;
    const v = this.pool.view(slot, this.valueStride);
    v.fill(0);
    v.set(value.subarray(0, this.def.valueSize));
    this.elems.set(k, { key: key.slice(0, this.def.keySize), slot });
    return 0;
  }
  delete(key: Uint8Array): number {
    return hashDelete(this.elems, this.k(key), (e) => this.pool.release(e.slot));
  }
  getNextKey(key: Uint8Array | null): Uint8Array | null {
    return hashNextKey(this.elems, key && this.k(key));
  }
  entries(): MapEntry[] {
    return [...this.elems.values()]
      .map((e) => ({ key: e.key.slice(), value: this.pool.view(e.slot, this.def.valueSize).slice() }))
      .sort((a, b) => compareBytes(a.key, b.key));
  }
  snapshot(): unknown {
    return { pool: this.pool.snapshot(), elems: [...this.elems.entries()].map(([k, e]) => [k, { key: e.key.slice(), slot: e.slot }] as const) };
  }
  restore(s: unknown): void {
    const snap = s as { pool: ReturnType<ValuePool['snapshot']>; elems: (readonly [string, Elem])[] };
    this.pool.restore(snap.pool);
    this.elems = new Map(snap.elems.map(([k, e]) => [k, { key: e.key.slice(), slot: e.slot }]));
  }
}

/** htab_map_alloc_check: key_size, value_size and max_entries > 0. */
export function checkHashDef(def: MapDef, what: string): string | null {
  if (def.keySize === 0) return `${what} needs key_size > 0 (-EINVAL)`;
  if (def.valueSize === 0) return `${what} needs value_size > 0 (-EINVAL)`;
  if (def.maxEntries === 0) return `${what} needs max_entries > 0 (-EINVAL)`;
  if (def.keySize > 512) return `${what}: key_size ${def.keySize} is too large (-E2BIG)`;
  return null;
}

registerMapType('hash', (def) => {
  const e = checkHashDef(def, `hash map '${def.name}'`);
  return e ? err(e, { line: def.loc?.line, col: def.loc?.col }, 'map.def') : new HashMap(def);
});
