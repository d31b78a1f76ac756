// BPF_MAP_TYPE_PERCPU_ARRAY and BPF_MAP_TYPE_PERCPU_HASH (kernel/bpf/arraymap.c, hashtab.c): every
// element has one value per possible CPU. A program sees and updates only the copy of the CPU it runs on
// (`setCpu`, set by the runner from the run's CPU); user space sees all copies, each padded to a multiple
// of 8 bytes, concatenated in CPU order — the layout of the bpf() syscall and of `bpftool map dump`.
// Initial contents given as one value are copied to every CPU (as bpftool does); a user-space update
// with one padded value per CPU (the syscall layout) sets each CPU's copy. The number of CPUs is
// configurable (PERCPU.nrCpus, default 4). Errors as array.ts / hash.ts.

import type { MapDef } from '../isa/program';
import { err } from '../util/diag';
import { checkHashDef } from './hash';
import {
  BPF_EXIST, BPF_F_LOCK, BPF_NOEXIST, E2BIG, EEXIST, EINVAL, ENOENT, ValuePool, bytesHex, compareBytes,
  registerMapType, hashDelete, hashNextKey, valueStrideOf, type MapEntry, type MapImpl, type MapValueRef,
} from './types';

export const PERCPU = { nrCpus: 4 };

abstract class PercpuBase implements MapImpl {
  readonly valueStride: number;
  readonly valuesAccessible = true;
  readonly nrCpus: number;
  cpu = 0;
  /** True while a program runs (updates then touch only the current CPU's copy). */
  inProgram = false;
  constructor(readonly def: MapDef) {
    this.valueStride = valueStrideOf(def.valueSize);
    this.nrCpus = Math.max(1, PERCPU.nrCpus);
  }
  abstract get valueArea(): Uint8Array;
  setCpu(cpu: number): void {
    this.cpu = Math.min(Math.max(0, cpu), this.nrCpus - 1);
  }
  protected copy(elem: number, cpu: number): Uint8Array {
    const s = (elem * this.nrCpus + cpu) * this.valueStride;
    return this.valueArea.subarray(s, s + this.def.valueSize);
  }
  /** Writes one value to the running CPU's copy (program) or to every CPU (user space / initial contents). */
  protected store(elem: number, value: Uint8Array): void {
    const v = value.subarray(0, this.def.valueSize);
    const pad = (this.def.valueSize + 7) & ~7;
    if (this.inProgram) this.copy(elem, this.cpu).set(v);
    else if (value.length >= pad * this.nrCpus)
      // the bpf() syscall's layout: one padded value per CPU
      for (let c = 0; c < this.nrCpus; c++) this.copy(elem, c).set(value.subarray(c * pad, c * pad + this.def.valueSize));
    else for (let c = 0; c < this.nrCpus; c++) this.copy(elem, c).set(v);
  }
  protected allCpus(elem: number): Uint8Array {
    const pad = (this.def.valueSize + 7) & ~7;
    const out = new Uint8Array(pad * this.nrCpus);
    for (let c = 0; c < this.nrCpus; c++) out.set(this.copy(elem, c), c * pad);
    return out;
  }
  protected ref(elem: number): MapValueRef {
    return { bytes: this.copy(elem, this.cpu), slot: elem * this.nrCpus + this.cpu };
  }
  abstract lookup(key: Uint8Array): MapValueRef | null;
  abstract update(key: Uint8Array, value: Uint8Array, flags: number): number;
  abstract delete(key: Uint8Array): number;
  abstract getNextKey(key: Uint8Array | null): Uint8Array | null;
  abstract entries(): MapEntry[];
  abstract snapshot(): unknown;
  abstract restore(s: unknown): void;
}

const u32 = (key: Uint8Array): number => (key[0]! | (key[1]! << 8) | (key[2]! << 16) | (key[3]! << 24)) >>> 0;
const keyOf = (i: number): Uint8Array => Uint8Array.of(i & 0xff, (i >>> 8) & 0xff, (i >>> 16) & 0xff, (i >>> 24) & 0xff);

