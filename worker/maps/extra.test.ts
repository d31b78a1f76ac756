// The map types added in queue_stack.ts, lpm_trie.ts, percpu.ts and lru_hash.ts, against the kernel:
// random sequences of bpf() syscall operations (update/lookup/delete/push/pop/peek) are applied to a real
// map (kernel-probe/probe.c) and to bpfplay's; every result code and value must agree. Plus the
// documented behaviour that the syscall view cannot show (per-CPU program updates, LRU eviction).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MapDef } from '../isa/program';
import { kernelOracle, which } from '../testing/kernel';
import { LpmTrieMap } from './lpm_trie';
import { LruHashMap } from './lru_hash';
import { PERCPU, PercpuArrayMap, PercpuHashMap, enterPercpuRun } from './percpu';
import { QueueStackMap } from './queue_stack';
import { createMap, type MapImpl } from './types';
import './queue_stack';
import './lpm_trie';
import './percpu';
import './lru_hash';
import './xdp_targets';

const cc = which('clang-19') ?? which('gcc');
const oracle = kernelOracle();
let bin: string | null = null;
function probe(lines: string[]): string[] {
  if (!bin) {
    bin = join(mkdtempSync(join(tmpdir(), 'bpfplay-maps-')), 'probe');
    execFileSync(cc!, ['-O1', '-o', bin, join(__dirname, '../progtypes/kernel-probe/probe.c')]);
  }
  return spawnSync(bin, { input: lines.join('\n') + '\n', encoding: 'utf8' }).stdout.trim().split('\n');
}
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const possibleCpus = (() => {
  try {
    const t = readFileSync('/sys/devices/system/cpu/possible', 'utf8').trim();
    return t.split(',').reduce((n, r) => { const [a, b] = r.split('-').map(Number); return n + (b === undefined ? 1 : b - a + 1); }, 0);
  } catch {
    return 4;
  }
})();

type Op = { op: 'u'; key: string; value: string; flags: number } | { op: 'l' | 'd'; key: string } | { op: 'p'; value: string; flags: number } | { op: 'o' | 'k' };
const TYPE_IDS: Record<string, number> = { hash: 1, percpu_hash: 5, percpu_array: 6, lru_hash: 9, lpm_trie: 11, devmap: 14, cpumap: 16, devmap_hash: 25, queue: 22, stack: 23 };

/** What bpfplay answers for one syscall-level op, in the probe's format. */
function apply(m: MapImpl, o: Op): string {
  const rc = (n: number) => String(-n);
  switch (o.op) {
    case 'u': return rc(m.update(Buffer.from(o.key, 'hex'), Buffer.from(o.value, 'hex'), o.flags));
    case 'd': return rc(m.delete(Buffer.from(o.key, 'hex')));
    case 'l': {
      const key = Buffer.from(o.key, 'hex');
      if (m instanceof PercpuArrayMap || m instanceof PercpuHashMap) {
        const e = m.entries().find((x) => hex(x.key) === o.key);
        return e ? `0:${hex(e.value)}` : '2';
      }
      const v = m.lookup(key);
      return v ? `0:${hex(v.bytes)}` : '2';
    }
    case 'p': return rc((m as QueueStackMap).push(Buffer.from(o.value, 'hex'), o.flags));
    case 'o':
    case 'k': {
      const v = (m as QueueStackMap).take(o.op === 'o');
      return typeof v === 'number' ? rc(v) : `0:${hex(v)}`;
    }
  }
}
const opText = (o: Op) => (o.op === 'u' ? `u:${o.key}:${o.value}:${o.flags}` : o.op === 'p' ? `p:${o.value}:${o.flags}` : o.op === 'l' || o.op === 'd' ? `${o.op}:${o.key}` : o.op);

function def(type: string, keySize: number, valueSize: number, maxEntries: number, flags = 0): MapDef {
  return { name: 'm', type, keySize, valueSize, maxEntries, flags };
}

const byteHex = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map(hex);
const flagsArb = fc.constantFrom(0, 0, 1, 2, 3);

