// Records the running kernel's verdicts for programs loaded by an UNPRIVILEGED user into
// testdata/verifier/unpriv-kernel.jsonl (the same record shape as kernel.jsonl: id, type, accepted, insn,
// message, block, processed, kernel release, plus a hash of what was loaded). Programs: the socket_filter
// and cgroup_skb programs of the verifier corpus (scripts/record-verifier-goldens.corpus.ts), the bundled
// examples of those types, and unprivCorpus() below, generated to hit the rules kernel/bpf/verifier.c and
// kernel/bpf/syscall.c apply only without CAP_BPF/CAP_PERFMON (pointer leaks, pointer comparisons, pointer
// arithmetic and its Spectre v1 sanitation, uninitialised stack, bpf-to-bpf calls and back-edges, helpers
// of bpf_base_func_proto behind the capability checks, cgroup_skb fields, LD_ABS, mixed spills, dead
// branches, map and program types, the 4096-instruction limit, BPF_F_ANY_ALIGNMENT). A refusal before the
// verifier (EPERM/E2BIG, no log) is recorded as a rejection compared on the verdict only.
// How: as root it lowers kernel.unprivileged_bpf_disabled from 2 to 0 for the duration (restored on every
// exit path), compiles scripts/unpriv-load.c with gcc, and runs it through
// `setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all` so the
// bpf(BPF_MAP_CREATE/BPF_PROG_LOAD) calls are made by nobody with no capabilities (the loader prints its
// uid and CapEff, checked here). Re-runnable: `npx tsx scripts/record-unpriv-goldens.ts`; without root,
// gcc or setpriv it prints why and exits 0 without touching the recording.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { corpusPrograms, type CorpusEntry } from './record-verifier-goldens.corpus';
import { parseKernelLog } from './record-verifier-goldens';
import { assemble } from '../worker/asm/index';
import { slotsToBytes } from '../worker/isa/insn';
import { which } from '../worker/testing/kernel';
import { HELPERS_BY_TYPE } from '../worker/progtypes/helpers.generated';

const root = path.resolve(import.meta.dirname, '..');
export const UNPRIV_GOLDENS = path.join(root, 'testdata/verifier/unpriv-kernel.jsonl');

/** Program types an unprivileged user may load (bpf_prog_load: everything else needs CAP_BPF). */
export const UNPRIV_TYPES = ['socket_filter', 'cgroup_skb'] as const;

