// BPF_MAP_TYPE_STACK_TRACE and the helpers bpf_get_stackid (27) and bpf_get_stack (67)
// (kernel/bpf/stackmap.c), over a simulated call stack per event.
//
// The map: key = a u32 stack id, value = up to value_size / 8 instruction pointers (or, with
// BPF_F_STACK_BUILD_ID, 32-byte struct bpf_stack_build_id entries); n_buckets = max_entries rounded up to a
// power of two, max_entries preallocated buckets. Creation (stack_map_alloc): key_size 4, value_size a
// multiple of 8 (of 32 for build ids) and at most perf_event_max_stack (127) entries, flags only
// NUMA/RDONLY/WRONLY/STACK_BUILD_ID, else -EINVAL. bpf_get_stackid (__bpf_get_stackid) hashes the stack
// after skipping `flags & BPF_F_SKIP_FIELD_MASK` frames with jhash2 (the kernel's lookup3, implemented
// below) and uses hash & (n_buckets - 1) as the id: the same stack again gives the same id (with
// BPF_F_FAST_STACK_CMP only the hash is compared), another stack in an occupied bucket gives -EEXIST
// unless BPF_F_REUSE_STACKID replaces it, no free bucket -ENOMEM, skipping the whole stack -EFAULT,
// unknown flags -EINVAL. bpf_get_stack copies the frames into a buffer (size a multiple of 8, or 32 with
// BPF_F_USER_BUILD_ID; zero-filled past the copy) and returns the bytes copied, or an error with the
// buffer zeroed. User space can look up and delete ids but not update (-EINVAL); programs cannot look up.
//
// The simulated stacks (there is no real kernel under the program): an event may give its own,
// `env.ctx.stack = { kernel?: bigint[], user?: bigint[] }` (innermost first); otherwise the kernel stack
// starts at the probed instruction pointer (pt_regs->ip at ctx+128, as kprobe and perf_event contexts
// carry it; worker/events/kprobe.ts puts a function's fake address there) and continues with 4-7 caller
// frames derived from it by hashing, ending in the syscall entry; a context without a kernel address there
// (a tracepoint record) seeds the chain from its first 8 bytes (the tracepoint's common_type and flags).
// The user stack (BPF_F_USER_STACK) is 3-5 frames in a user-space text range derived from the same seed.
// So the same probed function always has the same stack, and different functions different ones.
// Build ids are never known: every build-id entry has status BPF_STACK_BUILD_ID_IP with the ip.

import type { MapDef } from '../isa/program';
import { err } from '../util/diag';
import { errno, registerHelper, type HelperEnv, type HelperResult } from '../helpers/types';
import { E2BIG, EEXIST, EINVAL, ENOENT, ENOMEM, registerMapType, type MapEntry, type MapImpl, type MapValueRef } from './types';

export const BPF_F_SKIP_FIELD_MASK = 0xff;
export const BPF_F_USER_STACK = 1 << 8;
export const BPF_F_FAST_STACK_CMP = 1 << 9;
export const BPF_F_REUSE_STACKID = 1 << 10;
export const BPF_F_USER_BUILD_ID = 1 << 11;
export const BPF_F_STACK_BUILD_ID = 1 << 5;
const BPF_F_NUMA_NODE = 1 << 2, BPF_F_RDONLY = 1 << 3, BPF_F_WRONLY = 1 << 4;
const STACK_CREATE_FLAG_MASK = BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY | BPF_F_STACK_BUILD_ID;
/** sysctl kernel.perf_event_max_stack (default). */
export const PERF_EVENT_MAX_STACK = 127;
const BPF_STACK_BUILD_ID_IP = 2;
const BUILD_ID_ELEM = 32;
const EFAULT = 14;

// ---- jhash2 (include/linux/jhash.h: Bob Jenkins' lookup3, public domain) -------------------------------
const rol32 = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

