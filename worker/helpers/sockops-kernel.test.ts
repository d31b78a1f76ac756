// bpf_setsockopt / bpf_getsockopt for SO_MAX_PACING_RATE and TCP_SAVE_SYN against the running kernel: a
// sock_ops program makes a sequence of calls at BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB of a loopback
// connection (in a cgroup it is attached to) and stores each return value (and each value getsockopt read)
// in an array map; the same sequence through the simulation's helpers (sockops.ts) must give the same
// numbers. Needs root, bpftool and cgroup v2; skips with the reason otherwise.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble } from '../asm/index';
import { writeElf } from '../elf/write';
import { bpftoolPath, kernelOracle } from '../testing/kernel';
import './sockops';
import { getHelper, type HelperEnv } from './types';

const oracle = kernelOracle();
function cgroup2(): string | null {
  for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) {
    const f = line.split(' ');
    if (f[2] === 'cgroup2') return f[1]!;
  }
  return null;
}
const cg2 = oracle.ok ? cgroup2() : null;

interface Call { get: boolean; level: number; opt: number; value: number; len: number }
const set = (level: number, opt: number, value: number, len = 4): Call => ({ get: false, level, opt, value, len });
const get = (level: number, opt: number, len = 4): Call => ({ get: true, level, opt, value: 0, len });
const SOL_SOCKET = 1, SOL_TCP = 6, SO_MAX_PACING_RATE = 47, TCP_SAVE_SYN = 27;
const CALLS: Call[] = [
  get(SOL_SOCKET, SO_MAX_PACING_RATE), get(SOL_TCP, TCP_SAVE_SYN),
  set(SOL_SOCKET, SO_MAX_PACING_RATE, 125000), get(SOL_SOCKET, SO_MAX_PACING_RATE),
  set(SOL_SOCKET, SO_MAX_PACING_RATE, 0xffffffff), get(SOL_SOCKET, SO_MAX_PACING_RATE),
  set(SOL_SOCKET, SO_MAX_PACING_RATE, 1000, 8), set(SOL_SOCKET, SO_MAX_PACING_RATE, 1000, 2), get(SOL_SOCKET, SO_MAX_PACING_RATE, 8),
  set(SOL_SOCKET, SO_MAX_PACING_RATE, 0), get(SOL_SOCKET, SO_MAX_PACING_RATE),
  set(SOL_TCP, TCP_SAVE_SYN, 1), get(SOL_TCP, TCP_SAVE_SYN), set(SOL_TCP, TCP_SAVE_SYN, 2), get(SOL_TCP, TCP_SAVE_SYN),
  set(SOL_TCP, TCP_SAVE_SYN, 3), set(SOL_TCP, TCP_SAVE_SYN, 0xffffffff), set(SOL_TCP, TCP_SAVE_SYN, 1, 8), get(SOL_TCP, TCP_SAVE_SYN),
  set(SOL_TCP, TCP_SAVE_SYN, 0), get(SOL_TCP, TCP_SAVE_SYN),
];

/** The program: at ACTIVE_ESTABLISHED_CB, each call in turn; res[i] = r0, res[32 + i] = the u32 read. */
function program(): string {
  const out = ['\t.map res array key=4 value=8 entries=64', '\tr6 = r1', '\tr2 = *(u32 *)(r6 + 0)', '\tif r2 != 4 goto out'];
  const store = (slot: number, from: string) => [
    `\t*(u64 *)(r10 - 16) = ${from}`, `\tr1 = ${slot}`, '\t*(u32 *)(r10 - 20) = r1',
    '\tr1 = res ll', '\tr2 = r10', '\tr2 += -20', '\tr3 = r10', '\tr3 += -16', '\tr4 = 0', '\tcall bpf_map_update_elem',
  ];
  CALLS.forEach((c, i) => {
    out.push(`\tr1 = ${c.value} ll`, '\t*(u64 *)(r10 - 8) = r1', '\tr1 = r6', `\tr2 = ${c.level}`, `\tr3 = ${c.opt}`, '\tr4 = r10', '\tr4 += -8', `\tr5 = ${c.len}`);
    out.push(`\tcall ${c.get ? 'bpf_getsockopt' : 'bpf_setsockopt'}`, ...store(i, 'r0'));
    if (c.get) out.push('\tr7 = *(u32 *)(r10 - 8)', ...store(32 + i, 'r7'));
  });
  out.push('out:', '\tr0 = 1', '\texit');
  return out.join('\n');
}

