import { describe, expect, it } from 'vitest';
import { runCli } from './cli';
import { memoryIo } from './testio';

describe('cli basics', () => {
  it('prints usage and exits 2 without a command', async () => {
    const io = memoryIo();
    expect(await runCli([], io)).toBe(2);
    expect(io.err).toContain('usage:');
  });
  it('rejects unknown commands and options with exit 2', async () => {
    expect(await runCli(['frobnicate'], memoryIo())).toBe(2);
    const io = memoryIo({ 'a.s': 'r0 = 0\nexit\n' });
    expect(await runCli(['asm', 'a.s', '--bogus'], io)).toBe(2);
    expect(io.err).toContain('unknown option --bogus');
  });
  it('asm writes raw slots in both dialects', async () => {
    for (const src of ['r0 = 1\nexit\n', 'mov %r0, 1\nexit\n']) {
      const io = memoryIo({ 'a.s': src });
      expect(await runCli(['asm', 'a.s', '-o', 'a.bin'], io)).toBe(0);
      expect(Array.from(io.files.get('a.bin')!)).toEqual([0xb7, 0, 0, 0, 1, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0]);
    }
  });
  it('asm reports assembly errors with file:line:col and exit 1', async () => {
    const io = memoryIo({}, 'r0 = 1\nr0 +=\nexit\n');
    expect(await runCli(['asm', '-'], io)).toBe(1);
    expect(io.err).toMatch(/<stdin>:2:\d+: /);
  });
  it('asm gives JSON errors with --json', async () => {
    const io = memoryIo({}, 'bogus instruction\n');
    expect(await runCli(['asm', '-', '--json'], io)).toBe(1);
    const j = JSON.parse(io.out) as { error: { message: string; loc: { line: number } }[] };
    expect(j.error[0]!.loc.line).toBe(1);
  });
  it('asm takes an ELF object and needs --section only when there are several programs', async () => {
    const io = memoryIo();
    expect(await runCli(['asm', 'testdata/obj/sockex1.o'], io)).toBe(0);
    expect(io.outBytes[0]!.length % 8).toBe(0);
    expect(io.outBytes[0]!.length).toBeGreaterThan(8);
  });
  it('asm rejects garbage bytes with a byte offset', async () => {
    const io = memoryIo({ 'x.bin': new Uint8Array([0xff, 1, 2, 3, 4, 5, 6, 7, 9]) });
    expect(await runCli(['asm', 'x.bin'], io)).toBe(1);
    expect(io.err).toMatch(/x\.bin:(insn 0|byte 8)/);
  });
  it('filter prints tcpdump -d / -dd / -ddd formats', async () => {
    const d = memoryIo();
    expect(await runCli(['filter', '-d', 'ip'], d)).toBe(0);
    expect(d.out).toBe('(000) ldh      [12]\n(001) jeq      #0x800           jt 2\tjf 3\n(002) ret      #262144\n(003) ret      #0\n');
    const dd = memoryIo();
    expect(await runCli(['filter', '-dd', 'ip'], dd)).toBe(0);
    expect(dd.out.split('\n')[0]).toBe('{ 0x28, 0, 0, 0x0000000c },');
    const ddd = memoryIo();
    expect(await runCli(['filter', '-ddd', 'ip'], ddd)).toBe(0);
    expect(ddd.out.split('\n')[0]).toBe('4');
  });
  it('filter reports a bad expression with exit 1', async () => {
    const io = memoryIo();
    expect(await runCli(['filter', 'tcp', 'port'], io)).toBe(1);
    expect(io.err).toContain('error');
  });
});

const XDP_COUNT = `.map counts array key=4 value=8 entries=4
  r2 = *(u32 *)(r1 + 4)
  r3 = *(u32 *)(r1 + 0)
  r3 += 14
  r0 = 2
  if r3 > r2 goto out
  *(u32 *)(r10 - 4) = 1
  r2 = r10
  r2 += -4
  r1 = counts ll
  call bpf_map_lookup_elem
  if r0 == 0 goto pass
  r1 = 1
  lock *(u64 *)(r0 + 0) += r1
pass:
  r0 = 2
out:
  exit
`;
const ETH_IP = '00112233445566778899aabb0800450000140000000040060000c0a80001c0a80002';

