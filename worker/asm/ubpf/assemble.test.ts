import { describe, expect, it } from 'vitest';
import { assembleUbpf } from './assemble';
import { slotToU64 } from '../../isa/insn';

function hex(text: string): string[] {
  const r = assembleUbpf(text);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.program!.slots.map((s) => '0x' + slotToU64(s).toString(16).padStart(16, '0'));
}

function errors(text: string): string[] {
  const r = assembleUbpf(text);
  expect(r.program).toBeNull();
  return r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.loc.line}:${d.loc.col} ${d.message}`);
}

describe('assembleUbpf encodings (bpf_conformance rules, RFC 9669 section 3)', () => {
  // Expected slots are the little-endian u64 of struct bpf_insn: imm<<32 | off<<16 | src<<12 | dst<<8 | opcode.
  it.each([
    ['mov %r0, 1', '0x00000001000000b7'],
    ['mov32 %r0, -1', '0xffffffff000000b4'],
    ['add %r1, 0xfffffff8', '0xfffffff800000107'],
    ['add64 %r1, %r2', '0x000000000000210f'],
    ['sdiv32 %r1, 3', '0x0000000300010134'],
    ['smod %r1, %r2', '0x000000000001219f'],
    ['movsx832 %r1, %r2', '0x00000000000821bc'],
    ['movsx3264 %r1, %r2', '0x00000000002021bf'],
    ['neg %r3', '0x0000000000000387'],
    ['be16 %r1', '0x00000010000001dc'],
    ['le64 %r1', '0x00000040000001d4'],
    ['bswap32 %r1', '0x00000020000001d7'],
    ['swap64 %r1', '0x00000040000001d7'],
    ['ldxw %r0, [%r1+4]', '0x0000000000041061'],
    ['ldxsb %r0, [%r1-1]', '0x00000000ffff1091'],
    ['stb [%r10-4], 0x01', '0x00000001fffc0a72'],
    ['stxdw [%r10 - 8], %r1', '0x00000000fff81a7b'],
    ['jsgt %r1, %r2, +3', '0x000000000003216d'],
    ['jeq32 %r1, 5, -1', '0x00000005ffff0116'],
    ['ja -32768', '0x0000000080000005'],
    ['ja32 +70000', '0x0001117000000006'],
    ['call 1', '0x0000000100000085'],
    ['call %r2', '0x000000000000028d'],
    ['callx %r2', '0x000000000000028d'],
    ['call runtime 7', '0x0000000700002085'],
    ['exit', '0x0000000000000095'],
    ['lock fetch add32 [%r1+0], %r2', '0x00000001000021c3'],
    ['lock xor [%r10-8], %r1', '0x000000a0fff81adb'],
    ['lock cmpxchg [%r10-8], %r1', '0x000000f1fff81adb'],
    ['ldabsh 12', '0x0000000c00000028'],
    ['ldindb %r3, 1', '0x0000000100003050'],
    ['.raw 0x0000000000000095', '0x0000000000000095'],
  ])('%s', (src, want) => {
    expect(hex(src)).toEqual([want]);
  });

  it('lddw takes two slots, the second carrying the high 32 bits', () => {
    expect(hex('lddw %r0, 0x1122334455667788')).toEqual(['0x5566778800000018', '0x1122334400000000']);
    expect(hex('lddw %r1, -1')).toEqual(['0xffffffff00000118', '0xffffffff00000000']);
  });

  it('resolves labels, the implicit exit label and call local targets', () => {
    const r = assembleUbpf('mov %r0, 0\njne %r0, 1, exit\ncall local f\nja done\nexit\ndone:\nexit\nf:\nexit\n');
    expect(r.diagnostics).toEqual([]);
    const p = r.program!;
    expect(p.slots.map((s) => s.off)).toEqual([0, 2, 0, 1, 0, 0, 0]);
    expect(p.slots[2]!.imm).toBe(3);
    expect(p.labels).toEqual({ done: 5, f: 6 });
    expect(p.funcs).toEqual({ 6: 'f' });
    expect(p.sourceMap![3]).toEqual({ line: 4, col: 1 });
  });

  it('accepts a label and an instruction on one line, and comments', () => {
    expect(hex('start: mov %r0, 0 # zero\n// nothing\nja start ; loop')).toEqual(['0x00000000000000b7', '0x00000000fffe0005']);
  });

  it('defines maps and references them from lddw', () => {
    const r = assembleUbpf('.map counters array key=4 value=8 entries=16\n.map h hash key=8 value=8 entries=4 flags=1\nlddw %r1, h\nlddw %r2, map_value(counters)+8\nlddw %r3, map_value(counters, 8)\nlddw %r4, map_fd(h)\nexit');
    expect(r.diagnostics).toEqual([]);
    const p = r.program!;
    expect(p.maps.map((m) => [m.name, m.type, m.keySize, m.valueSize, m.maxEntries, m.flags])).toEqual([
      ['counters', 'array', 4, 8, 16, 0],
      ['h', 'hash', 8, 8, 4, 1],
    ]);
    expect(p.slots.slice(0, 4)).toEqual([
      { opcode: 0x18, dst: 1, src: 1, off: 0, imm: 1 },
      { opcode: 0, dst: 0, src: 0, off: 0, imm: 0 },
      { opcode: 0x18, dst: 2, src: 2, off: 0, imm: 0 },
      { opcode: 0, dst: 0, src: 0, off: 0, imm: 8 },
    ]);
    expect(p.slots.slice(4, 6)).toEqual(p.slots.slice(2, 4).map((s, k) => (k === 0 ? { ...s, dst: 3 } : s)));
    expect(p.slots[6]).toEqual({ ...p.slots[0]!, dst: 4 });
  });
});

describe('assembleUbpf errors (texts of bpf_conformance negative/ plus line:col)', () => {
  it.each([
    ['or %r0, %r50', '1:9 Invalid register: %r50'],
    ['ldxb %r0, %r1', '1:11 Failed to decode register and offset: %r1'],
    ['ldxb %r0, [%r1+0x10000]', '1:15 Offset out of 16-bit range: +0x10000'],
    ['mov32 %r0, 0x100000000', '1:12 Immediate out of 32-bit range: 0x100000000'],
    ['mov32 %r0, 2147483648', '1:12 Immediate out of 32-bit range: 2147483648'],
    ['lddw %r0', '1:1 Invalid number of operands for mnemonic: lddw'],
    ['ja NOT_A_LABEL', '1:4 Invalid label: NOT_A_LABEL'],
    ['ldxq %r0, %r1', '1:1 Invalid mnemonic: ldxq'],
    ['lock or [%r10-8]', '1:6 Invalid number of operands for lock'],
    ['lock', '1:1 Invalid number of operands for lock'],
    ['mov %r0', '1:1 Invalid number of operands for mnemonic: mov'],
    ['exit %r0', '1:6 Invalid number of operands for mnemonic: exit'],
    ['call bogus 1', '1:6 Invalid call mode: bogus (expected helper, local or runtime)'],
    ['lddw %r1, nomap', '1:11 Unknown map: nomap (define it first with .map NAME TYPE key=K value=V entries=N [flags=F])'],
    ['.map m array key=4 value=8', '1:1 Invalid .map directive: missing entries= (.map NAME TYPE key=K value=V entries=N [flags=F])'],
    ['.bogus', '1:1 Unknown directive: .bogus (expected .map, .raw, .section or .license)'],
    ['exit\n.section xdp', '2:1 .section must come before the first instruction (a ubpf program is one section)'],
    ['.license', '1:1 expected a license after .license, e.g. .license "GPL"'],
    ['a:\na:', '2:1 Duplicate label: a (first defined on line 1)'],
    ['ja +40000', '1:4 Offset out of 16-bit range: +40000'],
  ])('%s', (src, want) => {
    expect(errors(src)).toEqual([want]);
  });

  it('reads .section (naming the program type) and .license', () => {
    const p = assembleUbpf('.section xdp\n.license "Dual BSD/GPL"\nmov %r0, 2\nexit').program!;
    expect([p.section, p.progType, p.license]).toEqual(['xdp', 'xdp', 'Dual BSD/GPL']);
    expect(assembleUbpf('.section kprobe/sys_open\nexit').program!.progType).toBe('kprobe');
  });

  it('reports every bad line, not only the first', () => {
    expect(errors('mov %r0, 1\nfoo\nmov %r99, 1\nexit')).toEqual(['2:1 Invalid mnemonic: foo', '3:5 Invalid register: %r99']);
  });

  it('accepts %r11-%r15 with a warning (for negative tests)', () => {
    const r = assembleUbpf('mov %r11, 1');
    expect(r.program!.slots[0]!.dst).toBe(11);
    expect(r.diagnostics.map((d) => d.severity)).toEqual(['warning']);
  });
});

describe('assembleUbpf hints (info diagnostics after the exact error text)', () => {
  const hints = (t: string): string[] => assembleUbpf(t).diagnostics.filter((d) => d.severity === 'info').map((d) => d.message);
  it('says what was expected and suggests mnemonics', () => {
    expect(hints('lddw %r0')).toEqual(['expected: lddw %rD, IMM64|MAP|map_value(MAP, OFF)']);
    expect(hints('ldxb %r0, %r1')).toEqual(['expected: ldxb %rD, [%rS+OFF]']);
    expect(hints('movv %r0, 1')).toEqual(['did you mean mov, mod, mov32, mov64?']);
    expect(hints('r0 = 1')[0]).toMatch(/llvm dialect/);
  });
});
