// XDP redirect targets (kernel/bpf/devmap.c, cpumap.c, net/xdp/xskmap.c): BPF_MAP_TYPE_DEVMAP,
// DEVMAP_HASH (value: ifindex, optionally followed by a program fd: struct bpf_devmap_val),
// CPUMAP (value: queue size, optionally a program fd: struct bpf_cpumap_val; max_entries at most the
// simulated CPU count) and XSKMAP (value: an AF_XDP socket fd). Writing ifindex 0 / qsize 0 empties a slot
// of a devmap/cpumap (a devmap_hash refuses it with -EINVAL).
// Programs may look devmap/cpumap values up (read-only, as BPF_F_RDONLY_PROG). bpf_redirect_map (id 51)
// for XDP returns XDP_REDIRECT when the slot is set, else the action in the low two bits of flags
// (BPF_F_ACTION_MASK), and records the target so the UI can show where the frame went
// (TestRunSetup.redirect). Devices are not checked to exist (bpfplay has no device list).

import type { MapDef } from '../isa/program';
import { err } from '../util/diag';
import { registerHelper, type HelperResult } from '../helpers/types';
import type { TestRunSetup } from '../progtypes/testrun';
import { PERCPU } from './percpu';
import { BPF_EXIST, BPF_NOEXIST, E2BIG, EEXIST, EINVAL, ENOENT, bytesHex, compareBytes, registerMapType, valueStrideOf, type MapEntry, type MapImpl, type MapValueRef } from './types';

export type XdpTargetKind = 'devmap' | 'devmap_hash' | 'cpumap' | 'xskmap';

export class XdpTargetMap implements MapImpl {
  readonly valueStride: number;
  readonly valueArea: Uint8Array;
  readonly valuesAccessible: boolean;
  private slots = new Map<string, { key: Uint8Array; slot: number }>();
  private free: number[] = [];
  private next = 0;
  constructor(readonly def: MapDef, readonly kind: XdpTargetKind) {
    this.valueStride = valueStrideOf(def.valueSize);
    this.valueArea = new Uint8Array(def.maxEntries * this.valueStride);
    this.valuesAccessible = kind !== 'xskmap';
  }
  private k(key: Uint8Array): string {
    return bytesHex(key.subarray(0, this.def.keySize));
  }
  private index(key: Uint8Array): number {
    return (key[0]! | (key[1]! << 8) | (key[2]! << 16) | (key[3]! << 24)) >>> 0;
  }
  private view(slot: number): Uint8Array {
    return this.valueArea.subarray(slot * this.valueStride, slot * this.valueStride + this.def.valueSize);
  }
  lookup(key: Uint8Array): MapValueRef | null {
    const e = this.slots.get(this.k(key));
    return e ? { bytes: this.view(e.slot), slot: e.slot } : null;
  }
  /** The target of a slot: ifindex, CPU or socket fd (the first u32 of the value). */
  target(key: Uint8Array): number | null {
    const v = this.lookup(key);
    return v ? (v.bytes[0]! | (v.bytes[1]! << 8) | (v.bytes[2]! << 16) | (v.bytes[3]! << 24)) >>> 0 : null;
  }
  update(key: Uint8Array, value: Uint8Array, flags: number): number {
    if (flags > BPF_EXIST) return -EINVAL;
    const hashed = this.kind === 'devmap_hash';
    if (!hashed && this.index(key) >= this.def.maxEntries) return -E2BIG;
    const k = this.k(key);
    const had = this.slots.get(k);
    const first = (value[0]! | (value[1]! << 8) | (value[2]! << 16) | (value[3]! << 24)) >>> 0;
    // devmap_hash allocates the device first (no device has ifindex 0), then checks flags; it has no
    // -ENOENT for BPF_EXIST (a missing key is simply added)
    if (first === 0 && hashed) return -EINVAL;
    if (flags === BPF_NOEXIST && (had || !hashed)) return -EEXIST;
    if (first === 0 && this.kind !== 'xskmap') {
      // ifindex 0 / qsize 0: the slot holds nothing
      if (had) this.release(k, had.slot);
      return 0;
    }
    let slot = had?.slot;
    if (slot === undefined) {
      if (hashed && this.slots.size >= this.def.maxEntries) return -E2BIG;
      slot = this.free.pop() ?? (hashed ? this.next++ : this.index(key));
    }
    this.view(slot).set(value.subarray(0, this.def.valueSize));
    this.slots.set(k, { key: key.slice(0, this.def.keySize), slot });
    return 0;
  }
  private release(k: string, slot: number): void {
    this.slots.delete(k);
    this.view(slot).fill(0);
    if (this.kind === 'devmap_hash') this.free.push(slot);
  }
  delete(key: Uint8Array): number {
    if (this.kind !== 'devmap_hash' && this.index(key) >= this.def.maxEntries) return -EINVAL;
    const k = this.k(key);
    const e = this.slots.get(k);
    if (!e) return this.kind === 'devmap_hash' ? -ENOENT : 0;
    this.release(k, e.slot);
    return 0;
  }
  getNextKey(key: Uint8Array | null): Uint8Array | null {
    const keys = [...this.slots.values()].map((s) => s.key).sort(compareBytes);
    if (!key) return keys[0]?.slice() ?? null;
    const i = keys.findIndex((x) => compareBytes(x, key) > 0);
    return i >= 0 ? keys[i]!.slice() : null;
  }
  entries(): MapEntry[] {
    return [...this.slots.values()].map((s) => ({ key: s.key.slice(), value: this.view(s.slot).slice() })).sort((a, b) => compareBytes(a.key, b.key));
  }
  snapshot(): unknown {
    return { area: this.valueArea.slice(), slots: [...this.slots.entries()].map(([k, s]) => [k, { key: s.key.slice(), slot: s.slot }] as const), free: this.free.slice(), next: this.next };
  }
  restore(s: unknown): void {
    const snap = s as { area: Uint8Array; slots: [string, { key: Uint8Array; slot: number }][]; free: number[]; next: number };
    this.valueArea.set(snap.area);
    this.slots = new Map(snap.slots.map(([k, v]) => [k, { key: v.key.slice(), slot: v.slot }]));
    this.free = snap.free.slice();
    this.next = snap.next;
  }
}