describe.skipIf(!oracle.ok || !cc)(`new map types agree with the kernel's bpf() syscall results ${oracle.reason}`, () => {
  PERCPU.nrCpus = possibleCpus;
  const cases: { name: string; d: MapDef; ops: fc.Arbitrary<Op[]> }[] = [
    { name: 'queue', d: def('queue', 0, 4, 3), ops: fc.array(fc.oneof(fc.record({ op: fc.constant('p' as const), value: byteHex(4), flags: flagsArb }), fc.constantFrom<Op>({ op: 'o' }, { op: 'k' })), { maxLength: 14 }) },
    { name: 'stack', d: def('stack', 0, 3, 2), ops: fc.array(fc.oneof(fc.record({ op: fc.constant('p' as const), value: byteHex(3), flags: flagsArb }), fc.constantFrom<Op>({ op: 'o' }, { op: 'k' })), { maxLength: 14 }) },
    {
      name: 'lpm_trie', d: def('lpm_trie', 8, 4, 4, 1),
      ops: fc.array(
        fc.oneof(
          fc.record({ op: fc.constant('u' as const), key: fc.tuple(fc.integer({ min: 0, max: 34 }), fc.constantFrom('c0a80000', 'c0a80001', 'c0a8ff00', '0a000001', 'c0000000')).map(([p, d]) => hex(Uint8Array.of(p, 0, 0, 0)) + d), value: byteHex(4), flags: fc.constantFrom(0, 1, 2, 4) }),
          fc.record({ op: fc.constantFrom('l' as const, 'd' as const), key: fc.tuple(fc.integer({ min: 0, max: 33 }), fc.constantFrom('c0a80001', 'c0a8ff07', '0a000001', 'c0a80000', '08080808')).map(([p, d]) => hex(Uint8Array.of(p, 0, 0, 0)) + d) }),
        ),
        { maxLength: 16 },
      ),
    },
    {
      name: 'percpu_array', d: def('percpu_array', 4, 6, 3),
      ops: fc.array(fc.oneof(
        fc.record({ op: fc.constant('u' as const), key: fc.integer({ min: 0, max: 4 }).map((i) => hex(Uint8Array.of(i, 0, 0, 0))), value: byteHex(6), flags: fc.constantFrom(0, 1, 2, 4) }),
        fc.record({ op: fc.constantFrom('l' as const, 'd' as const), key: fc.integer({ min: 0, max: 4 }).map((i) => hex(Uint8Array.of(i, 0, 0, 0))) }),
      ), { maxLength: 12 }),
    },
    {
      name: 'percpu_hash', d: def('percpu_hash', 2, 4, 3),
      ops: fc.array(fc.oneof(
        fc.record({ op: fc.constant('u' as const), key: fc.constantFrom('0001', '0002', '0003', '0004'), value: byteHex(4), flags: fc.constantFrom(0, 1, 2) }),
        fc.record({ op: fc.constantFrom('l' as const, 'd' as const), key: fc.constantFrom('0001', '0002', '0003', '0004') }),
      ), { maxLength: 12 }),
    },
    {
      // below a quarter of max_entries the kernel's LRU never needs to evict
      name: 'lru_hash (no eviction)', d: def('lru_hash', 4, 4, 64),
      ops: fc.array(fc.oneof(
        fc.record({ op: fc.constant('u' as const), key: fc.constantFrom('01000000', '02000000', '03000000'), value: byteHex(4), flags: fc.constantFrom(0, 1, 2) }),
        fc.record({ op: fc.constantFrom('l' as const, 'd' as const), key: fc.constantFrom('01000000', '02000000', '03000000') }),
      ), { maxLength: 12 }),
    },
    {
      name: 'devmap', d: def('devmap', 4, 4, 3),
      ops: fc.array(fc.oneof(
        fc.record({ op: fc.constant('u' as const), key: fc.integer({ min: 0, max: 4 }).map((i) => hex(Uint8Array.of(i, 0, 0, 0))), value: fc.constantFrom('01000000', '00000000'), flags: fc.constantFrom(0, 1, 2, 4) }),
        fc.record({ op: fc.constantFrom('l' as const, 'd' as const), key: fc.integer({ min: 0, max: 4 }).map((i) => hex(Uint8Array.of(i, 0, 0, 0))) }),
      ), { maxLength: 12 }),
    },
    {
      name: 'devmap_hash', d: def('devmap_hash', 4, 8, 2),
      ops: fc.array(fc.oneof(
        fc.record({ op: fc.constant('u' as const), key: fc.constantFrom('07000000', '08000000', '09000000'), value: fc.constantFrom('0100000000000000', '0000000000000000'), flags: fc.constantFrom(0, 1, 2) }),
        fc.record({ op: fc.constantFrom('l' as const, 'd' as const), key: fc.constantFrom('07000000', '08000000', '09000000') }),
      ), { maxLength: 12 }),
    },
    {
      name: 'cpumap', d: def('cpumap', 4, 4, Math.min(2, possibleCpus)),
      ops: fc.array(fc.oneof(
        fc.record({ op: fc.constant('u' as const), key: fc.integer({ min: 0, max: 2 }).map((i) => hex(Uint8Array.of(i, 0, 0, 0))), value: fc.constantFrom('c0000000', '00000000', '00010000'), flags: fc.constantFrom(0, 2) }),
        fc.record({ op: fc.constant('l' as const), key: fc.integer({ min: 0, max: 2 }).map((i) => hex(Uint8Array.of(i, 0, 0, 0))) }),
      ), { maxLength: 10 }),
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const seqs = fc.sample(c.ops, { numRuns: 60, seed: 42 });
      // per-CPU maps take one padded value per CPU through the syscall: give every CPU a different value
      if (c.d.type.startsWith('percpu'))
        for (const ops of seqs)
          for (const o of ops)
            if (o.op === 'u') {
              const pad = (c.d.valueSize + 7) & ~7;
              const one = Buffer.from(o.value, 'hex');
              const all = Buffer.alloc(pad * possibleCpus);
              for (let cpu = 0; cpu < possibleCpus; cpu++) { one.copy(all, cpu * pad); all[cpu * pad] ^= cpu; }
              o.value = all.toString('hex');
            }
      const out = probe(seqs.map((ops) => `M ${TYPE_IDS[c.d.type]} ${c.d.keySize} ${c.d.valueSize} ${c.d.maxEntries} ${c.d.flags} ${ops.map(opText).join(' ')}`));
      seqs.forEach((ops, i) => {
        const m = createMap(c.d);
        if ('severity' in m) throw new Error(m.message);
        const ours = ['ok', ...ops.map((o) => apply(m, o))].join(' ');
        expect(ours, ops.map(opText).join(' ')).toBe(out[i]);
      });
    });

  it('definition checks: the same definitions are refused', () => {
    const defs = [def('queue', 4, 4, 2), def('queue', 0, 0, 2), def('lpm_trie', 8, 4, 4, 0), def('lpm_trie', 4, 4, 4, 1), def('percpu_array', 8, 4, 2), def('lru_hash', 0, 4, 2)];
    const out = probe(defs.map((d) => `M ${TYPE_IDS[d.type]} ${d.keySize} ${d.valueSize} ${d.maxEntries} ${d.flags}`));
    defs.forEach((d, i) => {
      const ours = createMap(d);
      expect('severity' in ours, `${d.type} ${JSON.stringify(d)}`).toBe(out[i].startsWith('err'));
    });
  });
});