describe('cli run', () => {
  it('runs an XDP program per packet with maps persisting, JSON contract', async () => {
    const io = memoryIo({ 'x.s': XDP_COUNT });
    expect(await runCli(['run', 'x.s', '--type', 'xdp', '--data', ETH_IP, '--data', ETH_IP, '--json'], io)).toBe(0);
    const j = JSON.parse(io.out) as { results: { retval: number; r0: string; data_out: string; ctx_out: string | null; insns: number; fault: null }[]; maps: Record<string, { key: string; value: string }[]> };
    expect(j.results).toHaveLength(2);
    expect(j.results[0]).toMatchObject({ retval: 2, r0: '2', data_out: ETH_IP, fault: null, insns: 15 });
    expect(j.maps.counts!.find((e) => e.key === '01000000')!.value).toBe('0200000000000000');
    expect(j.maps.counts!.map((e) => e.key)).toEqual(['00000000', '01000000', '02000000', '03000000']);
  });
  it('reports faults with the instruction index and exit 1', async () => {
    const io = memoryIo({ 'f.s': 'r0 = *(u64 *)(r1 + 4096)\nexit\n' });
    expect(await runCli(['run', 'f.s', '--type', 'xdp', '--data', ETH_IP, '--json'], io)).toBe(1);
    const j = JSON.parse(io.out) as { results: { fault: { insn: number; message: string } }[] };
    expect(j.results[0]!.fault.insn).toBe(0);
  });
  it('stops endless loops at --max-insns', async () => {
    const io = memoryIo({ 'l.s': 'r0 = 0\nl:\nr0 += 1\ngoto l\nexit\n' });
    expect(await runCli(['run', 'l.s', '--type', 'xdp', '--data', ETH_IP, '--max-insns', '1000', '--json'], io)).toBe(1);
    const j = JSON.parse(io.out) as { results: { fault: { message: string } }[] };
    expect(j.results[0]!.fault.message).toMatch(/1000|budget|limit/);
  });
  it('needs --type and a known one (exit 2)', async () => {
    const io = memoryIo({ 'x.s': XDP_COUNT });
    expect(await runCli(['run', 'x.s'], io)).toBe(2);
    expect(await runCli(['run', 'x.s', '--type', 'nonsense'], io)).toBe(2);
    expect(await runCli(['run', 'x.s', '--type', 'xdp', '--data', 'zz'], io)).toBe(2);
  });
  it('runs classic BPF as a socket filter on an AF_PACKET socket', async () => {
    const io = memoryIo({ 'c.txt': '(000) ldh      [12]\n(001) jeq      #0x800           jt 2\tjf 3\n(002) ret      #20\n(003) ret      #0\n' });
    expect(await runCli(['run', 'c.txt', '--type', 'socket_filter', '--data', ETH_IP, '--json'], io)).toBe(0);
    const j = JSON.parse(io.out) as { results: { retval: number; data_out: string }[] };
    expect(j.results[0]!.retval).toBe(20);
    expect(j.results[0]!.data_out).toBe(ETH_IP.slice(0, 40));
  });
});

describe('cli disasm and elf', () => {
  it('disassembles to either dialect and back', async () => {
    for (const syntax of ['llvm', 'ubpf']) {
      const io = memoryIo({ 'x.s': XDP_COUNT });
      expect(await runCli(['disasm', 'x.s', '--syntax', syntax], io)).toBe(0);
      const again = memoryIo({ 'y.s': io.out });
      expect(await runCli(['asm', 'y.s', '-o', 'y.bin'], again)).toBe(0);
      const orig = memoryIo({ 'x.s': XDP_COUNT });
      await runCli(['asm', 'x.s', '-o', 'x.bin'], orig);
      expect(again.files.get('y.bin')).toEqual(orig.files.get('x.bin'));
    }
  });
  it('writes an ELF object that reads back to the same program', async () => {
    const io = memoryIo({ 'x.s': XDP_COUNT });
    expect(await runCli(['elf', 'x.s', '--type', 'xdp', '-o', 'x.o'], io)).toBe(0);
    const back = memoryIo({ 'x.o': io.files.get('x.o')! });
    expect(await runCli(['asm', 'x.o', '-o', 'x.bin'], back)).toBe(0);
    const orig = memoryIo({ 'x.s': XDP_COUNT });
    await runCli(['asm', 'x.s', '-o', 'x.bin'], orig);
    expect(back.files.get('x.bin')).toEqual(orig.files.get('x.bin'));
  });
});

