// Records the running kernel's verifier verdicts for the verifier corpus into
// testdata/verifier/kernel.jsonl (one JSON object per program: id, type, accepted, insn, message, block,
// processed, kernel release). Programs: the hand-written cases (testdata/verifier/cases/*.s), the
// generated corpus (worker/verifier/corpus.ts), the bpf_conformance programs (as socket filters) and
// the clang-19 objects in testdata/obj. Each is written as an ELF object (worker/elf/write.ts) and loaded
// with `bpftool prog load` (log_level 1 on failure, as libbpf retries); the error line, its instruction
// index (the last instruction line of the log) and the processed count are parsed from the log.
// Needs root and bpftool; re-runnable: `npx tsx scripts/record-verifier-goldens.ts`.
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadObject, pinPath, unpin, ensureBpffs } from './kdiff-bpftool';
import { kernelOracle } from '../worker/testing/kernel';
import { writeElf } from '../worker/elf/write';
import { corpusPrograms } from './record-verifier-goldens.corpus';

export interface KernelVerdict {
  id: string;
  type: string;
  accepted: boolean;
  /** Instruction index of the last instruction line before the error, -1 when none was printed. */
  insn: number;
  /** The last line of the error text. */
  message: string;
  /** Every error line (state dumps removed). */
  block: string[];
  processed: number;
  /** Set when libbpf failed before the kernel verifier ran. */
  loaderError?: string;
  /** Set (to the errno text) when the log was cut before the error line: only the verdict is known. */
  truncated?: string;
  kernel: string;
}

const STATE_LINE = /^(R\d+(_w)?=|fp-?\d+|frame\d+:|\d+: R\d|from \d+ to \d+:|cur state:|old state:)/;

/** Parses a verifier log (log_level 1) into the first error's instruction, message and processed count. */
export function parseKernelLog(log: string): { insn: number; message: string; block: string[]; processed: number } {
  const lines = log.split('\n');
  let last = -1;
  let lastInsn = -1;
  let end = lines.length;
  let processed = 0;
  for (let k = 0; k < lines.length; k++) {
    const l = lines[k]!;
    const m = /^(\d+): \([0-9a-f]{2}\)/.exec(l);
    if (m) { last = k; lastInsn = Number(m[1]); }
    const p = /^processed (\d+) insns/.exec(l);
    if (p) processed = Number(p[1]);
  }
  for (let k = Math.max(0, last + 1); k < lines.length; k++) {
    if (/^(verification time|stack depth|processed \d+ insns)/.test(lines[k]!)) { end = k; break; }
  }
  const block = lines.slice(last + 1, end).filter((l) => l.trim() && !STATE_LINE.test(l) && !/^\s/.test(l) && !/^func#\d+ @\d+/.test(l) && l !== 'Live regs before insn:');
  return { insn: lastInsn, message: block[block.length - 1] ?? '', block, processed };
}

function main(): void {
  const o = kernelOracle();
  if (!o.ok) {
    console.error(`kernel oracle unavailable: ${o.reason}`);
    process.exit(1);
  }
  const e = ensureBpffs();
  if (e) throw new Error(e);
  const release = os.release();
  const only = process.argv[2];
  const progs = corpusPrograms().filter((p) => !only || p.id.startsWith(only));
  const out: string[] = [];
  let n = 0;
  for (const p of progs) {
    let rec: KernelVerdict;
    if (!p.program) {
      rec = { id: p.id, type: p.type, accepted: false, insn: -1, message: '', block: [], processed: 0, loaderError: `assembler: ${p.error}`, kernel: release };
    } else {
      const obj = writeElf(p.program, { license: p.program.license ?? 'GPL' });
      const pin = pinPath('vg');
      const res = loadObject(obj, pin);
      unpin(pin);
      const m = /-- BEGIN PROG LOAD LOG --\n([\s\S]*?)(?:-- END PROG LOAD LOG --|$)/.exec(res.log);
      if (res.ok) {
        rec = { id: p.id, type: p.type, accepted: true, insn: -1, message: '', block: [], processed: 0, kernel: release };
      } else if (m) {
        const k = parseKernelLog(m[1]!);
        rec = { id: p.id, type: p.type, accepted: false, ...k, kernel: release };
        if (!/^processed \d+ insns/m.test(m[1]!)) {
          // libbpf's log buffer filled up before the kernel's last lines: keep only the verdict and errno.
          const errno = /BPF program load failed: ([^\n]*)/.exec(res.log)?.[1] ?? '';
          rec = { ...rec, insn: -1, message: '', block: [], truncated: errno };
        }
      } else {
        const err = res.log.split('\n').filter((l) => /libbpf:|Error:/.test(l)).slice(-3).join(' | ');
        rec = { id: p.id, type: p.type, accepted: false, insn: -1, message: '', block: [], processed: 0, loaderError: err || 'load failed without a verifier log', kernel: release };
      }
    }
    out.push(JSON.stringify(rec));
    if (++n % 200 === 0) console.error(`${n}/${progs.length}`);
  }
  const file = path.resolve(import.meta.dirname, '../testdata/verifier', only ? `kernel-${only}.jsonl` : 'kernel.jsonl');
  writeFileSync(file, out.join('\n') + '\n');
  console.error(`wrote ${out.length} verdicts to ${file}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) main();
void readdirSync; void readFileSync; void existsSync;
