// BPF_MAP_TYPE_SOCKMAP and BPF_MAP_TYPE_SOCKHASH (net/core/sock_map.c) over the simulated sockets of an
// events file (worker/events/sockets.ts): a value names a socket by its index in the file's "sockets"
// list (user space stores socket fds; bpfplay stores which simulated socket). bpf_sk_redirect_map /
// bpf_sk_redirect_hash (sk_skb verdict programs) pick the socket a message goes to: they return SK_PASS
// and record the target (ingress with BPF_F_INGRESS, else egress), or SK_DROP when the slot is empty or the
// flags are bad. bpf_sock_map_update / bpf_sock_hash_update (sock_ops programs) add the socket the
// callback is about, only from the ACTIVE/PASSIVE_ESTABLISHED and TCP_LISTEN callbacks (sock_map_op_okay;
// any other op gives -EOPNOTSUPP), with the map update's flags and errors (-EINVAL, -E2BIG, -EEXIST,
// -ENOENT; sock_map_update_common / sock_hash_update_common). Programs cannot look sockets up as values
// (lookup returns NULL here).

import type { MapDef } from '../isa/program';
import { err } from '../util/diag';
import { errno, registerHelper, type HelperEnv, type HelperResult } from '../helpers/types';
import { BPF_EXIST, BPF_NOEXIST, E2BIG, EEXIST, EINVAL, ENOENT, bytesHex, compareBytes, registerMapType, type MapEntry, type MapImpl, type MapValueRef } from './types';

export class SockMap implements MapImpl {
  readonly valueArea = new Uint8Array(0);
  readonly valueStride = 8;
  readonly valuesAccessible = false;
  private slots = new Map<string, { key: Uint8Array; socket: number }>();
  constructor(readonly def: MapDef, readonly hash: boolean) {}
  private k(key: Uint8Array): string {
    return bytesHex(key.subarray(0, this.def.keySize));
  }
  private inRange(key: Uint8Array): boolean {
    return this.hash || ((key[0]! | (key[1]! << 8) | (key[2]! << 16) | (key[3]! << 24)) >>> 0) < this.def.maxEntries;
  }
  socketAt(key: Uint8Array): number | null {
    return this.slots.get(this.k(key))?.socket ?? null;
  }
  lookup(): MapValueRef | null {
    return null;
  }
  /** value: the socket's index (u32 little-endian) in the events file's sockets list. */
  update(key: Uint8Array, value: Uint8Array, flags: number): number {
    if (flags > BPF_EXIST) return -EINVAL;
    if (!this.inRange(key)) return -E2BIG;
    const k = this.k(key);
    const had = this.slots.has(k);
    if (had && flags === BPF_NOEXIST) return -EEXIST;
    if (!had && flags === BPF_EXIST) return -ENOENT;
    if (!had && this.hash && this.slots.size >= this.def.maxEntries) return -E2BIG;
    this.slots.set(k, { key: key.slice(0, this.def.keySize), socket: (value[0]! | (value[1]! << 8) | (value[2]! << 16) | (value[3]! << 24)) >>> 0 });
    return 0;
  }
  delete(key: Uint8Array): number {
    if (!this.inRange(key)) return -EINVAL;
    return this.slots.delete(this.k(key)) ? 0 : -ENOENT;
  }
  getNextKey(key: Uint8Array | null): Uint8Array | null {
    const keys = [...this.slots.values()].map((s) => s.key).sort(compareBytes);
    if (!key) return keys[0]?.slice() ?? null;
    const i = keys.findIndex((k) => compareBytes(k, key) > 0);
    return i >= 0 ? keys[i]!.slice() : null;
  }
  entries(): MapEntry[] {
    return [...this.slots.values()].map((s) => {
      const v = new Uint8Array(this.def.valueSize);
      new DataView(v.buffer).setUint32(0, s.socket, true);
      return { key: s.key.slice(), value: v };
    }).sort((a, b) => compareBytes(a.key, b.key));
  }
  snapshot(): unknown {
    return [...this.slots.entries()].map(([k, s]) => [k, { key: s.key.slice(), socket: s.socket }] as const);
  }
  restore(s: unknown): void {
    this.slots = new Map((s as [string, { key: Uint8Array; socket: number }][]).map(([k, v]) => [k, { key: v.key.slice(), socket: v.socket }]));
  }
}

