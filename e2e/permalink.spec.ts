/// <reference lib="dom" />
// Journeys: share a link and open it in a fresh page; a hostile link; a link above 100 KB; reload
// restores the draft. Deep links are built with the production codec.
import { encodePermalink } from '../app/permalink/codec';
import { expect, openApp, reg, shot, stepPos, test } from './fixtures';

/** The editor's visible text; with `end`, after moving the cursor to the end of the document. */
async function editorText(page: import('@playwright/test').Page, end = false, home = false): Promise<string> {
  if (end || home) {
    await page.locator('.monaco-editor').first().click();
    await page.keyboard.press(end ? 'Control+End' : 'Control+Home');
  }
  return page.evaluate(() => (document.querySelector('.monaco-editor .view-lines') as HTMLElement).innerText.replace(/\u00a0/g, ' '));
}

test('share, then open the link in a fresh page with identical state', async ({ page, browser }) => {
  await openApp(page, './#example/tcpdump-tcp');
  await expect(page.getByTestId('packet-0')).toContainText('keep');
  await page.getByTestId('packet-2').click();
  await page.getByRole('button', { name: 'Breakpoint at line 5' }).click();
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect.poll(() => stepPos(page)).toMatch(/^step 2\//);
  const a = await reg(page, 'A');
  await page.getByRole('button', { name: 'Share' }).click();
  const link = await page.getByRole('textbox', { name: 'Share link' }).inputValue();
  expect(link).toMatch(/#v1\//);

  const ctx = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const fresh = await ctx.newPage();
  const errors: string[] = [];
  fresh.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await fresh.goto(link);
  await expect(fresh.getByTestId('editor')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
  await expect.poll(() => stepPos(fresh)).toBe(await stepPos(page));
  expect(await reg(fresh, 'A')).toBe(a);
  await expect(fresh.getByTestId('packet-2')).toHaveAttribute('aria-selected', 'true');
  await expect(fresh.getByRole('button', { name: 'Breakpoint at line 5' })).toHaveAttribute('aria-pressed', 'true');
  expect(await editorText(fresh)).toContain('(001) jeq');
  expect(errors).toEqual([]);
  await ctx.close();
});

test('a hostile link shows a clear message and keeps the local draft', async ({ page }) => {
  await openApp(page);
  await page.locator('.monaco-editor').first().click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\n# my local draft line');
  await page.waitForTimeout(700);
  await page.goto('./#v1/AAAA<script>alert(1)</script>');
  await page.reload();
  await expect(page.getByTestId('editor')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
  await expect(page.getByRole('alert').filter({ hasText: 'damaged' })).toContainText('Your local draft was kept');
  await expect.poll(() => editorText(page, true)).toContain('my local draft line');
  await shot(page, 'hostile-link');
});

test('a link above 100 KB opens', async ({ page }) => {
  let src = '# big\n';
  let x = 7;
  while (src.length < 300_000) {
    x = (x * 1103515245 + 12345) >>> 0;
    src += `# ${x.toString(36)} ${(x >>> 3).toString(16)}\n`;
  }
  src += '\tr0 = 0\n\texit\n';
  const hash = encodePermalink({ source: src, dialect: 'llvm' });
  expect(hash.length).toBeGreaterThan(100_000);
  await openApp(page, `./${hash}`);
  await expect.poll(() => editorText(page, false, true)).toContain('# big');
  await expect.poll(() => editorText(page, true)).toContain('r0 = 0');
});

test('reload restores the draft', async ({ page }) => {
  await openApp(page);
  await page.locator('.monaco-editor').first().click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\n# remember me');
  await page.waitForTimeout(700);
  await page.reload();
  await expect(page.getByTestId('editor')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
  await expect.poll(() => editorText(page, true)).toContain('remember me');
});
