// BPF_PROG_TEST_RUN semantics, and the attach-point view, for the packet program types: turns data_in
// (+ optional ctx_in) into what the VM needs — the context bytes, which context fields are pointers and where
// they point, the packet buffer with its headroom — and turns the state after the run into data_out and
// ctx_out exactly as the kernel reports them. Follows net/bpf/test_run.c (Linux 6.18):
// bpf_prog_test_run_skb (socket_filter, sched_cls, sched_act, cgroup_skb, lwt_in/out/xmit) and
// bpf_prog_test_run_xdp, with convert___skb_to_skb / convert_skb_to___skb and xdp_convert_md_to_buff /
// xdp_convert_buff_to_md. It does not execute programs (worker/vm does) and does not implement helpers.
//
// Two views of a packet:
//  * 'test_run' — what `cli run` and the kernel-differential tests use. The skb is built on the loopback
//    device: eth_type_trans() pulls the 14-byte Ethernet header and sets protocol and pkt_type; tc types
//    (sched_cls/sched_act) get the header pushed back, so data starts at L2; every other skb type starts
//    at L3 (the Ethernet header is still in the buffer before data, readable with
//    bpf_skb_load_bytes_relative(BPF_HDR_START_MAC)), and in data_out those 14 bytes come back zeroed.
//    A dummy socket is attached whose family and addresses come from the IP header. XDP gets a 4096-byte
//    frame with XDP_PACKET_HEADROOM (256) in front (less the metadata length given as ctx_in.data), and
//    data_out runs from data_meta to data_end.
//  * 'attach' — what a program sees when really attached, with metadata the user sets (ifindex, mark,
//    hash, ingress/egress, vlan offload …): a socket filter on an AF_PACKET socket and tc see L2; a socket
//    filter on an inet socket, cgroup_skb and LWT see L3 (for these the frame in the events file may also
//    start directly at the IP header); XDP sees L2 with 256 bytes of headroom. There is no data_out/ctx_out
//    contract there; the verdict is what matters.
//
// Events files for the other types are documented in worker/events/format.ts.

import { err, type Diagnostic } from '../util/diag';
import { bpfSockLayout, type CtxLayout } from './ctx';
import { PROG_TYPES, type ProgTypeName } from './table';

export const ETH_HLEN = 14;
/** NET_SKB_PAD + NET_IP_ALIGN on x86-64 (64 + 0): headroom bpf_test_init reserves for skbs. */
export const SKB_TEST_HEADROOM = 64;
/** SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) on x86-64. */
export const SHINFO_SIZE = 320;
export const XDP_PACKET_HEADROOM = 256;
export const PAGE_SIZE = 4096;
export const LOOPBACK_IFINDEX = 1;

const EINVAL = 22, ENODEV = 19, E2BIG = 7, ENOTSUPP = 524;

export type TestRunType = 'socket_filter' | 'sched_cls' | 'sched_act' | 'xdp' | 'cgroup_skb' | 'lwt_in' | 'lwt_out' | 'lwt_xmit';
export const TEST_RUN_TYPES: readonly TestRunType[] = ['socket_filter', 'sched_cls', 'sched_act', 'xdp', 'cgroup_skb', 'lwt_in', 'lwt_out', 'lwt_xmit'];

/** A context field that holds a pointer: the VM materialises it when the field is loaded. */
export interface CtxPointer {
  off: number;
  size: number;
  target: 'data' | 'data_end' | 'data_meta' | 'sk';
}

/** The packet memory: one buffer with the packet and the room around it. Offsets index `buf`. */
export interface PacketRegion {
  buf: Uint8Array;
  data: number;
  dataEnd: number;
  dataMeta: number;
  /** Where the link-layer header starts (skb mac header); for L3 views it lies before data. */
  mac: number;
  /** Network header offset. */
  network: number;
  /** Upper bound for growing data_end (XDP frame end minus shared info; skb end). */
  limit: number;
}

export interface TestRunSetup {
  type: TestRunType;
  view: 'test_run' | 'attach';
  ctxLayout: CtxLayout;
  ctx: Uint8Array;
  pointers: CtxPointer[];
  packet: PacketRegion;
  /** The socket view (struct bpf_sock) that __sk_buff->sk points to, for skb types. */
  sock?: Uint8Array;
  /** Whether data_out/ctx_out follow the kernel's test_run contract. */
  ctxIn?: Uint8Array;
  /** skb->protocol (host order) and pkt_type as eth_type_trans set them. */
  protocol?: number;
  pktType?: number;
}

