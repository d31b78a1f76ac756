import { expect, openApp, shot, test } from './fixtures';

test('the app opens with the seed example and every landmark panel', async ({ page }) => {
  await openApp(page);
  await expect(page.getByRole('heading', { name: 'bpfplay' })).toBeVisible();
  for (const name of ['Registers', 'Stack', 'Maps', 'Packets', 'Verifier', 'Output'])
    await expect(page.getByRole('region', { name })).toBeVisible();
  for (const name of ['Run', 'Step', 'Step back', 'Reset', 'Share'])
    await expect(page.getByRole('button', { name, exact: true })).toBeVisible();
  await expect(page.locator('.editor-host')).toContainText('Keep only the headers');
  await shot(page, 'main-dark');
});
