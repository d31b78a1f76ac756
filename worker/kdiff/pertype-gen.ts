// Map-heavy programs for the per-type kernel-differential corpus (worker/kdiff/pertype.ts): from a seed, a
// program of any packet type that runs a random sequence of map helper calls — lookup (then read, write or
// atomically add through the value), update with every flag (BPF_ANY, NOEXIST, EXIST, F_LOCK, invalid),
// delete, push/pop/peek — on 2 to 4 maps of its own drawn from array, hash, per-CPU array and hash, LRU and
// LRU per-CPU hash (small, so LRU eviction happens), LPM trie (8-byte keys: prefix length + IPv4 address,
// so prefixes overlap) and queue/stack, with keys from a small set plus the packet length, so that entries
// collide, fill the map and come back across packets. Every helper's return value (or the loaded value) is
// folded into r8, which is returned (& 1 for cgroup_skb), so the return value, and the maps after the run,
// expose any difference in the map semantics (kernel/bpf/arraymap.c, hashtab.c, bpf_lru_list.c,
// lpm_trie.c, queue_stack_maps.c). gen.ts covers instructions; this file covers maps. Runs nothing.

import type { Slot } from '../isa/insn';
import { ISA, type IsaRow } from '../isa/opcodes';
import type { MapDef, Program } from '../isa/program';
import type { TestRunType } from '../progtypes/testrun';
import { Rng } from './gen';

const row = (id: string): IsaRow => {
  const x = ISA.find((y) => y.id === id);
  if (!x) throw new Error(`opcode table has no row ${id}`);
  return x;
};
const OP = {
  mov64i: row('mov64_imm'), mov64r: row('mov64_reg'), add64i: row('add64_imm'), add64r: row('add64_reg'), sub64r: row('sub64_reg'),
  mul64i: row('mul64_imm'), and64i: row('and64_imm'), ldxw: row('ldxw'), ldxdw: row('ldxdw'), stw: row('stw'), stxw: row('stxw'),
  stxdw: row('stxdw'), stdw: row('stdw'), exit: row('exit'), jeq: row('jeq_imm'),
  call: ISA.find((y) => y.kind === 'call' && (y.src ?? 0) === 0)!,
  lddw: ISA.find((y) => y.kind === 'ldimm64' && (y.src ?? 0) === 0)!,
  xadd64: ISA.find((y) => y.kind === 'atomic' && y.size === 8 && y.atomicOp === 'add')!,
};

type Kind = 'array' | 'hash' | 'percpu_array' | 'percpu_hash' | 'lru_hash' | 'lru_percpu_hash' | 'lpm_trie' | 'queue' | 'stack';
export const MAP_KINDS: readonly Kind[] = ['array', 'hash', 'percpu_array', 'percpu_hash', 'lru_hash', 'lru_percpu_hash', 'lpm_trie', 'queue', 'stack'];
const BPF_F_NO_PREALLOC = 1;
const HELPER = { lookup: 1, update: 2, delete: 3, push: 87, pop: 88, peek: 89 } as const;
const KEY = -16; // key at fp-16 (8 bytes), value at fp-24 (8 bytes)
const VAL = -24;

class Emitter {
  slots: Slot[] = [];
  emit(r: IsaRow, f: Partial<Slot> = {}): number {
    this.slots.push({ opcode: r.opcode, dst: f.dst ?? 0, src: f.src ?? r.src ?? 0, off: f.off ?? r.off ?? 0, imm: f.imm ?? r.imm ?? 0 });
    return this.slots.length - 1;
  }
  mapFd(dst: number, index: number): void {
    this.slots.push({ opcode: OP.lddw.opcode, dst, src: 1, off: 0, imm: index });
    this.slots.push({ opcode: 0, dst: 0, src: 0, off: 0, imm: 0 });
  }
  /** A forward jump patched by `land`. */
  jumpFwd(r: IsaRow, f: Partial<Slot>): number {
    return this.emit(r, f);
  }
  land(at: number): void {
    this.slots[at]!.off = this.slots.length - (at + 1);
  }
}