export interface SetupResult { setup: TestRunSetup | null; diagnostics: Diagnostic[]; errno?: number }

export interface TestRunInput {
  type: ProgTypeName;
  dataIn: Uint8Array;
  ctxIn?: Uint8Array;
  /** expected_attach_type; BPF_XDP_DEVMAP/CPUMAP programs cannot be test-run. */
  attachType?: number;
  /** Interface indexes that exist besides loopback (ctx_in.ifindex / ingress_ifindex must name one). */
  ifindexes?: readonly number[];
}

export interface TestRunOutput { retval: number; dataOut: Uint8Array; ctxOut: Uint8Array | null }

const fail = (errno: number, message: string, byteOffset?: number): SetupResult => ({
  setup: null,
  errno,
  diagnostics: [err(`BPF_PROG_TEST_RUN would fail with ${errnoName(errno)}: ${message}`, byteOffset === undefined ? {} : { byteOffset }, `testrun.${errnoName(errno)}`)],
});

export function errnoName(e: number): string {
  return ({ [EINVAL]: 'EINVAL', [ENODEV]: 'ENODEV', [E2BIG]: 'E2BIG', [ENOTSUPP]: 'ENOTSUPP' } as Record<number, string>)[e] ?? `errno ${e}`;
}

const rd32 = (b: Uint8Array, o: number) => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
const wr32 = (b: Uint8Array, o: number, v: number) => { b[o] = v & 0xff; b[o + 1] = (v >>> 8) & 0xff; b[o + 2] = (v >>> 16) & 0xff; b[o + 3] = (v >>> 24) & 0xff; };
const isZero = (b: Uint8Array, from: number, to: number) => b.subarray(from, to).every((x) => x === 0);

/** kmalloc size classes: the allocation bpf_test_init gets, which fixes the skb's tailroom. */
function kmallocSize(n: number): number {
  for (const s of [8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192]) if (n <= s) return s;
  return n;
}

/** bpf_ctx_init: a ctx_in shorter than the struct is zero-extended; a longer one must have a zero tail. */
function ctxInit(ctxIn: Uint8Array | undefined, size: number): { ctx: Uint8Array | null; bad?: SetupResult } {
  if (!ctxIn) return { ctx: null };
  if (ctxIn.length > size && !isZero(ctxIn, size, ctxIn.length)) return { ctx: null, bad: fail(E2BIG, `ctx_in is ${ctxIn.length} bytes and its tail beyond the ${size}-byte struct is not zero`, size) };
  const ctx = new Uint8Array(size);
  ctx.set(ctxIn.subarray(0, size));
  return { ctx };
}

/** eth_type_trans: skb->protocol and pkt_type. The loopback device has address and broadcast address
 * 00:00:00:00:00:00, so on it ff:ff:ff:ff:ff:ff counts as multicast, not broadcast. */
export function ethTypeTrans(frame: Uint8Array, devAddr: Uint8Array = new Uint8Array(6), devBroadcast: Uint8Array = new Uint8Array(6)): { protocol: number; pktType: number } {
  const dst = frame.subarray(0, 6);
  let pktType = 0; // PACKET_HOST
  if (!dst.every((x, i) => x === devAddr[i])) {
    if (dst[0] & 1) pktType = dst.every((x, i) => x === devBroadcast[i]) ? 1 : 2; // BROADCAST : MULTICAST
    else pktType = 3; // OTHERHOST
  }
  const t = (frame[12] << 8) | frame[13];
  let protocol = t;
  if (t < 0x600) protocol = frame[14] === 0xff && frame[15] === 0xff ? 0x0001 /* ETH_P_802_3 */ : 0x0004; /* ETH_P_802_2 */
  return { protocol, pktType };
}

const SKB = Object.fromEntries(PROG_TYPES.sched_cls.ctx.fields.map((f) => [f.name, f.off])) as Record<string, number>;

/** The fields of __sk_buff that ctx_in may set (convert___skb_to_skb); every other byte must be zero. */
export const SKB_CTX_IN_FIELDS = ['mark', 'priority', 'ingress_ifindex', 'ifindex', 'cb', 'tstamp', 'wire_len', 'gso_segs', 'gso_size', 'hwtstamp'] as const;

export function prepareTestRun(input: TestRunInput): SetupResult {
  const info = PROG_TYPES[input.type];
  if (!info.testRun) return fail(ENOTSUPP, `${input.type} programs cannot be test-run by the kernel`);
  if (input.type === 'xdp') return prepareXdp(input);
  return prepareSkb(input as TestRunInput & { type: TestRunType });
}

