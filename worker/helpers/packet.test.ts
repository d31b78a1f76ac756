// The packet helpers against the kernel: programs calling skb_load_bytes(_relative), skb_store_bytes,
// l3/l4_csum_replace, csum_diff, redirect, xdp_load/store_bytes, the XDP and skb resizing helpers, and
// skb_ecn_set_ce, the hash helpers, clone_redirect, csum_level and get_route_realm run under BPF_PROG_TEST_RUN and in
// bpfplay (worker/progtypes/run.ts + the VM); retval and data_out must be identical. Checksum rewrites
// are also checked to leave valid checksums in packets whose checksums tcpdump verified (the samples).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { programFromBytes } from '../isa/program';
import { kernelOracle, which } from '../testing/kernel';
import { decodePacket } from '../packets/decode';
import { buildSample, SAMPLES } from '../packets/samples';
import { runTestRun } from '../progtypes/run';
import { PROG_TYPES } from '../progtypes/table';
import type { TestRunType } from '../progtypes/testrun';
import { probeRunner, hex, I, EXIT, MOV, MOVR, ADDK } from '../testing/probe';

const cc = which('clang-19') ?? which('gcc');
const oracle = kernelOracle();
const probe = probeRunner('helpers');
const CALL = (id: number) => I(0x85, 0, 0, 0, id);
const STW = (d: number, off: number, k: number) => I(0x62, d, 0, off, k);
const LDXW = (d: number, s: number, off: number) => I(0x61, d, s, off, 0);
const LDXH = (d: number, s: number, off: number) => I(0x69, d, s, off, 0);
const STXH = (d: number, s: number, off: number) => I(0x6b, d, s, off, 0);
const JNE0 = (d: number, off: number) => I(0x55, d, 0, off, 0);
const ADDR = (d: number, s: number) => I(0x0f, d, s, 0, 0);
const XORK = (d: number, k: number) => I(0xa7, d, 0, 0, k);

/** r0 = ret of skb_load_bytes(ctx, off, fp-8, 4) or the loaded word */
const loadBytes = (off: number) => Buffer.concat([MOVR(6, 1), MOV(2, off), MOVR(3, 10), ADDK(3, -8), MOV(4, 4), CALL(26), JNE0(0, 1), LDXW(0, 10, -8), EXIT]);
const loadRel = (off: number, start: number) => Buffer.concat([MOVR(6, 1), MOV(2, off), MOVR(3, 10), ADDK(3, -8), MOV(4, 4), MOV(5, start), CALL(68), JNE0(0, 1), LDXW(0, 10, -8), EXIT]);
const storeBytes = (off: number, flags: number) => Buffer.concat([STW(10, -8, 0x11223344), MOVR(6, 1), MOV(2, off), MOVR(3, 10), ADDK(3, -8), MOV(4, 4), MOV(5, flags), CALL(9), EXIT]);
/** load u16 at off (big-endian field, LE view), xor it with k, store it back and fix the checksum at csumOff */
const rewrite16 = (helper: 10 | 11, off: number, csumOff: number, k: number, flags: number) => Buffer.concat([
  MOVR(6, 1),
  MOVR(1, 6), MOV(2, off), MOVR(3, 10), ADDK(3, -8), MOV(4, 2), CALL(26), JNE0(0, 17),
  LDXH(7, 10, -8), MOVR(8, 7), XORK(8, k), STXH(10, 8, -8), // jump target below is EXIT (17 insns on)
  MOVR(1, 6), MOV(2, off), MOVR(3, 10), ADDK(3, -8), MOV(4, 2), MOV(5, 0), CALL(9),
  MOVR(1, 6), MOV(2, csumOff), MOVR(3, 7), MOVR(4, 8), MOV(5, flags), CALL(helper), EXIT,
]);
/** csum_diff(fp-16, fs, fp-32, ts, seed) over stack words w1..w4 */
const csumDiff = (words: number[], fs: number, ts: number, seed: number) => Buffer.concat([
  ...words.map((w, i) => STW(10, -32 + 4 * i, w)),
  MOVR(1, 10), ADDK(1, -16), MOV(2, fs), MOVR(3, 10), ADDK(3, -32), MOV(4, ts), MOV(5, seed), CALL(28), EXIT,
]);
const redirect = (flags: number) => Buffer.concat([MOV(1, 1), MOV(2, flags), CALL(23), EXIT]);
const xdpLoad = (off: number) => Buffer.concat([MOVR(6, 1), MOV(2, off), MOVR(3, 10), ADDK(3, -8), MOV(4, 4), CALL(189), JNE0(0, 1), LDXW(0, 10, -8), EXIT]);
const xdpStore = (off: number) => Buffer.concat([STW(10, -8, 0x55667788), MOVR(6, 1), MOV(2, off), MOVR(3, 10), ADDK(3, -8), MOV(4, 4), CALL(190), EXIT]);
void ADDR;
/** adjust helper(k) then, if it worked, write 0xab at data[0] and return data_end - data (+ meta len << 16) */
const xdpAdjust = (id: number, k: number) => Buffer.concat([
  MOVR(6, 1), MOV(2, k), CALL(id), JNE0(0, 9),
  LDXW(2, 6, 0), LDXW(3, 6, 4), LDXW(4, 6, 8), MOVR(0, 3), I(0x1f, 0, 2, 0, 0), MOVR(5, 2), I(0x1f, 5, 4, 0, 0), I(0x67, 5, 0, 0, 16), ADDR(0, 5),
  EXIT,
]);

