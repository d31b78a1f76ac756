// BPF_MAP_TYPE_RINGBUF: map creation checks, record layout, reserve/submit/discard/output/query, the
// consumer's view (outputs and entries()), stepping back; and a kernel-differential check: the same
// programs under BPF_PROG_TEST_RUN (bpftool prog run, twice, so the ring persists between runs) give the
// same 32-bit return values, which fold every helper result and bpf_ringbuf_query value.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble } from '../asm';
import type { MapDef, Program } from '../isa/program';
import { writeElf } from '../elf/write';
import { bpftoolPath, kernelOracle, which } from '../testing/kernel';
import { createMaps, runTestRun } from '../progtypes/run';
import { verify } from '../verifier';
import { createVm } from '../vm';
import { BPF_RINGBUF_BUSY_BIT, BPF_RINGBUF_DISCARD_BIT, RingbufMap } from './ringbuf';
import { bytesHex, createMap } from './types';
import './index';

const def = (over: Partial<MapDef> = {}): MapDef => ({ name: 'rb', type: 'ringbuf', keySize: 0, valueSize: 0, maxEntries: 4096, flags: 0, ...over });

function asm(src: string): Program {
  const r = assemble(src, { syntax: 'llvm' });
  if (!r.program) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return { ...r.program, progType: 'xdp', license: 'GPL' };
}

let labelN = 0;
/** r6 = r6 * 33 + r0 after each call; the program returns r6. */
const FOLD = '\tr6 *= 33\n\tr6 += r0\n';
const HEAD = '.map rb ringbuf entries=4096\n\tr6 = 0\n';
const TAIL = '\tr0 = r6\n\texit\n';
const query = (f: number): string => `\tr1 = rb ll\n\tr2 = ${f}\n\tcall bpf_ringbuf_query\n${FOLD}`;
const queries = [0, 1, 2, 3, 4].map(query).join('');
/** Reserve `size` bytes, write a u64 pattern at its start when size >= 8, then submit/discard; folds 1/0. */
const reserve = (size: number, end: 'submit' | 'discard', flags = 0, rflags = 0, label = `L${++labelN}`): string =>
  `\tr1 = rb ll\n\tr2 = ${size}\n\tr3 = ${rflags}\n\tcall bpf_ringbuf_reserve\n\tr7 = 0\n\tif r0 == 0 goto ${label}\n` +
  (size >= 8 ? `\tr1 = 0x1122334455667788 ll\n\t*(u64 *)(r0 + 0) = r1\n` : '') +
  `\tr1 = r0\n\tr2 = ${flags}\n\tcall bpf_ringbuf_${end}\n\tr7 = 1\n${label}:\n\tr0 = r7\n${FOLD}`;
const output = (size: number, flags = 0): string =>
  `\tr1 = 0x0102030405060708 ll\n\t*(u64 *)(r10 - 8) = r1\n\t*(u64 *)(r10 - 16) = r1\n\t*(u64 *)(r10 - 24) = r1\n\t*(u64 *)(r10 - 32) = r1\n` +
  `\tr1 = rb ll\n\tr2 = r10\n\tr2 += -32\n\tr3 = ${size}\n\tr4 = ${flags}\n\tcall bpf_ringbuf_output\n${FOLD}`;

const SCENARIOS: [string, string][] = [
  ['reserve, submit, output and query', HEAD + reserve(16, 'submit') + output(20) + output(32, 2) + output(8, 1) + output(4, 4) + reserve(16, 'submit', 0, 1) + queries + TAIL],
  ['discard and odd sizes', HEAD + reserve(1, 'discard') + reserve(13, 'submit') + reserve(0, 'submit') + output(0) + queries + TAIL],
  ['filling the ring', HEAD + reserve(1000, 'submit') + reserve(1000, 'submit') + reserve(1000, 'discard') + reserve(1000, 'submit') + reserve(1000, 'submit') + reserve(4096, 'submit') + queries + TAIL],
  [
    'two records reserved at once, committed out of order',
    HEAD +
      '\tr1 = rb ll\n\tr2 = 24\n\tr3 = 0\n\tcall bpf_ringbuf_reserve\n\tif r0 == 0 goto a\n\tr7 = r0\n' +
      '\tr1 = rb ll\n\tr2 = 40\n\tr3 = 0\n\tcall bpf_ringbuf_reserve\n\tif r0 != 0 goto b\n\tr1 = r7\n\tr2 = 0\n\tcall bpf_ringbuf_discard\n\tgoto a\n' +
      'b:\n\tr8 = r0\n' + queries + '\tr1 = r8\n\tr2 = 0\n\tcall bpf_ringbuf_submit\n' + queries + '\tr1 = r7\n\tr2 = 0\n\tcall bpf_ringbuf_submit\n' + queries +
      'a:\n' + TAIL,
  ],
];