function prepareSkb(input: TestRunInput & { type: TestRunType }): SetupResult {
  const size = input.dataIn.length;
  const type = input.type;
  const isL2 = type === 'sched_cls' || type === 'sched_act';
  const direct = isL2 || type === 'lwt_in' || type === 'lwt_out' || type === 'lwt_xmit';
  const maxSize = PAGE_SIZE - SKB_TEST_HEADROOM - SHINFO_SIZE;
  if (size < ETH_HLEN) return fail(EINVAL, `data_in is ${size} bytes; at least the 14-byte Ethernet header is needed`);
  if (size > maxSize) return fail(EINVAL, `data_in is ${size} bytes; at most ${maxSize} fit the test skb`);
  const layout = PROG_TYPES[type].ctx;
  const { ctx: userCtx, bad } = ctxInit(input.ctxIn, 192);
  if (bad) return bad;
  if (userCtx) {
    const allowed = new Set<number>();
    for (const name of SKB_CTX_IN_FIELDS) {
      const f = layout.fields.find((x) => x.name === name)!;
      for (let i = f.off; i < f.off + f.size; i++) allowed.add(i);
    }
    for (let i = 0; i < 192; i++)
      if (userCtx[i] !== 0 && !allowed.has(i)) {
        const f = layout.fields.find((x) => i >= x.off && i < x.off + x.size);
        return fail(EINVAL, `ctx_in sets __sk_buff.${f?.name ?? `byte ${i}`}, which BPF_PROG_TEST_RUN does not accept (only ${SKB_CTX_IN_FIELDS.join(', ')})`, i);
      }
  }
  const ctxIfindex = userCtx ? rd32(userCtx, SKB.ifindex) : 0;
  if (ctxIfindex > 1 && !(input.ifindexes ?? []).includes(ctxIfindex)) return fail(ENODEV, `ctx_in.ifindex ${ctxIfindex} names no device (only loopback, ifindex 1, exists here)`, SKB.ifindex);
  const ifindex = ctxIfindex > 1 ? ctxIfindex : LOOPBACK_IFINDEX;

  // Buffer: [headroom 64][frame][tailroom]; eth_type_trans pulls the Ethernet header.
  const alloc = kmallocSize(SKB_TEST_HEADROOM + size + SHINFO_SIZE);
  const end = alloc - SHINFO_SIZE;
  const buf = new Uint8Array(end);
  buf.set(input.dataIn, SKB_TEST_HEADROOM);
  const mac = SKB_TEST_HEADROOM;
  const network = mac + ETH_HLEN;
  const { protocol, pktType } = ethTypeTrans(input.dataIn);
  // The dummy socket takes its addresses from the IP header, which must be there in full.
  if (protocol === 0x0800 && size - ETH_HLEN < 20) return fail(EINVAL, `an IPv4 frame needs a 20-byte IP header after the Ethernet header (has ${size - ETH_HLEN} bytes)`, ETH_HLEN);
  if (protocol === 0x86dd && size - ETH_HLEN < 40) return fail(EINVAL, `an IPv6 frame needs a 40-byte IPv6 header after the Ethernet header (has ${size - ETH_HLEN} bytes)`, ETH_HLEN);
  const data = isL2 ? mac : network;
  const len = isL2 ? size : size - ETH_HLEN;

  // Wire length and gso checks (convert___skb_to_skb runs after the L2 push).
  const wireLen = userCtx ? rd32(userCtx, SKB.wire_len) : 0;
  if (userCtx && wireLen !== 0 && (wireLen < len || wireLen > 65536)) return fail(EINVAL, `ctx_in.wire_len ${wireLen} must be 0 or between the packet length ${len} and 65536`, SKB.wire_len);
  const gsoSegs = userCtx ? rd32(userCtx, SKB.gso_segs) : 0;
  if (gsoSegs > 65535) return fail(EINVAL, `ctx_in.gso_segs ${gsoSegs} exceeds GSO_MAX_SEGS (65535)`, SKB.gso_segs);

  const ctx = new Uint8Array(192);
  wr32(ctx, SKB.len, len);
  wr32(ctx, SKB.pkt_type, pktType);
  ctx[SKB.protocol] = protocol >> 8; // skb->protocol is big-endian in memory
  ctx[SKB.protocol + 1] = protocol & 0xff;
  wr32(ctx, SKB.ifindex, ifindex);
  if (userCtx) {
    for (const name of ['mark', 'priority', 'ingress_ifindex', 'cb', 'tstamp', 'gso_segs', 'gso_size', 'hwtstamp'] as const) {
      const f = layout.fields.find((x) => x.name === name) ?? PROG_TYPES.sched_cls.ctx.fields.find((x) => x.name === name)!;
      ctx.set(userCtx.subarray(f.off, f.off + f.size), f.off);
    }
  }
  // Without ctx_in convert___skb_to_skb returns early and qdisc_skb_cb->pkt_len stays 0.
  wr32(ctx, SKB.wire_len, userCtx ? wireLen || len : 0);

  // The dummy socket: family and addresses from the IP header (bpf_prog_test_run_skb).
  const sock = new Uint8Array(80);
  const ip = input.dataIn.subarray(ETH_HLEN);
  const S = Object.fromEntries(bpfSockLayout('pointer').fields.map((f) => [f.name, f.off])) as Record<string, number>;
  if (protocol === 0x0800) {
    wr32(ctx, SKB.family, 2);
    wr32(sock, S.family, 2);
    {
      ctx.set(ip.subarray(16, 20), SKB.remote_ip4);
      ctx.set(ip.subarray(12, 16), SKB.local_ip4);
      sock.set(ip.subarray(12, 16), S.src_ip4);
      sock.set(ip.subarray(16, 20), S.dst_ip4);
    }
  } else if (protocol === 0x86dd) {
    wr32(ctx, SKB.family, 10);
    wr32(sock, S.family, 10);
    {
      ctx.set(ip.subarray(24, 40), SKB.remote_ip6);
      ctx.set(ip.subarray(8, 24), SKB.local_ip6);
      sock.set(ip.subarray(8, 24), S.src_ip6);
      sock.set(ip.subarray(24, 40), S.dst_ip6);
    }
  }
  wr32(sock, S.state, 7); // TCP_CLOSE, as sock_init_data leaves it
  wr32(sock, S.rx_queue_mapping, 0xffffffff);

  const pointers: CtxPointer[] = [{ off: SKB.sk, size: 8, target: 'sk' }];
  if (direct || type === 'cgroup_skb') pointers.push({ off: SKB.data, size: 4, target: 'data' }, { off: SKB.data_end, size: 4, target: 'data_end' });
  if (isL2) pointers.push({ off: SKB.data_meta, size: 4, target: 'data_meta' });
  return {
    setup: {
      type, view: 'test_run', ctxLayout: layout, ctx, pointers, sock, ctxIn: userCtx ?? undefined, protocol, pktType,
      packet: { buf, data, dataEnd: data + len, dataMeta: data, mac, network, limit: end },
    },
    diagnostics: [],
  };
}

