// Number and byte formatting shared by the panels.
import type { NumFormat } from '../store';

export function fmtValue(v: bigint | null, f: NumFormat): string {
  if (v === null) return '—';
  const u = BigInt.asUintN(64, v);
  switch (f) {
    case 'hex':
      return `0x${u.toString(16)}`;
    case 'dec':
      return u.toString(10);
    case 'signed':
      return BigInt.asIntN(64, u).toString(10);
  }
}

export function hex2(b: number): string {
  return b.toString(16).padStart(2, '0');
}

export function bytesToHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += hex2(x);
  return s;
}

export function hexToBytes(hex: string): Uint8Array | null {
  const h = hex.replace(/0x/gi, '').replace(/[\s:,-]/g, '');
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(h)) return null;
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.substr(i * 2, 2), 16);
  return out;
}