/** jhash2(k, k.length, initval) over 32-bit words. */
export function jhash2(k: Uint32Array, initval = 0): number {
  let len = k.length;
  let a = (0xdeadbeef + (len << 2) + initval) >>> 0;
  let b = a;
  let c = a;
  let i = 0;
  while (len > 3) {
    a = (a + k[i]!) >>> 0;
    b = (b + k[i + 1]!) >>> 0;
    c = (c + k[i + 2]!) >>> 0;
    a = (a - c) >>> 0; a = (a ^ rol32(c, 4)) >>> 0; c = (c + b) >>> 0;
    b = (b - a) >>> 0; b = (b ^ rol32(a, 6)) >>> 0; a = (a + c) >>> 0;
    c = (c - b) >>> 0; c = (c ^ rol32(b, 8)) >>> 0; b = (b + a) >>> 0;
    a = (a - c) >>> 0; a = (a ^ rol32(c, 16)) >>> 0; c = (c + b) >>> 0;
    b = (b - a) >>> 0; b = (b ^ rol32(a, 19)) >>> 0; a = (a + c) >>> 0;
    c = (c - b) >>> 0; c = (c ^ rol32(b, 4)) >>> 0; b = (b + a) >>> 0;
    len -= 3;
    i += 3;
  }
  if (len === 0) return c;
  if (len === 3) c = (c + k[i + 2]!) >>> 0;
  if (len >= 2) b = (b + k[i + 1]!) >>> 0;
  a = (a + k[i]!) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rol32(b, 14)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rol32(c, 11)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rol32(a, 25)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rol32(b, 16)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rol32(c, 4)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rol32(a, 14)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rol32(b, 24)) >>> 0;
  return c;
}

const ipsWords = (ips: readonly bigint[]): Uint32Array => {
  const w = new Uint32Array(ips.length * 2);
  ips.forEach((ip, i) => {
    w[2 * i] = Number(ip & 0xffffffffn);
    w[2 * i + 1] = Number((ip >> 32n) & 0xffffffffn);
  });
  return w;
};

interface Bucket { hash: number; ips: bigint[] }

export class StackTraceMap implements MapImpl {
  readonly valueArea = new Uint8Array(0);
  readonly valueStride = 8;
  readonly valuesAccessible = false;
  readonly nBuckets: number;
  readonly buildId: boolean;
  private buckets: (Bucket | null)[];
  /** Free preallocated buckets (pcpu_freelist). */
  private free: number;
  constructor(readonly def: MapDef) {
    let n = 1;
    while (n < def.maxEntries) n *= 2;
    this.nBuckets = n;
    this.buckets = new Array<Bucket | null>(n).fill(null);
    this.free = def.maxEntries;
    this.buildId = (def.flags & BPF_F_STACK_BUILD_ID) !== 0;
  }
  /** Frames a value holds. */
  get maxDepth(): number {
    return Math.floor(this.def.valueSize / (this.buildId ? BUILD_ID_ELEM : 8));
  }
  /** __bpf_get_stackid over a captured callchain (`trace`, already cut to max_depth + skip frames). */
  getStackId(trace: readonly bigint[], flags: number): number {
    const skip = flags & BPF_F_SKIP_FIELD_MASK;
    if (trace.length <= skip) return -EFAULT;
    const ips = trace.slice(skip);
    const hash = jhash2(ipsWords(ips));
    const id = (hash & (this.nBuckets - 1)) >>> 0;
    const b = this.buckets[id];
    const matches = b !== null && b !== undefined && b.hash === hash;
    if (matches && flags & BPF_F_FAST_STACK_CMP) return id;
    if (matches && b.ips.length === ips.length && b.ips.every((x, i) => x === ips[i])) return id;
    if (b && !(flags & BPF_F_REUSE_STACKID)) return -EEXIST;
    if (this.free === 0) return -ENOMEM;
    this.free--;
    this.buckets[id] = { hash, ips };
    if (b) this.free++;
    return id;
  }
  private valueOf(b: Bucket): Uint8Array {
    const v = new Uint8Array(this.def.valueSize);
    const dv = new DataView(v.buffer);
    b.ips.forEach((ip, i) => {
      if (this.buildId) {
        dv.setInt32(i * BUILD_ID_ELEM, BPF_STACK_BUILD_ID_IP, true);
        dv.setBigUint64(i * BUILD_ID_ELEM + 24, ip, true);
      } else dv.setBigUint64(i * 8, ip, true);
    });
    return v;
  }
  private id(key: Uint8Array): number {
    return (key[0]! | (key[1]! << 8) | (key[2]! << 16) | (key[3]! << 24)) >>> 0;
  }
  /** User space's lookup (bpf_stackmap_copy); programs cannot look stack traces up. */
  lookup(key: Uint8Array, cpu?: number): MapValueRef | null {
    if (cpu !== undefined) return null;
    const b = this.buckets[this.id(key)];
    return b ? { bytes: this.valueOf(b), slot: 0 } : null;
  }
  update(): number {
    return -EINVAL;
  }
  delete(key: Uint8Array): number {
    const id = this.id(key);
    if (id >= this.nBuckets) return -E2BIG;
    if (!this.buckets[id]) return -ENOENT;
    this.buckets[id] = null;
    this.free++;
    return 0;
  }
  getNextKey(key: Uint8Array | null): Uint8Array | null {
    let id = key === null || this.id(key) >= this.nBuckets ? 0 : this.id(key) + 1;
    while (id < this.nBuckets && !this.buckets[id]) id++;
    return id < this.nBuckets ? Uint8Array.of(id & 0xff, (id >> 8) & 0xff, (id >> 16) & 0xff, id >>> 24) : null;
  }
  entries(): MapEntry[] {
    const out: MapEntry[] = [];
    this.buckets.forEach((b, id) => {
      if (b) out.push({ key: Uint8Array.of(id & 0xff, (id >> 8) & 0xff, (id >> 16) & 0xff, id >>> 24), value: this.valueOf(b) });
    });
    return out;
  }
  snapshot(): unknown {
    return { buckets: this.buckets.map((b) => (b ? { hash: b.hash, ips: b.ips.slice() } : null)), free: this.free };
  }
  restore(s: unknown): void {
    const snap = s as { buckets: (Bucket | null)[]; free: number };
    this.buckets = snap.buckets.map((b) => (b ? { hash: b.hash, ips: b.ips.slice() } : null));
    this.free = snap.free;
  }
}

