// Context conversions against the running kernel: every read the verifier allows (every field, every
// size, every offset inside the field) of __sk_buff (socket_filter, sched_cls, lwt_xmit, cgroup_skb
// through cb, xdp_md) and of the struct bpf_sock behind __sk_buff->sk (as sock_common, and as the full
// socket bpf_sk_fullsock returns), with the fields made non-zero first (ctx_in sets mark, priority, cb,
// wire_len, gso_segs, gso_size, hwtstamp, ...; tc programs also store queue_mapping, tc_index and
// tc_classid and push a VLAN tag); sign-extending loads (BPF_MEMSX) of every field; and every store the
// verifier allows with values that expose truncation and the NO_QUEUE_MAPPING rule (BPF_STX and BPF_ST).
// Each program runs once under BPF_PROG_TEST_RUN (via probe.c) and once in bpfplay (runTestRun: the VM
// with the converted ctx fields of worker/progtypes/ctx.ts); both halves of the 64-bit result must agree.
// This is what pins `CtxField.conv` to convert_ctx_access. Skips, with the reason, when the kernel cannot
// be used; the kernel-free checks at the end state the same rules for machines without one.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { programFromBytes } from '../../isa/program';
import { kernelOracle, which } from '../../testing/kernel';
import { bpfSockLayout, ctxAccess, type CtxLayout } from '../ctx';
import { runTestRun } from '../run';
import { PROG_TYPES } from '../table';
import type { TestRunType } from '../testrun';
import { probeRunner, hex, I } from '../../testing/probe';

const cc = which('clang-19') ?? which('gcc');
const oracle = kernelOracle();
const probe = probeRunner('ctxnarrow');
const SZ: Record<number, number> = { 1: 0x10, 2: 0x08, 4: 0x00, 8: 0x18 };
const LDX = (size: number, dst: number, src: number, off: number) => I(0x61 | SZ[size]!, dst, src, off, 0);
const STX = (size: number, dst: number, src: number, off: number) => I(0x63 | SZ[size]!, dst, src, off, 0);
const ST = (size: number, dst: number, off: number, imm: number) => I(0x62 | SZ[size]!, dst, 0, off, imm);
const LDDW = (dst: number, v: bigint): Buffer => {
  const u = BigInt.asUintN(64, v);
  return Buffer.concat([I(0x18, dst, 0, 0, Number(BigInt.asIntN(32, u & 0xffffffffn))), I(0, 0, 0, 0, Number(BigInt.asIntN(32, u >> 32n)))]);
};
const MOV = (d: number, k: number) => I(0xb7, d, 0, 0, k);
const MOVR = (d: number, s: number) => I(0xbf, d, s, 0, 0);
const RSH = (d: number, k: number) => I(0x77, d, 0, 0, k);
const CALL_ = (id: number) => I(0x85, 0, 0, 0, id);
const CALL = (id: number) => I(0x85, 0, 0, 0, id);
const EXIT = I(0x95, 0, 0, 0, 0);

/** Every (off, size) read of a layout the verifier allows, except pointer fields (their values are addresses). */
function reads(layout: CtxLayout): { field: string; off: number; size: number }[] {
  const out: { field: string; off: number; size: number }[] = [];
  for (let off = 0; off < layout.size; off++)
    for (const size of [1, 2, 4, 8]) {
      const a = ctxAccess(layout, off, size, false);
      if (a.ok && a.regType === 'SCALAR_VALUE' && a.field && !a.field.regType) out.push({ field: a.field.name, off, size });
    }
  return out;
}

const SKB = Object.fromEntries(PROG_TYPES.sched_cls.ctx.fields.map((f) => [f.name, f.off])) as Record<string, number>;

/** An IPv4/TCP frame to a unicast MAC that is not loopback's, so pkt_type is PACKET_OTHERHOST (3 = 0b011). */
function frame(): Uint8Array {
  const f = new Uint8Array(80);
  f.set([0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 0x02, 0x66, 0x77, 0x88, 0x99, 0xaa, 0x08, 0x00], 0);
  f.set([0x45, 0, 0, 66, 0x12, 0x34, 0x40, 0, 64, 6, 0, 0, 10, 1, 2, 3, 192, 168, 200, 201], 14);
  for (let i = 34; i < f.length; i++) f[i] = (i * 29 + 7) & 0xff;
  return f;
}

