// The experiment: everything a user sets up that a permalink or a draft must carry (the inputs),
// with its defaults. Derived things (builds, runs, verdicts) are never stored; they are recomputed.
import type { AttachView, DialectChoice, MapEntryView, PacketInput } from '../../worker/api/types';

export interface Experiment {
  source: string;
  dialect: DialectChoice;
  progType: string;
  /** null = the default sample traffic. */
  packets: PacketInput[] | null;
  /** Events file (worker/events/format.ts) for non-packet program types; null = the type's default. */
  events: string | null;
  /** Initial map contents by map name (overrides what the source defines). */
  maps: Record<string, MapEntryView[]>;
  /** 1-based source lines. */
  breakpoints: number[];
  cursor: { packet: number; step: number };
  /** Example the experiment started from (for exercises and the title), or null. */
  example: string | null;
  /** Verify as an unprivileged user (the kernel's stricter rules without CAP_BPF/CAP_PERFMON). */
  unpriv: boolean;
  /** Packet types: where the program is attached, the events file's per-packet "meta" (direction,
   * ifindex, LWT route) applied to every packet; {} = the type's default attach point. */
  attach: AttachView;
}

export const DEFAULT_EXAMPLE_ID = 'seed-headers';

export function defaultExperiment(seedSource: string): Experiment {
  return {
    source: seedSource, dialect: 'auto', progType: 'socket_filter', packets: null, events: null, maps: {}, breakpoints: [],
    cursor: { packet: 0, step: 0 }, example: DEFAULT_EXAMPLE_ID, unpriv: false, attach: {},
  };
}

const DIALECTS: readonly string[] = ['auto', 'llvm', 'ubpf', 'cbpf'];

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;
const MAX_SOURCE = 4 * 1024 * 1024;
const MAX_PACKETS = 100_000;

/**
 * Validates untrusted data field by field into a partial experiment. Anything malformed is reported
 * and dropped; nothing here throws or trusts a type.
 */
export function sanitizeExperiment(x: unknown): { exp: Partial<Experiment>; problems: string[] } {
  const problems: string[] = [];
  const exp: Partial<Experiment> = {};
  if (!isObj(x)) return { exp, problems: ['not an object'] };
  if ('source' in x) {
    if (typeof x.source === 'string' && x.source.length <= MAX_SOURCE) exp.source = x.source;
    else problems.push('source');
  }
  if ('dialect' in x) {
    if (typeof x.dialect === 'string' && DIALECTS.includes(x.dialect)) exp.dialect = x.dialect as DialectChoice;
    else problems.push('dialect');
  }
  if ('progType' in x) {
    if (typeof x.progType === 'string' && /^[a-z_]{1,40}$/.test(x.progType)) exp.progType = x.progType;
    else problems.push('progType');
  }
  if ('packets' in x) {
    const p = x.packets;
    if (p === null) exp.packets = null;
    else if (Array.isArray(p) && p.length <= MAX_PACKETS && p.every((e) => isObj(e) && typeof e.name === 'string' && typeof e.hex === 'string' && HEX_RE.test(e.hex)))
      exp.packets = p.map((e) => ({ name: String((e as Record<string, unknown>).name).slice(0, 200), hex: String((e as Record<string, unknown>).hex).toLowerCase() }));
    else problems.push('packets');
  }
  if ('events' in x) {
    if (x.events === null || (typeof x.events === 'string' && x.events.length <= MAX_SOURCE)) exp.events = x.events as string | null;
    else problems.push('events');
  }
  if ('maps' in x) {
    const m = x.maps;
    const out: Record<string, MapEntryView[]> = {};
    let ok = isObj(m);
    if (isObj(m)) {
      for (const [k, v] of Object.entries(m)) {
        if (!Array.isArray(v) || !v.every((e) => isObj(e) && typeof e.key === 'string' && typeof e.value === 'string' && HEX_RE.test(e.key) && HEX_RE.test(e.value))) { ok = false; break; }
        out[k] = v.map((e) => ({ key: String((e as Record<string, unknown>).key), value: String((e as Record<string, unknown>).value) }));
      }
    }
    if (ok) exp.maps = out;
    else problems.push('maps');
  }
  if ('breakpoints' in x) {
    const b = x.breakpoints;
    if (Array.isArray(b) && b.length < 10_000 && b.every((n) => Number.isInteger(n) && (n as number) > 0)) exp.breakpoints = [...new Set(b as number[])].sort((a, z) => a - z);
    else problems.push('breakpoints');
  }
  if ('cursor' in x) {
    const c = x.cursor;
    if (isObj(c) && Number.isInteger(c.packet) && Number.isInteger(c.step) && (c.packet as number) >= 0 && (c.step as number) >= 0)
      exp.cursor = { packet: c.packet as number, step: c.step as number };
    else problems.push('cursor');
  }
  if ('example' in x) {
    if (x.example === null || (typeof x.example === 'string' && /^[\w-]{1,80}$/.test(x.example))) exp.example = x.example as string | null;
    else problems.push('example');
  }
  if ('attach' in x) {
    const a = x.attach;
    const ok = isObj(a) && Object.keys(a).every((k) => ['direction', 'ifindex', 'route'].includes(k)) &&
      (a.direction === undefined || a.direction === 'ingress' || a.direction === 'egress') &&
      (a.ifindex === undefined || (Number.isInteger(a.ifindex) && (a.ifindex as number) > 0 && (a.ifindex as number) < 2 ** 31)) &&
      (a.route === undefined || (typeof a.route === 'string' && a.route.length <= 300));
    if (ok) exp.attach = { ...(a.direction !== undefined ? { direction: a.direction as 'ingress' | 'egress' } : {}), ...(a.ifindex !== undefined ? { ifindex: a.ifindex as number } : {}), ...(a.route !== undefined ? { route: a.route as string } : {}) };
    else problems.push('attach');
  }
  if ('unpriv' in x) {
    if (typeof x.unpriv === 'boolean') exp.unpriv = x.unpriv;
    else problems.push('unpriv');
  }
  return { exp, problems };
}

/** Only the fields that differ from the defaults (so links stay short). */
export function diffFromDefaults(e: Experiment, d: Experiment): Partial<Experiment> {
  const out: Partial<Experiment> = {};
  if (e.source !== d.source) out.source = e.source;
  if (e.dialect !== d.dialect) out.dialect = e.dialect;
  if (e.progType !== d.progType) out.progType = e.progType;
  if (e.packets !== null) out.packets = e.packets;
  if (e.events !== null) out.events = e.events;
  if (Object.keys(e.maps).length) out.maps = e.maps;
  if (e.breakpoints.length) out.breakpoints = e.breakpoints;
  if (e.cursor.packet !== 0 || e.cursor.step !== 0) out.cursor = e.cursor;
  if (e.example !== d.example) out.example = e.example;
  if (e.unpriv !== d.unpriv) out.unpriv = e.unpriv;
  if (Object.keys(e.attach).length) out.attach = e.attach;
  return out;
}