/** stack_map_alloc's checks. */
export function checkStackTraceDef(def: MapDef): string | null {
  const what = `stack_trace map '${def.name}'`;
  if (def.flags & ~STACK_CREATE_FLAG_MASK) return `${what}: map_flags 0x${def.flags.toString(16)} are not allowed (-EINVAL)`;
  if (def.keySize !== 4) return `${what} needs key_size 4 (-EINVAL)`;
  const elem = def.flags & BPF_F_STACK_BUILD_ID ? BUILD_ID_ELEM : 8;
  if (def.valueSize < 8 || def.valueSize % 8 !== 0 || def.valueSize % elem !== 0) return `${what}: value_size ${def.valueSize} must be a multiple of ${elem} (-EINVAL)`;
  if (def.valueSize / elem > PERF_EVENT_MAX_STACK) return `${what}: value_size ${def.valueSize} holds more than perf_event_max_stack (${PERF_EVENT_MAX_STACK}) frames (-EINVAL)`;
  if (def.maxEntries === 0) return `${what} needs max_entries > 0 (-EINVAL)`;
  if (def.maxEntries > 1 << 20) return `${what}: max_entries ${def.maxEntries} is more than bpfplay simulates (${1 << 20})`;
  return null;
}

registerMapType('stack_trace', (def) => {
  const e = checkStackTraceDef(def);
  return e ? err(e, { line: def.loc?.line, col: def.loc?.col, byteOffset: def.loc?.byteOffset }, 'map.def') : new StackTraceMap(def);
});

// ---- the simulated call stacks ---------------------------------------------------------------------------
const KERNEL_TEXT = 0xffffffff81000000n;
const ENTRY_SYSCALL = 0xffffffff82000076n; // where every simulated kernel stack ends (entry_SYSCALL_64_after_hwframe)
const USER_TEXT = 0x0000555555554000n;
const USER_LIBC_START = 0x00007ffff7c29d90n;

const mix = (x: bigint): number => {
  let h = 2166136261;
  for (let i = 0; i < 8; i++) h = Math.imul(h ^ Number((x >> BigInt(8 * i)) & 0xffn), 16777619) >>> 0;
  return h;
};

