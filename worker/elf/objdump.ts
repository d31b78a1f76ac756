// Test support (imported only by tests): parses the text of `llvm-objdump-19 -d -r` (the goldens that
// scripts/record-clang-objects.sh writes next to each object) into sections, functions, instruction
// bytes and relocations, so tests can compare readElf's output with what LLVM's own tools show.

export interface DumpInsn {
  /** Slot index within the section. */
  index: number;
  bytes: number[];
  text: string;
  reloc?: { type: string; symbol: string };
}

export interface DumpFunc {
  name: string;
  /** Slot index of the first instruction within the section. */
  start: number;
  insns: DumpInsn[];
}

export interface DumpSection {
  name: string;
  funcs: DumpFunc[];
}

export function parseObjdump(text: string): DumpSection[] {
  const secs: DumpSection[] = [];
  let sec: DumpSection | undefined;
  let fn: DumpFunc | undefined;
  let last: DumpInsn | undefined;
  for (const line of text.split('\n')) {
    let m = /^Disassembly of section (.*):$/.exec(line);
    if (m) {
      sec = { name: m[1]!, funcs: [] };
      secs.push(sec);
      fn = undefined;
      continue;
    }
    m = /^([0-9a-f]{16}) <(.*)>:$/.exec(line);
    if (m && sec) {
      fn = { name: m[2]!, start: parseInt(m[1]!, 16) / 8, insns: [] };
      sec.funcs.push(fn);
      continue;
    }
    m = /^\s+(\d+):\t([0-9a-f]{2}(?: [0-9a-f]{2})*)\t(.*)$/.exec(line);
    if (m && fn) {
      last = { index: Number(m[1]), bytes: m[2]!.trim().split(' ').map((h) => parseInt(h, 16)), text: m[3]!.trim() };
      fn.insns.push(last);
      continue;
    }
    m = /^\s+[0-9a-f]{16}:\s+(R_BPF_\w+)\s+(\S+)$/.exec(line);
    if (m && last) last.reloc = { type: m[1]!, symbol: m[2]! };
  }
  return secs;
}
