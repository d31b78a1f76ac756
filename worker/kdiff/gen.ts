// The kernel-differential program generator: from a seed, programs that the Linux verifier accepts and
// that exercise every instruction class with edge operands — ALU/ALU64 (every op, K and X, shifts by
// register beyond the width, div/mod by zero and INT_MIN/-1 through registers, sdiv/smod, movsx), byte
// swaps, ld_imm64 (constants, map fds, global-data map values), JMP/JMP32 (every condition, ja, gotol,
// may_goto), stack stores/loads at every size incl. sign-extending loads, atomics of every kind on the
// stack, map values and global data, bpf-to-bpf calls, bounded loops, context field reads and writes,
// map and packet helpers, and packet reads/writes — direct access behind data_end checks (constant and
// variable offsets, XDP metadata) and LD_ABS/LD_IND — for the eight program types BPF_PROG_TEST_RUN
// runs on packets (xdp, sched_cls, sched_act, socket_filter, cgroup_skb, lwt_in/out/xmit), some with a
// ctx_in. Instruction shapes come from the one opcode table (worker/isa/opcodes.ts), context fields and
// allowed helpers from the program-type table (worker/progtypes/table.ts). Each program ends by dumping
// every scratch register and the stack area into the packet (where the type may write it) and folding
// them into r0, so the return value and packet output expose any difference in execution.
// Also here: one-access probes of every context field and of LD_ABS/LD_IND at edge offsets, with the
// known differences (and why) that keep those accesses out of the random programs.
// It does not run anything (the harness does: scripts/kdiff-run.ts) and needs no kernel.

import type { Slot } from '../isa/insn';
import { ISA, type IsaRow } from '../isa/opcodes';
import type { Program } from '../isa/program';
import type { CtxField } from '../progtypes/ctx';
import { BPF_F_MMAPABLE } from '../elf/format';
import { PROG_TYPES, helperAllowed } from '../progtypes/table';

export type Flavour = 'xdp' | 'sched_cls' | 'sched_act' | 'socket_filter' | 'cgroup_skb' | 'lwt_in' | 'lwt_out' | 'lwt_xmit';

/** What a flavour may do, from the program-type table (plus may_access_skb() for the legacy packet loads). */
interface FlavourInfo {
  /** Direct packet access through ctx data/data_end, and whether it may write. */
  direct: boolean;
  write: boolean;
  /** LD_ABS/LD_IND (kernel may_access_skb: socket filters and tc programs). */
  ldAbs: boolean;
  /** test_run data starts at the network header (the Ethernet header is pulled). */
  l3: boolean;
  /** check_return_code() enforces [0, 1] (cgroup_skb): the program ends with r0 &= 1. */
  ret01: boolean;
  dataOff: number;
  dataEndOff: number;
}
export const FLAVOURS: readonly Flavour[] = ['xdp', 'sched_cls', 'sched_act', 'socket_filter', 'cgroup_skb', 'lwt_in', 'lwt_out', 'lwt_xmit'];
export function flavourInfo(f: Flavour): FlavourInfo {
  const t = PROG_TYPES[f];
  const field = (n: string): number => t.ctx.fields.find((x) => x.name === n)?.off ?? -1;
  return {
    direct: t.directPacketAccess, write: t.directPacketWrite, ldAbs: f === 'socket_filter' || f === 'sched_cls' || f === 'sched_act',
    l3: t.testRunData === 'L3', ret01: t.ret.range !== null && t.ret.range[1] <= 1, dataOff: field('data'), dataEndOff: field('data_end'),
  };
}
const FLAVOUR_WEIGHTS: readonly Flavour[] = ['xdp', 'xdp', 'xdp', 'sched_cls', 'sched_cls', 'sched_cls', 'socket_filter', 'socket_filter', 'sched_act', 'cgroup_skb', 'lwt_in', 'lwt_out', 'lwt_xmit'];

export interface KdiffCase {
  id: number;
  /** Function name in the object: `k<seed>_<id>` shortened to fit the kernel's 15-char program names. */
  name: string;
  flavour: Flavour;
  program: Program;
  /** Packet given to BPF_PROG_TEST_RUN (data_in); for XDP with metadata it starts with the metadata. */
  data: Uint8Array;
  /** ctx_in (struct __sk_buff or xdp_md), when the case sets one; the kernel then reports ctx_out. */
  ctxIn?: Uint8Array;
  /** ISA row ids the program contains (for coverage reporting). */
  rows: string[];
}

/** Bytes 0..BODY_AREA of the packet are read and written by the body; the epilogue dumps state after it. */
export const BODY_AREA = 64;
export const STACK_AREA = 64; // fp-64 .. fp-1, initialised in the prologue
const DUMP_SLOTS = 9 + STACK_AREA / 8; // at most 9 scratch registers (socket_filter) + 8 stack slots
export const MIN_PACKET = BODY_AREA + DUMP_SLOTS * 8; // 200

// ---- seeded random numbers (splitmix32-style, deterministic across platforms) ----
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  u32(): number {
    this.s = (this.s + 0x9e3779b9) >>> 0;
    let z = this.s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }
  int(n: number): number {
    return this.u32() % n;
  }
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  chance(p: number): boolean {
    return this.u32() / 0x1_0000_0000 < p;
  }
}

const EDGE64: readonly bigint[] = [
  0n, 1n, 2n, 3n, 7n, 31n, 32n, 33n, 63n, 64n, 65n, 255n, 0x7fffn, 0x8000n, 0xffffn, 0x7fffffffn, 0x80000000n, 0xffffffffn,
  0x100000000n, 0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffffffffn, 0xfffffffffffffffen, 0xffffffff80000000n,
  0x00000000ffffff80n, 0xffffffffffffff80n, 0x0123456789abcdefn, 0xfedcba9876543210n,
];
const EDGE32: readonly number[] = [0, 1, -1, 2, 7, 31, 32, 63, 64, 0x7fffffff, -0x80000000, 0x7fff, -0x8000, 0xff, 0x80, -2, 0x12345678];

function rand64(r: Rng): bigint {
  if (r.chance(0.6)) return r.pick(EDGE64);
  const v = (BigInt(r.u32()) << 32n) | BigInt(r.u32());
  return r.chance(0.3) ? v & 0xffffn : v;
}
function rand32(r: Rng): number {
  return r.chance(0.6) ? r.pick(EDGE32) : r.u32() | 0;
}

