// Address text <-> bytes: MAC (aa:bb:cc:dd:ee:ff), IPv4 dotted quad, IPv6 (RFC 4291 section 2.2 text forms,
// printed in RFC 5952 canonical form). Returns null on malformed text; callers turn that into diagnostics.

export function parseMac(s: string): Uint8Array | null {
  const parts = s.trim().split(/[:-]/);
  if (parts.length !== 6 || !parts.every((p) => /^[0-9a-fA-F]{1,2}$/.test(p))) return null;
  return Uint8Array.from(parts.map((p) => parseInt(p, 16)));
}

export function formatMac(b: Uint8Array, off = 0): string {
  return Array.from(b.subarray(off, off + 6), (x) => x.toString(16).padStart(2, '0')).join(':');
}

export function parseIPv4(s: string): Uint8Array | null {
  const parts = s.trim().split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return Uint8Array.from(parts.map(Number));
}

export function formatIPv4(b: Uint8Array, off = 0): string {
  return Array.from(b.subarray(off, off + 4)).join('.');
}

export function parseIPv6(text: string): Uint8Array | null {
  let s = text.trim();
  const out = new Uint8Array(16);
  // embedded IPv4 tail (::ffff:1.2.3.4)
  let v4: Uint8Array | null = null;
  const m = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (m) {
    v4 = parseIPv4(m[2]);
    if (!v4) return null;
    s = `${m[1]}0:0`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const parseGroups = (h: string): number[] | null => {
    if (h === '') return [];
    const g = h.split(':');
    if (!g.every((x) => /^[0-9a-fA-F]{1,4}$/.test(x))) return null;
    return g.map((x) => parseInt(x, 16));
  };
  const head = parseGroups(halves[0]);
  const tail = halves.length === 2 ? parseGroups(halves[1]) : [];
  if (!head || !tail) return null;
  if (halves.length === 1 && head.length !== 8) return null;
  if (halves.length === 2 && head.length + tail.length > 7) return null;
  const groups = [...head, ...new Array(8 - head.length - tail.length).fill(0), ...tail];
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  if (v4) out.set(v4, 12);
  return out;
}

/** RFC 5952: lower case, leading zeros dropped, the longest run (>= 2) of zero groups as '::'. */
export function formatIPv6(b: Uint8Array, off = 0): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((b[off + 2 * i] << 8) | b[off + 2 * i + 1]);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (xs: number[]) => xs.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(g);
  return `${hex(g.slice(0, bestStart))}::${hex(g.slice(bestStart + bestLen))}`;
}
