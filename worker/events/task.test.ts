// The events file's per-event task fields ("cgroup", "stack", format.ts) and how runEvents passes them to
// the helpers (the helper context's cgroup and stack, read by worker/maps/cgroup_array.ts and stack_trace.ts).
import { describe, expect, it } from 'vitest';
import { programFromBytes } from '../isa/program';
import { cgroupId } from '../maps/cgroup_array';
import { functionAddress } from './kprobe';
import { materializeEvents, MAX_STACK_FRAMES, parseEventsFile } from './format';
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
const LDXDW = (d: number, s: number, off: number) => I(0x79, d, s, off, 0);
const prog = (...insns: Buffer[]) => programFromBytes(new Uint8Array(Buffer.concat(insns)));
const file = (json: unknown) => {
  const f = parseEventsFile(JSON.stringify(json));
  expect(f.diagnostics).toEqual([]);
  return f.file!;
};
const messages = (json: unknown): string[] => {
  const f = parseEventsFile(JSON.stringify(json));
  if (!f.file) return f.diagnostics.map((d) => d.message);
  return materializeEvents(f.file).diagnostics.map((d) => d.message);
};

/** bpf_get_stack(ctx, r10 - 16, 16, flags); returns the low 32 bits of the innermost frame (0 when none). */
const stackProg = (flags: number) => prog(MOVR(2, 10), ADDK(2, -16), MOV(3, 16), MOV(4, flags), CALL(67), LDXDW(0, 10, -16), EXIT);
/** bpf_get_current_cgroup_id(): the low 32 bits of the id. */
const cgroupProg = prog(CALL(80), EXIT);

describe('events file: "cgroup" and "stack"', () => {
  it('parses addresses, function names with offsets, and kernel/user stacks', () => {
    const f = file({
      type: 'kprobe',
      events: [
        { function: 'vfs_read', cgroup: '/system.slice/nginx.service', stack: ['0xffffffff81a2b3c0', 'tcp_v4_rcv', 'ip_local_deliver_finish+0x7c', 18446744071562067968] },
        { function: 'vfs_read', stack: { kernel: ['vfs_read'], user: ['0x5555555551a9'] } },
        { function: 'vfs_read' },
      ],
    });
    const m = materializeEvents(f);
    expect(m.diagnostics).toEqual([]);
    expect(m.events[0]!.task).toEqual({
      cgroup: '/system.slice/nginx.service',
      stack: { kernel: [0xffffffff81a2b3c0n, functionAddress('tcp_v4_rcv'), functionAddress('ip_local_deliver_finish') + 0x7cn, 0xffffffff80000000n] },
    });
    expect(m.events[1]!.task).toEqual({ stack: { kernel: [functionAddress('vfs_read')], user: [0x5555555551a9n] } });
    // files without them read as before
    expect(m.events[2]!.task).toBeUndefined();
  });

  it('every event a sample or a scenario expands to carries the task', () => {
    const m = materializeEvents(file({ type: 'xdp', events: [{ sample: 'tcp-handshake', cgroup: '/a' }] }));
    expect(m.events.length).toBeGreaterThan(1);
    expect(m.events.every((e) => e.task?.cgroup === '/a')).toBe(true);
    const s = materializeEvents(file({ type: 'sock_ops', events: [{ scenario: 'active-connect', cgroup: '/b' }] }));
    expect(s.events.every((e) => e.task?.cgroup === '/b')).toBe(true);
  });

  const bad: [string, unknown, RegExp][] = [
    ['a relative cgroup path', { function: 'vfs_read', cgroup: 'system.slice' }, /^events\[0\]\.cgroup: must be an absolute cgroup v2 path/],
    ['a cgroup that is not a string', { function: 'vfs_read', cgroup: 5 }, /^events\[0\]\.cgroup: must be an absolute/],
    ['".." in a cgroup path', { function: 'vfs_read', cgroup: '/a/../b' }, /^events\[0\]\.cgroup: "\.\." is not allowed/],
    ['a stack that is a string', { function: 'vfs_read', stack: 'tcp_v4_rcv' }, /^events\[0\]\.stack: must be a list of frames or/],
    ['a frame that is neither', { function: 'vfs_read', stack: ['tcp_v4_rcv', '1abc', true] }, /^events\[0\]\.stack\[1\]: "1abc" is not an address or a kernel function name/],
    ['a boolean frame', { function: 'vfs_read', stack: [true] }, /^events\[0\]\.stack\[0\]: true is not an address/],
    ['a name in the user stack', { function: 'vfs_read', stack: { user: ['main'] } }, /^events\[0\]\.stack\.user\[0\]: "main" is not an address$/],
    ['an unknown stack key', { function: 'vfs_read', stack: { kernal: [] } }, /^events\[0\]\.stack\.kernal: a stack object has only "kernel" and "user" lists/],
    ['a user stack that is not a list', { function: 'vfs_read', stack: { user: 5 } }, /^events\[0\]\.stack\.user: must be a list of addresses/],
    ['too many frames', { function: 'vfs_read', stack: Array.from({ length: MAX_STACK_FRAMES + 1 }, () => 'vfs_read') }, /^events\[0\]\.stack: has 128 frames; at most 127/],
  ];
  for (const [what, ev, re] of bad)
    it(`located error: ${what}`, () => {
      const ms = messages({ type: 'kprobe', events: [ev] });
      expect(ms.length).toBeGreaterThan(0);
      expect(ms[0]).toMatch(re);
    });
  it('packet events are checked too', () => {
    expect(messages({ type: 'sched_cls', events: [{ sample: 'arp', stack: 7 }] })[0]).toMatch(/^events\[0\]\.stack:/);
  });
});

