// Journeys: open every example from the gallery and run it; solve an exercise.
import { expect, openApp, shot, test } from './fixtures';

test('open every example and run it without error', async ({ page }) => {
  test.setTimeout(180_000);
  await openApp(page);
  await page.getByRole('button', { name: 'Examples' }).click();
  const ids = await page.locator('[data-example]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-example')!, e.getAttribute('data-section')!] as const));
  expect(ids.length).toBeGreaterThan(8);
  await page.keyboard.press('Escape');
  for (const [id, section] of ids) {
    await page.getByRole('button', { name: 'Examples' }).click();
    await page.locator(`[data-example="${id}"]`).click();
    await expect(page.getByRole('dialog', { name: 'Examples' })).toHaveCount(0);
    const verifier = page.getByRole('region', { name: 'Verifier' });
    // Every example assembles; the verifier lessons are meant to be rejected, all others accepted and run.
    await expect(verifier.locator('.verdict')).toBeVisible();
    await expect(verifier).not.toContainText('Does not assemble');
    if (section === 'verifier') {
      await expect(verifier.locator('.verdict')).toContainText('Rejected');
      continue;
    }
    await expect(verifier.locator('.verdict')).toContainText('Accepted');
    await expect(page.getByTestId('packet-0').locator('.c-verdict')).not.toHaveText('…');
    await page.getByRole('button', { name: 'Run to breakpoint' }).click();
    await expect(page.getByTestId('step-pos')).toHaveText(/step (\d+)\/\1/);
  }
});

test('an exercise turns green when solved', async ({ page }) => {
  await openApp(page, './#example/classic-dns');
  const ex = page.getByRole('region', { name: 'Exercise' });
  await expect(ex).toContainText('Not yet.');
  await page.getByRole('textbox', { name: 'Filter expression' }).fill('udp dst port 53');
  await page.getByRole('button', { name: 'Compile' }).click();
  await expect(ex).toContainText('All checks pass.');
});

test('hovers document helpers and instructions; the Maps panel follows the steps', async ({ page }) => {
  await openApp(page, './#example/tc-count-protocols');
  await page.locator('.monaco-editor .view-line span span', { hasText: /^bpf_map_lookup_elem$/ }).first().hover();
  await expect(page.locator('.monaco-hover').filter({ hasText: 'Look up the element for key' })).toBeVisible();
  await page.getByRole('button', { name: 'Run to breakpoint' }).click();
  await expect(page.getByRole('region', { name: 'Maps' })).toContainText('08 00 00 00');
  await shot(page, 'maps');
});
