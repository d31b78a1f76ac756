// Records the LLVM goldens that worker/asm/llvm/*.test.ts and worker/asm/disasm.test.ts read.
// It writes assembly text covering every ISA row that llvm-mc-19 accepts (llvm19: true) with edge and
// seeded-random operand values, runs the real tools on it and stores what they print:
//   <name>.s               the source (each line ends with `# <row id>` where it covers one row)
//   <name>.hex             the .text bytes from `llvm-mc-19 -triple bpfel -mcpu=v4 -filetype=obj`, one
//                          instruction per line (ld_imm64 lines hold 16 bytes)
//   <name>.objdump.txt     `llvm-objdump-19 -d` of that object
//   <name>.objdump-v4.txt  `llvm-objdump-19 -d --mcpu=v4` of that object
//   rejects.jsonl          inputs llvm-mc-19 rejects, with its first error line
// Every file starts with a header line naming the tool version. Re-run with:
//   npx tsx scripts/record-llvm-goldens.ts
// Never edit the outputs by hand.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ISA, type IsaRow } from '../worker/isa/opcodes';

const OUT = path.resolve(import.meta.dirname, '../worker/asm/goldens/llvm');
const MC = 'llvm-mc-19';
const OBJDUMP = 'llvm-objdump-19';
const OBJCOPY = 'llvm-objcopy-19';

