import { describe, expect, it } from 'vitest';
import { assemble, detectSyntax } from './index';
import { assembleUbpf } from './ubpf/assemble';

describe('detectSyntax', () => {
  it.each([
    ['mov %r0, 1\nexit', 'ubpf'],
    ['ldxw %r0, [%r1+4]\nexit', 'ubpf'],
    ['# comment\nstart:\n  add32 r1, 2\n  exit', 'ubpf'],
    ['lock fetch add32 [%r1+0], %r2', 'ubpf'],
    ['call local f\nexit\nf:\nexit', 'ubpf'],
    ['.map m hash key=4 value=4 entries=1\nlddw %r1, m\nexit', 'ubpf'],
    ['r0 = 0\nexit', 'llvm'],
    ['w1 += 2\nexit', 'llvm'],
    ['if r1 s> r2 goto +3\nexit', 'llvm'],
    ['r0 = *(u32 *)(r1 + 4)\nexit', 'llvm'],
    ['lock *(u32 *)(r10 - 8) |= w1', 'llvm'],
    ['r1 = 0x123 ll', 'llvm'],
    ['call bpf_map_lookup_elem\nexit', 'llvm'],
    ['exit', 'llvm'],
    ['', 'llvm'],
  ])('%j is %s', (text, want) => {
    expect(detectSyntax(text)).toBe(want);
  });
});

describe('assemble', () => {
  it('uses the requested dialect', () => {
    const r = assemble('mov %r0, 1\nexit', { syntax: 'ubpf' });
    expect(r.syntax).toBe('ubpf');
    expect(r.program!.slots).toEqual(assembleUbpf('mov %r0, 1\nexit').program!.slots);
    const bad = assemble('mov %r0, 1\nexit', { syntax: 'llvm' });
    expect(bad.syntax).toBe('llvm');
    expect(bad.program).toBeNull();
  });
  it('detects the dialect and gives the same bytes for the same program in both', () => {
    const u = assemble('mov %r0, 1\nadd %r0, %r1\nexit');
    const l = assemble('r0 = 1\nr0 += r1\nexit');
    expect([u.syntax, l.syntax]).toEqual(['ubpf', 'llvm']);
    expect(l.program!.slots).toEqual(u.program!.slots);
  });
  it('falls back to the other dialect when the detected one fails and the other succeeds', () => {
    // `be16 r1` looks like the llvm byte swap but llvm writes `r1 = be16 r1`; ubpf accepts it.
    expect(detectSyntax('be16 r1\nexit')).toBe('llvm');
    const r = assemble('be16 r1\nexit');
    expect(r.syntax).toBe('ubpf');
    expect(r.diagnostics).toEqual([]);
    expect(r.program).not.toBeNull();
  });
  it('reports the detected dialect\'s errors when both fail', () => {
    const r = assemble('mov %r0, %r77');
    expect(r.syntax).toBe('ubpf');
    expect(r.diagnostics[0]!.message).toBe('Invalid register: %r77');
  });
});
