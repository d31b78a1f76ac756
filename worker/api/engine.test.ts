import { describe, expect, it } from 'vitest';
import { engine } from './engine';

function seed() {
  const ex = engine.example('seed-headers')!;
  const build = engine.build({ source: ex.source, dialect: 'auto', progType: 'socket_filter' });
  const packets = engine.samplePackets();
  engine.setInputs({ packets, maps: {}, maxInsns: 1_000_000 });
  return { build, packets };
}

describe('engine facade', () => {
  it('runs the seed filter over the sample traffic: headers kept for TCP/UDP over IPv4, the rest dropped', () => {
    const { build, packets } = seed();
    expect(build.ok).toBe(true);
    expect(build.dialect).toBe('llvm');
    const v = engine.runPackets(0, packets.length);
    expect(v).toHaveLength(packets.length);
    const by = (needle: string) => v[packets.findIndex((p) => p.name.includes(needle))]!;
    expect(by('TCP 40000 > 80 Flags [S]').verdict).toBe('keep all');
    expect(by('TCP 40000 > 80 Flags [P.]').keptLen).toBe(14 + 20 + 32);
    expect(by('UDP 53000 > 53').keptLen).toBe(14 + 20 + 8);
    expect(by('ICMP echo request').verdictClass).toBe('drop');
    expect(by('ARP who-has').verdictClass).toBe('drop');
    expect(by('IP6').verdictClass).toBe('drop');
  });

  it('steps forwards and backwards with registers matching', () => {
    seed();
    const info = engine.debugOpen(0);
    expect(info.error).toBeNull();
    expect(info.total).toBeGreaterThan(5);
    const f5 = engine.frame(5)!;
    engine.frame(info.total);
    const f5again = engine.frame(5)!;
    expect(f5again.regs.map((r) => r.value)).toEqual(f5.regs.map((r) => r.value));
    const f1 = engine.frame(1)!;
    expect(f1.regs[6]!.value).toBe(f1.regs[1]!.value); // r6 = r1
    expect(f1.regs[6]!.changed).toBe(true);
    const f2 = engine.frame(2)!;
    expect(f2.regs[0]!.value).toBe(0x800n); // EtherType
    expect(engine.frame(1)!.access).toEqual([{ start: 12, len: 2, kind: 'read' }]);
    const end = engine.frame(info.total)!;
    expect(end.done).toBe(true);
    expect(end.retval).toBe('74');
  });

  it('finds breakpoints by source line', () => {
    const { build } = seed();
    engine.debugOpen(0);
    const exitLine = build.insns.find((i) => i.text.endsWith('exit'))!.line!;
    const n = engine.findBreakpoint(0, [exitLine])!;
    expect(engine.frame(n)!.line).toBe(exitLine);
  });

  it('reports assembler errors with locations', () => {
    const r = engine.build({ source: 'r0 = 1\nr0 +== 2\nexit\n', dialect: 'llvm', progType: 'socket_filter' });
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]!.line).toBe(2);
  });

  it('every example builds', () => {
    for (const ex of engine.examples()) {
      const src = engine.example(ex.id)!.source;
      const r = engine.build({ source: src, dialect: ex.dialect, progType: ex.type });
      expect(r.diagnostics.filter((d) => d.severity === 'error'), ex.id).toEqual([]);
    }
  });
});