const FRAMES = [...SAMPLES.flatMap((s) => buildSample(s.id)!.frames), ...fc.sample(fc.uint8Array({ minLength: 14, maxLength: 100 }), { numRuns: 6, seed: 5 })];

interface Case { name: string; type: TestRunType; prog: Buffer }
const CASES: Case[] = [];
for (const t of ['sched_cls', 'socket_filter', 'lwt_out'] as TestRunType[]) for (const off of [0, 2, 12, 20, 36, 60, 5000]) CASES.push({ name: `skb_load_bytes ${off}`, type: t, prog: loadBytes(off) });
for (const t of ['sched_cls', 'socket_filter'] as TestRunType[])
  for (const [off, st] of [[0, 0], [6, 0], [12, 0], [0, 1], [9, 1], [16, 1], [40, 1], [0, 2]]) {
    if (t === 'cgroup_skb') continue; // return range [0, 1]: covered by the other types
    CASES.push({ name: `skb_load_bytes_relative ${off} ${st}`, type: t, prog: loadRel(off, st) });
  }
for (const t of ['sched_cls', 'lwt_xmit'] as TestRunType[]) for (const [off, fl] of [[0, 0], [14, 0], [30, 1], [56, 2], [4000, 0], [0, 8]]) CASES.push({ name: `skb_store_bytes ${off} ${fl}`, type: t, prog: storeBytes(off, fl) });
// IPv4 header fields at L2 offset 14 (tc): TTL/proto word at 22, checksum at 24; UDP/TCP ports at 34/36
for (const [h, off, cs, k, fl] of [[10, 22, 24, 0x0100, 2], [10, 26, 24, 0x0f0f, 2], [10, 22, 24, 0x0100, 4], [10, 22, 24, 0x0100, 3], [11, 36, 40, 0x1234, 2 | 16], [11, 36, 50, 0x0101, 2 | 16], [11, 34, 40, 0xffff, 2 | 32], [11, 22, 40, 1, 0x100]] as [10 | 11, number, number, number, number][])
  CASES.push({ name: `${h === 10 ? 'l3' : 'l4'}_csum_replace off ${off} csum ${cs} flags ${fl}`, type: 'sched_cls', prog: rewrite16(h, off, cs, k, fl) });
for (const [fs, ts, seed] of [[4, 4, 0], [8, 8, 0], [16, 0, 0], [0, 16, 0x1234], [4, 8, 0xffffffff], [3, 4, 0], [0, 0, 7], [12, 4, 0x80000000], [5, 7, 3], [0, 4, 0xffffffff], [8, 0, 0xfffe], [1, 0, 0], [0, 0, 0], [16, 16, 0x10000]])
  CASES.push({ name: `csum_diff ${fs} ${ts} ${seed}`, type: 'sched_cls', prog: csumDiff([0x11223344, 0x55667788 | 0, 0x0f0f0f0f, 0x7ffffff0 | 0, 0x12345678, 0x01010101, 0x7fff0000, 0x00000001], fs, ts, seed) });