/** ctx_in with every field BPF_PROG_TEST_RUN accepts set to something with all bytes non-zero. */
function ctxIn(len: number): Uint8Array {
  const c = new Uint8Array(192);
  const dv = new DataView(c.buffer);
  dv.setUint32(SKB.mark!, 0x8899aabb, true);
  dv.setUint32(SKB.priority!, 0x11223344, true);
  dv.setUint32(SKB.ingress_ifindex!, 1, true);
  for (let i = 0; i < 20; i++) c[SKB.cb! + i] = 0x31 + 7 * i;
  dv.setBigUint64(SKB.tstamp!, 0x0102030405060708n, true);
  dv.setUint32(SKB.wire_len!, len + 0x1234, true);
  dv.setUint32(SKB.gso_segs!, 0xfedc, true);
  dv.setUint32(SKB.gso_size!, 0x7654abcd, true);
  dv.setBigUint64(SKB.hwtstamp!, 0x1112131415161718n, true);
  return c;
}

interface Case { name: string; type: TestRunType; prog: Buffer; ctx: Uint8Array | null }

/** tc: make the metadata fields the packet does not set non-zero (stores and a VLAN tag push). */
const tcPrelude = (): Buffer => Buffer.concat([
  MOVR(6, 1),
  MOVR(1, 6), MOV(2, 0xa888), MOV(3, 0xbabe), CALL(18), // bpf_skb_vlan_push(skb, htons(ETH_P_8021AD), 0xbabe)
  MOV(2, 0x4321), STX(4, 6, 2, SKB.queue_mapping!),
  LDDW(2, 0x12345678n), STX(4, 6, 2, SKB.tc_index!),
  LDDW(2, 0x9abcdef0n), STX(4, 6, 2, SKB.tc_classid!),
  MOVR(1, 6),
]);

