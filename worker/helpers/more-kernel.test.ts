// The helpers added in session 2 against the running kernel (BPF_PROG_TEST_RUN through
// worker/progtypes/kernel-probe/probe.c, and bpftool for programs that need a read-only .rodata map):
// each program runs in the kernel and in bpfplay (runTestRun, or the kdiff harness's runCaseInVm) and the
// return value and data_out must be identical — strtol/strtoul on edge strings, every base and bad
// flags; snprintf and trace_vprintk on the formats the kernel accepts and the ones it refuses;
// clone_redirect; set_hash / set_hash_invalid / get_hash_recalc sequences; skb_ancestor_cgroup_id;
// get_route_realm; csum_level sequences; skb_ecn_set_ce on every ECN codepoint of IPv4 (checksums
// included) and IPv6; get_netns_cookie; socket lookups with tuples that match nothing and bad arguments;
// sk_fullsock/tcp_sock on the test-run socket; tunnel key set/get round trips in every layout.
// The clocks cannot be compared value for value, so the kernel's jiffies64/ktime_get_ns/coarse/boot/tai
// relations are checked to be the ones bpfplay's model assumes (HZ, INITIAL_JIFFIES, tick granularity,
// the TAI offset the kernel keeps until an NTP daemon sets one). Skips, with the reason, when the kernel cannot be used.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareWith, runInKernel } from '../../scripts/kdiff-run';
import type { KdiffCase } from '../kdiff/gen';
import { runCaseInVm } from '../kdiff/vmrun';
import { programFromBytes, type Program } from '../isa/program';
import { internetChecksum } from '../packets/checksum';
import { runTestRun } from '../progtypes/run';
import { PROG_TYPES } from '../progtypes/table';
import type { TestRunType } from '../progtypes/testrun';
import { kernelOracle, which } from '../testing/kernel';
import { HZ, INITIAL_JIFFIES, TAI_OFFSET_NS } from './time';
import { probeRunner, hex, I, EXIT, MOV, MOVR, ADDK } from '../testing/probe';

const cc = which('clang-19') ?? which('gcc');
const oracle = kernelOracle();
const probe = probeRunner('morehelpers');
const ADDR = (d: number, s: number) => I(0x0f, d, s, 0, 0);
const MULK = (d: number, k: number) => I(0x27, d, 0, 0, k);
const RSH = (d: number, k: number) => I(0x77, d, 0, 0, k);
const CALL = (id: number) => I(0x85, 0, 0, 0, id);
const LDXW = (d: number, s: number, off: number) => I(0x61, d, s, off, 0);
const LDXDW = (d: number, s: number, off: number) => I(0x79, d, s, off, 0);
const STXDW = (d: number, s: number, off: number) => I(0x7b, d, s, off, 0);
const STW = (d: number, off: number, k: number) => I(0x62, d, 0, off, k);
const JEQK = (d: number, k: number, off: number) => I(0x15, d, 0, off, k);
const JNEK = (d: number, k: number, off: number) => I(0x55, d, 0, off, k);
const JGTR = (d: number, s: number, off: number) => I(0x2d, d, s, off, 0);
const LDDW = (dst: number, v: bigint, src = 0, imm2?: number): Buffer => {
  const u = BigInt.asUintN(64, v);
  return Buffer.concat([I(0x18, dst, src, 0, Number(BigInt.asIntN(32, u & 0xffffffffn))), I(0, 0, 0, 0, imm2 ?? Number(BigInt.asIntN(32, u >> 32n)))]);
};
/** Bytes onto the stack at fp+off (8-byte stores; `bytes` is zero-padded to a multiple of 8). */
const stackBytes = (off: number, bytes: Uint8Array): Buffer => {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 8) {
    let v = 0n;
    for (let k = 7; k >= 0; k--) v = (v << 8n) | BigInt(bytes[i + k] ?? 0);
    parts.push(LDDW(1, v), STXDW(10, 1, off + i));
  }
  return Buffer.concat(parts);
};
const ascii = (s: string): Uint8Array => Uint8Array.from([...s].map((c) => c.charCodeAt(0)));
/** XDP epilogue: copy `n` (multiple of 8) stack bytes from fp+off into the packet, then return r7. */
const dumpToPacket = (off: number, n: number): Buffer => Buffer.concat([
  LDXW(2, 6, 0), LDXW(3, 6, 4), MOVR(4, 2), ADDK(4, n), JGTR(4, 3, 2 * (n / 8)),
  ...Array.from({ length: n / 8 }, (_, k) => Buffer.concat([LDXDW(5, 10, off + 8 * k), STXDW(2, 5, 8 * k)])),
  MOVR(0, 7), EXIT,
]);

