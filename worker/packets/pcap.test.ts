// pcap/pcapng against the real tcpdump: files tcpdump wrote (testdata/pcap, recorded by
// scripts/record-pcap-goldens.sh) read back byte-exact and re-written identically; files bpfplay writes are
// read by `tcpdump -r` with the same output as the originals; malformed files give located errors.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { which } from '../testing/kernel';
import { parseHex } from './hex';
import { readCapture, readPcap, readPcapng, writePcap, writePcapng, type CapturedPacket } from './pcap';

const dir = resolve(__dirname, '../../testdata/pcap');
const tcpdump = which('tcpdump');
const work = mkdtempSync(join(tmpdir(), 'bpfplay-pcap-'));

/** Splits `tcpdump -tt -xx` text into packets: timestamp and the bytes of the hex dump lines. */
function goldenPackets(text: string): { ts: string; bytes: Uint8Array }[] {
  const out: { ts: string; lines: string[] }[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\d+\.\d+) /.exec(line);
    if (m) out.push({ ts: m[1], lines: [] });
    else if (/^\s*0x[0-9a-f]{4}:/.test(line) && out.length) out[out.length - 1].lines.push(line);
  }
  return out.map((p) => ({ ts: p.ts, bytes: parseHex(p.lines.join('\n')).bytes }));
}
const tsText = (p: CapturedPacket, ns: boolean) => `${p.tsSec}.${ns ? String(p.tsNsec).padStart(9, '0') : String(Math.floor(p.tsNsec / 1000)).padStart(6, '0')}`;

const FILES = [
  { name: 'samples-us', ns: false },
  { name: 'samples-ns', ns: true },
  { name: 'kernel-lo', ns: false },
];

describe('tcpdump-written pcap files', () => {
  for (const f of FILES) {
    const bytes = new Uint8Array(readFileSync(join(dir, `${f.name}.pcap`)));
    const golden = goldenPackets(readFileSync(join(dir, `${f.name}.txt`), 'utf8'));

    it(`${f.name}.pcap: every packet and timestamp matches tcpdump -xx -tt`, () => {
      const r = readCapture(bytes);
      expect(r.diagnostics).toEqual([]);
      const c = r.capture!;
      expect(c.format).toBe('pcap');
      expect(c.resolution).toBe(f.ns ? 'ns' : 'us');
      expect(c.packets.length).toBe(golden.length);
      expect(golden.length).toBeGreaterThan(5);
      c.packets.forEach((p, i) => {
        expect(Buffer.from(p.data).toString('hex'), `packet ${i}`).toBe(Buffer.from(golden[i].bytes).toString('hex'));
        expect(tsText(p, f.ns)).toBe(golden[i].ts);
        expect(p.origLen).toBe(p.data.length);
      });
    });

    it(`${f.name}.pcap: writing the packets back gives the same file`, () => {
      const c = readPcap(bytes).capture!;
      expect(Buffer.from(writePcap(c.packets, { resolution: c.resolution, snaplen: c.snaplen })).equals(Buffer.from(bytes))).toBe(true);
    });
  }
});

