// Kernel differential for classic BPF. Route: a small C helper (worker/cbpf/kernel-helper.c, built
// here with the machine's cc) attaches each filter with SO_ATTACH_FILTER to an AF_PACKET socket
// bound to lo inside a private network namespace (so no other traffic reaches it), sends every frame
// on lo and reports whether it arrived and its length — the real socket-filter path, including
// bpf_check_classic() on attach and the kernel's view of the frame (eth_type_trans(), VLAN tags
// moved out of the frame by skb_vlan_untag()). The same helper loads bpfplay's eBPF translation with
// BPF_PROG_LOAD (the kernel verifier must accept it) and runs it with BPF_PROG_TEST_RUN, whose skb
// starts at the network header. Both must agree with bpfplay's interpreter on every case.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kernelOracle, which } from '../testing/kernel';
import { slotsToBytes } from '../isa/insn';
import { checkClassic, checkSeccomp } from './check';
import { compileFilter } from './compile/index';
import { convertClassic } from './convert';
import { filtersToBytes, SKF_AD_OFF, type SockFilter } from './insn';
import { AUDIT_ARCH_X86_64, run, type SkbContext } from './interp';
import { breakFilter, randomFilter, randomSeccompFilter } from './testing-filters';
import { genPackets } from './testing-packets';
import { readFileSync } from 'node:fs';
import { parseCbpf } from './index';

const oracle = kernelOracle();
const cc = which('cc') ?? which('gcc');
const skipReason = !oracle.ok ? oracle.reason : !cc ? 'no C compiler (cc/gcc) to build the SO_ATTACH_FILTER helper' : '';
if (skipReason) console.log(`cbpf kernel differential skipped: ${skipReason}`);

function buildHelper(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'bpfplay-cbpf-'));
  const bin = path.join(dir, 'kernel-helper');
  execFileSync(cc!, ['-O1', '-o', bin, path.join(__dirname, 'kernel-helper.c')], { stdio: 'pipe' });
  return bin;
}

function encode(progs: { insns: Uint8Array; frames: Uint8Array[] }[]): Buffer {
  const parts: Buffer[] = [];
  const u32 = (v: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v >>> 0);
    return b;
  };
  parts.push(u32(progs.length));
  for (const p of progs) {
    parts.push(u32(p.insns.length / 8), Buffer.from(p.insns), u32(p.frames.length));
    for (const f of p.frames) parts.push(u32(f.length), Buffer.from(f));
  }
  return Buffer.concat(parts);
}

function runHelper(bin: string, mode: 'attach' | 'testrun' | 'seccomp', input: Buffer): { rc: string; results: string[] }[] {
  const r = spawnSync(bin, [mode], { input, maxBuffer: 1 << 28, timeout: 600_000 });
  const out = r.stdout.toString();
  if (r.status !== 0) throw new Error(`helper ${mode} failed (${r.status}): ${out.slice(0, 200)} ${r.stderr}`);
  const res: { rc: string; results: string[] }[] = [];
  for (const line of out.split('\n')) {
    if (line.startsWith('F ')) res.push({ rc: line.slice(2), results: [] });
    else if (line.startsWith('P ')) res[res.length - 1]!.results.push(line.slice(2));
    else if (line.startsWith('E ')) throw new Error(`helper: ${line}`);
  }
  return res;
}

/** eth_type_trans() on lo: dev_addr and dev->broadcast are both 00:00:00:00:00:00 (loopback_setup()
 * does not call ether_setup()), so every group address, ff:ff:ff:ff:ff:ff too, is PACKET_MULTICAST. */
function ethTypeTrans(frame: Uint8Array): { protocol: number; pktType: number } {
  const d = frame.subarray(0, 6);
  let pktType = 0;
  if (d[0]! & 1) pktType = 2;
  else if (!d.every((b) => b === 0)) pktType = 3;
  const proto = (frame[12]! << 8) | frame[13]!;
  let protocol: number;
  if (proto >= 0x600) protocol = proto;
  else protocol = frame.length >= 16 && frame[14] === 0xff && frame[15] === 0xff ? 0x0001 : 0x0004;
  return { protocol, pktType };
}

