// Node-side corpus assembly for the differential test and the golden recorder (tests and scripts only;
// reads files): the generated programs (corpus.ts), the hand-written cases in testdata/verifier/cases
// (first line `# {"type": "xdp"}`), the bpf_conformance programs as socket filters, and the programs of
// the clang-19 objects in testdata/obj. Every entry has a stable id.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { assemble } from '../worker/asm/index';
import { readElf } from '../worker/elf/read';
import { parseDataFile } from '../worker/conformance/datafile';
import { progTypeForSection } from '../worker/progtypes/table';
import type { Program } from '../worker/isa/program';
import { boundsCorpus2, generatedCorpus, miscCorpus, mutatedCorpus } from '../worker/verifier/corpus';

export interface CorpusEntry {
  id: string;
  type: string;
  program: Program | null;
  error?: string;
  source?: string;
}

const root = path.resolve(import.meta.dirname, '..');

function fromText(id: string, type: string, source: string, syntax: 'llvm' | 'ubpf' = 'llvm'): CorpusEntry {
  const r = assemble(source, { syntax });
  if (!r.program || r.diagnostics.some((d) => d.severity === 'error'))
    return { id, type, program: null, error: r.diagnostics.map((d) => d.message).join('; '), source };
  r.program.progType = type;
  r.program.license ??= 'GPL';
  return { id, type, program: r.program, source };
}

export function corpusPrograms(): CorpusEntry[] {
  const out: CorpusEntry[] = [];
  const casesDir = path.join(root, 'testdata/verifier/cases');
  if (existsSync(casesDir)) {
    for (const f of readdirSync(casesDir).filter((x) => x.endsWith('.s')).sort()) {
      const text = readFileSync(path.join(casesDir, f), 'utf8');
      const head = /^#\s*(\{.*\})/.exec(text);
      const meta = head ? (JSON.parse(head[1]!) as { type?: string }) : {};
      out.push(fromText(`case-${f.replace(/\.s$/, '')}`, meta.type ?? 'socket_filter', text));
    }
  }
  for (const p of generatedCorpus()) out.push(fromText(p.id, p.type, p.source));
  for (const p of boundsCorpus2()) out.push(fromText(p.id, p.type, p.source));
  for (const p of miscCorpus()) out.push(fromText(p.id, p.type, p.source));
  for (const m of mutatedCorpus()) {
    const e = fromText(m.id, m.type, m.source);
    if (e.program && m.mutate.slot < e.program.slots.length) {
      const slots = e.program.slots.map((x) => ({ ...x }));
      (slots[m.mutate.slot]! as unknown as Record<string, number>)[m.mutate.field] = m.mutate.value;
      e.program = { ...e.program, slots };
    }
    out.push(e);
  }
  const conf = path.resolve(root, '../shared/conformance/bpf_conformance');
  if (existsSync(conf)) {
    for (const f of readdirSync(conf).filter((x) => x.endsWith('.data')).sort()) {
      const df = parseDataFile(readFileSync(path.join(conf, f), 'utf8'), { flavour: 'bpf_conformance', file: f });
      if (!df.asm) continue;
      out.push(fromText(`conf-${f.replace(/\.data$/, '')}`, 'socket_filter', df.asm.text, 'ubpf'));
    }
  }
  for (const [objDir, tag] of [[path.join(root, 'testdata/obj'), 'obj'], [path.join(root, 'testdata/verifier/obj'), 'cobj']] as const) {
    if (!existsSync(objDir)) continue;
    for (const f of readdirSync(objDir).filter((x) => x.endsWith('.o')).sort()) {
      const r = readElf(new Uint8Array(readFileSync(path.join(objDir, f))));
      r.programs.forEach((p, k) => {
        const type = p.progType ?? progTypeForSection(p.section ?? '') ?? 'socket_filter';
        p.progType = type;
        p.license ??= r.license ?? 'GPL';
        out.push({ id: `${tag}-${f.replace(/\.o$/, '')}-${k}`, type, program: p });
      });
    }
  }
  return out;
}
