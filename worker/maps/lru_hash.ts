// BPF_MAP_TYPE_LRU_HASH: a hash map that, when full, evicts instead of failing (kernel/bpf/hashtab.c with
// bpf_lru_list.c). The kernel's LRU is an approximation (per-CPU or common free lists, an active and an
// inactive list, "reference" bits set on lookup, batches of LOCAL_FREE_TARGET evicted at a time);
// bpfplay models the idea exactly and deterministically: every lookup or update makes a key the most
// recently used, and inserting into a full map evicts the least recently used key, one at a time.
// Documented differences: the kernel may evict a little earlier (its free-list batching), and never
// fails with -E2BIG here either. Flags and errors otherwise as hash.ts.

import type { MapDef } from '../isa/program';
import { err } from '../util/diag';
import { checkHashDef } from './hash';
import {
  BPF_EXIST, BPF_F_LOCK, BPF_NOEXIST, EEXIST, EINVAL, ENOENT, ValuePool, bytesHex, compareBytes,
  registerMapType, hashDelete, hashNextKey, valueStrideOf, type MapEntry, type MapImpl, type MapValueRef,
} from './types';

interface Elem { key: Uint8Array; slot: number }

export class LruHashMap implements MapImpl {
  readonly valueStride: number;
  readonly valuesAccessible = true;
  private pool: ValuePool;
  /** Insertion order of a JS Map = recency order: first is least recently used. */
  private elems = new Map<string, Elem>();
  /** Keys evicted so far (for the UI: which element the LRU pushed out). */
  evicted: Uint8Array[] = [];
  constructor(readonly def: MapDef) {
    this.valueStride = valueStrideOf(def.valueSize);
    this.pool = new ValuePool(def.maxEntries, this.valueStride);
  }
  get valueArea(): Uint8Array {
    return this.pool.area;
  }
  private k(key: Uint8Array): string {
    return bytesHex(key.subarray(0, this.def.keySize));
  }
  private touch(k: string, e: Elem): void {
    this.elems.delete(k);
    this.elems.set(k, e);
  }
  lookup(key: Uint8Array): MapValueRef | null {
    const k = this.k(key);
    const e = this.elems.get(k);
    if (!e) return null;
    this.touch(k, e);
    return { bytes: this.pool.view(e.slot, this.def.valueSize), slot: e.slot };
  }
  update(key: Uint8Array, value: Uint8Array, flags: number): number {
    if ((flags & ~BPF_F_LOCK) > BPF_EXIST || flags & BPF_F_LOCK) return -EINVAL;
    const k = this.k(key);
    const old = this.elems.get(k);
    if (old && (flags & 3) === BPF_NOEXIST) return -EEXIST;
    if (!old && (flags & 3) === BPF_EXIST) return -ENOENT;
    if (old) {
      this.pool.view(old.slot, this.def.valueSize).set(value.subarray(0, this.def.valueSize));
      this.touch(k, old);
      return 0;
    }
    if (this.elems.size >= this.def.maxEntries) {
      const [lk, le] = this.elems.entries().next().value as [string, Elem];
      this.elems.delete(lk);
      this.pool.release(le.slot);
      this.evicted.push(le.key.slice());
    }
    const slot = this.pool.alloc();
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
    return [...this.elems.values()].map((e) => ({ key: e.key.slice(), value: this.pool.view(e.slot, this.def.valueSize).slice() })).sort((a, b) => compareBytes(a.key, b.key));
  }
  snapshot(): unknown {
    return { pool: this.pool.snapshot(), elems: [...this.elems.entries()].map(([k, e]) => [k, { key: e.key.slice(), slot: e.slot }] as const), evicted: this.evicted.length };
  }
  restore(s: unknown): void {
    const snap = s as { pool: ReturnType<ValuePool['snapshot']>; elems: (readonly [string, Elem])[]; evicted: number };
    this.pool.restore(snap.pool);
    this.elems = new Map(snap.elems.map(([k, e]) => [k, { key: e.key.slice(), slot: e.slot }]));
    this.evicted = this.evicted.slice(0, snap.evicted);
  }
}

registerMapType('lru_hash', (def) => {
  const e = checkHashDef(def, `lru_hash map '${def.name}'`);
  return e ? err(e, { line: def.loc?.line, col: def.loc?.col }, 'map.def') : new LruHashMap(def);
});
