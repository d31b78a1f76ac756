// Fails when code crosses a boundary it must not: the engine (worker/, except the CLI, bench,
// test helpers and tests) imports nothing from node: or the app; the app reaches the engine only
// through worker/api and worker/entry.ts (app tests may import the engine directly).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const bad = [];
function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|tsx)$/.test(name)) out.push(p);
  }
  return out;
}
const importRe = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
for (const f of walk(join(root, 'worker'))) {
  const rel = relative(root, f);
  if (/\.test\.ts$/.test(rel) || /^worker\/(cli|bench|testing)\//.test(rel)) continue;
  const src = readFileSync(f, 'utf8');
  for (const m of src.matchAll(importRe)) {
    const spec = m[1] ?? m[2];
    if (/^(node:|fs$|path$|child_process$|os$)/.test(spec)) bad.push(`${rel}: the engine must not import ${spec}`);
    if (/(^|\/)app\//.test(spec)) bad.push(`${rel}: the engine must not import the app (${spec})`);
  }
}
for (const f of walk(join(root, 'app'))) {
  const rel = relative(root, f);
  // tests may drive the engine directly (e.g. to check that what the UI writes runs in the CLI's code path)
  if (/\.test\.tsx?$/.test(rel)) continue;
  const src = readFileSync(f, 'utf8');
  for (const m of src.matchAll(importRe)) {
    const spec = m[1] ?? m[2];
    if (/worker\//.test(spec) && !/worker\/(api|entry)/.test(spec) && !/\?worker/.test(spec))
      bad.push(`${rel}: the app reaches the engine only through worker/api (${spec})`);
  }
}
if (bad.length) {
  console.error(bad.join('\n'));
  process.exit(1);
}
console.log('boundaries ok');
