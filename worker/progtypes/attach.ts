// The attach-point view of a packet: what a program sees when it is really attached, as opposed to the
// BPF_PROG_TEST_RUN view (testrun.ts). Where data starts per type and direction, and the __sk_buff
// metadata a real skb carries there (len, protocol, pkt_type, ifindex, hash, mark, vlan offload, …),
// derived from the frame and from what the user says about the packet (AttachMeta).
//  * socket_filter on an AF_PACKET socket: data at the Ethernet header (what tcpdump sees);
//    on an inet (UDP/TCP/raw) socket: data at the network header.
//  * sched_cls / sched_act (tc ingress or egress): data at the Ethernet header. At ingress the VLAN tag of
//    a tagged frame is usually offloaded into vlan_present/vlan_tci and removed from the data
//    (meta.vlanOffload, default true as on most NICs).
//  * cgroup_skb (ingress/egress), lwt_in/out/xmit: data at the IP header (the frame may be given from L2 or
//    from L3 — meta.frameStartsAt).
//  * xdp: data at the Ethernet header with 256 bytes of headroom, no skb metadata at all.
//  * sk_skb: data is the TCP payload of a message (see worker/events for message streams).
// The same TestRunSetup shape is returned, with view 'attach', so the VM runs both views alike.

import { err } from '../util/diag';
import { ETH_HLEN, ethTypeTrans, prepareTestRun, type SetupResult, type TestRunType } from './testrun';
import { PROG_TYPES } from './table';

export interface AttachMeta {
  /** Where the program is attached. */
  direction?: 'ingress' | 'egress';
  /** socket_filter: the kind of socket (AF_PACKET sees L2, inet sockets see L3). */
  socket?: 'packet' | 'inet';
  /** Whether the given frame starts at the Ethernet header (default) or already at the IP header. */
  frameStartsAt?: 'l2' | 'l3';
  ifindex?: number;
  ingressIfindex?: number;
  mark?: number;
  priority?: number;
  hash?: number;
  queueMapping?: number;
  /** tc ingress: move an 802.1Q tag into vlan_present/vlan_tci/vlan_proto (hardware VLAN offload). */
  vlanOffload?: boolean;
  /** Interface MAC address for pkt_type (default 02:00:00:00:00:0b, the samples' receiver). */
  devAddr?: Uint8Array;
  rxQueueIndex?: number;
  tstamp?: bigint;
}

const wr32 = (b: Uint8Array, o: number, v: number) => { b[o] = v & 0xff; b[o + 1] = (v >>> 8) & 0xff; b[o + 2] = (v >>> 16) & 0xff; b[o + 3] = (v >>> 24) & 0xff; };
const SKB = Object.fromEntries(PROG_TYPES.sched_cls.ctx.fields.map((f) => [f.name, f.off])) as Record<string, number>;
const DEFAULT_DEV = Uint8Array.from([2, 0, 0, 0, 0, 0x0b]);

/** Where data points for a type at its attach point: 'l2' (Ethernet header) or 'l3' (network header). */
export function attachDataStart(type: TestRunType | 'sk_skb', meta: AttachMeta = {}): 'l2' | 'l3' | 'payload' {
  if (type === 'sk_skb') return 'payload';
  if (type === 'socket_filter') return meta.socket === 'inet' ? 'l3' : 'l2';
  if (type === 'sched_cls' || type === 'sched_act' || type === 'xdp') return 'l2';
  return 'l3';
}

export function prepareAttachView(type: TestRunType, frameIn: Uint8Array, meta: AttachMeta = {}): SetupResult {
  const ifindex = meta.ifindex ?? 2;
  let frame = frameIn;
  if ((meta.frameStartsAt ?? 'l2') === 'l3') {
    // Put a synthetic Ethernet header in front so both paths share the code; L3 types never see it in data.
    const v = frame.length ? frame[0] >> 4 : 4;
    const eth = new Uint8Array(ETH_HLEN);
    eth.set(meta.devAddr ?? DEFAULT_DEV, 0);
    eth[12] = v === 6 ? 0x86 : 0x08;
    eth[13] = v === 6 ? 0xdd : 0x00;
    const f = new Uint8Array(ETH_HLEN + frame.length);
    f.set(eth);
    f.set(frame, ETH_HLEN);
    frame = f;
  }
  if (frame.length < ETH_HLEN) return { setup: null, diagnostics: [err(`frame of ${frame.length} bytes is shorter than an Ethernet header`, { byteOffset: 0 }, 'attach.short')] };

  if (type === 'xdp') {
    const r = prepareTestRun({ type, dataIn: frame });
    if (!r.setup) return r;
    wr32(r.setup.ctx, 12, ifindex);
    wr32(r.setup.ctx, 16, meta.rxQueueIndex ?? 0);
    r.setup.view = 'attach';
    return r;
  }

  // tc ingress with VLAN offload: the NIC strips the outer 802.1Q tag into metadata.
  let vlan: { tci: number; proto: number } | null = null;
  const tpid = (frame[12] << 8) | frame[13];
  if ((type === 'sched_cls' || type === 'sched_act') && (meta.direction ?? 'ingress') === 'ingress' && (meta.vlanOffload ?? true) && (tpid === 0x8100 || tpid === 0x88a8) && frame.length >= 18) {
    vlan = { tci: (frame[14] << 8) | frame[15], proto: tpid };
    const f = new Uint8Array(frame.length - 4);
    f.set(frame.subarray(0, 12));
    f.set(frame.subarray(16), 12);
    frame = f;
  }
  // The L2 test-run view is the closest skb; then overwrite the metadata a real attach point has.
  const l2 = attachDataStart(type, meta) === 'l2';
  const base = prepareTestRun({ type: l2 ? 'sched_cls' : 'lwt_in', dataIn: frame });
  if (!base.setup) return base;
  const s = base.setup;
  s.type = type;
  s.view = 'attach';
  s.ctxLayout = PROG_TYPES[type].ctx;
  const { pktType } = ethTypeTrans(frame, meta.devAddr ?? DEFAULT_DEV, new Uint8Array(6).fill(0xff));
  const egress = meta.direction === 'egress';
  wr32(s.ctx, SKB.pkt_type, egress ? 4 /* PACKET_OUTGOING */ : pktType);
  wr32(s.ctx, SKB.ifindex, ifindex);
  wr32(s.ctx, SKB.ingress_ifindex, egress ? 0 : meta.ingressIfindex ?? ifindex);
  wr32(s.ctx, SKB.mark, meta.mark ?? 0);
  wr32(s.ctx, SKB.priority, meta.priority ?? 0);
  wr32(s.ctx, SKB.hash, meta.hash ?? 0);
  wr32(s.ctx, SKB.queue_mapping, meta.queueMapping ?? 0);
  wr32(s.ctx, SKB.wire_len, type === 'sched_cls' || type === 'sched_act' ? frame.length : 0);
  if (vlan) {
    wr32(s.ctx, SKB.vlan_present, 1);
    wr32(s.ctx, SKB.vlan_tci, vlan.tci);
    s.ctx[SKB.vlan_proto] = vlan.proto >> 8;
    s.ctx[SKB.vlan_proto + 1] = vlan.proto & 0xff;
  }
  if (meta.tstamp !== undefined) new DataView(s.ctx.buffer).setBigUint64(SKB.tstamp, meta.tstamp, true);
  // Pointer fields follow the type's own table (socket filters have none).
  s.pointers = s.pointers.filter((p) => p.target === 'sk' || PROG_TYPES[type].ctx.fields.some((f) => f.off === p.off && f.read.length > 0));
  return { setup: s, diagnostics: base.diagnostics };
}
