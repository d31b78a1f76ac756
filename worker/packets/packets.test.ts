// Builder, decoder, hex parser and samples against tcpdump: the sample frames tcpdump captured
// (testdata/pcap/samples.hex, samples-us.txt) are exactly what the builder produces today, tcpdump -vv
// called their checksums correct, and the decoder agrees; on kernel loopback traffic (partial L4 checksums)
// the decoder flags the same checksums tcpdump flags and computes the same correct values.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIPv6, parseIPv6 } from './addr';
import { buildPacket } from './build';
import { internetChecksum } from './checksum';
import { decodePacket, fieldsAt } from './decode';
import { bytesToHex, parseHex } from './hex';
import { readPcap } from './pcap';
import { SAMPLES, buildSample } from './samples';

const dir = resolve(__dirname, '../../testdata/pcap');
const txt = (name: string) => readFileSync(join(dir, name), 'utf8');

/** tcpdump -vv text per packet (header lines only, without the hex dump). */
function goldenTexts(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (/^\d+\.\d+ /.test(line)) out.push(line);
    else if (!/^\s*0x[0-9a-f]{4}:/.test(line) && out.length) out[out.length - 1] += `\n${line}`;
  }
  return out;
}

describe('samples', () => {
  const recorded = txt('samples.hex').trim().split('\n').map((l) => l.split(' '));

  it('every sample builds without diagnostics, and the frames are the ones tcpdump captured', () => {
    const ours: string[][] = [];
    for (const s of SAMPLES) {
      const b = buildSample(s.id)!;
      expect(b.diagnostics).toEqual([]);
      for (const f of b.frames) ours.push([s.id, bytesToHex(f)]);
    }
    expect(ours).toEqual(recorded);
    const cap = readPcap(new Uint8Array(readFileSync(join(dir, 'samples-us.pcap')))).capture!;
    expect(cap.packets.map((p) => bytesToHex(p.data))).toEqual(recorded.map((r) => r[1]));
  });

  it('tcpdump -vv finds every checksum correct except in the malformed sample, and the decoder agrees', () => {
    const texts = goldenTexts(txt('samples-us.txt'));
    recorded.forEach(([id, hex], i) => {
      const d = decodePacket(parseHex(hex).bytes);
      const sums = d.fields.filter((f) => f.ok !== undefined);
      if (id === 'malformed') return;
      expect(texts[i], `${id} #${i}`).not.toMatch(/incorrect|bad .*cksum|bad cksum/);
      if (id !== 'ipv6-fragment' && id !== 'arp') expect(sums.length, `${id} #${i} has checksums`).toBeGreaterThan(0);
      for (const s of sums) expect(s.ok, `${id} #${i} ${s.layer}.${s.name}`).toBe(true);
      if (/cksum 0x[0-9a-f]+ \(correct\)/.test(texts[i])) {
        const v = /cksum (0x[0-9a-f]+) \(correct\)/.exec(texts[i])![1];
        expect(sums.map((s) => s.value)).toContain(`0x${v.slice(2).padStart(4, '0')}`);
      }
    });
  });

  it('the decoder flags the partial L4 checksums of loopback traffic and computes what tcpdump says is right', () => {
    const texts = goldenTexts(txt('kernel-lo.txt'));
    const cap = readPcap(new Uint8Array(readFileSync(join(dir, 'kernel-lo.pcap')))).capture!;
    let checked = 0;
    cap.packets.forEach((p, i) => {
      const m = /cksum (0x[0-9a-f]+)(?: \(incorrect -> (0x[0-9a-f]+)\)| -> (0x[0-9a-f]+)!)/.exec(texts[i]);
      const d = decodePacket(p.data);
      const l4 = d.fields.find((f) => (f.layer === 'tcp' || f.layer === 'udp') && f.name === 'check')!;
      if (!m) {
        expect(l4.ok, texts[i]).toBe(true);
        return;
      }
      checked++;
      expect(l4.ok).toBe(false);
      expect(l4.expected).toBe(`0x${(m[2] ?? m[3]).slice(2).padStart(4, '0')}`);
      expect(d.fields.find((f) => f.layer === 'ipv4' && f.name === 'check')!.ok).toBe(true);
    });
    expect(checked).toBeGreaterThan(3);
  });
});

