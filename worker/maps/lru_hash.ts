// BPF_MAP_TYPE_LRU_HASH and BPF_MAP_TYPE_LRU_PERCPU_HASH (kernel/bpf/hashtab.c htab_lru_map_*,
// htab_lru_percpu_map_*): hash maps that evict instead of failing when full, with the kernel's own
// approximate LRU (worker/maps/bpf_lru.ts models bpf_lru_list.c node for node).
//
// As in the kernel: max_entries elements are preallocated (BPF_F_NO_PREALLOC gives -ENOTSUPP); with
// BPF_F_NO_COMMON_LRU each CPU has its own LRU list and max_entries is rounded up to a multiple of the CPU
// count (down if that overflows). An update always takes a fresh node first (prealloc_lru_pop, which may
// evict, even when the key is present or the flags then fail), then checks the flags (-EEXIST, -ENOENT;
// flags above BPF_EXIST, BPF_F_LOCK included, give -EINVAL), links the new element and frees the old one,
// whose replacement gets the reference bit. lru_percpu_hash updates a present key in place (setting its
// reference bit) and takes no node for BPF_EXIST. Only a program's lookup sets the reference bit (the
// syscall lookup does not). No node at all gives -ENOMEM. A program runs on the CPU of the run; user space
// (initial contents, the CLI) acts as CPU 0. The CPU count is PERCPU.nrCpus (worker/maps/percpu.ts).
// `evicted` lists the keys the LRU pushed out, for the UI. Dumps are sorted by key (the kernel walks its
// buckets). Values of lru_percpu_hash: a program sees its CPU's copy; user space all copies, each padded to
// 8 bytes, as percpu.ts.

import type { MapDef } from '../isa/program';
import { err } from '../util/diag';
import { BpfLru, type BpfLruState } from './bpf_lru';
import { checkHashDef } from './hash';
import { PERCPU } from './percpu';
import {
  BPF_EXIST, BPF_F_NO_PREALLOC, BPF_NOEXIST, EEXIST, EINVAL, ENOENT, ENOMEM, bytesHex, compareBytes,
  registerMapType, hashNextKey, valueStrideOf, type MapEntry, type MapImpl, type MapValueRef,
} from './types';

export const BPF_F_NO_COMMON_LRU = 1 << 1;
/** bpfplay's limit on an LRU map's preallocated elements (the kernel's is memory). */
export const LRU_MAX_SIM_ENTRIES = 1 << 22;
const ENOTSUPP = 524;

interface Elem { key: Uint8Array; slot: number }

interface LruSnap { area: Uint8Array; elems: (readonly [string, Elem])[]; nodeKey: (string | null)[]; lru: BpfLruState; evicted: number }

