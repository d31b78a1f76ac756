// Context conversions in event runs (worker/events/run.ts): the ctx region carries the converted fields of
// the program type's layout (progtypes/ctx.ts ctxConvFields), so loads follow convert_ctx_access and the
// verifier's narrow-load rule (kernel/bpf/verifier.c convert_ctx_accesses) as test runs do: a read as wide
// as the kernel field returns the whole field whatever its offset, and bpf_sock.rx_queue_mapping's
// NO_QUEUE_MAPPING reads as the 64-bit -1. The raw UAPI bytes would give 0 in each case below.
import { describe, expect, it } from 'vitest';
import { programFromBytes } from '../isa/program';
import { PROG_TYPES } from '../progtypes/table';
import { parseEventsFile } from './format';
import { runEvents } from './run';

const I = (code: number, dst: number, src: number, off: number, imm: number): Buffer => {
  const b = Buffer.alloc(8);
  b[0] = code; b[1] = dst | (src << 4); b.writeInt16LE(off, 2); b.writeInt32LE(imm | 0, 4);
  return b;
};
const SZ: Record<number, number> = { 1: 0x10, 2: 0x08, 4: 0x00, 8: 0x18 };
const LDX = (size: number, dst: number, src: number, off: number) => I(0x61 | SZ[size]!, dst, src, off, 0);
const RSH = (d: number, k: number) => I(0x77, d, 0, 0, k);
const EXIT = I(0x95, 0, 0, 0, 0);
const prog = (...insns: Buffer[]) => programFromBytes(new Uint8Array(Buffer.concat([...insns, EXIT])));
const file = (json: unknown) => parseEventsFile(JSON.stringify(json)).file!;
const off = (type: 'sk_skb' | 'cgroup_sock', name: string) => PROG_TYPES[type].ctx.fields.find((f) => f.name === name)!.off;

describe('events runs read converted ctx fields as the kernel does', () => {
  const skskb = (p: ReturnType<typeof prog>) => {
    const r = runEvents(p, file({ type: 'sk_skb', sockets: [{ localPort: 8080 }], events: [{ socket: 0, text: 'hi' }] }));
    expect(r.diagnostics).toEqual([]);
    expect(r.results[0]!.fault).toBeUndefined();
    return r.results[0]!.retval;
  };
  it('sk_skb: a 2-byte read of the upper half of __sk_buff.family / local_port is the whole u16', () => {
    expect(skskb(prog(LDX(2, 0, 1, off('sk_skb', 'family') + 2)))).toBe(2); // AF_INET
    expect(skskb(prog(LDX(2, 0, 1, off('sk_skb', 'local_port') + 2)))).toBe(8080);
  });
  it('sk_skb: narrower than the kernel field still gives the UAPI bytes', () => {
    expect(skskb(prog(LDX(1, 0, 1, off('sk_skb', 'local_port') + 1)))).toBe(8080 >> 8);
    expect(skskb(prog(LDX(1, 0, 1, off('sk_skb', 'local_port') + 2)))).toBe(0);
  });
  it('cgroup_sock: rx_queue_mapping (NO_QUEUE_MAPPING) is the 64-bit -1 at a 2-byte read', () => {
    const r = runEvents(prog(LDX(2, 0, 1, off('cgroup_sock', 'rx_queue_mapping')), RSH(0, 32)), file({ type: 'cgroup_sock', events: [{ family: 'AF_INET', type: 'SOCK_STREAM', protocol: 'IPPROTO_TCP' }] }));
    expect(r.diagnostics).toEqual([]);
    expect(r.results[0]!.retval).toBe(0xffffffff);
  });
});
