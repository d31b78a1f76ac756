// Map creation and syscall-level operations of the map types in ringbuf.ts, stack_trace.ts, cgroup_array.ts,
// lru_hash.ts and map_in_map.ts against the kernel (BPF_MAP_CREATE and friends through
// worker/progtypes/kernel-probe/probe.c): the same definitions are accepted or refused with the same errno,
// and the same update/lookup/delete/get_next_key sequences give the same results.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MapDef } from '../isa/program';
import { kernelOracle, which } from '../testing/kernel';
import { createMap, type MapImpl } from './types';
import './index';

const cc = which('clang-19') ?? which('gcc');
const oracle = kernelOracle();
let bin: string | null = null;
function probe(lines: string[]): string[] {
  if (!bin) {
    bin = join(mkdtempSync(join(tmpdir(), 'bpfplay-mapdefs-')), 'probe');
    execFileSync(cc!, ['-O1', '-o', bin, join(__dirname, '../progtypes/kernel-probe/probe.c')]);
  }
  return spawnSync(bin, { input: lines.join('\n') + '\n', encoding: 'utf8' }).stdout.trim().split('\n');
}

const TYPE_IDS: Record<string, number> = { stack_trace: 7, cgroup_array: 8, lru_hash: 9, lru_percpu_hash: 10, array_of_maps: 12, hash_of_maps: 13, ringbuf: 27 };
const ERRNO: Record<string, number> = { EINVAL: 22, E2BIG: 7, ENOTSUPP: 524, EBADF: 9, ENOMEM: 12 };
const def = (type: string, keySize: number, valueSize: number, maxEntries: number, flags = 0): MapDef => ({ name: 'm', type, keySize, valueSize, maxEntries, flags });

/** "ok" or "err <errno>" for bpfplay's createMap, the errno taken from the diagnostic's "(-EXXX)". */
function ours(d: MapDef): string {
  const m = createMap(d);
  if (!('severity' in m)) return 'ok';
  const e = /-E([A-Z0-9]+)/.exec(m.message);
  return `err ${e ? ERRNO[`E${e[1]}`] ?? e[1] : '?'}`;
}

const DEFS: MapDef[] = [
  def('ringbuf', 0, 0, 4096), def('ringbuf', 0, 0, 8192), def('ringbuf', 0, 0, 1 << 16), def('ringbuf', 0, 0, 4095), def('ringbuf', 0, 0, 2048),
  def('ringbuf', 0, 0, 12288), def('ringbuf', 0, 0, 0), def('ringbuf', 4, 0, 4096), def('ringbuf', 0, 8, 4096), def('ringbuf', 0, 0, 4096, 1),
  def('ringbuf', 0, 0, 4096, 4),
  def('stack_trace', 4, 8, 1), def('stack_trace', 4, 160, 64), def('stack_trace', 4, 8 * 127, 1), def('stack_trace', 4, 8 * 128, 1),
  def('stack_trace', 8, 8, 1), def('stack_trace', 4, 12, 1), def('stack_trace', 4, 4, 1), def('stack_trace', 4, 8, 0),
  def('stack_trace', 4, 32, 1, 32), def('stack_trace', 4, 48, 1, 32), def('stack_trace', 4, 8, 1, 1),
  def('cgroup_array', 4, 4, 1), def('cgroup_array', 4, 8, 1), def('cgroup_array', 8, 4, 1), def('cgroup_array', 4, 4, 0),
  def('lru_hash', 4, 8, 4), def('lru_hash', 4, 8, 4, 1), def('lru_hash', 4, 8, 4, 2), def('lru_hash', 0, 8, 4), def('lru_hash', 4, 0, 4),
  def('lru_percpu_hash', 4, 8, 4), def('lru_percpu_hash', 4, 8, 4, 2), def('lru_percpu_hash', 4, 8, 4, 1),
];

/** bpfplay's answer to one probe op (u:key:value:flags, l:key, d:key, n:key|-). */
function apply(m: MapImpl, op: string): string {
  const [kind, a, b, c] = op.split(':');
  const hex = (s: string | undefined) => Uint8Array.from(Buffer.from(s ?? '', 'hex'));
  const rc = (n: number): string => String(-n);
  switch (kind) {
    case 'u': return rc(m.update(hex(a), hex(b), Number(c)));
    case 'd': return rc(m.delete(hex(a)));
    case 'l': { const v = m.lookup(hex(a)); return v ? `0:${Buffer.from(v.bytes).toString('hex')}` : '2'; }
    default: { const k = m.getNextKey(a === '-' ? null : hex(a)); return k ? `0:${Buffer.from(k).toString('hex')}` : '2'; }
  }
}

const OPS: [MapDef, string[]][] = [
  [def('stack_trace', 4, 16, 64), ['u:00000000:00000000000000000000000000000000:0', 'l:00000000', 'd:00000000', 'd:40000000', 'd:3f000000', 'n:-', 'n:05000000']],
  [def('cgroup_array', 4, 4, 2), ['u:00000000:00000000:0', 'u:02000000:00000000:0', 'u:00000000:00000000:1', 'd:00000000', 'd:02000000', 'n:-', 'n:00000000', 'n:01000000', 'n:07000000']],
  [def('lru_hash', 4, 4, 3), ['u:01000000:0a000000:0', 'u:02000000:0b000000:1', 'u:02000000:0c000000:1', 'u:03000000:0d000000:2', 'u:04000000:0e000000:4', 'l:01000000', 'd:02000000', 'd:02000000', 'l:02000000']],
];

describe.skipIf(!oracle.ok || !cc)(`map definitions and syscall operations agree with the kernel ${oracle.reason}`, () => {
  it('creation: accepted or refused with the same errno', () => {
    const out = probe(DEFS.map((d) => `M ${TYPE_IDS[d.type]} ${d.keySize} ${d.valueSize} ${d.maxEntries} ${d.flags}`));
    const kernel = out.map((l) => (l.startsWith('ok') ? 'ok' : `err ${l.split(' ')[1]}`));
    expect(DEFS.map((d) => `${d.type} ${d.keySize}/${d.valueSize}/${d.maxEntries}/${d.flags}: ${ours(d)}`)).toEqual(DEFS.map((d, i) => `${d.type} ${d.keySize}/${d.valueSize}/${d.maxEntries}/${d.flags}: ${kernel[i]}`));
  });
  it('map-in-map without an inner map fd is refused', () => {
    // The probe passes inner_map_fd 0 (its stdin, not a map: __bpf_map_get gives -EINVAL); bpfplay without an
    // inner template: the same.
    const out = probe([def('array_of_maps', 4, 4, 2), def('hash_of_maps', 4, 4, 2)].map((d) => `M ${TYPE_IDS[d.type]} 4 4 2 0`));
    expect(out.map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual(['err 22', 'err 22']);
    expect([ours(def('array_of_maps', 4, 4, 2)), ours(def('hash_of_maps', 4, 4, 2))]).toEqual(['err 22', 'err 22']);
  });
  it('operations', () => {
    const out = probe(OPS.map(([d, ops]) => `M ${TYPE_IDS[d.type]} ${d.keySize} ${d.valueSize} ${d.maxEntries} ${d.flags} ${ops.join(' ')}`));
    OPS.forEach(([d, ops], i) => {
      const m = createMap(d) as MapImpl;
      expect(['ok', ...ops.map((o) => apply(m, o))].join(' '), `${d.type}: ${ops.join(' ')}`).toBe(out[i]);
    });
  });
});