function mapDef(kind: Kind, name: string, r: Rng): MapDef {
  const n = r.range(2, 6);
  switch (kind) {
    case 'lpm_trie':
      return { name, type: kind, keySize: 8, valueSize: 8, maxEntries: n, flags: BPF_F_NO_PREALLOC };
    case 'queue':
    case 'stack':
      return { name, type: kind, keySize: 0, valueSize: 8, maxEntries: n, flags: 0 };
    default:
      return { name, type: kind, keySize: 4, valueSize: 8, maxEntries: n, flags: 0 };
  }
}

/** r9 = the packet length (skb->len, or data_end - data for XDP); r8 = fold accumulator; r6 = ctx. */
function prologue(e: Emitter, type: TestRunType, r: Rng): void {
  e.emit(OP.mov64r, { dst: 6, src: 1 });
  if (type === 'xdp') {
    e.emit(OP.ldxw, { dst: 9, src: 6, off: 4 });
    e.emit(OP.ldxw, { dst: 2, src: 6, off: 0 });
    e.emit(OP.sub64r, { dst: 9, src: 2 });
  } else e.emit(OP.ldxw, { dst: 9, src: 6, off: 0 });
  e.emit(OP.mov64i, { dst: 8, imm: r.u32() | 0 });
  e.emit(OP.mov64i, { dst: 1, imm: 0 });
  e.emit(OP.stxdw, { dst: 10, src: 1, off: KEY });
  e.emit(OP.stxdw, { dst: 10, src: 1, off: VAL });
}

/** Fold r0 into r8: r8 = r8 * 31 + r0. */
function fold(e: Emitter): void {
  e.emit(OP.mul64i, { dst: 8, imm: 31 });
  e.emit(OP.add64r, { dst: 8, src: 0 });
}

/** Network-order IPv4 address `a` (as the u32 the stw stores, little-endian) with the bits past `plen` cleared. */
function maskAddr(a: number, plen: number): number {
  const bytes = [a & 0xff, (a >>> 8) & 0xff, (a >>> 16) & 0xff, (a >>> 24) & 0xff];
  const m = bytes.map((b, i) => (plen >= 8 * (i + 1) ? b : plen <= 8 * i ? 0 : b & (0xff << (8 - (plen - 8 * i))) & 0xff));
  return (m[0]! | (m[1]! << 8) | (m[2]! << 16) | (m[3]! << 24)) | 0;
}

/**
 * The key at fp-16: a small constant, or derived from the packet length (so it changes per packet).
 * LPM keys: prefix lengths 0..32 and 33 (beyond the maximum: -EINVAL on update, NULL on lookup), addresses
 * from a small overlapping set, masked to the prefix or not (an update of an existing prefix stores the
 * new key's bytes past the prefix), or the packet length with any prefix length.
 */
function setKey(e: Emitter, def: MapDef, r: Rng, op: 'lookup' | 'update' | 'delete'): void {
  if (def.type === 'lpm_trie') {
    const plen = r.pick([0, 8, 16, 24, 24, 32, 32, 33]);
    e.emit(OP.stw, { off: KEY, dst: 10, imm: plen });
    if (r.chance(0.3)) e.emit(OP.stxw, { dst: 10, src: 9, off: KEY + 4 });
    else {
      const a = r.pick([0x0200000a, 0x0201000a, 0x0000000a, 0x020000c0, 0x640033c6]);
      e.emit(OP.stw, { dst: 10, off: KEY + 4, imm: r.chance(0.5) ? maskAddr(a, Math.min(plen, 32)) : a | 0 });
    }
    void op;
    return;
  }
  if (r.chance(0.3)) {
    e.emit(OP.mov64r, { dst: 1, src: 9 });
    e.emit(OP.and64i, { dst: 1, imm: r.pick([3, 7, 15]) });
    e.emit(OP.stxw, { dst: 10, src: 1, off: KEY });
  } else e.emit(OP.stw, { dst: 10, off: KEY, imm: r.int(def.maxEntries + 3) });
}

function setValue(e: Emitter, r: Rng): void {
  e.emit(OP.mov64r, { dst: 1, src: r.chance(0.5) ? 9 : 8 });
  e.emit(OP.mul64i, { dst: 1, imm: r.range(1, 1000) });
  e.emit(OP.stxdw, { dst: 10, src: 1, off: VAL });
}

function ptr(e: Emitter, reg: number, off: number): void {
  e.emit(OP.mov64r, { dst: reg, src: 10 });
  e.emit(OP.add64i, { dst: reg, imm: off });
}

