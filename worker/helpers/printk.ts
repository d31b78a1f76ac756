// bpf_trace_printk (6), bpf_trace_vprintk (177) and bpf_snprintf (165): format like the kernel's
// bpf_bprintf_prepare + bstr_printf and capture trace output as an output event instead of writing to the
// trace pipe.
// Follows kernel/trace/bpf_trace.c bpf_trace_printk / bpf_trace_vprintk and kernel/bpf/helpers.c
// bpf_bprintf_prepare / bpf_snprintf: trace_printk takes 3 arguments, trace_vprintk and snprintf an array
// of at most 12 u64s (data_len a multiple of 8); the format needs a NUL within fmt_size (bytes after it
// are ignored; snprintf's constant string is NUL-terminated by the verifier); conversions %d %i %u
// %x %X with optional l/ll, %c, %s (and %pks/%pus), %p/%pK/%px/%ps/%pS/%pB, %pi4/%pI4/%pi6/%pI6 (the
// address bytes read through the pointer), %%; flags "0 +-" and a width; %s must be followed by the end,
// a space or punctuation; anything else (precision, unknown conversions, non-printable characters, more
// conversions than arguments) gives -EINVAL. trace_printk/trace_vprintk return the number of characters
// written; snprintf returns the length of the whole formatted string plus the NUL and writes at most
// str_size bytes (NUL-terminated). %p and %pK print a hashed id like the kernel (but not the kernel's
// hash, which has a random boot-time key); %ps/%pS/%pB print the address as the kernel does for an
// address with no symbol ("0x%lx"): bpfplay has no kernel symbol table, so a real kernel text address
// prints as a number where the kernel prints its symbol.

import { EINVAL } from '../maps/types';
import { errno, registerHelper, type HelperEnv, type HelperResult } from './types';

const MAX_TRACE_PRINTK_ARGS = 3;
/** MAX_BPRINTF_VARARGS */
const MAX_VARARGS = 12;
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

/** Formats `fmt` with the u64 arguments given (as many conversions as arguments at most); a number is a negative errno. */
export function formatPrintk(env: HelperEnv, fmt: string, args: bigint[]): string | number {
  const r = formatBprintf(env, fmt, args, MAX_OUT);
  return typeof r === 'number' ? r : r.text.slice(0, MAX_OUT - 1);
}

/**
 * bpf_bprintf_prepare + bstr_printf into a buffer of `size` bytes: the whole text, and the length
 * bstr_printf reports. They differ in one kernel quirk: conversions bpf_bprintf_prepare pre-formats into
 * strings (%pI4 %pi4 %pI6 %pi6 %pB) only count when the output has not already reached the end of the
 * buffer, so a too-small snprintf buffer under-reports their length. (bstr_printf then also reads the
 * following arguments from the wrong place; bpfplay does not reproduce that.)
 */
