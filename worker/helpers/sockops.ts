// sock_ops helpers (net/core/filter.c): bpf_sock_ops_cb_flags_set, bpf_setsockopt and bpf_getsockopt on
// the simulated socket of worker/events/sockets.ts (env.ctx.sockOps, set by worker/events/run.ts).
// cb_flags_set stores the flags the kernel keeps in tcp_sk(sk)->bpf_sock_ops_cb_flags (and returns the
// bits it does not know); setsockopt records options, with the checks of sol_tcp_sockopt /
// sol_socket_sockopt for the common ones (TCP_CONGESTION names, TCP_BPF_IW, TCP_BPF_SNDCWND_CLAMP,
// SO_MARK, SO_PRIORITY, SO_MAX_PACING_RATE, TCP_SAVE_SYN, TCP_NODELAY …), so their effect is visible;
// getsockopt reads them back. Integer options of sol_socket_sockopt / sol_tcp_sockopt's fixed-size list
// need optlen == sizeof(int) exactly (-EINVAL otherwise); TCP_SAVE_SYN takes 0, 1 or 2
// (do_tcp_setsockopt); SO_MAX_PACING_RATE takes any u32, ~0U meaning unlimited (sk_setsockopt).

import { errno, registerHelper, type HelperEnv, type HelperResult } from './types';

const EINVAL = 22, ENOTSUPP = 524, ENOENT = 2;
const BPF_SOCK_OPS_ALL_CB_FLAGS = 0x7f;
const SOL_SOCKET = 1, SOL_TCP = 6, SOL_IP = 0, SOL_IPV6 = 41;
const OPTS: Record<string, string> = {
  '1/36': 'SO_MARK', '1/12': 'SO_PRIORITY', '1/7': 'SO_SNDBUF', '1/8': 'SO_RCVBUF', '1/9': 'SO_KEEPALIVE', '1/25': 'SO_BINDTODEVICE',
  '6/1': 'TCP_NODELAY', '6/2': 'TCP_MAXSEG', '6/13': 'TCP_CONGESTION', '6/14': 'TCP_MAXSEG', '6/1001': 'TCP_BPF_IW', '6/1002': 'TCP_BPF_SNDCWND_CLAMP',
  '6/1003': 'TCP_BPF_DELACK_MAX', '6/1004': 'TCP_BPF_RTO_MIN', '6/1005': 'TCP_BPF_SYN', '6/1006': 'TCP_BPF_SYN_IP', '6/1007': 'TCP_BPF_SYN_MAC',
  '6/4': 'TCP_KEEPIDLE', '6/5': 'TCP_KEEPINTVL', '6/6': 'TCP_KEEPCNT', '6/3': 'TCP_CORK', '6/18': 'TCP_USER_TIMEOUT', '6/37': 'TCP_NOTSENT_LOWAT',
  '0/1': 'IP_TOS', '41/67': 'IPV6_TCLASS', '1/47': 'SO_MAX_PACING_RATE', '6/27': 'TCP_SAVE_SYN',
};
/** Options whose value must be exactly one int (the `*optlen != sizeof(int)` lists of net/core/filter.c). */
const EXACT_INT = new Set(['SO_MAX_PACING_RATE', 'TCP_SAVE_SYN']);
/** What getsockopt reads before any setsockopt: sk_max_pacing_rate starts at ~0UL (no limit). */
const DEFAULTS: Record<string, Uint8Array> = { SO_MAX_PACING_RATE: Uint8Array.of(0xff, 0xff, 0xff, 0xff) };
export const CONGESTION_CONTROLS = ['cubic', 'reno', 'bbr', 'dctcp'];

export interface SockOpsHelperCtx { sockOps: { cbFlags: number; sockopts: Record<string, Uint8Array>; fullsock: boolean; log: string[] } }

function so(env: HelperEnv): SockOpsHelperCtx['sockOps'] | { fault: string } {
  const c = env.ctx as Partial<SockOpsHelperCtx> | null;
  if (!c || typeof c !== 'object' || !c.sockOps) return { fault: 'this helper needs a sock_ops context (run the program on sock_ops events)' };
  return c.sockOps;
}

registerHelper({
  id: 59, name: 'sock_ops_cb_flags_set',
  call(env, _ctx, argval): HelperResult {
    const s = so(env);
    if ('fault' in s) return s;
    if (!s.fullsock) return errno(EINVAL);
    const v = Number(argval & 0xffffffffn);
    s.cbFlags = v & BPF_SOCK_OPS_ALL_CB_FLAGS;
    // ctx->bpf_sock_ops_cb_flags reads the socket's field: later loads in this run see the new flags.
    const f = s.cbFlags;
    const w = env.write(env.ctxAddr + 84n, Uint8Array.of(f & 0xff, 0, 0, 0));
    if (w !== true) return { fault: w };
    s.log.push(`bpf_sock_ops_cb_flags_set(0x${v.toString(16)})`);
    return BigInt(v & ~BPF_SOCK_OPS_ALL_CB_FLAGS);
  },
});

registerHelper({
  id: 49, name: 'setsockopt',
  call(env, _ctx, level, optname, optval, optlen): HelperResult {
    const s = so(env);
    if ('fault' in s) return s;
    const key = `${level}/${optname}`;
    const name = OPTS[key];
    if (Number(level) !== SOL_SOCKET && Number(level) !== SOL_TCP && Number(level) !== SOL_IP && Number(level) !== SOL_IPV6) return errno(EINVAL);
    if (!name) return errno(ENOTSUPP);
    const v = env.read(optval, Number(optlen & 0xffffn));
    if (typeof v === 'string') return { fault: v };
    if (name === 'TCP_CONGESTION') {
      const text = String.fromCharCode(...v).split('\0')[0]!;
      if (!CONGESTION_CONTROLS.includes(text)) return errno(ENOENT);
    } else if (v.length < 4 || (EXACT_INT.has(name) && v.length !== 4)) return errno(EINVAL);
    if (name === 'TCP_SAVE_SYN') {
      const val = new DataView(v.buffer, v.byteOffset).getInt32(0, true);
      if (val < 0 || val > 2) return errno(EINVAL); // 0 off, 1 from the IP header, 2 from the Ethernet header
    }
    s.sockopts[name] = v.slice();
    s.log.push(`bpf_setsockopt(${name}, ${name === 'TCP_CONGESTION' ? JSON.stringify(String.fromCharCode(...v).split('\0')[0]) : new DataView(v.buffer, v.byteOffset).getInt32(0, true)})`);
    return 0n;
  },
});

registerHelper({
  id: 57, name: 'getsockopt',
  call(env, _ctx, level, optname, optval, optlen): HelperResult {
    const s = so(env);
    if ('fault' in s) return s;
    const name = OPTS[`${level}/${optname}`];
    const n = Number(optlen & 0xffffn);
    if (!name) {
      const z = env.write(optval, new Uint8Array(n));
      return z === true ? errno(ENOTSUPP) : { fault: z };
    }
    const out = new Uint8Array(n);
    if (EXACT_INT.has(name) && n !== 4) {
      const z = env.write(optval, new Uint8Array(n));
      return z === true ? errno(EINVAL) : { fault: z };
    }
    const v = s.sockopts[name] ?? DEFAULTS[name] ?? (name === 'TCP_CONGESTION' ? Uint8Array.from([...'cubic'].map((c) => c.charCodeAt(0))) : new Uint8Array(4));
    out.set(v.subarray(0, n));
    const w = env.write(optval, out);
    return w === true ? 0n : { fault: w };
  },
});
