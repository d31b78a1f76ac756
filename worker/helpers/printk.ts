// bpf_trace_printk (helper 6): formats like the kernel's bpf_bprintf_prepare + bstr_printf and captures
// the text as an output event instead of writing to the trace pipe.
// Follows kernel/trace/bpf_trace.c bpf_trace_printk and kernel/bpf/helpers.c bpf_bprintf_prepare:
// at most 3 arguments; the format must be NUL-terminated within fmt_size; conversions %d %i %u %x %X
// with optional l/ll, %c, %s, %p/%pK/%px, %%; flags "0 +-" and a width; anything else (precision,
// unknown conversions, non-printable characters, too many conversions) gives -EINVAL. Returns the
// number of characters written. %p and %pK print a hashed id like the kernel (but not the kernel's hash,
// which has a random boot-time key).

import { EINVAL } from '../maps/types';
import { errno, registerHelper, type HelperEnv, type HelperResult } from './types';

const MAX_ARGS = 3;
const MAX_OUT = 1024;

const isPrint = (c: number): boolean => (c >= 0x20 && c < 0x7f) || (c >= 9 && c <= 13);

function hashPtr(v: bigint): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < 8; k++) {
    h ^= Number((v >> BigInt(8 * k)) & 0xffn);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Formats `fmt` with up to 3 u64 arguments; a number is a negative errno. */
export function formatPrintk(env: HelperEnv, fmt: string, args: bigint[]): string | number {
  let out = '';
  let argi = 0;
  for (let i = 0; i < fmt.length; i++) {
    const ch = fmt.charCodeAt(i);
    if (!isPrint(ch)) return -EINVAL;
    if (fmt[i] !== '%') { out += fmt[i]; continue; }
    if (fmt[i + 1] === '%') { out += '%'; i++; continue; }
    if (argi >= MAX_ARGS) return -EINVAL;
    i++;
    let flags = '';
    while ('0+- '.includes(fmt[i] ?? 'x') && i < fmt.length) flags += fmt[i++];
    let width = 0;
    while (fmt[i] !== undefined && fmt[i]! >= '0' && fmt[i]! <= '9') width = width * 10 + Number(fmt[i++]);
    const arg = args[argi++]!;
    let s: string;
    let numeric = true;
    if (fmt[i] === 'p') {
      const next = fmt[i + 1];
      if (next === 'K' || next === 'x') i++;
      else if (next !== undefined && /[a-zA-Z0-9]/.test(next)) return -EINVAL;
      const v = BigInt.asUintN(64, arg);
      // %px prints the address. %p and %pK print the kernel's hashed id (siphash with a boot-time key:
      // 32 bits, zero-padded to 16 digits; NULL prints as zeros); ours is a fixed FNV-1a hash of the value.
      s = next === 'x' || v === 0n ? v.toString(16).padStart(16, '0') : hashPtr(v).toString(16).padStart(16, '0');
      numeric = false;
    } else if (fmt[i] === 's') {
      const r = env.readCString(arg, 256);
      s = typeof r === 'string' ? '' : r.text;
      numeric = false;
    } else if (fmt[i] === 'c') {
      s = String.fromCharCode(Number(arg & 0xffn));
      numeric = false;
    } else {
      let bits = 32;
      if (fmt[i] === 'l') { bits = 64; i++; }
      if (fmt[i] === 'l') { bits = 64; i++; }
      const conv = fmt[i];
      if (conv === 'd' || conv === 'i') s = BigInt.asIntN(bits, arg).toString();
      else if (conv === 'u') s = BigInt.asUintN(bits, arg).toString();
      else if (conv === 'x') s = BigInt.asUintN(bits, arg).toString(16);
      else if (conv === 'X') s = BigInt.asUintN(bits, arg).toString(16).toUpperCase();
      else return -EINVAL;
      if (flags.includes('+') && (conv === 'd' || conv === 'i') && !s.startsWith('-')) s = '+' + s;
      else if (flags.includes(' ') && (conv === 'd' || conv === 'i') && !s.startsWith('-')) s = ' ' + s;
    }
    if (s.length < width) {
      if (flags.includes('-')) s = s.padEnd(width, ' ');
      else if (flags.includes('0') && numeric) {
        const sign = /^[-+ ]/.test(s) ? s[0]! : '';
        s = sign + s.slice(sign.length).padStart(width - sign.length, '0');
      } else s = s.padStart(width, ' ');
    }
    out += s;
  }
  return out.length > MAX_OUT - 1 ? out.slice(0, MAX_OUT - 1) : out;
}

function traceprintk(env: HelperEnv, fmtPtr: bigint, fmtSize: bigint, a1: bigint, a2: bigint, a3: bigint): HelperResult {
  const size = Number(BigInt.asUintN(32, fmtSize));
  if (size === 0 || size > 4096) return errno(EINVAL);
  const raw = env.read(fmtPtr, size);
  if (typeof raw === 'string') return { fault: `the format string is not readable: ${raw}` };
  if (raw[size - 1] !== 0) return errno(EINVAL); // must be NUL-terminated within fmt_size
  let fmt = '';
  for (const b of raw) { if (b === 0) break; fmt += String.fromCharCode(b); }
  const r = formatPrintk(env, fmt, [a1, a2, a3]);
  if (typeof r === 'number') return errno(-r);
  env.output({ kind: 'trace_printk', text: r });
  return BigInt(r.length);
}

registerHelper({ id: 6, name: 'trace_printk', call: traceprintk });
