// Packet helpers for skb and XDP programs (net/core/filter.c): bpf_skb_load_bytes,
// bpf_skb_load_bytes_relative, bpf_skb_store_bytes, bpf_l3_csum_replace, bpf_l4_csum_replace,
// bpf_csum_diff (as 6.18 computes and folds it), bpf_csum_update, bpf_redirect (tc and XDP flavours), bpf_xdp_load_bytes,
// bpf_xdp_store_bytes and bpf_get_cgroup_classid. The packet is the program type's context object
// (env.ctx, a TestRunSetup from worker/progtypes/testrun.ts); bytes the program can see are read and
// written through the VM (env.read/env.write at the packet region) so that back-step undoes them.
// Checksum arithmetic is the kernel's on x86-64 (csum_partial/csum_fold/csum16_add in
// include/net/checksum.h and arch/x86/lib/csum-partial_64.c), in the CPU's little-endian view of the
// big-endian fields, exactly as the helpers see them. bpf_xdp_adjust_head/tail/meta and
// bpf_xdp_get_buff_len move data/data_end/data_meta inside the XDP frame and re-map the VM's packet regions
// (env.remapRegion); bpf_skb_change_tail, bpf_skb_pull_data and bpf_skb_change_type do the same for skbs.
// bpf_skb_change_head pushes zeroed head room; bpf_skb_vlan_push/pop move tags between the packet and
// the accelerated-tag metadata like skb_vlan_push/skb_vlan_pop; bpf_skb_change_proto makes room for an
// IPv6 header or removes it; bpf_skb_adjust_room grows or shrinks room at the MAC or network header
// (with the encapsulation flags' checks and protocol change); bpf_lwt_push_encap pushes an IP header. This file registers itself; worker/helpers/index.ts (or
// worker/progtypes/run.ts) imports it.

import { csumAdd, csumFold, csumPartial, csumSub, internetChecksum } from '../packets/checksum';
import type { TestRunSetup } from '../progtypes/testrun';
import { PACKET_BASE } from '../vm/memory';
import { errno, registerHelper, type HelperEnv, type HelperResult } from './types';

const EINVAL = 22, EFAULT = 14, ENOTSUPP = 524;
const BPF_F_RECOMPUTE_CSUM = 1n, BPF_F_INVALIDATE_HASH = 2n;
const BPF_F_HDR_FIELD_MASK = 0xfn, BPF_F_PSEUDO_HDR = 0x10n, BPF_F_MARK_MANGLED_0 = 0x20n, BPF_F_MARK_ENFORCE = 0x40n, BPF_F_IPV6 = 0x80n;
const BPF_HDR_START_MAC = 0n, BPF_HDR_START_NET = 1n;
const TC_ACT_SHOT = 2n, TC_ACT_REDIRECT = 7n, XDP_ABORTED = 0n, XDP_REDIRECT = 4n;
const BPF_F_INGRESS = 1n, BPF_F_NEIGH = 2n, BPF_F_PEER = 4n;

export function packetOf(env: HelperEnv, helper: string): TestRunSetup | { fault: string } {
  const s = env.ctx as TestRunSetup | null;
  if (!s || typeof s !== 'object' || !('packet' in s) || !('type' in s)) return { fault: `bpf_${helper} needs a packet context (run the program on a packet)` };
  return s;
}

const len = (s: TestRunSetup) => s.packet.dataEnd - s.packet.data;

function readMem(env: HelperEnv, addr: bigint, n: number): Uint8Array | { fault: string } {
  const r = env.read(addr, n);
  return typeof r === 'string' ? { fault: r } : r;
}

function writeMem(env: HelperEnv, addr: bigint, b: Uint8Array): { fault: string } | null {
  if (b.length === 0) return null;
  const r = env.write(addr, b);
  return r === true ? null : { fault: r };
}

/** Copies `n` bytes of the packet starting `off` bytes from data (may be negative for the mac header). */
function packetBytes(s: TestRunSetup, off: number, n: number): Uint8Array {
  const at = s.packet.data + off;
  return s.packet.buf.slice(at, at + n);
}

registerHelper({
  id: 26, name: 'skb_load_bytes',
  call(env, _skb, offset, to, lenArg): HelperResult {
    const s = packetOf(env, 'skb_load_bytes');
    if ('fault' in s) return s;
    const n = Number(lenArg & 0xffffffffn);
    const off = Number(offset & 0xffffffffn);
    if (off > 0x7fffffff || off + n > len(s)) {
      const f = writeMem(env, to, new Uint8Array(n));
      return f ?? errno(EFAULT);
    }
    return writeMem(env, to, packetBytes(s, off, n)) ?? 0n;
  },
});

registerHelper({
  id: 68, name: 'skb_load_bytes_relative',
  call(env, _skb, offset, to, lenArg, startHeader): HelperResult {
    const s = packetOf(env, 'skb_load_bytes_relative');
    if ('fault' in s) return s;
    const n = Number(lenArg & 0xffffffffn);
    const off = Number(offset & 0xffffffffn);
    const start = startHeader === BPF_HDR_START_MAC ? s.packet.mac : startHeader === BPF_HDR_START_NET ? s.packet.network : -1;
    if (off > 0xffff || start < 0 || start + off + n > s.packet.dataEnd) return writeMem(env, to, new Uint8Array(n)) ?? errno(EFAULT);
    return writeMem(env, to, s.packet.buf.slice(start + off, start + off + n)) ?? 0n;
  },
});

