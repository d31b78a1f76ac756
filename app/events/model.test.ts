// The event editors' model against the engine that reads the same file: every form edit and every
// context-field edit must produce an events file the engine accepts, with the value landing in the
// context bytes at the field's offset (the engine's ctx view reads them back).
import { describe, expect, it } from 'vitest';
import { engine } from '../../worker/api/engine';
import { assemble } from '../../worker/asm/index';
import { parseEventsFile } from '../../worker/events/format';
import { runEvents } from '../../worker/events/run';
import {
  applyCtxEdit, attachFor, ctxFieldHome, duplicateEvent, eventSummary, insertEvent, isObj, moveEvent, newEvent, numValue, packetsAsEventsFile, parseDoc, removeEvent, serializeDoc, setIn,
  traceFieldOk, traceFieldText, traceFieldValue,
  type EventObj, type EventsDoc,
} from './model';

const cat = engine.eventCatalogue();

/** The engine's view of event `i` of a doc: context rows by name (value before the run). */
function ctxOf(doc: EventsDoc, i = 0): { error: string | null; value: (name: string) => string | undefined } {
  const text = serializeDoc(doc);
  const ins = engine.eventInputs(doc.type, text);
  engine.setInputs({ packets: ins.inputs, maps: {}, maxInsns: 1000 });
  const v = engine.ctxView(doc.type, text, i);
  return { error: ins.error, value: (n) => v?.fields.find((f) => f.name === n)?.value };
}

describe('events document', () => {
  it('parses, and reports what is not an events file', () => {
    expect(parseDoc('{"type":"kprobe","events":[]}').doc).toEqual({ type: 'kprobe', events: [] });
    expect(parseDoc('{').error).toMatch(/not valid JSON/);
    expect(parseDoc('[]').error).toMatch(/JSON object/);
    expect(parseDoc('{"type":"kprobe"}').error).toMatch(/"events" must be a list/);
  });
  it('list operations: move, remove, duplicate, insert; out-of-range moves change nothing', () => {
    const d: EventsDoc = { type: 'cgroup_sock', events: [{ a: 1 }, { b: 2 }, { c: 3 }] };
    expect(moveEvent(d, 0, 1).events).toEqual([{ b: 2 }, { a: 1 }, { c: 3 }]);
    expect(moveEvent(d, 0, -1)).toBe(d);
    expect(moveEvent(d, 2, 1)).toBe(d);
    expect(removeEvent(d, 1).events).toEqual([{ a: 1 }, { c: 3 }]);
    const dup = duplicateEvent(d, 0);
    expect(dup.events).toEqual([{ a: 1 }, { a: 1 }, { b: 2 }, { c: 3 }]);
    expect(dup.events[0]).not.toBe(dup.events[1]);
    expect(insertEvent(d, 99, { z: 0 }).events.at(-1)).toEqual({ z: 0 });
    expect(d.events).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]); // never mutated
  });
  it('setIn pads arrays, deletes with undefined and drops emptied objects', () => {
    expect(setIn({}, ['args', 2], 5)).toEqual({ args: [0, 0, 5] });
    expect(setIn({ regs: { rbx: 1 } }, ['regs', 'rbx'], undefined)).toEqual({});
    expect(setIn({ a: [1, 2, 3] }, ['a', 1], undefined)).toEqual({ a: [1, 3] });
  });
  it('numbers are stored as typed unless they are safe decimals', () => {
    expect([numValue(' 42 '), numValue('-100'), numValue('0x7ffd1000'), numValue('18446744073709551615'), numValue('12x')]).toEqual([42, -100, '0x7ffd1000', '18446744073709551615', '12x']);
  });
});

