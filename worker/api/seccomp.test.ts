import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { engine } from './engine';
import { parseSeccompEvents, seccompContextFromBytes, seccompDataBytes, seccompVerdictView, SYSCALLS_X86_64 } from './seccomp';

const UNISTD = '/usr/include/x86_64-linux-gnu/asm/unistd_64.h';

function openExample() {
  const ex = engine.example('seccomp-allowlist')!;
  const build = engine.build({ source: ex.source, dialect: ex.meta.dialect, progType: ex.meta.type });
  const ev = engine.eventInputs('seccomp', null);
  engine.setInputs({ packets: ev.inputs, maps: {}, maxInsns: 1_000_000 });
  return { build, ev };
}

describe('seccomp filters in the engine', () => {
  it('is a classic-only, event-driven program type', () => {
    const t = engine.progTypes().find((x) => x.name === 'seccomp')!;
    expect(t.packetBased).toBe(false);
    expect(t.classicOnly).toBe(true);
    expect(t.verdicts.map((v) => v.name)).toContain('SECCOMP_RET_ERRNO');
  });

  it('gives the example filter\'s verdicts on the default system calls', () => {
    const { build, ev } = openExample();
    expect(build.ok).toBe(true);
    expect(build.dialect).toBe('cbpf');
    expect(build.insns.slice(-3).map((i) => i.text.replace(/\s+/g, ' '))).toEqual([
      'ret #0x80000000 ; KILL_PROCESS', 'ret #0x00050001 ; ERRNO(1)', 'ret #0x7fff0000 ; ALLOW',
    ]);
    // bpf_convert_filter() for seccomp: `ld [k]` becomes a 32-bit load from the context (r6 = ctx).
    const tr = build.translated!.map((i) => i.text);
    expect(tr.filter((t) => t.includes('*(u32 *)(r6'))).toHaveLength(2);
    expect(tr.some((t) => t.includes('skb['))).toBe(false);
    expect(build.translated!.find((i) => i.text.includes('(r6 + 0x4)') || i.text.includes('(r6 + 4)'))!.line).toBe(0);
    expect(ev.error).toBeNull();
    const v = engine.runPackets(0, ev.inputs.length);
    expect(ev.inputs.map((p, i) => [p.name.replace(/\(.*/, '') + (p.name.includes('[i386]') ? ' [i386]' : ''), v[i]!.verdict, v[i]!.retval])).toEqual([
      ['read', 'ALLOW', String(0x7fff0000)],
      ['write', 'ALLOW', String(0x7fff0000)],
      ['openat', 'ERRNO(1)', String(0x50001)],
      ['execve', 'KILL_PROCESS', String(0x80000000)],
      ['write [i386]', 'KILL_PROCESS', String(0x80000000)],
      ['exit_group', 'ALLOW', String(0x7fff0000)],
    ]);
    expect(v.map((x) => x.verdictClass)).toEqual(['pass', 'pass', 'drop', 'drop', 'drop', 'pass']);
  });

  it('steps through openat with A, X, M[] and the seccomp_data bytes as the context', () => {
    openExample();
    const info = engine.debugOpen(2);
    expect(info.error).toBeNull();
    expect(info.total).toBe(8);
    const f0 = engine.frame(0)!;
    expect(f0.regs.map((r) => r.name).slice(0, 3)).toEqual(['A', 'X', 'M[0]']);
    expect(f0.packetBytes).toHaveLength(64);
    expect(f0.access).toEqual([{ start: 4, len: 4, kind: 'read' }]);
    expect(f0.explain).toContain('reads arch = 0xc000003e');
    expect(engine.frame(1)!.regs[0]!.value).toBe(0xc000003en);
    expect(engine.frame(3)!.regs[0]!.value).toBe(257n);
    const end = engine.frame(info.total)!;
    expect(end.done).toBe(true);
    expect(end.verdict).toBe('ERRNO(1)');
    expect(engine.frame(2)!.regs[0]!.value).toBe(0xc000003en); // back again
    const d = engine.packetDetail(2)!;
    expect(d.layers[0]!.fields.find((f) => f.name === 'nr')!.value).toBe('257 (openat)');
  });

  it('checks with seccomp_check_filter(): packet loads are refused with a located error', () => {
    const r = engine.build({ source: 'ldh [12]\nret #0x7fff0000\n', dialect: 'cbpf', progType: 'seccomp' });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.some((d) => d.severity === 'error' && d.insn === 0)).toBe(true);
    const ok = engine.build({ source: 'ldh [12]\nret #0x7fff0000\n', dialect: 'cbpf', progType: 'socket_filter' });
    expect(ok.ok).toBe(true);
    const llvm = engine.build({ source: 'r0 = 0\nexit\n', dialect: 'llvm', progType: 'seccomp' });
    expect(llvm.ok).toBe(false);
    expect(llvm.diagnostics[0]!.message).toContain('classic');
  });

  it('parses events: names, numbers, nr overrides, x32, bad input as errors', () => {
    const r = parseSeccompEvents(JSON.stringify({ version: 1, type: 'seccomp', events: [
      { syscall: 'openat', args: [-100, '0x10', 0] }, { syscall: 59 }, { syscall: 'write', nr: 4, arch: 'i386' }, { syscall: 'read', arch: 'x32' },
    ] }));
    expect(r.errors).toEqual([]);
    expect(r.events.map((e) => [e.label, e.ctx.nr, e.ctx.arch >>> 0])).toEqual([
      ['openat(-100, 16, 0)', 257, 0xc000003e], ['execve()', 59, 0xc000003e], ['write() [i386]', 4, 0x40000003], ['read() [x32]', 0x40000000, 0xc000003e],
    ]);
    expect(r.events[0]!.ctx.args[0]).toBe(0xffffffffffffff9cn);
    const bad = parseSeccompEvents(JSON.stringify({ version: 1, type: 'seccomp', events: [{ syscall: 'nosuch' }, { syscall: 'read', args: ['x'] }, { arch: 'vax', syscall: 1 }] }));
    expect(bad.events).toEqual([]);
    expect(bad.errors).toHaveLength(3);
    expect(bad.errors[0]).toMatch(/^event 1: unknown system call "nosuch"/);
    expect(parseSeccompEvents('{').errors[0]).toMatch(/not JSON/);
    expect(engine.eventInputs('seccomp', '{"version":1,"type":"kprobe","events":[]}').error).toMatch(/kprobe, not seccomp/);
  });

  it('round-trips struct seccomp_data and names every action', () => {
    const ctx = { kind: 'seccomp' as const, nr: 231, arch: 0xc000003e, instructionPointer: 0x401136n, args: [1n, 2n, 3n, 4n, 5n, 0xffffffffffffffffn] };
    expect(seccompContextFromBytes(seccompDataBytes(ctx))).toEqual(ctx);
    expect([0x7fff0000, 0x7ffc0000, 0x50001, 0x5ffff, 0x30000, 0x30005, 0x7ff00000, 0x7fc00000, 0, 0x80000000, 0x12340000]
      .map((r) => seccompVerdictView(r).name)).toEqual([
      'ALLOW', 'LOG', 'ERRNO(1)', 'ERRNO(4095)', 'TRAP', 'TRAP(5)', 'TRACE', 'USER_NOTIF', 'KILL_THREAD', 'KILL_PROCESS', 'KILL_PROCESS (unknown action 0x12340000)',
    ]);
  });

  it.skipIf(!existsSync(UNISTD))('the syscall table matches the system\'s asm/unistd_64.h', () => {
    const text = readFileSync(UNISTD, 'utf8');
    const real = new Map<string, number>();
    for (const m of text.matchAll(/^#define __NR_(\w+)\s+(\d+)/gm)) real.set(m[1]!, Number(m[2]));
    for (const [name, nr] of Object.entries(SYSCALLS_X86_64)) expect([name, real.get(name)]).toEqual([name, nr]);
  });
});