for (const fl of [0, 1, 8]) for (const t of ['sched_cls', 'xdp'] as TestRunType[]) CASES.push({ name: `redirect flags ${fl}`, type: t, prog: redirect(fl) });
for (const k of [-300, -216, -217, -220, -40, -14, -1, 0, 1, 4, 13, 14, 20, 50]) CASES.push({ name: `xdp_adjust_head ${k}`, type: 'xdp', prog: xdpAdjust(44, k) });
for (const k of [-40, -36, -32, -8, -4, -3, 0, 4]) CASES.push({ name: `xdp_adjust_meta ${k}`, type: 'xdp', prog: xdpAdjust(54, k) });
for (const k of [-100, -30, -1, 0, 1, 16, 3000, 3800]) CASES.push({ name: `xdp_adjust_tail ${k}`, type: 'xdp', prog: xdpAdjust(65, k) });
CASES.push({ name: 'xdp_get_buff_len', type: 'xdp', prog: Buffer.concat([CALL(188), EXIT]) });
/** helper(ctx, k, 0); on success return data_end - data + (len << 16) */
const skbChange = (id: number, k: number) => Buffer.concat([
  MOVR(6, 1), MOV(2, k), MOV(3, 0), CALL(id), JNE0(0, 7),
  LDXW(2, 6, 76), LDXW(3, 6, 80), MOVR(0, 3), I(0x1f, 0, 2, 0, 0), LDXW(4, 6, 0), I(0x67, 4, 0, 0, 16), ADDR(0, 4),
  EXIT,
]);
for (const t of ['sched_cls', 'lwt_xmit'] as TestRunType[]) {
  for (const k of [0, 10, 13, 14, 20, 40, 60, 80, 100]) CASES.push({ name: `skb_change_tail ${k}`, type: t, prog: skbChange(38, k) });
  for (const k of [0, 14, 40, 5000]) CASES.push({ name: `skb_pull_data ${k}`, type: t, prog: skbChange(39, k) });
  for (const k of [0, 1, 14, 20, 64, 100, 70000]) CASES.push({ name: `skb_change_head ${k}`, type: t, prog: skbChange(43, k) });
}
/** vlan_push(proto, tci) n times then return vlan_present | tci << 1 | protocol << 16 (after) */
const vlanPush = (proto: number, tci: number, n: number) => Buffer.concat([
  MOVR(6, 1),
  ...Array.from({ length: n }, (_, i) => Buffer.concat([MOVR(1, 6), MOV(2, proto), MOV(3, tci + i), CALL(18)])),
  LDXW(0, 6, 20), LDXW(2, 6, 24), I(0x67, 2, 0, 0, 1), ADDR(0, 2), LDXW(2, 6, 16), I(0x67, 2, 0, 0, 16), ADDR(0, 2), EXIT,
]);
const vlanPop = (n: number, pushFirst: boolean) => Buffer.concat([
  MOVR(6, 1),
  ...(pushFirst ? [MOVR(1, 6), MOV(2, 0x0081), MOV(3, 77), CALL(18)] : []),
  ...Array.from({ length: n }, () => Buffer.concat([MOVR(1, 6), CALL(19)])),
  LDXW(0, 6, 20), LDXW(2, 6, 24), I(0x67, 2, 0, 0, 1), ADDR(0, 2), LDXW(2, 6, 16), I(0x67, 2, 0, 0, 16), ADDR(0, 2), EXIT,
]);
for (const [proto, tci, n] of [[0x0081, 100, 1], [0xa888, 5, 1], [0x1234, 7, 1], [0x0081, 100, 2], [0x0081, 300, 3]]) CASES.push({ name: `skb_vlan_push ${proto.toString(16)} ${tci} x${n}`, type: 'sched_cls', prog: vlanPush(proto, tci, n) });
for (const [n, pf] of [[1, false], [2, false], [1, true], [2, true]] as [number, boolean][]) CASES.push({ name: `skb_vlan_pop x${n}${pf ? ' after push' : ''}`, type: 'sched_cls', prog: vlanPop(n, pf) });
for (const [proto, fl] of [[0xdd86, 0], [0x0008, 0], [0x0608, 0], [0xdd86, 1]]) CASES.push({ name: `skb_change_proto ${proto.toString(16)} ${fl}`, type: 'sched_cls', prog: Buffer.concat([MOVR(6, 1), MOV(2, proto), MOV(3, fl), CALL(31), JNE0(0, 3), LDXW(0, 6, 16), LDXW(2, 6, 0), ADDR(0, 2), EXIT]) });
const adjustRoom = (diff: number, mode: number, flags: number) => Buffer.concat([MOVR(6, 1), MOV(2, diff), MOV(3, mode), MOV(4, flags), CALL(50), JNE0(0, 7),
  LDXW(2, 6, 76), LDXW(3, 6, 80), MOVR(0, 3), I(0x1f, 0, 2, 0, 0), LDXW(4, 6, 0), I(0x67, 4, 0, 0, 16), ADDR(0, 4), EXIT]);
