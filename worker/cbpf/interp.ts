// The classic BPF interpreter with the kernel's semantics (net/core/filter.c: the behaviour of a
// classic filter after bpf_convert_filter(), i.e. what sk_filter_trim_cap() and seccomp see):
// A, X, M[0..15]; big-endian packet loads; a load outside the packet ends the filter returning 0;
// div/mod by X == 0 ends it returning 0; SKF_NET_OFF / SKF_LL_OFF loads relative to the network /
// link-layer header (bpf_internal_load_pointer_neg_helper()); ancillary loads from an attach-point
// context given as plain data; socket-filter RET meaning (0 = drop, else keep min(ret, len) bytes).
// A second context is struct seccomp_data (kernel/seccomp.c), with SECCOMP_RET_* verdicts.
// step() returns an effect record so a UI can step forwards and back (undoStep); run() is the fast loop.
// It does not check programs first (worker/cbpf/check.ts); an unchecked program that jumps out or
// uses a bad opcode stops with a fault instead of misbehaving.

import { ancillaryByK, BPF_MEMWORDS, cbpfRow, SKF_AD_OFF, SKF_LL_OFF, SKF_NET_OFF, type SockFilter } from './insn';

/** The socket buffer a socket filter sees (plain data). */
export interface SkbContext {
  kind: 'skb';
  /** Bytes from the link-layer (MAC) header to the end. */
  frame: Uint8Array;
  /** Where skb->data points inside frame: 0 for AF_PACKET (the filter sees the Ethernet header),
   * the transport/network header for other sockets. Packet offset k reads frame[dataOff + k]. */
  dataOff?: number;
  /** Offset of the network header in frame (SKF_NET_OFF base); default 14 (Ethernet). */
  netOff?: number;
  /** Offset of the MAC header in frame (SKF_LL_OFF base); default 0. */
  macOff?: number;
  /** skb->protocol in host order (e.g. 0x0800); default: the EtherType at frame[12..13]. */
  protocol?: number;
  pktType?: number;
  /** skb->dev->ifindex (default 1); 0 means "no device": ifindex/hatype loads then end the filter with 0, as the kernel does. */
  ifindex?: number;
  mark?: number;
  queueMapping?: number;
  /** skb->dev->type, ARPHRD_* (default 1, ARPHRD_ETHER) */
  hatype?: number;
  rxhash?: number;
  cpu?: number;
  vlanTci?: number;
  vlanPresent?: boolean;
  vlanTpid?: number;
  /** skb_get_poff() result; supplied by the caller (the flow dissector is not modelled). */
  payOffset?: number;
  /** Seed for SKF_AD_RANDOM (deterministic xorshift32). */
  randomSeed?: number;
}

/** struct seccomp_data in host order. */
export interface SeccompContext {
  kind: 'seccomp';
  nr: number;
  arch: number;
  instructionPointer: bigint;
  args: bigint[]; // 6 entries
}

export type CbpfContext = SkbContext | SeccompContext;

export const AUDIT_ARCH_X86_64 = 0xc000003e;
export const AUDIT_ARCH_AARCH64 = 0xc00000b7;

export function seccompDataBytes(c: SeccompContext): Uint8Array {
  const b = new Uint8Array(64);
  const dv = new DataView(b.buffer);
  dv.setInt32(0, c.nr | 0, true);
  dv.setUint32(4, c.arch >>> 0, true);
  dv.setBigUint64(8, BigInt.asUintN(64, c.instructionPointer), true);
  for (let i = 0; i < 6; i++) dv.setBigUint64(16 + 8 * i, BigInt.asUintN(64, c.args[i] ?? 0n), true);
  return b;
}

export const SECCOMP_RET = {
  KILL_PROCESS: 0x80000000,
  KILL_THREAD: 0x00000000,
  TRAP: 0x00030000,
  ERRNO: 0x00050000,
  USER_NOTIF: 0x7fc00000,
  TRACE: 0x7ff00000,
  LOG: 0x7ffc0000,
  ALLOW: 0x7fff0000,
} as const;

/** The verdict name of a seccomp return value: SECCOMP_RET_ERRNO(13) etc. (action = ret & 0xffff0000). */
export function seccompVerdict(ret: number): string {
  const action = (ret & 0xffff0000) >>> 0;
  const data = ret & 0xffff;
  for (const [name, v] of Object.entries(SECCOMP_RET)) if (v === action) return data && name !== 'ALLOW' && name !== 'KILL_PROCESS' && name !== 'KILL_THREAD' && name !== 'LOG' ? `SECCOMP_RET_${name}(${data})` : `SECCOMP_RET_${name}`;
  // Unknown actions are treated as SECCOMP_RET_KILL_PROCESS by the kernel.
  return `SECCOMP_RET_KILL_PROCESS (unknown action 0x${action.toString(16)})`;
}