function mapOp(e: Emitter, defs: MapDef[], r: Rng, log: string[]): void {
  const i = r.int(defs.length);
  const def = defs[i]!;
  if (def.type === 'queue' || def.type === 'stack') {
    const op = r.pick(['push', 'push', 'pop', 'peek'] as const);
    log.push(`${op} ${def.type}/${def.maxEntries}`);
    if (op === 'push') setValue(e, r);
    // pop/peek on an empty map: the kernel zeroes the buffer (C program g_qempty shows it alone); keep a
    // non-zero value there now and then so that it shows.
    else if (r.chance(0.5)) e.emit(OP.stdw, { dst: 10, off: VAL, imm: 0x5a5a });
    e.mapFd(1, i);
    ptr(e, 2, VAL);
    if (op === 'push') e.emit(OP.mov64i, { dst: 3, imm: r.pick([0, 0, 0, 2, 1]) }); // BPF_EXIST overwrites the oldest when full
    e.emit(OP.call, { imm: HELPER[op] });
    fold(e);
    if (op !== 'push') {
      e.emit(OP.ldxdw, { dst: 0, src: 10, off: VAL });
      fold(e);
    }
    return;
  }
  const op = r.pick(['lookup', 'lookup', 'update', 'update', 'update', 'delete'] as const);
  const at = log.length;
  log.push(`${op} ${def.type}/${def.maxEntries}`);
  setKey(e, def, r, op);
  if (op === 'update') setValue(e, r);
  e.mapFd(1, i);
  ptr(e, 2, KEY);
  if (op === 'update') {
    ptr(e, 3, VAL);
    const flags = r.pick([0, 0, 1, 2, 2, 4, 8]);
    log[at] += ` flags ${flags}`;
    e.emit(OP.mov64i, { dst: 4, imm: flags });
  }
  e.emit(OP.call, { imm: HELPER[op] });
  if (op !== 'lookup') {
    fold(e);
    return;
  }
  // r0 = value pointer or NULL: fold a marker or the value; sometimes write or add through it.
  const isNull = e.jumpFwd(OP.jeq, { dst: 0, imm: 0 });
  e.emit(OP.mov64r, { dst: 7, src: 0 });
  const k = r.int(3);
  if (k === 1) {
    e.emit(OP.mov64r, { dst: 1, src: 9 });
    e.emit(OP.stxdw, { dst: 7, src: 1, off: 0 });
  } else if (k === 2) {
    e.emit(OP.mov64r, { dst: 1, src: 8 });
    e.emit(OP.xadd64, { dst: 7, src: 1, off: 0 });
  }
  e.emit(OP.ldxdw, { dst: 0, src: 7, off: 0 });
  e.emit(OP.add64i, { dst: 0, imm: 1 });
  e.land(isNull);
  fold(e);
}

/** One map-heavy program of `type`, named `m<id>`, with its own maps, and what each operation does (`ops`). `maxOps` keeps only the first map
 * operations (the same program cut short, for finding the operation where a difference starts). */
export function generateMapProgram(seed: number, id: number, type: TestRunType, maxOps = Infinity): { name: string; program: Program; ops: string[] } {
  const r = new Rng((seed * 0x27d4eb2d) ^ (id * 0x165667b1) ^ 0x3c6ef372);
  const name = `m${id}`;
  const kinds: Kind[] = [];
  for (let n = r.range(2, 4); n > 0; n--) kinds.push(r.pick(MAP_KINDS));
  const maps = kinds.map((k, i) => mapDef(k, `${name}_${i}`, r));
  const e = new Emitter();
  prologue(e, type, r);
  const nOps = r.range(6, 24);
  const ops: string[] = [];
  for (let n = 0; n < Math.min(nOps, maxOps); n++) mapOp(e, maps, r, ops);
  e.emit(OP.mov64r, { dst: 0, src: 8 });
  if (type === 'cgroup_skb') e.emit(OP.and64i, { dst: 0, imm: 1 });
  e.emit(OP.exit);
  return { name, ops, program: { slots: e.slots, maps, labels: {}, funcs: { 0: name }, origin: 'bytes', progType: type, license: 'GPL' } };
}