function frame(opts: { ethType?: number; tos?: number; v6?: boolean; vlan?: boolean; len?: number } = {}): Uint8Array {
  if (opts.len !== undefined && opts.len < 96) return frame({ ...opts, len: undefined }).slice(0, opts.len);
  const f = new Uint8Array(opts.len ?? 96);
  f.set([0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 0x02, 0x66, 0x77, 0x88, 0x99, 0xaa], 0);
  let at = 12;
  if (opts.vlan) { f.set([0x81, 0x00, 0x00, 0x64], 12); at = 16; }
  const type = opts.ethType ?? (opts.v6 ? 0x86dd : 0x0800);
  f[at] = type >> 8; f[at + 1] = type & 0xff;
  const ip = at + 2;
  for (let i = ip; i < f.length; i++) f[i] = (i * 41 + 3) & 0xff;
  if (type === 0x0800) {
    f.set([0x45, opts.tos ?? 0, 0, f.length - ip, 0x12, 0x34, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2], ip);
    const c = internetChecksum(f, ip, ip + 20);
    f[ip + 10] = c >> 8; f[ip + 11] = c & 0xff;
    f.set([0x30, 0x39, 0x00, 0x35, 0, f.length - ip - 20, 0, 0], ip + 20);
  } else if (type === 0x86dd) {
    const tc = opts.tos ?? 0;
    f.set([0x60 | (tc >> 4), (tc & 0xf) << 4, 0, 0, 0, f.length - ip - 40, 17, 64], ip);
    f.fill(0, ip + 8, ip + 40);
    f[ip + 23] = 1; f[ip + 39] = 2;
  }
  return f;
}

interface RawCase { name: string; type: TestRunType; prog: Buffer; data: Uint8Array; ctx?: Uint8Array }

function compareRaw(cases: RawCase[]): { differ: string[]; compared: number; kernel: string[] } {
  const out = probe(cases.map((c) => `T ${PROG_TYPES[c.type].id} 0 ${c.prog.toString('hex')} ${hex(c.data)} ${hex(c.ctx)}`));
  const differ: string[] = [];
  let compared = 0;
  cases.forEach((c, i) => {
    const k = out[i]!.split(' ');
    const ours = runTestRun(programFromBytes(new Uint8Array(c.prog)), { type: c.type, dataIn: c.data, ctxIn: c.ctx });
    if (k[0] !== 'run') {
      if (k[2] === 'load') differ.push(`${c.name}: the kernel refused to load it (errno ${k[1]})`);
      else if (ours.errno !== Number(k[1])) differ.push(`${c.name}: kernel test_run errno ${k[1]}, bpfplay ${ours.errno ?? 'ran'}`);
      return;
    }
    if (!ours.output || ours.run?.fault) {
      differ.push(`${c.name}: kernel ${k[1]}, bpfplay failed: ${[...ours.diagnostics.map((d) => d.message), ours.run?.fault?.message].filter(Boolean).join('; ')}`);
      return;
    }
    const got = [String(ours.output.retval), hex(ours.output.dataOut)];
    if (got[0] !== k[1] || got[1] !== k[2]) differ.push(`${c.name}: kernel ${k[1]} ${k[2]!.slice(0, 120)} / bpfplay ${got[0]} ${got[1]!.slice(0, 120)}`);
    compared++;
  });
  return { differ, compared, kernel: out };
}

// ---- strtol / strtoul ----
const STRINGS = [
  '123', ' 123', '-42', '+5', '0x1f', '0X1F', '017', '0x', '0xg', '  -0', '\t\n7z', '0', 'ff', '777', '89', 'abc', '12abc', '-', ' ', '-x',
  '9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775809', '18446744073709551615', '18446744073709551616',
  '0xffffffffffffffff', '0x10000000000000000', '-0x10', '0' .repeat(70) + '12', '1'.repeat(70),
];
function strtoxProg(id: 105 | 106, s: string, len: number, flags: number): Buffer {
  const bytes = new Uint8Array(Math.ceil((s.length + 1) / 8) * 8);
  bytes.set(ascii(s));
  return Buffer.concat([
    MOVR(6, 1), stackBytes(-96, bytes), STW(10, -8, 0x5555), STW(10, -4, 0x5555),
    MOVR(1, 10), ADDK(1, -96), MOV(2, len), MOV(3, flags), MOVR(4, 10), ADDK(4, -8), CALL(id), MOVR(7, 0),
    dumpToPacket(-8, 8),
  ]);
}