export interface CbpfState {
  pc: number;
  A: number; // u32
  X: number; // u32
  M: number[]; // 16 x u32
  /** set when the program has ended */
  ret: number | null;
  fault: string | null;
  steps: number;
  rng: number;
}

export interface PacketRead {
  /** the offset as the program named it (k or X+k, may be negative) */
  off: number;
  size: number;
  /** absolute offset in frame (or seccomp_data) or null for ancillary/out-of-bounds */
  at: number | null;
  value: number | null;
  ancillary?: string;
}

/** What one step did: enough to undo it. */
export interface CbpfEffect {
  pc: number;
  nextPc: number;
  A: [number, number];
  X: [number, number];
  mem?: { index: number; before: number; after: number };
  read?: PacketRead;
  ret?: number;
  /** why the filter ended with 0 early (out-of-bounds load, division by zero, no device) */
  abort?: string;
  fault?: string;
  rng?: [number, number];
}

export function initState(ctx?: CbpfContext): CbpfState {
  const seed = ctx?.kind === 'skb' ? ctx.randomSeed ?? 0x9e3779b9 : 0x9e3779b9;
  return { pc: 0, A: 0, X: 0, M: new Array<number>(BPF_MEMWORDS).fill(0), ret: null, fault: null, steps: 0, rng: seed >>> 0 || 1 };
}

function xorshift(s: number): number {
  let x = s >>> 0;
  x ^= x << 13;
  x >>>= 0;
  x ^= x >>> 17;
  x ^= x << 5;
  return x >>> 0;
}

function skbLen(c: SkbContext): number {
  return c.frame.length - (c.dataOff ?? 0);
}

function loadBE(buf: Uint8Array, at: number, size: number): number {
  let v = 0;
  for (let i = 0; i < size; i++) v = v * 256 + buf[at + i]!;
  return v >>> 0;
}

/** Nested netlink attribute search (nla_find()): returns the attribute's offset or 0. */
function nlaFind(data: Uint8Array, start: number, len: number, type: number): number {
  let pos = start;
  let rem = len;
  while (rem >= 4) {
    const nlaLen = data[pos]! | (data[pos + 1]! << 8);
    const nlaType = (data[pos + 2]! | (data[pos + 3]! << 8)) & 0x3fff;
    if (nlaLen < 4 || nlaLen > rem) break;
    if (nlaType === type) return pos;
    const aligned = (nlaLen + 3) & ~3;
    pos += aligned;
    rem -= aligned;
  }
  return -1;
}

type Loaded = { value: number; at: number | null } | { abort: string };

function loadPacket(ctx: CbpfContext, off: number, size: number): Loaded {
  if (ctx.kind === 'seccomp') {
    const b = seccompDataBytes(ctx);
    if (off < 0 || off + size > 64 || size !== 4) return { abort: `seccomp_data load at ${off} outside the 64-byte struct` };
    return { value: new DataView(b.buffer).getUint32(off, true), at: off };
  }
  const data = ctx.dataOff ?? 0;
  if (off >= 0) {
    if (off + size > skbLen(ctx)) return { abort: `load of ${size} bytes at ${off} is past the end of the ${skbLen(ctx)}-byte packet` };
    return { value: loadBE(ctx.frame, data + off, size), at: data + off };
  }
  let at: number;
  if (off >= SKF_NET_OFF) at = (ctx.netOff ?? 14) + off - SKF_NET_OFF;
  else if (off >= SKF_LL_OFF) at = (ctx.macOff ?? 0) + off - SKF_LL_OFF;
  else return { abort: `negative offset ${off} is below SKF_LL_OFF` };
  if (at < 0 || at + size > ctx.frame.length) return { abort: `load at ${off} (frame byte ${at}) is outside the packet` };
  return { value: loadBE(ctx.frame, at, size), at };
}

