import { expect, test } from '@playwright/test';

test('the app opens without console errors', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('./');
  await expect(page.getByRole('heading', { name: 'bpfplay' })).toBeVisible();
  expect(errors).toEqual([]);
});