export class PercpuArrayMap extends PercpuBase {
  readonly valueArea: Uint8Array;
  constructor(def: MapDef) {
    super(def);
    this.valueArea = new Uint8Array(def.maxEntries * this.nrCpus * this.valueStride);
  }
  lookup(key: Uint8Array): MapValueRef | null {
    const i = u32(key);
    return i < this.def.maxEntries ? this.ref(i) : null;
  }
  update(key: Uint8Array, value: Uint8Array, flags: number, cpu?: number): number {
    // from user space the bpf() syscall refuses BPF_F_LOCK without a spin lock before the map sees it
    // (map_update_elem); a program's update follows array_map_update_elem's order: unknown flags, then
    // the index, then BPF_NOEXIST, then BPF_F_LOCK
    if (cpu === undefined && flags & BPF_F_LOCK) return -EINVAL;
    if ((flags & ~BPF_F_LOCK) > BPF_EXIST) return -EINVAL;
    const i = u32(key);
    if (i >= this.def.maxEntries) return -E2BIG;
    if (flags & BPF_NOEXIST) return -EEXIST;
    if (flags & BPF_F_LOCK) return -EINVAL; // no bpf_spin_lock in the value (no BTF)
    this.store(i, value);
    return 0;
  }
  delete(): number {
    return -EINVAL;
  }
  getNextKey(key: Uint8Array | null): Uint8Array | null {
    const i = key ? u32(key) : this.def.maxEntries;
    if (i >= this.def.maxEntries) return this.def.maxEntries > 0 ? keyOf(0) : null;
    return i === this.def.maxEntries - 1 ? null : keyOf(i + 1);
  }
  entries(): MapEntry[] {
    return Array.from({ length: this.def.maxEntries }, (_, i) => ({ key: keyOf(i), value: this.allCpus(i) }));
  }
  snapshot(): unknown {
    return this.valueArea.slice();
  }
  restore(s: unknown): void {
    this.valueArea.set(s as Uint8Array);
  }
}

interface Elem { key: Uint8Array; elem: number }

export class PercpuHashMap extends PercpuBase {
  private pool: ValuePool;
  private elems = new Map<string, Elem>();
  constructor(def: MapDef) {
    super(def);
    this.pool = new ValuePool(def.maxEntries, this.valueStride * this.nrCpus);
  }
  get valueArea(): Uint8Array {
    return this.pool.area;
  }
  private k(key: Uint8Array): string {
    return bytesHex(key.subarray(0, this.def.keySize));
  }
  lookup(key: Uint8Array): MapValueRef | null {
    const e = this.elems.get(this.k(key));
    return e ? this.ref(e.elem) : null;
  }
  update(key: Uint8Array, value: Uint8Array, flags: number): number {
    // __htab_percpu_map_update_elem: any flag above BPF_EXIST, BPF_F_LOCK included, is -EINVAL first
    if (flags > BPF_EXIST) return -EINVAL;
    const k = this.k(key);
    const old = this.elems.get(k);
    if (old && (flags & 3) === BPF_NOEXIST) return -EEXIST;
    if (!old && (flags & 3) === BPF_EXIST) return -ENOENT;
    if (old) {
      this.store(old.elem, value);
      return 0;
    }
    if (this.elems.size >= this.def.maxEntries) return -E2BIG;
    const elem = this.pool.alloc();
    if (elem < 0) return -E2BIG;
    for (let c = 0; c < this.nrCpus; c++) this.copy(elem, c).fill(0);
    // A new element from a program gets the value on this CPU and zeros elsewhere (pcpu_init_value).
    this.store(elem, value);
    this.elems.set(k, { key: key.slice(0, this.def.keySize), elem });
    return 0;
  }
  delete(key: Uint8Array): number {
    return hashDelete(this.elems, this.k(key), (e) => this.pool.release(e.elem));
  }
  getNextKey(key: Uint8Array | null): Uint8Array | null {
    return hashNextKey(this.elems, key && this.k(key));
  }
  entries(): MapEntry[] {
    return [...this.elems.values()].map((e) => ({ key: e.key.slice(), value: this.allCpus(e.elem) })).sort((a, b) => compareBytes(a.key, b.key));
  }
  snapshot(): unknown {
    return { pool: this.pool.snapshot(), elems: [...this.elems.entries()].map(([k, e]) => [k, { key: e.key.slice(), elem: e.elem }] as const) };
  }
  restore(s: unknown): void {
    const snap = s as { pool: ReturnType<ValuePool['snapshot']>; elems: (readonly [string, Elem])[] };
    this.pool.restore(snap.pool);
    this.elems = new Map(snap.elems.map(([k, e]) => [k, { key: e.key.slice(), elem: e.elem }]));
  }
}

/** Marks the start/end of a program run on `cpu` for every per-CPU map in a list. */
export function enterPercpuRun(maps: readonly MapImpl[], cpu: number, running: boolean): void {
  for (const m of maps)
    if (m instanceof PercpuBase) {
      m.setCpu(cpu);
      m.inProgram = running;
    }
}

registerMapType('percpu_array', (def) => {
  const loc = { line: def.loc?.line, col: def.loc?.col };
  if (def.keySize !== 4) return err(`percpu_array map '${def.name}' needs key_size 4 (-EINVAL)`, loc, 'map.def');
  if (def.valueSize === 0 || def.maxEntries === 0) return err(`percpu_array map '${def.name}' needs value_size and max_entries > 0 (-EINVAL)`, loc, 'map.def');
  return new PercpuArrayMap(def);
});
registerMapType('percpu_hash', (def) => {
  const e = checkHashDef(def, `percpu_hash map '${def.name}'`);
  return e ? err(e, { line: def.loc?.line, col: def.loc?.col }, 'map.def') : new PercpuHashMap(def);
});
