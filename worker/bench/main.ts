// `npm run bench`: runs every worker/bench/*.bench.ts (each default-exports a Bench) and prints a report.
// Benchmarks measure; they never fail the build. Pass names to run a subset: npm run bench -- vm verifier
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Bench } from './types';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();
for (const f of files) {
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { default: Bench };
  const b = mod.default;
  console.log(`\n== ${b.name} ==`);
  try {
    await b.run((line) => console.log(`  ${line}`));
  } catch (e) {
    console.log(`  benchmark failed: ${e instanceof Error ? e.stack : String(e)}`);
  }
}
