// The facade with several programs (tail calls through a prog_array), call/tail-call marks, exact stepping
// of late packets from sparse checkpoints, and sock_ops callbacks played on the simulated connection.
import { describe, expect, it } from 'vitest';
import { engine, snapEveryFor } from './engine';
import type { PacketInput } from './types';

const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff].map((x) => x.toString(16).padStart(2, '0')).join('');
const le64 = (v: number) => le32(v) + '00000000';

function open(id: string, maps: Record<string, { key: string; value: string }[]> = {}) {
  const ex = engine.example(id)!;
  const build = engine.build({ source: ex.source, dialect: 'auto', progType: ex.meta.type });
  const packets = engine.samplePackets();
  engine.setInputs({ packets, maps, maxInsns: 1_000_000 });
  const report = engine.verify({ unpriv: false })!;
  return { build, packets, report };
}

describe('several programs: tail calls', () => {
  it('loads one program per section, fills the prog_array from the section numbers, verifies each', () => {
    const { build, report } = open('tail-call');
    expect(build.ok).toBe(true);
    expect(build.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(build.programs!.map((p) => [p.index, p.name, p.section, p.progType])).toEqual([
      [0, 'dispatch', 'socket', 'socket_filter'], [1, 'ipv4', 'socket/1', 'socket_filter'], [2, 'tcp', 'socket/2', 'socket_filter'],
    ]);
    expect(build.maps.find((m) => m.name === 'jmp_table')!.entries).toEqual([
      { key: le32(1), value: le32(1), note: 'program 1: ipv4' }, { key: le32(2), value: le32(2), note: 'program 2: tcp' },
    ]);
    expect(report.accepted).toBe(true);
    expect(report.programs!.map((p) => [p.name, p.accepted])).toEqual([['dispatch', true], ['ipv4', true], ['tcp', true]]);
    expect(engine.verifierReport(2)!.program).toBe(2);
    expect(engine.verifierReport(3)).toBeNull();
  });

  it('a rejected program among several: its verdict names the error and its source line', () => {
    const ex = engine.example('tail-call')!;
    // ipv4 (socket/1) returns without setting r0 on one path
    const broken = ex.source.replace('\tr0 = -1                     # other IPv4: keep the whole packet\n', '');
    expect(broken).not.toBe(ex.source);
    engine.build({ source: broken, dialect: 'llvm', progType: 'socket_filter' });
    const r = engine.verify({ unpriv: false })!;
    expect(r.accepted).toBe(true);
    const bad = r.programs!.find((p) => !p.accepted)!;
    expect(bad).toMatchObject({ index: 1, name: 'ipv4', error: 'R0 !read_ok' });
    expect(broken.split('\n')[bad.line! - 1]).toMatch(/exit/);
  });

  it('verdicts come from the program the tail calls reach; the map counts what the last program saw', () => {
    const { packets } = open('tail-call');
    const v = engine.runPackets(0, packets.length);
    const by = (needle: string) => v[packets.findIndex((p) => p.name.includes(needle))]!;
    expect(by('TCP 40000 > 80 Flags [S]').verdict).toBe('keep 54 bytes'); // socket/2
    expect(by('UDP 53000 > 53').verdict).toBe('keep all'); // socket/1
    expect(by('ARP who-has').verdict).toBe('drop'); // socket
    const tcp = packets.findIndex((p) => p.name.includes('TCP'));
    const d = engine.debugOpen(tcp);
    const end = engine.frame(d.total)!;
    const tcpCount = v.filter((x) => x.verdict === 'keep 54 bytes').length;
    expect(tcpCount).toBeGreaterThan(1);
    // stepping the first TCP packet starts from the maps as the earlier packets left them
    expect(end.maps.find((m) => m.name === 'tcp_packets')!.entries[0]!.value).toBe(le64(v.slice(0, tcp + 1).filter((x) => x.verdict === 'keep 54 bytes').length));
  });

  it('stepping follows the tail calls: program, tail-call depth, source line and marks', () => {
    const { packets, build } = open('tail-call');
    engine.runPackets(0, packets.length);
    const tcp = packets.findIndex((p) => p.name.includes('TCP'));
    const d = engine.debugOpen(tcp);
    expect(d.error).toBeNull();
    expect(d.marks.map((m) => [m.kind, m.label])).toEqual([['tail_call', 'tail call 1 into ipv4'], ['tail_call', 'tail call 2 into tcp']]);
    const [m1, m2] = d.marks;
    const before = engine.frame(m1!.step - 1)!;
    expect([before.prog, before.progName, before.tailCalls]).toEqual([0, 'dispatch', 0]);
    expect(before.insnText).toMatch(/^call/);
    expect(before.explain).toMatch(/tail call: jumps to ipv4/);
    const inIpv4 = engine.frame(m1!.step)!;
    expect([inIpv4.prog, inIpv4.progName, inIpv4.tailCalls, inIpv4.pc]).toEqual([1, 'ipv4', 1, 0]);
    const ipv4Lines = build.programs![1]!.insns.map((i) => i.line);
    expect(inIpv4.line).toBe(ipv4Lines[0]);
    const inTcp = engine.frame(m2!.step)!;
    expect([inTcp.prog, inTcp.tailCalls]).toEqual([2, 2]);
    expect(engine.frame(d.total)!.retval).toBe('54');
    // breakpoints are source lines, in any program
    const tcpExit = build.programs![2]!.insns.find((i) => i.text.endsWith('exit'))!.line!;
    const bp = engine.findBreakpoint(0, [tcpExit])!;
    expect(engine.frame(bp)!.prog).toBe(2);
  });

  it('a prog_array the user empties makes the tail call fail and execution fall through', () => {
    const { packets } = open('tail-call', { jmp_table: [] });
    const v = engine.runPackets(0, packets.length);
    const tcp = packets.findIndex((p) => p.name.includes('TCP'));
    expect(v[tcp]!.verdict).toBe('drop');
    const d = engine.debugOpen(tcp);
    expect(d.marks.map((m) => m.kind)).toEqual(['tail_call_failed']);
    expect(engine.frame(d.total)!.tailCalls).toBe(0);
  });

  it('section slots the kernel would refuse stay empty, with a warning at the section', () => {
    const src = [
      '.map jmp prog_array key=4 value=4 entries=2',
      '.section socket',
      '  r0 = 0',
      '  exit',
      '.section kprobe/1',
      '  r0 = 1',
      '  exit',
      '.section socket/7',
      '  r0 = 2',
      '  exit',
    ].join('\n');
    const b = engine.build({ source: src, dialect: 'llvm', progType: 'socket_filter' });
    expect(b.ok).toBe(true);
    expect(b.programs).toHaveLength(3);
    expect(b.maps[0]!.entries).toEqual([]);
    const w = b.diagnostics.filter((d) => d.code === 'api.prog_array');
    expect(w.map((d) => [d.severity, d.line])).toEqual([['warning', 6], ['warning', 9]]);
    expect(w[0]!.message).toMatch(/^section kprobe\/1 holds a kprobe program: .*bpf_prog_map_compatible/);
    expect(w[1]!.message).toMatch(/^section socket\/7: slot 7 is past jmp's max_entries 2/);
  });

  it('the 33-call limit: a program that tail-calls itself runs 34 times', () => {
    const src = [
      '.map jmp prog_array key=4 value=4 entries=1',
      '.map runs array key=4 value=8 entries=1',
      '.section socket/0',
      'again:',
      '  r6 = r1',
      '  r1 = 0',
      '  *(u32 *)(r10 - 4) = r1',
      '  r2 = r10',
      '  r2 += -4',
      '  r1 = runs ll',
      '  call bpf_map_lookup_elem',
      '  if r0 == 0 goto out',
      '  r1 = 1',
      '  lock *(u64 *)(r0 + 0) += r1',
      '  r1 = r6',
      '  r2 = jmp ll',
      '  r3 = 0',
      '  call bpf_tail_call',
      'out:',
      '  r0 = 0',
      '  exit',
    ].join('\n');
    const b = engine.build({ source: src, dialect: 'llvm', progType: 'socket_filter' });
    expect(b.ok).toBe(true);
    expect(b.maps[0]!.entries).toEqual([{ key: le32(0), value: le32(0), note: 'program 0: again' }]);
    engine.setInputs({ packets: engine.samplePackets().slice(0, 1), maps: {}, maxInsns: 1_000_000 });
    const d = engine.debugOpen(0);
    expect(d.marks.filter((m) => m.kind === 'tail_call')).toHaveLength(33);
    expect(d.marks.at(-1)!.kind).toBe('tail_call_failed');
    const end = engine.frame(d.total)!;
    expect(end.tailCalls).toBe(33);
    expect(end.maps.find((m) => m.name === 'runs')!.entries[0]!.value).toBe(le64(34));
  });

  it('bpf-to-bpf calls and returns are marked too', () => {
    open('call');
    const d = engine.debugOpen(0);
    expect(d.marks.map((m) => m.kind)).toEqual(['call', 'return']);
    expect(d.marks[0]!.label).toBe('call square_sum (frame 1)');
    expect(engine.frame(d.marks[0]!.step)!.callDepth).toBe(1);
    expect(engine.frame(d.marks[1]!.step)!.callDepth).toBe(0);
  });
});

/** A socket filter that counts every packet in an array map and returns the new count. */
const COUNTER = [
  '.map counter array key=4 value=8 entries=1',
  '  r1 = 0',
  '  *(u32 *)(r10 - 4) = r1',
  '  r2 = r10',
  '  r2 += -4',
  '  r1 = counter ll',
  '  call bpf_map_lookup_elem',
  '  if r0 == 0 goto out',
  '  r1 = 1',
  '  r1 = atomic_fetch_add((u64 *)(r0 + 0), r1)',
  '  r1 += 1',
  '  r0 = r1',
  '  exit',
  'out:',
  '  r0 = 0',
  '  exit',
].join('\n');

describe('stepping any packet with the maps as the run left them', () => {
  function counterRun(n: number): PacketInput[] {
    expect(engine.build({ source: COUNTER, dialect: 'llvm', progType: 'socket_filter' }).ok).toBe(true);
    const one = engine.samplePackets()[0]!;
    const packets = Array.from({ length: n }, () => one);
    engine.setInputs({ packets, maps: {}, maxInsns: 1_000_000 });
    return packets;
  }

  it('packet 4,321 of 5,000 shows the counter the full run had there', () => {
    counterRun(5000);
    const v = engine.runPackets(0, 5000);
    expect(v[4320]!.retval).toBe('4321');
    expect(v[4321]!.retval).toBe('4322');
    const t0 = performance.now();
    const d = engine.debugOpen(4321);
    const first = engine.frame(0)!;
    const ms = performance.now() - t0;
    expect(first.maps[0]!.entries[0]!.value).toBe(le64(4321));
    const end = engine.frame(d.total)!;
    expect(end.retval).toBe(v[4321]!.retval);
    expect(end.maps[0]!.entries[0]!.value).toBe(le64(4322));
    // selecting a late packet re-runs at most snapEvery - 1 packets: it stays interactive
    console.log(`debugOpen(4321) + first frame: ${ms.toFixed(1)} ms (checkpoint every ${snapEveryFor(5000, [{ keySize: 4, valueSize: 8, maxEntries: 1 }])} packets)`);
    expect(ms).toBeLessThan(1000);
  });

  it('is exact for every packet, and for packets the run has not reached yet', () => {
    counterRun(300);
    const v = engine.runPackets(0, 100); // only the first chunk has run
    for (const i of [0, 1, 15, 16, 17, 99, 100, 250, 299]) {
      const d = engine.debugOpen(i);
      expect(engine.frame(d.total)!.retval, `packet ${i}`).toBe(String(i + 1));
      if (i < 100) expect(v[i]!.retval).toBe(String(i + 1));
    }
    // the run continues where it stopped, checkpoints and all
    const rest = engine.runPackets(100, 200);
    expect(rest.map((x) => x.retval)).toEqual(Array.from({ length: 200 }, (_, k) => String(101 + k)));
  });

  it('checkpoints get sparser when the maps are big, so 100k packets stay within the budget', () => {
    expect(snapEveryFor(5000, [{ keySize: 4, valueSize: 8, maxEntries: 1 }])).toBe(16);
    const big = [{ keySize: 16, valueSize: 64, maxEntries: 100_000 }];
    const k = snapEveryFor(100_000, big);
    expect(k).toBeGreaterThan(16);
    expect((100_000 / k) * (100_000 * (16 + 64 + 8))).toBeLessThanOrEqual(64 * 1024 * 1024 * 1.01);
  });
});

describe('sock_ops: replies change the simulated connection', () => {
  const timeoutProg = (jiffies: number) => [
    '  r6 = r1',
    '  r2 = *(u32 *)(r6 + 0)',
    '  if r2 != 3 goto not_connect        # TCP_CONNECT_CB: turn on every optional callback',
    '  r1 = r6',
    '  r2 = 15',
    '  call bpf_sock_ops_cb_flags_set',
    '  goto ok',
    'not_connect:',
    '  if r2 != 1 goto ok                 # TIMEOUT_INIT',
    `  r3 = ${jiffies}`,
    '  *(u32 *)(r6 + 4) = w3',
    'ok:',
    '  r0 = 1',
    '  exit',
  ].join('\n');

  function play(jiffies: number) {
    expect(engine.build({ source: timeoutProg(jiffies), dialect: 'llvm', progType: 'sock_ops' }).ok).toBe(true);
    const ev = engine.eventInputs('sock_ops', null);
    expect(ev.error).toBeNull();
    engine.setInputs({ packets: ev.inputs, maps: {}, maxInsns: 1_000_000 });
    return { inputs: ev.inputs, verdicts: engine.runPackets(0, ev.inputs.length) };
  }

  it('the TIMEOUT_INIT reply moves the SYN timeout, the retransmission and the handshake on the timeline', () => {
    const a = play(10);
    const b = play(300);
    const at = (r: typeof a, op: string, k = 0) => r.verdicts.filter((v) => v.sockOps?.op === op)[k]!;
    expect(at(a, 'BPF_SOCK_OPS_TIMEOUT_INIT').verdict).toBe('reply 10: SYN RTO 40 ms (10 jiffies at HZ=250)');
    expect(at(a, 'BPF_SOCK_OPS_RTO_CB').sockOps!.timeMs).toBe(40);
    expect(at(b, 'BPF_SOCK_OPS_RTO_CB').sockOps!.timeMs).toBe(1200);
    expect(at(a, 'BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB').sockOps!.timeMs).toBe(48);
    expect(at(b, 'BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB').sockOps!.timeMs).toBe(1208);
    // asked again after the SYN retransmission (the linear SYN timeouts keep the answer)
    expect(at(a, 'BPF_SOCK_OPS_TIMEOUT_INIT', 1).sockOps!.timeMs).toBe(40);
    expect(at(a, 'BPF_SOCK_OPS_TCP_CONNECT_CB').verdict).toBe('ok; callbacks now RTO|RETRANS|STATE|RTT');
    expect(at(a, 'BPF_SOCK_OPS_TCP_CONNECT_CB').sockOps!.helperLog).toEqual(['bpf_sock_ops_cb_flags_set(0xf)']);
    // the CLOSE -> SYN_SENT change came before the flags were set: not called
    expect(at(a, 'BPF_SOCK_OPS_STATE_CB').verdict).toBe('not called');
    expect(at(a, 'BPF_SOCK_OPS_STATE_CB', 1).sockOps!.connection).toMatch(/^t=48 ms · ESTABLISHED · cwnd 10 .* RTO 208 ms · srtt 8 ms/);
  });

  it('the sockops-tune example: flags, replies and bpf_setsockopt(TCP_BPF_IW) all show on the timeline', () => {
    const ex = engine.example('sockops-tune')!;
    expect(engine.build({ source: ex.source, dialect: 'auto', progType: 'sock_ops' }).ok).toBe(true);
    const ev = engine.eventInputs('sock_ops', null);
    engine.setInputs({ packets: ev.inputs, maps: {}, maxInsns: 1_000_000 });
    expect(engine.verify({ unpriv: false })!.accepted).toBe(true);
    const v = engine.runPackets(0, ev.inputs.length);
    const est = v.find((x) => x.sockOps?.op === 'BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB')!;
    expect(est.verdict).toBe('ok; setsockopt: initial cwnd 20 segments');
    expect(est.sockOps!.helperLog).toEqual(['bpf_setsockopt(TCP_BPF_IW, 20)']);
    expect(est.sockOps!.timeMs).toBe(208); // 50 jiffies at HZ=250, then one RTT
    expect(est.sockOps!.connection).toMatch(/cwnd 20 .*rcv_wnd 28960 .*ECN on/);
    expect(v.filter((x) => x.sockOps?.op === 'BPF_SOCK_OPS_RTT_CB')[1]!.sockOps!.connection).toMatch(/cwnd 30 /);
    expect(v.filter((x) => x.verdict === 'not called').map((x) => x.index)).toEqual([0]);
  });

  it('stepping a callback starts from the context the connection had then', () => {
    const { verdicts } = play(10);
    const i = verdicts.findIndex((v) => v.sockOps?.op === 'BPF_SOCK_OPS_RTO_CB');
    const d = engine.debugOpen(i);
    expect(d.error).toBeNull();
    const f = engine.frame(2)!; // r2 = op
    expect(f.regs[2]!.value).toBe(8n); // BPF_SOCK_OPS_RTO_CB
    const nc = verdicts.findIndex((v) => v.verdict === 'not called');
    expect(engine.debugOpen(nc)).toMatchObject({ total: 0, error: null });
    expect(engine.frame(0)).toMatchObject({ done: true, verdict: 'not called', retval: null, regs: [] });
    expect(engine.frame(0)!.explain).toMatch(/^BPF_SOCK_OPS_STATE_CB is not called/);
    expect(engine.ctxView('sock_ops', null, nc)!.fault).toMatch(/not called/);
    const view = engine.ctxView('sock_ops', null, i)!;
    expect(view.fields.find((x) => x.name === 'args[1]')!.value).toBe('0xa'); // icsk_rto in jiffies
    expect(view.fields.find((x) => x.name === 'bpf_sock_ops_cb_flags')!.value).toBe('0xf');
  });
});

describe('sk_skb: a stream parser and a stream verdict run as the kernel strparser does', () => {
  function open2() {
    const ex = engine.example('skskb-parser-verdict')!;
    const b = engine.build({ source: ex.source, dialect: 'auto', progType: 'sk_skb' });
    const ev = engine.eventInputs('sk_skb', null);
    engine.setInputs({ packets: ev.inputs, maps: {}, maxInsns: 1_000_000 });
    return { b, ev, report: engine.verify({ unpriv: false })! };
  }

  it('the parser frames 8-byte records, the verdict decides each; the rest waits for the next data', () => {
    const { b, report } = open2();
    expect(b.programs!.map((p) => p.section)).toEqual(['sk_skb/stream_parser', 'sk_skb/stream_verdict']);
    expect(report.programs!.every((p) => p.accepted)).toBe(true);
    const v = engine.runPackets(0, 2);
    // 'GET / HTTP/1.1\r\nHost: example.com\r\n\r\n' (37 bytes): four records, 'Host: ex' dropped, 5 bytes kept
    expect(v[0]!.verdict).toBe('8 bytes: SK_PASS; 8 bytes: SK_PASS; 8 bytes: SK_DROP; 8 bytes: SK_PASS; 5 bytes kept: the parser waits for more data');
    expect(v[0]!.verdictClass).toBe('drop');
    // 'PING\r\n' after the 5 kept bytes: one record, 3 kept
    expect(v[1]!.verdict).toBe('8 bytes: SK_PASS; 3 bytes kept: the parser waits for more data');
  });

  it('stepping an event goes through every program run, with a mark where each starts', () => {
    open2();
    engine.runPackets(0, 2);
    const d = engine.debugOpen(1);
    expect(d.marks.map((m) => m.label)).toEqual(['stream parser on 11 bytes (5 kept from before)', 'stream verdict on message 1 (8 bytes)', 'stream parser on 3 bytes']);
    const verdictStart = d.marks[1]!.step;
    expect(engine.frame(verdictStart - 1)!.explain).toMatch(/returned 8; next: stream verdict/);
    expect(engine.frame(verdictStart - 1)!.done).toBe(false);
    expect([engine.frame(verdictStart)!.prog, engine.frame(verdictStart)!.progName]).toEqual([1, 'verdict']);
    const end = engine.frame(d.total)!;
    expect([end.done, end.prog, end.verdict, end.retval]).toEqual([true, 0, 'need more data', '0']);
    // the parser saw the kept bytes first: skb->len = 5 + 6
    expect(engine.frame(1)!.regs[0]!.value).toBe(11n);
  });
});