describe('documented behaviour beyond the syscall view', () => {
  it('a program updates only its CPU\'s copy of a per-CPU value; user space sees all CPUs, padded to 8', () => {
    PERCPU.nrCpus = 3;
    const m = createMap(def('percpu_array', 4, 4, 1)) as PercpuArrayMap;
    enterPercpuRun([m], 1, true);
    m.update(Uint8Array.of(0, 0, 0, 0), Uint8Array.of(1, 2, 3, 4), 0);
    expect(hex(m.lookup(Uint8Array.of(0, 0, 0, 0))!.bytes)).toBe('01020304');
    enterPercpuRun([m], 2, true);
    expect(hex(m.lookup(Uint8Array.of(0, 0, 0, 0))!.bytes)).toBe('00000000');
    enterPercpuRun([m], 0, false);
    expect(hex(m.entries()[0].value)).toBe('0000000000000000' + '0102030400000000' + '0000000000000000');
  });
  it('LRU: a full map evicts an unreferenced key; a program\'s lookup protects a key', () => {
    const m = createMap(def('lru_hash', 1, 1, 2)) as LruHashMap;
    m.update(Uint8Array.of(1), Uint8Array.of(10), 0);
    m.update(Uint8Array.of(2), Uint8Array.of(20), 0);
    m.lookup(Uint8Array.of(1), 0); // a program's lookup (on CPU 0) sets the reference bit
    expect(m.update(Uint8Array.of(3), Uint8Array.of(30), 0)).toBe(0);
    expect(m.entries().map((e) => e.key[0])).toEqual([1, 3]);
    expect(m.evicted.map((k) => k[0])).toEqual([2]);
  });
  it('LPM: the longest matching prefix wins, limited by the lookup\'s prefixlen', () => {
    const m = createMap(def('lpm_trie', 8, 1, 8, 1)) as LpmTrieMap;
    const k = (p: number, a: number[]) => Uint8Array.of(p, 0, 0, 0, ...a);
    m.update(k(8, [10, 0, 0, 0]), Uint8Array.of(8), 0);
    m.update(k(16, [10, 1, 0, 0]), Uint8Array.of(16), 0);
    m.update(k(24, [10, 1, 2, 0]), Uint8Array.of(24), 0);
    expect(m.lookup(k(32, [10, 1, 2, 3]))!.bytes[0]).toBe(24);
    expect(m.lookup(k(20, [10, 1, 2, 3]))!.bytes[0]).toBe(16);
    expect(m.lookup(k(32, [10, 9, 9, 9]))!.bytes[0]).toBe(8);
    expect(m.lookup(k(32, [11, 0, 0, 0]))).toBeNull();
  });
});