// ---- seeded random numbers (mulberry32) -----------------------------------------------------
let seed = 0x1bf5eed;
function rand(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const randInt = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

/** A number as source text: decimal or hex, as the writer of a .s file might. */
function num(n: number | bigint): string {
  const b = BigInt(n);
  if (rand() < 0.5) return b.toString();
  return b < 0n ? `-0x${(-b).toString(16)}` : `0x${b.toString(16)}`;
}

const IMM32 = [0, -1, 1, 0x7fffffff, -0x80000000, 0xffffffff, 0x7fff, -0x8000, 0x80000000];
const OFF16 = [0, -1, 1, 0x7fff, -0x8000, 8, -8];
const imm32 = (i: number): number => (i < IMM32.length ? IMM32[i]! : randInt(-0x80000000, 0x7fffffff));
const off16 = (i: number): number => (i < OFF16.length ? OFF16[i]! : randInt(-0x8000, 0x7fff));
const reg = (i: number, k: number): number => (i * 3 + k * 7) % 11;

function mem(base: number, off: number): string {
  return off < 0 ? `(r${base} - ${num(-off)})` : `(r${base} + ${num(off)})`;
}
function target(off: number): string {
  return off < 0 ? `-${num(-off)}` : `+${num(off)}`;
}

const ALU_TOK: Record<string, string> = {
  add: '+=', sub: '-=', mul: '*=', div: '/=', sdiv: 's/=', or: '|=', and: '&=', lsh: '<<=', rsh: '>>=',
  mod: '%=', smod: 's%=', xor: '^=', arsh: 's>>=', mov: '=',
};
const COND_TOK: Record<string, string> = {
  jeq: '==', jgt: '>', jge: '>=', jset: '&', jne: '!=', jsgt: 's>', jsge: 's>=', jlt: '<', jle: '<=', jslt: 's<', jsle: 's<=',
};
const ATOMIC_TOK: Record<string, string> = { add: '+=', or: '|=', and: '&=', xor: '^=' };

/** The llvm-mc text of row `r` for the i-th set of operand values, or null when i is past the row's variants. */
function rowText(r: IsaRow, i: number): string | null {
  const d = reg(i, 0);
  const s = reg(i, 1);
  const R = r.is64 === false ? 'w' : 'r';
  const uN = `u${(r.size ?? 8) * 8}`;
  const narrowReg = (n: number): string => (r.size !== 8 && rand() < 0.5 ? 'w' : 'r') + n;
  switch (r.kind) {
    case 'alu':
      if (r.aluOp === 'neg') return i < 11 ? `${R}${i} = -${R}${i}` : null;
      if (r.aluOp === 'movsx') return i < 11 ? `${R}${d} = (s${r.off})${R}${s}` : null;
      if (r.aluOp === 'addr_space_cast') {
        const vals = [[0, 1], [1, 0], [0, 0], [0xffff, 0x7fff], [3, 0xffff]];
        return i < vals.length ? `r${d} = addr_space_cast(r${s}, ${num(vals[i]![0]!)}, ${num(vals[i]![1]!)})` : null;
      }
      if (r.srcX) return i < 11 ? `${R}${d} ${ALU_TOK[r.aluOp!]} ${R}${s}` : null;
      return i < 12 ? `${R}${d} ${ALU_TOK[r.aluOp!]} ${num(imm32(i))}` : null;
    case 'endian':
      return i < 11 ? `r${i} = ${r.endian}${r.bits} r${i}` : null;
    case 'jmp': {
      if (i >= 11) return null;
      const rhs = r.srcX ? `${R}${s}` : num(imm32(i));
      return `if ${R}${d} ${COND_TOK[r.cond!]} ${rhs} goto ${target(off16(i))}`;
    }
    case 'ja':
      return i < 8 ? `${r.is64 ? 'goto' : 'gotol'} ${target(off16(i))}` : null;
    case 'may_goto':
      return i < 8 ? `may_goto ${target(off16(i))}` : null;
    case 'call':
      if (r.id === 'call') return i < 8 ? `call ${num(i < 4 ? [0, 1, 212, -1][i]! : randInt(0, 0x7fffffff))}` : null;
      return null; // call_local: needs a label, see LABELS below
    case 'callx':
      return i < 11 ? `callx r${i}` : null;
    case 'exit':
      return i < 1 ? 'exit' : null;
    case 'ldimm64': {
      if (r.src === 0) {
        const v = [0n, -1n, 0x123n, 0x7fffffffffffffffn, -0x8000000000000000n, 0xffffffffffffffffn, 0x100000000n, 0xffffffffn];
        if (i < v.length) return `r${reg(i, 0)} = ${num(v[i]!)} ll`;
        return i < 12 ? `r${reg(i, 0)} = ${num(BigInt(randInt(0, 0xffffffff)) * 0x100000000n + BigInt(randInt(0, 0xffffffff)))} ll` : null;
      }
      return i < 6 ? `ld_pseudo r${d}, ${r.src}, ${num(imm32(i))}` : null;
    }
    case 'ldx': {
      if (i >= 11) return null;
      const sx = (r.opcode & 0xe0) === 0x80;
      return `${sx ? 'r' + d : narrowReg(d)} = *(${sx ? 's' : 'u'}${r.size! * 8} *)${mem(s, off16(i))}`;
    }
    case 'st':
      return i < 11 ? `*(${uN} *)${mem(d, off16(i))} = ${num(imm32(i))}` : null;
    case 'stx':
      return i < 11 ? `*(${uN} *)${mem(d, off16(i))} = ${narrowReg(s)}` : null;
    case 'atomic': {
      if (i >= 9) return null;
      const w = r.size === 8 ? 'r' : 'w';
      const m = mem(d, off16(i));
      const op = r.atomicOp!;
      if (op in ATOMIC_TOK) return `lock *(${uN} *)${m} ${ATOMIC_TOK[op]} ${w}${s}`;
      if (op.startsWith('fetch_')) return `${w}${s} = atomic_${op}((${uN} *)${m}, ${w}${s})`;
      const sfx = r.size === 8 ? '_64' : '32_32';
      if (op === 'xchg') return `${w}${s} = xchg${sfx}(${m.slice(1, -1)}, ${w}${s})`;
      if (op === 'cmpxchg') return `${w}0 = cmpxchg${sfx}(${m.slice(1, -1)}, ${w}0, ${w}${s})`;
      return null;
    }
    case 'ldpkt':
      if ((r.opcode & 0xe0) === 0x20) return i < 8 ? `r0 = *(${uN} *)skb[${num(imm32(i))}]` : null;
      return i < 11 ? `r0 = *(${uN} *)skb[r${i}]` : null;
  }
}

interface Golden {
  name: string;
  lines: string[];
}

function shapes(): Golden {
  const lines: string[] = [];
  for (const r of ISA) {
    if (!r.llvm19) continue;
    let n = 0;
    for (let i = 0; ; i++) {
      const t = rowText(r, i);
      if (t === null) break;
      lines.push(`${t} # ${r.id}`);
      n++;
    }
    if (n === 0 && r.id !== 'call_local') throw new Error(`no llvm text for row ${r.id}`);
  }
  return { name: 'shapes', lines };
}

/** A program with labels: local calls, label jumps in both directions, gotol far away, objdump's <sym+off>. */
function labels(): Golden {
  const l: string[] = [];
  l.push('prog:');
  l.push('r0 = 0 # mov64_imm');
  l.push('if r1 == 0x5 goto LBB0_3 # jeq_imm');
  l.push('if w1 s> w2 goto LBB0_2 # jsgt32_reg');
  l.push('call sub1 # call_local');
  l.push('call sub2 # call_local');
  l.push('goto +1 # ja');
  l.push('LBB0_2:');
  l.push('r0 += 1 # add64_imm');
  l.push('gotol LBB0_far # ja32');
  l.push('may_goto LBB0_3 # may_goto');
  l.push('LBB0_3:');
  l.push('r1 = 0x1234567890 ll # lddw');
  l.push('if r0 s< r1 goto LBB0_2 # jslt_reg');
  l.push('goto .Ltmp1 # ja');
  l.push('r0 = 3 # mov64_imm');
  l.push('.Ltmp1:');
  l.push('exit # exit');
  l.push('sub1:');
  l.push('r0 = 1 # mov64_imm');
  l.push('call sub2 # call_local');
  l.push('exit # exit');
  l.push('sub2: r0 = 2 # mov64_imm');
  l.push('exit # exit');
  for (let i = 0; i < 5000; i++) l.push(`r${i % 10} += ${i} # add64_imm`);
  l.push('LBB0_far:');
  l.push('gotol prog # ja32');
  l.push('exit # exit');
  return { name: 'labels', lines: l };
}

/**
 * Raw instruction bytes (`.byte` lines) for what llvm-mc-19 cannot write but objdump-19 still prints:
 * every ISA row that is not llvm19 (kfunc calls, ld_imm64 pseudo sources 3-6, load-acquire and
 * store-release), the shapes whose objdump text loses bits (local calls, ld_imm64 map value offsets,
 * LD_IND with an offset), and a few slots objdump cannot decode.
 */
function raw(): Golden {
  const lines: string[] = [];
  const slot = (opcode: number, dst: number, src: number, off: number, imm: number): number[] => [
    opcode, dst | (src << 4), off & 0xff, (off >> 8) & 0xff, imm & 0xff, (imm >> 8) & 0xff, (imm >> 16) & 0xff, (imm >>> 24) & 0xff,
  ];
  const put = (bytes: number[], what: string): void => {
    lines.push(`.byte ${bytes.map((b) => '0x' + b.toString(16).padStart(2, '0')).join(', ')} # ${what}`);
  };
  for (const r of ISA) {
    const lossy = r.id === 'call_local' || r.id === 'lddw_map_value' || r.id.startsWith('ldind');
    if (r.llvm19 && !lossy) continue;
    for (let i = 0; i < 4; i++) {
      const d = reg(i, 0);
      const sr = r.srcField === 'fixed' ? r.src ?? 0 : r.srcField === 'reg' ? reg(i, 1) : 0;
      const off = r.offField === 'fixed' ? r.off ?? 0 : r.offField === 'zero' ? 0 : off16(i + 3);
      const imm = r.immField === 'fixed' ? r.imm ?? 0 : r.immField === 'zero' ? 0 : imm32(i + 1);
      if (r.kind === 'ldimm64') put([...slot(r.opcode, d, sr, 0, imm), ...slot(0, 0, 0, 0, imm32(i + 2))], r.id);
      else put(slot(r.opcode, r.dst === 'none' ? 0 : d, sr, off, imm), r.id);
    }
  }
  put(slot(0xff, 0, 0, 0, 0), 'unknown opcode');
  put(slot(0x07, 1, 0, 5, 0), 'add64_imm with a nonzero offset');
  put(slot(0x8f, 0, 0, 0, 0), 'unknown opcode (ALU64 NEG X)');
  return { name: 'raw', lines };
}

const REJECTS = [
  'r1 = *(u32 *)(r2 + 0x8000)',
  'goto +0x8000',
  'gotol +100000',
  'r1 = 18446744073709551616 ll',
  'w1 = (s32)w2',
  'r1 = (s8)w2',
  'r1 = -r2',
  'r1 = be16 w1',
  'w1 = be16 w1',
  'if r1 > w2 goto +1',
  'r1 = ~r1',
  'r0 = *(u64 *)skb[1]',
  'r0 = *(u16 *)skb[r1 + 4]',
  'r1 = *(u32 *)(r2 + -5)',
  'r1 = *(u32 *)(r2)',
  'r1 = atomic_fetch_add((u32 *)(r2 + 0), r1)',
  'r1 == 2',
  'r1 += ',
  'foo r1',
  'lock *(u16 *)(r1 + 0) += r2',
  'r1 = *(u128 *)(r1 + 0)',
  'call',
  'exit 1',
];

/** A small XDP program in C: a legacy `maps` map, a helper call, an atomic add, a .text subprogram, a license. */
const CLANG_C = `// Input of scripts/record-llvm-goldens.ts: compiled with clang-19 -target bpf -O2 -S.
struct xdp_md { unsigned data, data_end, data_meta, ingress_ifindex, rx_queue_index, egress_ifindex; };
struct bpf_map_def { unsigned type, key_size, value_size, max_entries; };
#define SEC(x) __attribute__((section(x), used))
static long (*bpf_map_lookup_elem)(void *map, const void *key) = (void *) 1;
struct bpf_map_def SEC("maps") counts = { 1, 4, 8, 16 };
static __attribute__((noinline)) int helper(int a) { return a * 3 + 1; }
SEC("xdp") int prog(struct xdp_md *ctx) {
  int k = ctx->ingress_ifindex;
  long *v = (long *)bpf_map_lookup_elem(&counts, &k);
  if (v) __sync_fetch_and_add(v, 1);
  if (k > 100) return helper(k);
  return 2;
}
char _license[] SEC("license") = "GPL";
`;

/** A socket filter with global data (.data, .rodata, .rodata.str1.1, .bss) and bpf_trace_printk. */
const CLANG_GLOBALS_C = `// Input of scripts/record-llvm-goldens.ts: compiled with clang-19 -target bpf -O2 -S.
struct __sk_buff { unsigned len; };
#define SEC(x) __attribute__((section(x), used))
static long (*bpf_trace_printk)(const char *fmt, unsigned fmt_size, ...) = (void *) 6;
int counter = 5;
volatile const int limit = 100;
long scratch[4];
struct pair { int a; int b; } pr = { 1, 2 };
SEC("socket") int prog(struct __sk_buff *skb) {
  static const char fmt[] = "len %d\\n";
  bpf_trace_printk(fmt, sizeof(fmt), skb->len);
  bpf_trace_printk("hi %d\\n", 7, pr.b);
  counter += skb->len;
  scratch[skb->len & 3] = 1;
  if (skb->len > limit) return 0;
  return -1;
}
char _license[] SEC("license") = "GPL";
`;

/** BTF-defined maps in .maps (needs -g for BTF), including a map-in-map, and a ring buffer. */
const CLANG_BTFMAPS_C = `// Input of scripts/record-llvm-goldens.ts: compiled with clang-19 -target bpf -O2 -g -S.
#define SEC(x) __attribute__((section(x), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name
#define __array(name, val) typeof(val) *name[]
struct xdp_md { unsigned data, data_end, data_meta, ingress_ifindex, rx_queue_index, egress_ifindex; };
struct val { long packets; long bytes; };
static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *) 1;
struct {
  __uint(type, 5); /* BPF_MAP_TYPE_PERCPU_HASH */
  __uint(max_entries, 1024);
  __type(key, unsigned);
  __type(value, struct val);
} stats SEC(".maps");
struct inner { __uint(type, 2); __uint(max_entries, 4); __type(key, int); __type(value, long); };
struct {
  __uint(type, 12); /* BPF_MAP_TYPE_ARRAY_OF_MAPS */
  __uint(max_entries, 2);
  __type(key, int);
  __array(values, struct inner);
} outer SEC(".maps");
struct { __uint(type, 27); __uint(max_entries, 4096); } events SEC(".maps");
SEC("xdp") int prog(struct xdp_md *ctx) {
  unsigned k = ctx->ingress_ifindex;
  struct val *v = bpf_map_lookup_elem(&stats, &k);
  if (!v) return 2;
  v->packets++;
  int i = 0;
  void *in = bpf_map_lookup_elem(&outer, &i);
  if (!in) return 1;
  return bpf_map_lookup_elem(&events, &i) ? 3 : 2;
}
char _license[] SEC("license") = "GPL";
`;

/** bpf_loop with a callback: a function's address (ld_imm64 of a .text function, BPF_PSEUDO_FUNC once loaded). */
const CLANG_LOOP_C = `// Input of scripts/record-llvm-goldens.ts: compiled with clang-19 -target bpf -O2 -S.
#define SEC(x) __attribute__((section(x), used))
static long (*bpf_loop)(unsigned nr, void *cb, void *ctx, unsigned long flags) = (void *) 181;
static int cb(unsigned i, void *ctx) { *(long *)ctx += i; return 0; }
SEC("xdp") int prog(void *c) { long sum = 0; bpf_loop(10, cb, &sum, 0); return sum & 3; }
char _license[] SEC("license") = "GPL";
`;

interface ClangRecord {
  /** Code sections in file order, with llvm-mc's bytes. */
  sections: { name: string; hex: string }[];
  relocs: { section: string; offset: number; type: string; symbol: string; symValue: number }[];
  /** Symbols with the section they are defined in. */
  symbols: { name: string; value: number; section: string }[];
}

/** clang -S output, and llvm-mc's bytes, relocations and symbols for it. */
function clangGolden(dir: string, header: string, name: string, csrc: string, flags: string[]): void {
  const c = path.join(dir, `${name}.c`);
  const s = path.join(dir, `${name}.s`);
  const o = path.join(dir, `${name}.o`);
  writeFileSync(c, csrc);
  // Relative names and a prefix map keep the temporary directory out of the output (-g records paths).
  execFileSync('clang-19', ['-target', 'bpf', '-O2', ...flags, `-fdebug-prefix-map=${dir}=/src`, '-S', `${name}.c`, '-o', `${name}.s`], { cwd: dir });
  execFileSync(MC, ['-triple', 'bpfel', '-mcpu=v4', '-filetype=obj', s, '-o', o]);
  const rec: ClangRecord = { sections: [], relocs: [], symbols: [] };
  const secNames = new Map<number, string>();
  for (const line of execFileSync('llvm-readelf-19', ['-S', '--wide', o], { encoding: 'utf8' }).split('\n')) {
    const m = /^\s*\[\s*(\d+)\]\s+(\S+)\s+(\S+)\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([A-Za-z]*)\s/.exec(line);
    if (!m) continue;
    secNames.set(Number(m[1]), m[2]!);
    if (m[5]!.includes('X') && parseInt(m[4]!, 16) > 0) {
      const bin = path.join(dir, 'sec.bin');
      execFileSync(OBJCOPY, ['-O', 'binary', `--only-section=${m[2]}`, o, bin]);
      rec.sections.push({ name: m[2]!, hex: [...readFileSync(bin)].map((b) => b.toString(16).padStart(2, '0')).join(' ') });
    }
  }
  for (const line of execFileSync('llvm-readelf-19', ['-s', '--wide', o], { encoding: 'utf8' }).split('\n')) {
    const m = /^\s*\d+:\s+([0-9a-f]+)\s+\d+\s+\S+\s+\S+\s+\S+\s+(\d+)\s+(\S+)$/.exec(line);
    if (m) rec.symbols.push({ name: m[3]!, value: parseInt(m[1]!, 16), section: secNames.get(Number(m[2])) ?? '?' });
  }
  let cur = '';
  for (const line of execFileSync('llvm-readelf-19', ['-r', o], { encoding: 'utf8' }).split('\n')) {
    const m = /Relocation section '\.rel(\S+)'/.exec(line);
    if (m) {
      cur = m[1]!;
      continue;
    }
    const r = /^([0-9a-f]{16})\s+[0-9a-f]+\s+(\S+)\s+([0-9a-f]+)\s+(\S+)/.exec(line);
    if (r && rec.sections.some((x) => x.name === cur)) {
      rec.relocs.push({ section: cur, offset: parseInt(r[1]!, 16), type: r[2]!, symbol: r[4]!, symValue: parseInt(r[3]!, 16) });
    }
  }
  const h = `# clang-19 -target bpf -O2 ${flags.map((f) => f + ' ').join('')}-S, then ${MC} -triple bpfel -mcpu=v4 -- ${header}; generated by scripts/record-llvm-goldens.ts, do not edit\n`;
  writeFileSync(path.join(OUT, `${name}.c`), csrc);
  writeFileSync(path.join(OUT, `${name}.s`), `# clang-19 -target bpf -O2 ${flags.map((f) => f + ' ').join('')}-S ${name}.c -- ${clangVersion()}; generated by scripts/record-llvm-goldens.ts, do not edit\n` + readFileSync(s, 'utf8'));
  writeFileSync(path.join(OUT, `${name}.sections.json`), h + JSON.stringify(rec, null, 1) + '\n');
  console.log(`${name}: ${rec.sections.map((x) => `${x.name} ${x.hex.split(' ').length / 8} slots`).join(', ')}, ${rec.relocs.length} relocations`);
}

/**
 * `clang-19 -S` of the C programs in testdata/c, with the flags scripts/record-clang-objects.sh uses for
 * testdata/obj/*.o, so a test can hold assembleLlvm's program against the ELF reader's for the same code.
 */
function testdataC(dir: string, header: string): void {
  const src = path.resolve(import.meta.dirname, '../testdata/c');
  if (!existsSync(src)) return;
  const out = path.join(OUT, 'testdata-c');
  mkdirSync(out, { recursive: true });
  const multiarch = (() => {
    try {
      return execFileSync('gcc', ['-dumpmachine'], { encoding: 'utf8' }).trim();
    } catch {
      return 'x86_64-linux-gnu';
    }
  })();
  for (const f of readdirSync(src).filter((x) => x.endsWith('.c')).sort()) {
    const name = f.slice(0, -2);
    const s = path.join(dir, `${name}.s`);
    execFileSync('clang-19', ['-target', 'bpf', '-O2', '-g', `-I/usr/include/${multiarch}`, `-fdebug-prefix-map=${src}=/src`, '-S', path.join(src, f), '-o', s], { cwd: src });
    writeFileSync(path.join(out, `${name}.s`), `# clang-19 -target bpf -O2 -g -S testdata/c/${f} -- ${clangVersion()}; generated by scripts/record-llvm-goldens.ts, do not edit\n` + readFileSync(s, 'utf8'));
  }
  console.log(`testdata-c: ${readdirSync(out).length} files`);
}

function clangVersion(): string {
  return execFileSync('clang-19', ['--version'], { encoding: 'utf8' }).split('\n')[0]!.trim();
}

function toolVersion(): string {
  const v = execFileSync(MC, ['--version'], { encoding: 'utf8' });
  return /LLVM version [^\s]+/.exec(v)?.[0] ?? v.split('\n')[0]!;
}

function run(g: Golden, dir: string, header: string): void {
  const src = path.join(dir, `${g.name}.s`);
  const obj = path.join(dir, `${g.name}.o`);
  const bin = path.join(dir, `${g.name}.bin`);
  writeFileSync(src, g.lines.join('\n') + '\n');
  execFileSync(MC, ['-triple', 'bpfel', '-mcpu=v4', '-filetype=obj', src, '-o', obj]);
  execFileSync(OBJCOPY, ['-O', 'binary', '--only-section=.text', obj, bin]);
  const bytes = readFileSync(bin);
  // One hex line per instruction, using the source lines to know which are ld_imm64.
  const hex: string[] = [];
  let o = 0;
  while (o < bytes.length) {
    const n = bytes[o] === 0x18 ? 16 : 8;
    hex.push([...bytes.subarray(o, o + n)].map((b) => b.toString(16).padStart(2, '0')).join(' '));
    o += n;
  }
  const dump = execFileSync(OBJDUMP, ['-d', obj], { encoding: 'utf8', cwd: dir });
  const dumpV4 = execFileSync(OBJDUMP, ['-d', '--mcpu=v4', obj], { encoding: 'utf8', cwd: dir });
  const h = (what: string): string => `# ${what} -- ${header}; generated by scripts/record-llvm-goldens.ts, do not edit\n`;
  writeFileSync(path.join(OUT, `${g.name}.s`), h(`${MC} -triple bpfel -mcpu=v4 input`) + g.lines.join('\n') + '\n');
  writeFileSync(path.join(OUT, `${g.name}.hex`), h(`${MC} -triple bpfel -mcpu=v4 -filetype=obj, .text bytes`) + hex.join('\n') + '\n');
  writeFileSync(path.join(OUT, `${g.name}.objdump.txt`), h(`${OBJDUMP} -d`) + dump.replace(`${obj}`, `${g.name}.o`));
  writeFileSync(path.join(OUT, `${g.name}.objdump-v4.txt`), h(`${OBJDUMP} -d --mcpu=v4`) + dumpV4.replace(`${obj}`, `${g.name}.o`));
  console.log(`${g.name}: ${g.lines.filter((l) => !/^\s*[\w.]+:\s*$/.test(l)).length} source lines, ${hex.length} instructions`);
}

function main(): void {
  mkdirSync(OUT, { recursive: true });
  const version = toolVersion();
  const header = `Debian ${version}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'llvm-goldens-'));
  try {
    run(shapes(), dir, header);
    run(labels(), dir, header);
    run(raw(), dir, header);
    clangGolden(dir, header, 'clang-xdp', CLANG_C, []);
    clangGolden(dir, header, 'clang-xdp-g', CLANG_C, ['-g']);
    clangGolden(dir, header, 'clang-globals', CLANG_GLOBALS_C, []);
    clangGolden(dir, header, 'clang-btfmaps', CLANG_BTFMAPS_C, ['-g']);
    clangGolden(dir, header, 'clang-loop', CLANG_LOOP_C, []);
    testdataC(dir, header);
    const rej: string[] = [];
    for (const line of REJECTS) {
      const f = path.join(dir, 'rej.s');
      writeFileSync(f, line + '\n');
      const p = spawnSync(MC, ['-triple', 'bpfel', '-mcpu=v4', '-filetype=obj', f, '-o', path.join(dir, 'rej.o')], { encoding: 'utf8' });
      const first = (p.stderr ?? '').split('\n').find((x) => x.includes('error:'));
      const msg = first ? first.replace(/^.*?rej\.s:/, '') : null;
      rej.push(JSON.stringify({ input: line, rejected: p.status !== 0, error: p.status !== 0 ? (msg ?? `exit ${p.status ?? p.signal}`) : null }));
    }
    writeFileSync(path.join(OUT, 'rejects.jsonl'), `# ${MC} -triple bpfel -mcpu=v4 on each input -- ${header}; generated by scripts/record-llvm-goldens.ts, do not edit\n` + rej.join('\n') + '\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
