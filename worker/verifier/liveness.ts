// Static analyses the verifier runs before its walk, from the raw instruction slots:
// - compute_live_registers (kernel/bpf/verifier.c, Linux 6.15+): for each instruction, the registers
//   r0-r9 that may be read before being written on some path from it (live_regs_before), from per-opcode
//   use/def sets and a backward data-flow fixpoint over the instruction successors; and the
//   "Live regs before insn:" listing that 6.18 prints at log level 2;
// - compute_scc: the strongly connected components of the control-flow graph (loops); instructions of a
//   loop share a non-zero SCC number, printed in the same listing and used to decide when a loop's
//   exploration has finished (maybe_enter_scc / maybe_exit_scc in precision.ts).
// It does not look at register types or values, and it is intraprocedural like the kernel's: a call's
// successor is the next instruction, an exit has none.

import type { Slot } from '../isa/insn';
import { helperProto } from '../helpers/protos';

const ALL_CALLER_SAVED = 0x3f; // r0-r5
const ARGS = 0x3e; // r1-r5

function isLdImm64(s: Slot): boolean {
  return s.opcode === 0x18;
}

/** bpf_insn_successors: fall-through first, then the jump target. */
export function insnSuccessors(slots: readonly Slot[], pc: number): number[] {
  const s = slots[pc]!;
  const cls = s.opcode & 7;
  if (isLdImm64(s)) return [pc + 2];
  if (cls !== 5 && cls !== 6) return [pc + 1];
  const op = s.opcode & 0xf0;
  if (op === 0x90) return []; // exit
  if (op === 0x80) return [pc + 1]; // call
  if (op === 0x00) return [pc + 1 + (cls === 6 ? s.imm : s.off)]; // ja
  return [pc + 1, pc + 1 + s.off]; // conditional jumps and may_goto
}

/** The registers an instruction reads (use) and writes (def), as compute_insn_live_regs. */
export function useDef(slots: readonly Slot[], pc: number): { use: number; def: number } {
  const s = slots[pc]!;
  const cls = s.opcode & 7;
  const mode = s.opcode & 0xe0;
  const op = s.opcode & 0xf0;
  const srcX = (s.opcode & 0x08) !== 0;
  const dst = 1 << s.dst;
  const src = 1 << s.src;
  switch (cls) {
    case 0: // BPF_LD
      if (mode === 0x00) return { use: 0, def: isLdImm64(s) ? dst : 0 };
      if (mode === 0x20) return { use: 1 << 6, def: ALL_CALLER_SAVED };
      if (mode === 0x40) return { use: (1 << 6) | src, def: ALL_CALLER_SAVED };
      return { use: 0, def: 0 };
    case 1: // BPF_LDX
      return { use: src, def: dst };
    case 2: // BPF_ST
      return { use: dst, def: 0 };
    case 3: // BPF_STX
      if (mode === 0xc0) {
        const imm = s.imm;
        if (imm === 0xf1) return { use: 1 | dst | src, def: 1 }; // cmpxchg
        if (imm === 0x100) return { use: src, def: dst }; // load_acquire
        if (imm === 0x110) return { use: dst | src, def: 0 }; // store_release
        return { use: dst | src, def: imm & 1 ? src : 0 };
      }
      return { use: dst | src, def: 0 };
    case 4:
    case 7: // BPF_ALU / BPF_ALU64
      if (op === 0x80 || op === 0xd0) return { use: dst, def: dst };
      if (op === 0xb0) return { use: srcX ? src : 0, def: dst };
      return { use: dst | (srcX ? src : 0), def: dst };
    default: {
      // BPF_JMP / BPF_JMP32
      if (op === 0x00 || op === 0xe0) return { use: 0, def: 0 };
      if (op === 0x90) return { use: 1, def: 0 };
      if (op === 0x80) {
        if (s.src === 0) {
          const p = helperProto(s.imm);
          if (p) {
            const n = p.args.filter((a) => a !== 'ARG_DONTCARE').length;
            return { use: ((1 << (n + 1)) - 1) & ~1, def: ALL_CALLER_SAVED };
          }
        }
        return { use: ARGS, def: ALL_CALLER_SAVED };
      }
      return { use: dst | (srcX ? src : 0), def: 0 };
    }
  }
}

/**
 * compute_live_registers: live[pc] has bit i set when Ri (i < 10) may be read before it is written on a
 * path from pc. Instructions the walk never decodes (bad opcodes) count as reading every register.
 */
export function computeLiveRegs(slots: readonly Slot[]): Uint16Array {
  const n = slots.length;
  const use = new Uint16Array(n);
  const def = new Uint16Array(n);
  const succ: number[][] = [];
  for (let pc = 0; pc < n; pc++) {
    const ud = useDef(slots, pc);
    use[pc] = ud.use & 0x3ff;
    def[pc] = ud.def & 0x3ff;
    succ.push(insnSuccessors(slots, pc).filter((t) => t >= 0 && t < n));
    if (isLdImm64(slots[pc]!)) {
      succ.push([]);
      pc++;
    }
  }
  const live = new Uint16Array(n);
  let changed = true;
  while (changed) {
    changed = false;
    for (let pc = n - 1; pc >= 0; pc--) {
      let out = 0;
      for (const t of succ[pc]!) out |= live[t]!;
      const inn = use[pc]! | (out & ~def[pc]!);
      if (inn !== live[pc]) {
        live[pc] = inn;
        changed = true;
      }
    }
  }
  return live;
}