// ---- opcode table rows by use ----
const rowsOf = (f: (x: IsaRow) => boolean): IsaRow[] => ISA.filter(f);
const ALU_ROWS = rowsOf((x) => x.kind === 'alu' && x.aluOp !== 'addr_space_cast');
const ENDIAN_ROWS = rowsOf((x) => x.kind === 'endian');
const JMP_ROWS = rowsOf((x) => x.kind === 'jmp');
const JA_ROWS = rowsOf((x) => x.kind === 'ja');
const LDX_ROWS = rowsOf((x) => x.kind === 'ldx');
const ST_ROWS = rowsOf((x) => x.kind === 'st');
const STX_ROWS = rowsOf((x) => x.kind === 'stx');
const ATOMIC_ROWS = rowsOf((x) => x.kind === 'atomic');
const LDPKT_ROWS = rowsOf((x) => x.kind === 'ldpkt');
const row = (id: string): IsaRow => {
  const x = ISA.find((y) => y.id === id);
  if (!x) throw new Error(`opcode table has no row ${id}`);
  return x;
};
const R = {
  mov64i: row('mov64_imm'), mov64r: row('mov64_reg'), add64i: row('add64_imm'), add64r: row('add64_reg'), sub64i: row('sub64_imm'),
  mul64i: row('mul64_imm'), xor64r: row('xor64_reg'), rsh64i: row('rsh64_imm'), ldxw: row('ldxw'), ldxdw: row('ldxdw'),
  stxdw: row('stxdw'), lddw: ISA.find((y) => y.kind === 'ldimm64' && (y.src ?? 0) === 0)!, call: ISA.find((y) => y.kind === 'call' && y.src === 1)!,
  exit: row('exit'), helper: ISA.find((y) => y.kind === 'call' && (y.src ?? 0) === 0)!, jgt64r: ISA.find((y) => y.kind === 'jmp' && y.cond === 'jgt' && y.is64 && y.srcX)!,
  jne64i: ISA.find((y) => y.kind === 'jmp' && y.cond === 'jne' && y.is64 && !y.srcX)!,
  jne32i: ISA.find((y) => y.kind === 'jmp' && y.cond === 'jne' && !y.is64 && !y.srcX)!,
};

/** A small assembler with forward labels. */
class Code {
  slots: Slot[] = [];
  rows = new Set<string>();
  private fix: { at: number; label: number; field: 'off' | 'imm' }[] = [];
  private labels: number[] = [];
  emit(r: IsaRow, f: Partial<Slot> = {}): number {
    this.rows.add(r.id);
    const s: Slot = { opcode: r.opcode, dst: f.dst ?? 0, src: f.src ?? r.src ?? 0, off: f.off ?? r.off ?? 0, imm: f.imm ?? r.imm ?? 0 };
    this.slots.push(s);
    return this.slots.length - 1;
  }
  lddw(dst: number, v: bigint): void {
    const u = BigInt.asUintN(64, v);
    this.rows.add(R.lddw.id);
    this.slots.push({ opcode: R.lddw.opcode, dst, src: 0, off: 0, imm: Number(BigInt.asIntN(32, u & 0xffffffffn)) });
    this.slots.push({ opcode: 0, dst: 0, src: 0, off: 0, imm: Number(BigInt.asIntN(32, u >> 32n)) });
  }
  /** ld_imm64 of a map value address (BPF_PSEUDO_MAP_VALUE: imm = map index, second imm = offset). */
  emitMapValue(dst: number, index: number, off: number): void {
    this.rows.add('lddw_map_value');
    this.slots.push({ opcode: R.lddw.opcode, dst, src: 2, off: 0, imm: index });
    this.slots.push({ opcode: 0, dst: 0, src: 0, off: 0, imm: off });
  }
  /** ld_imm64 of a map (BPF_PSEUDO_MAP_FD, imm = index into program.maps). */
  emitMap(dst: number, index: number): void {
    this.rows.add('lddw_map_fd');
    this.slots.push({ opcode: R.lddw.opcode, dst, src: 1, off: 0, imm: index });
    this.slots.push({ opcode: 0, dst: 0, src: 0, off: 0, imm: 0 });
  }
  newLabel(): number {
    this.labels.push(-1);
    return this.labels.length - 1;
  }
  place(l: number): void {
    this.labels[l] = this.slots.length;
  }
  /** Jump-like instruction whose target is a label (patched at the end). */
  jumpTo(r: IsaRow, label: number, f: Partial<Slot> = {}): void {
    const at = this.emit(r, f);
    const field = r.kind === 'ja' && !r.is64 ? 'imm' : r.kind === 'call' ? 'imm' : 'off';
    this.fix.push({ at, label, field });
  }
  finish(): Slot[] {
    for (const { at, label, field } of this.fix) {
      const t = this.labels[label]!;
      if (t < 0) throw new Error('unplaced label');
      this.slots[at]![field] = t - (at + 1);
    }
    return this.slots;
  }
}

interface Ctx {
  r: Rng;
  c: Code;
  flavour: Flavour;
  info: FlavourInfo;
  scratch: number[];
  subs: number[]; // labels of sub-programs
  called: Set<number>;
  depth: number;
  /** Map indices of the program's array and hash map, when it has maps. */
  maps: { array: number; hash: number } | null;
  /** Map index of the program's global data (a `.data.<name>` section, 16 bytes), or -1. */
  globalData: number;
  /** XDP metadata length in front of the packet (0 = none). */
  metaLen: number;
  /** Sub-programs (by label) whose r1 is a pointer into the caller's stack. */
  subPtr: Map<number, boolean>;
  /** Label of the early exit taken when the packet is shorter than MIN_PACKET (direct-access types). */
  short: number;
  pktLen: number;
}

function setConst(x: Ctx, dst: number): void {
  if (x.r.chance(0.5)) x.c.lddw(dst, rand64(x.r));
  else x.c.emit(R.mov64i, { dst, imm: rand32(x.r) });
}