registerHelper({
  id: 9, name: 'skb_store_bytes',
  call(env, _skb, offset, from, lenArg, flags): HelperResult {
    const s = packetOf(env, 'skb_store_bytes');
    if ('fault' in s) return s;
    if (flags & ~(BPF_F_RECOMPUTE_CSUM | BPF_F_INVALIDATE_HASH)) return errno(EINVAL);
    const n = Number(lenArg & 0xffffffffn);
    const off = Number(offset & 0xffffffffn);
    if (off > 0x7fffffff || off + n > len(s)) return errno(EFAULT);
    const src = readMem(env, from, n);
    if ('fault' in src) return src;
    const w = writeMem(env, PACKET_BASE + BigInt(off), src);
    if (w) return w;
    return flags & BPF_F_INVALIDATE_HASH ? clearHash(env) ?? 0n : 0n;
  },
});

/** skb_clear_hash: skb->hash (__sk_buff.hash) becomes 0 and invalid, so get_hash_recalc computes it again. */
export function clearHash(env: HelperEnv): { fault: string } | null {
  const w = env.write(env.ctxAddr + 68n, new Uint8Array(4));
  if (w !== true) return { fault: w };
  env.runState.set('skb.hash', 'clear');
  return null;
}

// ---- checksum arithmetic on 16-bit fields read in the CPU's (little-endian) view ----
const csum16Add = (csum: number, addend: number): number => {
  let res = (csum & 0xffff) + (addend & 0xffff);
  res = (res & 0xffff) + (res > 0xffff ? 1 : 0);
  return res & 0xffff;
};
const csum16Sub = (csum: number, addend: number) => csum16Add(csum, ~addend & 0xffff);
/** csum_replace4(sum, from, to) */
const replace4 = (sum: number, from: number, to: number) => csumFold(csumAdd(csumSub(~sum >>> 0, from >>> 0), to >>> 0));
/** csum_replace2(sum, from, to) */
const replace2 = (sum: number, from: number, to: number) => ~csum16Add(csum16Sub(~sum & 0xffff, from), to) & 0xffff;
/** csum_replace_by_diff(sum, diff) */
const replaceByDiff = (sum: number, diff: number) => csumFold(csumAdd(diff >>> 0, ~sum >>> 0));

function sumField(env: HelperEnv, s: TestRunSetup, offset: bigint): { off: number; value: number } | HelperResult {
  const off = Number(offset & 0xffffffffn);
  if (offset > 0xffffn || off & 1) return errno(EFAULT);
  if (off + 2 > len(s)) return errno(EFAULT);
  const b = readMem(env, PACKET_BASE + BigInt(off), 2);
  if ('fault' in b) return b;
  return { off, value: b[0] | (b[1] << 8) };
}

const le16 = (v: number) => Uint8Array.of(v & 0xff, (v >> 8) & 0xff);

registerHelper({
  id: 10, name: 'l3_csum_replace',
  call(env, _skb, offset, from, to, flags): HelperResult {
    const s = packetOf(env, 'l3_csum_replace');
    if ('fault' in s) return s;
    if (flags & ~BPF_F_HDR_FIELD_MASK) return errno(EINVAL);
    const f = sumField(env, s, offset);
    if (typeof f !== 'object' || !('off' in f)) return f;
    let v: number;
    switch (flags & BPF_F_HDR_FIELD_MASK) {
      case 0n:
        if (from !== 0n) return errno(EINVAL);
        v = replaceByDiff(f.value, Number(to & 0xffffffffn));
        break;
      case 2n:
        v = replace2(f.value, Number(from & 0xffffn), Number(to & 0xffffn));
        break;
      case 4n:
        v = replace4(f.value, Number(from & 0xffffffffn), Number(to & 0xffffffffn));
        break;
      default:
        return errno(EINVAL);
    }
    return writeMem(env, PACKET_BASE + BigInt(f.off), le16(v)) ?? 0n;
  },
});

registerHelper({
  id: 11, name: 'l4_csum_replace',
  call(env, _skb, offset, from, to, flags): HelperResult {
    const s = packetOf(env, 'l4_csum_replace');
    if ('fault' in s) return s;
    if (flags & ~(BPF_F_MARK_MANGLED_0 | BPF_F_MARK_ENFORCE | BPF_F_PSEUDO_HDR | BPF_F_HDR_FIELD_MASK | BPF_F_IPV6)) return errno(EINVAL);
    const f = sumField(env, s, offset);
    if (typeof f !== 'object' || !('off' in f)) return f;
    const mmzero = (flags & BPF_F_MARK_MANGLED_0) !== 0n;
    if (mmzero && !(flags & BPF_F_MARK_ENFORCE) && f.value === 0) return 0n;
    // The test-run skb has ip_summed == CHECKSUM_NONE, so inet_proto_csum_replace* update the field as
    // csum_replace* do (the pseudo-header flag only matters for CHECKSUM_PARTIAL/COMPLETE skbs).
    let v: number;
    switch (flags & BPF_F_HDR_FIELD_MASK) {
      case 0n:
        if (from !== 0n) return errno(EINVAL);
        v = replaceByDiff(f.value, Number(to & 0xffffffffn));
        break;
      case 2n:
        v = replace4(f.value, Number(from & 0xffffn), Number(to & 0xffffn));
        break;
      case 4n:
        v = replace4(f.value, Number(from & 0xffffffffn), Number(to & 0xffffffffn));
        break;
      default:
        return errno(EINVAL);
    }
    if (mmzero && v === 0) v = 0xffff; // CSUM_MANGLED_0
    return writeMem(env, PACKET_BASE + BigInt(f.off), le16(v)) ?? 0n;
  },
});

