// BPF_MAP_TYPE_CGROUP_ARRAY (kernel/bpf/arraymap.c cgroup_array_map_ops, an fd array of cgroups) and the
// helpers that test membership: bpf_skb_under_cgroup (33, net/core/filter.c) and
// bpf_current_task_under_cgroup (37, kernel/trace/bpf_trace.c).
//
// Cgroups are simulated by their cgroup v2 path ("/", "/system.slice", "/user.slice/user-1000.slice");
// a cgroup is under another when the paths are equal or the other is a prefix ending at a '/' (the root is
// above everything). A slot holds a cgroup: user space stores a cgroup directory fd; bpfplay's initial
// contents give the path (`{key: "00000000", value: "/system.slice"}`), or a u32 cgroup id of a path the
// map already knows (the ids are the simulated ones `cgroupId` computes: 1 for the root). Rules of the fd
// array: key_size 4 and value_size 4 (-EINVAL), updates with BPF_ANY only (-EINVAL), index >= max_entries
// -E2BIG, delete of an empty slot -ENOENT. User-space lookups are -ENOTSUPP in the kernel (bpftool cannot
// dump the values); bpfplay's dump lists the occupied slots with the cgroup id as the value.
//
// Which cgroup the program's task or packet is in: `env.ctx.cgroup` when the event gives one (a path),
// else CGROUP.defaultPath, "/" — where a process runs on this machine and under BPF_PROG_TEST_RUN (test_run
// gives the skb a full socket created by the calling task, so membership is the caller's). For a packet
// whose run has no socket (a packet setup without `sock`) bpf_skb_under_cgroup gives -ENOENT, as
// skb_to_full_sk does. Results: 1 under, 0 not, -E2BIG index past the end, -EAGAIN empty slot.
// Also registers bpf_get_current_cgroup_id (80) and bpf_get_current_ancestor_cgroup_id (123) over the same
// model (the root's id is 1, as on a real cgroup v2 hierarchy; other ids are simulated).

import type { MapDef } from '../isa/program';
import { err } from '../util/diag';
import { errno, registerHelper, type HelperEnv, type HelperResult } from '../helpers/types';
import { BPF_ANY, E2BIG, EAGAIN, EBADF, EINVAL, ENOENT, registerMapType, type MapEntry, type MapImpl, type MapValueRef } from './types';

export const CGROUP = { defaultPath: '/' };

/** A path in normal form: leading '/', no trailing '/', no empty parts. */
export function normCgroupPath(p: string): string {
  const parts = p.split('/').filter((x) => x !== '' && x !== '.');
  return '/' + parts.join('/');
}

/** The simulated cgroup id of a path: 1 for the root, else a stable 32-bit hash (never 0 or 1). */
export function cgroupId(path: string): number {
  const p = normCgroupPath(path);
  if (p === '/') return 1;
  let h = 2166136261;
  for (const c of p) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return h < 2 ? h + 2 : h;
}

/** cgroup_is_descendant: `a` is `b` or below it. */
export function cgroupUnder(a: string, b: string): boolean {
  const x = normCgroupPath(a), y = normCgroupPath(b);
  return y === '/' || x === y || x.startsWith(y + '/');
}

const u32 = (k: Uint8Array): number => (k[0]! | (k[1]! << 8) | (k[2]! << 16) | (k[3]! << 24)) >>> 0;
const le32 = (i: number): Uint8Array => Uint8Array.of(i & 0xff, (i >>> 8) & 0xff, (i >>> 16) & 0xff, (i >>> 24) & 0xff);