/** What a packet socket on lo sees: one 802.1Q/802.1ad tag moved out of the frame (skb_vlan_untag). */
function packetSocketView(frame: Uint8Array): SkbContext {
  const et = (frame[12]! << 8) | frame[13]!;
  const base = { kind: 'skb' as const, ifindex: 1, hatype: 772, netOff: 14, macOff: 0, dataOff: 0 };
  if ((et === 0x8100 || et === 0x88a8) && frame.length >= 18) {
    const view = new Uint8Array(frame.length - 4);
    view.set(frame.subarray(0, 12), 0);
    view.set(frame.subarray(16), 12);
    const { pktType } = ethTypeTrans(frame);
    const inner = (frame[16]! << 8) | frame[17]!;
    const protocol = inner >= 0x600 ? inner : frame.length >= 20 && frame[18] === 0xff && frame[19] === 0xff ? 1 : 4;
    return { ...base, frame: view, protocol, pktType, vlanTci: (frame[14]! << 8) | frame[15]!, vlanPresent: true, vlanTpid: et };
  }
  return { ...base, frame, ...ethTypeTrans(frame) };
}

function framesFor(seed: number, count: number): Uint8Array[] {
  return genPackets(count * 2, seed, [0x800, 0x86dd, 6, 17, 80, 53, 0x0a000001])
    .filter((p) => p.length >= 14)
    .filter((p) => {
      const et = (p[12]! << 8) | p[13]!;
      return !((et === 0x8100 || et === 0x88a8) && p.length < 24);
    })
    .slice(0, count);
}

