// Event inputs in the engine (the browser's path: worker/api/ebpf-run.ts eventEnv) read converted context
// fields as the kernel does (convert_ctx_access; the verifier's narrow-load rule), on the fast path and
// when stepping: a 2-byte read of the upper half of sk_skb's __sk_buff.family gives the whole u16 (raw
// bytes would give 0), and cgroup_sock's rx_queue_mapping (NO_QUEUE_MAPPING) reads as the 64-bit -1.
import { describe, expect, it } from 'vitest';
import { PROG_TYPES } from '../progtypes/table';
import { engine } from './engine';

const off = (type: 'sk_skb' | 'cgroup_sock', name: string) => PROG_TYPES[type].ctx.fields.find((f) => f.name === name)!.off;

function runAll(progType: 'sk_skb' | 'cgroup_sock', source: string): { fast: string[]; stepped: string } {
  expect(engine.build({ source, dialect: 'llvm', progType }).ok).toBe(true);
  const ev = engine.eventInputs(progType, null);
  expect(ev.error).toBeNull();
  engine.setInputs({ packets: ev.inputs, maps: {}, maxInsns: 1_000_000 });
  const fast = engine.runPackets(0, ev.inputs.length).map((v) => v.retval);
  const d = engine.debugOpen(0);
  expect(d.error).toBeNull();
  return { fast, stepped: engine.frame(d.total)!.retval! };
}

describe('event inputs read converted ctx fields', () => {
  it('sk_skb: *(u16 *)(family + 2) is AF_INET / AF_INET6, stepping and fast path alike', () => {
    const r = runAll('sk_skb', `\tr0 = *(u16 *)(r1 + ${off('sk_skb', 'family') + 2})\n\texit\n`);
    expect(r.fast.length).toBeGreaterThan(0);
    for (const x of r.fast) expect(['2', '10']).toContain(x);
    expect(r.stepped).toBe(r.fast[0]);
  });
  it('cgroup_sock: a 2-byte rx_queue_mapping read is the 64-bit -1', () => {
    const r = runAll('cgroup_sock', `\tr0 = *(u16 *)(r1 + ${off('cgroup_sock', 'rx_queue_mapping')})\n\tr0 >>= 32\n\tr0 &= 1\n\texit\n`);
    expect(r.fast.length).toBeGreaterThan(0);
    for (const x of r.fast) expect(x).toBe('1');
    expect(r.stepped).toBe('1');
  });
});