registerHelper({
  id: 28, name: 'csum_diff',
  // Linux 6.18: csum_sub(csum_partial(to, seed), csum_partial(from, 0)) (pushing: csum_partial(to, seed);
  // pulling: ~csum_partial(from, ~seed)), folded to 16 bits (csum_from32to16) so every architecture
  // returns the same value. Sizes need not be multiples of 4.
  call(env, from, fromSize, to, toSize, seed): HelperResult {
    const fs = Number(fromSize & 0xffffffffn), ts = Number(toSize & 0xffffffffn);
    const sd = Number(seed & 0xffffffffn);
    const a = fs ? readMem(env, from, fs) : new Uint8Array(0);
    if ('fault' in a) return a;
    const b = ts ? readMem(env, to, ts) : new Uint8Array(0);
    if ('fault' in b) return b;
    let r: number;
    if (fs && ts) r = csumSub(csumPartial(b, 0, ts, sd), csumPartial(a, 0, fs, 0));
    else if (ts) r = csumPartial(b, 0, ts, sd);
    else if (fs) r = ~csumPartial(a, 0, fs, ~sd >>> 0) >>> 0;
    else r = sd;
    r = (r & 0xffff) + (r >>> 16);
    r = (r & 0xffff) + (r >>> 16);
    return BigInt(r);
  },
});

registerHelper({
  id: 40, name: 'csum_update',
  // The skb is CHECKSUM_NONE (no skb->csum to update): the kernel returns -EOPNOTSUPP (ENOTSUPP 524).
  call: () => errno(ENOTSUPP),
});

registerHelper({
  id: 23, name: 'redirect',
  call(env, _ifindex, flags): HelperResult {
    const s = env.ctx as TestRunSetup | null;
    if (s && typeof s === 'object' && 'type' in s && s.type === 'xdp') return flags === 0n ? XDP_REDIRECT : XDP_ABORTED;
    if (flags & ~(BPF_F_INGRESS | BPF_F_NEIGH | BPF_F_PEER)) return TC_ACT_SHOT;
    return TC_ACT_REDIRECT;
  },
});

registerHelper({
  id: 17, name: 'get_cgroup_classid',
  // net_cls classid of the skb's socket cgroup; the simulated socket is in the root cgroup (classid 0).
  call: () => 0n,
});

registerHelper({
  id: 47, name: 'get_socket_uid',
  // sock_i_uid of skb->sk: the simulated socket belongs to uid 0 (as the test-run socket does); no socket
  // gives overflowuid (65534).
  call(env): HelperResult {
    const s = env.ctx as TestRunSetup | null;
    return s && typeof s === 'object' && 'sock' in s && s.sock ? 0n : 65534n;
  },
});

registerHelper({
  id: 46, name: 'get_socket_cookie',
  // The kernel hands out socket cookies from a global counter on first use (__sock_gen_cookie), so the
  // values depend on the machine's history. bpfplay numbers its simulated sockets from 1: an skb's socket
  // is 1 (0 for an skb without one), a sock_ops program's socket is its index + 1, and the socket a
  // cgroup_sock program sees being created, or an sk_skb message's socket, is 1.
  call(env): HelperResult {
    const c = env.ctx as (Partial<TestRunSetup> & { sockOps?: { socketIndex?: number } }) | null;
    if (!c || typeof c !== 'object') return 1n;
    if (c.sockOps) return BigInt((c.sockOps.socketIndex ?? 0) + 1);
    if ('packet' in c && (c.type as string) !== 'sk_skb') return c.sock ? 1n : 0n;
    return 1n;
  },
});

registerHelper({
  id: 189, name: 'xdp_load_bytes',
  call(env, _xdp, offset, buf, lenArg): HelperResult {
    const s = packetOf(env, 'xdp_load_bytes');
    if ('fault' in s) return s;
    const n = Number(lenArg & 0xffffffffn), off = Number(offset & 0xffffffffn);
    if (off > 0xffff || n > 0xffff) return errno(EFAULT);
    if (off + n > len(s)) return errno(EINVAL);
    return writeMem(env, buf, packetBytes(s, off, n)) ?? 0n;
  },
});

registerHelper({
  id: 190, name: 'xdp_store_bytes',
  call(env, _xdp, offset, buf, lenArg): HelperResult {
    const s = packetOf(env, 'xdp_store_bytes');
    if ('fault' in s) return s;
    const n = Number(lenArg & 0xffffffffn), off = Number(offset & 0xffffffffn);
    if (off > 0xffff || n > 0xffff) return errno(EFAULT);
    if (off + n > len(s)) return errno(EINVAL);
    const src = readMem(env, buf, n);
    if ('fault' in src) return src;
    return writeMem(env, PACKET_BASE + BigInt(off), src) ?? 0n;
  },
});

// ---- XDP head/tail/metadata adjustment: move data, data_end or data_meta inside the 4096-byte frame ----

