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