function make(def: MapDef, kind: XdpTargetKind): MapImpl | ReturnType<typeof err> {
  const loc = { line: def.loc?.line, col: def.loc?.col };
  const what = `${kind} map '${def.name}'`;
  if (def.keySize !== 4) return err(`${what} needs key_size 4 (-EINVAL)`, loc, 'map.def');
  const okValue = kind === 'xskmap' ? def.valueSize === 4 : def.valueSize === 4 || def.valueSize === 8;
  if (!okValue) return err(`${what}: value_size ${def.valueSize} is not allowed (${kind === 'xskmap' ? '4' : '4 or 8'}) (-EINVAL)`, loc, 'map.def');
  if (def.maxEntries === 0) return err(`${what} needs max_entries > 0 (-EINVAL)`, loc, 'map.def');
  if (kind === 'cpumap' && def.maxEntries > PERCPU.nrCpus) return err(`${what}: max_entries ${def.maxEntries} exceeds the ${PERCPU.nrCpus} simulated CPUs (-E2BIG)`, loc, 'map.def');
  return new XdpTargetMap(def, kind);
}
for (const kind of ['devmap', 'devmap_hash', 'cpumap', 'xskmap'] as const) registerMapType(kind, (def) => make(def, kind));

/** Where a program sent a frame (bpf_redirect / bpf_redirect_map), shown beside its verdict. */
export interface RedirectTarget { map?: string; kind: XdpTargetKind | 'ifindex'; key?: number; target: number; ingress?: boolean }

const XDP_REDIRECT = 4n, BPF_F_ACTION_MASK = 3n, BPF_F_BROADCAST = 8n, BPF_F_EXCLUDE_INGRESS = 16n;

registerHelper({
  id: 51, name: 'redirect_map',
  call(env, map, key, flags): HelperResult {
    const m = env.mapByAddr(map);
    if (!m) return { fault: `R1 = 0x${map.toString(16)} is not a map pointer` };
    if (!(m.impl instanceof XdpTargetMap)) return { fault: `map '${m.impl.def.name}' is a ${m.impl.def.type} map: bpf_redirect_map needs a devmap, cpumap or xskmap here` };
    if (flags & ~(BPF_F_ACTION_MASK | BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS)) return 0n; // XDP_ABORTED
    const k = Number(key & 0xffffffffn);
    const kb = Uint8Array.of(k & 0xff, (k >> 8) & 0xff, (k >> 16) & 0xff, k >>> 24);
    const t = m.impl.target(kb);
    if (t === null && !(flags & BPF_F_BROADCAST)) return flags & BPF_F_ACTION_MASK;
    const s = env.ctx as (TestRunSetup & { redirect?: RedirectTarget }) | null;
    if (s && typeof s === 'object') s.redirect = { map: m.impl.def.name, kind: m.impl.kind, key: k, target: t ?? -1 };
    return XDP_REDIRECT;
  },
});