describe.skipIf(!!skipReason)('classic BPF against the kernel', () => {
  const bin = skipReason ? '' : buildHelper();
  const goldens = readFileSync(path.resolve(__dirname, '../../testdata/cbpf/tcpdump-goldens.jsonl'), 'utf8')
    .trim().split('\n').slice(1).map((l) => JSON.parse(l) as { expr: string; d?: string });

  // A private network namespace needs CAP_SYS_ADMIN: probe once, and skip (with the reason) where it is denied.
  const nsProbe = skipReason ? '' : spawnSync(bin, ['attach'], { input: Buffer.alloc(4) }).stdout.toString();
  const nsReason = nsProbe.startsWith('E ') ? `cannot make a private network namespace for the loopback test (${nsProbe.trim()})` : '';
  if (nsReason) console.log(`cbpf SO_ATTACH_FILTER differential skipped: ${nsReason}`);

  it.skipIf(!!nsReason)('SO_ATTACH_FILTER: accept/trim identical to the interpreter, and the same checker verdicts', () => {
    const progs: { prog: SockFilter[]; why: string }[] = [];
    for (const g of goldens) {
      const p = compileFilter(g.expr).program;
      if (p) progs.push({ prog: p, why: g.expr });
    }
    for (let s = 1; s <= 400; s++) progs.push({ prog: randomFilter(s), why: `random #${s}` });
    for (let s = 1; s <= 60; s++) {
      const b = breakFilter(randomFilter(1000 + s), s);
      progs.push({ prog: b.prog, why: `broken (${b.rule}) #${s}` });
    }
    // netlink attribute walks (#nla, #nlan) over frames that carry attribute chains after a 14-byte header
    const nlaProgs: { prog: SockFilter[]; why: string }[] = [];
    for (const anc of [12, 16])
      for (const off of [14, 18, 22])
        for (const type of [1, 2, 3, 5])
          nlaProgs.push({
            prog: parseCbpf(`ld #${off}\nldx #${type}\nld [${(SKF_AD_OFF + anc) >>> 0}]\nadd #1\nret a`).filters!,
            why: `${anc === 12 ? 'nla' : 'nlan'} off ${off} type ${type}`,
          });
    const nlaFrames = (seed: number): Uint8Array[] => {
      const r = genPackets(40, seed, []);
      return r.map((p, i) => {
        const out: number[] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x34];
        let k = 0;
        while (out.length < 14 + 8 + (p.length % 60)) {
          const len = 4 + ((p[k % Math.max(1, p.length)] ?? i) % 12);
          const nested = (p[(k + 1) % Math.max(1, p.length)] ?? 0) % 3 === 0;
          out.push(len & 0xff, 0, 1 + (k % 5), nested ? 0x80 : 0);
          for (let b = 4; b < len; b++) out.push(b % 3 === 0 ? 4 + (k % 7) : (p[(k + b) % Math.max(1, p.length)] ?? 0) % 6);
          while (out.length % 4 !== 2) out.push(0);
          k++;
        }
        return Uint8Array.from(out);
      });
    };
    progs.push(...nlaProgs);
    const perProg = 40;
    const firstNla = progs.length - nlaProgs.length;
    const cases = progs.map((p, i) => ({ insns: filtersToBytes(p.prog), frames: i >= firstNla ? nlaFrames(i) : framesFor(i + 1, perProg) }));
    const res = runHelper(bin, 'attach', encode(cases));
    expect(res.length).toBe(progs.length);
    let compared = 0;
    let lost = 0;
    let accepted = 0;
    let trimmed = 0;
    const mism: string[] = [];
    progs.forEach((p, i) => {
      const chk = checkClassic(p.prog);
      const kernelRc = Number(res[i]!.rc);
      if ((kernelRc === 0) !== chk.ok) mism.push(`${p.why}: kernel attach ${kernelRc}, bpfplay checker ${chk.ok ? 'ok' : chk.diagnostics[0]!.message}`);
      if (!chk.ok || kernelRc !== 0) return;
      cases[i]!.frames.forEach((frame, j) => {
        const got = res[i]!.results[j]!;
        if (got === 'lost') {
          lost++;
          return;
        }
        const ctx = packetSocketView(frame);
        const r = run(p.prog, ctx);
        const len = ctx.frame.length;
        const want = r.ret === 0 || r.ret === null ? -1 : Math.min(r.ret, len);
        if (want !== Number(got)) mism.push(`${p.why}: frame ${Buffer.from(frame).toString('hex')}: kernel ${got}, bpfplay ${want}`);
        compared++;
        if (want > 0) accepted++;
        if (want > 0 && want < len) trimmed++;
      });
    });
    console.log(`SO_ATTACH_FILTER: ${progs.length} filters, ${compared} (filter, frame) cases identical (${accepted} accepted, ${trimmed} trimmed), ${lost} frames not delivered by lo`);
    expect(mism.slice(0, 10)).toEqual([]);
    expect(compared).toBeGreaterThan(10_000);
    expect(lost).toBeLessThan(compared / 100);
  });

  it('the eBPF translation loads (kernel verifier) and BPF_PROG_TEST_RUN returns what the interpreter returns', () => {
    const progs: { prog: SockFilter[]; why: string }[] = [];
    for (const g of goldens) {
      const p = compileFilter(g.expr).program;
      // the kernel only converts what bpf_check_classic() accepts (protochain's backward loop is not)
      if (p && checkClassic(p).ok) progs.push({ prog: p, why: g.expr });
    }
    // ancillary fields with a __sk_buff form (no hatype: no UAPI field)
    for (let s = 1; s <= 400; s++) progs.push({ prog: randomFilter(5000 + s, { ancillary: [0, 4, 8, 20, 24, 40, 44, 48, 60] }), why: `random #${s}` });
    for (const p of progs) expect(checkClassic(p.prog).diagnostics, p.why).toEqual([]);
    const perProg = 30;
    const conv = progs.map((p) => convertClassic(p.prog));
    conv.forEach((c, i) => expect(c.diagnostics.filter((d) => d.severity === 'error'), progs[i]!.why).toEqual([]));
    const cases = progs.map((p, i) => ({ insns: slotsToBytes(conv[i]!.program!.slots), frames: framesFor(7000 + i, perProg) }));
    const res = runHelper(bin, 'testrun', encode(cases));
    let compared = 0;
    let refused = 0;
    const mism: string[] = [];
    progs.forEach((p, i) => {
      if (res[i]!.rc.split(' ')[0] !== '0') {
        mism.push(`${p.why}: BPF_PROG_LOAD rejected the translation: ${res[i]!.rc}`);
        return;
      }
      cases[i]!.frames.forEach((frame, j) => {
        const got = res[i]!.results[j]!;
        const et = (frame[12]! << 8) | frame[13]!;
        // BPF_PROG_TEST_RUN refuses (EINVAL) IPv4/IPv6 frames shorter than the fixed IP header.
        if (got === 'e22' && ((et === 0x0800 && frame.length < 14 + 20) || (et === 0x86dd && frame.length < 14 + 40))) {
          refused++;
          return;
        }
        const { protocol, pktType } = ethTypeTrans(frame);
        const r = run(p.prog, { kind: 'skb', frame, dataOff: 14, netOff: 14, macOff: 0, protocol, pktType, ifindex: 1, hatype: 772 });
        if (String(r.ret) !== got) mism.push(`${p.why}: frame ${Buffer.from(frame).toString('hex')}: test_run ${got}, bpfplay ${r.ret}`);
        compared++;
      });
    });
    console.log(`BPF_PROG_TEST_RUN of translations: ${progs.length} programs loaded, ${compared} runs identical (${refused} short IP frames refused by test_run)`);
    expect(mism.slice(0, 10)).toEqual([]);
    expect(compared).toBeGreaterThan(10_000);
  });

  it.skipIf(process.arch !== 'x64')('seccomp: install verdicts and syscall outcomes match the interpreter (x86_64)', () => {
    // Harmless system calls only (whatever the filter answers): getpid 39, getppid 110, getuid 102, gettid 186.
    const NRS = [39, 110, 102, 186];
    const progs: { prog: SockFilter[]; why: string }[] = [];
    for (let s = 1; s <= 150; s++) progs.push({ prog: randomSeccompFilter(s), why: `seccomp random #${s}` });
    // programs the seccomp checker must refuse
    const refuse = ['ldh [0]\nret a', 'ld [2]\nret a', 'ld [8]\nmod #3\nret a', 'ldx #1\nld [x + 0]\nret a', 'ldxb 4*([0]&0xf)\nret #0x7fff0000', 'ld [64]\nret a'];
    const asm = (t: string): SockFilter[] => parseCbpf(t).filters!;
    refuse.forEach((t, i) => progs.push({ prog: asm(t), why: `refused #${i}` }));
    const cases = progs.map((_, i) =>
      genPackets(12, 900 + i, []).map((p, j) => {
        const b = Buffer.alloc(56);
        b.writeBigUInt64LE(BigInt(NRS[(i + j) % NRS.length]!), 0);
        for (let a = 0; a < 6; a++) b.writeBigUInt64LE(BigInt.asUintN(64, BigInt(p[a] ?? 0) * 0x0102030405n + BigInt(j * a)), 8 + 8 * a);
        return new Uint8Array(b);
      }),
    );
    const res = runHelper(bin, 'seccomp', encode(progs.map((p, i) => ({ insns: filtersToBytes(p.prog), frames: cases[i]! }))));
    expect(res.length).toBe(progs.length);
    const mism: string[] = [];
    let compared = 0;
    const outcomes = new Map<string, number>();
    progs.forEach((p, i) => {
      const chk = checkSeccomp(p.prog);
      const rc = Number(res[i]!.rc);
      if ((rc === 0) !== chk.ok) mism.push(`${p.why}: kernel install ${rc}, bpfplay ${chk.ok ? 'ok' : chk.diagnostics[0]!.message}`);
      if (!chk.ok || rc !== 0) return;
      cases[i]!.forEach((rec, j) => {
        const dv = new DataView(rec.buffer);
        const nr = Number(dv.getBigUint64(0, true));
        const args = [0, 1, 2, 3, 4, 5].map((a) => dv.getBigUint64(8 + 8 * a, true));
        const r = run(p.prog, { kind: 'seccomp', nr, arch: AUDIT_ARCH_X86_64, instructionPointer: 0n, args }).ret!;
        const got = res[i]!.results[j]!.split(' ');
        const action = (r & 0xffff0000) >>> 0;
        const data = r & 0xffff;
        let want: string;
        if (action === 0x7fff0000 || action === 0x7ffc0000) {
          const [child, parent] = [got[3], got[4]];
          const val = nr === 110 ? parent : nr === 102 ? '0' : child;
          want = `r ${val} 0`;
        } else if (action === 0x00050000) want = data === 0 ? 'r 0 0' : `r -1 ${Math.min(data, 4095)}`;
        else if (action === 0x7ff00000 || action === 0x7fc00000) want = 'r -1 38'; // no tracer / no listener: -ENOSYS
        else want = 's 31'; // KILL_THREAD, KILL_PROCESS, TRAP, unknown actions: SIGSYS
        const gotShort = got.slice(0, 3).join(' ');
        const kind = action === 0x7fff0000 || action === 0x7ffc0000 ? 'ran' : action === 0x00050000 ? 'errno' : want === 'r -1 38' ? 'enosys' : 'sigsys';
        outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
        if (gotShort !== want) mism.push(`${p.why} nr ${nr}: kernel ${gotShort}, bpfplay ret 0x${r.toString(16)} -> ${want}`);
        compared++;
      });
    });
    console.log(`seccomp: ${progs.length} filters, ${compared} system calls identical; outcomes ${JSON.stringify(Object.fromEntries(outcomes))}`);
    expect(mism.slice(0, 10)).toEqual([]);
    expect(compared).toBeGreaterThan(1000);
  });

  it.skipIf(!!nsReason)('uses only loopback inside its own namespace (sanity: ancillary ifindex is lo)', () => {
    const prog: SockFilter[] = [
      { code: 0x20, jt: 0, jf: 0, k: (SKF_AD_OFF + 8) >>> 0 },
      { code: 0x15, jt: 0, jf: 1, k: 1 },
      { code: 0x06, jt: 0, jf: 0, k: 0xffff },
      { code: 0x06, jt: 0, jf: 0, k: 0 },
    ];
    const frame = framesFor(1, 1)[0]!;
    const res = runHelper(bin, 'attach', encode([{ insns: filtersToBytes(prog), frames: [frame] }]));
    expect(res[0]!.results[0]).toBe(String(Math.min(0xffff, packetSocketView(frame).frame.length)));
  });
});