/** One ALU or byte-swap instruction on scratch registers with an operand the verifier accepts. */
function genAlu(x: Ctx, regs: readonly number[]): void {
  const { r, c } = x;
  if (r.chance(0.12)) {
    c.emit(r.pick(ENDIAN_ROWS), { dst: r.pick(regs) });
    return;
  }
  const a = r.pick(ALU_ROWS);
  const dst = r.pick(regs);
  if (a.srcX) {
    const src = r.pick(regs);
    // Make the edge cases certain, not just likely: divisors 0 and -1 (with INT_MIN dividends), shift
    // amounts at and beyond the operand width (the kernel masks them).
    if (src !== dst && r.chance(0.3)) {
      if (a.aluOp === 'div' || a.aluOp === 'mod' || a.aluOp === 'sdiv' || a.aluOp === 'smod') {
        c.emit(R.mov64i, { dst: src, imm: r.pick([0, 0, -1, 1]) });
        if (r.chance(0.5)) c.lddw(dst, r.pick([0x8000000000000000n, 0x80000000n, 0xffffffff80000000n]));
      } else if (a.aluOp === 'lsh' || a.aluOp === 'rsh' || a.aluOp === 'arsh') {
        c.emit(R.mov64i, { dst: src, imm: r.pick([31, 32, 33, 63, 64, 65, 127, -1, 0x7fffffff]) });
      }
    }
    c.emit(a, { dst, src });
    return;
  }
  const width = a.is64 ? 64 : 32;
  let imm = 0;
  switch (a.aluOp) {
    case 'lsh': case 'rsh': case 'arsh':
      imm = r.chance(0.3) ? r.pick([0, 1, width - 1, width / 2]) : r.int(width);
      break;
    case 'div': case 'mod': case 'sdiv': case 'smod':
      imm = rand32(r) || r.pick([1, -1, 3, 0x7fffffff, -0x80000000]);
      break;
    case 'neg':
      imm = 0;
      break;
    default:
      imm = rand32(r);
  }
  c.emit(a, { dst, imm });
}

/** Aligned offset of a `size`-byte access in the initialised stack area (fp-64 .. fp-1). */
function stackOff(r: Rng, size: number): number {
  return -STACK_AREA + size * r.int(STACK_AREA / size);
}

function genStack(x: Ctx, regs: readonly number[]): void {
  const { r, c } = x;
  const k = r.int(4);
  if (k === 0) {
    const s = r.pick(ST_ROWS);
    c.emit(s, { dst: 10, off: stackOff(r, s.size!), imm: rand32(r) });
  } else if (k === 1) {
    const s = r.pick(STX_ROWS);
    c.emit(s, { dst: 10, src: r.pick(regs), off: stackOff(r, s.size!) });
  } else {
    const l = r.pick(LDX_ROWS);
    c.emit(l, { dst: r.pick(regs), src: 10, off: stackOff(r, l.size!) });
  }
}

function genAtomic(x: Ctx, regs: readonly number[]): void {
  const { r, c } = x;
  const a = r.pick(ATOMIC_ROWS);
  const off = stackOff(r, a.size!);
  const val = r.pick(regs.filter((q) => q !== 0));
  if (a.atomicOp === 'load_acquire') c.emit(a, { dst: r.pick(regs), src: 10, off });
  else if (a.atomicOp === 'store_release') c.emit(a, { dst: 10, src: r.pick(regs), off });
  else c.emit(a, { dst: 10, src: a.atomicOp === 'cmpxchg' ? val : r.pick(regs), off });
}

function genPacket(x: Ctx, regs: readonly number[]): void {
  const { r, c } = x;
  if (x.metaLen && r.chance(0.3)) {
    // XDP metadata: meta = ctx->data_meta, checked against data before a read or write of 4 bytes.
    const [a, b, d] = pickDistinct(r, regs, 3);
    const skip = c.newLabel();
    const off = 4 * r.int(x.metaLen / 4);
    c.emit(R.ldxw, { dst: a, src: 6, off: 8 });
    c.emit(R.mov64r, { dst: b, src: a });
    c.emit(R.add64i, { dst: b, imm: off + 4 });
    c.jumpTo(R.jgt64r, skip, { dst: b, src: 7 });
    if (r.chance(0.5)) c.emit(row('ldxw'), { dst: d, src: a, off });
    else c.emit(row('stxw'), { dst: a, src: d, off });
    c.place(skip);
    setConst(x, a);
    setConst(x, b);
    return;
  }
  const k = r.int(x.info.write ? 4 : 2) === 1 ? 3 : r.int(x.info.write ? 3 : 1);
  if (k === 3) {
    // Variable packet offset: p = data + (byte & 31), checked against data_end before an 8-byte window.
    const [a, b, d] = pickDistinct(r, regs.filter((q) => q !== 0 || regs.length < 4), 3);
    const skip = c.newLabel();
    c.emit(row('ldxb'), { dst: a, src: 7, off: r.int(BODY_AREA) });
    c.emit(row('and64_imm'), { dst: a, imm: 31 });
    c.emit(R.mov64r, { dst: b, src: 7 });
    c.emit(R.add64r, { dst: b, src: a });
    c.emit(R.mov64r, { dst: a, src: b });
    c.emit(R.add64i, { dst: a, imm: 8 });
    c.jumpTo(R.jgt64r, skip, { dst: a, src: 8 });
    const l = r.pick(x.info.write && r.chance(0.5) ? STX_ROWS : LDX_ROWS);
    const off = l.size! * r.int(8 / l.size!);
    if (l.kind === 'stx') c.emit(l, { dst: b, src: d, off });
    else c.emit(l, { dst: d, src: b, off });
    c.place(skip);
    // a and b hold packet pointers: make them scalars again before anything else sees them.
    setConst(x, a);
    setConst(x, b);
  } else if (k === 0) {
    const l = r.pick(LDX_ROWS);
    c.emit(l, { dst: r.pick(regs), src: 7, off: r.int(BODY_AREA - l.size! + 1) });
  } else if (k === 1) {
    const s = r.pick(STX_ROWS);
    c.emit(s, { dst: 7, src: r.pick(regs), off: r.int(BODY_AREA - s.size! + 1) });
  } else {
    const s = r.pick(ST_ROWS);
    c.emit(s, { dst: 7, off: r.int(BODY_AREA - s.size! + 1), imm: rand32(r) });
  }
}

function pickDistinct(r: Rng, xs: readonly number[], n: number): number[] {
  const pool = [...xs];
  const out: number[] = [];
  while (out.length < n && pool.length) out.push(pool.splice(r.int(pool.length), 1)[0]!);
  return out;
}