function make(def: MapDef, hash: boolean): MapImpl | ReturnType<typeof err> {
  const loc = { line: def.loc?.line, col: def.loc?.col };
  const what = `${hash ? 'sockhash' : 'sockmap'} map '${def.name}'`;
  if (!hash && def.keySize !== 4) return err(`${what} needs key_size 4 (-EINVAL)`, loc, 'map.def');
  if (hash && def.keySize === 0) return err(`${what} needs key_size > 0 (-EINVAL)`, loc, 'map.def');
  if (def.valueSize !== 4 && def.valueSize !== 8) return err(`${what} needs value_size 4 or 8 (-EINVAL)`, loc, 'map.def');
  if (def.maxEntries === 0) return err(`${what} needs max_entries > 0 (-EINVAL)`, loc, 'map.def');
  return new SockMap(def, hash);
}
registerMapType('sockmap', (def) => make(def, false));
registerMapType('sockhash', (def) => make(def, true));

/** What the sk_skb and sock_ops runners give helpers in env.ctx. */
export interface SocketHelperCtx {
  skSkb?: { redirect: { socket: number; ingress: boolean } | null };
  sockOps?: { socketIndex?: number };
}

const SK_DROP = 0n, SK_PASS = 1n, BPF_F_INGRESS = 1n;
const EOPNOTSUPP = 95;
/** BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB, BPF_SOCK_OPS_TCP_LISTEN_CB */
const SOCK_MAP_OPS = new Set([4, 5, 11]);

function sockMapArg(env: HelperEnv, r: bigint, hash: boolean): SockMap | { fault: string } {
  const m = env.mapByAddr(r);
  if (!m) return { fault: `0x${r.toString(16)} is not a map pointer` };
  if (!(m.impl instanceof SockMap) || m.impl.hash !== hash) return { fault: `map '${m.impl.def.name}' is a ${m.impl.def.type} map, not a ${hash ? 'sockhash' : 'sockmap'}` };
  return m.impl;
}

function redirect(env: HelperEnv, m: SockMap, key: Uint8Array, flags: bigint): HelperResult {
  const c = env.ctx as SocketHelperCtx | null;
  if (flags & ~BPF_F_INGRESS) return SK_DROP;
  const sock = m.socketAt(key);
  if (sock === null) return SK_DROP;
  if (c?.skSkb) c.skSkb.redirect = { socket: sock, ingress: (flags & BPF_F_INGRESS) !== 0n };
  return SK_PASS;
}

registerHelper({
  id: 52, name: 'sk_redirect_map',
  call(env, _skb, map, key, flags): HelperResult {
    const m = sockMapArg(env, map, false);
    if ('fault' in m) return m;
    const k = Number(key & 0xffffffffn);
    return redirect(env, m, Uint8Array.of(k & 0xff, (k >> 8) & 0xff, (k >> 16) & 0xff, k >>> 24), flags);
  },
});

registerHelper({
  id: 72, name: 'sk_redirect_hash',
  call(env, _skb, map, keyPtr, flags): HelperResult {
    const m = sockMapArg(env, map, true);
    if ('fault' in m) return m;
    const key = env.read(keyPtr, m.def.keySize);
    if (typeof key === 'string') return { fault: key };
    return redirect(env, m, key, flags);
  },
});

for (const [id, name, hash] of [[53, 'sock_map_update', false], [70, 'sock_hash_update', true]] as const)
  registerHelper({
    id, name,
    call(env, _ops, map, keyPtr, flags): HelperResult {
      const m = sockMapArg(env, map, hash);
      if ('fault' in m) return m;
      const key = env.read(keyPtr, m.def.keySize);
      if (typeof key === 'string') return { fault: key };
      // sock_map_op_okay: only from the established and listen callbacks (bpf_sock_ops->op at offset 0).
      const op = env.read(env.ctxAddr, 4);
      if (typeof op === 'string') return { fault: op };
      if (!SOCK_MAP_OPS.has((op[0]! | (op[1]! << 8) | (op[2]! << 16) | (op[3]! << 24)) >>> 0)) return errno(EOPNOTSUPP);
      const c = env.ctx as SocketHelperCtx | null;
      const idx = c?.sockOps?.socketIndex ?? 0;
      const mi = env.mapByAddr(map)!;
      env.mapWillChange(mi.index, key);
      const rc = m.update(key, Uint8Array.of(idx & 0xff, (idx >> 8) & 0xff, (idx >> 16) & 0xff, idx >>> 24), flags > 0xffffffffn ? 0xffffffff : Number(flags));
      return rc ? errno(-rc) : 0n;
    },
  });
