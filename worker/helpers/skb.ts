// skb metadata and socket helpers (net/core/filter.c, Linux 6.18) on the test-run / attach-point skb of
// worker/progtypes/testrun.ts (env.ctx, a TestRunSetup):
//   - bpf_clone_redirect (13): flags other than BPF_F_INGRESS and unknown devices are -EINVAL, a GSO skb
//     without a gso_type (what test_run builds from ctx_in.gso_size) is -EBADMSG; otherwise a clone leaves
//     through (or enters, with BPF_F_INGRESS) the device and the original stays with the program: the
//     clone is recorded as an output event and in runState ('clone_redirect'), the return value is 0
//     (dev_queue_xmit / netif_rx of the simulated device accept it). Devices that exist: the loopback
//     device (ifindex 1) and the skb's own device (__sk_buff.ifindex).
//   - bpf_get_hash_recalc (34), bpf_set_hash_invalid (41), bpf_set_hash (48): skb->hash lives in
//     __sk_buff.hash, whether it is valid (sw/l4 hash set) in runState ('skb.hash'); a hash that is not
//     valid is computed from the flow (addresses, protocol, ports) by a fixed hash function. The kernel
//     uses siphash with a random boot-time key (__flow_hash_from_keys), so only "set, then read back" and
//     "invalid, then recomputed non-zero and stable" can match it, not the computed value. Other helpers
//     that clear the hash (skb_store_bytes with BPF_F_INVALIDATE_HASH, skb_change_proto) do it through
//     clearHash in packet.ts.
//   - bpf_skb_cgroup_id (79), bpf_skb_ancestor_cgroup_id (83): the simulated socket belongs to the root
//     cgroup of cgroup v2 (id 1); level 0 is the root, deeper levels do not exist (0). Under test_run the
//     kernel's dummy socket is in the cgroup of the process that runs the test, so ids differ there.
//   - bpf_get_route_realm (24): the skb has no route (dst) attached, so 0, as test_run's skb.
//   - bpf_csum_level (135): skb->ip_summed/csum_level in runState ('skb.csum'), starting CHECKSUM_NONE as
//     test_run's skb: QUERY gives the level only for CHECKSUM_UNNECESSARY (else -EACCES), INC/DEC/RESET
//     follow __skb_incr/decr/reset_checksum_unnecessary (at most SKB_MAX_CSUM_LEVEL = 3), others -EINVAL.
//   - bpf_skb_ecn_set_ce (97): INET_ECN_set_ce on the IPv4 (with the incremental checksum update of
//     IP_ECN_set_ce) or IPv6 header at the network header; 1 if the packet is (now) CE, else 0.
//   - bpf_get_netns_cookie (122): every simulated program runs in the initial network namespace; its
//     cookie is NETNS_COOKIE (what Linux 6.18 reports for init_net, pinned by the kernel test).
//   - bpf_sk_lookup_tcp/udp (84/85), bpf_skc_lookup_tcp (99): bpfplay's events have no socket tables to
//     search (test_run's kernel searches the host's sockets), so every lookup returns NULL; a bad tuple
//     size, flags or netns id returns NULL in the kernel as well. bpf_sk_release (86) returns 0.
//   - bpf_sk_fullsock (95): the skb's socket is a full socket: the same pointer. bpf_tcp_sock (96): NULL
//     for sockets that are not TCP (the simulated skb socket is not); a TCP socket would need struct
//     bpf_tcp_sock, which is not simulated (the call faults with that message).
//   - bpf_skb_get_tunnel_key / bpf_skb_set_tunnel_key (20/21): the tunnel metadata of a collect-metadata
//     device as struct bpf_tunnel_key (44 bytes, or the older 28/24/40-byte layouts), kept in runState
//     ('skb.tunnel'); set stores remote as the tunnel's destination and local as its source, get reports
//     the source as remote and the destination as local (the receive view), as the kernel does.
//     bpf_skb_set_tunnel_opt / bpf_skb_get_tunnel_opt (30/29) keep up to 255 bytes of options (a multiple
//     of 4) on metadata set by set_tunnel_key; get returns their length (-ENOENT without options,
//     -ENOMEM for a buffer too small, the buffer zeroed on errors).
// This file registers itself; worker/helpers/index.ts imports it.