describe('tracepoint field values', () => {
  it('text, raw hex, fixed arrays and numbers round-trip through the input text', () => {
    const cases: [string, boolean, unknown][] = [['nginx', true, 'nginx'], ['hex:6e67', true, { hex: '6e67' }], ['192, 0, 2, 1', false, [192, 0, 2, 1]], ['0x10', false, '0x10'], ['', false, undefined]];
    for (const [text, isText, v] of cases) {
      expect(traceFieldValue(text, isText)).toEqual(v);
      if (v !== undefined) expect(traceFieldText(v as never)).toBe(text);
    }
    expect([traceFieldOk('1, 2, x', false), traceFieldOk('hex:zz', false), traceFieldOk('1,2', false), traceFieldOk('abc', true)]).toEqual([false, false, true, true]);
  });
  it('a fixed array typed as a list reaches the record', () => {
    const e = { tracepoint: 'tcp/tcp_retransmit_skb', fields: { saddr: traceFieldValue('192, 0, 2, 1', false)!, daddr: traceFieldValue('hex:c6336414', false)! } };
    const v = ctxOf({ version: 1, type: 'tracepoint', events: [e] });
    expect(v.error).toBeNull();
    expect([v.value('saddr'), v.value('daddr')]).toEqual(['0x10200c0', '0x146433c6']);
  });
});

describe('every new event is one the engine runs', () => {
  for (const type of ['kprobe', 'tracepoint', 'perf_event', 'sock_ops', 'cgroup_sock', 'sk_skb']) {
    it(type, () => {
      const e = newEvent(type, cat);
      const r = engine.eventInputs(type, serializeDoc({ version: 1, type, events: [e] }));
      expect(r.error).toBeNull();
      expect(r.inputs.length).toBe(1);
      expect(r.inputs[0]!.event).toBe(0);
      expect(eventSummary(type, e)).not.toMatch(/\?/);
    });
  }
});

describe('context-field edits land in the event and in the context bytes', () => {
  const cases: { type: string; event: EventObj; field: string; text: string; home: (string | number)[]; want: string; isText?: boolean }[] = [
    { type: 'kprobe', event: { function: 'vfs_read' }, field: 'rsi', text: '0x7ffd3000', home: ['args', 1], want: '0x7ffd3000' },
    { type: 'kprobe', event: { function: 'do_exit' }, field: 'rsi', text: '7', home: ['regs', 'rsi'], want: '0x7' },
    { type: 'kprobe', event: { function: 'do_exit', kretprobe: true }, field: 'rax', text: '-1', home: ['ret'], want: '0xffffffffffffffff' },
    { type: 'kprobe', event: { function: 'vfs_read' }, field: 'rbx', text: '255', home: ['regs', 'rbx'], want: '0xff' },
    { type: 'perf_event', event: {}, field: 'regs.rip', text: '0x401000', home: ['regs', 'rip'], want: '0x401000' },
    { type: 'perf_event', event: {}, field: 'sample_period', text: '4000', home: ['samplePeriod'], want: '0xfa0' },
    { type: 'tracepoint', event: { tracepoint: 'syscalls/sys_enter_openat' }, field: 'flags', text: '64', home: ['fields', 'flags'], want: '0x40' },
    { type: 'tracepoint', event: { tracepoint: 'sched/sched_switch' }, field: 'next_comm', text: 'nginx', home: ['fields', 'next_comm'], want: 'nginx', isText: true },
    { type: 'tracepoint', event: { tracepoint: 'syscalls/sys_enter_openat' }, field: 'common_pid', text: '77', home: ['pid'], want: '0x4d' },
    { type: 'sock_ops', event: { op: 'BPF_SOCK_OPS_RTO_CB' }, field: 'args[2]', text: '3', home: ['args', 2], want: '0x3' },
    { type: 'sock_ops', event: { op: 3 }, field: 'snd_cwnd', text: '33', home: ['socket', 'sndCwnd'], want: '0x21' },
    { type: 'sock_ops', event: { op: 3 }, field: 'rtt_min', text: '9', home: ['ctx', 'rtt_min'], want: '0x9' },
    { type: 'cgroup_sock', event: { family: 'AF_INET' }, field: 'type', text: '3', home: ['type'], want: '0x3' },
    { type: 'cgroup_sock', event: {}, field: 'mark', text: '0x10', home: ['mark'], want: '0x10' },
    { type: 'cgroup_sock', event: {}, field: 'rx_queue_mapping', text: '2', home: ['ctx', 'rx_queue_mapping'], want: '0x2' },
    { type: 'sk_skb', event: { text: 'hi' }, field: 'mark', text: '5', home: ['ctx', 'mark'], want: '0x5' },
  ];
  for (const c of cases)
    it(`${c.type}: ${c.field}`, () => {
      expect(ctxFieldHome(c.type, c.event, c.field, cat)).toEqual(c.home);
      const e = applyCtxEdit(c.type, c.event, c.field, c.text, c.isText ?? false, cat);
      const v = ctxOf({ version: 1, type: c.type, events: [e] });
      expect(v.error).toBeNull();
      expect(v.value(c.field)).toBe(c.want);
    });
  it('kprobe rows name the argument each register holds', () => {
    const text = serializeDoc({ version: 1, type: 'kprobe', events: [{ function: 'vfs_read' }, { function: 'vfs_read', kretprobe: true, ret: 5 }] });
    engine.setInputs({ packets: engine.eventInputs('kprobe', text).inputs, maps: {}, maxInsns: 1000 });
    const note = (i: number, n: string) => engine.ctxView('kprobe', text, i)!.fields.find((f) => f.name === n)?.note;
    expect([note(0, 'rdi'), note(0, 'rsi'), note(0, 'rdx'), note(0, 'r8'), note(0, 'rax')]).toEqual(['struct file *file', 'char *buf', 'size_t count', undefined, undefined]);
    expect(note(1, 'rax')).toBe('return value (ssize_t)');
  });
  it('an edited kprobe argument keeps the example values of the others', () => {
    const e = applyCtxEdit('kprobe', { function: 'vfs_read' }, 'rdx', '99', false, cat);
    const ex = cat.kprobe.find((k) => k.name === 'vfs_read')!.example;
    expect(isObj(e) && e.args).toEqual([numValue(ex[0]!), numValue(ex[1]!), 99, numValue(ex[3]!)]);
  });
  it('an invalid value is kept in the event and the engine says where', () => {
    const e = applyCtxEdit('cgroup_sock', {}, 'type', 'raw', false, cat);
    expect(e.type).toBe('raw');
    expect(ctxOf({ version: 1, type: 'cgroup_sock', events: [e] }).error).toMatch(/events\[0\]\.type: must be an integer/);
  });
});