/** sizeof(struct xdp_frame) on x86-64 Linux 6.18: the part of the headroom bpf_xdp_adjust_head and
 * bpf_xdp_adjust_meta may never take (pinned by the kernel-differential test). */
export const XDP_FRAME_SIZE = 40;
const EACCES = 13, ETH_HLEN = 14;

/** Re-maps the VM's packet and packet_meta regions after data/data_end/data_meta moved in the buffer. */
function remapPacket(env: HelperEnv, s: TestRunSetup): { fault: string } | null {
  const p = s.packet;
  const a = env.remapRegion('packet_meta', PACKET_BASE - BigInt(p.data - p.dataMeta), p.buf.subarray(p.dataMeta, p.data));
  if (a !== true) return { fault: a };
  const b = env.remapRegion('packet', PACKET_BASE, p.buf.subarray(p.data, p.dataEnd));
  return b === true ? null : { fault: b };
}

/** The packet offsets as the VM's regions say (the truth also after back-steps), written back into s. */
export function syncFromRegions(env: HelperEnv, s: TestRunSetup): void {
  const pk = env.region('packet'), meta = env.region('packet_meta');
  if (!pk || pk.bytes.buffer !== s.packet.buf.buffer) return;
  s.packet.data = pk.bytes.byteOffset - s.packet.buf.byteOffset;
  s.packet.dataEnd = s.packet.data + pk.bytes.length;
  s.packet.dataMeta = meta && meta.bytes.buffer === s.packet.buf.buffer ? meta.bytes.byteOffset - s.packet.buf.byteOffset : s.packet.data;
}

registerHelper({
  id: 44, name: 'xdp_adjust_head',
  call(env, _xdp, offsetArg): HelperResult {
    const s = packetOf(env, 'xdp_adjust_head');
    if ('fault' in s) return s;
    syncFromRegions(env, s);
    const p = s.packet;
    const offset = Number(BigInt.asIntN(32, offsetArg));
    const metalen = p.data - p.dataMeta;
    const data = p.data + offset;
    if (data < XDP_FRAME_SIZE + metalen || data > p.dataEnd - ETH_HLEN) return errno(EINVAL);
    if (metalen) p.buf.copyWithin(p.dataMeta + offset, p.dataMeta, p.data);
    p.dataMeta += offset;
    p.data = data;
    return remapPacket(env, s) ?? 0n;
  },
});

registerHelper({
  id: 54, name: 'xdp_adjust_meta',
  call(env, _xdp, offsetArg): HelperResult {
    const s = packetOf(env, 'xdp_adjust_meta');
    if ('fault' in s) return s;
    if (s.type !== 'xdp') return errno(ENOTSUPP);
    syncFromRegions(env, s);
    const p = s.packet;
    const meta = p.dataMeta + Number(BigInt.asIntN(32, offsetArg));
    if (meta < XDP_FRAME_SIZE || meta > p.data) return errno(EINVAL);
    const metalen = p.data - meta;
    if (metalen & 3 || metalen > 255) return errno(EACCES); // xdp_metalen_invalid (6.18: up to 255 bytes)
    p.dataMeta = meta;
    return remapPacket(env, s) ?? 0n;
  },
});

registerHelper({
  id: 65, name: 'xdp_adjust_tail',
  call(env, _xdp, offsetArg): HelperResult {
    const s = packetOf(env, 'xdp_adjust_tail');
    if ('fault' in s) return s;
    syncFromRegions(env, s);
    const p = s.packet;
    const offset = Number(BigInt.asIntN(32, offsetArg));
    const end = p.dataEnd + offset;
    if (end > p.limit || end < p.data + ETH_HLEN) return errno(EINVAL);
    if (offset > 0) p.buf.fill(0, p.dataEnd, end); // grown bytes are cleared
    p.dataEnd = end;
    return remapPacket(env, s) ?? 0n;
  },
});

registerHelper({
  id: 188, name: 'xdp_get_buff_len',
  call(env): HelperResult {
    const s = packetOf(env, 'xdp_get_buff_len');
    if ('fault' in s) return s;
    syncFromRegions(env, s);
    return BigInt(s.packet.dataEnd - s.packet.data);
  },
});

// ---- skb length and type changes ----

/** The skb's linear length after a change: remaps the packet regions and updates __sk_buff.len. */
function setSkbLength(env: HelperEnv, s: TestRunSetup, newLen: number): { fault: string } | null {
  const p = s.packet;
  if (p.data + newLen > p.buf.length) {
    // pskb_expand_head: a bigger buffer (the grown bytes are zero here; the kernel leaves them unset)
    const nb = new Uint8Array(p.data + newLen + 64);
    nb.set(p.buf.subarray(0, p.dataEnd));
    p.buf = nb;
    p.limit = nb.length;
  }
  p.dataEnd = p.data + newLen;
  const f = remapPacket(env, s);
  if (f) return f;
  const w = env.write(env.ctxAddr, Uint8Array.of(newLen & 0xff, (newLen >> 8) & 0xff, (newLen >> 16) & 0xff, newLen >>> 24));
  return w === true ? null : { fault: w };
}

/**
 * The largest skb bpf_skb_change_tail/bpf_skb_change_head may produce (not GSO): SKB_MAX_ALLOC, one order-2
 * allocation minus struct skb_shared_info = 16384 - 320 on x86-64. Measured on Linux 6.18 under
 * BPF_PROG_TEST_RUN (tc): new_len 16064 succeeds, 16065 gives -EINVAL, for both helpers.
 */
