import { expect, openApp, shot, test } from './fixtures';

test('classroom embed mode shows minimal chrome', async ({ page }) => {
  await openApp(page, './?embed=1#example/tcpdump-tcp');
  await expect(page.getByRole('button', { name: 'Examples' })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Registers' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Packets' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Verifier' })).toBeHidden();
  await expect(page.getByRole('button', { name: 'Step', exact: true })).toBeVisible();
  await shot(page, 'embed');
});

test('presentation view explains the current instruction', async ({ page }) => {
  await openApp(page, './?present=1#example/tcpdump-tcp');
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(page.locator('.explain')).toContainText('insn 1');
  await shot(page, 'presentation');
});