describe('runEvents passes the task to the helpers', () => {
  it('kprobe: bpf_get_stack sees the given kernel stack, or the simulated one without it', () => {
    const r = runEvents(stackProg(0), file({
      type: 'kprobe',
      events: [{ function: 'vfs_read', stack: ['0xffffffff81a2b3c0', 'vfs_read'] }, { function: 'vfs_read', stack: ['tcp_v4_rcv+0x10'] }, { function: 'vfs_read' }],
    }));
    expect(r.diagnostics).toEqual([]);
    expect(r.results.map((x) => x.fault)).toEqual([undefined, undefined, undefined]);
    expect(r.results[0]!.retval).toBe(0x81a2b3c0);
    expect(r.results[1]!.retval).toBe(Number((functionAddress('tcp_v4_rcv') + 0x10n) & 0xffffffffn));
    // without a stack the simulated one starts at the probed address (pt_regs->ip)
    expect(r.results[2]!.retval).toBe(Number(functionAddress('vfs_read') & 0xffffffffn));
  });
  it('kprobe: BPF_F_USER_STACK reads the user stack', () => {
    const r = runEvents(stackProg(1 << 8), file({ type: 'kprobe', events: [{ function: 'vfs_read', stack: { user: ['0x5555555551a9'] } }] }));
    expect(r.results[0]!.retval).toBe(0x555551a9);
  });
  it('tracepoint and perf_event: bpf_get_current_cgroup_id follows the cgroup, "/" (id 1) by default', () => {
    const tp = runEvents(cgroupProg, file({ type: 'tracepoint', events: [{ tracepoint: 'syscalls/sys_enter_openat', cgroup: '/user.slice' }, { tracepoint: 'syscalls/sys_enter_openat' }] }));
    expect(tp.results.map((x) => x.retval)).toEqual([cgroupId('/user.slice'), 1]);
    const pe = runEvents(cgroupProg, file({ type: 'perf_event', events: [{ cgroup: '/system.slice/cron.service' }] }));
    expect(pe.results[0]!.retval).toBe(cgroupId('/system.slice/cron.service'));
  });
  it('packet types: the cgroup reaches a test_run packet and an attach-view packet', () => {
    for (const meta of [undefined, { direction: 'ingress' }]) {
      const r = runEvents(cgroupProg, file({ type: 'cgroup_skb', events: [{ sample: 'arp', cgroup: '/system.slice', ...(meta ? { meta } : {}) }, { sample: 'arp', ...(meta ? { meta } : {}) }] }));
      expect(r.diagnostics).toEqual([]);
      const n = materializeEvents(file({ type: 'cgroup_skb', events: [{ sample: 'arp' }] })).events.length;
      expect(r.results.map((x) => x.retval)).toEqual([...Array<number>(n).fill(cgroupId('/system.slice')), ...Array<number>(n).fill(1)]);
    }
  });
  it('sock_ops callbacks and scenarios carry the cgroup', () => {
    const r = runEvents(cgroupProg, file({ type: 'sock_ops', events: [{ op: 'BPF_SOCK_OPS_TCP_CONNECT_CB', cgroup: '/x' }] }));
    expect(r.results[0]!.retval).toBe(cgroupId('/x'));
    const s = runEvents(cgroupProg, file({ type: 'sock_ops', events: [{ scenario: 'active-connect', cgroup: '/y' }] }));
    const called = s.results.filter((x) => x.verdict !== 'not called');
    expect(called.length).toBeGreaterThan(0);
    expect(called.every((x) => x.sockOps && x.retval === cgroupId('/y'))).toBe(true);
  });
});