import type { TestRunSetup } from '../progtypes/testrun';
import { PACKET_BASE } from '../vm/memory';
import { clearHash, packetOf, syncFromRegions } from './packet';
import { errno, registerHelper, type HelperEnv, type HelperResult } from './types';

const EINVAL = 22, EBADMSG = 74, EACCES = 13, EPROTO = 71;
const BPF_F_INGRESS = 1n;
/** net->net_cookie of init_net on Linux 6.18 (checked against the kernel by more-kernel.test.ts). */
export const NETNS_COOKIE = 3n;
/** cgroup v2 root id. */
export const ROOT_CGROUP_ID = 1n;

const SKB_HASH = 68, SKB_IFINDEX = 40, SKB_PROTOCOL = 16, SKB_GSO_SIZE = 176;

function ctxU32(env: HelperEnv, off: number): number | { fault: string } {
  const b = env.read(env.ctxAddr + BigInt(off), 4);
  if (typeof b === 'string') return { fault: b };
  return (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
}
function ctxSetU32(env: HelperEnv, off: number, v: number): { fault: string } | null {
  const w = env.write(env.ctxAddr + BigInt(off), Uint8Array.of(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff));
  return w === true ? null : { fault: w };
}
const isSkb = (s: TestRunSetup): boolean => s.type !== 'xdp';

// ---- clone_redirect ----

export interface CloneRedirect { ifindex: number; ingress: boolean; len: number }

registerHelper({
  id: 13, name: 'clone_redirect',
  call(env, _skb, ifindexArg, flags): HelperResult {
    const s = packetOf(env, 'clone_redirect');
    if ('fault' in s) return s;
    if (flags & ~BPF_F_INGRESS) return errno(EINVAL);
    const gso = ctxU32(env, SKB_GSO_SIZE);
    if (typeof gso !== 'number') return gso;
    if (gso !== 0) return errno(EBADMSG);
    const ifindex = Number(ifindexArg & 0xffffffffn);
    const own = ctxU32(env, SKB_IFINDEX);
    if (typeof own !== 'number') return own;
    if (ifindex !== 1 && ifindex !== own) return errno(EINVAL);
    syncFromRegions(env, s);
    const ingress = (flags & BPF_F_INGRESS) !== 0n;
    const len = s.packet.dataEnd - s.packet.data;
    const list = (env.runState.get('clone_redirect') as CloneRedirect[] | undefined) ?? [];
    env.runState.set('clone_redirect', [...list, { ifindex, ingress, len }]);
    env.output({ kind: 'log', text: `bpf_clone_redirect: a clone of the packet (${len} bytes) ${ingress ? 'enters the stack on' : 'is sent out of'} ifindex ${ifindex}; the original stays with the program` });
    return 0n;
  },
});

// ---- skb->hash ----

/** A flow hash of the packet (not the kernel's: that one is keyed by a random boot-time siphash key). */
export function flowHash(s: TestRunSetup): number {
  const p = s.packet;
  const b = p.buf;
  const n = p.network;
  const key: number[] = [];
  const v = (b[n] ?? 0) >> 4;
  let proto = -1;
  let l4 = -1;
  if (v === 4 && n + 20 <= p.dataEnd) {
    key.push(...b.subarray(n + 12, n + 20));
    proto = b[n + 9]!;
    const frag = ((b[n + 6]! & 0x3f) << 8) | b[n + 7]!;
    if (!frag) l4 = n + (b[n]! & 0xf) * 4;
  } else if (v === 6 && n + 40 <= p.dataEnd) {
    key.push(...b.subarray(n + 8, n + 40));
    proto = b[n + 6]!;
    l4 = n + 40;
  }
  key.push(proto & 0xff);
  if ((proto === 6 || proto === 17) && l4 >= 0 && l4 + 4 <= p.dataEnd) key.push(...b.subarray(l4, l4 + 4));
  let h = 0x9e3779b9;
  for (const x of key) h = Math.imul(h ^ x, 0x01000193) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  return h >>> 0 || 1;
}

function hashValid(env: HelperEnv): boolean | { fault: string } {
  const st = env.runState.get('skb.hash') as 'valid' | 'clear' | undefined;
  if (st) return st === 'valid';
  const h = ctxU32(env, SKB_HASH);
  return typeof h === 'number' ? h !== 0 : h;
}

registerHelper({
  id: 34, name: 'get_hash_recalc',
  call(env): HelperResult {
    const s = packetOf(env, 'get_hash_recalc');
    if ('fault' in s) return s;
    const ok = hashValid(env);
    if (typeof ok !== 'boolean') return ok;
    if (!ok) {
      syncFromRegions(env, s);
      const f = ctxSetU32(env, SKB_HASH, flowHash(s));
      if (f) return f;
      env.runState.set('skb.hash', 'valid');
    }
    const h = ctxU32(env, SKB_HASH);
    return typeof h === 'number' ? BigInt(h) : h;
  },
});

registerHelper({ id: 41, name: 'set_hash_invalid', call: (env) => clearHash(env) ?? 0n });

registerHelper({
  id: 48, name: 'set_hash',
  call(env, _skb, hash): HelperResult {
    const f = ctxSetU32(env, SKB_HASH, Number(hash & 0xffffffffn));
    if (f) return f;
    env.runState.set('skb.hash', 'valid');
    return 0n;
  },
});

// ---- cgroups, route, netns ----

registerHelper({
  id: 79, name: 'skb_cgroup_id',
  call(env): HelperResult {
    const s = env.ctx as Partial<TestRunSetup> | null;
    return s && typeof s === 'object' && s.sock ? ROOT_CGROUP_ID : 0n;
  },
});

registerHelper({
  id: 83, name: 'skb_ancestor_cgroup_id',
  call(env, _skb, level): HelperResult {
    const s = env.ctx as Partial<TestRunSetup> | null;
    if (!s || typeof s !== 'object' || !s.sock) return 0n;
    return level === 0n ? ROOT_CGROUP_ID : 0n;
  },
});

registerHelper({ id: 24, name: 'get_route_realm', call: () => 0n });
registerHelper({ id: 122, name: 'get_netns_cookie', call: () => NETNS_COOKIE });

// ---- checksum level ----

const BPF_CSUM_LEVEL_QUERY = 0n, BPF_CSUM_LEVEL_INC = 1n, BPF_CSUM_LEVEL_DEC = 2n, BPF_CSUM_LEVEL_RESET = 3n;
const SKB_MAX_CSUM_LEVEL = 3;
interface CsumState { unnecessary: boolean; level: number }

registerHelper({
  id: 135, name: 'csum_level',
  call(env, _skb, level): HelperResult {
    const st = { ...((env.runState.get('skb.csum') as CsumState | undefined) ?? { unnecessary: false, level: 0 }) };
    switch (level) {
      case BPF_CSUM_LEVEL_QUERY:
        return st.unnecessary ? BigInt(st.level) : errno(EACCES);
      case BPF_CSUM_LEVEL_INC:
        if (st.unnecessary) { if (st.level < SKB_MAX_CSUM_LEVEL) st.level++; } else { st.unnecessary = true; st.level = 0; }
        break;
      case BPF_CSUM_LEVEL_DEC:
        if (st.unnecessary) { if (st.level === 0) st.unnecessary = false; else st.level--; }
        break;
      case BPF_CSUM_LEVEL_RESET:
        if (st.unnecessary) { st.unnecessary = false; st.level = 0; }
        break;
      default:
        return errno(EINVAL);
    }
    env.runState.set('skb.csum', st);
    return 0n;
  },
});

// ---- ECN ----

/** csum16_add on the little-endian view of two big-endian 16-bit fields. */
const csum16Add = (csum: number, addend: number): number => {
  const res = (csum + addend) & 0xffff;
  return (res + (res < addend ? 1 : 0)) & 0xffff;
};
const swab16 = (x: number): number => ((x & 0xff) << 8) | ((x >> 8) & 0xff);

registerHelper({
  id: 97, name: 'skb_ecn_set_ce',
  call(env): HelperResult {
    const s = packetOf(env, 'skb_ecn_set_ce');
    if ('fault' in s) return s;
    if (!isSkb(s)) return 0n;
    syncFromRegions(env, s);
    const p = s.packet;
    const pr = env.read(env.ctxAddr + BigInt(SKB_PROTOCOL), 2);
    if (typeof pr === 'string') return { fault: pr };
    let proto = (pr[0]! << 8) | pr[1]!;
    // skb_protocol(skb, true): the protocol behind VLAN tags in the packet
    for (let at = p.mac + 12; (proto === 0x8100 || proto === 0x88a8) && at + 6 <= p.dataEnd; at += 4) proto = (p.buf[at + 4]! << 8) | p.buf[at + 5]!;
    const hdr = proto === 0x0800 ? 20 : proto === 0x86dd ? 40 : 0;
    if (!hdr || p.dataEnd - p.data < hdr) return 0n;
    const n = p.network;
    if (n + hdr > p.dataEnd) return 0n;
    const at = PACKET_BASE + BigInt(n - p.data);
    // The helper writes the header even where the program may not (cgroup_skb): through the VM when the
    // packet region is writable (recorded for the step view), else into the packet buffer itself.
    const put = (off: number, b: Uint8Array): void => {
      if (env.write(at + BigInt(off), b) !== true) p.buf.set(b, n + off);
    };
    const h = p.buf.slice(n, n + 12);
    if (hdr === 20) {
      const ecn = (h[1]! + 1) & 3;
      if (!(ecn & 2)) return ecn === 0 ? 1n : 0n;
      const checkAdd = (swab16(0xfffb) + swab16(ecn)) & 0xffff;
      const check = csum16Add(h[10]! | (h[11]! << 8), checkAdd);
      put(1, Uint8Array.of(h[1]! | 3));
      put(10, Uint8Array.of(check & 0xff, check >> 8));
      return 1n;
    }
    const dsfield = ((h[0]! & 0xf) << 4) | (h[1]! >> 4);
    if ((dsfield & 3) === 0) return 0n;
    put(1, Uint8Array.of(h[1]! | 0x30));
    return 1n;
  },
});

// ---- socket lookups ----

registerHelper({ id: 84, name: 'sk_lookup_tcp', call: () => 0n });
registerHelper({ id: 85, name: 'sk_lookup_udp', call: () => 0n });
registerHelper({ id: 99, name: 'skc_lookup_tcp', call: () => 0n });
registerHelper({ id: 86, name: 'sk_release', call: () => 0n });
registerHelper({ id: 95, name: 'sk_fullsock', call: (_env, sk) => sk });
registerHelper({
  id: 96, name: 'tcp_sock',
  call(env, sk): HelperResult {
    const proto = env.read(sk + 12n, 4);
    if (typeof proto === 'string') return { fault: proto };
    if (proto[0] !== 6) return 0n;
    return { fault: 'bpfplay does not simulate struct bpf_tcp_sock for TCP sockets' };
  },
});

// ---- tunnel metadata ----

/** sizeof(struct bpf_tunnel_key) and its older layouts (up to tunnel_label, tunnel_ext, remote_ipv6[1]). */
const TUNNEL_KEY_SIZE = 44;
const BPF_F_TUNINFO_IPV6 = 1n, BPF_F_ZERO_CSUM_TX = 2n, BPF_F_DONT_FRAGMENT = 4n, BPF_F_SEQ_NUMBER = 8n, BPF_F_NO_TUNNEL_KEY = 16n, BPF_F_TUNINFO_FLAGS = 16n;
interface TunnelInfo { v6: boolean; id: number; tos: number; ttl: number; label: number; dst: number[]; src: number[]; flags: number; opts?: number[] }
/** The option-present tunnel flags as ip_tunnel_flags_to_be16 reports them (GENEVE, VXLAN, ERSPAN, GTP). */
const TUNNEL_OPTS_FLAGS = 0x0800 | 0x1000 | 0x4000 | 0x8000;
/** IP_TUNNEL_OPTS_MAX */
const IP_TUNNEL_OPTS_MAX = 255;
const ENOENT = 2, ENOMEM = 12;

registerHelper({
  id: 21, name: 'skb_set_tunnel_key',
  call(env, _skb, from, sizeArg, flags): HelperResult {
    if (flags & ~(BPF_F_TUNINFO_IPV6 | BPF_F_ZERO_CSUM_TX | BPF_F_DONT_FRAGMENT | BPF_F_SEQ_NUMBER | BPF_F_NO_TUNNEL_KEY)) return errno(EINVAL);
    const size = Number(sizeArg & 0xffffffffn);
    if (size !== TUNNEL_KEY_SIZE && size !== 28 && size !== 24 && size !== 22 && size !== 8) return errno(EINVAL);
    const raw = env.read(from, size);
    if (typeof raw === 'string') return { fault: raw };
    const k = new Uint8Array(TUNNEL_KEY_SIZE);
    k.set(raw);
    const dv = new DataView(k.buffer);
    const v6 = (flags & BPF_F_TUNINFO_IPV6) !== 0n;
    const label = dv.getUint32(24, true), ext = dv.getUint16(22, true);
    if ((!v6 && label) || ext) return errno(EINVAL);
    // tun_flags as ip_tunnel_flags_to_be16 reports them: TUNNEL_CSUM 0x01, KEY 0x04, SEQ 0x08, DONT_FRAGMENT 0x0100, NOCACHE 0x2000
    const tunFlags = 0x2000 | (flags & BPF_F_DONT_FRAGMENT ? 0x100 : 0) | (flags & BPF_F_ZERO_CSUM_TX ? 0 : 0x01) | (flags & BPF_F_SEQ_NUMBER ? 0x08 : 0) | (flags & BPF_F_NO_TUNNEL_KEY ? 0 : 0x04);
    const info: TunnelInfo = {
      v6, id: dv.getUint32(0, true), tos: k[20]!, ttl: k[21]!, label: v6 ? label & 0xfffff : 0, flags: tunFlags,
      dst: v6 ? [...k.subarray(4, 20)] : [dv.getUint32(4, true)], src: v6 ? [...k.subarray(28, 44)] : [dv.getUint32(28, true)],
    };
    env.runState.set('skb.tunnel', info);
    return 0n;
  },
});

registerHelper({
  id: 20, name: 'skb_get_tunnel_key',
  call(env, _skb, to, sizeArg, flags): HelperResult {
    const size = Number(sizeArg & 0xffffffffn);
    const info = env.runState.get('skb.tunnel') as TunnelInfo | undefined;
    const clear = (e: number): HelperResult => {
      const w = env.write(to, new Uint8Array(size));
      return w === true ? errno(e) : { fault: w };
    };
    if (!info || flags & ~(BPF_F_TUNINFO_IPV6 | BPF_F_TUNINFO_FLAGS)) return clear(EINVAL);
    // The address family asked for must be the tunnel's, either way.
    if (info.v6 !== ((flags & BPF_F_TUNINFO_IPV6) !== 0n)) return clear(EPROTO);
    if (size !== TUNNEL_KEY_SIZE) {
      if (size !== 28 && size !== 24 && size !== 22 && size !== 8) return clear(EINVAL);
    }
    const k = new Uint8Array(TUNNEL_KEY_SIZE);
    const dv = new DataView(k.buffer);
    dv.setUint32(0, info.id, true);
    k[20] = info.tos;
    k[21] = info.ttl;
    if (flags & BPF_F_TUNINFO_FLAGS) dv.setUint16(22, swab16(info.flags | (info.opts?.length ? TUNNEL_OPTS_FLAGS : 0)), true);
    if (flags & BPF_F_TUNINFO_IPV6) {
      k.set(info.src, 4);
      k.set(info.dst, 28);
      dv.setUint32(24, info.label, true);
    } else {
      dv.setUint32(4, info.src[0] ?? 0, true);
      dv.setUint32(28, info.dst[0] ?? 0, true);
    }
    const w = env.write(to, k.subarray(0, size));
    return w === true ? 0n : { fault: w };
  },
});

registerHelper({
  id: 30, name: 'skb_set_tunnel_opt',
  call(env, _skb, from, sizeArg): HelperResult {
    const size = Number(sizeArg & 0xffffffffn);
    const info = env.runState.get('skb.tunnel') as TunnelInfo | undefined;
    if (!info || size & 3) return errno(EINVAL);
    if (size > IP_TUNNEL_OPTS_MAX) return errno(ENOMEM);
    const b = env.read(from, size);
    if (typeof b === 'string') return { fault: b };
    env.runState.set('skb.tunnel', { ...info, opts: [...b] });
    return 0n;
  },
});

registerHelper({
  id: 29, name: 'skb_get_tunnel_opt',
  call(env, _skb, to, sizeArg): HelperResult {
    const size = Number(sizeArg & 0xffffffffn);
    const info = env.runState.get('skb.tunnel') as TunnelInfo | undefined;
    const opts = info?.opts ?? [];
    const clear = (e: number): HelperResult => {
      const w = env.write(to, new Uint8Array(size));
      return w === true ? errno(e) : { fault: w };
    };
    if (!info || opts.length === 0) return clear(ENOENT);
    if (size < opts.length) return clear(ENOMEM);
    const out = new Uint8Array(size);
    out.set(opts);
    const w = env.write(to, out);
    return w === true ? BigInt(opts.length) : { fault: w };
  },
});
