import { describe, expect, it } from 'vitest';
import { assembleUbpf } from '../asm/ubpf/assemble';
import { UBPF_PROFILE, validateLoad } from './validate';

function check(src: string): string[] {
  const p = assembleUbpf(src).program!;
  return validateLoad(p.slots, p.maps.length, UBPF_PROFILE).map((e) => `${e.kind}@${e.pc}`);
}

describe('validateLoad (check_subprogs/check_cfg-style structure, uBPF categories)', () => {
  it.each([
    ['mov %r0, 0\nexit', []],
    ['mov %r10, 1\nexit', ['invalid_dst_reg@0']],
    ['stb [%r10-1], 0\nmov %r0, %r10\nexit', []],
    ['ja +1\nlddw %r0, 1\nexit', ['jump_into_lddw@0']],
    ['ja -1\nexit', ['infinite_loop@0']],
    ['jeq %r0, 0, +5\nexit', ['jump_out_of_bounds@0']],
    ['call 6\nexit', ['nonexistent_helper@0']],
    ['call local f\nexit\nf:\nja -3', ['jump_out_of_bounds@2']],
    ['call local f\nf:\nexit', ['subprog_bad_end@0']],
    ['mov %r0, 0', ['subprog_bad_end@0']],
    ['.raw 0x00000030000001dc 0x95', ['invalid_endian_imm@0']],
    ['.raw 0x0000000000000018 0x0000000000000095', ['incomplete_lddw@0']],
    ['.raw 0x0000000000000018 0x0000000000000100 0x95', ['invalid_lddw_second_half@1']],
    ['.raw 0xff 0x95', ['unknown_opcode@0']],
    ['.raw 0x06 0x95', []], // JMP32 | JA with imm 0 is gotol +0 (RFC 9669, cpu v4), not an unknown opcode
    ['.raw 0x0000000000010007 0x95', ['reserved_field@0']],
    ['ldabsw 1\nexit', ['unsupported@0']],
    ['.map m array key=4 value=4 entries=1\nlddw %r1, m\nmov %r0, 0\nexit', []],
    ['.raw 0x0000000000001118 0 0x95', ['invalid_lddw_src@0']],
  ])('%s', (src, want) => {
    expect(check(src)).toEqual(want);
  });
  it('rejects empty and over-long programs', () => {
    expect(validateLoad([], 0, UBPF_PROFILE).map((e) => e.kind)).toEqual(['no_instructions']);
    const slots = Array.from({ length: 65537 }, () => ({ opcode: 0x95, dst: 0, src: 0, off: 0, imm: 0 }));
    expect(validateLoad(slots, 0, UBPF_PROFILE)[0]!.kind).toBe('too_many_insns');
  });
});
