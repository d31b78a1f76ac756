// The simulated connection follows the program's answers as the kernel would: expected outcomes come from
// the kernel's documented behaviour (include/net/tcp.h tcp_call_bpf / tcp_timeout_init / tcp_rwnd_init_bpf,
// net/ipv4/tcp_output.c tcp_select_initial_window + tcp_ecn_send_syn, net/core/filter.c bpf_sol_tcp_setsockopt).
// The "program" here is a JavaScript stand-in that writes the context and the options record the way the
// VM and the sock_ops helpers do (worker/helpers/sockops.ts); worker/api/engine.test.ts runs real programs.
import { describe, expect, it } from 'vitest';
import { CB_FLAGS, driveSockOps, newSocket, SOCK_OPS, SOCK_OPS_SCENARIOS, SockOpsSim, type SimSocket, type SockOpsStep } from './sockets';

const OP = SOCK_OPS;
const u32 = (ctx: Uint8Array, off: number) => new DataView(ctx.buffer, ctx.byteOffset).getUint32(off, true);
const le = (v: number) => Uint8Array.of(v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff);

interface Answers {
  retval?: number;
  replies?: Partial<Record<number, number>>;
  flagsAt?: Partial<Record<number, number>>;
  opts?: Partial<Record<number, Record<string, Uint8Array>>>;
}

/** A sock_ops program as a table: per op, the reply it writes, the cb flags it sets, the options it sets. */
function program(a: Answers) {
  return (ctx: Uint8Array, sock: SimSocket) => {
    const op = u32(ctx, 0);
    const dv = new DataView(ctx.buffer, ctx.byteOffset);
    const reply = a.replies?.[op];
    if (reply !== undefined) dv.setUint32(4, reply, true);
    const flags = a.flagsAt?.[op];
    if (flags !== undefined) dv.setUint32(84, flags, true);
    for (const [k, v] of Object.entries(a.opts?.[op] ?? {})) (sock.sockopts ??= {})[k] = v;
    return { retval: a.retval ?? 1, ctxAfter: ctx };
  };
}

function play(a: Answers, scenario = 'active-connect'): SockOpsStep[] {
  return driveSockOps(SOCK_OPS_SCENARIOS[scenario]!.events, newSocket(), program(a));
}

const ALL = CB_FLAGS.RTO | CB_FLAGS.RETRANS | CB_FLAGS.STATE | CB_FLAGS.RTT;
const find = (steps: SockOpsStep[], op: number, k = 0) => steps.filter((s) => s.event.op === op)[k]!;

