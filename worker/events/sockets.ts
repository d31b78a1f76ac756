// Socket-level events: simulated TCP sockets and the bpf_sock_ops callbacks of their life cycle
// (include/uapi/linux/bpf.h enum BPF_SOCK_OPS_*, called from net/ipv4/tcp*.c through tcp_call_bpf),
// socket-creation events for cgroup_sock programs (struct bpf_sock at BPF_CGROUP_INET_SOCK_CREATE), and
// message streams for sk_skb stream parser/verdict programs (a __sk_buff whose data is the message).
// Builds context bytes; SockOpsSim plays a connection on a virtual clock and feeds the program's answers
// back into it, as the kernel uses them:
//   TIMEOUT_INIT reply -> the SYN RTO (tcp_timeout_init: reply <= 0 or a failed run means TCP_TIMEOUT_INIT,
//                         1 s; capped at TCP_RTO_MAX), hence when the lost SYN is retransmitted (RTO_CB,
//                         RETRANS_CB) and when the connection is established;
//   RWND_INIT reply    -> the initial receive window, reply * MSS (tcp_rwnd_init_bpf ->
//                         tcp_select_initial_window; 0 = the default 10 segments; at most 65535 in the SYN);
//   NEEDS_ECN reply 1  -> ECN requested in the SYN (tcp_ecn_send_syn), ecn_flags TCP_ECN_OK later (the
//                         simulated peer supports ECN);
//   BASE_RTT reply     -> the base RTT (only TCP-NV asks; shown, not used);
//   bpf_setsockopt     -> TCP_BPF_IW (snd_cwnd, only before data was sent), TCP_BPF_SNDCWND_CLAMP
//                         (snd_cwnd_clamp and snd_ssthresh), TCP_BPF_RTO_MIN (us), TCP_CONGESTION (the
//                         ssthresh after a loss: reno halves, cubic keeps 717/1024), SO_SNDBUF (2x, at
//                         least SOCK_MIN_SNDBUF), SO_MAX_PACING_RATE, TCP_SAVE_SYN, SO_MARK … as
//                         net/core/filter.c's sol_tcp_sockopt / sol_socket_sockopt apply them;
//   bpf_sock_ops_cb_flags_set -> which optional callbacks (RTO, RETRANS, STATE, RTT) are called at all
//                         (BPF_SOCK_OPS_TEST_FLAG).
// Later callbacks' contexts show the result (snd_cwnd, snd_ssthresh, srtt_us, ecn_flags, total_retrans,
// bpf_sock_ops_cb_flags, …). Jiffies are CONFIG_HZ=250 (Debian's; on this 6.18 kernel a 50-jiffy SYN
// timeout fired after 202 ms, sockets-kernel.test.ts), so 1 jiffy = 4 ms. The first four SYN
// retransmissions keep the initial timeout (tcp_syn_linear_timeouts, 4), later ones double it; after each,
// the kernel asks TIMEOUT_INIT again and uses the answer. The congestion model is
// deliberately small: slow start by acked segments, +1 per RTT above ssthresh, loss -> cwnd 1
// (tcp_enter_loss), RTO = srtt + max(4 * mdev, rto_min) (tcp_set_rto). It does not run programs.

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
  /** Slow-start threshold (TCP_INFINITE_SSTHRESH until a loss or a clamp). */
  sndSsthresh?: number;
  /** snd_cwnd_clamp (0xffffffff: none). */
  sndCwndClamp?: number;
  /** Initial receive window in bytes (what the SYN or SYN-ACK advertises). */
  rcvWnd?: number;
  /** tp->ecn_flags (TCP_ECN_OK = 1). */
  ecnFlags?: number;
  /** Options set with bpf_setsockopt, by name (what the sock_ops helpers record). */
  sockopts?: Record<string, Uint8Array>;
}

export function newSocket(p: Partial<SimSocket> = {}): SimSocket {
  return {
    family: 'inet', localAddr: '192.0.2.10', localPort: 40000, remoteAddr: '198.51.100.20', remotePort: 80,
    state: ST('CLOSE'), cbFlags: 0, sndCwnd: 10, srttUs: 0, mssCache: 1448, txhash: 0x5eed1234,
    bytesAcked: 0n, bytesReceived: 0n, totalRetrans: 0, segsIn: 0, segsOut: 0,
    sndSsthresh: TCP_INFINITE_SSTHRESH, sndCwndClamp: 0xffffffff, rcvWnd: 0, ecnFlags: 0, sockopts: {}, ...p,
  };
}

/** A copy that shares nothing with the original (the simulation mutates sockets). */
export function cloneSocket(s: SimSocket): SimSocket {
  const sockopts: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(s.sockopts ?? {})) sockopts[k] = v.slice();
  return { ...s, sockopts };
}

