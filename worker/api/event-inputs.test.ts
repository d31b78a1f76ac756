// The browser engine's event inputs: memory blobs of the events file are readable by bpf_probe_read_*
// (as `cli run --events` maps them, worker/events/run.ts), on the fast path and when stepping; packets carry
// their attach point (direction, ifindex, an LWT route whose prefix decides whether the program sees them).
import { describe, expect, it } from 'vitest';
import { engine } from './engine';
import { materializeEvents, parseEventsFile, parseLwtRoute, routeMatches } from '../events/format';
import { runEvents } from '../events/run';
import { assemble } from '../asm/index';
import type { PacketInput } from './types';

// bpf_probe_read_user_str(buf, 32, PT_REGS_PARM2(ctx)); bpf_trace_printk("%s\n", buf)
const SOURCE = `.license "GPL"
	r3 = *(u64 *)(r1 + 104)     # pt_regs->si: the filename pointer
	r1 = r10
	r1 += -32
	r2 = 32
	call bpf_probe_read_user_str
	r1 = 0x0a7325 ll            # "%s\\n"
	*(u64 *)(r10 - 40) = r1
	r1 = r10
	r1 += -40
	r2 = 4
	r3 = r10
	r3 += -32
	call bpf_trace_printk
	r0 = 0
	exit
`;

const events = (memory: unknown[]) => JSON.stringify({
  version: 1, type: 'kprobe', memory,
  events: [{ function: 'do_sys_openat2', args: [-100, '0x7ffd1000', 0] }, { function: 'do_sys_openat2', args: [-100, '0x7ffd2000', 0] }],
});

function load(text: string) {
  const b = engine.build({ source: SOURCE, dialect: 'llvm', progType: 'kprobe' });
  expect(b.ok).toBe(true);
  const ev = engine.eventInputs('kprobe', text);
  expect(ev.error).toBeNull();
  engine.setInputs({ packets: ev.inputs, maps: {}, maxInsns: 1_000_000 });
  return ev;
}

function outputOf(packet: number): string[] {
  const d = engine.debugOpen(packet);
  expect(d.error).toBeNull();
  return engine.frame(d.total)!.output;
}

describe('event inputs: memory blobs', () => {
  it('bpf_probe_read_user_str reads a text blob; trace_printk prints it (fast path and stepping)', () => {
    load(events([{ addr: '0x7ffd1000', text: '/etc/passwd' }, { addr: '0x7ffd2000', hex: '2f746d702f7800' }]));
    const v = engine.runPackets(0, 2);
    expect(v.map((x) => x.fault)).toEqual([null, null]);
    expect(outputOf(0).join('\n')).toContain('/etc/passwd');
    expect(outputOf(1).join('\n')).toContain('/tmp/x');
  });

  it('an address no blob covers fails the read (-EFAULT) and prints an empty string', () => {
    load(events([{ addr: '0x7ffd1000', text: '/etc/passwd' }]));
    expect(outputOf(1).join('\n')).not.toContain('/etc/passwd');
    const d = engine.debugOpen(1);
    const frames = Array.from({ length: d.total + 1 }, (_, k) => engine.frame(k)!);
    expect(frames.some((f) => /probe_read_user_str.*→ 0xfffffffffffffff2/.test(f.explain))).toBe(true);
  });

  it('blobs of an earlier events text do not leak into the next one', () => {
    load(events([{ addr: '0x7ffd1000', text: '/etc/passwd' }]));
    load(events([]));
    expect(outputOf(0).join('\n')).not.toContain('/etc/passwd');
  });
});

const LWT = engine.example('lwt-drop-udp')!;
const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((h) => parseInt(h, 16)));

