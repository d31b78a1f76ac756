// BPF_MAP_TYPE_PROG_ARRAY: the jump table of bpf_tail_call. Keys are u32 indices, values u32 program
// references. The kernel stores program fds (kernel/bpf/arraymap.c fd_array_map_update_elem,
// prog_array_map_poke_*); bpfplay stores the index of a loaded program (0 = the program being run,
// then the others the caller loads). Programs cannot read the values (the verifier forbids lookups).
// Errors follow fd_array_map_update_elem / fd_array_map_delete_elem: flags other than BPF_ANY -EINVAL,
// index >= max_entries -E2BIG, delete of an empty slot -ENOENT.

import type { MapDef } from '../isa/program';
import { err } from '../util/diag';
import { BPF_ANY, E2BIG, EINVAL, ENOENT, registerMapType, type MapEntry, type MapImpl, type MapValueRef } from './types';

const u32 = (b: Uint8Array): number => (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
const le32 = (i: number): Uint8Array => new Uint8Array([i & 0xff, (i >>> 8) & 0xff, (i >>> 16) & 0xff, (i >>> 24) & 0xff]);

export class ProgArrayMap implements MapImpl {
  readonly valueArea = new Uint8Array(0);
  readonly valueStride = 8;
  readonly valuesAccessible = false;
  private progs: Int32Array;
  constructor(readonly def: MapDef) {
    this.progs = new Int32Array(def.maxEntries).fill(-1);
  }
  /** The program index in slot `index`, or null (empty or out of range). */
  prog(index: number): number | null {
    if (index < 0 || index >= this.def.maxEntries) return null;
    const p = this.progs[index]!;
    return p < 0 ? null : p;
  }
  lookup(): MapValueRef | null {
    return null;
  }
  update(key: Uint8Array, value: Uint8Array, flags: number): number {
    if (flags !== BPF_ANY) return -EINVAL;
    const i = u32(key);
    if (i >= this.def.maxEntries) return -E2BIG;
    const v = u32(value);
    if (v > 0x7fffffff) return -EINVAL;
    this.progs[i] = v;
    return 0;
  }
  delete(key: Uint8Array): number {
    const i = u32(key);
    if (i >= this.def.maxEntries) return -E2BIG;
    if (this.progs[i]! < 0) return -ENOENT;
    this.progs[i] = -1;
    return 0;
  }
  getNextKey(key: Uint8Array | null): Uint8Array | null {
    const i = key ? u32(key) : this.def.maxEntries;
    if (i >= this.def.maxEntries) return this.def.maxEntries > 0 ? le32(0) : null;
    if (i === this.def.maxEntries - 1) return null;
    return le32(i + 1);
  }
  entries(): MapEntry[] {
    const out: MapEntry[] = [];
    this.progs.forEach((p, i) => {
      if (p >= 0) out.push({ key: le32(i), value: le32(p) });
    });
    return out;
  }
  snapshot(): unknown {
    return this.progs.slice();
  }
  restore(s: unknown): void {
    this.progs.set(s as Int32Array);
  }
}

registerMapType('prog_array', (def) => {
  const loc = { line: def.loc?.line, col: def.loc?.col };
  if (def.keySize !== 4 || def.valueSize !== 4) return err(`prog_array map '${def.name}' needs key_size 4 and value_size 4 (-EINVAL)`, loc, 'map.def');
  if (def.maxEntries === 0) return err(`prog_array map '${def.name}' needs max_entries > 0 (-EINVAL)`, loc, 'map.def');
  return new ProgArrayMap(def);
});