/** r1..r5 are clobbered by calls and legacy packet loads: give them values again. */
function reinitArgs(x: Ctx): void {
  for (let q = 1; q <= 5; q++) if (x.r.chance(0.5)) x.c.emit(R.mov64r, { dst: q, src: 0 });
  else setConst(x, q);
}

function genLdPkt(x: Ctx, pktLen: number): void {
  const { r, c } = x;
  const l = r.pick(LDPKT_ROWS);
  // socket_filter sees the packet from the network header (test_run pulls the Ethernet header).
  const visible = x.info.l3 ? pktLen - 14 : pktLen;
  const oob = r.chance(0.01);
  const maxOff = visible - l.size!;
  if (l.id.startsWith('ldabs')) c.emit(l, { imm: oob ? maxOff + 1 + r.int(8) : r.int(maxOff + 1) });
  else {
    const idx = r.pick(x.scratch.filter((q) => q !== 0 && (q < 1 || q > 5)).concat([1, 2, 3, 4, 5]));
    const base = r.int(Math.max(1, maxOff >> 1));
    c.emit(R.mov64i, { dst: idx, imm: base });
    c.emit(l, { src: idx, imm: oob ? maxOff - base + 1 + r.int(8) : r.int(maxOff - base + 1) });
  }
  reinitArgs(x);
}

function genCall(x: Ctx): void {
  callSub(x, x.r.pick(x.subs));
}

/** Calls a sub-program from the main function: scalar arguments, or for pointer subs r1 = a slot of our stack. */
function callSub(x: Ctx, target: number): void {
  const { r, c } = x;
  for (let q = 1; q <= 5; q++) c.emit(R.mov64r, { dst: q, src: r.pick(x.scratch) });
  if (x.subPtr.get(target)) {
    c.emit(R.mov64r, { dst: 1, src: 10 });
    c.emit(R.add64i, { dst: 1, imm: -STACK_AREA + 8 * r.int(STACK_AREA / 8) });
  }
  x.called.add(target);
  c.jumpTo(R.call, target);
  reinitArgs(x);
}

function genLoop(x: Ctx, regs: readonly number[]): void {
  const { r, c } = x;
  const cnt = r.pick(regs.filter((q) => q !== 0));
  const body = regs.filter((q) => q !== cnt);
  c.emit(R.mov64i, { dst: cnt, imm: r.range(1, 6) });
  const top = c.slots.length;
  // may_goto (BPF_JCOND): leaves the loop only when the kernel's loop budget (BPF_MAX_LOOPS) is spent.
  const out = r.chance(0.3) ? c.newLabel() : -1;
  if (out >= 0) c.jumpTo(MAY_GOTO, out);
  for (let i = r.range(1, 3); i > 0; i--) genAlu(x, body);
  if (r.chance(0.3)) genStack(x, body);
  c.emit(R.sub64i, { dst: cnt, imm: 1 });
  const jr = r.chance(0.5) ? R.jne64i : R.jne32i;
  const at = c.emit(jr, { dst: cnt, imm: 0 });
  c.slots[at]!.off = top - (at + 1);
  if (out >= 0) c.place(out);
}
const MAY_GOTO = ISA.find((y) => y.kind === 'may_goto')!;

/** One context access the verifier allows for a type: `key` is `<type> <read|write> <field>@<off>/<size>`. */
export interface CtxAccess {
  key: string;
  field: string;
  off: number;
  size: number;
}

/** Context accesses (offset, size) the verifier allows for a type, from the program-type table. */
export function ctxAccesses(flavour: Flavour, write: boolean): CtxAccess[] {
  const out: CtxAccess[] = [];
  for (const f of PROG_TYPES[flavour].ctx.fields as readonly CtxField[]) {
    if (f.regType) continue;
    for (const s of write ? f.write : f.read) {
      const limit = f.off + (f.span ?? f.size);
      for (let off = f.off; off + s <= limit; off += s) {
        if (off % s !== 0) continue;
        if (s < f.size && f.narrow !== 'any' && off !== f.off) continue;
        if (write && f.writeOffsets && !f.writeOffsets.includes(off)) continue;
        out.push({ key: `${flavour} ${write ? 'write' : 'read'} ${f.name}@${off}/${s}`, field: f.name, off, size: s });
      }
    }
  }
  return out;
}

/**
 * Context accesses where bpfplay is known to differ from the kernel's convert_ctx_access rewriting
 * (net/core/filter.c), found by this harness (ctxProbeCases) and left out of the random programs so the
 * other 1,000+ programs stay meaningful. The kdiff test fails on any new difference.
 * Empty since the VM applies the kernel's field conversions (CtxField.conv in worker/progtypes/ctx.ts:
 * narrow reads of pkt_type and of the upper half of protocol, u16 stores of tc_index/tc_classid,
 * queue_mapping's NO_QUEUE_MAPPING rule), which worker/progtypes/kernel-probe/ctx-narrow.test.ts pins for
 * every field, offset and size. A new entry needs a key `<type> <read|write> <field>@<off>/<size>` and why.
 */
export const CTX_KNOWN_DIFFS: Readonly<Record<string, string>> = {};

const CTX_READS = new Map<Flavour, CtxAccess[]>();
const CTX_WRITES = new Map<Flavour, CtxAccess[]>();
const SIZE_ROW = (kind: 'ldx' | 'stx', size: number): IsaRow =>
  (kind === 'ldx' ? LDX_ROWS : STX_ROWS).find((x) => x.size === size && !x.id.includes('ldxs'))!;

function genCtx(x: Ctx, regs: readonly number[]): void {
  const { r, c, flavour } = x;
  if (!CTX_READS.has(flavour)) {
    CTX_READS.set(flavour, ctxAccesses(flavour, false).filter((a) => !CTX_KNOWN_DIFFS[a.key]));
    CTX_WRITES.set(flavour, ctxAccesses(flavour, true).filter((a) => !CTX_KNOWN_DIFFS[a.key]));
  }
  const writes = CTX_WRITES.get(flavour)!;
  if (writes.length && r.chance(0.4)) {
    const a = r.pick(writes);
    c.emit(SIZE_ROW('stx', a.size), { dst: 6, src: r.pick(regs), off: a.off });
  } else {
    const a = r.pick(CTX_READS.get(flavour)!);
    c.emit(SIZE_ROW('ldx', a.size), { dst: r.pick(regs), src: 6, off: a.off });
  }
}

