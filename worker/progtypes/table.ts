// The program-type table: one entry per BPF program type bpfplay simulates — what the program is for,
// where it attaches and when it runs, its context struct with per-field access rules, the helper ids the
// kernel allows for it, and what its return value means (kernel enum bpf_prog_type, struct
// bpf_verifier_ops.get_func_proto / is_valid_access, check_return_code() in kernel/bpf/verifier.c).
// The verifier, the VM, the CLI and the UI read this one table; nothing else lists program types.
// It does not build contexts from events (see testrun.ts and worker/events) and does not execute anything.
// Helper lists come from the running 6.18 kernel (helpers.generated.ts, recorded by
// kernel-probe/record-helpers.mjs); layouts and access rules are pinned to the kernel by tests.

import { HELPER_NAMES } from '../helpers/ids.generated';
import {
  BPF_PERF_EVENT_DATA,
  BPF_SOCK_CREATE,
  BPF_SOCK_OPS,
  PT_REGS,
  SK_BUFF_CGROUP_SKB,
  SK_BUFF_LWT,
  SK_BUFF_SK_SKB,
  SK_BUFF_SOCKET_FILTER,
  SK_BUFF_TC,
  TRACEPOINT_CTX,
  XDP_MD,
  type CtxLayout,
} from './ctx';
import { HELPERS_BY_TYPE } from './helpers.generated';

export const PROG_TYPE_NAMES = [
  'socket_filter',
  'kprobe',
  'sched_cls',
  'sched_act',
  'tracepoint',
  'xdp',
  'perf_event',
  'cgroup_skb',
  'cgroup_sock',
  'lwt_in',
  'lwt_out',
  'lwt_xmit',
  'sock_ops',
  'sk_skb',
] as const;
export type ProgTypeName = (typeof PROG_TYPE_NAMES)[number];

/** Attach types (enum bpf_attach_type) that change what a program of a type may do. */
export const ATTACH_TYPES = {
  BPF_CGROUP_INET_INGRESS: 0,
  BPF_CGROUP_INET_EGRESS: 1,
  BPF_CGROUP_INET_SOCK_CREATE: 2,
  BPF_CGROUP_SOCK_OPS: 3,
  BPF_SK_SKB_STREAM_PARSER: 4,
  BPF_SK_SKB_STREAM_VERDICT: 5,
  BPF_CGROUP_INET4_POST_BIND: 12,
  BPF_CGROUP_INET6_POST_BIND: 13,
  BPF_CGROUP_INET_SOCK_RELEASE: 34,
  BPF_SK_SKB_VERDICT: 38,
} as const;

export interface ReturnSpec {
  /** [min, max] the verifier enforces on R0 at exit (check_return_code), or null if unchecked. */
  range: readonly [number, number] | null;
  /** Same, per attach type where it differs (cgroup_skb egress allows [0, 3]). */
  rangeByAttach?: Readonly<Record<number, readonly [number, number]>>;
  /** What the value means, in a sentence. */
  meaning: string;
  /** Named values (XDP_DROP, TC_ACT_SHOT, …). Lookup is on the signed 32-bit value. */
  verdicts: Readonly<Record<number, string>>;
}

export interface ProgTypeInfo {
  name: ProgTypeName;
  /** enum bpf_prog_type name and value. */
  kernelEnum: string;
  id: number;
  /** The ELF section prefixes libbpf maps to this type (for ELF input and examples). */
  sections: readonly string[];
  ctx: CtxLayout;
  /** The kernel's get_func_proto for this type (for readers who want to look it up). */
  funcProto: string;
  /** Helper ids the kernel allows for this type (privileged loader). */
  helpers: readonly number[];
  /** Subset of helpers that require a GPL-compatible license. */
  gplHelpers: readonly number[];
  ret: ReturnSpec;
  /** Where it attaches and when it runs (the UI shows this). */
  attach: string;
  /** Whether BPF_PROG_TEST_RUN supports the type (bpf_prog_ops.test_run). */
  testRun: boolean;
  /** Which packet bytes data points to when test-run (L2 = Ethernet header; L3 = network header). */
  testRunData?: 'L2' | 'L3';
  /** Whether the context has packet pointers (direct packet access). */
  directPacketAccess: boolean;
  /** Whether direct packet writes are allowed (may_access_direct_pkt_data with BPF_WRITE). */
  directPacketWrite: boolean;
}

