// stack_trace maps, bpf_get_stackid and bpf_get_stack: creation checks, ids and flags over the simulated
// stacks of kprobe events, user-space lookups/deletes; and a kernel check of the id function: a raw
// tracepoint program calls bpf_get_stackid (plain and with skip 3) under BPF_PROG_TEST_RUN (driven by a
// few lines of python's ctypes, since bpftool cannot test-run raw_tp programs), and bpfplay's
// __bpf_get_stackid (jhash2, buckets, skip) must give the kernel's ids for the stack the kernel stored.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble } from '../asm';
import { buildPtRegs } from '../events/kprobe';
import type { MapDef, Program } from '../isa/program';
import { bpftoolPath, kernelOracle, which } from '../testing/kernel';
import { CTX_BASE, runFast } from '../vm';
import { BPF_F_FAST_STACK_CMP, BPF_F_REUSE_STACKID, BPF_F_USER_STACK, StackTraceMap, jhash2 } from './stack_trace';
import { bytesHex, createMap, createMapSet, type MapImpl } from './types';
import './index';

const def = (over: Partial<MapDef> = {}): MapDef => ({ name: 'stacks', type: 'stack_trace', keySize: 4, valueSize: 8 * 16, maxEntries: 64, flags: 0, ...over });

/** return bpf_get_stackid(ctx, &stacks, FLAGS) */
function stackidProg(flags: number, d = def()): Program {
  const r = assemble(`.map stacks stack_trace key=4 value=${d.valueSize} entries=${d.maxEntries} flags=${d.flags}
	r1 = r1
	r2 = stacks ll
	r3 = ${flags}
	call bpf_get_stackid
	exit
`, { syntax: 'llvm' });
  if (!r.program) throw new Error(r.diagnostics.map((x) => x.message).join('\n'));
  return { ...r.program, progType: 'kprobe' };
}

function hit(p: Program, maps: MapImpl[], fn: string, ctxExtra: unknown = {}): bigint {
  const r = runFast({ program: p, maps, ctx: ctxExtra, ctxRegion: 'ctx', regions: [{ name: 'ctx', kind: 'ctx', base: CTX_BASE, bytes: buildPtRegs({ function: fn }), readable: true, writable: false }] });
  expect(r.fault).toBeNull();
  return BigInt.asIntN(64, r.r0);
}