const BPF_SKB_MAX_LEN = 16064;

registerHelper({
  id: 38, name: 'skb_change_tail',
  call(env, _skb, newLenArg, flags): HelperResult {
    const s = packetOf(env, 'skb_change_tail');
    if ('fault' in s) return s;
    syncFromRegions(env, s);
    const p = s.packet;
    const newLen = Number(newLenArg & 0xffffffffn);
    // __bpf_skb_min_len: the network header offset (no transport header is set in these skbs)
    const minLen = Math.max(0, p.network - p.data);
    if (flags !== 0n || newLenArg > 0xffffffffn || newLen > BPF_SKB_MAX_LEN || newLen < minLen) return errno(EINVAL);
    if (env.runState.get('skb.encapsulation')) return errno(ENOTSUPP); // skb->encapsulation (bpf_skb_adjust_room encap)
    const len = p.dataEnd - p.data;
    if (newLen > len) p.buf.fill(0, p.dataEnd, Math.min(p.buf.length, p.data + newLen));
    return setSkbLength(env, s, newLen) ?? 0n;
  },
});

registerHelper({
  id: 43, name: 'skb_change_head',
  // bpf_skb_change_head: head_room zero bytes in front of data (skb_cow, __skb_push, memset); the mac
  // header is reset to the new data start. flags must be 0; the result must fit __bpf_skb_max_len.
  call(env, _skb, headRoomArg, flags): HelperResult {
    const s = packetOf(env, 'skb_change_head');
    if ('fault' in s) return s;
    syncFromRegions(env, s);
    const p = s.packet;
    const headRoom = Number(headRoomArg & 0xffffffffn);
    const len = p.dataEnd - p.data;
    if (flags !== 0n || headRoomArg > 0xffffffffn || len + headRoom > BPF_SKB_MAX_LEN) return errno(EINVAL);
    if (headRoom > p.data) {
      // skb_cow: a bigger head (NET_SKB_PAD of fresh headroom in front)
      const extra = headRoom - p.data + 64;
      const nb = new Uint8Array(p.buf.length + extra);
      nb.set(p.buf, extra);
      p.buf = nb;
      p.data += extra; p.dataEnd += extra; p.dataMeta += extra; p.mac += extra; p.network += extra; p.limit += extra;
    }
    p.data -= headRoom;
    p.dataMeta = p.data;
    p.buf.fill(0, p.data, p.data + headRoom);
    p.mac = p.data;
    return setSkbLength(env, s, len + headRoom) ?? 0n;
  },
});

// ---- VLAN: the skb's accelerated tag lives in __sk_buff.vlan_present/vlan_tci/vlan_proto, the protocol in
// __sk_buff.protocol (big-endian), all in the context bytes, which is where the program reads them. ----

const isVlan = (protoBe: number) => protoBe === 0x8100 || protoBe === 0x88a8;

function ctxRead(env: HelperEnv, off: number, n: number): Uint8Array | { fault: string } {
  const r = env.read(env.ctxAddr + BigInt(off), n);
  return typeof r === 'string' ? { fault: r } : r;
}
function ctxWrite(env: HelperEnv, off: number, b: Uint8Array): { fault: string } | null {
  const r = env.write(env.ctxAddr + BigInt(off), b);
  return r === true ? null : { fault: r };
}
const le32b = (v: number) => Uint8Array.of(v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff);

/** __vlan_hwaccel_put_tag / clear: vlan_present (20), vlan_tci (24), vlan_proto (28, big-endian bytes). */
function putHwTag(env: HelperEnv, tag: { proto: number; tci: number } | null): { fault: string } | null {
  return ctxWrite(env, 20, le32b(tag ? 1 : 0)) ?? ctxWrite(env, 24, le32b(tag ? tag.tci : 0)) ?? ctxWrite(env, 28, tag ? Uint8Array.of(tag.proto >> 8, tag.proto & 0xff, 0, 0) : new Uint8Array(4));
}

/** __skb_vlan_pop: removes the 802.1Q header after the MAC addresses; returns the tci. */
function popFromData(env: HelperEnv, s: TestRunSetup): number | { fault: string } | bigint {
  const p = s.packet;
  if (p.data !== p.mac) return errno(EINVAL);
  if (p.dataEnd - p.data < 18) return errno(ENOMEM);
  const tci = (p.buf[p.data + 14]! << 8) | p.buf[p.data + 15]!;
  const inner = (p.buf[p.data + 16]! << 8) | p.buf[p.data + 17]!;
  p.buf.copyWithin(p.data + 4, p.data, p.data + 12);
  const len = p.dataEnd - p.data - 4;
  p.data += 4;
  p.dataMeta = p.data;
  p.mac = p.data;
  if (p.network - p.data < 14) p.network = p.data + 14;
  const f = setSkbLength(env, s, len) ?? ctxWrite(env, 16, Uint8Array.of(inner >> 8, inner & 0xff, 0, 0));
  return f ?? tci;
}
const ENOMEM = 12;