describe('the engine ctx view', () => {
  it('shows access rights, pointers and what the program wrote', () => {
    const b = engine.build({ source: 'r2 = 7\n*(u32 *)(r1 + 16) = w2\nr0 = 1\nexit', dialect: 'llvm', progType: 'cgroup_sock' });
    expect(b.ok).toBe(true);
    const text = serializeDoc({ version: 1, type: 'cgroup_sock', events: [newEvent('cgroup_sock', cat)] });
    engine.setInputs({ packets: engine.eventInputs('cgroup_sock', text).inputs, maps: {}, maxInsns: 1000 });
    const v = engine.ctxView('cgroup_sock', text, 0)!;
    expect(v).toMatchObject({ struct: 'bpf_sock', event: 0, editable: true, ran: true, fault: null });
    const mark = v.fields.find((f) => f.name === 'mark')!;
    expect(mark).toMatchObject({ offset: 16, size: 4, read: true, write: true, value: '0x0', after: '0x7' });
    expect(v.fields.find((f) => f.name === 'family')).toMatchObject({ write: false, after: '0x2' });
    const so = engine.eventInputs('sock_ops', serializeDoc({ version: 1, type: 'sock_ops', events: [{ scenario: 'active-connect' }] }));
    engine.setInputs({ packets: so.inputs, maps: {}, maxInsns: 1000 });
    engine.build({ source: 'r0 = 1\nexit', dialect: 'llvm', progType: 'sock_ops' });
    const sv = engine.ctxView('sock_ops', so.text, 2)!;
    expect(sv).toMatchObject({ struct: 'bpf_sock_ops', event: 0, editable: false });
    expect(sv.fields.find((f) => f.name === 'args[0]')).toMatchObject({ write: true });
    expect(sv.fields.find((f) => f.name === 'args[1]')).toMatchObject({ write: false });
    expect(sv.fields.find((f) => f.name === 'sk')).toMatchObject({ kind: 'pointer' });
    expect(engine.ctxView('xdp', null, 0)).toBeNull(); // the inputs are sock_ops events
  });
  it('packet types: the attach-point context, read-only, with what the program wrote', () => {
    expect(engine.build({ source: 'r2 = 9\n*(u32 *)(r1 + 8) = w2\nr0 = 0\nexit', dialect: 'llvm', progType: 'sched_cls' }).ok).toBe(true);
    engine.setInputs({ packets: engine.samplePackets().slice(0, 2), maps: {}, maxInsns: 1000 });
    const v = engine.ctxView('sched_cls', null, 1)!;
    expect(v).toMatchObject({ struct: '__sk_buff', event: null, editable: false, ran: true, fault: null });
    expect(v.fields.find((f) => f.name === 'mark')).toMatchObject({ value: '0x0', after: '0x9', write: true });
    expect(v.fields.find((f) => f.name === 'data')).toMatchObject({ kind: 'pointer', read: true });
    expect(v.fields.find((f) => f.name === 'ifindex')).toMatchObject({ value: '0x2' });
    expect(v.fields.filter((f) => f.name.startsWith('cb[')).length).toBe(5);
  });
  it('every sock_ops scenario listed as callbacks is an events file the engine runs', () => {
    for (const sc of cat.scenarios) {
      expect(sc.callbacks.length, sc.id).toBe(sc.ops.length);
      const r = engine.eventInputs('sock_ops', serializeDoc({ version: 1, type: 'sock_ops', events: sc.callbacks.map((c) => ({ op: c.op, args: c.args, socket: c.socket })) }));
      expect(r.error, sc.id).toBeNull();
      expect(r.inputs.length, sc.id).toBe(sc.ops.length);
    }
  });
});