describe('stack_trace map and bpf_get_stackid / bpf_get_stack', () => {
  it('creation checks (stack_map_alloc)', () => {
    expect(createMap(def())).toBeInstanceOf(StackTraceMap);
    for (const bad of [def({ keySize: 8 }), def({ valueSize: 12 }), def({ valueSize: 4 }), def({ valueSize: 8 * 128 }), def({ maxEntries: 0 }), def({ flags: 1 }), def({ flags: 32, valueSize: 48 })])
      expect((createMap(bad) as { message: string }).message).toMatch(/stack_trace map 'stacks'.*-EINVAL/);
    expect(createMap(def({ flags: 32, valueSize: 64 }))).toBeInstanceOf(StackTraceMap);
  });

  it('the same function gives the same id; the stored stack starts at the probed ip', () => {
    const p = stackidProg(0);
    const maps = createMapSet(p.maps).maps!;
    const a = hit(p, maps, 'vfs_read');
    expect(a).toBeGreaterThanOrEqual(0n);
    expect(hit(p, maps, 'vfs_read')).toBe(a);
    const b = hit(p, maps, 'tcp_retransmit_skb');
    expect(b).toBeGreaterThanOrEqual(0n);
    expect(b).not.toBe(a);
    const v = maps[0]!.lookup(Uint8Array.of(Number(a), 0, 0, 0))!.bytes;
    const regs = new DataView(buildPtRegs({ function: 'vfs_read' }).buffer);
    expect(new DataView(v.buffer).getBigUint64(0, true)).toBe(regs.getBigUint64(128, true));
    const frames = [...Array(16).keys()].map((i) => new DataView(v.buffer).getBigUint64(i * 8, true)).filter((x) => x !== 0n);
    expect(frames.length).toBeGreaterThanOrEqual(5);
    expect(frames.every((f) => f >= 0xffffffff80000000n)).toBe(true);
    // an event can bring its own stack
    const own = hit(p, maps, 'x', { stack: { kernel: [0xffffffff81234560n, 0xffffffff81000010n] } });
    expect(own).toBe(BigInt(jhash2(Uint32Array.of(0x81234560, 0xffffffff, 0x81000010, 0xffffffff)) & 63));
  });

  it('bucket collisions: -EEXIST, BPF_F_REUSE_STACKID, BPF_F_FAST_STACK_CMP, skip past the stack, bad flags', () => {
    const one = def({ maxEntries: 1 });
    // With every preallocated bucket in use, even BPF_F_REUSE_STACKID fails: it pops a free one first (-ENOMEM).
    for (const [flags, second] of [[0, -17n], [BPF_F_REUSE_STACKID, -12n]] as const) {
      const p = stackidProg(flags, one);
      const maps = createMapSet(p.maps).maps!;
      expect(hit(p, maps, 'vfs_read')).toBe(0n);
      expect(hit(p, maps, 'vfs_write')).toBe(second);
    }
    const two = createMap(def({ maxEntries: 2 })) as StackTraceMap;
    const first = two.getStackId([1n, 2n], 0);
    let k = 3n;
    while ((jhash2(Uint32Array.of(1, 0, Number(k), 0)) & 1) !== first) k++;
    expect(two.getStackId([1n, k], 0)).toBe(-17);
    expect(two.getStackId([1n, k], BPF_F_REUSE_STACKID)).toBe(first);
    expect(two.getStackId([1n, 2n], 0)).toBe(-17); // replaced
    const m = createMap(one) as StackTraceMap;
    expect(m.getStackId([1n, 2n], 0)).toBe(0);
    expect(m.getStackId([1n, 3n], BPF_F_FAST_STACK_CMP)).toBe(-17); // different hash
    expect(m.getStackId([1n, 2n], 2)).toBe(-14); // skip >= nr: -EFAULT
    const p = stackidProg(1 << 12);
    expect(hit(p, createMapSet(p.maps).maps!, 'vfs_read')).toBe(-22n);
    // user-space side
    expect(m.update()).toBe(-22);
    expect(m.getNextKey(null)).toEqual(Uint8Array.of(0, 0, 0, 0));
    expect(m.delete(Uint8Array.of(0, 0, 0, 0))).toBe(0);
    expect(m.delete(Uint8Array.of(0, 0, 0, 0))).toBe(-2);
    expect(m.getNextKey(null)).toBeNull();
    // snapshot/restore (stepping back) brings buckets and the free count back
    const snap = two.snapshot();
    expect(two.delete(Uint8Array.of(first, 0, 0, 0))).toBe(0);
    two.restore(snap);
    expect(two.getStackId([1n, k], 0)).toBe(first);
    expect(two.entries().length).toBe(1);
  });

  it('bpf_get_stack fills a buffer, zero-pads it and returns the bytes copied; user stacks are user addresses', () => {
    const src = (size: number, flags: number) => `	r1 = r1
	r2 = r10
	r2 += -64
	r3 = ${size}
	r4 = ${flags}
	call bpf_get_stack
	r1 = *(u64 *)(r10 - 64)
	r2 = *(u64 *)(r10 - 8)
	r1 >>= 32
	r2 |= r1
	r0 <<= 32
	r0 |= r2
	exit
`;
    const run = (size: number, flags: number): bigint => {
      const p = { ...assemble(src(size, flags), { syntax: 'llvm' }).program!, progType: 'kprobe' };
      return hit(p, [], 'vfs_read');
    };
    const full = run(64, 0);
    expect(full >> 32n).toBeGreaterThan(0n); // bytes copied
    expect(Number(full >> 32n) % 8).toBe(0);
    expect(full & 0xffffffffn).not.toBe(0n);
    expect(run(60, 0) >> 32n).toBe(-22n); // size not a multiple of 8
    expect(run(64, 200) >> 32n).toBe(-14n); // skip past the stack
    const user = run(64, BPF_F_USER_STACK);
    expect(user >> 32n).toBeGreaterThan(0n);
  });
});

const oracle = kernelOracle();
const py = which('python3');
const clang = which('clang-19');