/** The call stack of the current event, innermost frame first (see the module comment). */
export function simulatedStack(env: HelperEnv, user: boolean): bigint[] {
  const c = env.ctx as { stack?: { kernel?: readonly bigint[]; user?: readonly bigint[] } } | null;
  const given = c && typeof c === 'object' ? (user ? c.stack?.user : c.stack?.kernel) : undefined;
  if (given) return given.map((x) => BigInt.asUintN(64, x));
  const u64 = (b: Uint8Array | string): bigint | null => (typeof b === 'string' || b.length < 8 ? null : new DataView(b.buffer, b.byteOffset).getBigUint64(0, true));
  const ip = u64(env.read(env.ctxAddr + 128n, 8));
  const isKernelText = ip !== null && ip >= 0xffffffff80000000n && ip < 0xffffffffc0000000n;
  const seed = isKernelText ? ip! : (u64(env.read(env.ctxAddr, 8)) ?? 0n);
  if (user) {
    const n = 3 + (mix(seed ^ 0x5555n) % 3);
    const out: bigint[] = [];
    let h = mix(seed ^ 0x1234n);
    for (let i = 0; i < n - 1; i++) {
      out.push(USER_TEXT + BigInt(0x1000 + ((h & 0x000ffff0) >>> 0) + i));
      h = mix(BigInt(h) ^ 0xabcdn);
    }
    out.push(USER_LIBC_START);
    return out;
  }
  const leaf = isKernelText ? ip! : KERNEL_TEXT + BigInt((mix(seed) & 0x00fffff0) >>> 0);
  const depth = 4 + (mix(leaf) % 4);
  const out: bigint[] = [leaf];
  let cur = leaf;
  for (let i = 0; i < depth - 1; i++) {
    const h = mix(cur ^ BigInt(i + 1));
    // a call site somewhere inside a caller: function start (16-aligned) plus a return offset
    cur = KERNEL_TEXT + BigInt((h & 0x00fffff0) >>> 0) + BigInt(5 + ((h >>> 24) & 0x7f));
    out.push(cur);
  }
  out.push(ENTRY_SYSCALL);
  return out;
}

/** get_perf_callchain(…, max_depth): at most `maxDepth` frames of the simulated stack. */
function callchain(env: HelperEnv, user: boolean, maxDepth: number): bigint[] {
  return simulatedStack(env, user).slice(0, Math.min(maxDepth, PERF_EVENT_MAX_STACK));
}

registerHelper({
  id: 27, name: 'get_stackid',
  call(env, _ctx, mapPtr, flagsArg): HelperResult {
    const h = env.mapByAddr(mapPtr);
    if (!h) return { fault: `R2 = 0x${BigInt.asUintN(64, mapPtr).toString(16)} is not a map pointer` };
    if (!(h.impl instanceof StackTraceMap)) return { fault: `map '${h.impl.def.name}' is a ${h.impl.def.type} map, not a stack_trace` };
    const allowed = BigInt(BPF_F_SKIP_FIELD_MASK | BPF_F_USER_STACK | BPF_F_FAST_STACK_CMP | BPF_F_REUSE_STACKID);
    if (flagsArg & ~allowed) return errno(EINVAL);
    const flags = Number(flagsArg);
    const m = h.impl;
    const trace = callchain(env, (flags & BPF_F_USER_STACK) !== 0, m.maxDepth + (flags & BPF_F_SKIP_FIELD_MASK));
    env.mapWillChange(h.index, new Uint8Array(4));
    const id = m.getStackId(trace, flags);
    return id < 0 ? errno(-id) : BigInt(id);
  },
});

registerHelper({
  id: 67, name: 'get_stack',
  call(env, _ctx, buf, sizeArg, flagsArg): HelperResult {
    const size = Number(sizeArg & 0xffffffffn);
    const fail = (e: number): HelperResult => {
      if (size > 0) {
        const w = env.write(buf, new Uint8Array(size));
        if (w !== true) return { fault: w };
      }
      return errno(e);
    };
    const allowed = BigInt(BPF_F_SKIP_FIELD_MASK | BPF_F_USER_STACK | BPF_F_USER_BUILD_ID);
    if (flagsArg & ~allowed) return fail(EINVAL);
    const flags = Number(flagsArg);
    const user = (flags & BPF_F_USER_STACK) !== 0;
    const buildId = (flags & BPF_F_USER_BUILD_ID) !== 0;
    if (!user && buildId) return fail(EINVAL);
    const elem = buildId ? BUILD_ID_ELEM : 8;
    if (size % elem !== 0) return fail(EINVAL);
    const skip = flags & BPF_F_SKIP_FIELD_MASK;
    const num = size / elem;
    const trace = callchain(env, user, num + skip);
    if (trace.length < skip) return fail(EFAULT);
    const ips = trace.slice(skip, skip + num);
    const out = new Uint8Array(size);
    const dv = new DataView(out.buffer);
    ips.forEach((ip, i) => {
      if (buildId) {
        dv.setInt32(i * elem, BPF_STACK_BUILD_ID_IP, true);
        dv.setBigUint64(i * elem + 24, ip, true);
      } else dv.setBigUint64(i * 8, ip, true);
    });
    if (size > 0) {
      const w = env.write(buf, out);
      if (w !== true) return { fault: w };
    }
    return BigInt(ips.length * elem);
  },
});
