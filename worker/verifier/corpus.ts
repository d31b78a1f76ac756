// The kernel-differential corpus: deterministic generators of verifier test programs (LLVM-syntax
// assembly text plus a program type), covering accepted programs and every kind of fault the kernel
// verifier reports (uninitialised registers, stack bounds and alignment, context offsets per program
// type, packet ranges, map value bounds, null checks, helper arguments, references, pointer
// arithmetic, return ranges, structural errors, bounded and unbounded loops, branch refinement).
// Used by scripts/record-verifier-goldens.ts (which loads each program into the running kernel) and
// by the differential test. It verifies nothing itself. Seeded, so the same ids always give the same text.

export interface CorpusProgram {
  id: string;
  type: string;
  source: string;
}

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
const sgn = (n: number): string => (n < 0 ? `- ${-n}` : `+ ${n}`);
const pick = <T>(r: R, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: R, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

const MAPS = '.map m hash key=4 value=16 entries=16\n.map arr array key=4 value=48 entries=4\n.map rb ringbuf key=0 value=0 entries=4096\n';

const CTX_TYPES = ['socket_filter', 'xdp', 'sched_cls', 'cgroup_skb', 'kprobe', 'tracepoint', 'perf_event', 'sock_ops', 'sk_skb', 'lwt_in', 'cgroup_sock'];

/** ctx loads/stores at random offsets and sizes for every program type. */
function ctxPrograms(r: R, out: CorpusProgram[], n: number): void {
  const SZ: Record<number, string> = { 1: 'u8', 2: 'u16', 4: 'u32', 8: 'u64' };
  for (let k = 0; k < n; k++) {
    const type = pick(r, CTX_TYPES);
    const size = pick(r, [1, 2, 4, 8]);
    const off = pick(r, [0, 4, 8, 12, 16, 24, 32, 48, 64, 76, 80, 140, 144, 168, 184, 200, int(r, 0, 240)]);
    const write = r() < 0.25;
    const body = write
      ? `  r2 = 0\n  *(${SZ[size]} *)(r1 + ${off}) = r2\n  r0 = 0\n  exit\n`
      : `  r0 = *(${SZ[size]} *)(r1 + ${off})\n  r0 = 0\n  exit\n`;
    out.push({ id: `ctx-${k}`, type, source: body });
  }
}

/** Stack accesses: bounds, alignment, spill/fill, uninitialised reads. */
function stackPrograms(r: R, out: CorpusProgram[], n: number): void {
  const SZ: Record<number, string> = { 1: 'u8', 2: 'u16', 4: 'u32', 8: 'u64' };
  for (let k = 0; k < n; k++) {
    const size = pick(r, [1, 2, 4, 8]);
    const off = pick(r, [-8, -16, -4, -2, -1, -512, -520, -504, 0, 8, -3, -6, -12, int(r, -530, 4)]);
    const kind = pick(r, ['st', 'stx', 'ldx', 'spill', 'fill-part', 'spill-part', 'fill-ptr']);
    let body = '';
    switch (kind) {
      case 'st': body = `  *(${SZ[size]} *)(r10 ${off < 0 ? '-' : '+'} ${Math.abs(off)}) = ${int(r, -3, 300)}\n  r0 = 0\n`; break;
      case 'stx': body = `  r2 = ${int(r, 0, 9)}\n  *(${SZ[size]} *)(r10 ${off < 0 ? '-' : '+'} ${Math.abs(off)}) = r2\n  r0 = *(${SZ[size]} *)(r10 ${off < 0 ? '-' : '+'} ${Math.abs(off)})\n`; break;
      case 'ldx': body = `  r0 = *(${SZ[size]} *)(r10 ${off < 0 ? '-' : '+'} ${Math.abs(off)})\n`; break;
      case 'spill': body = `  *(u64 *)(r10 - 8) = r1\n  r1 = *(u64 *)(r10 - 8)\n  r0 = *(u32 *)(r1 + 0)\n`; break;
      case 'fill-part': body = `  *(u64 *)(r10 - 16) = r1\n  r0 = *(${SZ[size]} *)(r10 - 16)\n`; break;
      case 'spill-part': body = `  *(${SZ[size]} *)(r10 - 8) = r1\n  r0 = 0\n`; break;
      case 'fill-ptr': body = `  r2 = r10\n  r2 += -16\n  *(u64 *)(r10 - 8) = r2\n  r3 = *(u64 *)(r10 - 8)\n  *(u64 *)(r3 + 0) = r1\n  r0 = *(${SZ[size]} *)(r3 + ${pick(r, [0, 4, 8, 16])})\n`; break;
    }
    out.push({ id: `stack-${k}`, type: 'socket_filter', source: body + '  r0 = 0\n  exit\n' });
  }
}

/** Packet bounds checks in every comparison form, then an access at some offset. */
function packetPrograms(r: R, out: CorpusProgram[], n: number): void {
  const SZ: Record<number, string> = { 1: 'u8', 2: 'u16', 4: 'u32', 8: 'u64' };
  for (let k = 0; k < n; k++) {
    const type = pick(r, ['xdp', 'sched_cls']);
    const [dOff, eOff] = type === 'xdp' ? [0, 4] : [76, 80];
    const len = pick(r, [1, 8, 14, 20, 34, 64]);
    const size = pick(r, [1, 2, 4, 8]);
    const at = int(r, 0, len);
    const form = pick(r, ['gt', 'ge', 'lt', 'le', 'rgt', 'rlt', 'none', 'write']);
    let chk = '';
    switch (form) {
      case 'gt': chk = `  if r4 > r3 goto out\n`; break;
      case 'ge': chk = `  if r4 >= r3 goto out\n`; break; // one byte short
      case 'lt': chk = `  if r4 < r3 goto ok\n  goto out\nok:\n`; break;
      case 'le': chk = `  if r4 <= r3 goto ok\n  goto out\nok:\n`; break;
      case 'rgt': chk = `  if r3 > r4 goto ok\n  goto out\nok:\n`; break;
      case 'rlt': chk = `  if r3 < r4 goto out\n`; break;
      case 'none': chk = ''; break;
      case 'write': chk = `  if r4 > r3 goto out\n  *(${SZ[size]} *)(r2 + ${at}) = r5\n`; break;
    }
    const src =
      `  r2 = *(u32 *)(r1 + ${dOff})\n  r3 = *(u32 *)(r1 + ${eOff})\n  r5 = 7\n  r4 = r2\n  r4 += ${len}\n${chk}` +
      `  r0 = *(${SZ[size]} *)(r2 + ${at})\nout:\n  r0 = ${type === 'xdp' ? 2 : 0}\n  exit\n`;
    out.push({ id: `pkt-${k}`, type, source: src });
  }
}

/** Map lookups: null checks, fixed and variable offsets, bounds. */
function mapPrograms(r: R, out: CorpusProgram[], n: number): void {
  const SZ: Record<number, string> = { 1: 'u8', 2: 'u16', 4: 'u32', 8: 'u64' };
  for (let k = 0; k < n; k++) {
    const map = pick(r, ['m', 'arr']);
    const vs = map === 'm' ? 16 : 48;
    const size = pick(r, [1, 2, 4, 8]);
    const form = pick(r, ['fixed', 'nocheck', 'var-and', 'var-jgt', 'var-none', 'var-jsgt', 'var-w32', 'update', 'key-uninit', 'key-size']);
    const off = int(r, -2, vs + 2);
    const lim = int(r, 1, vs + 4);
    const mask = pick(r, [7, 15, 31, 63, 255]);
    let use = '';
    switch (form) {
      case 'fixed': use = `  if r0 == 0 goto out\n  r1 = *(${SZ[size]} *)(r0 ${sgn(off)})\n`; break;
      case 'nocheck': use = `  r1 = *(${SZ[size]} *)(r0 ${sgn(off)})\n`; break;
      case 'var-and': use = `  if r0 == 0 goto out\n  r6 = r0\n  call 7\n  r0 &= ${mask}\n  r6 += r0\n  r1 = *(${SZ[size]} *)(r6 + 0)\n`; break;
      case 'var-jgt': use = `  if r0 == 0 goto out\n  r6 = r0\n  call 7\n  if r0 > ${lim} goto out\n  r6 += r0\n  r1 = *(${SZ[size]} *)(r6 + 0)\n`; break;
      case 'var-none': use = `  if r0 == 0 goto out\n  r6 = r0\n  call 7\n  r6 += r0\n  r1 = *(${SZ[size]} *)(r6 + 0)\n`; break;
      case 'var-jsgt': use = `  if r0 == 0 goto out\n  r6 = r0\n  call 7\n  r0 <<= 32\n  r0 s>>= 32\n  if r0 s> ${lim} goto out\n  r6 += r0\n  r1 = *(${SZ[size]} *)(r6 + 0)\n`; break;
      case 'var-w32': use = `  if r0 == 0 goto out\n  r6 = r0\n  call 7\n  if w0 > ${lim} goto out\n  r6 += r0\n  r1 = *(${SZ[size]} *)(r6 + 0)\n`; break;
      case 'update': use = `  r1 = ${map} ll\n  r2 = r10\n  r2 += -8\n  r3 = r10\n  r3 += -${pick(r, [16, 24, 64])}\n  r4 = 0\n  call 2\n`; break;
      case 'key-uninit': use = `  r1 = ${map} ll\n  r2 = r10\n  r2 += -${pick(r, [12, 16, 512])}\n  call 1\n`; break;
      case 'key-size': use = `  r1 = ${map} ll\n  r2 = r10\n  r2 += ${pick(r, [-2, -4, 0])}\n  call 1\n`; break;
    }
    const src = `${MAPS}  *(u32 *)(r10 - 4) = ${int(r, 0, 3)}\n  r2 = r10\n  r2 += -4\n  r1 = ${map} ll\n  call 1\n${use}out:\n  r0 = 0\n  exit\n`;
    out.push({ id: `map-${k}`, type: pick(r, ['socket_filter', 'xdp', 'kprobe']), source: src });
  }
}

/** Scalar ALU and branch refinement: a random value shaped by ops and conditions, then used as an index. */
function boundsPrograms(r: R, out: CorpusProgram[], n: number): void {
  const ops = ['&=', '|=', '^=', '+=', '-=', '*=', '<<=', '>>=', 's>>=', '/=', '%='];
  const conds = ['>', '>=', '<', '<=', 's>', 's>=', 's<', 's<=', '==', '!=', '&'];
  for (let k = 0; k < n; k++) {
    let body = '  call 7\n  r6 = r0\n';
    const steps = int(r, 1, 4);
    for (let s = 0; s < steps; s++) {
      const w = r() < 0.3 ? 'w' : 'r';
      if (r() < 0.55) {
        const op = pick(r, ops);
        const imm = op.includes('<<') || op.includes('>>') ? int(r, 0, w === 'w' ? 31 : 63) : pick(r, [int(r, 0, 16), int(r, 0, 255), int(r, -8, 8), 0xff, 0x7fffffff, -1]);
        body += `  ${w}6 ${op} ${imm === 0 && (op === '/=' || op === '%=') ? 3 : imm}\n`;
      } else {
        const c = pick(r, conds);
        const imm = pick(r, [int(r, 0, 64), int(r, -64, 64), 0, 1, 0x7fffffff, -1]);
        body += `  if ${w}6 ${c} ${imm} goto out\n`;
      }
    }
    const useKind = pick(r, ['map', 'stack', 'ret']);
    if (useKind === 'map') {
      body = `${body}  *(u32 *)(r10 - 4) = 0\n  r2 = r10\n  r2 += -4\n  r1 = arr ll\n  call 1\n  if r0 == 0 goto out\n  r0 += r6\n  r0 = *(u8 *)(r0 + 0)\n`;
      out.push({ id: `bounds-${k}`, type: 'socket_filter', source: `${MAPS}${body}out:\n  r0 = 0\n  exit\n` });
    } else if (useKind === 'stack') {
      body = `${body}  r1 = r10\n  r1 += -64\n  r1 += r6\n  *(u8 *)(r1 + 0) = 1\n`;
      out.push({ id: `bounds-${k}`, type: 'socket_filter', source: `${body}out:\n  r0 = 0\n  exit\n` });
    } else {
      out.push({ id: `bounds-${k}`, type: 'cgroup_skb', source: `${body}  r0 = r6\n  exit\nout:\n  r0 = 1\n  exit\n` });
    }
  }
}

/** Faults of every other kind, one small program each, with random variations. */
function faultPrograms(r: R, out: CorpusProgram[], n: number): void {
  const gens: ((r: R) => [string, string])[] = [
    () => ['socket_filter', '  exit\n'],
    (r) => ['socket_filter', `  r0 = r${int(r, 2, 9)}\n  exit\n`],
    (r) => ['socket_filter', `  r10 = ${int(r, 0, 5)}\n  r0 = 0\n  exit\n`],
    (r) => ['socket_filter', `  r0 = 1\n  r0 ${pick(r, ['/=', '%='])} 0\n  exit\n`],
    (r) => ['socket_filter', `  r0 = 1\n  ${pick(r, ['r0', 'w0'])} ${pick(r, ['<<=', '>>=', 's>>='])} ${pick(r, [32, 64, 65, -1, 31, 63])}\n  r0 = 0\n  exit\n`],
    (r) => ['socket_filter', `  r0 = 0\n  if r0 == 0 goto +${int(r, 1, 5)}\n  exit\n`],
    (r) => ['socket_filter', `  r0 = 0\n  goto +${int(r, 0, 2)}\n  r0 = 1\n  exit\n`],
    () => ['socket_filter', '  r0 = 0\n'],
    () => ['socket_filter', 'l:\n  r0 = 0\n  goto l\n  exit\n'],
    (r) => ['socket_filter', `  r0 = 0\nl:\n  r0 += 1\n  if r0 < ${pick(r, [10, 100, 1000])} goto l\n  exit\n`],
    () => ['socket_filter', `  r0 = 0\nl:\n  r0 += 1\n  if r0 != 0 goto l\n  exit\n`],
    (r) => ['socket_filter', `  r0 = 0\n  call ${pick(r, [9999, 300, -1, 0])}\n  exit\n`],
    (r) => ['socket_filter', `  call ${pick(r, [5, 6, 14, 35, 44, 51, 113, 16, 25, 23])}\n  r0 = 0\n  exit\n`],
    (r) => ['xdp', `  call ${pick(r, [5, 26, 9, 44, 65, 51, 8, 12, 130])}\n  r0 = 2\n  exit\n`],
    (r) => [pick(r, ['kprobe', 'tracepoint']), `  call ${pick(r, [14, 16, 6, 113, 112, 35, 9, 26])}\n  r0 = 0\n  exit\n`],
    (r) => ['socket_filter', `  r1 = r10\n  r1 ${pick(r, ['*=', '|=', '&=', '^=', '<<=', '/=', '%='])} ${int(r, 1, 4)}\n  r0 = 0\n  exit\n`],
    (r) => ['socket_filter', `  r2 = r10\n  r1 ${pick(r, ['+=', '-=', '*='])} r2\n  r0 = 0\n  exit\n`],
    () => ['socket_filter', '  r2 = 4\n  r2 -= r1\n  r0 = 0\n  exit\n'],
    (r) => ['socket_filter', `  w1 ${pick(r, ['+=', '-='])} 4\n  r0 = 0\n  exit\n`],
    (r) => ['xdp', `  r2 = *(u32 *)(r1 + 4)\n  r2 ${pick(r, ['+=', '-='])} ${int(r, 0, 4)}\n  r0 = 2\n  exit\n`],
    () => [ 'socket_filter', `${MAPS}  r1 = m ll\n  r1 += 8\n  r0 = 0\n  exit\n`],
    (r) => ['socket_filter', `${MAPS}  *(u32 *)(r10 - 4) = 0\n  r2 = r10\n  r2 += -4\n  r1 = m ll\n  call 1\n  r0 += ${int(r, 1, 8)}\n  r0 = 0\n  exit\n`],
    (r) => [pick(r, ['cgroup_skb', 'cgroup_sock', 'sock_ops', 'xdp', 'sched_cls', 'kprobe', 'lwt_in', 'sk_skb']), `  r0 = ${pick(r, [0, 1, 2, 3, -1, 4, 7, 100])}\n  exit\n`],
    (r) => [pick(r, ['cgroup_skb', 'cgroup_sock']), `  call 7\n  ${pick(r, ['r0 &= 1', 'r0 &= 3', 'r0 %= 2', 'w0 &= 1', 'r0 >>= 63', 'r0 >>= 62'])}\n  exit\n`],
    (r) => [pick(r, ['cgroup_skb']), `  r0 = r1\n  exit\n`],
    (r) => ['socket_filter', `${MAPS}  r1 = rb ll\n  r2 = ${pick(r, [8, 16, 0, 4097])}\n  r3 = 0\n  call 131\n  if r0 == 0 goto out\n  ${pick(r, ['r1 = r0\n  r2 = 0\n  call 132', 'r1 = r0\n  r2 = 0\n  call 133', 'r1 = 0', '*(u64 *)(r0 + 0) = 1\n  r1 = r0\n  r2 = 0\n  call 132', '*(u64 *)(r0 + 8) = 1\n  r1 = r0\n  r2 = 0\n  call 132', 'r1 = r0\n  r1 += 4\n  r2 = 0\n  call 132'])}\nout:\n  r0 = 0\n  exit\n`],
    (r) => ['socket_filter', `${MAPS}  r1 = rb ll\n  r2 = 8\n  r3 = 0\n  call 131\n  ${pick(r, ['r1 = r0\n  r2 = 0\n  call 132', '*(u64 *)(r0 + 0) = 1'])}\n  r0 = 0\n  exit\n`],
    (r) => ['socket_filter', `${MAPS}  r1 = rb ll\n  call 7\n  r2 = r0\n  r3 = 0\n  call 131\n  r0 = 0\n  exit\n`.replace('r1 = rb ll\n  call 7\n  r2 = r0', `call 7\n  r2 = r0\n  r2 &= ${pick(r, [7, 255])}\n  r1 = rb ll`)],
    (r) => ['sched_cls', `  r2 = 0\n  *(u64 *)(r10 - 8) = r2\n  *(u64 *)(r10 - 16) = r2\n  *(u64 *)(r10 - 24) = r2\n  *(u64 *)(r10 - 32) = r2\n  *(u64 *)(r10 - 40) = r2\n  r2 = r10\n  r2 += -40\n  r3 = ${pick(r, [12, 36, 40, 48])}\n  r4 = -1\n  r5 = 0\n  call 84\n  if r0 == 0 goto out\n  ${pick(r, ['r1 = r0\n  call 86', 'r1 = 0', 'r6 = *(u32 *)(r0 + 4)\n  r1 = r0\n  call 86', 'r1 = r0\n  r1 += 4\n  call 86'])}\nout:\n  r0 = 0\n  exit\n`],
    (r) => ['socket_filter', `  r2 = ${pick(r, [0, 1, 4])}\n  r3 = r10\n  r3 += -16\n  r4 = ${pick(r, [8, 16, 0, 17, -1])}\n  call 26\n  r0 = 0\n  exit\n`.replace('r2 = ', 'r6 = r1\n  r2 = ').replace('call 26', 'r1 = r6\n  r2 = 0\n  call 26').replace(/r3 = r10\n {2}r3 \+= -16\n {2}r4 = (\S+)\n {2}r1 = r6\n {2}r2 = 0/, 'r1 = r6\n  r2 = 0\n  r3 = r10\n  r3 += -16\n  r4 = $1')],
    (r) => ['kprobe', `  r1 = r10\n  r1 += -${pick(r, [8, 16, 32])}\n  r2 = ${pick(r, [8, 16, 0, 33, -1])}\n  r3 = 0\n  call 113\n  r0 = 0\n  exit\n`],
    (r) => ['kprobe', `  call 7\n  r2 = r0\n  ${pick(r, ['r2 &= 15', 'if r2 > 16 goto out', '', 'if r2 s> 8 goto out'])}\n  r1 = r10\n  r1 += -16\n  r3 = 0\n  call 113\nout:\n  r0 = 0\n  exit\n`],
    (r) => ['socket_filter', `  r1 = ${pick(r, ['r10', '0', 'r1'])}\n  r2 = 0\n  call 1\n  r0 = 0\n  exit\n`],
    (r) => ['socket_filter', `${MAPS}  r1 = ${pick(r, ['m', 'arr', 'rb'])} ll\n  r2 = ${pick(r, ['0', 'r10', 'r1'])}\n  call 1\n  r0 = 0\n  exit\n`],
    (r) => ['socket_filter', `  r6 = r1\n  r0 = *(${pick(r, ['u8', 'u16', 'u32', 'u64'])} *)skb[${pick(r, [0, 12, 14, 23, -1])}]\n  r0 = 0\n  exit\n`.replace('*(u64 *)skb', '*(u32 *)skb')],
    (r) => [pick(r, ['xdp', 'kprobe', 'sched_cls']), `  r6 = r1\n  r0 = *(u8 *)skb[12]\n  r0 = 0\n  exit\n`],
    (r) => ['socket_filter', `  r1 += ${pick(r, [4, 8, -4])}\n  r0 = *(u32 *)(r1 + 0)\n  r0 = 0\n  exit\n`],
    (r) => ['socket_filter', `  call 7\n  r1 += r0\n  r0 = *(u32 *)(r1 + ${pick(r, [0, 4])})\n  r0 = 0\n  exit\n`],
    (r) => ['socket_filter', `  r1 = r10\n  r1 += -${pick(r, [8, 16])}\n  call local\n  r0 = 0\n  exit\nlocal:\n  r0 = 0\n  *(u64 *)(r1 + 0) = r0\n  exit\n`],
    (r) => ['socket_filter', `  call f\n  exit\nf:\n  ${pick(r, ['r0 = 1', 'r0 = r1', 'r0 = r6', ''])}\n  exit\n`],
    (r) => ['socket_filter', `  *(u64 *)(r10 - ${pick(r, [256, 504, 512])}) = r1\n  call f\n  r0 = 0\n  exit\nf:\n  *(u64 *)(r10 - ${pick(r, [256, 264, 8])}) = r1\n  r0 = 0\n  exit\n`],
    (r) => ['socket_filter', `  r0 = 0\n  if r1 ${pick(r, ['==', '!=', '>'])} ${pick(r, ['0', 'r10', 'r1'])} goto +1\n  r0 = 1\n  exit\n`],
    (r) => ['socket_filter', `  r2 = ${pick(r, ['0x100000000 ll', '-1', '0x7fffffff', '0xffffffff ll'])}\n  r1 = r10\n  r1 += r2\n  r0 = 0\n  exit\n`],
    (r) => ['socket_filter', `  r0 = ${int(r, 0, 100)}\n  r1 = ${int(r, -10, 10)}\n  ${pick(r, ['r0 += r1', 'r0 -= r1', 'r0 *= r1', 'w0 += w1', 'r0 = -r0', 'r0 = be16 r0', 'r0 = le32 r0', 'r0 = bswap64 r0'])}\n  if r0 ${pick(r, ['>', '<', 's>', '=='])} ${int(r, -5, 120)} goto +1\n  r0 = 0\n  exit\n`],
    (r) => ['xdp', `  r2 = *(u32 *)(r1 + 0)\n  r3 = *(u32 *)(r1 + 4)\n  ${pick(r, ['r0 = *(u8 *)(r3 + 0)', 'r3 += 1', 'if r2 > r3 goto +1\n  r0 = *(u8 *)(r2 + 0)', 'r2 += 2\n  if r2 > r3 goto +1\n  r0 = *(u8 *)(r2 - 2)', 'r2 += 2\n  if r2 > r3 goto +1\n  r0 = *(u8 *)(r2 - 3)'])}\n  r0 = 2\n  exit\n`],
    (r) => ['xdp', `  r2 = *(u32 *)(r1 + 0)\n  r3 = *(u32 *)(r1 + 4)\n  r4 = r2\n  r4 += 14\n  if r4 > r3 goto out\n  r5 = *(u8 *)(r2 + 12)\n  ${pick(r, ['r5 &= 15', 'if r5 > 20 goto out', '', 'r5 <<= 2\n  r5 &= 60'])}\n  r2 += r5\n  r4 = r2\n  r4 += 4\n  if r4 > r3 goto out\n  r0 = *(u32 *)(r2 + 0)\nout:\n  r0 = 2\n  exit\n`],
  ];
  for (let k = 0; k < n; k++) {
    const g = gens[k % gens.length]!;
    const [type, source] = g(r);
    out.push({ id: `fault-${k}`, type, source });
  }
}

/** The generated part of the corpus (hand-written cases, conformance programs and C objects are added by the callers). */
export function generatedCorpus(seed = 1): CorpusProgram[] {
  const r = rng(seed);
  const out: CorpusProgram[] = [];
  ctxPrograms(r, out, 350);
  stackPrograms(r, out, 250);
  packetPrograms(r, out, 250);
  mapPrograms(r, out, 300);
  boundsPrograms(r, out, 400);
  faultPrograms(r, out, 450);
  return out;
}

export interface RawCorpusProgram {
  id: string;
  type: string;
  /** The base program's source, then one field of one slot changed. */
  source: string;
  mutate: { slot: number; field: 'opcode' | 'dst' | 'src' | 'off' | 'imm'; value: number };
}

/**
 * Mutants: a generated program with one field of one instruction slot changed (opcode, registers,
 * offset or immediate), for the structural checks (unknown opcodes, reserved fields, invalid registers,
 * jumps out of range, unreachable code) and everything a one-field change breaks.
 */
export function mutatedCorpus(seed = 7, n = 500): RawCorpusProgram[] {
  const r = rng(seed);
  const base = generatedCorpus(1).filter((p) => !p.source.includes('.map') && !p.source.includes(' ll'));
  const out: RawCorpusProgram[] = [];
  const OPS = [0x07, 0x0f, 0x04, 0x0c, 0x17, 0x1f, 0x24, 0x27, 0x2f, 0x37, 0x3f, 0x47, 0x4f, 0x57, 0x5f, 0x67, 0x6f, 0x77, 0x7f, 0x87, 0x97, 0x9f,
    0xa7, 0xaf, 0xb7, 0xbf, 0xc7, 0xcf, 0xd4, 0xdc, 0xd7, 0x05, 0x06, 0x15, 0x1d, 0x25, 0x2d, 0x35, 0x3d, 0x45, 0x4d, 0x55, 0x5d, 0x65, 0x6d,
    0x75, 0x7d, 0xa5, 0xad, 0xb5, 0xbd, 0xc5, 0xcd, 0xd5, 0xdd, 0x16, 0x1e, 0x26, 0xa6, 0x61, 0x69, 0x71, 0x79, 0x62, 0x6a, 0x72, 0x7a, 0x63,
    0x6b, 0x73, 0x7b, 0x91, 0x89, 0x81, 0xc3, 0xdb, 0x85, 0x95, 0x8d, 0x20, 0x28, 0x30, 0x40, 0x8f, 0xff, 0x00, 0xe5, 0x18];
  for (let k = 0; k < n; k++) {
    const b = base[Math.floor(r() * base.length)]!;
    const lines = b.source.split('\n').filter((l) => l.trim() && !l.endsWith(':')).length;
    const slot = Math.floor(r() * Math.max(1, lines));
    const field = pick(r, ['opcode', 'opcode', 'dst', 'src', 'off', 'imm'] as const);
    let value: number;
    switch (field) {
      case 'opcode': value = pick(r, OPS); break;
      case 'dst': case 'src': value = int(r, 0, 15); break;
      case 'off': value = pick(r, [-2, -1, 0, 1, 2, 3, 8, 100, -100, int(r, -40, 40)]); break;
      case 'imm': value = pick(r, [0, 1, -1, 8, 32, 64, 0x7fffffff, int(r, -600, 600)]); break;
    }
    out.push({ id: `mut-${k}`, type: b.type, source: b.source, mutate: { slot, field, value } });
  }
  return out;
}

/**
 * Harder scalar-domain programs: two unknown inputs combined by random 32/64-bit ops, compared with
 * each other and with constants (signed, unsigned, jmp32), then used as an offset into a map value,
 * the stack or a packet, or returned where the return range is checked.
 */
export function boundsCorpus2(seed = 11, n = 600): CorpusProgram[] {
  const r = rng(seed);
  const out: CorpusProgram[] = [];
  const ops = ['&=', '|=', '^=', '+=', '-=', '*=', '<<=', '>>=', 's>>=', '=', '/=', '%='];
  const conds = ['>', '>=', '<', '<=', 's>', 's>=', 's<', 's<=', '==', '!=', '&'];
  for (let k = 0; k < n; k++) {
    let body = '  call 7\n  r6 = r0\n  call 7\n  r7 = r0\n';
    if (r() < 0.5) body += `  r6 ${pick(r, ['&=', '%='])} ${pick(r, [15, 255, 1023, 100])}\n`;
    if (r() < 0.5) body += `  r7 ${pick(r, ['&=', '>>='])} ${pick(r, [3, 7, 31, 60])}\n`;
    const steps = int(r, 2, 6);
    for (let s = 0; s < steps; s++) {
      const w = r() < 0.35 ? 'w' : 'r';
      const d = pick(r, [6, 7]);
      const o = d === 6 ? 7 : 6;
      const c = r();
      if (c < 0.45) {
        const op = pick(r, ops);
        const useReg = r() < 0.5 && !op.includes('<<') && !op.includes('>>');
        const imm = op.includes('<<') || op.includes('>>') ? int(r, 0, w === 'w' ? 31 : 63) : pick(r, [1, 2, 3, 4, 7, 8, 16, 255, -1, -16, 0x10000]);
        body += `  ${w}${d} ${op} ${useReg ? `${w}${o}` : imm}\n`;
      } else if (c < 0.9) {
        const rhs = r() < 0.5 ? `${w}${o}` : String(pick(r, [0, 1, 4, 8, 16, 40, 48, 63, 64, 255, -1, -8, 0x7fffffff]));
        body += `  if ${w}${d} ${pick(r, conds)} ${rhs} goto out\n`;
      } else {
        body += pick(r, [`  r${d} = -r${d}\n`, `  r${d} = r${o}\n`]);
      }
    }
    const use = pick(r, ['map', 'stack', 'pkt', 'ret', 'map2']);
    const reg = pick(r, [6, 7]);
    if (use === 'map' || use === 'map2') {
      const size = pick(r, [1, 4, 8]);
      const SZ: Record<number, string> = { 1: 'u8', 4: 'u32', 8: 'u64' };
      body = `${body}  *(u32 *)(r10 - 4) = 0\n  r2 = r10\n  r2 += -4\n  r1 = m ll\n  call 1\n  if r0 == 0 goto out\n  r0 += r${reg}\n  r0 = *(${SZ[size]} *)(r0 ${use === 'map2' ? '- 8' : '+ 0'})\n`;
      out.push({ id: `bnd2-${k}`, type: 'socket_filter', source: `${MAPS}${body}out:\n  r0 = 0\n  exit\n` });
    } else if (use === 'stack') {
      body = `${body}  r1 = r10\n  r1 += -128\n  r1 += r${reg}\n  r2 = 0\n  *(u${pick(r, [8, 32, 64])} *)(r1 + 0) = r2\n`;
      out.push({ id: `bnd2-${k}`, type: 'socket_filter', source: `${body}out:\n  r0 = 0\n  exit\n` });
    } else if (use === 'pkt') {
      body = body.replace('  call 7\n  r6 = r0\n', '  r9 = r1\n  call 7\n  r6 = r0\n');
      body = `${body}  r2 = *(u32 *)(r9 + 0)\n  r3 = *(u32 *)(r9 + 4)\n  r2 += r${reg}\n  r4 = r2\n  r4 += 8\n  if r4 > r3 goto out\n  r0 = *(u64 *)(r2 + 0)\n`;
      out.push({ id: `bnd2-${k}`, type: 'xdp', source: `${body}out:\n  r0 = 2\n  exit\n` });
    } else {
      out.push({ id: `bnd2-${k}`, type: 'cgroup_skb', source: `${body}  r0 = r${reg}\n  exit\nout:\n  r0 = 1\n  exit\n` });
    }
  }
  return out;
}

/** Less common instructions and forms: atomics, sign-extending loads and moves, signed division, byte swaps, may_goto, jmp32 between registers, ctx writes. */
export function miscCorpus(seed = 23, n = 500): CorpusProgram[] {
  const r = rng(seed);
  const out: CorpusProgram[] = [];
  const SZ: Record<number, string> = { 1: 'u8', 2: 'u16', 4: 'u32', 8: 'u64' };
  const gens: ((r: R) => [string, string])[] = [
    (r) => ['socket_filter', `  r1 = ${int(r, 0, 9)}\n  *(u64 *)(r10 - 8) = r1\n  r2 = ${int(r, 1, 3)}\n  ${pick(r, ['lock *(u64 *)(r10 - 8) += r2', 'lock *(u32 *)(r10 - 8) += w2', 'r2 = atomic_fetch_add((u64 *)(r10 - 8), r2)', 'r2 = xchg_64(r10 - 8, r2)', 'r0 = 0\n  r0 = cmpxchg_64(r10 - 8, r0, r2)', 'lock *(u64 *)(r10 - 16) += r2', 'lock *(u64 *)(r10 - 4) += r2', 'lock *(u64 *)(r1 + 0) += r2'])}\n  r0 = *(u64 *)(r10 - 8)\n  exit\n`],
    (r) => ['xdp', `  r2 = *(u32 *)(r1 + 0)\n  r3 = *(u32 *)(r1 + 4)\n  r4 = r2\n  r4 += 8\n  if r4 > r3 goto out\n  ${pick(r, ['lock *(u32 *)(r2 + 0) += w4', 'r5 = 1\n  lock *(u64 *)(r1 + 0) += r5'])}\nout:\n  r0 = 2\n  exit\n`],
    (r) => ['socket_filter', `  call 7\n  ${pick(r, ['r1 = (s8)r0', 'r1 = (s16)r0', 'r1 = (s32)r0', 'w1 = (s8)w0', 'w1 = (s16)w0'])}\n  if r1 ${pick(r, ['s>', 's<', '>', '<'])} ${pick(r, [127, -128, 32767, 0, 255])} goto out\n  r2 = r10\n  r2 += -256\n  r2 += r1\n  r0 = *(u8 *)(r2 + 0)\nout:\n  r0 = 0\n  exit\n`],
    (r) => ['socket_filter', `  *(u64 *)(r10 - 8) = r1\n  r1 = ${int(r, -300, 300)}\n  *(u${pick(r, [8, 16, 32])} *)(r10 - 16) = r1\n  r1 = *(${pick(r, ['s8', 's16', 's32'])} *)(r10 - 16)\n  r2 = r10\n  r2 += -64\n  r2 += r1\n  r0 = *(u8 *)(r2 + 0)\n  exit\n`],
    (r) => ['socket_filter', `  call 7\n  r1 = r0\n  ${pick(r, ['r1 s/= 3', 'r1 s%= 7', 'w1 s/= -2', 'w1 s%= 5', 'r1 /= 7', 'w1 %= 9', 'r1 s/= 0'])}\n  r0 = r1\n  exit\n`],
    (r) => ['cgroup_skb', `  call 7\n  ${pick(r, ['r0 = be16 r0', 'r0 = le16 r0', 'r0 = be32 r0', 'r0 = le64 r0', 'r0 = bswap16 r0', 'r0 = bswap32 r0'])}\n  ${pick(r, ['r0 &= 1', 'if r0 > 1 goto +1', 'r0 >>= 15'])}\n  exit\n  r0 = 0\n  exit\n`],
    (r) => ['socket_filter', `  r0 = 0\n  r1 = ${int(r, 1, 4)}\nl:\n  may_goto +2\n  r0 += r1\n  goto l\n  exit\n`],
    (r) => ['socket_filter', `  call 7\n  r6 = r0\n  call 7\n  if w6 ${pick(r, ['>', '<', 's>', 's<=', '==', '!=', '&'])} w0 goto out\n  w6 &= ${pick(r, [7, 255, -1])}\n  r1 = r10\n  r1 += -64\n  r1 += r6\n  r0 = *(u8 *)(r1 + 0)\nout:\n  r0 = 0\n  exit\n`],
    (r) => [pick(r, CTX_TYPES), `  r2 = ${int(r, 0, 5)}\n  *(${SZ[pick(r, [1, 2, 4, 8])]} *)(r1 + ${pick(r, [0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60, 64, 68, 72, 88, 96, 100, 104, 144, 148])}) = r2\n  r0 = 0\n  exit\n`],
    (r) => [pick(r, CTX_TYPES), `  *(${SZ[pick(r, [1, 2, 4, 8])]} *)(r1 + ${pick(r, [0, 4, 8, 16, 24, 48, 52, 56, 64, 80])}) = ${int(r, 0, 3)}\n  r0 = 0\n  exit\n`],
    (r) => ['sched_cls', `  r2 = *(u32 *)(r1 + 76)\n  r3 = *(u32 *)(r1 + 80)\n  r4 = *(u32 *)(r1 + ${pick(r, [140, 76])})\n  r5 = r4\n  r5 += ${pick(r, [4, 8])}\n  if r5 > r2 goto out\n  r0 = *(u32 *)(r4 + 0)\nout:\n  r0 = 0\n  exit\n`],
    (r) => ['socket_filter', `  r0 = 0\n  r1 = 0x${pick(r, ['100000000', 'ffffffff', '80000000', '7fffffffffffffff'])} ll\n  ${pick(r, ['w0 = w1', 'r0 = r1', 'w0 = w1\n  w0 = -w0', 'r0 = r1\n  r0 = -r0', 'w0 += w1'])}\n  if r0 ${pick(r, ['>', '==', 's<'])} 0 goto +1\n  r0 = 1\n  exit\n`],
  ];
  for (let k = 0; k < n; k++) {
    const [type, source] = gens[k % gens.length]!(r);
    out.push({ id: `misc-${k}`, type, source });
  }
  return out;
}