describe('LWT routes', () => {
  it.each([
    ['10.0.0.0/8', { family: 4, len: 8 }],
    ['ip route add 198.51.100.0/24 encap bpf out obj p.o section lwt_out dev eth0', { family: 4, len: 24 }],
    ['2001:db8::/32', { family: 6, len: 32 }],
    ['192.0.2.1', { family: 4, len: 32 }],
    ['default', { family: 4, len: 0 }],
  ])('parses %s', (text, want) => {
    const r = parseLwtRoute(text);
    expect(typeof r === 'string' ? r : { family: r.family, len: r.len }).toEqual(want);
  });
  it.each([['', 'destination prefix'], ['10.0.0.0/33', '0..32'], ['example.com', 'not an IPv4 or IPv6 prefix'], ['10.0.0.0/x', 'prefix length']])('refuses %j', (text, msg) => {
    expect(parseLwtRoute(text)).toContain(msg);
  });

  it('matches the destination address, from L2 or L3, in its own family only', () => {
    const [udp] = engine.samplePackets().filter((p) => p.name.includes('UDP 53000 > 53'));
    const frame = hex(udp!.hex); // 192.0.2.10 > 198.51.100.20
    const r = (t: string) => parseLwtRoute(t) as Exclude<ReturnType<typeof parseLwtRoute>, string>;
    expect(routeMatches(r('198.51.100.0/24'), frame)).toBe(true);
    expect(routeMatches(r('198.51.100.21/32'), frame)).toBe(false);
    expect(routeMatches(r('192.0.2.0/24'), frame)).toBe(false); // the source, not the destination
    expect(routeMatches(r('198.51.100.0/24'), frame.subarray(14), true)).toBe(true);
    expect(routeMatches(r('::/0'), frame)).toBe(false);
    expect(routeMatches(r('0.0.0.0/0'), frame)).toBe(true);
    // a VLAN-tagged frame: the destination after the tag
    const tagged = hex(engine.samplePackets().find((p) => p.name.startsWith('vlan 100'))!.hex);
    expect(routeMatches(r('198.51.100.20/32'), tagged)).toBe(true);
    expect(routeMatches(r('192.0.2.10/32'), tagged)).toBe(false);
  });

  it('the browser engine: packets outside the route are not routed through the program; the rest get verdicts', () => {
    const build = engine.build({ source: LWT.source, dialect: 'llvm', progType: 'lwt_out' });
    expect(build.ok).toBe(true);
    const samples = engine.samplePackets();
    const run = (meta?: PacketInput['meta']) => {
      engine.setInputs({ packets: samples.map((p) => (meta ? { ...p, meta } : p)), maps: {}, maxInsns: 1_000_000 });
      return engine.runPackets(0, samples.length);
    };
    const by = (v: ReturnType<typeof run>, needle: string) => v[samples.findIndex((p) => p.name.includes(needle))]!;
    const all = run();
    expect(by(all, 'UDP 53000 > 53').verdict).toBe('BPF_DROP');
    expect(by(all, 'UDP 53 > 53000').verdict).toBe('BPF_DROP');
    const toServer = run({ route: '198.51.100.0/24' });
    expect(by(toServer, 'UDP 53000 > 53').verdict).toBe('BPF_DROP');
    expect(by(toServer, 'UDP 53 > 53000').verdict).toBe('not routed through this program (destination outside 198.51.100.0/24)');
    expect(by(toServer, 'UDP 53 > 53000').insns).toBe(0);
    expect(by(toServer, 'IP6').verdict).toMatch(/^not routed/);
    // stepping a packet that is not routed: one frame that says so
    const k = samples.findIndex((p) => p.name.includes('UDP 53 > 53000'));
    const d = engine.debugOpen(k);
    expect(d).toMatchObject({ total: 0, error: null });
    expect(engine.frame(0)!.explain).toContain('never sees it');
  });

  it('direction and ifindex reach the __sk_buff (cgroup_skb)', () => {
    // reads skb->ifindex and skb->ingress_ifindex; the context view shows what the program saw
    const src = 'r2 = *(u32 *)(r1 + 40)\nr3 = *(u32 *)(r1 + 36)\nr0 = 1\nexit\n';
    expect(engine.build({ source: src, dialect: 'llvm', progType: 'cgroup_skb' }).ok).toBe(true);
    const p = engine.samplePackets()[0]!;
    const ctxOf = (meta: PacketInput['meta']) => {
      engine.setInputs({ packets: [{ ...p, meta }], maps: {}, maxInsns: 1_000_000 });
      engine.runPackets(0, 1);
      const view = engine.ctxView('cgroup_skb', null, 0)!;
      const f = (n: string) => view.fields.find((x) => x.name === n)!.value;
      return { ifindex: f('ifindex'), ingress: f('ingress_ifindex') };
    };
    expect(ctxOf({ direction: 'ingress', ifindex: 7 })).toEqual({ ifindex: '0x7', ingress: '0x7' });
    expect(ctxOf({ direction: 'egress', ifindex: 9 })).toEqual({ ifindex: '0x9', ingress: '0x0' });
  });

  it('cli run --events: the same route leaves the same packets out (with a warning), so both agree', () => {
    const file = parseEventsFile(JSON.stringify({ version: 1, type: 'lwt_out', events: [{ sample: 'dns-udp', meta: { route: '198.51.100.0/24' } }] })).file!;
    const m = materializeEvents(file);
    expect(m.events.map((e) => e.label)).toEqual(['dns-udp #1']);
    expect(m.diagnostics).toHaveLength(1);
    expect(m.diagnostics.every((d) => d.severity === 'warning' && /not routed through this program/.test(d.message))).toBe(true);
    const bad = materializeEvents(parseEventsFile(JSON.stringify({ version: 1, type: 'lwt_out', events: [{ sample: 'dns-udp', meta: { route: '10.0.0.0/40' } }] })).file!);
    expect(bad.diagnostics.map((d) => d.message)).toEqual(['events[0].meta.route: prefix length of "10.0.0.0/40" must be 0..32']);
  });
});

