import { describe, expect, it } from 'vitest';
import { programFromBytes } from '../isa/program';
import { parseEventsFile } from './format';
import { runEvents } from './run';

const I = (code: number, dst: number, src: number, off: number, imm: number): Buffer => {
  const b = Buffer.alloc(8);
  b[0] = code; b[1] = dst | (src << 4); b.writeInt16LE(off, 2); b.writeInt32LE(imm | 0, 4);
  return b;
};
const EXIT = I(0x95, 0, 0, 0, 0);
const MOV = (d: number, k: number) => I(0xb7, d, 0, 0, k);
const MOVR = (d: number, s: number) => I(0xbf, d, s, 0, 0);
const ADDK = (d: number, k: number) => I(0x07, d, 0, 0, k);
const CALL = (id: number) => I(0x85, 0, 0, 0, id);
const LDXW = (d: number, s: number, off: number) => I(0x61, d, s, off, 0);
const LDXDW = (d: number, s: number, off: number) => I(0x79, d, s, off, 0);
const STXW = (d: number, s: number, off: number) => I(0x63, d, s, off, 0);
const JNEK = (d: number, k: number, off: number) => I(0x55, d, 0, off, k);
const prog = (...insns: Buffer[]) => programFromBytes(new Uint8Array(Buffer.concat(insns)));
const file = (json: unknown) => parseEventsFile(JSON.stringify(json)).file!;