/**
 * compute_scc: Tarjan's algorithm over insn_successors from every instruction in order. Only loops
 * (components of more than one instruction, or an instruction that jumps to itself) get a number,
 * counted from 1 in the order their roots complete; other instructions get 0.
 */
export function computeScc(slots: readonly Slot[]): Uint32Array {
  const n = slots.length;
  const scc = new Uint32Array(n);
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  let counter = 0;
  let next = 1;
  const second = new Uint8Array(n);
  for (let pc = 0; pc < n; pc++) if (isLdImm64(slots[pc]!)) second[++pc] = 1;
  const succs = (pc: number): number[] => insnSuccessors(slots, pc).filter((t) => t >= 0 && t < n && !second[t]);
  for (let root = 0; root < n; root++) {
    if (index[root]! >= 0 || second[root]) continue;
    const work: { v: number; out: number[]; k: number }[] = [];
    const enter = (v: number): void => {
      index[v] = low[v] = counter++;
      stack.push(v);
      onStack[v] = 1;
      work.push({ v, out: succs(v), k: 0 });
    };
    enter(root);
    while (work.length) {
      const top = work[work.length - 1]!;
      if (top.k < top.out.length) {
        const w = top.out[top.k++]!;
        if (index[w]! < 0) enter(w);
        else if (onStack[w]) low[top.v] = Math.min(low[top.v]!, index[w]!);
        continue;
      }
      work.pop();
      const v = top.v;
      if (work.length) {
        const p = work[work.length - 1]!.v;
        low[p] = Math.min(low[p]!, low[v]!);
      }
      if (low[v] !== index[v]) continue;
      const members: number[] = [];
      for (;;) {
        const w = stack.pop()!;
        onStack[w] = 0;
        members.push(w);
        if (w === v) break;
      }
      const selfLoop = members.length === 1 && succs(v).includes(v);
      if (members.length > 1 || selfLoop) {
        for (const w of members) scc[w] = next;
        next++;
      }
    }
  }
  return scc;
}

/** The "Live regs before insn:" listing (log level 2), one line per instruction. */
export function liveRegsListing(slots: readonly Slot[], live: Uint16Array, scc: Uint32Array, insnText: (pc: number) => string): string[] {
  const out = ['Live regs before insn:'];
  for (let pc = 0; pc < slots.length; pc++) {
    let regs = '';
    for (let r = 0; r < 10; r++) regs += live[pc]! & (1 << r) ? String(r) : '.';
    const prefix = scc[pc] ? `${String(scc[pc]).padStart(3)} ` : '    ';
    out.push(`${prefix}${String(pc).padStart(3)}: ${regs} ${insnText(pc)}`);
    if (isLdImm64(slots[pc]!)) pc++;
  }
  return out;
}

/**
 * A static stand-in for 6.18's live stack slot analysis (kernel/bpf/liveness.c) in the case it can decide
 * without the walk: every stack access is r10 + constant. For each instruction, bit spi is set when
 * the slot fp-8*(spi+1) may be read before being fully rewritten on some path from it. Returns null
 * (every slot counts as live) when r10 escapes into another register, memory or a call, since the
 * stack could then be reached through a pointer.
 */
export function computeLiveStack(slots: readonly Slot[]): BigUint64Array | null {
  const n = slots.length;
  const use = new BigUint64Array(n);
  const def = new BigUint64Array(n);
  const spanMask = (off: number, size: number): bigint => {
    let m = 0n;
    for (let b = off; b < off + size; b++) if (b < 0 && b >= -512) m |= 1n << BigInt((-b - 1) >> 3);
    return m;
  };
  const succ: number[][] = [];
  for (let pc = 0; pc < n; pc++) {
    const s = slots[pc]!;
    const cls = s.opcode & 7;
    const mode = s.opcode & 0xe0;
    const size = [4, 2, 1, 8][(s.opcode >> 3) & 3]!;
    succ.push(insnSuccessors(slots, pc).filter((t) => t >= 0 && t < n));
    if (isLdImm64(s)) {
      if (s.dst === 10) return null;
      succ.push([]);
      pc++;
      continue;
    }
    const srcX = (s.opcode & 0x08) !== 0;
    if (cls === 1) {
      if (s.dst === 10) return null;
      if (s.src === 10) use[pc] = spanMask(s.off, size);
      continue;
    }
    if (cls === 2 || cls === 3) {
      if (cls === 3 && s.src === 10) return null; // the frame pointer stored somewhere
      if (s.dst !== 10) continue;
      if (cls === 3 && mode === 0xc0) {
        use[pc] = spanMask(s.off, size); // atomics read and write
        continue;
      }
      const m = spanMask(s.off, size);
      if (size === 8 && s.off % 8 === 0) def[pc] = m; // a full-slot write kills the old content
      continue;
    }
    if (cls === 4 || cls === 7) {
      if (s.dst === 10 || (srcX && s.src === 10)) return null;
      continue;
    }
    if (cls === 5 || cls === 6) {
      if ((s.opcode & 0xf0) !== 0x80 && (s.dst === 10 || (srcX && s.src === 10))) return null;
      continue;
    }
  }
  const live = new BigUint64Array(n);
  let changed = true;
  while (changed) {
    changed = false;
    for (let pc = n - 1; pc >= 0; pc--) {
      let out = 0n;
      for (const t of succ[pc]!) out |= live[t]!;
      const inn = use[pc]! | (out & ~def[pc]!);
      if (inn !== live[pc]) {
        live[pc] = inn;
        changed = true;
      }
    }
  }
  return live;
}