const TC_VERDICTS: Record<number, string> = {
  [-1]: 'TC_ACT_UNSPEC',
  0: 'TC_ACT_OK',
  1: 'TC_ACT_RECLASSIFY',
  2: 'TC_ACT_SHOT',
  3: 'TC_ACT_PIPE',
  4: 'TC_ACT_STOLEN',
  5: 'TC_ACT_QUEUED',
  6: 'TC_ACT_REPEAT',
  7: 'TC_ACT_REDIRECT',
  8: 'TC_ACT_TRAP',
};

const LWT_VERDICTS: Record<number, string> = { 0: 'BPF_OK', 2: 'BPF_DROP', 7: 'BPF_REDIRECT', 128: 'BPF_LWT_REROUTE' };

function helpersOf(name: ProgTypeName): { helpers: readonly number[]; gplHelpers: readonly number[] } {
  const h = HELPERS_BY_TYPE[name];
  return { helpers: h?.allowed ?? [], gplHelpers: h?.gplOnly ?? [] };
}

function entry(e: Omit<ProgTypeInfo, 'helpers' | 'gplHelpers'>): ProgTypeInfo {
  return { ...e, ...helpersOf(e.name) };
}

export const PROG_TYPES: Readonly<Record<ProgTypeName, ProgTypeInfo>> = {
  socket_filter: entry({
    name: 'socket_filter', kernelEnum: 'BPF_PROG_TYPE_SOCKET_FILTER', id: 1, sections: ['socket'],
    ctx: SK_BUFF_SOCKET_FILTER, funcProto: 'sk_filter_func_proto', testRun: true, testRunData: 'L3',
    directPacketAccess: false, directPacketWrite: false,
    attach:
      'Attached to a socket with setsockopt(SO_ATTACH_BPF). It runs for every packet queued to that socket, ' +
      'before the socket sees it: on an AF_PACKET socket (tcpdump-style capture) the data starts at the Ethernet ' +
      'header, on a UDP or TCP socket at the network header. It can only read the packet (bpf_skb_load_bytes, ' +
      'legacy LD_ABS/LD_IND) and decides how much of it the socket gets.',
    ret: {
      range: null,
      meaning: 'Number of bytes of the packet to keep: 0 drops it, a value at or above the packet length keeps it whole, anything in between trims it.',
      verdicts: { 0: 'drop' },
    },
  }),
  kprobe: entry({
    name: 'kprobe', kernelEnum: 'BPF_PROG_TYPE_KPROBE', id: 2, sections: ['kprobe/', 'kretprobe/', 'uprobe/', 'uretprobe/'],
    ctx: PT_REGS, funcProto: 'kprobe_prog_func_proto', testRun: false,
    directPacketAccess: false, directPacketWrite: false,
    attach:
      'Attached to a kernel function (kprobe at its entry, kretprobe at its return) or a user-space function ' +
      '(uprobe). It runs each time the function is hit, with the CPU registers saved in pt_regs: on x86-64 the ' +
      'arguments are in rdi, rsi, rdx, rcx, r8, r9 and, at a kretprobe, the return value in rax. Pointers in ' +
      'registers are read with bpf_probe_read_kernel/user.',
    ret: {
      range: null,
      meaning: 'When the probe also feeds a perf event: 0 filters the event out, 1 lets it be recorded. Otherwise ignored.',
      verdicts: { 0: 'filter out event', 1: 'record event' },
    },
  }),
  sched_cls: entry({
    name: 'sched_cls', kernelEnum: 'BPF_PROG_TYPE_SCHED_CLS', id: 3, sections: ['tc', 'classifier', 'tcx/ingress', 'tcx/egress'],
    ctx: SK_BUFF_TC, funcProto: 'tc_cls_act_func_proto', testRun: true, testRunData: 'L2',
    directPacketAccess: true, directPacketWrite: true,
    attach:
      'A tc classifier, attached to a network device ingress or egress hook (clsact qdisc or tcx). It runs for ' +
      'every packet entering or leaving the device, with data at the Ethernet header. In direct-action mode (the ' +
      'usual way) its return value is the action: pass, drop, redirect… It may rewrite and resize the packet.',
    ret: {
      range: null,
      meaning: 'In direct-action mode a TC_ACT_* action code; as a plain classifier, a class id (0 = no match, -1 = default class).',
      verdicts: TC_VERDICTS,
    },
  }),
  sched_act: entry({
    name: 'sched_act', kernelEnum: 'BPF_PROG_TYPE_SCHED_ACT', id: 4, sections: ['action'],
    ctx: SK_BUFF_TC, funcProto: 'tc_cls_act_func_proto', testRun: true, testRunData: 'L2',
    directPacketAccess: true, directPacketWrite: true,
    attach:
      'A tc action (act_bpf), run when a tc filter on a device ingress or egress matches a packet. Same context ' +
      'and helpers as sched_cls; its return value is the TC_ACT_* action to take.',
    ret: { range: null, meaning: 'A TC_ACT_* action code.', verdicts: TC_VERDICTS },
  }),
  tracepoint: entry({
    name: 'tracepoint', kernelEnum: 'BPF_PROG_TYPE_TRACEPOINT', id: 5, sections: ['tracepoint/', 'tp/'],
    ctx: TRACEPOINT_CTX, funcProto: 'tp_prog_func_proto', testRun: false,
    directPacketAccess: false, directPacketWrite: false,
    attach:
      'Attached to a static kernel tracepoint (e.g. syscalls/sys_enter_openat, sched/sched_switch). It runs each ' +
      'time the tracepoint fires, and its context is the raw trace record laid out as the tracepoint\'s tracefs ' +
      'format file describes; the first 8 bytes (common_type, common_flags, common_preempt_count, common_pid) are ' +
      'not readable by the program.',
    ret: {
      range: null,
      meaning: '0 filters the trace event out, 1 lets it be recorded in the perf buffer.',
      verdicts: { 0: 'filter out event', 1: 'record event' },
    },
  }),
  xdp: entry({
    name: 'xdp', kernelEnum: 'BPF_PROG_TYPE_XDP', id: 6, sections: ['xdp', 'xdp.frags'],
    ctx: XDP_MD, funcProto: 'xdp_func_proto', testRun: true, testRunData: 'L2',
    directPacketAccess: true, directPacketWrite: true,
    attach:
      'Attached to a network device (in the driver, or generically), XDP runs for every received frame before the ' +
      'kernel allocates an skb: the earliest point a program can see a packet. Data starts at the Ethernet header ' +
      'with 256 bytes of headroom in front; the program may rewrite the frame, grow or shrink it ' +
      '(bpf_xdp_adjust_head/tail/meta) and decide its fate.',
    ret: {
      range: null,
      meaning: 'An XDP action; values above XDP_REDIRECT are illegal and handled like XDP_ABORTED.',
      verdicts: { 0: 'XDP_ABORTED', 1: 'XDP_DROP', 2: 'XDP_PASS', 3: 'XDP_TX', 4: 'XDP_REDIRECT' },
    },
  }),
  perf_event: entry({
    name: 'perf_event', kernelEnum: 'BPF_PROG_TYPE_PERF_EVENT', id: 7, sections: ['perf_event'],
    ctx: BPF_PERF_EVENT_DATA, funcProto: 'pe_prog_func_proto', testRun: false,
    directPacketAccess: false, directPacketWrite: false,
    attach:
      'Attached to a perf event (a hardware counter overflow, a timer such as cpu-clock at N Hz, a software ' +
      'event). It runs at each sample with the interrupted registers, the sample period and the sample address — ' +
      'the basis of sampling profilers that count stacks in maps.',
    ret: {
      range: null,
      meaning: '0 drops the perf sample, non-zero lets the perf event record it as usual.',
      verdicts: { 0: 'drop sample', 1: 'keep sample' },
    },
  }),
  cgroup_skb: entry({
    name: 'cgroup_skb', kernelEnum: 'BPF_PROG_TYPE_CGROUP_SKB', id: 8, sections: ['cgroup_skb/ingress', 'cgroup_skb/egress'],
    ctx: SK_BUFF_CGROUP_SKB, funcProto: 'cg_skb_func_proto', testRun: true, testRunData: 'L3',
    directPacketAccess: true, directPacketWrite: false,
    attach:
      'Attached to a cgroup for ingress or egress. It runs for every IP packet a socket of a process in that ' +
      'cgroup receives (after the IP layer) or sends, with data at the IP header, and allows or denies it. On ' +
      'egress, bit 1 of the return value additionally asks TCP to signal congestion (CN).',
    ret: {
      range: [0, 1],
      rangeByAttach: { [ATTACH_TYPES.BPF_CGROUP_INET_EGRESS]: [0, 3] },
      meaning: 'Bit 0: 1 allows the packet, 0 drops it. On egress bit 1 requests congestion notification.',
      verdicts: { 0: 'drop', 1: 'allow', 2: 'drop + congestion notification', 3: 'allow + congestion notification' },
    },
  }),
  cgroup_sock: entry({
    name: 'cgroup_sock', kernelEnum: 'BPF_PROG_TYPE_CGROUP_SOCK', id: 9, sections: ['cgroup/sock_create', 'cgroup/sock', 'cgroup/sock_release', 'cgroup/post_bind4', 'cgroup/post_bind6'],
    ctx: BPF_SOCK_CREATE, funcProto: 'sock_filter_func_proto', testRun: false,
    directPacketAccess: false, directPacketWrite: false,
    attach:
      'Attached to a cgroup. With BPF_CGROUP_INET_SOCK_CREATE it runs when a process in the cgroup creates an ' +
      'AF_INET/AF_INET6 socket, sees its family, type and protocol, may set bound_dev_if, mark and priority, and ' +
      'allows or refuses the socket() call (EPERM). Other attach types run at socket release or after bind().',
    ret: { range: [0, 1], meaning: '1 allows the operation, 0 refuses it with EPERM.', verdicts: { 0: 'deny (EPERM)', 1: 'allow' } },
  }),
  lwt_in: entry({
    name: 'lwt_in', kernelEnum: 'BPF_PROG_TYPE_LWT_IN', id: 10, sections: ['lwt_in'],
    ctx: SK_BUFF_LWT, funcProto: 'lwt_in_func_proto', testRun: true, testRunData: 'L3',
    directPacketAccess: true, directPacketWrite: false,
    attach:
      'Attached to a route (ip route … encap bpf in obj.o). It runs for packets received and routed to that ' +
      'route\'s destination (the input path), with data at the IP header. It may read the packet and push an ' +
      'encapsulation (bpf_lwt_push_encap), and decides whether the packet continues.',
    ret: { range: null, meaning: 'BPF_OK continues, BPF_DROP drops, BPF_REDIRECT redirects, BPF_LWT_REROUTE routes again after encapsulation.', verdicts: LWT_VERDICTS },
  }),
  lwt_out: entry({
    name: 'lwt_out', kernelEnum: 'BPF_PROG_TYPE_LWT_OUT', id: 11, sections: ['lwt_out'],
    ctx: SK_BUFF_LWT, funcProto: 'lwt_out_func_proto', testRun: true, testRunData: 'L3',
    directPacketAccess: true, directPacketWrite: false,
    attach:
      'Attached to a route (encap bpf out). It runs for locally generated packets that use the route, on the ' +
      'output path before the neighbour layer, with data at the IP header; it can only read the packet.',
    ret: { range: null, meaning: 'BPF_OK continues, BPF_DROP drops the packet.', verdicts: LWT_VERDICTS },
  }),
  lwt_xmit: entry({
    name: 'lwt_xmit', kernelEnum: 'BPF_PROG_TYPE_LWT_XMIT', id: 12, sections: ['lwt_xmit'],
    ctx: SK_BUFF_LWT, funcProto: 'lwt_xmit_func_proto', testRun: true, testRunData: 'L3',
    directPacketAccess: true, directPacketWrite: true,
    attach:
      'Attached to a route (encap bpf xmit). It runs for every packet transmitted over the route just before it ' +
      'reaches the device, with data at the IP header. It may modify the packet, add headroom and push an ' +
      'encapsulation (bpf_lwt_push_encap), or redirect it to another device.',
    ret: { range: null, meaning: 'BPF_OK sends on, BPF_DROP drops, BPF_REDIRECT redirects (bpf_redirect), BPF_LWT_REROUTE routes the encapsulated packet again.', verdicts: LWT_VERDICTS },
  }),
  sock_ops: entry({
    name: 'sock_ops', kernelEnum: 'BPF_PROG_TYPE_SOCK_OPS', id: 13, sections: ['sockops'],
    ctx: BPF_SOCK_OPS, funcProto: 'sock_ops_func_proto', testRun: false,
    directPacketAccess: true, directPacketWrite: false,
    attach:
      'Attached to a cgroup (BPF_CGROUP_SOCK_OPS). It is called at points of a TCP connection\'s life — ' +
      'connect, established (active or passive), retransmission timeout, state change, header options — with ' +
      'op saying which. It can tune the socket (bpf_setsockopt), answer questions through reply (initial RTO, ' +
      'receive window, …), enable more callbacks, and add sockets to a sockmap.',
    ret: { range: [0, 1], meaning: '1 on success, 0 on failure; answers to the kernel go through ctx->reply, not the return value.', verdicts: { 0: 'failure', 1: 'ok' } },
  }),
  sk_skb: entry({
    name: 'sk_skb', kernelEnum: 'BPF_PROG_TYPE_SK_SKB', id: 14, sections: ['sk_skb/stream_parser', 'sk_skb/stream_verdict', 'sk_skb'],
    ctx: SK_BUFF_SK_SKB, funcProto: 'sk_skb_func_proto', testRun: false,
    directPacketAccess: true, directPacketWrite: true,
    attach:
      'Attached to a sockmap or sockhash. For sockets in the map, the stream parser runs on received data and ' +
      'returns the length of the next message; the stream verdict program then runs per message and passes it ' +
      'to the socket, drops it, or redirects it to another socket in the map (bpf_sk_redirect_map).',
    ret: {
      range: null,
      meaning: 'Verdict programs return SK_PASS or SK_DROP; stream parsers return the message length (0 = need more data, negative = error).',
      verdicts: { 0: 'SK_DROP', 1: 'SK_PASS' },
    },
  }),
};

