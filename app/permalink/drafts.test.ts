import { describe, expect, it } from 'vitest';
import { DRAFT_VERSION, parseDraft, serializeDraft } from './drafts';
import { defaultExperiment } from './experiment';

describe('drafts', () => {
  it('round-trips the current version', () => {
    const e = { ...defaultExperiment('x'), source: 'r0 = 0\nexit', breakpoints: [2] };
    expect(parseDraft(serializeDraft(e))).toEqual({ kind: 'draft', exp: e });
  });
  it('keeps the unprivileged verifier mode; a draft saved before it existed stays privileged', () => {
    const e = { ...defaultExperiment('x'), unpriv: true };
    expect(parseDraft(serializeDraft(e))).toEqual({ kind: 'draft', exp: e });
    const before = JSON.stringify({ version: 2, data: { source: 'exit' } });
    expect(parseDraft(before)).toEqual({ kind: 'draft', exp: { source: 'exit' } });
  });
  it('migrates version 1 through the chain', () => {
    const v1 = JSON.stringify({ version: 1, data: { code: 'exit', type: 'xdp' } });
    expect(parseDraft(v1)).toEqual({ kind: 'draft', exp: { source: 'exit', progType: 'xdp' } });
  });
  it.each([
    [JSON.stringify({ version: DRAFT_VERSION + 1, data: {} }), 'unknown version'],
    [JSON.stringify({ version: 0, data: {} }), 'unknown version'],
    ['{', 'not readable'],
    [JSON.stringify({ data: {} }), 'no version'],
    [JSON.stringify({ version: 2, data: { source: 5 } }), 'damaged'],
  ])('resets %s', (text, reason) => {
    const r = parseDraft(text);
    expect(r.kind).toBe('reset');
    expect(r.kind === 'reset' && r.reason).toContain(reason);
  });
  it('has nothing when nothing is stored', () => {
    expect(parseDraft(null)).toEqual({ kind: 'none' });
  });
});
