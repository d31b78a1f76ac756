// The LRU hash maps against the kernel's LRU (bpf_lru_list.c): a program inserts a new key on every run,
// looks some older keys up (setting their reference bits) and deletes some; run R times in one
// BPF_PROG_TEST_RUN (`bpftool prog run ... repeat R`, pinned to a CPU with taskset so that the kernel uses
// that CPU's lists, as bpfplay's run on the same CPU does; some cases move between CPUs), the surviving
// keys and values (`bpftool map dump`) must be exactly bpfplay's. Common LRU, BPF_F_NO_COMMON_LRU and lru_percpu_hash, small and large maps. Plus unit
// tests of the list model's invariants and of the map's flags and errors.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble } from '../asm';
import { writeElf } from '../elf/write';
import type { MapDef, Program } from '../isa/program';
import { runTestRun } from '../progtypes/run';
import { bpftoolPath, kernelOracle, which } from '../testing/kernel';
import { BPF_LRU_LIST_T_ACTIVE, BPF_LRU_LIST_T_FREE, BPF_LRU_LIST_T_INACTIVE, BPF_LRU_LOCAL_LIST_T_FREE, BPF_LRU_LOCAL_LIST_T_PENDING } from './bpf_lru';
import { LruHashMap } from './lru_hash';
import { PERCPU } from './percpu';
import { bytesHex, createMap, createMapSet } from './types';
import './index';

const le = (n: number): Uint8Array => Uint8Array.of(n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24);
const lru = (over: Partial<MapDef> = {}): MapDef => ({ name: 'lru', type: 'lru_hash', keySize: 4, valueSize: 8, maxEntries: 8, flags: 0, ...over });

/** Every node is on exactly one list, and the map's elements are exactly the nodes on ACTIVE/INACTIVE/PENDING. */
function checkInvariants(m: LruHashMap): void {
  const seen = new Map<number, string>();
  const cpus = m.lru.percpu ? m.nrCpus : 1;
  for (let c = 0; c < cpus; c++)
    for (const t of [BPF_LRU_LIST_T_ACTIVE, BPF_LRU_LIST_T_INACTIVE, BPF_LRU_LIST_T_FREE])
      for (const n of m.lru.listNodes(t, c)) {
        expect(seen.has(n), `node ${n} twice`).toBe(false);
        seen.set(n, `${t}`);
        expect(m.lru.type[n]).toBe(t);
      }
  if (!m.lru.percpu)
    for (let c = 0; c < m.nrCpus; c++)
      for (const t of [BPF_LRU_LOCAL_LIST_T_FREE, BPF_LRU_LOCAL_LIST_T_PENDING])
        for (const n of m.lru.listNodes(t, c)) {
          expect(seen.has(n), `node ${n} twice`).toBe(false);
          seen.set(n, `${t}`);
        }
  expect(seen.size).toBe(m.capacity);
  const inTable = new Set(m.entries().map((e) => Math.floor(m.lookup(e.key)!.slot / (m.percpuValues ? m.nrCpus : 1))));
  for (const s of inTable) expect([`${BPF_LRU_LIST_T_ACTIVE}`, `${BPF_LRU_LIST_T_INACTIVE}`, `${BPF_LRU_LOCAL_LIST_T_PENDING}`]).toContain(seen.get(s));
}

