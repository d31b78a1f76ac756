// Socket-level events: simulated TCP sockets and the bpf_sock_ops callbacks of their life cycle
// (include/uapi/linux/bpf.h enum BPF_SOCK_OPS_*, called from net/ipv4/tcp*.c through tcp_call_bpf),
// socket-creation events for cgroup_sock programs (struct bpf_sock at BPF_CGROUP_INET_SOCK_CREATE), and
// message streams for sk_skb stream parser/verdict programs (a __sk_buff whose data is the message).
// Builds context bytes; the runner delivers them, applies replies (TIMEOUT_INIT, RWND_INIT, NEEDS_ECN…) and
// the callback flags a program sets (bpf_sock_ops_cb_flags_set) to the simulated socket, which decide
// whether the optional callbacks (RTO, RETRANS, STATE, RTT) are delivered at all. It does not run programs.

import { parseIPv4, parseIPv6 } from '../packets/addr';
import { BPF_SOCK_OPS, bpfSockLayout } from '../progtypes/ctx';
import { PROG_TYPES } from '../progtypes/table';

export const SOCK_OPS = {
  BPF_SOCK_OPS_VOID: 0,
  BPF_SOCK_OPS_TIMEOUT_INIT: 1,
  BPF_SOCK_OPS_RWND_INIT: 2,
  BPF_SOCK_OPS_TCP_CONNECT_CB: 3,
  BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB: 4,
  BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB: 5,
  BPF_SOCK_OPS_NEEDS_ECN: 6,
  BPF_SOCK_OPS_BASE_RTT: 7,
  BPF_SOCK_OPS_RTO_CB: 8,
  BPF_SOCK_OPS_RETRANS_CB: 9,
  BPF_SOCK_OPS_STATE_CB: 10,
  BPF_SOCK_OPS_TCP_LISTEN_CB: 11,
  BPF_SOCK_OPS_RTT_CB: 12,
  BPF_SOCK_OPS_PARSE_HDR_OPT_CB: 13,
  BPF_SOCK_OPS_HDR_OPT_LEN_CB: 14,
  BPF_SOCK_OPS_WRITE_HDR_OPT_CB: 15,
} as const;
export type SockOpName = keyof typeof SOCK_OPS;
export const SOCK_OP_NAMES: Record<number, SockOpName> = Object.fromEntries(Object.entries(SOCK_OPS).map(([k, v]) => [v, k as SockOpName]));

/** bpf_sock_ops_cb_flags bits (BPF_SOCK_OPS_*_CB_FLAG). */
export const CB_FLAGS = { RTO: 1, RETRANS: 2, STATE: 4, RTT: 8, PARSE_ALL_HDR_OPT: 16, PARSE_UNKNOWN_HDR_OPT: 32, WRITE_HDR_OPT: 64 } as const;