registerHelper({
  id: 18, name: 'skb_vlan_push',
  call(env, _skb, protoArg, tciArg): HelperResult {
    const s = packetOf(env, 'skb_vlan_push');
    if ('fault' in s) return s;
    syncFromRegions(env, s);
    // vlan_proto is __be16: the program passes the network-order value as loaded on little-endian
    const be = Number(protoArg & 0xffffn);
    let proto = ((be & 0xff) << 8) | (be >> 8);
    if (!isVlan(proto)) proto = 0x8100;
    const tci = Number(tciArg & 0xffffn);
    const present = ctxRead(env, 20, 12);
    if ('fault' in present) return present;
    if (present[0]) {
      // the present accelerated tag goes into the packet first (__vlan_insert_tag)
      const p = s.packet;
      if (p.data !== p.mac) return errno(EINVAL);
      const oldProto = (present[8]! << 8) | present[9]!;
      const oldTci = present[4]! | (present[5]! << 8);
      if (p.data < 4) return errno(ENOMEM);
      p.buf.copyWithin(p.data - 4, p.data, p.data + 12);
      p.data -= 4;
      p.dataMeta = p.data;
      p.mac = p.data;
      p.network -= 4;
      p.buf.set([oldProto >> 8, oldProto & 0xff, oldTci >> 8, oldTci & 0xff], p.data + 12);
      const f = setSkbLength(env, s, p.dataEnd - p.data) ?? ctxWrite(env, 16, Uint8Array.of(oldProto >> 8, oldProto & 0xff, 0, 0));
      if (f) return f;
    }
    return putHwTag(env, { proto, tci }) ?? 0n;
  },
});

registerHelper({
  id: 19, name: 'skb_vlan_pop',
  call(env, _skb): HelperResult {
    const s = packetOf(env, 'skb_vlan_pop');
    if ('fault' in s) return s;
    syncFromRegions(env, s);
    const meta = ctxRead(env, 16, 8);
    if ('fault' in meta) return meta;
    let protocol = (meta[0]! << 8) | meta[1]!;
    if (meta[4]) {
      const f = putHwTag(env, null);
      if (f) return f;
    } else {
      if (!isVlan(protocol)) return 0n;
      const r = popFromData(env, s);
      if (typeof r !== 'number') return r;
      const m2 = ctxRead(env, 16, 2);
      if ('fault' in m2) return m2;
      protocol = (m2[0]! << 8) | m2[1]!;
    }
    // the next tag, if any, moves into the accelerated slot
    if (!isVlan(protocol)) return 0n;
    const r = popFromData(env, s);
    if (typeof r !== 'number') return r;
    return putHwTag(env, { proto: protocol, tci: r }) ?? 0n;
  },
});

registerHelper({
  id: 31, name: 'skb_change_proto',
  // bpf_skb_proto_xlat: IPv4 -> IPv6 inserts 20 zero bytes after the MAC header (the program writes the
  // new header), IPv6 -> IPv4 removes 20; protocol follows. Other pairs are -ENOTSUPP; flags must be 0.
  call(env, _skb, protoArg, flags): HelperResult {
    const s = packetOf(env, 'skb_change_proto');
    if ('fault' in s) return s;
    if (flags !== 0n) return errno(EINVAL);
    syncFromRegions(env, s);
    const p = s.packet;
    const be = Number(protoArg & 0xffffn);
    const to = ((be & 0xff) << 8) | (be >> 8);
    const cur = ctxRead(env, 16, 2);
    if ('fault' in cur) return cur;
    const from = (cur[0]! << 8) | cur[1]!;
    const off = p.network - p.mac;
    if (from === 0x0800 && to === 0x86dd) {
      if (p.data < 20) return errno(ENOMEM);
      // skb_push(20); memmove(data, data + 20, off); memset(data + off, 0, 20)
      p.buf.copyWithin(p.data - 20, p.data, p.data + off);
      p.data -= 20;
      p.buf.fill(0, p.data + off, p.data + off + 20);
    } else if (from === 0x86dd && to === 0x0800) {
      if (p.dataEnd - p.data < off + 20) return errno(ENOMEM);
      p.buf.copyWithin(p.data + 20, p.data, p.data + off);
      p.data += 20;
    } else return errno(ENOTSUPP);
    const len = p.dataEnd - p.data;
    p.dataMeta = p.data;
    p.mac = p.data;
    p.network = p.data + off;
    return setSkbLength(env, s, len) ?? ctxWrite(env, 16, Uint8Array.of(to >> 8, to & 0xff, 0, 0)) ?? clearHash(env) ?? 0n;
  },
});

/** bpf_skb_net_hdr_push / _pop: insert zeroed bytes, or remove bytes, `off` bytes after data. */
function netHdrPush(s: TestRunSetup, off: number, n: number): void {
  const p = s.packet;
  if (p.data < n) {
    const extra = n - p.data + 64;
    const nb = new Uint8Array(p.buf.length + extra);
    nb.set(p.buf, extra);
    p.buf = nb;
    p.data += extra; p.dataEnd += extra; p.dataMeta += extra; p.mac += extra; p.network += extra; p.limit += extra;
  }
  p.buf.copyWithin(p.data - n, p.data, p.data + off);
  p.data -= n;
  p.buf.fill(0, p.data + off, p.data + off + n);
}
function netHdrPop(s: TestRunSetup, off: number, n: number): void {
  const p = s.packet;
  p.buf.copyWithin(p.data + n, p.data, p.data + off);
  p.data += n;
}