function cases(): Case[] {
  const out: Case[] = [];
  const data = frame();
  for (const type of ['sched_cls', 'socket_filter', 'lwt_xmit'] as TestRunType[]) {
    const layout = PROG_TYPES[type].ctx;
    const pre = type === 'sched_cls' ? tcPrelude() : Buffer.alloc(0);
    for (const a of reads(layout))
      for (const hi of [false, true])
        out.push({ name: `${type} read ${a.field}@${a.off}/${a.size}${hi ? ' >> 32' : ''}`, type, ctx: ctxIn(data.length), prog: Buffer.concat([pre, LDX(a.size, 0, 1, a.off), ...(hi ? [RSH(0, 32)] : []), EXIT]) });
    // The socket behind skb->sk (PTR_TO_SOCK_COMMON after the NULL check).
    for (const a of reads(bpfSockLayout('sock_common')))
      for (const hi of [false, true])
        out.push({
          name: `${type} read sk->${a.field}@${a.off}/${a.size}${hi ? ' >> 32' : ''}`, type, ctx: null,
          prog: Buffer.concat([LDX(8, 2, 1, SKB.sk!), MOV(0, 0xdead), I(0x15, 2, 0, hi ? 2 : 1, 0), LDX(a.size, 0, 2, a.off), ...(hi ? [RSH(0, 32)] : []), EXIT]),
        });
  }
  // Sign-extending loads (BPF_MEMSX): the converted value, then sign extension from the access size.
  for (const a of reads(PROG_TYPES.sched_cls.ctx).filter((x) => x.size < 8))
    for (const hi of [false, true])
      out.push({ name: `sched_cls ldsx ${a.field}@${a.off}/${a.size}${hi ? ' >> 32' : ''}`, type: 'sched_cls', ctx: ctxIn(data.length), prog: Buffer.concat([tcPrelude(), I(0x81 | SZ[a.size]!, 0, 1, a.off, 0), ...(hi ? [RSH(0, 32)] : []), EXIT]) });
  // The full socket behind it (PTR_TO_SOCKET from bpf_sk_fullsock): type, protocol, mark, priority too.
  for (const a of reads(bpfSockLayout('pointer')))
    for (const hi of [false, true])
      out.push({
        name: `sched_cls read fullsock->${a.field}@${a.off}/${a.size}${hi ? ' >> 32' : ''}`, type: 'sched_cls', ctx: null,
        prog: Buffer.concat([MOV(6, 0xdead), LDX(8, 1, 1, SKB.sk!), I(0x15, 1, 0, hi ? 4 : 3, 0), CALL_(95), I(0x15, 0, 0, hi ? 2 : 1, 0), LDX(a.size, 6, 0, a.off), ...(hi ? [RSH(6, 32)] : []), MOVR(0, 6), EXIT]),
      });
  // cgroup_skb must return 0 or 1: the value read goes to cb[0..1] (an 8-byte cb store) and comes back in ctx_out.
  for (const a of reads(PROG_TYPES.cgroup_skb.ctx))
    out.push({ name: `cgroup_skb read ${a.field}@${a.off}/${a.size} (via cb)`, type: 'cgroup_skb', ctx: ctxIn(data.length), prog: Buffer.concat([LDX(a.size, 2, 1, a.off), STX(8, 1, 2, SKB.cb!), MOV(0, 1), EXIT]) });
  // xdp_md: only full 4-byte reads are allowed (xdp_is_valid_access); the non-pointer ones are ifindex and queue.
  for (const a of reads(PROG_TYPES.xdp.ctx)) out.push({ name: `xdp read ${a.field}@${a.off}/${a.size}`, type: 'xdp', ctx: null, prog: Buffer.concat([LDX(a.size, 0, 1, a.off), EXIT]) });
  // Stores: full-width writes of values that expose truncation and the NO_QUEUE_MAPPING rule, read back
  // whole and as the upper half; BPF_ST immediates too (allowed into ctx since Linux 6.3).
  const values = [0x7bcdef0112345678n, 0xfffen, 0xffffn, 0x10000n, 0xffffffffn, -1n, 0x1_0000_0005n];
  const imms = [-1, 0xfffe, 0xffff, 0x10000, 0x7fffffff, -0x80000000, 5];
  for (const type of ['sched_cls', 'lwt_xmit', 'socket_filter'] as TestRunType[]) {
    const layout = PROG_TYPES[type].ctx;
    for (const f of layout.fields) {
      if (!f.write.includes(4) || f.elem) continue;
      for (const half of [0, 2]) {
        for (const v of values)
          out.push({ name: `${type} write ${f.name} = 0x${BigInt.asUintN(64, v).toString(16)}, read @+${half}/${4 - half}`, type, ctx: ctxIn(80), prog: Buffer.concat([LDDW(2, v), STX(4, 1, 2, f.off), LDX(4 - half, 0, 1, f.off + half), EXIT]) });
        for (const k of imms)
          out.push({ name: `${type} st ${f.name} = ${k}, read @+${half}/${4 - half}`, type, ctx: ctxIn(80), prog: Buffer.concat([ST(4, 1, f.off, k), LDX(4 - half, 0, 1, f.off + half), EXIT]) });
      }
    }
  }
  return out;
}

describe.skipIf(!oracle.ok || !cc)(`context field conversions equal the kernel's ${oracle.reason}`, () => {
  it('every narrow read, pointer-field load and store, on both halves of the result', () => {
    const all = cases();
    const data = frame();
    const lines = all.map((c) => `T ${PROG_TYPES[c.type].id} 0 ${c.prog.toString('hex')} ${hex(data)} ${hex(c.ctx)}`);
    const out = probe(lines);
    expect(out.length).toBe(all.length);
    const differ: string[] = [];
    let compared = 0;
    all.forEach((c, i) => {
      const k = out[i]!.split(' ');
      if (k[0] !== 'run') {
        differ.push(`${c.name}: the kernel ${k[2] === 'load' ? 'refused to load it' : 'failed to run it'} (errno ${k[1]})`);
        return;
      }
      const ours = runTestRun(programFromBytes(new Uint8Array(c.prog)), { type: c.type, dataIn: data, ctxIn: c.ctx ?? undefined });
      const got = ours.output ? String(ours.output.retval) : `error ${ours.diagnostics.map((d) => d.message).join('; ')}`;
      if (got !== k[1] || (c.ctx && hex(ours.output?.ctxOut) !== k[3])) differ.push(`${c.name}: kernel ${k[1]} bpfplay ${got}${c.ctx && hex(ours.output?.ctxOut) !== k[3] ? ' (ctx_out differs)' : ''}`);
      compared++;
    });
    console.log(`ctx conversions: ${all.length} programs, ${compared} ran in the kernel, ${differ.length} differ`);
    if (differ.length) console.log(differ.join('\n'));
    expect(differ).toEqual([]);
    expect(compared).toBeGreaterThan(1000);
  });
});

