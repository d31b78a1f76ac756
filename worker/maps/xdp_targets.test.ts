import { describe, expect, it } from 'vitest';
import { programFromBytes } from '../isa/program';
import { runTestRun } from '../progtypes/run';
import { buildSample } from '../packets/samples';
import './xdp_targets';

const I = (code: number, dst: number, src: number, off: number, imm: number): Buffer => {
  const b = Buffer.alloc(8);
  b[0] = code; b[1] = dst | (src << 4); b.writeInt16LE(off, 2); b.writeInt32LE(imm | 0, 4);
  return b;
};
// return bpf_redirect_map(&ports, key, flags)
const prog = (key: number, flags: number) => {
  const p = programFromBytes(new Uint8Array(Buffer.concat([I(0x18, 1, 1, 0, 0), I(0, 0, 0, 0, 0), I(0xb7, 2, 0, 0, key), I(0xb7, 3, 0, 0, flags), I(0x85, 0, 0, 0, 51), I(0x95, 0, 0, 0, 0)])));
  p.maps = [{ name: 'ports', type: 'devmap', keySize: 4, valueSize: 4, maxEntries: 4, flags: 0, initial: [{ key: '01000000', value: '03000000' }] }];
  return p;
};
const frame = buildSample('icmp-echo')!.frames[0];

describe('devmap and bpf_redirect_map', () => {
  it('a set slot redirects (XDP_REDIRECT) and records the target device', () => {
    const r = runTestRun(prog(1, 0), { type: 'xdp', dataIn: frame });
    expect(r.output!.retval).toBe(4);
    expect((r.setup as unknown as { redirect: unknown }).redirect).toEqual({ map: 'ports', kind: 'devmap', key: 1, target: 3 });
  });
  it('an empty slot returns the fallback action from the low bits of flags', () => {
    expect(runTestRun(prog(2, 2), { type: 'xdp', dataIn: frame }).output!.retval).toBe(2); // XDP_PASS
    expect(runTestRun(prog(2, 0), { type: 'xdp', dataIn: frame }).output!.retval).toBe(0); // XDP_ABORTED
    expect(runTestRun(prog(1, 0x40), { type: 'xdp', dataIn: frame }).output!.retval).toBe(0); // bad flags
  });
});
