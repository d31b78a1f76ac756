// Classic BPF, the public face: parse any classic input form, print tcpdump's formats, compile
// pcap-filter expressions, check like the kernel, run like the kernel, translate to eBPF.
// Everything here is a thin composition of the modules beside it (insn, formats, bpfasm, compile,
// check, interp, convert); nothing throws — bad input comes back as located diagnostics.

import { err, type Diagnostic } from '../util/diag';
import type { ProgramResult } from '../isa/program';
import { parseBpfAsm } from './bpfasm';
import { checkClassic, checkSeccomp, type CheckResult } from './check';
import { compileFilter, type FilterResult } from './compile/index';
import { convertClassic } from './convert';
import {
  detectCbpf, formatDump, parseSockFilterBytes, parseTcpdumpD, parseTcpdumpDd, parseTcpdumpDdd, type CbpfForm, type DumpFlag,
} from './formats';
import type { SockFilter } from './insn';
import { run, seccompVerdict, socketVerdict, type RunResult, type SeccompContext, type SkbContext } from './interp';

export { compileFilter, type FilterResult };
export { checkClassic, checkSeccomp, convertClassic, detectCbpf };
export type { CbpfForm, DumpFlag, SockFilter };

/** `tcpdump -d`, `-dd` or `-ddd` text for a program, byte for byte as tcpdump prints it. */
export function formatTcpdump(prog: readonly SockFilter[], flag: DumpFlag): string {
  return formatDump(prog, flag);
}

export interface ClassicParse {
  filters: SockFilter[] | null;
  form: CbpfForm | 'bytes' | null;
  diagnostics: Diagnostic[];
  /** instruction index -> 1-based source line (text forms) */
  lines?: number[];
}

/** Parses classic BPF in any input form: text (auto-detected, or the given form) or raw bytes. */
export function parseCbpf(input: string | Uint8Array, form?: CbpfForm): ClassicParse {
  if (typeof input !== 'string') {
    const r = parseSockFilterBytes(input);
    return { filters: r.filters, form: 'bytes', diagnostics: r.diagnostics };
  }
  const f = form ?? detectCbpf(input);
  if (!f) return { filters: null, form: null, diagnostics: [err('not classic BPF: expected a tcpdump -d/-dd/-ddd listing or bpf_asm source', { line: 1, col: 1 }, 'cbpf.form')] };
  const r = f === 'tcpdump-d' ? parseTcpdumpD(input) : f === 'tcpdump-dd' ? parseTcpdumpDd(input) : f === 'tcpdump-ddd' ? parseTcpdumpDdd(input) : parseBpfAsm(input);
  return { filters: r.filters, form: f, diagnostics: r.diagnostics, lines: r.lines };
}

/** How a classic socket filter sees a frame. */
export type ClassicView =
  /** AF_PACKET socket (SOCK_RAW): the filter sees the frame from the Ethernet header (tcpdump, libpcap). */
  | 'packet_socket'
  /** BPF_PROG_TEST_RUN of the translated program: skb->data at the network header (byte 14). */
  | 'test_run';

export interface ClassicRunInput {
  filters: readonly SockFilter[];
  /** An Ethernet frame (socket filters). */
  packet?: Uint8Array;
  view?: ClassicView;
  /** Attach-point data overriding the defaults derived from the frame. */
  skb?: Partial<Omit<SkbContext, 'kind' | 'frame'>>;
  /** Run as a seccomp filter on this struct seccomp_data instead. */
  seccomp?: Omit<SeccompContext, 'kind'>;
  maxSteps?: number;
}

export interface ClassicRunResult {
  /** bpf_check_classic() (and seccomp_check_filter() for seccomp) verdict: the kernel would refuse to attach when !ok */
  check: CheckResult;
  ret: number | null;
  /** socket filters: 'drop' / 'accept' / 'keep N of M bytes'; seccomp: SECCOMP_RET_* */
  verdict: string;
  accept?: boolean;
  keep?: number;
  steps: number;
  abort?: string;
  fault?: string;
  A: number;
  X: number;
  M: number[];
}

/** The attach-point data eth_type_trans() gives a frame received on an Ethernet device (ifindex 1). */
export function skbContextFor(frame: Uint8Array, view: ClassicView = 'packet_socket', over: ClassicRunInput['skb'] = {}): SkbContext {
  let pktType = 0;
  if (frame.length >= 6 && frame[0]! & 1) pktType = frame.subarray(0, 6).every((b) => b === 0xff) ? 1 : 2;
  let protocol = 0;
  if (frame.length >= 14) {
    const et = (frame[12]! << 8) | frame[13]!;
    protocol = et >= 0x600 ? et : frame.length >= 16 && frame[14] === 0xff && frame[15] === 0xff ? 0x0001 : 0x0004;
  }
  const dataOff = view === 'test_run' ? Math.min(14, frame.length) : 0;
  return { kind: 'skb', frame, dataOff, netOff: 14, macOff: 0, protocol, pktType, ifindex: 1, hatype: 1, ...over };
}

/** Runs a classic program the way the kernel would (for `cli run` and the UI). */
export function runClassic(input: ClassicRunInput): ClassicRunResult {
  if (input.seccomp) {
    const check = checkSeccomp(input.filters);
    const r: RunResult = run(input.filters, { kind: 'seccomp', ...input.seccomp }, input.maxSteps);
    return { check, ret: r.ret, verdict: r.ret === null ? 'fault' : seccompVerdict(r.ret), steps: r.steps, abort: r.abort, fault: r.fault, A: r.A, X: r.X, M: r.M };
  }
  const check = checkClassic(input.filters);
  const ctx = skbContextFor(input.packet ?? new Uint8Array(0), input.view, input.skb);
  const r = run(input.filters, ctx, input.maxSteps);
  const len = ctx.frame.length - (ctx.dataOff ?? 0);
  if (r.ret === null) return { check, ret: null, verdict: 'fault', steps: r.steps, fault: r.fault, A: r.A, X: r.X, M: r.M };
  const v = socketVerdict(r.ret, len);
  return { check, ret: r.ret, verdict: v.name, accept: v.accept, keep: v.keep, steps: r.steps, abort: r.abort, A: r.A, X: r.X, M: r.M };
}

/** The eBPF program the kernel would run for a classic socket filter (bpf_convert_filter()), for the
 * eBPF verifier and VM; origin 'cbpf', progType 'socket_filter'. */
export function classicToProgram(filters: readonly SockFilter[], sourceLines?: number[]): ProgramResult & { map: [number, number][] } {
  const c = convertClassic(filters, { sourceLines });
  return { program: c.program, diagnostics: c.diagnostics, map: c.map };
}