// Without a kernel: the rules the probe above pins, as convert_ctx_access and convert_ctx_accesses state them.
describe('context field conversions (kernel-free checks of the same rules)', () => {
  const data = frame();
  const ret = (type: TestRunType, ...prog: Buffer[]) => {
    const r = runTestRun(programFromBytes(new Uint8Array(Buffer.concat([...prog, EXIT]))), { type, dataIn: data, ctxIn: type === 'xdp' ? undefined : ctxIn(data.length) });
    expect(r.run?.fault ?? null).toBeNull();
    return r.output!.retval;
  };
  it('a narrow read as wide as the target returns the whole kernel field, whatever its offset', () => {
    expect(ret('sched_cls', LDX(1, 0, 1, SKB.pkt_type! + 3))).toBe(3); // pkt_type: PACKET_OTHERHOST from any byte
    expect(ret('sched_cls', LDX(2, 0, 1, SKB.pkt_type! + 2))).toBe(3);
    expect(ret('socket_filter', LDX(2, 0, 1, SKB.protocol! + 2))).toBe(0x0008); // the whole u16 skb->protocol
    expect(ret('socket_filter', LDX(2, 0, 1, SKB.gso_size! + 2))).toBe(0xabcd);
    expect(ret('socket_filter', LDX(4, 0, 1, SKB.gso_size!))).toBe(0xabcd); // a u16 in the kernel
  });
  it('a read narrower than the target is shifted and masked (the UAPI bytes)', () => {
    expect(ret('socket_filter', LDX(1, 0, 1, SKB.protocol! + 1))).toBe(0x00);
    expect(ret('socket_filter', LDX(1, 0, 1, SKB.protocol!))).toBe(0x08);
    expect(ret('socket_filter', LDX(1, 0, 1, SKB.gso_size! + 2))).toBe(0);
    expect(ret('socket_filter', LDX(2, 0, 1, SKB.mark! + 2))).toBe(0x8899); // u32 targets: plain bytes
  });
  it('stores: u16 targets truncate, queue_mapping skips values >= NO_QUEUE_MAPPING (64-bit register, s32 immediate)', () => {
    expect(ret('sched_cls', LDDW(2, 0x12345678n), STX(4, 1, 2, SKB.tc_index!), LDX(4, 0, 1, SKB.tc_index!))).toBe(0x5678);
    expect(ret('sched_cls', LDDW(2, 0x1_0000_0005n), STX(4, 1, 2, SKB.queue_mapping!), LDX(4, 0, 1, SKB.queue_mapping!))).toBe(0);
    expect(ret('sched_cls', MOV(2, 0xfffe), STX(4, 1, 2, SKB.queue_mapping!), LDX(4, 0, 1, SKB.queue_mapping!))).toBe(0xfffe);
    expect(ret('sched_cls', ST(4, 1, SKB.queue_mapping!, -1), LDX(4, 0, 1, SKB.queue_mapping!))).toBe(0xffff);
    expect(ret('sched_cls', ST(4, 1, SKB.queue_mapping!, 0xffff), LDX(4, 0, 1, SKB.queue_mapping!))).toBe(0);
  });
  it('bpf_sock.rx_queue_mapping: NO_QUEUE_MAPPING reads as the 64-bit -1 at 2 and 4 bytes, 0xff at 1 byte', () => {
    const sk = (size: number, hi: boolean) => ret('sched_cls', LDX(8, 2, 1, SKB.sk!), MOV(0, 7), I(0x15, 2, 0, hi ? 2 : 1, 0), LDX(size, 0, 2, 76), ...(hi ? [RSH(0, 32)] : []));
    expect([sk(4, false), sk(4, true), sk(2, true), sk(1, false), sk(1, true)]).toEqual([0xffffffff, 0xffffffff, 0xffffffff, 0xff, 0]);
  });
});