const TC_META = 'r2 = *(u32 *)(r1 + 4)\nr3 = *(u32 *)(r1 + 40)\nr3 <<= 8\nr2 |= r3\nr0 = r2\nexit\n'; // pkt_type | ifindex << 8

describe('browser and cli run --events agree', () => {
  const cases: { type: 'lwt_out' | 'sched_cls'; source: string; meta: NonNullable<PacketInput['meta']> }[] = [
    { type: 'lwt_out', source: LWT.source, meta: { route: '198.51.100.0/24' } },
    { type: 'lwt_out', source: LWT.source, meta: { route: '192.0.2.10' } },
    // tc: pkt_type and ifindex as the program reads them at ingress and at egress
    { type: 'sched_cls', source: TC_META, meta: { direction: 'egress', ifindex: 5 } },
    { type: 'sched_cls', source: TC_META, meta: { ifindex: 3 } },
  ];
  it.each(cases.map((c) => [c.type, JSON.stringify(c.meta), c] as const))('%s attached with %s', (_t, _m, { type, source, meta }) => {
    const samples = engine.samplePackets();
    expect(engine.build({ source, dialect: 'llvm', progType: type }).ok).toBe(true);
    engine.setInputs({ packets: samples.map((p) => ({ ...p, meta })), maps: {}, maxInsns: 1_000_000 });
    const browser = engine.runPackets(0, samples.length).map((v) => (v.verdict.startsWith('not routed') ? 'not routed' : v.verdict === 'not run' ? 'not run' : v.retval));
    const asm = assemble(source, { syntax: 'llvm' });
    const file = parseEventsFile(JSON.stringify({ version: 1, type, events: samples.map((p) => ({ hex: p.hex, meta })) })).file!;
    const cli = runEvents(asm.program!, file);
    // The CLI leaves out packets that are not routed (a warning names each) and those it cannot run (an error).
    const ran = new Map(cli.results.map((r) => [r.label, String(r.retval)]));
    const expected = samples.map((_, i) => ran.get(`packet ${i + 1}`)
      ?? (cli.diagnostics.some((d) => d.severity === 'error' && d.message.startsWith(`packet ${i + 1}:`)) ? 'not run' : 'not routed'));
    expect(browser).toEqual(expected);
    expect(cli.diagnostics.filter((d) => d.severity === 'warning').length).toBe(expected.filter((x) => x === 'not routed').length);
    expect(new Set(browser).size).toBeGreaterThan(1);
  });
});