describe('runEvents', () => {
  it('kprobe: reads the filename argument (rsi) with bpf_probe_read_user_str from the declared memory', () => {
    const p = prog(LDXDW(3, 1, 104), MOVR(1, 10), ADDK(1, -32), MOV(2, 32), CALL(114), EXIT);
    const r = runEvents(p, file({ type: 'kprobe', memory: [{ addr: '0x7ffd1000', text: '/etc/passwd' }], events: [{ function: 'do_sys_openat2', args: [-100, '0x7ffd1000', 0] }, { function: 'do_sys_openat2', args: [-100, '0x1234', 0] }] }));
    expect(r.diagnostics).toEqual([]);
    expect(r.results.map((x) => x.retval)).toEqual([12, (-14 >>> 0)]);
  });
  it('kprobe: the current task and a kretprobe return value', () => {
    const pid = prog(CALL(14), EXIT);
    expect(runEvents(pid, file({ type: 'kprobe', events: [{ function: 'vfs_read' }] })).results[0].retval).toBe(1000);
    const ret = prog(LDXDW(0, 1, 80), EXIT); // rax
    expect(runEvents(ret, file({ type: 'kprobe', events: [{ function: 'vfs_read', kretprobe: true, ret: 512 }] })).results[0].retval).toBe(512);
  });
  it('tracepoint: a field at its tracefs offset', () => {
    const p = prog(LDXDW(0, 1, 24), EXIT); // filename
    const r = runEvents(p, file({ type: 'tracepoint', events: [{ tracepoint: 'syscalls/sys_enter_openat', fields: { dfd: -100, filename: '0x7ffd2000' } }] }));
    expect(r.results[0].retval).toBe(0x7ffd2000);
  });
  it('perf_event: sample_period', () => {
    const p = prog(LDXDW(0, 1, 168), EXIT);
    expect(runEvents(p, file({ type: 'perf_event', events: [{ samplePeriod: 4242 }] })).results[0].retval).toBe(4242);
  });
  it('cgroup_sock: deny raw sockets, allow the rest; a write to mark is kept', () => {
    const p = prog(MOV(2, 7), STXW(1, 2, 16), LDXW(2, 1, 8), MOV(0, 1), JNEK(2, 3, 1), MOV(0, 0), EXIT);
    const r = runEvents(p, file({ type: 'cgroup_sock', events: [{ family: 'AF_INET', type: 'SOCK_STREAM', protocol: 'IPPROTO_TCP' }, { family: 'AF_INET', type: 'SOCK_RAW', protocol: 'IPPROTO_ICMP' }] }));
    expect(r.results.map((x) => x.verdict)).toEqual(['allow', 'deny (EPERM)']);
    expect(new DataView(r.results[0].ctxAfter!.buffer).getUint32(16, true)).toBe(7);
  });
  it('sock_ops: enabling state callbacks at connect makes STATE_CB runs happen; a reply sets the SYN RTO', () => {
    // if (op == TCP_CONNECT_CB) bpf_sock_ops_cb_flags_set(ctx, STATE); if (op == TIMEOUT_INIT) reply = 200; return 1
    const p = prog(
      MOVR(6, 1), LDXW(7, 6, 0),
      JNEK(7, 3, 3), MOVR(1, 6), MOV(2, 4), CALL(59),
      JNEK(7, 1, 2), MOV(2, 200), STXW(6, 2, 4),
      MOV(0, 1), EXIT,
    );
    const r = runEvents(p, file({ type: 'sock_ops', events: [{ scenario: 'active-connect' }] }));
    expect(r.diagnostics).toEqual([]);
    const states = r.results.filter((x) => x.label.endsWith('BPF_SOCK_OPS_STATE_CB'));
    expect(states.length).toBe(5);
    // The CLOSE -> SYN_SENT change happens before TCP_CONNECT_CB (tcp_v4_connect), so only the later four run.
    expect(states.map((x) => x.verdict !== 'not called')).toEqual([false, true, true, true, true]);
    expect(r.results.find((x) => x.label.endsWith('TIMEOUT_INIT'))!.verdict).toBe('reply 200: SYN RTO 800 ms (200 jiffies at HZ=250)');
    expect(r.results.find((x) => x.label.endsWith('TCP_CONNECT_CB'))!.sockOps!.helperLog).toEqual(['bpf_sock_ops_cb_flags_set(0x4)']);
    expect(r.results.filter((x) => x.label.endsWith('RTT_CB')).every((x) => x.verdict === 'not called')).toBe(true);
  });
  it('sk_skb: data/data_end cover the message; the verdict names SK_PASS/SK_DROP', () => {
    // pass messages of at least 4 bytes
    const p = prog(LDXW(2, 1, 76), LDXW(3, 1, 80), I(0x1f, 3, 2, 0, 0), MOV(0, 1), I(0x35, 3, 0, 1, 4), MOV(0, 0), EXIT);
    const r = runEvents(p, file({ type: 'sk_skb', sockets: [{ localPort: 8080 }], events: [{ socket: 0, text: 'hello' }, { socket: 0, hex: '0102' }] }));
    expect(r.results.map((x) => x.verdict)).toEqual(['SK_PASS', 'SK_DROP']);
  });
  it('sk_skb: bpf_sk_redirect_map sends a message to the socket in the sockmap slot', () => {
    // key = first byte of the message; return bpf_sk_redirect_map(skb, sockmap, key, 0)
    const pr = programFromBytes(new Uint8Array(Buffer.concat([
      MOVR(6, 1), LDXW(2, 6, 76), LDXW(3, 6, 80), MOVR(4, 2), ADDK(4, 1), MOV(0, 0), I(0x2d, 4, 3, 6, 0),
      I(0x71, 3, 2, 0, 0), I(0x18, 2, 1, 0, 0), I(0, 0, 0, 0, 0), MOVR(1, 6), MOV(4, 0), CALL(52), EXIT,
    ])));
    pr.maps = [{ name: 'socks', type: 'sockmap', keySize: 4, valueSize: 4, maxEntries: 4, flags: 0, initial: [{ key: '01000000', value: '01000000' }] }];
    const r = runEvents(pr, file({ type: 'sk_skb', sockets: [{ localPort: 8080 }, { localPort: 9090 }], events: [{ socket: 0, hex: '01aa' }, { socket: 0, hex: '02bb' }] }));
    expect(r.diagnostics).toEqual([]);
    expect(r.results[0].redirect).toEqual({ socket: 1, ingress: false });
    expect(r.results[0].verdict).toBe('SK_PASS: redirected to socket 1 (sent out of it)');
    expect(r.results[1].verdict).toBe('SK_DROP');
  });
  it('sk_skb: bpf_skb_load_bytes reads the message', () => {
    const p = prog(MOVR(6, 1), MOV(2, 1), MOVR(3, 10), ADDK(3, -8), MOV(4, 1), CALL(26), I(0x71, 0, 10, -8, 0), EXIT);
    const r = runEvents(p, file({ type: 'sk_skb', events: [{ socket: 0, hex: '0a01' }] }));
    expect(r.diagnostics).toEqual([]);
    expect(r.results[0].retval).toBe(1);
    expect(r.results[0].verdict).toBe('SK_PASS');
  });
  it('packet types: maps persist between packets', () => {
    // count packets in an array map slot 0: r1 = map, key on stack, lookup, *v += 1
    const pr = programFromBytes(new Uint8Array(Buffer.concat([
      MOV(2, 0), STXW(10, 2, -4), I(0x18, 1, 1, 0, 0), I(0, 0, 0, 0, 0), MOVR(2, 10), ADDK(2, -4), CALL(1),
      I(0x15, 0, 0, 3, 0), LDXW(1, 0, 0), ADDK(1, 1), STXW(0, 1, 0), MOV(0, 2), EXIT,
    ])));
    pr.maps = [{ name: 'counter', type: 'array', keySize: 4, valueSize: 4, maxEntries: 1, flags: 0 }];
    const r = runEvents(pr, file({ type: 'xdp', events: [{ sample: 'tcp-handshake' }] }));
    expect(r.diagnostics).toEqual([]);
    expect(r.results.length).toBe(8);
    expect(r.results.every((x) => x.verdict === 'XDP_PASS')).toBe(true);
    expect(Buffer.from(r.maps[0].entries()[0].value).readUInt32LE(0)).toBe(8);
  });
});
