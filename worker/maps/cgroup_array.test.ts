// cgroup_array with bpf_skb_under_cgroup / bpf_current_task_under_cgroup: path membership, slots by path,
// errors; and a kernel-differential test: a tc program asks bpf_skb_under_cgroup about slot 0 (this
// process's own cgroup v2 cgroup), slot 1 (a fresh child cgroup the process is not in), slot 2 (empty) and
// slot 3 (past the end) under BPF_PROG_TEST_RUN, with the slots filled through the bpf() syscall
// (python ctypes: bpftool cannot store cgroup fds); bpfplay, given the same paths, returns the same value.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble } from '../asm';
import { writeElf } from '../elf/write';
import type { Program } from '../isa/program';
import { runTestRun } from '../progtypes/run';
import { bpftoolPath, kernelOracle, which } from '../testing/kernel';
import { CTX_BASE, STACK_TOP, createVm, runFast } from '../vm';
import { CGROUP, CgroupArrayMap, cgroupId, cgroupUnder } from './cgroup_array';
import { bytesHex, createMap, createMapSet } from './types';
import './index';

/** r0 = the four results (low byte each) of skb_under_cgroup(skb, &cgs, i) for i = 0..3. */
const SKB_SRC = `.map cgs cgroup_array key=4 value=4 entries=3
	r6 = r1
	r7 = 0
${[0, 1, 2, 3].map((i) => `	r1 = r6
	r2 = cgs ll
	r3 = ${i}
	call bpf_skb_under_cgroup
	r0 &= 0xff
	r0 <<= ${8 * i}
	r7 |= r0
`).join('')}	r0 = r7
	exit
`;

function prog(src: string, type: string): Program {
  const r = assemble(src, { syntax: 'llvm' });
  if (!r.program) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return { ...r.program, progType: type, license: 'GPL' };
}

describe('cgroup_array', () => {
  it('membership by path', () => {
    expect(cgroupUnder('/a/b', '/a')).toBe(true);
    expect(cgroupUnder('/a', '/a')).toBe(true);
    expect(cgroupUnder('/ab', '/a')).toBe(false);
    expect(cgroupUnder('/', '/a')).toBe(false);
    expect(cgroupUnder('/x', '/')).toBe(true);
    expect(cgroupId('/')).toBe(1);
    expect(cgroupId('/a//b/')).toBe(cgroupId('/a/b'));
  });

  it('slots: initial contents by path, fd-array errors, dump', () => {
    const set = createMapSet([{ name: 'cgs', type: 'cgroup_array', keySize: 4, valueSize: 4, maxEntries: 2, flags: 0, initial: [{ key: '01000000', value: '/system.slice' }] }]);
    expect(set.diagnostics).toEqual([]);
    const m = set.maps![0] as CgroupArrayMap;
    expect(m.paths()).toEqual([{ index: 1, path: '/system.slice' }]);
    expect(m.entries().map((e) => [bytesHex(e.key), bytesHex(e.value)])).toEqual([['01000000', bytesHex(Uint8Array.of(...new Uint8Array(new Uint32Array([cgroupId('/system.slice')]).buffer)))]]);
    const k0 = Uint8Array.of(0, 0, 0, 0);
    expect(m.update(k0, Uint8Array.of(1, 0, 0, 0), 1)).toBe(-22);
    expect(m.update(k0, Uint8Array.of(9, 9, 9, 9), 0)).toBe(-9); // no such cgroup
    expect(m.update(k0, Uint8Array.of(1, 0, 0, 0), 0)).toBe(0); // the root, by id
    expect(m.update(Uint8Array.of(2, 0, 0, 0), Uint8Array.of(1, 0, 0, 0), 0)).toBe(-7);
    expect(m.delete(Uint8Array.of(2, 0, 0, 0))).toBe(-7);
    expect(m.delete(k0)).toBe(0);
    expect(m.delete(k0)).toBe(-2);
    const snap = m.snapshot();
    expect(m.delete(Uint8Array.of(1, 0, 0, 0))).toBe(0);
    m.restore(snap);
    expect(m.cgroupAt(1)).toBe('/system.slice');
    for (const bad of [{ keySize: 8 }, { valueSize: 8 }, { maxEntries: 0 }])
      expect(createMap({ name: 'c', type: 'cgroup_array', keySize: 4, valueSize: 4, maxEntries: 2, flags: 0, ...bad })).toMatchObject({ severity: 'error' });
  });

  it('bpf_current_task_under_cgroup follows the event\'s cgroup', () => {
    const p = prog(`.map cgs cgroup_array key=4 value=4 entries=2
	r1 = cgs ll
	r2 = 0
	call bpf_current_task_under_cgroup
	r6 = r0
	r1 = cgs ll
	r2 = 1
	call bpf_current_task_under_cgroup
	r0 <<= 8
	r0 |= r6
	exit
`, 'kprobe');
    const run = (cgroup: string | undefined, slots: Record<string, string>): number => {
      const maps = createMapSet(p.maps.map((m) => ({ ...m, initial: Object.entries(slots).map(([key, value]) => ({ key, value })) }))).maps!;
      const r = runFast({ program: p, maps, ctx: cgroup ? { cgroup } : {}, ctxRegion: 'ctx', regions: [{ name: 'ctx', kind: 'ctx', base: CTX_BASE, bytes: new Uint8Array(168) }] });
      expect(r.fault).toBeNull();
      return Number(BigInt.asUintN(16, r.r0));
    };
    expect(run('/system.slice/sshd.service', { '00000000': '/system.slice', '01000000': '/user.slice' })).toBe(0x0001);
    expect(run(undefined, { '00000000': '/system.slice', '01000000': '/' })).toBe(0x0100);
    expect(run('/x', { '00000000': '/x' })).toBe(0xf501); // slot 1 empty: -EAGAIN
  });

  it('bpf_get_current_cgroup_id and bpf_get_current_ancestor_cgroup_id', () => {
    const p = prog(`	call bpf_get_current_cgroup_id
	r6 = r0
	r1 = 1
	call bpf_get_current_ancestor_cgroup_id
	r7 = r0
	r1 = 0
	call bpf_get_current_ancestor_cgroup_id
	r8 = r0
	r1 = 3
	call bpf_get_current_ancestor_cgroup_id
	*(u64 *)(r10 - 8) = r6
	*(u64 *)(r10 - 16) = r7
	*(u64 *)(r10 - 24) = r8
	*(u64 *)(r10 - 32) = r0
	r0 = 0
	exit
`, 'kprobe');
    const { vm } = createVm({ program: p, maps: [], ctx: { cgroup: '/system.slice/sshd.service' }, ctxRegion: 'ctx', regions: [{ name: 'ctx', kind: 'ctx', base: CTX_BASE, bytes: new Uint8Array(168) }] });
    vm!.run();
    expect(vm!.result().fault).toBeNull();
    const at = (off: number) => vm!.memory.readBytes(STACK_TOP - BigInt(off), 8) as Uint8Array;
    const u64 = (b: Uint8Array) => new DataView(b.buffer).getBigUint64(0, true);
    expect(u64(at(8))).toBe(BigInt(cgroupId('/system.slice/sshd.service')));
    expect(u64(at(16))).toBe(BigInt(cgroupId('/system.slice')));
    expect(u64(at(24))).toBe(1n);
    expect(u64(at(32))).toBe(0n);
  });
});

