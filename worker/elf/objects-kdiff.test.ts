// Every clang-19 test object whose program type BPF_PROG_TEST_RUN can run on a packet (testdata/obj/*.o):
// read by readElf, written back by writeElf, run by the kernel (bpftool prog loadall + prog run) and by
// bpfplay's VM (runTestRun) on a few frames; retval, data_out and ctx_out must agree. Skips without a kernel.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareWith, formatDisagreements, runInKernel } from '../../scripts/kdiff-run';
import type { Program } from '../isa/program';
import type { Flavour, KdiffCase } from '../kdiff/gen';
import { FLAVOURS } from '../kdiff/gen';
import { runCaseInVm } from '../kdiff/vmrun';
import { createMaps } from '../progtypes/run';
import { kernelOracle } from '../testing/kernel';
import { readElf } from './read';

const OBJ = path.resolve(__dirname, '../../testdata/obj');

/** Ethernet + IPv4 + `proto` header + payload (with another ethertype, e.g. ARP, the same bytes as a non-IP frame). */
function frame(proto: number, payload: number, ethertype = 0x0800): Uint8Array {
  const l4 = proto === 6 ? 20 : proto === 17 ? 8 : 8;
  const f = new Uint8Array(14 + 20 + l4 + payload);
  f.set([2, 0, 0, 0, 0, 0xb, 2, 0, 0, 0, 0, 0xa, ethertype >> 8, ethertype & 0xff], 0);
  f.set([0x45, 0x10, (f.length - 14) >> 8, (f.length - 14) & 0xff, 0, 1, 0, 0, 64, proto, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2], 14);
  if (proto === 6) f[14 + 20 + 12] = 5 << 4;
  if (proto === 17) f.set([0x30, 0x39, 0, 9, 0, 8 + payload], 34);
  for (let i = 14 + 20 + l4; i < f.length; i++) f[i] = (i * 7) & 0xff;
  return f;
}
const FRAMES = [frame(6, 100), frame(17, 32), frame(1, 1400), frame(17, 0, 0x0806)];

/**
 * Renames maps per case: programs batched into one object must not share maps or global data. Global data
 * goes to custom `.data.<tag>` / `.rodata.<tag>` sections (libbpf 1.1 skips custom `.bss.*` sections, so a
 * .bss becomes a zero-filled .data section, which behaves the same).
 */
function isolate(p: Program, tag: string): Program {
  const rename = (n: string): string => (n.startsWith('.rodata') ? `.rodata.${tag}` : n.startsWith('.') ? `.data.${tag}${n.startsWith('.bss') ? 'b' : ''}` : `${n}_${tag}`);
  return { ...p, funcs: { ...p.funcs, 0: tag }, maps: p.maps.map((m) => ({ ...m, name: rename(m.name) })) };
}

describe('clang objects: kernel and VM agree under BPF_PROG_TEST_RUN', () => {
  const oracle = kernelOracle();
  it.skipIf(!oracle.ok)(`every test-runnable program of testdata/obj, on ${FRAMES.length} frames${oracle.ok ? '' : ` (skipped: ${oracle.reason})`}`, () => {
    const cases: (KdiffCase & { what: string })[] = [];
    const skipped: string[] = [];
    for (const f of readdirSync(OBJ).filter((x) => x.endsWith('.o')).sort())
      for (const p of readElf(new Uint8Array(readFileSync(path.join(OBJ, f)))).programs) {
        if (!FLAVOURS.includes(p.progType as Flavour)) continue;
        // A program whose maps bpfplay cannot build yet is left out, with the reason printed.
        const maps = createMaps(p);
        if (!maps.maps) {
          skipped.push(`${f} ${p.funcs![0]}: ${maps.diagnostics.map((d) => d.message.replace(/ \(known:[^)]*\)/, '')).join('; ')}`);
          continue;
        }
        FRAMES.forEach((data, k) => {
          const id = cases.length;
          const name = `o${id}`;
          cases.push({ id, name, flavour: p.progType as Flavour, data, rows: [], program: isolate(p, name), what: `${f} ${p.funcs![0]} frame ${k}` });
        });
      }
    if (skipped.length) console.log(`objects kdiff: left out (map types bpfplay does not simulate):\n${skipped.join('\n')}`);
    expect(new Set(cases.map((c) => c.flavour)).size).toBeGreaterThanOrEqual(6);
    const k = runInKernel(cases);
    expect(k.rejected.map((r) => `${cases[r.id]!.what}: ${r.log}`)).toEqual([]);
    const cmp = compareWith(cases, k, (c) => runCaseInVm(c.program, c.flavour, c.data, 'fast'));
    console.log(`objects kdiff: ${cmp.agree}/${cmp.total} runs agree (${new Set(cases.map((c) => c.what.split(' frame')[0])).size} programs)`);
    if (cmp.disagree.length) console.log(cmp.disagree.map((d) => cases[d.id]!.what).join('\n') + '\n' + formatDisagreements(cases, cmp, 2));
    expect(cmp.disagree.map((d) => cases[d.id]!.what)).toEqual([]);
    expect(cmp.kernelErrors).toEqual([]);
  });
});