for (const [d, m, f] of [[8, 0, 0], [-8, 0, 0], [20, 1, 0], [-20, 1, 0], [4, 0, 1], [4, 0, 32], [-40, 0, 0], [5000, 0, 0], [8, 2, 0], [-1, 1, 0], [100, 1, 0]])
  CASES.push({ name: `skb_adjust_room ${d} mode ${m} flags ${f}`, type: 'sched_cls', prog: adjustRoom(d, m, f) });
const ST = (off: number, v: number) => I(0x62, 10, 0, off, v);
/** lwt_push_encap(skb, type, fp-48, len) with an IPv4 (or IPv6) header on the stack; r0 = ret + (len << 16) */
const pushEncap = (type: number, len: number, v6: boolean, check: number) => Buffer.concat([
  ...(v6 ? [ST(-48, 0x60), ST(-44, 0x29000000), ST(-40, 0x0000b80d | 0x0120), ST(-36, 0), ST(-32, 0), ST(-28, 0x01000000), ST(-24, 0x0000b80d | 0x0120), ST(-20, 0), ST(-16, 0), ST(-12, 0x02000000)]
    : [ST(-48, 0x00000045), ST(-44, 0), ST(-40, 0x00000440 | (check << 16)), ST(-36, 0x0100000a), ST(-32, 0x0200000a)]),
  MOVR(6, 1), MOV(2, type), MOVR(3, 10), ADDK(3, -48), MOV(4, len), CALL(73), LDXW(2, 6, 0), I(0x67, 2, 0, 0, 16), ADDR(0, 2), EXIT,
]);
for (const t of ['lwt_xmit', 'lwt_in'] as TestRunType[])
  for (const [ty, len, v6, ck] of [[2, 20, false, 0], [2, 20, false, 0x1234], [2, 16, false, 0], [2, 40, true, 0], [2, 24, true, 0], [3, 20, false, 0], [1, 20, false, 0]] as [number, number, boolean, number][])
    CASES.push({ name: `lwt_push_encap type ${ty} len ${len} ${v6 ? 'v6' : 'v4'} check ${ck}`, type: t, prog: pushEncap(ty, len, v6, ck) });
for (const t of ['sched_cls', 'socket_filter'] as TestRunType[]) CASES.push({ name: 'get_socket_uid', type: t, prog: Buffer.concat([CALL(47), EXIT]) });
for (const k of [0, 1, 3, 4, 7]) CASES.push({ name: `skb_change_type ${k}`, type: 'sched_cls', prog: Buffer.concat([MOVR(6, 1), MOV(2, k), CALL(32), JNE0(0, 1), LDXW(0, 6, 4), EXIT]) });
for (const off of [0, 10, 60, 5000]) {
  CASES.push({ name: `xdp_load_bytes ${off}`, type: 'xdp', prog: xdpLoad(off) });
  CASES.push({ name: `xdp_store_bytes ${off}`, type: 'xdp', prog: xdpStore(off) });
}

