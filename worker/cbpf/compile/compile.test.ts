// The filter compiler against the real tcpdump (goldens recorded by scripts/record-tcpdump-goldens.sh:
// tcpdump 4.99 / libpcap 1.10, Ethernet, snaplen 262144): the exact-match rate of `-d`, `-dd`, `-ddd`,
// and for every expression whose listing differs, equal accept/trim results of the two filters on
// thousands of generated packets (run by bpfplay's interpreter).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDump, parseTcpdumpD } from '../formats';
import { run } from '../interp';
import { constantsOf, genPackets } from '../testing-packets';
import { compileFilter } from './index';

const root = path.resolve(__dirname, '../../..');
const lines = readFileSync(path.join(root, 'testdata/cbpf/tcpdump-goldens.jsonl'), 'utf8').trim().split('\n');
const meta = JSON.parse(lines[0]!) as { tool: string; libpcap: string };
const goldens = lines.slice(1).map((l) => JSON.parse(l) as { expr: string; d?: string; dd?: string; ddd?: string; error?: string; O_d?: string; O_error?: string });
/** What bpfplay's compiler does not implement (it reports a located error instead): nothing in this corpus. */
const UNSUPPORTED = /\b(gateway)\b/;

describe(`filter compiler vs ${meta.tool} (${meta.libpcap})`, () => {
  it('has a corpus of at least 300 expressions', () => {
    expect(goldens.length).toBeGreaterThanOrEqual(300);
  });

  it('matches tcpdump -d/-dd/-ddd exactly (rate printed), and is packet-equivalent where not', () => {
    let exact = 0;
    let compiled = 0;
    const mismatched: string[] = [];
    const unsupported: string[] = [];
    const wrongErrors: string[] = [];
    for (const g of goldens) {
      const r = compileFilter(g.expr);
      if (g.error !== undefined) {
        // same rejection, same text (tcpdump prefixes syntax errors with "can't parse filter expression: ")
        const want = g.error.replace(/^can't parse filter expression: /, '');
        if (r.program) wrongErrors.push(`${g.expr}: tcpdump says "${g.error}" but bpfplay compiled it`);
        else if (r.diagnostics[0]!.message !== want) wrongErrors.push(`${g.expr}: tcpdump says "${want}", bpfplay "${r.diagnostics[0]!.message}"`);
        else exact++;
        continue;
      }
      if (!r.program) {
        if (UNSUPPORTED.test(g.expr)) unsupported.push(g.expr);
        else wrongErrors.push(`${g.expr}: ${r.diagnostics[0]?.message}`);
        continue;
      }
      compiled++;
      const same = formatDump(r.program, '-d') === g.d && formatDump(r.program, '-dd') === g.dd && formatDump(r.program, '-ddd') === g.ddd;
      if (same) exact++;
      else mismatched.push(g.expr);
    }
    const rate = (100 * exact) / goldens.length;
    console.log(`exact match: ${exact}/${goldens.length} (${rate.toFixed(1)}%); compiled ${compiled}; unsupported: ${unsupported.join(', ') || 'none'}; listing differs: ${mismatched.length}`);
    expect(wrongErrors).toEqual([]);
    expect(unsupported).toEqual([]);
    expect(rate).toBeGreaterThanOrEqual(99);
    // Packet equivalence for each expression whose listing differs (none today, but kept live).
    for (const expr of mismatched) {
      const g = goldens.find((x) => x.expr === expr)!;
      const theirs = parseTcpdumpD(g.d!).filters!;
      const ours = compileFilter(expr).program!;
      const pk = genPackets(3000, 7, constantsOf([...theirs, ...ours].map((f) => f.k)));
      for (const p of pk) expect(run(ours, { kind: 'skb', frame: p }).ret, `${expr} on ${Buffer.from(p).toString('hex')}`).toBe(run(theirs, { kind: 'skb', frame: p }).ret);
    }
  });

  it('matches `tcpdump -O -d` (the code generator alone, no optimizer) exactly', () => {
    let exact = 0;
    const bad: string[] = [];
    for (const g of goldens) {
      const r = compileFilter(g.expr, { optimize: false });
      if (g.O_error !== undefined) {
        if (!r.program && r.diagnostics[0]!.message === g.O_error.replace(/^can't parse filter expression: /, '')) exact++;
        else bad.push(`${g.expr}: tcpdump -O says "${g.O_error}"`);
      } else if (r.program && formatDump(r.program, '-d') === g.O_d) exact++;
      else bad.push(g.expr);
    }
    console.log(`unoptimized exact match: ${exact}/${goldens.length}`);
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('tcpdump and bpfplay filters accept the same generated packets (every compiled corpus expression)', () => {
    let checked = 0;
    for (const g of goldens) {
      if (!g.d) continue;
      const ours = compileFilter(g.expr).program;
      if (!ours) continue;
      const theirs = parseTcpdumpD(g.d).filters!;
      const pk = genPackets(400, g.expr.length * 7919 + 1, constantsOf([...theirs, ...ours].map((f) => f.k)));
      for (const p of pk) {
        const a: number | null = run(ours, { kind: 'skb', frame: p }).ret;
        const b: number | null = run(theirs, { kind: 'skb', frame: p }).ret;
        if (a !== b) expect.fail(`${g.expr}: bpfplay ${a} vs tcpdump ${b} on ${Buffer.from(p).toString('hex')}`);
        checked++;
      }
    }
    console.log(`packet equivalence: ${checked} (expression, packet) pairs agree`);
    expect(checked).toBeGreaterThan(100_000);
  });

  it('generated packets exercise both verdicts of typical filters', () => {
    for (const expr of ['tcp port 80', 'host 10.0.0.1', 'vlan and udp', 'ip6 and tcp']) {
      const prog = compileFilter(expr).program!;
      const pk = genPackets(6000, 3, constantsOf(prog.map((f) => f.k)));
      const acc = pk.filter((p) => run(prog, { kind: 'skb', frame: p }).ret !== 0).length;
      expect(acc, expr).toBeGreaterThan(10);
      expect(pk.length - acc, expr).toBeGreaterThan(20);
    }
  });

  it('protochain walks IPv6 extension headers (libpcap loop, run by the interpreter)', () => {
    const prog = compileFilter('ip6 protochain 6').program!;
    const pkt = (last: number): Uint8Array => {
      const b = new Uint8Array(14 + 40 + 8 + 16 + 20);
      b.set([0x86, 0xdd], 12);
      b[14] = 0x60;
      b[14 + 6] = 0; // hop-by-hop
      b.set([60, 0], 54); // -> destination options, 8 bytes
      b.set([last, 1], 62); // -> last, 16 bytes
      return b;
    };
    expect(run(prog, { kind: 'skb', frame: pkt(6) }).ret).toBe(262144);
    expect(run(prog, { kind: 'skb', frame: pkt(17) }).ret).toBe(0);
  });

  it('reports bad expressions with the column of the bad token', () => {
    const cases: [string, number, RegExp][] = [
      ['tcp port', 9, /syntax error/],
      ['tcp and', 8, /syntax error/],
      ['port 99999', 6, /illegal port number 99999 > 65535/],
      ['host 999.1.1.1', 6, /invalid IPv4 address/],
      ['tcp port 80 80', 13, /syntax error/],
      ['net 10.0.0.1/8', 5, /non-network bits set/],
      ['ip[0:3] = 1', 1, /data size must be 1, 2, or 4/],
      ['tcp and $', 9, /illegal character/],
    ];
    for (const [expr, col, msg] of cases) {
      const r = compileFilter(expr);
      expect(r.program, expr).toBeNull();
      expect(r.diagnostics[0]!.message, expr).toMatch(msg);
      expect(r.diagnostics[0]!.loc.col, expr).toBe(col);
    }
  });
});
