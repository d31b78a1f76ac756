// Drafts: the experiment autosaved to localStorage, versioned with a migration chain (each step moves
// one version forward). A draft of an unknown (or newer) version, or one that fails validation, is
// discarded and the defaults are used. Storage errors (quota, privacy mode) are reported, not thrown.
import { sanitizeExperiment, type Experiment } from './experiment';

export const DRAFT_KEY = 'bpfplay:draft';
export const DRAFT_VERSION = 2;

interface Stored {
  version: number;
  data: unknown;
}

/** migrations[v] turns version v data into version v+1 data. */
const migrations: Record<number, (d: Record<string, unknown>) => Record<string, unknown>> = {
  // v1 stored {code, type}; v2 names them like the permalink (source, progType) and adds the rest.
  1: (d) => ({ source: d.code, progType: d.type }),
};

export type DraftLoad =
  | { kind: 'draft'; exp: Partial<Experiment> }
  | { kind: 'none' }
  | { kind: 'reset'; reason: string };

export function parseDraft(text: string | null): DraftLoad {
  if (text === null) return { kind: 'none' };
  let s: Stored;
  try {
    s = JSON.parse(text) as Stored;
  } catch {
    return { kind: 'reset', reason: 'the saved draft was not readable' };
  }
  if (typeof s !== 'object' || s === null || !Number.isInteger(s.version)) return { kind: 'reset', reason: 'the saved draft had no version' };
  let v = s.version;
  if (v > DRAFT_VERSION || v < 1) return { kind: 'reset', reason: `the saved draft has an unknown version (${v})` };
  let data = s.data as Record<string, unknown>;
  if (typeof data !== 'object' || data === null) return { kind: 'reset', reason: 'the saved draft was empty' };
  while (v < DRAFT_VERSION) {
    const m = migrations[v];
    if (!m) return { kind: 'reset', reason: `no migration from draft version ${v}` };
    data = m(data);
    v++;
  }
  const { exp, problems } = sanitizeExperiment(data);
  if (problems.length && exp.source === undefined) return { kind: 'reset', reason: 'the saved draft was damaged' };
  return { kind: 'draft', exp };
}

export function serializeDraft(e: Experiment): string {
  return JSON.stringify({ version: DRAFT_VERSION, data: e });
}

export function loadDraft(storage: Pick<Storage, 'getItem'> = localStorage): DraftLoad {
  try {
    return parseDraft(storage.getItem(DRAFT_KEY));
  } catch {
    return { kind: 'none' };
  }
}

export function saveDraft(e: Experiment, storage: Pick<Storage, 'setItem'> = localStorage): string | null {
  try {
    storage.setItem(DRAFT_KEY, serializeDraft(e));
    return null;
  } catch (err) {
    return `The draft could not be saved: ${err instanceof Error ? err.message : String(err)}`;
  }
}