/** The same calls through the simulation's helpers, on one socket: [r0 of each call, value read of each get]. */
function simulate(): { ret: bigint[]; read: number[] } {
  const mem = new Uint8Array(8);
  const A = 0x1000n;
  const env = {
    ctx: { sockOps: { cbFlags: 0, sockopts: {}, fullsock: true, log: [] } }, ctxAddr: 0n,
    read: (a: bigint, n: number) => (a === A && n <= 8 ? mem.slice(0, n) : 'out of range'),
    write: (a: bigint, b: Uint8Array) => (a === A && b.length <= 8 ? (mem.set(b), true as const) : 'out of range'),
  } as unknown as HelperEnv;
  const ret: bigint[] = [], read: number[] = [];
  for (const c of CALLS) {
    new DataView(mem.buffer).setBigUint64(0, BigInt(c.value), true);
    ret.push(getHelper('kernel', c.get ? 57 : 49)!.call(env, 0n, BigInt(c.level), BigInt(c.opt), A, BigInt(c.len)) as bigint);
    if (c.get) read.push(new DataView(mem.buffer).getUint32(0, true));
  }
  return { ret, read };
}

const CLIENT = `
const net = require('net'), fs = require('fs');
const srv = net.createServer((c) => c.once('data', () => c.end()));
srv.listen(0, '127.0.0.1', () => {
  fs.writeFileSync(process.argv[1] + '/cgroup.procs', String(process.pid));
  const c = net.connect(srv.address().port, '127.0.0.1', () => c.write('hi'));
  c.on('data', () => {});
  c.on('end', () => { c.end(); setTimeout(() => process.exit(0), 100); });
});
`;

describe('bpf_setsockopt / bpf_getsockopt against the kernel', () => {
  it.skipIf(!oracle.ok || !cg2)(`SO_MAX_PACING_RATE and TCP_SAVE_SYN: same return values and values read (${oracle.reason || 'kernel available'})`, () => {
    const r = assemble(program(), { syntax: 'llvm' });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const bt = bpftoolPath();
    const dir = mkdtempSync(join(tmpdir(), 'bpfplay-sockopt-'));
    const pin = `/sys/fs/bpf/bpfplay_sockopt_${process.pid}`;
    const maps = `/sys/fs/bpf/bpfplay_sockopt_maps_${process.pid}`;
    const cg = join(cg2!, `bpfplay_sockopt_${process.pid}`);
    let attached = false;
    try {
      writeFileSync(join(dir, 'so.o'), writeElf(r.program!, { section: 'sockops', license: 'GPL' }));
      execFileSync(bt, ['prog', 'load', join(dir, 'so.o'), pin, 'type', 'sockops', 'pinmaps', maps], { stdio: 'pipe' });
      mkdirSync(cg);
      execFileSync(bt, ['cgroup', 'attach', cg, 'sock_ops', 'pinned', pin], { stdio: 'pipe' });
      attached = true;
      const run = spawnSync(process.execPath, ['-e', CLIENT, cg], { timeout: 15_000 });
      expect(run.status, String(run.stderr)).toBe(0);
      const dump = JSON.parse(execFileSync(bt, ['-j', 'map', 'dump', 'pinned', `${maps}/res`], { stdio: 'pipe' }).toString()) as { key: string[]; value: string[] }[];
      const u64 = (b: string[]) => b.reduce((v, x, k) => v | (BigInt(parseInt(x, 16)) << BigInt(8 * k)), 0n);
      const slot = new Map(dump.map((e) => [Number(u64(e.key)), u64(e.value)]));
      const kernel = { ret: CALLS.map((_, i) => slot.get(i)!), read: CALLS.flatMap((c, i) => (c.get ? [Number(slot.get(32 + i)! & 0xffffffffn)] : [])) };
      const sim = simulate();
      console.log(`kernel setsockopt/getsockopt results: ${kernel.ret.map((x) => BigInt.asIntN(64, x)).join(' ')}; read ${kernel.read.join(' ')}`);
      expect(sim).toEqual(kernel);
    } finally {
      if (attached) spawnSync(bt, ['cgroup', 'detach', cg, 'sock_ops', 'pinned', pin]);
      if (existsSync(cg)) rmdirSync(cg);
      rmSync(pin, { force: true });
      rmSync(maps, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
