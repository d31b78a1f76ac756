// detectCbpf() on real eBPF text: every `-- asm` section of the bpf_conformance / uBPF corpora (ubpf
// dialect, when /work/shared/conformance is present) and the project's eBPF examples must not be
// claimed as classic BPF; the classic examples must be.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectCbpf } from './formats';
import { parseCbpf } from './index';

const repoRoot = path.resolve(__dirname, '../..');
const conformance = path.resolve(repoRoot, '../shared/conformance');

function walk(dir: string, ext: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) out.push(...walk(p, ext));
    else if (p.endsWith(ext)) out.push(p);
  }
  return out;
}

describe('detectCbpf on real eBPF and classic text', () => {
  const data = walk(conformance, '.data');
  it.skipIf(data.length === 0)(`never claims the ${data.length} conformance asm sections`, () => {
    let n = 0;
    for (const f of data) {
      const m = /-- asm\n([\s\S]*?)(?:\n-- |$)/.exec(readFileSync(f, 'utf8'));
      if (!m) continue;
      n++;
      expect(detectCbpf(m[1]!), f).toBe(false);
    }
    expect(n).toBeGreaterThan(100);
  });
  const examples = walk(path.join(repoRoot, 'worker/examples'), '.s');
  it.skipIf(examples.length === 0)('tells the project examples apart by their dialect header', () => {
    let classic = 0;
    let ebpf = 0;
    for (const f of examples) {
      const text = readFileSync(f, 'utf8');
      const header = /"dialect":\s*"(\w+)"/.exec(text)?.[1] ?? 'llvm';
      if (header === 'cbpf') classic++;
      else ebpf++;
      if (header === 'cbpf') {
        expect(detectCbpf(text), f).not.toBe(false);
        expect(parseCbpf(text).diagnostics, f).toEqual([]);
      } else expect(detectCbpf(text), f).toBe(false);
    }
    expect(classic).toBeGreaterThan(0);
    expect(ebpf).toBeGreaterThan(0);
  });
});