/**
 * A map helper call on the program's own array (4 entries) or hash (4 entries) map: lookup (then read,
 * write or atomically add to the value), update with BPF_ANY/NOEXIST/EXIST or an invalid flag, delete.
 * Keys 0..5 reach past the array's end and fill the hash, so -ENOENT, -EEXIST, -E2BIG and -EINVAL all occur.
 */
function genMap(x: Ctx, regs: readonly number[]): void {
  const { r, c } = x;
  const m = x.maps!;
  const which = r.chance(0.5) ? m.array : m.hash;
  c.emit(row('stw'), { dst: 10, off: -72, imm: r.int(6) });
  const op = r.pick(['lookup', 'lookup', 'update', 'update', 'delete'] as const);
  if (op === 'update') c.emit(R.stxdw, { dst: 10, src: r.pick(regs), off: -80 });
  c.emitMap(1, which);
  c.emit(R.mov64r, { dst: 2, src: 10 });
  c.emit(R.add64i, { dst: 2, imm: -72 });
  if (op === 'update') {
    c.emit(R.mov64r, { dst: 3, src: 10 });
    c.emit(R.add64i, { dst: 3, imm: -80 });
    c.emit(R.mov64i, { dst: 4, imm: r.pick([0, 0, 1, 2, 3]) });
  }
  c.emit(R.helper, { imm: op === 'lookup' ? 1 : op === 'update' ? 2 : 3 });
  if (op === 'lookup') {
    // r0 is a map value pointer or NULL: read/write through it, then make r0 a scalar again.
    const t = r.pick(regs.filter((q) => q !== 0 && q > 5));
    const skip = c.newLabel();
    c.emit(R.mov64i, { dst: t, imm: 0xbad });
    c.jumpTo(row('jeq_imm'), skip, { dst: 0, imm: 0 });
    c.emit(r.pick(LDX_ROWS), { dst: t, src: 0, off: 0 });
    const k = r.int(3);
    // r1..r5 are not readable after the helper call: the value comes from a callee-saved register.
    const v = r.pick(regs.filter((q) => q > 5));
    if (k === 1) c.emit(R.stxdw, { dst: 0, src: v, off: 0 });
    else if (k === 2) c.emit(r.pick(ATOMIC_ROWS.filter((a) => a.size === 8 && a.atomicOp !== 'cmpxchg' && a.atomicOp !== 'load_acquire' && a.atomicOp !== 'store_release')), { dst: 0, src: v, off: 0 });
    c.place(skip);
    c.emit(R.mov64r, { dst: 0, src: t });
  }
  reinitArgs(x);
}

/** Packet helpers the generator calls, by kernel helper id (worker/helpers/ids.generated.ts). */
const PKT_HELPERS = { skb_store_bytes: 9, l3_csum_replace: 10, l4_csum_replace: 11, skb_load_bytes: 26, csum_diff: 28, xdp_get_buff_len: 188, xdp_load_bytes: 189, xdp_store_bytes: 190 } as const;
/** Helpers after which the verifier forgets packet pointers (bpf_helper_changes_pkt_data); we reload anyway for stores. */
const CHANGES_PKT = new Set<number>([9, 10, 11, 190]);

/**
 * A packet helper the type allows, on the body area of the packet and the initialised stack area:
 * load/store bytes (sometimes out of range, for the error paths), checksum diff and replace, buffer length.
 * After helpers that may change packet data, data/data_end are reloaded and checked again.
 */
function genHelper(x: Ctx): void {
  const { r, c, flavour } = x;
  const ids = Object.values(PKT_HELPERS).filter((h) => helperAllowed(flavour, h));
  if (!ids.length) return;
  const id = r.pick(ids);
  const visible = x.info.l3 ? x.pktLen - 14 : x.pktLen;
  const slot = r.int(8);
  const room = STACK_AREA - 8 * slot;
  const n = r.range(1, Math.min(16, room));
  const off = r.chance(0.05) ? visible - n + 1 + r.int(4) : r.int(BODY_AREA - n + 1);
  c.emit(R.mov64r, { dst: 1, src: 6 });
  const stackPtr = (reg: number, at: number): void => {
    c.emit(R.mov64r, { dst: reg, src: 10 });
    c.emit(R.add64i, { dst: reg, imm: -STACK_AREA + at });
  };
  switch (id) {
    case 26: case 189: case 190: case 9:
      c.emit(R.mov64i, { dst: 2, imm: off });
      stackPtr(3, 8 * slot);
      c.emit(R.mov64i, { dst: 4, imm: n });
      if (id === 9) c.emit(R.mov64i, { dst: 5, imm: r.pick([0, 0, 1, 2, 3, 4]) });
      break;
    case 28: {
      const fromWords = r.int(Math.min(4, room / 4) + 1);
      stackPtr(1, 8 * slot);
      c.emit(R.mov64i, { dst: 2, imm: 4 * fromWords });
      stackPtr(3, 8 * r.int(6));
      c.emit(R.mov64i, { dst: 4, imm: 4 * r.int(5) });
      c.emit(R.mov64r, { dst: 5, src: r.pick(x.scratch.filter((q) => q > 5 || q === 0)) });
      break;
    }
    case 10: case 11: {
      c.emit(R.mov64i, { dst: 2, imm: r.chance(0.9) ? 2 * r.int(BODY_AREA / 2 - 2) : r.pick([1, visible, 0x10000]) });
      c.emit(R.mov64r, { dst: 3, src: r.pick(x.scratch.filter((q) => q > 5 || q === 0)) });
      c.emit(R.mov64r, { dst: 4, src: r.pick(x.scratch.filter((q) => q > 5 || q === 0)) });
      const size = r.pick([0, 2, 4, 4, 2, 3]);
      c.emit(R.mov64i, { dst: 5, imm: id === 11 ? size | r.pick([0, 0, 0x10, 0x20, 0x30]) : size });
      break;
    }
    case 188:
      break;
  }
  c.emit(R.helper, { imm: id });
  reinitArgs(x);
  if (CHANGES_PKT.has(id) && x.info.direct) {
    c.emit(R.ldxw, { dst: 7, src: 6, off: x.info.dataOff });
    c.emit(R.ldxw, { dst: 8, src: 6, off: x.info.dataEndOff });
    c.emit(R.mov64r, { dst: 1, src: 7 });
    c.emit(R.add64i, { dst: 1, imm: MIN_PACKET });
    c.jumpTo(R.jgt64r, x.short, { dst: 1, src: 8 });
    setConst(x, 1);
  }
}