// ---------------- the generated programs ----------------

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
type R = () => number;
const pick = <T>(r: R, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: R, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

// `one` has a single entry: direct value access (map_value(...) ll) needs max_entries 1 (array_map_direct_value_addr).
const MAPS = '.map m hash key=4 value=16 entries=16\n.map arr array key=4 value=48 entries=4\n.map one array key=4 value=48 entries=1\n';
/** r7 = a checked pointer to arr's value 0; r6 = ctx. */
const LOOKUP = '  r6 = r1\n  *(u32 *)(r10 - 4) = 0\n  r2 = r10\n  r2 += -4\n  r1 = arr ll\n  call 1\n  if r0 == 0 goto out\n  r7 = r0\n  r1 = r6\n';
/** Instruction text that leaves a pointer of some kind in rN (r1 = ctx, r7 = map value when `withMap`). */
const PTRS = (n: number): string[] => [`r${n} = r1`, `r${n} = r10`, `r${n} = r10\n  r${n} += -16`, `r${n} = m ll`, `r${n} = r7`, `r${n} = map_value(one, 8) ll`];
/** Scalars that are not constants: skb->len (off 0), mark (8), or a bounded mix. */
const SCALARS = (n: number): string[] => [
  `r${n} = *(u32 *)(r1 + 0)`, `r${n} = *(u32 *)(r1 + 8)\n  r${n} &= 7`, `r${n} = *(u32 *)(r1 + 0)\n  r${n} &= 15`,
  `r${n} = *(u32 *)(r1 + 0)\n  if r${n} > 16 goto out`, `r${n} = *(u32 *)(r1 + 0)\n  r${n} -= 4`, `r${n} = *(u32 *)(r1 + 0)\n  r${n} <<= 32\n  r${n} s>>= 32`,
  `r${n} = *(u32 *)(r1 + 4)\n  r${n} &= 63`, `r${n} = 8`, `r${n} = -8`,
];

type Gen = (r: R) => [string, string];

function wrap(type: string, body: string, withMap: boolean): [string, string] {
  return [type, `${withMap || body.includes(' ll') ? MAPS : ''}${withMap ? LOOKUP : ''}${body}\nout:\n  r0 = 0\n  exit\n`];
}

const GENS: Record<string, Gen> = {
  // Pointer leaks: as return value, into a map value, into ctx (cb[]), into a helper, by an atomic, by a partial fill.
  leakret: (r) => {
    const m = r() < 0.6;
    return wrap(pick(r, UNPRIV_TYPES), `  ${pick(r, PTRS(0).filter((p) => m || !p.includes('r7')))}\n  exit`, m);
  },
  leakmap: (r) => wrap('socket_filter', `  ${pick(r, PTRS(2))}\n  *(u${pick(r, [64, 64, 32])} *)(r7 + ${pick(r, [0, 8, 40])}) = r2`, true),
  leakctx: (r) => wrap(pick(r, UNPRIV_TYPES), `  ${pick(r, PTRS(2).filter((p) => !p.includes('r7') && !p.includes('map_value')))}\n  *(u${pick(r, [32, 64])} *)(r1 + ${pick(r, [48, 52, 56, 8])}) = r2`, false),
  leakhelper: (r) => wrap('socket_filter', `  ${pick(r, PTRS(4))}\n  r1 = m ll\n  r2 = r10\n  r2 += -4\n  r3 = r7\n  call 2`, true),
  leakhelper2: (r) => wrap('socket_filter', `  r8 = ${pick(r, ['r1', 'r10', 'r7'])}\n  *(u32 *)(r10 - 8) = 0\n  r1 = m ll\n  r2 = r10\n  r2 += -4\n  r3 = r7\n  r4 = r8\n  call 2`, true),
  leakatomic: (r) => wrap('socket_filter', `  ${pick(r, PTRS(2))}\n  ${pick(r, ['r3 = r7', 'r3 = r10\n  r3 += -16\n  *(u64 *)(r10 - 16) = 0'])}\n  lock *(u64 *)(r3 + 0) += r2`, true),
  leakfill: (r) => wrap('socket_filter', `  ${pick(r, PTRS(2))}\n  *(u64 *)(r10 - 16) = r2\n  r0 = *(u${pick(r, [8, 16, 32, 64])} *)(r10 - ${pick(r, [16, 12, 10])})\n  ${pick(r, ['r0 = 0', '*(u64 *)(r7 + 0) = r0', 'exit'])}`, true),
  // Pointer comparisons.
  cmp: (r) => {
    const a = pick(r, ['r1', 'r10', 'r7', 'r6', 'r8']);
    const b = pick(r, ['0', '1', 'r10', 'r1', 'r7', 'r8', 'r9', '-1']);
    const c = pick(r, ['==', '!=', '>', '<', 's>', '>=', '&']);
    return wrap('socket_filter', `  r8 = *(u32 *)(r1 + 0)\n  r9 = 0\n  if ${a} ${c} ${b} goto out\n  r0 = 1`, true);
  },
  cmp32: (r) => wrap('socket_filter', `  ${pick(r, PTRS(2))}\n  if w2 ${pick(r, ['==', '>', '!='])} ${pick(r, ['0', 'w3'])} goto out\n  r0 = 1`.replace('w3', 'w2'), true),
  // Pointer arithmetic: every ALU op on every pointer kind, with constants and unknown scalars.
  ptralu: (r) => {
    const op = pick(r, ['+=', '-=', '*=', '/=', '|=', '&=', '^=', '<<=', '>>=', 's>>=', '%=']);
    const w = r() < 0.15 ? 'w' : 'r';
    const rhs = r() < 0.5 ? String(pick(r, [0, 1, 4, 8, -8, 16, 47, 48, 100, -520, 512])) : `${w}8`;
    return wrap(pick(r, UNPRIV_TYPES), `  ${pick(r, SCALARS(8))}\n  ${pick(r, PTRS(2))}\n  ${w}2 ${op} ${rhs}\n  r0 = 0`, true);
  },
  ptrunary: (r) => wrap('socket_filter', `  ${pick(r, PTRS(2))}\n  ${pick(r, ['r2 = -r2', 'r2 = be16 r2', 'r2 = le64 r2', 'r2 = bswap32 r2', 'w3 = w2', 'r3 = (s8)r2', 'r3 = (s32)r2', 'w3 = (s16)w2'])}\n  r0 = 0`, true),
  scalarptr: (r) => wrap('socket_filter', `  ${pick(r, SCALARS(8))}\n  ${pick(r, PTRS(2))}\n  r8 ${pick(r, ['+=', '-=', '*=', '|='])} r2\n  r0 = 0`, true),
  ptrptr: (r) => wrap('socket_filter', `  ${pick(r, PTRS(2))}\n  ${pick(r, PTRS(3))}\n  r2 ${pick(r, ['-=', '+='])} r3\n  ${pick(r, ['r0 = 0', 'r0 = r2', 'r0 = r2\n  r0 &= 1'])}`, true),
  // Arithmetic then a dereference: the sanitised access rules (map value, stack, ctx).
  ptrderef: (r) => {
    const base = pick(r, ['r7', 'r10', 'r1', 'r10']);
    const pre = base === 'r10' ? `  r2 = r10\n  r2 += -${pick(r, [16, 32, 64, 128, 256, 512])}\n` : `  r2 = ${base}\n`;
    const init = base === 'r10' ? '  *(u64 *)(r10 - 8) = 0\n' : '';
    const sz = pick(r, [1, 2, 4, 8]);
    const off = pick(r, [0, 1, 4, 8, -8, 40, 44, 48]);
    return wrap(pick(r, UNPRIV_TYPES), `${init}  ${pick(r, SCALARS(8))}\n${pre}  r2 += ${pick(r, ['r8', 'r8', String(pick(r, [8, 4, 40, 48, 64, -4, -8]))])}\n  ${pick(r, [`r0 = *(u${sz * 8} *)(r2 ${off < 0 ? '-' : '+'} ${Math.abs(off)})`, `*(u${sz * 8} *)(r2 ${off < 0 ? '-' : '+'} ${Math.abs(off)}) = 1`])}`, true);
  },
  // sanitize_ptr_alu across paths: the same instruction adds scalars to pointers with different limits.
  paths: (r) => {
    const a = pick(r, ['r7', 'r10\n  r2 += -32']);
    const b = pick(r, ['r7\n  r2 += 8', 'r7\n  r2 += 16', 'r10\n  r2 += -16', 'r1', 'map_value(one, 0) ll', 'r7', 'map_value(arr, 0) ll']);
    return wrap('socket_filter', `  r8 = *(u32 *)(r1 + 0)\n  r8 &= ${pick(r, [7, 15, 3])}\n  r9 = *(u32 *)(r1 + 8)\n  r2 = ${a}\n  if r9 ${pick(r, ['==', '>'])} ${pick(r, [0, 1])} goto l1\n  r2 = ${b}\nl1:\n  r2 ${pick(r, ['+=', '-='])} r8\n  ${pick(r, ['r0 = *(u8 *)(r2 + 0)', 'r0 = 0', '*(u8 *)(r2 + 0) = 1'])}`, true);
  },
  // Stack: uninitialised reads (direct, partial, through helpers), variable offsets, mixed spills.
  stackread: (r) => {
    const init = pick(r, ['', '  *(u32 *)(r10 - 8) = 0\n', '  *(u64 *)(r10 - 8) = 0\n', '  *(u8 *)(r10 - 1) = 0\n', '  r2 = 1\n  *(u32 *)(r10 - 4) = r2\n']);
    const sz = pick(r, [1, 2, 4, 8]);
    const off = pick(r, [-8, -4, -2, -1, -16, -6]);
    return wrap(pick(r, UNPRIV_TYPES), `${init}  r0 = *(u${sz * 8} *)(r10 - ${-off})`, false);
  },
  stackhelper: (r) => {
    const init = pick(r, ['', '  *(u32 *)(r10 - 8) = 0\n', '  *(u64 *)(r10 - 8) = 0\n', '  *(u64 *)(r10 - 16) = 0\n  *(u64 *)(r10 - 8) = 0\n', '  *(u64 *)(r10 - 8) = r10\n', '  *(u64 *)(r10 - 16) = r1\n  *(u64 *)(r10 - 8) = 0\n']);
    const what = pick(r, ['lookup', 'update', 'update']);
    const call = what === 'lookup'
      ? `  r1 = m ll\n  r2 = r10\n  r2 += -${pick(r, [4, 8, 16])}\n  call 1`
      : `  r1 = m ll\n  r2 = r10\n  r2 += -4\n  r3 = r10\n  r3 += -16\n  r4 = 0\n  call 2`;
    return [pick(r, UNPRIV_TYPES), `${MAPS}  *(u32 *)(r10 - 4) = 0\n${init}${call}\n  r0 = 0\n  exit\n`];
  },
  stackvar: (r) => wrap(pick(r, UNPRIV_TYPES), `  *(u64 *)(r10 - 16) = 0\n  *(u64 *)(r10 - 8) = 0\n  ${pick(r, SCALARS(8))}\n  r2 = r10\n  r2 += -16\n  r2 += r8\n  ${pick(r, ['r0 = *(u8 *)(r2 + 0)', '*(u8 *)(r2 + 0) = 1', 'r0 = 0'])}`, false),
  spills: (r) => {
    const p = pick(r, ['r1', 'r10', 'r7', 'r8']);
    const sizes = [8, 16, 32, 64];
    const w = `*(u${pick(r, sizes)} *)(r10 - ${pick(r, [8, 6, 4, 5, 1, 16])}) = ${pick(r, ['0', 'r9', 'r1'])}`;
    const rd = `r0 = *(u${pick(r, sizes)} *)(r10 - ${pick(r, [8, 4, 16])})`;
    return wrap('socket_filter', `  r8 = *(u32 *)(r1 + 0)\n  r9 = 5\n  *(u64 *)(r10 - 16) = 0\n  *(u64 *)(r10 - 8) = ${p}\n  ${w}\n  ${rd}\n  ${pick(r, ['r0 = 0', 'r0 &= 1', 'r2 = *(u64 *)(r10 - 8)\n  r0 = *(u8 *)(r2 + 0)'])}`, true);
  },
  // Calls and loops (bpf_capable), helpers behind the capability checks, legacy packet loads.
  calls: (r) => [pick(r, UNPRIV_TYPES), pick(r, [
    '  call f\n  exit\nf:\n  r0 = 0\n  exit\n',
    '  r6 = r1\n  call f\n  r0 = 0\n  exit\nf:\n  r0 = 1\n  exit\n',
    `  r0 = 0\nl:\n  r0 += 1\n  if r0 < ${int(r, 2, 20)} goto l\n  r0 = 0\n  exit\n`,
    `  r0 = 0\n  r1 = ${int(r, 1, 4)}\nl:\n  may_goto +2\n  r0 += r1\n  goto l\n  r0 = 0\n  exit\n`,
    '  r0 = 0\n  goto +1\n  exit\n  goto -2\n',
    `  r0 = 0\n  if r0 == 0 goto +1\n  goto -${int(r, 2, 3)}\n  exit\n`,
  ])],
  ldabs: (r) => ['socket_filter', `  r6 = r1\n  ${pick(r, ['r7 = 2', 'r7 = *(u32 *)(r1 + 0)', 'r7 = r10'])}\n  r0 = *(u${pick(r, [8, 16, 32])} *)skb[${pick(r, ['', 'r7 + '])}${pick(r, [0, 12, 14, 23, -1])}]\n  ${pick(r, ['r0 = 0', 'r0 &= 1', 'exit'])}\n  exit\n`.replace('+ -1', '- 1')],
  // Branches the verifier knows the outcome of, with a fault on the dead side (speculative paths).
  dead: (r) => {
    const bad = pick(r, ['r0 = r10\n  exit', 'r0 = *(u64 *)(r10 - 64)', 'r0 = *(u32 *)(r7 + 60)', 'r0 = *(u8 *)(r2 + 0)', 'r1 = r10\n  r1 += r8\n  r0 = 0', 'r0 = *(u32 *)(r1 + 1000)', 'call 4']);
    const cond = pick(r, ['if r9 == 0 goto +', 'if r9 != 1 goto +', 'if r9 > 4 goto +', 'if w9 s< 0 goto +', 'if r9 & 1 goto +']);
    const n = bad.split('\n').length;
    return wrap('socket_filter', `  r8 = *(u32 *)(r1 + 0)\n  r2 = 0\n  r9 = ${pick(r, [0, 1, 5])}\n  ${cond}${n}\n  ${bad}\n  r0 = 0`, true);
  },
  // The same add/sub reached with different masking windows (other scalar kinds, signs or pointer offsets per path).
  paths2: (r) => {
    const s1 = pick(r, ['r8 &= 7', 'r8 &= 15', 'r8 = 3', 'r8 = -3', 'r8 &= 7\n  r8 -= 8', 'r8 = 0']);
    const s2 = pick(r, ['r8 &= 7', 'r8 &= 3', 'r8 = 5', 'r8 = -2', 'r8 = 0']);
    const p2 = pick(r, ['', '  r2 += 8\n', '  r2 += 16\n', '  r2 = map_value(one, 0) ll\n']);
    return wrap('socket_filter', `  r8 = *(u32 *)(r1 + 0)\n  r9 = *(u32 *)(r1 + 8)\n  r2 = r7\n  r2 += 16\n  if r9 ${pick(r, ['==', '>', 's<'])} ${pick(r, [0, 2])} goto l1\n  ${s1}\n${p2}  goto l2\nl1:\n  ${s2}\nl2:\n  r2 ${pick(r, ['+=', '-='])} r8\n  ${pick(r, ['r0 = *(u8 *)(r2 + 0)', 'r0 = 0'])}`, true);
  },
  // Atomics: pointers as operands (cmpxchg compares with R0), on stack and map values.
  atomics: (r) => {
    const dst = pick(r, ['r7', 'r3']);
    const pre = dst === 'r3' ? '  *(u64 *)(r10 - 16) = 0\n  r3 = r10\n  r3 += -16\n' : '';
    const src = pick(r, ['r8', 'r1', 'r10', 'r9']);
    const op = pick(r, ['lock *(u64 *)(D + 0) += S', 'r0 = cmpxchg_64(D + 0, r0, S)', 'S = xchg_64(D + 0, S)', 'lock *(u64 *)(D + 0) |= S', 'S = atomic_fetch_add((u64 *)(D + 0), S)']);
    return wrap('socket_filter', `  r8 = *(u32 *)(r1 + 0)\n  r9 = 1\n  r0 = ${pick(r, ['0', 'r10', 'r1', 'r8'])}\n${pre}  ${op.replace(/D/g, dst).replace(/S/g, src)}\n  r0 = 0`, true);
  },
  // Ring buffer memory: pointer arithmetic on it, leaks into it, returning it.
  ringbuf: (r) => [pick(r, UNPRIV_TYPES), `${MAPS}.map rb ringbuf key=0 value=0 entries=4096\n  r6 = r1\n  r1 = rb ll\n  r2 = ${pick(r, [8, 16])}\n  r3 = 0\n  call 131\n  if r0 == 0 goto out\n  ${pick(r, ['*(u64 *)(r0 + 0) = r6', '*(u64 *)(r0 + 0) = r10', 'r1 = *(u32 *)(r6 + 0)\n  r1 &= 7\n  r0 += r1', 'r0 += 4', '*(u32 *)(r0 + 4) = 1', 'if r0 > r6 goto +0'])}\n  r1 = r0\n  r2 = 0\n  call 132\nout:\n  r0 = 0\n  exit\n`],
  // Pointer arithmetic on other map kinds (hash values of 16 bytes) with bounded scalars.
  mapkinds: (r) => {
    const key = '  *(u32 *)(r10 - 4) = 0\n  r2 = r10\n  r2 += -4\n  r1 = m ll\n  call 1\n  if r0 == 0 goto out\n';
    return [pick(r, UNPRIV_TYPES), `${MAPS}  r6 = r1\n${key}  r8 = *(u32 *)(r6 + 0)\n  ${pick(r, ['r8 &= 7', 'r8 &= 15', 'r8 &= 8', 'if r8 > 8 goto out', 'if r8 s> 8 goto out', 'r8 &= 7\n  r8 += 8'])}\n  r0 ${pick(r, ['+=', '-='])} ${pick(r, ['r8', '8', '12', '16'])}\n  r0 = *(u${pick(r, [8, 32, 64])} *)(r0 + ${pick(r, [0, 4, 8])})\nout:\n  r0 = 0\n  exit\n`];
  },
  // cgroup_skb's __sk_buff->sk (a socket pointer that may be NULL): null checks, loads, leaks, helpers.
  sock: (r) => {
    const use = pick(r, ['r0 = *(u32 *)(r2 + 4)', 'r0 = *(u32 *)(r2 + 200)', 'r0 = r2\n  exit', '*(u64 *)(r7 + 0) = r2', 'r1 = r2\n  call 95\n  if r0 == 0 goto out\n  r0 = *(u32 *)(r0 + 8)',
      'r1 = r2\n  call 96\n  if r0 == 0 goto out\n  r0 = *(u32 *)(r0 + 0)', 'if r2 > r7 goto out', 'r2 += 4', '*(u64 *)(r10 - 8) = r2\n  r0 = *(u32 *)(r10 - 8)', 'r1 = r6\n  r2 = r2\n  call 26']);
    return wrap('cgroup_skb', `  r2 = *(u64 *)(r6 + 168)\n  ${pick(r, ['if r2 == 0 goto out', 'if r2 != 0 goto +1\n  goto out', ''])}\n  ${use}`, true);
  },
  // Pointers as ARG_ANYTHING arguments of the helpers unprivileged programs keep.
  leakarg: (r) => {
    const p = pick(r, ['r10', 'r6', 'r7', 'r8']);
    return wrap(pick(r, UNPRIV_TYPES), `  r8 = r10\n  r8 += -16\n  *(u64 *)(r10 - 16) = 0\n  ${pick(r, [
      `r1 = r6\n  r2 = ${p}\n  r3 = r8\n  r4 = 4\n  call 26`,
      `r1 = m ll\n  r2 = r10\n  r2 += -4\n  r3 = r8\n  r4 = ${p}\n  call 2`,
      `r1 = r6\n  r2 = m ll\n  r3 = ${p}\n  call 12`,
      `r1 = r6\n  r2 = ${p}\n  r3 = 0\n  call 68`.replace('r3 = 0\n  call 68', 'r3 = r8\n  r4 = 4\n  r5 = 0\n  call 68'),
      `r1 = ${p}\n  call 46`,
    ])}`, true);
  },
  // Longer paths that join before a masked add (enough instructions between jumps for states to be
  // kept, so pruning decides whether the second window is seen: the kernel's explore_alu_limits).
  pathsprune: (r) => {
    const pad = (n: number): string => '  r3 = 1\n' + '  r3 += 1\n'.repeat(n);
    const m1 = pick(r, ['r8 &= 3', 'r8 &= 7', 'r8 = 2', 'r8 &= 15', 'r8 &= 1']);
    const m2 = pick(r, ['r8 &= 3', 'r8 &= 7', 'r8 = 2', 'r8 &= 1']);
    const tail = pick(r, ['r2 = r7\n  r2 += r8\n  r0 = *(u8 *)(r2 + 0)', 'r2 = r7\n  r2 += 8\n  r2 -= r8\n  r0 = *(u8 *)(r2 + 0)', 'r2 = r7\n  r2 += r8\n  r2 += r8\n  r0 = *(u8 *)(r2 + 0)']);
    return wrap('socket_filter', `  r8 = *(u32 *)(r1 + 0)\n  r9 = *(u32 *)(r1 + 8)\n  if r9 == 0 goto a\n  ${m1}\n${pad(int(r, 0, 10))}  goto j\na:\n  ${m2}\n${pad(int(r, 4, 12))}  if r9 == 5 goto j\n${pad(int(r, 0, 10))}j:\n  ${tail}`, true);
  },
  // Released references (ringbuf records, socket lookups): copies become NOT_INIT without CAP_PERFMON (mark_reg_invalid).
  release: (r) => {
    const after = pick(r, ['r0 = *(u64 *)(r6 + 0)', 'r0 = r6', 'r0 = 0', 'if r6 == 0 goto out', 'r1 = r6\n  r2 = 0\n  call 132']);
    if (r() < 0.5) {
      return ['socket_filter', `${MAPS}.map rb ringbuf key=0 value=0 entries=4096\n  r1 = rb ll\n  r2 = 8\n  r3 = 0\n  call 131\n  if r0 == 0 goto out\n  r6 = r0\n  r1 = r0\n  r2 = 0\n  call ${pick(r, [132, 133])}\n  ${after}\nout:\n  r0 = 0\n  exit\n`];
    }
    const z = '  r2 = 0\n  *(u64 *)(r10 - 8) = r2\n  *(u64 *)(r10 - 16) = r2\n  *(u64 *)(r10 - 24) = r2\n  *(u64 *)(r10 - 32) = r2\n  *(u64 *)(r10 - 40) = r2\n';
    return ['cgroup_skb', `${z}  r2 = r10\n  r2 += -40\n  r3 = 12\n  r4 = -1\n  r5 = 0\n  call ${pick(r, [84, 85])}\n  if r0 == 0 goto out\n  r6 = r0\n  r1 = r0\n  call 86\n  ${after.replace('call 132', 'call 86')}\nout:\n  r0 = 1\n  exit\n`];
  },
  // Null checks in 32-bit and other forms (only a 64-bit ==/!= 0 test is a null check).
  nullck32: (r) => wrap('socket_filter', `  *(u32 *)(r10 - 8) = 0\n  r2 = r10\n  r2 += -8\n  r1 = m ll\n  call 1\n  ${pick(r, ['if w0 == 0 goto out', 'if w0 != 0 goto +1\n  goto out', 'if r0 s< 1 goto out', 'if r0 < 1 goto out', 'if r0 == 0 goto out\n  if r0 != 0 goto +0', 'if r0 == 0 goto out\n  if w0 == 0 goto out'])}\n  r0 = *(u64 *)(r0 + 0)`, true),
  // Scalars through the stack: without CAP_BPF a spilled scalar is not tracked (check_stack_write_fixed_off
  // saves the register only when env->bpf_capable), so its bounds are lost unless it is zero.
  scalarspill: (r) => {
    const v = pick(r, ['r8 = *(u32 *)(r1 + 0)\n  r8 &= 7', 'r8 = 4', 'r8 = 0', 'r8 = *(u32 *)(r1 + 0)\n  if r8 > 8 goto out', 'r8 = -1']);
    const st = pick(r, ['*(u64 *)(r10 - 16) = r8', '*(u32 *)(r10 - 16) = r8', '*(u64 *)(r10 - 16) = 0', '*(u32 *)(r10 - 16) = 4', '*(u64 *)(r10 - 16) = 4']);
    const ld = pick(r, ['r8 = *(u64 *)(r10 - 16)', 'r8 = *(u32 *)(r10 - 16)', 'r8 = *(u8 *)(r10 - 16)']);
    const use = pick(r, ['r2 = r7\n  r2 += r8\n  r0 = *(u8 *)(r2 + 0)', 'r2 = r10\n  r2 += -32\n  r2 += r8\n  r0 = *(u8 *)(r2 + 0)', 'r0 = r8\n  r0 &= 1', 'if r8 > 7 goto out\n  r2 = r7\n  r2 += r8\n  r0 = *(u8 *)(r2 + 0)']);
    return wrap('socket_filter', `  ${v}\n  *(u64 *)(r10 - 32) = 0\n  *(u64 *)(r10 - 24) = 0\n  ${st}\n  ${ld}\n  ${use}`, true);
  },
  // Random mixes: a few registers holding pointers and scalars, then random moves, ALU, stores, loads,
  // comparisons and exits, so the rules meet in orders no hand-written family tries.
  soup: (r) => {
    const reg = (): string => `r${pick(r, [2, 3, 4, 5, 8, 9])}`;
    const ops: (() => string)[] = [
      () => `${reg()} = ${pick(r, ['r1', 'r10', 'r7', 'r6', reg()])}`,
      () => `${reg()} ${pick(r, ['+=', '-=', '&=', '+=', '+='])} ${pick(r, [reg(), '8', '-8', '1', '48'])}`,
      () => `${reg()} = *(u32 *)(r6 + ${pick(r, [0, 4, 8, 16, 48])})`,
      () => `${reg()} &= ${pick(r, [7, 15, 63])}`,
      () => `*(u64 *)(r10 - ${pick(r, [8, 16, 24])}) = ${reg()}`,
      () => `*(u${pick(r, [32, 64])} *)(r7 + ${pick(r, [0, 8, 40])}) = ${reg()}`,
      () => `${reg()} = *(u64 *)(r10 - ${pick(r, [8, 16, 24])})`,
      () => `${reg()} = *(u${pick(r, [8, 32, 64])} *)(${reg()} + 0)`,
      () => `if ${reg()} ${pick(r, ['>', '==', 's<', '!='])} ${pick(r, ['0', '7', reg()])} goto out`,
      () => `w${pick(r, [2, 3, 8])} = w${pick(r, [2, 3, 8])}`,
    ];
    const n = int(r, 3, 8);
    let body = '  r2 = 0\n  r3 = 0\n  r4 = 0\n  r5 = 0\n  r8 = 0\n  r9 = 0\n  *(u64 *)(r10 - 8) = 0\n  *(u64 *)(r10 - 16) = 0\n  *(u64 *)(r10 - 24) = 0\n';
    for (let k = 0; k < n; k++) body += `  ${pick(r, ops)()}\n`;
    body += `  ${pick(r, ['r0 = 0', 'r0 = r2', 'r0 = r8\n  r0 &= 1', 'r0 = 1'])}\n  exit`;
    return wrap(pick(r, UNPRIV_TYPES), body, true);
  },
  // Longer mixes with forward jumps over single instructions, so paths split and join (pruning meets
  // the unprivileged rules: masking windows, spilled pointers, leaks on one side only).
  soupj: (r) => {
    const reg = (): string => `r${pick(r, [2, 3, 8, 9])}`;
    const ops: (() => string)[] = [
      () => `${reg()} = ${pick(r, ['r1', 'r10', 'r7', reg()])}`,
      () => `${reg()} += ${pick(r, [reg(), '8', '-8', '4'])}`,
      () => `${reg()} = *(u32 *)(r6 + ${pick(r, [0, 8])})\n  ${reg()} &= ${pick(r, [3, 7, 15])}`,
      () => `*(u64 *)(r10 - ${pick(r, [8, 16])}) = ${reg()}`,
      () => `${reg()} = *(u64 *)(r10 - ${pick(r, [8, 16])})`,
      () => `r0 = *(u8 *)(${reg()} + 0)`,
      () => `*(u64 *)(r7 + ${pick(r, [0, 8])}) = ${reg()}`,
      () => `if r9 ${pick(r, ['>', '==', '&'])} ${pick(r, [0, 1, 3])} goto +1`,
      () => `if r9 ${pick(r, ['>', '==', '&'])} ${pick(r, [0, 1, 3])} goto +1`,
    ];
    const n = int(r, 6, 14);
    let body = '  r2 = r7\n  r3 = 0\n  r8 = *(u32 *)(r6 + 0)\n  r8 &= 7\n  r9 = *(u32 *)(r6 + 4)\n  *(u64 *)(r10 - 8) = 0\n  *(u64 *)(r10 - 16) = 0\n';
    for (let k = 0; k < n; k++) body += `  ${pick(r, ops)()}\n`;
    body += `  ${pick(r, ['r0 = 0', 'r0 = r2', 'r0 = r3\n  r0 &= 1'])}\n  exit`;
    return wrap('socket_filter', body, true);
  },
  // may_goto without a loop (no back-edge), and gotol.
  jcond: (r) => [pick(r, UNPRIV_TYPES), pick(r, [
    `  r0 = ${int(r, 0, 1)}\n  may_goto +1\n  r0 = 1\n  exit\n`,
    `  r0 = 0\n  may_goto +2\n  r0 = r10\n  exit\n  exit\n`,
    `  r0 = 1\n  gotol +1\n  r0 = 0\n  exit\n`,
    `  r2 = r10\n  may_goto +1\n  r2 += -8\n  r0 = 1\n  exit\n`,
  ])],
  // Null checks and pointers that may be NULL (both modes), as a control group.
  nullck: (r) => wrap('socket_filter', `  *(u32 *)(r10 - 8) = 0\n  r2 = r10\n  r2 += -8\n  r1 = m ll\n  call 1\n  ${pick(r, ['if r0 == 0 goto out', 'if r0 != 0 goto +1\n  goto out', 'if r0 == 1 goto out', ''])}\n  r0 = *(u64 *)(r0 + ${pick(r, [0, 8, 12])})`, true),
  // Register reads of NOT_INIT (both modes), partial copies of pointers through the stack.
  misc: (r) => [pick(r, UNPRIV_TYPES), pick(r, [
    `  r0 = r${int(r, 2, 9)}\n  exit\n`,
    '  r2 = r10\n  r2 += -8\n  *(u64 *)(r2 + 0) = r1\n  r0 = *(u64 *)(r2 + 0)\n  r0 = *(u32 *)(r0 + 0)\n  r0 = 0\n  exit\n',
    `  r0 = *(u32 *)(r1 + ${pick(r, [0, 4, 8, 16, 20, 24, 48, 76, 80, 140, 144, 152, 168, 176])})\n  r0 = 0\n  exit\n`,
    `  r2 = 1\n  *(u${pick(r, [32, 64])} *)(r1 + ${pick(r, [8, 12, 48, 52, 60, 64, 152, 156])}) = r2\n  r0 = 0\n  exit\n`,
    `  r0 = ${pick(r, [0, 1, 2, 3, -1])}\n  exit\n`,
  ])],
};

/** Programs aimed at the unprivileged rules (seeded; duplicates removed, so ids are stable per seed). */
export function unprivCorpus(seed = 17, perFamily = 40): { id: string; type: string; source: string }[] {
  const r = rng(seed);
  const out: { id: string; type: string; source: string }[] = [];
  const seen = new Set<string>();
  for (const [name, g] of Object.entries(GENS)) {
    const n = name === 'soup' || name === 'soupj' ? perFamily * 10 : name === 'ptralu' || name === 'ptrderef' ? perFamily * 2 : perFamily;
    let k = 0;
    for (let tries = 0; tries < n * 4 && k < n; tries++) {
      const [type, source] = g(r);
      const key = `${type}\n${source}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ id: `unp-${name}-${k++}`, type, source });
    }
  }
  // Every helper the privileged loader may call from these types, called once: which ones does
  // bpf_base_func_proto / sk_filter_func_proto / cg_skb_func_proto still give without CAP_BPF/CAP_PERFMON?
  for (const type of UNPRIV_TYPES) {
    for (const id of HELPERS_BY_TYPE[type]?.allowed ?? []) {
      out.push({ id: `unp-helper-${type}-${id}`, type, source: `  r6 = r1\n  r1 = 0\n  r2 = 0\n  r3 = 0\n  r4 = 0\n  r5 = 0\n  call ${id}\n  r0 = 0\n  exit\n` });
    }
  }
  // Which map types may an unprivileged user create at all (map_create)?
  const MAPDEFS = ['hash key=4 value=8 entries=4', 'array key=4 value=8 entries=4', 'percpu_hash key=4 value=8 entries=4',
    'percpu_array key=4 value=8 entries=4', 'lru_hash key=4 value=8 entries=4', 'lru_percpu_hash key=4 value=8 entries=4',
    'lpm_trie key=8 value=8 entries=4 flags=1', 'queue key=0 value=8 entries=4', 'stack key=0 value=8 entries=4',
    'stack_trace key=4 value=64 entries=4', 'bloom_filter key=0 value=4 entries=4', 'perf_event_array key=4 value=4 entries=4',
    'prog_array key=4 value=4 entries=4', 'cgroup_array key=4 value=4 entries=4', 'ringbuf key=0 value=0 entries=4096'];
  for (const def of MAPDEFS) {
    out.push({ id: `unp-maptype-${def.split(' ')[0]}`, type: 'socket_filter', source: `.map x ${def}\n  r1 = x ll\n  r0 = 0\n  exit\n` });
  }
  // Program types an unprivileged user may not load (recorded as EPERM without a log).
  for (const type of ['xdp', 'sched_cls', 'kprobe']) out.push({ id: `unp-progtype-${type}`, type, source: '  r0 = 0\n  exit\n' });
  // The size limit without CAP_BPF (BPF_MAXINSNS).
  for (const n of [4095, 4096, 4097]) out.push({ id: `unp-size-${n}`, type: 'socket_filter', source: `${'  r0 = 0\n'.repeat(n - 1)}  exit\n` });
  return out;
}

/** The bundled examples (worker/examples/<section>/<id>.s) of the unprivileged types, in the llvm or ubpf dialect. */
function examplePrograms(): { id: string; type: string; source: string; syntax: 'llvm' | 'ubpf' }[] {
  const dir = path.join(root, 'worker/examples');
  if (!existsSync(dir)) return [];
  const out: { id: string; type: string; source: string; syntax: 'llvm' | 'ubpf' }[] = [];
  for (const section of readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    for (const f of readdirSync(path.join(dir, section)).filter((x) => x.endsWith('.s')).sort()) {
      const text = readFileSync(path.join(dir, section, f), 'utf8');
      const head = /^#\s*(\{.*\})/.exec(text);
      if (!head) continue;
      let meta: { type?: string; dialect?: string };
      try { meta = JSON.parse(head[1]!) as { type?: string; dialect?: string }; } catch { continue; }
      if (!meta.type || !(UNPRIV_TYPES as readonly string[]).includes(meta.type)) continue;
      if (meta.dialect !== 'llvm' && meta.dialect !== 'ubpf') continue;
      out.push({ id: `unp-example-${section}-${f.replace(/\.s$/, '')}`, type: meta.type, source: text, syntax: meta.dialect });
    }
  }
  return out;
}

/** What a recording was made from (program type, instruction bytes, map types and sizes): a changed program makes its record stale. */
export function programHash(e: CorpusEntry & { progFlags?: number }): string {
  if (!e.program) return '';
  const maps = e.program.maps.map((m) => `${m.type}:${m.keySize}:${m.valueSize}:${m.maxEntries}:${m.flags}`).join(',');
  return createHash('sha256').update(`${e.type}|${Buffer.from(slotsToBytes(e.program.slots)).toString('hex')}|${maps}|${e.program.license ?? ''}`).update(e.progFlags ? `|flags=${e.progFlags}` : '').digest('hex').slice(0, 16);
}

/** A program to load, with the BPF_PROG_LOAD prog_flags it is loaded with (bpfplay has no flags: it verifies as without them). */
export type UnprivEntry = CorpusEntry & { progFlags?: number };

/** BPF_F_ANY_ALIGNMENT: allowed without CAP_BPF where the architecture has efficient unaligned access (x86-64). */
const BPF_F_ANY_ALIGNMENT = 2;

/**
 * Everything the recording and the differential test compare: the corpus's socket_filter/cgroup_skb
 * programs, the bundled examples, unprivCorpus(), and the alignment-sensitive families once more with
 * BPF_F_ANY_ALIGNMENT (id suffix `+anyalign`), which should not change an unprivileged verdict here.
 */
export function unprivEntries(): UnprivEntry[] {
  const out: UnprivEntry[] = corpusPrograms().filter((e) => (UNPRIV_TYPES as readonly string[]).includes(e.type));
  for (const x of examplePrograms()) {
    const a = assemble(x.source, { syntax: x.syntax });
    if (!a.program || a.diagnostics.some((d) => d.severity === 'error')) continue; // multi-program examples and the like
    a.program.progType = x.type;
    a.program.license ??= 'GPL';
    out.push({ id: x.id, type: x.type, program: a.program, source: x.source });
  }
  for (const p of unprivCorpus()) {
    const a = assemble(p.source, { syntax: 'llvm' });
    if (!a.program || a.diagnostics.some((d) => d.severity === 'error')) {
      out.push({ id: p.id, type: p.type, program: null, error: a.diagnostics.map((d) => d.message).join('; '), source: p.source });
      continue;
    }
    a.program.progType = p.type;
    a.program.license ??= 'GPL';
    out.push({ id: p.id, type: p.type, program: a.program, source: p.source });
  }
  const aligned = out.filter((e) => e.program && /^unp-(ptrderef|stackread|spills|leakfill|mapkinds|scalarspill)-/.test(e.id));
  for (const e of aligned) out.push({ ...e, id: `${e.id}+anyalign`, progFlags: BPF_F_ANY_ALIGNMENT });
  return out;
}

// ---------------- recording ----------------

const PROG_TYPE_IDS: Record<string, number> = { socket_filter: 1, kprobe: 2, sched_cls: 3, xdp: 6, cgroup_skb: 8 };
const MAP_TYPE_IDS: Record<string, number> = {
  hash: 1, array: 2, prog_array: 3, perf_event_array: 4, percpu_hash: 5, percpu_array: 6, stack_trace: 7, cgroup_array: 8,
  lru_hash: 9, lru_percpu_hash: 10, lpm_trie: 11, array_of_maps: 12, hash_of_maps: 13, queue: 22, stack: 23, ringbuf: 27, bloom_filter: 30,
};

function skipReason(): string {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  if (!process.getuid || process.getuid() !== 0) return 'not root: lowering kernel.unprivileged_bpf_disabled and dropping to nobody need root';
  if (!which('gcc')) return 'gcc is not installed (needed to build scripts/unpriv-load.c)';
  if (!which('setpriv')) return 'setpriv (util-linux) is not installed';
  return '';
}

function main(): void {
  const why = skipReason();
  if (why) {
    console.error(`record-unpriv-goldens: skipped: ${why}`);
    return;
  }
  const release = os.release();
  const entries = unprivEntries();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bpfplay-unpriv-'));
  chmodSync(dir, 0o755);
  const loader = path.join(dir, 'unpriv-load');
  execFileSync('gcc', ['-O2', '-Wall', '-o', loader, path.join(root, 'scripts/unpriv-load.c')], { stdio: 'inherit' });
  chmodSync(loader, 0o755);
  // The input for the loader; programs it cannot load (map-in-map, unknown map types) get a loaderError.
  const lines: string[] = [];
  const sent: UnprivEntry[] = [];
  const out = new Map<string, object>();
  for (const e of entries) {
    const base = { id: e.id, type: e.type, kernel: release, ...(e.progFlags ? { progFlags: e.progFlags } : {}) };
    if (!e.program) { out.set(e.id, { ...base, accepted: false, insn: -1, message: '', block: [], processed: 0, loaderError: `assembler: ${e.error}` }); continue; }
    const bad = e.program.maps.find((m) => m.inner || MAP_TYPE_IDS[m.type] === undefined);
    if (bad) { out.set(e.id, { ...base, accepted: false, insn: -1, message: '', block: [], processed: 0, loaderError: `map ${bad.name} (${bad.type}) not created by unpriv-load` }); continue; }
    const hex = Buffer.from(slotsToBytes(e.program.slots)).toString('hex');
    const license = (e.program.license ?? 'GPL').replace(/[\r\n]/g, ' ');
    lines.push(`P ${PROG_TYPE_IDS[e.type]} ${e.program.slots.length} ${e.program.maps.length} ${e.progFlags ?? 0} ${license}`);
    for (const m of e.program.maps) lines.push(`M ${MAP_TYPE_IDS[m.type]} ${m.keySize} ${m.valueSize} ${m.maxEntries} ${m.flags >>> 0}`);
    lines.push(`I ${hex}`);
    sent.push(e);
  }
  let before = '';
  let result: ReturnType<typeof spawnSync> | undefined;
  const restore = (): void => {
    if (before) {
      try { execFileSync('sysctl', ['-qw', `kernel.unprivileged_bpf_disabled=${before}`]); } catch { /* reported below */ }
    }
  };
  process.on('SIGINT', () => { restore(); process.exit(130); });
  process.on('SIGTERM', () => { restore(); process.exit(143); });
  try {
    before = readFileSync('/proc/sys/kernel/unprivileged_bpf_disabled', 'utf8').trim();
    if (before === '1') throw new Error('kernel.unprivileged_bpf_disabled is 1 (locked until reboot): cannot record');
    execFileSync('sysctl', ['-qw', 'kernel.unprivileged_bpf_disabled=0']);
    result = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all', '--bounding-set=-all', loader], {
      input: lines.join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 30, timeout: 600_000,
    });
  } finally {
    restore();
    rmSync(dir, { recursive: true, force: true });
  }
  const now = readFileSync('/proc/sys/kernel/unprivileged_bpf_disabled', 'utf8').trim();
  if (now !== before) console.error(`WARNING: kernel.unprivileged_bpf_disabled is ${now}, was ${before}`);
  if (!result || result.status !== 0) throw new Error(`unpriv-load failed: ${result?.error ?? ''} ${String(result?.stderr ?? '')}`);
  const outLines = String(result.stdout).trim().split('\n');
  const head = /^H uid=(\d+) capeff=([0-9a-f]+)$/.exec(outLines[0] ?? '');
  if (!head || head[1] !== '65534' || BigInt(`0x${head[2]}`) !== 0n) throw new Error(`the loader was not unprivileged: ${outLines[0]}`);
  const res = outLines.slice(1);
  if (res.length !== sent.length) throw new Error(`loader answered ${res.length} of ${sent.length} programs`);
  sent.forEach((e, k) => {
    const base = { id: e.id, type: e.type, kernel: release, ...(e.progFlags ? { progFlags: e.progFlags } : {}) };
    const f = res[k]!.split(' ');
    if (f[1] === 'mapfail') {
      // EPERM from map_create is the unprivileged rule itself: a rejection without a log (compared on the verdict).
      if (f[2] === '1') out.set(e.id, { ...base, accepted: false, insn: -1, message: '', block: [], processed: 0, errno: 1, truncated: `map ${f[3]}: map_create EPERM` });
      else out.set(e.id, { ...base, accepted: false, insn: -1, message: '', block: [], processed: 0, loaderError: `map ${f[3]} create failed: errno ${f[2]}` });
      return;
    }
    const log = Buffer.from(f[3] ?? '', 'hex').toString('utf8');
    const parsed = parseKernelLog(log);
    if (f[1] === 'ok') {
      out.set(e.id, { ...base, accepted: true, insn: -1, message: '', block: [], processed: parsed.processed });
    } else if (!log.trim() && (f[2] === '1' || f[2] === '7')) {
      // EPERM (program type) and E2BIG (size) come from bpf_prog_load before the verifier runs: verdict only.
      out.set(e.id, { ...base, accepted: false, insn: -1, message: '', block: [], processed: 0, errno: Number(f[2]), truncated: `bpf_prog_load ${f[2] === '1' ? 'EPERM' : 'E2BIG'} before the verifier` });
    } else if (!log.trim()) {
      out.set(e.id, { ...base, accepted: false, insn: -1, message: '', block: [], processed: 0, loaderError: `BPF_PROG_LOAD failed with errno ${f[2]} and no log` });
    } else {
      const rec: Record<string, unknown> = { ...base, accepted: false, ...parsed, errno: Number(f[2]) };
      if (!/^processed \d+ insns/m.test(log)) Object.assign(rec, { insn: -1, message: '', block: [], truncated: `errno ${f[2]}` });
      out.set(e.id, rec);
    }
  });
  const text = entries.map((e) => JSON.stringify({ ...out.get(e.id), hash: programHash(e) })).join('\n') + '\n';
  writeFileSync(UNPRIV_GOLDENS, text);
  const recs = [...out.values()] as { accepted: boolean; loaderError?: string }[];
  console.error(`wrote ${recs.length} unprivileged verdicts to ${UNPRIV_GOLDENS}: ${recs.filter((x) => x.accepted).length} accepted, ` +
    `${recs.filter((x) => !x.accepted && !x.loaderError).length} rejected, ${recs.filter((x) => x.loaderError).length} not loaded`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) main();