function prepareXdp(input: TestRunInput): SetupResult {
  if (input.attachType === BPF_XDP_DEVMAP || input.attachType === BPF_XDP_CPUMAP) return fail(EINVAL, 'devmap/cpumap XDP programs cannot be test-run');
  const size = input.dataIn.length;
  const { ctx: userCtx, bad } = ctxInit(input.ctxIn, 24);
  if (bad) return bad;
  const metaIn = userCtx ? rd32(userCtx, 0) : 0;
  let headroom = XDP_PACKET_HEADROOM;
  let metaLen = 0;
  if (userCtx) {
    const data = rd32(userCtx, 0), dataEnd = rd32(userCtx, 4), dataMeta = rd32(userCtx, 8);
    if (dataMeta !== 0) return fail(EINVAL, 'ctx_in.data_meta must be 0', 8);
    if (dataEnd > size) return fail(EINVAL, `ctx_in.data_end ${dataEnd} is beyond the data_in size ${size}`, 4);
    if (data > dataEnd) return fail(EINVAL, 'ctx_in.data is beyond data_end', 0);
    // Linux 6.18: metadata may take the whole headroom except struct xdp_frame (40 bytes), in 4-byte units.
    if (data & 3 || data > 255 || data > XDP_PACKET_HEADROOM - 40) return fail(EINVAL, `ctx_in.data ${data} (the metadata length) must be a multiple of 4 and at most ${XDP_PACKET_HEADROOM - 40}`, 0);
    if (rd32(userCtx, 20) !== 0) return fail(EINVAL, 'ctx_in.egress_ifindex must be 0', 20);
    const ingress = rd32(userCtx, 12), rxq = rd32(userCtx, 16);
    if (!ingress && rxq) return fail(EINVAL, 'ctx_in.rx_queue_index needs an ingress_ifindex', 16);
    if (ingress && ingress !== LOOPBACK_IFINDEX && !(input.ifindexes ?? []).includes(ingress)) return fail(ENODEV, `ctx_in.ingress_ifindex ${ingress} names no device`, 12);
    if (ingress && rxq >= 1) return fail(EINVAL, `ctx_in.rx_queue_index ${rxq} is not a receive queue of device ${ingress} (it has 1)`, 16);
    if (dataEnd < size) return { setup: null, diagnostics: [err(`ctx_in.data_end ${dataEnd} below the data_in size ${size} asks for a multi-buffer (frags) frame, which bpfplay does not simulate`, { byteOffset: 4 }, 'testrun.frags')] };
    metaLen = data;
    headroom -= data;
  }
  if (size - metaIn < ETH_HLEN) return fail(EINVAL, `data_in has ${size - metaIn} bytes after the metadata; at least the 14-byte Ethernet header is needed`);
  const maxData = PAGE_SIZE - headroom - SHINFO_SIZE;
  if (size > maxData) return fail(EINVAL, `data_in is ${size} bytes; more than ${maxData} would need a multi-buffer (frags) frame, which bpfplay does not simulate`);
  const buf = new Uint8Array(PAGE_SIZE);
  buf.set(input.dataIn, headroom);
  const dataMeta = headroom;
  const data = headroom + metaLen;
  const ctx = new Uint8Array(24);
  wr32(ctx, 12, userCtx && rd32(userCtx, 12) ? rd32(userCtx, 12) : LOOPBACK_IFINDEX);
  wr32(ctx, 16, userCtx ? rd32(userCtx, 16) : 0);
  return {
    setup: {
      type: 'xdp', view: 'test_run', ctxLayout: PROG_TYPES.xdp.ctx, ctx, ctxIn: userCtx ?? undefined,
      pointers: [{ off: 0, size: 4, target: 'data' }, { off: 4, size: 4, target: 'data_end' }, { off: 8, size: 4, target: 'data_meta' }],
      packet: { buf, data, dataEnd: headroom + size, dataMeta, mac: data, network: data + ETH_HLEN, limit: PAGE_SIZE - SHINFO_SIZE },
    },
    diagnostics: [],
  };
}