// Session-2 skb helpers on every frame: ECN marking (IPv4 checksum, IPv6, VLAN, ARP, fragments), the hash
// helpers (set then read back; the recomputed hash is keyed by the kernel's boot-time secret, so only
// "non-zero and stored in ctx->hash" is compared), clone_redirect, csum_level and get_route_realm.
for (const t of ['sched_cls', 'cgroup_skb'] as TestRunType[]) CASES.push({ name: 'skb_ecn_set_ce', type: t, prog: Buffer.concat([CALL(97), I(0x57, 0, 0, 0, 1), EXIT]) });
CASES.push({ name: 'set_hash then get_hash_recalc', type: 'sched_cls', prog: Buffer.concat([MOVR(6, 1), MOV(2, 0x1234567), CALL(48), MOVR(1, 6), CALL(34), EXIT]) });
for (const t of ['sched_cls', 'lwt_in'] as TestRunType[])
  CASES.push({ name: 'get_hash_recalc is non-zero and in ctx->hash', type: t, prog: Buffer.concat([MOVR(6, 1), CALL(34), LDXW(2, 6, 68), MOV(3, 0), JNE0(0, 1), EXIT, I(0x5d, 0, 2, 1, 0), MOV(3, 1), MOVR(0, 3), EXIT]) });
CASES.push({ name: 'clone_redirect(lo)', type: 'sched_cls', prog: Buffer.concat([MOV(2, 1), MOV(3, 0), CALL(13), EXIT]) });
CASES.push({ name: 'csum_level inc, inc, query', type: 'sched_cls', prog: Buffer.concat([MOVR(6, 1), MOV(2, 1), CALL(135), MOVR(1, 6), MOV(2, 1), CALL(135), MOVR(1, 6), MOV(2, 0), CALL(135), EXIT]) });
CASES.push({ name: 'get_route_realm', type: 'lwt_out', prog: Buffer.concat([CALL(24), EXIT]) });

// bpf_skb_adjust_room's encapsulation flags: checks, skb->protocol after an L3 encap, -EALREADY for a
// second encap, change_tail refused on an encapsulated skb, and the checksum-level reset.
const LDDW = (dst: number, v: bigint): Buffer => Buffer.concat([I(0x18, dst, 0, 0, Number(BigInt.asIntN(32, v & 0xffffffffn))), I(0, 0, 0, 0, Number(BigInt.asIntN(32, v >> 32n)))]);
/** r7 = adjust_room(diff, mode, flags) [repeated]; r0 = (r7 & 0xff) | protocol << 8 (as loaded) | len << 24 */
const adjustEncap = (diff: number, mode: number, flags: bigint, times = 1, after: Buffer = Buffer.alloc(0)) => Buffer.concat([
  MOVR(6, 1), MOV(7, 0),
  ...Array.from({ length: times }, () => Buffer.concat([MOVR(1, 6), MOV(2, diff), MOV(3, mode), LDDW(4, flags), CALL(50), I(0x67, 7, 0, 0, 8), ADDR(7, 0)])),
  after, I(0x57, 7, 0, 0, 0xffff), LDXW(2, 6, 16), I(0x67, 2, 0, 0, 16), ADDR(7, 2), LDXW(2, 6, 0), I(0x67, 2, 0, 0, 40), ADDR(7, 2), MOVR(0, 7), EXIT,
]);
const L2 = (n: number) => BigInt(n) << 56n;
for (const [d, m, f] of [[20, 1, 2n], [40, 1, 4n], [20, 1, 6n], [24, 1, 2n | 8n], [28, 1, 2n | 16n], [28, 1, 2n | 8n | 16n], [38, 1, 2n | 64n | L2(14)], [20, 1, 2n | 64n],
  [20, 1, 2n | L2(30)], [20, 0, 2n | L2(8)], [8, 1, 8n], [8, 1, 16n], [-8, 0, 2n], [-8, 0, 1n << 7n], [-8, 0, 1n << 8n], [-20, 1, 1n << 8n], [-20, 1, 3n << 7n], [8, 0, 1n << 8n], [8, 0, 1n << 7n], [20, 1, 4n | 32n], [20, 2, 2n]] as [number, number, bigint][])
  CASES.push({ name: `skb_adjust_room ${d} mode ${m} flags 0x${f.toString(16)}`, type: 'sched_cls', prog: adjustEncap(d, m, f) });
