import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Slot } from '../isa/insn';
import type { Program } from '../isa/program';
import { parseDataFile } from '../conformance/datafile';
import { disassembleText } from './disasm';
import { assemble, detectSyntax } from './index';
import { assembleLlvm } from './llvm/assemble';
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
    expect(r.diagnostics.at(-1)!.message).toBe('assembled as the ubpf dialect (auto-detected; the llvm dialect fails too)');
  });
});

// Cross-dialect check on real programs: every program of the conformance corpora and of our own cases,
// assembled from its ubpf text, disassembled to llvm text and to ubpf text, must assemble back to the same
// slots in both dialects (and through the auto-detecting front door).
describe('both dialects agree on the conformance programs', () => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const roots = [path.resolve(here, '../../../shared/conformance'), path.resolve(here, '../conformance/cases')].filter(existsSync);
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.data') ? [path.join(d, e.name)] : []));
  const programs: { name: string; slots: Slot[]; p: Program }[] = [];
  for (const f of roots.flatMap(walk)) {
    const df = parseDataFile(readFileSync(f, 'utf8'), {
      flavour: f.includes('bpf_conformance') ? 'bpf_conformance' : 'ubpf',
      readInclude: (n) => (existsSync(path.resolve(path.dirname(f), n)) ? readFileSync(path.resolve(path.dirname(f), n), 'utf8') : null),
    });
    if (!df.asm) continue;
    const r = assembleUbpf(df.asm.text);
    if (!r.program || r.program.slots.length === 0) continue;
    programs.push({ name: path.relative(path.dirname(here), f), slots: r.program.slots, p: r.program });
  }
  it('finds the programs', () => {
    expect(programs.length).toBeGreaterThan(roots.length > 1 ? 350 : 20);
  });
  it.each(programs.map((x) => [x.name, x] as const))('%s', (_name, x) => {
    const llvmText = disassembleText(x.p, { syntax: 'llvm' });
    const l = assembleLlvm(llvmText);
    expect(l.diagnostics.filter((d) => d.severity === 'error'), llvmText).toEqual([]);
    expect(l.program!.slots, llvmText).toEqual(x.slots);
    const ubpfText = disassembleText(x.p, { syntax: 'ubpf' });
    const u = assembleUbpf(ubpfText);
    expect(u.program?.slots, ubpfText).toEqual(x.slots);
    const auto = assemble(llvmText);
    expect([auto.syntax, auto.program?.slots]).toEqual(['llvm', x.slots]);
  });
});
