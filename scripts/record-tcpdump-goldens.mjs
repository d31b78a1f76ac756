// Records classic-BPF goldens from the real tools (re-runnable; never hand-edit the outputs):
//  1. testdata/cbpf/tcpdump-goldens.jsonl: for every expression of testdata/cbpf/filter-corpus.txt and
//     a seeded set of random combinations, `tcpdump -y EN10MB -d|-dd|-ddd EXPR` (no capture: tcpdump
//     compiles for the Ethernet link type with its default snaplen 262144) or tcpdump's error text,
//     and `tcpdump -O -d` (unoptimized). The first line names the versions.
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

const corpus0 = readFileSync(path.join(out, 'filter-corpus.txt'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '' && !l.startsWith('#'));
const corpus = [...corpus0];

// Plus seeded random combinations of primitives (and/or/not/parentheses), to exercise the optimizer.
const PRIMS = ['tcp','udp','icmp','ip','ip6','arp','rarp','vlan','vlan 5','mpls','mpls 7','icmp6','sctp','igmp','pim','vrrp','ah','esp',
'port 80','port 53','src port 22','dst port 443','src or dst port 8080','src and dst port 9','tcp port 80','udp port 53','sctp port 9','tcp src port 1',
'host 10.0.0.1','src host 10.0.0.2','dst host 192.168.1.1','ip host 1.2.3.4','arp host 1.2.3.4','src and dst host 1.1.1.1','net 10.0.0.0/8','src net 172.16.0.0/12','dst net 10.1.0.0 mask 255.255.0.0','net 192.168',
'host ::1','host 2001:db8::1','src net 2001:db8::/32','ip6 dst host fe80::1','ether host 00:11:22:33:44:55','ether src 01:02:03:04:05:06','ether dst ff:ff:ff:ff:ff:ff','ether broadcast','ether multicast','ip multicast','ip6 multicast',
'len > 100','len < 60','len = 64','len != 64','len >= 1000','len <= 10','greater 200','less 1000','ip[0] & 0xf > 5','ip[0] & 0xf != 5','tcp[tcpflags] & tcp-syn != 0','tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn','tcp[13] = 0x12',
'icmp[icmptype] == icmp-echo','icmp[icmptype] != icmp-echoreply','ip[6:2] & 0x1fff = 0','udp[8] = 1','udp[8:2] > 5','portrange 1000-2000','tcp portrange 1-100','src portrange 5-6',
'ip proto 47','ip6 proto 58','proto 17','ether proto 0x88cc','ether proto \\arp','ip[8] < 64','tcp[0:2] > 1023','ip[2:2] - ((ip[0]&0xf)<<2) > 40','arp[7] = 2','ip6[6] = 17','icmp6[icmp6type] = icmp6-echo',
'ip[0] + ip[1] > 10','len - 14 > ip[2:2]','ip[12:4] = ip[16:4]','tcp[2:2] = udp[2:2]','ether[0] & 1 = 0','link[12:2] = 0x800','(ip[0] >> 4) = 4','ip[1] * 2 > 10','ip[0] % 16 = 5','ip[0] ^ 0x45 = 0','ip[0] | 1 = 0x45','ip protochain 6','protochain 17'];
let seed = 20251125;
const rnd = (n) => {
  seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0;
  return seed % n;
};
function genExpr(depth) {
  if (depth <= 0 || rnd(3) === 0) return (rnd(5) === 0 ? (rnd(2) ? 'not ' : '!') : '') + PRIMS[rnd(PRIMS.length)];
  const a = genExpr(depth - 1);
  const b = genExpr(depth - 1);
  const op = rnd(4) === 0 ? (rnd(2) ? '&&' : '||') : rnd(2) ? 'and' : 'or';
  const e = `${a} ${op} ${b}`;
  return rnd(3) === 0 ? `(${e})` : rnd(6) === 0 ? `not (${e})` : e;
}
const generated = [];
for (let i = 0; i < 600; i++) {
  const e = genExpr(1 + rnd(5));
  if (!corpus.includes(e) && !generated.includes(e)) generated.push(e);
}
corpus.push(...generated);

const lines = [JSON.stringify({ meta: true, tool: `tcpdump ${tcpdumpVersion}`, libpcap: `libpcap ${libpcapVersion}`, linktype: 'EN10MB', snaplen: 262144, command: 'tcpdump -y EN10MB -d|-dd|-ddd EXPR; tcpdump -y EN10MB -O -d EXPR' })];
for (const expr of corpus) {
  const rec = generated.includes(expr) ? { expr, generated: true } : { expr };
  for (const flag of ['-d', '-dd', '-ddd']) {
    const r = spawnSync(tcpdump, ['-y', 'EN10MB', flag, expr], { encoding: 'utf8' });
    if (r.status !== 0) {
      rec.error = r.stderr.trim().replace(/^tcpdump: /, '');
      break;
    }
    rec[flag.slice(1)] = r.stdout;
  }
  // the unoptimized code (tcpdump -O): libpcap's gencode.c output before optimize.c
  const o = spawnSync(tcpdump, ['-y', 'EN10MB', '-O', '-d', expr], { encoding: 'utf8' });
  if (o.status === 0) rec.O_d = o.stdout;
  else rec.O_error = o.stderr.trim().replace(/^tcpdump: /, '');
  lines.push(JSON.stringify(rec));
}
writeFileSync(path.join(out, 'tcpdump-goldens.jsonl'), lines.join('\n') + '\n');
console.log(`tcpdump-goldens.jsonl: ${corpus0.length} hand-written + ${generated.length} generated expressions (${tcpdumpVersion}, libpcap ${libpcapVersion})`);

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