export class CgroupArrayMap implements MapImpl {
  readonly valueArea = new Uint8Array(0);
  readonly valueStride = 8;
  readonly valuesAccessible = false;
  private slots = new Map<number, string>();
  /** Paths this map has been given, so that an update by cgroup id can name one. */
  private known = new Map<number, string>([[1, '/']]);
  constructor(readonly def: MapDef) {}
  /** The cgroup path in slot `i`, or null. */
  cgroupAt(i: number): string | null {
    return this.slots.get(i) ?? null;
  }
  /** Stores a cgroup by path (what user space does with a cgroup directory fd). */
  setPath(key: Uint8Array, path: string): number {
    const i = u32(key);
    if (i >= this.def.maxEntries) return -E2BIG;
    const p = normCgroupPath(path);
    this.known.set(cgroupId(p), p);
    this.slots.set(i, p);
    return 0;
  }
  updateText(key: Uint8Array, text: string): number | null {
    return text.startsWith('/') ? this.setPath(key, text) : null;
  }
  lookup(_key: Uint8Array, cpu?: number): MapValueRef | null {
    if (cpu !== undefined) return null;
    const p = this.slots.get(u32(_key));
    return p === undefined ? null : { bytes: le32(cgroupId(p)), slot: 0 };
  }
  /** value: a u32 cgroup id of a known path (the kernel takes a cgroup fd: a bad one is -EBADF). */
  update(key: Uint8Array, value: Uint8Array, flags: number, cpu?: number): number {
    if (cpu !== undefined) return -EINVAL; // programs cannot update fd arrays (the verifier refuses the call)
    if (flags !== BPF_ANY) return -EINVAL;
    if (u32(key) >= this.def.maxEntries) return -E2BIG;
    const p = this.known.get(u32(value));
    if (p === undefined) return -EBADF;
    return this.setPath(key, p);
  }
  delete(key: Uint8Array): number {
    const i = u32(key);
    if (i >= this.def.maxEntries) return -E2BIG;
    return this.slots.delete(i) ? 0 : -ENOENT;
  }
  getNextKey(key: Uint8Array | null): Uint8Array | null {
    const i = key ? u32(key) : this.def.maxEntries;
    if (i >= this.def.maxEntries) return le32(0);
    return i + 1 < this.def.maxEntries ? le32(i + 1) : null;
  }
  entries(): MapEntry[] {
    return [...this.slots.entries()].sort((a, b) => a[0] - b[0]).map(([i, p]) => ({ key: le32(i), value: le32(cgroupId(p)) }));
  }
  /** The occupied slots with their paths (for the UI). */
  paths(): { index: number; path: string }[] {
    return [...this.slots.entries()].sort((a, b) => a[0] - b[0]).map(([index, path]) => ({ index, path }));
  }
  snapshot(): unknown {
    return { slots: [...this.slots.entries()], known: [...this.known.entries()] };
  }
  restore(s: unknown): void {
    const snap = s as { slots: [number, string][]; known: [number, string][] };
    this.slots = new Map(snap.slots);
    this.known = new Map(snap.known);
  }
}
registerMapType('cgroup_array', (def) => {
  const loc = { line: def.loc?.line, col: def.loc?.col, byteOffset: def.loc?.byteOffset };
  if (def.keySize !== 4 || def.valueSize !== 4) return err(`cgroup_array map '${def.name}' needs key_size 4 and value_size 4 (-EINVAL)`, loc, 'map.def');
  if (def.maxEntries === 0) return err(`cgroup_array map '${def.name}' needs max_entries > 0 (-EINVAL)`, loc, 'map.def');
  return new CgroupArrayMap(def);
});

/** The cgroup of the task (or the packet's socket) of this run. */
export function currentCgroup(env: HelperEnv): string {
  const c = env.ctx as { cgroup?: unknown } | null;
  return c && typeof c === 'object' && typeof c.cgroup === 'string' ? normCgroupPath(c.cgroup) : normCgroupPath(CGROUP.defaultPath);
}

function underCgroup(env: HelperEnv, mapPtr: bigint, idxArg: bigint): HelperResult {
  const h = env.mapByAddr(mapPtr);
  if (!h) return { fault: `0x${BigInt.asUintN(64, mapPtr).toString(16)} is not a map pointer` };
  if (!(h.impl instanceof CgroupArrayMap)) return { fault: `map '${h.impl.def.name}' is a ${h.impl.def.type} map, not a cgroup_array` };
  const idx = Number(idxArg & 0xffffffffn);
  if (idx >= h.impl.def.maxEntries) return errno(E2BIG);
  const cg = h.impl.cgroupAt(idx);
  if (cg === null) return errno(EAGAIN);
  return cgroupUnder(currentCgroup(env), cg) ? 1n : 0n;
}

registerHelper({
  id: 33, name: 'skb_under_cgroup',
  call(env, _skb, map, idx): HelperResult {
    const c = env.ctx as { packet?: unknown; sock?: unknown } | null;
    // A packet run without a full socket (skb_to_full_sk gives NULL).
    if (c && typeof c === 'object' && 'packet' in c && c.sock === undefined) return errno(ENOENT);
    return underCgroup(env, map, idx);
  },
});

registerHelper({ id: 37, name: 'current_task_under_cgroup', call: (env, map, idx) => underCgroup(env, map, idx) });

// The task's cgroup as an id (kernel/bpf/helpers.c bpf_get_current_cgroup_id, bpf_get_current_ancestor_cgroup_id):
// the simulated id of the current cgroup, and of its ancestor at `level` (0 = the root; 0 past the cgroup's own level).
registerHelper({ id: 80, name: 'get_current_cgroup_id', call: (env) => BigInt(cgroupId(currentCgroup(env))) });
registerHelper({
  id: 123, name: 'get_current_ancestor_cgroup_id',
  call(env, level): HelperResult {
    const parts = currentCgroup(env).split('/').filter((x) => x);
    if (level > BigInt(parts.length)) return 0n;
    return BigInt(cgroupId('/' + parts.slice(0, Number(level)).join('/')));
  },
});
