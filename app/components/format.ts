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