describe('SockOpsSim: replies change the connection', () => {
  it('TIMEOUT_INIT sets the SYN RTO, hence when the lost SYN times out and when the handshake completes', () => {
    // HZ=250: a jiffy is 4 ms; no reply (0) means TCP_TIMEOUT_INIT, 1 s = 250 jiffies
    for (const [reply, rto] of [[3, 12], [100, 400], [0, 1000]] as const) {
      const steps = play({ replies: { [OP.BPF_SOCK_OPS_TIMEOUT_INIT]: reply }, flagsAt: { [OP.BPF_SOCK_OPS_TCP_CONNECT_CB]: ALL } });
      const rtoCb = find(steps, OP.BPF_SOCK_OPS_RTO_CB);
      expect(rtoCb.delivered).toBe(true);
      expect(rtoCb.timeMs).toBe(rto);
      // RTO_CB args: icsk_retransmits, icsk_rto (jiffies), expired
      expect([u32(rtoCb.ctx!, 4), u32(rtoCb.ctx!, 8), u32(rtoCb.ctx!, 12)]).toEqual([0, rto / 4, 0]);
      expect(find(steps, OP.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB).timeMs).toBe(rto + 8);
    }
  });

  it('a reply only counts when the program returns 1 (tcp_call_bpf), and a negative one means the default', () => {
    const ignored = play({ retval: 0, replies: { [OP.BPF_SOCK_OPS_TIMEOUT_INIT]: 5 } });
    expect(find(ignored, OP.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB).timeMs).toBe(1008);
    const negative = play({ replies: { [OP.BPF_SOCK_OPS_TIMEOUT_INIT]: 0xffffffff } });
    expect(find(negative, OP.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB).timeMs).toBe(1008);
    const huge = play({ replies: { [OP.BPF_SOCK_OPS_TIMEOUT_INIT]: 500_000 } });
    expect(find(huge, OP.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB).timeMs).toBe(120_008); // TCP_RTO_MAX
  });

  it('RWND_INIT sets the initial receive window: reply x MSS, at most 65535; 0 = 10 segments', () => {
    const win = (reply: number | undefined) => {
      const sim = new SockOpsSim(newSocket());
      const ev = { op: OP.BPF_SOCK_OPS_RWND_INIT };
      const b = sim.begin(ev);
      if (reply !== undefined) new DataView(b.ctx!.buffer).setUint32(4, reply, true);
      sim.end(ev, 1, b.ctx!, {});
      return sim.sock.rcvWnd;
    };
    expect(win(40)).toBe(40 * 1448 > 65535 ? 65535 : 40 * 1448);
    expect(win(20)).toBe(20 * 1448);
    expect(win(undefined)).toBe(10 * 1448);
  });

  it('NEEDS_ECN reply 1 makes ecn_flags TCP_ECN_OK in the callbacks after the handshake', () => {
    const on = play({ replies: { [OP.BPF_SOCK_OPS_NEEDS_ECN]: 1 } });
    expect(u32(find(on, OP.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB).ctx!, 116)).toBe(1);
    expect(find(on, OP.BPF_SOCK_OPS_NEEDS_ECN).effect).toMatch(/ECN requested/);
    const off = play({});
    expect(u32(find(off, OP.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB).ctx!, 116)).toBe(0);
  });

  it('bpf_sock_ops_cb_flags_set decides which optional callbacks run', () => {
    const none = play({});
    expect(none.filter((s) => s.event.needsFlag !== undefined).every((s) => !s.delivered)).toBe(true);
    const rtt = play({ flagsAt: { [OP.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB]: CB_FLAGS.RTT } });
    // the SYN-ACK's RTT sample comes before ESTABLISHED, where the flag is set: not called
    expect(rtt.filter((s) => s.event.op === OP.BPF_SOCK_OPS_RTT_CB).map((s) => s.delivered)).toEqual([false, true, true]);
    expect(rtt.filter((s) => s.event.op === OP.BPF_SOCK_OPS_RTO_CB).some((s) => s.delivered)).toBe(false);
    expect(find(rtt, OP.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB).effect).toMatch(/callbacks now RTT/);
    // the context shows the flags the socket has
    expect(u32(find(rtt, OP.BPF_SOCK_OPS_RTT_CB, 1).ctx!, 84)).toBe(CB_FLAGS.RTT);
  });

  it('TCP_BPF_IW at ESTABLISHED sets snd_cwnd; the first ack grows it by the acked segments (slow start)', () => {
    const steps = play({ flagsAt: { [OP.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB]: ALL }, opts: { [OP.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB]: { TCP_BPF_IW: le(40) } } });
    expect(u32(find(steps, OP.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB).ctx!, 76)).toBe(10); // before the option: the initial window
    expect(find(steps, OP.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB).effect).toMatch(/initial cwnd 40/);
    expect(u32(find(steps, OP.BPF_SOCK_OPS_RTT_CB, 1).ctx!, 76)).toBe(50);
    // the RTO then collapses it to one segment with ssthresh 717/1024 of it (cubic)
    const rto = steps.filter((s) => s.event.op === OP.BPF_SOCK_OPS_RTO_CB)[1]!;
    expect([u32(rto.ctx!, 76), u32(rto.ctx!, 96)]).toEqual([1, Math.floor((50 * 717) / 1024)]);
  });

  it('TCP_BPF_IW after data was sent is refused, as bpf_sol_tcp_setsockopt does (-EINVAL)', () => {
    const steps = play({ flagsAt: { [OP.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB]: ALL }, opts: { [OP.BPF_SOCK_OPS_RTT_CB]: { TCP_BPF_IW: le(40) } } });
    expect(find(steps, OP.BPF_SOCK_OPS_RTT_CB, 1).effect).toMatch(/-EINVAL/);
    expect(u32(find(steps, OP.BPF_SOCK_OPS_RTT_CB, 2).ctx!, 76)).toBeLessThan(40);
  });

  it('TCP_BPF_SNDCWND_CLAMP sets snd_cwnd_clamp and snd_ssthresh; cwnd never grows past it', () => {
    const steps = play({ flagsAt: { [OP.BPF_SOCK_OPS_TCP_CONNECT_CB]: ALL }, opts: { [OP.BPF_SOCK_OPS_TCP_CONNECT_CB]: { TCP_BPF_SNDCWND_CLAMP: le(16) } } });
    const est = find(steps, OP.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB).ctx!;
    expect(u32(est, 96)).toBe(16);
    expect(u32(find(steps, OP.BPF_SOCK_OPS_RTT_CB, 1).ctx!, 76)).toBe(16);
  });

  it('TCP_CONGESTION reno halves the window on a loss; SO_SNDBUF doubles the value; the timeline says so', () => {
    const steps = play({
      flagsAt: { [OP.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB]: ALL },
      opts: { [OP.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB]: { TCP_CONGESTION: Uint8Array.from([...'reno\0'].map((c) => c.charCodeAt(0))), SO_SNDBUF: le(65536) } },
    });
    const rto = steps.filter((s) => s.event.op === OP.BPF_SOCK_OPS_RTO_CB)[1]!;
    expect(u32(rto.ctx!, 96)).toBe(10); // cwnd 20 after the first ack, halved
    expect(find(steps, OP.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB).connection).toMatch(/cc reno .*sndbuf 131072/);
  });

  it('the RTO after the handshake follows the RTT sample: srtt + max(4 mdev, 200 ms)', () => {
    const steps = play({ flagsAt: { [OP.BPF_SOCK_OPS_TCP_CONNECT_CB]: ALL }, replies: { [OP.BPF_SOCK_OPS_TIMEOUT_INIT]: 10 } });
    const synack = find(steps, OP.BPF_SOCK_OPS_RTT_CB);
    // RTT_CB args: the sample (us) and srtt_us << 3, as tcp_ack_update_rtt passes them
    expect([u32(synack.ctx!, 4), u32(synack.ctx!, 8), synack.timeMs]).toEqual([8000, 64000, 40 + 8]);
    const ack = find(steps, OP.BPF_SOCK_OPS_RTT_CB, 1);
    const rto = steps.filter((s) => s.event.op === OP.BPF_SOCK_OPS_RTO_CB)[1]!;
    expect(rto.timeMs! - ack.timeMs!).toBe(208);
    expect(u32(ack.ctx!, 80)).toBe(8 * 8000); // srtt_us << 3
    expect(u32(find(steps, OP.BPF_SOCK_OPS_RETRANS_CB, 1).ctx!, 136)).toBe(2); // total_retrans: the SYN and the segment
  });

  it('a time-wait socket has no callback flags in its context: the socket keeps its own', () => {
    const steps = play({ flagsAt: { [OP.BPF_SOCK_OPS_TCP_CONNECT_CB]: ALL } });
    const last = steps.at(-1)!;
    expect(last.event.args).toEqual([5, 6]); // FIN_WAIT2 -> TIME_WAIT
    expect(u32(last.ctx!, 72)).toBe(0); // is_fullsock
    expect(last.cbFlagsAfter).toBe(ALL);
  });

  it('setting the same option again applies it again (the run says which options it set)', () => {
    const sim = new SockOpsSim(newSocket());
    const evs = SOCK_OPS_SCENARIOS['active-connect']!.events;
    const clamp = (ev: (typeof evs)[number], names?: string[]) => {
      const b = sim.begin(ev);
      const before = { ...(sim.sock.sockopts ?? {}) };
      (sim.sock.sockopts ??= {}).TCP_BPF_SNDCWND_CLAMP = le(12);
      return sim.end(ev, 1, b.ctx ?? new Uint8Array(224), before, names).effect;
    };
    expect(clamp(evs[1]!)).toMatch(/cwnd clamped to 12/);
    sim.sock.sndSsthresh = 99;
    expect(clamp(evs[2]!)).not.toMatch(/clamped/); // by value: nothing changed
    expect(clamp(evs[3]!, ['TCP_BPF_SNDCWND_CLAMP'])).toMatch(/cwnd clamped to 12/);
    expect(sim.sock.sndSsthresh).toBe(12);
  });

  it('snapshots restore the connection exactly', () => {
    const sim = new SockOpsSim(newSocket());
    const evs = SOCK_OPS_SCENARIOS['active-connect']!.events;
    sim.begin(evs[0]!);
    const snap = sim.snapshot();
    sim.begin(evs[1]!);
    sim.sock.sndCwnd = 99;
    const back = SockOpsSim.restore(snap);
    expect(back.sock.sndCwnd).toBe(10);
    expect(back.describe()).toBe(SockOpsSim.restore(snap).describe());
  });
});
