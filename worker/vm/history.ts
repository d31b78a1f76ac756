// The back-step history: per step, only what undoing it needs (the registers it changed, the bytes its
// stores overwrote, the machine's scalars, the call frames when a call or exit changed them), packed in
// typed arrays in chunks of 4,096 steps. Bounded by a byte budget: when it is exceeded the oldest chunk
// is dropped, and `firstRecorded` says from which step on records exist (earlier steps are reached by
// replaying from a checkpoint). The rich StepRecord that step() returns is not kept, so a long run
// stays cheap for the garbage collector.
// It does not execute anything; vm.ts fills and drains it.

import type { Frame } from './machine';

export const CHUNK_STEPS = 4096;
// Fixed fields per step.
const F_PC = 0, F_PROG = 1, F_N = 2, F_MAYGOTO = 3, F_TAILCALLS = 4, F_PRNG = 5, F_OUTPUTS = 6, F_FLAGS = 7, F_REGMASK = 8, F_REGOFF = 9, F_MEMOFF = 10, F_MEMCOUNT = 11, F_BYTEOFF = 12;
const F = 13;
export const FLAG_REPLAY = 1;
export const FLAG_FRAMES = 2;

/** What vm.ts needs to undo one step. */
export interface UndoEntry {
  pc: number;
  prog: number;
  n: number;
  mayGoto: number;
  tailCalls: number;
  prng: number;
  outputs: number;
  flags: number;
  /** Bit r set: register r changed; its old (lo, hi) are in `regs`, in register order. */
  regMask: number;
  regs: Int32Array;
  /** Overwritten bytes, in the order written: region index, offset, old bytes. */
  mem: { region: number; offset: number; before: Uint8Array }[];
  frames: Frame[] | null;
}

function grow<T extends Int32Array | Uint8Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  let n = a.length * 2;
  while (n < need) n *= 2;
  const b = new (a.constructor as { new (n: number): T })(n);
  b.set(a);
  return b;
}

class Chunk {
  count = 0;
  fixed = new Int32Array(CHUNK_STEPS * F);
  regs = new Int32Array(1024);
  regsLen = 0;
  memMeta = new Int32Array(256); // region, offset, size per write
  memLen = 0; // writes
  bytes = new Uint8Array(1024);
  bytesLen = 0;
  frames = new Map<number, Frame[]>();
  constructor(readonly first: number) {}
  get size(): number {
    return this.fixed.byteLength + this.regs.byteLength + this.memMeta.byteLength + this.bytes.byteLength + this.frames.size * 400;
  }
  /** Drops entries from index k on. */
  truncate(k: number): void {
    if (k >= this.count) return;
    const o = k * F;
    this.regsLen = this.fixed[o + F_REGOFF]!;
    this.memLen = this.fixed[o + F_MEMOFF]!;
    this.bytesLen = this.fixed[o + F_BYTEOFF]!;
    for (let s = k; s < this.count; s++) this.frames.delete(this.first + s);
    this.count = k;
  }
}

export class History {
  private chunks: Chunk[] = [];
  /** Steps before this one have no entry (dropped to respect the byte budget). */
  firstRecorded = 0;
  constructor(readonly maxBytes: number) {}

  get bytes(): number {
    let b = 0;
    for (const c of this.chunks) b += c.size;
    return b;
  }

