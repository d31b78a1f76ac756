import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csumAdd, csumFold, csumPartial, fold16, internetChecksum, sum16 } from './checksum';

describe('checksum arithmetic', () => {
  it('csum_partial agrees with a 64-bit reference (x86-64 csum_partial folds 64 -> 32 with carry)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }).map((b) => b.slice(0, b.length - (b.length % 4))), fc.integer({ min: 0, max: 0xffffffff }), (b, seed) => {
        let t = BigInt(seed);
        for (let i = 0; i < b.length; i += 8) {
          let w = 0n;
          for (let k = 0; k < 8 && i + k < b.length; k++) w |= BigInt(b[i + k]) << BigInt(8 * k);
          t += w;
          if (t >= 1n << 64n) t = (t & ((1n << 64n) - 1n)) + 1n;
        }
        let r = (t >> 32n) + (t & 0xffffffffn);
        if (r >= 1n << 32n) r = (r & 0xffffffffn) + 1n;
        expect(csumPartial(b, 0, b.length, seed)).toBe(Number(r));
      }),
      { numRuns: 500 },
    );
  });
  it('csum_fold of the partial sum is the internet checksum (byte-swapped view on little-endian)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 2, maxLength: 40 }).map((b) => b.slice(0, b.length & ~1)), (b) => {
        const le = csumFold(csumPartial(b, 0, b.length, 0));
        const be = internetChecksum(b);
        expect(((le & 0xff) << 8) | (le >> 8)).toBe(be);
      }),
    );
  });
  it('csum_add carries around', () => {
    expect(csumAdd(0xffffffff, 1)).toBe(1);
    expect(csumAdd(0x80000000, 0x80000000)).toBe(1);
    expect(fold16(sum16(Uint8Array.of(0xff, 0xff, 0x00, 0x01)))).toBe(1);
  });
});