export function progTypeInfo(name: string): ProgTypeInfo | undefined {
  return (PROG_TYPES as Record<string, ProgTypeInfo>)[name];
}

/** The program type whose libbpf section prefix matches an ELF section name ('xdp', 'tc', 'kprobe/…'). */
export function progTypeForSection(section: string): ProgTypeName | undefined {
  let best: { name: ProgTypeName; len: number } | undefined;
  for (const t of PROG_TYPE_NAMES)
    for (const s of PROG_TYPES[t].sections) {
      const hit = s.endsWith('/') ? section.startsWith(s) : section === s || section.startsWith(`${s}/`);
      if (hit && (!best || s.length > best.len)) best = { name: t, len: s.length };
    }
  return best?.name;
}

export function helperAllowed(type: ProgTypeName, helperId: number): boolean {
  return PROG_TYPES[type].helpers.includes(helperId);
}

export function helperNeedsGpl(type: ProgTypeName, helperId: number): boolean {
  return PROG_TYPES[type].gplHelpers.includes(helperId);
}

/** The allowed helpers as names (without the bpf_ prefix), for docs and hovers. */
export function helperNames(type: ProgTypeName): string[] {
  return PROG_TYPES[type].helpers.map((id) => HELPER_NAMES[id] ?? `#${id}`);
}