/** Global data: ld_imm64 of a map value address (BPF_PSEUDO_MAP_VALUE), then a load, store or atomic there. */
function genGlobal(x: Ctx, regs: readonly number[]): void {
  const { r, c } = x;
  const [a, v] = pickDistinct(r, regs, 2);
  const off = 8 * r.int(2);
  c.emitMapValue(a, x.globalData, off);
  const k = r.int(3);
  if (k === 0) c.emit(r.pick(LDX_ROWS), { dst: v, src: a, off: 0 });
  else if (k === 1) c.emit(r.pick(STX_ROWS), { dst: a, src: v, off: 0 });
  else c.emit(r.pick(ATOMIC_ROWS.filter((y) => y.atomicOp !== 'cmpxchg' && y.atomicOp !== 'load_acquire' && y.atomicOp !== 'store_release')), { dst: a, src: v, off: 0 });
  setConst(x, a);
}

function genBlock(x: Ctx, pktLen: number, depth: number): void {
  const { r, c } = x;
  const regs = x.scratch;
  const w = r.int(100);
  if (w < 35) genAlu(x, regs);
  else if (w < 42) setConst(x, r.pick(regs));
  else if (w < 52) genStack(x, regs);
  else if (w < 60) genAtomic(x, regs);
  else if (w < 70 && x.info.direct && (w < 65 || !x.info.ldAbs)) genPacket(x, regs);
  else if (w < 70 && x.info.ldAbs) genLdPkt(x, pktLen);
  else if (w < 82 && depth < 3) {
    // Conditional forward jump over a few blocks; sometimes an if/else with ja / gotol.
    const j = r.pick(JMP_ROWS);
    const skip = c.newLabel();
    c.jumpTo(j, skip, j.srcX ? { dst: r.pick(regs), src: r.pick(regs) } : { dst: r.pick(regs), imm: rand32(r) });
    for (let i = r.range(1, 3); i > 0; i--) genBlock(x, pktLen, depth + 1);
    if (r.chance(0.4)) {
      const end = c.newLabel();
      c.jumpTo(r.pick(JA_ROWS), end);
      c.place(skip);
      for (let i = r.range(1, 2); i > 0; i--) genBlock(x, pktLen, depth + 1);
      c.place(end);
    } else c.place(skip);
  } else if (w < 85 && x.subs.length) genCall(x);
  else if (w < 88 && x.maps) genMap(x, regs);
  else if (w < 88) genHelper(x);
  else if (w < 94 && depth < 2) genLoop(x, regs);
  else if (w < 97) genCtx(x, regs);
  else if (w < 99 && x.globalData >= 0) genGlobal(x, regs);
  else genAlu(x, regs);
}

/** A sub-program: f(r1..r5) -> r0 using only its arguments and its own stack; may call deeper ones. */
function genSub(x: Ctx, index: number): void {
  const { r, c } = x;
  // A pointer sub gets r1 = a slot in its caller's frame and reads, writes and atomically updates it.
  const ptr = x.subPtr.get(x.subs[index]!) ?? false;
  const regs = ptr ? [0, 2, 3, 4, 5] : [0, 1, 2, 3, 4, 5];
  c.emit(R.mov64r, { dst: 0, src: r.pick([2, 3, 4, 5]) });
  c.emit(R.stxdw, { dst: 10, src: r.pick(regs), off: -8 });
  for (let i = r.range(2, 10); i > 0; i--) {
    if (ptr && r.chance(0.35)) {
      const k = r.int(3);
      const l = r.pick(k === 0 ? LDX_ROWS : k === 1 ? STX_ROWS : ATOMIC_ROWS.filter((a) => a.atomicOp !== 'cmpxchg' && a.atomicOp !== 'load_acquire' && a.atomicOp !== 'store_release'));
      const off = l.size! * r.int(8 / l.size!);
      if (k === 0) c.emit(l, { dst: r.pick(regs), src: 1, off });
      else c.emit(l, { dst: 1, src: r.pick(regs), off });
    } else if (r.chance(0.15)) c.emit(r.pick(LDX_ROWS.filter((l) => l.size! <= 8)), { dst: r.pick(regs), src: 10, off: -8 });
    else if (r.chance(0.1)) c.emit(r.pick(ATOMIC_ROWS.filter((a) => a.size === 8 && a.atomicOp !== 'cmpxchg' && a.atomicOp !== 'load_acquire' && a.atomicOp !== 'store_release')), { dst: 10, src: r.pick(regs.filter((q) => q !== 0)), off: -8 });
    else genAlu(x, regs);
  }
  const deeper = x.subs.slice(index + 1);
  if (deeper.length && r.chance(0.3)) {
    const d = r.pick(deeper);
    if (x.subPtr.get(d)) {
      // Our own initialised slot at fp-8.
      c.emit(R.mov64r, { dst: 1, src: 10 });
      c.emit(R.add64i, { dst: 1, imm: -8 });
    } else c.emit(R.mov64r, { dst: 1, src: 0 });
    c.jumpTo(R.call, d);
  }
  c.emit(R.exit);
}