  /** Records step `step` (which must be the next one after the last recorded). */
  push(step: number, e: Omit<UndoEntry, 'regs' | 'mem'>, regsBefore: Int32Array, mem: readonly { region: number; offset: number; before: Uint8Array }[]): void {
    let c = this.chunks[this.chunks.length - 1];
    if (!c || c.count === CHUNK_STEPS || c.first + c.count !== step) {
      if (c && c.first + c.count !== step) {
        // A gap (should not happen): start afresh.
        this.chunks = [];
        this.firstRecorded = step;
      }
      c = new Chunk(step);
      this.chunks.push(c);
      this.enforce();
    }
    const o = c.count * F;
    const fx = c.fixed;
    fx[o + F_PC] = e.pc; fx[o + F_PROG] = e.prog; fx[o + F_N] = e.n; fx[o + F_MAYGOTO] = e.mayGoto; fx[o + F_TAILCALLS] = e.tailCalls;
    fx[o + F_PRNG] = e.prng; fx[o + F_OUTPUTS] = e.outputs; fx[o + F_FLAGS] = e.flags; fx[o + F_REGMASK] = e.regMask;
    fx[o + F_REGOFF] = c.regsLen; fx[o + F_MEMOFF] = c.memLen; fx[o + F_MEMCOUNT] = mem.length; fx[o + F_BYTEOFF] = c.bytesLen;
    let nregs = 0;
    for (let r = 0; r <= 10; r++) if (e.regMask & (1 << r)) nregs++;
    c.regs = grow(c.regs, c.regsLen + 2 * nregs);
    for (let r = 0; r <= 10; r++) {
      if (e.regMask & (1 << r)) {
        c.regs[c.regsLen++] = regsBefore[2 * r]!;
        c.regs[c.regsLen++] = regsBefore[2 * r + 1]!;
      }
    }
    if (mem.length > 0) {
      c.memMeta = grow(c.memMeta, (c.memLen + mem.length) * 3);
      let nb = 0;
      for (const w of mem) nb += w.before.length;
      c.bytes = grow(c.bytes, c.bytesLen + nb);
      for (const w of mem) {
        const m = c.memLen++ * 3;
        c.memMeta[m] = w.region; c.memMeta[m + 1] = w.offset; c.memMeta[m + 2] = w.before.length;
        c.bytes.set(w.before, c.bytesLen);
        c.bytesLen += w.before.length;
      }
    }
    if (e.frames) c.frames.set(step, e.frames);
    c.count++;
  }

  /** The entry of step `step` if recorded, and removes it and everything after it. */
  pop(step: number): UndoEntry | null {
    const c = this.chunks[this.chunks.length - 1];
    if (!c || c.count === 0 || c.first + c.count - 1 !== step) return null;
    const k = c.count - 1;
    const o = k * F;
    const fx = c.fixed;
    const regOff = fx[o + F_REGOFF]!;
    const memOff = fx[o + F_MEMOFF]!;
    const memCount = fx[o + F_MEMCOUNT]!;
    let byteOff = fx[o + F_BYTEOFF]!;
    const mem: UndoEntry['mem'] = [];
    for (let i = 0; i < memCount; i++) {
      const m = (memOff + i) * 3;
      const size = c.memMeta[m + 2]!;
      mem.push({ region: c.memMeta[m]!, offset: c.memMeta[m + 1]!, before: c.bytes.slice(byteOff, byteOff + size) });
      byteOff += size;
    }
    const e: UndoEntry = {
      pc: fx[o + F_PC]!, prog: fx[o + F_PROG]!, n: fx[o + F_N]!, mayGoto: fx[o + F_MAYGOTO]!, tailCalls: fx[o + F_TAILCALLS]!,
      prng: fx[o + F_PRNG]!, outputs: fx[o + F_OUTPUTS]!, flags: fx[o + F_FLAGS]!, regMask: fx[o + F_REGMASK]!,
      regs: c.regs.slice(regOff, c.regsLen), mem, frames: c.frames.get(step) ?? null,
    };
    c.truncate(k);
    if (c.count === 0) this.chunks.pop();
    if (this.chunks.length === 0) this.firstRecorded = step;
    return e;
  }

  /** Drops every entry of step >= `step`. */
  truncate(step: number): void {
    while (this.chunks.length > 0 && this.chunks[this.chunks.length - 1]!.first >= step) this.chunks.pop();
    const c = this.chunks[this.chunks.length - 1];
    if (c) c.truncate(step - c.first);
    if (this.chunks.length === 0) this.firstRecorded = step;
  }

  private enforce(): void {
    while (this.chunks.length > 1 && this.bytes > this.maxBytes) {
      this.chunks.shift();
      this.firstRecorded = this.chunks[0]!.first;
    }
  }
}