/** The verifier's allowed return range for this type and attach type, or null when unchecked. */
export function returnRange(type: ProgTypeName, attachType?: number): readonly [number, number] | null {
  const r = PROG_TYPES[type].ret;
  if (attachType !== undefined && r.rangeByAttach?.[attachType]) return r.rangeByAttach[attachType];
  return r.range;
}

/**
 * A program's return value as the UI names it: 'XDP_DROP', 'TC_ACT_SHOT', 'keep 54 bytes', …
 * Takes R0 as the kernel sees it (the low 32 bits, interpreted per type).
 */
export function verdictName(type: ProgTypeName, retval: number | bigint): string {
  const v32 = Number(BigInt.asIntN(32, BigInt(retval)));
  const u32 = v32 >>> 0;
  switch (type) {
    case 'socket_filter':
      return u32 === 0 ? 'drop' : `keep ${u32} bytes`;
    case 'xdp':
      return PROG_TYPES.xdp.ret.verdicts[u32] ?? `illegal XDP action ${u32} (treated as XDP_ABORTED)`;
    case 'sched_cls':
    case 'sched_act':
      return PROG_TYPES[type].ret.verdicts[v32] ?? `TC action ${v32} (unknown, treated as TC_ACT_UNSPEC)`;
    case 'lwt_in':
    case 'lwt_out':
    case 'lwt_xmit':
      return LWT_VERDICTS[u32] ?? `LWT return ${v32} (unknown, dropped)`;
    case 'sk_skb':
      return PROG_TYPES.sk_skb.ret.verdicts[u32] ?? `${v32}`;
    case 'cgroup_skb':
    case 'cgroup_sock':
    case 'sock_ops':
    case 'kprobe':
    case 'tracepoint':
    case 'perf_event':
      return PROG_TYPES[type].ret.verdicts[u32] ?? `${v32}`;
  }
}

/** sk_skb stream parser verdicts: the message length (its own function since the same type has two roles). */
export function streamParserVerdict(retval: number | bigint): string {
  const v = Number(BigInt.asIntN(32, BigInt(retval)));
  if (v === 0) return 'need more data';
  if (v < 0) return `error ${v}`;
  return `message of ${v} bytes`;
}