describe('LRU hash maps (bpf_lru_list.c model)', () => {
  it('creation checks and flags', () => {
    expect((createMap(lru({ flags: 1 })) as { message: string }).message).toMatch(/BPF_F_NO_PREALLOC.*-ENOTSUPP/);
    expect((createMap(lru({ keySize: 0 })) as { message: string }).message).toMatch(/key_size/);
    const m = createMap(lru()) as LruHashMap;
    expect(m.update(le(1), new Uint8Array(8), 4)).toBe(-22); // BPF_F_LOCK
    expect(m.update(le(1), new Uint8Array(8), 2)).toBe(-2);
    expect(m.update(le(1), new Uint8Array(8), 1)).toBe(0);
    expect(m.update(le(1), new Uint8Array(8), 1)).toBe(-17);
    expect(m.delete(le(2))).toBe(-2);
    expect(m.delete(le(1))).toBe(0);
    const p = createMap(lru({ flags: 2, maxEntries: 5 })) as LruHashMap;
    expect(p.capacity).toBe(Math.ceil(5 / PERCPU.nrCpus) * PERCPU.nrCpus);
  });

  it('a full map keeps working, evicting; the lists stay consistent (random operations)', () => {
    let seed = 7;
    const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
    for (const d of [lru(), lru({ maxEntries: 300 }), lru({ flags: 2, maxEntries: 13 }), lru({ type: 'lru_percpu_hash', maxEntries: 9 })]) {
      const m = createMap(d) as LruHashMap;
      for (let i = 0; i < 3000; i++) {
        const key = le(rnd(d.maxEntries * 3));
        const cpu = rnd(4) === 0 ? undefined : rnd(PERCPU.nrCpus);
        const op = rnd(10);
        if (op < 6) expect(m.update(key, le(i), rnd(3), cpu)).toBeLessThanOrEqual(0);
        else if (op < 9) m.lookup(key, cpu);
        else m.delete(key);
        expect(m.size).toBeLessThanOrEqual(m.capacity);
      }
      checkInvariants(m);
      const s = m.snapshot();
      const before = JSON.stringify(m.entries().map((e) => bytesHex(e.key)));
      for (let i = 0; i < 50; i++) m.update(le(100000 + i), le(i), 0, 0);
      m.restore(s);
      expect(JSON.stringify(m.entries().map((e) => bytesHex(e.key)))).toBe(before);
      checkInvariants(m);
    }
  });

  it('only a program\'s lookup sets the reference bit (not user space\'s, not peek)', () => {
    const evictedAfter = (touch: (m: LruHashMap) => void): string[] => {
      const m = createMap(lru({ maxEntries: 2 })) as LruHashMap;
      m.update(le(1), new Uint8Array(8), 0);
      m.update(le(2), new Uint8Array(8), 0);
      touch(m);
      m.update(le(3), new Uint8Array(8), 0);
      return m.evicted.map(bytesHex);
    };
    expect(evictedAfter((m) => m.lookup(le(1), 0))).toEqual(['02000000']);
    expect(evictedAfter((m) => m.lookup(le(1)))).toEqual(['01000000']);
    expect(evictedAfter((m) => m.peek(le(1), 0))).toEqual(['01000000']);
  });

  it('an update of a present key takes a new node and may evict even so (prealloc_lru_pop first)', () => {
    const m = createMap(lru({ maxEntries: 2 })) as LruHashMap;
    expect(m.update(le(1), new Uint8Array(8), 0)).toBe(0);
    expect(m.update(le(2), new Uint8Array(8), 0)).toBe(0);
    // Replacing key 2 needs a free node: the LRU evicts key 1 to get one.
    expect(m.update(le(2), new Uint8Array(8).fill(9), 0)).toBe(0);
    expect(m.entries().map((e) => bytesHex(e.key))).toEqual(['02000000']);
    expect(m.evicted.map(bytesHex)).toEqual(['01000000']);
  });
});

// ---- kernel differential ----------------------------------------------------------------------------

/** key = cnt++; update(key, key * 3); lookups of key - 5 and key - 2 (refs); delete key - 1 when key % 7 == 0. */
function program(d: MapDef): Program {
  const src = `.map cnt array key=4 value=8 entries=1
.map lru ${d.type} key=4 value=8 entries=${d.maxEntries} flags=${d.flags}
	*(u32 *)(r10 - 4) = 0
	r1 = cnt ll
	r2 = r10
	r2 += -4
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r6 = *(u64 *)(r0 + 0)
	r1 = r6
	r1 += 1
	*(u64 *)(r0 + 0) = r1
	*(u32 *)(r10 - 4) = w6
	r1 = r6
	r1 *= 3
	*(u64 *)(r10 - 16) = r1
	r1 = lru ll
	r2 = r10
	r2 += -4
	r3 = r10
	r3 += -16
	r4 = 0
	call bpf_map_update_elem
	r7 = r6
	r7 += -5
	*(u32 *)(r10 - 4) = w7
	r1 = lru ll
	r2 = r10
	r2 += -4
	call bpf_map_lookup_elem
	r7 = r6
	r7 += -2
	*(u32 *)(r10 - 4) = w7
	r1 = lru ll
	r2 = r10
	r2 += -4
	call bpf_map_lookup_elem
	r7 = r6
	r7 %= 7
	if r7 != 0 goto out
	r7 = r6
	r7 += -1
	*(u32 *)(r10 - 4) = w7
	r1 = lru ll
	r2 = r10
	r2 += -4
	call bpf_map_delete_elem
out:
	r0 = 2
	exit
`;
  const r = assemble(src, { syntax: 'llvm' });
  if (!r.program) throw new Error(r.diagnostics.map((x) => x.message).join('\n'));
  return { ...r.program, progType: 'xdp', license: 'GPL' };
}

