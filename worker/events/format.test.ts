// The events-file additions: "ctx" overrides applied after an event is built, the cgroup_sock socket
// values, and which file event each context came from. Offsets come from the ctx layouts (pinned to the
// kernel's UAPI headers by worker/progtypes tests) and the tracefs formats recorded from the kernel.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROG_TYPES } from '../progtypes/table';
import { materializeEvents, parseEventsFile, type MaterializedEvent } from './format';
import { SOCK_OPS_SCENARIOS } from './sockets';
import { tracepointInfo } from './tracepoint';

const mat = (doc: unknown) => {
  const p = parseEventsFile(JSON.stringify(doc));
  expect(p.diagnostics).toEqual([]);
  return materializeEvents(p.file!);
};
const ctxOf = (e: MaterializedEvent | undefined): DataView => {
  if (!e || e.kind !== 'ctx') throw new Error('not a ctx event');
  return new DataView(e.ctx.buffer, e.ctx.byteOffset, e.ctx.byteLength);
};
const off = (type: keyof typeof PROG_TYPES, name: string) => PROG_TYPES[type].ctx.fields.find((f) => f.name === name)!.off;

describe('ctx overrides', () => {
  it('a file without overrides gives the same bytes as before, with the source event index', () => {
    const m = mat({ version: 1, type: 'sock_ops', events: [{ op: 'BPF_SOCK_OPS_TCP_CONNECT_CB' }, { scenario: 'passive-accept' }] });
    expect(m.diagnostics).toEqual([]);
    expect(m.events.map((e) => e.source)).toEqual([0, ...SOCK_OPS_SCENARIOS['passive-accept'].events.map(() => 1)]);
  });

  const cases: { name: string; doc: unknown; check: (dv: DataView) => unknown; want: unknown }[] = [
    {
      name: 'kprobe: a pt_regs register with no argument behind it',
      doc: { type: 'kprobe', events: [{ function: 'vfs_read', ctx: { rbx: '0x10', eflags: 582 } }] },
      check: (dv) => [dv.getBigUint64(off('kprobe', 'rbx'), true), dv.getBigUint64(off('kprobe', 'eflags'), true)],
      want: [16n, 582n],
    },
    {
      name: 'kprobe: the override wins over the argument list',
      doc: { type: 'kprobe', events: [{ function: 'vfs_read', args: [1, 2, 3, 4], ctx: { rdi: -1 } }] },
      check: (dv) => dv.getBigUint64(off('kprobe', 'rdi'), true),
      want: 0xffffffffffffffffn,
    },
    {
      name: 'perf_event: dotted register names and the sample fields',
      doc: { type: 'perf_event', events: [{ samplePeriod: 5, ctx: { 'regs.rsp': '0xffffc90000010000', addr: 77 } }] },
      check: (dv) => [dv.getBigUint64(off('perf_event', 'regs.rsp'), true), dv.getBigUint64(off('perf_event', 'addr'), true), dv.getBigUint64(off('perf_event', 'sample_period'), true)],
      want: [0xffffc90000010000n, 77n, 5n],
    },
    {
      name: 'sock_ops: an array element and a u32 field',
      doc: { type: 'sock_ops', events: [{ op: 'BPF_SOCK_OPS_RTO_CB', args: [1, 2, 3], ctx: { 'args[2]': 9, snd_ssthresh: 20, rtt_min: '0x100' } }] },
      check: (dv) => [dv.getUint32(off('sock_ops', 'args') + 8, true), dv.getUint32(off('sock_ops', 'args'), true), dv.getUint32(off('sock_ops', 'snd_ssthresh'), true), dv.getUint32(off('sock_ops', 'rtt_min'), true)],
      want: [9, 1, 20, 256],
    },
    {
      name: 'sock_ops: a whole array as a list',
      doc: { type: 'sock_ops', events: [{ op: 3, ctx: { remote_ip6: [1, 2, 3, '0x4'] } }] },
      check: (dv) => [0, 1, 2, 3].map((k) => dv.getUint32(off('sock_ops', 'remote_ip6') + 4 * k, true)),
      want: [1, 2, 3, 4],
    },
    {
      name: 'cgroup_sock: the socket values the event format names, and overrides',
      doc: { type: 'cgroup_sock', events: [{ family: 'AF_INET', type: 'SOCK_DGRAM', mark: 7, priority: 3, boundDevIf: 2, ctx: { rx_queue_mapping: 5 } }] },
      check: (dv) => [dv.getUint32(off('cgroup_sock', 'mark'), true), dv.getUint32(off('cgroup_sock', 'priority'), true), dv.getUint32(off('cgroup_sock', 'bound_dev_if'), true), dv.getInt32(off('cgroup_sock', 'rx_queue_mapping'), true), dv.getUint32(off('cgroup_sock', 'type'), true)],
      want: [7, 3, 2, 5, 2],
    },
    {
      name: 'sk_skb: a __sk_buff field the socket list does not set',
      doc: { type: 'sk_skb', events: [{ socket: 0, text: 'hi', ctx: { mark: 42, 'cb[1]': 5 } }] },
      check: (dv) => [dv.getUint32(off('sk_skb', 'mark'), true), dv.getUint32(off('sk_skb', 'cb') + 4, true), dv.getUint32(off('sk_skb', 'len'), true)],
      want: [42, 5, 2],
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const m = mat({ version: 1, ...(c.doc as object) });
      expect(m.diagnostics).toEqual([]);
      expect(c.check(ctxOf(m.events[0]))).toEqual(c.want);
    });

  it('tracepoint: format field names, strings into char arrays, raw hex', () => {
    const fmt = tracepointInfo('sched/sched_switch')!.format;
    const fo = (n: string) => fmt.fields.find((f) => f.name === n)!.offset;
    const m = mat({ version: 1, type: 'tracepoint', events: [{ tracepoint: 'sched/sched_switch', fields: { prev_comm: 'bash', prev_pid: 7 }, ctx: { prev_pid: 99, next_comm: 'nginx', prev_prio: { hex: '78000000' } } }] });
    expect(m.diagnostics).toEqual([]);
    const dv = ctxOf(m.events[0]);
    const str = (o: number) => new TextDecoder().decode(new Uint8Array(dv.buffer, dv.byteOffset + o, 16)).replace(/\0.*$/s, '');
    expect([dv.getInt32(fo('prev_pid'), true), str(fo('prev_comm')), str(fo('next_comm')), dv.getInt32(fo('prev_prio'), true)]).toEqual([99, 'bash', 'nginx', 0x78]);
  });

  it('bad overrides are located and never throw', () => {
    const bad: [unknown, RegExp][] = [
      [{ type: 'kprobe', events: [{ function: 'vfs_read', ctx: { nope: 1 } }] }, /^events\[0\]\.ctx\.nope: the context has no field "nope" \(fields: r15, /],
      [{ type: 'kprobe', events: [{}, { ctx: { rdi: 'zz' } }] }, /^events\[1\]\.ctx\.rdi: must be an integer/],
      [{ type: 'kprobe', events: [{ ctx: [1] }] }, /^events\[0\]\.ctx: must be an object/],
      [{ type: 'sock_ops', events: [{ op: 3, ctx: { 'args[4]': 1 } }] }, /^events\[0\]\.ctx\.args\[4\]: args has 4 elements/],
      [{ type: 'sock_ops', events: [{ scenario: 'active-connect', ctx: { op: 1 } }] }, /^events\[0\]\.ctx: a sock_ops scenario builds its contexts/],
      [{ type: 'sk_skb', events: [{ text: 'x', ctx: { mark: { hex: 'zz' } } }] }, /^events\[0\]\.ctx\.mark\.hex: /],
      [{ type: 'cgroup_sock', events: [{ mark: 'x' }] }, /^events\[0\]\.mark: must be an integer/],
      [{ type: 'perf_event', events: [{ ctx: { rip: 1 } }] }, /^events\[0\]\.ctx\.rip: the context has no field "rip"/],
      [{ type: 'tracepoint', events: [{ tracepoint: 'tcp/tcp_retransmit_skb', fields: { saddr: [1, 'x', 3, 4] } }] }, /^events\[0\]\.fields\.saddr\[1\]: must be an integer/],
      [{ type: 'tracepoint', events: [{ tracepoint: 'net/net_dev_xmit', fields: { name: { hex: 'abc' } } }] }, /^events\[0\]\.fields\.name\.hex: /],
    ];
    for (const [doc, re] of bad) {
      const m = mat({ version: 1, ...(doc as object) });
      expect(m.diagnostics.map((x) => x.message).join('\n'), JSON.stringify(doc)).toMatch(re);
    }
  });

  it('socket fields: numbers in any form, the state by name, addresses checked', () => {
    const m = mat({ version: 1, type: 'sock_ops', events: [{ op: 4, socket: { localPort: '0x50', state: 'ESTABLISHED', sndCwnd: 20, remoteAddr: '203.0.113.9' } }] });
    expect(m.diagnostics).toEqual([]);
    const dv = ctxOf(m.events[0]);
    expect([dv.getUint32(off('sock_ops', 'local_port'), true), dv.getUint32(off('sock_ops', 'state'), true), dv.getUint32(off('sock_ops', 'snd_cwnd'), true), dv.getUint8(off('sock_ops', 'remote_ip4') + 3)]).toEqual([80, 1, 20, 9]);
    const bad = materializeEvents(parseEventsFile(JSON.stringify({ type: 'sock_ops', events: [{ op: 4, socket: { localPort: 'x', state: 'NOPE', remoteAddr: '1.2.3', colour: 1, family: 'unix' } }] })).file!);
    expect(bad.diagnostics.map((d) => d.message)).toEqual([
      expect.stringMatching(/^events\[0\]\.socket\.localPort: must be an integer, got "x"/),
      expect.stringMatching(/^events\[0\]\.socket\.state: must be an integer or a TCP state name/),
      expect.stringMatching(/^events\[0\]\.socket\.colour: not a socket field/),
      expect.stringMatching(/^events\[0\]\.socket\.family: must be "inet" or "inet6"/),
      expect.stringMatching(/^events\[0\]\.socket\.remoteAddr: "1\.2\.3" is not an IPv4 address/),
    ]);
    const sk = parseEventsFile(JSON.stringify({ type: 'sk_skb', sockets: [{ localPort: 'eighty' }], events: [{ text: 'x' }] }));
    expect(sk.diagnostics[0]!.message).toMatch(/^sockets\[0\]\.localPort: must be an integer/);
  });

  it('packet types keep "ctx" as the hex ctx_in', () => {
    const m = mat({ version: 1, type: 'sched_cls', events: [{ hex: 'ffffffffffff0200000000010806', ctx: '00000000' }] });
    expect(m.diagnostics).toEqual([]);
    expect(m.events[0]).toMatchObject({ kind: 'packet', source: 0 });
    expect(m.events[0]!.kind === 'packet' && [...m.events[0]!.ctxIn!]).toEqual([0, 0, 0, 0]);
  });
});

describe('robustness', () => {
  const types = ['kprobe', 'tracepoint', 'perf_event', 'sock_ops', 'cgroup_sock', 'sk_skb'] as const;
  // events built from the field names the format knows, with arbitrary JSON values: never a throw
  const keys = ['function', 'args', 'ret', 'kretprobe', 'regs', 'tracepoint', 'fields', 'pid', 'samplePeriod', 'addr', 'scenario', 'op', 'socket',
    'family', 'type', 'protocol', 'mark', 'priority', 'boundDevIf', 'text', 'hex', 'ctx'];
  const tps = ['syscalls/sys_enter_openat', 'sched/sched_switch', 'net/net_dev_xmit', 'tcp/tcp_retransmit_skb'];
  const value = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(...tps, 'vfs_read', 'active-connect', 'AF_INET', '0x10', '-1'),
    fc.dictionary(fc.constantFrom('rdi', 'rax', 'mark', 'args[1]', 'prev_comm', 'dfd', 'name', 'localPort', 'state', 'hex'), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }));
  it('materialises arbitrary events of every type without throwing', () => {
    fc.assert(
      fc.property(fc.constantFrom(...types), fc.array(fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 5 }), { maxLength: 4 }), fc.jsonValue({ maxDepth: 2 }), (type, events, sockets) => {
        const p = parseEventsFile(JSON.stringify({ version: 1, type, events, sockets: Array.isArray(sockets) ? sockets : undefined }));
        if (!p.file) return;
        const m = materializeEvents(p.file);
        for (const e of m.events) if (e.kind === 'ctx') expect(e.ctx).toBeInstanceOf(Uint8Array);
      }),
      { numRuns: 400 },
    );
  });
});
