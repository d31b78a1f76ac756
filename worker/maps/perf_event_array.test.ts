import { describe, expect, it } from 'vitest';
import { programFromBytes } from '../isa/program';
import { runTestRun } from '../progtypes/run';
import { buildSample } from '../packets/samples';
import { PERF_EVENT_ARRAY } from './perf_event_array';
import './perf_event_array';

const I = (code: number, dst: number, src: number, off: number, imm: number): Buffer => {
  const b = Buffer.alloc(8);
  b[0] = code; b[1] = dst | (src << 4); b.writeInt16LE(off, 2); b.writeInt32LE(imm | 0, 4);
  return b;
};
// *(u32 *)(fp-4) = 0xcafe; perf_event_output(ctx, map, flags, fp-4, 4); return r0
const prog = (flagsLo: number, ctxLen: number) => {
  const p = programFromBytes(new Uint8Array(Buffer.concat([
    I(0x62, 10, 0, -4, 0xcafe), I(0x18, 2, 1, 0, 0), I(0, 0, 0, 0, 0),
    I(0x18, 3, 0, 0, flagsLo), I(0, 0, 0, 0, ctxLen), I(0xbf, 4, 10, 0, 0), I(0x07, 4, 0, 0, -4), I(0xb7, 5, 0, 0, 4),
    I(0x85, 0, 0, 0, 25), I(0x95, 0, 0, 0, 0),
  ])));
  p.maps = [{ name: 'events', type: 'perf_event_array', keySize: 4, valueSize: 4, maxEntries: 2, flags: 0 }];
  return p;
};
const frame = buildSample('dns-udp')!.frames[0];

describe('perf_event_array and bpf_perf_event_output', () => {
  it('a fresh map has no readers: -ENOENT, as BPF_PROG_TEST_RUN gives', () => {
    const r = runTestRun(prog(-1, 0), { type: 'sched_cls', dataIn: frame });
    expect(r.output!.retval).toBe(-2 >>> 0);
  });
  it('with readers: the sample and the requested packet bytes are output on the current CPU', () => {
    PERF_EVENT_ARRAY.readersByDefault = true;
    try {
      const r = runTestRun(prog(-1, 14), { type: 'sched_cls', dataIn: frame }, { cpu: 1 });
      expect(r.output!.retval).toBe(0);
      expect(r.run!.outputs).toEqual([{ kind: 'perf_event', map: 'events', cpu: 1, data: Uint8Array.from([0xfe, 0xca, 0, 0, ...frame.subarray(0, 14)]) }]);
      expect(runTestRun(prog(5, 0), { type: 'sched_cls', dataIn: frame }).output!.retval).toBe(-7 >>> 0); // index past the end
      expect(runTestRun(prog(-1, 5000), { type: 'sched_cls', dataIn: frame }).output!.retval).toBe(-14 >>> 0); // more packet than there is
    } finally {
      PERF_EVENT_ARRAY.readersByDefault = false;
    }
  });
});