/** TCP states as BPF sees them (BPF_TCP_*, same numbering as the kernel's TCP_*). */
export const TCP_STATES = ['', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING', 'NEW_SYN_RECV'] as const;
const ST = (s: (typeof TCP_STATES)[number]) => TCP_STATES.indexOf(s);

export interface SimSocket {
  family: 'inet' | 'inet6';
  localAddr: string;
  localPort: number;
  remoteAddr: string;
  remotePort: number;
  state: number;
  cbFlags: number;
  sndCwnd: number;
  srttUs: number;
  mssCache: number;
  txhash: number;
  /** Bytes sent and acknowledged, received. */
  bytesAcked: bigint;
  bytesReceived: bigint;
  totalRetrans: number;
  segsIn: number;
  segsOut: number;
}

export function newSocket(p: Partial<SimSocket> = {}): SimSocket {
  return {
    family: 'inet', localAddr: '192.0.2.10', localPort: 40000, remoteAddr: '198.51.100.20', remotePort: 80,
    state: ST('CLOSE'), cbFlags: 0, sndCwnd: 10, srttUs: 0, mssCache: 1448, txhash: 0x5eed1234,
    bytesAcked: 0n, bytesReceived: 0n, totalRetrans: 0, segsIn: 0, segsOut: 0, ...p,
  };
}

/** One callback: the op, its args, the state the socket is in, and which cb flag (if any) it needs. */
export interface SockOpsEvent {
  op: number;
  args?: number[];
  /** The socket changes to these values before the callback (state, cwnd, srtt…). */
  set?: Partial<SimSocket>;
  /** Delivered only when this bpf_sock_ops_cb_flags bit is set on the socket at that time. */
  needsFlag?: number;
  note?: string;
}

/** Life cycles in the order the kernel calls the program (tcp_connect, tcp_init_transfer, tcp_set_state…). */
export const SOCK_OPS_SCENARIOS: Record<string, { title: string; role: 'active' | 'passive'; events: SockOpsEvent[] }> = {
  'active-connect': {
    title: 'Client connects, sends, times out once, retransmits, closes',
    role: 'active',
    events: [
      { op: SOCK_OPS.BPF_SOCK_OPS_TCP_CONNECT_CB, set: { state: ST('CLOSE') }, note: 'tcp_connect(): before the SYN is built' },
      { op: SOCK_OPS.BPF_SOCK_OPS_RWND_INIT, note: 'initial receive window: reply = window in packets (program returns 1)' },
      { op: SOCK_OPS.BPF_SOCK_OPS_TIMEOUT_INIT, note: 'SYN retransmission timeout: reply = RTO in jiffies' },
      { op: SOCK_OPS.BPF_SOCK_OPS_NEEDS_ECN, note: 'reply 1 asks for ECN on this connection' },
      { op: SOCK_OPS.BPF_SOCK_OPS_STATE_CB, args: [ST('CLOSE'), ST('SYN_SENT')], set: { state: ST('SYN_SENT') }, needsFlag: CB_FLAGS.STATE },
      { op: SOCK_OPS.BPF_SOCK_OPS_STATE_CB, args: [ST('SYN_SENT'), ST('ESTABLISHED')], set: { state: ST('ESTABLISHED') }, needsFlag: CB_FLAGS.STATE },
      { op: SOCK_OPS.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, set: { srttUs: 8 * 1000, segsIn: 1, segsOut: 1 }, note: 'SYN-ACK received: the connection is established' },
      { op: SOCK_OPS.BPF_SOCK_OPS_RTT_CB, set: { srttUs: 8 * 1200, bytesAcked: 1448n, segsOut: 3, segsIn: 2 }, needsFlag: CB_FLAGS.RTT },
      { op: SOCK_OPS.BPF_SOCK_OPS_RTO_CB, args: [0, 1, 0], needsFlag: CB_FLAGS.RTO, note: 'args: icsk_retransmits, icsk_rto, icsk_ca_state' },
      { op: SOCK_OPS.BPF_SOCK_OPS_RETRANS_CB, args: [1448, 1, 0], set: { totalRetrans: 1, segsOut: 4 }, needsFlag: CB_FLAGS.RETRANS, note: 'args: seq, segments, error' },
      { op: SOCK_OPS.BPF_SOCK_OPS_RTT_CB, set: { srttUs: 8 * 1500, bytesAcked: 2896n, segsIn: 3 }, needsFlag: CB_FLAGS.RTT },
      { op: SOCK_OPS.BPF_SOCK_OPS_STATE_CB, args: [ST('ESTABLISHED'), ST('FIN_WAIT1')], set: { state: ST('FIN_WAIT1') }, needsFlag: CB_FLAGS.STATE },
      { op: SOCK_OPS.BPF_SOCK_OPS_STATE_CB, args: [ST('FIN_WAIT1'), ST('FIN_WAIT2')], set: { state: ST('FIN_WAIT2') }, needsFlag: CB_FLAGS.STATE },
      { op: SOCK_OPS.BPF_SOCK_OPS_STATE_CB, args: [ST('FIN_WAIT2'), ST('TIME_WAIT')], set: { state: ST('TIME_WAIT') }, needsFlag: CB_FLAGS.STATE },
    ],
  },
  'passive-accept': {
    title: 'Server listens, accepts a connection, peer closes',
    role: 'passive',
    events: [
      { op: SOCK_OPS.BPF_SOCK_OPS_TCP_LISTEN_CB, set: { state: ST('LISTEN'), localPort: 80, remotePort: 0, remoteAddr: '0.0.0.0' }, note: 'listen(2)' },
      { op: SOCK_OPS.BPF_SOCK_OPS_RWND_INIT, set: { state: ST('NEW_SYN_RECV'), remoteAddr: '192.0.2.10', remotePort: 40000 }, note: 'request socket: initial window for the SYN-ACK' },
      { op: SOCK_OPS.BPF_SOCK_OPS_TIMEOUT_INIT, note: 'SYN-ACK retransmission timeout' },
      { op: SOCK_OPS.BPF_SOCK_OPS_NEEDS_ECN },
      { op: SOCK_OPS.BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB, set: { state: ST('ESTABLISHED'), segsIn: 2, segsOut: 1, srttUs: 8 * 900 }, note: 'the final ACK of the handshake arrived' },
      { op: SOCK_OPS.BPF_SOCK_OPS_RTT_CB, set: { bytesReceived: 1200n, segsIn: 3 }, needsFlag: CB_FLAGS.RTT },
      { op: SOCK_OPS.BPF_SOCK_OPS_STATE_CB, args: [ST('ESTABLISHED'), ST('CLOSE_WAIT')], set: { state: ST('CLOSE_WAIT') }, needsFlag: CB_FLAGS.STATE },
      { op: SOCK_OPS.BPF_SOCK_OPS_STATE_CB, args: [ST('CLOSE_WAIT'), ST('LAST_ACK')], set: { state: ST('LAST_ACK') }, needsFlag: CB_FLAGS.STATE },
      { op: SOCK_OPS.BPF_SOCK_OPS_STATE_CB, args: [ST('LAST_ACK'), ST('CLOSE')], set: { state: ST('CLOSE') }, needsFlag: CB_FLAGS.STATE },
    ],
  },
};

/** Whether the kernel would call the program for this event given the socket's current callback flags. */
export function shouldDeliver(ev: SockOpsEvent, sock: SimSocket): boolean {
  return ev.needsFlag === undefined || (sock.cbFlags & ev.needsFlag) !== 0;
}

const OPS = Object.fromEntries(BPF_SOCK_OPS.fields.map((f) => [f.name, f.off])) as Record<string, number>;

function addrBytes(family: 'inet' | 'inet6', a: string): Uint8Array {
  return (family === 'inet' ? parseIPv4(a) : parseIPv6(a)) ?? new Uint8Array(family === 'inet' ? 4 : 16);
}

/** The 224-byte struct bpf_sock_ops for an event on a socket (fields the kernel fills in tcp_call_bpf). */
export function buildSockOpsCtx(ev: SockOpsEvent, sock: SimSocket): Uint8Array {
  const b = new Uint8Array(BPF_SOCK_OPS.size);
  const dv = new DataView(b.buffer);
  const u32 = (name: string, v: number) => dv.setUint32(OPS[name], v >>> 0, true);
  u32('op', ev.op);
  (ev.args ?? []).slice(0, 4).forEach((a, i) => dv.setUint32(OPS.args + 4 * i, a >>> 0, true));
  const fullsock = sock.state !== ST('NEW_SYN_RECV') && sock.state !== ST('TIME_WAIT');
  u32('family', sock.family === 'inet' ? 2 : 10);
  if (sock.family === 'inet') {
    b.set(addrBytes('inet', sock.remoteAddr), OPS.remote_ip4);
    b.set(addrBytes('inet', sock.localAddr), OPS.local_ip4);
  } else {
    b.set(addrBytes('inet6', sock.remoteAddr), OPS.remote_ip6);
    b.set(addrBytes('inet6', sock.localAddr), OPS.local_ip6);
  }
  // remote_port: the kernel loads the big-endian sk_dport as a u16 and shifts it left by 16, so the port's
  // two network-order bytes are the upper half of the u32; local_port is in host order.
  b[OPS.remote_port + 2] = (sock.remotePort >> 8) & 0xff;
  b[OPS.remote_port + 3] = sock.remotePort & 0xff;
  u32('local_port', sock.localPort);
  u32('is_fullsock', fullsock ? 1 : 0);
  u32('state', sock.state);
  if (fullsock) {
    u32('snd_cwnd', sock.sndCwnd);
    u32('srtt_us', sock.srttUs);
    u32('bpf_sock_ops_cb_flags', sock.cbFlags);
    u32('mss_cache', sock.mssCache);
    u32('total_retrans', sock.totalRetrans);
    u32('segs_in', sock.segsIn);
    u32('segs_out', sock.segsOut);
    u32('snd_ssthresh', 0x7fffffff);
    u32('sk_txhash', sock.txhash);
    dv.setBigUint64(OPS.bytes_received, sock.bytesReceived, true);
    dv.setBigUint64(OPS.bytes_acked, sock.bytesAcked, true);
  }
  return b;
}

/** What the kernel does with the program's answer (tcp_call_bpf returns reply only when the program returned 1). */
export function sockOpsReplyEffect(op: number, retval: number, reply: number): string {
  const used = retval === 1;
  switch (op) {
    case SOCK_OPS.BPF_SOCK_OPS_TIMEOUT_INIT:
      return used && reply > 0 ? `SYN RTO set to ${reply} jiffies` : 'default SYN RTO (1 s)';
    case SOCK_OPS.BPF_SOCK_OPS_RWND_INIT:
      return used && reply > 0 ? `initial receive window ${reply} packets` : 'default initial window';
    case SOCK_OPS.BPF_SOCK_OPS_NEEDS_ECN:
      return used && reply === 1 ? 'ECN requested' : 'no ECN';
    case SOCK_OPS.BPF_SOCK_OPS_BASE_RTT:
      return used ? `base RTT ${reply} us` : 'no base RTT';
    default:
      return retval === 1 ? 'ok' : 'failure';
  }
}

/** Applies what a run left in the context (a program may write reply and sk_txhash; cb flags via helper). */
export function applySockOpsRun(sock: SimSocket, ctxAfter: Uint8Array): void {
  const dv = new DataView(ctxAfter.buffer, ctxAfter.byteOffset);
  sock.txhash = dv.getUint32(OPS.sk_txhash, true);
  sock.cbFlags = dv.getUint32(OPS.bpf_sock_ops_cb_flags, true);
}

// ---- cgroup_sock: socket creation ----

export interface SocketCreateEvent {
  family: number;
  type: number;
  protocol: number;
  /** Values the socket already has (bound_dev_if, mark, priority). */
  boundDevIf?: number;
  mark?: number;
  priority?: number;
  /** Only for display: which process asked. */
  comm?: string;
}

export const SOCKET_CREATE_SAMPLES: readonly SocketCreateEvent[] = [
  { family: 2, type: 1, protocol: 6, comm: 'curl' },
  { family: 2, type: 2, protocol: 17, comm: 'dig' },
  { family: 10, type: 1, protocol: 6, comm: 'ssh' },
  { family: 2, type: 3, protocol: 1, comm: 'ping' },
  { family: 10, type: 2, protocol: 17, comm: 'chronyd' },
];

/** struct bpf_sock at BPF_CGROUP_INET_SOCK_CREATE: family/type/protocol, writable bound_dev_if/mark/priority. */
export function buildSockCreateCtx(ev: SocketCreateEvent): Uint8Array {
  const l = bpfSockLayout('sock_create');
  const off = Object.fromEntries(l.fields.map((f) => [f.name, f.off])) as Record<string, number>;
  const b = new Uint8Array(l.size);
  const dv = new DataView(b.buffer);
  dv.setUint32(off.bound_dev_if, ev.boundDevIf ?? 0, true);
  dv.setUint32(off.family, ev.family, true);
  dv.setUint32(off.type, ev.type, true);
  dv.setUint32(off.protocol, ev.protocol, true);
  dv.setUint32(off.mark, ev.mark ?? 0, true);
  dv.setUint32(off.priority, ev.priority ?? 0, true);
  dv.setUint32(off.state, ev.type === 1 ? ST('CLOSE') : 0, true);
  dv.setInt32(off.rx_queue_mapping, -1, true);
  return b;
}

// ---- sk_skb: message streams ----

export interface StreamMessage {
  /** Socket (index into the sockets list) the data arrives on. */
  socket: number;
  data: Uint8Array;
}

/** __sk_buff for an sk_skb program: data is the received bytes; socket fields from the receiving socket. */
export function buildSkSkbCtx(msg: StreamMessage, sock: SimSocket): { ctx: Uint8Array; len: number } {
  const l = PROG_TYPES.sk_skb.ctx;
  const off = Object.fromEntries(l.fields.map((f) => [f.name, f.off])) as Record<string, number>;
  const b = new Uint8Array(l.size);
  const dv = new DataView(b.buffer);
  dv.setUint32(off.len, msg.data.length, true);
  dv.setUint32(off.family, sock.family === 'inet' ? 2 : 10, true);
  if (sock.family === 'inet') {
    b.set(addrBytes('inet', sock.remoteAddr), off.remote_ip4);
    b.set(addrBytes('inet', sock.localAddr), off.local_ip4);
  } else {
    b.set(addrBytes('inet6', sock.remoteAddr), off.remote_ip6);
    b.set(addrBytes('inet6', sock.localAddr), off.local_ip6);
  }
  b[off.remote_port + 2] = (sock.remotePort >> 8) & 0xff; // as in bpf_sock_ops: network order, upper half
  b[off.remote_port + 3] = sock.remotePort & 0xff;
  dv.setUint32(off.local_port, sock.localPort, true);
  return { ctx: b, len: msg.data.length };
}

export interface SockOpsStep {
  event: SockOpsEvent;
  delivered: boolean;
  retval?: number;
  reply?: number;
  effect: string;
  cbFlagsAfter: number;
}

/**
 * Drives a life cycle: for each event, update the socket, skip callbacks whose flag is not set (as the
 * kernel's BPF_SOCK_OPS_TEST_FLAG does), build the context, run the program through `run`, and apply
 * what it left (reply, sk_txhash, callback flags). `run` is the VM: it gets the context bytes and returns
 * R0 and the context bytes after the run (helpers such as bpf_sock_ops_cb_flags_set write the flags there).
 */
export function driveSockOps(events: readonly SockOpsEvent[], sock: SimSocket, run: (ctx: Uint8Array) => { retval: number; ctxAfter: Uint8Array }): SockOpsStep[] {
  const steps: SockOpsStep[] = [];
  for (const ev of events) {
    Object.assign(sock, ev.set ?? {});
    if (!shouldDeliver(ev, sock)) {
      steps.push({ event: ev, delivered: false, effect: `not called: bpf_sock_ops_cb_flags lacks 0x${(ev.needsFlag ?? 0).toString(16)}`, cbFlagsAfter: sock.cbFlags });
      continue;
    }
    const ctx = buildSockOpsCtx(ev, sock);
    const r = run(ctx);
    const reply = new DataView(r.ctxAfter.buffer, r.ctxAfter.byteOffset).getUint32(OPS.args, true);
    applySockOpsRun(sock, r.ctxAfter);
    steps.push({ event: ev, delivered: true, retval: r.retval, reply, effect: sockOpsReplyEffect(ev.op, r.retval, reply), cbFlagsAfter: sock.cbFlags });
  }
  return steps;
}
