/// <reference lib="dom" />
// End-to-end benchmark of the playground (not a test: it prints figures). Run: npx tsx e2e/bench.ts
// Builds the app, serves dist/ with `vite preview`, drives Debian's Chromium and measures:
//  - the initial JavaScript (everything index.html loads before the lazy editor), gzipped;
//  - time from navigation to an interactive editor;
//  - step latency (click on Step -> the panels show the new step, next frame painted), p50/p95, on a
//    1,000-instruction program;
//  - 10,000 packets through the seed socket filter, from choosing the pcap file to the verdict list
//    updated with every result.
import { spawn, execSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { encodePermalink } from '../app/permalink/codec';
import { SAMPLES, buildSample } from '../worker/packets/samples';
import { writePcap } from '../worker/packets/pcap';

const root = resolve(import.meta.dirname, '..');
const port = 4181;
const base = `http://127.0.0.1:${port}/`;

function initialJsGzip(): { files: string[]; bytes: number } {
  const html = readFileSync(join(root, 'dist/index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  let bytes = 0;
  for (const f of files) bytes += gzipSync(readFileSync(join(root, 'dist', f)), { level: 9 }).length;
  return { files, bytes };
}

async function waitForServer(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(base);
      if (r.ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('preview server did not start');
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function main(): Promise<void> {
  execSync('npx vite build', { cwd: root, stdio: 'ignore' });
  const js = initialJsGzip();
  const server: ChildProcess = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1'], { cwd: root, stdio: 'ignore', detached: true });
  try {
    await waitForServer();
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });

    // Time to an interactive editor (cold-ish: a fresh context, the server's files not in cache).
    const tti: number[] = [];
    for (let i = 0; i < 3; i++) {
      const ctx = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
      const p = await ctx.newPage();
      await p.goto(base);
      await p.waitForSelector('[data-testid=editor][data-ready=true]', { timeout: 30_000 });
      tti.push(await p.evaluate(() => performance.getEntriesByName('bpfplay:editor-ready')[0]?.startTime ?? NaN));
      await ctx.close();
    }

    // Step latency on a 1,000-instruction program.
    const body = Array.from({ length: 998 }, (_, i) => `\tr0 += ${(i % 7) + 1}`).join('\n');
    const src = `# 1,000 instructions\n\tr0 = 0\n${body}\n\texit\n`;
    await page.goto(`${base}${encodePermalink({ source: src, dialect: 'llvm' })}`);
    await page.waitForSelector('[data-testid=editor][data-ready=true]', { timeout: 30_000 });
    await page.waitForFunction(() => /step 0\/\d+/.test(document.querySelector('[data-testid=step-pos]')?.textContent ?? ''), null, { timeout: 30_000 });
    const lat: number[] = await page.evaluate(async () => {
      const btn = document.querySelector('button[aria-label="Step"]') as HTMLButtonElement;
      const pos = document.querySelector('[data-testid=step-pos]') as HTMLElement;
      const out: number[] = [];
      for (let i = 0; i < 300; i++) {
        const before = pos.textContent;
        const t0 = performance.now();
        btn.click();
        await new Promise<void>((res) => {
          const o = new MutationObserver(() => {
            if (pos.textContent !== before) {
              o.disconnect();
              res();
            }
          });
          o.observe(pos, { childList: true, subtree: true, characterData: true });
        });
        await new Promise((r) => requestAnimationFrame(() => r(null)));
        out.push(performance.now() - t0);
      }
      return out;
    });

    // 10,000 packets through the seed filter, chosen as a pcap file.
    const frames: Uint8Array[] = [];
    for (const s of SAMPLES) for (const f of buildSample(s.id)?.frames ?? []) frames.push(f);
    const packets = Array.from({ length: 10_000 }, (_, i) => ({ tsSec: 1_700_000_000 + i, tsNsec: 0, origLen: frames[i % frames.length]!.length, data: frames[i % frames.length]! }));
    const dir = mkdtempSync(join(tmpdir(), 'bpfplay-bench-'));
    const pcapPath = join(dir, 'ten-thousand.pcap');
    writeFileSync(pcapPath, writePcap(packets));
    await page.goto(base);
    await page.waitForSelector('[data-testid=editor][data-ready=true]', { timeout: 30_000 });
    await page.waitForFunction(() => document.querySelector('[data-testid=packet-0] .c-verdict')?.textContent !== '…');
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Open pcap…' }).click();
    const fc = await chooser;
    const t0 = Date.now();
    await fc.setFiles(pcapPath);
    await page.waitForFunction(() => {
      const t = document.querySelector('.p-packets .panel-sub')?.textContent ?? '';
      const m = /(\d+) kept · (\d+) dropped(?: · (\d+) faulted)?/.exec(t);
      return m !== null && Number(m[1]) + Number(m[2]) + Number(m[3] ?? 0) === 10_000;
    }, null, { timeout: 120_000, polling: 20 });
    const tenK = Date.now() - t0;
    await browser.close();

    const fmt = (x: number) => `${x.toFixed(1)} ms`;
    console.log('bpfplay e2e benchmark (Chromium, vite preview)');
    console.log(`  initial JS (excluding the lazy editor), gzipped: ${(js.bytes / 1024).toFixed(1)} KB  [${js.files.join(', ')}]  budget 300 KB`);
    console.log(`  time to interactive editor: ${tti.map(fmt).join(', ')}  budget 2000 ms`);
    console.log(`  step latency on a 1,000-instruction program: p50 ${fmt(pct(lat, 50))}, p95 ${fmt(pct(lat, 95))}, max ${fmt(Math.max(...lat))} over ${lat.length} steps  budget p95 50 ms`);
    console.log(`  10,000 packets through the seed filter (pcap chosen -> list updated): ${tenK} ms  budget 3000 ms`);
  } finally {
    // The server runs in its own process group (npx and vite): end the whole group.
    if (server.pid) process.kill(-server.pid, 'SIGTERM');
  }
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