export const TCP_INFINITE_SSTHRESH = 0x7fffffff;

/** One callback: the op, its args, the state the socket is in, and which cb flag (if any) it needs. */
export interface SockOpsEvent {
  op: number;
  args?: number[];
  /** The socket changes to these values before the callback (state, cwnd, srtt…). */
  set?: Partial<SimSocket>;
  /** Delivered only when this bpf_sock_ops_cb_flags bit is set on the socket at that time. */
  needsFlag?: number;
  note?: string;
  /** What happens to the connection at this point (SockOpsSim): the clock moves and the socket changes. */
  sim?: SimStep;
}

/**
 * Connection events of the simulation:
 *  syn_sent     the SYN (or SYN-ACK) leaves: the retransmission timer is armed with the SYN RTO
 *  syn_timer    that timer fires (the clock moves; the kernel asks TIMEOUT_INIT before a later RTO_CB)
 *  syn_timeout  that timer fires (the SYN was lost): RTO_CB with (retransmits, rto, expired)
 *  syn_retrans  the SYN is sent again (RETRANS_CB), the timer backs off (rto doubles)
 *  established  the handshake completes one RTT after the last SYN: snd_cwnd = the initial window
 *  data         a flight of `segs` segments leaves (cwnd-limited)
 *  ack          the flight is acknowledged one RTT later: RTT sample, slow start or congestion avoidance;
 *               with segs 0, the SYN-ACK's RTT sample (tcp_ack_update_rtt; RTT_CB args: mrtt_us, srtt_us << 3)
 *  timeout      the retransmission timer fires (a segment was lost): RTO_CB, tcp_enter_loss
 *  retrans      the lost segment is sent again (RETRANS_CB)
 */
export type SimStep =
  | { kind: 'syn_sent' } | { kind: 'syn_timer' } | { kind: 'syn_timeout' } | { kind: 'syn_retrans' } | { kind: 'established' }
  | { kind: 'data'; segs: number } | { kind: 'ack'; segs: number } | { kind: 'timeout' } | { kind: 'retrans' };

