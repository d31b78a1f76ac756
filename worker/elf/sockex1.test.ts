// sockex1 end to end: the clang-19 object (testdata/c/sockex1.c) read by readElf and run by bpfplay's VM
// as a socket filter on an AF_PACKET socket (data at the Ethernet header): it keeps the Ethernet + IPv4
// + TCP/UDP headers (the return value is the number of bytes to keep) and drops everything else (0),
// counting bytes per protocol in its array map. When the kernel is available, the same object written
// back by writeElf runs under BPF_PROG_TEST_RUN in the kernel and in the VM with the same results.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInKernel } from '../../scripts/kdiff-run';
import type { KdiffCase } from '../kdiff/gen';
import { runCaseInVm } from '../kdiff/vmrun';
import { runAttached } from '../progtypes/run';
import { kernelOracle } from '../testing/kernel';
import { readElf } from './read';

const obj = new Uint8Array(readFileSync(path.resolve(__dirname, '../../testdata/obj/sockex1.o')));
const prog = readElf(obj).programs[0]!;

/** An Ethernet frame: IPv4 (ihl 5 unless given) carrying `proto` with `l4` bytes, or another ethertype. */
function frame(o: { ethertype?: number; proto?: number; ihl?: number; frag?: number; l4?: Uint8Array; total?: number }): Uint8Array {
  const ihl = o.ihl ?? 5;
  const l4 = o.l4 ?? new Uint8Array(20);
  const f = new Uint8Array(14 + Math.max(ihl, 5) * 4 + l4.length + (o.total ?? 0));
  f.set([2, 0, 0, 0, 0, 0xb, 2, 0, 0, 0, 0, 0xa], 0);
  const et = o.ethertype ?? 0x0800;
  f[12] = et >> 8;
  f[13] = et & 0xff;
  f[14] = 0x40 | ihl;
  const totLen = f.length - 14;
  f[16] = totLen >> 8;
  f[17] = totLen & 0xff;
  f[20] = (o.frag ?? 0) >> 8;
  f[21] = (o.frag ?? 0) & 0xff;
  f[22] = 64;
  f[23] = o.proto ?? 6;
  f.set([10, 0, 0, 1, 10, 0, 0, 2], 26);
  f.set(l4, 14 + Math.max(ihl, 5) * 4);
  return f;
}
const tcp = (doff: number): Uint8Array => {
  const t = new Uint8Array(doff * 4);
  t[12] = doff << 4;
  return t;
};

describe('sockex1 (keep only Ethernet + IPv4 + TCP/UDP headers)', () => {
  const cases: [string, Uint8Array, number][] = [
    ['TCP, no options: 14 + 20 + 20', frame({ proto: 6, l4: tcp(5), total: 100 }), 54],
    ['TCP with 12 bytes of options: 14 + 20 + 32', frame({ proto: 6, l4: tcp(8), total: 10 }), 66],
    ['TCP with IP options (ihl 6): 14 + 24 + 20', frame({ proto: 6, ihl: 6, l4: tcp(5) }), 58],
    ['UDP: 14 + 20 + 8', frame({ proto: 17, l4: new Uint8Array(8), total: 512 }), 42],
    ['ICMP is dropped', frame({ proto: 1 }), 0],
    ['IPv6 is dropped', frame({ ethertype: 0x86dd }), 0],
    ['ARP is dropped', frame({ ethertype: 0x0806 }), 0],
    ['a non-first fragment is dropped', frame({ proto: 17, frag: 0x00b9, l4: new Uint8Array(8) }), 0],
    ['the first fragment (MF set, offset 0) is kept', frame({ proto: 17, frag: 0x2000, l4: new Uint8Array(8) }), 42],
    ['an IPv4 header length below 20 bytes is dropped', frame({ proto: 6, ihl: 4, l4: tcp(5) }), 0],
  ];

  it('is read from the object with its map, legacy packet loads and license', () => {
    expect(prog).toMatchObject({ section: 'socket', progType: 'socket_filter', license: 'GPL' });
    expect(prog.maps.map((m) => [m.name, m.type, m.keySize, m.valueSize, m.maxEntries])).toEqual([['proto_bytes', 'array', 4, 8, 256]]);
  });

  it('returns the header length to keep on an AF_PACKET socket, and counts bytes per protocol', () => {
    let tcpBytes = 0n;
    let udpBytes = 0n;
    for (const [what, f, want] of cases) {
      const res = runAttached(prog, 'socket_filter', f, { socket: 'packet' });
      expect(res.diagnostics, what).toEqual([]);
      const r = res.run!;
      expect(r.fault, what).toBeNull();
      expect(r.retval, what).toBe(want);
      const counts = r.maps[0]!;
      const at = (p: number): bigint => {
        const v = counts.lookup(new Uint8Array([p, 0, 0, 0]))!.bytes;
        return new DataView(v.buffer, v.byteOffset, 8).getBigUint64(0, true);
      };
      if (want > 0 && f[23] === 6) tcpBytes += BigInt(f.length);
      if (want > 0 && f[23] === 17) udpBytes += BigInt(f.length);
      // Each run starts with fresh maps: the counter holds this packet's length only.
      expect(at(6) + at(17), what).toBe(want > 0 ? BigInt(f.length) : 0n);
    }
    expect(tcpBytes).toBeGreaterThan(0n);
    expect(udpBytes).toBeGreaterThan(0n);
  });

  const oracle = kernelOracle();
  it.skipIf(!oracle.ok)(`the kernel runs the written object with the same results under BPF_PROG_TEST_RUN${oracle.ok ? '' : ` (skipped: ${oracle.reason})`}`, () => {
    const runs: KdiffCase[] = cases.map(([, f], i) => ({ id: i, name: `sockex1_${i}`, flavour: 'socket_filter', data: f, rows: [], program: { ...prog, funcs: { 0: `sockex1_${i}` }, maps: prog.maps.map((m) => ({ ...m, name: `pb${i}` })) } }));
    const k = runInKernel(runs);
    expect(k.rejected).toEqual([]);
    runs.forEach((c, i) => {
      const vm = runCaseInVm(c.program, 'socket_filter', c.data, 'fast');
      expect(vm.error, cases[i]![0]).toBeUndefined();
      expect([vm.retval, Buffer.from(vm.dataOut!).toString('hex')], cases[i]![0]).toEqual([k.outcomes[i]!.retval, Buffer.from(k.outcomes[i]!.dataOut!).toString('hex')]);
    });
  });
});