function ancillary(ctx: CbpfContext, st: CbpfState, k: number, eff: CbpfEffect): Loaded {
  if (ctx.kind === 'seccomp') return { abort: 'ancillary loads do not exist in seccomp filters' };
  const a = ancillaryByK(k)!;
  const fr = ctx.frame;
  const data = ctx.dataOff ?? 0;
  const len = skbLen(ctx);
  const v = (x: number): Loaded => ({ value: x >>> 0, at: null });
  switch (a.kernelName) {
    case 'PROTOCOL':
      return v(ctx.protocol ?? (fr.length >= 14 ? (fr[12]! << 8) | fr[13]! : 0));
    case 'PKTTYPE':
      return v(ctx.pktType ?? 0);
    case 'IFINDEX':
      return (ctx.ifindex ?? 1) ? v(ctx.ifindex ?? 1) : { abort: 'skb->dev is NULL (ifindex 0): the filter returns 0' };
    case 'HATYPE':
      return (ctx.ifindex ?? 1) ? v(ctx.hatype ?? 1) : { abort: 'skb->dev is NULL (ifindex 0): the filter returns 0' };
    case 'MARK':
      return v(ctx.mark ?? 0);
    case 'QUEUE':
      return v(ctx.queueMapping ?? 0);
    case 'RXHASH':
      return v(ctx.rxhash ?? 0);
    case 'CPU':
      return v(ctx.cpu ?? 0);
    case 'ALU_XOR_X':
      return v(st.A ^ st.X);
    case 'VLAN_TAG':
      return v(ctx.vlanTci ?? 0);
    case 'VLAN_TAG_PRESENT':
      return v(ctx.vlanPresent ? 1 : 0);
    case 'VLAN_TPID':
      return v(ctx.vlanTpid ?? 0);
    case 'PAY_OFFSET':
      return v(ctx.payOffset ?? 0);
    case 'RANDOM': {
      const next = xorshift(st.rng);
      eff.rng = [st.rng, next];
      st.rng = next;
      return v(next);
    }
    case 'NLATTR': {
      // __skb_get_nlattr(skb, A, X)
      const A = st.A;
      if (len < 4 || A > len - 4) return v(0);
      const pos = nlaFind(fr, data + A, len - A, st.X);
      return v(pos < 0 ? 0 : pos - data);
    }
    case 'NLATTR_NEST': {
      // __skb_get_nlattr_nest(skb, A, X)
      const A = st.A;
      if (len < 4 || A > len - 4) return v(0);
      const nlaLen = fr[data + A]! | (fr[data + A + 1]! << 8);
      if (nlaLen > len - A) return v(0);
      const pos = nlaFind(fr, data + A + 4, nlaLen - 4, st.X);
      return v(pos < 0 ? 0 : pos - data);
    }
    default:
      return { abort: `unknown ancillary offset ${k - SKF_AD_OFF}` };
  }
}

const u32 = (x: number): number => x >>> 0;