const oracle = kernelOracle();
const py = which('python3');
/** The cgroup v2 mount point, if any. */
const cg2 = (() => {
  try {
    return readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')).find((f) => f[2] === 'cgroup2')?.[1] ?? null;
  } catch {
    return null;
  }
})();

const UPDATE_PY = `import ctypes, struct, sys, os
libc = ctypes.CDLL(None, use_errno=True)
def bpf(cmd, attr):
    buf = ctypes.create_string_buffer(attr, 160)
    r = libc.syscall(321, cmd, buf, 160)
    if r < 0: raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    return r
p = ctypes.create_string_buffer(sys.argv[1].encode() + b'\\0')
mfd = bpf(7, struct.pack('<QII', ctypes.addressof(p), 0, 0))
for i, path in enumerate(sys.argv[2:]):
    cfd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    k = ctypes.create_string_buffer(struct.pack('<I', i)); v = ctypes.create_string_buffer(struct.pack('<I', cfd))
    bpf(2, struct.pack('<IIQQQ', mfd, 0, ctypes.addressof(k), ctypes.addressof(v), 0))
`;

describe('bpf_skb_under_cgroup agrees with the kernel', () => {
  it.skipIf(!oracle.ok || !py || !cg2 || process.arch !== 'x64')(`own cgroup, a child cgroup, an empty slot, past the end (${oracle.reason || (cg2 ? 'kernel available' : 'no cgroup2 mount')})`, () => {
    const own = (readFileSync('/proc/self/cgroup', 'utf8').split('\n').find((l) => l.startsWith('0::')) ?? '0::/').slice(3).trim() || '/';
    const child = `${own === '/' ? '' : own}/bpfplay-cg-${process.pid}`;
    const dir = mkdtempSync(join(tmpdir(), 'bpfplay-cg-'));
    const pin = `/sys/fs/bpf/bpfplay_cg_${process.pid}`;
    const mapDir = `/sys/fs/bpf/bpfplay_cg_maps_${process.pid}`;
    const bt = bpftoolPath();
    const p = prog(SKB_SRC, 'sched_cls');
    try {
      mkdirSync(join(cg2!, child));
      writeFileSync(join(dir, 'p.o'), writeElf(p, { section: 'tc', license: 'GPL' }));
      writeFileSync(join(dir, 'upd.py'), UPDATE_PY);
      writeFileSync(join(dir, 'pkt'), new Uint8Array(64));
      execFileSync(bt, ['prog', 'load', join(dir, 'p.o'), pin, 'type', 'classifier', 'pinmaps', mapDir], { stdio: 'pipe' });
      const kernelRun = (): number => (JSON.parse(execFileSync(bt, ['-j', 'prog', 'run', 'pinned', pin, 'data_in', join(dir, 'pkt')], { stdio: 'pipe' }).toString()) as { retval: number }).retval >>> 0;
      const empty = kernelRun();
      execFileSync(py!, [join(dir, 'upd.py'), `${mapDir}/cgs`, join(cg2!, own), join(cg2!, child)], { stdio: 'pipe' });
      const filled = kernelRun();
      const ours = (slots: { key: string; value: string }[]): number => {
        const maps = createMapSet(p.maps.map((m) => ({ ...m, initial: slots }))).maps!;
        const r = runTestRun(p, { type: 'sched_cls', dataIn: new Uint8Array(64) }, { maps });
        expect(r.diagnostics).toEqual([]);
        return r.output!.retval;
      };
      expect(ours([])).toBe(empty);
      CGROUP.defaultPath = own;
      try {
        expect(ours([{ key: '00000000', value: own }, { key: '01000000', value: child }])).toBe(filled);
      } finally {
        CGROUP.defaultPath = '/';
      }
      expect(filled & 0xffff).toBe(0x0001);
      console.log(`skb_under_cgroup, kernel: empty map 0x${empty.toString(16)}, [own ${own}, child] 0x${filled.toString(16)}`);
    } finally {
      rmSync(pin, { force: true });
      rmSync(mapDir, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
      if (existsSync(join(cg2!, child))) rmdirSync(join(cg2!, child));
    }
  });
});
