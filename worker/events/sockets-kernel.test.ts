// Kernel oracle for the order of sock_ops callbacks: a recorder program (every callback appends its op and
// args to an array map, and turns every optional callback on at the first one it sees) is attached to a
// cgroup; a client in that cgroup connects over loopback, sends, and closes after the server closed. The
// op sequence the kernel produced must be the one SockOpsSim delivers for the 'active-peer-closes'
// scenario with the same program. RTT_CB count depends on the kernel's ack timing, so it is compared apart
// from the others (at least the SYN-ACK's). Needs root, bpftool and a cgroup v2 mount.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble } from '../asm/index';
import { writeElf } from '../elf/write';
import { bpftoolPath, kernelOracle } from '../testing/kernel';
import { CB_FLAGS, driveSockOps, newSocket, SOCK_OPS, SOCK_OPS_SCENARIOS } from './sockets';

const oracle = kernelOracle();

/** The cgroup v2 root, or null. */
function cgroup2(): string | null {
  for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) {
    const f = line.split(' ');
    if (f[2] === 'cgroup2') return f[1]!;
  }
  return null;
}

const RECORDER = `
	.map log array key=4 value=8 entries=64
	.map idx array key=4 value=8 entries=1
	r6 = r1
	r1 = r6
	r2 = 15                         # RTO | RETRANS | STATE | RTT from the first callback on
	call bpf_sock_ops_cb_flags_set
	r1 = 0
	*(u32 *)(r10 - 4) = r1
	r2 = r10
	r2 += -4
	r1 = idx ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r1 = 1
	r1 = atomic_fetch_add((u64 *)(r0 + 0), r1)
	if r1 > 63 goto out
	*(u32 *)(r10 - 8) = r1
	r7 = *(u32 *)(r6 + 0)           # op
	r8 = *(u32 *)(r6 + 4)           # args[0] (low byte)
	r8 &= 0xff
	r8 <<= 8
	r7 |= r8
	r8 = *(u32 *)(r6 + 8)           # args[1] (low byte)
	r8 &= 0xff
	r8 <<= 16
	r7 |= r8
	*(u64 *)(r10 - 16) = r7
	r1 = log ll
	r2 = r10
	r2 += -8
	r3 = r10
	r3 += -16
	r4 = 0
	call bpf_map_update_elem
out:
	r0 = 1
	exit
`;

/** A loopback client in the cgroup: the server (created before the move, so not recorded) closes first. */
const CLIENT = `
const net = require('net'), fs = require('fs');
const srv = net.createServer((c) => c.once('data', () => c.end()));
srv.listen(0, '127.0.0.1', () => {
  fs.writeFileSync(process.argv[1] + '/cgroup.procs', String(process.pid));
  const c = net.connect(srv.address().port, '127.0.0.1', () => c.write('hi'));
  c.on('data', () => {});
  c.on('end', () => { c.end(); setTimeout(() => process.exit(0), 200); });
});
`;

/** A loopback server in the cgroup: the client (spawned before the move, so not recorded) closes first. */
const SERVER = `
const net = require('net'), fs = require('fs'), cp = require('child_process');
const client = cp.spawn(process.execPath, ['-e', \`
  const net = require('net');
  process.stdin.once('data', (d) => {
    const c = net.connect(Number(String(d)), '127.0.0.1', () => { c.write('hi'); setTimeout(() => c.end(), 50); });
    c.on('data', () => {}); c.on('close', () => process.exit(0));
  });\`], { stdio: ['pipe', 'inherit', 'inherit'] });
fs.writeFileSync(process.argv[1] + '/cgroup.procs', String(process.pid));
const srv = net.createServer((c) => { c.on('data', () => {}); c.on('end', () => c.end()); c.on('close', () => setTimeout(() => process.exit(0), 200)); });
srv.listen(0, '127.0.0.1', () => client.stdin.write(String(srv.address().port)));
`;

const cg2 = oracle.ok ? cgroup2() : null;

interface Rec { op: number; a0: number; a1: number }