/** Executes one instruction, mutating st, and returns what it did. */
export function step(prog: readonly SockFilter[], st: CbpfState, ctx: CbpfContext): CbpfEffect {
  const pc = st.pc;
  const eff: CbpfEffect = { pc, nextPc: pc + 1, A: [st.A, st.A], X: [st.X, st.X] };
  if (st.ret !== null || st.fault !== null) {
    eff.nextPc = pc;
    eff.fault = 'the program has already ended';
    return eff;
  }
  st.steps++;
  const finish = (ret: number): CbpfEffect => {
    st.ret = u32(ret);
    eff.ret = st.ret;
    eff.nextPc = pc;
    eff.A[1] = st.A;
    eff.X[1] = st.X;
    return eff;
  };
  const abort = (why: string): CbpfEffect => {
    eff.abort = why;
    return finish(0);
  };
  const f = prog[pc];
  if (!f) {
    st.fault = `pc ${pc} is outside the ${prog.length}-instruction program`;
    eff.fault = st.fault;
    eff.nextPc = pc;
    return eff;
  }
  const row = cbpfRow(f.code);
  if (!row) {
    st.fault = `insn ${pc}: unknown opcode 0x${f.code.toString(16)}`;
    eff.fault = st.fault;
    eff.nextPc = pc;
    return eff;
  }
  const k = u32(f.k);
  switch (row.kind) {
    case 'ld':
    case 'ldx': {
      let val: number;
      switch (row.mode) {
        case 'IMM':
          val = k;
          break;
        case 'MEM':
          if (k >= BPF_MEMWORDS) {
            st.fault = `insn ${pc}: M[${k}] does not exist`;
            eff.fault = st.fault;
            eff.nextPc = pc;
            return eff;
          }
          val = st.M[k]!;
          break;
        case 'LEN':
          val = ctx.kind === 'seccomp' ? 64 : skbLen(ctx);
          break;
        case 'MSH': {
          const r = loadPacket(ctx, k | 0, 1);
          eff.read = { off: k | 0, size: 1, at: 'at' in r ? r.at : null, value: 'value' in r ? r.value : null };
          if ('abort' in r) return abort(r.abort);
          val = (r.value & 0xf) << 2;
          break;
        }
        default: {
          const off = row.mode === 'IND' ? (st.X + k) | 0 : k | 0;
          const size = row.size!;
          let r: Loaded;
          if (row.mode === 'ABS' && ctx.kind === 'skb' && off >= SKF_AD_OFF && off < 0) {
            if (!ancillaryByK(off)) return abort(`ancillary offset ${off - SKF_AD_OFF} is unknown`);
            r = ancillary(ctx, st, off, eff);
            eff.read = { off, size, at: null, value: 'value' in r ? r.value : null, ancillary: ancillaryByK(off)!.kernelName };
          } else {
            r = row.mode === 'IND' && off >= SKF_AD_OFF && off < 0 && ctx.kind === 'skb' ? { abort: `[x + k] = ${off} falls in the ancillary range: not loadable` } : loadPacket(ctx, off, size);
            eff.read = { off, size, at: 'at' in r ? r.at : null, value: 'value' in r ? r.value : null };
          }
          if ('abort' in r) return abort(r.abort);
          val = r.value;
        }
      }
      if (row.kind === 'ld') st.A = u32(val);
      else st.X = u32(val);
      break;
    }
    case 'st':
    case 'stx': {
      if (k >= BPF_MEMWORDS) {
        st.fault = `insn ${pc}: M[${k}] does not exist`;
        eff.fault = st.fault;
        eff.nextPc = pc;
        return eff;
      }
      const v = row.kind === 'st' ? st.A : st.X;
      eff.mem = { index: k, before: st.M[k]!, after: v };
      st.M[k] = v;
      break;
    }
    case 'alu': {
      const s = row.src === 'x' ? st.X : k;
      const A = st.A;
      switch (row.aluOp!) {
        case 'add': st.A = u32(A + s); break;
        case 'sub': st.A = u32(A - s); break;
        case 'mul': st.A = u32(Math.imul(A, s)); break;
        case 'div':
          if (s === 0) return abort('division by zero (X == 0): the filter returns 0');
          st.A = u32(Math.floor(A / s));
          break;
        case 'mod':
          if (s === 0) return abort('modulo by zero (X == 0): the filter returns 0');
          st.A = u32(A % s);
          break;
        case 'or': st.A = u32(A | s); break;
        case 'and': st.A = u32(A & s); break;
        case 'xor': st.A = u32(A ^ s); break;
        case 'lsh': st.A = u32(A << (s & 31)); break;
        case 'rsh': st.A = u32(A >>> (s & 31)); break;
        case 'neg': st.A = u32(-A); break;
      }
      break;
    }
    case 'ja':
      // k is signed here so that libpcap's protochain loop (a backward ja, which the kernel rejects) runs
      eff.nextPc = pc + 1 + (k | 0);
      break;
    case 'jmp': {
      const s = row.src === 'x' ? st.X : k;
      const A = st.A;
      const t = row.jmpOp === 'jeq' ? A === s : row.jmpOp === 'jgt' ? A > s : row.jmpOp === 'jge' ? A >= s : (A & s) !== 0;
      eff.nextPc = pc + 1 + (t ? f.jt : f.jf);
      break;
    }
    case 'ret':
      return finish(row.src === 'k' ? k : row.src === 'a' ? st.A : st.X);
    case 'tax':
      st.X = st.A;
      break;
    case 'txa':
      st.A = st.X;
      break;
  }
  eff.A[1] = st.A;
  eff.X[1] = st.X;
  st.pc = eff.nextPc;
  return eff;
}

/** Reverses one step's effect (back-step). */
export function undoStep(st: CbpfState, eff: CbpfEffect): void {
  st.A = eff.A[0];
  st.X = eff.X[0];
  if (eff.mem) st.M[eff.mem.index] = eff.mem.before;
  if (eff.rng) st.rng = eff.rng[0];
  st.pc = eff.pc;
  st.ret = null;
  st.fault = null;
  if (!(eff.fault && eff.fault === 'the program has already ended')) st.steps--;
}

export interface RunResult {
  /** the filter's return value (0 on an early abort), or null on a fault */
  ret: number | null;
  steps: number;
  abort?: string;
  fault?: string;
  A: number;
  X: number;
  M: number[];
}

/** Runs to the end. Classic programs only jump forward, so at most prog.length steps are taken. */
export function run(prog: readonly SockFilter[], ctx: CbpfContext, maxSteps = 1 << 20): RunResult {
  const st = initState(ctx);
  let abortWhy: string | undefined;
  while (st.ret === null && st.fault === null) {
    if (st.steps >= maxSteps) {
      st.fault = `step limit ${maxSteps} reached`;
      break;
    }
    const e = step(prog, st, ctx);
    if (e.abort) abortWhy = e.abort;
  }
  return { ret: st.ret, steps: st.steps, abort: abortWhy, fault: st.fault ?? undefined, A: st.A, X: st.X, M: st.M.slice() };
}

/** Socket-filter meaning of a return value: 0 drops; otherwise the first min(ret, len) bytes are kept. */
export function socketVerdict(ret: number, len: number): { accept: boolean; keep: number; name: string } {
  if (ret === 0) return { accept: false, keep: 0, name: 'drop' };
  const keep = Math.min(ret >>> 0, len);
  return { accept: true, keep, name: keep < len ? `keep ${keep} of ${len} bytes` : 'accept' };
}