CASES.push({ name: 'skb_adjust_room encap twice', type: 'sched_cls', prog: adjustEncap(20, 1, 2n, 2) });
CASES.push({ name: 'skb_adjust_room encap then change_tail', type: 'sched_cls', prog: adjustEncap(20, 1, 2n, 1, Buffer.concat([MOVR(1, 6), MOV(2, 60), MOV(3, 0), CALL(38), I(0x57, 0, 0, 0, 0xff), I(0x67, 7, 0, 0, 8), ADDR(7, 0)])) });
CASES.push({ name: 'skb_adjust_room plain then change_tail', type: 'sched_cls', prog: adjustEncap(8, 1, 0n, 1, Buffer.concat([MOVR(1, 6), MOV(2, 60), MOV(3, 0), CALL(38), I(0x57, 0, 0, 0, 0xff), I(0x67, 7, 0, 0, 8), ADDR(7, 0)])) });
// Helpers that clear skb->hash: store_bytes with BPF_F_INVALIDATE_HASH, change_proto. r0 = ctx->hash after set_hash(7) + helper.
const afterSetHash = (call: Buffer) => Buffer.concat([MOVR(6, 1), STW(10, -8, 0x11223344), MOVR(1, 6), MOV(2, 7), CALL(48), MOVR(1, 6), call, LDXW(0, 6, 68), EXIT]);
for (const fl of [0, 1, 2]) CASES.push({ name: `ctx->hash after skb_store_bytes flags ${fl}`, type: 'sched_cls', prog: afterSetHash(Buffer.concat([MOV(2, 20), MOVR(3, 10), ADDK(3, -8), MOV(4, 4), MOV(5, fl), CALL(9)])) });
CASES.push({ name: 'ctx->hash after skb_change_proto to IPv6', type: 'sched_cls', prog: afterSetHash(Buffer.concat([MOV(2, 0xdd86), MOV(3, 0), CALL(31)])) });
CASES.push({ name: 'ctx->hash after skb_adjust_room', type: 'sched_cls', prog: afterSetHash(Buffer.concat([MOV(2, 8), MOV(3, 1), MOV(4, 0), CALL(50)])) });
CASES.push({ name: 'ctx->hash after skb_vlan_push', type: 'sched_cls', prog: afterSetHash(Buffer.concat([MOV(2, 0x0081), MOV(3, 5), CALL(18)])) });
for (const f of [0n, 32n])
  CASES.push({
    name: `csum_level after skb_adjust_room flags ${f}`, type: 'sched_cls',
    prog: Buffer.concat([MOVR(6, 1), MOV(2, 1), CALL(135), MOVR(1, 6), MOV(2, 8), MOV(3, 1), LDDW(4, f), CALL(50), MOVR(1, 6), MOV(2, 0), CALL(135), EXIT]),
  });

describe.skipIf(!oracle.ok || !cc)(`packet helpers equal the kernel ${oracle.reason}`, () => {
  it(`${CASES.length} programs × ${FRAMES.length} frames: retval and data_out`, () => {
    const lines: string[] = [];
    const runs: { c: Case; data: Uint8Array }[] = [];
    for (const c of CASES)
      for (const data of FRAMES) {
        runs.push({ c, data });
        lines.push(`T ${PROG_TYPES[c.type].id} 0 ${c.prog.toString('hex')} ${hex(data)} -`);
      }
    const out = probe(lines);
    let compared = 0;
    runs.forEach(({ c, data }, i) => {
      const k = out[i].split(' ');
      const what = `${c.name} (${c.type}) on ${hex(data).slice(0, 32)}…`;
      if (k[0] === 'err' && k[2] === 'load') {
        expect.soft(false, `${what}: the kernel refused to load the program`).toBe(true);
        return;
      }
      const ours = runTestRun(programFromBytes(new Uint8Array(c.prog)), { type: c.type, dataIn: data });
      if (k[0] === 'err') {
        expect(ours.errno, what).toBe(Number(k[1]));
        return;
      }
      expect(ours.diagnostics, what).toEqual([]);
      expect([String(ours.output!.retval), hex(ours.output!.dataOut)], what).toEqual([k[1], k[2]]);
      compared++;
    });
    expect(compared).toBeGreaterThan(CASES.length * 5);
  });
});

