import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('examples index', () => {
  it('is up to date with worker/examples/**/*.s', () => {
    const out = execFileSync('node', ['scripts/gen-examples-index.mjs', '--check'], { encoding: 'utf8' });
    expect(out).toMatch(/up to date/);
  });
});
