// The kernel's classic -> eBPF translation (convertClassic, bpf_convert_filter() behaviour) is runnable
// in bpfplay itself: bpfplay's eBPF verifier accepts it as a socket filter, and bpfplay's VM running it
// with BPF_PROG_TEST_RUN semantics returns what the classic interpreter returns for the same skb view
// (skb->data at the network header, as test_run gives it). The kernel-side version of this check is in
// kernel.test.ts; this one needs no kernel.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkClassic } from './check';
import { compileFilter } from './compile/index';
import { convertClassic } from './convert';
import { run } from './interp';
import type { SockFilter } from './insn';
import { genPackets } from './testing-packets';
import { randomFilter } from './testing-filters';
import { verify } from '../verifier/index';
import { runTestRun } from '../progtypes/run';
import { ethTypeTrans } from '../progtypes/testrun';

const goldens = readFileSync(path.resolve(__dirname, '../../testdata/cbpf/tcpdump-goldens.jsonl'), 'utf8')
  .trim().split('\n').slice(1).map((l) => JSON.parse(l) as { expr: string });

function frames(seed: number, count: number): Uint8Array[] {
  return genPackets(count * 3, seed, [0x800, 0x86dd, 6, 17, 80, 53, 0x0a000001])
    .filter((p) => {
      if (p.length < 14) return false;
      const et = (p[12]! << 8) | p[13]!;
      // BPF_PROG_TEST_RUN refuses IP frames shorter than the fixed IP header; VLAN frames need their tag.
      if (et === 0x0800 && p.length < 34) return false;
      if (et === 0x86dd && p.length < 54) return false;
      return !((et === 0x8100 || et === 0x88a8) && p.length < 24);
    })
    .slice(0, count);
}

describe('classic filters translated to eBPF run on bpfplay', () => {
  const progs: { prog: SockFilter[]; why: string }[] = [];
  for (const g of goldens.slice(0, 250)) {
    const p = compileFilter(g.expr).program;
    if (p && checkClassic(p).ok) progs.push({ prog: p, why: g.expr });
  }
  for (let s = 1; s <= 100; s++) progs.push({ prog: randomFilter(9000 + s, { ancillary: [0, 4, 8, 20, 24, 40, 44, 48] }), why: `random #${s}` });

  it('the verifier accepts every translation and the VM returns what the interpreter returns', () => {
    const mism: string[] = [];
    let compared = 0;
    progs.forEach((p, i) => {
      const c = convertClassic(p.prog);
      expect(c.diagnostics.filter((d) => d.severity === 'error'), p.why).toEqual([]);
      const rep = verify(c.program!, { progType: 'socket_filter', statesPerInsn: 0 });
      if (!rep.accepted) {
        mism.push(`${p.why}: bpfplay's verifier rejects the translation at insn ${rep.error?.insn}: ${rep.error?.message}`);
        return;
      }
      for (const frame of frames(4000 + i, 12)) {
        const r = runTestRun(c.program!, { type: 'socket_filter', dataIn: frame });
        if (!r.output) continue;
        const { protocol, pktType } = ethTypeTrans(frame);
        const want = run(p.prog, { kind: 'skb', frame, dataOff: 14, netOff: 14, macOff: 0, protocol, pktType, ifindex: 1, hatype: 772 });
        if (r.run?.fault) mism.push(`${p.why}: VM fault ${r.run.fault.message}`);
        else if (String(r.output.retval) !== String(want.ret)) mism.push(`${p.why}: frame ${Buffer.from(frame).toString('hex')}: VM ${r.output.retval}, interpreter ${want.ret}`);
        compared++;
      }
    });
    console.log(`classic translations on bpfplay: ${progs.length} programs verified, ${compared} runs compared, ${mism.length} mismatches`);
    expect(mism.slice(0, 10)).toEqual([]);
    expect(compared).toBeGreaterThan(2000);
  });
});
