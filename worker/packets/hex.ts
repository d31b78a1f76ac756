// Hex paste parser: turns what people paste into bytes — plain hex with any spacing, "0x45, 0x00" C arrays,
// "\x45\x00" strings, `tcpdump -xx`/`-XX` dumps (offset lines "\t0x0010:  4500 0054 …", header lines and the
// ASCII column ignored), and `hexdump -C` / Wireshark "0000  45 00 …" dumps. Errors carry line:col of the
// offending character. It does not decode the bytes (decode.ts).

import { err, type Diagnostic } from '../util/diag';

export interface HexResult { bytes: Uint8Array; diagnostics: Diagnostic[] }

const TCPDUMP_LINE = /^(\s*0x[0-9a-fA-F]{4,8}:\s+)(.*)$/;
const OFFSET_DUMP_LINE = /^([0-9a-fA-F]{4,8}(?::)?\s{1,3})((?:[0-9a-fA-F]{2}\s{1,2}){1,16})(.*)$/;

export function hexToBytes(s: string): Uint8Array {
  return parseHex(s).bytes;
}

export function bytesToHex(b: Uint8Array, sep = ''): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(sep);
}

export function parseHex(text: string): HexResult {
  const lines = text.split(/\r?\n/);
  const out: number[] = [];
  const diags: Diagnostic[] = [];
  if (lines.some((l) => TCPDUMP_LINE.test(l))) {
    lines.forEach((line, li) => {
      const m = TCPDUMP_LINE.exec(line);
      if (!m) return; // tcpdump's packet header lines ("12:00:00.000000 IP …")
      // The hex column ends at two consecutive spaces (the -X ASCII column follows).
      const body = m[2].split(/ {2,}/)[0];
      scanTokens(body, li + 1, m[1].length + 1, out, diags);
    });
    return { bytes: Uint8Array.from(out), diagnostics: diags };
  }
  if (lines.some((l) => OFFSET_DUMP_LINE.test(l)) && lines.filter((l) => l.trim()).every((l) => OFFSET_DUMP_LINE.test(l) || /^[0-9a-fA-F]{4,8}\s*$/.test(l))) {
    lines.forEach((line, li) => {
      const m = OFFSET_DUMP_LINE.exec(line);
      if (m) scanTokens(m[2], li + 1, m[1].length + 1, out, diags);
    });
    return { bytes: Uint8Array.from(out), diagnostics: diags };
  }
  lines.forEach((line, li) => scanTokens(line.replace(/(#|\/\/).*$/, ''), li + 1, 1, out, diags));
  return { bytes: Uint8Array.from(out), diagnostics: diags };
}

/** Reads hex digits from one line; `0x`/`\x` prefixes and separators (space , ; : - ") delimit tokens. */
function scanTokens(line: string, lineNo: number, col0: number, out: number[], diags: Diagnostic[]): void {
  const re = /(?:0x|\\x)?([0-9a-fA-F]+)|([^\s,;:"'[\]{}()-])/g;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    const col = col0 + m.index;
    if (m[2] !== undefined) {
      diags.push(err(`not a hex digit: ${JSON.stringify(m[2])}`, { line: lineNo, col, endCol: col + 1 }, 'hex.char'));
      continue;
    }
    const digits = m[1];
    const prefixed = m[0].length !== digits.length;
    if (digits.length % 2) {
      if (prefixed && digits.length === 1) {
        out.push(parseInt(digits, 16));
        continue;
      }
      diags.push(err(`odd number of hex digits in ${JSON.stringify(m[0])}`, { line: lineNo, col, endCol: col + m[0].length }, 'hex.odd'));
      continue;
    }
    for (let i = 0; i < digits.length; i += 2) out.push(parseInt(digits.slice(i, i + 2), 16));
  }
}

/** UTF-8 encoding of a string (the engine has no TextEncoder: no DOM or node libs). */
export function utf8Encode(s: string): Uint8Array {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}
