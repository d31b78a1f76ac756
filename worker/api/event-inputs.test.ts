// The browser engine's event inputs: memory blobs of the events file are readable by bpf_probe_read_*
// (as `cli run --events` maps them, worker/events/run.ts), on the fast path, in the context view and when stepping.
import { describe, expect, it } from 'vitest';
import { engine } from './engine';

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
