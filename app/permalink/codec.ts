// Permalink codec: `#v1/<base64url of raw-DEFLATE(JSON)>` holding only the experiment fields that
// differ from the defaults. Decoding is defensive: a hostile or corrupt hash yields an error value
// with a message for the user, never an exception, never a partial trust of the data. Old versions
// keep decoding (v1 is the first); an unknown version is refused with a clear message.
import { deflateSync, inflateSync, strFromU8, strToU8 } from 'fflate';
import { sanitizeExperiment, type Experiment } from './experiment';

export const PERMALINK_VERSION = 1;
/** Refuse to inflate more than this (decompression bombs). */
export const MAX_DECODED_BYTES = 16 * 1024 * 1024;
/** Refuse hashes longer than this (browsers accept URLs of several MB; we stay well under). */
export const MAX_HASH_CHARS = 8 * 1024 * 1024;

export type DecodeResult =
  | { kind: 'experiment'; exp: Partial<Experiment>; problems: string[] }
  | { kind: 'example'; id: string }
  | { kind: 'none' }
  | { kind: 'error'; message: string };

export function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  const CH = 0x8000;
  for (let i = 0; i < bytes.length; i += CH) s += String.fromCharCode(...bytes.subarray(i, i + CH));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(s: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(s) || s.length % 4 === 1) return null;
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4);
  let bin: string;
  try {
    bin = atob(b64);
  } catch {
    return null;
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The hash (with leading '#') for the fields given. */
export function encodePermalink(fields: Partial<Experiment>): string {
  const json = JSON.stringify(fields);
  return `#v${PERMALINK_VERSION}/${toBase64Url(deflateSync(strToU8(json), { level: 9 }))}`;
}

export function decodePermalink(hash: string): DecodeResult {
  const h = hash.startsWith('#') ? hash.slice(1) : hash;
  if (h === '') return { kind: 'none' };
  if (h.length > MAX_HASH_CHARS) return { kind: 'error', message: 'This link is too long to be a bpfplay link.' };
  const ex = /^example\/([\w-]{1,80})$/.exec(h);
  if (ex) return { kind: 'example', id: ex[1]! };
  const m = /^v(\d{1,6})\/(.*)$/s.exec(h);
  if (!m) return { kind: 'error', message: 'This link is not a bpfplay permalink (unrecognised format).' };
  const version = Number(m[1]);
  if (version !== 1) return { kind: 'error', message: `This link was made by a newer bpfplay (format v${version}); this version reads v1.` };
  const bytes = fromBase64Url(m[2]!);
  if (!bytes) return { kind: 'error', message: 'This link is damaged: it is not valid base64url.' };
  let raw: Uint8Array;
  try {
    const out = new Uint8Array(MAX_DECODED_BYTES + 1);
    raw = inflateSync(bytes, { out });
  } catch {
    return { kind: 'error', message: 'This link is damaged: its compressed data is corrupt.' };
  }
  if (raw.length > MAX_DECODED_BYTES) return { kind: 'error', message: 'This link expands to too much data; it was not opened.' };
  let value: unknown;
  try {
    value = JSON.parse(strFromU8(raw));
  } catch {
    return { kind: 'error', message: 'This link is damaged: its contents are not valid JSON.' };
  }
  const { exp, problems } = sanitizeExperiment(value);
  if (problems.includes('not an object')) return { kind: 'error', message: 'This link is damaged: it holds no experiment.' };
  return { kind: 'experiment', exp, problems };
}
