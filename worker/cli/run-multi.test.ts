// `cli run` with several programs in one file: the tail-call example (worker/examples/basics/tail-call.s)
// as text and as an ELF object. Every program is loaded and jmp_table's slots come from the section names
// (socket/1 -> slot 1, socket/2 -> slot 2), so IPv4 goes on to slot 1 and TCP to slot 2, which counts it.
// With the entry program alone every tail call would fail and every packet would be dropped (retval 0).
// When the kernel is available, the same object loaded by bpftool (prog loadall, prog_array slots set
// with map update) gives the same return values and counter (BPF_PROG_TEST_RUN).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeElfObject } from '../elf/write';
import { bpftoolPath, kernelOracle } from '../testing/kernel';
import { runCli } from './cli';
import { loadProgram } from './input';
import { memoryIo } from './testio';

// BPF_PROG_TEST_RUN starts a socket filter at the network header; SKF_LL_OFF (-0x200000) makes the
// example's LD_ABS loads read the Ethernet header in both views (as worker/api/multiprog-kernel.test.ts does).
const SOURCE = readFileSync(join(__dirname, '../examples/basics/tail-call.s'), 'utf8')
  .replace('skb[12]', `skb[${-0x200000 + 12}]`)
  .replace('skb[23]', `skb[${-0x200000 + 23}]`);

const ETH = '020000000001' + '020000000002'; // destination, source
const ipv4 = (proto: number) => `${ETH}0800` + `450000280000400040${proto.toString(16).padStart(2, '0')}0000c0a80001c0a80002` + '0'.repeat(40);
const PACKETS = { tcp: ipv4(6), udp: ipv4(0x11), arp: `${ETH}0806` + '0'.repeat(56) };
const WANT = [54, 0xffffffff, 54, 0]; // TCP (kept headers), UDP (keep all), TCP again, ARP (dropped)
const DATA = [PACKETS.tcp, PACKETS.udp, PACKETS.tcp, PACKETS.arp];

interface RunJson { results: { retval: number; fault: unknown }[]; maps: Record<string, { key: string; value: string }[]> }

async function run(files: Record<string, string | Uint8Array>, file: string, extra: string[] = []): Promise<RunJson> {
  const io = memoryIo(files);
  const code = await runCli(['run', file, '--type', 'socket_filter', '--json', ...extra, ...DATA.flatMap((d) => ['--data', d])], io);
  expect(code, io.err).toBe(0);
  return JSON.parse(io.out) as RunJson;
}

function objectBytes(): Uint8Array {
  const l = loadProgram('tail-call.s', new TextEncoder().encode(SOURCE));
  if (l.kind !== 'ebpf') throw new Error('the example does not assemble');
  expect(l.programs!.map((p) => p.section)).toEqual(['socket', 'socket/1', 'socket/2']);
  const w = writeElfObject(l.programs!.map((p, k) => ({ program: p, name: ['dispatch', 'ipv4', 'tcp'][k] })), { license: 'GPL' });
  expect(w.diagnostics).toEqual([]);
  return w.bytes;
}

describe('cli run loads every program of the file so tail calls reach them', () => {
  it('text: all sections load, jmp_table slots 1 and 2 filled, the TCP counter counts', async () => {
    const r = await run({ 'tail-call.s': SOURCE }, 'tail-call.s');
    expect(r.results.map((x) => x.retval)).toEqual(WANT);
    expect(r.results.every((x) => x.fault === null)).toBe(true);
    expect(r.maps.tcp_packets).toEqual([{ key: '00000000', value: '0200000000000000' }]);
  });

  it('ELF: the --section program is the entry, the object\'s other programs fill the slots', async () => {
    const r = await run({ 'tc.o': objectBytes() }, 'tc.o', ['--section', 'socket']);
    expect(r.results.map((x) => x.retval)).toEqual(WANT);
    expect(r.maps.tcp_packets).toEqual([{ key: '00000000', value: '0200000000000000' }]);
  });

  it('entering at socket/1 (IPv4) still tail-calls into slot 2', async () => {
    const r = await run({ 'tc.o': objectBytes() }, 'tc.o', ['--section', 'socket/1']);
    // socket/1 reads the IPv4 protocol without checking the EtherType: ARP's byte 23 is 0, so it is kept
    expect(r.results.map((x) => x.retval)).toEqual([54, 0xffffffff, 54, 0xffffffff]);
  });

  it('events runs get the programs too (--events with packet events)', async () => {
    const events = JSON.stringify({ type: 'socket_filter', events: DATA.map((hex) => ({ hex })) });
    const io = memoryIo({ 'tail-call.s': SOURCE, 'ev.json': events });
    expect(await runCli(['run', 'tail-call.s', '--type', 'socket_filter', '--events', 'ev.json', '--json'], io), io.err).toBe(0);
    const r = JSON.parse(io.out) as RunJson;
    expect(r.results.map((x) => x.retval)).toEqual(WANT);
  });
});

const oracle = kernelOracle();
describe('cli run with tail calls against the kernel', () => {
  it.skipIf(!oracle.ok)(`retvals and the TCP counter equal bpftool prog loadall + prog run (${oracle.reason || 'kernel available'})`, async () => {
    const ours = await run({ 'tc.o': objectBytes() }, 'tc.o', ['--section', 'socket']);
    const dir = mkdtempSync(join(tmpdir(), 'bpfplay-cli-tail-'));
    const progDir = `/sys/fs/bpf/bpfplay_cli_tail_${process.pid}`;
    const mapDir = `/sys/fs/bpf/bpfplay_cli_tail_maps_${process.pid}`;
    const bt = bpftoolPath();
    try {
      writeFileSync(join(dir, 'tc.o'), objectBytes());
      execFileSync(bt, ['prog', 'loadall', join(dir, 'tc.o'), progDir, 'type', 'socket', 'pinmaps', mapDir], { stdio: 'pipe' });
      for (const [slot, name] of [[1, 'ipv4'], [2, 'tcp']] as const)
        execFileSync(bt, ['map', 'update', 'pinned', `${mapDir}/jmp_table`, 'key', String(slot), '0', '0', '0', 'value', 'pinned', `${progDir}/${name}`], { stdio: 'pipe' });
      const kernel = DATA.map((hex, i) => {
        const f = join(dir, `p${i}`);
        writeFileSync(f, Buffer.from(hex, 'hex'));
        const out = execFileSync(bt, ['prog', 'run', 'pinned', `${progDir}/dispatch`, 'data_in', f], { encoding: 'utf8', stdio: 'pipe' });
        return Number(/Return value: (\d+)/.exec(out)![1]);
      });
      expect(ours.results.map((x) => x.retval)).toEqual(kernel);
      const dump = JSON.parse(execFileSync(bt, ['-j', 'map', 'dump', 'pinned', `${mapDir}/tcp_packets`], { encoding: 'utf8', stdio: 'pipe' })) as { value: string[] | number }[];
      const v = dump[0]!.value;
      const hex = Array.isArray(v) ? v.map((b) => b.replace(/^0x/, '')).join('') : null;
      expect(ours.maps.tcp_packets![0]!.value).toBe(hex);
    } finally {
      execFileSync('rm', ['-rf', progDir, mapDir]);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
