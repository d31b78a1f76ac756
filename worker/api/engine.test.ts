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

  // Every example is a test: it assembles, the verifier accepts it (the lessons are rejected), and the
  // verdicts its header expects hold on the default inputs.
  it.each(engine.examples().map((e) => [e.id, e] as const))('example %s', (_id, ex) => {
    const src = engine.example(ex.id)!.source;
    const r = engine.build({ source: src, dialect: ex.dialect, progType: ex.type });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const report = engine.verify({ unpriv: false });
    if (ex.dialect !== 'cbpf') expect(report!.accepted).toBe(ex.section !== 'verifier');
    if (ex.section === 'verifier' || ex.section === 'exercises') return;
    const packetTypes = engine.progTypes().find((t) => t.name === ex.type)!.packetBased;
    const inputs = packetTypes ? engine.samplePackets() : engine.eventInputs(ex.type, null).inputs;
    engine.setInputs({ packets: inputs, maps: {}, maxInsns: 1_000_000 });
    const v = engine.runPackets(0, inputs.length);
    for (const [name, want] of Object.entries(ex.expect ?? {})) {
      const i = inputs.findIndex((p) => p.name.toLowerCase().includes(name.toLowerCase()));
      expect(i, name).toBeGreaterThanOrEqual(0);
      expect(v[i]!.verdictClass, name).toBe(want === 'pass' ? 'pass' : want);
    }
  });
});

describe('engine facade: other inputs', () => {
  it('verifies with the kernel message and line for a rejected lesson', () => {
    const ex = engine.example('uninit-r0')!;
    engine.build({ source: ex.source, dialect: 'llvm', progType: 'socket_filter' });
    const r = engine.verify({ unpriv: false })!;
    expect(r.accepted).toBe(false);
    expect(r.error!.message).toBe('R0 !read_ok');
    expect(r.error!.line).not.toBeNull();
    expect(r.log).toContain('R0 !read_ok');
  });

  it('runs classic BPF and its checker', () => {
    const ex = engine.example('tcpdump-tcp')!;
    const b = engine.build({ source: ex.source, dialect: 'auto', progType: 'socket_filter' });
    expect(b.dialect).toBe('cbpf');
    expect(b.translated?.length).toBeGreaterThan(b.insns.length);
    const packets = engine.samplePackets();
    engine.setInputs({ packets, maps: {}, maxInsns: 1_000_000 });
    const v = engine.runPackets(0, packets.length);
    expect(v[packets.findIndex((p) => p.name.includes('TCP 40000 > 80'))]!.verdictClass).toBe('keep');
    // tcpdump's 'tcp' looks at the IPv6 next header (and one fragment header), not hop-by-hop options.
    const tcp6 = v[packets.findIndex((p) => p.name.includes('IP6') && p.name.includes('TCP'))]!;
    expect(tcp6.verdictClass).toBe('drop');
    expect(v[packets.findIndex((p) => p.name.includes('UDP'))]!.verdictClass).toBe('drop');
  });

  it('runs kprobe events and keeps map state between them', () => {
    const ex = engine.example('kprobe-count-opens')!;
    engine.build({ source: ex.source, dialect: 'llvm', progType: 'kprobe' });
    const ev = engine.eventInputs('kprobe', null);
    expect(ev.error).toBeNull();
    engine.setInputs({ packets: ev.inputs, maps: {}, maxInsns: 1_000_000 });
    engine.runPackets(0, ev.inputs.length);
    const d = engine.debugOpen(ev.inputs.length - 1);
    const last = engine.frame(d.total)!;
    // The last event starts with the counts of the earlier ones: 3 before it, 4 after.
    expect(last.maps[0]!.entries[0]!.value).toBe('0400000000000000');
  });

  it('applies initial map contents the user set', () => {
    const ex = engine.example('kprobe-count-opens')!;
    engine.build({ source: ex.source, dialect: 'llvm', progType: 'kprobe' });
    const ev = engine.eventInputs('kprobe', null);
    engine.setInputs({ packets: ev.inputs, maps: { stats: [{ key: '00000000', value: '6400000000000000' }] }, maxInsns: 1_000_000 });
    engine.runPackets(0, ev.inputs.length);
    const d = engine.debugOpen(0);
    expect(engine.frame(d.total)!.maps[0]!.entries[0]!.value).toBe('6500000000000000');
  });

  it('reports events-file errors as values', () => {
    const r = engine.eventInputs('kprobe', '{"version": 1, "type": "kprobe", "events": [');
    expect(r.inputs).toEqual([]);
    expect(r.error).toMatch(/not valid JSON/);
  });

  it('reads back the capture it writes', () => {
    const packets = engine.samplePackets();
    const bytes = engine.writeCapture(packets)!;
    const r = engine.readCapture(bytes);
    expect(r.error).toBeNull();
    expect(r.packets.map((p) => p.hex)).toEqual(packets.map((p) => p.hex));
    expect(engine.readCapture(new Uint8Array([1, 2, 3])).error).toMatch(/too short/);
  });

  it('captures trace_printk output per step', () => {
    const ex = engine.example('printk')!;
    engine.build({ source: ex.source, dialect: 'llvm', progType: 'socket_filter' });
    engine.setInputs({ packets: engine.samplePackets(), maps: {}, maxInsns: 1_000_000 });
    const d = engine.debugOpen(0);
    expect(engine.frame(0)!.output).toEqual([]);
    expect(engine.frame(d.total)!.output).toEqual(['74 8']);
  });
});
