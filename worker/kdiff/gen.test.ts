// The kernel-differential generator without a kernel: deterministic per seed, every program decodes,
// 1,000 programs cover every instruction shape the generator is meant to cover, and batching many
// programs into one object round-trips through the ELF reader.
import { describe, expect, it } from 'vitest';
import { readElf } from '../elf/read';
import { writeElfObject } from '../elf/write';
import { decodeSlots } from '../isa/insn';
import type { Program } from '../isa/program';
import { COVERABLE_ROWS, FLAVOURS, MIN_PACKET, generateCase, generateCases } from './gen';

/** Each function's slots, with bpf-to-bpf call targets and maps named instead of counted (objects merge maps). */
function byFunction(p: Program): Record<string, unknown[]> {
  const starts = Object.keys(p.funcs!).map(Number).sort((a, b) => a - b);
  const out: Record<string, unknown[]> = {};
  starts.forEach((st, k) => {
    const end = starts[k + 1] ?? p.slots.length;
    out[p.funcs![st]!] = p.slots.slice(st, end).map((s, i) =>
      s.opcode === 0x85 && s.src === 1 ? { call: p.funcs![st + i + 1 + s.imm] } : s.opcode === 0x18 && (s.src === 1 || s.src === 2) ? { map: { ...p.maps[s.imm], loc: undefined }, src: s.src } : s,
    );
  });
  return out;
}

describe('kdiff generator', () => {
  const cases = generateCases(1, 1000);

  it('is deterministic per seed and differs across seeds', () => {
    expect(generateCase(1, 17)).toEqual(cases[17]);
    expect(generateCase(2, 17).program.slots).not.toEqual(cases[17]!.program.slots);
  });

  it('produces programs that decode cleanly, with packets large enough for their accesses', () => {
    for (const c of cases) {
      expect(decodeSlots(c.program.slots).diagnostics, `case ${c.id}`).toEqual([]);
      expect(c.data.length).toBeGreaterThanOrEqual(MIN_PACKET);
      expect(c.program.slots.length).toBeLessThan(4096);
    }
  });

  it('covers every ALU, byte-swap, jump, load, store, atomic and legacy packet row over 1,000 programs', () => {
    const seen = new Set(cases.flatMap((c) => c.rows));
    expect(COVERABLE_ROWS.filter((r) => !seen.has(r))).toEqual([]);
    expect(COVERABLE_ROWS.length).toBeGreaterThan(120);
    const flavours = new Set(cases.map((c) => c.flavour));
    expect([...flavours].sort()).toEqual([...FLAVOURS].sort());
    for (const f of FLAVOURS) expect(cases.filter((c) => c.flavour === f).length, f).toBeGreaterThanOrEqual(40);
    expect(cases.filter((c) => Object.keys(c.program.funcs!).length > 1).length).toBeGreaterThan(100);
    // ld_imm64 of maps (fd) and of global data (map value), helper calls, metadata and ctx_in all occur.
    for (const row of ['lddw', 'lddw_map_fd', 'lddw_map_value', 'call', 'call_local', 'may_goto'])
      expect(cases.filter((c) => c.rows.includes(row)).length, row).toBeGreaterThan(50);
    expect(cases.filter((c) => c.ctxIn).length).toBeGreaterThan(100);
  });

  it('batches into one object per section and reads back program by program', () => {
    const xdp = cases.filter((c) => c.flavour === 'xdp').slice(0, 50);
    const w = writeElfObject(xdp.map((c) => ({ program: c.program, section: 'xdp', name: c.name })));
    expect(w.diagnostics).toEqual([]);
    const back = readElf(w.bytes);
    expect(back.diagnostics).toEqual([]);
    expect(back.programs.map((p) => p.funcs![0])).toEqual(xdp.map((c) => c.name));
    // Sub-programs come back in libbpf's order (first call first), so compare function by function.
    back.programs.forEach((p, i) => expect(byFunction(p)).toEqual(byFunction(xdp[i]!.program)));
    expect(xdp.some((c) => c.program.maps.length > 0)).toBe(true);
  });
});