describe.skipIf(!tcpdump)(`tcpdump -r reads what bpfplay writes${tcpdump ? '' : ' (tcpdump not installed)'}`, () => {
  const run = (file: string, ns: boolean) =>
    execFileSync(tcpdump!, ['-r', file, ...(ns ? ['--time-stamp-precision=nano'] : []), '-nn', '-tt', '-xx', '-vv'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  for (const f of FILES)
    for (const variant of ['pcap', 'pcap-be', 'pcapng', 'pcapng-be'] as const)
      it(`${f.name} as ${variant}`, () => {
        const c = readPcap(new Uint8Array(readFileSync(join(dir, `${f.name}.pcap`)))).capture!;
        const opts = { resolution: c.resolution, littleEndian: !variant.endsWith('-be') };
        const bytes = variant.startsWith('pcapng') ? writePcapng(c.packets, opts) : writePcap(c.packets, opts);
        const file = join(work, `${f.name}.${variant}`);
        writeFileSync(file, bytes);
        expect(run(file, f.ns)).toBe(readFileSync(join(dir, `${f.name}.txt`), 'utf8'));
        // and bpfplay reads its own file back
        const back = readCapture(bytes);
        expect(back.diagnostics).toEqual([]);
        expect(back.capture!.packets.map((p) => tsText(p, f.ns) + Buffer.from(p.data).toString('hex'))).toEqual(c.packets.map((p) => tsText(p, f.ns) + Buffer.from(p.data).toString('hex')));
      });
});

describe('malformed captures give located errors', () => {
  const good = new Uint8Array(readFileSync(join(dir, 'samples-us.pcap')));
  const first = (b: Uint8Array) => readCapture(b).diagnostics.find((d) => d.severity === 'error');

  it('short file', () => expect(first(good.slice(0, 3))).toMatchObject({ loc: { byteOffset: 0 }, code: 'pcap.truncated' }));
  it('truncated file header', () => expect(first(good.slice(0, 20))).toMatchObject({ loc: { byteOffset: 0 }, code: 'pcap.truncated' }));
  it('bad magic', () => {
    const b = good.slice();
    b[0] = 0x00;
    expect(first(b)).toMatchObject({ loc: { byteOffset: 0 }, code: 'pcap.magic' });
  });
  it('non-Ethernet link type names the type', () => {
    const b = good.slice();
    b[20] = 113;
    const d = first(b)!;
    expect(d).toMatchObject({ loc: { byteOffset: 20 }, code: 'pcap.linktype' });
    expect(d.message).toContain('Linux cooked');
  });
  it('truncated record header and record body, keeping the packets before', () => {
    const firstLen = new DataView(good.buffer, good.byteOffset).getUint32(24 + 8, true);
    const cut1 = good.slice(0, 24 + 16 + firstLen + 10);
    const r1 = readCapture(cut1);
    expect(r1.capture!.packets.length).toBe(1);
    expect(r1.diagnostics[0]).toMatchObject({ loc: { byteOffset: 24 + 16 + firstLen }, code: 'pcap.truncated' });
    const cut2 = good.slice(0, 24 + 16 + 5);
    expect(readCapture(cut2).diagnostics[0]).toMatchObject({ loc: { byteOffset: 24 + 8 }, code: 'pcap.truncated' });
  });
  it('pcapng: bad block length, truncated block, missing interface, non-Ethernet interface', () => {
    const c = readPcap(good).capture!;
    const ng = writePcapng(c.packets.slice(0, 2));
    const shbLen = 28;
    const bad = ng.slice();
    new DataView(bad.buffer).setUint32(shbLen + 4, 13, true);
    expect(readPcapng(bad).diagnostics[0]).toMatchObject({ loc: { byteOffset: shbLen + 4 }, code: 'pcap.blocklen' });
    const trunc = ng.slice(0, ng.length - 7);
    const t = readPcapng(trunc);
    expect(t.diagnostics[0].code).toBe('pcap.truncated');
    expect(t.capture!.packets.length).toBe(1);
    const noIdb = new Uint8Array([...ng.slice(0, shbLen), ...ng.slice(shbLen + 20)]);
    expect(readPcapng(noIdb).diagnostics[0]).toMatchObject({ code: 'pcap.iface' });
    const sll = ng.slice();
    new DataView(sll.buffer).setUint16(shbLen + 8, 113, true);
    expect(readPcapng(sll).diagnostics[0]).toMatchObject({ loc: { byteOffset: shbLen + 8 }, code: 'pcap.linktype' });
  });
  it('pcapng simple packet blocks and unknown blocks', () => {
    const data = new Uint8Array(60).map((_, i) => i);
    const ng = writePcapng([{ tsSec: 1, tsNsec: 0, origLen: 60, data }]);
    const idbEnd = 28 + 20;
    const spb = new Uint8Array(12 + 4 + 60);
    const dv = new DataView(spb.buffer);
    dv.setUint32(0, 3, true); dv.setUint32(4, spb.length, true); dv.setUint32(8, 60, true); spb.set(data, 12); dv.setUint32(spb.length - 4, spb.length, true);
    const custom = new Uint8Array(16);
    const cv = new DataView(custom.buffer);
    cv.setUint32(0, 0x40000bad, true); cv.setUint32(4, 16, true); cv.setUint32(12, 16, true);
    const file = new Uint8Array([...ng.slice(0, idbEnd), ...custom, ...spb, ...ng.slice(idbEnd)]);
    const r = readPcapng(file);
    expect(r.diagnostics).toEqual([]);
    expect(r.capture!.packets.map((p) => [p.tsSec, p.data.length])).toEqual([[0, 60], [1, 60]]);
  });
});
