// Kernel oracle for the order of sock_ops callbacks: a recorder program (every callback appends its op and
// args to an array map, and turns every optional callback on at the first one it sees) is attached to a
// cgroup; a client in that cgroup connects over loopback, sends, and closes after the server closed. The
// op sequence the kernel produced must be the one SockOpsSim delivers for the 'active-peer-closes'
// scenario with the same program. RTT_CB count depends on the kernel's ack timing, so it is compared apart
// from the others (at least the SYN-ACK's). A third case sends a SYN nobody answers (a veth whose peer is
// down, in a network namespace of its own) with a 50-jiffy TIMEOUT_INIT reply: the times and args of the
// kernel's RTO_CBs check HZ, the SYN RTO and the linear SYN timeouts. Needs root, bpftool, ip and cgroup v2.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble } from '../asm/index';
import { writeElf } from '../elf/write';
import { bpftoolPath, kernelOracle } from '../testing/kernel';
import { CB_FLAGS, driveSockOps, newSocket, SOCK_OPS, SOCK_OPS_SCENARIOS, type SockOpsEvent } from './sockets';

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

/** Like RECORDER, and answers TIMEOUT_INIT with 50 jiffies; records op, args[0], args[1] and the time. */
const RTO_RECORDER = `
	.map log array key=4 value=24 entries=64
	.map idx array key=4 value=8 entries=1
	r6 = r1
	r1 = r6
	r2 = 15
	call bpf_sock_ops_cb_flags_set
	r2 = *(u32 *)(r6 + 0)
	if r2 != 1 goto rec
	r3 = 50                         # TIMEOUT_INIT: 50 jiffies
	*(u32 *)(r6 + 4) = w3
rec:
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
	r7 = *(u32 *)(r6 + 0)
	*(u64 *)(r10 - 32) = r7
	r7 = *(u32 *)(r6 + 4)
	r8 = *(u32 *)(r6 + 8)
	r8 <<= 32
	r7 |= r8
	*(u64 *)(r10 - 24) = r7
	call bpf_ktime_get_ns
	*(u64 *)(r10 - 16) = r0
	r1 = log ll
	r2 = r10
	r2 += -8
	r3 = r10
	r3 += -32
	r4 = 0
	call bpf_map_update_elem
out:
	r0 = 1
	exit
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

interface Timed extends Rec { args: [number, number]; ms: number }

/** Attaches `recorder` to a fresh cgroup, runs `argv` (a command that moves itself into the cgroup given as
 * the last argument), returns the callbacks. With `timed`, each record holds full args and its time. */
function recordWith(recorder: string, argv: string[], timed: boolean): Timed[] {
  const r = assemble(recorder, { syntax: 'llvm' });
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
    const run = spawnSync(argv[0]!, [...argv.slice(1), cg], { timeout: 15_000 });
    expect(run.status, String(run.stderr)).toBe(0);
    const dump = JSON.parse(execFileSync(bt, ['-j', 'map', 'dump', 'pinned', `${maps}/log`], { stdio: 'pipe' }).toString()) as { key: string[]; value: string[] }[];
    const n = (b: string[]) => b.reduce((v, x, k) => v + parseInt(x, 16) * 2 ** (8 * k), 0);
    const rows = dump.map((e) => ({ k: n(e.key), v: e.value })).filter((e) => e.v.some((x) => x !== '0x00')).sort((a, b) => a.k - b.k);
    if (!timed) {
      return rows.map((e) => {
        const v = n(e.v);
        return { op: v & 0xff, a0: (v >> 8) & 0xff, a1: (v >> 16) & 0xff, args: [0, 0], ms: 0 };
      });
    }
    const t0 = n(rows[0]!.v.slice(16, 24));
    return rows.map((e) => {
      const a0 = n(e.v.slice(8, 12)), a1 = n(e.v.slice(12, 16));
      return { op: n(e.v.slice(0, 8)), a0: a0 & 0xff, a1: a1 & 0xff, args: [a0, a1], ms: (n(e.v.slice(16, 24)) - t0) / 1e6 };
    });
  } finally {
    if (attached) spawnSync(bt, ['cgroup', 'detach', cg, 'sock_ops', 'pinned', pin]);
    if (existsSync(cg)) rmdirSync(cg);
    rmSync(pin, { force: true });
    rmSync(maps, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
}

function record(script: string): Rec[] {
  return recordWith(RECORDER, [process.execPath, '-e', script], false);
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

  const ip = existsSync('/usr/sbin/ip') ? '/usr/sbin/ip' : existsSync('/sbin/ip') ? '/sbin/ip' : null;
  it.skipIf(!oracle.ok || !cg2 || !ip)('a SYN nobody answers: RTO_CB times and args follow the TIMEOUT_INIT reply (HZ=250, linear SYN timeouts)', () => {
    const ns = `bpfplay_ns_${process.pid}`;
    const sh = (args: string[]) => execFileSync(ip!, args, { stdio: 'pipe' });
    sh(['netns', 'add', ns]);
    try {
      sh(['-n', ns, 'link', 'set', 'lo', 'up']);
      sh(['-n', ns, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
      sh(['-n', ns, 'addr', 'add', '10.9.0.1/24', 'dev', 'v0']);
      sh(['-n', ns, 'link', 'set', 'v0', 'up']);
      sh(['-n', ns, 'neigh', 'add', '10.9.0.2', 'lladdr', '02:00:00:00:00:02', 'dev', 'v0', 'nud', 'permanent']);
      // The shell joins the cgroup, then runs the client in the namespace (ip netns exec remounts /sys).
      const client = `const c = require('net').connect(80, '10.9.0.2'); c.on('error', () => {}); setTimeout(() => process.exit(0), 1700);`;
      const kernel = recordWith(RTO_RECORDER, ['/bin/sh', '-c', `echo $$ > "$0/cgroup.procs"; exec ${ip} netns exec ${ns} ${process.execPath} -e "${client}"`], true);
      // The same in the simulation: six SYN timeouts (the first without the extra TIMEOUT_INIT the kernel asks
      // before a later RTO_CB), each followed by the retransmission and TIMEOUT_INIT again.
      const sc = SOCK_OPS_SCENARIOS['active-connect']!.events;
      const events: SockOpsEvent[] = [...sc.slice(0, 5)];
      for (let k = 0; k < 6; k++) {
        if (k > 0) events.push({ op: SOCK_OPS.BPF_SOCK_OPS_TIMEOUT_INIT, sim: { kind: 'syn_timer' } });
        events.push({ op: SOCK_OPS.BPF_SOCK_OPS_RTO_CB, sim: { kind: 'syn_timeout' }, needsFlag: CB_FLAGS.RTO });
        events.push({ op: SOCK_OPS.BPF_SOCK_OPS_RETRANS_CB, sim: { kind: 'syn_retrans' }, needsFlag: CB_FLAGS.RETRANS });
        events.push({ op: SOCK_OPS.BPF_SOCK_OPS_TIMEOUT_INIT });
      }
      const sim = driveSockOps(events, newSocket(), (ctx) => {
        const dv = new DataView(ctx.buffer, ctx.byteOffset);
        dv.setUint32(84, 15, true);
        if (dv.getUint32(0, true) === SOCK_OPS.BPF_SOCK_OPS_TIMEOUT_INIT) dv.setUint32(4, 50, true);
        return { retval: 1, ctxAfter: ctx };
      }).filter((s) => s.delivered);
      const upTo = kernel.findIndex((x, i) => x.op === SOCK_OPS.BPF_SOCK_OPS_RTO_CB && kernel.slice(0, i).filter((y) => y.op === SOCK_OPS.BPF_SOCK_OPS_RTO_CB).length === 5);
      expect(upTo).toBeGreaterThan(0);
      const kOps = kernel.slice(0, upTo + 1).map((x) => x.op);
      const sOps = sim.map((x) => x.event.op).slice(0, kOps.length);
      console.log(`kernel, a lost SYN: ${kernel.slice(0, upTo + 1).map((x) => `${x.op}${x.op === 8 ? `(${x.args.join(',')})@${x.ms.toFixed(1)}ms` : ''}`).join(' ')}`);
      expect(kOps).toEqual(sOps);
      const kRto = kernel.filter((x) => x.op === SOCK_OPS.BPF_SOCK_OPS_RTO_CB).slice(0, 6);
      const sRto = sim.filter((x) => x.event.op === SOCK_OPS.BPF_SOCK_OPS_RTO_CB).slice(0, 6);
      const u32 = (c: Uint8Array, off: number) => new DataView(c.buffer, c.byteOffset).getUint32(off, true);
      // args: icsk_retransmits and icsk_rto in jiffies — the same
      expect(kRto.map((x) => x.args)).toEqual(sRto.map((x) => [u32(x.ctx!, 4), u32(x.ctx!, 8)]));
      expect(kRto.map((x) => x.args[1])).toEqual([50, 50, 50, 50, 50, 100]);
      // times: each interval between two timeouts as simulated (50 jiffies = 200 ms at HZ=250, then 400 ms);
      // the kernel's timers fire a jiffy or two late, more on a loaded machine
      kRto.forEach((x, i) => {
        const k = x.ms - (i ? kRto[i - 1]!.ms : 0);
        const t = sRto[i]!.timeMs! - (i ? sRto[i - 1]!.timeMs! : 0);
        expect(k, `interval before RTO_CB ${i}`).toBeGreaterThanOrEqual(t - 1);
        expect(k, `interval before RTO_CB ${i}`).toBeLessThanOrEqual(t * 1.1 + 12);
      });
    } finally {
      spawnSync(ip!, ['netns', 'del', ns]);
    }
  });
});
