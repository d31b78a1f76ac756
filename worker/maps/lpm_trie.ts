// BPF_MAP_TYPE_LPM_TRIE: longest-prefix-match map (kernel/bpf/lpm_trie.c). Keys are
// struct bpf_lpm_trie_key_u8 { __u32 prefixlen (host order); __u8 data[key_size - 4] } with data in
// network order. A lookup's prefixlen is the most bits to match; it returns the value of the longest
// stored prefix that matches. Updates and deletes name an exact prefix. Checks as trie_alloc /
// trie_update_elem: key_size 5..260, value_size >= 1, BPF_F_NO_PREALLOC required, prefixlen above
// 8 * (key_size - 4) is -EINVAL, a new prefix in a full trie is -ENOSPC; a lookup with such a prefixlen is
// NULL (trie_lookup_elem); updating a stored prefix replaces its node, so the stored key takes the new key's
// bytes past the prefix too. Documented difference: the kernel
// walks a binary trie; this keeps the prefixes in a list and scans it (same answers, different speed), and
// get_next_key walks keys sorted by (prefixlen, data) instead of the kernel's post-order.

import type { MapDef } from '../isa/program';
import { err } from '../util/diag';
import {
  BPF_EXIST, BPF_F_NO_PREALLOC, BPF_NOEXIST, EEXIST, EINVAL, ENOENT, ENOSPC, ValuePool, bytesHex, compareBytes,
  registerMapType, valueStrideOf, type MapEntry, type MapImpl, type MapValueRef,
} from './types';

interface Node { prefixlen: number; data: Uint8Array; key: Uint8Array; slot: number }

const plen = (key: Uint8Array) => (key[0]! | (key[1]! << 8) | (key[2]! << 16) | (key[3]! << 24)) >>> 0;

/** Whether the first `bits` bits of a and b agree. */
function prefixMatch(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  const full = bits >> 3;
  for (let i = 0; i < full; i++) if (a[i] !== b[i]) return false;
  const rest = bits & 7;
  if (!rest) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (a[full]! & mask) === (b[full]! & mask);
}

export class LpmTrieMap implements MapImpl {
  readonly valueStride: number;
  readonly valuesAccessible = true;
  private pool: ValuePool;
  private nodes = new Map<string, Node>();
  readonly maxPrefixlen: number;
  constructor(readonly def: MapDef) {
    this.valueStride = valueStrideOf(def.valueSize);
    this.pool = new ValuePool(def.maxEntries, this.valueStride);
    this.maxPrefixlen = 8 * (def.keySize - 4);
  }
  get valueArea(): Uint8Array {
    return this.pool.area;
  }
  /** Canonical id of a prefix: its length and its data with the bits past the prefix cleared. */
  private id(prefixlen: number, data: Uint8Array): string {
    const d = data.slice();
    for (let bit = prefixlen; bit < d.length * 8; bit++) d[bit >> 3]! &= ~(0x80 >> (bit & 7));
    return `${prefixlen}/${bytesHex(d)}`;
  }
  lookup(key: Uint8Array): MapValueRef | null {
    // trie_lookup_elem: a prefixlen above the trie's maximum finds nothing
    const want = plen(key);
    if (want > this.maxPrefixlen) return null;
    const data = key.subarray(4, this.def.keySize);
    let best: Node | null = null;
    for (const n of this.nodes.values())
      if (n.prefixlen <= want && (!best || n.prefixlen > best.prefixlen) && prefixMatch(n.data, data, n.prefixlen)) best = n;
    return best ? { bytes: this.pool.view(best.slot, this.def.valueSize), slot: best.slot } : null;
  }
  update(key: Uint8Array, value: Uint8Array, flags: number): number {
    if (flags > BPF_EXIST) return -EINVAL;
    const p = plen(key);
    if (p > this.maxPrefixlen) return -EINVAL;
    const data = key.slice(4, this.def.keySize);
    const id = this.id(p, data);
    const old = this.nodes.get(id);
    if (old && flags === BPF_NOEXIST) return -EEXIST;
    if (!old && flags === BPF_EXIST) return -ENOENT;
    if (old) {
      // trie_update_elem replaces the node with one built from this key, so the stored key (and the
      // bits past the prefix that get_next_key and a dump show) become this key's bytes
      this.pool.view(old.slot, this.def.valueSize).set(value.subarray(0, this.def.valueSize));
      old.data = data;
      old.key = key.slice(0, this.def.keySize);
      return 0;
    }
    if (this.nodes.size >= this.def.maxEntries) return -ENOSPC;
    const slot = this.pool.alloc();
    if (slot < 0) return -ENOSPC;
    const v = this.pool.view(slot, this.valueStride);
    v.fill(0);
    v.set(value.subarray(0, this.def.valueSize));
    this.nodes.set(id, { prefixlen: p, data, key: key.slice(0, this.def.keySize), slot });
    return 0;
  }
  delete(key: Uint8Array): number {
    const p = plen(key);
    if (p > this.maxPrefixlen) return -EINVAL;
    const id = this.id(p, key.slice(4, this.def.keySize));
    const n = this.nodes.get(id);
    if (!n) return -ENOENT;
    this.nodes.delete(id);
    this.pool.release(n.slot);
    return 0;
  }
  private sorted(): Node[] {
    return [...this.nodes.values()].sort((a, b) => a.prefixlen - b.prefixlen || compareBytes(a.data, b.data));
  }
  getNextKey(key: Uint8Array | null): Uint8Array | null {
    const s = this.sorted();
    if (key) {
      const id = this.id(plen(key), key.slice(4, this.def.keySize));
      const i = s.findIndex((n) => this.id(n.prefixlen, n.data) === id);
      if (i >= 0) return s[i + 1]?.key.slice() ?? null;
    }
    return s[0]?.key.slice() ?? null;
  }
  entries(): MapEntry[] {
    return [...this.nodes.values()].map((n) => ({ key: n.key.slice(), value: this.pool.view(n.slot, this.def.valueSize).slice() })).sort((a, b) => compareBytes(a.key, b.key));
  }
  snapshot(): unknown {
    return { pool: this.pool.snapshot(), nodes: [...this.nodes.entries()].map(([k, n]) => [k, { ...n, data: n.data.slice(), key: n.key.slice() }] as const) };
  }
  restore(s: unknown): void {
    const snap = s as { pool: ReturnType<ValuePool['snapshot']>; nodes: (readonly [string, Node])[] };
    this.pool.restore(snap.pool);
    this.nodes = new Map(snap.nodes.map(([k, n]) => [k, { ...n, data: n.data.slice(), key: n.key.slice() }]));
  }
}

registerMapType('lpm_trie', (def) => {
  const loc = { line: def.loc?.line, col: def.loc?.col };
  const what = `lpm_trie map '${def.name}'`;
  if (def.keySize < 5 || def.keySize > 260) return err(`${what}: key_size must be 5..260 (4-byte prefixlen + data) (-EINVAL)`, loc, 'map.def');
  if (def.valueSize < 1 || def.maxEntries === 0) return err(`${what} needs value_size and max_entries > 0 (-EINVAL)`, loc, 'map.def');
  if (!(def.flags & BPF_F_NO_PREALLOC)) return err(`${what} must be created with BPF_F_NO_PREALLOC (map_flags 1) (-EINVAL)`, loc, 'map.def');
  return new LpmTrieMap(def);
});
