// The public classic-BPF API used by the CLI (`filter -d|-dd|-ddd`, `run`) and the engine facade.
import { describe, expect, it } from 'vitest';
import { decodeSlots } from '../isa/insn';
import { classicToProgram, compileFilter, formatTcpdump, parseCbpf, runClassic } from './index';
import { filtersToBytes } from './insn';

const tcpD = `(000) ldh      [12]
(001) jeq      #0x800           jt 2\tjf 4
(002) ldb      [23]
(003) jeq      #0x6             jt 10\tjf 11
(004) jeq      #0x86dd          jt 5\tjf 11
(005) ldb      [20]
(006) jeq      #0x6             jt 10\tjf 7
(007) jeq      #0x2c            jt 8\tjf 11
(008) ldb      [54]
(009) jeq      #0x6             jt 10\tjf 11
(010) ret      #262144
(011) ret      #0
`;

describe('classic BPF API', () => {
  it("formatTcpdump prints tcpdump's -d for `tcp`", () => {
    expect(formatTcpdump(compileFilter('tcp').program!, '-d')).toBe(tcpD);
    expect(formatTcpdump(compileFilter('ip').program!, '-ddd')).toBe('4\n40 0 0 12\n21 0 1 2048\n6 0 0 262144\n6 0 0 0\n');
  });
  it('parseCbpf reads every form', () => {
    const want = compileFilter('tcp').program!;
    expect(parseCbpf(tcpD).filters).toEqual(want);
    expect(parseCbpf(formatTcpdump(want, '-dd')).form).toBe('tcpdump-dd');
    expect(parseCbpf(formatTcpdump(want, '-ddd')).filters).toEqual(want);
    expect(parseCbpf(filtersToBytes(want)).filters).toEqual(want);
    expect(parseCbpf('ldh [12]\nret #0').form).toBe('bpf_asm');
    expect(parseCbpf('r0 = 0\nexit').diagnostics[0]!.message).toMatch(/not classic BPF/);
  });
  it('runClassic: socket filter verdicts on an Ethernet frame, and seccomp', () => {
    const tcp = new Uint8Array(60);
    tcp.set([0x08, 0x00], 12);
    tcp[14] = 0x45;
    tcp[23] = 6;
    const prog = compileFilter('tcp').program!;
    const r = runClassic({ filters: prog, packet: tcp });
    expect(r).toMatchObject({ ret: 262144, verdict: 'accept', accept: true, keep: 60 });
    expect(r.check.ok).toBe(true);
    tcp[23] = 17;
    expect(runClassic({ filters: prog, packet: tcp }).verdict).toBe('drop');
    const trim = runClassic({ filters: parseCbpf('ret #20').filters!, packet: tcp });
    expect(trim.verdict).toBe('keep 20 of 60 bytes');
    // test_run view: offset 0 is the IP header
    expect(runClassic({ filters: parseCbpf('ldb [0]\nret a').filters!, packet: tcp, view: 'test_run' }).ret).toBe(0x45);
    const sc = runClassic({ filters: parseCbpf('ld [0]\njeq #60, k, a\nk: ret #0\na: ret #0x7fff0000').filters!, seccomp: { nr: 60, arch: 0xc000003e, instructionPointer: 0n, args: [0n, 0n, 0n, 0n, 0n, 0n] } });
    expect(sc.verdict).toBe('SECCOMP_RET_KILL_THREAD');
  });
  it('classicToProgram gives a decodable socket_filter Program with a line map', () => {
    const r = classicToProgram(compileFilter('udp port 53').program!);
    expect(r.diagnostics).toEqual([]);
    expect(r.program!.origin).toBe('cbpf');
    expect(decodeSlots(r.program!.slots).diagnostics).toEqual([]);
    expect(r.map.length).toBe(compileFilter('udp port 53').program!.length);
  });
});