export function formatBprintf(env: HelperEnv, fmt: string, args: bigint[], size: number): { text: string; len: number } | number {
  let out = '';
  let len = 0;
  let argi = 0;
  for (let i = 0; i < fmt.length; i++) {
    const ch = fmt.charCodeAt(i);
    if (!isPrint(ch)) return -EINVAL;
    if (fmt[i] !== '%') { out += fmt[i]; len++; continue; }
    if (fmt[i + 1] === '%') { out += '%'; len++; i++; continue; }
    let pre = false;
    if (argi >= args.length) return -EINVAL;
    i++;
    let flags = '';
    while ('0+- '.includes(fmt[i] ?? 'x') && i < fmt.length) flags += fmt[i++];
    let width = 0;
    while (fmt[i] !== undefined && fmt[i]! >= '0' && fmt[i]! <= '9') width = width * 10 + Number(fmt[i++]);
    const arg = args[argi++]!;
    let s: string;
    let numeric = true;
    const endsArg = (c: string | undefined): boolean => c === undefined || /[\s!-/:-@[-`{-~]/.test(c);
    if (fmt[i] === 'p' && (fmt[i + 1] === 'k' || fmt[i + 1] === 'u') && fmt[i + 2] === 's') {
      // %pks / %pus: a kernel or user string
      i += 2;
      if (!endsArg(fmt[i + 1])) return -EINVAL;
      const r = env.readCString(arg, 256);
      s = typeof r === 'string' ? '' : r.text;
      numeric = false;
    } else if (fmt[i] === 'p') {
      const next = fmt[i + 1];
      const v = BigInt.asUintN(64, arg);
      if ((next === 'i' || next === 'I') && (fmt[i + 2] === '4' || fmt[i + 2] === '6')) {
        // %pi4 %pI4 %pi6 %pI6: the address is read through the pointer (zeros if it cannot be read)
        const v6 = fmt[i + 2] === '6';
        const r = env.read(v, v6 ? 16 : 4);
        const b = typeof r === 'string' ? new Uint8Array(v6 ? 16 : 4) : r;
        const h = (x: number, w: number) => x.toString(16).padStart(w, '0');
        pre = true;
        if (!v6) s = [...b].map((x) => (next === 'i' ? String(x).padStart(3, '0') : String(x))).join('.');
        else if (next === 'i') s = [...b].map((x) => h(x, 2)).join('');
        else s = Array.from({ length: 8 }, (_, k) => h((b[2 * k]! << 8) | b[2 * k + 1]!, 4)).join(':');
        i += 2;
      } else if (next === 's' || next === 'S' || next === 'B') {
        // symbol_string -> __sprint_symbol for an address kallsyms does not know: "0x%lx"
        s = '0x' + v.toString(16);
        pre = next === 'B';
        i++;
      } else {
        if (next === 'K' || next === 'x') i++;
        else if (!endsArg(next)) return -EINVAL;
        // %px prints the address. %p and %pK print the kernel's hashed id (siphash with a boot-time key:
        // 32 bits, zero-padded to 16 digits; NULL prints as zeros); ours is a fixed FNV-1a hash of the value.
        s = next === 'x' || v === 0n ? v.toString(16).padStart(16, '0') : hashPtr(v).toString(16).padStart(16, '0');
      }
      numeric = false;
    } else if (fmt[i] === 's') {
      if (!endsArg(fmt[i + 1])) return -EINVAL;
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
    if (!pre || len < size) len += s.length;
  }
  return { text: out, len };
}

function traceprintk(env: HelperEnv, fmtPtr: bigint, fmtSize: bigint, a1: bigint, a2: bigint, a3: bigint): HelperResult {
  const size = Number(BigInt.asUintN(32, fmtSize));
  if (size === 0 || size > 4096) return errno(EINVAL);
  const raw = env.read(fmtPtr, size);
  if (typeof raw === 'string') return { fault: `the format string is not readable: ${raw}` };
  if (!raw.includes(0)) return errno(EINVAL); // a NUL within fmt_size (strnchr), not necessarily the last byte
  let fmt = '';
  for (const b of raw) { if (b === 0) break; fmt += String.fromCharCode(b); }
  const r = formatPrintk(env, fmt, [a1, a2, a3].slice(0, MAX_TRACE_PRINTK_ARGS));
  if (typeof r === 'number') return errno(-r);
  env.output({ kind: 'trace_printk', text: r });
  return BigInt(r.length);
}

registerHelper({ id: 6, name: 'trace_printk', call: traceprintk });

/** The u64 argument array of trace_vprintk/snprintf: data_len a multiple of 8, at most 12 values. */
function varArgs(env: HelperEnv, data: bigint, dataLen: bigint): bigint[] | { fault: string } | number {
  const n = Number(BigInt.asUintN(32, dataLen));
  if (dataLen > 0xffffffffn || n % 8 || n / 8 > MAX_VARARGS) return -EINVAL;
  if (n === 0) return [];
  const b = env.read(data, n);
  if (typeof b === 'string') return { fault: `the argument array is not readable: ${b}` };
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return Array.from({ length: n / 8 }, (_, k) => dv.getBigUint64(8 * k, true));
}

registerHelper({
  id: 177, name: 'trace_vprintk',
  call(env, fmtPtr, fmtSize, data, dataLen): HelperResult {
    const args = varArgs(env, data, dataLen);
    if (typeof args === 'number') return errno(-args);
    if (!Array.isArray(args)) return args;
    const size = Number(BigInt.asUintN(32, fmtSize));
    if (size === 0) return errno(EINVAL);
    const raw = env.read(fmtPtr, size);
    if (typeof raw === 'string') return { fault: `the format string is not readable: ${raw}` };
    if (!raw.includes(0)) return errno(EINVAL);
    let fmt = '';
    for (const b of raw) { if (b === 0) break; fmt += String.fromCharCode(b); }
    const r = formatPrintk(env, fmt, args);
    if (typeof r === 'number') return errno(-r);
    env.output({ kind: 'trace_printk', text: r });
    return BigInt(r.length);
  },
});

registerHelper({
  id: 165, name: 'snprintf',
  // bpf_snprintf(str, str_size, fmt, data, data_len): the format is a constant string (the verifier checked
  // it is NUL-terminated in a read-only map); bstr_printf truncates to str_size - 1 bytes and a NUL.
  call(env, str, strSize, fmtPtr, data, dataLen): HelperResult {
    const args = varArgs(env, data, dataLen);
    if (typeof args === 'number') return errno(-args);
    if (!Array.isArray(args)) return args;
    const f = env.readCString(fmtPtr, 1 << 16);
    if (typeof f === 'string') return { fault: `the format string is not readable: ${f}` };
    const size = Number(BigInt.asUintN(32, strSize));
    const r = formatBprintf(env, f.text, args, size);
    if (typeof r === 'number') return errno(-r);
    if (size > 0) {
      const n = Math.min(r.text.length, size - 1);
      const out = new Uint8Array(n + 1);
      for (let k = 0; k < n; k++) out[k] = r.text.charCodeAt(k) & 0xff;
      const w = env.write(str, out);
      if (w !== true) return { fault: w };
    }
    return BigInt(r.len + 1);
  },
});