export function generateCase(seed: number, id: number): KdiffCase {
  const r = new Rng((seed * 0x9e3779b1) ^ (id * 0x85ebca6b) ^ 0x5bd1e995);
  const flavour: Flavour = r.pick(FLAVOUR_WEIGHTS);
  const info = flavourInfo(flavour);
  const scratch = info.direct ? [0, 1, 2, 3, 4, 5, 9] : [0, 1, 2, 3, 4, 5, 7, 8, 9];
  const c = new Code();
  const nSubs = r.chance(0.35) ? r.range(1, 3) : 0;
  const withMaps = r.chance(0.3);
  const withGlobal = r.chance(0.25);
  const x: Ctx = { r, c, flavour, info, scratch, subs: Array.from({ length: nSubs }, () => c.newLabel()), subPtr: new Map(), called: new Set(), depth: 0, metaLen: 0, short: -1, pktLen: 0, globalData: -1, maps: withMaps ? { array: 0, hash: 1 } : null };
  for (const l of x.subs) x.subPtr.set(l, r.chance(0.4));
  const pktLen = MIN_PACKET + (info.l3 ? 14 : 0) + r.int(57);
  x.pktLen = pktLen;
  if (withGlobal) x.globalData = withMaps ? 2 : 0;
  const globalInit = Array.from({ length: 16 }, () => r.int(256).toString(16).padStart(2, '0')).join('');
  // Some runs pass a ctx_in: XDP with 4..32 bytes of metadata before the packet, skb types with mark,
  // priority, cb[] and tstamp set (the fields BPF_PROG_TEST_RUN accepts); the kernel reports ctx_out.
  let ctxIn: Uint8Array | undefined;
  if (r.chance(0.35) && flavour !== 'socket_filter') {
    const layout = PROG_TYPES[flavour].ctx;
    ctxIn = new Uint8Array(flavour === 'xdp' ? 24 : 192);
    const dv = new DataView(ctxIn.buffer);
    if (flavour === 'xdp') {
      x.metaLen = 4 * r.range(1, 8);
      dv.setUint32(0, x.metaLen, true); // data
      dv.setUint32(4, x.metaLen + pktLen, true); // data_end
    } else {
      const off = (n: string): number => layout.fields.find((f) => f.name === n)!.off;
      dv.setUint32(off('mark'), r.u32(), true);
      dv.setUint32(off('priority'), r.u32(), true);
      for (let i = 0; i < 5; i++) if (r.chance(0.6)) dv.setUint32(off('cb') + 4 * i, rand32(r), true);
      if (r.chance(0.5)) dv.setBigUint64(off('tstamp'), BigInt(r.u32()) * 1000n, true);
    }
  }
  const data = new Uint8Array(x.metaLen + pktLen);
  for (let i = 0; i < data.length; i++) data[i] = r.chance(0.2) ? r.pick([0, 0xff, 0x80, 0x7f]) : r.int(256);

  // Prologue: r6 = ctx; packet flavours: r7 = data, r8 = data_end, and one bounds check for the whole packet use.
  const short = c.newLabel();
  x.short = short;
  c.emit(R.mov64r, { dst: 6, src: 1 });
  if (info.direct) {
    c.emit(R.ldxw, { dst: 7, src: 6, off: info.dataOff });
    c.emit(R.ldxw, { dst: 8, src: 6, off: info.dataEndOff });
    c.emit(R.mov64r, { dst: 1, src: 7 });
    c.emit(R.add64i, { dst: 1, imm: MIN_PACKET });
    c.jumpTo(R.jgt64r, short, { dst: 1, src: 8 });
  }
  for (const q of scratch) {
    // Some registers start as values the verifier cannot know (read from the packet).
    if (info.direct && r.chance(0.3)) {
      const l = r.pick(LDX_ROWS);
      c.emit(l, { dst: q, src: 7, off: r.int(BODY_AREA - l.size! + 1) });
    } else setConst(x, q);
  }
  for (let o = -STACK_AREA; o < 0; o += 8) c.emit(R.stxdw, { dst: 10, src: r.pick(scratch), off: o });

  for (let n = r.range(8, 40); n > 0; n--) genBlock(x, pktLen, 0);
  // The verifier rejects unreachable code: call every sub-program at least once.
  for (const l of x.subs)
    if (!x.called.has(l)) callSub(x, l);

  // Epilogue: dump registers and stack into the packet; fold everything into r0.
  const dumpRegs = scratch.filter((q) => q !== 1);
  if (info.write) {
    dumpRegs.forEach((q, i) => c.emit(R.stxdw, { dst: 7, src: q, off: BODY_AREA + 8 * i }));
    c.emit(R.stxdw, { dst: 7, src: 1, off: BODY_AREA + 8 * dumpRegs.length });
    for (let o = 0; o < STACK_AREA / 8; o++) {
      c.emit(R.ldxdw, { dst: 1, src: 10, off: -STACK_AREA + 8 * o });
      c.emit(R.stxdw, { dst: 7, src: 1, off: BODY_AREA + 8 * (dumpRegs.length + 1 + o) });
    }
  }
  const fold = (q: number): void => {
    c.emit(R.mul64i, { dst: 0, imm: 0x01000193 });
    c.emit(R.xor64r, { dst: 0, src: q });
  };
  dumpRegs.filter((q) => q !== 0).forEach(fold);
  for (let o = 0; o < STACK_AREA / 8; o++) {
    c.emit(R.ldxdw, { dst: 1, src: 10, off: -STACK_AREA + 8 * o });
    fold(1);
  }
  c.emit(R.mov64r, { dst: 1, src: 0 });
  c.emit(R.rsh64i, { dst: 1, imm: 32 });
  c.emit(R.xor64r, { dst: 0, src: 1 });
  if (info.ret01) c.emit(row('and64_imm'), { dst: 0, imm: 1 });
  c.emit(R.exit);
  if (info.direct) {
    c.place(short);
    c.emit(R.mov64i, { dst: 0, imm: info.ret01 ? 0 : 0xdead });
    c.emit(R.exit);
  }

  const funcs: Record<number, string> = {};
  const name = `k${id}`;
  funcs[0] = name;
  x.subs.forEach((l, i) => {
    c.place(l);
    funcs[c.slots.length] = `${name}_s${i}`;
    genSub(x, i);
  });
  const slots = c.finish();
  const progType = flavour;
  return {
    id, name, flavour, data, rows: [...c.rows].sort(), ...(ctxIn ? { ctxIn } : {}),
    program: {
      slots, labels: {}, funcs, origin: 'bytes', progType, license: 'GPL',
      // Per-program map names: programs batched into one object must not share maps.
      maps: [
        ...(withMaps
          ? [
              { name: `${name}_a`, type: 'array', keySize: 4, valueSize: 8, maxEntries: 4, flags: 0 },
              { name: `${name}_h`, type: 'hash', keySize: 4, valueSize: 8, maxEntries: 4, flags: 0 },
            ]
          : []),
        // A custom global-data section of its own (libbpf makes one array map per .data.* section).
        ...(withGlobal
          ? [{ name: `.data.${name}`, type: 'array', keySize: 4, valueSize: 16, maxEntries: 1, flags: BPF_F_MMAPABLE, initial: [{ key: '00000000', value: globalInit }] }]
          : []),
      ],
    },
  };
}

export function generateCases(seed: number, count: number): KdiffCase[] {
  return Array.from({ length: count }, (_, i) => generateCase(seed, i));
}