const SRC = `#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
struct { __uint(type, BPF_MAP_TYPE_STACK_TRACE); __uint(max_entries, 64); __uint(key_size, 4); __uint(value_size, 8 * 20); } stacks SEC(".maps");
SEC("raw_tp/sys_enter") int f(void *ctx) { long a = bpf_get_stackid(ctx, &stacks, 0); long b = bpf_get_stackid(ctx, &stacks, 3); return (a & 0xffff) | (b << 16); }
char _license[] SEC("license") = "GPL";
`;
// BPF_OBJ_GET the pin, then BPF_PROG_TEST_RUN with an 8-byte ctx_in (raw_tp programs take their args there).
const RUN_PY = `import ctypes, struct, sys, os
libc = ctypes.CDLL(None, use_errno=True)
def bpf(cmd, attr):
    buf = ctypes.create_string_buffer(attr, 160)
    if libc.syscall(321, cmd, buf, 160) < 0: raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    return buf.raw
p = ctypes.create_string_buffer(sys.argv[1].encode() + b'\\0')
fd = libc.syscall(321, 7, ctypes.create_string_buffer(struct.pack('<QII', ctypes.addressof(p), 0, 0), 160), 160)
ctx = ctypes.create_string_buffer(8)
out = bpf(10, struct.pack('<IIIIQQIIIIQQII', fd, 0, 0, 0, 0, 0, 0, 0, 8, 0, ctypes.addressof(ctx), 0, 0, 0))
print(struct.unpack_from('<I', out, 4)[0])
`;

describe('bpf_get_stackid ids agree with the kernel', () => {
  it.skipIf(!oracle.ok || !py || !clang || process.arch !== 'x64')(`jhash2, buckets and skip on a real kernel stack (${oracle.reason || 'kernel available'})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'bpfplay-stack-'));
    const pin = `/sys/fs/bpf/bpfplay_stack_${process.pid}`;
    const mapDir = `/sys/fs/bpf/bpfplay_stack_maps_${process.pid}`;
    const bt = bpftoolPath();
    try {
      writeFileSync(join(dir, 'st.c'), SRC);
      writeFileSync(join(dir, 'run.py'), RUN_PY);
      execFileSync(clang!, ['-target', 'bpf', '-O2', '-g', '-I/usr/include/x86_64-linux-gnu', '-c', join(dir, 'st.c'), '-o', join(dir, 'st.o')], { stdio: 'pipe' });
      execFileSync(bt, ['prog', 'load', join(dir, 'st.o'), pin, 'pinmaps', mapDir], { stdio: 'pipe' });
      const ret = Number(execFileSync(py!, [join(dir, 'run.py'), pin], { stdio: 'pipe' }).toString().trim());
      const [idPlain, idSkip] = [ret & 0xffff, ret >>> 16];
      const rows = JSON.parse(execFileSync(bt, ['-j', 'map', 'dump', 'pinned', `${mapDir}/stacks`], { stdio: 'pipe' }).toString()) as { key: string[]; value: string[] }[];
      const stack = (r: { value: string[] }): bigint[] => {
        const b = Uint8Array.from(r.value.map((x) => parseInt(x, 16)));
        return [...Array(20).keys()].map((i) => new DataView(b.buffer).getBigUint64(i * 8, true)).filter((x) => x !== 0n);
      };
      const keyOf = (r: { key: string[] }): number => parseInt(r.key[0]!, 16) | (parseInt(r.key[1]!, 16) << 8);
      const plain = rows.find((r) => keyOf(r) === idPlain)!;
      expect(plain, `kernel ids ${idPlain}, ${idSkip}; dump ${JSON.stringify(rows.map(keyOf))}`).toBeDefined();
      const full = stack(plain);
      const ours = createMap({ name: 's', type: 'stack_trace', keySize: 4, valueSize: 160, maxEntries: 64, flags: 0 }) as StackTraceMap;
      expect(ours.getStackId(full, 0)).toBe(idPlain);
      expect(ours.getStackId(full, 3)).toBe(idSkip);
      expect(bytesHex(ours.lookup(Uint8Array.of(idSkip, 0, 0, 0))!.bytes)).toBe(rows.find((r) => keyOf(r) === idSkip)!.value.map((x) => x.replace(/^0x/, '')).join(''));
      console.log(`stack ids from the kernel: ${idPlain} (${full.length} frames), ${idSkip} (skip 3)`);
    } finally {
      rmSync(pin, { force: true });
      rmSync(mapDir, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