describe('ringbuf map', () => {
  it('creation follows ringbuf_map_alloc', () => {
    expect('severity' in createMap(def())).toBe(false);
    expect('severity' in createMap(def({ maxEntries: 1 << 16 }))).toBe(false);
    for (const bad of [def({ maxEntries: 4095 }), def({ maxEntries: 12288 }), def({ maxEntries: 2048 }), def({ keySize: 4 }), def({ valueSize: 8 }), def({ flags: 1 }), def({ maxEntries: 1 << 26 })]) {
      const m = createMap(bad);
      expect('severity' in m && m.message).toMatch(/ringbuf map 'rb'.*(-EINVAL|-E2BIG)/);
    }
    expect(createMap(def({ initial: [{ key: '', value: '' }] }))).toMatchObject({ severity: 'error' });
  });

  it('record headers, rounding, the full-ring rule and wrap-around', () => {
    const m = createMap(def()) as RingbufMap;
    const dv = new DataView(m.valueArea.buffer);
    const a = m.reserve(5)!;
    expect(a).toBe(8);
    expect(dv.getUint32(0, true)).toBe((5 | BPF_RINGBUF_BUSY_BIT) >>> 0);
    expect(dv.getUint32(4, true)).toBe(3); // pg_off: data starts 3 pages into struct bpf_ringbuf
    expect(m.query(3n)).toBe(16n);
    expect(m.commit(a, 0, true)).toEqual([]);
    expect(dv.getUint32(0, true)).toBe((5 | BPF_RINGBUF_DISCARD_BIT) >>> 0);
    // At most size - 1 bytes past the consumer: 4096 - 16 - 8 = 4072 bytes fit, not one more record.
    expect(m.reserve(4088 - 16 + 1)).toBeNull();
    const b = m.reserve(4072 - 8)!;
    expect(b).toBe(24);
    expect(m.reserve(0)).toBeNull();
    m.valueArea.fill(0xab, b, b + 4064);
    expect(m.commit(b, 0, false).map((r) => r.len)).toEqual([4064]);
    expect(m.consume().length).toBe(1);
    expect(m.query(0n)).toBe(0n);
    // The next record starts at offset 4088 and crosses the end: contiguous through the second mapping.
    const c = m.reserve(16)!;
    expect(c).toBe(4096);
    expect(dv.getUint32(4096 - 8, true) & ~BPF_RINGBUF_BUSY_BIT).toBe(16);
    m.valueArea.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], c);
    const recs = m.commit(c, 0, false);
    expect([...recs[0]!.data]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    expect([...m.valueArea.subarray(0, 16)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    expect(m.entries().map((e) => [...e.key])).toEqual([[0, 0, 0, 0, 0, 0, 0x0f, 0xf8]]);
  });

  it('outputs appear in ring order, when every earlier record is committed; entries() lists them', () => {
    const p = asm(SCENARIOS[3]![1]);
    const r = runTestRun(p, { type: 'xdp', dataIn: new Uint8Array(64) });
    expect(r.diagnostics).toEqual([]);
    expect(r.run!.outputs.map((o) => (o.kind === 'ringbuf' ? o.data.length : -1))).toEqual([24, 40]);
    const rb = r.run!.maps[0] as RingbufMap;
    expect(rb.entries().map((e) => e.value.length)).toEqual([24, 40]);
    expect(rb.records().map((x) => x.pos)).toEqual([0, 32]);
  });

  it('every scenario passes bpfplay\'s verifier and runs without a fault', () => {
    for (const [name, src] of SCENARIOS) {
      const p = asm(src);
      const v = verify(p, { progType: 'xdp' });
      expect(v.error, name).toBeNull();
      const r = runTestRun(p, { type: 'xdp', dataIn: new Uint8Array(64) });
      expect(r.diagnostics, name).toEqual([]);
    }
  });

  it('a fault instead of a double submit or a stray pointer', () => {
    const p = asm(HEAD + '\tr1 = rb ll\n\tr2 = 8\n\tr3 = 0\n\tcall bpf_ringbuf_reserve\n\tif r0 == 0 goto out\n\tr6 = r0\n\tr1 = r6\n\tr2 = 0\n\tcall bpf_ringbuf_submit\n\tr1 = r6\n\tr2 = 0\n\tcall bpf_ringbuf_submit\nout:\n' + TAIL);
    const r = runTestRun(p, { type: 'xdp', dataIn: new Uint8Array(64) });
    expect(r.diagnostics[0]?.message).toMatch(/not a reserved record/);
  });

  it('stepping back undoes reserve, writes and submit', () => {
    const p = asm(SCENARIOS[0]![1]);
    const { vm } = createVm({ program: p, regions: [] });
    const rb = vm!.maps[0] as RingbufMap;
    vm!.run();
    const end = { prod: rb.producerPos, out: vm!.result().outputs.length, r0: vm!.result().r0 };
    expect(end.prod).toBeGreaterThan(0);
    vm!.seek(0);
    expect(rb.producerPos).toBe(0);
    expect(rb.valueArea.every((b) => b === 0)).toBe(true);
    vm!.run();
    expect({ prod: rb.producerPos, out: vm!.result().outputs.length, r0: vm!.result().r0 }).toEqual(end);
  });
});

const oracle = kernelOracle();

describe('ringbuf agrees with the kernel (BPF_PROG_TEST_RUN)', () => {
  it.skipIf(!oracle.ok)(`retvals of two consecutive runs (${oracle.reason || 'kernel available'})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'bpfplay-ringbuf-'));
    const bt = bpftoolPath();
    writeFileSync(join(dir, 'pkt'), new Uint8Array(64));
    const lines: string[] = [];
    try {
      SCENARIOS.forEach(([name, src], k) => {
        const p = asm(src);
        const obj = join(dir, `p${k}.o`);
        const pin = `/sys/fs/bpf/bpfplay_ringbuf_${process.pid}_${k}`;
        writeFileSync(obj, writeElf(p, { section: 'xdp', license: 'GPL' }));
        try {
          execFileSync(bt, ['prog', 'load', obj, pin, 'type', 'xdp'], { stdio: 'pipe' });
          const maps = createMaps(p).maps!;
          for (let run = 0; run < 2; run++) {
            const kernel = (JSON.parse(execFileSync(bt, ['-j', 'prog', 'run', 'pinned', pin, 'data_in', join(dir, 'pkt')], { stdio: 'pipe' }).toString()) as { retval: number }).retval >>> 0;
            const ours = runTestRun(p, { type: 'xdp', dataIn: new Uint8Array(64) }, { maps });
            expect(ours.diagnostics, name).toEqual([]);
            expect(ours.output!.retval, `${name}, run ${run + 1}`).toBe(kernel);
            lines.push(`${name} #${run + 1}: 0x${kernel.toString(16)}`);
          }
        } finally {
          rmSync(pin, { force: true });
        }
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    console.log(`ringbuf scenarios, kernel retvals:\n${lines.join('\n')}`);
  });
  if (!oracle.ok) it('explains the skip', () => expect(oracle.reason).not.toBe(''));
});