/** Life cycles in the order the kernel calls the program (tcp_connect, tcp_init_transfer, tcp_set_state…). */
export const SOCK_OPS_SCENARIOS: Record<string, { title: string; role: 'active' | 'passive'; events: SockOpsEvent[] }> = {
  'active-connect': {
    title: 'Client connects (the first SYN is lost), sends, loses a segment to an RTO, retransmits, closes',
    role: 'active',
    events: [
      { op: SOCK_OPS.BPF_SOCK_OPS_STATE_CB, args: [ST('CLOSE'), ST('SYN_SENT')], set: { state: ST('SYN_SENT') }, needsFlag: CB_FLAGS.STATE, note: 'tcp_v4_connect(): the state changes before tcp_connect()' },
      { op: SOCK_OPS.BPF_SOCK_OPS_TCP_CONNECT_CB, note: 'tcp_connect(): before the SYN is built' },
      { op: SOCK_OPS.BPF_SOCK_OPS_RWND_INIT, note: 'initial receive window: reply = window in segments (program returns 1)' },
      { op: SOCK_OPS.BPF_SOCK_OPS_TIMEOUT_INIT, note: 'SYN retransmission timeout: reply = RTO in jiffies' },
      { op: SOCK_OPS.BPF_SOCK_OPS_NEEDS_ECN, sim: { kind: 'syn_sent' }, note: 'reply 1 asks for ECN on this connection; then the SYN leaves (and is lost)' },
      { op: SOCK_OPS.BPF_SOCK_OPS_RTO_CB, sim: { kind: 'syn_timeout' }, needsFlag: CB_FLAGS.RTO, note: 'the SYN timer fires: args icsk_retransmits, icsk_rto, expired' },
      { op: SOCK_OPS.BPF_SOCK_OPS_RETRANS_CB, sim: { kind: 'syn_retrans' }, needsFlag: CB_FLAGS.RETRANS, note: 'the SYN is sent again: args seq, segments, error' },
      { op: SOCK_OPS.BPF_SOCK_OPS_TIMEOUT_INIT, note: 'asked again for the next SYN timeout (the first 4 retransmissions keep it: tcp_syn_linear_timeouts)' },
      { op: SOCK_OPS.BPF_SOCK_OPS_RTT_CB, sim: { kind: 'ack', segs: 0 }, needsFlag: CB_FLAGS.RTT, note: 'the SYN-ACK gives an RTT sample: args mrtt_us, srtt_us << 3' },
      { op: SOCK_OPS.BPF_SOCK_OPS_STATE_CB, args: [ST('SYN_SENT'), ST('ESTABLISHED')], set: { state: ST('ESTABLISHED') }, needsFlag: CB_FLAGS.STATE, sim: { kind: 'established' } },
      { op: SOCK_OPS.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, set: { segsIn: 1, segsOut: 2 }, note: 'SYN-ACK received: the connection is established (snd_cwnd = the initial window)' },
      { op: SOCK_OPS.BPF_SOCK_OPS_RTT_CB, sim: { kind: 'ack', segs: 10 }, needsFlag: CB_FLAGS.RTT, note: 'the first flight is acknowledged one RTT later' },
      { op: SOCK_OPS.BPF_SOCK_OPS_RTO_CB, sim: { kind: 'timeout' }, needsFlag: CB_FLAGS.RTO, note: 'a segment of the second flight is lost: the RTO fires' },
      { op: SOCK_OPS.BPF_SOCK_OPS_RETRANS_CB, sim: { kind: 'retrans' }, needsFlag: CB_FLAGS.RETRANS, note: 'args: seq, segments, error' },
      { op: SOCK_OPS.BPF_SOCK_OPS_RTT_CB, sim: { kind: 'ack', segs: 1 }, needsFlag: CB_FLAGS.RTT },
      { op: SOCK_OPS.BPF_SOCK_OPS_STATE_CB, args: [ST('ESTABLISHED'), ST('FIN_WAIT1')], set: { state: ST('FIN_WAIT1') }, needsFlag: CB_FLAGS.STATE },
      { op: SOCK_OPS.BPF_SOCK_OPS_STATE_CB, args: [ST('FIN_WAIT1'), ST('FIN_WAIT2')], set: { state: ST('FIN_WAIT2') }, needsFlag: CB_FLAGS.STATE },
      { op: SOCK_OPS.BPF_SOCK_OPS_STATE_CB, args: [ST('FIN_WAIT2'), ST('TIME_WAIT')], set: { state: ST('TIME_WAIT') }, needsFlag: CB_FLAGS.STATE },
    ],
  },
  'active-peer-closes': {
    title: 'Client connects over loopback (no loss), sends, the server closes first',
    role: 'active',
    // The order a Linux 6.18 kernel calls a sock_ops program for a loopback client (sockets-kernel.test.ts
    // records it): no SYN is lost, the peer's FIN arrives before the client closes.
    events: [
      { op: SOCK_OPS.BPF_SOCK_OPS_STATE_CB, args: [ST('CLOSE'), ST('SYN_SENT')], set: { state: ST('SYN_SENT') }, needsFlag: CB_FLAGS.STATE, note: 'tcp_v4_connect(): the state changes before tcp_connect()' },
      { op: SOCK_OPS.BPF_SOCK_OPS_TCP_CONNECT_CB, note: 'tcp_connect(): before the SYN is built' },
      { op: SOCK_OPS.BPF_SOCK_OPS_RWND_INIT },
      { op: SOCK_OPS.BPF_SOCK_OPS_TIMEOUT_INIT },
      { op: SOCK_OPS.BPF_SOCK_OPS_NEEDS_ECN, sim: { kind: 'syn_sent' } },
      { op: SOCK_OPS.BPF_SOCK_OPS_RTT_CB, sim: { kind: 'ack', segs: 0 }, needsFlag: CB_FLAGS.RTT, note: 'the SYN-ACK gives an RTT sample' },
      { op: SOCK_OPS.BPF_SOCK_OPS_STATE_CB, args: [ST('SYN_SENT'), ST('ESTABLISHED')], set: { state: ST('ESTABLISHED') }, needsFlag: CB_FLAGS.STATE, sim: { kind: 'established' } },
      { op: SOCK_OPS.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, set: { segsIn: 1, segsOut: 2 } },
      { op: SOCK_OPS.BPF_SOCK_OPS_RTT_CB, sim: { kind: 'ack', segs: 1 }, needsFlag: CB_FLAGS.RTT, note: 'the data is acknowledged' },
      { op: SOCK_OPS.BPF_SOCK_OPS_STATE_CB, args: [ST('ESTABLISHED'), ST('CLOSE_WAIT')], set: { state: ST('CLOSE_WAIT') }, needsFlag: CB_FLAGS.STATE, note: 'the server closed first (its FIN arrived)' },
      { op: SOCK_OPS.BPF_SOCK_OPS_STATE_CB, args: [ST('CLOSE_WAIT'), ST('LAST_ACK')], set: { state: ST('LAST_ACK') }, needsFlag: CB_FLAGS.STATE, note: 'close(): our FIN' },
      { op: SOCK_OPS.BPF_SOCK_OPS_RTT_CB, sim: { kind: 'ack', segs: 1 }, needsFlag: CB_FLAGS.RTT, note: 'the FIN is acknowledged' },
      { op: SOCK_OPS.BPF_SOCK_OPS_STATE_CB, args: [ST('LAST_ACK'), ST('CLOSE')], set: { state: ST('CLOSE') }, needsFlag: CB_FLAGS.STATE },
    ],
  },
  'passive-accept': {
    title: 'Server listens, accepts a connection, the peer closes',
    role: 'passive',
    // The order a Linux 6.18 kernel calls a sock_ops program for a loopback server (sockets-kernel.test.ts
    // records it). The accepted socket starts with the listener's callback flags.
    events: [
      { op: SOCK_OPS.BPF_SOCK_OPS_TCP_LISTEN_CB, set: { state: ST('LISTEN'), localPort: 80, remotePort: 0, remoteAddr: '0.0.0.0' }, note: 'listen(2)' },
      { op: SOCK_OPS.BPF_SOCK_OPS_RWND_INIT, set: { state: ST('NEW_SYN_RECV'), remoteAddr: '192.0.2.10', remotePort: 40000 }, note: 'request socket: initial window for the SYN-ACK' },
      { op: SOCK_OPS.BPF_SOCK_OPS_TIMEOUT_INIT, note: 'SYN-ACK retransmission timeout' },
      { op: SOCK_OPS.BPF_SOCK_OPS_NEEDS_ECN, sim: { kind: 'syn_sent' }, note: 'reply 1 accepts ECN; the SYN-ACK leaves' },
      { op: SOCK_OPS.BPF_SOCK_OPS_RTT_CB, set: { state: ST('SYN_RECV') }, sim: { kind: 'ack', segs: 0 }, needsFlag: CB_FLAGS.RTT, note: 'the final ACK of the handshake gives an RTT sample' },
      { op: SOCK_OPS.BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB, set: { segsIn: 2, segsOut: 1 }, sim: { kind: 'established' }, note: 'tcp_init_transfer(): called before the state changes' },
      { op: SOCK_OPS.BPF_SOCK_OPS_STATE_CB, args: [ST('SYN_RECV'), ST('ESTABLISHED')], set: { state: ST('ESTABLISHED') }, needsFlag: CB_FLAGS.STATE },
      { op: SOCK_OPS.BPF_SOCK_OPS_STATE_CB, args: [ST('ESTABLISHED'), ST('CLOSE_WAIT')], set: { state: ST('CLOSE_WAIT'), bytesReceived: 2n, segsIn: 4 }, needsFlag: CB_FLAGS.STATE, note: 'the peer closed (its FIN arrived)' },
      { op: SOCK_OPS.BPF_SOCK_OPS_STATE_CB, args: [ST('CLOSE_WAIT'), ST('LAST_ACK')], set: { state: ST('LAST_ACK') }, needsFlag: CB_FLAGS.STATE, note: 'close(): our FIN' },
      { op: SOCK_OPS.BPF_SOCK_OPS_RTT_CB, sim: { kind: 'ack', segs: 1 }, needsFlag: CB_FLAGS.RTT, note: 'our FIN is acknowledged' },
      { op: SOCK_OPS.BPF_SOCK_OPS_STATE_CB, args: [ST('LAST_ACK'), ST('CLOSE')], set: { state: ST('CLOSE') }, needsFlag: CB_FLAGS.STATE },
      { op: SOCK_OPS.BPF_SOCK_OPS_STATE_CB, args: [ST('LISTEN'), ST('CLOSE')], needsFlag: CB_FLAGS.STATE, note: 'the listening socket closes too' },
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
    u32('snd_ssthresh', sock.sndSsthresh ?? TCP_INFINITE_SSTHRESH);
    u32('ecn_flags', sock.ecnFlags ?? 0);
    u32('sk_txhash', sock.txhash);
    dv.setBigUint64(OPS.bytes_received, sock.bytesReceived, true);
    dv.setBigUint64(OPS.bytes_acked, sock.bytesAcked, true);
  }
  return b;
}

/** The options a sock_ops run set, from its helper log lines `bpf_setsockopt(NAME, …)` (worker/helpers/sockops.ts). */
export function setsockoptNames(log: readonly string[]): string[] {
  const out: string[] = [];
  for (const l of log) {
    const m = /^bpf_setsockopt\((\w+),/.exec(l);
    if (m) out.push(m[1]!);
  }
  return out;
}

/** CONFIG_HZ the simulation assumes (jiffies -> ms): Debian's 250, what this machine's kernel measured. */
export const HZ = 250;
/** net.ipv4.tcp_syn_linear_timeouts: SYN retransmissions that keep the initial timeout before backing off. */
const TCP_SYN_LINEAR_TIMEOUTS = 4;
const TCP_TIMEOUT_INIT_MS = 1000;
const TCP_RTO_MAX_MS = 120_000;
const TCP_RTO_MIN_MS = 200;
const TCP_INIT_CWND = 10;
const SOCK_MIN_SNDBUF = 4608;
const WMEM_MAX = 212_992;
const TCP_ECN_OK = 1;
/** The simulated path's round-trip time. */
export const SIM_RTT_MS = 8;

const i32 = (v: number) => v | 0;

/** What the kernel does with the program's answer (tcp_call_bpf returns reply only when the program returned 1). */
export function sockOpsReplyEffect(op: number, retval: number, reply: number): string {
  const used = retval === 1;
  switch (op) {
    case SOCK_OPS.BPF_SOCK_OPS_TIMEOUT_INIT:
      return used && i32(reply) > 0 ? `SYN RTO set to ${reply} jiffies` : 'default SYN RTO (1 s)';
    case SOCK_OPS.BPF_SOCK_OPS_RWND_INIT:
      return used && i32(reply) > 0 ? `initial receive window ${reply} packets` : 'default initial window';
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
  // A request or time-wait socket has none of these fields (the context shows zeros): nothing to take back.
  if (dv.getUint32(OPS.is_fullsock, true) !== 1) return;
  sock.txhash = dv.getUint32(OPS.sk_txhash, true);
  sock.cbFlags = dv.getUint32(OPS.bpf_sock_ops_cb_flags, true);
}

const le32 = (v: Uint8Array) => (v.length >= 4 ? new DataView(v.buffer, v.byteOffset, 4).getInt32(0, true) : 0);
const cstr = (v: Uint8Array) => String.fromCharCode(...v).split('\0')[0]!;

/**
 * What one bpf_setsockopt option does to the connection (net/core/filter.c: sol_tcp_sockopt,
 * bpf_sol_tcp_setsockopt, sol_socket_sockopt -> sk_setsockopt). Changes the socket and returns a
 * description, or the reason the kernel would refuse it.
 */
export function applySockopt(sock: SimSocket, sim: { dataSent: boolean; cc: string; rtoMinMs: number; extra: Record<string, string> }, name: string, v: Uint8Array): string {
  const val = le32(v);
  switch (name) {
    case 'TCP_BPF_IW':
      if (val <= 0) return 'TCP_BPF_IW: -EINVAL (must be > 0)';
      if (sim.dataSent) return `TCP_BPF_IW ${val}: -EINVAL in the kernel (data was already sent)`;
      sock.sndCwnd = Math.min(val, sock.sndCwndClamp ?? 0xffffffff);
      return `initial cwnd ${val} segments`;
    case 'TCP_BPF_SNDCWND_CLAMP':
      if (val <= 0) return 'TCP_BPF_SNDCWND_CLAMP: -EINVAL (must be > 0)';
      sock.sndCwndClamp = val;
      sock.sndSsthresh = val;
      if (sock.sndCwnd > val) sock.sndCwnd = val;
      return `cwnd clamped to ${val} (snd_ssthresh ${val})`;
    case 'TCP_BPF_RTO_MIN':
      sim.rtoMinMs = Math.max(0, val) / 1000;
      return `minimum RTO ${val} us`;
    case 'TCP_CONGESTION':
      sim.cc = cstr(v);
      return `congestion control ${sim.cc}`;
    case 'SO_SNDBUF': {
      const b = Math.max(Math.min(Math.max(val, 0), WMEM_MAX) * 2, SOCK_MIN_SNDBUF);
      sim.extra.sndbuf = String(b);
      return `send buffer ${b} bytes`;
    }
    case 'SO_RCVBUF':
      sim.extra.rcvbuf = String(Math.max(val, 0) * 2);
      return `receive buffer ${Math.max(val, 0) * 2} bytes`;
    case 'SO_MAX_PACING_RATE':
      sim.extra.pacing = (val >>> 0) === 0xffffffff ? 'unlimited' : `${val >>> 0} B/s`;
      return `pacing rate at most ${sim.extra.pacing}`;
    case 'TCP_SAVE_SYN':
      sim.extra.saveSyn = String(val);
      return val ? 'the SYN is saved (bpf_getsockopt TCP_BPF_SYN reads it)' : 'the SYN is not saved';
    default:
      sim.extra[name] = String(val);
      return `${name} = ${val}`;
  }
}

/** One callback of a played connection: its time, whether it was called, the answer and its effect. */
export interface SockOpsStep {
  event: SockOpsEvent;
  delivered: boolean;
  retval?: number;
  reply?: number;
  effect: string;
  cbFlagsAfter: number;
  /** Virtual time (ms since the connection began). */
  timeMs?: number;
  /** The connection after the callback, one line. */
  connection?: string;
  /** The context the program got (null when it was not called). */
  ctx?: Uint8Array | null;
}

/** What a SockOpsSim checkpoint holds (SockOpsSim.snapshot / restore). */
export interface SockOpsSimState {
  sock: SimSocket;
  clockMs: number;
  synRtoMs: number;
  rtoMs: number;
  rtoMinMs: number;
  retransmits: number;
  lastSendMs: number;
  mdevMs: number;
  dataSent: boolean;
  ecnRequested: boolean;
  cc: string;
  extra: Record<string, string>;
}

const CB_NAMES: [number, string][] = [[CB_FLAGS.RTO, 'RTO'], [CB_FLAGS.RETRANS, 'RETRANS'], [CB_FLAGS.STATE, 'STATE'], [CB_FLAGS.RTT, 'RTT'], [CB_FLAGS.PARSE_ALL_HDR_OPT, 'PARSE_ALL_HDR_OPT'], [CB_FLAGS.PARSE_UNKNOWN_HDR_OPT, 'PARSE_UNKNOWN_HDR_OPT'], [CB_FLAGS.WRITE_HDR_OPT, 'WRITE_HDR_OPT']];

export function cbFlagNames(f: number): string {
  const n = CB_NAMES.filter(([b]) => (f & b) !== 0).map(([, x]) => x);
  return n.length ? n.join('|') : 'none';
}

/**
 * A TCP connection played callback by callback: `begin(ev)` moves the clock and the socket to the event
 * and says whether the program is called (and with which context); `end(...)` feeds the program's answer
 * back (reply, sk_txhash, callback flags, options set with bpf_setsockopt) into the connection.
 */
export class SockOpsSim {
  st: SockOpsSimState;

  constructor(sock: SimSocket) {
    this.st = {
      sock: cloneSocket(sock), clockMs: 0, synRtoMs: TCP_TIMEOUT_INIT_MS, rtoMs: TCP_TIMEOUT_INIT_MS, rtoMinMs: TCP_RTO_MIN_MS,
      retransmits: 0, lastSendMs: 0, mdevMs: 0, dataSent: false, ecnRequested: false, cc: 'cubic', extra: {},
    };
    this.st.sock.sockopts ??= {};
  }

  snapshot(): SockOpsSimState {
    return { ...this.st, sock: cloneSocket(this.st.sock), extra: { ...this.st.extra } };
  }

  static restore(s: SockOpsSimState): SockOpsSim {
    const sim = new SockOpsSim(s.sock);
    sim.st = { ...s, sock: cloneSocket(s.sock), extra: { ...s.extra } };
    return sim;
  }

  get sock(): SimSocket {
    return this.st.sock;
  }

  /** Moves the connection to the event. Returns the context when the program is called, else null. */
  begin(ev: SockOpsEvent): { ctx: Uint8Array | null; args: number[] } {
    const st = this.st;
    const sock = st.sock;
    Object.assign(sock, ev.set ?? {});
    let args = ev.args ?? [];
    const sim = ev.sim;
    if (sim) {
      switch (sim.kind) {
        case 'syn_sent':
          st.lastSendMs = st.clockMs;
          st.rtoMs = st.synRtoMs;
          sock.segsOut += 1;
          break;
        case 'syn_timer':
          st.clockMs = st.lastSendMs + st.rtoMs;
          break;
        case 'syn_timeout':
          st.clockMs = st.lastSendMs + st.rtoMs;
          args = [st.retransmits, st.rtoMs * HZ / 1000, 0];
          break;
        case 'syn_retrans':
          args = [0, 1, 0];
          st.retransmits++;
          sock.totalRetrans++;
          sock.segsOut++;
          st.lastSendMs = st.clockMs;
          if (st.retransmits > TCP_SYN_LINEAR_TIMEOUTS) st.rtoMs = Math.min(st.rtoMs * 2, TCP_RTO_MAX_MS);
          break;
        case 'established':
          st.clockMs = st.lastSendMs + SIM_RTT_MS;
          // tcp_init_transfer: cwnd 1 after more than one SYN retransmission, else the initial window.
          sock.sndCwnd = Math.min(sock.totalRetrans > 1 ? 1 : TCP_INIT_CWND, sock.sndCwndClamp ?? 0xffffffff);
          sock.ecnFlags = st.ecnRequested ? TCP_ECN_OK : 0;
          st.retransmits = 0;
          st.lastSendMs = st.clockMs;
          break;
        case 'data':
          st.dataSent = true;
          sock.segsOut += sim.segs;
          st.lastSendMs = st.clockMs;
          break;
        case 'ack': {
          const handshake = sim.segs === 0;
          if (!handshake) st.dataSent = true;
          st.clockMs = st.lastSendMs + SIM_RTT_MS;
          const rtt = SIM_RTT_MS;
          if (sock.srttUs === 0) {
            sock.srttUs = rtt * 1000 * 8; // srtt_us is kept << 3
            st.mdevMs = rtt / 2;
          } else {
            const srtt = sock.srttUs / 8000;
            st.mdevMs = (3 * st.mdevMs + Math.abs(rtt - srtt)) / 4;
            sock.srttUs = Math.round(((7 * srtt + rtt) / 8) * 8000);
          }
          st.rtoMs = Math.min(sock.srttUs / 8000 + Math.max(4 * st.mdevMs, st.rtoMinMs), TCP_RTO_MAX_MS);
          const clamp = sock.sndCwndClamp ?? 0xffffffff;
          const ssthresh = sock.sndSsthresh ?? TCP_INFINITE_SSTHRESH;
          args = [rtt * 1000, sock.srttUs];
          if (handshake) break; // the established step that follows happens at the same time
          sock.sndCwnd = Math.min(sock.sndCwnd < ssthresh ? sock.sndCwnd + sim.segs : sock.sndCwnd + 1, clamp);
          sock.bytesAcked += BigInt(sim.segs * sock.mssCache);
          sock.segsIn += 1;
          sock.segsOut += sock.sndCwnd;
          st.lastSendMs = st.clockMs;
          break;
        }
        case 'timeout':
          st.clockMs = st.lastSendMs + st.rtoMs;
          args = [st.retransmits, Math.round(st.rtoMs * HZ / 1000), 0];
          // tcp_enter_loss: ssthresh from the congestion control, cwnd to one segment.
          sock.sndSsthresh = Math.max(st.cc === 'reno' ? sock.sndCwnd >> 1 : Math.floor((sock.sndCwnd * 717) / 1024), 2);
          sock.sndCwnd = 1;
          break;
        case 'retrans':
          args = [Number(sock.bytesAcked & 0xffffffffn), 1, 0];
          st.retransmits++;
          sock.totalRetrans++;
          sock.segsOut++;
          st.lastSendMs = st.clockMs;
          st.rtoMs = Math.min(st.rtoMs * 2, TCP_RTO_MAX_MS);
          break;
      }
    }
    if (!shouldDeliver(ev, sock)) return { ctx: null, args };
    return { ctx: buildSockOpsCtx({ ...ev, args }, sock), args };
  }

  /** Feeds a run's answer back: the reply, what the program left in the context, the options it set.
   * `setNames`: the options bpf_setsockopt accepted in this run, in order (from the helpers' log), so setting
   * the same value again still applies; without it, the options whose value changed. */
  end(ev: SockOpsEvent, retval: number, ctxAfter: Uint8Array, optsBefore: Record<string, Uint8Array>, setNames?: readonly string[]): { reply: number; effect: string } {
    const st = this.st;
    const sock = st.sock;
    const reply = new DataView(ctxAfter.buffer, ctxAfter.byteOffset).getUint32(OPS.args, true);
    const flagsBefore = sock.cbFlags;
    applySockOpsRun(sock, ctxAfter);
    const used = retval === 1;
    const parts: string[] = [];
    switch (ev.op) {
      case SOCK_OPS.BPF_SOCK_OPS_TIMEOUT_INIT: {
        const t = used ? i32(reply) : -1;
        st.synRtoMs = t > 0 ? Math.min((t * 1000) / HZ, TCP_RTO_MAX_MS) : TCP_TIMEOUT_INIT_MS;
        // Asked again after a SYN retransmission: within the linear timeouts the answer is the next timeout.
        if (sock.state === ST('SYN_SENT') && st.retransmits > 0 && st.retransmits <= TCP_SYN_LINEAR_TIMEOUTS) st.rtoMs = st.synRtoMs;
        parts.push(t > 0 ? `reply ${reply}: SYN RTO ${st.synRtoMs} ms (${reply} jiffies at HZ=${HZ})` : `SYN RTO stays ${TCP_TIMEOUT_INIT_MS} ms (TCP_TIMEOUT_INIT)`);
        break;
      }
      case SOCK_OPS.BPF_SOCK_OPS_RWND_INIT: {
        const w = used ? i32(reply) : -1;
        sock.rcvWnd = Math.min(65535, (w > 0 ? w : TCP_INIT_CWND) * sock.mssCache);
        parts.push(w > 0 ? `reply ${reply}: initial receive window ${sock.rcvWnd} bytes (${w} x MSS ${sock.mssCache}, at most 65535)` : `initial receive window ${sock.rcvWnd} bytes (default 10 segments)`);
        break;
      }
      case SOCK_OPS.BPF_SOCK_OPS_NEEDS_ECN:
        st.ecnRequested = used && reply === 1;
        parts.push(st.ecnRequested ? 'reply 1: ECN requested in the SYN (ecn_flags TCP_ECN_OK once established)' : 'no ECN');
        break;
      case SOCK_OPS.BPF_SOCK_OPS_BASE_RTT:
        parts.push(used ? `reply ${reply}: base RTT ${reply} us (TCP-NV)` : 'no base RTT');
        break;
      default:
        parts.push(used ? 'ok' : 'failure');
    }
    const opts = sock.sockopts ?? {};
    const changed = setNames ?? Object.keys(opts).filter((name) => {
      const v = opts[name]!;
      const old = optsBefore[name];
      return !(old && old.length === v.length && old.every((x, k) => x === v[k]));
    });
    for (const name of changed) {
      const v = opts[name];
      if (v) parts.push(`setsockopt: ${applySockopt(sock, st, name, v)}`);
    }
    if (sock.cbFlags !== flagsBefore) parts.push(`callbacks now ${cbFlagNames(sock.cbFlags)}`);
    return { reply, effect: parts.join('; ') };
  }

  /** The connection now, one line (what the timeline shows after each callback). */
  describe(): string {
    const st = this.st;
    const s = st.sock;
    const th = s.sndSsthresh ?? TCP_INFINITE_SSTHRESH;
    const clamp = s.sndCwndClamp ?? 0xffffffff;
    const extra = Object.entries(st.extra).map(([k, v]) => `${k} ${v}`);
    return [
      `t=${fmtMs(st.clockMs)}`, TCP_STATES[s.state] || `state ${s.state}`, `cwnd ${s.sndCwnd}${clamp !== 0xffffffff ? ` (clamp ${clamp})` : ''}`,
      `ssthresh ${th >= TCP_INFINITE_SSTHRESH ? '∞' : th}`, `rcv_wnd ${s.rcvWnd || '-'}`, `RTO ${fmtMs(st.rtoMs)}`, `srtt ${s.srttUs ? fmtMs(s.srttUs / 8000) : '-'}`,
      `ECN ${s.ecnFlags ? 'on' : st.ecnRequested ? 'requested' : 'off'}`, `retrans ${s.totalRetrans}`, `cb ${cbFlagNames(s.cbFlags)}`, `cc ${st.cc}`, ...extra,
    ].join(' · ');
  }
}

function fmtMs(ms: number): string {
  return `${Number.isInteger(ms) ? ms : ms.toFixed(1)} ms`;
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

/**
 * Plays a life cycle: for each event, move the connection (SockOpsSim.begin), skip callbacks whose flag is
 * not set (as the kernel's BPF_SOCK_OPS_TEST_FLAG does), run the program through `run`, and feed back what
 * it left (reply, sk_txhash, callback flags, options). `run` is the VM: it gets the context bytes and the
 * socket (whose `sockopts` the helpers write) and returns R0 and the context bytes after the run.
 */
export function driveSockOps(events: readonly SockOpsEvent[], sock: SimSocket, run: (ctx: Uint8Array, sock: SimSocket) => { retval: number; ctxAfter: Uint8Array; setNames?: string[] }): SockOpsStep[] {
  const sim = new SockOpsSim(sock);
  const steps: SockOpsStep[] = [];
  for (const ev of events) {
    const b = sim.begin(ev);
    if (!b.ctx) {
      steps.push({ event: ev, delivered: false, effect: `not called: bpf_sock_ops_cb_flags lacks 0x${(ev.needsFlag ?? 0).toString(16)}`, cbFlagsAfter: sim.sock.cbFlags, timeMs: sim.st.clockMs, connection: sim.describe(), ctx: null });
      continue;
    }
    const before = { ...(sim.sock.sockopts ?? {}) };
    const ctx = b.ctx.slice();
    const r = run(b.ctx, sim.sock);
    const e = sim.end(ev, r.retval, r.ctxAfter, before, r.setNames);
    steps.push({ event: ev, delivered: true, retval: r.retval, reply: e.reply, effect: e.effect, cbFlagsAfter: sim.sock.cbFlags, timeMs: sim.st.clockMs, connection: sim.describe(), ctx });
  }
  Object.assign(sock, sim.sock);
  return steps;
}
