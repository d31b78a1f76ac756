// String helpers (kernel/bpf/helpers.c): bpf_strtol (105), bpf_strtoul (106) and bpf_strncmp (182).
// strtol/strtoul follow __bpf_strtoull: leading white space is skipped, one '-' is taken as the sign,
// at most 63 further bytes (and never past buf_len or a NUL) are parsed by lib/kstrtox.c's
// _parse_integer_fixup_radix + _parse_integer; flags are the base (0, 8, 10 or 16; 0 guesses from "0x"/"0"
// like the C library) and nothing else. They return the number of bytes consumed (white space and sign
// included) and store the value in *res, or -EINVAL (bad flags or base, nothing to parse, strtoul of a
// negative number) / -ERANGE (overflow of u64, or of s64 for strtol) with *res = 0. strncmp compares at
// most s1_sz bytes of s1 with the constant string s2 as lib/string.c's strncmp does on x86-64 (unsigned
// bytes; -1, 0 or 1).

import { errno, registerHelper, type HelperEnv, type HelperResult } from './types';

const EINVAL = 22, ERANGE = 34;
const BPF_STRTOX_BASE_MASK = 0x1fn;
const isSpace = (c: number): boolean => c === 0x20 || (c >= 9 && c <= 13);
const lower = (c: number): number => (c >= 0x41 && c <= 0x5a ? c | 0x20 : c);
const isXdigit = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (lower(c) >= 0x61 && lower(c) <= 0x66);

/** __bpf_strtoull on the bytes of buf: bytes consumed, the magnitude and the sign, or a negative errno. */
export function parseStrtox(buf: Uint8Array, flags: bigint): { consumed: number; value: bigint; negative: boolean } | number {
  let base = Number(flags & BPF_STRTOX_BASE_MASK);
  if (buf.length === 0) return -EINVAL;
  if (base !== 0 && base !== 8 && base !== 10 && base !== 16) return -EINVAL;
  if (flags & ~BPF_STRTOX_BASE_MASK) return -EINVAL;
  let cur = 0;
  while (cur < buf.length && isSpace(buf[cur]!)) cur++;
  const negative = cur < buf.length && buf[cur] === 0x2d;
  if (negative) cur++;
  const consumed = cur;
  if (buf.length - cur === 0) return -EINVAL;
  // The copy: at most 63 bytes, NUL-terminated.
  const str = new Uint8Array(65);
  str.set(buf.subarray(cur, cur + Math.min(buf.length - cur, 63)));
  let s = 0;
  if (base === 0) {
    if (str[0] === 0x30) base = lower(str[1]!) === 0x78 && isXdigit(str[2]!) ? 16 : 8;
    else base = 10;
  }
  if (base === 16 && str[0] === 0x30 && lower(str[1]!) === 0x78) s += 2;
  // _parse_integer_limit: digits below the base; overflow of u64 is noted and parsing goes on
  let res = 0n;
  let count = 0;
  let overflow = false;
  for (;;) {
    const c = str[s]!;
    const lc = lower(c);
    let val: number;
    if (c >= 0x30 && c <= 0x39) val = c - 0x30;
    else if (lc >= 0x61 && lc <= 0x66) val = lc - 0x61 + 10;
    else break;
    if (val >= base) break;
    if (res >> 60n && res > (0xffffffffffffffffn - BigInt(val)) / BigInt(base)) overflow = true;
    res = BigInt.asUintN(64, res * BigInt(base) + BigInt(val));
    count++;
    s++;
  }
  if (overflow) return -ERANGE;
  if (count === 0) return -EINVAL;
  return { consumed: consumed + s, value: res, negative };
}

/** bpf_strtol's result: the value as a signed 64-bit number, or a negative errno. */
export function strtol(buf: Uint8Array, flags: bigint): { consumed: number; value: bigint } | number {
  const r = parseStrtox(buf, flags);
  if (typeof r === 'number') return r;
  if (r.negative) {
    if (BigInt.asIntN(64, -r.value) > 0n) return -ERANGE;
    return { consumed: r.consumed, value: BigInt.asIntN(64, -r.value) };
  }
  if (BigInt.asIntN(64, r.value) < 0n) return -ERANGE;
  return { consumed: r.consumed, value: r.value };
}

/** bpf_strtoul's result, or a negative errno (a '-' sign is -EINVAL). */
export function strtoul(buf: Uint8Array, flags: bigint): { consumed: number; value: bigint } | number {
  const r = parseStrtox(buf, flags);
  if (typeof r === 'number') return r;
  if (r.negative) return -EINVAL;
  return { consumed: r.consumed, value: r.value };
}

function strtoxHelper(env: HelperEnv, buf: bigint, bufLen: bigint, flags: bigint, res: bigint, f: typeof strtol): HelperResult {
  const z = env.write(res, new Uint8Array(8)); // *res = 0 first
  if (z !== true) return { fault: z };
  const n = Number(BigInt.asUintN(32, bufLen));
  const b = env.read(buf, n);
  if (typeof b === 'string') return { fault: b };
  const r = f(b, flags);
  if (typeof r === 'number') return errno(-r);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, r.value), true);
  const w = env.write(res, out);
  return w === true ? BigInt(r.consumed) : { fault: w };
}

registerHelper({ id: 105, name: 'strtol', call: (env, buf, len, flags, res) => strtoxHelper(env, buf, len, flags, res, strtol) });
registerHelper({ id: 106, name: 'strtoul', call: (env, buf, len, flags, res) => strtoxHelper(env, buf, len, flags, res, strtoul) });

registerHelper({
  id: 182, name: 'strncmp',
  call(env, s1, s1Size, s2): HelperResult {
    const n = Number(BigInt.asUintN(32, s1Size));
    const a = env.read(s1, n);
    if (typeof a === 'string') return { fault: a };
    for (let i = 0; i < n; i++) {
      const cb = env.read(s2 + BigInt(i), 1);
      if (typeof cb === 'string') return { fault: cb };
      const c1 = a[i]!, c2 = cb[0]!;
      if (c1 !== c2) return c1 < c2 ? BigInt.asUintN(64, -1n) : 1n;
      if (c1 === 0) break;
    }
    return 0n;
  },
});