describe('packets as an events file (for cli run --events)', () => {
  it('the CLI runs what the browser ran: same packets, same attach point, same return values', () => {
    const src = engine.example('lwt-drop-udp')!.source;
    const samples = engine.samplePackets();
    const attach = { route: '198.51.100.0/24' };
    engine.build({ source: src, dialect: 'llvm', progType: 'lwt_out' });
    engine.setInputs({ packets: samples.map((p) => ({ ...p, meta: attach })), maps: {}, maxInsns: 1_000_000 });
    const browser = engine.runPackets(0, samples.length);
    const text = packetsAsEventsFile('lwt_out', samples, attach);
    const parsed = parseEventsFile(text);
    expect(parsed.diagnostics).toEqual([]);
    const cli = runEvents(assemble(src, { syntax: 'llvm' }).program!, parsed.file!);
    const ran = browser.filter((v) => !v.verdict.startsWith('not routed') && v.verdict !== 'not run');
    expect(cli.results.map((r) => [r.label, String(r.retval)])).toEqual(ran.map((v) => [`packet ${v.index + 1}`, v.retval]));
    expect(ran.length).toBeLessThan(samples.length);
  });
  it('uses only what applies to the type: a direction for tc/cgroup_skb, a route for LWT', () => {
    const a = { direction: 'egress' as const, ifindex: 4, route: '10.0.0.0/8' };
    expect(attachFor('sched_cls', a)).toEqual({ direction: 'egress', ifindex: 4 });
    expect(attachFor('lwt_in', a)).toEqual({ ifindex: 4, route: '10.0.0.0/8' });
    expect(attachFor('xdp', a)).toEqual({ ifindex: 4 });
    expect(JSON.parse(packetsAsEventsFile('xdp', [{ hex: '00' }], a)).events).toEqual([{ hex: '00', meta: { ifindex: 4 } }]);
  });
  it('leaves meta out when the attach point is the default', () => {
    expect(JSON.parse(packetsAsEventsFile('xdp', [{ hex: '00' }], {}))).toEqual({ version: 1, type: 'xdp', events: [{ hex: '00' }] });
  });
});