describe('cli verify', () => {
  it('accepts a good program with exit 0 and the JSON contract', async () => {
    const io = memoryIo({ 'g.s': 'r0 = *(u32 *)(r1 + 0)\nexit\n' });
    expect(await runCli(['verify', 'g.s', '--type', 'socket_filter', '--json'], io)).toBe(0);
    const j = JSON.parse(io.out) as Record<string, unknown>;
    expect(Object.keys(j).sort()).toEqual(['accepted', 'error', 'log', 'processed']);
    expect(j).toMatchObject({ accepted: true, error: null, processed: 2 });
  });
  it("rejects with the kernel's message and instruction, exit 1", async () => {
    const io = memoryIo({ 'b.s': 'r1 = 1\nexit\n' });
    expect(await runCli(['verify', 'b.s', '--type', 'xdp', '--json'], io)).toBe(1);
    expect(JSON.parse(io.out)).toMatchObject({ accepted: false, error: { insn: 1, message: 'R0 !read_ok' } });
  });
  it('exit 2 for usage errors (no type, bad log level), 1 for a program that does not assemble', async () => {
    const io = memoryIo({ 'b.s': 'r1 = 1\nexit\n', 'bad.s': 'r1 = = 1\n' });
    expect(await runCli(['verify', 'b.s'], io)).toBe(2);
    expect(await runCli(['verify', 'b.s', '--type', 'xdp', '--log-level', '7'], io)).toBe(2);
    expect(await runCli(['verify', 'bad.s', '--type', 'xdp'], io)).toBe(1);
  });
});

describe('cli run --events', () => {
  const KPROBE = `.map stats array key=4 value=8 entries=2
  r6 = r1
  *(u32 *)(r10 - 4) = 0
  r2 = r10
  r2 += -4
  r1 = stats ll
  call bpf_map_lookup_elem
  if r0 == 0 goto out
  r1 = 1
  lock *(u64 *)(r0 + 0) += r1
out:
  r0 = 0
  exit
`;
  it('runs a kprobe on every event with maps persisting', async () => {
    const events = JSON.stringify({ version: 1, type: 'kprobe', events: [{ function: 'vfs_read', args: [3, 0, 100] }, { function: 'vfs_read', args: [4, 0, 10] }, { function: 'vfs_read', args: [5, 0, 1] }] });
    const io = memoryIo({ 'k.s': KPROBE, 'e.json': events });
    expect(await runCli(['run', 'k.s', '--type', 'kprobe', '--events', 'e.json', '--json'], io)).toBe(0);
    const j = JSON.parse(io.out) as { results: { retval: number }[]; maps: Record<string, { key: string; value: string }[]> };
    expect(j.results).toHaveLength(3);
    expect(j.maps.stats![0]).toEqual({ key: '00000000', value: '0300000000000000' });
  });
  it('locates errors in the events file and refuses events of another type', async () => {
    const io = memoryIo({ 'k.s': KPROBE, 'bad.json': '{"version": 1,\n "type": }', 'xdp.json': JSON.stringify({ version: 1, type: 'xdp', events: [] }) });
    expect(await runCli(['run', 'k.s', '--type', 'kprobe', '--events', 'bad.json'], io)).toBe(1);
    expect(io.err).toMatch(/bad\.json:\d+/);
    expect(await runCli(['run', 'k.s', '--type', 'kprobe', '--events', 'xdp.json'], io)).toBe(2);
  });
  it('tells how to run types the kernel cannot test-run', async () => {
    const io = memoryIo({ 'k.s': KPROBE });
    expect(await runCli(['run', 'k.s', '--type', 'kprobe'], io)).toBe(2);
    expect(io.err).toContain('--events');
  });
});