/** Attaches the recorder to a fresh cgroup, runs `script` (which moves itself into the cgroup), returns the callbacks. */
function record(script: string): Rec[] {
  const r = assemble(RECORDER, { syntax: 'llvm' });
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const bt = bpftoolPath();
  const dir = mkdtempSync(join(tmpdir(), 'bpfplay-sockops-'));
  const pin = `/sys/fs/bpf/bpfplay_so_${process.pid}`;
  const maps = `/sys/fs/bpf/bpfplay_so_maps_${process.pid}`;
  const cg = join(cg2!, `bpfplay_sockops_${process.pid}`);
  let attached = false;
  try {
    writeFileSync(join(dir, 'so.o'), writeElf(r.program!, { section: 'sockops', license: 'GPL' }));
    execFileSync(bt, ['prog', 'load', join(dir, 'so.o'), pin, 'type', 'sockops', 'pinmaps', maps], { stdio: 'pipe' });
    mkdirSync(cg);
    execFileSync(bt, ['cgroup', 'attach', cg, 'sock_ops', 'pinned', pin], { stdio: 'pipe' });
    attached = true;
    const run = spawnSync(process.execPath, ['-e', script, cg], { timeout: 10_000 });
    expect(run.status, String(run.stderr)).toBe(0);
    const dump = JSON.parse(execFileSync(bt, ['-j', 'map', 'dump', 'pinned', `${maps}/log`], { stdio: 'pipe' }).toString()) as { key: string[]; value: string[] }[];
    const n = (b: string[]) => b.reduce((v, x, k) => v + parseInt(x, 16) * 2 ** (8 * k), 0);
    const rows = dump.map((e) => ({ k: n(e.key), v: n(e.value) })).filter((e) => e.v !== 0).sort((a, b) => a.k - b.k);
    return rows.map((e) => ({ op: e.v & 0xff, a0: (e.v >> 8) & 0xff, a1: (e.v >> 16) & 0xff }));
  } finally {
    if (attached) spawnSync(bt, ['cgroup', 'detach', cg, 'sock_ops', 'pinned', pin]);
    if (existsSync(cg)) rmdirSync(cg);
    rmSync(pin, { force: true });
    rmSync(maps, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What SockOpsSim delivers for a scenario when the program turns every optional callback on each time. */
function simulate(scenario: string): Rec[] {
  return driveSockOps(SOCK_OPS_SCENARIOS[scenario]!.events, newSocket(), (ctx) => {
    new DataView(ctx.buffer, ctx.byteOffset).setUint32(84, CB_FLAGS.RTO | CB_FLAGS.RETRANS | CB_FLAGS.STATE | CB_FLAGS.RTT, true);
    return { retval: 1, ctxAfter: ctx };
  }).filter((s) => s.delivered).map((s) => ({ op: s.event.op, a0: (s.event.args?.[0] ?? 0) & 0xff, a1: (s.event.args?.[1] ?? 0) & 0xff }));
}

const show = (x: Rec) => (x.op === SOCK_OPS.BPF_SOCK_OPS_STATE_CB ? `STATE ${x.a0}->${x.a1}` : String(x.op));
const notRtt = (x: Rec) => x.op !== SOCK_OPS.BPF_SOCK_OPS_RTT_CB;

describe('sock_ops callback order against the kernel', () => {
  it.skipIf(!oracle.ok || !cg2)('a loopback client: the kernel calls the program in the order the simulation does', () => {
    const kernel = record(CLIENT);
    const sim = simulate('active-peer-closes');
    console.log(`kernel sock_ops order (client): ${kernel.map(show).join(', ')}`);
    expect(kernel.filter(notRtt).map(show)).toEqual(sim.filter(notRtt).map(show));
    // the SYN-ACK's RTT sample comes before the state change to ESTABLISHED, in both
    const firstRtt = (l: Rec[]) => l.findIndex((x) => x.op === SOCK_OPS.BPF_SOCK_OPS_RTT_CB);
    const est = (l: Rec[]) => l.findIndex((x) => x.op === SOCK_OPS.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB);
    expect(firstRtt(kernel)).toBeLessThan(est(kernel));
    expect(firstRtt(sim)).toBeLessThan(est(sim));
  });

  it.skipIf(!oracle.ok || !cg2)('a loopback server: listen, the request socket, the accepted socket, the peer closes', () => {
    const kernel = record(SERVER);
    const sim = simulate('passive-accept');
    console.log(`kernel sock_ops order (server): ${kernel.map(show).join(', ')}`);
    expect(kernel.filter(notRtt).map(show)).toEqual(sim.filter(notRtt).map(show));
  });
});