/** Opcode-table rows the generator is meant to cover (all but helper calls, exit variants it cannot verify, …). */
export const COVERABLE_ROWS: readonly string[] = [
  ...ALU_ROWS, ...ENDIAN_ROWS, ...JMP_ROWS, ...JA_ROWS, MAY_GOTO, ...LDX_ROWS, ...ST_ROWS, ...STX_ROWS, ...ATOMIC_ROWS, ...LDPKT_ROWS,
].map((x) => x.id);

/**
 * One small program per context access the verifier allows (every flavour but cgroup_skb): a read returns
 * the field; a write stores 0x7bcdef0112345678 (or its low bytes) and reads the same bytes back; and for
 * every full-width field write (BPF_STX, and BPF_ST with an immediate), a read back of each narrow part of
 * the field, which shows the kernel's truncation to the target field (tc_index, tc_classid: u16) and
 * queue_mapping's NO_QUEUE_MAPPING rule.
 */
export function ctxProbeCases(firstId = 0): (KdiffCase & { access: string })[] {
  const data = new Uint8Array(MIN_PACKET);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + 11) & 0xff;
  data.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 0); // broadcast: pkt_type PACKET_BROADCAST
  data.set([0x08, 0x00], 12); // IPv4
  const out: (KdiffCase & { access: string })[] = [];
  const ld = (size: number): IsaRow => SIZE_ROW('ldx', size);
  const st = (size: number): IsaRow => SIZE_ROW('stx', size);
  // cgroup_skb must return 0 or 1, so a probe could not return the field: its skb fields are the same
  // conversions the other skb types probe.
  for (const flavour of FLAVOURS.filter((f) => !flavourInfo(f).ret01)) {
    for (const write of [false, true]) {
      for (const a of ctxAccesses(flavour, write)) {
        const c = new Code();
        if (write) {
          c.lddw(2, 0x7bcdef0112345678n);
          c.emit(st(a.size), { dst: 1, src: 2, off: a.off });
        }
        c.emit(ld(a.size), { dst: 0, src: 1, off: a.off });
        c.emit(R.exit);
        const id = firstId + out.length;
        const name = `c${id}`;
        out.push({ id, name, flavour, data, rows: [...c.rows], access: a.key, program: { slots: c.finish(), maps: [], labels: {}, funcs: { 0: name }, origin: 'bytes', progType: flavour, license: 'GPL' } });
      }
    }
    const reads = ctxAccesses(flavour, false);
    for (const w of ctxAccesses(flavour, true)) {
      const f = PROG_TYPES[flavour].ctx.fields.find((x) => x.name === w.field)!;
      if (w.size !== 4 || f.elem || f.size !== 4) continue;
      for (const r of reads.filter((x) => x.field === w.field && x.size < 4)) {
        for (const [how, v] of [['stx', 0x7bcdef0112345678n], ['stx', 0xfffen], ['st', -1n], ['st', 0x10000n]] as const) {
          const c = new Code();
          if (how === 'stx') {
            c.lddw(2, v);
            c.emit(st(4), { dst: 1, src: 2, off: w.off });
          } else c.emit(SIZE_ROW_ST(4), { dst: 1, off: w.off, imm: Number(v) });
          c.emit(ld(r.size), { dst: 0, src: 1, off: r.off });
          c.emit(R.exit);
          const id = firstId + out.length;
          const name = `c${id}`;
          const access = `${flavour} write ${w.field}@${w.off}/4 (${how} 0x${BigInt.asUintN(64, v).toString(16)}) read @${r.off}/${r.size}`;
          out.push({ id, name, flavour, data, rows: [...c.rows], access, program: { slots: c.finish(), maps: [], labels: {}, funcs: { 0: name }, origin: 'bytes', progType: flavour, license: 'GPL' } });
        }
      }
    }
  }
  return out;
}
const SIZE_ROW_ST = (size: number): IsaRow => ST_ROWS.find((x) => x.size === size)!;

const SKF_AD_OFF = -0x1000;
const SKF_NET_OFF = -0x100000;
const SKF_LL_OFF = -0x200000;

/** LD_ABS and LD_IND of every size at edge offsets (in bounds, at the ends, negative, SKF_* bases, s32 extremes). */
export function ldPktProbeCases(firstId = 0): (KdiffCase & { access: string })[] {
  const data = new Uint8Array(MIN_PACKET);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + 11) & 0xff;
  data.set([0x08, 0x00], 12);
  const offs: [string, number][] = [
    ['0', 0], ['1', 1], ['13', 13], ['14', 14], ['len-4', MIN_PACKET - 4], ['len-1', MIN_PACKET - 1], ['len', MIN_PACKET],
    ['-1', -1], ['-4', -4], ['SKF_AD_OFF', SKF_AD_OFF], ['SKF_AD_OFF+4', SKF_AD_OFF + 4], ['SKF_NET_OFF+0', SKF_NET_OFF],
    ['SKF_NET_OFF+1', SKF_NET_OFF + 1], ['SKF_NET_OFF+14', SKF_NET_OFF + 14], ['SKF_LL_OFF+0', SKF_LL_OFF], ['SKF_LL_OFF+2', SKF_LL_OFF + 2],
    ['SKF_LL_OFF+12', SKF_LL_OFF + 12], ['SKF_LL_OFF+14', SKF_LL_OFF + 14], ['SKF_LL_OFF-1', SKF_LL_OFF - 1], ['INT32_MIN', -0x80000000], ['INT32_MAX', 0x7fffffff],
  ];
  const out: (KdiffCase & { access: string })[] = [];
  for (const flavour of FLAVOURS.filter((f) => flavourInfo(f).ldAbs))
    for (const l of LDPKT_ROWS)
      for (const [label, off] of offs) {
        const c = new Code();
        const ind = l.id.startsWith('ldind');
        c.emit(R.mov64r, { dst: 6, src: 1 });
        c.emit(R.mov64i, { dst: 7, src: 0, imm: 3 });
        c.emit(R.mov64i, { dst: 0, imm: 0x55 });
        c.emit(l, ind ? { src: 7, imm: (off - 3) | 0 } : { imm: off });
        c.emit(R.exit);
        const id = firstId + out.length;
        const name = `l${id}`;
        out.push({ id, name, flavour, data, rows: [...c.rows], access: `${flavour} ${l.id} ${label}`, program: { slots: c.finish(), maps: [], labels: {}, funcs: { 0: name }, origin: 'bytes', progType: flavour, license: 'GPL' } });
      }
  return out;
}