describe('decoder', () => {
  it('labels every byte of every sample frame, with ranges inside the frame', () => {
    for (const s of SAMPLES)
      for (const f of buildSample(s.id)!.frames) {
        const d = decodePacket(f);
        const covered = new Uint8Array(f.length);
        for (const x of d.fields) {
          expect(x.start).toBeGreaterThanOrEqual(0);
          expect(x.end).toBeLessThanOrEqual(f.length);
          covered.fill(1, x.start, x.end);
        }
        expect(covered.every((c) => c === 1), `${s.id}: ${d.summary}`).toBe(true);
      }
  });

  it('names what an access touches', () => {
    const f = buildSample('vlan')!.frames[0];
    const d = decodePacket(f);
    expect(fieldsAt(d, 12, 2).map((x) => `${x.layer}.${x.name}`)).toEqual(['eth.type']);
    expect(fieldsAt(d, 14, 2).map((x) => `${x.layer}.${x.name}`)).toEqual(['vlan.pcp', 'vlan.dei', 'vlan.vid']);
    expect(fieldsAt(d, 18 + 9, 1)[0]).toMatchObject({ layer: 'ipv4', name: 'protocol', value: '17 (UDP)' });
    expect(fieldsAt(d, 14, 1).find((x) => x.name === 'vid')!.value).toBe('100');
  });

  it('reports truncation at the byte where a header is cut', () => {
    const [a, b, c] = buildSample('malformed')!.frames;
    expect(decodePacket(a).diagnostics[0]).toMatchObject({ loc: { byteOffset: 14 }, code: 'packet.truncated' });
    expect(decodePacket(b).diagnostics.find((x) => x.severity === 'error')).toMatchObject({ loc: { byteOffset: 34 }, code: 'packet.truncated' });
    expect(decodePacket(c).diagnostics[0]).toMatchObject({ loc: { byteOffset: 14 }, code: 'packet.ipv4.ihl' });
  });

  it('decodes IPv6 extension headers and stops at non-first fragments', () => {
    const [f1, f2] = buildSample('ipv6-fragment')!.frames;
    const d1 = decodePacket(f1), d2 = decodePacket(f2);
    expect(d1.layers.map((l) => l.name)).toEqual(['eth', 'ipv6', 'frag', 'udp']);
    expect(d2.layers.map((l) => l.name)).toEqual(['eth', 'ipv6', 'frag']);
    expect(d2.fields.find((x) => x.name === 'frag_off')!.value).toBe('3 (24 bytes)');
    const e = decodePacket(buildSample('ipv6-tcp-ext')!.frames[0]);
    expect(e.layers.map((l) => l.name)).toEqual(['eth', 'ipv6', 'hopopts', 'dstopts', 'tcp']);
  });

  it('decodes from the network header (the cgroup_skb / test_run view)', () => {
    const f = buildSample('dns-udp')!.frames[0];
    const d = decodePacket(f.subarray(14), 'ip');
    expect(d.layers.map((l) => l.name)).toEqual(['ipv4', 'udp']);
    expect(d.fields[0]).toMatchObject({ layer: 'ipv4', name: 'version', start: 0 });
  });
});