export class LruHashMap implements MapImpl {
  readonly valueStride: number;
  readonly valuesAccessible = true;
  readonly valueArea: Uint8Array;
  /** Elements the map preallocates (max_entries, rounded for BPF_F_NO_COMMON_LRU). */
  readonly capacity: number;
  readonly nrCpus: number;
  readonly lru: BpfLru;
  /** Key id (hex) -> element; an element's slot is its LRU node. */
  private elems = new Map<string, Elem>();
  /** Node -> the key id of the element it holds in the table, or null. */
  private nodeKey: (string | null)[];
  /** Keys evicted so far (for the UI: which element the LRU pushed out). */
  evicted: Uint8Array[] = [];
  /** For lru_percpu_hash: the bytes of one element (all CPUs' copies). */
  private readonly elemBytes: number;
  constructor(readonly def: MapDef, readonly percpuValues = false) {
    this.nrCpus = Math.max(1, PERCPU.nrCpus);
    const percpuLru = (def.flags & BPF_F_NO_COMMON_LRU) !== 0;
    let cap = def.maxEntries;
    if (percpuLru) {
      cap = Math.ceil(cap / this.nrCpus) * this.nrCpus;
      if (cap > 0xffffffff) cap = Math.floor(def.maxEntries / this.nrCpus) * this.nrCpus;
    }
    this.capacity = cap;
    const stride = valueStrideOf(def.valueSize);
    this.valueStride = stride;
    this.elemBytes = percpuValues ? stride * this.nrCpus : stride;
    this.valueArea = new Uint8Array(cap * this.elemBytes);
    this.nodeKey = new Array<string | null>(cap).fill(null);
    this.lru = new BpfLru(cap, this.nrCpus, percpuLru, (node) => this.deleteNode(node));
  }
  private k(key: Uint8Array): string {
    return bytesHex(key.subarray(0, this.def.keySize));
  }
  /** htab_lru_map_delete_node: evicts the node's element if it is in the table. */
  private deleteNode(node: number): boolean {
    const k = this.nodeKey[node];
    if (k === null || k === undefined || this.elems.get(k)?.slot !== node) return false;
    const e = this.elems.get(k)!;
    this.elems.delete(k);
    this.nodeKey[node] = null;
    this.evicted.push(e.key.slice());
    return true;
  }
  /** The bytes of `cpu`'s copy of element `slot`. */
  private copy(slot: number, cpu: number): Uint8Array {
    const s = slot * this.elemBytes + (this.percpuValues ? cpu * this.valueStride : 0);
    return this.valueArea.subarray(s, s + this.def.valueSize);
  }
  private slotRef(slot: number, cpu: number): MapValueRef {
    // For per-CPU values the VM addresses copy `cpu` of element `slot` as slot * nrCpus + cpu.
    return { bytes: this.copy(slot, cpu), slot: this.percpuValues ? slot * this.nrCpus + cpu : slot };
  }
  /** Writes a value: a program's (one copy) or user space's (one value for every CPU, or one per CPU). */
  private store(slot: number, value: Uint8Array, cpu: number | undefined, init: boolean): void {
    if (!this.percpuValues) {
      const v = this.copy(slot, 0);
      if (init) this.valueArea.fill(0, slot * this.elemBytes, (slot + 1) * this.elemBytes);
      v.set(value.subarray(0, this.def.valueSize));
      return;
    }
    const pad = this.valueStride;
    if (cpu !== undefined) {
      if (init) this.valueArea.fill(0, slot * this.elemBytes, (slot + 1) * this.elemBytes);
      this.copy(slot, Math.min(cpu, this.nrCpus - 1)).set(value.subarray(0, this.def.valueSize));
    } else if (value.length >= pad * this.nrCpus) {
      for (let c = 0; c < this.nrCpus; c++) this.copy(slot, c).set(value.subarray(c * pad, c * pad + this.def.valueSize));
    } else for (let c = 0; c < this.nrCpus; c++) this.copy(slot, c).set(value.subarray(0, this.def.valueSize));
  }
  lookup(key: Uint8Array, cpu?: number): MapValueRef | null {
    const e = this.elems.get(this.k(key));
    if (!e) return null;
    if (cpu !== undefined) this.lru.setRef(e.slot); // a program's lookup marks it referenced
    return this.slotRef(e.slot, cpu ?? 0);
  }
  peek(key: Uint8Array, cpu?: number): MapValueRef | null {
    const e = this.elems.get(this.k(key));
    return e ? this.slotRef(e.slot, cpu ?? 0) : null;
  }
  update(key: Uint8Array, value: Uint8Array, flags: number, cpu?: number): number {
    if (flags > BPF_EXIST) return -EINVAL;
    const k = this.k(key);
    const runCpu = cpu ?? 0;
    if (this.percpuValues) {
      let fresh = -1;
      if (flags !== BPF_EXIST) {
        fresh = this.lru.popFree(runCpu);
        if (fresh < 0) return -ENOMEM;
      }
      const old = this.elems.get(k);
      let rc = 0;
      if (old && flags === BPF_NOEXIST) rc = -EEXIST;
      else if (!old && flags === BPF_EXIST) rc = -ENOENT;
      else if (old) {
        this.lru.setRef(old.slot);
        this.store(old.slot, value, cpu, false);
      } else {
        this.store(fresh, value, cpu, true);
        this.link(k, key, fresh);
        fresh = -1;
      }
      if (fresh >= 0) this.lru.pushFree(fresh);
      return rc;
    }
    const node = this.lru.popFree(runCpu);
    if (node < 0) return -ENOMEM;
    this.store(node, value, cpu, true);
    const old = this.elems.get(k);
    if ((old && flags === BPF_NOEXIST) || (!old && flags === BPF_EXIST)) {
      this.lru.pushFree(node);
      return old ? -EEXIST : -ENOENT;
    }
    this.link(k, key, node);
    if (old) {
      this.lru.setRef(node);
      this.nodeKey[old.slot] = null;
      this.lru.pushFree(old.slot);
    }
    return 0;
  }
  private link(k: string, key: Uint8Array, node: number): void {
    this.elems.set(k, { key: key.slice(0, this.def.keySize), slot: node });
    this.nodeKey[node] = k;
  }
  delete(key: Uint8Array): number {
    const k = this.k(key);
    const e = this.elems.get(k);
    if (!e) return -ENOENT;
    this.elems.delete(k);
    this.nodeKey[e.slot] = null;
    this.lru.pushFree(e.slot);
    return 0;
  }
  getNextKey(key: Uint8Array | null): Uint8Array | null {
    return hashNextKey(this.elems, key && this.k(key));
  }
  private allCpus(slot: number): Uint8Array {
    if (!this.percpuValues) return this.copy(slot, 0).slice();
    const out = new Uint8Array(this.valueStride * this.nrCpus);
    for (let c = 0; c < this.nrCpus; c++) out.set(this.copy(slot, c), c * this.valueStride);
    return out;
  }
  entries(): MapEntry[] {
    return [...this.elems.values()].map((e) => ({ key: e.key.slice(), value: this.allCpus(e.slot) })).sort((a, b) => compareBytes(a.key, b.key));
  }
  get size(): number {
    return this.elems.size;
  }
  snapshot(): unknown {
    const s: LruSnap = {
      area: this.valueArea.slice(), elems: [...this.elems.entries()].map(([k, e]) => [k, { key: e.key.slice(), slot: e.slot }] as const),
      nodeKey: this.nodeKey.slice(), lru: this.lru.snapshot(), evicted: this.evicted.length,
    };
    return s;
  }
  restore(snap: unknown): void {
    const s = snap as LruSnap;
    this.valueArea.set(s.area);
    this.elems = new Map(s.elems.map(([k, e]) => [k, { key: e.key.slice(), slot: e.slot }]));
    this.nodeKey = s.nodeKey.slice();
    this.lru.restore(s.lru);
    this.evicted = this.evicted.slice(0, s.evicted);
  }
}

/** htab_map_alloc_check for the LRU types. */
function checkLruDef(def: MapDef, what: string): string | null {
  const e = checkHashDef(def, what);
  if (e) return e;
  if (def.flags & BPF_F_NO_PREALLOC) return `${what}: an LRU map cannot be BPF_F_NO_PREALLOC (-ENOTSUPP, ${ENOTSUPP})`;
  if (def.maxEntries > LRU_MAX_SIM_ENTRIES) return `${what}: max_entries ${def.maxEntries} is more than bpfplay simulates (${LRU_MAX_SIM_ENTRIES}; every element is preallocated, as in the kernel)`;
  return null;
}

for (const [type, percpu] of [['lru_hash', false], ['lru_percpu_hash', true]] as const)
  registerMapType(type, (def) => {
    const e = checkLruDef(def, `${type} map '${def.name}'`);
    return e ? err(e, { line: def.loc?.line, col: def.loc?.col, byteOffset: def.loc?.byteOffset }, 'map.def') : new LruHashMap(def, percpu);
  });