// A user-space consumer in the kernel test: BPF_OBJ_GET the pinned ring, mmap its consumer page (read-write)
// and its producer page + data (read-only); `consume` moves consumer_pos to producer_pos, `dump` prints the
// positions and the data area's bytes (hex), so bpfplay's ring (headers with BUSY/DISCARD bits and pg_off,
// samples, stale bytes, wrap-around) can be compared byte for byte.
const RING_PY = `import ctypes, struct, sys, os, mmap
libc = ctypes.CDLL(None, use_errno=True)
p = ctypes.create_string_buffer(sys.argv[1].encode() + b'\\0')
fd = libc.syscall(321, 7, ctypes.create_string_buffer(struct.pack('<QII', ctypes.addressof(p), 0, 0), 160), 160)
if fd < 0: raise OSError(ctypes.get_errno(), 'BPF_OBJ_GET')
size = int(sys.argv[3])
cons = mmap.mmap(fd, 4096, flags=mmap.MAP_SHARED, prot=mmap.PROT_READ | mmap.PROT_WRITE, offset=0)
data = mmap.mmap(fd, 4096 + 2 * size, flags=mmap.MAP_SHARED, prot=mmap.PROT_READ, offset=4096)
prod = struct.unpack_from('<Q', data, 0)[0]
if sys.argv[2] == 'consume':
    struct.pack_into('<Q', cons, 0, prod)
    print(prod)
else:
    print(struct.unpack_from('<Q', cons, 0)[0], prod, data[4096:4096 + size].hex())
`;