describe.skipIf(!oracle.ok || !cc)(`the session-2 helpers equal the kernel ${oracle.reason}`, () => {
  it('strtol and strtoul: return value (bytes consumed or errno) and *res for edge strings, bases and flags', () => {
    const cases: RawCase[] = [];
    const data = frame();
    for (const id of [105, 106] as const)
      for (const s of STRINGS)
        for (const flags of [0, 8, 10, 16, 2, 0x20, 0x110]) {
          if (flags === 0x20 && s !== '123') continue;
          for (const len of new Set([Math.max(1, s.length), s.length + 1, Math.max(1, s.length - 1)]))
            if (len <= 80) cases.push({ name: `${id === 105 ? 'strtol' : 'strtoul'}(${JSON.stringify(s)}, len ${len}, flags ${flags})`, type: 'xdp', prog: strtoxProg(id, s, len, flags), data });
        }
    const r = compareRaw(cases);
    console.log(`strtol/strtoul: ${cases.length} programs, ${r.compared} compared, ${r.differ.length} differ`);
    expect(r.differ).toEqual([]);
    expect(r.compared).toBe(cases.length);
  });

  it('skb metadata helpers: clone_redirect, hash, cgroup ancestors, route realm, csum_level, netns cookie, lookups, sk_fullsock/tcp_sock', () => {
    const cases: RawCase[] = [];
    const data = frame();
    const gsoCtx = new Uint8Array(192);
    new DataView(gsoCtx.buffer).setUint32(176, 1400, true);
    new DataView(gsoCtx.buffer).setUint32(164, 2, true);
    for (const [ifindex, flags] of [[1, 0], [1, 1], [1, 2], [99, 0], [0, 0], [1, 0x10]] as const)
      for (const t of ['sched_cls', 'lwt_xmit'] as TestRunType[])
        cases.push({ name: `clone_redirect(${ifindex}, ${flags}) ${t}`, type: t, data, prog: Buffer.concat([MOV(2, ifindex), MOV(3, flags), CALL(13), EXIT]) });
    cases.push({ name: 'clone_redirect of a GSO skb without gso_type', type: 'sched_cls', data, ctx: gsoCtx, prog: Buffer.concat([MOV(2, 1), MOV(3, 0), CALL(13), EXIT]) });
    // hash sequences: r0 = the last helper's result, or ctx->hash
    const hashProgs: [string, Buffer][] = [
      ['ctx->hash initially', Buffer.concat([LDXW(0, 1, 68), EXIT])],
      ['set_hash then get_hash_recalc', Buffer.concat([MOVR(6, 1), LDDW(2, 0xabcdef01n), CALL(48), MOVR(1, 6), CALL(34), EXIT])],
      ['set_hash then ctx->hash', Buffer.concat([MOVR(6, 1), MOV(2, 77), CALL(48), LDXW(0, 6, 68), EXIT])],
      ['set_hash, set_hash_invalid, ctx->hash', Buffer.concat([MOVR(6, 1), MOV(2, 5), CALL(48), MOVR(1, 6), CALL(41), LDXW(0, 6, 68), EXIT])],
      ['get_hash_recalc is non-zero and lands in ctx->hash', Buffer.concat([MOVR(6, 1), CALL(34), LDXW(2, 6, 68), MOV(3, 7), JNEK(0, 0, 1), MOV(3, 9), I(0x5d, 0, 2, 1, 0), MOV(3, 1), MOVR(0, 3), EXIT])],
      ['get_hash_recalc twice is stable', Buffer.concat([MOVR(6, 1), CALL(34), MOVR(7, 0), MOVR(1, 6), CALL(34), I(0xaf, 0, 7, 0, 0), EXIT])],
      ['set_hash_invalid return', Buffer.concat([CALL(41), EXIT])],
      ['set_hash return', Buffer.concat([MOV(2, 3), CALL(48), EXIT])],
    ];
    for (const [name, prog] of hashProgs) cases.push({ name, type: 'sched_cls', data, prog });
    cases.push({ name: 'get_hash_recalc non-zero (lwt_out)', type: 'lwt_out', data, prog: Buffer.concat([CALL(34), MOV(2, 1), JNEK(0, 0, 1), MOV(2, 0), MOVR(0, 2), EXIT]) });
    for (const level of [0, 1, 5, 1000]) for (const t of ['sched_cls', 'cgroup_skb'] as TestRunType[])
      cases.push({ name: `skb_ancestor_cgroup_id(${level}) ${t}`, type: t, data, prog: Buffer.concat([MOV(2, level), CALL(83), MOV(2, 1), JEQK(0, 1, 1), MOV(2, 0), MOVR(0, 2), EXIT]) });
    for (const t of ['sched_cls', 'lwt_in'] as TestRunType[]) cases.push({ name: `get_route_realm ${t}`, type: t, data, prog: Buffer.concat([CALL(24), EXIT]) });
    const csumSeqs = [[0], [1, 0], [1, 1, 0], [1, 1, 1, 1, 1, 0], [1, 2, 0], [1, 1, 2, 0], [1, 3, 0], [2, 0], [3, 0], [7], [4], [1, 1, 2, 2, 2, 0]];
    for (const seq of csumSeqs)
      cases.push({
        name: `csum_level ${seq.join(',')}`, type: 'sched_cls', data,
        prog: Buffer.concat([MOVR(6, 1), MOV(7, 0), ...seq.map((l) => Buffer.concat([MOVR(1, 6), MOV(2, l), CALL(135), MULK(7, 33), ADDR(7, 0)])), MOVR(0, 7), EXIT]),
      });
    for (const t of ['socket_filter', 'sched_cls', 'cgroup_skb'] as TestRunType[]) {
      cases.push({ name: `get_netns_cookie ${t}`, type: t, data, prog: Buffer.concat([CALL(122), ...(t === 'cgroup_skb' ? [MOV(2, 0), JNEK(0, 3, 1), MOV(2, 1), MOVR(0, 2)] : []), EXIT]) });
      if (t !== 'cgroup_skb') cases.push({ name: `get_netns_cookie >> 32 ${t}`, type: t, data, prog: Buffer.concat([CALL(122), RSH(0, 32), EXIT]) });
    }
    // Lookups: tuples nothing matches (TEST-NET-3 addresses, port 1), bad sizes, flags and netns ids.
    const v4 = new Uint8Array(16); v4.set([203, 0, 113, 7, 203, 0, 113, 9, 0, 1, 0, 1]);
    const v6 = new Uint8Array(40); v6.set([0x20, 0x01, 0x0d, 0xb8], 0); v6[15] = 7; v6.set([0x20, 0x01, 0x0d, 0xb8], 16); v6[31] = 9; v6.set([0, 1, 0, 1], 32);
    for (const id of [84, 85, 99])
      for (const [tuple, size, netns, flags] of [[v4, 12, -1, 0], [v6, 36, -1, 0], [v4, 13, -1, 0], [v4, 12, -1, 1], [v4, 12, 0, 0], [v4, 12, 0x7fffffff, 0]] as [Uint8Array, number, number, number][])
        for (const t of ['sched_cls', 'xdp'] as TestRunType[])
          cases.push({
            name: `lookup ${id} size ${size} netns ${netns} flags ${flags} ${t}`, type: t, data,
            prog: Buffer.concat([MOVR(6, 1), stackBytes(-48, tuple), MOVR(1, 6), MOVR(2, 10), ADDK(2, -48), MOV(3, size), LDDW(4, BigInt(netns)), MOV(5, flags), CALL(id), JEQK(0, 0, 4), MOVR(1, 0), CALL(86), MOV(0, 1), EXIT, MOV(0, 2), EXIT]),
          });
    // skb->sk: sk_fullsock, then family | type << 8 | protocol << 16 | (tcp_sock != NULL) << 24
    for (const t of ['sched_cls', 'cgroup_skb'] as TestRunType[])
      cases.push({
        name: `sk_fullsock and tcp_sock ${t}`, type: t, data,
        prog: Buffer.concat([
          LDXDW(1, 1, 168), MOV(0, t === 'cgroup_skb' ? 0 : 100), JNEK(1, 0, 1), EXIT, CALL(95), MOVR(6, 0), MOV(0, t === 'cgroup_skb' ? 0 : 200), JNEK(6, 0, 1), EXIT,
          LDXW(7, 6, 4), LDXW(2, 6, 8), I(0x67, 2, 0, 0, 8), ADDR(7, 2), LDXW(2, 6, 12), I(0x67, 2, 0, 0, 16), ADDR(7, 2),
          MOVR(1, 6), CALL(96), JEQK(0, 0, 1), ADDK(7, 1 << 24), MOVR(0, 7), ...(t === 'cgroup_skb' ? [MOV(0, 0), JNEK(7, 2, 1), MOV(0, 1)] : []), EXIT,
        ]),
      });
    const r = compareRaw(cases);
    console.log(`skb metadata helpers: ${cases.length} programs, ${r.compared} compared, ${r.differ.length} differ`);
    expect(r.differ).toEqual([]);
    expect(r.compared).toBeGreaterThan(cases.length - 2);
  });

  it('skb_ecn_set_ce on every ECN codepoint: return value and the packet (IPv4 header checksum updated)', () => {
    const cases: RawCase[] = [];
    const frames: [string, Uint8Array][] = [];
    for (const tos of [0x00, 0x01, 0x02, 0x03, 0xb8, 0xb9, 0xba, 0xbb]) frames.push([`IPv4 tos ${tos}`, frame({ tos })], [`IPv6 tclass ${tos}`, frame({ v6: true, tos })]);
    frames.push(['VLAN IPv4 tos 2', frame({ vlan: true, tos: 2 })], ['ARP', frame({ ethType: 0x0806 })], ['IPv4 header cut short', frame({ tos: 2, len: 30 })]);
    for (const [name, data] of frames)
      for (const t of ['sched_cls', 'cgroup_skb'] as TestRunType[]) cases.push({ name: `${name} ${t}`, type: t, data, prog: Buffer.concat([CALL(97), I(0x57, 0, 0, 0, 1), EXIT]) });
    const r = compareRaw(cases);
    console.log(`skb_ecn_set_ce: ${cases.length} programs, ${r.compared} compared, ${r.differ.length} differ`);
    expect(r.differ).toEqual([]);
    // The rewritten IPv4 headers still carry valid checksums.
    for (const c of cases.filter((x) => x.type === 'sched_cls' && x.name.startsWith('IPv4 tos'))) {
      const out = runTestRun(programFromBytes(new Uint8Array(c.prog)), { type: c.type, dataIn: c.data }).output!.dataOut;
      expect(internetChecksum(out, 14, 34), c.name).toBe(0);
      expect(out[15]! & 3, c.name).toBe((c.data[15]! & 3) === 0 ? 0 : 3);
    }
  });

  it('tunnel keys: set then get in every layout and flag combination, get without set', () => {
    const cases: RawCase[] = [];
    const data = frame({ len: 128 });
    const key = new Uint8Array(48);
    const dv = new DataView(key.buffer);
    dv.setUint32(0, 0x00abcdef, true);
    key.set([0xc0, 0xa8, 0x01, 0x02, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 5], 4);
    key[20] = 0x2e; key[21] = 17;
    dv.setUint32(24, 0, true);
    key.set([0x0a, 0x00, 0x00, 0x09, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 6], 28);
    const keyLabel = key.slice(); new DataView(keyLabel.buffer).setUint32(24, 0x123456, true);
    const setGet = (k: Uint8Array, setSize: number, setFlags: number, getSize: number, getFlags: number, doSet = true): Buffer => Buffer.concat([
      MOVR(6, 1), stackBytes(-48, k), stackBytes(-96, new Uint8Array(48).fill(0xee)),
      ...(doSet ? [MOVR(1, 6), MOVR(2, 10), ADDK(2, -48), MOV(3, setSize), MOV(4, setFlags), CALL(21), MOVR(7, 0), I(0x67, 7, 0, 0, 8)] : [MOV(7, 0)]),
      MOVR(1, 6), MOVR(2, 10), ADDK(2, -96), MOV(3, getSize), MOV(4, getFlags), CALL(20), I(0x57, 0, 0, 0, 0xff), ADDR(7, 0),
      LDXW(2, 6, 76), LDXW(3, 6, 80), MOVR(4, 2), ADDK(4, 48), JGTR(4, 3, 12),
      ...Array.from({ length: 6 }, (_, q) => Buffer.concat([LDXDW(5, 10, -96 + 8 * q), STXDW(2, 5, 8 * q)])),
      MOVR(0, 7), EXIT,
    ]);
    for (const [k, kname] of [[key, 'key'], [keyLabel, 'key+label']] as const)
      for (const setFlags of [0, 1, 2, 4, 8, 16, 0x20, 1 | 4])
        for (const [getSize, getFlags] of [[44, 0], [44, 1], [44, 16], [44, 17], [28, 0], [24, 0], [22, 0], [8, 0], [30, 0], [44, 2]])
          cases.push({ name: `${kname} set(44, ${setFlags}) get(${getSize}, ${getFlags})`, type: 'sched_cls', data, prog: setGet(k, 44, setFlags, getSize, getFlags) });
    for (const setSize of [28, 24, 22, 8, 40, 0x2c + 4]) cases.push({ name: `set(${setSize}) get(44)`, type: 'sched_cls', data, prog: setGet(key, setSize, 0, 44, 0) });
    cases.push({ name: 'get without set', type: 'sched_cls', data, prog: setGet(key, 44, 0, 44, 0, false) });
    // Options: [set_tunnel_key] set_tunnel_opt(fp-48, n) then get_tunnel_opt(fp-96, m); r0 = rc1 << 8 | rc2 & 0xff; the 48-byte buffer in the packet.
    const opts = (withKey: boolean, n: number, m: number, flagsGet = -1): Buffer => Buffer.concat([
      MOVR(6, 1), stackBytes(-48, Uint8Array.from({ length: 48 }, (_, q) => q * 7 + 1)), stackBytes(-96, new Uint8Array(48).fill(0xee)), stackBytes(-144, key),
      ...(withKey ? [MOVR(1, 6), MOVR(2, 10), ADDK(2, -144), MOV(3, 44), MOV(4, 0), CALL(21)] : []),
      MOVR(1, 6), MOVR(2, 10), ADDK(2, -48), MOV(3, n), CALL(30), MOVR(7, 0), I(0x67, 7, 0, 0, 8),
      MOVR(1, 6), MOVR(2, 10), ADDK(2, -96), MOV(3, m), CALL(29), I(0x57, 0, 0, 0, 0xff), ADDR(7, 0),
      ...(flagsGet >= 0 ? [MOVR(1, 6), MOVR(2, 10), ADDK(2, -144), MOV(3, 44), MOV(4, flagsGet), CALL(20), I(0x67, 7, 0, 0, 8), I(0x57, 0, 0, 0, 0xff), ADDR(7, 0), LDXDW(1, 10, -128), STXDW(10, 1, -56)] : []),
      LDXW(2, 6, 76), LDXW(3, 6, 80), MOVR(4, 2), ADDK(4, 56), JGTR(4, 3, 14),
      ...Array.from({ length: 7 }, (_, q) => Buffer.concat([LDXDW(5, 10, -96 + 8 * q - (q === 6 ? 0 : 0)), STXDW(2, 5, 8 * q)])),
      MOVR(0, 7), EXIT,
    ]);
    for (const [n, m] of [[8, 8], [8, 16], [8, 4], [12, 48], [6, 8], [48, 48], [4, 1]]) cases.push({ name: `set_tunnel_opt(${n}) get_tunnel_opt(${m})`, type: 'sched_cls', data, prog: opts(true, n, m) });
    cases.push({ name: 'set_tunnel_opt without a tunnel key', type: 'sched_cls', data, prog: opts(false, 8, 8) });
    cases.push({ name: 'tunnel flags with options present', type: 'sched_cls', data, prog: opts(true, 8, 8, 16) });
    const r = compareRaw(cases);
    console.log(`tunnel keys: ${cases.length} programs, ${r.compared} compared, ${r.differ.length} differ`);
    expect(r.differ).toEqual([]);
  });

  it('trace_vprintk (and trace_printk): the length written for accepted formats, -EINVAL for refused ones', () => {
    const cases: RawCase[] = [];
    const data = frame();
    const fmts: [string, (bigint | 'ip4' | 'ip6' | 'str')[]][] = [
      ['hello', []], ['%d %u %x', [5n, 6n, 255n]], ['%lld|%llu|%llx|%lX', [-1n, -1n, -1n, 0xabcn]], ['%5d|%-5d|%05d|%+d|% d', [42n, 42n, 42n, 42n, 42n]],
      ['%c%c', [0x41n, 0x42n]], ['%pI4', ['ip4']], ['%pi4', ['ip4']], ['%pI6', ['ip6']], ['%pi6', ['ip6']], ['%px', [0x1234n]], ['%p %pK', [0n, 0n]],
      ['%s!', ['str']], ['%pks.', ['str']], ['%ps', [0x10n]], ['%pS', [0n]], ['%pB', [0x1234n]], ['%%d', []],
      ['%.2d', [1n]], ['%sx', ['str']], ['%q', [1n]], ['%d %d', [1n]], ['%pI5', ['ip4']], ['%pZ', [1n]], ['%hd', [1n]], ['%ld', [7n]],
      ['%d'.repeat(12), Array.from({ length: 12 }, (_, i) => BigInt(i))], ['%d'.repeat(13), Array.from({ length: 13 }, (_, i) => BigInt(i))],
    ];
    const ip = new Uint8Array(16); ip.set([192, 0, 2, 1, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 1]);
    for (const [fmt, args] of fmts) {
      const fb = new Uint8Array(Math.ceil((fmt.length + 1) / 8) * 8);
      fb.set(ascii(fmt));
      const argWords: Buffer[] = [];
      args.forEach((a, i) => {
        if (typeof a === 'bigint') argWords.push(LDDW(1, a), STXDW(10, 1, -400 + 8 * i));
        else argWords.push(MOVR(1, 10), ADDK(1, a === 'ip4' ? -440 : a === 'ip6' ? -440 : -456), STXDW(10, 1, -400 + 8 * i));
      });
      const dataLen = Math.min(args.length, 13) * 8;
      cases.push({
        name: `trace_vprintk(${JSON.stringify(fmt)})`, type: 'xdp', data,
        prog: Buffer.concat([stackBytes(-440, ip), stackBytes(-456, ascii('bpfplay\0')), stackBytes(-200, fb), ...argWords,
          MOVR(1, 10), ADDK(1, -200), MOV(2, fmt.length + 1), MOVR(3, 10), ADDK(3, -400), MOV(4, dataLen), ...(dataLen === 0 ? [MOV(3, 0)] : []), CALL(177), EXIT]),
      });
    }
    // fmt_size beyond the NUL (bytes after it are ignored), and no NUL within fmt_size
    for (const [bytes, size] of [['ab\0cd\0\0\0', 5], ['ab\0cd\0\0\0', 3], ['abcd\0\0\0\0', 4], ['%d\0%s\0\0\0', 6]] as const)
      for (const [id, t] of [[177, 'trace_vprintk'], [6, 'trace_printk']] as const)
        cases.push({
          name: `${t}(${JSON.stringify(bytes)}, size ${size})`, type: 'xdp', data,
          prog: Buffer.concat([stackBytes(-200, ascii(bytes)), MOVR(1, 10), ADDK(1, -200), MOV(2, size), MOV(3, 0), MOV(4, 0), ...(id === 6 ? [MOV(3, 7), MOV(5, 0)] : []), CALL(id), EXIT]),
        });
    const r = compareRaw(cases);
    console.log(`trace_vprintk: ${cases.length} programs, ${r.compared} compared, ${r.differ.length} differ`);
    expect(r.differ).toEqual([]);
  });

  it('snprintf and strncmp with constant strings in a read-only .rodata map (bpftool loads them)', () => {
    // .rodata: the format strings and comparison strings, NUL-separated; programs reference them by offset.
    const strs = ['%d-%u', '%s|%5s|%-4s|', '%pI4 %pi6', '%lx %llX %c', 'plain', '%d %d %d %d %d %d %d %d %d %d %d %d', 'abc', 'abd', 'ab', '', 'ABC'];
    const offs: number[] = [];
    const ro: number[] = [];
    for (const s of strs) { offs.push(ro.length); ro.push(...ascii(s), 0); }
    while (ro.length % 8) ro.push(0);
    const rodata = { name: '.rodata', type: 'array', keySize: 4, valueSize: ro.length, maxEntries: 1, flags: 0x80, initial: [{ key: '00000000', value: Buffer.from(ro).toString('hex') }] };
    const cases: KdiffCase[] = [];
    const data = frame({ len: 128 });
    const mk = (name: string, body: Buffer): void => {
      const id = cases.length;
      const p: Program = { ...programFromBytes(new Uint8Array(Buffer.concat([MOVR(6, 1), body]))), maps: [rodata], funcs: { 0: `s${id}` }, progType: 'xdp', license: 'GPL' };
      cases.push({ id, name: `s${id}`, flavour: 'xdp', program: p, data, rows: [], ...{ access: name } } as KdiffCase);
    };
    const ipBytes = new Uint8Array(16); ipBytes.set([198, 51, 100, 7, 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x42]);
    const argsFor: Record<number, (bigint | 'str' | 'ip4' | 'ip6')[]> = {
      0: [-7n, -7n], 1: ['str', 'str', 'str'], 2: ['ip4', 'ip6'], 3: [0xdeadbeefn, 0x1234567890abcdefn, 0x7an], 4: [], 5: Array.from({ length: 12 }, (_, i) => BigInt(i * 11)),
    };
    for (const [fi, args] of Object.entries(argsFor))
      for (const size of [0, 1, 5, 64]) {
        const argWords: Buffer[] = [];
        args.forEach((a, i) => {
          if (typeof a === 'bigint') argWords.push(LDDW(1, a), STXDW(10, 1, -240 + 8 * i));
          else argWords.push(MOVR(1, 10), ADDK(1, a === 'ip4' ? -272 : a === 'ip6' ? -268 : -288), STXDW(10, 1, -240 + 8 * i));
        });
        mk(`snprintf(${strs[+fi]}, size ${size})`, Buffer.concat([
          stackBytes(-272, new Uint8Array([...ipBytes.subarray(0, 4), ...ipBytes, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])), stackBytes(-288, ascii('bpf\0\0\0\0\0')),
          stackBytes(-80, new Uint8Array(64).fill(0x2a)), ...argWords,
          MOVR(1, 10), ADDK(1, -80), MOV(2, size), LDDW(3, 0n, 2, offs[+fi]), MOVR(4, 10), ADDK(4, -240), MOV(5, args.length * 8), ...(args.length ? [] : [MOV(4, 0)]),
          CALL(165), MOVR(7, 0), dumpToPacket(-80, 64),
        ]));
      }
    for (const [a, b] of [[6, 7], [7, 6], [6, 8], [6, 9], [6, 10], [6, 6]])
      for (const n of [1, 2, 3, 4, 8]) {
        const s1 = new Uint8Array(8); s1.set(ascii(strs[a]!));
        mk(`strncmp(${strs[a]}, ${n}, ${strs[b]})`, Buffer.concat([stackBytes(-16, s1), MOVR(1, 10), ADDK(1, -16), MOV(2, n), LDDW(3, 0n, 2, offs[b]), CALL(182), EXIT]));
      }
    const k = runInKernel(cases);
    expect(k.rejected.map((x) => `${x.id}: ${x.log}`)).toEqual([]);
    const cmp = compareWith(cases, k, (c) => runCaseInVm(c.program, c.flavour, c.data, 'fast'));
    const differ = cmp.disagree.map((d) => `${(cases[d.id] as unknown as { access: string }).access}: kernel ${d.kernel.retval} ${hex(d.kernel.dataOut).slice(0, 140)} / bpfplay ${d.vm.retval} ${hex(d.vm.dataOut).slice(0, 140)}${d.vm.error ? ` (${d.vm.error})` : ''}`);
    console.log(`snprintf/strncmp: ${cases.length} programs, ${cmp.agree} agree, ${differ.length} differ`);
    expect(differ).toEqual([]);
    expect(cmp.kernelErrors).toEqual([]);
  });

  it("the kernel's clocks relate as bpfplay's model assumes (HZ, INITIAL_JIFFIES, tick-granular coarse clock, boot >= mono, TAI = UTC + the kernel's TAI offset)", () => {
    // r6 = ktime_get_ns, r7 = jiffies64, r8 = ktime_get_coarse_ns, r9 = ktime_get_boot_ns; results in the packet.
    const prog = Buffer.concat([
      MOVR(6, 1), CALL(5), STXDW(10, 0, -8), CALL(118), STXDW(10, 0, -16), CALL(160), STXDW(10, 0, -24), CALL(125), STXDW(10, 0, -32), CALL(208), STXDW(10, 0, -40),
      MOV(7, 0), dumpToPacket(-40, 40),
    ]);
    const out = probe([`T ${PROG_TYPES.xdp.id} 0 ${prog.toString('hex')} ${hex(frame())} -`])[0]!.split(' ');
    const nowUtcNs = BigInt(Date.now()) * 1_000_000n;
    expect(out[0]).toBe('run');
    const b = Buffer.from(out[2]!, 'hex');
    const [tai, boot, coarse, jiffies, mono] = [0, 8, 16, 24, 32].map((o) => b.readBigUInt64LE(o));
    const tick = 1_000_000_000n / BigInt(HZ);
    console.log(`kernel clocks: mono ${mono} boot ${boot} coarse ${coarse} jiffies ${jiffies} tai ${tai} (UTC now ${nowUtcNs})`);
    // jiffies count ticks since INITIAL_JIFFIES; the monotonic clock starts a little later in boot.
    const ticks = BigInt.asUintN(64, jiffies! - INITIAL_JIFFIES);
    // (On the reference machine jiffies run about 60 ticks behind the monotonic clock: they start later in boot.)
    expect(ticks >= mono! / tick - 2n * BigInt(HZ) && ticks <= mono! / tick + 2n * BigInt(HZ)).toBe(true);
    expect(coarse! <= mono! + tick && mono! - coarse! < 3n * tick).toBe(true);
    expect(boot! >= mono!).toBe(true);
    const off = tai! - nowUtcNs;
    expect(off > TAI_OFFSET_NS - 1_000_000_000n && off < TAI_OFFSET_NS + 1_000_000_000n).toBe(true);
  });
});