describe('checksum rewrites keep known-good packets valid', () => {
  it('skb_ecn_set_ce on ECN-capable IPv4 samples leaves a valid header checksum and CE set', () => {
    let checked = 0;
    for (const s of SAMPLES)
      for (const f0 of buildSample(s.id)!.frames) {
        const at = f0[12] === 0x81 && f0[13] === 0 ? 18 : 14;
        if (f0.length < at + 20 || f0[at - 2] !== 0x08 || f0[at - 1] !== 0x00 || f0[at]! >> 4 !== 4) continue;
        if (!decodePacket(f0).fields.filter((x) => x.layer === 'ipv4' && x.ok !== undefined).every((x) => x.ok)) continue; // the malformed sample
        for (const ect of [1, 2]) {
          const f = f0.slice();
          // make the sample ECN-capable, fixing its checksum incrementally (RFC 1624)
          const old = (f[at]! << 8) | f[at + 1]!;
          f[at + 1] = (f[at + 1]! & 0xfc) | ect;
          const sum = (~((f[at + 10]! << 8) | f[at + 11]!) & 0xffff) + (~old & 0xffff) + ((f[at]! << 8) | f[at + 1]!);
          const folded = ~((sum & 0xffff) + (sum >>> 16) + (((sum & 0xffff) + (sum >>> 16)) >>> 16)) & 0xffff;
          f[at + 10] = folded >> 8; f[at + 11] = folded & 0xff;
          expect(decodePacket(f).fields.filter((x) => x.layer === 'ipv4' && x.ok !== undefined).every((x) => x.ok), `${s.id} ECT(${ect - 1}) before`).toBe(true);
          const r = runTestRun(programFromBytes(new Uint8Array(Buffer.concat([CALL(97), EXIT]))), { type: 'sched_cls', dataIn: f });
          const out = r.output!.dataOut;
          // a VLAN frame's network header is the tag (eth_type_trans does not skip it): the kernel reads the
          // tag's second byte as the TOS (here not ECN-capable), so nothing changes there
          expect(r.output!.retval, s.id).toBe(at === 14 ? 1 : 0);
          if (at === 14) expect(out[at + 1]! & 3).toBe(3);
          expect(decodePacket(out).fields.filter((x) => x.layer === 'ipv4' && x.ok !== undefined).every((x) => x.ok), `${s.id} ECT(${ect - 1}) after`).toBe(true);
          checked++;
        }
      }
    expect(checked).toBeGreaterThan(4);
  });

  it('TTL decrement + l3_csum_replace, UDP port change + l4_csum_replace (pseudo header)', () => {
    for (const id of ['dns-udp', 'vlan', 'tcp-handshake', 'icmp-echo']) {
      const f = buildSample(id)!.frames[0];
      const ipOff = id === 'vlan' ? 18 : 14;
      const l3 = runTestRun(programFromBytes(new Uint8Array(rewrite16(10, ipOff + 8, ipOff + 10, 0x0001, 2))), { type: 'sched_cls', dataIn: f });
      const d3 = decodePacket(l3.output!.dataOut);
      expect(d3.fields.find((x) => x.layer === 'ipv4' && x.name === 'ttl')!.value).toBe(String(f[ipOff + 8] ^ 1));
      expect(d3.fields.filter((x) => x.ok !== undefined).every((x) => x.ok), id).toBe(true);
      if (id === 'dns-udp' || id === 'vlan') {
        const l4 = runTestRun(programFromBytes(new Uint8Array(rewrite16(11, ipOff + 22, ipOff + 26, 0x1234, 2 | 16))), { type: 'sched_cls', dataIn: f });
        const d4 = decodePacket(l4.output!.dataOut);
        expect(d4.fields.filter((x) => x.ok !== undefined).every((x) => x.ok), id).toBe(true);
        expect(d4.fields.find((x) => x.layer === 'udp' && x.name === 'dest')!.value).not.toBe(decodePacket(f).fields.find((x) => x.layer === 'udp' && x.name === 'dest')!.value);
      }
    }
  });
});
