// Internet checksum (RFC 1071) and the pseudo-header sums TCP, UDP and ICMPv6 use (RFC 793, RFC 768,
// RFC 8200 section 8.1), plus the kernel's csum_partial/csum_fold/csum_diff arithmetic that the checksum
// helpers (bpf_l3_csum_replace, bpf_l4_csum_replace, bpf_csum_diff) are built on (include/net/checksum.h,
// lib/checksum.c). Pure functions over byte arrays; no packet parsing here.

/** One's-complement sum of 16-bit big-endian words, not folded (may exceed 16 bits). Odd tail padded with 0. */
export function sum16(bytes: Uint8Array, start = 0, end = bytes.length, initial = 0): number {
  let s = initial;
  let i = start;
  for (; i + 1 < end; i += 2) s += (bytes[i] << 8) | bytes[i + 1];
  if (i < end) s += bytes[i] << 8;
  // keep it small enough for exact double arithmetic
  while (s > 0xffffffff) s = (s & 0xffffffff) + Math.floor(s / 0x100000000);
  return s;
}

/** Folds a sum to 16 bits (end-around carry). */
export function fold16(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}

/** The checksum field value: complement of the folded sum. */
export function internetChecksum(bytes: Uint8Array, start = 0, end = bytes.length, initial = 0): number {
  return ~fold16(sum16(bytes, start, end, initial)) & 0xffff;
}

/** Sum of the IPv4 pseudo header (src, dst, zero, protocol, L4 length). */
export function pseudoSumV4(src: Uint8Array, dst: Uint8Array, protocol: number, l4len: number): number {
  return sum16(src) + sum16(dst) + protocol + l4len;
}

/** Sum of the IPv6 pseudo header (src, dst, 32-bit upper-layer length, next header). */
export function pseudoSumV6(src: Uint8Array, dst: Uint8Array, nextHeader: number, l4len: number): number {
  return sum16(src) + sum16(dst) + Math.floor(l4len / 0x10000) + (l4len & 0xffff) + nextHeader;
}

/** True when the bytes including their checksum field sum to 0xffff (the receiver's check). */
export function checksumOk(bytes: Uint8Array, start: number, end: number, initial = 0): boolean {
  return fold16(sum16(bytes, start, end, initial)) === 0xffff;
}

// ---- kernel-style 32-bit partial checksums (__wsum), used by the BPF checksum helpers ----

/** csum_partial over `bytes` as the kernel computes it on little-endian x86-64: a 32-bit one's-complement
 * accumulation of native-order (little-endian) 16-bit words, returned folded to 32 bits. */
export function csumPartial(bytes: Uint8Array, start: number, end: number, seed: number): number {
  let s = seed >>> 0;
  let i = start;
  const add = (v: number) => {
    s += v;
    if (s > 0xffffffff) s = s - 0x100000000 + 1; // end-around carry (no bitwise ops: they would go signed)
  };
  for (; i + 3 < end; i += 4) add((bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)) >>> 0);
  if (i + 1 < end) {
    add(bytes[i] | (bytes[i + 1] << 8));
    i += 2;
  }
  if (i < end) add(bytes[i]);
  return s >>> 0;
}

/** csum_fold: 32-bit partial sum -> 16-bit complemented checksum (in the kernel's native byte order). */
export function csumFold(sum: number): number {
  let s = sum >>> 0;
  s = (s & 0xffff) + (s >>> 16);
  s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

/** csum_add of two 32-bit partial sums with end-around carry. */
export function csumAdd(a: number, b: number): number {
  let s = (a >>> 0) + (b >>> 0);
  if (s > 0xffffffff) s = s - 0x100000000 + 1;
  return s >>> 0;
}

/** csum_sub(a, b) = csum_add(a, ~b). */
export function csumSub(a: number, b: number): number {
  return csumAdd(a, ~b >>> 0);
}
