// BPF_MAP_TYPE_PERF_EVENT_ARRAY (kernel/bpf/arraymap.c perf_event_array ops) and bpf_perf_event_output
// (kernel/trace/bpf_trace.c, net/core/filter.c bpf_skb_event_output / bpf_xdp_event_output): a program
// sends a sample to the perf ring buffer of one CPU. An index has a reader when the map's contents (set
// before the run, like user space storing a perf event fd per CPU) list it; without one the kernel returns
// -ENOENT, which is what BPF_PROG_TEST_RUN gives for a fresh map, so that is the default. The playground
// can set PERF_EVENT_ARRAY.readersByDefault to give every CPU a reader. An index past the end is -E2BIG.
// BPF_F_CURRENT_CPU picks the CPU the program runs on. For skb and XDP programs the upper 32 bits of flags
// (BPF_F_CTXLEN_MASK) ask for that many packet bytes to be appended to the sample. Samples appear as
// 'perf_event' outputs. Programs cannot look values up (lookup returns NULL), as in the kernel.

import type { MapDef } from '../isa/program';
import { err } from '../util/diag';
import { errno, registerHelper, type HelperResult } from '../helpers/types';
import type { TestRunSetup } from '../progtypes/testrun';
import { E2BIG, EINVAL, ENOENT, registerMapType, type MapEntry, type MapImpl, type MapValueRef } from './types';

export const PERF_EVENT_ARRAY = { readersByDefault: false };

const u32 = (k: Uint8Array) => (k[0]! | (k[1]! << 8) | (k[2]! << 16) | (k[3]! << 24)) >>> 0;

export class PerfEventArrayMap implements MapImpl {
  readonly valueArea = new Uint8Array(0);
  readonly valueStride = 8;
  readonly valuesAccessible = false;
  /** index -> perf event fd (user space's reader); null = none set (PERF_EVENT_ARRAY.readersByDefault decides). */
  private readers: Map<number, Uint8Array> | null = null;
  constructor(readonly def: MapDef) {}
  hasReader(i: number): boolean {
    if (i >= this.def.maxEntries) return false;
    return this.readers === null ? PERF_EVENT_ARRAY.readersByDefault : this.readers.has(i);
  }
  lookup(): MapValueRef | null {
    return null;
  }
  update(key: Uint8Array, value: Uint8Array): number {
    const i = u32(key);
    if (i >= this.def.maxEntries) return -E2BIG;
    this.readers ??= new Map();
    this.readers.set(i, value.slice(0, 4));
    return 0;
  }
  delete(key: Uint8Array): number {
    const i = u32(key);
    if (i >= this.def.maxEntries) return -EINVAL;
    if (!this.readers?.has(i)) return -ENOENT;
    this.readers.delete(i);
    return 0;
  }
  getNextKey(key: Uint8Array | null): Uint8Array | null {
    const i = key ? u32(key) + 1 : 0;
    return i < this.def.maxEntries ? Uint8Array.of(i & 0xff, (i >> 8) & 0xff, (i >> 16) & 0xff, i >>> 24) : null;
  }
  entries(): MapEntry[] {
    return [...(this.readers ?? new Map<number, Uint8Array>()).entries()].sort((a, b) => a[0] - b[0]).map(([i, v]) => ({ key: Uint8Array.of(i & 0xff, (i >> 8) & 0xff, (i >> 16) & 0xff, i >>> 24), value: v.slice() }));
  }
  snapshot(): unknown {
    return this.readers ? [...this.readers.entries()] : null;
  }
  restore(s: unknown): void {
    this.readers = s ? new Map(s as [number, Uint8Array][]) : null;
  }
}

registerMapType('perf_event_array', (def) => {
  if (def.keySize !== 4 || def.valueSize !== 4) return err(`perf_event_array map '${def.name}' needs key_size 4 and value_size 4 (-EINVAL)`, { line: def.loc?.line, col: def.loc?.col }, 'map.def');
  return new PerfEventArrayMap(def);
});

const BPF_F_INDEX_MASK = 0xffffffffn, BPF_F_CURRENT_CPU = 0xffffffffn, BPF_F_CTXLEN_MASK = 0xfffffn << 32n;

registerHelper({
  id: 25, name: 'perf_event_output',
  call(env, _ctx, mapPtr, flags, data, sizeArg): HelperResult {
    const m = env.mapByAddr(mapPtr);
    if (!m) return { fault: `R2 = 0x${mapPtr.toString(16)} is not a map pointer` };
    if (!(m.impl instanceof PerfEventArrayMap)) return { fault: `map '${m.impl.def.name}' is a ${m.impl.def.type} map, not a perf_event_array` };
    if (flags & ~(BPF_F_INDEX_MASK | BPF_F_CTXLEN_MASK)) return errno(EINVAL);
    const idx = (flags & BPF_F_INDEX_MASK) === BPF_F_CURRENT_CPU ? env.cpu : Number(flags & BPF_F_INDEX_MASK);
    if (idx >= m.impl.def.maxEntries) return errno(E2BIG);
    if (!m.impl.hasReader(idx)) return errno(ENOENT);
    const size = Number(sizeArg & 0xffffffffn);
    const bytes = env.read(data, size);
    if (typeof bytes === 'string') return { fault: bytes };
    let sample = bytes;
    const ctxLen = Number((flags & BPF_F_CTXLEN_MASK) >> 32n);
    if (ctxLen) {
      const s = env.ctx as TestRunSetup | null;
      if (!s || typeof s !== 'object' || !('packet' in s)) return errno(EINVAL);
      if (ctxLen > s.packet.dataEnd - s.packet.data) return errno(EFAULT_);
      sample = new Uint8Array(size + ctxLen);
      sample.set(bytes);
      sample.set(s.packet.buf.subarray(s.packet.data, s.packet.data + ctxLen), size);
    }
    env.output({ kind: 'perf_event', map: m.impl.def.name, cpu: idx, data: sample.slice() });
    return 0n;
  },
});
const EFAULT_ = 14;