/** One run's end state -> what BPF_PROG_TEST_RUN reports (bpf_test_finish, bpf_ctx_finish). `packet` and
 * `ctx` are the setup's objects after the program ran (helpers may have moved data/data_end or replaced buf). */
export function finishTestRun(setup: TestRunSetup, retval: number | bigint): TestRunOutput {
  const r = Number(BigInt.asUintN(32, BigInt(retval)));
  const p = setup.packet;
  if (setup.type === 'xdp') {
    const dataOut = p.buf.slice(p.dataMeta, p.dataEnd);
    let ctxOut: Uint8Array | null = null;
    if (setup.ctxIn) {
      ctxOut = setup.ctxIn.slice();
      wr32(ctxOut, 0, p.data - p.dataMeta);
      wr32(ctxOut, 4, p.dataEnd - p.dataMeta);
    }
    return { retval: r, dataOut, ctxOut };
  }
  const isL2 = setup.type === 'sched_cls' || setup.type === 'sched_act';
  const body = p.buf.slice(p.data, p.dataEnd);
  let dataOut = body;
  if (!isL2) {
    // memset(__skb_push(skb, hh_len), 0, hh_len): the link-layer bytes come back as zeros.
    dataOut = new Uint8Array(ETH_HLEN + body.length);
    dataOut.set(body, ETH_HLEN);
  }
  let ctxOut: Uint8Array | null = null;
  if (setup.ctxIn) {
    // convert_skb_to___skb: these fields are written back; the rest keep what ctx_in had.
    ctxOut = setup.ctxIn.slice();
    for (const name of ['mark', 'priority', 'ingress_ifindex', 'ifindex', 'tstamp', 'cb', 'wire_len', 'gso_segs', 'hwtstamp']) {
      const f = PROG_TYPES.sched_cls.ctx.fields.find((x) => x.name === name)!;
      ctxOut.set(setup.ctx.subarray(f.off, f.off + f.size), f.off);
    }
  }
  return { retval: r, dataOut, ctxOut };
}

/** Expected attach types that change XDP test runs (enum bpf_attach_type). */
export const BPF_XDP_DEVMAP = 33;
export const BPF_XDP_CPUMAP = 35;