describe('builder', () => {
  it('RFC 1071 checksum of a known IPv4 header (RFC 791 example from Wikipedia-style textbooks)', () => {
    const h = parseHex('4500 0073 0000 4000 4011 0000 c0a8 0001 c0a8 00c7').bytes;
    expect(internetChecksum(h).toString(16)).toBe('b861');
  });

  it('fills next-protocol fields, lengths and checksums', () => {
    const r = buildPacket({ layers: [{ layer: 'eth' }, { layer: 'ipv6', src: '::1', dst: '::1' }, { layer: 'udp', sport: 1, dport: 2 }, { layer: 'payload', text: 'hi' }] });
    const b = r.bytes!;
    expect(bytesToHex(b.subarray(12, 14))).toBe('86dd');
    expect(b[14 + 6]).toBe(17);
    expect((b[18] << 8) | b[19]).toBe(10);
    const d = decodePacket(b);
    expect(d.fields.filter((f) => f.ok !== undefined).every((f) => f.ok)).toBe(true);
  });

  it('reports bad specs by path', () => {
    const r = buildPacket({ layers: [{ layer: 'eth', src: 'nope' }, { layer: 'ipv4', src: '1.2.3', dst: '1.2.3.4' }, { layer: 'tcp', sport: 70000, dport: 1, flags: 'SX' }] });
    expect(r.bytes).toBeNull();
    expect(r.diagnostics.map((d) => d.message.split(':')[0])).toEqual(['layers[0].src', 'layers[1].src', 'layers[2].sport', 'layers[2].flags']);
    expect(buildPacket({ layers: [{ layer: 'bogus' } as never] }).diagnostics[0].message).toContain('unknown layer');
    expect(buildPacket(null as never).diagnostics[0].message).toContain('layers');
  });

  it('property: any built TCP/UDP/ICMP packet over IPv4 or IPv6 verifies, and decodes back to its fields', () => {
    fc.assert(
      fc.property(
        fc.boolean(), fc.constantFrom('tcp', 'udp', 'icmp'), fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 65535 }),
        fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 0, max: 0xffffffff }),
        (v6, l4, sport, dport, payload, seq) => {
          const l4spec = l4 === 'tcp' ? { layer: 'tcp' as const, sport, dport, seq, flags: 'P.' } : l4 === 'udp' ? { layer: 'udp' as const, sport, dport } : { layer: 'icmp' as const, type: 8, id: sport, seq: dport };
          const layers = [
            { layer: 'eth' as const },
            v6 ? { layer: 'ipv6' as const, src: '2001:db8::1', dst: 'fe80::2' } : { layer: 'ipv4' as const, src: '10.0.0.1', dst: '10.0.0.2' },
            ...(v6 && l4 === 'icmp' ? [{ layer: 'icmpv6' as const, type: 128, id: sport, seq: dport }] : [l4spec]),
            { layer: 'payload' as const, hex: bytesToHex(payload) },
          ];
          const b = buildPacket({ layers }).bytes!;
          const d = decodePacket(b);
          expect(d.diagnostics).toEqual([]);
          const sums = d.fields.filter((f) => f.ok !== undefined);
          expect(sums.length).toBeGreaterThan(0);
          expect(sums.every((f) => f.ok)).toBe(true);
          if (l4 !== 'icmp') expect(d.fields.find((f) => f.name === 'source')!.value).toBe(String(sport));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('hex paste', () => {
  it('plain, spaced, 0x-prefixed, C arrays and \\x strings', () => {
    for (const s of ['45000054', '45 00 00 54', '0x45, 0x00, 0x00, 0x54', '"\\x45\\x00\\x00\\x54"', '{0x45,0x0,0x0,0x54}', '4500\n0054 # comment'])
      expect(bytesToHex(parseHex(s).bytes), s).toBe('45000054');
  });
  it('tcpdump -xx and -XX dumps with header lines', () => {
    const dump = txt('samples-us.txt').split('\n').slice(0, 8).join('\n');
    const first = txt('samples.hex').split('\n')[0].split(' ')[1];
    expect(bytesToHex(parseHex(dump).bytes)).toBe(first);
    const xx = '12:00:00.000000 IP 1.2.3.4 > 5.6.7.8: ICMP\n\t0x0000:  4500 0054 1234 4000  E..T.4@.\n\t0x0010:  4001                 @.';
    expect(bytesToHex(parseHex(xx).bytes)).toBe('450000541234400040' + '01');
  });
  it('hexdump -C style', () => {
    expect(bytesToHex(parseHex('00000000  45 00 00 54 12 34  |E..T.4|\n00000006').bytes)).toBe('450000541234');
  });
  it('errors are located by line and column', () => {
    const r = parseHex('45 00\n00 5g 12\n123');
    expect(r.diagnostics.map((d) => [d.loc.line, d.loc.col, d.code])).toEqual([[2, 4, 'hex.odd'], [2, 5, 'hex.char'], [3, 1, 'hex.odd']]);
  });
});

describe('addresses', () => {
  it('IPv6 text forms round-trip in RFC 5952 form', () => {
    for (const [inp, out] of [['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'], ['::', '::'], ['::1', '::1'], ['fe80::1:0:0:2', 'fe80::1:0:0:2'], ['1:0:0:1:0:0:0:1', '1:0:0:1::1'], ['::ffff:192.0.2.1', '::ffff:c000:201']])
      expect(formatIPv6(parseIPv6(inp)!)).toBe(out);
    expect(parseIPv6('1::2::3')).toBeNull();
    expect(parseIPv6('12345::')).toBeNull();
  });
});
