// Interpreter semantics (the kernel differential in kernel.test.ts checks the same on real sockets).
import { describe, expect, it } from 'vitest';
import { parseBpfAsm } from './bpfasm';
import type { SockFilter } from './insn';
import { initState, run, seccompVerdict, socketVerdict, step, undoStep, type CbpfEffect, type SkbContext } from './interp';

const asm = (s: string): SockFilter[] => {
  const r = parseBpfAsm(s);
  if (!r.filters) throw new Error(JSON.stringify(r.diagnostics));
  return r.filters;
};
const frame = Uint8Array.from([
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00, // Ethernet
  0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, // IPv4 TCP 10.0.0.1 -> 10.0.0.2
  0x04, 0xd2, 0x00, 0x50, // ports 1234 -> 80
]);
const skb = (over: Partial<SkbContext> = {}): SkbContext => ({ kind: 'skb', frame, ...over });

describe('classic interpreter', () => {
  it.each<[string, string, number | null, Partial<SkbContext>?]>([
    ['big-endian word load', 'ld [26]\nret a', 0x0a000001],
    ['half and byte loads', 'ldh [12]\ntax\nldb [23]\nadd x\nret a', 0x0806],
    ['out-of-packet load ends with 0', 'ld [36]\nret #1', 0],
    ['ldxb 4*([14]&0xf) + ind', 'ldxb 4*([14]&0xf)\nldh [x + 16]\nret a', 80],
    ['ind load past the end ends with 0', 'ldx #100\nldb [x + 0]\nret #1', 0],
    ['#len', 'ld #len\nret a', 38],
    ['ldx #len / txa', 'ldx #len\ntxa\nret a', 38],
    ['SKF_NET_OFF', 'ld [0xfff00000]\nret a', 0x45000028],
    ['SKF_LL_OFF', 'ldh [0xffe0000c]\nret a', 0x0800],
    ['div by X == 0 ends with 0', 'ldx #0\nld #5\ndiv x\nret #9', 0],
    ['mod by X == 0 ends with 0', 'ldx #0\nld #5\nmod x\nret #9', 0],
    ['32-bit wrap', 'ld #0xffffffff\nadd #2\nret a', 1],
    ['mul wraps', 'ld #0x10000\nmul #0x10000\nret a', 0],
    ['neg', 'ld #1\nneg\nret a', 0xffffffff],
    ['shift by X uses the low 5 bits', 'ldx #33\nld #1\nlsh x\nret a', 2],
    ['jset', 'ld #6\njset #2, y, n\ny: ret #1\nn: ret #2', 1],
    ['jgt x', 'ldx #5\nld #6\njgt x, y, n\ny: ret #1\nn: ret #2', 1],
    ['M[] round trip', 'ld #7\nst M[3]\nld #0\nldx M[3]\ntxa\nret a', 7],
    ['#proto (from the EtherType)', 'ld #proto\nret a', 0x0800],
    ['#type', 'ld #type\nret a', 3, { pktType: 3 }],
    ['#ifidx with no device ends with 0', 'ld #ifidx\nret #5', 0, { ifindex: 0 }],
    ['#ifidx', 'ld #ifidx\nret a', 4, { ifindex: 4 }],
    ['#vlan_tci / #vlan_avail', 'ld #vlan_tci\ntax\nld #vlan_avail\nadd x\nret a', 101, { vlanTci: 100, vlanPresent: true }],
    ['xor_x ancillary', 'ldx #3\nld #5\nld [0xfffff028]\nret a', 6],
    ['ret x', 'ldx #9\nret x', 9],
  ])('%s', (_n, src, want, over) => {
    expect(run(asm(src), skb(over)).ret).toBe(want);
  });

  it('#nla finds a netlink attribute', () => {
    // two attributes: len 8 type 1, len 8 type 2 (little-endian struct nlattr)
    const nl = Uint8Array.from([8, 0, 1, 0, 0xaa, 0xbb, 0xcc, 0xdd, 8, 0, 2, 0, 1, 2, 3, 4]);
    expect(run(asm('ld #0\nldx #2\nld #nla\nret a'), { kind: 'skb', frame: nl }).ret).toBe(8);
    expect(run(asm('ld #0\nldx #9\nld #nla\nret a'), { kind: 'skb', frame: nl }).ret).toBe(0);
  });

  it('#rand is deterministic per seed', () => {
    const p = asm('ld #rand\nret a');
    expect(run(p, skb({ randomSeed: 5 })).ret).toBe(run(p, skb({ randomSeed: 5 })).ret);
    expect(run(p, skb({ randomSeed: 5 })).ret).not.toBe(run(p, skb({ randomSeed: 6 })).ret);
  });

  it('steps forwards and back with effect records', () => {
    const p = asm('ld [26]\nst M[1]\nldx #4\nld #rand\nret a');
    const ctx = skb();
    const st = initState(ctx);
    const effs: CbpfEffect[] = [];
    const snaps: string[] = [];
    while (st.ret === null && st.fault === null) {
      snaps.push(JSON.stringify(st));
      effs.push(step(p, st, ctx));
    }
    expect(effs[0]!.read).toEqual({ off: 26, size: 4, at: 26, value: 0x0a000001 });
    expect(effs[1]!.mem).toEqual({ index: 1, before: 0, after: 0x0a000001 });
    expect(effs[2]!.X).toEqual([0, 4]);
    expect(effs[4]!.ret).toBe(st.A);
    for (let i = effs.length - 1; i >= 0; i--) {
      undoStep(st, effs[i]!);
      expect(JSON.stringify(st)).toBe(snaps[i]);
    }
  });

  it('faults instead of running off an unchecked program', () => {
    expect(run([{ code: 0x05, jt: 0, jf: 0, k: 10 }], skb()).fault).toMatch(/outside/);
    expect(run([{ code: 0xff, jt: 0, jf: 0, k: 0 }], skb()).fault).toMatch(/unknown opcode/);
  });

  it('socket-filter verdicts', () => {
    expect(socketVerdict(0, 60)).toEqual({ accept: false, keep: 0, name: 'drop' });
    expect(socketVerdict(262144, 60)).toEqual({ accept: true, keep: 60, name: 'accept' });
    expect(socketVerdict(20, 60)).toEqual({ accept: true, keep: 20, name: 'keep 20 of 60 bytes' });
  });

  it('seccomp: seccomp_data in host order and SECCOMP_RET names', () => {
    const p = asm('ld [4]\njeq #0xc000003e, ok, kill\nok: ld [0]\njeq #39, allow, deny\nallow: ret #0x7fff0000\ndeny: ret #0x50001\nkill: ret #0x80000000');
    const ctx = { kind: 'seccomp' as const, nr: 39, arch: 0xc000003e, instructionPointer: 0n, args: [0n, 0n, 0n, 0n, 0n, 0n] };
    expect(seccompVerdict(run(p, ctx).ret!)).toBe('SECCOMP_RET_ALLOW');
    expect(seccompVerdict(run(p, { ...ctx, nr: 1 }).ret!)).toBe('SECCOMP_RET_ERRNO(1)');
    expect(seccompVerdict(run(p, { ...ctx, arch: 0xc00000b7 }).ret!)).toBe('SECCOMP_RET_KILL_PROCESS');
    const args = [0n, 0x1122334455667788n, 0n, 0n, 0n, 0n];
    expect(run(asm('ld [24]\nret a'), { ...ctx, args }).ret).toBe(0x55667788);
    expect(run(asm('ld [28]\nret a'), { ...ctx, args }).ret).toBe(0x11223344);
    expect(run(asm('ld #len\nret a'), ctx).ret).toBe(64);
    expect(seccompVerdict(0)).toBe('SECCOMP_RET_KILL_THREAD');
    expect(seccompVerdict(0x00030005)).toBe('SECCOMP_RET_TRAP(5)');
  });
});
