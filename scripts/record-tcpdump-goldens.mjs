// Records classic-BPF goldens from the real tools (re-runnable; never hand-edit the outputs):
//  1. testdata/cbpf/tcpdump-goldens.jsonl: for every expression of testdata/cbpf/filter-corpus.txt,
//     `tcpdump -y EN10MB -d|-dd|-ddd EXPR` (no capture: tcpdump compiles for the Ethernet link type
//     with its default snaplen 262144) or tcpdump's error text. The first line names the versions.
//  2. testdata/cbpf/bpf-image.jsonl: libpcap's own bpf_image() text for every 16-bit code < 256 and a
//     few k values, through a tiny C program linked against the installed libpcap (gcc).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'testdata/cbpf');
const tcpdump = process.env.TCPDUMP ?? 'tcpdump';

const ver = spawnSync(tcpdump, ['--version'], { encoding: 'utf8' });
const vtext = (ver.stdout + ver.stderr).trim();
const tcpdumpVersion = /tcpdump version (\S+)/.exec(vtext)?.[1];
const libpcapVersion = /libpcap version (\S+)/.exec(vtext)?.[1];
if (!tcpdumpVersion) throw new Error(`cannot run ${tcpdump}: ${vtext}`);

const corpus = readFileSync(path.join(out, 'filter-corpus.txt'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '' && !l.startsWith('#'));

const lines = [JSON.stringify({ meta: true, tool: `tcpdump ${tcpdumpVersion}`, libpcap: `libpcap ${libpcapVersion}`, linktype: 'EN10MB', snaplen: 262144, command: 'tcpdump -y EN10MB -d|-dd|-ddd EXPR' })];
for (const expr of corpus) {
  const rec = { expr };
  for (const flag of ['-d', '-dd', '-ddd']) {
    const r = spawnSync(tcpdump, ['-y', 'EN10MB', flag, expr], { encoding: 'utf8' });
    if (r.status !== 0) {
      rec.error = r.stderr.trim().replace(/^tcpdump: /, '');
      break;
    }
    rec[flag.slice(1)] = r.stdout;
  }
  lines.push(JSON.stringify(rec));
}
writeFileSync(path.join(out, 'tcpdump-goldens.jsonl'), lines.join('\n') + '\n');
console.log(`tcpdump-goldens.jsonl: ${corpus.length} expressions (${tcpdumpVersion}, libpcap ${libpcapVersion})`);

// bpf_image() for every code, through libpcap itself.
const dir = mkdtempSync(path.join(tmpdir(), 'bpfimage-'));
const c = `#include <stdio.h>
struct bpf_insn { unsigned short code; unsigned char jt, jf; unsigned int k; };
char *bpf_image(const struct bpf_insn *, int);
int main(void) {
  unsigned ks[] = {0, 5, 14, 0xfffff000u, 0xfffff02cu, 0xfffff034u, 0xfffff040u, 0xfff00000u, 0xffffffffu, 0x80000000u};
  for (int c = 0; c < 256; c++)
    for (unsigned i = 0; i < sizeof ks / sizeof ks[0]; i++) {
      struct bpf_insn x = { (unsigned short)c, 1, 2, ks[i] };
      printf("%d\\t%u\\t%s\\n", c, ks[i], bpf_image(&x, 7));
    }
  return 0;
}
`;
writeFileSync(path.join(dir, 'img.c'), c);
let libpcap = '-lpcap';
try {
  execFileSync('gcc', [path.join(dir, 'img.c'), '-o', path.join(dir, 'img'), '-lpcap'], { stdio: 'pipe' });
} catch {
  libpcap = '-l:libpcap.so.0.8';
  execFileSync('gcc', [path.join(dir, 'img.c'), '-o', path.join(dir, 'img'), libpcap], { stdio: 'pipe' });
}
const img = execFileSync(path.join(dir, 'img'), { encoding: 'utf8' });
const imgLines = [JSON.stringify({ meta: true, tool: `libpcap ${libpcapVersion} bpf_image()`, n: 7, jt: 1, jf: 2 })];
for (const l of img.split('\n')) {
  if (!l) continue;
  const [code, k, ...rest] = l.split('\t');
  const image = rest.join('\t'); // conditional jumps contain a tab themselves
  imgLines.push(JSON.stringify({ code: Number(code), k: Number(k), image }));
}
writeFileSync(path.join(out, 'bpf-image.jsonl'), imgLines.join('\n') + '\n');
console.log(`bpf-image.jsonl: ${imgLines.length - 1} instructions`);
