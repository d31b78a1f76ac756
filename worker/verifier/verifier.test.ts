// Unit tests of the verifier's API: report shape, the kernel log format, UI data (states, paths,
// error path), unprivileged rules, and robustness (random bytes never throw). Kernel agreement on the
// whole corpus is in kdiff.test.ts; the scalar domain in bounds.test.ts; soundness in soundness.test.ts.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { assemble } from '../asm/index';
import { programFromBytes } from '../isa/program';
import { verify } from './index';

function prog(src: string) {
  const r = assemble(src, { syntax: 'llvm' });
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.program!;
}

describe('verify()', () => {
  it('accepts a trivial program and prints the kernel summary line', () => {
    const r = verify(prog('  r0 = 0\n  exit\n'), { progType: 'socket_filter', logLevel: 2 });
    expect(r.accepted).toBe(true);
    expect(r.error).toBeNull();
    expect(r.processed).toBe(2);
    expect(r.log).toContain('0: R1=ctx() R10=fp0');
    expect(r.log).toContain('0: (b7) r0 = 0                        ; R0=0');
    expect(r.log).toMatch(/processed 2 insns \(limit 1000000\) max_states_per_insn \d+ total_states \d+ peak_states \d+ mark_read 0/);
  });

  it('rejects with the kernel message, instruction and failing path', () => {
    const r = verify(prog('  r0 = 0\n  if r1 == 0 goto +1\n  r0 = 1\n  r0 /= 0\n  exit\n'), { progType: 'socket_filter' });
    expect(r.accepted).toBe(false);
    expect(r.error).toEqual({ insn: 3, message: 'div by zero' });
    expect(r.errorPath).toEqual([0, 1, 2, 3]);
    expect(r.log.split('\n')).toContain('3: (37) r0 /= 0');
  });

  it('records per-instruction states and explored paths for the UI', () => {
    const r = verify(prog('  call 7\n  if r0 > 10 goto +1\n  r0 = 0\n  exit\n'), { progType: 'socket_filter' });
    expect(r.accepted).toBe(true);
    const at3 = r.states[3]!;
    expect(at3.length).toBe(2);
    const r0s = at3.map((s) => s.regs.find((x) => x.regno === 0)!);
    expect(r0s.some((x) => x.text === '0')).toBe(true);
    expect(r0s.some((x) => x.umin === 11n)).toBe(true);
    expect(r.paths.length).toBeGreaterThanOrEqual(2);
    expect(r.paths[0]!.how).toBe('exit');
  });

  it('prints packet ranges like the kernel', () => {
    const r = verify(prog('  r2 = *(u32 *)(r1 + 0)\n  r3 = *(u32 *)(r1 + 4)\n  r4 = r2\n  r4 += 14\n  if r4 > r3 goto +1\n  r0 = *(u8 *)(r2 + 13)\n  r0 = 2\n  exit\n'), { progType: 'xdp', logLevel: 2 });
    expect(r.accepted).toBe(true);
    expect(r.log).toContain('4: (2d) if r4 > r3 goto pc+1          ; R3=pkt_end() R4=pkt(off=14,r=14)');
  });

  it('log level 0 keeps only the error and the summary', () => {
    const r = verify(prog('  exit\n'), { progType: 'socket_filter', logLevel: 0 });
    expect(r.log.split('\n')[0]).toBe('R0 !read_ok');
  });

  it('stops at the complexity limit with the kernel message', () => {
    const r = verify(prog('  r0 = 0\nl:\n  r0 += 1\n  if r0 != 0 goto l\n  exit\n'), { progType: 'socket_filter', logLevel: 0, maxProcessed: 5000 });
    expect(r.error?.message).toBe('BPF program is too large. Processed 5001 insn');
  });

  it('unknown program types have no helpers and no context', () => {
    const r = verify(prog('  r0 = *(u32 *)(r1 + 0)\n  exit\n'), { progType: 'nonsense' });
    expect(r.error?.message).toBe('invalid bpf_context access off=0 size=4');
  });
});

describe('unprivileged mode', () => {
  it('forbids leaking pointers and comparing them', () => {
    expect(verify(prog('  r0 = r10\n  exit\n'), { progType: 'socket_filter', unpriv: true }).error?.message).toBe('R0 leaks addr as return value');
    expect(verify(prog('  r0 = 0\n  if r1 > r10 goto +0\n  exit\n'), { progType: 'socket_filter', unpriv: true }).error?.message).toBe('R10 pointer comparison prohibited');
    expect(verify(prog('  r0 = *(u64 *)(r10 - 8)\n  exit\n'), { progType: 'socket_filter', unpriv: true }).error?.message).toBe('invalid read from stack R10 off=-8 size=8');
    expect(verify(prog('  r0 = 0\nl:\n  r0 += 1\n  if r0 < 4 goto l\n  exit\n'), { progType: 'socket_filter', unpriv: true }).error?.message).toBe('back-edge from insn 2 to 1');
  });
  it('allows the same programs when privileged', () => {
    expect(verify(prog('  r0 = *(u64 *)(r10 - 8)\n  exit\n'), { progType: 'socket_filter' }).accepted).toBe(true);
  });
});

describe('robustness', () => {
  it('never throws on random instruction bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 96 }), fc.constantFrom('socket_filter', 'xdp', 'kprobe', 'cgroup_skb'), (bytes, type) => {
        const p = programFromBytes(bytes.slice(0, bytes.length - (bytes.length % 8)));
        const r = verify(p, { progType: type, maxProcessed: 20_000 });
        expect(typeof r.accepted).toBe('boolean');
        if (!r.accepted) expect(r.error!.message).not.toMatch(/internal error/);
      }),
      { numRuns: 1500 },
    );
  });
});