describe('ringbuf with a consumer agrees with the kernel byte for byte', () => {
  const py = which('python3');
  it.skipIf(!oracle.ok || !py || process.arch !== 'x64')(`records, headers, wrap-around and positions (${oracle.reason || 'kernel available'})`, () => {
    // Each run: c = counter++; output(8 + (c * 13 & 127) bytes); reserve 24 and submit (discard when c % 3 == 0);
    // fold the results and the query values into r0.
    const src = `.map rb ringbuf entries=4096
.map cnt array key=4 value=8 entries=1
	r6 = 0
	*(u32 *)(r10 - 4) = 0
	r1 = cnt ll
	r2 = r10
	r2 += -4
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r7 = *(u64 *)(r0 + 0)
	r1 = r7
	r1 += 1
	*(u64 *)(r0 + 0) = r1
	r1 = 0x1122334455667788 ll
	r1 += r7
${[...Array(26).keys()].map((i) => `	*(u64 *)(r10 - ${8 * (i + 2)}) = r1\n`).join('')}	r3 = r7
	r3 *= 13
	r3 &= 127
	r3 += 8
	r1 = rb ll
	r2 = r10
	r2 += -216
	r4 = 0
	call bpf_ringbuf_output
${FOLD}	r1 = rb ll
	r2 = 24
	r3 = 0
	call bpf_ringbuf_reserve
	if r0 == 0 goto skip
	*(u64 *)(r0 + 0) = r7
	*(u64 *)(r0 + 16) = r7
	r8 = r0
	r1 = r7
	r1 %= 3
	if r1 == 0 goto drop
	r1 = r8
	r2 = 0
	call bpf_ringbuf_submit
	goto skip
drop:
	r1 = r8
	r2 = 0
	call bpf_ringbuf_discard
skip:
${[0, 2, 3].map(query).join('')}out:
${TAIL}`;
    const p = asm(src);
    expect(verify(p, { progType: 'xdp' }).error).toBeNull();
    const dir = mkdtempSync(join(tmpdir(), 'bpfplay-ringc-'));
    const pin = `/sys/fs/bpf/bpfplay_ringc_${process.pid}`;
    const mapDir = `/sys/fs/bpf/bpfplay_ringc_maps_${process.pid}`;
    const bt = bpftoolPath();
    const phases: (number | 'consume')[] = [10, 'consume', 25, 'consume', 30, 5, 'consume', 40];
    try {
      writeFileSync(join(dir, 'p.o'), writeElf(p, { section: 'xdp', license: 'GPL' }));
      writeFileSync(join(dir, 'ring.py'), RING_PY);
      writeFileSync(join(dir, 'pkt'), new Uint8Array(64));
      execFileSync(bt, ['prog', 'load', join(dir, 'p.o'), pin, 'type', 'xdp', 'pinmaps', mapDir], { stdio: 'pipe' });
      const maps = createMaps(p).maps!;
      const rb = maps[0] as RingbufMap;
      const ring = (cmd: string): string => execFileSync(py!, [join(dir, 'ring.py'), `${mapDir}/rb`, cmd, '4096'], { stdio: 'pipe' }).toString().trim();
      let runs = 0;
      for (const ph of phases) {
        if (ph === 'consume') {
          const prod = Number(ring('consume'));
          expect(prod).toBe(rb.producerPos);
          rb.consume();
          expect(rb.consumerPos).toBe(prod);
          continue;
        }
        // `repeat` runs the program ph times in one BPF_PROG_TEST_RUN and reports the last run's retval.
        const k = (JSON.parse(execFileSync(bt, ['-j', 'prog', 'run', 'pinned', pin, 'data_in', join(dir, 'pkt'), 'repeat', String(ph)], { stdio: 'pipe' }).toString()) as { retval: number }).retval >>> 0;
        let last = -1;
        for (let i = 0; i < ph; i++, runs++) {
          const ours = runTestRun(p, { type: 'xdp', dataIn: new Uint8Array(64) }, { maps });
          expect(ours.diagnostics).toEqual([]);
          last = ours.output!.retval;
        }
        expect(last, `last of ${runs} runs`).toBe(k);
        const [cons, prod, hex] = ring('dump').split(' ');
        expect([Number(cons), Number(prod)]).toEqual([rb.consumerPos, rb.producerPos]);
        expect(bytesHex(rb.valueArea.subarray(0, 4096)), `data area after ${runs} runs`).toBe(hex);
      }
      expect(rb.producerPos).toBeGreaterThan(2 * 4096); // wrapped around at least twice
      console.log(`ringbuf with a consumer: ${runs} runs, producer at ${rb.producerPos}, data area identical`);
    } finally {
      rmSync(pin, { force: true });
      rmSync(mapDir, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