/** Phases of [cpu, runs]: several CPUs exercise the per-CPU local lists and the stealing between them. */
const CASES: { d: MapDef; phases: [number, number][] }[] = [
  { d: lru({ maxEntries: 16 }), phases: [[0, 100]] },
  { d: lru({ maxEntries: 300 }), phases: [[0, 1000]] },
  { d: lru({ maxEntries: 1000 }), phases: [[0, 3000]] },
  { d: lru({ maxEntries: 64, flags: 2 }), phases: [[0, 500]] },
  { d: lru({ type: 'lru_percpu_hash', maxEntries: 50 }), phases: [[0, 400]] },
  { d: lru({ maxEntries: 40 }), phases: [[0, 30], [1, 50], [0, 45], [1, 7], [0, 100]] },
  { d: lru({ maxEntries: 64, flags: 2 }), phases: [[0, 20], [1, 80], [0, 70]] },
];

const oracle = kernelOracle();
const taskset = which('taskset');

describe('LRU eviction agrees with the kernel', () => {
  it.skipIf(!oracle.ok || !taskset)(`surviving keys after runs pinned to CPUs (${oracle.reason || (taskset ? 'kernel available' : 'no taskset')})`, () => {
    const possible = readFileSync('/sys/devices/system/cpu/possible', 'utf8').trim();
    const m = /^0-(\d+)$/.exec(possible);
    const nrCpus = m ? Number(m[1]) + 1 : 1;
    const saved = PERCPU.nrCpus;
    PERCPU.nrCpus = nrCpus;
    const dir = mkdtempSync(join(tmpdir(), 'bpfplay-lru-'));
    const bt = bpftoolPath();
    const lines: string[] = [];
    try {
      writeFileSync(join(dir, 'pkt'), new Uint8Array(64));
      CASES.forEach(({ d, phases }, k) => {
        if (phases.some(([cpu]) => cpu >= nrCpus)) return;
        const repeat = phases.map(([, n]) => `${n}`).join('+');
        const p = program(d);
        const pin = `/sys/fs/bpf/bpfplay_lru_${process.pid}_${k}`;
        const mapDir = `/sys/fs/bpf/bpfplay_lru_maps_${process.pid}_${k}`;
        writeFileSync(join(dir, `p${k}.o`), writeElf(p, { section: 'xdp', license: 'GPL' }));
        try {
          execFileSync(bt, ['prog', 'load', join(dir, `p${k}.o`), pin, 'type', 'xdp', 'pinmaps', mapDir], { stdio: 'pipe' });
          for (const [cpu, n] of phases) execFileSync(taskset!, ['-c', String(cpu), bt, 'prog', 'run', 'pinned', pin, 'data_in', join(dir, 'pkt'), 'repeat', String(n)], { stdio: 'pipe' });
          type Row = { key: string[]; value?: string[]; values?: { cpu: number; value: string[] }[] };
          const rows = JSON.parse(execFileSync(bt, ['-j', 'map', 'dump', 'pinned', `${mapDir}/lru`], { stdio: 'pipe', maxBuffer: 64 << 20 }).toString()) as Row[];
          const hx = (a: string[]): string => a.map((x) => x.replace(/^0x/, '')).join('');
          const kernel = rows.map((r) => `${hx(r.key)}=${hx(r.value ?? r.values!.find((v) => v.cpu === 0)!.value)}`).sort();
          const maps = createMapSet(p.maps).maps!;
          for (const [cpu, n] of phases)
            for (let i = 0; i < n; i++) {
              const r = runTestRun(p, { type: 'xdp', dataIn: new Uint8Array(64) }, { maps, cpu });
              expect(r.diagnostics).toEqual([]);
            }
          const l = maps[1] as LruHashMap;
          const ours = l.entries().map((e) => `${bytesHex(e.key)}=${bytesHex(e.value.subarray(0, 8))}`).sort();
          lines.push(`${d.type} max_entries=${d.maxEntries} flags=${d.flags} x${repeat}: kernel keeps ${kernel.length}, bpfplay ${ours.length}, evicted ${l.evicted.length}`);
          expect(ours, `${d.type} ${d.maxEntries} flags=${d.flags}`).toEqual(kernel);
        } finally {
          rmSync(pin, { force: true });
          rmSync(mapDir, { recursive: true, force: true });
        }
      });
    } finally {
      PERCPU.nrCpus = saved;
      rmSync(dir, { recursive: true, force: true });
      console.log(`LRU kernel differential (${nrCpus} possible CPUs):\n${lines.join('\n')}`);
    }
  });
});
