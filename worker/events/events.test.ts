import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kernelOracle, which } from '../testing/kernel';
import { PT_REGS } from '../progtypes/ctx';
import { PROG_TYPES } from '../progtypes/table';
import { parseEventsFile, materializeEvents } from './format';
import { KPROBE_PROTOS, TRACEPOINT_FORMATS } from './kernel.generated';
import { buildPerfEventData, buildPtRegs, KPROBE_CATALOGUE } from './kprobe';
import { buildSockCreateCtx, buildSockOpsCtx, CB_FLAGS, driveSockOps, newSocket, SOCK_OPS, SOCK_OPS_SCENARIOS } from './sockets';
import { buildTracepointRecord, parseTracefsFormat, TRACEPOINT_CATALOGUE, tracepointInfo } from './tracepoint';

const reg = (b: Uint8Array, name: string) => new DataView(b.buffer).getBigUint64(PT_REGS.fields.find((f) => f.name === name)!.off, true);

describe('tracepoints', () => {
  it('every recorded format parses, common header first, fields inside the record', () => {
    expect(TRACEPOINT_CATALOGUE.length).toBe(Object.keys(TRACEPOINT_FORMATS).length);
    for (const t of TRACEPOINT_CATALOGUE) {
      expect(t.format.fields.slice(0, 4).map((f) => f.name)).toEqual(['common_type', 'common_flags', 'common_preempt_count', 'common_pid']);
      expect(t.format.fields.slice(4).every((f) => !f.common && f.offset >= 8)).toBe(true);
      expect(t.description, t.id).not.toBe('');
      expect(t.format.eventId).toBeGreaterThan(0);
    }
  });
  it('sys_enter_openat layout as tracefs describes it', () => {
    const f = tracepointInfo('syscalls/sys_enter_openat')!.format;
    expect(f.fields.slice(4).map((x) => [x.name, x.ctype, x.offset, x.size])).toEqual([
      ['__syscall_nr', 'int', 8, 4], ['dfd', 'int', 16, 8], ['filename', 'const char *', 24, 8], ['flags', 'int', 32, 8], ['mode', 'umode_t', 40, 8],
    ]);
    const r = buildTracepointRecord(f, { __syscall_nr: 257, dfd: -100, filename: 0x7ffd1000n, flags: 0 }, 42);
    expect(r.diagnostics).toEqual([]);
    const dv = new DataView(r.bytes.buffer);
    expect([dv.getUint16(0, true), dv.getInt32(4, true), dv.getInt32(8, true), dv.getBigInt64(16, true), dv.getBigUint64(24, true)]).toEqual([f.eventId, 42, 257, -100n, 0x7ffd1000n]);
  });
  it('__data_loc strings are appended and located, fixed arrays filled', () => {
    const f = tracepointInfo('net/net_dev_xmit')!.format;
    const r = buildTracepointRecord(f, { skbaddr: 0xffff888006000000n, len: 98, rc: 0, name: 'eth0' });
    const dv = new DataView(r.bytes.buffer);
    const loc = dv.getUint32(f.fields.find((x) => x.name === 'name')!.offset, true);
    expect(loc & 0xffff).toBe(f.fixedSize);
    expect(loc >>> 16).toBe(5);
    expect(Buffer.from(r.bytes.subarray(loc & 0xffff)).toString()).toBe('eth0\0');
    const sw = tracepointInfo('sched/sched_switch')!.format;
    const s = buildTracepointRecord(sw, { prev_comm: 'bash', prev_pid: 7, next_comm: 'swapper/0', next_pid: 0 });
    const pc = sw.fields.find((x) => x.name === 'prev_comm')!;
    expect(pc.arrayLen).toBe(16);
    expect(Buffer.from(s.bytes.subarray(pc.offset, pc.offset + 4)).toString()).toBe('bash');
    expect(buildTracepointRecord(sw, { nope: 1 }).diagnostics[0].message).toContain('no field "nope"');
  });
  it.skipIf(!kernelOracle().ok)('the recorded formats are what tracefs says on this kernel (private tracefs mount)', () => {
    let root = ['/sys/kernel/tracing', '/sys/kernel/debug/tracing'].find((p) => existsSync(join(p, 'events')));
    let mounted: string | null = null;
    if (!root) {
      mounted = mkdtempSync(join(tmpdir(), 'bpfplay-tracefs-test-'));
      try {
        execFileSync('mount', ['-t', 'tracefs', 'nodev', mounted], { stdio: 'pipe' });
      } catch (e) {
        rmdirSync(mounted);
        console.log(`tracefs formats not compared: cannot mount tracefs (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
        return;
      }
      root = mounted;
    }
    try {
      for (const [id, text] of Object.entries(TRACEPOINT_FORMATS)) expect(readFileSync(join(root, 'events', id, 'format'), 'utf8'), id).toBe(text);
    } finally {
      if (mounted) {
        execFileSync('umount', [mounted], { stdio: 'pipe' });
        rmdirSync(mounted);
      }
    }
  });
  it('a malformed format is reported by line', () => {
    const r = parseTracefsFormat('x/y', 'name: y\nID: 1\nformat:\n\tfield:int a;\toffset:8;\n');
    expect(r.format).toBeNull();
    expect(r.diagnostics[0].loc.line).toBe(4);
  });
});

describe('kprobe, kretprobe and perf_event contexts', () => {
  it('arguments land in rdi, rsi, rdx, rcx, r8, r9; kretprobe return in rax', () => {
    const b = buildPtRegs({ function: 'vfs_read', args: [1, 2, 3, 4, 5, 6, 7] });
    expect(['rdi', 'rsi', 'rdx', 'rcx', 'r8', 'r9'].map((r) => reg(b, r))).toEqual([1n, 2n, 3n, 4n, 5n, 6n]);
    const k = buildPtRegs({ function: 'vfs_read', kretprobe: true, ret: -14 });
    expect(reg(k, 'rax')).toBe(BigInt.asUintN(64, -14n));
    expect(reg(b, 'rip')).not.toBe(reg(k, 'rip'));
  });
  it('the catalogue has the BTF prototypes and an example per argument', () => {
    expect(KPROBE_CATALOGUE.map((k) => k.name)).toEqual(expect.arrayContaining(['tcp_retransmit_skb', 'do_sys_openat2', 'vfs_read', 'tcp_v4_connect']));
    for (const k of KPROBE_CATALOGUE) {
      expect(k.description, k.name).not.toBe('');
      expect(k.example.length, k.name).toBe(k.args.length);
    }
  });
  it('perf_event data: regs then sample_period and addr', () => {
    const b = buildPerfEventData({ samplePeriod: 4000, addr: 0xdead, regs: { regs: { rip: 0xffffffff81000010n } } });
    const dv = new DataView(b.buffer);
    expect([dv.getBigUint64(168, true), dv.getBigUint64(176, true), reg(b, 'rip')]).toEqual([4000n, 0xdeadn, 0xffffffff81000010n]);
    expect(b.length).toBe(PROG_TYPES.perf_event.ctx.size);
  });
  const bpftool = which('bpftool');
  it.skipIf(!kernelOracle().ok || !bpftool)('prototypes match the running kernel\'s BTF', () => {
    const dump = execFileSync(bpftool!, ['btf', 'dump', 'file', '/sys/kernel/btf/vmlinux'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    for (const [fn, p] of Object.entries(KPROBE_PROTOS)) {
      const m = new RegExp(`^\\[\\d+\\] FUNC '${fn}' type_id=(\\d+)`, 'm').exec(dump)!;
      const proto = new RegExp(`^\\[${m[1]}\\] FUNC_PROTO '\\(anon\\)' ret_type_id=\\d+ vlen=(\\d+)\\n((?:\\t.*\\n)*)`, 'm').exec(dump)!;
      expect(Number(proto[1]), fn).toBe(p.args.length);
      expect([...proto[2].matchAll(/\t'([^']*)'/g)].map((x) => x[1]), fn).toEqual(p.args.map((a) => a.name));
    }
  });
});

describe('sockets', () => {
  it('sock_ops: optional callbacks follow the flags the program sets', () => {
    const sc = SOCK_OPS_SCENARIOS['active-connect'];
    // a program that enables state callbacks on TCP_CONNECT_CB (bpf_sock_ops_cb_flags_set writes the flags)
    const run = (ctx: Uint8Array) => {
      const dv = new DataView(ctx.buffer);
      const op = dv.getUint32(0, true);
      if (op === SOCK_OPS.BPF_SOCK_OPS_TCP_CONNECT_CB) dv.setUint32(84, CB_FLAGS.STATE, true);
      if (op === SOCK_OPS.BPF_SOCK_OPS_TIMEOUT_INIT) dv.setUint32(4, 200, true);
      return { retval: 1, ctxAfter: ctx };
    };
    const steps = driveSockOps(sc.events, newSocket(), run);
    // tcp_v4_connect() moves to SYN_SENT before tcp_connect() calls TCP_CONNECT_CB: that change is not seen.
    expect(steps.filter((s) => s.delivered && s.event.op === SOCK_OPS.BPF_SOCK_OPS_STATE_CB).length).toBe(4);
    expect(steps.filter((s) => !s.delivered && s.event.needsFlag === CB_FLAGS.STATE).map((s) => s.event.args)).toEqual([[7, 2]]);
    expect(steps.find((s) => s.event.op === SOCK_OPS.BPF_SOCK_OPS_TIMEOUT_INIT)!.effect).toBe('reply 200: SYN RTO 800 ms (200 jiffies at HZ=250)');
    const none = driveSockOps(sc.events, newSocket(), (ctx) => ({ retval: 1, ctxAfter: ctx }));
    // TIMEOUT_INIT is asked again after the SYN retransmission
    expect(none.filter((s) => s.delivered).map((s) => s.event.op)).toEqual([3, 2, 1, 6, 1, 4]);
  });
  it('sock_ops context: ports, addresses and state as the kernel presents them', () => {
    const b = buildSockOpsCtx({ op: 4 }, newSocket({ state: 1, remotePort: 80, localPort: 40000 }));
    const dv = new DataView(b.buffer);
    expect(dv.getUint32(64, true)).toBe(0x50000000); // remote_port 80: network order in the upper half
    expect(dv.getUint32(68, true)).toBe(40000);
    expect([...b.subarray(24, 28)]).toEqual([198, 51, 100, 20]);
    expect(dv.getUint32(88, true)).toBe(1);
    expect(b.length).toBe(224);
  });
  it('cgroup_sock: family, type, protocol at their bpf_sock offsets', () => {
    const b = buildSockCreateCtx({ family: 10, type: 2, protocol: 17 });
    const dv = new DataView(b.buffer);
    expect([dv.getUint32(4, true), dv.getUint32(8, true), dv.getUint32(12, true), dv.getInt32(76, true)]).toEqual([10, 2, 17, -1]);
  });
});

describe('events file', () => {
  it('JSON syntax errors are located by line and column', () => {
    const r = parseEventsFile('{\n  "type": "kprobe",\n  "events": [,]\n}');
    expect(r.file).toBeNull();
    expect(r.diagnostics[0]).toMatchObject({ code: 'events.json', loc: { line: 3, col: 14 } });
  });
  it('schema errors name the path', () => {
    expect(parseEventsFile('{"type":"nope","events":[]}').diagnostics[0].message).toMatch(/^type: must be one of/);
    const f = parseEventsFile('{"type":"kprobe","events":[{"function":"vfs_read","args":[1,"zz"]}]}').file!;
    expect(materializeEvents(f).diagnostics[0].message).toMatch(/^events\[0\]\.args\[1\]: must be an integer/);
    const t = parseEventsFile('{"type":"tracepoint","events":[{"tracepoint":"x/y"}]}').file!;
    expect(materializeEvents(t).diagnostics[0].message).toMatch(/^events\[0\]\.tracepoint: unknown tracepoint/);
  });
  it('every type materialises', () => {
    const files: [string, number][] = [
      ['{"type":"kprobe","memory":[{"addr":"0x7ffd1000","text":"/etc/passwd"}],"events":[{"function":"do_sys_openat2"},{"function":"do_sys_openat2","kretprobe":true,"ret":3}]}', 2],
      ['{"type":"tracepoint","events":[{"tracepoint":"syscalls/sys_enter_openat","fields":{"dfd":-100,"filename":"0x7ffd1000"}}]}', 1],
      ['{"type":"perf_event","events":[{"samplePeriod":"0x186a0","regs":{"rip":"0xffffffff81000000"}}]}', 1],
      ['{"type":"sock_ops","events":[{"scenario":"passive-accept"},{"op":"BPF_SOCK_OPS_RTO_CB","args":[1,2,3]}]}', SOCK_OPS_SCENARIOS['passive-accept'].events.length + 1],
      ['{"type":"cgroup_sock","events":[{"family":"AF_INET6","type":"SOCK_DGRAM","protocol":"IPPROTO_UDP"}]}', 1],
      ['{"type":"sk_skb","sockets":[{"localPort":8080},{"localPort":9090}],"events":[{"socket":0,"text":"hello"},{"socket":1,"hex":"0102"}]}', 2],
      ['{"type":"xdp","events":[{"sample":"tcp-handshake"},{"hex":"ffffffffffff0200000000010806"},{"spec":{"layers":[{"layer":"eth"},{"layer":"ipv4","src":"1.1.1.1","dst":"2.2.2.2"},{"layer":"udp","sport":1,"dport":2}]}}]}', 10],
    ];
    for (const [text, n] of files) {
      const p = parseEventsFile(text);
      expect(p.diagnostics, text).toEqual([]);
      const m = materializeEvents(p.file!);
      expect(m.diagnostics, text).toEqual([]);
      expect(m.events.length, text).toBe(n);
    }
    const mem = parseEventsFile(files[0][0]).file!.memory[0];
    expect([mem.addr, Buffer.from(mem.bytes).toString()]).toEqual([0x7ffd1000n, '/etc/passwd\0']);
  });
});