const BPF_ADJ_ROOM_NET = 0n, BPF_ADJ_ROOM_MAC = 1n;
const BPF_F_ADJ_ROOM_FIXED_GSO = 1n, BPF_F_ADJ_ROOM_NO_CSUM_RESET = 1n << 5n;
const BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 = 1n << 1n, BPF_F_ADJ_ROOM_ENCAP_L3_IPV6 = 1n << 2n, BPF_F_ADJ_ROOM_ENCAP_L4_GRE = 1n << 3n, BPF_F_ADJ_ROOM_ENCAP_L4_UDP = 1n << 4n, BPF_F_ADJ_ROOM_ENCAP_L2_ETH = 1n << 6n;
const EALREADY = 114;
/** BPF_F_ADJ_ROOM_DECAP_L3_IPV4 (1 << 7) | BPF_F_ADJ_ROOM_DECAP_L3_IPV6 (1 << 8): Linux 6.18 has them (the installed UAPI header may not). */
const BPF_F_ADJ_ROOM_DECAP_L3_IPV4 = 1n << 7n, BPF_F_ADJ_ROOM_DECAP_L3_IPV6 = 1n << 8n, BPF_F_ADJ_ROOM_DECAP_L3_MASK = 3n << 7n;
const BPF_F_ADJ_ROOM_MASK = 0x1ffn | (0xffn << 56n);

registerHelper({
  id: 50, name: 'skb_adjust_room',
  // bpf_skb_adjust_room: grow (zeroed) or shrink room after the MAC header (BPF_ADJ_ROOM_MAC) or after
  // the base network header (BPF_ADJ_ROOM_NET), IPv4/IPv6 only. Growing with BPF_F_ADJ_ROOM_ENCAP_L3_*
  // marks the skb as encapsulated (bpf_skb_net_grow: one L3 and at most one L4 flag, an inner L2 length no
  // longer than the room, -EALREADY on an skb already encapsulated) and makes skb->protocol follow the
  // outer L3 header; shrinking takes FIXED_GSO, NO_CSUM_RESET and one BPF_F_ADJ_ROOM_DECAP_L3_* flag,
  // which makes skb->protocol follow the new outer header (decap flags on a grow are -EINVAL). A success resets
  // CHECKSUM_UNNECESSARY (the csum_level state) unless BPF_F_ADJ_ROOM_NO_CSUM_RESET. The inner header
  // offsets and GSO type the kernel records are not visible to programs and are not kept.
  call(env, _skb, lenDiffArg, mode, flags): HelperResult {
    const s = packetOf(env, 'skb_adjust_room');
    if ('fault' in s) return s;
    if (flags & ~(BPF_F_ADJ_ROOM_MASK | BPF_F_ADJ_ROOM_NO_CSUM_RESET)) return errno(EINVAL);
    const diff = Number(BigInt.asIntN(32, lenDiffArg));
    const abs = Math.abs(diff);
    if (abs > 0xfff) return errno(EFAULT);
    syncFromRegions(env, s);
    const cur = ctxRead(env, 16, 2);
    if ('fault' in cur) return cur;
    const proto = (cur[0]! << 8) | cur[1]!;
    if (proto !== 0x0800 && proto !== 0x86dd) return errno(ENOTSUPP);
    const p = s.packet;
    const base = proto === 0x0800 ? 20 : 40;
    let off = p.network - p.mac;
    if (mode === BPF_ADJ_ROOM_NET) off += base;
    else if (mode !== BPF_ADJ_ROOM_MAC) return errno(ENOTSUPP);
    const lenCur = p.dataEnd - p.network;
    const shrink = diff < 0;
    // A decap (shrink only, one family) must leave at least the new outer header's base length.
    const decap = flags & BPF_F_ADJ_ROOM_DECAP_L3_MASK;
    if (decap && (!shrink || decap === BPF_F_ADJ_ROOM_DECAP_L3_MASK)) return errno(EINVAL);
    const lenMin = decap === BPF_F_ADJ_ROOM_DECAP_L3_IPV4 ? 20 : decap === BPF_F_ADJ_ROOM_DECAP_L3_IPV6 ? 40 : base;
    if (shrink ? abs >= lenCur || lenCur - abs < lenMin : p.dataEnd - p.data + abs > 0xffff) return errno(ENOTSUPP);
    let newProto = proto;
    if (shrink) {
      if (flags & ~(BPF_F_ADJ_ROOM_FIXED_GSO | BPF_F_ADJ_ROOM_DECAP_L3_MASK | BPF_F_ADJ_ROOM_NO_CSUM_RESET)) return errno(EINVAL);
      if (p.dataEnd - p.data < off + abs) return errno(ENOMEM);
      netHdrPop(s, off, abs);
      if (proto === 0x0800 && flags & BPF_F_ADJ_ROOM_DECAP_L3_IPV6) newProto = 0x86dd;
      else if (proto === 0x86dd && flags & BPF_F_ADJ_ROOM_DECAP_L3_IPV4) newProto = 0x0800;
    } else {
      if (flags & (BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 | BPF_F_ADJ_ROOM_ENCAP_L3_IPV6)) {
        const innerMacLen = Number((flags >> 56n) & 0xffn);
        if (flags & BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 && flags & BPF_F_ADJ_ROOM_ENCAP_L3_IPV6) return errno(EINVAL);
        if (flags & BPF_F_ADJ_ROOM_ENCAP_L4_GRE && flags & BPF_F_ADJ_ROOM_ENCAP_L4_UDP) return errno(EINVAL);
        if (flags & BPF_F_ADJ_ROOM_ENCAP_L2_ETH && innerMacLen < 14) return errno(EINVAL);
        if (env.runState.get('skb.encapsulation')) return errno(EALREADY);
        if (innerMacLen > abs) return errno(EINVAL);
        env.runState.set('skb.encapsulation', true);
        if (proto === 0x0800 && flags & BPF_F_ADJ_ROOM_ENCAP_L3_IPV6) newProto = 0x86dd;
        else if (proto === 0x86dd && flags & BPF_F_ADJ_ROOM_ENCAP_L3_IPV4) newProto = 0x0800;
      }
      netHdrPush(s, off, abs);
    }
    if (!(flags & BPF_F_ADJ_ROOM_NO_CSUM_RESET)) {
      // __skb_reset_checksum_unnecessary
      const cs = env.runState.get('skb.csum') as { unnecessary: boolean; level: number } | undefined;
      if (cs?.unnecessary) env.runState.set('skb.csum', { unnecessary: false, level: 0 });
    }
    const macLen = p.network - p.mac;
    const len = p.dataEnd - p.data;
    p.dataMeta = p.data;
    p.mac = p.data;
    p.network = p.data + macLen;
    const f = setSkbLength(env, s, len);
    if (f) return f;
    return newProto === proto ? 0n : ctxWrite(env, 16, Uint8Array.of(newProto >> 8, newProto & 0xff, 0, 0)) ?? 0n;
  },
});

