// The CLI as users run it: a real process through tsx, exit codes and stdio included, checked against
// the kernel's BPF_PROG_TEST_RUN (bpftool prog run) when bpf() is available.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bpftoolPath, kernelOracle } from '../testing/kernel';

const dir = mkdtempSync(join(tmpdir(), 'bpfplay-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tsx = join(process.cwd(), 'node_modules/.bin/tsx');
function cli(args: string[], input?: string) {
  return spawnSync(tsx, ['worker/cli/main.ts', ...args], { encoding: 'utf8', input, timeout: 60_000 });
}

const PROG = `# sched_cls: set skb->mark from the first byte after the Ethernet header, rewrite byte 0 of the packet
  r6 = r1
  r2 = *(u32 *)(r6 + 76)
  r3 = *(u32 *)(r6 + 80)
  r4 = r2
  r4 += 15
  if r4 > r3 goto drop
  r5 = *(u8 *)(r2 + 14)
  *(u32 *)(r6 + 8) = r5
  *(u8 *)(r2 + 0) = 0x42
  r0 = 0
  exit
drop:
  r0 = 2
  exit
`;
const DATA = '0011223344556677889900aa08004500001400000000400600007f0000017f000001';

describe('cli process', () => {
  it('exits 2 on usage errors and 1 on program errors, with one line on stderr', () => {
    const u = cli(['run']);
    expect(u.status).toBe(2);
    expect(u.stderr.trim().split('\n')).toHaveLength(1);
    const p = cli(['asm', '-'], 'r0 = \n');
    expect(p.status).toBe(1);
    expect(p.stderr).toMatch(/^error: <stdin>:1:\d+: /);
  });
  it.skipIf(!kernelOracle().ok)(`cli run --json equals bpftool prog run (${kernelOracle().reason || 'kernel available'})`, () => {
    const src = join(dir, 'p.s');
    writeFileSync(src, PROG);
    const r = cli(['run', src, '--type', 'sched_cls', '--data', DATA, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const ours = (JSON.parse(r.stdout) as { results: { retval: number; data_out: string; ctx_out: string | null }[] }).results[0]!;
    const obj = join(dir, 'p.o');
    expect(cli(['elf', src, '--type', 'sched_cls', '-o', obj]).status).toBe(0);
    const pin = `/sys/fs/bpf/bpfplay_cli_${process.pid}`;
    const din = join(dir, 'in.bin');
    const dout = join(dir, 'out.bin');
    writeFileSync(din, Buffer.from(DATA, 'hex'));
    try {
      execFileSync(bpftoolPath(), ['prog', 'load', obj, pin], { stdio: 'pipe' });
      const out = execFileSync(bpftoolPath(), ['prog', 'run', 'pinned', pin, 'data_in', din, 'data_out', dout], { encoding: 'utf8', stdio: 'pipe' });
      const retval = Number(/Return value: (\d+)/.exec(out)![1]);
      expect(ours.retval).toBe(retval);
      expect(ours.data_out).toBe(readFileSync(dout).toString('hex'));
      expect(ours.data_out.slice(0, 2)).toBe('42');
    } finally {
      rmSync(pin, { force: true });
    }
  });
});
