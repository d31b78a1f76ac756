// The eBPF translation's shape (bpf_convert_filter()); its behaviour is checked against the kernel
// (BPF_PROG_LOAD + BPF_PROG_TEST_RUN) in kernel.test.ts.
import { describe, expect, it } from 'vitest';
import { decodeSlots } from '../isa/insn';
import { parseBpfAsm } from './bpfasm';
import { compileFilter } from './compile/index';
import { convertClassic, reachable } from './convert';
import type { SockFilter } from './insn';

const asm = (s: string): SockFilter[] => parseBpfAsm(s).filters!;

describe('convertClassic', () => {
  it('maps registers, the prologue and ret like the kernel', () => {
    const c = convertClassic(asm('ld #5\ntax\nret #7'));
    expect(c.diagnostics).toEqual([]);
    const s = c.program!.slots;
    expect(c.prologue).toBe(3);
    expect(s.slice(0, 3)).toEqual([
      { opcode: 0xb4, dst: 0, src: 0, off: 0, imm: 0 }, // w0 = 0
      { opcode: 0xb4, dst: 7, src: 0, off: 0, imm: 0 }, // w7 = 0
      { opcode: 0xbf, dst: 6, src: 1, off: 0, imm: 0 }, // r6 = r1
    ]);
    expect(s.slice(3)).toEqual([
      { opcode: 0xb4, dst: 0, src: 0, off: 0, imm: 5 },
      { opcode: 0xbf, dst: 7, src: 0, off: 0, imm: 0 },
      { opcode: 0xb4, dst: 0, src: 0, off: 0, imm: 7 },
      { opcode: 0x95, dst: 0, src: 0, off: 0, imm: 0 },
    ]);
    expect(c.map).toEqual([[3, 3], [4, 4], [5, 6]]);
    expect(c.program!.origin).toBe('cbpf');
    expect(c.program!.progType).toBe('socket_filter');
  });

  it('uses the kernel jump shapes', () => {
    // jf == 0: one jeq; jt == 0: jne / jle (negative k through w2); jset with jt == 0: jset + ja
    const c = convertClassic(asm('ldh [12]\njeq #1, a\njneq #2, a\njgt #0x80000000, c, a\nc: jset #3, a, b\na: ret #1\nb: ret #0'));
    const ops = c.program!.slots.map((x) => x.opcode.toString(16));
    expect(ops.slice(3)).toEqual(['28', '15', '55', 'b4', 'bd', '45', '5', 'b4', '95', 'b4', '95']);
    const dec = decodeSlots(c.program!.slots);
    expect(dec.diagnostics).toEqual([]);
  });

  it('guards div/mod by X and expands ldxb like the kernel', () => {
    const c = convertClassic(asm('ldxb 4*([14]&0xf)\nld #10\ndiv x\nret a'));
    expect(c.map.map(([a, b]) => b - a + 1)).toEqual([7, 1, 5, 1]);
    expect(decodeSlots(c.program!.slots).diagnostics).toEqual([]);
  });

  it('produces decodable eBPF for every compiled corpus-style filter', () => {
    for (const e of ['tcp', 'udp port 53', 'host 10.0.0.1 and not port 22', 'icmp[icmptype] == icmp-echo', 'len > 100', 'vlan 100 and tcp', 'ip[2:2] - ((ip[0]&0xf)<<2) > 100']) {
      const c = convertClassic(compileFilter(e).program!);
      expect(c.diagnostics, e).toEqual([]);
      expect(decodeSlots(c.program!.slots).diagnostics, e).toEqual([]);
      expect(c.program!.sourceMap!.length).toBe(c.program!.slots.length);
    }
  });

  it('reports ancillary loads with no UAPI form', () => {
    for (const name of ['hatype', 'poff', 'nla', 'nlan']) {
      const c = convertClassic(asm(`ld #${name}\nret a`));
      expect(c.program).toBeNull();
      expect(c.diagnostics[0]!.message).toMatch(/no struct __sk_buff field/);
      expect(c.diagnostics[0]!.loc.insn).toBe(0);
    }
  });

  it('drops unreachable instructions with a warning', () => {
    const p = asm('ret #1\nld #2\nret a');
    expect(reachable(p)).toEqual([true, false, false]);
    const c = convertClassic(p);
    expect(c.program).not.toBeNull();
    expect(c.diagnostics.map((d) => d.severity)).toEqual(['warning', 'warning']);
    expect(c.map[1]![1]).toBeLessThan(c.map[1]![0]);
  });
});