registerHelper({
  id: 73, name: 'lwt_push_encap',
  // bpf_lwt_push_ip_encap (BPF_LWT_ENCAP_IP, lwt_in and lwt_xmit): prepend the given IPv4/IPv6 header to
  // the packet; an IPv4 header with a zero checksum gets one (ip_fast_csum); protocol follows the header.
  // The seg6 encapsulations of lwt_in are not simulated (they fault).
  call(env, _skb, typeArg, hdr, lenArg): HelperResult {
    const s = packetOf(env, 'lwt_push_encap');
    if ('fault' in s) return s;
    if (typeArg === 0n || typeArg === 1n) {
      if (s.type !== 'lwt_in') return errno(EINVAL);
      // seg6_validate_srh: routing type 4 and (hdrlen + 1) * 8 == len; a valid SRH is not simulated
      const n = Number(lenArg & 0xffffffffn);
      const srh = readMem(env, hdr, Math.min(Math.max(n, 4), 256));
      if ('fault' in srh) return srh;
      if (srh[2] !== 4 || (srh[1]! + 1) * 8 !== n) return errno(EINVAL);
      return { fault: 'bpfplay does not simulate seg6 encapsulation (BPF_LWT_ENCAP_SEG6*)' };
    }
    if (typeArg !== 2n) return errno(EINVAL);
    const len = Number(lenArg & 0xffffffffn);
    if (len < 20 || len > 256) return errno(EINVAL);
    const h = readMem(env, hdr, len);
    if ('fault' in h) return h;
    const version = h[0]! >> 4;
    const ihl = (h[0]! & 0xf) * 4;
    if (version === 4 ? len < ihl : version === 6 ? len < 40 : true) return errno(EINVAL);
    syncFromRegions(env, s);
    const p = s.packet;
    netHdrPush(s, 0, len);
    p.buf.set(h, p.data);
    if (version === 4 && p.buf[p.data + 10] === 0 && p.buf[p.data + 11] === 0) {
      const c = internetChecksum(p.buf, p.data, p.data + ihl);
      p.buf[p.data + 10] = c >> 8;
      p.buf[p.data + 11] = c & 0xff;
    }
    p.dataMeta = p.data;
    p.network = p.data;
    const proto = version === 4 ? 0x0800 : 0x86dd;
    return setSkbLength(env, s, p.dataEnd - p.data) ?? ctxWrite(env, 16, Uint8Array.of(proto >> 8, proto & 0xff, 0, 0)) ?? 0n;
  },
});

registerHelper({
  id: 39, name: 'skb_pull_data',
  // The test skb is linear: pulling up to its length succeeds, more fails with -ENOMEM (pskb_may_pull).
  call(env, _skb, lenArg): HelperResult {
    const s = packetOf(env, 'skb_pull_data');
    if ('fault' in s) return s;
    syncFromRegions(env, s);
    return lenArg > BigInt(s.packet.dataEnd - s.packet.data) ? errno(12) : 0n;
  },
});

registerHelper({
  id: 32, name: 'skb_change_type',
  // skb_pkt_type_ok: only PACKET_HOST..PACKET_OTHERHOST (0..3), for the current and the new type.
  call(env, _skb, typeArg): HelperResult {
    const s = packetOf(env, 'skb_change_type');
    if ('fault' in s) return s;
    const cur = env.read(env.ctxAddr + 4n, 4);
    if (typeof cur === 'string') return { fault: cur };
    if (cur[0]! > 3 || typeArg > 3n) return errno(EINVAL);
    const w = env.write(env.ctxAddr + 4n, Uint8Array.of(Number(typeArg), 0, 0, 0));
    return w === true ? 0n : { fault: w };
  },
});

export const PACKET_HELPERS_REGISTERED = true;
